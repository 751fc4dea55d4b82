import Ajv, { type ValidateFunction } from 'ajv';
import * as fs from 'fs';
import * as path from 'path';
import { lintSync } from '../../src/engine/run';
import type { Report } from '../../src/engine/findings';
import { format } from '../../src/report/formatters/json';
import { makeContext, makeReport } from './fixture';

const SCHEMA_PATH = path.join(__dirname, '../../schemas/report.schema.json');
/** What these tests read of a schema object; the report schema's objects list and require all their properties. */
type SchemaNode = {
  type?: string;
  required: string[];
  properties: Record<string, SchemaNode>;
  additionalProperties?: boolean;
  items?: SchemaNode;
  definitions: Record<string, SchemaNode>;
};
const schema = JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8')) as SchemaNode;

function compile(): ValidateFunction {
  return new Ajv({ allErrors: true, strict: true }).compile(schema);
}

function outputOf(report: Report): unknown {
  return JSON.parse(format(report, makeContext()));
}

describe('json formatter', () => {
  const validate = compile();

  it('prints the Report itself, two-space indented, with a trailing newline', () => {
    const report = makeReport();
    const out = format(report, makeContext(true));
    expect(out).toBe(`${JSON.stringify(report, null, 2)}\n`);
    expect(JSON.parse(out)).toEqual(report);
  });

  it('produces output the schema accepts', () => {
    const ok = validate(outputOf(makeReport()));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);

    const empty = makeReport();
    empty.findings = [];
    empty.files = [];
    expect(validate(outputOf(empty))).toBe(true);

    // A fix: an insertion (empty span) and a replacement.
    const fixed = makeReport();
    const at = fixed.findings[0].primary;
    fixed.findings[0].fix = {
      title: 'set it',
      edits: [
        { span: { ...at, end: at.start }, text: 'x;\n' },
        { span: at, text: '1s' },
      ],
    };
    expect(validate(outputOf(fixed))).toBe(true);
  });

  it('accepts a real report on a Kubernetes tree, whose links go through a Service', () => {
    const result = lintSync({ paths: ['examples/ingress-keepalive-gunicorn/broken'], cwd: path.join(__dirname, '../..'), config: {} });
    const doc = outputOf(result.report) as { links: { reason: string }[] };
    expect(doc.links.map((link) => link.reason)).toEqual(['kubernetes-service']);
    expect(validate(doc)).toBe(true);
    // The rule's finding carries its help as a field of its own.
    const findings = (doc as unknown as { findings: { ruleId: string; help?: string }[] }).findings;
    expect(findings.filter((f) => f.ruleId === 'upstream-keepalive-timeout').map((f) => typeof f.help)).toEqual(['string']);
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each case breaks the parsed report outside its type, on purpose
  it.each<[string, (doc: any) => void]>([
    ['summary missing', (doc) => delete doc.summary],
    ['tool.version missing', (doc) => delete doc.tool.version],
    ['a finding without fingerprint', (doc) => delete doc.findings[0].fingerprint],
    ['a help that is not a string', (doc) => (doc.findings[0].help = ['fix it'])],
    ['a related span without label', (doc) => delete doc.findings[2].related[0].label],
    ['a position without offset', (doc) => delete doc.findings[0].primary.start.offset],
    ['a rule without category', (doc) => delete doc.rules[0].category],
    ['links missing', (doc) => delete doc.links],
    ['a link without reason', (doc) => delete doc.links[0].reason],
    ['a link without the backend span', (doc) => delete doc.links[0].backend.span],
  ])('rejects a report with %s', (_name, mutate) => {
    const doc = outputOf(makeReport());
    mutate(doc);
    expect(validate(doc)).toBe(false);
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each case breaks the parsed report outside its type, on purpose
  it.each<[string, (doc: any) => void]>([
    ['an unknown severity', (doc) => (doc.findings[0].severity = 'fatal')],
    ['a zero line', (doc) => (doc.findings[0].primary.start.line = 0)],
    ['a fractional column', (doc) => (doc.findings[0].primary.end.column = 1.5)],
    ['another tool name', (doc) => (doc.tool.name = 'eslint')],
    ['an unknown property', (doc) => (doc.findings[0].fix = { edits: [] })],
    ['a negative count', (doc) => (doc.summary.suppressed = -1)],
    ['an unknown link reason', (doc) => (doc.links[0].reason = 'guess')],
    ['a fix without edits', (doc) => (doc.findings[0].fix = { title: 'nothing', edits: [] })],
    ['a fix edit without its text', (doc) => (doc.findings[0].fix = { title: 't', edits: [{ span: doc.findings[0].primary }] })],
  ])('rejects a report with %s', (_name, mutate) => {
    const doc = outputOf(makeReport());
    mutate(doc);
    expect(validate(doc)).toBe(false);
  });

  it('describes every field of the Report type and only those', () => {
    // The Report type's optional fields are a finding's help, atDefaults and fix, so each schema object
    // must require all of its other properties, and the fixture (typed as Report) must have exactly those keys.
    const OPTIONAL: Record<string, string[]> = { finding: ['help', 'atDefaults', 'fix'] };
    const definitions = schema.definitions;
    const objects: [string, SchemaNode][] = [
      ['report', schema],
      ['tool', schema.properties.tool],
      ['summary', schema.properties.summary],
      ...Object.entries(definitions).filter(([, d]) => d.type === 'object'),
    ];
    for (const [name, object] of objects) {
      const required = Object.keys(object.properties).filter((key) => !(OPTIONAL[name] ?? []).includes(key));
      expect([name, [...object.required].sort()]).toEqual([name, required.sort()]);
      expect([name, object.additionalProperties]).toEqual([name, false]);
    }
    const report = makeReport();
    const finding = report.findings[2];
    const keysOf = (value: object) => Object.keys(value).sort();
    expect(keysOf(report)).toEqual(keysOf(schema.properties));
    const fix = { title: 'set it', edits: [{ span: finding.primary, text: 'x' }] };
    expect(keysOf({ ...finding, help: 'fix it', atDefaults: true, fix })).toEqual(keysOf(definitions.finding.properties));
    expect(keysOf(fix)).toEqual(keysOf(definitions.fix.properties));
    expect(keysOf(fix.edits[0])).toEqual(keysOf(definitions.fix.properties.edits.items!.properties));
    expect(keysOf(finding.primary)).toEqual(keysOf(definitions.span.properties));
    expect(keysOf(finding.primary.start)).toEqual(keysOf(definitions.pos.properties));
    expect(keysOf(finding.related[0])).toEqual(keysOf(definitions.relatedSpan.properties));
    expect(keysOf(report.rules[0])).toEqual(keysOf(definitions.ruleSummary.properties));
    expect(keysOf(report.summary)).toEqual(keysOf(schema.properties.summary.properties));
    const link = report.links[0];
    expect(keysOf(link)).toEqual(keysOf(definitions.link.properties));
    expect(keysOf(link.nginx)).toEqual(keysOf(definitions.linkNginx.properties));
    expect(keysOf(link.backend)).toEqual(keysOf(definitions.linkBackend.properties));
  });

  it('writes C1 controls, line separators and a legacy ##[ command as \\u escapes, and parses back', () => {
    const report = makeReport();
    report.findings[0].message = 'a\u009bb\u2028c\u202e ##[add-mask]x\n';
    const out = format(report, makeContext());
    // JSON.stringify already writes the newline as \n; the rest is written by the formatter.
    expect(out).toContain('"message": "a\\u009bb\\u2028c\\u202e ##\\u005badd-mask]x\\n"');
    expect(out).not.toMatch(/[\u007f-\u009f\u2028\u2029\u202a-\u202e]|##\[/);
    expect(JSON.parse(out)).toEqual(report);
  });
});
