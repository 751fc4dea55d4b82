/**
 * Maven resource filtering (src/readers/spring-boot/maven-filtering.ts): `@name@` in a Spring
 * Boot file the build filters is a value written at build time, not the YAML error an unquoted
 * `@` is (a reserved indicator). Trees are written to disk and read by the real engine; the
 * expected lines are those of the placeholders in the files below.
 */
import { lintDiskTree, readDiskTree } from '../../disk-tree';
import type { SpringBootBackend } from '../../../src/readers/tomcat/tomcat-backend';

const STARTER_PARENT =
  '<parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>3.3.0</version><relativePath/></parent>';

/** jeecgboot/JeecgBoot's shape: the root POM extends the starter parent, filters src/main/resources and sets the values in profiles. */
const JEECG_ROOT_POM = `<project>
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.jeecg</groupId>
  <artifactId>jeecg-boot-parent</artifactId>
  <version>1.0</version>
  <packaging>pom</packaging>
  ${STARTER_PARENT}
  <modules><module>jeecg-server-cloud</module></modules>
  <build>
    <plugins><plugin><groupId>org.springframework.boot</groupId><artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins>
    <resources>
      <resource><directory>src/main/resources</directory><filtering>true</filtering></resource>
      <resource><directory>src/main/java</directory><includes><include>**/*.xml</include></includes></resource>
    </resources>
  </build>
  <profiles>
    <profile><id>dev</id><activation><activeByDefault>true</activeByDefault></activation>
      <properties><config.server-addr>jeecg-boot-nacos:8848</config.server-addr><config.group>DEFAULT_GROUP</config.group></properties>
    </profile>
  </profiles>
</project>
`;

const middlePom = (parentArtifact: string) => `<project>
  <parent><groupId>org.jeecg</groupId><artifactId>${parentArtifact}</artifactId><version>1.0</version></parent>
  <artifactId>jeecg-server-cloud</artifactId>
  <packaging>pom</packaging>
  <modules><module>jeecg-system-cloud-start</module></modules>
</project>
`;

const START_POM = `<project>
  <parent><groupId>org.jeecg</groupId><artifactId>jeecg-server-cloud</artifactId><version>1.0</version></parent>
  <artifactId>jeecg-system-cloud-start</artifactId>
  <dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency></dependencies>
</project>
`;

const START = 'jeecg-server-cloud/jeecg-system-cloud-start';
const APPLICATION_YML = `${START}/src/main/resources/application.yml`;
/** Unquoted placeholders on lines 10, 11 and 14; a quoted one on line 16. */
const JEECG_YML = [
  'server:',
  '  port: 7001',
  '  address: 127.0.0.1',
  'spring:',
  '  application:',
  '    name: jeecg-system',
  '  cloud:',
  '    nacos:',
  '      config:',
  '        server-addr: @config.server-addr@',
  '        group: @config.group@',
  '      discovery:',
  '        server-addr: ${spring.cloud.nacos.config.server-addr}',
  '        group: @config.group@',
  'info:',
  '  version: "@project.version@"',
  '',
].join('\n');
const PLACEHOLDER_LINES = [10, 11, 14];

const jeecgTree = (rootPom = JEECG_ROOT_POM, middleParent = 'jeecg-boot-parent') => ({
  'pom.xml': rootPom,
  'jeecg-server-cloud/pom.xml': middlePom(middleParent),
  [`${START}/pom.xml`]: START_POM,
  [APPLICATION_YML]: JEECG_YML,
});

const yamlSyntaxLines = (files: Record<string, string>) =>
  lintDiskTree(files)
    .filter((finding) => finding.ruleId === 'yaml-syntax')
    .map((finding) => `${finding.severity} ${finding.primary.file}:${finding.primary.start.line}`);

const springBoot = (files: Record<string, string>) =>
  readDiskTree(files).model.backends.filter((backend): backend is SpringBootBackend => backend.kind === 'spring-boot');

describe('a file the Maven build filters', () => {
  test('jeecg shape (filtering inherited from the root POM, two parents up): no yaml-syntax finding', () => {
    expect(yamlSyntaxLines(jeecgTree())).toEqual([]);
  });

  test('jeecg shape: the literal port and address are still read', () => {
    const [backend] = springBoot(jeecgTree());
    expect(backend.name).toBe(START);
    expect(backend.listeners[0].address).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 7001 });
    expect(backend.settings.get('server.port')?.source).toMatchObject({ kind: 'file', span: { file: APPLICATION_YML, start: { line: 2 } } });
  });

  test('the starter parent alone filters application*.yml: its own resources, @ its delimiter', () => {
    const files = {
      'pom.xml': `<project>${STARTER_PARENT}<artifactId>app</artifactId></project>\n`,
      'src/main/resources/application.yml': 'server:\n  port: 8081\ninfo:\n  version: @project.version@\n',
    };
    expect(yamlSyntaxLines(files)).toEqual([]);
  });

  test('a setting written by a placeholder is unknown: neither an error nor the default 8080', () => {
    const files = {
      'app/pom.xml': `<project>${STARTER_PARENT}<artifactId>app</artifactId><properties><server.port>9000</server.port></properties></project>\n`,
      'app/src/main/resources/application.yml': 'server:\n  port: @server.port@\n',
      'app/src/main/resources/application-prod.properties': 'server.port=@prod.port@\n',
    };
    expect(yamlSyntaxLines(files)).toEqual([]);
    const backends = springBoot(files);
    expect(backends.map((backend) => [backend.name, backend.settings.get('server.port')?.value, backend.settings.get('server.port')?.text])).toEqual([
      ['app', undefined, '@server.port@'],
      ['app [profile prod]', undefined, '@prod.port@'],
    ]);
  });
});

describe('a file no Maven build filters keeps its error (an unquoted @ starts no YAML value)', () => {
  test('the same file in a project without filtering (no starter parent, no filtered resource)', () => {
    const files = { ...jeecgTree(`<project><artifactId>jeecg-boot-parent</artifactId><modules><module>jeecg-server-cloud</module></modules></project>\n`) };
    expect(yamlSyntaxLines(files)).toEqual(PLACEHOLDER_LINES.map((line) => `error ${APPLICATION_YML}:${line}`));
  });

  test('a parent the tree does not hold under that artifactId is not followed (Maven takes it from a repository)', () => {
    expect(yamlSyntaxLines(jeecgTree(JEECG_ROOT_POM, 'another-parent'))).toEqual(PLACEHOLDER_LINES.map((line) => `error ${APPLICATION_YML}:${line}`));
  });

  test("the project's own unfiltered resources replace the starter parent's", () => {
    const files = {
      'pom.xml': `<project>${STARTER_PARENT}<artifactId>app</artifactId><build><resources><resource><directory>src/main/resources</directory></resource></resources></build></project>\n`,
      'src/main/resources/application.yml': 'server:\n  port: 8081\ninfo:\n  version: @project.version@\n',
    };
    expect(yamlSyntaxLines(files)).toEqual(['error src/main/resources/application.yml:4']);
  });

  test('a Gradle build (processResources expands ${…}, not @…@)', () => {
    const files = {
      'build.gradle':
        "plugins { id 'org.springframework.boot' version '3.3.0' }\nprocessResources { filesMatching('application*') { expand(project.properties) } }\n",
      'src/main/resources/application.yml': 'server:\n  port: 8081\ninfo:\n  version: @project.version@\n',
    };
    expect(yamlSyntaxLines(files)).toEqual(['error src/main/resources/application.yml:4']);
  });

  test('a quoted @project.version@ was never an error, filtered or not', () => {
    const quoted = 'server:\n  port: 8081\ninfo:\n  version: "@project.version@"\n';
    expect(yamlSyntaxLines({ 'build.gradle': "plugins { id 'org.springframework.boot' }\n", 'src/main/resources/application.yml': quoted })).toEqual([]);
    expect(
      yamlSyntaxLines({ 'pom.xml': `<project>${STARTER_PARENT}<artifactId>app</artifactId></project>\n`, 'src/main/resources/application.yml': quoted }),
    ).toEqual([]);
  });
});
