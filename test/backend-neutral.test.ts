/**
 * Adding a backend kind touches no rule (docs/design.md, "Adding a backend kind"): a rule that
 * judges backends in general reads their limits normalised (src/model/backend-limits.ts) and never
 * tells one kind from another or reads a server's own keys. A rule named after a server
 * (`uwsgi-sigterm-reload`, `tomcat-ajp-secret`) judges that server's own config and may.
 *
 * The rules are read with the TypeScript checker, so a test is found by what it compares (a value
 * whose type is several backend kinds), not by how it is spelt.
 */
import { readdirSync, readFileSync } from 'fs';
import { basename, join } from 'path';
import ts from 'typescript';
import { GUNICORN_SETTINGS } from '../src/reference/gunicorn-settings';
import { REFERENCE_DIRECTIVES } from '../src/reference/nginx/directives.generated';
import { THIRD_PARTY_DIRECTIVES } from '../src/reference/nginx/third-party-directives';
import { CONNECTOR_SETTING_KINDS } from '../src/reference/tomcat/defaults';
import { allUwsgiOptions } from '../src/reference/uwsgi/options';

const ROOT = join(__dirname, '..');
const ADAPTERS = join(ROOT, 'src/model/backend-limits');
const ruleFiles = readdirSync(join(ROOT, 'checks'))
  .filter((name) => name.endsWith('.ts'))
  .map((name) => join(ROOT, 'checks', name))
  .filter((file) => readFileSync(file, 'utf8').includes('defineRule('));

// One program for all rules; the checker resolves only the types the walk asks about.
const program = ts.createProgram(ruleFiles, {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  strict: true,
  skipLibCheck: true,
  noEmit: true,
  types: [],
});
const checker = program.getTypeChecker();

/** The members of BackendKind, from the type itself. */
function backendKinds(): string[] {
  const source = program.getSourceFile(join(ROOT, 'src/readers/backend.ts'));
  const alias = source?.statements.find((node): node is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(node) && node.name.text === 'BackendKind');
  if (!alias) throw new Error('BackendKind is no longer in src/readers/backend.ts');
  return stringLiterals(checker.getTypeAtLocation(alias.name));
}

function stringLiterals(type: ts.Type): string[] {
  return (type.isUnion() ? type.types : [type]).filter((member) => member.isStringLiteral()).map((member) => (member as ts.StringLiteralType).value);
}

/** `Map<…, Setting>`: a server's own settings by its own key names (`backend.settings`, `connector.settings`). */
function isSettingsMap(type: ts.Type): boolean {
  if (type.getSymbol()?.name !== 'Map') return false;
  const value = checker.getTypeArguments(type as ts.TypeReference)[1];
  return (value?.aliasSymbol ?? value?.getSymbol())?.name === 'Setting';
}

/**
 * Keys a server reads: from the reference tables, and every key the limit adapters read (Spring's
 * properties are in no table); nginx's own directive names are nginx's.
 */
function serverKeys(): Set<string> {
  const keys = new Set<string>([...allUwsgiOptions().map((option) => option.name), ...GUNICORN_SETTINGS.keys(), ...Object.keys(CONNECTOR_SETTING_KINDS)]);
  for (const name of readdirSync(ADAPTERS)) {
    const source = ts.createSourceFile(name, readFileSync(join(ADAPTERS, name), 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      // Keys are read as call arguments (`settings.get('harakiri')`) or looped over from a list (Spring's multipart properties).
      const candidates: readonly ts.Expression[] = ts.isCallExpression(node) ? node.arguments : ts.isArrayLiteralExpression(node) ? node.elements : [];
      for (const candidate of candidates) if (ts.isStringLiteralLike(candidate)) keys.add(candidate.text);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  const nginx = new Set([
    ...REFERENCE_DIRECTIVES.map((row) => row[0]),
    ...Object.values(THIRD_PARTY_DIRECTIVES)
      .flat()
      .map((row) => row[0]),
  ]);
  return new Set([...keys].filter((key) => /^[A-Za-z][\w.-]*$/.test(key) && !nginx.has(key)));
}

const KINDS = backendKinds();
const KEYS = serverKeys();
const EQUALITY = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

interface Use {
  rule: string;
  line: number;
  what: string;
}

/** Where a rule tells backend kinds apart or reads a server's own keys. */
function serverSpecificUses(file: string): Use[] {
  const source = program.getSourceFile(file)!;
  const rule = basename(file, '.ts');
  const uses: Use[] = [];
  const note = (node: ts.Node, what: string) =>
    uses.push({ rule, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, what: `${what}: ${node.getText().slice(0, 60)}` });
  const visit = (node: ts.Node): void => {
    const compared =
      ts.isBinaryExpression(node) && EQUALITY.has(node.operatorToken.kind)
        ? [node.left, node.right]
        : ts.isCaseClause(node)
          ? [node.parent.parent.expression, node.expression]
          : undefined;
    if (compared) {
      for (const [value, literal] of [compared, [compared[1], compared[0]]]) {
        // A value that may be several kinds, against one kind: `backend.kind === 'uwsgi'`, not `pass.module === 'uwsgi'`.
        if (
          ts.isStringLiteralLike(literal) &&
          KINDS.includes(literal.text) &&
          stringLiterals(checker.getTypeAtLocation(value)).filter((kind) => KINDS.includes(kind)).length > 1
        )
          note(node, 'tests a backend kind');
      }
    }
    if (ts.isPropertyAccessExpression(node) && isSettingsMap(checker.getTypeAtLocation(node))) note(node, "reads a server's settings");
    if (ts.isCallExpression(node)) {
      for (const argument of node.arguments) if (ts.isStringLiteralLike(argument) && KEYS.has(argument.text)) note(argument, 'names a server key');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

const namedAfterServer = (file: string) => KINDS.some((kind) => basename(file).startsWith(`${kind}-`));

describe('rules and backend kinds', () => {
  test("the kinds and keys come from the code: five kinds, the adapters' keys among them", () => {
    expect(KINDS).toEqual(expect.arrayContaining(['gunicorn', 'uwsgi', 'tomcat', 'spring-boot', 'uvicorn']));
    // Keys only the adapters name (no reference table lists Spring's properties) are found there.
    expect([...KEYS]).toEqual(
      expect.arrayContaining(['harakiri', 'chmod-socket', 'limit_request_line', 'maxPostSize', 'spring.servlet.multipart.max-file-size']),
    );
    // nginx's own directives stay usable by rules, though gunicorn has a `user` too.
    expect(KEYS.has('user')).toBe(false);
  }, 60_000);

  test('the detector sees what the server-named rules are allowed to do', () => {
    // Without this, a detector that finds nothing would pass the next test.
    const seen = ruleFiles
      .filter(namedAfterServer)
      .flatMap(serverSpecificUses)
      .map((use) => use.what.split(':')[0]);
    expect(seen).toEqual(expect.arrayContaining(['tests a backend kind', "reads a server's settings"]));
  }, 60_000);

  test("no other rule tells backend kinds apart or reads a server's own keys", () => {
    const general = ruleFiles.filter((file) => !namedAfterServer(file));
    expect(general.map((file) => basename(file))).toEqual(
      expect.arrayContaining(['body-size-backend.ts', 'header-size-backend.ts', 'proxy-read-timeout-backend.ts', 'upstream-socket-permission.ts']),
    );
    expect(general.flatMap(serverSpecificUses)).toEqual([]);
  }, 60_000);
});
