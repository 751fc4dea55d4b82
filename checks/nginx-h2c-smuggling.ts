import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import type { ExpandedDirective } from '../src/readers/nginx';
import type { RelatedSpan } from '../src/source/span';
import type { UpstreamPass } from '../src/model/nginx';
import { passesEverythingUnchecked } from '../src/model/nginx-access';
import { whyNoH2cUpgrade } from '../src/model/h2c-upgrade';
import { linkDeployment } from '../src/model/links';
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
          'Connection "{{connection}}" and Upgrade "{{upgrade}}" pass the client\'s own headers upstream: "Upgrade: h2c" can turn this connection into a tunnel to the backend{{harmless}}',
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
        // Harmful only with both: something nginx enforces that the tunnel skips, and a backend that upgrades.
        const harmless: string[] = [];
        if (passesEverythingUnchecked(scope, pass)) harmless.push('nginx enforces nothing in this server that a tunnel would skip');
        const noUpgrade = backendsWithoutH2c(model, pass);
        if (noUpgrade) harmless.push(`the backend cannot upgrade to h2c (${noUpgrade.reason})`);
        yield {
          messageId: 'clientUpgrade',
          data: {
            connection: connection.directive.args[1].value,
            upgrade: upgrade.directive.args[1].value,
            harmless: harmless.length > 0 ? `, but harmless here: ${harmless.join(', and ')}` : '',
          },
          primary: connection.directive.args[1].span,
          related: [{ span: upgrade.directive.args[1].span, label: "the client's Upgrade is passed on here" }, ...(noUpgrade ? [noUpgrade.related] : [])],
          modelPath: `${pass.location.path}>proxy_set_header[Connection]`,
          ...(harmless.length > 0 ? { maxSeverity: 'info' as const } : {}),
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

/**
 * Why no server the pass reaches can switch to h2c, when the tree links every address of the pass
 * to backends (and every equally close alternative) that cannot; undefined when one may or is unknown.
 */
function backendsWithoutH2c(model: Deployment, pass: UpstreamPass): { reason: string; related: RelatedSpan } | undefined {
  const addresses =
    pass.target.kind === 'group' ? pass.target.group.servers.map((server) => server.address) : pass.target.kind === 'address' ? [pass.target.address] : [];
  if (addresses.length === 0 || addresses.some((address) => !address)) return undefined;
  const links = linkDeployment(model).filter((link) => link.target.passes.includes(pass));
  if (new Set(links.map((link) => link.target)).size < addresses.length) return undefined;
  let first: { reason: string; related: RelatedSpan } | undefined;
  for (const link of links) {
    const reason = whyNoH2cUpgrade(link.backend, link.listener);
    if (!reason || link.alternatives.some((other) => !whyNoH2cUpgrade(other))) return undefined;
    first ??= { reason: `${link.backend.kind}: ${reason}`, related: { span: link.listener.span, label: `${link.backend.kind} listens here; ${reason}` } };
  }
  return first;
}
