/**
 * The pull-request integration end to end: the built bundle runs as a process against a fake GitHub
 * API on 127.0.0.1, with a `pull_request` payload. Each test asserts the exact requests the server
 * got, the workflow commands on stdout and the exit code.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addedFilePatch, blobSha, FakeGitHub, type RecordedRequest } from '../helpers/fake-github.js';
import { type ActionRun, commandLines, makeTree, runAction, useBuiltBundle } from '../helpers/run-action.js';
import { ALL_FEATURES, apiFiles, onlyRulesConfig, POLICY, prRepo, pullRequestEvent } from './pr-helpers.js';

useBuiltBundle();

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await FakeGitHub.start();
});
afterEach(async () => {
  await fake.close();
});

const R = '/repos/acme/payments-api';
const HEAD_APP = 'const a = 1;\nif (DEBUG_BACKDOOR) skip();\nfetch("http://scoring.internal");\n';
const NEW_JS = 'x = DEBUG_BACKDOOR_TWO;\n// TODO(security): check the amount\n';

/** Base: one existing high finding. Head: a new high, a new medium and a new low. */
function standardPr() {
  const repo = prRepo(
    { 'src/app.js': 'const a = 1;\nif (DEBUG_BACKDOOR) skip();\n' },
    { 'src/app.js': HEAD_APP, 'src/new.js': NEW_JS },
  );
  fake.state.files = apiFiles(repo);
  return repo;
}

function run(
  repo: { dir: string; baseSha: string; headSha: string },
  inputs: Record<string, string> = ALL_FEATURES,
  fork = false,
) {
  return runAction({
    workspace: repo.dir,
    inputs,
    env: pullRequestEvent({ base: repo.baseSha, head: repo.headSha, fork }, fake.url),
  });
}

/** {@link run} with git's trace on: the run, and the git commands it ran (arguments unquoted). */
async function tracedRun(repo: { dir: string; baseSha: string; headSha: string }) {
  const trace = path.join(mkdtempSync(path.join(tmpdir(), 'cg-trace-')), 'trace');
  const r = await runAction({
    workspace: repo.dir,
    inputs: ALL_FEATURES,
    env: { ...pullRequestEvent({ base: repo.baseSha, head: repo.headSha }, fake.url), GIT_TRACE: trace },
  });
  const commands = readFileSync(trace, 'utf8')
    .split('\n')
    .flatMap((line) => /trace: built-in: git (.*)$/.exec(line)?.[1]?.replace(/'/g, '') ?? []);
  rmSync(path.dirname(trace), { recursive: true, force: true });
  return { r, commands };
}

function annotations(r: ActionRun): string[] {
  return commandLines(r).filter((l) => /^::(error|warning|notice) /.test(l));
}

const MARKER = /<!-- controlgate:fingerprint=[0-9a-f]{32} -->$/;

/** Annotations of the standard pull request: the new findings first, then the existing one. */
const STANDARD_ANNOTATIONS = [
  expect.stringMatching(
    /^::error title=\[high\] No debug backdoors ship \(control 8\.28\),file=src\/new\.js,line=1,/,
  ),
  expect.stringMatching(
    /^::warning title=\[medium\] No open security TODOs \(control 8\.28\),file=src\/new\.js,line=2,/,
  ),
  expect.stringMatching(
    /^::notice title=\[low\] No plain HTTP URLs \(control 8\.28\),file=src\/app\.js,line=3,/,
  ),
  expect.stringMatching(
    /^::warning title=\[high\] No debug backdoors ship \(control 8\.28\),file=src\/app\.js,line=2,/,
  ),
];

describe('pull request: a normal run', () => {
  it('asks git each question once: the checkout, the base commit, its policy files', async () => {
    const repo = prRepo({ 'src/app.js': 'const a = 1;\n' }, { 'src/app.js': 'const a = 2;\n' });
    fake.state.files = apiFiles(repo);
    const { r, commands } = await tracedRun(repo);
    expect(r.code).toBe(0);
    const [base, head] = [repo.baseSha, repo.headSha];
    const blob = expect.stringMatching(/^cat-file blob [0-9a-f]{40}$/);
    // The base commit is not verified again once its merge base is found, and a folder's listing
    // holds its .github folder: one process each for the top and for the rule folder.
    expect(commands).toEqual([
      'rev-parse --is-inside-work-tree --show-prefix --verify --quiet HEAD^{commit}',
      `diff --raw -p -z --unified=0 --no-color --no-ext-diff --no-textconv --find-renames ${base}...${head} --`,
      `merge-base ${base} ${head}`,
      expect.stringMatching(
        new RegExp(
          `^diff --raw -z --no-abbrev --find-renames --relative --no-ext-diff ${base} [0-9a-f]{40} --$`,
        ),
      ),
      `ls-tree -t -l -z --full-tree --end-of-options ${base} -- ./ .github/`,
      blob,
      `ls-tree -r -z --full-tree --end-of-options ${base}:policy`,
      `ls-tree -t -l -z --full-tree --end-of-options ${base} -- policy/ policy/.github/`,
      blob,
      blob,
      blob,
      'cat-file --batch',
    ]);
    expect(new Set(commands).size).toBe(commands.length);
  });

  it('blocks only what the pull request introduces and writes check run, review and sticky comment', async () => {
    const repo = standardPr();
    const r = await run(repo);
    expect(r.code).toBe(1);
    expect(r.outputs.result).toBe('fail');
    expect(commandLines(r, 'error').at(-1)).toBe(
      '::error::controlgate gate failed: 1 new open finding at or above "high" (1 high)',
    );
    expect(annotations(r)).toEqual(STANDARD_ANNOTATIONS);

    // The history is in the checkout: no request for the changed files.
    // The sticky comment is looked for again once created: a concurrent run may have made its own.
    expect(fake.log()).toEqual([
      `POST ${R}/check-runs`,
      `GET ${R}/pulls/7/comments?per_page=100&page=1`,
      `POST ${R}/pulls/7/reviews`,
      `GET ${R}/issues/7/comments?per_page=100&page=1`,
      `POST ${R}/issues/7/comments`,
      `GET ${R}/issues/7/comments?per_page=100&page=1`,
    ]);
    expect(fake.requests.every((q) => q.headers.authorization === 'token ghs_fake_token_for_tests')).toBe(
      true,
    );
    expect(r.stdout).toContain('controlgate: 6 GitHub API requests (2 comment writes, 0 retries)');
    // The token is only ever handed to the runner to mask.
    expect(r.lines.filter((l) => l.includes('ghs_fake_token_for_tests'))).toEqual([
      '::add-mask::ghs_fake_token_for_tests',
    ]);

    const [check] = fake.state.checkRuns;
    expect(check).toMatchObject({
      name: 'controlgate',
      head_sha: repo.headSha,
      status: 'completed',
      conclusion: 'failure',
    });
    expect(check!.annotations).toHaveLength(4);
    expect(check!.annotations[0]).toMatchObject({
      path: 'src/new.js',
      start_line: 1,
      annotation_level: 'failure',
    });

    const [review] = fake.state.reviews;
    expect(review!.commit_id).toBe(repo.headSha);
    const comments = review!.comments as { path: string; line: number; side: string; body: string }[];
    expect(comments.map((c) => `${c.path}:${c.line}:${c.side}`)).toEqual([
      'src/new.js:1:RIGHT',
      'src/new.js:2:RIGHT',
      'src/app.js:3:RIGHT',
    ]);
    expect(comments[0]!.body).toMatch(
      /^\*\*\[high\] No debug backdoors ship\*\* · ISO\/IEC 27002:2022 8\.28 · \*\*blocks the merge\*\*/,
    );
    expect(comments[0]!.body).toContain('**Fix:** Remove the debug backdoor.');
    for (const c of comments) expect(c.body).toMatch(MARKER);

    const [sticky] = fake.state.issueComments;
    expect(sticky!.body.split('\n')[0]).toBe('<!-- controlgate:sticky path=. -->');
    expect(sticky!.body).toContain('### Introduced by this pull request (3)');
    expect(sticky!.body).toContain(
      '<details><summary>1 existing finding (already on the base branch; reported, not blocking)</summary>',
    );
    expect(sticky!.body).toContain(
      '[workflow run](https://github.example/acme/payments-api/actions/runs/4242)',
    );
  });

  it('reads only the changed files with the per-file rules by default; scan: all lists the debt elsewhere', async () => {
    const repo = prRepo(
      { 'src/old.js': 'if (DEBUG_BACKDOOR) skip();\n', 'src/app.js': 'const a = 1;\n' },
      { 'src/app.js': 'const a = 2;\n' },
    );
    fake.state.files = apiFiles(repo);
    const changed = await run(repo);
    expect(changed.code).toBe(0);
    expect(annotations(changed)).toEqual([]);
    expect(changed.stdout).toContain(
      'scanning the 1 changed file of 6 with the per-file rules (scan: changed)',
    );
    expect(changed.summary).toContain('Checked 1 changed file of 6 with ');
    expect(fake.state.issueComments[0]!.body).toContain('per-file rules checked its 1 changed file).');

    const all = await run(repo, { ...ALL_FEATURES, scan: 'all' });
    expect(all.code).toBe(0);
    // Existing debt, so a warning, not an error.
    expect(annotations(all)).toEqual([
      '::warning title=[high] No debug backdoors ship (control 8.28),file=src/old.js,line=1,endLine=1,col=5,endColumn=18::Debug backdoor switch found.%0A%0AFix: Remove the debug backdoor.',
    ]);
    expect(all.summary).toContain('Checked 6 files with ');
  });

  it('judges what git tracks: an edit an earlier step left unstaged is no part of the pull request, and no file status is asked', async () => {
    const repo = prRepo(
      { 'src/old.js': 'const b = 1;\n', 'src/app.js': 'const a = 1;\n' },
      { 'src/app.js': 'const a = 2;\n' },
    );
    fake.state.files = apiFiles(repo);
    // A build step rewrites a file the pull request does not touch.
    writeFileSync(path.join(repo.dir, 'src/old.js'), 'if (DEBUG_BACKDOOR) skip();\n');
    const { r: built, commands } = await tracedRun(repo);
    expect(built.code).toBe(0);
    expect(annotations(built)).toEqual([]);
    expect(built.stdout).toContain(
      'scanning the 1 changed file of 6 with the per-file rules (scan: changed)',
    );
    // The pull request's lines (commit to commit) and its files (the base against the tree git
    // recorded as the index's content, the checkout's): no command that stats the working tree (diff
    // against it, diff-files, status), nor one that walks the index.
    expect(commands.filter((c) => /^(diff|diff-files|diff-index|status|ls-files)\b/.test(c)).sort()).toEqual([
      `diff --raw -p -z --unified=0 --no-color --no-ext-diff --no-textconv --find-renames ${repo.baseSha}...${repo.headSha} --`,
      `diff --raw -z --no-abbrev --find-renames --relative --no-ext-diff ${repo.baseSha} ${repo.git('rev-parse', 'HEAD^{tree}')} --`,
    ]);

    // Staged, the same edit is the change's (the index no longer has a recorded tree: the base is
    // compared with the index itself): a new high finding, which fails the gate.
    repo.git('add', 'src/old.js');
    const { r: staged, commands: stagedCommands } = await tracedRun(repo);
    expect(stagedCommands).toContain(
      `diff --raw -z --no-abbrev --find-renames --relative --no-ext-diff --cached ${repo.baseSha} --`,
    );
    expect(staged.code).toBe(1);
    expect(annotations(staged)).toEqual([
      expect.stringMatching(
        /^::error title=\[high\] No debug backdoors ship \(control 8\.28\),file=src\/old\.js,line=1,/,
      ),
    ]);
  });

  it('never repeats a comment: a second push comments only the new finding, resolves the fixed one, edits the sticky', async () => {
    const repo = standardPr();
    await run(repo);
    const sticky = fake.state.issueComments[0]!;
    const todo = fake.state.reviewComments.find((c) => c.path === 'src/new.js' && c.line === 2)!;

    // Second push: the TODO is fixed, another backdoor appears.
    const head2 = repo.commit({
      'src/new.js': 'x = DEBUG_BACKDOOR_TWO;\n',
      'src/more.js': 'y = DEBUG_BACKDOOR_THREE;\n',
    });
    fake.state.files = apiFiles({ ...repo, headSha: head2 });
    fake.clearRequests();
    const r2 = await run({ ...repo, headSha: head2 });
    expect(r2.code).toBe(1);
    expect(fake.log()).toEqual([
      `POST ${R}/check-runs`,
      `GET ${R}/pulls/7/comments?per_page=100&page=1`,
      `POST ${R}/pulls/7/reviews`,
      `PATCH ${R}/pulls/comments/${todo.id}`,
      `GET ${R}/issues/7/comments?per_page=100&page=1`,
      `PATCH ${R}/issues/comments/${sticky.id}`,
    ]);
    expect(
      (fake.state.reviews[1]!.comments as { path: string; line: number }[]).map((c) => `${c.path}:${c.line}`),
    ).toEqual(['src/more.js:1']);
    expect(todo.body).toMatch(
      /^✅ \*\*Resolved\*\* as of `[0-9a-f]{12}`: controlgate no longer reports this finding\./,
    );
    expect(todo.body).toMatch(/<!-- controlgate:fingerprint=[0-9a-f]{32} fixed -->$/);
    expect(fake.state.issueComments).toHaveLength(1);
    expect(sticky.body).toContain('src/more.js:1');

    // A re-run of the same commit writes no comment at all.
    fake.clearRequests();
    const r3 = await run({ ...repo, headSha: head2 });
    expect(r3.code).toBe(1);
    expect(fake.log()).toEqual([
      `POST ${R}/check-runs`,
      `GET ${R}/pulls/7/comments?per_page=100&page=1`,
      `GET ${R}/issues/7/comments?per_page=100&page=1`,
    ]);
    expect(fake.state.reviewComments).toHaveLength(4);
    expect(r3.stdout).toContain('controlgate: 3 GitHub API requests (0 comment writes, 0 retries)');
  });

  it('ignores a marker pasted by a person: the bot comments and keeps its own sticky comment', async () => {
    const repo = standardPr();
    fake.addComment('issue', {
      body: '<!-- controlgate:sticky path=. -->\nhijacked',
      user: { login: 'mallory', type: 'User' },
    });
    const r = await run(repo, { ...ALL_FEATURES, 'review-comments': 'false', 'check-run': 'false' });
    expect(r.code).toBe(1);
    // A person's comment carries the marker: the token's identity is asked (an installation token
    // cannot answer, so only a bot's comment can be ours).
    expect(fake.log()).toEqual([
      `GET ${R}/issues/7/comments?per_page=100&page=1`,
      'GET /user',
      `POST ${R}/issues/7/comments`,
      `GET ${R}/issues/7/comments?per_page=100&page=1`,
    ]);
    expect(fake.state.issueComments[0]!.body).toBe('<!-- controlgate:sticky path=. -->\nhijacked');
    expect(fake.state.issueComments).toHaveLength(2);
  });
});

describe('pull request: permissions and failures never change the gate', () => {
  it('on a fork pull request where every write returns 403: one warning naming the permissions', async () => {
    const repo = standardPr();
    fake.readOnly = true;
    const r = await run(repo, ALL_FEATURES, true);
    expect(r.code).toBe(1);
    expect(r.outputs.result).toBe('fail');
    // After the review is refused, the sticky comment (same permission) is not even tried.
    expect(fake.log()).toEqual([
      `POST ${R}/check-runs`,
      `GET ${R}/pulls/7/comments?per_page=100&page=1`,
      `POST ${R}/pulls/7/reviews`,
    ]);
    expect(commandLines(r, 'warning').filter((l) => l.startsWith('::warning::'))).toEqual([
      '::warning::controlgate could not write the check run (needs `checks: write`); review comments and the sticky comment (needs `pull-requests: write`). This is a fork pull request: its token is read-only. The findings are in the annotations and the job summary; the gate result is unaffected.',
    ]);
    expect(annotations(r).slice(0, 4)).toEqual(STANDARD_ANNOTATIONS);
    expect(r.summary).toContain('controlgate: gate failed');
  });

  it('retries after a rate limit (honouring retry-after), a 500 and a dropped connection', async () => {
    const repo = standardPr();
    fake.inject({
      method: 'POST',
      path: /\/check-runs$/,
      status: 429,
      headers: { 'retry-after': '1' },
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      },
    });
    fake.inject({ method: 'GET', path: /\/pulls\/7\/comments$/, status: 'drop' });
    fake.inject({ method: 'GET', path: /\/issues\/7\/comments$/, status: 500 });
    const r = await run(repo);
    expect(r.code).toBe(1);
    expect(fake.log()).toEqual([
      `POST ${R}/check-runs`,
      `POST ${R}/check-runs`,
      `GET ${R}/pulls/7/comments?per_page=100&page=1`,
      `GET ${R}/pulls/7/comments?per_page=100&page=1`,
      `POST ${R}/pulls/7/reviews`,
      `GET ${R}/issues/7/comments?per_page=100&page=1`,
      `GET ${R}/issues/7/comments?per_page=100&page=1`,
      `POST ${R}/issues/7/comments`,
      `GET ${R}/issues/7/comments?per_page=100&page=1`,
    ]);
    const [first, second] = fake.requests as [RecordedRequest, RecordedRequest];
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);
    expect(fake.state.checkRuns).toHaveLength(1);
    expect(fake.state.issueComments).toHaveLength(1);
    expect(r.stdout).toContain('controlgate: 9 GitHub API requests (2 comment writes, 3 retries)');
    expect(commandLines(r, 'warning').filter((l) => l.startsWith('::warning::'))).toEqual([]);
  });

  it('when the server is down: a few retries, then every API output is skipped with one warning', async () => {
    const repo = standardPr();
    fake.inject({ path: /./, status: 'drop', times: 100 });
    const r = await run(repo);
    expect(r.code).toBe(1);
    expect(r.outputs.result).toBe('fail');
    // The create is not resent blindly (it may have been processed): the check runs of the commit are
    // looked at first, and that read is retried like every other; then the API counts as down.
    const lookup = `GET ${R}/commits/${repo.headSha}/check-runs?check_name=controlgate&filter=all&per_page=100`;
    expect(fake.log()).toEqual([`POST ${R}/check-runs`, lookup, lookup, lookup]);
    const warnings = commandLines(r, 'warning').filter((l) => l.startsWith('::warning::'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^::warning::controlgate could not write the check run \(no answer from the GitHub API \(.+\)\); review comments \(the GitHub API did not answer\); the sticky comment \(the GitHub API did not answer\)\. The findings are in the annotations and the job summary; the gate result is unaffected\.$/,
    );
    expect(annotations(r).slice(0, 4)).toEqual(STANDARD_ANNOTATIONS);
  });

  it('when GitHub rejects the review (422, a line moved): the findings stay in the sticky comment', async () => {
    const repo = standardPr();
    fake.inject({
      method: 'POST',
      path: /\/reviews$/,
      status: 422,
      body: { message: 'Unprocessable Entity', errors: ['Line could not be resolved'] },
    });
    const r = await run(repo, { ...ALL_FEATURES, 'check-run': 'false' });
    expect(r.code).toBe(1);
    expect(fake.log()).toEqual([
      `GET ${R}/pulls/7/comments?per_page=100&page=1`,
      `POST ${R}/pulls/7/reviews`,
      `GET ${R}/issues/7/comments?per_page=100&page=1`,
      `POST ${R}/issues/7/comments`,
      `GET ${R}/issues/7/comments?per_page=100&page=1`,
    ]);
    const sticky = fake.state.issueComments[0]!.body;
    expect(sticky).toContain('### Introduced by this pull request (3)');
    expect(sticky).not.toContain('| 💬 |');
    expect(sticky).toContain('> review comments could not be written: GitHub refused the review (HTTP 422');
    expect(commandLines(r, 'warning').filter((l) => l.startsWith('::warning::'))).toEqual([
      expect.stringMatching(
        /^::warning::controlgate could not write review comments \(GitHub refused the review \(HTTP 422: /,
      ),
    ]);
  });

  it('with no token: nothing reaches the API, one warning, the same gate', async () => {
    const repo = standardPr();
    const r = await run(repo, { ...ALL_FEATURES, token: '' });
    expect(r.code).toBe(1);
    expect(fake.requests).toEqual([]);
    expect(commandLines(r, 'warning').filter((l) => l.startsWith('::warning::'))).toEqual([
      '::warning::controlgate did not write the check run, review comments and the sticky comment: no token was given (input `token`). The findings are in the annotations and the job summary.',
    ]);
  });
});

describe('pull request: GitHub limits', () => {
  it('sends more than 50 check-run annotations in batches of 50: create, then PATCH', async () => {
    const many = Array.from({ length: 120 }, (_, i) => `flag${i} = DEBUG_BACKDOOR;`).join('\n');
    const repo = prRepo({ 'src/app.js': 'ok();\n' }, { 'src/many.js': `${many}\n` });
    fake.state.files = apiFiles(repo);
    const r = await run(repo, { ...ALL_FEATURES, 'review-comments': 'false', comment: 'false' });
    expect(r.code).toBe(1);
    const [check] = fake.state.checkRuns;
    expect(fake.log()).toEqual([
      `POST ${R}/check-runs`,
      `PATCH ${R}/check-runs/${check!.id}`,
      `PATCH ${R}/check-runs/${check!.id}`,
    ]);
    const bodies = fake.requests.map(
      (q) => q.body as { status?: string; conclusion?: string; output: { annotations: unknown[] } },
    );
    expect(bodies.map((b) => [b.status, b.conclusion, b.output.annotations.length])).toEqual([
      ['in_progress', undefined, 50],
      [undefined, undefined, 50],
      ['completed', 'failure', 20],
    ]);
    expect(check).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(check!.annotations).toHaveLength(120);
    // Workflow-command annotations stay within the per-step limit.
    expect(commandLines(r, 'error')).toHaveLength(10);
  });

  it('posts at most 30 inline comments per pull request; the rest stay in the sticky comment, re-runs add none', async () => {
    const many = Array.from({ length: 40 }, (_, i) => `flag${i} = DEBUG_BACKDOOR;`).join('\n');
    const repo = prRepo({ 'src/app.js': 'ok();\n' }, { 'src/many.js': `${many}\n` });
    fake.state.files = apiFiles(repo);
    const inputs = { ...ALL_FEATURES, 'check-run': 'false' };
    await run(repo, inputs);
    const [review] = fake.state.reviews;
    const lines = (review!.comments as { line: number }[]).map((c) => c.line);
    expect(lines).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(review!.body).toBe(
      'controlgate: 30 findings on lines this pull request changes. 10 more findings on changed lines are listed in the controlgate summary comment and the job summary.',
    );
    const sticky = fake.state.issueComments[0]!.body;
    expect(sticky).toContain('### Introduced by this pull request (40)');
    expect(sticky.split('\n').filter((l) => l.startsWith('| 💬 |'))).toHaveLength(30);

    // A re-run: the 30 comments still stand, so no review is added (the cap is per pull request).
    const again = await run(repo, inputs);
    expect(fake.state.reviews).toHaveLength(1);
    expect(fake.state.reviewComments).toHaveLength(30);
    expect(again.stdout).toContain(
      'controlgate: 10 more findings on changed lines; 30 inline comments of earlier runs stand (at most 30 per pull request), so they are in the sticky comment',
    );
    expect(fake.state.issueComments[0]!.body.split('\n').filter((l) => l.startsWith('| 💬 |'))).toHaveLength(
      30,
    );
  });
});

/** Repository settings as an administrator's token sees them, with three things to report. */
function settingsAnswers(): Map<string, { status: number; body?: unknown }> {
  return new Map<string, { status: number; body?: unknown }>([
    [
      R,
      {
        status: 200,
        body: {
          default_branch: 'main',
          security_and_analysis: {
            secret_scanning: { status: 'enabled' },
            secret_scanning_push_protection: { status: 'disabled' },
            dependabot_security_updates: { status: 'enabled' },
          },
        },
      },
    ],
    [
      `${R}/rules/branches/main`,
      {
        status: 200,
        body: [
          {
            type: 'pull_request',
            parameters: { required_approving_review_count: 1, dismiss_stale_reviews_on_push: true },
          },
          { type: 'non_fast_forward' },
          { type: 'deletion' },
        ],
      },
    ],
    [
      `${R}/branches/main/protection`,
      {
        status: 200,
        body: {
          required_pull_request_reviews: {
            required_approving_review_count: 1,
            require_code_owner_reviews: true,
          },
          required_status_checks: { contexts: ['controlgate / gate'] },
        },
      },
    ],
    [`${R}/vulnerability-alerts`, { status: 204 }],
    [
      `${R}/actions/permissions/workflow`,
      {
        status: 200,
        body: { default_workflow_permissions: 'write', can_approve_pull_request_reviews: false },
      },
    ],
    [
      `${R}/environments`,
      {
        status: 200,
        body: {
          total_count: 2,
          environments: [
            {
              name: 'production',
              protection_rules: [{ type: 'required_reviewers', reviewers: [{ type: 'Team' }] }],
            },
            { name: 'prod-eu', protection_rules: [{ type: 'wait_timer', wait_timer: 10 }] },
          ],
        },
      },
    ],
  ]);
}

const SETTINGS_RULES = [
  'github-branch-protection',
  'github-secret-scanning',
  'github-dependabot',
  'github-workflow-token',
  'github-environment-reviewers',
];

describe('pull request: API budget', () => {
  it('makes at most 10 requests besides comment writes and base reads for a 100-file PR without history, settings rules on', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 100; i++)
      files[`src/f${i}.js`] =
        i < 3 ? `export const v${i} = DEBUG_BACKDOOR;\n` : `export const v${i} = ${i};\n`;
    // A plain directory: no git history, so the changed lines come from the API, and the base
    // commit's policy (its config and the three rule files) from the API's git database.
    const policy = { '.controlgate.yml': onlyRulesConfig(SETTINGS_RULES), ...POLICY };
    const workspace = makeTree({ ...policy, ...files });
    fake.addCommit('a'.repeat(40), policy);
    fake.state.files = Object.entries(files).map(([filename, content]) => ({
      filename,
      status: 'added' as const,
      patch: addedFilePatch(content.trimEnd().split('\n')),
    }));
    fake.state.responses = settingsAnswers();
    const r = await runAction({
      workspace,
      inputs: ALL_FEATURES,
      env: pullRequestEvent({ base: 'a'.repeat(40), head: 'b'.repeat(40) }, fake.url),
    });
    expect(r.code).toBe(1);

    const commentWrite = (q: RecordedRequest) =>
      q.method !== 'GET' && /\/(reviews|comments)(\/\d+)?$/.test(q.path);
    const baseRead = (q: RecordedRequest) => /\/git\/(trees|blobs)\//.test(q.path);
    const budgeted = fake.requests.filter((q) => !commentWrite(q) && !baseRead(q));
    // And the sticky comment is looked for once more after it is created.
    expect(budgeted.length).toBeLessThanOrEqual(11);
    expect(fake.log().filter((_, i) => baseRead(fake.requests[i]!))).toEqual([
      `GET ${R}/git/trees/${'a'.repeat(40)}?recursive=1`,
      ...['.controlgate.yml', ...Object.keys(POLICY).sort()].map(
        (f) => `GET ${R}/git/blobs/${blobSha(policy[f as keyof typeof policy]!)}`,
      ),
    ]);
    expect(
      fake.log().filter((_, i) => !commentWrite(fake.requests[i]!) && !baseRead(fake.requests[i]!)),
    ).toEqual([
      `GET ${R}/pulls/7/files?per_page=100&page=1`,
      `GET ${R}`,
      `GET ${R}/rules/branches/main?per_page=100`,
      `GET ${R}/branches/main/protection`,
      `GET ${R}/vulnerability-alerts`,
      `GET ${R}/environments?per_page=100`,
      `GET ${R}/actions/permissions/workflow`,
      `POST ${R}/check-runs`,
      `GET ${R}/pulls/7/comments?per_page=100&page=1`,
      `GET ${R}/issues/7/comments?per_page=100&page=1`,
      `GET ${R}/issues/7/comments?per_page=100&page=1`,
    ]);
    expect(r.stdout).toContain('controlgate: 18 GitHub API requests (2 comment writes, 0 retries)');
    expect(r.stdout).toContain(
      "controlgate: the base commit's policy was read through the GitHub API (the checkout does not have it)",
    );

    // Settings findings are never the pull request's: reported as existing, not blocking under gate: new.
    const sticky = fake.state.issueComments[0]!.body;
    expect(sticky).toContain('### Introduced by this pull request (3)');
    expect(sticky).toContain('<details><summary>3 existing findings');
    expect(sticky).toContain('Secret scanning push protection is not enabled for this repository.');
    expect(sticky).toContain('Environment "prod-eu" requires no reviewer');
    expect(commandLines(r, 'error').at(-1)).toBe(
      '::error::controlgate gate failed: 3 new open findings at or above "high" (3 high)',
    );
  });

  it('follows the link header through every page of changed files', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 150; i++) files[`src/f${i}.js`] = `export const v${i} = ${i};\n`;
    const policy = { '.controlgate.yml': onlyRulesConfig(), ...POLICY };
    const workspace = makeTree({ ...policy, ...files });
    fake.addCommit('a'.repeat(40), policy);
    fake.state.files = Object.entries(files).map(([filename, content]) => ({
      filename,
      status: 'added' as const,
      patch: addedFilePatch([content.trimEnd()]),
    }));
    const r = await runAction({
      workspace,
      inputs: { ...ALL_FEATURES, 'review-comments': 'false', comment: 'false' },
      env: pullRequestEvent({ base: 'a'.repeat(40), head: 'b'.repeat(40) }, fake.url),
    });
    expect(r.code).toBe(0);
    expect(fake.log().filter((l) => !l.includes('/git/'))).toEqual([
      `GET ${R}/pulls/7/files?per_page=100&page=1`,
      `GET ${R}/pulls/7/files?per_page=100&page=2`,
      `POST ${R}/check-runs`,
    ]);
  });
});
