import { defineRule, FindingDraft } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import type { Deployment } from '../src/model/deployment';
import { nginxWorkerNofile } from '../src/model/limits';
import type { NginxBlock, NginxHttpScope, UpstreamPass } from '../src/model/nginx';
import type { Setting } from '../src/source/setting';
import type { Span } from '../src/source/span';
import { insertLinesBefore, replaceArg, writtenAtLevel } from '../src/model/nginx-edits';
import type { Fix } from '../src/source/edit';

const ID = 'worker-connections-nofile';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'reliability',
  meta: {
    description: 'nginx worker_connections above the open-file limit its workers run with',
    docsUrl: docsUrl(ID),
    fixable: true,
    messages: {
      exceedsProcessLimit: {
        message: 'worker_connections {{connections}} is above the open-file limit of the nginx workers, {{limit}} ({{where}})',
        help: 'nginx logs "{{connections}} worker_connections exceed open file resource limit: {{limit}}" at [warn] (hidden at the default error_log level) and under load "accept4() failed (24: Too many open files)"; set worker_rlimit_nofile {{suggestion}}; in the main context (or raise {{limitName}}) or lower worker_connections',
      },
      exceedsWorkerRlimit: {
        message: 'worker_connections {{connections}} is above worker_rlimit_nofile {{limit}} ({{where}})',
        help: 'the workers run out of descriptors under load with "accept4() failed (24: Too many open files)"; raise worker_rlimit_nofile to {{suggestion}} (twice worker_connections when proxying) or lower worker_connections',
      },
      proxiedExceedsLimit: {
        message:
          'worker_connections {{connections}} can hold {{needed}} descriptors in a proxying nginx, above the open-file limit of the nginx workers, {{limit}} ({{where}})',
        help: 'this nginx proxies ({{pass}}): worker_connections counts the client and the upstream side of each proxied request, and a request body or a response that outgrows its buffers goes to a temporary file, one descriptor more each, so {{connections}} connections can hold {{needed}} descriptors; past {{limit}} the workers fail under load with "socket() failed (24: Too many open files) while connecting to upstream" or "open() ... failed (24: Too many open files)" on a temporary file; {{fix}}',
      },
    },
  },
  *check(model: Deployment) {
    const seen = new Set<NginxBlock>();
    for (const scope of model.nginx.scopes) {
      const main = scope.http.parent;
      if (!main || main.kind !== 'main' || seen.has(main)) continue;
      seen.add(main);
      const draft = judge(model, scope, main);
      if (draft) yield draft;
    }
  },
});

function judge(model: Deployment, scope: NginxHttpScope, main: NginxBlock): FindingDraft | undefined {
  const events = main.children.find((child) => child.kind === 'events');
  const entry = events?.ownLast('worker_connections');
  const arg = entry?.directive.args[0];
  if (!entry || !arg || !/^\d+$/.test(arg.value)) return undefined;
  const connections = Number(arg.value);
  const limit = nginxWorkerNofile(model, scope).soft;
  if (typeof limit.value !== 'number') return undefined;
  const own = limit.name === 'worker_rlimit_nofile';
  if (!(connections > limit.value)) return judgeProxied(model, main, connections, limit, own, arg.span);
  return {
    ...(own ? { messageId: 'exceedsWorkerRlimit' } : { messageId: 'exceedsProcessLimit' }),
    data: {
      connections,
      limit: limit.value,
      where: describe(limit),
      suggestion: connections * 2,
      limitName: limitName(limit),
    },
    primary: arg.span,
    related: limit.source.kind === 'file' ? [{ span: limit.source.span, label: `the workers' open-file limit is ${limit.value} here` }] : [],
    modelPath: `${main.path}>events>worker_connections`,
    ...rlimitFix(main, connections * 2),
  };
}

/**
 * The message's advice in the main config: its worker_rlimit_nofile set to `value`, rewritten
 * where the file writes it, else a line right before `events`. None when either is in an
 * included file.
 */
function rlimitFix(main: NginxBlock, value: number): { fix: Fix } | Record<string, never> {
  const title = `set worker_rlimit_nofile ${value} in the main context`;
  const written = main.ownLast('worker_rlimit_nofile');
  if (written) {
    const edit = writtenAtLevel(written, main) && written.directive.args.length === 1 ? replaceArg(written, 0, String(value)) : undefined;
    return edit ? { fix: { title, edits: [edit] } } : {};
  }
  const events = main.ownLast('events');
  const edit = events && writtenAtLevel(events, main) ? insertLinesBefore(events, [`worker_rlimit_nofile ${value};`]) : undefined;
  return edit ? { fix: { title, edits: [edit] } } : {};
}

/**
 * An nginx that proxies needs up to twice worker_connections: a proxied request takes two of its
 * connections (client and upstream) and may hold two temporary files besides (request body and
 * response past their buffers). Only http passes count: a stream proxy has no temporary files.
 */
function judgeProxied(model: Deployment, main: NginxBlock, connections: number, limit: Setting<number>, own: boolean, primary: Span): FindingDraft | undefined {
  const needed = connections * 2;
  if (typeof limit.value !== 'number' || !(needed > limit.value)) return undefined;
  const pass = firstPass(model, main);
  if (!pass) return undefined;
  const name = pass.entry.directive.name;
  return {
    messageId: 'proxiedExceedsLimit',
    data: {
      connections,
      needed,
      limit: limit.value,
      where: describe(limit),
      pass: `${name} at ${pass.entry.directive.file}:${pass.entry.directive.span.start.line}`,
      fix: own
        ? `raise worker_rlimit_nofile to ${needed} or lower worker_connections`
        : `set worker_rlimit_nofile ${needed}; in the main context (or raise ${limitName(limit)}) or lower worker_connections`,
    },
    primary,
    related: [
      ...(limit.source.kind === 'file' ? [{ span: limit.source.span, label: `the workers' open-file limit is ${limit.value} here` }] : []),
      { span: pass.entry.directive.span, label: `requests are proxied here (${name})` },
    ],
    modelPath: `${main.path}>events>worker_connections`,
    ...rlimitFix(main, needed),
  };
}

/** The first request this main config passes on from its http blocks, includes read. */
function firstPass(model: Deployment, main: NginxBlock): UpstreamPass | undefined {
  for (const scope of model.nginx.scopes) if (scope.http.parent === main && scope.passes.length > 0) return scope.passes[0];
  return undefined;
}

function describe(limit: Setting<number>): string {
  if (limit.source.kind === 'file') return `${limit.source.span.file}:${limit.source.span.start.line}`;
  return limit.source.note ? `${limit.source.reference}: ${limit.source.note}` : limit.source.reference;
}

function limitName(limit: Setting<number>): string {
  if (limit.name === 'LimitNOFILE' || (limit.source.kind === 'default' && limit.source.reference.includes('LimitNOFILE')))
    return 'LimitNOFILE= of the nginx service';
  if (limit.source.kind === 'file') return "the container's ulimits: nofile";
  return 'the open-file limit nginx starts with';
}
