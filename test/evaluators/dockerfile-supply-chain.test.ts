// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile `${VAR}` syntax is test data here.
import { afterAll, describe, expect, it } from 'vitest';
import { runEvaluator } from '../../src/core/evaluate-rule.js';
import { dockerfileAddUrl } from '../../src/core/evaluators/dockerfile/add-url.js';
import { dockerfileBaseImageDigest } from '../../src/core/evaluators/dockerfile/base-image-digest.js';
import { dockerfileExposedPorts, exposedPort } from '../../src/core/evaluators/dockerfile/exposed-ports.js';
import { dockerfileRunCommand, pipeToShell } from '../../src/core/evaluators/dockerfile/run-command.js';
import { dockerfileSecretEnv, isLiteralSecret } from '../../src/core/evaluators/dockerfile/secret-env.js';
import { unverifiedDownloads } from '../../src/core/evaluators/generic/shell-downloads.js';
import { leaks } from '../../src/core/evaluators/secrets/evaluator.js';
import { credentialInValue } from '../../src/core/evaluators/secrets/value-credential.js';
import { DEV_CONTAINER_IMAGE } from '../../src/core/parsers/devcontainer.js';
import { parseDockerfile, positionInRun } from '../../src/core/parsers/dockerfile.js';
import { scriptCommands } from '../../src/core/parsers/shell-commands.js';
import { loadRules } from '../../src/core/rules/load.js';
import { FocusedWorkspace } from '../../src/core/workspace/focus.js';
import { expectLinear } from '../helpers/linear.js';
import { at, evaluate, removeTrees, tree } from '../parsers/tree.js';

afterAll(removeTrees);

const DIGEST = `sha256:${'e'.repeat(64)}`;

/** A workflow that builds Dockerfile.dev and pushes it. */
const PUSH_DEV_WORKFLOW = [
  'on: push',
  'jobs:',
  '  image:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: actions/checkout@v4',
  '      - run: docker build -f Dockerfile.dev -t ghcr.io/acme/app:dev --push .',
  '',
].join('\n');

describe('Dockerfile scope (ARG and ENV per stage)', () => {
  it('sees a global ARG in a stage only once it is re-declared there', () => {
    const m = parseDockerfile(
      'Dockerfile',
      'ARG PORT=22\nFROM a:1\nEXPOSE ${PORT}\nARG PORT\nEXPOSE ${PORT}\nENV PORT=2222\nEXPOSE $PORT\n',
    );
    expect(m.stages[0]!.exposes.map((e) => e.resolved)).toEqual(['\u0000', '22', '2222']);
  });

  it('inherits ENV, not ARG, from the stage a FROM builds on', () => {
    const m = parseDockerfile(
      'Dockerfile',
      'FROM a:1 AS base\nARG P=1\nENV Q=22\nFROM base\nEXPOSE ${Q} ${P}\n',
    );
    expect(m.stages[1]!.exposes.map((e) => e.resolved)).toEqual(['22', '\u0000']);
  });

  it('reads multi-variable and legacy ENV with the line of each name', () => {
    const m = parseDockerfile(
      'Dockerfile',
      'FROM a:1\nENV A=1 \\\n    B="two words"\nENV LEGACY some value\n',
    );
    expect(m.stages[0]!.envs.map((e) => [e.name, e.value, e.at.line])).toEqual([
      ['A', '1', 2],
      ['B', 'two words', 3],
      ['LEGACY', 'some value', 4],
    ]);
  });

  it('maps an index of a joined RUN back to its physical line and column', () => {
    const m = parseDockerfile(
      'Dockerfile',
      'FROM a:1\nRUN apt-get update \\\n  # comment\n  && curl x | sh\n',
    );
    const run = m.stages[0]!.runs[0]!;
    const index = run.value.indexOf('curl');
    expect(positionInRun(m, run, index)).toEqual({ line: 4, column: 6 });
  });
});

describe('dockerfile.base-image-digest', () => {
  it('reports tagged images without a digest, resolving global ARGs, and leaves the rest alone', async () => {
    const findings = await evaluate(
      dockerfileBaseImageDigest,
      {
        Dockerfile: `ARG V=3.20\nFROM alpine:\${V} AS a\nFROM a\nFROM node:latest\nFROM scratch\nFROM python:3.12@${DIGEST}\nARG X\nFROM ruby:\${X}\n`,
      },
      {},
    );
    expect(findings.map(at)).toEqual(['Dockerfile:2:6']);
    expect(findings[0]!.message).toContain('"alpine:${V}" (with ARG defaults: "alpine:3.20")');
  });

  it('reports once the FROM lines that take the same image from the same ARG, and each FROM written out', async () => {
    const findings = await evaluate(
      dockerfileBaseImageDigest,
      {
        Dockerfile: [
          'ARG BUILD_FROM=ghcr.io/acme/base-python:3.14-alpine3.24',
          'FROM ${BUILD_FROM} AS deps',
          'RUN make deps',
          'FROM ${BUILD_FROM} AS build',
          'RUN make',
          'FROM alpine:3.24 AS tools',
          'FROM alpine:3.24 AS tools2',
          'FROM ${BUILD_FROM}',
          'COPY --from=build /out /app',
          '',
        ].join('\n'),
      },
      {},
    );
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([
      ['Dockerfile:2:6', null],
      ['Dockerfile:6:6', null],
      ['Dockerfile:7:6', null],
    ]);
    expect(findings[0]!.message).toBe(
      'Base image "${BUILD_FROM}" (with ARG defaults: "ghcr.io/acme/base-python:3.14-alpine3.24") is pinned by ' +
        'tag only: a tag can be re-pushed, so rebuilds may get a different image. Add its digest ' +
        '(`image:tag@sha256:...`) and let Dependabot or Renovate update it. The FROM lines 4 and 8 take the ' +
        'same image from the same ARG: this finding covers them, and pinning the ARG default pins them all.',
    );
    expect(findings[1]!.message).not.toContain('FROM line');
  });

  it('reports an image COPY --from copies out of, pinned by tag only, as it reports a FROM', async () => {
    const findings = await evaluate(
      dockerfileBaseImageDigest,
      {
        Dockerfile: [
          'ARG UV=0.5.1',
          `FROM python:3.12@${DIGEST} AS build`,
          'COPY --from=ghcr.io/astral-sh/uv:${UV} /uv /usr/local/bin/',
          `COPY --from=ghcr.io/astral-sh/uv:0.5.1@${DIGEST} /uvx /usr/local/bin/`,
          'COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/',
          `FROM python:3.12-slim@${DIGEST}`,
          'COPY --from=BUILD /app /app',
          'COPY --from=0 /app /app2',
          'COPY --from=my-tool:1 /bin/tool /bin/',
          'RUN --mount=type=bind,from=ghcr.io/acme/tools:1.4,target=/t /t/run',
          `RUN --mount=type=bind,from=ghcr.io/acme/tools:1.4@${DIGEST},target=/t /t/run`,
          '',
        ].join('\n'),
      },
      {},
    );
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([
      ['Dockerfile:3:13', null],
      ['Dockerfile:10:28', null],
    ]);
    expect(findings[1]!.message).toContain(
      'Image "ghcr.io/acme/tools:1.4", which a RUN --mount mounts, is pinned by tag only: a tag can be re-pushed, so rebuilds may mount different files.',
    );
    expect(findings[0]!.message).toBe(
      'Image "ghcr.io/astral-sh/uv:${UV}" (with ARG defaults: "ghcr.io/astral-sh/uv:0.5.1"), which COPY --from in stage ' +
        '"build" copies files out of, is pinned by tag only: a tag can be re-pushed, so rebuilds may copy different ' +
        'files. Add its digest (`image:tag@sha256:...`) and let Dependabot or Renovate update it.',
    );
  });

  it('leaves a tag that names no version to the unpinned rule, as it does latest', async () => {
    const findings = await evaluate(
      dockerfileBaseImageDigest,
      { Dockerfile: 'FROM docker:dind AS a\nFROM node:lts-alpine AS b\nFROM docker:27.3-dind\n' },
      {},
    );
    expect(findings.map(at)).toEqual(['Dockerfile:3:6']);
  });

  // Only official images are pulled under a name without registry or namespace: any other such name
  // is built or tagged locally and has no registry digest to add.
  it.each([
    ['rust-x86_64-unknown-linux-gnu:1.80', 'low'],
    ['docker.io/library/my-app:2', 'low'],
    ['node:22', undefined],
    ['library/node:22', undefined],
    ['docker.io/node:22', undefined],
    ['myorg/app:1', undefined],
    ['ghcr.io/x/y:1', undefined],
  ])('FROM %s: confidence %s', async (image, confidence) => {
    const dockerfile = `FROM ${image}\nRUN make install\n`;
    const findings = await evaluate(dockerfileBaseImageDigest, { Dockerfile: dockerfile }, {});
    expect(findings.map((f) => [at(f), f.confidence])).toEqual([['Dockerfile:1:6', confidence]]);
    if (confidence) expect(findings[0]!.message).toContain('no Docker Hub official image');
    else expect(findings[0]!.message).toContain('Add its digest');
  });

  it('grades a Dockerfile of one FROM line and nothing else low, with the reason', async () => {
    const files = {
      // A version pin that CI reads with awk and Dependabot updates: nothing is built from it.
      Dockerfile: '# The Go version CI uses.\nFROM golang:1.26.5\n',
      'build/Dockerfile': 'ARG GO=1.26.5\nFROM golang:${GO}\nLABEL purpose=build\n',
    };
    const findings = await evaluate(dockerfileBaseImageDigest, files, {});
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([
      ['Dockerfile:2:6', 'low'],
      ['build/Dockerfile:2:6', null],
    ]);
    expect(findings[0]!.message).toMatch(
      /update it \(the Dockerfile holds nothing but its FROM line: it builds the base image unchanged, .*Dependabot reads\)\.$/,
    );
  });

  it('grades low an image the repository builds and tags itself, and not an upstream one', async () => {
    const files = {
      '.github/workflows/base.yml': [
        'on: push',
        'jobs:',
        '  base:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: |',
        '          docker buildx build --platform linux/amd64,linux/arm64 \\',
        '            -f images/common/Dockerfile -t acme/photon:5.0 .',
        '',
      ].join('\n'),
      Makefile: 'base:\n\tdocker build -f images/builder/Dockerfile -t acme/tools:$(VERSION) .\n',
      'images/common/Dockerfile': 'FROM photon:5.0-20260214\nRUN tdnf update -y\n',
      'images/builder/Dockerfile': 'FROM golang:1.22\nRUN go install x\n',
      'core/Dockerfile.base': 'FROM acme/photon:5.0\nRUN tdnf install -y shadow\n',
      'ci/Dockerfile': 'FROM acme/tools:1.4\nRUN make\n',
      // Another namespace, or an official image a script happens to tag, is an upstream image.
      'web/Dockerfile': 'FROM acme/nginx:1.27\nRUN make\n',
    };
    const findings = await evaluate(dockerfileBaseImageDigest, files, {});
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([
      ['images/common/Dockerfile:1:6', null],
      ['images/builder/Dockerfile:1:6', null],
      ['core/Dockerfile.base:1:6', 'low'],
      ['ci/Dockerfile:1:6', 'low'],
      ['web/Dockerfile:1:6', null],
    ]);
    expect(findings[2]!.message).toBe(
      'Base image "acme/photon:5.0" is pinned by tag only, but the repository builds and tags it itself ' +
        "(.github/workflows/base.yml:7, from images/common/Dockerfile), so it is the project's own image, not a " +
        "third party's: its tag moves with each of those builds, and a digest pinned here would be stale after " +
        'the next. Pin by digest the base images of the Dockerfile it is built from.',
    );
    expect(findings[3]!.message).toContain('(Makefile:2, from images/builder/Dockerfile)');
    // A pull request's view of the changed Dockerfile alone still reads the whole tree's scripts.
    const rule = loadRules().find((r) => r.id === 'dockerfile-base-image-digest')!;
    const focused = await runEvaluator(rule, new FocusedWorkspace(tree(files), ['core/Dockerfile.base']), {
      of: () => [],
    });
    if (!('raw' in focused)) throw new Error(focused.error);
    expect(focused.raw.map((f) => [at(f), f.confidence])).toEqual([['core/Dockerfile.base:1:6', 'low']]);
    const official = await evaluate(
      dockerfileBaseImageDigest,
      { 'build.sh': 'docker build -t node:22 .\n', Dockerfile: 'FROM node:22\nRUN npm ci\n' },
      {},
    );
    expect(official.map((f) => f.confidence ?? null)).toEqual([null]);
  });

  // npm, yarn and pnpm run a package's scripts from its directory: a script that builds and tags an
  // image makes it the project's own, as a Makefile's or a workflow's does.
  it.each([
    ['docker buildx build -f docker/base.dockerfile -t acme/app:base2 .', 'low'],
    ['docker build --tag=acme/app:base2 -f docker/base.dockerfile .', 'low'],
    ['npm run lint && docker image build -t acme/app:base2 docker', 'low'],
    ['podman build -t acme/app:$npm_package_version -f docker/base.dockerfile .', 'low'],
    // Only run or pulled here: an upstream image.
    ['docker run --rm acme/app:base2 node -v', null],
    ['docker pull acme/app:base2', null],
  ])('a package.json script `%s`: the image it tags is graded %s', async (script, confidence) => {
    const files = {
      'package.json': JSON.stringify(
        { name: 'app', scripts: { test: 'vitest', 'build-docker-base': script } },
        null,
        2,
      ),
      'docker/base.dockerfile': `FROM node:22-slim@${DIGEST}\nRUN apt-get update\n`,
      'docker/Dockerfile': 'FROM acme/app:base2 AS release\nCOPY . /app\n',
    };
    const findings = await evaluate(dockerfileBaseImageDigest, files, {});
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([
      ['docker/Dockerfile:1:6', confidence],
    ]);
    if (confidence) expect(findings[0]!.message).toContain('builds and tags it itself (package.json:5');
  });

  it('reads the scripts of a package.json in a subdirectory from that directory', async () => {
    const files = {
      'web/package.json':
        '{\n  "scripts": {\n    "image": "docker build -t acme/web-base:1 -f base.Dockerfile ."\n  }\n}\n',
      'web/base.Dockerfile': 'FROM node:22-slim\nRUN npm i -g pnpm\n',
      'web/Dockerfile': 'FROM acme/web-base:1\nCOPY . /srv\n',
    };
    const findings = await evaluate(dockerfileBaseImageDigest, files, {});
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([
      ['web/base.Dockerfile:1:6', null],
      ['web/Dockerfile:1:6', 'low'],
    ]);
    expect(findings[1]!.message).toContain('(web/package.json:3, from web/base.Dockerfile)');
  });

  // A development environment's image (its path, or its final base image says so) changes a
  // developer's workspace, not what the project ships.
  it.each([
    [
      '.devcontainer/Dockerfile',
      'FROM golang:1.26\nRUN go install x@v1\n',
      'low',
      "its path, under .devcontainer/, marks a development environment's image",
    ],
    [
      '.codesandbox/Dockerfile',
      'FROM node:24-bullseye\nRUN apt-get install -y xdg-utils\n',
      'low',
      'under .codesandbox/,',
    ],
    ['.gitpod.Dockerfile', 'FROM node:24\nRUN npm i -g pnpm\n', 'low', 'its name, .gitpod.Dockerfile, marks'],
    [
      'tools/ide/Dockerfile',
      'FROM golang:1.26 AS go\nFROM mcr.microsoft.com/devcontainers/base:1-bookworm\nCOPY --from=go /usr/local/go /usr/local/go\n',
      'low',
      "its base image, mcr.microsoft.com/devcontainers/base:1-bookworm, is a cloud development environment's",
    ],
    [
      'ws/Dockerfile',
      'FROM acme/ide:2\nCOPY setup.sh /etc/workstation-startup.d/\n',
      'low',
      'as a Cloud Workstations image does',
    ],
    // Not a development environment's folder, nor a development base image: reported as any other.
    ['devcontainer/Dockerfile', 'FROM golang:1.26\nRUN go install x@v1\n', null, 'Add its digest'],
    [
      'app/Dockerfile',
      'FROM mcr.microsoft.com/devcontainers/base:1-bookworm AS ide\nFROM golang:1.26\nRUN make\n',
      null,
      'Add its digest',
    ],
  ])(
    "%s: its FROM lines are graded as a development environment's, or not",
    async (file, text, confidence, reason) => {
      const findings = await evaluate(dockerfileBaseImageDigest, { [file]: text }, {});
      expect(findings.length).toBeGreaterThan(0);
      for (const f of findings) {
        expect(f.confidence ?? null).toBe(confidence);
        expect(f.message).toContain(reason);
      }
      if (confidence) {
        expect(findings[0]!.message).toMatch(
          /update it \(.*: a developer's workspace, not an image the project ships\)\.$/,
        );
      }
    },
  );

  // The official-images program rebuilds an official image whenever its parent is updated and does
  // not accept a FROM pinned by digest: in its source repository, a tag is what is asked for.
  it.each([
    [
      'the library script',
      'Maintainers: Acme <docker@acme.example>\nGitRepo: https://example.com/acme/docker.git\n',
      'low',
    ],
    ['a script of that name without a library manifest', 'echo hello\n', null],
    ['no script', undefined, null],
  ])('FROM an official image, with %s at the root', async (_what, script, official) => {
    const files: Record<string, string> = {
      '3.1/Dockerfile':
        'FROM debian:trixie-slim AS build\nRUN make\nFROM acme/base:3.1\nCOPY --from=build /out /\n',
    };
    if (script !== undefined)
      files['generate-stackbrew-library.sh'] = `#!/usr/bin/env bash\ncat <<-EOH\n${script}EOH\n`;
    const findings = await evaluate(dockerfileBaseImageDigest, files, {});
    // An image that is no official image is pinned as anywhere else.
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([
      ['3.1/Dockerfile:1:6', official],
      ['3.1/Dockerfile:3:6', null],
    ]);
    if (official) {
      expect(findings[0]!.message).toMatch(
        /update it \(the repository is the source of a Docker Official Image, whose library manifest its generate-stackbrew-library.sh prints: .* does not accept a FROM pinned by digest\)\.$/,
      );
    }
  });

  it('grades an image whose name holds the version by its tag as a channel, latest included', async () => {
    const findings = await evaluate(
      dockerfileBaseImageDigest,
      {
        Dockerfile:
          'ARG DEBIAN_VERSION=13\nFROM gcr.io/distroless/static-debian${DEBIAN_VERSION}:latest AS build\n' +
          'FROM gcr.io/distroless/static:latest\n',
      },
      {},
    );
    // The second has no version anywhere: the unpinned rule reports it.
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([['Dockerfile:2:6', null]]);
  });

  // A Dockerfile whose path marks a development or build-tool image is graded as a development
  // stage is, unless a build of the repository publishes it; a CI job's image is not one.
  it.each([
    ['Dockerfile-tilt', {}, 'low'],
    ['web/Dockerfile.dev', {}, 'low'],
    ['dev.Dockerfile', {}, 'low'],
    ['docker/Dockerfile.make', {}, 'low'],
    ['scripts/Dockerfile', {}, 'low'],
    ['hack/tools/Dockerfile', {}, 'low'],
    ['Dockerfile.dev', { '.github/workflows/dev.yml': PUSH_DEV_WORKFLOW }, null],
    ['Dockerfile.devices', {}, null],
    ['Dockerfile.release', {}, null],
    ['Dockerfile.ci', {}, null],
    ['.ci/Dockerfile', {}, null],
    ['build/Dockerfile', {}, null],
  ])('%s: its FROM is graded by the path of the file (%o)', async (file, others, confidence) => {
    const findings = await evaluate(
      dockerfileBaseImageDigest,
      { ...others, [file]: 'FROM node:18-alpine\nCOPY . .\nCMD ["npx", "next", "dev"]\n' },
      {},
    );
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([[`${file}:1:6`, confidence]]);
    if (confidence) {
      expect(findings[0]!.message).toMatch(
        /update it \((its name, [^,]+,|its folder, [^,]+,) marks a development or build-tool image \((dev|tilt|make|scripts|hack)\) that no build of the repository publishes: .*not one the project ships\)\.$/,
      );
    }
  });

  it('grades low a development stage that no other stage is built on, with the reason', async () => {
    const findings = await evaluate(
      dockerfileBaseImageDigest,
      {
        Dockerfile: [
          'FROM golang:1.26 AS build',
          'RUN make',
          'FROM alpine:3.24 AS release',
          'COPY --from=build /out /bin',
          'FROM alpine:3.24 AS controller-dev',
          'COPY dist/controller /bin/controller',
          'FROM node:22 AS dev',
          'RUN npm ci',
          'FROM dev AS test',
          'RUN npm test',
          '',
        ].join('\n'),
      },
      {},
    );
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([
      ['Dockerfile:1:6', null],
      ['Dockerfile:3:6', null],
      ['Dockerfile:5:6', 'low'],
      // A development stage another stage builds on may reach what is shipped.
      ['Dockerfile:7:6', null],
    ]);
    expect(findings[2]!.message).toMatch(
      /update it \(the stage "controller-dev" is named as a development stage \(dev\) and no other stage is built FROM it: an image for a developer's loop \(Tilt, Skaffold\), not one the project ships\)\.$/,
    );
  });
});

describe('dockerfile.add-url', () => {
  it('judges sources after ARG substitution, honours --checksum and commit-pinned git', async () => {
    const findings = await evaluate(
      dockerfileAddUrl,
      {
        Dockerfile: [
          'FROM a:1',
          'ARG URL=https://example.dev/x.tgz',
          'ADD ${URL} /opt/',
          'ADD --checksum=sha256:abc https://example.dev/y.tgz /opt/',
          `ADD https://github.com/o/r.git#${'a'.repeat(40)} /src`,
          'ADD git@github.com:o/r.git#main /src',
          'ADD https://user:hunter2-secret@example.dev/z.tgz /opt/',
          'ADD local.tgz /opt/',
          'ARG V',
          'ADD https://example.dev/tool-v$V.jar /opt/',
        ].join('\n'),
      },
      {},
    );
    expect(findings.map(at)).toEqual([
      'Dockerfile:3:5',
      'Dockerfile:6:5',
      'Dockerfile:7:5',
      'Dockerfile:10:5',
    ]);
    // A variable without a value shows as `?`, never as an invisible character.
    expect(findings[3]!.message).toContain(
      'https://example.dev/tool-v?.jar (https://example.dev/tool-v$V.jar)',
    );
    expect(findings[0]!.message).toContain('https://example.dev/x.tgz (${URL})');
    expect(JSON.stringify(findings)).not.toContain('hunter2-secret');
  });

  const SHA = 'c0ffee'.padEnd(40, '1');
  it.each([
    [`https://github.com/o/r/raw/${SHA}/bin/tool.exe`, 'low'],
    [`https://raw.githubusercontent.com/o/r/${SHA}/install.sh`, 'low'],
    [`https://gitlab.com/g/sub/p/-/raw/${SHA}/tool`, 'low'],
    // A branch, a short commit, or a commit-looking part elsewhere in the URL keeps the grade.
    ['https://github.com/o/r/raw/main/bin/tool.exe', null],
    [`https://github.com/o/r/raw/${SHA.slice(0, 12)}/bin/tool.exe`, null],
    [`https://example.dev/${SHA}/tool`, null],
  ])('grades low a raw file of a Git host addressed by a full commit: %s', async (url, confidence) => {
    const findings = await evaluate(dockerfileAddUrl, { Dockerfile: `FROM a:1\nADD ${url} /bin/\n` }, {});
    expect(findings.map((f) => f.confidence ?? null)).toEqual([confidence]);
  });
});

describe('dockerfile.secret-env', () => {
  it.each([
    ['DB_PASSWORD', 'RjFKIjFpTE0w4Tbb', true],
    ['SECRET_KEY_BASE', 'a8f5f167f44f4964e6c998dee827110c', true],
    ['PASSWORD_FILE', '/run/secrets/db', false],
    ['TOKEN_TTL', '3600', false],
    ['PASSWORD_AUTH', 'false', false],
    ['GITHUB_TOKEN', '$GITHUB_TOKEN', false],
    ['API_KEY', 'changeme', false],
    ['DB_HOST', 'RjFKIjFpTE0w4Tbb', false],
  ])('%s=%s is a literal secret: %s', (name, value, expected) => {
    expect(isLiteralSecret(name, value)).toBe(expected);
  });

  it('reports ENV (at the line of the name) and ARG defaults, never the value', async () => {
    const findings = await evaluate(
      dockerfileSecretEnv,
      {
        Dockerfile:
          'ARG NPM_TOKEN=Wg5OG5f40WblYJZNg3Zp\nFROM a:1\nENV HOST=db \\\n    DB_PASSWORD=RjFKIjFpTE0w4Tbb\n',
      },
      {},
    );
    expect(findings.map(at)).toEqual(['Dockerfile:1:1', 'Dockerfile:4:5']);
    expect(findings[1]!.message).toMatch(/^ENV DB_PASSWORD sets a literal secret \(RjF… \(16 chars\)\)/);
    expect(JSON.stringify(findings)).not.toContain('RjFKIjFp');
    expect(JSON.stringify(findings)).not.toContain('Wg5OG5f4');
  });

  // `ONBUILD ENV` is kept in the image's configuration as a trigger, and every image built from it
  // sets the variable: the literal is readable by whoever pulls either. It sets nothing in this stage.
  it('reports an ENV of an ONBUILD trigger at the line of the name, and nothing for one of a reference', async () => {
    const findings = await evaluate(
      dockerfileSecretEnv,
      {
        Dockerfile:
          'FROM a:1\nONBUILD ENV HOST=db \\\n    DB_PASSWORD=RjFKIjFpTE0w4Tbb\nONBUILD ENV API_TOKEN=$API_TOKEN\nONBUILD RUN echo DB_PASSWORD=x\n',
      },
      {},
    );
    expect(findings.map(at)).toEqual(['Dockerfile:3:5']);
    expect(findings[0]!.message).toMatch(/^ENV DB_PASSWORD sets a literal secret \(RjF… \(16 chars\)\)/);
  });

  // What the secret detectors take for a stand-in: a build argument's default that the build
  // replaces, a well-known default password, a phrase.
  it('grades low a value of words or one that names itself, with the reason; a random value stays', async () => {
    const findings = await evaluate(
      dockerfileSecretEnv,
      {
        Dockerfile: [
          'FROM a:1',
          'ARG appPassword="default"',
          'ENV POSTGRES_PASSWORD=postgres',
          'ENV DEMO_PASSWORD="This is it"',
          'ENV ADMIN_TOKEN=my-secret-token',
          'ENV DB_PASSWORD=RjFKIjFpTE0w4Tbb',
          '',
        ].join('\n'),
      },
      {},
    );
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([
      ['Dockerfile:2:1', 'low'],
      ['Dockerfile:3:5', 'low'],
      ['Dockerfile:4:5', 'low'],
      ['Dockerfile:5:5', 'low'],
      ['Dockerfile:6:5', null],
    ]);
    expect(findings[0]!.message).toBe(
      'ARG appPassword sets a literal secret (… (7 chars)), which is stored in the image build history for ' +
        'anyone who can pull the image. Pass it with a build secret (`RUN --mount=type=secret`) or at run time. ' +
        '(the value is a word, a phrase of words or names itself, as stand-ins and default passwords do: likely ' +
        "a default that the build or the deployment replaces, and no one's secret.)",
    );
    expect(findings[4]!.message).not.toContain('stand-ins');
  });

  // A finding is the instruction, the name and a keyed hash of the value: another secret under the
  // same name is a new finding on a pull request, the same one moved is not.
  const A = 'Aq3Lm9Xz7Pw2Rt5Vk8Nb4Hs6';
  const B = 'Mf6Ty1Ug8Ie3Ro5Pa2Sd9Gh4';
  it.each([
    ['another value under the same name', `ENV SERVICE_TOKEN=${A}`, `ENV SERVICE_TOKEN=${B}`, false],
    ['another ARG default', `ARG NPM_TOKEN=${A}`, `ARG NPM_TOKEN=${B}`, false],
    [
      'another password in a URL',
      'ENV DATABASE_URL=postgres://app:Kx7-Qm2-Vr9@db:5432/app',
      'ENV DATABASE_URL=postgres://app:Zq4-Wn8-Lp3@db:5432/app',
      false,
    ],
    ['the same value under another name', `ENV SERVICE_TOKEN=${A}`, `ENV API_TOKEN=${A}`, false],
    ['the same value set by ARG instead of ENV', `ENV SERVICE_TOKEN=${A}`, `ARG SERVICE_TOKEN=${A}`, false],
    [
      'the same value, moved down',
      `ENV SERVICE_TOKEN=${A}`,
      `LABEL a=b\nUSER 1000\nENV SERVICE_TOKEN=${A}`,
      true,
    ],
    ['the same value, quoted', `ENV SERVICE_TOKEN=${A}`, `ENV SERVICE_TOKEN="${A}"`, true],
  ])('%s: the same finding: %s', async (_what, before, after, same) => {
    const keys = [];
    for (const text of [before, after]) {
      const findings = await evaluate(dockerfileSecretEnv, { Dockerfile: `FROM a:1\n${text}\n` }, {});
      expect(findings).toHaveLength(1);
      keys.push(findings[0]!.key!);
    }
    expect(keys[1] === keys[0], keys.join(' / ')).toBe(same);
    // The key holds 20 bits of the value's keyed hash, never a piece of the value.
    for (const key of keys)
      for (const value of [A, B, 'Kx7-Qm2-Vr9', 'Zq4-Wn8-Lp3']) expect(leaks(key, value)).toBe(false);
  });

  // Docker stores an ENV value with the ARG defaults and ENV values in force substituted: a literal
  // of the file routed through a variable of a plain name is reported at the ENV, naming where it is
  // written, under the key the literal would have there; a value the file does not give (an ARG
  // without a default, passed by `--build-arg`) is none.
  const S = 'Xk9vQ2mLp7RtZw4B';
  it.each([
    ['an ARG default', `FROM a:1\nARG P=${S}\nENV DB_PASSWORD=$P\n`, '3:5', 'line 2 (`ARG P`)'],
    ['another ENV', `FROM a:1\nENV V=${S}\nENV DB_PASSWORD=\${V}\n`, '3:5', 'line 2 (`ENV V`)'],
    [
      'a global ARG re-declared',
      `ARG P=${S}\nFROM a:1\nARG P\nENV DB_PASSWORD=\${P}\n`,
      '4:5',
      'line 1 (`ARG P`)',
    ],
    [
      'two ARGs and an ENV of the stage built on',
      `FROM a:1 AS base\nARG A=Xk9vQ2m\nENV V=\${A}\nFROM base\nARG B=Lp7RtZw4B\nENV DB_PASSWORD=$V$B\n`,
      '6:5',
      'lines 2 (`ARG A`) and 5 (`ARG B`)',
    ],
  ])('reports a literal reaching ENV through %s, at the ENV', async (_what, text, where, written) => {
    const findings = await evaluate(dockerfileSecretEnv, { Dockerfile: text }, {});
    const direct = await evaluate(
      dockerfileSecretEnv,
      { Dockerfile: `FROM a:1\nENV DB_PASSWORD=${S}\n` },
      {},
    );
    expect(findings.map((f) => [at(f), f.message, f.key])).toEqual([
      [
        `Dockerfile:${where}`,
        `ENV DB_PASSWORD sets a literal secret (Xk9… (16 chars)), written at ${written}, which is stored in the image configuration for anyone who can pull the image. Pass it with a build secret (\`RUN --mount=type=secret\`) or at run time.`,
        direct[0]!.key,
      ],
    ]);
  });

  // A global ARG not declared again in the stage has no value there, as one without a default.
  it('reports a URL password routed through an ARG; not a value the build passes', async () => {
    const findings = await evaluate(
      dockerfileSecretEnv,
      {
        Dockerfile: [
          'ARG G=Xk9vQ2mLp7RtZw4B',
          'FROM a:1',
          'ARG NPM_TOKEN',
          'ARG U=postgres://app:Kx7-Qm2-Vr9@db.internal:5432/app',
          'ENV NPM_TOKEN=$NPM_TOKEN API_TOKEN=${G} DATABASE_URL=$U',
          '',
        ].join('\n'),
      },
      {},
    );
    expect(findings.map((f) => [at(f), f.message.slice(0, 60)])).toEqual([
      ['Dockerfile:4:1', 'ARG U sets a literal value holding a password in a postgres '],
      ['Dockerfile:5:41', 'ENV DATABASE_URL sets a literal value holding a password in '],
    ]);
  });
});

describe('credentials in values, whatever the name', () => {
  const key = (body: string) => `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----`;
  it.each([
    ['postgres://app:Kx7-Qm2-Vr9@db.internal:5432/app', 'a password in a postgres URL'],
    ['https://ci-bot:4Fz9Qw2Lx7RtPm3V@git.acme.io/repo.git', 'a password in a https URL'],
    [key('MIIEowIBAAKCAQEAx'.repeat(5)), 'a private key'],
    ['postgres://app:${DB_PASSWORD}@db/app', undefined],
    ['postgres://app:postgres@db/app', undefined],
    ['postgres://app:Kx7-Qm2-Vr9@localhost/app', undefined],
    ['redis://cache:6379/0', undefined],
    [key('...'), undefined],
    [
      '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJRTESMBAGA1UE\n-----END CERTIFICATE-----',
      undefined,
    ],
  ])('%s holds %s', (value, expected) => {
    expect(credentialInValue(value)).toBe(expected);
  });

  it('reports an ENV whose value carries a password under a neutral name, never the value', async () => {
    const findings = await evaluate(
      dockerfileSecretEnv,
      {
        Dockerfile:
          'FROM a:1\nENV DATABASE_URL=postgres://app:Kx7-Qm2-Vr9@db:5432/app CACHE_URL=redis://c:6379\n',
      },
      {},
    );
    expect(findings.map(at)).toEqual(['Dockerfile:2:5']);
    expect(findings[0]!.message).toContain('a literal value holding a password in a postgres URL');
    expect(JSON.stringify(findings)).not.toContain('Kx7-Qm2');
  });
});

describe('dockerfile.run-command', () => {
  it('finds downloads piped into a shell, in pipelines and substitutions', () => {
    const text = 'curl -fsSL x | sh; wget -qO- y | sudo -E bash -; curl z | tar xz; sh -c "$(curl -fsSL w)"';
    expect(pipeToShell(text).map((i) => text.slice(i, i + 4))).toEqual(['curl', 'wget', 'curl']);
    expect(pipeToShell('curl x || sh fallback.sh')).toEqual([]);
    expect(pipeToShell('curl -o f x && sha256sum -c f.sha | tee log')).toEqual([]);
  });

  it('reads the commands, not the text: flags and names in arguments, data and code passed with -c', () => {
    // An interpreter given its own code reads the download as data.
    expect(
      pipeToShell(`curl -s api | python3 -c 'import json,sys; print(json.load(sys.stdin)["v"])'`),
    ).toEqual([]);
    expect(pipeToShell('echo "curl x | sh"; grep -q curl log | sh -c true')).toEqual([]);
    const piped = 'X=$(curl -s a | sh) && curl -s b | tee /tmp/b.sh | bash -s -- --yes';
    expect(pipeToShell(piped)).toEqual([piped.indexOf('curl'), piped.indexOf('curl -s b')]);
    const substituted = 'sh -c "VERSION=$(curl -s v)"; bash <(wget -qO- i); eval "$(curl -s e)"';
    expect(pipeToShell(substituted)).toEqual([substituted.indexOf('wget'), substituted.indexOf('curl -s e')]);
  });

  it('reads exec-form RUNs, heredoc scripts, and leaves RUNs under a non-POSIX SHELL alone', async () => {
    const files = {
      Dockerfile: [
        'FROM a:1',
        'RUN ["sudo", "apt-get", "install", "-y", "x"]',
        'RUN <<EOF',
        'set -eux',
        'curl -fsSL https://get.example | sh',
        'EOF',
        'SHELL ["powershell", "-Command"]',
        'RUN iwr https://get.example/i.ps1 | sudo sh',
        'FROM a:1 AS next',
        'RUN sudo true',
      ].join('\n'),
    };
    const pipe = await evaluate(dockerfileRunCommand, files, { audit: 'pipe-to-shell' });
    const sudo = await evaluate(dockerfileRunCommand, files, { audit: 'sudo' });
    expect(pipe.map(at)).toEqual(['Dockerfile:5:1']);
    expect(sudo.map(at)).toEqual(['Dockerfile:2:6', 'Dockerfile:10:5']);
  });

  it('reports sudo once per RUN, and leaves development container images out with the reason', async () => {
    const run = 'RUN sudo mkdir /home/dev/.m2 && sudo chown dev:dev /home/dev/.m2';
    const files = {
      Dockerfile: `FROM a:1\n${run}\nRUN sudo true && curl -fsSL x | sh && curl -fsSL y | bash\n`,
      '.devcontainer/Dockerfile': `FROM a:1\n${run}\n`,
      // A variant named after a separator is a Dockerfile too.
      'Dockerfile-alpine': `FROM a:1\n${run}\n`,
    };
    const whole = tree(files);
    const rule = loadRules().find((r) => r.id === 'dockerfile-sudo')!;
    const o = await runEvaluator(rule, whole, { of: () => [] });
    if (!('raw' in o)) throw new Error(o.error);
    expect(o.raw.map(at)).toEqual(['Dockerfile:2:5', 'Dockerfile:3:5', 'Dockerfile-alpine:2:5']);
    expect((o.examined.leftOut ?? []).map((l) => [l.kind, l.files.map((i) => whole.files[i])])).toEqual([
      [DEV_CONTAINER_IMAGE.kind, ['.devcontainer/Dockerfile']],
    ]);
    // Root running a step as another user drops privileges: `sudo -u discourse`.
    const dropping = await evaluate(
      dockerfileRunCommand,
      {
        Dockerfile:
          'FROM a:1\nRUN sudo -u discourse bundle install && sudo --user=app make\nRUN sudo -u root make install\nRUN sudo -E -u 0 true\n',
      },
      { audit: 'sudo' },
    );
    expect(dropping.map(at)).toEqual(['Dockerfile:3:5', 'Dockerfile:4:5']);
    // Each piped download is its own finding.
    const pipe = await evaluate(dockerfileRunCommand, files, { audit: 'pipe-to-shell' });
    expect(pipe.map(at)).toEqual(['Dockerfile:3:18', 'Dockerfile:3:39']);
  });

  it.each([
    ['.devcontainer/Dockerfile', 'FROM debian:12', 'low'],
    ['docker/dev/Dockerfile', 'FROM mcr.microsoft.com/devcontainers/base:debian', 'low'],
    ['Dockerfile', 'FROM debian:12', null],
    ['build/Dockerfile', 'FROM debian:12', null],
  ])('a piped download in %s (%s): confidence %s', async (path, from, confidence) => {
    const pipe = await evaluate(
      dockerfileRunCommand,
      { [path]: `${from}\nRUN curl -sSL https://install.example.org | python3 -\n` },
      { audit: 'pipe-to-shell' },
    );
    expect(pipe.map((f) => [at(f), f.confidence ?? null])).toEqual([[`${path}:2:5`, confidence]]);
    if (confidence) expect(pipe[0]!.message).toMatch(/development environment's/);
  });

  it('is linear on hostile input', () => {
    expectLinear((scale) => {
      pipeToShell(`${'curl '.repeat(50_000 * scale)}|`);
      pipeToShell('curl a |'.repeat(25_000 * scale));
    });
  });

  it('reports each offending command on its own line inside a multi-line RUN', async () => {
    const files = {
      Dockerfile:
        'FROM a:1\nRUN apt-get update \\\n && sudo apt-get install -y curl \\\n && curl -fsSL x | bash\nRUN echo sudo\n',
    };
    const pipe = await evaluate(dockerfileRunCommand, files, { audit: 'pipe-to-shell' });
    const sudo = await evaluate(dockerfileRunCommand, files, { audit: 'sudo' });
    expect(pipe.map(at)).toEqual(['Dockerfile:4:5']);
    expect(sudo.map(at)).toEqual(['Dockerfile:3:5']);
  });
});

describe('dockerfile.run-command: download-unverified', () => {
  const U = 'https://github.com/example/tool/releases/download/v1.4.2';
  it.each([
    // [case, RUN lines after FROM, expected findings as line:column:severity]
    [
      'a download unpacked from its file',
      [`RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz && tar -xzf /tmp/t.tgz -C /usr/local/bin`],
      ['2:5:medium'],
    ],
    ['a download piped into tar', [`RUN wget -qO- ${U}/t.tgz | tar xz -C /usr/local/bin`], ['2:5:medium']],
    [
      'a binary made executable',
      [`RUN curl -L ${U}/t -o /usr/local/bin/t && chmod +x /usr/local/bin/t`],
      ['2:5:medium'],
    ],
    [
      'a package named after the URL',
      [`RUN curl -LO ${U}/t_amd64.deb && dpkg -i t_amd64.deb`],
      ['2:5:medium'],
    ],
    [
      'a package installed by apt from the folder',
      [`RUN wget ${U}/t.deb && apt-get install -y ./t.deb`],
      ['2:5:medium'],
    ],
    [
      'a download moved, then made executable',
      [`RUN curl -sSLo t ${U}/t && mv t /usr/bin/ && chmod 0755 /usr/bin/t`],
      ['2:5:medium'],
    ],
    [
      'a download used in a later RUN',
      [`RUN curl -fsSLo /opt/t.zip ${U}/t.zip`, 'RUN unzip /opt/t.zip -d /opt/t'],
      ['2:5:medium'],
    ],
    [
      'a download run by an interpreter',
      [`RUN curl -fsSLo get-pip.py ${U}/get-pip.py && python3 get-pip.py`],
      ['2:5:medium'],
    ],
    [
      'a download over plain HTTP',
      ['RUN wget -O /tmp/t.tgz http://example.org/t.tgz && tar xf /tmp/t.tgz'],
      ['2:5:high'],
    ],
    [
      'a checksum checked before use',
      [
        `RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz && echo "$SHA  /tmp/t.tgz" | sha256sum -c - && tar -xzf /tmp/t.tgz`,
      ],
      [],
    ],
    // sh goes on after a failed command unless it is chained with && or runs under set -e.
    [
      'a checksum whose failure the RUN goes on past',
      [
        `RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz && echo "$SHA  /tmp/t.tgz" | sha256sum -c - ; tar -xzf /tmp/t.tgz`,
      ],
      ['2:5:medium'],
    ],
    [
      'a checksum under set -e',
      [
        `RUN set -eux; curl -fsSLo /tmp/t.tgz ${U}/t.tgz; echo "$SHA  /tmp/t.tgz" | sha256sum -c -; tar -xzf /tmp/t.tgz`,
      ],
      [],
    ],
    [
      'a checksum under set -e given with other options (-Eeuo)',
      [
        `RUN set -Eeuo pipefail; curl -fsSLo /tmp/t.tgz ${U}/t.tgz; echo "$SHA  /tmp/t.tgz" | sha256sum -c -; tar -xzf /tmp/t.tgz`,
      ],
      [],
    ],
    // set -e does not end the RUN on a command that `||` follows, and set +e turns it off.
    [
      'a checksum under set -e whose failure `|| echo` lets pass',
      [
        `RUN set -e; curl -fsSLo /tmp/t.tgz ${U}/t.tgz; sha256sum -c t.sha256 || echo mismatch; tar -xzf /tmp/t.tgz`,
      ],
      ['2:13:medium'],
    ],
    [
      'a checksum after set +e',
      [`RUN set -e; set +e; curl -fsSLo /tmp/t.tgz ${U}/t.tgz; sha256sum -c t.sha256; tar -xzf /tmp/t.tgz`],
      ['2:21:medium'],
    ],
    [
      'a checksum that exits the RUN when it fails',
      [`RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz; sha256sum -c t.sha256 || exit 1; tar -xzf /tmp/t.tgz`],
      [],
    ],
    // A check whose alternative is a group or a subshell: `{ ...; exit 1; }` ends the RUN's shell;
    // `( ...; exit 1 )` fails in turn, which ends the RUN only when nothing but `&&` follows it.
    [
      'a digest compared in its own RUN, a subshell that exits on a mismatch, the use in the next',
      [
        `RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz`,
        'RUN want="$SHA" && got=$(sha256sum /tmp/t.tgz | cut -d\' \' -f1) && [ "$got" = "$want" ] || (echo "bad checksum" && exit 1)',
        'RUN tar -xzf /tmp/t.tgz -C /usr/local/bin',
      ],
      [],
    ],
    [
      'a digest compared in its own RUN, a group that exits on a mismatch',
      [
        `RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz`,
        'RUN actual=$(sha256sum /tmp/t.tgz | cut -d\' \' -f1); [ "$actual" = "$SHA" ] || { echo mismatch; exit 1; }',
        'RUN tar -xzf /tmp/t.tgz',
      ],
      [],
    ],
    [
      'a checksum whose failure exits from a group, the use after it',
      [
        `RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz; sha256sum -c t.sha256 || { echo bad >&2; exit 1; }; tar -xzf /tmp/t.tgz`,
      ],
      [],
    ],
    [
      'shasum -a 256 -c, a group that exits with another status',
      [`RUN curl -fsSLO ${U}/t.tgz; shasum -a 256 -c t.tgz.sha256 || { echo bad; exit 2; }; tar xzf t.tgz`],
      [],
    ],
    [
      'a heredoc script, its group over lines',
      [
        'RUN <<EOF',
        `curl -fsSLO ${U}/t.tgz`,
        'sha256sum -c t.tgz.sha256 || {',
        '  echo bad',
        '  exit 1',
        '}',
        'tar xzf t.tgz',
        'EOF',
      ],
      [],
    ],
    [
      'a heredoc script, its group only saying so',
      [
        'RUN <<EOF',
        `curl -fsSLO ${U}/t.tgz`,
        'sha256sum -c t.tgz.sha256 || {',
        '  echo bad',
        '}',
        'tar xzf t.tgz',
        'EOF',
      ],
      ['3:1:medium'],
    ],
    [
      'a signature check, a subshell that exits, then the use chained with &&',
      [
        `RUN curl -fsSLO ${U}/t.tgz && curl -fsSLO ${U}/t.tgz.asc; gpg --verify t.tgz.asc t.tgz || (echo bad signature; exit 1) && tar xzf t.tgz`,
      ],
      [],
    ],
    [
      'a subshell that exits before its last command, ending its RUN',
      [
        `RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz`,
        'RUN sha256sum -c t.sha256 || (echo bad; exit 1; echo unreachable)',
        'RUN tar -xzf /tmp/t.tgz',
      ],
      [],
    ],
    [
      'a checksum said good or bad, the subshell ending its RUN',
      [
        `RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz`,
        'RUN sha256sum -c t.sha256 && echo ok || ( echo bad; exit 1 )',
        'RUN tar -xzf /tmp/t.tgz',
      ],
      [],
    ],
    [
      'a group ending in false that ends its RUN',
      [
        `RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz`,
        'RUN sha256sum -c t.sha256 || { echo bad; false; }',
        'RUN tar -xzf /tmp/t.tgz',
      ],
      [],
    ],
    [
      'a group that only says the check failed',
      [
        `RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz; sha256sum -c t.sha256 || { echo "checksum mismatch"; }; tar -xzf /tmp/t.tgz`,
      ],
      ['2:5:medium'],
    ],
    [
      'a subshell that exits, the RUN going on after it',
      [
        `RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz; sha256sum -c t.sha256 || (echo bad; exit 1); tar -xzf /tmp/t.tgz`,
      ],
      ['2:5:medium'],
    ],
    [
      'a group ending in false, the RUN going on after it',
      [
        `RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz; sha256sum -c t.sha256 || { echo bad; false; }; tar -xzf /tmp/t.tgz`,
      ],
      ['2:5:medium'],
    ],
    [
      'a group whose exit runs only if echo fails',
      [
        `RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz; sha256sum -c t.sha256 || { echo bad || exit 1; }; tar -xzf /tmp/t.tgz`,
      ],
      ['2:5:medium'],
    ],
    [
      'a group that exits with success',
      [
        `RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz; sha256sum -c t.sha256 || { echo bad; exit 0; }; tar -xzf /tmp/t.tgz`,
      ],
      ['2:5:medium'],
    ],
    [
      'exit 0 after the check',
      [`RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz; sha256sum -c t.sha256 || exit 0; tar -xzf /tmp/t.tgz`],
      ['2:5:medium'],
    ],
    [
      'a checksum chained to the use, then other commands',
      [
        `RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz && sha256sum -c t.sha256 && tar -xzf /tmp/t.tgz; rm -f /tmp/t.tgz`,
      ],
      [],
    ],
    [
      'a checksum that ends its RUN, the use in the next',
      [
        `RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz; echo "$SHA  /tmp/t.tgz" | sha256sum -c -`,
        'RUN tar -xzf /tmp/t.tgz',
      ],
      [],
    ],
    [
      'a signature checked before use',
      [
        `RUN curl -fsSLO ${U}/t.tgz && curl -fsSLO ${U}/t.tgz.asc && gpg --verify t.tgz.asc t.tgz && tar xzf t.tgz`,
      ],
      [],
    ],
    [
      'a key piped into gpg',
      ['RUN curl -fsSL https://example.org/key.gpg | gpg --dearmor -o /usr/share/keyrings/x.gpg'],
      [],
    ],
    [
      'a download never unpacked, installed or run',
      [`RUN curl -fsSLo /srv/data.json ${U}/data.json && cat /srv/data.json`],
      [],
    ],
    ['a download piped into a shell (pipe-to-shell reports it)', [`RUN curl -fsSL ${U}/install.sh | sh`], []],
    ['a URL held in a variable', ['RUN curl -fsSLo /tmp/t.tgz "$URL" && tar xzf /tmp/t.tgz'], []],
    // A command named like a verifier that checks nothing, or checks another file.
    [
      'a digest only printed',
      ['RUN curl -fsSLo /tmp/t.tgz http://example.org/t.tgz && sha256sum /tmp/t.tgz && tar -xzf /tmp/t.tgz'],
      ['2:5:high'],
    ],
    [
      'gpg --version',
      ['RUN curl -fsSLo /tmp/t.tgz http://example.org/t.tgz && gpg --version && tar -xzf /tmp/t.tgz'],
      ['2:5:high'],
    ],
    [
      'a check of another file',
      [
        `RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz && echo "$SHA  /dev/null" | sha256sum -c - && tar -xzf /tmp/t.tgz`,
      ],
      ['2:5:medium'],
    ],
    // URLs written other ways: with no scheme (plain HTTP), from an ARG, an ENV or the RUN's own variable.
    [
      'curl given no scheme',
      ['RUN curl -fsSLo /tmp/t.tgz example.org/t.tgz && tar -xzf /tmp/t.tgz'],
      ['2:5:high'],
    ],
    [
      'wget given no scheme',
      ['RUN wget -qO /tmp/t.tgz example.org/t.tgz && tar -xzf /tmp/t.tgz'],
      ['2:5:high'],
    ],
    [
      'a URL from an ARG',
      ['ARG URL=http://example.org/t.tgz', 'RUN curl -fsSLo /tmp/t.tgz "$URL" && tar -xzf /tmp/t.tgz'],
      ['3:5:high'],
    ],
    [
      'a URL from an ENV',
      [`ENV TOOL_URL=${U}/t.tgz`, 'RUN curl -fsSLo /tmp/t.tgz "${TOOL_URL}" && tar -xzf /tmp/t.tgz'],
      ['3:5:medium'],
    ],
    [
      "a URL from the RUN's own variable",
      ['RUN URL=http://example.org/t.tgz && curl -fsSLo /tmp/t.tgz "$URL" && tar -xzf /tmp/t.tgz'],
      ['2:37:high'],
    ],
    // Uses written other ways: through a decompressor, to a file it writes, a glob, a recursive chmod.
    [
      'piped through gzip -d into tar',
      ['RUN curl -fsSL http://example.org/t.tgz | gzip -d | tar -x'],
      ['2:5:high'],
    ],
    [
      'decompressed to a file made executable',
      [`RUN curl -fsSL ${U}/t.gz | gunzip > /usr/local/bin/t && chmod +x /usr/local/bin/t`],
      ['2:5:medium'],
    ],
    [
      'made executable by a glob',
      [`RUN curl -fsSLo /usr/local/bin/t ${U}/t && chmod +x /usr/local/bin/*`],
      ['2:5:medium'],
    ],
    [
      'made executable by a recursive chmod',
      [`RUN curl -fsSLo /opt/t/bin/t ${U}/t && chmod -R 755 /opt/t`],
      ['2:5:medium'],
    ],
    [
      'a package installed by a glob',
      [`RUN curl -fsSLO ${U}/t_amd64.deb && dpkg -i ./*.deb`],
      ['2:5:medium'],
    ],
    // Real checks: a digest compared (in a test, through grep, through a variable), a checksum file
    // checked, signatures verified.
    [
      'a digest compared in a test',
      [
        `RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz && [ "$(sha256sum /tmp/t.tgz | cut -d' ' -f1)" = "$SHA" ] && tar xzf /tmp/t.tgz`,
      ],
      [],
    ],
    [
      'a digest piped into grep',
      [
        `RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz && sha256sum /tmp/t.tgz | cut -c1-64 | grep -qx "$SHA" && tar xzf /tmp/t.tgz`,
      ],
      [],
    ],
    [
      'a digest compared through a variable',
      [
        `RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz && ACTUAL=$(sha256sum /tmp/t.tgz | cut -c1-64) && [ "$ACTUAL" = "$SHA" ] && tar xzf /tmp/t.tgz`,
      ],
      [],
    ],
    [
      'a checksum file checked',
      [`RUN curl -fsSLO ${U}/t.tgz && sha256sum -c t.tgz.sha256 && tar xzf t.tgz`],
      [],
    ],
    [
      'a signed checksum list checked',
      [
        `RUN curl -fsSLO ${U}/t.tgz && gpg --batch --verify SHA256SUMS.asc SHA256SUMS && grep t.tgz SHA256SUMS | sha256sum -c - && tar xzf t.tgz`,
      ],
      [],
    ],
    [
      'a blob verified by cosign',
      [`RUN curl -fsSLO ${U}/t && cosign verify-blob --bundle t.bundle t && chmod +x t`],
      [],
    ],
    ['an ARG with no value', ['ARG URL', 'RUN curl -fsSLo /tmp/t.tgz "$URL" && tar -xzf /tmp/t.tgz'], []],
  ])('%s', async (_case, runs, expected) => {
    const findings = await evaluate(
      dockerfileRunCommand,
      { Dockerfile: ['FROM debian:12-slim', ...runs, ''].join('\n') },
      { audit: 'download-unverified' },
    );
    expect(
      findings.map((f) => `${f.location!.startLine}:${f.location!.startColumn}:${f.severity ?? 'medium'}`),
    ).toEqual(expected);
  });

  it.each([
    ['.devcontainer/Dockerfile', 'low'],
    ['Dockerfile', null],
  ])('a download installed unverified in %s: confidence %s', async (path, confidence) => {
    const found = await evaluate(
      dockerfileRunCommand,
      { [path]: `FROM debian:12\nRUN curl -fsSLo /tmp/gh.deb ${U}/gh.deb && dpkg -i /tmp/gh.deb\n` },
      { audit: 'download-unverified' },
    );
    expect(found.map((f) => [at(f), f.confidence ?? null])).toEqual([[`${path}:2:5`, confidence]]);
    if (confidence) expect(found[0]!.message).toMatch(/development environment's/);
  });

  it('names the file, or the host when the URL is built by commands', async () => {
    const findings = await evaluate(
      dockerfileRunCommand,
      {
        Dockerfile: [
          'FROM a:1',
          `RUN curl -fsSLo /tmp/t.tgz ${U}/t.tgz && tar -xzf /tmp/t.tgz`,
          `RUN curl -fsSL https://go.dev/dl/go$(awk '/^go / { print $2 }' go.mod).linux-amd64.tar.gz | tar xz -C /usr/local`,
          '',
        ].join('\n'),
      },
      { audit: 'download-unverified' },
    );
    expect(findings.map((f) => f.message.split(' with ')[0])).toEqual([
      'RUN downloads `/tmp/t.tgz` and unpacks it',
      'RUN downloads a file from go.dev and unpacks it',
    ]);
  });

  it('is linear on hostile input', () => {
    expectLinear((scale) => {
      // Downloads that later commands name, and one file downloaded again and again.
      const named = Array.from({ length: 400 * scale }, (_, i) => `curl -o f${i} ${U}/f && echo f${i}`);
      unverifiedDownloads([scriptCommands(named.join(' && '))]);
      unverifiedDownloads([
        scriptCommands(`${`curl -o f ${U}/f && chmod +x g && `.repeat(800 * scale)}true`),
      ]);
    });
  });
});

describe('dockerfile.exposed-ports', () => {
  it('recognises ports with protocols and ranges', () => {
    const ssh = new Set([22]);
    expect(exposedPort('22', ssh)).toBe(22);
    expect(exposedPort('22/tcp', ssh)).toBe(22);
    expect(exposedPort('20-25/udp', ssh)).toBe(22);
    expect(exposedPort('2222', ssh)).toBeUndefined();
    expect(exposedPort('80', ssh)).toBeUndefined();
  });

  it('resolves ARG and ENV values and skips what stays unknown', async () => {
    const findings = await evaluate(
      dockerfileExposedPorts,
      { Dockerfile: 'FROM a:1\nARG SSH=22\nARG OTHER\nEXPOSE 80 ${SSH}/tcp ${OTHER}\n' },
      { ports: [22] },
    );
    expect(findings.map(at)).toEqual(['Dockerfile:4:11']);
    expect(findings[0]!.message).toBe('EXPOSE 22/tcp (${SSH}/tcp) publishes port 22.');
  });
});
