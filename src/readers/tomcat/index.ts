/**
 * Tomcat: server.xml connectors with `${name}` substitution from catalina.properties.
 *
 * Each server.xml with at least one `<Connector>` under a `<Service>` is one TomcatBackend, and so
 * is each compose container of the official image that runs its stock server.xml
 * (stock-image.ts). The catalina.properties that applies is the one in the same directory (both live in
 * $CATALINA_BASE/conf), else the only one in the tree. Tomcat loads it into the system
 * properties over any `-D` of the same name (CatalinaProperties.loadProperties), so a name it
 * defines is settled; a name it does not define may still come from a `-D` and is left
 * undetermined, except `${name:-default}`, which takes the default (IntrospectionUtils).
 *
 * Not well-formed XML is an `xml-syntax` finding in Xerces's words (Tomcat then refuses to
 * start: "Unable to load server configuration"); the connectors are still read, as if the
 * error were fixed.
 */
import * as nodePath from 'path';
import type { Setting } from '../../source/setting';
import { TomcatAttribute, TomcatBackend, TomcatConnector, TomcatExecutor, TomcatListener } from './tomcat-backend';
import { portOffsetExists, TomcatVersion } from '../../reference/tomcat/versions';
import type { Span } from '../../source/span';
import type { SourceComment } from '../../source/diagnostic';
import { MAX_EXPANSION_STEPS, MAX_VALUE_LENGTH } from '../expansion-budget';
import type { SourceText } from '../../source/text';
import { emptyOutput, ReaderContext, ReaderOutput } from '../types';
import { guarded } from '../kit/failure';
import { readSource } from '../kit/files';
import { attachListener, buildConnector, parseJavaInt } from './connector';
import { EXECUTOR_DEFAULTS } from '../../reference/tomcat/defaults';
import { parseProperties } from './properties';
import { findTomcatImages, tomcatVersionFor } from './version';
import { decodeAttribute, readXml, XmlAttribute, XmlElement } from './xml';
import { append } from '../../source/append';
import { withPlaceholdersShown } from '../../discovery/template';
import type { ComposeContainer, Launch } from '../launch/launch';
import { stockImageBackends } from './stock-image';

interface PropertyValue {
  value: string;
  span: Span;
}

export type PropertyLookup = (name: string) => PropertyValue | undefined;

export function readTomcat(
  serverXmls: string[],
  catalinaProperties: string[],
  context: ReaderContext,
  containers: ComposeContainer[] = [],
  launches: Launch[] = [],
): ReaderOutput & { backends: TomcatBackend[] } {
  const output = emptyOutput();
  const backends: TomcatBackend[] = [];

  const propertyFiles = new Map<string, { display: string; values: Map<string, PropertyValue> }>();
  for (const path of catalinaProperties) {
    const read = readSource(path, context, output);
    if (!read) continue;
    const parsed = parseProperties(read.text);
    const values = new Map<string, PropertyValue>();
    for (const entry of parsed.entries) values.set(entry.key, { value: entry.value, span: read.span(entry.valueStart, entry.valueEnd) });
    propertyFiles.set(path, { display: read.file, values });
    output.comments.set(
      read.file,
      parsed.comments.map((comment) => ({ span: read.span(comment.start, comment.end), text: comment.text })),
    );
  }

  const images = serverXmls.length > 0 ? findTomcatImages(context) : [];
  for (const path of serverXmls) {
    const source = readSource(path, context, output);
    if (!source) continue;
    const properties = propertiesFor(path, propertyFiles);
    guarded(output.diagnostics, 'Tomcat reader', source.file, () => {
      const backend = readServerXml(source, tomcatVersionFor(path, images), properties?.values, output);
      if (backend) {
        if (properties) backend.catalinaProperties = properties.display;
        backends.push(backend);
      }
    });
  }
  append(backends, stockImageBackends(containers, launches, serverXmls, context));
  return { ...output, backends };
}

function propertiesFor(serverXml: string, files: Map<string, { display: string; values: Map<string, PropertyValue> }>) {
  const sameDir = [...files.keys()].find((path) => nodePath.dirname(path) === nodePath.dirname(serverXml));
  if (sameDir) return files.get(sameDir);
  return files.size === 1 ? [...files.values()][0] : undefined;
}

/** One server.xml → its diagnostics and comments in `output`, and a backend when it has connectors. */
export function readServerXml(
  source: SourceText,
  version: TomcatVersion,
  properties: Map<string, PropertyValue> | undefined,
  output: ReaderOutput,
): TomcatBackend | undefined {
  const document = readXml(source.text);
  for (const problem of document.problems) {
    output.diagnostics.push({
      ruleId: 'xml-syntax',
      message: problem.message,
      primary: source.span(problem.start, problem.end),
      related: problem.related ? [{ span: source.span(problem.related.start, problem.related.end), label: problem.related.label }] : [],
    });
  }
  output.comments.set(
    source.file,
    document.comments.map((comment): SourceComment => ({ span: source.span(comment.start, comment.end), text: suppressionText(comment.text) })),
  );

  const lookup: PropertyLookup = (name) => properties?.get(name);
  const attributesOf = (element: XmlElement) => {
    const map = new Map<string, TomcatAttribute>();
    for (const attribute of element.attributes) map.set(attribute.name, resolveAttribute(source, attribute, lookup));
    return map;
  };

  const backend: TomcatBackend = {
    kind: 'tomcat',
    name: source.file,
    file: source.file,
    listeners: [],
    settings: new Map(),
    connectors: [],
    executors: [],
    version,
  };
  const services = allElements(document.roots).filter((element) => element.name === 'Service');
  for (const service of services) {
    const server = service.parent?.name === 'Server' ? service.parent : undefined;
    const portOffset = server ? readPortOffset(attributesOf(server), version) : undefined;
    if (portOffset) backend.settings.set('portOffset', portOffset);
    const serviceName = attributesOf(service).get('name')?.value;
    const executors = service.children.filter((child) => child.name === 'Executor').map((element) => readExecutor(source, element, attributesOf(element)));
    append(backend.executors, executors);
    for (const element of service.children.filter((child) => child.name === 'Connector')) {
      const attributes = attributesOf(element);
      const connector = buildConnector({
        attributes,
        span: source.span(element.start + 1, element.start + 1 + element.name.length),
        startTag: source.span(element.start, element.startTagEnd),
        service: serviceName,
        version,
        executors,
        portOffset,
      });
      connector.upgradeProtocols = element.children
        .filter((child) => child.name === 'UpgradeProtocol')
        .map((child) => attributesOf(child).get('className')?.value ?? '');
      backend.connectors.push(connector);
      if (!connector.unavailable) backend.listeners.push(listenerFor(backend, connector));
    }
  }
  return backend.connectors.length > 0 ? backend : undefined;
}

function listenerFor(backend: TomcatBackend, connector: TomcatConnector): TomcatListener {
  const port = connector.attributes.get('port');
  return attachListener(backend, connector, '<Connector>', port ? port.valueSpan : connector.span);
}

function allElements(roots: XmlElement[]): XmlElement[] {
  const out: XmlElement[] = [];
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const element = stack.pop()!;
    out.push(element);
    for (let i = element.children.length - 1; i >= 0; i--) stack.push(element.children[i]);
  }
  return out;
}

function readPortOffset(attributes: Map<string, TomcatAttribute>, version: TomcatVersion): Setting<number> | undefined {
  const attribute = attributes.get('portOffset');
  if (!attribute || !portOffsetExists(version)) return undefined;
  const value = attribute.value === undefined ? undefined : parseJavaInt(attribute.value);
  return {
    name: 'portOffset',
    value: attribute.value === undefined ? undefined : (value ?? 0),
    text: withPlaceholdersShown(attribute.raw),
    unit: 'count',
    source:
      value === undefined && attribute.value !== undefined
        ? {
            kind: 'default',
            reference: 'https://tomcat.apache.org/tomcat-10.1-doc/config/server.html (portOffset)',
            note: `"${attribute.value}" is not an integer: Tomcat keeps 0`,
          }
        : { kind: 'file', span: attribute.valueSpan },
  };
}

function readExecutor(source: SourceText, element: XmlElement, attributes: Map<string, TomcatAttribute>): TomcatExecutor {
  const settings: TomcatExecutor['settings'] = new Map();
  for (const name of ['maxThreads', 'minSpareThreads', 'maxQueueSize'] as const) {
    const attribute = attributes.get(name);
    const fallback = EXECUTOR_DEFAULTS[name];
    const number = attribute?.value === undefined ? undefined : parseJavaInt(attribute.value);
    if (attribute && (number !== undefined || attribute.value === undefined)) {
      settings.set(name, {
        name,
        value: number,
        text: withPlaceholdersShown(attribute.raw),
        unit: 'count',
        source: { kind: 'file', span: attribute.valueSpan },
      });
    } else {
      settings.set(name, {
        name,
        value: fallback.value as number,
        text: fallback.text,
        unit: 'count',
        source: {
          kind: 'default',
          reference: fallback.reference,
          note: attribute ? `"${attribute.value}" is not an integer: Tomcat keeps the default` : undefined,
        },
      });
    }
  }
  return { name: attributes.get('name')?.value ?? '', span: source.span(element.start + 1, element.start + 1 + element.name.length), settings };
}

function resolveAttribute(source: SourceText, attribute: XmlAttribute, lookup: PropertyLookup): TomcatAttribute {
  const decoded = decodeAttribute(attribute.raw);
  const substituted = decoded === undefined ? { value: undefined, from: [] } : substituteProperties(decoded, lookup);
  return {
    name: attribute.name,
    nameSpan: source.span(attribute.nameStart, attribute.nameEnd),
    valueSpan: source.span(attribute.valueStart, attribute.valueEnd),
    raw: attribute.raw,
    value: substituted.value,
    substitutedFrom: substituted.from,
  };
}

/**
 * `${name}` as Tomcat's IntrospectionUtils.replaceProperties does it: each `${…}` up to the next
 * `}`; a name not found with `:-` takes the text after it; the result is scanned again (at most
 * 20 rounds). A name the properties do not define (and without a default) makes the value
 * undetermined: it may be a `-D` on a command line the tree does not show. So does a value that
 * grows past the budget (`a=${b}${b}`, `b=${c}${c}`, …: each round doubles it).
 */
export function substituteProperties(value: string, lookup: PropertyLookup): { value: string | undefined; from: Span[] } {
  const from = new Set<Span>();
  const over = () => ({ value: undefined, from: [...from] });
  let steps = 0;
  let current = value;
  for (let round = 0; round < 20 && current.includes('${'); round++) {
    let out = '';
    let position = 0;
    for (let dollar = current.indexOf('$', position); dollar !== -1; dollar = current.indexOf('$', position)) {
      if (out.length > MAX_VALUE_LENGTH) return over();
      out += current.slice(position, dollar);
      if (current[dollar + 1] !== '{') {
        out += '$';
        position = dollar + 1;
        continue;
      }
      const close = current.indexOf('}', dollar);
      if (close === -1) {
        out += current.slice(dollar);
        position = current.length;
        break;
      }
      const name = current.slice(dollar + 2, close);
      if (++steps > MAX_EXPANSION_STEPS) return over();
      let found = lookup(name);
      let replacement: string | undefined = found?.value;
      if (found === undefined) {
        const separator = name.indexOf(':-');
        if (separator === -1) return { value: undefined, from: [...from] };
        found = lookup(name.slice(0, separator));
        replacement = found ? found.value : name.slice(separator + 2);
      }
      if (found) from.add(found.span);
      out += replacement;
      position = close + 1;
    }
    out += current.slice(position);
    if (out.length > MAX_VALUE_LENGTH) return over();
    if (out === current) break;
    current = out;
  }
  return { value: current, from: [...from] };
}

/**
 * XML comments may not contain `--` (Xerces: 'The string "--" is not permitted within
 * comments', and Tomcat does not start), so in server.xml the reason of a cfglint comment
 * follows a single ` - `: `<!-- cfglint-disable-next-line tomcat-ajp-secret - reason -->`.
 * It is handed to the suppression parser as ` -- `.
 */
function suppressionText(text: string): string {
  if (!/^\s*cfglint-/.test(text) || /\s--(\s|$)/.test(text)) return text;
  return text.replace(/\s-\s/, ' -- ');
}
