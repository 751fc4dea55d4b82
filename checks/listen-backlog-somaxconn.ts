import { defineRule, FindingDraft } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import type { Deployment } from '../src/model/deployment';
import { describeSomaxconnSource, explicitQueues, ExplicitQueue } from '../src/model/listen-backlog';
import { Fix, holdsAt, plainSource } from '../src/source/edit';

const ID = 'listen-backlog-somaxconn';

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'reliability',
  meta: {
    description: 'An accept queue (uWSGI listen, gunicorn backlog, Tomcat acceptCount, nginx listen backlog=) set above the net.core.somaxconn that caps it',
    docsUrl: docsUrl(ID),
    fixable: true,
    messages: {
      uwsgiRefusesToStart: {
        message: '{{label}} {{queue}} is above net.core.somaxconn {{somaxconn}} ({{where}})',
        help: 'uWSGI exits at start with "Listen queue size is greater than the system max net.core.somaxconn ({{somaxconn}})."; set listen to at most {{somaxconn}} or raise net.core.somaxconn to at least {{queue}}',
      },
      silentlyCapped: {
        message: '{{label}} {{queue}} is above net.core.somaxconn {{somaxconn}} ({{where}})',
        help: 'the kernel silently caps the queue at {{somaxconn}} (`ss -ltn` shows Send-Q {{somaxconn}}, nothing is logged), so bursts beyond it are dropped and nginx logs "upstream timed out (110: Connection timed out) while connecting to upstream" (TCP) or "failed (11: Resource temporarily unavailable)" (unix socket); set {{option}} to at most {{somaxconn}} or raise net.core.somaxconn to at least {{queue}}',
      },
    },
  },
  *check(model: Deployment) {
    // One setting may set the queue of several servers (a library module's application.yaml on
    // each app's classpath, one ini for two launches): one finding at it, judged by the lowest
    // somaxconn among them, where the queue is cut the most.
    const bySetting = new Map<string, { draft: FindingDraft; somaxconn: number }>();
    for (const queue of explicitQueues(model)) {
      const draft = judge(model, queue);
      if (!draft) continue;
      const key = `${queue.span.file}:${queue.span.start.offset}`;
      const somaxconn = queue.somaxconn.value!;
      const kept = bySetting.get(key);
      if (!kept || somaxconn < kept.somaxconn) bySetting.set(key, { draft, somaxconn });
    }
    for (const { draft } of bySetting.values()) yield draft;
  },
});

function judge(model: Deployment, queue: ExplicitQueue): FindingDraft | undefined {
  const somaxconn = queue.somaxconn.value;
  if (somaxconn === undefined || queue.value <= somaxconn) return undefined;
  const refuses = queue.exitsAboveSomaxconn;
  const source = queue.somaxconn.source;
  const common = {
    data: { label: queue.label, option: queue.option, queue: queue.value, somaxconn, where: describeSomaxconnSource(queue.somaxconn) },
    primary: queue.span,
    related: source.kind === 'file' ? [{ span: source.span, label: `net.core.somaxconn is ${somaxconn} here` }] : [],
    modelPath: queue.modelPath,
  };
  // uWSGI does not start; everything else runs with a smaller queue than it asked for.
  const fix = queueFix(model, queue, somaxconn);
  if (refuses) return { messageId: 'uwsgiRefusesToStart', ...common, ...fix };
  return { messageId: 'silentlyCapped', ...common, maxSeverity: 'warning', ...fix };
}

/**
 * The message's first advice: the queue written down to net.core.somaxconn. The kernel caps the
 * queue there anyway (and uWSGI refuses to start above it), so the queue the server gets is the
 * same; only where the tree writes somaxconn itself (not an assumed default) and the queue is a
 * plain number at its span in a file read as is.
 */
function queueFix(model: Deployment, queue: ExplicitQueue, somaxconn: number): { fix: Fix } | Record<string, never> {
  if (queue.somaxconn.source.kind !== 'file') return {};
  const source = plainSource(model.sourceTexts?.get(queue.span.file));
  if (!source || !holdsAt(source, queue.span, String(queue.value))) return {};
  return { fix: { title: `set ${queue.option} to ${somaxconn}`, edits: [{ span: queue.span, text: String(somaxconn) }] } };
}
