/**
 * The Tomcat reader and `tomcat-ajp-secret` against the real Tomcat (Debian's tomcat10,
 * 10.1.x, on OpenJDK 17; `npm run test:servers`).
 *
 * Each case is a server.xml (fixtures below and corpus files read in place) run as
 * `catalina.sh run` with CATALINA_BASE in a temp dir whose conf/ is a copy of /etc/tomcat10.
 * The copy is rewritten so that nothing listens beyond 127.0.0.1 and nothing but the connectors
 * matters: the `<Server>` shutdown port is -1; each connector's port is a free port picked now
 * (one per original port, so two connectors on one port still collide); connectors get
 * address="127.0.0.1" except AJP connectors without an address (AJP's default is loopback, which
 * this checks); `<Server>` listeners, GlobalNamingResources and each `<Engine>` are replaced by
 * blank lines and one minimal Engine, so that no missing class or directory stops Tomcat. The
 * reader reads the same copy, with a Dockerfile `FROM tomcat:10.1` beside it so that it judges
 * for the release that runs (10.1 has no APR connector classes, for one). Compared:
 * - the connectors Tomcat initialises (log: Initializing ProtocolHandler ["http-nio-127.0.0.1-PORT"],
 *   names split into protocol family, address, port) = the reader's listeners;
 * - the AJP connectors Tomcat fails to start with the secretRequired exception = the
 *   tomcat-ajp-secret findings; and such a connector's port still accepts TCP connections;
 * - for the keep-alive fixture, how long Tomcat keeps an idle connection open after one request
 *   = the listener's keepAlive (idleTimeout: within [timeout, timeout + 1.5 s], the poller checks
 *   about once a second; closesAfterResponse: closed at once);
 * - a file Tomcat cannot parse ("Parse fatal error at line [L] column [C]") = an xml-syntax
 *   finding at line L, column C (Xerces's column is the offending character, or the character
 *   after "--" in a comment, which cfglint reports at the first dash: C - 2).
 * Each Tomcat run is bounded (60 s to start, 20 s to stop) and stopped by its pid.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { lintSync } from '../../src/engine/run';
import { readTree } from '../../src/engine/read-tree';
import type { TomcatBackend } from '../../src/readers/tomcat/tomcat-backend';
import { readXml, XmlElement } from '../../src/readers/tomcat/xml';
import { CORPUS } from '../corpus/corpus';

const CATALINA_HOME = '/usr/share/tomcat10';
const STOCK_CONF = '/etc/tomcat10';
const NO_SECRET = 'The AJP Connector is configured with secretRequired="true" but the secret attribute is either null or "". This combination is not valid.';

function tomcatMissing(): string | undefined {
  if (!fs.existsSync(path.join(CATALINA_HOME, 'bin/catalina.sh'))) return `${CATALINA_HOME}/bin/catalina.sh not found (apt-get install tomcat10)`;
  if (!fs.existsSync(path.join(STOCK_CONF, 'server.xml'))) return `${STOCK_CONF}/server.xml not found`;
  if (spawnSync('java', ['-version'], { timeout: 20_000 }).status !== 0) return 'java not found';
  return undefined;
}

interface Case {
  name: string;
  serverXml: string;
  /** Measure each HTTP listener's idle close while Tomcat runs. */
  measureKeepAlive?: boolean;
  /** Lines appended to the stock catalina.properties; `{port:N}` becomes the free port for N. */
  properties?: string;
}

const fixture = (connectors: string, serverAttributes = '') =>
  [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<Server port="8005" shutdown="SHUTDOWN"${serverAttributes}>`,
    '  <Service name="Catalina">',
    connectors,
    '    <Engine name="Catalina" defaultHost="localhost">',
    '      <Host name="localhost" appBase="webapps" unpackWARs="false" autoDeploy="false"/>',
    '    </Engine>',
    '  </Service>',
    '</Server>',
    '',
  ].join('\n');

const FIXTURES: Case[] = [
  {
    name: 'fixture: HTTP, AJP without secret, AJP with secret, AJP with secretRequired="false"',
    serverXml: fixture(
      [
        '    <Connector port="8080" protocol="HTTP/1.1" connectionTimeout="20000"/>',
        '    <Connector port="8009" protocol="AJP/1.3"/>',
        '    <Connector port="8010" protocol="org.apache.coyote.ajp.AjpNioProtocol" secret="s3cret"/>',
        '    <Connector port="8011" protocol="AJP/1.3" secretRequired="false"/>',
        '    <Connector port="8012" protocol="AJP/1.3" secret=""/>',
      ].join('\n'),
    ),
  },
  {
    name: 'fixture: ${name} from catalina.properties, ${name:-default}, an executor, NIO2',
    serverXml: fixture(
      [
        '    <Executor name="pool" maxThreads="50"/>',
        '    <Connector port="${test.http.port}" executor="pool"/>',
        '    <Connector port="${test.undefined.port:-8081}" protocol="org.apache.coyote.http11.Http11Nio2Protocol"/>',
        '    <Connector port="8009" protocol="AJP/1.3" secret="${test.ajp.secret}"/>',
      ].join('\n'),
    ),
    properties: 'test.http.port={port:8080}\ntest.ajp.secret=s3cret\n',
  },
  {
    name: 'fixture: keep-alive: keepAliveTimeout from connectionTimeout, its own, maxKeepAliveRequests="1"',
    serverXml: fixture(
      [
        '    <Connector port="8080" connectionTimeout="1500"/>',
        '    <Connector port="8081" connectionTimeout="20000" keepAliveTimeout="2500"/>',
        '    <Connector port="8082" maxKeepAliveRequests="1"/>',
      ].join('\n'),
    ),
    measureKeepAlive: true,
  },
  {
    name: 'fixture: "--" in a comment (a suppression written with "--")',
    serverXml: fixture('    <!-- cfglint-disable-next-line tomcat-ajp-secret -- reason -->\n    <Connector port="8009" protocol="AJP/1.3"/>'),
  },
];

/** Corpus server.xml files whose connectors Tomcat 10.1 can load once the Engine is replaced. */
const CORPUS_FILES = [
  'tomcat/apache__tomcat__conf__server.xml',
  'tomcat/0711SQuirreL__tomcat-standalone__conf__server.xml',
  'tomcat/GangDuo__agileworks-on-docker__tomcat__server.xml',
  'tomcat/bluebrown__java-cluster__tomcat__server.xml',
  'tomcat/Legioth__hazelcast-session-replication__tomcat__server.xml',
  'tomcat/030__docker-pega7-tomcat-ready__conf__server.xml',
  'tomcat/AlexLecq__conf__conf__server.xml',
  'tomcat/baosystems__docker-dhis2__tomcat__server.xml',
  'deploy-sets/AlesRybak__tomcat-connector-performance/tomcat/server.xml',
  'invalid/JeffTsengTwn__tomcat_letsencrypt_setup__tomcat__conf__server.xml',
];

async function freePort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port: chosen } = server.address() as net.AddressInfo;
        server.close(() => resolve(chosen));
      });
    });
    if (!taken.has(port)) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free port');
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

const blankLines = (text: string) => text.replace(/[^\n]/g, '');

/** The copy Tomcat runs (see the header). */
async function prepareCopy(original: string, portFor: (port: number) => Promise<number>): Promise<string> {
  const document = readXml(original);
  const edits: Edit[] = [];
  const all: XmlElement[] = [];
  const walk = (elements: XmlElement[]) =>
    elements.forEach((element) => {
      all.push(element);
      walk(element.children);
    });
  walk(document.roots);
  const attribute = (element: XmlElement, name: string) => element.attributes.find((a) => a.name === name);
  for (const element of all) {
    if (element.name === 'Server') {
      const port = attribute(element, 'port');
      edits.push(port ? { start: port.valueStart, end: port.valueEnd, text: '-1' } : { start: element.start + 7, end: element.start + 7, text: ' port="-1"' });
    } else if ((element.name === 'Listener' || element.name === 'GlobalNamingResources') && element.parent?.name === 'Server') {
      edits.push({ start: element.start, end: element.end, text: blankLines(original.slice(element.start, element.end)) });
    } else if (element.name === 'Engine' && element.parent?.name === 'Service') {
      const name = attribute(element, 'name')?.raw ?? 'Catalina';
      edits.push({
        start: element.start,
        end: element.end,
        text: `<Engine name="${name}" defaultHost="localhost"><Host name="localhost" appBase="webapps" unpackWARs="false" autoDeploy="false"/></Engine>${blankLines(original.slice(element.start, element.end))}`,
      });
    } else if (element.name === 'Connector' && element.parent?.name === 'Service') {
      const port = attribute(element, 'port');
      if (port) {
        const literal = /^\d+$/.exec(port.raw);
        const withDefault = /^(\$\{[^}:]+:-)(\d+)\}$/.exec(port.raw);
        if (literal) edits.push({ start: port.valueStart, end: port.valueEnd, text: String(await portFor(Number(port.raw))) });
        else if (withDefault) edits.push({ start: port.valueStart, end: port.valueEnd, text: `${withDefault[1]}${await portFor(Number(withDefault[2]))}}` });
      }
      const address = attribute(element, 'address');
      const ajp = /ajp/i.test(attribute(element, 'protocol')?.raw ?? '');
      if (address) edits.push({ start: address.valueStart, end: address.valueEnd, text: '127.0.0.1' });
      else if (!ajp) edits.push({ start: element.start + 10, end: element.start + 10, text: ' address="127.0.0.1"' });
    }
  }
  // Nested edits (a connector inside a replaced Engine cannot happen: connectors are Service children).
  let copy = original;
  for (const edit of edits.sort((a, b) => b.start - a.start)) copy = copy.slice(0, edit.start) + edit.text + copy.slice(edit.end);
  return copy;
}

interface TomcatRun {
  log: string;
  initialized: string[];
  failedAjp: string[];
  /** AJP connectors that failed to start but whose port accepted a TCP connection. */
  listeningAfterFailure: string[];
  parseError?: { line: number; column: number; message: string };
}

function runTomcat(base: string, whileRunning?: () => Promise<void>): Promise<TomcatRun> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(path.join(CATALINA_HOME, 'bin/catalina.sh'), ['run'], {
      env: { ...process.env, CATALINA_HOME, CATALINA_BASE: base, CATALINA_OPTS: '-Xms32m -Xmx256m', JAVA_OPTS: '-Djava.net.preferIPv4Stack=true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    let settled = false;
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (/Server startup in|Cannot start server|Init exception/.test(log)) finish();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const startLimit = setTimeout(() => finish(), 60_000);
    child.once('exit', () => finish());
    child.once('error', reject);

    async function finish() {
      if (settled) return;
      settled = true;
      clearTimeout(startLimit);
      const initialized = [...log.matchAll(/Initializing ProtocolHandler \["([^"]+)"\]/g)].map((m) => m[1]);
      const failedAjp: string[] = [];
      for (const block of log.split(/\n(?=\d{2}-\w{3}-\d{4} )/)) {
        const match = /Failed to start component \[Connector\["([^"]+)"\]\]/.exec(block);
        if (match && block.includes(NO_SECRET)) failedAjp.push(match[1]);
      }
      const listeningAfterFailure: string[] = [];
      for (const name of failedAjp) {
        const port = Number(/-(\d+)$/.exec(name)?.[1]);
        if (await accepts(port)) listeningAfterFailure.push(name);
      }
      if (whileRunning && /Server startup in/.test(log)) await whileRunning();
      const parse = /Parse fatal error at line \[(\d+)\] column \[(\d+)\][\s\S]*?columnNumber: \d+; ([^\n]*)/.exec(log);
      await stop(child);
      resolve({
        log,
        initialized,
        failedAjp,
        listeningAfterFailure,
        parseError: parse ? { line: Number(parse[1]), column: Number(parse[2]), message: parse[3].trim() } : undefined,
      });
    }
  });
}

/** Milliseconds from the end of one response until Tomcat closes the idle connection (capped at 10 s). */
function idleClose(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let answered: number | undefined;
    let received = '';
    const cap = setTimeout(() => {
      socket.destroy();
      resolve(undefined);
    }, 10_000);
    socket.once('connect', () => socket.write('GET /cfglint-probe HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    socket.on('data', (chunk: Buffer) => {
      // latin1: one character per byte, so Content-Length compares with the text's length.
      received += chunk.toString('latin1');
      // The error page's body ends the response; its length is in Content-Length or chunks.
      if (answered === undefined && /\r\n\r\n/.test(received) && (/\r\n0\r\n\r\n$/.test(received) || responseComplete(received))) answered = Date.now();
    });
    socket.once('close', () => {
      clearTimeout(cap);
      resolve(answered === undefined ? undefined : Date.now() - answered);
    });
    socket.once('error', () => undefined);
  });
}

function responseComplete(text: string): boolean {
  const headerEnd = text.indexOf('\r\n\r\n');
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, headerEnd));
  return length !== null && text.length - headerEnd - 4 >= Number(length[1]);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: 3000 });
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

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    const killLimit = setTimeout(() => {
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, 20_000);
    child.once('exit', () => {
      clearTimeout(killLimit);
      resolve();
    });
    process.kill(child.pid, 'SIGTERM');
  });
}

/** `http-nio-127.0.0.1-8080`, `https-jsse-nio-127.0.0.1-8443`, `ajp-nio2-127.0.0.1-8009` → `http 127.0.0.1:8080`. */
function connectorKey(name: string): string {
  const match = /^(https?|ajp)-(?:[a-z]+-)*?(?:nio2?|apr)-(?:(.+)-)?(\d+)$/.exec(name);
  return match ? `${match[1]} ${match[2] ?? '(all)'}:${match[3]}` : `? ${name}`;
}

interface Outcome {
  name: string;
  agrees: boolean;
  detail: string;
}

const outcomes: Outcome[] = [];
const missing = tomcatMissing();

if (missing) {
  process.stdout.write(`tomcat servers suite skipped: ${missing}\n`);
  describe.skip('Tomcat reader vs Tomcat 10.1', () => test('needs tomcat10 and java', () => undefined));
} else {
  describe('Tomcat reader vs Tomcat 10.1', () => {
    const cases: Case[] = [...FIXTURES];
    for (const file of CORPUS_FILES) {
      const full = path.join(CORPUS, file);
      if (fs.existsSync(full)) cases.push({ name: file, serverXml: fs.readFileSync(full, 'utf8') });
    }
    const taken = new Set<number>();

    for (const testCase of cases) {
      test(
        testCase.name,
        async () => {
          const base = fs.mkdtempSync(path.join(os.tmpdir(), 'cfglint-tomcat-'));
          try {
            const ports = new Map<number, number>();
            const portFor = async (original: number) => {
              if (!ports.has(original)) ports.set(original, await freePort(taken));
              return ports.get(original)!;
            };
            const copy = await prepareCopy(testCase.serverXml, portFor);
            let properties = testCase.properties ?? '';
            for (const match of [...properties.matchAll(/\{port:(\d+)\}/g)]) properties = properties.replace(match[0], String(await portFor(Number(match[1]))));
            for (const dir of ['conf', 'logs', 'temp', 'webapps', 'work']) fs.mkdirSync(path.join(base, dir));
            for (const name of fs.readdirSync(STOCK_CONF)) {
              const from = path.join(STOCK_CONF, name);
              if (fs.statSync(from).isFile()) fs.copyFileSync(from, path.join(base, 'conf', name));
            }
            fs.writeFileSync(path.join(base, 'conf/server.xml'), copy);
            fs.appendFileSync(path.join(base, 'conf/catalina.properties'), `\n${properties}`);
            fs.writeFileSync(path.join(base, 'conf/Dockerfile'), 'FROM tomcat:10.1\n');

            const tree = readTree({ paths: ['conf'], cwd: base, config: {} });
            const findings = lintSync({ paths: ['conf'], cwd: base, config: {} }).report.findings;
            const backend = tree.model.backends.find((b): b is TomcatBackend => b.kind === 'tomcat');
            const problems: string[] = [];
            const measured: string[] = [];
            const run = await runTomcat(
              base,
              testCase.measureKeepAlive
                ? async () => {
                    for (const listener of backend?.listeners ?? []) {
                      if (listener.address.kind !== 'tcp' || listener.protocol !== 'http') continue;
                      const closedAfter = await idleClose(listener.address.port);
                      const expected = listener.keepAlive;
                      measured.push(`${listener.address.port}: closed after ${closedAfter ?? '?'} ms`);
                      const agrees =
                        closedAfter !== undefined &&
                        (expected.kind === 'closesAfterResponse'
                          ? closedAfter < 500
                          : typeof expected.timeout.value === 'number' &&
                            closedAfter >= expected.timeout.value - 100 &&
                            closedAfter <= expected.timeout.value + 1500);
                      if (!agrees)
                        problems.push(
                          `keep-alive on ${listener.address.port}: Tomcat closed after ${closedAfter ?? 'never (10 s)'} ms; cfglint: ${expected.kind === 'idleTimeout' ? `${expected.timeout.value} ms` : expected.kind}`,
                        );
                    }
                  }
                : undefined,
            );

            if (run.parseError) {
              const syntax = findings.filter((f) => f.ruleId === 'xml-syntax' && f.primary.file === path.join('conf', 'server.xml'));
              const expectedColumn = /"--"/.test(run.parseError.message) ? run.parseError.column - 2 : run.parseError.column;
              const first = syntax.sort((a, b) => a.primary.start.offset - b.primary.start.offset)[0];
              if (!first || first.primary.start.line !== run.parseError.line || first.primary.start.column !== expectedColumn) {
                problems.push(
                  `Tomcat: line ${run.parseError.line} column ${run.parseError.column} "${run.parseError.message}"; cfglint: ${first ? `${first.primary.start.line}:${first.primary.start.column} ${first.message}` : 'no xml-syntax finding'}`,
                );
              } else if (!run.parseError.message.startsWith(first.message)) {
                problems.push(`same place, other words: Tomcat "${run.parseError.message}", cfglint "${first.message}"`);
              }
            } else {
              if (findings.some((f) => f.ruleId === 'xml-syntax'))
                problems.push(
                  `Tomcat parsed the file; cfglint: ${findings
                    .filter((f) => f.ruleId === 'xml-syntax')
                    .map((f) => f.message)
                    .join('; ')}`,
                );
              const fromTomcat = run.initialized.map(connectorKey).sort();
              const fromReader = (backend?.listeners ?? [])
                .map(
                  (l) =>
                    `${l.protocol} ${l.address.kind === 'tcp' ? `${l.address.host}:${l.address.port}` : l.address.kind === 'unix' ? l.address.path : l.address.text}`,
                )
                .sort();
              if (JSON.stringify(fromTomcat) !== JSON.stringify(fromReader))
                problems.push(`connectors: Tomcat ${JSON.stringify(fromTomcat)}, cfglint ${JSON.stringify(fromReader)}`);
              const failed = run.failedAjp.map(connectorKey).sort();
              const reported = findings
                .filter((f) => f.ruleId === 'tomcat-ajp-secret')
                .map((f) => {
                  const connector = backend?.connectors.find((c) => c.attributes.get('protocol')?.valueSpan.start.offset === f.primary.start.offset);
                  const address = connector?.listener?.address;
                  return address?.kind === 'tcp' ? `ajp ${address.host}:${address.port}` : '? unmatched finding';
                })
                .sort();
              if (JSON.stringify(failed) !== JSON.stringify(reported))
                problems.push(`AJP without secret: Tomcat fails ${JSON.stringify(failed)}, cfglint reports ${JSON.stringify(reported)}`);
              const silent = run.failedAjp.filter((name) => !run.listeningAfterFailure.includes(name));
              if (silent.length > 0) problems.push(`failed AJP connectors not listening: ${silent.join(', ')}`);
            }
            if (run.initialized.length === 0 && !run.parseError) problems.push(`Tomcat initialised nothing; log:\n${run.log.slice(0, 3000)}`);
            outcomes.push({
              name: testCase.name,
              agrees: problems.length === 0,
              detail:
                problems.join('\n') ||
                `${run.initialized.length} connectors${measured.length ? `; ${measured.join(', ')}` : ''}${run.parseError ? `; parse error ${run.parseError.line}:${run.parseError.column}` : ''}${run.failedAjp.length ? `; ${run.failedAjp.length} AJP without secret, still listening: ${run.listeningAfterFailure.length}` : ''}`,
            });
            expect(problems).toEqual([]);
          } finally {
            fs.rmSync(base, { recursive: true, force: true });
          }
        },
        120_000,
      );
    }

    afterAll(() => {
      const agreeing = outcomes.filter((o) => o.agrees).length;
      process.stdout.write(
        `\ntomcat differential: ${agreeing}/${outcomes.length} files agree\n${outcomes.map((o) => `  ${o.agrees ? 'ok  ' : 'DIFF'} ${o.name}: ${o.detail}`).join('\n')}\n`,
      );
    });
  });
}
