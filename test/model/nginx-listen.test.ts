import { invalidListenParameter, listenSocket } from '../../src/model/nginx-listen';
import type { NginxDirective } from '../../src/readers/nginx';

/** A listen directive with these argument values (spans are not read by listenSocket). */
function listen(...values: string[]): NginxDirective {
  return { name: 'listen', args: values.map((value) => ({ value })) } as unknown as NginxDirective;
}

describe('listenSocket', () => {
  test.each([
    [['80'], '*:80'],
    [['*:8080'], '*:8080'],
    [['0.0.0.0:443', 'ssl'], '*:443'],
    [['127.0.0.1'], '127.0.0.1:80'],
    [['Example.COM:81'], 'example.com:81'],
    [['[::]:443', 'ssl'], '[::]:443'],
    [['[::1]'], '[::1]:80'],
    [['unix:/run/nginx.sock'], 'unix:/run/nginx.sock'],
  ])('%j binds %s', (args, key) => {
    expect(listenSocket(listen(...args))?.key).toBe(key);
  });

  test('default_server and its old spelling default mark the server', () => {
    expect(listenSocket(listen('80', 'default_server'))?.defaultServer).toBe(true);
    expect(listenSocket(listen('80', 'default'))?.defaultServer).toBe(true);
    expect(listenSocket(listen('80', 'reuseport'))?.defaultServer).toBe(false);
  });

  test('an address it cannot read gives no socket', () => {
    expect(listenSocket(listen('${PORT}'))).toBeUndefined();
    expect(listenSocket(listen('a b'))).toBeUndefined();
    expect(listenSocket(listen())).toBeUndefined();
  });
});

describe('invalidListenParameter', () => {
  test('every parameter nginx knows is accepted', () => {
    expect(invalidListenParameter(['443', 'ssl', 'http2', 'default_server', 'backlog=511', 'so_keepalive=30m::10', 'accept_filter=dataready'])).toBe(-1);
  });

  test('the first unknown one is found, never the address', () => {
    expect(invalidListenParameter(['spdy'])).toBe(-1);
    expect(invalidListenParameter(['80', 'ssl', 'bogus', 'reuseport'])).toBe(2);
    expect(invalidListenParameter(['80', 'backlog'])).toBe(1);
  });

  test('spdy is left to nginx-deprecated-directive, which knows when it became invalid', () => {
    expect(invalidListenParameter(['443', 'ssl', 'spdy'])).toBe(-1);
  });

  test("udp only where the line may be a stream server's", () => {
    expect(invalidListenParameter(['53', 'udp'])).toBe(1);
    expect(invalidListenParameter(['53', 'udp'], true)).toBe(-1);
  });
});
