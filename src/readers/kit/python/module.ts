/**
 * A Python file (a gunicorn config) read as a syntax tree (@lezer/python) and never run. The
 * module-level statements are followed in order, the way Python would execute them, but only
 * literals, lists, tuples, dicts, arithmetic on literals, f-strings, `%` and str.format of known
 * parts (formatting.ts says which forms), and names assigned earlier are evaluated, and
 * os.getenv / os.environ / int() / str() when the caller gives the process's environment;
 * anything else (another call, a comparison) is an unknown value with the reason. Names bound
 * inside `if`/`try`/`for`/`with` are unknown too: the branch taken is not known.
 *
 * Lezer's grammar accepts some text that Python 3 rejects (Python 2 `print "x"`, `except E, e:`,
 * `0755`, `<>`, wrong indentation, a string left open at the end of a line); `python3Problems`
 * adds those checks, so that "gunicorn cannot load this file" matches CPython 3.11's compile().
 */
import { parser } from '@lezer/python';
import { Executor, PythonEnvironment } from './evaluator';
import { collectLoads } from './names';
import { lezerErrors, python3Problems } from './syntax';
import type { PyEvaluated } from './values';

export type BindingKind = 'assign' | 'augmented' | 'def' | 'class' | 'import' | 'loop' | 'as' | 'mutated' | 'dynamic';

/** One module-level name binding, in statement order. */
export interface PyBinding {
  name: string;
  kind: BindingKind;
  /** The name as written (for `def`, the function name). */
  nameFrom: number;
  nameTo: number;
  /** The value expression (the right-hand side), or the name itself when there is none. */
  valueFrom: number;
  valueTo: number;
  value: PyEvaluated;
  /** Inside an if/try/for/while/with/match at module level. */
  conditional: boolean;
}

export interface PySyntaxProblem {
  from: number;
  to: number;
  message: string;
}

export interface PythonModule {
  text: string;
  /** In text order; gunicorn (like Python) stops at the first one. */
  syntaxProblems: PySyntaxProblem[];
  comments: { from: number; to: number; text: string }[];
  /** Every module-level binding in statement order (the last one of a name wins). */
  bindings: PyBinding[];
  /** The binding of each name at the end of the module; absent: never bound (or deleted). */
  finalBindings: Map<string, PyBinding>;
  /**
   * Set when something at module level may bind any name (`from x import *`, `exec(...)`,
   * `globals()`): names not bound after it are unknown, not absent.
   */
  dynamicAfter?: { from: number; to: number; what: string };
  /** Names read somewhere in the file where they mean the module-level name. */
  loadedNames: Set<string>;
  /** A module-level value read os.getenv or os.environ: it may differ with the environment. */
  readsEnvironment?: boolean;
}

/** `environment`: the environment of the process that runs the file, when known. */
export function readPythonModule(text: string, environment?: PythonEnvironment): PythonModule {
  const tree = parser.parse(text);
  const module: PythonModule = {
    text,
    syntaxProblems: [...lezerErrors(tree, text), ...python3Problems(tree, text)].sort((a, b) => a.from - b.from),
    comments: [],
    bindings: [],
    finalBindings: new Map(),
    loadedNames: new Set(),
  };
  tree.iterate({
    enter(node) {
      if (node.name === 'Comment') module.comments.push({ from: node.from, to: node.to, text: text.slice(node.from + 1, node.to) });
    },
  });
  new Executor(module, text, environment).run(tree.topNode);
  collectLoads(tree.topNode, text, module.loadedNames);
  return module;
}
