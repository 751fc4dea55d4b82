/**
 * The templates the official nginx image renders when its container starts, and with which
 * environment. The image's entrypoint runs /docker-entrypoint.d/20-envsubst-on-templates.sh
 * (github.com/nginxinc/docker-nginx, entrypoint/20-envsubst-on-templates.sh, read at b430bec):
 * every file under ${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates} whose name ends in
 * ${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template} is written to
 * ${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}/<its path below the template dir, suffix
 * dropped>, through `envsubst` limited to the variables of the container's environment whose
 * names match ${NGINX_ENVSUBST_FILTER} (an awk regular expression; empty matches every name).
 * docker-entrypoint.sh runs the scripts only when the command is `nginx` or `nginx-debug`, and
 * also behind an entrypoint script of the tree that ends `exec /docker-entrypoint.sh "$@"`.
 *
 * The container is a compose service (its `image:`, or the Dockerfile it builds or another service
 * of its project builds under that exact image name, `environment:`,
 * `env_file:` files of the tree, bind mounts and the Dockerfile's COPY) or a Dockerfile no
 * service builds (its ENV and COPY; whatever else `docker run -e`, an ECS task or a Kubernetes
 * manifest outside the tree sets is unknown); a Kubernetes container with its ConfigMaps is read in
 * readers/kubernetes/mounted-files.ts with the same script settings. `.stream-template` files go to a `stream` block the script
 * appends to the image's nginx.conf: they are not rendered here.
 */
import * as nodePath from 'path';
import { type Mount, placedSourceAt, placedTreeFiles } from '../launch/launch';
import { envFileValues, projectServices, projectVariablesOf, serviceBuilds, workflowTarget } from '../launch/docker';
import { asMappedText, Lookup, RawArg, VariableValue, writtenText } from '../kit/raw';
import { MappedText } from '../kit/mapped-text';
import { handedEnvironment, handsArgumentsTo, isShell, programPaths, runShell, runsItsArguments, scriptWordAt } from '../launch/program';
import { SHELL_SHEBANG } from '../../discovery/classify';
import { append } from '../../source/append';
import type { Span } from '../../source/span';
import { SourceText } from '../../source/text';
import { buildWithVariables, ComposeFile, parseCompose, serviceEnvironment, treeComposeReader } from './compose';
import { combineCommand, DockerCommand, dockerfilesByPath, DockerStage, parseDockerfile } from './dockerfile';
import { copiedFiles, PlacedFilesInput, TreeKind, treeKinds } from './placed-files';
import { lazyWorkflowBuilds, standaloneBuildContext } from './build-context';
import { InPlaceEdit, inPlaceEdits } from '../launch/in-place-edits';
import { WrittenTexts } from '../launch/written-texts';

/** One template file the image renders, with the container that renders it. */
export interface EnvsubstTemplate {
  /** The template (absolute path in the tree). */
  template: string;
  /** Where the script writes it in the container. */
  output: string;
  /**
   * The directory it writes every template to (NGINX_ENVSUBST_OUTPUT_DIR); `output` itself where
   * that file alone is written (a start-up command's envsubst, an edit in place).
   */
  outputDir: string;
  /** The start-up command that renders it (`envsubst … > output`); undefined for the image's own template script. */
  renderedBy?: Span;
  /** What envsubst does with each name: `unset` ones are not in its list and stay as written. */
  lookup: (name: string) => VariableValue;
  /** The compose file, Dockerfile or Kubernetes manifest that runs the container (absolute). */
  definedIn: string;
  /**
   * The container that renders it, named as readers/docker/placed-files.ts names the containers
   * of the files it places (a compose service): what it writes is there and in no other
   * container. Undefined where that name is not known (a Dockerfile's or a Kubernetes container).
   */
  containers?: string[];
  /**
   * The template's text when it is no file of the tree (a ConfigMap entry: its positions are the
   * manifest's); `template` is then its virtual path.
   */
  embedded?: SourceText;
  /** Not a template: an nginx file the container reads as it is (a ConfigMap's `.conf` mounted into conf.d), placed like the rendered ones. */
  asIs?: boolean;
  /**
   * Not rendered by envsubst: a file the container's start-up script edits in place
   * (readers/launch/in-place-edits.ts), read as that edit leaves it; `lookup` is not used.
   */
  edit?: InPlaceEdit;
  /**
   * Read only where an include names it, not as a config of its own: text a command writes
   * (launch/written-texts.ts) outside nginx's own `*.conf` files.
   */
  includedOnly?: boolean;
  /**
   * One deployment's root, under which its rendered files are placed: the templates of one root
   * rendered to one path are one file. The compose project's directory by default (its services
   * share what they render); a Kubernetes workload is a root of its own.
   */
  deployment?: string;
}

/**
 * Variables the image itself sets (docker-nginx mainline/debian/Dockerfile ENV; PATH, HOME and
 * HOSTNAME come from Docker): defined, so replaced, with values the tree does not say.
 */
const IMAGE_VARIABLES = ['NGINX_VERSION', 'NJS_VERSION', 'NJS_RELEASE', 'PKG_RELEASE', 'DYNPKG_RELEASE', 'PATH', 'HOME', 'HOSTNAME'];

/**
 * Whether an image reference names the official nginx image (or its unprivileged variant, which
 * ships the same entrypoint scripts) at a release that renders templates (1.19 and later).
 */
export function isOfficialNginxImage(reference: string): boolean {
  const withoutDigest = reference.trim().split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', slash + 1);
  const name = (colon === -1 ? withoutDigest : withoutDigest.slice(0, colon))
    .toLowerCase()
    .replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '')
    .replace(/^library\//, '');
  if (name !== 'nginx' && name !== 'nginxinc/nginx-unprivileged' && name !== 'public.ecr.aws/nginx/nginx') return false;
  const tag = colon === -1 ? 'latest' : withoutDigest.slice(colon + 1);
  const version = /^(\d+)\.(\d+)/.exec(tag);
  return !version || Number(version[1]) > 1 || Number(version[2]) >= 19;
}

interface Container {
  definedIn: string;
  /** Its name for the include resolver (EnvsubstTemplate.containers). */
  containers?: string[];
  env: Map<string, VariableValue>;
  /**
   * What a name the tree does not define holds: `unknown` where the environment is open (an
   * env_file outside the tree; a Dockerfile's container, whose `docker run -e`, ECS task or
   * Kubernetes env the tree does not show).
   */
  others: 'unset' | 'unknown';
  /** Tree files and directories placed in the container. */
  placed: { source: string; target: string }[];
}

export function envsubstTemplates(input: PlacedFilesInput): EnvsubstTemplate[] {
  const kindOf = treeKinds(input.treeFiles);
  const dockerfile = dockerfilesByPath(input);
  const treeFiles = new Set(input.treeFiles);
  const containers: Container[] = [];
  /** Every container with the command it runs, for the envsubst its start-up script may run. */
  const commanded: { container: Container; args: RawArg[]; cwd?: string }[] = [];
  /** Every container with its image's stage and command, for the files their commands write. */
  const writers: { container: Container; stage?: DockerStage; args?: RawArg[]; cwd?: string }[] = [];
  const built = new Set<string>();

  const composeFiles: ComposeFile[] = [];
  const readCompose = treeComposeReader(input.treeFiles, input.readText, input.displayPath);
  for (const path of input.composeFiles) {
    const text = input.readText(path);
    if (text !== undefined) composeFiles.push(parseCompose(new SourceText(input.displayPath(path), text), path, readCompose));
  }
  const services = projectServices(composeFiles);
  const readEnvFile = (path: string) => {
    const text = treeFiles.has(path) ? input.readText(path) : undefined;
    return text === undefined ? undefined : new SourceText(input.displayPath(path), text);
  };
  const variablesOf = projectVariablesOf(readEnvFile);
  const workflowBuilds = lazyWorkflowBuilds(input);
  const buildOf = serviceBuilds(services, workflowBuilds);
  for (const { compose, service } of services) {
    let stage: DockerStage | undefined;
    const placed: Container['placed'] = service.volumes.map((mount: Mount) => ({ source: mount.source, target: mount.target }));
    const builtBy = buildOf({ compose, service });
    const build = builtBy && buildWithVariables(builtBy, variablesOf(compose.path));
    if (build) {
      built.add(build.dockerfile);
      const read = dockerfile(build.dockerfile);
      if (!read) continue; // built from a Dockerfile the tree does not hold: its image is unknown
      const file = build.args ? parseDockerfile(read.source, build.args) : read;
      stage = build.target ? file.stages.find((candidate) => candidate.name === build.target) : file.stages[file.stages.length - 1];
      if (!stage) continue;
      for (const copied of copiedFiles(file.source.text, build.context, kindOf)) placed.push(copied);
    }
    const image = stage ? rootImage(stage) : service.image?.value;
    const entrypoint = service.entrypoint ? composeCommand(service.entrypoint.args, service.entrypoint.source) : stage?.entrypoint;
    const cmd = service.command ? composeCommand(service.command.args, service.command.source) : service.entrypoint ? undefined : stage?.cmd;
    const env = imageEnvironment();
    for (const [name, value] of stage?.env ?? []) env.set(name, valueOf(value));
    // env_file values come first, `environment:` wins (compose-spec 05-services.md env_file).
    for (const envFile of service.envFiles) {
      const source = envFile.path === undefined ? undefined : readEnvFile(envFile.path); // not in the tree: its names are unknown
      if (source) for (const [name, value] of envFileValues(source)) env.set(name, valueOf(value));
    }
    for (const [name, value] of serviceEnvironment(service, variablesOf(compose.path))) env.set(name, valueOf(value));
    // An env_file outside the tree (a gitignored .env) may define any name.
    const external = service.envFiles.some((envFile) => envFile.path === undefined || !treeFiles.has(envFile.path));
    // The compose service, keyed as placed-files.ts keys it; an image a workflow or another service
    // builds may be named there by its Dockerfile instead, so its container is left unnamed.
    const named = !build || service.build ? [`${nodePath.dirname(compose.path)}\0${service.name}`] : undefined;
    const container: Container = { definedIn: compose.path, ...(named ? { containers: named } : {}), env, others: external ? 'unknown' : 'unset', placed };
    const command = combineCommand(entrypoint, cmd);
    const cwd = service.workingDir?.value ?? stage?.workdir?.value;
    if (command) commanded.push({ container, args: command.args, cwd });
    writers.push({ container, stage, args: command?.args, cwd });
    if (!image || !isOfficialNginxImage(image) || !runsTemplateScripts(entrypoint, cmd, wrapperOf(container, cwd ?? '/', input, kindOf))) continue;
    containers.push(container);
  }
  const standaloneContext = standaloneBuildContext(input, kindOf, workflowBuilds);
  for (const path of input.dockerfiles) {
    if (built.has(path)) continue;
    const file = dockerfile(path);
    const target = workflowTarget(path, workflowBuilds);
    const stage = target ? file?.stages.find((candidate) => candidate.name === target) : file?.stages[file.stages.length - 1];
    if (!file || !stage) continue;
    const env = imageEnvironment();
    for (const [name, value] of stage.env) env.set(name, valueOf(value));
    const container: Container = {
      definedIn: path,
      env,
      others: 'unknown',
      placed: copiedFiles(file.source.text, standaloneContext(path, file.source.text), kindOf),
    };
    const command = combineCommand(stage.entrypoint, stage.cmd);
    if (command) commanded.push({ container, args: command.args, cwd: stage.workdir?.value });
    writers.push({ container, stage, args: command?.args, cwd: stage.workdir?.value });
    if (
      !isOfficialNginxImage(rootImage(stage)) ||
      !runsTemplateScripts(stage.entrypoint, stage.cmd, wrapperOf(container, stage.workdir?.value ?? '/', input, kindOf))
    )
      continue;
    containers.push(container);
  }

  const templates: EnvsubstTemplate[] = [];
  for (const container of containers) {
    const script = templateScript(container.env, container.others);
    if (!script) continue;
    for (const { file, target } of placedTreeFiles(container.placed, input.treeFiles)) {
      const output = script.outputOf(target);
      if (output !== undefined)
        templates.push({
          template: file,
          output,
          outputDir: script.outputDir,
          lookup: script.lookup,
          definedIn: container.definedIn,
          containers: container.containers,
        });
    }
  }
  for (const { container, args, cwd } of commanded) {
    append(templates, scriptedTemplates(container, args, cwd ?? '/', input, kindOf));
    append(templates, scriptedEdits(container, args, cwd ?? '/', input, kindOf));
  }
  for (const writer of writers) append(templates, writtenTextTemplates(writer.container, writer.stage, writer.args, writer.cwd ?? '/', input, kindOf));
  return templates;
}

/** What the template script of a container does, as its environment sets it up. */
export interface TemplateScript {
  /** Where it writes the template that is at `target` in the container; undefined when it does not render it. */
  outputOf: (target: string) => string | undefined;
  outputDir: string;
  lookup: (name: string) => VariableValue;
}

/**
 * The script's settings from a container's environment; undefined where the templates' place or
 * their output's is not known (they stay read as templates). `others` is what a name the tree
 * does not define holds: `unknown` where the environment is open.
 */
export function templateScript(env: Map<string, VariableValue>, others: 'unset' | 'unknown'): TemplateScript | undefined {
  // The script's own settings are taken from what the tree says: an env_file outside it rarely
  // moves the templates, and assuming so would leave every such deployment unrendered.
  const setting = (name: string, fallback: string): string | undefined => {
    const value = env.get(name);
    // `${X:-default}`: an empty value takes the default too.
    if (value === undefined || value === 'unset' || (value !== 'unknown' && value.value === '')) return fallback;
    return value === 'unknown' ? undefined : value.value;
  };
  const templateDir = setting('NGINX_ENVSUBST_TEMPLATE_DIR', '/etc/nginx/templates');
  const suffix = setting('NGINX_ENVSUBST_TEMPLATE_SUFFIX', '.template');
  const outputDir = setting('NGINX_ENVSUBST_OUTPUT_DIR', '/etc/nginx/conf.d');
  const filter = setting('NGINX_ENVSUBST_FILTER', '');
  if (templateDir === undefined || suffix === undefined || outputDir === undefined) return undefined;
  const dir = nodePath.posix.normalize(templateDir).replace(/(.)\/+$/, '$1');
  return {
    outputOf: (target) => {
      if (!target.startsWith(dir + '/')) return undefined;
      const relative = target.slice(dir.length + 1);
      // `find -name "*$suffix"`: the base name ends with the suffix (the stream suffix is another one).
      if (!nodePath.posix.basename(relative).endsWith(suffix) || (relative.endsWith('.stream-template') && suffix !== '.stream-template')) return undefined;
      return nodePath.posix.join(outputDir, relative.slice(0, relative.length - suffix.length));
    },
    outputDir: nodePath.posix.normalize(outputDir).replace(/(.)\/+$/, '$1'),
    lookup: envsubstLookup(env, others, filter),
  };
}

/** The image a stage starts from, through the stages of its own Dockerfile. */
function rootImage(stage: DockerStage): string {
  let current = stage;
  while (current.baseStage) current = current.baseStage;
  return current.base;
}

function composeCommand(words: RawArg[], source: SourceText): DockerCommand {
  return { form: 'exec', words, shell: [], source, start: 0, end: 0 };
}

/**
 * Whether docker-entrypoint.sh runs and reaches its scripts: the image's own entrypoint (or
 * /docker-entrypoint.sh named again, or a script of the tree that ends handing its arguments to
 * it: `wrapper`) and a command that starts with `nginx` or `nginx-debug` (a shell-form CMD starts
 * with /bin/sh and skips them).
 */
function runsTemplateScripts(
  entrypoint: DockerCommand | undefined,
  cmd: DockerCommand | undefined,
  wrapper: (args: RawArg[]) => RawArg[] | undefined,
): boolean {
  const command = combineCommand(entrypoint, cmd)?.args;
  let args = command?.map((arg) => (arg.unresolved.length > 0 ? undefined : arg.value));
  if (entrypoint) {
    const handed = command && args?.[0] !== '/docker-entrypoint.sh' ? wrapper(command) : undefined;
    if (handed) args = handed.map((arg) => (arg.unresolved.length > 0 ? undefined : arg.value));
    else if (!args || args[0] !== '/docker-entrypoint.sh') return false;
    else args = args.slice(1);
  }
  // No command: the image's CMD, `nginx -g 'daemon off;'`.
  if (!args || args.length === 0) return true;
  return args[0] === 'nginx' || args[0] === 'nginx-debug';
}

export function imageEnvironment(): Map<string, VariableValue> {
  return new Map(IMAGE_VARIABLES.map((name) => [name, 'unknown' as VariableValue]));
}

function valueOf(raw: RawArg): VariableValue {
  if (raw.unresolved.length > 0) return 'unknown';
  // Only a value written as it is (no quotes, escapes or expansions) can be edited in place.
  const plain = writtenText(raw) === raw.value;
  return plain ? { value: raw.value, writtenAt: { source: raw.source, start: raw.start, end: raw.end } } : { value: raw.value };
}

/**
 * What envsubst does with a name: defined_envs lists the environment's names that match the
 * filter. An unknown filter (or one JavaScript cannot read as the awk expression it is) leaves
 * every defined name's fate unknown.
 */
function envsubstLookup(env: Map<string, VariableValue>, others: 'unset' | 'unknown', filter: string | undefined): (name: string) => VariableValue {
  let pattern: RegExp | undefined;
  try {
    pattern = filter === undefined ? undefined : new RegExp(filter);
  } catch {
    pattern = undefined;
  }
  return (name) => {
    // nginx's own variables are lower-case ($host, $remote_addr) and environments practically
    // never define such names: an open environment leaves them as written.
    const value = env.get(name) ?? (others === 'unknown' && /[A-Z]/.test(name) ? 'unknown' : 'unset');
    if (value === 'unset') return 'unset';
    if (!pattern) return 'unknown';
    return pattern.test(name) ? value : 'unset';
  };
}

/**
 * A container's entrypoint script of the tree that ends with `exec /docker-entrypoint.sh "$@"`
 * (openmrs's gateway, a wrapper that logs or exports first): the image's entrypoint then runs with
 * the script's arguments, which this gives. What the script exports by then joins the
 * container's environment (the image's scripts and envsubst see it). Whatever else it does is
 * not read: a template it copies into place in an `if` is not one the image holds.
 */
function wrapperOf(container: Container, cwd: string, input: PlacedFilesInput, kindOf: TreeKind): (args: RawArg[]) => RawArg[] | undefined {
  return (args) => {
    const script = treeScriptOf(args, cwd, container, input, kindOf);
    if (!script) return undefined;
    const handed = handsArgumentsTo(runShell(script.text, containerLookup(container)).steps, containerLookup(container));
    if (handed?.program.value !== '/docker-entrypoint.sh') return undefined;
    for (const [name, value] of [...handed.step.exported, ...handed.step.prefixEnv]) container.env.set(name, valueOf(value));
    return args.slice(script.at + 1);
  };
}

/** What a container's variables hold for a command it runs: known where its environment gives them. */
function containerLookup(container: Container): Lookup {
  return (name) => {
    const value = container.env.get(name);
    return value === undefined || typeof value === 'string' ? 'unknown' : { value: value.value };
  };
}

/**
 * The shell script of the tree a command runs, as the container sees it (its first word, or the
 * one after a shell; a bare name on PATH: frappe_docker's `command: ["nginx-entrypoint.sh"]`),
 * with the index of its word.
 */
function treeScriptOf(
  args: RawArg[],
  cwd: string,
  container: Container,
  input: PlacedFilesInput,
  kindOf: TreeKind,
): { text: MappedText; at: number } | undefined {
  const words = args.map((arg) => (arg.unresolved.length > 0 ? '' : arg.value));
  const found = scriptWordAt(words);
  if (found === undefined) return undefined;
  const { word, index } = found;
  const candidates = programPaths(word, cwd);
  const treePath = candidates.map((path) => placedSourceAt(path, container.placed)).find((path) => path !== undefined && kindOf(path) === 'file');
  const source = treePath === undefined ? undefined : input.readText(treePath);
  if (source === undefined || !(treePath!.endsWith('.sh') || SHELL_SHEBANG.test(source.slice(0, 256)))) return undefined;
  return { text: MappedText.of(new SourceText(input.displayPath(treePath!), source)), at: index };
}

/**
 * The templates a container's own start-up command renders with envsubst: `sh -c "envsubst <
 * /tmp/nginx.conf > /etc/nginx/conf.d/default.conf && nginx …"` in compose, or a script of the
 * tree it runs (`/app/start.sh` with `envsubst '$FLASK_SERVER_ADDR' < /tmp/default.conf > …`).
 * Only a render the command always makes counts (not inside `if`, a loop or a function no call
 * surely runs: function-calls.ts), with
 * literal paths, the input a tree file the container gets. GNU envsubst replaces the names its
 * argument lists (every `$NAME` and `${NAME}` without one), a name the environment lacks by
 * nothing at all, and leaves the rest as written.
 */
function scriptedTemplates(container: Container, args: RawArg[], cwd: string, input: PlacedFilesInput, kindOf: TreeKind): EnvsubstTemplate[] {
  return startupTexts(container, args, cwd, input, kindOf).flatMap((run) => renderedTemplates(run.text, run.container, run.cwd, kindOf));
}

/** The renders of one start-up text, as the container it runs in sees them. */
function renderedTemplates(text: MappedText, container: Container, cwd: string, kindOf: TreeKind): EnvsubstTemplate[] {
  const templates: EnvsubstTemplate[] = [];
  const { steps } = runShell(text, containerLookup(container));
  for (let index = 0; index < steps.length; index++) {
    const step = steps[index];
    if (step.depth !== 0 || step.args[0]?.unresolved.length !== 0 || nodePath.posix.basename(step.args[0].value) !== 'envsubst') continue;
    const operands = step.args.slice(1);
    if (operands.some((arg) => arg.unresolved.length > 0 || arg.value.startsWith('-'))) continue;
    const into = step.redirects.filter((redirect) => redirect.operator === '>' && (redirect.fd === undefined || redirect.fd === 1));
    const from = step.redirects.find((redirect) => redirect.operator === '<' && redirect.fd === undefined)?.target;
    const previous = index > 0 && steps[index - 1].pipesInto ? steps[index - 1].args : undefined;
    const source = from ?? (previous?.length === 2 && previous[0].value === 'cat' ? previous[1] : undefined);
    if (into.length !== 1 || !source || source.unresolved.length > 0 || into[0].target.unresolved.length > 0) continue;
    const output = nodePath.posix.resolve(cwd, into[0].target.value);
    const template = placedSourceAt(nodePath.posix.resolve(cwd, source.value), container.placed);
    if (template === undefined || kindOf(template) !== 'file') continue;
    // `envsubst '$A ${B}'`: the names listed; no argument: every name in the text.
    const listed =
      operands.length === 0
        ? undefined
        : new Set(
            [
              ...operands
                .map((arg) => arg.value)
                .join(' ')
                .matchAll(SHELL_FORMAT_NAME),
            ].map((match) => match[1] ?? match[2]),
          );
    templates.push({
      template,
      output,
      // That file alone: the rest of its directory is what the image or the mounts put there
      // (hypothesis/via's `COPY . .` into the WORKDIR its CMD renders nginx_envsubst.conf in).
      outputDir: output,
      renderedBy: step.args[0].source.span(step.start, step.end),
      lookup: scriptedLookup(container, listed),
      definedIn: container.definedIn,
      containers: container.containers,
    });
  }
  return templates;
}

/** Shell text a container runs at start, with the container as it sees it and where it starts. */
interface StartupText {
  text: MappedText;
  /** The container with what the scripts before it exported added to its environment. */
  container: Container;
  cwd: string;
}

/** A command a container runs at start: its words, in the container as it sees it, from `cwd`. */
interface StartupCommand {
  container: Container;
  args: RawArg[];
  cwd: string;
}

/**
 * The shell texts a container's command runs at start, in order: `sh -c "…"`, or a script of the
 * tree. A script that ends by running its arguments (`exec "$@"`, `exec gosu app "$@"`:
 * runsItsArguments, as the launch readers follow an entrypoint) runs the rest of the command
 * next, an ENTRYPOINT getting the command as its arguments (Dockerfile reference, "Understand how
 * CMD and ENTRYPOINT interact"), with the variables the script exported by then and from the
 * directory it moved to: frappe_docker's entrypoint.sh, then compose's `command:
 * [nginx-entrypoint.sh]`. The words shrink at each hand-over, so the chain ends.
 */
function startupTexts(container: Container, args: RawArg[], cwd: string, input: PlacedFilesInput, kindOf: TreeKind): StartupText[] {
  const texts: StartupText[] = [];
  let next: StartupCommand | undefined = { container, args, cwd };
  while (next) {
    const [first, second, third] = next.args;
    if (!first || first.unresolved.length > 0) break;
    if (isShell(first.value) && second?.value === '-c' && third) {
      texts.push({ text: asMappedText(third), container: next.container, cwd: next.cwd });
      break;
    }
    const script = treeScriptOf(next.args, next.cwd, next.container, input, kindOf);
    if (!script) break;
    texts.push({ text: script.text, container: next.container, cwd: next.cwd });
    next = handedOver(script, next);
  }
  return texts;
}

/**
 * The command a script of the tree runs when it ends by running its arguments: the words after the
 * script's own, in the container with the script's exports; undefined for any other ending, and
 * where a `cd` leaves its directory unknown.
 */
function handedOver(script: { text: MappedText; at: number }, run: StartupCommand): StartupCommand | undefined {
  const lookup = containerLookup(run.container);
  const ending = runsItsArguments(runShell(script.text, lookup).steps, lookup);
  if (!ending) return undefined;
  const moved = ending.step.cwd;
  if (moved && moved.unresolved.length > 0) return undefined;
  const env = new Map(run.container.env);
  for (const [name, value] of handedEnvironment(ending)) env.set(name, valueOf(value));
  return {
    container: { ...run.container, env },
    args: run.args.slice(script.at + 1),
    cwd: moved ? nodePath.posix.resolve(run.cwd, moved.value) : run.cwd,
  };
}

/**
 * Tree files the container's start-up command edits in place before nginx starts (`sed -i`,
 * `awk … F > T; mv T F`): each is read as the edit leaves it, in this container only. An edit in
 * an `if` counts too: the file may be edited, so its text is not certainly what nginx reads.
 */
function scriptedEdits(container: Container, args: RawArg[], cwd: string, input: PlacedFilesInput, kindOf: TreeKind): EnvsubstTemplate[] {
  const edits = startupTexts(container, args, cwd, input, kindOf).flatMap((run) =>
    inPlaceEdits(runShell(run.text, containerLookup(run.container)).steps, run.cwd),
  );
  return edits.flatMap((edit) => {
    const file = placedSourceAt(edit.path, container.placed);
    if (file === undefined || kindOf(file) !== 'file') return [];
    return [
      {
        template: file,
        output: edit.path,
        // The file alone is replaced: the rest of its directory stays as the tree places it.
        outputDir: edit.path,
        lookup: () => 'unset' as const,
        definedIn: container.definedIn,
        containers: container.containers,
        edit,
        // Each compose file or Dockerfile a deployment of its own: akvo-rsr's Dockerfile-nginx and
        // Dockerfile-nginx-maintenance each COPY their own file to the conf.d/default.conf their start.sh edits.
        deployment: container.definedIn,
      },
    ];
  });
}

/**
 * The files a container holds with text a command wrote (launch/written-texts.ts): its image's
 * RUN instructions, in order, then its start-up command or the script of the tree it runs, up to
 * the command that starts the server. A path the Dockerfile also copies or a mount also covers
 * holds either text: nothing is read for it. Each is read as it is; where nginx does not read it
 * as its own config (`*.conf` under /etc/nginx), only when an include names it.
 */
function writtenTextTemplates(
  container: Container,
  stage: DockerStage | undefined,
  args: RawArg[] | undefined,
  cwd: string,
  input: PlacedFilesInput,
  kindOf: TreeKind,
): EnvsubstTemplate[] {
  const written = new WrittenTexts();
  for (const run of stage?.runs ?? []) {
    if (run.text.trimStart().startsWith('[')) continue; // exec form: no shell
    // A build's variables are the Dockerfile's ENV and ARG; the base image's are not known.
    const { steps, groups } = runShell(run.script, (name) => {
      const variable = run.variable(name)?.value;
      return variable && variable.unresolved.length === 0 ? { value: variable.value } : 'unknown';
    });
    written.run(steps, groups, undefined, false);
  }
  for (const run of args ? startupTexts(container, args, cwd, input, kindOf) : []) {
    const { steps, groups } = runShell(run.text, containerLookup(run.container));
    written.run(steps, groups, run.cwd, true);
  }
  const templates: EnvsubstTemplate[] = [];
  for (const [output, source] of written.texts()) {
    const placed = placedSourceAt(output, container.placed);
    if (placed !== undefined && kindOf(placed) !== undefined) continue;
    templates.push({
      // One text for every container that writes it alike (two compose files of one directory).
      template: `${source.file}\0${output}`,
      output,
      // In nginx's own directories a written file sits beside the image's (conf.d/*.conf lists it);
      // elsewhere (`/etc/timezone`, `/run/app/uwsgi_pass`) it replaces that file alone.
      outputDir: output.startsWith('/etc/nginx/') ? nodePath.posix.dirname(output) : output,
      lookup: () => 'unset',
      definedIn: container.definedIn,
      containers: container.containers,
      embedded: source,
      asIs: true,
      // Each compose file (or Dockerfile) a deployment of its own: two in one directory that build one image differently (JeecgBoot's docker-compose.yml and docker-compose-cloud.yml) each keep their text.
      deployment: container.definedIn,
      ...(output.startsWith('/etc/nginx/') && output.endsWith('.conf') ? {} : { includedOnly: true }),
    });
  }
  return templates;
}

/** A name in envsubst's SHELL-FORMAT argument: `$NAME` or `${NAME}`. */
const SHELL_FORMAT_NAME = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** What envsubst writes for a name: a listed (or, without a list, any) name's value, or nothing when the environment lacks it. */
function scriptedLookup(container: Container, listed: Set<string> | undefined): (name: string) => VariableValue {
  return (name) => {
    if (listed && !listed.has(name)) return 'unset';
    const value = container.env.get(name);
    if (value !== undefined && value !== 'unset') return value;
    // An open environment may define an upper-case name; nginx's own lower-case ones it never does.
    return container.others === 'unknown' && /[A-Z]/.test(name) ? 'unknown' : { value: '' };
  };
}
