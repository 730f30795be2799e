import type { Workspace } from '../../../workspace/workspace.js';
import {
  type Component,
  component,
  gitCommit,
  isRecord,
  type LockfileInventory,
  splitNpmName,
  sriHashes,
} from './types.js';
import { unreadable } from './unreadable.js';

/**
 * pnpm-lock.yaml, versions 5 to 9. Package keys are `/name/1.0.0_peers` (v5), `/name@1.0.0(peers)`
 * (v6) or `name@1.0.0` (v9); v5 and v6 mark development-only packages with `dev: true`, v9 says it
 * only per importer, so its scope is left unsaid. Packages resolved from a tarball or git keep the
 * version pnpm recorded.
 */
export function readPnpmLock(ws: Workspace, file: string): LockfileInventory {
  const bad = unreadable(ws, file);
  if (bad) return bad;
  const parsed = ws.yaml(file);
  const doc = parsed?.ok ? parsed.documents[0]?.value : undefined;
  if (!isRecord(doc)) {
    return {
      file,
      format: 'pnpm-lock.yaml',
      components: [],
      recordsLicenses: false,
      problem: 'not valid YAML',
    };
  }
  const lockVersion = String(doc.lockfileVersion ?? '');
  const major = Number.parseInt(lockVersion, 10) || 0;
  const components: Component[] = [];
  const packages = isRecord(doc.packages) ? doc.packages : {};
  for (const [key, entry] of Object.entries(packages)) {
    const parsedKey = major >= 6 ? splitAtVersion(key) : (splitV5(key) ?? splitAtVersion(key));
    if (!parsedKey) continue;
    const meta = isRecord(entry) ? entry : {};
    // The package's real name when the key is an alias or a URL.
    const full = typeof meta.name === 'string' ? meta.name : parsedKey.name;
    const version = typeof meta.version === 'string' ? meta.version : parsedKey.version;
    const [namespace, name] = splitNpmName(full);
    const resolution = isRecord(meta.resolution) ? meta.resolution : {};
    const hashes = sriHashes(resolution.integrity);
    // `resolution: { type: git, repo, commit }`, or a codeload tarball of the commit.
    const commit =
      typeof resolution.commit === 'string' && /^[0-9a-f]{40}$/i.test(resolution.commit)
        ? resolution.commit.toLowerCase()
        : gitCommit(resolution.tarball);
    const scope: Component['scope'] =
      meta.dev === true
        ? 'excluded'
        : meta.dev === false
          ? meta.optional === true
            ? 'optional'
            : 'required'
          : undefined;
    components.push(
      component({
        type: 'npm',
        namespace,
        name,
        version,
        ...(scope ? { scope } : {}),
        ...(commit ? { commit } : {}),
        ...(hashes ? { hashes } : {}),
        lockfile: file,
        anchor: key,
      }),
    );
  }
  return { file, format: `pnpm-lock.yaml v${lockVersion || '?'}`, components, recordsLicenses: false };
}

/** `/@scope/name@1.0.0(peer@2)` or `name@1.0.0` -> name and version, peer suffix dropped. */
function splitAtVersion(key: string): { name: string; version: string } | undefined {
  const bare = key.replace(/^\//, '');
  const paren = bare.indexOf('(');
  const core = paren === -1 ? bare : bare.slice(0, paren);
  const at = core.indexOf('@', 1);
  if (at <= 0) return undefined;
  const version = core.slice(at + 1);
  return version ? { name: core.slice(0, at), version } : undefined;
}

/** `/@scope/name/1.0.0_peer@2` -> name and version (pnpm 5). */
function splitV5(key: string): { name: string; version: string } | undefined {
  const bare = key.replace(/^\//, '');
  const slash = bare.lastIndexOf('/');
  if (slash <= 0) return undefined;
  const name = bare.slice(0, slash);
  const version = bare.slice(slash + 1).replace(/_.*$/, '');
  return version && /^\d/.test(version) ? { name, version } : undefined;
}
