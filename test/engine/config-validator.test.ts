/**
 * The config schema's validator: `npm run build` generates it as Ajv standalone code
 * (scripts/build-cli.js) so that no run compiles the schema. It must judge every config as Ajv
 * compiling the schema at run time does, error for error (the messages of a bad .cfglint.json are
 * built from those errors), and it is used only while it was made from the current schema.
 * Needs `npm run build` (npm test runs it).
 */
import * as path from 'path';
import { compiledConfigValidator, configProblems, generatedConfigValidator } from '../../src/engine/config';

const schema = require(path.resolve(__dirname, '..', '..', 'schemas', 'config.schema.json')) as unknown;

/** One config for each keyword the schema uses, wrong and right, and several wrongs at once. */
const configs: unknown[] = [
  {},
  { $schema: './node_modules/cfglint/schemas/config.schema.json', failOn: 'never' },
  { $schema: 3 },
  'not an object',
  [],
  null,
  { rulez: {} },
  { rules: { 'upstream-keepalive-http10': 'warning', 'nginx-server-tokens': { severity: 'off' } } },
  { rules: { Bad_Id: 'error' } },
  { rules: { 'upstream-keepalive-http10': 'loud' } },
  { rules: { 'upstream-keepalive-http10': { severity: 'loud', extra: 1 } } },
  { rules: { 'upstream-keepalive-http10': 3 } },
  { failOn: 'sometimes' },
  { ignore: ['', 4] },
  { ignore: 'vendor/' },
  { files: { 'conf/*.inc': '' } },
  { deployments: ['envs/*', ''] },
  { nginx: { version: '1.x', includeMap: { relative: '/etc/nginx', '/etc/nginx': '' }, modules: ['lua', 'lua', 'not-a-module'] } },
  { nginx: { extraDirectives: { Bad: ['http'], ok_name: [], dup: ['http', 'http'], other: ['nowhere'] }, moduls: [] } },
  { environment: { somaxconn: -1, nofile: 1.5, loadBalancerIdleTimeout: 'soon' } },
  { environment: { somaxconn: '4096' }, nginx: 'latest', rules: [], extra: true },
];

describe('the generated validator', () => {
  const generated = generatedConfigValidator(schema);
  const compiled = compiledConfigValidator(schema);

  test('exists after the build, made from the current schema', () => {
    expect(generated).toBeDefined();
  });

  test.each(configs.map((config) => [JSON.stringify(config), config]))('judges %s as Ajv compiling the schema does', (_text, config) => {
    const verdict = generated!(config);
    const expected = compiled(config);
    expect(verdict).toBe(expected);
    expect(generated!.errors ?? null).toEqual(compiled.errors ?? null);
  });

  test('the configs above include valid ones and many kinds of error', () => {
    const keywords = new Set(configs.flatMap((config) => (compiled(config) ? [] : (compiled.errors ?? []).map((error) => error.keyword))));
    expect(configs.filter((config) => compiled(config)).length).toBeGreaterThan(1);
    expect([...keywords].sort()).toEqual(
      expect.arrayContaining(['additionalProperties', 'enum', 'minLength', 'minimum', 'oneOf', 'pattern', 'propertyNames', 'type', 'uniqueItems', 'minItems']),
    );
  });

  test('configProblems words them as before: the nearest known key, the allowed values', () => {
    expect(configProblems({ rulez: {} })).toEqual(['rulez is not a known key; did you mean "rules"?']);
    expect(configProblems({ failOn: 'sometimes' })).toEqual(['failOn must be equal to one of the allowed values ("error", "warning", "info", "never")']);
  });
});

describe('a generated validator is not used', () => {
  const validator = Object.assign(() => true, { schemaJson: JSON.stringify(schema) });

  test('when it was made from another schema (the build is older than the schema)', () => {
    expect(generatedConfigValidator(schema, () => Object.assign(() => true, { schemaJson: '{"type":"object"}' }))).toBeUndefined();
    expect(generatedConfigValidator(schema, () => validator)).toBe(validator);
  });

  test('when there is none (a build by tsc alone, the Action) or it is not a validator', () => {
    const missing = () => {
      throw new Error("Cannot find module 'dist/src/engine/config-validator.js'");
    };
    expect(generatedConfigValidator(schema, missing)).toBeUndefined();
    expect(generatedConfigValidator(schema, () => ({ schemaJson: JSON.stringify(schema) }))).toBeUndefined();
  });
});
