import { defineRule, FindingDraft, onceEach } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import type { Deployment } from '../src/model/deployment';
import { linkDeployment, Link } from '../src/model/links';
import { formatMilliseconds } from '../src/model/nginx-values';
import { splitRange } from '../src/reference/nginx/version';
import { describeBackendSetting } from '../src/model/backend-describe';
import { setInUpstream } from '../src/model/nginx-edits';
import { setControllerKey } from '../src/model/controller-edits';
import { nginxVersionAt, type UpstreamGroup } from '../src/model/nginx';
import type { Setting } from '../src/source/setting';
import type { Fix } from '../src/source/edit';
import {
  describeNginxSetting,
  groupIsUsedOverHttp,
  KEEPALIVE_BOUNDARIES,
  upstreamAnchor,
  reusedKeepaliveByRange,
  versionQualifier,
} from '../src/model/upstream-keepalive';

const ID = 'upstream-keepalive-timeout';

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'reliability',
  meta: {
    description: 'nginx keeps an idle upstream connection at least as long as the backend does, so it reuses connections the backend has closed',
    docsUrl: docsUrl(ID),
    fixable: true,
    messages: {
      backendClosesFirst: {
        message: '{{nginxTimeout}} in upstream "{{upstream}}" is not shorter than {{backendTimeout}} behind {{address}}{{versions}}',
        help: 'the backend closes idle connections first and nginx sends the next request on a closed one, answering 502 ("upstream prematurely closed connection" or "recv() failed (104: Connection reset by peer)"); {{fix}} or raise the backend\'s keep-alive above {{nginxValue}}',
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
  if (keepAlive.kind !== 'idleTimeout' || typeof keepAlive.timeout.value !== 'number' || keepAlive.timeout.value <= 0) return undefined;
  const backendMs = keepAlive.timeout.value;

  const version = nginxVersionAt(model, group.block);
  const all = splitRange(version.range, KEEPALIVE_BOUNDARIES);
  const holding = reusedKeepaliveByRange(model, group).filter(({ range }) => {
    const timeout = group.block!.setting('keepalive_timeout', range);
    return typeof timeout?.value === 'number' && timeout.value >= backendMs;
  });
  if (holding.length === 0) return undefined;
  const nginxTimeout = group.block.setting('keepalive_timeout', holding[0].range)!;
  const nginxMs = nginxTimeout.value as number;
  const qualifier = versionQualifier(
    version,
    holding.map((h) => h.range),
    all,
  );
  // Half the backend's timeout leaves room for a round trip; whole seconds read better.
  const suggestionMs = backendMs >= 2000 ? Math.floor(backendMs / 2000) * 1000 : Math.max(1, Math.floor(backendMs / 2));

  return {
    messageId: 'backendClosesFirst',
    data: {
      nginxTimeout: describeNginxSetting(nginxTimeout),
      upstream: group.name,
      backendTimeout: describeBackendSetting(link.backend, keepAlive.timeout),
      address: link.target.address.text,
      versions: qualifier.text,
      fix: nginxTimeout.origin
        ? `set "${nginxTimeout.origin.key}" in the ingress-nginx ConfigMap below ${backendMs / 1000} (whole seconds, e.g. "${Math.max(1, Math.floor(suggestionMs / 1000))}")`
        : `set keepalive_timeout in the upstream below ${formatMilliseconds(backendMs)} (e.g. keepalive_timeout ${formatMilliseconds(suggestionMs)};)`,
      nginxValue: formatMilliseconds(nginxMs),
    },
    primary: upstreamAnchor(group.block, nginxTimeout),
    related: [
      {
        span: keepAlive.timeout.source.kind === 'file' ? keepAlive.timeout.source.span : link.listener.span,
        label:
          keepAlive.timeout.source.kind === 'file'
            ? `${link.backend.kind} closes idle connections after ${formatMilliseconds(backendMs)}`
            : `${link.backend.kind} listens here and closes idle connections after ${formatMilliseconds(backendMs)} by default`,
      },
    ],
    modelPath: `${group.block.path}>keepalive_timeout>${link.backend.kind}:${link.target.address.text}`,
    maxSeverity: qualifier.maxSeverity,
    fix: timeoutFix(model, group, nginxTimeout, formatMilliseconds(suggestionMs), Math.max(1, Math.floor(suggestionMs / 1000))),
  };
}

/**
 * The message's own advice: the upstream's keepalive_timeout set to the suggested value, or for
 * ingress-nginx its ConfigMap key, in whole seconds.
 */
function timeoutFix(model: Deployment, group: UpstreamGroup, timeout: Setting, value: string, seconds: number): Fix | undefined {
  if (timeout.origin) {
    const edit = setControllerKey(model, timeout.origin, String(seconds));
    return edit && { title: `set "${timeout.origin.key}" to "${seconds}" in the ingress-nginx ConfigMap`, edits: [edit] };
  }
  const edit = setInUpstream(group.block!, 'keepalive_timeout', value);
  if (!edit) return undefined;
  // A placeholder's value is set where it is written (a compose environment entry).
  const elsewhere = edit.span.file !== group.block!.directive!.file;
  const title = elsewhere
    ? `set the value of keepalive_timeout in upstream "${group.name}" to ${value} where ${edit.span.file} writes it`
    : `set keepalive_timeout ${value} in upstream "${group.name}"`;
  return { title, edits: [edit] };
}
