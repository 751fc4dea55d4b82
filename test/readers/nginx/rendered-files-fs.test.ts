/**
 * The file system view with rendered envsubst templates added answers the size and head queries
 * (which the symlink-placeholder check asks) for rendered files as for files on disk.
 */
import { memoryFileSystem } from '../../../src/discovery/fs';
import { withRenderedFiles } from '../../../src/readers/nginx/rendered-templates';
import { RenderedSourceText } from '../../../src/readers/rendered-text';

/** A rendering that changes nothing: every offset maps to itself. */
function identityRendering(file: string, text: string): RenderedSourceText {
  const offsets = Int32Array.from({ length: text.length + 1 }, (_, i) => i);
  return new RenderedSourceText(file, text, text, offsets, offsets, []);
}

describe('withRenderedFiles: size and readHead', () => {
  const disk = memoryFileSystem({ 'nginx.conf': 'events {}\n' });
  const rendered = '/tree/\0envsubst/etc/nginx/conf.d/default.conf';
  const text = 'server { listen 80; } # é\n';
  const fs = withRenderedFiles(disk, new Map([[rendered, identityRendering('templates/default.conf.template', text)]]));

  test('a rendered file has its UTF-8 length and its bytes', () => {
    expect(fs.size(rendered)).toBe(Buffer.byteLength(text));
    expect(new TextDecoder().decode(fs.readHead(rendered, 6))).toBe('server');
  });

  test('the virtual directories holding it are no regular files', () => {
    expect(fs.size('/tree/\0envsubst/etc/nginx/conf.d')).toBeUndefined();
    expect(fs.readHead('/tree/\0envsubst/etc/nginx/conf.d', 10)).toBeUndefined();
  });

  test('files on disk answer as the disk does', () => {
    expect(fs.size('/tree/nginx.conf')).toBe('events {}\n'.length);
    expect(new TextDecoder().decode(fs.readHead('/tree/nginx.conf', 6))).toBe('events');
  });
});
