/**
 * An include of a file that a start-up script of the tree writes (kobo-docker's entrypoint renders
 * /etc/nginx/includes/https_redirection.conf with envsubst) is a note naming the script, not a
 * missing-file warning.
 */
import { memoryFileSystem, MemoryTree } from '../../../src/discovery/fs';
import { lintSync } from '../../../src/engine/run';

const lint = (tree: MemoryTree) => lintSync({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} }).report.findings;
const site = 'server {\n    listen 80;\n    include /etc/nginx/includes/https_redirection.conf;\n}\n';

test('written by an entrypoint script: an info that names the script', () => {
  const findings = lint({
    'nginx/conf.d/site.conf': site,
    'nginx/docker-entrypoint.d/30-init.sh': '#!/bin/sh\ncat "${DIR}/templates/include.https_redirection.conf.tmpl" | envsubst "${REFS}" > /etc/nginx/includes/https_redirection.conf\n',
  });
  expect(findings.map((f) => `${f.ruleId} ${f.severity} ${f.primary.file}:${f.primary.start.line}`)).toEqual(['include-missing info nginx/conf.d/site.conf:3']);
  expect(findings[0].message).toContain('nginx/docker-entrypoint.d/30-init.sh writes it at start');
});

test('tee and a Dockerfile RUN count too', () => {
  expect(lint({ 'conf.d/site.conf': site, 'render.sh': 'envsubst < t | tee -a /etc/nginx/includes/https_redirection.conf\n' }).map((f) => f.severity)).toEqual(['info']);
  expect(lint({ 'conf.d/site.conf': site, 'Dockerfile': 'FROM nginx\nRUN echo "return 301 https://$host;" > "/etc/nginx/includes/https_redirection.conf"\n' }).map((f) => f.severity)).toEqual(['info']);
});

test('a script that only reads the path, or writes another, leaves the warning', () => {
  const findings = lint({
    'conf.d/site.conf': site,
    'check.sh': 'test -f /etc/nginx/includes/https_redirection.conf && echo ok > /tmp/ok\ncat /etc/nginx/includes/https_redirection.conf\n',
  });
  expect(findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['include-missing warning']);
});
