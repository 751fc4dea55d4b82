/**
 * The proof lab's own pieces, without any server: the delaying relay (the network hop the
 * keep-alive experiments depend on), the log normalisation that turns runs into evidence rows,
 * and the tally of outcomes.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import { lintLabTree } from '../../lab/harness/lint';
import { backendLogLines, distinctWithCounts, nginxLogLines, normalizeNginxLine, scrub } from '../../lab/harness/logs';
import { Tally } from '../../lab/harness/load';
import { freePort } from '../../lab/harness/ports';
import { killAllStarted, ManagedProcess, waitFor } from '../../lab/harness/process';
import { Relay } from '../../lab/harness/relay';
import { writeTree } from '../disk-tree';

/** Whether 127.0.0.2 can be bound here (Linux routes all of 127/8 to loopback). */
async function secondLoopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(0, '127.0.0.2', () => server.close(() => resolve(true)));
  });
}

describe('relay', () => {
  let backend: net.Server | undefined;
  let relay: Relay | undefined;
  afterEach(async () => {
    await relay?.close();
    await new Promise<void>((resolve) => (backend ? backend.close(() => resolve()) : resolve()));
    backend = undefined;
    relay = undefined;
  });

  /** A backend on 127.0.0.2 and a relay to it on 127.0.0.1, same port. */
  async function setUp(onConnection: (socket: net.Socket) => void, delayMs: number): Promise<number> {
    const port = await freePort(['127.0.0.1', '127.0.0.2']);
    backend = net.createServer({ allowHalfOpen: true }, onConnection);
    await new Promise<void>((resolve) => backend!.listen(port, '127.0.0.2', () => resolve()));
    relay = await Relay.start({ listenHost: '127.0.0.1', targetHost: '127.0.0.2', port, delayMs });
    return port;
  }

  it("delays data and the backend's FIN by its delay, in order, and counts connections", async () => {
    if (!(await secondLoopback())) {
      console.log('skipped: 127.0.0.2 cannot be bound here');
      return;
    }
    const port = await setUp((socket) => socket.once('data', (chunk) => socket.end(`echo:${chunk}`)), 150);
    const started = Date.now();
    const received = await new Promise<{ text: string; endedAfter: number }>((resolve, reject) => {
      const client = net.connect({ host: '127.0.0.1', port });
      let text = '';
      client.on('data', (chunk) => (text += chunk));
      client.once('end', () => {
        resolve({ text, endedAfter: Date.now() - started });
        client.destroy();
      });
      client.once('error', reject);
      client.write('hello');
    });
    expect(received.text).toBe('echo:hello');
    // One delay to the backend, one back (the FIN travels behind the data).
    expect(received.endedAfter).toBeGreaterThanOrEqual(290);
    expect(relay!.connections).toBe(1);
  });

  it("holds the backend's close back by its delay, so nginx can still send on a closed connection", async () => {
    if (!(await secondLoopback())) {
      console.log('skipped: 127.0.0.2 cannot be bound here');
      return;
    }
    // The backend closes at once, as an idle timeout would.
    const port = await setUp((socket) => socket.destroy(), 200);
    const outcome = await new Promise<{ how: string; afterMs: number; wroteOk: boolean }>((resolve) => {
      const client = net.connect({ host: '127.0.0.1', port });
      let connectedAt = 0;
      let wroteOk = false;
      const finish = (how: string) => {
        resolve({ how, afterMs: Date.now() - connectedAt, wroteOk });
        client.destroy();
      };
      client.once('connect', () => {
        connectedAt = Date.now();
        // Sent while the FIN is on its way: the keep-alive race in small.
        setTimeout(() => client.write('POST / HTTP/1.1\r\n\r\n', (error) => (wroteOk = !error)), 20);
      });
      client.once('error', (error: NodeJS.ErrnoException) => finish(error.code ?? 'error'));
      client.once('end', () => finish('end'));
    });
    expect(outcome.wroteOk).toBe(true);
    expect(['end', 'ECONNRESET']).toContain(outcome.how);
    expect(outcome.afterMs).toBeGreaterThanOrEqual(190);
  });
});

describe('log lines', () => {
  it('keeps the level and message of an nginx error line, without time, pid, connection and client', () => {
    const line =
      '2026/11/22 02:30:00 [error] 1234#1234: *45 upstream prematurely closed connection while reading response header from upstream, client: 127.0.0.1, server: , request: "POST / HTTP/1.1", upstream: "http://127.0.0.1:41234/", host: "127.0.0.1:40000"';
    expect(normalizeNginxLine(line)).toBe('[error] upstream prematurely closed connection while reading response header from upstream');
    expect(normalizeNginxLine('not a log line')).toBeUndefined();
  });

  it('replaces the temp dir, ports, pids and nginx temp-file numbers', () => {
    expect(scrub('connect() to unix:/tmp/cfglint-lab-AbC123/run/app.sock failed', '/tmp/cfglint-lab-AbC123')).toBe(
      'connect() to unix:<tree>/run/app.sock failed',
    );
    expect(scrub('behind 127.0.0.1:44545 and localhost:8000')).toBe('behind 127.0.0.1:<port> and localhost:<port>');
    expect(scrub('WORKER TIMEOUT (pid:5678)')).toBe('WORKER TIMEOUT (pid:N)');
    expect(scrub('buffered to a temporary file /tmp/cfglint-lab-x1/nginx/tmp/client_body/0000000007')).toBe(
      'buffered to a temporary file <tree>/nginx/tmp/client_body/N',
    );
  });

  it('counts repeated lines and keeps the first-seen order', () => {
    expect(distinctWithCounts(['b', 'a', 'b', 'b'])).toEqual(['b (3×)', 'a']);
  });

  it('takes nginx lines at warn and worse only', () => {
    const log = [
      '2026/11/22 02:30:00 [notice] 1#1: start worker processes',
      '2026/11/22 02:30:00 [warn] 1#1: 1024 worker_connections exceed open file resource limit: 256',
      '2026/11/22 02:30:01 [alert] 2#2: *3 socket() failed (24: Too many open files) while connecting to upstream, client: 127.0.0.1',
      '2026/11/22 02:30:01 [alert] 2#2: *4 socket() failed (24: Too many open files) while connecting to upstream, client: 127.0.0.1',
    ].join('\n');
    expect(nginxLogLines(log)).toEqual([
      '[warn] 1024 worker_connections exceed open file resource limit: 256',
      '[alert] socket() failed (24: Too many open files) while connecting to upstream (2×)',
    ]);
  });

  it("strips gunicorn's and Tomcat's timestamps from the backend lines that match", () => {
    const output = [
      '[2026-11-22 02:30:00 +0000] [100] [INFO] Booting worker with pid: 101',
      '[2026-11-22 02:30:03 +0000] [100] [CRITICAL] WORKER TIMEOUT (pid:101)',
      '22-Nov-2026 02:30:00.123 SEVERE [main] org.apache.catalina.startup.Catalina.start failed',
    ].join('\n');
    expect(backendLogLines(output, [/CRITICAL|SEVERE/])).toEqual([
      '[CRITICAL] WORKER TIMEOUT (pid:N)',
      'SEVERE [main] org.apache.catalina.startup.Catalina.start failed',
    ]);
  });
});

describe('tally', () => {
  it('counts every outcome that is not 2xx as a failure', () => {
    const tally = new Tally();
    for (const outcome of [200, 204, 502, 'error', 'timeout', 413] as const) tally.add(outcome);
    expect(tally.requests).toBe(6);
    expect(tally.failures).toBe(4);
    expect(tally.statuses).toEqual({ 200: 1, 204: 1, 502: 1, error: 1, timeout: 1, 413: 1 });
  });
});

describe('cfglint in a lab run', () => {
  it('records each finding of the rule with its help, the tree directory scrubbed', () => {
    const dir = writeTree({ 'uwsgi.ini': '[uwsgi]\nhttp-socket = 127.0.0.1:8000\nlisten = true\n' });
    const verdict = lintLabTree(dir, 'uwsgi-value-units');
    // `true` is read with atoi: a backlog of 0 (checks/uwsgi-value-units.ts, noNumber).
    expect(verdict).toEqual({
      fired: true,
      findings: ['uwsgi.ini:3:10 error listen is 0 = help: uWSGI reads "true" with atoi, which finds no number in it'],
      readerProblems: [],
    });
  });
});

/** Whether `pid` is still a running process (a zombie that nobody reaps counts as gone). */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

describe('started processes', () => {
  // A leader that dies of the stop signal while its child, which ignores the signal, holds the
  // output pipe: what an nginx master killed after the bound does to its workers.
  const script = 'trap "" INT; (trap "" INT; exec sleep 300) & echo "$!"; wait';

  it("stop ends the whole group, the leader's orphans included, and closes the pipes", async () => {
    const server = new ManagedProcess('orphans', 'sh', ['-c', script], { cwd: os.tmpdir(), stopSignal: 'SIGTERM' });
    await waitFor(() => /^\d+\n/.test(server.output), 5000);
    const orphan = Number(server.output.trim());
    expect(running(orphan)).toBe(true);
    await server.stop(2000);
    expect(server.hasExited).toBe(true);
    expect(await waitFor(() => !running(orphan), 5000)).toBe(true);
    expect(server.child.stdout?.destroyed).toBe(true);
  });

  it('killAllStarted ends every group not yet stopped, and only those', async () => {
    const stopped = new ManagedProcess('stopped', 'sleep', ['300'], { cwd: os.tmpdir(), stopSignal: 'SIGTERM' });
    await stopped.stop(2000);
    const left = new ManagedProcess('left', 'sh', ['-c', script], { cwd: os.tmpdir(), stopSignal: 'SIGTERM' });
    await waitFor(() => /^\d+\n/.test(left.output), 5000);
    const orphan = Number(left.output.trim());
    expect(killAllStarted()).toBe(1);
    expect(await waitFor(() => !running(orphan) && left.hasExited, 5000)).toBe(true);
    expect(killAllStarted()).toBe(0);
  });
});
