/** sysctl.conf / sysctl.d ordering and syntax; limits.conf / limits.d domains and syntax. */
import type { Setting } from '../../../src/source/setting';
import { at, describeDiagnostic, readTreeOf } from '../launch/read-tree';

/** `file:line:column-line:column` of a setting read from a file. */
const fileSpan = (setting: Setting<number> | undefined) =>
  setting?.source.kind === 'file' ? `${setting.source.span.file}:${at(setting.source.span)}` : 'none';

describe('net.core.somaxconn from sysctl.d and sysctl.conf', () => {
  const dropIns = {
    'usr/lib/sysctl.d/50-default.conf': 'net.core.somaxconn = 128\n',
    'etc/sysctl.d/50-default.conf': '# admin override\nnet.core.somaxconn=4096\n',
    'etc/sysctl.d/99-tuning.conf': '; tuning\n-net/core/somaxconn = 8192\nnet.ipv4.tcp_max_syn_backlog = 8192\n',
    'run/sysctl.d/10-early.conf': 'net.core.somaxconn = 256\n',
  };

  test('files apply by name across directories: the last name wins, /etc hides the same name in /usr/lib', () => {
    const { limits, diagnostics } = readTreeOf(dropIns);
    expect(diagnostics).toEqual([]);
    expect(limits).toHaveLength(1);
    expect(limits[0]).toMatchObject({ name: 'net.core.somaxconn', appliesTo: { kind: 'host' } });
    expect(limits[0].setting.value).toBe(8192);
    expect(limits[0].setting.text).toBe('8192');
    expect(fileSpan(limits[0].setting)).toBe('etc/sysctl.d/99-tuning.conf:2:23-2:27');
  });

  test('/etc/sysctl.conf applies after every sysctl.d file', () => {
    const { limits } = readTreeOf({ ...dropIns, 'etc/sysctl.conf': 'net.core.somaxconn=1024\n' });
    expect(limits[0].setting.value).toBe(1024);
    expect(fileSpan(limits[0].setting)).toBe('etc/sysctl.conf:1:20-1:24');
  });

  test('the name of a same-named file in /etc wins even when /usr/lib sorts later in the tree', () => {
    const { limits } = readTreeOf({
      'etc/sysctl.d/50-default.conf': 'net.core.somaxconn=4096\n',
      'usr/lib/sysctl.d/50-default.conf': 'net.core.somaxconn = 128\n',
    });
    expect(limits[0].setting.value).toBe(4096);
  });

  test('a value that is not a number and a line that is not an assignment are sysctl-syntax warnings', () => {
    const { limits, diagnostics } = readTreeOf({ 'etc/sysctl.d/60-bad.conf': 'net.core.somaxconn = lots\nthis line is wrong\n-kernel.glob.excluded\n' });
    const inFileOrder = [...diagnostics].sort((a, b) => a.primary.start.offset - b.primary.start.offset);
    expect(inFileOrder.map(describeDiagnostic)).toEqual([
      'sysctl-syntax etc/sysctl.d/60-bad.conf:1:22-1:26 "net.core.somaxconn" needs a number, got "lots"',
      'sysctl-syntax etc/sysctl.d/60-bad.conf:2:1-2:19 Line is not an assignment, ignoring: this line is wrong',
    ]);
    expect(diagnostics.every((diagnostic) => diagnostic.severity === 'warning' || diagnostic.severity === undefined)).toBe(true);
    expect(limits[0].setting.value).toBeUndefined();
  });
});

describe('limits.conf and limits.d', () => {
  const tree = {
    'etc/security/limits.conf': [
      '# domain type item value',
      '* soft nofile 4096',
      'www-data - nofile 65535 # nginx workers',
      '@admins hard nofile unlimited',
      'root hard nofile',
      '',
    ].join('\n'),
    'etc/security/limits.d/90-app.conf': 'www-data soft nofile 32768\n',
  };
  const { limits, diagnostics } = readTreeOf(tree);

  test('one login-session limit per domain; limits.d applies after limits.conf', () => {
    expect(limits.map((limit) => [limit.appliesTo, limit.setting.value, limit.hard?.value])).toEqual([
      [{ kind: 'login-session', domain: '*' }, 4096, undefined],
      [{ kind: 'login-session', domain: 'www-data' }, 32768, 65535],
      [{ kind: 'login-session', domain: '@admins' }, undefined, Infinity],
    ]);
    expect(fileSpan(limits[1].setting)).toBe('etc/security/limits.d/90-app.conf:1:22-1:27');
    expect(fileSpan(limits[1].hard)).toBe('etc/security/limits.conf:3:19-3:24');
    expect(fileSpan(limits[2].hard)).toBe('etc/security/limits.conf:4:21-4:30');
  });

  test('a line without a value is skipped (limits-syntax)', () => {
    expect(diagnostics.map(describeDiagnostic)).toEqual(["limits-syntax etc/security/limits.conf:5:1-5:17 invalid line 'root hard nofile' - skipped"]);
  });

  test('comments are kept for suppressions', () => {
    const { outputs } = readTreeOf({ 'etc/security/limits.conf': '# cfglint-disable-next-line limits-syntax -- legacy\nroot hard\n' });
    expect(outputs[1].comments.get('etc/security/limits.conf')?.map((comment) => comment.text)).toEqual(['cfglint-disable-next-line limits-syntax -- legacy']);
  });
});

describe('limits.conf scan', () => {
  test('a # on a later line does not cut this one; a # on this line does', () => {
    const { limits } = readTreeOf({ 'etc/security/limits.conf': 'web soft nofile 4096\nweb hard nofile 8192 # hard\n# web soft nofile 1\n' });
    expect(limits.map((limit) => [limit.setting.value, limit.hard?.value])).toEqual([[4096, 8192]]);
  });

  test('300,000 lines without a comment: the last line of the domain wins', () => {
    // Before, every line searched to the end of the text for a `#`: about a minute for this file.
    const body = Array.from({ length: 300_000 }, (_, i) => `user${i % 1000} soft nofile ${1024 + i}`).join('\n');
    const { limits, diagnostics } = readTreeOf({ 'etc/security/limits.conf': `${body}\n` });
    expect(diagnostics).toEqual([]);
    expect(limits).toHaveLength(1000);
    // user999's last line is i = 299,999.
    expect(limits.find((limit) => limit.appliesTo.kind === 'login-session' && limit.appliesTo.domain === 'user999')?.setting.value).toBe(1024 + 299_999);
  });
});
