// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile `${VAR}` syntax is test data here.
import { afterAll, describe, expect, it } from 'vitest';
import {
  directoryMatches,
  normaliseDir,
  parseJsonish,
} from '../../src/core/evaluators/deps/update-config.js';
import { depsUpdateCoverage } from '../../src/core/evaluators/deps/update-coverage.js';
import { neutraliseTemplates } from '../../src/core/evaluators/deps/updatecli.js';
import { RecordingWorkspace } from '../../src/core/workspace/recording.js';
import { InputLog, touchedBy } from '../../src/core/workspace/scope.js';
import { at, cleanup, run, workspaceOf } from './kit.js';

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

  it('says which directories an ecosystem entry does list', async () => {
    const [f] = await coverage({
      ...dependabot(entry('pip', 'directories: ["/api"]')),
      'worker/requirements.txt': 'celery==5.4.0\n',
    });
    expect(f!.message).toContain('lists the directory "/worker" (it lists "/api")');
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
