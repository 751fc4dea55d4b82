/** Every rule cfglint has, in id order. Add a rule here after adding checks/<id>.ts and .md. */
import type { Rule } from '../src/rule';
import { rule as bodySizeBackend } from './body-size-backend';
import { rule as gunicornUnknownSetting } from './gunicorn-unknown-setting';
import { rule as headerSizeBackend } from './header-size-backend';
import { rule as lbHealthCheckUnserved } from './lb-health-check-unserved';
import { rule as lbIdleTimeout } from './lb-idle-timeout';
import { rule as lbTargetUnserved } from './lb-target-unserved';
import { rule as listenBacklogSomaxconn } from './listen-backlog-somaxconn';
import { rule as nginxAddHeaderContentType } from './nginx-add-header-content-type';
import { rule as nginxAddHeaderMultiline } from './nginx-add-header-multiline';
import { rule as nginxAliasTraversal } from './nginx-alias-traversal';
import { rule as nginxAllowWithoutDeny } from './nginx-allow-without-deny';
import { rule as nginxAutoindex } from './nginx-autoindex';
import { rule as nginxCaptureReference } from './nginx-capture-reference';
import { rule as nginxDirectiveArgs } from './nginx-directive-args';
import { rule as nginxDirectiveContext } from './nginx-directive-context';
import { rule as nginxDuplicateDirective } from './nginx-duplicate-directive';
import { rule as nginxH2cSmuggling } from './nginx-h2c-smuggling';
import { rule as nginxHeaderRedefinition } from './nginx-header-redefinition';
import { rule as nginxHostSpoofing } from './nginx-host-spoofing';
import { rule as nginxHttpSplitting } from './nginx-http-splitting';
import { rule as nginxOriginsRegex } from './nginx-origins-regex';
import { rule as nginxProxyBuffers } from './nginx-proxy-buffers';
import { rule as nginxProxyPassUri } from './nginx-proxy-pass-uri';
import { rule as nginxResolverExternal } from './nginx-resolver-external';
import { rule as nginxReturnBypassesAccess } from './nginx-return-bypasses-access';
import { rule as nginxSsrf } from './nginx-ssrf';
import { rule as nginxStatusPageExposed } from './nginx-status-page-exposed';
import { rule as nginxUnknownDirective } from './nginx-unknown-directive';
import { rule as nginxUnsafeCapture } from './nginx-unsafe-capture';
import { rule as nginxValidReferersNone } from './nginx-valid-referers-none';
import { rule as nginxVersionDisclosure } from './nginx-version-disclosure';
import { rule as nginxWeakTls } from './nginx-weak-tls';
import { rule as proxyReadTimeoutBackend } from './proxy-read-timeout-backend';
import { rule as serviceRestartPolicy } from './service-restart-policy';
import { rule as tomcatAjpSecret } from './tomcat-ajp-secret';
import { rule as upstreamKeepaliveHttp10 } from './upstream-keepalive-http10';
import { rule as upstreamKeepaliveRequests } from './upstream-keepalive-requests';
import { rule as upstreamKeepaliveTimeout } from './upstream-keepalive-timeout';
import { rule as upstreamProtocolMismatch } from './upstream-protocol-mismatch';
import { rule as upstreamSocketPermission } from './upstream-socket-permission';
import { rule as upstreamUnreachable } from './upstream-unreachable';
import { rule as uwsgiInlineComment } from './uwsgi-inline-comment';
import { rule as uwsgiSigtermReload } from './uwsgi-sigterm-reload';
import { rule as uwsgiUnknownOption } from './uwsgi-unknown-option';
import { rule as uwsgiValueUnits } from './uwsgi-value-units';
import { rule as workerConnectionsNofile } from './worker-connections-nofile';
import { rule as nginxDeprecatedDirective } from './nginx-deprecated-directive';
import { rule as nginxIfIsEvil } from './nginx-if-is-evil';
import { rule as nginxMapDefault } from './nginx-map-default';
import { rule as nginxErrorLogOff } from './nginx-error-log-off';
import { rule as nginxDefaultServer } from './nginx-default-server';
import { rule as nginxUnreachableLocation } from './nginx-unreachable-location';
import { rule as nginxTryFilesProxy } from './nginx-try-files-proxy';
import { rule as nginxStaleDns } from './nginx-stale-dns';
import { rule as nginxKeepaliveRequestsLow } from './nginx-keepalive-requests-low';

// Sorted in code-unit order (the ids are ASCII): localeCompare would load ICU's collator on every
// start (about 6 ms) and make the order depend on the machine's locale.
export const RULES: Rule[] = [
  bodySizeBackend,
  gunicornUnknownSetting,
  headerSizeBackend,
  lbHealthCheckUnserved,
  lbIdleTimeout,
  lbTargetUnserved,
  listenBacklogSomaxconn,
  nginxAddHeaderContentType,
  nginxAddHeaderMultiline,
  nginxAliasTraversal,
  nginxAllowWithoutDeny,
  nginxAutoindex,
  nginxCaptureReference,
  nginxDirectiveArgs,
  nginxDirectiveContext,
  nginxDuplicateDirective,
  nginxH2cSmuggling,
  nginxHeaderRedefinition,
  nginxHostSpoofing,
  nginxHttpSplitting,
  nginxOriginsRegex,
  nginxProxyBuffers,
  nginxProxyPassUri,
  nginxResolverExternal,
  nginxReturnBypassesAccess,
  nginxSsrf,
  nginxStatusPageExposed,
  nginxUnknownDirective,
  nginxUnsafeCapture,
  nginxValidReferersNone,
  nginxVersionDisclosure,
  nginxWeakTls,
  proxyReadTimeoutBackend,
  serviceRestartPolicy,
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
  nginxDeprecatedDirective,
  nginxIfIsEvil,
  nginxMapDefault,
  nginxErrorLogOff,
  nginxDefaultServer,
  nginxUnreachableLocation,
  nginxTryFilesProxy,
  nginxStaleDns,
  nginxKeepaliveRequestsLow,
].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
