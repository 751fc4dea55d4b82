import { guarded, internalError } from '../../../src/readers/kit/failure';
import type { ReaderDiagnostic } from '../../../src/source/diagnostic';
import type { Span } from '../../../src/source/span';

const SPAN: Span = { file: 'deploy/app.service', start: { line: 4, column: 1, offset: 30 }, end: { line: 4, column: 20, offset: 49 } };

describe('internalError', () => {
  test('names what failed and why, at the span given', () => {
    const diagnostic = internalError('gunicorn reader', SPAN, new Error('boom'));
    expect(diagnostic.ruleId).toBe('internal-error');
    expect(diagnostic.primary).toBe(SPAN);
    expect(diagnostic.message).toBe('The gunicorn reader failed here and skipped it: boom; please report this with the files that cause it');
  });

  test('a file stands for its first position', () => {
    const diagnostic = internalError('rule "x"', 'gunicorn.conf.py', 'not an Error');
    expect(diagnostic.primary).toEqual({ file: 'gunicorn.conf.py', start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } });
    expect(diagnostic.message).toContain('rule "x" failed');
    expect(diagnostic.message).toContain(': not an Error;');
  });
});

describe('guarded', () => {
  test('gives what the reading returns and adds nothing', () => {
    const diagnostics: ReaderDiagnostic[] = [];
    expect(guarded(diagnostics, 'uWSGI reader', SPAN, () => 7)).toBe(7);
    expect(diagnostics).toEqual([]);
  });

  test('a throw becomes one internal-error and undefined, and the caller goes on', () => {
    const diagnostics: ReaderDiagnostic[] = [];
    const result = guarded(diagnostics, 'uWSGI reader', SPAN, () => {
      throw new RangeError('too deep');
    });
    expect(result).toBeUndefined();
    expect(diagnostics.map((d) => [d.ruleId, d.primary.file, d.message.includes('too deep')])).toEqual([['internal-error', 'deploy/app.service', true]]);
  });
});
