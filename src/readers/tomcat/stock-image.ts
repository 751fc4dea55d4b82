/**
 * Tomcat run from the official `tomcat` image with the image's own conf/server.xml: a compose
 * service whose image is `tomcat:…` (its `image:`, or the FROM its Dockerfile's stages go back to)
 * and that runs the image's command (`catalina.sh run`, its CMD), writes that command out, or runs
 * a start script of the tree whose only server is that command. The image leaves Tomcat's stock
 * server.xml as it is, so the server has one HTTP/1.1 connector on 8080 with connectionTimeout
 * 20000 and the version's defaults for the rest; those settings come from that stock file, a
 * documented default, not from a file of the tree (docs/servers/tomcat.md#the-official-image).
 *
 * Left alone (no backend): a container that gets a server.xml of the tree (copied or mounted; that
 * file's own reading stands) or may get one the tree does not show (a named volume over conf/, a
 * COPY or RUN that names server.xml, CATALINA_BASE set, a start script that may write it); another
 * command; another image, even one built on Tomcat (bitnami/tomcat, openmrs/openmrs-core: their
 * own server.xml and start-up); a release whose stock server.xml differs (before 9.0.31 an AJP
 * connector on 8009 was live too); a Dockerfile no compose service builds, and Kubernetes containers.
 */
import type { Setting } from '../../source/setting';
import type { ComposeContainer, Launch } from '../launch/launch';
import { knownValue } from '../launch/launch';
import type { ReaderContext } from '../types';
import { stockServerXmlKnown, TomcatVersion } from '../../reference/tomcat/versions';
import { STOCK_CONNECTOR, STOCK_SERVER_XML_REFERENCE } from '../../reference/tomcat/defaults';
import { attachListener, buildConnector } from './connector';
import type { TomcatBackend } from './tomcat-backend';
import { tomcatVersionOfImage } from './version';
import { decodeUtf8 } from '../../source/text';

/** Where the official image keeps Tomcat (its `ENV CATALINA_HOME /usr/local/tomcat`). */
const STOCK_SERVER_XML = '/usr/local/tomcat/conf/server.xml';

/**
 * Text that may put a server.xml of its own in the container, or point Tomcat at another one: the
 * name itself (a COPY, a `sed -i` of it), CATALINA_BASE, a mount or copy onto the conf/ directory or
 * the whole CATALINA_HOME (a named volume is not a tree file, so only its text shows it). Another
 * file of conf/ by its name (`conf/context.xml`) leaves server.xml alone.
 */
const MAY_REPLACE_SERVER_XML = [
  /server\.xml/,
  /CATALINA_BASE/,
  /(\/usr\/local\/tomcat|CATALINA_HOME\}?)(\/conf)?\/?(?=["'\s:\]]|$)/m,
  /^[ \t]*(COPY|ADD)\b.*[\s"']\.?\/?conf\/?["']?[ \t]*\]?[ \t]*$/im,
];

/** A backend for each compose container that runs the official image's stock server.xml. */
export function stockImageBackends(containers: ComposeContainer[], launches: Launch[], serverXmls: string[], context: ReaderContext): TomcatBackend[] {
  const backends: TomcatBackend[] = [];
  for (const container of containers) {
    const image = container.baseImage;
    if (image?.image !== 'tomcat') continue;
    const version: TomcatVersion = tomcatVersionOfImage(image) ?? { kind: 'unknown' };
    if (!stockServerXmlKnown(version)) continue;
    // A command that runs a start script of the tree starts the servers of that script: the only one must be catalina.
    const runners = container.startScripts?.runners ?? [];
    const own = launches.filter(
      (launch) =>
        launch.kind === 'compose' && launch.service === container.service && launch.compose?.project === container.project && !runners.includes(launch),
    );
    if (container.imageCommand ? container.imageCommand.environment.includes('CATALINA_BASE') : own.length !== 1 || !runsCatalina(own[0])) continue;
    if (placesServerXml(container, serverXmls) || [container.file, image.span.file].some((file) => mayReplaceServerXml(file, context, 'build'))) continue;
    // A start script that may write server.xml (`xsltproc --output …/conf/server.xml`, `sed -i`) leaves it unknown.
    if (container.startScripts?.files.some((file) => mayReplaceServerXml(file, context, 'script'))) continue;
    backends.push(stockBackend(container, image.span, version, container.imageCommand ? undefined : own));
  }
  return backends;
}

/** `catalina.sh run`, the image's own CMD written out, with no CATALINA_BASE. */
function runsCatalina(launch: Launch): boolean {
  return launch.program === 'catalina.sh' && launch.argv.length === 2 && knownValue(launch.argv[1]) === 'run' && !launch.env.has('CATALINA_BASE');
}

/** A tree's server.xml placed anywhere in the container, or a placement over the stock one. */
function placesServerXml(container: ComposeContainer, serverXmls: string[]): boolean {
  return container.mounts.some((mount) => {
    const target = mount.target.replace(/(.)\/+$/, '$1');
    if (STOCK_SERVER_XML === target || STOCK_SERVER_XML.startsWith(target === '/' ? '/' : `${target}/`)) return true;
    return serverXmls.some((file) => file === mount.source || file.startsWith(`${mount.source}/`));
  });
}

/** Whether a compose file or Dockerfile (`build`), or a start script of the container, may put another server.xml in place. */
function mayReplaceServerXml(display: string, context: ReaderContext, kind: 'build' | 'script'): boolean {
  const path = context.treeFiles.find((file) => context.displayPath(file) === display);
  if (path === undefined) return true;
  let text: string;
  try {
    text = decodeUtf8(context.fs.read(path));
  } catch {
    return true;
  }
  // Where Tomcat lives or runs from is no placement: `WORKDIR $CATALINA_HOME`, `ENV CATALINA_HOME …`.
  // A script's line may start with `env`, `envsubst`: only its comments are left out.
  const skipped = kind === 'build' ? /^\s*(WORKDIR|ENV|#)/i : /^\s*#/;
  const placing = text
    .split('\n')
    .filter((line) => !skipped.test(line))
    .join('\n');
  return MAY_REPLACE_SERVER_XML.some((pattern) => pattern.test(placing));
}

function stockBackend(
  container: ComposeContainer,
  span: TomcatBackend['listeners'][number]['span'],
  version: TomcatVersion,
  launchedBy: Launch[] | undefined,
): TomcatBackend {
  const backend: TomcatBackend = {
    kind: 'tomcat',
    name: container.service,
    file: span.file,
    listeners: [],
    settings: new Map(),
    connectors: [],
    executors: [],
    version,
    imageContainer: { project: container.project, service: container.service },
    ...(launchedBy ? { launchedBy } : {}),
  };
  const connector = buildConnector({ attributes: new Map(), span, startTag: span, service: 'Catalina', version, executors: [] });
  // The stock file's only `<UpgradeProtocol>` is in the commented-out TLS connector on 8443.
  connector.upgradeProtocols = [];
  const note = `the stock conf/server.xml of ${version.kind === 'known' ? version.text : 'the tomcat image'}`;
  const stock = (name: string, value: number | string, unit: Setting['unit']): Setting => ({
    name,
    value,
    text: String(value),
    unit,
    source: { kind: 'default', reference: STOCK_SERVER_XML_REFERENCE, note },
  });
  connector.settings.set('protocol', stock('protocol', STOCK_CONNECTOR.protocol, 'text'));
  connector.settings.set('port', stock('port', STOCK_CONNECTOR.port, 'count'));
  connector.settings.set('connectionTimeout', stock('connectionTimeout', STOCK_CONNECTOR.connectionTimeout, 'ms'));
  // keepAliveTimeout is not set there: it takes connectionTimeout's value (http.xml).
  connector.settings.set('keepAliveTimeout', stock('keepAliveTimeout', STOCK_CONNECTOR.connectionTimeout, 'ms'));
  backend.connectors.push(connector);
  backend.listeners.push(attachListener(backend, connector, '<Connector>', span));
  return backend;
}
