import { describe, expect, it } from 'vitest';
import {
  artifactProblem,
  fetchBaseResults,
  MAX_ARTIFACT_BYTES,
  runProblem,
} from '../../src/action/base-artifact.js';
import { type ApiClient, ApiError } from '../../src/action/github.js';
import { BASE_RESULTS_FORMAT } from '../../src/core/base-results.js';
import { writeZip } from '../helpers/zip-writer.js';

const BASE = 'b'.repeat(40);
const OTHER = 'c'.repeat(40);
const QUERY = {
  name: 'controlgate-base-results',
  commit: BASE,
  defaultBranch: 'main',
  repository: 'acme/payments-api',
};

function artifact(over: Record<string, unknown> = {}, run: Record<string, unknown> = {}) {
  return {
    id: 12,
    name: 'controlgate-base-results',
    size_in_bytes: 2048,
    expired: false,
    created_at: '2026-01-02T00:00:00Z',
    workflow_run: {
      id: 34,
      repository_id: 1,
      head_repository_id: 1,
      head_branch: 'main',
      head_sha: BASE,
      ...run,
    },
    ...over,
  };
}

function workflowRun(over: Record<string, unknown> = {}) {
  return {
    id: 34,
    event: 'push',
    head_branch: 'main',
    head_sha: BASE,
    repository: { full_name: 'acme/payments-api' },
    head_repository: { full_name: 'acme/payments-api' },
    ...over,
  };
}

describe('artifactProblem', () => {
  it('accepts an artifact of the base commit made in the repository', () => {
    expect(artifactProblem(artifact(), QUERY)).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>, string]>([
    ['no id', { id: 'x' }, {}, 'has no id'],
    ['another name', { name: 'other' }, {}, 'is named "other", not controlgate-base-results'],
    ['expired', { expired: true }, {}, 'has expired'],
    ['expiry unknown', { expired: undefined }, {}, 'has expired'],
    ['no size', { size_in_bytes: -1 }, {}, 'has no size'],
    [
      'too large',
      { size_in_bytes: MAX_ARTIFACT_BYTES + 1 },
      {},
      `is ${MAX_ARTIFACT_BYTES + 1} bytes, over the bound of ${MAX_ARTIFACT_BYTES}`,
    ],
    ['no run', { workflow_run: null }, {}, 'names no workflow run'],
    [
      'another commit',
      {},
      { head_sha: OTHER },
      `was made on commit cccccccccccc, not on the base commit bbbbbbbbbbbb`,
    ],
    ["a fork's code", {}, { head_repository_id: 2 }, "was made by a run on a fork's code"],
    ['no repository id', {}, { repository_id: undefined }, "was made by a run on a fork's code"],
  ])('rejects %s', (_what, over, run, message) => {
    expect(artifactProblem(artifact(over, run), QUERY)).toBe(message);
  });
});

describe('runProblem', () => {
  it('accepts a push run on the default branch at the base commit', () => {
    expect(runProblem(workflowRun(), 34, QUERY)).toBeUndefined();
  });

  // A pull request's own runs never qualify, whatever they upload: `pull_request` runs the change's
  // workflow, and the others run on the default branch's commit while acting on a pull request.
  it.each<[string, Record<string, unknown>, string]>([
    ['another run', { id: 35 }, 'comes from a run the API does not describe'],
    [
      'a pull_request run',
      { event: 'pull_request' },
      'was made by a "pull_request" run, not by a push to main',
    ],
    [
      'a pull_request_target run',
      { event: 'pull_request_target' },
      'was made by a "pull_request_target" run, not by a push to main',
    ],
    [
      'a workflow_run run',
      { event: 'workflow_run' },
      'was made by a "workflow_run" run, not by a push to main',
    ],
    ['no event', { event: undefined }, 'was made by a run of no known event, not by a push to main'],
    ['a push to another branch', { head_branch: 'feature' }, 'was made by a push to "feature", not to main'],
    [
      'a push of another commit',
      { head_sha: OTHER },
      'was made by a run on commit cccccccccccc, not on the base commit bbbbbbbbbbbb',
    ],
    [
      'another repository',
      { repository: { full_name: 'evil/payments-api' } },
      'was made by a run of "evil/payments-api", not of acme/payments-api',
    ],
    [
      "a fork's code",
      { head_repository: { full_name: 'evil/payments-api' } },
      'was made by a run on the code of "evil/payments-api"',
    ],
  ])('rejects %s', (_what, over, message) => {
    expect(runProblem(workflowRun(over), 34, QUERY)).toBe(message);
  });
});

const RESULTS = JSON.stringify({
  format: BASE_RESULTS_FORMAT,
  version: '0.1.0',
  commit: BASE,
  key: 'a'.repeat(64),
  rules: {},
});

/** A client answering the three requests from `answers`; records routes and downloads. */
function client(answers: { artifacts?: unknown[] | ApiError; runs?: Record<number, unknown>; zip?: Buffer }) {
  const log: string[] = [];
  const c = {
    owner: 'acme',
    repo: 'payments-api',
    async request(route: string, params: Record<string, unknown> = {}, opts: { redirect?: string } = {}) {
      log.push(`${route} ${JSON.stringify(params)}${opts.redirect ? ` redirect=${opts.redirect}` : ''}`);
      if (route.endsWith('/actions/artifacts')) {
        if (answers.artifacts instanceof ApiError) throw answers.artifacts;
        return { status: 200, data: { artifacts: answers.artifacts ?? [] }, headers: {} };
      }
      if (route.endsWith('/runs/{run_id}')) {
        const run = answers.runs?.[params.run_id as number];
        if (!run) throw new ApiError('Not Found', 404);
        return { status: 200, data: run, headers: {} };
      }
      return {
        status: 302,
        data: '',
        headers: { location: `https://storage.test/a/${params.artifact_id}?sig=s` },
      };
    },
    async download(url: string, max: number) {
      log.push(`download ${url} ${max}`);
      return answers.zip ?? Buffer.alloc(0);
    },
  };
  return { client: c as unknown as ApiClient, log };
}

describe('fetchBaseResults', () => {
  it('reads the newest genuine artifact, following the redirect itself', async () => {
    const zip = writeZip([{ name: 'base-results.json', data: RESULTS }]);
    const { client: c, log } = client({ artifacts: [artifact()], runs: { 34: workflowRun() }, zip });
    const outcome = await fetchBaseResults(c, QUERY);
    expect(outcome).toEqual({
      input: {
        results: JSON.parse(RESULTS),
        source: 'artifact controlgate-base-results (id 12) of run 34, push to main',
      },
    });
    expect(log).toEqual([
      'GET /repos/{owner}/{repo}/actions/artifacts {"name":"controlgate-base-results","per_page":100}',
      'GET /repos/{owner}/{repo}/actions/runs/{run_id} {"run_id":34}',
      'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format} {"artifact_id":12,"archive_format":"zip"} redirect=manual',
      `download https://storage.test/a/12?sig=s ${MAX_ARTIFACT_BYTES}`,
    ]);
  });

  it('passes over a newer artifact of a pull_request_target run to an older one of a push', async () => {
    const zip = writeZip([{ name: 'base-results.json', data: RESULTS }]);
    const planted = artifact({ id: 13, created_at: '2026-01-03T00:00:00Z' }, { id: 35 });
    const { client: c } = client({
      artifacts: [artifact(), planted],
      runs: { 34: workflowRun(), 35: workflowRun({ id: 35, event: 'pull_request_target' }) },
      zip,
    });
    const outcome = await fetchBaseResults(c, QUERY);
    expect('input' in outcome && outcome.input.source).toBe(
      'artifact controlgate-base-results (id 12) of run 34, push to main',
    );
  });

  it("gives the newest artifact's reason, whatever order the API lists them in", async () => {
    const older = artifact({ id: 12, expired: true, created_at: '2026-01-01T00:00:00Z' });
    const newer = artifact({ id: 13, created_at: '2026-01-05T00:00:00Z' }, { id: 35, head_sha: OTHER });
    expect(await fetchBaseResults(client({ artifacts: [older, newer] }).client, QUERY)).toEqual({
      why: 'no artifact named controlgate-base-results was made for the base commit bbbbbbbbbbbb (newest: artifact controlgate-base-results (id 13) of run 35 was made on commit cccccccccccc, not on the base commit bbbbbbbbbbbb); run controlgate with base-results on every push to main and upload its base-results-file under that name',
    });
  });

  it('says why when nothing qualifies', async () => {
    const cases: [Parameters<typeof client>[0], string][] = [
      [
        { artifacts: new ApiError('Resource not accessible by integration', 403) },
        'the artifacts could not be listed (HTTP 403: give the job the permission actions: read)',
      ],
      [
        { artifacts: [] },
        'no artifact named controlgate-base-results was made for the base commit bbbbbbbbbbbb; run controlgate with base-results on every push to main and upload its base-results-file under that name',
      ],
      [
        { artifacts: [artifact({}, { head_sha: OTHER })] },
        'no artifact named controlgate-base-results was made for the base commit bbbbbbbbbbbb (newest: artifact controlgate-base-results (id 12) of run 34 was made on commit cccccccccccc, not on the base commit bbbbbbbbbbbb); run controlgate with base-results on every push to main and upload its base-results-file under that name',
      ],
      [
        { artifacts: [artifact()], runs: { 34: workflowRun({ event: 'pull_request' }) } },
        'artifact controlgate-base-results (id 12) of run 34 was made by a "pull_request" run, not by a push to main; only an artifact of a push run on main is trusted',
      ],
      [
        {
          artifacts: [artifact()],
          runs: { 34: workflowRun() },
          zip: Buffer.from('not a zip at all, really'),
        },
        'artifact controlgate-base-results (id 12) of run 34, push to main is not readable base results: not a zip archive (no end-of-central-directory record)',
      ],
      [
        {
          artifacts: [artifact()],
          runs: { 34: workflowRun() },
          zip: writeZip([{ name: 'base-results.json', data: '{"format":"other"}' }]),
        },
        'artifact controlgate-base-results (id 12) of run 34, push to main is not readable base results: format is "other", expected controlgate-base-results/1',
      ],
      [
        {
          artifacts: [artifact()],
          runs: { 34: workflowRun() },
          zip: writeZip([{ name: 'base-results.json', data: Buffer.from([0x7b, 0xff, 0x7d]) }]),
        },
        'artifact controlgate-base-results (id 12) of run 34, push to main is not readable base results: The encoded data was not valid for encoding utf-8',
      ],
    ];
    for (const [answers, why] of cases) {
      expect(await fetchBaseResults(client(answers).client, QUERY)).toEqual({ why });
    }
  });
});
