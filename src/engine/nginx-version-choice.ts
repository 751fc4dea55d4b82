/**
 * Which nginx the tree runs: --nginx-version, then nginx.version in the config, then the tree's
 * nginx image tags, then the ingress-nginx controller's release; otherwise unknown. Where the
 * tree says which container runs an nginx config, that container's image decides for the config
 * (nginxVersionOfFile); the tree-wide answer is for the configs nothing ties to an image.
 */
import { isNginxImage, nginxVersionOfImage, readImageReferences } from '../readers/docker';
import type { PlacedInImage } from '../readers/docker/nginx-images';
import { placesNginxFile } from '../model/compose';
import type { KubernetesModel } from '../readers/kubernetes/objects';
import { bundledNginx, findController } from '../model/ingress-nginx';
import { combineVersions, describeRange, NginxVersionInfo, rangeUnion, UNKNOWN_VERSION, VersionRange, versionRangeOf } from '../reference/nginx/version';
import type { Span } from '../source/span';
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
      union = union ? rangeUnion(union, range) : range;
    }
  }
  if (union && first) return { range: union, source: { ...first, text: `${first.text} (${describeRange(union)})` } };
  return UNKNOWN_VERSION;
}

/**
 * The nginx that runs an nginx config file, where a compose service mounts it (or builds an image
 * that COPYs it) or a Dockerfile COPYs it into nginx's directories, and that image is nginx's own:
 * the release its tag pins (several containers: every release any of them may be). A moving tag
 * (`nginx:stable`, `latest`) leaves the release unknown: every release, not another image's pin.
 * An image whose Dockerfile stage installs nginx from its distribution's packages runs that
 * package's release (`apt-get install nginx` on `python:3.12-slim-bookworm`: Debian 12's 1.22.1),
 * unknown alike where the tree does not say which (readers/docker/distribution-nginx.ts). Another
 * image (`ghcr.io/mailcow/nginx`, built from a Dockerfile of the tree as often as not) says
 * nothing, and counts as `treeWide`. Undefined where no nginx image or package runs the file.
 */
export function nginxVersionOfFile(placements: PlacedInImage[], treeWide: NginxVersionInfo): (file: string) => NginxVersionInfo | undefined {
  return (file) => {
    const versions: NginxVersionInfo[] = [];
    const seen = new Set<string>();
    let ownNginx = false;
    const add = (range: VersionRange, text: string, span: Span) => {
      if (seen.has(text)) return;
      seen.add(text);
      versions.push({ range, source: { kind: 'tree', text, span } });
    };
    for (const placement of placements) {
      if (!placesNginxFile(placement, file)) continue;
      if (placement.image && isNginxImage(placement.image)) {
        ownNginx = true;
        const version = nginxVersionOfImage(placement.image);
        const range = version ? versionRangeOf(version) : undefined;
        if (!range) return UNKNOWN_VERSION;
        const text = `${placement.image.image}:${placement.image.tag}`;
        add(range, `${text} (${describeRange(range)})`, placement.image.span);
      } else if (placement.packagedNginx) {
        ownNginx = true;
        const { version, origin, span } = placement.packagedNginx;
        const range = version ? versionRangeOf(version) : undefined;
        if (!range) return UNKNOWN_VERSION;
        add(range, `${describeRange(range)} ${origin}`, span);
      } else if (!versions.includes(treeWide)) {
        versions.push(treeWide);
      }
    }
    return ownNginx ? combineVersions(versions) : undefined;
  };
}

/** When the only nginx in the tree is the ingress controller's, its release says which nginx runs. */
export function ingressNginxVersion(kubernetes: KubernetesModel): NginxVersionInfo {
  const controller = findController(kubernetes);
  const bundled = bundledNginx(controller?.version);
  return { range: bundled.range, ...(controller?.version ? { source: { kind: 'tree', text: bundled.text, span: controller.version.span } } : {}) };
}
