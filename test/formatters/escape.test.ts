/**
 * The output sanitisers, one per channel (src/report/escape.ts). Every expected value is written
 * by hand from the channel's rules: what the GitHub runner obeys, what Markdown, Mermaid and DOT
 * read as syntax, what a terminal reads as a control sequence.
 */
import {
  dotLabel,
  escapeCommandData,
  escapeCommandProperty,
  githubOutputEntry,
  isUnsafeCodePoint,
  jsonText,
  markdownCell,
  mermaidLabel,
  terminalText,
  xmlText,
} from '../../src/report/escape';

describe('terminalText (stylish, code frames, print-config, stderr)', () => {
  it('shows line breaks and tabs as \\n, \\r, \\t, so the text stays on its line', () => {
    expect(terminalText('5x\n::add-mask::secret\n::stop-commands::x')).toBe('5x\\n::add-mask::secret\\n::stop-commands::x');
    expect(terminalText('a\rb\tc\r\n')).toBe('a\\rb\\tc\\r\\n');
  });

  it('shows other C0 controls, DEL and C1 controls as \\xHH', () => {
    // An OSC window-title sequence ended by BEL, an 8-bit CSI, DEL and NUL.
    expect(terminalText('\x1b]0;owned\x07')).toBe('\\x1b]0;owned\\x07');
    expect(terminalText('\x9b31m\x7f\x00')).toBe('\\x9b31m\\x7f\\x00');
  });

  it('shows line separators and bidi controls as \\uHHHH', () => {
    expect(terminalText('a\u2028b\u2029c')).toBe('a\\u2028b\\u2029c');
    expect(terminalText('\u202eabc\u2066d\u2069\u200f\u061c')).toBe('\\u202eabc\\u2066d\\u2069\\u200f\\u061c');
  });

  it('breaks the legacy ##[command] prefix, which the runner obeys anywhere in a line', () => {
    expect(terminalText('x ##[add-mask]y')).toBe('x ##\\x5badd-mask]y');
    expect(terminalText('###[')).toBe('###\\x5b');
    expect(terminalText('#[ # [ [##')).toBe('#[ # [ [##');
  });

  it('leaves printable text, backslashes and non-ASCII alone, and is idempotent', () => {
    expect(terminalText('C:\\dir\\n.conf ü 😀 location ~ \\.php$')).toBe('C:\\dir\\n.conf ü 😀 location ~ \\.php$');
    const hostile = 'a\n\x1b[2J##[x]\u202e\r';
    expect(terminalText(terminalText(hostile))).toBe(terminalText(hostile));
  });
});

describe('one set of unsafe code points for every channel', () => {
  it('is escaped or dropped code point by code point, and nothing else is touched', () => {
    // Every BMP code point up to the bidi isolates, except `[` `%` `:` `,` and the Markdown and
    // Mermaid specials, which each channel treats on its own.
    const special = new Set([...'[%:,\\|`*_~]$&<>#"\'{}()']);
    for (let codePoint = 0; codePoint <= 0x2070; codePoint++) {
      const ch = String.fromCharCode(codePoint);
      if (special.has(ch)) continue;
      const unsafe = isUnsafeCodePoint(codePoint);
      const where = `U+${codePoint.toString(16)}`;
      expect({ where, terminal: terminalText(ch) === ch }).toEqual({ where, terminal: !unsafe });
      if (ch !== '\r' && ch !== '\n') expect({ where, data: escapeCommandData(ch) }).toEqual({ where, data: unsafe ? '' : ch });
      expect({ where, markdown: markdownCell(ch) === ch }).toEqual({ where, markdown: !unsafe });
      expect({ where, mermaid: mermaidLabel(ch) === ch }).toEqual({ where, mermaid: !unsafe });
      expect({ where, xml: xmlText(ch) === ch }).toEqual({ where, xml: !unsafe });
    }
  });
});

describe('escapeCommandData / escapeCommandProperty (GitHub workflow commands)', () => {
  it('percent-encodes %, CR and LF, % first', () => {
    expect(escapeCommandData('100%\r\n::warning::x')).toBe('100%25%0D%0A::warning::x');
    expect(escapeCommandData('%0A')).toBe('%250A');
  });

  it('drops every other unsafe code point', () => {
    expect(escapeCommandData('a\x1b[31mb\x07c\td\u202ee\x9bf')).toBe('a[31mbcdef');
  });

  it('also encodes : and , in properties', () => {
    expect(escapeCommandProperty('a:b,c\nd%')).toBe('a%3Ab%2Cc%0Ad%25');
    expect(escapeCommandProperty('x\x1by')).toBe('xy');
  });
});

describe('markdownCell (job summary table)', () => {
  it('keeps the row on one line: CRLF, lone CR and LF become <br>', () => {
    expect(markdownCell('l1\r\nl2\rl3\nl4')).toBe('l1<br>l2<br>l3<br>l4');
  });

  it('escapes the cell separator, code spans and backslashes', () => {
    expect(markdownCell('a|b')).toBe('a\\|b');
    expect(markdownCell('x`y')).toBe('x\\`y');
    // A backslash of the input cannot swallow the escape of the pipe after it.
    expect(markdownCell('\\|')).toBe('\\\\\\|');
  });

  it('encodes HTML and escapes links, images, emphasis and math', () => {
    expect(markdownCell('<img src=x onerror=alert(1)>&')).toBe('&lt;img src=x onerror=alert(1)&gt;&amp;');
    expect(markdownCell('![t](https://evil.example/p.png)')).toBe('!\\[t\\](https://evil.example/p.png)');
    expect(markdownCell('*a* _b_ ~c~ $x$')).toBe('\\*a\\* \\_b\\_ \\~c\\~ \\$x\\$');
  });

  it('shows other control characters escaped, the backslash itself escaped so it renders', () => {
    expect(markdownCell('a\x1bb\tc')).toBe('a\\\\x1bb\\\\tc');
  });
});

describe('mermaidLabel', () => {
  it('cannot form a %%{init}%% directive or a %% comment', () => {
    expect(mermaidLabel('%%{init: {"theme":"dark"}}%%')).toBe('#37;#37;#123;init: #123;#34;theme#34;:#34;dark#34;#125;#125;#37;#37;');
  });

  it('writes quotes, brackets, | and backtick as entity codes, and # itself', () => {
    expect(mermaidLabel("a[b](c)|d`e'f")).toBe('a#91;b#93;#40;c#41;#124;d#96;e#39;f');
    expect(mermaidLabel('#35; <b>&')).toBe('#35;35; #60;b#62;#38;');
  });

  it('keeps one line, control characters shown escaped', () => {
    expect(mermaidLabel('x\ny\x1b')).toBe('x\\ny\\x1b');
  });
});

describe('dotLabel', () => {
  it('escapes quotes and backslashes, so no \\N or \\G substitution and no end of string', () => {
    expect(dotLabel('a "b" \\N')).toBe('a \\"b\\" \\\\N');
  });

  it('shows a line break or ESC as text: the escape written, its backslash doubled', () => {
    expect(dotLabel('x\ny')).toBe('x\\\\ny');
    expect(dotLabel('t\x1b]0;t\x07')).toBe('t\\\\x1b]0;t\\\\x07');
    expect(dotLabel('##[add-mask]')).toBe('##\\\\x5badd-mask]');
  });
});

describe('jsonText (json and sarif)', () => {
  it('writes DEL, C1 controls, line separators and bidi controls as \\u escapes', () => {
    expect(jsonText({ a: '\u0085\u009b\u2028\u202e\x7f' })).toBe('{\n  "a": "\\u0085\\u009b\\u2028\\u202e\\u007f"\n}');
  });

  it('keeps JSON.stringify escapes for C0 and breaks ##[ inside strings', () => {
    expect(jsonText({ a: '\n\x1b' })).toBe('{\n  "a": "\\n\\u001b"\n}');
    expect(jsonText({ a: 'x ##[add-mask]y' })).toBe('{\n  "a": "x ##\\u005badd-mask]y"\n}');
  });

  it('parses back to the same value', () => {
    const value = { s: 'a\u2028b ##[x] \\##[ "##[" \x9b\x1b', list: ['##', '[', 1] };
    expect(JSON.parse(jsonText(value))).toEqual(value);
  });
});

describe('xmlText (junit and checkstyle)', () => {
  it('writes &, <, > and " as entities, so no tag, attribute end or ]]> can form', () => {
    expect(xmlText('a < b && c > "d"')).toBe('a &lt; b &amp;&amp; c &gt; &quot;d&quot;');
    expect(xmlText(']]><x a="1"/>')).toBe(']]&gt;&lt;x a=&quot;1&quot;/&gt;');
    // Written once more, an entity of the input is text again, not the character it names.
    expect(xmlText('&lt;&#27;')).toBe('&amp;lt;&amp;#27;');
  });

  it("leaves ' alone (attributes are double-quoted), and % and non-ASCII", () => {
    expect(xmlText("gunicorn's 100% ü 😀")).toBe("gunicorn's 100% ü 😀");
  });

  it('shows control characters, which XML 1.0 cannot carry even as &#…;, as visible escapes on one line', () => {
    expect(xmlText('5x\n::add-mask::s\r\tq')).toBe('5x\\n::add-mask::s\\r\\tq');
    expect(xmlText('\x1b]0;t\x07\x00\x7f\x9b\u202e')).toBe('\\x1b]0;t\\x07\\x00\\x7f\\x9b\\u202e');
  });

  it('shows the non-characters U+FFFE, U+FFFF and unpaired surrogates escaped, and keeps a pair', () => {
    expect(xmlText('a\ufffeb\uffffc')).toBe('a\\ufffeb\\uffffc');
    expect(xmlText('x\ud800y\udc00z')).toBe('x\\ud800y\\udc00z');
    expect(xmlText('\ud83d\ude00')).toBe('\ud83d\ude00');
    expect(xmlText('\ud83d')).toBe('\\ud83d');
  });

  it('breaks the legacy ##[ command prefix, the report being printable to a runner log', () => {
    expect(xmlText('x ##[add-mask]y')).toBe('x ##\\x5badd-mask]y');
  });
});

describe('githubOutputEntry (GITHUB_OUTPUT)', () => {
  it('writes a one-line value as name=value', () => {
    expect(githubOutputEntry('findings', '3')).toBe('findings=3\n');
    expect(githubOutputEntry('sarif-file', '')).toBe('sarif-file=\n');
  });

  it('writes a value with a line break in the delimiter form, so it cannot add outputs', () => {
    expect(githubOutputEntry('sarif-file', 'a\nfindings=0', 'DELIM')).toBe('sarif-file<<DELIM\na\nfindings=0\nDELIM\n');
    expect(githubOutputEntry('sarif-file', 'a\rb', 'DELIM')).toBe('sarif-file<<DELIM\na\rb\nDELIM\n');
  });

  it('draws a fresh random delimiter each time', () => {
    const first = githubOutputEntry('x', '1\n2').split('\n')[0];
    const second = githubOutputEntry('x', '1\n2').split('\n')[0];
    expect(first).toMatch(/^x<<ghadelimiter_[0-9a-f-]{36}$/);
    expect(second).not.toBe(first);
  });

  it('refuses a value that holds its delimiter, and a name that is not one', () => {
    expect(() => githubOutputEntry('x', 'a\nDELIM\ny=1', 'DELIM')).toThrow('contains its delimiter');
    expect(() => githubOutputEntry('a\nb', '1')).toThrow('invalid output name "a\\nb"');
    expect(() => githubOutputEntry('a=b', '1')).toThrow('invalid output name');
  });
});
