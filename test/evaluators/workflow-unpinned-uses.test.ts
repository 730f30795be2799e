import { afterAll, describe, expect, it } from 'vitest';
import { workflowUnpinnedUses } from '../../src/core/evaluators/workflow/unpinned-uses.js';
import type { RawFinding } from '../../src/core/types.js';
import { at, evaluate, removeTrees } from '../parsers/tree.js';

afterAll(removeTrees);

const SHA = 'b4ffde65f46336ab88eb53be808477a3936bae11';
const DIGEST = `sha256:${'c'.repeat(64)}`;

const run = (files: Record<string, string>, allow: string[] = []) =>
  evaluate(workflowUnpinnedUses, files, { allow });

describe('workflow.unpinned-uses', () => {
  it('reports each unpinned reference at the exact line and columns of its value', async () => {
    const findings = await run({
      '.github/workflows/ci.yml': `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: quoted
        uses: 'actions/setup-node@main'
      - uses: actions/cache@${SHA} # v4
      - uses: codecov/codecov-action@e28ff12
      - uses: docker://alpine:3.19
      - uses: docker://alpine@${DIGEST}
      - uses: ./local
      - {uses: some/action}
  call:
    uses: octo/wf/.github/workflows/release.yml@v1
`,
    });
    expect(findings.map(at)).toEqual([
      '.github/workflows/ci.yml:6:15',
      '.github/workflows/ci.yml:8:16',
      '.github/workflows/ci.yml:10:15',
      '.github/workflows/ci.yml:11:15',
      '.github/workflows/ci.yml:14:16',
      '.github/workflows/ci.yml:16:11',
    ]);
    expect(findings[0]!.location).toMatchObject({ endLine: 6, endColumn: 33 });
    expect(findings.map((f) => f.key)).toEqual([
      'actions/checkout@v4',
      'actions/setup-node@main',
      'codecov/codecov-action@e28ff12',
      'docker://alpine:3.19',
      'some/action',
      'octo/wf/.github/workflows/release.yml@v1',
    ]);
    expect(findings[0]!.message).toContain('"actions/checkout@v4"');
    expect(findings[0]!.message).toContain('tag or branch can be moved');
    expect(findings[2]!.message).toContain('abbreviated commit SHA');
    expect(findings[3]!.message).toContain('@sha256:');
    expect(findings[4]!.message).toContain('names no version');
    expect(findings[5]!.message).toMatch(/^Reusable workflow/);
  });

  it("takes the self-repository form ($/) as the workflow's own commit: nothing to pin", async () => {
    const findings = await run({
      '.github/workflows/ci.yml': `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: $/.github/actions/setup
      - uses: actions/checkout@v4
  call:
    uses: $/.github/workflows/release.yml
`,
    });
    expect(findings.map(at)).toEqual(['.github/workflows/ci.yml:7:15']);
  });

  it("leaves SLSA's generator workflows called by a release tag, as they must be; not its actions or other refs", async () => {
    const gen = 'slsa-framework/slsa-github-generator';
    const findings = await run({
      '.github/workflows/release.yml': `on: push
jobs:
  provenance:
    uses: ${gen}/.github/workflows/generator_generic_slsa3.yml@v2.1.0
  branch:
    uses: ${gen}/.github/workflows/generator_generic_slsa3.yml@main
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: ${gen}/actions/generator/generic/create-base64-subjects-from-file@v2.1.0
`,
    });
    expect(findings.map(at)).toEqual([
      '.github/workflows/release.yml:6:11',
      '.github/workflows/release.yml:10:15',
    ]);
  });

  it('keeps the key stable when lines move', async () => {
    const body = '  a:\n    steps:\n      - uses: actions/checkout@v4\n';
    const [before] = await run({ '.github/workflows/a.yml': `on: push\njobs:\n${body}` });
    const [after] = await run({ '.github/workflows/a.yml': `# moved\n\non: push\njobs:\n${body}` });
    expect(after!.location!.startLine).toBe(before!.location!.startLine + 2);
    expect(after!.key).toBe(before!.key);
  });

  it('scans composite action steps anywhere in the repository', async () => {
    const findings = await run({
      'actions/setup/action.yml': `name: setup
runs:
  using: composite
  steps:
    - uses: actions/setup-python@v5
    - run: echo ok
      shell: bash
`,
      'action.yaml': 'name: js\nruns:\n  using: node20\n  main: index.js\n',
    });
    expect(findings.map(at)).toEqual(['actions/setup/action.yml:5:13']);
  });

  it('lets allow-listed owners use tags, case-insensitively, but not docker images', async () => {
    const files = {
      '.github/workflows/ci.yml': `on: push
jobs:
  a:
    steps:
      - uses: actions/checkout@v4
      - uses: Actions/setup-node@v4
      - uses: github/codeql-action/init@v3
      - uses: other/thing@v1
      - uses: docker://actions/runner:2
`,
    };
    expect((await run(files)).length).toBe(5);
    const allowed = await run(files, ['actions/*', 'github/codeql-action']);
    expect(allowed.map(at)).toEqual(['.github/workflows/ci.yml:8:15', '.github/workflows/ci.yml:9:15']);
  });

  it('ignores workflows in sub-directories, non-workflow YAML and broken files', async () => {
    const findings = await run({
      '.github/workflows/old/ci.yml': 'on: push\njobs:\n  a:\n    steps:\n      - uses: a/b@v1\n',
      '.github/workflows/list.yml': '- uses: a/b@v1\n',
      '.github/workflows/broken.yml': 'on: push\njobs: [\n',
    });
    expect(findings).toEqual([]);
  });

  it('handles a 10,000-step workflow', async () => {
    const steps: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      steps.push(i % 2 === 0 ? `      - uses: org/action-${i}@v1` : `      - uses: org/action-${i}@${SHA}`);
    }
    const text = `on: push\njobs:\n  big:\n    runs-on: ubuntu-latest\n    steps:\n${steps.join('\n')}\n`;
    const findings = await run({ '.github/workflows/big.yml': text });
    expect(findings.length).toBe(5_000);
    expect(at(findings[4_999]!)).toBe('.github/workflows/big.yml:10004:15');
  });

  describe('a local action that an earlier checkout fetched from another repository', () => {
    const W = '.github/workflows/deploy.yml';
    /** A job that checks out `checkout` (with: lines) at line 6, then runs `uses` at line 11 or later. */
    const wf = (checkout: string[], uses: string, between = '') =>
      `on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@${SHA}\n        with:\n${checkout.map((l) => `          ${l}\n`).join('')}${between}      - uses: ${uses}\n        with:\n          token: \${{ secrets.DEPLOY_TOKEN }}\n`;
    it.each([
      [
        'a branch, the action at the folder',
        ['repository: someorg/deploy-action', 'ref: main', 'path: .tools/deploy'],
        './.tools/deploy',
        [`${W}:9:16 high someorg/deploy-action@main`],
      ],
      [
        'a tag, an action in a sub-folder',
        ['repository: someorg/deploy-action', 'ref: v2', 'path: tools'],
        './tools/publish/',
        [`${W}:9:16 high someorg/deploy-action/publish@v2`],
      ],
      [
        'no ref (the default branch), at the reference to the repository',
        ['repository: someorg/deploy-action', 'path: ./deploy'],
        './deploy',
        [`${W}:8:23 high someorg/deploy-action`],
      ],
    ])('%s: reported as that unpinned action', async (_name, checkout, uses, expected) => {
      const found = await run({ [W]: wf(checkout, uses) });
      expect(
        found.map((f) => `${at(f)} ${f.severity ?? 'high'} ${/`uses: ([^`]+)`/.exec(f.message)?.[1]}`),
      ).toEqual(expected);
    });
    it.each([
      [
        'pinned to a commit',
        ['repository: someorg/deploy-action', `ref: ${SHA}`, 'path: .tools/deploy'],
        './.tools/deploy',
        '',
      ],
      [
        'a ref computed by an expression',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, as written in a workflow
        ['repository: someorg/deploy-action', 'ref: ${{ inputs.ref }}', 'path: t'],
        './t',
        '',
      ],
      [
        'another folder than the action',
        ['repository: someorg/deploy-action', 'ref: main', 'path: other'],
        './.github/actions/deploy',
        '',
      ],
      [
        'this repository checked out again over the folder',
        ['repository: someorg/deploy-action', 'ref: main'],
        './.github/actions/deploy',
        `      - uses: actions/checkout@${SHA}\n`,
      ],
    ])('%s: not reported', async (_name, checkout, uses, between) => {
      expect(await run({ [W]: wf(checkout, uses, between) })).toEqual([]);
    });
    it('is medium for a repository of the owner the run names, saying so', async () => {
      const found = await evaluate(
        workflowUnpinnedUses,
        { [W]: wf(['repository: acme/actions', 'ref: main', 'path: a'], './a/deploy') },
        { allow: [] },
        { repository: 'acme/api' },
      );
      expect(found.map((f) => [at(f), f.severity, f.message.includes('another repository')])).toEqual([
        [`${W}:9:16`, 'medium', true],
      ]);
    });
  });
});

describe("workflow.unpinned-uses: an action repository's own action", () => {
  const workflow = `on: workflow_dispatch
jobs:
  canary:
    runs-on: ubuntu-latest
    steps:
      - uses: Acme/Setup-Tool@rc
      - uses: acme/setup-tool/cache@main
      - uses: acme/setup-tool/missing@v1
      - uses: acme/other-tool@v2
      - uses: actions/checkout@v4
`;
  const files = (repository: unknown) => ({
    '.github/workflows/canary.yml': workflow,
    'action.yml': 'name: setup\nruns:\n  using: node24\n  main: dist/index.js\n',
    'cache/action.yaml': 'name: cache\nruns:\n  using: node24\n  main: dist/cache.js\n',
    'package.json': JSON.stringify({ name: 'setup-tool', repository }),
  });
  const OWN = (repository: string) =>
    ` package.json's \`repository\` names this repository as ${repository} and the action's action.yml is in this tree: if it is this repository's own action, whoever can move its tags or branches can change this workflow as well.`;
  const outcome = async (repository: unknown, self = 'acme/setup-tool') =>
    (await run(files(repository))).map((f) => [at(f), f.confidence ?? 'rule', f.message.endsWith(OWN(self))]);

  it.each([
    ['git+https://github.com/acme/setup-tool.git'],
    [{ type: 'git', url: 'https://github.com/acme/setup-tool' }],
    ['git@github.com:acme/setup-tool.git'],
    ['github:acme/setup-tool'],
    ['acme/setup-tool'],
  ])(
    "reports its own action by a tag or branch saying so, at the rule's confidence (repository %j)",
    async (repository) => {
      expect(await outcome(repository)).toEqual([
        ['.github/workflows/canary.yml:6:15', 'rule', true],
        ['.github/workflows/canary.yml:7:15', 'rule', true],
        // Not an action of this tree, another repository of the owner, a third party: as before.
        ['.github/workflows/canary.yml:8:15', 'rule', false],
        ['.github/workflows/canary.yml:9:15', 'rule', false],
        ['.github/workflows/canary.yml:10:15', 'rule', false],
      ]);
    },
  );

  it.each([
    // Another repository: its action (at the root, whose action.yml is this tree's) is the one said
    // to be this repository's, but keeps its confidence: a pull request can write package.json.
    ['https://github.com/acme/other-tool', 'acme/other-tool', [false, false, false, true, false]],
    [undefined, 'acme/setup-tool', [false, false, false, false, false]],
    ['https://gitlab.com/acme/setup-tool', 'acme/setup-tool', [false, false, false, false, false]],
  ])(
    'judges by the repository package.json names (%j), and never lowers a reference',
    async (repository, self, expected) => {
      const found = await outcome(repository, self);
      expect(found.map(([, confidence]) => confidence)).toEqual(['rule', 'rule', 'rule', 'rule', 'rule']);
      expect(found.map(([, , said]) => said)).toEqual(expected);
    },
  );
});

describe("workflow.unpinned-uses: the run's own repository", () => {
  const files = {
    '.github/workflows/release.yml': `on: push
jobs:
  build:
    uses: Acme/Builder/.github/workflows/build.yml@main
  verify:
    runs-on: ubuntu-latest
    steps:
      - uses: acme/builder/.github/actions/checkout@main
      - uses: acme/builder@v2
      - uses: acme/builder-extras/setup@main
      - uses: acme-builder/builder@main
      - uses: actions/checkout@v4
`,
    '.github/workflows/build.yml': 'on: workflow_call\njobs: {}\n',
    // What the tree says of itself does not matter when the run names the repository.
    'package.json': JSON.stringify({ repository: 'github:evil/elsewhere' }),
  };
  const SAID = ' It names this repository (acme/builder) itself:';
  const grade = (f: RawFinding) => [
    at(f),
    f.severity ?? 'rule',
    f.persona ?? '-',
    f.message.includes(SAID),
    f.unfixable !== undefined,
  ];

  it('reports references to the repository the run names at low severity, for the pedantic, without a pin', async () => {
    const found = await evaluate(workflowUnpinnedUses, files, { allow: [] }, { repository: 'acme/builder' });
    expect(found.map(grade)).toEqual([
      ['.github/workflows/release.yml:4:11', 'low', 'pedantic', true, true],
      ['.github/workflows/release.yml:8:15', 'low', 'pedantic', true, true],
      ['.github/workflows/release.yml:9:15', 'low', 'pedantic', true, true],
      // Another repository of the owner: medium (below); a look-alike owner, a third party: as before.
      ['.github/workflows/release.yml:10:15', 'medium', '-', false, false],
      ['.github/workflows/release.yml:11:15', 'rule', '-', false, false],
      ['.github/workflows/release.yml:12:15', 'rule', '-', false, false],
    ]);
  });

  // The same organisation's shared workflows and actions are not a third party's, but a ref they move
  // still changes what runs here: medium, shown, with a pin offered. The owner comes from the run.
  it('reports references to other repositories of the owner the run names at medium severity, saying so', async () => {
    const OWNER = " It names another repository of this repository's own owner (acme), not a third party's:";
    const found = await evaluate(workflowUnpinnedUses, files, { allow: [] }, { repository: 'acme/api' });
    expect(found.map((f) => [...grade(f).slice(1), f.message.includes(OWNER)])).toEqual([
      ['medium', '-', false, false, true],
      ['medium', '-', false, false, true],
      ['medium', '-', false, false, true],
      ['medium', '-', false, false, true],
      ['rule', '-', false, false, false],
      ['rule', '-', false, false, false],
    ]);
  });

  it('judges every reference alike when the run names no repository, or one of another owner', async () => {
    for (const run of [{}, { repository: 'elsewhere/api' }]) {
      const found = await evaluate(workflowUnpinnedUses, files, { allow: [] }, run);
      expect(found.map(grade).map(([, ...rest]) => rest)).toEqual(Array(6).fill(['rule', '-', false, false]));
    }
  });

  // An image in the owner's own namespace of GitHub's registry is graded as another repository of the
  // owner is (medium); the same name on Docker Hub, or another owner's, may be anyone's (high).
  it.each([
    ['docker://ghcr.io/acme/tester:latest', 'acme/api', 'medium'],
    ['docker://GHCR.IO/Acme/tools/tester:1', 'acme/api', 'medium'],
    ['docker://ghcr.io/acme/tester:latest', 'elsewhere/api', undefined],
    ['docker://ghcr.io/acmeinc/tester:latest', 'acme/api', undefined],
    ['docker://acme/tester:latest', 'acme/api', undefined],
    ['docker://docker.io/acme/tester:latest', 'acme/api', undefined],
  ])('%s run from %s', async (uses, repository, severity) => {
    const found = await evaluate(
      workflowUnpinnedUses,
      { '.github/workflows/t.yml': `on: push\njobs:\n  t:\n    steps:\n      - uses: ${uses}\n` },
      { allow: [] },
      { repository },
    );
    expect(found.map((f) => f.severity)).toEqual([severity]);
    expect(found[0]!.message.includes('container registry namespace')).toBe(severity === 'medium');
  });

  // GitHub's own actions (actions/*, github/*) by a version tag, in a job with nothing to steal (no
  // secret, no OIDC token, no write scope but report-only ones, no deployment, nothing published):
  // medium. Anything privileged, a branch, a written-nowhere token on other triggers keeps it high.
  const bare = (on: string, perms: string, step = '', job = '', uses = 'actions/checkout@v4') =>
    `on: ${on}\n${perms}jobs:\n  t:\n    runs-on: x\n${job}    steps:\n      - uses: ${uses}\n      - uses: other/tool@v1\n${step}`;
  const read = 'permissions: { contents: read }\n';
  /** A GitHub expression (`${{ ... }}`) as text. */
  const expr = (e: string) => `\${{ ${e} }}`;
  it.each([
    ['manual, read-only, no secret', bare('workflow_dispatch', read), 'medium'],
    ['manual, permissions: {}', bare('workflow_dispatch', 'permissions: {}\n'), 'medium'],
    ['manual, read-all', bare('workflow_dispatch', 'permissions: read-all\n'), 'medium'],
    ['on push, read-only', bare('push', read), 'medium'],
    ['on release, read-only, publishing nothing', bare('[release, workflow_dispatch]', read), 'medium'],
    [
      "on schedule, the job's permissions",
      bare('schedule', '', '', '    permissions: { contents: read }\n'),
      'medium',
    ],
    [
      'report-only write scopes',
      bare(
        'push',
        'permissions: { contents: read, security-events: write, checks: write, statuses: write }\n',
      ),
      'medium',
    ],
    ['a github/* action', bare('push', read, '', '', 'github/codeql-action/init@v3.28.1'), 'medium'],
    [
      'the job token named, read-only',
      bare(
        'push',
        read,
        `      - run: gh pr list\n        env: { GH_TOKEN: "${expr('secrets.GITHUB_TOKEN')}" }\n`,
      ),
      'medium',
    ],
    ['pull_request only, no permissions', bare('pull_request', ''), 'medium'],
    // A job whose `if:` needs a context only pull requests set runs on them alone.
    [
      'a job gated on github.base_ref, no permissions',
      bare(
        '[push, pull_request, merge_group]',
        '',
        '',
        `    if: ${expr("github.base_ref == 'main' && github.actor != 'x'")}\n`,
      ),
      'medium',
    ],
    [
      'a job gated on contains(github.base_ref), no permissions',
      bare('[push, pull_request]', '', '', `    if: ${expr("contains(github.base_ref, 'release-')")}\n`),
      'medium',
    ],
    [
      'a job gated on github.event_name, no permissions',
      bare('[push, pull_request]', '', '', `    if: github.event_name == 'pull_request'\n`),
      'medium',
    ],
    [
      'a job gated on github.base_ref or a push, no permissions',
      bare(
        '[push, pull_request]',
        '',
        '',
        `    if: github.base_ref == 'main' || github.ref == 'refs/heads/main'\n`,
      ),
      undefined,
    ],
    [
      'a job gated on github.base_ref being empty, no permissions',
      bare('[push, pull_request]', '', '', `    if: github.base_ref == ''\n`),
      undefined,
    ],
    [
      'a job gated on github.base_ref, pull_request_target too',
      bare('[push, pull_request_target]', '', '', `    if: github.base_ref == 'main'\n`),
      undefined,
    ],
    ['manual, no permissions', bare('workflow_dispatch', ''), undefined],
    ['on push, no permissions', bare('push', ''), undefined],
    ['pull_request and push, no permissions', bare('[pull_request, push]', ''), undefined],
    ['pull_request_target only, no permissions', bare('pull_request_target', ''), undefined],
    [
      'pull_request only, no permissions, the token handed to a step',
      bare(
        'pull_request',
        '',
        `      - run: gh pr comment\n        env: { GH_TOKEN: "${expr('github.token')}" }\n`,
      ),
      undefined,
    ],
    [
      'pull_request only, no permissions, github-script',
      bare('pull_request', '', `      - uses: actions/github-script@${SHA}\n        with: { script: "" }\n`),
      undefined,
    ],
    [
      'pull_request only, no permissions, an action that writes with the job token by default',
      bare('pull_request', '', `      - uses: github/codeql-action/upload-sarif@${SHA}\n`),
      undefined,
    ],
    [
      'pull_request only, no permissions, an action that only reads with it',
      bare('pull_request', '', `      - uses: actions/download-artifact@${SHA}\n`),
      'medium',
    ],
    [
      "pull_request only, no permissions, configure-pages (reads the site's settings)",
      bare('pull_request', '', `      - uses: actions/configure-pages@${SHA}\n`),
      'medium',
    ],
    [
      'pull_request only, no permissions, configure-pages told to create the site',
      bare(
        'pull_request',
        '',
        `      - uses: actions/configure-pages@${SHA}\n        with: { enablement: true }\n`,
      ),
      undefined,
    ],
    ['a write scope', bare('workflow_dispatch', 'permissions: { contents: write }\n'), undefined],
    ['an issues write scope', bare('schedule', 'permissions: { issues: write }\n'), undefined],
    ['an OIDC token', bare('workflow_dispatch', 'permissions: { id-token: write }\n'), undefined],
    ['write-all', bare('push', 'permissions: write-all\n'), undefined],
    [
      'a secret in a step',
      bare(
        'workflow_dispatch',
        'permissions: {}\n',
        `      - run: ./x\n        env: { T: "${expr('secrets.T')}" }\n`,
      ),
      undefined,
    ],
    ['a secret in the workflow env', bare('push', `${read}env: { T: "${expr('secrets.T')}" }\n`), undefined],
    [
      'the whole secrets context',
      bare('push', read, '', `    env: { ALL: "${expr('toJSON(secrets)')}" }\n`),
      undefined,
    ],
    ['a deployment environment', bare('push', read, '', '    environment: production\n'), undefined],
    [
      'a self-hosted runner',
      bare('push', read, '', '', 'actions/checkout@v4').replace(
        'runs-on: x',
        'runs-on: [self-hosted, linux]',
      ),
      undefined,
    ],
    ['a publishing step', bare('push', read, '      - run: docker push acme/app:latest\n'), undefined],
    ['a branch', bare('workflow_dispatch', read, '', '', 'actions/checkout@main'), undefined],
    // Only an expression names a secret: a clone URL that says `git-secrets.git` does not.
    [
      'a word like a secret in plain text',
      bare('push', read, '      - run: git clone https://github.com/o/git-secrets.git && cd git-secrets\n'),
      'medium',
    ],
    [
      'a secret in an expression of a script',
      bare('push', read, `      - run: ./scan --key "${expr('secrets.SCAN_KEY')}" git-secrets.git\n`),
      undefined,
    ],
    // GitHub's own images: its Docker Hub namespace and its container registry namespaces.
    [
      'a docker image of GitHub by a version tag',
      bare('push', read, '', '', 'docker://github/lint:v3.12.0'),
      'medium',
    ],
    ['an image of ghcr.io/github', bare('push', read, '', '', 'docker://ghcr.io/github/lint:v1.2'), 'medium'],
    [
      'a docker image of GitHub by latest',
      bare('push', read, '', '', 'docker://github/lint:latest'),
      undefined,
    ],
    [
      'a docker image of a namespace like it',
      bare('push', read, '', '', 'docker://githubx/lint:v1'),
      undefined,
    ],
    [
      'a registry path that only names github',
      bare('push', read, '', '', 'docker://quay.io/github/lint:v1'),
      undefined,
    ],
  ])('GitHub action by a tag in a job: %s', async (_name, text, severity) => {
    const found = await run({ '.github/workflows/t.yml': text });
    // The third party's action beside it stays high whatever the job.
    expect(found.map((f) => f.severity)).toEqual([severity, undefined]);
    expect(found[0]!.message.includes('an action of GitHub itself')).toBe(severity === 'medium');
  });

  // A reusable workflow runs here on the events of the workflows of this repository that call it: one
  // whose every caller runs on pull_request only (and grants no write scope, hands over no token or
  // secret) is a pull-request-only job; a caller elsewhere runs it with its own token.
  const called = bare('workflow_call', '');
  const caller = (on: string, job = '', top = '') =>
    `on: ${on}\n${top}jobs:\n  call:\n    uses: ./.github/workflows/t.yml\n${job}`;
  it.each([
    ['every caller on pull_request', { 'c.yml': caller('pull_request') }, 'medium'],
    [
      'callers on pull_request, through a chain of calls',
      {
        'c.yml': caller('pull_request'),
        'm.yml': 'on: workflow_call\njobs:\n  call:\n    uses: ./.github/workflows/t.yml\n',
        'd.yml': 'on: pull_request\njobs:\n  call:\n    uses: ./.github/workflows/m.yml\n',
      },
      'medium',
    ],
    [
      'a caller with a report-only write scope',
      { 'c.yml': caller('pull_request', '    permissions: { contents: read, checks: write }\n') },
      'medium',
    ],
    ['no caller here', {}, undefined],
    ['a caller on push', { 'c.yml': caller('pull_request'), 'p.yml': caller('push') }, undefined],
    ['a caller on pull_request_target', { 'c.yml': caller('pull_request_target') }, undefined],
    [
      'a caller granting a write scope',
      { 'c.yml': caller('pull_request', '    permissions: { contents: write }\n') },
      undefined,
    ],
    [
      "a caller's workflow granting a write scope",
      { 'c.yml': caller('pull_request', '', 'permissions: { packages: write }\n') },
      undefined,
    ],
    [
      'a caller handing over a secret',
      { 'c.yml': caller('pull_request', `    secrets: { T: "${expr('secrets.T')}" }\n`) },
      undefined,
    ],
    [
      'a caller handing over the token',
      { 'c.yml': caller('pull_request', `    with: { t: "${expr('github.token')}" }\n`) },
      undefined,
    ],
  ])('GitHub action by a tag in a reusable workflow: %s', async (_name, callers, severity) => {
    const files: Record<string, string> = { '.github/workflows/t.yml': called };
    for (const [name, text] of Object.entries(callers)) files[`.github/workflows/${name}`] = text;
    const found = (await run(files)).filter((f) => f.location!.path === '.github/workflows/t.yml');
    expect(found.map((f) => f.severity)).toEqual([severity, undefined]);
  });

  // A reusable workflow run only by jobs here holds the token they grant it (a caller elsewhere runs
  // it with its own): when every caller bounds it to report-only scopes, handing it to a step reaches
  // nothing, whatever the callers' triggers. A caller lending the default token, or a write scope or an
  // OIDC token, keeps it high; so does a trigger of its own, whose run holds the default token.
  const handsOver = (
    on = 'workflow_call',
    uses = 'actions/checkout@v4',
    env = `GH_TOKEN: "${expr('secrets.GITHUB_TOKEN')}"`,
  ) => bare(on, '', `      - run: gh pr list\n        env: { ${env} }\n`, '', uses);
  it.each<[string, string, Record<string, string>, 'medium' | undefined]>([
    [
      'a caller on pull_request with permissions: {}',
      handsOver(),
      { 'c.yml': caller('pull_request', '', 'permissions: {}\n') },
      'medium',
    ],
    [
      "GitHub's docker image given the token, a caller with permissions: {}",
      handsOver(
        'workflow_call',
        'docker://github/super-linter:v3.12.0',
        `GITHUB_TOKEN: "${expr('github.token')}"`,
      ),
      { 'c.yml': caller('pull_request', '', 'permissions: {}\n') },
      'medium',
    ],
    [
      'a caller on push granting read only',
      handsOver(),
      { 'c.yml': caller('push', '    permissions: { contents: read }\n') },
      'medium',
    ],
    [
      'callers granting report-only scopes and nothing',
      handsOver(),
      {
        'c.yml': caller('push', '    permissions: { checks: write, statuses: write }\n'),
        'd.yml': caller('schedule', '    permissions: {}\n', 'permissions: write-all\n'),
      },
      'medium',
    ],
    [
      'a caller lending the default token',
      handsOver(),
      { 'c.yml': caller('pull_request', '', 'permissions: {}\n'), 'd.yml': caller('pull_request') },
      undefined,
    ],
    [
      'a caller granting a write scope',
      handsOver(),
      { 'c.yml': caller('pull_request', '    permissions: { contents: write }\n', 'permissions: {}\n') },
      undefined,
    ],
    [
      'a caller granting an OIDC token',
      handsOver(),
      { 'c.yml': caller('push', '    permissions: { id-token: write }\n') },
      undefined,
    ],
    [
      'callers with permissions: {}, a pull_request trigger of its own',
      handsOver('[pull_request, workflow_call]'),
      { 'c.yml': caller('pull_request', '', 'permissions: {}\n') },
      undefined,
    ],
    [
      'callers with permissions: {}, a secret handed over',
      handsOver('workflow_call', 'actions/checkout@v4', `GH_TOKEN: "${expr('secrets.BOT_TOKEN')}"`),
      { 'c.yml': caller('pull_request', '', 'permissions: {}\n') },
      undefined,
    ],
    ['no caller here', handsOver(), {}, undefined],
  ])(
    'GitHub action by a tag in a reusable workflow handed its token: %s',
    async (_name, text, callers, severity) => {
      const files: Record<string, string> = { '.github/workflows/t.yml': text };
      for (const [name, body] of Object.entries(callers)) files[`.github/workflows/${name}`] = body;
      const found = (await run(files)).filter((f) => f.location!.path === '.github/workflows/t.yml');
      expect(found.map((f) => [f.location!.startLine, f.severity])).toEqual([
        [6, severity],
        [7, undefined],
      ]);
      expect(found[0]!.message.includes('every calling job in this repository grants')).toBe(
        severity === 'medium',
      );
    },
  );

  it('keeps high a job that builds what a publishing job of the workflow ships', async () => {
    const found = await run({
      '.github/workflows/t.yml': `on: push
permissions: { contents: read }
jobs:
  build:
    runs-on: x
    steps:
      - uses: actions/checkout@v4
      - run: make dist
      - uses: actions/upload-artifact@v4
        with: { name: dist, path: dist }
  test:
    runs-on: x
    steps:
      - uses: actions/checkout@v4
  release:
    needs: [build, test]
    runs-on: x
    permissions: { contents: write }
    steps:
      - uses: actions/download-artifact@v4
      - run: gh release create v1 dist/*
`,
    });
    expect(found.map((f) => [f.location!.startLine, f.severity])).toEqual([
      [7, undefined],
      [9, undefined],
      [14, 'medium'],
      [20, undefined],
    ]);
  });

  // A reusable workflow's job whose outputs a calling workflow hands on to a job that publishes, or
  // that calls a publishing reusable workflow (a cache key the caller passes to the publish), builds
  // what is published: its GitHub actions keep high. Callers are read across files: by a local path,
  // or by this repository's own name at a ref, as the run names the repository.
  {
    const x = (e: string) => `\${{ ${e} }}`;
    const build = `on:
  workflow_call:
    outputs:
      key: { value: "${x('jobs.build.outputs.key')}" }
permissions: { contents: read }
jobs:
  build:
    runs-on: ubuntu-latest
    outputs: { key: "${x('steps.k.outputs.key')}" }
    steps:
      - uses: actions/checkout@v4
      - id: k
        run: echo "key=abc" >> "$GITHUB_OUTPUT"
      - uses: actions/cache@v4
        with: { path: /tmp/cache, key: "cache-${x('steps.k.outputs.key')}" }
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
`;
    const publish = (push = 'true') => `on:
  workflow_call:
    inputs: { key: { type: string } }
jobs:
  push:
    runs-on: ubuntu-latest
    permissions: { contents: read, packages: write }
    steps:
      - uses: actions/cache/restore@${SHA}
        with: { path: /tmp/cache, key: "cache-${x('inputs.key')}" }
      - uses: docker/build-push-action@${SHA}
        with: { push: ${push}, tags: ghcr.io/acme/app:1 }
`;
    const caller = (uses: string, then: string) => `on: { push: { tags: ["*"] } }
permissions: { contents: read, packages: write }
jobs:
  build:
    uses: ${uses}
${then}`;
    const callsPublish = (
      target = './.github/workflows/publish.yml',
      w = `with: { key: "${x('needs.build.outputs.key')}" }`,
    ) =>
      `  publish:
    needs: build
    uses: ${target}
    ${w}
`;
    it.each<[string, Record<string, string>, string | undefined, (string | undefined)[]]>([
      [
        'a local caller passes the output to a job calling a publishing workflow',
        { 'c.yml': caller('./.github/workflows/build.yml', callsPublish()), 'publish.yml': publish() },
        undefined,
        [undefined, undefined, 'medium'],
      ],
      [
        "a caller by this repository's own name at a ref",
        {
          'c.yml': caller(
            'acme/app/.github/workflows/build.yml@main',
            callsPublish('acme/app/.github/workflows/publish.yml@main'),
          ),
          'publish.yml': publish(),
        },
        'acme/app',
        [undefined, undefined, 'medium'],
      ],
      [
        'a caller by its own name, the run naming another repository',
        {
          'c.yml': caller(
            'acme/app/.github/workflows/build.yml@main',
            callsPublish('acme/app/.github/workflows/publish.yml@main'),
          ),
          'publish.yml': publish(),
        },
        'acme/other',
        ['medium', 'medium', 'medium'],
      ],
      [
        'the output passed to a step job that pushes',
        {
          'c.yml': caller(
            './.github/workflows/build.yml',
            `  publish:
    needs: build
    runs-on: x
    steps:
      - run: docker push "ghcr.io/acme/app:${x('needs.build.outputs.key')}"
`,
          ),
        },
        undefined,
        [undefined, undefined, 'medium'],
      ],
      [
        'the output handed on through a job that declares it',
        {
          'c.yml': caller(
            './.github/workflows/build.yml',
            `  test:
    needs: build
    runs-on: x
    outputs: { key: "${x('needs.build.outputs.key')}" }
    steps:
      - run: make test
  publish:
    needs: test
    uses: ./.github/workflows/publish.yml
    with: { key: "${x('needs.test.outputs.key')}" }
`,
          ),
          'publish.yml': publish(),
        },
        undefined,
        [undefined, undefined, 'medium'],
      ],
      [
        'a publishing workflow reached through another call',
        {
          'c.yml': caller('./.github/workflows/build.yml', callsPublish('./.github/workflows/release.yml')),
          'release.yml': `on: workflow_call
jobs:
  push:
    uses: ./.github/workflows/publish.yml
`,
          'publish.yml': publish(),
        },
        undefined,
        [undefined, undefined, 'medium'],
      ],
      [
        'the publishing job reads no output of the build',
        {
          'c.yml': caller('./.github/workflows/build.yml', callsPublish(undefined, 'with: { key: main }')),
          'publish.yml': publish(),
        },
        undefined,
        ['medium', 'medium', 'medium'],
      ],
      [
        'the called workflow pushes nothing',
        { 'c.yml': caller('./.github/workflows/build.yml', callsPublish()), 'publish.yml': publish('false') },
        undefined,
        ['medium', 'medium', 'medium'],
      ],
      ['no caller here', {}, undefined, ['medium', 'medium', 'medium']],
    ])('a reusable build workflow: %s', async (_name, callers, repository, severities) => {
      const files: Record<string, string> = { '.github/workflows/build.yml': build };
      for (const [name, body] of Object.entries(callers)) files[`.github/workflows/${name}`] = body;
      const found = (
        await evaluate(workflowUnpinnedUses, files, { allow: [] }, repository ? { repository } : {})
      ).filter((f) => f.location!.path === '.github/workflows/build.yml');
      expect(found.map((f) => [at(f), f.severity])).toEqual([
        ['.github/workflows/build.yml:11:15', severities[0]],
        ['.github/workflows/build.yml:14:15', severities[1]],
        ['.github/workflows/build.yml:19:15', severities[2]],
      ]);
      expect(found[0]!.message.includes('an action of GitHub itself')).toBe(severities[0] === 'medium');
    });
  }

  // An artifact reaches every job that runs after its upload: a publishing job that downloads it from
  // a job further up its chain of needs ships what that job built.
  const chain = (upload: string, download: string, needs = '[build]') => `on: push
permissions: { contents: read }
jobs:
  build:
    runs-on: x
    steps:
      - uses: actions/checkout@v4
      - uses: actions/upload-artifact@${SHA}
${upload}  image:
    needs: ${needs}
    runs-on: x
    steps:
      - run: make image
  release:
    needs: [image]
    runs-on: x
    permissions: { contents: write }
    steps:
      - uses: actions/download-artifact@${SHA}
${download}      - run: gh release create v1 dist/*
`;
  it.each([
    [
      'downloaded by name',
      '        with: { name: bin, path: dist }\n',
      '        with: { name: bin }\n',
      undefined,
    ],
    ['all artifacts downloaded', '        with: { name: bin, path: dist }\n', '', undefined],
    [
      'downloaded by a pattern',
      '        with: { name: bin-linux, path: dist }\n',
      '        with: { pattern: "bin-*" }\n',
      undefined,
    ],
    [
      'uploaded under a matrix name',
      `        with: { name: "bin-\${{ matrix.os }}", path: dist }\n`,
      '        with: { name: bin-linux }\n',
      undefined,
    ],
    [
      'uploaded under a matrix name the download pattern takes',
      `        with: { name: "bin-\${{ matrix.os }}", path: dist }\n`,
      '        with: { pattern: "bin-*" }\n',
      undefined,
    ],
    [
      'uploaded under a matrix name of another kind',
      `        with: { name: "coverage-\${{ matrix.os }}", path: cov }\n`,
      '        with: { pattern: "bin-*" }\n',
      'medium',
    ],
    [
      'uploaded under a matrix name that is not the downloaded one',
      `        with: { name: "coverage-\${{ matrix.os }}", path: cov }\n`,
      '        with: { name: bin-linux }\n',
      'medium',
    ],
    [
      'another artifact downloaded',
      '        with: { name: docs, path: site }\n',
      '        with: { name: bin }\n',
      'medium',
    ],
    [
      'not up the chain of needs',
      '        with: { name: bin, path: dist }\n',
      '        with: { name: bin }\n',
      'medium',
      '[]',
    ],
  ])(
    'judges a job whose artifact a publishing job downloads through others: %s',
    async (_name, up, down, severity, needs?) => {
      const found = await run({ '.github/workflows/t.yml': chain(up, down, needs) });
      expect(found.find((f) => f.location!.startLine === 7)?.severity).toBe(severity);
    },
  );

  it('keeps composite actions and reusable workflow calls high', async () => {
    const found = await run({
      'action.yml': 'name: a\nruns:\n  using: composite\n  steps:\n    - uses: actions/checkout@v4\n',
      '.github/workflows/t.yml': `on: push\npermissions: {}\njobs:\n  call:\n    uses: actions/reusable/.github/workflows/x.yml@v1\n`,
    });
    expect(found.map((f) => f.severity)).toEqual([undefined, undefined]);
  });
});
