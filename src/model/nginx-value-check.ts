/**
 * Values the model reads must parse the way nginx parses them; anything nginx would reject
 * with `invalid value` is an `invalid-value` finding at the argument. The table says which
 * argument of which directive has which syntax (docs/servers/nginx.md#time-values, nginx's module sources).
 */
import type { ReaderDiagnostic } from '../source/diagnostic';
import type { NginxDirective, ParsedNginxFile } from '../readers/nginx';
import { argValueOf } from '../readers/nginx/parse';
import { parseNginxValue, ValueSyntax as Syntax, VALUE_SYNTAX } from './nginx-value-syntax';
import { compareVersions, describeRange, formatVersion, UNKNOWN_VERSION, Version, VersionRange } from '../reference/nginx/version';

const EXPECTED: Record<Syntax, string> = {
  msec: 'a time such as 500ms, 30s, 5m or "1m 30s" (units ms s m h d w; no fractions)',
  sec: 'a time in seconds such as 30s or 5m (no ms, no fractions)',
  size: 'a size such as 8k or 1m (units k and m only; no fractions, no "kb")',
  offset: 'a size such as 10m or 1g (units k, m and g; no fractions, no "mb")',
  number: 'a whole number',
  'http-version': '1.0, 1.1 or 2',
};

/** nginx's own words for the value, per the slot function that parses it (checked with nginx -t 1.22.1). */
function nginxSays(directive: string, value: string, syntax: Syntax): string {
  if (directive === 'keepalive') return `invalid value "${value}" in "keepalive" directive`;
  if (syntax === 'http-version') return `invalid value "${value}"`;
  if (syntax === 'number') return `"${directive}" directive invalid number`;
  return `"${directive}" directive invalid value`;
}

/**
 * Values valid only from some release on: `keepalive 0` (disables the 1.29.7 default; an error
 * before) and `proxy_http_version 2` (since 1.29.4). docs/servers/nginx.md#upstream-keepalive-default.
 */
const VALID_SINCE: { directive: string; value: string; since: Version }[] = [
  { directive: 'keepalive', value: '0', since: [1, 29, 7] },
  { directive: 'proxy_http_version', value: '2', since: [1, 29, 4] },
];

/** The VALID_SINCE entry of this value, if any: a loop, not find() with a closure made per value checked. */
function validSince(directive: string, value: string): { since: Version } | undefined {
  for (let i = 0; i < VALID_SINCE.length; i++) if (VALID_SINCE[i].directive === directive && VALID_SINCE[i].value === value) return VALID_SINCE[i];
  return undefined;
}

/**
 * The table as a Map: a directive named `constructor` or `toString` must not find Object's own
 * properties (it did, and crashed the run), and most names are not in it, which a Map answers
 * faster than a dictionary-mode object.
 */
const SYNTAX_BY_DIRECTIVE = new Map(Object.entries(VALUE_SYNTAX));

/** `versionsAt` is the releases that run a directive (asked only where a release decides whether its value is valid). */
export function checkNginxValues(
  files: Iterable<ParsedNginxFile>,
  versionsAt: (directive: NginxDirective) => VersionRange = () => UNKNOWN_VERSION.range,
): ReaderDiagnostic[] {
  const diagnostics: ReaderDiagnostic[] = [];
  // Whether a value parses depends on its syntax and text only: a large tree writes the same few
  // values (`30s`, `1.1`, `16`) thousands of times.
  const invalidBySyntax = new Map<Syntax, Map<string, boolean>>();
  const isInvalid = (syntax: Syntax, value: string): boolean => {
    let bySyntax = invalidBySyntax.get(syntax);
    if (!bySyntax) invalidBySyntax.set(syntax, (bySyntax = new Map()));
    let invalid = bySyntax.get(value);
    if (invalid === undefined) {
      invalid = parseNginxValue(syntax, value) === undefined;
      if (bySyntax.size > 10000) bySyntax.clear();
      bySyntax.set(value, invalid);
    }
    return invalid;
  };
  const visit = (directives: NginxDirective[], parent: string | undefined) => {
    for (let i = 0; i < directives.length; i++) {
      const directive = directives[i];
      const syntaxes = SYNTAX_BY_DIRECTIVE.get(directive.name);
      // `keepalive` is a number only inside upstream{}; elsewhere it is not this directive.
      if (syntaxes && (directive.name !== 'keepalive' || parent === 'upstream')) checkValues(directive, syntaxes);
      if (directive.block) visit(directive.block, directive.name);
    }
  };
  const checkValues = (directive: NginxDirective, syntaxes: [number, Syntax][]) => {
    for (let k = 0; k < syntaxes.length; k++) {
      // Read by position: destructuring an array steps an iterator in code that is not optimised.
      const index = syntaxes[k][0];
      const syntax = syntaxes[k][1];
      // The value alone: the argument object (and its span) is built only for a finding.
      const value = argValueOf(directive, index);
      if (value === undefined || value.includes('$')) continue;
      const invalid = isInvalid(syntax, value);
      const newer = validSince(directive.name, value);
      if (newer) {
        // Invalid only on releases before `since`: an error when the tree runs none newer.
        const versions = versionsAt(directive);
        if (compareVersions(versions.min, newer.since) >= 0) continue;
        const older = { min: versions.min, max: [newer.since[0], newer.since[1], newer.since[2] - 1] as Version };
        const onlyOlder = compareVersions(versions.max, newer.since) < 0;
        diagnostics.push({
          ruleId: 'invalid-value',
          message: `Invalid value "${value}" in "${directive.name}" on ${describeRange(onlyOlder ? versions : older)}`,
          help: `nginx refuses to start (${nginxSays(directive.name, value, syntax)}); it is accepted since ${formatVersion(newer.since)}`,
          primary: directive.args[index].span,
          related: [],
          severity: onlyOlder ? undefined : 'warning',
        });
        continue;
      }
      if (!invalid) continue;
      diagnostics.push({
        ruleId: 'invalid-value',
        message: `Invalid value "${value}" in "${directive.name}"`,
        help: `nginx refuses to start (${nginxSays(directive.name, value, syntax)}); expected ${EXPECTED[syntax]}`,
        primary: directive.args[index].span,
        related: [],
      });
    }
  };
  for (const file of files) visit(file.directives, undefined);
  return diagnostics;
}
