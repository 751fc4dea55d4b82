/**
 * The operands of cp, mv, install and ln as coreutils reads them (`-t DIR`, `-T`, `--`, options
 * grouped in one word): one reading for start-up scripts and Dockerfile RUNs.
 */
import type { RawArg } from './raw';

/** Options of cp, mv, install and ln that take a value as the next word. */
const VALUE_OPTIONS: Record<string, Set<string>> = {
  cp: new Set(['-t', '-S']),
  mv: new Set(['-t', '-S']),
  install: new Set(['-m', '-o', '-g', '-t', '-S']),
  ln: new Set(['-t', '-S']),
};

/** Sources and target of a cp/mv/install/ln command line, or undefined when it writes no file (`install -d`). */
export function copyOperands(
  program: string,
  operands: RawArg[],
): { sources: RawArg[]; target: RawArg; intoDirectory?: boolean; recursive: boolean; symbolic: boolean } | undefined {
  const positional: RawArg[] = [];
  let targetDirectory: RawArg | undefined;
  let noTargetDirectory = false;
  let recursive = false;
  let symbolic = false;
  let options = true;
  for (let i = 0; i < operands.length; i++) {
    const arg = operands[i];
    const value = arg.value;
    if (options && value === '--') {
      options = false;
      continue;
    }
    if (!options || !value.startsWith('-') || value === '-') {
      positional.push(arg);
      continue;
    }
    if (value.startsWith('--')) {
      if (value === '--recursive' || value === '--archive') recursive = true;
      if (value === '--symbolic') symbolic = true;
      if (value === '--no-target-directory') noTargetDirectory = true;
      if (value === '--directory' && program === 'install') return undefined;
      if (value.startsWith('--target-directory=')) targetDirectory = { ...arg, value: value.slice('--target-directory='.length) };
      if (value === '--target-directory') targetDirectory = operands[++i];
      continue;
    }
    const letters = value.slice(1);
    if (program === 'install' && letters.includes('d')) return undefined;
    if (program !== 'install' && /[rRa]/.test(letters)) recursive = true;
    if (program === 'ln' && letters.includes('s')) symbolic = true;
    if (letters.includes('T')) noTargetDirectory = true;
    const valued = [...letters].findIndex((letter) => VALUE_OPTIONS[program].has(`-${letter}`));
    if (valued !== -1) {
      // `-m 644` or `-m644`: the value is the rest of the word, else the next word.
      const rest = letters.slice(valued + 1);
      const optionValue = rest === '' ? operands[++i] : { ...arg, value: rest };
      if (letters[valued] === 't') targetDirectory = optionValue;
    }
  }
  if (targetDirectory) return positional.length > 0 ? { sources: positional, target: targetDirectory, intoDirectory: true, recursive, symbolic } : undefined;
  if (positional.length < 2) return undefined;
  return {
    sources: positional.slice(0, -1),
    target: positional[positional.length - 1],
    ...(noTargetDirectory ? { intoDirectory: false } : {}),
    recursive,
    symbolic,
  };
}
