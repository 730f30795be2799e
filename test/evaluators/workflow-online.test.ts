import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import type { Evaluator } from '../../src/core/evaluators/types.js';
import { actionApi } from '../../src/core/evaluators/workflow/action-api.js';
import { workflowArchivedUses } from '../../src/core/evaluators/workflow/archived-uses.js';
import { workflowImpostorCommit } from '../../src/core/evaluators/workflow/impostor-commit.js';
import { workflowKnownVulnerableActions } from '../../src/core/evaluators/workflow/known-vulnerable-actions.js';
import { workflowRefConfusion } from '../../src/core/evaluators/workflow/ref-confusion.js';
import { workflowRefVersionMismatch } from '../../src/core/evaluators/workflow/ref-version-mismatch.js';
import { workflowStaleActionRefs } from '../../src/core/evaluators/workflow/stale-action-refs.js';
import { fetchGitHubApi, type GitHubApi, UnverifiableError } from '../../src/core/github-api.js';
import type { RawFinding } from '../../src/core/types.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import { scratchRepo } from '../helpers/git-repo.js';
import { at, removeTrees, tree } from '../parsers/tree.js';
import { testRule } from './kit.js';

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await FakeGitHub.start();
});
afterAll(async () => {
  await fake.close();
  removeTrees();
});
afterEach(() => {
  fake.clearRequests();
  fake.state.responses = new Map();
});

const W = '.github/workflows/w.yml';
const SHA = (c: string) => c.repeat(40);
const workflow = (...uses: string[]) =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n${uses.map((u) => `      - uses: ${u}\n`).join('')}`;

/** A fresh API client on the fake server (a fresh cache and budget, as in a new run). */
function api(): GitHubApi {
  return fetchGitHubApi({ owner: 'acme', repo: 'app', token: 'ghs_test', baseUrl: fake.url });
}

function answer(path: string, status: number, body?: unknown): void {
  fake.state.responses.set(path, { status, ...(body !== undefined ? { body } : {}) });
}

async function evaluate<O>(
  evaluator: Evaluator<O>,
  files: Record<string, string>,
  github: GitHubApi | undefined,
  options = {} as O,
): Promise<RawFinding[]> {
  return evaluator.evaluate({
    rule: testRule(evaluator.kind, options as Record<string, unknown>),
    options,
    workspace: tree(files),
    ...(github ? { github } : {}),
  });
}

describe('online workflow audits without the API', () => {
  it('are unverifiable with the reason when there are references to check, and pass when there are none', async () => {
    const report = await runCheck({
      root: tree({ [W]: workflow('actions/checkout@v4') }).root,
      onlyRules: ['workflow-archived-uses', 'workflow-ref-confusion', 'workflow-known-vulnerable-actions'],
      failOn: 'never',
    });
    expect(report.findings).toEqual([]);
    expect(report.rules.map((r) => [r.id, r.result])).toEqual([
      ['workflow-archived-uses', 'unverifiable'],
      ['workflow-known-vulnerable-actions', 'unverifiable'],
      ['workflow-ref-confusion', 'unverifiable'],
    ]);
    expect(report.rules[0]!.detail).toContain(
      'the Action needs its `token` input; the CLI reads GITHUB_TOKEN',
    );
    await expect(evaluate(workflowArchivedUses, { 'README.md': 'x' }, undefined)).resolves.toEqual([]);
  });

  it('ref-version-mismatch still compares pins offline', async () => {
    const findings = await evaluate(
      workflowRefVersionMismatch,
      { [W]: workflow(`a/b@${SHA('1')} # v1.2.3`, `a/b@${SHA('2')} # v1.2.3`, `a/b@${SHA('3')} # v1`) },
      undefined,
    );
    expect(findings.map((f) => [at(f), f.confidence])).toEqual([
      [`${W}:6:15`, 'medium'],
      [`${W}:7:15`, 'medium'],
    ]);
    expect(findings[0]!.message).toContain(`a/b@${SHA('2')} at ${W}:7`);
  });

  it.each([
    {
      name: 'another major on the commit most pins call a full version: only the odd one',
      uses: [`a/b@${SHA('1')} # v4.1.1`, `a/b@${SHA('1')} # v2`, `a/b@${SHA('1')} # tag=v4.1.1`],
      want: [[`${W}:7:15`, 'medium', 'commented v4.1.1 at']],
    },
    {
      name: 'a full version of another major, beside a moving major tag that agrees',
      uses: [`a/b@${SHA('1')} # v4`, `a/b@${SHA('1')} # v4.1.1`, `a/b@${SHA('1')} # v3.0.0`],
      want: [[`${W}:8:15`, 'medium', 'commented v4 at']],
    },
    {
      name: 'two pins that disagree, no majority: both',
      uses: [`a/b@${SHA('1')} # v1`, `a/b@${SHA('1')} # v2`],
      want: [
        [`${W}:6:15`, 'medium', 'commented v2 at'],
        [`${W}:7:15`, 'medium', 'commented v1 at'],
      ],
    },
    {
      name: 'a full version names the release over a major-only comment: the major',
      uses: [`a/b@${SHA('1')} # v1`, `a/b@${SHA('1')} # v2.9.1`],
      want: [[`${W}:6:15`, 'medium', 'commented v2.9.1 at']],
    },
    {
      name: 'full versions that agree outweigh more major-only comments: the majors',
      uses: [
        `a/b@${SHA('1')} # v7`,
        `a/b@${SHA('1')} # v9.0.0`,
        `a/b@${SHA('1')} # v7`,
        `a/b@${SHA('1')} # v7`,
        `a/b@${SHA('1')} # v9.0.0`,
      ],
      want: [
        [`${W}:6:15`, 'medium', 'commented v9.0.0 at'],
        [`${W}:8:15`, 'medium', 'commented v9.0.0 at'],
        [`${W}:9:15`, 'medium', 'commented v9.0.0 at'],
      ],
    },
    {
      name: 'full versions that disagree: the majority, majors counted',
      uses: [`a/b@${SHA('1')} # v3.29.5`, `a/b@${SHA('1')} # v4.37.6`, `a/b@${SHA('1')} # v4.37.6`],
      want: [[`${W}:6:15`, 'medium', 'commented v4.37.6 at']],
    },
    {
      name: 'two full versions of one major may be one release tagged twice: low',
      uses: [`a/b@${SHA('1')} # v1.2.3`, `a/b@${SHA('1')} # v1.2.4`],
      want: [
        [`${W}:6:15`, 'low', 'commented v1.2.4 at'],
        [`${W}:7:15`, 'low', 'commented v1.2.3 at'],
      ],
    },
    {
      name: 'a major tag and its release agree; other actions and other commits are apart',
      uses: [
        `a/b@${SHA('1')} # v4`,
        `a/b@${SHA('1')} # v4.1.1`,
        `c/d@${SHA('1')} # v2`,
        `a/b@${SHA('2')} # v2`,
      ],
      want: [],
    },
  ])(
    'ref-version-mismatch offline: one commit with comments of two releases ($name)',
    async ({ uses, want }) => {
      const findings = await evaluate(workflowRefVersionMismatch, { [W]: workflow(...uses) }, undefined);
      expect(findings.map((f) => [at(f), f.confidence])).toEqual(want.map(([loc, conf]) => [loc, conf]));
      findings.forEach((f, i) => {
        expect(f.message).toContain(want[i]![2]);
      });
    },
  );
});

describe('workflow.archived-uses', () => {
  it('asks once per repository, shares answers between audits, and reports archived ones', async () => {
    answer('/repos/actions/create-release', 200, { archived: true, default_branch: 'master' });
    answer('/repos/actions/checkout', 200, { archived: false, default_branch: 'main' });
    const github = api();
    const files = {
      [W]: workflow('actions/checkout@v4', 'actions/create-release@v1', 'actions/checkout/sub@v4'),
    };
    const findings = await evaluate(workflowArchivedUses, files, github);
    expect(findings.map(at)).toEqual([`${W}:7:15`]);
    expect(findings[0]!.message).toContain('actions/create-release, which is archived');
    // A second audit in the same run (impostor commits need the default branch) asks nothing again.
    await evaluate(workflowArchivedUses, files, github);
    expect(fake.log()).toEqual(['GET /repos/actions/checkout', 'GET /repos/actions/create-release']);
  });

  it('lists what the budget left unchecked in one info finding', async () => {
    answer('/repos/a/one', 200, { archived: true });
    answer('/repos/a/two', 200, { archived: false });
    const github = api();
    actionApi(github, 2);
    const findings = await evaluate(
      workflowArchivedUses,
      { [W]: workflow('a/one@v1', 'a/two@v1', 'a/three@v1') },
      github,
    );
    expect(findings.map((f) => [at(f), f.severity ?? 'rule'])).toEqual([
      [`${W}:6:15`, 'rule'],
      ['-', 'info'],
    ]);
    expect(findings[1]!.message).toBe(
      `1 of 3 action references were not checked (whether their repositories are archived): a/three@v1 (${W}:8: ` +
        "the run's budget of 2 requests for these audits is spent). Their absence from the findings is not a pass.",
    );
    expect(fake.log()).toEqual(['GET /repos/a/one', 'GET /repos/a/two']);
  });

  it('is unverifiable when the API stops answering before anything is checked', async () => {
    fake.inject({ path: /^\/repos\//, status: 'drop' });
    await expect(
      evaluate(workflowArchivedUses, { [W]: workflow('a/one@v1', 'a/two@v1') }, api()),
    ).rejects.toThrow(UnverifiableError);
    // The first failure stops the run's questions: the second reference is not asked about.
    expect(fake.log()).toEqual(['GET /repos/a/one']);
  });
});

describe('workflow.known-vulnerable-actions', () => {
  it('resolves versions through the tag list and asks the advisory database once for several actions', async () => {
    answer('/repos/acme/tool/tags', 200, [
      { name: 'v2', commit: { sha: SHA('a') } },
      { name: 'v2.1.0', commit: { sha: SHA('a') } },
    ]);
    answer('/advisories', 200, [
      {
        ghsa_id: 'GHSA-aaaa-bbbb-cccc',
        summary: 'tool leaks the token',
        severity: 'critical',
        html_url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
        vulnerabilities: [
          {
            package: { ecosystem: 'actions', name: 'acme/tool' },
            vulnerable_version_range: '>= 2.0.0, < 2.1.1',
            first_patched_version: '2.1.1',
          },
        ],
      },
    ]);
    const findings = await evaluate(
      workflowKnownVulnerableActions,
      { [W]: workflow('acme/tool@v2', 'other/lib@v1.4.0', 'acme/branchy@main') },
      api(),
      { allow: [] },
    );
    expect(findings.map((f) => [at(f), f.severity])).toEqual([[`${W}:6:15`, 'critical']]);
    expect(findings[0]!.message).toBe(
      'acme/tool 2.1.0 (acme/tool@v2) is affected by GHSA-aaaa-bbbb-cccc: tool leaks the token (vulnerable: ' +
        '>= 2.0.0, < 2.1.1). Upgrade to 2.1.1 or later; see https://github.com/advisories/GHSA-aaaa-bbbb-cccc.',
    );
    expect(fake.log()).toEqual([
      'GET /repos/acme/tool/tags?per_page=100',
      'GET /advisories?ecosystem=actions&affects=acme%2Ftool%402.1.0%2Cother%2Flib%401.4.0&per_page=100',
    ]);
  });

  it('honours the allow list and takes a commit without a tag at its comment, with medium confidence', async () => {
    answer('/repos/acme/tool/tags', 200, []);
    answer('/advisories', 200, [
      {
        ghsa_id: 'GHSA-aaaa-bbbb-cccc',
        summary: 's',
        severity: 'moderate',
        vulnerabilities: [{ package: { name: 'acme/tool' }, vulnerable_version_range: '< 3.0.0' }],
      },
      {
        ghsa_id: 'GHSA-dddd-eeee-ffff',
        summary: 's',
        severity: 'low',
        vulnerabilities: [{ package: { name: 'acme/tool' }, vulnerable_version_range: '< 3.0.0' }],
      },
    ]);
    const findings = await evaluate(
      workflowKnownVulnerableActions,
      { [W]: workflow(`acme/tool@${SHA('b')} # v2.0.0`) },
      api(),
      { allow: ['GHSA-dddd-eeee-ffff'] },
    );
    expect(findings.map((f) => [f.severity, f.confidence, f.key])).toEqual([
      ['medium', 'medium', `uses/acme/tool@${SHA('b')}/GHSA-aaaa-bbbb-cccc`],
    ]);
    expect(findings[0]!.message).toContain('No fixed version is published: remove the action');
  });
});

describe('workflow.impostor-commit', () => {
  it('accepts tagged commits and the default branch history; compares the rest, in this order', async () => {
    answer('/repos/acme/tool/tags', 200, [{ name: 'v1.0.0', commit: { sha: SHA('a') } }]);
    answer('/repos/acme/tool', 200, { default_branch: 'trunk' });
    answer(`/repos/acme/tool/compare/trunk...${SHA('b')}`, 200, { status: 'behind' });
    answer(`/repos/acme/tool/compare/trunk...${SHA('c')}`, 200, { status: 'diverged' });
    answer(`/repos/acme/tool/compare/v1.0.0...${SHA('c')}`, 200, { status: 'diverged' });
    answer(`/repos/acme/tool/compare/trunk...${SHA('d')}`, 404, { message: 'No commit found' });
    const findings = await evaluate(
      workflowImpostorCommit,
      {
        [W]: workflow(
          `acme/tool@${SHA('a')}`,
          `acme/tool@${SHA('b')}`,
          `acme/tool@${SHA('c')} # v1.0.0`,
          `acme/tool@${SHA('d')}`,
        ),
      },
      api(),
    );
    expect(findings.map((f) => [at(f), f.confidence])).toEqual([
      [`${W}:8:15`, undefined],
      [`${W}:9:15`, 'high'],
    ]);
    expect(findings[0]!.message).toContain(
      `is not in the history of trunk, nor in the history of tag v1.0.0, nor in the newest 1 tags of acme/tool`,
    );
    expect(fake.log()).toEqual([
      'GET /repos/acme/tool/tags?per_page=100',
      'GET /repos/acme/tool',
      `GET /repos/acme/tool/compare/trunk...${SHA('b')}?per_page=1`,
      `GET /repos/acme/tool/compare/trunk...${SHA('c')}?per_page=1`,
      `GET /repos/acme/tool/compare/v1.0.0...${SHA('c')}?per_page=1`,
      `GET /repos/acme/tool/compare/trunk...${SHA('d')}?per_page=1`,
    ]);
  });
});

describe('workflow.ref-confusion and workflow.stale-action-refs', () => {
  it('asks about a branch only for names that are tags', async () => {
    answer('/repos/acme/tool/tags', 200, [{ name: 'v1', commit: { sha: SHA('a') } }]);
    answer('/repos/acme/tool/branches/v1', 200, { name: 'v1' });
    const findings = await evaluate(
      workflowRefConfusion,
      { [W]: workflow('acme/tool@v1', 'acme/tool@main') },
      api(),
    );
    expect(findings.map(at)).toEqual([`${W}:6:15`]);
    expect(fake.log()).toEqual([
      'GET /repos/acme/tool/tags?per_page=100',
      'GET /repos/acme/tool/branches/v1',
    ]);
  });

  it('reports a commit no tag points to, and lists one it cannot judge among more than 100 tags', async () => {
    answer('/repos/acme/tool/tags', 200, [{ name: 'v1.0.0', commit: { sha: SHA('a') } }]);
    const many = Array.from({ length: 100 }, (_, i) => ({ name: `v9.${i}.0`, commit: { sha: SHA('e') } }));
    answer('/repos/acme/big/tags', 200, many);
    const findings = await evaluate(
      workflowStaleActionRefs,
      { [W]: workflow(`acme/tool@${SHA('a')}`, `acme/tool@${SHA('b')}`, `acme/big@${SHA('c')}`) },
      api(),
    );
    expect(findings.map((f) => [at(f), f.severity ?? 'rule'])).toEqual([
      [`${W}:7:15`, 'rule'],
      ['-', 'info'],
    ]);
    expect(findings[1]!.message).toContain('more than 100 tags, and the pin is not at one of the newest');
  });
});

describe('ref-version-mismatch online', () => {
  it('compares a full version comment with its tag, trying the other spelling of the v prefix', async () => {
    answer('/repos/acme/tool/tags', 200, [{ name: '1.2.3', commit: { sha: SHA('a') } }]);
    const findings = await evaluate(
      workflowRefVersionMismatch,
      { [W]: workflow(`acme/tool@${SHA('b')} # v1.2.3`, `acme/tool@${SHA('c')} # v1`) },
      api(),
    );
    expect(findings.map((f) => [at(f), f.confidence])).toEqual([[`${W}:6:15`, undefined]]);
    expect(findings[0]!.message).toContain(`tag v1.2.3 of acme/tool is commit ${SHA('a')}`);
  });
});

describe('online audits on a pull request', () => {
  it('judge the base with the same (cached) API, so a pin the base already had is not new', async () => {
    answer('/repos/actions/create-release', 200, { archived: true });
    answer('/repos/actions-rs/toolchain', 200, { archived: true });
    const repo = scratchRepo();
    const base = repo.commit({ [W]: workflow('actions/create-release@v1') });
    repo.commit({ [W]: workflow('actions/create-release@v1', 'actions-rs/toolchain@v1') });
    const report = await runCheck({
      root: repo.dir,
      onlyRules: ['workflow-archived-uses'],
      failOnGap: false,
      github: api(),
      change: { scope: 'new', baseline: base },
    });
    expect(report.findings.map((f) => `${f.location?.startLine} ${f.isNew ? 'new' : 'existing'}`)).toEqual([
      '6 existing',
      '7 new',
    ]);
    expect(fake.log()).toEqual(['GET /repos/actions/create-release', 'GET /repos/actions-rs/toolchain']);
  });
});
