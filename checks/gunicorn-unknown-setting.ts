import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { ignoredGunicornNames } from '../src/model/gunicorn';
import { GunicornConfigFile, GunicornModuleName } from '../src/readers/gunicorn/gunicorn-backend';
import { Fix, holdsAt, plainSource } from '../src/source/edit';
import { docsUrl } from '../src/source/meta';

const ID = 'gunicorn-unknown-setting';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'correctness',
  meta: {
    description:
      'A gunicorn config file sets a name that is not a setting (a misspelling, a flag spelling, the wrong case); gunicorn ignores it without a word',
    docsUrl: docsUrl(ID),
    fixable: true,
    messages: {
      flagSpelling: {
        message: 'Expected "{{setting}}": "{{name}}" is the spelling of the flag {{flag}}',
        help: 'gunicorn ignores unknown names without a word, so the default is used',
      },
      misspelt: {
        message: 'Unknown setting "{{name}}"',
        help: 'gunicorn ignores unknown names without a word, so the default is used; did you mean "{{setting}}"?',
      },
      misspeltHook: {
        message: 'Unknown server hook "{{name}}"',
        help: 'gunicorn never calls a function of another name; did you mean "{{setting}}"?',
      },
      wrongCase: {
        message: 'Expected "{{setting}}": setting names are lowercase',
        help: 'gunicorn ignores "{{name}}" without a word',
      },
      removed: {
        message: '"{{name}}" is no longer a gunicorn setting (removed in {{removedIn}})',
        help: 'gunicorn ignores it; {{note}}',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    // A file read for several launches is judged once.
    const files = new Map<string, GunicornConfigFile>();
    for (const backend of model.backends) {
      if (backend.kind === 'gunicorn' && backend.config) files.set(backend.config.file, backend.config);
    }
    for (const config of files.values()) {
      for (const { name, verdict } of ignoredGunicornNames(config)) {
        const modelPath = `gunicorn>${name.name}`;
        // Drafts written out per message id (the registry meta-test reads the ids from here).
        const related = 'setting' in verdict ? realSetting(config, verdict.setting) : [];
        const fix = 'setting' in verdict && related.length === 0 ? rename(model, config, name, verdict.setting) : undefined;
        const base = { primary: name.span, modelPath, related, ...(fix ? { fix } : {}) };
        switch (verdict.kind) {
          case 'flagSpelling':
            yield { ...base, messageId: 'flagSpelling', data: { name: name.name, setting: verdict.setting, flag: verdict.flag } };
            break;
          case 'wrongCase':
            yield { ...base, messageId: 'wrongCase', data: { name: name.name, setting: verdict.setting } };
            break;
          case 'removed':
            yield { ...base, messageId: 'removed', data: { name: name.name, removedIn: verdict.removedIn, note: verdict.note } };
            break;
          case 'misspelt':
            if (name.binding === 'def') yield { ...base, related: [], messageId: 'misspeltHook', data: { name: name.name, setting: verdict.setting } };
            else yield { ...base, messageId: 'misspelt', data: { name: name.name, setting: verdict.setting } };
            break;
        }
      }
    }
  },
});

/**
 * The name the message suggests, written in its place. Only when that is all the change does:
 * the file binds the name once and never mentions it elsewhere (a later `timeout = keep_alive * 2`
 * would then fail), and does not set the real setting too (which value wins would change).
 */
function rename(model: Deployment, config: GunicornConfigFile, name: GunicornModuleName, setting: string): Fix | undefined {
  const source = plainSource(model.sourceTexts?.get(config.file));
  if (!source || !holdsAt(source, name.span, name.name) || name.referenced) return undefined;
  if (config.names.filter((other) => other.name === name.name).length !== 1) return undefined;
  const mentions = source.text.match(new RegExp(`(?<![\\w.])${name.name}(?!\\w)`, 'g'))?.length ?? 0;
  if (mentions !== 1) return undefined;
  return { title: `rename "${name.name}" to "${setting}"`, edits: [{ span: name.span, text: setting }] };
}

/** The real setting, when the same file also sets it: the value gunicorn does use. */
function realSetting(config: GunicornConfigFile, setting: string) {
  const real = [...config.names].reverse().find((name) => name.name === setting);
  return real ? [{ span: real.span, label: `gunicorn reads "${setting}" here` }] : [];
}
