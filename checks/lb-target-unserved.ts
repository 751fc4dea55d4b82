import { defineRule, FindingDraft, onceEach } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import type { Deployment } from '../src/model/deployment';
import { hostTargets, servedPorts } from '../src/model/front-door';

const ID = 'lb-target-unserved';

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'correctness',
  meta: {
    description: 'a load balancer (Terraform, CloudFormation) sends to a port on which nothing in the tree listens',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      nothingListens: {
        message: 'The load balancer sends to port {{port}} ({{target}}{{via}}), but nothing in the tree listens there ({{served}})',
        help:
          'Every health check to that port fails, the targets are marked unhealthy, and the load balancer answers clients with 503 ("no healthy targets") ' +
          'or 502; nginx and the backends log nothing, because no request reaches them. ' +
          "Set the target group's port (or the instance port of the classic ELB listener) to a port nginx listens on, or add a `listen` for it",
      },
    },
  },
  *check(model: Deployment) {
    const targets = hostTargets(model);
    if (targets.length === 0) return;
    const served = servedPorts(model);
    if (!served) return;
    const isServed = (port: number) => served.ports.some((candidate) => candidate.port === port);
    // The tree's nginx runs on the hosts of the target groups it serves: when one of them is
    // served, the others send to other hosts (a second tier, another service) cfglint cannot see.
    if (targets.some((target) => isServed(target.port.value))) return;
    const first = onceEach();
    for (const target of targets) {
      if (!first(target.port.span)) continue;
      const listed = [...new Set(served.ports.map((candidate) => candidate.port))].sort((a, b) => a - b);
      const draft: FindingDraft = {
        messageId: 'nothingListens',
        data: {
          port: target.port.value,
          target: target.name,
          via: target.port.via ? `, ${target.port.via.what}` : '',
          served: `${served.by === 'nginx' ? 'nginx and published ports' : 'the backends'}: ${listed.join(', ')}`,
        },
        primary: target.port.span,
        related: [
          ...(target.port.via ? [{ span: target.port.via.span, label: `${target.port.via.what}: ${target.port.value}` }] : []),
          ...served.ports.slice(0, target.port.via ? 2 : 3).map((candidate) => ({ span: candidate.span, label: candidate.label })),
        ],
        modelPath: `${target.name}>port[${target.port.value}]`,
      };
      yield draft;
    }
  },
});
