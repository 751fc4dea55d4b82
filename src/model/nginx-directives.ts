/**
 * Every nginx directive of the tree in the context where nginx evaluates it, for the rules that
 * check directives the way nginx's ngx_conf_handler does (unknown, not allowed here, argument
 * count, duplicate). Unlike NginxBlock, this walks every block kind (events, stream, mail, map,
 * types, ...), with `if` in a server and `if` in a location told apart.
 *
 * A file that no main config includes (a snippet) has no known context. Its top-level
 * directives must share one, so each candidate context is tried and the ones where most known
 * directives are allowed are kept as plausible (all of them when nothing is known); a directive
 * is then judged against every plausible context. Files reached from a main config have one
 * context, which is certain.
 */
import type { ExpandedDirective, NginxConfigRoot, NginxDirective } from '../readers/nginx';
import {
  childContext,
  DATA_BLOCKS,
  DirectiveSpec,
  DirectiveTable,
  DirectiveTableOptions,
  isNginxModuleLoadPath,
  moduleOfLoadPath,
  OPENRESTY_BUNDLE,
} from '../reference/nginx/directives';
import { isUnknownValue } from '../discovery/template';
import {
  argCountOf,
  argValueOf,
  directiveEndOffset,
  fileTextOf,
  isLuaBlockDirective,
  lastTokenEndOffset,
  opensBlock as opensBlockOf,
} from '../readers/nginx/parse';
import { THIRD_PARTY_DIRECTIVES } from '../reference/nginx/third-party-directives';
import { Int32List } from '../source/int32-list';
import { firstAtLeast } from '../source/sorted-offsets';

/** Contexts a snippet's top level may stand in (an `include` may sit in any of them). */
const SNIPPET_CANDIDATES = ['main', 'events', 'http', 'server', 'location', 'upstream', 'stream', 'stream_server', 'stream_upstream', 'mail', 'mail_server'];

// What the directive rules need from the directive table, so that rules ask the model and
// never import a reader.
export { acceptsCount, contextName, describeArgs, SHARED_SETTING } from '../reference/nginx/directives';
export type { DirectiveSpec } from '../reference/nginx/directives';
export { argCountOf, argEqualsIgnoringCase, argsMayHoldLineBreak, argValueOf, isLuaBlockDirective, someArgEquals } from '../readers/nginx/parse';
export type { ExpandedDirective, NginxDirective } from '../readers/nginx';

export interface DirectiveUse {
  entry: ExpandedDirective;
  directive: NginxDirective;
  /** The contexts nginx may evaluate it in (one when certain); empty inside an unchecked block. */
  contexts: string[];
  /** False for a snippet's directives, whose context is inferred. */
  certain: boolean;
  /** Arguments as nginx counts them (the raw body of a `*_by_lua_block` is not one). */
  argCount: number;
  /** Opens a block (`{`), whatever the directive is. */
  opensBlock: boolean;
  /**
   * Ended by `;` or a block. An unterminated directive (end of file, a stray `}`) is an
   * nginx-syntax finding already, and nginx never looks it up, so the directive rules skip it.
   */
  terminated: boolean;
  /** The level it belongs to: its siblings, includes flattened. */
  level: DirectiveLevel;
  /** What it shares with the uses the directive rules judge alike. */
  kind: DirectiveUseKind;
  /** Its place in the index's uses, in tree order: compare uses by it, as two objects may stand for one use. */
  ordinal: number;
  /** Model path for fingerprints: main>http>server[example.com]>location[/]>proxy_pass. */
  readonly path: string;
}

/** For each use of a level, how many uses of the same name come before it (the `#2` of model paths). */
const sameNameCounts = new WeakMap<DirectiveLevel, number[]>();
function sameNameBefore(level: DirectiveLevel): number[] {
  let counts = sameNameCounts.get(level);
  if (!counts) {
    const seen = new Map<string, number>();
    counts = level.uses.map((use) => {
      const before = seen.get(use.directive.name) ?? 0;
      seen.set(use.directive.name, before + 1);
      return before;
    });
    sameNameCounts.set(level, counts);
  }
  return counts;
}

/**
 * Uses the directive rules judge alike before they read an argument: one name in one list of
 * contexts, with one argument count and shape. A tree of 20,000 servers has a few hundred kinds,
 * so a rule judges each kind once and reads the uses of the kinds it flags only.
 */
export class DirectiveUseKind {
  /** How many uses are of this kind. */
  count = 0;
  /** What the rules judge: terminated, in a block whose content is checked, named by the text (not a template tag). */
  readonly checked: boolean;
  /** Set by NginxDirectiveIndex.variantsHere on first use (three rules ask). */
  variants: DirectiveSpec[] | undefined;

  constructor(
    /** Its place in NginxDirectiveIndex.kinds. */
    readonly id: number,
    readonly name: string,
    /** Interned: kinds of the same contexts share this array. */
    readonly contexts: string[],
    readonly argCount: number,
    readonly opensBlock: boolean,
    readonly terminated: boolean,
  ) {
    this.checked = terminated && contexts.length > 0 && !isUnknownValue(name);
  }
}

/**
 * A use, made when a rule asks for it: the index keeps each use as its place in a few typed
 * arrays (its ordinal), not as an object, because a large tree has 100,000 and most are only
 * ever read through their kind. Two objects for one ordinal are the same use.
 */
class IndexedUse implements DirectiveUse {
  constructor(
    private readonly index: NginxDirectiveIndex,
    /** Where this use is in the tree order of the index. */
    readonly ordinal: number,
  ) {}

  get entry(): ExpandedDirective {
    return this.index.entryAt(this.ordinal);
  }

  get directive(): NginxDirective {
    return this.index.entryAt(this.ordinal).directive;
  }

  get level(): DirectiveLevel {
    return this.index.levelAt(this.ordinal);
  }

  get kind(): DirectiveUseKind {
    return this.index.kindAt(this.ordinal);
  }

  /** A level's uses share its contexts (the kind holds the same interned array); a main config's are certain, a snippet's inferred. */
  get contexts(): string[] {
    return this.kind.contexts;
  }

  get certain(): boolean {
    return this.level.root.kind === 'main';
  }

  get argCount(): number {
    return this.kind.argCount;
  }

  get opensBlock(): boolean {
    return this.kind.opensBlock;
  }

  get terminated(): boolean {
    return this.kind.terminated;
  }

  /** Built on each read, not kept: only findings read it. */
  get path(): string {
    const level = this.level;
    const before = sameNameBefore(level)[this.index.positionInLevel(this.ordinal)];
    return `${level.path}>${labelOf(this.directive)}${before > 0 ? `#${before + 1}` : ''}`;
  }
}

export interface DirectiveLevel {
  /** The block directive that opens this level; undefined at a root. */
  readonly owner?: DirectiveUse;
  /** Its uses in order, includes flattened (made on each read). */
  readonly uses: DirectiveUse[];
  readonly contexts: string[];
  readonly root: NginxConfigRoot;
  readonly path: string;
}

/**
 * A level of the index: a root's top level or the inside of a block directive. A class rather
 * than a literal with a getter: a large tree has one per block, and literals with accessors are
 * dictionary-mode objects several times larger.
 */
class IndexLevel implements DirectiveLevel {
  constructor(
    private readonly index: NginxDirectiveIndex,
    /** Its place in NginxDirectiveIndex.levels. */
    readonly id: number,
    /** The ordinal of the block directive that opens it; -1 at a root. */
    private readonly ownerOrdinal: number,
    readonly contexts: string[],
    readonly root: NginxConfigRoot,
  ) {}

  get owner(): DirectiveUse | undefined {
    return this.ownerOrdinal < 0 ? undefined : this.index.useAt(this.ownerOrdinal);
  }

  get uses(): DirectiveUse[] {
    return this.index.usesInLevel(this.id);
  }

  /** Read only for findings and the paths of the uses inside. */
  get path(): string {
    if (this.ownerOrdinal >= 0) return this.index.useAt(this.ownerOrdinal).path;
    return this.root.kind === 'main' ? 'main' : `snippet[${this.root.file}]`;
  }
}

export class NginxDirectiveIndex {
  readonly table: DirectiveTable;
  readonly levels: DirectiveLevel[] = [];
  /** Every kind of use, in the order first met (a kind's id is its place here). */
  readonly kinds: DirectiveUseKind[] = [];
  /** Third-party modules enabled by the tree itself (load_module, OpenResty), with why. */
  readonly detectedModules: { module: string; reason: string }[] = [];
  /**
   * An `include` in the main context of a main config that read nothing from the tree (Debian's
   * `include /etc/nginx/modules-enabled/*.conf;`): it may hold `load_module` lines, so which
   * third-party modules the nginx has cannot be told.
   */
  readonly unreadModuleInclude: NginxDirective | undefined;
  /**
   * The first `load_module` of a module that is neither nginx's own nor one cfglint knows: the
   * nginx has directives cfglint cannot list, so a name it does not know may be that module's.
   */
  readonly unknownModuleLoad: NginxDirective | undefined;

  // Each use is its ordinal (its place in tree order) in these: what it is, its level and its kind.
  private entries: ExpandedDirective[] = [];
  private levelIds: Int32Array;
  private kindIds: Int32Array;
  /** The ordinals of each level's uses, level after level: level i's are [levelStarts[i], levelStarts[i + 1]). */
  private levelOrdinals: Int32Array;
  private levelStarts: Int32Array;

  constructor(roots: NginxConfigRoot[], options: DirectiveTableOptions = {}) {
    const { detected, unknownLoad } = detectModules(roots);
    this.detectedModules = detected;
    this.unknownModuleLoad = unknownLoad;
    this.unreadModuleInclude = unreadMainInclude(roots);
    this.table = new DirectiveTable({
      modules: [...(options.modules ?? []), ...detected.map((d) => d.module)],
      extraDirectives: options.extraDirectives,
    });
    // Filled while walking, then copied at their exact length.
    const levelIds = new Int32List(1024);
    const kindIds = new Int32List(1024);
    for (const root of roots) {
      const contexts = this.intern(root.kind === 'main' ? ['main'] : this.plausibleContexts(root));
      this.walk(root.directives, -1, contexts, root, levelIds, kindIds);
    }
    // Lists grown by push keep room for up to half as many again, and these live as long as the model.
    this.entries = this.entries.slice();
    for (const [name, list] of this.ordinalsBuilt) this.ordinalsByName.set(name, list.toArray());
    this.ordinalsBuilt.clear();
    this.levelIds = levelIds.toArray();
    this.kindIds = kindIds.toArray();
    // Counting sort of the ordinals by level: each level's stay in tree order.
    const useCount = this.levelIds.length;
    this.levelStarts = new Int32Array(this.levels.length + 1);
    for (let ordinal = 0; ordinal < useCount; ordinal++) this.levelStarts[this.levelIds[ordinal] + 1]++;
    for (let i = 0; i < this.levels.length; i++) this.levelStarts[i + 1] += this.levelStarts[i];
    this.levelOrdinals = new Int32Array(useCount);
    const next = this.levelStarts.slice(0, this.levels.length);
    for (let ordinal = 0; ordinal < useCount; ordinal++) this.levelOrdinals[next[this.levelIds[ordinal]]++] = ordinal;
  }

  /** How many uses the tree has. */
  get useCount(): number {
    return this.entries.length;
  }

  /** The use of this ordinal (tree order), made on each call. */
  useAt(ordinal: number): DirectiveUse {
    return new IndexedUse(this, ordinal);
  }

  entryAt(ordinal: number): ExpandedDirective {
    return this.entries[ordinal];
  }

  levelAt(ordinal: number): DirectiveLevel {
    return this.levels[this.levelIds[ordinal]];
  }

  kindAt(ordinal: number): DirectiveUseKind {
    return this.kinds[this.kindIds[ordinal]];
  }

  /** The uses of a level in order. */
  usesInLevel(levelId: number): DirectiveUse[] {
    const start = this.levelStarts[levelId];
    const end = this.levelStarts[levelId + 1];
    const out = new Array<DirectiveUse>(end - start);
    for (let i = start; i < end; i++) out[i - start] = new IndexedUse(this, this.levelOrdinals[i]);
    return out;
  }

  /** Where the use of this ordinal is among its level's uses (which are in tree order). */
  positionInLevel(ordinal: number): number {
    const start = this.levelStarts[this.levelIds[ordinal]];
    return firstAtLeast(this.levelOrdinals, ordinal, start, this.levelStarts[this.levelIds[ordinal] + 1]) - start;
  }

  /**
   * One array per distinct context list, so that what depends only on (contexts, name) is
   * computed once per pair rather than once per directive: a tree of 20,000 servers has one
   * `['server']`, not 20,000.
   */
  private readonly internedContexts = new Map<string, string[]>();
  private intern(contexts: string[]): string[] {
    const key = contexts.join(' ');
    let interned = this.internedContexts.get(key);
    if (!interned) this.internedContexts.set(key, (interned = contexts));
    return interned;
  }

  /** (contexts, block name) → the contexts its content is in; [] when nginx does not enter it. */
  private readonly innerContexts = new Map<string[], Map<string, string[]>>();
  private innerContextsOf(name: string, contexts: string[]): string[] {
    let byName = this.innerContexts.get(contexts);
    if (!byName) this.innerContexts.set(contexts, (byName = new Map()));
    let inner = byName.get(name);
    if (!inner) {
      // Only where the block itself is allowed: nginx stops at a misplaced block.
      inner = this.intern([
        ...new Set(
          contexts
            .filter((c) => this.opensBlockIn(name, c))
            .map((c) => childContext(name, c))
            .filter((c): c is string => c !== undefined),
        ),
      ]);
      byName.set(name, inner);
    }
    return inner;
  }

  private walk(list: ExpandedDirective[], ownerOrdinal: number, contexts: string[], root: NginxConfigRoot, levelIds: Int32List, kindIds: Int32List) {
    const levelId = this.levels.length;
    this.levels.push(new IndexLevel(this, levelId, ownerOrdinal, contexts, root));
    let kindsByName = this.kindsByContexts.get(contexts);
    if (!kindsByName) this.kindsByContexts.set(contexts, (kindsByName = new Map()));
    this.visitLevel(list, levelId, contexts, kindsByName, root, levelIds, kindIds);
  }

  /**
   * Files the entries of one level (an include's entries are the including level's). A method
   * rather than a closure made per level: a large tree has a level per block.
   */
  private visitLevel(
    entries: ExpandedDirective[],
    levelId: number,
    contexts: string[],
    kindsByName: Map<string, DirectiveUseKind[]>,
    root: NginxConfigRoot,
    levelIds: Int32List,
    kindIds: Int32List,
  ) {
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      const name = entry.directive.name;
      const ordinal = this.entries.length;
      const kind = this.kindOf(entry, contexts, kindsByName);
      kind.count++;
      this.entries.push(entry);
      levelIds.push(levelId);
      kindIds.push(kind.id);
      let named = this.ordinalsBuilt.get(name);
      if (!named) this.ordinalsBuilt.set(name, (named = new Int32List(4)));
      named.push(ordinal);
      if (name === 'include') {
        if (entry.children) this.visitLevel(entry.children, levelId, contexts, kindsByName, root, levelIds, kindIds);
        continue;
      }
      if (!entry.children || DATA_BLOCKS.has(name)) continue;
      // The content of a block cfglint does not know is not checked: nginx stops at the block.
      if (this.table.lookup(name).length === 0) continue;
      const inner = this.innerContextsOf(name, contexts);
      if (inner.length === 0) continue;
      this.walk(entry.children, ordinal, inner, root, levelIds, kindIds);
    }
  }

  /** The kinds met so far, by their contexts (interned) and name. */
  private readonly kindsByContexts = new Map<string[], Map<string, DirectiveUseKind[]>>();

  private kindOf(entry: ExpandedDirective, contexts: string[], kindsByName: Map<string, DirectiveUseKind[]>): DirectiveUseKind {
    const { directive } = entry;
    const name = directive.name;
    const opensBlock = opensBlockOf(directive);
    const luaBody = opensBlock && !directive.block && isLuaBlockDirective(name);
    // Offsets and counts, not spans and argument objects: the reader builds those on demand,
    // and most directives never need them.
    const terminated = opensBlock || directiveEndOffset(directive) > lastTokenEndOffset(directive);
    const argCount = argCountOf(directive) - (luaBody ? 1 : 0);
    let kinds = kindsByName.get(name);
    if (kinds) {
      // A name has a kind or two per list of contexts: a scan beats a key.
      for (let i = 0; i < kinds.length; i++) {
        const kind = kinds[i];
        if (kind.argCount === argCount && kind.opensBlock === opensBlock && kind.terminated === terminated) return kind;
      }
    } else kindsByName.set(name, (kinds = []));
    const kind = new DirectiveUseKind(this.kinds.length, name, contexts, argCount, opensBlock, terminated);
    kinds.push(kind);
    this.kinds.push(kind);
    return kind;
  }

  private opensBlockIn(name: string, context: string): boolean {
    return this.table.allowedIn(name, context).some((spec) => spec.block);
  }

  /** (contexts, name) → the variants allowed there; contexts are interned, so this is per pair. */
  private readonly variantsByContexts = new Map<string[], Map<string, DirectiveSpec[]>>();

  /** The uses of directives named `name`, in tree order (filed while the index is built: one pass serves every rule). */
  usesNamed(name: string): readonly DirectiveUse[] {
    const ordinals = this.ordinalsByName.get(name);
    if (!ordinals) return [];
    const out = new Array<DirectiveUse>(ordinals.length);
    for (let i = 0; i < ordinals.length; i++) out[i] = new IndexedUse(this, ordinals[i]);
    return out;
  }

  /** The ordinals of the uses of each name, in tree order. */
  private readonly ordinalsByName = new Map<string, Int32Array>();
  /** The same while the index is built. */
  private readonly ordinalsBuilt = new Map<string, Int32List>();

  /**
   * The variants of the directive nginx would try where it stands (name and context match).
   * The array is shared between uses of the same name in the same contexts: do not modify it.
   */
  variantsHere(use: DirectiveUse | DirectiveUseKind): DirectiveSpec[] {
    const kind = use instanceof DirectiveUseKind ? use : use.kind;
    return (kind.variants ??= this.variantsOf(kind));
  }

  private variantsOf(kind: DirectiveUseKind): DirectiveSpec[] {
    let byName = this.variantsByContexts.get(kind.contexts);
    if (!byName) this.variantsByContexts.set(kind.contexts, (byName = new Map()));
    const name = kind.name;
    let variants = byName.get(name);
    if (!variants) {
      variants = this.table.lookup(name).filter((spec) => spec.contexts.has('any') || kind.contexts.some((c) => spec.contexts.has(c)));
      byName.set(name, variants);
    }
    return variants;
  }

  /** The kinds of the uses the rules judge (DirectiveUseKind.checked), in the order first met. */
  get checkedKinds(): readonly DirectiveUseKind[] {
    return (this.checkedKindList ??= this.kinds.filter((kind) => kind.checked));
  }

  private checkedKindList: readonly DirectiveUseKind[] | undefined;

  /**
   * The uses of these kinds in tree order: a rule judges each kind, then reads the uses of the
   * kinds it flags in the order the directives were written.
   */
  usesOfKinds(kinds: readonly DirectiveUseKind[]): readonly DirectiveUse[] {
    if (kinds.length === 0) return [];
    const selected = this.selection(kinds);
    let count = 0;
    for (const kind of this.kinds) if (selected[kind.id] === 1) count += kind.count;
    const out = new Array<DirectiveUse>(count);
    const { kindIds } = this;
    for (let i = 0, n = 0; n < count; i++) if (selected[kindIds[i]] === 1) out[n++] = new IndexedUse(this, i);
    return out;
  }

  /** 1 at the id of each of these kinds, 0 elsewhere (a kind listed twice counts once). */
  private selection(kinds: readonly DirectiveUseKind[]): Uint8Array {
    const selected = new Uint8Array(this.kinds.length);
    for (const kind of kinds) selected[kind.id] = 1;
    return selected;
  }

  /**
   * The uses of these kinds by level, for the levels that hold at least `minimum` of them: levels
   * in the order of `levels`, each one's uses in tree order. A rule comparing siblings (duplicates)
   * reads the few levels where a comparison can find something.
   */
  usesOfKindsByLevel(kinds: readonly DirectiveUseKind[], minimum: number): Map<DirectiveLevel, DirectiveUse[]> {
    const out = new Map<DirectiveLevel, DirectiveUse[]>();
    if (kinds.length === 0) return out;
    const selected = this.selection(kinds);
    const { kindIds, levelOrdinals, levelStarts } = this;
    for (let levelId = 0; levelId < this.levels.length; levelId++) {
      const start = levelStarts[levelId];
      const end = levelStarts[levelId + 1];
      let count = 0;
      for (let i = start; i < end; i++) count += selected[kindIds[levelOrdinals[i]]];
      if (count < minimum) continue;
      const uses = new Array<DirectiveUse>(count);
      for (let i = start, n = 0; n < count; i++) if (selected[kindIds[levelOrdinals[i]]] === 1) uses[n++] = new IndexedUse(this, levelOrdinals[i]);
      out.set(this.levels[levelId], uses);
    }
    return out;
  }

  /**
   * The checked uses named `name`: usesNamed(name) filtered, per name on first ask, so the rules
   * that look for a few names (map, error_log, listen, ...) read only the uses of those names.
   */
  checkedUsesNamed(name: string): readonly DirectiveUse[] {
    let list = this.checkedByName.get(name);
    if (!list) this.checkedByName.set(name, (list = this.usesNamed(name).filter((use) => use.kind.checked)));
    return list;
  }

  private readonly checkedByName = new Map<string, readonly DirectiveUse[]>();

  /** Whether some directive named `name` passes `test`: a rule's pre-check, read from the ordinals without a use object each. */
  someDirectiveNamed(name: string, test: (directive: NginxDirective) => boolean): boolean {
    const ordinals = this.ordinalsByName.get(name);
    if (!ordinals) return false;
    for (let i = 0; i < ordinals.length; i++) if (test(this.entries[ordinals[i]].directive)) return true;
    return false;
  }

  /**
   * The directives of the checked uses named `name`, for a rule that meets them from the model's
   * side (a server's own listen lines) and asks whether the index judges them: read from the
   * ordinals, without a use object each.
   */
  checkedDirectivesNamed(name: string): ReadonlySet<NginxDirective> {
    const set = new Set<NginxDirective>();
    const ordinals = this.ordinalsByName.get(name);
    if (!ordinals) return set;
    const { kinds, kindIds, entries } = this;
    for (let i = 0; i < ordinals.length; i++) if (kinds[kindIds[ordinals[i]]].checked) set.add(entries[ordinals[i]].directive);
    return set;
  }

  /** The candidate contexts of a snippet where the most known directives are allowed. */
  private plausibleContexts(root: NginxConfigRoot): string[] {
    let best: string[] = [];
    let bestScore = -1;
    for (const candidate of SNIPPET_CANDIDATES) {
      const score = this.score(root.directives, candidate);
      if (score > bestScore) {
        best = [candidate];
        bestScore = score;
      } else if (score === bestScore) best.push(candidate);
    }
    return best;
  }

  private score(entries: ExpandedDirective[], context: string): number {
    let score = 0;
    for (const entry of entries) {
      const { name } = entry.directive;
      if (name === 'include') {
        if (entry.children) score += this.score(entry.children, context);
        continue;
      }
      const opensBlock = opensBlockOf(entry.directive);
      if (this.table.allowedIn(name, context).some((spec) => spec.block === opensBlock || isLuaBlockDirective(name))) score++;
      if (!entry.children || DATA_BLOCKS.has(name) || this.table.lookup(name).length === 0) continue;
      const inner = this.opensBlockIn(name, context) ? childContext(name, context) : undefined;
      if (inner) score += this.score(entry.children, inner);
    }
    return score;
  }
}

/** What tells a `server` block apart in a model path: its first server_name, else its first listen. */
export function serverNaming(server: NginxDirective): NginxDirective | undefined {
  return server.block?.find((d) => d.name === 'server_name') ?? server.block?.find((d) => d.name === 'listen');
}

function labelOf(directive: NginxDirective): string {
  if (directive.name === 'server' && directive.block) {
    const naming = serverNaming(directive);
    if (naming) return `server[${naming.args.map((a) => a.value).join(' ')}]`;
  }
  if (directive.block && directive.args.length > 0 && !isLuaBlockDirective(directive.name)) {
    return `${directive.name}[${directive.args.map((a) => a.value).join(' ')}]`;
  }
  return directive.name;
}

/** The first main-context `include` of a main config through which no directive was read. */
function unreadMainInclude(roots: NginxConfigRoot[]): NginxDirective | undefined {
  for (const root of roots) {
    if (root.kind !== 'main' || root.generatedBy) continue;
    // An include keeps what it read as its children.
    for (const entry of root.directives) if (entry.directive.name === 'include' && !entry.children?.length) return entry.directive;
  }
  return undefined;
}

const LUA_NAMES = new Set((THIRD_PARTY_DIRECTIVES.lua ?? []).map((row) => row[0]));

/**
 * Modules the tree shows it has: a `load_module` of a known third-party module, and OpenResty
 * (any Lua directive, or a path under an `openresty` directory), which brings its bundle; and
 * the first `load_module` of a module that is neither nginx's own nor a known one.
 */
function detectModules(roots: NginxConfigRoot[]): { detected: { module: string; reason: string }[]; unknownLoad: NginxDirective | undefined } {
  const found = new Map<string, string>();
  let unknownLoad: NginxDirective | undefined;
  let openresty: string | undefined;
  /** Whether each file's text has "openresty/" at all (an argument can only have it if its file does). */
  const mentionsOpenresty = new Map<string, boolean>();
  const mayMentionOpenresty = (directive: NginxDirective) => {
    const text = fileTextOf(directive);
    if (text === undefined) return true;
    let mentions = mentionsOpenresty.get(directive.file);
    if (mentions === undefined) mentionsOpenresty.set(directive.file, (mentions = text.includes('openresty/')));
    return mentions;
  };
  // A file included twice is visited twice; that only repeats checks whose answers are kept once.
  const visit = (entries: ExpandedDirective[]) => {
    for (let k = 0; k < entries.length; k++) {
      const entry = entries[k];
      const { directive } = entry;
      if (directive.name === 'load_module' && directive.args[0]) {
        const path = directive.args[0].value;
        const module = moduleOfLoadPath(path);
        if (module && !found.has(module)) found.set(module, `load_module ${path}`);
        else if (!module && !unknownLoad && !isNginxModuleLoadPath(path)) unknownLoad = directive;
      }
      if (!openresty && LUA_NAMES.has(directive.name)) openresty = `"${directive.name}" (a Lua directive)`;
      if (!openresty && mayMentionOpenresty(directive)) {
        // Argument values only: building every argument object here would undo the reader's saving.
        for (let i = 0, count = argCountOf(directive); i < count; i++) {
          const value = argValueOf(directive, i)!;
          if (value.includes('openresty/') && /(^|\/)openresty\//.test(value)) {
            openresty = `a path under openresty/ ("${value}")`;
            break;
          }
        }
      }
      if (entry.children) visit(entry.children);
    }
  };
  for (const root of roots) visit(root.directives);
  if (openresty) for (const module of OPENRESTY_BUNDLE) if (!found.has(module)) found.set(module, `an OpenResty tree: ${openresty}`);
  return { detected: [...found].map(([module, reason]) => ({ module, reason })), unknownLoad };
}
