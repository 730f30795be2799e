import { Workspace } from '../../../workspace/workspace.js';
import { type InventoryEntry, readInventory, uniqueComponents } from './inventory.js';
import type { LockfileInventory } from './types.js';

/**
 * Lockfiles of large projects pass the 1 MiB a rule reads of one file (a package-lock.json of a
 * few thousand packages is several MiB). The SBOM is written once per run and only reads
 * lockfiles, so it allows more; a larger one is listed in the SBOM as not read.
 */
export const SBOM_MAX_LOCKFILE_BYTES = 64 * 1024 * 1024;

/** The inventory the SBOM describes: every lockfile of the tree at `root` and its components. */
export async function sbomInventory(
  root: string,
  selection: { include: readonly string[]; exclude: readonly string[] },
): Promise<{ lockfiles: LockfileInventory[]; components: InventoryEntry[] }> {
  const ws = new Workspace(root, {
    include: [...selection.include],
    exclude: [...selection.exclude],
    maxFileBytes: SBOM_MAX_LOCKFILE_BYTES,
  });
  const lockfiles = await readInventory(ws);
  return { lockfiles, components: uniqueComponents(lockfiles) };
}
