/**
 * Files that look like nginx by name (`default`, `*.conf`, `conf.d/`) but are another server's:
 * FreeRADIUS (`server default { authorize { … } }`), ISC dhcpd (`subnet … { range …; }`), bind
 * (`zone "x" { type master; };`), HOCON (`jicofo { enabled = true }`), supervisor, Apache,
 * HAProxy, Lua; and a symbolic link checked out as a text file (`../sites-available/shop`). nginx would refuse each on its first line; read as nginx, each gives a syntax
 * error per line. A file reads like nginx when most of its directive names are nginx's (any
 * module cfglint knows of) and its lines are not `key = value`.
 */
import { isUnknownValue } from '../../discovery/template';
import { hasIniSectionHeader } from '../../discovery/ini-section';
import { REFERENCE_DIRECTIVES } from '../../reference/nginx/directives.generated';
import { THIRD_PARTY_DIRECTIVES } from '../../reference/nginx/third-party-directives';
import { DATA_BLOCKS } from '../../reference/nginx/directives';
import { argValueOf, isLuaBlockDirective, NginxDirective, ParsedNginxFile } from './parse';

let knownNames: Set<string> | undefined;
function nginxNames(): Set<string> {
  if (!knownNames) {
    knownNames = new Set(REFERENCE_DIRECTIVES.map((row) => row[0]));
    for (const rows of Object.values(THIRD_PARTY_DIRECTIVES)) for (const row of rows) knownNames.add(row[0]);
  }
  return knownNames;
}

/** Enough directives to judge; the first ones decide, as they decide for a reader. */
const SAMPLE = 400;
/** A lead this large settles it (most files are settled within their first directives). */
const DECISIVE_LEAD = 20;
/** Fewer directives than this are too little to call a file something else: it stays nginx. */
const MINIMUM = 3;

export function readsLikeNginx(parsed: ParsedNginxFile): boolean {
  // The head: a section header comes first.
  const head = parsed.source.text.slice(0, 8192);
  if (hasIniSectionHeader(head)) return false;
  const names = nginxNames();
  let known = 0;
  let other = 0;
  const visit = (directives: NginxDirective[]) => {
    for (const directive of directives) {
      if (known + other >= SAMPLE || Math.abs(known - other) >= DECISIVE_LEAD) return;
      const name = directive.name;
      if (isUnknownValue(name)) continue;
      if (names.has(name) && argValueOf(directive, 0) !== '=') known++;
      else other++;
      if (directive.block && !DATA_BLOCKS.has(name) && !isLuaBlockDirective(name)) visit(directive.block);
    }
  };
  visit(parsed.directives);
  if (known + other >= MINIMUM) return known >= other;
  // Too few directives to count: Apache's and HAProxy's lines, which never end in `;`, make one
  // long directive. A short file is nginx when its first name is, or when its lines end as nginx's do.
  const first = parsed.directives[0];
  return !first || isUnknownValue(first.name) || names.has(first.name) || linesEndLikeNginx(head);
}

function linesEndLikeNginx(text: string): boolean {
  for (const line of text.split('\n')) {
    const content = line.trim();
    if (content === '' || content.startsWith('#')) continue;
    if (!/[;{}]$/.test(content.replace(/\s+#.*$/, ''))) return false;
  }
  return true;
}
