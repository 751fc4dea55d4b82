/**
 * Where nginx serves TLS: a server with `listen … ssl` (or `quic`), or the older `ssl on`
 * (mail's `starttls on|only` too, but not opportunistic STARTTLS on SMTP's port 25). The server-side `ssl_protocols` and `ssl_ciphers` matter only
 * at a level that holds such a server which does not replace them: Debian's stock nginx.conf sets
 * `ssl_protocols TLSv1 TLSv1.1 TLSv1.2` in `http` whether or not any site uses TLS.
 */
import { someArgEquals } from '../readers/nginx/parse';
import { listenSocket } from './nginx-listen';
import type { DirectiveLevel, DirectiveUse, NginxDirectiveIndex } from './nginx-directives';

const TLS_LISTEN_WORDS = ['ssl', 'quic'];

/**
 * A test of whether a server-side TLS directive (`ssl_protocols`, `ssl_ciphers`) written at a level
 * is in force in a server that speaks TLS: that server is the level itself, or lies below it with no
 * level in between (the server included) writing the directive again, since nginx inherits it only
 * where a level has none of its own (ngx_http_ssl_merge_srv_conf). An outer value that every TLS
 * server replaces applies to none of them. The servers are looked for on the first question: most
 * trees never ask (no ssl_protocols or ssl_ciphers).
 */
export function tlsInForceAt(index: NginxDirectiveIndex): (level: DirectiveLevel, name: string) => boolean {
  let servers: Map<DirectiveLevel, Set<DirectiveLevel>> | undefined;
  return (level, name) => {
    servers ??= tlsServersByLevel(index);
    for (const server of servers.get(level) ?? []) {
      let replaced = false;
      for (let inner: DirectiveLevel | undefined = server; inner && inner !== level && !replaced; inner = inner.owner?.level) {
        replaced = inner.uses.some((use) => use.directive.name === name);
      }
      if (!replaced) return true;
    }
    return false;
  };
}

/** Each level that holds a server speaking TLS, with those servers (the levels of their `listen … ssl`, `ssl on` or `starttls`). */
function tlsServersByLevel(index: NginxDirectiveIndex): Map<DirectiveLevel, Set<DirectiveLevel>> {
  const servers = new Map<DirectiveLevel, Set<DirectiveLevel>>();
  const mark = (use: DirectiveUse) => {
    for (let level: DirectiveLevel | undefined = use.level; level; level = level.owner?.level) {
      const below = servers.get(level);
      if (below?.has(use.level)) break;
      if (below) below.add(use.level);
      else servers.set(level, new Set([use.level]));
    }
  };
  // Compared in the text: every server of a large tree has a listen line.
  for (const use of index.usesNamed('listen')) if (someArgEquals(use.directive, 0, TLS_LISTEN_WORDS)) mark(use);
  for (const use of index.usesNamed('ssl')) if (use.directive.args[0]?.value.toLowerCase() === 'on') mark(use);
  for (const use of index.usesNamed('starttls')) {
    const state = use.directive.args[0]?.value.toLowerCase();
    if (state === 'only' || (state === 'on' && !onlyOpportunisticSmtp(index, use.level))) mark(use);
  }
  return servers;
}

/**
 * Whether `starttls on` at this level (a mail server, or the mail block its servers inherit it
 * from) offers TLS only to other mail servers on port 25. There TLS is opportunistic: a man in the
 * middle deletes the STARTTLS capability and the sender goes on in plaintext (RFC 3207 section 6),
 * which a public SMTP server must accept (section 4), so a weak version adds no downgrade. A
 * server that also listens on another port (587: submission, whose clients insist on TLS), says
 * another `protocol`, or whose listen cannot be read is judged.
 */
function onlyOpportunisticSmtp(index: NginxDirectiveIndex, level: DirectiveLevel): boolean {
  if (level.contexts.includes('mail_server')) return smtpOnPort25(level);
  if (!level.contexts.includes('mail')) return false;
  // The mail block's servers that inherit it: those with a listen of their own and no starttls.
  const servers = new Set<DirectiveLevel>();
  for (const listen of index.usesNamed('listen')) if (listen.level.owner?.level === level) servers.add(listen.level);
  const inheriting = [...servers].filter((server) => !server.uses.some((use) => use.directive.name === 'starttls'));
  return inheriting.length > 0 && inheriting.every(smtpOnPort25);
}

/** A mail server whose every listen is port 25 and whose protocol is SMTP (named, or nginx's pick for port 25). */
function smtpOnPort25(server: DirectiveLevel): boolean {
  const uses = server.uses;
  const listens = uses.filter((use) => use.directive.name === 'listen');
  if (listens.length === 0 || !listens.every((use) => listenSocket(use.directive)?.port === 25)) return false;
  // ngx_mail_core_listen takes the protocol from the port when none is named (ngx_mail_smtp_protocol: 25, 465, 587).
  const protocol = uses.find((use) => use.directive.name === 'protocol')?.directive.args[0]?.value.toLowerCase();
  return protocol === undefined || protocol === 'smtp';
}
