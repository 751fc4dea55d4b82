/**
 * Tomcat servers (server.xml) and Spring Boot's embedded Tomcat (filled by src/readers/tomcat and
 * src/readers/spring-boot), in one shape: every connector is a `TomcatConnector` with its settings
 * under Tomcat's attribute names, and every listener of either kind is a `TomcatListener` that
 * points back at its connector. So a cross-file rule asks "the connector that serves port 8080:
 * its keepAliveTimeout, with its source" the same way for both (see `connectorFor` and
 * `connectorsServingPort`).
 *
 * Values are canonical: milliseconds, bytes, counts. Tomcat's "no limit" values are Infinity:
 * `keepAliveTimeout` ≤ 0 (NioEndpoint only times out when `timeout > 0`), `connectionTimeout` -1,
 * `maxKeepAliveRequests` ≤ 0 other than 1 (Http11Processor counts down only when `> 0`),
 * `maxConnections` -1, and negative `maxPostSize` / `maxSwallowSize`. The setting's `text` keeps
 * what was written (`-1`).
 */
import type { Span } from '../source/span';
import type { BackendBase, Listener, ListenerProtocol, Setting } from './backend';
import type { Deployment } from './deployment';

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

/** One attribute of a server.xml element, as written and as Tomcat reads it. */
export interface TomcatAttribute {
  name: string;
  nameSpan: Span;
  /** Between the quotes. */
  valueSpan: Span;
  /** As written, entity references not decoded. */
  raw: string;
  /**
   * After entity decoding and `${name}` substitution from catalina.properties; undefined when the
   * tree does not determine it (an undefined `${name}`, a DOCTYPE entity).
   */
  value: string | undefined;
  /** The catalina.properties lines `${…}` took values from. */
  substitutedFrom: Span[];
}

/** A `<Executor>` of a `<Service>`, which connectors share through `executor="name"`. */
export interface TomcatExecutor {
  name: string;
  span: Span;
  settings: Map<'maxThreads' | 'minSpareThreads' | 'maxQueueSize', Setting<number>>;
}

export interface TomcatConnector {
  origin: 'server.xml' | 'spring-boot';
  /** server.xml: the element name after `<`; Spring Boot: `server.port` when set, else the file's start. */
  span: Span;
  /** server.xml: the whole start tag. */
  startTag?: Span;
  /** server.xml: the `<Service name>`. */
  service?: string;
  protocol: ListenerProtocol;
  /** The protocol as configured: `HTTP/1.1`, `AJP/1.3`, a class name. */
  protocolName: string;
  /** server.xml attributes by name (empty for Spring Boot). */
  attributes: Map<string, TomcatAttribute>;
  settings: Map<ConnectorSettingName, Setting>;
  /** The `<Executor>` that runs its requests (then maxThreads comes from it). */
  executor?: TomcatExecutor;
  /** Its listener (an `other` address when the port or host is not determined); none when `unavailable`. */
  listener?: TomcatListener;
  /**
   * Why Tomcat cannot create it at all in the version the tree runs: a protocol class that
   * release does not have ("Protocol handler instantiation failed"). Then it has no listener.
   */
  unavailable?: string;
}

export interface TomcatListener extends Listener {
  connector: TomcatConnector;
}

/** The Tomcat release the tree runs, from an image tag (`tomcat:10.1-jdk17`), when it says. */
export type TomcatVersion =
  | { kind: 'unknown' }
  | {
      kind: 'known';
      major: number;
      minor?: number;
      patch?: number;
      /** `tomcat:10.1-jdk17`. */
      text: string;
      span: Span;
    };

export interface TomcatBackend extends BackendBase {
  kind: 'tomcat';
  listeners: TomcatListener[];
  /** Every `<Connector>` of every `<Service>`, in file order, with or without a listener. */
  connectors: TomcatConnector[];
  executors: TomcatExecutor[];
  version: TomcatVersion;
  /** The catalina.properties `${…}` was resolved from (display path). */
  catalinaProperties?: string;
}

export interface SpringBootBackend extends BackendBase {
  kind: 'spring-boot';
  listeners: TomcatListener[];
  /** Embedded Tomcat's single connector. */
  connector: TomcatConnector;
  /**
   * The profile layers applied over the base files: the profiles the tree activates
   * (`spring.profiles.active`) for the default backend, or the one profile of a profile backend.
   */
  profiles: string[];
  /**
   * `default`: application.properties/yml plus the profiles the tree activates. `profile`: the
   * same plus one more profile file the tree does not activate (the active profile is decided
   * at deploy time), made only when that profile changes a server setting.
   */
  variant: 'default' | 'profile';
  /** Every file that contributed, base first (display paths). */
  files: string[];
}

export function isTomcatListener(listener: Listener): listener is TomcatListener {
  return (listener as Partial<TomcatListener>).connector !== undefined;
}

/** The Tomcat connector behind a listener, when the listener is Tomcat's (server.xml or Spring Boot). */
export function connectorFor(listener: Listener): TomcatConnector | undefined {
  return isTomcatListener(listener) ? listener.connector : undefined;
}

/** Every Tomcat or Spring Boot connector whose TCP listener has this port. */
export function connectorsServingPort(model: Deployment, port: number): { backend: TomcatBackend | SpringBootBackend; connector: TomcatConnector }[] {
  const out: { backend: TomcatBackend | SpringBootBackend; connector: TomcatConnector }[] = [];
  for (const backend of model.backends) {
    if (backend.kind !== 'tomcat' && backend.kind !== 'spring-boot') continue;
    for (const listener of backend.listeners as TomcatListener[]) {
      if (listener.address.kind === 'tcp' && listener.address.port === port) out.push({ backend, connector: listener.connector });
    }
  }
  return out;
}

/**
 * Whether the release has a change that landed in several lines at once: `firsts` maps a line
 * (`9.0`, or `9` for "any 9.x") to its first release with it. Lines newer than every listed one
 * have it; older or unlisted ones do not. A tag without a patch number (`tomcat:9.0`) runs the
 * line's current release; an unknown version is judged on the lines cfglint assumes (9.0,
 * 10.1, 11.0 at their current releases), which is what `unknown` says.
 */
export function tomcatHas(version: TomcatVersion, firsts: Record<string, number>, unknown: boolean): boolean {
  if (version.kind === 'unknown') return unknown;
  // `tomcat:8` runs the newest 8.x line.
  const line = version.minor !== undefined
    ? `${version.major}.${version.minor}`
    : Object.keys(firsts).filter((key) => key.split('.')[0] === String(version.major)).sort().pop() ?? '';
  const first = firsts[line] ?? firsts[String(version.major)];
  if (first !== undefined) return version.patch === undefined || version.patch >= first;
  const newest = Math.max(...Object.keys(firsts).map((line) => Number(line.split('.')[0])));
  return version.major > newest;
}

/**
 * AJP `secretRequired` (default true) and the loopback default address: Tomcat 9.0.31, 8.5.51
 * and 7.0.100 (changelogs, 2020-02), and every later line (SERVERS.md §4).
 */
export function ajpSecretRequiredExists(version: TomcatVersion): boolean {
  return tomcatHas(version, { '7.0': 100, '8.5': 51, '9.0': 31, '10': 0 }, true);
}

/**
 * `requiredSecret`, the pre-2020 name of `secret`: AbstractAjpProtocol keeps it as a deprecated
 * alias in 9.0 and 10.1 and has none in 11.0. 'depends' when the version is not known.
 */
export function ajpRequiredSecretAliasWorks(version: TomcatVersion): boolean | 'depends' {
  if (version.kind === 'unknown') return 'depends';
  return version.major < 11;
}

/**
 * Protocol classes that exist in some lines only; ProtocolHandler.create loads any other name with
 * Class.forName. The BIO classes are gone after 8.5, the APR/native ones after 10.0 (10.1.x
 * changelog: "Remove the deprecated APR/Native connector"). Checked in the source trees of
 * 7.0.x, 8.5.x, 9.0.x, 10.0.x, 10.1.x and 11.0.x. 'depends' when the version is unknown and the
 * lines cfglint assumes (9.0, 10.1, 11.0) disagree.
 */
const LAST_LINE_WITH_CLASS: Record<string, [number, number]> = {
  'org.apache.coyote.http11.Http11Protocol': [8, 5],
  'org.apache.coyote.ajp.AjpProtocol': [8, 5],
  'org.apache.coyote.http11.Http11AprProtocol': [10, 0],
  'org.apache.coyote.ajp.AjpAprProtocol': [10, 0],
};

export function protocolClassExists(protocolName: string, version: TomcatVersion): boolean | 'depends' {
  const last = LAST_LINE_WITH_CLASS[protocolName];
  if (!last) return true;
  if (version.kind === 'unknown') return last[0] >= 9 ? 'depends' : false;
  // `tomcat:10` runs the newest 10.x line.
  const minor = version.minor ?? Infinity;
  return version.major < last[0] || (version.major === last[0] && minor <= last[1]);
}

/** `<Server portOffset>` exists from 9.0.13 (9.0.x changelog); older lines ignore it. */
export function portOffsetExists(version: TomcatVersion): boolean {
  return tomcatHas(version, { '9.0': 13, '10': 0 }, true);
}

/** `Tomcat 10.1 (tomcat:10.1-jdk17)` or `Tomcat (version not known)`. */
export function describeTomcatVersion(version: TomcatVersion): string {
  if (version.kind === 'unknown') return 'Tomcat (version not known)';
  const number = [version.major, version.minor, version.patch].filter((part) => part !== undefined).join('.');
  return `Tomcat ${number} (${version.text})`;
}
