/**
 * Files named like nginx's that belong to other servers are left alone, and a glob include
 * lands only on files that read like nginx. The samples are shortened from the real files
 * (FreeRADIUS raddb/sites-enabled/default, ISC dhcpd, bind, jitsi's HOCON, supervisor).
 */
import { memoryFileSystem, MemoryTree } from '../../../src/discovery/fs';
import { lintSync } from '../../../src/engine/run';
import { NothingToReadError } from '../../../src/engine/options';
import { readsLikeNginx } from '../../../src/readers/nginx/lookalike';
import { parseNginx } from '../../../src/readers/nginx/parse';
import { parseNginxTemplate } from '../../../src/readers/nginx/template';
import { SourceText } from '../../../src/source/text';

function lint(tree: MemoryTree) {
  return lintSync({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} }).report;
}

const FREERADIUS = `server default {
listen {
\ttype = auth
\tipaddr = *
\tport = 0
}
authorize {
\tfilter_username
\tpreprocess
\tchap
\tmschap
\teap {
\t\tok = return
\t}
}
}
`;

const DHCPD = `option domain-name "example.org";
default-lease-time 600;
max-lease-time 7200;
subnet 10.0.0.0 netmask 255.255.255.0 {
  range 10.0.0.10 10.0.0.100;
  deny unknown-clients;
}
`;

const BIND = `options {
    directory "/var/cache/bind";
    recursion no;
};
zone "example.org" {
    type master;
    file "/etc/bind/db.example.org";
};
`;

/** jitsi's jicofo.conf: HOCON behind Go template tags. */
const HOCON = `{{ $ENABLE_AUTH := .Env.ENABLE_AUTH | default "0" -}}
jicofo {
  authentication {
    enabled = {{ $ENABLE_AUTH }}
    type = XMPP
  }
  bridge {
    brewery-jid = "jvbbrewery@internal-muc.meet.jitsi"
  }
}
`;

describe("other servers' files with nginx-like names are not read", () => {
  test.each([
    ['FreeRADIUS', 'raddb/sites-enabled/default', FREERADIUS],
    ['ISC dhcpd', 'dhcp/dhcpd.conf', DHCPD],
    ['bind', 'bind/named.conf', BIND],
    ['HOCON template', 'jicofo/rootfs/defaults/jicofo.conf', HOCON],
  ])('%s', (_name, path, content) => {
    // Beside an nginx file: the look-alike is neither read nor judged.
    const report = lint({ [path]: content, 'nginx/nginx.conf': 'events {}\n' });
    expect(report.files).toEqual(['nginx/nginx.conf']);
    expect(report.findings.map((f) => `${f.ruleId} ${f.primary.file}`)).toEqual([]);
    // On its own it is no file cfglint reads, and the run says so rather than passing.
    expect(() => lint({ [path]: content })).toThrow(NothingToReadError);
  });

  test('a file named on the command line is read as nginx whatever it looks like', () => {
    const report = lintSync({
      paths: ['raddb/sites-enabled/default'],
      cwd: '/tree',
      fs: memoryFileSystem({ 'raddb/sites-enabled/default': FREERADIUS }, '/tree'),
      config: {},
    }).report;
    expect(report.files).toEqual(['raddb/sites-enabled/default']);
    expect(report.findings.length).toBeGreaterThan(0);
  });

  test('a short nginx snippet with a typo is still nginx', () => {
    const report = lint({ 'conf.d/proxy.conf': 'proxy_passs http://app;\n' });
    expect(report.findings.map((f) => `${f.ruleId} ${f.primary.file}:${f.primary.start.line}`)).toEqual(['nginx-unknown-directive conf.d/proxy.conf:1']);
  });

  test('an nginx site with some unknown directives among known ones is still nginx', () => {
    const report = lint({ 'sites-enabled/app': 'server {\n    listen 80;\n    server_nme example.org;\n    root /srv;\n    frobnicate on;\n}\n' });
    expect(report.findings.map((f) => `${f.ruleId} ${f.primary.start.line}`).sort()).toEqual(['nginx-unknown-directive 3', 'nginx-unknown-directive 5']);
  });
});

describe('readsLikeNginx', () => {
  const reads = (text: string) => readsLikeNginx(parseNginx(new SourceText('f', text)));
  test.each([
    ['FreeRADIUS', FREERADIUS],
    ['ISC dhcpd', DHCPD],
    ['bind', BIND],
    ['supervisor', '[program:web]\ncommand=gunicorn app:app\n'],
    ['Apache', '<VirtualHost *:80>\n    ServerName example.org\n    DocumentRoot /srv\n    ProxyPass / http://127.0.0.1:8000/\n</VirtualHost>\n'],
    ['HAProxy', 'global\n    maxconn 4096\ndefaults\n    mode http\nfrontend web\n    bind *:80\n    default_backend app\n'],
    ['Lua', 'local cjson = require "cjson";\nlocal x = 1;\nreturn x;\n'],
  ])('%s does not', (_name, text) => {
    expect(reads(text)).toBe(false);
  });

  test('a HOCON template does not, once its tags are set aside', () => {
    expect(readsLikeNginx(parseNginxTemplate('jicofo.conf', HOCON, 'go-template'))).toBe(false);
  });

  test.each([
    ['a site', 'server {\n    listen 80;\n    location / { proxy_pass http://app; }\n}\n'],
    ['a main config', 'worker_processes auto;\nevents { worker_connections 1024; }\nhttp { include mime.types; }\n'],
    ['a map full of data', 'map $http_upgrade $connection_upgrade {\n    default upgrade;\n    foo bar;\n    baz qux;\n}\n'],
    ['OpenResty with Lua', 'server {\n    listen 80;\n    content_by_lua_block {\n        local a = 1\n        ngx.say(a)\n    }\n}\n'],
  ])('%s does', (_name, text) => {
    expect(reads(text)).toBe(true);
  });
});

describe('a glob include lands only on nginx files', () => {
  test("supervisor's conf.d under an nginx glob is skipped; the nginx file beside it is read", () => {
    const report = lint({
      'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
      'conf.d/app.conf': 'server {\n    listen 80;\n    proxy_passs http://app;\n}\n',
      'conf.d/worker.conf': '[program:worker]\ncommand=/srv/venv/bin/celery worker\nautostart=true\n',
      'conf.d/freeradius.conf': FREERADIUS,
    });
    expect(report.findings.map((f) => `${f.ruleId} ${f.primary.file}:${f.primary.start.line}`)).toEqual(['nginx-unknown-directive conf.d/app.conf:3']);
  });

  test('a file an include names exactly is read whatever it looks like: nginx would read it', () => {
    const report = lint({
      'nginx.conf': 'events {}\nhttp {\n    include radius.conf;\n}\n',
      'radius.conf': FREERADIUS,
    });
    expect(report.findings.some((f) => f.primary.file === 'radius.conf')).toBe(true);
  });
});

describe('symbolic links checked out as text', () => {
  test('sites-enabled/* holding a path, included by a glob, is no finding', () => {
    const report = lint({
      'nginx/nginx.conf': 'events {}\nhttp {\n    include sites-enabled/*;\n}\n',
      'nginx/sites-available/shop': 'server {\n    listen 80;\n}\n',
      'nginx/sites-enabled/shop': '../sites-available/shop',
    });
    expect(report.findings.map((f) => `${f.ruleId} ${f.primary.file}`)).toEqual([]);
  });
});
