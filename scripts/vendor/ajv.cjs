// Entry of dist/ajv.cjs (scripts/build-vendored.mjs): JSON Schema validation, bundled apart from the
// Action and the CLI so that a run that validates nothing never compiles it (src/core/vendored.ts).
module.exports = { Ajv: require('ajv').Ajv, addFormats: require('ajv-formats') };
