import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { argValueOf } from '../src/model/nginx-directives';
import { ifCondition, NginxArg, NginxVariables, partSpan } from '../src/model/nginx-variables';
import type { Span } from '../src/source/span';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-origins-regex';

/**
 * `label(.label)+` with escaped or bare dots: a host name written into a regex. It starts where a
 * label starts: trying every letter of a long run again would take quadratic time.
 */
const HOST = /(?<![A-Za-z0-9-])[A-Za-z0-9-]+(?:(?:\\\.|\.)[A-Za-z0-9-]+)+/g;

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'security',
  meta: {
    description: 'A regex that checks $http_origin or $http_referer accepts hosts its author did not list',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      bareDot: {
        message: 'In "{{host}}", the unescaped "." matches any character: ${{subject}} "{{example}}" passes this check',
        help:
          'Whoever registers the look-alike domain passes the allow-list: CORS then returns its origin with credentials allowed, ' +
          'or the Referer check is bypassed. Escape every dot (`\\.`)',
      },
      openEnd: {
        message: 'Nothing ends the host "{{host}}": ${{subject}} "{{example}}" passes this check',
        help:
          "The regex only requires the listed host as a prefix, so any domain that starts with it (a subdomain of the attacker's " +
          'own zone) passes. End the host with `$` for Origin (`(:[0-9]+)?$` to allow ports), or with `/` for Referer',
      },
      openStart: {
        message: 'Nothing starts the host "{{host}}": ${{subject}} "{{example}}" passes this check',
        help: 'The regex only requires the listed host as a suffix, so any domain that ends with it passes. Start it after `://` or `\\.`',
      },
      plainHttp: {
        message: 'The check of ${{subject}} accepts "http://" as well as "https://"',
        help:
          'A page served over plain HTTP from a listed host can be changed by anyone on the network path, and its script then ' +
          'makes credentialed requests that this check lets through. Accept only `https://` unless the site still serves HTTP',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    for (const scope of model.nginx.scopes) {
      for (const { entry, block: parent } of NginxVariables.of(scope).withVariablesNamed('if', 'map')) {
        if (entry.directive.name === 'if') {
          const block = parent.children.find((child) => child.node === entry);
          if (!block) continue;
          const args = entry.directive.args;
          const words = ifCondition(args.map((arg) => arg.value));
          if (words.length !== 3 || !/^!?~\*?$/.test(words[1])) continue;
          const subject = checkedSubject(words[0]);
          if (!subject) continue;
          // The regex is the last word; its argument may carry the closing parenthesis.
          const regexArg = args[args.length - 1].value === ')' ? args[args.length - 2] : args[args.length - 1];
          const value = regexArg.value.replace(/\)$/, '');
          const arg: NginxArg = value === regexArg.value ? regexArg : { ...regexArg, value, span: trimEnd(regexArg.span, 1) };
          yield* judge(words[2], subject, arg, 0, block.path);
          continue;
        }
        if (entry.directive.name !== 'map' || !entry.children) continue;
        const subject = checkedSubject(argValueOf(entry.directive, 0) ?? '');
        if (!subject) continue;
        for (const item of entry.children) {
          const key = item.directive.name;
          if (!key.startsWith('~')) continue;
          const prefix = key.startsWith('~*') ? 2 : 1;
          const quoted = item.directive.nameSpan.end.offset - item.directive.nameSpan.start.offset === key.length + 2;
          const arg: NginxArg = { value: key, quoted, span: item.directive.nameSpan };
          yield* judge(key.slice(prefix), subject, arg, prefix, `${parent.path}>map[${entry.directive.args[1]?.value ?? ''}]`);
        }
      }
    }
  },
});

function checkedSubject(value: string): string | undefined {
  const name = value.toLowerCase();
  return name === '$http_origin' || name === '$http_referer' ? name.slice(1) : undefined;
}

function trimEnd(span: Span, by: number): Span {
  return { ...span, end: { ...span.end, column: span.end.column - by, offset: span.end.offset - by } };
}

type HostMessage = 'bareDot' | 'openEnd' | 'openStart';

/** `regex` starts at `offset` in `arg.value` (after a map key's `~`). */
function judge(regex: string, subject: string, arg: NginxArg, offset: number, modelPath: string): FindingDraft[] {
  const findings: FindingDraft[] = [];
  // Each top-level alternative carries its own anchors (`^a|b$`): judge each, once per problem.
  for (const branch of regexPaths(regex) ?? [[{ text: regex, from: [...regex].map((_, i) => i) }]]) {
    const reported = new Set<HostMessage>();
    for (const path of branch) {
      const verdict = judgePath(path.text, subject);
      if (!verdict || reported.has(verdict.messageId)) continue;
      reported.add(verdict.messageId);
      const start = offset + path.from[verdict.start];
      const end = offset + path.from[verdict.end - 1] + 1;
      findings.push({
        ...(verdict.messageId === 'bareDot'
          ? { messageId: 'bareDot' }
          : verdict.messageId === 'openEnd'
            ? { messageId: 'openEnd' }
            : { messageId: 'openStart' }),
        data: { host: verdict.host, subject, example: verdict.example },
        primary: partSpan(arg, { start, end }),
        modelPath,
      });
    }
  }
  if (findings.length > 0) return findings;
  const plainHttp =
    /https\?|\(https?\|https?\)|\(https?\)\?/.test(regex) ||
    /^\^?http:/.test(regex) ||
    regexPaths(regex)?.some((branch) => branch.some((path) => /^\^?http:/.test(path.text)));
  if (plainHttp) {
    return [
      { messageId: 'plainHttp', data: { subject }, primary: partSpan(arg, { start: offset, end: offset + regex.length }), modelPath, maxSeverity: 'info' },
    ];
  }
  return [];
}

interface Verdict {
  messageId: HostMessage;
  host: string;
  example: string;
  /** [start, end) of the host in the judged text. */
  start: number;
  end: number;
}

/** The first host in `regex` that lets another host through, judged with the anchors `regex` has. */
function judgePath(regex: string, subject: string): Verdict | undefined {
  const referer = subject === 'http_referer';
  const classes = classRanges(regex);
  // A Referer carries a path and a query: without `^`, the whole pattern may sit in them.
  if (referer && !regex.startsWith('^') && topLevelAlternatives(regex).length === 1) {
    HOST.lastIndex = 0;
    const host = HOST.exec(regex);
    if (host && /:(?:\\?\/){2}/.test(regex.slice(0, host.index))) {
      const plain = host[0].replace(/\\\./g, '.');
      return { messageId: 'openStart', host: plain, example: `https://evil.example/?https://${plain}/`, start: host.index, end: host.index + host[0].length };
    }
  }
  // `^a|b`: the anchor binds the first alternative only.
  const alternatives = topLevelAlternatives(regex);
  if (alternatives.length > 1 && regex.startsWith('^')) {
    for (const [from, to] of alternatives.slice(1)) {
      if (regex[from] === '^') continue;
      HOST.lastIndex = 0;
      const host = HOST.exec(regex.slice(from, to));
      if (!host) continue;
      const plain = host[0].replace(/\\\./g, '.');
      const example = referer ? `https://evil.example/${plain}/` : `https://evil${plain}`;
      return { messageId: 'openStart', host: plain, example, start: from + host.index, end: from + host.index + host[0].length };
    }
  }
  HOST.lastIndex = 0;
  for (const match of regex.matchAll(HOST)) {
    const start = match.index!;
    const end = start + match[0].length;
    if (classes.some(([a, b]) => start >= a && start < b)) continue;
    const host = match[0];
    const plain = host.replace(/\\\./g, '.');
    const verdict = (messageId: HostMessage, example: string): Verdict => ({ messageId, host: plain, example, start, end });

    // A bare dot before the last one lets a registrable look-alike through (wwwXexample.com);
    // the last one only gives a single label (exampleXcom), which no public DNS serves.
    const dots = [...host.matchAll(/\\\.|\./g)];
    const bare = dots.slice(0, -1).find((dot) => dot[0] === '.');
    if (bare) {
      const i = bare.index!;
      const lookalike = host.slice(0, i).replace(/\\\./g, '.') + 'x' + host.slice(i + 1).replace(/\\\./g, '.');
      return verdict('bareDot', `https://${lookalike}${referer ? '/' : ''}`);
    }
    const after = following(regex, end);
    if (after === 'end') return verdict('openEnd', `https://${plain}.evil.example${referer ? '/' : ''}`);
    const before = preceding(regex, start);
    if (before === 'start') return verdict('openStart', `https://evil${plain}${referer ? '/' : ''}`);
    if (typeof before === 'number') {
      // Without a host that really passes, there is nothing to show: say nothing.
      const example = wildcardExample(regex, before, `evil${plain}${referer ? '/' : ''}`);
      if (example) return verdict('openStart', example);
    }
  }
  return undefined;
}

/** One way through a regex's alternations: its text, and where each character stands in the regex. */
interface RegexPath {
  text: string;
  from: number[];
}

const MAX_PATHS = 32;

/**
 * The regex written out once per choice of its groups' alternatives and optional groups
 * (`(www|api)\.`, `(www\.)?`), grouped by top-level alternative, so that each host is judged with
 * what really stands around it. Groups under `*`, `+` or `{n}`, lookarounds and flags stay as
 * written. Undefined past MAX_PATHS ways, or for unbalanced parentheses.
 */
function regexPaths(regex: string): RegexPath[][] | undefined {
  const reader = new PathReader(regex);
  const top = reader.alternation(0, 0);
  if (reader.tooMany || top.end !== regex.length) return undefined;
  return top.branches.map((branch) => branch.map((segments) => writeOut(regex, segments)));
}

/** A way through the regex as [start, end) pieces of it, so that long literal runs cost one piece. */
type Segments = [number, number][];

/** Deeper groups than this are left to the plain reading (and keep the recursion shallow). */
const MAX_DEPTH = 20;

class PathReader {
  tooMany = false;
  constructor(private readonly regex: string) {}

  alternation(start: number, depth: number): { branches: Segments[][]; end: number } {
    const branches: Segments[][] = [];
    let i = start;
    for (;;) {
      const sequence = this.sequence(i, depth);
      branches.push(sequence.paths);
      i = sequence.end;
      if (this.regex[i] !== '|' || this.tooMany) return { branches, end: i };
      i++;
    }
  }

  private sequence(start: number, depth: number): { paths: Segments[]; end: number } {
    const regex = this.regex;
    let paths: Segments[] = [[]];
    const append = (from: number, to: number) => {
      for (const path of paths) {
        const last = path[path.length - 1];
        if (last && last[1] === from) last[1] = to;
        else path.push([from, to]);
      }
    };
    let i = start;
    while (i < regex.length && regex[i] !== '|' && regex[i] !== ')' && !this.tooMany) {
      const ch = regex[i];
      if (ch === '\\') {
        append(i, Math.min(i + 2, regex.length));
        i += 2;
        continue;
      }
      if (ch === '[') {
        const end = classEnd(regex, i);
        append(i, end);
        i = end;
        continue;
      }
      if (ch !== '(') {
        append(i, i + 1);
        i++;
        continue;
      }
      if (depth >= MAX_DEPTH) {
        this.tooMany = true;
        break;
      }
      const opener = /^\((?:\?:|\?P?<[A-Za-z_]\w*>|\?'[A-Za-z_]\w*')?/.exec(regex.slice(i, i + 40))![0];
      // `(?=`, `(?i)`, `(?#`: kept as written.
      const plain = !(opener === '(' && regex[i + 1] === '?');
      const inner = this.alternation(i + opener.length, depth + 1);
      if (regex[inner.end] !== ')') {
        this.tooMany = true;
        break;
      }
      let after = inner.end + 1;
      const repeated = regex[after] === '*' || regex[after] === '+' || (regex[after] === '{' && /^\{\d+(,\d*)?\}/.test(regex.slice(after, after + 24)));
      if (!plain || repeated) {
        append(i, after);
        i = after;
        continue;
      }
      const choices = inner.branches.flat();
      if (regex[after] === '?') {
        choices.push([]);
        after++;
        if (regex[after] === '?' || regex[after] === '+') after++;
      }
      if (choices.length === 1) {
        for (const [a, b] of choices[0]) append(a, b);
        i = after;
        continue;
      }
      if (paths.length * choices.length > MAX_PATHS) {
        this.tooMany = true;
        break;
      }
      // Fresh arrays (and pieces) for each way, so that appending to one leaves the others alone.
      paths = paths.flatMap((path) => choices.map((choice): Segments => [...path, ...choice].map(([a, b]): [number, number] => [a, b])));
      i = after;
    }
    return { paths, end: i };
  }
}

function writeOut(regex: string, segments: Segments): RegexPath {
  let text = '';
  const from: number[] = [];
  for (const [a, b] of segments) {
    text += regex.slice(a, b);
    for (let i = a; i < b; i++) from.push(i);
  }
  return { text, from };
}

/** The index after the `[...]` class that starts at `i`. */
function classEnd(regex: string, i: number): number {
  let j = i + 1;
  if (regex[j] === '^') j++;
  if (regex[j] === ']') j++;
  while (j < regex.length && regex[j] !== ']') j += regex[j] === '\\' ? 2 : 1;
  return Math.min(j + 1, regex.length);
}

/** [start, end) of each alternative of the regex's top level. */
function topLevelAlternatives(regex: string): [number, number][] {
  const out: [number, number][] = [];
  let depth = 0;
  let start = 0;
  const classes = classRanges(regex);
  for (let i = 0; i < regex.length; i++) {
    if (regex[i] === '\\') {
      i++;
      continue;
    }
    const inClass = classes.find(([a, b]) => i >= a && i < b);
    if (inClass) {
      i = inClass[1] - 1;
      continue;
    }
    if (regex[i] === '(') depth++;
    else if (regex[i] === ')') depth--;
    else if (regex[i] === '|' && depth === 0) {
      out.push([start, i]);
      start = i + 1;
    }
  }
  out.push([start, regex.length]);
  return out;
}

/** [start, end) of every `[...]` class, where a host-like run is not a host. */
function classRanges(regex: string): [number, number][] {
  const ranges: [number, number][] = [];
  for (let i = 0; i < regex.length; i++) {
    if (regex[i] === '\\') {
      i++;
      continue;
    }
    if (regex[i] !== '[') continue;
    let j = i + 1;
    if (regex[j] === '^') j++;
    if (regex[j] === ']') j++;
    while (j < regex.length && regex[j] !== ']') j += regex[j] === '\\' ? 2 : 1;
    ranges.push([i, j + 1]);
    i = j;
  }
  return ranges;
}

/** What comes after a host: the regex's end (nothing holds it), or something that ends or continues it. */
function following(regex: string, at: number): 'end' | 'bounded' {
  let i = at;
  for (;;) {
    if (i >= regex.length) return 'end';
    const ch = regex[i];
    if (ch === ')') {
      i++;
      if (regex[i] === '?' || regex[i] === '*' || regex[i] === '+') i++;
      continue;
    }
    if (ch === '|') {
      // The alternative ends here: what follows is what follows the group.
      const close = closingParen(regex, i);
      if (close === -1) return 'end';
      i = close;
      continue;
    }
    return 'bounded';
  }
}

/**
 * What comes before a host: the regex's start with no anchor, an unbounded wildcard touching it
 * (the index where its `.` stands), or a boundary.
 */
function preceding(regex: string, at: number): 'start' | number | 'bounded' {
  let i = at - 1;
  for (;;) {
    if (i < 0) return 'start';
    const ch = regex[i];
    if (ch === '(' && regex[i - 1] !== '\\') {
      i--;
      continue;
    }
    if (ch === '|') {
      const open = openingParen(regex, i);
      if (open === -1) return 'start';
      i = open - 1;
      continue;
    }
    if ((ch === '*' || ch === '+') && regex[i - 1] === '.' && regex[i - 2] !== '\\') return i - 1;
    return 'bounded';
  }
}

/**
 * A subject that `regex` accepts, with `tail` where the wildcard at `wildcard` stands: what the
 * regex requires before the wildcard, written out (`^https?://[^/]+metrika` gives
 * `https://ametrika`). Undefined when that part is more than literals, classes and quantifiers.
 */
function wildcardExample(regex: string, wildcard: number, tail: string): string | undefined {
  const anchored = regex.startsWith('^');
  const before = sampleOf(regex.slice(anchored ? 1 : 0, wildcard));
  if (before === undefined) return undefined;
  if (before === '') return `https://${tail}`;
  if (/^https?:\/\//.test(before)) return before + tail;
  // Anchored on something other than a scheme: no browser sends such an Origin or Referer.
  return anchored ? undefined : `https://${before}${tail}`;
}

/** One string that the regex fragment matches (each atom once, `*` none); undefined past simple atoms. */
function sampleOf(fragment: string): string | undefined {
  let out = '';
  let i = 0;
  while (i < fragment.length) {
    const ch = fragment[i];
    let atom: string | undefined;
    if (ch === '\\') {
      const next = fragment[i + 1];
      atom = next === 'd' ? '0' : next === 'w' ? 'a' : next !== undefined && !/[A-Za-z0-9]/.test(next) ? next : undefined;
      i += 2;
    } else if (ch === '[') {
      const end = classEnd(fragment, i);
      atom = classSample(fragment.slice(i + 1, end - 1));
      i = end;
    } else if (ch === '.') {
      atom = 'a';
      i++;
    } else if (!'()|^$*+?{'.includes(ch)) {
      atom = ch;
      i++;
    }
    if (atom === undefined) return undefined;
    const quantifier = fragment[i];
    if (quantifier === '*') {
      atom = '';
      i++;
    } else if (quantifier === '+' || quantifier === '?') {
      i++;
    } else if (quantifier === '{') {
      const counted = /^\{(\d+)(?:,\d*)?\}/.exec(fragment.slice(i));
      if (!counted) return undefined;
      atom = atom.repeat(Number(counted[1]));
      i += counted[0].length;
    }
    // Lazy and possessive forms match the same strings.
    if (quantifier !== undefined && '*+?{'.includes(quantifier) && (fragment[i] === '?' || fragment[i] === '+')) i++;
    out += atom;
  }
  return out;
}

/** A letter or digit that the class body (between `[` and `]`) matches; undefined when unsure. */
function classSample(body: string): string | undefined {
  const negated = body.startsWith('^');
  const items = negated ? body.slice(1) : body;
  const inClass = (c: string): boolean | undefined => {
    for (let j = 0; j < items.length; j++) {
      if (items[j] === '\\') {
        const next = items[j + 1];
        if (next === 'd' && /[0-9]/.test(c)) return true;
        if (next === 'w' && /\w/.test(c)) return true;
        if (next === c) return true;
        if (next !== undefined && /[a-zA-Z]/.test(next) && next !== 'd' && next !== 'w') return undefined;
        j++;
        continue;
      }
      if (items[j + 1] === '-' && j + 2 < items.length) {
        if (c >= items[j] && c <= items[j + 2]) return true;
        j += 2;
        continue;
      }
      if (items[j] === c) return true;
    }
    return false;
  };
  for (const c of ['a', 'x', '0']) {
    const member = inClass(c);
    if (member === undefined) return undefined;
    if (member !== negated) return c;
  }
  return undefined;
}

/** For each index, the innermost `(` still open there, and for each `(`, its `)`: one scan, then each lookup is direct. */
interface Parens {
  regex: string;
  openAt: Int32Array;
  closeOf: Map<number, number>;
}

let lastParens: Parens | undefined;

function parensOf(regex: string): Parens {
  if (lastParens?.regex === regex) return lastParens;
  const openAt = new Int32Array(regex.length).fill(-1);
  const closeOf = new Map<number, number>();
  const stack: number[] = [];
  for (let i = 0; i < regex.length; i++) {
    openAt[i] = stack.length > 0 ? stack[stack.length - 1] : -1;
    if (regex[i] === '\\') {
      if (i + 1 < regex.length) openAt[i + 1] = openAt[i];
      i++;
    } else if (regex[i] === '(') {
      stack.push(i);
    } else if (regex[i] === ')' && stack.length > 0) {
      closeOf.set(stack.pop()!, i);
    }
  }
  lastParens = { regex, openAt, closeOf };
  return lastParens;
}

/** The `)` that closes the group around `from`; -1 at the top level or when it never closes. */
function closingParen(regex: string, from: number): number {
  const parens = parensOf(regex);
  const open = parens.openAt[from];
  return open === -1 ? -1 : (parens.closeOf.get(open) ?? -1);
}

/** The `(` that opens the group around `from`; -1 at the top level. */
function openingParen(regex: string, from: number): number {
  return parensOf(regex).openAt[from];
}
