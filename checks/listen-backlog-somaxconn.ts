import { defineRule, FindingDraft } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import type { Deployment } from '../src/model/deployment';
import { describeSomaxconnSource, explicitQueues, ExplicitQueue } from '../src/model/listen-backlog';

const ID = 'listen-backlog-somaxconn';

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'reliability',
  meta: {
    description: 'An accept queue (uWSGI listen, gunicorn backlog, Tomcat acceptCount, nginx listen backlog=) set above the net.core.somaxconn that caps it',
    docsUrl: docsUrl(ID),
    fixable: false,
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
    for (const queue of explicitQueues(model)) {
      const draft = judge(queue);
      if (draft) yield draft;
    }
  },
});

function judge(queue: ExplicitQueue): FindingDraft | undefined {
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
  if (refuses) return { messageId: 'uwsgiRefusesToStart', ...common };
  return { messageId: 'silentlyCapped', ...common, maxSeverity: 'warning' };
}
