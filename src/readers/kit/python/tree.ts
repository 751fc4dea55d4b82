/** Walking a @lezer/python syntax tree: children, statements, `global` declarations. */
import type { SyntaxNode } from '@lezer/common';

/** Source text as a message quotes it: on one line, at most 40 characters. */
export function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 40 ? `${oneLine.slice(0, 39)}…` : oneLine;
}

export function children(node: SyntaxNode): SyntaxNode[] {
  const list: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) list.push(child);
  return list;
}

export function isStatement(node: SyntaxNode): boolean {
  return node.name !== ':' && node.name !== 'Comment' && !node.type.isError;
}

/** Names a function declares `global` in its own body (nested functions aside). */
export function declaredGlobals(definition: SyntaxNode, text: string): string[] {
  const names: string[] = [];
  const visit = (node: SyntaxNode) => {
    for (const child of children(node)) {
      if (child.name === 'FunctionDefinition' || child.name === 'ClassDefinition' || child.name === 'LambdaExpression') continue;
      if (child.name === 'ScopeStatement' && text.slice(child.from, child.to).startsWith('global')) {
        names.push(
          ...children(child)
            .filter((c) => c.name === 'VariableName')
            .map((c) => text.slice(c.from, c.to)),
        );
      }
      visit(child);
    }
  };
  const body = children(definition).find((c) => c.name === 'Body');
  if (body) visit(body);
  return names;
}
