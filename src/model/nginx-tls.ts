/**
 * Where nginx serves TLS: a server with `listen … ssl` (or `quic`), or the older `ssl on`
 * (mail's `starttls on|only` too). The server-side `ssl_protocols` and `ssl_ciphers` matter only
 * at a level that holds such a server: Debian's stock nginx.conf sets `ssl_protocols TLSv1
 * TLSv1.1 TLSv1.2` in `http` whether or not any site uses TLS.
 */
import { someArgEquals } from '../readers/nginx/parse';
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
  for (const use of index.usesNamed('starttls')) if (['on', 'only'].includes(use.directive.args[0]?.value.toLowerCase() ?? '')) mark(use);
  return serving;
}
