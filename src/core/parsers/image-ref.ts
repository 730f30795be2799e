/**
 * Container image references (`[registry/]repository[:tag][@digest]`), as written in a Dockerfile
 * `FROM`, a workflow `container:`/`services:` image or a `docker://` action. Shared so that every rule
 * agrees on what "pinned" means.
 */

/** The parts of an image reference; absent parts are undefined. */
export interface ImageRef {
  /** The reference as given (surrounding quotes removed). */
  raw: string;
  /** Registry host (with port), when the first path component names one. */
  registry?: string;
  /** Repository path without registry, tag or digest, e.g. `library/node` or `node`. */
  repository: string;
  tag?: string;
  /** `algorithm:hex`, e.g. `sha256:...`. */
  digest?: string;
}

const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * Splits an image reference into its parts. Purely syntactic: it does not validate names, so a
 * reference with unusual characters still yields its tag and digest. Returns undefined for an empty
 * reference.
 */
export function parseImageRef(text: string): ImageRef | undefined {
  const raw = unquote(text.trim());
  if (raw === '') return undefined;
  // A digest follows the first '@'; neither names nor tags may contain one.
  const at = raw.indexOf('@');
  const name = at === -1 ? raw : raw.slice(0, at);
  const digest = at === -1 ? undefined : raw.slice(at + 1);
  // A tag is after the last ':' that follows the last '/': a ':' before a '/' is a registry port.
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const hasTag = colon > slash;
  const path = hasTag ? name.slice(0, colon) : name;
  const tag = hasTag ? name.slice(colon + 1) : undefined;
  const ref: ImageRef = { raw, repository: path };
  const first = path.indexOf('/');
  if (first !== -1) {
    const host = path.slice(0, first);
    if (host.includes('.') || host.includes(':') || host === 'localhost') {
      ref.registry = host;
      ref.repository = path.slice(first + 1);
    }
  }
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** True when the reference carries a well-formed sha256 content digest (the only immutable pin). */
export function hasSha256Digest(ref: ImageRef): boolean {
  return ref.digest !== undefined && SHA256_DIGEST.test(ref.digest);
}

/** Docker and YAML both accept a quoted word; the quotes are not part of the reference. */
function unquote(text: string): string {
  if (text.length >= 2) {
    const q = text[0];
    if ((q === '"' || q === "'") && text[text.length - 1] === q) return text.slice(1, -1);
  }
  return text;
}
