/**
 * `npm run lab -- [rule-id | experiment-id ...]`: runs the experiments (all without an id),
 * writes lab-results/<experiment-id>.json and prints one line each. Exits 1 when an experiment's
 * outcome or cfglint's verdict differs from what the rule's doc states, 2 on a bad argument.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CATALINA_HOME, Experiment, LabRun, NGINX, Outcome, PYTHON3, serverMissing, UWSGI, GUNICORN, Variant } from './harness/experiment';
import type { LintVerdict } from './harness/lint';
import { killAllStarted, versionLine } from './harness/process';
import { EXPERIMENTS } from './experiments';

/** Each experiment's bound, both runs included, unless it sets its own. */
const EXPERIMENT_LIMIT_MS = 60_000;
export const RESULTS_DIR = path.join(__dirname, '..', '..', 'lab-results');

export interface VariantResult extends Outcome {
  cfglint: LintVerdict;
  /** The deploy tree the servers ran and cfglint linted (ports are this run's). */
  tree: Record<string, string>;
  durationMs: number;
}

export interface ExperimentResult {
  id: string;
  rule: string;
  setup: string;
  nginxVersion: string;
  backend: string;
  /** Whose lines each run's backendLog holds. */
  backendLogName: string;
  expected: Experiment['expected'];
  /** The broken run failed and the fixed run did not (for this experiment's measure). */
  reproduced: boolean;
  /** Broken runs it took (more than 1 only for a race that showed nothing at first). */
  brokenAttempts?: number;
  /** cfglint fired on the broken tree and not on the fixed one. */
  cfglintAgrees: boolean;
  skipped?: string;
  error?: string;
  broken?: VariantResult;
  fixed?: VariantResult;
  date: string;
  durationMs: number;
}

function backendVersion(experiment: Experiment): string {
  switch (experiment.backend) {
    case 'gunicorn':
      return versionLine(GUNICORN, ['--version'])?.replace(/^gunicorn \(version (.*)\)$/, 'gunicorn $1') ?? 'gunicorn (version unknown)';
    case 'uwsgi':
      return `uWSGI ${versionLine(UWSGI, ['--version']) ?? '(version unknown)'}`;
    case 'tomcat':
      return (
        versionLine('java', ['-cp', path.join(CATALINA_HOME, 'lib/catalina.jar'), 'org.apache.catalina.util.ServerInfo'])?.replace(/^Server version:\s*/, '') ??
        'Tomcat (version unknown)'
      );
    case 'uvicorn':
      return versionLine(PYTHON3, ['-m', 'uvicorn', '--version'])?.replace(/^Running uvicorn (\S+).*$/, 'uvicorn $1') ?? 'uvicorn (version unknown)';
    case 'none':
      return 'none';
  }
}

async function runVariant(experiment: Experiment, variant: Variant, nginxVersion: string): Promise<VariantResult> {
  const started = Date.now();
  const lab = new LabRun(experiment, variant, /^nginx\/(\d+\.\d+\.\d+)/.exec(nginxVersion)?.[1]);
  const limitMs = (experiment.timeLimitMs ?? EXPERIMENT_LIMIT_MS) / 2;
  let timer: NodeJS.Timeout | undefined;
  try {
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${variant} run exceeded ${limitMs / 1000} s`)), limitMs);
    });
    const outcome = await Promise.race([experiment.run(lab, variant), limit]);
    if (!lab.verdict) throw new Error('the experiment wrote no tree for cfglint to lint');
    if (lab.verdict.readerProblems.length > 0) throw new Error(`cfglint could not read the ${variant} tree cleanly:\n${lab.verdict.readerProblems.join('\n')}`);
    return { ...outcome, cfglint: lab.verdict, tree: lab.tree, durationMs: Date.now() - started };
  } finally {
    clearTimeout(timer);
    await lab.cleanup();
  }
}

function defaultReproduced(broken: Outcome, fixed: Outcome): boolean {
  return broken.failures > 0 && fixed.failures === 0;
}

/**
 * @param missingServer says why the experiment cannot run here; the unit tests pass one that
 *   finds every server, since their experiments start none.
 */
export async function runExperiment(
  experiment: Experiment,
  nginxVersion: string,
  missingServer: (backend: Experiment['backend']) => string | undefined = serverMissing,
): Promise<ExperimentResult> {
  const started = Date.now();
  const base = {
    id: experiment.id,
    rule: experiment.rule,
    setup: experiment.setup,
    nginxVersion,
    backend: backendVersion(experiment),
    backendLogName: experiment.backendLogName ?? 'backend',
    expected: experiment.expected,
    reproduced: false,
    cfglintAgrees: false,
    date: new Date().toISOString(),
  };
  const missing = missingServer(experiment.backend);
  if (missing) return { ...base, skipped: missing, durationMs: 0 };
  if (experiment.needsRoot && process.getuid?.() !== 0) return { ...base, skipped: `needs root: ${experiment.needsRoot}`, durationMs: 0 };
  try {
    let broken = await runVariant(experiment, 'broken', nginxVersion);
    let brokenAttempts = 1;
    while (experiment.expected === 'reproduces' && broken.failures === 0 && brokenAttempts < (experiment.attempts ?? 1)) {
      broken = await runVariant(experiment, 'broken', nginxVersion);
      brokenAttempts++;
    }
    const fixed = await runVariant(experiment, 'fixed', nginxVersion);
    return {
      ...base,
      broken,
      fixed,
      brokenAttempts,
      reproduced: (experiment.reproduced ?? defaultReproduced)(broken, fixed),
      cfglintAgrees: broken.cfglint.fired && !fixed.cfglint.fired,
      durationMs: Date.now() - started,
    };
  } catch (error) {
    return { ...base, error: (error as Error).message, durationMs: Date.now() - started };
  }
}

/**
 * The result as the rule's doc states it: the expectation held and cfglint agreed. A skipped
 * experiment holds, except under CFGLINT_LAB_STRICT=1 (CI as root, where every server is installed).
 */
export function holds(result: ExperimentResult): boolean {
  if (result.skipped) return process.env.CFGLINT_LAB_STRICT !== '1';
  return !result.error && result.cfglintAgrees && result.reproduced === (result.expected === 'reproduces');
}

function describe(outcome: Outcome | undefined): string {
  if (!outcome) return '—';
  const statuses = Object.entries(outcome.statuses)
    .map(([status, count]) => `${status}×${count}`)
    .join(' ');
  return `${outcome.failures}/${outcome.requests} failed (${statuses || 'no requests'})`;
}

export function summaryLine(result: ExperimentResult): string {
  if (result.skipped) return `${result.id}: skipped (${result.skipped})`;
  if (result.error) return `${result.id}: ERROR ${result.error.split('\n')[0]}`;
  const verdict = result.reproduced ? 'reproduced' : 'not reproduced';
  const cfglint = result.cfglintAgrees
    ? 'cfglint fires on broken only'
    : `cfglint MISMATCH (broken ${result.broken?.cfglint.fired}, fixed ${result.fixed?.cfglint.fired})`;
  const expectation = result.reproduced === (result.expected === 'reproduces') ? 'as documented' : `EXPECTED ${result.expected}`;
  return `${result.id}: broken ${describe(result.broken)} · fixed ${describe(result.fixed)} · ${verdict}, ${expectation} · ${cfglint} · ${(result.durationMs / 1000).toFixed(1)} s`;
}

export function selectExperiments(ids: string[]): Experiment[] {
  if (ids.length === 0) return EXPERIMENTS;
  const unknown = ids.filter((id) => !EXPERIMENTS.some((experiment) => experiment.id === id || experiment.rule === id));
  if (unknown.length > 0) throw new Error(`no experiment for ${unknown.join(', ')}; known: ${[...new Set(EXPERIMENTS.map((e) => e.rule))].join(', ')}`);
  return EXPERIMENTS.filter((experiment) => ids.includes(experiment.id) || ids.includes(experiment.rule));
}

async function main(): Promise<number> {
  let selected: Experiment[];
  try {
    selected = selectExperiments(process.argv.slice(2));
  } catch (error) {
    console.error(`lab: ${(error as Error).message}`);
    return 2;
  }
  const nginxVersion = versionLine(NGINX, ['-v'])?.replace(/^nginx version:\s*/, '') ?? 'nginx not found';
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const started = Date.now();
  let failed = 0;
  for (const experiment of selected) {
    const result = await runExperiment(experiment, nginxVersion);
    fs.writeFileSync(path.join(RESULTS_DIR, `${experiment.id}.json`), `${JSON.stringify(result, null, 2)}\n`);
    console.log(summaryLine(result));
    if (!holds(result)) failed++;
  }
  console.log(
    `lab: ${selected.length - failed} of ${selected.length} experiments as documented, ${((Date.now() - started) / 1000).toFixed(1)} s; results in lab-results/`,
  );
  return failed > 0 ? 1 : 0;
}

/**
 * Ends the run with `code` once every server it started is gone. The exit is explicit: a handle
 * left open (an orphaned worker's pipe, a pooled socket, a timer of an experiment cut off by its
 * time limit) must not keep the lab, and CI with it, waiting.
 */
function end(code: number): never {
  const left = killAllStarted();
  if (left > 0) console.error(`lab: ${left} started process group(s) were still running at the end and were killed`);
  process.exit(code);
}

if (require.main === module) {
  main().then(end, (error: Error) => {
    console.error(`lab: ${error.stack ?? error.message}`);
    end(1);
  });
}
