// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile `${VAR}` syntax is test data here.
import { afterAll, describe, expect, it } from 'vitest';
import { dockerfileBaseImage } from '../../src/core/evaluators/dockerfile/base-image.js';
import { at, evaluate, removeTrees } from '../parsers/tree.js';

afterAll(removeTrees);

const run = (text: string, unresolved: 'skip' | 'report' = 'skip') =>
  evaluate(dockerfileBaseImage, { Dockerfile: text }, { unresolved });

const DIGEST = `sha256:${'e'.repeat(64)}`;

describe('dockerfile.base-image', () => {
  it('reports untagged and latest images at the columns of the image', async () => {
    const findings = await run(`FROM node AS build
FROM --platform=linux/amd64 python:latest
FROM nginx:1.27
`);
    expect(findings.map(at)).toEqual(['Dockerfile:1:6', 'Dockerfile:2:29']);
    expect(findings[0]!.location).toMatchObject({ endLine: 1, endColumn: 9 });
    expect(findings[1]!.location).toMatchObject({ endLine: 2, endColumn: 41 });
    expect(findings[0]!.message).toContain('"node" of stage "build" has no tag or digest');
    expect(findings[1]!.message).toContain('"latest" tag');
    expect(findings.map((f) => f.key)).toEqual(['node', 'python:latest']);
  });

  // The image a COPY --from copies files out of is pulled as a base image is: judged alike, at its
  // value; stages (by name or index), pinned images and what ARG defaults pin are not.
  it('judges the images COPY --from copies out of, and not the stages it names', async () => {
    const findings = await run(`ARG UV=0.5.1
ARG TOOLS=acme/tools
FROM golang:1.23 AS build
COPY --from=ghcr.io/astral-sh/uv:latest /uv /usr/local/bin/uv
COPY --from=ghcr.io/astral-sh/uv:\${UV} /uvx /usr/local/bin/uvx
COPY --from=busybox /bin/sh /bin/sh
COPY --from=\${TOOLS} /bin/tool /bin/tool
COPY --link --from=tonistiigi/xx:master / /
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /app /app
COPY --from=BUILD /app /app2
COPY --from=0 /app /app3
COPY --from=docker.io/library/alpine:3.20@${DIGEST} /etc/ssl /etc/ssl
COPY --from=alpine:latest@${DIGEST} /bin/busybox /bin/busybox
COPY --from=gcr.io/distroless/static-debian12:latest /etc/passwd /etc/passwd
COPY --from=scratch / /
`);
    expect(findings.map(at)).toEqual([
      'Dockerfile:4:13',
      'Dockerfile:6:13',
      'Dockerfile:7:13',
      'Dockerfile:8:20',
    ]);
    expect(findings.map((f) => f.key)).toEqual([
      'COPY --from=ghcr.io/astral-sh/uv:latest',
      'COPY --from=busybox',
      'COPY --from=${TOOLS}',
      'COPY --from=tonistiigi/xx:master',
    ]);
    expect(findings[0]!.message).toBe(
      'Image "ghcr.io/astral-sh/uv:latest", which COPY --from in stage "build" copies files out of, uses the "latest" tag, which is re-pointed whenever a new image is published, so two builds can copy different files (often a tool the build then runs). Pin a version tag or a @sha256 digest.',
    );
    expect(findings[1]!.message).toContain(
      '"busybox", which COPY --from in stage "build" copies files out of, has no tag or digest',
    );
    expect(findings[2]!.message).toContain('Image "${TOOLS}" (with ARG defaults: "acme/tools"), which');
    expect(findings[3]!.message).toContain(
      'uses the "master" tag, which names no version: like "latest", it is re-pointed',
    );
  });

  // The image a RUN --mount's from= names is pulled too, its files seen by the command: judged alike.
  it('judges the images RUN --mount from= mounts, and not the stages it names', async () => {
    const findings = await run(`FROM scratch AS base
FROM golang:1.23 AS build
RUN --mount=type=bind,from=ghcr.io/acme/tools:latest,source=/bin/tool,target=/usr/local/bin/tool tool build
RUN --mount=type=cache,target=/root/.cache --mount=type=bind,from=base,target=/src make
RUN --mount=from=busybox,target=/bb ls /bb
RUN --mount=type=bind,from=alpine:3.20,target=/a ls /a
RUN --mount=type=secret,id=npm npm ci
`);
    expect(findings.map((f) => [at(f), f.key])).toEqual([
      ['Dockerfile:3:28', 'RUN --mount from=ghcr.io/acme/tools:latest'],
      ['Dockerfile:5:18', 'RUN --mount from=busybox'],
    ]);
    expect(findings[0]!.message).toBe(
      'Image "ghcr.io/acme/tools:latest", which a RUN --mount in stage "build" mounts, uses the "latest" tag, which is re-pointed whenever a new image is published, so two builds can mount different files (often a tool the build then runs). Pin a version tag or a @sha256 digest.',
    );
  });

  it('grades low a COPY --from in a stage that no build builds and no built stage needs', async () => {
    const findings = await run(`FROM python:3.12-alpine AS app
CMD ["python3"]
FROM app AS dev-envs
COPY --from=gloursdocker/docker / /
FROM app
COPY --from=busybox:latest /bin/sh /bin/sh
`);
    expect(findings.map((f) => [at(f), f.confidence ?? 'high'])).toEqual([
      ['Dockerfile:4:13', 'low'],
      ['Dockerfile:6:13', 'high'],
    ]);
    expect(findings[0]!.message).toMatch(
      /\(no build found here builds the stage "dev-envs", and no stage that is built needs it: BuildKit never runs this COPY\)\.$/,
    );
  });

  // A tag that names a variant or a channel only is re-pointed at every release, as `latest` is.
  it.each([
    ['docker:dind', 'uses the "dind" tag, which names no version: like "latest", it is re-pointed'],
    ['node:lts-alpine', 'uses the "lts-alpine" tag, which names no version'],
    ['debian:stable-slim', 'uses the "stable-slim" tag, which names no version'],
    ['ghcr.io/acme/app:postgresql-latest', 'uses the "postgresql-latest" tag, which names no version'],
    ['ghcr.io/acme/app:14-latest', 'uses the "14-latest" tag, which names no version'],
    // A number inside a term of the name is no version of the image.
    ['ghcr.io/acme/k8s-operator:stable', 'uses the "stable" tag, which names no version'],
    ['acme/builder-arm64:edge', 'uses the "edge" tag, which names no version'],
    // No version in the name: latest is the newest release of the image. An architecture is no version.
    ['gcr.io/distroless/static:latest', 'uses the "latest" tag, which is re-pointed'],
    ['ghcr.io/acme/builder-x86_64:latest', 'uses the "latest" tag, which is re-pointed'],
  ])('reports FROM %s, whose tag names no version, as unpinned', async (image, message) => {
    const findings = await run(`FROM ${image}\nRUN true\n`);
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([['Dockerfile:1:6', null]]);
    expect(findings[0]!.message).toContain(message);
  });

  it.each([
    'docker:20.10.21-dind',
    'node:22',
    // The version is in the name: `latest` moves within Debian 12 only, like `nonroot`.
    'gcr.io/distroless/static-debian12:latest',
    'woodpeckerci/woodpecker-agent:v3',
    'debian:bookworm-slim',
    'ubuntu:noble',
    'ubuntu:plucky-20251001',
    'acme/app:IMAGE_TAG',
    'gcr.io/distroless/nodejs22-debian12:nonroot',
    'acme/python3:slim',
  ])(
    'leaves FROM %s, whose tag names a version or a release (or is a placeholder), to the digest rule',
    async (image) => {
      expect(await run(`FROM ${image}\nRUN true\n`)).toEqual([]);
    },
  );

  it('reports once the FROM lines that take the same image from the same ARG', async () => {
    const findings = await run('ARG BASE=node\nFROM ${BASE} AS a\nFROM ${BASE}:latest AS b\nFROM ${BASE}\n');
    expect(findings.map(at)).toEqual(['Dockerfile:2:6', 'Dockerfile:3:6']);
    expect(findings[0]!.message).toMatch(
      /Pin a version tag or a @sha256 digest\. The FROM line 4 takes the same image from the same ARG: this finding covers it/,
    );
  });

  it('reports a template placeholder as the base image at low confidence, saying it is one', async () => {
    const findings = await run(`FROM {{ images.builder }} AS build
FROM --platform=$TARGETPLATFORM {% if slim %}debian:slim{% endif %}
FROM <%= base %>
FROM alpine
`);
    expect(findings.map((f) => [at(f), f.confidence])).toEqual([
      ['Dockerfile:1:6', 'low'],
      ['Dockerfile:2:33', 'low'],
      ['Dockerfile:3:6', 'low'],
      ['Dockerfile:4:6', undefined],
    ]);
    expect(findings[0]!.message).toContain('is a template placeholder ("{{ ...")');
    expect(findings[0]!.message).not.toContain('no tag or digest');
  });

  // A name without registry or namespace is pulled as docker.io/library/<name>, which only holds the
  // official images: any other name is built or tagged locally (rustup's CI: `FROM rust-$TARGET`).
  it.each([
    ['rust-x86_64-unknown-linux-gnu', 'low', 'has no tag, but no registry serves it'],
    ['rust-x86_64-unknown-linux-gnu:latest', 'low', 'uses the "latest" tag, but no registry serves it'],
    ['library/my-app', 'low', 'no registry serves it'],
    ['docker.io/library/my-app', 'low', 'no registry serves it'],
    ['docker.io/my-app', 'low', 'no registry serves it'],
    ['node', undefined, 'has no tag or digest'],
    ['centos', undefined, 'has no tag or digest'],
    ['library/node', undefined, 'has no tag or digest'],
    ['docker.io/node', undefined, 'has no tag or digest'],
    ['docker.io/library/node:latest', undefined, 'uses the "latest" tag'],
    ['myorg/app', undefined, 'has no tag or digest'],
    ['ghcr.io/x/y', undefined, 'has no tag or digest'],
    ['localhost:5000/app', undefined, 'has no tag or digest'],
  ])('FROM %s: confidence %s, "%s"', async (image, confidence, message) => {
    const findings = await run(`FROM ${image}\n`);
    expect(findings.map((f) => [at(f), f.confidence])).toEqual([['Dockerfile:1:6', confidence]]);
    expect(findings[0]!.message).toContain(message);
    if (confidence) expect(findings[0]!.message).toContain('no Docker Hub official image');
    else expect(findings[0]!.message).not.toContain('official image');
  });

  it('judges a name taken from an ARG default as written out, and leaves stages, scratch and unknown ARGs', async () => {
    const findings = await run(`ARG LOCAL=rust-aarch64-linux-android
ARG BASE
FROM golang:1.22 AS builder
FROM builder
FROM scratch
FROM \${BASE}
FROM \${BASE}:latest
FROM \${LOCAL}
FROM \${BASE}-app
`);
    expect(findings.map((f) => [at(f), f.confidence])).toEqual([
      ['Dockerfile:7:6', undefined],
      ['Dockerfile:8:6', 'low'],
    ]);
    expect(findings[1]!.message).toContain('"rust-aarch64-linux-android")');
  });

  it('reads a quoted FROM word as BuildKit does: a stage, scratch, or the image without its quotes', async () => {
    const findings = await run(`FROM golang:1.22 AS build
FROM "build" AS test
FROM 'scratch'
FROM "gcr.io/distroless/static"
`);
    expect(findings.map(at)).toEqual(['Dockerfile:4:6']);
    expect(findings[0]!.message).toContain('Base image "gcr.io/distroless/static" has no tag or digest');
  });

  it('resolves global ARG defaults, including ARGs built from ARGs and :- defaults', async () => {
    const findings = await run(`ARG TAG=latest
ARG NODE_VERSION=20
ARG IMAGE=node:\${NODE_VERSION}
ARG EMPTY=
FROM node:\${TAG}
FROM node:\${NODE_VERSION}
FROM \${IMAGE}
FROM python:\${EMPTY:-latest}
FROM python:\${PY_VERSION:-3.12}
`);
    expect(findings.map(at)).toEqual(['Dockerfile:5:6', 'Dockerfile:8:6']);
    expect(findings[0]!.message).toContain('"node:${TAG}" (with ARG defaults: "node:latest")');
  });

  it('ignores ARGs declared inside a stage, which a FROM cannot see', async () => {
    const findings = await run('FROM alpine:3 AS a\nARG TAG=3.20\nFROM alpine:${TAG}\n', 'report');
    expect(findings.map(at)).toEqual(['Dockerfile:3:6']);
    expect(findings[0]!.message).toContain('cannot be checked: ARG TAG has no default');
  });

  it('skips unresolvable versions by default and reports them on request', async () => {
    const text = `ARG TAG
ARG REGISTRY
ARG IMAGE
FROM node:\${TAG}
FROM \${REGISTRY}/node:20
FROM \${REGISTRY}/node
FROM \${IMAGE}
FROM node\${SUFFIX}
`;
    expect(await run(text)).toEqual([
      expect.objectContaining({ location: expect.objectContaining({ startLine: 6 }) }),
    ]);
    const reported = await run(text, 'report');
    expect(reported.map(at)).toEqual([
      'Dockerfile:4:6',
      'Dockerfile:6:6',
      'Dockerfile:7:6',
      'Dockerfile:8:6',
    ]);
    expect(reported[2]!.message).toContain('ARG IMAGE has no default');
  });

  it('accepts scratch, earlier stages (case-insensitive), and digests', async () => {
    const findings = await run(`FROM golang:1.22 AS Builder
FROM builder AS test
FROM scratch
FROM alpine@${DIGEST}
FROM alpine:latest@${DIGEST}
ARG STAGE=test
FROM \${STAGE}
`);
    expect(findings).toEqual([]);
  });

  it('treats a name used before its stage is defined as an image', async () => {
    const findings = await run('FROM later\nFROM alpine:3 AS later\n');
    expect(findings.map(at)).toEqual(['Dockerfile:1:6']);
  });

  it('reports the image on its own line when FROM is continued', async () => {
    const findings = await run('FROM \\\n  --platform=linux/arm64 \\\n  ubuntu AS base\n');
    expect(findings.map(at)).toEqual(['Dockerfile:3:3']);
  });

  it('grades low an image the repository builds and tags itself, saying where', async () => {
    const files = {
      'hack/build.sh': '#!/bin/sh\ncd images/base && docker build -t acme/base .\n',
      'images/base/Dockerfile': 'FROM alpine:3.20\nRUN apk add ca-certificates\n',
      'app/Dockerfile': 'FROM acme/base\nCOPY app /app\n',
      'web/Dockerfile': 'FROM acme/web:latest\nCOPY web /srv\n',
    };
    const findings = await evaluate(dockerfileBaseImage, files, { unresolved: 'skip' });
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([
      ['app/Dockerfile:1:6', 'low'],
      ['web/Dockerfile:1:6', null],
    ]);
    expect(findings[0]!.message).toBe(
      'Base image "acme/base" has no tag, but the repository builds and tags it itself (hack/build.sh:2, from ' +
        "images/base/Dockerfile), so it is the project's own image, not a third party's. Pinning applies to what " +
        'builds it: check that the base images of the Dockerfile it is built from are pinned.',
    );
  });

  // The ARG defaults of a FROM are what a plain `docker build` pulls. When every build of the
  // Dockerfile found here sets the image otherwise (a build argument, a named build context), none
  // unpinned, the defaults are a guess about builds not seen here: low confidence, saying so.
  const APP = 'ARG from_tag=acme/base:slim\nFROM $from_tag\nCOPY . /app\n';
  const BUILD_BASE = 'FROM alpine:3.20\n';
  const flow = (step: string) =>
    `on: push\nenv:\n  BASE: acme/base\njobs:\n  b:\n    runs-on: x\n    steps:\n      - id: base\n${step}`;
  it.each([
    [
      'a Bake target gives it a build context of its own',
      {
        'docker-bake.hcl':
          'target "base" {\n  context = "base"\n}\ntarget "app" {\n  context = "app"\n  args = { "from_tag" = "from" }\n  contexts = { from = "target:base" }\n}\n',
      },
      'low',
    ],
    [
      'a Bake target gives it a context named by a template',
      {
        'docker-bake.hcl':
          'variable "ARCH" {\n  default = "amd64"\n}\ntarget "app" {\n  context = "app"\n  args = { from_tag = "from" }\n  contexts = { from = "target:base-${ARCH}" }\n}\n',
      },
      'low',
    ],
    [
      'a Bake target inherits a pinned build argument',
      {
        'docker-bake.hcl':
          'target "common" {\n  args = { from_tag = "acme/base:1.4.2" }\n}\ntarget "app" {\n  inherits = ["common"]\n  context = "app"\n}\n',
      },
      'low',
    ],
    [
      'a Bake target overrides it with another moving tag',
      {
        'docker-bake.hcl':
          'target "app" {\n  context = "app"\n  args = { from_tag = "acme/base:latest" }\n}\n',
      },
      null,
    ],
    [
      'a Bake target points its context at a moving image',
      {
        'docker-bake.hcl':
          'target "app" {\n  context = "app"\n  args = { from_tag = "from" }\n  contexts = { from = "docker-image://acme/base:edge" }\n}\n',
      },
      null,
    ],
    [
      'a script builds it too, with the defaults',
      {
        'docker-bake.hcl':
          'target "app" {\n  context = "app"\n  args = { from_tag = "from" }\n  contexts = { from = "target:base" }\n}\n',
        'hack/build.sh': '#!/bin/sh\ndocker build -t acme/app app\n',
      },
      null,
    ],
    [
      'a Bake target sets another argument only',
      { 'docker-bake.hcl': 'target "app" {\n  context = "app"\n  args = { VERSION = "1" }\n}\n' },
      null,
    ],
    [
      'a build-push-action fork passes the image it built, by digest',
      {
        '.github/workflows/build.yml': flow(
          '        uses: useblacksmith/build-push-action@v2\n        with: { file: base/Dockerfile, context: base, tags: "${{ env.BASE }}" }\n      - uses: docker/build-push-action@v6\n        with:\n          context: app\n          build-args: |\n            VERSION=1\n            from_tag=${{ env.BASE }}@${{ steps.base.outputs.digest }}\n',
        ),
      },
      'low',
    ],
    [
      'a script passes a pinned --build-arg',
      { Makefile: 'app:\n\tdocker build --build-arg from_tag=acme/base:1.4.2 -t acme/app app\n' },
      'low',
    ],
    [
      'a script passes a --build-arg of its own variable',
      { 'hack/build.sh': '#!/bin/sh\ndocker buildx build --build-arg "from_tag=$BASE" app\n' },
      'low',
    ],
    [
      'a script passes another --build-arg only',
      { 'hack/build.sh': '#!/bin/sh\ndocker build --build-arg VERSION=1 app\n' },
      null,
    ],
    [
      'a compose service passes a pinned build argument',
      {
        'compose.yaml':
          'services:\n  app:\n    build:\n      context: app\n      args:\n        from_tag: acme/base:1.4.2\n',
      },
      'low',
    ],
    [
      'a compose service names an additional context of its own',
      {
        'compose.yaml':
          'services:\n  app:\n    build:\n      context: app\n      args: [from_tag=base]\n      additional_contexts:\n        base: ./base\n',
      },
      'low',
    ],
    [
      'build-push-action passes a moving tag',
      {
        '.github/workflows/build.yml': flow(
          '        uses: docker/build-push-action@v6\n        with:\n          context: app\n          build-args: from_tag=${{ env.BASE }}:latest\n',
        ),
      },
      null,
    ],
  ])('FROM an ARG default when %s', async (_name, builds, confidence) => {
    const findings = await evaluate(
      dockerfileBaseImage,
      { ...builds, 'base/Dockerfile': BUILD_BASE, 'app/Dockerfile': APP },
      { unresolved: 'skip' },
    );
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([['app/Dockerfile:2:6', confidence]]);
    const note = 'Every build of this Dockerfile found here gives it another image (';
    if (confidence) expect(findings[0]!.message).toContain(note);
    else expect(findings[0]!.message).not.toContain(note);
  });

  // A build-push-action fork that tags the project's image from the workflow's env builds it here.
  it.each([
    ['useblacksmith/build-push-action@v2', '${{ env.BASE }}', 'low'],
    ['docker/build-push-action@v6', '"${{ env.BASE }}:1.0,${{ env.BASE }}"', 'low'],
    ['docker/build-push-action@v6', '${{ env.OTHER }}', null],
    ['acme/build-image@v1', '${{ env.BASE }}', null],
  ])('%s with tags %s builds the own image: confidence %s', async (uses, tags, confidence) => {
    const findings = await evaluate(
      dockerfileBaseImage,
      {
        '.github/workflows/build.yml': flow(
          `        uses: ${uses}\n        with:\n          file: base/Dockerfile\n          tags: ${tags}\n`,
        ),
        'base/Dockerfile': BUILD_BASE,
        'app/Dockerfile': 'FROM acme/base\nCOPY . /app\n',
      },
      { unresolved: 'skip' },
    );
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([['app/Dockerfile:1:6', confidence]]);
    if (confidence)
      expect(findings[0]!.message).toContain(
        'the repository builds and tags it itself (.github/workflows/build.yml:',
      );
  });

  // A container engine run through a variable builds the project's own image too; another tool's
  // `build` through a variable (no image tag, or a variable assigned that tool) does not.
  it.each([
    ['hack/build.sh', 'CONTAINER_RUNTIME=podman\n$CONTAINER_RUNTIME build -t acme/base images/base\n', 'low'],
    ['hack/build.sh', '#!/bin/sh\n"${ENGINE}" buildx build --tag acme/base images/base\n', 'low'],
    [
      'hack/build.sh',
      'export OCI="$(command -v docker)"\n$OCI build -f images/base/Dockerfile -t acme/base .\n',
      'low',
    ],
    ['Makefile', 'DOCKER ?= docker\nbase:\n\t$(DOCKER) build -t acme/base images/base\n', 'low'],
    ['Makefile', 'base:\n\t$(DOCKER) build -t acme/base:$(VERSION) images/base\n', 'low'],
    ['Makefile', 'GO ?= go\nbase:\n\t$(GO) build -t acme/base ./images/base\n', null],
    ['hack/build.sh', '#!/bin/sh\n$GO build -tags acme/base ./images/base\n', null],
    ['hack/build.sh', '#!/bin/sh\n$CARGO build --release\n', null],
    ['hack/build.sh', '#!/bin/sh\nTOOL=make\n$TOOL build -t acme/base images/base\n', null],
  ])(
    '%s: a build through a variable program tags the own image, or not (%j)',
    async (file, script, confidence) => {
      const files = {
        [file]: script,
        'images/base/Dockerfile': 'FROM alpine:3.20\nRUN apk add ca-certificates\n',
        'app/Dockerfile': 'FROM acme/base\nCOPY app /app\n',
      };
      const findings = await evaluate(dockerfileBaseImage, files, { unresolved: 'skip' });
      expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([
        ['app/Dockerfile:1:6', confidence],
      ]);
      if (confidence)
        expect(findings[0]!.message).toContain(`the repository builds and tags it itself (${file}:`);
    },
  );

  // A development environment's image changes a developer's workspace, not what the project ships;
  // the pinning rules share what marks one with dockerfile-root-user.
  it.each([
    ['.devcontainer/Dockerfile', 'FROM mcr.microsoft.com/devcontainers/go\n', 'low'],
    ['.codesandbox/Dockerfile', 'FROM node:lts\nRUN apt-get install -y xdg-utils\n', 'low'],
    ['ide/Dockerfile', 'FROM gitpod/workspace-full:latest\nRUN brew install x\n', 'low'],
    ['.devcontainer.old/Dockerfile', 'FROM node:lts\n', null],
    ['app/Dockerfile', 'FROM node:lts\nRUN npm ci\n', null],
  ])("%s: graded as a development environment's image, or not", async (file, text, confidence) => {
    const findings = await evaluate(dockerfileBaseImage, { [file]: text }, { unresolved: 'skip' });
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([[`${file}:1:6`, confidence]]);
    if (confidence) {
      expect(findings[0]!.message).toMatch(
        /Pin a version tag or a @sha256 digest \(.*development environment.*: a developer's workspace, not an image the project ships\)\.$/,
      );
    }
  });

  // A development or build-tool image, by its path, that no build of the repository publishes, is
  // graded as the digest rule grades it; a CI job's image, or one a build pushes, is not.
  it.each([
    ['Dockerfile.dev', {}, 'low'],
    ['docker/Dockerfile.make', {}, 'low'],
    ['scripts/Dockerfile', {}, 'low'],
    ['.ci/Dockerfile', {}, null],
    ['Dockerfile.ci', {}, null],
    ['app/Dockerfile', {}, null],
    [
      'Dockerfile.dev',
      { Makefile: 'push:\n\tdocker build --push -f Dockerfile.dev -t acme/app:dev .\n' },
      null,
    ],
  ])('%s: graded as a development or build-tool image, or not (%o)', async (file, others, confidence) => {
    const findings = await evaluate(
      dockerfileBaseImage,
      { ...others, [file]: 'FROM golang\nRUN go build ./...\n' },
      { unresolved: 'skip' },
    );
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([[`${file}:1:6`, confidence]]);
    if (confidence) {
      expect(findings[0]!.message).toMatch(
        /marks a development or build-tool image \((dev|make|scripts)\) that no build of the repository publishes: .*not one the project ships\)\.$/,
      );
    }
  });

  it('checks every Dockerfile naming convention and skips .dockerignore files', async () => {
    const files = {
      'a/Dockerfile': 'FROM a\n',
      'b/Dockerfile.dev': 'FROM b\n',
      'c/api.Dockerfile': 'FROM c\n',
      'd/web.dockerfile': 'FROM d\n',
      'e/Containerfile': 'FROM e\n',
      'f/Dockerfile.dockerignore': 'FROM f\n',
    };
    const findings = await evaluate(dockerfileBaseImage, files, { unresolved: 'skip' });
    expect(findings.map(at)).toEqual([
      'a/Dockerfile:1:6',
      'b/Dockerfile.dev:1:6',
      'c/api.Dockerfile:1:6',
      'd/web.dockerfile:1:6',
      'e/Containerfile:1:6',
    ]);
  });
});

describe('dockerfile.base-image: a stage no build runs', () => {
  // BuildKit builds the target and the stages it needs, nothing else: an image only a stage nobody
  // needs names is never pulled.
  const file = (use: string) => `FROM alpine AS fetch
RUN mkdir /src
FROM alpine:3.20 AS other
FROM ubuntu:24.04
${use}
`;
  it.each<[string, string, Record<string, string>, 'low' | null]>([
    ['needed by nothing', 'RUN true', {}, 'low'],
    ['copied from by name', 'COPY --from=fetch /src /src', {}, null],
    ['copied from by index', 'COPY --from=0 /src /src', {}, null],
    ['copied from with another flag first', 'COPY --chown=1000 --from=fetch /src /src', {}, null],
    ['mounted by a RUN', 'RUN --mount=type=bind,from=fetch,target=/src ls /src', {}, null],
    ['named by a variable', 'ARG FROM_STAGE=fetch\nCOPY --from=${FROM_STAGE} /src /src', {}, null],
    [
      'the target of a build',
      'RUN true',
      { 'build.sh': 'docker build --target fetch -t acme/src .\n' },
      null,
    ],
  ])('the untagged FROM of a stage %s: %s', async (_what, use, files, confidence) => {
    const findings = await evaluate(
      dockerfileBaseImage,
      { Dockerfile: file(use), ...files },
      { unresolved: 'skip' },
    );
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([['Dockerfile:1:6', confidence]]);
    if (confidence) {
      expect(findings[0]!.message).toContain(
        'no build found here builds the stage "fetch", and no stage that is built needs it',
      );
    }
  });

  it('follows FROM to the stages a built stage is made from', async () => {
    const findings = await evaluate(
      dockerfileBaseImage,
      { Dockerfile: 'FROM alpine AS base\nFROM base AS fetch\nFROM ubuntu:24.04\nCOPY --from=fetch / /x\n' },
      { unresolved: 'skip' },
    );
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([['Dockerfile:1:6', null]]);
  });
});
