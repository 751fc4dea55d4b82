/**
 * The keep-alive race with uvicorn: it closes an idle connection `--timeout-keep-alive` seconds
 * after its last response (a timer started in on_response_complete, uvicorn/protocols/http/
 * h11_impl.py), while nginx keeps it 60 s. Same traffic as the gunicorn experiment, behind the
 * same delaying relay; the idle gaps sweep across uvicorn's close at 1 s.
 */
import type { Experiment, Outcome } from '../harness/experiment';
import { burstsAfterIdleGaps } from '../harness/load';
import { expectListening } from '../harness/process';
import { nginxConf } from './trees';

const PARALLEL = 16;
/** Idle gaps around uvicorn's close, 1 s after each response (one timer per connection). */
const GAPS_MS = [750, 800, 850, 900, 950, 1000, 1050];
const RELAY_DELAY_MS = 100;

/** An ASGI app answering every request with a short body; POST bodies are read. */
const ASGI_APP = `async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    body = b"ok\\n"
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
`;

export const upstreamKeepaliveTimeoutUvicorn: Experiment = {
  id: 'upstream-keepalive-timeout-uvicorn',
  rule: 'upstream-keepalive-timeout',
  backend: 'uvicorn',
  expected: 'reproduces',
  // A race: a loaded machine can miss the window in one run.
  attempts: 3,
  setup: `uvicorn --timeout-keep-alive 1 (h11) behind a ${RELAY_DELAY_MS} ms relay; nginx upstream keepalive 16, HTTP/1.1; broken: keepalive_timeout 60s (default), fixed: keepalive_timeout 500ms; ${GAPS_MS.length} rounds of ${PARALLEL} parallel POSTs, idle gaps ${GAPS_MS[0] / 1000}–${GAPS_MS[GAPS_MS.length - 1] / 1000} s`,
  async run(lab, variant): Promise<Outcome> {
    const backendPort = await lab.port(['127.0.0.1', '127.0.0.2']);
    const nginxPort = await lab.port();
    // The words cfglint reads from the Procfile are the words uvicorn runs with.
    const args = ['app:app', '--host', '127.0.0.2', '--port', String(backendPort), '--http', 'h11', '--timeout-keep-alive', '1'];
    lab.writeTree({
      'nginx/nginx.conf': nginxConf({
        listenPort: nginxPort,
        http: `upstream app {\n    server 127.0.0.1:${backendPort};\n    keepalive 16;${variant === 'fixed' ? '\n    keepalive_timeout 500ms;' : ''}\n}`,
        server: 'location / {\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n    proxy_pass http://app;\n}',
      }),
      Procfile: `web: uvicorn ${args.join(' ')}\n`,
      'app.py': ASGI_APP,
    });
    const uvicorn = lab.startUvicorn(args);
    await lab.relay({ listenHost: '127.0.0.1', targetHost: '127.0.0.2', port: backendPort, delayMs: RELAY_DELAY_MS });
    const nginx = lab.startNginx();
    await expectListening(uvicorn, 'uvicorn', '127.0.0.2', backendPort, 15000);
    await expectListening(nginx, 'nginx', '127.0.0.1', nginxPort, 10000);

    const post = { port: nginxPort, method: 'POST', path: '/', body: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    // Opens the pooled connections, then a burst after each idle gap.
    const { tally, failingGapsMs: failingGaps } = await burstsAfterIdleGaps(post, PARALLEL, GAPS_MS);
    return {
      requests: tally.requests,
      failures: tally.failures,
      statuses: tally.statuses,
      nginxLog: lab.nginxLog(),
      backendLog: lab.backendLog(uvicorn, [/ERROR|WARNING/]),
      measures: { idleGapsWithFailuresMs: failingGaps.join(', ') || 'none' },
    };
  },
};
