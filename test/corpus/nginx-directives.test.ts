/**
 * The directive rules (nginx-unknown-directive, nginx-directive-context, nginx-directive-args,
 * nginx-duplicate-directive, nginx-proxy-buffers) on ../shared/corpus: every nginx file of
 * nginx/, deploy-sets/ and invalid/ linted on its own, and every deploy set as a directory.
 *
 * Third-party modules are treated the way a user would: a first run names the modules whose
 * directives a file uses (the `thirdParty` warnings), and the file is linted again with those
 * in "nginx.modules". F5's commercial modules (App Protect, f5_metrics), which cfglint does not
 * know, are declared with "nginx.extraDirectives". After that, every finding must be one nginx
 * itself would give: each is listed below with why. The Lua and gixy ones were checked with
 * Debian's nginx 1.22.1 (`nginx -t`, with libnginx-mod-http-lua 0.10.23 loaded for Lua).
 */
import type { CfglintConfig } from '../../src/engine/config';
import { lintSync } from '../../src/engine/run';
import type { Report } from '../../src/engine/findings';
import { CORPUS, corpusEntries, describeCorpus } from './corpus';

const RULES = ['nginx-unknown-directive', 'nginx-directive-context', 'nginx-directive-args', 'nginx-duplicate-directive', 'nginx-proxy-buffers'];

/** F5 modules cfglint does not know, declared as a user would (contexts from their use). */
const F5_DIRECTIVES: Record<string, string[]> = {
  f5_metrics: ['http', 'server', 'location'],
  f5_metrics_server: ['http'],
  app_protect_enable: ['http', 'server', 'location'],
  app_protect_policy_file: ['http', 'server', 'location'],
  app_protect_security_log_enable: ['http', 'server', 'location'],
  app_protect_security_log: ['http', 'server', 'location'],
  app_protect_enforcer_address: ['http'],
};

/** Files nginx's parser rejects: nginx stops there, and the reader reports it as nginx-syntax. */
const SYNTAX_FIRST = new Set(['nginx/nginxinc__crossplane__tests__configs__quote-behavior__nginx.conf']);

/** `rule file:line` → why nginx rejects it too. */
const EXPECTED: Record<string, string> = {
  // invalid/: the broken configs named in its README
  'nginx-directive-args invalid/nginxinc__crossplane__tests__configs__bad-args__nginx.conf:1': 'nginx: invalid number of arguments in "user" directive',
  'nginx-unknown-directive invalid/nginxinc__crossplane__tests__configs__spelling-mistake__nginx.conf:7': 'nginx: unknown directive "proxy_passs"',
  'nginx-unknown-directive invalid/nginxinc__nginx-go-crossplane__testdata__configs__broken1__nginx2.conf:5': 'nginx: unknown directive "server_name#"',
  'nginx-unknown-directive invalid/tufanbarisyildirim__gonginx__full-example__nginx-structure.conf:9':
    'nginx stops here: unknown directive "//vhosts/tenta_com.conf" (line 10 in nginx, whose include of line 4 is blanked)',
  'nginx-unknown-directive invalid/tufanbarisyildirim__gonginx__full-example__nginx-structure.conf:21': 'pseudo-line "//vhosts/tenta_io.conf"',
  'nginx-unknown-directive invalid/tufanbarisyildirim__gonginx__full-example__nginx-structure.conf:28': 'pseudo-code "class"',
  'nginx-unknown-directive invalid/tufanbarisyildirim__gonginx__full-example__nginx-structure.conf:36': 'pseudo-code "config"',
  'nginx-directive-context invalid/tufanbarisyildirim__gonginx__full-example__nginx-structure.conf:15': 'server {} at the main level',
  'nginx-directive-context invalid/tufanbarisyildirim__gonginx__full-example__nginx-structure.conf:45': 'server {} at the main level',
  'nginx-directive-args invalid/tufanbarisyildirim__gonginx__full-example__nginx-structure.conf:49':
    'include with a block: directive "include" is not terminated by ";"',
  // nginx/: test fixtures of other tools and templates that nginx rejects as they are
  'nginx-directive-args nginx/linuxserver__reverse-proxy-confs___template.subdomain.conf.sample:53':
    'a template: `set $upstream_proto <http or https>;` has 4 arguments',
  'nginx-directive-context nginx/certbot__certbot__certbot__src__certbot___internal__tests__plugins__nginx__testdata__etc_nginx__minimalistic_comments.conf:3':
    'certbot fixture: `check_status` (a location directive) beside `server {}`: no block allows both',
  'nginx-directive-context nginx/dvershinin__gixy__tests__plugins__simply__origins__origin_wo_slash.conf:4':
    'gixy fixture: `if` directly in http; nginx -t: "if" directive is not allowed here',
  'nginx-directive-context nginx/nginxinc__crossplane__tests__configs__lua-block-larger__nginx.conf:2':
    'crossplane fixture: content_by_lua_block in http; nginx -t with the Lua module: not allowed here',
  'nginx-directive-context nginx/nginxinc__crossplane__tests__configs__lua-block-simple__nginx.conf:36':
    'crossplane fixture: log_by_lua_block in upstream; nginx -t with the Lua module: not allowed here',
  'nginx-directive-context nginx/nginxinc__nginx-go-crossplane__testdata__configs__lua-block-simple__simple.conf:37': 'the same fixture in nginx-go-crossplane',
  'nginx-directive-context nginx/tufanbarisyildirim__gonginx__testdata__issues__20.conf:26':
    'nginx -t with the Lua module stops here: "server" directive is not allowed here (nginx-files.test.ts)',
  'nginx-unknown-directive nginx/PageSpeedPlus__easyengine-2__etc__nginx__nginx.conf:73': 'a broken line: `ssl_Connection credentials cachingecdh_curve …`',
  'nginx-unknown-directive nginx/certbot__certbot__certbot__src__certbot___internal__tests__plugins__nginx__testdata__etc_nginx__nginx.conf:17':
    'certbot fixture: `empty {}`',
  'nginx-unknown-directive nginx/kaltura__nginx-vod-module__test__test_open_file_cache.conf:56':
    "`requestid on;`: no module cfglint knows (not the vod module's)",
  'nginx-unknown-directive nginx/tufanbarisyildirim__gonginx__testdata__issues__37.conf:4': 'gonginx fixture: my_custom_directive',
  'nginx-unknown-directive nginx/tufanbarisyildirim__gonginx__testdata__issues__37.conf:5': 'gonginx fixture: my_custom_directive2',
  'nginx-unknown-directive nginx/tufanbarisyildirim__gonginx__testdata__issues__37.conf:6': 'gonginx fixture: my_custom_directive3',
};

function lintTwice(relative: string): { report: Report; modules: string[] } {
  const base: CfglintConfig = { nginx: { extraDirectives: F5_DIRECTIVES } };
  const first = lintSync({ paths: [relative], cwd: CORPUS, config: base }).report;
  const modules = [...new Set(first.findings.filter((f) => f.messageId === 'thirdParty').map((f) => /module "([^"]+)"/.exec(f.message)![1]))];
  if (modules.length === 0) return { report: first, modules };
  const config: CfglintConfig = { nginx: { ...base.nginx, modules } };
  return { report: lintSync({ paths: [relative], cwd: CORPUS, config }).report, modules };
}

describeCorpus('corpus: nginx directive rules', () => {
  const entries = corpusEntries();
  const files = entries.filter((entry) => entry.format === 'nginx' && /^(nginx|deploy-sets|invalid)\//.test(entry.path)).map((entry) => entry.path);
  const sets = [...new Set(entries.filter((entry) => entry.path.startsWith('deploy-sets/')).map((entry) => entry.path.split('/').slice(0, 2).join('/')))];
  const found = new Map<string, string>();
  const modulesUsed = new Map<string, number>();

  test('lists the nginx files and deploy sets', () => {
    expect(files.length).toBeGreaterThan(300);
    expect(sets.length).toBeGreaterThan(10);
  });

  for (const target of [...files, ...sets]) {
    test(target, () => {
      const { report, modules } = lintTwice(target);
      for (const module of modules) modulesUsed.set(module, (modulesUsed.get(module) ?? 0) + 1);
      for (const finding of report.findings) {
        if (!RULES.includes(finding.ruleId)) continue;
        const key = `${finding.ruleId} ${finding.primary.file}:${finding.primary.start.line}`;
        found.set(key, finding.message);
      }
      // Once the modules a file uses are enabled, nothing is left for the third-party warning.
      expect(report.findings.filter((f) => f.messageId === 'thirdParty').map((f) => f.message)).toEqual([]);
    });
  }

  test('every finding is one nginx gives, and every expected one is found', () => {
    const unexpected = [...found.entries()]
      .filter(([key]) => !EXPECTED[key] && !SYNTAX_FIRST.has(key.split(' ')[1].replace(/:\d+$/, '')))
      .map(([key, message]) => `${key} ${message}`);
    expect(unexpected).toEqual([]);
    expect(Object.keys(EXPECTED).filter((key) => !found.has(key))).toEqual([]);
    process.stdout.write(
      `nginx directive rules on the corpus: ${files.length} files and ${sets.length} deploy sets, ${found.size} findings, all expected; ` +
        `third-party modules enabled per file: ${[...modulesUsed].map(([m, n]) => `${m} ×${n}`).join(', ')}\n`,
    );
  });
});
