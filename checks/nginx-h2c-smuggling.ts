import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import type { ExpandedDirective } from '../src/readers/nginx';
import { NginxVariables } from '../src/model/nginx-variables';
import { argEqualsIgnoringCase } from '../src/model/nginx-directives';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-h2c-smuggling';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'security',
  meta: {
    description: 'The client\'s Upgrade and Connection headers reach the upstream unchanged, so "Upgrade: h2c" can open a tunnel past nginx',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      clientUpgrade: {
        message:
          'Connection "{{connection}}" and Upgrade "{{upgrade}}" pass the client\'s own headers upstream: "Upgrade: h2c" can turn this connection into a tunnel to the backend',
        help:
          'With `Upgrade: h2c`, `HTTP2-Settings` and `Connection: Upgrade, HTTP2-Settings` passed on, a backend that supports h2c ' +
          'answers 101 and nginx relays the connection as an opaque tunnel: every later request on it goes to the backend ' +
          "without nginx's locations, allow/deny or auth_request (h2c smuggling). Send a fixed `Connection upgrade` (or the " +
          '$connection_upgrade map) and only the Upgrade values you serve (a map of $http_upgrade with `websocket websocket;` ' +
          'and `default "";`)',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    const seen = new Set<ExpandedDirective>();
    for (const scope of model.nginx.scopes) {
      if (!scope.setsAnywhere('proxy_set_header')) continue;
      const variables = NginxVariables.of(scope);
      // Only a Connection header written with a variable can pass the client's tokens on (read
      // in the text: a large tree has thousands of other headers with variables).
      if (!variables.withVariablesNamed('proxy_set_header').some(({ entry }) => argEqualsIgnoringCase(entry.directive, 0, 'connection'))) continue;
      for (const pass of scope.passes) {
        if (pass.module !== 'proxy') continue;
        const headers = pass.location.inheritedList('proxy_set_header').entries;
        const upgrade = lastHeader(headers, 'upgrade');
        const connection = lastHeader(headers, 'connection');
        if (!upgrade || !connection || seen.has(connection)) continue;
        const passesClient = (entry: ExpandedDirective, name: string) =>
          variables.expand(entry.directive.args[1]?.value ?? '', pass.location).some(({ facts }) => facts?.origin.includes(`$http_${name}`));
        if (!passesClient(upgrade, 'upgrade') || !passesClient(connection, 'connection')) continue;
        seen.add(connection);
        yield {
          messageId: 'clientUpgrade',
          data: { connection: connection.directive.args[1].value, upgrade: upgrade.directive.args[1].value },
          primary: connection.directive.args[1].span,
          related: [{ span: upgrade.directive.args[1].span, label: "the client's Upgrade is passed on here" }],
          modelPath: `${pass.location.path}>proxy_set_header[Connection]`,
        };
      }
    }
  },
});

function lastHeader(headers: ExpandedDirective[], name: string): ExpandedDirective | undefined {
  for (let i = headers.length - 1; i >= 0; i--)
    if (headers[i].directive.args[0]?.value.toLowerCase() === name && headers[i].directive.args[1]) return headers[i];
  return undefined;
}
