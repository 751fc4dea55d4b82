/**
 * .cfglint.json: where it is found, what each setting does, and how a bad file is reported
 * (a ConfigError of one line that names the file and the JSON path of the problem).
 */
import { memoryFileSystem, MemoryTree, FileSystem } from '../../src/discovery/fs';
import { ConfigError } from '../../src/engine/config';
import type { Rule } from '../../src/rule';
import { RULES } from '../../checks';
import { exitCodeFor, lintSync } from '../../src/engine/run';
import { LintOptions } from '../../src/engine/options';
import type { Environment } from '../../src/model/deployment';

const RULE = 'upstream-keepalive-http10';

// An upstream with `keepalive 16` and a location with only `proxy_pass http://app;`:
// with nginx 1.24 an error at the proxy_pass argument, line 8 column 20.
const KEEPALIVE_CONF =
  'upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    listen 80;\n    location / {\n        proxy_pass http://app;\n    }\n}\n';

function lint(tree: MemoryTree, options: Partial<LintOptions> = {}) {
  return lintSync({ cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), paths: ['.'], ...options });
}

function summary(findings: { ruleId: string; severity: string; primary: { file: string; start: { line: number; column: number } } }[]) {
  return findings.map((f) => `${f.severity} ${f.ruleId} ${f.primary.file}:${f.primary.start.line}:${f.primary.start.column}`);
}

function configError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a ConfigError');
}

describe('finding the config file', () => {
  test('without a config file the defaults apply', () => {
    const result = lint({ 'conf.d/app.conf': KEEPALIVE_CONF }, { nginxVersion: '1.24.0' });
    expect(result.configPath).toBeUndefined();
    expect(result.failOn).toBe('warning');
    expect(summary(result.report.findings)).toEqual([`error ${RULE} conf.d/app.conf:8:20`]);
  });

  test('.cfglint.json in the linted directory', () => {
    const result = lint(
      {
        '.cfglint.json': JSON.stringify({ rules: { [RULE]: 'off' } }),
        'conf.d/app.conf': KEEPALIVE_CONF,
      },
      { nginxVersion: '1.24.0' },
    );
    expect(result.configPath).toBe('/tree/.cfglint.json');
    expect(result.report.findings).toEqual([]);
  });

  test('.cfglint.json in a parent of the linted directory', () => {
    const result = lint(
      {
        '.cfglint.json': JSON.stringify({ rules: { [RULE]: 'warning' } }),
        'deploy/prod/conf.d/app.conf': KEEPALIVE_CONF,
      },
      { paths: ['deploy/prod'], nginxVersion: '1.24.0' },
    );
    expect(result.configPath).toBe('/tree/.cfglint.json');
    expect(summary(result.report.findings)).toEqual([`warning ${RULE} deploy/prod/conf.d/app.conf:8:20`]);
  });

  test('the nearest .cfglint.json wins', () => {
    const result = lint(
      {
        '.cfglint.json': JSON.stringify({ rules: { [RULE]: 'off' } }),
        'deploy/.cfglint.json': JSON.stringify({ rules: { [RULE]: 'info' } }),
        'deploy/conf.d/app.conf': KEEPALIVE_CONF,
      },
      { paths: ['deploy'], nginxVersion: '1.24.0' },
    );
    expect(result.configPath).toBe('/tree/deploy/.cfglint.json');
    expect(summary(result.report.findings)).toEqual([`info ${RULE} deploy/conf.d/app.conf:8:20`]);
  });

  test('a linted file looks from its own directory', () => {
    const result = lint(
      {
        'deploy/.cfglint.json': JSON.stringify({ rules: { [RULE]: 'off' } }),
        'deploy/app.conf': KEEPALIVE_CONF,
      },
      { paths: ['deploy/app.conf'], nginxVersion: '1.24.0' },
    );
    expect(result.configPath).toBe('/tree/deploy/.cfglint.json');
    expect(result.report.findings).toEqual([]);
  });

  test('--config FILE is used instead of the .cfglint.json in the tree', () => {
    const result = lint(
      {
        '.cfglint.json': JSON.stringify({ rules: { [RULE]: 'off' } }),
        'ci/strict.json': JSON.stringify({ rules: { [RULE]: 'warning' }, failOn: 'info' }),
        'conf.d/app.conf': KEEPALIVE_CONF,
      },
      { configPath: 'ci/strict.json', nginxVersion: '1.24.0' },
    );
    expect(result.configPath).toBe('/tree/ci/strict.json');
    expect(result.failOn).toBe('info');
    expect(summary(result.report.findings)).toEqual([`warning ${RULE} conf.d/app.conf:8:20`]);
  });

  test('a config object given to the API is used instead of any file', () => {
    const result = lint(
      {
        '.cfglint.json': JSON.stringify({ rules: { [RULE]: 'off' } }),
        'conf.d/app.conf': KEEPALIVE_CONF,
      },
      { config: {}, nginxVersion: '1.24.0' },
    );
    expect(result.configPath).toBeUndefined();
    expect(summary(result.report.findings)).toEqual([`error ${RULE} conf.d/app.conf:8:20`]);
  });
});

describe('settings', () => {
  const tree = { 'conf.d/app.conf': KEEPALIVE_CONF };

  test('"rules": a severity replaces the default, "off" removes the rule and its findings', () => {
    const asWarning = lint(tree, { config: { rules: { [RULE]: 'warning' } }, nginxVersion: '1.24.0' });
    expect(summary(asWarning.report.findings)).toEqual([`warning ${RULE} conf.d/app.conf:8:20`]);
    expect(asWarning.report.summary).toEqual({ errors: 0, warnings: 1, infos: 0, suppressed: 0, baselined: 0 });
    expect(asWarning.report.rules.find((r) => r.id === RULE)?.severity).toBe('warning');

    const asObject = lint(tree, { config: { rules: { [RULE]: { severity: 'info' } } }, nginxVersion: '1.24.0' });
    expect(summary(asObject.report.findings)).toEqual([`info ${RULE} conf.d/app.conf:8:20`]);

    const off = lint(tree, { config: { rules: { [RULE]: 'off' } }, nginxVersion: '1.24.0' });
    expect(off.report.findings).toEqual([]);
    expect(off.report.rules.map((r) => r.id)).not.toContain(RULE);
    expect(off.report.summary).toEqual({ errors: 0, warnings: 0, infos: 0, suppressed: 0, baselined: 0 });
  });

  test('"rules" also configures the reader ids', () => {
    const broken = { ...tree, 'conf.d/broken.conf': 'server {\n    listen 80\n}\n' };
    const asWarning = lint(broken, { config: { rules: { 'nginx-syntax': 'warning' } }, nginxVersion: '1.24.0' });
    expect(asWarning.report.findings.filter((f) => f.ruleId === 'nginx-syntax').map((f) => f.severity)).toEqual(['warning']);
    const off = lint(broken, { config: { rules: { 'nginx-syntax': 'off' } }, nginxVersion: '1.24.0' });
    expect(off.report.findings.map((f) => f.ruleId)).toEqual([RULE]);
  });

  test('"failOn" sets the exit threshold', () => {
    const warning = lint(tree, { config: { rules: { [RULE]: 'warning' }, failOn: 'error' }, nginxVersion: '1.24.0' });
    expect(warning.failOn).toBe('error');
    expect(exitCodeFor(warning.report, warning.failOn)).toBe(0);
    const strict = lint(tree, { config: { rules: { [RULE]: 'info' }, failOn: 'info' }, nginxVersion: '1.24.0' });
    expect(exitCodeFor(strict.report, strict.failOn)).toBe(1);
    const never = lint(tree, { config: { failOn: 'never' }, nginxVersion: '1.24.0' });
    expect(never.report.summary.errors).toBe(1);
    expect(exitCodeFor(never.report, never.failOn)).toBe(0);
  });

  test('"ignore": .gitignore-style patterns, relative to the config file', () => {
    const files = {
      'deploy/.cfglint.json': JSON.stringify({ ignore: ['legacy/', '*.bak.conf'] }),
      'deploy/conf.d/app.conf': KEEPALIVE_CONF,
      'deploy/conf.d/app.bak.conf': KEEPALIVE_CONF,
      'deploy/legacy/old.conf': KEEPALIVE_CONF,
    };
    const result = lint(files, { paths: ['deploy'], nginxVersion: '1.24.0' });
    expect(summary(result.report.findings)).toEqual([`error ${RULE} deploy/conf.d/app.conf:8:20`]);
    expect(result.report.files).toEqual(['deploy/conf.d/app.conf']);

    // A pattern anchored at the config file's directory does not match from elsewhere.
    const anchored = lint(
      {
        '.cfglint.json': JSON.stringify({ ignore: ['/legacy/'] }),
        'legacy/a.conf': KEEPALIVE_CONF,
        'deploy/legacy/b.conf': KEEPALIVE_CONF,
      },
      { nginxVersion: '1.24.0' },
    );
    expect(anchored.report.files).toEqual(['deploy/legacy/b.conf']);
  });

  test('"nginx.version" is used when --nginx-version is not given', () => {
    // Unknown version: capped at warning. 1.24 in the config: error. 1.29.8 defaults to HTTP/1.1: clean.
    expect(summary(lint(tree, { config: {} }).report.findings)).toEqual([`warning ${RULE} conf.d/app.conf:8:20`]);
    expect(summary(lint(tree, { config: { nginx: { version: '1.24.0' } } }).report.findings)).toEqual([`error ${RULE} conf.d/app.conf:8:20`]);
    expect(lint(tree, { config: { nginx: { version: '1.29.8' } } }).report.findings).toEqual([]);
    // The option wins over the config.
    expect(lint(tree, { config: { nginx: { version: '1.24.0' } }, nginxVersion: '1.29.8' }).report.findings).toEqual([]);
  });

  test('"nginx.version" wins over the image in a Dockerfile', () => {
    const withImage = { ...tree, Dockerfile: 'FROM nginx:1.29.8-alpine\n' };
    expect(lint(withImage, { config: {} }).report.findings).toEqual([]);
    expect(summary(lint(withImage, { config: { nginx: { version: '1.24' } } }).report.findings)).toEqual([`error ${RULE} conf.d/app.conf:8:20`]);
  });

  test('"nginx.includeMap" maps an absolute include directory onto the tree', () => {
    // The main config fixes HTTP/1.1 for everything it includes; without the map the include is
    // missing and the vhost is read on its own, where nothing fixes it.
    const files = {
      'nginx.conf': 'events {}\nhttp {\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n    include /srv/www/app.conf;\n}\n',
      'vhosts/app.conf': KEEPALIVE_CONF,
    };
    const unmapped = lint(files, { config: {}, nginxVersion: '1.24.0' });
    expect(summary(unmapped.report.findings)).toEqual(['warning include-missing nginx.conf:5:13', `error ${RULE} vhosts/app.conf:8:20`]);
    const mapped = lint(files, { config: { nginx: { includeMap: { '/srv/www': 'vhosts' } } }, nginxVersion: '1.24.0' });
    expect(mapped.report.findings).toEqual([]);

    // In a config file, the mapped directory is relative to the file.
    const fromFile = lint(
      {
        'ops/.cfglint.json': JSON.stringify({ nginx: { includeMap: { '/srv/www/': '../site/vhosts' } } }),
        'site/nginx.conf': files['nginx.conf'],
        'site/vhosts/app.conf': KEEPALIVE_CONF,
      },
      { paths: ['site'], configPath: 'ops/.cfglint.json', nginxVersion: '1.24.0' },
    );
    expect(fromFile.report.findings).toEqual([]);
  });

  test('"environment" reaches the model the rules read', () => {
    let seen: Environment | undefined;
    const probe: Rule = {
      id: 'zz-environment-probe',
      severity: 'info',
      category: 'reliability',
      meta: { description: 'test probe', docsUrl: '', fixable: false, messages: {} },
      check(model) {
        seen = model.environment;
        return [];
      },
    };
    RULES.push(probe);
    try {
      lint(tree, { config: { environment: { somaxconn: 4096, nofile: 65536, loadBalancerIdleTimeout: '2m' } } });
      expect(seen).toEqual({ somaxconn: 4096, nofile: 65536, loadBalancerIdleTimeoutMs: 120000 });
      lint(tree, { config: { environment: { loadBalancerIdleTimeout: '60' } } });
      expect(seen?.loadBalancerIdleTimeoutMs).toBe(60000);
      lint(tree, { config: {} });
      expect(seen).toEqual({ somaxconn: undefined, nofile: undefined, loadBalancerIdleTimeoutMs: undefined });
    } finally {
      RULES.splice(RULES.indexOf(probe), 1);
    }
  });

  test('"$schema" is allowed', () => {
    const result = lint({ '.cfglint.json': JSON.stringify({ $schema: './node_modules/cfglint/schemas/config.schema.json' }), 'a.conf': 'events {}\n' });
    expect(result.report.findings).toEqual([]);
  });
});

describe('a bad config file is a ConfigError naming the file and the JSON path', () => {
  const withConfig = (text: string) => () => lint({ '.cfglint.json': text, 'conf.d/app.conf': KEEPALIVE_CONF });

  test('invalid JSON, with line and column', () => {
    const message = configError(withConfig('{\n  "rules": {\n    "upstream-keepalive-http10": "off",\n  }\n}\n'));
    expect(message).toMatch(/^\/tree\/\.cfglint\.json: invalid JSON: .* line 4, column 3$/);
  });

  test('invalid JSON that V8 would quote whole stays on one line', () => {
    expect(configError(withConfig('{\n  "failOn": error\n}\n'))).toBe("/tree/.cfglint.json: invalid JSON: Unexpected token 'e'");
    expect(configError(withConfig(`{\n  "ignore": [\n${'    "a",\n'.repeat(20)}    x\n  ]\n}\n`))).toBe(
      "/tree/.cfglint.json: invalid JSON: Unexpected token 'x'",
    );
  });

  test('an empty file', () => {
    expect(configError(withConfig(''))).toMatch(/^\/tree\/\.cfglint\.json: invalid JSON/);
  });

  test('not an object', () => {
    expect(configError(withConfig('[]'))).toBe('/tree/.cfglint.json: (root) must be object');
  });

  test('an unknown key, with a suggestion', () => {
    expect(configError(withConfig('{"rulez": {}}'))).toBe('/tree/.cfglint.json: rulez is not a known key; did you mean "rules"?');
    expect(configError(withConfig('{"nginx": {"verison": "1.24.0"}}'))).toBe('/tree/.cfglint.json: nginx.verison is not a known key; did you mean "version"?');
    expect(configError(withConfig('{"extends": "x"}'))).toBe(
      '/tree/.cfglint.json: extends is not a known key (expected one of: $schema, rules, failOn, ignore, files, deployments, nginx, environment)',
    );
    expect(configError(withConfig(`{"rules": {"${RULE}": {"level": "error"}}}`))).toMatch(
      new RegExp(`^/tree/\\.cfglint\\.json: rules\\.${RULE}\\.level is not a known key`),
    );
  });

  test('a value of the wrong type', () => {
    expect(configError(withConfig('{"failOn": 3}'))).toBe(
      '/tree/.cfglint.json: failOn must be equal to one of the allowed values ("error", "warning", "info", "never")',
    );
    expect(configError(withConfig('{"ignore": "legacy/"}'))).toBe('/tree/.cfglint.json: ignore must be array');
    expect(configError(withConfig('{"ignore": ["legacy/", ""]}'))).toBe('/tree/.cfglint.json: ignore[1] must NOT have fewer than 1 characters');
    expect(configError(withConfig('{"environment": {"somaxconn": "4096"}}'))).toBe('/tree/.cfglint.json: environment.somaxconn must be integer');
    expect(configError(withConfig('{"nginx": {"version": "latest"}}'))).toMatch(/^\/tree\/\.cfglint\.json: nginx\.version must match pattern/);
  });

  test('every problem of the file at once, numbered on one line: schema, unknown rule ids and formats together', () => {
    const text = JSON.stringify({
      failOn: 'warn',
      rules: { [RULE]: 'of', 'upstream-keepalive-timout': 'off' },
      files: { 'conf/*.py': 'gunicron' },
      nginx: { includ: {} },
    });
    const message = configError(withConfig(text));
    expect(message.startsWith('/tree/.cfglint.json: 5 problems: (1) ')).toBe(true);
    for (const part of [
      'failOn must be equal to one of the allowed values',
      `rules.${RULE} must be equal to one of the allowed values`,
      'nginx.includ is not a known key',
      'rules.upstream-keepalive-timout is not a known rule; did you mean "upstream-keepalive-timeout"?',
      'files["conf/*.py"] names the format "gunicron", which cfglint does not read; did you mean "gunicorn"?',
    ]) {
      expect(message).toContain(part);
    }
    expect(message).toMatch(/\(5\) /);
    expect(message).not.toMatch(/\(6\) /);
  });

  test('a bad severity names the deepest path', () => {
    expect(configError(withConfig(`{"rules": {"${RULE}": "of"}}`))).toBe(
      `/tree/.cfglint.json: rules.${RULE} must be equal to one of the allowed values ("off", "error", "warning", "info")`,
    );
    expect(configError(withConfig(`{"rules": {"${RULE}": {"severity": "fatal"}}}`))).toBe(
      `/tree/.cfglint.json: rules.${RULE}.severity must be equal to one of the allowed values ("off", "error", "warning", "info")`,
    );
  });

  test('a bad key names the key', () => {
    expect(configError(withConfig('{"nginx": {"includeMap": {"etc/nginx": "nginx"}}}'))).toBe(
      '/tree/.cfglint.json: nginx.includeMap["etc/nginx"] key must match pattern "^/"',
    );
    expect(configError(withConfig('{"nginx": {"includeMap": {"/etc/nginx": 1}}}'))).toBe('/tree/.cfglint.json: nginx.includeMap["/etc/nginx"] must be string');
  });

  test('an unknown rule id, with a suggestion', () => {
    expect(configError(withConfig('{"rules": {"upstream-keepalive-http1": "off"}}'))).toBe(
      '/tree/.cfglint.json: rules.upstream-keepalive-http1 is not a known rule; did you mean "upstream-keepalive-http10"?',
    );
    expect(configError(withConfig('{"rules": {"keepalive-upstream-http10x": "off"}}'))).not.toContain('did you mean');
    expect(configError(withConfig('{"rules": {"no-such-rule": "off"}}'))).toBe('/tree/.cfglint.json: rules.no-such-rule is not a known rule');
  });

  test('--config FILE that does not exist, or is not a file', () => {
    const files = { 'conf.d/app.conf': KEEPALIVE_CONF, 'ci/x': '' };
    expect(configError(() => lint(files, { configPath: 'ci/missing.json' }))).toBe('config file not found: ci/missing.json');
    expect(configError(() => lint(files, { configPath: 'ci' }))).toBe('cannot read config file ci: not a regular file');
  });

  test('a config file that cannot be read', () => {
    const inner = memoryFileSystem({ '.cfglint.json': '{}', 'conf.d/app.conf': KEEPALIVE_CONF }, '/tree');
    const fs: FileSystem = {
      ...inner,
      read(path) {
        if (path.endsWith('.cfglint.json')) throw new Error(`cannot read ${path}: permission denied`);
        return inner.read(path);
      },
    };
    expect(configError(() => lintSync({ cwd: '/tree', fs, paths: ['.'] }))).toBe('cannot read /tree/.cfglint.json: permission denied');
  });

  test('a config object given to the API is checked the same way', () => {
    expect(configError(() => lint({ 'a.conf': '' }, { config: { failOn: 'sometimes' } as never }))).toBe(
      'config: failOn must be equal to one of the allowed values ("error", "warning", "info", "never")',
    );
    expect(configError(() => lint({ 'a.conf': '' }, { config: { rules: { 'upstream-keepalive-http1': 'off' } } }))).toBe(
      'config: rules.upstream-keepalive-http1 is not a known rule; did you mean "upstream-keepalive-http10"?',
    );
  });
});
