import { memoryFileSystem } from '../../../src/discovery/fs';
import { readSource } from '../../../src/readers/kit/files';
import { emptyOutput, ReaderContext } from '../../../src/readers/types';
import { SourceText } from '../../../src/source/text';

function context(extra: Partial<ReaderContext> = {}): ReaderContext {
  return {
    fs: memoryFileSystem({ 'app/gunicorn.conf.py': 'bind = "127.0.0.1:8000"\n' }),
    displayPath: (path) => path.replace(/^\/tree\//, ''),
    treeFiles: ['/tree/app/gunicorn.conf.py'],
    lintRoots: ['/tree'],
    ...extra,
  };
}

describe('readSource', () => {
  test('gives the text under the shown path and records it once', () => {
    const output = emptyOutput();
    const first = readSource('/tree/app/gunicorn.conf.py', context(), output);
    readSource('/tree/app/gunicorn.conf.py', context(), output);
    expect(first?.file).toBe('app/gunicorn.conf.py');
    expect(first?.text).toBe('bind = "127.0.0.1:8000"\n');
    expect(output.sources.map((source) => source.file)).toEqual(['app/gunicorn.conf.py']);
    expect(output.diagnostics).toEqual([]);
  });

  test('a file it may not record is read but not listed', () => {
    const output = emptyOutput();
    expect(readSource('/tree/app/gunicorn.conf.py', context(), output, false)).toBeDefined();
    expect(output.sources).toEqual([]);
  });

  test('a file that cannot be read is one read-error at its first position, naming the shown path, and no throw', () => {
    const output = emptyOutput();
    expect(readSource('/tree/app/missing.py', context(), output)).toBeUndefined();
    expect(output.diagnostics).toHaveLength(1);
    const [diagnostic] = output.diagnostics;
    expect(diagnostic.ruleId).toBe('read-error');
    expect(diagnostic.primary).toEqual({ file: 'app/missing.py', start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } });
    expect(diagnostic.message).toContain('app/missing.py');
    expect(diagnostic.message).not.toContain('/tree/');
    expect(output.sources).toEqual([]);
  });

  test('an embedded file (a ConfigMap entry) is read as the SourceText the run gave for it', () => {
    const embedded = new SourceText('k8s/configmap.yaml', 'bind = "0.0.0.0:8000"\n');
    const path = '/tree/k8s/configmap.yaml#configmap/app/gunicorn.conf.py';
    const fs = memoryFileSystem({ 'k8s/configmap.yaml#configmap/app/gunicorn.conf.py': embedded.text });
    const output = emptyOutput();
    expect(readSource(path, context({ fs, embedded: new Map([[path, embedded]]) }), output)).toBe(embedded);
  });
});
