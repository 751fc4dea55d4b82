/**
 * Every Tomcat server.xml of ../shared/corpus (FORMATS.tsv format `tomcat`, in tomcat/,
 * deploy-sets/, invalid/ and templated/), and every catalina.properties and Spring Boot
 * application.{properties,yml,yaml} found in it, read without a crash: no internal-error or
 * read-error, and each file the Tomcat reader takes is in the report. Files whose connectors
 * Tomcat 10.1 was run on (test/servers/tomcat.test.ts) have their connectors asserted here too,
 * as Tomcat reported them; the broken one must give the xml-syntax finding at the place Tomcat's
 * parser stops ("Parse fatal error at line [92] column [80]").
 */
import * as fs from 'fs';
import * as path from 'path';
import { classify } from '../../src/discovery/classify';
import { readTree } from '../../src/engine/read-tree';
import type { TomcatBackend } from '../../src/readers/tomcat/tomcat-backend';
import { readServerXml } from '../../src/readers/tomcat';
import { emptyOutput } from '../../src/readers/types';
import { SourceText } from '../../src/source/text';
import { CORPUS, corpusEntries, describeCorpus, describeFinding, lintCorpus } from './corpus';

const FAILED = ['internal-error', 'read-error'];

/** Connectors (protocol, port; address as written or the default) of corpus files, as Tomcat 10.1 initialised them. */
const CONNECTORS: Record<string, string[]> = {
  'tomcat/apache__tomcat__conf__server.xml': ['http 0.0.0.0:8080'],
  'tomcat/0711SQuirreL__tomcat-standalone__conf__server.xml': ['ajp 127.0.0.1:8019', 'http 0.0.0.0:9090'],
  'tomcat/Legioth__hazelcast-session-replication__tomcat__server.xml': ['http 0.0.0.0:8080'],
  'tomcat/030__docker-pega7-tomcat-ready__conf__server.xml': ['http 0.0.0.0:8080', 'http 0.0.0.0:8090'],
  'tomcat/bluebrown__java-cluster__tomcat__server.xml': ['ajp 0.0.0.0:8009', 'http 0.0.0.0:8080'],
};

function walkCorpus(dir: string, out: string[] = []): string[] {
  for (const name of fs.readdirSync(dir)) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isDirectory()) walkCorpus(full, out);
    else out.push(full);
  }
  return out;
}

describeCorpus('corpus: Tomcat and Spring Boot files', () => {
  const entries = corpusEntries().filter((entry) => entry.format === 'tomcat');
  const summary = { read: 0, backends: 0, connectors: 0, xmlSyntax: 0 };

  test('FORMATS.tsv lists the Tomcat files', () => {
    expect(entries.length).toBeGreaterThanOrEqual(27);
  });

  for (const { path: file } of entries) {
    test(`${file}: read, no crash`, () => {
      const full = path.join(CORPUS, file);
      const text = fs.readFileSync(full, 'utf8');
      if (classify(full, () => text) === 'tomcat') {
        const report = lintCorpus(file);
        expect(report.files).toContain(file);
        expect(report.findings.filter((f) => FAILED.includes(f.ruleId)).map(describeFinding)).toEqual([]);
        const backends = readTree({ paths: [file], cwd: CORPUS, config: {} }).model.backends.filter((b): b is TomcatBackend => b.kind === 'tomcat');
        summary.read++;
        summary.backends += backends.length;
        summary.connectors += backends.reduce((n, b) => n + b.connectors.length, 0);
        summary.xmlSyntax += report.findings.filter((f) => f.ruleId === 'xml-syntax').length;
      } else {
        // A template (server.xml.tmpl) is not taken by name; the reader must still survive it.
        const output = emptyOutput();
        expect(() => readServerXml(new SourceText(file, text), { kind: 'unknown' }, undefined, output)).not.toThrow();
        summary.read++;
      }
    });
  }

  for (const [file, expected] of Object.entries(CONNECTORS)) {
    test(`${file}: the connectors Tomcat 10.1 started`, () => {
      const [backend] = readTree({ paths: [file], cwd: CORPUS, config: {} }).model.backends.filter((b): b is TomcatBackend => b.kind === 'tomcat');
      const listeners = backend.listeners
        .map(
          (l) =>
            `${l.protocol} ${l.address.kind === 'tcp' ? `${l.address.host}:${l.address.port}` : l.address.kind === 'unix' ? l.address.path : l.address.text}`,
        )
        .sort();
      expect(listeners).toEqual(expected);
    });
  }

  test('invalid/JeffTsengTwn…server.xml: xml-syntax where Tomcat stops, and its connectors are still read', () => {
    const file = 'invalid/JeffTsengTwn__tomcat_letsencrypt_setup__tomcat__conf__server.xml';
    const report = lintCorpus(file);
    const syntax = report.findings.filter((f) => f.ruleId === 'xml-syntax').sort((a, b) => a.primary.start.offset - b.primary.start.offset);
    expect(syntax[0].primary).toMatchObject({ file, start: { line: 92, column: 80 } });
    expect(syntax[0].message).toBe('The value of attribute "keystorePass" associated with an element type "Connector" must not contain the \'<\' character');
    const [backend] = readTree({ paths: [file], cwd: CORPUS, config: {} }).model.backends.filter((b): b is TomcatBackend => b.kind === 'tomcat');
    expect(backend.connectors.map((c) => c.protocolName)).toEqual(['HTTP/1.1', 'org.apache.coyote.http11.Http11Protocol', 'AJP/1.3']);
  });

  test('catalina.properties and Spring Boot files anywhere in the corpus: read, no crash', () => {
    const found = walkCorpus(CORPUS).filter((full) => {
      const format = classify(full, () => undefined);
      return format === 'catalina-properties' || format === 'spring-boot';
    });
    for (const full of found) {
      const report = lintCorpus(path.relative(CORPUS, full));
      expect(report.findings.filter((f) => FAILED.includes(f.ruleId)).map(describeFinding)).toEqual([]);
    }
    process.stdout.write(`corpus: ${found.length} catalina.properties / Spring Boot files found and read\n`);
  });

  afterAll(() => {
    process.stdout.write(
      `corpus: ${summary.read} Tomcat files read without a crash; ${summary.backends} backends, ${summary.connectors} connectors, ${summary.xmlSyntax} xml-syntax findings\n`,
    );
  });
});
