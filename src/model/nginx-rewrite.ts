/**
 * How nginx compiles the replacement of a `rewrite`: whether it redirects, which `$1`..`$9` it
 * escapes, and whether it sizes the result from the regex match alone.
 *
 * The authority is nginx's source:
 * - src/http/modules/ngx_http_rewrite_module.c (ngx_http_rewrite): a trailing `?` is dropped
 *   before anything else; a replacement starting with `http://`, `https://` or `$scheme`, or the
 *   `redirect`/`permanent` flag, makes a redirect; without one the replacement is compiled with
 *   arguments (`compile_args`); the result's length codes are dropped (`lengths = NULL`) when
 *   the replacement holds no variable and no capture twice.
 * - src/http/ngx_http_script.c: ngx_http_script_compile takes `$1`..`$9` as captures and every
 *   other `$name` or `${name}` (`${1}` too) as a variable; the first `?` of a non-redirect
 *   starts the arguments (ngx_http_script_start_args_code sets is_args); a capture copied while
 *   is_args or quote (redirect) is set is escaped with NGX_ESCAPE_ARGS
 *   (ngx_http_script_copy_capture_code).
 */
import type { NginxDirective } from '../readers/nginx';
import { valueParts } from './nginx-variables';

export interface RewriteCapture {
  /** The N of `$N`. */
  index: number;
  /** [start, end) in the replacement argument's value. */
  start: number;
  end: number;
  /** nginx escapes this capture when it copies it (redirect, or after the arguments start). */
  escaped: boolean;
}

export interface RewriteReplacement {
  redirect: boolean;
  /** The captures written, in order. */
  captures: RewriteCapture[];
  /**
   * The buffer is sized from the match (the regex's groups once each, plus the URI's escaping
   * once) rather than by running the length codes: no variable and no capture written twice.
   */
  sizedFromMatch: boolean;
}

const REDIRECT_PREFIXES = ['http://', 'https://', '$scheme'];

/** Undefined for a rewrite without a replacement, or one whose text only a template knows. */
export function rewriteReplacement(directive: NginxDirective): RewriteReplacement | undefined {
  const replacement = directive.args[1]?.value;
  if (!replacement) return undefined;
  const flag = directive.args[2]?.value;
  // ngx_http_rewrite drops the last `?` before it looks at the prefix or compiles anything.
  const compiled = replacement.endsWith('?') ? replacement.slice(0, -1) : replacement;
  const redirect = flag === 'redirect' || flag === 'permanent' || REDIRECT_PREFIXES.some((prefix) => compiled.startsWith(prefix));
  const captures: RewriteCapture[] = [];
  const seen = new Set<number>();
  let sizedFromMatch = true;
  let inArgs = false;
  for (const part of valueParts(compiled)) {
    if (part.kind === 'template') return undefined;
    if (part.kind === 'text') {
      if (!redirect && part.text.includes('?')) inArgs = true;
      continue;
    }
    // `${1}` is a variable named "1" to ngx_http_script_compile, not a capture.
    if (part.kind === 'variable' || compiled[part.start + 1] === '{') {
      sizedFromMatch = false;
      continue;
    }
    if (seen.has(part.index)) sizedFromMatch = false;
    seen.add(part.index);
    captures.push({ index: part.index, start: part.start, end: part.end, escaped: redirect || inArgs });
  }
  return { redirect, captures, sizedFromMatch };
}
