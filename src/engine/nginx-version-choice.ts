/**
 * Which nginx the tree runs: --nginx-version, then nginx.version in the config, then the tree's
 * nginx image tags, then the ingress-nginx controller's release; otherwise unknown.
 */
import { nginxVersionOfImage, readImageReferences } from '../readers/docker';
import type { KubernetesModel } from '../readers/kubernetes/objects';
import { bundledNginx, findController } from '../model/ingress-nginx';
import { compareVersions, describeRange, NginxVersionInfo, UNKNOWN_VERSION, VersionRange, versionRangeOf } from '../reference/nginx/version';
import type { SourceText } from '../source/text';
import type { CfglintConfig } from './config';
import { UsageError } from './options';

export function chooseNginxVersion(
  option: string | undefined,
  config: CfglintConfig,
  images: { source: SourceText; kind: 'dockerfile' | 'compose' }[],
): NginxVersionInfo {
  if (option !== undefined) {
    const range = versionRangeOf(option);
    if (!range) throw new UsageError(`invalid --nginx-version "${option}": expected a version such as 1.24.0 or 1.27`);
    return { range, source: { kind: 'option', text: `--nginx-version ${option}` } };
  }
  if (config.nginx?.version) {
    return { range: versionRangeOf(config.nginx.version)!, source: { kind: 'config', text: `nginx.version ${config.nginx.version} in .cfglint.json` } };
  }
  let union: VersionRange | undefined;
  let first: NginxVersionInfo['source'];
  for (const { source, kind } of images) {
    for (const reference of readImageReferences(source, kind)) {
      const version = nginxVersionOfImage(reference);
      const range = version ? versionRangeOf(version) : undefined;
      if (!range) continue;
      first = first ?? { kind: 'tree', text: `${reference.image}:${reference.tag}`, span: reference.span };
      union = union
        ? { min: compareVersions(range.min, union.min) < 0 ? range.min : union.min, max: compareVersions(range.max, union.max) > 0 ? range.max : union.max }
        : range;
    }
  }
  if (union && first) return { range: union, source: { ...first, text: `${first.text} (${describeRange(union)})` } };
  return UNKNOWN_VERSION;
}

/** When the only nginx in the tree is the ingress controller's, its release says which nginx runs. */
export function ingressNginxVersion(kubernetes: KubernetesModel): NginxVersionInfo {
  const controller = findController(kubernetes);
  const bundled = bundledNginx(controller?.version);
  return { range: bundled.range, ...(controller?.version ? { source: { kind: 'tree', text: bundled.text, span: controller.version.span } } : {}) };
}
