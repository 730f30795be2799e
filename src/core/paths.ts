import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The directory that holds controlgate's own data (`rules/`, `schemas/`, `data/`): the nearest
 * ancestor of this module that has them. The same code works from `src/` (tests), `lib/` and the
 * `dist/` bundle, whose data travels beside it in the Action's checkout and the npm package.
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'data', 'controls.json')) && existsSync(path.join(dir, 'rules'))) {
      cached = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('controlgate: cannot find its data directory (rules/, data/)');
    dir = parent;
  }
}

/** Path of a file shipped with controlgate, e.g. `packagePath('schemas', 'rule.schema.json')`. */
export function packagePath(...parts: string[]): string {
  return path.join(packageRoot(), ...parts);
}
