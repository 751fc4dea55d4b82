/**
 * From a `<Connector>` element to a TomcatConnector: attributes read the way Tomcat reads them
 * (entity-decoded by the XML parser, then `${name}` substituted by the Digester, then set through
 * IntrospectionUtils: ints by Integer.valueOf, booleans by Boolean.valueOf, so only "true" in any
 * case is true), the defaults of the connector's protocol and Tomcat version, and its listener.
 * The listener-building part is shared with Spring Boot, whose embedded Tomcat has one connector.
 */
import type { BackendBase, ListenAddress, Listener, ListenerProtocol } from '../backend';
import type { Setting, ValueSource } from '../../source/setting';
import { TomcatAttribute, TomcatConnector, TomcatExecutor, TomcatListener } from './tomcat-backend';
import {
  ajpRequiredSecretAliasWorks,
  ajpSecretRequiredExists,
  describeTomcatVersion,
  protocolClassExists,
  TomcatVersion,
} from '../../reference/tomcat/versions';
import { ConnectorSettingName } from '../../reference/tomcat/defaults';
import type { Span } from '../../source/span';
import { withPlaceholdersShown } from '../../discovery/template';
import {
  AJP_ADDRESS_REFERENCE,
  AJP_SECRET_REQUIRED_REFERENCE,
  connectorDefault,
  CONNECTOR_SETTING_KINDS,
  HTTP_ADDRESS_REFERENCE,
  KEEP_ALIVE_TIMEOUT_REFERENCE,
  REQUEST_HEADER_SIZE_REFERENCE,
} from '../../reference/tomcat/defaults';

/** `HTTP/1.1`, `AJP/1.3` or a class name → what the listener speaks (before TLS). */
export function protocolFamily(protocolName: string): 'http' | 'ajp' {
  if (protocolName === 'AJP/1.3' || /^org\.apache\.coyote\.ajp\./.test(protocolName)) return 'ajp';
  if (protocolName === 'HTTP/1.1' || /^org\.apache\.coyote\.http11\./.test(protocolName)) return 'http';
  // A custom ProtocolHandler class: its name is the only hint.
  return /ajp/i.test(protocolName) ? 'ajp' : 'http';
}

/** Java's Integer.valueOf: optional sign, ASCII digits, within int range; nothing else (no blanks). */
export function parseJavaInt(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= -2147483648 && value <= 2147483647 ? value : undefined;
}

export interface ConnectorInput {
  attributes: Map<string, TomcatAttribute>;
  /** The element name after `<` and the whole start tag. */
  span: Span;
  startTag: Span;
  service?: string;
  version: TomcatVersion;
  executors: TomcatExecutor[];
  /** `<Server portOffset>` when Tomcat applies it. */
  portOffset?: Setting<number>;
}

/** Builds the connector (its listener is attached by attachListener). */
export function buildConnector(input: ConnectorInput): TomcatConnector {
  const { attributes, version } = input;
  const protocolAttribute = attributes.get('protocol');
  const protocolName = protocolAttribute ? (protocolAttribute.value ?? protocolAttribute.raw) : 'HTTP/1.1';
  const family = protocolAttribute && protocolAttribute.value === undefined ? protocolFamily(protocolAttribute.raw) : protocolFamily(protocolName);
  const settings = new Map<ConnectorSettingName, Setting>();

  const fromAttribute = (name: ConnectorSettingName, attributeName: string = name): Setting | undefined => {
    const attribute = attributes.get(attributeName);
    if (!attribute) return undefined;
    return settingFromAttribute(name, attribute, connectorDefault(name, family));
  };
  const withDefault = (name: ConnectorSettingName): Setting | undefined => {
    const explicit = fromAttribute(name);
    if (explicit) return explicit;
    const fallback = connectorDefault(name, family);
    return fallback ? defaultSetting(name, fallback) : undefined;
  };

  for (const name of ['protocol', 'connectionTimeout', 'acceptCount', 'maxConnections', 'maxPostSize', 'secure', 'scheme', 'executor'] as const) {
    const setting = withDefault(name);
    if (setting) settings.set(name, setting);
  }
  if (family === 'http') {
    for (const name of ['maxKeepAliveRequests', 'maxHttpHeaderSize', 'maxSwallowSize', 'SSLEnabled'] as const) {
      const setting = withDefault(name);
      if (setting) settings.set(name, setting);
    }
    const requestHeader = fromAttribute('maxHttpRequestHeaderSize');
    const headerSize = settings.get('maxHttpHeaderSize')!;
    settings.set(
      'maxHttpRequestHeaderSize',
      requestHeader && requestHeader.value !== -1
        ? requestHeader
        : {
            ...headerSize,
            name: 'maxHttpRequestHeaderSize',
            source: headerSize.source.kind === 'file' ? headerSize.source : { kind: 'default', reference: REQUEST_HEADER_SIZE_REFERENCE },
          },
    );
    const ssl = settings.get('SSLEnabled')!;
    if (ssl.value === true) {
      // "If SSLEnabled is set, scheme is always set to https" and secure to true (http.xml).
      settings.set('scheme', { ...settings.get('scheme')!, value: 'https', text: 'https', source: ssl.source });
      settings.set('secure', { ...settings.get('secure')!, value: true, text: 'true', source: ssl.source });
    }
  }

  // Port (+ the Server's portOffset), address.
  const port = fromAttribute('port');
  if (port) {
    if (typeof port.value === 'number' && input.portOffset && typeof input.portOffset.value === 'number' && input.portOffset.value !== 0) {
      settings.set('port', {
        ...port,
        value: port.value + input.portOffset.value,
        source: {
          kind: 'file',
          span: attributes.get('port')!.valueSpan,
          via: input.portOffset.source.kind === 'file' ? [input.portOffset.source.span] : undefined,
        },
      });
    } else if (typeof port.value === 'number' && input.portOffset && input.portOffset.value === undefined) {
      settings.set('port', { ...port, value: undefined });
    } else {
      settings.set('port', port);
    }
  }
  const address = fromAttribute('address');
  if (address) settings.set('address', address);
  else if (family === 'ajp' && ajpSecretRequiredExists(version)) {
    settings.set('address', {
      name: 'address',
      value: '127.0.0.1',
      text: 'the loopback address',
      unit: 'text',
      source: { kind: 'default', reference: AJP_ADDRESS_REFERENCE },
    });
  } else {
    settings.set('address', {
      name: 'address',
      value: '0.0.0.0',
      text: 'all local addresses',
      unit: 'text',
      source: { kind: 'default', reference: HTTP_ADDRESS_REFERENCE },
    });
  }

  // keepAliveTimeout: its own attribute, else whatever connectionTimeout is (then that attribute is the source).
  const keepAliveAttribute = attributes.get('keepAliveTimeout');
  const keepAlive = keepAliveAttribute ? settingFromAttribute('keepAliveTimeout', keepAliveAttribute, undefined) : undefined;
  const keepAliveUsable = keepAliveAttribute && keepAlive && (keepAlive.value !== undefined || keepAliveAttribute.value === undefined);
  const connectionTimeout = settings.get('connectionTimeout')!;
  settings.set(
    'keepAliveTimeout',
    keepAliveUsable
      ? keepAlive!
      : {
          name: 'keepAliveTimeout',
          value: connectionTimeout.value,
          text: connectionTimeout.text,
          unit: 'ms',
          source:
            connectionTimeout.source.kind === 'file' && !keepAliveAttribute
              ? connectionTimeout.source
              : {
                  kind: 'default',
                  reference: KEEP_ALIVE_TIMEOUT_REFERENCE(family),
                  note: keepAliveAttribute
                    ? `"${keepAliveAttribute.value}" is not an integer: Tomcat logs "failed to set property" and uses connectionTimeout ${connectionTimeout.text}`
                    : `= connectionTimeout ${connectionTimeout.text}`,
                },
        },
  );

  // Threads: the shared executor's when it exists (the connector's own maxThreads is then ignored).
  const executorName = settings.get('executor')?.value;
  const executor = typeof executorName === 'string' ? input.executors.find((candidate) => candidate.name === executorName) : undefined;
  const ownThreads = withDefault('maxThreads')!;
  settings.set('maxThreads', executor ? { ...executor.settings.get('maxThreads')!, name: 'maxThreads' } : ownThreads);

  if (family === 'ajp') {
    const exists = ajpSecretRequiredExists(version);
    const required = fromAttribute('secretRequired');
    if (required && exists) settings.set('secretRequired', required);
    else if (exists)
      settings.set('secretRequired', {
        name: 'secretRequired',
        value: true,
        text: 'true',
        unit: 'flag',
        source: { kind: 'default', reference: AJP_SECRET_REQUIRED_REFERENCE },
      });
    const secret =
      fromAttribute('secret') ??
      (attributes.has('requiredSecret') && ajpRequiredSecretAliasWorks(version) === true ? fromAttribute('secret', 'requiredSecret') : undefined);
    if (secret) settings.set('secret', secret);
  }

  const unavailable =
    protocolClassExists(protocolName, version) === false
      ? `${protocolName} does not exist in ${describeTomcatVersion(version)}: Tomcat logs "Protocol handler instantiation failed" (ClassNotFoundException) and the connector never listens`
      : undefined;
  return {
    origin: 'server.xml',
    unavailable,
    span: input.span,
    startTag: input.startTag,
    service: input.service,
    protocol: family === 'ajp' ? 'ajp' : settings.get('SSLEnabled')?.value === true ? 'https' : 'http',
    protocolName,
    attributes,
    settings,
    executor,
  };
}

/**
 * A setting from an attribute. Text Tomcat cannot convert (not an int) is what Tomcat does with
 * it: "failed to set property" and the default stays. Values Tomcat treats as "no limit" become
 * Infinity (see src/model/tomcat.ts).
 */
export function settingFromAttribute(name: ConnectorSettingName, attribute: TomcatAttribute, fallback: ReturnType<typeof connectorDefault>): Setting {
  const { unit, kind } = CONNECTOR_SETTING_KINDS[name];
  const source: ValueSource = { kind: 'file', span: attribute.valueSpan, via: attribute.substitutedFrom.length > 0 ? attribute.substitutedFrom : undefined };
  const text = withPlaceholdersShown(attribute.raw);
  if (attribute.value === undefined) return { name, value: undefined, text, unit, source };
  if (kind === 'text') return { name, value: attribute.value, text, unit, source };
  if (kind === 'flag') return { name, value: attribute.value.toLowerCase() === 'true', text, unit, source };
  const number = parseJavaInt(attribute.value);
  if (number === undefined) {
    const note = `"${attribute.value}" is not an integer: Tomcat logs "failed to set property" and keeps the default`;
    return fallback
      ? { name, value: fallback.value as number, text: fallback.text, unit, source: { kind: 'default', reference: fallback.reference, note } }
      : { name, value: undefined, text, unit, source };
  }
  return { name, value: canonicalNumber(name, number, fallback), text, unit, source };
}

function canonicalNumber(name: ConnectorSettingName, value: number, fallback: ReturnType<typeof connectorDefault>): number {
  switch (name) {
    case 'connectionTimeout':
    case 'keepAliveTimeout':
      // NioEndpoint's timeout check is `timeout > 0`: zero and negatives never time out.
      return value <= 0 ? Infinity : value;
    case 'maxKeepAliveRequests':
      // Http11Processor: 1 disables keep-alive; only values > 0 are counted down.
      return value <= 0 ? Infinity : value;
    case 'maxConnections':
      return value === -1 ? Infinity : value;
    case 'maxPostSize':
    case 'maxSwallowSize':
      return value < 0 ? Infinity : value;
    case 'acceptCount':
      // AbstractEndpoint.setAcceptCount ignores values ≤ 0.
      return value > 0 ? value : (fallback?.value as number);
    default:
      return value;
  }
}

function defaultSetting(name: ConnectorSettingName, fallback: NonNullable<ReturnType<typeof connectorDefault>>): Setting {
  return {
    name,
    value: fallback.value,
    text: fallback.text,
    unit: CONNECTOR_SETTING_KINDS[name].unit,
    source: { kind: 'default', reference: fallback.reference, note: fallback.note },
  };
}

/**
 * The connector's listener: where it accepts connections, what it speaks, and how long it keeps
 * an idle connection. None when the port is not known; an `other` address when it is 0 (random)
 * or the host is not determined.
 */
export function attachListener(backend: BackendBase, connector: TomcatConnector, option: string, span: Span): TomcatListener {
  const port = connector.settings.get('port');
  const host = connector.settings.get('address');
  let address: ListenAddress;
  if (!port || typeof port.value !== 'number') address = { kind: 'other', text: port ? `port ${port.text} (not determined by the tree)` : 'no port' };
  else if (port.value === 0) address = { kind: 'other', text: 'port 0 (a random free port)' };
  else if (!host || typeof host.value !== 'string') address = { kind: 'other', text: `${host?.text ?? '?'}:${port.value}` };
  else address = { kind: 'tcp', host: host.value, port: port.value };

  const timeout = connector.settings.get('keepAliveTimeout') as Setting<number>;
  const maxRequests = connector.settings.get('maxKeepAliveRequests') as Setting<number> | undefined;
  const keepAlive: Listener['keepAlive'] =
    maxRequests && maxRequests.value === 1
      ? { kind: 'closesAfterResponse', reason: `maxKeepAliveRequests ${maxRequests.text} disables keep-alive` }
      : { kind: 'idleTimeout', timeout, maxRequests };
  const listener: TomcatListener = { backend, address, protocol: connector.protocol as ListenerProtocol, option, span, keepAlive, connector };
  connector.listener = listener;
  return listener;
}
