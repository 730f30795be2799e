// Entry of dist/ignore.cjs (scripts/build-vendored.mjs): gitignore matching, which a check inside a
// git work tree needs only for the rules that read .gitignore files, bundled apart from the Action
// and the CLI and loaded on first use (src/core/vendored.ts).
module.exports = require('ignore');
