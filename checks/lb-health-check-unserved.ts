import { defineRule, onceEach } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import type { Deployment } from '../src/model/deployment';
import { healthCheckAnswers, hostTargets } from '../src/model/front-door';
import { matcherAccepts, TARGET_GROUP_HEALTH_DEFAULTS } from '../src/reference/aws-load-balancers';

const ID = 'lb-health-check-unserved';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'reliability',
  meta: {
    description: "a load balancer's health check path gets a status from nginx that its matcher does not accept",
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
    },
  },
  *check(model: Deployment) {
    const first = onceEach();
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
