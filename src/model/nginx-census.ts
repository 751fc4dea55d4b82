/**
 * Every directive of an http scope, filed by name with the block that holds it, and those whose
 * arguments mention a variable (by name, and those with a capture). Filled while the model is
 * built (the walk that finds the passes visits every directive anyway), so that a rule about a
 * few directive names reads only those instead of walking every block of a large tree again.
 */
import type { ExpandedDirective, NginxDirective } from '../readers/nginx';
import { argCountOf, argValueOf } from '../readers/nginx/parse';
import { CAPTURE_MENTIONED, VARIABLE_MENTIONED, variableMentionsOf } from '../readers/nginx/tree';

export { blockMayMentionCapture } from '../readers/nginx/tree';
import type { NginxBlock } from './nginx';

/** Directives of one name in walk order (a block's own directives, then its children's), with their blocks. */
export interface NamedEntries {
  readonly entries: readonly ExpandedDirective[];
  /** blocks[i] holds entries[i]. */
  readonly blocks: readonly NginxBlock[];
}

export interface VariableUse {
  entry: ExpandedDirective;
  block: NginxBlock;
  /** `$1`..`$9` or `${1}`.. among the arguments. */
  hasCapture: boolean;
}

const NONE: NamedEntries = { entries: [], blocks: [] };
const NO_USES: readonly VariableUse[] = [];

export class DirectiveCensus {
  private readonly byName = new Map<string, { entries: ExpandedDirective[]; blocks: NginxBlock[] }>();
  /** Those whose arguments hold a capture reference (`$1`..`$9`, `${1}`..), in walk order. */
  readonly withCaptures: VariableUse[] = [];
  private readonly variablesByName = new Map<string, VariableUse[]>();

  add(entry: ExpandedDirective, block: NginxBlock) {
    const name = entry.directive.name;
    const list = this.byName.get(name);
    if (list) {
      list.entries.push(entry);
      list.blocks.push(block);
    } else this.byName.set(name, { entries: [entry], blocks: [block] });
    const mention = variableMention(entry.directive);
    if (mention === 0) return;
    const use: VariableUse = { entry, block, hasCapture: (mention & CAPTURE_MENTIONED) !== 0 };
    if (use.hasCapture) this.withCaptures.push(use);
    const named = this.variablesByName.get(name);
    if (named) named.push(use);
    else this.variablesByName.set(name, [use]);
  }

  /** Cuts the lists to their length once the walk is over: grown by push, they keep room for up to half as many again. */
  trimToSize() {
    for (const list of this.byName.values()) {
      list.entries = list.entries.slice();
      list.blocks = list.blocks.slice();
    }
    for (const [name, uses] of this.variablesByName) this.variablesByName.set(name, uses.slice());
  }

  /** The directives named `name` whose arguments hold a `$`, in walk order. */
  withVariablesNamed(name: string): readonly VariableUse[] {
    return this.variablesByName.get(name) ?? NO_USES;
  }

  named(name: string): NamedEntries {
    return this.byName.get(name) ?? NONE;
  }
}

/** Whether the directive's arguments hold a capture reference (`$1`..`$9`, `${1}`..), read from the reader's table. */
export function mentionsCapture(directive: NginxDirective): boolean {
  return (variableMention(directive) & CAPTURE_MENTIONED) !== 0;
}

/** VARIABLE_MENTIONED and CAPTURE_MENTIONED bits: the reader's per-file table, or the values of a directive built elsewhere. */
function variableMention(directive: NginxDirective): number {
  const read = variableMentionsOf(directive);
  if (read !== undefined) return read;
  let found = 0;
  for (let i = 0; i < argCountOf(directive); i++) {
    const value = argValueOf(directive, i) ?? '';
    if (/\$\{?[1-9]/.test(value)) return VARIABLE_MENTIONED | CAPTURE_MENTIONED;
    if (value.includes('$')) found = VARIABLE_MENTIONED;
  }
  return found;
}
