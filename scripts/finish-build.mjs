// Finishes `npm run build`:
// - writes dist/cli.js, the CLI's stable entry point (npm bin and `node dist/cli.js`), which turns on
//   Node's module compile cache and loads the CLI bundle that ncc emitted into dist/cli/;
// - writes dist/licenses.txt: the licence of every package in the Action bundle's chunks and in the
//   libraries bundled apart (scripts/build-vendored.mjs), read from ncc's stats (ncc's own `--license`
//   keeps the list of one chunk only), and of the HCL grammar, whose WebAssembly file ncc copies as an
//   asset;
// - writes the snapshot of the validated built-in rules beside each bundle (see RuleSnapshot in
//   src/core/rules/load.ts), so a run does not parse and validate them again.
// - replaces each chunk of the Action's bundle that is byte for byte the CLI's (the HCL parser and
//   its runtime, the package-URL library: code both bundles load on demand) with a module that
//   re-exports the CLI's, so the checked-in dist/ holds that code once. Webpack's chunk loader reads
//   only the chunk module's exports (`ids`, `modules`, `runtime`), and the chunk's code gets the
//   Action's runtime as an argument, so its asset paths stay the Action's.
// Every path is relative to the working directory (lib/ and dist/ of the build), so the tests can
// build into a private directory without touching the checkout's dist/.
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const { buildRuleSnapshot, RULE_SNAPSHOT_FILE } = await import(
  pathToFileURL(path.resolve('lib/core/rules/load.js')).href
);

// The CLI runs again and again on one machine (a pre-commit hook, an editor task), so it keeps V8's
// compiled code in Node's module compile cache (os.tmpdir()/node-compile-cache, or NODE_COMPILE_CACHE;
// Node < 22.1 has no cache and NODE_DISABLE_COMPILE_CACHE turns it off): 120 -> 90 ms of CPU for
// `controlgate rules` once warm, 20 ms more on the first run (docs/performance.md). The cache must be
// on before the bundle is compiled, hence the dynamic import. The Action does not use it: every job
// starts on a fresh runner, where writing the cache would only cost.
writeFileSync(
  'dist/cli.js',
  [
    '#!/usr/bin/env node',
    "import module from 'node:module';",
    'module.enableCompileCache?.();',
    "await import('./cli/index.js');",
    '',
  ].join('\n'),
);
chmodSync('dist/cli.js', 0o755);

/** The directory of each package a module of the bundle comes from (the innermost node_modules entry). */
function bundledPackages(statsFile) {
  const dirs = new Set();
  const visit = (module) => {
    const at = module.name.lastIndexOf('node_modules/');
    if (at >= 0) {
      const [scope, name] = module.name.slice(at + 'node_modules/'.length).split('/');
      dirs.add(
        path.resolve(
          module.name.slice(0, at),
          'node_modules',
          scope.startsWith('@') ? `${scope}/${name}` : scope,
        ),
      );
    }
    for (const inner of module.modules ?? []) visit(inner);
  };
  for (const module of JSON.parse(readFileSync(statsFile, 'utf8')).modules) visit(module);
  return [...dirs];
}

function licenceEntry(dir) {
  const { name, license } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const file = readdirSync(dir)
    .filter((f) => /^licen[cs]e/i.test(f))
    .sort()[0];
  const text = file ? readFileSync(path.join(dir, file), 'utf8').trim() : '';
  return { name, text: `${name}\n${license ?? ''}\n${text}`.trim() };
}

const entries = [
  ...bundledPackages('lib/action-stats.json'),
  // The libraries bundled apart and loaded on first use (scripts/build-vendored.mjs).
  ...readdirSync('lib')
    .filter((f) => /^vendored-.+-stats\.json$/.test(f))
    .sort()
    .flatMap((f) => bundledPackages(path.join('lib', f))),
  'node_modules/@tree-sitter-grammars/tree-sitter-hcl',
].map(licenceEntry);
entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.text < b.text ? -1 : 1));
const unique = entries.filter((e, i) => i === 0 || e.text !== entries[i - 1].text);
writeFileSync('dist/licenses.txt', `${unique.map((e) => e.text).join('\n\n')}\n`);

const snapshot = buildRuleSnapshot();
const json = JSON.stringify(snapshot);
// A value JSON cannot carry (a date, undefined) would differ after the round trip: refuse it.
if (!isDeepStrictEqual(JSON.parse(json), snapshot)) throw new Error('the built-in rules do not survive JSON');
for (const dir of ['dist', 'dist/cli']) writeFileSync(`${dir}/${RULE_SNAPSHOT_FILE}`, `${json}\n`);

for (const chunk of readdirSync('dist').filter((f) => /^\d+\.index\.js$/.test(f))) {
  const cli = path.join('dist', 'cli', chunk);
  if (existsSync(cli) && readFileSync(cli).equals(readFileSync(path.join('dist', chunk))))
    writeFileSync(path.join('dist', chunk), `export * from './cli/${chunk}';\n`);
}
