import { defineRule, FindingDraft, onceEach } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import type { Backend } from '../src/model/backend';
import type { ListenerProtocol } from '../src/readers/backend';
import { backendKindName } from '../src/model/backend-describe';
import type { Deployment } from '../src/model/deployment';
import { linkDeployment } from '../src/model/links';
import { observedMismatchSymptom } from '../src/model/protocol-mismatch';
import type { UpstreamPass } from '../src/model/nginx';

const ID = 'upstream-protocol-mismatch';

/** What each pass directive speaks on the wire. */
function spokenBy(pass: UpstreamPass): ListenerProtocol | 'grpc' {
  switch (pass.module) {
    case 'proxy':
      return pass.scheme === 'https' ? 'https' : 'http';
    case 'uwsgi':
      return 'uwsgi';
    case 'fastcgi':
      return 'fastcgi';
    case 'scgi':
      return 'scgi';
    case 'grpc':
      return 'grpc';
  }
}

/**
 * What the backend logs or nginx sees: the server's own log where the model has it from real
 * runs, else what follows from the protocols.
 */
function symptom(spoken: ListenerProtocol | 'grpc', served: ListenerProtocol, backend: Backend['kind']): string {
  const observed = observedMismatchSymptom(backend, spoken, served);
  if (observed) return observed;
  if (spoken === 'https') return 'the listener does not speak TLS, so the handshake fails and nginx answers 502';
  return 'the backend cannot parse what nginx sends, so every request through it fails';
}

const DIRECTIVE_FOR: Record<ListenerProtocol, string> = {
  http: 'proxy_pass http://',
  https: 'proxy_pass https://',
  uwsgi: 'uwsgi_pass (with include uwsgi_params)',
  fastcgi: 'fastcgi_pass (with include fastcgi_params)',
  scgi: 'scgi_pass',
  ajp: "an AJP client such as Apache mod_jk (nginx has no AJP module); or proxy_pass to Tomcat's HTTP connector",
};

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'correctness',
  meta: {
    description: 'nginx speaks one protocol to a backend listener that speaks another (proxy_pass to a uwsgi socket, uwsgi_pass to HTTP, …)',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      mismatch: {
        message: '{{directive}} speaks {{spoken}} to {{address}}, but {{backend}} serves {{served}} there ({{option}} in {{file}})',
        help: '{{symptom}}; use {{fix}}',
      },
    },
  },
  *check(model: Deployment) {
    const first = onceEach();
    for (const link of linkDeployment(model)) {
      for (const pass of link.target.passes) {
        const spoken = spokenBy(pass);
        const served = link.listener.protocol;
        if (compatible(spoken, served)) continue;
        // TLS or not is the backend's own config's to say (a jar launched alone): HTTPS may be what it serves.
        if (spoken === 'https' && served === 'http' && link.listener.tlsUnknown) continue;
        const argument = pass.entry.directive.args[0];
        if (!first(argument.span, link.listener.span)) continue;
        const draft: FindingDraft = {
          messageId: 'mismatch',
          data: {
            directive: pass.entry.directive.name,
            spoken: protocolName(spoken),
            address: link.target.address.text,
            backend: backendKindName(link.backend.kind),
            served: protocolName(served),
            option: link.listener.option,
            file: link.listener.span.file,
            symptom: symptom(spoken, served, link.backend.kind),
            fix: DIRECTIVE_FOR[served],
          },
          primary: argument.span,
          related: [{ span: link.listener.span, label: `${link.backend.kind} serves ${served} here` }],
          modelPath: `${pass.location.path}>${pass.entry.directive.name}>${link.backend.kind}:${link.target.address.text}`,
        };
        if (link.target.server) draft.related!.push({ span: link.target.server.span, label: `upstream "${link.target.group!.name}" sends here` });
        yield draft;
      }
    }
  },
});

function protocolName(protocol: ListenerProtocol | 'grpc'): string {
  if (protocol === 'http' || protocol === 'https') return protocol.toUpperCase();
  if (protocol === 'grpc') return 'gRPC';
  return `the ${protocol} protocol`;
}

function compatible(spoken: ListenerProtocol | 'grpc', served: ListenerProtocol): boolean {
  if (spoken === served) return true;
  // gRPC is HTTP/2: only a plain HTTP or TLS listener can carry it; which HTTP versions it
  // speaks is not in the model, so it is not judged further.
  if (spoken === 'grpc') return served === 'http' || served === 'https';
  return false;
}
