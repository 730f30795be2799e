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

/**
 * Debian and Ubuntu release codenames: a tag made of one (`bookworm-slim`, `noble`) names a release
 * series, as `12` or `24.04` does, and is judged as a version tag.
 */
const RELEASE_CODENAMES = new Set([
  // Debian, from 8 (sid, its unstable branch, is no release).
  'jessie',
  'stretch',
  'buster',
  'bullseye',
  'bookworm',
  'trixie',
  'forky',
  'duke',
  // Ubuntu, from 14.04.
  'trusty',
  'xenial',
  'bionic',
  'focal',
  'jammy',
  'kinetic',
  'lunar',
  'mantic',
  'noble',
  'oracular',
  'plucky',
  'questing',
  'resolute',
]);

/**
 * Whether a tag names no version, so that, like `latest`, it is re-pointed at every release: `latest`
 * or a tag with a `latest` part (`postgresql-latest`, `latest-alpine`), and a tag without a digit,
 * which names a variant or a channel only (`dind`, `alpine`, `slim`, `stable`, `lts`, `edge`,
 * `mainline`), unless it names a Debian or Ubuntu release by its codename, or the image's name holds
 * the version (`gcr.io/distroless/nodejs22-debian12:nonroot`). A tag with a version, even a major
 * one that moves within its series (`22`, `v3`, `3-alpine`), is a version tag. So is what cannot be
 * a tag, or is written in capitals (`{TAG}`, `IMAGE_TAG`): a placeholder that a script replaces
 * before the file is used. `repository`: the image's repository path.
 */
export function isMovingTag(tag: string, repository: string): boolean {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag) || /^[A-Z][A-Z_]*$/.test(tag)) return false;
  const parts = tag.toLowerCase().split(/[-_.]+/);
  if (parts.includes('latest')) return true;
  const name = repository.slice(repository.lastIndexOf('/') + 1);
  return !/[0-9]/.test(tag) && !nameHoldsVersion(name) && !parts.some((p) => RELEASE_CODENAMES.has(p));
}

/**
 * Whether a tag names a version that an updater (Dependabot, Renovate) can move to a later one: it
 * holds a number (`3.20`, `v2`, `22-alpine`) or a Debian or Ubuntu codename (`bookworm-slim`). `latest`
 * and a channel's tags (`stable`, `nonroot`, `debug`) name none, even on an image whose name holds
 * the version (`static-debian12:nonroot`): the updater has nothing to bump, and a rebuild pulls the
 * channel's current image.
 */
export function tagNamesVersion(tag: string): boolean {
  const parts = tag.toLowerCase().split(/[-_.]+/);
  if (parts.includes('latest')) return false;
  return /[0-9]/.test(tag) || parts.some((p) => RELEASE_CODENAMES.has(p));
}

/** Names with a number that is no version: cloud services, architectures, platforms. */
const NUMBERED_NAMES = new Set([
  's3',
  'ec2',
  'x86',
  'amd64',
  'arm64',
  'arm32',
  'i386',
  'i686',
  'win32',
  'win64',
]);

/**
 * Whether an image's name holds its version: a part of it ends with a number (`nodejs22-debian12`,
 * `python3`, `postgres-16`), which no term spelled with a number inside it does (`k8s-operator`,
 * `k3s`), nor a cloud service or an architecture (`aws-s3-proxy`, `builder-arm64`). `name`: the last
 * component of the repository path, or the whole path.
 */
export function nameHoldsVersion(name: string): boolean {
  if (name.includes('/')) return nameHoldsVersion(name.slice(name.lastIndexOf('/') + 1));
  return (
    name
      .toLowerCase()
      // `x86_64` is one architecture, not `x86` and a version 64.
      .replace(/x86[-_]64/g, 'x86')
      .split(/[-_.]+/)
      .some((part) => /^[a-z]*[0-9]+$/.test(part) && !NUMBERED_NAMES.has(part))
  );
}

/**
 * How a moving tag is described in a finding: `uses the "latest" tag`, or `uses the "dind" tag, which
 * names no version` (see {@link isMovingTag}).
 */
export function movingTagPhrase(tag: string): string {
  return tag === 'latest' ? 'uses the "latest" tag' : `uses the "${tag}" tag, which names no version`;
}

/** A matcher of image references (`registry/repository:tag`) by patterns where `*` is any text. */
export function imageMatcher(patterns: readonly string[]): (image: string) => boolean {
  const compile = (p: string) => new RegExp(`^${p.split('*').map(escapeRegExp).join('.*')}$`, 'i');
  const include = patterns.filter((p) => !p.startsWith('!')).map(compile);
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => compile(p.slice(1)));
  return (image) => {
    // `nginx:1.27@sha256:...` is judged as `nginx:1.27`; an untagged image is `:latest`.
    const ref = parseImageRef(image);
    if (!ref) return false;
    const name = `${ref.registry ? `${ref.registry}/` : ''}${ref.repository}:${ref.tag ?? 'latest'}`;
    return include.some((re) => re.test(name)) && !exclude.some((re) => re.test(name));
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
