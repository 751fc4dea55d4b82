/**
 * What nginx admits from a client before it passes a request on: the request-line and header
 * buffers (`large_client_header_buffers number size`, two arguments, which `NginxBlock.setting`
 * does not read) and the body limit (`client_max_body_size`). Cross-file rules compare them with
 * the backend's own limits (docs/servers/nginx.md#large_client_header_buffers, docs/servers/nginx.md#client_max_body_size).
 */
import type { Span } from '../source/span';
import type { ValueSource } from '../source/setting';
import type { NginxBlock, UpstreamPass } from './nginx';
import { parseNginxNumber, parseNginxSize } from './nginx-values';

const CORE_DOC = 'https://nginx.org/en/docs/http/ngx_http_core_module.html';

export interface HeaderBuffers {
  /** How many large buffers a connection may use (`4`). */
  number: number;
  /** The size of one buffer in bytes (`8k` = 8192): the longest request line, the longest header line. */
  size: number;
  /** As written (`4 8k`), or the default's text. */
  text: string;
  source: ValueSource;
  /** The size argument (the one to change), when set in a file. */
  sizeSpan?: Span;
  /** The block that sets it (`server`, `http`), when set in a file. */
  block?: NginxBlock;
}

/** The server block a pass belongs to (the location's enclosing server), or the location itself when it has none. */
export function serverOfPass(pass: UpstreamPass): NginxBlock {
  return pass.location.kind === 'server' ? pass.location : (pass.location.enclosing('server') ?? pass.location);
}

/**
 * `large_client_header_buffers` as it applies to a server: the server's own value, else the
 * http level's, else the default `4 8k` (docs/servers/nginx.md#large_client_header_buffers). undefined when the value is a
 * variable or nginx would reject it (then nginx does not start, and other rules say so).
 */
export function largeClientHeaderBuffers(server: NginxBlock): HeaderBuffers | undefined {
  const found = server.inherited('large_client_header_buffers');
  // ingress-nginx's own default is nginx's (docs/servers/ingress-nginx.md).
  if (!found || (found.entry.generated?.kind === 'default' && found.entry.directive.args.map((arg) => arg.value).join(' ') === '4 8k')) {
    return { number: 4, size: 8192, text: '4 8k', source: { kind: 'default', reference: `${CORE_DOC}#large_client_header_buffers` } };
  }
  const args = found.entry.directive.args;
  if (args.length !== 2) return undefined;
  const number = parseNginxNumber(args[0].value);
  const size = parseNginxSize(args[1].value);
  if (number === undefined || size === undefined || number < 1 || size < 1) return undefined;
  return {
    number,
    size,
    text: `${args[0].value} ${args[1].value}`,
    source: { kind: 'file', span: found.entry.directive.span, via: found.entry.via.map((d) => d.span) },
    sizeSpan: args[1].span,
    block: found.block,
  };
}

export interface BodyLimit {
  /** Bytes; Infinity for `0` (no limit). */
  bytes: number;
  text: string;
  /** The argument. */
  span: Span;
  block: NginxBlock;
}

/**
 * An explicit `client_max_body_size` for the requests of a pass (location, server or http
 * level); undefined when the tree keeps nginx's 1m default or the value is not a size.
 */
export function explicitClientMaxBodySize(pass: UpstreamPass): BodyLimit | undefined {
  const found = pass.location.inherited('client_max_body_size');
  const arg = found?.entry.directive.args[0];
  // ingress-nginx's default proxy-body-size is nginx's 1m.
  if (!found || !arg || found.entry.generated?.kind === 'default') return undefined;
  const bytes = parseNginxSize(arg.value, true);
  if (bytes === undefined) return undefined;
  return { bytes: bytes === 0 ? Infinity : bytes, text: arg.value, span: arg.span, block: found.block };
}

/** Bytes as nginx writes a size: `8k`, `1m`, `1g`, or a plain number of bytes (`4094`). */
export function formatNginxSize(bytes: number): string {
  for (const [unit, factor] of [
    ['g', 1024 ** 3],
    ['m', 1024 ** 2],
    ['k', 1024],
  ] as const) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return String(bytes);
}
