/**
 * The Content-Type nginx itself sends when a block answers with `return <code> [text]`.
 *
 * The authority is nginx's source:
 * - src/http/ngx_http_script.c (ngx_http_script_return_code): a code below 400, or one with text,
 *   is sent by ngx_http_send_response with no type of its own;
 * - src/http/ngx_http_core_module.c (ngx_http_send_response → ngx_http_set_content_type): the
 *   type `types` lists for the URI's extension (r->exten), else default_type; with no `types`
 *   anywhere, ngx_http_core_default_types still lists html, gif and jpg;
 * - src/http/modules/ngx_http_charset_filter_module.c (ngx_http_destination_charset): `charset`
 *   other than off appends "; charset=…" to that type (ngx_http_header_filter_module.c).
 */
import type { NginxBlock } from './nginx';
import { locationMatch } from './nginx-location';

export interface ReturnAnswer {
  /** default_type here: the type nginx sends for a URI whose extension `types` does not list. */
  defaultType: string;
  /** Every URI that reaches the block is one without an extension (an exact location), so default_type is the type. */
  extensionless: boolean;
  /** The text holds no variable: nothing of the request is in the body. */
  fixedText: boolean;
}

/** 200, 201 and 206 carry the text and add_header's headers (without `always`); 204 drops nginx's Content-Type. */
const TYPED_STATUS = /^(200|201|206)$/;
/** nginx's default_type when no level sets one (ngx_http_core_merge_loc_conf). */
const DEFAULT_TYPE = 'text/plain';

/**
 * What nginx sends as its own type when this block answers with `return`, when the model can
 * tell: undefined if anything could answer otherwise (a nested block, a `rewrite` or `break`
 * before the return), if `charset` or headers-more may change the type, or if default_type
 * may be set in an http block the tree does not show (conf.d snippets read on their own).
 */
export function returnAnswer(block: NginxBlock): ReturnAnswer | undefined {
  if (block.children.length > 0 || block.own('rewrite').length > 0 || block.own('break').length > 0) return undefined;
  const [code, text] = block.own('return')[0]?.directive.args ?? [];
  if (!code || !TYPED_STATUS.test(code.value)) return undefined;
  const charset = block.inherited('charset')?.entry.directive.args[0]?.value;
  if (charset !== undefined && charset.toLowerCase() !== 'off') return undefined;
  const chain = block.inheritanceChain();
  if (chain.some((level) => level.own('more_set_headers').length > 0 || level.own('more_clear_headers').length > 0)) return undefined;
  const set = block.inherited('default_type')?.entry.directive.args[0]?.value;
  // A snippet's http level is nginx.conf's, which the tree does not show (the stock one sets application/octet-stream).
  const httpWritten = chain[chain.length - 1].node !== undefined;
  const defaultType = set ?? (httpWritten ? DEFAULT_TYPE : undefined);
  if (defaultType === undefined || defaultType.includes('$')) return undefined;
  return { defaultType, extensionless: reachedWithoutExtension(block), fixedText: text === undefined || !text.value.includes('$') };
}

/**
 * The block answers every request that reaches it with `return 204`: ngx_http_header_filter
 * clears nginx's own Content-Type for a 204, so an added Content-Type is the only one sent.
 * False if anything could answer otherwise (a nested block, a `rewrite` or `break`).
 */
export function answersNoContent(block: NginxBlock): boolean {
  if (block.children.length > 0 || block.own('rewrite').length > 0 || block.own('break').length > 0) return false;
  return block.own('return')[0]?.directive.args[0]?.value === '204';
}

/** An exact location whose URI has no "." in its last segment: r->exten is empty for every request it answers. */
function reachedWithoutExtension(block: NginxBlock): boolean {
  const location = block.kind === 'location' ? block : block.enclosing('location');
  const directive = location?.directive;
  const match = directive && locationMatch(directive);
  if (!match || match.kind !== 'exact') return false;
  return !match.pattern.slice(match.pattern.lastIndexOf('/') + 1).includes('.');
}
