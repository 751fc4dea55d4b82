/**
 * .cfglint.json: found in the linted directory or a parent (or given with --config), validated
 * against schemas/config.schema.json. Anything wrong with it is a ConfigError: one line, exit 2.
 */
import * as nodePath from 'path';
import type { FileSystem } from '../discovery/fs';
import { decodeUtf8 } from '../readers/text';
import type { Severity } from '../report/finding';
import { packagePath } from '../meta';

export type RuleSetting = 'off' | Severity | { severity?: 'off' | Severity };

export interface CfglintConfig {
  $schema?: string;
  rules?: Record<string, RuleSetting>;
  failOn?: Severity | 'never';
  ignore?: string[];
  nginx?: { version?: string; includeMap?: Record<string, string> };
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
    throw new ConfigError(`${path}: invalid JSON: ${(error as Error).message}`);
  }
  const problem = validateConfig(data);
  if (problem) throw new ConfigError(`${path}: ${problem}`);
  return { config: data as CfglintConfig, path };
}

/** The first schema violation as "<json path> <what is wrong>", or undefined when valid. */
export function validateConfig(data: unknown): string | undefined {
  // Loaded on demand: ajv and the schema cost start-up time that a run without a config saves.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const Ajv = require('ajv').default as typeof import('ajv').default;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const schema = require(packagePath('schemas', 'config.schema.json'));
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  const validate = ajv.compile(schema);
  if (validate(data)) return undefined;
  const errors = validate.errors ?? [];
  // Prefer the most specific error: oneOf failures repeat what their branches said.
  const error = errors.find((e) => e.keyword !== 'oneOf') ?? errors[0];
  const where = error.instancePath ? error.instancePath.replace(/^\//, '').replace(/\//g, '.') : '(root)';
  const extra = error.keyword === 'additionalProperties' ? ` "${(error.params as { additionalProperty: string }).additionalProperty}"` : '';
  const allowed = error.keyword === 'enum' ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')})` : '';
  return `${where} ${error.message}${extra}${allowed}`;
}
