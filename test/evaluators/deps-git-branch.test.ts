import { afterAll, describe, expect, it } from 'vitest';
import { depsGitBranch } from '../../src/core/evaluators/deps/git-branch.js';
import {
  gemfileGitDependencies,
  judgeRef,
  pipGitDependencies,
  stripUserInfo,
  tomlGitDependencies,
} from '../../src/core/evaluators/deps/git-refs.js';
import { at, cleanup, run } from './kit.js';

afterAll(cleanup);

const SHA = '6f1d4c2b9a8e7d3c5b4a2918f7e6d5c4b3a29180';

describe('judgeRef', () => {
  it.each([
    [{ refKey: 'none' as const }, 'default-branch'],
    [{ refKey: 'suffix' as const, ref: '' }, 'default-branch'],
    [{ refKey: 'branch' as const, ref: 'v1.0.0' }, 'branch'],
    [{ refKey: 'tag' as const, ref: 'release' }, 'tag'],
    [{ refKey: 'suffix' as const, ref: SHA }, 'commit'],
    [{ refKey: 'rev' as const, ref: '9f8e7d6' }, 'commit'],
    [{ refKey: 'suffix' as const, ref: 'v1.2.3' }, 'tag'],
    [{ refKey: 'suffix' as const, ref: '2.0.0-rc.1' }, 'tag'],
    [{ refKey: 'suffix' as const, ref: 'semver:^1.2.0' }, 'tag'],
    [{ refKey: 'suffix' as const, ref: 'main' }, 'branch'],
    [{ refKey: 'rev' as const, ref: 'develop' }, 'branch'],
  ])('%j is %s', (dep, kind) => {
    expect(judgeRef(dep)).toBe(kind);
  });
});

describe('git dependency readers', () => {
  it('never keeps user information (a token) in a URL', () => {
    expect(stripUserInfo('git+https://x-token:abc123@github.com/o/r.git')).toBe(
      'git+https://github.com/o/r.git',
    );
    expect(stripUserInfo('https://github.com/o/r.git')).toBe('https://github.com/o/r.git');
  });

  it('reads pip requirement lines in both forms', () => {
    const deps = pipGitDependencies(
      [
        '-e git+https://github.com/o/a.git@main#egg=a',
        'b[extra] @ git+ssh://git@github.com/o/b.git',
        `c @ git+https://token@github.com/o/c.git@${SHA}`,
        '# git+https://github.com/o/d.git@main',
      ].join('\n'),
    );
    expect(deps.map((d) => [d.name, d.url, d.refKey, d.ref ?? null, d.line])).toEqual([
      ['a', 'git+https://github.com/o/a.git', 'suffix', 'main', 1],
      ['b', 'git+ssh://github.com/o/b.git', 'none', null, 2],
      ['c', 'git+https://github.com/o/c.git', 'suffix', SHA, 3],
    ]);
  });

  it('reads TOML inline tables and dependency tables', () => {
    const deps = tomlGitDependencies(
      [
        '[dependencies]',
        'a = { git = "https://g/a", branch = "dev" }',
        `"b" = { git = "https://g/b", rev = "${SHA}" }`,
        '[dependencies.c]',
        'version = "1"',
        'git = "https://g/c"',
        '[tool.poetry.dependencies]',
        'd = {git = "https://g/d", tag = "v1"}',
        '[packages]',
        'e = {git = "https://g/e", ref = "main", editable = true}',
      ].join('\n'),
    );
    expect(deps.map((d) => [d.name, judgeRef(d), d.line])).toEqual([
      ['a', 'branch', 2],
      ['b', 'commit', 3],
      ['c', 'default-branch', 6],
      ['d', 'tag', 8],
      ['e', 'branch', 10],
    ]);
  });

  it('reads Gemfile options in both hash syntaxes and git blocks', () => {
    const deps = gemfileGitDependencies(
      [
        'gem "a", git: "https://g/a.git", branch: "main"',
        "gem 'b', :github => 'o/b', :tag => 'v2.0.0'",
        'gem "c", github: "o/c"',
        'git "https://g/d.git", ref: "abc1234" do',
        '# gem "e", git: "https://g/e.git"',
      ].join('\n'),
    );
    expect(deps.map((d) => [d.name, judgeRef(d)])).toEqual([
      ['a', 'branch'],
      ['b', 'tag'],
      ['c', 'default-branch'],
      ['https://g/d.git', 'commit'],
    ]);
  });
});

describe('deps.git-branch', () => {
  it('reports package.json git dependencies at their line and column, without credentials', async () => {
    const findings = await run(
      depsGitBranch,
      {},
      {
        'package.json': `{\n  "dependencies": {\n    "a": "git+https://deploy:s3cr3tValue@github.com/o/a.git#main",\n    "b": "o/b#${SHA}",\n    "c": "^1.0.0"\n  }\n}\n`,
      },
    );
    expect(findings.map(at)).toEqual(['package.json:3:11']);
    expect(findings[0]!.message).toBe(
      'Dependency "a" follows the branch "main" of git+https://github.com/o/a.git: every install can get different, unreviewed code. Pin a full commit SHA or a release tag.',
    );
    expect(JSON.stringify(findings)).not.toContain('s3cr3tValue');
  });

  it('skips excluded manifests', async () => {
    const files = { 'node_modules/x/package.json': '{ "dependencies": { "a": "o/a" } }' };
    expect(await run(depsGitBranch, {}, files)).toEqual([]);
  });
});
