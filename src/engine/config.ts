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
import { messageOf } from '../source/thrown';

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
  /** What the schema finds wrong with it; the config may be used only when there is none. */
  problems: string[];
}

export const CONFIG_FILE_NAME = '.cfglint.json';

/** The severity a rule reports at under this config: its `rules` entry, else the rule's own default. */
export function configuredSeverity(config: CfglintConfig, id: string, fallback: Severity): Severity | 'off' {
  const setting: RuleSetting | undefined = config.rules?.[id];
  if (setting === undefined) return fallback;
  const value = typeof setting === 'string' ? setting : setting.severity;
  return value ?? fallback;
}

export class ConfigError extends Error {}

/**
 * Every problem of one configuration in one ConfigError, so a user fixes them in one go rather
 * than one run each; still one line, as every usage error is.
 */
export function configError(where: string, problems: string[]): ConfigError {
  if (problems.length === 1) return new ConfigError(`${where}: ${problems[0]}`);
  return new ConfigError(`${where}: ${problems.length} problems: ${problems.map((problem, i) => `(${i + 1}) ${problem}`).join(' ')}`);
}

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
    throw new ConfigError(messageOf(error));
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: invalid JSON: ${describeJsonError(messageOf(error), text)}`);
  }
  return { config: data as CfglintConfig, path, problems: configProblems(data) };
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
let configValidator: ConfigValidator | undefined;

/** Ajv's options for the config schema, the same for the build's generated validator and for compiling one here. */
export const CONFIG_SCHEMA_AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, verbose: true } as const;

/**
 * Where `npm run build` writes Ajv's standalone code for the schema (scripts/build-cli.js), in the
 * package: the same file for the bundle, dist/src and the sources. It exports the validator, and
 * as `schemaJson` the schema it was generated from.
 */
export const GENERATED_VALIDATOR = ['dist', 'src', 'engine', 'config-validator.js'] as const;

/** The build's validator when it was generated from this very schema, else undefined (none built, or built before the schema changed). */
export function generatedConfigValidator(schema: unknown, load = () => require(packagePath(...GENERATED_VALIDATOR)) as unknown): ConfigValidator | undefined {
  let generated: unknown;
  try {
    generated = load();
  } catch {
    return undefined;
  }
  if (typeof generated !== 'function' || (generated as { schemaJson?: unknown }).schemaJson !== JSON.stringify(schema)) return undefined;
  return generated as ConfigValidator;
}

/** The schema compiled by Ajv here: ~60 ms, what the generated validator saves. */
export function compiledConfigValidator(schema: unknown): ConfigValidator {
  const Ajv = require('ajv').default as typeof import('ajv').default;
  return new Ajv(CONFIG_SCHEMA_AJV_OPTIONS).compile(schema as object);
}

/** Every schema violation as "<json path> <what is wrong>" (the most specific one per place); [] when valid. */
export function configProblems(data: unknown): string[] {
  if (!configValidator) {
    // Loaded on demand: the schema and its validator cost start-up time that a run without a config saves.
    const schema = require(packagePath('schemas', 'config.schema.json')) as unknown;
    configValidator = generatedConfigValidator(schema) ?? compiledConfigValidator(schema);
  }
  const validate = configValidator;
  if (validate(data)) return [];
  // The most specific errors win: an error at a path that another error lies under only repeats
  // it (a oneOf failing because its branch did); oneOf and propertyNames repeat what their
  // branches said.
  const found: { path: string[]; text: string; keyword: string }[] = [];
  for (const error of validate.errors ?? []) {
    if (error.keyword === 'oneOf' || error.keyword === 'propertyNames') continue;
    const path = error.instancePath
      .split('/')
      .slice(1)
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
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
    found.push({ path, text, keyword: error.keyword });
  }
  const under = (inner: string[], outer: string[]) => inner.length > outer.length && outer.every((part, i) => inner[i] === part);
  // At one place, a oneOf branch's "must be object" beside the other branch's own complaint only
  // says the value took the other branch.
  const samePlace = (a: string[], b: string[]) => a.length === b.length && a.every((part, i) => b[i] === part);
  const specific = found.filter(
    (error) =>
      !found.some((other) => under(other.path, error.path)) &&
      !(error.keyword === 'type' && found.some((other) => other.keyword !== 'type' && samePlace(other.path, error.path))),
  );
  const texts = [...new Set(specific.map((error) => `${formatJsonPath(error.path)} ${error.text}`))];
  return texts.length > 0 ? texts : ['is invalid'];
}

/**
 * The formats a `files` mapping names must be ones cfglint reads: a misspelt name would leave the
 * files unread without a word. One problem (with a did-you-mean) per wrong format.
 */
export function fileFormatProblems(config: CfglintConfig, formats: readonly string[]): string[] {
  const problems: string[] = [];
  for (const [pattern, format] of Object.entries(config.files ?? {})) {
    if (formats.includes(format)) continue;
    const suggestion = closest(format, [...formats]);
    problems.push(
      `${formatJsonPath(['files', pattern])} names the format ${JSON.stringify(format)}, which cfglint does not read` +
        (suggestion ? `; did you mean "${suggestion}"?` : ` (expected one of: ${formats.join(', ')})`),
    );
  }
  return problems;
}

/** `rules.upstream-keepalive-http10.severity`, `ignore[0]`, `nginx.includeMap["/etc/nginx"]`; `(root)` for none. */
export function formatJsonPath(path: string[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : /^[A-Za-z_$][\w$-]*$/.test(part) ? (i === 0 ? part : `.${part}`) : `[${JSON.stringify(part)}]`))
    .join('');
}
