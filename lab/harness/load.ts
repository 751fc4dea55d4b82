/**
 * Bounded HTTP traffic through nginx: every request has its own client connection and a time
 * limit, and the outcome is counted per status ("error" for a client-side failure, "timeout").
 */
import * as http from 'http';
import { sleep } from './process';

export interface RequestSpec {
  port: number;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
}

export type Outcome = number | 'error' | 'timeout';

export function request(spec: RequestSpec): Promise<{ outcome: Outcome; body: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Outcome, body = '') => {
      if (settled) return;
      settled = true;
      resolve({ outcome, body });
    };
    const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port: spec.port,
        path: spec.path ?? '/',
        method: spec.method ?? 'GET',
        agent: false,
        headers: { connection: 'close', ...(body ? { 'content-length': String(body.length) } : {}), ...spec.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          if (chunks.length < 64) chunks.push(chunk);
        });
        res.on('end', () => finish(res.statusCode ?? 'error', Buffer.concat(chunks).toString('utf8').slice(0, 2000)));
        res.on('error', () => finish(res.statusCode ?? 'error'));
      },
    );
    req.setTimeout(spec.timeoutMs ?? 15000, () => {
      finish('timeout');
      req.destroy();
    });
    req.on('error', () => finish('error'));
    req.end(body);
  });
}

export class Tally {
  requests = 0;
  readonly statuses: Record<string, number> = {};

  add(outcome: Outcome): void {
    this.requests++;
    this.statuses[String(outcome)] = (this.statuses[String(outcome)] ?? 0) + 1;
  }

  /** Requests that did not get a 2xx answer. */
  get failures(): number {
    return Object.entries(this.statuses)
      .filter(([status]) => !/^2\d\d$/.test(status))
      .reduce((sum, [, count]) => sum + count, 0);
  }
}

/**
 * The keep-alive race: one burst to open the pooled connections, then after each idle gap a burst
 * of `parallel` requests on them. Returns the tally (the opening burst not counted) and the gaps
 * after which a request failed.
 */
export async function burstsAfterIdleGaps(spec: RequestSpec, parallel: number, gapsMs: number[]): Promise<{ tally: Tally; failingGapsMs: number[] }> {
  const tally = new Tally();
  await burst(spec, parallel, parallel, new Tally());
  const failingGapsMs: number[] = [];
  for (const gap of gapsMs) {
    await sleep(gap);
    const before = tally.failures;
    await burst(spec, parallel, parallel, tally);
    if (tally.failures > before) failingGapsMs.push(gap);
  }
  return { tally, failingGapsMs };
}

/** `count` requests, at most `concurrency` at a time. */
export async function burst(spec: RequestSpec, count: number, concurrency: number, tally: Tally): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next++;
      tally.add((await request(spec)).outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}
