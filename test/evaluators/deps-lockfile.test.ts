import { afterAll, describe, expect, it } from 'vitest';
import { depsLockfile } from '../../src/core/evaluators/repo/deps-lockfile.js';
import {
  cargoNeedsLock,
  pyprojectDeclaresDependencies,
  pyprojectTool,
} from '../../src/core/evaluators/repo/manifests.js';
import { cleanup, run, workspaceOf } from './kit.js';

afterAll(cleanup);

const pkg = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name: 'p', version: '1.0.0', dependencies: { lodash: '^4.17.21' }, ...extra }, null, 2);

const paths = async (files: Record<string, string>, options: Record<string, unknown> = {}) =>
  (await run(depsLockfile, options, files)).map((f) => f.location?.path).sort();

describe('deps.lockfile: workspace roots', () => {
  it('accepts a lockfile in the npm/yarn workspace root that lists the package', async () => {
    const root = JSON.stringify({
      private: true,
      workspaces: { packages: ['packages/*', '!packages/legacy'] },
    });
    const files = {
      'package.json': root,
      'yarn.lock': '# yarn lockfile v1\n',
      'packages/api/package.json': pkg(),
      'packages/legacy/package.json': pkg(),
      'tools/cli/package.json': pkg(),
    };
    // legacy is negated out of the workspace and tools/ was never in it: the root lockfile does not cover them.
    expect(await paths(files)).toEqual(['packages/legacy/package.json', 'tools/cli/package.json']);
  });

  it('accepts a pnpm lockfile beside pnpm-workspace.yaml', async () => {
    const files = {
      'package.json': JSON.stringify({ private: true }),
      'pnpm-workspace.yaml': 'packages:\n  - "apps/**"\n',
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
      'apps/web/site/package.json': pkg(),
    };
    expect(await paths(files)).toEqual([]);
  });

  it('does not accept an ancestor lockfile that is not a workspace root', async () => {
    const files = { 'package.json': pkg(), 'package-lock.json': '{}', 'examples/demo/package.json': pkg() };
    expect(await paths(files)).toEqual(['examples/demo/package.json']);
  });

  it('accepts Cargo.lock in the [workspace] root and uv.lock in a uv workspace root', async () => {
    const crate = '[package]\nname = "c"\n\n[target.\'cfg(unix)\'.dependencies]\nlibc = "0.2"\n';
    const files = {
      'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n',
      'Cargo.lock': 'version = 3\n',
      'crates/c/Cargo.toml': crate,
      'py/pyproject.toml': '[project]\nname = "root"\n\n[tool.uv.workspace]\nmembers = ["libs/*"]\n',
      'py/uv.lock': 'version = 1\n',
      'py/libs/a/pyproject.toml': '[project]\nname = "a"\n\n[tool.uv]\ndev-dependencies = ["pytest"]\n',
      'other/Cargo.toml': crate,
    };
    expect(await paths(files)).toEqual(['other/Cargo.toml']);
  });

  // Cargo makes a path dependency of a member that lies inside the workspace a member too (an implicit
  // member), locked by the root Cargo.lock; a crate outside it, excluded, or reached by no member is not.
  it.each([
    ['a path dependency of a member', 'libs/x', '../../libs/x', [], []],
    ['a path dependency of an implicit member', 'libs/y', '../../libs/x', ['y = { path = "../y" }'], []],
    ['an excluded path dependency', 'libs/x', '../../libs/x', [], ['libs/x/Cargo.toml']],
    ['a crate no member depends on', 'libs/x', '../../elsewhere', [], ['libs/x/Cargo.toml']],
  ])('Cargo.lock at the root covers %s', async (name, crateDir, dep, xDeps, expected) => {
    const crate = (n: string, extra: string[] = []) =>
      `[package]\nname = "${n}"\n\n[dependencies]\nbytes = "1"\n${extra.join('\n')}\n`;
    const exclude = name.startsWith('an excluded') ? '\nexclude = ["libs/x"]' : '';
    const files: Record<string, string> = {
      'Cargo.toml': `[workspace]\nmembers = ["crates/*"]${exclude}\n`,
      'Cargo.lock': 'version = 3\n',
      'crates/app/Cargo.toml': crate('app', [`x = { version = "0.1", path = "${dep}" }`]),
      'libs/x/Cargo.toml': crate('x', xDeps),
      [`${crateDir}/Cargo.toml`]: crate('y'),
    };
    if (crateDir === 'libs/x') files['libs/x/Cargo.toml'] = crate('x', xDeps);
    expect(await paths(files)).toEqual(expected);
  });

  it('reports a workspace without its root lockfile once, at the root, naming the members it covers', async () => {
    const crate = (n: string) => `[package]\nname = "${n}"\n\n[dependencies]\nbytes = "1"\n`;
    const files = {
      'Cargo.toml': '[workspace]\nmembers = ["net", "codec", "bench"]\n',
      'net/Cargo.toml': crate('net'),
      'codec/Cargo.toml': crate('codec'),
      'bench/Cargo.toml': crate('bench'),
      // Not a member: it would need a lockfile of its own.
      'fuzz/Cargo.toml': crate('fuzz'),
    };
    const findings = await run(depsLockfile, {}, files);
    expect(findings.map((f) => f.location?.path).sort()).toEqual(['Cargo.toml', 'fuzz/Cargo.toml']);
    expect(findings.find((f) => f.location?.path === 'Cargo.toml')?.message).toBe(
      '3 manifests of the workspace at the repository root declare dependencies (bench/Cargo.toml, ' +
        'codec/Cargo.toml, net/Cargo.toml) but no lockfile is committed at its root, where one lockfile ' +
        'covers them all: expected `Cargo.lock`.',
    );
  });

  it('keeps the finding of a workspace whose members are all examples at one of them, graded as theirs', async () => {
    const crate = (n: string) => `[package]\nname = "${n}"\n\n[dependencies]\nbytes = "1"\n`;
    const files = {
      'Cargo.toml': '[workspace]\nmembers = ["examples/*"]\n',
      'examples/echo/Cargo.toml': crate('echo'),
      'examples/chat/Cargo.toml': crate('chat'),
    };
    expect(await paths(files)).toEqual(['examples/chat/Cargo.toml']);
  });
});

describe('deps.lockfile: manifests', () => {
  it("takes node2nix's node-packages.nix beside a package.json for its lockfile, and no other .nix file", async () => {
    const nix = (header: string) =>
      `${header}\n\n{ nodeEnv, fetchurl, lib }:\n\nlet\n  sources = {\n    "lodash-4.17.21" = {\n      src = fetchurl {\n        sha512 = "abc==";\n      };\n    };\n  };\nin {}\n`;
    const findings = await run(
      depsLockfile,
      {},
      {
        'dev/nix/package.json': pkg(),
        'dev/nix/node-packages.nix': nix('# This file has been generated by node2nix 1.11.1. Do not edit!'),
        'dev/nix/node-env.nix': '# This file originates from node2nix\n',
        // A hand-written file of that name, and node2nix's output in another folder, lock nothing here.
        'web/package.json': pkg(),
        'web/node-packages.nix': '{ pkgs }: pkgs.nodePackages\n',
        'site/package.json': pkg(),
        'nix/node-packages.nix': nix('# This file has been generated by node2nix 1.11.1. Do not edit!'),
      },
    );
    expect(findings.map((f) => [f.location?.path, f.location?.startLine, f.confidence ?? 'rule'])).toEqual([
      ['web/package.json', 1, 'rule'],
      ['site/package.json', 1, 'rule'],
    ]);
  });

  it('needs no lockfile for manifests without dependencies', async () => {
    const files = {
      'package.json': JSON.stringify({ name: 'docs', scripts: { build: 'x' }, dependencies: {} }),
      'composer.json': JSON.stringify({ require: { php: '>=8.2', 'ext-mbstring': '*' } }),
      'go.mod': 'module example.com/x\n\ngo 1.22\n',
      'Cargo.toml': '[package]\nname = "x"\n\n[features]\ndefault = []\n',
      'pyproject.toml':
        '[project]\nname = "x"\ndependencies = ["requests"]\n\n[tool.pdm.build]\nincludes = ["src"]\n',
    };
    expect(await paths(files)).toEqual([]);
  });

  // A package whose only dependencies are peers (a plugin) installs nothing of its own: its host does.
  it.each([
    ['only peerDependencies', { peerDependencies: { host: '*' } }, 'low'],
    [
      'peer and runtime dependencies',
      { peerDependencies: { host: '*' }, dependencies: { a: '1' } },
      undefined,
    ],
    [
      'peer and dev dependencies',
      { peerDependencies: { host: '*' }, devDependencies: { a: '1' } },
      undefined,
    ],
  ])('a package.json with %s (%j): confidence %s', async (_name, deps, confidence) => {
    const findings = await run(
      depsLockfile,
      {},
      {
        'plugins/p/package.json': JSON.stringify({ name: 'p', private: true, ...deps }),
      },
    );
    expect(findings.map((f) => [f.location?.path, f.confidence])).toEqual([
      ['plugins/p/package.json', confidence],
    ]);
    if (confidence) expect(findings[0]!.message).toMatch(/declares only peerDependencies/);
  });

  it('needs composer.lock for a Composer application only, not a library or a split sub-package', async () => {
    const req = { php: '^8.2', 'psr/log': '^3.0' };
    const files = {
      // The root is a library (Composer's default type) that replaces its split sub-packages.
      'composer.json': JSON.stringify({
        name: 'acme/toolkit',
        require: req,
        replace: { 'acme/sub': 'self.version' },
      }),
      'src/Sub/composer.json': JSON.stringify({ name: 'acme/sub', type: 'project', require: req }),
      'src/Other/composer.json': JSON.stringify({ name: 'acme/other', type: 'project', require: req }),
      'lib/composer.json': JSON.stringify({ name: 'acme/lib', type: 'library', require: req }),
      'plugin/composer.json': JSON.stringify({ name: 'acme/wp', type: 'wordpress-plugin', require: req }),
      // No name: it cannot be published, so it is an application.
      'app/composer.json': JSON.stringify({ require: req }),
      'named/composer.json': JSON.stringify({ name: 'acme/named', require: req }),
    };
    expect(await paths(files)).toEqual(['app/composer.json', 'src/Other/composer.json']);
  });

  it('names the declared package manager first and explains where it looked', async () => {
    const [f] = await run(depsLockfile, {}, { 'package.json': pkg({ packageManager: 'pnpm@9.1.0' }) });
    expect(f!.message).toMatch(
      /^package\.json declares dependencies but no lockfile is committed beside it: expected `pnpm-lock\.yaml`, /,
    );
    expect(f!.location).toEqual({ path: 'package.json', startLine: 1 });
  });

  it('needs Pipfile.lock only for a Pipfile that names a package', async () => {
    const files = {
      'api/urls/Pipfile': '',
      'tools/Pipfile': '[requires]\npython_version = "3.12"\n\n[packages]\n# none yet\n',
      'app/Pipfile': '[[source]]\nurl = "https://pypi.org/simple"\n\n[dev-packages]\npytest = "*"\n',
      'web/Pipfile': '[packages]\n"django" = ">=5.0"\n',
    };
    expect(await paths(files)).toEqual(['app/Pipfile', 'web/Pipfile']);
  });

  it('reports a lockfile turned off in .npmrc at low confidence, naming the setting', async () => {
    const found = await run(
      depsLockfile,
      {},
      {
        'package.json': pkg(),
        '.npmrc':
          '; the library tests against what users install\npackage-lock = false\nignore-scripts=true\n',
        'tools/package.json': pkg(),
        'tools/.npmrc': 'lockfile=false\npackage-lock=true\n',
        'web/package.json': pkg(),
        'web/.npmrc': 'save-exact=true\n',
      },
    );
    expect(found.map((f) => [f.location?.path, f.confidence ?? null, f.message])).toEqual([
      [
        'package.json',
        'low',
        'package.json declares dependencies and turns its lockfile off (`package-lock=false` at .npmrc:2), ' +
          'so every install, CI included, resolves its version ranges again.',
      ],
      // The last setting of a file wins; a .npmrc that does not set it leaves the lockfile expected.
      ['tools/package.json', null, expect.stringMatching(/no lockfile is committed beside it/)],
      ['web/package.json', null, expect.stringMatching(/no lockfile is committed beside it/)],
    ]);
  });

  it.each<[string, Record<string, string>, string | undefined]>([
    // A library that tests against the newest releases on purpose: the lockfile is ignored.
    ['a *.lock pattern at the root', { '.gitignore': '/pkg\n*.lock\n' }, '`*.lock` at .gitignore:2'],
    ['the lockfile by name', { '.gitignore': '# local\nGemfile.lock\n' }, '`Gemfile.lock` at .gitignore:2'],
    [
      'a nested .gitignore beside it',
      { 'lib/.gitignore': '/Gemfile.lock\n' },
      '`/Gemfile.lock` at lib/.gitignore:1',
    ],
    // Not ignored: an oversight as before.
    ['no .gitignore', {}, undefined],
    ['a pattern for other files', { '.gitignore': '*.log\nvendor/\n' }, undefined],
    ['a negation after the pattern', { '.gitignore': '*.lock\n!Gemfile.lock\n' }, undefined],
    ['a nested negation', { '.gitignore': '*.lock\n', 'lib/.gitignore': '!Gemfile.lock\n' }, undefined],
  ])(
    'a Gemfile whose lockfile %s ignores: low confidence, naming the pattern',
    async (_case, extra, named) => {
      const [f, ...rest] = await run(depsLockfile, {}, { 'lib/Gemfile': 'gemspec\ngem "rake"\n', ...extra });
      expect(rest).toEqual([]);
      expect([f!.location?.path, f!.confidence ?? null]).toEqual(['lib/Gemfile', named ? 'low' : null]);
      expect(f!.message).toBe(
        named
          ? `lib/Gemfile declares dependencies, and its lockfile (\`Gemfile.lock\`) is kept out of the repository on purpose (${named}), so every install, CI included, resolves its version ranges again.`
          : 'lib/Gemfile declares dependencies but no lockfile is committed beside it: expected `Gemfile.lock`.',
      );
    },
  );

  it('reads a workspace root .npmrc for its members (pnpm: lockfile=false)', async () => {
    const [f, ...rest] = await run(
      depsLockfile,
      {},
      {
        'package.json': JSON.stringify({ private: true }),
        'pnpm-workspace.yaml': 'packages:\n  - "packages/*"\n',
        '.npmrc': 'lockfile=false\n',
        'packages/a/package.json': pkg(),
        'packages/b/package.json': pkg(),
      },
    );
    expect(rest).toEqual([]);
    expect(f!.confidence).toBe('low');
    expect(f!.message).toMatch(/It turns the lockfile off \(`lockfile=false` at \.npmrc:1\)\.$/);
  });

  it('honours ecosystems and exclude (which replaces the defaults)', async () => {
    const files = { 'package.json': pkg(), Gemfile: 'gem "rails"\n', 'node_modules/x/package.json': pkg() };
    expect(await paths(files, { ecosystems: ['ruby'] })).toEqual(['Gemfile']);
    expect(await paths(files)).toEqual(['Gemfile', 'package.json']);
    expect(await paths(files, { exclude: [] })).toEqual([
      'Gemfile',
      'node_modules/x/package.json',
      'package.json',
    ]);
  });

  it('skips an unparsable package.json and leaves a located problem for core.input-problems', async () => {
    const workspace = workspaceOf({ 'package.json': '{\n  "dependencies": {\n    "a": "1",,\n  }\n}\n' });
    expect(await run(depsLockfile, {}, workspace)).toEqual([]);
    expect(workspace.inputProblems()).toMatchObject([{ path: 'package.json', line: 3 }]);
  });

  it('reads TOML table headers, including dotted, quoted and commented forms', () => {
    expect(cargoNeedsLock('[dependencies.serde] # pinned below\nversion = "1"\n')).toBe(true);
    expect(cargoNeedsLock('[workspace.dependencies]\nserde = "1"\n')).toBe(true);
    expect(cargoNeedsLock('[package.metadata.dependencies]\nx = 1\n')).toBe(false);
    expect(pyprojectTool('[ tool.poetry ]\nname = "x"\n')).toBe('poetry');
    expect(pyprojectTool('[tool.pdm]\ndistribution = true\n')).toBe('pdm');
    expect(pyprojectTool('# [tool.poetry]\n[project]\nname = "x"\n')).toBeUndefined();
  });
});

describe('deps.lockfile: pyproject.toml', () => {
  // A tool's table marks a project that tool locks; whether there is anything to lock is what it
  // declares.
  it.each([
    ['[tool.uv] settings only', '# tests\n[tool.uv]\nno-build = false\n', false],
    [
      'a maturin build with no Python dependency',
      '[project]\nname = "b"\nrequires-python = ">=3.8"\n\n[build-system]\nrequires = ["maturin>=1.0"]\n\n[tool.uv]\nmanaged = false\n',
      false,
    ],
    [
      'empty project dependencies',
      '[project]\nname = "x"\ndependencies = [\n  # none yet\n]\n[tool.uv]\n',
      false,
    ],
    [
      'Poetry with python alone',
      '[tool.poetry]\nname = "x"\n\n[tool.poetry.dependencies]\npython = "^3.11"\n',
      false,
    ],
    [
      'project dependencies',
      '[project]\nname = "x"\ndependencies = ["requests[socks]>=2"]\n[tool.uv]\n',
      true,
    ],
    ['dependencies over lines', '[project]\ndependencies = [\n  # pinned\n  "httpx",\n]\n[tool.pdm]\n', true],
    [
      'dynamic dependencies',
      '[project]\nname = "x"\ndynamic = ["version", "dependencies"]\n[tool.uv]\n',
      true,
    ],
    ['an optional dependency', '[project.optional-dependencies]\ncli = ["click"]\n[tool.uv]\n', true],
    ['a dependency group', '[dependency-groups]\ndev = ["pytest"]\n[tool.uv]\n', true],
    ['uv dev-dependencies', '[tool.uv]\ndev-dependencies = ["ruff"]\n', true],
    ['a Poetry dependency', '[tool.poetry.dependencies]\npython = "^3.11"\nrequests = "^2"\n', true],
    ['a Poetry group', '[tool.poetry.group.test.dependencies]\npytest = "*"\n', true],
    ['PDM dev-dependencies', '[tool.pdm.dev-dependencies]\nlint = ["ruff"]\n', true],
  ])('%s: declares dependencies %s', (_name, text, expected) => {
    expect(pyprojectDeclaresDependencies(text)).toBe(expected);
  });

  it('asks no lockfile of a pyproject that only configures its tool', async () => {
    const files = {
      'Cargo.toml': '[package]\nname = "uv"\n\n[dependencies]\nlibc = "0.2"\n',
      'Cargo.lock': 'version = 3\n',
      'crates/uv/pyproject.toml':
        '# Integration tests run uv from this crate.\n[tool.uv]\nno-build = false\n',
      'app/pyproject.toml':
        '[project]\nname = "app"\ndependencies = ["fastapi"]\n\n[tool.uv]\npackage = false\n',
    };
    expect(await paths(files)).toEqual(['app/pyproject.toml']);
  });
});

describe('deps.lockfile: scaffolding templates', () => {
  const deps = { dependencies: { lodash: '^4.17.21' } };
  const json = (name: string, version = '1.0.0') => JSON.stringify({ name, version, ...deps });

  it('needs no lockfile for a manifest in a folder an enclosing npm package publishes (`files`)', async () => {
    const files = {
      'package.json': JSON.stringify({ private: true, workspaces: ['packages/*'] }),
      'package-lock.json': '{}',
      'packages/create-x/package.json': JSON.stringify({
        name: 'create-x',
        files: ['index.js', './template-*/', 'docs/**', '!template-old'],
        dependencies: { prompts: '^2' },
      }),
      'packages/create-x/template-react/package.json': pkg(),
      'packages/create-x/template-react/apps/web/package.json': pkg(),
      'packages/create-x/template-py/pyproject.toml': '[project]\ndependencies = ["flask"]\n[tool.uv]\n',
      'packages/create-x/docs/demo/package.json': pkg(),
      // Taken back by `!`, or not in the list: a project of the repository like any other.
      'packages/create-x/template-old/package.json': pkg(),
      'packages/create-x/scripts/package.json': pkg(),
      'packages/lib/package.json': JSON.stringify({ name: 'lib', files: ['dist'] }),
      'packages/lib/site/package.json': pkg(),
      'tools/package.json': pkg(),
    };
    expect(await paths(files)).toEqual([
      'packages/create-x/scripts/package.json',
      'packages/create-x/template-old/package.json',
      'packages/lib/site/package.json',
      'tools/package.json',
    ]);
  });

  it('needs no lockfile for a manifest whose name, version or directory holds template syntax', async () => {
    const files = {
      'templates/starter/package.json': json('{{ project_name }}'),
      'gen/app/templates/package.json': json('app', '<%= version %>'),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Backstage template syntax is test data here.
      'skeleton/package.json': json('${{ values.name }}'),
      '{{cookiecutter.project_slug}}/package.json': json('fixed-name'),
      'php/composer.json': JSON.stringify({ name: '{{vendor}}/{{name}}', require: { 'a/b': '^1' } }),
      'rs/Cargo.toml': '[package]\nname = "{{crate_name}}"\n\n[dependencies]\nlibc = "0.2"\n',
      'py/pyproject.toml': '[tool.poetry]\nname = "{% raw %}x{% endraw %}"\n\n[tool.poetry.dependencies]\n',
      'go/go.mod': 'module github.com/{{.Org}}/svc\n\nrequire golang.org/x/text v0.3.0\n',
    };
    expect(await paths(files)).toEqual([]);
  });

  it('still checks real projects, under a templates folder too', async () => {
    const files = {
      'templates/site/package.json': json('site'),
      'web/package.json': json('web-{x}'),
      'svc/go.mod': 'module example.org/svc\n\nrequire golang.org/x/text v0.3.0\n',
    };
    expect(await paths(files)).toEqual(['svc/go.mod', 'templates/site/package.json', 'web/package.json']);
  });
});

describe('deps.lockfile: a manifest an image build puts beside a committed lockfile', () => {
  const crate = '[workspace]\nmembers = ["router"]\n\n[workspace.dependencies]\ntokio = "1"\n';
  const base = { 'backends/edge/Cargo.toml': crate, 'Cargo.lock': 'version = 3\n' };
  // The build copies the manifest into place and the repository's lockfile beside it: it installs
  // from that lockfile. Any other way of copying leaves the manifest unlocked.
  it.each<[string, string, Record<string, string>, string[]]>([
    [
      'to the same folder',
      'WORKDIR /usr/src\nCOPY backends/edge/Cargo.toml Cargo.toml\nCOPY Cargo.lock Cargo.lock\n',
      {},
      [],
    ],
    [
      'into the WORKDIR with .',
      'WORKDIR /app\nCOPY backends/edge/Cargo.toml ./Cargo.toml\nCOPY Cargo.lock .\n',
      {},
      [],
    ],
    [
      'to another folder',
      'COPY backends/edge/Cargo.toml /src/Cargo.toml\nCOPY Cargo.lock /lock/Cargo.lock\n',
      {},
      ['backends/edge/Cargo.toml'],
    ],
    [
      'in another stage',
      'COPY backends/edge/Cargo.toml Cargo.toml\nFROM rust:1.85 AS b\nCOPY Cargo.lock Cargo.lock\n',
      {},
      ['backends/edge/Cargo.toml'],
    ],
    [
      'from another stage',
      'COPY backends/edge/Cargo.toml Cargo.toml\nCOPY --from=deps /x/Cargo.lock Cargo.lock\n',
      {},
      ['backends/edge/Cargo.toml'],
    ],
    [
      'by a stage that keeps the WORKDIR of the stage it is built on',
      'WORKDIR /app\nFROM build\nCOPY backends/edge/Cargo.toml Cargo.toml\nCOPY Cargo.lock /app/Cargo.lock\n',
      {},
      [],
    ],
    [
      'to a folder an ENV names',
      'ENV SRC=/usr/src\nWORKDIR $SRC\nCOPY backends/edge/Cargo.toml Cargo.toml\nCOPY Cargo.lock /usr/src/\n',
      {},
      [],
    ],
    ['in the exec form', 'WORKDIR /app\nCOPY ["backends/edge/Cargo.toml", "Cargo.lock", "./"]\n', {}, []],
    // The manifest's name is nowhere in the text as written: the words read it through escapes.
    ['by a name with an escaped character', 'COPY backends/edge/Cargo.t\\oml Cargo.lock ./\n', {}, []],
    ['by a name a continued line splits', 'COPY backends/edge/Cargo.to\\\nml Cargo.lock ./\n', {}, []],
    [
      'by a name a continued line splits past a comment',
      'COPY backends/edge/Cargo.to\\\n# the manifest\n\nml Cargo.lock ./\n',
      {},
      [],
    ],
    [
      'a lockfile the repository does not hold',
      'COPY backends/edge/Cargo.toml Cargo.toml\nCOPY gen/Cargo.lock Cargo.lock\n',
      {},
      ['backends/edge/Cargo.toml'],
    ],
  ])('copied %s', async (_what, copies, extra, expected) => {
    const files = { ...base, ...extra, 'Dockerfile.edge': `FROM rust:1.85 AS build\n${copies}` };
    expect(await paths(files)).toEqual(expected);
  });
});
