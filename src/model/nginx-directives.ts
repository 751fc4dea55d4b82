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
import { childContext, DATA_BLOCKS, DirectiveSpec, DirectiveTable, DirectiveTableOptions, moduleOfLoadPath, OPENRESTY_BUNDLE } from '../readers/nginx/directives';
import { isLuaBlockDirective } from '../readers/nginx/parse';
import { THIRD_PARTY_DIRECTIVES } from '../readers/nginx/third-party-directives';

/** Contexts a snippet's top level may stand in (an `include` may sit in any of them). */
const SNIPPET_CANDIDATES = ['main', 'events', 'http', 'server', 'location', 'upstream', 'stream', 'stream_server', 'stream_upstream', 'mail', 'mail_server'];

// What the directive rules need from the directive table, so that rules ask the model and
// never import a reader.
export { acceptsCount, contextName, describeArgs, SHARED_SETTING } from '../readers/nginx/directives';
export type { DirectiveSpec } from '../readers/nginx/directives';
export { isLuaBlockDirective } from '../readers/nginx/parse';
export type { ExpandedDirective } from '../readers/nginx';

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
  /** Model path for fingerprints: main>http>server[example.com]>location[/]>proxy_pass. */
  path: string;
}

export interface DirectiveLevel {
  /** The block directive that opens this level; undefined at a root. */
  owner?: DirectiveUse;
  uses: DirectiveUse[];
  contexts: string[];
  root: NginxConfigRoot;
  path: string;
}

export class NginxDirectiveIndex {
  readonly table: DirectiveTable;
  readonly uses: DirectiveUse[] = [];
  readonly levels: DirectiveLevel[] = [];
  /** Third-party modules enabled by the tree itself (load_module, OpenResty), with why. */
  readonly detectedModules: { module: string; reason: string }[] = [];

  constructor(roots: NginxConfigRoot[], options: DirectiveTableOptions = {}) {
    const detected = detectModules(roots);
    this.detectedModules = detected;
    this.table = new DirectiveTable({
      modules: [...(options.modules ?? []), ...detected.map((d) => d.module)],
      extraDirectives: options.extraDirectives,
    });
    for (const root of roots) {
      const rootPath = root.kind === 'main' ? 'main' : `snippet[${root.file}]`;
      const contexts = root.kind === 'main' ? ['main'] : this.plausibleContexts(root);
      this.walk(root.directives, contexts, root.kind === 'main', { uses: [], contexts, root, path: rootPath });
    }
  }

  private walk(entries: ExpandedDirective[], contexts: string[], certain: boolean, level: DirectiveLevel) {
    this.levels.push(level);
    const visit = (list: ExpandedDirective[]) => {
      for (const entry of list) {
        const use = this.useOf(entry, contexts, certain, level);
        level.uses.push(use);
        this.uses.push(use);
        const { directive } = entry;
        if (directive.name === 'include') {
          if (entry.children) visit(entry.children);
          continue;
        }
        if (!entry.children || DATA_BLOCKS.has(directive.name)) continue;
        // The content of a block cfglint does not know is not checked: nginx stops at the block.
        if (this.table.lookup(directive.name).length === 0) continue;
        // Only where the block itself is allowed: nginx stops at a misplaced block.
        const inner = [...new Set(contexts.filter((c) => this.opensBlockIn(directive.name, c)).map((c) => childContext(directive.name, c)).filter((c): c is string => c !== undefined))];
        if (inner.length === 0) continue;
        this.walk(entry.children, inner, certain, { owner: use, uses: [], contexts: inner, root: level.root, path: use.path });
      }
    };
    visit(entries);
  }

  private useOf(entry: ExpandedDirective, contexts: string[], certain: boolean, level: DirectiveLevel): DirectiveUse {
    const { directive } = entry;
    const luaBody = isLuaBlockDirective(directive.name) && directive.blockOpen !== undefined && !directive.block;
    let counts = sameNameCounts.get(level);
    if (!counts) sameNameCounts.set(level, (counts = new Map()));
    const same = counts.get(directive.name) ?? 0;
    counts.set(directive.name, same + 1);
    const lastToken = directive.args.length > 0 ? directive.args[directive.args.length - 1].span : directive.nameSpan;
    return {
      entry,
      directive,
      contexts,
      certain,
      terminated: directive.blockOpen !== undefined || directive.span.end.offset > lastToken.end.offset,
      argCount: directive.args.length - (luaBody ? 1 : 0),
      opensBlock: directive.blockOpen !== undefined,
      level,
      path: `${level.path}>${labelOf(directive)}${same > 0 ? `#${same + 1}` : ''}`,
    };
  }

  private opensBlockIn(name: string, context: string): boolean {
    return this.table.allowedIn(name, context).some((spec) => spec.block);
  }

  /** The variants of the directive nginx would try where it stands (name and context match). */
  variantsHere(use: DirectiveUse): DirectiveSpec[] {
    return this.table.lookup(use.directive.name).filter((spec) => spec.contexts.has('any') || use.contexts.some((c) => spec.contexts.has(c)));
  }

  /** The directives the rules judge: terminated, and not inside a block whose content is unchecked. */
  *checkedUses(): Generator<DirectiveUse> {
    for (const use of this.uses) if (use.terminated && use.contexts.length > 0) yield use;
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
      const opensBlock = entry.directive.blockOpen !== undefined;
      if (this.table.allowedIn(name, context).some((spec) => spec.block === opensBlock || isLuaBlockDirective(name))) score++;
      if (!entry.children || DATA_BLOCKS.has(name) || this.table.lookup(name).length === 0) continue;
      const inner = this.opensBlockIn(name, context) ? childContext(name, context) : undefined;
      if (inner) score += this.score(entry.children, inner);
    }
    return score;
  }
}

/** How many directives of each name a level has seen so far (for stable model paths). */
const sameNameCounts = new WeakMap<DirectiveLevel, Map<string, number>>();

function labelOf(directive: NginxDirective): string {
  if (directive.name === 'server' && directive.block) {
    const naming = directive.block.find((d) => d.name === 'server_name') ?? directive.block.find((d) => d.name === 'listen');
    if (naming) return `server[${naming.args.map((a) => a.value).join(' ')}]`;
  }
  if (directive.block && directive.args.length > 0 && !isLuaBlockDirective(directive.name)) {
    return `${directive.name}[${directive.args.map((a) => a.value).join(' ')}]`;
  }
  return directive.name;
}

const LUA_NAMES = new Set((THIRD_PARTY_DIRECTIVES.lua ?? []).map((row) => row[0]));

/**
 * Modules the tree shows it has: a `load_module` of a known third-party module, and OpenResty
 * (any Lua directive, or a path under an `openresty` directory), which brings its bundle.
 */
function detectModules(roots: NginxConfigRoot[]): { module: string; reason: string }[] {
  const found = new Map<string, string>();
  let openresty: string | undefined;
  const seen = new Set<NginxDirective>();
  const visit = (entries: ExpandedDirective[]) => {
    for (const entry of entries) {
      const { directive } = entry;
      if (!seen.has(directive)) {
        seen.add(directive);
        if (directive.name === 'load_module' && directive.args[0]) {
          const module = moduleOfLoadPath(directive.args[0].value);
          if (module && !found.has(module)) found.set(module, `load_module ${directive.args[0].value}`);
        }
        if (!openresty && LUA_NAMES.has(directive.name)) openresty = `"${directive.name}" (a Lua directive)`;
        if (!openresty && directive.args.some((arg) => /(^|\/)openresty\//.test(arg.value))) openresty = `a path under openresty/ ("${directive.args.find((arg) => /(^|\/)openresty\//.test(arg.value))!.value}")`;
      }
      if (entry.children) visit(entry.children);
    }
  };
  for (const root of roots) visit(root.directives);
  if (openresty) for (const module of OPENRESTY_BUNDLE) if (!found.has(module)) found.set(module, `an OpenResty tree: ${openresty}`);
  return [...found].map(([module, reason]) => ({ module, reason }));
}
