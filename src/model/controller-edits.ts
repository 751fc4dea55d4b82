/**
 * Text edits on the ingress-nginx controller's ConfigMap for fixes: a key's value rewritten, or
 * the key added as the first entry of `data:`. Undefined when it cannot be written exactly: a
 * value from an annotation or the chart's values, a ConfigMap in flow style, a manifest read as
 * a template.
 */
import type { GeneratedOrigin } from '../source/setting';
import { plainSource, TextEdit, yamlFirstEntry } from '../source/edit';
import type { Deployment } from './deployment';
import { findController } from './ingress-nginx';

/** The controller's ConfigMap key `origin.key` set to `value` (written as a YAML string). */
export function setControllerKey(model: Deployment, origin: GeneratedOrigin, value: string): TextEdit | undefined {
  const configMap = findController(model.kubernetes)?.configMap;
  if (!configMap || (origin.kind !== 'configmap' && origin.kind !== 'default')) return undefined;
  const written = configMap.data.get(origin.key);
  if (origin.kind === 'configmap') {
    const source = written && plainSource(model.sourceTexts?.get(written.valueSpan.file));
    if (!source || !written) return undefined;
    const text = source.text.slice(written.valueSpan.start.offset, written.valueSpan.end.offset);
    // Only a scalar written on its line as it reads: `60`, `"60"` or `'60'`.
    if (![written.value, `"${written.value}"`, `'${written.value}'`].includes(text)) return undefined;
    return { span: written.valueSpan, text: JSON.stringify(value) };
  }
  // The controller's default: the ConfigMap does not have the key yet.
  if (written || !configMap.dataSpan) return undefined;
  const source = plainSource(model.sourceTexts?.get(configMap.dataSpan.file));
  return source && yamlFirstEntry(source, configMap.dataSpan, `${origin.key}: ${JSON.stringify(value)}`);
}
