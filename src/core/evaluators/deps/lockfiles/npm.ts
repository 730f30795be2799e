import type { Workspace } from '../../../workspace/workspace.js';
import { readJson } from '../../repo/manifests.js';
import {
  type Component,
  component,
  gitCommit,
  isRecord,
  type LockfileInventory,
  splitNpmName,
  sriHashes,
  str,
} from './types.js';
import { unreadable } from './unreadable.js';

/**
 * package-lock.json and npm-shrinkwrap.json. Version 2 and 3 list every installed package under
 * `packages` by its `node_modules/...` path (with its licence); version 1 nests them under
 * `dependencies`. The root package, workspace members and links to them are the project itself.
 */
export function readPackageLock(ws: Workspace, file: string): LockfileInventory {
  const bad = unreadable(ws, file);
  if (bad) return bad;
  const lock = readJson(ws, file);
  if (!lock)
    return {
      file,
      format: 'package-lock.json',
      components: [],
      recordsLicenses: false,
      problem: 'not valid JSON',
    };
  const version = typeof lock.lockfileVersion === 'number' ? lock.lockfileVersion : 1;
  const components: Component[] = [];
  if (isRecord(lock.packages)) {
    for (const [key, entry] of Object.entries(lock.packages)) {
      const at = key.lastIndexOf('node_modules/');
      if (at === -1 || !isRecord(entry) || entry.link === true || entry.inBundle === true) continue;
      const full = str(entry, 'name') ?? key.slice(at + 'node_modules/'.length);
      const version = str(entry, 'version');
      if (!version) continue;
      const [namespace, name] = splitNpmName(full);
      const license = str(entry, 'license');
      const hashes = sriHashes(entry.integrity);
      const commit = gitCommit(str(entry, 'resolved')?.startsWith('git+') ? entry.resolved : undefined);
      components.push(
        component({
          type: 'npm',
          namespace,
          name,
          version,
          scope: npmScope(entry),
          ...(commit ? { commit } : {}),
          ...(license ? { license } : {}),
          ...(hashes ? { hashes } : {}),
          lockfile: file,
          anchor: JSON.stringify(key),
        }),
      );
    }
    return { file, format: `${baseName(file)} v${version}`, components, recordsLicenses: true };
  }
  // Version 1: a tree of `dependencies`, nested where versions conflict.
  const walk = (deps: unknown, depth: number) => {
    if (!isRecord(deps) || depth > 64) return;
    for (const [full, entry] of Object.entries(deps)) {
      if (!isRecord(entry)) continue;
      const version = str(entry, 'version');
      if (version && entry.bundled !== true && !version.startsWith('file:')) {
        const [namespace, name] = splitNpmName(full);
        const hashes = sriHashes(entry.integrity);
        // Version 1 writes a git dependency's resolution as its version.
        const commit = gitCommit(version.startsWith('git+') ? version : undefined);
        components.push(
          component({
            type: 'npm',
            namespace,
            name,
            version,
            scope: npmScope(entry),
            ...(commit ? { commit } : {}),
            ...(hashes ? { hashes } : {}),
            lockfile: file,
            anchor: JSON.stringify(full),
          }),
        );
      }
      walk(entry.dependencies, depth + 1);
    }
  };
  walk(lock.dependencies, 0);
  return { file, format: `${baseName(file)} v1`, components, recordsLicenses: false };
}

function npmScope(entry: Record<string, unknown>): Component['scope'] {
  if (entry.dev === true || entry.devOptional === true) return 'excluded';
  if (entry.optional === true) return 'optional';
  return 'required';
}

function baseName(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1);
}
