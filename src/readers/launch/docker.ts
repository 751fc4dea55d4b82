/**
 * Launches from Dockerfiles and compose services. A compose service that builds a Dockerfile of
 * the tree starts from that image's ENTRYPOINT, CMD, ENV, STOPSIGNAL, WORKDIR and USER, and
 * overrides them (`entrypoint:` also drops the image's CMD); such a Dockerfile gives no launch
 * of its own, so one process is not counted twice. A Dockerfile no compose service builds gives
 * the launch of its last stage. A service with an image from elsewhere and a `command:` runs that
 * command (the image's own ENTRYPOINT is not in the tree; the command is read as the process).
 */
import type { Launch } from '../../model/launch';
import type { ReaderDiagnostic } from '../diagnostic';
import type { ComposeCommand, ComposeFile } from '../docker/compose';
import { combineCommand, DockerCommand, Dockerfile, DockerStage } from '../docker/dockerfile';
import { assembleLaunch } from './assemble';
import { lookupIn, RawArg } from './raw';
import { normalizeSignal } from './systemd';

function overriding(command: ComposeCommand, source: Dockerfile['source']): DockerCommand {
  return { form: 'exec', words: command.args, shell: [], source, start: command.start, end: command.end };
}

function signal(raw: RawArg | undefined): Launch['stopSignal'] {
  if (!raw || raw.unresolved.length > 0) return raw ? { value: raw.source.text.slice(raw.start, raw.end), span: raw.source.span(raw.start, raw.end) } : { value: 'SIGTERM' };
  return { value: normalizeSignal(raw.value), span: raw.source.span(raw.start, raw.end) };
}

function finalStage(dockerfile: Dockerfile, target?: string): DockerStage | undefined {
  if (target) return dockerfile.stages.find((stage) => stage.name === target);
  return dockerfile.stages[dockerfile.stages.length - 1];
}

export function dockerLaunches(
  dockerfiles: Map<string, Dockerfile>,
  composeFiles: ComposeFile[],
  passThrough: (program: string) => boolean,
  problems: ReaderDiagnostic[],
): Launch[] {
  const launches: Launch[] = [];
  const built = new Set<Dockerfile>();

  for (const compose of composeFiles) {
    for (const service of compose.services) {
      const dockerfile = service.build ? dockerfiles.get(service.build.dockerfile) : undefined;
      if (dockerfile) built.add(dockerfile);
      const stage = dockerfile ? finalStage(dockerfile, service.build?.target) : undefined;
      if (!stage && !service.command && !service.entrypoint) continue;

      const entrypoint = service.entrypoint ? overriding(service.entrypoint, compose.source) : stage?.entrypoint;
      const cmd = service.command ? overriding(service.command, compose.source) : service.entrypoint ? undefined : stage?.cmd;
      const combined = combineCommand(entrypoint, cmd);
      if (!combined) continue;

      const env = new Map<string, RawArg>([...(stage?.env ?? []), ...service.environment]);
      const launch = assembleLaunch({
        kind: 'compose',
        file: compose.source.file,
        args: combined.args,
        env,
        lookup: lookupIn(env, 'unknown'),
        service: service.name,
        span: combined.from.source.span(combined.from.start, combined.from.end),
        stopSignal: signal(service.stopSignal ?? stage?.stopSignal),
        workingDirectory: service.workingDir ?? stage?.workdir,
        user: service.user ?? stage?.user,
        externalEnv: service.envFiles,
        container: { hostNetwork: Boolean(service.hostNetwork), ...(service.hostNetwork ? { span: service.hostNetwork } : {}) },
        passThrough,
        problems,
      });
      if (launch) launches.push(launch);
    }
  }

  for (const dockerfile of dockerfiles.values()) {
    if (built.has(dockerfile)) continue;
    const stage = finalStage(dockerfile);
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
      container: { hostNetwork: false },
      passThrough,
      problems,
    });
    if (launch) launches.push(launch);
  }
  return launches;
}
