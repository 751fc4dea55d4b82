/**
 * What each file of the tree was read as and why (--list-files): classification's answer, refined
 * by what the readers decided.
 */
import * as nodePath from 'path';
import type { FileFormat } from '../discovery/classify';
import type { walk } from '../discovery/walk';
import type { NginxReadResult } from '../readers/nginx';
import type { ListedFile } from './findings';
import { isBuildStageContainer } from '../readers/docker/placed-files';

/**
 * What each file of the tree was read as and why: classification's answer, refined by what the
 * readers decided (an include reached it, a launch names it, it read like another server's).
 */
export function buildFileList(input: {
  walked: ReturnType<typeof walk>;
  explained: Map<string, { format?: FileFormat; reason: string }>;
  nginx: NginxReadResult;
  displayPath: (absolute: string) => string;
  /** `containers` as readers/docker/placed-files.ts names them. */
  placed: { from: string; to: string; containers?: string[] }[];
  /** envsubst templates rendered at start (by the official nginx image, or a start-up command): read rendered, under the path written. */
  renderedTemplates: Set<string>;
  /** Of those, the templates a container's own start-up command renders, with the commands' `file:line`. */
  renderedAtStartBy: Map<string, string[]>;
  /** Of those, files a start-up script edits in place (`sed -i`, `awk … > tmp; mv tmp F`), with the command's `script:line`. */
  editedAtStart: Map<string, string>;
  gunicorn: { launch?: { file: string }; config?: { file: string }; configReference?: { text: string } }[];
  uwsgi: { launch?: { file: string }; iniFiles: string[] }[];
}): ListedFile[] {
  const { walked, explained, nginx, displayPath } = input;
  /** Config files a launch makes its server read, by shown path. */
  const startedBy = new Map<string, { format: FileFormat; reason: string }>();
  for (const backend of input.gunicorn) {
    if (!backend.launch || !backend.config || startedBy.has(backend.config.file)) continue;
    const reference = backend.configReference?.text ?? '';
    startedBy.set(backend.config.file, {
      format: 'gunicorn',
      reason: reference.startsWith('./gunicorn.conf.py (')
        ? `started by ${backend.launch.file} (gunicorn reads gunicorn.conf.py in its working directory)`
        : `started by ${backend.launch.file} (gunicorn -c ${reference})`,
    });
  }
  for (const backend of input.uwsgi) {
    if (!backend.launch) continue;
    for (const file of backend.iniFiles)
      if (!startedBy.has(file)) startedBy.set(file, { format: 'uwsgi', reason: `started by ${backend.launch.file} (uwsgi)` });
  }
  /**
   * Where COPY lines and volume mounts put the file in containers: a mapping of the file itself
   * before a directory's (`COPY . /app/` places every file too), and a build stage's copy (which
   * no running container holds) only when nothing else places it; at most three shown.
   */
  const placedAt = (path: string): string | undefined => {
    const places: { at: string; rank: number }[] = [];
    for (const mapping of input.placed) {
      const inBuildStageOnly = mapping.containers !== undefined && mapping.containers.every(isBuildStageContainer);
      if (mapping.to === path) places.push({ at: mapping.from, rank: inBuildStageOnly ? 2 : 0 });
      else if (path.startsWith(mapping.to + nodePath.sep))
        places.push({
          at: nodePath.posix.join(mapping.from, nodePath.relative(mapping.to, path).split(nodePath.sep).join('/')),
          rank: inBuildStageOnly ? 2 : 1,
        });
    }
    if (places.length === 0) return undefined;
    const best = Math.min(...places.map((place) => place.rank));
    const shown = [
      ...new Set(
        places
          .filter((place) => place.rank < 2 || best === 2)
          .sort((a, b) => a.rank - b.rank)
          .map((place) => place.at),
      ),
    ];
    return shown.length > 3 ? `${shown.slice(0, 3).join(', ')} (and ${shown.length - 3} more)` : shown.join(', ');
  };

  const out: ListedFile[] = [];
  for (const path of walked.files) {
    const file = displayPath(path);
    const explanation = explained.get(path);
    let format: FileFormat | null = explanation?.format ?? null;
    let reason = explanation?.reason ?? 'skipped: not a config cfglint reads';
    const includer = nginx.includedFrom.get(path);
    const started = startedBy.get(file);
    if (includer !== undefined) {
      reason = format === 'nginx' ? `${reason}; included from ${includer}` : `included from ${includer}`;
      format = 'nginx';
    } else if (format === 'nginx' && nginx.lookalikes.has(path)) {
      format = null;
      reason = "skipped: named like nginx, but reads like another server's config (a look-alike: FreeRADIUS, dhcpd, supervisor, …)";
    } else if (started !== undefined) {
      reason = format === started.format ? `${reason}; ${started.reason}` : started.reason;
      format = started.format;
    }
    const editedBy = input.editedAtStart.get(path);
    if (editedBy !== undefined) reason += `; edited at start by ${editedBy} and read as the edit may leave it`;
    else if (input.renderedAtStartBy.has(path))
      reason += `; rendered at start by ${input.renderedAtStartBy.get(path)!.join(', ')} (envsubst with the container's environment) and read rendered`;
    else if (input.renderedTemplates.has(path))
      reason += "; rendered by the nginx image at start (envsubst with the container's environment) and read rendered";
    // Where a build file itself lands in the image says nothing about the deployment.
    const at = format !== null && format !== 'dockerfile' && format !== 'compose' ? placedAt(path) : undefined;
    if (at !== undefined) reason += `; copied or mounted to ${at}`;
    out.push({ file, format, reason });
  }
  for (const entry of walked.skipped) {
    const reason = entry.ignoreFile ? `${entry.reason} (${displayPath(entry.ignoreFile)})` : entry.reason;
    out.push({ file: displayPath(entry.path.replace(/[\\/]$/, '')) + (/[\\/]$/.test(entry.path) ? '/' : ''), format: null, reason });
  }
  for (const entry of walked.unreadable) {
    out.push({ file: displayPath(entry.path), format: null, reason: `skipped: ${entry.reason.replace(entry.path, displayPath(entry.path))}` });
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
