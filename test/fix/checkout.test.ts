import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTrees, roundTrip } from './round-trip.js';

afterAll(cleanupTrees);

const RULE = 'workflow-checkout-persisted-credentials';
const FILE = '.github/workflows/ci.yml';
const wf = (steps: string) =>
  `on: push\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;

const CASES: { name: string; input: string; output: string }[] = [
  {
    name: 'no with: one is added after uses:',
    input: wf('      - uses: actions/checkout@v4 # the code\n      - run: make test\n'),
    output: wf(
      '      - uses: actions/checkout@v4 # the code\n        with:\n          persist-credentials: false\n      - run: make test\n',
    ),
  },
  {
    name: 'a with: block gets the entry after its last one',
    input: wf(
      '      - name: Check out\n        uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n      - run: make\n',
    ),
    output: wf(
      '      - name: Check out\n        uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n          persist-credentials: false\n      - run: make\n',
    ),
  },
  {
    name: 'a flow with: stays flow',
    input: wf('      - uses: actions/checkout@v4\n        with: { fetch-depth: 0 }\n      - run: make\n'),
    output: wf(
      '      - uses: actions/checkout@v4\n        with: { fetch-depth: 0, persist-credentials: false }\n      - run: make\n',
    ),
  },
  {
    name: 'a flow step',
    input: wf('      - { uses: actions/checkout@v4 }\n      - run: make\n'),
    output: wf(
      '      - { uses: actions/checkout@v4, with: { persist-credentials: false } }\n      - run: make\n',
    ),
  },
  {
    name: 'four-space indentation, a block scalar after, tabs inside the script',
    input:
      'on: push\npermissions:\n    contents: read\njobs:\n    build:\n        runs-on: ubuntu-latest\n        steps:\n            -   uses: actions/checkout@v4\n            -   run: |\n                    printf "a\\tb"\t# tab\n',
    output:
      'on: push\npermissions:\n    contents: read\njobs:\n    build:\n        runs-on: ubuntu-latest\n        steps:\n            -   uses: actions/checkout@v4\n                with:\n                    persist-credentials: false\n            -   run: |\n                    printf "a\\tb"\t# tab\n',
  },
  {
    name: 'comments inside with:, CRLF kept',
    input: wf(
      '      - uses: actions/checkout@v4\n        with:\n          # history\n          fetch-depth: 0 # all\n      - run: make\n',
    ).replace(/\n/g, '\r\n'),
    output: wf(
      '      - uses: actions/checkout@v4\n        with:\n          # history\n          fetch-depth: 0 # all\n          persist-credentials: false\n      - run: make\n',
    ).replace(/\n/g, '\r\n'),
  },
  {
    name: 'an anchored step defined here is edited where it is written',
    input: wf('      - &co\n        uses: actions/checkout@v4\n      - run: make\n'),
    output: wf(
      '      - &co\n        uses: actions/checkout@v4\n        with:\n          persist-credentials: false\n      - run: make\n',
    ),
  },
];

describe('fix: persist-credentials: false', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const { final } = await roundTrip({ [FILE]: c.input }, RULE, { fixes: 1 });
      expect(final[FILE]).toBe(c.output);
    });
  }

  it('not when a later step pushes, nor for a deliberate true', async () => {
    const { findings } = await roundTrip(
      {
        [FILE]: `on: workflow_run\njobs:\n  release:\n    runs-on: ubuntu-latest\n    permissions: { contents: write }\n    steps:\n      - uses: actions/checkout@v4\n      - run: git tag v1 && git push --tags\n  docs:\n    runs-on: ubuntu-latest\n    permissions: { contents: write }\n    steps:\n      - uses: actions/checkout@v4\n        with: { persist-credentials: true }\n      - uses: actions/upload-artifact@v3\n        with: { path: . }\n`,
      },
      RULE,
      { fixes: 0 },
    );
    expect(findings.map((f) => [f.location?.startLine, f.unfixable])).toEqual([
      [14, 'persist-credentials: true is set on purpose'],
      [7, expect.stringMatching(/^step "run" may push or fetch with the persisted credentials/)],
    ]);
  });

  it("not before this repository's composite action that pushes, nor before a backport action", async () => {
    const comment = (steps: string) =>
      `on: issue_comment\njobs:\n  pick:\n    runs-on: ubuntu-latest\n    permissions: { contents: write }\n    steps:\n      - uses: actions/checkout@v4\n${steps}`;
    const { findings } = await roundTrip(
      {
        [FILE]: comment('      - uses: ./.github/actions/pick\n        with: { branch: release-1 }\n'),
        '.github/actions/pick/action.yaml':
          'name: pick\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: |\n        git cherry-pick -x "$SHA"\n        git push origin "HEAD:refs/heads/pick-$BRANCH"\n',
        '.github/workflows/backport.yml': comment('      - uses: korthout/backport-action@v3\n'),
        // A local action that only builds does not use the credentials: the fix still applies.
        '.github/workflows/setup.yml': wf(
          '      - uses: actions/checkout@v4\n      - uses: ./.github/actions/setup\n',
        ),
        '.github/actions/setup/action.yml':
          'name: setup\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: make deps\n',
      },
      RULE,
      { fixes: 1 },
    );
    expect(
      findings.map((f) => [f.location?.path, f.unfixable, /which pushes with it/.test(f.message)]),
    ).toEqual([
      [
        '.github/workflows/backport.yml',
        expect.stringMatching(/^step "korthout\/backport-action@v3" may push/),
        true,
      ],
      [FILE, expect.stringMatching(/^step "\.\/\.github\/actions\/pick" may push/), true],
      ['.github/workflows/setup.yml', undefined, false],
    ]);
  });

  it('not before an action whose name says it pushes; an image build is no git push', async () => {
    const { findings } = await roundTrip(
      {
        // On an event outsiders cause: a checkout a later step pushes with is reported only there.
        [FILE]: wf(
          '      - uses: actions/checkout@v4\n      - uses: acme/actions/helpers/version-push@v1\n',
        ).replace('on: push', 'on: workflow_run'),
        '.github/workflows/image.yml': wf(
          '      - uses: actions/checkout@v4\n      - uses: docker/build-push-action@v6\n',
        ),
        // "pre-commit" names the hook framework: its actions push nothing with the token.
        '.github/workflows/lint.yml': wf(
          '      - uses: actions/checkout@v4\n      - uses: pre-commit/action@v3.0.1\n      - uses: pre-commit-ci/lite-action@v1.1.0\n      - uses: ory/ci/conventional_commit_config@master\n',
        ),
      },
      RULE,
      { fixes: 2 },
    );
    expect(findings.map((f) => [f.location?.path, f.unfixable])).toEqual([
      [FILE, expect.stringMatching(/^step "acme\/actions\/helpers\/version-push@v1" may push/)],
      ['.github/workflows/image.yml', undefined],
      ['.github/workflows/lint.yml', undefined],
    ]);
  });
});
