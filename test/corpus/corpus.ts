/**
 * Shared by the corpus suites (`npm run test:corpus`): where ../shared/corpus is, what its
 * FORMATS.tsv says about each file, and how one path is linted. The corpus is read in place and
 * never copied into this repository; without it every suite is reported as skipped.
 */
import * as fs from 'fs';
import * as path from 'path';
import { lintSync } from '../../src/engine/run';
import { NothingToReadError } from '../../src/engine/options';
import { VERSION } from '../../src/source/meta';
import type { Finding, Report } from '../../src/engine/findings';

/** The corpus sits next to the repository: <repo>/../shared/corpus. */
const CORPUS_AS_GIVEN = path.resolve(__dirname, '../../../shared/corpus');
/** Its real path: ../shared may be a symlink, and the suites compare real paths with nginx's. */
export const CORPUS = fs.existsSync(CORPUS_AS_GIVEN) ? fs.realpathSync(CORPUS_AS_GIVEN) : CORPUS_AS_GIVEN;

const present = fs.existsSync(path.join(CORPUS, 'FORMATS.tsv'));

/** `describe` when the corpus is there; otherwise print why and register one skipped test. */
export function describeCorpus(name: string, body: () => void): void {
  if (present) {
    describe(name, body);
    return;
  }
  // Written to stdout directly: jest hides console.log of a suite whose tests are all skipped.
  process.stdout.write(`corpus suite skipped: ../shared/corpus not found (looked for ${path.join(CORPUS, 'FORMATS.tsv')})\n`);
  describe.skip(name, () => test('needs ../shared/corpus', () => undefined));
}

export interface CorpusEntry {
  /** Relative to CORPUS, e.g. `nginx/owner__repo__conf__nginx.conf`. */
  path: string;
  /** nginx, nginx-template, uwsgi, gunicorn, tomcat, … */
  format: string;
  note: string;
}

/** Every file FORMATS.tsv lists (it lists every file of the corpus except the READMEs). */
export function corpusEntries(): CorpusEntry[] {
  if (!present) return [];
  const lines = fs.readFileSync(path.join(CORPUS, 'FORMATS.tsv'), 'utf8').split('\n').slice(1);
  return lines
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [file, format, note = ''] = line.split('\t');
      return { path: file, format, note };
    });
}

/** Findings that mean the reader failed: a syntax error, a crash in a rule, a file it could not read. */
export const READING_FAILED = ['nginx-syntax', 'internal-error', 'read-error'];

/** Lint one corpus path (a file or a deploy-set directory); finding paths are relative to CORPUS. */
export function lintCorpus(relative: string): Report {
  try {
    // `config: {}` so that no .cfglint.json above the corpus can change the run.
    return lintSync({ paths: [relative], cwd: CORPUS, config: {} }).report;
  } catch (error) {
    // A named file cfglint does not read (a template in no language it knows) is refused: nothing read, nothing found.
    if (!(error instanceof NothingToReadError)) throw error;
    return {
      tool: { name: 'cfglint', version: VERSION },
      files: [],
      findings: [],
      rules: [],
      links: [],
      summary: { errors: 0, warnings: 0, infos: 0, suppressed: 0, baselined: 0 },
    };
  }
}

export function describeFinding(finding: Finding): string {
  return `${finding.ruleId} ${finding.primary.file}:${finding.primary.start.line}:${finding.primary.start.column} ${finding.message}`;
}

/** The text of a corpus file as the reader sees it (for line counts). */
export function corpusText(relative: string): string {
  return fs.readFileSync(path.join(CORPUS, relative), 'utf8');
}
