/**
 * Which reader reads which formats, and when it runs. Each reader (and the parsers it needs:
 * yaml, @lezer/python, fast-xml-parser) is loaded only when the tree has something for it,
 * which keeps a small nginx-only run quick to start. The nginx reader is not in the table: every
 * run needs it, and it is read before these (src/engine/read-tree.ts).
 */
import type { FileFormat } from '../discovery/classify';
import { emptyCloudResources } from '../readers/cloud-balancers';
import { emptyKubernetesModel } from '../readers/kubernetes/objects';
import type { ComposeContainer, Launch } from '../readers/launch/launch';
import { emptyOutput, FilesByFormat, ReaderContext, ReaderOutput } from '../readers/types';

/** What a reader gets: the tree's files by format, the command lines and compose containers read first, the run's context. */
interface ReaderInput {
  files: FilesByFormat;
  launches: Launch[];
  containers: ComposeContainer[];
  context: ReaderContext;
}

interface ReaderEntry<Out extends ReaderOutput> {
  /** The tree holds something for this reader. */
  wanted(input: ReaderInput): boolean;
  /** Loads the reader's module and reads. */
  read(input: ReaderInput): Out;
  /** The output when the reader is not wanted. */
  nothing(): NoInfer<Out>;
}

function reader<Out extends ReaderOutput>(entry: ReaderEntry<Out>): ReaderEntry<Out> {
  return entry;
}

const has = (files: FilesByFormat, ...formats: FileFormat[]) => formats.some((format) => (files[format]?.length ?? 0) > 0);
const starts = (launches: Launch[], program: string) => launches.some((launch) => launch.program === program);
const noBackends = () => ({ ...emptyOutput(), backends: [] });

/** Command lines come first: the servers take options from them. */
const LAUNCH_READER = reader({
  wanted: ({ files }) => has(files, 'dockerfile', 'compose', 'systemd', 'procfile', 'supervisord', 'shell', 'kubernetes'),
  read: ({ files, context }) => (require('../readers/launch') as typeof import('../readers/launch')).readLaunches(files, context),
  nothing: () => ({ ...emptyOutput(), launches: [], composeContainers: [] }),
});

/** The backend and system readers, in the order they run and their outputs are listed. */
const READERS = {
  gunicorn: reader({
    wanted: ({ files, launches }) => has(files, 'gunicorn') || launches.length > 0,
    read: ({ files, launches, context }) =>
      (require('../readers/gunicorn') as typeof import('../readers/gunicorn')).readGunicorn(files.gunicorn ?? [], launches, context),
    nothing: noBackends,
  }),
  uwsgi: reader({
    wanted: ({ files, launches }) => has(files, 'uwsgi') || launches.length > 0,
    read: ({ files, launches, context }) => (require('../readers/uwsgi') as typeof import('../readers/uwsgi')).readUwsgi(files.uwsgi ?? [], launches, context),
    nothing: noBackends,
  }),
  uvicorn: reader({
    wanted: ({ launches }) => starts(launches, 'uvicorn'),
    read: ({ launches }) => (require('../readers/uvicorn') as typeof import('../readers/uvicorn')).readUvicorn(launches),
    nothing: noBackends,
  }),
  tomcat: reader({
    // Or a container of the official image, which runs its stock server.xml.
    wanted: ({ files, containers }) => has(files, 'tomcat', 'catalina-properties') || containers.some((container) => container.baseImage?.image === 'tomcat'),
    read: ({ files, launches, containers, context }) =>
      (require('../readers/tomcat') as typeof import('../readers/tomcat')).readTomcat(
        files.tomcat ?? [],
        files['catalina-properties'] ?? [],
        context,
        containers,
        launches,
      ),
    nothing: noBackends,
  }),
  springBoot: reader({
    wanted: ({ files, launches }) => has(files, 'spring-boot') || starts(launches, 'java'),
    read: ({ files, launches, context }) =>
      (require('../readers/spring-boot') as typeof import('../readers/spring-boot')).readSpringBoot(files['spring-boot'] ?? [], launches, context),
    nothing: noBackends,
  }),
  system: reader({
    wanted: ({ files, launches }) => has(files, 'sysctl', 'limits', 'systemd', 'compose', 'kubernetes') || launches.length > 0,
    read: ({ files, launches, context }) => (require('../readers/system') as typeof import('../readers/system')).readSystemLimits(files, launches, context),
    nothing: () => ({ ...emptyOutput(), limits: [] }),
  }),
  kubernetes: reader({
    wanted: ({ files }) => has(files, 'kubernetes', 'helm-values'),
    read: ({ files, context }) => (require('../readers/kubernetes') as typeof import('../readers/kubernetes')).readKubernetes(files, context),
    nothing: () => ({ ...emptyOutput(), kubernetes: emptyKubernetesModel() }),
  }),
  terraform: reader({
    wanted: ({ files }) => has(files, 'terraform'),
    read: ({ files, context }) => (require('../readers/terraform') as typeof import('../readers/terraform')).readTerraform(files, context),
    nothing: () => ({ ...emptyOutput(), terraform: emptyCloudResources() }),
  }),
  cloudformation: reader({
    wanted: ({ files }) => has(files, 'cloudformation'),
    read: ({ files, context }) => (require('../readers/cloudformation') as typeof import('../readers/cloudformation')).readCloudFormation(files, context),
    nothing: () => ({ ...emptyOutput(), cloudformation: emptyCloudResources() }),
  }),
};

type Reads = { launch: ReturnType<typeof LAUNCH_READER.read> } & { [Name in keyof typeof READERS]: ReturnType<(typeof READERS)[Name]['read']> };

function run<Out extends ReaderOutput>(entry: ReaderEntry<Out>, input: ReaderInput): Out {
  return entry.wanted(input) ? entry.read(input) : entry.nothing();
}

/** Every reader after nginx's, each run only when the tree has something for it; outputs in table order. */
export function readBackendsAndSystem(files: FilesByFormat, context: ReaderContext): Reads {
  const launch = run(LAUNCH_READER, { files, launches: [], containers: [], context });
  const input: ReaderInput = { files, launches: launch.launches, containers: launch.composeContainers, context };
  const reads: Partial<Record<keyof Reads, ReaderOutput>> = { launch };
  for (const name of Object.keys(READERS) as (keyof typeof READERS)[]) reads[name] = run<ReaderOutput>(READERS[name], input);
  return reads as Reads;
}
