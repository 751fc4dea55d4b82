import { defineRule, FindingDraft } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import type { Deployment } from '../src/model/deployment';
import type { Launch } from '../src/readers/launch/launch';
import type { RelatedSpan } from '../src/source/span';
import { uwsgiBackends } from '../src/model/uwsgi';

const ID = 'uwsgi-sigterm-reload';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'reliability',
  meta: {
    description: 'uWSGI 2.0 with a master process reloads on SIGTERM, and its supervisor stops it with SIGTERM: the stop hangs until SIGKILL',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      reloadsOnStop: {
        message: 'uWSGI 2.0 reloads on SIGTERM, and {{supervisor}} stops it with SIGTERM{{why}}',
        help: 'the master respawns its workers instead of exiting, and the stop waits until {{killer}} sends SIGKILL; set "die-on-term = true"{{alternative}}',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    for (const backend of uwsgiBackends(model.backends)) {
      const launch = backend.launch;
      // A shell between the supervisor and uWSGI gets the signal instead (a container's PID 1
      // without a handler ignores it): uWSGI never sees it. Unknown: say nothing.
      if (!launch || launch.stopSignalReaches !== true || !isSigterm(launch.stopSignal.value)) continue;
      // Without the master, each process exits on SIGTERM (core/uwsgi.c: end_me); unknown: say nothing.
      const master = backend.settings.get('master');
      const dieOnTerm = backend.settings.get('die-on-term');
      if (master?.value !== true || dieOnTerm?.value !== false) continue;
      // die-on-term may be set in the part of the config the tree does not hold.
      if (dieOnTerm.source.kind === 'default' && backend.gaps.length > 0) continue;

      const related: RelatedSpan[] = [];
      if (launch.stopSignal.span) related.push({ span: launch.span, label: 'uWSGI is started here' });
      if (dieOnTerm.source.kind === 'file') related.push({ span: dieOnTerm.source.span, label: 'die-on-term is off here' });
      if (master.source.kind === 'file')
        related.push({
          span: master.source.span,
          label: master.text.includes('needs the master') ? `${master.text.split(' ')[0]} switches the master process on` : 'the master process is on here',
        });
      const wording = supervisorWording(launch);
      yield {
        messageId: 'reloadsOnStop',
        data: {
          supervisor: wording.supervisor,
          why: launch.stopSignal.span ? ` (${launch.stopSignal.value} is set here)` : wording.defaultNote,
          killer: wording.killer,
          alternative: wording.alternative,
        },
        primary: launch.stopSignal.span ?? launch.span,
        related: related.slice(0, 3),
        modelPath: `uwsgi[${backend.name}]>launch[${launch.file}]>stop-signal`,
      };
    }
  },
});

function isSigterm(signal: string): boolean {
  const normal = signal.trim().toUpperCase();
  return normal === 'SIGTERM' || normal === 'TERM' || normal === '15';
}

/** How each supervisor is named, what stops it for good, and how to change its signal. */
function supervisorWording(launch: Launch): { supervisor: string; defaultNote: string; killer: string; alternative: string } {
  switch (launch.kind) {
    case 'systemd':
      return {
        supervisor: 'systemd',
        defaultNote: ' (KillSignal= is not set)',
        killer: 'systemd',
        alternative: ' in the ini, or KillSignal=SIGQUIT in the unit',
      };
    case 'dockerfile':
      return { supervisor: 'docker stop', defaultNote: ' (no STOPSIGNAL)', killer: 'docker', alternative: ', or STOPSIGNAL SIGQUIT in the Dockerfile' };
    case 'compose':
      return { supervisor: 'docker compose', defaultNote: ' (no stop_signal)', killer: 'compose', alternative: ', or stop_signal: SIGQUIT for the service' };
    case 'kubernetes':
      return { supervisor: 'Kubernetes', defaultNote: '', killer: 'the kubelet', alternative: '' };
    case 'supervisord':
      return { supervisor: 'supervisord', defaultNote: ' (stopsignal is not set)', killer: 'supervisord', alternative: ', or stopsignal=QUIT for the program' };
    default:
      return { supervisor: 'whatever stops this process', defaultNote: ' (by default)', killer: 'it', alternative: '' };
  }
}
