/**
 * The Action with `cache-dir`, end to end: the bundle as the runner starts it, on push events to the
 * default branch, against the fake GitHub server. A run that restores the cache writes the same
 * annotations, outputs, JSON report and API requests as the run that wrote it, and a cache someone
 * tampered with costs one warning annotation and nothing else.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CACHE_FILE } from '../../src/core/cache/store.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import { scratchRepo } from '../helpers/git-repo.js';
import {
  buildPrivateBundle,
  commandLines,
  makeTree,
  removeTempDirs,
  runAction,
} from '../helpers/run-action.js';
import { onlyRulesConfig } from './pr-helpers.js';

const RULES = ['api-token-committed', 'workflow-unpinned-action', 'tls-verification-disabled'];
const TOKEN = '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';

beforeAll(() => {
  buildPrivateBundle();
}, 240_000);
afterAll(removeTempDirs);

let fake: FakeGitHub;
let out = '';
beforeEach(async () => {
  fake = await FakeGitHub.start();
  out = makeTree({});
});
afterEach(async () => {
  await fake.close();
});

/** A push to main, as the runner describes it. */
function pushEvent(sha: string): Record<string, string> {
  const dir = makeTree({});
  const file = path.join(dir, 'event.json');
  writeFileSync(
    file,
    JSON.stringify({
      ref: 'refs/heads/main',
      after: sha,
      repository: { full_name: 'acme/payments-api', default_branch: 'main' },
    }),
  );
  return {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: file,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: sha,
    GITHUB_API_URL: fake.url,
    GITHUB_REPOSITORY: 'acme/payments-api',
  };
}

function repository() {
  const repo = scratchRepo(makeTree({}));
  const files: Record<string, string> = {
    '.controlgate.yml': onlyRulesConfig(RULES),
    '.github/workflows/ci.yml':
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n',
    'scripts/setup.sh': 'curl --insecure -o /tmp/t.tgz https://downloads.example/t.tgz\n',
    'src/settings.py': `TOKEN = "${TOKEN}"\n`,
  };
  for (let i = 0; i < 30; i++) files[`src/m${i}.js`] = `export const v${i} = ${i};\n`;
  const sha = repo.commit(files);
  return { ...repo, sha };
}

/** One run of the Action with the cache in `.controlgate-cache`, and a JSON report outside the checkout. */
function run(dir: string, sha: string, json: string) {
  return runAction({
    workspace: dir,
    inputs: {
      token: 'ghs_fake_token_for_tests',
      'fail-on': 'never',
      'cache-dir': '.controlgate-cache',
      'json-file': path.join(out, json),
      'check-run': 'false',
      comment: 'false',
      'review-comments': 'false',
    },
    env: pushEvent(sha),
  });
}

const report = (file: string) => {
  const { run: _run, ...rest } = JSON.parse(readFileSync(path.join(out, file), 'utf8'));
  return rest;
};

describe('the Action with cache-dir', () => {
  it('writes the cache, and a second run restores it with the same annotations, outputs, report and requests', async () => {
    const repo = repository();
    const first = await run(repo.dir, repo.sha, 'first.json');
    expect(first.code).toBe(0);
    const cache = JSON.parse(readFileSync(path.join(repo.dir, '.controlgate-cache', CACHE_FILE), 'utf8'));
    expect(cache.format).toBe('controlgate-cache');
    expect(cache.paths).toContain('src/settings.py');
    const firstRequests = fake.requests.map((r) => `${r.method} ${r.path}`);
    fake.requests.length = 0;

    const second = await run(repo.dir, repo.sha, 'second.json');
    expect(second.code).toBe(0);
    const stats = (r: typeof first) => commandLines(r).filter((l) => l.startsWith('::debug::cache-dir: '));
    expect(stats(first)).toEqual([
      '::debug::cache-dir: 0 rule outcomes restored, 102 evaluated (102 kept for the next run), 34 files written',
    ]);
    expect(stats(second)).toEqual([
      '::debug::cache-dir: 102 rule outcomes restored, 0 evaluated; the cache is unchanged',
    ]);
    expect(commandLines(second).filter((l) => !stats(second).includes(l))).toEqual(
      commandLines(first).filter((l) => !stats(first).includes(l)),
    );
    expect(second.outputs).toEqual({ ...first.outputs, 'json-file': second.outputs['json-file'] });
    expect(report('second.json')).toEqual(report('first.json'));
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(firstRequests);
    expect(first.lines.filter((l) => l.includes('file=src/settings.py,line=1,'))).toHaveLength(1);
  });

  it('ignores a tampered cache with one warning annotation and reports as without it', async () => {
    const repo = repository();
    const first = await run(repo.dir, repo.sha, 'first.json');
    const file = path.join(repo.dir, '.controlgate-cache', CACHE_FILE);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    const i = doc.paths.indexOf('src/settings.py');
    doc.outcomes[i] = [[0, [{ message: 'x', location: null, fp: 'nothex' }]]];
    writeFileSync(file, JSON.stringify(doc));
    const second = await run(repo.dir, repo.sha, 'second.json');
    const warnings = commandLines(second).filter((l) => l.startsWith('::warning') && l.includes('cache-dir'));
    expect(warnings).toEqual([
      `::warning::cache-dir: the cache is ignored, every file is evaluated: ${file}: /outcomes/${i}/0/1: expected findings located in src/settings.py`,
    ]);
    // Every file evaluated again, as the first run did (the cache is then rewritten whole).
    expect(commandLines(second).filter((l) => !warnings.includes(l))).toEqual(commandLines(first));
    expect(report('second.json')).toEqual(report('first.json'));
  });
});
