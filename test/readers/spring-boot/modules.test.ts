/**
 * Multi-module builds: the modules of the same build on an application's runtime classpath decide
 * its web stack (WebApplicationType.deduceFromClasspath) and add their classpath application.yaml
 * (read once per name, the application's own first: StandardConfigDataLocationResolver). Trees
 * are written to disk and read by the real engine; expected values come from Spring Boot's and
 * Tomcat's defaults and the values written in the trees.
 */
import type { Finding } from '../../../src/engine/findings';
import type { SpringBootBackend } from '../../../src/readers/tomcat/tomcat-backend';
import { lintDiskTree, readDiskTree } from '../../disk-tree';

const springBoot = (tree: Record<string, string>): SpringBootBackend[] =>
  readDiskTree(tree).model.backends.filter((b): b is SpringBootBackend => b.kind === 'spring-boot');
const at = (f: Finding) => `${f.ruleId} ${f.severity} ${f.primary.file}:${f.primary.start.line}`;
const keepAliveRules = (findings: Finding[]) =>
  findings
    .filter((f) => f.ruleId.startsWith('upstream-keepalive'))
    .map(at)
    .sort();

/** nginx keeps idle upstream connections 120 s and reuses each for 1000 requests, past Tomcat's 60 s and 100. */
const NGINX_KEEPALIVE = [
  'events {}',
  'http {',
  '    upstream app {',
  '        server 127.0.0.1:8090;',
  '        keepalive 16;',
  '        keepalive_timeout 120s;',
  '        keepalive_requests 1000;',
  '    }',
  '    server {',
  '        listen 80;',
  '        location / {',
  '            proxy_http_version 1.1;',
  '            proxy_set_header Connection "";',
  '            proxy_pass http://app;',
  '        }',
  '    }',
  '}',
  '',
].join('\n');

const PORT_8090 = 'server:\n  port: 8090\n';

/** halo's layout: the application gets its starters through a module of the build. */
function gradleTree(application: string, api: string, more: Record<string, string> = {}): Record<string, string> {
  return {
    'settings.gradle': "rootProject.name = 'demo'\ninclude 'api', 'application'\n",
    'api/build.gradle': `plugins { id 'java-library' }\ndependencies {\n${api}\n}\n`,
    'application/build.gradle': `plugins { id 'org.springframework.boot' version '3.3.0' }\ndependencies {\n${application}\n}\n`,
    'application/src/main/resources/application.yaml': PORT_8090,
    'nginx/nginx.conf': NGINX_KEEPALIVE,
    ...more,
  };
}

const pom = (artifactId: string, dependencies: string, plugins = '') =>
  `<project><modelVersion>4.0.0</modelVersion><parent><groupId>x</groupId><artifactId>parent</artifactId><version>1</version></parent>
<artifactId>${artifactId}</artifactId><dependencies>${dependencies}</dependencies>${plugins}</project>\n`;
const dependency = (groupId: string, artifactId: string, extra = '') =>
  `<dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId>${extra}</dependency>`;
const BOOT_PLUGIN =
  '<build><plugins><plugin><groupId>org.springframework.boot</groupId><artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build>';

/** apollo's layout: `app` depends on the sibling module `common`, whose classpath holds an application.yaml. */
function mavenTree(files: Record<string, string>, modules = ['common', 'app']): Record<string, string> {
  return {
    'pom.xml': `<project><groupId>x</groupId><artifactId>parent</artifactId><version>1</version><packaging>pom</packaging>
<modules>${modules.map((module) => `<module>${module}</module>`).join('')}</modules></project>\n`,
    'common/pom.xml': pom('common', dependency('org.springframework.boot', 'spring-boot-starter-web')),
    'app/pom.xml': pom('app', dependency('${project.groupId}', 'common', '<version>1</version>'), BOOT_PLUGIN),
    'app/src/main/resources/application.yml': 'server:\n  port: 8080\n',
    ...files,
  };
}

/** nginx admits 4 × 16k = 65536 bytes of request head, more than 16384. */
const NGINX_HEADERS =
  'events {}\nhttp {\n    large_client_header_buffers 4 16k;\n    server {\n        listen 80;\n        location / { proxy_pass http://127.0.0.1:8080; }\n    }\n}\n';

describe('the web stack follows the runtime classpath', () => {
  test('WebFlux through `implementation project(":api")` and api\'s `api`: Reactor Netty, no Tomcat keep-alive findings', () => {
    const tree = gradleTree("    implementation project(':api')", "    api 'org.springframework.boot:spring-boot-starter-webflux'");
    expect(springBoot(tree).map((b) => [b.name, b.reactive])).toEqual([['application', true]]);
    expect(keepAliveRules(lintDiskTree(tree))).toEqual([]);
  });

  test("a dependency's `implementation` is on the runtime classpath too (not its consumers' compile classpath)", () => {
    const tree = gradleTree("    implementation(project(':api'))", "    implementation project(':core')", {
      'settings.gradle': "include(':api', ':application', ':core')\n",
      'core/build.gradle': "dependencies {\n    implementation 'org.springframework.boot:spring-boot-starter-webflux'\n}\n",
    });
    expect(springBoot(tree).map((b) => b.reactive)).toEqual([true]);
  });

  test('Maven: WebFlux through a sibling module is reactive', () => {
    const tree = mavenTree({
      'common/pom.xml': pom('common', dependency('org.springframework.boot', 'spring-boot-starter-webflux')),
      'app/src/main/resources/application.yml': PORT_8090,
      'nginx/nginx.conf': NGINX_KEEPALIVE,
    });
    expect(springBoot(tree).map((b) => [b.name, b.reactive])).toEqual([['app', true]]);
    expect(keepAliveRules(lintDiskTree(tree))).toEqual([]);
  });

  test('Spring MVC through a module keeps embedded Tomcat: its 60 s keepAliveTimeout and 100 requests are judged', () => {
    const tree = gradleTree("    implementation project(':api')", "    api 'org.springframework.boot:spring-boot-starter-web'");
    expect(keepAliveRules(lintDiskTree(tree))).toEqual([
      'upstream-keepalive-requests info nginx/nginx.conf:7',
      'upstream-keepalive-timeout error nginx/nginx.conf:6',
    ]);
  });

  test('WebFlux and Spring MVC from two modules: the servlet stack wins', () => {
    const tree = gradleTree(
      "    implementation project(':api')\n    runtimeOnly project(':web')",
      "    api 'org.springframework.boot:spring-boot-starter-webflux'",
      {
        'settings.gradle': "include 'api', 'application', 'web'\n",
        'web/build.gradle': "dependencies {\n    api 'org.springframework.boot:spring-boot-starter-web'\n}\n",
      },
    );
    expect(springBoot(tree).map((b) => b.reactive)).toEqual([undefined]);
    expect(keepAliveRules(lintDiskTree(tree))).toContain('upstream-keepalive-timeout error nginx/nginx.conf:6');
  });

  test('compileOnly, test and platform dependencies bring nothing to run: Tomcat stays', () => {
    for (const declared of ["    compileOnly project(':api')", "    testImplementation project(':api')", "    implementation platform(project(':api'))"]) {
      const tree = gradleTree(declared, "    api 'org.springframework.boot:spring-boot-starter-webflux'");
      expect(keepAliveRules(lintDiskTree(tree))).toContain('upstream-keepalive-timeout error nginx/nginx.conf:6');
    }
  });

  test('no settings.gradle: no module graph, the module is read on its own as before', () => {
    const tree = gradleTree("    implementation project(':api')", "    api 'org.springframework.boot:spring-boot-starter-webflux'");
    delete tree['settings.gradle'];
    expect(springBoot(tree).map((b) => b.reactive)).toEqual([undefined]);
  });
});

describe("a module's classpath application.yaml", () => {
  test("the library's value configures the application that depends on it, and the library is no application of its own", () => {
    const tree = mavenTree({
      'common/src/main/resources/application.yaml': 'server:\n  max-http-request-header-size: 16384\n',
      'nginx/nginx.conf': NGINX_HEADERS,
    });
    const backends = springBoot(tree);
    expect(backends.map((b) => b.name)).toEqual(['app']);
    expect(backends[0].connector.settings.get('maxHttpHeaderSize')?.value).toBe(16384);
    expect(lintDiskTree(tree).map(at)).toEqual(['header-size-backend warning common/src/main/resources/application.yaml:2']);
  });

  test("the application's own file of the same name shadows the library's: Spring reads the first on the classpath", () => {
    const tree = mavenTree({
      'app/src/main/resources/application.yml': 'server:\n  port: 8080\n',
      'common/src/main/resources/application.yml': 'server:\n  max-http-request-header-size: 16384\n',
    });
    const [backend] = springBoot(tree);
    expect(backend.connector.settings.get('maxHttpHeaderSize')).toMatchObject({ value: 8192, source: { kind: 'default' } });
  });

  test('.yml beats .yaml within classpath:/, whichever module holds them', () => {
    const tree = mavenTree({
      'app/src/main/resources/application.yml': 'server:\n  port: 8080\n  tomcat:\n    accept-count: 50\n',
      'common/src/main/resources/application.yaml': 'server:\n  tomcat:\n    accept-count: 5000\n    max-connections: 300\n',
    });
    const [backend] = springBoot(tree);
    expect(backend.connector.settings.get('acceptCount')?.value).toBe(50);
    expect(backend.connector.settings.get('maxConnections')?.value).toBe(300);
  });

  test('two libraries with the same file name: which is first on the classpath is not in the tree, so their keys are undetermined', () => {
    const tree = mavenTree(
      {
        'app/pom.xml': pom('app', dependency('x', 'common') + dependency('x', 'other'), BOOT_PLUGIN),
        'other/pom.xml': pom('other', ''),
        'common/src/main/resources/application.yaml': 'server:\n  tomcat:\n    accept-count: 5000\n',
        'other/src/main/resources/application.yaml': 'server:\n  tomcat:\n    max-connections: 300\n',
      },
      ['common', 'other', 'app'],
    );
    const [backend] = springBoot(tree);
    expect(backend.connector.settings.get('acceptCount')?.value).toBeUndefined();
    expect(backend.connector.settings.get('maxConnections')?.value).toBeUndefined();
  });

  test('a consumed module that runs on its own (its own boot plugin) stays an application', () => {
    const tree = mavenTree(
      {
        'assembly/pom.xml': pom('assembly', dependency('x', 'app'), BOOT_PLUGIN),
        'assembly/src/main/resources/application.yml': 'server:\n  port: 9000\n',
      },
      ['common', 'app', 'assembly'],
    );
    expect(springBoot(tree).map((b) => b.name)).toEqual(['app', 'assembly']);
  });

  test('a consumed module with a main class and no plugin of its own stays an application', () => {
    const tree = mavenTree(
      {
        'app/pom.xml': pom('app', dependency('x', 'common')),
        'assembly/pom.xml': pom('assembly', dependency('x', 'app'), BOOT_PLUGIN),
        'app/src/main/java/x/App.java': '@SpringBootApplication\npublic class App {}\n',
      },
      ['common', 'app', 'assembly'],
    );
    expect(springBoot(tree).map((b) => b.name)).toEqual(['app', 'assembly']);
    delete tree['app/src/main/java/x/App.java'];
    expect(springBoot(tree).map((b) => b.name)).toEqual(['assembly']);
  });

  test('a module with the boot plugin and no files of its own runs with its library files', () => {
    const tree = mavenTree({ 'common/src/main/resources/application.yaml': 'server:\n  port: 8081\n' });
    delete tree['app/src/main/resources/application.yml'];
    const backends = springBoot(tree);
    expect(backends.map((b) => [b.name, b.listeners[0].address])).toEqual([['app', { kind: 'tcp', host: '0.0.0.0', port: 8081 }]]);
  });

  test("a library's files outside src/main/resources are in no jar: they configure nothing", () => {
    const tree = mavenTree({ 'common/application.yml': 'server:\n  port: 8081\n' });
    delete tree['app/src/main/resources/application.yml'];
    expect(springBoot(tree)).toEqual([]);
  });

  test('without <modules> in a parent POM there is no module graph: each directory with files is an application, as before', () => {
    const tree = mavenTree({ 'common/src/main/resources/application.yaml': 'server:\n  max-http-request-header-size: 16384\n' });
    tree['pom.xml'] = '<project><groupId>x</groupId><artifactId>parent</artifactId><version>1</version><packaging>pom</packaging></project>\n';
    expect(springBoot(tree).map((b) => b.name)).toEqual(['app', 'common']);
  });
});
