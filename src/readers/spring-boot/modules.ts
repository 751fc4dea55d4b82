/**
 * The module graph of a multi-module Maven or Gradle build: which modules of the same build are on
 * a module's runtime classpath, and which modules are libraries that other modules consume.
 *
 * - Gradle: the projects `settings.gradle(.kts)` includes (`include 'api', 'platform:app'`, a
 *   `project(':x').projectDir = file('y')` moving one), and `project(':x')` in a project's
 *   `implementation`, `api`, `compile`, `runtime` or `runtimeOnly` dependencies. Each of these is
 *   on the runtime classpath of the project's consumers too: `api` on their compile classpath as
 *   well, `implementation` and `runtimeOnly` only at run time (the java-library plugin's
 *   `runtimeElements` extends all three). `compileOnly`, `annotationProcessor`, test
 *   configurations and `platform(project(…))` (a BOM) bring nothing to run.
 * - Maven: the `<modules>` of an aggregator POM, each module's coordinates (its groupId or its
 *   parent's, its artifactId), and a `<dependency>` on another module's groupId:artifactId in
 *   scope compile (the default) or runtime. Test, provided and system scopes, `<optional>` ones
 *   past the first step (Maven does not pass them on), dependencies in `<dependencyManagement>`,
 *   in plugins and in `<profiles>` (active or not is decided at build time) are not followed.
 *
 * What is not written in one of these forms (Gradle's `projects.api` accessors, dependencies a
 * root `subprojects {}` block adds, a settings file that moves projects in another way) is no
 * edge: a module outside every graph keeps being read on its own.
 */
import * as nodePath from 'path';
import type { ReaderContext } from '../types';
import { isWithin, xmlTag, xmlWithoutComments } from './build-files';

export interface BuildModule {
  root: string;
  /** The module's own build file text, '' without one. */
  build: string;
  /** The parts of the build file that put starters on a consumer's runtime classpath. */
  runtimeBuild: string;
  /** The module applies the Spring Boot plugin in its own build (Gradle's plugin, Maven's spring-boot-maven-plugin). */
  bootPlugin: boolean;
}

export interface ModuleGraph {
  /** The module at this root, when a build's module graph holds it. */
  module(root: string): BuildModule | undefined;
  /** The modules on its runtime classpath, nearest first, itself excluded; [] outside every graph. */
  runtimeDependencies(root: string): BuildModule[];
  /** Whether another module of its build has it on its runtime classpath. */
  consumed(root: string): boolean;
  /** Every module of the graphs read. */
  modules(): BuildModule[];
}

interface Edge {
  to: string;
  /** Maven's `<optional>true</optional>`: on this module's classpath, not on its consumers'. */
  optional: boolean;
}

const GRADLE_RUNTIME_CONFIGURATIONS = 'implementation|api|compile|runtime|runtimeOnly';

/** Reads the builds that hold these module roots (absolute paths), looking upwards within the lint roots. */
export function readModuleGraph(roots: string[], context: ReaderContext, readText: (path: string) => string | undefined): ModuleGraph {
  const modules = new Map<string, BuildModule>();
  const edges = new Map<string, Edge[]>();
  const seenBuilds = new Set<string>();
  for (const root of roots) {
    for (let dir = root; context.lintRoots.some((lintRoot) => isWithin(dir, lintRoot)); dir = nodePath.dirname(dir)) {
      if (seenBuilds.has(dir)) break;
      const settings = readText(nodePath.join(dir, 'settings.gradle')) ?? readText(nodePath.join(dir, 'settings.gradle.kts'));
      if (settings !== undefined) {
        seenBuilds.add(dir);
        readGradleBuild(dir, settings, readText, modules, edges);
        break;
      }
      const pom = readText(nodePath.join(dir, 'pom.xml'));
      const parentPom = readText(nodePath.join(nodePath.dirname(dir), 'pom.xml'));
      // The outermost aggregator: Maven's reactor is run from it, and sibling coordinates are resolved there.
      if (pom !== undefined && mavenModules(pom).length > 0 && !(parentPom !== undefined && mavenModules(parentPom).length > 0)) {
        seenBuilds.add(dir);
        readMavenBuild(dir, readText, modules, edges);
        break;
      }
      if (dir === nodePath.dirname(dir)) break;
    }
  }
  const closure = (root: string): BuildModule[] => {
    const found: string[] = [];
    const queue = (edges.get(root) ?? []).map((edge) => edge.to);
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (next === root || found.includes(next)) continue;
      found.push(next);
      for (const edge of edges.get(next) ?? []) if (!edge.optional) queue.push(edge.to);
    }
    return found.map((dependency) => modules.get(dependency)!);
  };
  const consumed = new Set([...edges.values()].flatMap((list) => list.map((edge) => edge.to)));
  return {
    module: (root) => modules.get(root),
    runtimeDependencies: closure,
    consumed: (root) => modules.has(root) && consumed.has(root),
    modules: () => [...modules.values()],
  };
}

/** The lines of a Gradle build (comments out) that put dependencies on its runtime classpath. */
export function gradleRuntimeDependencies(text: string): string {
  return text
    .split('\n')
    .filter((line) => new RegExp(`^\\s*(${GRADLE_RUNTIME_CONFIGURATIONS})\\b`).test(line))
    .join('\n');
}

/** Gradle's block and line comments out, lengths kept. */
export function gradleWithoutComments(text: string): string {
  const blank = (match: string) => match.replace(/[^\n]/g, ' ');
  return text.replace(/\/\*[\s\S]*?\*\//g, blank).replace(/(^|[^:])\/\/[^\n]*/g, blank);
}

function readGradleBuild(
  settingsDir: string,
  settingsText: string,
  readText: (path: string) => string | undefined,
  modules: Map<string, BuildModule>,
  edges: Map<string, Edge[]>,
): void {
  const settings = gradleWithoutComments(settingsText);
  const projectDirs = new Map<string, string>([[':', settingsDir]]);
  for (const statement of settings.matchAll(/^\s*include\b\s*\(?([^\n]*)/gm)) {
    for (const name of statement[1].matchAll(/['"]([^'"$]+)['"]/g)) {
      const path = name[1].startsWith(':') ? name[1] : `:${name[1]}`;
      projectDirs.set(path, nodePath.join(settingsDir, ...path.split(':').filter((part) => part !== '')));
    }
  }
  const moved = [
    ...settings.matchAll(
      /project\(\s*['"]([^'"]+)['"]\s*\)\.projectDir\s*=\s*(?:file\(\s*['"]([^'"$]+)['"]\s*\)|new File\(\s*settingsDir\s*,\s*['"]([^'"$]+)['"]\s*\))/g,
    ),
  ];
  for (const [, path, file, inSettingsDir] of moved) {
    if (projectDirs.has(path)) projectDirs.set(path, nodePath.resolve(settingsDir, file ?? inSettingsDir));
  }
  // Moved in a form not read here: where those projects are is not known, so none of them is placed.
  if ((settings.match(/projectDir/g) ?? []).length > moved.length) return;
  for (const [path, dir] of projectDirs) {
    const build = readText(nodePath.join(dir, 'build.gradle')) ?? readText(nodePath.join(dir, 'build.gradle.kts'));
    if (build === undefined && path !== ':') continue;
    const text = gradleWithoutComments(build ?? '');
    const runtimeBuild = gradleRuntimeDependencies(text);
    const bootPlugin = /['"]org\.springframework\.boot['"]|\bplugins\.spring[.-]?boot\b|\bplugins\.springBoot\b/.test(text);
    modules.set(dir, { root: dir, build: build ?? '', runtimeBuild, bootPlugin });
    const dependencies = new RegExp(`^\\s*(?:${GRADLE_RUNTIME_CONFIGURATIONS})\\s*\\(?\\s*project\\s*\\(\\s*(?:path\\s*[:=]\\s*)?['"](:[^'"]*)['"]`, 'gm');
    for (const [, dependency] of text.matchAll(dependencies)) {
      const target = projectDirs.get(dependency);
      if (target !== undefined) addEdge(edges, dir, { to: target, optional: false });
    }
  }
  // A project without a build file of its own consumes nothing and is no module to read.
  for (const [from, list] of edges)
    edges.set(
      from,
      list.filter((edge) => modules.has(edge.to)),
    );
}

/** The `<module>` entries of a POM's own `<modules>` (profiles aside). */
function mavenModules(pomText: string): string[] {
  const own = xmlWithoutComments(pomText).replace(/<profiles>[\s\S]*?<\/profiles>/g, '');
  const block = /<modules>([\s\S]*?)<\/modules>/.exec(own)?.[1] ?? '';
  return [...block.matchAll(/<module>\s*([^<]+?)\s*<\/module>/g)].map((match) => match[1]);
}

interface MavenDependency {
  coordinates: string;
  optional: boolean;
}

/**
 * A POM's (comments out) own `<dependency>` elements, whole and body, in scope compile or runtime,
 * of type jar without a classifier: what it puts on its runtime classpath, and passes down to the
 * modules whose `<parent>` it is (Maven inherits `<dependencies>`).
 */
export function mavenRuntimeDependencies(pom: string): [string, string][] {
  const project = pom.replace(/<(profiles|dependencyManagement|build|reporting)>[\s\S]*?<\/\1>/g, '');
  const dependencyBlock = /<dependencies>([\s\S]*?)<\/dependencies>/.exec(project)?.[1] ?? '';
  const found: [string, string][] = [];
  for (const [whole, body] of dependencyBlock.matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)) {
    const scope = xmlTag(body, 'scope') ?? 'compile';
    const type = xmlTag(body, 'type') ?? 'jar';
    if (['compile', 'runtime'].includes(scope) && type === 'jar' && xmlTag(body, 'classifier') === undefined) found.push([whole, body]);
  }
  return found;
}

function readMavenBuild(
  aggregatorDir: string,
  readText: (path: string) => string | undefined,
  modules: Map<string, BuildModule>,
  edges: Map<string, Edge[]>,
): void {
  const byCoordinates = new Map<string, string>();
  const dependenciesOf = new Map<string, MavenDependency[]>();
  const visit = (dir: string, depth: number) => {
    if (modules.has(dir) || depth > 16) return;
    const text = readText(nodePath.join(dir, 'pom.xml'));
    if (text === undefined) return;
    const pom = xmlWithoutComments(text);
    const project = pom.replace(/<(profiles|dependencyManagement|build|reporting)>[\s\S]*?<\/\1>/g, '');
    const parentGroup = xmlTag(/<parent>([\s\S]*?)<\/parent>/.exec(project)?.[1] ?? '', 'groupId');
    const own = project.replace(/<(parent|dependencies|modules|properties)>[\s\S]*?<\/\1>/g, '');
    const groupId = xmlTag(own, 'groupId') ?? parentGroup;
    const artifactId = xmlTag(own, 'artifactId');
    const runtime: string[] = [];
    const dependencies: MavenDependency[] = [];
    for (const [whole, body] of mavenRuntimeDependencies(pom)) {
      runtime.push(whole);
      const group = xmlTag(body, 'groupId')
        ?.replace(/^\$\{(?:project\.|pom\.)?groupId\}$/, groupId ?? '')
        .replace(/^\$\{project\.parent\.groupId\}$/, parentGroup ?? '');
      const artifact = xmlTag(body, 'artifactId');
      if (group && artifact) dependencies.push({ coordinates: `${group}:${artifact}`, optional: xmlTag(body, 'optional') === 'true' });
    }
    // The module's own plugins: a parent's pluginManagement only configures the plugin for modules that use it.
    const plugins = /<build>[\s\S]*<\/build>/.exec(pom.replace(/<(profiles|pluginManagement)>[\s\S]*?<\/\1>/g, ''))?.[0] ?? '';
    const bootPlugin = /<artifactId>\s*spring-boot-maven-plugin\s*<\/artifactId>/.test(plugins);
    modules.set(dir, { root: dir, build: text, runtimeBuild: runtime.join('\n'), bootPlugin });
    if (groupId && artifactId) byCoordinates.set(`${groupId}:${artifactId}`, dir);
    dependenciesOf.set(dir, dependencies);
    for (const module of mavenModules(text)) {
      const path = nodePath.resolve(dir, module);
      visit(/\.xml$/.test(path) ? nodePath.dirname(path) : path, depth + 1);
    }
  };
  visit(aggregatorDir, 0);
  for (const [dir, dependencies] of dependenciesOf) {
    for (const dependency of dependencies) {
      const target = byCoordinates.get(dependency.coordinates);
      if (target !== undefined && target !== dir) addEdge(edges, dir, { to: target, optional: dependency.optional });
    }
  }
}

function addEdge(edges: Map<string, Edge[]>, from: string, edge: Edge): void {
  const list = edges.get(from) ?? [];
  list.push(edge);
  edges.set(from, list);
}
