// Part of `npm run build`, after ncc has bundled the Action (dist/) and the CLI (dist/cli/): bundles
// each library that src/core/vendored.ts loads on first use into a file of its own, from its entry
// scripts/vendor/<name>.cjs, written once beside the CLI's bundle (dist/cli/<name>.cjs: the npm package
// ships only dist/cli/, and the Action's bundle looks in its cli/ folder), or beside the Action's
// bundle when only the Action is built (dist/<name>.cjs), and writes
// ncc's statistics of each to lib/vendored-<name>-stats.json for the licence list (finish-build.mjs).
// The main bundles never contain these libraries: webpack leaves a function made by createRequire
// alone, so a run that does not validate JSON Schema or parse a Dockerfile never compiles them.
// Every path is relative to the working directory, as in finish-build.mjs.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const ncc = path.resolve('node_modules', '.bin', 'ncc');

for (const entry of readdirSync(path.join(here, 'vendor'))
  .filter((f) => f.endsWith('.cjs'))
  .sort()) {
  const name = entry.slice(0, -'.cjs'.length);
  const out = path.join('lib', `vendored-${name}`);
  execFileSync(
    ncc,
    [
      'build',
      path.join(here, 'vendor', entry),
      '-o',
      out,
      '--target',
      'es2023',
      '--quiet',
      '--stats-out',
      path.join('lib', `vendored-${name}-stats.json`),
    ],
    { stdio: 'inherit' },
  );
  const dir = existsSync('dist/cli') ? 'dist/cli' : 'dist';
  copyFileSync(path.join(out, 'index.cjs'), path.join(dir, `${name}.cjs`));
}
