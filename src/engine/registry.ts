/** Every rule cfglint knows, in id order. Add a rule here after adding checks/<id>.ts and .md. */
import type { Rule } from '../rule';
import { rule as bodySizeBackend } from '../../checks/body-size-backend';
import { rule as gunicornUnknownSetting } from '../../checks/gunicorn-unknown-setting';
import { rule as headerSizeBackend } from '../../checks/header-size-backend';
import { rule as lbIdleTimeout } from '../../checks/lb-idle-timeout';
import { rule as listenBacklogSomaxconn } from '../../checks/listen-backlog-somaxconn';
import { rule as nginxDefaultServer } from '../../checks/nginx-default-server';
import { rule as nginxDeprecatedDirective } from '../../checks/nginx-deprecated-directive';
import { rule as nginxDirectiveArgs } from '../../checks/nginx-directive-args';
import { rule as nginxDirectiveContext } from '../../checks/nginx-directive-context';
import { rule as nginxDuplicateDirective } from '../../checks/nginx-duplicate-directive';
import { rule as nginxErrorLogOff } from '../../checks/nginx-error-log-off';
import { rule as nginxIfIsEvil } from '../../checks/nginx-if-is-evil';
import { rule as nginxKeepaliveRequestsLow } from '../../checks/nginx-keepalive-requests-low';
import { rule as nginxMapDefault } from '../../checks/nginx-map-default';
import { rule as nginxProxyBuffers } from '../../checks/nginx-proxy-buffers';
import { rule as nginxStaleDns } from '../../checks/nginx-stale-dns';
import { rule as nginxTryFilesProxy } from '../../checks/nginx-try-files-proxy';
import { rule as nginxUnknownDirective } from '../../checks/nginx-unknown-directive';
import { rule as nginxUnreachableLocation } from '../../checks/nginx-unreachable-location';
import { rule as proxyReadTimeoutBackend } from '../../checks/proxy-read-timeout-backend';
import { rule as tomcatAjpSecret } from '../../checks/tomcat-ajp-secret';
import { rule as upstreamKeepaliveHttp10 } from '../../checks/upstream-keepalive-http10';
import { rule as upstreamKeepaliveRequests } from '../../checks/upstream-keepalive-requests';
import { rule as upstreamKeepaliveTimeout } from '../../checks/upstream-keepalive-timeout';
import { rule as upstreamProtocolMismatch } from '../../checks/upstream-protocol-mismatch';
import { rule as upstreamSocketPermission } from '../../checks/upstream-socket-permission';
import { rule as upstreamUnreachable } from '../../checks/upstream-unreachable';
import { rule as uwsgiInlineComment } from '../../checks/uwsgi-inline-comment';
import { rule as uwsgiSigtermReload } from '../../checks/uwsgi-sigterm-reload';
import { rule as uwsgiUnknownOption } from '../../checks/uwsgi-unknown-option';
import { rule as uwsgiValueUnits } from '../../checks/uwsgi-value-units';
import { rule as workerConnectionsNofile } from '../../checks/worker-connections-nofile';

// Sorted in code-unit order (the ids are ASCII): localeCompare would load ICU's collator on every
// start (about 6 ms) and make the order depend on the machine's locale.
export const RULES: Rule[] = [
  bodySizeBackend,
  gunicornUnknownSetting,
  headerSizeBackend,
  lbIdleTimeout,
  listenBacklogSomaxconn,
  nginxDefaultServer,
  nginxDeprecatedDirective,
  nginxDirectiveArgs,
  nginxDirectiveContext,
  nginxDuplicateDirective,
  nginxErrorLogOff,
  nginxIfIsEvil,
  nginxKeepaliveRequestsLow,
  nginxMapDefault,
  nginxProxyBuffers,
  nginxStaleDns,
  nginxTryFilesProxy,
  nginxUnknownDirective,
  nginxUnreachableLocation,
  proxyReadTimeoutBackend,
  tomcatAjpSecret,
  upstreamKeepaliveHttp10,
  upstreamKeepaliveRequests,
  upstreamKeepaliveTimeout,
  upstreamProtocolMismatch,
  upstreamSocketPermission,
  upstreamUnreachable,
  uwsgiInlineComment,
  uwsgiSigtermReload,
  uwsgiUnknownOption,
  uwsgiValueUnits,
  workerConnectionsNofile,
].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

export function findRule(id: string): Rule | undefined {
  return RULES.find((rule) => rule.id === id);
}
