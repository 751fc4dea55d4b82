import { defineRule, FindingDraft, onceEach } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import type { Deployment } from '../src/model/deployment';
import { healthCheckAnswers, hostTargets, serviceTargets } from '../src/model/front-door';
import { podPortGap } from '../src/model/links';
import { servicePort } from '../src/model/kubernetes';
import { backendKindName, describeListenAddress } from '../src/model/backend-describe';
import { matcherAccepts, TARGET_GROUP_HEALTH_DEFAULTS } from '../src/reference/aws-load-balancers';

const ID = 'lb-health-check-unserved';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'reliability',
  meta: {
    description: "a load balancer's health check path gets a status from nginx that its matcher does not accept, or its port no answer from the pods",
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      statusOutsideMatcher: {
        message:
          'The health check "{{path}}" on port {{port}} ({{target}}) gets {{status}} from nginx ({{why}}), which the matcher "{{matcher}}" does not accept',
        help:
          'The balancer marks every target unhealthy ("Health checks failed with these codes: [404]" in the target group\'s health status) and answers ' +
          "clients with 503 or 502, although nginx and the application run. The checker sends the target's IP address as Host, so nginx's default " +
          'server for the port answers. Add a location that answers the path (e.g. `location = /health { return 200; }`), point the health ' +
          'check at a path that is served, or widen the matcher',
      },
      healthPortUnserved: {
        message:
          'The health check on port {{port}} ({{target}}, filled with pods of {{workload}} by TargetGroupBinding {{binding}}) gets no answer: {{backend}} in those pods listens on {{listening}}',
        help:
          "The checker connects to each pod's address on that port and is refused, so every target is unhealthy and the load balancer answers 503 although the application runs. " +
          "Point the health check's port at the port the backend binds (or `traffic-port`), or make the backend listen there",
      },
    },
  },
  *check(model: Deployment) {
    const first = onceEach();
    // Pods behind a TargetGroupBinding: with `ip` targets the checker connects to each pod's own
    // address, so a health check port the pods' backends do not listen on is refused there. The
    // traffic port is lb-target-unserved's; an `instance` target's check goes to the node.
    for (const target of serviceTargets(model)) {
      const health = target.health;
      if (target.targetType !== 'ip' || !health.port?.known || !/^\d+$/.test(health.port.value)) continue;
      if (health.enabled && (!health.enabled.known || health.enabled.value === false)) continue;
      const { binding, service } = target.bound;
      const port = Number(health.port.value);
      const traffic = binding.serviceRef ? servicePort(service, binding.serviceRef.port)?.targetPort : undefined;
      if (port === traffic) continue;
      const gap = podPortGap(model, service, port);
      if (!gap) continue;
      const draft: FindingDraft = {
        messageId: 'healthPortUnserved',
        data: {
          port: health.port.value,
          target: target.name,
          workload: `${gap.workload.kind} ${gap.workload.name}`,
          binding: `${binding.namespace}/${binding.name}`,
          backend: backendKindName(gap.listeners[0].backend.kind),
          listening: gap.listeners.slice(0, 4).map(describeListenAddress).join(', '),
        },
        primary: health.port.span,
        related: [
          ...(binding.targetType ? [{ span: binding.targetType.valueSpan, label: 'targetType ip: the checker connects to the pods' }] : []),
          ...gap.listeners.slice(0, 2).map((listener) => ({ span: listener.span, label: `${listener.backend.kind} listens here` })),
        ],
        modelPath: `${target.name}>health_check>port[${health.port.value}]`,
      };
      yield draft;
    }
    for (const target of hostTargets(model)) {
      const health = target.health;
      if (!health || !target.httpCheck || !target.matcher) continue;
      if (health.enabled && (!health.enabled.known || health.enabled.value === false)) continue;
      if (health.path && !health.path.known) continue;
      if (health.port && !health.port.known) continue;
      const portText = health.port?.known ? health.port.value : 'traffic-port';
      const port = portText === 'traffic-port' ? target.port.value : /^\d+$/.test(portText) ? Number(portText) : undefined;
      if (port === undefined) continue;
      const path = health.path?.known ? health.path.value : TARGET_GROUP_HEALTH_DEFAULTS.path;
      const answers = healthCheckAnswers(model, port, path.split('?')[0]);
      if (!answers) continue;
      const matcher = target.matcher.value;
      if (!answers.every((answer) => matcherAccepts(matcher, answer.status) === false)) continue;
      const primary = health.path?.known ? health.path.span : health.span;
      if (!first(primary, String(port))) continue;
      const answer = answers[0];
      yield {
        messageId: 'statusOutsideMatcher',
        data: { path, port, target: target.name, status: answer.status, why: answer.why, matcher: `${matcher}${target.matcher.span ? '' : ' (AWS default)'}` },
        primary,
        related: [
          { span: answer.span, label: `nginx answers ${answer.status} here` },
          ...(target.matcher.span ? [{ span: target.matcher.span, label: `matcher ${matcher}` }] : []),
        ],
        modelPath: `${target.name}>health_check[${path}]`,
      };
    }
  },
});
