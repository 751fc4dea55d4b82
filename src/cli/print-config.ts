/**
 * `cfglint --print-config <file>`: the effective model for one file of the tree. For nginx,
 * every setting with a known value syntax (VALUE_SYNTAX) in each server, location and upstream
 * block the file contributes to; for a backend config, each backend's settings and listeners.
 * Each value says where it came from: `file:line`, or `default` with the release it holds since.
 */
import * as nodePath from 'path';
import { readTree } from '../engine/read-tree';
import { UsageError } from '../engine/options';
import type { LintOptions } from '../engine/options';
import type { ListenAddress } from '../readers/backend';
import { serverName } from '../readers/launch/launch';
import type { Setting } from '../source/setting';
import { nginxVersionAt, type NginxBlock } from '../model/nginx';
import { describeUnmodelledAddress, unmodelledServers } from '../model/unmodelled-servers';
import { defaultBoundaries } from '../reference/nginx/defaults';
import { describeRange, splitRange, VersionRange } from '../reference/nginx/version';
import { VALUE_SYNTAX } from '../model/nginx-value-syntax';
import { terminalText } from '../report/escape';
import { withPlaceholdersShown } from '../discovery/template';

/** Settings that belong to the main/events level or to upstream blocks only. */
const NOT_IN_SERVERS = new Set(['worker_connections', 'worker_rlimit_nofile', 'keepalive']);
const IN_UPSTREAMS = ['keepalive', 'keepalive_requests', 'keepalive_time', 'keepalive_timeout'];

export function printConfig(file: string, options: LintOptions): string {
  const cwd = options.cwd ?? process.cwd();
  const tree = readTree(options);
  const target = nodePath.resolve(cwd, file);
  const shown = tree.displayPath(target);
  const inTree = tree.roots.some((root) => target === root || target.startsWith(root.endsWith(nodePath.sep) ? root : root + nodePath.sep));
  if (!inTree) throw new UsageError(`${file} is not inside the linted tree (${options.paths?.join(', ') || '.'})`);
  const out: string[] = [];

  const blocks: NginxBlock[] = [];
  for (const scope of tree.model.nginx.scopes) {
    const candidates = [...scope.servers, ...scope.locations, ...scope.upstreams.flatMap((group) => (group.block ? [group.block] : []))];
    for (const block of candidates) {
      const fromFile = block.directive?.span.file === shown || block.directives.some((entry) => entry.directive.span.file === shown);
      if (fromFile && !blocks.includes(block)) blocks.push(block);
    }
  }
  blocks.sort(
    (a, b) =>
      (a.directive?.span.file ?? '').localeCompare(b.directive?.span.file ?? '') ||
      (a.directive?.span.start.offset ?? 0) - (b.directive?.span.start.offset ?? 0),
  );
  for (const block of blocks) {
    const names = block.kind === 'upstream' ? IN_UPSTREAMS : Object.keys(VALUE_SYNTAX).filter((name) => !NOT_IN_SERVERS.has(name));
    const range = nginxVersionAt(tree.model, block).range;
    const rows = names.flatMap((name) => settingRows(block, name, range));
    const span = block.directive?.span;
    out.push(`${block.path}${span ? ` (${span.file}:${span.start.line})` : ''}`);
    out.push(...table(rows));
    out.push('');
  }

  const backends = tree.model.backends.filter((backend) => backend.file === shown);
  for (const backend of backends) {
    out.push(`${backend.kind} ${backend.name}${backend.name === backend.file ? '' : ` (${backend.file})`}`);
    out.push('  listeners:');
    if (backend.listeners.length === 0) out.push('    (none)');
    out.push(
      ...table(
        backend.listeners.map((l) => [l.option, formatAddress(l.address), l.protocol, `${l.span.file}:${l.span.start.line}`]),
        '    ',
      ),
    );
    out.push('  settings:');
    const settings = [...backend.settings.values()].sort((a, b) => a.name.localeCompare(b.name));
    if (settings.length === 0) out.push('    (none)');
    out.push(
      ...table(
        settings.map((s) => [s.name, s.text || '(none)', formatValue(s), describeSource(s)]),
        '    ',
      ),
    );
    // Tomcat's settings are per <Connector> (Spring Boot's embedded Tomcat has one).
    const connectors = backend.kind === 'tomcat' ? backend.connectors : backend.kind === 'spring-boot' ? [backend.connector] : [];
    for (const connector of connectors) {
      const where = `${connector.span.file}:${connector.span.start.line}`;
      const address = connector.listener ? formatAddress(connector.listener.address) : (connector.unavailable ?? 'no listener');
      out.push(`  connector ${connector.protocolName} ${address} (${where}):`);
      const connectorSettings = [...connector.settings.values(), ...(connector.executor ? [...connector.executor.settings.values()] : [])];
      if (connectorSettings.length === 0) out.push('    (none)');
      out.push(
        ...table(
          connectorSettings.map((s) => [s.name, s.text || '(none)', formatValue(s), describeSource(s)]),
          '    ',
        ),
      );
    }
    out.push('');
  }

  // Servers the tree starts that cfglint does not model: where they may listen, nothing more.
  for (const server of unmodelledServers(tree.model).filter((candidate) => candidate.launch.file === shown)) {
    out.push(`${server.program} ${serverName(server.launch)} (not modelled: settings unknown, not judged)`);
    out.push('  listens:');
    out.push(
      ...table(
        server.addresses.map(({ address, span }) => [describeUnmodelledAddress(address), `${span.file}:${span.start.line}`]),
        '    ',
      ),
    );
    out.push('');
  }

  // Values, names and paths come from the tree: each line is escaped so none can break it or reach the terminal raw.
  if (out.length === 0) return `${terminalText(shown)}: cfglint models no setting from this file\n`;
  return `${out.map(printable).join('\n').trimEnd()}\n`;
}

/**
 * One row per setting; a default that changed between the releases the tree may run (no nginx
 * version known) gets a row per release range, each saying which versions it holds for.
 */
function settingRows(block: NginxBlock, name: string, range: VersionRange): string[][] {
  const pieces = splitRange(range, defaultBoundaries(block.kind === 'upstream' ? `upstream:${name}` : name));
  const settings = pieces.map((piece) => block.setting(name, piece));
  const row = (setting: Setting | undefined) => (setting ? [name, setting.text || '(none)', describeSource(setting)] : undefined);
  const rows = settings.map(row);
  // Set in the tree (or by a controller), or a default that holds throughout: one row.
  if (rows.every((r) => JSON.stringify(r) === JSON.stringify(rows[0]))) return rows[0] ? [rows[0]] : [];
  return settings.map((setting, i) => [name, setting ? setting.text || '(none)' : '(none)', `default, ${describeRange(pieces[i])}`]);
}

function describeSource(setting: Setting): string {
  const source = setting.source;
  if (source.kind === 'default') return `default${source.note ? `, ${source.note}` : ''}`;
  const via = (source.via ?? []).map((span) => `${span.file}:${span.start.line}`);
  return `${source.span.file}:${source.span.start.line}${via.length > 0 ? ` (via ${via.join(', ')})` : ''}`;
}

/** The value in canonical units (what rules compare), or `?` when the tree does not say. */
function formatValue(setting: Setting): string {
  if (setting.value === undefined) return '?';
  if (setting.unit === 'text' || setting.unit === 'flag') return String(setting.value);
  return `${setting.value} ${setting.unit}`;
}

function formatAddress(address: ListenAddress): string {
  if (address.kind === 'tcp') return `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
  if (address.kind === 'unix') return `unix:${address.path}`;
  return address.text;
}

/** A line or cell for the terminal: a template's placeholder (`$` and private-use marks) shown as `…`, then escaped. */
function printable(text: string): string {
  return terminalText(withPlaceholdersShown(text));
}

function table(unescaped: string[][], indent = '  '): string[] {
  if (unescaped.length === 0) return [];
  // Escaped before measuring, so a value with escapes still lines up with its column.
  const rows = unescaped.map((row) => row.map(printable));
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => indent + row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]) : cell)).join('  '));
}
