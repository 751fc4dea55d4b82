/**
 * nginx files a container's start-up script edits in place before nginx starts (akvo-rsr's
 * `awk … default.conf > tmp; mv tmp default.conf`, `sed -i 's/__PORT__/8080/'`): read as the edit
 * may leave them, for the containers that run the script only. Trees written to disk and read
 * with the real engine.
 */
import { lintDiskTree } from '../disk-tree';

const ruleIds = (tree: Record<string, string>) => lintDiskTree(tree).map((finding) => `${finding.ruleId}:${finding.severity}`);
/** The findings on one line of any file. */
const ruleIdsAt = (tree: Record<string, string>, line: number) =>
  lintDiskTree(tree)
    .filter((finding) => finding.primary.start.line === line)
    .map((finding) => `${finding.ruleId}:${finding.severity}`);

/**
 * Two `location /media/` blocks in one server: nginx refuses to start ("duplicate location",
 * src/http/ngx_http.c `ngx_http_join_exact_locations`) unless something drops one.
 */
const TWO_MEDIA_BLOCKS = [
  'server {',
  '    listen 80;',
  '    location / {',
  '        proxy_pass http://127.0.0.1:8000;',
  '    }',
  '    ###STORAGE_ON_START',
  '    location /media/ {',
  '        proxy_pass http://127.0.0.1:9000/;',
  '    }',
  '    ###STORAGE_ON_END',
  '    ###STORAGE_OFF_START',
  '    location /media/ {',
  '        alias /var/app/media/;',
  '    }',
  '    ###STORAGE_OFF_END',
  '}',
  '',
].join('\n');

/** Drops one of the two blocks, which one decided by the container's environment. */
const AWK_START = [
  '#!/bin/sh',
  'if [ "$USE_STORAGE" = "yes" ]; then DROP=STORAGE_OFF; else DROP=STORAGE_ON; fi',
  'awk "/${DROP}_START/{skip=1} /${DROP}_END/{skip=0} !skip" < /etc/nginx/conf.d/default.conf > /tmp/site.conf',
  'mv /tmp/site.conf /etc/nginx/conf.d/default.conf',
  "exec nginx -g 'daemon off;'",
  '',
].join('\n');

function akvoShape(cmd: string, start = AWK_START, conf = TWO_MEDIA_BLOCKS): Record<string, string> {
  return {
    'Dockerfile-nginx': [
      'FROM nginx:1.25-alpine',
      'COPY nginx/default.conf /etc/nginx/conf.d/default.conf',
      'COPY nginx/start.sh /start.sh',
      `CMD ${cmd}`,
      '',
    ].join('\n'),
    'nginx/default.conf': conf,
    'nginx/start.sh': start,
  };
}

describe('nginx files a start-up script edits in place', () => {
  it('does not call two blocks duplicates when the script that starts nginx drops lines of the file first', () => {
    expect(ruleIds(akvoShape('["/start.sh"]'))).not.toContain('nginx-unreachable-location:error');
    expect(lintDiskTree(akvoShape('["/start.sh"]')).filter((finding) => finding.severity === 'error')).toEqual([]);
    // `sed … F > T && mv T F` with a script that deletes lines is the same kind of edit.
    const sedDelete = AWK_START.replace(/^awk .*$/m, "sed '/STORAGE_ON_START/,/STORAGE_ON_END/d' /etc/nginx/conf.d/default.conf > /tmp/site.conf");
    expect(ruleIds(akvoShape('["/start.sh"]', sedDelete))).not.toContain('nginx-unreachable-location:error');
  });

  it('still reports the duplicate when the container does not run the script', () => {
    // CMD starts nginx itself: start.sh is in the image but never runs, nginx reads the file as written.
    expect(ruleIds(akvoShape(`["nginx", "-g", "daemon off;"]`))).toContain('nginx-unreachable-location:error');
  });

  it('still reports the duplicate in a container that holds the file but does not run the script', () => {
    const tree = {
      'docker-compose.yml': [
        'services:',
        '  proxy:',
        '    image: nginx:1.25-alpine',
        '    volumes:',
        '      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro',
        '  tools:',
        '    image: nginx:1.25-alpine',
        '    command: ["/start.sh"]',
        '    volumes:',
        '      - ./nginx:/etc/nginx/conf.d',
        '      - ./nginx/start.sh:/start.sh',
        '',
      ].join('\n'),
      'nginx/default.conf': TWO_MEDIA_BLOCKS,
      'nginx/start.sh': AWK_START,
    };
    const duplicates = lintDiskTree(tree).filter((finding) => finding.ruleId === 'nginx-unreachable-location' && finding.severity === 'error');
    expect(duplicates).toHaveLength(1);
    expect(duplicates[0].primary.file).toBe('nginx/default.conf');
    expect(duplicates[0].primary.start.line).toBe(12);
  });

  describe('as akvo-rsr lays it out', () => {
    // Two images built from the tree (nothing runs them but themselves) each COPY the same
    // nginx.conf, whose `include /etc/nginx/conf.d/*.conf` reads the file the image COPYs to
    // conf.d/default.conf: its own in each. Both run the start.sh that edits it; an app image copies
    // the whole repository to /app, where no nginx reads it.
    const NGINX_CONF = ['events {}', 'http {', '    include /etc/nginx/conf.d/*.conf;', '}', ''].join('\n');
    const image = (site: string) =>
      [
        'FROM nginx:1.25-alpine',
        'COPY nginx/nginx.conf /etc/nginx/nginx.conf',
        `COPY nginx/${site} /etc/nginx/conf.d/default.conf`,
        'COPY nginx/start.sh /start.sh',
        'CMD ["/start.sh"]',
        '',
      ].join('\n');
    const tree = (start: string) => ({
      'Dockerfile-nginx': image('default.conf'),
      'Dockerfile-nginx-maintenance': image('maintenance.conf'),
      Dockerfile: ['FROM python:3.12', 'COPY . /app', 'CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]', ''].join('\n'),
      'nginx/nginx.conf': NGINX_CONF,
      'nginx/default.conf': TWO_MEDIA_BLOCKS,
      'nginx/maintenance.conf': TWO_MEDIA_BLOCKS,
      'nginx/start.sh': start,
    });
    const duplicates = (start: string) =>
      lintDiskTree(tree(start)).filter((finding) => finding.ruleId === 'nginx-unreachable-location' && finding.severity === 'error');

    it('the file each image edits is the one its conf.d include reads: no duplicate', () => {
      expect(duplicates(AWK_START)).toEqual([]);
    });

    it('without the edit, each image reads its own file as written: both duplicates', () => {
      const start = ['#!/bin/sh', "exec nginx -g 'daemon off;'", ''].join('\n');
      expect(
        duplicates(start)
          .map((finding) => `${finding.primary.file}:${finding.primary.start.line}`)
          .sort(),
      ).toEqual(['nginx/default.conf:12', 'nginx/maintenance.conf:12']);
    });
  });

  describe('a placeholder substituted with sed -i', () => {
    /** The placeholder alone is unknown; the duplicate `location /api/` is in the file whatever the port. */
    const PORT_CONF = [
      'server {',
      '    listen 80;',
      '    location /api/ {',
      '        proxy_pass http://127.0.0.1:__PORT__;',
      '    }',
      '    location /api/ {',
      '        proxy_pass http://127.0.0.1:8001;',
      '    }',
      '}',
      '',
    ].join('\n');
    const SED_START = ['#!/bin/sh', "sed -i 's/__PORT__/8080/' /etc/nginx/conf.d/default.conf", "exec nginx -g 'daemon off;'", ''].join('\n');

    it('keeps the true findings on lines the substitution cannot touch', () => {
      const duplicates = lintDiskTree(akvoShape('["/start.sh"]', SED_START, PORT_CONF)).filter(
        (finding) => finding.ruleId === 'nginx-unreachable-location' && finding.severity === 'error',
      );
      expect(duplicates).toHaveLength(1);
      expect(duplicates[0].primary.start.line).toBe(6);
    });

    it('takes a setting written with the placeholder for unknown, not for the placeholder itself', () => {
      const conf = PORT_CONF.replace('    listen 80;\n', '    listen 80;\n    client_max_body_size __MAX__;\n');
      const start = SED_START.replace("'s/__PORT__/8080/'", "-e 's/__PORT__/8080/' -e 's/__MAX__/10m/'");
      // As nginx reads it unedited, `__MAX__` is no size (ngx_conf_set_off_slot: "invalid value").
      const asWritten = lintDiskTree(akvoShape(`["nginx", "-g", "daemon off;"]`, start, conf)).filter((finding) => finding.primary.start.line === 3);
      expect(asWritten.map((finding) => `${finding.ruleId}:${finding.severity}`)).toEqual(['invalid-value:error']);
      const edited = lintDiskTree(akvoShape('["/start.sh"]', start, conf)).filter((finding) => finding.primary.start.line === 3);
      expect(edited).toEqual([]);
    });

    it('edits behind an ENTRYPOINT script that runs its arguments (`exec "$@"`): its command runs next, and makes the edit', () => {
      const conf = PORT_CONF.replace('    listen 80;\n', '    listen 80;\n    client_max_body_size __MAX__;\n');
      const start = SED_START.replace("'s/__PORT__/8080/'", "-e 's/__PORT__/8080/' -e 's/__MAX__/10m/'");
      const behind = (entrypoint: string) => {
        const tree = akvoShape('["/start.sh"]', start, conf);
        return {
          ...tree,
          'Dockerfile-nginx': tree['Dockerfile-nginx'].replace('CMD', 'COPY nginx/entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\nCMD'),
          'nginx/entrypoint.sh': entrypoint,
        };
      };
      const line3 = (tree: Record<string, string>) => ruleIdsAt(tree, 3);
      expect(line3(behind('#!/bin/sh\necho "starting"\nexec "$@"\n'))).toEqual([]);
      // An entrypoint that starts nginx itself never runs /start.sh: `__MAX__` is what nginx reads.
      expect(line3(behind("#!/bin/sh\nexec nginx -g 'daemon off;'\n"))).toEqual(['invalid-value:error']);
    });
  });
});
