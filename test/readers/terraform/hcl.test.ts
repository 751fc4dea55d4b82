/** The HCL parser: structure with offsets, opaque expressions, and syntax errors with positions. */
import { HclExpr, HclSyntaxError, parseHcl } from '../../../src/readers/terraform/hcl';

function errorOf(text: string): { message: string; start: number } {
  try {
    parseHcl(text);
  } catch (error) {
    if (error instanceof HclSyntaxError) return { message: error.message, start: error.range.start };
    throw error;
  }
  throw new Error('no syntax error');
}

const valueOf = (text: string): HclExpr => parseHcl(`x = ${text}\n`).attributes[0].value;

describe('parseHcl', () => {
  test('blocks, labels and attributes keep their offsets', () => {
    const text = 'resource "aws_lb" "web" {\n  idle_timeout = 120\n}\n';
    const body = parseHcl(text);
    const block = body.blocks[0];
    expect(block.type).toBe('resource');
    expect(block.labels.map((l) => l.value)).toEqual(['aws_lb', 'web']);
    expect(text.slice(block.labels[1].range.start, block.labels[1].range.end)).toBe('"web"');
    const idle = block.body.attributes[0];
    expect(idle.name).toBe('idle_timeout');
    expect(idle.value).toEqual({ kind: 'literal', value: 120, range: { start: text.indexOf('120'), end: text.indexOf('120') + 3 } });
  });

  test('literals: numbers, strings with escapes, booleans, null, heredocs', () => {
    expect(valueOf('"a\\"b\\n"')).toMatchObject({ kind: 'literal', value: 'a"b\n' });
    expect(valueOf('-5')).toMatchObject({ kind: 'literal', value: -5 });
    expect(valueOf('true')).toMatchObject({ kind: 'literal', value: true });
    expect(valueOf('null')).toMatchObject({ kind: 'literal', value: null });
    expect(parseHcl('x = <<-EOF\n  hello\n  EOF\n').attributes[0].value).toMatchObject({ kind: 'literal', value: '  hello\n' });
    // `$${` is a literal `${`.
    expect(valueOf('"$${x}"')).toMatchObject({ kind: 'literal', value: '${x}' });
  });

  test('references, including the 0.11 "${var.x}" form', () => {
    expect(valueOf('var.port')).toMatchObject({ kind: 'reference', path: ['var', 'port'] });
    expect(valueOf('aws_lb.main.arn')).toMatchObject({ kind: 'reference', path: ['aws_lb', 'main', 'arn'] });
    expect(valueOf('"${var.port}"')).toMatchObject({ kind: 'reference', path: ['var', 'port'] });
  });

  test('calls, conditionals, templates, splats, indexes and for expressions are opaque', () => {
    for (const text of [
      'coalesce(var.a, 80)',
      'var.a ? 1 : 2',
      '"http-${var.port}"',
      'aws_lb.x[*].arn',
      'aws_lb.x[0].arn',
      '[for s in var.l : upper(s)]',
      '{ for k, v in var.m : k => v if v != null }',
      '(1 + 2) * 3',
      '!var.x',
    ]) {
      const value = valueOf(text);
      expect([text, value.kind]).toEqual([text, 'other']);
      expect(value.range).toEqual({ start: 4, end: 4 + text.length });
    }
  });

  test('objects and tuples across lines, with commas or newlines between items', () => {
    const value = valueOf('{\n  path = "/health"\n  "port": 8080,\n  nested = [1, "a",\n    3]\n}');
    expect(value.kind).toBe('object');
    if (value.kind !== 'object') return;
    expect(value.items.map((item) => item.key)).toEqual(['path', 'port', 'nested']);
    expect(value.items[2].value).toMatchObject({ kind: 'tuple' });
  });

  test('comments of all three kinds, blocks in blocks, one-line blocks', () => {
    const body = parseHcl('# a\n// b\n/* c\n d */\nresource "x" "y" {\n  health_check {\n    path = "/" # why\n  }\n}\nvariable "v" {}\n');
    expect(body.blocks.map((b) => b.type)).toEqual(['resource', 'variable']);
    expect(body.blocks[0].body.blocks[0].body.attributes[0].value).toMatchObject({ value: '/' });
  });

  test.each([
    ['an attribute without a value', 'resource "a" "b" {\n  idle_timeout =\n}\n', 'Expected an expression, found the end of the line', 35],
    ['an unclosed block', 'resource "a" "b" {\n  x = 1\n', 'Expected "}" to close the block', 27],
    ['an unterminated string', 'x = "abc\ny = 1\n', 'Unterminated string', 4],
    ['an unterminated heredoc', 'x = <<EOF\nabc\n', 'Unterminated heredoc', 4],
    ['JSON in a .tf file', '{\n  "resource": {}\n}\n', 'Expected an attribute name or a block type, found "{"', 0],
    ['two attributes on one line', 'x = 1 y = 2\n', 'Expected a new line', 6],
    ['a stray character', 'x = 1\n@\n', 'Invalid character "@"', 6],
  ])('a syntax error: %s', (_name, text, message, start) => {
    const error = errorOf(text);
    expect(error.message).toContain(message);
    expect(error.start).toBe(start);
  });

  test('hostile nesting stops with a syntax error, not a stack overflow', () => {
    expect(errorOf(`x = ${'['.repeat(5000)}`).message).toContain('Nesting deeper than');
    expect(errorOf(`${'a {\n'.repeat(5000)}`).message).toContain('Nesting deeper than');
    expect(errorOf(`x = ${'"${'.repeat(5000)}`).message).toContain('Nesting deeper than');
  });
});
