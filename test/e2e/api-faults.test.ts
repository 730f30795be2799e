/**
 * The run always ends and writes once (issue 15): the built bundle runs against the fake GitHub API
 * with faults a real API has — a request that never answers, a write processed and then reset or
 * answered 502, a write answered without its id, a person's token, two runs at once — and each test
 * asserts the exact requests, what the server holds afterwards, the warnings and the exit code.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../helpers/fake-github.js';
import { commandLines, runAction, useBuiltBundle } from '../helpers/run-action.js';
import { ALL_FEATURES, apiFiles, onlyRulesConfig, prRepo, pullRequestEvent } from './pr-helpers.js';

useBuiltBundle();

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await FakeGitHub.start();
});
afterEach(async () => {
  await fake.close();
});

const R = '/repos/acme/payments-api';

/** One new high finding on an added line. */
function standardPr() {
  const repo = prRepo({ 'src/app.js': 'ok();\n' }, { 'src/app.js': 'ok();\nif (DEBUG_BACKDOOR) skip();\n' });
  fake.state.files = apiFiles(repo);
  return repo;
}

function run(
  repo: { dir: string; baseSha: string; headSha: string },
  inputs: Record<string, string> = ALL_FEATURES,
) {
  return runAction({
    workspace: repo.dir,
    inputs,
    env: pullRequestEvent({ base: repo.baseSha, head: repo.headSha }, fake.url),
  });
}

function warnings(r: { lines: string[] }): string[] {
  return commandLines(r as never, 'warning').filter((l) => l.startsWith('::warning::'));
}

describe('8. a hung API', () => {
  it('gives up a request after api-timeout, looks for what it may have created, and goes on', async () => {
    const repo = standardPr();
    fake.inject({ method: 'POST', path: /\/check-runs$/, status: 'hang' });
    const started = Date.now();
    const r = await run(repo, { ...ALL_FEATURES, 'api-timeout': '1' });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.code).toBe(1);
    const lookup = `GET ${R}/commits/${repo.headSha}/check-runs?check_name=controlgate&filter=all&per_page=100`;
    expect(fake.log().slice(0, 3)).toEqual([`POST ${R}/check-runs`, lookup, `POST ${R}/check-runs`]);
    expect(fake.state.checkRuns).toHaveLength(1);
    expect(fake.state.reviews).toHaveLength(1);
    expect(fake.state.issueComments).toHaveLength(1);
    expect(warnings(r)).toEqual([]);
  });

  it("bounds the run's whole time on the API: past it, one warning, and the gate as always", async () => {
    const repo = standardPr();
    // Every request hits a secondary rate limit for 4 s: each would wait out two retries.
    fake.inject({
      path: /./,
      status: 429,
      headers: { 'retry-after': '4' },
      body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes.' },
      times: 1000,
    });
    const started = Date.now();
    const r = await run(repo, { ...ALL_FEATURES, 'api-timeout': '1' });
    const took = Date.now() - started;
    // 12 s of API time at most, plus the check itself.
    expect(took).toBeLessThan(25_000);
    expect(r.code).toBe(1);
    expect(r.outputs.result).toBe('fail');
    // The check run waited out two retries (8 s), the review's read ran out of time, and the
    // sticky comment was not tried.
    expect(warnings(r)).toEqual([
      "::warning::controlgate could not write the check run (HTTP 429: You have exceeded a secondary rate limit. Please wait a few minutes.); review comments (the run's time on the GitHub API (12 s) ran out during GET …/comments); the sticky comment (the GitHub API did not answer). The findings are in the annotations and the job summary; the gate result is unaffected.",
    ]);
  }, 40_000);
});

describe('9. a write processed, then its answer lost', () => {
  it.each([
    ['a reset', 'drop' as const],
    ['a 502', 502],
  ])(
    'after %s, the check run, the review and the sticky comment are each written once',
    async (_name, status) => {
      const repo = standardPr();
      for (const path of [/\/check-runs$/, /\/pulls\/7\/reviews$/, /\/issues\/7\/comments$/]) {
        fake.inject({ method: 'POST', path, status, after: true });
      }
      const r = await run(repo);
      expect(r.code).toBe(1);
      expect(fake.state.checkRuns).toHaveLength(1);
      expect(fake.state.reviews).toHaveLength(1);
      expect(fake.state.reviewComments).toHaveLength(1);
      expect(fake.state.issueComments).toHaveLength(1);
      // Each write was sent once, then found where the first attempt left it.
      expect(fake.log().filter((l) => l.startsWith('POST'))).toEqual([
        `POST ${R}/check-runs`,
        `POST ${R}/pulls/7/reviews`,
        `POST ${R}/issues/7/comments`,
      ]);
      expect(r.stdout).toContain(
        `controlgate: check run ${fake.state.checkRuns[0]!.id} created on ${repo.headSha}`,
      );
      expect(warnings(r)).toEqual([]);
    },
  );

  it('17. a create answered without an id: the check run is found by its external id, never "undefined"', async () => {
    const many = Array.from({ length: 60 }, (_, i) => `flag${i} = DEBUG_BACKDOOR;`).join('\n');
    const repo = prRepo({ 'src/app.js': 'ok();\n' }, { 'src/many.js': `${many}\n` });
    fake.state.files = apiFiles(repo);
    fake.inject({ method: 'POST', path: /\/check-runs$/, status: 201, body: {}, after: true });
    const r = await run(repo, { ...ALL_FEATURES, 'review-comments': 'false', comment: 'false' });
    expect(r.code).toBe(1);
    const [check] = fake.state.checkRuns;
    expect(fake.state.checkRuns).toHaveLength(1);
    expect(check!.annotations).toHaveLength(60);
    expect(check!.external_id).toMatch(/^controlgate-4242-[0-9a-f-]{36}$/);
    expect(r.stdout).not.toContain('undefined');
    expect(r.stdout).toContain(
      `controlgate: check run ${check!.id} created on ${repo.headSha} with 60 annotations`,
    );
  });
});

describe('10. a person’s token', () => {
  it('recognises its own comments by marker and by the token’s user: a re-run adds nothing', async () => {
    const repo = standardPr();
    fake.state.tokenUser = { login: 'ci-user', type: 'User' };
    const first = await run(repo);
    expect(first.code).toBe(1);
    expect(fake.state.issueComments.map((c) => c.user.login)).toEqual(['ci-user']);
    expect(fake.state.reviewComments).toHaveLength(1);

    fake.clearRequests();
    const again = await run(repo);
    expect(again.code).toBe(1);
    expect(fake.state.issueComments).toHaveLength(1);
    expect(fake.state.reviewComments).toHaveLength(1);
    expect(fake.state.reviews).toHaveLength(1);
    expect(fake.log()).toEqual([
      `POST ${R}/check-runs`,
      `GET ${R}/pulls/7/comments?per_page=100&page=1`,
      'GET /user',
      `GET ${R}/issues/7/comments?per_page=100&page=1`,
    ]);
  });

  it('still ignores a marker another person pasted', async () => {
    const repo = standardPr();
    fake.state.tokenUser = { login: 'ci-user', type: 'User' };
    fake.addComment('issue', {
      body: '<!-- controlgate:sticky path=. -->\nhijacked',
      user: { login: 'mallory', type: 'User' },
    });
    await run(repo, { ...ALL_FEATURES, 'check-run': 'false', 'review-comments': 'false' });
    expect(fake.state.issueComments.map((c) => [c.user.login, c.body.split('\n')[1]])).toEqual([
      ['mallory', 'hijacked'],
      ['ci-user', expect.stringMatching(/^## ❌ controlgate: gate failed$/)],
    ]);
  });
});

describe('11. two runs at once', () => {
  it('converge on one sticky comment: the younger duplicate is deleted', async () => {
    const repo = standardPr();
    // Both runs read the comments before either writes.
    fake.hold('GET', /\/issues\/7\/comments$/, 2);
    const inputs = { ...ALL_FEATURES, 'check-run': 'false', 'review-comments': 'false' };
    const [a, b] = await Promise.all([run(repo, inputs), run(repo, inputs)]);
    expect([a.code, b.code]).toEqual([1, 1]);
    expect(fake.log().filter((l) => l.startsWith('POST'))).toHaveLength(2);
    expect(fake.log().filter((l) => l.startsWith('DELETE'))).not.toEqual([]);
    expect(fake.state.issueComments).toHaveLength(1);
    expect(fake.state.issueComments[0]!.body.split('\n')[0]).toBe('<!-- controlgate:sticky path=. -->');
  });
});

describe('17. one warning for every API fault', () => {
  it('a token the API refuses (401) gives one warning naming each output', async () => {
    const repo = standardPr();
    fake.inject({ path: /./, status: 401, body: { message: 'Bad credentials' }, times: 100 });
    const r = await run(repo);
    expect(r.code).toBe(1);
    expect(warnings(r)).toEqual([
      '::warning::controlgate could not write the check run (HTTP 401: Bad credentials); review comments (HTTP 401: Bad credentials); the sticky comment (HTTP 401: Bad credentials). The findings are in the annotations and the job summary; the gate result is unaffected.',
    ]);
  });

  it("the sticky comment's counts agree with its table when the only finding is a policy change", async () => {
    const repo = prRepo(
      {
        '.controlgate.yml': onlyRulesConfig(['policy-change']),
        '.github/controls.yml': 'version: 1\ncontrols:\n  "8.31": { status: planned, due: 2099-01-01 }\n',
      },
      {
        '.github/controls.yml':
          'version: 1\ncontrols:\n  "8.31": { status: not-applicable, justification: Nothing is deployed }\n',
      },
    );
    fake.state.files = apiFiles(repo);
    await run(repo, { ...ALL_FEATURES, 'check-run': 'false', 'review-comments': 'false' });
    const body = fake.state.issueComments[0]!.body;
    expect(body).toContain('| 8.32 Change management | ◻️ undeclared | 1 | 0 |');
    expect(body).toContain('**1** new · **0** existing · **0** blocking');
  });
});
