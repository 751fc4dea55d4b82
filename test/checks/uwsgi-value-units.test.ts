import { rule } from '../../checks/uwsgi-value-units';
import { testRule } from '../harness';

testRule(rule, {
  accept: [
    { name: 'plain numbers', tree: { 'uwsgi.ini': '[uwsgi]\nbuffer-size = 32768\nharakiri = 60\nlimit-post = 10485760\nlisten = 1024\nprocesses = 4\n' } },
    { name: 'switches and text options are not numbers', tree: { 'uwsgi.ini': '[uwsgi]\nmaster = true\nvacuum = yes\nchdir = /srv/app\n' } },
    { name: 'a number followed by a comment reads as meant (that is uwsgi-inline-comment)', tree: { 'uwsgi.ini': '[uwsgi]\nlisten = 1024 # more than 100\n' } },
    { name: 'a value from an environment variable the tree does not set is not judged', tree: { 'uwsgi.ini': '[uwsgi]\nprocesses = $(WORKERS)\n' } },
    { name: 'a placeholder that resolves to a number', tree: { 'uwsgi.ini': '[uwsgi]\nbase = 30\nharakiri = %(base)\n' } },
    { name: 'buffer-size at its 16-bit limit', tree: { 'uwsgi.ini': '[uwsgi]\nbuffer-size = 65535\n' } },
  ],
  reject: [
    {
      name: 'size and time suffixes: buffer-size = 32k is 32 bytes, harakiri = 1m is 1 second',
      tree: { 'deploy/uwsgi.ini': '[uwsgi]\nsocket = /run/app.sock\nbuffer-size = 32k\n  harakiri   =   1m\n' },
      findings: [
        {
          messageId: 'truncated',
          primary: { file: 'deploy/uwsgi.ini', line: 3, column: 15, endLine: 3, endColumn: 18 },
          messageIncludes: ['buffer-size is 32 bytes, not 32768 bytes'],
          helpIncludes: ['uWSGI reads "32k" with strtoul', 'write 32768'],
        },
        {
          messageId: 'truncated',
          primary: { file: 'deploy/uwsgi.ini', line: 4, column: 18, endLine: 4, endColumn: 20 },
          messageIncludes: ['harakiri is 1 second, not 60 seconds'],
          helpIncludes: ['uWSGI reads "1m" with atoi', 'write 60'],
        },
      ],
      // The numbers the messages name; the spacing around `=` stays as written.
      fixed: { 'deploy/uwsgi.ini': '[uwsgi]\nsocket = /run/app.sock\nbuffer-size = 32768\n  harakiri   =   60\n' },
    },
    {
      name: 'limit-post = 10M is 10 bytes',
      tree: { 'uwsgi.ini': '[uwsgi]\nlimit-post = 10M\n' },
      findings: [
        {
          messageId: 'truncated',
          primary: { file: 'uwsgi.ini', line: 2, column: 14 },
          messageIncludes: ['limit-post is 10 bytes, not 10485760 bytes'],
          helpIncludes: ['write 10485760'],
        },
      ],
      fixed: { 'uwsgi.ini': '[uwsgi]\nlimit-post = 10485760\n' },
    },
    {
      name: 'buffer-size = 64k: the intended value is above the 16-bit cap',
      tree: { 'uwsgi.ini': '[uwsgi]\nbuffer-size = 64k\n' },
      findings: [
        {
          messageId: 'truncated',
          primary: { file: 'uwsgi.ini', line: 2, column: 15 },
          messageIncludes: ['buffer-size is 64 bytes, not 65536 bytes'],
          helpIncludes: ['write 65535, the most uWSGI allows'],
        },
      ],
      // 65536 would not fit: the most uWSGI allows.
      fixed: { 'uwsgi.ini': '[uwsgi]\nbuffer-size = 65535\n' },
    },
    {
      name: 'a decimal point ends the number',
      tree: { 'uwsgi.ini': '[uwsgi]\nthreads = 2.5\n' },
      findings: [
        { messageId: 'truncated', primary: { file: 'uwsgi.ini', line: 2, column: 11 }, message: 'threads is 2', helpIncludes: ['write a plain number'] },
      ],
      // No intended number to write: 2 or 3 threads is the user's call.
      fixed: {},
    },
    {
      name: 'listen = true is a backlog of 0',
      tree: { 'uwsgi.ini': '[uwsgi]\nlisten = true\n' },
      findings: [
        {
          messageId: 'noNumber',
          primary: { file: 'uwsgi.ini', line: 2, column: 10, endColumn: 14 },
          message: 'listen is 0',
          helpIncludes: ['uWSGI reads "true" with atoi, which finds no number in it'],
        },
      ],
    },
    {
      name: 'a bare key is an empty value: http-keepalive stays off',
      tree: { 'uwsgi.ini': '[uwsgi]\nhttp = :8000\nhttp-keepalive\n' },
      findings: [
        {
          messageId: 'noNumber',
          primary: { file: 'uwsgi.ini', line: 3, column: 1, endColumn: 15 },
          message: 'http-keepalive is 0',
          helpIncludes: ['uWSGI reads "" with atoi', 'a key without "= value" has an empty value'],
        },
      ],
    },
    {
      name: 'listen is applied before placeholders are expanded',
      tree: { 'uwsgi.ini': '[uwsgi]\nbacklog = 512\nlisten = %(backlog)\n' },
      findings: [
        {
          messageId: 'noNumber',
          primary: { file: 'uwsgi.ini', line: 3, column: 10 },
          messageIncludes: ['listen is 0'],
          helpIncludes: ['before "%(backlog)" would be expanded'],
        },
      ],
    },
    {
      name: 'the value a placeholder gives is judged at the option using it',
      tree: { 'uwsgi.ini': '[uwsgi]\nbuf = 16k\nbuffer-size = %(buf)\n' },
      findings: [
        {
          messageId: 'truncated',
          primary: { file: 'uwsgi.ini', line: 3, column: 15 },
          messageIncludes: ['buffer-size is 16 bytes, not 16384 bytes'],
          helpIncludes: ['uWSGI reads "16k"'],
        },
      ],
      // The text at buffer-size is the placeholder, not the value: no exact fix.
      fixed: {},
    },
    {
      name: 'buffer-size above 65535 is capped',
      tree: { 'uwsgi.ini': '[uwsgi]\nbuffer-size = 131072\n' },
      findings: [{ messageId: 'capped', primary: { file: 'uwsgi.ini', line: 2, column: 15 }, messageIncludes: ['buffer-size is 65535 bytes, not 131072'] }],
    },
    {
      name: 'on the command line of a Dockerfile',
      tree: {
        Dockerfile: 'FROM python:3.11\nCMD ["uwsgi", "--ini", "uwsgi.ini", "--harakiri", "30s"]\n',
        'uwsgi.ini': '[uwsgi]\nhttp-socket = :8000\n',
      },
      findings: [{ messageId: 'truncated', primary: { file: 'Dockerfile', line: 2, column: 51, endColumn: 56 }, messageIncludes: ['harakiri is 30 seconds'] }],
      // A command line is not an ini file: no fix.
      fixed: {},
    },
  ],
});
