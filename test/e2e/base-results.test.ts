/**
 * Base results through a workflow artifact (input `base-results`), end to end through the built
 * bundle: a push to the default branch writes the file the workflow uploads; a pull request finds
 * the artifact of that push run through the fake API, follows the download's redirect without the
 * token, and hands the results to the engine; an artifact from any other run is never used.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseBaseResults } from '../../src/core/base-results.js';
import { FakeGitHub, STORAGE_SIGNATURE } from '../helpers/fake-github.js';
import { type ActionRun, commandLines, makeTree, runAction, useBuiltBundle } from '../helpers/run-action.js';
import { writeZip } from '../helpers/zip-writer.js';
import { apiFiles, OWNER, onlyRulesConfig, prRepo, pullRequestEvent, REPO } from './pr-helpers.js';

useBuiltBundle();

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await FakeGitHub.start();
});
afterEach(async () => {
  await fake.close();
});

const NAME = 'controlgate-base-results';
const TOKEN = 'ghs_fake_token_for_tests';
const R = `/repos/${OWNER}/${REPO}`;
/**
 * Rules that read the whole tree (their results are what base results carry): two built-in ones and
 * a custom one from a folder the configuration names (the push run reads it from the work tree, the
 * pull request's run from the base commit: the same rule for the results key); and a per-file one.
 */
const WHOLE_TREE = ['security-policy', 'codeowners-present', 'changelog-present'];
const CUSTOM_RULE = [
  'id: changelog-present',
  'title: A changelog tells users what changed',
  'severity: low',
  'controls: ["8.32"]',
  'rationale: Fixture rule for the end-to-end tests.',
  'remediation: Add CHANGELOG.md.',
  'check:',
  '  kind: file.exists',
  '  with:',
  '    paths: ["CHANGELOG.md"]',
  '',
].join('\n');
const KEEP = [...WHOLE_TREE, 'tls-verification-disabled'];
/** What the base results keep: security-policy reads the owner's `.github` through the API, never stored. */
const STORED = WHOLE_TREE.filter((id) => id !== 'security-policy');
const SCRIPT = 'scripts/fetch.sh';

/** A pull request that turns TLS verification off (a high finding) in a repository without a security policy. */
function repository() {
  const repo = prRepo(
    {
      '.controlgate.yml': `${onlyRulesConfig(KEEP)}rule-dirs:\n  - team-rules\n`,
      'team-rules/changelog-present.yml': CUSTOM_RULE,
      [SCRIPT]: '#!/bin/sh\nwget -O tool.tgz https://downloads.example/tool.tgz\n',
    },
    { [SCRIPT]: '#!/bin/sh\nwget --no-check-certificate -O tool.tgz https://downloads.example/tool.tgz\n' },
  );
  fake.state.files = apiFiles(repo);
  return repo;
}

/** A push to `branch` of the commit checked out in `workspace`. */
function pushRun(workspace: string, sha: string, inputs: Record<string, string>, branch = 'main') {
  const event = path.join(makeTree({}), 'event.json');
  writeFileSync(
    event,
    JSON.stringify({
      ref: `refs/heads/${branch}`,
      after: sha,
      repository: { full_name: `${OWNER}/${REPO}`, default_branch: 'main' },
    }),
  );
  return runAction({
    workspace,
    inputs: { 'fail-on': 'never', ...inputs },
    env: {
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: event,
      GITHUB_REF: `refs/heads/${branch}`,
      GITHUB_SHA: sha,
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    },
  });
}

/** The base commit's results as a push run on main writes them, zipped as upload-artifact does. */
async function baseArtifact(repo: ReturnType<typeof repository>): Promise<{ zip: Buffer; rules: string[] }> {
  repo.git('checkout', '-q', 'main');
  const run = await pushRun(repo.dir, repo.baseSha, { 'base-results': NAME });
  repo.git('checkout', '-q', 'feature');
  const file = run.outputs['base-results-file'];
  expect(file).toBe(path.join(run.runnerDir, 'controlgate', 'base-results.json'));
  const text = readFileSync(file!, 'utf8');
  const rules = Object.keys(parseBaseResults(text).rules);
  return { zip: writeZip([{ name: 'base-results.json', data: text }]), rules };
}

function prRun(repo: ReturnType<typeof repository>, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    workspace: repo.dir,
    inputs: { token: TOKEN, 'fail-on': 'high', ...inputs },
    env: pullRequestEvent({ base: repo.baseSha, head: repo.headSha }, fake.url),
  });
}

/** What a user sees of a run: its exit code and its annotations. */
function verdict(run: ActionRun) {
  return {
    code: run.code,
    annotations: commandLines(run).filter((l) => /^::(error|warning|notice)/.test(l)),
  };
}

const short = (sha: string) => sha.slice(0, 12);

describe('base results, written on a push to the default branch', () => {
  it('writes the results of the commit checked out and sets the output', async () => {
    const repo = repository();
    repo.git('checkout', '-q', 'main');
    const run = await pushRun(repo.dir, repo.baseSha, { 'base-results': NAME });
    const file = path.join(run.runnerDir, 'controlgate', 'base-results.json');
    expect(run.code).toBe(0);
    expect(run.outputs['base-results-file']).toBe(file);
    const results = parseBaseResults(readFileSync(file, 'utf8'));
    expect(results.commit).toBe(repo.baseSha);
    expect(Object.keys(results.rules).sort()).toEqual([...STORED].sort());
    expect(run.lines).toContain(
      `controlgate: base results of commit ${short(repo.baseSha)} (${Object.keys(results.rules).length} rules) written to ${file}; upload it with actions/upload-artifact as the artifact ${NAME}`,
    );
    expect(fake.requests).toEqual([]);
  });

  it('writes nothing on a push to another branch, on a pull request, or without the input', async () => {
    const repo = repository();
    const runs = [
      await pushRun(repo.dir, repo.headSha, { 'base-results': NAME }, 'feature'),
      await prRun(repo, { 'base-results': NAME }),
      await pushRun(repo.dir, repo.headSha, {}, 'main'),
    ];
    for (const run of runs) {
      expect(run.outputs['base-results-file']).toBeUndefined();
      expect(existsSync(path.join(run.runnerDir, 'controlgate'))).toBe(false);
      expect(run.stdout).not.toContain('written to');
    }
  });
});

describe('base results, never written through a symbolic link', () => {
  it.each([
    [
      'the folder',
      (temp: string, elsewhere: string) => symlinkSync(elsewhere, path.join(temp, 'controlgate')),
    ],
    [
      'the file',
      (temp: string, elsewhere: string) => {
        mkdirSync(path.join(temp, 'controlgate'));
        symlinkSync(
          path.join(elsewhere, 'planted.json'),
          path.join(temp, 'controlgate', 'base-results.json'),
        );
      },
    ],
  ])('refuses %s as a symbolic link, and goes on', async (_what, plant) => {
    const repo = repository();
    repo.git('checkout', '-q', 'main');
    const temp = makeTree({});
    const elsewhere = makeTree({});
    plant(temp, elsewhere);
    const event = path.join(makeTree({}), 'event.json');
    writeFileSync(
      event,
      JSON.stringify({ repository: { full_name: `${OWNER}/${REPO}`, default_branch: 'main' } }),
    );
    const run = await runAction({
      workspace: repo.dir,
      inputs: { 'fail-on': 'never', 'base-results': NAME },
      env: {
        GITHUB_EVENT_NAME: 'push',
        GITHUB_EVENT_PATH: event,
        GITHUB_REF: 'refs/heads/main',
        RUNNER_TEMP: temp,
      },
    });
    expect(run.code).toBe(0);
    expect(run.outputs['base-results-file']).toBeUndefined();
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(run.lines.filter((l) => l.includes('base results'))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^controlgate: no base results were written to ${path.join(temp, 'controlgate', 'base-results.json').replace(/[.]/g, '\\.')}: `,
        ),
      ),
    ]);
  });
});

describe('base results, read on a pull request', () => {
  it('uses the artifact of the push run on the base commit, downloaded without the token', async () => {
    const repo = repository();
    const { zip, rules: stored } = await baseArtifact(repo);
    const artifact = fake.addArtifact(NAME, zip, { id: 77, head_sha: repo.baseSha });
    const reportFile = path.join(makeTree({}), 'report.json');
    const withBase = await prRun(repo, { 'base-results': NAME, 'json-file': reportFile });
    const source = `artifact ${NAME} (id ${artifact.id}) of run 77, push to main`;
    expect(withBase.lines.filter((l) => l.startsWith('controlgate: base results'))).toEqual([
      `controlgate: base results from ${source} (commit ${short(repo.baseSha)}, ${stored.length} rules)`,
    ]);
    // The engine took them: the change touches nothing the two whole-tree rules read.
    expect(JSON.parse(readFileSync(reportFile, 'utf8')).summary.reused).toEqual({
      rules: STORED.length,
      source,
    });
    expect(withBase.lines).toContain(
      `${STORED.length} rules that read across files not evaluated again: the change touches nothing they read, and the results of the base commit come from ${source}`,
    );
    const actions = fake.requests.filter(
      (r) => r.path.includes('/actions/') || r.path.startsWith('/storage/'),
    );
    expect(actions.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${R}/actions/artifacts`,
      `GET ${R}/actions/runs/77`,
      `GET ${R}/actions/artifacts/${artifact.id}/zip`,
      `GET /storage/artifacts/${artifact.id}.zip`,
    ]);
    expect(actions[0]!.query).toEqual({ name: NAME, per_page: '100' });
    expect(actions[2]!.headers.authorization).toBe(`token ${TOKEN}`);
    expect(actions[3]!.headers.authorization).toBeUndefined();
    expect(withBase.stdout).not.toContain(STORAGE_SIGNATURE);
    expect(withBase.lines.filter((l) => !l.startsWith('::add-mask::')).join('\n')).not.toContain(TOKEN);

    // The verdict is the one a run without base results gives; that run asks nothing of /actions.
    fake.clearRequests();
    const without = await prRun(repo);
    expect(fake.requests.filter((r) => r.path.includes('/actions/'))).toEqual([]);
    expect(without.stdout).not.toContain('base results');
    expect(verdict(withBase)).toEqual(verdict(without));
    expect(verdict(withBase).code).toBe(1);
  });

  it.each<
    [string, (sha: string, other: string) => [Record<string, unknown>, Record<string, unknown>], string]
  >([
    [
      "a pull request's own run",
      (sha) => [{ event: 'pull_request', head_branch: 'feature', head_sha: sha }, {}],
      'was made by a "pull_request" run, not by a push to main; only an artifact of a push run on main is trusted',
    ],
    [
      'a push to another branch',
      (sha) => [{ head_branch: 'feature', head_sha: sha }, {}],
      'was made by a push to "feature", not to main; only an artifact of a push run on main is trusted',
    ],
    [
      'a run on another commit',
      (_sha, other) => [{ head_sha: other }, {}],
      'NO-CANDIDATE was made on commit OTHER, not on the base commit BASE); run controlgate with base-results on every push to main and upload its base-results-file under that name',
    ],
    [
      "a run on a fork's code",
      (sha) => [{ head_sha: sha, head_repository: { id: 2, full_name: `contributor/${REPO}` } }, {}],
      "NO-CANDIDATE was made by a run on a fork's code); run controlgate with base-results on every push to main and upload its base-results-file under that name",
    ],
  ])('does not use an artifact of %s', async (_what, make, tail) => {
    const repo = repository();
    const { zip } = await baseArtifact(repo);
    const [run, over] = make(repo.baseSha, repo.headSha);
    const artifact = fake.addArtifact(NAME, zip, { id: 78, ...run } as never, over);
    fake.clearRequests();
    const result = await prRun(repo, { 'base-results': NAME });
    const label = `artifact ${NAME} (id ${artifact.id}) of run 78`;
    const why = tail
      .replace(
        'NO-CANDIDATE',
        `no artifact named ${NAME} was made for the base commit ${short(repo.baseSha)} (newest: ${label}`,
      )
      .replace('OTHER', short(repo.headSha))
      .replace('BASE', short(repo.baseSha));
    const expected = why.startsWith('no artifact') ? why : `${label} ${why}`;
    expect(result.lines.filter((l) => l.startsWith('controlgate: base results'))).toEqual([
      `controlgate: base results not used, every rule is evaluated: ${expected}`,
    ]);
    expect(fake.log().filter((l) => /\/zip|\/storage\//.test(l))).toEqual([]);
    expect(verdict(result).code).toBe(1);
  });

  it('goes on without them when the genuine artifact is a zip bomb', async () => {
    const repo = repository();
    const bomb = writeZip([
      { name: 'base-results.json', data: Buffer.alloc(80 * 1024 * 1024, 0x20), declaredSize: 10 },
    ]);
    const artifact = fake.addArtifact(NAME, bomb, { id: 79, head_sha: repo.baseSha });
    const result = await prRun(repo, { 'base-results': NAME });
    expect(result.lines.filter((l) => l.startsWith('controlgate: base results'))).toEqual([
      `controlgate: base results not used, every rule is evaluated: artifact ${NAME} (id ${artifact.id}) of run 79, push to main is not readable base results: the zip entry base-results.json inflates past the bound of ${64 * 1024 * 1024} bytes`,
    ]);
    expect(fake.log().filter((l) => l.startsWith('GET /storage/'))).toHaveLength(1);
    expect(verdict(result)).toEqual(verdict(await prRun(repo)));
  });

  it('goes on without them when the token may not read the artifacts', async () => {
    const repo = repository();
    fake.inject({
      path: /\/actions\/artifacts$/,
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    });
    const result = await prRun(repo, { 'base-results': NAME });
    expect(result.lines.filter((l) => l.startsWith('controlgate: base results'))).toEqual([
      'controlgate: base results not used, every rule is evaluated: the artifacts could not be listed (HTTP 403: give the job the permission actions: read)',
    ]);
    expect(verdict(result).code).toBe(1);
  });
});
