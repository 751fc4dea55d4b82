/**
 * Whether a text has an INI section header line (`[program:app]`, `[Unit]`, `[uwsgi]`): nginx
 * configs never do, so classification and the nginx look-alike check both ask.
 */
const INI_SECTION = /^[ \t]*\[[^\]\n]+\][ \t]*\r?$/m;

export function hasIniSectionHeader(text: string): boolean {
  // The regex tries every position of the text; a header needs a `[` with only blanks before it
  // on its line, and nginx files have few `[` at all (IPv6 listens, regex classes), so those are
  // looked at first. Line starts as the regex's `^` sees them: after \n, \r, U+2028 or U+2029.
  for (let at = text.indexOf('['); at !== -1; at = text.indexOf('[', at + 1)) {
    let before = at - 1;
    while (before >= 0 && (text.charCodeAt(before) === 32 || text.charCodeAt(before) === 9)) before--;
    const code = before < 0 ? 10 : text.charCodeAt(before);
    if (code === 10 || code === 13 || code === 0x2028 || code === 0x2029) return INI_SECTION.test(text);
  }
  return false;
}
