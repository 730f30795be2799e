import type { PackageURL } from 'packageurl-js';

/**
 * The dependency inventory read from lockfiles: one {@link Component} per resolved package. It feeds
 * the CycloneDX SBOM (`check --format cyclonedx`) and the licence rule. Readers never execute
 * anything and never throw on a broken file: they return what they could read and a problem.
 */

/** purl types of the ecosystems read (https://github.com/package-url/purl-spec). */
export type PurlType = 'npm' | 'pypi' | 'golang' | 'cargo' | 'maven' | 'gem' | 'composer' | 'nuget';

/** CycloneDX hash algorithms the lockfiles record. */
export type HashAlg = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** One resolved package of one lockfile. */
export interface Component {
  type: PurlType;
  /** The package's group or scope (`@babel`, `org.apache.commons`, `vendor`), when its ecosystem has one. */
  namespace?: string;
  name: string;
  version: string;
  /** Package URL, also the component's `bom-ref` (unique within one BOM after de-duplication). */
  purl: string;
  /**
   * `required` at run time; `excluded`: development or test only; `optional`: optional at run time.
   * Absent when the lockfile does not say.
   */
  scope?: 'required' | 'optional' | 'excluded';
  /** The licence as the lockfile records it (an SPDX expression, usually), when it does. */
  license?: string;
  hashes?: { alg: HashAlg; content: string }[];
  /** The lockfile it was read from (path relative to the root). */
  lockfile: string;
  /**
   * The full commit SHA a package taken from a git repository is locked to (uv's and Cargo's
   * `#<sha>` sources, Poetry's `resolved_reference`, Bundler's `revision`, npm's, Yarn's and pnpm's
   * git resolutions, composer.lock's git `source.reference`); absent for registry packages and git
   * sources the lockfile does not pin.
   */
  commit?: string;
  /**
   * The package installs no files (a Composer `metapackage`: only requirements and conflicts, such as
   * roave/security-advisories), so no code of it runs; absent for packages that ship code.
   */
  codeless?: true;
  /** Text that occurs on the package's entry line in the lockfile, to locate a finding. */
  anchor?: string;
}

/** What one lockfile yielded. */
export interface LockfileInventory {
  file: string;
  /** Reader name, e.g. `package-lock.json v3`, `yarn.lock v1`, `poetry.lock`. */
  format: string;
  components: Component[];
  /** Whether this format records each package's licence (npm lockfiles v2+, composer.lock). */
  recordsLicenses: boolean;
  /** Why the file could not be read (in full), e.g. too large or not parsable; absent when read. */
  problem?: string;
}

let packageUrl: typeof PackageURL | undefined;

/**
 * Loads the purl library that {@link component} needs; every reader of lockfiles awaits it first
 * (`readInventory` does). It is a dynamic import because `packageurl-js` builds an `Intl.Collator`
 * when it is evaluated, 15-25 ms of CPU that a run without lockfiles should not pay at start.
 */
export async function loadPackageUrl(): Promise<void> {
  packageUrl ??= (await import('packageurl-js')).PackageURL;
}

/** A component with its purl computed; `namespace` is dropped when empty. */
export function component(
  fields: Omit<Component, 'purl' | 'namespace'> & { namespace?: string | undefined },
): Component {
  const { namespace, ...rest } = fields;
  if (!packageUrl)
    throw new Error('component() before loadPackageUrl(): lockfiles are read through readInventory');
  const purl = new packageUrl(
    rest.type,
    namespace || undefined,
    rest.name,
    rest.version,
    undefined,
    undefined,
  );
  return { ...rest, ...(namespace ? { namespace } : {}), purl: purl.toString() };
}

/**
 * npm-style Subresource Integrity strings (`sha512-<base64> sha1-<base64>`) as CycloneDX hashes
 * (hexadecimal). Unknown algorithms and malformed parts are skipped.
 */
export function sriHashes(integrity: unknown): Component['hashes'] {
  if (typeof integrity !== 'string') return undefined;
  const out: { alg: HashAlg; content: string }[] = [];
  for (const part of integrity.trim().split(/\s+/).slice(0, 4)) {
    const m = /^(sha1|sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})$/.exec(part);
    if (!m) continue;
    const alg = ({ sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' } as const)[
      m[1] as 'sha1'
    ];
    const hex = Buffer.from(m[2]!, 'base64').toString('hex');
    if (hex.length === HEX_LENGTH[alg] && !out.some((h) => h.alg === alg)) out.push({ alg, content: hex });
  }
  return out.length > 0 ? out : undefined;
}

const HEX_LENGTH: Record<HashAlg, number> = { 'SHA-1': 40, 'SHA-256': 64, 'SHA-384': 96, 'SHA-512': 128 };

/** `@scope/name` -> [`@scope`, `name`]; `name` -> [undefined, `name`]. */
export function splitNpmName(full: string): [string | undefined, string] {
  if (full.startsWith('@')) {
    const slash = full.indexOf('/');
    if (slash > 1) return [full.slice(0, slash), full.slice(slash + 1)];
  }
  return [undefined, full];
}

/**
 * The commit SHA at the end of a git source or resolution (`git+https://host/r.git?branch=main#<sha>`,
 * `...#commit=<sha>`, a codeload tarball `.../tar.gz/<sha>`); undefined when it names none.
 */
export function gitCommit(source: unknown): string | undefined {
  if (typeof source !== 'string') return undefined;
  const m = /(?:#(?:commit=)?|\/tar\.gz\/)([0-9a-f]{40})$/i.exec(source.trim());
  return m ? m[1]!.toLowerCase() : undefined;
}

/** Whether a value is a plain object (JSON or YAML mapping). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string property, or undefined. */
export function str(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}
