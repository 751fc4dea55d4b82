/**
 * `cfglint explain`'s Markdown rendering (src/cli/terminal-markdown.ts) on small inputs, and on
 * every rule and reader doc: nothing of the Markdown syntax may reach the terminal.
 */
import { renderMarkdownForTerminal } from '../src/cli/terminal-markdown';
import { explainRule } from '../src/cli/commands';
import { RULES } from '../checks';
import { READER_RULES } from '../src/engine/reader-rules';

const render = (markdown: string, color = false) => renderMarkdownForTerminal(markdown, { color, resolveLink: (target) => `/pkg/${target}` });

test('a table is aligned in columns under a rule, its inline markup rendered', () => {
  // Column one is as wide as its widest cell, ‘ccc’ (5); the last column is not padded.
  expect(render('| a | bb |\n|---|---|\n| `ccc` | d |\n')).toBe('  a      bb\n  ─────────\n  ‘ccc’  d\n');
});

test('a block quote keeps its lines behind a bar', () => {
  expect(render('Said:\n\n> first\n> second\n')).toBe('Said:\n\n  │ first\n  │ second\n');
});

test('lists: bullets, numbers kept, nesting by indent, continuation lines hung under the text', () => {
  expect(render('- one\n  goes on\n  - inner\n1. first\n')).toBe('  • one\n    goes on\n    • inner\n  1. first\n');
});

test('emphasis and escapes lose their marks; underscores inside words stay', () => {
  expect(render('a **bold** and *em* and _em_ in snake_case_name, a \\* star\n')).toBe('a bold and em and em in snake_case_name, a * star\n');
});

test('a code span keeps its text as is, markup inside it included', () => {
  expect(render('run `a **b** [c](d)` now\n')).toBe('run ‘a **b** [c](d)’ now\n');
});

test('links are numbered once per target and listed at the end; relative ones resolved', () => {
  const out = render('See [x](../docs/a.md#s), [y](https://e.org/) and [x again](../docs/a.md#s).\n');
  expect(out).toBe('See x[1], y[2] and x again[1].\n\nLinks\n─────\n\n  [1] /pkg/../docs/a.md#s\n  [2] https://e.org/\n');
});

test('headings: the title over ═, others over ─, one blank line around blocks', () => {
  expect(render('# t\nintro\n## Part\n\n\ntext\n```sh\necho `x`\n```\nafter\n')).toBe('t\n═\n\nintro\n\nPart\n────\n\ntext\n\n    echo `x`\n\nafter\n');
});

test('with colour: headings, bold and code are painted, code blocks too', () => {
  expect(render('## H\n**b** `c`\n```\nx\n```\n', true)).toBe(
    '\x1b[1;36mH\x1b[0m\n\x1b[2m─\x1b[0m\n\n\x1b[1mb\x1b[0m \x1b[33mc\x1b[0m\n\n    \x1b[33mx\x1b[0m\n',
  );
});

describe.each([...RULES.map((rule) => rule.id), ...READER_RULES.map((rule) => rule.id)])('the doc of %s, rendered', (id) => {
  test('holds no Markdown syntax and ends with the page online', () => {
    const explained = explainRule(id, 'text', false);
    if ('error' in explained) throw new Error(explained.error);
    const lines = explained.text.split('\n');
    // Lines of code blocks are indented by four and shown as written: judge the others.
    const prose = lines.filter((line) => !line.startsWith('    '));
    // A backtick left over would be a code span the renderer did not close.
    expect(prose.filter((line) => /^#{1,6} |`|~~~|\*\*|\]\(|^\s*\|.*\|\s*$|^\s*> /.test(line))).toEqual([]);
    expect(lines[lines.length - 2]).toMatch(new RegExp(`^Online: https://github\\.com/cfglint/cfglint/blob/[^/]+/(checks|docs/rules)/${id}\\.md$`));
  });
});
