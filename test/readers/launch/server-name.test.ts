import { Launch, serverName } from '../../../src/readers/launch/launch';

// serverName reads only where the launch is written and the service it belongs to.
const launch = (fields: Pick<Launch, 'file'> & Partial<Pick<Launch, 'service'>>) => fields as Launch;

describe('serverName', () => {
  test('the service that starts the server comes first', () => {
    expect(serverName(launch({ file: 'docker-compose.yml', service: 'web' }), 'gunicorn.conf.py')).toBe('web');
  });

  test('without a service, the config file the server reads', () => {
    expect(serverName(launch({ file: 'Procfile' }), 'uwsgi.ini')).toBe('uwsgi.ini');
    expect(serverName(undefined, 'gunicorn.conf.py')).toBe('gunicorn.conf.py');
  });

  test('without either, the file that launches it', () => {
    expect(serverName(launch({ file: 'deploy/start.sh' }))).toBe('deploy/start.sh');
  });
});
