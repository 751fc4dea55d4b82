/**
 * Where nginx serves TLS: a server with `listen … ssl` (or `quic`), or the older `ssl on`
 * (mail's `starttls on|only` too, but not opportunistic STARTTLS on SMTP's port 25). The server-side `ssl_protocols` and `ssl_ciphers` matter only
 * at a level that holds such a server: Debian's stock nginx.conf sets `ssl_protocols TLSv1
 * TLSv1.1 TLSv1.2` in `http` whether or not any site uses TLS.
 */
import { someArgEquals } from '../readers/nginx/parse';
import { listenSocket } from './nginx-listen';
import type { DirectiveLevel, DirectiveUse, NginxDirectiveIndex } from './nginx-directives';

const TLS_LISTEN_WORDS = ['ssl', 'quic'];

/**
 * A test of whether a level, or a block below it, holds a server that speaks TLS. The servers
 * are looked for on the first question: most trees never ask (no ssl_protocols or ssl_ciphers).
 */
export function tlsServedUnder(index: NginxDirectiveIndex): (level: DirectiveLevel) => boolean {
  let serving: Set<DirectiveLevel> | undefined;
  return (level) => (serving ??= levelsServingTls(index)).has(level);
}

function levelsServingTls(index: NginxDirectiveIndex): Set<DirectiveLevel> {
  const serving = new Set<DirectiveLevel>();
  const mark = (use: DirectiveUse) => {
    // Stops at a level already marked: its ancestors are marked with it.
    for (let level: DirectiveLevel | undefined = use.level; level && !serving.has(level); level = level.owner?.level) serving.add(level);
  };
  // Compared in the text: every server of a large tree has a listen line.
  for (const use of index.usesNamed('listen')) if (someArgEquals(use.directive, 0, TLS_LISTEN_WORDS)) mark(use);
  for (const use of index.usesNamed('ssl')) if (use.directive.args[0]?.value.toLowerCase() === 'on') mark(use);
  for (const use of index.usesNamed('starttls')) {
    const state = use.directive.args[0]?.value.toLowerCase();
    if (state === 'only' || (state === 'on' && !onlyOpportunisticSmtp(index, use.level))) mark(use);
  }
  return serving;
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
