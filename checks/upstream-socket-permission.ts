import { defineRule, FindingDraft, oncePerPair } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import type { Backend } from '../src/model/backend';
import { backendKindName } from '../src/model/backend-describe';
import type { Deployment } from '../src/model/deployment';
import { knownValue } from '../src/readers/launch/launch';
import { canonicalSocketPath, linkDeployment, Link } from '../src/model/links';
import type { NginxBlock } from '../src/model/nginx';
import { lastUwsgiEntry } from '../src/model/uwsgi';
import { UwsgiBackend } from '../src/readers/uwsgi/uwsgi-backend';
import type { RelatedSpan, Span } from '../src/source/span';

const ID = 'upstream-socket-permission';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'correctness',
  meta: {
    description: 'nginx\'s worker user can write to the unix socket the backend creates',
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
    yield* oncePerPair(socketLinks.map((link) => ({ draft: judge(model, link), other: link.listener.span })));
  },
});

/** The nginx worker user as the main config's `user` directive states it. */
interface NginxUser {
  name: string;
  /** The group the directive names, or (when omitted) the group of the same name nginx uses. */
  group: string;
  span: Span;
}

/** Who owns the socket file and where the tree says so. */
interface SocketOwner {
  name: string;
  span: Span;
  label: string;
}

/** The socket's permission bits and the setting that decides them. */
interface SocketMode {
  bits: number;
  span: Span;
  source: string;
}

function judge(model: Deployment, link: Link): FindingDraft | undefined {
  const nginxUser = nginxUserFor(model, link);
  if (!nginxUser) return undefined;
  const backend = link.backend;
  const socket = socketFacts(backend);
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
  if (isRoot(nginxUser)) return undefined; // root writes anywhere
  if (bits & 0o002) return undefined; // everyone may write
  if (isNumeric(owner) !== isNumeric(nginxUser) && !(isRoot(owner) && isRoot(nginxUser))) return undefined; // a uid against a name: unknown mapping
  if (owner === nginxUser) {
    return bits & 0o200 ? undefined : `the owner "${owner}" has no write permission`;
  }
  if (bits & 0o020) return undefined; // nginx's user may be in the socket's group: not known from the tree
  return `"${nginxUser}" is not the owner and the mode gives neither the group nor others write permission`;
}

const isRoot = (user: string) => user === 'root' || user === '0';
const isNumeric = (user: string) => /^\d+$/.test(user);
const sameSpan = (a: Span, b: Span) => a.file === b.file && a.start.offset === b.start.offset;

/**
 * The `user` directive of the main config whose http block holds the passes to this socket. One
 * answer for all of them, or none: a snippet has no main config, and a tree whose nginx runs as
 * a non-root user (the directive is then ignored) is not judged.
 */
function nginxUserFor(model: Deployment, link: Link): NginxUser | undefined {
  const nginxLaunchedAsUser = model.launches.some((launch) => launch.program === 'nginx' && launch.user
    && (knownValue(launch.user) === undefined || !isRoot(knownValue(launch.user)!)));
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

interface SocketFacts {
  owner: SocketOwner;
  mode: SocketMode;
  fix: (owner: string, nginxGroup: string) => string;
}

function socketFacts(backend: Backend): SocketFacts | undefined {
  if (backend.kind === 'uwsgi') return uwsgiSocket(backend);
  if (backend.kind === 'gunicorn') return gunicornSocket(backend);
  return undefined;
}

/**
 * uWSGI (docs/servers/uwsgi.md#chmod-socket; core/uwsgi.c uwsgi_start): without `chown-socket` or `master-as-root`,
 * privileges are dropped to `uid`/`gid` before the sockets are bound, so the socket belongs to
 * `uid`; with `chown-socket` it is chowned to that user after binding; `chmod-socket` sets the
 * mode. Without `chmod-socket` the mode follows the process umask, which the tree does not state.
 */
function uwsgiSocket(backend: UwsgiBackend): SocketFacts | undefined {
  const chmod = backend.settings.get('chmod-socket');
  if (!chmod || chmod.source.kind !== 'file' || typeof chmod.value !== 'string') return undefined;
  const bits = parseInt(chmod.value, 8);
  const mode: SocketMode = { bits, span: chmod.source.span, source: `chmod-socket = ${chmod.text || chmod.value}` };
  if (lastUwsgiEntry(backend, 'master-as-root')) return undefined;

  let owner: SocketOwner | undefined;
  const chown = lastUwsgiEntry(backend, 'chown-socket');
  if (chown) {
    if (chown.condition || typeof chown.value !== 'string' || chown.value === '') return undefined;
    owner = { name: chown.value.split(':')[0], span: chown.valueSpan, label: `chown-socket gives the socket to ${chown.value.split(':')[0]}` };
  } else {
    const uid = backend.settings.get('uid');
    const launchUser = knownValue(backend.launch?.user);
    if (uid && uid.source.kind === 'file') {
      if (typeof uid.value !== 'string' || uid.value === '') return undefined;
      // `uid` only takes effect when uWSGI starts as root.
      if (backend.launch?.user && (launchUser === undefined || !isRoot(launchUser))) return undefined;
      owner = { name: uid.value, span: uid.source.span, label: `uWSGI drops to ${uid.value} before creating the socket` };
    } else if (launchUser !== undefined && backend.launch?.user) {
      owner = { name: launchUser, span: backend.launch.user.span, label: `uWSGI runs as ${launchUser}` };
    }
  }
  if (!owner) return undefined;
  return {
    owner,
    mode,
    fix: (ownerName, nginxGroup) => `set chmod-socket = 660 with chown-socket = ${ownerName}:${nginxGroup} (a group nginx's workers are in), or chmod-socket = 666`,
  };
}

/**
 * Gunicorn (gunicorn/sock.py UnixSocket.bind): binds under `umask` (default 0, so mode 777) and
 * then chowns the socket to `user`/`group` (default: whoever starts gunicorn). Socket activation
 * by a systemd .socket unit is not modelled; see the doc.
 */
function gunicornSocket(backend: Backend): SocketFacts | undefined {
  if (backend.kind !== 'gunicorn') return undefined;
  const umask = backend.settings.get('umask');
  // The default umask 0 leaves the socket writable by everyone: only an explicit one can deny.
  if (!umask || umask.source.kind !== 'file' || typeof umask.value !== 'number') return undefined;
  const bits = 0o777 & ~umask.value;
  const mode: SocketMode = { bits, span: umask.source.span, source: `gunicorn umask ${umask.text}` };

  let owner: SocketOwner | undefined;
  const user = backend.settings.get('user');
  const launchUser = knownValue(backend.launch?.user);
  if (user && user.source.kind === 'file') {
    if (typeof user.value !== 'string' || user.value === '') return undefined;
    owner = { name: user.value, span: user.source.span, label: `gunicorn chowns the socket to ${user.value}` };
  } else if (launchUser !== undefined && backend.launch?.user) {
    owner = { name: launchUser, span: backend.launch.user.span, label: `gunicorn runs as ${launchUser}` };
  }
  if (!owner) return undefined;
  return {
    owner,
    mode,
    fix: () => 'set umask to 0o007 with group set to a group nginx\'s workers are in, or leave umask at its default 0',
  };
}

