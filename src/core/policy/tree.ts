/**
 * A read-only view of one version of the repository's files, for reading policy (config,
 * declarations, custom rules): the working tree (head) or a commit (base, through git objects). A
 * later integration can supply another reader (e.g. the GitHub contents API) for a base commit that
 * the checkout does not have; see `CheckOptions.baseTree`.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { type BlobResult, type GitRepository, MAX_BLOB_BYTES } from '../git.js';

export type TreeFile = BlobResult;

export interface TreeReader {
  /** How the tree is named in messages: `the working tree`, `base commit 1a2b3c4d5e6f`. */
  readonly label: string;
  /** A file's text, relative to the checked root (POSIX separators). Never follows a symbolic link. */
  read(file: string, maxBytes?: number): TreeFile;
  /** Regular files under a directory (relative to the root), recursively, sorted; [] when absent. */
  list(dir: string): string[];
}

/** The working tree at `root`. Reads refuse symbolic links and anything resolving outside `root`. */
export function fsTree(root: string): TreeReader {
  const realRoot = safeRealpath(root) ?? path.resolve(root);
  const inside = (abs: string): boolean => {
    const real = safeRealpath(abs);
    return real !== undefined && (real === realRoot || real.startsWith(realRoot + path.sep));
  };
  return {
    label: 'the working tree',
    read(file, maxBytes = MAX_BLOB_BYTES) {
      if (!isRelative(file)) return { kind: 'missing' };
      const abs = path.join(root, file);
      let stat: ReturnType<typeof lstatSync>;
      try {
        stat = lstatSync(abs);
      } catch {
        return { kind: 'missing' };
      }
      if (!stat.isFile() || !inside(abs)) return { kind: 'not-a-file' };
      if (stat.size > maxBytes) return { kind: 'too-large', size: stat.size };
      let text = readFileSync(abs, 'utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      return { kind: 'text', text };
    },
    list(dir) {
      const base = dir.replace(/^\.\/?/, '').replace(/\/+$/, '');
      if (base !== '' && !isRelative(base)) return [];
      const start = path.join(root, base);
      if (!inside(start)) return [];
      const out: string[] = [];
      const visit = (rel: string) => {
        let entries: import('node:fs').Dirent[];
        try {
          entries = readdirSync(path.join(start, rel), { withFileTypes: true });
        } catch {
          return;
        }
        for (const e of entries) {
          const child = rel ? `${rel}/${e.name}` : e.name;
          if (e.isDirectory()) visit(child);
          else if (e.isFile()) out.push(base ? `${base}/${child}` : child);
        }
      };
      visit('');
      return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    },
  };
}

/** The tree of a commit, read through git objects (no checkout, nothing written). */
export function gitTree(repo: GitRepository, commit: string): TreeReader {
  return {
    label: `base commit ${commit.slice(0, 12)}`,
    read: (file, maxBytes) => repo.readFile(commit, file, maxBytes),
    list: (dir) => repo.listFiles(commit, dir),
  };
}

/** Whether a path is relative and stays inside the root. */
export function isRelative(file: string): boolean {
  return file !== '' && !path.isAbsolute(file) && !file.includes('\0') && !file.split(/[\\/]/).includes('..');
}

function safeRealpath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}
