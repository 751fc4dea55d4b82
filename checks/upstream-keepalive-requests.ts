import { defineRule, FindingDraft, onceEach } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import { describeBackendSetting } from '../src/model/backend-describe';
import type { Deployment } from '../src/model/deployment';
import { Link, linkDeployment } from '../src/model/links';
import { nginxVersionAt } from '../src/model/nginx';
import { splitRange } from '../src/reference/nginx/version';
import {
  describeNginxSetting,
  groupIsUsedOverHttp,
  KEEPALIVE_BOUNDARIES,
  upstreamAnchor,
  reusedKeepaliveByRange,
  versionQualifier,
} from '../src/model/upstream-keepalive';
import { setInUpstream } from '../src/model/nginx-edits';
import { setControllerKey } from '../src/model/controller-edits';

const ID = 'upstream-keepalive-requests';

export const rule = defineRule({
  id: ID,
  // info, not warning: the proof lab (docs/evidence.md) sent 300 POSTs through nginx to a Tomcat
  // that ends connections after 5 requests and none failed; Tomcat's Connection: close saves it.
  severity: 'info',
  category: 'reliability',
  meta: {
    description:
      'nginx sends more requests over one upstream connection than the backend serves on it, so the backend closes connections nginx still counts as reusable',
    docsUrl: docsUrl(ID),
    fixable: true,
    messages: {
      backendStopsFirst: {
        message: '{{nginxRequests}} in upstream "{{upstream}}" is above {{backendRequests}} behind {{address}}{{versions}}',
        help: 'the backend closes each connection after {{backendValue}} requests while nginx plans to reuse it; a backend that closes without "Connection: close" makes nginx answer 502 ("upstream prematurely closed connection"); {{fix}}',
      },
    },
  },
  *check(model: Deployment) {
    const first = onceEach();
    for (const link of linkDeployment(model)) {
      const draft = judge(model, link);
      if (draft && first(draft.primary, link.listener.span)) yield draft;
    }
  },
});

function judge(model: Deployment, link: Link): FindingDraft | undefined {
  const group = link.target.group;
  if (!group?.block || !groupIsUsedOverHttp(model, group)) return undefined;
  const keepAlive = link.listener.keepAlive;
  if (keepAlive.kind !== 'idleTimeout' || !keepAlive.maxRequests) return undefined;
  const backendMax = keepAlive.maxRequests.value;
  // -1 and 0 mean unlimited in Tomcat; only a positive limit can be exceeded.
  if (typeof backendMax !== 'number' || backendMax <= 0) return undefined;

  const version = nginxVersionAt(model, group.block);
  const all = splitRange(version.range, KEEPALIVE_BOUNDARIES);
  const holding = reusedKeepaliveByRange(model, group).filter(({ range }) => {
    const requests = group.block!.setting('keepalive_requests', range);
    return typeof requests?.value === 'number' && requests.value > backendMax;
  });
  if (holding.length === 0) return undefined;
  const nginxRequests = group.block.setting('keepalive_requests', holding[0].range)!;
  const qualifier = versionQualifier(
    version,
    holding.map((h) => h.range),
    all,
  );
  const suggestion = String(Math.max(1, backendMax - 2));
  const edit = nginxRequests.origin ? setControllerKey(model, nginxRequests.origin, suggestion) : setInUpstream(group.block, 'keepalive_requests', suggestion);
  return {
    messageId: 'backendStopsFirst',
    data: {
      nginxRequests: describeNginxSetting(nginxRequests),
      upstream: group.name,
      backendRequests: describeBackendSetting(link.backend, keepAlive.maxRequests),
      address: link.target.address.text,
      versions: qualifier.text,
      backendValue: String(backendMax),
      fix: nginxRequests.origin
        ? `set "${nginxRequests.origin.key}" in the ingress-nginx ConfigMap to ${suggestion} or less`
        : `set keepalive_requests in the upstream to ${suggestion} or less`,
    },
    primary: upstreamAnchor(group.block, nginxRequests),
    related: [
      {
        span: keepAlive.maxRequests.source.kind === 'file' ? keepAlive.maxRequests.source.span : link.listener.span,
        label: `${link.backend.kind} serves at most ${backendMax} requests per connection${keepAlive.maxRequests.source.kind === 'default' ? ' by default' : ''}`,
      },
    ],
    modelPath: `${group.block.path}>keepalive_requests>${link.backend.kind}:${link.target.address.text}`,
    maxSeverity: qualifier.maxSeverity,
    ...(edit
      ? {
          fix: {
            title: nginxRequests.origin
              ? `set "${nginxRequests.origin.key}" to "${suggestion}" in the ingress-nginx ConfigMap`
              : `set keepalive_requests ${suggestion} in upstream "${group.name}"`,
            edits: [edit],
          },
        }
      : {}),
  };
}
