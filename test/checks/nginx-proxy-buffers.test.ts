import { rule } from '../../checks/nginx-proxy-buffers';
import { testRule } from '../harness';

const server = (serverLevel: string, locationBody: string) =>
  `server {\n    listen 80;\n${serverLevel}    location / {\n${locationBody}        proxy_pass http://127.0.0.1:8000;\n    }\n}\n`;

testRule(rule, {
  accept: [
    { name: 'defaults', tree: { 'conf.d/app.conf': server('', '') } },
    { name: 'buffer size raised with the buffers', tree: { 'conf.d/app.conf': server('', '        proxy_buffer_size 64k;\n        proxy_buffers 4 64k;\n') } },
    {
      name: 'buffer size raised with busy_buffers_size within limits',
      tree: { 'conf.d/app.conf': server('', '        proxy_buffer_size 16k;\n        proxy_buffers 8 16k;\n        proxy_busy_buffers_size 32k;\n') },
    },
    { name: 'max_temp_file_size 0 disables temporary files', tree: { 'conf.d/app.conf': server('', '        proxy_max_temp_file_size 0;\n') } },
    {
      name: 'a snippet on its own is not judged against other snippets',
      tree: { 'snippets/big.conf': 'proxy_buffer_size 64k;\n', 'conf.d/app.conf': server('', '') },
    },
  ],
  reject: [
    {
      name: 'only proxy_buffer_size raised',
      tree: { 'conf.d/app.conf': server('', '        proxy_buffer_size 64k;\n') },
      findings: [
        {
          messageId: 'busyTooLarge',
          primary: { file: 'conf.d/app.conf', line: 4, column: 27, endColumn: 30 },
          messageIncludes: ['"proxy_busy_buffers_size" is 128k (by default twice 64k', '8 4k → 28k'],
          helpIncludes: ['must be less than the size of all "proxy_buffers" minus one buffer', 'proxy_buffers 4 64k'],
        },
      ],
    },
    {
      name: 'uwsgi_buffer_size at server level breaks every location, reported once; one proxy_buffers',
      tree: {
        'conf.d/app.conf':
          server('    uwsgi_buffer_size 32k;\n', '        proxy_buffers 1 8k;\n') +
          'server {\n    location /a { }\n    location /b { }\n    uwsgi_buffer_size 32k;\n}\n',
      },
      findings: [
        { messageId: 'busyTooLarge', primary: { file: 'conf.d/app.conf', line: 3, column: 23 }, messageIncludes: ['"uwsgi_busy_buffers_size" is 64k'] },
        { messageId: 'tooFewBuffers', primary: { file: 'conf.d/app.conf', line: 5, column: 23 }, helpIncludes: ['there must be at least 2 "proxy_buffers"'] },
        { messageId: 'busyTooLarge', primary: { file: 'conf.d/app.conf', line: 12, column: 23 } },
      ],
    },
    {
      name: 'busy_buffers_size smaller than one buffer',
      tree: { 'conf.d/app.conf': server('', '        fastcgi_buffers 8 16k;\n        fastcgi_busy_buffers_size 8k;\n') },
      findings: [
        {
          messageId: 'busyTooSmall',
          primary: { file: 'conf.d/app.conf', line: 5, column: 35 },
          related: [{ file: 'conf.d/app.conf', line: 4, column: 9, label: '"fastcgi_buffers" set here' }],
          helpIncludes: ['must be equal to or greater than the maximum'],
        },
      ],
    },
    {
      name: 'temp_file_write_size smaller than the buffer size',
      tree: { 'conf.d/app.conf': server('', '        proxy_buffer_size 16k;\n        proxy_buffers 8 16k;\n        proxy_temp_file_write_size 8k;\n') },
      findings: [{ messageId: 'tempWriteTooSmall', primary: { file: 'conf.d/app.conf', line: 6, column: 36 } }],
    },
  ],
});
