import { rule } from '../../checks/gunicorn-unknown-setting';
import { testRule } from '../harness';

testRule(rule, {
  accept: [
    {
      name: 'only real settings and hooks',
      tree: { 'gunicorn.conf.py': 'bind = "0.0.0.0:8000"\nworkers = 3\nkeepalive = 5\ndef post_fork(server, worker):\n    pass\n' },
    },
    {
      name: 'names from releases after 20.1.0 are known (dirty_workers, http_protocols)',
      tree: { 'gunicorn.conf.py': 'dirty_workers = 2\nhttp_protocols = "h2,h1"\nworker_class = "asgi"\n' },
    },
    {
      name: 'helper variables that are read later, however close to a setting',
      tree: { 'gunicorn.conf.py': 'worker = 3\nport = 8000\nbind = f"0.0.0.0:{port}"\nworkers = worker\n' },
    },
    {
      name: 'names far from every setting (helper variables, as far as cfglint can tell)',
      tree: { 'gunicorn.conf.py': 'import multiprocessing\ncores = multiprocessing.cpu_count()\nmax_mem = 100000\nworkers = 2\n' },
    },
    {
      name: 'private names, imports and classes are not judged',
      tree: { 'gunicorn.conf.py': '_worker = 2\nimport os as worker\nclass Timout:\n    pass\nworkers = 2\n' },
    },
    {
      name: 'a helper function whose name is near no hook',
      tree: { 'gunicorn.conf.py': 'workers = 2\ndef memory_usage(pid):\n    return 0\n' },
    },
    {
      name: 'capitalised constants are not guessed at, unless they are a setting in capitals',
      tree: { 'gunicorn.conf.py': 'WORKER = 2\nworkers = 3\n' },
    },
    {
      name: 'a *gunicorn*.py that does not look like a config',
      tree: { 'tests/test_gunicorn.py': 'worker = 3\ndef test_start():\n    assert worker\n' },
    },
    {
      name: 'a suppression with a reason',
      tree: { 'gunicorn.conf.py': 'workers = 2\n# cfglint-disable-next-line gunicorn-unknown-setting -- read by our own launcher\nworker = 3\n' },
    },
  ],
  reject: [
    {
      name: 'keep_alive is the spelling of --keep-alive',
      tree: { 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\nworker_class = "gthread"\nkeep_alive = 75\n' },
      findings: [
        {
          messageId: 'flagSpelling',
          severity: 'warning',
          primary: { file: 'gunicorn.conf.py', line: 3, column: 1, endLine: 3, endColumn: 11 },
          related: [],
          messageIncludes: ['Expected "keepalive"', '"keep_alive"', '--keep-alive'],
        },
      ],
      fixed: { 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\nworker_class = "gthread"\nkeepalive = 75\n' },
    },
    {
      name: 'worker_timeout and bind_address: the nearest real names',
      tree: { 'deploy/gunicorn_config.py': 'import os\n\nbind_address = "0.0.0.0:8000"\n    \nworkers = 2\nworker_timeout = 120\n' },
      findings: [
        {
          messageId: 'misspelt',
          primary: { file: 'deploy/gunicorn_config.py', line: 3, column: 1, endColumn: 13 },
          messageIncludes: ['"bind_address"'],
          helpIncludes: ['did you mean "bind"?'],
        },
        { messageId: 'misspelt', primary: { file: 'deploy/gunicorn_config.py', line: 6, column: 1, endColumn: 15 }, helpIncludes: ['did you mean "timeout"?'] },
      ],
      // The blank line with spaces and the import stay as they are.
      fixed: { 'deploy/gunicorn_config.py': 'import os\n\nbind = "0.0.0.0:8000"\n    \nworkers = 2\ntimeout = 120\n' },
    },
    {
      name: 'a misspelling next to the real setting points at both',
      tree: { 'gunicorn.conf.py': 'timeout = 30\ntimout = 120\n' },
      findings: [
        {
          messageId: 'misspelt',
          primary: { file: 'gunicorn.conf.py', line: 2, column: 1 },
          related: [{ file: 'gunicorn.conf.py', line: 1, column: 1, label: 'gunicorn reads "timeout" here' }],
        },
      ],
      // Renamed, the 120 would override the 30: which value wins would change, so no fix.
      fixed: {},
    },
    {
      name: 'worker for workers, and name for proc_name (-n --name)',
      tree: { 'gunicorn.conf.py': 'bind = "unix:/tmp/gunicorn.sock"\nworker = 3\nname = "app"\n' },
      findings: [
        { messageId: 'misspelt', primary: { file: 'gunicorn.conf.py', line: 2, column: 1 }, helpIncludes: ['did you mean "workers"?'] },
        { messageId: 'flagSpelling', primary: { file: 'gunicorn.conf.py', line: 3, column: 1 }, messageIncludes: ['Expected "proc_name"', '-n'] },
      ],
      fixed: { 'gunicorn.conf.py': 'bind = "unix:/tmp/gunicorn.sock"\nworkers = 3\nproc_name = "app"\n' },
    },
    {
      name: 'a misspelt hook is never called',
      tree: { 'gunicorn.conf.py': 'workers = 2\n\ndef post_froks(server, worker):\n    server.log.info("forked")\n' },
      findings: [
        { messageId: 'misspeltHook', primary: { file: 'gunicorn.conf.py', line: 3, column: 5, endColumn: 15 }, helpIncludes: ['did you mean "post_fork"?'] },
      ],
      fixed: { 'gunicorn.conf.py': 'workers = 2\n\ndef post_fork(server, worker):\n    server.log.info("forked")\n' },
    },
    {
      name: 'a setting in capitals',
      tree: { 'gunicorn.conf.py': 'workers = 2\nTIMEOUT = 120\n' },
      findings: [{ messageId: 'wrongCase', primary: { file: 'gunicorn.conf.py', line: 2, column: 1 }, messageIncludes: ['Expected "timeout"'] }],
      fixed: { 'gunicorn.conf.py': 'workers = 2\ntimeout = 120\n' },
    },
    {
      name: 'a removed setting',
      tree: { 'gunicorn.conf.py': 'workers = 2\ndebug = True\n' },
      findings: [{ messageId: 'removed', primary: { file: 'gunicorn.conf.py', line: 2, column: 1 }, messageIncludes: ['removed in 19.2'] }],
      // Nothing replaces it.
      fixed: {},
    },
    {
      name: 'inside an if at module level it is still a module-level name',
      tree: { 'gunicorn.conf.py': 'import os\nworkers = 2\nif os.environ.get("PROD"):\n    max_request = 1000\n' },
      findings: [{ messageId: 'misspelt', primary: { file: 'gunicorn.conf.py', line: 4, column: 5 }, helpIncludes: ['"max_requests"'] }],
      fixed: { 'gunicorn.conf.py': 'import os\nworkers = 2\nif os.environ.get("PROD"):\n    max_requests = 1000\n' },
    },
    {
      name: 'no fix: the name is also written in a string, where a rename could not tell use from text',
      tree: { 'gunicorn.conf.py': 'workers = 2\nTIMEOUT = 120\nprint("TIMEOUT set")\n' },
      findings: [{ messageId: 'wrongCase', primary: { file: 'gunicorn.conf.py', line: 2, column: 1 } }],
      fixed: {},
    },
  ],
});
