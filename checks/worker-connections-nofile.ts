import { defineRule, FindingDraft } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import type { Deployment } from '../src/model/deployment';
import { nginxWorkerNofile } from '../src/model/limits';
import type { NginxBlock, NginxHttpScope } from '../src/model/nginx';
import type { Setting } from '../src/source/setting';

const ID = 'worker-connections-nofile';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'reliability',
  meta: {
    description: 'nginx worker_connections above the open-file limit its workers run with',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      exceedsProcessLimit: {
        message: 'worker_connections {{connections}} is above the open-file limit of the nginx workers, {{limit}} ({{where}})',
        help: 'nginx logs "{{connections}} worker_connections exceed open file resource limit: {{limit}}" at [warn] (hidden at the default error_log level) and under load "accept4() failed (24: Too many open files)"; set worker_rlimit_nofile {{suggestion}}; in the main context (or raise {{limitName}}) or lower worker_connections',
      },
      exceedsWorkerRlimit: {
        message: 'worker_connections {{connections}} is above worker_rlimit_nofile {{limit}} ({{where}})',
        help: 'the workers run out of descriptors under load with "accept4() failed (24: Too many open files)"; raise worker_rlimit_nofile to {{suggestion}} (twice worker_connections when proxying) or lower worker_connections',
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
  if (typeof limit.value !== 'number' || !(connections > limit.value)) return undefined;
  const own = limit.name === 'worker_rlimit_nofile';
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
  };
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
