// Finishes `npm run build`:
// - writes dist/cli.js, the CLI's stable entry point (npm bin and `node dist/cli.js`), which loads the
//   CLI bundle that ncc emitted into dist/cli/;
// - appends to dist/licenses.txt the licence of the HCL grammar, whose WebAssembly file ncc copies as
//   an asset (so its licence is not collected with the bundled JavaScript).
import { appendFileSync, chmodSync, readFileSync, writeFileSync } from 'node:fs';

writeFileSync('dist/cli.js', "#!/usr/bin/env node\nimport './cli/index.js';\n");
chmodSync('dist/cli.js', 0o755);

const grammar = 'node_modules/@tree-sitter-grammars/tree-sitter-hcl';
const { name, license } = JSON.parse(readFileSync(`${grammar}/package.json`, 'utf8'));
appendFileSync('dist/licenses.txt', `\n${name}\n${license}\n${readFileSync(`${grammar}/LICENSE`, 'utf8')}`);
