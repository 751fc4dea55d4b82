/**
 * Spring Cloud's bootstrap context: whether an application reads `bootstrap.properties`,
 * `bootstrap.yml`, `bootstrap.yaml` (and `bootstrap-{profile}.*`), decided from its build.
 *
 * spring-cloud-context's BootstrapApplicationListener (spring-cloud-commons) handles Spring
 * Boot's ApplicationEnvironmentPreparedEvent. When the bootstrap context is enabled it runs a
 * second SpringApplication with `spring.config.name=bootstrap` (bootstrapServiceContext), so
 * config data reads bootstrap.* from the locations application.* comes from. The listener runs
 * before the application's own files are loaded (its order is HIGHEST_PRECEDENCE + 5, Spring
 * Boot's EnvironmentPostProcessorApplicationListener and the older ConfigFileApplicationListener
 * HIGHEST_PRECEDENCE + 10), so only the process (arguments, system properties, environment)
 * can set the properties that switch it.
 *
 * Enabled (PropertyUtils.bootstrapEnabled, useLegacyProcessing; Spring Cloud 2020.0 on,
 * spring-cloud-commons 3.0): the class org.springframework.cloud.bootstrap.marker.Marker is on the
 * classpath (spring-cloud-starter-bootstrap is that one class), or the process sets
 * `spring.cloud.bootstrap.enabled=true` or `spring.config.use-legacy-processing=true`. Before
 * 2020.0 (release trains Angel to Hoxton, spring-cloud-commons 2.2 and older) it ran wherever
 * spring-cloud-context was, unless `spring.cloud.bootstrap.enabled=false`.
 *
 * The build is read as far as the tree shows it: the application's own dependencies, those its
 * Maven parents pass down (`<dependencies>` is inherited), those of the modules of its build on its
 * runtime classpath, and the Spring Cloud release train named in any of those files. A starter
 * of another project that pulls spring-cloud-starter-bootstrap in transitively is not known here.
 */
import * as nodePath from 'path';
import { isWithin, mavenParentInTree, xmlWithoutComments } from './build-files';
import { gradleRuntimeDependencies, gradleWithoutComments, mavenRuntimeDependencies, ModuleGraph } from './modules';

/** `read`: the bootstrap files configure the application; `ignored`: they do not; `unknown`: the tree does not say. */
export type BootstrapReading = 'read' | 'ignored' | 'unknown';

/** What the build says about an application's classpath. */
export interface BootstrapEvidence {
  /** Dependency declarations that reach the application's runtime classpath (exclusions removed). */
  classpath: string;
  /** Every build file read for it, comments out: release-train versions, and declarations the classpath may get otherwise (a Maven profile, a Gradle root's `subprojects`). */
  builds: string;
  /** Whether the application has a build file (or a parent's) in the tree at all. */
  hasBuild: boolean;
}

/** Release trains before 2020.0, when the bootstrap context was on by default. */
const LEGACY_TRAIN = /\b(Angel|Brixton|Camden|Dalston|Edgware|Finchley|Greenwich|Hoxton)[.-](SR\d+|RELEASE|M\d+|RC\d+|BUILD-SNAPSHOT)\b/;
/** A calendar-versioned release train (2020.0.0 on), as a Maven property or the spring-cloud-dependencies BOM's version. */
const CALENDAR_TRAIN =
  /<spring[.-]cloud[.-]version>\s*20\d\d\.\d|spring-cloud-dependencies<\/artifactId>\s*<version>\s*20\d\d\.\d|spring-cloud-dependencies:20\d\d\.\d|springCloudVersion\W+20\d\d\.\d/;
const BOOTSTRAP_STARTER = /spring-cloud-starter-bootstrap\b/;

/**
 * Whether Spring Cloud's bootstrap context reads the bootstrap files. `property` gives a
 * property the process sets (relaxed name): undefined when it sets none, a value undefined when
 * it sets one the tree leaves open.
 */
export function bootstrapReading(evidence: BootstrapEvidence, property: (key: string) => { value: string | undefined } | undefined): BootstrapReading {
  const switches = ['spring.cloud.bootstrap.enabled', 'spring.config.uselegacyprocessing'].map(property);
  const enabledByProcess = switches.some((found) => found?.value?.trim().toLowerCase() === 'true');
  const switchOpen = switches.some((found) => found !== undefined && found.value === undefined);
  const springCloud = /spring-cloud-/.test(evidence.classpath);
  if (BOOTSTRAP_STARTER.test(evidence.classpath)) return 'read';
  // The listener is spring-cloud-context's: a build without Spring Cloud has none to switch on.
  if (enabledByProcess) return !evidence.hasBuild || /spring-cloud-/.test(evidence.builds) ? 'read' : 'ignored';
  const legacy = LEGACY_TRAIN.test(evidence.builds);
  const calendar = CALENDAR_TRAIN.test(evidence.builds);
  if (switchOpen) return 'unknown';
  if (legacy && !calendar && springCloud) return switches[0]?.value?.trim().toLowerCase() === 'false' ? 'ignored' : 'read';
  // dependencyManagement only pins versions, and a test dependency is not packaged.
  const elsewhere = evidence.builds
    .replace(/<dependencyManagement>[\s\S]*?<\/dependencyManagement>/g, '')
    .replace(/<dependency>(?:(?!<\/dependency>)[\s\S])*?<scope>\s*test\s*<\/scope>[\s\S]*?<\/dependency>/g, '')
    .replace(/^\s*test\w*\b.*$/gm, '');
  if (!evidence.hasBuild || BOOTSTRAP_STARTER.test(elsewhere)) return 'unknown';
  // Spring Cloud whose release train the tree does not name (a parent POM outside it) may be one that reads them.
  if (springCloud && !calendar) return 'unknown';
  return 'ignored';
}

/**
 * The build evidence of the application at `root`: its own build file, its Maven parents (found
 * as Maven does, build-files.ts mavenParentInTree), the Gradle build files above it, and the
 * modules on its runtime classpath.
 */
export function bootstrapEvidence(
  root: string,
  graph: ModuleGraph,
  lintRoots: string[],
  readBuildFile: (path: string) => string | undefined,
): BootstrapEvidence {
  const classpath: string[] = [];
  const builds: string[] = [];
  const pom = readBuildFile(nodePath.join(root, 'pom.xml'));
  if (pom !== undefined) {
    for (const text of [xmlWithoutComments(pom), ...mavenParents(root, pom, readBuildFile)]) {
      builds.push(text);
      classpath.push(...mavenRuntimeDependencies(text).map(([whole]) => whole));
    }
  }
  const gradle = readBuildFile(nodePath.join(root, 'build.gradle')) ?? readBuildFile(nodePath.join(root, 'build.gradle.kts'));
  if (gradle !== undefined) {
    builds.push(gradleWithoutComments(gradle));
    classpath.push(gradleRuntimeDependencies(gradleWithoutComments(gradle)));
    // A root project's `subprojects {}` or `allprojects {}` may add dependencies: read for mentions only.
    for (
      let dir = nodePath.dirname(root);
      lintRoots.some((lintRoot) => isWithin(dir, lintRoot)) && dir !== nodePath.dirname(dir);
      dir = nodePath.dirname(dir)
    ) {
      const above = readBuildFile(nodePath.join(dir, 'build.gradle')) ?? readBuildFile(nodePath.join(dir, 'build.gradle.kts'));
      if (above !== undefined) builds.push(gradleWithoutComments(above));
    }
  }
  for (const module of graph.runtimeDependencies(root)) {
    classpath.push(module.runtimeBuild);
    builds.push(/^\s*</.test(module.build) ? xmlWithoutComments(module.build) : gradleWithoutComments(module.build));
  }
  return {
    classpath: classpath.join('\n').replace(/<exclusions>[\s\S]*?<\/exclusions>/g, ''),
    builds: builds.join('\n'),
    hasBuild: builds.length > 0,
  };
}

/** The POMs the one at `root` inherits from, nearest first, as far as the tree holds them (comments out). */
function mavenParents(root: string, pom: string, readBuildFile: (path: string) => string | undefined): string[] {
  const parents: string[] = [];
  let found: { dir: string; pom: string } | undefined = { dir: root, pom: xmlWithoutComments(pom) };
  for (let depth = 0; depth < 16; depth++) {
    found = mavenParentInTree(found.dir, found.pom.replace(/<profiles>[\s\S]*?<\/profiles>/g, ''), readBuildFile);
    if (found === undefined) break;
    found = { dir: found.dir, pom: xmlWithoutComments(found.pom) };
    parents.push(found.pom);
  }
  return parents;
}
