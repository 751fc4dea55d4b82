import { defineRule, FindingDraft, onceEach } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import { backendKindName } from '../src/model/backend-describe';
import { backendLimits, isRootUser } from '../src/model/backend-limits';
import type { Deployment } from '../src/model/deployment';
import { knownValue } from '../src/readers/launch/launch';
import { canonicalSocketPath, linkDeployment, Link } from '../src/model/links';
import type { NginxBlock } from '../src/model/nginx';
import type { RelatedSpan, Span } from '../src/source/span';

const ID = 'upstream-socket-permission';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'correctness',
  meta: {
    description: "nginx's worker user can write to the unix socket the backend creates",
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      socketNotWritable: {
        message: 'nginx workers run as "{{nginxUser}}" but {{backend}} creates {{socket}} owned by "{{owner}}" with mode {{mode}} ({{modeSource}})',
        help: '{{why}}, so every request through it fails with 502 and nginx logs "connect() to unix:{{socket}} failed (13: Permission denied) while connecting to upstream"; {{fix}}',
      },
    },
  },
  *check(model: Deployment) {
    const socketLinks = linkDeployment(model).filter((link) => link.target.address.kind === 'unix' && link.listener.address.kind === 'unix');
    const first = onceEach();
    for (const link of socketLinks) {
      const draft = judge(model, link);
      if (draft && first(draft.primary, link.listener.span)) yield draft;
    }
  },
});

/** The nginx worker user as the main config's `user` directive states it. */
interface NginxUser {
  name: string;
  /** The group the directive names, or (when omitted) the group of the same name nginx uses. */
  group: string;
  span: Span;
}

function judge(model: Deployment, link: Link): FindingDraft | undefined {
  const nginxUser = nginxUserFor(model, link);
  if (!nginxUser) return undefined;
  const backend = link.backend;
  const socket = backendLimits(backend, link.listener).socket;
  if (!socket) return undefined;
  const { owner, mode, fix } = socket;
  const why = denial(nginxUser.name, owner.name, mode.bits);
  if (!why) return undefined;
  const socketPath = canonicalSocketPath((link.listener.address as { path: string }).path);
  const related: RelatedSpan[] = [
    { span: nginxUser.span, label: `nginx workers run as ${nginxUser.name}` },
    { span: owner.span, label: owner.label },
  ];
  if (!sameSpan(link.listener.span, owner.span) && !sameSpan(link.listener.span, mode.span)) {
    related.push({ span: link.listener.span, label: `${backendKindName(backend.kind)} creates the socket here` });
  }
  return {
    messageId: 'socketNotWritable',
    data: {
      nginxUser: nginxUser.name,
      backend: backendKindName(backend.kind),
      socket: socketPath,
      owner: owner.name,
      mode: mode.bits.toString(8).padStart(3, '0'),
      modeSource: mode.source,
      why,
      fix: fix(owner.name, nginxUser.group),
    },
    primary: mode.span,
    related,
    modelPath: `${backend.kind}[${backend.name}]>${link.listener.option}[${socketPath}]>permission`,
  };
}

/**
 * Whether the nginx user is denied write permission, decided from the tree alone. Group write
 * permission is never decided: nginx calls initgroups() for its user, so the workers belong to
 * every group /etc/group gives that user, and the tree does not hold /etc/group.
 */
function denial(nginxUser: string, owner: string, bits: number): string | undefined {
  if (isRootUser(nginxUser)) return undefined; // root writes anywhere
  if (bits & 0o002) return undefined; // everyone may write
  if (isNumeric(owner) !== isNumeric(nginxUser) && !(isRootUser(owner) && isRootUser(nginxUser))) return undefined; // a uid against a name: unknown mapping
  if (owner === nginxUser) {
    return bits & 0o200 ? undefined : `the owner "${owner}" has no write permission`;
  }
  if (bits & 0o020) return undefined; // nginx's user may be in the socket's group: not known from the tree
  return `"${nginxUser}" is not the owner and the mode gives neither the group nor others write permission`;
}

const isNumeric = (user: string) => /^\d+$/.test(user);
const sameSpan = (a: Span, b: Span) => a.file === b.file && a.start.offset === b.start.offset;

/**
 * The `user` directive of the main config whose http block holds the passes to this socket. One
 * answer for all of them, or none: a snippet has no main config, and a tree whose nginx runs as
 * a non-root user (the directive is then ignored) is not judged.
 */
function nginxUserFor(model: Deployment, link: Link): NginxUser | undefined {
  const nginxLaunchedAsUser = model.launches.some(
    (launch) => launch.program === 'nginx' && launch.user && (knownValue(launch.user) === undefined || !isRootUser(knownValue(launch.user)!)),
  );
  if (nginxLaunchedAsUser) return undefined;
  const users = new Map<string, NginxUser>();
  for (const pass of link.target.passes) {
    const main = rootOf(pass.location);
    if (main.kind !== 'main') return undefined;
    const directive = main.ownLast('user')?.directive;
    const name = directive?.args[0]?.value;
    if (!directive || !name || name.includes('$')) return undefined;
    const group = directive.args[1]?.value ?? name;
    users.set(`${name}:${group}`, { name, group, span: directive.span });
  }
  return users.size === 1 ? [...users.values()][0] : undefined;
}

function rootOf(block: NginxBlock): NginxBlock {
  let root = block;
  while (root.parent) root = root.parent;
  return root;
}
