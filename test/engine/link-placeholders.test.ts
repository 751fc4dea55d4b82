/**
 * Symlink placeholders end to end, on disk: a checkout made with symlinks off (git's
 * core.symlinks=false) lints as the same checkout with its links, and the one-line configs that
 * look a little like placeholders are still read as the configs they are.
 */
import * as nodeFs from 'fs';
import * as nodePath from 'path';
import { confineFileSystem } from '../../src/discovery/confine';
import { nodeFileSystem } from '../../src/discovery/fs';
import { lintSync } from '../../src/engine/run';
import { writeTree } from '../disk-tree';

const files = {
  'nginx/nginx.conf': 'events {}\nhttp {\n    include sites-enabled/*;\n}\n',
  // An unknown directive, so that reading the target shows as a finding.
  'nginx/sites-available/app': 'server {\n    listen 8080;\n    proxy_passs http://127.0.0.1:8000;\n}\n',
  'sysctl.conf': 'net.core.somaxconn = 1024\n',
  'systemd/system/app.service': '[Service]\nExecStart=/usr/bin/app\n',
};

/** Links as git records them: name -> target. */
const links: Record<string, string> = {
  'nginx/sites-enabled/app': '../sites-available/app',
  'sysctl.d/99-sysctl.conf': '../sysctl.conf',
  'nginx/sites-enabled/outside': '../../../../../../../../etc/hostname',
};

/**
 * An absolute target: a real link resolves it on the machine cfglint runs on (missing here, a
 * broken link; present elsewhere, out of the tree); the placeholder is out of the tree wherever.
 */
const absolute = { 'systemd/system/multi-user.target.wants/ssh.service': '/lib/systemd/system/ssh.service' };

/** The same repository checked out twice: with real symlinks, and with placeholder files. */
function checkouts(extra: Record<string, string> = {}): { linked: string; placeholders: string } {
  const linked = writeTree({ ...files, ...extra });
  const placeholders = writeTree({ ...files, ...extra, ...links });
  for (const [name, target] of Object.entries(links)) {
    nodeFs.mkdirSync(nodePath.dirname(nodePath.join(linked, name)), { recursive: true });
    nodeFs.symlinkSync(target, nodePath.join(linked, name));
  }
  return { linked, placeholders };
}

const lint = (root: string) => lintSync({ paths: ['.'], cwd: root, config: {}, nginxVersion: '1.24.0' }).report;
const summary = (root: string) => {
  const report = lint(root);
  return { files: report.files, findings: report.findings.map((f) => `${f.severity} ${f.ruleId} ${f.primary.file}:${f.primary.start.line}`) };
};

describe('a checkout with symlink placeholders', () => {
  test('lints as the same checkout with real symlinks', () => {
    const { linked, placeholders } = checkouts();
    expect(summary(placeholders)).toEqual(summary(linked));
  });

  test('the in-tree targets are read, the placeholder text never is, and links out of the tree are skipped without a finding', () => {
    const { placeholders } = checkouts(absolute);
    const report = lint(placeholders);
    // The target's problem is found (through the include of sites-enabled/*).
    expect(report.findings.some((f) => f.ruleId === 'nginx-unknown-directive' && f.message.includes('proxy_passs'))).toBe(true);
    // No file is read as holding a path: the findings an unhandled placeholder gave.
    expect(report.findings.filter((f) => /syntax/.test(f.ruleId))).toEqual([]);
    // Absolute, and relative out of the tree: not read, and nothing said, as for a real link out.
    expect(report.files).not.toContain('systemd/system/multi-user.target.wants/ssh.service');
    expect(report.files).not.toContain('nginx/sites-enabled/outside');
    expect(report.findings.filter((f) => f.primary.file.includes('ssh.service') || f.primary.file.includes('outside'))).toEqual([]);
  });

  test('a placeholder whose in-tree target is missing is reported as a broken link is', () => {
    const { linked, placeholders } = checkouts();
    for (const root of [linked, placeholders]) {
      nodeFs.mkdirSync(nodePath.join(root, 'nginx/conf.d'));
      if (root === linked) nodeFs.symlinkSync('../sites-available/gone', nodePath.join(root, 'nginx/conf.d/gone.conf'));
      else nodeFs.writeFileSync(nodePath.join(root, 'nginx/conf.d/gone.conf'), '../sites-available/gone');
    }
    const broken = (root: string) =>
      lint(root)
        .findings.filter((f) => f.primary.file === 'nginx/conf.d/gone.conf')
        .map((f) => `${f.ruleId}: ${f.message}`);
    expect(broken(placeholders)).toEqual(['read-error: cannot read nginx/conf.d/gone.conf: broken or looping symbolic link']);
    expect(broken(placeholders)).toEqual(broken(linked));
  });

  test('a placeholder to a directory is walked like a link to it', () => {
    const root = writeTree({
      'nginx/nginx.conf': 'events {}\nhttp {\n    include conf-enabled/site.conf;\n}\n',
      'nginx/conf-available/site.conf': 'server {\n    listen 8080;\n    proxy_passs http://127.0.0.1:8000;\n}\n',
      'nginx/conf-enabled': 'conf-available',
    });
    const findings = lint(root).findings;
    // The include goes through the directory placeholder: found, and the file below it read.
    expect(findings.filter((f) => f.ruleId.startsWith('include-'))).toEqual([]);
    expect(findings.filter((f) => f.ruleId === 'nginx-unknown-directive').length).toBe(1);
    expect(findings.filter((f) => f.ruleId === 'nginx-syntax')).toEqual([]);
  });

  test('one-line configs without a newline are read as configs, not taken for links', () => {
    const root = writeTree({
      'nginx/nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
      'nginx/conf.d/main.conf': 'include conf.d/*.conf;',
      '.env': 'A=b',
      Procfile: 'web',
      'conf.d/x.conf': 'server {}\n',
    });
    const fs = confineFileSystem(nodeFileSystem, [root]);
    for (const name of ['nginx/conf.d/main.conf', '.env', 'Procfile']) {
      expect(fs.isSymlink(nodePath.join(root, name))).toBe(false);
      expect(fs.kind(nodePath.join(root, name))).toBe('file');
    }
    expect(lint(root).files).toEqual(expect.arrayContaining(['nginx/conf.d/main.conf', 'Procfile']));
  });
});
