/**
 * What the model needs from Dockerfiles and compose files so far: which nginx image a tree
 * runs (`FROM nginx:1.27-alpine`, `image: nginx:1.29.8`), for version-dependent defaults.
 * The backend readers extend this with command lines and environment.
 */
import type { Span } from '../../source/span';
import type { SourceText } from '../../source/text';

export interface ImageReference {
  /** Image name without registry path, e.g. `nginx`, `openresty/openresty`. */
  image: string;
  tag: string;
  span: Span;
}

const IMAGE_PATTERNS: Record<'dockerfile' | 'compose', RegExp> = {
  dockerfile: /^[ \t]*FROM[ \t]+(?:--\S+[ \t]+)*(\S+)/gim,
  compose: /^[ \t]*image:[ \t]*["']?([^\s"'#]+)/gm,
};

export function readImageReferences(source: SourceText, kind: 'dockerfile' | 'compose'): ImageReference[] {
  const references: ImageReference[] = [];
  const pattern = new RegExp(IMAGE_PATTERNS[kind].source, IMAGE_PATTERNS[kind].flags);
  for (let match = pattern.exec(source.text); match; match = pattern.exec(source.text)) {
    const reference = match[1];
    const start = match.index + match[0].length - reference.length;
    references.push(imageReferenceOf(reference, source.span(start, start + reference.length)));
  }
  return references;
}

/** `nginx:1.27-alpine@sha256:…` as an image name (registry and `library/` dropped) and a tag (`latest` when none). */
export function imageReferenceOf(reference: string, span: Span): ImageReference {
  const withoutDigest = reference.split('@')[0];
  const colon = withoutDigest.lastIndexOf(':');
  const slash = withoutDigest.lastIndexOf('/');
  const hasTag = colon > slash;
  const name = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
  return { image: name.replace(/^(docker\.io\/)?(library\/)?/, ''), tag: hasTag ? withoutDigest.slice(colon + 1) : 'latest', span };
}

/**
 * The nginx release an image tag pins: `nginx:1.27-alpine` → `1.27`, `nginx:1.29.8` →
 * `1.29.8`, `openresty/openresty:1.21.4.1-jammy` → `1.21.4` (OpenResty numbers follow nginx).
 * `latest`, `stable`, `alpine` pin nothing.
 */
export function nginxVersionOfImage(reference: ImageReference): string | undefined {
  if (!isNginxImage(reference)) return undefined;
  const match = /^(\d+\.\d+(?:\.\d+)?)/.exec(reference.tag);
  return match ? match[1] : undefined;
}

/** nginx's own images and OpenResty's, whose tags name the nginx release (a moving tag names none). */
export function isNginxImage(reference: ImageReference): boolean {
  return /^(nginx|nginxinc\/nginx-unprivileged|bitnami\/nginx|openresty\/openresty)$/.test(reference.image);
}
