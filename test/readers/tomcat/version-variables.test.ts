/**
 * The Tomcat release when the install step names its archive through a variable
 * (`apache-tomcat-${TOMCAT_VERSION}.tar.gz`, `apache-tomcat-{{ tomcat_version }}.tar.gz`), read
 * from disk by the real engine. `secretRequired` exists from 9.0.31, 8.5.51 and 7.0.100 (the
 * changelogs of February 2020; docs/servers/tomcat.md#ajp-secretrequired): an AJP connector
 * without a secret starts on 8.5.40 and 7.0.54 and fails on 9.0.80.
 */
import type { Finding } from '../../../src/engine/findings';
import type { TomcatBackend } from '../../../src/readers/tomcat/tomcat-backend';
import { lintDiskTree, readDiskTree } from '../../disk-tree';

const serverXml = (port = '8009') =>
  `<Server port="8005" shutdown="SHUTDOWN">\n<Service name="Catalina">\n<Connector port="8080" protocol="HTTP/1.1"/>\n<Connector port="${port}" protocol="AJP/1.3" redirectPort="8443"/>\n</Service>\n</Server>\n`;
const download = (mention: string) => `RUN curl -fsSL https://archive.apache.org/dist/tomcat/${mention}.tar.gz | tar xz -C /opt\n`;

function versionOf(tree: Record<string, string>) {
  const backends = readDiskTree(tree).model.backends.filter((backend): backend is TomcatBackend => backend.kind === 'tomcat');
  expect(backends).toHaveLength(1);
  const version = backends[0].version;
  if (version.kind === 'unknown') return 'unknown';
  return `${version.major}.${version.minor}.${version.patch} (${version.text}) at ${version.span.file}:${version.span.start.line}:${version.span.start.column}`;
}

const ajp = (tree: Record<string, string>) => lintDiskTree(tree).filter((finding) => finding.ruleId === 'tomcat-ajp-secret');
const described = (findings: Finding[]) => findings.map((f) => `${f.severity} ${f.primary.file}:${f.primary.start.line}`);

describe('a Dockerfile names the archive through ENV or ARG', () => {
  test('ENV before the RUN in the same stage: the value is the release', () => {
    const tree = {
      Dockerfile: `FROM eclipse-temurin:8-jre\nENV TOMCAT_VERSION=8.5.40\n${download('apache-tomcat-${TOMCAT_VERSION}')}`,
      'server.xml': serverXml(),
    };
    expect(versionOf(tree)).toBe('8.5.40 (apache-tomcat-${TOMCAT_VERSION}) at Dockerfile:2:20');
  });

  test('an ARG default, written $NAME, and a global ARG declared again in the stage', () => {
    const own = {
      Dockerfile: `FROM eclipse-temurin:17-jre\nARG TOMCAT_VERSION="9.0.80"\n${download('apache-tomcat-$TOMCAT_VERSION')}`,
      'server.xml': serverXml(),
    };
    expect(versionOf(own)).toBe('9.0.80 (apache-tomcat-$TOMCAT_VERSION) at Dockerfile:2:21');
    const global = {
      Dockerfile: `ARG TOMCAT_VERSION=9.0.80\nFROM eclipse-temurin:17-jre\nARG TOMCAT_VERSION\n${download('apache-tomcat-${TOMCAT_VERSION}')}`,
      'server.xml': serverXml(),
    };
    expect(versionOf(global)).toBe('9.0.80 (apache-tomcat-${TOMCAT_VERSION}) at Dockerfile:1:20');
  });

  test('a stage built on the one that sets ENV inherits it', () => {
    const tree = {
      Dockerfile: `FROM eclipse-temurin:8-jre AS base\nENV TOMCAT_VERSION=8.5.40\nFROM base\n${download('apache-tomcat-${TOMCAT_VERSION}')}`,
      'server.xml': serverXml(),
    };
    expect(versionOf(tree)).toBe('8.5.40 (apache-tomcat-${TOMCAT_VERSION}) at Dockerfile:2:20');
  });

  test.each([
    ['ENV after the RUN', `FROM eclipse-temurin:8-jre\n${download('apache-tomcat-${TOMCAT_VERSION}')}ENV TOMCAT_VERSION=8.5.40\n`],
    [
      'ENV in another stage',
      `FROM eclipse-temurin:8-jre AS fetch\nENV TOMCAT_VERSION=8.5.40\nFROM eclipse-temurin:8-jre\n${download('apache-tomcat-${TOMCAT_VERSION}')}`,
    ],
    ['an ARG without a default', `FROM eclipse-temurin:8-jre\nARG TOMCAT_VERSION\n${download('apache-tomcat-${TOMCAT_VERSION}')}`],
    [
      'ENV built from an ARG a --build-arg may replace',
      `FROM eclipse-temurin:8-jre\nARG V=8.5.40\nENV TOMCAT_VERSION=$V\n${download('apache-tomcat-${TOMCAT_VERSION}')}`,
    ],
    ['a variable of the base image', `FROM eclipse-temurin:8-jre\n${download('apache-tomcat-${TOMCAT_VERSION}')}`],
  ])('%s: not known', (_name, dockerfile) => {
    expect(versionOf({ Dockerfile: dockerfile, 'server.xml': serverXml() })).toBe('unknown');
  });

  test('an ARG default that a compose build.args or a script passes otherwise is not known', () => {
    const dockerfile = `FROM eclipse-temurin:8-jre\nARG TOMCAT_VERSION=8.5.40\n${download('apache-tomcat-${TOMCAT_VERSION}')}`;
    const compose = 'services:\n  app:\n    build:\n      context: .\n      args:\n        TOMCAT_VERSION: 9.0.80\n';
    expect(versionOf({ Dockerfile: dockerfile, 'compose.yaml': compose, 'server.xml': serverXml() })).toBe('unknown');
    expect(versionOf({ Dockerfile: dockerfile, 'build.sh': 'docker build --build-arg TOMCAT_VERSION=9.0.80 .\n', 'server.xml': serverXml() })).toBe('unknown');
  });
});

describe('an Ansible role names the archive through its own variable', () => {
  const task =
    '- name: Download Tomcat\n  get_url:\n    url: "https://archive.apache.org/dist/tomcat/apache-tomcat-{{ tc_tomcat_version }}.tar.gz"\n    dest: /opt\n';

  test('defaults/main.yml of the same role', () => {
    const tree = {
      'roles/tc/defaults/main.yml': 'tc_tomcat_version: "7.0.54"\n',
      'roles/tc/tasks/main.yml': task,
      'roles/tc/templates/server.xml.j2': serverXml('{{ tc_ajp_port }}'),
    };
    expect(versionOf(tree)).toBe('7.0.54 (apache-tomcat-{{ tc_tomcat_version }}) at roles/tc/defaults/main.yml:1:21');
  });

  test('vars/main.yml ranks above defaults/main.yml', () => {
    const tree = {
      'roles/tc/defaults/main.yml': 'tc_tomcat_version: 7.0.54\n',
      'roles/tc/vars/main.yml': 'tc_tomcat_version: 9.0.80\n',
      'roles/tc/tasks/main.yml': task,
      'roles/tc/templates/server.xml': serverXml(),
    };
    expect(versionOf(tree)).toBe('9.0.80 (apache-tomcat-{{ tc_tomcat_version }}) at roles/tc/vars/main.yml:1:20');
  });

  test.each([
    ['group_vars set it too', { 'group_vars/all.yml': 'tc_tomcat_version: 9.0.80\n' }],
    ['an inventory sets it too', { hosts: '[tomcat]\nweb1 tc_tomcat_version=9.0.80\n' }],
    ['only another role defines it', { 'roles/tc/defaults/main.yml': null, 'roles/other/defaults/main.yml': 'tc_tomcat_version: 7.0.54\n' }],
    ['its value is another expression', { 'roles/tc/defaults/main.yml': 'tc_tomcat_version: "{{ tomcat_major }}.0.54"\n' }],
  ])('%s: not known', (_name, changes) => {
    const tree: Record<string, string | null> = {
      'roles/tc/defaults/main.yml': 'tc_tomcat_version: 7.0.54\n',
      'roles/tc/tasks/main.yml': task,
      'roles/tc/templates/server.xml': serverXml(),
      ...changes,
    };
    const files = Object.fromEntries(Object.entries(tree).filter((entry): entry is [string, string] => entry[1] !== null));
    expect(versionOf(files)).toBe('unknown');
  });
});

describe('tomcat-ajp-secret with the release from a variable', () => {
  test('ENV TOMCAT_VERSION=8.5.40 (before 8.5.51): the connector starts, nothing to report', () => {
    const dockerfile = `FROM eclipse-temurin:8-jre\nENV TOMCAT_VERSION=8.5.40\n${download('tomcat-8/v${TOMCAT_VERSION}/bin/apache-tomcat-${TOMCAT_VERSION}')}`;
    expect(ajp({ Dockerfile: dockerfile, 'server.xml': serverXml() })).toEqual([]);
  });

  test('ENV TOMCAT_VERSION=9.0.80 (after 9.0.31): an error, pointing at the ENV value', () => {
    const dockerfile = `FROM eclipse-temurin:17-jre\nENV TOMCAT_VERSION=9.0.80\n${download('tomcat-9/v${TOMCAT_VERSION}/bin/apache-tomcat-${TOMCAT_VERSION}')}`;
    const findings = ajp({ Dockerfile: dockerfile, 'server.xml': serverXml() });
    expect(described(findings)).toEqual(['error server.xml:4']);
    expect(findings[0].related.map((r) => `${r.span.file}:${r.span.start.line}:${r.span.start.column} ${r.label}`)).toEqual([
      'Dockerfile:2:20 Tomcat 9.0.80 (apache-tomcat-${TOMCAT_VERSION}) requires a secret by default',
    ]);
  });

  test('an Ansible role pinning 7.0.54 (before 7.0.100): nothing to report; pinning 9.0.80: an error', () => {
    const tree = (version: string) => ({
      'roles/tc/defaults/main.yml': `TC_TOMCAT_VERSION: "${version}"\ntc_tomcat_package: "https://archive.apache.org/dist/tomcat/apache-tomcat-{{ TC_TOMCAT_VERSION }}.tar.gz"\n`,
      'roles/tc/templates/server.xml.j2': serverXml('{{ TC_AJP_PORT }}'),
    });
    expect(ajp(tree('7.0.54'))).toEqual([]);
    expect(described(ajp(tree('9.0.80')))).toEqual(['error roles/tc/templates/server.xml.j2:4']);
  });

  test('the version not known: a warning that says so, and a templated port shown as "…"', () => {
    const findings = ajp({
      Dockerfile: `FROM eclipse-temurin:17-jre\nARG TOMCAT_VERSION\n${download('apache-tomcat-${TOMCAT_VERSION}')}`,
      'templates/server.xml.j2': serverXml('{{ ajp_port }}'),
    });
    expect(described(findings)).toEqual(['warning templates/server.xml.j2:4']);
    expect(findings[0].message).toBe(
      'AJP connector on port … has no secret while secretRequired is true (the default since Tomcat 9.0.31, 8.5.51 and 7.0.100; the Tomcat version is not known: older releases start it)',
    );
  });

  test('secretRequired="true" written out stays an error with the version not known', () => {
    const xml = serverXml().replace('redirectPort="8443"', 'secretRequired="true"');
    expect(described(ajp({ 'server.xml': xml }))).toEqual(['error server.xml:4']);
  });
});
