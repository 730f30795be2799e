import path from 'node:path/posix';
import { defineSelector, keysOfNames } from '../../../workspace/screens.js';
import type { Workspace } from '../../../workspace/workspace.js';
import { DEFAULT_MANIFEST_EXCLUDE } from '../../repo/deps-lockfile.js';
import { readPackageLock } from './npm.js';
import {
  readCargoLock,
  readComposerLock,
  readGemfileLock,
  readGoMod,
  readGradleLock,
  readNugetLock,
} from './other.js';
import { readPnpmLock } from './pnpm.js';
import { readPipfileLock, readPythonTomlLock, readRequirements } from './python.js';
import { type Component, type LockfileInventory, loadPackageUrl } from './types.js';
import { readYarnLock } from './yarn.js';

type Reader = (ws: Workspace, file: string) => LockfileInventory;

/** Readers by lockfile name. */
const BY_NAME = new Map<string, Reader>([
  ['package-lock.json', readPackageLock],
  ['npm-shrinkwrap.json', readPackageLock],
  ['pnpm-lock.yaml', readPnpmLock],
  ['yarn.lock', readYarnLock],
  ['poetry.lock', readPythonTomlLock],
  ['uv.lock', readPythonTomlLock],
  ['pdm.lock', readPythonTomlLock],
  ['Pipfile.lock', readPipfileLock],
  ['go.mod', readGoMod],
  ['Cargo.lock', readCargoLock],
  ['gradle.lockfile', readGradleLock],
  ['buildscript-gradle.lockfile', readGradleLock],
  ['Gemfile.lock', readGemfileLock],
  ['gems.locked', readGemfileLock],
  ['composer.lock', readComposerLock],
  ['packages.lock.json', readNugetLock],
]);

/** The lockfile names the inventory reads (requirements files besides), for documentation. */
export const LOCKFILE_NAMES: readonly string[] = [...BY_NAME.keys(), 'requirements*.txt'];

function readerFor(file: string): Reader | undefined {
  const name = path.basename(file);
  const byName = BY_NAME.get(name);
  if (byName) return byName;
  if (/^requirements[\w.-]*\.txt$/i.test(name) || /(?:^|\/)requirements\/[\w.-]+\.txt$/i.test(file)) {
    return readRequirements;
  }
  // Gradle 6 and earlier: one lockfile per configuration under gradle/dependency-locks/.
  if (/(?:^|\/)gradle\/dependency-locks\/[\w.-]+\.lockfile$/.test(file)) return readGradleLock;
  return undefined;
}

const LOCKFILES = defineSelector(
  'lockfiles',
  (f) => readerFor(f) !== undefined,
  keysOfNames([...BY_NAME.keys(), '.txt', '.lockfile']),
);

/** Lockfiles of the workspace, minus files matching `exclude`, in index order. */
export function lockfilePaths(
  ws: Workspace,
  exclude: readonly string[] = DEFAULT_MANIFEST_EXCLUDE,
): string[] {
  const excluded = exclude.length > 0 ? ws.matcher(exclude) : () => false;
  return ws.filesWhere(LOCKFILES).filter((f) => !excluded(f));
}

/**
 * One lockfile's inventory (cached per file); undefined when the file is not a known lockfile.
 * Needs `loadPackageUrl()` to have finished: {@link readInventory} sees to it.
 */
export function readLockfile(ws: Workspace, file: string): LockfileInventory | undefined {
  const reader = readerFor(file);
  if (!reader) return undefined;
  return ws.memo('deps.inventory', file, () => reader(ws, file));
}

/** Every lockfile's inventory, in index order; the purl library is loaded only when there is one. */
export async function readInventory(
  ws: Workspace,
  exclude: readonly string[] = DEFAULT_MANIFEST_EXCLUDE,
): Promise<LockfileInventory[]> {
  const files = lockfilePaths(ws, exclude);
  if (files.length > 0) await loadPackageUrl();
  return files.flatMap((f) => readLockfile(ws, f) ?? []);
}

/** A component once per purl, with every lockfile it appears in. */
export interface InventoryEntry {
  component: Component;
  lockfiles: string[];
}

const SCOPE_RANK = { required: 3, optional: 2, excluded: 1 } as const;

/**
 * The components of all lockfiles, one per purl, sorted by purl. The widest scope wins (a package
 * needed at run time by one project and for tests by another is needed at run time); the first
 * recorded licence and every distinct hash are kept.
 */
export function uniqueComponents(lockfiles: readonly LockfileInventory[]): InventoryEntry[] {
  const byPurl = new Map<string, InventoryEntry>();
  for (const lock of lockfiles) {
    for (const c of lock.components) {
      const seen = byPurl.get(c.purl);
      if (!seen) {
        byPurl.set(c.purl, { component: { ...c }, lockfiles: [lock.file] });
        continue;
      }
      if (!seen.lockfiles.includes(lock.file)) seen.lockfiles.push(lock.file);
      const merged = seen.component;
      // A scope unknown in one lockfile is unknown overall: nothing is claimed that was not read.
      if (!c.scope || !merged.scope) delete merged.scope;
      else if (SCOPE_RANK[c.scope] > SCOPE_RANK[merged.scope]) merged.scope = c.scope;
      if (!merged.license && c.license) merged.license = c.license;
      for (const h of c.hashes ?? []) {
        merged.hashes ??= [];
        if (!merged.hashes.some((x) => x.alg === h.alg)) merged.hashes.push(h);
      }
    }
  }
  return [...byPurl.values()].sort((a, b) => (a.component.purl < b.component.purl ? -1 : 1));
}
