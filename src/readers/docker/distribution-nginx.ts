/**
 * The nginx a Dockerfile stage installs from its distribution's packages: `apt-get install nginx`
 * (or `nginx-light`, `nginx-full`, `nginx-extras`, `nginx-core`, which Debian and Ubuntu build
 * from the same source) or `apk add nginx`, in a RUN of the stage or of a stage it is built on,
 * on a base image whose tag names the distribution release (`python:3.12-slim-bookworm`,
 * `debian:12`, `ubuntu:22.04`, `alpine:3.22`, `python:3.12-alpine3.22`). That release's archive
 * decides the version (src/reference/nginx/distribution-packages.ts).
 *
 * Where the tree does not say which nginx the package is, the version is unknown, not another
 * image's: a moving tag (`python:3.12-slim`, `debian:stable`, `alpine:latest`) names no release;
 * a third-party archive (nginx.org's `deb https://nginx.org/packages/…`, a PPA, `apk add
 * --repository …`, a sources file the stage writes or copies) or a release chosen at install
 * (`-t bookworm-backports`, `nginx/bookworm-backports`, `apk add nginx@edge`) serves another
 * nginx. A pinned package (`nginx=1.22.1-9+deb12u12`, `nginx=1.24.0-r6`) installs its upstream
 * version, whatever the archive; a pattern (`nginx=1.22.*`, `nginx~1.24`) says no one release.
 */
import type { Span } from '../../source/span';
import { Distribution, distributionNginx, RELEASE_CODENAMES } from '../../reference/nginx/distribution-packages';
import { assignmentOf, literalText, parseShell } from '../kit/shell-words';
import type { Dockerfile, DockerStage } from './dockerfile';
import type { ImageReference } from './index';

/** The nginx a stage installs as a distribution package. */
export interface PackagedNginx {
  /** The upstream version, as versionRangeOf reads it (`1.22.1`, `1.28` for the line); undefined where the tree does not say. */
  version: string | undefined;
  /** Where the version comes from, after the version itself: `from Debian 12's package`. */
  origin: string;
  /** The package's name in the install command. */
  span: Span;
}

/** The binary packages of Debian's and Ubuntu's nginx source: each installs its nginx. */
const APT_PACKAGES = new Set(['nginx', 'nginx-light', 'nginx-full', 'nginx-extras', 'nginx-core']);
const APT_COMMANDS = new Set(['apt-get', 'apt', 'aptitude']);
/** apt-get options that take the next word as their value (`-o Dpkg::Options::=…`, `-t release`). */
const APT_VALUE_OPTIONS = new Set(['-o', '--option', '-c', '--config-file', '-t', '--target-release', '--default-release']);
const APT_RELEASE_OPTIONS = /^(?:-t|--target-release|--default-release)(?:=|$)/;
/** apk options that take the next word as their value; `--repository`/`-X` adds an archive. */
const APK_VALUE_OPTIONS = new Set(['-t', '--virtual', '-X', '--repository', '-p', '--root', '--arch', '--cache-dir', '--keys-dir', '--repositories-file']);
const APK_ARCHIVE_OPTIONS = /^(?:-X|--repository|--repositories-file)(?:=|$)/;
/** Text of a RUN that adds an archive other than the distribution's own. */
const OTHER_ARCHIVE =
  /nginx\.org\/packages|add-apt-repository|\bppa:|sources\.list|\.sources\b|\/etc\/apt\/(?:keyrings|trusted\.gpg)|\/etc\/apk\/repositories|packages\.sury\.org/;
/** A COPY or ADD into apt's or apk's configuration: a sources list the tree brings. */
const ARCHIVE_COPY = /^[ \t]*(?:COPY|ADD)\b[^\n]*\/etc\/(?:apt|apk)\b/im;
/** The upstream version at the head of a package version: `1:1.22.1-9+deb12u12`, `1.24.0-r6`. */
const EXACT_VERSION = /^(?:\d+:)?(\d+\.\d+\.\d+)(?:[-~+]|$)/;

interface Install {
  manager: 'apt' | 'apk';
  /** The version after `=`, if any. */
  pin?: string;
  /** Installed from a release or tagged archive the command chooses. */
  chosenArchive: boolean;
  span: Span;
  /** Index of its RUN in the stage's runs. */
  run: number;
}

/**
 * The nginx package the stage's image holds, read from the RUN instructions of the stage and the
 * stages it is built on; undefined where none installs one (or a later one removes it). `base` is
 * the image the first stage of that chain starts from.
 */
export function packagedNginxOf(file: Dockerfile, stage: DockerStage, base: ImageReference | undefined): PackagedNginx | undefined {
  const install = lastInstall(stage);
  if (!install) return undefined;
  const unknown = (origin: string): PackagedNginx => ({ version: undefined, origin, span: install.span });
  const pinned = install.pin !== undefined ? EXACT_VERSION.exec(install.pin) : null;
  if (pinned) return { version: pinned[1], origin: `from the package pinned to ${install.pin}`, span: install.span };
  if (install.pin !== undefined || install.chosenArchive) return unknown('from a package version the install chooses');
  if (stage.runs.slice(0, install.run + 1).some((run) => OTHER_ARCHIVE.test(run.text)) || stageChainText(file, stage).some((text) => ARCHIVE_COPY.test(text))) {
    return unknown('from an archive the Dockerfile adds');
  }
  const release = base && distributionReleaseOf(base);
  if (!release || (release.distribution === 'alpine') !== (install.manager === 'apk'))
    return unknown('from a distribution release the base image does not pin');
  const packaged = distributionNginx(release.distribution, release.release);
  return packaged
    ? { version: packaged.nginx, origin: `from ${packaged.name}'s package`, span: install.span }
    : unknown('from a release cfglint has no version for');
}

/** The distribution release an image tag pins, e.g. `python:3.12-slim-bookworm` → Debian 12; undefined for a moving tag. */
export function distributionReleaseOf(reference: ImageReference): { distribution: Distribution; release: string } | undefined {
  const { image, tag } = reference;
  const numbered: Partial<Record<string, [Distribution, RegExp]>> = {
    debian: ['debian', /^(\d+)(?:[.-]|$)/],
    ubuntu: ['ubuntu', /^(\d\d\.\d\d)(?:[.-]|$)/],
    alpine: ['alpine', /^(3\.\d+)(?:[.-]|$)/],
  };
  const official = numbered[image];
  const number = official && official[1].exec(tag);
  if (official && number) return { distribution: official[0], release: number[1] };
  for (const token of tag.toLowerCase().split(/[-_]/)) {
    const codename = RELEASE_CODENAMES[token];
    if (codename) return codename;
    const alpine = /^alpine(3\.\d+)(?:\.\d+)?$/.exec(token);
    if (alpine) return { distribution: 'alpine', release: alpine[1] };
    const ubuntu = /^ubuntu(\d\d\.\d\d)$/.exec(token);
    if (ubuntu) return { distribution: 'ubuntu', release: ubuntu[1] };
  }
  return undefined;
}

/** The last install of an nginx package in the stage's runs, unless a later command removes it. */
function lastInstall(stage: DockerStage): Install | undefined {
  let found: Install | undefined;
  stage.runs.forEach((run, index) => {
    for (const command of parseShell(run.script).commands) {
      // `DEBIAN_FRONTEND=noninteractive apt-get …`, `sudo apt-get …`
      let skip = 0;
      while (skip < command.words.length && (assignmentOf(command.words[skip]) !== undefined || literalText(command.words[skip]) === 'sudo')) skip++;
      const words = command.words.slice(skip);
      const texts = words.map((word) => literalText(word) ?? '');
      const program = texts[0]?.split('/').pop() ?? '';
      const manager = APT_COMMANDS.has(program) ? 'apt' : program === 'apk' ? 'apk' : undefined;
      if (!manager) continue;
      const valueOptions = manager === 'apt' ? APT_VALUE_OPTIONS : APK_VALUE_OPTIONS;
      const archiveOption = manager === 'apt' ? APT_RELEASE_OPTIONS : APK_ARCHIVE_OPTIONS;
      let action: string | undefined;
      let chosenArchive = false;
      const operands: number[] = [];
      for (let at = 1; at < texts.length; at++) {
        const text = texts[at];
        if (text.startsWith('-')) {
          if (archiveOption.test(text)) chosenArchive = true;
          if (valueOptions.has(text)) at++;
          continue;
        }
        if (action === undefined) action = text;
        else operands.push(at);
      }
      const installs = manager === 'apt' ? action === 'install' : action === 'add';
      const removes = manager === 'apt' ? action === 'remove' || action === 'purge' : action === 'del';
      for (const at of operands) {
        const parsed = packageOf(texts[at], manager);
        if (!parsed) continue;
        if (removes) found = undefined;
        if (!installs) continue;
        const span = run.script.source.span(words[at].start, words[at].end);
        found = { manager, pin: parsed.pin, chosenArchive: chosenArchive || parsed.chosenArchive, span, run: index };
      }
    }
  });
  return found;
}

/** An operand naming one of nginx's packages: its pin (`nginx=1.22.1-9`) and whether it picks a release or tagged archive. */
function packageOf(operand: string, manager: 'apt' | 'apk'): { pin?: string; chosenArchive: boolean } | undefined {
  if (manager === 'apt') {
    const match = /^([a-z0-9][a-z0-9.+-]*?)(?::[a-z0-9-]+)?(?:=(.+)|\/(.+))?$/.exec(operand);
    if (!match || !APT_PACKAGES.has(match[1])) return undefined;
    return { pin: match[2], chosenArchive: match[3] !== undefined };
  }
  const match = /^([a-z0-9][a-z0-9.+_-]*?)(?:@([\w.-]+))?(?:(=|~|[<>]=?)(.+))?$/.exec(operand);
  if (!match || match[1] !== 'nginx') return undefined;
  return { pin: match[3] === undefined ? undefined : match[3] === '=' ? match[4] : `${match[3]}${match[4]}`, chosenArchive: match[2] !== undefined };
}

/** The text of the stage and of the stages it is built on, each from its FROM to the next stage's. */
function stageChainText(file: Dockerfile, stage: DockerStage): string[] {
  const texts: string[] = [];
  for (let current: DockerStage | undefined = stage; current; current = current.baseStage) {
    const next = file.stages[file.stages.indexOf(current) + 1];
    texts.push(file.source.text.slice(current.start, next ? next.start : file.source.text.length));
  }
  return texts;
}
