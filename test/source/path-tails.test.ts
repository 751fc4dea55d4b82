import { closestByTail, pathComponents, sharedDirectoryDepth, sharedTailLength } from '../../src/source/path-tails';

describe('path tails', () => {
  test('components drop empty parts and "."', () => {
    expect(pathComponents('/app/./conf//uwsgi.ini')).toEqual(['app', 'conf', 'uwsgi.ini']);
    expect(pathComponents('uwsgi.ini')).toEqual(['uwsgi.ini']);
  });

  test('the shared tail stops at the first component that differs', () => {
    expect(sharedTailLength(['repo', 'deploy', 'conf', 'gunicorn.py'], ['app', 'conf', 'gunicorn.py'])).toBe(2);
    expect(sharedTailLength(['repo', 'gunicorn.py'], ['app', 'conf', 'gunicorn.py'])).toBe(1);
    expect(sharedTailLength(['repo', 'conf', 'other.py'], ['conf', 'gunicorn.py'])).toBe(0);
  });

  test('a last component written otherwise counts only when the caller accepts it, and only as the last', () => {
    const template = (part: string, wanted: string) => part === `${wanted}.template`;
    expect(sharedTailLength(['nginx', 'nginx.conf.template'], ['etc', 'nginx', 'nginx.conf'], template)).toBe(2);
    expect(sharedTailLength(['nginx.template', 'nginx.conf'], ['nginx', 'nginx.conf'], template)).toBe(1);
    expect(sharedTailLength(['nginx', 'nginx.conf.template'], ['etc', 'nginx', 'nginx.conf'])).toBe(0);
  });

  test('directory depth counts leading directories, not the file names', () => {
    expect(sharedDirectoryDepth('/t/prod/nginx.conf', '/t/prod/compose.yml')).toBe(2);
    expect(sharedDirectoryDepth('/t/prod/nginx.conf', '/t/staging/nginx.conf')).toBe(1);
    expect(sharedDirectoryDepth('/t/a/x', '/t/ab/x')).toBe(1);
  });

  const tree = ['/t/docs/uwsgi.ini', '/t/deploy/conf/uwsgi.ini', '/t/prod/conf/uwsgi.ini', '/t/prod/compose.yml', '/t/conf/other.ini'];

  test('the longest shared tail wins; a file sharing nothing is never chosen', () => {
    expect(closestByTail(tree, ['app', 'conf', 'uwsgi.ini'], undefined)).toEqual(['/t/deploy/conf/uwsgi.ini', '/t/prod/conf/uwsgi.ini']);
    expect(closestByTail(tree, ['etc', 'app.ini'], '/t/prod')).toEqual([]);
  });

  test('ties go to the candidate nearest the directory given, and stay ties when it does not settle them', () => {
    expect(closestByTail(tree, ['app', 'conf', 'uwsgi.ini'], '/t/prod')).toEqual(['/t/prod/conf/uwsgi.ini']);
    expect(closestByTail(tree, ['app', 'conf', 'uwsgi.ini'], '/t/ci')).toEqual(['/t/deploy/conf/uwsgi.ini', '/t/prod/conf/uwsgi.ini']);
  });
});
