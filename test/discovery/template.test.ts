/**
 * Template languages by name and content, and the masked text readers read: same length and
 * line breaks as the template, expressions as `$` + UNKNOWN_MARKs, statements as blanks.
 */
import { isUnknownValue, maskTemplate, templateDialectOf, templateName, UNKNOWN_MARK } from '../../src/discovery/template';
import { HANG_GUARD_MS } from '../hang-guard';

/** What the masked text shows, with each UNKNOWN_MARK written as `?`. */
const shown = (text: string) => text.split(UNKNOWN_MARK).join('?');

describe('the name a template renders to', () => {
  test.each([
    ['nginx.conf.j2', 'nginx.conf', 'jinja'],
    ['site.jinja2', 'site', 'jinja'],
    ['app.conf.jinja', 'app.conf', 'jinja'],
    ['nginx.conf.gotmpl', 'nginx.conf', 'go-template'],
    ['nginx.ctmpl', 'nginx', 'go-template'],
    ['nginx.tmpl', 'nginx', undefined],
    ['_nginx.conf.tpl', '_nginx.conf', undefined],
    ['nginx.conf.erb', 'nginx.conf', 'erb'],
    ['default.conf.template', 'default.conf', undefined],
    ['default.template.conf', 'default.conf', undefined],
    ['nginx.conf.in', 'nginx.conf', undefined],
  ])('%s renders to %s', (name, rendered, dialect) => {
    expect(templateName(name)).toEqual({ rendered, dialect });
  });

  test.each(['nginx.conf', 'default', 'uwsgi.ini', '.j2', 'template'])('%s is not a template by name', (name) => {
    expect(templateName(name)).toBeUndefined();
  });
});

describe('the language by content', () => {
  test.each([
    ['Jinja statement', 'server {\n{% if tls %}\n  listen 443 ssl;\n{% endif %}\n}\n', 'jinja'],
    ['Jinja/Django expression', 'server_name {{ domain }};\n', 'jinja'],
    ['Go template field', 'listen {{ .Env.PORT }};\n', 'go-template'],
    ['Go template action', '{{ range $host := .Hosts }}\nserver_name x;\n{{ end }}\n', 'go-template'],
    ['Go pipeline with the dot as its argument (Helm)', 'name: {{ include "app.fullname" . }}\n{{- if .Values.x }}\n', 'go-template'],
    ['Go function of a field (Helm)', 'labels: {{ toYaml .Values.labels }}\n', 'go-template'],
    ['Jinja filter with an argument', 'name: {{ name | default("web") }}\nport: {{ item.port }}\n', 'jinja'],
    ['Mustache section', '{{#tls}}\nlisten 443 ssl;\n{{/tls}}\n', 'mustache'],
    ['ERB', 'listen <%= @port %>;\n', 'erb'],
    ['envsubst', 'listen ${NGINX_PORT};\n', 'envsubst'],
    ['autoconf', 'proxy_pass @PROTOCOL@://api/;\n', 'at-variables'],
    ['nginx-tests', '%%TEST_GLOBALS%%\nevents {}\n', 'percent-variables'],
  ])('%s', (_name, text, dialect) => {
    expect(templateDialectOf(text)).toBe(dialect);
  });

  test.each([
    ['nginx variables', 'return 301 https://$host$request_uri;\nset $x "${host}";\n'],
    ['a named location', 'try_files $uri @backend;\nlocation @backend { }\n'],
    ['a regex quantifier', 'location ~ ^/a{2}$ { }\n'],
  ])('%s are not placeholders', (_name, text) => {
    expect(templateDialectOf(text)).toBeUndefined();
  });

  test('${NAME} is only a placeholder where the format has no such syntax of its own', () => {
    expect(templateDialectOf('processes = ${UWSGI_PROCESSES}\n', { envsubst: false })).toBeUndefined();
  });
});

describe('masking', () => {
  /** A statement as masked: blanks, line breaks kept. */
  const blank = (tag: string) => tag.replace(/[^\n]/g, ' ');
  /** An expression as masked (shown): `$` and a mark for every other character. */
  const value = (tag: string) => '$' + '?'.repeat(tag.length - 1);

  test('keeps length and line breaks; an expression becomes an unknown value, a statement blanks', () => {
    const text = 'server {\n{% if tls %}\n    listen {{ port }} ssl;\n{% else %}\n    listen 80;\n{% endif %}\n}\n';
    const masked = maskTemplate(text, 'jinja');
    expect(masked.text).toHaveLength(text.length);
    expect(masked.text.split('\n').map((line) => line.length)).toEqual(text.split('\n').map((line) => line.length));
    expect(shown(masked.text)).toBe(
      `server {\n${blank('{% if tls %}')}\n    listen ${value('{{ port }}')} ssl;\n${blank('{% else %}')}\n    listen 80;\n${blank('{% endif %}')}\n}\n`,
    );
    expect(masked.statements).toEqual([text.indexOf('{% if'), text.indexOf('{% else'), text.indexOf('{% endif')]);
  });

  test('an expression alone on its line writes directives, not a value: it is blanked', () => {
    expect(shown(maskTemplate('http {\n    {{ .Snippet }}\n    gzip {{ $cfg.Gzip }};\n}\n', 'go-template').text)).toBe(
      `http {\n    ${blank('{{ .Snippet }}')}\n    gzip ${value('{{ $cfg.Gzip }}')};\n}\n`,
    );
    expect(maskTemplate('%%TEST_GLOBALS%%\nhttp {\n    %%TEST_GLOBALS_HTTP%%\n}\n', 'percent-variables').text).toBe(
      `${blank('%%TEST_GLOBALS%%')}\nhttp {\n    ${blank('%%TEST_GLOBALS_HTTP%%')}\n}\n`,
    );
  });

  test('Go: comments, assignments and actions are statements; fields and pipelines are values', () => {
    const tags = ['{{/* c */}}', '{{ $x := .Y }}', '{{- if .Z }}', '{{ .Port | default "80" }}'];
    expect(shown(maskTemplate(`a ${tags.join(' ')};`, 'go-template').text)).toBe(`a ${blank(tags[0])} ${blank(tags[1])} ${blank(tags[2])} ${value(tags[3])};`);
  });

  test('ERB: <%= %> is a value, <% %> and <%# %> are statements', () => {
    expect(shown(maskTemplate('<% if @ssl %>listen <%= @port %>;<%# note %><% end %>', 'erb').text)).toBe(
      `${blank('<% if @ssl %>')}listen ${value('<%= @port %>')};${blank('<%# note %>')}${blank('<% end %>')}`,
    );
  });

  test('writers: an include, a loop, a call and an expression alone on its line may write lines; if, set, comments and inline values do not', () => {
    const tags = {
      include: '{% include "base.ini" %}',
      loop: '{% for key, value in extra.items() %}',
      endfor: '{% endfor %}',
      alone: '{{ patch("uwsgi-config") }}',
      condition: '{% if debug %}',
      endif: '{% endif %}',
      set: '{% set port = 8000 %}',
      comment: '{# managed #}',
      inline: '{{ port }}',
    };
    const text = [
      tags.comment,
      tags.set,
      '[uwsgi]',
      tags.include,
      `http = 0.0.0.0:${tags.inline}`,
      tags.condition,
      'py-autoreload = 1',
      tags.endif,
      tags.loop,
      '{{ key }} = {{ value }}',
      tags.endfor,
      tags.alone,
      '',
    ].join('\n');
    expect(maskTemplate(text, 'jinja').writers).toEqual([text.indexOf(tags.include), text.indexOf(tags.loop), text.indexOf(tags.alone)]);
    // A macro's body writes where the macro is called: the call, alone on its line, is the writer.
    const macro = '{% macro extra() %}\n{% include "x.ini" %}\n{% endmacro %}\n[uwsgi]\n{{ extra() }}\n';
    expect(maskTemplate(macro, 'jinja').writers).toEqual([macro.indexOf('{{ extra() }}')]);
    const go = '{{ range .Sockets }}\nsocket = {{ . }}\n{{ end }}\n{{ template "x" }}\n{{ if .A }}\n';
    expect(maskTemplate(go, 'go-template').writers).toEqual([0, go.indexOf('{{ template')]);
    const envsubst = '[uwsgi]\n${EXTRA_OPTIONS}\nprocesses = ${WORKERS}\n';
    expect(maskTemplate(envsubst, 'envsubst').writers).toEqual([envsubst.indexOf('${EXTRA')]);
  });

  test("envsubst: the shell's ${VAR:-default} forms are placeholders too", () => {
    expect(templateDialectOf('threads = ${UWSGI_THREADS:-4}\n')).toBe('envsubst');
    expect(shown(maskTemplate('threads = ${UWSGI_THREADS:-4}\nport = ${PORT:=80}\n', 'envsubst').text)).toBe(
      `threads = ${value('${UWSGI_THREADS:-4}')}\nport = ${value('${PORT:=80}')}\n`,
    );
  });

  test('envsubst: ${VAR} and $VAR in capitals; nginx variables stay', () => {
    expect(shown(maskTemplate('listen ${PORT}; return 301 $scheme://$SERVER_NAME$request_uri;', 'envsubst').text)).toBe(
      `listen ${value('${PORT}')}; return 301 $scheme://${value('$SERVER_NAME')}$request_uri;`,
    );
  });

  test('plain placeholders mixed into another language are masked too, envsubst only where allowed', () => {
    const text = 'chdir = /srv/{{ project }}\nprocesses = ${UWSGI_PROCESSES}\nroot = @PREFIX@/www\n';
    expect(shown(maskTemplate(text, 'jinja').text)).toBe(
      `chdir = /srv/${value('{{ project }}')}\nprocesses = ${value('${UWSGI_PROCESSES}')}\nroot = ${value('@PREFIX@')}/www\n`,
    );
    expect(shown(maskTemplate('<Connector port="{{ port }}" address="${bind.address}"/>', 'jinja', 'property', { envsubst: false }).text)).toBe(
      '<Connector port="${' + '?'.repeat('{{ port }}'.length - 3) + '}" address="${bind.address}"/>',
    );
  });

  test('a Go define and a Jinja macro are written where they are called: their bodies are set aside', () => {
    const go = '{{ define "LOCATION" }}\nlocation / {\n  {{ if .X }}a;{{ end }}\n}\n{{ end }}\nserver { }\n';
    expect(maskTemplate(go, 'go-template').text).toBe(go.replace(/[^\n]/g, ' ').slice(0, go.indexOf('server')) + 'server { }\n');
    const jinja = '{% macro loc(p) %}\nlocation {{ p }} { }\n{% endmacro %}\nserver { }\n';
    expect(maskTemplate(jinja, 'jinja').text).toBe(jinja.replace(/[^\n]/g, ' ').slice(0, jinja.indexOf('server')) + 'server { }\n');
  });

  test('firstBranchOnly sets aside every branch after the first, nested ones included', () => {
    const text = '{% if a %}A;{% elif b %}B;{% else %}C;{% endif %}{% for x in y %}D;{% else %}E;{% endfor %}';
    const masked = maskTemplate(text, 'jinja', 'variable', { envsubst: true, firstBranchOnly: true }).text;
    expect(masked.replace(/ +/g, ' ').trim()).toBe('A; D;');
    const go = '{{ if .A }}A;{{ else if .B }}{{ if .C }}C;{{ end }}{{ else }}E;{{ end }}F;';
    expect(maskTemplate(go, 'go-template', 'variable', { envsubst: true, firstBranchOnly: true }).text.replace(/ +/g, ' ').trim()).toBe('A; F;');
  });

  test('firstBranchOnly with a block balance sets aside the later branches of the ifs with a branch that does not balance', () => {
    const text =
      '{% if a %}A { {% else %}B { {% endif %}x;}{% if c %}C{}{% else %}D{}{% endif %}{% if e %}{% if f %}F { {% else %}G { {% endif %}}{% else %}H;{% endif %}';
    const plain = maskTemplate(text, 'jinja').text;
    const braces = (start: number, end: number) => [...plain.slice(start, end)].reduce((n, c) => n + (c === '{' ? 1 : c === '}' ? -1 : 0), 0);
    const masked = maskTemplate(text, 'jinja', 'variable', { envsubst: true, firstBranchOnly: braces });
    // B and G are set aside; C{} and D{} are both kept; the e-branch reads F { } (balanced), so H; is kept.
    expect(masked.text.replace(/ +/g, ' ').trim()).toBe('A { x;} C{} D{} F { } H;');
    const elseOf = (branch: string) => text.lastIndexOf('{% else %}', text.indexOf(branch));
    expect(masked.branchesSetAside).toEqual([
      [elseOf('B {'), text.indexOf('{% endif %}')],
      [elseOf('G {'), text.indexOf('{% endif %}', text.indexOf('G {'))],
    ]);
    expect(maskTemplate(text, 'jinja').branchesSetAside).toEqual([]);
  });

  test('a file that is all one definition (a Helm partial) keeps its body', () => {
    const partial =
      '{{/* nginx for the app */}}\n# a comment\n{{ define "nginx-config" -}}\nevents {}\nhttp { server { listen {{ .Values.port }}; } }\n{{ end }}\n';
    const masked = maskTemplate(partial, 'go-template').text;
    expect(masked).toContain('events {}');
    expect(shown(masked)).toContain(`listen ${value('{{ .Values.port }}')};`);
  });

  test('conditionals: each Jinja if and Go if/with block, opening tag to closing tag', () => {
    const jinja = 'a;{% if x %}b;{% for i in y %}c;{% endfor %}{% endif %}d;';
    expect(maskTemplate(jinja, 'jinja').conditionals).toEqual([[jinja.indexOf('{% if'), jinja.indexOf('d;')]]);
    const go = '{{ range .A }}{{ with .B }}x;{{ end }}{{ end }}';
    expect(maskTemplate(go, 'go-template').conditionals).toEqual([[go.indexOf('{{ with'), go.lastIndexOf('{{ end }}')]]);
  });

  test('a Jinja block assignment is a block of its own: its endset closes it, not the if around it', () => {
    const text = 'a;{% if x %}{% set body %}b;{% endset %}{% set n = 1 %}c;{% else %}d;{% endif %}e;';
    expect(maskTemplate(text, 'jinja').conditionals).toEqual([[text.indexOf('{% if'), text.indexOf('e;')]]);
    const masked = maskTemplate(text, 'jinja', 'variable', { envsubst: true, firstBranchOnly: true });
    expect(masked.text.replace(/ +/g, ' ').trim()).toBe('a; c; e;');
    expect(masked.branchesSetAside).toEqual([[text.indexOf('{% else'), text.indexOf('{% endif')]]);
    // A filtered block assignment is one too; an end tag of no block (`endtrans` without `trans`) closes nothing.
    const filtered = '{% if x %}{% set body | upper %}b;{% endset %}c;{% endif %}{% endtrans %}';
    expect(maskTemplate(filtered, 'jinja').conditionals).toEqual([[0, filtered.indexOf('{% endtrans')]]);
  });

  test('a tag spanning lines is blanked with its line breaks kept', () => {
    expect(maskTemplate('a {{ x\n  | y }} b', 'jinja').text).toBe(`a ${' '.repeat('{{ x'.length)}\n${' '.repeat('  | y }}'.length)} b`);
  });

  test('an unclosed tag is left as written', () => {
    expect(maskTemplate('listen {{ port;\n', 'jinja').text).toBe('listen {{ port;\n');
  });

  test(
    'openers without closers cost linear time, not a rescan of the rest from each one',
    () => {
      // A rescan from each of 300,000 openers would read ~10^11 characters: hours, which the hang
      // guard catches; speed itself is measured in the benchmark, not asserted here.
      const text = '{% {{ {# <% '.repeat(75_000);
      expect(templateDialectOf(text)).toBeUndefined();
      expect(maskTemplate(text, 'jinja').text).toBe(text);
      expect(maskTemplate(text, 'erb').text).toBe(text);
    },
    HANG_GUARD_MS,
  );

  test(
    'many branches and definitions are set aside in one pass',
    () => {
      const text = '{% if a %}x;{% else %}y;{% endif %}\n'.repeat(60_000) + '{% macro m() %}z;{% endmacro %}\n'.repeat(60_000) + 'server {}\n';
      const masked = maskTemplate(text, 'jinja', 'variable', { envsubst: true, firstBranchOnly: true }).text;
      expect(masked).toHaveLength(text.length);
      expect(masked.split('x;').length - 1).toBe(60_000);
      expect(masked).not.toContain('y;');
      expect(masked).not.toContain('z;');
    },
    HANG_GUARD_MS,
  );

  test('isUnknownValue tells a masked value from a plain one', () => {
    expect(isUnknownValue('$' + UNKNOWN_MARK)).toBe(true);
    expect(isUnknownValue('http://x' + UNKNOWN_MARK + ':80')).toBe(true);
    expect(isUnknownValue('$host')).toBe(false);
  });
});
