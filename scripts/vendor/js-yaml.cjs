// Entry of dist/js-yaml.cjs (scripts/build-vendored.mjs): the YAML parser, bundled apart from the
// Action and the CLI and loaded on the first parse (src/core/vendored.ts), so that a run with no YAML
// to read (no workflow, policy or configuration) does not compile it.
const { parseEvents, constructFromEvents, getScalarValue, YAMLException } = require('js-yaml');
module.exports = { parseEvents, constructFromEvents, getScalarValue, YAMLException };
