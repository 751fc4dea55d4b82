/**
 * Reads an in-memory tree with the uWSGI reader alone (files classified as the engine does),
 * with hand-built launches standing in for the command-line readers.
 */
import * as nodePath from 'path';
import { classify } from '../../../src/discovery/classify';
import { memoryFileSystem, MemoryTree } from '../../../src/discovery/fs';
import type { Launch, LaunchKind } from '../../../src/readers/launch/launch';
import type { UwsgiBackend, UwsgiOptionEntry } from '../../../src/readers/uwsgi/uwsgi-backend';
import type { ReaderDiagnostic } from '../../../src/source/diagnostic';
import type { ReaderContext, ReaderOutput } from '../../../src/readers/types';
import { readUwsgi } from '../../../src/readers/uwsgi';
import type { Span } from '../../../src/source/span';

export interface UwsgiRead {
  backends: UwsgiBackend[];
  diagnostics: ReaderDiagnostic[];
  output: ReaderOutput;
}

export function readUwsgiTree(tree: MemoryTree, launches: Launch[] = []): UwsgiRead {
  const fs = memoryFileSystem(tree, '/tree');
  const files = Object.keys(tree).map((path) => `/tree/${path}`);
  const uwsgiFiles = files.filter((file) => {
    const content = tree[file.slice('/tree/'.length)];
    return classify(file, () => (typeof content === 'string' ? content : undefined)) === 'uwsgi';
  });
  const context: ReaderContext = { fs, displayPath: (absolute) => nodePath.relative('/tree', absolute), treeFiles: files, lintRoots: ['/tree'] };
  const output = readUwsgi(uwsgiFiles, launches, context);
  return { backends: output.backends, diagnostics: output.diagnostics, output };
}

/** `line:column-line:column` (end exclusive). */
export function at(span: Span | undefined): string {
  if (!span) return 'none';
  return `${span.start.line}:${span.start.column}-${span.end.line}:${span.end.column}`;
}

/** key = value pairs as uWSGI's --show-config would list them (null shown as `true`). */
export function listing(backend: UwsgiBackend): string[] {
  return backend.options.filter((entry) => entry.origin !== 'declared-option').map((entry) => `${entry.key} = ${show(entry)}`);
}

function show(entry: UwsgiOptionEntry): string {
  if (entry.value === null) return 'true';
  return entry.value === undefined ? '<unknown>' : entry.value;
}

/**
 * A launch whose command is written on `line` of `file` as the words joined by one space,
 * starting at column 1 (so each word's span can be computed by hand in the tests).
 */
export function launchOf(
  words: string[],
  options: {
    file?: string;
    line?: number;
    kind?: LaunchKind;
    env?: Record<string, string>;
    stopSignal?: string;
    stopSignalSpan?: Span;
    workingDirectory?: string;
  } = {},
): Launch {
  const file = options.file ?? 'Dockerfile';
  const line = options.line ?? 1;
  let column = 1;
  const argv = words.map((value) => {
    const span: Span = { file, start: { line, column, offset: column - 1 }, end: { line, column: column + value.length, offset: column - 1 + value.length } };
    column += value.length + 1;
    return { value, span };
  });
  const whole: Span = { file, start: argv[0].span.start, end: argv[argv.length - 1].span.end };
  const env = new Map(Object.entries(options.env ?? {}).map(([name, value]) => [name, { value, span: whole }]));
  return {
    kind: options.kind ?? 'dockerfile',
    file,
    program: nodePath.basename(words[0]),
    argv,
    env,
    span: whole,
    stopSignal: { value: options.stopSignal ?? 'SIGTERM', span: options.stopSignalSpan },
    stopSignalReaches: true,
    wrappers: [],
    externalEnv: [],
    workingDirectory: options.workingDirectory === undefined ? undefined : { value: options.workingDirectory, span: whole },
  };
}
