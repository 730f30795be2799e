// biome-ignore-all lint/suspicious/noTemplateCurlyInString: workflow `${{ }}` expressions are test data here.
/**
 * Review comments carry the rule's fix as a GitHub suggestion block when the fix stays within lines
 * the pull request adds: the built bundle runs against the fake GitHub API, and the review it posts
 * is compared request body for request body.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../helpers/fake-github.js';
import { runAction, useBuiltBundle } from '../helpers/run-action.js';
import { ALL_FEATURES, apiFiles, onlyRulesConfig, prRepo, pullRequestEvent } from './pr-helpers.js';

useBuiltBundle();

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await FakeGitHub.start();
});
afterEach(async () => {
  await fake.close();
});

const RULES = ['workflow-checkout-persisted-credentials', 'workflow-template-injection'];
const CONFIG = { '.controlgate.yml': onlyRulesConfig(RULES) };

// Reviews too: on pull requests alone the injection would gain a fork nothing (graded low), and a push
// carries no pull request title.
const WORKFLOW = [
  'on: [pull_request, pull_request_review]',
  'permissions:',
  '  pull-requests: write',
  'jobs:',
  '  build:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: actions/checkout@v4',
  '      - name: Greet',
  '        run: echo "Thanks for ${{ github.event.pull_request.title }}"',
  '',
].join('\n');

async function review(base: Record<string, string>, head: Record<string, string>, config = CONFIG) {
  const repo = prRepo({ ...config, ...base }, head);
  fake.state.files = apiFiles(repo);
  const run = await runAction({
    workspace: repo.dir,
    inputs: { ...ALL_FEATURES, rules: '', 'fail-on': 'never', 'check-run': 'false', comment: 'false' },
    env: pullRequestEvent({ base: repo.baseSha, head: repo.headSha }, fake.url),
  });
  expect(run.code).toBe(0);
  const posted = fake.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/reviews'));
  expect(posted).toHaveLength(1);
  return (posted[0]!.body as { comments: Record<string, unknown>[] }).comments;
}

describe('review comments suggest the fix', () => {
  it('on lines the pull request adds: one block per fix, over every line it changes', async () => {
    const comments = await review({}, { '.github/workflows/ci.yml': WORKFLOW });
    expect(comments.map(({ body: _, ...place }) => place)).toEqual([
      { path: '.github/workflows/ci.yml', start_line: 9, start_side: 'RIGHT', line: 10, side: 'RIGHT' },
      { path: '.github/workflows/ci.yml', line: 8, side: 'RIGHT' },
    ]);
    const [injection, checkout] = comments.map((c) => String(c.body));
    expect(injection).toContain(
      [
        "**Suggested change** (`controlgate fix` makes it): Read PULL\\_REQUEST\\_TITLE from the step's env: instead of expanding it into the script",
        '',
        '```suggestion',
        '      - name: Greet',
        '        env:',
        '          PULL_REQUEST_TITLE: ${{ github.event.pull_request.title }}',
        '        run: echo "Thanks for ${PULL_REQUEST_TITLE}"',
        '```',
        '',
      ].join('\n'),
    );
    expect(checkout!.replace(/fingerprint=[0-9a-f]{32}/, 'fingerprint=<fp>')).toBe(
      [
        '**[low] Checkouts do not leave the token on disk** · ISO/IEC 27002:2022 8.12, 8.2',
        '',
        'actions/checkout in job "build" leaves the job\'s token in .git/config (no "persist-credentials: false"), where every later step can read it; the token can write (pull-requests), but the job runs on pull requests only, where a fork\'s run gets a read-only token and branches of this repository are pushed by those who can push already. Set "persist-credentials: false" unless a later step pushes with git; then pass the token to that step explicitly.',
        '',
        '**Fix:** Add \\`persist-credentials: false\\` to \\`actions/checkout\\` in every job that does not push with git. A job that pushes can set \\`persist-credentials: true\\` explicitly, or better pass the token only to the step that pushes. Upload only build outputs (\\`path: dist/\\`), never the workspace root; with \\`actions/upload-artifact\\` v4.4 or later, leave \\`include-hidden-files\\` off.',
        '',
        '**Suggested change** (`controlgate fix` makes it): Add persist-credentials: false to the checkout',
        '',
        '```suggestion',
        '      - uses: actions/checkout@v4',
        '        with:',
        '          persist-credentials: false',
        '```',
        '',
        '<sub>[controlgate](https://github.com/controlgate/controlgate/blob/main/docs/rules/workflow-checkout-persisted-credentials.md) rule `workflow-checkout-persisted-credentials`</sub>',
        '<!-- controlgate:fingerprint=<fp> -->',
      ].join('\n'),
    );
  });

  it('a fix that reaches lines the pull request does not add: the comment, without a suggestion', async () => {
    const before = WORKFLOW.replace(
      'echo "Thanks for ${{ github.event.pull_request.title }}"',
      'echo "Thanks"',
    );
    const comments = await review(
      { '.github/workflows/ci.yml': before },
      { '.github/workflows/ci.yml': WORKFLOW },
    );
    expect(comments.map(({ body: _, ...place }) => place)).toEqual([
      { path: '.github/workflows/ci.yml', line: 10, side: 'RIGHT' },
    ]);
    expect(String(comments[0]!.body)).not.toContain('suggestion');
  });

  it('a pin gets its suggestion when the API names the commit of its tag; one it cannot resolve gets none', async () => {
    const sha = 'b4ffde65f46336ab88eb53be808477a3936bae11';
    fake.state.responses.set('/repos/actions/setup-node/tags', {
      status: 200,
      body: [{ name: 'v4', commit: { sha } }],
    });
    const workflow = [
      'on: pull_request',
      'permissions:',
      '  contents: read',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/setup-node@v4 # the toolchain',
      '      - uses: vendor/deploy@v1',
      '      - uses: actions/setup-node@v4',
      '',
    ].join('\n');
    const comments = await review(
      {},
      { '.github/workflows/ci.yml': workflow },
      { '.controlgate.yml': onlyRulesConfig(['workflow-unpinned-action']) },
    );
    // One request per action repository (the tag of vendor/deploy is looked up once more by name),
    // after the earlier comments are read and before the review is posted.
    expect(
      fake.requests
        .filter((q) => /^\/repos\/(actions|vendor\/deploy)\/|\/pulls\//.test(q.path))
        .map((q) => `${q.method} ${q.path}`),
    ).toEqual([
      'GET /repos/acme/payments-api/pulls/7/comments',
      'GET /repos/vendor/deploy/tags',
      'GET /repos/vendor/deploy/git/ref/tags/v1',
      'GET /repos/actions/setup-node/tags',
      'POST /repos/acme/payments-api/pulls/7/reviews',
    ]);
    // The third party's action (high) first, then GitHub's own in a job that holds nothing (medium).
    expect(comments.map(({ body: _, ...place }) => place)).toEqual([
      { path: '.github/workflows/ci.yml', line: 9, side: 'RIGHT' },
      { path: '.github/workflows/ci.yml', line: 8, side: 'RIGHT' },
      { path: '.github/workflows/ci.yml', line: 10, side: 'RIGHT' },
    ]);
    const bodies = comments.map((c) => String(c.body));
    expect(bodies[1]).toContain(
      [
        '**Suggested change** (`controlgate fix` makes it): Pin actions/setup-node@v4 to the commit the tag names',
        '',
        '```suggestion',
        `      - uses: actions/setup-node@${sha} # v4 # the toolchain`,
        '```',
      ].join('\n'),
    );
    expect(bodies[2]).toContain(
      ['```suggestion', `      - uses: actions/setup-node@${sha} # v4`, '```'].join('\n'),
    );
    expect(bodies[0]).not.toContain('suggestion');
  });
});
