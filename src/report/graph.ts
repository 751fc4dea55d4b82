/**
 * `cfglint graph`: the linked deployment as a Mermaid flowchart, a Graphviz DOT digraph or JSON.
 * Load balancer (from .cfglint.json, Terraform or CloudFormation) → nginx servers → upstreams (or a pass's own address) → backends, and servers
 * the tree starts but cfglint does not model (settings unknown, never judged). An edge where a
 * finding's primary span lies in the upstream block or on one of its directives (for ingress-nginx,
 * ConfigMap keys), on the pass or in the server is marked with the rule id and, for the rules that compare two values, only those two
 * (`nginx 60s ≥ gunicorn 2s`); an edge nothing fires on says no more than where it routes.
 * Mermaid stops drawing past 50,000 characters: a bigger picture keeps only its marked edges.
 * Pure: model, links and findings in, text out.
 */
import type { Backend } from '../model/backend';
import type { Listener } from '../readers/backend';
import { serverName } from '../readers/launch/launch';
import { backendKindName } from '../model/backend-describe';
import { backendLimits } from '../model/backend-limits';
import type { Deployment } from '../model/deployment';
import { candidateLinks, CandidateLink, Link, nginxServersListeningAt, nginxTargets } from '../model/links';
import { deploymentOf } from '../model/scopes';
import { imageOnlyServicesAt } from '../model/compose';
import { cloudLoadBalancers } from '../model/load-balancers';
import { nginxVersionAt, type NginxBlock, type UpstreamGroup, type UpstreamPass } from '../model/nginx';
import { formatMilliseconds } from '../model/nginx-values';
import { compareVersions, describeRange, splitRange, VersionRange } from '../reference/nginx/version';
import { KEEPALIVE_BOUNDARIES, upstreamKeepaliveByRange } from '../model/upstream-keepalive';
import { describeUnmodelledAddress, UnmodelledServer, unmodelledReachableFrom, unmodelledServers } from '../model/unmodelled-servers';
import { dotLabel, jsonText, mermaidLabel } from './escape';
import { UNKNOWN_MARK, withPlaceholdersShown } from '../discovery/template';
import type { Finding } from '../engine/findings';
import type { Setting } from '../source/setting';
import { SEVERITY_RANK, Severity, Span } from '../source/span';

export type GraphFormat = 'mermaid' | 'dot' | 'json';

/** In the order `--help` lists them; the first is the default. */
export const GRAPH_FORMATS: readonly GraphFormat[] = ['mermaid', 'dot', 'json'];

export function isGraphFormat(name: string): name is GraphFormat {
  return (GRAPH_FORMATS as readonly string[]).includes(name);
}

export interface GraphNode {
  /** A safe identifier in both formats: `lb`, `server1`, `upstream1`, `backend1`. */
  id: string;
  /** The label, one entry per line. */
  lines: string[];
}

/** A rule that fires on an edge: its id, its worst severity there, and the two values in conflict when the rule compares two. */
export interface EdgeMark {
  ruleId: string;
  severity: Severity;
  /** `nginx 60s ≥ gunicorn 2s`: the sender's value first. */
  conflict?: string;
  /** The findings of this rule on the edge, by fingerprint (as the lint report has them). */
  fingerprints: string[];
}

export interface GraphEdge {
  from: string;
  to: string;
  /** What the edge is (`location /: proxy_pass`, `port 80`), not the settings on either side. */
  lines: string[];
  /** The rules that fire on this edge, by rule id; empty when nothing is wrong here. */
  marks: EdgeMark[];
}

/** Nodes that run together: a deployment declared in .cfglint.json, else a link's scope (one host's loopback under a directory, a compose project, …). */
export interface GraphGroup {
  label: string;
  nodeIds: string[];
}

export interface Topology {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Drawn as subgraphs when the tree holds more than one scope; a node is in at most one. */
  groups: GraphGroup[];
  /** Said in a note node: what was left out to keep the picture drawable. */
  omitted?: string;
}

/**
 * Mermaid refuses a diagram longer than this ("Maximum text size in diagram exceeded"; its
 * default maxTextSize, which GitHub keeps).
 */
export const MERMAID_MAX_TEXT = 50_000;

export function renderGraph(model: Deployment, links: readonly Link[], findings: readonly Finding[], format: GraphFormat): string {
  const topology = buildTopology(model, links, findings);
  // Graphviz and JSON readers have no size limit: DOT and JSON always hold everything.
  if (format === 'json') return renderJson(topology, findings);
  return format === 'dot' ? renderDot(topology) : renderMermaid(fitTopology(topology, renderMermaid, MERMAID_MAX_TEXT));
}

/** Nodes in model order (servers, then upstreams by first use, then backends); edges in the same order. */
export function buildTopology(model: Deployment, links: readonly Link[], findings: readonly Finding[]): Topology {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];

  const servers = model.nginx.scopes.flatMap((scope) => scope.servers);
  const serverIds = new Map<NginxBlock, string>();
  servers.forEach((server, i) => {
    serverIds.set(server, `server${i + 1}`);
    nodes.push({ id: `server${i + 1}`, lines: serverLabel(model, server) });
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
      nodes.push({ id, lines: targetLabel(model, pass) });
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
      const timeout = server.setting('keepalive_timeout', nginxVersionAt(model, server).range);
      const timeoutSpan = timeout?.source.kind === 'file' ? timeout.source.span : undefined;
      const marks = findings.filter(
        (f) => (timeoutSpan && within(f.primary, timeoutSpan)) || (f.ruleId.startsWith('lb-') && server.directive && within(f.primary, server.directive.span)),
      );
      edges.push({ from: 'lb', to: serverIds.get(server)!, lines: [], marks: edgeMarks(marks, (ruleId) => balancerConflict(ruleId, lbMs, timeout)) });
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
      const timeout = server.setting('keepalive_timeout', nginxVersionAt(model, server).range);
      const marks = findings.filter(
        (f) =>
          f.ruleId.startsWith('lb-') &&
          ((server.directive && within(f.primary, server.directive.span) && f.related.some((related) => related.span.file === balancer.span.file)) ||
            (f.ruleId !== 'lb-idle-timeout' && groupFiles.has(f.primary.file))),
      );
      const idleMs = idle && typeof idle.value === 'number' ? idle.value : undefined;
      edges.push({
        from: id,
        to: serverIds.get(server)!,
        lines: ports.length > 0 ? [`port ${ports.join(', ')}`] : [],
        marks: edgeMarks(marks, (ruleId) => (idleMs === undefined ? undefined : balancerConflict(ruleId, idleMs, timeout))),
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
    edge.lines = unique(passes.map((pass) => describePass(model, pass)));
    edge.marks = edgeMarks(
      findings.filter((f) => passes.some((pass) => onPass(f, pass))),
      (ruleId) => passConflict(ruleId, model, links, passes),
    );
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
      lines: [],
      marks: edgeMarks(
        findings.filter((f) => onLink(f, link)),
        (ruleId) => linkConflict(ruleId, model, link),
      ),
    });
  }

  // Backends that serve an unlinked address if variables nothing in the tree sets keep their defaults.
  for (const candidate of candidateLinks(model)) {
    const pass = candidate.target.passes[0];
    const from = pass ? targetIds.get(targetKey(pass)) : undefined;
    const to = backendIds.get(candidate.backend);
    if (!from || !to || edges.some((edge) => edge.from === from && edge.to === to)) continue;
    edges.push({ from, to, lines: [candidateLine(candidate)], marks: [] });
  }

  // Servers cfglint does not model: an edge from each unlinked address one of them may serve.
  // An address a server block of the same nginx listens on is that server's (nginxServersListeningAt).
  const unmodelled = unmodelledServers(model);
  unmodelled.forEach((server, i) => nodes.push({ id: `unmodelled${i + 1}`, lines: unmodelledLabel(server) }));
  for (const target of nginxTargets(model)) {
    const pass = target.passes[0];
    const from = pass ? targetIds.get(targetKey(pass)) : undefined;
    if (!from || edges.some((edge) => edge.from === from && edge.to.startsWith('backend'))) continue;
    const own = nginxServersListeningAt(model, target).flatMap((server) => serverIds.get(server) ?? []);
    for (const to of own) {
      if (!edges.some((edge) => edge.from === from && edge.to === to)) edges.push({ from, to, lines: ["this nginx's own server listens here"], marks: [] });
    }
    if (own.length > 0) continue;
    const reaches = unmodelledReachableFrom(model, target);
    unmodelled.forEach((server, i) => {
      const to = `unmodelled${i + 1}`;
      if (!reaches(server) || edges.some((edge) => edge.from === from && edge.to === to)) return;
      edges.push({ from, to, lines: [`may be served by ${server.program}: not modelled, not judged`], marks: [] });
    });
  }

  // Say so where nginx sends to something the tree does not configure.
  for (const target of targets) {
    if (target.group?.block || target.passes[0]?.target.kind === 'address') {
      if (edges.some((edge) => edge.from === target.id)) continue;
      const images = imageOnlyTargets(model, target);
      // A template's value is linked only to the same text of its templates: the rendered value may be any backend.
      const pass = target.passes[0];
      const template = !target.group && pass?.target.kind === 'address' && pass.target.address.kind === 'template';
      nodes
        .find((node) => node.id === target.id)!
        .lines.push(...(images.length > 0 ? images : [template ? 'template value: not linked' : 'no backend in the tree']));
    }
  }
  // Two backends of one kind and name (searxng's two copies of searxng.ini) are told apart by their file.
  const titles = model.backends.map(backendTitle);
  const count = new Map<string, number>();
  for (const title of titles) count.set(title, (count.get(title) ?? 0) + 1);
  model.backends.forEach((backend, i) => nodes.push({ id: backendIds.get(backend)!, lines: backendLabel(backend, count.get(titles[i])! > 1) }));
  // Deployments the user declared are the frames: every node whose file lies in one, linked or not.
  const roots = model.deploymentRoots ?? [];
  if (roots.length > 0) {
    const fileOf = new Map<string, string | undefined>([
      ...servers.map((server) => [serverIds.get(server)!, server.directive?.file] as const),
      ...targets.map((target) => [target.id, target.group?.block?.directive?.file ?? target.passes[0]?.entry.directive.file] as const),
      ...model.backends.map((backend) => [backendIds.get(backend)!, backend.file] as const),
    ]);
    groupOf.clear();
    for (const [id, file] of fileOf) {
      const root = file === undefined ? undefined : deploymentOf(file, roots);
      if (root !== undefined) groupOf.set(id, `deployment ${root === '' || root === '.' ? './' : root.replace(/\/?$/, '/')}`);
    }
  }
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
  const byId = new Map(topology.nodes.map((node) => [node.id, node]));
  topology.groups.forEach((group, i) => {
    out.push(`  subgraph scope${i + 1}["${mermaidLabel(group.label)}"]`);
    for (const id of group.nodeIds) drawNode(byId.get(id)!, '    ');
    out.push('  end');
  });
  for (const node of topology.nodes) if (!grouped.has(node.id)) drawNode(node, '  ');
  if (topology.omitted) drawNode({ id: 'omitted', lines: [topology.omitted] }, '  ');
  const marked: number[] = [];
  topology.edges.forEach((edge, index) => {
    const lines = edgeLines(edge);
    const arrow = isAlarming(edge) ? '-.->' : '-->';
    const label = lines.length > 0 ? `|"${lines.map(mermaidLabel).join('<br/>')}"|` : '';
    out.push(`  ${edge.from} ${arrow}${label} ${edge.to}`);
    if (isAlarming(edge)) marked.push(index);
  });
  // `-.->` already draws the line dashed; the dash array keeps it dashed under a theme that restyles dotted links.
  if (marked.length > 0) out.push(`  linkStyle ${marked.join(',')} stroke:#d00,color:#d00,stroke-dasharray:6 4`);
  return `${out.join('\n')}\n`;
}

/** Graphviz never wraps a label: lines longer than this are broken at spaces. */
const DOT_LABEL_WIDTH = 40;

export function renderDot(topology: Topology): string {
  const out = ['digraph cfglint {', '  rankdir=LR;', '  node [shape=box];'];
  const label = (lines: string[]) =>
    lines
      .flatMap((line) => wrapLine(line, DOT_LABEL_WIDTH))
      .map(dotLabel)
      .join('\\n');
  const drawNode = (node: GraphNode, indent: string) => out.push(`${indent}${node.id} [label="${label(node.lines)}"];`);
  const grouped = groupedNodes(topology);
  const byId = new Map(topology.nodes.map((node) => [node.id, node]));
  topology.groups.forEach((group, i) => {
    // Graphviz draws a frame only around subgraphs whose name starts with "cluster".
    out.push(`  subgraph cluster_scope${i + 1} {`, `    label="${label([group.label])}";`);
    for (const id of group.nodeIds) drawNode(byId.get(id)!, '    ');
    out.push('  }');
  });
  for (const node of topology.nodes) if (!grouped.has(node.id)) drawNode(node, '  ');
  if (topology.omitted) out.push(`  omitted [shape=note, label="${label([topology.omitted])}"];`);
  for (const edge of topology.edges) {
    const lines = edgeLines(edge);
    const attributes = lines.length > 0 ? [`label="${label(lines)}"`] : [];
    if (isAlarming(edge)) attributes.push('color=red', 'fontcolor=red', 'style=dashed');
    out.push(`  ${edge.from} -> ${edge.to}${attributes.length > 0 ? ` [${attributes.join(', ')}]` : ''};`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

/**
 * The topology for programs (schemas/graph.schema.json): nodes with their kind, edges with the
 * rules that fire on them and those findings' fingerprints, the frames, and the findings themselves.
 */
export function renderJson(topology: Topology, findings: readonly Finding[]): string {
  const kind = (id: string) => /^[a-z]+/.exec(id)![0];
  return `${jsonText({
    nodes: topology.nodes.map((node) => ({ id: node.id, kind: kind(node.id), lines: node.lines })),
    edges: topology.edges,
    groups: topology.groups,
    findings,
  })}\n`;
}

/**
 * A marked edge's label: per rule that fires, `⚠ rule-id` (`ℹ rule-id` for a rule whose findings
 * there are infos) and the values in conflict (`nginx 60s ≥ gunicorn 2s`); then what the edge is.
 */
function edgeLines(edge: GraphEdge): string[] {
  return [
    ...edge.marks.flatMap((mark) => [`${mark.severity === 'info' ? 'ℹ' : '⚠'} ${mark.ruleId}`, ...(mark.conflict ? [mark.conflict] : [])]),
    ...edge.lines,
  ];
}

/** Drawn red and dashed: an error or a warning fires on the edge (an info alone is a note, as in the report). */
function isAlarming(edge: GraphEdge): boolean {
  return edge.marks.some((mark) => mark.severity !== 'info');
}

/** Words of `text` on lines of at most `width` characters; a longer word keeps a line of its own. */
export function wrapLine(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current !== '' && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  lines.push(current);
  return lines;
}

/**
 * The topology, or, when `render` makes it longer than `maxChars`, only the edges where a rule
 * fires (the most severe first, as many as fit) and the nodes they join, with a note that says so.
 */
export function fitTopology(topology: Topology, render: (topology: Topology) => string, maxChars: number): Topology {
  if (render(topology).length <= maxChars) return topology;
  const marked = topology.edges
    .map((edge, index) => ({ edge, index, rank: Math.max(...edge.marks.map((mark) => SEVERITY_RANK[mark.severity]), 0) }))
    .filter(({ rank }) => rank > 0)
    .sort((a, b) => b.rank - a.rank || a.index - b.index)
    .map(({ edge }) => edge);
  const keeping = (count: number): Topology => {
    const chosen = new Set(marked.slice(0, count));
    // Kept in their first order, so a picture cut further looks like the same picture.
    const edges = topology.edges.filter((edge) => chosen.has(edge));
    const ids = new Set(edges.flatMap((edge) => [edge.from, edge.to]));
    const all = topology.edges.length;
    const limit = `${maxChars.toLocaleString('en-US')} characters`;
    return {
      nodes: topology.nodes.filter((node) => ids.has(node.id)),
      edges,
      groups: topology.groups.map((group) => ({ ...group, nodeIds: group.nodeIds.filter((id) => ids.has(id)) })).filter((group) => group.nodeIds.length > 0),
      omitted:
        count === marked.length
          ? `Only the ${count} edges where a rule fires are drawn, of ${all}: the whole graph is longer than Mermaid draws (${limit}); cfglint graph --format dot draws it all`
          : `Only ${count} of the ${marked.length} edges where a rule fires are drawn (errors first), of ${all}: the whole graph is longer than Mermaid draws (${limit}); cfglint graph --format dot draws it all`,
    };
  };
  // The most edges that fit: the rendered length grows with the count.
  let low = 0;
  let high = marked.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (render(keeping(middle)).length <= maxChars) low = middle;
    else high = middle - 1;
  }
  return keeping(low);
}

function groupedNodes(topology: Topology): Set<string> {
  return new Set(topology.groups.flatMap((group) => group.nodeIds));
}

// ---------------------------------------------------------------------------------------------
// Labels

/**
 * An argument as the label shows it: a template's placeholder (`${DOMAIN}`, read as `$` and
 * private-use marks) as written in the file where the model keeps its text, else as `…`.
 */
function shown(model: Deployment, arg: { value: string; span: Span } | undefined): string {
  if (!arg) return '';
  if (!arg.value.includes(UNKNOWN_MARK)) return arg.value;
  const written = model.sourceTexts?.get(arg.span.file)?.text.slice(arg.span.start.offset, arg.span.end.offset);
  return written !== undefined && !written.includes(UNKNOWN_MARK) ? written.replace(/^["']|["']$/g, '') : withPlaceholdersShown(arg.value);
}

function serverLabel(model: Deployment, server: NginxBlock): string[] {
  const names = server
    .own('server_name')
    .flatMap((entry) => entry.directive.args.map((arg) => shown(model, arg)))
    .filter((name) => name !== '');
  const listens = server
    .own('listen')
    .map((entry) => shown(model, entry.directive.args[0]))
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
      // A template's address is told apart by the pass's value, as an unresolved one is.
      return pass.target.address.kind === 'template'
        ? `other:${pass.module}:${pass.entry.directive.args[0]?.value ?? ''}`
        : `address:${pass.module}:${pass.target.address.text}`;
    default:
      return `other:${pass.module}:${pass.entry.directive.args[0]?.value ?? ''}`;
  }
}

function targetLabel(model: Deployment, pass: UpstreamPass): string[] {
  const text = shown(model, pass.entry.directive.args[0]);
  switch (pass.target.kind) {
    case 'group':
      return [`upstream ${withPlaceholdersShown(pass.target.group.name)}`];
    case 'address':
      return [pass.target.address.kind === 'template' ? text : pass.target.address.text];
    case 'variable':
      return [text, 'variable: not linked'];
    case 'unresolved':
      return [text, `"${pass.target.host}" is not an upstream in the tree`];
  }
}

function backendTitle(backend: Backend): string {
  return `${backendKindName(backend.kind)} ${backend.name}`;
}

function backendLabel(backend: Backend, ambiguous = false): string[] {
  const title = backendTitle(backend);
  const lines = [ambiguous && backend.file !== backend.name ? `${title} (${backend.file})` : title];
  for (const listener of backend.listeners) lines.push(`${listener.option} ${listenerAddress(listener)} (${listener.protocol})`);
  // Where it may listen: not linked, shown so that an unlinked address nginx names is explained.
  for (const listener of backend.undecidedListeners ?? [])
    lines.push(`${listener.option} ${listenerAddress(listener)} (${listener.protocol}) only under ${listener.condition.text}`);
  return lines;
}

/** `may be served: PORT unset (8000 by default); docker-compose.yml:7 may set it: not judged`. */
function candidateLine(candidate: CandidateLink): string {
  const names = unsetNames(candidate.variables);
  const where = [...new Set(candidate.setBy.map((span) => `${span.file}:${span.start.line}`))].join(', ');
  const by = where !== '' ? `an env_file outside the tree (${where})` : 'the environment at run time';
  return `may be served if ${names} (port ${candidate.address.port}); ${by} may set it: not judged`;
}

/** `PORT is unset`, `HOST and PORT are unset`. */
function unsetNames(names: readonly string[]): string {
  return names.length === 1 ? `${names[0]} is unset` : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are unset`;
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
  // The written word shows the shell's quotes (`0.0.0.0:"${PORT:-8000}"`): say what it means instead.
  if (address.ifUnset) {
    const { host, port } = address.ifUnset.address;
    return `${host.includes(':') ? `[${host}]` : host}:${port} if ${unsetNames(address.ifUnset.variables)}`;
  }
  return address.text;
}

function enclosingServer(block: NginxBlock): NginxBlock | undefined {
  for (let current: NginxBlock | undefined = block; current; current = current.parent) if (current.kind === 'server') return current;
  return undefined;
}

function describePass(model: Deployment, pass: UpstreamPass): string {
  let location: NginxBlock | undefined = pass.location;
  while (location && location.kind !== 'location') location = location.parent;
  const where = location?.directive ? `location ${location.directive.args.map((arg) => shown(model, arg)).join(' ')}` : pass.location.kind;
  return `${where}: ${pass.entry.directive.name}`;
}

// ---------------------------------------------------------------------------------------------
// What conflicts on an edge: the two values a rule compares, the sender's first

type ConflictOf = (ruleId: string) => string | undefined;

/** One mark per rule, with the worst severity its findings have here. */
function edgeMarks(findings: readonly Finding[], conflictOf: ConflictOf): EdgeMark[] {
  const byRule = new Map<string, Finding[]>();
  for (const finding of findings) byRule.set(finding.ruleId, [...(byRule.get(finding.ruleId) ?? []), finding]);
  return [...byRule.keys()].sort().map((ruleId) => {
    const ofRule = byRule.get(ruleId)!;
    const severity = ofRule.map((f) => f.severity).reduce((worst, next) => (SEVERITY_RANK[next] > SEVERITY_RANK[worst] ? next : worst));
    const conflict = conflictOf(ruleId);
    return { ruleId, severity, ...(conflict ? { conflict } : {}), fingerprints: unique(ofRule.map((f) => f.fingerprint)) };
  });
}

/** A balancer in front of nginx: it must give up on an idle connection before nginx does. */
function balancerConflict(ruleId: string, balancerMs: number, nginxTimeout: Setting | undefined): string | undefined {
  // The rule may fire on a location's own keepalive_timeout: the server's says nothing then.
  if (ruleId !== 'lb-idle-timeout' || typeof nginxTimeout?.value !== 'number' || nginxTimeout.value > balancerMs) return undefined;
  return `load balancer ${formatMilliseconds(balancerMs)} ≥ nginx ${formatMilliseconds(nginxTimeout.value)}`;
}

/** nginx's upstream keep-alive against the backend's, per range of nginx releases where the rule holds. */
function linkConflict(ruleId: string, model: Deployment, link: Link): string | undefined {
  const group = link.target.group;
  const keepAlive = link.listener.keepAlive;
  if (!group?.block || keepAlive.kind !== 'idleTimeout') return undefined;
  const block = group.block;
  const backend = backendKindName(link.backend.kind);
  const pieces = upstreamKeepaliveByRange(model, group);
  if (ruleId === 'upstream-keepalive-timeout') {
    const backendMs = keepAlive.timeout.value;
    if (typeof backendMs !== 'number') return undefined;
    const holding = pieces.flatMap(({ range }) => {
      const timeout = block.setting('keepalive_timeout', range)?.value;
      return typeof timeout === 'number' && timeout >= backendMs ? [{ range, text: formatMilliseconds(timeout) }] : [];
    });
    return holding.length > 0 ? `nginx ${byRange(nginxVersionAt(model, block).range, holding)} ≥ ${backend} ${formatMilliseconds(backendMs)}` : undefined;
  }
  if (ruleId === 'upstream-keepalive-requests') {
    const backendMax = keepAlive.maxRequests?.value;
    if (typeof backendMax !== 'number') return undefined;
    const holding = pieces.flatMap(({ range }) => {
      const requests = block.setting('keepalive_requests', range)?.value;
      return typeof requests === 'number' && requests > backendMax ? [{ range, text: String(requests) }] : [];
    });
    return holding.length > 0 ? `nginx ${byRange(nginxVersionAt(model, block).range, holding)} > ${backend} ${backendMax} requests per connection` : undefined;
  }
  return undefined;
}

/** A location's read timeout against the worker timeout of a backend it sends to. */
function passConflict(ruleId: string, model: Deployment, links: readonly Link[], passes: readonly UpstreamPass[]): string | undefined {
  if (ruleId !== 'proxy-read-timeout-backend') return undefined;
  for (const pass of passes) {
    const directive = `${pass.module}_read_timeout`;
    const read = pass.location.setting(directive, nginxVersionAt(model, pass.location).range)?.value;
    if (typeof read !== 'number') continue;
    for (const link of links) {
      if (!link.target.passes.includes(pass)) continue;
      const limit = backendLimits(link.backend, link.listener).workerTimeout?.setting.value;
      if (typeof limit === 'number' && limit > 0 && read > limit)
        return `${directive} ${formatMilliseconds(read)} > ${backendKindName(link.backend.kind)} ${formatMilliseconds(limit)}`;
    }
  }
  return undefined;
}

/**
 * Values per range of nginx releases, ranges with the same value as one: `60s` when every
 * release the tree may run agrees, `60s (nginx ≥ 1.29.7)` when only some, `100 (nginx ≤ 1.19.9), 1000 (nginx ≥ 1.19.10)`.
 */
function byRange(versions: VersionRange, pieces: readonly { range: VersionRange; text: string }[]): string {
  const all = splitRange(versions, KEEPALIVE_BOUNDARIES);
  const indexOf = (range: VersionRange) => all.findIndex((piece) => compareVersions(piece.min, range.min) === 0);
  const runs: { text: string; first: number; last: number }[] = [];
  for (const piece of pieces) {
    const index = indexOf(piece.range);
    const last = runs[runs.length - 1];
    if (last && last.text === piece.text && last.last === index - 1) last.last = index;
    else runs.push({ text: piece.text, first: index, last: index });
  }
  if (runs.length === 1 && runs[0].first === 0 && runs[0].last === all.length - 1) return runs[0].text;
  return runs.map(({ text, first, last }) => `${text} (${describeRange({ min: all[first].min, max: all[last].max })})`).join(', ');
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
 * A finding in the upstream block, on one of its directives (or on a direct pass) that concerns
 * this link's backend: it points at the backend's files, or at nothing else.
 */
function onLink(finding: Finding, link: Link): boolean {
  const group = link.target.group;
  // A controller's upstream (ingress-nginx) is rendered from other files: its settings point at the ConfigMap keys.
  const nginxSide = group?.block?.directive
    ? [group.block.directive.span, ...group.block.directives.map((entry) => entry.directive.span)]
    : link.target.passes.map((pass) => pass.entry.directive.span);
  if (!nginxSide.some((span) => within(finding.primary, span))) return false;
  const backendFiles = new Set([link.listener.span.file, link.backend.file]);
  return finding.related.length === 0 ? !!group : finding.related.some((related) => backendFiles.has(related.span.file));
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/**
 * For a target no backend serves: the compose services its hosts name that only run an image
 * (`compose service taiga-back runs image taigaio/taiga-back:latest; no backend of the tree`), one line
 * each; none unless every host of the target is such a service.
 */
function imageOnlyTargets(model: Deployment, target: { group?: UpstreamGroup; passes: UpstreamPass[] }): string[] {
  const pass = target.passes[0];
  if (!pass) return [];
  const hosts = target.group
    ? target.group.servers.map((server) => (server.address?.kind === 'tcp' ? server.address.host : undefined))
    : [pass.target.kind === 'address' && pass.target.address.kind === 'tcp' ? pass.target.address.host : undefined];
  if (hosts.length === 0 || hosts.some((host) => host === undefined)) return [];
  const files = [...new Set([pass.entry.directive.file, ...pass.entry.via.map((include) => include.file)])];
  const lines: string[] = [];
  for (const host of new Set(hosts as string[])) {
    const services = imageOnlyServicesAt(model.compose, model.launches, host, files);
    if (services.length === 0) return [];
    for (const service of services) lines.push(`compose service ${service.service} runs image ${service.image}; no backend of the tree`);
  }
  return [...new Set(lines)];
}
