/**
 * An examples/<scenario>/<variant>/ tree, read from the repository and adapted for a lab run:
 * ports moved to loopback ones chosen at run time, times scaled to seconds. Each adaptation must
 * apply exactly as many times as stated, so an example that changes breaks its experiment
 * instead of quietly running something else.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Variant } from './experiment';

export interface Adaptation {
  /** The file in the example tree, e.g. `infra/alb.tf`. */
  file: string;
  /** A string (matched literally) or a global regular expression. */
  find: string | RegExp;
  replace: string;
  /** How many times it must match; 1 unless set. */
  times?: number;
}

/** The repository's examples/ folder: two levels above lab/harness in the sources, three in dist/. */
function examplesDir(): string {
  for (let dir = __dirname, up = 0; up < 5; dir = path.dirname(dir), up++) {
    const candidate = path.join(dir, 'examples');
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`no examples/ folder above ${__dirname}`);
}

function listFiles(root: string, relative = ''): string[] {
  return fs
    .readdirSync(path.join(root, relative), { withFileTypes: true })
    .flatMap((entry) => {
      const inTree = relative ? `${relative}/${entry.name}` : entry.name;
      return entry.isDirectory() ? listFiles(root, inTree) : entry.isFile() ? [inTree] : [];
    })
    .sort();
}

export function exampleTree(scenario: string, variant: Variant, adaptations: Adaptation[]): Record<string, string> {
  const root = path.join(examplesDir(), scenario, variant);
  const files: Record<string, string> = {};
  for (const file of listFiles(root)) files[file] = fs.readFileSync(path.join(root, file), 'utf8');
  for (const adaptation of adaptations) {
    const text = files[adaptation.file];
    if (text === undefined) throw new Error(`examples/${scenario}/${variant} has no ${adaptation.file}`);
    const pattern = typeof adaptation.find === 'string' ? new RegExp(adaptation.find.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g') : adaptation.find;
    if (!pattern.global) throw new Error(`adaptation ${String(pattern)} must be global`);
    const found = text.match(pattern)?.length ?? 0;
    const expected = adaptation.times ?? 1;
    if (found !== expected)
      throw new Error(`examples/${scenario}/${variant}/${adaptation.file}: ${String(adaptation.find)} found ${found} times, expected ${expected}`);
    files[adaptation.file] = text.replace(pattern, adaptation.replace);
  }
  return files;
}
