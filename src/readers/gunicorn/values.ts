/**
 * Gunicorn's validators (20.1.0 gunicorn/config.py) for the settings cfglint models, applied to a
 * value from a config file (a Python value) or from a command line (argparse has already applied
 * the flag's `type`). A value gunicorn rejects (it exits at start-up) has no value here.
 */
import type { Unit } from '../../source/setting';
import { gunicornAutoInt, pythonIntBase0 } from './args';
import { pythonIntBase10 } from '../kit/python/values';
import type { PyValue } from '../kit/python/values';

export interface CanonicalSpec {
  unit: Unit;
  /** Seconds in the config, milliseconds in the model. */
  scale?: number;
  kind: 'pos_int' | 'list_string' | 'class' | 'user' | 'string';
  /** The documented default, in the setting's own units (undefined: decided at run time). */
  defaultText: string;
  defaultValue: number | string | undefined;
  reference: string;
}

const REF = (setting: string, line: string) => `docs/servers/gunicorn.md#${setting} (gunicorn 20.1.0 config.py:${line})`;

/** The settings cfglint models, with their defaults (docs/servers/gunicorn.md; identical in 20.1.0 and 26.1.0). */
export const CANONICAL: Record<string, CanonicalSpec> = {
  bind: { unit: 'text', kind: 'list_string', defaultText: '127.0.0.1:8000', defaultValue: '127.0.0.1:8000', reference: REF('bind', '582-589') },
  workers: { unit: 'count', kind: 'pos_int', defaultText: '1', defaultValue: 1, reference: REF('workers', '636-640') },
  worker_class: { unit: 'text', kind: 'class', defaultText: 'sync', defaultValue: 'sync', reference: REF('worker_class', '657-660') },
  threads: { unit: 'count', kind: 'pos_int', defaultText: '1', defaultValue: 1, reference: REF('threads', '691-695') },
  timeout: { unit: 'ms', scale: 1000, kind: 'pos_int', defaultText: '30', defaultValue: 30, reference: REF('timeout', '773-777') },
  keepalive: { unit: 'ms', scale: 1000, kind: 'pos_int', defaultText: '2', defaultValue: 2, reference: REF('keepalive', '809-829') },
  backlog: { unit: 'count', kind: 'pos_int', defaultText: '2048', defaultValue: 2048, reference: REF('backlog', '616-620') },
  limit_request_line: { unit: 'bytes', kind: 'pos_int', defaultText: '4094', defaultValue: 4094, reference: REF('limit_request_line', '834-838') },
  limit_request_field_size: { unit: 'bytes', kind: 'pos_int', defaultText: '8190', defaultValue: 8190, reference: REF('limit_request_field_size', '876-880') },
  limit_request_fields: { unit: 'count', kind: 'pos_int', defaultText: '100', defaultValue: 100, reference: REF('limit_request_fields', '858-862') },
  max_requests: { unit: 'count', kind: 'pos_int', defaultText: '0', defaultValue: 0, reference: REF('max_requests', '734-738') },
  graceful_timeout: { unit: 'ms', scale: 1000, kind: 'pos_int', defaultText: '30', defaultValue: 30, reference: REF('graceful_timeout', '795-799') },
  // Not in docs/servers/gunicorn.md: read from 20.1.0 config.py directly.
  user: {
    unit: 'text',
    kind: 'user',
    defaultText: 'the user that starts gunicorn',
    defaultValue: undefined,
    reference: 'gunicorn 20.1.0 config.py:1141-1155 (default os.geteuid())',
  },
  group: {
    unit: 'text',
    kind: 'user',
    defaultText: 'the group that starts gunicorn',
    defaultValue: undefined,
    reference: 'gunicorn 20.1.0 config.py:1157-1171 (default os.getegid())',
  },
  umask: { unit: 'count', kind: 'pos_int', defaultText: '0', defaultValue: 0, reference: 'gunicorn 20.1.0 config.py:1173-1190 (default 0)' },
  // Not canonical settings of the model, but they decide the listener's protocol (is_ssl).
  certfile: { unit: 'text', kind: 'string', defaultText: 'None', defaultValue: undefined, reference: 'gunicorn 20.1.0 config.py (CertFile, default None)' },
  keyfile: { unit: 'text', kind: 'string', defaultText: 'None', defaultValue: undefined, reference: 'gunicorn 20.1.0 config.py (KeyFile, default None)' },
  // Not settings of the model either: together they decide whether gunicorn answers `Upgrade: h2c`
  // (gunicorn/http2/negotiation.py upgrade_allowed: `http2_cleartext` "upgrade" or "both", and "h2" in `http_protocols`).
  http_protocols: { unit: 'text', kind: 'string', defaultText: 'h1', defaultValue: 'h1', reference: 'gunicorn 25.0.0 config.py (HttpProtocols, default "h1")' },
  http2_cleartext: {
    unit: 'text',
    kind: 'string',
    defaultText: 'off',
    defaultValue: 'off',
    reference: 'gunicorn config.py on main after 26.1.0 (Http2Cleartext, default "off")',
  },
  // Where a relative `unix:` bind lands: gunicorn chdirs (app/wsgiapp.py load_config) before the arbiter binds.
  chdir: {
    unit: 'text',
    kind: 'string',
    defaultText: 'the working directory',
    defaultValue: undefined,
    reference: 'gunicorn 20.1.0 config.py (ChdirPath, default util.getcwd())',
  },
};

export type Converted = { ok: true; value: number | string | string[] | undefined } | { ok: false; reason: string };

/** validate_* of the setting applied to a config-file value. */
export function fromPython(kind: CanonicalSpec['kind'], value: PyValue): Converted {
  const bad = (reason: string): Converted => ({ ok: false, reason });
  switch (kind) {
    case 'pos_int': {
      // validate_pos_int: ints (and bools) as they are, strings through int(s, 0), never negative.
      let n: number | undefined;
      if (value.type === 'int') n = value.value;
      else if (value.type === 'bool') n = value.value ? 1 : 0;
      else if (value.type === 'str') {
        n = pythonIntBase0(value.value);
        if (n === undefined) return bad(`gunicorn rejects it: invalid literal for int() with base 0: '${value.value}'`);
      } else return bad(`gunicorn rejects a ${value.type} here (it expects an integer)`);
      return n < 0 ? bad(`gunicorn rejects it: Value must be positive: ${n}`) : { ok: true, value: n };
    }
    case 'list_string': {
      // validate_list_string: a falsy value is [], a string is [string], items must be strings.
      if (value.type === 'none' || (value.type === 'str' && value.value === '')) return { ok: true, value: [] };
      if (value.type === 'str') return { ok: true, value: [value.value.trim()] };
      if (value.type === 'list' || value.type === 'tuple') {
        const items: string[] = [];
        for (const item of value.items) {
          if (item.value.type !== 'str') return bad(`gunicorn rejects it: Not a string: an item of type ${item.value.type}`);
          items.push(item.value.value.trim());
        }
        return { ok: true, value: items };
      }
      return bad(`gunicorn rejects a ${value.type} here (it expects a string or a list of strings)`);
    }
    case 'class':
    case 'string':
      if (value.type === 'str') return { ok: true, value: value.value.trim() };
      if (value.type === 'none') return { ok: true, value: undefined };
      if (kind === 'class' && value.type === 'class') return bad('a class object, not a name');
      return bad(`gunicorn rejects a ${value.type} here (it expects a string)`);
    case 'user':
      // validate_user/validate_group: None means "whoever starts gunicorn".
      if (value.type === 'none') return { ok: true, value: undefined };
      if (value.type === 'int') return { ok: true, value: String(value.value) };
      if (value.type === 'str') return { ok: true, value: /^\d+$/.test(value.value) ? String(Number(value.value)) : value.value };
      return bad(`gunicorn rejects a ${value.type} here`);
  }
}

/** argparse's `type` then the validator, for one command-line value. */
export function fromCli(kind: CanonicalSpec['kind'], name: string, text: string): Converted {
  switch (kind) {
    case 'pos_int': {
      const n = name === 'umask' ? gunicornAutoInt(text) : pythonIntBase10(text);
      if (n === undefined) return { ok: false, reason: `gunicorn rejects it: invalid int value: '${text}'` };
      return n < 0 ? { ok: false, reason: `gunicorn rejects it: Value must be positive: ${n}` } : { ok: true, value: n };
    }
    case 'list_string':
      return { ok: true, value: [text.trim()] };
    case 'class':
    case 'string':
      return { ok: true, value: text.trim() };
    case 'user':
      return { ok: true, value: /^\d+$/.test(text) ? String(Number(text)) : text };
  }
}
