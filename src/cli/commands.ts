/** The small subcommands: `cfglint rules`, `cfglint explain <id>`, `cfglint --init`. */
import * as nodeFs from 'fs';
import * as nodePath from 'path';
import { CfglintConfig, CONFIG_FILE_NAME, configuredSeverity } from '../engine/config';
import { READER_RULES } from '../engine/reader-rules';
import { RULES } from '../../checks';
import { configSchemaUrl, packagePath } from '../source/meta';
import { closestId } from '../source/suggest';
import { messageOf } from '../source/thrown';
import { renderMarkdownForTerminal } from './terminal-markdown';

export interface RuleListing {
  id: string;
  severity: string;
  /** A check's category, or "reader" for problems found while reading. */
  category: string;
  description: string;
  docsUrl: string;
}

/** Every rule and reader id with the severity it reports at under `config` (`off` when turned off). */
export function ruleListings(config: CfglintConfig = {}): RuleListing[] {
  return [
    ...RULES.map((rule) => ({
      id: rule.id,
      severity: configuredSeverity(config, rule.id, rule.severity),
      category: rule.category,
      description: rule.meta.description,
      docsUrl: rule.meta.docsUrl,
    })),
    ...READER_RULES.map((rule) => ({
      id: rule.id,
      severity: configuredSeverity(config, rule.id, rule.severity),
      category: 'reader',
      description: rule.description,
      docsUrl: rule.docsUrl,
    })),
  ];
}

/** Aligned columns (id, severity, category, description), rules first, then reader ids; or JSON. */
export function listRules(format: 'text' | 'json', config: CfglintConfig = {}): string {
  const listings = ruleListings(config);
  if (format === 'json') return `${JSON.stringify(listings, null, 2)}\n`;
  const rows = [['ID', 'SEVERITY', 'CATEGORY', 'DESCRIPTION'], ...listings.map((l) => [l.id, l.severity, l.category, l.description])];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell)).join('  ')).join('\n') + '\n';
}

export type ExplainFormat = 'text' | 'markdown';
export const EXPLAIN_FORMATS: readonly ExplainFormat[] = ['text', 'markdown'];

export function isExplainFormat(name: string): name is ExplainFormat {
  return (EXPLAIN_FORMATS as readonly string[]).includes(name);
}

/**
 * The doc of a rule (checks/<id>.md) or reader id (docs/rules/<id>.md) as the package holds it:
 * the Markdown as written, or rendered for a terminal with the page's link (the one every finding
 * of the rule carries) at the end; or a one-line error.
 */
export function explainRule(id: string, format: ExplainFormat = 'markdown', color = false): { text: string } | { error: string } {
  const listing = ruleListings().find((l) => l.id === id);
  if (!listing) {
    const suggestion = closestId(
      id,
      ruleListings().map((l) => l.id),
    );
    return { error: `unknown rule "${id}"${suggestion ? `; did you mean "${suggestion}"?` : ''} (cfglint rules lists them all)` };
  }
  const folder = listing.category === 'reader' ? 'docs/rules' : 'checks';
  const file = packagePath(folder, `${id}.md`);
  let markdown: string;
  try {
    markdown = nodeFs.readFileSync(file, 'utf8');
  } catch (error) {
    return { error: `cannot read the documentation of ${id} (${file}): ${messageOf(error).replace(/^[A-Z]+: /, '')}` };
  }
  if (format === 'markdown') return { text: markdown.endsWith('\n') ? markdown : `${markdown}\n` };
  const rendered = renderMarkdownForTerminal(markdown, {
    color,
    // A relative link names another file of the package: show where it is on this machine.
    resolveLink: (target) => {
      const [pathPart, fragment] = target.split('#', 2);
      const resolved = nodePath.posix.normalize(nodePath.posix.join(folder, pathPart));
      return `${packagePath(resolved)}${fragment === undefined ? '' : `#${fragment}`}`;
    },
  });
  return { text: `${rendered}\nOnline: ${listing.docsUrl}\n` };
}

/**
 * The starter config: every key, each at a value that changes nothing about a default run. The
 * schema by URL, pinned like the docs links: a path into node_modules works only beside it.
 */
const starterConfig = () => ({
  $schema: configSchemaUrl(),
  rules: {},
  failOn: 'warning',
  ignore: [],
  files: {},
  nginx: {
    includeMap: {},
    modules: [],
    extraDirectives: {},
  },
  environment: {},
});

const INIT_HELP = `cfglint: wrote ${CONFIG_FILE_NAME} (JSON has no comments, so here is what each key is for):
  rules        per rule id: "off", "error", "warning" or "info" (cfglint rules lists the ids)
  failOn       lowest severity that makes cfglint exit 1: error, warning, info or never
  ignore       paths to skip, in .gitignore syntax, relative to ${CONFIG_FILE_NAME}
  files        formats for files whose name does not say it ({"config/*.py": "gunicorn"})
  nginx        version (e.g. "1.24.0"; default: read from the tree), includeMap
               ({"/etc/nginx": "deploy/nginx"}), modules, extraDirectives
  environment  facts the tree does not say: somaxconn, nofile, loadBalancerIdleTimeout ("60s")
  $schema      lets editors complete and check the keys: the schema of this cfglint's version,
               by URL; the package holds it too (node_modules/cfglint/schemas/config.schema.json)
`;

/** Write the starter .cfglint.json in `dir`; a one-line problem if it exists or cannot be written. */
export function initConfig(dir: string, stderr: (text: string) => void = (text) => process.stderr.write(text)): string | undefined {
  const file = nodePath.join(dir, CONFIG_FILE_NAME);
  try {
    nodeFs.writeFileSync(file, `${JSON.stringify(starterConfig(), null, 2)}\n`, { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return `${CONFIG_FILE_NAME} already exists here; not overwriting it`;
    return `cannot write ${CONFIG_FILE_NAME}: ${messageOf(error).replace(/^[A-Z]+: /, '')}`;
  }
  stderr(INIT_HELP);
  return undefined;
}
