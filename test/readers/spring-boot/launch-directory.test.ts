/**
 * A start script that `cd`s to an absolute directory and runs `java -jar` there runs the
 * application the tree keeps under that directory's last names (linlinjava/litemall's
 * deploy/bin/deploy.sh: `cd /home/ubuntu/deploy/litemall; nohup java -jar litemall.jar &`, beside
 * deploy/litemall/application.yml): Spring Boot reads `./application.yml` from the directory it
 * runs in (its default config locations, `file:./` and `file:./config/`). Read from disk.
 */
import { readTree } from '../../../src/engine/read-tree';
import { linkDeployment } from '../../../src/model/links';
import { writeTree } from '../../disk-tree';

const deployScript = (directory: string) => `#!/bin/bash\ncd ${directory} || exit 2\nnohup java -jar app.jar > log.log 2>&1 &\n`;
const NGINX = 'events {}\nhttp {\n  server {\n    listen 80;\n    location / { proxy_pass http://127.0.0.1:8080; }\n  }\n}\n';
const APP = 'server:\n  port: 8080\n';

function modelOf(files: Record<string, string>) {
  const dir = writeTree(files);
  return readTree({ paths: [dir], cwd: dir, config: {} }).model;
}

/** Each Spring Boot application with the files of the launches that start it. */
function startedBy(files: Record<string, string>): string[] {
  return modelOf(files)
    .backends.filter((backend) => backend.kind === 'spring-boot')
    .map(
      (backend) =>
        `${backend.name.replace(/^.*?(deploy\/)/, '$1')} <- ${(backend.launchedBy ?? []).map((launch) => launch.file.replace(/^.*?(deploy\/)/, '$1')).join(', ')}`,
    )
    .sort();
}

describe('java -jar after cd to an absolute directory', () => {
  test('runs the application kept under the same last two names', () => {
    expect(
      startedBy({ 'deploy/bin/deploy.sh': deployScript('/home/ubuntu/deploy/app'), 'deploy/app/application.yml': APP, 'deploy/other/application.yml': APP }),
    ).toEqual(['deploy/app <- deploy/bin/deploy.sh', 'deploy/other <- ']);
  });

  test('one shared name says too little: /srv/app does not run deploy/app', () => {
    expect(startedBy({ 'deploy/bin/deploy.sh': deployScript('/srv/app'), 'deploy/app/application.yml': APP })).toEqual(['deploy/app <- ']);
  });

  test('a directory the script leaves to a variable runs nothing it can name', () => {
    expect(startedBy({ 'deploy/bin/deploy.sh': deployScript('"$APP_HOME"'), 'deploy/app/application.yml': APP })).toEqual(['deploy/app <- ']);
  });

  test('of two equally close applications on the port nginx sends to, the one the script starts is the link', () => {
    const files = {
      'deploy/nginx.conf': NGINX,
      'deploy/bin/deploy.sh': deployScript('/home/ubuntu/deploy/app'),
      'deploy/app/application.yml': APP,
      'deploy/old/application.yml': APP,
    };
    // Without the launch both are equally close and neither started: deploy/old would be offered as the other alternative.
    const short = (name: string) => name.replace(/^.*?(deploy\/)/, '$1');
    const linked = linkDeployment(modelOf(files)).map((link) => [short(link.backend.name), ...link.alternatives.map((other) => short(other.name))]);
    expect(linked).toEqual([['deploy/app']]);
  });
});
