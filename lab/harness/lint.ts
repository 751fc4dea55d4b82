/** cfglint on a lab tree, in-process: the same engine the CLI runs, on the files the servers run. */
import type { CfglintConfig } from '../../src/engine/config';
import { lintSync } from '../../src/engine/run';
import type { Deployment } from '../../src/model/deployment';
import { scrub } from './logs';

export interface LintVerdict {
  /** Whether the experiment's rule reported anything. */
  fired: boolean;
  /** The rule's findings as `file:line:col severity message`, then ` = help: …` where there is one. */
  findings: string[];
  /** Findings of the readers (syntax, unreadable files): a lab tree must have none. */
  readerProblems: string[];
}

const READER_PROBLEMS = new Set([
  'cloudformation-syntax',
  'command-syntax',
  'gunicorn-syntax',
  'include-cycle',
  'include-missing',
  'internal-error',
  'invalid-value',
  'limits-syntax',
  'nginx-syntax',
  'read-error',
  'sysctl-syntax',
  'systemd-syntax',
  'template-unreadable',
  'terraform-syntax',
  'xml-syntax',
  'yaml-syntax',
]);

/**
 * `nginxVersion` is the release that runs the tree (from `nginx -v`): rules whose verdict
 * depends on it judge for that release, as they would with --nginx-version.
 */
export function lintLabTree(treeDir: string, ruleId: string, config: CfglintConfig = {}, nginxVersion?: string): LintVerdict {
  return lintLabRun(treeDir, ruleId, config, nginxVersion).verdict;
}

/**
 * The verdict and the model cfglint built: an experiment whose stand-in must act on what cfglint
 * read (a balancer's idle timeout from Terraform) takes it from there rather than repeating it.
 */
export function lintLabRun(treeDir: string, ruleId: string, config: CfglintConfig = {}, nginxVersion?: string): { verdict: LintVerdict; model: Deployment } {
  const result = lintSync({ paths: [treeDir], cwd: treeDir, config, nginxVersion });
  const describe = (finding: (typeof result.report.findings)[number]) =>
    `${finding.primary.file}:${finding.primary.start.line}:${finding.primary.start.column} ${finding.severity} ${scrub(finding.message, treeDir)}` +
    (finding.help ? ` = help: ${scrub(finding.help, treeDir)}` : '');
  const own = result.report.findings.filter((finding) => finding.ruleId === ruleId);
  const verdict: LintVerdict = {
    fired: own.length > 0,
    findings: own.map(describe),
    readerProblems: result.report.findings
      .filter((finding) => finding.ruleId !== ruleId && READER_PROBLEMS.has(finding.ruleId))
      .map((finding) => `${finding.ruleId} ${describe(finding)}`),
  };
  return { verdict, model: result.model };
}
