import { describe, expect, it } from 'vitest';
import '../../src/core/evaluators/registry.js';
import { nameKey } from '../../src/core/workspace/glob.js';
import {
  definedSelectors,
  defineSelector,
  globSelector,
  keysOfNames,
  type Selector,
} from '../../src/core/workspace/screens.js';
import { Workspace } from '../../src/core/workspace/workspace.js';

// A selector's keys let a large tree test only its files of a few name endings (Workspace.filesWhere):
// a key a selector's paths can have that its keys test refuses would hide those files from every rule
// that lists them. Each keyed selector is tried on many paths made from the names its kinds of file
// have, in every case, under many folders, with text before and after.

/** File names the selectors look for, and near misses. */
const NAMES = [
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  'yarn.lock',
  'poetry.lock',
  'uv.lock',
  'pdm.lock',
  'Pipfile',
  'Pipfile.lock',
  'go.mod',
  'go.sum',
  'Cargo.toml',
  'Cargo.lock',
  'gradle.lockfile',
  'buildscript-gradle.lockfile',
  'compile.lockfile',
  'Gemfile',
  'Gemfile.lock',
  'gems.rb',
  'gems.locked',
  'composer.json',
  'composer.lock',
  'packages.lock.json',
  'pyproject.toml',
  'setup.py',
  'setup.cfg',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
  'settings.gradle',
  'settings.gradle.kts',
  'libs.versions.toml',
  'App.csproj',
  'Lib.fsproj',
  'Old.vbproj',
  'packages.config',
  'Directory.Packages.props',
  'pubspec.yaml',
  'Package.swift',
  'requirements.txt',
  'requirements-dev.txt',
  'requirements.in',
  'constraints.txt',
  'constraints-test.in',
  'docker-compose.yml',
  'compose.yaml',
  'compose.override.yml',
  'prod.docker-compose.yml',
  'podman-compose.yaml',
  'docker-compose_test.yaml',
  'action.yml',
  'action.yaml',
  'ci.yml',
  'release.yaml',
  'run.sh',
  'setup.bash',
  's3_test.go',
  'test_s3.py',
  's3_test.py',
  'a.spec.ts',
  'a.test.mjs',
  'b.spec.cjs',
  'FooTest.java',
  'FooTests.kt',
  'a_spec.rb',
  'main.go',
  'index.js',
  'updatecli.yaml',
  'SECURITY',
  'SECURITY.md',
  'security.rst',
  'CODEOWNERS',
  'Dockerfile',
  'Dockerfile.dev',
  'app.Dockerfile',
  'kustomization.yaml',
  'Kustomization',
  'main.tf',
  'README',
  '.gitignore',
  'Makefile',
  'x',
  'x.',
];
const FOLDERS = [
  '',
  'a/',
  'a/b/',
  '.github/',
  '.github/workflows/',
  'gradle/',
  'a/gradle/',
  'requirements/',
  'gradle/dependency-locks/',
  'test/',
  'e2e/',
  'node_modules/x/',
  'updatecli/',
  'updatecli.d/',
  'docs/',
  '.config/',
  'x.y/',
  'Test/',
];
const AROUND: [string, string][] = [
  ['', ''],
  ['x', ''],
  ['', '.bak'],
  ['.', ''],
  ['x-', ''],
  ['', '-1'],
  ['x.', ''],
];

/** A deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function corpus(): string[] {
  const next = random(27002);
  const paths = new Set<string>();
  for (const folder of FOLDERS) {
    for (const name of NAMES) {
      for (const [before, after] of AROUND) {
        const file = `${before}${name}${after}`;
        paths.add(folder + file);
        paths.add(folder + file.toUpperCase());
        paths.add(folder + file.toLowerCase());
        // Letters flipped at random.
        const flipped = [...file].map((c) => (next() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');
        paths.add(folder + flipped);
      }
    }
  }
  return [...paths];
}

const PATHS = corpus();

/** The keyed selectors the evaluators define, and glob selectors of both kinds. */
function keyedSelectors(): Selector[] {
  const globs: [string[], boolean][] = [
    [['**/package.json', '**/*.{yml,yaml}'], false],
    [['.github/SECURITY{,.md,.markdown,.rst,.txt,.adoc}', 'SECURITY{,.md,.markdown,.rst,.txt,.adoc}'], true],
    [['**/CODEOWNERS', '**/*.Dockerfile'], true],
    [['**/requirements*.txt', '**/Cargo.toml'], true],
  ];
  for (const [patterns, ignoreCase] of globs) globSelector(patterns, { ignoreCase });
  return definedSelectors().filter((s) => s.keys !== undefined);
}

describe('selector keys', () => {
  const selectors = keyedSelectors();

  it('are declared by the selectors that list manifests, lockfiles, compose files and scripts', () => {
    const names = selectors.map((s) => s.name);
    for (const name of [
      'package-manifests',
      'lockfiles',
      'lockfile-manifests',
      'git-branch-manifests',
      'compose-files',
      'shell-scripts',
      'k8s-test-sources',
    ]) {
      expect(names).toContain(name);
    }
  });

  it.each(selectors.map((s) => [s.name, s] as const))(
    '%s: every path it passes has a key it accepts',
    (_name, s) => {
      const passed = PATHS.filter((p) => s.test(p));
      // Each selector passes some of the paths: the test says something of it.
      expect(passed.length).toBeGreaterThan(0);
      expect(passed.filter((p) => !s.keys!(nameKey(p)))).toEqual([]);
    },
  );

  it('lists by keys what a test of every path lists, whether the tree has grouped its files yet or not', () => {
    const sorted = [...PATHS].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // A tree that has made a few lists path by path groups its files: each selector is asked of it
    // after three others, and of another tree first.
    const grouped = new Workspace('/nonexistent', { files: sorted });
    for (const ending of ['.a', '.b', '.c']) {
      grouped.filesWhere(
        defineSelector(`keys-test${ending}`, (f) => f.endsWith(ending), keysOfNames([ending])),
      );
    }
    for (const s of selectors) {
      const expected = sorted.filter((f) => s.test(f));
      expect(grouped.filesWhere(s), s.name).toEqual(expected);
      expect(new Workspace('/nonexistent', { files: [...sorted] }).filesWhere(s), s.name).toEqual(expected);
    }
  });
});
