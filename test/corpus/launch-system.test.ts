/**
 * The launch and system readers on the corpus (read in place, never copied): every sysctl and
 * limits.conf file, the Kubernetes manifests of ingress/, and the deploy sets linted as
 * directories. Expected values were read off the files by hand (`grep -n somaxconn sysctl/*`,
 * `grep -n nofile limits/*`). Prints how many launches the deploy sets give, and of which programs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { nodeFileSystem } from '../../src/discovery/fs';
import { readTree } from '../../src/engine/read-tree';
import type { Launch } from '../../src/readers/launch/launch';
import { readLaunches } from '../../src/readers/launch';
import { readSystemLimits } from '../../src/readers/system';
import type { FilesByFormat, ReaderContext } from '../../src/readers/types';
import { CORPUS, corpusEntries, describeCorpus } from './corpus';

const MY_IDS = ['command-syntax', 'systemd-syntax', 'sysctl-syntax', 'limits-syntax', 'yaml-syntax', 'internal-error', 'read-error'];

const context: ReaderContext = { fs: nodeFileSystem, displayPath: (absolute) => path.relative(CORPUS, absolute), treeFiles: [], lintRoots: [CORPUS] };

/** The corpus names single files `<owner>__<repo>__<path>`, so they are given to the reader by folder, not by name. */
function readAs(format: keyof FilesByFormat, relative: string) {
  const files: FilesByFormat = { [format]: [path.join(CORPUS, relative)] };
  const launch = readLaunches(files, context);
  const system = readSystemLimits(files, launch.launches, context);
  return { launches: launch.launches, limits: system.limits, diagnostics: [...launch.diagnostics, ...system.diagnostics] };
}

describeCorpus('corpus: launches and system limits', () => {
  const entries = corpusEntries();

  describe('sysctl/', () => {
    const somaxconn: Record<string, number | 'none'> = {
      'EkeMinusYou__isucon12-qualify__etc__sysctl.conf': 65535,
      'PageSpeedPlus__easyengine-2__etc__sysctl.conf': 32768,
      'Shellgate__tcp_optimization_bbr__sysctl.conf': 65535,
      'VirtuBox__ubuntu-nginx-web-server__etc__sysctl.d__60-ubuntu-nginx-web-server.conf': 32768,
      'beardlyness__NGINXY__etc__sysctl.conf': 65535,
      'cstallar__secure-debian-configs__etc__sysctl.conf': 'none',
      'prismos-org__hardened-configs__etc__sysctl.d__60-hardening.conf': 'none',
      'prismos-org__hardened-configs__etc__sysctl.d__90-enable-userns.conf': 'none',
    };
    const files = entries.filter((entry) => entry.format === 'sysctl').map((entry) => entry.path);

    test('FORMATS.tsv lists the 8 files this suite knows', () => {
      expect(files.map((file) => path.basename(file)).sort()).toEqual(Object.keys(somaxconn).sort());
    });

    test.each(files)('%s', (file) => {
      const { limits, diagnostics } = readAs('sysctl', file);
      expect(diagnostics).toEqual([]);
      const found = limits.find((limit) => limit.name === 'net.core.somaxconn');
      expect(found ? found.setting.value : 'none').toBe(somaxconn[path.basename(file)]);
      expect(found?.appliesTo ?? { kind: 'host' }).toEqual({ kind: 'host' });
    });
  });

  describe('limits/', () => {
    // Per domain: [soft, hard] after the last line of each type.
    const expected: Record<string, Record<string, [number, number]>> = {
      'PageSpeedPlus__easyengine-2__etc__security__limits.conf': { '*': [500000, 500000], root: [500000, 500000] },
      'Shellgate__tcp_optimization_bbr__etc__security__limits.conf': { '*': [262144, 262144], root: [262144, 262144] },
      'VirtuBox__ubuntu-nginx-web-server__etc__security__limits.conf': { '*': [500000, 500000], root: [500000, 500000] },
      'beardlyness__NGINXY__etc__security__limits.conf': { '*': [65536, 65536], root: [32768, 65536], nginx: [65535, 199680] },
      'bweave__LEMP-Conf__etc__security__limits.conf': { '*': [10000, 10000] },
      'cstallar__secure-debian-configs__etc__security__limits.conf': {},
      'matsuu__isucon12f__etc__security__limits.conf': { '*': [65536, 65536] },
      'prismos-org__hardened-configs__etc__security__limits.conf': {},
    };
    const files = entries.filter((entry) => entry.format === 'limits').map((entry) => entry.path);

    test('FORMATS.tsv lists the 8 files this suite knows', () => {
      expect(files.map((file) => path.basename(file)).sort()).toEqual(Object.keys(expected).sort());
    });

    test.each(files)('%s', (file) => {
      const { limits, diagnostics } = readAs('limits', file);
      expect(diagnostics).toEqual([]);
      const byDomain: Record<string, [number | undefined, number | undefined]> = {};
      for (const limit of limits) {
        if (limit.appliesTo.kind !== 'login-session') throw new Error(`unexpected scope ${JSON.stringify(limit.appliesTo)}`);
        byDomain[limit.appliesTo.domain] = [limit.setting.value, limit.hard?.value];
      }
      expect(byDomain).toEqual(expected[path.basename(file)]);
    });
  });

  describe('ingress/ read as Kubernetes manifests', () => {
    const files = fs.existsSync(path.join(CORPUS, 'ingress')) ? fs.readdirSync(path.join(CORPUS, 'ingress')).map((name) => `ingress/${name}`) : [];
    // The controller Deployments give only `args` (the image's entrypoint runs): no launch.
    test.each(files)('%s', (file) => {
      const { launches, diagnostics } = readAs('kubernetes', file);
      expect(diagnostics).toEqual([]);
      expect(launches).toEqual([]);
    });
  });

  test('every corpus file, read as each of these formats, is read without a crash', () => {
    // Robustness: nginx, uWSGI, Tomcat and Python files are not units or scripts, but a reader
    // given any text must report problems as findings and never fail.
    const formats: (keyof FilesByFormat)[] = ['systemd', 'dockerfile', 'compose', 'shell', 'procfile', 'supervisord', 'kubernetes', 'sysctl', 'limits'];
    const crashes: string[] = [];
    for (const entry of entries) {
      for (const format of formats) {
        const { diagnostics } = readAs(format, entry.path);
        for (const diagnostic of diagnostics.filter((d) => d.ruleId === 'internal-error' || d.ruleId === 'read-error'))
          crashes.push(`${format} ${entry.path}: ${diagnostic.message}`);
      }
    }
    expect(crashes).toEqual([]);
  });

  describe('deploy sets', () => {
    const sets = [...new Set(entries.filter((entry) => entry.path.startsWith('deploy-sets/')).map((entry) => entry.path.split('/')[1]))].sort();
    const launches: Launch[] = [];

    test.each(sets)('%s reads without launch or system problems', (set) => {
      const tree = readTree({ paths: [`deploy-sets/${set}`], cwd: CORPUS, config: {} });
      expect(
        tree.diagnostics
          .filter((diagnostic) => MY_IDS.includes(diagnostic.ruleId))
          .map((diagnostic) => `${diagnostic.ruleId} ${diagnostic.primary.file} ${diagnostic.message}`),
      ).toEqual([]);
      launches.push(...tree.model.launches);
    });

    test('the deploy sets start gunicorn from one systemd unit, and uWSGI and nginx from two supervisord configs', () => {
      const systemd = launches.filter((each) => each.kind === 'systemd');
      const [launch] = systemd;
      expect(systemd).toHaveLength(1);
      expect(launches.filter((each) => each.kind === 'supervisord').map((each) => `${each.file} ${each.service} ${each.program}`)).toEqual([
        'deploy-sets/Fingel__sane-django-docker/deploy/supervisor-app.conf app-uwsgi uwsgi',
        'deploy-sets/Fingel__sane-django-docker/deploy/supervisor-app.conf nginx-app nginx',
        'deploy-sets/achilleas-michos__python-flask-docker/deploy/supervisord.conf uwsgi uwsgi',
        'deploy-sets/achilleas-michos__python-flask-docker/deploy/supervisord.conf nginx nginx',
      ]);
      expect(launches).toHaveLength(5);
      expect(launch).toMatchObject({
        kind: 'systemd',
        service: 'ical-gunicorn.service',
        program: 'gunicorn',
        file: 'deploy-sets/Foxugly__django-ical/deploy/ical-gunicorn.service',
      });
      expect(launch.argv.map((arg) => arg.value)).toEqual([
        '/var/www/django_websites/django-ical/.venv/bin/gunicorn',
        'django_myical.wsgi:application',
        '-c',
        'deploy/gunicorn.conf.py',
      ]);
      expect(launch.workingDirectory?.value).toBe('/var/www/django_websites/django-ical');
      expect(launch.user?.value).toBe('django');
      expect(launch.group?.value).toBe('www-data');
      expect(launch.externalEnv).toHaveLength(1);
      const programs = new Map<string, number>();
      for (const each of launches) programs.set(each.program, (programs.get(each.program) ?? 0) + 1);
      process.stdout.write(
        `launches in the corpus deploy sets: ${launches.length} (${[...programs].map(([program, count]) => `${program} ×${count}`).join(', ')})\n`,
      );
    });
  });
});
