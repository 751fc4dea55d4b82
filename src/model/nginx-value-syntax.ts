/**
 * Which argument of which nginx directive has which value syntax, and what it means in
 * canonical units. Shared by the model (settings with values) and by invalid-value.
 */
import type { Unit } from '../source/setting';
import { parseNginxNumber, parseNginxSize, parseNginxTime } from './nginx-values';

export type ValueSyntax = 'msec' | 'sec' | 'size' | 'offset' | 'number' | 'http-version';

/** `[argument index, syntax]` pairs per directive; only directives whose syntax is certain. */
export const VALUE_SYNTAX: Record<string, [number, ValueSyntax][]> = {
  keepalive_timeout: [
    [0, 'msec'],
    [1, 'sec'],
  ],
  keepalive_requests: [[0, 'number']],
  keepalive_time: [[0, 'msec']],
  keepalive: [[0, 'number']],
  client_max_body_size: [[0, 'offset']],
  client_body_buffer_size: [[0, 'size']],
  client_header_buffer_size: [[0, 'size']],
  client_body_timeout: [[0, 'msec']],
  client_header_timeout: [[0, 'msec']],
  send_timeout: [[0, 'msec']],
  proxy_http_version: [[0, 'http-version']],
  worker_connections: [[0, 'number']],
  worker_rlimit_nofile: [[0, 'number']],
};
for (const module of ['proxy', 'uwsgi', 'fastcgi', 'grpc', 'scgi']) {
  VALUE_SYNTAX[`${module}_read_timeout`] = [[0, 'msec']];
  VALUE_SYNTAX[`${module}_send_timeout`] = [[0, 'msec']];
  VALUE_SYNTAX[`${module}_connect_timeout`] = [[0, 'msec']];
  VALUE_SYNTAX[`${module}_buffer_size`] = [[0, 'size']];
  VALUE_SYNTAX[`${module}_busy_buffers_size`] = [[0, 'size']];
  VALUE_SYNTAX[`${module}_max_temp_file_size`] = [[0, 'offset']];
}

export const UNIT_OF: Record<ValueSyntax, Unit> = {
  msec: 'ms',
  sec: 'ms',
  size: 'bytes',
  offset: 'bytes',
  number: 'count',
  'http-version': 'text',
};

/** Milliseconds, bytes, a count, or the version text; undefined when nginx rejects the text. */
export function parseNginxValue(syntax: ValueSyntax, text: string): number | string | undefined {
  switch (syntax) {
    case 'msec':
    case 'sec':
      return parseNginxTime(text, syntax);
    case 'size':
      return parseNginxSize(text);
    case 'offset':
      return parseNginxSize(text, true);
    case 'number':
      return parseNginxNumber(text);
    case 'http-version':
      return text === '1.0' || text === '1.1' || text === '2' ? text : undefined;
  }
}
