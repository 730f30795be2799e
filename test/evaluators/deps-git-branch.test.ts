import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import { depsGitBranch } from '../../src/core/evaluators/deps/git-branch.js';
import {
  gemfileGitDependencies,
  judgeRef,
  pipGitDependencies,
  stripUserInfo,
  tomlGitDependencies,
} from '../../src/core/evaluators/deps/git-refs.js';
import { CHUNK_FILES } from '../../src/core/slices.js';
import { FocusedWorkspace } from '../../src/core/workspace/focus.js';
import { scratchRepo } from '../helpers/git-repo.js';
import { at, cleanup, run, workspaceOf } from './kit.js';

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
    // A version range over tags (Yarn's `#~0.8.3`): git forbids `~`, `^` and spaces in branch names.
    [{ refKey: 'suffix' as const, ref: '~0.8.3' }, 'tag'],
    [{ refKey: 'suffix' as const, ref: '^1.2' }, 'tag'],
    [{ refKey: 'suffix' as const, ref: '>=1.0.0 <2' }, 'tag'],
    [{ refKey: 'suffix' as const, ref: '>=1.0.0' }, 'branch'],
    [{ refKey: 'suffix' as const, ref: 'release-~1' }, 'branch'],
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

  it('reads a Gemfile ref given by an expression as that ref, not as the default branch', async () => {
    const gemfile = [
      'source "https://rubygems.org"',
      'gem "web", github: "o/web", branch: ENV["WEB_BRANCH"], require: false',
      "gem 'api', :git => 'https://g/api.git', :tag => ENV.fetch('API_TAG')",
      'gem "cli", github: "o/cli"',
      '',
    ].join('\n');
    const findings = await run(depsGitBranch, {}, { Gemfile: gemfile });
    // Keyed as before the expression was read (no ref), so the finding's fingerprint is unchanged.
    expect(findings[0]!.key).toBe('web\u0000github:o/web\u0000');
    expect(findings.map((f) => [at(f), f.message])).toEqual([
      [
        'Gemfile:2:-',
        'Dependency "web" follows a branch computed at install (`ENV["WEB_BRANCH"]`) of github:o/web: every install can get different, unreviewed code. Pin a full commit SHA or a release tag.',
      ],
      [
        'Gemfile:4:-',
        'Dependency "cli" follows the default branch (no ref is given) of github:o/cli: every install can get different, unreviewed code. Pin a full commit SHA or a release tag.',
      ],
    ]);
  });

  it('a nested composer.json whose code the root autoloads: low, saying no install here resolves it', async () => {
    const req = (dep: string) =>
      `{\n  "name": "acme/${dep}-pkg",\n  "require": {\n    "acme/${dep}": "dev-main"\n  }\n}\n`;
    const findings = await run(
      depsGitBranch,
      {},
      {
        'composer.json': JSON.stringify({
          name: 'acme/shop',
          require: { php: '^8.2' },
          autoload: { 'psr-4': { 'Acme\\Core\\': 'modules/Core/src/' } },
        }),
        'composer.lock': '{"packages": []}\n',
        'modules/Core/composer.json': req('base'),
        'modules/Pay/composer.json': req('gateway'),
      },
    );
    expect(findings.map((f) => [at(f), f.confidence, f.message])).toEqual([
      [
        'modules/Core/composer.json:4:-',
        'low',
        'Dependency "acme/base" follows the branch "main": every install can get different, unreviewed code. Pin a full commit SHA or a release tag. The root composer.json loads this package\'s code from modules/Core/src by its autoload, so this repository never resolves the requirement; whoever installs the package does.',
      ],
      [
        'modules/Pay/composer.json:4:-',
        undefined,
        'Dependency "acme/gateway" follows the branch "main": every install can get different, unreviewed code. Pin a full commit SHA or a release tag.',
      ],
    ]);
  });

  it.each<[string, string[], string | undefined]>([
    // A CI matrix leg opts into upstream's branch through a variable; a plain install takes the release.
    [
      'a variable assigned from ENV, then a modifier if',
      [
        "rack_version = ENV['rack'].to_s",
        "rack_version = nil if rack_version.empty? || (rack_version == 'stable')",
        "rack_version = { github: 'rack/rack' } if rack_version == 'head'",
        "gem 'rack', rack_version",
      ],
      "rack_version == 'head'",
    ],
    [
      'a modifier if on ENV itself',
      ['gem "rails", github: "rails/rails" if ENV["RAILS_EDGE"]'],
      'ENV["RAILS_EDGE"]',
    ],
    [
      'an if block on ENV',
      [
        'if ENV["RAILS_VERSION"] == "edge"',
        '  gem "rails", github: "rails/rails"',
        'else',
        '  gem "rails"',
        'end',
      ],
      'ENV["RAILS_VERSION"] == "edge"',
    ],
    // Not an opt-in: what a plain install takes.
    [
      'the else of an if on ENV',
      ['if ENV["RELEASED"]', '  gem "rails"', 'else', '  gem "rails", github: "rails/rails"', 'end'],
      undefined,
    ],
    ['unless on ENV', ['gem "rails", github: "rails/rails" unless ENV["RELEASED"]'], undefined],
    ['a negated condition', ['gem "rails", github: "rails/rails" if !ENV["RELEASED"]'], undefined],
    ['a test for absence', ['gem "rails", github: "rails/rails" if ENV["RAILS"].nil?'], undefined],
    [
      'fetch with a default',
      ['gem "rails", github: "rails/rails" if ENV.fetch("RAILS", "edge") == "edge"'],
      undefined,
    ],
    [
      'a variable with a default',
      ['v = ENV["RAILS"] || "edge"', 'v = { github: "rails/rails" } if v == "edge"', 'gem "rails", v'],
      undefined,
    ],
    [
      'a variable reassigned to a literal',
      ['v = ENV["RAILS"]', 'v = "edge"', 'v = { github: "rails/rails" } if v == "edge"', 'gem "rails", v'],
      undefined,
    ],
    ['a condition on the platform', ['gem "x", github: "o/x" if RUBY_VERSION >= "3.0"'], undefined],
    ['ENV only in a string', ['gem "x", github: "o/ENV" if RUBY_ENGINE == "ENV"'], undefined],
    [
      'after the block on ENV has ended',
      ['if ENV["EDGE"]', '  gem "a"', 'end', 'gem "x", github: "o/x"'],
      undefined,
    ],
  ])(
    'a Gemfile git source under %s is noted as an opt-in of the environment only when it is one',
    async (_case, lines, condition) => {
      const findings = await run(
        depsGitBranch,
        {},
        { Gemfile: `source "https://rubygems.org"\n${lines.join('\n')}\n` },
      );
      const gitLine = lines.findIndex((l) => /github:/.test(l)) + 2;
      expect(findings.map((f) => [at(f), f.confidence])).toEqual([
        [`Gemfile:${gitLine}:-`, condition ? 'low' : undefined],
      ]);
      if (condition) {
        expect(findings[0]!.message).toContain(
          `The manifest takes it from git only when \`${condition}\`, a value of the environment: an install that does not set it gets the registry's release`,
        );
      } else expect(findings[0]!.message).not.toContain('only when');
    },
  );

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

  it('skips scaffolding templates, whose generated project resolves its own dependencies', async () => {
    const deps = '"dependencies": { "a": "o/a#main" }';
    const files = {
      'templates/starter/package.json': `{ "name": "{{ project_name }}", ${deps} }`,
      'templates/site/package.json': `{ "name": "site", ${deps} }`,
    };
    expect((await run(depsGitBranch, {}, files)).map(at)).toEqual(['templates/site/package.json:1:43']);
  });

  // A branch dependency that the lockfile beside the manifest locks to a commit: installs from the
  // lockfile get that commit (low); without the lockfile, or when it does not lock it, medium.
  const LOCKED = '0123456789abcdef0123456789abcdef01234567';
  const branch = (name: string, url: string) => `Dependency "${name}" follows the branch "main" of ${url}`;
  const open = (name: string, url: string) =>
    `${branch(name, url)}: every install can get different, unreviewed code. Pin a full commit SHA or a release tag.`;
  const locked = (name: string, url: string, lockfile: string, install: string) =>
    `${branch(name, url)}, but ${lockfile} locks it to commit ${LOCKED}, so installs from the lockfile get that ` +
    `commit. Install with ${install}, so that an out-of-date lockfile fails the install instead of being locked ` +
    "again; any update of the lockfile takes the branch's latest commit. Pin the commit or a release tag in the manifest too.";

  const uv = {
    manifest: 'pyproject.toml',
    text: '[project]\nname = "app"\ndependencies = ["my_lib"]\n\n[tool.uv.sources]\nmy_lib = { git = "https://github.com/o/lib", branch = "main" }\n',
    name: 'my_lib',
    url: 'https://github.com/o/lib',
    lockfile: 'uv.lock',
    install: '`uv sync --locked`',
    pins: `version = 1\n\n[[package]]\nname = "my-lib"\nversion = "0.1.0"\nsource = { git = "https://github.com/o/lib?branch=main#${LOCKED}" }\n`,
    unpinned:
      'version = 1\n\n[[package]]\nname = "my-lib"\nversion = "0.1.0"\nsource = { registry = "https://pypi.org/simple" }\n',
  };
  const poetry = {
    ...uv,
    text: '[tool.poetry.dependencies]\nlib = { git = "https://github.com/o/lib", branch = "main" }\n',
    name: 'lib',
    lockfile: 'poetry.lock',
    install: '`poetry install` after `poetry check --lock`',
    pins: `[[package]]\nname = "lib"\nversion = "0.1.0"\n\n[package.source]\ntype = "git"\nurl = "https://github.com/o/lib"\nreference = "main"\nresolved_reference = "${LOCKED}"\n`,
    unpinned:
      '[[package]]\nname = "lib"\nversion = "0.1.0"\n\n[package.source]\ntype = "git"\nurl = "https://github.com/o/lib"\nreference = "main"\nresolved_reference = "main"\n',
  };
  const cargo = {
    manifest: 'Cargo.toml',
    text: '[package]\nname = "app"\n\n[dependencies]\nlib = { git = "https://github.com/o/lib", branch = "main" }\n',
    name: 'lib',
    url: 'https://github.com/o/lib',
    lockfile: 'Cargo.lock',
    install: '`cargo build --locked`',
    pins: `version = 3\n\n[[package]]\nname = "lib"\nversion = "0.1.0"\nsource = "git+https://github.com/o/lib?branch=main#${LOCKED}"\n`,
    unpinned:
      'version = 3\n\n[[package]]\nname = "lib"\nversion = "0.1.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n',
  };
  const bundler = {
    manifest: 'Gemfile',
    text: 'source "https://rubygems.org"\ngem "lib", git: "https://github.com/o/lib.git", branch: "main"\n',
    name: 'lib',
    url: 'https://github.com/o/lib.git',
    lockfile: 'Gemfile.lock',
    install: '`bundle install` with `BUNDLE_FROZEN=true`',
    pins: `GIT\n  remote: https://github.com/o/lib.git\n  revision: ${LOCKED}\n  branch: main\n  specs:\n    lib (0.1.0)\n\nGEM\n  remote: https://rubygems.org/\n  specs:\n    rake (13.0.0)\n`,
    unpinned: 'GEM\n  remote: https://rubygems.org/\n  specs:\n    lib (0.1.0)\n',
  };
  const npmText = '{\n  "dependencies": {\n    "@o/lib": "git+https://github.com/o/lib.git#main"\n  }\n}\n';
  const npm = {
    manifest: 'package.json',
    text: npmText,
    name: '@o/lib',
    url: 'git+https://github.com/o/lib.git',
    lockfile: 'package-lock.json',
    install: '`npm ci`',
    pins: JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { dependencies: { '@o/lib': 'git+https://github.com/o/lib.git#main' } },
        'node_modules/@o/lib': { version: '1.0.0', resolved: `git+ssh://git@github.com/o/lib.git#${LOCKED}` },
      },
    }),
    unpinned: JSON.stringify({
      lockfileVersion: 3,
      packages: {
        'node_modules/@o/lib': {
          version: '1.0.0',
          resolved: 'https://registry.npmjs.org/@o/lib/-/lib-1.0.0.tgz',
        },
      },
    }),
  };
  const npmV1 = {
    ...npm,
    pins: JSON.stringify({
      lockfileVersion: 1,
      dependencies: {
        '@o/lib': {
          version: `git+https://github.com/o/lib.git#${LOCKED}`,
          from: 'git+https://github.com/o/lib.git#main',
        },
      },
    }),
    unpinned: JSON.stringify({ lockfileVersion: 1, dependencies: { '@o/lib': { version: '1.0.0' } } }),
  };
  const yarn = {
    ...npm,
    lockfile: 'yarn.lock',
    install: '`yarn install --frozen-lockfile`, or `--immutable` from Yarn 2',
    pins: `# yarn lockfile v1\n\n"@o/lib@git+https://github.com/o/lib.git#main":\n  version "1.0.0"\n  resolved "git+https://github.com/o/lib.git#${LOCKED}"\n`,
    unpinned:
      '# yarn lockfile v1\n\n"@o/lib@git+https://github.com/o/lib.git#main":\n  version "1.0.0"\n  resolved "https://registry.yarnpkg.com/@o/lib/-/lib-1.0.0.tgz"\n',
  };
  const yarnCodeload = {
    ...yarn,
    pins: `# yarn lockfile v1\n\n"@o/lib@git+https://github.com/o/lib.git#main":\n  version "1.0.0"\n  resolved "https://codeload.github.com/o/lib/tar.gz/${LOCKED}"\n`,
  };
  const pnpm = {
    ...npm,
    lockfile: 'pnpm-lock.yaml',
    install: '`pnpm install --frozen-lockfile`',
    pins: `lockfileVersion: '9.0'\npackages:\n  '@o/lib@git+https://github.com/o/lib.git#${LOCKED}':\n    resolution: {type: git, repo: 'https://github.com/o/lib.git', commit: ${LOCKED}}\n    version: 1.0.0\n`,
    unpinned:
      "lockfileVersion: '9.0'\npackages:\n  '@o/lib@1.0.0':\n    resolution: {integrity: sha512-AAAA}\n",
  };
  const ecosystems = Object.entries({ uv, poetry, cargo, bundler, npm, npmV1, yarn, yarnCodeload, pnpm });

  it.each(ecosystems)(
    '%s: low where the lockfile locks the commit, medium where it does not or is missing',
    async (_name, e) => {
      const outcome = async (files: Record<string, string>) =>
        (await run(depsGitBranch, {}, files)).map((f) => [f.location?.path, f.severity ?? 'rule', f.message]);
      const inDir = (dir: string) => (f: string) => (dir ? `${dir}/${f}` : f);
      for (const dir of ['', 'packages/app']) {
        const p = inDir(dir);
        expect(await outcome({ [p(e.manifest)]: e.text, [p(e.lockfile)]: e.pins })).toEqual([
          [p(e.manifest), 'low', locked(e.name, e.url, p(e.lockfile), e.install)],
        ]);
        expect(await outcome({ [p(e.manifest)]: e.text, [p(e.lockfile)]: e.unpinned })).toEqual([
          [p(e.manifest), 'rule', open(e.name, e.url)],
        ]);
        expect(await outcome({ [p(e.manifest)]: e.text })).toEqual([
          [p(e.manifest), 'rule', open(e.name, e.url)],
        ]);
      }
      // A lockfile in another directory is another project's.
      expect(await outcome({ [`a/${e.manifest}`]: e.text, [`b/${e.lockfile}`]: e.pins })).toEqual([
        [`a/${e.manifest}`, 'rule', open(e.name, e.url)],
      ]);
    },
  );

  // A workspace keeps one lockfile at its root for every member; a root that is no workspace does not lock
  // the nested project.
  it.each([
    ['cargo', cargo, '[workspace]\nmembers = ["crates/*"]\n', 'crates/app', '[package]\nname = "root"\n'],
    ['npm', npm, '{ "workspaces": ["packages/*"] }', 'packages/app', '{ "name": "root" }'],
    ['pnpm', pnpm, '{ "name": "root" }', 'packages/app', '{ "name": "root" }'],
    [
      'uv',
      uv,
      '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
      'packages/app',
      '[project]\nname = "root"\n',
    ],
  ])(
    '%s: a workspace member is locked by the lockfile at the workspace root',
    async (name, e, root, dir, notRoot) => {
      const outcome = async (files: Record<string, string>) =>
        (await run(depsGitBranch, {}, files)).map((f) => [f.location?.path, f.severity ?? 'rule', f.message]);
      const member = `${dir}/${e.manifest}`;
      const extra: Record<string, string> =
        name === 'pnpm' ? { 'pnpm-workspace.yaml': 'packages:\n  - "packages/*"\n' } : {};
      expect(await outcome({ [e.manifest]: root, ...extra, [member]: e.text, [e.lockfile]: e.pins })).toEqual(
        [[member, 'low', locked(e.name, e.url, e.lockfile, e.install)]],
      );
      // Not a workspace root: its lockfile is its own.
      expect(await outcome({ [e.manifest]: notRoot, [member]: e.text, [e.lockfile]: e.pins })).toEqual([
        [member, 'rule', open(e.name, e.url)],
      ]);
      // A member's own lockfile that does not lock it decides, not the root's.
      expect(
        await outcome({
          [e.manifest]: root,
          ...extra,
          [member]: e.text,
          [e.lockfile]: e.pins,
          [`${dir}/${e.lockfile}`]: e.unpinned,
        }),
      ).toEqual([[member, 'rule', open(e.name, e.url)]]);
    },
  );

  it('composer: low where composer.lock locks the dev- branch to a git commit; a metapackage, no finding', async () => {
    const manifest = JSON.stringify(
      { require: { 'o/lib': 'dev-main' }, 'require-dev': { 'roave/security-advisories': 'dev-latest' } },
      null,
      2,
    );
    const entry = (name: string, type: string, source: Record<string, string>) => ({
      name,
      version: 'dev-main',
      type,
      source,
    });
    const git = (reference: string) => ({ type: 'git', url: 'https://github.com/o/x.git', reference });
    const lock = (lib: Record<string, string>, advisories = 'metapackage') =>
      JSON.stringify({
        packages: [entry('o/lib', 'library', lib)],
        'packages-dev': [entry('roave/security-advisories', advisories, git(SHA))],
      });
    const outcome = async (files: Record<string, string>) =>
      (await run(depsGitBranch, {}, files)).map((f) => [at(f), f.severity ?? 'rule', f.message]);
    const open = (name: string, ref: string) =>
      `Dependency "${name}" follows the branch "${ref}": every install can get different, unreviewed code. Pin a full commit SHA or a release tag.`;
    expect(
      await outcome({ 'composer.json': manifest, 'composer.lock': lock(git(LOCKED.toUpperCase())) }),
    ).toEqual([
      [
        'composer.json:3:-',
        'low',
        `Dependency "o/lib" follows the branch "main", but composer.lock locks it to commit ${LOCKED}, so installs ` +
          'from the lockfile get that commit. Install with `composer install` after `composer validate --strict`, so ' +
          'that an out-of-date lockfile fails the install instead of being locked again; any update of the lockfile ' +
          "takes the branch's latest commit. Pin the commit or a release tag in the manifest too.",
      ],
    ]);
    // A dist-only or abbreviated reference locks no git commit; a library following a branch is code.
    expect(
      await outcome({
        'composer.json': manifest,
        'composer.lock': lock({ type: 'zip', url: 'https://x/lib.zip', reference: LOCKED }, 'library'),
      }),
    ).toEqual([
      ['composer.json:3:-', 'rule', open('o/lib', 'main')],
      ['composer.json:6:-', 'low', expect.stringContaining('composer.lock locks it to commit')],
    ]);
    expect(await outcome({ 'composer.json': manifest, 'composer.lock': lock(git('1234567')) })).toEqual([
      ['composer.json:3:-', 'rule', open('o/lib', 'main')],
    ]);
    // Without the lockfile nothing says the advisories package ships no code.
    expect(await outcome({ 'composer.json': manifest })).toEqual([
      ['composer.json:3:-', 'rule', open('o/lib', 'main')],
      ['composer.json:6:-', 'rule', open('roave/security-advisories', 'latest')],
    ]);
  });

  it('reports a branch dependency once when the slices of a large tree part the manifest from its lockfile', async () => {
    const files: Record<string, string> = {
      Gemfile:
        "source 'https://rubygems.org'\ngem 'rails', git: 'https://github.com/rails/rails.git', branch: 'main'\n",
      'Gemfile.lock': `GIT\n  remote: https://github.com/rails/rails.git\n  revision: ${LOCKED}\n  branch: main\n  specs:\n    rails (7.2.0)\n\nDEPENDENCIES\n  rails!\n`,
    };
    // The last file of the first slice is the Gemfile, the first of the second its lockfile.
    for (let i = 0; i < CHUNK_FILES - 1; i++) files[`A${String(i).padStart(5, '0')}.txt`] = 'x\n';
    const repo = scratchRepo();
    repo.commit(files, 'first');
    const report = await runCheck({ root: repo.dir, onlyRules: ['dependency-git-branch'], failOnGap: false });
    expect(
      report.findings.map(
        (f) => `${f.location?.path}:${f.location?.startLine} ${f.fingerprint.includes(':')}`,
      ),
    ).toEqual(['Gemfile:2 false']);
  });

  it('judges a manifest only where it is in view, not for its lockfile (a pull request brings the manifest through affectedBy)', async () => {
    const whole = workspaceOf({
      [cargo.manifest]: cargo.text,
      [cargo.lockfile]: cargo.pins,
      'src/main.rs': '',
    });
    // A slice of a large tree that holds the lockfile and not the manifest: the manifest's own slice
    // judges it (judged here too, its finding was reported twice).
    expect(await run(depsGitBranch, {}, new FocusedWorkspace(whole, [cargo.lockfile]))).toEqual([]);
    expect(await depsGitBranch.affectedBy!([cargo.lockfile], whole, whole)).toEqual([
      cargo.manifest,
      cargo.manifest,
    ]);
  });
});
