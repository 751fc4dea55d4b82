/**
 * Reads an in-memory tree with the launch and system readers alone (no nginx, no rules), the
 * way the engine does: files classified by name and content, then readLaunches and
 * readSystemLimits. Spans are compared as `line:column-line:column` strings.
 */
import * as nodePath from 'path';
import { classify } from '../../../src/discovery/classify';
import { memoryFileSystem, MemoryTree } from '../../../src/discovery/fs';
import type { SystemLimit } from '../../../src/readers/backend';
import type { Launch } from '../../../src/readers/launch/launch';
import type { ReaderDiagnostic } from '../../../src/source/diagnostic';
import { readLaunches } from '../../../src/readers/launch';
import { readSystemLimits } from '../../../src/readers/system';
import type { FilesByFormat, ReaderContext, ReaderOutput } from '../../../src/readers/types';
import type { Span } from '../../../src/source/span';

export interface ReadResult {
  launches: Launch[];
  limits: SystemLimit[];
  diagnostics: ReaderDiagnostic[];
  outputs: ReaderOutput[];
}

export function readTreeOf(tree: MemoryTree): ReadResult {
  const fs = memoryFileSystem(tree, '/tree');
  const files = Object.keys(tree).map((path) => `/tree/${path}`);
  const byFormat: FilesByFormat = {};
  for (const file of files) {
    const content = tree[file.slice('/tree/'.length)];
    const format = classify(file, () => (typeof content === 'string' ? content : undefined));
    if (format) (byFormat[format] ??= []).push(file);
  }
  const context: ReaderContext = { fs, displayPath: (absolute) => nodePath.relative('/tree', absolute), treeFiles: files, lintRoots: ['/tree'] };
  const launch = readLaunches(byFormat, context);
  const system = readSystemLimits(byFormat, launch.launches, context);
  return { launches: launch.launches, limits: system.limits, diagnostics: [...launch.diagnostics, ...system.diagnostics], outputs: [launch, system] };
}

/** `line:column-line:column` (end exclusive). */
export function at(span: Span | undefined): string {
  if (!span) return 'none';
  return `${span.start.line}:${span.start.column}-${span.end.line}:${span.end.column}`;
}

export function values(launch: Launch): (string | undefined)[] {
  return launch.argv.map((arg) => (arg.unresolved ? undefined : arg.value));
}

export function describeDiagnostic(diagnostic: ReaderDiagnostic): string {
  return `${diagnostic.ruleId} ${diagnostic.primary.file}:${at(diagnostic.primary)} ${diagnostic.message}`;
}
