/**
 * The results cache through the Action (input `results-cache`), end to end through the built bundle:
 * a run of the default branch writes the file actions/cache saves, and the next one takes the results
 * of the unchanged files from it and judges as a run without it; a pull request's run, a feature
 * branch's, a path inside the checkout and a planted symbolic link are refused, each said in one line.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFileCache } from '../../src/core/file-cache.js';
import { scratchRepo } from '../helpers/git-repo.js';
import { type ActionRun, commandLines, makeTree, runAction, useBuiltBundle } from '../helpers/run-action.js';
import { OWNER, pullRequestEvent, REPO } from './pr-helpers.js';

useBuiltBundle();

const TOKEN = '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';

/** A repository on main: a script that turns TLS verification off, and clean sources. */
function repository() {
  const repo = scratchRepo(makeTree({}));
  const sha = repo.commit(
    {
      'scripts/fetch.sh':
        '#!/bin/sh\nwget --no-check-certificate -O tool.tgz https://downloads.example/tool.tgz\n',
      'src/a.js': 'export const a = 1;\n',
      'src/b.js': 'export const b = 2;\n',
    },
    'first',
  );
  return { ...repo, sha };
}

/** A run of `event` on `branch` of the commit checked out in `workspace`. */
function branchRun(
  workspace: string,
  sha: string,
  inputs: Record<string, string>,
  branch = 'main',
  event = 'push',
) {
  const file = path.join(makeTree({}), 'event.json');
  writeFileSync(
    file,
    JSON.stringify({
      ref: `refs/heads/${branch}`,
      after: sha,
      repository: { full_name: `${OWNER}/${REPO}`, default_branch: 'main' },
    }),
  );
  return runAction({
    workspace,
    inputs: { 'fail-on': 'high', ...inputs },
    env: {
      GITHUB_EVENT_NAME: event,
      GITHUB_EVENT_PATH: file,
      GITHUB_REF: `refs/heads/${branch}`,
      GITHUB_SHA: sha,
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    },
  });
}

/** What a user sees of a run: its exit code and its annotations. */
const verdict = (run: ActionRun) => ({
  code: run.code,
  annotations: commandLines(run).filter((l) => /^::(error|warning|notice)/.test(l)),
});

/** A cache file outside the checkout, as actions/cache restores it under the runner's temp folder. */
const cacheFile = () => path.join(makeTree({}), 'controlgate', 'results-cache.json');

describe('the results cache in the Action', () => {
  it('is written by a run of the default branch, and taken by the next for the unchanged files', async () => {
    const repo = repository();
    const file = cacheFile();
    const first = await branchRun(repo.dir, repo.sha, { 'results-cache': file });
    expect(first.lines).toContain("results cache: none yet; this run's is kept for the next");
    const cache = parseFileCache(readFileSync(file, 'utf8'));
    expect(cache.paths).toEqual(['scripts/fetch.sh', 'src/a.js', 'src/b.js']);
    expect(first.lines).toContain(`controlgate: results cache of 3 files written to ${file}`);

    const sha = repo.commit({ 'src/b.js': `export const token = "${TOKEN}";\n` }, 'second');
    const second = await branchRun(repo.dir, sha, { 'results-cache': file });
    const rules = cache.rules.length;
    expect(
      second.lines.some((l) =>
        l.startsWith(
          `results cache (${file}): 2 of 3 files unchanged; ${rules} of ${rules} per-file rules taken from it for them, and `,
        ),
      ),
    ).toBe(true);
    const without = await branchRun(repo.dir, sha, {});
    expect(verdict(second)).toEqual(verdict(without));
    // The unchanged script's finding (from the cache) and the new token's both fail the gate.
    expect(second.code).toBe(1);
    expect(
      verdict(second)
        .annotations.filter((l) => l.startsWith('::error'))
        .map((l) => /file=([^,]+)/.exec(l)?.[1]),
    ).toEqual(expect.arrayContaining(['scripts/fetch.sh', 'src/b.js']));
  });

  it('is neither read nor written by a pull request, a feature branch, or a schedule elsewhere than the default branch', async () => {
    const repo = repository();
    const file = cacheFile();
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'planted\n');
    const pr = await runAction({
      workspace: repo.dir,
      inputs: { 'fail-on': 'high', 'results-cache': file },
      env: pullRequestEvent({ base: repo.sha, head: repo.sha }, 'http://127.0.0.1:1'),
    });
    expect(pr.lines).toContain(
      'controlgate: results cache not used: a pull_request run is not given one: only runs of the default branch (push, schedule, workflow_dispatch) read and write it',
    );
    const feature = await branchRun(repo.dir, repo.sha, { 'results-cache': file }, 'feature');
    expect(feature.lines).toContain(
      'controlgate: results cache not used: the run is not on the default branch (main)',
    );
    for (const run of [pr, feature]) expect(run.stdout).not.toContain('results cache of');
    expect(readFileSync(file, 'utf8')).toBe('planted\n');
  });

  it('says what it could not read and goes on: a broken file, a symbolic link', async () => {
    const repo = repository();
    const file = cacheFile();
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '{"format":"other"}\n');
    const broken = await branchRun(repo.dir, repo.sha, { 'results-cache': file });
    expect(broken.lines).toContain(
      `controlgate: results cache ${file} not taken: format is "other", expected controlgate-results-cache/1`,
    );
    expect(parseFileCache(readFileSync(file, 'utf8')).paths).toHaveLength(3);

    const target = path.join(makeTree({}), 'elsewhere.json');
    const link = cacheFile();
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(target, link);
    const linked = await branchRun(repo.dir, repo.sha, { 'results-cache': link });
    expect(linked.lines).toContain(`controlgate: results cache ${link} not read (ELOOP)`);
    expect(
      linked.lines.some((l) => l.startsWith(`controlgate: results cache not written to ${link}: `)),
    ).toBe(true);
    expect(existsSync(target)).toBe(false);
    expect(verdict(linked)).toEqual(verdict(broken));
  });

  it('refuses a path inside the checked folder, where the check would read it', async () => {
    const repo = repository();
    const run = await branchRun(repo.dir, repo.sha, { 'results-cache': '.cache/results.json' });
    expect(run.code).toBe(1);
    expect(commandLines(run, 'error')[0]).toContain(
      'Input "results-cache": .cache/results.json lies inside the checked folder, where the check would read it as a file of the repository; give a path outside it',
    );
  });
});
