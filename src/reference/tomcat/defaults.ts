/**
 * Tomcat connector defaults. Every entry is in docs/servers/tomcat.md#connector-defaults and was checked
 * against webapps/docs/config/{http,ajp,executor}.xml of the 9.0.x, 10.1.x and 11.0.x branches:
 * the defaults below are the same in all three. What differs by version (AJP secretRequired and
 * loopback address, the requiredSecret alias, portOffset) is in src/model/tomcat.ts.
 */
import type { Unit } from '../../source/setting';

export interface ConnectorDefault {
  value: number | string | boolean;
  text: string;
  reference: string;
  note?: string;
}

const HTTP_DOC = 'https://tomcat.apache.org/tomcat-10.1-doc/config/http.html';
const AJP_DOC = 'https://tomcat.apache.org/tomcat-10.1-doc/config/ajp.html';
export const EXECUTOR_DOC = 'https://tomcat.apache.org/tomcat-10.1-doc/config/executor.html';

const reference = (doc: string, attribute: string) => `docs/servers/tomcat.md#connector-defaults; ${doc} (${attribute})`;

/** Kind of value: how the text is read (Tomcat's IntrospectionUtils: Integer.valueOf, Boolean.valueOf). */
export const CONNECTOR_SETTING_KINDS: Record<ConnectorSettingName, { unit: Unit; kind: 'int' | 'flag' | 'text' }> = {
  port: { unit: 'count', kind: 'int' },
  address: { unit: 'text', kind: 'text' },
  protocol: { unit: 'text', kind: 'text' },
  connectionTimeout: { unit: 'ms', kind: 'int' },
  keepAliveTimeout: { unit: 'ms', kind: 'int' },
  maxKeepAliveRequests: { unit: 'count', kind: 'int' },
  acceptCount: { unit: 'count', kind: 'int' },
  maxConnections: { unit: 'count', kind: 'int' },
  maxThreads: { unit: 'count', kind: 'int' },
  maxHttpHeaderSize: { unit: 'bytes', kind: 'int' },
  maxHttpRequestHeaderSize: { unit: 'bytes', kind: 'int' },
  maxPostSize: { unit: 'bytes', kind: 'int' },
  maxSwallowSize: { unit: 'bytes', kind: 'int' },
  SSLEnabled: { unit: 'flag', kind: 'flag' },
  secure: { unit: 'flag', kind: 'flag' },
  scheme: { unit: 'text', kind: 'text' },
  executor: { unit: 'text', kind: 'text' },
  secret: { unit: 'text', kind: 'text' },
  secretRequired: { unit: 'flag', kind: 'flag' },
};

/** Defaults that do not depend on anything but the protocol (keepAliveTimeout and address do; see the reader). */
export function connectorDefault(name: ConnectorSettingName, protocol: 'http' | 'ajp'): ConnectorDefault | undefined {
  const doc = protocol === 'ajp' ? AJP_DOC : HTTP_DOC;
  switch (name) {
    case 'protocol':
      return { value: 'HTTP/1.1', text: 'HTTP/1.1', reference: reference(HTTP_DOC, 'protocol') };
    case 'connectionTimeout':
      return protocol === 'ajp'
        ? { value: Infinity, text: '-1', reference: reference(AJP_DOC, 'connectionTimeout'), note: 'AJP: no timeout' }
        : { value: 60000, text: '60000', reference: reference(HTTP_DOC, 'connectionTimeout'), note: "Tomcat's own default; the stock server.xml sets 20000" };
    case 'maxKeepAliveRequests':
      return protocol === 'ajp' ? undefined : { value: 100, text: '100', reference: reference(HTTP_DOC, 'maxKeepAliveRequests') };
    case 'acceptCount':
      return { value: 100, text: '100', reference: reference(doc, 'acceptCount') };
    case 'maxConnections':
      return { value: 8192, text: '8192', reference: reference(doc, 'maxConnections') };
    case 'maxThreads':
      return { value: 200, text: '200', reference: reference(doc, 'maxThreads') };
    case 'maxHttpHeaderSize':
      return protocol === 'ajp' ? undefined : { value: 8192, text: '8192', reference: reference(HTTP_DOC, 'maxHttpHeaderSize') };
    case 'maxPostSize':
      return { value: 2097152, text: '2097152', reference: reference(doc, 'maxPostSize') };
    case 'maxSwallowSize':
      return protocol === 'ajp' ? undefined : { value: 2097152, text: '2097152', reference: reference(HTTP_DOC, 'maxSwallowSize') };
    case 'SSLEnabled':
      return protocol === 'ajp' ? undefined : { value: false, text: 'false', reference: reference(HTTP_DOC, 'SSLEnabled') };
    case 'secure':
      return { value: false, text: 'false', reference: reference(doc, 'secure') };
    case 'scheme':
      return { value: 'http', text: 'http', reference: reference(doc, 'scheme') };
    default:
      return undefined;
  }
}

export const KEEP_ALIVE_TIMEOUT_REFERENCE = (protocol: 'http' | 'ajp') =>
  reference(protocol === 'ajp' ? AJP_DOC : HTTP_DOC, 'keepAliveTimeout: "the value that has been set for the connectionTimeout attribute"');
export const HTTP_ADDRESS_REFERENCE = reference(HTTP_DOC, 'address: "all local addresses"');
export const AJP_ADDRESS_REFERENCE = reference(AJP_DOC, 'address: "the loopback address" since 9.0.31, 8.5.51, 7.0.100');
export const AJP_SECRET_REQUIRED_REFERENCE = reference(AJP_DOC, 'secretRequired: "The default value is true", since 9.0.31, 8.5.51, 7.0.100');
export const REQUEST_HEADER_SIZE_REFERENCE = reference(
  HTTP_DOC,
  'maxHttpRequestHeaderSize: "If not specified, this attribute is set to the value of the maxHttpHeaderSize attribute"',
);
/**
 * The official `tomcat` image runs Tomcat's own conf/server.xml unchanged (docker-library/tomcat's
 * Dockerfile leaves conf/ alone; its CMD is `catalina.sh run`). Its one live connector, the same in
 * 9.0.31+, 10.x and 11.0: `<Connector port="8080" protocol="HTTP/1.1" connectionTimeout="20000"
 * redirectPort="8443" />` (docs/servers/tomcat.md#the-official-image).
 */
export const STOCK_CONNECTOR = { port: 8080, protocol: 'HTTP/1.1', connectionTimeout: 20000 } as const;
export const STOCK_SERVER_XML_REFERENCE =
  'docs/servers/tomcat.md#the-official-image; https://github.com/apache/tomcat/blob/10.1.x/conf/server.xml (<Connector port="8080" protocol="HTTP/1.1" connectionTimeout="20000">)';
export const EXECUTOR_DEFAULTS: Record<'maxThreads' | 'minSpareThreads' | 'maxQueueSize', ConnectorDefault> = {
  maxThreads: { value: 200, text: '200', reference: `${EXECUTOR_DOC} (maxThreads)` },
  minSpareThreads: { value: 25, text: '25', reference: `${EXECUTOR_DOC} (minSpareThreads)` },
  maxQueueSize: { value: Infinity, text: 'Integer.MAX_VALUE', reference: `${EXECUTOR_DOC} (maxQueueSize)` },
};

/** Connector settings, by Tomcat attribute name (server.xml and Spring Boot alike). */
export type ConnectorSettingName =
  | 'port'
  | 'address'
  | 'protocol'
  | 'connectionTimeout'
  | 'keepAliveTimeout'
  | 'maxKeepAliveRequests'
  | 'acceptCount'
  | 'maxConnections'
  | 'maxThreads'
  | 'maxHttpHeaderSize'
  /** The request-header limit Tomcat applies: maxHttpRequestHeaderSize when set, else maxHttpHeaderSize. */
  | 'maxHttpRequestHeaderSize'
  | 'maxPostSize'
  | 'maxSwallowSize'
  | 'SSLEnabled'
  | 'secure'
  | 'scheme'
  | 'executor'
  | 'secret'
  | 'secretRequired';
