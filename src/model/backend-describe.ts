/** How messages name a backend setting: "gunicorn's keepalive 2s (default, gthread worker)". */
import type { Backend } from './backend';
import type { Setting } from '../source/setting';
import { formatMilliseconds } from './nginx-values';
import type { Listener } from '../readers/backend';
import { canonicalSocketPath } from './links';

export function describeBackendSetting(backend: Backend, setting: Setting): string {
  const value =
    typeof setting.value === 'number'
      ? setting.unit === 'ms'
        ? formatMilliseconds(setting.value)
        : setting.unit === 'bytes'
          ? `${setting.value} bytes`
          : String(setting.value)
      : setting.text;
  const notes: string[] = [];
  if (setting.source.kind === 'default') notes.push('default');
  if (setting.source.kind === 'default' && setting.source.note) notes.push(setting.source.note);
  // Whether gunicorn keeps connections or kills slow requests depends on the worker class.
  const workerClass = backend.kind === 'gunicorn' ? backend.settings.get('worker_class')?.value : undefined;
  if (typeof workerClass === 'string' && (setting.name === 'keepalive' || setting.name === 'timeout')) notes.push(`${workerClass} worker`);
  const note = notes.length > 0 ? ` (${notes.join(', ')})` : '';
  return `${KIND_NAMES[backend.kind]}'s ${setting.name} ${value}${note}`;
}

/** How messages write where a backend listens: `*:8000`, `127.0.0.1:8000`, `unix:/run/app.sock`. */
export function describeListenAddress(listener: Listener): string {
  const address = listener.address;
  if (address.kind === 'unix') return `unix:${canonicalSocketPath(address.path)}`;
  if (address.kind === 'tcp') return `${address.host || '*'}:${address.port}`;
  return address.text;
}

/** `uWSGI`, `Tomcat`, `Spring Boot`, `gunicorn`, `uvicorn`: how messages name a kind of backend. */
export function backendKindName(kind: Backend['kind']): string {
  return KIND_NAMES[kind];
}

const KIND_NAMES: Record<Backend['kind'], string> = {
  gunicorn: 'gunicorn',
  uwsgi: 'uWSGI',
  tomcat: 'Tomcat',
  'spring-boot': 'Spring Boot',
  uvicorn: 'uvicorn',
};
