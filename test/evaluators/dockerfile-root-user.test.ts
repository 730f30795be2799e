// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile `${VAR}` syntax is test data here.
import { afterAll, describe, expect, it } from 'vitest';
import { runEvaluator } from '../../src/core/evaluate-rule.js';
import {
  dockerfileRootUser,
  imageMatcher,
  NON_ROOT_IMAGES,
} from '../../src/core/evaluators/dockerfile/root-user.js';
import { DEV_CONTAINER_IMAGE } from '../../src/core/parsers/devcontainer.js';
import { DOCKERFILE_TEMPLATE } from '../../src/core/parsers/dockerfile.js';
import { loadRules } from '../../src/core/rules/load.js';
import { FocusedWorkspace } from '../../src/core/workspace/focus.js';
import type { Workspace } from '../../src/core/workspace/workspace.js';
import { at, evaluate, removeTrees, tree } from '../parsers/tree.js';

afterAll(removeTrees);

const run = (text: string, nonRootImages = NON_ROOT_IMAGES) =>
  evaluate(dockerfileRootUser, { Dockerfile: text }, { nonRootImages });

describe('dockerfile.root-user', () => {
  // The source repository of a Docker Official Image (its generate-stackbrew-library.sh prints the
  // library manifest) builds base images that others build FROM, or run with a user of their own.
  it.each([
    [
      'the library script',
      'Maintainers: Acme <docker@acme.example>\nGitRepo: https://example.com/acme/docker.git\n',
      'low',
    ],
    ['a script of that name without a library manifest', 'echo hello\n', 'medium'],
    ['no script', undefined, 'medium'],
  ])('an image that sets no USER, with %s at the root', async (_what, script, confidence) => {
    const files: Record<string, string> = {
      '3.12/slim/Dockerfile': 'FROM debian:trixie-slim\nRUN apt-get update\nCMD ["python3"]\n',
    };
    if (script !== undefined)
      files['generate-stackbrew-library.sh'] = `#!/usr/bin/env bash\ncat <<-EOH\n${script}EOH\n`;
    const findings = await evaluate(dockerfileRootUser, files, { nonRootImages: NON_ROOT_IMAGES });
    expect(findings.map((f) => [at(f), f.confidence ?? 'medium'])).toEqual([
      ['3.12/slim/Dockerfile:1:1', confidence],
    ]);
    if (confidence === 'low') {
      expect(findings[0]!.message).toMatch(
        /sets another default user \(the repository is the source of a Docker Official Image, .*: a base image that images built FROM it, or whoever runs it, give the user to run as\)\.$/,
      );
    }
  });

  it('trusts base images known to run as non-root, through stages and ARG defaults', async () => {
    expect(await run('FROM golang:1.22 AS build\nFROM gcr.io/distroless/static-debian12:nonroot\n')).toEqual(
      [],
    );
    expect(await run('ARG BASE=cgr.dev/chainguard/static:latest\nFROM ${BASE} AS base\nFROM base\n')).toEqual(
      [],
    );
    // The same images under a root tag, or a Chainguard image that runs as root, are still reported.
    expect((await run('FROM gcr.io/distroless/static-debian12:latest\n')).map(at)).toEqual([
      'Dockerfile:1:1',
    ]);
    expect((await run('FROM cgr.dev/chainguard/wolfi-base\n')).map(at)).toEqual(['Dockerfile:1:1']);
    // An explicit root USER is reported whatever the base.
    const explicit = await run('FROM gcr.io/distroless/base:nonroot\nUSER 0\n');
    expect(explicit.map((f) => [at(f), f.confidence])).toEqual([['Dockerfile:2:1', undefined]]);
    // Prometheus' image ends with USER nobody: a config layer on it runs as nobody, not root.
    expect(
      await run('FROM prom/prometheus:v2.53.0\nCOPY scrape.yml /etc/prometheus/prometheus.yml\n'),
    ).toEqual([]);
    expect(await run('FROM quay.io/prometheus/alertmanager:v0.27.0\n')).toEqual([]);
    // Users add their own images.
    expect(await run('FROM registry.acme.example/base/app:3.1\n', ['registry.acme.example/base/*'])).toEqual(
      [],
    );
  });

  it('reports a scratch image without a command at low confidence, as carrying files, and one with a command as running as root', async () => {
    const build =
      'FROM golang:1.24-alpine AS build\nRUN go build -o /out/bootstrap .\nFROM scratch AS files\nCOPY --from=build /out/bootstrap .\n';
    const exported = await run(build);
    expect(exported.map((f) => [at(f), f.confidence, f.message])).toEqual([
      [
        'Dockerfile:3:1',
        'low',
        'The final stage (FROM scratch) sets no USER and no CMD or ENTRYPOINT: if the image only carries files ' +
          '(exported with docker build --output, or copied into other images), nothing runs in it; a command run from it runs as root.',
      ],
    ]);
    // A command in the final stage, or in the scratch stage it is built on, runs as root: scratch has
    // no user of its own to fall back on. Medium all the same: AWS Lambda runs images as a user of its
    // own, and a WebAssembly runtime has none.
    expect(
      (await run(`${build}ENTRYPOINT ["/bootstrap"]\n`)).map((f) => [at(f), f.confidence, f.message]),
    ).toEqual([
      [
        'Dockerfile:3:1',
        'medium',
        'The final stage (FROM scratch) sets no USER: an image built from scratch has no default user, so its command runs as root (uid 0) unless what runs it sets a user.',
      ],
    ]);
    const onStage = await run(`${build}FROM files\n`.replace('COPY', 'CMD ["/bootstrap"]\nCOPY'));
    expect(onStage.map((f) => [f.confidence, f.message])).toEqual([
      [
        'medium',
        'The final stage (FROM files) sets no USER: an image built from scratch has no default user, so its command runs as root (uid 0) unless what runs it sets a user.',
      ],
    ]);
    // An image with its own command (a base image's CMD) is judged as before.
    expect((await run('FROM alpine:3.21\nCOPY app /app\n')).map((f) => f.confidence)).toEqual(['medium']);
  });

  it.each([
    // Every stage the variable can pick is a scratch stage of files: the image carries files.
    [
      'FROM golang:1.24 AS build\nRUN go build -o /out/tool .\nFROM scratch AS bin-unix\nCOPY --from=build /out/tool /\n' +
        'FROM bin-unix AS bin-linux\nFROM scratch AS bin-windows\nCOPY --from=build /out/tool /tool.exe\n' +
        'FROM bin-$TARGETOS AS bin\nFROM bin\n',
      'low',
    ],
    ['FROM scratch AS out-a\nCOPY a /\nFROM scratch AS out-b\nCOPY b /\nFROM out-${VARIANT}\n', 'low'],
    // One stage it can pick runs a command, or is on a base image, or none fits: judged as before.
    [
      'FROM scratch AS out-a\nCOPY a /\nENTRYPOINT ["/a"]\nFROM scratch AS out-b\nCOPY b /\nFROM out-${VARIANT}\n',
      'medium',
    ],
    ['FROM scratch AS out-a\nCOPY a /\nFROM alpine:3.21 AS out-b\nCOPY b /\nFROM out-${VARIANT}\n', 'medium'],
    ['FROM scratch AS out-a\nCOPY a /\nFROM bin-${VARIANT}\n', 'medium'],
  ])(
    'judges a final stage FROM a stage picked by a variable by every stage it can pick (%#)',
    async (text, confidence) => {
      expect((await run(text)).map((f) => f.confidence)).toEqual([confidence]);
    },
  );

  it('trusts AWS Lambda base images, whose functions Lambda runs as a least-privileged user', async () => {
    expect(
      await run(
        'FROM public.ecr.aws/lambda/python:3.13\nCOPY app.py ${LAMBDA_TASK_ROOT}\nCMD ["app.handler"]\n',
      ),
    ).toEqual([]);
    expect(await run(`FROM amazon/aws-lambda-nodejs:22@sha256:${'b'.repeat(64)}\nCOPY index.js .\n`)).toEqual(
      [],
    );
    // An image of the same publisher that is no Lambda base image is still judged.
    expect((await run('FROM public.ecr.aws/docker/library/node:22\n')).map(at)).toEqual(['Dockerfile:1:1']);
  });

  it('matches image patterns on registry, repository and tag, with exclusions', () => {
    const nonRoot = imageMatcher(NON_ROOT_IMAGES);
    expect(nonRoot(`gcr.io/distroless/java21-debian12:debug-nonroot@sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(nonRoot('mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled')).toBe(true);
    expect(nonRoot('bitnami/minideb:bookworm')).toBe(false);
    expect(nonRoot('node:22')).toBe(false);
    expect(nonRoot('nonroot/app:1')).toBe(false);
  });

  it('reports a final stage without USER at its FROM line', async () => {
    const findings = await run(
      'FROM golang:1.22 AS build\nUSER app\n\nFROM debian:12\nCOPY --from=build /x /x\n',
    );
    expect(findings.map(at)).toEqual(['Dockerfile:4:1']);
    expect(findings[0]!.location).toMatchObject({ endLine: 4, endColumn: 14 });
    expect(findings[0]!.message).toContain('final stage (FROM debian:12) sets no USER');
    expect(findings[0]!.key).toBe('no-user');
    // Without a USER the base image decides: a likely problem, not a certain one.
    expect(findings[0]!.confidence).toBe('medium');
  });

  it.each([
    ['root', 'USER root'],
    ['0', 'USER 0'],
    ['root with group', 'USER root:root'],
    ['0 with group', 'USER 0:1000'],
    ['lower-case keyword', 'user root'],
    ['quoted', 'USER "root"'],
  ])('reports a last USER of %s at that line', async (_name, line) => {
    const findings = await run(`FROM alpine:3\nUSER app\n${line}\nCMD ["sh"]\n`);
    expect(findings.map(at)).toEqual(['Dockerfile:3:1']);
    expect(findings[0]!.message).toContain('runs as root');
  });

  it.each([
    ['a non-root name', 'USER app'],
    ['a non-root uid', 'USER 10001:10001'],
    ['a name that only starts with root', 'USER rootless'],
    ['a variable', 'USER ${UID}'],
    ['a bare variable', 'USER $UID:0'],
  ])('passes %s', async (_name, line) => {
    expect(await run(`FROM alpine:3\nUSER root\n${line}\n`)).toEqual([]);
  });

  it('judges a USER named by a variable by its value in force there, and not without one', async () => {
    const arg = await run('FROM alpine:3\nARG RUN_AS=root\nUSER ${RUN_AS}\n');
    expect(arg.map(at)).toEqual(['Dockerfile:3:1']);
    expect(arg[0]!.message).toContain('its last USER is "${RUN_AS}", which is "root"');
    expect((await run('FROM alpine:3\nENV APP_UID=0\nUSER $APP_UID:$APP_UID\n')).map(at)).toEqual([
      'Dockerfile:3:1',
    ]);
    // A global ARG is not in scope inside a stage until it is declared there again.
    expect(await run('ARG RUN_AS=root\nFROM alpine:3\nUSER ${RUN_AS}\n')).toEqual([]);
    expect(await run('FROM alpine:3\nARG RUN_AS=app\nUSER ${RUN_AS}\n')).toEqual([]);
  });

  it('follows the final stage to the earlier stage it is built from', async () => {
    const inheritsApp = await run('FROM alpine:3 AS base\nUSER app\nFROM base\nRUN true\n');
    expect(inheritsApp).toEqual([]);
    const inheritsRoot = await run('FROM alpine:3 AS base\nUSER root\nFROM base AS mid\nFROM mid\n');
    expect(inheritsRoot.map(at)).toEqual(['Dockerfile:2:1']);
    expect(inheritsRoot[0]!.message).toContain('inherited from stage "base"');
    const viaArg = await run('ARG BASE=base\nFROM alpine:3 AS base\nUSER app\nFROM ${BASE}\n');
    expect(viaArg).toEqual([]);
    const noneInChain = await run('FROM alpine:3 AS base\nFROM base\n');
    expect(noneInChain.map(at)).toEqual(['Dockerfile:2:1']);
  });

  it('does not read USER lines inside a heredoc or an ONBUILD', async () => {
    const findings = await run('FROM alpine:3\nUSER app\nONBUILD USER root\nRUN <<EOF\nUSER root\nEOF\n');
    expect(findings).toEqual([]);
  });

  it('reports a Dockerfile of one FROM line and nothing else at low confidence, with the reason', async () => {
    const [pin] = await run('# The Go version CI uses.\nFROM golang:1.26.5\n');
    expect([at(pin!), pin!.confidence]).toEqual(['Dockerfile:2:1', 'low']);
    expect(pin!.message).toBe(
      'The final stage (FROM golang:1.26.5) sets no USER, so the container runs as root unless the base ' +
        'image sets another default user (the Dockerfile holds nothing but its FROM line: it builds the base ' +
        'image unchanged, and such a file is usually only a version pin that CI or Dependabot reads).',
    );
    // One instruction more, or a second stage, is an image of its own.
    for (const text of ['FROM golang:1.26.5\nWORKDIR /src\n', 'FROM golang:1.26.5 AS a\nFROM a\n']) {
      expect((await run(text)).map((f) => f.confidence)).toEqual(['medium']);
    }
  });

  it('grades low an image whose entrypoint drops root: an official image left to its entrypoint, or gosu installed', async () => {
    const graded = async (text: string) => {
      const [f] = await run(text);
      const note = f?.message.split('sets another default user')[1];
      return [f?.confidence, note === '.' ? null : note?.slice(2, -2)];
    };
    expect(
      await graded('FROM elasticsearch:5\nENV ES_JAVA_OPTS=-Xms1g\nCMD ["-E", "network.host=0.0.0.0"]\n'),
    ).toEqual(['low', "its base image's entrypoint starts as root and switches to its own user"]);
    expect(
      await graded(
        'FROM mcr.microsoft.com/dotnet/aspnet:10.0-alpine\nRUN apk add --no-cache gosu\nCOPY entrypoint.sh /\nENTRYPOINT ["/entrypoint.sh"]\n',
      ),
    ).toEqual([
      'low',
      'the image installs a tool (gosu, su-exec, setpriv) that an entrypoint uses to switch to another user at start',
    ]);
    expect((await graded('FROM lscr.io/linuxserver/webtop:ubuntu-kde\nRUN apt-get install -y x\n'))[0]).toBe(
      'low',
    );
    // An ENTRYPOINT of its own replaces the image's; nginx's master process stays root.
    expect(await graded('FROM postgres:17\nCOPY start.sh /\nENTRYPOINT ["/start.sh"]\n')).toEqual([
      'medium',
      null,
    ]);
    expect(await graded('FROM nginx:1.27\nCOPY site /usr/share/nginx/html\n')).toEqual(['medium', null]);
  });

  it('judges a USER root on a base that runs as root already like no USER line: an entrypoint may drop root', async () => {
    const graded = async (text: string) =>
      (await run(text)).map((f) => [at(f), f.confidence ?? null, f.message.split('"root"')[1]]);
    const FPM = 'FROM php:8.3-fpm-alpine3.24\nRUN apk add --no-cache su-exec\nCOPY start.sh /\n';
    expect(await graded(`${FPM}# hadolint ignore=DL3002\nUSER root\nENTRYPOINT ["/start.sh"]\n`)).toEqual([
      [
        'Dockerfile:5:1',
        'low',
        ' (on a base image that runs as root already, so it changes nothing; the image installs a tool (gosu, su-exec, setpriv) that an entrypoint uses to switch to another user at start).',
      ],
    ]);
    // Nothing that drops root; a USER root after another user's; a base that may set a user of its own.
    expect(await graded('FROM php:8.3-fpm-alpine3.24\nUSER root\nENTRYPOINT ["/start.sh"]\n')).toEqual([
      ['Dockerfile:2:1', null, '.'],
    ]);
    expect(await graded(`${FPM}USER www-data\nRUN true\nUSER root\n`)).toEqual([
      ['Dockerfile:6:1', null, '.'],
    ]);
    expect(await graded('FROM acme/php:8.3\nRUN apk add su-exec\nUSER root\n')).toEqual([
      ['Dockerfile:3:1', null, '.'],
    ]);
  });

  it('grades low a base image, with no command, that other Dockerfiles build on, and not one with a command', async () => {
    const CREATES = 'RUN tdnf install -y shadow && useradd -u 10000 app\n';
    const findings = await evaluate(
      dockerfileRootUser,
      {
        '.github/workflows/base.yml':
          'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker buildx build -f images/common/Dockerfile -t acme/photon:5.0 --push .\n',
        'images/common/Dockerfile': 'FROM photon:5.0-20260214\nRUN tdnf update -y\n',
        // Its name says it is a base; the image built on it switches to the user it creates.
        'core/Dockerfile.base': `FROM acme/photon:5.0\n${CREATES}`,
        'core/Dockerfile': 'ARG NS\nFROM ${NS}/core-base:1\nUSER app\nENTRYPOINT ["/core"]\n',
        // A base with a command of its own may be run itself; a user created and never switched to
        // in an image no other builds on is a forgotten USER line.
        'log/Dockerfile.base': `FROM acme/photon:5.0\n${CREATES}ENTRYPOINT ["/start.sh"]\n`,
        'app/Dockerfile': `FROM acme/photon:5.0\n${CREATES}`,
      },
      { nonRootImages: NON_ROOT_IMAGES },
    );
    expect(findings.map((f) => [at(f), f.confidence, f.message.split('default user')[1]])).toEqual([
      [
        'images/common/Dockerfile:1:1',
        'low',
        ' (it is a base image with no command of its own: the repository builds it as acme/photon:5.0, which core/Dockerfile.base is built FROM, and the images built on it decide the user they run as).',
      ],
      [
        'core/Dockerfile.base:1:1',
        'low',
        ' (its name marks a base image, with no command of its own: the images built on it decide the user they run as).',
      ],
      ['log/Dockerfile.base:1:1', 'medium', '.'],
      ['app/Dockerfile:1:1', 'medium', '.'],
    ]);
  });

  it('grades low an image the repository only builds to copy files out of, or runs only as a tool on the checkout', async () => {
    const BUILDER = 'ARG golang_image\nFROM ${golang_image}\nCOPY . /src\nRUN go build -o /out/adapter .\n';
    const TOOL =
      'FROM golang:1.27.0\nRUN go install x@v1\nCOPY entrypoint.sh /\nENTRYPOINT ["/entrypoint.sh"]\n';
    const findings = await evaluate(
      dockerfileRootUser,
      {
        'adapter/builder.sh':
          'cp Dockerfile.binary $TEMP\ndocker build -f $TEMP/Dockerfile.binary -t adapter-golang $TEMP\n' +
          'ID=$(docker create adapter-golang)\ndocker cp $ID:/out/adapter binary\ndocker rmi -f adapter-golang\n',
        'adapter/Dockerfile.binary': BUILDER,
        'proto/update.sh':
          '#!/bin/bash\ndocker build -t acme-protoc .\ndocker run --rm --volume "$(pwd):$(pwd)" --workdir "$(pwd)" acme-protoc\n',
        'proto/Dockerfile': TOOL,
        // Started, pushed, or run without the checkout: not only a builder or a tool.
        'server/build.sh':
          'docker build -f Dockerfile.binary -t server-golang .\ndocker create server-golang\ndocker run -d server-golang\n',
        'server/Dockerfile.binary': BUILDER,
        'lint/run.sh':
          'docker build -t acme/lint .\ndocker run --rm -v "$PWD:/src" acme/lint\ndocker push acme/lint\n',
        'lint/Dockerfile': TOOL,
        'gen/run.sh': 'docker build -t acme-gen .\ndocker run --rm -v data:/data acme-gen\n',
        'gen/Dockerfile': TOOL,
      },
      { nonRootImages: NON_ROOT_IMAGES },
    );
    expect(findings.map((f) => [at(f), f.confidence, f.message.split('default user')[1]])).toEqual([
      [
        'adapter/Dockerfile.binary:2:1',
        'low',
        " (the repository's build (adapter/builder.sh) only creates a container of it to copy the files it built out (docker create): a builder image that no container is started from).",
      ],
      [
        'proto/Dockerfile:1:1',
        'low',
        " (the repository's script proto/update.sh builds it and runs it only as a throw-away tool on the checkout (docker run --rm with the working directory mounted), not as a deployed service).",
      ],
      ['server/Dockerfile.binary:2:1', 'medium', '.'],
      ['lint/Dockerfile:1:1', 'medium', '.'],
      ['gen/Dockerfile:1:1', 'medium', '.'],
    ]);
  });

  // A throw-away tool image needs no checkout mounted: a `--rm` run in the foreground with no port
  // published, no restart policy and no volume but the working directory (a filter fed on stdin) is
  // as throw-away. Engine variables and stored commands assigned in a script the running script
  // sources (or that the script sourcing it sources first) are followed, one level.
  const FILTER =
    'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y jq\nENTRYPOINT ["jq"]\n';
  const STDIN = (source: string) =>
    ` (the repository's script ${source} builds it and runs it only as a throw-away tool (docker run --rm in the foreground, with no port published, no restart policy and no volume but the working directory), not as a deployed service).`;
  const direct = (run: string) => ({
    'install/jq.sh': `docker build -t acme-jq-local jq
echo '{}' | docker run ${run} acme-jq-local .
`,
  });
  it.each<[string, Record<string, string>, string, string]>([
    ['a filter fed on stdin', direct('--rm -i'), 'low', STDIN('install/jq.sh')],
    ['a --rm run with no input', direct('--rm'), 'low', STDIN('install/jq.sh')],
    [
      'engine and commands assigned in a sourced script',
      {
        'install/_engine.sh': 'export ENGINE="docker"\ndbuild="$ENGINE build"\n',
        'install/run.sh':
          '#!/bin/bash\nsource install/_engine.sh\n$dbuild -t acme-jq-local jq\njq="$ENGINE run --rm -i acme-jq-local"\necho "{}" | $jq .\n',
      },
      'low',
      STDIN('install/run.sh'),
    ],
    [
      'engine assigned in a script sourced before it by the same install script',
      {
        'install.sh': 'source install/detect.sh\nsource install/filter.sh\n',
        'install/detect.sh': 'CONTAINER_ENGINE=docker\ndbuild="$CONTAINER_ENGINE build $proxy_args"\n',
        'install/filter.sh':
          '$dbuild -t acme-jq-local --platform="$PLATFORM" jq\njq="$CONTAINER_ENGINE run --rm -i acme-jq-local"\n$jq . < in.json\n',
      },
      'low',
      STDIN('install/filter.sh'),
    ],
    [
      'engine assigned nowhere',
      {
        'install/run.sh':
          '$dbuild -t acme-jq-local jq\njq="$ENGINE run --rm -i acme-jq-local"\necho "{}" | $jq .\n',
      },
      'medium',
      '.',
    ],
    ['detached', direct('--rm -d'), 'medium', '.'],
    ['detached, grouped flags', direct('--rm -dit'), 'medium', '.'],
    ['a published port', direct('--rm -i -p 8080:80'), 'medium', '.'],
    ['all ports published', direct('--rm -P'), 'medium', '.'],
    ["the host's network", direct('--rm --network host'), 'medium', '.'],
    ['a host folder mounted', direct('--rm -i -v /var/data:/data'), 'medium', '.'],
    ['not removed', direct('-i'), 'medium', '.'],
  ])('a tool image run as %s', async (_name, scripts, confidence, why) => {
    const findings = await evaluate(
      dockerfileRootUser,
      { 'jq/Dockerfile': FILTER, ...scripts },
      { nonRootImages: NON_ROOT_IMAGES },
    );
    expect(
      findings.map((f) => [at(f), f.confidence ?? 'medium', f.message.split('default user')[1]]),
    ).toEqual([['jq/Dockerfile:1:1', confidence, why]]);
  });

  // A one-shot package builder (its command copies what it built into a VOLUME it declares), an
  // image built only by a CI check that keeps nothing, and Windows Nano Server (ContainerUser).
  const OUTPUT =
    ' (its command ends by copying what it built into a volume it declares (/output), and then exits: a one-shot builder whose output the host collects from the mounted volume, not a deployed service).';
  const CHECK =
    ' (the repository only builds it as a check (.github/workflows/check.yml: push and load off, no tags), which keeps no image to run or publish).';
  const CHECK_STEP = (extra: string) =>
    `on: pull_request\njobs:\n  c:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          file: ./images/Dockerfile.check\n          push: false\n${extra}`;
  const BUILD = 'FROM debian:12\nRUN apt-get update && apt-get install -y make\nCOPY . /src\nWORKDIR /src\n';
  it.each<{ name: string; files: Record<string, string>; expected: string[][] }>([
    {
      name: 'a package builder copying into its volume (exec form)',
      files: {
        Dockerfile: `${BUILD}VOLUME [ "/output" ]\nCMD [ "/bin/bash", "-c", "make -j 4 && cpack -G DEB && cp *.deb /output/" ]\n`,
      },
      expected: [['Dockerfile:1:1', 'low', OUTPUT]],
    },
    {
      name: 'a package builder copying into its volume (shell form, a sub-folder)',
      files: { Dockerfile: `${BUILD}VOLUME /output\nCMD make && cp -r dist /output/pkg\n` },
      expected: [['Dockerfile:1:1', 'low', OUTPUT]],
    },
    {
      name: 'a server that copies into its volume first and then serves',
      files: { Dockerfile: `${BUILD}VOLUME /output\nCMD cp -r dist /output && ./server\n` },
      expected: [['Dockerfile:1:1', 'medium', '.']],
    },
    {
      name: 'a copy to a path that is no volume',
      files: { Dockerfile: `${BUILD}VOLUME /data\nCMD make && cp *.deb /output/\n` },
      expected: [['Dockerfile:1:1', 'medium', '.']],
    },
    {
      name: 'an entrypoint given the copy as arguments',
      files: { Dockerfile: `${BUILD}VOLUME /output\nENTRYPOINT ["/run.sh"]\nCMD ["cp", "a", "/output"]\n` },
      expected: [['Dockerfile:1:1', 'medium', '.']],
    },
    {
      name: 'an image built only by a CI check with push and load off',
      files: {
        'images/Dockerfile.check': `${BUILD}RUN make\n`,
        '.github/workflows/check.yml': CHECK_STEP('          load: false\n'),
      },
      expected: [['images/Dockerfile.check:1:1', 'low', CHECK]],
    },
    {
      name: 'an image a CI build loads',
      files: {
        'images/Dockerfile.check': `${BUILD}RUN make\n`,
        '.github/workflows/check.yml': CHECK_STEP('          load: true\n'),
      },
      expected: [['images/Dockerfile.check:1:1', 'medium', '.']],
    },
    {
      name: 'an image a CI build tags',
      files: {
        'images/Dockerfile.check': `${BUILD}RUN make\n`,
        '.github/workflows/check.yml': CHECK_STEP('          load: false\n          tags: acme/app:ci\n'),
      },
      expected: [['images/Dockerfile.check:1:1', 'medium', '.']],
    },
    {
      name: 'Windows Nano Server, through an ARG default',
      files: {
        Dockerfile:
          'ARG TYPE=nanoserver\nFROM mcr.microsoft.com/windows/servercore:ltsc2022 AS build\nFROM mcr.microsoft.com/windows/$TYPE:ltsc2022\nCOPY --from=build /app /app\nENTRYPOINT ["/app/app.exe"]\n',
      },
      expected: [],
    },
    {
      name: 'Windows Server Core, which runs as ContainerAdministrator',
      files: {
        Dockerfile:
          'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN setup.exe\nENTRYPOINT ["/app/app.exe"]\n',
      },
      expected: [['Dockerfile:1:1', 'medium', '.']],
    },
  ])('$name', async ({ files, expected }) => {
    const findings = await evaluate(dockerfileRootUser, files, { nonRootImages: NON_ROOT_IMAGES });
    expect(
      findings.map((f) => [at(f), f.confidence ?? 'medium', f.message.split('default user')[1]]),
    ).toEqual(expected);
  });

  // A builder image another Dockerfile only copies files out of (COPY --from, from the image or a
  // stage on it that nothing builds on): no container of it runs. Tagged by a package.json script.
  const BUILDER =
    ' (it is a builder image with no command of its own: the repository builds it as acme/app:builder, which docker/dockerfile only copies files out of with COPY --from, so no container of it runs as a service).';
  const BASE =
    ' (it is a base image with no command of its own: the repository builds it as acme/app:builder, which docker/dockerfile is built FROM, and the images built on it decide the user they run as).';
  it.each([
    [
      'a stage on it, copied from',
      'low',
      'FROM acme/app:builder AS health\nFROM node:22-slim\nCOPY --chown=node:node --from=health /out/health /app/\nUSER node\n',
      BUILDER,
    ],
    [
      'the image, copied from',
      'low',
      'FROM node:22-slim\nCOPY --from=acme/app:builder /out/health /app/\nUSER node\n',
      BUILDER,
    ],
    [
      'a stage on it that the final stage builds on',
      'low',
      'FROM acme/app:builder AS health\nFROM health\nCOPY --from=health /out/health /app/\n',
      BASE,
    ],
    [
      'the final stage',
      'low',
      'FROM node:22-slim AS web\nRUN npm ci\nFROM acme/app:builder\nCOPY --from=web /app /app\n',
      BASE,
    ],
    // A stage that nothing uses, as before: the Dockerfile is read as built FROM it.
    [
      'a stage on it that nothing uses',
      'low',
      'FROM acme/app:builder AS health\nFROM node:22-slim\nUSER node\n',
      BASE,
    ],
    ['no Dockerfile', 'medium', 'FROM node:22-slim\nUSER node\n', '.'],
  ])(
    'a builder image tagged by a package.json script, used in %s: graded %s',
    async (_use, confidence, consumer, note) => {
      const files = {
        'package.json': JSON.stringify({
          scripts: {
            'build-builder': 'docker buildx build -f docker/builder.dockerfile -t acme/app:builder --push .',
          },
        }),
        'docker/builder.dockerfile': 'FROM golang:1.22\nCOPY . /src\nRUN go build -o /out/health ./health\n',
        // BuildKit takes a lower-case `dockerfile` by default too.
        'docker/dockerfile': consumer,
      };
      const findings = await evaluate(dockerfileRootUser, files, { nonRootImages: NON_ROOT_IMAGES });
      expect(
        findings
          .filter((f) => f.location?.path === 'docker/builder.dockerfile')
          .map((f) => [at(f), f.confidence, f.message.split('default user')[1]]),
      ).toEqual([['docker/builder.dockerfile:1:1', confidence, note]]);
    },
  );

  it('grades a builder image with a command of its own as any other, though only copied from', async () => {
    const findings = await evaluate(
      dockerfileRootUser,
      {
        'build.sh': 'docker build -f builder.Dockerfile -t acme/builder:1 .\n',
        'builder.Dockerfile': 'FROM golang:1.22\nRUN go build -o /out/x .\nCMD ["/out/x"]\n',
        Dockerfile: 'FROM acme/builder:1 AS b\nFROM alpine:3.24\nCOPY --from=b /out/x /x\nUSER 10001\n',
      },
      { nonRootImages: NON_ROOT_IMAGES },
    );
    expect(findings.map((f) => [at(f), f.confidence])).toEqual([['builder.Dockerfile:1:1', 'medium']]);
  });

  it('grades low the image of a cloud development environment: its base, or its workstation startup scripts', async () => {
    const findings = await evaluate(
      dockerfileRootUser,
      {
        'workstation/Dockerfile':
          'FROM us-west1-docker.pkg.dev/cloud-workstations-images/predefined/base:latest\nRUN apt-get install -y code\n',
        'ws/Dockerfile':
          'FROM acme/ide:2\nCOPY 200_setup.sh /etc/workstation-startup.d/\nRUN chmod +x /etc/workstation-startup.d/*\n',
        'app/Dockerfile': 'FROM debian:bookworm\nRUN apt-get install -y nginx\nCMD ["nginx"]\n',
      },
      { nonRootImages: NON_ROOT_IMAGES },
    );
    expect(findings.map((f) => [at(f), f.confidence, f.message.split('default user')[1]])).toEqual([
      [
        'workstation/Dockerfile:1:1',
        'low',
        " (its base image, us-west1-docker.pkg.dev/cloud-workstations-images/predefined/base:latest, is a cloud development environment's: a developer's workspace, whose platform starts the session as a user of its own, not a deployed service).",
      ],
      [
        'ws/Dockerfile:1:1',
        'low',
        " (it installs startup scripts in /etc/workstation-startup.d, as a Cloud Workstations image does: a developer's workspace, whose platform starts the session as a user of its own, not a deployed service).",
      ],
      ['app/Dockerfile:1:1', 'medium', '.'],
    ]);
  });

  it('grades low an image whose path marks a development or build-tool image, with the reason', async () => {
    const IMAGE = 'FROM node:24-alpine\nRUN apk add --no-cache make gcc\nWORKDIR /build\n';
    const graded = await evaluate(
      dockerfileRootUser,
      {
        'tilt.dockerfile': IMAGE,
        'docker/Dockerfile.make': IMAGE,
        'hack/api-docs/Dockerfile': IMAGE,
        'scripts/release-analysis/Dockerfile': IMAGE,
        // CI configuration folders keep the images CI jobs run in.
        '.ci/image/Dockerfile': IMAGE,
        'ci/Dockerfile': IMAGE,
        '.gitlab/runner/Dockerfile': IMAGE,
        '.buildkite/Dockerfile': IMAGE,
        // A debug variant, the image a build publishes, an agent: deployed images.
        'k8s/app/Dockerfile.debug': IMAGE,
        'build/package/Dockerfile': IMAGE,
        'docker/Dockerfile.agent.alpine': IMAGE,
      },
      { nonRootImages: NON_ROOT_IMAGES },
    );
    const TOOLING = (mark: string) =>
      ` (its path marks a development or build-tool image (${mark}), run by developers or CI rather than deployed).`;
    expect(graded.map((f) => [at(f), f.confidence, f.message.split('default user')[1]])).toEqual([
      ['tilt.dockerfile:1:1', 'low', TOOLING('tilt')],
      ['docker/Dockerfile.make:1:1', 'low', TOOLING('make')],
      ['hack/api-docs/Dockerfile:1:1', 'low', TOOLING('hack/')],
      ['scripts/release-analysis/Dockerfile:1:1', 'low', TOOLING('scripts/')],
      ['.ci/image/Dockerfile:1:1', 'low', TOOLING('.ci/')],
      ['ci/Dockerfile:1:1', 'low', TOOLING('ci/')],
      ['.gitlab/runner/Dockerfile:1:1', 'low', TOOLING('.gitlab/')],
      ['.buildkite/Dockerfile:1:1', 'low', TOOLING('.buildkite/')],
      ['k8s/app/Dockerfile.debug:1:1', 'medium', '.'],
      ['build/package/Dockerfile:1:1', 'medium', '.'],
      ['docker/Dockerfile.agent.alpine:1:1', 'medium', '.'],
    ]);
  });

  it('grades low an image whose command is a bare shell: a toolbox or CI job image, not a service', async () => {
    const graded = async (text: string) =>
      (await run(text)).map((f) => [f.confidence, f.message.split('default user')[1]]);
    const TOOLBOX =
      ' (its command is a bare shell (bash): a toolbox or CI job image that people and jobs run commands in, not a service).';
    expect(await graded('FROM ubuntu:24.04\nRUN apt-get install -y sudo\nCMD ["bash"]\n')).toEqual([
      ['low', TOOLBOX],
    ]);
    expect(
      await graded(
        'FROM ubuntu:24.04\nCOPY entrypoint.sh /opt/\nENTRYPOINT ["/opt/entrypoint.sh"]\nCMD [ "bash" ]\n',
      ),
    ).toEqual([['low', TOOLBOX]]);
    expect((await graded('FROM alpine:3.21\nRUN apk add git\nCMD /bin/sh -l\n'))[0]![0]).toBe('low');
    // A shell that runs a server is a service.
    expect(await graded('FROM alpine:3.21\nCMD ["/bin/sh", "-c", "java -jar app.jar"]\n')).toEqual([
      ['medium', '.'],
    ]);
    // An image that sets no command keeps its base image's shell: when it only installs packages on a
    // distribution image, it is a toolbox too.
    expect(await graded('FROM alpine:3.21\nRUN set -ex; apk upgrade --no-cache -a\nLABEL a=b\n')).toEqual([
      [
        'low',
        ' (it sets no command, so it keeps the bare shell (sh) of its base image, alpine:3.21, and only installs packages: a toolbox or CI job image that people and jobs run commands in, not a service).',
      ],
    ]);
    expect(
      (await graded('FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y git\n'))[0]![0],
    ).toBe('low');
    // Files copied in, a RUN that builds or runs more than packages, or a base that is no distribution
    // image: whatever runs it names the command, perhaps a service's.
    for (const text of [
      'FROM alpine:3.21\nRUN apk add git\nCOPY app /app\n',
      'FROM alpine:3.21\nRUN apk add go && go build -o /app .\n',
      'FROM node:22\nRUN apt-get install -y git\n',
    ]) {
      expect(await graded(text)).toEqual([['medium', '.']]);
    }
    // An image that creates a user and never switches to it forgot its USER, whatever it is for.
    expect(
      await graded(
        'FROM ubuntu:24.04\nRUN useradd -m -u 2000 app\nRUN apt-get install -y gdb\nCMD ["/bin/bash"]\n',
      ),
    ).toEqual([['medium', '.']]);
  });

  it('grades low an image that only adds files and settings to a base image not known to run as root', async () => {
    const graded = async (text: string) =>
      (await run(text)).map((f) => [f.confidence, f.message.split('default user')[1]]);
    // An application image on a base (the repository's own, or a vendor's) that may set a user of its own.
    expect(
      await graded(
        'FROM acme/app:1.13.5\nENV PROFILE=web\nCOPY config/ /var/config/\nCMD ["java", "-jar", "app.jar"]\n',
      ),
    ).toEqual([
      [
        'low',
        " (it runs nothing in its base image, acme/app:1.13.5, which is not one known to run as root, and only adds files and settings: the user is the base image's).",
      ],
    ]);
    // An official or a distribution base runs as root; a RUN is work done as root in the image.
    for (const text of [
      'FROM node:22\nCOPY app /app\nCMD ["node", "/app/server.js"]\n',
      'FROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY app /app\nENTRYPOINT ["dotnet", "/app/app.dll"]\n',
      'FROM gcr.io/distroless/static-debian12\nCOPY app /app\nENTRYPOINT ["/app"]\n',
      'FROM acme/app:1.13.5\nRUN apt-get install -y curl\nCOPY config/ /var/config/\n',
    ]) {
      expect(await graded(text)).toEqual([['medium', '.']]);
    }
  });

  it('reports the final stage only, and skips files without a stage', async () => {
    expect(await run('FROM alpine:3 AS build\nUSER root\nFROM alpine:3\nUSER 1000\n')).toEqual([]);
    expect(await run('# empty\n')).toEqual([]);
  });
});

describe('dockerfile.root-user on development containers', () => {
  const rule = loadRules().find((r) => r.id === 'dockerfile-root-user')!;
  const NO_USER = 'FROM mcr.microsoft.com/devcontainers/base:ubuntu\nRUN apt-get update\n';
  const DEPLOYED = 'FROM node:22\nCMD ["node", "server.js"]\n';

  /** Findings as `path:line:column`, files left out by kind and reason, and the files examined. */
  const outcome = async (files: Record<string, string>, view?: (w: Workspace) => Workspace) => {
    const whole = tree(files);
    const o = await runEvaluator(rule, view ? view(whole) : whole, { of: () => [] });
    if (!('raw' in o)) throw new Error(o.error);
    return {
      found: o.raw.map(at),
      messages: o.raw.map((f) => f.message),
      leftOut: (o.examined.leftOut ?? []).map((l) => ({
        kind: l.kind,
        reason: l.reason,
        files: l.files.map((i) => whole.files[i]),
      })),
      examined: o.examined.files.map((i) => whole.files[i]),
    };
  };
  const leftOut = (...files: string[]) => [{ ...DEV_CONTAINER_IMAGE, files }];

  it('leaves out a Dockerfile under .devcontainer/, with its reason, without reading it', async () => {
    const got = await outcome({ '.devcontainer/Dockerfile': NO_USER, Dockerfile: DEPLOYED });
    expect(got.found).toEqual(['Dockerfile:1:1']);
    expect(got.leftOut).toEqual(leftOut('.devcontainer/Dockerfile'));
    expect(got.examined).toEqual(['Dockerfile']);
    expect(DEV_CONTAINER_IMAGE.kind).toBe('development container image');
  });

  it('leaves out Dockerfile templates, which a script renders into the Dockerfiles it builds', async () => {
    const template = 'FROM php:%%PHP_VERSION%%-%%VARIANT%%-bookworm\nRUN docker-php-ext-install gd\n';
    const got = await outcome({
      'Dockerfile-debian.template': template,
      'images/Dockerfile.j2': 'FROM {{ base_image }}\n',
      '31/apache/Dockerfile': DEPLOYED,
    });
    expect(got.found).toEqual(['31/apache/Dockerfile:1:1']);
    expect(got.leftOut).toEqual([
      { ...DOCKERFILE_TEMPLATE, files: ['Dockerfile-debian.template', 'images/Dockerfile.j2'] },
    ]);
  });

  // A frontend app's CodeSandbox environment, and Gitpod's, are developer workspaces too.
  it('leaves out the images of CodeSandbox and Gitpod environments, as it does dev containers', async () => {
    const got = await outcome({
      '.codesandbox/Dockerfile': NO_USER,
      '.gitpod.Dockerfile': NO_USER,
      'tools/.gitpod/Dockerfile': NO_USER,
      'codesandbox/Dockerfile': NO_USER,
      Dockerfile: DEPLOYED,
    });
    expect(got.found).toEqual(['codesandbox/Dockerfile:1:1', 'Dockerfile:1:1']);
    expect(got.leftOut).toEqual(
      leftOut('.codesandbox/Dockerfile', '.gitpod.Dockerfile', 'tools/.gitpod/Dockerfile'),
    );
  });

  it.each([
    [
      'builds the root Dockerfile',
      '.devcontainer/devcontainer.json',
      '{ "build": { "dockerfile": "../Dockerfile" } }',
    ],
    [
      'builds a stage of it',
      '.devcontainer/devcontainer.json',
      '{ "build": { "dockerfile": "../Dockerfile", "target": "dev" } }',
    ],
    ['is a .devcontainer.json beside it', '.devcontainer.json', '{ "dockerFile": "Dockerfile" }'],
  ])(
    'judges a Dockerfile outside .devcontainer/ when a devcontainer.json %s: the deployed image is often that one',
    async (_what, where, config) => {
      const got = await outcome({ [where]: config, Dockerfile: DEPLOYED });
      expect(got.found).toEqual(['Dockerfile:1:1']);
      expect(got.messages).toEqual([
        'The final stage (FROM node:22) sets no USER, so the container runs as root unless the base image sets another default user.',
      ]);
      expect(got.leftOut).toEqual([]);
    },
  );

  it('lets no pull request hide its own finding by pointing a devcontainer.json at the Dockerfile it changes', async () => {
    const files = {
      '.devcontainer/devcontainer.json': '{ "build": { "dockerfile": "../Dockerfile" } }',
      Dockerfile: DEPLOYED,
    };
    const pr = await outcome(
      files,
      (w) => new FocusedWorkspace(w, ['.devcontainer/devcontainer.json', 'Dockerfile']),
    );
    expect(pr.found).toEqual(['Dockerfile:1:1']);
    expect(pr.leftOut).toEqual([]);
  });
});

describe('dockerfile.root-user on the images of Docker container actions', () => {
  const rule = loadRules().find((r) => r.id === 'dockerfile-root-user')!;
  const IMAGE = 'FROM alpine:3.20\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n';
  const action = (image: string) => `name: Lint\nruns:\n  using: docker\n  image: '${image}'\n`;
  const outcome = async (files: Record<string, string>) => {
    const o = await runEvaluator(rule, tree(files), { of: () => [] });
    if (!('raw' in o)) throw new Error(o.error);
    return o.raw.map((f) => [at(f), f.confidence ?? 'medium', f.message]);
  };
  const NAMED =
    ' It is the image of a Docker container action (an action.yml names it): GitHub runs such actions as root and asks their Dockerfile not to set USER, so root is expected unless the image is deployed elsewhere too.';
  const BESIDE =
    ' It is likely the image of the Docker container action beside it (its action.yml pulls a prebuilt docker:// image): GitHub runs such actions as root and asks their Dockerfile not to set USER, so root is expected unless the image is deployed elsewhere too.';
  const NO_USER =
    'The final stage (FROM alpine:3.20) sets no USER, so the container runs as root unless the base image sets another default user.';

  it('reports the Dockerfile an action.yml runs with the reason, at the confidence of any other', async () => {
    expect(
      await outcome({
        'action.yml': action('Dockerfile'),
        Dockerfile: IMAGE,
        'docker/action.yaml': action('./scan.Dockerfile'),
        'docker/scan.Dockerfile': `${IMAGE}USER root\n`,
        // Another image of the repository is judged as before.
        'server/Dockerfile': IMAGE,
      }),
    ).toEqual([
      // Not lowered: an action.yml that a pull request adds beside a Dockerfile deployed elsewhere
      // would quiet that Dockerfile's finding.
      ['Dockerfile:1:1', 'medium', `${NO_USER}${NAMED}`],
      [
        'docker/scan.Dockerfile:4:1',
        'medium',
        `The final stage runs as root: its last USER is "root".${NAMED}`,
      ],
      ['server/Dockerfile:1:1', 'medium', NO_USER],
    ]);
  });

  it('reports the Dockerfile beside an action.yml that pulls a prebuilt image with the reason', async () => {
    expect(
      await outcome({
        'action.yml': action('docker://ghcr.io/acme/lint:v2.1.0'),
        Dockerfile: IMAGE,
        // Not beside it, or not the plain Dockerfile: nothing ties it to the action.
        'server/Dockerfile': IMAGE,
        'test.Dockerfile': IMAGE,
      }),
    ).toEqual([
      ['Dockerfile:1:1', 'medium', `${NO_USER}${BESIDE}`],
      ['server/Dockerfile:1:1', 'medium', NO_USER],
      ['test.Dockerfile:1:1', 'medium', NO_USER],
    ]);
  });

  it('grades low the image of a container action under .github/, where no deployed image lives', async () => {
    expect(
      await outcome({
        '.github/actions/notify/action.yml': action('Dockerfile'),
        '.github/actions/notify/Dockerfile': IMAGE,
        'action.yml': action('Dockerfile'),
        Dockerfile: IMAGE,
      }),
    ).toEqual([
      ['.github/actions/notify/Dockerfile:1:1', 'low', `${NO_USER}${NAMED}`],
      // At the root, an action.yml that a pull request adds beside a deployed Dockerfile would quiet it.
      ['Dockerfile:1:1', 'medium', `${NO_USER}${NAMED}`],
    ]);
  });

  it('judges a Dockerfile beside a JavaScript or composite action as before', async () => {
    expect(
      await outcome({
        'action.yml': 'name: x\nruns:\n  using: node24\n  main: dist/index.js\n',
        Dockerfile: IMAGE,
      }),
    ).toEqual([['Dockerfile:1:1', 'medium', NO_USER]]);
  });
});

describe('dockerfile.root-user on the stages the repository builds', () => {
  // A published stage that sets no USER, a rootless variant of it, and a last stage that only
  // exports files (FROM scratch): the image a plain build makes is not the one published.
  const DOCKERFILE =
    'FROM node:22 AS build\nRUN npm ci && npm run build\n' +
    'FROM node:22-slim AS release\nCOPY --from=build /app /app\nCMD ["node", "/app/server.js"]\n' +
    'FROM release AS rootless\nUSER node\n' +
    'FROM scratch AS upload-artifact\nCOPY --from=build /app/dist /dist\n';
  const workflow = (steps: string) =>
    `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
  const cli = (args: string) =>
    workflow(`      - run: docker buildx build -f docker/Dockerfile ${args} --push .\n`);
  const RELEASE = (how: string) =>
    `The stage "release" (FROM node:22-slim; built with ${how}) sets no USER, so the container runs as ` +
    'root unless the base image sets another default user.';
  const FILES_ONLY =
    'The final stage (FROM scratch) sets no USER and no CMD or ENTRYPOINT: if the image only carries ' +
    'files (exported with docker build --output, or copied into other images), nothing runs in it; a ' +
    'command run from it runs as root.';
  const RELEASE_AT = 'docker/Dockerfile:3:1';
  const LAST_AT = 'docker/Dockerfile:8:1';

  it.each<{ name: string; files: Record<string, string>; expected: [string, string, string, string][] }>([
    {
      name: 'a workflow building --target release: that stage, not the last',
      files: { '.github/workflows/release.yml': cli('--target release -t acme/app:2') },
      expected: [
        [
          RELEASE_AT,
          'stage:release:no-user',
          'medium',
          RELEASE('--target release by .github/workflows/release.yml'),
        ],
      ],
    },
    {
      name: 'a build-push-action step with target:',
      files: {
        '.github/workflows/release.yml': workflow(
          '      - uses: docker/build-push-action@v6\n        with:\n          file: docker/Dockerfile\n' +
            '          target: release\n          push: true\n          tags: acme/app:2\n',
        ),
      },
      expected: [
        [
          RELEASE_AT,
          'stage:release:no-user',
          'medium',
          RELEASE('target: release by .github/workflows/release.yml'),
        ],
      ],
    },
    {
      name: "a compose service's build.target",
      files: {
        'compose.yaml':
          'services:\n  app:\n    image: acme/app:2\n    build:\n      context: .\n      dockerfile: docker/Dockerfile\n      target: release\n',
      },
      expected: [
        [RELEASE_AT, 'stage:release:no-user', 'medium', RELEASE('build.target: release by compose.yaml')],
      ],
    },
    {
      name: "a Bake target's target, inherited",
      files: {
        'docker-bake.hcl':
          'target "_common" {\n  dockerfile = "docker/Dockerfile"\n  target = "release"\n}\n' +
          'target "app" {\n  inherits = ["_common"]\n  tags = ["acme/app:2"]\n}\n' +
          'target "rootless" {\n  inherits = ["_common"]\n  target = "rootless"\n}\n',
      },
      expected: [
        [RELEASE_AT, 'stage:release:no-user', 'medium', RELEASE('target = "release" by docker-bake.hcl')],
      ],
    },
    {
      name: 'a target and a build of none: both stages',
      files: {
        '.github/workflows/release.yml': cli('--target release -t acme/app:2'),
        Makefile: 'export:\n\tdocker build -f docker/Dockerfile -o dist .\n',
      },
      expected: [
        [
          RELEASE_AT,
          'stage:release:no-user',
          'medium',
          RELEASE('--target release by .github/workflows/release.yml'),
        ],
        [LAST_AT, 'no-user', 'low', FILES_ONLY],
      ],
    },
    {
      name: 'a target built for what its RUN steps check (no CMD or ENTRYPOINT): not run, not judged',
      files: {
        'docker-bake.hcl':
          'target "lint" {\n  dockerfile = "docker/Dockerfile"\n  target = "lint"\n  output = ["type=cacheonly"]\n}\n',
        'docker/Dockerfile': DOCKERFILE.replace(
          'FROM scratch AS upload-artifact',
          'FROM build AS lint\nRUN npm run lint\nFROM scratch AS upload-artifact',
        ),
      },
      expected: [],
    },
    {
      name: 'only targets that set a user: nothing',
      files: { '.github/workflows/release.yml': cli('--target rootless -t acme/app:2-rootless') },
      expected: [],
    },
    // A target not known keeps the last stage judged, as a pull request could write one.
    {
      name: 'a target that is a variable',
      files: { '.github/workflows/release.yml': cli('--target $TARGET -t acme/app:2') },
      expected: [[LAST_AT, 'no-user', 'low', FILES_ONLY]],
    },
    {
      name: 'a target that names no stage of the file',
      files: { '.github/workflows/release.yml': cli('--target relase -t acme/app:2') },
      expected: [[LAST_AT, 'no-user', 'low', FILES_ONLY]],
    },
    {
      name: 'a Bake target written with a variable',
      files: {
        'docker-bake.hcl':
          'variable "STAGE" {\n  default = "rootless"\n}\ntarget "app" {\n  dockerfile = "docker/Dockerfile"\n  target = "${STAGE}"\n}\n',
      },
      expected: [[LAST_AT, 'no-user', 'low', FILES_ONLY]],
    },
    {
      name: 'no build found: the last stage, as before',
      files: {},
      expected: [[LAST_AT, 'no-user', 'low', FILES_ONLY]],
    },
  ])('$name', async ({ files, expected }) => {
    const findings = await evaluate(
      dockerfileRootUser,
      { 'docker/Dockerfile': DOCKERFILE, ...files },
      { nonRootImages: NON_ROOT_IMAGES },
    );
    expect(findings.map((f) => [at(f), f.key, f.confidence ?? 'medium', f.message])).toEqual(expected);
  });

  it('judges a compose target with a default both as that stage and as the last', async () => {
    const findings = await evaluate(
      dockerfileRootUser,
      {
        'docker/Dockerfile': DOCKERFILE,
        'docker-compose.yml':
          'services:\n  app:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile\n      target: ${TARGET:-release}\n',
      },
      { nonRootImages: NON_ROOT_IMAGES },
    );
    expect(findings.map(at)).toEqual([RELEASE_AT, LAST_AT]);
    expect(findings[0]!.message).toContain('built with build.target: release by docker-compose.yml');
  });

  it('names the stage of a target that runs as root, and grades low a development stage', async () => {
    const findings = await evaluate(
      dockerfileRootUser,
      {
        Dockerfile:
          'FROM python:3.13 AS base\nUSER root\nFROM base AS worker\nCMD ["celery"]\n' +
          'FROM python:3.13 AS development\nCMD ["flask", "run"]\nFROM base AS web\nUSER 10001\n',
        'compose.yaml':
          'services:\n  web:\n    build: .\n  worker:\n    build: { context: ., target: worker }\n' +
          '  dev:\n    build: { context: ., target: development }\n',
      },
      { nonRootImages: NON_ROOT_IMAGES },
    );
    expect(findings.map((f) => [at(f), f.key, f.confidence ?? 'medium', f.message])).toEqual([
      [
        'Dockerfile:2:1',
        'stage:worker:user:root',
        'medium',
        'The stage "worker" (built with build.target: worker by compose.yaml) runs as root: its last USER is "root" (inherited from stage "base").',
      ],
      [
        'Dockerfile:5:1',
        'stage:development:no-user',
        'low',
        'The stage "development" (FROM python:3.13; built with build.target: development by compose.yaml) sets no USER, so the container runs as root unless the base image sets another default user (its name marks a development or test stage (development), which developers or CI run rather than deploy).',
      ],
    ]);
  });
});
