// Writes dist/cli.js, the CLI's stable entry point (npm bin and `node dist/cli.js`), which loads the
// CLI bundle that ncc emitted into dist/cli/.
import { chmodSync, writeFileSync } from 'node:fs';

writeFileSync('dist/cli.js', "#!/usr/bin/env node\nimport './cli/index.js';\n");
chmodSync('dist/cli.js', 0o755);
