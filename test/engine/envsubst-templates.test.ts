/**
 * envsubst templates of the official nginx image, through the whole engine: rendered with the
 * container's environment where the image's entrypoint writes them, read and linked as nginx,
 * every position in the template.
 */
import { isUnknownValue } from '../../src/discovery/template';
import { memoryFileSystem, MemoryTree } from '../../src/discovery/fs';
import { lintSync } from '../../src/engine/run';
import { readTree } from '../../src/engine/read-tree';
import type { NginxDirective } from '../../src/readers/nginx';
import { lintDiskTree } from '../disk-tree';

const lint = (tree: MemoryTree) => lintSync({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree), config: {} }).report.findings;

/** Every directive read from the file shown as `file`, depth first. */
function directivesOf(tree: MemoryTree, file: string): NginxDirective[] {
  const { nginx } = readTree({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree), config: {} });
  const parsed = [...nginx.files.values()].find((candidate) => candidate.source.file === file);
  if (!parsed) throw new Error(`${file} was not read`);
  const out: NginxDirective[] = [];
  const walk = (list: NginxDirective[]) =>
    list.forEach((directive) => {
      out.push(directive);
      if (directive.block) walk(directive.block);
    });
  walk(parsed.directives);
  return out;
}
const argsOf = (directives: NginxDirective[], name: string) => directives.find((directive) => directive.name === name)?.args.map((arg) => arg.value);

const TEMPLATE = [
  'upstream app {',
  '    server web:8000;',
  '    keepalive 16;',
  '    keepalive_timeout ${UPSTREAM_TIMEOUT};',
  '}',
  'server {',
  '    listen 80;',
  '    location / {',
  '        proxy_http_version 1.1;',
  '        proxy_set_header Connection "";',
  '        proxy_set_header Host $host;',
  '        proxy_set_header X-Undefined ${NOT_IN_ENV};',
  '        proxy_pass http://app;',
  '    }',
  '}',
  '',
].join('\n');

/** gunicorn gthread closes idle connections after 2s: any upstream keepalive_timeout of 2s or more races it. */
const WEB = ['  web:', '    image: python:3.12', '    command: gunicorn app:app --bind 0.0.0.0:8000 --worker-class gthread'];

function composeTree(nginxService: string[], extra: MemoryTree = {}, template = TEMPLATE): MemoryTree {
  return {
    'docker-compose.yml': ['services:', ...nginxService, ...WEB, ''].join('\n'),
    'templates/default.conf.template': template,
    ...extra,
  };
}
const officialWith = (environment: string[]) => [
  '  nginx:',
  '    image: nginx:1.27-alpine',
  '    volumes:',
  '      - ./templates:/etc/nginx/templates:ro',
  ...(environment.length > 0 ? ['    environment:', ...environment] : []),
];
const keepaliveFindings = (tree: MemoryTree) => lint(tree).filter((finding) => finding.ruleId === 'upstream-keepalive-timeout');

describe('templates the official nginx image renders', () => {
  it("judges a value the compose environment gives, at the template's line", () => {
    const findings = keepaliveFindings(composeTree(officialWith(['      UPSTREAM_TIMEOUT: 60s'])));
    expect(findings).toHaveLength(1);
    expect(findings[0].primary.file).toBe('templates/default.conf.template');
    expect(findings[0].primary.start.line).toBe(4);
    expect(findings[0].message).toContain('60s');
    // 1s is shorter than gunicorn's 2s: nothing to report.
    expect(keepaliveFindings(composeTree(officialWith(['      - UPSTREAM_TIMEOUT=1s'])))).toEqual([]);
  });

  it('points a finding on a substituted value at the placeholder that wrote it', () => {
    const tree = composeTree(officialWith(['      UPSTREAM_TIMEOUT: banana']));
    const onValue = lint(tree).find((finding) => finding.primary.file === 'templates/default.conf.template' && finding.message.includes('banana'));
    expect(onValue).toBeDefined();
    const line = TEMPLATE.split('\n')[3];
    // `${UPSTREAM_TIMEOUT}` on line 4: from its `$` to just after its `}`.
    expect(onValue!.primary.start).toMatchObject({ line: 4, column: line.indexOf('${') + 1 });
    expect(onValue!.primary.end).toMatchObject({ line: 4, column: line.indexOf('}') + 2 });
  });

  it('takes suppression comments where the template has them, even after a value longer than its placeholder', () => {
    const template = TEMPLATE.replace(
      '    keepalive_timeout',
      '    # cfglint-disable-next-line upstream-keepalive-timeout -- gunicorn is tuned elsewhere\n    keepalive_timeout',
    ).replace('server web:8000;', 'server ${BACKEND};');
    const tree = composeTree(officialWith(['      BACKEND: web:8000 max_fails=3 fail_timeout=10s', '      UPSTREAM_TIMEOUT: 60s']), {}, template);
    expect(keepaliveFindings(tree)).toEqual([]);
    expect(lintSync({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree), config: {} }).report.summary.suppressed).toBe(1);
  });

  it('keeps variables the environment does not define as written, so nginx variables stay nginx variables', () => {
    const directives = directivesOf(composeTree(officialWith(['      UPSTREAM_TIMEOUT: 60s'])), 'templates/default.conf.template');
    const headers = directives.filter((directive) => directive.name === 'proxy_set_header').map((directive) => directive.args.map((arg) => arg.value));
    expect(headers).toContainEqual(['Host', '$host']);
    expect(headers).toContainEqual(['X-Undefined', '${NOT_IN_ENV}']);
    expect(argsOf(directives, 'keepalive_timeout')).toEqual(['60s']);
  });

  it('leaves a variable whose value the tree does not give unknown, and judges nothing on it', () => {
    // `- NAME` without a value passes the value of the shell that runs compose.
    const tree = composeTree(officialWith(['      - UPSTREAM_TIMEOUT']));
    expect(keepaliveFindings(tree)).toEqual([]);
    const value = argsOf(directivesOf(tree, 'templates/default.conf.template'), 'keepalive_timeout')?.[0];
    expect(isUnknownValue(value ?? '')).toBe(true);
  });

  it('takes values from an env_file of the tree, with environment: winning', () => {
    const fromFile = composeTree([...officialWith([]), '    env_file: nginx.env'], { 'nginx.env': 'UPSTREAM_TIMEOUT=75s\n' });
    expect(keepaliveFindings(fromFile).map((finding) => finding.message.includes('75s'))).toEqual([true]);
    const overridden = composeTree([...officialWith(['      UPSTREAM_TIMEOUT: 1s']), '    env_file: nginx.env'], { 'nginx.env': 'UPSTREAM_TIMEOUT=75s\n' });
    expect(keepaliveFindings(overridden)).toEqual([]);
  });

  it("takes a compose variable's default or the project's .env value, as Compose interpolates environment: (read from disk)", () => {
    const tree = (extra: Record<string, string> = {}) => ({
      'docker-compose.yml': ['services:', ...officialWith(['      UPSTREAM_TIMEOUT: ${NGINX_UPSTREAM_TIMEOUT:-60s}']), ...WEB, ''].join('\n'),
      'templates/default.conf.template': TEMPLATE,
      ...extra,
    });
    const messages = (files: Record<string, string>) =>
      lintDiskTree(files)
        .filter((f) => f.ruleId === 'upstream-keepalive-timeout')
        .map((f) => f.message.includes('60s'));
    expect(messages(tree())).toEqual([true]);
    // The project's .env gives 1s, shorter than gunicorn's 2s: nothing to report.
    expect(messages(tree({ '.env': 'NGINX_UPSTREAM_TIMEOUT=1s\n' }))).toEqual([]);
  });

  it('renders in a service that runs the image another service of its project builds, by that exact name (read from disk)', () => {
    const tree = (image: string) => ({
      Dockerfile: ['FROM nginx:1.25', 'ENV UPSTREAM_TIMEOUT=30s', 'COPY templates/ /etc/nginx/templates/', ''].join('\n'),
      'templates/default.conf.template': TEMPLATE,
      'docker-compose.yml': [
        'services:',
        '  proxy-image:',
        '    image: proxy:local',
        '    build: .',
        '    command: ["true"]',
        '  nginx:',
        `    image: ${image}`,
        ...WEB,
        '',
      ].join('\n'),
    });
    const onDisk = (files: Record<string, string>) => lintDiskTree(files).filter((finding) => finding.ruleId === 'upstream-keepalive-timeout');
    expect(onDisk(tree('proxy:local')).map((finding) => [finding.primary.start.line, finding.message.includes('30s')])).toEqual([[4, true]]);
    // proxy:latest is another name: that image is not the tree's, and nothing says it renders templates.
    expect(onDisk(tree('proxy:latest'))).toEqual([]);
  });

  it('renders with the ENV of a Dockerfile FROM the official image that COPYs the templates', () => {
    const tree: MemoryTree = {
      Dockerfile: ['FROM nginx:1.25', 'ENV UPSTREAM_TIMEOUT=30s', 'COPY templates/ /etc/nginx/templates/', ''].join('\n'),
      'templates/default.conf.template': TEMPLATE,
      'docker-compose.yml': ['services:', '  nginx:', '    build: .', ...WEB, ''].join('\n'),
    };
    expect(keepaliveFindings(tree).map((finding) => [finding.primary.start.line, finding.message.includes('30s')])).toEqual([[4, true]]);
  });

  it("leaves names a Dockerfile's container may get at run time unknown, and keeps lower-case nginx variables", () => {
    // No compose service runs the image: `docker run -e` or an ECS task may set any variable.
    const tree: MemoryTree = {
      Dockerfile: ['FROM nginx', 'ENV BACKEND=web:8000', 'COPY default.conf.template /etc/nginx/templates/default.conf.template', ''].join('\n'),
      'default.conf.template': TEMPLATE.replace('server web:8000;', 'server ${BACKEND};'),
    };
    const directives = directivesOf(tree, 'default.conf.template');
    expect(argsOf(directives, 'server')).toEqual(['web:8000']);
    expect(isUnknownValue(argsOf(directives, 'keepalive_timeout')?.[0] ?? '')).toBe(true);
    const headers = directives.filter((directive) => directive.name === 'proxy_set_header').map((directive) => directive.args.map((arg) => arg.value));
    expect(headers).toContainEqual(['Host', '$host']);
    expect(isUnknownValue(headers.find((header) => header[0] === 'X-Undefined')?.[1] ?? '')).toBe(true);
  });

  it("honours NGINX_ENVSUBST_TEMPLATE_DIR, _TEMPLATE_SUFFIX and _OUTPUT_DIR, and the tree's nginx.conf includes the output", () => {
    const tree: MemoryTree = {
      'docker-compose.yml': [
        'services:',
        '  nginx:',
        '    image: nginx',
        '    volumes:',
        '      - ./nginx.conf:/etc/nginx/nginx.conf:ro',
        '      - ./tpl:/opt/tpl',
        '    environment:',
        '      NGINX_ENVSUBST_TEMPLATE_DIR: /opt/tpl',
        '      NGINX_ENVSUBST_TEMPLATE_SUFFIX: .in',
        '      NGINX_ENVSUBST_OUTPUT_DIR: /etc/nginx/sites',
        '      UPSTREAM_TIMEOUT: 60s',
        ...WEB,
        '',
      ].join('\n'),
      'nginx.conf': 'events {}\nhttp {\n    include /etc/nginx/sites/*.conf;\n}\n',
      'tpl/app.conf.in': TEMPLATE,
      // Not the configured suffix: the script leaves it alone, and cfglint reads it as a template.
      'tpl/other.conf.template': 'upstream other { server web:8000; keepalive 4; keepalive_timeout ${UPSTREAM_TIMEOUT}; }\n',
    };
    const findings = keepaliveFindings(tree);
    expect(findings.map((finding) => `${finding.primary.file}:${finding.primary.start.line}`)).toEqual(['tpl/app.conf.in:4']);
    const { model } = readTree({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree), config: {} });
    // Read inside nginx.conf's http block through the include, not as a snippet on its own.
    expect(model.nginx.roots.map((root) => `${root.kind} ${root.file}`)).toContain('main nginx.conf');
    expect(model.nginx.roots.some((root) => root.file === 'tpl/app.conf.in')).toBe(false);
  });

  it('substitutes only the names NGINX_ENVSUBST_FILTER lets through', () => {
    const tree = composeTree(officialWith(['      NGINX_ENVSUBST_FILTER: ^APP_', '      UPSTREAM_TIMEOUT: 60s']));
    expect(argsOf(directivesOf(tree, 'templates/default.conf.template'), 'keepalive_timeout')).toEqual(['${UPSTREAM_TIMEOUT}']);
  });

  it("reports a syntax error of a rendering whose every value is known as nginx's, in the template", () => {
    // `}` in the value closes the upstream block early: the template's `;` after the placeholder
    // (line 4, column 42) is then an empty directive, and its own `}` on line 5 is one too many.
    const findings = lint(composeTree(officialWith(['      UPSTREAM_TIMEOUT: "1s; }"'])));
    expect(findings.filter((finding) => finding.ruleId === 'template-unreadable')).toEqual([]);
    expect(
      findings
        .filter((finding) => finding.ruleId === 'nginx-syntax')
        .map((finding) => `${finding.primary.file}:${finding.primary.start.line}:${finding.primary.start.column}`),
    ).toEqual(['templates/default.conf.template:4:42', 'templates/default.conf.template:5:1']);
  });

  it('reads a template tolerantly, as before, where no official image renders it', () => {
    const cases: [string, string[]][] = [
      [
        'another image',
        [
          '  nginx:',
          '    image: bitnami/nginx:1.25',
          '    volumes:',
          '      - ./templates:/etc/nginx/templates',
          '    environment:',
          '      UPSTREAM_TIMEOUT: 60s',
        ],
      ],
      [
        'a release before templates',
        ['  nginx:', '    image: nginx:1.18', '    volumes:', '      - ./templates:/etc/nginx/templates', '    environment:', '      UPSTREAM_TIMEOUT: 60s'],
      ],
      [
        'another directory',
        ['  nginx:', '    image: nginx', '    volumes:', '      - ./templates:/srv/templates', '    environment:', '      UPSTREAM_TIMEOUT: 60s'],
      ],
      // docker-entrypoint.sh runs its scripts only when the command is nginx or nginx-debug.
      ['another command', [...officialWith(['      UPSTREAM_TIMEOUT: 60s']), '    command: ["/bin/sh", "-c", "exec nginx -g \'daemon off;\'"]']],
      ['another entrypoint', [...officialWith(['      UPSTREAM_TIMEOUT: 60s']), '    entrypoint: ["/start.sh"]']],
    ];
    for (const [why, service] of cases) {
      const tree = composeTree(service);
      expect([why, keepaliveFindings(tree)]).toEqual([why, []]);
      const value = argsOf(directivesOf(tree, 'templates/default.conf.template'), 'keepalive_timeout')?.[0];
      expect([why, isUnknownValue(value ?? '')]).toEqual([why, true]);
    }
  });

  it('renders with /docker-entrypoint.sh named again and an nginx command', () => {
    const tree = composeTree([
      ...officialWith(['      UPSTREAM_TIMEOUT: 60s']),
      '    entrypoint: ["/docker-entrypoint.sh"]',
      '    command: ["nginx-debug", "-g", "daemon off;"]',
    ]);
    expect(keepaliveFindings(tree)).toHaveLength(1);
  });
});

describe("an entrypoint script of the tree that hands over to the image's own", () => {
  // The official image's docker-entrypoint.sh runs /docker-entrypoint.d (and so renders the
  // templates) when it gets the command `nginx`; a wrapper that ends `exec /docker-entrypoint.sh "$@"`
  // gives it the container's command unchanged.
  const wrapped = (script: string, dockerfile: string[] = []) => ({
    'nginx/Dockerfile': [
      'FROM nginx:1.27-alpine',
      'COPY default.conf.template /etc/nginx/templates/',
      'COPY entrypoint.sh /usr/local/bin/',
      'ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]',
      'CMD ["nginx", "-g", "daemon off;"]',
      ...dockerfile,
      '',
    ].join('\n'),
    'nginx/default.conf.template': TEMPLATE,
    'nginx/entrypoint.sh': script,
    'docker-compose.yml': ['services:', '  nginx:', '    build: ./nginx', '    environment:', '      UPSTREAM_TIMEOUT: 60s', ...WEB, ''].join('\n'),
  });
  const keepalive = (files: Record<string, string>) =>
    lintDiskTree(files)
      .filter((finding) => finding.ruleId === 'upstream-keepalive-timeout')
      .map((finding) => `${finding.primary.file}:${finding.primary.start.line} ${finding.message.includes('60s')}`);

  it('renders the templates the image holds, with the environment and what the script exports', () => {
    expect(keepalive(wrapped('#!/bin/sh\nset -e\necho starting\nexec /docker-entrypoint.sh "$@"\n'))).toEqual(['nginx/default.conf.template:4 true']);
    const exported = wrapped('#!/bin/sh\nexport UPSTREAM_TIMEOUT=45s\nexec /docker-entrypoint.sh "$@"\n');
    expect(lintDiskTree(exported).find((finding) => finding.ruleId === 'upstream-keepalive-timeout')?.message).toContain('45s');
  });

  it('renders nothing where the script does not end by handing its arguments to /docker-entrypoint.sh, or the command is not nginx', () => {
    const cases: [string, Record<string, string>][] = [
      ['runs its arguments itself', wrapped('#!/bin/sh\nexec "$@"\n')],
      ['hands over only in an if', wrapped('#!/bin/sh\nif [ "$1" = nginx ]; then\n  exec /docker-entrypoint.sh "$@"\nfi\nexec "$@"\n')],
      ['a command that is not nginx', wrapped('#!/bin/sh\nexec /docker-entrypoint.sh "$@"\n', ['CMD ["sh", "-c", "nginx -g \'daemon off;\'"]'])],
    ];
    for (const [why, files] of cases) expect([why, keepalive(files)]).toEqual([why, []]);
  });

  it("renders neither of two templates the script copies into place in an if/else (openmrs's gateway)", () => {
    const script = [
      '#!/bin/sh',
      'mkdir -p /etc/nginx/templates',
      'if [ -n "${SSL_DOMAIN}" ]; then',
      '  cp /etc/nginx/conf-templates/ssl.conf.template /etc/nginx/templates/default.conf.template',
      'else',
      '  cp /etc/nginx/conf-templates/default.conf.template /etc/nginx/templates/default.conf.template',
      'fi',
      'exec /docker-entrypoint.sh "$@"',
      '',
    ].join('\n');
    const files = {
      'nginx/Dockerfile': [
        'FROM nginx:1.27-alpine',
        'COPY default.conf.template ssl.conf.template /etc/nginx/conf-templates/',
        'COPY entrypoint.sh /usr/local/bin/',
        'ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]',
        'CMD ["nginx", "-g", "daemon off;"]',
        '',
      ].join('\n'),
      'nginx/default.conf.template': TEMPLATE,
      'nginx/ssl.conf.template': TEMPLATE,
      'nginx/entrypoint.sh': script,
      'docker-compose.yml': ['services:', '  nginx:', '    build: ./nginx', '    environment:', '      UPSTREAM_TIMEOUT: 60s', ...WEB, ''].join('\n'),
    };
    expect(keepalive(files)).toEqual([]);
  });
});
