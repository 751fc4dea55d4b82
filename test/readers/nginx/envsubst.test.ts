import { isUnknownValue } from '../../../src/discovery/template';
import type { VariableValue } from '../../../src/readers/kit/raw';
import { EXTRA_CHARACTERS, renderEnvsubst } from '../../../src/readers/nginx/envsubst';
import { isOfficialNginxImage } from '../../../src/readers/docker/envsubst-templates';

/** A container environment: names listed are defined (in defined_envs), the rest are not. */
const env =
  (values: Record<string, string | 'unknown'>) =>
  (name: string): VariableValue => {
    const value = values[name];
    if (value === undefined) return 'unset';
    return value === 'unknown' ? 'unknown' : { value };
  };

describe('renderEnvsubst (GNU envsubst with a list of names, as 20-envsubst-on-templates.sh runs it)', () => {
  const render = (text: string, values: Record<string, string | 'unknown'>) => renderEnvsubst('t.conf.template', text, env(values)).text;

  it('replaces $NAME and ${NAME} for defined names, and ends a bare name at the first character that cannot be in one', () => {
    expect(render('a $A b ${A} c ${A}x d $A{x}', { A: 'one' })).toBe('a one b one c onex d one{x}');
  });

  it('copies names the environment does not define as written: nginx variables stay', () => {
    expect(render('proxy_set_header Host $host; x ${B}', { A: 'one' })).toBe('proxy_set_header Host $host; x ${B}');
  });

  it('writes a defined empty value as nothing', () => {
    expect(render('x${A}y', { A: '' })).toBe('xy');
  });

  it("does not know the shell's ${NAME:-default}, nor an unclosed ${NAME: both are copied", () => {
    expect(render('${A:-def} ${A', { A: 'one' })).toBe('${A:-def} ${A');
  });

  it("copies a $ that starts no name and reads what follows it again: $$A gives $ then A's value", () => {
    expect(render('$$A $1 ${} $ ${ A}', { A: 'one' })).toBe('$one $1 ${} $ ${ A}');
  });

  it('reads a longer name as written: $A_x is the variable A_x, not A followed by _x', () => {
    expect(render('$A_x', { A: 'one' })).toBe('$A_x');
  });

  it('writes a defined variable of unknown value as an opaque value, and blanks one alone on its line', () => {
    const rendered = renderEnvsubst('t', 'keepalive_timeout ${T};\n    ${EXTRA}\n', env({ T: 'unknown', EXTRA: 'unknown' }));
    const [line1, line2] = rendered.text.split('\n');
    expect(isUnknownValue(line1)).toBe(true);
    expect(line1.startsWith('keepalive_timeout $')).toBe(true);
    expect(line2.trim()).toBe('');
  });

  it('writes values as unknown once they would grow the text by more than its budget, never a value cut short', () => {
    // 1000 placeholders of a value longer than the budget's thousandth part: the later ones do not fit.
    const value = 'x'.repeat(Math.ceil(EXTRA_CHARACTERS / 1000) + 10);
    const rendered = renderEnvsubst('t', '$A;'.repeat(1000), env({ A: value })).text;
    expect(rendered.length).toBeLessThanOrEqual(3000 + EXTRA_CHARACTERS);
    const pieces = rendered.split(';').slice(0, -1);
    expect(pieces.every((piece) => piece === value || isUnknownValue(piece))).toBe(true);
    expect(pieces[0]).toBe(value);
    expect(isUnknownValue(pieces[pieces.length - 1])).toBe(true);
  });

  it('maps positions back into the template: a substituted value spans its placeholder, text after it keeps its own column', () => {
    const template = 'a ${LONG_NAME} b;\nc $X;\n';
    const rendered = renderEnvsubst('t', template, env({ LONG_NAME: 'v', X: 'much longer value' }));
    expect(rendered.text).toBe('a v b;\nc much longer value;\n');
    const value = rendered.text.indexOf('v');
    // The placeholder `${LONG_NAME}` is columns 3 to 14 of line 1 (end exclusive: 15).
    const span = rendered.span(value, value + 1);
    expect([span.start.line, span.start.column, span.end.column]).toEqual([1, 3, 15]);
    const b = rendered.text.indexOf('b;');
    expect(rendered.pos(b)).toMatchObject({ line: 1, column: template.indexOf('b;') + 1, offset: template.indexOf('b;') });
    const semicolon = rendered.text.lastIndexOf(';');
    expect(rendered.pos(semicolon)).toMatchObject({ line: 2, column: 5 });
  });
});

describe('isOfficialNginxImage', () => {
  it('takes the official image under its names, and any tag from 1.19 (when templates came in)', () => {
    for (const image of [
      'nginx',
      'nginx:1.27-alpine',
      'docker.io/library/nginx:stable',
      'library/nginx:1.19',
      'nginx:mainline-alpine-slim',
      'nginxinc/nginx-unprivileged:1.25',
      'nginx@sha256:abc',
    ]) {
      expect([image, isOfficialNginxImage(image)]).toEqual([image, true]);
    }
  });

  it('refuses other images and releases before 1.19', () => {
    for (const image of ['nginx:1.18', 'nginx:1.17.10-alpine', 'bitnami/nginx:1.25', 'nginx/nginx-ingress:3.0', 'openresty/openresty', 'mynginx']) {
      expect([image, isOfficialNginxImage(image)]).toEqual([image, false]);
    }
  });
});
