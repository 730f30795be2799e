// Entry of dist/dockerfile-ast.cjs (scripts/build-vendored.mjs): the Dockerfile parser and the
// language-server types it builds on, bundled apart from the Action and the CLI so that a run over a
// tree without Dockerfiles never compiles them (src/core/vendored.ts).
module.exports = { DockerfileParser: require('dockerfile-ast').DockerfileParser };
