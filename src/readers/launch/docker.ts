/**
 * Launches from Dockerfiles and compose services. A compose service that builds a Dockerfile of
 * the tree starts from that image's ENTRYPOINT, CMD, ENV, STOPSIGNAL, WORKDIR and USER, and
 * overrides them (`entrypoint:` also drops the image's CMD); such a Dockerfile gives no launch
 * of its own, so one process is not counted twice. A service whose `image:` is the exact name
 * another service of its project builds, or an image its repository's workflows build and tag,
 * runs that image (serviceBuilds); its `build.args` reach the Dockerfile's ARGs. A Dockerfile no
 * compose service builds gives the launch of its last stage (or of the `target:` its workflows
 * build), its COPY read from the context the tree shows (readers/docker/build-context.ts). A
 * service with an image from elsewhere and a `command:` runs that command (the image's own ENTRYPOINT is not in the tree; the command is
 * read as the process).
 *
 * The compose files of one directory are one project. `compose.override.yaml` (and the
 * `docker-compose.` spelling) is merged into the base file the way `docker compose up` does; a
 * service in another file of the directory (`docker-compose.prod.yml`) that names neither `image`
 * nor `build` only makes sense on top of the base file's service, so it is merged too, as a second
 * way the service runs; one that names them is a service of its own.
 */
import * as nodePath from 'path';
import type { ComposeContainer } from './launch';
import type { ComposeScope, Launch, Mount } from './launch';
import type { Span } from '../../source/span';
import type { ReaderDiagnostic } from '../../source/diagnostic';
import type { SourceText } from '../../source/text';
import type { ComposeCommand, ComposeFile, ComposeService, ProjectVariables, ServiceBuild } from '../docker/compose';
import { buildWithVariables, interpolate, mergeService, serviceEnvironment, withComposeDefaults } from '../docker/compose';
import { imageName, sameImage, WorkflowBuild } from '../docker/build-context';
import { copiedFiles, TreeKind } from '../docker/placed-files';
import { combineCommand, DockerCommand, Dockerfile, DockerStage, parseDockerfile } from '../docker/dockerfile';
import { assembleLaunch } from './assemble';
import type { PassThrough } from './program';
import { literalArg, lookupIn, RawArg } from '../kit/raw';
import { normalizeSignal } from './systemd';
import { append } from '../../source/append';
import { ImageReference, imageReferenceOf } from '../docker';

function overriding(command: ComposeCommand): DockerCommand {
  return { form: 'exec', words: command.args, shell: [], source: command.source, start: command.start, end: command.end };
}

function signal(raw: RawArg | undefined): Launch['stopSignal'] {
  if (!raw || raw.unresolved.length > 0)
    return raw ? { value: raw.source.text.slice(raw.start, raw.end), span: raw.source.span(raw.start, raw.end) } : { value: 'SIGTERM' };
  return { value: normalizeSignal(raw.value), span: raw.source.span(raw.start, raw.end) };
}

/**
 * The image a stage starts from, through the stages it is built on (`FROM base` after `FROM
 * tomcat:10.1 AS base`); undefined when a variable names it (a `--build-arg` may replace it).
 */
function stageBaseImage(stage: DockerStage, source: SourceText): ImageReference | undefined {
  let root = stage;
  while (root.baseStage) root = root.baseStage;
  const at = source.text.slice(root.start, root.end).indexOf(root.base);
  if (root.base === '' || root.base.includes('$') || at === -1) return undefined;
  const start = root.start + at;
  return imageReferenceOf(root.base, source.span(start, start + root.base.length));
}

/** A compose `image:` written out (no variable in it). */
function composeImage(image: RawArg | undefined): ImageReference | undefined {
  if (!image || image.unresolved.length > 0 || image.value === '') return undefined;
  return imageReferenceOf(image.value, image.source.span(image.start, image.end));
}

function finalStage(dockerfile: Dockerfile, target?: string): DockerStage | undefined {
  if (target) return dockerfile.stages.find((stage) => stage.name === target);
  return dockerfile.stages[dockerfile.stages.length - 1];
}

/**
 * The stage the tree's workflows build of a Dockerfile no compose service builds: their one
 * `target:` when every step that builds it names the same (InvenTree's `target: production` of a
 * Dockerfile whose last stage is for development); else the last stage, as `docker build` makes.
 */
export function workflowTarget(dockerfile: string, workflowBuilds: () => WorkflowBuild[]): string | undefined {
  const steps = workflowBuilds().filter((build) => build.dockerfile === dockerfile);
  const targets = new Set(steps.map((build) => (build.stageKnown ? build.target : undefined)));
  return targets.size === 1 ? [...targets][0] : undefined;
}

export function dockerLaunches(
  dockerfiles: Map<string, Dockerfile>,
  composeFiles: ComposeFile[],
  passThrough: PassThrough,
  problems: ReaderDiagnostic[],
  /** An env_file of the tree, read; undefined for one the tree does not hold (gitignored `.env`). */
  readEnvFile: (path: string) => SourceText | undefined = () => undefined,
  /** What the tree holds at a path, for the files a Dockerfile COPYs. */
  treeKind: TreeKind = () => undefined,
  /** The build context of a Dockerfile no compose service builds (readers/docker/build-context.ts). */
  standaloneContext: (dockerfile: string, text: string) => string = (dockerfile) => nodePath.dirname(dockerfile),
  /** The tree's GitHub Actions builds (readers/docker/build-context.ts), read on first use. */
  workflowBuilds: () => WorkflowBuild[] = () => [],
): { launches: Launch[]; containers: ComposeContainer[] } {
  const launches: Launch[] = [];
  const containers: ComposeContainer[] = [];
  const built = new Set<Dockerfile>();

  const services = projectServices(composeFiles);
  const buildOf = serviceBuilds(services, workflowBuilds);
  const variablesOf = projectVariablesOf(readEnvFile);
  const startedByDefault = startedByPlainUp(services, variablesOf);
  for (const { compose, service } of services) {
    const scope: ComposeScope = {
      project: nodePath.posix.dirname(compose.source.file),
      published: service.ports,
      aliases: service.aliases,
      links: service.links,
      extraHosts: service.extraHosts,
      sharedNetworks: service.sharedNetworks,
      ...(service.networkMode?.value.startsWith('service:') ? { sharesNetworkWith: service.networkMode.value.slice('service:'.length) } : {}),
      ...(service.networkMode?.value.startsWith('container:') ? { sharesContainerNetwork: service.networkMode.value.slice('container:'.length) } : {}),
    };
    const variables = variablesOf(compose.path);
    const builtBy = buildOf({ compose, service });
    // Its `context`, `dockerfile` and `target` with the project's `.env` (`target: ${TARGET_TAG:-debug}`).
    const build = builtBy && buildWithVariables(builtBy, variables);
    const environment = serviceEnvironment(service, variables);
    const builtFile = build ? dockerfiles.get(build.dockerfile) : undefined;
    // The build's arguments reach the Dockerfile's ARGs (`FROM ${TARGET}` picks its stage with them).
    const dockerfile = builtFile && build?.args ? parseDockerfile(builtFile.source, build.args) : builtFile;
    // Bind mounts first: one over a path the image also has is what the container sees.
    const displayDir = nodePath.posix.dirname(compose.source.file);
    const display = (path: string) =>
      nodePath.posix.normalize(nodePath.posix.join(displayDir, nodePath.relative(nodePath.dirname(compose.path), path).split(nodePath.sep).join('/')));
    const mounts = [...service.volumes, ...(dockerfile && build ? imageFiles(dockerfile, build.context, treeKind, display) : [])];
    const stage = dockerfile ? finalStage(dockerfile, build?.target) : undefined;
    const entrypoint = service.entrypoint ? overriding(service.entrypoint) : stage?.entrypoint;
    const cmd = service.command ? overriding(service.command) : service.entrypoint ? undefined : stage?.cmd;
    const baseImage = stage && dockerfile ? stageBaseImage(stage, dockerfile.source) : build ? undefined : composeImage(service.image);
    // Every service, started from the tree or not (an nginx image with mounted configs).
    containers.push({
      ...scope,
      service: service.name,
      file: compose.source.file,
      mounts,
      hostNetwork: Boolean(service.hostNetwork),
      dependsOn: service.dependsOn,
      keySpan: compose.source.span(service.start, service.end),
      ...(service.image ? { image: service.image.value } : {}),
      ...(service.restart ? { restart: service.restart } : {}),
      ...(service.profiles && service.profiles.names.length > 0
        ? {
            profiles: {
              names: service.profiles.names.map((name) => name.value),
              span: service.profiles.span,
              ...(startedByDefault.get(service) !== undefined ? { startedByPlainUp: startedByDefault.get(service) } : {}),
            },
          }
        : {}),
      ...(baseImage ? { baseImage } : {}),
      ...(!entrypoint && !cmd && (stage || !build) ? { imageCommand: { environment: [...(stage?.env.keys() ?? []), ...environment.keys()] } } : {}),
    });
    if (builtFile) built.add(builtFile);
    if (!stage && !service.command && !service.entrypoint) continue;

    const combined = combineCommand(entrypoint, cmd);
    if (!combined) continue;

    // env_file values come before `environment:`, which wins (compose-spec 05-services.md env_file).
    const fromFiles = new Map<string, RawArg>();
    const externalEnv: Span[] = [];
    for (const envFile of service.envFiles) {
      const source = envFile.path !== undefined ? readEnvFile(envFile.path) : undefined;
      if (source) for (const [name, value] of envFileValues(source)) fromFiles.set(name, value);
      else externalEnv.push(envFile.span);
    }
    const env = new Map<string, RawArg>([...(stage?.env ?? []), ...fromFiles, ...environment]);
    const launch = assembleLaunch({
      kind: 'compose',
      file: compose.source.file,
      args: combined.args,
      env,
      // A name the compose file does not give is unset, unless an env_file outside the tree may give it.
      lookup: lookupIn(env, externalEnv.length > 0 ? 'unknown' : 'unset'),
      service: service.name,
      span: combined.from.source.span(combined.from.start, combined.from.end),
      stopSignal: signal(service.stopSignal ?? stage?.stopSignal),
      workingDirectory: service.workingDir ?? stage?.workdir,
      user: service.user ?? stage?.user,
      externalEnv,
      container: { hostNetwork: Boolean(service.hostNetwork), ...(service.hostNetwork ? { span: service.hostNetwork } : {}) },
      mounts,
      compose: scope,
      ...(service.build ? { build: { context: display(service.build.context), dockerfile: display(service.build.dockerfile) } } : {}),
      passThrough,
      problems,
    });
    if (launch) launches.push(launch);
  }

  for (const [path, dockerfile] of dockerfiles) {
    if (built.has(dockerfile)) continue;
    const target = workflowTarget(path, workflowBuilds);
    const stage = finalStage(dockerfile, target);
    if (!stage) continue;
    const combined = combineCommand(stage.entrypoint, stage.cmd);
    if (!combined) continue;
    const launch = assembleLaunch({
      kind: 'dockerfile',
      file: dockerfile.source.file,
      args: combined.args,
      env: stage.env,
      lookup: lookupIn(stage.env, 'unknown'),
      span: combined.from.source.span(combined.from.start, combined.from.end),
      stopSignal: signal(stage.stopSignal),
      workingDirectory: stage.workdir,
      user: stage.user,
      externalEnv: [],
      container: { hostNetwork: false, ...(stage.entrypoint && !stage.cmd ? { argumentsAtRun: true } : {}) },
      mounts: imageFiles(dockerfile, standaloneContext(path, dockerfile.source.text), treeKind, (copied) =>
        nodePath.posix.normalize(
          nodePath.posix.join(nodePath.posix.dirname(dockerfile.source.file), nodePath.relative(nodePath.dirname(path), copied).split(nodePath.sep).join('/')),
        ),
      ),
      passThrough,
      problems,
    });
    // The names its builds of this stage tag it with.
    const builtAs = workflowBuilds()
      .filter((build) => build.dockerfile === path && build.stageKnown && build.target === target)
      .flatMap((build) => build.images);
    if (launch) launches.push(builtAs.length > 0 ? { ...launch, builtAs } : launch);
  }
  return { launches, containers };
}

const BASE_FILE = /^(docker-)?compose\.ya?ml$/i;
const OVERRIDE_FILE = /^(docker-)?compose\.override\.ya?ml$/i;
/** An extra file its name declares an override (`docker-compose.override.dev.yml`): given with `-f` after the base. */
const NAMED_OVERRIDE = /(^|[.-])override[.-]/i;

/**
 * The services each project runs, override files merged in. `compose` is the file the service
 * is first defined in (its sysctls and ulimits are looked up there).
 */
export function projectServices(composeFiles: ComposeFile[]): { compose: ComposeFile; service: ComposeService }[] {
  const byDirectory = new Map<string, ComposeFile[]>();
  for (const file of composeFiles) {
    const directory = nodePath.dirname(file.path);
    byDirectory.set(directory, [...(byDirectory.get(directory) ?? []), file]);
  }
  const services: { compose: ComposeFile; service: ComposeService }[] = [];
  for (const files of byDirectory.values()) {
    const name = (file: ComposeFile) => nodePath.basename(file.path);
    const bases = files.filter((file) => BASE_FILE.test(name(file)));
    const overrides = files.filter((file) => OVERRIDE_FILE.test(name(file)));
    const others = files.filter((file) => !bases.includes(file) && !overrides.includes(file));
    // Compose reads compose.yaml before docker-compose.yml; a directory rarely has both.
    const base = bases.sort((a, b) => name(a).length - name(b).length)[0];
    const main = new Map<string, { compose: ComposeFile; service: ComposeService }>();
    for (const file of base ? [base, ...bases.slice(1)] : []) {
      for (const service of file.services) if (!main.has(service.name)) main.set(service.name, { compose: file, service });
    }
    for (const override of overrides) {
      for (const service of override.services) {
        const known = main.get(service.name);
        main.set(service.name, known ? { compose: known.compose, service: mergeService(known.service, service) } : { compose: override, service });
      }
    }
    append(services, main.values());
    for (const other of others) {
      // Each extra file goes over the base alone (`-f compose.yml -f compose.prod.yml`): merged
      // where it only adds to a service, or where its name says it overrides; else its own service.
      const declaredOverride = NAMED_OVERRIDE.test(name(other));
      for (const service of other.services) {
        const known = main.get(service.name);
        const overlay = known && (declaredOverride || (!service.image && !service.build));
        services.push(overlay ? { compose: known.compose, service: mergeService(known.service, service) } : { compose: other, service });
      }
    }
  }
  return services;
}

/**
 * The build each service runs: its own `build:`, else the one build of the services of its
 * project that build the exact image it names (`image: myapp:latest` beside a service with that
 * `image:` and `build: .`). Compose builds that image instead of pulling it, and ignores a failed
 * pull of it (docker/compose pkg/compose/pull.go, isServiceImageToBuild compares the image
 * strings), so the service starts from the Dockerfile's image. A name written with a variable is
 * compared as written: in one directory Compose interpolates it with the same `.env`. Else the one build of the
 * repository's GitHub Actions workflows that tags that image (`image: doccano/doccano:backend`
 * and a build-push-action step with `tags: doccano/doccano:backend`), or of a `docker build -t`
 * its workflows' `run:` steps or its Makefiles run (allegro/ralph's `make build-docker-image`):
 * the repository's own CI publishes what it pulls. The names are compared as Docker normalises them, the image's
 * `${VAR:-default}` taking its default as Compose does with no `.env`; a tag fixed on both sides
 * must be the same, and a step whose stage is an expression says nothing. Builders that disagree
 * on the Dockerfile, context, target or arguments leave it unknown.
 */
export function serviceBuilds(
  services: { compose: ComposeFile; service: ComposeService }[],
  workflowBuilds: () => WorkflowBuild[] = () => [],
): (entry: { compose: ComposeFile; service: ComposeService }) => ServiceBuild | undefined {
  // A name written with a variable (`kartoza/geoserver:${GS_VERSION}`) is the same image where the
  // same text is written in the same project directory: Compose interpolates both with its `.env`.
  const imageKey = (compose: ComposeFile, image: RawArg | undefined) => {
    if (!image || image.value === '') return undefined;
    const text = image.unresolved.length === 0 ? image.value : `\0${image.source.text.slice(image.start, image.end).replace(/^(["'])(.*)\1$/, '$2')}`;
    return `${nodePath.dirname(compose.path)}\0${text}`;
  };
  const builds = new Map<string, Map<string, ServiceBuild>>();
  for (const { compose, service } of services) {
    const key = imageKey(compose, service.image);
    if (key === undefined || !service.build) continue;
    const known = builds.get(key) ?? new Map();
    builds.set(key, known.set(buildKey(service.build), service.build));
  }
  return ({ compose, service }) => {
    if (service.build) return service.build;
    const key = imageKey(compose, service.image);
    const shared = key === undefined ? undefined : builds.get(key);
    if (shared) return shared.size === 1 ? [...shared.values()][0] : undefined;
    return service.image ? workflowBuildOf(compose.path, service.image.value, workflowBuilds) : undefined;
  };
}

/** The one build of the workflows of the compose file's repository that tags the image, if they agree on one. */
function workflowBuildOf(composePath: string, image: string, workflowBuilds: () => WorkflowBuild[]): ServiceBuild | undefined {
  // A name the tree does not give stands in for a variable without a default.
  const UNKNOWN = '\0';
  const written = withComposeDefaults(image, UNKNOWN);
  const name = written === undefined ? undefined : imageName(written);
  if (!name) return undefined;
  const wanted = name.tag?.includes(UNKNOWN) ? { repository: name.repository } : name;
  const tagging = workflowBuilds().filter(
    (build) => composePath.startsWith(build.workspace + nodePath.sep) && build.stageKnown && build.images.some((built) => sameImage(built, wanted)),
  );
  // A step that writes the tag itself is the one that publishes it; a metadata step's tags come
  // from the Git ref (doccano tags `doccano/doccano:backend` in one step, and `doccano/doccano` by
  // version in another).
  const writingTag =
    wanted.tag === undefined ? [] : tagging.filter((build) => build.images.some((built) => built.repository === wanted.repository && built.tag === wanted.tag));
  const found = new Map<string, ServiceBuild>();
  for (const build of writingTag.length > 0 ? writingTag : tagging) {
    const { dockerfile, context, target, args } = build;
    const serviceBuild = { dockerfile, context, ...(target !== undefined ? { target } : {}), ...(args.size > 0 ? { args } : {}) };
    found.set(buildKey(serviceBuild), serviceBuild);
  }
  return found.size === 1 ? [...found.values()][0] : undefined;
}

/** What makes two builds the same image: Dockerfile, context, target and the arguments' values. */
function buildKey({ dockerfile, context, target, args }: ServiceBuild): string {
  const argValues = [...(args ?? [])].map(([name, value]) => [name, value.unresolved.length > 0 ? null : value.value]);
  return JSON.stringify([dockerfile, context, target, argValues]);
}

/**
 * Whether a plain `docker compose up` in the project's directory starts each service that lists
 * `profiles:` (compose-spec 15-profiles.md; compose-go types/project.go `HasProfile`: one of its
 * profiles active, or `*`): true, false, or undefined where the tree cannot tell. The active
 * profiles are `COMPOSE_PROFILES` of the project's `.env` (docker/compose cmd/compose/compose.go
 * reads `.env` before `cli.WithDefaultProfiles`, which splits it on commas); the shell that runs
 * compose sets nothing the tree shows. A service that a started service requires in `depends_on`
 * (anything but `required: false`) runs too: compose refuses a project whose started service
 * requires a disabled one (compose-go graph/services.go `newGraph`, loader/validate.go
 * `checkConsistency`), so whenever the project runs, it runs. Services without profiles are
 * left out of the map: always started.
 */
function startedByPlainUp(
  services: { compose: ComposeFile; service: ComposeService }[],
  variablesOf: (composePath: string) => ProjectVariables,
): Map<ComposeService, boolean | undefined> {
  // 2: started, 1: the tree cannot tell, 0: left out.
  const rank = new Map<ComposeService, number>();
  const byProject = new Map<string, { compose: ComposeFile; service: ComposeService }[]>();
  for (const entry of services) {
    const directory = nodePath.dirname(entry.compose.path);
    byProject.set(directory, [...(byProject.get(directory) ?? []), entry]);
  }
  for (const entries of byProject.values()) {
    const variables = variablesOf(entries[0].compose.path);
    const setting = variables('COMPOSE_PROFILES');
    const active = setting === 'unknown' ? undefined : (setting ?? '').split(',').map((name) => name.trim());
    for (const { service } of entries) {
      const names = service.profiles?.names.map((name) => interpolate(name, variables)) ?? [];
      if (names.length === 0) rank.set(service, 2);
      else if (active?.includes('*') || names.some((name) => name.unresolved.length === 0 && name.value !== '' && active?.includes(name.value)))
        rank.set(service, 2);
      else rank.set(service, active === undefined || names.some((name) => name.unresolved.length > 0 || name.value === '') ? 1 : 0);
    }
    const named = new Map<string, ComposeService[]>();
    for (const { service } of entries) named.set(service.name, [...(named.get(service.name) ?? []), service]);
    // What a service requires runs whenever it may: ranks flow down depends_on until none changes.
    for (let changed = true; changed;) {
      changed = false;
      for (const { service } of entries) {
        for (const dependency of service.dependsOn) {
          if (dependency.required === false) continue;
          for (const required of named.get(dependency.service) ?? []) {
            if (rank.get(required)! >= rank.get(service)!) continue;
            rank.set(required, rank.get(service)!);
            changed = true;
          }
        }
      }
    }
  }
  const started = new Map<ComposeService, boolean | undefined>();
  for (const { service } of services) {
    if (!service.profiles || service.profiles.names.length === 0) continue;
    const value = rank.get(service);
    started.set(service, value === 2 ? true : value === 0 ? false : undefined);
  }
  return started;
}

/**
 * An env file as compose reads it: `NAME=value` lines, `#` comments, an optional `export `, a value
 * in single quotes taken literally, in double quotes or bare with `${VAR}` interpolation (the tree
 * cannot say what that gives), a bare value ending at ` #`. A line `NAME` alone takes the value
 * from the shell that runs compose.
 */
/**
 * The Compose variables of each compose file's project: the `.env` beside it when the tree holds
 * it (read as an env_file is), every other name unset, since the shell that runs compose sets
 * nothing the tree shows (compose-spec 12-interpolation.md; Docker's "Set environment variables"
 * page: the shell wins over `.env`, and `.env` is looked for in the project directory). Each
 * directory's `.env` is read once.
 */
export function projectVariablesOf(readEnvFile: (path: string) => SourceText | undefined): (composePath: string) => ProjectVariables {
  const byDirectory = new Map<string, ProjectVariables>();
  return (composePath) => {
    const directory = nodePath.dirname(composePath);
    let variables = byDirectory.get(directory);
    if (!variables) {
      const source = readEnvFile(nodePath.join(directory, '.env'));
      const values = source ? envFileValues(source) : new Map<string, RawArg>();
      variables = (name) => {
        const value = values.get(name);
        if (!value) return undefined;
        return value.unresolved.length > 0 ? 'unknown' : value.value;
      };
      byDirectory.set(directory, variables);
    }
    return variables;
  };
}

export function envFileValues(source: SourceText): Map<string, RawArg> {
  const values = new Map<string, RawArg>();
  const text = source.text;
  for (let lineStart = 0; lineStart < text.length;) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(?:=(.*))?$/.exec(line);
    if (match && !line.trimStart().startsWith('#')) {
      const [, name, written] = match;
      const nameStart = lineStart + line.indexOf(name);
      if (written === undefined) {
        values.set(name, { ...literalArg(source, nameStart, nameStart + name.length, name), unresolved: [`$${name}`] });
      } else {
        const valueStart = lineStart + line.indexOf('=', nameStart - lineStart) + 1;
        const trimmed = written.trim();
        const offset = valueStart + written.indexOf(trimmed);
        const quote = trimmed[0] === '"' || trimmed[0] === "'" ? trimmed[0] : undefined;
        const closing = quote ? trimmed.indexOf(quote, 1) : -1;
        const value = quote && closing > 0 ? trimmed.slice(1, closing) : trimmed.replace(/\s+#.*$/, '');
        const start = quote && closing > 0 ? offset + 1 : offset;
        const raw = literalArg(source, start, start + value.length, value);
        values.set(name, quote !== "'" && /\$\{?[A-Za-z_]/.test(value) ? { ...raw, unresolved: [value] } : raw);
      }
    }
    lineStart = lineEnd + 1;
  }
  return values;
}

/** The tree files a Dockerfile COPYs into its image, as mounts: the container sees them at `target`. */
function imageFiles(dockerfile: Dockerfile, context: string, treeKind: TreeKind, display: (path: string) => string): Mount[] {
  return copiedFiles(dockerfile.source.text, context, treeKind).map((copied) => ({
    source: copied.source,
    display: display(copied.source),
    target: copied.target,
    span: dockerfile.source.span(copied.start, copied.end),
  }));
}
