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
import { ConnectorSettingName } from '../../reference/tomcat/defaults';
import { TomcatVersion } from '../../reference/tomcat/versions';
import type { Setting } from '../../source/setting';
import type { Span } from '../../source/span';
import type { BackendBase, Listener, ListenerProtocol } from '../backend';

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
  /**
   * server.xml: the `className` of each `<UpgradeProtocol>` inside it (Http2Protocol answers
   * `Upgrade: h2c` on a connector without TLS, `getHttpUpgradeName`). Undefined for Spring Boot,
   * whose Java code may add one (a connector customizer) where the tree does not show it.
   */
  upgradeProtocols?: string[];
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
  /**
   * A reactive application (WebFlux, Spring Cloud Gateway) on Reactor Netty: the connector's
   * Tomcat settings do not apply, and its limits are not modelled.
   */
  reactive?: boolean;
}
