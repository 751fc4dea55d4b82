/**
 * Execution of module-level statements, in order, as Python would run them, evaluating only what
 * the text determines (src/readers/kit/python/module.ts says what).
 */
import type { SyntaxNode } from '@lezer/common';
import { MAX_VALUE_LENGTH, OVER_BUDGET } from '../../expansion-budget';
import type { BindingKind, PyBinding, PythonModule } from './module';
import { children, declaredGlobals, isStatement, shorten } from './tree';
import { formatMethod, pythonStr } from './formatting';
import { binary, decodeString, numberLiteral, pythonIntBase10, PyEvaluated, PyKnown, PyValue, unary, weight } from './values';

/**
 * What the process's environment gives a variable: its value, that it is unset, or why the tree
 * cannot tell (an environment file outside the tree, a value built from other variables).
 */
export type EnvironmentAnswer = { set: true; value: string } | { set: false } | { unknown: string };
export type PythonEnvironment = (name: string) => EnvironmentAnswer;

const COMPOUND: Record<string, string> = {
  IfStatement: 'an if statement',
  TryStatement: 'a try statement',
  ForStatement: 'a for loop',
  WhileStatement: 'a while loop',
  WithStatement: 'a with statement',
  MatchStatement: 'a match statement',
};

const MUTABLE = new Set(['list', 'dict', 'set', 'other', 'class', 'function']);
/** Builtins whose calls are evaluated (when the module does not rebind their names). */
const BUILTINS = new Set(['int', 'str']);
/** What `call` evaluates. */
const CALLS = new Set(['int', 'str', 'os.getenv', 'os.environ.get']);
/** Calls that may bind any module-level name. */
const DYNAMIC_CALLS = new Set(['exec', 'globals', 'locals', 'vars', 'setattr', 'execfile']);

export class Executor {
  private readonly env = new Map<string, PyBinding>();
  /** Functions defined in the module → the names they declare `global`. */
  private readonly globalsOf = new Map<string, string[]>();
  /** Names bound by an import that nothing has rebound since → what they name (`getenv` → `os.getenv`). */
  private readonly imported = new Map<string, string>();

  /** `environment` answers os.getenv and os.environ; without one, they are unknown values. */
  constructor(
    private readonly module: PythonModule,
    private readonly text: string,
    private readonly environment?: PythonEnvironment,
  ) {}

  run(script: SyntaxNode) {
    this.block(children(script), undefined);
    this.module.finalBindings = this.env;
  }

  private slice(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  private bind(binding: PyBinding) {
    if (binding.kind !== 'import') this.imported.delete(binding.name);
    this.module.bindings.push(binding);
    this.env.set(binding.name, binding);
  }

  private bindUnknown(name: SyntaxNode, kind: BindingKind, reason: string, conditional: boolean, valueNode: SyntaxNode = name) {
    this.bind({
      name: this.slice(name),
      kind,
      nameFrom: name.from,
      nameTo: name.to,
      valueFrom: valueNode.from,
      valueTo: valueNode.to,
      value: { known: false, reason },
      conditional,
    });
  }

  /** `inside` names the compound statement the block sits in (undefined at module level). */
  private block(statements: SyntaxNode[], inside: string | undefined) {
    for (const statement of statements) this.statement(statement, inside);
  }

  private statement(node: SyntaxNode, inside: string | undefined) {
    const conditional = inside !== undefined;
    switch (node.name) {
      case 'StatementGroup':
        this.block(children(node), inside);
        return;
      case 'AssignStatement':
        this.assign(node, inside);
        break;
      case 'UpdateStatement':
        this.update(node, inside);
        break;
      case 'FunctionDefinition':
      case 'ClassDefinition':
        this.define(node, inside);
        return;
      case 'DecoratedStatement': {
        const inner = children(node).find((child) => child.name === 'FunctionDefinition' || child.name === 'ClassDefinition');
        if (inner) this.define(inner, inside, 'decorated');
        return;
      }
      case 'ImportStatement':
        this.importNames(node, conditional);
        return;
      case 'DeleteStatement':
        for (const target of children(node).filter((child) => child.name === 'VariableName')) {
          if (conditional) this.bindUnknown(target, 'dynamic', `deleted inside ${inside}`, true);
          else this.env.delete(this.slice(target));
        }
        return;
      default:
        if (COMPOUND[node.name]) {
          this.compound(node, COMPOUND[node.name]);
          return;
        }
    }
    this.sideEffects(node, conditional);
  }

  private compound(node: SyntaxNode, what: string) {
    const parts = children(node);
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (part.name === 'Body') {
        this.block(children(part).filter(isStatement), what);
        continue;
      }
      // Loop targets and `as` names are bound with values the text does not give.
      const previous = parts[i - 1];
      if (part.name === 'VariableName' && previous && (previous.name === 'as' || this.isLoopTarget(parts, i))) {
        this.bindUnknown(part, previous.name === 'as' ? 'as' : 'loop', `bound by ${what}`, true);
      }
    }
    // The tests and iterables of the statement run too (`for x in bind.pop()`).
    this.sideEffects(node, true, true);
  }

  private isLoopTarget(parts: SyntaxNode[], index: number): boolean {
    for (let i = index - 1; i >= 0; i--) {
      if (parts[i].name === 'for') return true;
      if (parts[i].name !== ',' && parts[i].name !== 'VariableName') return false;
    }
    return false;
  }

  private define(node: SyntaxNode, inside: string | undefined, decorated?: string) {
    const name = children(node).find((child) => child.name === 'VariableName');
    if (!name) return;
    const kind: BindingKind = node.name === 'FunctionDefinition' ? 'def' : 'class';
    const value: PyEvaluated = inside
      ? { known: false, reason: `defined inside ${inside}` }
      : decorated
        ? { known: false, reason: 'a decorated definition' }
        : { known: true, value: { type: kind === 'def' ? 'function' : 'class' }, from: node.from, to: node.to };
    this.bind({
      name: this.slice(name),
      kind,
      nameFrom: name.from,
      nameTo: name.to,
      valueFrom: node.from,
      valueTo: node.to,
      value,
      conditional: inside !== undefined,
    });
    if (kind === 'def') this.globalsOf.set(this.slice(name), declaredGlobals(node, this.text));
  }

  private importNames(node: SyntaxNode, conditional: boolean) {
    const parts = children(node);
    const isFrom = parts[0]?.name === 'from';
    if (parts.some((part) => part.name === '*')) {
      this.dynamic(node, 'from … import *');
      return;
    }
    // `import a.b as c, d.e` binds c and d; `from m import x as y, z` binds y and z.
    const start = isFrom ? parts.findIndex((part) => part.name === 'import') + 1 : 1;
    if (start <= 0) return;
    const pieces: SyntaxNode[][] = [[]];
    for (let i = start; i < parts.length; i++) {
      if (parts[i].name === ',') pieces.push([]);
      else if (parts[i].name !== '(' && parts[i].name !== ')') pieces[pieces.length - 1].push(parts[i]);
    }
    // `from . import x` (relative) names a module of the application, not one this reader knows.
    const fromModule = isFrom ? this.dottedName(parts.slice(1, start - 1)) : '';
    for (const piece of pieces) {
      const asIndex = piece.findIndex((part) => part.name === 'as');
      const bound = asIndex >= 0 ? piece[asIndex + 1] : piece.find((part) => part.name === 'VariableName');
      if (!bound || bound.name !== 'VariableName') continue;
      this.bindUnknown(bound, 'import', 'imported', conditional);
      const name = this.slice(bound);
      const path = this.dottedName(asIndex >= 0 ? piece.slice(0, asIndex) : piece);
      // `import os.path` binds os; `import os.path as p` binds os.path.
      const target = isFrom ? (fromModule && path ? `${fromModule}.${path}` : undefined) : asIndex >= 0 ? path : path?.split('.')[0];
      if (target && !conditional) this.imported.set(name, target);
      else this.imported.delete(name);
    }
  }

  /** `os.path` from its name and dot tokens; undefined for a relative or odd one. */
  private dottedName(nodes: SyntaxNode[]): string | undefined {
    if (nodes.length === 0 || nodes[0].name !== 'VariableName') return undefined;
    let name = '';
    for (const node of nodes) {
      if (node.name === 'VariableName') name += this.slice(node);
      else if (node.name === '.') name += '.';
      else return undefined;
    }
    return name;
  }

  private dynamic(node: SyntaxNode, what: string) {
    this.module.dynamicAfter = { from: node.from, to: node.to, what };
    this.imported.clear();
    for (const [name, binding] of this.env) {
      this.env.set(name, {
        ...binding,
        kind: 'dynamic',
        value: { known: false, reason: `possibly rebound by ${what}` },
        valueFrom: node.from,
        valueTo: node.to,
      });
    }
  }

  /** Splits an assignment into its target groups and the value, at each `=`. */
  private assign(node: SyntaxNode, inside: string | undefined) {
    const segments: SyntaxNode[][] = [[]];
    for (const child of children(node)) {
      if (child.name === 'AssignOp') segments.push([]);
      else if (child.name !== 'TypeDef') segments[segments.length - 1].push(child);
    }
    if (segments.length < 2) return; // `name: annotation` binds nothing
    const valueNodes = segments.pop()!;
    const value = this.evaluateSequence(valueNodes);
    const valueFrom = valueNodes[0]?.from ?? node.to;
    const valueTo = valueNodes[valueNodes.length - 1]?.to ?? node.to;
    for (const targets of segments)
      this.assignTargets(
        targets.filter((t) => t.name !== ','),
        value,
        valueFrom,
        valueTo,
        inside,
        'assign',
      );
  }

  private assignTargets(targets: SyntaxNode[], value: PyEvaluated, valueFrom: number, valueTo: number, inside: string | undefined, kind: BindingKind) {
    if (targets.length === 1 && targets[0].name === 'VariableName') {
      const target = targets[0];
      const bound: PyEvaluated = inside ? { known: false, reason: `assigned inside ${inside}` } : value;
      this.bind({
        name: this.slice(target),
        kind,
        nameFrom: target.from,
        nameTo: target.to,
        valueFrom,
        valueTo,
        value: bound,
        conditional: inside !== undefined,
      });
      return;
    }
    if (targets.length === 1 && ['TupleExpression', 'ArrayExpression', 'ParenthesizedExpression'].includes(targets[0].name)) {
      this.assignTargets(
        children(targets[0]).filter((t) => ![',', '(', ')', '[', ']'].includes(t.name)),
        value,
        valueFrom,
        valueTo,
        inside,
        kind,
      );
      return;
    }
    if (targets.length > 1) {
      const items = value.known && (value.value.type === 'tuple' || value.value.type === 'list') ? value.value.items : undefined;
      targets.forEach((target, i) => {
        const item: PyEvaluated =
          items && items.length === targets.length ? items[i] : { known: false, reason: 'unpacked from a value that is not known item by item' };
        this.assignTargets([target], item, item.known ? item.from : valueFrom, item.known ? item.to : valueTo, inside, kind);
      });
      return;
    }
    // `x[0] = …`, `x.attr = …` change the object that x names.
    for (const target of targets) this.mutate(target, inside);
  }

  private mutate(target: SyntaxNode, inside: string | undefined) {
    let base: SyntaxNode | null = target;
    while (base && base.name === 'MemberExpression') base = base.firstChild;
    if (base && base.name === 'VariableName' && this.env.has(this.slice(base))) {
      this.bindUnknown(base, 'mutated', inside ? `changed inside ${inside}` : `changed by "${this.slice(target)}"`, inside !== undefined, target);
    }
  }

  private update(node: SyntaxNode, inside: string | undefined) {
    const parts = children(node);
    const opIndex = parts.findIndex((part) => part.name === 'UpdateOp');
    if (opIndex < 0) return;
    const target = parts[0];
    const valueNodes = parts.slice(opIndex + 1);
    if (target.name !== 'VariableName') {
      this.mutate(target, inside);
      return;
    }
    const current = this.lookup(this.slice(target));
    const right = this.evaluateSequence(valueNodes);
    const op = this.slice(parts[opIndex]).slice(0, -1);
    const value =
      current.known && right.known
        ? binary(current, op, right, node.from, node.to)
        : { known: false as const, reason: 'an augmented assignment of an unknown value' };
    const valueFrom = valueNodes[0]?.from ?? node.to;
    this.assignTargets([target], value, valueFrom, valueNodes[valueNodes.length - 1]?.to ?? node.to, inside, 'augmented');
  }

  /** Calls at module level: `bind.append(…)` changes bind; `exec(…)` may change anything. */
  private sideEffects(node: SyntaxNode, conditional: boolean, skipBodies = false) {
    const calls: SyntaxNode[] = [];
    const visit = (n: SyntaxNode) => {
      if (n.name === 'LambdaExpression' || (skipBodies && n.name === 'Body')) return;
      if (n.name === 'CallExpression') calls.push(n);
      for (const child of children(n)) visit(child);
    };
    visit(node);
    for (const call of calls) {
      const callee = call.firstChild;
      // os.getenv(…), int(…): reading, not changing.
      if (!callee || CALLS.has(this.qualifiedName(callee) ?? '')) continue;
      if (callee.name === 'VariableName') {
        const name = this.slice(callee);
        if (DYNAMIC_CALLS.has(name)) this.dynamic(call, `${name}(…)`);
        for (const global of this.globalsOf.get(name) ?? []) {
          const binding = this.env.get(global);
          if (binding) this.env.set(global, { ...binding, kind: 'dynamic', value: { known: false, reason: `possibly changed by ${name}()` } });
          else this.module.dynamicAfter ??= { from: call.from, to: call.to, what: `${name}()` };
        }
      } else if (callee.name === 'MemberExpression') {
        let base: SyntaxNode | null = callee.firstChild;
        while (base && base.name === 'MemberExpression') base = base.firstChild;
        if (!base || base.name !== 'VariableName') continue;
        const binding = this.env.get(this.slice(base));
        // Methods of str, int and tuple cannot change the value; a list's can.
        if (binding && (!binding.value.known || MUTABLE.has(binding.value.value.type))) {
          this.bindUnknown(base, 'mutated', `changed by "${this.slice(callee)}(…)"`, conditional, call);
        }
      }
    }
  }

  private lookup(name: string): PyEvaluated {
    const binding = this.env.get(name);
    if (binding) return binding.value;
    if (this.module.dynamicAfter) return { known: false, reason: `possibly set by ${this.module.dynamicAfter.what}` };
    return { known: false, reason: `"${name}" is not assigned in this file` };
  }

  /** A value written as `a, b` is a tuple. */
  private evaluateSequence(nodes: SyntaxNode[]): PyEvaluated {
    const items = nodes.filter((n) => n.name !== ',');
    if (items.length === 1 && nodes.length === 1) return this.evaluate(items[0]);
    if (items.length === 0) return { known: false, reason: 'no value' };
    return this.collection('tuple', items, nodes[0].from, nodes[nodes.length - 1].to);
  }

  private collection(type: 'list' | 'tuple', nodes: SyntaxNode[], from: number, to: number): PyEvaluated {
    const items: PyKnown[] = [];
    let size = 0;
    for (const node of nodes) {
      const item = this.evaluate(node);
      if (!item.known) return { known: false, reason: `a ${type} with an unknown item (${item.reason})` };
      items.push(item);
      // `a = [a, a]` doubles without a `+`.
      size += 1 + weight(item.value);
      if (size > MAX_VALUE_LENGTH) return { known: false, reason: OVER_BUDGET };
    }
    return { known: true, value: { type, items }, from, to };
  }

  evaluate(node: SyntaxNode): PyEvaluated {
    const known = (value: PyValue): PyKnown => ({ known: true, value, from: node.from, to: node.to });
    switch (node.name) {
      case 'Number':
        return numberLiteral(this.slice(node), node.from, node.to);
      case 'String':
      case 'FormatString':
      case 'ContinuedString':
        return this.stringLiteral(node);
      case 'Boolean':
        return known({ type: 'bool', value: this.slice(node) === 'True' });
      case 'None':
        return known({ type: 'none' });
      case 'VariableName': {
        const name = this.slice(node);
        const value = this.lookup(name);
        if (value.known) return { ...value, from: node.from, to: node.to };
        return value.reason.startsWith(`"${name}"`) ? value : { known: false, reason: `"${name}" is ${value.reason}` };
      }
      case 'ParenthesizedExpression': {
        const inner = children(node).filter((c) => c.name !== '(' && c.name !== ')');
        return inner.length === 1 ? this.evaluate(inner[0]) : { known: false, reason: 'an expression in parentheses' };
      }
      case 'TupleExpression':
      case 'ArrayExpression': {
        const items = children(node).filter((c) => ![',', '(', ')', '[', ']'].includes(c.name));
        if (items.some((item) => item.name === 'StarExpression' || item.name === '*')) return { known: false, reason: 'a starred item' };
        return this.collection(node.name === 'TupleExpression' ? 'tuple' : 'list', items, node.from, node.to);
      }
      case 'DictionaryExpression':
        return known({ type: 'dict', entries: this.dictEntries(node) });
      case 'SetExpression':
        return known({ type: 'set' });
      case 'UnaryExpression': {
        const [op, operand] = children(node);
        if (!op || !operand) return { known: false, reason: 'an incomplete expression' };
        const value = this.evaluate(operand);
        return value.known ? unary(this.slice(op), value, node.from, node.to) : value;
      }
      case 'BinaryExpression': {
        const [left, op, right] = children(node);
        if (!left || !op || !right || (op.name !== 'ArithOp' && op.name !== 'BitOp')) {
          return { known: false, reason: `computed by "${shorten(this.slice(node))}"` };
        }
        const a = this.evaluate(left);
        if (!a.known) return a;
        const b = this.evaluate(right);
        if (!b.known) return b;
        return binary(a, this.slice(op), b, node.from, node.to);
      }
      case 'CallExpression':
        return this.call(node) ?? { known: false, reason: `computed by "${shorten(this.slice(node))}"` };
      case 'MemberExpression':
        return this.environmentItem(node) ?? { known: false, reason: `computed by "${shorten(this.slice(node))}"` };
      default:
        return { known: false, reason: `computed by "${shorten(this.slice(node))}"` };
    }
  }

  /** A dict literal's items when every key is a known str and every value is known; else undefined. */
  private dictEntries(node: SyntaxNode): Map<string, PyKnown> | undefined {
    const parts = children(node).filter((c) => c.name !== '{' && c.name !== '}' && c.name !== ',');
    const entries = new Map<string, PyKnown>();
    let size = 0;
    for (let i = 0; i < parts.length; i += 3) {
      // `**other` has no `:` after its first part.
      if (parts[i + 1]?.name !== ':' || !parts[i + 2]) return undefined;
      const key = this.evaluate(parts[i]);
      const value = this.evaluate(parts[i + 2]);
      if (!key.known || key.value.type !== 'str' || !value.known) return undefined;
      entries.set(key.value.value, value);
      size += 1 + key.value.value.length + weight(value.value);
      if (size > MAX_VALUE_LENGTH) return undefined;
    }
    return entries;
  }

  /** What a callee or object names when an import or a builtin gives it (`os.environ.get`); else undefined. */
  private qualifiedName(node: SyntaxNode): string | undefined {
    if (node.name === 'VariableName') {
      const name = this.slice(node);
      const imported = this.imported.get(name);
      if (imported) return imported;
      return BUILTINS.has(name) && !this.env.has(name) && !this.module.dynamicAfter ? name : undefined;
    }
    if (node.name !== 'MemberExpression') return undefined;
    const [object, dot, property] = children(node);
    if (!object || dot?.name !== '.' || property?.name !== 'PropertyName') return undefined;
    const base = this.qualifiedName(object);
    return base && `${base}.${this.slice(property)}`;
  }

  /** Positional, then keyword arguments; undefined for `*args`, `**kwargs`, or a positional one after a keyword. */
  private callArguments(argList: SyntaxNode): { args: SyntaxNode[]; keywords: Map<string, SyntaxNode> } | undefined {
    const args: SyntaxNode[] = [];
    const keywords = new Map<string, SyntaxNode>();
    const parts = children(argList).filter((part) => part.name !== '(' && part.name !== ')' && part.name !== ',');
    for (let i = 0; i < parts.length; i++) {
      if (parts[i + 1]?.name === 'AssignOp' && parts[i].name === 'VariableName') {
        // A keyword given twice is a SyntaxError: the file does not load.
        if (keywords.has(this.slice(parts[i]))) return undefined;
        keywords.set(this.slice(parts[i]), parts[i + 2]);
        i += 2;
      } else if (keywords.size > 0 || parts[i].name === 'StarExpression' || parts[i].name === '*' || parts[i].name === '**') return undefined;
      else args.push(parts[i]);
    }
    return { args, keywords };
  }

  /**
   * The calls whose result the text and the environment determine: os.getenv, os.environ.get,
   * int(), str() and a str's format(). Undefined for any other call.
   */
  private call(node: SyntaxNode): PyEvaluated | undefined {
    const [callee, argList] = children(node);
    if (!callee || argList?.name !== 'ArgList') return undefined;
    const [object, dot, property] = children(callee);
    if (callee.name === 'MemberExpression' && dot?.name === '.' && property?.name === 'PropertyName' && this.slice(property) === 'format') {
      return this.formatCall(object, argList, node);
    }
    const callable = this.qualifiedName(callee);
    if (!callable || !CALLS.has(callable)) return undefined;
    const parsed = this.callArguments(argList);
    if (!parsed) return undefined;
    const { args, keywords } = parsed;
    const known = (value: PyValue): PyKnown => ({ known: true, value, from: node.from, to: node.to });
    if (callable === 'int' || callable === 'str') {
      if (args.length !== 1 || keywords.size > 0) return undefined;
      const argument = this.evaluate(args[0]);
      if (!argument.known) return argument;
      if (callable === 'str') {
        const text = pythonStr(argument.value);
        return text === undefined ? undefined : known({ type: 'str', value: text });
      }
      const value = argument.value;
      if (value.type === 'int') return known(value);
      if (value.type === 'bool') return known({ type: 'int', value: value.value ? 1 : 0 });
      if (value.type === 'str') {
        const number = pythonIntBase10(value.value);
        return number === undefined ? { known: false, reason: `int() rejects "${shorten(value.value)}"` } : known({ type: 'int', value: number });
      }
      return undefined;
    }
    // os.getenv(key, default=None); os.environ.get(key, default=None) takes its default by position only.
    const keywordDefault = callable === 'os.getenv' && args.length === 1 && keywords.size === 1 ? keywords.get('default') : undefined;
    if (args.length < 1 || args.length > 2 || (keywords.size > 0 && !keywordDefault)) return undefined;
    return this.environmentLookup(args[0], args[1] ?? keywordDefault, node);
  }

  /** `template.format(…)` where the template is a known str; undefined when the object is known and not a str. */
  private formatCall(object: SyntaxNode, argList: SyntaxNode, node: SyntaxNode): PyEvaluated | undefined {
    const template = this.evaluate(object);
    if (!template.known) return template;
    if (template.value.type !== 'str') return undefined;
    const parsed = this.callArguments(argList);
    if (!parsed) return undefined;
    // Python evaluates every argument before formatting: one it cannot evaluate leaves the result unknown.
    const positional: PyValue[] = [];
    for (const arg of parsed.args) {
      const value = this.evaluate(arg);
      if (!value.known) return value;
      positional.push(value.value);
    }
    const keywords = new Map<string, PyValue>();
    for (const [name, arg] of parsed.keywords) {
      if (!arg) return undefined;
      const value = this.evaluate(arg);
      if (!value.known) return value;
      keywords.set(name, value.value);
    }
    const formatted = formatMethod(template.value.value, positional, keywords);
    if ('reason' in formatted) return { known: false, reason: formatted.reason };
    return { known: true, value: { type: 'str', value: formatted.text }, from: node.from, to: node.to };
  }

  /** `os.environ["KEY"]`: the value, or a KeyError (an unknown value) when it is unset. */
  private environmentItem(node: SyntaxNode): PyEvaluated | undefined {
    const [object, open, key, close] = children(node);
    if (open?.name !== '[' || close?.name !== ']' || !key || this.qualifiedName(object) !== 'os.environ') return undefined;
    return this.environmentLookup(key, undefined, node, true);
  }

  private environmentLookup(keyNode: SyntaxNode, defaultNode: SyntaxNode | undefined, node: SyntaxNode, raises = false): PyEvaluated {
    const key = this.evaluate(keyNode);
    if (!key.known || key.value.type !== 'str') return { known: false, reason: `reads an environment variable whose name is not known` };
    const name = key.value.value;
    this.module.readsEnvironment = true;
    const answer = this.environment?.(name) ?? { unknown: `reads ${name} from the environment of the process that runs it` };
    if ('unknown' in answer) return { known: false, reason: answer.unknown };
    if (answer.set) return { known: true, value: { type: 'str', value: answer.value }, from: node.from, to: node.to };
    if (raises) return { known: false, reason: `raises KeyError: ${name} is not set in the environment` };
    if (!defaultNode) return { known: true, value: { type: 'none' }, from: node.from, to: node.to };
    const fallback = this.evaluate(defaultNode);
    return fallback.known ? { ...fallback, from: node.from, to: node.to } : fallback;
  }

  private stringLiteral(node: SyntaxNode): PyEvaluated {
    if (node.name === 'ContinuedString') {
      let result = '';
      let bytes = false;
      for (const part of children(node)) {
        const value = this.stringLiteral(part);
        if (!value.known) return value;
        if (value.value.type === 'bytes') bytes = true;
        else if (value.value.type === 'str') result += value.value.value;
        if (result.length > MAX_VALUE_LENGTH) return { known: false, reason: OVER_BUDGET };
      }
      return { known: true, value: bytes ? { type: 'bytes' } : { type: 'str', value: result }, from: node.from, to: node.to };
    }
    const raw = this.slice(node);
    const shape = /^([rRbBuUfF]{0,2})('''|"""|'|")/.exec(raw);
    if (!shape) return { known: false, reason: 'a string literal this reader does not understand' };
    const prefix = shape[1].toLowerCase();
    const quote = shape[2];
    const bodyFrom = node.from + shape[0].length;
    const bodyTo = raw.endsWith(quote) && raw.length >= shape[0].length + quote.length ? node.to - quote.length : node.to;
    if (prefix.includes('b')) return { known: true, value: { type: 'bytes' }, from: node.from, to: node.to };
    const raw_ = prefix.includes('r');
    if (!prefix.includes('f')) {
      const decoded = decodeString(this.text.slice(bodyFrom, bodyTo), raw_);
      return decoded === undefined
        ? { known: false, reason: 'a string with a \\N{…} escape' }
        : { known: true, value: { type: 'str', value: decoded }, from: node.from, to: node.to };
    }
    // f-string: literal pieces between replacement fields, each field a known str or int.
    let result = '';
    let cursor = bodyFrom;
    for (const field of children(node).filter((c) => c.name === 'FormatReplacement')) {
      const piece = decodeString(this.text.slice(cursor, field.from).replace(/\{\{/g, '{').replace(/\}\}/g, '}'), raw_);
      if (piece === undefined) return { known: false, reason: 'an f-string with a \\N{…} escape' };
      result += piece;
      const inner = children(field).filter((c) => c.name !== '{' && c.name !== '}');
      if (inner.length !== 1) return { known: false, reason: `an f-string field "${shorten(this.slice(field))}" with a conversion or format` };
      const value = this.evaluate(inner[0]);
      if (!value.known) return { known: false, reason: `an f-string field: ${value.reason}` };
      const text = pythonStr(value.value);
      if (text === undefined) return { known: false, reason: `an f-string field "${shorten(this.slice(field))}" of type ${value.value.type}` };
      result += text;
      if (result.length > MAX_VALUE_LENGTH) return { known: false, reason: OVER_BUDGET };
      cursor = field.to;
    }
    const tail = decodeString(this.text.slice(cursor, bodyTo).replace(/\{\{/g, '{').replace(/\}\}/g, '}'), raw_);
    if (tail === undefined) return { known: false, reason: 'an f-string with a \\N{…} escape' };
    if (result.length + tail.length > MAX_VALUE_LENGTH) return { known: false, reason: OVER_BUDGET };
    return { known: true, value: { type: 'str', value: result + tail }, from: node.from, to: node.to };
  }
}
