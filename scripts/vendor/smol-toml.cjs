// Entry of dist/smol-toml.cjs (scripts/build-vendored.mjs): the TOML parser of the lockfile
// inventory, bundled apart from the Action and the CLI so that a run over a tree without TOML
// lockfiles never compiles it (src/core/vendored.ts).
const { parse, TomlError } = require('smol-toml');
module.exports = { parse, TomlError };
