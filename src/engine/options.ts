/**
 * What a run is asked to do: the paths and options given, checked, and the configuration found
 * for them. Unusable arguments or configuration throw (UsageError / ConfigError), which the CLI
 * turns into one line and exit code 2.
 */
import * as nodePath from 'path';
import ignore from 'ignore';
import { RULES } from '../../checks';
import { FILE_FORMATS, FileFormat, isFileFormat } from '../discovery/classify';
import { confineFileSystem } from '../discovery/confine';
import { nodeFileSystem, type FileSystem } from '../discovery/fs';
import { closest } from '../source/suggest';
import { messageOf } from '../source/thrown';
import { CfglintConfig, ConfigError, configError, configProblems, fileFormatProblems, findConfigFile, formatJsonPath, loadConfig } from './config';
import { READER_RULES } from './reader-rules';
import { append } from '../source/append';

export class UsageError extends Error {}

/** The paths hold nothing cfglint reads, or a named file is not one: the message says all (no --help pointer). */
export class NothingToReadError extends UsageError {}

/** Formats a `files` mapping may name: every reader's (uwsgi-unread is a finding about a file, not a reader). */
export const MAPPABLE_FORMATS = FILE_FORMATS.filter((format) => format !== 'uwsgi-unread');

export interface LintOptions {
  /** Files or directories; default the current directory. */
  paths?: string[];
  cwd?: string;
  fs?: FileSystem;
  /** --config FILE; otherwise .cfglint.json is looked up from the first path upwards. */
  configPath?: string;
  /** A config object given directly (the API), used instead of any file. */
  config?: CfglintConfig;
  nginxVersion?: string;
  reportUnusedDisables?: boolean;
  /** For --list-files: a named file cfglint does not read is listed with the reason, not an error. */
  listing?: boolean;
}

/**
 * The paths to lint, absolute, and the areas the run may open: each directory named, and for a
 * file named on its own the directory it sits in.
 */
export function checkedRoots(options: LintOptions, baseFs: FileSystem, cwd: string): { roots: string[]; areas: string[] } {
  const roots = (options.paths && options.paths.length > 0 ? options.paths : ['.']).map((p) => nodePath.resolve(cwd, p));
  for (const root of roots) {
    const kind = baseFs.kind(root);
    if (kind === undefined) throw new UsageError(`no such file or directory: ${nodePath.relative(cwd, root) || root}`);
    if (kind === 'directory') {
      try {
        baseFs.list(root);
      } catch (error) {
        throw new UsageError(messageOf(error));
      }
    } else if (kind !== 'file') throw new UsageError(`not a file or directory: ${root}`);
  }

  // A path named inside the working directory is part of the checkout, and whoever wrote the
  // checkout may have made it a link: `deploy -> /` would make the whole machine the tree.
  const realCwd = realpathOr(baseFs, cwd);
  for (const root of roots) {
    if (!isWithin(root, cwd)) continue; // named outside the checkout: the user chose it, links and all
    const real = realpathOr(baseFs, root);
    if (!isWithin(real, realCwd)) {
      throw new UsageError(
        `${nodePath.relative(cwd, root)} is a symbolic link out of the working directory (or passes through one); name the directory it points to, to lint that`,
      );
    }
  }

  // The tree is what the user named: each directory, and for a file named on its own the
  // directory it sits in (nginx's prefix for it). Nothing outside is ever opened.
  const areas = roots.map((root) => (baseFs.kind(root) === 'directory' ? root : nodePath.dirname(root)));
  return { roots, areas };
}

/** The run's configuration: given, named, or found from the first area upwards; checked against the rules and formats. */
export function runConfig(options: LintOptions, baseFs: FileSystem, fs: ReturnType<typeof confineFileSystem>, cwd: string, areas: string[]) {
  let config: CfglintConfig = options.config ?? {};
  let configPath: string | undefined;
  let problems: string[] = [];
  if (options.config) {
    // The API's config object gets the same checks as a file.
    problems = configProblems(options.config);
  } else if (options.configPath) {
    // Named by the user: read wherever it is.
    configPath = nodePath.resolve(cwd, options.configPath);
    const kind = baseFs.kind(configPath);
    if (kind === undefined) throw new ConfigError(`config file not found: ${options.configPath}`);
    if (kind !== 'file') throw new ConfigError(`cannot read config file ${options.configPath}: not a regular file`);
    ({ config, problems } = loadConfig(configPath, baseFs));
  } else {
    // Found by looking upwards, so possibly written by whoever wrote the tree: it may not be a
    // link to a file elsewhere.
    configPath = findConfigFile(areas[0], baseFs);
    if (configPath) ({ config, problems } = loadConfig(configPath, confineFileSystem(baseFs, [nodePath.dirname(configPath)])));
  }
  const where = configPath ?? 'config';
  // The checks below read the keys they judge only when those have the schema's shape, so that
  // every problem of the file is reported in one run.
  const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (isRecord(config.rules)) append(problems, ruleIdProblems(config));
  if (isRecord(config.files) && Object.values(config.files).every((format) => typeof format === 'string'))
    append(problems, fileFormatProblems(config, MAPPABLE_FORMATS));
  const configDir = configPath ? nodePath.dirname(configPath) : cwd;
  // A mapping is a path cfglint will open: it must lead into the tree like any other.
  const includeMap =
    isRecord(config.nginx) && isRecord(config.nginx.includeMap)
      ? Object.entries(config.nginx.includeMap).filter((entry): entry is [string, string] => typeof entry[1] === 'string')
      : [];
  const configuredMappings = includeMap.map(([from, to]) => ({ from: from.replace(/\/+$/, '') || '/', to: nodePath.resolve(configDir, to) }));
  for (const [i, mapping] of configuredMappings.entries()) {
    if (fs.locate(mapping.to) === undefined) {
      problems.push(
        `${formatJsonPath(['nginx', 'includeMap', includeMap[i][0]])} maps to ${JSON.stringify(includeMap[i][1])}, which is outside the linted tree; lint a directory that holds it`,
      );
    }
  }
  if (problems.length > 0) throw configError(where, problems);
  const mappedFormat = fileMapping(config, configDir);
  return { config, configPath, configDir, mappedFormat, configuredMappings };
}

/** The format a refused file's extension makes likely, for the example in the message. */
export function likelyFormat(path: string): FileFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.py')) return 'gunicorn';
  if (/\.(ini|cfg)$/.test(lower)) return 'uwsgi';
  if (lower.endsWith('.xml')) return 'tomcat';
  if (/\.ya?ml$/.test(lower)) return 'kubernetes';
  if (lower.endsWith('.properties')) return 'spring-boot';
  return 'nginx';
}

/**
 * The `files` mapping of .cfglint.json as a lookup: the format of the last pattern that matches
 * a path (relative to the config's directory, .gitignore syntax, as `ignore`), or undefined.
 */
function fileMapping(config: CfglintConfig, configDir: string): (path: string) => { pattern: string; format: FileFormat } | undefined {
  const entries = Object.entries(config.files ?? {}).map(([pattern, format]) => ({ pattern, format: format as FileFormat, matcher: ignore().add(pattern) }));
  if (entries.length === 0) return () => undefined;
  return (path) => {
    const relative = nodePath.relative(configDir, path);
    if (!relative || relative.startsWith('..') || nodePath.isAbsolute(relative)) return undefined;
    for (let i = entries.length - 1; i >= 0; i--) {
      if (entries[i].matcher.ignores(relative) && isFileFormat(entries[i].format)) return { pattern: entries[i].pattern, format: entries[i].format };
    }
    return undefined;
  };
}

function realpathOr(fs: FileSystem, path: string): string {
  try {
    return fs.realpath(path);
  } catch {
    return path;
  }
}

function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(nodePath.sep) ? dir : dir + nodePath.sep);
}

/**
 * `deployments` entries as absolute directories: a path as it is, and `dir/*` as each directory
 * of dir/ that holds a file of the tree (read from the walk, so nothing outside the tree is listed).
 */
export function resolveDeployments(patterns: string[], configDir: string, files: string[], where: string): string[] {
  const roots = new Set<string>();
  patterns.forEach((pattern, index) => {
    const wildcard = pattern.endsWith('/*');
    const base = wildcard ? pattern.slice(0, -2) : pattern;
    if (/[*?[\]]/.test(base)) {
      throw new ConfigError(`${where}: ${formatJsonPath(['deployments', String(index)])} may only end in "/*"; other wildcards are not supported`);
    }
    const dir = nodePath.resolve(configDir, base);
    if (!wildcard) {
      roots.add(dir);
      return;
    }
    for (const file of files) {
      const relative = nodePath.relative(dir, file);
      if (relative.startsWith('..') || nodePath.isAbsolute(relative) || !relative.includes(nodePath.sep)) continue;
      roots.add(nodePath.join(dir, relative.split(nodePath.sep)[0]));
    }
  });
  return [...roots];
}

function ruleIdProblems(config: CfglintConfig): string[] {
  const problems: string[] = [];
  for (const id of Object.keys(config.rules ?? {})) {
    if (RULES.some((rule) => rule.id === id) || READER_RULES.some((rule) => rule.id === id)) continue;
    const suggestion = suggestRuleId(id);
    problems.push(`${formatJsonPath(['rules', id])} is not a known rule${suggestion ? `; did you mean "${suggestion}"?` : ''}`);
  }
  return problems;
}

export function suggestRuleId(id: string): string | undefined {
  return closest(id, [...RULES.map((r) => r.id), ...READER_RULES.map((r) => r.id)]);
}

/**
 * The configuration a lint of the current directory would use (`--config`, or .cfglint.json
 * found from `cwd` upwards), for commands that list rather than lint (`cfglint rules`).
 */
export function configForDirectory(options: Pick<LintOptions, 'configPath' | 'cwd' | 'fs'> = {}): { config: CfglintConfig; configPath?: string } {
  const baseFs = options.fs ?? nodeFileSystem;
  const cwd = nodePath.resolve(options.cwd ?? process.cwd());
  const { config, configPath } = runConfig({ configPath: options.configPath }, baseFs, confineFileSystem(baseFs, [cwd]), cwd, [cwd]);
  return { config, configPath };
}
