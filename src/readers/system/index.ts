/**
 * Linux limits with whom they apply to: `net.core.somaxconn` from sysctl.conf and sysctl.d (the
 * host), compose `sysctls:` and Kubernetes pod `securityContext.sysctls` (a container has a
 * network namespace of its own, which starts from the kernel default, not the host's value);
 * open-file limits from systemd `LimitNOFILE=` (units and drop-ins), limits.conf/limits.d (login
 * sessions only: pam_limits does not apply to systemd services) and compose `ulimits: nofile`.
 * Syntax problems of units, compose files and manifests are reported by the launch reader.
 */
import { append } from '../../source/append';
import type { SystemLimit } from '../backend';
import type { Setting } from '../../source/setting';
import type { Launch } from '../launch/launch';
import { parseCompose, treeComposeReader } from '../docker/compose';
import { addComments, diagnostic, lineComments, quietRead, readSource, recordSource } from '../kit/files';
import { guarded } from '../kit/failure';
import { kubernetesWorkloads } from '../launch/kubernetes';
import type { RawArg } from '../kit/raw';
import { assignments, groupUnits, parseUnitFile, Unit, UnitFile } from '../launch/systemd-unit';
import type { ReaderDiagnostic } from '../../source/diagnostic';
import type { SourceText } from '../../source/text';
import { emptyOutput, FilesByFormat, ReaderContext, ReaderOutput } from '../types';
import { limitsOrder, NofileLine, parseLimitsConf } from './limits-conf';
import { parseSysctl, sysctlOrder } from './sysctl';

const SOMAXCONN = 'net.core.somaxconn';

function countSetting(name: string, value: number | undefined, text: string, source: SourceText, start: number, end: number): Setting<number> {
  return { name, value, text, unit: 'count', source: { kind: 'file', span: source.span(start, end) } };
}

/** An integer the kernel accepts for somaxconn; undefined (with a sysctl-syntax problem) otherwise. */
function somaxconnValue(
  raw: { text: string; source: SourceText; start: number; end: number; unresolved?: boolean },
  problems: ReaderDiagnostic[],
): number | undefined {
  if (raw.unresolved) return undefined;
  if (/^\d+$/.test(raw.text.trim())) return Number(raw.text.trim());
  problems.push(diagnostic(raw.source, 'sysctl-syntax', `"${SOMAXCONN}" needs a number, got "${raw.text}"`, raw.start, raw.end, 'warning'));
  return undefined;
}

function fromRaw(name: string, raw: RawArg | undefined): Setting<number> | undefined {
  if (!raw) return undefined;
  const text = raw.source.text.slice(raw.start, raw.end);
  const value =
    raw.unresolved.length > 0
      ? undefined
      : /^\d+$/.test(raw.value.trim())
        ? Number(raw.value.trim())
        : raw.value.trim() === 'unlimited' || raw.value.trim() === '-1'
          ? Infinity
          : undefined;
  return { name, value, text, unit: 'count', source: { kind: 'file', span: raw.source.span(raw.start, raw.end) } };
}

/**
 * systemd `LimitNOFILE=`: `N`, `soft:hard`, `infinity`; the last assignment wins and an empty
 * one returns to `DefaultLimitNOFILE=` (systemd.exec(5), rlimit_parse()).
 */
function systemdNofile(unit: Unit, problems: ReaderDiagnostic[]): SystemLimit | undefined {
  let limit: SystemLimit | undefined;
  for (const { file, entry } of assignments(unit, 'Service', 'LimitNOFILE')) {
    const text = entry.value.text;
    if (text === '') {
      limit = undefined;
      continue;
    }
    const parts = text.split(':');
    const parse = (part: string) => (part === 'infinity' ? Infinity : /^\d+$/.test(part) ? Number(part) : undefined);
    const soft = parse(parts[0]);
    const hard = parts.length === 2 ? parse(parts[1]) : soft;
    const start = entry.value.offsetAt(0);
    const end = entry.value.endOffset;
    if (soft === undefined || hard === undefined || parts.length > 2) {
      problems.push(diagnostic(file.source, 'systemd-syntax', `Failed to parse resource value, ignoring: ${text}`, start, end, 'warning'));
      continue;
    }
    if (soft > hard) {
      problems.push(diagnostic(file.source, 'systemd-syntax', `Soft resource limit chosen higher than hard limit, ignoring: ${text}`, start, end, 'warning'));
      continue;
    }
    const softEnd = parts.length === 2 ? entry.value.endOffsetAt(parts[0].length) : end;
    const hardStart = parts.length === 2 ? entry.value.offsetAt(parts[0].length + 1) : start;
    limit = {
      name: 'nofile',
      setting: countSetting('LimitNOFILE', soft, parts[0], file.source, start, softEnd),
      hard: countSetting('LimitNOFILE', hard, parts[parts.length - 1], file.source, hardStart, end),
      appliesTo: { kind: 'service', name: unit.name },
    };
  }
  return limit;
}

/** One limit per limits.conf domain: the last soft and the last hard value (a `-` line sets both). */
function loginSessionLimits(lines: NofileLine[]): SystemLimit[] {
  const byDomain = new Map<string, { soft?: NofileLine; hard?: NofileLine }>();
  for (const line of lines) {
    const entry = byDomain.get(line.domain) ?? {};
    byDomain.set(line.domain, entry);
    if (line.type === 'soft' || line.type === '-') entry.soft = line;
    if (line.type === 'hard' || line.type === '-') entry.hard = line;
  }
  const limits: SystemLimit[] = [];
  for (const [domain, { soft, hard }] of byDomain) {
    const toSetting = (line: NofileLine) => countSetting('nofile', line.value, line.text, line.source, line.valueStart, line.valueEnd);
    // With only a hard line the soft limit is what the session had before: unknown.
    const setting = soft ? toSetting(soft) : { ...toSetting(hard!), value: undefined, text: '' };
    limits.push({ name: 'nofile', setting, ...(hard ? { hard: toSetting(hard) } : {}), appliesTo: { kind: 'login-session', domain } });
  }
  return limits;
}

export function readSystemLimits(files: FilesByFormat, launches: Launch[], context: ReaderContext): ReaderOutput & { limits: SystemLimit[] } {
  // The limits are found by file and scope; src/model/limits.ts matches them to launches.
  void launches;
  const output = emptyOutput();
  const limits: SystemLimit[] = [];
  const problems = output.diagnostics;

  // Host sysctls: the last assignment over all files, in the order sysctl applies them.
  let somaxconn: SystemLimit | undefined;
  for (const path of sysctlOrder(files.sysctl ?? [])) {
    const source = readSource(path, context, output);
    if (!source) continue;
    addComments(output, source.file, lineComments(source, '#;'));
    guarded(output.diagnostics, 'system limits reader', source.file, () => {
      for (const assignment of parseSysctl(source, problems)) {
        if (assignment.key !== SOMAXCONN) continue;
        const value = somaxconnValue({ text: assignment.value, source, start: assignment.valueStart, end: assignment.valueEnd }, problems);
        somaxconn = {
          name: SOMAXCONN,
          setting: countSetting(SOMAXCONN, value, assignment.value, source, assignment.valueStart, assignment.valueEnd),
          appliesTo: { kind: 'host' },
        };
      }
    });
  }
  if (somaxconn) limits.push(somaxconn);

  const limitLines: NofileLine[] = [];
  for (const path of limitsOrder(files.limits ?? [])) {
    const source = readSource(path, context, output);
    if (!source) continue;
    addComments(output, source.file, lineComments(source));
    guarded(output.diagnostics, 'system limits reader', source.file, () => append(limitLines, parseLimitsConf(source, problems)));
  }
  append(limits, loginSessionLimits(limitLines));

  const unitFiles: { path: string; file: UnitFile }[] = [];
  for (const path of files.systemd ?? []) {
    const source = readSource(path, context, output);
    const parsed = source && guarded(output.diagnostics, 'system limits reader', source.file, () => parseUnitFile(source));
    if (parsed) unitFiles.push({ path, file: parsed });
  }
  for (const unit of groupUnits(unitFiles)) {
    const limit = systemdNofile(unit, problems);
    if (limit) limits.push(limit);
  }

  const readCompose = treeComposeReader(context.treeFiles, (path) => quietRead(path, context), context.displayPath);
  for (const path of files.compose ?? []) {
    const source = readSource(path, context, output);
    if (!source) continue;
    guarded(output.diagnostics, 'system limits reader', source.file, () => {
      for (const service of parseCompose(source, path, readCompose).services) {
        const appliesTo = { kind: 'container' as const, name: service.name };
        for (const sysctl of service.sysctls.filter((entry) => entry.name === SOMAXCONN)) {
          const raw = sysctl.value;
          // An inherited sysctl (`extends`) is written in the extended file.
          const value = somaxconnValue(
            { text: raw.value, source: raw.source, start: raw.start, end: raw.end, unresolved: raw.unresolved.length > 0 },
            problems,
          );
          limits.push({ name: SOMAXCONN, setting: { ...fromRaw(SOMAXCONN, raw)!, value }, appliesTo });
        }
        if (service.nofile) {
          const soft = fromRaw('nofile', service.nofile.soft);
          const hard = fromRaw('nofile', service.nofile.hard);
          if (soft) limits.push({ name: 'nofile', setting: soft, ...(hard ? { hard } : {}), appliesTo });
        }
      }
    });
  }

  for (const path of files.kubernetes ?? []) {
    const source = readSource(path, context, output, false);
    if (!source || source.text.includes('{{')) continue;
    recordSource(output, source);
    guarded(output.diagnostics, 'system limits reader', source.file, () => {
      for (const workload of kubernetesWorkloads(source).workloads) {
        for (const sysctl of workload.sysctls.filter((entry) => entry.name === SOMAXCONN)) {
          const raw = sysctl.value;
          const value = somaxconnValue({ text: raw.value, source, start: raw.start, end: raw.end }, problems);
          limits.push({ name: SOMAXCONN, setting: { ...fromRaw(SOMAXCONN, raw)!, value }, appliesTo: { kind: 'container', name: workload.name } });
        }
      }
    });
  }
  return { ...output, limits };
}
