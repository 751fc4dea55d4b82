/**
 * Spring Boot: embedded Tomcat settings from application.properties / application.yml.
 *
 * Files are grouped into applications by where Spring Boot looks for them (an application is
 * taken for Spring Boot by its build file or its spring.* / server.* keys: Quarkus, Micronaut and
 * Helidon use the same file names): `X/src/main/resources/`
 * and its `config/` (the classpath), `X/` and `X/config/` (the working directory) all configure
 * application X. In a multi-module build (modules.ts) the classpath also holds the files of the
 * modules X depends on, and a module only others depend on is no application of its own (see
 * appsOfBuild, classpathFiles). Within a location YAML comes before properties (.properties wins); later
 * locations win; profile-specific files and documents (`application-prod.yml`,
 * `spring.config.activate.on-profile` or the older `spring.profiles`) win over the base, in the
 * order the profiles are activated (Spring Boot 2.4+ config data). `src/test/resources` only
 * configures tests: read (syntax, suppressions) but no backend. Spring Cloud's bootstrap files
 * (`bootstrap(-profile).*`) are read where the build enables its bootstrap context (bootstrap.ts),
 * below every application file, with the profiles that context runs with.
 *
 * Profiles (the active profile is usually decided at deploy time):
 * - the `default` backend is the base plus the profiles the tree activates
 *   (`spring.profiles.active` / `include` in the base, or SPRING_PROFILES_ACTIVE / a
 *   `--spring.profiles.active` of the process that runs it); when the tree activates none,
 *   Spring's `default` profile (application-default.*) applies, as it does at run time;
 * - when the tree activates no profile, every other profile whose files change a server
 *   setting gets its own backend (`variant: 'profile'`, base + that profile), so a rule
 *   reports each profile where the problem is; when the tree does activate profiles, only those
 *   run and no other backend is made.
 *
 * The process that runs the application may override any property: arguments
 * (`--server.port=9000`), system properties (`-Dserver.port=9000`) and environment variables
 * (`SERVER_PORT`), in that order of precedence over the files. They are taken from the launches
 * (Dockerfile, compose, systemd, scripts) that run `java` (its options read as OpenJDK's launcher
 * does: java-command-line.ts) or `mvn spring-boot:run` / `gradle bootRun` (build-tool-run.ts), or
 * set SERVER_* / SPRING_* variables, and run the application: a compose service the one its build
 * context or mounts hold, a start script's or Procfile's `java -jar <module>/target/x.jar` that
 * module, a build tool's run the project it runs in (appOfBuildToolRun), any other launch one whose
 * file sits in the application's directory or above it (appsLaunchRuns); when two of them
 * disagree on a property its value is undetermined.
 */
import * as nodePath from 'path';
import type { Setting, Unit, ValueSource } from '../../source/setting';
import { knownValue, Launch, LaunchArg, serverName } from '../launch/launch';
import { BuildToolRun, buildToolRunOf } from '../launch/build-tool-run';
import { readJavaCommandLine } from '../launch/java-command-line';
import type { SpringBootBackend, TomcatConnector } from '../tomcat/tomcat-backend';
import type { ConnectorSettingName } from '../../reference/tomcat/defaults';
import type { Span } from '../../source/span';
import type { ReaderDiagnostic } from '../../source/diagnostic';
import { MAX_EXPANSION_STEPS, MAX_VALUE_LENGTH } from '../expansion-budget';
import { decodeUtf8, SourceText } from '../../source/text';
import { emptyOutput, ReaderContext, ReaderOutput } from '../types';
import { guarded } from '../kit/failure';
import { readSource } from '../kit/files';
import { attachListener } from '../tomcat/connector';
import { connectorDefault, HTTP_ADDRESS_REFERENCE, KEEP_ALIVE_TIMEOUT_REFERENCE, REQUEST_HEADER_SIZE_REFERENCE } from '../../reference/tomcat/defaults';
import { readSpringFile, SpringEntry, SpringFileContent } from './documents';
import { parseSpringDataSize, parseSpringDuration, parseSpringInt, relaxedKey, relaxedKeyOfEnvironment } from './values';
import { append } from '../../source/append';
import { gradleWithoutComments, ModuleGraph, readModuleGraph } from './modules';
import { mavenFilteredFiles, maskMavenPlaceholders } from './maven-filtering';
import { cachedBuildFileReader, isWithin, xmlWithoutComments } from './build-files';
import { isUnknownValue } from '../../discovery/template';
import { bootstrapEvidence, bootstrapReading } from './bootstrap';
import { closestByTail, pathComponents, sharedTailLength } from '../../source/path-tails';

const SERVER_PROPERTIES = 'Spring Boot ServerProperties (spring-boot-web-server ServerProperties.java)';
const TOMCAT_PROPERTIES = 'Spring Boot ServerProperties.Tomcat (TomcatServerProperties.java)';
const MULTIPART_PROPERTIES = 'Spring Boot MultipartProperties.java';

type ValueKind = 'int' | 'duration' | 'data-size' | 'text' | 'flag';

interface SpringSettingSpec {
  /** Canonical Spring name (kebab-case), first; older names after it, lower precedence. */
  keys: string[];
  kind: ValueKind;
  unit: Unit;
  /** Tomcat attribute names it sets on the connector. */
  connector: ConnectorSettingName[];
  /** Spring's default, when Spring has its own (otherwise Tomcat's applies). */
  springDefault?: { value: number; text: string; reference: string };
  /** Spring applies the value only when > 0 (TomcatWebServerFactoryCustomizer `isPositive`). */
  onlyPositive?: boolean;
}

const SETTINGS: SpringSettingSpec[] = [
  { keys: ['server.tomcat.connection-timeout', 'server.connection-timeout'], kind: 'duration', unit: 'ms', connector: ['connectionTimeout'] },
  { keys: ['server.tomcat.keep-alive-timeout'], kind: 'duration', unit: 'ms', connector: ['keepAliveTimeout'] },
  {
    keys: ['server.tomcat.max-keep-alive-requests'],
    kind: 'int',
    unit: 'count',
    connector: ['maxKeepAliveRequests'],
    springDefault: { value: 100, text: '100', reference: TOMCAT_PROPERTIES },
  },
  {
    keys: ['server.tomcat.accept-count'],
    kind: 'int',
    unit: 'count',
    connector: ['acceptCount'],
    springDefault: { value: 100, text: '100', reference: TOMCAT_PROPERTIES },
    onlyPositive: true,
  },
  {
    keys: ['server.tomcat.max-connections'],
    kind: 'int',
    unit: 'count',
    connector: ['maxConnections'],
    springDefault: { value: 8192, text: '8192', reference: TOMCAT_PROPERTIES },
    onlyPositive: true,
  },
  {
    keys: ['server.tomcat.threads.max', 'server.tomcat.max-threads'],
    kind: 'int',
    unit: 'count',
    connector: ['maxThreads'],
    springDefault: { value: 200, text: '200', reference: TOMCAT_PROPERTIES },
    onlyPositive: true,
  },
  {
    keys: ['server.max-http-request-header-size', 'server.max-http-header-size'],
    kind: 'data-size',
    unit: 'bytes',
    connector: ['maxHttpHeaderSize', 'maxHttpRequestHeaderSize'],
    springDefault: { value: 8192, text: '8KB', reference: SERVER_PROPERTIES },
    onlyPositive: true,
  },
  {
    keys: ['server.tomcat.max-swallow-size'],
    kind: 'data-size',
    unit: 'bytes',
    connector: ['maxSwallowSize'],
    springDefault: { value: 2097152, text: '2MB', reference: TOMCAT_PROPERTIES },
  },
  {
    keys: ['server.tomcat.max-http-form-post-size', 'server.tomcat.max-http-post-size'],
    kind: 'data-size',
    unit: 'bytes',
    connector: ['maxPostSize'],
    springDefault: { value: 2097152, text: '2MB', reference: TOMCAT_PROPERTIES },
  },
  {
    keys: ['spring.servlet.multipart.max-file-size'],
    kind: 'data-size',
    unit: 'bytes',
    connector: [],
    springDefault: { value: 1048576, text: '1MB', reference: MULTIPART_PROPERTIES },
  },
  {
    keys: ['spring.servlet.multipart.max-request-size'],
    kind: 'data-size',
    unit: 'bytes',
    connector: [],
    springDefault: { value: 10485760, text: '10MB', reference: MULTIPART_PROPERTIES },
  },
];

/** Keys whose change makes a profile worth its own backend. */
const SERVER_KEYS = new Set(
  [
    'server.port',
    'server.address',
    'server.ssl.enabled',
    'server.ssl.key-store',
    'server.ssl.bundle',
    'server.ssl.certificate',
    ...SETTINGS.flatMap((spec) => spec.keys),
  ].map(relaxedKey),
);

type Location = 'classpath' | 'classpath-config' | 'file' | 'file-config';
const LOCATION_ORDER: Location[] = ['classpath', 'classpath-config', 'file', 'file-config'];

interface SpringFile {
  path: string;
  source: SourceText;
  format: 'properties' | 'yaml';
  location: Location;
  /** From the name: application-<profile>.yml, bootstrap-<profile>.yml. */
  profile?: string;
  /** Spring Cloud's bootstrap.* (bootstrap.ts): read by the bootstrap context, below every application file. */
  bootstrap: boolean;
  content: SpringFileContent;
  /** A library's file that others on the classpath share the name of: which one Spring reads is the classpath's order. */
  orderUnknown?: boolean;
}

interface Layer {
  file: SpringFile;
  /** undefined: the base; otherwise the profile (or the on-profile expression) it belongs to. */
  profile?: string;
  entries: SpringEntry[];
  /** A bootstrap file the tree does not say is read: what it sets is undetermined. */
  undetermined?: boolean;
}

/** A property's value with where it came from. */
interface Found {
  value: string | undefined;
  text: string;
  span: Span;
  via?: Span[];
}

export function readSpringBoot(files: string[], launches: Launch[], context: ReaderContext): ReaderOutput & { backends: SpringBootBackend[] } {
  const output = emptyOutput();
  const filesByRoot = new Map<string, SpringFile[]>();
  const readBuildFile = cachedBuildFileReader(context);
  const mavenFiltered = mavenFilteredFiles(context, readBuildFile);
  for (const path of files) {
    const file = readFile(path, context, output, mavenFiltered(path));
    if (!file) continue;
    const app = appOf(path);
    if (!app) continue;
    file.location = app.location;
    const list = filesByRoot.get(app.root) ?? [];
    list.push(file);
    filesByRoot.set(app.root, list);
  }
  const graph = readModuleGraph([...filesByRoot.keys()], context, readBuildFile);
  dropUnreadBootstrapOnly(filesByRoot, graph, context, readBuildFile);
  const projects = buildToolProjects([...filesByRoot.keys(), ...graph.modules().map((module) => module.root)], context, readBuildFile);
  const apps = appsOfBuild(filesByRoot, graph, launches, context, projects);
  const backends: SpringBootBackend[] = [];
  const used = new Set<Launch>();
  const appFilesByRoot = displayedFiles(apps, context);
  const runs = new Map(launches.map((launch) => [launch, appsLaunchRuns(launch, appFilesByRoot, projects)]));
  for (const [root, appFiles] of [...apps.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const classpath = classpathFiles(root, appFiles, graph, filesByRoot);
    guarded(output.diagnostics, 'Spring Boot reader', (appFiles[0] ?? classpath[0]).source.file, () => {
      const runner = launchesFor(context.displayPath(root), launches, runs);
      const built = buildApp(root, appFiles, classpath, graph, runner.overrides, context, readBuildFile);
      for (const backend of built) if (runner.launches.length > 0) backend.launchedBy = runner.launches;
      if (built.length > 0) for (const launch of runner.launches) used.add(launch);
      append(backends, built);
    });
  }
  // `java -jar` of a jar no application of the tree is (a container configured by env, a deploy
  // script that runs an uploaded jar): Spring Boot reads the jar's own application.* and ./config/,
  // which the tree does not hold, so only what the launch sets is known. Where it sets the port, a
  // backend links there with every other setting unknown; otherwise it stays an unmodelled JVM
  // server, which listens where the tree cannot say (model/unmodelled-servers.ts).
  // An image built from a context that holds applications of the tree packages one of them,
  // files and all, even where the tree does not say which: Spring's defaults would misjudge it.
  for (const launch of launches) {
    if (used.has(launch) || !runsJar(launch)) continue;
    if (launch.build && [...appFilesByRoot.keys()].some((root) => isWithin(root, launch.build!.context))) continue;
    const { overrides } = launchesFor(nodePath.dirname(launch.file), [launch], new Map());
    if (!overrides.has(relaxedKey('server.port'))) continue;
    const merged = merge([], [], overrides);
    const backend = makeBackend(serverName(launch), [], [], 'default', merged, [], overrides, { file: launch.file, span: launch.span });
    backend.launchedBy = [launch];
    backends.push(backend);
  }
  return { ...output, backends };
}

function runsJar(launch: Launch): boolean {
  return launch.program === 'java' && readJavaCommandLine(launch.argv).jar;
}

/**
 * A directory whose only files are bootstrap files is an application only where its build says
 * they are read (or it is a library, whose consumers decide): otherwise it stays what it was
 * before bootstrap files were read, nothing, so it takes no launch from another application.
 */
function dropUnreadBootstrapOnly(
  filesByRoot: Map<string, SpringFile[]>,
  graph: ModuleGraph,
  context: ReaderContext,
  readBuildFile: (path: string) => string | undefined,
): void {
  for (const [root, files] of filesByRoot) {
    if (files.some((file) => !file.bootstrap) || graph.consumed(root)) continue;
    if (bootstrapReading(bootstrapEvidence(root, graph, context.lintRoots, readBuildFile), () => undefined) !== 'read') filesByRoot.delete(root);
  }
}

/** `mavenFiltered`: the build writes `@name@` placeholders in the file (maven-filtering.ts), so they are values unknown here. */
function readFile(path: string, context: ReaderContext, output: ReaderOutput, mavenFiltered: boolean): SpringFile | undefined {
  const source = readSource(path, context, output);
  if (!source) return undefined;
  const base = nodePath.basename(path);
  const format = /\.properties$/i.test(base) ? 'properties' : 'yaml';
  const name = /^(application|bootstrap)(?:-(.+))?\.(properties|ya?ml)$/i.exec(base);
  const profile = name?.[2];
  const content = readSpringFile(mavenFiltered ? maskMavenPlaceholders(source.text) : source.text, format);
  output.comments.set(
    source.file,
    content.comments.map((comment) => ({ span: source.span(comment.start, comment.end), text: comment.text })),
  );
  // A properties file has no syntax error Spring stops at except a bad \uXXXX, which is left to the value it spoils.
  if (format === 'yaml') {
    for (const problem of content.problems) {
      output.diagnostics.push({
        ruleId: 'yaml-syntax',
        message: problem.message,
        primary: source.span(problem.start, problem.end),
        related: [],
      } satisfies ReaderDiagnostic);
    }
  }
  return { path, source, format, location: 'file', profile, bootstrap: name?.[1].toLowerCase() === 'bootstrap', content };
}

function displayedFiles(apps: Map<string, SpringFile[]>, context: ReaderContext): Map<string, string[]> {
  return new Map([...apps].map(([root, appFiles]) => [context.displayPath(root), appFiles.map((file) => file.source.file)]));
}

/**
 * The applications that run, each with its own files. Outside a module graph each directory of
 * files is one (as ever). In one, a module that other modules of the build have on their runtime
 * classpath is a library, and its files configure its consumers (see classpathFiles), unless it
 * shows it runs on its own: the Spring Boot plugin in its own build, a main class
 * (`@SpringBootApplication`, `SpringApplication.run`), or a launch that runs it. A module with the
 * plugin and no files of its own runs with its libraries' files.
 */
function appsOfBuild(
  filesByRoot: Map<string, SpringFile[]>,
  graph: ModuleGraph,
  launches: Launch[],
  context: ReaderContext,
  projects: BuildToolProjects,
): Map<string, SpringFile[]> {
  const candidates = new Map(filesByRoot);
  for (const module of graph.modules()) {
    if (module.bootPlugin && !candidates.has(module.root) && classpathFiles(module.root, [], graph, filesByRoot).length > 0) candidates.set(module.root, []);
  }
  const displayed = displayedFiles(candidates, context);
  const launched = new Set(launches.flatMap((launch) => appsLaunchRuns(launch, displayed, projects) ?? []));
  const apps = new Map<string, SpringFile[]>();
  for (const [root, appFiles] of candidates) {
    const library = graph.consumed(root) && !graph.module(root)!.bootPlugin && !launched.has(context.displayPath(root)) && !holdsMainClass(root, context);
    if (!library) apps.set(root, appFiles);
  }
  return apps;
}

/** Whether the module's main sources start a Spring application. */
function holdsMainClass(root: string, context: ReaderContext): boolean {
  const sources = nodePath.join(root, 'src', 'main') + nodePath.sep;
  return context.treeFiles
    .filter((file) => file.startsWith(sources) && /\.(java|kt|groovy)$/.test(file))
    .some((file) => {
      const head = context.fs.readHead(file, 256 * 1024);
      return head !== undefined && /@SpringBootApplication\b|\bSpringApplication\.run\b|\brunApplication\s*</.test(decodeUtf8(head));
    });
}

/**
 * The files of the modules on the application's runtime classpath (transitively) that Spring
 * Boot reads from `classpath:/` and `classpath:/config/`. It asks the class loader for one
 * resource per name (StandardConfigDataLocationResolver.resolveNonPattern, ClassPathResource), so
 * of several `application.yml` on the classpath only the first is read: the application's own
 * classes come first (a fat jar's BOOT-INF/classes, Gradle's and Maven's run classpaths), so a
 * name the application has shadows the libraries' file of that name. A name only libraries have
 * is read from the first library on the classpath; where several have it, which is first is the
 * build's dependency order, so every key those files set is left undetermined.
 */
function classpathFiles(root: string, own: SpringFile[], graph: ModuleGraph, filesByRoot: Map<string, SpringFile[]>): SpringFile[] {
  const nameOf = (file: SpringFile) => `${file.location}/${nodePath.basename(file.path)}`;
  const shadowed = new Set(own.map(nameOf));
  const byName = new Map<string, SpringFile[]>();
  for (const dependency of graph.runtimeDependencies(root)) {
    for (const file of filesByRoot.get(dependency.root) ?? []) {
      if (file.location !== 'classpath' && file.location !== 'classpath-config') continue;
      if (shadowed.has(nameOf(file))) continue;
      byName.set(nameOf(file), [...(byName.get(nameOf(file)) ?? []), file]);
    }
  }
  return [...byName.values()].flatMap((candidates) => (candidates.length === 1 ? candidates : candidates.map((file) => ({ ...file, orderUnknown: true }))));
}

/** The application a file configures and the location it is in; undefined for test resources. */
function appOf(path: string): { root: string; location: Location } | undefined {
  const dir = nodePath.dirname(path);
  const parts = dir.split(nodePath.sep);
  const resources = findSequence(parts, ['src', 'main', 'resources']);
  if (findSequence(parts, ['src', 'test', 'resources']) !== -1) return undefined;
  if (resources !== -1) {
    const root = parts.slice(0, resources).join(nodePath.sep) || nodePath.sep;
    const rest = parts.slice(resources + 3);
    return { root, location: rest.length > 0 && rest[0] === 'config' ? 'classpath-config' : 'classpath' };
  }
  if (nodePath.basename(dir) === 'config') return { root: nodePath.dirname(dir), location: 'file-config' };
  return { root: dir, location: 'file' };
}

function findSequence(parts: string[], sequence: string[]): number {
  for (let i = parts.length - sequence.length; i >= 0; i--) {
    if (sequence.every((part, j) => parts[i + j] === part)) return i;
  }
  return -1;
}

function buildApp(
  root: string,
  ownFiles: SpringFile[],
  classpath: SpringFile[],
  graph: ModuleGraph,
  overrides: Map<string, Found>,
  context: ReaderContext,
  readBuildFile: (path: string) => string | undefined,
): SpringBootBackend[] {
  // Spring Cloud's bootstrap files: read, ignored, or left open by the build (bootstrap.ts).
  const reading = [...ownFiles, ...classpath].some((file) => file.bootstrap)
    ? bootstrapReading(bootstrapEvidence(root, graph, context.lintRoots, readBuildFile), (key) => overrides.get(relaxedKey(key)))
    : 'ignored';
  const files = [...ownFiles, ...classpath].filter((file) => !file.bootstrap || reading !== 'ignored');
  if (files.every((file) => file.bootstrap) && reading !== 'read') return [];
  // A library's application.yaml and the application's application.yml share a location: by name
  // within it (.yaml before .yml), whichever module holds them. Bootstrap files after them all
  // (merge applies them first, below every application file).
  const ordered = [...files].sort(
    (a, b) =>
      Number(a.bootstrap) - Number(b.bootstrap) ||
      LOCATION_ORDER.indexOf(a.location) - LOCATION_ORDER.indexOf(b.location) ||
      (a.format === b.format ? 0 : a.format === 'yaml' ? -1 : 1) ||
      compareText(nodePath.basename(a.path), nodePath.basename(b.path)) ||
      compareText(a.path, b.path),
  );
  const layers: Layer[] = [];
  for (const file of ordered) {
    for (const document of file.content.documents) {
      const entries = joinLists(document.entries);
      const activation = entries.find((entry) => ['spring.config.activate.onprofile', 'spring.profiles'].includes(relaxedKey(entry.key)))?.value.trim();
      layers.push({ file, profile: activation || file.profile, entries, undetermined: file.bootstrap && reading === 'unknown' });
    }
  }
  // What the libraries on the runtime classpath bring decides the web stack too.
  const build = [readBuildFiles(root, readBuildFile), ...graph.runtimeDependencies(root).map((module) => module.runtimeBuild)].join('\n');
  if (!looksLikeSpringBoot(build, layers)) return [];

  const baseLayers = layers.filter((layer) => layer.profile === undefined);
  const base = merge(baseLayers, []);
  // `@spring.profiles.active@` is Maven's resource filtering, filled in at build time (JHipster):
  // which profile runs is not in the tree, so it counts as none, and each profile is an alternative.
  const activeFromTree = [
    ...listOf(overrides.get('spring.profiles.active') ?? base.get('spring.profiles.active')),
    ...listOf(overrides.get('spring.profiles.include') ?? base.get('spring.profiles.include')),
  ].filter((profile) => !/^@[^@]+@$/.test(profile));
  const defaultProfiles = listOf(base.get('spring.profiles.default'));
  const active = activeFromTree.length > 0 ? activeFromTree : defaultProfiles.length > 0 ? defaultProfiles : ['default'];
  // The bootstrap context runs with the process's profiles or those its own files activate
  // (SpringApplicationBuilder.profiles(environment.getActiveProfiles())), never the application files'.
  const bootstrapBase = merge(
    baseLayers.filter((layer) => layer.file.bootstrap),
    [],
  );
  const bootstrapFromTree = [
    ...listOf(overrides.get('spring.profiles.active') ?? bootstrapBase.get('spring.profiles.active')),
    ...listOf(overrides.get('spring.profiles.include') ?? bootstrapBase.get('spring.profiles.include')),
  ].filter((profile) => !/^@[^@]+@$/.test(profile));
  const bootstrapDefaults = listOf(bootstrapBase.get('spring.profiles.default'));
  const bootstrapProfiles =
    bootstrapFromTree.length > 0 ? bootstrapFromTree : activeFromTree.length === 0 ? active : bootstrapDefaults.length > 0 ? bootstrapDefaults : ['default'];
  const appName = context.displayPath(root) || '.';
  const backends: SpringBootBackend[] = [];
  const usedProfiles = active.filter((profile) => layers.some((layer) => layer.profile === profile));
  const usedBootstrapProfiles = bootstrapProfiles.filter((profile) => layers.some((layer) => layer.profile === profile && layer.file.bootstrap));
  const defaultMerged = merge(layers, usedProfiles, overrides, usedBootstrapProfiles);
  const reactive = (merged: Map<string, Found>) => isReactive(build, merged);
  const shown = ownFiles.length > 0 ? ownFiles : files;
  backends.push(
    makeBackend(appName, shown, usedProfiles, 'default', defaultMerged, layers, overrides, undefined, reactive(defaultMerged), usedBootstrapProfiles),
  );

  if (activeFromTree.length === 0) {
    const others = [
      ...new Set(layers.map((layer) => layer.profile).filter((profile): profile is string => profile !== undefined && !active.includes(profile))),
    ];
    for (const profile of others.sort()) {
      const merged = merge(layers, [profile], overrides);
      const baseOnly = merge(layers, [], overrides);
      const changes = [...SERVER_KEYS].some((key) => spanKey(merged.get(key)) !== spanKey(baseOnly.get(key)));
      if (changes) backends.push(makeBackend(appName, shown, [profile], 'profile', merged, layers, overrides, undefined, reactive(merged)));
    }
  }
  return backends;
}

/**
 * Quarkus, Micronaut and Helidon also read application.properties / application.yml. The
 * application is taken for Spring Boot when its build file says so, or, without a build file
 * that names another framework, when its files set spring.* or server.* properties.
 */
function looksLikeSpringBoot(build: string, layers: Layer[]): boolean {
  if (/spring-boot/.test(build)) return true;
  if (/quarkus|micronaut|helidon/i.test(build)) return false;
  const keys = layers.flatMap((layer) => layer.entries.map((entry) => relaxedKey(entry.key)));
  if (keys.some((key) => /^(quarkus|micronaut)\./.test(key)) && !keys.some((key) => key.startsWith('spring.'))) return false;
  return keys.some((key) => key.startsWith('spring.') || key.startsWith('server.'));
}

/** The application's build files (pom.xml, build.gradle, build.gradle.kts), joined; '' without one. */
function readBuildFiles(root: string, readBuildFile: (path: string) => string | undefined): string {
  return ['pom.xml', 'build.gradle', 'build.gradle.kts'].map((name) => readBuildFile(nodePath.join(root, name)) ?? '').join('');
}

/**
 * Whether the application is a reactive one on Reactor Netty, not a servlet one on embedded
 * Tomcat: `spring.main.web-application-type=reactive`, or, unset, WebFlux or Spring Cloud
 * Gateway on the runtime classpath (the application's build and its modules') without a servlet
 * starter (with both, Spring Boot starts the servlet stack). A dependency excluded
 * (`<exclusions>`, Gradle's `exclude`) does not count.
 */
function isReactive(build: string, merged: Map<string, Found>): boolean {
  const type = merged.get(relaxedKey('spring.main.web-application-type'))?.value?.trim().toLowerCase();
  if (type === 'reactive') return true;
  if (type !== undefined) return false;
  const used = build.replace(/<exclusions>[\s\S]*?<\/exclusions>/g, '').replace(/^.*\bexclude\b.*$/gm, '');
  const reactiveStarter = /spring-boot-starter-webflux|spring-cloud-starter-gateway(?![\w-]*mvc)/.test(used);
  // Jersey's servlet container, like Spring MVC's DispatcherServlet, keeps the servlet stack (WebApplicationType.deduceFromClasspath).
  return reactiveStarter && !/spring-boot-starter-(web|jersey)(?![\w-])/.test(used);
}

/** `a[0]`, `a[1]` (a YAML list or indexed properties) → one comma-separated `a`. */
function joinLists(entries: SpringEntry[]): SpringEntry[] {
  const out: SpringEntry[] = [];
  const lists = new Map<string, SpringEntry>();
  for (const entry of entries) {
    const match = /^(.*)\[\d+\]$/.exec(entry.key);
    if (!match) {
      out.push(entry);
      continue;
    }
    const existing = lists.get(match[1]);
    if (existing) {
      existing.value += `,${entry.value}`;
      existing.valueEnd = entry.valueEnd;
    } else {
      const joined = { ...entry, key: match[1] };
      lists.set(match[1], joined);
      out.push(joined);
    }
  }
  return out;
}

/**
 * Relaxed key → value: base layers, then each profile's layers in activation order, then the
 * process's overrides. Bootstrap files (with the bootstrap context's profiles) come first:
 * Spring Cloud adds what they set as default properties, below every application file
 * (BootstrapApplicationListener.mergeDefaultProperties).
 */
function merge(layers: Layer[], profiles: string[], overrides?: Map<string, Found>, bootstrapProfiles = profiles): Map<string, Found> {
  const merged = new Map<string, Found>();
  const apply = (layer: Layer) => {
    for (const entry of layer.entries) {
      // A value with a build-time placeholder is unknown; its text is shown as written.
      const placeholder = isUnknownValue(entry.value);
      const value = layer.file.orderUnknown || layer.undetermined || placeholder ? undefined : entry.value;
      const text = placeholder ? layer.file.source.text.slice(entry.valueStart, entry.valueEnd) : entry.value;
      merged.set(relaxedKey(entry.key), { value, text, span: layer.file.source.span(entry.valueStart, entry.valueEnd) });
    }
  };
  for (const bootstrap of [true, false]) {
    const group = layers.filter((layer) => layer.file.bootstrap === bootstrap);
    for (const layer of group) if (layer.profile === undefined) apply(layer);
    for (const profile of bootstrap ? bootstrapProfiles : profiles) for (const layer of group) if (layer.profile === profile) apply(layer);
  }
  if (overrides) for (const [key, found] of overrides) merged.set(key, found);
  return merged;
}

function listOf(found: Found | undefined): string[] {
  if (!found || found.value === undefined) return [];
  return found.value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function makeBackend(
  appName: string,
  files: SpringFile[],
  profiles: string[],
  variant: 'default' | 'profile',
  merged: Map<string, Found>,
  layers: Layer[],
  overrides: Map<string, Found>,
  launchOnly?: { file: string; span: Span },
  reactive = false,
  bootstrapProfiles = profiles,
): SpringBootBackend {
  const applies = (layer: Layer) => layer.profile === undefined || (layer.file.bootstrap ? bootstrapProfiles : profiles).includes(layer.profile);
  const contributing = launchOnly ? [launchOnly.file] : [...new Set(layers.filter(applies).map((layer) => layer.file.source.file))];
  const firstFile = layers.find((layer) => layer.profile === undefined && files.includes(layer.file))?.file ?? files[0];
  const resolve = (key: string): Found | undefined => resolvePlaceholders(merged.get(relaxedKey(key)), merged, overrides);
  const settings = new Map<string, Setting>();
  const connectorSettings = new Map<ConnectorSettingName, Setting>();
  const fileStart = launchOnly ? launchOnly.span : firstFile.source.span(0, 0);
  // Launched alone, the jar's own application.* and ./config/ decide what the launch leaves unset.
  const unset = (setting: Setting): Setting => (launchOnly && setting.source.kind === 'default' ? decidedByJar(setting) : setting);

  // Port and address.
  const port = resolve('server.port');
  const portValue = port?.value === undefined ? undefined : parseSpringInt(port.value);
  const portSetting: Setting = port
    ? { name: 'server.port', value: portValue, text: port.text, unit: 'count', source: sourceOf(port) }
    : unset({
        name: 'server.port',
        value: 8080,
        text: '8080',
        unit: 'count',
        source: { kind: 'default', reference: `${SERVER_PROPERTIES}: embedded servers listen on 8080 when server.port is not set` },
      });
  settings.set('server.port', portSetting);
  connectorSettings.set('port', { ...portSetting, name: 'port' });
  const address = resolve('server.address');
  const addressSetting: Setting = address
    ? { name: 'server.address', value: address.value?.trim(), text: address.text, unit: 'text', source: sourceOf(address) }
    : {
        name: 'server.address',
        value: '0.0.0.0',
        text: 'all local addresses',
        unit: 'text',
        source: {
          kind: 'default',
          reference: `${SERVER_PROPERTIES} (address unset); ${HTTP_ADDRESS_REFERENCE}`,
          // The one setting a jar launched alone takes as Spring's default: a port set on its command line is set to be reached.
          ...(launchOnly ? { note: "taken as Spring's default: the jar's own config may set it" } : {}),
        },
      };
  settings.set('server.address', addressSetting);
  connectorSettings.set('address', { ...addressSetting, name: 'address' });

  for (const spec of SETTINGS) {
    const setting = springSetting(spec, resolve, unset);
    if (setting) settings.set(spec.keys[0], setting);
    for (const name of spec.connector) {
      if (setting) connectorSettings.set(name, { ...setting, name });
      else if (connectorDefault(name, 'http')) connectorSettings.set(name, unset(tomcatDefault(name)));
    }
  }
  connectorSettings.set('protocol', {
    name: 'protocol',
    value: 'HTTP/1.1',
    text: 'HTTP/1.1',
    unit: 'text',
    source: { kind: 'default', reference: 'Spring Boot TomcatServletWebServerFactory: Http11NioProtocol' },
  });

  // connectionTimeout: Spring has no default of its own; Tomcat's 60000 applies. keepAliveTimeout follows it.
  if (!settings.has('server.tomcat.connection-timeout')) connectorSettings.set('connectionTimeout', unset(tomcatDefault('connectionTimeout')));
  if (!settings.has('server.tomcat.keep-alive-timeout')) {
    const timeout = connectorSettings.get('connectionTimeout')!;
    connectorSettings.set(
      'keepAliveTimeout',
      unset({
        ...timeout,
        name: 'keepAliveTimeout',
        source:
          timeout.source.kind === 'file'
            ? timeout.source
            : {
                kind: 'default',
                reference: `${TOMCAT_PROPERTIES}: "When not set the connectionTimeout is used"; ${KEEP_ALIVE_TIMEOUT_REFERENCE('http')}`,
                note: `= connectionTimeout ${timeout.text}`,
              },
      }),
    );
  }
  if (!settings.has('server.max-http-request-header-size')) {
    const header = connectorSettings.get('maxHttpHeaderSize')!;
    connectorSettings.set(
      'maxHttpRequestHeaderSize',
      unset({
        ...header,
        name: 'maxHttpRequestHeaderSize',
        source: header.source.kind === 'file' ? header.source : { kind: 'default', reference: REQUEST_HEADER_SIZE_REFERENCE },
      }),
    );
  }

  // TLS: a keystore, bundle or certificate under server.ssl, unless server.ssl.enabled=false.
  const sslEnabled = resolve('server.ssl.enabled');
  const sslMaterial = ['server.ssl.key-store', 'server.ssl.bundle', 'server.ssl.certificate'].map(resolve).find((found) => found !== undefined);
  const sslDisabled = sslEnabled?.value?.trim().toLowerCase() === 'false';
  const tls = sslMaterial !== undefined && !sslDisabled;
  connectorSettings.set(
    'SSLEnabled',
    tls
      ? { name: 'SSLEnabled', value: true, text: sslMaterial!.text, unit: 'flag', source: sourceOf(sslMaterial!) }
      : sslDisabled
        ? { name: 'SSLEnabled', value: false, text: sslEnabled!.text, unit: 'flag', source: sourceOf(sslEnabled!) }
        : unset({
            name: 'SSLEnabled',
            value: false,
            text: 'false',
            unit: 'flag',
            source: { kind: 'default', reference: `${SERVER_PROPERTIES} (server.ssl not configured)` },
          }),
  );

  const connector: TomcatConnector = {
    origin: 'spring-boot',
    span: port ? port.span : fileStart,
    protocol: tls ? 'https' : 'http',
    protocolName: 'HTTP/1.1',
    attributes: new Map(),
    settings: connectorSettings,
  };
  const name =
    variant === 'profile' ? `${appName} [profile ${profiles.join(',')}]` : profiles.length > 0 ? `${appName} [profiles ${profiles.join(',')}]` : appName;
  const backend: SpringBootBackend = {
    kind: 'spring-boot',
    name,
    file: launchOnly ? launchOnly.file : firstFile.source.file,
    listeners: [],
    settings,
    connector,
    profiles,
    variant,
    files: contributing,
  };
  const listener = attachListener(backend, connector, 'server.port', port ? port.span : fileStart);
  if (typeof portValue === 'number' && portValue < 0) listener.address = { kind: 'other', text: `server.port ${portValue}: no HTTP listener` };
  if (connectorSettings.get('SSLEnabled')!.value === undefined) listener.tlsUnknown = true;
  if (reactive) {
    // Reactor Netty, not Tomcat: idle connections are kept until server.netty.idle-timeout (none
    // by default), and a connection serves any number of requests (NettyServerProperties).
    backend.reactive = true;
    const idle = springSetting({ keys: ['server.netty.idle-timeout'], kind: 'duration', unit: 'ms', connector: [] }, resolve);
    listener.keepAlive = {
      kind: 'idleTimeout',
      timeout: (idle ?? {
        name: 'server.netty.idle-timeout',
        value: undefined,
        text: 'none',
        unit: 'ms',
        source: { kind: 'default', reference: NETTY_REFERENCE },
      }) as Setting<number>,
    };
  }
  backend.listeners.push(listener);
  return backend;
}

const NETTY_REFERENCE =
  'Spring Boot NettyServerProperties: idleTimeout "When not specified, an infinite timeout is used"; maxKeepAliveRequests "By default, a connection serves unlimited number of requests"';

function tomcatDefault(name: ConnectorSettingName): Setting {
  const fallback = connectorDefault(name, 'http')!;
  return {
    name,
    value: fallback.value,
    text: fallback.text,
    unit: unitOf(name),
    source: { kind: 'default', reference: fallback.reference, note: fallback.note },
  };
}

/**
 * A setting a jar launched alone leaves to its packaged application.* or its working directory's
 * ./config/ (ConfigDataEnvironment.DEFAULT_SEARCH_LOCATIONS), neither of which the tree holds:
 * unknown, with Spring's default named only as the reference.
 */
function decidedByJar(setting: Setting): Setting {
  const reference = setting.source.kind === 'default' ? setting.source.reference : SERVER_PROPERTIES;
  return {
    ...setting,
    value: undefined,
    text: '',
    source: { kind: 'default', reference, note: "unknown: the jar's own application.* or ./config/ decides it" },
  };
}

function unitOf(name: ConnectorSettingName): Unit {
  return /Timeout$/.test(name) ? 'ms' : /Size$/.test(name) ? 'bytes' : name === 'SSLEnabled' || name === 'secure' ? 'flag' : 'count';
}

/**
 * One Spring setting in canonical units, or undefined when no file or process sets it and Spring
 * has no default. `unset` turns Spring's default into what stands for a value nothing sets.
 */
function springSetting(spec: SpringSettingSpec, resolve: (key: string) => Found | undefined, unset = (setting: Setting) => setting): Setting | undefined {
  const key = spec.keys.find((candidate) => resolve(candidate) !== undefined);
  const found = key ? resolve(key) : undefined;
  const name = spec.keys[0];
  if (!found) {
    return spec.springDefault
      ? unset({
          name,
          value: spec.springDefault.value,
          text: spec.springDefault.text,
          unit: spec.unit,
          source: { kind: 'default', reference: spec.springDefault.reference },
        })
      : undefined;
  }
  if (found.value === undefined) return { name, value: undefined, text: found.text, unit: spec.unit, source: sourceOf(found) };
  let value: number | undefined;
  if (spec.kind === 'int') value = parseSpringInt(found.value);
  else if (spec.kind === 'duration') value = parseSpringDuration(found.value);
  else value = parseSpringDataSize(found.value);
  if (value === undefined) {
    // Spring Boot fails to bind it and does not start; nothing here guesses what was meant.
    return { name, value: undefined, text: found.text, unit: spec.unit, source: sourceOf(found) };
  }
  if (spec.onlyPositive && value <= 0 && spec.springDefault) {
    return {
      name,
      value: spec.springDefault.value,
      text: spec.springDefault.text,
      unit: spec.unit,
      source: { kind: 'default', reference: spec.springDefault.reference, note: `${key} ${found.value} is not applied (only values > 0 are)` },
    };
  }
  return { name, value: canonical(spec, value), text: found.text, unit: spec.unit, source: sourceOf(found) };
}

/** Tomcat's "no limit" values become Infinity, as in server.xml (see src/model/tomcat.ts). */
function canonical(spec: SpringSettingSpec, value: number): number {
  const name = spec.keys[0];
  if (spec.kind === 'duration') return value <= 0 ? Infinity : value;
  if (name === 'server.tomcat.max-keep-alive-requests') return value <= 0 ? Infinity : value;
  if (spec.kind === 'data-size' && value < 0) return Infinity;
  return value;
}

function sourceOf(found: Found): ValueSource {
  return { kind: 'file', span: found.span, via: found.via };
}

function spanKey(found: Found | undefined): string {
  return found ? `${found.span.file}:${found.span.start.offset}` : '';
}

/**
 * `${name}` and `${name:default}` as Spring's PropertyPlaceholderHelper resolves them: another
 * property (relaxed name), then the process environment, then the default. A name found nowhere
 * without a default makes the value undetermined. So does going past the budget (a chain that
 * multiplies at each level, a value past 64 KiB, defaults nested deeper than 32): the value is
 * then unknown as a whole, never a default taken in place of what Spring would have resolved.
 */
function resolvePlaceholders(
  found: Found | undefined,
  merged: Map<string, Found>,
  overrides: Map<string, Found>,
  depth = 0,
  budget: ExpansionBudget = { steps: 0, exceeded: false },
): Found | undefined {
  if (!found || found.value === undefined || !found.value.includes('${')) return found;
  if (depth > 10) return { ...found, value: undefined };
  const via: Span[] = [...(found.via ?? [])];
  let undetermined = false;
  const value = replacePlaceholders(found.value, budget, (name, fallback) => {
    if (budget.exceeded || ++budget.steps > MAX_EXPANSION_STEPS) {
      budget.exceeded = true;
      return '';
    }
    const target = merged.get(relaxedKey(name)) ?? overrides.get(relaxedKey(name)) ?? overrides.get(`env:${name}`);
    if (target) {
      const resolved = resolvePlaceholders(target, merged, overrides, depth + 1, budget);
      if (budget.exceeded) return '';
      if (resolved?.value !== undefined) {
        via.push(resolved.span);
        return resolved.value;
      }
    }
    if (fallback !== undefined) return fallback();
    undetermined = true;
    return '';
  });
  if (value.length > MAX_VALUE_LENGTH) budget.exceeded = true;
  return { ...found, value: undetermined || budget.exceeded ? undefined : value, via: via.length > 0 ? via : undefined };
}

/** Shared by every placeholder one value pulls in, however deep. */
interface ExpansionBudget {
  steps: number;
  exceeded: boolean;
}

/** `${a:${b:${c:…}}}`: defaults inside defaults deeper than this are not followed. */
const MAX_DEFAULT_NESTING = 32;

/**
 * Replaces each top-level `${name[:default]}` (nested braces balanced; `\${` is literal). A
 * default is expanded only when it is used.
 */
function replacePlaceholders(
  text: string,
  budget: ExpansionBudget,
  lookup: (name: string, fallback: (() => string) | undefined) => string,
  nesting = 0,
): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (budget.exceeded || out.length > MAX_VALUE_LENGTH) {
      budget.exceeded = true;
      return '';
    }
    if (text[i] === '\\' && text.startsWith('${', i + 1)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      out += text[i++];
      continue;
    }
    let depth = 1;
    let j = i + 2;
    for (; j < text.length && depth > 0; j++) {
      if (text.startsWith('${', j)) {
        depth++;
        j++;
      } else if (text[j] === '}') depth--;
    }
    if (depth > 0) {
      out += text.slice(i);
      break;
    }
    const body = text.slice(i + 2, j - 1);
    const colon = body.indexOf(':');
    const name = colon === -1 ? body : body.slice(0, colon);
    const fallback =
      colon === -1
        ? undefined
        : () => {
            if (nesting >= MAX_DEFAULT_NESTING) {
              budget.exceeded = true;
              return '';
            }
            return replacePlaceholders(body.slice(colon + 1), budget, lookup, nesting + 1);
          };
    out += lookup(name, fallback);
    i = j;
  }
  return out;
}

/**
 * Properties the process that runs the application sets: `--key=value` arguments after the jar or
 * main class, `-Dkey=value` system properties before it, what a build tool's run passes on
 * (readBuildToolRun), and environment variables (relaxed: SERVER_PORT is server.port; also kept
 * under `env:NAME` for placeholders). From the launches that run java or a build tool, or set
 * SERVER_* / SPRING_* variables, and run this application: those `runs` ties to it (see
 * appsLaunchRuns), else those in the application's directory or above it.
 */
function launchesFor(root: string, launches: Launch[], runs: Map<Launch, string[] | undefined>): { overrides: Map<string, Found>; launches: Launch[] } {
  const out = new Map<string, Found>();
  const used: Launch[] = [];
  const conflicts = new Set<string>();
  const set = (key: string, found: Found) => {
    const existing = out.get(key);
    if (existing && existing.value !== found.value && existing.span !== found.span) conflicts.add(key);
    out.set(key, found);
  };
  for (const launch of launches) {
    const launchDir = nodePath.dirname(launch.file);
    const tied = runs.get(launch);
    const related = tied ? tied.includes(root) : isWithin(root, launchDir) || isWithin(launchDir, root);
    const springish = [...launch.env.keys()].some((name) => /^(SERVER|SPRING)_/.test(name));
    const buildToolRun = buildToolRunOf(launch.program, launch.argv);
    if (!related || (launch.program !== 'java' && !buildToolRun && !springish)) continue;
    used.push(launch);
    const byPrecedence: Map<string, Found>[] = [new Map(), new Map(), new Map()];
    for (const [name, value] of launch.env) {
      const found = { value: value.value, text: value.value, span: value.span };
      byPrecedence[0].set(relaxedKeyOfEnvironment(name), found);
      byPrecedence[0].set(`env:${name}`, found);
    }
    if (launch.program === 'java') {
      const line = readJavaCommandLine(launch.argv);
      for (const arg of line.options) {
        const system = /^-D([^=]+)=(.*)$/s.exec(arg.value);
        if (system) byPrecedence[1].set(relaxedKey(system[1]), { value: system[2], text: system[2], span: arg.span });
      }
      for (const arg of line.appArgs) {
        const option = /^--([^=]+)=(.*)$/s.exec(arg.value);
        if (option) byPrecedence[2].set(relaxedKey(option[1]), { value: option[2], text: option[2], span: arg.span });
      }
    }
    if (buildToolRun) readBuildToolRun(buildToolRun, byPrecedence[1], byPrecedence[2]);
    const combined = new Map<string, Found>();
    for (const level of byPrecedence) for (const [key, found] of level) combined.set(key, found);
    for (const [key, found] of combined) set(key, found);
  }
  for (const key of conflicts) {
    const found = out.get(key)!;
    // Two launches in the tree set it differently: which one runs is not in the tree.
    out.set(key, { ...found, value: undefined });
  }
  return { overrides: out, launches: used };
}

/**
 * What `mvn spring-boot:run` or `gradle bootRun` passes to the application it forks: the Maven
 * plugin's `spring-boot.run.profiles` (an argument `--spring.profiles.active=…`),
 * `spring-boot.run.arguments` (application arguments) and `spring-boot.run.jvmArguments` (JVM
 * options, `-D` among them), Gradle's `--args=…` (RunMojo and BootRun parameters). Words are split
 * at white space; a word with a comma or a quote is undetermined (before Spring Boot 2.3 the
 * Maven plugin split arguments at commas). Any other `-Dname=value` sets a system property of
 * Maven's own JVM, which the application shares only where the plugin does not fork (before 2.2):
 * undetermined too.
 */
function readBuildToolRun(run: BuildToolRun<LaunchArg>, system: Map<string, Found>, args: Map<string, Found>): void {
  const take = (target: Map<string, Found>, text: string, pattern: RegExp, span: Span) => {
    for (const word of text.split(/\s+/)) {
      const option = pattern.exec(word);
      if (option) target.set(relaxedKey(option[1]), { value: /[,'"]/.test(word) ? undefined : option[2], text: option[2], span });
    }
  };
  for (const [name, { value, word }] of run.properties) {
    if (name === 'spring-boot.run.profiles') args.set(relaxedKey('spring.profiles.active'), { value, text: value, span: word.span });
    else if (name === 'spring-boot.run.arguments') take(args, value, /^--([^=]+)=(.*)$/s, word.span);
    else if (name === 'spring-boot.run.jvmArguments') take(system, value, /^-D([^=]+)=(.*)$/s, word.span);
    else if (!name.startsWith('spring-boot.')) system.set(relaxedKey(name), { value: undefined, text: value, span: word.span });
  }
  if (run.args) take(args, run.args.value.slice('--args='.length), /^--([^=]+)=(.*)$/s, run.args.span);
}

/**
 * The projects of the tree (display roots) that `mvn spring-boot:run` or `gradle bootRun` run in
 * their directory starts: those with a pom.xml that lists no `<modules>` (in an aggregator the
 * goal runs in every module of the reactor), or a build.gradle(.kts) without a settings file that
 * includes subprojects (a task name runs in every project that has it).
 */
function buildToolProjects(roots: string[], context: ReaderContext, readBuildFile: (path: string) => string | undefined): BuildToolProjects {
  const projects: BuildToolProjects = new Map();
  for (const root of new Set(roots)) {
    const tools = new Set<'maven' | 'gradle'>();
    const pom = readBuildFile(nodePath.join(root, 'pom.xml'));
    if (pom !== undefined && !/<module>/.test(xmlWithoutComments(pom))) tools.add('maven');
    const gradle = ['build.gradle', 'build.gradle.kts'].some((name) => readBuildFile(nodePath.join(root, name)) !== undefined);
    const settings = ['settings.gradle', 'settings.gradle.kts'].map((name) => readBuildFile(nodePath.join(root, name)) ?? '').join('\n');
    if (gradle && !/^\s*include\b/m.test(gradleWithoutComments(settings))) tools.add('gradle');
    if (tools.size > 0) projects.set(context.displayPath(root), tools);
  }
  return projects;
}

type BuildToolProjects = Map<string, Set<'maven' | 'gradle'>>;

/**
 * The application a build tool's run starts: the project in the directory it runs in. In a
 * container that is the working directory (compose `working_dir:`, WORKDIR) with the project's
 * path, mapped back to the tree through the bind mounts and COPYs that put it there; a Procfile's
 * processes run in the Procfile's directory; a script's or unit's directory is matched as for
 * `java -jar` (appOfWorkingDirectory, moduleOfJar). None where that is not certain.
 */
function appOfBuildToolRun(launch: Launch, run: BuildToolRun<LaunchArg>, roots: string[], projects: BuildToolProjects): string[] {
  const written = run.project === undefined ? '.' : knownValue(run.project)?.replace(/^--file=/, '');
  if (written === undefined) return [];
  const projectPath = /\.(xml|gradle|kts)$/.test(written) ? nodePath.posix.dirname(written) : written;
  const rootAt = (dir: string) => roots.find((root) => nodePath.posix.normalize(root || '.') === dir);
  const isProject = (dir: string) => {
    const root = rootAt(dir);
    return root !== undefined && projects.get(root)?.has(run.tool) === true;
  };
  let found: string | undefined;
  if (launch.container) {
    const cwd = knownValue(launch.workingDirectory);
    const inContainer = nodePath.posix.isAbsolute(projectPath)
      ? projectPath
      : cwd && nodePath.posix.isAbsolute(cwd)
        ? nodePath.posix.join(cwd, projectPath)
        : undefined;
    // The build file's own path: a Dockerfile may COPY pom.xml and src/ one by one.
    const buildFiles = run.tool === 'maven' ? ['pom.xml'] : ['build.gradle', 'build.gradle.kts'];
    found = buildFiles
      .map((name) => (inContainer === undefined ? undefined : treePathOf(launch, nodePath.posix.join(inContainer, name))))
      .map((path) => path && nodePath.posix.dirname(path))
      .find((dir) => dir !== undefined && isProject(dir));
  } else if (launch.kind === 'procfile') {
    found = nodePath.posix.isAbsolute(projectPath)
      ? undefined
      : nodePath.posix.normalize(nodePath.posix.join(nodePath.posix.dirname(launch.file), projectPath));
  } else {
    const cwd = knownValue(launch.workingDirectory);
    if (cwd !== undefined && nodePath.posix.isAbsolute(cwd)) {
      const matched = appOfWorkingDirectory(
        launch,
        nodePath.posix.join(cwd, projectPath),
        roots.filter((root) => isProject(nodePath.posix.normalize(root || '.'))),
      );
      return matched ?? [];
    }
    if (launch.kind !== 'shell' || cwd !== undefined || nodePath.posix.isAbsolute(projectPath)) return [];
    // A script run from its own directory or one above it, where exactly one such project is.
    const candidates = new Set<string>();
    for (let dir = nodePath.posix.dirname(launch.file); ; dir = nodePath.posix.dirname(dir)) {
      const candidate = nodePath.posix.normalize(nodePath.posix.join(dir, projectPath));
      if (isProject(candidate)) candidates.add(candidate);
      if (dir === '.' || dir === '/' || dir.startsWith('..')) break;
    }
    found = candidates.size === 1 ? [...candidates][0] : undefined;
  }
  const root = found === undefined || !isProject(found) ? undefined : rootAt(found);
  return root === undefined ? [] : [root];
}

/**
 * The tree path a container sees at `path`: through the deepest bind mount or COPY that covers it
 * (a bind mount before a COPY of the same path: it hides what the image holds there).
 */
function treePathOf(launch: Launch, path: string): string | undefined {
  let best: { display: string; target: string } | undefined;
  for (const mount of launch.mounts ?? []) {
    const covers = path === mount.target || path.startsWith(mount.target === '/' ? '/' : `${mount.target}/`);
    if (covers && (!best || mount.target.length > best.target.length)) best = mount;
  }
  return best && nodePath.posix.normalize(nodePath.posix.join(best.display || '.', nodePath.posix.relative(best.target, path)));
}

/**
 * The applications (display roots) a launch runs, where the launch itself says; undefined where
 * it says nothing, and then a launch in the application's directory or above it applies.
 *
 * - A compose service (or a script or supervisord program in its container) runs what its image
 *   and its bind mounts hold, whatever directory the compose file is in: the application the
 *   build context holds (the one whose directory holds the Dockerfile when the context holds
 *   several), else the one whose config files a mount or COPY puts in the container. With
 *   neither, none: a compose file above several applications says nothing about which one a
 *   service runs.
 * - `java -jar <module>/target/x.jar` in a start script or Procfile run from the repository
 *   runs the application in `<module>`: Maven's `target/` and Gradle's `build/libs/` are where
 *   the build writes a module's jar. The path is relative to where the script is run, which is
 *   not written down: the launch's directory or one above it, where exactly one application is.
 */
function appsLaunchRuns(launch: Launch, appFiles: Map<string, string[]>, projects: BuildToolProjects): string[] | undefined {
  const roots = [...appFiles.keys()];
  const buildToolRun = buildToolRunOf(launch.program, launch.argv);
  if (buildToolRun) return appOfBuildToolRun(launch, buildToolRun, roots, projects);
  if (launch.compose) {
    if (launch.build) {
      const inContext = roots.filter((root) => isWithin(root, launch.build!.context));
      const holdingDockerfile = inContext.filter((root) => isWithin(launch.build!.dockerfile, root));
      const deepest = holdingDockerfile.sort((a, b) => b.length - a.length)[0];
      if (deepest !== undefined) return [deepest];
      if (inContext.length === 1) return inContext;
    }
    const mounted = roots.filter((root) =>
      (launch.mounts ?? []).some((mount) => isWithin(mount.display, root) && appFiles.get(root)!.some((file) => isWithin(file, mount.display))),
    );
    return mounted.length === 1 ? mounted : [];
  }
  return launch.kind === 'shell' || launch.kind === 'procfile' ? moduleOfJar(launch, roots) : undefined;
}

/**
 * The application whose build writes the jar a script or Procfile runs (`java -jar
 * customers/target/*.jar`), or, when the script `cd`s to an absolute directory first, the one kept
 * in the tree under that directory's last two names (litemall's deploy.sh: `cd
 * /home/ubuntu/deploy/litemall; java -jar litemall.jar` beside deploy/litemall/application.yml:
 * Spring Boot reads `./application.yml` from the directory it runs in). Undefined when the path
 * does not say.
 */
function moduleOfJar(launch: Launch, roots: string[]): string[] | undefined {
  if (launch.program !== 'java') return undefined;
  if (launch.workingDirectory) return appOfWorkingDirectory(launch, launch.workingDirectory.value, roots);
  const line = readJavaCommandLine(launch.argv);
  const jar = line.jar ? line.main : undefined;
  if (!jar || jar.unresolved || nodePath.posix.isAbsolute(jar.value)) return undefined;
  const written = /^(?:(.*)\/)?(?:target|build\/libs)\/[^/]+$/.exec(nodePath.posix.normalize(jar.value));
  if (!written) return undefined;
  const found = new Set<string>();
  for (let dir = nodePath.posix.dirname(launch.file); ; dir = nodePath.posix.dirname(dir)) {
    const module = nodePath.posix.join(dir, written[1] ?? '');
    const root = roots.find((candidate) => nodePath.posix.normalize(candidate || '.') === module);
    if (root !== undefined) found.add(root);
    if (dir === '.' || dir === '/' || dir.startsWith('..')) break;
  }
  return found.size === 1 ? [...found] : undefined;
}

/**
 * The application kept under the directory a launch `cd`s to, matched by its last two names at
 * least (`/home/ubuntu/deploy/app` → `deploy/app`; one shared name, `app`, says too little), the
 * one nearest the script among several alike.
 */
function appOfWorkingDirectory(launch: Launch, directory: string, roots: string[]): string[] | undefined {
  if (!nodePath.posix.isAbsolute(directory) || isUnknownValue(directory)) return undefined;
  const wanted = pathComponents(directory);
  const matching = roots.filter((root) => sharedTailLength(pathComponents(root), wanted) >= MIN_SHARED_NAMES);
  const closest = closestByTail(matching, wanted, nodePath.posix.dirname(launch.file));
  return closest.length === 1 ? closest : undefined;
}

const MIN_SHARED_NAMES = 2;

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
