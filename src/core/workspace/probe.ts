import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Cheap questions about a directory's files, for outputs that must name a file that exists. */
export interface DirectoryProbe {
  /** Whether `file` (a POSIX path relative to the directory) is a regular file, not a link. */
  exists(file: string): boolean;
  /** Names of the regular files directly in the directory, sorted. */
  rootFiles(): string[];
}

/**
 * A {@link DirectoryProbe} over `root` on disk. Symbolic links count as absent (their target is
 * never looked at), and paths that leave `root` are refused, as everywhere else in controlgate.
 */
export function directoryProbe(dir: string): DirectoryProbe {
  const root = path.resolve(dir);
  return {
    exists(file) {
      const abs = path.resolve(root, ...file.split('/'));
      if (abs !== root && !abs.startsWith(root.endsWith(path.sep) ? root : root + path.sep)) return false;
      try {
        return lstatSync(abs).isFile();
      } catch {
        return false;
      }
    },
    rootFiles() {
      try {
        return readdirSync(root, { withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => e.name)
          .sort();
      } catch {
        return [];
      }
    },
  };
}
