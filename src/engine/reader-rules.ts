/**
 * Ids that are not rules in checks/ but problems found while reading or running: syntax errors,
 * includes, values, suppressions. They have docs (docs/rules/<id>.md), default severities, and
 * can be configured and suppressed like rules.
 */
import { docsUrl } from '../source/meta';
import type { Severity } from '../source/span';

export interface ReaderRule {
  id: string;
  severity: Severity;
  description: string;
  docsUrl: string;
}

const define = (id: string, severity: Severity, description: string): ReaderRule => ({ id, severity, description, docsUrl: docsUrl(id, 'docs/rules') });

export const READER_RULES: ReaderRule[] = [
  define('cloudformation-syntax', 'error', 'A CloudFormation template (YAML or JSON) that is not valid YAML/JSON; CloudFormation refuses the stack'),
  define('command-syntax', 'error', 'A command line (ExecStart=, CMD, command:, Procfile, script) its shell or systemd cannot parse'),
  define('gunicorn-syntax', 'error', 'A gunicorn config file that is not valid Python 3; gunicorn does not start'),
  define('include-cycle', 'error', 'An include reaches a file that is already being included'),
  define('include-limit', 'warning', 'Includes go deeper, match more paths or expand to more directives than cfglint follows; the rest is skipped'),
  define('include-missing', 'warning', 'An include names a file that is not in the linted tree'),
  define('include-outside-tree', 'warning', 'An include reaches a file outside the linted tree (a path, a mapping or a symbolic link); it is not read'),
  define('internal-error', 'error', 'A rule failed; the rest of the run went on'),
  define('invalid-value', 'error', 'A value nginx would reject with "invalid value"'),
  define('limits-syntax', 'warning', 'A limits.conf line that pam_limits skips'),
  define('nginx-syntax', 'error', 'A syntax error nginx would stop at'),
  define('read-error', 'error', 'A file or directory that cannot be read'),
  define('suppression-missing-reason', 'info', 'A cfglint-disable comment without "-- reason"'),
  define('suppression-unknown-rule', 'warning', 'A cfglint-disable comment names a rule that does not exist'),
  define('suppression-unused', 'warning', 'A cfglint-disable comment that suppressed nothing (with --report-unused-disables)'),
  define('sysctl-syntax', 'warning', 'A sysctl.conf line or sysctl value that is not applied'),
  define('systemd-syntax', 'warning', 'A systemd unit line that systemd ignores'),
  define('terraform-syntax', 'error', 'A Terraform file (.tf or .tf.json) that Terraform cannot parse; plan and apply stop'),
  define(
    'template-unreadable',
    'info',
    'A template (Jinja2, Go text/template, ERB, envsubst, …), or a branch of one, that does not read as its format even with its tags set aside; it is not linted',
  ),
  define('xml-syntax', 'error', 'An XML file (Tomcat server.xml) that is not well-formed; Tomcat refuses to start'),
  define(
    'yaml-syntax',
    'error',
    'A YAML file (Spring Boot application.yml, compose file, Kubernetes manifest) that is not valid YAML; the application does not start',
  ),
];

export function findReaderRule(id: string): ReaderRule | undefined {
  return READER_RULES.find((rule) => rule.id === id);
}
