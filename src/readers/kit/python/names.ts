/** Which module-level names a Python file reads, and where (function locals aside). */
import type { SyntaxNode } from '@lezer/common';
import { children, declaredGlobals } from './tree';

/** Adds every name read where it refers to the module-level name (function locals aside). */
export function collectLoads(script: SyntaxNode, text: string, loaded: Set<string>) {
  const slice = (node: SyntaxNode) => text.slice(node.from, node.to);
  const visit = (node: SyntaxNode, scopes: Set<string>[]) => {
    if (node.name === 'FunctionDefinition' || node.name === 'LambdaExpression' || node.name === 'ClassDefinition') {
      const own = localNames(node, text);
      for (const child of children(node))
        visit(child, child.name === 'Body' || child.name === 'ParamList' || node.name === 'LambdaExpression' ? [...scopes, own] : scopes);
      return;
    }
    if (node.name === 'VariableName' && isLoad(node, slice)) {
      const name = slice(node);
      if (!scopes.some((scope) => scope.has(name))) loaded.add(name);
      return;
    }
    for (const child of children(node)) visit(child, scopes);
  };
  visit(script, []);
}

/** Parameters and names assigned in a function's own body, less those it declares global. */
function localNames(definition: SyntaxNode, text: string): Set<string> {
  const names = new Set<string>();
  const slice = (node: SyntaxNode) => text.slice(node.from, node.to);
  const params = children(definition).find((c) => c.name === 'ParamList');
  if (params) {
    const parts = children(params);
    parts.forEach((part, i) => {
      if (part.name === 'VariableName' && parts[i - 1]?.name !== 'AssignOp') names.add(slice(part));
    });
  }
  const globals = new Set(definition.name === 'FunctionDefinition' ? declaredGlobals(definition, text) : []);
  const body = children(definition).find((c) => c.name === 'Body');
  const visit = (node: SyntaxNode) => {
    for (const child of children(node)) {
      if (child.name === 'FunctionDefinition' || child.name === 'ClassDefinition') {
        const name = children(child).find((c) => c.name === 'VariableName');
        if (name) names.add(slice(name));
        continue;
      }
      if (child.name === 'LambdaExpression') continue;
      if (child.name === 'VariableName' && !isLoad(child, slice)) names.add(slice(child));
      visit(child);
    }
  };
  if (body) visit(body);
  for (const name of globals) names.delete(name);
  return names;
}

/** Whether a VariableName is read (true) rather than bound or used as a keyword (false). */
function isLoad(node: SyntaxNode, slice: (node: SyntaxNode) => string): boolean {
  const parent = node.parent;
  if (!parent) return true;
  const previous = node.prevSibling;
  const next = node.nextSibling;
  switch (parent.name) {
    case 'FunctionDefinition':
    case 'ClassDefinition':
      return false;
    case 'ImportStatement':
    case 'ScopeStatement':
      return false;
    case 'ParamList':
      return previous?.name === 'AssignOp';
    case 'ArgList':
      return next?.name !== 'AssignOp';
    case 'AssignStatement':
      return isAfterLastAssignOp(node);
    case 'TupleExpression':
    case 'ParenthesizedExpression':
    case 'ArrayExpression': {
      // A name inside a target tuple: `(a, b) = …`.
      let outer: SyntaxNode = parent;
      while (outer.parent && ['TupleExpression', 'ParenthesizedExpression', 'ArrayExpression'].includes(outer.parent.name)) outer = outer.parent;
      if (outer.parent?.name === 'AssignStatement' && !isAfterLastAssignOp(outer)) return false;
      return true;
    }
  }
  if (previous && slice(previous) === 'as') return false;
  // Loop targets: `for a, b in …` (statements and comprehensions).
  for (let sibling = previous; sibling; sibling = sibling.prevSibling) {
    const word = slice(sibling);
    if (word === 'for') return false;
    if (sibling.name !== ',' && sibling.name !== 'VariableName') break;
  }
  return true;
}

function isAfterLastAssignOp(node: SyntaxNode): boolean {
  for (let sibling = node.nextSibling; sibling; sibling = sibling.nextSibling) if (sibling.name === 'AssignOp') return false;
  // An annotation-only statement (`x: int`) binds nothing, and `x` is not read either.
  return node.prevSibling !== null;
}
