/**
 * A Python module of the application named like a gunicorn config (jumpserver's
 * apps/common/management/commands/services/services/gunicorn.py builds a gunicorn command line in
 * a class) is no backend, read from disk by the real engine; a config beside it still is one.
 */
import { readTree } from '../../../src/engine/read-tree';
import { renderGraph } from '../../../src/report/graph';
import { writeTree } from '../../disk-tree';

const MODULE = [
  'from .base import BaseService',
  'from ..hands import *',
  '',
  "__all__ = ['GunicornService']",
  '',
  '',
  'class GunicornService(BaseService):',
  '    @property',
  '    def cmd(self):',
  "        return ['gunicorn', 'jumpserver.asgi:application', '-b', f'{HTTP_HOST}:{HTTP_PORT}']",
  '',
].join('\n');

function modelOf(files: Record<string, string>) {
  const dir = writeTree(files);
  return readTree({ paths: [dir], cwd: dir, config: {} }).model;
}

const backendsOf = (files: Record<string, string>) => modelOf(files).backends.map((backend) => `${backend.kind} ${backend.file}`);

describe('a module named like a gunicorn config', () => {
  test('is not read as a gunicorn backend, and the graph shows none', () => {
    const model = modelOf({ 'apps/services/services/gunicorn.py': MODULE });
    expect(model.backends).toEqual([]);
    expect(renderGraph(model, [], [], 'json')).not.toContain('hands');
  });

  test('a config beside it is still read: its bind is the listener', () => {
    const backends = backendsOf({
      'apps/services/services/gunicorn.py': MODULE,
      'deploy/gunicorn.conf.py': 'bind = "127.0.0.1:8000"\nworkers = 2\n',
    });
    expect(backends).toEqual([expect.stringMatching(/^gunicorn .*deploy\/gunicorn\.conf\.py$/)]);
  });

  test('a config that only defines hooks after a relative-looking import is still a backend', () => {
    expect(backendsOf({ 'conf/gunicorn.py': 'from .log import setup\n\n\ndef post_fork(server, worker):\n    setup()\n' })).toEqual([
      expect.stringMatching(/^gunicorn .*conf\/gunicorn\.py$/),
    ]);
  });
});
