import { rule } from '../../checks/uwsgi-unknown-option';
import { testRule } from '../harness';

testRule(rule, {
  accept: [
    {
      name: 'core and plugin options',
      tree: {
        'uwsgi.ini':
          '[uwsgi]\nplugins = python3,http\nmodule = app:application\nwsgi-file = app.py\nhttp = :8000\nhttp-timeout = 30\nvirtualenv = /srv/venv\nenable-threads = true\n',
      },
    },
    { name: 'a placeholder that a value uses', tree: { 'uwsgi.ini': '[uwsgi]\nproject = shop\nbase_dir = /srv\nchdir = %(base_dir)/%(project)\n' } },
    {
      name: 'placeholders used in arithmetic and in if-opt',
      tree: { 'uwsgi.ini': '[uwsgi]\ncores = 4\nprocesses = %(cores * 2)\nuse_http = 1\nif-opt = use_http\nhttp = :80\nendif\n' },
    },
    { name: 'set-placeholder in strict mode', tree: { 'uwsgi.ini': '[uwsgi]\nstrict = true\nset-ph = project=shop\nchdir = /srv/%(project)\n' } },
    { name: 'an option declared with declare-option', tree: { 'uwsgi.ini': '[uwsgi]\ndeclare-option = mysock=socket=/run/$1.sock\nmysock = shop\n' } },
    { name: 'end closes a block', tree: { 'uwsgi.ini': '[uwsgi]\nif-env = DEBUG\npy-autoreload = 1\nend\n' } },
  ],
  reject: [
    {
      name: 'two misspellings, each with the option meant',
      tree: { 'uwsgi.ini': '[uwsgi]\nmaster = true\nprocesess = 4\n  harikiri = 30\n' },
      findings: [
        {
          messageId: 'unknown',
          primary: { file: 'uwsgi.ini', line: 3, column: 1, endLine: 3, endColumn: 10 },
          messageIncludes: ['Unknown uWSGI option "procesess"'],
          helpIncludes: ['silently as a placeholder', 'did you mean "processes"?'],
        },
        { messageId: 'unknown', primary: { file: 'uwsgi.ini', line: 4, column: 3, endLine: 4, endColumn: 11 }, helpIncludes: ['did you mean "harakiri"?'] },
      ],
    },
    {
      name: 'underscores where uWSGI wants dashes',
      tree: { 'uwsgi.ini': '[uwsgi]\nbuffer_size = 32768\n' },
      findings: [{ messageId: 'unknown', primary: { file: 'uwsgi.ini', line: 2, column: 1 }, helpIncludes: ['did you mean "buffer-size"?'] }],
    },
    {
      name: 'in strict mode even a placeholder stops uWSGI',
      tree: { 'uwsgi.ini': '[uwsgi]\nproject = shop\nstrict = true\nchdir = /srv/%(project)\n' },
      findings: [
        {
          messageId: 'unknownStrict',
          primary: { file: 'uwsgi.ini', line: 2, column: 1, endColumn: 8 },
          helpIncludes: ['[strict-mode] unknown config directive: project'],
        },
      ],
    },
    {
      name: 'an unused name with no near option',
      tree: { 'uwsgi.ini': '[uwsgi]\nzzz_unused = 1\n' },
      findings: [{ messageId: 'unknown', primary: { file: 'uwsgi.ini', line: 2, column: 1 }, helpIncludes: ['sets nothing'] }],
    },
    {
      name: 'on the command line getopt stops uWSGI',
      tree: { Dockerfile: 'FROM python:3.11\nCMD ["uwsgi", "--http-socket", ":8000", "--procesess", "4"]\n' },
      findings: [
        {
          messageId: 'unknownOnCommandLine',
          primary: { file: 'Dockerfile', line: 2, column: 41, endColumn: 54 },
          messageIncludes: ['Unknown uWSGI option "--procesess"'],
          helpIncludes: ['did you mean "--processes"?'],
        },
      ],
    },
  ],
});
