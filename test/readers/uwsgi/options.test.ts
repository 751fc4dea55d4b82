/**
 * uWSGI's option table (src/reference/uwsgi/option-table.ts), checked on facts read in uWSGI 2.0's
 * core/uwsgi.c and plugins; test/servers/uwsgi.test.ts compares it with `uwsgi --dump-options`.
 */
import { allUwsgiOptions, closestUwsgiOption, uwsgiOptionByShortcut, uwsgiOptionSpec } from '../../../src/reference/uwsgi/options';

describe('option table', () => {
  test('core options with their argument, shortcut and how the value is read', () => {
    expect(uwsgiOptionSpec('socket')).toMatchObject({ argument: 'required', shortcut: 's', plugin: 'core', immediate: false });
    expect(uwsgiOptionSpec('buffer-size')).toMatchObject({ argument: 'required', shortcut: 'b', reader: 'uint16' });
    expect(uwsgiOptionSpec('harakiri')).toMatchObject({ reader: 'int', impliesMaster: false });
    expect(uwsgiOptionSpec('limit-post')).toMatchObject({ reader: 'uint64' });
    expect(uwsgiOptionSpec('master')).toMatchObject({ argument: 'none', shortcut: 'M', reader: 'flag' });
    expect(uwsgiOptionSpec('chmod-socket')).toMatchObject({ argument: 'optional', shortcut: 'C' });
    expect(uwsgiOptionSpec('reload-on-rss')).toMatchObject({ reader: 'megabytes' });
  });

  test('immediate options are applied with the value as written', () => {
    for (const name of ['ini', 'include', 'listen', 'set', 'set-placeholder', 'strict', 'plugins', 'if-env', 'for', 'endif']) {
      expect([name, uwsgiOptionSpec(name)?.immediate]).toEqual([name, true]);
    }
    expect(uwsgiOptionSpec('inherit')?.immediate).toBe(false);
  });

  test('options that switch the master on', () => {
    for (const name of ['touch-reload', 'cheaper', 'stats', 'attach-daemon', 'logger'])
      expect([name, uwsgiOptionSpec(name)?.impliesMaster]).toEqual([name, true]);
    expect(uwsgiOptionSpec('processes')?.impliesMaster).toBe(false);
  });

  test('plugin options, and options only in 2.0.30', () => {
    expect(uwsgiOptionSpec('wsgi-file')?.plugin).toBe('python');
    expect(uwsgiOptionSpec('http-keepalive')).toMatchObject({ plugin: 'http', argument: 'optional', reader: 'int' });
    expect(uwsgiOptionSpec('harakiri-graceful-timeout')?.newerThan2021).toBe(true);
    expect(uwsgiOptionSpec('procesess')).toBeUndefined();
    expect(allUwsgiOptions().length).toBe(1254);
  });

  test('a shortcut stands for the first option that has it', () => {
    expect(uwsgiOptionByShortcut('s')?.name).toBe('socket');
    expect(uwsgiOptionByShortcut('p')?.name).toBe('processes');
    expect(uwsgiOptionByShortcut('l')?.name).toBe('listen');
    expect(uwsgiOptionByShortcut('T')?.name).toBe('enable-threads');
  });

  test('the option meant by a misspelling', () => {
    expect(closestUwsgiOption('procesess')).toBe('processes');
    expect(closestUwsgiOption('harikiri')).toBe('harakiri');
    expect(closestUwsgiOption('buffer_size')).toBe('buffer-size');
    expect(closestUwsgiOption('die_on_term')).toBe('die-on-term');
    expect(closestUwsgiOption('proc-name-prefix')).toBe('procname-prefix');
    expect(closestUwsgiOption('project_name')).toBeUndefined();
    expect(closestUwsgiOption('zzz_unused')).toBeUndefined();
  });
});
