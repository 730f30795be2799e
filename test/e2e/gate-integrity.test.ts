/**
 * A pull request cannot get past the gate it is judged by (issue 15): the built bundle runs as a
 * process with a `pull_request` payload against the fake GitHub API, and each test plays a change that
 * tries to weaken its own gate — an inline ignore, its own config in a shallow checkout, the workflow
 * step's inputs, more files than the API lists, a rename, a broken rule file, a checked folder — and
 * asserts the exit code, the workflow commands and the requests the server got.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { syntheticKey } from '../../src/core/evaluators/secrets/examples.js';
import type { Report } from '../../src/core/types.js';
import { githubToken, keyBody, pem, rand } from '../evaluators/secrets-kit.js';
import { addedFilePatch, blobSha, FakeGitHub } from '../helpers/fake-github.js';
import { scratchRepo } from '../helpers/git-repo.js';
import { type ActionRun, commandLines, makeTree, runAction, useBuiltBundle } from '../helpers/run-action.js';
import { apiFiles, OWNER, onlyRulesConfig, POLICY, PR_NUMBER, prRepo, REPO } from './pr-helpers.js';

useBuiltBundle();

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await FakeGitHub.start();
});
afterEach(async () => {
  await fake.close();
});

const R = `/repos/${OWNER}/${REPO}`;
const TOKEN = 'ghs_fake_token_for_tests';

/** The `pull_request` payload with an author, and the runner's variables for the step that runs it. */
function event(
  info: { base: string; head: string; author?: string; changedFiles?: number },
  extra: Record<string, string> = {},
): Record<string, string> {
  const payload = {
    action: 'synchronize',
    number: PR_NUMBER,
    pull_request: {
      number: PR_NUMBER,
      draft: false,
      user: { login: info.author ?? 'contributor' },
      ...(info.changedFiles ? { changed_files: info.changedFiles } : {}),
      base: { sha: info.base, ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } },
      head: { sha: info.head, ref: 'feature', repo: { full_name: `${OWNER}/${REPO}` } },
    },
    repository: { full_name: `${OWNER}/${REPO}`, default_branch: 'main' },
  };
  const file = path.join(makeTree({}), 'event.json');
  writeFileSync(file, JSON.stringify(payload));
  return {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: file,
    GITHUB_API_URL: fake.url,
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_SHA: 'f'.repeat(40),
    ...extra,
  };
}

function run(
  workspace: string,
  info: Parameters<typeof event>[0],
  inputs: Record<string, string>,
  extra: Record<string, string> = {},
): Promise<ActionRun> {
  return runAction({ workspace, inputs, env: event(info, extra) });
}

function annotations(r: ActionRun): string[] {
  return commandLines(r).filter((l) => /^::(error|warning|notice) /.test(l));
}

/** An approving review of `commit` by `login`, who holds `role` in the repository. */
function approve(login: string, role: string, commit: string): void {
  fake.state.roles.set(login, role);
  fake.addReview({ user: { login, type: 'User' }, state: 'APPROVED', commit_id: commit });
}

const KEEP_POLICY = onlyRulesConfig(['policy-change', 'private-key-committed']);

/**
 * A private key (synthetic: a well-formed PKCS#8 structure around filler bytes), with an inline ignore
 * the pull request adds on the line above it.
 */
const IGNORED_KEY = [
  'server:',
  '  tls_key: |',
  '    # controlgate: ignore[private-key-committed] throwaway key for the demo',
  '    -----BEGIN PRIVATE KEY-----',
  ...(syntheticKey('pkcs8', (n) => Buffer.alloc(n, 0x5a)).match(/.{1,64}/g) ?? []).map((l) => `    ${l}`),
  '    -----END PRIVATE KEY-----',
  '',
].join('\n');

describe('1. a suppression the pull request adds for itself', () => {
  function ignoringPr() {
    return prRepo(
      { '.controlgate.yml': KEEP_POLICY, 'config/app.yml': 'server: {}\n' },
      { 'config/app.yml': IGNORED_KEY },
    );
  }

  it('blocks at the severity of what it silences (a critical key) until approved', async () => {
    const repo = ignoringPr();
    const r = await runAction({
      workspace: repo.dir,
      inputs: { token: TOKEN, rules: 'policy', 'fail-on': 'high', 'json-file': 'report.json' },
      env: event({ base: repo.baseSha, head: repo.headSha }),
    });
    expect(r.code).toBe(1);
    expect(commandLines(r, 'error').at(-1)).toBe(
      '::error::controlgate gate failed: 1 new open finding at or above "high" (1 critical)',
    );
    expect(annotations(r)[0]).toMatch(
      /^::error title=\[critical\] Changes to the policy are reviewed \(control 8\.32\),file=config\/app\.yml,line=3,.*::Policy change: inline ignore added at config\/app\.yml:3: private-key-committed ignored \("throwaway key for the demo"\)\. It suppresses private-key-committed at config\/app\.yml:4 \(critical\), so it blocks as that finding would until someone with write access approves the head commit\./,
    );
    const json = JSON.parse(readFileSync(path.join(repo.dir, 'report.json'), 'utf8'));
    expect(
      json.findings.map((f: { ruleId: string; severity: string; status: string }) => [
        f.ruleId,
        f.severity,
        f.status,
      ]),
    ).toEqual([
      ['policy-change', 'critical', 'open'],
      ['private-key-committed', 'critical', 'ignored'],
    ]);
    // Nobody approved: the reviews were read, once.
    expect(fake.log()).toEqual([`GET ${R}/pulls/7/reviews?per_page=100&page=1`]);
  });

  it('passes once someone with write access approves the head commit, and only then', async () => {
    const repo = ignoringPr();
    const go = () =>
      runAction({
        workspace: repo.dir,
        inputs: { token: TOKEN, rules: 'policy', 'fail-on': 'high', 'json-file': 'report.json' },
        env: event({ base: repo.baseSha, head: repo.headSha, author: 'contributor' }),
      });
    // Not approvals: of an older commit, by the author, by someone who can only read.
    approve('maintainer', 'write', repo.baseSha);
    approve('contributor', 'write', repo.headSha);
    approve('reader', 'read', repo.headSha);
    const refused = await go();
    expect(refused.code).toBe(1);
    expect(fake.log()).toEqual([
      `GET ${R}/pulls/7/reviews?per_page=100&page=1`,
      `GET ${R}/collaborators/reader/permission`,
    ]);

    approve('lead', 'maintain', repo.headSha);
    fake.clearRequests();
    const approved = await go();
    expect(approved.code).toBe(0);
    const json = JSON.parse(readFileSync(path.join(repo.dir, 'report.json'), 'utf8'));
    const change = json.findings.find((f: { ruleId: string }) => f.ruleId === 'policy-change');
    expect(change).toMatchObject({ severity: 'medium', blocking: false });
    expect(change.message).toBe(
      `Policy change: inline ignore added at config/app.yml:3: private-key-committed ignored ("throwaway key for the demo"). Approved: approving review of ${repo.headSha.slice(0, 12)} by lead (maintain access).`,
    );
    expect(json.policy.notices).toContain(
      `The change's policy changes are approved (approving review of ${repo.headSha.slice(0, 12)} by lead (maintain access)).`,
    );
  });

  it('keeps the base policy in force: an exception the pull request adds does not apply until approved', async () => {
    const declarations = (exception: string) =>
      `version: 1\ncontrols:\n  "8.28": { status: implemented, justification: Reviewed code, evidence: [policy] }\n${exception}`;
    const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const exception = [
      'exceptions:',
      '  - id: EXC-SELF',
      '    rules: [debug-backdoor]',
      '    reason: Needed for the demo',
      '    approved-by: "@contributor"',
      `    expires: ${expires}`,
      '',
    ].join('\n');
    const repo = prRepo(
      { '.controlgate.yml': onlyRulesConfig(['policy-change']), '.github/controls.yml': declarations('') },
      { '.github/controls.yml': declarations(exception), 'src/new.js': 'x = DEBUG_BACKDOOR;\n' },
    );
    const r = await run(
      repo.dir,
      { base: repo.baseSha, head: repo.headSha },
      { token: TOKEN, rules: 'policy', 'fail-on': 'high' },
    );
    expect(r.code).toBe(1);
    expect(commandLines(r, 'error')).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^::error title=\\[high\\] Changes to the policy are reviewed \\(control 8\\.32\\),file=\\.github/controls\\.yml,line=5,.*::Policy change: exception EXC-SELF is added \\(debug-backdoor everywhere, expires ${expires}\\)\\. It suppresses debug-backdoor at src/new\\.js:1 \\(high\\), so it blocks as that finding would until someone with write access approves the head commit\\.`,
        ),
      ),
    );
    approve('lead', 'admin', repo.headSha);
    const approved = await run(
      repo.dir,
      { base: repo.baseSha, head: repo.headSha },
      { token: TOKEN, rules: 'policy', 'fail-on': 'high' },
    );
    // Approved: the change's own policy is in force, and its exception excepts the finding.
    expect(approved.code).toBe(0);
  });
});

describe('3. a shallow checkout', () => {
  /** The pull request's base and head, and a depth-1 clone of the head (no base commit in it). */
  function shallowPr() {
    const base: Record<string, string> = {
      '.controlgate.yml': onlyRulesConfig(['policy-change']),
      ...POLICY,
      'src/app.js': 'ok();\n',
    };
    const repo = prRepo(
      { '.controlgate.yml': base['.controlgate.yml']!, 'src/app.js': 'ok();\n' },
      {
        '.controlgate.yml': base['.controlgate.yml']!.replace('version: 1\n', 'version: 1\nfail-on: never\n'),
        'src/app.js': 'if (DEBUG_BACKDOOR) skip();\n',
      },
    );
    const clone = path.join(makeTree({}), 'checkout');
    execFileSync('git', ['clone', '-q', '--depth', '1', '--branch', 'feature', `file://${repo.dir}`, clone]);
    fake.state.files = apiFiles(repo);
    return { repo, clone, base };
  }

  it("reads the base's policy through the API, so the change's fail-on: never does not apply", async () => {
    const { repo, clone, base } = shallowPr();
    fake.addCommit(repo.baseSha, base);
    const r = await run(clone, { base: repo.baseSha, head: repo.headSha }, { token: TOKEN, rules: 'policy' });
    expect(r.code).toBe(1);
    // The backdoor, and the change's `fail-on: never`, which would let it through.
    expect(commandLines(r, 'error').at(-1)).toBe(
      '::error::controlgate gate failed: 2 new open findings at or above "high" (2 high)',
    );
    expect(r.stdout).toContain(
      "controlgate: the base commit's policy was read through the GitHub API (the checkout does not have it)",
    );
    expect(annotations(r)).toContainEqual(
      expect.stringMatching(
        /file=\.controlgate\.yml,line=2,.*::Policy change: fail-on is raised from high to never\./,
      ),
    );
    // One request for the base commit's tree, one per policy file it has, then one per changed file
    // not read yet (the base tree that judges new findings; the changed config was read already).
    expect(fake.log().filter((l) => l.includes('/git/'))).toEqual([
      `GET ${R}/git/trees/${repo.baseSha}?recursive=1`,
      ...(
        [
          '.controlgate.yml',
          'policy/debug-backdoor.yml',
          'policy/plain-http.yml',
          'policy/security-todo.yml',
          'src/app.js',
        ] as const
      ).map((f) => `GET ${R}/git/blobs/${blobSha(base[f]!)}`),
    ]);
  });

  it('reads the base of a changed file that holds an inline ignore, so an ignore the base had is not new', async () => {
    const base = { '.controlgate.yml': KEEP_POLICY, 'config/app.yml': IGNORED_KEY, 'src/app.js': 'ok();\n' };
    const repo = prRepo(base, { 'config/app.yml': `${IGNORED_KEY}debug: false\n`, 'src/app.js': 'ok(1);\n' });
    const clone = path.join(makeTree({}), 'checkout');
    execFileSync('git', ['clone', '-q', '--depth', '1', '--branch', 'feature', `file://${repo.dir}`, clone]);
    fake.state.files = apiFiles(repo);
    fake.addCommit(repo.baseSha, base);
    const r = await run(clone, { base: repo.baseSha, head: repo.headSha }, { token: TOKEN, rules: 'policy' });
    expect(r.code).toBe(0);
    expect(annotations(r).filter((l) => l.includes('inline ignore'))).toEqual([]);
    // The tree, the config, the one changed file whose head holds an ignore, then the other changed
    // file for the base tree (the first is read once).
    expect(fake.log().filter((l) => l.includes('/git/'))).toEqual([
      `GET ${R}/git/trees/${repo.baseSha}?recursive=1`,
      `GET ${R}/git/blobs/${blobSha(KEEP_POLICY)}`,
      `GET ${R}/git/blobs/${blobSha(IGNORED_KEY)}`,
      `GET ${R}/git/blobs/${blobSha('ok();\n')}`,
    ]);
  });

  /** A depth-1 clone of the head of a pull request from `base` to `head`, and the API's view of it. */
  function shallowOf(base: Record<string, string>, head: Record<string, string | null>) {
    const repo = prRepo(base, head);
    const clone = path.join(makeTree({}), 'checkout');
    execFileSync('git', ['clone', '-q', '--depth', '1', '--branch', 'feature', `file://${repo.dir}`, clone]);
    fake.state.files = apiFiles(repo);
    fake.addCommit(repo.baseSha, {
      ...Object.fromEntries(
        repo
          .git('ls-tree', '-r', '--name-only', repo.baseSha)
          .split('\n')
          .filter(Boolean)
          .map((f) => [f, repo.git('show', `${repo.baseSha}:${f}`)]),
      ),
    });
    return { repo, clone };
  }

  const TRIGGER_WORKFLOW = [
    'on: pull_request',
    'permissions:',
    '  contents: read',
    'jobs:',
    '  b:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683',
    '        with:',
    `          ref: ${'${{'} github.event.pull_request.head.sha }}`,
    '          persist-credentials: false',
    '      - run: npm install && npm test',
    '        env:',
    `          NPM_TOKEN: ${'${{'} secrets.NPM_TOKEN }}`,
    '',
  ].join('\n');

  it('judges new findings by the base tree read through the API: a one-line trigger change fails the gate', async () => {
    const { repo, clone } = shallowOf(
      {
        '.controlgate.yml': onlyRulesConfig(['policy-change', 'workflow-dangerous-trigger']),
        '.github/workflows/ci.yml': TRIGGER_WORKFLOW,
      },
      {
        '.github/workflows/ci.yml': TRIGGER_WORKFLOW.replace(
          'on: pull_request\n',
          'on: pull_request_target\n',
        ),
      },
    );
    const r = await run(
      clone,
      { base: repo.baseSha, head: repo.headSha },
      { token: TOKEN, 'json-file': 'report.json' },
    );
    // The finding sits on the `ref:` line, which the change does not touch: only the base tells it new.
    expect(r.code).toBe(1);
    expect(commandLines(r, 'error').at(-1)).toBe(
      '::error::controlgate gate failed: 1 new open finding at or above "high" (1 critical)',
    );
    const report = JSON.parse(readFileSync(path.join(clone, 'report.json'), 'utf8'));
    expect(
      report.findings.map((f: { ruleId: string; isNew: boolean; location: { startLine: number } }) => [
        f.ruleId,
        f.isNew,
        f.location.startLine,
      ]),
    ).toEqual([['workflow-dangerous-trigger', true, 10]]);
    expect(r.stdout).toContain(
      'controlgate: the base versions of 1 changed file were read through the GitHub API (1 request): new findings are judged by the base tree',
    );
    expect(r.stdout).toMatch(
      /new versus existing \(base tree [0-9a-f]{12}, its changed files read through the GitHub API\): 1 new, 0 existing/,
    );
  });

  it('keeps an unchanged finding of a touched line existing, as the base tree shows it', async () => {
    // The line holding the finding is rewritten (a comment added): the changed lines alone would call it new.
    const { repo, clone } = shallowOf(
      { 'src/app.js': 'const a = DEBUG_BACKDOOR;\nok();\n' },
      { 'src/app.js': 'const a = DEBUG_BACKDOOR; // unchanged switch\nok(1);\n' },
    );
    const r = await run(
      clone,
      { base: repo.baseSha, head: repo.headSha },
      { token: TOKEN, rules: 'policy', 'json-file': 'report.json' },
    );
    const report = JSON.parse(readFileSync(path.join(clone, 'report.json'), 'utf8'));
    expect(report.findings.map((f: { ruleId: string; isNew: boolean }) => [f.ruleId, f.isNew])).toEqual([
      ['debug-backdoor', false],
    ]);
    expect(r.code).toBe(0);
  });

  it('fails closed when the base commit cannot be read at all', async () => {
    const { repo, clone } = shallowPr();
    const r = await run(clone, { base: repo.baseSha, head: repo.headSha }, { token: TOKEN, rules: 'policy' });
    expect(r.code).toBe(1);
    expect(commandLines(r, 'error').at(-1)).toBe(
      `::error::controlgate gate failed: the policy could not be read from the base commit ${repo.baseSha.slice(0, 12)}`,
    );
  });

  it('the quick start and the example workflow fetch the history and run one gate per pull request at a time', () => {
    const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const quick = readme.slice(readme.indexOf('## Quick start: the Action'), readme.indexOf('Then make the'));
    expect(quick).toContain('fetch-depth: 0');
    expect(quick).toContain(`group: controlgate-${'${{'} github.ref }}`);
    expect(quick).toContain('pull_request_review:');
    const example = readFileSync(
      path.join(__dirname, '..', '..', 'examples', 'workflows', 'controlgate.yml'),
      'utf8',
    );
    expect(example).toContain('fetch-depth: 0');
    expect(example).toContain(`group: controlgate-${'${{'} github.ref }}`);
    expect(example).toContain('pull_request_review:');
  });
});

describe('4. a pull request of more than 3,000 files', () => {
  it('scans every file when the API stops listing, and says so', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 3005; i++)
      files[`src/f${String(i).padStart(4, '0')}.js`] = `export const v${i} = ${i};\n`;
    files['src/f3002.js'] = 'export const v = DEBUG_BACKDOOR;\n';
    const policy = { '.controlgate.yml': onlyRulesConfig(), ...POLICY };
    const workspace = makeTree({ ...policy, ...files });
    fake.addCommit('a'.repeat(40), policy);
    fake.state.files = Object.entries(files).map(([filename, content]) => ({
      filename,
      status: 'added' as const,
      patch: addedFilePatch([content.trimEnd()]),
    }));
    const r = await run(
      workspace,
      { base: 'a'.repeat(40), head: 'b'.repeat(40) },
      { token: TOKEN, rules: 'policy', comment: 'true' },
    );
    expect(r.code).toBe(1);
    expect(fake.log().filter((l) => l.includes('/files?'))).toHaveLength(30);
    expect(annotations(r)).toEqual([
      expect.stringMatching(
        /^::error title=\[high\] No debug backdoors ship \(control 8\.28\),file=src\/f3002\.js,line=1,/,
      ),
    ]);
    expect(r.stdout).toContain(
      'controlgate: the API lists 3,000 of the more than 3,000 files this pull request changes (its limit is 3,000): every file is scanned, and a finding in a file the API did not list counts as new',
    );
    expect(r.summary).toContain('Checked 3009 files with ');
    expect(fake.state.issueComments[0]!.body).toContain('> the API lists 3,000 of the more than 3,000 files');
  });
});

/** The workflow that runs the gate, with `with` lines for the controlgate step. */
function workflow(inputs: string[], stepExtra: string[] = []): string {
  return [
    'name: controlgate',
    'on: pull_request',
    'jobs:',
    '  gate:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683',
    '      - uses: controlgate/controlgate@8f4b7c2d9e1a3b5c6d7e8f9a0b1c2d3e4f5a6b7c',
    ...stepExtra,
    '        with:',
    ...inputs.map((i) => `          ${i}`),
    '',
  ].join('\n');
}

/** What the runner sets for the step: the workflow, the job and the action it runs. */
const STEP_ENV = {
  GITHUB_WORKFLOW_REF: `${OWNER}/${REPO}/.github/workflows/controlgate.yml@refs/pull/7/merge`,
  GITHUB_JOB: 'gate',
  GITHUB_ACTION: '__controlgate_controlgate',
  GITHUB_ACTION_REPOSITORY: 'controlgate/controlgate',
};

describe('5. the workflow step that runs the gate', () => {
  function weakenedPr(headInputs: string[], stepExtra: string[] = []) {
    return prRepo(
      {
        '.controlgate.yml': onlyRulesConfig(['policy-change']),
        '.github/workflows/controlgate.yml': workflow(['fail-on: high', 'rules: policy']),
      },
      {
        '.github/workflows/controlgate.yml': workflow(headInputs, stepExtra),
        'src/new.js': 'x = DEBUG_BACKDOOR;\n',
      },
    );
  }

  it('fails the gate when the change lowers its own inputs, until someone with write access approves', async () => {
    const repo = weakenedPr(['fail-on: never', 'fail-on-gap: false', 'rules: policy']);
    // What the runner passes: the head's inputs.
    const inputs = { token: TOKEN, 'fail-on': 'never', 'fail-on-gap': 'false', rules: 'policy' };
    const r = await run(repo.dir, { base: repo.baseSha, head: repo.headSha }, inputs, STEP_ENV);
    expect(r.code).toBe(1);
    expect(commandLines(r, 'error').at(-1)).toBe(
      "::error::controlgate gate failed: 2 changes to the gate's own settings in the workflow that runs it, not approved",
    );
    const changes = annotations(r).filter((a) => a.includes('Policy change'));
    expect(changes.map((a) => /file=([^,]+),line=(\d+)/.exec(a)!.slice(1).join(':'))).toEqual([
      '.github/workflows/controlgate.yml:10',
      '.github/workflows/controlgate.yml:11',
    ]);
    expect(changes[0]).toContain(
      '::Policy change: input fail-on changes from "high" to "never" in .github/workflows/controlgate.yml (job gate), the step that runs controlgate: it may weaken the gate this change is judged by, so the gate fails until someone with write access approves the head commit.',
    );
    expect(changes[1]).toContain('input fail-on-gap changes from unset to "false"');

    approve('lead', 'write', repo.headSha);
    const approved = await run(repo.dir, { base: repo.baseSha, head: repo.headSha }, inputs, STEP_ENV);
    expect(approved.code).toBe(0);
  });

  it('fails the gate when the change reads fewer files (scan: all dropped) or empties the token', async () => {
    const repo = prRepo(
      {
        '.controlgate.yml': onlyRulesConfig(['policy-change']),
        '.github/workflows/controlgate.yml': workflow(['rules: policy', 'scan: all']),
      },
      { '.github/workflows/controlgate.yml': workflow(['rules: policy', 'token: ""']) },
    );
    // What the runner passes: the head's inputs, so no token and the default scan.
    const r = await run(repo.dir, { base: repo.baseSha, head: repo.headSha }, { rules: 'policy' }, STEP_ENV);
    expect(r.code).toBe(1);
    expect(commandLines(r, 'error').at(-1)).toBe(
      "::error::controlgate gate failed: 2 changes to the gate's own settings in the workflow that runs it, not approved",
    );
    const changes = annotations(r)
      .filter((a) => a.includes('Policy change'))
      .map((a) => /line=(\d+),.*::Policy change: (input [^:]*) in \.github/.exec(a)!.slice(1).join(': '))
      .sort();
    expect(changes).toEqual([
      `11: input token changes from "${['$', '{{ github.token }}'].join('')}" to unset`,
      '9: input scan changes from "all" to unset',
    ]);
  });

  it('reports a step that may fail without failing the job, and a tightened input not at all', async () => {
    const repo = weakenedPr(['fail-on: medium', 'rules: policy'], ['        continue-on-error: true']);
    const inputs = { token: TOKEN, 'fail-on': 'medium', rules: 'policy' };
    const r = await run(repo.dir, { base: repo.baseSha, head: repo.headSha }, inputs, STEP_ENV);
    expect(r.code).toBe(1);
    const changes = annotations(r).filter((a) => a.includes('Policy change'));
    expect(changes).toHaveLength(1);
    expect(changes[0]).toContain(
      'Policy change: the step now continues on error ("true"), so a failed gate would not fail the job in .github/workflows/controlgate.yml (job gate)',
    );
  });
});

describe('6. a renamed file', () => {
  it("keeps its findings existing (git's rename detection), so gate: new passes", async () => {
    const body = 'const a = 1;\nif (DEBUG_BACKDOOR) skip();\n'.repeat(3);
    const repo = prRepo({ 'src/old-name.js': body }, { 'src/old-name.js': null, 'src/new-name.js': body });
    const r = await run(repo.dir, { base: repo.baseSha, head: repo.headSha }, { rules: 'policy' });
    expect(r.code).toBe(0);
    expect(commandLines(r, 'error')).toEqual([]);
    expect(annotations(r)[0]).toMatch(
      /^::warning title=\[high\] No debug backdoors ship .*file=src\/new-name\.js,line=2,/,
    );
  });
});

describe('6b. a file turned into a symbolic link to another file of the tree', () => {
  it('moves its findings to the file the link leads to, where the base has them, so gate: new passes', async () => {
    const image = 'FROM debian:12.8-slim\nRUN echo hi > /hello\nCMD ["cat", "/hello"]\n';
    const repo = prRepo(
      {
        '.controlgate.yml': onlyRulesConfig(['dockerfile-root-user', 'dockerfile-base-image-digest']),
        'build/Dockerfile.slim': image,
        Dockerfile: 'FROM alpine:3.20.3\nCMD ["true"]\n',
      },
      { Dockerfile: null },
    );
    symlinkSync('build/Dockerfile.slim', path.join(repo.dir, 'Dockerfile'));
    const head = repo.commit({}, 'link');
    const r = await run(
      repo.dir,
      { base: repo.baseSha, head },
      { 'fail-on': 'low', 'json-file': 'report.json' },
    );
    expect(commandLines(r, 'error')).toEqual([]);
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(path.join(repo.dir, 'report.json'), 'utf8'));
    // A changed-files scan: the link says what its target says, which is not the change's.
    expect(json.findings).toEqual([]);
  });
});

describe('13. errors are errors', () => {
  it('refuses a path outside the workspace, a missing controls file, and names a broken base config', async () => {
    const repo = prRepo({}, { 'src/app.js': 'ok();\n' });
    const info = { base: repo.baseSha, head: repo.headSha };
    const outside = await run(repo.dir, info, { path: '../..' });
    expect(outside.code).toBe(1);
    expect(commandLines(outside, 'error')).toEqual([
      `::error::Input "path": ../.. is outside the workspace (${repo.dir}); give a directory of the checkout, relative to it`,
    ]);
    const missing = await run(repo.dir, info, { controls: 'compliance/soa.yml' });
    expect(missing.code).toBe(1);
    expect(commandLines(missing, 'error')).toEqual([
      '::error::declarations file not found: compliance/soa.yml (named by the `controls` input or --controls)',
    ]);

    // The base branch's config is broken; the change fixes its own copy, but is judged by the base's.
    const broken = prRepo(
      { '.controlgate.yml': 'version: 1\nfail-on: sometimes\n' },
      { '.controlgate.yml': 'version: 1\n', 'src/app.js': 'ok();\n' },
    );
    const r = await run(broken.dir, { base: broken.baseSha, head: broken.headSha }, {});
    expect(r.code).toBe(1);
    expect(commandLines(r, 'error')[0]).toMatch(
      new RegExp(
        `^::error::the policy from the base commit ${broken.baseSha.slice(0, 12)}, which this change is judged by, is invalid: invalid configuration:%0A  \\.controlgate\\.yml:2:10: /fail-on: must be one of`,
      ),
    );
  });
});

describe('14. an invalid rule file the pull request adds', () => {
  it('is a located finding that fails the gate; the base rules run and every output is written', async () => {
    const broken = POLICY['policy/debug-backdoor.yml']!.replace(
      'id: debug-backdoor',
      'id: broken-rule',
    ).replace('severity: high', 'severity: urgent');
    const repo = prRepo(
      { '.controlgate.yml': onlyRulesConfig(['rule-file-invalid']) },
      { 'policy/broken-rule.yml': broken, 'src/new.js': 'x = DEBUG_BACKDOOR;\n' },
    );
    const r = await run(
      repo.dir,
      { base: repo.baseSha, head: repo.headSha },
      { rules: 'policy', 'json-file': 'report.json', 'sarif-file': 'report.sarif' },
    );
    expect(r.code).toBe(1);
    expect(
      annotations(r)
        .map((a) => /^::(\w+) title=([^,]+),file=([^,]+),line=(\d+)/.exec(a)!.slice(1).join(' | '))
        .sort(),
    ).toEqual([
      'error | [high] Custom rule files the change adds or edits are valid (control 8.32) | policy/broken-rule.yml | 3',
      'error | [high] No debug backdoors ship (control 8.28) | src/new.js | 1',
    ]);
    expect(existsSync(path.join(repo.dir, 'report.sarif'))).toBe(true);
    const json = JSON.parse(readFileSync(path.join(repo.dir, 'report.json'), 'utf8'));
    expect(json.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual([
      'rule-file-invalid',
      'debug-backdoor',
    ]);
    expect(r.outputs['json-file']).toBe(path.join(repo.dir, 'report.json'));
  });
});

describe('15. a folder of the repository', () => {
  it("checks the repository's own CODEOWNERS and security policy at its top", async () => {
    const repo = scratchRepo(makeTree({}));
    const sha = repo.commit({
      '.github/CODEOWNERS': '* @acme/maintainers\n',
      'SECURITY.md': 'Report vulnerabilities to security@acme.example, never in a public issue.\n',
      'services/api/.controlgate.yml': onlyRulesConfig(['codeowners-present', 'security-policy']),
      'services/api/src/app.js': 'ok();\n',
    });
    const r = await runAction({
      workspace: repo.dir,
      inputs: { path: 'services/api', 'json-file': 'report.json' },
      env: { GITHUB_SHA: sha },
    });
    expect(r.code).toBe(0);
    expect(annotations(r)).toEqual([]);
    const json = JSON.parse(readFileSync(path.join(repo.dir, 'report.json'), 'utf8'));
    expect(
      json.rules.filter((x: { id: string }) => ['codeowners-present', 'security-policy'].includes(x.id)),
    ).toEqual([
      expect.objectContaining({ id: 'codeowners-present', result: 'pass' }),
      expect.objectContaining({ id: 'security-policy', result: 'pass' }),
    ]);
  });

  // The repository's Statement of Applicability is at its top: a package checked on its own is judged
  // by it, with the evidence it cites read from the top. Before: no declarations, every control undeclared.
  const IR =
    'When an incident is suspected, the on-call engineer opens a ticket, pages the security lead and keeps a timeline; affected credentials are rotated before the service is restored.\n';
  const rootDeclarations = (dockerfiles: string) =>
    [
      'version: 1',
      'owner: "@acme/security"',
      'controls:',
      '  "5.24": { status: implemented, evidence: [docs/incident-response.md] }',
      `  "8.9": { status: ${dockerfiles} }`,
      '',
    ].join('\n');

  it("judges a folder checked on its own by the repository's declarations, and says which file", async () => {
    const repo = scratchRepo(makeTree({}));
    repo.commit({
      '.github/controls.yml': rootDeclarations('implemented'),
      'docs/incident-response.md': IR,
      'services/api/Dockerfile': `FROM node@sha256:${'4'.repeat(64)}\nUSER node\n`,
    });
    const r = await cliRun('check', path.join(repo.dir, 'services/api'), '--offline', '--format', 'json');
    expect(r.report.declarations).toMatchObject({
      file: '../../.github/controls.yml',
      owner: '@acme/security',
    });
    const c = (id: string) => r.report.controls.find((x) => x.id === id)!;
    expect(c('5.24')).toMatchObject({
      verdict: 'satisfied',
      evidence: [
        {
          ref: 'docs/incident-response.md',
          status: 'present',
          files: [{ path: 'docs/incident-response.md' }],
        },
      ],
      declared: { location: { path: '../../.github/controls.yml', startLine: 4 } },
    });
    expect(c('8.9')).toMatchObject({ verdict: 'satisfied' });
    expect(c('8.9').rules).toContainEqual(
      expect.objectContaining({ id: 'dockerfile-base-image-unpinned', examined: 1 }),
    );
  });

  it("on a pull request, the base commit's declarations at the top are the ones in force", async () => {
    const repo = scratchRepo(makeTree({}));
    repo.commit({
      '.github/controls.yml': rootDeclarations('implemented'),
      'docs/incident-response.md': IR,
      'services/api/Dockerfile': 'FROM node\nUSER node\n',
    });
    repo.git('checkout', '-q', '-b', 'feature');
    // The change declares 8.9 not applicable, and deletes the evidence the base cites for 5.24.
    repo.commit({
      '.github/controls.yml': rootDeclarations('not-applicable, justification: "No images."'),
      'docs/incident-response.md': null,
    });
    const r = await cliRun(
      'check',
      path.join(repo.dir, 'services/api'),
      '--base',
      'main',
      '--offline',
      '--format',
      'json',
    );
    expect(r.report.policy).toMatchObject({ source: 'base', controls: '../../.github/controls.yml' });
    const c = (id: string) => r.report.controls.find((x) => x.id === id)!;
    // Declared implemented, as the base says (the change does not touch the Dockerfile: not assessed).
    expect(c('8.9')).toMatchObject({ verdict: 'not-assessed', declared: { status: 'implemented' } });
    expect(c('5.24')).toMatchObject({
      verdict: 'gap',
      evidence: [{ ref: 'docs/incident-response.md', status: 'missing' }],
    });
    expect(r.report.findings.map((f) => f.ruleId)).toContain('policy-change');
  });
});

/** The CLI in this process (`--format json`): its exit code and report. */
async function cliRun(...argv: string[]) {
  let stdout = '';
  const code = await main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: () => {},
    isTTY: false,
  });
  return { code, report: JSON.parse(stdout || '{}') as Report };
}

/**
 * A finding in a test path is test material (low confidence, no block) until something outside uses
 * it: a workflow job deploys it, a kustomization lists it, a compose file builds it, a workflow runs
 * the action. A pull request that edits only that other file raises the finding of a file it does
 * not touch: the change's own, so new. Checked with the CLI (`--base`), whose engine the Action runs.
 */
describe('16. an unchanged file the change raises', () => {
  const privilegedPod = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: debug-shell',
    'spec:',
    '  containers:',
    '    - name: shell',
    `      image: busybox@sha256:${'1'.repeat(64)}`,
    '      securityContext:',
    '        privileged: true',
    '',
  ].join('\n');
  const releaseWorkflow = (jobs: string) =>
    [
      'name: release',
      'on: push',
      'permissions: {}',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: make build',
      jobs,
    ].join('\n');
  const workerDockerfile = [
    `FROM python@sha256:${'2'.repeat(64)}`,
    'ENV QUEUE_PASSWORD=Zr4mQ8vT1xLp6Nw2Yc9Hs3Kd7Bf5Gj0A',
    'USER 10001',
    '',
  ].join('\n');
  const compose = (services: string) =>
    `services:\n  web:\n    image: nginx@sha256:${'3'.repeat(64)}\n${services}`;
  const keyLines = (syntheticKey('pkcs8', (n) => Buffer.alloc(n, 0x3c)).match(/.{1,64}/g) ?? []).map(
    (l) => `    ${l}`,
  );
  const tlsSecret = [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: ingress-tls',
    'type: kubernetes.io/tls',
    'stringData:',
    '  tls.key: |',
    '    -----BEGIN PRIVATE KEY-----',
    ...keyLines,
    '    -----END PRIVATE KEY-----',
    '',
  ].join('\n');
  const kustomization = (extra: string) =>
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deploy/service.yaml\n${extra}`;
  const service =
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: payments\nspec:\n  ports: [{port: 443}]\n';
  const bootstrapAction = [
    'name: bootstrap',
    'description: Puts the tool on the PATH',
    'runs:',
    '  using: composite',
    '  steps:',
    '    - run: echo "::add-path::/opt/tool/bin"',
    '      shell: bash',
    '      env:',
    '        ACTIONS_ALLOW_UNSECURE_COMMANDS: "true"',
    '',
  ].join('\n');
  const ciWorkflow = (steps: string) =>
    [
      'name: ci',
      'on: push',
      'permissions: {}',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      `      - uses: actions/checkout@${'4'.repeat(40)} # v4`,
      '        with: {persist-credentials: false}',
      `${steps}      - run: npm test`,
      '',
    ].join('\n');

  const CASES = [
    {
      name: 'a Kubernetes example that an edited workflow now deploys',
      rule: 'k8s-privileged-container',
      base: {
        'samples/k8s/debug-pod.yaml': privilegedPod,
        '.github/workflows/release.yml': releaseWorkflow(''),
      },
      raising: {
        '.github/workflows/release.yml': releaseWorkflow(
          [
            '  rollout:',
            '    runs-on: ubuntu-latest',
            '    environment: production',
            '    steps:',
            '      - run: kubectl apply -f samples/k8s/debug-pod.yaml',
            '',
          ].join('\n'),
        ),
      },
      // The same workflow edited: another step, the example still deployed nowhere.
      keeping: {
        '.github/workflows/release.yml': releaseWorkflow('      - run: make package\n'),
      },
      at: 'samples/k8s/debug-pod.yaml:10',
      severity: 'high',
      perFile: false,
    },
    {
      name: 'a Dockerfile under examples/ that an edited compose file now builds',
      rule: 'dockerfile-secret-env',
      base: { 'examples/worker/Dockerfile': workerDockerfile, 'compose.yaml': compose('') },
      raising: { 'compose.yaml': compose('  worker:\n    build: ./examples/worker\n') },
      keeping: { 'compose.yaml': compose('    restart: always\n') },
      at: 'examples/worker/Dockerfile:2',
      severity: 'high',
      perFile: true,
    },
    {
      name: 'a private key under examples/ that an edited kustomization now lists',
      rule: 'private-key-committed',
      base: {
        'examples/certs/ingress-tls.yaml': tlsSecret,
        'deploy/service.yaml': service,
        'kustomization.yaml': kustomization(''),
      },
      raising: { 'kustomization.yaml': kustomization('  - examples/certs/ingress-tls.yaml\n') },
      keeping: { 'kustomization.yaml': kustomization('commonLabels:\n  team: payments\n') },
      at: 'examples/certs/ingress-tls.yaml:8',
      severity: 'critical',
      perFile: true,
    },
    {
      name: 'an example composite action that an edited workflow now runs',
      rule: 'workflow-insecure-commands',
      base: { 'examples/bootstrap/action.yml': bootstrapAction, '.github/workflows/ci.yml': ciWorkflow('') },
      raising: { '.github/workflows/ci.yml': ciWorkflow('      - uses: ./examples/bootstrap\n') },
      keeping: { '.github/workflows/ci.yml': ciWorkflow('      - run: npm ci\n') },
      at: 'examples/bootstrap/action.yml:9',
      severity: 'high',
      perFile: true,
    },
  ];

  /** The files of a case's tree (the table's rows name different files). */
  const defined = (files: Record<string, string | undefined>): Record<string, string> =>
    Object.fromEntries(Object.entries(files).filter((e): e is [string, string] => e[1] !== undefined));

  /** The rule's findings: where, how sure, whether new, and the grade the base had when raised. */
  const judged = (report: Report, rule: string) =>
    report.findings
      .filter((f) => f.ruleId === rule)
      .map(
        (f) =>
          `${f.location?.path}:${f.location?.startLine} ${f.severity}/${f.confidence} new=${f.isNew}` +
          (f.raisedFrom ? ` from ${f.raisedFrom.severity}/${f.raisedFrom.confidence}` : ''),
      );

  function change(c: (typeof CASES)[number], head: Record<string, string | undefined>) {
    const repo = scratchRepo(makeTree({}));
    repo.commit({ '.controlgate.yml': onlyRulesConfig([c.rule]), ...defined(c.base) }, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit(defined(head), 'head');
    return repo;
  }

  it.each(CASES)('$name: new at high confidence, and the gate fails', async (c) => {
    const repo = change(c, c.raising);
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    expect(judged(pr.report, c.rule)).toEqual([`${c.at} ${c.severity}/high new=true from ${c.severity}/low`]);
    expect(pr.code).toBe(1);
    // What the full check of the head blocks on, the pull request's judgement does too.
    const full = await cliRun('check', repo.dir, '--format', 'json');
    expect(judged(full.report, c.rule)).toEqual([`${c.at} ${c.severity}/high new=undefined`]);
  });

  it.each(CASES)('$name: edited without using it, the finding stays existing test material', async (c) => {
    const repo = change(c, c.keeping);
    const check = (...extra: string[]) =>
      cliRun('check', repo.dir, '--base', 'main', '--persona', 'auditor', '--format', 'json', ...extra);
    const pr = await check();
    expect(pr.code).toBe(0);
    // A per-file rule reads only the changed files: the example, graded as before, is not read.
    const existing = [`${c.at} ${c.severity}/low new=false`];
    expect(judged(pr.report, c.rule)).toEqual(c.perFile ? [] : existing);
    const all = await check('--scan', 'all');
    expect(all.code).toBe(0);
    expect(judged(all.report, c.rule)).toEqual(existing);
  });

  it('with the base commit results (--base-results), the deployed example is new all the same', async () => {
    const c = CASES[0]!;
    const repo = change(c, c.raising);
    const stored = path.join(makeTree({}), 'base-results.json');
    repo.git('checkout', '-q', 'main');
    const written = await cliRun(
      'check',
      repo.dir,
      '--write-base-results',
      stored,
      '--persona',
      'auditor',
      '--format',
      'json',
    );
    expect(judged(written.report, c.rule)).toEqual([`${c.at} high/low new=undefined`]);
    repo.git('checkout', '-q', 'feature');
    const pr = await cliRun(
      'check',
      repo.dir,
      '--base',
      'main',
      '--base-results',
      stored,
      '--format',
      'json',
      '--verbose',
    );
    expect(pr.report.summary.reused).toMatchObject({ rules: 1 });
    expect(judged(pr.report, c.rule)).toEqual([`${c.at} high/high new=true from high/low`]);
    expect(pr.code).toBe(1);
  });
});

/**
 * A pull request that adds a `pull_request_target` workflow with a writable token that brings its own
 * code in by another route than a checkout (an archive downloaded, the head's repository cloned with
 * `gh`, a `pip install` from git) and runs it: a pwn request, which the gate blocks as it blocks a
 * checkout of the head. Checked with the CLI (`--base`), whose engine the Action runs.
 */
describe('17. a privileged workflow that downloads, clones or installs the head', () => {
  const RULE = 'workflow-dangerous-trigger';
  const workflow = (step: string) =>
    [
      'name: pr',
      'on: pull_request_target',
      'permissions:',
      '  contents: write',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      step,
      '',
    ].join('\n');
  const head = {
    SHA: `\${{ github.event.pull_request.head.sha }}`,
    REPO: `\${{ github.event.pull_request.head.repo.full_name }}`,
    TOKEN: `\${{ github.token }}`,
    REPOSITORY: `\${{ github.repository }}`,
  };
  it.each([
    [
      'a tarball downloaded by curl, unpacked and built',
      [
        '      - run: |',
        '          curl -sL "$URL" | tar xz --strip-components=1',
        '          ./build.sh',
        '        env:',
        `          URL: https://api.github.com/repos/${head.REPOSITORY}/tarball/${head.SHA}`,
      ],
      10,
    ],
    [
      'a tarball through gh api',
      [
        `      - run: gh api "repos/${head.REPOSITORY}/tarball/$SHA" > src.tgz && tar xzf src.tgz && bash */build.sh`,
        '        env:',
        `          GH_TOKEN: ${head.TOKEN}`,
        `          SHA: ${head.SHA}`,
      ],
      9,
    ],
    [
      "the head's repository cloned by gh",
      [
        '      - run: gh repo clone "$REPO" src && cd src && npm ci && npm test',
        '        env:',
        `          GH_TOKEN: ${head.TOKEN}`,
        `          REPO: ${head.REPO}`,
      ],
      9,
    ],
    [
      'pip install from git at the head',
      [
        '      - run: pip install "git+https://github.com/$REPO@$SHA"',
        '        env:',
        `          REPO: ${head.REPO}`,
        `          SHA: ${head.SHA}`,
      ],
      9,
    ],
  ])('%s: a new critical finding, and the gate fails', async (_name, step, line) => {
    const repo = scratchRepo(makeTree({}));
    repo.commit({ '.controlgate.yml': onlyRulesConfig([RULE]), 'README.md': '# app\n' }, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit({ '.github/workflows/pr.yml': workflow(step.join('\n')) }, 'head');
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    expect(
      pr.report.findings
        .filter((f) => f.ruleId === RULE)
        .map(
          (f) => `${f.location?.path}:${f.location?.startLine} ${f.severity}/${f.confidence} new=${f.isNew}`,
        ),
    ).toEqual([`.github/workflows/pr.yml:${line} critical/high new=true`]);
    expect(pr.code).toBe(1);
  });
});

/**
 * A per-file rule that reads other files judges a file by them: a reusable workflow by the grants of
 * the jobs that call it, a Dockerfile's stage by the builds that name it as their target. A pull
 * request that edits only the other file changes the finding of a file it does not touch: the
 * change's own, so new, though a changed-files scan reads only the files the change touches.
 */
describe('18. an unchanged file judged by another file the change edits', () => {
  const reusable = [
    'name: deploy',
    'on: workflow_call',
    'jobs:',
    '  deploy:',
    '    runs-on: ubuntu-latest',
    '    container: node:20',
    '    steps:',
    '      - run: ./deploy.sh',
    '',
  ].join('\n');
  const caller = (grant: string, extra = '') =>
    [
      'name: ci',
      'on: push',
      'permissions: {}',
      'jobs:',
      '  call:',
      `    permissions: {${grant}}`,
      '    uses: ./.github/workflows/deploy.yml',
      extra,
    ].join('\n');
  // A stage that sets no USER, and the last stage, a rootless variant of it.
  const stagedDockerfile = [
    `FROM node:22-slim@sha256:${'5'.repeat(64)} AS release`,
    'COPY . /app',
    'CMD ["node", "/app/server.js"]',
    'FROM release AS rootless',
    'USER node',
    '',
  ].join('\n');
  const imageWorkflow = (target: string, extra = '') =>
    [
      'name: image',
      'on: push',
      'permissions: {}',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      `      - run: docker build --target ${target} -t acme/app:2 --push .`,
      extra,
    ].join('\n');
  const composeBuild = (target: string, extra = '') =>
    `services:\n  app:\n    build:\n      context: .\n      target: ${target}\n${extra}`;

  // A Cargo manifest following a branch, and lockfiles beside it: one that locks the branch to a
  // commit, one that locks it to nothing, and the first with another package added.
  const branchManifest =
    '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\nlib = { git = "https://github.com/acme/lib", branch = "main" }\n';
  const cargoLock = (source: string, extra = '') =>
    `version = 3\n\n[[package]]\nname = "lib"\nversion = "0.1.0"\nsource = "${source}"\n${extra}`;
  const lockedLock = cargoLock(`git+https://github.com/acme/lib?branch=main#${'a'.repeat(40)}`);
  const unlockedLock = cargoLock('registry+https://github.com/rust-lang/crates.io-index');
  const moreLocked = cargoLock(
    `git+https://github.com/acme/lib?branch=main#${'a'.repeat(40)}`,
    '\n[[package]]\nname = "log"\nversion = "0.4.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n',
  );

  type Files = Record<string, string>;
  const CASES: {
    name: string;
    rule: string;
    base: Files;
    raising: Files;
    keeping: Files;
    written: Files;
    rewritten: Files;
    at: string;
    raised: string;
    existing: string;
  }[] = [
    {
      name: 'a caller that now grants write to an unchanged reusable workflow',
      rule: 'workflow-unpinned-image',
      base: {
        '.github/workflows/deploy.yml': reusable,
        '.github/workflows/ci.yml': caller('contents: read'),
      },
      raising: { '.github/workflows/ci.yml': caller('contents: write') },
      // The caller edited without a grant that writes.
      keeping: { '.github/workflows/ci.yml': caller('contents: read, actions: read') },
      // The grant was there already; the caller is edited around it.
      written: { '.github/workflows/ci.yml': caller('contents: write') },
      rewritten: { '.github/workflows/ci.yml': caller('contents: write', '    secrets: {}\n') },
      at: '.github/workflows/deploy.yml:6',
      raised: 'medium/high new=true from low/high',
      existing: 'medium/high new=false',
    },
    {
      name: 'a workflow build whose --target now names a root stage of an unchanged Dockerfile',
      rule: 'dockerfile-root-user',
      base: { Dockerfile: stagedDockerfile, '.github/workflows/image.yml': imageWorkflow('rootless') },
      raising: { '.github/workflows/image.yml': imageWorkflow('release') },
      keeping: { '.github/workflows/image.yml': imageWorkflow('rootless', '      - run: echo built\n') },
      written: { '.github/workflows/image.yml': imageWorkflow('release') },
      rewritten: { '.github/workflows/image.yml': imageWorkflow('release', '      - run: echo built\n') },
      at: 'Dockerfile:1',
      raised: 'medium/medium new=true',
      existing: 'medium/medium new=false',
    },
    {
      name: 'a compose build whose target now names a root stage of an unchanged Dockerfile',
      rule: 'dockerfile-root-user',
      base: { Dockerfile: stagedDockerfile, 'compose.yaml': composeBuild('rootless') },
      raising: { 'compose.yaml': composeBuild('release') },
      keeping: { 'compose.yaml': composeBuild('rootless', '    restart: always\n') },
      written: { 'compose.yaml': composeBuild('release') },
      rewritten: { 'compose.yaml': composeBuild('release', '    restart: always\n') },
      at: 'Dockerfile:1',
      raised: 'medium/medium new=true',
      existing: 'medium/medium new=false',
    },
    {
      name: "a lockfile that no longer locks an unchanged manifest's branch dependency to a commit",
      rule: 'dependency-git-branch',
      base: { 'crates/app/Cargo.toml': branchManifest, 'crates/app/Cargo.lock': lockedLock },
      raising: { 'crates/app/Cargo.lock': unlockedLock },
      keeping: { 'crates/app/Cargo.lock': moreLocked },
      written: { 'crates/app/Cargo.lock': unlockedLock },
      rewritten: { 'crates/app/Cargo.lock': `${unlockedLock}\n` },
      at: 'crates/app/Cargo.toml:6',
      raised: 'medium/high new=true from low/high',
      existing: 'medium/high new=false',
    },
  ];

  /** The rule's findings: where, how sure, whether new, and the grade the base had when raised. */
  const judged = (report: Report, rule: string) =>
    report.findings
      .filter((f) => f.ruleId === rule)
      .map(
        (f) =>
          `${f.location?.path}:${f.location?.startLine} ${f.severity}/${f.confidence} new=${f.isNew}` +
          (f.raisedFrom ? ` from ${f.raisedFrom.severity}/${f.raisedFrom.confidence}` : ''),
      );

  function change(rule: string, base: Files, head: Files) {
    const repo = scratchRepo(makeTree({}));
    repo.commit({ '.controlgate.yml': onlyRulesConfig([rule]), ...base }, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit(head, 'head');
    return repo;
  }
  const check = (dir: string, ...extra: string[]) =>
    cliRun('check', dir, '--base', 'main', '--fail-on', 'low', '--format', 'json', ...extra);

  it.each(CASES)('$name: new, and the gate fails', async (c) => {
    const repo = change(c.rule, c.base, c.raising);
    const pr = await check(repo.dir);
    expect(judged(pr.report, c.rule)).toEqual([`${c.at} ${c.raised}`]);
    expect(pr.code).toBe(1);
    // What the full check of the pull request says, the changed-files scan says too.
    const all = await check(repo.dir, '--scan', 'all');
    expect(judged(all.report, c.rule)).toEqual([`${c.at} ${c.raised}`]);
  });

  it.each(CASES)('$name: edited without that, nothing is new and the gate passes', async (c) => {
    const repo = change(c.rule, c.base, c.keeping);
    const pr = await check(repo.dir);
    expect(pr.code).toBe(0);
    // The unchanged file, judged alike on both trees, is no finding of the change.
    expect(judged(pr.report, c.rule)).toEqual([]);
  });

  it('a caller edited in its comments and layout alone makes no rule judge more files', async () => {
    const c = CASES[0]!;
    const log = async (head: Files) => {
      const repo = change(c.rule, c.base, head);
      let stderr = '';
      const code = await main(['check', repo.dir, '--base', 'main', '--fail-on', 'low', '--verbose'], {
        stdout: () => {},
        stderr: (t) => {
          stderr += t;
        },
        isTTY: false,
      });
      return { code, widened: /may judge differently through other files it changes/.test(stderr) };
    };
    const commented = `# Calls the deploy workflow.\n${caller('contents: read').replace('permissions: {}', 'permissions: { }  # none')}`;
    expect(await log({ '.github/workflows/ci.yml': commented })).toEqual({ code: 0, widened: false });
    // The control: an edit of what the caller grants widens the rule, and fails the gate.
    expect(await log(c.raising)).toEqual({ code: 1, widened: true });
  });

  it('a changed lockfile makes the rule judge the manifests of its folder and below, not every one', async () => {
    const c = CASES.find((x) => x.rule === 'dependency-git-branch')!;
    const elsewhere = { 'tools/gen/Cargo.toml': branchManifest.replace('"app"', '"gen"') };
    const repo = change(c.rule, { ...c.base, ...elsewhere }, c.raising);
    let stderr = '';
    const code = await main(['check', repo.dir, '--base', 'main', '--fail-on', 'low', '--verbose'], {
      stdout: () => {},
      stderr: (t) => {
        stderr += t;
      },
      isTTY: false,
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      'scanning 1 more file the change does not touch but may judge differently through other files it ' +
        'changes, on both trees: dependency-git-branch (crates/app/Cargo.toml; it reads crates/app/Cargo.lock)',
    );
  });

  it.each(CASES)('$name: already so on the base, the finding stays existing', async (c) => {
    const repo = change(c.rule, { ...c.base, ...c.written }, c.rewritten);
    const pr = await check(repo.dir);
    expect(pr.code).toBe(0);
    expect(judged(pr.report, c.rule)).toEqual([]);
    const all = await check(repo.dir, '--scan', 'all');
    expect(all.code).toBe(0);
    expect(judged(all.report, c.rule)).toEqual([`${c.at} ${c.existing}`]);
  });
});

/**
 * A custom rule the change adds is a change of the policy, as an edited or removed one is: a rule that
 * always passes, mapped to a control, would make a gap satisfied.
 */
describe('a custom rule file the change adds', () => {
  const customRule = (id: string) =>
    [
      `id: ${id}`,
      'title: A README is present',
      'severity: low',
      'controls: ["8.29"]',
      'rationale: Claims the control.',
      'remediation: Nothing.',
      'check:',
      '  kind: file.exists',
      '  with:',
      '    paths: [README.md]',
      '',
    ].join('\n');
  it('is a new policy change, and a change that adds no rule file has none', async () => {
    const config = `${onlyRulesConfig(['policy-change', 'acme-readme', 'acme-tests'])}rule-dirs: [policy]\n`;
    const run = async (head: Record<string, string>) => {
      const repo = scratchRepo(makeTree({}));
      repo.commit(
        {
          '.controlgate.yml': config,
          'README.md': '# app\n',
          'policy/acme-readme.yml': customRule('acme-readme'),
        },
        'base',
      );
      repo.git('checkout', '-q', '-b', 'feature');
      repo.commit(head, 'head');
      let stdout = '';
      const code = await main(['check', repo.dir, '--base', 'main', '--format', 'json'], {
        stdout: (t) => {
          stdout += t;
        },
        stderr: () => {},
        isTTY: false,
      });
      const report = JSON.parse(stdout) as Report;
      return {
        code,
        changes: report.findings
          .filter((f) => f.ruleId === 'policy-change')
          .map((f) => `${f.location?.path ?? '-'} new=${f.isNew} ${f.message}`),
      };
    };
    const added = await run({ 'policy/acme-tests.yml': customRule('acme-tests') });
    expect(added.changes).toEqual([
      'policy/acme-tests.yml new=true Policy change: custom rule file policy/acme-tests.yml is added.',
    ]);
    // The control: a change of another file adds no policy change.
    const other = await run({ 'src/app.js': 'export {};\n' });
    expect(other).toEqual({ code: 0, changes: [] });
  });
});

/**
 * A pull request names the file it commits a credential in: a lockfile, a minified bundle, a source
 * map, a package manager's bundle are skipped by the secret rules' guesses (their random data would
 * fool them), never by the detectors of an issuer's format: the findings are those of the same
 * content in an ordinary file.
 */
describe('20. a credential in a file named as one the secret scan skips', () => {
  const KEY = pem('RSA PRIVATE KEY', keyBody('rsa'));
  const AKIA = `AKIA${rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
  const content = [
    `const cfg={aws_access_key_id:"${AKIA}",aws_secret_access_key:"${rand(40)}",github_token:"${githubToken()}"};`,
    `const key=\`${KEY}\`;`,
    '',
  ].join('\n');
  const RULES = ['cloud-key-committed', 'private-key-committed', 'api-token-committed'];
  const expected = (file: string) => [
    `${file}:1 api-token-committed high/high new=true blocking=true`,
    `${file}:1 cloud-key-committed critical/high new=true blocking=true`,
    `${file}:1 cloud-key-committed critical/high new=true blocking=true`,
    `${file}:2 private-key-committed critical/high new=true blocking=true`,
  ];

  it.each([
    'static/config.min.js',
    'static/config.js.map',
    'deploy/package-lock.json',
    '.yarn/releases/deploy.cjs',
    '.pnp.cjs',
  ])('%s: every key and token is new and blocks', async (file) => {
    const repo = scratchRepo(makeTree({}));
    repo.commit({ '.controlgate.yml': onlyRulesConfig(RULES), 'README.md': '# app\n' }, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit({ [file]: content }, 'head');
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    expect(
      pr.report.findings
        .map(
          (f) =>
            `${f.location?.path}:${f.location?.startLine} ${f.ruleId} ${f.severity}/${f.confidence} new=${f.isNew} blocking=${f.blocking}`,
        )
        .sort(),
    ).toEqual(expected(file));
    expect(pr.code).toBe(1);
  });
});

/**
 * A Dockerfile literal routed through a variable of a plain name ends in the image configuration all
 * the same: Docker substitutes the ARG default or the ENV value at build time.
 */
describe('21. a Dockerfile secret routed through an ARG or another ENV', () => {
  it.each([
    ['an ARG default', 'ARG P=Xk9vQ2mLp7RtZw4B\nENV DB_PASSWORD=$P', 'line 2 (`ARG P`)'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile reference is the test data.
    ['another ENV', 'ENV V=Xk9vQ2mLp7RtZw4B\nENV DB_PASSWORD=${V}', 'line 2 (`ENV V`)'],
  ])('through %s: new at the ENV, and the gate fails', async (_what, lines, written) => {
    const repo = scratchRepo(makeTree({}));
    const dockerfile = (body: string) => `FROM alpine@sha256:${'5'.repeat(64)}\n${body}\nUSER 1000\n`;
    repo.commit(
      {
        '.controlgate.yml': onlyRulesConfig(['dockerfile-secret-env']),
        Dockerfile: dockerfile('ENV MODE=prod'),
      },
      'base',
    );
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit({ Dockerfile: dockerfile(lines) }, 'head');
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    expect(
      pr.report.findings.map(
        (f) =>
          `${f.location?.path}:${f.location?.startLine} ${f.severity}/${f.confidence} new=${f.isNew} ${f.message.includes(`written at ${written}`)}`,
      ),
    ).toEqual(['Dockerfile:3 high/high new=true true']);
    expect(pr.code).toBe(1);
  });
});

/**
 * Terraform reads more than `*.tf`: its JSON syntax (`*.tf.json`), OpenTofu's `*.tofu`, and override
 * files (`*_override.tf`), whose blocks it merges into the same-address block of the module's other
 * files. A pull request that opens SSH to the internet through any of them fails the gate as the same
 * change written into the `.tf` file does. Checked with the CLI (`--base`), whose engine the Action runs.
 */
describe('22. Terraform configuration in files other than *.tf', () => {
  const RULE = 'terraform-admin-ports-public';
  const sshRule = (cidr: string) =>
    [
      'resource "aws_security_group_rule" "ssh" {',
      '  type              = "ingress"',
      '  from_port         = 22',
      '  to_port           = 22',
      '  protocol          = "tcp"',
      `  cidr_blocks       = ["${cidr}"]`,
      '  security_group_id = "sg-123"',
      '}',
      '',
    ].join('\n');
  const bastion = (cidr: string) =>
    [
      'resource "aws_security_group" "bastion" {',
      '  name = "bastion"',
      '  ingress {',
      '    from_port   = 22',
      '    to_port     = 22',
      '    protocol    = "tcp"',
      `    cidr_blocks = ["${cidr}"]`,
      '  }',
      '}',
      '',
    ].join('\n');
  const bastionJson = (cidr: string) =>
    `${JSON.stringify(
      {
        '//': 'generated',
        resource: {
          aws_security_group: {
            bastion: {
              name: 'bastion',
              ingress: [{ from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: [cidr], self: false }],
            },
          },
        },
      },
      null,
      2,
    )}\n`;
  const versions = 'terraform {\n  required_version = ">= 1.5"\n}\n';
  const overrideOf = (cidr: string) =>
    `resource "aws_security_group_rule" "ssh" {\n  cidr_blocks = ["${cidr}"]\n}\n`;

  const CASES: {
    name: string;
    base: Record<string, string>;
    open: Record<string, string>;
    closed: Record<string, string>;
    at: string;
  }[] = [
    {
      name: 'an override file that opens the SSH rule of another file',
      base: { 'infra/network.tf': sshRule('10.0.0.0/8') },
      open: { 'infra/network_override.tf': overrideOf('0.0.0.0/0') },
      closed: { 'infra/network_override.tf': overrideOf('10.1.0.0/16') },
      at: 'infra/network_override.tf:2',
    },
    {
      name: 'an override file that opens the SSH rule of a .tf.json file',
      base: {
        'infra/network.tf.json': JSON.stringify({
          resource: {
            aws_security_group_rule: {
              ssh: {
                type: 'ingress',
                from_port: 22,
                to_port: 22,
                protocol: 'tcp',
                cidr_blocks: ['10.0.0.0/8'],
              },
            },
          },
        }),
      },
      open: {
        'infra/override.tf.json':
          '{"resource": {"aws_security_group_rule": {"ssh": {\n  "cidr_blocks": ["0.0.0.0/0"]}}}}\n',
      },
      closed: {
        'infra/override.tf.json':
          '{"resource": {"aws_security_group_rule": {"ssh": {\n  "cidr_blocks": ["10.1.0.0/16"]}}}}\n',
      },
      at: 'infra/override.tf.json:2',
    },
    {
      name: 'a security group in Terraform JSON syntax (.tf.json)',
      base: { 'infra/versions.tf': versions },
      open: { 'infra/network.tf.json': bastionJson('0.0.0.0/0') },
      closed: { 'infra/network.tf.json': bastionJson('10.0.0.0/8') },
      at: 'infra/network.tf.json:13',
    },
    {
      name: 'a security group in an OpenTofu file (.tofu)',
      base: { 'infra/versions.tf': versions },
      open: { 'infra/network.tofu': bastion('0.0.0.0/0') },
      closed: { 'infra/network.tofu': bastion('10.0.0.0/8') },
      at: 'infra/network.tofu:7',
    },
  ];

  function change(base: Record<string, string>, head: Record<string, string>) {
    const repo = scratchRepo(makeTree({}));
    repo.commit({ '.controlgate.yml': onlyRulesConfig([RULE]), ...base }, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit(head, 'head');
    return repo;
  }
  const judged = (report: Report) =>
    report.findings
      .filter((f) => f.ruleId === RULE)
      .map(
        (f) => `${f.location?.path}:${f.location?.startLine} ${f.severity}/${f.confidence} new=${f.isNew}`,
      );

  it.each(CASES)('$name: a new high finding there, and the gate fails', async (c) => {
    const pr = await cliRun('check', change(c.base, c.open).dir, '--base', 'main', '--format', 'json');
    expect(judged(pr.report)).toEqual([`${c.at} high/high new=true`]);
    expect(pr.code).toBe(1);
  });

  it.each(CASES)('$name: with a private range instead, no finding and the gate passes', async (c) => {
    const pr = await cliRun('check', change(c.base, c.closed).dir, '--base', 'main', '--format', 'json');
    expect(judged(pr.report)).toEqual([]);
    expect(pr.code).toBe(0);
  });
});

/**
 * Compose reads as compose files the files a compose file includes or extends and those a project's
 * `.env` lists in COMPOSE_FILE, whatever their names. A pull request that edits only compose.yaml (or
 * adds a `.env`) to bring in an unchanged file running privileged brings that service in: its finding
 * is the change's own, so new, and the gate fails. Checked with the CLI (`--base`), whose engine the
 * Action runs.
 */
describe('23. a compose file named by another file the change edits', () => {
  const RULE = 'compose-privileged-container';
  const root = (extra: string) => `services:\n  web:\n    image: nginx@sha256:${'6'.repeat(64)}\n${extra}`;
  const privileged = (name: string) => `services:\n  ${name}:\n    privileged: true\n`;
  type Files = Record<string, string>;
  const CASES: { name: string; base: Files; raising: Files; keeping: Files; found: string[] }[] = [
    {
      name: 'compose.yaml now includes an unchanged privileged file',
      base: { 'compose.yaml': root(''), 'ops/debug.yml': privileged('debug') },
      raising: { 'compose.yaml': root('include:\n  - ops/debug.yml\n') },
      keeping: { 'compose.yaml': root('    restart: always\n') },
      found: ['ops/debug.yml:3 high/high new=true'],
    },
    {
      name: 'a service of compose.yaml now extends an unchanged privileged service of another file',
      base: { 'compose.yaml': root(''), 'ops/common.yml': privileged('base') },
      raising: { 'compose.yaml': root('    extends:\n      file: ops/common.yml\n      service: base\n') },
      keeping: { 'compose.yaml': root('    restart: always\n') },
      found: ['compose.yaml:4 high/high new=true', 'ops/common.yml:3 high/high new=true'],
    },
    {
      name: 'an added project .env lists an unchanged privileged file in COMPOSE_FILE',
      base: { 'compose.yaml': root(''), 'ops/runtime.yml': privileged('web') },
      raising: { '.env': 'COMPOSE_FILE=compose.yaml:ops/runtime.yml\n' },
      keeping: { '.env': 'COMPOSE_PROJECT_NAME=app\n' },
      found: ['ops/runtime.yml:3 high/high new=true'],
    },
  ];

  const judged = (report: Report) =>
    report.findings
      .filter((f) => f.ruleId === RULE)
      .map(
        (f) => `${f.location?.path}:${f.location?.startLine} ${f.severity}/${f.confidence} new=${f.isNew}`,
      );

  function change(c: (typeof CASES)[number], head: Files) {
    const repo = scratchRepo(makeTree({}));
    repo.commit({ '.controlgate.yml': onlyRulesConfig([RULE]), ...c.base }, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit(head, 'head');
    return repo;
  }

  it.each(CASES)('$name: its service is judged, new, and the gate fails', async (c) => {
    const repo = change(c, c.raising);
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    expect(judged(pr.report)).toEqual(c.found);
    expect(pr.code).toBe(1);
  });

  it.each(CASES)('$name: the same file edited without naming it passes', async (c) => {
    const repo = change(c, c.keeping);
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    expect(judged(pr.report)).toEqual([]);
    expect(pr.code).toBe(0);
  });
});

/**
 * A `pull_request_target` job that checks out the pull request's code by a ref the runner computes
 * (`format('refs/pull/{0}/merge', ...)`), or through a composite action of the repository that the
 * pull request adds or edits (the head passed as its input, or read from the event inside it), runs
 * that code with the base repository's secrets and a writable token: a new critical finding.
 */
describe('24. a privileged workflow that checks out the head by a computed ref or in a composite action', () => {
  const RULE = 'workflow-dangerous-trigger';
  const ACTION = '.github/actions/build/action.yml';
  const CHECKOUT = 'actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11';
  const workflow = (steps: string[]) =>
    [
      'on: pull_request_target',
      'permissions:',
      '  contents: write',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      `      - uses: ${CHECKOUT}`,
      ...steps,
      '',
    ].join('\n');
  const callsAction = (sha?: string) =>
    workflow([
      '      - uses: ./.github/actions/build',
      ...(sha ? ['        with:', `          sha: ${sha}`] : []),
    ]);
  const action = (ref: string, run = 'npm ci && npm test') =>
    [
      'name: build',
      'inputs:',
      '  sha:',
      '    required: false',
      'runs:',
      '  using: composite',
      '  steps:',
      `    - uses: ${CHECKOUT}`,
      '      with:',
      `        ref: ${ref}`,
      `    - run: ${run}`,
      '      shell: bash',
      '',
    ].join('\n');
  const HEAD = `\${{ github.event.pull_request.head.sha }}`;
  const BASE = `\${{ github.event.pull_request.base.sha }}`;
  const INPUT = `\${{ inputs.sha }}`;
  const CRITICAL = (at: string) => ({ code: 1, findings: [`${at} critical/high new=true`] });
  const TRIGGER = { code: 0, findings: ['.github/workflows/pr.yml:1 medium/high new=true'] };
  it.each([
    [
      'a merge ref built by format()',
      {},
      {
        '.github/workflows/pr.yml': workflow([
          '        with:',
          `          ref: \${{ format('refs/pull/{0}/merge', github.event.pull_request.number) }}`,
          '      - run: npm ci && npm test',
        ]),
      },
      CRITICAL('.github/workflows/pr.yml:10'),
    ],
    [
      'a composite action the change adds, given the head',
      {},
      { '.github/workflows/pr.yml': callsAction(HEAD), [ACTION]: action(INPUT) },
      CRITICAL(`${ACTION}:10`),
    ],
    [
      'a composite action the change adds, reading the head from the event',
      {},
      { '.github/workflows/pr.yml': callsAction(), [ACTION]: action(HEAD) },
      CRITICAL(`${ACTION}:10`),
    ],
    [
      'a composite action the base calls with the head, which the change makes build it',
      { '.github/workflows/pr.yml': callsAction(HEAD), [ACTION]: action(INPUT, 'git log -1') },
      { [ACTION]: action(INPUT) },
      CRITICAL(`${ACTION}:10`),
    ],
    // The control: the same composite action given the base's commit builds the base.
    [
      'a composite action given the base',
      {},
      { '.github/workflows/pr.yml': callsAction(BASE), [ACTION]: action(INPUT) },
      TRIGGER,
    ],
  ])('%s', async (_name, base, head, expected) => {
    const repo = scratchRepo(makeTree({}));
    repo.commit({ '.controlgate.yml': onlyRulesConfig([RULE]), 'README.md': '# app\n', ...base }, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit(head, 'head');
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    expect({
      code: pr.code,
      findings: pr.report.findings
        .filter((f) => f.ruleId === RULE && f.isNew)
        .map(
          (f) => `${f.location?.path}:${f.location?.startLine} ${f.severity}/${f.confidence} new=${f.isNew}`,
        ),
    }).toEqual(expected);
  });
});

describe('25. a Kubernetes Secret written as base64, and a binding re-pointed at other subjects', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  // A GitHub token's shape with a valid checksum over random characters: no credential.
  const random = (n: number) =>
    Array.from(
      { length: n },
      (_, i) => 'ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789'[(i * 37 + 11) % 53],
    ).join('');
  const AKID = `AKIA${'QWERTYUIOPASDFGH'.split('').reverse().join('')}`;
  const ASEC = random(40);
  const KEY = `${IGNORED_KEY.split('\n')
    .filter((l) => /^ {4}[-A-Za-z0-9+/=]/.test(l))
    .map((l) => l.trim())
    .join('\n')}\n`;
  const secret = (field: 'data' | 'stringData', extra = '') => {
    const v = field === 'data' ? b64 : (s: string) => JSON.stringify(s);
    return [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: app',
      'type: Opaque',
      `${field}:`,
      `  AWS_ACCESS_KEY_ID: ${v(AKID)}`,
      `  AWS_SECRET_ACCESS_KEY: ${v(ASEC)}`,
      `  tls.key: ${v(KEY)}`,
      extra,
    ].join('\n');
  };
  const binding = (subjects: string[]) =>
    [
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: ClusterRoleBinding',
      'metadata:',
      '  name: autoscaler-admin',
      'roleRef:',
      '  apiGroup: rbac.authorization.k8s.io',
      '  kind: ClusterRole',
      '  name: cluster-admin',
      'subjects:',
      ...subjects,
      '',
    ].join('\n');
  const SA = ['- kind: ServiceAccount', '  name: cluster-autoscaler', '  namespace: kube-system'];
  const CI = ['- kind: ServiceAccount', '  name: ci', '  namespace: ci'];
  const ANYONE = [
    '- kind: Group',
    '  apiGroup: rbac.authorization.k8s.io',
    '  name: system:unauthenticated',
    '- kind: Group',
    '  apiGroup: rbac.authorization.k8s.io',
    '  name: system:authenticated',
  ];
  const SECRET_RULES = [
    'cloud-key-committed',
    'private-key-committed',
    'api-token-committed',
    'hardcoded-secret',
  ];

  type Files = Record<string, string>;
  function change(rules: string[], base: Files, head: Files) {
    const repo = scratchRepo(makeTree({}));
    repo.commit({ '.controlgate.yml': onlyRulesConfig(rules), 'README.md': '# app\n', ...base }, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit(head, 'head');
    return repo;
  }
  const judged = (report: Report) =>
    report.findings
      .map((f) => `${f.ruleId} ${f.location?.path}:${f.location?.startLine} ${f.severity} new=${f.isNew}`)
      .sort();

  const CASES: { name: string; rules: string[]; base: Files; head: Files; code: number; found: string[] }[] =
    [
      {
        name: 'a Secret whose data holds an AWS key pair and a private key, as base64',
        rules: SECRET_RULES,
        base: {},
        head: { 'deploy/secret.yaml': secret('data') },
        code: 1,
        found: [
          'cloud-key-committed deploy/secret.yaml:7 critical new=true',
          'cloud-key-committed deploy/secret.yaml:8 critical new=true',
          'private-key-committed deploy/secret.yaml:9 critical new=true',
        ],
      },
      {
        name: 'the same values moved from stringData to data (the same secrets: existing)',
        rules: SECRET_RULES,
        base: { 'deploy/secret.yaml': secret('stringData') },
        head: { 'deploy/secret.yaml': secret('data') },
        code: 0,
        found: [],
      },
      {
        name: 'a Secret whose data holds placeholders only (the control)',
        rules: SECRET_RULES,
        base: {},
        head: {
          'deploy/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  password: ${b64('changeme')}\n  api_key: ${b64('<your-api-key>')}\n`,
        },
        code: 0,
        found: [],
      },
      {
        name: 'an accepted cluster-admin binding re-pointed at system:unauthenticated and system:authenticated',
        rules: ['k8s-cluster-admin-binding'],
        base: { 'deploy/rbac.yaml': binding(SA) },
        head: { 'deploy/rbac.yaml': binding(ANYONE) },
        code: 1,
        found: ['k8s-cluster-admin-binding deploy/rbac.yaml:8 critical new=true'],
      },
      {
        name: 'an accepted cluster-admin binding given a second service account',
        rules: ['k8s-cluster-admin-binding'],
        base: { 'deploy/rbac.yaml': binding(SA) },
        head: { 'deploy/rbac.yaml': binding([...SA, ...CI]) },
        code: 1,
        found: ['k8s-cluster-admin-binding deploy/rbac.yaml:8 high new=true'],
      },
      {
        name: 'an accepted cluster-admin binding with its subjects reordered (the control)',
        rules: ['k8s-cluster-admin-binding'],
        base: { 'deploy/rbac.yaml': binding([...SA, ...CI]) },
        head: { 'deploy/rbac.yaml': `# reviewed\n${binding([...CI, ...SA])}` },
        code: 0,
        found: [],
      },
    ];

  it.each(CASES)('$name', async (c) => {
    const repo = change(c.rules, c.base, c.head);
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--fail-on', 'high', '--format', 'json');
    expect(judged(pr.report).filter((f) => f.includes('new=true'))).toEqual(c.found);
    expect(pr.code).toBe(c.code);
  });
});

/**
 * A change that hides what it opens or commits from the reader: two bytes of a UTF-16 byte-order
 * mark before a plain .env file (every line then read as CJK), a PEM key with CR-only line endings,
 * SSH opened to the world through a `dynamic` block or a `count` over a variable, the world written
 * as two halves. Each is a new blocking finding, as the plain form (the control) is.
 */
describe('26. a credential or an open port written so the reader misreads it', () => {
  const token = `ghp_${'x8fK2mQ9L4vT7pZ1rW3yN6bC0dH5jS'}3HLYRi`;
  const rsa = () => {
    const body = syntheticKey('rsa', (n) => Buffer.alloc(n, 0x5a)).match(/.{1,64}/g)!;
    return ['-----BEGIN RSA PRIVATE KEY-----', ...body, '-----END RSA PRIVATE KEY-----', ''].join('\n');
  };
  const env = `# app settings\nGITHUB_TOKEN=${token}\nLOG_LEVEL=debug\n`;
  const sg = (inner: string) => `resource "aws_security_group" "bastion" {\n  name = "bastion"\n${inner}}\n`;
  const ingress = (port: string, cidrs: string) =>
    `    from_port   = ${port}\n    to_port     = ${port}\n    protocol    = "tcp"\n    cidr_blocks = [${cidrs}]\n`;
  it.each([
    [
      'a plain .env file (control)',
      'api-token-committed',
      'config/app.env',
      Buffer.from(env),
      ['config/app.env:2 high'],
    ],
    [
      'a .env file after the bytes FF FE',
      'api-token-committed',
      'config/app.env',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(env)]),
      ['config/app.env:2 high'],
    ],
    [
      'a .env file after the bytes FE FF',
      'api-token-committed',
      'config/app.env',
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(env)]),
      ['config/app.env:2 high'],
    ],
    [
      'a PEM key with LF line endings (control)',
      'private-key-committed',
      'config/tls.pem',
      Buffer.from(rsa()),
      ['config/tls.pem:1 critical'],
    ],
    [
      'a PEM key with CR-only line endings',
      'private-key-committed',
      'config/tls.pem',
      Buffer.from(rsa().replace(/\n/g, '\r')),
      ['config/tls.pem:1 critical'],
    ],
    [
      'SSH in a plain ingress block (control)',
      'terraform-admin-ports-public',
      'infra/network.tf',
      Buffer.from(sg(`  ingress {\n${ingress('22', '"0.0.0.0/0"')}  }\n`)),
      ['infra/network.tf:7 high'],
    ],
    [
      'SSH and RDP in a dynamic block over a literal list',
      'terraform-admin-ports-public',
      'infra/network.tf',
      Buffer.from(
        sg(
          `  dynamic "ingress" {\n    for_each = [22, 3389]\n    content {\n${ingress('ingress.value', '"0.0.0.0/0"')}    }\n  }\n`,
        ),
      ),
      ['infra/network.tf:9 high', 'infra/network.tf:9 high'],
    ],
    [
      'SSH by count over a variable default',
      'terraform-admin-ports-public',
      'infra/network.tf',
      Buffer.from(
        'variable "ports" {\n  default = [22]\n}\nresource "aws_security_group_rule" "admin" {\n  count             = length(var.ports)\n  type              = "ingress"\n  from_port         = var.ports[count.index]\n  to_port           = var.ports[count.index]\n  protocol          = "tcp"\n  cidr_blocks       = ["0.0.0.0/0"]\n  security_group_id = "sg-123"\n}\n',
      ),
      ['infra/network.tf:10 high'],
    ],
    [
      'SSH open to the world written as two /1 halves',
      'terraform-admin-ports-public',
      'infra/network.tf',
      Buffer.from(sg(`  ingress {\n${ingress('22', '"0.0.0.0/1", "128.0.0.0/1"')}  }\n`)),
      ['infra/network.tf:7 high', 'infra/network.tf:7 high'],
    ],
  ])('%s: a new blocking finding, and the gate fails', async (_name, rule, file, content, expected) => {
    const repo = scratchRepo(makeTree({}));
    repo.commit({ '.controlgate.yml': onlyRulesConfig([rule]), 'README.md': '# app\n' }, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit({ [file]: content }, 'head');
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    expect(
      pr.report.findings
        .filter((f) => f.ruleId === rule && f.isNew)
        .map((f) => `${f.location?.path}:${f.location?.startLine} ${f.severity}`),
    ).toEqual(expected);
    expect(pr.code).toBe(1);
  });

  it('does not block SSH in a dynamic block from a known network, nor two blocks that leave a gap', async () => {
    const rule = 'terraform-admin-ports-public';
    const repo = scratchRepo(makeTree({}));
    repo.commit({ '.controlgate.yml': onlyRulesConfig([rule]), 'README.md': '# app\n' }, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit(
      {
        'infra/network.tf': sg(
          `  dynamic "ingress" {\n    for_each = [22, 3389]\n    content {\n${ingress('ingress.value', '"203.0.113.0/24"')}    }\n  }\n  ingress {\n${ingress('22', '"0.0.0.0/2", "128.0.0.0/2"')}  }\n`,
        ),
      },
      'head',
    );
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    expect(pr.report.findings.filter((f) => f.ruleId === rule)).toEqual([]);
    expect(pr.code).toBe(0);
  });
});

describe('27. a symbolic link to a directory that a deployed path now reaches', () => {
  const rule = 'k8s-privileged-container';
  const pod = (name: string, privileged: boolean) =>
    [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      `  name: ${name}`,
      'spec:',
      '  containers:',
      '    - name: c',
      `      image: busybox@sha256:${'6'.repeat(64)}`,
      ...(privileged ? ['      securityContext:', '        privileged: true'] : []),
      '',
    ].join('\n');
  const deployWorkflow = [
    'name: deploy',
    'on:',
    '  push:',
    '    branches: [main]',
    'permissions:',
    '  contents: read',
    'jobs:',
    '  deploy:',
    '    runs-on: ubuntu-latest',
    '    environment: production',
    '    steps:',
    `      - uses: actions/checkout@${'4'.repeat(40)} # v4`,
    '        with: {persist-credentials: false}',
    '      - run: kubectl apply -R -f deploy/',
    '',
  ].join('\n');
  const judged = (report: Report) =>
    report.findings
      .filter((f) => f.ruleId === rule)
      .map(
        (f) =>
          `${f.location?.path}:${f.location?.startLine} ${f.severity}/${f.confidence} new=${f.isNew}` +
          (f.raisedFrom ? ` from ${f.raisedFrom.severity}/${f.raisedFrom.confidence}` : ''),
      );
  /** A repository whose workflow deploys `deploy/`, an example's privileged Pod, and links made by `links`. */
  async function judge(
    base: Record<string, string>,
    baseLinks: [string, string][],
    head: (dir: string) => void,
  ): Promise<{ code: number; findings: string[] }> {
    const repo = scratchRepo(makeTree({}));
    for (const [link, target] of baseLinks) {
      mkdirSync(path.dirname(path.join(repo.dir, link)), { recursive: true });
      symlinkSync(target, path.join(repo.dir, link));
    }
    repo.commit(
      {
        '.controlgate.yml': onlyRulesConfig([rule]),
        '.github/workflows/deploy.yml': deployWorkflow,
        'examples/debug-pod.yaml': pod('debug', true),
        ...base,
      },
      'base',
    );
    repo.git('checkout', '-q', '-b', 'feature');
    head(repo.dir);
    repo.commit({}, 'head');
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--persona', 'auditor', '--format', 'json');
    return { code: pr.code, findings: judged(pr.report) };
  }
  const raised = ['examples/debug-pod.yaml:10 high/high new=true from high/low'];

  it('a link added under the deployed folder deploys the example: new at high confidence, the gate fails', async () => {
    const r = await judge({ 'deploy/web.yaml': pod('web', false) }, [], (dir) =>
      symlinkSync('../examples', path.join(dir, 'deploy/debug')),
    );
    expect(r).toEqual({ code: 1, findings: raised });
  });

  it('the deployed folder, itself a link, retargeted to the examples: new at high confidence, the gate fails', async () => {
    const r = await judge({ 'k8s/web.yaml': pod('web', false) }, [['deploy', 'k8s']], (dir) => {
      rmSync(path.join(dir, 'deploy'));
      symlinkSync('examples', path.join(dir, 'deploy'));
    });
    expect(r).toEqual({ code: 1, findings: raised });
  });

  it('a link to the examples that nothing deploys leaves them existing test material', async () => {
    const r = await judge({ 'deploy/web.yaml': pod('web', false) }, [], (dir) => {
      mkdirSync(path.join(dir, 'docs'));
      symlinkSync('../examples', path.join(dir, 'docs/samples'));
    });
    expect(r).toEqual({ code: 0, findings: ['examples/debug-pod.yaml:10 high/low new=false'] });
  });
});

/**
 * A change that edits only how kustomize builds a workload: an inline JSON 6902 patch written in a
 * kustomization, or a strategic-merge patch file, that makes the base Deployment privileged, shares
 * the node's network or deletes its runAsNonRoot. The base manifest is untouched and hardened; the
 * workload kustomize builds is not, and the finding is new, located at the patch line that
 * introduced it (or at the base's line for what the patch deletes).
 */
describe('28. a kustomize patch that weakens the workload its base hardens', () => {
  const rules = ['k8s-privileged-container', 'k8s-host-namespaces', 'k8s-run-as-root'];
  const DEPLOYMENT = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    'spec:',
    '  selector: {matchLabels: {app: web}}',
    '  template:',
    '    metadata: {labels: {app: web}}',
    '    spec:',
    '      securityContext:',
    '        runAsNonRoot: true',
    '      containers:',
    '        - name: app',
    `          image: nginx@sha256:${'7'.repeat(64)}`,
    '',
  ].join('\n');
  const inline = (ops: string[]) =>
    [
      'resources:',
      '  - ../../base',
      'namePrefix: prod-',
      'patches:',
      '  - target:',
      '      kind: Deployment',
      '      name: web',
      '    patch: |-',
      ...ops.map((l) => `      ${l}`),
      '',
    ].join('\n');
  const PRIVILEGED = [
    '- op: add',
    '  path: /spec/template/spec/containers/0/securityContext',
    '  value:',
    '    privileged: true',
  ];
  const IMAGE = ['- op: replace', '  path: /spec/template/spec/containers/0/image', '  value: nginx:1.27.1'];
  const REPLICAS = ['- op: add', '  path: /spec/replicas', '  value: 3'];
  const smp = (spec: string[]) =>
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      'spec:',
      '  template:',
      '    spec:',
      ...spec.map((l) => `      ${l}`),
      '',
    ].join('\n');
  const OVERLAY = 'resources:\n  - ../../base\npatches:\n  - path: pod.yaml\n';
  const base = (overlay: Record<string, string>) => ({
    '.controlgate.yml': onlyRulesConfig(rules),
    'base/deployment.yaml': DEPLOYMENT,
    'base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
    ...overlay,
  });
  type Files = Record<string, string>;
  const CASES: { name: string; base: Files; head: Files; code: number; found: string[] }[] = [
    {
      name: 'an inline JSON 6902 patch added to the overlay makes the container privileged',
      base: base({ 'overlays/prod/kustomization.yaml': 'resources:\n  - ../../base\nnamePrefix: prod-\n' }),
      head: { 'overlays/prod/kustomization.yaml': inline(PRIVILEGED) },
      code: 1,
      found: ['k8s-privileged-container overlays/prod/kustomization.yaml:12 high new=true'],
    },
    {
      name: "the overlay's inline patch of the image turned into one that makes it privileged",
      base: base({ 'overlays/prod/kustomization.yaml': inline(IMAGE) }),
      head: { 'overlays/prod/kustomization.yaml': inline(PRIVILEGED) },
      code: 1,
      found: ['k8s-privileged-container overlays/prod/kustomization.yaml:12 high new=true'],
    },
    {
      name: 'the strategic-merge patch file, the only file changed, shares the host network',
      base: base({
        'overlays/prod/kustomization.yaml': OVERLAY,
        'overlays/prod/pod.yaml': smp(['terminationGracePeriodSeconds: 10']),
      }),
      head: { 'overlays/prod/pod.yaml': smp(['terminationGracePeriodSeconds: 10', 'hostNetwork: true']) },
      code: 1,
      found: ['k8s-host-namespaces overlays/prod/pod.yaml:9 high new=true'],
    },
    {
      name: "the strategic-merge patch file deletes the base's runAsNonRoot: new at the base's line",
      base: base({
        'overlays/prod/kustomization.yaml': OVERLAY,
        'overlays/prod/pod.yaml': smp(['terminationGracePeriodSeconds: 10']),
      }),
      head: { 'overlays/prod/pod.yaml': smp(['securityContext:', '  runAsNonRoot: null']) },
      code: 1,
      found: ['k8s-run-as-root base/deployment.yaml:13 medium new=true'],
    },
    {
      name: 'the control: an inline patch of the image only',
      base: base({ 'overlays/prod/kustomization.yaml': 'resources:\n  - ../../base\nnamePrefix: prod-\n' }),
      head: { 'overlays/prod/kustomization.yaml': inline(IMAGE) },
      code: 0,
      found: [],
    },
  ];

  const judged = (report: Report) =>
    report.findings
      .map((f) => `${f.ruleId} ${f.location?.path}:${f.location?.startLine} ${f.severity} new=${f.isNew}`)
      .sort();

  async function judge(baseFiles: Files, head: Files) {
    const repo = scratchRepo(makeTree({}));
    repo.commit(baseFiles, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit(head, 'head');
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--fail-on', 'medium', '--format', 'json');
    return {
      code: pr.code,
      found: judged(pr.report).filter((f) => f.includes('new=true')),
      all: judged(pr.report),
    };
  }

  it.each(CASES)('$name', async (c) => {
    const r = await judge(c.base, c.head);
    expect(r.found).toEqual(c.found);
    expect(r.code).toBe(c.code);
  });

  it('a base already privileged, given an overlay that patches its replicas: one finding, at the base, existing', async () => {
    const privileged = DEPLOYMENT.replace(
      '          image:',
      '          securityContext: {privileged: true}\n          image:',
    );
    const r = await judge(
      { ...base({}), 'base/deployment.yaml': privileged },
      { 'overlays/prod/kustomization.yaml': inline(REPLICAS) },
    );
    expect(r.all).toEqual(['k8s-privileged-container base/deployment.yaml:14 high new=false']);
    expect(r.code).toBe(0);
  });
});

describe("29. a privileged workflow that applies the pull request's diff to the base's tree", () => {
  const RULE = 'workflow-dangerous-trigger';
  const workflow = (run: string) =>
    [
      'name: pr',
      'on: pull_request_target',
      'permissions:',
      '  contents: write',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      `      - uses: actions/checkout@${'4'.repeat(40)} # v4`,
      `      - run: ${run}`,
      '        env:',
      `          GH_TOKEN: \${{ github.token }}`,
      `          PR: \${{ github.event.pull_request.number }}`,
      '      - run: npm ci && npm test',
      '',
    ].join('\n');
  async function judge(run: string) {
    const repo = scratchRepo(makeTree({}));
    repo.commit({ '.controlgate.yml': onlyRulesConfig([RULE]), 'README.md': '# app\n' }, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit({ '.github/workflows/pr.yml': workflow(run) }, 'head');
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    return {
      code: pr.code,
      findings: pr.report.findings
        .filter((f) => f.ruleId === RULE)
        .map((f) => `${f.location?.path}:${f.location?.startLine} ${f.severity} new=${f.isNew}`),
    };
  }
  it.each([
    ['gh pr diff piped into git apply', 'gh pr diff "$PR" | git apply'],
    [
      'the .diff URL downloaded by curl',
      `curl -sSL "https://github.com/\${{ github.repository }}/pull/$PR.diff" | git apply --index`,
    ],
    [
      "the event's patch_url, applied by git am",
      `curl -sSL "\${{ github.event.pull_request.patch_url }}" | git am`,
    ],
    [
      "the event's diff_url, saved and applied by patch",
      `wget -qO pr.diff "\${{ github.event.pull_request.diff_url }}" && patch -p1 < pr.diff`,
    ],
  ])('%s, then a build: a new critical finding, and the gate fails', async (_name, run) => {
    expect(await judge(run)).toEqual({
      code: 1,
      findings: ['.github/workflows/pr.yml:10 critical new=true'],
    });
  });
  it.each([
    ['only the names of the changed files', 'gh pr diff "$PR" --name-only > files.txt'],
    ['the diff saved, never applied', 'gh pr diff "$PR" > pr.diff && grep -c "^+" pr.diff'],
  ])('%s, then a build: no critical finding, the gate passes', async (_name, run) => {
    const r = await judge(run);
    expect(r.code).toBe(0);
    expect(r.findings.filter((f) => f.includes('critical'))).toEqual([]);
  });
});

/**
 * A Secret whose `kind` is written so that only a YAML reader sees the name: an anchor or a tag before
 * it, the value on the next line, an escape in a quoted name. kubectl applies each as a Secret; its
 * base64 values are decoded and judged as those of `kind: Secret` are.
 */
describe('30. a Kubernetes Secret whose kind is spelled another way', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const AKID = `AKIA${'QWERTYUIOPASDFGH'.split('').reverse().join('')}`;
  const KEY = `${IGNORED_KEY.split('\n')
    .filter((l) => /^ {4}[-A-Za-z0-9+/=]/.test(l))
    .map((l) => l.trim())
    .join('\n')}\n`;
  const manifest = (kind: string) =>
    [
      'apiVersion: v1',
      kind,
      'metadata:',
      '  name: app',
      'data:',
      `  AWS_ACCESS_KEY_ID: ${b64(AKID)}`,
      `  tls.key: ${b64(KEY)}`,
      '',
    ].join('\n');
  const RULES = ['cloud-key-committed', 'private-key-committed'];
  async function judge(kind: string) {
    const repo = scratchRepo(makeTree({}));
    repo.commit({ '.controlgate.yml': onlyRulesConfig(RULES), 'README.md': '# app\n' }, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit({ 'deploy/secret.yaml': manifest(kind) }, 'head');
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--fail-on', 'high', '--format', 'json');
    return {
      code: pr.code,
      found: pr.report.findings
        .map((f) => `${f.ruleId} ${f.location?.path}:${f.location?.startLine} ${f.severity} new=${f.isNew}`)
        .sort(),
    };
  }
  const found = (at: number) => [
    `cloud-key-committed deploy/secret.yaml:${at} critical new=true`,
    `private-key-committed deploy/secret.yaml:${at + 1} critical new=true`,
  ];
  it.each([
    ['kind: Secret (the control)', 'kind: Secret', 6],
    ['an anchor before the name', 'kind: &k Secret', 6],
    ['a tag before the name', 'kind: !!str Secret', 6],
    ['the name on the next line', 'kind:\n  Secret', 7],
    ['an escape in a quoted name', 'kind: "Secr\\x65t"', 6],
  ])('%s: its base64 values are judged, and the gate fails', async (_name, kind, at) => {
    expect(await judge(kind)).toEqual({ code: 1, found: found(at) });
  });
  it('a ConfigMap written with an anchor holds no Secret data: its values are not decoded as one', async () => {
    // The access key id, base64 in a ConfigMap, is no Secret value; a private key written as base64 of
    // its PEM text is found in any file (red-team 9), whatever holds it.
    expect(await judge('kind: &k ConfigMap')).toEqual({
      code: 1,
      found: ['private-key-committed deploy/secret.yaml:7 critical new=true'],
    });
  });
});

describe('31. a privileged checkout of a pull ref written partly in literal expressions', () => {
  const RULE = 'workflow-dangerous-trigger';
  const workflow = (ref: string) =>
    [
      'name: pr',
      'on: pull_request_target',
      'permissions:',
      '  contents: write',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      `      - uses: actions/checkout@${'4'.repeat(40)} # v4`,
      '        with:',
      `          ref: ${ref}`,
      '      - run: npm ci && npm test',
      '',
    ].join('\n');
  it.each([
    [
      `refs/\${{ 'pull' }}/\${{ github.event.number }}/merge`,
      1,
      ['.github/workflows/pr.yml:11 critical new=true'],
    ],
    [
      `\${{ 'refs/pull' }}/\${{ github.event.pull_request.number }}/head`,
      1,
      ['.github/workflows/pr.yml:11 critical new=true'],
    ],
    [`refs/\${{ 'heads' }}/main (the control)`, 0, []],
  ])('ref: %s', async (ref, code, critical) => {
    const repo = scratchRepo(makeTree({}));
    repo.commit({ '.controlgate.yml': onlyRulesConfig([RULE]), 'README.md': '# app\n' }, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit({ '.github/workflows/pr.yml': workflow(ref.replace(/ \(the control\)$/, '')) }, 'head');
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    expect(
      pr.report.findings
        .filter((f) => f.ruleId === RULE && f.severity === 'critical')
        .map((f) => `${f.location?.path}:${f.location?.startLine} ${f.severity} new=${f.isNew}`),
    ).toEqual(critical);
    expect(pr.code).toBe(code);
  });
});

/**
 * A module of the repository whose security group takes its source and port from variables without
 * defaults: the change only writes the arguments of a call of it. What the module opens is what the
 * call gives it.
 */
describe('32. SSH opened through the arguments of a call of a local module', () => {
  const RULE = 'terraform-admin-ports-public';
  const MODULE = [
    'variable "cidr" {}',
    'variable "port" {}',
    'resource "aws_security_group" "this" {',
    '  name = "admin"',
    '  ingress {',
    '    from_port   = var.port',
    '    to_port     = var.port',
    '    protocol    = "tcp"',
    '    cidr_blocks = [var.cidr]',
    '  }',
    '}',
    '',
  ].join('\n');
  const call = (source: string, cidr: string) =>
    `module "bastion_sg" {\n  source = "${source}"\n  cidr   = "${cidr}"\n  port   = 22\n}\n`;
  it.each([
    [
      'the root module gives 0.0.0.0/0',
      { 'main.tf': call('./modules/sg', '0.0.0.0/0') },
      1,
      [
        'modules/sg/main.tf:9 high new=true: aws_security_group "this" allows ingress from 0.0.0.0/0 to port 22 (SSH): administrative and database services should only be reachable from known networks. (with the inputs module "bastion_sg" in main.tf gives the module.)',
      ],
    ],
    [
      'the root module gives a private range (the control)',
      { 'main.tf': call('./modules/sg', '10.0.0.0/8') },
      0,
      [],
    ],
    [
      'an example gives 0.0.0.0/0 (the control)',
      { 'examples/open/main.tf': call('../../modules/sg', '0.0.0.0/0') },
      0,
      [],
    ],
  ])('%s', async (_name, head, code, found) => {
    const repo = scratchRepo(makeTree({}));
    repo.commit({ '.controlgate.yml': onlyRulesConfig([RULE]), 'modules/sg/main.tf': MODULE }, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit(head, 'head');
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    expect(
      pr.report.findings
        .filter((f) => f.ruleId === RULE)
        .map(
          (f) => `${f.location?.path}:${f.location?.startLine} ${f.severity} new=${f.isNew}: ${f.message}`,
        ),
    ).toEqual(found);
    expect(pr.code).toBe(code);
  });
});

/**
 * A manifest or a Terraform file padded past the size a file is read up to (1 MiB): kubectl and
 * Terraform read it as usual. What the rules judge in it is judged; what cannot be judged blocks.
 */
describe('33. a privileged Pod or an open port in a file padded past the size read', () => {
  const pad = (prefix: string) =>
    Array.from({ length: 30_000 }, (_, i) => `${prefix}padding line ${i} ${'.'.repeat(30)}`).join('\n');
  const POD = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: debug',
    'spec:',
    '  containers:',
    '    - name: c',
    `      image: busybox@sha256:${'6'.repeat(64)}`,
    '      securityContext:',
    '        privileged: true',
  ].join('\n');
  const CONFIGMAP = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pad\ndata:\n  blob: |\n${pad('    ')}\n`;
  const SG = [
    'resource "aws_security_group" "bastion" {',
    '  ingress {',
    '    from_port   = 22',
    '    to_port     = 22',
    '    protocol    = "tcp"',
    '    cidr_blocks = ["0.0.0.0/0"]',
    '  }',
    '}',
  ].join('\n');
  const RULES = ['k8s-privileged-container', 'terraform-admin-ports-public', 'unparsable-file'];
  it.each([
    [
      'a Pod after a large ConfigMap in the same stream',
      { 'deploy/debug.yaml': `${CONFIGMAP}---\n${POD}\n` },
      1,
      ['k8s-privileged-container deploy/debug.yaml:30017 high new=true'],
    ],
    [
      'a Pod padded with comments in its own document',
      { 'deploy/debug.yaml': `${POD}\n${pad('# ')}\n` },
      1,
      ['unparsable-file deploy/debug.yaml:1 high new=true'],
    ],
    ['a large ConfigMap alone (the control)', { 'deploy/big.yaml': CONFIGMAP }, 0, []],
    [
      'SSH open to the world before padding comments',
      { 'main.tf': `${SG}\n${pad('# ')}\n` },
      1,
      ['terraform-admin-ports-public main.tf:6 high new=true'],
    ],
  ])('%s', async (_name, head, code, found) => {
    const repo = scratchRepo(makeTree({}));
    repo.commit({ '.controlgate.yml': onlyRulesConfig(RULES), 'README.md': '# app\n' }, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit(head, 'head');
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    expect(
      pr.report.findings.map(
        (f) => `${f.ruleId} ${f.location?.path}:${f.location?.startLine} ${f.severity} new=${f.isNew}`,
      ),
    ).toEqual(found);
    expect(pr.code).toBe(code);
  });
});

describe('34. a private key after 65 MiB of padding in a text file', () => {
  it('is read (every file GitHub takes is read whole): a new critical finding, and the gate fails', async () => {
    const repo = scratchRepo(makeTree({}));
    repo.commit(
      { '.controlgate.yml': onlyRulesConfig(['private-key-committed']), 'README.md': '# app\n' },
      'base',
    );
    repo.git('checkout', '-q', '-b', 'feature');
    const padding = Buffer.alloc(65 * 1024 * 1024, 'padding line ..........................\n');
    writeFileSync(
      path.join(repo.dir, 'notes.txt'),
      Buffer.concat([padding, Buffer.from(`${pem('RSA PRIVATE KEY', keyBody('rsa'))}\n`)]),
    );
    repo.commit({}, 'head');
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    expect(
      pr.report.findings.map((f) => `${f.ruleId} ${f.location?.path} ${f.severity} new=${f.isNew}`),
    ).toEqual(['private-key-committed notes.txt critical new=true']);
    expect(pr.code).toBe(1);
  });
});

/**
 * A chart template is judged by what every render of it writes: a change that writes a privileged
 * container into a template, beside its template actions, is a new finding that fails the gate; one
 * that lets the chart's values decide it is not.
 */
describe('35. a Helm chart template the change edits', () => {
  const chart = 'apiVersion: v2\nname: web\nversion: 0.1.0\n';
  const template = (security: string) =>
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: {{ include "web.fullname" . }}',
      'spec:',
      '  selector:',
      '    matchLabels:',
      '      {{- include "web.selectorLabels" . | nindent 6 }}',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: web',
      '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"',
      '          securityContext:',
      `            ${security}`,
      '',
    ].join('\n');
  const run = async (security: string) => {
    const repo = scratchRepo(makeTree({}));
    repo.commit(
      {
        '.controlgate.yml': onlyRulesConfig(['k8s-privileged-container']),
        'charts/web/Chart.yaml': chart,
        'charts/web/templates/deployment.yaml': template('runAsNonRoot: true'),
      },
      'base',
    );
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit({ 'charts/web/templates/deployment.yaml': template(security) }, 'head');
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--fail-on', 'high', '--format', 'json');
    const found = pr.report.findings.map(
      (f) => `${f.ruleId} ${f.location?.path}:${f.location?.startLine} ${f.severity} new=${f.isNew}`,
    );
    return { code: pr.code, found };
  };

  it('a literal privileged: true is new and fails the gate', async () => {
    expect(await run('privileged: true')).toEqual({
      code: 1,
      found: ['k8s-privileged-container charts/web/templates/deployment.yaml:15 high new=true'],
    });
  });

  it("privileged set from the chart's values is no finding the report shows", async () => {
    expect(await run('privileged: {{ .Values.privileged }}')).toEqual({ code: 0, found: [] });
  });
});

/**
 * A private key written as base64 of its PEM text (a CI variable, a chart value) and a privileged
 * container in a workload kind outside the built-in list (a Tekton Task, a JobSet) passed the gate
 * with no finding: neither was read.
 */
describe('36. a key written as base64, and a privileged container in another workload kind', () => {
  const RULES = ['private-key-committed', 'k8s-privileged-container', 'k8s-host-namespaces'];
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const key = `${pem('PRIVATE KEY', keyBody('pkcs8'))}\n`;
  const judge = async (head: Record<string, string>) => {
    const repo = scratchRepo(makeTree({}));
    repo.commit({ '.controlgate.yml': onlyRulesConfig(RULES), 'README.md': '# app\n' }, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit(head, 'head');
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    return {
      code: pr.code,
      findings: pr.report.findings
        .map(
          (f) =>
            `${f.location?.path}:${f.location?.startLine} ${f.ruleId} ${f.severity}/${f.confidence} new=${f.isNew}`,
        )
        .sort(),
    };
  };

  it.each([
    [
      'a CI variable',
      '.gitlab-ci.yml',
      `variables:\n  SIGNING_KEY: ${b64(key)}\nbuild:\n  script: [make]\n`,
      2,
    ],
    [
      'a block scalar of chart values',
      'deploy/values.yaml',
      `tls:\n  key: |\n    ${b64(key)
        .match(/.{1,76}/g)
        ?.join('\n    ')}\n`,
      3,
    ],
  ])('a key in %s is new and blocks', async (_what, file, text, line) => {
    expect(await judge({ [file]: text })).toEqual({
      code: 1,
      findings: [`${file}:${line} private-key-committed critical/high new=true`],
    });
  });

  it('a privileged step of a Tekton Task and a JobSet sharing the host PID namespace are new and block', async () => {
    const task = [
      'apiVersion: tekton.dev/v1',
      'kind: Task',
      'metadata: {name: build}',
      'spec:',
      '  steps:',
      '    - name: build',
      '      image: alpine:3.19',
      '      securityContext: {privileged: true}',
      '',
    ].join('\n');
    const jobset = [
      'apiVersion: jobset.x-k8s.io/v1alpha2',
      'kind: JobSet',
      'metadata: {name: js}',
      'spec:',
      '  replicatedJobs:',
      '    - name: w',
      '      template:',
      '        spec:',
      '          template:',
      '            spec:',
      '              hostPID: true',
      '              containers: [{name: w, image: busybox:1.36}]',
      '',
    ].join('\n');
    expect(await judge({ 'ci/task.yaml': task, 'deploy/jobset.yaml': jobset })).toEqual({
      code: 1,
      findings: [
        'ci/task.yaml:8 k8s-privileged-container high/high new=true',
        'deploy/jobset.yaml:11 k8s-host-namespaces high/high new=true',
      ],
    });
  });
});

/**
 * A Helm chart template passed the gate with a literal privileged container when its apiVersion was
 * written by a helper (the capabilities helpers of common charts), when an if/else wrote the same key
 * in both branches (the template's text then repeats a key and was left out whole), when the setting
 * sat under a condition that holds for any values (`if true`, `with .`), or when a template comment
 * followed the value.
 */
describe('37. a Helm chart template that reads as left out or conditional, though every render writes it', () => {
  const pod = (spec: string, apiVersion = 'apps/v1') =>
    [
      `apiVersion: ${apiVersion}`,
      'kind: Deployment',
      'metadata:',
      '  name: {{ .Release.Name }}-agent',
      'spec:',
      '  selector:',
      '    matchLabels: {app: agent}',
      '  template:',
      '    spec:',
      spec,
      '      containers:',
      '        - name: agent',
      '          image: busybox:1.36',
      '',
    ].join('\n');
  const judge = async (
    template: string,
    file = 'chart/templates/agent.yaml',
    more: Record<string, string> = {},
  ) => {
    const repo = scratchRepo(makeTree({}));
    repo.commit(
      {
        '.controlgate.yml': onlyRulesConfig(['k8s-host-namespaces']),
        'chart/Chart.yaml': 'apiVersion: v2\nname: agent\nversion: 0.1.0\n',
        'chart/values.yaml': 'dns: false\n',
      },
      'base',
    );
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit({ [file]: template, ...more }, 'head');
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    return {
      code: pr.code,
      findings: pr.report.findings.map(
        (f) =>
          `${f.location?.path}:${f.location?.startLine} ${f.ruleId} ${f.severity}/${f.confidence} new=${f.isNew}`,
      ),
    };
  };
  it.each<[what: string, template: string, line: number]>([
    [
      'an apiVersion written by a helper',
      pod('      hostPID: true', '{{ include "common.capabilities.deployment.apiVersion" . }}'),
      10,
    ],
    [
      'an if/else writing dnsPolicy in both branches',
      pod(
        '      {{- if .Values.dns }}\n      dnsPolicy: ClusterFirstWithHostNet\n      {{- else }}\n      dnsPolicy: ClusterFirst\n      {{- end }}\n      hostPID: true',
      ),
      15,
    ],
    [
      'a condition that holds for any values',
      pod('      {{- if or true .Values.debug }}\n      hostPID: true\n      {{- end }}'),
      11,
    ],
    ['a template comment after the value', pod('      hostPID: true {{- /* for the profiler */}}'), 10],
    ['a key written twice (helm keeps the last)', pod('      hostPID: false\n      hostPID: true'), 11],
  ])('%s: blocking', async (_case, template, line) => {
    expect(await judge(template)).toEqual({
      code: 1,
      findings: [`chart/templates/agent.yaml:${line} k8s-host-namespaces high/high new=true`],
    });
  });

  it("a setting written by a named template of the chart's helpers, included by name: blocking", async () => {
    const helpers = '{{- define "agent.host" -}}\nhostPID: true\n{{- end }}\n';
    expect(
      await judge(pod('      {{- include "agent.host" . | nindent 6 }}'), 'chart/templates/agent.yaml', {
        'chart/templates/_helpers.tpl': helpers,
      }),
    ).toEqual({
      code: 1,
      findings: ['chart/templates/agent.yaml:10 k8s-host-namespaces high/high new=true'],
    });
  });

  it('a template whose name is not a YAML one (helm renders every file of templates/ but partials): blocking', async () => {
    expect(await judge(pod('      hostPID: true'), 'chart/templates/agent.tpl')).toEqual({
      code: 1,
      findings: ['chart/templates/agent.tpl:10 k8s-host-namespaces high/high new=true'],
    });
  });
});

/**
 * SSH opened to the world through two module calls: the root gives `0.0.0.0/0` to a wrapper module,
 * which passes its input on to the module that writes the security group. Only the first call's
 * arguments were followed, so the inner module's `var.cidr` stayed unknown and the gate passed.
 */
describe('38. SSH opened through a module that passes its input on to another module', () => {
  const RULE = 'terraform-admin-ports-public';
  const INNER = [
    'variable "cidr" {}',
    'variable "port" {}',
    'resource "aws_security_group" "this" {',
    '  name = "admin"',
    '  ingress {',
    '    from_port   = var.port',
    '    to_port     = var.port',
    '    protocol    = "tcp"',
    '    cidr_blocks = [var.cidr]',
    '  }',
    '}',
    '',
  ].join('\n');
  const WRAP =
    'variable "admin_cidr" {}\nmodule "inner" {\n  source = "../inner"\n  cidr   = var.admin_cidr\n  port   = 22\n}\n';
  it.each([
    ['the root gives 0.0.0.0/0 to the wrapper', '0.0.0.0/0', 1, ['modules/inner/main.tf:9 high new=true']],
    ['the root gives a private range (the control)', '10.0.0.0/8', 0, []],
  ])('%s', async (_name, cidr, code, found) => {
    const repo = scratchRepo(makeTree({}));
    repo.commit(
      {
        '.controlgate.yml': onlyRulesConfig([RULE]),
        'modules/inner/main.tf': INNER,
        'modules/wrap/main.tf': WRAP,
      },
      'base',
    );
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit(
      { 'main.tf': `module "bastion" {\n  source     = "./modules/wrap"\n  admin_cidr = "${cidr}"\n}\n` },
      'head',
    );
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    expect({
      code: pr.code,
      found: pr.report.findings
        .filter((f) => f.ruleId === RULE)
        .map((f) => `${f.location?.path}:${f.location?.startLine} ${f.severity} new=${f.isNew}`),
    }).toEqual({ code, found });
  });
});

/**
 * A pull_request_target job that fetches every pull request's refs at once (a wildcard refspec over
 * `refs/pull/`, or one configured as what the remote fetches) holds this pull request's head among
 * them; checking that one out and building runs the head's code with the job's privileges.
 */
describe("39. a privileged job that fetches every pull request's refs, then checks out this one", () => {
  const RULE = 'workflow-dangerous-trigger';
  const workflow = (run: string[]) =>
    [
      'name: pr',
      'on: pull_request_target',
      'permissions:',
      '  contents: write',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      `      - uses: actions/checkout@${'4'.repeat(40)} # v4`,
      '      - env:',
      `          N: \${{ github.event.pull_request.number }}`,
      '        run: |',
      ...run.map((line) => `          ${line}`),
      '',
    ].join('\n');
  it.each([
    [
      'a wildcard refspec, then a checkout of the one remote-tracking ref',
      [
        "git fetch origin '+refs/pull/*:refs/remotes/origin/pr/*'",
        'git checkout "origin/pr/$N/head"',
        'npm ci && npm test',
      ],
      1,
      ['.github/workflows/pr.yml:13 critical new=true'],
    ],
    [
      "a refspec configured as the remote's, fetched by a plain git fetch",
      [
        "git config --add remote.origin.fetch '+refs/pull/*/head:refs/remotes/origin/pr/*'",
        'git fetch origin',
        'git reset --hard "origin/pr/$N"',
        'make',
      ],
      1,
      ['.github/workflows/pr.yml:13 critical new=true'],
    ],
    [
      'every pull ref fetched, only read (the control)',
      [
        "git fetch origin '+refs/pull/*/head:refs/remotes/origin/pr/*'",
        'git log --oneline -5 "origin/pr/$N"',
        'npm ci && npm run lint',
      ],
      0,
      [],
    ],
  ])('%s', async (_name, run, code, critical) => {
    const repo = scratchRepo(makeTree({}));
    repo.commit({ '.controlgate.yml': onlyRulesConfig([RULE]), 'README.md': '# app\n' }, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit({ '.github/workflows/pr.yml': workflow(run) }, 'head');
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    expect(
      pr.report.findings
        .filter((f) => f.ruleId === RULE && f.severity === 'critical')
        .map((f) => `${f.location?.path}:${f.location?.startLine} ${f.severity} new=${f.isNew}`),
    ).toEqual(critical);
    expect(pr.code).toBe(code);
  });
});

/**
 * An umbrella chart whose subchart runs unprivileged by its own values: a change that only edits the
 * umbrella's values.yaml (`agent: {privileged: true}`) turns it privileged for every default install.
 * The subchart's template is judged with its parent's values, so the finding is new and blocks, with
 * the base commit's results stored too (the Kubernetes rules read the parent's values).
 */
describe("40. a subchart turned privileged by a change to its parent chart's values only", () => {
  const RULE = 'k8s-privileged-container';
  const TEMPLATE = [
    'apiVersion: apps/v1',
    'kind: DaemonSet',
    'metadata:',
    '  name: agent',
    'spec:',
    '  selector: {matchLabels: {app: agent}}',
    '  template:',
    '    metadata: {labels: {app: agent}}',
    '    spec:',
    '      containers:',
    '        - name: agent',
    `          image: registry.example/agent@sha256:${'a'.repeat(64)}`,
    '          securityContext:',
    '            privileged: {{ .Values.privileged }}',
    '',
  ].join('\n');
  const base = {
    '.controlgate.yml': onlyRulesConfig([RULE]),
    'platform/Chart.yaml':
      'apiVersion: v2\nname: platform\nversion: 1.0.0\ndependencies:\n  - name: agent\n    version: 0.1.0\n',
    'platform/values.yaml': 'agent:\n  resources: {}\n',
    'platform/charts/agent/Chart.yaml': 'apiVersion: v2\nname: agent\nversion: 0.1.0\n',
    'platform/charts/agent/values.yaml': 'privileged: false\n',
    'platform/charts/agent/templates/daemonset.yaml': TEMPLATE,
  };
  const judged = (report: Report) =>
    report.findings
      .filter((f) => f.ruleId === RULE)
      .map(
        (f) =>
          `${f.location?.path}:${f.location?.startLine} ${f.severity}/${f.confidence ?? 'high'} new=${f.isNew}`,
      );
  const expected = ['platform/charts/agent/templates/daemonset.yaml:14 high/high new=true'];
  const change = (values: string) => {
    const repo = scratchRepo(makeTree({}));
    repo.commit(base, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit({ 'platform/values.yaml': values }, 'head');
    return repo;
  };

  it.each([
    ["the parent's block turns it on", 'agent:\n  privileged: true\n', 1, expected],
    [
      "the parent's block writes something else (the control)",
      'agent:\n  resources: {limits: {cpu: 1}}\n',
      0,
      [],
    ],
  ])('%s', async (_name, values, code, found) => {
    const pr = await cliRun('check', change(values).dir, '--base', 'main', '--format', 'json');
    expect(judged(pr.report)).toEqual(found);
    expect(pr.code).toBe(code);
  });

  it('with the base commit results (--base-results), the change to the values is judged all the same', async () => {
    const repo = change('agent:\n  privileged: true\n');
    const stored = path.join(makeTree({}), 'base-results.json');
    repo.git('checkout', '-q', 'main');
    await cliRun('check', repo.dir, '--write-base-results', stored, '--format', 'json');
    repo.git('checkout', '-q', 'feature');
    const pr = await cliRun(
      'check',
      repo.dir,
      '--base',
      'main',
      '--base-results',
      stored,
      '--format',
      'json',
    );
    expect(judged(pr.report)).toEqual(expected);
    expect(pr.code).toBe(1);
  });
});

/**
 * A module call over a literal `for_each` map or set, or a `count`, calls the module once per
 * instance, `each.value` / `count.index` written into its arguments: SSH opened that way is judged
 * as the same call written out once per port is.
 */
describe('41. SSH opened through a module call over a literal for_each or count', () => {
  const RULE = 'terraform-admin-ports-public';
  const MODULE = [
    'variable "cidr" {}',
    'variable "port" {}',
    'resource "aws_security_group" "this" {',
    '  name = "admin"',
    '  ingress {',
    '    from_port   = var.port',
    '    to_port     = var.port',
    '    protocol    = "tcp"',
    '    cidr_blocks = [var.cidr]',
    '  }',
    '}',
    '',
  ].join('\n');
  const call = (lines: string[]) =>
    ['module "bastion" {', '  source = "./modules/sg"', ...lines.map((l) => `  ${l}`), '}', ''].join('\n');
  const AT = 'modules/sg/main.tf:9 high new=true';
  it.each([
    [
      'a map of ports, each.value',
      call(['for_each = { ssh = 22, rdp = 3389 }', 'cidr     = "0.0.0.0/0"', 'port     = each.value']),
      1,
      [`${AT} port 22 module "bastion"["ssh"]`, `${AT} port 3389 module "bastion"["rdp"]`],
    ],
    [
      'a set of strings, tonumber(each.key)',
      call(['for_each = toset(["22"])', 'cidr     = "0.0.0.0/0"', 'port     = tonumber(each.key)']),
      1,
      [`${AT} port 22 module "bastion"["22"]`],
    ],
    [
      'a map of objects, each.value.port and each.value.cidr',
      call([
        'for_each = { ssh = { port = 22, cidr = "0.0.0.0/0" } }',
        'cidr = each.value.cidr',
        'port = each.value.port',
      ]),
      1,
      [`${AT} port 22 module "bastion"["ssh"]`],
    ],
    [
      'count over a local list, local.ports[count.index]',
      `locals {\n  ports = [3389]\n}\n${call(['count  = length(local.ports)', 'cidr   = "0.0.0.0/0"', 'port   = local.ports[count.index]'])}`,
      1,
      [`${AT} port 3389 module "bastion"[0]`],
    ],
    [
      'a map of ports to a private range (the control)',
      call(['for_each = { ssh = 22, rdp = 3389 }', 'cidr     = "10.0.0.0/8"', 'port     = each.value']),
      0,
      [],
    ],
  ])('%s', async (_name, main, code, found) => {
    const repo = scratchRepo(makeTree({}));
    repo.commit({ '.controlgate.yml': onlyRulesConfig([RULE]), 'modules/sg/main.tf': MODULE }, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit({ 'main.tf': main }, 'head');
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    expect({
      code: pr.code,
      found: pr.report.findings
        .filter((f) => f.ruleId === RULE)
        .map(
          (f) =>
            `${f.location?.path}:${f.location?.startLine} ${f.severity} new=${f.isNew} port ${/to port (\d+)/.exec(f.message)?.[1]} ${/inputs (module \S+)/.exec(f.message)?.[1]}`,
        ),
    }).toEqual({ code, found });
  });
});

/**
 * A conditional whose condition is a variable's default or what a variable file sets, and a `concat`
 * of literal lists, are values Terraform knows before it runs: SSH opened through either is judged as
 * the list written out is.
 */
describe('42. SSH opened through a conditional on a variable, a comparison, or a concat of lists', () => {
  const RULE = 'terraform-admin-ports-public';
  const group = (cidrs: string) =>
    [
      'resource "aws_security_group" "bastion" {',
      '  name = "bastion"',
      '  ingress {',
      '    from_port   = 22',
      '    to_port     = 22',
      '    protocol    = "tcp"',
      `    cidr_blocks = ${cidrs}`,
      '  }',
      '}',
      '',
    ].join('\n');
  const variable = (name: string, value: string) => `variable "${name}" {\n  default = ${value}\n}\n`;
  it.each([
    [
      'a toggle whose default is true',
      { 'variables.tf': variable('public', 'true') },
      'var.public ? ["0.0.0.0/0"] : ["10.0.0.0/8"]',
      1,
      ['main.tf:7 high new=true'],
    ],
    [
      'a toggle whose default is false, set true by terraform.tfvars',
      { 'variables.tf': variable('private', 'true'), 'terraform.tfvars': 'private = false\n' },
      '!var.private ? ["0.0.0.0/0"] : ["10.0.0.0/8"]',
      1,
      ['main.tf:7 high new=true'],
    ],
    [
      'a comparison with the environment set in terraform.tfvars',
      { 'variables.tf': variable('env', '"dev"'), 'terraform.tfvars': 'env = "prod"\n' },
      'var.env == "prod" && true ? ["0.0.0.0/0"] : ["10.0.0.0/8"]',
      1,
      ['main.tf:7 high new=true'],
    ],
    [
      'a concat of the office ranges and the world',
      { 'variables.tf': variable('office', '["192.0.2.0/24"]') },
      'concat(var.office, ["0.0.0.0/0"])',
      1,
      ['main.tf:7 high new=true'],
    ],
    [
      'a toggle whose default is false, set nowhere (the control)',
      { 'variables.tf': variable('public', 'false') },
      'var.public ? ["0.0.0.0/0"] : ["10.0.0.0/8"]',
      0,
      [],
    ],
  ])('%s', async (_name, files: Record<string, string>, cidrs, code, found) => {
    const repo = scratchRepo(makeTree({}));
    repo.commit({ '.controlgate.yml': onlyRulesConfig([RULE]), ...files }, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit({ 'main.tf': group(cidrs) }, 'head');
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    expect({
      code: pr.code,
      found: pr.report.findings
        .filter((f) => f.ruleId === RULE)
        .map((f) => `${f.location?.path}:${f.location?.startLine} ${f.severity} new=${f.isNew}`),
    }).toEqual({ code, found });
  });
});

/**
 * A variable file that a deploy script, Makefile or workflow passes with `--env-file` to the Compose
 * command reading a compose file sets what that run interpolates: a service made privileged, or given
 * the host's root, through it is judged as through the project's `.env`.
 */
describe('43. a Compose setting interpolated from a variable file given with --env-file', () => {
  const COMPOSE = [
    'services:',
    '  web:',
    `    image: alpine@sha256:${'0'.repeat(64)}`,
    `    privileged: \${PRIV:-false}`,
    `    volumes: ["\${DATA_DIR:-./data}:/data"]`,
    '',
  ].join('\n');
  it.each([
    [
      'a deploy script gives prod.env, which makes the service privileged',
      {
        'deploy/prod.env': 'PRIV=true\n',
        'deploy.sh': '#!/bin/sh\ndocker compose --env-file deploy/prod.env up -d\n',
      },
      1,
      ['compose-privileged-container compose.yaml:4 high new=true deploy/prod.env'],
    ],
    [
      "a Makefile gives .env.prod over the .env, which mounts the host's root",
      {
        '.env': 'PRIV=false\n',
        '.env.prod': 'DATA_DIR=/\n',
        Makefile: 'deploy:\n\tdocker compose -f compose.yaml --env-file=.env.prod up -d\n',
      },
      1,
      ['compose-host-path-mount compose.yaml:5 high new=true .env.prod'],
    ],
    [
      'the file given sets safe values (the control)',
      {
        'prod.env': 'PRIV=false\nDATA_DIR=/srv/data\n',
        'deploy.sh': '#!/bin/sh\ndocker compose --env-file prod.env up -d\n',
      },
      0,
      [],
    ],
  ])('%s', async (_name, files: Record<string, string>, code, found) => {
    const rules = ['compose-privileged-container', 'compose-host-path-mount'];
    const repo = scratchRepo(makeTree({}));
    repo.commit({ '.controlgate.yml': onlyRulesConfig(rules), 'compose.yaml': COMPOSE }, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit(files, 'head');
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    expect({
      code: pr.code,
      found: pr.report.findings
        .filter((f) => rules.includes(f.ruleId))
        .map(
          (f) =>
            `${f.ruleId} ${f.location?.path}:${f.location?.startLine} ${f.severity} new=${f.isNew} ${/: (\S+), which a Compose command/.exec(f.message)?.[1]}`,
        ),
    }).toEqual({ code, found });
  });
});

/**
 * actions/github-script as the link between outsider input and code: a comment command whose script
 * looks the pull request's head up and returns it to a checkout; a workflow_run job whose script
 * downloads the triggering run's artifact, unzipped over the checkout before a build; a comment body
 * the script hands to a shell. Each runs an outsider's code with the job's token and secrets.
 */
describe('44. a privileged job that runs what a github-script handed on', () => {
  const SCRIPT = `actions/github-script@${'6'.repeat(40)} # v7`;
  const CHECKOUT = `actions/checkout@${'4'.repeat(40)} # v4`;
  const script = (lines: string[]) => [
    `      - uses: ${SCRIPT}`,
    '        id: s',
    '        with:',
    '          script: |',
    ...lines.map((l) => `            ${l}`),
  ];
  const onComment = (steps: string[]) =>
    [
      'name: w',
      'on:',
      '  issue_comment:',
      '    types: [created]',
      'permissions:',
      '  contents: write',
      'jobs:',
      '  j:',
      "    if: contains(github.event.comment.body, '/build')",
      '    runs-on: ubuntu-latest',
      '    steps:',
      ...steps,
      '',
    ].join('\n');
  const onRun = (steps: string[]) =>
    [
      'name: w',
      'on:',
      '  workflow_run:',
      '    workflows: [ci]',
      '    types: [completed]',
      'permissions:',
      '  contents: write',
      'jobs:',
      '  j:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      ...steps,
      '',
    ].join('\n');
  const download = script([
    'const all = await github.rest.actions.listWorkflowRunArtifacts({ ...context.repo, run_id: context.payload.workflow_run.id });',
    "const zip = await github.rest.actions.downloadArtifact({ ...context.repo, artifact_id: all.data.artifacts[0].id, archive_format: 'zip' });",
    "require('fs').writeFileSync('pr.zip', Buffer.from(zip.data));",
  ]);
  it.each([
    [
      'the head looked up and returned as the result, then checked out and built',
      onComment([
        ...script([
          'const { data } = await github.rest.pulls.get({ ...context.repo, pull_number: context.issue.number });',
          'return data.head.sha;',
        ]),
        `      - uses: ${CHECKOUT}`,
        '        with:',
        `          ref: \${{ steps.s.outputs.result }}`,
        '      - run: make',
      ]),
      1,
      ['workflow-dangerous-trigger:20 critical new=true'],
    ],
    [
      "the triggering run's artifact unzipped over the checkout, then built",
      onRun([
        `      - uses: ${CHECKOUT}`,
        ...download,
        '      - run: unzip -o pr.zip && npm ci && npm run publish',
      ]),
      1,
      ['workflow-dangerous-trigger:20 critical new=true'],
    ],
    [
      'the comment handed to bash -c',
      onComment(script(["await exec.exec('bash', ['-c', 'echo ' + context.payload.comment.body]);"])),
      1,
      ['workflow-template-injection:16 high new=true'],
    ],
    [
      'the artifact unzipped into a folder of its own, only read (the control)',
      onRun([
        `      - uses: ${CHECKOUT}`,
        ...download,
        '      - run: unzip -o pr.zip -d pr && cat pr/report.txt',
      ]),
      0,
      [],
    ],
  ])('%s', async (_name, workflow, code, found) => {
    const rules = ['workflow-dangerous-trigger', 'workflow-template-injection'];
    const repo = scratchRepo(makeTree({}));
    repo.commit({ '.controlgate.yml': onlyRulesConfig(rules), 'README.md': '# app\n' }, 'base');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit({ '.github/workflows/w.yml': workflow }, 'head');
    const pr = await cliRun('check', repo.dir, '--base', 'main', '--format', 'json');
    expect({
      code: pr.code,
      found: pr.report.findings
        .filter((f) => f.severity === 'critical' || f.severity === 'high')
        .map((f) => `${f.ruleId}:${f.location?.startLine} ${f.severity} new=${f.isNew}`),
    }).toEqual({ code, found });
  });
});
