import { afterAll, describe, expect, it } from 'vitest';
import {
  directoryMatches,
  normaliseDir,
  parseJsonish,
} from '../../src/core/evaluators/deps/update-config.js';
import { depsUpdateCoverage } from '../../src/core/evaluators/deps/update-coverage.js';
import { at, cleanup, run } from './kit.js';

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
