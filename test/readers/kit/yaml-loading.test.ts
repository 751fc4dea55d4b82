/**
 * The `yaml` package is loaded on the first YAML file read, not at start-up: a tree of a
 * Dockerfile and nginx (the common small tree) never loads it.
 */
import { writeTree } from '../../disk-tree';

function lintCountingYamlLoads(files: Record<string, string>): { loads: number; findings: string[] } {
  const root = writeTree(files);
  let loads = 0;
  let findings: string[] = [];
  jest.isolateModules(() => {
    jest.doMock('yaml', () => {
      loads++;
      return jest.requireActual('yaml');
    });
    const { lintSync } = require('../../../src/engine/run') as typeof import('../../../src/engine/run');
    findings = lintSync({ paths: ['.'], cwd: root, config: {} }).report.findings.map((finding) => finding.ruleId);
  });
  jest.dontMock('yaml');
  return { loads, findings };
}

const nginxConf = 'events {}\nhttp {\n    server {\n        listen 80;\n        location / { proxy_pass http://app:8000; }\n    }\n}\n';

test('a Dockerfile and nginx: yaml is never loaded', () => {
  const { loads } = lintCountingYamlLoads({ Dockerfile: 'FROM nginx:1.27\nCOPY nginx.conf /etc/nginx/nginx.conf\n', 'nginx.conf': nginxConf });
  expect(loads).toBe(0);
});

test('a compose file: yaml is loaded once, and an error in it is still found', () => {
  const { loads, findings } = lintCountingYamlLoads({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    ports: [80\n', 'nginx.conf': nginxConf });
  expect(loads).toBe(1);
  expect(findings).toContain('yaml-syntax');
});
