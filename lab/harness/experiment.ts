/**
 * One experiment = one rule's failure, run twice (broken and fixed) with the real servers.
 * Each run gets its own temp dir: the experiment writes its deploy tree there, cfglint lints
 * that tree, and the servers run those very files. Everything the run starts is registered
 * here and stopped by its pid when the run ends, also on a timeout or an error.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CfglintConfig } from '../../src/engine/config';
import type { Deployment } from '../../src/model/deployment';
import { lintLabRun, LintVerdict } from './lint';
import { backendLogLines, nginxLogLines } from './logs';
import { freePort } from './ports';
import { ManagedProcess, StartOptions } from './process';
import { Relay, RelayOptions } from './relay';

export type Variant = 'broken' | 'fixed';

/** What the user would see in one run. */
export interface Outcome {
  requests: number;
  /** Requests without a 2xx answer. */
  failures: number;
  statuses: Record<string, number>;
  /** nginx's error-log lines (warn and worse), normalised, with counts. */
  nginxLog: string[];
  /** The backend's relevant lines, normalised, with counts. */
  backendLog: string[];
  /** Figures particular to the experiment, e.g. upstream connections opened. */
  measures?: Record<string, number | string | boolean>;
}

export interface Experiment {
  /** File name of the result: the rule id, or the rule id and a suffix for a second setup. */
  id: string;
  rule: string;
  /** The backend's name, for the version line ("gunicorn", "uwsgi", "tomcat", "uvicorn", "none"). */
  backend: BackendName;
  /** Whose lines `backendLog` holds, when not the backend's (e.g. "load balancer"). */
  backendLogName?: string;
  /** One line: what runs, what differs between broken and fixed, the traffic. */
  setup: string;
  /** What the lab found and the rule's doc states; a run that disagrees fails the lab. */
  expected: 'reproduces' | 'does-not-reproduce';
  /** Set when the experiment cannot run without root (a user switch, a socket owner). */
  needsRoot?: string;
  /** The bound for both runs together; 60 s unless set (Tomcat takes seconds to start). */
  timeLimitMs?: number;
  /**
   * For a race: how many times the broken run may be repeated while it shows no failure (a busy
   * machine can hide a timing window once). The result records how many it took.
   */
  attempts?: number;
  /** Environment facts given to cfglint as .cfglint.json would (none when the tree says them). */
  lintConfig?: CfglintConfig;
  run(lab: LabRun, variant: Variant): Promise<Outcome>;
  /** Whether the broken run showed the failure and the fixed one did not; default by failures. */
  reproduced?(broken: Outcome, fixed: Outcome): boolean;
}

export type BackendName = 'gunicorn' | 'uwsgi' | 'tomcat' | 'uvicorn' | 'none';

export const NGINX = '/usr/sbin/nginx';
export const GUNICORN = '/usr/bin/gunicorn';
export const UWSGI = '/usr/bin/uwsgi';
/** Debian's python3-uvicorn runs as `python3 -m uvicorn` with the system Python. */
export const PYTHON3 = '/usr/bin/python3';
export const UVICORN_PACKAGE = '/usr/lib/python3/dist-packages/uvicorn';
export const CATALINA_HOME = '/usr/share/tomcat10';
const TOMCAT_STOCK_CONF = '/etc/tomcat10';

export class LabRun {
  readonly dir: string;
  private readonly processes: ManagedProcess[] = [];
  private readonly relays: Relay[] = [];
  private readonly closers: (() => Promise<void>)[] = [];
  verdict: LintVerdict | undefined;
  /** The model cfglint built from the tree as last written. */
  model: Deployment | undefined;
  /** The files of the deploy tree as written, by path in the tree (kept in the result). */
  tree: Record<string, string> = {};

  constructor(
    readonly experiment: Experiment,
    readonly variant: Variant,
    private readonly nginxVersion?: string,
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfglint-lab-'));
    // Workers that drop root (nginx's, uWSGI's) must reach files in the tree.
    fs.chmodSync(this.dir, 0o755);
  }

  port(hosts?: string[]): Promise<number> {
    return freePort(hosts);
  }

  path(relative: string): string {
    return path.join(this.dir, relative);
  }

  /** Writes the deploy tree and lints it: the verdict is part of the result. */
  writeTree(files: Record<string, string>): void {
    for (const [relative, text] of Object.entries(files)) {
      const target = this.path(relative);
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
      fs.writeFileSync(target, text);
      this.tree[relative] = text;
    }
    ({ verdict: this.verdict, model: this.model } = lintLabRun(this.dir, this.experiment.rule, this.experiment.lintConfig, this.nginxVersion));
  }

  start(name: string, command: string, args: string[], options: Partial<StartOptions> = {}): ManagedProcess {
    const started = new ManagedProcess(name, command, args, { cwd: this.dir, stopSignal: 'SIGTERM', ...options });
    this.processes.push(started);
    return started;
  }

  async relay(options: RelayOptions): Promise<Relay> {
    const relay = await Relay.start(options);
    this.relays.push(relay);
    return relay;
  }

  /** Something else to stop when the run ends (a server the lab runs in-process). */
  onCleanup(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  /**
   * nginx in the foreground with the tree's nginx/nginx.conf and nginx/ as its prefix; the pid
   * file and an error log at warn go through -g, so the tree holds only what a deploy would.
   * `wrap` runs it under another command (prlimit).
   */
  startNginx(wrap: string[] = []): ManagedProcess {
    fs.mkdirSync(this.path('nginx/logs'), { recursive: true });
    fs.mkdirSync(this.path('nginx/tmp'), { recursive: true, mode: 0o755 });
    const args = [
      '-p',
      this.path('nginx') + '/',
      '-c',
      this.path('nginx/nginx.conf'),
      '-e',
      this.nginxErrorLog,
      '-g',
      `daemon off; master_process on; pid ${this.path('nginx/logs/nginx.pid')}; error_log ${this.nginxErrorLog} warn;`,
    ];
    return wrap.length > 0 ? this.start('nginx', wrap[0], [...wrap.slice(1), NGINX, ...args]) : this.start('nginx', NGINX, args);
  }

  get nginxErrorLog(): string {
    return this.path('nginx/logs/error.log');
  }

  nginxLog(levels?: string[]): string[] {
    const text = fs.existsSync(this.nginxErrorLog) ? fs.readFileSync(this.nginxErrorLog, 'utf8') : '';
    return nginxLogLines(text, this.dir, levels);
  }

  backendLog(process: ManagedProcess, patterns: RegExp[]): string[] {
    return backendLogLines(process.output, patterns, this.dir);
  }

  /** gunicorn with the tree's gunicorn.conf.py and the app module `app` from the tree. */
  startGunicorn(extraArgs: string[] = []): ManagedProcess {
    return this.start('gunicorn', GUNICORN, ['-c', 'gunicorn.conf.py', ...extraArgs, 'app:app'], {
      env: { PATH: process.env.PATH, PYTHONPATH: this.dir, HOME: this.dir },
      // SIGTERM would wait graceful_timeout (30 s) for busy workers; SIGINT stops at once.
      stopSignal: 'SIGINT',
    });
  }

  /**
   * uvicorn with the words of the tree's command line after `uvicorn` (the tree holds the launch
   * cfglint reads; uvicorn has no config file), the app module `app` from the tree.
   */
  startUvicorn(args: string[]): ManagedProcess {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, PYTHONPATH: this.dir, HOME: this.dir };
    return this.start('uvicorn', PYTHON3, ['-m', 'uvicorn', ...args], { env });
  }

  /** uWSGI with the tree's uwsgi.ini (which names its plugin, as on Debian). */
  startUwsgi(ini = 'uwsgi.ini'): ManagedProcess {
    return this.start('uwsgi', UWSGI, ['--ini', ini], {
      env: { PATH: process.env.PATH, PYTHONPATH: this.dir, HOME: this.dir },
      // SIGTERM makes uWSGI 2.0 reload, not stop (see the uwsgi-sigterm-reload rule).
      stopSignal: 'SIGINT',
    });
  }

  /**
   * Tomcat 10 with the tree's tomcat/conf/server.xml: CATALINA_BASE is tomcat/ with the rest of
   * conf/ copied from Debian's /etc/tomcat10 and a ROOT webapp serving one static page.
   */
  startTomcat(): ManagedProcess {
    const base = this.path('tomcat');
    for (const name of fs.readdirSync(TOMCAT_STOCK_CONF)) {
      const target = path.join(base, 'conf', name);
      if (name === 'server.xml' || fs.existsSync(target)) continue;
      fs.cpSync(path.join(TOMCAT_STOCK_CONF, name), target, { recursive: true, dereference: true });
    }
    for (const dir of ['logs', 'temp', 'work', 'webapps/ROOT']) fs.mkdirSync(path.join(base, dir), { recursive: true });
    fs.writeFileSync(path.join(base, 'webapps/ROOT/index.html'), 'ok\n');
    return this.start('tomcat', path.join(CATALINA_HOME, 'bin/catalina.sh'), ['run'], {
      env: {
        PATH: process.env.PATH,
        CATALINA_HOME,
        CATALINA_BASE: base,
        CATALINA_OPTS: '-Xms32m -Xmx128m -XX:TieredStopAtLevel=1 -Xshare:auto',
        JAVA_OPTS: '-Djava.net.preferIPv4Stack=true',
      },
    });
  }

  /** Stops every process (by pid) and relay this run started, then removes the temp dir. */
  async cleanup(): Promise<void> {
    await Promise.all(this.processes.map((started) => started.stop()));
    await Promise.all(this.relays.map((relay) => relay.close()));
    await Promise.all(this.closers.map((close) => close()));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export function serverMissing(backend: BackendName): string | undefined {
  if (!fs.existsSync(NGINX)) return `${NGINX} not found (apt-get install nginx)`;
  if (backend === 'gunicorn' && !fs.existsSync(GUNICORN)) return `${GUNICORN} not found (apt-get install gunicorn)`;
  if (backend === 'uwsgi' && !fs.existsSync(UWSGI)) return `${UWSGI} not found (apt-get install uwsgi uwsgi-plugin-python3)`;
  if (backend === 'tomcat' && !fs.existsSync(path.join(CATALINA_HOME, 'bin/catalina.sh'))) return `${CATALINA_HOME} not found (apt-get install tomcat10)`;
  if (backend === 'uvicorn' && !fs.existsSync(UVICORN_PACKAGE)) return `${UVICORN_PACKAGE} not found (apt-get install python3-uvicorn)`;
  return undefined;
}
