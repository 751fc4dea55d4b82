/**
 * Every uWSGI file of ../shared/corpus (per FORMATS.tsv: uwsgi/, the deploy sets, templated/) is
 * read by the uWSGI reader without a crash, as cfglint reads a file that nothing else starts:
 * on its own, as `uwsgi --ini FILE` would. The .xml/.yml/.json examples are uWSGI configs in
 * formats cfglint does not read: they give no options and no error. Whether the options are the
 * ones uWSGI itself reads is test/servers/uwsgi.test.ts's job; here the figures are printed.
 */
import * as nodePath from 'path';
import { nodeFileSystem } from '../../src/discovery/fs';
import { readUwsgi } from '../../src/readers/uwsgi';
import type { ReaderContext } from '../../src/readers/types';
import { CORPUS, corpusEntries, describeCorpus, describeFinding, lintCorpus, READING_FAILED } from './corpus';

describeCorpus('corpus: uWSGI files', () => {
  const entries = corpusEntries().filter((entry) => entry.format === 'uwsgi');
  const ini = entries.filter((entry) => !/\.(xml|ya?ml|json)$/.test(entry.path));
  const figures = { files: 0, options: 0, listeners: 0, gaps: 0, diagnostics: 0 };

  test('FORMATS.tsv lists uWSGI files', () => {
    expect(entries.length).toBeGreaterThan(50);
  });

  for (const entry of entries) {
    test(`${entry.path}: read without a crash`, () => {
      const file = nodePath.join(CORPUS, entry.path);
      const context: ReaderContext = {
        fs: nodeFileSystem,
        displayPath: (absolute) => nodePath.relative(CORPUS, absolute),
        treeFiles: [file],
        lintRoots: [file],
      };
      const output = readUwsgi([file], [], context);
      expect(output.diagnostics.filter((d) => d.ruleId === 'internal-error').map((d) => d.message)).toEqual([]);
      expect(output.backends).toHaveLength(1);
      const backend = output.backends[0];
      if (ini.includes(entry)) expect(output.sources.map((source) => source.file)).toContain(entry.path);
      figures.files++;
      figures.options += backend.options.length;
      figures.listeners += backend.listeners.length;
      figures.gaps += backend.gaps.length;
      figures.diagnostics += output.diagnostics.length;
      // Every span points into text the reader kept.
      for (const option of backend.options) {
        if (option.origin !== 'ini') continue;
        const source = output.sources.find((s) => s.file === option.keySpan.file)!;
        expect(option.keySpan.end.offset).toBeLessThanOrEqual(source.text.length);
        expect(option.valueSpan.end.offset).toBeLessThanOrEqual(source.text.length);
      }
    });
  }

  test('linted through the whole pipeline, one file at a time, nothing fails to read', () => {
    const failed = ini.flatMap((entry) =>
      lintCorpus(entry.path)
        .findings.filter((f) => READING_FAILED.includes(f.ruleId))
        .map(describeFinding),
    );
    expect(failed).toEqual([]);
  });

  afterAll(() => {
    process.stdout.write(
      `uWSGI corpus: ${figures.files} files read (${ini.length} in ini syntax), ${figures.options} options, ${figures.listeners} listeners, ${figures.gaps} gaps, ${figures.diagnostics} reader diagnostics, 0 crashes\n`,
    );
  });
});
