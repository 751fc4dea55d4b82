/**
 * The lab's bookkeeping, without any server: every cross-file rule has an experiment and its doc
 * cites the evidence row; a rule the lab could not reproduce is no longer a warning; the runner's
 * verdict on a result; and the evidence table.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { EXPERIMENTS } from '../../lab/experiments';
import { renderEvidence } from '../../lab/report';
import type { Experiment, LabRun, Outcome, Variant } from '../../lab/harness/experiment';
import { ExperimentResult, holds, runExperiment, selectExperiments } from '../../lab/run';
import { RULES } from '../../checks';

const ROOT = join(__dirname, '..', '..');

/** The cross-file rules the proof-lab issue lists, each of which must have an experiment. */
const CROSS_FILE_RULES = [
  'upstream-keepalive-timeout',
  'upstream-keepalive-requests',
  'upstream-keepalive-http10',
  'upstream-protocol-mismatch',
  'upstream-unreachable',
  'listen-backlog-somaxconn',
  'worker-connections-nofile',
  'proxy-read-timeout-backend',
  'header-size-backend',
  'body-size-backend',
  'upstream-socket-permission',
  'uwsgi-value-units',
  'lb-idle-timeout',
  'lb-health-check-unserved',
];

function result(overrides: Partial<ExperimentResult>): ExperimentResult {
  return {
    id: 'upstream-unreachable',
    rule: 'upstream-unreachable',
    setup: 'setup',
    nginxVersion: 'nginx/1.22.1',
    backend: 'gunicorn 20.1.0',
    backendLogName: 'backend',
    expected: 'reproduces',
    reproduced: true,
    cfglintAgrees: true,
    date: '2026-11-22T00:00:00.000Z',
    durationMs: 1000,
    ...overrides,
  };
}

describe('experiments', () => {
  it('cover every cross-file rule, with unique ids, each for a registered rule', () => {
    const ruleIds = RULES.map((rule) => rule.id);
    expect(CROSS_FILE_RULES.filter((id) => !EXPERIMENTS.some((experiment) => experiment.rule === id))).toEqual([]);
    expect(EXPERIMENTS.map((experiment) => experiment.rule).filter((id) => !ruleIds.includes(id))).toEqual([]);
    const ids = EXPERIMENTS.map((experiment) => experiment.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(EXPERIMENTS.map((experiment) => [experiment.id, experiment.rule]))('%s is cited in checks/%s.md', (id, rule) => {
    expect(readFileSync(join(ROOT, 'checks', `${rule}.md`), 'utf8')).toContain(`../docs/evidence.md#${id}`);
  });

  it('leaves no rule the lab could not reproduce at warning or error', () => {
    const notReproduced = EXPERIMENTS.filter((experiment) => experiment.expected === 'does-not-reproduce').map((experiment) => experiment.rule);
    expect(notReproduced.length).toBeGreaterThan(0);
    for (const id of notReproduced) expect([id, RULES.find((rule) => rule.id === id)?.severity]).toEqual([id, 'info']);
  });
});

describe('selectExperiments', () => {
  it('takes a rule id (all its experiments) or an experiment id, and rejects an unknown one', () => {
    expect(selectExperiments([]).length).toBe(EXPERIMENTS.length);
    expect(
      selectExperiments(['upstream-keepalive-timeout'])
        .map((e) => e.id)
        .sort(),
    ).toEqual(['upstream-keepalive-timeout', 'upstream-keepalive-timeout-tomcat', 'upstream-keepalive-timeout-uvicorn']);
    expect(selectExperiments(['upstream-keepalive-timeout-tomcat']).map((e) => e.id)).toEqual(['upstream-keepalive-timeout-tomcat']);
    expect(() => selectExperiments(['no-such-rule'])).toThrow('no experiment for no-such-rule');
  });
});

describe('holds', () => {
  const strict = process.env.CFGLINT_LAB_STRICT;
  afterEach(() => {
    if (strict === undefined) delete process.env.CFGLINT_LAB_STRICT;
    else process.env.CFGLINT_LAB_STRICT = strict;
  });

  it('accepts a result as documented and rejects a surprise, an error or a cfglint disagreement', () => {
    expect(holds(result({}))).toBe(true);
    expect(holds(result({ reproduced: false }))).toBe(false);
    expect(holds(result({ expected: 'does-not-reproduce', reproduced: false }))).toBe(true);
    expect(holds(result({ expected: 'does-not-reproduce', reproduced: true }))).toBe(false);
    expect(holds(result({ error: 'nginx did not start' }))).toBe(false);
    expect(holds(result({ cfglintAgrees: false }))).toBe(false);
  });

  it('lets a skipped experiment pass, except under CFGLINT_LAB_STRICT=1', () => {
    delete process.env.CFGLINT_LAB_STRICT;
    expect(holds(result({ skipped: 'needs root' }))).toBe(true);
    process.env.CFGLINT_LAB_STRICT = '1';
    expect(holds(result({ skipped: 'needs root' }))).toBe(false);
  });
});

describe('renderEvidence', () => {
  it('gives every experiment a row with its anchor, and says "not run" for one without a result', () => {
    const measured = result({
      broken: {
        requests: 40,
        failures: 40,
        statuses: { 502: 40 },
        nginxLog: ['[error] connect() failed (111: Connection refused) while connecting to upstream (40×)'],
        backendLog: [],
        cfglint: { fired: true, findings: [], readerProblems: [] },
        tree: {},
        durationMs: 1,
      },
      fixed: {
        requests: 40,
        failures: 0,
        statuses: { 200: 40 },
        nginxLog: [],
        backendLog: [],
        cfglint: { fired: false, findings: [], readerProblems: [] },
        tree: {},
        durationMs: 1,
      },
    });
    const markdown = renderEvidence(new Map([[measured.id, measured]]));
    const rows = markdown.split('\n').filter((line) => line.startsWith('| <a id='));
    expect(rows).toHaveLength(EXPERIMENTS.length);
    const row = rows.find((line) => line.includes('<a id="upstream-unreachable">'))!;
    expect(row).toContain('40 of 40 failed (502×40)');
    expect(row).toContain('0 of 40 failed (200×40)');
    expect(row).toContain('broken nginx: `[error] connect() failed (111: Connection refused) while connecting to upstream (40×)`');
    expect(rows.find((line) => line.includes('<a id="lb-idle-timeout">'))).toContain('| not run | not run |');
  });
});

describe('runExperiment, for a race', () => {
  /** These experiments start no server, so they run on a machine without nginx too. */
  const noServerMissing = () => undefined;

  /** An experiment that starts no server: its broken run fails only from the `failingFrom`-th run on. */
  function race(attempts: number | undefined, failingFrom: number): { experiment: Experiment; brokenRuns: () => number } {
    let brokenRuns = 0;
    const experiment: Experiment = {
      id: 'race',
      rule: 'upstream-keepalive-timeout',
      backend: 'none',
      setup: 'a race',
      expected: 'reproduces',
      ...(attempts !== undefined ? { attempts } : {}),
      async run(lab: LabRun, variant: Variant): Promise<Outcome> {
        // The smallest tree the rule fires on (broken) and does not (fixed).
        lab.writeTree({
          'nginx/app.conf': `upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n${variant === 'fixed' ? '    keepalive_timeout 1s;\n' : ''}}\nserver {\n    location / {\n        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n        proxy_pass http://app;\n    }\n}\n`,
          'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\nworker_class = "gthread"\n',
        });
        const failures = variant === 'broken' && ++brokenRuns >= failingFrom ? 1 : 0;
        return { requests: 10, failures, statuses: failures ? { 200: 9, 502: 1 } : { 200: 10 }, nginxLog: [], backendLog: [] };
      },
    };
    return { experiment, brokenRuns: () => brokenRuns };
  }

  it('repeats a broken run that showed nothing, up to its attempts, and records how many it took', async () => {
    const { experiment, brokenRuns } = race(3, 2);
    const outcome = await runExperiment(experiment, 'nginx/1.22.1', noServerMissing);
    expect([outcome.error, outcome.reproduced, outcome.brokenAttempts, brokenRuns(), outcome.cfglintAgrees]).toEqual([undefined, true, 2, 2, true]);
  });

  it('without attempts, one quiet broken run is "not reproduced"', async () => {
    const { experiment, brokenRuns } = race(undefined, 2);
    const outcome = await runExperiment(experiment, 'nginx/1.22.1', noServerMissing);
    expect([outcome.reproduced, outcome.brokenAttempts, brokenRuns()]).toEqual([false, 1, 1]);
  });
});
