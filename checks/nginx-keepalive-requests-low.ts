import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { argumentsUnknown } from '../src/model/template-values';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-keepalive-requests-low';

/** nginx's own default before 1.19.10, raised to 1000 because it closed busy HTTP/2 connections too often. */
const LOW_BELOW = 100;
const CLIENT_CONTEXTS = new Set(['http', 'server', 'location']);

export const rule = defineRule({
  id: ID,
  severity: 'info',
  category: 'performance',
  meta: {
    description: "keepalive_requests for client connections set far below nginx's default: clients reconnect every few requests",
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      low: {
        message:
          '"keepalive_requests {{value}}" closes each client connection after {{value}} requests (HTTP/2 streams included), so browsers and load balancers reconnect, and redo TLS, that often; nginx\'s default is 1000',
        help: 'From nginx 1.19.10 the default is 1000 (CHANGES: "the default value of the keepalive_requests directive was changed to 1000"), and since 1.19.7 it also bounds the requests of one HTTP/2 connection. A low value sends "Connection: close" (or GOAWAY) early: more TCP and TLS handshakes, more TIME_WAIT sockets, and a load balancer in front reopens its pool constantly. Remove the line or raise it',
      },
      off: {
        message:
          '"keepalive_requests 0" closes every client connection after one request: client keep-alive is off; if that is meant, "keepalive_timeout 0" says so',
        help: 'With 0, ngx_http_set_keepalive is never reached: each response closes the connection. `keepalive_timeout 0;` is the documented way to turn client keep-alive off',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    for (const use of model.nginx.directives.checkedUsesNamed('keepalive_requests')) {
      // The upstream block's keepalive_requests is about nginx's connections to backends.
      if (use.contexts.some((context) => !CLIENT_CONTEXTS.has(context)) || argumentsUnknown(use.directive)) continue;
      const arg = use.directive.args[0];
      if (!arg || !/^\d+$/.test(arg.value)) continue;
      const value = Number(arg.value);
      if (value === 0) yield { messageId: 'off', primary: arg.span, modelPath: use.path };
      else if (value < LOW_BELOW) yield { messageId: 'low', data: { value }, primary: arg.span, modelPath: use.path };
    }
  },
});
