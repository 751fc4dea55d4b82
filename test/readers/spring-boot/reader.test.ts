/**
 * The Spring Boot reader: application.properties / application.yml into a backend with embedded
 * Tomcat's connector. Defaults and precedence follow Spring Boot's ServerProperties,
 * TomcatWebServerFactoryCustomizer and the config-data rules (see src/readers/spring-boot/index.ts);
 * expected values are written by hand.
 */
import { memoryFileSystem, MemoryTree } from '../../../src/discovery/fs';
import { readTree } from '../../../src/engine/read-tree';
import type { Launch } from '../../../src/readers/launch/launch';
import { connectorsServingPort } from '../../../src/model/tomcat';
import { SpringBootBackend } from '../../../src/readers/tomcat/tomcat-backend';
import type { Span } from '../../../src/source/span';
import { readSpringBoot } from '../../../src/readers/spring-boot';
import { lintTree } from '../../harness';

const read = (tree: MemoryTree) => readTree({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} });
const springBoot = (tree: MemoryTree): SpringBootBackend[] => read(tree).model.backends.filter((b): b is SpringBootBackend => b.kind === 'spring-boot');
const setting = (backend: SpringBootBackend, name: string) => backend.connector.settings.get(name as never);
const where = (backend: SpringBootBackend, name: string) => {
  const source = setting(backend, name)?.source;
  return source?.kind === 'file' ? `${source.span.file}:${source.span.start.line}:${source.span.start.column}` : source?.kind;
};
const RESOURCES = 'app/src/main/resources';

describe('defaults', () => {
  const [backend] = springBoot({ [`${RESOURCES}/application.properties`]: 'spring.application.name=demo\n' });

  test('embedded Tomcat on 8080, all addresses, HTTP', () => {
    expect(backend.listeners).toHaveLength(1);
    expect(backend.listeners[0].address).toEqual({ kind: 'tcp', host: '0.0.0.0', port: 8080 });
    expect(backend.listeners[0].protocol).toBe('http');
    expect(backend.name).toBe('app');
    expect(backend.variant).toBe('default');
  });

  test("Tomcat's connectionTimeout 60000 ms (Spring has none of its own), keepAliveTimeout follows it", () => {
    expect(setting(backend, 'connectionTimeout')?.value).toBe(60000);
    expect(setting(backend, 'keepAliveTimeout')?.value).toBe(60000);
    expect(setting(backend, 'maxKeepAliveRequests')?.value).toBe(100);
    expect(setting(backend, 'acceptCount')?.value).toBe(100);
    expect(setting(backend, 'maxThreads')?.value).toBe(200);
    expect(setting(backend, 'maxHttpRequestHeaderSize')?.value).toBe(8192);
  });

  test('multipart limits 1MB / 10MB', () => {
    expect(backend.settings.get('spring.servlet.multipart.max-file-size')?.value).toBe(1048576);
    expect(backend.settings.get('spring.servlet.multipart.max-request-size')?.value).toBe(10485760);
  });
});

describe('values from the files', () => {
  test('application.yml: nested keys, durations, sizes, the span of each value', () => {
    const [backend] = springBoot({
      [`${RESOURCES}/application.yml`]: [
        'server:',
        '  port: 9090',
        '  address: 127.0.0.1',
        '  max-http-request-header-size: 16KB',
        '  tomcat:',
        '    connection-timeout: 5s',
        '    keep-alive-timeout: PT65S',
        '    max-keep-alive-requests: -1',
        '    threads:',
        '      max: 50',
        'spring.servlet.multipart.max-request-size: 50MB',
        '',
      ].join('\n'),
    });
    expect(backend.listeners[0].address).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 9090 });
    expect(backend.listeners[0].span.start).toMatchObject({ line: 2, column: 9 });
    expect(setting(backend, 'connectionTimeout')?.value).toBe(5000);
    expect(setting(backend, 'keepAliveTimeout')?.value).toBe(65000);
    expect(where(backend, 'keepAliveTimeout')).toBe(`${RESOURCES}/application.yml:7:25`);
    expect(setting(backend, 'maxKeepAliveRequests')?.value).toBe(Infinity);
    expect(setting(backend, 'maxThreads')?.value).toBe(50);
    expect(setting(backend, 'maxHttpRequestHeaderSize')?.value).toBe(16384);
    expect(backend.settings.get('spring.servlet.multipart.max-request-size')).toMatchObject({ value: 52428800, text: '50MB', unit: 'bytes' });
  });

  test('application.properties: relaxed names, key: value, a duration without unit is ms', () => {
    const [backend] = springBoot({
      [`${RESOURCES}/application.properties`]: 'server.port: 8081\nserver.tomcat.keepAliveTimeout=20000\nserver.tomcat.connection_timeout = 3s\n',
    });
    expect(backend.listeners[0].address).toMatchObject({ port: 8081 });
    expect(setting(backend, 'keepAliveTimeout')?.value).toBe(20000);
    expect(where(backend, 'keepAliveTimeout')).toBe(`${RESOURCES}/application.properties:2:32`);
    expect(setting(backend, 'connectionTimeout')?.value).toBe(3000);
  });

  test('keep-alive-timeout unset: connection-timeout is the source', () => {
    const [backend] = springBoot({ [`${RESOURCES}/application.properties`]: 'server.tomcat.connection-timeout=10s\n' });
    expect(setting(backend, 'keepAliveTimeout')?.value).toBe(10000);
    expect(where(backend, 'keepAliveTimeout')).toBe(`${RESOURCES}/application.properties:1:34`);
  });

  test('the older server.max-http-header-size still counts; the newer name wins', () => {
    const [older] = springBoot({ [`${RESOURCES}/application.properties`]: 'server.max-http-header-size=32KB\n' });
    expect(setting(older, 'maxHttpRequestHeaderSize')?.value).toBe(32768);
    const [both] = springBoot({ [`${RESOURCES}/application.properties`]: 'server.max-http-header-size=32KB\nserver.max-http-request-header-size=4KB\n' });
    expect(setting(both, 'maxHttpRequestHeaderSize')?.value).toBe(4096);
  });

  test('a value Spring cannot bind is undetermined (Spring Boot does not start)', () => {
    const [backend] = springBoot({
      [`${RESOURCES}/application.properties`]: 'spring.servlet.multipart.max-file-size=10mb\nserver.tomcat.keep-alive-timeout=20 s\n',
    });
    expect(backend.settings.get('spring.servlet.multipart.max-file-size')?.value).toBeUndefined();
    expect(setting(backend, 'keepAliveTimeout')?.value).toBeUndefined();
  });

  test('accept-count 0 is not applied (only values > 0 are): Tomcat keeps 100', () => {
    const [backend] = springBoot({ [`${RESOURCES}/application.properties`]: 'server.tomcat.accept-count=0\n' });
    expect(setting(backend, 'acceptCount')?.value).toBe(100);
  });

  test('placeholders: another property, a default, an unknown name', () => {
    const [a] = springBoot({ [`${RESOURCES}/application.properties`]: 'app.port=9000\nserver.port=${app.port}\n' });
    expect(a.listeners[0].address).toMatchObject({ port: 9000 });
    const [b] = springBoot({ [`${RESOURCES}/application.properties`]: 'server.port=${PORT:8082}\n' });
    expect(b.listeners[0].address).toMatchObject({ port: 8082 });
    const [c] = springBoot({ [`${RESOURCES}/application.properties`]: 'server.port=${PORT}\n' });
    expect(c.listeners[0].address).toEqual({ kind: 'other', text: 'port ${PORT} (not determined by the tree)' });
  });

  test('placeholders past the budget: the value is not determined, and no default stands in for it', () => {
    const notDetermined = { kind: 'other', text: 'port ${p10} (not determined by the tree)' };
    // Six references per level, ten levels: 6^10 lookups if followed naively (about a minute before).
    const wide = Array.from({ length: 10 }, (_, i) => `p${i + 1}=${`\${p${i}}`.repeat(6)}`).join('\n');
    const [chain] = springBoot({ [`${RESOURCES}/application.properties`]: `p0=8\n${wide}\nserver.port=\${p10}\n` });
    expect(chain.listeners[0].address).toEqual(notDetermined);
    // The same chain with a default after it: Spring would resolve p10, not take 8080.
    const [withDefault] = springBoot({ [`${RESOURCES}/application.properties`]: `p0=8\n${wide}\nserver.port=\${p10:8080}\n` });
    expect(withDefault.listeners[0].address).toEqual({ kind: 'other', text: 'port ${p10:8080} (not determined by the tree)' });
    // Within the budget a shorter chain resolves: 8 repeated 2^3 times.
    const [short] = springBoot({ [`${RESOURCES}/application.properties`]: 'p0=8\np1=${p0}${p0}\np2=${p1}${p1}\np3=${p2}${p2}\nserver.port=${p3}\n' });
    expect(short.listeners[0].address).toMatchObject({ port: 88888888 });
  });

  test('defaults nested 20,000 deep: read without a stack overflow, not determined', () => {
    const nested = `\${a:`.repeat(20_000) + '8080' + '}'.repeat(20_000);
    const [deep] = springBoot({ [`${RESOURCES}/application.properties`]: `server.port=${nested}\n` });
    expect(deep.listeners[0].address).toMatchObject({ kind: 'other' });
    // A few levels are followed as Spring does.
    const [shallow] = springBoot({ [`${RESOURCES}/application.properties`]: 'server.port=${a:${b:${c:8083}}}\n' });
    expect(shallow.listeners[0].address).toMatchObject({ port: 8083 });
  });

  test('a default is read only when the name is not found (an unknown name in an unused default does not matter)', () => {
    const [used] = springBoot({ [`${RESOURCES}/application.properties`]: 'app.port=9000\nserver.port=${app.port:${PORT}}\n' });
    expect(used.listeners[0].address).toMatchObject({ port: 9000 });
    const [needed] = springBoot({ [`${RESOURCES}/application.properties`]: 'server.port=${app.port:${PORT}}\n' });
    expect(needed.listeners[0].address).toMatchObject({ kind: 'other' });
  });

  test('TLS when a keystore is configured', () => {
    const [backend] = springBoot({ [`${RESOURCES}/application.properties`]: 'server.port=8443\nserver.ssl.key-store=classpath:keystore.p12\n' });
    expect(backend.listeners[0].protocol).toBe('https');
    const [off] = springBoot({ [`${RESOURCES}/application.properties`]: 'server.ssl.key-store=classpath:keystore.p12\nserver.ssl.enabled=false\n' });
    expect(off.listeners[0].protocol).toBe('http');
  });

  test('server.port 0 is random, -1 means no HTTP listener', () => {
    const [zero] = springBoot({ [`${RESOURCES}/application.properties`]: 'server.port=0\n' });
    expect(zero.listeners[0].address).toEqual({ kind: 'other', text: 'port 0 (a random free port)' });
    const [off] = springBoot({ [`${RESOURCES}/application.properties`]: 'server.port=-1\n' });
    expect(off.listeners[0].address).toEqual({ kind: 'other', text: 'server.port -1: no HTTP listener' });
  });
});

describe('locations and precedence', () => {
  test('.properties wins over .yml in one location; config/ wins over the classpath root', () => {
    const [backend] = springBoot({
      [`${RESOURCES}/application.yml`]: 'server:\n  port: 1111\n  tomcat:\n    accept-count: 10\n',
      [`${RESOURCES}/application.properties`]: 'server.port=2222\n',
      [`${RESOURCES}/config/application.properties`]: 'server.tomcat.accept-count=20\n',
    });
    expect(backend.listeners[0].address).toMatchObject({ port: 2222 });
    expect(setting(backend, 'acceptCount')?.value).toBe(20);
    expect(backend.files).toEqual([`${RESOURCES}/application.yml`, `${RESOURCES}/application.properties`, `${RESOURCES}/config/application.properties`]);
  });

  test('one application per project directory; test resources make no backend', () => {
    const backends = springBoot({
      [`a/${RESOURCES.slice(4)}/application.properties`]: 'server.port=8081\n',
      [`b/${RESOURCES.slice(4)}/application.properties`]: 'server.port=8082\n',
      'b/src/test/resources/application.properties': 'server.port=0\n',
    });
    expect(backends.map((b) => [b.name, b.listeners[0].address.kind === 'tcp' && b.listeners[0].address.port])).toEqual([
      ['a', 8081],
      ['b', 8082],
    ]);
  });
});

describe('which applications are Spring Boot', () => {
  test('Quarkus and Micronaut read the same file names: no backend', () => {
    expect(
      springBoot({
        [`q/${RESOURCES.slice(4)}/application.properties`]: 'quarkus.http.port=8081\n',
        [`m/${RESOURCES.slice(4)}/application.yml`]: 'micronaut:\n  server:\n    port: 8082\n',
        'h/pom.xml': '<project><dependencies><dependency><groupId>io.helidon.webserver</groupId></dependency></dependencies></project>',
        [`h/${RESOURCES.slice(4)}/application.yaml`]: 'server:\n  port: 8083\n',
      }),
    ).toEqual([]);
  });

  test('a build file that uses Spring Boot is enough, whatever the keys', () => {
    const backends = springBoot({
      'app/pom.xml': '<project><parent><artifactId>spring-boot-starter-parent</artifactId></parent></project>',
      [`${RESOURCES}/application.properties`]: 'logging.level.root=INFO\n',
    });
    expect(backends.map((b) => b.listeners[0].address)).toEqual([{ kind: 'tcp', host: '0.0.0.0', port: 8080 }]);
  });
});

describe('reactive applications run on Reactor Netty, not Tomcat', () => {
  const pom = (dependencies: string) =>
    `<project>\n  <parent><artifactId>spring-boot-starter-parent</artifactId></parent>\n  <dependencies>\n${dependencies}  </dependencies>\n</project>\n`;
  const dependency = (artifact: string, exclusions = '') => `    <dependency><artifactId>${artifact}</artifactId>${exclusions}</dependency>\n`;
  const app = (build: string, properties = 'server.port=8201\n') =>
    springBoot({ 'app/pom.xml': build, [`${RESOURCES}/application.properties`]: properties })[0];

  test('Spring Cloud Gateway (macrozheng/mall-swarm): no idle timeout, no request limit, no Tomcat limits', () => {
    const gateway = app(
      pom(
        dependency('spring-cloud-starter-gateway') +
          dependency('mall-common', '<exclusions><exclusion><artifactId>spring-boot-starter-web</artifactId></exclusion></exclusions>'),
      ),
    );
    expect(gateway.reactive).toBe(true);
    expect(gateway.listeners[0].keepAlive).toMatchObject({ kind: 'idleTimeout', timeout: { name: 'server.netty.idle-timeout', value: undefined } });
    expect(gateway.listeners[0].address).toMatchObject({ port: 8201 });
  });

  test('server.netty.idle-timeout is the idle timeout when set', () => {
    const webflux = app(pom(dependency('spring-boot-starter-webflux')), 'server.netty.idle-timeout=5s\n');
    expect(webflux.listeners[0].keepAlive).toMatchObject({ kind: 'idleTimeout', timeout: { value: 5000 } });
  });

  test('with the servlet starter too, or web-application-type=servlet, it is Tomcat', () => {
    expect(app(pom(dependency('spring-boot-starter-webflux') + dependency('spring-boot-starter-web'))).reactive).toBeUndefined();
    expect(app(pom(dependency('spring-boot-starter-webflux')), 'spring.main.web-application-type=servlet\n').reactive).toBeUndefined();
    expect(app(pom(dependency('spring-boot-starter-web')), 'spring.main.web-application-type=reactive\n').reactive).toBe(true);
  });
});

describe('profiles', () => {
  test('no profile activated: the default profile, plus one backend per profile that changes a server setting', () => {
    const backends = springBoot({
      [`${RESOURCES}/application.yml`]:
        'server:\n  port: 8080\n---\nspring:\n  config:\n    activate:\n      on-profile: prod\nserver:\n  tomcat:\n    keep-alive-timeout: 5s\n',
      [`${RESOURCES}/application-dev.properties`]: 'server.port=8081\n',
      [`${RESOURCES}/application-local.properties`]: 'logging.level.root=DEBUG\n',
    });
    expect(backends.map((b) => [b.name, b.variant, b.profiles])).toEqual([
      ['app', 'default', []],
      ['app [profile dev]', 'profile', ['dev']],
      ['app [profile prod]', 'profile', ['prod']],
    ]);
    const [base, dev, prod] = backends;
    expect(base.listeners[0].address).toMatchObject({ port: 8080 });
    expect(setting(base, 'keepAliveTimeout')?.value).toBe(60000);
    expect(dev.listeners[0].address).toMatchObject({ port: 8081 });
    expect(setting(prod, 'keepAliveTimeout')?.value).toBe(5000);
    expect(where(prod, 'keepAliveTimeout')).toBe(`${RESOURCES}/application.yml:10:25`);
  });

  test('spring.profiles.active in the base: only those profiles, in order, later wins', () => {
    const backends = springBoot({
      [`${RESOURCES}/application.properties`]: 'spring.profiles.active=a,b\nserver.port=8080\n',
      [`${RESOURCES}/application-a.properties`]: 'server.port=8081\nserver.tomcat.accept-count=7\n',
      [`${RESOURCES}/application-b.properties`]: 'server.port=8082\n',
      [`${RESOURCES}/application-c.properties`]: 'server.port=8083\n',
    });
    expect(backends).toHaveLength(1);
    expect(backends[0].profiles).toEqual(['a', 'b']);
    expect(backends[0].listeners[0].address).toMatchObject({ port: 8082 });
    expect(setting(backends[0], 'acceptCount')?.value).toBe(7);
  });

  test("Maven's @spring.profiles.active@, filled in at build time (JHipster): no profile the tree activates, so each is an alternative", () => {
    const backends = springBoot({
      [`${RESOURCES}/config/application.yml`]: "spring:\n  profiles:\n    active: '@spring.profiles.active@'\nserver:\n  port: 8080\n",
      [`${RESOURCES}/config/application-prod.yml`]: 'server:\n  port: 9000\n',
    });
    expect(backends.map((b) => [b.name, b.variant, b.listeners[0].address])).toEqual([
      ['app', 'default', expect.objectContaining({ port: 8080 })],
      ['app [profile prod]', 'profile', expect.objectContaining({ port: 9000 })],
    ]);
  });

  test('application-default.* applies when no profile is activated', () => {
    const [backend] = springBoot({
      [`${RESOURCES}/application.properties`]: 'server.port=8080\n',
      [`${RESOURCES}/application-default.properties`]: 'server.port=8090\n',
    });
    expect(backend.profiles).toEqual(['default']);
    expect(backend.listeners[0].address).toMatchObject({ port: 8090 });
  });

  test('properties documents (#---) with spring.config.activate.on-profile', () => {
    const backends = springBoot({ [`${RESOURCES}/application.properties`]: 'server.port=8080\n#---\nspring.config.activate.on-profile=k8s\nserver.port=80\n' });
    expect(backends.map((b) => b.listeners[0].address.kind === 'tcp' && b.listeners[0].address.port)).toEqual([8080, 80]);
  });
});

describe('the process that runs the application', () => {
  const at = (file: string): Span => ({ file, start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } });
  const launch = (file: string, program: string, argv: string[], env: Record<string, string> = {}): Launch => ({
    kind: 'dockerfile',
    file,
    program,
    argv: argv.map((value) => ({ value, span: at(file) })),
    env: new Map(Object.entries(env).map(([name, value]) => [name, { value, span: at(file) }])),
    span: at(file),
    stopSignal: { value: 'SIGTERM' },
    stopSignalReaches: true,
    wrappers: [],
    externalEnv: [],
  });
  const context = (tree: MemoryTree) => ({
    fs: memoryFileSystem(tree, '/tree'),
    displayPath: (absolute: string) => absolute.replace(/^\/tree\//, ''),
    treeFiles: Object.keys(tree).map((path) => `/tree/${path}`),
    lintRoots: ['/tree'],
  });
  const tree = {
    [`${RESOURCES}/application.properties`]: 'server.port=8080\nserver.tomcat.keep-alive-timeout=20s\n',
    'app/application-prod.properties': 'server.port=7000\n',
  };
  const files = Object.keys(tree).map((path) => `/tree/${path}`);

  test('--server.port after the jar wins over SERVER_PORT, which wins over the files', () => {
    const { backends } = readSpringBoot(
      files,
      [launch('app/Dockerfile', 'java', ['java', '-Dserver.tomcat.keep-alive-timeout=30s', '-jar', 'app.jar', '--server.port=9000'], { SERVER_PORT: '9100' })],
      context(tree),
    );
    expect(backends[0].listeners[0].address).toMatchObject({ port: 9000 });
    expect(backends[0].connector.settings.get('keepAliveTimeout')?.value).toBe(30000);
    expect(backends[0].launchedBy?.map((l) => l.file)).toEqual(['app/Dockerfile']);
  });

  test('SPRING_PROFILES_ACTIVE from a compose file above the application', () => {
    const { backends } = readSpringBoot(
      files,
      [launch('compose.yaml', 'java', ['java', '-jar', 'app.jar'], { SPRING_PROFILES_ACTIVE: 'prod' })],
      context(tree),
    );
    expect(backends.map((b) => b.profiles)).toEqual([['prod']]);
    expect(backends[0].listeners[0].address).toMatchObject({ port: 7000 });
  });

  test('a launch elsewhere in the tree, or one that runs something else, does not apply', () => {
    const { backends } = readSpringBoot(
      files,
      [
        launch('other/Dockerfile', 'java', ['java', '-jar', 'x.jar', '--server.port=1'], {}),
        launch('app/Procfile', 'gunicorn', ['gunicorn', 'app:app'], { PORT: '5' }),
      ],
      context(tree),
    );
    expect(backends[0].listeners[0].address).toMatchObject({ port: 8080 });
  });

  test('two launches that disagree leave the value undetermined', () => {
    const { backends } = readSpringBoot(
      files,
      [
        launch('app/Dockerfile', 'java', ['java', '-jar', 'app.jar'], { SERVER_PORT: '9001' }),
        launch('app/deploy.service', 'java', ['java', '-jar', 'app.jar'], { SERVER_PORT: '9002' }),
      ],
      context(tree),
    );
    expect(backends[0].listeners[0].address.kind).toBe('other');
  });
});

describe('reader findings and queries', () => {
  test('a YAML syntax error is a positioned yaml-syntax finding; the rest is still read', () => {
    const findings = lintTree({ name: 'x', tree: { [`${RESOURCES}/application.yml`]: 'server:\n  port: 8080\n  tomcat: [\n' } });
    const syntax = findings.filter((f) => f.ruleId === 'yaml-syntax');
    expect(syntax.length).toBeGreaterThan(0);
    expect(syntax[0].primary.file).toBe(`${RESOURCES}/application.yml`);
    expect(syntax[0].primary.start.line).toBe(4);
  });

  test("connectorsServingPort finds Spring Boot's connector too", () => {
    const { model } = read({ [`${RESOURCES}/application.properties`]: 'server.port=8085\nserver.tomcat.keep-alive-timeout=7s\n' });
    const [served] = connectorsServingPort(model, 8085);
    expect(served.backend.kind).toBe('spring-boot');
    expect(served.connector.settings.get('keepAliveTimeout')).toMatchObject({ value: 7000, text: '7s' });
  });

  test('# comments in application.yml and .properties are kept for suppressions', () => {
    const { readerOutputs } = read({
      [`${RESOURCES}/application.yml`]: '# cfglint-disable-next-line x -- y\nserver:\n  port: 8080 # trailing\n',
      [`${RESOURCES}/application.properties`]: '! note\nserver.port=8080\n',
    });
    const comments = new Map(readerOutputs.flatMap((output) => [...output.comments]));
    expect(comments.get(`${RESOURCES}/application.yml`)?.map((c) => c.text)).toEqual([' cfglint-disable-next-line x -- y']);
    expect(comments.get(`${RESOURCES}/application.properties`)?.map((c) => c.text)).toEqual([' note']);
  });
});
