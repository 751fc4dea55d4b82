/**
 * A gunicorn config file read as a Python syntax tree (@lezer/python) and never run. The
 * module-level statements are followed in order, the way Python would execute them, but only
 * literals, lists, tuples, arithmetic on literals, f-strings of known parts, and names assigned
 * earlier are evaluated; anything else (a call, an environment lookup, a comparison) is an
 * unknown value with the reason. Names bound inside `if`/`try`/`for`/`with` are unknown too:
 * the branch taken is not known.
 *
 * Lezer's grammar accepts some text that Python 3 rejects (Python 2 `print "x"`, `except E, e:`,
 * `0755`, `<>`, wrong indentation, a string left open at the end of a line); `python3Problems`
 * adds those checks, so that "gunicorn cannot load this file" matches CPython 3.11's compile().
 */
import type { SyntaxNode, Tree } from '@lezer/common';
import { parser } from '@lezer/python';
import { MAX_VALUE_LENGTH, OVER_BUDGET } from '../expansion-budget';

export type PyValue =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'str'; value: string }
  | { type: 'bool'; value: boolean }
  | { type: 'none' }
  | { type: 'list' | 'tuple'; items: PyKnown[] }
  /** Values whose content does not matter here: they are not ints or strings. */
  | { type: 'bytes' | 'dict' | 'set' | 'function' | 'class' | 'other' };

/** A value known from the text, with the offsets of the expression that gives it. */
export interface PyKnown {
  known: true;
  value: PyValue;
  from: number;
  to: number;
}

export interface PyUnknown {
  known: false;
  /** Why, in words: "computed by a call", "assigned inside an if statement", … */
  reason: string;
}

export type PyEvaluated = PyKnown | PyUnknown;

export type BindingKind = 'assign' | 'augmented' | 'def' | 'class' | 'import' | 'loop' | 'as' | 'mutated' | 'dynamic';

/** One module-level name binding, in statement order. */
export interface PyBinding {
  name: string;
  kind: BindingKind;
  /** The name as written (for `def`, the function name). */
  nameFrom: number;
  nameTo: number;
  /** The value expression (the right-hand side), or the name itself when there is none. */
  valueFrom: number;
  valueTo: number;
  value: PyEvaluated;
  /** Inside an if/try/for/while/with/match at module level. */
  conditional: boolean;
}

export interface PySyntaxProblem {
  from: number;
  to: number;
  message: string;
}

export interface PythonModule {
  text: string;
  /** In text order; gunicorn (like Python) stops at the first one. */
  syntaxProblems: PySyntaxProblem[];
  comments: { from: number; to: number; text: string }[];
  /** Every module-level binding in statement order (the last one of a name wins). */
  bindings: PyBinding[];
  /** The binding of each name at the end of the module; absent: never bound (or deleted). */
  finalBindings: Map<string, PyBinding>;
  /**
   * Set when something at module level may bind any name (`from x import *`, `exec(...)`,
   * `globals()`): names not bound after it are unknown, not absent.
   */
  dynamicAfter?: { from: number; to: number; what: string };
  /** Names read somewhere in the file where they mean the module-level name. */
  loadedNames: Set<string>;
}

const COMPOUND: Record<string, string> = {
  IfStatement: 'an if statement',
  TryStatement: 'a try statement',
  ForStatement: 'a for loop',
  WhileStatement: 'a while loop',
  WithStatement: 'a with statement',
  MatchStatement: 'a match statement',
};

const MUTABLE = new Set(['list', 'dict', 'set', 'other', 'class', 'function']);
/** Calls that may bind any module-level name. */
const DYNAMIC_CALLS = new Set(['exec', 'globals', 'locals', 'vars', 'setattr', 'execfile']);

export function readPythonModule(text: string): PythonModule {
  const tree = parser.parse(text);
  const module: PythonModule = {
    text,
    syntaxProblems: [...lezerErrors(tree, text), ...python3Problems(tree, text)].sort((a, b) => a.from - b.from),
    comments: [],
    bindings: [],
    finalBindings: new Map(),
    loadedNames: new Set(),
  };
  tree.iterate({
    enter(node) {
      if (node.name === 'Comment') module.comments.push({ from: node.from, to: node.to, text: text.slice(node.from + 1, node.to) });
    },
  });
  new Executor(module, text).run(tree.topNode);
  collectLoads(tree.topNode, text, module.loadedNames);
  return module;
}

// ---------------------------------------------------------------------------------------------
// Execution of module-level statements

class Executor {
  private readonly env = new Map<string, PyBinding>();
  /** Functions defined in the module → the names they declare `global`. */
  private readonly globalsOf = new Map<string, string[]>();

  constructor(private readonly module: PythonModule, private readonly text: string) {}

  run(script: SyntaxNode) {
    this.block(children(script), undefined);
    this.module.finalBindings = this.env;
  }

  private slice(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  private bind(binding: PyBinding) {
    this.module.bindings.push(binding);
    this.env.set(binding.name, binding);
  }

  private bindUnknown(name: SyntaxNode, kind: BindingKind, reason: string, conditional: boolean, valueNode: SyntaxNode = name) {
    this.bind({
      name: this.slice(name), kind, nameFrom: name.from, nameTo: name.to, valueFrom: valueNode.from, valueTo: valueNode.to,
      value: { known: false, reason }, conditional,
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
    this.bind({ name: this.slice(name), kind, nameFrom: name.from, nameTo: name.to, valueFrom: node.from, valueTo: node.to, value, conditional: inside !== undefined });
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
    for (const piece of pieces) {
      const asIndex = piece.findIndex((part) => part.name === 'as');
      const bound = asIndex >= 0 ? piece[asIndex + 1] : piece.find((part) => part.name === 'VariableName');
      if (bound && bound.name === 'VariableName') this.bindUnknown(bound, 'import', 'imported', conditional);
    }
  }

  private dynamic(node: SyntaxNode, what: string) {
    this.module.dynamicAfter = { from: node.from, to: node.to, what };
    for (const [name, binding] of this.env) {
      this.env.set(name, { ...binding, kind: 'dynamic', value: { known: false, reason: `possibly rebound by ${what}` }, valueFrom: node.from, valueTo: node.to });
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
    for (const targets of segments) this.assignTargets(targets.filter((t) => t.name !== ','), value, valueFrom, valueTo, inside, 'assign');
  }

  private assignTargets(targets: SyntaxNode[], value: PyEvaluated, valueFrom: number, valueTo: number, inside: string | undefined, kind: BindingKind) {
    if (targets.length === 1 && targets[0].name === 'VariableName') {
      const target = targets[0];
      const bound: PyEvaluated = inside ? { known: false, reason: `assigned inside ${inside}` } : value;
      this.bind({ name: this.slice(target), kind, nameFrom: target.from, nameTo: target.to, valueFrom, valueTo, value: bound, conditional: inside !== undefined });
      return;
    }
    if (targets.length === 1 && ['TupleExpression', 'ArrayExpression', 'ParenthesizedExpression'].includes(targets[0].name)) {
      this.assignTargets(children(targets[0]).filter((t) => ![',', '(', ')', '[', ']'].includes(t.name)), value, valueFrom, valueTo, inside, kind);
      return;
    }
    if (targets.length > 1) {
      const items = value.known && (value.value.type === 'tuple' || value.value.type === 'list') ? value.value.items : undefined;
      targets.forEach((target, i) => {
        const item: PyEvaluated = items && items.length === targets.length ? items[i] : { known: false, reason: 'unpacked from a value that is not known item by item' };
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
    const value = current.known && right.known ? binary(current, op, right, node.from, node.to) : { known: false as const, reason: 'an augmented assignment of an unknown value' };
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
      if (!callee) continue;
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
        return known({ type: 'dict' });
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
      default:
        return { known: false, reason: `computed by "${shorten(this.slice(node))}"` };
    }
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

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 40 ? `${oneLine.slice(0, 39)}…` : oneLine;
}

export function children(node: SyntaxNode): SyntaxNode[] {
  const list: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) list.push(child);
  return list;
}

function isStatement(node: SyntaxNode): boolean {
  return node.name !== ':' && node.name !== 'Comment' && !node.type.isError;
}

/** Names a function declares `global` in its own body (nested functions aside). */
function declaredGlobals(definition: SyntaxNode, text: string): string[] {
  const names: string[] = [];
  const visit = (node: SyntaxNode) => {
    for (const child of children(node)) {
      if (child.name === 'FunctionDefinition' || child.name === 'ClassDefinition' || child.name === 'LambdaExpression') continue;
      if (child.name === 'ScopeStatement' && text.slice(child.from, child.to).startsWith('global')) {
        names.push(...children(child).filter((c) => c.name === 'VariableName').map((c) => text.slice(c.from, c.to)));
      }
      visit(child);
    }
  };
  const body = children(definition).find((c) => c.name === 'Body');
  if (body) visit(body);
  return names;
}

// ---------------------------------------------------------------------------------------------
// Literals and arithmetic, as CPython computes them

function numberLiteral(raw: string, from: number, to: number): PyEvaluated {
  const text = raw.replace(/_/g, '');
  const known = (value: PyValue): PyKnown => ({ known: true, value, from, to });
  if (/[jJ]$/.test(text)) return known({ type: 'other' });
  let match: RegExpExecArray | null;
  if ((match = /^0([xob])([0-9a-f]+)$/i.exec(text))) {
    const value = parseInt(match[2], match[1].toLowerCase() === 'x' ? 16 : match[1].toLowerCase() === 'o' ? 8 : 2);
    return Number.isSafeInteger(value) ? known({ type: 'int', value }) : { known: false, reason: `the integer ${raw} is too large to hold exactly` };
  }
  if (/^\d+$/.test(text)) {
    // `0755` is a syntax error in Python 3 (reported by python3Problems): no value.
    if (/^0+[1-9]/.test(text)) return { known: false, reason: `"${raw}" is not a Python 3 number` };
    const value = Number(text);
    return Number.isSafeInteger(value) ? known({ type: 'int', value }) : { known: false, reason: `the integer ${raw} is too large to hold exactly` };
  }
  const value = Number(text);
  return Number.isFinite(value) ? known({ type: 'float', value }) : { known: false, reason: `the number ${raw}` };
}

/** Decodes backslash escapes as Python does; undefined for `\N{name}`, which needs a name table. */
function decodeString(body: string, raw: boolean): string | undefined {
  if (raw) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const next = body[++i];
    const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };
    if (next in simple) {
      out += simple[next];
    } else if (next === '\r') {
      if (body[i + 1] === '\n') i++;
    } else if (/[0-7]/.test(next)) {
      let digits = next;
      while (digits.length < 3 && /[0-7]/.test(body[i + 1] ?? '')) digits += body[++i];
      out += String.fromCodePoint(parseInt(digits, 8));
    } else if (next === 'x' || next === 'u' || next === 'U') {
      const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + length);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== length) return undefined;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) return undefined;
      out += String.fromCodePoint(code);
      i += length;
    } else if (next === 'N') {
      return undefined;
    } else {
      out += `\\${next}`; // unknown escapes stay as written
    }
  }
  return out;
}

/** str(value) for the types whose text is certain; undefined for floats and containers. */
export function pythonStr(value: PyValue): string | undefined {
  switch (value.type) {
    case 'int':
      return String(value.value);
    case 'str':
      return value.value;
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'none':
      return 'None';
    default:
      return undefined;
  }
}

const weights = new WeakMap<PyValue, number>();

/** A value's size for the budget: a str's characters; a list's or tuple's items and their sizes (shared items counted each time). */
function weight(value: PyValue): number {
  if (value.type === 'str') return value.value.length;
  if (value.type !== 'list' && value.type !== 'tuple') return 1;
  let known = weights.get(value);
  if (known === undefined) {
    known = value.items.length;
    for (const item of value.items) known += weight(item.value);
    weights.set(value, known);
  }
  return known;
}

function numeric(value: PyValue): { type: 'int' | 'float'; value: number } | undefined {
  if (value.type === 'int' || value.type === 'float') return value;
  if (value.type === 'bool') return { type: 'int', value: value.value ? 1 : 0 };
  return undefined;
}

function unary(op: string, operand: PyKnown, from: number, to: number): PyEvaluated {
  const n = numeric(operand.value);
  if (!n) return { known: false, reason: `"${op}" on a ${operand.value.type}` };
  if (op === '-') return { known: true, value: { type: n.type, value: n.value === 0 ? 0 : -n.value }, from, to };
  if (op === '+') return { known: true, value: n, from, to };
  if (op === '~' && n.type === 'int') return { known: true, value: { type: 'int', value: -n.value - 1 }, from, to };
  return { known: false, reason: `"${op}" is not evaluated` };
}

function binary(a: PyKnown, op: string, b: PyKnown, from: number, to: number): PyEvaluated {
  const result = (value: PyValue): PyEvaluated => {
    if ((value.type === 'int' && !Number.isSafeInteger(value.value)) || (value.type === 'float' && !Number.isFinite(value.value))) {
      return { known: false, reason: 'a result too large to hold exactly' };
    }
    return { known: true, value, from, to };
  };
  const unknown = (reason: string): PyUnknown => ({ known: false, reason });
  const x = numeric(a.value);
  const y = numeric(b.value);
  if (x && y) {
    const ints = x.type === 'int' && y.type === 'int';
    const type = ints ? 'int' : 'float';
    switch (op) {
      case '+': return result({ type, value: x.value + y.value });
      case '-': return result({ type, value: x.value - y.value });
      case '*': return result({ type, value: x.value * y.value });
      case '/': return y.value === 0 ? unknown('a division by zero') : result({ type: 'float', value: x.value / y.value });
      case '//': return y.value === 0 ? unknown('a division by zero') : result({ type, value: Math.floor(x.value / y.value) });
      case '%': return y.value === 0 ? unknown('a division by zero') : result({ type, value: x.value - y.value * Math.floor(x.value / y.value) });
      case '**':
        if (ints && y.value < 0) return x.value === 0 ? unknown('a division by zero') : result({ type: 'float', value: x.value ** y.value });
        return result({ type, value: x.value ** y.value });
    }
    if (ints && Math.abs(x.value) <= 0x7fffffff && Math.abs(y.value) <= 0x7fffffff) {
      switch (op) {
        case '|': return result({ type: 'int', value: x.value | y.value });
        case '&': return result({ type: 'int', value: x.value & y.value });
        case '^': return result({ type: 'int', value: x.value ^ y.value });
        case '<<': return y.value < 0 || y.value > 31 ? unknown('a shift this reader does not compute') : result({ type: 'int', value: x.value * 2 ** y.value });
        case '>>': return y.value < 0 ? unknown('a negative shift') : result({ type: 'int', value: Math.floor(x.value / 2 ** y.value) });
      }
    }
    return unknown(`"${op}" is not evaluated`);
  }
  const av = a.value;
  const bv = b.value;
  // Each doubling is one short line: the size is checked before the value is built.
  if (op === '+' && ((av.type === 'str' && bv.type === 'str') || ((av.type === 'list' || av.type === 'tuple') && bv.type === av.type))) {
    if (weight(av) + weight(bv) > MAX_VALUE_LENGTH) return unknown(OVER_BUDGET);
    if (av.type === 'str' && bv.type === 'str') return result({ type: 'str', value: av.value + bv.value });
    if ((av.type === 'list' || av.type === 'tuple') && bv.type === av.type) return result({ type: av.type, items: [...av.items, ...bv.items] });
  }
  if (op === '*') {
    const [sequence, count] = x ? [bv, x] : y ? [av, y] : [undefined, undefined];
    if (sequence && count && count.type === 'int' && (sequence.type === 'str' || sequence.type === 'list' || sequence.type === 'tuple')) {
      const times = Math.max(0, count.value);
      if (weight(sequence) * times > MAX_VALUE_LENGTH) return unknown(OVER_BUDGET);
      if (sequence.type === 'str') return result({ type: 'str', value: sequence.value.repeat(times) });
      return result({ type: sequence.type, items: Array.from({ length: times }, () => sequence.items).flat() });
    }
  }
  // `"%s:%s" % (host, port)` and the like are formatting, not arithmetic.
  return unknown(`"${op}" between a ${av.type} and a ${bv.type}`);
}

// ---------------------------------------------------------------------------------------------
// Which names are read, and where

/** Adds every name read where it refers to the module-level name (function locals aside). */
function collectLoads(script: SyntaxNode, text: string, loaded: Set<string>) {
  const slice = (node: SyntaxNode) => text.slice(node.from, node.to);
  const visit = (node: SyntaxNode, scopes: Set<string>[]) => {
    if (node.name === 'FunctionDefinition' || node.name === 'LambdaExpression' || node.name === 'ClassDefinition') {
      const own = localNames(node, text);
      for (const child of children(node)) visit(child, child.name === 'Body' || child.name === 'ParamList' || node.name === 'LambdaExpression' ? [...scopes, own] : scopes);
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

// ---------------------------------------------------------------------------------------------
// Syntax

function lezerErrors(tree: Tree, text: string): PySyntaxProblem[] {
  const problems: PySyntaxProblem[] = [];
  tree.iterate({
    enter(node) {
      if (!node.type.isError) return;
      const found = text.slice(node.from, node.to);
      let message: string;
      const lineStart = text.lastIndexOf('\n', node.from - 1) + 1;
      if (found.includes('\u0000')) message = 'source code cannot contain null bytes';
      else if (found === '' && /^[ \t\f]*$/.test(text.slice(lineStart, node.from)) && /^[ \t\f]+\S/.test(text.slice(lineStart, lineStart + 200))) message = 'unexpected indent';
      else if (found !== '') message = `invalid syntax: unexpected "${shorten(found)}"`;
      else if (node.from >= text.trimEnd().length) message = 'invalid syntax: unexpected end of file';
      else message = `invalid syntax before "${shorten(text.slice(node.from).trimStart().split(/\s/)[0])}"`;
      problems.push({ from: node.from, to: node.to, message });
      return false;
    },
  });
  return problems;
}

/** What CPython 3 rejects and lezer's grammar accepts. */
function python3Problems(tree: Tree, text: string): PySyntaxProblem[] {
  const problems: PySyntaxProblem[] = [];
  const add = (from: number, to: number, message: string) => problems.push({ from, to, message });
  tree.iterate({
    enter(ref) {
      const node = ref.node;
      const raw = text.slice(node.from, node.to);
      switch (node.name) {
        case 'PrintStatement':
          if (!children(node).some((c) => c.type.isError)) add(node.from, node.from + 5, `Missing parentheses in call to 'print' (Python 2 syntax)`);
          break;
        case 'TryStatement': {
          const parts = children(node);
          parts.forEach((part, i) => {
            if (part.name !== 'except') return;
            for (let j = i + 1; j < parts.length && parts[j].name !== 'Body' && parts[j].name !== 'as'; j++) {
              if (parts[j].name === ',') {
                add(parts[j].from, parts[j].to, 'multiple exception types must be parenthesized (Python 2 "except E, e:")');
                break;
              }
            }
          });
          break;
        }
        case 'RaiseStatement':
          if (children(node).some((c) => c.name === ',')) add(node.from, node.to, 'invalid syntax: Python 2 "raise E, message"');
          break;
        case 'CompareOp':
          if (raw === '<>') add(node.from, node.to, 'invalid syntax: "<>" is Python 2 (use "!=")');
          break;
        case 'Number':
          if (/^0[0-9_]*$/.test(raw) && /[1-9]/.test(raw)) add(node.from, node.to, 'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers');
          break;
        case 'String':
        case 'FormatString': {
          const shape = /^[rRbBuUfF]{0,2}('''|"""|'|")/.exec(raw);
          if (!shape) break;
          const quote = shape[1];
          const body = raw.slice(shape[0].length);
          const closed = body.length >= quote.length && body.endsWith(quote) && !endsWithOddBackslashes(body.slice(0, -quote.length));
          if (quote.length === 1) {
            const newline = firstUnescapedNewline(body);
            if (newline >= 0 || !closed) {
              const at = node.from + shape[0].length - 1;
              add(at, at + 1, 'unterminated string literal');
            }
          } else if (!closed) {
            add(node.from, node.from + shape[0].length, 'unterminated triple-quoted string literal');
          }
          break;
        }
        case 'Script':
        case 'Body':
          indentationProblems(node, text, add);
          break;
      }
    },
  });
  return problems;
}

function endsWithOddBackslashes(text: string): boolean {
  let count = 0;
  for (let i = text.length - 1; i >= 0 && text[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

function firstUnescapedNewline(body: string): number {
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') i++;
    else if (body[i] === '\n') return i;
  }
  return -1;
}

/** Indentation as CPython measures it: columns with tabs to multiples of 8, and tabs as 1 (for TabError). */
function indentWidths(indent: string): [number, number] {
  let col = 0;
  let alt = 0;
  for (const c of indent) {
    if (c === '\t') {
      col = (Math.floor(col / 8) + 1) * 8;
      alt++;
    } else if (c === '\f') {
      col = 0;
      alt = 0;
    } else {
      col++;
      alt++;
    }
  }
  return [col, alt];
}

function indentationProblems(block: SyntaxNode, text: string, add: (from: number, to: number, message: string) => void) {
  const statements = children(block).filter(isStatement);
  let expected: [number, number] | undefined;
  const lineStartOf = (offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
  let parentIndent: [number, number] = [0, 0];
  if (block.name === 'Body' && block.parent) {
    const start = lineStartOf(block.parent.from);
    parentIndent = indentWidths(/^[ \t\f]*/.exec(text.slice(start, block.parent.from))![0]);
  }
  for (const statement of statements) {
    const lineStart = lineStartOf(statement.from);
    const before = text.slice(lineStart, statement.from);
    // Only statements that begin a line have an indentation of their own (`if x: y = 1` has none).
    if (!/^[ \t\f]*$/.test(before)) continue;
    const widths = indentWidths(before);
    if (block.name === 'Script') {
      // After a block, a line indented less than the block is a dedent to no known level.
      const previous = statement.prevSibling;
      const afterBlock = previous !== null && previous.lastChild?.name === 'Body';
      if (before !== '') add(lineStart, statement.from, afterBlock ? 'unindent does not match any outer indentation level' : 'unexpected indent');
      continue;
    }
    if (widths[0] <= parentIndent[0]) {
      add(lineStart, statement.from, 'unindent does not match any outer indentation level');
      return;
    }
    if (!expected) {
      expected = widths;
      continue;
    }
    if (widths[0] !== expected[0]) {
      add(lineStart, statement.from, widths[0] > expected[0] ? 'unexpected indent' : 'unindent does not match any outer indentation level');
      return;
    }
    if (widths[1] !== expected[1]) {
      add(lineStart, statement.from, 'inconsistent use of tabs and spaces in indentation');
      return;
    }
  }
}
