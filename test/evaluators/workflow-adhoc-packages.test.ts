// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub expressions (${{ }}) and shell variables are the subject of these tests.
import { afterAll, describe, expect, it } from 'vitest';
import { workflowAdhocPackages } from '../../src/core/evaluators/workflow/adhoc-packages.js';
import { at, evaluate, removeTrees } from '../parsers/tree.js';

afterAll(removeTrees);

const W = '.github/workflows/w.yml';

/** The severity of each finding on a one-step workflow running `script`: info when pinned, low when not. */
async function graded(script: string): Promise<string[]> {
  const workflow = `on: push
jobs:
  lint:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        golangci-lint: ['1.64.8']
    steps:
      - run: ${script}
`;
  const findings = await evaluate(workflowAdhocPackages, { [W]: workflow }, {});
  return findings.map((f) => String(f.severity));
}

describe('workflow.adhoc-packages: versions from expressions', () => {
  it.each([
    // go reports only versions that float: a chosen version is no finding at all
    [
      'go, a literal prefix before a GitHub expression',
      'go install github.com/golangci/golangci-lint/cmd/golangci-lint@v${{ matrix.golangci-lint }}',
      [],
    ],
    [
      'go, a literal prefix before a shell variable',
      'go install golang.org/x/tools/cmd/goimports@v$GOIMPORTS',
      [],
    ],
    [
      'go, a version built of a prefix and ${VAR}',
      'go install golang.org/x/vuln/cmd/govulncheck@v1.${MINOR}.0',
      [],
    ],
    [
      'npm, a literal prefix before a GitHub expression',
      'npm i -g markdownlint-cli@v${{ env.MDL }}',
      ['info'],
    ],
    [
      'npm, a scoped package with a prefix before ${VAR}',
      'npm install -g "@biomejs/biome@v${BIOME}"',
      ['info'],
    ],
    ['yarn, a literal prefix before a shell variable', 'yarn global add typescript@v$TS', ['info']],
    ['pip, a GitHub expression', 'pip install black==${{ env.BLACK }}', ['info']],
    ['pip, a quoted shell variable', 'pip install "ruff==$RUFF_VERSION"', ['info']],
    ['pipx, a GitHub expression', 'pipx install ruff==${{ matrix.ruff }}', ['info']],
    ['cargo, a GitHub expression', 'cargo install cargo-deny@${{ env.DENY }}', ['info']],
    [
      'cargo, a commit of a git repository',
      'cargo install cross --git https://github.com/cross-rs/cross --rev 588b3c99db52b5a9c5906fab96cfadcf1bde7863',
      ['info'],
    ],
    [
      'cargo, a tag of a git repository',
      'cargo install cross --git=https://github.com/cross-rs/cross --tag=v0.2.5',
      ['info'],
    ],
    ['gem, a shell variable', 'gem install rubocop:$RUBOCOP', ['info']],
    [
      'composer, a GitHub expression',
      'composer install && composer global require phpstan/phpstan:${{ matrix.phpstan }}',
      ['info'],
    ],
  ])('takes %s as a chosen version', async (_what, script, expected) => {
    expect(await graded(script)).toEqual(expected);
  });

  it.each([
    // as before the change: a variable right after the separator, a commit, a literal version
    ['go, a GitHub expression right after @', 'go install golang.org/x/tools/cmd/goimports@${{ env.V }}', []],
    [
      'go, a command substitution',
      'go install golang.org/x/tools/cmd/goimports@$(cat .goimports-version)',
      [],
    ],
    ['go, a literal version', 'go install golang.org/x/tools/cmd/goimports@v0.24.0', []],
    ['go, a commit', 'go install golang.org/x/tools/cmd/goimports@0a1b2c3d4e5f', []],
    ['go, no version (from go.mod)', 'go install ./cmd/tool', []],
    ['npm, a GitHub expression right after @', 'npm i -g markdownlint-cli@${{ env.MDL }}', ['info']],
    ['pip, a literal version', 'pip install black==24.4.2', ['info']],
  ])('still takes %s as pinned', async (_what, script, expected) => {
    expect(await graded(script)).toEqual(expected);
  });

  it.each([
    ['go, @latest', 'go install golang.org/x/tools/cmd/goimports@latest'],
    ['go, a branch', 'go install golang.org/x/tools/cmd/goimports@main'],
    ['go, a release branch', 'go install golang.org/x/tools/cmd/goimports@release-branch'],
    ['npm, @latest', 'npm i -g markdownlint-cli@latest'],
    ['npm, no version', 'npm i -g markdownlint-cli'],
    ['npm, a range around an expression', 'npm i -g markdownlint-cli@^${{ env.MDL }}'],
    ['pip, no version', 'pip install black'],
    ['pip, a compatible release from an expression', 'pip install "black~=${{ env.BLACK }}"'],
    ['pip, a name that is an expression with no version', 'pip install black-${{ env.FLAVOUR }}'],
    ['cargo, no version', 'cargo install cargo-deny'],
    [
      'cargo, a branch of a git repository',
      'cargo install cross --git https://github.com/cross-rs/cross --branch main',
    ],
    ['cargo, a git repository alone', 'cargo install cross --git https://github.com/cross-rs/cross'],
    ['gem, no version', 'gem install rubocop'],
    ['composer, a range around a variable', 'composer install && composer require phpstan/phpstan:^$PHPSTAN'],
  ])('still reports %s as floating', async (_what, script) => {
    expect(await graded(script)).toEqual(['low']);
  });
});

describe('workflow.adhoc-packages: a gem from a directory of the checkout', () => {
  it('does not report `bundle add --path`, which installs no package from the registry', async () => {
    expect(await graded('bundle add my_engine --path "$GITHUB_WORKSPACE/engine"')).toEqual([]);
    expect(await graded('bundle add my_engine --path=../engine && bundle add rake')).toEqual(['low']);
  });
});

describe('workflow.adhoc-packages: a substitution with quotes of its own in a quoted word', () => {
  it('keeps `"$(ruby -e"puts ENV[\'HOME\']")"` one word: the message names the package alone', async () => {
    const findings = await evaluate(
      workflowAdhocPackages,
      {
        [W]: `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: bundle add rubocop --source "$(ruby -e"puts ENV['GEM_MIRROR'] || 'https://gems.example'")"\n`,
      },
      {},
    );
    expect(
      findings.map((f) => [f.location?.startLine, f.message.slice(0, f.message.indexOf(' installs'))]),
    ).toEqual([[6, '"bundle add rubocop"']]);
  });
});

describe('workflow.adhoc-packages: after a here-string', () => {
  it('reports an install that follows a here-string (which has no body to skip)', async () => {
    const findings = await evaluate(
      workflowAdhocPackages,
      {
        [W]: 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          gh auth login --with-token <<< "$GH_PAT"\n          pip install black\n',
      },
      {},
    );
    expect(findings.map((f) => [f.location?.startLine, f.message.slice(0, 20)])).toEqual([
      [8, '"pip install black" '],
    ]);
  });
});

describe('workflow.adhoc-packages: wrappers, binstall, runners and gh extensions', () => {
  it.each([
    ['an install behind timeout', 'timeout 300 pip install whispers', ['low']],
    ['an install behind sudo with a user', 'sudo -u ci -E pip install black', ['low']],
    ['an install behind nice in an if', 'if true; then nice -n 5 npm i -g markdownlint-cli; fi', ['low']],
    ['cargo binstall, no version', 'cargo binstall cargo-zigbuild', ['low']],
    ['cargo binstall, a version', 'cargo binstall cargo-zigbuild@0.19.8', ['info']],
    ['cargo binstall, --version', 'cargo binstall --no-confirm --version 0.19.8 cargo-zigbuild', ['info']],
    ['cargo binstall, a value option', 'cargo binstall --log-level debug cargo-zigbuild@0.19.8', ['info']],
    ['gh extension install, unpinned', 'gh extension install actions/gh-actions-cache', ['low']],
    ['gh extension install, pinned', 'gh extension install actions/gh-actions-cache --pin v1.0.2', ['info']],
    ['gh extension install from the checkout', 'gh extension install .', []],
    ['pnpm dlx', 'pnpm dlx create-vite my-app --template react', ['low']],
    ['yarn dlx, a version', 'yarn dlx -p typescript@5.4.5 tsc --noEmit', ['info']],
    ['uvx', 'uvx ruff check .', ['low']],
    ['uvx, a version', 'uvx ruff@0.5.0 check .', ['info']],
    ['uvx with an extra package', 'uvx --with mkdocs-material==9.5.0 mkdocs@1.6.0 build', ['info']],
    ['uv tool install', 'uv tool install pre-commit', ['low']],
    ['pipx run, a spec', 'pipx run --spec black==24.4.2 black .', ['info']],
    ['npx, a tag', 'npx markdownlint-cli@latest docs/', ['low']],
    ['npx, a version', 'npx --yes prettier@3.3.3 --check .', ['info']],
    ['bunx, a scoped package and a tag', 'bunx @biomejs/biome@latest check', ['low']],
    // npx and bunx run the copy the lockfile installed, when there is one: the rule's own advice
    ['npx, no version', 'npx markdownlint docs/', []],
    ['npx, a scoped package with no version', 'npx @biomejs/biome check', []],
    ['npm exec, no version', 'npm exec -- tsc --noEmit', []],
    ['a runner given a URL', 'uvx --from git+https://github.com/acme/tool tool', []],
  ])('grades %s', async (_what, script, expected) => {
    expect(await graded(script)).toEqual(expected);
  });

  it('names the package a runner fetches, not the arguments of the program it runs', async () => {
    const findings = await evaluate(
      workflowAdhocPackages,
      {
        [W]: 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pnpm dlx create-vite my-app --template react\n',
      },
      {},
    );
    expect(
      findings.map((f) => [f.location?.startColumn, f.message.slice(0, f.message.indexOf(' installs'))]),
    ).toEqual([[23, '"pnpm dlx create-vite"']]);
  });
});

/** Each finding on a workflow as `line:column severity/confidence "quoted command"`. */
async function findingsOf(files: Record<string, string>): Promise<string[]> {
  const findings = await evaluate(workflowAdhocPackages, files, {});
  return findings.map(
    (f) =>
      `${at(f).slice(W.length + 1)} ${f.severity}/${f.confidence ?? 'rule'} ${f.message.slice(0, f.message.indexOf(' installs'))}`,
  );
}

/** A workflow whose one job runs `steps` (`run:` scripts, one step each). */
const job = (...steps: string[]) =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n${steps
    .map(
      (s) =>
        `      - run: |\n${s
          .split('\n')
          .map((l) => `          ${l}`)
          .join('\n')}\n`,
    )
    .join('')}`;

describe('workflow.adhoc-packages: quoted version ranges are packages, redirections are not', () => {
  it('reports a quoted PEP 440 range as an unpinned package, and skips a redirection and its file', async () => {
    expect(
      await findingsOf({
        [W]: job(
          'uv pip install "elasticsearch>=8,<9"\npip install \'psycopg2>=2.6\' > install.log 2>&1\npip install black 2>/dev/null',
        ),
      }),
    ).toEqual([
      '7:26 low/rule "pip install elasticsearch>=8,<9"',
      '8:23 low/rule "pip install psycopg2>=2.6"',
      '9:23 low/rule "pip install black"',
    ]);
  });
});

describe('workflow.adhoc-packages: an exact version of a package that ships its dependencies', () => {
  it('leaves npm, yarn, pnpm and corepack at an exact version alone, and reports the rest', async () => {
    expect(
      await findingsOf({
        [W]: job(
          'npm install npm@9.8.1\nnpm i -g pnpm@9.1.0 yarn@1.22.22 corepack@0.29.4\nnpm i -g npm@latest\nnpm i -g npm@10.2.0 markdownlint-cli@0.41.0',
        ),
      }),
    ).toEqual(['9:20 low/rule "npm i npm@latest"', '10:31 info/rule "npm i markdownlint-cli@0.41.0"']);
  });
});

describe('workflow.adhoc-packages: an install after the job installed from a lockfile', () => {
  const LOCK =
    'version = 1\n\n[[package]]\nname = "certifi"\nversion = "2026.7.22"\n\n[[package]]\nname = "Django"\n';
  it('is low confidence for bare names the lockfile holds, without --upgrade', async () => {
    expect(
      await findingsOf({
        [W]: job(
          'uv sync --locked --extra testing\nuv pip install certifi\nuv pip install mysqlclient',
          'uv pip install django\nuv pip install --upgrade certifi\nuv pip install "certifi>=2024"',
        ),
        'uv.lock': LOCK,
      }),
    ).toEqual([
      '8:26 low/low "pip install certifi"',
      '9:26 low/rule "pip install mysqlclient"',
      '11:26 low/low "pip install django"',
      '12:36 low/rule "pip install certifi"',
      '13:26 low/rule "pip install certifi>=2024"',
    ]);
  });

  it('reads a requirement file installed with -r, and nothing before the install', async () => {
    const files = (order: string[]) => ({
      [W]: job(...order),
      'ci/requirements.txt': 'Certifi==2024.2.2\nrequests>=2\n',
    });
    expect(
      await findingsOf(files(['python -m pip install -r ./ci/requirements.txt', 'pip install certifi'])),
    ).toEqual(['9:23 low/low "pip install certifi"']);
    expect(await findingsOf(files(['pip install certifi', 'pip install -r ci/requirements.txt']))).toEqual([
      '7:23 low/rule "pip install certifi"',
    ]);
    expect(await findingsOf(files(['uv sync', 'pip install certifi']))).toEqual([
      '9:23 low/rule "pip install certifi"',
    ]);
  });
});

describe('workflow.adhoc-packages: a package added to the manifest in a job that opens a pull request', () => {
  it('is low confidence there, and not for a global install or in a job that opens none', async () => {
    const script = 'npm install --save-dev @types/node@^20.0.0\nyarn add left-pad\nnpm install -g typescript';
    expect(await findingsOf({ [W]: job(script, 'gh pr create --fill') })).toEqual([
      '7:34 low/low "npm install @types/node@^20.0.0"',
      '8:20 low/low "yarn add left-pad"',
      '9:26 low/rule "npm install typescript"',
    ]);
    expect(await findingsOf({ [W]: job(script) })).toEqual([
      '7:34 low/rule "npm install @types/node@^20.0.0"',
      '8:20 low/rule "yarn add left-pad"',
      '9:26 low/rule "npm install typescript"',
    ]);
  });
});

describe('workflow.adhoc-packages: an exact version of a Python package with no dependencies', () => {
  // Nothing else is resolved, but a PyPI release can gain files after it is published: low, not gone.
  it('is low confidence for pip, uv and pipx, and keeps the rest at the rule', async () => {
    expect(
      await findingsOf({
        [W]: job(
          'pip install uv==0.5.1\npip install "setuptools===75.1.0" pip==24.2\nuvx ty@0.0.1 check\npipx install uv==${{ env.UV }}',
          'pip install black==24.4.2\npip install "uv[extra]==0.5.1"\npip install uv==0.*\npip install uv==0.5.1 black==24.4.2',
        ),
      }),
    ).toEqual([
      '7:23 info/low "pip install uv==0.5.1"',
      '8:23 info/low "pip install setuptools===75.1.0 pip==24.2"',
      '9:15 info/low "uvx ty@0.0.1"',
      '10:24 info/low "pipx install uv==${{ env.UV }}"',
      '12:23 info/rule "pip install black==24.4.2"',
      '13:23 info/rule "pip install uv[extra]==0.5.1"',
      '14:23 low/rule "pip install uv==0.*"',
      '15:23 info/rule "pip install uv==0.5.1 black==24.4.2"',
    ]);
  });

  it('says why', async () => {
    const [f] = await evaluate(workflowAdhocPackages, { [W]: job('pip install uv==0.5.1') }, {});
    expect(f!.message).toContain(
      'no dependencies of its own to resolve, but a PyPI release can still gain files',
    );
  });
});

describe('workflow.adhoc-packages: a version the workflow env sets', () => {
  const workflow = (version: string, run: string) =>
    `on: push\nenv:\n  V: "${version}"\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${run}\n`;
  it.each([
    [
      'a range',
      '~1.39.0',
      'npx tool@${{ env.V }} install',
      'low',
      ", taking the newest release its version range allows when the job runs (as the workflow's env sets it: tool@~1.39.0).",
    ],
    [
      'a caret range',
      '^2.0.0',
      'npm i -g tool@${{ env.V }}',
      'low',
      ", taking the newest release its version range allows when the job runs (as the workflow's env sets it: tool@^2.0.0).",
    ],
    [
      'an exact version',
      '1.39.0',
      'npx tool@${{ env.V }} install',
      'info',
      ' (the version is pinned, but its dependencies are resolved afresh on every run).',
    ],
    [
      'a Python range',
      '>=8,<9',
      'pip install "tool${{ env.V }}"',
      'low',
      ", taking the newest release its version range allows when the job runs (as the workflow's env sets it: tool>=8,<9).",
    ],
    [
      'a tag',
      'latest',
      'npx tool@${{ env.V }} install',
      'low',
      ', taking whatever release is newest when the job runs.',
    ],
  ])('reads %s', async (_what, version, run, severity, says) => {
    const [f] = await evaluate(workflowAdhocPackages, { [W]: workflow(version, run) }, {});
    expect([
      f!.severity,
      f!.message.slice(f!.message.indexOf(' at run time') + 12, f!.message.indexOf(' Declare')),
    ]).toEqual([severity, says]);
  });

  it('says a literal range is a range', async () => {
    const [f] = await evaluate(workflowAdhocPackages, { [W]: job('npx tool@~1.4.0 run') }, {});
    expect(f!.message).toContain('taking the newest release its version range allows when the job runs.');
  });
});

describe('workflow.adhoc-packages: npx after the job installed from a lockfile', () => {
  const LOCK =
    '{\n  "packages": {\n    "": {},\n    "node_modules/tool": { "version": "1.39.0" },\n    "node_modules/@scope/cli": { "version": "2.0.0" }\n  }\n}\n';
  it.each([
    ['npm clean-install', ['npm clean-install --no-fund', 'npx tool@~1.39.0 install'], 'low/low'],
    ['npm ci, a scoped package', ['npm ci', 'npm exec -- @scope/cli@^2.0.0 run'], 'low/low'],
    ['npm install without packages', ['npm install', 'npx tool@1.39.0 x'], 'info/low'],
    ['a package the lockfile lacks', ['npm ci', 'npx other@~1.0.0 x'], 'low/rule'],
    ['no install before', ['npx tool@~1.39.0 install', 'npm ci'], 'low/rule'],
    ['an install of named packages', ['npm install -g tool', 'npx tool@~1.39.0 install'], 'low/rule'],
    ['a runner that always fetches', ['npm ci', 'pnpm dlx tool@~1.39.0 install'], 'low/rule'],
  ])('%s', async (_what, steps, expected) => {
    const found = await findingsOf({ [W]: job(...steps), 'package-lock.json': LOCK });
    expect(found.filter((f) => !f.includes('"npm install tool"')).map((f) => f.split(' ')[1])).toEqual([
      expected,
    ]);
  });

  it('says why', async () => {
    const [f] = await evaluate(
      workflowAdhocPackages,
      { [W]: job('npm ci', 'npx tool@~1.39.0 install'), 'package-lock.json': LOCK },
      {},
    );
    expect(f!.message).toContain(
      'An earlier command of this job installed from package-lock.json, which names it: npx runs that copy when its version matches',
    );
  });
});

describe('workflow.adhoc-packages: go run of a module at a version', () => {
  it.each([
    ['@latest', 'go run example.com/tools/cmd/sum@latest --format x ./...', ['low']],
    [
      '@latest after build flags',
      'go run -tags ci -mod=mod example.com/tools/cmd/sum@latest run@latest',
      ['low'],
    ],
    ['a branch', 'go run example.com/tools/cmd/sum@main', ['low']],
    ['a release', 'go run example.com/tools/cmd/sum@v1.12.0 ./...', []],
    ['a package of the checkout', 'go run ./cmd/gen x@latest', []],
    ['a file', 'go run main.go', []],
  ])('%s', async (_what, script, expected) => {
    expect(await graded(script)).toEqual(expected);
  });

  it('names go run', async () => {
    const [f] = await evaluate(
      workflowAdhocPackages,
      { [W]: job('go run example.com/tools/cmd/sum@latest ./...') },
      {},
    );
    expect(f!.message.slice(0, f!.message.indexOf(' installs'))).toBe(
      '"go run example.com/tools/cmd/sum@latest"',
    );
  });
});

describe('workflow.adhoc-packages: tool releases setup actions download', () => {
  const step = (uses: string, version?: string) =>
    `on:\n  push:\n    tags: [v*]\nenv:\n  GR: v2.3.2\n  FLOAT: latest\njobs:\n  release:\n    runs-on: x\n    steps:\n      - uses: ${uses}\n` +
    (version === undefined ? '' : `        with:\n          version: ${version}\n`) +
    '      - run: echo done\n';
  it.each([
    [
      'goreleaser, latest',
      step('goreleaser/goreleaser-action@v6', 'latest'),
      [[`${W}:13:20`, 'medium', 'whatever release is newest']],
    ],
    [
      "goreleaser, a range ('~> v2')",
      step('goreleaser/goreleaser-action@v6', "'~> v2'"),
      [[`${W}:13:21`, 'medium', 'newest release that range allows']],
    ],
    [
      'goreleaser, no version: the default range',
      step('goreleaser/goreleaser-action@v6'),
      [[`${W}:11:15`, 'medium', 'its default version (~> v2, or latest before v6)']],
    ],
    [
      'goreleaser, latest through the workflow env',
      step('goreleaser/goreleaser-action@v6', '${{ env.FLOAT }}'),
      [[`${W}:13:20`, 'medium', '"latest"']],
    ],
    [
      'setup-ko, no version: the newest release',
      step('ko-build/setup-ko@v0.9'),
      [[`${W}:11:15`, 'low', 'latest-release']],
    ],
    [
      'golangci-lint, latest',
      step('golangci/golangci-lint-action@v9', 'latest'),
      [[`${W}:13:20`, 'low', 'whatever release is newest']],
    ],
    [
      'golangci-lint, a minor version (its newest patch)',
      step('golangci/golangci-lint-action@v9', 'v2.3'),
      [[`${W}:13:20`, 'low', 'newest release that range allows']],
    ],
    // No version: a version file may name it, and the action's own default is not written down.
    ['golangci-lint, no version', step('golangci/golangci-lint-action@v9'), []],
    ['golangci-lint, an exact version', step('golangci/golangci-lint-action@v9', 'v2.3.4'), []],
    [
      'golangci-lint, latest, but the installed one is used',
      step('golangci/golangci-lint-action@v9', 'latest').replace(
        '          version: latest\n',
        '          version: latest\n          install-mode: none\n',
      ),
      [],
    ],
    ['goreleaser, an exact version', step('goreleaser/goreleaser-action@v6', 'v2.3.2'), []],
    [
      'goreleaser, an exact version through the workflow env',
      step('goreleaser/goreleaser-action@v6', '${{ env.GR }}'),
      [],
    ],
    [
      'goreleaser, a version an input chooses',
      step('goreleaser/goreleaser-action@v6', '${{ inputs.goreleaser }}'),
      [],
    ],
    [
      'goreleaser, latest, in a job that builds a snapshot and publishes nothing',
      step('goreleaser/goreleaser-action@v6', 'latest').replace(
        'version: latest',
        'version: latest\n          args: build --snapshot',
      ),
      [[`${W}:13:20`, 'low', 'whatever release is newest']],
    ],
    ['setup-ko, an exact version', step('ko-build/setup-ko@v0.9', 'v0.17.1'), []],
    [
      'setup-helm, latest',
      step('azure/setup-helm@v4', 'latest'),
      [[`${W}:13:20`, 'low', 'installs Helm at "latest"']],
    ],
    [
      'setup-kubectl, stable',
      step('azure/setup-kubectl@v4', 'stable'),
      [[`${W}:13:20`, 'low', 'whatever release is newest']],
    ],
    [
      'setup-terraform, a range in its own input',
      step('hashicorp/setup-terraform@v3').replace(
        '      - run:',
        "        with:\n          terraform_version: '~1.9'\n      - run:",
      ),
      [[`${W}:13:31`, 'low', 'installs Terraform at "~1.9", taking the newest release that range allows']],
    ],
    [
      'buildx, latest',
      step('docker/setup-buildx-action@v3', 'latest'),
      [[`${W}:13:20`, 'low', 'installs Buildx at "latest"']],
    ],
    // Their defaults float as well, but a step that writes no version is left alone.
    ['setup-helm, no version', step('azure/setup-helm@v4'), []],
    ['setup-helm, an exact version', step('azure/setup-helm@v4', 'v3.16.2'), []],
    [
      'setup-terraform, an exact version',
      step('hashicorp/setup-terraform@v3').replace(
        '      - run:',
        '        with:\n          terraform_version: 1.9.8\n      - run:',
      ),
      [],
    ],
    ['another action with a version input', step('acme/setup-thing@v1', 'latest'), []],
  ])('%s', async (_name, workflow, want) => {
    const findings = await evaluate(workflowAdhocPackages, { [W]: workflow as string }, {});
    expect(findings.map((f) => [at(f), f.severity])).toEqual((want as string[][]).map(([l, s]) => [l, s]));
    findings.forEach((f, i) => {
      expect(f.message).toContain((want as string[][])[i]![2]);
    });
  });

  it.each([
    ['the tool’s own owner releasing with it: low, and said so', 'goreleaser/example-project', 'low'],
    ['another repository', 'acme/tool', 'medium'],
  ])('a release job: %s', async (_name, repository, severity) => {
    const workflow = step('goreleaser/goreleaser-action@v6', 'nightly');
    const findings = await evaluate(workflowAdhocPackages, { [W]: workflow }, {}, { repository });
    expect(findings.map((f) => [at(f), f.severity])).toEqual([[`${W}:13:20`, severity]]);
    expect(findings[0]!.message.includes("published by this repository's owner (goreleaser)")).toBe(
      severity === 'low',
    );
  });

  // goreleaser-action runs `goreleaser release` by default: the job publishes, so both are medium.
  it('still reports go install of @latest beside them, at the same grade', async () => {
    const workflow = step('goreleaser/goreleaser-action@v6', 'latest').replace(
      'echo done',
      'go install github.com/acme/tool@latest',
    );
    const findings = await evaluate(workflowAdhocPackages, { [W]: workflow }, {});
    expect(findings.map((f) => [at(f), f.severity, f.confidence])).toEqual([
      [`${W}:13:20`, 'medium', undefined],
      [`${W}:14:25`, 'medium', undefined],
    ]);
  });
});

describe('workflow.adhoc-packages: what a job with a floating ko publishes', () => {
  // setup-ko at its floating default, then `run`; `on` the triggers, `env` the job's.
  const job = (run: string, on = 'push: { branches: [main] }', env = '') =>
    `on: { ${on} }\njobs:\n  image:\n    runs-on: x\n${env ? `    env: { ${env} }\n` : ''}    steps:\n      - uses: ko-build/setup-ko@v0.9\n      - run: ${run}\n`;
  const MAKEFILE = [
    'include release/ci.mk',
    'image: ko',
    '\t@echo built',
    'ko:',
    '\tKO_DOCKER_REPO=$(REPO) ko build --bare ./cmd/app',
    'local:',
    '\tKO_DOCKER_REPO=ko.local \\',
    '\t  ko build --bare ./cmd/app',
    'test:',
    '\tgo test ./...',
    'release:',
    '\t$(MAKE) push',
    'push:',
    '\tdocker push ghcr.io/o/app:1',
    '',
  ].join('\n');
  const CI_MK = 'sign-ci: local\n\tcosign sign --yes ghcr.io/o/app:$(HASH)\n';
  const files = (workflow: string) => ({ [W]: workflow, Makefile: MAKEFILE, 'release/ci.mk': CI_MK });
  it.each([
    // ko builds an image and pushes it to KO_DOCKER_REPO: the job publishes.
    ['ko build', job('ko build --bare ./cmd/app'), 'medium'],
    ['ko resolve', job('ko resolve -f config/ > release.yaml'), 'medium'],
    // ... unless the image stays local, or goes to a throwaway registry.
    ['ko build --local', job('ko build --local ./cmd/app'), 'low'],
    ['ko build --push=false', job('ko build --push=false ./cmd/app'), 'low'],
    ['KO_DOCKER_REPO=kind.local inline', job('KO_DOCKER_REPO=kind.local ko build ./cmd/app'), 'low'],
    [
      'KO_DOCKER_REPO=ko.local in the job env',
      job('ko build ./cmd/app', undefined, 'KO_DOCKER_REPO: ko.local'),
      'low',
    ],
    [
      'a registry of a kind cluster in the job env',
      job('ko build ./cmd/app', undefined, "KO_DOCKER_REPO: 'registry.local:5000/app'"),
      'low',
    ],
    [
      'ghcr.io in the job env',
      job('ko build ./cmd/app', undefined, 'KO_DOCKER_REPO: ghcr.io/o/app'),
      'medium',
    ],
    ['ko publish --insecure-registry', job('ko publish --insecure-registry -B ./cmd/demo'), 'low'],
    // A signature pushed over plain HTTP, or to localhost: a throwaway registry of the run.
    ['cosign sign --allow-http-registry', job('cosign sign --yes --allow-http-registry "$img"'), 'low'],
    ['cosign sign to localhost', job('cosign sign --yes localhost:5000/app:1'), 'low'],
    ['docker push to a kind registry', job('docker push kind-registry:5000/app:1'), 'low'],
    ['cosign sign to ghcr.io', job('cosign sign --yes ghcr.io/o/app:1'), 'medium'],
    ['an image built and pushed to localhost', job('docker build -t localhost:5000/app --push .'), 'low'],
    ['an image built and pushed to ghcr.io', job('docker build -t ghcr.io/o/app --push .'), 'medium'],
    // A workflow that only pull requests run pushes a preview of the change.
    [
      'a pull request run that signs in a registry',
      job('cosign sign --yes ghcr.io/o/app:1', 'pull_request: {}'),
      'low',
    ],
    [
      'a job its if: keeps to pull requests',
      job('cosign sign --yes ghcr.io/o/app:1', 'push: {}, pull_request: {}').replace(
        '    runs-on: x\n',
        "    if: github.event_name == 'pull_request'\n    runs-on: x\n",
      ),
      'low',
    ],
    // make targets: their recipes, those of their prerequisites and sub-makes, and included files.
    ['make a target that depends on ko build', job('make image'), 'medium'],
    ['make a target whose sub-make pushes', job('make release'), 'medium'],
    ['make a target of an included file that signs', job('make sign-ci'), 'medium'],
    ['make a target that builds into ko.local', job('make local'), 'low'],
    ['make test', job('make test'), 'low'],
    ['make a target not in the Makefile', job('make docs'), 'low'],
  ])('%s', async (_name, workflow, severity) => {
    const findings = await evaluate(workflowAdhocPackages, files(workflow), {});
    expect(findings.map((f) => [at(f), f.severity])).toEqual([
      [`${W}:${workflow.includes('env:') || workflow.includes('if:') ? 7 : 6}:15`, severity],
    ]);
    expect(findings[0]!.message.includes('This job builds what the workflow publishes')).toBe(
      severity === 'medium',
    );
  });
});

describe('workflow.adhoc-packages: an install from local archives only', () => {
  it.each([
    ['uv pip install pkg --no-index --no-deps --find-links dist', []],
    ['python -m pip install --no-index --find-links=wheels pkg', []],
    // --find-links alone still asks the registry for what the directory does not hold.
    ['pip install --find-links dist pkg', ['low/rule "pip install pkg"']],
  ])('%s', async (script, expected) => {
    expect((await findingsOf({ [W]: job(script) })).map((f) => f.replace(/^\d+:\d+ /, ''))).toEqual(expected);
  });
});

describe('workflow.adhoc-packages: a locked dependency replaced by its upstream branch', () => {
  const LOCK = 'version = 1\n\n[[package]]\nname = "typing-ext"\nversion = "4.0.0"\n';
  it.each([
    ["uv sync\nuv pip install 'typing-ext @ git+https://example.com/typing-ext.git'", 'low/low'],
    ["uv sync\nuv pip install 'typing-ext @ git+https://example.com/typing-ext.git@main'", 'low/low'],
    // Not in the lockfile, or nothing installed from it before: a tool taken from a branch, as before.
    ["uv sync\nuv pip install 'other @ git+https://example.com/other.git'", 'low/rule'],
    ["uv pip install 'typing-ext @ git+https://example.com/typing-ext.git'", 'low/rule'],
  ])('%s', async (script, grade) => {
    const found = await findingsOf({ [W]: job(script), 'uv.lock': LOCK });
    expect(found.map((f) => f.replace(/^\d+:\d+ (\S+) .*$/, '$1'))).toEqual([grade]);
  });

  it('says it takes a branch, not a release', async () => {
    const found = await evaluate(
      workflowAdhocPackages,
      {
        [W]: job("uv sync\nuv pip install 'typing-ext @ git+https://example.com/typing-ext.git'"),
        'uv.lock': LOCK,
      },
      {},
    );
    expect(found[0]!.message).toContain('taking the newest commit of a branch of its repository');
    expect(found[0]!.message).toContain('replaces that dependency with its upstream branch');
  });
});

describe('workflow.adhoc-packages: an install in a job that builds what is published', () => {
  const release = (build: string, upload: string) =>
    `on:\n  release:\n    types: [published]\npermissions: {}\njobs:\n  build:\n    runs-on: x\n    steps:\n      - run: ${build}\n${upload}  publish:\n    needs: build\n    runs-on: x\n    permissions: { id-token: write }\n    steps:\n      - uses: actions/download-artifact@v4\n      - uses: pypa/gh-action-pypi-publish@release/v1\n`;
  const UPLOAD = '      - uses: actions/upload-artifact@v4\n        with: { name: dist, path: dist/ }\n';
  it.each([
    [
      'an unpinned tool in the job whose artifact is published',
      release('pipx run build', UPLOAD),
      ['medium/rule'],
    ],
    ['a pinned tool there', release('pipx run build==1.2.2', UPLOAD), ['info/rule']],
    // The publishing job needs it only to pass first: it hands nothing over.
    ['a job that hands nothing to the publishing job', release('pipx run build', ''), ['low/rule']],
  ])('%s', async (_name, workflow, expected) => {
    const found = await findingsOf({ [W]: workflow });
    expect(found.map((f) => f.replace(/^\d+:\d+ (\S+) .*$/, '$1'))).toEqual(expected);
  });
});

describe('workflow.adhoc-packages: a job that deploys a site, or pushes while it holds a secret', () => {
  const on = 'on:\n  push:\n    branches: [main]\n';
  const docs = (deploy: string) =>
    `${on}jobs:\n  docs:\n    runs-on: x\n    steps:\n      - run: pip install mkdocs-material\n      - run: ${deploy}\n`;
  const bump = (env: string, after: string) =>
    `on: workflow_dispatch\n${env}jobs:\n  bump:\n    runs-on: x\n    steps:\n      - run: cargo install sd\n      - run: sd 1.0 1.1 Cargo.toml\n${after}`;
  const COMMIT = '      - uses: EndBug/add-and-commit@v9\n        with: { new_branch: bump }\n';
  const PAT = 'env:\n  GH_TOKEN: ${{ secrets.BOT_PAT }}\n';
  it.each([
    // A documentation site pushed to the pages branch is published: medium.
    ['mike deploy --push', docs('mike deploy --push dev'), ['medium/rule']],
    ['mkdocs gh-deploy', docs('mkdocs gh-deploy --force'), ['medium/rule']],
    // Without --push, mike only commits in the local clone; a build alone publishes nothing.
    ['mike deploy without --push', docs('mike deploy dev'), ['low/rule']],
    ['mkdocs build', docs('mkdocs build --strict'), ['low/rule']],
    // A job that pushes with a secret of its own in reach: medium.
    ['a push with a token from secrets', bump(PAT, COMMIT), ['medium/rule']],
    [
      'git push with a secret in a step',
      bump('', `      - run: git push origin bump\n        env: { TOKEN: '\${{ secrets.BOT_PAT }}' }\n`),
      ['medium/rule'],
    ],
    // The job's own token, no push, or a push before the install: low.
    [
      'a push with the job token',
      bump('env:\n  GH_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n', COMMIT),
      ['low/rule'],
    ],
    ['a secret and no push', bump(PAT, '      - run: gh pr list\n'), ['low/rule']],
    // An action that commits and pushes a branch for a pull request, given the secret: medium.
    [
      'a pull request opened with a secret of its own',
      bump(
        '',
        "      - uses: peter-evans/create-pull-request@v7\n        with: { token: '${{ secrets.BOT_PAT }}' }\n",
      ),
      ['medium/rule'],
    ],
    [
      'a pull request opened with the job token',
      bump(
        '',
        "      - uses: peter-evans/create-pull-request@v7\n        with: { token: '${{ secrets.GITHUB_TOKEN }}' }\n",
      ),
      ['low/rule'],
    ],
  ])('%s', async (_name, workflow, expected) => {
    const found = await findingsOf({ [W]: workflow });
    expect(found.map((f) => f.replace(/^\d+:\d+ (\S+) .*$/, '$1'))).toEqual(expected);
  });
});
