/**
 * .cfglint.json: found in the linted directory or a parent (or given with --config), validated
 * against schemas/config.schema.json. Anything wrong with it is a ConfigError: one line, exit 2.
 */
import * as nodePath from 'path';
import type { FileSystem } from '../discovery/fs';
import { decodeUtf8 } from '../source/text';
import type { Severity } from '../source/span';
import { packagePath } from '../source/meta';
import { closest } from '../source/suggest';

export type RuleSetting = 'off' | Severity | { severity?: 'off' | Severity };

export interface CfglintConfig {
  $schema?: string;
  rules?: Record<string, RuleSetting>;
  failOn?: Severity | 'never';
  ignore?: string[];
  /** .gitignore-style pattern (relative to the config file) → the format to read matching files as. */
  files?: Record<string, string>;
  /** Directories that each hold one deployment, relative to the config file; `envs/*` names each directory of envs/. */
  deployments?: string[];
  nginx?: {
    version?: string;
    includeMap?: Record<string, string>;
    /** Third-party modules the nginx build has, e.g. "lua", "headers-more" (or "openresty"). */
    modules?: string[];
    /** Directives of modules cfglint does not know: name → the blocks they are allowed in. */
    extraDirectives?: Record<string, string[]>;
  };
  environment?: { somaxconn?: number; nofile?: number; loadBalancerIdleTimeout?: string };
}

export interface LoadedConfig {
  config: CfglintConfig;
  /** Absolute path of the file, or undefined when none was found. */
  path?: string;
}

export const CONFIG_FILE_NAME = '.cfglint.json';

export class ConfigError extends Error {}

/** Look for .cfglint.json from `startDir` up to the file system root. */
export function findConfigFile(startDir: string, fs: FileSystem): string | undefined {
  for (let dir = startDir; ; dir = nodePath.dirname(dir)) {
    const candidate = nodePath.join(dir, CONFIG_FILE_NAME);
    if (fs.kind(candidate) === 'file') return candidate;
    if (dir === nodePath.dirname(dir)) return undefined;
  }
}

export function loadConfig(path: string, fs: FileSystem): LoadedConfig {
  let text: string;
  try {
    text = decodeUtf8(fs.read(path));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: invalid JSON: ${describeJsonError((error as Error).message, text)}`);
  }
  const problem = validateConfig(data);
  if (problem) throw new ConfigError(`${path}: ${problem}`);
  return { config: data as CfglintConfig, path };
}

/**
 * JSON.parse's message on one line, with line and column: V8 quotes the whole input in some
 * messages (`Unexpected token 'x', "{\n  …" is not valid JSON`), which would break the one-line rule.
 */
function describeJsonError(message: string, text: string): string {
  let out = message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '').replace(/\s*\n\s*/g, ' ');
  const position = /at position (\d+)/.exec(out);
  if (position && !/\bline \d+/.test(out)) {
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    out = out.replace(/at position \d+/, `at line ${line}, column ${column}`);
  }
  return out;
}

type ConfigValidator = ((data: unknown) => boolean) & { errors?: import('ajv').ErrorObject[] | null };
let compiledValidator: ConfigValidator | undefined;

/** The first schema violation as "<json path> <what is wrong>", or undefined when valid. */
export function validateConfig(data: unknown): string | undefined {
  if (!compiledValidator) {
    // Loaded on demand: ajv and the schema cost start-up time that a run without a config saves.
    const Ajv = require('ajv').default as typeof import('ajv').default;
    const schema = require(packagePath('schemas', 'config.schema.json'));
    compiledValidator = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true }).compile(schema);
  }
  const validate = compiledValidator;
  if (validate(data)) return undefined;
  // The most specific error wins: the deepest path; oneOf and propertyNames only repeat what
  // their branches said.
  let best: { path: string[]; text: string } | undefined;
  for (const error of validate.errors ?? []) {
    if (error.keyword === 'oneOf' || error.keyword === 'propertyNames') continue;
    const path = error.instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
    let text = error.message ?? 'is invalid';
    if (error.keyword === 'additionalProperties') {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const suggestion = closest(key, known);
      path.push(key);
      text = `is not a known key${suggestion ? `; did you mean "${suggestion}"?` : known.length > 0 ? ` (expected one of: ${known.join(', ')})` : ''}`;
    } else if (error.propertyName !== undefined) {
      path.push(error.propertyName);
      text = `key ${text}`;
    } else if (error.keyword === 'enum') {
      text += ` (${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')})`;
    }
    if (!best || path.length > best.path.length) best = { path, text };
  }
  if (!best) return 'is invalid';
  return `${formatJsonPath(best.path)} ${best.text}`;
}

/**
 * The formats a `files` mapping names must be ones cfglint reads: a misspelt name would leave the
 * files unread without a word. A ConfigError with a did-you-mean otherwise.
 */
export function checkFileFormats(config: CfglintConfig, where: string, formats: readonly string[]): void {
  for (const [pattern, format] of Object.entries(config.files ?? {})) {
    if (formats.includes(format)) continue;
    const suggestion = closest(format, [...formats]);
    throw new ConfigError(`${where}: ${formatJsonPath(['files', pattern])} names the format ${JSON.stringify(format)}, which cfglint does not read` +
      (suggestion ? `; did you mean "${suggestion}"?` : ` (expected one of: ${formats.join(', ')})`));
  }
}

/** `rules.upstream-keepalive-http10.severity`, `ignore[0]`, `nginx.includeMap["/etc/nginx"]`; `(root)` for none. */
export function formatJsonPath(path: string[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : /^[A-Za-z_$][\w$-]*$/.test(part) ? (i === 0 ? part : `.${part}`) : `[${JSON.stringify(part)}]`))
    .join('');
}

