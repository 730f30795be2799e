// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile `${VAR}` syntax is test data here.
import { afterAll, describe, expect, it } from 'vitest';
import {
  boundedRegex,
  directoryMatches,
  normaliseDir,
  parseJsonish,
} from '../../src/core/evaluators/deps/update-config.js';
import { depsUpdateCoverage } from '../../src/core/evaluators/deps/update-coverage.js';
import { neutraliseTemplates } from '../../src/core/evaluators/deps/updatecli.js';
import { RecordingWorkspace } from '../../src/core/workspace/recording.js';
import { InputLog, touchedBy } from '../../src/core/workspace/scope.js';
import { at, cleanup, examinedBy, run, runBuiltin, workspaceOf } from './kit.js';

afterAll(cleanup);

const dependabot = (entries: string) => ({ '.github/dependabot.yml': `version: 2\nupdates:\n${entries}` });
const entry = (ecosystem: string, dirs: string) =>
  `  - package-ecosystem: ${ecosystem}\n    ${dirs}\n    schedule: { interval: weekly }\n`;
const pkg = (deps = '"a": "1.0.0"', extra = '') => `{ "name": "x"${extra}, "dependencies": { ${deps} } }`;

const coverage = (files: Record<string, string>) => run(depsUpdateCoverage, {}, files);

describe('Dependabot directories', () => {
  it('normalises repository-absolute directories', () => {
    expect(normaliseDir('/')).toBe('');
    expect(normaliseDir('/apps/web/')).toBe('apps/web');
    expect(normaliseDir('./tools')).toBe('tools');
  });

  it('matches exact directories and globs', () => {
    expect(directoryMatches('', '')).toBe(true);
    expect(directoryMatches('apps/*', 'apps/web')).toBe(true);
    expect(directoryMatches('apps/*', 'apps/web/sub')).toBe(false);
    expect(directoryMatches('**', '')).toBe(true);
    expect(directoryMatches('**', 'a/b/c')).toBe(true);
    expect(directoryMatches('apps', 'apps/web')).toBe(false);
  });
});

describe('deps.update-coverage', () => {
  it('reports nothing without any update configuration (dependency-update-tool does)', async () => {
    expect(await coverage({ 'package.json': pkg() })).toEqual([]);
  });

  it('reports each uncovered ecosystem and directory once, at its first manifest', async () => {
    const findings = await coverage({
      ...dependabot(entry('npm', 'directory: /')),
      'package.json': pkg(),
      'api/requirements.txt': 'flask==3.0.3\n',
      'api/requirements-dev.txt': 'pytest==8.3.3\n',
      'go.mod': 'module x\n\nrequire example.com/y v1.0.0\n',
    });
    expect(findings.map(at)).toEqual(['api/requirements.txt:1:-', 'go.mod:1:-']);
    expect(findings[0]!.message).toContain('has no `updates` entry with `package-ecosystem: pip`');
  });

  it('takes a pom.xml that names no dependency or plugin for no manifest of Maven', async () => {
    const findings = await coverage({
      ...dependabot(entry('npm', 'directory: /')),
      'package.json': pkg(),
      'misc/pom.xml': '<project><modules><module>a</module></modules></project>\n',
      'tools/pom.xml':
        '<project><build><plugins><plugin><artifactId>p</artifactId></plugin></plugins></build></project>\n',
    });
    expect(findings.map(at)).toEqual(['tools/pom.xml:1:-']);
  });

  it('takes a Pipfile that names no package for no manifest of pip', async () => {
    const findings = await coverage({
      ...dependabot(entry('npm', 'directory: /')),
      'package.json': pkg(),
      'api/urls/Pipfile': '',
      'tools/Pipfile': '[packages]\nrequests = "*"\n',
    });
    expect(findings.map(at)).toEqual(['tools/Pipfile:1:-']);
  });

  it('reports the uncovered members of a Cargo workspace once, at its root manifest', async () => {
    const crate = (n: string) => `[package]\nname = "${n}"\n\n[dependencies]\nbytes = "1"\n`;
    const findings = await coverage({
      ...dependabot(entry('github-actions', 'directory: /')),
      'Cargo.toml': '[workspace]\nmembers = ["net", "codec"]\n',
      'net/Cargo.toml': crate('net'),
      'codec/Cargo.toml': `${crate('codec')}wire = { path = "../libs/wire" }\n`,
      // A path dependency of a member inside the workspace: an implicit member, reported with them.
      'libs/wire/Cargo.toml': crate('wire'),
      // Not a member: an entry for the workspace root would not update it.
      'fuzz/Cargo.toml': crate('fuzz'),
    });
    expect(findings.map(at)).toEqual(['Cargo.toml:1:-', 'fuzz/Cargo.toml:1:-']);
    expect(findings[0]!.message).toMatch(
      /^3 manifests of the cargo workspace at the repository root \(codec\/Cargo\.toml, libs\/wire\/Cargo\.toml, net\/Cargo\.toml\)/,
    );
  });

  it('reports the projects of a Gradle build, and the modules of a Maven reactor, once, at their root', async () => {
    const gradle = "dependencies { implementation 'org.slf4j:slf4j-api:2.0.16' }\n";
    const pom = (extra = '') =>
      `<project><dependencies><dependency><artifactId>x</artifactId></dependency></dependencies>${extra}</project>\n`;
    const findings = await coverage({
      ...dependabot(entry('github-actions', 'directory: /')),
      'settings.gradle': "include 'core', 'starter:web'\n",
      'build.gradle': gradle,
      'core/build.gradle': gradle,
      'starter/web/build.gradle': gradle,
      // Below the root's settings too: the root's entry is taken to cover it, as coverage takes it.
      'tools/lint/build.gradle': gradle,
      'services/pom.xml': pom('<modules><module>api</module></modules>'),
      'services/api/pom.xml': pom(),
      // A pom.xml above no reactor: its own.
      'legacy/pom.xml': pom(),
    });
    expect(findings.map(at)).toEqual(['settings.gradle:1:-', 'services/pom.xml:1:-', 'legacy/pom.xml:1:-']);
    expect(findings[0]!.message).toMatch(
      /^4 manifests of the gradle workspace at the repository root \(core\/build\.gradle, settings\.gradle, starter\/web\/build\.gradle, tools\/lint\/build\.gradle\)/,
    );
    expect(findings[1]!.message).toMatch(/^2 manifests of the maven workspace at services /);
  });

  it('reports the uncovered members of a pub workspace once, at its root, and lets a root entry cover them', async () => {
    const pubspec = (n: string, extra = '') =>
      `name: ${n}\n${extra}environment:\n  sdk: ^3.6.0\ndependencies:\n  http: ^1.2.0\n`;
    const tree = {
      'pubspec.yaml': 'name: _\nenvironment:\n  sdk: ^3.6.0\nworkspace:\n  - app\n  - packages/*\n',
      'app/pubspec.yaml': pubspec('app', 'resolution: workspace\n'),
      'packages/isolates/pubspec.yaml': pubspec('isolates', 'resolution: workspace\n'),
      // Not a member: resolved on its own, so an entry for the workspace root does not update it.
      'tool/pubspec.yaml': pubspec('tool'),
    };
    const uncovered = await coverage({ ...dependabot(entry('github-actions', 'directory: /')), ...tree });
    expect(uncovered.map(at)).toEqual(['pubspec.yaml:1:-', 'tool/pubspec.yaml:1:-']);
    expect(uncovered[0]!.message).toMatch(
      /^2 manifests of the pub workspace at the repository root \(app\/pubspec\.yaml, packages\/isolates\/pubspec\.yaml\)/,
    );
    // Dependabot updates a pub workspace from its root only.
    const covered = await coverage({ ...dependabot(entry('pub', 'directory: /')), ...tree });
    expect(covered.map(at)).toEqual(['tool/pubspec.yaml:1:-']);
  });

  it('keeps the finding of a workspace whose members are all examples at one of them, graded as theirs', async () => {
    const crate = (n: string) => `[package]\nname = "${n}"\n\n[dependencies]\nbytes = "1"\n`;
    const findings = await coverage({
      ...dependabot(entry('github-actions', 'directory: /')),
      'Cargo.toml': '[workspace]\nmembers = ["examples/*"]\n',
      'examples/echo/Cargo.toml': crate('echo'),
      'examples/chat/Cargo.toml': crate('chat'),
    });
    expect(findings.map((f) => f.location?.path)).toEqual(['examples/chat/Cargo.toml']);
  });

  it('says which directories an ecosystem entry does list', async () => {
    const [f] = await coverage({
      ...dependabot(entry('pip', 'directories: ["/api"]')),
      'worker/requirements.txt': 'celery==5.4.0\n',
    });
    expect(f!.message).toContain('lists the directory "/worker" (it lists "/api")');
  });

  // Dependabot updates a project uv locks through its uv.lock with the `uv` ecosystem: that is the entry
  // a finding names first, beside or at the root of the uv workspace; a project without it names `pip`.
  it.each([
    [
      'a uv project, no Python entry',
      { 'svc/uv.lock': 'version = 1\n' },
      'has no `updates` entry with `package-ecosystem: uv` (the ecosystem that updates its uv.lock) or `pip`.',
    ],
    [
      'a member of a uv workspace, an entry for another directory',
      {
        'pyproject.toml': '[project]\nname = "root"\n\n[tool.uv.workspace]\nmembers = ["svc"]\n',
        'uv.lock': 'version = 1\n',
        ...dependabot(entry('uv', 'directory: /docs')),
      },
      'no `uv` or `pip` entry in .github/dependabot.yml lists the directory "/svc" (it lists "/docs")',
    ],
    ['a project without uv.lock', {}, 'has no `updates` entry with `package-ecosystem: pip`.'],
    [
      'a requirements file beside a uv.lock',
      {
        'svc/pyproject.toml': '[tool.ruff]\n',
        'svc/requirements.txt': 'httpx==0.28.1\n',
        'svc/uv.lock': 'version = 1\n',
      },
      'has no `updates` entry with `package-ecosystem: pip`.',
    ],
  ])('%s: names the ecosystem to add', async (_case, files: Record<string, string>, said) => {
    const found = await coverage({
      ...dependabot(entry('github-actions', 'directory: /')),
      'svc/pyproject.toml': '[project]\nname = "svc"\ndependencies = ["httpx"]\n',
      ...files,
    });
    expect(found.map((f) => f.message)).toEqual([expect.stringContaining(said)]);
  });

  it('lets npm and Cargo workspace roots cover their members, and Gradle/Maven roots their modules', async () => {
    const findings = await coverage({
      ...dependabot(
        `${entry('npm', 'directory: /')}${entry('cargo', 'directory: /')}${entry('gradle', 'directory: /')}`,
      ),
      'package.json': pkg('"a": "1.0.0"', ', "workspaces": ["packages/*"]'),
      'packages/ui/package.json': pkg(),
      'other/package.json': pkg(),
      'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n',
      'crates/cli/Cargo.toml': '[package]\nname = "cli"\n\n[dependencies]\nserde = "1"\n',
      'settings.gradle': 'include "app"\n',
      'app/build.gradle': 'dependencies { implementation "x:y:1" }\n',
    });
    expect(findings.map(at)).toEqual(['other/package.json:1:-']);
  });

  it('lets a uv entry cover its workspace members and a bun entry the npm manifests beside its lockfile', async () => {
    const findings = await coverage({
      ...dependabot(`${entry('uv', 'directory: /')}${entry('bun', 'directory: /')}`),
      'pyproject.toml': '[project]\nname = "mono"\n\n[tool.uv.workspace]\nmembers = ["svc"]\n',
      'svc/pyproject.toml': '[project]\nname = "svc"\ndependencies = ["httpx>=0.27"]\n',
      'package.json': pkg('"a": "1.0.0"', ', "workspaces": ["web"]'),
      'bun.lock': '{}\n',
      'web/package.json': pkg(),
      // No bun lockfile here nor at a workspace root of it: bun does not update this one.
      'tools/package.json': pkg(),
    });
    expect(findings.map(at)).toEqual(['tools/package.json:1:-']);
  });
  it('ignores manifests that declare nothing to update, and excluded paths', async () => {
    const findings = await coverage({
      ...dependabot(entry('github-actions', 'directory: /')),
      'package.json': '{ "name": "tooling", "scripts": { "x": "y" } }',
      'test/fixtures/app/package.json': pkg(),
      'vendor/lib/composer.json': '{ "require": { "a/b": "^1" } }',
      'requirements.txt': '# nothing yet\n',
    });
    expect(findings).toEqual([]);
  });

  it("reads a requirements file as pip's only when it is in pip's format", async () => {
    // An Electron app's macOS code-signing requirement (`codesign -r requirements.txt`) shares the name.
    const codesign = 'designated => anchor apple generic and certificate leaf[subject.OU] = ABCDE12345\n';
    const findings = await coverage({
      ...dependabot(entry('github-actions', 'directory: /')),
      'tools/certs/requirements.txt': codesign,
      'api/requirements.txt': [
        '# pinned by pip-compile',
        '--index-url https://pypi.org/simple',
        '-r base.txt',
        'Django>=4.2,<5  # LTS',
        'requests[socks] == 2.32.3 ; python_version >= "3.9" \\',
        '    --hash=sha256:00',
        'mylib @ git+https://github.com/acme/mylib@v1.2.0',
        'six',
        'https://files.example.org/wheels/tool-1.0-py3-none-any.whl',
        '',
      ].join('\n'),
    });
    expect(findings.map(at)).toEqual(['api/requirements.txt:1:-']);
  });

  it('treats a Renovate configuration as covering everything unless it is restricted', async () => {
    const base = {
      'package.json': pkg(),
      Dockerfile: 'FROM node:22\n',
      'go.mod': 'module x\nrequire y v1\n',
    };
    expect(await coverage({ ...base, 'renovate.json': '{ "extends": ["config:recommended"] }' })).toEqual([]);
    const restricted = await coverage({
      ...base,
      'renovate.json5': '{\n  // only Go and npm\n  enabledManagers: ["gomod", "npm"],\n}\n',
    });
    expect(restricted.map(at)).toEqual(['Dockerfile:1:-']);
    const disabled = await coverage({
      ...base,
      '.github/renovate.json': '{ "dockerfile": { "enabled": false } }',
    });
    expect(disabled.map(at)).toEqual(['Dockerfile:1:-']);
    expect(await coverage({ ...base, 'renovate.json': '{ "enabled": false }' })).toHaveLength(3);
  });

  it('reads a Renovate configuration written as JSONC (.jsonc), in each place Renovate looks', async () => {
    const base = { 'package.json': pkg(), Dockerfile: 'FROM node:22\n' };
    const only = '{\n  // npm only\n  "enabledManagers": ["npm"],\n}\n';
    for (const file of [
      'renovate.jsonc',
      '.github/renovate.jsonc',
      '.gitlab/renovate.jsonc',
      '.renovaterc.jsonc',
    ]) {
      const found = await coverage({ ...base, [file]: only });
      expect(
        found.map((f) => [at(f), f.confidence ?? 'rule']),
        file,
      ).toEqual([['Dockerfile:1:-', 'rule']]);
      expect(found[0]!.message, file).toContain(
        `the Renovate configuration (${file}) leaves its manager out`,
      );
    }
  });

  it('takes paths Renovate ignores as deliberate, including the presets defaults', async () => {
    const files = { 'examples/demo/package.json': pkg(), 'web/Dockerfile': 'FROM node:22\n' };
    const only = '"enabledManagers": ["npm"]';
    const preset = await coverage({
      ...files,
      'renovate.json': `{ "extends": ["config:recommended"], ${only} }`,
    });
    expect(preset.map(at)).toEqual(['web/Dockerfile:1:-']);
    const custom = await coverage({ ...files, 'renovate.json': `{ "ignorePaths": ["web/**"], ${only} }` });
    expect(custom.map(at)).toEqual([]);
  });

  it("counts the files an enabled custom manager reads as Renovate's, by regex or glob", async () => {
    const files = {
      Dockerfile: 'ARG BUILD_FROM=ghcr.io/acme/base:1.2\nFROM ${BUILD_FROM}\n',
      'tools/Dockerfile': 'FROM alpine:3.20\n',
      'go.mod': 'module x\nrequire y v1\n',
    };
    const manager = (fields: string) =>
      `{ "customType": "regex", ${fields}, "matchStrings": ["BUILD_FROM=(?<depName>[^:]+):(?<currentValue>\\\\S+)"], "datasourceTemplate": "docker" }`;
    const only = (managers: string, list: string) =>
      coverage({ ...files, 'renovate.json': `{ "enabledManagers": [${managers}], ${list} }` });
    const byRegex = await only(
      '"custom.regex", "gomod"',
      `"customManagers": [${manager('"fileMatch": ["^Dockerfile$"]')}]`,
    );
    expect(byRegex.map(at)).toEqual(['tools/Dockerfile:1:-']);
    const byGlob = await only(
      '"custom.regex", "gomod"',
      `"customManagers": [${manager('"managerFilePatterns": ["**/Dockerfile"]')}]`,
    );
    expect(byGlob.map(at)).toEqual([]);
    const slashed = await only(
      '"custom.regex", "gomod"',
      `"customManagers": [${manager('"managerFilePatterns": ["/(^|/)Dockerfile$/"]')}]`,
    );
    expect(slashed.map(at)).toEqual([]);
    // The older regexManagers, enabled by their older name.
    const legacy = await only(
      '"regex", "gomod"',
      `"regexManagers": [${manager('"fileMatch": ["Dockerfile$"]')}]`,
    );
    expect(legacy.map(at)).toEqual([]);
    // A custom manager left out of enabledManagers reads nothing.
    const off = await only('"gomod"', `"customManagers": [${manager('"fileMatch": ["Dockerfile$"]')}]`);
    expect(off.map(at)).toEqual(['Dockerfile:1:-', 'tools/Dockerfile:1:-']);
    // A pattern whose test could take long is not used.
    const slow = await only(
      '"custom.regex", "gomod"',
      `"customManagers": [${manager('"fileMatch": ["^(D+)+ockerfile$"]')}]`,
    );
    expect(slow.map(at)).toEqual(['Dockerfile:1:-', 'tools/Dockerfile:1:-']);
  });

  it("tests a configuration's regular expressions only when they take bounded time", () => {
    expect(boundedRegex('(^|/)Dockerfile$')?.test('a/Dockerfile')).toBe(true);
    expect(boundedRegex('\\.github/workflows/[^/]+\\.ya?ml$')?.test('.github/workflows/ci.yml')).toBe(true);
    for (const slow of [
      '(a+)+$',
      '(a*)*b',
      '((ab)+c)+',
      '(a|b+){2,}',
      '(x)\\1',
      'a'.repeat(201),
      '(unclosed',
    ])
      expect(boundedRegex(slow)).toBeUndefined();
    expect(boundedRegex('(ab)+c')).toBeInstanceOf(RegExp);
    expect(boundedRegex('[(+)]+x')).toBeInstanceOf(RegExp);
  });

  it("counts workflows as the actions' manifest only when they use something by a version", async () => {
    const wf = (uses: string) =>
      `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${uses}\n`;
    const renovate = {
      'renovate.json': '{ "enabledManagers": ["gomod"] }',
      'go.mod': 'module x\nrequire y v1\n',
    };
    const byBranch = await coverage({
      ...renovate,
      '.github/workflows/a.yml': wf('acme/shared/.github/actions/lint@main'),
      '.github/workflows/b.yml':
        'on: push\njobs:\n  b:\n    uses: acme/.github/.github/workflows/go.yml@main\n',
      '.github/workflows/c.yml': wf('./.github/actions/local'),
    });
    expect(byBranch).toEqual([]);
    for (const versioned of [
      'actions/checkout@v4',
      'acme/tool@1.2.0',
      'acme/tool@0123456789abcdef0123456789abcdef01234567',
      'docker://alpine:3.20',
    ]) {
      const found = await coverage({ ...renovate, '.github/workflows/a.yml': wf(versioned) });
      expect(found.map(at)).toEqual(['.github/workflows/a.yml:1:-']);
    }
  });

  it('takes a Dockerfile whose only image is a build argument without a default for no manifest', async () => {
    const files = {
      ...dependabot(entry('gomod', 'directory: /')),
      'go.mod': 'module x\nrequire y v1\n',
      'ssh/testcontainers/Dockerfile': 'ARG BASE\nFROM ${BASE}\nRUN true\n',
      'build/Dockerfile': 'ARG BASE=alpine:3.20\nFROM ${BASE}\n',
    };
    expect((await coverage(files)).map(at)).toEqual(['build/Dockerfile:1:-']);
  });

  it('takes a Dockerfile whose images name no version (latest, no tag, a channel) for no manifest', async () => {
    const files = {
      ...dependabot(entry('gomod', 'directory: /')),
      'go.mod': 'module x\nrequire y v1\n',
      'workstation/Dockerfile': 'FROM us-west1-docker.pkg.dev/images/predefined/base:latest\nRUN true\n',
      'untagged/Dockerfile': 'FROM alpine AS certs\nFROM certs\n',
      // The version is in the image's name; its channel tags give Dependabot nothing to bump.
      'distroless/Dockerfile':
        'ARG DEBIAN_VERSION=13\nFROM gcr.io/distroless/static-debian${DEBIAN_VERSION}:latest AS build\n' +
        'FROM gcr.io/distroless/static-debian${DEBIAN_VERSION}:nonroot\n',
      'distroless/Dockerfile.debug': 'FROM gcr.io/distroless/static-debian13:debug\n',
      // Dependabot bumps only a tag with a version number: a release codename alone gives it nothing.
      'codename/Dockerfile': 'FROM debian:bookworm-slim\nFROM ubuntu:noble\n',
      // A version beside them, a codename beside one, or a digest (Dependabot updates digests) is something to update.
      'mixed/Dockerfile': 'FROM alpine:latest AS a\nFROM node:22\n',
      'mixed-codename/Dockerfile': 'FROM debian:bookworm-slim AS a\nFROM node:22\n',
      'digest/Dockerfile': `FROM gcr.io/distroless/static:latest@sha256:${'e'.repeat(64)}\n`,
    };
    expect((await coverage(files)).map(at)).toEqual([
      'mixed/Dockerfile:1:-',
      'mixed-codename/Dockerfile:1:-',
      'digest/Dockerfile:1:-',
    ]);
    // Renovate's Debian and Ubuntu versioning moves codenames: with it, the codename Dockerfile is one to update.
    const renovate = { ...files, 'renovate.json': '{ "enabledManagers": ["gomod"] }\n' };
    expect((await coverage(renovate)).map(at)).toContain('codename/Dockerfile:1:-');
  });

  it('grades low a Dockerfile built only on images the repository builds itself, saying where', async () => {
    const files = {
      ...dependabot(entry('gomod', 'directory: /')),
      'go.mod': 'module x\nrequire y v1\n',
      'build.sh': 'docker build -f common/Dockerfile -t acme/photon:5.0 .\n',
      'common/Dockerfile': 'FROM photon:5.0-20260214\nRUN tdnf update -y\n',
      'core/Dockerfile.base': 'FROM acme/photon:5.0\nRUN tdnf install -y shadow\n',
      // One image of the directory that is not the project's own keeps it a gap.
      'db/Dockerfile.base': 'FROM acme/photon:5.0\n',
      'db/Dockerfile': 'FROM postgres:16\n',
    };
    const findings = await coverage(files);
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([
      ['common/Dockerfile:1:-', null],
      ['core/Dockerfile.base:1:-', 'low'],
      // One finding for the directory, at its first Dockerfile, as for any other.
      ['db/Dockerfile.base:1:-', null],
    ]);
    expect(findings[1]!.message).toBe(
      'core/Dockerfile.base (docker) in core gets no automated dependency updates: .github/dependabot.yml has no ' +
        '`updates` entry with `package-ecosystem: docker`. Vulnerable versions there are not updated (but every ' +
        "image it is built FROM is the project's own: the repository builds and tags it itself (build.sh:1, from " +
        "common/Dockerfile), so it is the project's own image, not a third party's; updates of its base images " +
        'belong to the Dockerfile that builds it).',
    );
  });

  // In the source repository of a Docker Official Image (its generate-stackbrew-library.sh prints the
  // library manifest), the official-images program rebuilds the image whenever a parent is updated.
  it.each([
    [
      'the library script',
      'Maintainers: Acme <docker@acme.example>\nGitRepo: https://example.com/acme/docker.git\n',
      'low',
      null,
    ],
    ['a script of that name without a library manifest', 'echo hello\n', null, null],
    ['no script', undefined, null, null],
  ])('a Dockerfile FROM official images, with %s at the root', async (_what, script, official, other) => {
    const files: Record<string, string> = {
      ...dependabot(entry('github-actions', 'directory: /')),
      '3.1/alpine/Dockerfile': 'FROM alpine:3.24\nRUN apk add --no-cache ca-certificates\n',
      '3.1/debian/Dockerfile': 'FROM debian:13-slim AS build\nRUN make\nFROM buildpack-deps:24.04\n',
      // An image that is no official image keeps it a gap, script or not.
      'tools/Dockerfile': 'FROM acme/tools:1.2\n',
    };
    if (script !== undefined)
      files['generate-stackbrew-library.sh'] = `#!/usr/bin/env bash\ncat <<-EOH\n${script}EOH\n`;
    const findings = await coverage(files);
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([
      ['3.1/alpine/Dockerfile:1:-', official],
      ['3.1/debian/Dockerfile:1:-', official],
      ['tools/Dockerfile:1:-', other],
    ]);
    if (official) {
      expect(findings[0]!.message).toMatch(
        /are not updated \(but the repository is the source of a Docker Official Image, .* so their fixes reach it without an update here\)\.$/,
      );
    }
  });

  it('either tool covering a manifest is enough', async () => {
    const findings = await coverage({
      ...dependabot(entry('npm', 'directory: /')),
      'renovate.json': '{ "enabledManagers": ["dockerfile"] }',
      'package.json': pkg(),
      Dockerfile: 'FROM node:22\n',
      'go.mod': 'module x\nrequire y v1\n',
    });
    expect(findings.map(at)).toEqual(['go.mod:1:-']);
    expect(findings[0]!.message).toContain(
      'the Renovate configuration (renovate.json) leaves its manager out',
    );
  });
});

describe('parseJsonish', () => {
  it('reads JSON5 as Renovate writes it and gives up on anything else', () => {
    expect(parseJsonish('{ // c\n "a": [1, 2,], /* x */ b: \'q\' }')).toEqual({ a: [1, 2], b: 'q' });
    expect(parseJsonish('{ "url": "https://x//y" }')).toEqual({ url: 'https://x//y' });
    expect(parseJsonish('not json')).toBeUndefined();
  });
});

/** An updatecli manifest whose targets are `[kind, spec lines]`. */
const updatecli = (...targets: [string, string][]) =>
  [
    'name: Bump base images',
    'sources:',
    '  latest:',
    '    kind: dockerimage',
    '    spec: { image: alpine }',
    'targets:',
    ...targets.flatMap(([kind, spec], i) => [`  t${i}:`, `    kind: ${kind}`, '    spec:', spec]),
    '',
  ].join('\n');
const argTarget = (file: string, arg: string) =>
  [
    'dockerfile',
    `      file: ${file}\n      instruction:\n        keyword: ARG\n        matcher: ${arg}`,
  ] as [string, string];
const alpine = 'ARG ALPINE_TAG=3.20.3\n\nFROM alpine:"${ALPINE_TAG}"\nARG TOOL_VERSION=1.2.3\n';

describe('deps.update-coverage with updatecli', () => {
  it('counts a Dockerfile whose base image a dockerfile target updates as covered', async () => {
    const findings = await coverage({
      ...dependabot(entry('github-actions', 'directory: /')),
      'updatecli/updatecli.d/alpine.yaml': updatecli(argTarget('alpine/Dockerfile', 'ALPINE_TAG')),
      'alpine/Dockerfile': alpine,
      'debian/Dockerfile': 'FROM debian:12.7-slim\n',
    });
    expect(findings.map(at)).toEqual(['debian/Dockerfile:1:-']);
    expect(findings[0]!.message).toContain(
      'no updatecli target (updatecli/updatecli.d/alpine.yaml) edits it. Vulnerable versions',
    );
  });

  it('makes an updatecli-only repository compared like one with Dependabot', async () => {
    const findings = await coverage({
      'updatecli.yaml': updatecli(
        ['dockerfile', '      files: [web/Dockerfile]\n      instruction: { keyword: FROM, matcher: node }'],
        ['file', '      file: ./package.json\n      matchpattern: x'],
      ),
      'web/Dockerfile': 'FROM node:22.11.0\n',
      'package.json': pkg(),
      'go.mod': 'module x\nrequire y v1\n',
    });
    expect(findings.map(at)).toEqual(['go.mod:1:-']);
    expect(findings[0]!.message).toBe(
      'go.mod (gomod) in the repository root gets no automated dependency updates: no updatecli target ' +
        '(updatecli.yaml) edits it. Vulnerable versions there are not updated.',
    );
  });

  it('still reports a Dockerfile whose updatecli targets leave its base image alone', async () => {
    const findings = await coverage({
      'updatecli.d/tool.yml': updatecli(argTarget('Dockerfile', 'TOOL_VERSION')),
      Dockerfile: alpine,
    });
    expect(findings.map(at)).toEqual(['Dockerfile:1:-']);
    expect(findings[0]!.message).toContain(
      'gets no automated updates of its base image: its updatecli targets (ARG TOOL_VERSION in ' +
        'updatecli.d/tool.yml) change neither a FROM instruction nor an ARG that a FROM line uses',
    );
  });

  it('follows a FROM argument through another global ARG', async () => {
    const dockerfile = 'ARG VERSION=3.20\nARG TAG=${VERSION}-slim\nARG OTHER=1\nFROM alpine:${TAG}\n';
    const files = { ...dependabot(entry('npm', 'directory: /')), Dockerfile: dockerfile };
    const covered = await coverage({
      ...files,
      'updatecli.yaml': updatecli(argTarget('Dockerfile', 'VERSION')),
    });
    expect(covered).toEqual([]);
    const other = await coverage({ ...files, 'updatecli.yaml': updatecli(argTarget('Dockerfile', 'OTHER')) });
    expect(other.map(at)).toEqual(['Dockerfile:1:-']);
  });

  it('ignores YAML files without updatecli shape and targets that only read (conditions, sources)', async () => {
    const findings = await coverage({
      ...dependabot(entry('npm', 'directory: /')),
      'updatecli/values.yaml': 'github:\n  owner: acme\n  branch: main\n',
      'updatecli/updatecli.d/check.yaml': [
        'conditions:',
        '  c:',
        '    kind: dockerfile',
        '    spec: { file: Dockerfile, instruction: { keyword: FROM, matcher: alpine } }',
        'targets:',
        '  t:',
        '    kind: yaml',
        '    spec: { file: chart/values.yaml, key: $.image.tag }',
        '',
      ].join('\n'),
      Dockerfile: alpine,
    });
    expect(findings.map(at)).toEqual(['Dockerfile:1:-']);
    // The values file is no manifest; the manifest's condition on the Dockerfile edits nothing.
    expect(findings[0]!.message).toContain('no updatecli target (updatecli/updatecli.d/check.yaml) edits it');
  });

  it('reads a Go-templated manifest that is no YAML as written, without crashing', async () => {
    const templated = [
      'name: Bump {{ .name }}',
      'scms:',
      '  default:',
      '    kind: github',
      '    spec: { owner: {{ .owner }}, repository: {{ .repo }} }',
      'targets:',
      '{{ range $i, $f := .dockerfiles }}',
      '  bump{{ $i }}:',
      '    kind: dockerfile',
      '    spec:',
      '      file: {{ $f }}',
      '      instruction: { keyword: FROM, matcher: alpine }',
      '{{ end }}',
      '  pinned:',
      '    kind: dockerfile',
      '    spec:',
      '      file: base/Dockerfile',
      '      instruction: { keyword: FROM, matcher: alpine }',
      '',
    ].join('\n');
    const findings = await coverage({
      'updatecli/updatecli.d/images.yaml': templated,
      'base/Dockerfile': 'FROM alpine:3.20\n',
      'other/Dockerfile': 'FROM alpine:3.20\n',
    });
    expect(findings.map(at)).toEqual(['other/Dockerfile:1:-']);
    expect(findings[0]!.message).toContain(
      '(updatecli/updatecli.d/images.yaml could only be read in part: template lines or templated file names)',
    );
  });

  it('falls back to the file names of the targets block when even that is no YAML', async () => {
    const broken = [
      'targets:',
      '  a:',
      '    kind: dockerfile',
      '    spec:',
      '      file: "a/Dockerfile"',
      '      {{- if .extra }}',
      '      files:',
      '        - b/Dockerfile',
      '      ]]] not yaml',
      'actions: {}',
      '',
    ].join('\n');
    const findings = await coverage({
      'updatecli.yml': broken,
      'a/Dockerfile': 'FROM alpine:3.20\n',
      'b/Dockerfile': 'FROM alpine:3.20\n',
      'c/Dockerfile': 'FROM alpine:3.20\n',
    });
    expect(findings.map(at)).toEqual(['c/Dockerfile:1:-']);
  });

  it('lets an autodiscovery crawler cover its ecosystem under its root directory', async () => {
    const findings = await coverage({
      'updatecli.yaml': 'autodiscovery:\n  crawlers:\n    dockerfile:\n      rootdir: services\n',
      'services/api/Dockerfile': 'FROM alpine:3.20\n',
      'tools/Dockerfile': 'FROM alpine:3.20\n',
    });
    expect(findings.map(at)).toEqual(['tools/Dockerfile:1:-']);
    const outside = await coverage({
      'updatecli.yaml': 'autodiscovery:\n  crawlers:\n    dockerfile:\n      rootdir: /srv/other\n',
      'tools/Dockerfile': 'FROM alpine:3.20\n',
    });
    expect(outside.map(at)).toEqual(['tools/Dockerfile:1:-']);
  });
});

describe('deps.update-coverage inputs', () => {
  it('reads the updatecli manifests through the workspace: editing or adding one re-evaluates the rule', async () => {
    const ws = workspaceOf({
      ...dependabot(entry('npm', 'directory: /')),
      'updatecli/updatecli.d/alpine.yaml': updatecli(argTarget('alpine/Dockerfile', 'ALPINE_TAG')),
      'alpine/Dockerfile': alpine,
    });
    const view = new RecordingWorkspace(ws, new InputLog());
    view.log.begin();
    expect(await run(depsUpdateCoverage, {}, view)).toEqual([]);
    const inputs = view.log.end();
    const matcher = (patterns: readonly string[]) => ws.matcher(patterns);
    const edited = new Set(['updatecli/updatecli.d/alpine.yaml']);
    expect(touchedBy(inputs, { paths: edited, listing: false, presence: new Set() }, matcher)).toBe(true);
    const added = new Set(['ci/updatecli.d/debian.yml']);
    expect(touchedBy(inputs, { paths: added, listing: true, presence: added }, matcher)).toBe(true);
  });
});

describe('neutraliseTemplates', () => {
  it('empties lines of template actions and replaces inline actions, keeping line numbers', () => {
    const out = neutraliseTemplates('a: {{ .x }}\n{{- range .y }}\nb: "v{{ source "s" }}"\n{{ end }}\n');
    expect(out.split('\n')).toHaveLength(5);
    expect(out).not.toContain('{{');
    expect(out.split('\n')[1]).toBe('');
  });
});

/** A workflow on `on` whose one job runs `steps` (YAML list items, indented 6) after `defaults`. */
const workflow = (on: string, steps: string, job = '') =>
  `name: deps\non: ${on}\njobs:\n  update:\n    runs-on: ubuntu-latest\n${job}    steps:\n${steps}`;
const step = (script: string, extra = '') =>
  `      - ${extra}run: |\n${script
    .split('\n')
    .map((l) => `          ${l}`)
    .join('\n')}\n`;
const PR_ACTION = '      - uses: peter-evans/create-pull-request@v7\n        with: { branch: deps }\n';
const SCHEDULED = '{ schedule: [{ cron: "0 5 * * 1" }], workflow_dispatch: {} }';
const UPDATER = '.github/workflows/update-deps.yml';
const goMod = (name: string) =>
  `module example.com/${name}\n\ngo 1.23\n\nrequire golang.org/x/text v0.19.0\n`;
/**
 * Go modules at the root, under services/ and in tools/, and an npm package; Dependabot updates the
 * workflows' actions only, so that the rule compares even where no workflow is an updater.
 */
const tree = {
  ...dependabot(entry('github-actions', 'directory: /')),
  'go.mod': goMod('root'),
  'services/api/go.mod': goMod('api'),
  'services/jobs/go.mod': goMod('jobs'),
  'tools/go.mod': goMod('tools'),
  'web/package.json': pkg(),
};
const uncovered = (...files: string[]) => files.map((f) => `${f}:1:-`);
const everything = uncovered(
  'go.mod',
  'services/api/go.mod',
  'services/jobs/go.mod',
  'tools/go.mod',
  'web/package.json',
);

type WorkflowCase = [name: string, files: Record<string, string>, expected: string[]];

const workflowCases: WorkflowCase[] = [
  [
    'a scheduled loop over the modules under its directory, then a pull request: those modules only',
    {
      [UPDATER]: workflow(
        SCHEDULED,
        step(
          'for mod in */; do\n  (cd "$mod" && go get -u ./... && go mod tidy)\ndone',
          'working-directory: services\n        ',
        ) + PR_ACTION,
      ),
    },
    uncovered('go.mod', 'tools/go.mod', 'web/package.json'),
  ],
  [
    'go get -u ./... at the root updates the root module, not the modules nested in it',
    { [UPDATER]: workflow('workflow_dispatch', step('go get -u ./...\ngo mod tidy') + PR_ACTION) },
    uncovered('services/api/go.mod', 'services/jobs/go.mod', 'tools/go.mod', 'web/package.json'),
  ],
  [
    'cd dir &&, go -C and npm --prefix move the command, and a subshell cd ends with it',
    {
      [UPDATER]: workflow(
        SCHEDULED,
        step(
          '(cd tools && go get -u=patch)\ngo -C services/api get -u all\nnpm --prefix web update\ngit commit -am deps && git push origin HEAD:deps',
        ),
      ),
    },
    uncovered('go.mod', 'services/jobs/go.mod'),
  ],
  [
    'a working-directory restricts the step to its directory',
    {
      [UPDATER]: workflow(
        'workflow_dispatch',
        step('go get -u ./...', 'working-directory: tools\n        ') + PR_ACTION,
      ),
    },
    uncovered('go.mod', 'services/api/go.mod', 'services/jobs/go.mod', 'web/package.json'),
  ],
  [
    'a matrix of directories: each listed one',
    {
      [UPDATER]: workflow(
        SCHEDULED,
        step('go get -u ./...', 'working-directory: ${{ matrix.module }}\n        ') + PR_ACTION,
        '    strategy:\n      matrix:\n        module: [services/api, tools]\n',
      ),
    },
    uncovered('go.mod', 'services/jobs/go.mod', 'web/package.json'),
  ],
  [
    'a make target that runs a repository script, which opens the pull request',
    {
      [UPDATER]: workflow(SCHEDULED, step('make update-deps')),
      Makefile: 'update-deps: ## all modules\n\t@./hack/update-deps.sh\n',
      'hack/update-deps.sh':
        'ROOT="$(cd "$(dirname "$0")/.." && pwd)"\nfor m in $(find "$ROOT" -name go.mod -exec dirname {} \\;); do\n  cd "$m"\n  go get -u ./... || true\ndone\ngh pr create --title "Update Go modules" --body ""\n',
    },
    uncovered('web/package.json'),
  ],
  [
    'an executable repository script without an extension, run by its path: what it updates',
    {
      [UPDATER]: workflow(SCHEDULED, step('ci/relock') + PR_ACTION),
      'ci/relock': '#!/bin/bash\nset -eu\ncd tools\ngo get -u ./...\n',
    },
    uncovered('go.mod', 'services/api/go.mod', 'services/jobs/go.mod', 'web/package.json'),
  ],
  [
    'a command by a bare name, or a file run by path that is no script (no shebang), is not read',
    {
      [UPDATER]: workflow(SCHEDULED, step('relock\nci/relock') + PR_ACTION),
      relock: '#!/bin/bash\ncd tools && go get -u ./...\n',
      'ci/relock': 'cd tools && go get -u ./...\n',
    },
    everything,
  ],
  [
    'a local reusable workflow called on a schedule',
    {
      [UPDATER]:
        'on:\n  schedule: [{ cron: "0 5 * * 1" }]\njobs:\n  go:\n    uses: ./.github/workflows/go-update.yml\n',
      '.github/workflows/go-update.yml': workflow(
        'workflow_call',
        step('npm update', 'working-directory: web\n        ') + PR_ACTION,
      ),
    },
    uncovered('go.mod', 'services/api/go.mod', 'services/jobs/go.mod', 'tools/go.mod'),
  ],
  [
    'a lockfile removed and regenerated by an install in its directory, then pushed: that package',
    {
      [UPDATER]: workflow(
        SCHEDULED,
        step(
          'cd web\nrm -f package-lock.json\nnpm install --package-lock-only\ngit commit -am deps\ngit push -f origin HEAD:deps\ngh pr create --fill',
        ),
      ),
    },
    uncovered('go.mod', 'services/api/go.mod', 'services/jobs/go.mod', 'tools/go.mod'),
  ],
  [
    'an install that keeps the lockfile, or regenerates one of another directory, updates nothing',
    {
      [UPDATER]: workflow(
        SCHEDULED,
        step('cd web && npm install --package-lock-only') +
          step('rm -f package-lock.json\ncd web && npm install') +
          step('rm web/package-lock.json\ncd web && npm ci && npm install lodash') +
          PR_ACTION,
      ),
    },
    everything,
  ],
  [
    'a CI build on pull requests that runs go get -u covers nothing',
    {
      [UPDATER]: workflow(
        '[pull_request, push]',
        step(
          '# builds with what the weekly schedule would update to\ngo get -u ./...\ngo build ./...\ngit push origin HEAD',
        ),
      ),
    },
    everything,
  ],
  [
    'a scheduled update whose result never leaves the job (an artifact) covers nothing',
    {
      [UPDATER]: workflow(
        SCHEDULED,
        `${step('go get -u ./...\ngo test ./...')}      - uses: actions/upload-artifact@v4\n        with: { name: go.sum, path: go.sum }\n`,
      ),
    },
    everything,
  ],
  [
    'a pull request opened before the update does not carry it',
    { [UPDATER]: workflow(SCHEDULED, PR_ACTION + step('go get -u ./...')) },
    everything,
  ],
  [
    'rehearsals and reports update nothing',
    {
      [UPDATER]: workflow(
        SCHEDULED,
        step(
          'go list -u -m all\ngo get -u golang.org/x/text\ncd web && npm outdated; npx npm-check-updates; npm update --dry-run; npm update left-pad',
        ) + PR_ACTION,
      ),
    },
    everything,
  ],
];

describe('deps.update-coverage with update workflows', () => {
  it.each(workflowCases)('%s', async (_name, files, expected) => {
    expect((await coverage({ ...tree, ...files })).map(at)).toEqual(expected);
  });

  it('says which directories the workflow updates when it misses one', async () => {
    const { '.github/dependabot.yml': _, ...modules } = tree;
    const findings = await coverage({
      ...modules,
      [UPDATER]: workflow(
        SCHEDULED,
        step('go get -u ./...', 'working-directory: tools\n        ') + PR_ACTION,
      ),
    });
    const message = (file: string) => findings.find((f) => f.location?.path === file)?.message;
    expect(message('go.mod')).toBe(
      'go.mod (gomod) in the repository root gets no automated dependency updates: the gomod updates of ' +
        '.github/workflows/update-deps.yml (go get -u ./...) run in /tools, which does not reach this ' +
        'manifest. Vulnerable ' +
        'versions there are not updated.',
    );
    expect(message('web/package.json')).toContain(
      'no update workflow (.github/workflows/update-deps.yml) runs an update of npm dependencies',
    );
  });

  it('reads each ecosystem with its own commands and directories', async () => {
    const files = {
      'py/requirements/dev.in': 'pytest\n',
      'py/requirements/dev.txt': 'pytest==8.3.3\n',
      'svc/pyproject.toml': '[project]\nname = "svc"\ndependencies = ["flask>=3"]\n',
      'svc/requirements.txt': 'flask==3.0.3\n',
      // A lock compiled from an input in another directory (`-o` names it).
      'images/app/unfrozen/requirements.txt': 'flask\n',
      'images/app/requirements.txt': 'flask==3.0.3\n',
      'images/web/requirements.txt': 'flask==3.0.3\n',
      'rs/Cargo.toml': '[workspace]\nmembers = ["cli"]\n',
      'rs/cli/Cargo.toml': '[package]\nname = "cli"\n\n[dependencies]\nserde = "1"\n',
      'rb/Gemfile': 'source "https://rubygems.org"\ngem "rails"\n',
      'php/composer.json': '{ "require": { "monolog/monolog": "^3" } }',
    };
    const script = [
      'pip-compile --upgrade py/requirements/dev.in',
      'pip-compile --upgrade -o images/app/requirements.txt images/app/unfrozen/requirements.txt',
      'uv lock --upgrade --directory svc',
      'cargo update --manifest-path rs/Cargo.toml',
      'bundle update --gemfile rb/Gemfile',
      'composer update -d php --dry-run',
      'git push',
    ].join('\n');
    const findings = await coverage({ ...files, [UPDATER]: workflow(SCHEDULED, step(script)) });
    // uv updates pyproject.toml's lock, not the requirements file beside it; composer only rehearsed.
    expect(findings.map(at)).toEqual(
      uncovered('svc/requirements.txt', 'images/web/requirements.txt', 'php/composer.json'),
    );
  });
});

describe('deps.update-coverage: Dart and Flutter packages (pub)', () => {
  const pubspec = (deps: string) => `name: app\nenvironment:\n  sdk: ^3.5.0\n${deps}`;
  const app = {
    'app/pubspec.yaml': pubspec('dependencies:\n  flutter:\n    sdk: flutter\n  http: ^1.2.2\n'),
    'packages/common/pubspec.yaml': pubspec('dev_dependencies:\n  lints: ^5.0.0\n'),
    // A pubspec with nothing to update (no dependency sections) is no manifest.
    'tool/pubspec.yaml': pubspec('flutter:\n  uses-material-design: true\n'),
  };

  it('reports a pubspec.yaml that no pub entry of Dependabot covers', async () => {
    const findings = await coverage({ ...app, ...dependabot(entry('pub', 'directory: /app')) });
    expect(findings.map(at)).toEqual(['packages/common/pubspec.yaml:1:-']);
    expect(findings[0]!.message).toContain(
      'no `pub` entry in .github/dependabot.yml lists the directory "/packages/common"',
    );
    const covered = await coverage({
      ...app,
      ...dependabot(entry('pub', 'directories: [/app, /packages/*]')),
    });
    expect(covered).toEqual([]);
  });

  it('counts flutter pub upgrade and dart pub upgrade in an update workflow', async () => {
    const script =
      'dart pub upgrade -C packages/common\ncd app && flutter pub upgrade --major-versions\ngit push';
    expect(await coverage({ ...app, [UPDATER]: workflow(SCHEDULED, step(script)) })).toEqual([]);
    // Naming a package upgrades that one only.
    const named = 'dart pub upgrade -C packages/common\ncd app && flutter pub upgrade http\ngit push';
    const findings = await coverage({ ...app, [UPDATER]: workflow(SCHEDULED, step(named)) });
    expect(findings.map(at)).toEqual(['app/pubspec.yaml:1:-']);
  });

  it('counts pub upgrade at the root of a pub workspace for its members', async () => {
    const member = (n: string) =>
      `name: ${n}\nresolution: workspace\nenvironment:\n  sdk: ^3.6.0\ndependencies:\n  http: ^1.2.0\n`;
    const tree = {
      'pubspec.yaml': 'name: _\nenvironment:\n  sdk: ^3.6.0\nworkspace:\n  - app\n',
      'app/pubspec.yaml': member('app'),
    };
    expect(
      await coverage({ ...tree, [UPDATER]: workflow(SCHEDULED, step('flutter pub upgrade\ngit push')) }),
    ).toEqual([]);
  });
});

describe('deps.update-coverage: Swift packages', () => {
  const manifest = (deps: string) =>
    `// swift-tools-version:5.9\nimport PackageDescription\nlet package = Package(\n  name: "Kit",\n  dependencies: [${deps}],\n  targets: []\n)\n`;
  const app = {
    'Sources/Networking/Package.swift': manifest(
      '\n    .package(url: "https://github.com/Alamofire/Alamofire.git", from: "5.9.0"),\n',
    ),
    // Only local packages: nothing a registry updates.
    'Sources/Models/Package.swift': manifest('.package(path: "../Utilities")'),
  };

  it('reports a Package.swift that depends on packages by URL and that no swift entry covers', async () => {
    const findings = await coverage({ ...app, ...dependabot(entry('github-actions', 'directory: /')) });
    expect(findings.map(at)).toEqual(['Sources/Networking/Package.swift:1:-']);
    expect(findings[0]!.message).toContain('has no `updates` entry with `package-ecosystem: swift`');
    const covered = await coverage({
      ...app,
      ...dependabot(entry('swift', 'directory: /Sources/Networking')),
    });
    expect(covered).toEqual([]);
  });

  it('counts swift package update in an update workflow, where it runs', async () => {
    const script = 'swift package update --package-path Sources/Networking\ngit push';
    const tools = manifest('.package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")');
    const findings = await coverage({
      ...app,
      'BuildTools/Package.swift': tools,
      [UPDATER]: workflow(SCHEDULED, step(script)),
    });
    expect(findings.map(at)).toEqual(['BuildTools/Package.swift:1:-']);
  });
});

describe('deps.update-coverage inputs: update workflows', () => {
  it('reads every update workflow: editing one, even one with no action in it, re-evaluates the rule', async () => {
    const ws = workspaceOf({
      ...tree,
      '.github/workflows/ci.yml': workflow('pull_request', '      - uses: actions/checkout@v4\n'),
      [UPDATER]: workflow(SCHEDULED, step('go get -u ./...\ngh pr create --fill')),
    });
    const view = new RecordingWorkspace(ws, new InputLog());
    view.log.begin();
    expect((await run(depsUpdateCoverage, {}, view)).map(at)).not.toContain('go.mod:1:-');
    const inputs = view.log.end();
    const matcher = (patterns: readonly string[]) => ws.matcher(patterns);
    const edited = new Set([UPDATER]);
    expect(touchedBy(inputs, { paths: edited, listing: false, presence: new Set() }, matcher)).toBe(true);
    const added = new Set(['.github/workflows/update-npm.yml']);
    expect(touchedBy(inputs, { paths: added, listing: true, presence: added }, matcher)).toBe(true);
  });
});

describe('dependency-update-tool: an update workflow is an update tool', () => {
  const tool = (files: Record<string, string>) =>
    runBuiltin('dependency-update-tool', { ...files, 'go.mod': goMod('x') });

  it.each([
    [
      'a scheduled update that opens a pull request',
      workflow(SCHEDULED, step('go get -u ./...') + PR_ACTION),
    ],
    [
      'a manual update that pushes a branch',
      workflow('workflow_dispatch', step('cargo update\ngit push origin HEAD:deps')),
    ],
  ])('accepts %s', async (_name, updater) => {
    expect(await tool({ [UPDATER]: updater })).toEqual([]);
  });

  it.each([
    [
      'a CI build on pull requests',
      workflow('pull_request', step('go get -u ./... # not on schedule') + PR_ACTION),
    ],
    ['a scheduled report', workflow(SCHEDULED, step('go list -u -m all\nnpx npm-check-updates') + PR_ACTION)],
    ['a scheduled update that keeps its result', workflow(SCHEDULED, step('go get -u ./...\ngo test ./...'))],
  ])('still reports %s', async (_name, other) => {
    const findings = await tool({ [UPDATER]: other });
    expect(findings.map(at)).toEqual(['-']);
    expect(findings[0]!.message).toContain(
      'and no workflow on `schedule` or `workflow_dispatch` runs an update',
    );
  });

  // A home-grown updater: a scheduled job whose update script looks up the latest upstream versions
  // (it regenerates the Dockerfiles from them) and pushes the result.
  const regen = (on: string, steps: string, job = 'regen') =>
    `name: images\non: ${on}\njobs:\n  ${job}:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${steps}`;
  const runs = (name: string, script: string) => `      - name: ${name}\n        run: ${script}\n`;
  const PUSH =
    '      - uses: ad-m/github-push-action@v0.8.0\n        with: { github_token: "${{ secrets.GITHUB_TOKEN }}" }\n';
  const LOOKUP =
    '#!/usr/bin/env bash\nv="$(git ls-remote --tags https://example.com/app.git | cut -d/ -f3 | sort -V | tail -1)"\nsed -i "s/%%VERSION%%/$v/" Dockerfile\n';
  const SCHEDULE = '{ schedule: [{ cron: "15 18 * * *" }] }';
  it.each([
    [
      'its own update script, which looks up the latest tags, then a push',
      regen(SCHEDULE, runs('Run update.sh script', './update.sh') + PUSH),
      LOOKUP,
    ],
    [
      'an inline lookup of the latest release in a job named for updating, then a pull request',
      regen(
        SCHEDULE,
        runs('Regenerate', 'curl -fsSL https://api.github.com/repos/acme/app/releases/latest > latest.json') +
          PR_ACTION,
        'bump-versions',
      ),
      '',
    ],
  ])('accepts a scheduled workflow with %s', async (_name, updater, script) => {
    expect(
      await tool({ '.github/workflows/images.yml': updater, ...(script ? { 'update.sh': script } : {}) }),
    ).toEqual([]);
  });

  it.each([
    [
      'whose update script looks nothing up',
      regen(SCHEDULE, runs('Run update.sh', './update.sh') + PUSH),
      'sed -i "s/a/b/" Dockerfile\n',
    ],
    ['whose result is not pushed', regen(SCHEDULE, runs('Run update.sh', './update.sh')), LOOKUP],
    ['run by hand only', regen('workflow_dispatch', runs('Run update.sh', './update.sh') + PUSH), LOOKUP],
    ['that pushes before it looks up', regen(SCHEDULE, PUSH + runs('Run update.sh', './update.sh')), LOOKUP],
    [
      'that downloads a released tool to build its site, named for something else',
      regen(
        SCHEDULE,
        runs('Build the site', 'curl -fsSLO https://github.com/acme/gen/releases/latest/download/gen.tgz') +
          PUSH,
        'site',
      ),
      '',
    ],
  ])('still reports a scheduled workflow %s', async (_name, other, script) => {
    const findings = await tool({
      '.github/workflows/images.yml': other,
      ...(script ? { 'update.sh': script } : {}),
    });
    expect(findings.map(at)).toEqual(['-']);
    expect(findings[0]!.message).toContain('or, on `schedule`, an update script of its own');
  });

  it('accepts a configuration that updates nothing when an update workflow does', async () => {
    const empty = { '.github/dependabot.yml': 'version: 2\nupdates: []\n' };
    expect((await tool(empty)).map(at)).toEqual(['.github/dependabot.yml:1:-']);
    expect(
      await tool({ ...empty, [UPDATER]: workflow(SCHEDULED, step('go get -u ./...') + PR_ACTION) }),
    ).toEqual([]);
  });
});

describe('deps.update-coverage: scaffolding templates', () => {
  it('does not ask updates for a manifest holding template syntax', async () => {
    const files = {
      ...dependabot(entry('npm', 'directory: "/"')),
      'package.json': pkg(),
      'templates/starter/package.json': '{ "name": "{{ project_name }}", "dependencies": { "a": "1.0.0" } }',
      'templates/site/package.json': pkg(),
    };
    expect((await coverage(files)).map((f) => f.location?.path)).toEqual(['templates/site/package.json']);
  });
});

// `open-pull-requests-limit: 0` turns an entry's version updates off (GitHub's documented way to do
// so; security updates ignore the limit): what only that entry would update is reported once, at it.
describe('deps.update-coverage: entries whose open-pull-requests-limit is 0', () => {
  const limited = (ecosystem: string, dirs: string, limit: string) =>
    `${entry(ecosystem, dirs)}    open-pull-requests-limit: ${limit}\n`;
  const D = '.github/dependabot.yml';
  it.each([
    ['limit 0', limited('npm', 'directory: /', '0'), {}, [`${D}:6:31`]],
    ['limit "0"', limited('npm', 'directory: /', '"0"'), {}, [`${D}:6:32`]],
    ['limit 5', limited('npm', 'directory: /', '5'), {}, []],
    [
      'another npm entry for the directory updates it',
      `${limited('npm', 'directory: /', '0')}${entry('npm', 'directory: /')}`,
      {},
      [],
    ],
    [
      'Renovate updates it',
      limited('npm', 'directory: /', '0'),
      { 'renovate.json': '{ "extends": ["config:recommended"] }' },
      [],
    ],
    [
      'the entry lists two directories: one finding',
      limited('npm', 'directories: ["/web", "/api"]', '0'),
      { 'web/package.json': pkg(), 'api/package.json': pkg() },
      // The root's package.json is listed by no entry.
      [`${D}:6:31`, 'package.json:1:-'],
    ],
    [
      'an idle entry of another ecosystem, the manifest not listed anywhere',
      `${limited('github-actions', 'directory: /', '0')}${entry('npm', 'directory: /web')}`,
      {},
      ['package.json:1:-'],
    ],
  ])('%s', async (_name, entries, extra, expected) => {
    const findings = await coverage({ ...dependabot(entries), 'package.json': pkg(), ...extra });
    expect(findings.map(at)).toEqual(expected);
  });

  it('says which manifests the entry leaves out and what to change', async () => {
    const [f] = await coverage({
      ...dependabot(limited('npm', 'directories: ["/web", "/api"]', '0')),
      'web/package.json': pkg(),
      'api/package.json': pkg(),
    });
    // Written down on purpose (security updates only): low severity.
    expect(f!.severity).toBe('low');
    expect(f!.message).toBe(
      'The `npm` entry for "/web", "/api" in .github/dependabot.yml sets `open-pull-requests-limit: 0`, ' +
        'which turns its version updates off: api/package.json, web/package.json get no automated ' +
        'dependency updates (security updates ignore the limit, but only for known advisories, and only ' +
        "when the repository's settings enable them). Remove the limit (the default is 5) or raise it, or " +
        'update these manifests with another tool.',
    );
  });
});

// `"enabled": false` at the top level of a Renovate configuration turns Renovate off: the file is no
// update tool, and a manifest it would cover is left out with that reason.
describe('Renovate turned off at the top level', () => {
  const tool = (files: Record<string, string>) => runBuiltin('dependency-update-tool', files);
  it.each([
    [
      'enabled: false',
      { 'renovate.json': '{\n  "extends": ["config:recommended"],\n  "enabled": false\n}\n' },
      ['renovate.json:3:3'],
    ],
    [
      'JSON5, after a nested enabled: false',
      {
        '.github/renovate.json5': '{\n  // off for now\n  npm: { enabled: false },\n  enabled: false,\n}\n',
      },
      ['.github/renovate.json5:4:3'],
    ],
    ['enabled: true', { 'renovate.json': '{ "enabled": true }\n' }, []],
    ['a manager turned off only', { 'renovate.json': '{ "npm": { "enabled": false } }\n' }, []],
    [
      'Dependabot configured besides',
      { 'renovate.json': '{ "enabled": false }\n', ...dependabot(entry('npm', 'directory: /')) },
      [],
    ],
  ])('dependency-update-tool: %s', async (_name, files, expected) => {
    const findings = await tool({ ...files, 'package.json': pkg() });
    expect(findings.map(at)).toEqual(expected);
    if (expected.length > 0) expect(findings[0]!.message).toContain('which turns Renovate off');
  });

  it('says why deps.update-coverage leaves the manifests out', async () => {
    const [f] = await coverage({ 'renovate.json': '{ "enabled": false }\n', 'package.json': pkg() });
    expect(f!.message).toBe(
      'package.json (npm) in the repository root gets no automated dependency updates: the Renovate ' +
        'configuration (renovate.json) turns Renovate off (`enabled: false`). Vulnerable versions there are not updated.',
    );
  });
});

describe('deps.update-coverage: what a pass rests on', () => {
  const examined = (files: Record<string, string>) => examinedBy('dependency-update-coverage', files);

  it('examines nothing when there is no update configuration to judge', async () => {
    const workflow = 'on: push\njobs:\n  t:\n    runs-on: x\n    steps: [{run: make test}]\n';
    const files = { 'package.json': pkg(), '.github/workflows/ci.yml': workflow };
    expect(await examined(files)).toEqual({ found: 0, files: [] });
    const covered = await examined({ ...files, ...dependabot(entry('npm', 'directory: /')) });
    expect(covered.found).toBe(0);
    expect(covered.files).toContain('.github/dependabot.yml');
  });
});

describe('manifests that reach nothing the project ships', () => {
  const actionsOnly = dependabot(entry('github-actions', 'directory: /'));
  it.each([
    // A development container's image: a developer's workspace.
    [
      '.devcontainer/Dockerfile',
      'ARG VARIANT=16-bullseye\nFROM mcr.microsoft.com/vscode/devcontainers/javascript-node:${VARIANT}\n',
      'low',
      'low',
      "marks a development environment's image",
    ],
    ['docker/Dockerfile', 'FROM node:22-slim\nCOPY . /app\n', null, null, undefined],
    // devDependencies only: build-time tools.
    [
      'assets/package.json',
      '{\n  "devDependencies": { "tailwindcss": "^3.4.19" }\n}\n',
      'low',
      null,
      'it declares devDependencies only',
    ],
    [
      'web/package.json',
      '{\n  "dependencies": { "express": "^4.21.1" },\n  "devDependencies": { "vitest": "^3.0.0" }\n}\n',
      null,
      null,
      undefined,
    ],
    [
      'lib/package.json',
      '{\n  "name": "acme-lib",\n  "main": "dist/index.js",\n  "devDependencies": { "esbuild": "^0.25.0" }\n}\n',
      null,
      null,
      undefined,
    ],
    // A pyproject.toml of dependency groups only (PEP 735: never published): developers' tools.
    [
      'tools/pyproject.toml',
      '[project]\nname = "x"\nversion = "0.1.0"\ndependencies = []\n\n[dependency-groups]\ndev = ["pytest>=8"]\n',
      'low',
      null,
      'it declares dependency groups only (dev)',
    ],
    // A dependency, or an optional extra users install, is the project's.
    [
      'svc/pyproject.toml',
      '[project]\nname = "x"\ndependencies = ["httpx>=0.27"]\n\n[dependency-groups]\ndev = ["pytest>=8"]\n',
      null,
      null,
      undefined,
    ],
    [
      'ext/pyproject.toml',
      '[project]\nname = "x"\ndependencies = []\n[project.optional-dependencies]\ncli = ["click"]\n\n[dependency-groups]\ndev = ["pytest>=8"]\n',
      null,
      null,
      undefined,
    ],
    // The requirements of the repository's own scripts: tools that developers and CI run.
    [
      'scripts/verify_pkg/requirements.txt',
      'lief==0.15.*\n',
      'low',
      null,
      "the requirements of the repository's own scripts",
    ],
    ['.github/scripts/requirements.in', 'requests>=2.32\n', 'low', null, 'under .github/'],
    ['service/requirements.txt', 'flask==3.0.0\n', null, null, undefined],
    ['packages/scripts/requirements.txt', 'flask==3.0.0\n', null, null, undefined],
    // Developers' and documentation tools only: hooks, linters, documentation generators.
    [
      'requirements-dev.txt',
      '# hooks and docs\npre-commit==4.1.0\nmkdocs==1.3.0\nmkdocs-material==4.6.3  # theme\nRuff>=0.6\n',
      'low',
      null,
      "developers' and documentation tools only (pre-commit, mkdocs, mkdocs-material, ruff)",
    ],
    ['requirements-dev.txt', 'pre-commit==4.1.0\nrequests==2.32.3\n', null, null, undefined],
    ['docs/requirements.txt', 'mkdocs==1.6.1\n-e .\n', null, null, undefined],
    // A development or build-tool image (by its folder or name) that no build publishes.
    [
      'tools/dev.Dockerfile',
      'FROM python:3.12-slim AS base\nRUN pip install grpcio-tools\n',
      'low',
      null,
      'its name, dev.Dockerfile, marks a development or build-tool image (dev) that no build of the repository publishes',
    ],
    [
      'Dockerfile.dev',
      'FROM node:22-alpine\nRUN npm i -g nodemon\n',
      'low',
      null,
      'marks a development or build-tool image',
    ],
    ['service/Dockerfile', 'FROM node:22-alpine\nCMD ["node", "app.js"]\n', null, null, undefined],
  ])('%s: graded by what it reaches', async (file, text, severity, confidence, reason) => {
    const findings = await coverage({ ...actionsOnly, [file]: text });
    expect(findings.map((f) => [at(f), f.severity ?? null, f.confidence ?? null])).toEqual([
      [`${file}:1:-`, severity, confidence],
    ]);
    if (reason) expect(findings[0]!.message).toContain(reason);
  });

  it.each([
    ['the package the root defines', 'acme_tool==3.3.13\n', 'low'],
    ['the package the root defines and a third-party one', 'acme-tool==3.3.13\nrequests==2.32.3\n', null],
    ['another package', 'other-tool==1.0.0\n', null],
  ])('requirements pinning %s: graded by what an updater could bump', async (_n, text, severity) => {
    const findings = await coverage({
      ...actionsOnly,
      'setup.py':
        'from setuptools import setup\nsetup(\n    name="acme-tool",\n    install_requires=["requests>=2"],\n)\n',
      'image/requirements.txt': text,
    });
    const image = findings.find((f) => f.location?.path === 'image/requirements.txt');
    expect(image?.severity ?? null).toBe(severity);
    if (severity) expect(image!.message).toContain("pins only the project's own package (acme-tool");
  });

  // A base image the build chooses: FROM a build argument alone, which a workflow passes.
  const release = (args: string) =>
    `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    strategy: { matrix: { base: ["debian:12-slim", "ubuntu:24.04"] } }\n    steps:\n${args}`;
  const buildArgs =
    '      - uses: docker/build-push-action@v6\n        with:\n          build-args: |\n            BASE_IMAGE=${{ matrix.base }}\n';
  const cli =
    '      - run: docker build --build-arg BASE_IMAGE=${{ matrix.base }} -f build/pkg.Dockerfile .\n';
  const fromArg = 'ARG BASE_IMAGE=debian:12-slim\nFROM --platform=$TARGETPLATFORM $BASE_IMAGE\nRUN make\n';
  it.each([
    ['passed in a build-args list', fromArg, buildArgs, 'low'],
    ['passed with --build-arg', fromArg.replace('$BASE_IMAGE', '${BASE_IMAGE}'), cli, 'low'],
    ['never passed', fromArg, '      - run: make\n', null],
    ['passed, but another stage names its image', `${fromArg}FROM node:22-slim\n`, buildArgs, null],
  ])('a Dockerfile FROM a build argument %s (case %#)', async (_n, dockerfile, steps, confidence) => {
    const findings = await coverage({
      ...actionsOnly,
      '.github/workflows/release.yml': release(steps),
      'build/pkg.Dockerfile': dockerfile,
    });
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([
      ['build/pkg.Dockerfile:1:-', confidence],
    ]);
    if (confidence)
      expect(findings[0]!.message).toContain(
        'built FROM a build argument (`BASE_IMAGE`) that a workflow passes',
      );
  });
});

describe("deps.update-coverage: the repository's own actions", () => {
  const composite = (uses: string) => `name: x\nruns:\n  using: composite\n  steps:\n    - uses: ${uses}\n`;
  const workflow = {
    '.github/workflows/ci.yml':
      'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n',
  };

  it('reports actions below the root that no github-actions entry lists, together, at the first', async () => {
    const findings = await coverage({
      ...dependabot(entry('github-actions', 'directories: ["/", "/.github/actions/*/"]')),
      ...workflow,
      // One level below the glob: Dependabot reads only the listed directories' files.
      '.github/actions/go/setup/action.yaml': composite('actions/setup-go@v5'),
      '.github/actions/git/cherry-pick/action.yml': composite('peter-evans/create-pull-request@v6'),
      // Matched by the glob.
      '.github/actions/lint/action.yml': composite('golangci/golangci-lint-action@v6'),
      // A branch follows itself, a local action is part of the tree: nothing to update.
      '.github/actions/local/action.yml': composite('./.github/actions/lint'),
      'tools/branch/action.yml': composite('acme/tool@main'),
    });
    expect(findings.map(at)).toEqual(['.github/actions/git/cherry-pick/action.yml:1:-']);
    expect(findings[0]!.message).toBe(
      "2 of the repository's own actions (.github/actions/git/cherry-pick/action.yml, " +
        '.github/actions/go/setup/action.yaml) get no automated updates of the actions they use: no ' +
        '`github-actions` entry in .github/dependabot.yml lists the directory "/.github/actions/git/cherry-pick" ' +
        '(it lists "/", "/.github/actions/*"). Dependabot reads an action\'s file only in a directory a ' +
        '`github-actions` entry lists ("/" reads the workflows and the root action only); list their ' +
        'directories or a glob that matches them.',
    );
  });

  it('reports one uncovered action as its directory, and not the root action or the workflows', async () => {
    const findings = await coverage({
      ...dependabot(entry('github-actions', 'directory: /')),
      ...workflow,
      'action.yml': composite('actions/cache@v4'),
      'ci/setup/action.yml': composite('actions/setup-node@v4'),
    });
    expect(findings.map(at)).toEqual(['ci/setup/action.yml:1:-']);
    expect(findings[0]!.message).toMatch(/^ci\/setup\/action\.yml \(github-actions\) in ci\/setup gets no/);
  });

  it('takes an entry for "/.github/workflows" for the workflows only', async () => {
    const findings = await coverage({
      ...dependabot(entry('github-actions', 'directories: ["/.github/workflows"]')),
      ...workflow,
      '.github/actions/setup/action.yml': composite('actions/setup-node@v4'),
    });
    expect(findings.map(at)).toEqual(['.github/actions/setup/action.yml:1:-']);
  });

  it('is covered by a listed directory, by Renovate, and leaves test fixtures out', async () => {
    const tree = {
      ...workflow,
      '.github/actions/setup/action.yml': composite('actions/setup-node@v4'),
      'test/fixtures/action/action.yml': composite('actions/setup-node@v3'),
    };
    expect(
      await coverage({
        ...dependabot(entry('github-actions', 'directories: ["/", "/.github/actions/setup"]')),
        ...tree,
      }),
    ).toEqual([]);
    expect(await coverage({ 'renovate.json': '{ "extends": ["config:recommended"] }', ...tree })).toEqual([]);
  });
});
