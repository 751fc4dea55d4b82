/**
 * The tokenizer against the real nginx: nginx-truth.json holds small inputs judged by Debian's
 * nginx 1.22.1 (`nginx -t`), with the argument vectors nginx itself handed to each directive
 * (see NGINX-TOKENS.md for how they were captured). Accepted inputs must give exactly nginx's
 * tokens and no syntax finding; inputs nginx rejects while tokenizing must give a syntax finding.
 */
import { parseNginx, NginxDirective } from '../../../src/readers/nginx/parse';
import { SourceText } from '../../../src/source/text';

interface TruthCase {
  name: string;
  input: string;
  accepted: boolean;
  error: string | null;
  errorLine: number | null;
  tokens: string[][] | null;
  luaCode?: string[];
}

const cases: TruthCase[] = require('./nginx-truth.json');

/** nginx's own view: one entry per directive, `{` closing a block opener, `["}"]` per close. */
function flatten(directives: NginxDirective[], lua: string[], out: string[][] = []): string[][] {
  for (const directive of directives) {
    if (directive.name.endsWith('_by_lua_block') && directive.blockOpen) {
      lua.push(directive.args[directive.args.length - 1].value);
      out.push([directive.name, ...directive.args.slice(0, -1).map((a) => a.value), '{'], ['}']);
      continue;
    }
    if (directive.block) {
      out.push([directive.name, ...directive.args.map((a) => a.value), '{']);
      flatten(directive.block, lua, out);
      out.push(['}']);
    } else out.push([directive.name, ...directive.args.map((a) => a.value)]);
  }
  return out;
}

/** Errors nginx raises while reading tokens (ngx_conf_read_token), not while judging directives. */
const TOKENIZER_ERRORS = [/^unexpected "/, /^unexpected end of file/, /^too long parameter/];

describe('nginx tokenizer agrees with nginx 1.22.1', () => {
  test('the truth table is there and covers both outcomes', () => {
    expect(cases.filter((c) => c.accepted).length).toBeGreaterThan(30);
    expect(cases.filter((c) => !c.accepted).length).toBeGreaterThan(20);
  });

  for (const truth of cases.filter((c) => c.accepted)) {
    test(`accepted: ${truth.name}`, () => {
      const parsed = parseNginx(new SourceText('nginx.conf', truth.input));
      const lua: string[] = [];
      expect(flatten(parsed.directives, lua)).toEqual(truth.tokens);
      if (truth.luaCode) expect(lua).toEqual(truth.luaCode);
      expect(parsed.diagnostics).toEqual([]);
    });
  }

  for (const truth of cases.filter((c) => !c.accepted && TOKENIZER_ERRORS.some((re) => re.test(c.error ?? '')))) {
    test(`rejected while tokenizing: ${truth.name}`, () => {
      const parsed = parseNginx(new SourceText('nginx.conf', truth.input));
      const syntax = parsed.diagnostics.filter((d) => d.ruleId === 'nginx-syntax');
      expect(syntax.length).toBeGreaterThan(0);
      // nginx names the line where it noticed; cfglint points at the token, which is never later.
      expect(syntax[0].primary.start.line).toBeLessThanOrEqual(truth.errorLine!);
    });
  }
});
