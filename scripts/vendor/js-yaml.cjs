// Entry of dist/js-yaml.cjs (scripts/build-vendored.mjs): the YAML parser, bundled apart from the
// Action and the CLI and loaded on the first parse (src/core/vendored.ts), so that a run with no YAML
// to read (no workflow, policy or configuration) does not compile it. From the package's ES module
// build, the same source as its CommonJS one but with native object spread: the CommonJS build copies
// every parse's options through a helper that defines each property (a fifth of a small parse).
const {
  parseEvents,
  constructFromEvents,
  getScalarValue,
  YAMLException,
} = require('../../node_modules/js-yaml/dist/js-yaml.mjs');
module.exports = { parseEvents, constructFromEvents, getScalarValue, YAMLException };
