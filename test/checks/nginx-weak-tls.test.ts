import { rule } from '../../checks/nginx-weak-tls';
import { testRule } from '../harness';
import { lintDiskTree } from '../disk-tree';

const lines = (...text: string[]) => text.join('\n') + '\n';
const main = (...httpBody: string[]) => ({ 'nginx.conf': lines('events {}', 'http {', ...httpBody, '}') });
const tlsServer = (...body: string[]) => ({ 'conf.d/site.conf': lines('server {', ...body, '    listen 443 ssl;', '}') });

testRule(rule, {
  accept: [
    { name: 'TLSv1.2 and TLSv1.3', tree: main('    ssl_protocols TLSv1.2 TLSv1.3;', '    server {', '        listen 443 ssl;', '    }') },
    {
      name: "Debian's stock http-level line where no server speaks TLS",
      tree: main('    ssl_protocols TLSv1 TLSv1.1 TLSv1.2; # Dropping SSLv3, ref: POODLE', '    server {', '        listen 80;', '    }'),
    },
    {
      name: 'weak ciphers in a server that listens without ssl',
      tree: { 'conf.d/site.conf': lines('server {', '    listen 80;', '    ssl_ciphers RC4-SHA:HIGH;', '}') },
    },
    { name: 'nothing written: the default is not judged', tree: tlsServer('    server_name example.com;') },
    { name: "nginx's default cipher list", tree: tlsServer('    ssl_ciphers HIGH:!aNULL:!MD5;') },
    {
      name: 'weak families named only to be removed',
      tree: tlsServer("    ssl_ciphers 'ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL:!EXPORT:!DES:!3DES:!RC4:!MD5';"),
    },
    {
      name: 'a modern list of suites',
      tree: tlsServer('    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305;'),
    },
    {
      name: 'upstream TLS restricted to TLSv1.2+',
      tree: tlsServer('    location / {', '        proxy_ssl_protocols TLSv1.2 TLSv1.3;', '        proxy_pass https://10.0.0.2;', '    }'),
    },
    {
      name: 'a template decides the protocols',
      tree: { 'templates/site.conf.j2': lines('server {', '    ssl_protocols {{ nginx_ssl_protocols }};', '}') },
    },
  ],
  reject: [
    {
      name: 'TLSv1 and TLSv1.1 at http level, above a TLS server',
      tree: main('    ssl_protocols TLSv1 TLSv1.1 TLSv1.2;', '    server {', '        listen 443 ssl;', '    }'),
      findings: [
        {
          messageId: 'weakProtocols',
          severity: 'warning',
          primary: { file: 'nginx.conf', line: 3, column: 19, endLine: 3, endColumn: 24 },
          messageIncludes: ['"ssl_protocols" enables TLSv1, TLSv1.1'],
        },
      ],
    },
    {
      name: 'RC4 and 3DES suites in a quoted list point at the first weak item',
      tree: tlsServer("    ssl_ciphers 'ECDHE-RSA-AES128-GCM-SHA256:RC4-SHA:DES-CBC3-SHA';"),
      findings: [
        {
          messageId: 'weakCiphers',
          primary: { file: 'conf.d/site.conf', line: 2, column: 46, endColumn: 53 },
          messageIncludes: ['"RC4-SHA", "DES-CBC3-SHA"', 'Sweet32'],
        },
      ],
    },
    {
      name: 'SSLv3 to the upstream, from an included file',
      tree: {
        ...main('    include conf.d/*.conf;'),
        'conf.d/site.conf': lines(
          'server {',
          '    location / {',
          '        include snippets/upstream-tls.conf;',
          '        proxy_pass https://10.0.0.2;',
          '    }',
          '}',
        ),
        'snippets/upstream-tls.conf': lines('proxy_ssl_protocols sslv3 TLSv1.2;'),
      },
      findings: [
        { messageId: 'weakProtocols', primary: { file: 'snippets/upstream-tls.conf', line: 1, column: 21, endColumn: 26 }, messageIncludes: ['SSLv3'] },
      ],
    },
    {
      name: 'a server that turns TLS on with the old "ssl on" (nginx before 1.25.1)',
      nginxVersion: '1.18.0',
      tree: { 'conf.d/site.conf': lines('server {', '    listen 443;', '    ssl on;', '    ssl_protocols TLSv1.1 TLSv1.2;', '}') },
      findings: [{ messageId: 'weakProtocols', severity: 'warning', primary: { file: 'conf.d/site.conf', line: 4, column: 19, endLine: 4, endColumn: 26 } }],
    },
    {
      name: 'a stream server with SSLv3',
      tree: { 'nginx.conf': lines('events {}', 'stream {', '    server {', '        listen 5432 ssl;', '        ssl_protocols SSLv3 TLSv1.2;', '    }', '}') },
      findings: [{ messageId: 'weakProtocols', primary: { file: 'nginx.conf', line: 5, column: 23 } }],
    },
    {
      name: 'weak protocols and weak ciphers in one server: two findings',
      tree: tlsServer('    ssl_protocols SSLv3 TLSv1;', '    ssl_ciphers EXP-RC4-MD5:NULL-SHA:HIGH;'),
      findings: [
        { messageId: 'weakProtocols', primary: { file: 'conf.d/site.conf', line: 2, column: 19 }, messageIncludes: ['SSLv3, TLSv1'] },
        {
          messageId: 'weakCiphers',
          primary: { file: 'conf.d/site.conf', line: 3, column: 17, endColumn: 28 },
          messageIncludes: ['export keys', 'no encryption'],
        },
      ],
    },
    {
      name: 'an aNULL alias enabled with + inside an item',
      tree: tlsServer('    ssl_ciphers EECDH+aNULL:HIGH:!MD5;'),
      findings: [{ messageId: 'weakCiphers', primary: { file: 'conf.d/site.conf', line: 2, column: 17 }, messageIncludes: ['no server authentication'] }],
    },
  ],
});

describe('mail servers: opportunistic STARTTLS on port 25 is not judged, read from disk', () => {
  // Mailu's front: port 25 takes mail from other MTAs, which fall back to plaintext when STARTTLS
  // is missing (RFC 3207 sections 4 and 6), so a man in the middle strips it rather than downgrade it.
  const mail = (...servers: string[][]) =>
    lines(
      'load_module modules/ngx_mail_module.so;',
      'events {}',
      'mail {',
      '  auth_http http://127.0.0.1:8000/auth/email;',
      '  ssl_certificate /certs/cert.pem;',
      '  ssl_certificate_key /certs/key.pem;',
      ...servers.flatMap((body) => ['  server {', ...body.map((line) => `    ${line}`), '  }']),
      '}',
    );
  const weak = ['ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;', 'ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA:DES-CBC3-SHA;'];
  const findingsOf = (config: string) => lintDiskTree({ 'nginx.conf': config }).filter((f) => f.ruleId === 'nginx-weak-tls');
  /** The line of each finding, and whether it is about protocols or ciphers. */
  const judged = (config: string) => findingsOf(config).map((f) => `${f.primary.start.line} ${f.messageId}`);

  test('port 25, protocol smtp, starttls on: nothing', () => {
    expect(findingsOf(mail(['listen 25;', 'protocol smtp;', 'smtp_auth none;', 'starttls on;', ...weak]))).toEqual([]);
  });

  test('port 25 without a protocol line (nginx takes SMTP from the port), starttls and the weak lines on the mail block: nothing', () => {
    const config = mail(['listen [::]:25;']).replace('mail {', ['mail {', '  starttls on;', ...weak.map((line) => `  ${line}`)].join('\n'));
    expect(findingsOf(config)).toEqual([]);
  });

  test('starttls only on port 25 refuses plaintext: judged', () => {
    expect(judged(mail(['listen 25;', 'protocol smtp;', 'starttls only;', ...weak]))).toEqual(['11 weakProtocols', '12 weakCiphers']);
  });

  test('submission on 587 with starttls on: judged (its clients insist on TLS)', () => {
    expect(judged(mail(['listen 587;', 'protocol smtp;', 'starttls on;', ...weak]))).toEqual(['11 weakProtocols', '12 weakCiphers']);
  });

  test('one server on 25 and 587: judged', () => {
    expect(judged(mail(['listen 25;', 'listen 587;', 'protocol smtp;', 'starttls on;', ...weak]))).toEqual(['12 weakProtocols', '13 weakCiphers']);
  });

  test('IMAP with starttls on port 143 (protocol from the port): judged', () => {
    expect(judged(mail(['listen 143;', 'starttls on;', ...weak]))).toEqual(['10 weakProtocols', '11 weakCiphers']);
  });

  test('implicit TLS on 465 under the same mail-level protocols as a port-25 server: judged', () => {
    const config = mail(['listen 25;', 'protocol smtp;', 'starttls on;'], ['listen 465 ssl;', 'protocol smtp;']).replace(
      'mail {',
      'mail {\n  ssl_protocols TLSv1 TLSv1.2;',
    );
    expect(judged(config)).toEqual(['4 weakProtocols']);
  });

  test('a mail-level starttls on that a submission server inherits beside a port-25 one: judged', () => {
    const config = mail(['listen 25;', 'protocol smtp;'], ['listen 587;', 'protocol smtp;']).replace(
      'mail {',
      'mail {\n  starttls on;\n  ssl_protocols TLSv1 TLSv1.2;',
    );
    expect(judged(config)).toEqual(['5 weakProtocols']);
  });
});

describe('an http-level ssl_protocols or ssl_ciphers is judged only where a TLS server inherits it, read from disk', () => {
  // nginx merges a server's ssl_protocols and ssl_ciphers from http only when the server has none of its own.
  const WEAK_PROTOCOLS = '  ssl_protocols TLSv1 TLSv1.1 TLSv1.2;';
  const http = (...body: string[]) => lines('events {}', 'http {', ...body, '}');
  const judged = (tree: Record<string, string>) =>
    lintDiskTree(tree)
      .filter((f) => f.ruleId === 'nginx-weak-tls')
      .map((f) => `${f.primary.file}:${f.primary.start.line} ${f.messageId}`);

  test("litemall's shape: the only TLS server (ssl on) writes the same weak line again: one finding, the server's", () => {
    const config = http(WEAK_PROTOCOLS, '  server {', '    listen 443;', '    ssl on;', '    ssl_protocols TLSv1 TLSv1.1 TLSv1.2;', '  }');
    expect(judged({ 'nginx.conf': config })).toEqual(['nginx.conf:7 weakProtocols']);
  });

  test('every TLS server sets strong protocols of its own (one through an include): the http line is in force nowhere', () => {
    const config = http(
      WEAK_PROTOCOLS,
      '  server {',
      '    listen 443 ssl;',
      '    ssl_protocols TLSv1.2 TLSv1.3;',
      '  }',
      '  server {',
      '    listen 8443 ssl;',
      '    include tls.conf;',
      '  }',
      '  server {',
      '    listen 80;',
      '  }',
    );
    expect(judged({ 'nginx.conf': config, 'tls.conf': 'ssl_protocols TLSv1.3;\n' })).toEqual([]);
  });

  test('one TLS server of two inherits it: the http line is reported once', () => {
    const config = http(
      WEAK_PROTOCOLS,
      '  server {',
      '    listen 443 ssl;',
      '    ssl_protocols TLSv1.2 TLSv1.3;',
      '  }',
      '  server {',
      '    listen 8443 ssl;',
      '  }',
    );
    expect(judged({ 'nginx.conf': config })).toEqual(['nginx.conf:3 weakProtocols']);
  });

  test('ssl_ciphers the same way: replaced in the TLS server, not reported; inherited, reported', () => {
    const weakCiphers = '  ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:DES-CBC3-SHA;';
    const replaced = http(weakCiphers, '  server {', '    listen 443 ssl;', '    ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;', '  }');
    expect(judged({ 'nginx.conf': replaced })).toEqual([]);
    // The server replaces ssl_protocols only: its ciphers still come from http.
    const inherited = http(weakCiphers, '  server {', '    listen 443 ssl;', '    ssl_protocols TLSv1.2 TLSv1.3;', '  }');
    expect(judged({ 'nginx.conf': inherited })).toEqual(['nginx.conf:3 weakCiphers']);
  });
});
