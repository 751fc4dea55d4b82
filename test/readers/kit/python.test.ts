/**
 * The Python side of the gunicorn reader: what a config file's module-level names hold when the
 * file is read and not run, and which texts CPython 3 rejects. Expected values are Python's, as
 * the language reference defines them (checked once by hand with python3.11).
 */
import { PythonModule, readPythonModule } from '../../../src/readers/kit/python/module';
import type { PyEvaluated } from '../../../src/readers/kit/python/values';

function valueOf(module: PythonModule, name: string): unknown {
  const binding = module.finalBindings.get(name);
  if (!binding) return 'unbound';
  return plain(binding.value);
}

function plain(value: PyEvaluated): unknown {
  if (!value.known) return 'unknown';
  const v = value.value;
  if (v.type === 'list' || v.type === 'tuple') return { [v.type]: v.items.map(plain) };
  if ('value' in v) return v.value;
  return v.type;
}

const read = (text: string) => readPythonModule(text);

describe('values of module-level names', () => {
  test.each([
    ['workers = 4', 'workers', 4],
    ['bind = "0.0.0.0:8000"', 'bind', '0.0.0.0:8000'],
    ["bind = ['unix:/run/a.sock', '127.0.0.1:9']", 'bind', { list: ['unix:/run/a.sock', '127.0.0.1:9'] }],
    ['bind = ("a", "b")', 'bind', { tuple: ['a', 'b'] }],
    ['x = 1, 2', 'x', { tuple: [1, 2] }],
    ['keepalive = 60 * 2', 'keepalive', 120],
    ['timeout = 2 ** 4 - 1', 'timeout', 15],
    ['t = -(-3) + +2', 't', 5],
    ['t = 7 // 2', 't', 3],
    ['t = -7 // 2', 't', -4],
    ['t = -7 % 3', 't', 2],
    ['t = 7 / 2', 't', 3.5],
    ['t = 0o22', 't', 18],
    ['t = 0x_ff', 't', 255],
    ['t = 1_000', 't', 1000],
    ['t = 0b101', 't', 5],
    ['t = True + 1', 't', 2],
    ['t = ~0o022 & 0o777', 't', 493],
    ['t = 1 << 4 | 1', 't', 17],
    ['s = "a" "b" \'c\'', 's', 'abc'],
    ['s = "a\\tb\\x41\\101\\u00e9"', 's', 'a\tbAAé'],
    ['s = r"a\\tb"', 's', 'a\\tb'],
    ['s = """x\ny"""', 's', 'x\ny'],
    ['s = "ab" * 2 + "c"', 's', 'ababc'],
    ['s = b"abc"', 's', 'bytes'],
    ['n = None', 'n', 'none'],
    ['d = {"a": 1}', 'd', 'dict'],
  ])('%s', (text, name, expected) => {
    expect(valueOf(read(text + '\n'), name)).toEqual(expected);
  });

  test('names assigned earlier are followed, in statement order', () => {
    const module = read('PORT = 8000\nHOST = "0.0.0.0"\nbind = f"{HOST}:{PORT}"\nW = 2\nworkers = W * 2 + 1\nW = 10\n');
    expect(valueOf(module, 'bind')).toBe('0.0.0.0:8000');
    expect(valueOf(module, 'workers')).toBe(5);
  });

  test('f-strings with literal braces, and a later f-string part', () => {
    expect(valueOf(read('p = 80\ns = f"{{x}}:{p}" f"/{p}"\n'), 's')).toBe('{x}:80/80');
  });

  test.each([
    ['import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n', 'workers'],
    ['import os\nbind = os.environ.get("BIND", "0.0.0.0:8000")\n', 'bind'],
    ["import os\nbind = f\"0.0.0.0:{os.getenv('PORT', '5000')}\"\n", 'bind'],
    ['x = 1\nworkers = x if x else 2\n', 'workers'],
    ['workers = len("4")\n', 'workers'],
    ['workers = WORKERS\n', 'workers'],
    ['s = f"{1.5}"\n', 's'],
    ['s = f"{p!r}"\np = 1\n', 's'],
    ['t = 1 / 0\n', 't'],
    ['t = 10 ** 40\n', 't'],
  ])('unknown, not an error: %s', (text, name) => {
    const module = read(text);
    expect(module.syntaxProblems).toEqual([]);
    expect(valueOf(module, name)).toBe('unknown');
  });

  test('an assignment inside if/try/for/with is unknown, and a later plain one is known again', () => {
    const module = read(
      'workers = 2\nif DEBUG:\n    workers = 1\ntimeout = 5\ntry:\n    timeout = 9\nexcept ImportError:\n    pass\nthreads = 1\nfor i in range(3):\n    threads = i\nthreads = 4\n',
    );
    expect(valueOf(module, 'workers')).toBe('unknown');
    expect(valueOf(module, 'timeout')).toBe('unknown');
    expect(valueOf(module, 'threads')).toBe(4);
    expect(module.finalBindings.get('workers')!.conditional).toBe(true);
  });

  test('a list changed by a method call or an item assignment is unknown; a str method is harmless', () => {
    const module = read('bind = ["a"]\nbind.append("b")\nraw_env = ["A=1"]\nraw_env[0] = "B=2"\nname = "x"\nprint(name.upper())\n');
    expect(valueOf(module, 'bind')).toBe('unknown');
    expect(valueOf(module, 'raw_env')).toBe('unknown');
    expect(valueOf(module, 'name')).toBe('x');
  });

  test('augmented assignment', () => {
    expect(valueOf(read('workers = 2\nworkers += 3\n'), 'workers')).toBe(5);
    expect(valueOf(read('bind = ["a"]\nbind += ["b"]\n'), 'bind')).toEqual({ list: ['a', 'b'] });
  });

  test('tuple unpacking', () => {
    const module = read('host, port = "0.0.0.0", 8000\n(a, b) = [1, 2]\nc, d = pair\n');
    expect(valueOf(module, 'host')).toBe('0.0.0.0');
    expect(valueOf(module, 'port')).toBe(8000);
    expect(valueOf(module, 'b')).toBe(2);
    expect(valueOf(module, 'd')).toBe('unknown');
  });

  test('a star import or exec() may set any name: later lookups and unbound names are unknown', () => {
    const star = read('workers = 3\nfrom settings import *\ntimeout = 10\n');
    expect(valueOf(star, 'workers')).toBe('unknown');
    expect(valueOf(star, 'timeout')).toBe(10);
    expect(star.dynamicAfter?.what).toBe('from … import *');
    const exec = read('exec(open("base.py").read())\n');
    expect(exec.dynamicAfter?.what).toBe('exec(…)');
  });

  test('a function declaring a global and called at module level makes that global unknown', () => {
    const module = read('workers = 2\ndef tune():\n    global workers\n    workers = 8\ntune()\n');
    expect(valueOf(module, 'workers')).toBe('unknown');
  });

  test('del removes a name; a def binds a function', () => {
    const module = read('timeout = 5\ndel timeout\ndef post_fork(server, worker):\n    pass\n');
    expect(valueOf(module, 'timeout')).toBe('unbound');
    expect(valueOf(module, 'post_fork')).toBe('function');
  });

  test('imports bind names with unknown values', () => {
    const module = read('import os.path\nimport multiprocessing as mp\nfrom a.b import c as bind, workers\n');
    expect([...module.finalBindings.keys()].sort()).toEqual(['bind', 'mp', 'os', 'workers']);
    expect(valueOf(module, 'workers')).toBe('unknown');
  });
});

describe('string formatting: printf-style % and str.format', () => {
  // Expected texts are CPython's ("printf-style String Formatting", "Format String Syntax").
  test.each([
    ['bind = "%s:%s" % ("0.0.0.0", 80)', 'bind', '0.0.0.0:80'],
    ['bind = "127.0.0.1:%d" % 5000', 'bind', '127.0.0.1:5000'],
    ['p = 8000\nbind = ":%s" % p', 'bind', ':8000'],
    ['s = "%s" % (5,)', 's', '5'],
    ['s = "%i|%d" % (True, -3.7)', 's', '1|-3'],
    ['s = "%s %s %s" % (None, False, "x")', 's', 'None False x'],
    ['s = "%r %r %r" % ("x", "a\'b", 7)', 's', "'x' \"a'b\" 7"],
    ['s = "%r" % "a\\\\b\'\\""', 's', "'a\\\\b\\'\"'"],
    ['s = "%d%%" % 5', 's', '5%'],
    ['s = "100%%" % ()', 's', '100%'],
    ['s = "%(host)s:%(port)d" % {"host": "h", "port": 80, "other": 1.5}', 's', 'h:80'],
    ['d = {"port": 80}\ns = ":%(port)s%%" % d', 's', ':80%'],
    ['s = "%s"\ns %= 5', 's', '5'],
    ['t = 7.5 % 2', 't', 1.5],
    ['bind = "{}:{}".format("h", 80)', 'bind', 'h:80'],
    ['s = "{0}{0}{1}".format(5, "x", "unused")', 's', '55x'],
    ['s = "{host}:{port}".format(host="h", port=80)', 's', 'h:80'],
    ['s = "{a}{}".format(1, a=2)', 's', '21'],
    ['s = "{{}}{}}}".format(None)', 's', '{}None}'],
    ['s = "{0:}|{00}".format(7)', 's', '7|7'],
    ['t = "{}:8000"\nbind = t.format("0.0.0.0")', 'bind', '0.0.0.0:8000'],
  ])('%s', (text, name, expected) => {
    expect(valueOf(read(text + '\n'), name)).toEqual(expected);
  });

  test.each([
    // TypeErrors: a str for %d, too few or too many values, a key without a mapping.
    ['s = "%d" % "5"'],
    ['s = "%s %s" % (1,)'],
    ['s = "%s" % (1, 2)'],
    ['s = "abc" % 5'],
    ['s = "%(a)s" % ("x",)'],
    // KeyError, an incomplete format; a dict with an unknown value, a spread or a key that is not a str.
    ['s = "%(a)s" % {"b": 1}'],
    ['s = "abc%" % ()'],
    ['s = "%(a)s" % {"a": x}'],
    ['s = "%(a)s" % {**d, "a": 1}'],
    ['s = "%(a)s" % {1: "x", "a": 1}'],
    // Flags, widths, other conversions, floats and containers as text, repr past printable ASCII.
    ['s = "%5s" % "x"'],
    ['s = "%05d" % 1'],
    ['s = "%x" % 255'],
    ['s = "%s" % 1.5'],
    ['s = "%s" % [1]'],
    ['s = "%s" % {"a": 1}'],
    ['s = "%r" % "\u00e9"'],
    ['s = b"%s" % (1,)'],
    // str.format: mixed numbering, an index or a name not given, a spec or a conversion, fields with . or [].
    ['s = "{}{0}".format(1)'],
    ['s = "{1}".format(3)'],
    ['s = "{b}".format(a=1)'],
    ['s = "{:d}".format(1)'],
    ['s = "{0!s}".format(1)'],
    ['s = "{0.real}".format(1)'],
    ['s = "{0[0]}".format(a)'],
    ['s = "}".format()'],
    ['s = "{".format()'],
    ['s = "{}".format(1.5)'],
    ['s = "{}".format(*args)'],
    ['s = "{}".format(1, unknown_name)'],
    ['s = "{a}".format(a=1, a=2)'],
    ['s = x.format(1)'],
  ])('unknown: %s', (text) => {
    const module = read(text + '\n');
    expect(module.syntaxProblems).toEqual([]);
    expect(valueOf(module, 's')).toBe('unknown');
  });

  test('with the environment: the value of PORT, or the default', () => {
    const environment = (name: string) => (name === 'PORT' ? { set: true as const, value: '9000' } : { set: false as const });
    const module = readPythonModule(
      'import os\na = "0.0.0.0:%s" % os.environ.get("PORT", "5000")\nb = "0.0.0.0:{}".format(os.getenv("OTHER", 5000))\n',
      environment,
    );
    expect(valueOf(module, 'a')).toBe('0.0.0.0:9000');
    expect(valueOf(module, 'b')).toBe('0.0.0.0:5000');
  });

  test('past the size budget: unknown', () => {
    const big = `a = "${'y'.repeat(40_000)}"\n`;
    expect(valueOf(read(`${big}s = "%s" % a\n`), 's')).toBe('y'.repeat(40_000));
    expect(valueOf(read(`${big}s = "%s%s" % (a, a)\n`), 's')).toBe('unknown');
    expect(valueOf(read(`${big}s = "{0}{0}".format(a)\n`), 's')).toBe('unknown');
  });
});

describe('the environment: os.getenv and os.environ, with int() and str()', () => {
  // An environment where PORT=9000 and WORKERS=" 4 " are set and everything else is unset.
  const environment = (name: string) =>
    name === 'PORT' ? { set: true as const, value: '9000' } : name === 'WORKERS' ? { set: true as const, value: ' 4 ' } : { set: false as const };
  const withEnvironment = (text: string) => readPythonModule(text, environment);

  test.each([
    ['import os\nbind = f"0.0.0.0:{os.getenv(\'PORT\', 8000)}"', 'bind', '0.0.0.0:9000'],
    ['from os import getenv\nbind = f"0.0.0.0:{getenv(\'OTHER\', 8000)}"', 'bind', '0.0.0.0:8000'],
    ['import os\nworkers = int(os.environ.get("WORKERS", 2))', 'workers', 4],
    ['from os import environ\nworkers = int(environ.get("UNSET", "3"))', 'workers', 3],
    ['import os as o\nport = o.environ["PORT"]', 'port', '9000'],
    ['from os import getenv as env\nx = env("UNSET")', 'x', 'none'],
    ['import os\nx = os.getenv("UNSET", default="d")', 'x', 'd'],
    ['x = str(5) + "s"', 'x', '5s'],
    ['x = int(True)', 'x', 1],
  ])('%s', (text, name, expected) => {
    expect(valueOf(withEnvironment(text), name)).toEqual(expected);
  });

  test.each([
    // KeyError: gunicorn cannot load the file.
    ['import os\nport = os.environ["UNSET"]', 'port'],
    // int() raises ValueError on a word.
    ['import os\nPORT_WORD = 1\nx = int(os.getenv("PORT") + "x")', 'x'],
    // A name that is not os's (rebound after the import, or imported from elsewhere).
    ['from os import getenv\ngetenv = lambda k, d=None: "7"\nx = getenv("PORT", 1)', 'x'],
    ['from settings import getenv\nx = getenv("PORT", 1)', 'x'],
    // os.environ changed before it is read, or an import only on a condition.
    ['import os\nos.environ.setdefault("PORT", "1")\nx = os.environ.get("PORT")', 'x'],
    ['try:\n    import os\nexcept ImportError:\n    pass\nx = os.getenv("PORT", 1)', 'x'],
    // int rebound: not the builtin.
    ['def int(v):\n    return 0\nx = int("5")', 'x'],
    // dict.get takes no keyword arguments.
    ['import os\nx = os.environ.get("UNSET", default=1)', 'x'],
  ])('unknown: %s', (text, name) => {
    expect(valueOf(withEnvironment(text), name)).toBe('unknown');
  });

  test('without an environment every lookup is unknown, and the module says it reads one', () => {
    const module = read('import os\nbind = f"0.0.0.0:{os.getenv(\'PORT\', 8000)}"\nworkers = 2\n');
    expect(valueOf(module, 'bind')).toBe('unknown');
    expect(valueOf(module, 'workers')).toBe(2);
    expect(module.readsEnvironment).toBe(true);
    expect(read('workers = 2\n').readsEnvironment).toBeUndefined();
  });

  test('an environment the tree cannot give is unknown with its reason', () => {
    const module = readPythonModule('import os\nbind = os.getenv("PORT", "0.0.0.0:8000")', () => ({ unknown: 'PORT may be set by an env file' }));
    const binding = module.finalBindings.get('bind')!;
    expect(binding.value.known ? 'known' : binding.value.reason).toBe('PORT may be set by an env file');
  });
});

describe('names read elsewhere in the file', () => {
  test('module-level reads, reads in functions, and function locals that shadow', () => {
    const module = read(
      [
        'host = "0.0.0.0"',
        'port = 8000',
        'bind = f"{host}:{port}"',
        'worker = 3',
        'max_mem = 10',
        'def when_ready(server):',
        '    worker = server.worker',
        '    print(worker, max_mem)',
        'def post_fork(server, timeout):',
        '    return timeout',
        'keep = [t for t in range(3)]',
        'f(workers=2)',
        '',
      ].join('\n'),
    );
    expect(module.loadedNames.has('host')).toBe(true);
    expect(module.loadedNames.has('port')).toBe(true);
    expect(module.loadedNames.has('max_mem')).toBe(true);
    // `worker` is only read inside when_ready, where it is a local of its own.
    expect(module.loadedNames.has('worker')).toBe(false);
    // `timeout` is a parameter, `workers` a keyword argument, `bind` is only assigned.
    expect(module.loadedNames.has('timeout')).toBe(false);
    expect(module.loadedNames.has('workers')).toBe(false);
    expect(module.loadedNames.has('bind')).toBe(false);
  });

  test('a function that declares a name global reads the module-level name', () => {
    const module = read('workers = 2\ndef f():\n    global workers\n    return workers\n');
    expect(module.loadedNames.has('workers')).toBe(true);
  });
});

describe('Python 3 syntax', () => {
  const problems = (text: string) => read(text).syntaxProblems.map((p) => [p.from, p.message]);

  test.each([
    ['workers = 4\n'],
    ['if True:\n    a = 1\n    if a:\n        b = 2\nc = 3\n'],
    ['def on_starting(server):\n\tserver.log.info("x")\n'],
    ['x = (1,\n  2)\n'],
    ['x = """a\n  b"""\n'],
    ["x = 'a\\\nb'\n"],
    ['x = 0\ny = 00\nz = 0.5\nw = 012.5\n'],
    ['if x: y = 1\n'],
    ['match x:\n    case 1:\n        pass\n'],
    ['async def f():\n    await g()\n'],
    [''],
    ['workers = 2\r\ntimeout = 3\r\n'],
  ])('accepts %j', (text) => {
    expect(problems(text)).toEqual([]);
  });

  test.each([
    ['print "hello"\n', 0, "Missing parentheses in call to 'print' (Python 2 syntax)"],
    ['try:\n    pass\nexcept Exception, e:\n    pass\n', 30, 'multiple exception types must be parenthesized (Python 2 "except E, e:")'],
    ['umask = 022\n', 8, 'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers'],
    ['x = 1 <> 2\n', 6, 'invalid syntax: "<>" is Python 2 (use "!=")'],
    ['  workers = 1\n', 0, 'unexpected indent'],
    ['if True:\n    a = 1\n      b = 2\n', 19, 'unexpected indent'],
    ['if True:\n        a = 1\n    b = 2\n', 23, 'unindent does not match any outer indentation level'],
    ['if True:\n        a = 1\n\tb = 2\n', 23, 'inconsistent use of tabs and spaces in indentation'],
    ['bind = "abc\nworkers = 2\n', 7, 'unterminated string literal'],
    ['bind = ["a",\nworkers = 2\n', 21, 'invalid syntax before "="'],
    ['workers = 2 +\n', 13, 'invalid syntax: unexpected end of file'],
    ['x = `y`\n', 4, 'invalid syntax: unexpected "`"'],
    ['workers = 2\u0000\n', 11, 'source code cannot contain null bytes'],
  ])('rejects %j at offset %i', (text, offset, message) => {
    const found = problems(text);
    expect(found[0]).toEqual([offset, message]);
  });
});

describe('comments', () => {
  test('are kept with their offsets, not inside strings', () => {
    const module = read('# cfglint-disable-next-line gunicorn-unknown-setting -- ok\nkeep_alive = 5  # seconds\ns = "# not a comment"\n');
    expect(module.comments.map((c) => [c.from, c.text])).toEqual([
      [0, ' cfglint-disable-next-line gunicorn-unknown-setting -- ok'],
      [75, ' seconds'],
    ]);
  });
});

describe('values past the size budget are unknown, never cut short', () => {
  const reasonOf = (module: PythonModule, name: string) => {
    const value = module.finalBindings.get(name)?.value;
    return value && !value.known ? value.reason : undefined;
  };

  test('a string doubled 24 times: known up to 64 KiB, then unknown', () => {
    // "x" doubled 16 times is 65,536 characters (64 KiB, the budget); once more is past it.
    const module = read(`a = "x"\n${'a = a + a\n'.repeat(16)}at_budget = a\na = a + a\npast = a\n${'a = a + a\n'.repeat(7)}proc_name = a\n`);
    expect(valueOf(module, 'at_budget')).toBe('x'.repeat(65_536));
    expect(valueOf(module, 'past')).toBe('unknown');
    expect(reasonOf(module, 'past')).toMatch(/64 KiB/);
    expect(valueOf(module, 'proc_name')).toBe('unknown');
  });

  test('lists and tuples doubled by + or by nesting', () => {
    expect(valueOf(read(`a = ["x"]\n${'a = a + a\n'.repeat(24)}`), 'a')).toBe('unknown');
    // Nesting shares the items: small in memory, but 2^30 items for anything that walks it.
    expect(valueOf(read(`a = ("x",)\n${'a = (a, a)\n'.repeat(30)}`), 'a')).toBe('unknown');
    expect(valueOf(read('a = ("x",)\na = (a, a)\n'), 'a')).toEqual({ tuple: [{ tuple: ['x'] }, { tuple: ['x'] }] });
  });

  test('repetition and f-strings', () => {
    expect(valueOf(read('s = "ab" * 32768\n'), 's')).toBe('ab'.repeat(32_768));
    expect(valueOf(read('s = "ab" * 32769\n'), 's')).toBe('unknown');
    expect(valueOf(read('s = ["ab"] * 100000\n'), 's')).toBe('unknown');
    const big = `a = "${'y'.repeat(40_000)}"\n`;
    expect(valueOf(read(`${big}s = f"{a}"\n`), 's')).toBe('y'.repeat(40_000));
    expect(valueOf(read(`${big}s = f"{a}{a}"\n`), 's')).toBe('unknown');
  });
});
