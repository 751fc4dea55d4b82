/**
 * Terraform (`.tf` native syntax and `.tf.json`): the AWS load-balancer resources, each value
 * with its span. A value is known when it is a literal, or `var.x` whose `variable` has a literal
 * default that nothing in the tree overrides (a `.tfvars` file beside it, a `module` block that
 * passes it); anything else (locals, module outputs, functions, conditionals) is unknown, with why.
 * A file Terraform could not parse is a `terraform-syntax` finding and adds no resource.
 */
import * as nodePath from 'path';
import { parseDocument, isMap, isSeq, isScalar, Node, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { SourceText } from '../../source/text';
import type { FilesByFormat, ReaderContext, ReaderOutput } from '../types';
import { emptyOutput } from '../types';
import { guarded } from '../kit/failure';
import { addComments, diagnostic, lineComments, readSource } from '../kit/files';
import { CloudBalancerResources, CloudValue, emptyCloudResources, HealthCheck } from '../cloud-balancers';
import { HclAttribute, HclBlock, HclBody, HclExpr, HclSyntaxError, parseHcl, Range } from './hcl';
import { classicHealthTarget } from '../cloud-values';
import { append } from '../../source/append';

export interface TerraformReadResult extends ReaderOutput {
  terraform: CloudBalancerResources;
}

interface ParsedFile {
  source: SourceText;
  path: string;
  body: HclBody;
}

interface VariableDefault {
  expr: HclExpr | undefined;
  source: SourceText;
  nameRange: Range;
}

/** What a module directory knows about its variables. */
interface ModuleScope {
  variables: Map<string, VariableDefault>;
  /** Variables set elsewhere (a .tfvars file, a module block), with where: their defaults are not used. */
  overridden: Map<string, string>;
}

export function readTerraform(files: FilesByFormat, context: ReaderContext): TerraformReadResult {
  const output = emptyOutput();
  const terraform = emptyCloudResources();
  const parsed: ParsedFile[] = [];
  for (const path of files.terraform ?? []) {
    const source = readSource(path, context, output);
    if (!source) continue;
    // `# cfglint-disable-next-line …` above an attribute (HCL's `#` comments; JSON has none).
    if (!path.toLowerCase().endsWith('.json')) addComments(output, source.file, lineComments(source));
    guarded(output.diagnostics, 'Terraform reader', source.file, () => {
      const body = parseFile(source, path.toLowerCase().endsWith('.json'), output);
      if (body) parsed.push({ source, path, body });
    });
  }
  const scopes = moduleScopes(parsed, context);
  for (const file of parsed) {
    const scope = scopes.get(nodePath.dirname(file.path))!;
    guarded(output.diagnostics, 'Terraform reader', file.source.file, () => readResources(file, scope, terraform));
  }
  return { ...output, terraform };
}

function parseFile(source: SourceText, json: boolean, output: ReaderOutput): HclBody | undefined {
  if (json) {
    // The `yaml` package reads JSON leniently (a YAML stream after a `#` line): the first character says whether it is JSON at all.
    const first = firstContent(source.text);
    if (source.text[first] !== '{') {
      output.diagnostics.push(
        diagnostic(
          source,
          'terraform-syntax',
          'Invalid Terraform JSON: a .tf.json file must hold one JSON object, and this one starts with something else (HCL belongs in a .tf file)',
          first,
          Math.min(first + 1, source.text.length),
        ),
      );
      return undefined;
    }
    const document = parseDocument(source.text, { prettyErrors: false, uniqueKeys: false });
    const error = document.errors[0];
    const root = document.contents;
    if (error || !isMap(root)) {
      const [start, end] = error ? error.pos : [first, first + 1];
      const message = error
        ? error.message
            .split('\n')[0]
            .replace(/ at line \d+, column \d+:?$/, '')
            .slice(0, 200)
        : 'a .tf.json file must hold one JSON object';
      output.diagnostics.push(
        diagnostic(
          source,
          'terraform-syntax',
          `Invalid Terraform JSON: ${message}`,
          Math.min(start, source.text.length),
          Math.min(end, start + 1, source.text.length),
        ),
      );
      return undefined;
    }
    return jsonBody(root as YAMLMap, 0);
  }
  try {
    return parseHcl(source.text);
  } catch (error) {
    if (!(error instanceof HclSyntaxError)) throw error;
    const hint =
      error.range.start === firstContent(source.text) && source.text.trimStart().startsWith('{')
        ? ' (this is JSON syntax: Terraform reads it only from a .tf.json file)'
        : '';
    output.diagnostics.push(diagnostic(source, 'terraform-syntax', `${error.message}${hint}`, error.range.start, error.range.end));
    return undefined;
  }
}

function firstContent(text: string): number {
  return text.length - text.trimStart().length;
}

/** Block types whose JSON form is an object (or a list of objects) and whose bodies cfglint reads. */
const JSON_BLOCKS = new Set([
  'resource',
  'variable',
  'module',
  'health_check',
  'listener',
  'default_action',
  'action',
  'forward',
  'target_group',
  'load_balancer',
  'access_logs',
  'stickiness',
  'redirect',
  'fixed_response',
  'condition',
  'dynamic',
  'content',
  'lifecycle',
  'connection_settings',
]);
/** Blocks whose JSON form nests one more level of labels per depth: resource → type → name. */
const JSON_LABELS: Record<string, number> = { resource: 2, variable: 1, module: 1, dynamic: 1 };

function jsonBody(map: YAMLMap, depth: number): HclBody {
  const body: HclBody = { attributes: [], blocks: [] };
  if (depth > 20) return body;
  for (const pair of map.items) {
    if (!isScalar(pair.key)) continue;
    const name = String((pair.key as Scalar).value);
    const keyRange = nodeRange(pair.key as Node);
    const value = pair.value as Node | null;
    if (JSON_BLOCKS.has(name) && value && (isMap(value) || isSeq(value))) {
      for (const block of jsonBlocks(name, keyRange, value, JSON_LABELS[name] ?? 0, [], depth)) body.blocks.push(block);
      continue;
    }
    const expr = jsonExpr(value, depth);
    body.attributes.push({ name, nameRange: keyRange, value: expr, range: { start: keyRange.start, end: expr.range.end } });
  }
  return body;
}

function jsonBlocks(type: string, typeRange: Range, value: Node, labelsLeft: number, labels: HclBlock['labels'], depth: number): HclBlock[] {
  if (isSeq(value))
    return (value as YAMLSeq).items.flatMap((item) =>
      item && (isMap(item) || isSeq(item)) ? jsonBlocks(type, typeRange, item as Node, labelsLeft, labels, depth + 1) : [],
    );
  if (!isMap(value)) return [];
  if (labelsLeft === 0)
    return [{ type, typeRange, labels, body: jsonBody(value as YAMLMap, depth + 1), range: { start: typeRange.start, end: nodeRange(value).end } }];
  const blocks: HclBlock[] = [];
  for (const pair of (value as YAMLMap).items) {
    if (!isScalar(pair.key) || !pair.value) continue;
    const label = { value: String((pair.key as Scalar).value), range: nodeRange(pair.key as Node) };
    append(blocks, jsonBlocks(type, typeRange, pair.value as Node, labelsLeft - 1, [...labels, label], depth + 1));
  }
  return blocks;
}

function jsonExpr(node: Node | null, depth: number): HclExpr {
  const range = node ? nodeRange(node) : { start: 0, end: 0 };
  if (!node || depth > 20) return { kind: 'other', range };
  if (isScalar(node)) {
    const value = (node as Scalar).value;
    if (typeof value === 'string') {
      if (!/[$%]\{/.test(value)) return { kind: 'literal', value, range };
      const only = /^\$\{\s*([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+)\s*\}$/.exec(value);
      return only ? { kind: 'reference', path: only[1].split('.'), range } : { kind: 'other', range };
    }
    if (typeof value === 'number' || typeof value === 'boolean' || value === null) return { kind: 'literal', value, range };
    return { kind: 'other', range };
  }
  if (isSeq(node)) return { kind: 'tuple', items: (node as YAMLSeq).items.map((item) => jsonExpr(item as Node, depth + 1)), range };
  if (isMap(node)) {
    return {
      kind: 'object',
      items: (node as YAMLMap).items
        .filter((pair) => isScalar(pair.key))
        .map((pair) => ({ key: String((pair.key as Scalar).value), keyRange: nodeRange(pair.key as Node), value: jsonExpr(pair.value as Node, depth + 1) })),
      range,
    };
  }
  return { kind: 'other', range };
}

function nodeRange(node: Node): Range {
  return node.range ? { start: node.range[0], end: node.range[1] } : { start: 0, end: 0 };
}

/** Variables by module directory, and which of them the tree sets elsewhere. */
function moduleScopes(files: ParsedFile[], context: ReaderContext): Map<string, ModuleScope> {
  const scopes = new Map<string, ModuleScope>();
  const scopeOf = (dir: string) => {
    let scope = scopes.get(dir);
    if (!scope) scopes.set(dir, (scope = { variables: new Map(), overridden: new Map() }));
    return scope;
  };
  for (const file of files) {
    const scope = scopeOf(nodePath.dirname(file.path));
    for (const block of file.body.blocks) {
      if (block.type !== 'variable' || block.labels.length !== 1) continue;
      scope.variables.set(block.labels[0].value, { expr: attribute(block.body, 'default')?.value, source: file.source, nameRange: block.labels[0].range });
    }
  }
  // A module block that passes a variable to a local module: that variable's default is not what runs.
  for (const file of files) {
    for (const block of file.body.blocks) {
      if (block.type !== 'module') continue;
      const source = attribute(block.body, 'source')?.value;
      if (source?.kind !== 'literal' || typeof source.value !== 'string' || !/^\.\.?\//.test(source.value)) continue;
      const target = scopes.get(nodePath.resolve(nodePath.dirname(file.path), source.value));
      if (!target) continue;
      for (const passed of block.body.attributes) {
        if (target.variables.has(passed.name)) target.overridden.set(passed.name, `module "${block.labels[0]?.value ?? ''}" in ${file.source.file} sets it`);
      }
    }
  }
  // terraform.tfvars and *.auto.tfvars beside the module set variables at plan time.
  for (const path of context.treeFiles) {
    const lower = nodePath.basename(path).toLowerCase();
    if (!/\.tfvars(\.json)?$/.test(lower)) continue;
    const scope = scopes.get(nodePath.dirname(path));
    if (!scope) continue;
    let text: string;
    try {
      text = new TextDecoder().decode(context.fs.read(path));
    } catch {
      continue;
    }
    for (const name of scope.variables.keys()) {
      if (new RegExp(`(^|\\n)\\s*"?${name}"?\\s*[=:]`).test(text)) scope.overridden.set(name, `${context.displayPath(path)} sets it`);
    }
  }
  return scopes;
}

function attribute(body: HclBody, name: string): HclAttribute | undefined {
  return body.attributes.find((a) => a.name === name);
}

function blocks(body: HclBody, type: string): HclBlock[] {
  return body.blocks.filter((b) => b.type === type);
}

/** `aws_lb.main.arn`, `"${aws_alb.main.id}"` → `aws_lb.main`. */
function resourceRef(expr: HclExpr | undefined): string | undefined {
  if (expr?.kind !== 'reference' || expr.path.length < 2 || !expr.path[0].startsWith('aws_')) return undefined;
  return `${expr.path[0]}.${expr.path[1]}`;
}

function refsIn(expr: HclExpr | undefined): string[] {
  if (!expr) return [];
  if (expr.kind === 'tuple') return expr.items.flatMap(refsIn);
  const one = resourceRef(expr);
  return one ? [one] : [];
}

type Kind = 'number' | 'string' | 'boolean';

class Resolver {
  constructor(
    private readonly source: SourceText,
    private readonly scope: ModuleScope,
  ) {}

  span(range: Range) {
    return this.source.span(range.start, range.end);
  }

  value<T>(expr: HclExpr | undefined, kind: Kind): CloudValue<T> | undefined {
    if (!expr) return undefined;
    if (expr.kind === 'literal') {
      if (expr.value === null) return undefined;
      return literal<T>(expr.value, kind, this.span(expr.range));
    }
    if (expr.kind === 'reference' && expr.path[0] === 'var' && expr.path.length === 2) {
      const name = expr.path[1];
      const span = this.span(expr.range);
      const variable = this.scope.variables.get(name);
      if (!variable) return { known: false, reason: `variable "${name}" is declared in no file of this directory`, span };
      const overridden = this.scope.overridden.get(name);
      if (overridden) return { known: false, reason: `variable "${name}": ${overridden}`, span };
      const def = variable.expr;
      if (!def) return { known: false, reason: `variable "${name}" has no default (its value is given at plan time)`, span };
      if (def.kind !== 'literal') return { known: false, reason: `variable "${name}" has a default that is not a literal`, span };
      if (def.value === null) return undefined;
      const known = literal<T>(def.value, kind, variable.source.span(def.range.start, def.range.end));
      if (!known.known) return { known: false, reason: `variable "${name}": ${known.reason}`, span };
      return { ...known, span, via: { what: `the default of variable "${name}"`, span: variable.source.span(def.range.start, def.range.end) } };
    }
    const span = this.span(expr.range);
    if (expr.kind === 'reference')
      return { known: false, reason: `${expr.path.join('.')} is not a literal cfglint reads (only a variable's literal default is)`, span };
    return { known: false, reason: 'an expression cfglint does not evaluate', span };
  }
}

function literal<T>(value: string | number | boolean, kind: Kind, span: ReturnType<SourceText['span']>): CloudValue<T> {
  const text = String(value);
  if (kind === 'number') {
    const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
    return Number.isFinite(number) ? { known: true, value: number as T, text, span } : { known: false, reason: `"${text}" is not a number`, span };
  }
  if (kind === 'boolean') {
    const bool = value === true || value === 'true' ? true : value === false || value === 'false' ? false : undefined;
    return bool === undefined ? { known: false, reason: `"${text}" is not true or false`, span } : { known: true, value: bool as T, text, span };
  }
  return { known: true, value: text as T, text, span };
}

const LB = /^aws_(lb|alb)$/;
const TARGET_GROUP = /^aws_(lb|alb)_target_group$/;
const LISTENER = /^aws_(lb|alb)_listener$/;
const LISTENER_RULE = /^aws_(lb|alb)_listener_rule$/;
const ATTACHMENT = /^aws_(lb|alb)_target_group_attachment$/;

function readResources(file: ParsedFile, scope: ModuleScope, into: CloudBalancerResources): void {
  const r = new Resolver(file.source, scope);
  for (const block of file.body.blocks) {
    if (block.type !== 'resource' || block.labels.length !== 2) continue;
    const [type, name] = [block.labels[0].value, block.labels[1].value];
    const base = {
      origin: 'terraform' as const,
      id: `${type}.${name}`,
      file: file.source.file,
      span: r.span(block.labels[1].range),
      ...(attribute(block.body, 'count') || attribute(block.body, 'for_each') ? { conditional: true } : {}),
    };
    const body = block.body;
    const get = (key: string) => attribute(body, key)?.value;
    if (LB.test(type)) {
      into.balancers.push({
        ...base,
        type: r.value<string>(get('load_balancer_type'), 'string'),
        classic: false,
        idleTimeout: r.value<number>(get('idle_timeout'), 'number'),
        classicListeners: [],
      });
    } else if (type === 'aws_elb') {
      const check = blocks(body, 'health_check')[0];
      into.balancers.push({
        ...base,
        type: undefined,
        classic: true,
        idleTimeout: r.value<number>(get('idle_timeout'), 'number'),
        classicListeners: blocks(body, 'listener').map((listener) => ({
          port: r.value<number>(attribute(listener.body, 'lb_port')?.value, 'number'),
          protocol: r.value<string>(attribute(listener.body, 'lb_protocol')?.value, 'string'),
          instancePort: r.value<number>(attribute(listener.body, 'instance_port')?.value, 'number'),
          instanceProtocol: r.value<string>(attribute(listener.body, 'instance_protocol')?.value, 'string'),
          span: r.span(listener.typeRange),
        })),
        ...(check ? { classicHealthCheck: classicCheck(r, check) } : {}),
      });
    } else if (TARGET_GROUP.test(type)) {
      into.targetGroups.push({
        ...base,
        name: r.value<string>(get('name'), 'string'),
        port: r.value<number>(get('port'), 'number'),
        protocol: r.value<string>(get('protocol'), 'string'),
        targetType: r.value<string>(get('target_type'), 'string'),
        healthCheck: targetGroupCheck(r, body, base.span),
      });
    } else if (LISTENER.test(type)) {
      into.listeners.push({
        ...base,
        balancer: resourceRef(get('load_balancer_arn')),
        port: r.value<number>(get('port'), 'number'),
        protocol: r.value<string>(get('protocol'), 'string'),
        targetGroups: actionTargets(blocks(body, 'default_action')),
      });
    } else if (LISTENER_RULE.test(type)) {
      into.listenerRules.push({ ...base, listener: resourceRef(get('listener_arn')), targetGroups: actionTargets(blocks(body, 'action')) });
    } else if (ATTACHMENT.test(type)) {
      const group = resourceRef(get('target_group_arn'));
      if (group) into.targets.push({ origin: 'terraform', targetGroup: group, port: r.value<number>(get('port'), 'number'), span: base.span });
    } else if (type === 'aws_ecs_service') {
      for (const lb of blocks(body, 'load_balancer')) {
        const group = resourceRef(attribute(lb.body, 'target_group_arn')?.value);
        const containerPort = r.value<number>(attribute(lb.body, 'container_port')?.value, 'number');
        if (group) into.targetUsers.push({ targetGroup: group, kind: 'ecs-service', ...(containerPort ? { containerPort } : {}), span: r.span(lb.typeRange) });
      }
    } else if (type === 'aws_autoscaling_group') {
      for (const group of refsIn(get('target_group_arns'))) into.targetUsers.push({ targetGroup: group, kind: 'autoscaling-group', span: base.span });
    }
  }
}

/** Target groups that `default_action` / `action` blocks forward to (directly or through `forward {}`). */
function actionTargets(actions: HclBlock[]): string[] {
  const groups: string[] = [];
  for (const action of actions) {
    const direct = resourceRef(attribute(action.body, 'target_group_arn')?.value);
    if (direct) groups.push(direct);
    for (const forward of blocks(action.body, 'forward')) {
      for (const group of blocks(forward.body, 'target_group')) {
        const arn = resourceRef(attribute(group.body, 'arn')?.value);
        if (arn) groups.push(arn);
      }
    }
  }
  return [...new Set(groups)];
}

function targetGroupCheck(r: Resolver, body: HclBody, fallback: HealthCheck['span']): HealthCheck {
  const dynamic = blocks(body, 'dynamic').find((b) => b.labels[0]?.value === 'health_check');
  if (dynamic) {
    const unknown = { known: false as const, reason: 'written by a dynamic "health_check" block', span: r.span(dynamic.labels[0].range) };
    return { span: unknown.span, enabled: unknown, path: unknown, port: unknown, protocol: unknown, matcher: unknown, interval: unknown };
  }
  // Terraform 0.11 also took `health_check = { … }` as an attribute.
  const block = blocks(body, 'health_check')[0];
  const asAttribute = attribute(body, 'health_check')?.value;
  const get = (key: string): HclExpr | undefined => {
    if (block) return attribute(block.body, key)?.value;
    if (asAttribute?.kind === 'object') return asAttribute.items.find((item) => item.key === key)?.value;
    if (asAttribute?.kind === 'tuple' && asAttribute.items[0]?.kind === 'object') return asAttribute.items[0].items.find((item) => item.key === key)?.value;
    return undefined;
  };
  const span = block ? r.span(block.typeRange) : asAttribute ? r.span(asAttribute.range) : fallback;
  if (asAttribute && asAttribute.kind !== 'object' && asAttribute.kind !== 'tuple') {
    const unknown = { known: false as const, reason: 'health_check is an expression cfglint does not evaluate', span };
    return { span, enabled: unknown, path: unknown, port: unknown, protocol: unknown, matcher: unknown, interval: unknown };
  }
  return {
    span,
    enabled: r.value<boolean>(get('enabled'), 'boolean'),
    path: r.value<string>(get('path'), 'string'),
    port: r.value<string>(get('port'), 'string'),
    protocol: r.value<string>(get('protocol'), 'string'),
    matcher: r.value<string>(get('matcher'), 'string'),
    interval: r.value<number>(get('interval'), 'number'),
  };
}

/** A classic ELB's `health_check { target = "HTTP:80/path" }`. */
function classicCheck(r: Resolver, block: HclBlock): HealthCheck {
  const target = r.value<string>(attribute(block.body, 'target')?.value, 'string');
  const parts = classicHealthTarget(target);
  return {
    span: r.span(block.typeRange),
    enabled: undefined,
    ...parts,
    matcher: undefined,
    interval: r.value<number>(attribute(block.body, 'interval')?.value, 'number'),
  };
}
