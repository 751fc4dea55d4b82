/**
 * What counts as a symlink placeholder (the file git writes for a link when symlinks are off):
 * the link targets seen in real repositories qualify; one-line and one-word configs never do.
 */
import { memoryFileSystem } from '../../src/discovery/fs';
import { PLACEHOLDER_MAX_BYTES, placeholderTarget, readPlaceholder } from '../../src/discovery/link-placeholder';

const bytes = (text: string) => new TextEncoder().encode(text);
const noSibling = () => false;

describe('placeholderTarget', () => {
  test.each([
    '/lib/systemd/system/ssh.service', // systemd's .wants links, absolute
    '/lib/systemd/system/getty@.service',
    '../sysctl.conf', // sysctl.d/99-sysctl.conf
    '../../mods-available/pdo.ini', // php conf.d
    '../conf-available/90-javascript-alias.conf', // lighttpd conf-enabled
    '../sites-available/default',
    'conf.d/', // a link to a directory may end in a slash
  ])('the link target %s qualifies whether or not it exists', (target) => {
    expect(placeholderTarget(bytes(target), noSibling)).toBe(target);
  });

  test('a bare name qualifies only when a sibling of that name exists', () => {
    expect(placeholderTarget(bytes('mailcow.conf'), (name) => name === 'mailcow.conf')).toBe('mailcow.conf');
    expect(placeholderTarget(bytes('mailcow.conf'), noSibling)).toBeUndefined();
  });

  test('a one-word file (Procfile-like, an s6 type file, a version) is not a link without a sibling of its name', () => {
    for (const word of ['web', 'oneshot', '3.11.4', 'production']) expect(placeholderTarget(bytes(word), noSibling)).toBeUndefined();
  });

  test.each([
    ['a one-line nginx file without a newline', 'include conf.d/*.conf;'],
    ['the same without its space', 'include=conf.d/*.conf;'],
    ['a one-line .env', 'A=b'],
    ['a Procfile line', 'web: gunicorn app:app'],
    ['a Procfile line without spaces', 'web:gunicorn'],
    ['a URL, which would otherwise be a relative path', 'http://example.com/app'],
    ['a path followed by a newline, as an editor leaves it', '../sysctl.conf\n'],
    ['a path with CRLF', '../sysctl.conf\r\n'],
    ['a path with a space inside', '../my file.conf'],
    ['a path with a tab', '../a\tb'],
    ['a template tag', '{{ nginx_conf }}'],
    ['a shell variable', '$HOME/app.conf'],
    ['a glob', 'conf.d/*.conf'],
    ['an XML element', '<Server/>'],
    ['a comment', '#/etc/nginx'],
    ['a quoted path', '"/etc/nginx/nginx.conf"'],
    ['a Windows path', 'C:\\nginx\\conf'],
    ['a NUL byte', '../a\u0000b'],
    ['an escape character', '../a\u001bb'],
    ['a C1 control character', '../a\u0085b'],
    ['a byte-order mark', '\uFEFF../sysctl.conf'],
    ['a lone dot', '.'],
    ['a lone dot-dot', '..'],
    ['nothing at all', ''],
  ])('%s is not a placeholder', (_what, content) => {
    expect(placeholderTarget(bytes(content), () => true)).toBeUndefined();
  });

  test('bytes that are not UTF-8 are not a placeholder', () => {
    expect(placeholderTarget(new Uint8Array([0x2e, 0x2e, 0x2f, 0xff, 0xfe]), noSibling)).toBeUndefined();
  });

  test('a target longer than PATH_MAX allows is not one', () => {
    const longest = '../' + 'a'.repeat(PLACEHOLDER_MAX_BYTES - 3);
    expect(placeholderTarget(bytes(longest), noSibling)).toBe(longest);
    expect(placeholderTarget(bytes(longest + 'a'), noSibling)).toBeUndefined();
  });
});

describe('readPlaceholder', () => {
  test('reads the target of a small file, looking the sibling up beside it', () => {
    const fs = memoryFileSystem({ '.env': 'mailcow.conf', 'mailcow.conf': 'A=b\n', 'alone/.env': 'mailcow.conf' });
    expect(readPlaceholder(fs, '/tree/.env', 12)).toBe('mailcow.conf');
    expect(readPlaceholder(fs, '/tree/alone/.env', 12)).toBeUndefined();
  });

  test("an ignore file naming one sibling is that tool's list, not a link (plane's nginx/.prettierignore)", () => {
    const fs = memoryFileSystem({
      'nginx/.prettierignore': 'nginx.conf.template',
      'nginx/.dockerignore': 'Dockerfile',
      'nginx/nginx.conf.template': 'x',
      'nginx/Dockerfile': 'FROM nginx\n',
      'nginx/.env': 'Dockerfile',
    });
    expect(readPlaceholder(fs, '/tree/nginx/.prettierignore', 19)).toBeUndefined();
    expect(readPlaceholder(fs, '/tree/nginx/.dockerignore', 10)).toBeUndefined();
    // Control: another dotfile that names a sibling is still read as the link it stands for.
    expect(readPlaceholder(fs, '/tree/nginx/.env', 10)).toBe('Dockerfile');
  });

  test('a file holding its own name is a one-word file, not a link to itself', () => {
    const fs = memoryFileSystem({ main: 'main' });
    expect(readPlaceholder(fs, '/tree/main', 4)).toBeUndefined();
  });

  test('a file over PATH_MAX bytes, or empty, is never read', () => {
    const disk = memoryFileSystem({ big: '../' + 'x'.repeat(PLACEHOLDER_MAX_BYTES), empty: '' });
    const read: string[] = [];
    const fs = {
      ...disk,
      read: (path: string) => (read.push(path), disk.read(path)),
      readHead: (path: string, n: number) => (read.push(path), disk.readHead(path, n)),
    };
    expect(readPlaceholder(fs, '/tree/big', disk.size('/tree/big')!)).toBeUndefined();
    expect(readPlaceholder(fs, '/tree/empty', 0)).toBeUndefined();
    expect(read).toEqual([]);
  });
});
