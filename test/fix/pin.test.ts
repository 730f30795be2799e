// biome-ignore-all lint/suspicious/noTemplateCurlyInString: workflow `${{ }}` expressions and shell `${VAR}` are test data here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runFix } from '../../src/core/fix/run.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import { cleanupTrees, roundTrip, tree } from './round-trip.js';

afterAll(cleanupTrees);

const RULE = 'workflow-unpinned-action';
const SHA = 'b4ffde65f46336ab88eb53be808477a3936bae11';
const resolve = async () => ({ sha: SHA });

const wf = (steps: string) =>
  `on: push\npermissions: { contents: read }\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;

const CASES: { name: string; input: string; output: string }[] = [
  {
    name: 'a plain value gets the commit and the tag in a comment',
    input: wf('      - uses: actions/checkout@v4\n      - run: make\n'),
    output: wf(`      - uses: actions/checkout@${SHA} # v4\n      - run: make\n`),
  },
  {
    name: 'a quoted value keeps its quotes; the comment goes after them',
    input: wf('      - uses: "actions/setup-node@v4.1.0"\n'),
    output: wf(`      - uses: "actions/setup-node@${SHA}" # v4.1.0\n`),
  },
  {
    name: 'an existing comment stays after the version',
    input: wf('      - uses: actions/cache@v4 # restore the cache\n'),
    output: wf(`      - uses: actions/cache@${SHA} # v4 # restore the cache\n`),
  },
  {
    name: 'a flow-mapping step: the comment goes at the end of the line',
    input: wf('      - { uses: actions/checkout@v4, with: { fetch-depth: 0 } }\n'),
    output: wf(`      - { uses: actions/checkout@${SHA}, with: { fetch-depth: 0 } } # v4\n`),
  },
  {
    name: 'a reusable workflow of another repository, CRLF kept',
    input:
      'on: push\njobs:\n  call:\n    uses: acme/ci/.github/workflows/build.yml@v2\n    secrets: inherit\n'.replace(
        /\n/g,
        '\r\n',
      ),
    output:
      `on: push\njobs:\n  call:\n    uses: acme/ci/.github/workflows/build.yml@${SHA} # v2\n    secrets: inherit\n`.replace(
        /\n/g,
        '\r\n',
      ),
  },
];

describe('fix: pin uses: to a commit', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const { final } = await roundTrip({ '.github/workflows/ci.yml': c.input }, RULE, { fixes: 1, resolve });
      expect(final['.github/workflows/ci.yml']).toBe(c.output);
    });
  }

  it('offline: nothing changes and the report says which tag could not be resolved', async () => {
    const root = tree({ '.github/workflows/ci.yml': wf('      - uses: actions/checkout@v4\n') });
    const outcome = await runFix({ root, onlyRules: [RULE] });
    expect(outcome.files).toEqual([]);
    expect(outcome.skipped).toEqual([
      {
        ruleId: RULE,
        path: '.github/workflows/ci.yml',
        line: 7,
        reason: expect.stringMatching(/^offline: which commit actions\/checkout@v4 names is not known/),
      },
    ]);
  });

  it('container images and abbreviated SHAs are reported as not fixable', async () => {
    const { findings } = await roundTrip(
      {
        '.github/workflows/ci.yml': wf(
          '      - uses: docker://alpine:3.20\n      - uses: actions/checkout@b4ffde6\n',
        ),
      },
      RULE,
      { fixes: 0 },
    );
    expect(findings.map((f) => f.unfixable)).toEqual([
      expect.stringMatching(/digest/),
      expect.stringMatching(/abbreviated/),
    ]);
  });
});

describe('controlgate fix resolves tags through the GitHub API', () => {
  let fake: FakeGitHub;
  const saved = { ...process.env };
  beforeEach(async () => {
    fake = await FakeGitHub.start();
  });
  afterEach(async () => {
    process.env = { ...saved };
    await fake.close();
  });

  it('asks for the tags of each action once, pins what it finds and reports a branch', async () => {
    fake.state.responses.set('/repos/actions/checkout/tags', {
      status: 200,
      body: [
        { name: 'v4.2.2', commit: { sha: SHA } },
        { name: 'v4', commit: { sha: SHA } },
      ],
    });
    fake.state.responses.set('/repos/acme/deploy/tags', {
      status: 200,
      body: [{ name: 'v1', commit: { sha: SHA } }],
    });
    const root = tree({
      '.github/workflows/ci.yml': wf(
        '      - uses: actions/checkout@v4\n      - uses: acme/deploy@main\n      - uses: actions/checkout@v4\n        with: { path: b }\n',
      ),
    });
    process.env.GITHUB_TOKEN = 'ghs_test';
    process.env.GITHUB_API_URL = fake.url;
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['fix', root, '--rule', RULE], {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      isTTY: false,
    });
    // The findings' order (high before medium: GitHub's own action in a job that holds nothing).
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/acme/deploy/tags',
      'GET /repos/actions/checkout/tags',
    ]);
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer ghs_test');
    expect(readFileSync(path.join(root, '.github/workflows/ci.yml'), 'utf8')).toBe(
      wf(
        `      - uses: actions/checkout@${SHA} # v4\n      - uses: acme/deploy@main\n      - uses: actions/checkout@${SHA} # v4\n        with: { path: b }\n`,
      ),
    );
    expect(out.join('')).toBe(
      [
        '--- a/.github/workflows/ci.yml',
        '+++ b/.github/workflows/ci.yml',
        '@@ -4,7 +4,7 @@',
        '   build:',
        '     runs-on: ubuntu-latest',
        '     steps:',
        '-      - uses: actions/checkout@v4',
        `+      - uses: actions/checkout@${SHA} # v4`,
        '       - uses: acme/deploy@main',
        '-      - uses: actions/checkout@v4',
        `+      - uses: actions/checkout@${SHA} # v4`,
        '         with: { path: b }',
        '',
      ].join('\n'),
    );
    expect(err.join('')).toContain(
      '.github/workflows/ci.yml:8 workflow-unpinned-action: "main" is not a tag of acme/deploy (a branch moves: pin a release by hand)',
    );
    // The unpinned branch is high severity and remains: the gate still fails.
    expect(code).toBe(1);
  });
});
