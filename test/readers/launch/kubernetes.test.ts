/** Kubernetes: pod templates of each workload kind, command/args, env with $(VAR), sysctls. */
import { at, describeDiagnostic, readTreeOf, values } from './read-tree';

const manifest = [
  'apiVersion: batch/v1',
  'kind: CronJob',
  'metadata:',
  '  name: cleanup',
  'spec:',
  '  jobTemplate:',
  '    spec:',
  '      template:',
  '        spec:',
  '          containers:',
  '            - name: task',
  '              command: ["python", "-m", "app.cleanup"]',
  '---',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: api',
  'spec:',
  '  template:',
  '    spec:',
  '      hostNetwork: true',
  '      securityContext:',
  '        sysctls:',
  '          - name: net.core.somaxconn',
  '            value: "4096"',
  '      containers:',
  '        - name: web',
  '          image: app',
  '          command: ["gunicorn"]',
  '          args: ["app:app", "--bind", "$(POD_IP):$(PORT)", "--name", "$$(literal)"]',
  '          workingDir: /srv',
  '          env:',
  '            - name: PORT',
  '              value: "8000"',
  '            - name: POD_IP',
  '              valueFrom:',
  '                fieldRef: {fieldPath: status.podIP}',
  '        - name: sidecar',
  '          image: proxy',
  '          args: ["--port", "9000"]',
  '',
].join('\n');

const { launches, limits, diagnostics } = readTreeOf({ 'k8s/app.yaml': manifest });

test("a launch per container with a command; args alone leave the image's program, not in the tree", () => {
  expect(diagnostics.map(describeDiagnostic)).toEqual([]);
  expect(launches.map((launch) => [launch.service, launch.container?.name, launch.program])).toEqual([
    ['cleanup', 'task', 'app.cleanup'],
    ['api', 'web', 'gunicorn'],
  ]);
});

test('command then args; $(PORT) from env, $(POD_IP) from valueFrom unknown, $$( literal', () => {
  const web = launches[1];
  expect(web.kind).toBe('kubernetes');
  expect(values(web)).toEqual(['gunicorn', 'app:app', '--bind', undefined, '--name', '$(literal)']);
  expect(web.argv[3].unresolved).toEqual(['$(POD_IP)']);
  expect(at(web.argv[0].span)).toBe('29:21-29:31');
  expect(at(web.argv[3].span)).toBe('30:39-30:58');
  expect(web.env.get('PORT')?.value).toBe('8000');
  expect(web.env.get('POD_IP')?.unresolved).toEqual(['valueFrom']);
  expect(web.workingDirectory?.value).toBe('/srv');
  expect(web.stopSignal).toEqual({ value: 'SIGTERM' });
  expect(web.container).toMatchObject({ hostNetwork: true, name: 'web' });
  expect(at(web.container?.span)).toBe('21:20-21:24');
});

test("pod sysctls apply to the workload's containers", () => {
  expect(limits.map((limit) => [limit.name, limit.appliesTo, limit.setting.value])).toEqual([['net.core.somaxconn', { kind: 'container', name: 'api' }, 4096]]);
  expect(limits[0].setting.source.kind === 'file' && at(limits[0].setting.source.span)).toBe('25:20-25:26');
});

test('a Helm template is not read as YAML', () => {
  const result = readTreeOf({ 'chart/templates/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n' });
  expect(result.diagnostics).toEqual([]);
  expect(result.launches).toEqual([]);
});

test('$(NAME) chains that double: known up to 64 KiB, then unresolved; a long value is read in one pass', () => {
  // A0 is 2 characters; A15 is 2^16 = 65,536 (the budget), A16 past it.
  const env = Array.from({ length: 30 }, (_, i) => `            - name: A${i + 1}\n              value: "$(A${i})$(A${i})"`).join('\n');
  const long = '$(X)x'.repeat(200_000); // one megabyte of references to a name nobody defines
  const doubled = readTreeOf({
    'k8s/app.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          command: ["gunicorn", "--name", "$(A15)", "--bind", "$(A16)", "--log-file", "${long}"]\n          env:\n            - name: A0\n              value: "xx"\n${env}\n`,
  });
  expect(doubled.diagnostics.map(describeDiagnostic)).toEqual([]);
  const argv = doubled.launches[0].argv;
  expect(argv[2].value).toBe('x'.repeat(65_536));
  expect(argv[4].unresolved).toEqual(['$(A16)']);
  // Kubernetes leaves a reference to an undefined name as written.
  expect(argv[6].value).toBe(long);
});
