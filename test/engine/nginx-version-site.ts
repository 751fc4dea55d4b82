/**
 * What the nginx-version tests share: a site whose upstream keeps idle connections on nginx ≥ 1.29.7
 * and none before (docs/servers/nginx.md), linted from disk by the real engine.
 */
import { lintSync } from '../../src/engine/run';
import type { Finding } from '../../src/engine/findings';
import type { CfglintConfig } from '../../src/engine/config';
import { writeTree } from '../disk-tree';

export function lint(tree: Record<string, string>, options: { nginxVersion?: string; config?: CfglintConfig } = {}): Finding[] {
  const dir = writeTree(tree);
  return lintSync({ paths: [dir], cwd: dir, config: options.config ?? {}, nginxVersion: options.nginxVersion }).report.findings;
}

/** `severity file:line message` of one rule's findings. */
export const brief = (findings: Finding[], ruleId: string) =>
  findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.severity} ${f.primary.file}:${f.primary.start.line} ${f.message}`);

/** An upstream to `app:8000` that `location /` sends to. */
export const NGINX_CONF = [
  'events {}',
  'http {',
  '  upstream app_servers {',
  '    server app:8000;',
  '  }',
  '  server {',
  '    listen 80;',
  '    location / {',
  '      proxy_pass http://app_servers;',
  '    }',
  '  }',
  '}',
  '',
].join('\n');
