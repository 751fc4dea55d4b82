/**
 * CloudFormation templates (YAML with the short tags `!Ref`, `!Sub`, `!GetAtt`, `!If`, … and
 * JSON): the Elastic Load Balancing resources, each value with its span. A value is known when it
 * is a literal, or a `Ref` to a parameter with a literal `Default` (which says so); any other
 * intrinsic function (`!If`, `!Sub`, `!ImportValue`, …) is unknown, with why. The `yaml` package
 * reads both syntaxes and keeps every node's range; a tag it does not know stays on the node.
 */
import type { Document } from 'yaml';
import type { SourceText } from '../../source/text';
import type { FilesByFormat, ReaderContext, ReaderOutput } from '../types';
import { emptyOutput } from '../types';
import { guarded } from '../kit/failure';
import { addComments, lineComments, readSource } from '../kit/files';
import { entriesOf, isMap, isScalar, itemsOf, parseYaml, valueOf, YamlNode } from '../kit/yaml';
import { CloudBalancerResources, CloudValue, emptyCloudResources, HealthCheck } from '../cloud-balancers';
import { classicHealthTarget } from '../cloud-values';
import { append } from '../../source/append';

export interface CloudFormationReadResult extends ReaderOutput {
  cloudformation: CloudBalancerResources;
}

export function readCloudFormation(files: FilesByFormat, context: ReaderContext): CloudFormationReadResult {
  const output = emptyOutput();
  const cloudformation = emptyCloudResources();
  for (const path of files.cloudformation ?? []) {
    const source = readSource(path, context, output);
    if (!source) continue;
    if (!/^\s*[{[]/.test(source.text)) addComments(output, source.file, lineComments(source));
    guarded(output.diagnostics, 'CloudFormation reader', source.file, () => {
      const { documents, problems } = parseYaml(source);
      append(
        output.diagnostics,
        problems.map((problem) => ({
          ...problem,
          ruleId: 'cloudformation-syntax',
          message: problem.message.startsWith('Invalid') ? problem.message : `Invalid template: ${problem.message}`,
        })),
      );
      if (problems.length > 0) return;
      for (const document of documents) new Template(source, document).read(cloudformation);
    });
  }
  return { ...output, cloudformation };
}

type Kind = 'number' | 'string' | 'boolean';

/** The short or long name of an intrinsic function on a node: `!Ref` / `{Ref: …}` → `Ref`. */
function intrinsic(node: YamlNode | undefined, document: Document.Parsed): { name: string; argument: YamlNode | undefined } | undefined {
  if (!node) return undefined;
  const tag = (node as { tag?: string }).tag;
  if (tag && tag.startsWith('!')) {
    const name = tag.slice(1);
    return { name: name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`, argument: node };
  }
  if (isMap(node)) {
    const entries = entriesOf(node, document);
    if (entries.length === 1 && (entries[0].key === 'Ref' || entries[0].key.startsWith('Fn::') || entries[0].key === 'Condition'))
      return { name: entries[0].key, argument: entries[0].value };
  }
  return undefined;
}

class Template {
  private readonly parameters = new Map<string, YamlNode | undefined>();
  private readonly resourcesNode: YamlNode | undefined;

  constructor(
    private readonly source: SourceText,
    private readonly document: Document.Parsed,
  ) {
    const root = document.contents ?? undefined;
    for (const entry of entriesOf(valueOf(root, 'Parameters', document), document)) this.parameters.set(entry.key, valueOf(entry.value, 'Default', document));
    this.resourcesNode = valueOf(root, 'Resources', document);
  }

  private span(node: YamlNode | undefined) {
    const range = node?.range;
    return range ? this.source.span(range[0], range[1]) : this.source.span(0, 0);
  }

  private scalarText(node: YamlNode | undefined): string | undefined {
    if (!isScalar(node) || (node as { tag?: string }).tag?.startsWith('!')) return undefined;
    const value = node.value;
    return value === null || value === undefined || typeof value === 'object' ? undefined : String(value);
  }

  value<T>(node: YamlNode | undefined, kind: Kind): CloudValue<T> | undefined {
    if (!node) return undefined;
    const span = this.span(node);
    const fn = intrinsic(node, this.document);
    if (fn) {
      if (fn.name === 'Ref') {
        const name = isScalar(fn.argument) ? String(fn.argument.value) : '';
        if (name === 'AWS::NoValue') return undefined;
        if (!this.parameters.has(name)) return { known: false, reason: `Ref ${name} is not a parameter of this template`, span };
        const def = this.parameters.get(name);
        const text = this.scalarText(def);
        if (text === undefined)
          return { known: false, reason: `parameter ${name} has no literal Default (its value is given when the stack is created)`, span };
        const known = literal<T>(text, kind, this.span(def));
        if (!known.known) return { known: false, reason: `parameter ${name}: ${known.reason}`, span };
        return { ...known, span, via: { what: `the Default of parameter ${name}`, span: this.span(def) } };
      }
      return { known: false, reason: `${fn.name} is evaluated by CloudFormation, not read by cfglint`, span };
    }
    const text = this.scalarText(node);
    if (text === undefined) return { known: false, reason: 'not a single value', span };
    return literal<T>(text, kind, span);
  }

  /** `!Ref Resource`, `!GetAtt Resource.Arn`, `{"Ref": "Resource"}`: the logical id it points at. */
  private reference(node: YamlNode | undefined): string | undefined {
    const fn = intrinsic(node, this.document);
    if (!fn) return undefined;
    if (fn.name === 'Ref' && isScalar(fn.argument)) return String(fn.argument.value);
    if (fn.name === 'Fn::GetAtt') {
      if (isScalar(fn.argument)) return String(fn.argument.value).split('.')[0];
      const first = itemsOf(fn.argument, this.document)[0];
      return isScalar(first) ? String(first.value) : undefined;
    }
    return undefined;
  }

  private get(node: YamlNode | undefined, key: string): YamlNode | undefined {
    return valueOf(node, key, this.document);
  }

  read(into: CloudBalancerResources): void {
    for (const entry of entriesOf(this.resourcesNode, this.document)) {
      const resource = entry.value;
      const type = this.scalarText(this.get(resource, 'Type'));
      if (!type) continue;
      const props = this.get(resource, 'Properties');
      const base = {
        origin: 'cloudformation' as const,
        id: entry.key,
        file: this.source.file,
        span: this.span(entry.keyNode),
        ...(this.get(resource, 'Condition') ? { conditional: true } : {}),
      };
      const p = (key: string) => this.get(props, key);
      switch (type) {
        case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
          const idle = itemsOf(p('LoadBalancerAttributes'), this.document).find(
            (item) => this.scalarText(this.get(item, 'Key')) === 'idle_timeout.timeout_seconds',
          );
          into.balancers.push({
            ...base,
            type: this.value<string>(p('Type'), 'string'),
            classic: false,
            idleTimeout: this.value<number>(this.get(idle, 'Value'), 'number'),
            classicListeners: [],
          });
          break;
        }
        case 'AWS::ElasticLoadBalancing::LoadBalancer': {
          const check = p('HealthCheck');
          into.balancers.push({
            ...base,
            type: undefined,
            classic: true,
            idleTimeout: this.value<number>(this.get(p('ConnectionSettings'), 'IdleTimeout'), 'number'),
            classicListeners: itemsOf(p('Listeners'), this.document)
              .filter((item) => isMap(item))
              .map((listener) => ({
                port: this.value<number>(this.get(listener, 'LoadBalancerPort'), 'number'),
                protocol: this.value<string>(this.get(listener, 'Protocol'), 'string'),
                instancePort: this.value<number>(this.get(listener, 'InstancePort'), 'number'),
                instanceProtocol: this.value<string>(this.get(listener, 'InstanceProtocol'), 'string'),
                span: this.span(listener),
              })),
            ...(check ? { classicHealthCheck: this.classicCheck(check) } : {}),
          });
          break;
        }
        case 'AWS::ElasticLoadBalancingV2::TargetGroup': {
          const keys = entriesOf(props, this.document).filter((e) => e.key.startsWith('HealthCheck') || e.key === 'Matcher');
          const matcher = p('Matcher');
          const check: HealthCheck = {
            span: keys.length > 0 ? this.span(keys[0].keyNode) : base.span,
            enabled: this.value<boolean>(p('HealthCheckEnabled'), 'boolean'),
            path: this.value<string>(p('HealthCheckPath'), 'string'),
            port: this.value<string>(p('HealthCheckPort'), 'string'),
            protocol: this.value<string>(p('HealthCheckProtocol'), 'string'),
            matcher: matcher ? this.value<string>(this.get(matcher, 'HttpCode') ?? matcher, 'string') : undefined,
            interval: this.value<number>(p('HealthCheckIntervalSeconds'), 'number'),
          };
          into.targetGroups.push({
            ...base,
            name: this.value<string>(p('Name'), 'string'),
            port: this.value<number>(p('Port'), 'number'),
            protocol: this.value<string>(p('Protocol'), 'string'),
            targetType: this.value<string>(p('TargetType'), 'string'),
            healthCheck: check,
          });
          for (const target of itemsOf(p('Targets'), this.document))
            into.targets.push({
              origin: 'cloudformation',
              targetGroup: entry.key,
              port: this.value<number>(this.get(target, 'Port'), 'number'),
              span: this.span(target),
            });
          break;
        }
        case 'AWS::ElasticLoadBalancingV2::Listener':
          into.listeners.push({
            ...base,
            balancer: this.reference(p('LoadBalancerArn')),
            port: this.value<number>(p('Port'), 'number'),
            protocol: this.value<string>(p('Protocol'), 'string'),
            targetGroups: this.actionTargets(p('DefaultActions')),
          });
          break;
        case 'AWS::ElasticLoadBalancingV2::ListenerRule':
          into.listenerRules.push({ ...base, listener: this.reference(p('ListenerArn')), targetGroups: this.actionTargets(p('Actions')) });
          break;
        case 'AWS::ECS::Service':
          for (const lb of itemsOf(p('LoadBalancers'), this.document)) {
            const group = this.reference(this.get(lb, 'TargetGroupArn'));
            const containerPort = this.value<number>(this.get(lb, 'ContainerPort'), 'number');
            if (group) into.targetUsers.push({ targetGroup: group, kind: 'ecs-service', ...(containerPort ? { containerPort } : {}), span: this.span(lb) });
          }
          break;
        case 'AWS::AutoScaling::AutoScalingGroup':
          for (const item of itemsOf(p('TargetGroupARNs'), this.document)) {
            const group = this.reference(item);
            if (group) into.targetUsers.push({ targetGroup: group, kind: 'autoscaling-group', span: this.span(item) });
          }
          break;
        default:
          break;
      }
    }
  }

  private actionTargets(actions: YamlNode | undefined): string[] {
    const groups: string[] = [];
    for (const action of itemsOf(actions, this.document)) {
      const direct = this.reference(this.get(action, 'TargetGroupArn'));
      if (direct) groups.push(direct);
      for (const tuple of itemsOf(this.get(this.get(action, 'ForwardConfig'), 'TargetGroups'), this.document)) {
        const arn = this.reference(this.get(tuple, 'TargetGroupArn'));
        if (arn) groups.push(arn);
      }
    }
    return [...new Set(groups)];
  }

  private classicCheck(check: YamlNode): HealthCheck {
    const target = this.value<string>(this.get(check, 'Target'), 'string');
    return {
      span: this.span(check),
      enabled: undefined,
      ...classicHealthTarget(target),
      matcher: undefined,
      interval: this.value<number>(this.get(check, 'Interval'), 'number'),
    };
  }
}

function literal<T>(text: string, kind: Kind, span: ReturnType<SourceText['span']>): CloudValue<T> {
  if (kind === 'number')
    return /^\s*\d+\s*$/.test(text) ? { known: true, value: Number(text) as T, text, span } : { known: false, reason: `"${text}" is not a number`, span };
  if (kind === 'boolean') {
    const lower = text.toLowerCase();
    return lower === 'true' || lower === 'false'
      ? { known: true, value: (lower === 'true') as T, text, span }
      : { known: false, reason: `"${text}" is not true or false`, span };
  }
  return { known: true, value: text as T, text, span };
}
