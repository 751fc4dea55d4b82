import { defineRule, FindingDraft, onceEach } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import { backendKindName, describeListenAddress } from '../src/model/backend-describe';
import type { Deployment } from '../src/model/deployment';
import { hostTargets, servedPorts, ServiceTarget, serviceTargets } from '../src/model/front-door';
import { serviceEndpointGap } from '../src/model/links';

const ID = 'lb-target-unserved';

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'correctness',
  meta: {
    description: 'a load balancer (Terraform, CloudFormation, a TargetGroupBinding) sends to a port on which nothing in the tree listens',
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
      serviceHasNoPort: {
        message: 'The TargetGroupBinding {{binding}} fills {{target}} from port {{port}} of Service {{service}}, which has no such port (its ports: {{ports}})',
        help:
          'The AWS Load Balancer Controller finds no such Service port and registers no targets: the target group stays empty and the load balancer answers 503. ' +
          "Name one of the Service's ports in `serviceRef.port`, or add the port to the Service",
      },
      targetPortUnnamed: {
        message:
          'Service {{service}} port {{port}} targets the container port named "{{name}}", which no container of {{workload}} declares ({{target}} through TargetGroupBinding {{binding}})',
        help:
          'The Service has no endpoints for that port, so the AWS Load Balancer Controller registers no targets and the load balancer answers 503. ' +
          'Name the container port "{{name}}", or set targetPort to the port number',
      },
      nothingOnTargetPort: {
        message:
          'The load balancer reaches port {{targetPort}} of {{workload}} ({{target}} through Service {{service}} port {{port}}), but {{backend}} in that pod listens on {{listening}}',
        help:
          'Connections to the pods are refused: every health check fails, the targets are unhealthy and the load balancer answers 503 or 502 while the application logs nothing. ' +
          '{{fix}}',
      },
    },
  },
  *check(model: Deployment) {
    for (const target of serviceTargets(model)) {
      const draft = serviceFinding(model, target);
      if (draft) yield draft;
    }
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

/**
 * A target group a TargetGroupBinding fills with a Service's endpoints: whichever the target type,
 * requests end at the Service's targetPort in the pods (directly for `ip`, through the node port
 * for `instance`), so the Service port and what the pods' backends listen on decide it.
 */
function serviceFinding(model: Deployment, target: ServiceTarget): FindingDraft | undefined {
  const { binding, service } = target.bound;
  const ref = binding.serviceRef;
  if (!ref) return undefined;
  const gap = serviceEndpointGap(model, service, ref.port);
  if (!gap) return undefined;
  const common = { target: target.name, service: `${service.namespace}/${service.name}`, binding: `${binding.namespace}/${binding.name}` };
  const modelPath = `${target.name}>TargetGroupBinding[${binding.namespace}/${binding.name}]`;
  if (gap.kind === 'no-such-port') {
    return {
      messageId: 'serviceHasNoPort',
      data: { ...common, port: gap.port, ports: service.ports.map((port) => port.port).join(', ') },
      primary: ref.portSpan,
      related: [{ span: service.nameSpan, label: `Service ${service.name} is defined here` }],
      modelPath,
    };
  }
  if (gap.kind === 'target-port-unnamed') {
    return {
      messageId: 'targetPortUnnamed',
      data: { ...common, port: gap.port.port, name: String(gap.port.targetPort), workload: `${gap.workload.kind} ${gap.workload.name}` },
      primary: gap.port.targetPortSpan ?? gap.port.span,
      related: [
        { span: ref.portSpan, label: `TargetGroupBinding ${binding.name} uses this Service port` },
        { span: gap.workload.nameSpan, label: `${gap.workload.kind} ${gap.workload.name}` },
      ],
      modelPath,
    };
  }
  const onLoopback = gap.listeners.find((listener) => listener.address.kind === 'tcp' && listener.address.port === gap.targetPort);
  return {
    messageId: 'nothingOnTargetPort',
    data: {
      ...common,
      port: gap.port.port,
      targetPort: gap.targetPort,
      workload: `${gap.workload.kind} ${gap.workload.name}`,
      backend: backendKindName(gap.listeners[0].backend.kind),
      listening: gap.listeners.slice(0, 4).map(describeListenAddress).join(', '),
      fix: onLoopback
        ? `Bind 0.0.0.0:${gap.targetPort} instead of ${describeListenAddress(onLoopback)}: a pod's loopback is not reachable from the balancer or the node`
        : `Set the Service's targetPort to the port the backend binds, or bind port ${gap.targetPort}`,
    },
    primary: gap.port.targetPortSpan ?? gap.port.span,
    related: [
      { span: ref.portSpan, label: `TargetGroupBinding ${binding.name} uses this Service port` },
      ...gap.listeners
        .slice(0, 2)
        .map((listener) => ({ span: listener.span, label: `${listener.backend.kind} listens on ${describeListenAddress(listener)}` })),
    ],
    modelPath,
  };
}
