import { onceEach, renderMessage } from '../src/rule';
import { lintDiskTree } from './disk-tree';
import type { Span } from '../src/source/span';

function span(file: string, offset: number, line = 1): Span {
  return { file, start: { line, column: offset + 1, offset }, end: { line, column: offset + 2, offset: offset + 1 } };
}

describe('onceEach', () => {
  test('is true the first time for a set of keys and false after', () => {
    const first = onceEach();
    expect(first(span('a.conf', 10), 'gunicorn', 'web')).toBe(true);
    expect(first(span('a.conf', 10), 'gunicorn', 'web')).toBe(false);
  });

  test('a span counts by its file and start, whatever its end or line number says', () => {
    const first = onceEach();
    expect(first(span('a.conf', 10, 1))).toBe(true);
    expect(first({ ...span('a.conf', 10, 7), end: { line: 9, column: 1, offset: 99 } })).toBe(false);
  });

  test('keys differing in any part are different problems', () => {
    const first = onceEach();
    expect(first(span('a.conf', 10), span('b.ini', 3))).toBe(true);
    expect(first(span('a.conf', 10), span('b.ini', 4))).toBe(true);
    expect(first(span('a.conf', 11), span('b.ini', 3))).toBe(true);
    expect(first(span('c.conf', 10), span('b.ini', 3))).toBe(true);
    // Parts are kept apart: "ab" + "c" is not "a" + "bc".
    expect(first('ab', 'c')).toBe(true);
    expect(first('a', 'bc')).toBe(true);
  });

  test('each helper remembers only its own keys', () => {
    const one = onceEach();
    const other = onceEach();
    expect(one('x')).toBe(true);
    expect(other('x')).toBe(true);
  });
});

describe('messages', () => {
  test('a template placeholder in a value is shown as "…", in any shape the masking writes', () => {
    expect(renderMessage('port {{port}} of {{host}}', { port: '${\uE000\uE000\uE000}', host: 'http://$\uE000\uE000:8000' })).toBe('port … of http://…:8000');
    expect(renderMessage('{{a}} {{b}}', { a: '$100', b: 7 })).toBe('$100 7');
  });

  test('a finding on a template names the placeholder with "…" (the masked text carried U+E000 marks into the message)', () => {
    const site = 'server {\n    listen 80;\n    location / {\n        try_files $uri /index.html;\n        proxy_pass http://{{ app_host }}:8000;\n    }\n}\n';
    const messages = lintDiskTree({ 'site.conf.j2': site }).map((finding) => finding.message);
    expect(messages.some((message) => message.includes('proxy_pass http://…:8000'))).toBe(true);
    expect(messages.filter((message) => message.includes('\uE000'))).toEqual([]);
  });
});
