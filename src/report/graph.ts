/**
 * `cfglint graph`: the linked deployment as a Mermaid flowchart or a Graphviz DOT digraph.
 * Load balancer (from .cfglint.json, Terraform or CloudFormation) → nginx servers → upstreams (or a pass's own address) → backends, and servers
 * the tree starts but cfglint does not model (settings unknown, never judged). Edges carry
 * the timeouts and limits of each side and the link reason; an edge where a finding's primary
 * span lies in the upstream or the pass is marked with the rule id. Pure: model, links and
 * findings in, text out.
 */
import type { Backend } from '../model/backend';
import type { Listener } from '../readers/backend';
import { serverName } from '../readers/launch/launch';
import { backendKindName, describeBackendSetting } from '../model/backend-describe';
import type { Deployment } from '../model/deployment';
import { isLoopback, Link, nginxTargets } from '../model/links';
import { cloudLoadBalancers } from '../model/load-balancers';
import type { NginxBlock, UpstreamGroup, UpstreamPass } from '../model/nginx';
import { formatMilliseconds } from '../model/nginx-values';
import { describeRange } from '../reference/nginx/version';
import { describeNginxSetting, groupIsUsedOverHttp, upstreamKeepaliveByRange } from '../model/upstream-keepalive';
import { describeUnmodelledAddress, mayServe, UnmodelledServer, unmodelledServers } from '../model/unmodelled-servers';
import { dotLabel, mermaidLabel } from './escape';
import type { Finding } from '../engine/findings';
import type { Span } from '../source/span';

export type GraphFormat = 'mermaid' | 'dot';

/** In the order `--help` lists them; the first is the default. */
export const GRAPH_FORMATS: readonly GraphFormat[] = ['mermaid', 'dot'];

export function isGraphFormat(name: string): name is GraphFormat {
  return (GRAPH_FORMATS as readonly string[]).includes(name);
}

export interface GraphNode {
  /** A safe identifier in both formats: `lb`, `server1`, `upstream1`, `backend1`. */
  id: string;
  /** The label, one entry per line. */
  lines: string[];
}

export interface GraphEdge {
  from: string;
  to: string;
  lines: string[];
  /** Rule ids of the findings on this edge, sorted; empty when nothing is wrong here. */
  marks: string[];
}

/** Nodes that run together (a link's scope: one host's loopback under a directory, a compose project, …). */
export interface GraphGroup {
  label: string;
  nodeIds: string[];
}

export interface Topology {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Drawn as subgraphs when the tree holds more than one scope; a node is in at most one. */
  groups: GraphGroup[];
}

export function renderGraph(model: Deployment, links: readonly Link[], findings: readonly Finding[], format: GraphFormat): string {
  const topology = buildTopology(model, links, findings);
  return format === 'dot' ? renderDot(topology) : renderMermaid(topology);
}

/** Nodes in model order (servers, then upstreams by first use, then backends); edges in the same order. */
export function buildTopology(model: Deployment, links: readonly Link[], findings: readonly Finding[]): Topology {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];

  const servers = model.nginx.scopes.flatMap((scope) => scope.servers);
  const serverIds = new Map<NginxBlock, string>();
  servers.forEach((server, i) => {
    serverIds.set(server, `server${i + 1}`);
    nodes.push({ id: `server${i + 1}`, lines: serverLabel(server) });
  });

  // One node per upstream group, and one per direct address (or unlinkable pass argument).
  const targetIds = new Map<string, string>();
  const targets: { id: string; key: string; group?: UpstreamGroup; passes: UpstreamPass[] }[] = [];
  const targetOf = (pass: UpstreamPass): { id: string; passes: UpstreamPass[]; group?: UpstreamGroup } => {
    const key = targetKey(pass);
    let id = targetIds.get(key);
    if (!id) {
      id = `upstream${targets.length + 1}`;
      targetIds.set(key, id);
      targets.push({ id, key, group: pass.target.kind === 'group' ? pass.target.group : undefined, passes: [] });
      nodes.push({ id, lines: targetLabel(pass) });
    }
    const target = targets.find((t) => t.id === id)!;
    target.passes.push(pass);
    return target;
  };

  const backendIds = new Map<Backend, string>();
  model.backends.forEach((backend, i) => backendIds.set(backend, `backend${i + 1}`));

  const lbMs = model.environment.loadBalancerIdleTimeoutMs;
  if (lbMs !== undefined) {
    nodes.unshift({ id: 'lb', lines: ['load balancer', `idle timeout ${formatMilliseconds(lbMs)}`] });
    for (const server of servers) {
      const timeout = server.setting('keepalive_timeout', model.nginxVersion.range);
      const timeoutSpan = timeout?.source.kind === 'file' ? timeout.source.span : undefined;
      const marks = findings.filter(
        (f) => (timeoutSpan && within(f.primary, timeoutSpan)) || (f.ruleId.startsWith('lb-') && server.directive && within(f.primary, server.directive.span)),
      );
      edges.push({
        from: 'lb',
        to: serverIds.get(server)!,
        lines: [`load balancer idle ${formatMilliseconds(lbMs)}`, `nginx ${timeout ? describeNginxSetting(timeout) : 'keepalive_timeout unknown'}`],
        marks: ruleIds(marks),
      });
    }
  }

  // Balancers Terraform or CloudFormation create: the first nodes of the chain, each sending to
  // the servers that listen on one of its target ports (all servers when the ports are unknown).
  cloudLoadBalancers(model).forEach((balancer, i) => {
    const id = `cloudlb${i + 1}`;
    const ports = [...new Set(balancer.targetGroups.flatMap((linked) => linked.ports.flatMap((port) => (port.known ? [port.value] : []))))];
    const idle = balancer.idleTimeout;
    nodes.splice(i, 0, {
      id,
      lines: [
        balancer.description.replace(/^the /, ''),
        ...(idle && typeof idle.value === 'number'
          ? [`idle timeout ${formatMilliseconds(idle.value)}${idle.source.kind === 'default' ? ' (AWS default)' : ''}`]
          : []),
        ...(ports.length > 0 ? [`targets port ${ports.join(', ')}`] : []),
      ],
    });
    const groupFiles = new Set(balancer.targetGroups.map((linked) => linked.group.file));
    const reached = servers.filter(
      (server) =>
        ports.length === 0 ||
        server.own('listen').some((entry) => ports.some((port) => new RegExp(`(^|:)${port}$`).test(entry.directive.args[0]?.value ?? ''))),
    );
    for (const server of reached) {
      const timeout = server.setting('keepalive_timeout', model.nginxVersion.range);
      const marks = findings.filter(
        (f) =>
          f.ruleId.startsWith('lb-') &&
          ((server.directive && within(f.primary, server.directive.span) && f.related.some((related) => related.span.file === balancer.span.file)) ||
            (f.ruleId !== 'lb-idle-timeout' && groupFiles.has(f.primary.file))),
      );
      edges.push({
        from: id,
        to: serverIds.get(server)!,
        lines: [
          ...(ports.length > 0 ? [`port ${ports.join(', ')}`] : []),
          ...(idle && typeof idle.value === 'number'
            ? [`load balancer idle ${formatMilliseconds(idle.value)}`, `nginx ${timeout ? describeNginxSetting(timeout) : 'keepalive_timeout unknown'}`]
            : []),
        ],
        marks: ruleIds(marks),
      });
    }
  });

  // server → upstream, labelled with the passes (location and directive) that send there.
  const serverEdges = new Map<string, { edge: GraphEdge; passes: UpstreamPass[] }>();
  for (const pass of model.nginx.passes) {
    const server = enclosingServer(pass.location);
    const target = targetOf(pass);
    const from = server ? serverIds.get(server) : undefined;
    if (!from) continue;
    const key = `${from}>${target.id}`;
    let entry = serverEdges.get(key);
    if (!entry) {
      entry = { edge: { from, to: target.id, lines: [], marks: [] }, passes: [] };
      serverEdges.set(key, entry);
      edges.push(entry.edge);
    }
    entry.passes.push(pass);
  }
  for (const { edge, passes } of serverEdges.values()) {
    edge.lines = unique(passes.map(describePass));
    edge.marks = ruleIds(findings.filter((f) => passes.some((pass) => onPass(f, pass))));
  }

  // upstream → backend, labelled with keep-alive on each side and the link reason.
  const linkEdges = new Set<string>();
  const groupOf = new Map<string, string>();
  const place = (id: string, scope: string) => {
    if (!groupOf.has(id)) groupOf.set(id, scope);
  };
  for (const link of links) {
    const pass = link.target.passes[0];
    if (!pass) continue;
    const from = targetIds.get(targetKey(pass));
    const to = backendIds.get(link.backend);
    if (!from || !to) continue;
    place(from, link.scope);
    place(to, link.scope);
    for (const sender of link.target.passes) {
      const server = enclosingServer(sender.location);
      const id = server && serverIds.get(server);
      if (id) place(id, link.scope);
    }
    const key = `${from}>${to}>${link.listener.span.file}:${link.listener.span.start.offset}`;
    if (linkEdges.has(key)) continue;
    linkEdges.add(key);
    edges.push({
      from,
      to,
      lines: [`nginx: ${describeNginxKeepalive(model, link)}`, describeListenerKeepalive(link.backend, link.listener), `${link.reason}: ${link.detail}`],
      marks: ruleIds(findings.filter((f) => onLink(f, link))),
    });
  }

  // Servers cfglint does not model: an edge from each unlinked address one of them may serve.
  const unmodelled = unmodelledServers(model);
  unmodelled.forEach((server, i) => nodes.push({ id: `unmodelled${i + 1}`, lines: unmodelledLabel(server) }));
  for (const target of nginxTargets(model)) {
    const pass = target.passes[0];
    const from = pass ? targetIds.get(targetKey(pass)) : undefined;
    if (!from || edges.some((edge) => edge.from === from && edge.to.startsWith('backend'))) continue;
    const address = target.address;
    const reachable = address.kind === 'unix' ? address : isLoopback(address.host) ? { kind: 'tcp' as const, port: address.port } : undefined;
    if (!reachable) continue;
    unmodelled.forEach((server, i) => {
      const to = `unmodelled${i + 1}`;
      if (!mayServe([server], reachable) || edges.some((edge) => edge.from === from && edge.to === to)) return;
      edges.push({ from, to, lines: [`may be served by ${server.program}: not modelled, not judged`], marks: [] });
    });
  }

  // Say so where nginx sends to something the tree does not configure.
  for (const target of targets) {
    if (target.group?.block || target.passes[0]?.target.kind === 'address') {
      if (!edges.some((edge) => edge.from === target.id)) nodes.find((node) => node.id === target.id)!.lines.push('no backend in the tree');
    }
  }
  model.backends.forEach((backend) => nodes.push({ id: backendIds.get(backend)!, lines: backendLabel(backend) }));
  const groups = new Map<string, GraphGroup>();
  for (const node of nodes) {
    const scope = groupOf.get(node.id);
    if (scope === undefined) continue;
    const group = groups.get(scope) ?? groups.set(scope, { label: scope, nodeIds: [] }).get(scope)!;
    group.nodeIds.push(node.id);
  }
  // One scope is the whole picture: a frame around it says nothing.
  return { nodes, edges, groups: groups.size > 1 ? [...groups.values()] : [] };
}

// ---------------------------------------------------------------------------------------------
// Rendering

export function renderMermaid(topology: Topology): string {
  const out = ['flowchart LR'];
  const drawNode = (node: GraphNode, indent: string) => out.push(`${indent}${node.id}["${node.lines.map(mermaidLabel).join('<br/>')}"]`);
  const grouped = groupedNodes(topology);
  topology.groups.forEach((group, i) => {
    out.push(`  subgraph scope${i + 1}["${mermaidLabel(group.label)}"]`);
    for (const id of group.nodeIds)
      drawNode(
        topology.nodes.find((node) => node.id === id)!,
        '    ',
      );
    out.push('  end');
  });
  for (const node of topology.nodes) if (!grouped.has(node.id)) drawNode(node, '  ');
  const marked: number[] = [];
  topology.edges.forEach((edge, index) => {
    const lines = edge.marks.length > 0 ? [`⚠ ${edge.marks.join(', ')}`, ...edge.lines] : edge.lines;
    const arrow = edge.marks.length > 0 ? '-.->' : '-->';
    const label = lines.length > 0 ? `|"${lines.map(mermaidLabel).join('<br/>')}"|` : '';
    out.push(`  ${edge.from} ${arrow}${label} ${edge.to}`);
    if (edge.marks.length > 0) marked.push(index);
  });
  if (marked.length > 0) out.push(`  linkStyle ${marked.join(',')} stroke:#d00,color:#d00`);
  return `${out.join('\n')}\n`;
}

export function renderDot(topology: Topology): string {
  const out = ['digraph cfglint {', '  rankdir=LR;', '  node [shape=box];'];
  const drawNode = (node: GraphNode, indent: string) => out.push(`${indent}${node.id} [label="${node.lines.map(dotLabel).join('\\n')}"];`);
  const grouped = groupedNodes(topology);
  topology.groups.forEach((group, i) => {
    // Graphviz draws a frame only around subgraphs whose name starts with "cluster".
    out.push(`  subgraph cluster_scope${i + 1} {`, `    label="${dotLabel(group.label)}";`);
    for (const id of group.nodeIds)
      drawNode(
        topology.nodes.find((node) => node.id === id)!,
        '    ',
      );
    out.push('  }');
  });
  for (const node of topology.nodes) if (!grouped.has(node.id)) drawNode(node, '  ');
  for (const edge of topology.edges) {
    const lines = edge.marks.length > 0 ? [`⚠ ${edge.marks.join(', ')}`, ...edge.lines] : edge.lines;
    const attributes = [`label="${lines.map(dotLabel).join('\\n')}"`];
    if (edge.marks.length > 0) attributes.push('color=red', 'fontcolor=red', 'style=dashed');
    out.push(`  ${edge.from} -> ${edge.to} [${attributes.join(', ')}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

function groupedNodes(topology: Topology): Set<string> {
  return new Set(topology.groups.flatMap((group) => group.nodeIds));
}

// ---------------------------------------------------------------------------------------------
// Labels

function argsOf(block: NginxBlock, name: string): string[] {
  return block.own(name).flatMap((entry) => entry.directive.args.map((arg) => arg.value));
}

function serverLabel(server: NginxBlock): string[] {
  const names = argsOf(server, 'server_name').filter((name) => name !== '');
  const listens = server
    .own('listen')
    .map((entry) => entry.directive.args[0]?.value ?? '')
    .filter((text) => text !== '');
  const lines = [names.length > 0 ? `server ${names.join(' ')}` : 'server'];
  if (listens.length > 0) lines.push(`listen ${listens.join(', ')}`);
  if (names.length === 0 && listens.length === 0) lines.push(server.directive?.file ?? server.path);
  return lines;
}

function targetKey(pass: UpstreamPass): string {
  switch (pass.target.kind) {
    case 'group':
      // Same-named upstreams of two snippet trees (envs/staging, envs/prod) share a model path.
      return `group:${pass.target.group.block?.directive?.file ?? ''}:${pass.target.group.block?.path ?? pass.target.group.name}`;
    case 'address':
      return `address:${pass.module}:${pass.target.address.text}`;
    default:
      return `other:${pass.module}:${pass.entry.directive.args[0]?.value ?? ''}`;
  }
}

function targetLabel(pass: UpstreamPass): string[] {
  const text = pass.entry.directive.args[0]?.value ?? '';
  switch (pass.target.kind) {
    case 'group':
      return [`upstream ${pass.target.group.name}`];
    case 'address':
      return [pass.target.address.text];
    case 'variable':
      return [text, 'variable: not linked'];
    case 'unresolved':
      return [text, `"${pass.target.host}" is not an upstream in the tree`];
  }
}

function backendLabel(backend: Backend): string[] {
  const lines = [`${backendKindName(backend.kind)} ${backend.name}`];
  for (const listener of backend.listeners) lines.push(`${listener.option} ${listenerAddress(listener)} (${listener.protocol})`);
  return lines;
}

function unmodelledLabel(server: UnmodelledServer): string[] {
  return [
    `${server.program} ${serverName(server.launch)}`,
    'not modelled: settings unknown',
    ...server.addresses.map(({ address }) => describeUnmodelledAddress(address)),
  ];
}

function listenerAddress(listener: Listener): string {
  const address = listener.address;
  if (address.kind === 'tcp') return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
  if (address.kind === 'unix') return `unix:${address.path}`;
  return address.text;
}

function enclosingServer(block: NginxBlock): NginxBlock | undefined {
  for (let current: NginxBlock | undefined = block; current; current = current.parent) if (current.kind === 'server') return current;
  return undefined;
}

function describePass(pass: UpstreamPass): string {
  let location: NginxBlock | undefined = pass.location;
  while (location && location.kind !== 'location') location = location.parent;
  const where = location?.directive ? `location ${location.directive.args.map((arg) => arg.value).join(' ')}` : pass.location.kind;
  return `${where}: ${pass.entry.directive.name}`;
}

/** nginx's side of a link: whether and how long it keeps idle connections to this upstream. */
function describeNginxKeepalive(model: Deployment, link: Link): string {
  const group = link.target.group;
  if (!group?.block) return 'new connection per request (no upstream block)';
  if (!groupIsUsedOverHttp(model, group)) return `new connection per request (${link.target.passes[0]?.entry.directive.name ?? 'pass'})`;
  const pieces = upstreamKeepaliveByRange(model, group);
  if (pieces.length === 0) return 'new connection per request (no keepalive)';
  return pieces
    .map(({ range, keepalive }) => {
      const settings = [keepalive, group.block!.setting('keepalive_timeout', range), group.block!.setting('keepalive_requests', range)]
        .filter((setting) => setting !== undefined)
        .map((setting) => describeNginxSetting(setting!))
        .join(', ');
      return pieces.length > 1 ? `${describeRange(range)} ${settings}` : settings;
    })
    .join('; ');
}

/** The backend's side: idle timeout and request limit (`gunicorn's keepalive 2s`), or that it closes after each response. */
function describeListenerKeepalive(backend: Backend, listener: Listener): string {
  const keepAlive = listener.keepAlive;
  if (keepAlive.kind === 'closesAfterResponse') return `${backendKindName(backend.kind)} closes after each response (${keepAlive.reason})`;
  const parts = [describeBackendSetting(backend, keepAlive.timeout)];
  if (keepAlive.maxRequests) parts.push(describeBackendSetting(backend, keepAlive.maxRequests));
  return parts.join(', ');
}

// ---------------------------------------------------------------------------------------------
// Which findings belong to an edge

function within(inner: Span, outer: Span): boolean {
  return inner.file === outer.file && inner.start.offset >= outer.start.offset && inner.end.offset <= outer.end.offset;
}

/** A finding on the pass directive, or in its location when it also points at another file. */
function onPass(finding: Finding, pass: UpstreamPass): boolean {
  if (within(finding.primary, pass.entry.directive.span)) return true;
  const location = pass.location.directive;
  return !!location && within(finding.primary, location.span) && finding.related.some((related) => related.span.file !== finding.primary.file);
}

/**
 * A finding in the upstream block (or on a direct pass) that concerns this link's backend: it
 * points at the backend's files, or at nothing else.
 */
function onLink(finding: Finding, link: Link): boolean {
  const group = link.target.group;
  const inside = group?.block?.directive
    ? within(finding.primary, group.block.directive.span)
    : link.target.passes.some((pass) => within(finding.primary, pass.entry.directive.span));
  if (!inside) return false;
  const backendFiles = new Set([link.listener.span.file, link.backend.file]);
  return finding.related.length === 0 ? !!group : finding.related.some((related) => backendFiles.has(related.span.file));
}

function ruleIds(findings: readonly Finding[]): string[] {
  return unique(findings.map((f) => f.ruleId)).sort();
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
