import { defineRule, FindingDraft } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import type { Deployment } from '../src/model/deployment';
import { TomcatBackend, TomcatConnector } from '../src/readers/tomcat/tomcat-backend';
import { ajpRequiredSecretAliasWorks, ajpSecretRequiredExists, describeTomcatVersion } from '../src/reference/tomcat/versions';
import type { RelatedSpan } from '../src/source/span';

const ID = 'tomcat-ajp-secret';
/** AbstractAjpProtocol, LocalStrings.properties `ajpprotocol.noSecret` (docs/servers/tomcat.md#ajp-secretrequired). */
const TOMCAT_EXCEPTION =
  'The AJP Connector is configured with secretRequired="true" but the secret attribute is either null or "". This combination is not valid.';

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'correctness',
  meta: {
    description: 'An AJP connector without a secret while secretRequired is true (the default since Tomcat 9.0.31): Tomcat does not start it',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      missingSecret: {
        message: 'AJP connector on port {{port}} has {{secret}} while secretRequired is true{{why}}',
        help:
          `Tomcat does not start it (java.lang.IllegalArgumentException: ${TOMCAT_EXCEPTION}), but its port is already bound, so TCP health checks pass while every AJP request fails; ` +
          'set secret="…" here and the same secret in the proxy, or secretRequired="false" on a trusted network',
      },
      requiredSecretIgnored: {
        message: 'AJP connector on port {{port}} sets its secret with "requiredSecret", which Tomcat 11 no longer reads{{versions}}',
        help: `with secretRequired true Tomcat does not start it (java.lang.IllegalArgumentException: ${TOMCAT_EXCEPTION}); rename requiredSecret to secret`,
      },
    },
  },
  *check(model: Deployment) {
    for (const backend of model.backends) {
      if (backend.kind !== 'tomcat') continue;
      for (const connector of backend.connectors) {
        const finding = judge(backend, connector);
        if (finding) yield finding;
      }
    }
  },
});

function judge(backend: TomcatBackend, connector: TomcatConnector): FindingDraft | undefined {
  if (connector.protocol !== 'ajp' || connector.unavailable || !ajpSecretRequiredExists(backend.version)) return undefined;
  const required = connector.settings.get('secretRequired');
  // Not determined (`${…}` from outside the tree) or switched off: nothing to judge.
  if (!required || required.value !== true) return undefined;
  const secret = connector.settings.get('secret');
  if (secret && (secret.value === undefined || secret.value !== '')) return undefined;

  const port = connector.settings.get('port');
  const portText = typeof port?.value === 'number' ? String(port.value) : (port?.text ?? '(none)');
  const primary = connector.attributes.get('protocol')?.valueSpan ?? connector.span;
  const related: RelatedSpan[] = [];
  const requiredAttribute = connector.attributes.get('secretRequired');
  if (requiredAttribute) related.push({ span: requiredAttribute.valueSpan, label: 'secretRequired is set here' });
  const modelPath = `Server>Service[${connector.service ?? ''}]>Connector[${portText}]`;

  const alias = connector.attributes.get('requiredSecret');
  if (!secret && alias && alias.value !== '') {
    const works = ajpRequiredSecretAliasWorks(backend.version);
    if (works === true) return undefined;
    related.push({ span: alias.nameSpan, label: 'Tomcat 9.0 and 10.1 read this as secret; Tomcat 11 ignores it' });
    if (backend.version.kind === 'known') related.push({ span: backend.version.span, label: `${describeTomcatVersion(backend.version)} from this image` });
    return {
      messageId: 'requiredSecretIgnored',
      data: { port: portText, versions: works === 'depends' ? ' (the Tomcat version is not known: on 9.0 and 10.1 it still works)' : '' },
      primary,
      related,
      modelPath,
      maxSeverity: works === 'depends' ? 'warning' : undefined,
    };
  }

  if (secret) related.push({ span: secret.source.kind === 'file' ? secret.source.span : connector.span, label: 'the secret is empty' });
  const byDefault = required.source.kind === 'default';
  if (byDefault && backend.version.kind === 'known') {
    related.push({ span: backend.version.span, label: `${describeTomcatVersion(backend.version)} requires a secret by default` });
  }
  // Releases before 2020 have no secretRequired and start the connector: only a version the tree
  // pins makes the default certain.
  const versionUnknown = byDefault && backend.version.kind === 'unknown';
  return {
    messageId: 'missingSecret',
    data: {
      port: portText,
      secret: secret ? 'an empty secret' : 'no secret',
      why: byDefault
        ? ` (the default since Tomcat 9.0.31, 8.5.51 and 7.0.100${versionUnknown ? '; the Tomcat version is not known: older releases start it' : ''})`
        : '',
    },
    primary,
    related,
    modelPath,
    maxSeverity: versionUnknown ? 'warning' : undefined,
  };
}
