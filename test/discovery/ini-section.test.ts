import { hasIniSectionHeader } from '../../src/discovery/ini-section';

describe('hasIniSectionHeader', () => {
  test.each([
    ['a section on the first line', '[program:app]\ncommand=x\n'],
    ['indented, with trailing blanks and CRLF', 'x = 1\r\n \t[Unit] \t\r\nDescription=y\r\n'],
    ['after a bare CR (old Mac line ends)', 'x = 1\r[uwsgi]\rsocket = :8000'],
    ['after U+2028', 'x\u2028[a]\u2029y'],
    ['after a line that holds a [ mid-line', 'listen [::]:80;\n[server]\n'],
  ])('finds one: %s', (_name, text) => {
    expect(hasIniSectionHeader(text)).toBe(true);
  });

  test.each([
    ['nginx with IPv6 listens and regex classes', 'server {\n    listen [::]:80;\n    location ~ ^/[a-z]+$ { return 404; }\n}\n'],
    ['a [ at a line start that never closes on its line', '[a\n]\n'],
    ['text after the ]', '[a] x\n'],
    ['an empty pair of brackets', '[]\n'],
    ['no [ at all', 'events {}\nhttp {}\n'],
  ])('finds none: %s', (_name, text) => {
    expect(hasIniSectionHeader(text)).toBe(false);
  });
});
