/** OpenSSL cipher lists as ciphers(1) reads them: which broken families stay enabled. */
import { weakCiphers, weakProtocol } from '../../src/model/tls-ciphers';

const families = (list: string) => weakCiphers(list).map((item) => item.family);

describe('weakCiphers', () => {
  test("nginx's default list and the usual modern ones enable nothing broken", () => {
    expect(families('HIGH:!aNULL:!MD5')).toEqual([]);
    expect(families('ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305')).toEqual([]);
    expect(families('EECDH+AESGCM:EDH+AESGCM')).toEqual([]);
  });

  test('named weak suites and aliases are found at their item', () => {
    const list = 'ECDHE-RSA-AES128-GCM-SHA256:RC4-SHA:DES-CBC3-SHA';
    expect(weakCiphers(list)).toEqual([
      { family: 'RC4', offset: 28, text: 'RC4-SHA' },
      { family: '3DES', offset: 36, text: 'DES-CBC3-SHA' },
    ]);
    expect(families('EXP-RC4-MD5 NULL-SHA,ADH-AES256-SHA')).toEqual(['EXPORT', 'NULL', 'aNULL']);
    expect(families('EDH-RSA-DES-CBC-SHA:LOW:MD5')).toEqual(['DES', 'LOW', 'MD5']);
  });

  test('! removes a family for good wherever it stands; - until named again; + only moves', () => {
    expect(families('RC4:HIGH:!RC4')).toEqual([]);
    expect(families('RC4:-RC4')).toEqual([]);
    expect(families('-RC4:RC4')).toEqual(['RC4']);
    expect(families('HIGH:+RC4')).toEqual([]);
  });

  test('an a+b item is weak when one part is', () => {
    expect(families('EECDH+RC4:EECDH+AESGCM')).toEqual(['RC4']);
  });
});

describe('weakProtocol', () => {
  test('SSLv2, SSLv3, TLSv1 and TLSv1.1 in any case; TLSv1.2 and TLSv1.3 are fine', () => {
    expect(['SSLv3', 'tlsv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'].map(weakProtocol)).toEqual(['SSLv3', 'TLSv1', 'TLSv1.1', undefined, undefined]);
  });
});
