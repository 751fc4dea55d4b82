/**
 * Servers started by the lab: each is spawned directly (no shell) as the leader of its own process
 * group, stopped by its own pid with its own stop signal, and killed if it has not exited within a
 * bound. The signals go to the group (-pid): a master killed after the bound would otherwise leave
 * its workers running, holding the output pipes, and the lab would never exit. Output is kept in
 * memory (bounded) for the backend's log lines.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as net from 'net';

const OUTPUT_LIMIT = 4 * 1024 * 1024;

export interface StartOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /**
   * The signal that stops this server at once: SIGTERM for nginx and Tomcat, SIGINT for
   * gunicorn (SIGTERM waits for graceful_timeout) and uWSGI (where SIGTERM means reload).
   */
  stopSignal: NodeJS.Signals;
}

/** Every process the lab started and has not yet seen stopped: what `killAllStarted` ends. */
const started = new Set<ManagedProcess>();

/** Sends `signal` to the process group led by `pid`; false when there is none left. */
function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

export class ManagedProcess {
  readonly child: ChildProcess;
  private text = '';
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    private readonly options: StartOptions,
  ) {
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    started.add(this);
    const keep = (chunk: Buffer) => {
      if (this.text.length < OUTPUT_LIMIT) this.text += chunk.toString('utf8');
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        this.text += `\n[lab] could not start ${command}: ${error.message}\n`;
        this.exitInfo ??= { code: null, signal: null };
        resolve();
      });
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** What the process printed on stdout and stderr so far. */
  get output(): string {
    return this.text;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  get exitCode(): number | null | undefined {
    return this.exitInfo?.code;
  }

  /** Resolves when the process exits, or after `ms` (then false). */
  async waitForExit(ms: number): Promise<boolean> {
    if (this.hasExited) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const result = await Promise.race([this.exited.then(() => true as const), timedOut]);
    clearTimeout(timer);
    return result;
  }

  /**
   * Stops the process by its pid: its stop signal to its group, then SIGKILL after `graceMs`.
   * Whatever of the group outlives its leader is killed too, and the pipes are closed.
   */
  async stop(graceMs = 8000): Promise<void> {
    const pid = this.child.pid;
    if (pid !== undefined) {
      if (!this.hasExited && signalGroup(pid, this.options.stopSignal) && !(await this.waitForExit(graceMs))) {
        signalGroup(pid, 'SIGKILL');
        await this.waitForExit(2000);
      }
      signalGroup(pid, 'SIGKILL');
    }
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    started.delete(this);
  }
}

/**
 * Kills every process group the lab started and has not stopped (synchronous, for the end of a
 * run and for an exit on error). Returns how many there were.
 */
export function killAllStarted(): number {
  const left = [...started];
  for (const process of left) {
    if (process.pid !== undefined) signalGroup(process.pid, 'SIGKILL');
    process.child.stdout?.destroy();
    process.child.stderr?.destroy();
    started.delete(process);
  }
  return left.length;
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Waits until `host:port` accepts a TCP connection (true), the process exits or `ms` pass (false).
 * Polled every 100 ms: a bounded loop.
 */
export async function waitForPort(server: ManagedProcess, host: string, port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (server.hasExited) return false;
    if (await canConnect(host, port)) return true;
    await sleep(100);
  }
  return false;
}

/** waitForPort, or an error with the server's output: a server that did not start ends the run. */
export async function expectListening(server: ManagedProcess, name: string, host: string, port: number, ms: number): Promise<void> {
  if (!(await waitForPort(server, host, port, ms))) throw new Error(`${name} did not start:\n${server.output}`);
}

/** Waits until `predicate` holds, polled every 50 ms, for at most `ms`. */
export async function waitFor(predicate: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await sleep(50);
  }
  return predicate();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The first line a command prints (stdout or stderr), e.g. `nginx -v`; undefined when absent. */
export function versionLine(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 20000 });
  if (result.error) return undefined;
  const text = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim();
  return text
    .split('\n')
    .find((line) => line.trim() !== '')
    ?.trim();
}
