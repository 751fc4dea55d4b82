import { defineRule, FindingDraft } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import { Fix, plainSource, yamlFirstEntry } from '../src/source/edit';
import type { Deployment } from '../src/model/deployment';
import { downAfterReboot } from '../src/model/restart-policy';
import type { Span } from '../src/source/span';

const ID = 'service-restart-policy';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'reliability',
  meta: {
    description: 'the front door (nginx, or the backend a load balancer sends to) does not start again after a host reboot',
    docsUrl: docsUrl(ID),
    fixable: true,
    messages: {
      composeNoRestart: {
        message: 'Compose service "{{service}}" runs {{runs}}, publishing {{ports}}{{balancer}}, with {{restart}}: after a reboot it stays down',
        help:
          'Compose\'s default restart policy is "no": when the host reboots, the Docker daemon starts again but not this container, so nothing listens on its ports ' +
          'and a load balancer in front marks the host unhealthy and answers 502/503 (field report 003: after a reboot, "nginx was off"). ' +
          'Add `restart: unless-stopped` (or `always`) to the service',
      },
      systemdNotEnabled: {
        message: 'systemd unit {{unit}} runs {{runs}}{{balancer}} but has no [Install] WantedBy=: it cannot be enabled to start at boot',
        help:
          'Without an [Install] section naming a target (`WantedBy=multi-user.target`), `systemctl enable` has nothing to link and the unit does not start at boot; ' +
          'after a reboot the port stays closed and the load balancer answers 502/503. Add `[Install]` with `WantedBy=multi-user.target` and run `systemctl enable`',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    for (const down of downAfterReboot(model)) {
      const balancer = down.behindBalancer ? ` behind ${down.behindBalancer}` : '';
      // A compose file on a laptop is not a production front door: a warning only when a balancer of the tree sends to it.
      const maxSeverity = down.behindBalancer ? undefined : ('info' as const);
      if (down.kind === 'compose') {
        const { container } = down;
        yield {
          messageId: 'composeNoRestart',
          data: {
            service: container.service,
            runs: down.runs,
            // The host ports the service publishes, not only its server's: a Tomcat beside nginx publishes 8080 too.
            ports: `${down.ports.length === 1 ? 'port' : 'ports'} ${down.ports.join(', ')}`,
            balancer,
            restart: container.restart ? `restart: "${container.restart.value}"` : 'no restart policy (compose\'s default is "no")',
          },
          primary: container.keySpan!,
          related: container.restart ? [{ span: container.restart.span, label: `restart: ${container.restart.value}` }] : [],
          modelPath: `compose[${container.file}]>${container.service}>restart`,
          ...(maxSeverity ? { maxSeverity } : {}),
          ...restartFix(model, container.keySpan!, container.restart),
        };
      } else {
        const { launch } = down;
        yield {
          messageId: 'systemdNotEnabled',
          data: { unit: launch.service ?? launch.file, runs: down.runs, balancer },
          primary: launch.span,
          related: [],
          modelPath: `systemd[${launch.service ?? launch.file}]>Install>WantedBy`,
          ...(maxSeverity ? { maxSeverity } : {}),
        };
      }
    }
  },
});

const POLICY = 'unless-stopped';

/**
 * The help's advice in the compose file: `restart: "no"` rewritten, else `restart: unless-stopped`
 * as the service's first key, indented like the key below it. Only for a block mapping written
 * as is (`web:` alone on its line, its keys on the lines below); a flow mapping, an anchor or a
 * template gets no fix.
 */
function restartFix(model: Deployment, key: Span, restart: { value: string; span: Span } | undefined): { fix: Fix } | Record<string, never> {
  const source = plainSource(model.sourceTexts?.get(key.file));
  if (!source) return {};
  const title = `set restart: ${POLICY}`;
  if (restart) {
    const written = source.text.slice(restart.span.start.offset, restart.span.end.offset);
    if (restart.value !== 'no' || !['no', '"no"', "'no'"].includes(written)) return {};
    return { fix: { title, edits: [{ span: restart.span, text: POLICY }] } };
  }
  const edit = yamlFirstEntry(source, key, `restart: ${POLICY}`);
  return edit ? { fix: { title, edits: [edit] } } : {};
}
