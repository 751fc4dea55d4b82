/**
 * Maven resource filtering: whether the build copies a file of `src/main/resources` (or of another
 * resource directory) through maven-resources-plugin with `<filtering>true</filtering>`, which
 * replaces `@name@` with the Maven property `name` at build time. Spring Boot's
 * spring-boot-starter-parent does so for `application*.yml`, `application*.yaml` and
 * `application*.properties` with `@` as its only delimiter (its pom: `resource.delimiter` `@`,
 * `useDefaultDelimiters` false, a filtered resource of `application*.yml` and the others at any
 * depth of src/main/resources, since 1.3;
 * Spring Boot's "Automatic Property Expansion Using Maven"); a project may declare filtered
 * resources itself, where maven-resources-plugin's default delimiters, `${…}` and `@…@`, apply.
 *
 * Such a file is a template: an unquoted `@config.server-addr@`, which no YAML parser takes (`@` is
 * a reserved indicator), is a value the build writes. What is read:
 * - the module's POM and its parents found in the tree (`<parent>` with `<relativePath>`, by
 *   default `../pom.xml`, whose artifactId matches), nearest first, profiles left out;
 * - the resources of the nearest POM that declares `<build><resources>` (or `<testResources>`):
 *   Maven inherits a parent's resources only when the child declares none
 *   (MavenModelMerger.mergeBuildBase_Resources); else spring-boot-starter-parent's own when it
 *   is in the chain; else the super POM's, which filters nothing;
 * - each resource's directory (`${basedir}/` and `${project.basedir}/` taken as the module's),
 *   `<filtering>`, `<includes>` and `<excludes>` (Ant patterns; every file when no include is given).
 * What the build writes in place of a placeholder (a property of the POM, of a profile picked at
 * build time, or `-D` on the command line) is not read: the value is unknown.
 */
import * as nodePath from 'path';
import { UNKNOWN_MARK } from '../../discovery/template';
import { isWithin, mavenParentInTree, xmlWithoutComments } from './build-files';
import type { ReaderContext } from '../types';

interface Resource {
  /** Absolute. */
  directory: string;
  filtering: boolean;
  includes: RegExp[];
  excludes: RegExp[];
}

interface ModuleResources {
  main: Resource[];
  test: Resource[];
  /** Whether `@` delimits a placeholder: always with the plugin's defaults, with the starter parent only while `resource.delimiter` is `@`. */
  atDelimiter: boolean;
}

const STARTER_PARENT = /<artifactId>\s*spring-boot-starter-parent\s*<\/artifactId>/;
const MAX_PARENTS = 16;

/** Decides per file; POMs are read once per module. */
export function mavenFilteredFiles(context: ReaderContext, readText: (path: string) => string | undefined): (path: string) => boolean {
  const modules = new Map<string, ModuleResources | undefined>();
  return (path) => {
    const root = moduleRoot(path, context, readText);
    if (root === undefined) return false;
    if (!modules.has(root)) modules.set(root, moduleResources(root, readText));
    const resources = modules.get(root);
    if (!resources?.atDelimiter) return false;
    return [...resources.main, ...resources.test].some((resource) => resource.filtering && covers(resource, path));
  };
}

/** The nearest directory above the file, within the lint roots, that holds a pom.xml. */
function moduleRoot(path: string, context: ReaderContext, readText: (path: string) => string | undefined): string | undefined {
  for (let dir = nodePath.dirname(path); context.lintRoots.some((root) => isWithin(dir, root)); dir = nodePath.dirname(dir)) {
    if (readText(nodePath.join(dir, 'pom.xml')) !== undefined) return dir;
    if (dir === nodePath.dirname(dir)) break;
  }
  return undefined;
}

function moduleResources(root: string, readText: (path: string) => string | undefined): ModuleResources | undefined {
  let main: Resource[] | undefined;
  let test: Resource[] | undefined;
  let delimiter: string | undefined;
  let dir = root;
  let pom = readText(nodePath.join(dir, 'pom.xml'));
  for (let depth = 0; pom !== undefined && depth < MAX_PARENTS; depth++) {
    const own = xmlWithoutComments(pom).replace(/<profiles>[\s\S]*?<\/profiles>/g, '');
    const build = /<build>([\s\S]*?)<\/build>/.exec(own)?.[1]?.replace(/<(pluginManagement|plugins)>[\s\S]*?<\/\1>/g, '') ?? '';
    main ??= resourcesOf(build, 'resources', root);
    test ??= resourcesOf(build, 'testResources', root);
    delimiter ??= /<properties>[\s\S]*?<resource\.delimiter>([^<]*)<\/resource\.delimiter>[\s\S]*?<\/properties>/.exec(own)?.[1]?.trim();
    const parent = /<parent>([\s\S]*?)<\/parent>/.exec(own)?.[1];
    if (parent === undefined) break;
    if (STARTER_PARENT.test(parent)) {
      // spring-boot-starter-parent's pom: its filtered application* resources, `@` its delimiter.
      main ??= starterParentResources(root);
      return { main, test: test ?? [], atDelimiter: (delimiter ?? '@') === '@' };
    }
    // Maven takes the file only when it is the parent named; otherwise the parent comes from a repository.
    const found = mavenParentInTree(dir, own, readText);
    if (found === undefined) break;
    dir = found.dir;
    pom = found.pom;
  }
  // No starter parent: maven-resources-plugin's default delimiters, `${*}` and `@`.
  return { main: main ?? [], test: test ?? [], atDelimiter: true };
}

/** The `<resource>`s of `<resources>` (or `<testResources>`), or undefined when the build declares none. */
function resourcesOf(build: string, element: 'resources' | 'testResources', root: string): Resource[] | undefined {
  const block = new RegExp(`<${element}>([\\s\\S]*?)</${element}>`).exec(build)?.[1];
  if (block === undefined) return undefined;
  const resources: Resource[] = [];
  for (const [, body] of block.matchAll(/<(?:resource|testResource)>([\s\S]*?)<\/(?:resource|testResource)>/g)) {
    const written = /<directory>\s*([^<]*?)\s*<\/directory>/.exec(body)?.[1];
    if (written === undefined) continue;
    const directory = nodePath.resolve(root, written.replace(/^\$\{(?:project\.)?basedir\}\/?/, '') || '.');
    const patterns = (name: 'include' | 'exclude') =>
      [...body.matchAll(new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`, 'g'))].map((match) => antPattern(match[1]));
    const includes = patterns('include');
    resources.push({
      directory,
      filtering: /<filtering>\s*true\s*<\/filtering>/.test(body),
      includes: includes.length > 0 ? includes : [antPattern('**/*')],
      excludes: patterns('exclude'),
    });
  }
  return resources;
}

function starterParentResources(root: string): Resource[] {
  const directory = nodePath.join(root, 'src', 'main', 'resources');
  return [
    {
      directory,
      filtering: true,
      includes: ['**/application*.yml', '**/application*.yaml', '**/application*.properties'].map(antPattern),
      excludes: [],
    },
  ];
}

function covers(resource: Resource, path: string): boolean {
  if (!isWithin(path, resource.directory) || path === resource.directory) return false;
  const relative = nodePath.relative(resource.directory, path).split(nodePath.sep).join('/');
  return resource.includes.some((pattern) => pattern.test(relative)) && !resource.excludes.some((pattern) => pattern.test(relative));
}

/** An Ant pattern as plexus-utils' SelectorUtils matches it: `**` any directories, `*` and `?` within a name; a trailing `/` means `/**`. */
function antPattern(pattern: string): RegExp {
  const full = pattern.replace(/\\/g, '/').replace(/^\/+/, '') + (pattern.endsWith('/') ? '**' : '');
  let source = '';
  for (let i = 0; i < full.length; i++) {
    if (full.startsWith('**/', i)) {
      source += '(?:[^/]*/)*';
      i += 2;
    } else if (full.startsWith('**', i)) {
      source += '.*';
      i += 1;
    } else if (full[i] === '*') source += '[^/]*';
    else if (full[i] === '?') source += '[^/]';
    else source += full[i].replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * `@name@` as maven-filtering finds it between two `@` on one line; only names a property could
 * have are taken (an address `user@example.org` is no placeholder).
 */
const AT_PLACEHOLDER = /@[A-Za-z_][\w.-]*@/g;

/**
 * The text with each `@name@` written as `$` and UNKNOWN_MARKs, as long as the placeholder: a plain
 * scalar in YAML (block or flow) and a value the reader takes for one the build writes.
 */
export function maskMavenPlaceholders(text: string): string {
  if (!text.includes('@')) return text;
  return text.replace(AT_PLACEHOLDER, (placeholder) => '$' + UNKNOWN_MARK.repeat(placeholder.length - 1));
}
