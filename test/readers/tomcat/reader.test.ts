/**
 * The Tomcat reader: from trees in memory to TomcatBackends. Expected values come from Tomcat's
 * documentation and source as docs/servers/tomcat.md records them (defaults, `${name}` substitution,
 * "no limit" values) and were written by hand.
 */
import { memoryFileSystem, MemoryTree } from '../../../src/discovery/fs';
import { readTree } from '../../../src/engine/read-tree';
import { connectorsServingPort } from '../../../src/model/tomcat';
import { TomcatBackend, TomcatConnector } from '../../../src/readers/tomcat/tomcat-backend';
import { substituteProperties } from '../../../src/readers/tomcat';
import { lintTree } from '../../harness';

const read = (tree: MemoryTree) => readTree({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} });
const tomcat = (tree: MemoryTree): TomcatBackend => {
  const backends = read(tree).model.backends.filter((b): b is TomcatBackend => b.kind === 'tomcat');
  expect(backends).toHaveLength(1);
  return backends[0];
};
const serverXml = (connectors: string, serverAttributes = '') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Server port="8005" shutdown="SHUTDOWN"${serverAttributes}>\n  <Service name="Catalina">\n${connectors}  </Service>\n</Server>\n`;
const value = (connector: TomcatConnector, name: Parameters<TomcatConnector['settings']['get']>[0]) => connector.settings.get(name)?.value;
const where = (connector: TomcatConnector, name: Parameters<TomcatConnector['settings']['get']>[0]) => {
  const source = connector.settings.get(name)?.source;
  return source?.kind === 'file' ? `${source.span.file}:${source.span.start.line}:${source.span.start.column}` : source?.kind;
};

describe('HTTP connector of the stock server.xml', () => {
  const backend = tomcat({
    'conf/server.xml': serverXml(
      '    <Connector port="8080" protocol="HTTP/1.1"\n               connectionTimeout="20000"\n               redirectPort="8443" />\n',
    ),
  });
  const [connector] = backend.connectors;

  test('one listener on all addresses, port 8080, HTTP', () => {
    expect(backend.listeners).toHaveLength(1);
    const [listener] = backend.listeners;
    expect(listener.address).toEqual({ kind: 'tcp', host: '0.0.0.0', port: 8080 });
    expect(listener.protocol).toBe('http');
    expect(listener.connector).toBe(connector);
    expect(listener.span.start).toMatchObject({ line: 4, column: 22 });
  });

  test('keepAliveTimeout is connectionTimeout, taken from its attribute', () => {
    expect(value(connector, 'connectionTimeout')).toBe(20000);
    expect(value(connector, 'keepAliveTimeout')).toBe(20000);
    expect(where(connector, 'keepAliveTimeout')).toBe('conf/server.xml:5:35');
    const keepAlive = backend.listeners[0].keepAlive;
    expect(keepAlive.kind).toBe('idleTimeout');
    if (keepAlive.kind === 'idleTimeout') {
      expect(keepAlive.timeout.value).toBe(20000);
      expect(keepAlive.maxRequests?.value).toBe(100);
    }
  });

  test('documented defaults for what the file does not set', () => {
    expect(value(connector, 'maxKeepAliveRequests')).toBe(100);
    expect(value(connector, 'acceptCount')).toBe(100);
    expect(value(connector, 'maxConnections')).toBe(8192);
    expect(value(connector, 'maxThreads')).toBe(200);
    expect(value(connector, 'maxHttpHeaderSize')).toBe(8192);
    expect(value(connector, 'maxHttpRequestHeaderSize')).toBe(8192);
    expect(value(connector, 'maxPostSize')).toBe(2097152);
    expect(value(connector, 'maxSwallowSize')).toBe(2097152);
    expect(value(connector, 'SSLEnabled')).toBe(false);
    expect(value(connector, 'scheme')).toBe('http');
    expect(where(connector, 'maxThreads')).toBe('default');
    const source = connector.settings.get('acceptCount')!.source;
    expect(source.kind === 'default' && source.reference).toContain('docs/servers/tomcat.md#connector-defaults');
  });

  test('cross-file query: the connector serving port 8080', () => {
    const { model } = read({ 'conf/server.xml': serverXml('    <Connector port="8080" keepAliveTimeout="5000"/>\n') });
    const [served] = connectorsServingPort(model, 8080);
    expect(served.backend.kind).toBe('tomcat');
    expect(served.connector.settings.get('keepAliveTimeout')).toMatchObject({ value: 5000, text: '5000', unit: 'ms' });
    expect(connectorsServingPort(model, 8081)).toEqual([]);
  });
});

describe('connector attributes', () => {
  test('HTTP default connectionTimeout is 60000 ms, and keepAliveTimeout follows it', () => {
    const [connector] = tomcat({ 'server.xml': serverXml('    <Connector port="8080"/>\n') }).connectors;
    expect(value(connector, 'connectionTimeout')).toBe(60000);
    expect(value(connector, 'keepAliveTimeout')).toBe(60000);
    expect(where(connector, 'keepAliveTimeout')).toBe('default');
  });

  test('no limit: -1 timeouts and counts are Infinity, 0 keepAliveTimeout too', () => {
    const [a, b] = tomcat({
      'server.xml': serverXml(
        '    <Connector port="8080" connectionTimeout="-1" maxKeepAliveRequests="-1" maxConnections="-1" maxPostSize="-1"/>\n    <Connector port="8081" keepAliveTimeout="0" maxKeepAliveRequests="0"/>\n',
      ),
    }).connectors;
    expect(value(a, 'connectionTimeout')).toBe(Infinity);
    expect(value(a, 'keepAliveTimeout')).toBe(Infinity);
    expect(a.settings.get('keepAliveTimeout')!.text).toBe('-1');
    expect(value(a, 'maxKeepAliveRequests')).toBe(Infinity);
    expect(value(a, 'maxConnections')).toBe(Infinity);
    expect(value(a, 'maxPostSize')).toBe(Infinity);
    expect(value(b, 'keepAliveTimeout')).toBe(Infinity);
    expect(value(b, 'maxKeepAliveRequests')).toBe(Infinity);
  });

  test('maxKeepAliveRequests="1" closes after each response', () => {
    const backend = tomcat({ 'server.xml': serverXml('    <Connector port="8080" maxKeepAliveRequests="1"/>\n') });
    expect(backend.listeners[0].keepAlive).toEqual({ kind: 'closesAfterResponse', reason: 'maxKeepAliveRequests 1 disables keep-alive' });
  });

  test('text Tomcat cannot convert keeps the default (Tomcat: "failed to set property")', () => {
    const [connector] = tomcat({
      'server.xml': serverXml('    <Connector port="8080" connectionTimeout="20000" keepAliveTimeout="20s" acceptCount="0" maxThreads=" 50"/>\n'),
    }).connectors;
    expect(value(connector, 'keepAliveTimeout')).toBe(20000);
    const source = connector.settings.get('keepAliveTimeout')!.source;
    expect(source.kind === 'default' && source.note).toContain('"20s" is not an integer');
    // setAcceptCount ignores values ≤ 0; Integer.valueOf does not trim.
    expect(value(connector, 'acceptCount')).toBe(100);
    expect(value(connector, 'maxThreads')).toBe(200);
  });

  test('booleans are Boolean.valueOf: only "true", in any case, is true', () => {
    const [a, b] = tomcat({
      'server.xml': serverXml('    <Connector port="8443" SSLEnabled="TRUE"/>\n    <Connector port="8444" SSLEnabled="yes"/>\n'),
    }).connectors;
    expect(a.protocol).toBe('https');
    expect(value(a, 'scheme')).toBe('https');
    expect(value(a, 'secure')).toBe(true);
    expect(b.protocol).toBe('http');
  });

  test('protocols by name and class', () => {
    const connectors = tomcat({
      'server.xml': serverXml(
        [
          '    <Connector port="1" protocol="org.apache.coyote.http11.Http11NioProtocol"/>',
          '    <Connector port="2" protocol="org.apache.coyote.http11.Http11Nio2Protocol" SSLEnabled="true"/>',
          '    <Connector port="3" protocol="org.apache.coyote.ajp.AjpNioProtocol" secretRequired="false"/>',
          '    <Connector port="4" protocol="AJP/1.3" secretRequired="false"/>',
          '',
        ].join('\n'),
      ),
    }).connectors;
    expect(connectors.map((c) => c.protocol)).toEqual(['http', 'https', 'ajp', 'ajp']);
    expect(connectors.map((c) => c.protocolName)).toEqual([
      'org.apache.coyote.http11.Http11NioProtocol',
      'org.apache.coyote.http11.Http11Nio2Protocol',
      'org.apache.coyote.ajp.AjpNioProtocol',
      'AJP/1.3',
    ]);
  });

  test('AJP: loopback by default, connectionTimeout -1 (no timeout), no maxKeepAliveRequests', () => {
    const backend = tomcat({ 'server.xml': serverXml('    <Connector port="8009" protocol="AJP/1.3" secret="s3cret"/>\n') });
    const [listener] = backend.listeners;
    expect(listener.address).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 8009 });
    expect(listener.protocol).toBe('ajp');
    expect(listener.keepAlive.kind === 'idleTimeout' && listener.keepAlive.timeout.value).toBe(Infinity);
    expect(listener.connector.settings.has('maxKeepAliveRequests')).toBe(false);
    expect(value(listener.connector, 'secret')).toBe('s3cret');
    expect(value(listener.connector, 'secretRequired')).toBe(true);
  });

  test('an explicit address; port 0 is a random port, not a TCP listener', () => {
    const backend = tomcat({ 'server.xml': serverXml('    <Connector port="8080" address="127.0.0.1"/>\n    <Connector port="0"/>\n') });
    expect(backend.listeners.map((l) => l.address)).toEqual([
      { kind: 'tcp', host: '127.0.0.1', port: 8080 },
      { kind: 'other', text: 'port 0 (a random free port)' },
    ]);
  });

  test('maxThreads of the referenced <Executor>', () => {
    const backend = tomcat({
      'server.xml': serverXml(
        '    <Executor name="pool" maxThreads="150"/>\n    <Connector executor="pool" port="8080" maxThreads="999"/>\n    <Connector executor="missing" port="8081" maxThreads="50"/>\n',
      ),
    });
    const [shared, own] = backend.connectors;
    expect(shared.executor?.name).toBe('pool');
    expect(value(shared, 'maxThreads')).toBe(150);
    expect(where(shared, 'maxThreads')).toBe('server.xml:4:39');
    // An executor that does not exist: Tomcat falls back to the connector's own pool.
    expect(own.executor).toBeUndefined();
    expect(value(own, 'maxThreads')).toBe(50);
  });

  test('maxHttpRequestHeaderSize overrides maxHttpHeaderSize for requests', () => {
    const [a, b] = tomcat({
      'server.xml': serverXml(
        '    <Connector port="1" maxHttpHeaderSize="16384"/>\n    <Connector port="2" maxHttpHeaderSize="16384" maxHttpRequestHeaderSize="4096"/>\n',
      ),
    }).connectors;
    expect(value(a, 'maxHttpRequestHeaderSize')).toBe(16384);
    expect(value(b, 'maxHttpRequestHeaderSize')).toBe(4096);
  });

  test('<Server portOffset> moves every connector', () => {
    const backend = tomcat({ 'server.xml': serverXml('    <Connector port="8080"/>\n', ' portOffset="100"') });
    expect(backend.listeners[0].address).toEqual({ kind: 'tcp', host: '0.0.0.0', port: 8180 });
    expect(backend.settings.get('portOffset')?.value).toBe(100);
  });

  test('connectors outside a <Service> and files without connectors make no backend', () => {
    const { model } = read({
      'a/server.xml': '<Server><Connector port="8080"/></Server>',
      'b/server.xml': '<Server><Service name="x"/></Server>',
    });
    expect(model.backends).toEqual([]);
  });
});

describe('${name} substitution', () => {
  test('from catalina.properties next to server.xml, with the properties line as "via"', () => {
    const backend = tomcat({
      'conf/server.xml': serverXml('    <Connector port="${http.port}" connectionTimeout="${timeout}"/>\n'),
      'conf/catalina.properties': '# ports\nhttp.port=18080\ntimeout = 3000\n',
    });
    const [connector] = backend.connectors;
    expect(backend.listeners[0].address).toEqual({ kind: 'tcp', host: '0.0.0.0', port: 18080 });
    expect(backend.catalinaProperties).toBe('conf/catalina.properties');
    expect(value(connector, 'keepAliveTimeout')).toBe(3000);
    const source = connector.settings.get('port')!.source;
    expect(source.kind === 'file' && source.via?.map((s) => `${s.file}:${s.start.line}:${s.start.column}`)).toEqual(['conf/catalina.properties:2:11']);
  });

  test('a name the tree does not define is undetermined: no TCP listener, no guess', () => {
    const backend = tomcat({ 'server.xml': serverXml('    <Connector port="${http.port}" keepAliveTimeout="${ka}"/>\n') });
    expect(backend.listeners[0].address).toEqual({ kind: 'other', text: 'port ${http.port} (not determined by the tree)' });
    expect(value(backend.connectors[0], 'keepAliveTimeout')).toBeUndefined();
  });

  test('${name:-default} takes the default when the name is not defined', () => {
    const backend = tomcat({ 'server.xml': serverXml('    <Connector port="${SERVER_PORT:-8080}"/>\n') });
    expect(backend.listeners[0].address).toEqual({ kind: 'tcp', host: '0.0.0.0', port: 8080 });
  });

  test('a chain that doubles each round is undetermined past 64 KiB, not cut short', () => {
    // p20 is 8080 written 3^20 times: each round triples the value.
    const chain = Array.from({ length: 20 }, (_, i) => `p${i + 1}=\${p${i}}\${p${i}}\${p${i}}`).join('\n');
    const backend = tomcat({
      'conf/server.xml': serverXml('    <Connector port="${p20}" connectionTimeout="${p2}"/>\n'),
      'conf/catalina.properties': `p0=8080\n${chain}\n`,
    });
    expect(backend.listeners[0].address).toEqual({ kind: 'other', text: 'port ${p20} (not determined by the tree)' });
    // Within the budget the same chain resolves exactly: 3^8 copies of "8080" are 26,244 characters, 3^9 are past 64 KiB.
    const span = backend.connectors[0].span;
    const properties = new Map([['p0', '8080'], ...Array.from({ length: 20 }, (_, i) => [`p${i + 1}`, `\${p${i}}\${p${i}}\${p${i}}`] as [string, string])]);
    const lookup = (name: string) => (properties.has(name) ? { value: properties.get(name)!, span } : undefined);
    expect(substituteProperties('${p8}', lookup).value).toBe('8080'.repeat(3 ** 8));
    expect(substituteProperties('${p9}', lookup).value).toBeUndefined();
  });

  test('a value repeated through a chain lists each properties line once as "via"', () => {
    const backend = tomcat({
      'conf/server.xml': serverXml('    <Connector port="${a}${a}"/>\n'),
      'conf/catalina.properties': 'a=${b}\nb=8\n',
    });
    expect(backend.listeners[0].address).toEqual({ kind: 'tcp', host: '0.0.0.0', port: 88 });
    const source = backend.connectors[0].settings.get('port')!.source;
    expect(source.kind === 'file' && source.via?.map((s) => s.start.line)).toEqual([1, 2]);
  });

  test('entities are decoded before substitution', () => {
    const backend = tomcat({ 'server.xml': serverXml('    <Connector port="&#56;080" protocol="AJP/1.3" secret="a&amp;b"/>\n') });
    expect(backend.listeners[0].address).toMatchObject({ port: 8080 });
    expect(value(backend.connectors[0], 'secret')).toBe('a&b');
  });
});

describe('Tomcat version from the tree', () => {
  const ajp = serverXml('    <Connector port="8009" protocol="AJP/1.3"/>\n');

  test('FROM tomcat:10.1-jdk17 next to the server.xml', () => {
    const backend = tomcat({ 'docker/Dockerfile': 'FROM tomcat:10.1-jdk17\nCOPY server.xml /usr/local/tomcat/conf/\n', 'docker/server.xml': ajp });
    expect(backend.version).toMatchObject({ kind: 'known', major: 10, minor: 1, text: 'tomcat:10.1-jdk17' });
    expect(backend.version.kind === 'known' && backend.version.span.start).toMatchObject({ line: 1, column: 6 });
  });

  test('a compose image above it; before 9.0.31 AJP listens on all addresses and needs no secret', () => {
    const backend = tomcat({ 'compose.yaml': 'services:\n  app:\n    image: tomcat:9.0.30-jdk11\n', 'tomcat/conf/server.xml': ajp });
    expect(backend.version).toMatchObject({ kind: 'known', major: 9, minor: 0, patch: 30 });
    expect(backend.listeners[0].address).toEqual({ kind: 'tcp', host: '0.0.0.0', port: 8009 });
    expect(backend.connectors[0].settings.has('secretRequired')).toBe(false);
  });

  test('no image: unknown, judged with the defaults 9.0, 10.1 and 11.0 share', () => {
    const backend = tomcat({ 'server.xml': ajp });
    expect(backend.version).toEqual({ kind: 'unknown' });
    expect(backend.listeners[0].address).toMatchObject({ host: '127.0.0.1' });
  });

  test('requiredSecret is the secret on Tomcat 9, ignored on Tomcat 11', () => {
    const connector = '    <Connector port="8009" protocol="AJP/1.3" requiredSecret="s"/>\n';
    const nine = tomcat({ Dockerfile: 'FROM tomcat:9.0\n', 'server.xml': serverXml(connector) });
    const eleven = tomcat({ Dockerfile: 'FROM tomcat:11.0.2-jre21\n', 'server.xml': serverXml(connector) });
    expect(value(nine.connectors[0], 'secret')).toBe('s');
    expect(eleven.connectors[0].settings.has('secret')).toBe(false);
  });
});

describe('findings of the reader', () => {
  test('a "<" in an attribute value is an xml-syntax error; the connectors are still read', () => {
    const tree = { 'conf/server.xml': serverXml('    <Connector port="8443" SSLEnabled="true" keystorePass="<changeit>"/>\n') };
    const findings = lintTree({ name: 'x', tree });
    const syntax = findings.filter((f) => f.ruleId === 'xml-syntax');
    expect(syntax).toHaveLength(1);
    expect(syntax[0].severity).toBe('error');
    expect(syntax[0].primary).toMatchObject({ file: 'conf/server.xml', start: { line: 4, column: 60 } });
    expect(tomcat(tree).listeners[0].address).toMatchObject({ port: 8443 });
  });

  test('server.xml suppressions take their reason after " - " (an XML comment may not hold "--")', () => {
    const connector = '    <!-- cfglint-disable-next-line tomcat-ajp-secret - the proxy is on this host -->\n    <Connector port="8009" protocol="AJP/1.3"/>\n';
    const findings = lintTree({ name: 'x', tree: { 'server.xml': serverXml(connector) } });
    expect(findings.map((f) => f.ruleId)).toEqual([]);
  });

  test('a suppression written with "--" still works, but the file is no longer XML Tomcat accepts', () => {
    const connector =
      '    <!-- cfglint-disable-next-line tomcat-ajp-secret -- the proxy is on this host -->\n    <Connector port="8009" protocol="AJP/1.3"/>\n';
    const findings = lintTree({ name: 'x', tree: { 'server.xml': serverXml(connector) } });
    expect(findings.map((f) => `${f.ruleId} ${f.primary.start.line}:${f.primary.start.column}`)).toEqual(['xml-syntax 4:54']);
  });
});
