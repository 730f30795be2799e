// biome-ignore-all lint/suspicious/noTemplateCurlyInString: workflow `${{ }}` expressions are test data here.
/**
 * Review comments carry the rule's fix as a GitHub suggestion block when the fix stays within lines
 * the pull request adds: the built bundle runs against the fake GitHub API, and the review it posts
 * is compared request body for request body.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../helpers/fake-github.js';
import { buildPrivateBundle, removeTempDirs, runAction } from '../helpers/run-action.js';
import { ALL_FEATURES, apiFiles, onlyRulesConfig, prRepo, pullRequestEvent } from './pr-helpers.js';

beforeAll(() => {
  buildPrivateBundle();
}, 240_000);
afterAll(removeTempDirs);

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await FakeGitHub.start();
});
afterEach(async () => {
  await fake.close();
});

const RULES = ['workflow-checkout-persisted-credentials', 'workflow-template-injection'];
const CONFIG = { '.controlgate.yml': onlyRulesConfig(RULES) };

const WORKFLOW = [
  'on: pull_request',
  'permissions:',
  '  contents: read',
  'jobs:',
  '  build:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: actions/checkout@v4',
  '      - name: Greet',
  '        run: echo "Thanks for ${{ github.event.pull_request.title }}"',
  '',
].join('\n');

async function review(base: Record<string, string>, head: Record<string, string>) {
  const repo = prRepo({ ...CONFIG, ...base }, head);
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
        'actions/checkout in job "build" leaves the job\'s token in .git/config (no "persist-credentials: false"), where every later step can read it. Set "persist-credentials: false" unless a later step pushes with git; then pass the token to that step explicitly.',
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
});
