/**
 * Spring Cloud's bootstrap files (bootstrap.yml, bootstrap-{profile}.yml): read when the build
 * enables the bootstrap context (spring-cloud-starter-bootstrap, a release train before 2020.0,
 * or the process's spring.cloud.bootstrap.enabled=true), below every application file; left
 * unknown where the tree does not say. Trees are written to disk and read by the real engine;
 * the expected ports are the ones the trees write, picked as Spring Cloud would
 * (BootstrapApplicationListener, PropertyUtils.bootstrapEnabled).
 */
import { linkDeployment } from '../../../src/model/links';
import type { SpringBootBackend } from '../../../src/readers/tomcat/tomcat-backend';
import { readDiskTree } from '../../disk-tree';

const springBoot = (tree: Record<string, string>): SpringBootBackend[] =>
  readDiskTree(tree).model.backends.filter((b): b is SpringBootBackend => b.kind === 'spring-boot');
const ports = (tree: Record<string, string>) =>
  springBoot(tree).map((b) => {
    const address = b.listeners[0].address;
    return [b.name, address.kind === 'tcp' ? address.port : address.kind];
  });
const portOf = (tree: Record<string, string>) => springBoot(tree)[0].settings.get('server.port');
/** `address -> backend name` for every link of the tree. */
const links = (tree: Record<string, string>) =>
  linkDeployment(readDiskTree(tree).model).map((link) => `${link.target.address.text} -> ${link.backend.kind} ${link.backend.name}`);

const GATEWAY = 'gw/src/main/resources';
const dependency = (artifactId: string, groupId = 'org.springframework.cloud') =>
  `<dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId></dependency>`;

/**
 * yangzongzhuan/RuoYi-Cloud's layout: the aggregator POM puts spring-cloud-starter-bootstrap in
 * its own <dependencies>, which every module inherits; the gateway module keeps server.port in
 * bootstrap.yml only; compose builds the gateway's directory and nginx proxies to the service.
 */
function ruoyiTree(rootDependencies: string, files: Record<string, string>, properties = '<spring-cloud.version>2025.1.0</spring-cloud.version>') {
  return {
    'pom.xml': `<project><groupId>com.ruoyi</groupId><artifactId>ruoyi</artifactId><version>1</version><packaging>pom</packaging>
<properties>${properties}</properties>
<modules><module>gw</module></modules>
<dependencies>${rootDependencies}</dependencies></project>\n`,
    'gw/pom.xml': `<project><parent><groupId>com.ruoyi</groupId><artifactId>ruoyi</artifactId><version>1</version></parent>
<artifactId>gw</artifactId><dependencies>${dependency('spring-boot-starter-web', 'org.springframework.boot')}${dependency('spring-cloud-starter-alibaba-nacos-config', 'com.alibaba.cloud')}</dependencies></project>\n`,
    'gw/Dockerfile': 'FROM eclipse-temurin:17\nCOPY target/gw.jar /app/gw.jar\nENTRYPOINT ["java","-jar","/app/gw.jar"]\n',
    'docker-compose.yml':
      'services:\n  nginx:\n    image: nginx\n    volumes:\n      - ./nginx/nginx.conf:/etc/nginx/nginx.conf\n  gw:\n    build:\n      context: ./gw\n',
    'nginx/nginx.conf': 'events {}\nhttp {\n  server {\n    listen 80;\n    location /api/ { proxy_pass http://gw:9527; }\n  }\n}\n',
    ...files,
  };
}

const STARTER = dependency('spring-cloud-starter-bootstrap');
const BOOTSTRAP_9527 = 'server:\n  port: 9527\nspring:\n  application:\n    name: gw\n';

describe('spring-cloud-starter-bootstrap on the classpath: bootstrap files are read', () => {
  test("the gateway's port in bootstrap.yml, the starter inherited from the parent POM: nginx's gw:9527 links", () => {
    const tree = ruoyiTree(STARTER, { [`${GATEWAY}/bootstrap.yml`]: BOOTSTRAP_9527 });
    expect(ports(tree)).toEqual([['gw', 9527]]);
    expect(links(tree)).toEqual(['gw:9527 -> spring-boot gw']);
  });

  test("application.yml's port beats bootstrap.yml's: bootstrap properties are defaults", () => {
    const tree = ruoyiTree(STARTER, {
      [`${GATEWAY}/bootstrap.yml`]: BOOTSTRAP_9527,
      [`${GATEWAY}/application.yml`]: 'server:\n  port: 8081\n',
    });
    expect(ports(tree)).toEqual([['gw', 8081]]);
    expect(links(tree)).toEqual([]);
    // What application.yml leaves unset still comes from bootstrap.yml.
    const [backend] = springBoot({
      ...tree,
      [`${GATEWAY}/bootstrap.properties`]: 'server.tomcat.accept-count=7\n',
    });
    expect(backend.connector.settings.get('acceptCount')?.value).toBe(7);
  });

  test('the starter in the module itself, and in a sibling module it depends on, count too', () => {
    const own = ruoyiTree('', { [`${GATEWAY}/bootstrap.yml`]: BOOTSTRAP_9527 });
    own['gw/pom.xml'] = own['gw/pom.xml'].replace('</dependencies>', `${STARTER}</dependencies>`);
    expect(ports(own)).toEqual([['gw', 9527]]);
    const sibling = ruoyiTree('', {
      [`${GATEWAY}/bootstrap.yml`]: BOOTSTRAP_9527,
      'common/pom.xml': `<project><parent><groupId>com.ruoyi</groupId><artifactId>ruoyi</artifactId><version>1</version></parent>
<artifactId>common</artifactId><dependencies>${STARTER}</dependencies></project>\n`,
    });
    sibling['pom.xml'] = sibling['pom.xml'].replace('<module>gw</module>', '<module>common</module><module>gw</module>');
    sibling['gw/pom.xml'] = sibling['gw/pom.xml'].replace('</dependencies>', `${dependency('common', 'com.ruoyi')}</dependencies>`);
    expect(ports(sibling)).toEqual([['gw', 9527]]);
    // A test-scoped starter is not on the runtime classpath.
    const testScope = ruoyiTree('', {
      [`${GATEWAY}/bootstrap.yml`]: BOOTSTRAP_9527,
      [`${GATEWAY}/application.yml`]: 'spring:\n  application:\n    name: gw\n',
    });
    testScope['gw/pom.xml'] = testScope['gw/pom.xml'].replace(
      '</dependencies>',
      `${STARTER.replace('</dependency>', '<scope>test</scope></dependency>')}</dependencies>`,
    );
    expect(ports(testScope)).toEqual([['gw', 8080]]);
  });
});

describe('not enabled: bootstrap files are ignored', () => {
  test('Spring Cloud 2020.0 on without the starter: bootstrap.yml alone makes no backend, and gw:9527 does not link', () => {
    const tree = ruoyiTree('', { [`${GATEWAY}/bootstrap.yml`]: BOOTSTRAP_9527 });
    expect(springBoot(tree)).toEqual([]);
    expect(links(tree)).toEqual([]);
  });

  test('a starter commented out of the POM is not on the classpath', () => {
    expect(springBoot(ruoyiTree(`<!-- ${STARTER} -->`, { [`${GATEWAY}/bootstrap.yml`]: BOOTSTRAP_9527 }))).toEqual([]);
  });

  test("beside application.yml the port is Spring Boot's default 8080, not bootstrap.yml's", () => {
    const tree = ruoyiTree('', { [`${GATEWAY}/bootstrap.yml`]: BOOTSTRAP_9527, [`${GATEWAY}/application.yml`]: 'spring:\n  main:\n    banner-mode: off\n' });
    expect(ports(tree)).toEqual([['gw', 8080]]);
    expect(portOf(tree)?.source.kind).toBe('default');
  });

  test('spring.cloud.bootstrap.enabled in application.yml does not enable it (the listener runs before the file is read)', () => {
    const tree = ruoyiTree('', {
      [`${GATEWAY}/bootstrap.yml`]: BOOTSTRAP_9527,
      [`${GATEWAY}/application.yml`]: 'spring:\n  cloud:\n    bootstrap:\n      enabled: true\n',
    });
    expect(ports(tree)).toEqual([['gw', 8080]]);
  });

  test('the process enables it: SPRING_CLOUD_BOOTSTRAP_ENABLED=true in the service environment', () => {
    const tree = ruoyiTree('', {
      [`${GATEWAY}/bootstrap.yml`]: BOOTSTRAP_9527,
      [`${GATEWAY}/application.yml`]: 'spring:\n  main:\n    banner-mode: off\n',
      'docker-compose.yml':
        'services:\n  nginx:\n    image: nginx\n    volumes:\n      - ./nginx/nginx.conf:/etc/nginx/nginx.conf\n  gw:\n    build:\n      context: ./gw\n    environment:\n      SPRING_CLOUD_BOOTSTRAP_ENABLED: "true"\n',
    });
    expect(ports(tree)).toEqual([['gw', 9527]]);
    expect(links(tree)).toEqual(['gw:9527 -> spring-boot gw']);
  });
});

describe('release trains before 2020.0 read bootstrap files by default', () => {
  const hoxton = '<spring-cloud.version>Hoxton.SR12</spring-cloud.version>';

  test('Hoxton with a Spring Cloud starter: read', () => {
    expect(ports(ruoyiTree('', { [`${GATEWAY}/bootstrap.yml`]: BOOTSTRAP_9527 }, hoxton))).toEqual([['gw', 9527]]);
  });

  test('Hoxton, and the process sets spring.cloud.bootstrap.enabled=false: ignored', () => {
    const tree = ruoyiTree(
      '',
      { [`${GATEWAY}/bootstrap.yml`]: BOOTSTRAP_9527, [`${GATEWAY}/application.yml`]: 'spring:\n  main:\n    banner-mode: off\n' },
      hoxton,
    );
    tree['gw/Dockerfile'] =
      'FROM eclipse-temurin:17\nCOPY target/gw.jar /app/gw.jar\nENTRYPOINT ["java","-Dspring.cloud.bootstrap.enabled=false","-jar","/app/gw.jar"]\n';
    expect(ports(tree)).toEqual([['gw', 8080]]);
  });
});

describe('the tree does not say: nothing is guessed', () => {
  test('no build file: bootstrap.yml alone makes no backend', () => {
    // The tester's repro (no pom.xml): whether the bootstrap context runs is not in the tree.
    const tree = {
      [`${GATEWAY}/bootstrap.yml`]: BOOTSTRAP_9527,
      'gw/Dockerfile': 'FROM eclipse-temurin:17\nCOPY target/gw.jar /app/gw.jar\nENTRYPOINT ["java","-jar","/app/gw.jar"]\n',
    };
    expect(springBoot(tree)).toEqual([]);
  });

  test("no build file beside application.yml: the port bootstrap.yml sets is unknown, not Spring Boot's 8080", () => {
    const port = portOf({ [`${GATEWAY}/bootstrap.yml`]: BOOTSTRAP_9527, [`${GATEWAY}/application.yml`]: 'spring:\n  main:\n    banner-mode: off\n' });
    expect(port).toMatchObject({ value: undefined, text: '9527', source: { kind: 'file' } });
  });

  test('Spring Cloud whose release train the tree does not name: unknown', () => {
    const tree = ruoyiTree(
      '',
      { [`${GATEWAY}/bootstrap.yml`]: BOOTSTRAP_9527, [`${GATEWAY}/application.yml`]: 'spring:\n  main:\n    banner-mode: off\n' },
      '',
    );
    expect(portOf(tree)?.value).toBeUndefined();
  });
});

describe('profiles', () => {
  test("bootstrap.yml's spring.profiles.active picks bootstrap-{profile}.yml and activates the application's profile too", () => {
    const tree = ruoyiTree(STARTER, {
      [`${GATEWAY}/bootstrap.yml`]: 'spring:\n  profiles:\n    active: prod\nserver:\n  port: 9527\n',
      [`${GATEWAY}/bootstrap-prod.yml`]: 'server:\n  port: 9600\n  tomcat:\n    accept-count: 50\n',
      [`${GATEWAY}/bootstrap-dev.yml`]: 'server:\n  port: 9700\n',
      [`${GATEWAY}/application-prod.yml`]: 'server:\n  tomcat:\n    accept-count: 60\n',
    });
    const [backend, ...others] = springBoot(tree);
    expect(others).toEqual([]);
    expect(backend.profiles).toEqual(['prod']);
    expect(backend.listeners[0].address).toMatchObject({ port: 9600 });
    // application-prod.yml is above every bootstrap file.
    expect(backend.connector.settings.get('acceptCount')?.value).toBe(60);
  });

  test("a profile application.yml activates is not the bootstrap context's: bootstrap-dev.yml is not read", () => {
    const tree = ruoyiTree(STARTER, {
      [`${GATEWAY}/bootstrap.yml`]: BOOTSTRAP_9527,
      [`${GATEWAY}/bootstrap-dev.yml`]: 'server:\n  port: 9700\n',
      [`${GATEWAY}/application.yml`]: 'spring:\n  profiles:\n    active: dev\n',
    });
    expect(ports(tree)).toEqual([['gw [profiles dev]', 9527]]);
  });

  test('no profile activated: each bootstrap profile that changes a server setting is a variant of its own', () => {
    const tree = ruoyiTree(STARTER, {
      [`${GATEWAY}/bootstrap.yml`]: BOOTSTRAP_9527,
      [`${GATEWAY}/bootstrap-prod.yml`]: 'server:\n  port: 9600\n',
      [`${GATEWAY}/bootstrap-dev.yml`]: 'spring:\n  cloud:\n    nacos:\n      config:\n        server-addr: localhost:8848\n',
    });
    expect(ports(tree)).toEqual([
      ['gw', 9527],
      ['gw [profile prod]', 9600],
    ]);
  });
});
