import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import type { NginxBlock } from '../src/model/nginx';
import { parseNginxNumber, parseNginxSize } from '../src/model/nginx-values';
import type { ExpandedDirective } from '../src/model/nginx-directives';
import type { RelatedSpan, Span } from '../src/source/span';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-proxy-buffers';

/** One memory page: the default buffer size on x86-64 and most arm64 Linux kernels (4k). */
const PAGE = 4096;
const MODULES = ['proxy', 'uwsgi', 'fastcgi', 'scgi'] as const;
const CHECKED_KINDS = new Set(['server', 'location', 'if', 'limit_except']);
/** The directives judge() reads, as `<module>_<setting>`. */
const BUFFER_SETTINGS = ['buffers', 'buffer_size', 'busy_buffers_size', 'temp_file_write_size', 'max_temp_file_size'];

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'correctness',
  meta: {
    description: 'proxy_/uwsgi_/fastcgi_/scgi_ buffer sizes that break the limits nginx checks at start-up (e.g. only *_buffer_size raised)',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      tooFewBuffers: {
        message: '"{{m}}_buffers {{buffers}}" has fewer than 2 buffers',
        help: 'nginx refuses to start (there must be at least 2 "{{m}}_buffers"); use at least 2',
      },
      busyTooLarge: {
        message: '"{{m}}_busy_buffers_size" is {{busy}}{{busyWhy}}, more than all "{{m}}_buffers" minus one ({{buffers}} → {{limit}})',
        help: 'nginx refuses to start ("{{m}}_busy_buffers_size" must be less than the size of all "{{m}}_buffers" minus one buffer); {{fix}}',
      },
      busyTooSmall: {
        message: '"{{m}}_busy_buffers_size {{busy}}" is smaller than {{size}}, the larger of "{{m}}_buffer_size" and one of "{{m}}_buffers"',
        help: 'nginx refuses to start ("{{m}}_busy_buffers_size" must be equal to or greater than the maximum of the value of "{{m}}_buffer_size" and one of the "{{m}}_buffers"); raise it to at least {{size}}',
      },
      tempWriteTooSmall: {
        message: '"{{m}}_temp_file_write_size {{value}}" is smaller than {{size}}, the larger of "{{m}}_buffer_size" and one of "{{m}}_buffers"',
        help: 'nginx refuses to start ("{{m}}_temp_file_write_size" must be equal to or greater than the maximum of the value of "{{m}}_buffer_size" and one of the "{{m}}_buffers"); raise it to at least {{size}}',
      },
      maxTempTooSmall: {
        message: '"{{m}}_max_temp_file_size {{value}}" is neither 0 nor at least {{size}}, the larger of "{{m}}_buffer_size" and one of "{{m}}_buffers"',
        help: 'nginx refuses to start ("{{m}}_max_temp_file_size" must be equal to zero to disable temporary files usage or must be equal to or greater than the maximum of the value of "{{m}}_buffer_size" and one of the "{{m}}_buffers"); set it to 0 or to at least {{size}}',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    for (const scope of model.nginx.scopes) {
      // Snippets read on their own share one made-up http level: what sits there may really be
      // included anywhere, so only settings inside real blocks are judged (see the rule doc).
      const synthetic = scope.http.node === undefined && scope.roots.every((root) => root.kind === 'snippet');
      // A module none of whose buffer directives is set anywhere in the scope has only defaults,
      // which nginx accepts: no block needs to be looked at for it.
      const modules = MODULES.filter((m) => BUFFER_SETTINGS.some((setting) => scope.setsAnywhere(`${m}_${setting}`)));
      if (modules.length === 0) continue;
      for (const block of scope.http.descendants()) {
        if (!CHECKED_KINDS.has(block.kind)) continue;
        for (const m of modules) {
          const finding = judge(block, m, synthetic);
          if (finding) yield finding;
        }
      }
    }
  },
});

interface Value {
  entry?: ExpandedDirective;
  value: number;
}

function judge(block: NginxBlock, m: string, synthetic: boolean): FindingDraft | undefined {
  let unknown = false;
  const setting = (name: string, parse: (text: string) => number | undefined, fallback: number): Value => {
    const found = block.inherited(name);
    if (!found) return { value: fallback };
    if (synthetic && found.block.node === undefined) unknown = true;
    const value = parse(found.entry.directive.args[0]?.value ?? '');
    if (value === undefined) unknown = true;
    return { entry: found.entry, value: value ?? fallback };
  };
  const buffersEntry = block.inherited(`${m}_buffers`);
  let num = 8;
  let bufSize = PAGE;
  if (buffersEntry) {
    if (synthetic && buffersEntry.block.node === undefined) return undefined;
    const args = buffersEntry.entry.directive.args;
    const n = parseNginxNumber(args[0]?.value ?? '');
    const s = parseNginxSize(args[1]?.value ?? '');
    if (n === undefined || s === undefined || args.length !== 2) return undefined;
    num = n;
    bufSize = s;
  }
  const bufferSize = setting(`${m}_buffer_size`, (t) => parseNginxSize(t), PAGE);
  const size = Math.max(bufferSize.value, bufSize);
  const busy = setting(`${m}_busy_buffers_size`, (t) => parseNginxSize(t), 2 * size);
  const tempWrite = setting(`${m}_temp_file_write_size`, (t) => parseNginxSize(t), 2 * size);
  const maxTemp = setting(`${m}_max_temp_file_size`, (t) => parseNginxSize(t, true), 1024 * 1024 * 1024);
  if (unknown) return undefined;
  const buffersText = `${num} ${formatSize(bufSize)}`;
  const explicit = [buffersEntry?.entry, bufferSize.entry, busy.entry, tempWrite.entry, maxTemp.entry].filter((e): e is ExpandedDirective => e !== undefined);
  if (explicit.length === 0) return undefined;
  const related = (primary: ExpandedDirective): RelatedSpan[] =>
    explicit
      .filter((e) => e !== primary && e.directive !== primary.directive)
      .slice(0, 3)
      .map((e) => ({ span: e.directive.span, label: `"${e.directive.name}" set here` }));
  const draft = (primary: ExpandedDirective, data: Record<string, string | number>, span = argSpan(primary)) => ({
    data: { m, buffers: buffersText, size: formatSize(size), ...data },
    primary: span,
    related: related(primary),
    modelPath: `${block.path}>${m}_buffers`,
  });

  if (num < 2 && buffersEntry) return { ...draft(buffersEntry.entry, {}, buffersEntry.entry.directive.args[0].span), messageId: 'tooFewBuffers' };
  if (busy.value < size && busy.entry) return { ...draft(busy.entry, { busy: formatSize(busy.value) }), messageId: 'busyTooSmall' };
  const limit = (num - 1) * bufSize;
  if (busy.value > limit) {
    const primary = busy.entry ?? (bufferSize.entry && bufferSize.value > bufSize ? bufferSize.entry : (buffersEntry?.entry ?? bufferSize.entry))!;
    const needed = Math.ceil(busy.value / size) + 1;
    const fix = busy.entry
      ? `lower "${m}_busy_buffers_size" to at most ${formatSize(limit)} or raise "${m}_buffers" (e.g. "${m}_buffers ${Math.max(needed, 4)} ${formatSize(size)}")`
      : `raise "${m}_buffers" with it (e.g. "${m}_buffers ${Math.max(needed, 4)} ${formatSize(size)}")`;
    const data = {
      busy: formatSize(busy.value),
      busyWhy: busy.entry ? '' : ` (by default twice ${formatSize(size)}, the larger of "${m}_buffer_size" and one buffer)`,
      limit: formatSize(limit),
      fix,
    };
    return { ...draft(primary, data), messageId: 'busyTooLarge' };
  }
  if (tempWrite.value < size && tempWrite.entry) return { ...draft(tempWrite.entry, { value: formatSize(tempWrite.value) }), messageId: 'tempWriteTooSmall' };
  if (maxTemp.entry && maxTemp.value !== 0 && maxTemp.value < size)
    return { ...draft(maxTemp.entry, { value: formatSize(maxTemp.value) }), messageId: 'maxTempTooSmall' };
  return undefined;
}

function argSpan(entry: ExpandedDirective): Span {
  const { directive } = entry;
  return directive.args.length > 0 ? directive.args[directive.args.length - 1].span : directive.nameSpan;
}

function formatSize(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)}m`;
  if (bytes % 1024 === 0) return `${bytes / 1024}k`;
  return String(bytes);
}
