import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveBaseline } from '../../src/core/base-tree.js';
import { DiffIndex } from '../../src/core/diff.js';
import { runCheck } from '../../src/core/engine.js';
import { signCrc32Base62 } from '../../src/core/evaluators/secrets/checksums.js';
import { type Report, silentLogger } from '../../src/core/types.js';
import { scratchRepo } from '../helpers/git-repo.js';

const RULES = ['api-token-committed', 'workflow-unpinned-action', 'lockfile-missing', 'codeowners-present'];
/**
 * Distinct, random-looking GitHub tokens with valid checksums (the detectors skip placeholders like
 * ghp_1111... and bodies whose checksum does not match).
 */
const TOKEN = (n: number) =>
  `ghp_${signCrc32Base62('R8kq2ZxV7pLm4TnW9sYb3HcJ6fDg1QaE5uKo0XiM'.slice(n, n + 30))}`;
const WORKFLOW = (ref: string) =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-node@${ref}\n`;

/** A base commit with debt in every kind of rule, then a change that touches two files. */
function repository() {
  const repo = scratchRepo();
  const base = repo.commit({
    'old/settings.py': `TOKEN = "${TOKEN(1)}"\n`,
    '.github/workflows/old.yml': WORKFLOW('v4'),
    '.github/workflows/touched.yml': WORKFLOW('v4'),
    'app/package.json': '{"name":"app","dependencies":{"left-pad":"1.3.0"}}\n',
    'app/package-lock.json': '{}\n',
  });
  repo.commit({
    'new/settings.py': `TOKEN = "${TOKEN(2)}"\n`,
    '.github/workflows/touched.yml': `${WORKFLOW('v4')}      - uses: actions/cache@v4\n`,
    'app/package-lock.json': null,
  });
  return { ...repo, base };
}

async function check(
  dir: string,
  baseline: string | undefined,
  scan?: 'changed' | 'all',
  diff?: DiffIndex,
  worktree?: boolean,
) {
  return runCheck({
    root: dir,
    onlyRules: RULES,
    failOnGap: false,
    change: {
      scope: 'new',
      ...(baseline ? { baseline } : {}),
      ...(scan ? { scan } : {}),
      ...(diff ? { diff } : {}),
      ...(worktree ? { worktree } : {}),
    },
  });
}

/** `rule path:line new|existing`, sorted. */
const where = (r: Report) =>
  r.findings
    .map(
      (f) =>
        `${f.ruleId} ${f.location?.path ?? '(repository)'}:${f.location?.startLine ?? 0} ${f.isNew ? 'new' : 'existing'}`,
    )
    .sort();

describe('scan: changed on a pull request', () => {
  it('runs per-file rules on the changed files only, cross-file and repository rules on the whole tree', async () => {
    const { dir, base } = repository();
    const report = await check(dir, base);
    expect(where(report)).toEqual([
      'api-token-committed new/settings.py:1 new',
      'codeowners-present (repository):0 existing',
      'lockfile-missing app/package.json:1 new',
      'workflow-unpinned-action .github/workflows/touched.yml:6 existing',
      'workflow-unpinned-action .github/workflows/touched.yml:7 new',
    ]);
    expect(report.summary).toMatchObject({ files: 5, changedFiles: 2 });
    expect(report.summary.gate.result).toBe('fail');
  });

  it('scan: all finds the same new findings and also lists the existing ones elsewhere', async () => {
    const { dir, base } = repository();
    const all = await check(dir, base, 'all');
    const changed = await check(dir, base);
    const fresh = (r: Report) => where(r).filter((w) => w.endsWith(' new'));
    expect(fresh(all)).toEqual(fresh(changed));
    expect(where(all)).toEqual(
      expect.arrayContaining([
        'api-token-committed old/settings.py:1 existing',
        'workflow-unpinned-action .github/workflows/old.yml:6 existing',
      ]),
    );
    expect(all.summary.changedFiles).toBeUndefined();
  });

  it('in CI, judges what git tracks: an edit left unstaged and an untracked file are no part of the change', async () => {
    const { dir, base, git } = repository();
    writeFileSync(path.join(dir, 'untracked.py'), `KEY = "${TOKEN(3)}"\n`);
    writeFileSync(path.join(dir, 'old/settings.py'), `TOKEN = "${TOKEN(1)}"\nOTHER = "${TOKEN(4)}"\n`);
    const tokens = (r: Report) => where(r).filter((w) => w.startsWith('api-token'));
    const report = await check(dir, base);
    expect(tokens(report)).toEqual(['api-token-committed new/settings.py:1 new']);
    expect(report.summary).toMatchObject({ files: 5, changedFiles: 2 });
    // An edit an earlier step staged is the change's.
    git('add', 'old/settings.py');
    const staged = await check(dir, base);
    expect(tokens(staged)).toEqual([
      'api-token-committed new/settings.py:1 new',
      'api-token-committed old/settings.py:1 existing',
      'api-token-committed old/settings.py:2 new',
    ]);
    expect(staged.summary).toMatchObject({ files: 5, changedFiles: 3 });
    // A full scan indexes the untracked file too.
    const all = await check(dir, base, 'all');
    expect(all.summary.files).toBe(6);
    expect(where(all)).toContain('api-token-committed untracked.py:1 existing');
  });

  it('locally (worktree), counts uncommitted edits and untracked files as the change', async () => {
    const { dir, base } = repository();
    writeFileSync(path.join(dir, 'untracked.py'), `KEY = "${TOKEN(3)}"\n`);
    writeFileSync(path.join(dir, 'old/settings.py'), `TOKEN = "${TOKEN(1)}"\nOTHER = "${TOKEN(4)}"\n`);
    const report = await check(dir, base, undefined, undefined, true);
    expect(where(report).filter((w) => w.startsWith('api-token'))).toEqual([
      'api-token-committed new/settings.py:1 new',
      'api-token-committed old/settings.py:1 existing',
      'api-token-committed old/settings.py:2 new',
      'api-token-committed untracked.py:1 new',
    ]);
    expect(report.summary).toMatchObject({ files: 6, changedFiles: 4 });
    // Reading every file, the base tree built after the evaluation is the working tree's too.
    const all = await check(dir, base, 'all', undefined, true);
    expect(where(all).filter((w) => w.startsWith('api-token'))).toEqual([
      'api-token-committed new/settings.py:1 new',
      'api-token-committed old/settings.py:1 existing',
      'api-token-committed old/settings.py:2 new',
      'api-token-committed untracked.py:1 new',
    ]);
  });

  it('locally (worktree), leaves a file deleted from the working tree out of the index, as a full scan does', async () => {
    const { dir, base } = repository();
    rmSync(path.join(dir, '.github/workflows/old.yml'));
    const changed = await check(dir, base, undefined, undefined, true);
    const all = await check(dir, base, 'all');
    expect(changed.summary.files).toBe(4);
    expect(all.summary.files).toBe(4);
    expect(where(all).filter((w) => w.includes('old.yml'))).toEqual([]);
  });

  it('in CI, keeps a tracked file an earlier step deleted without staging listed, and says it was not read', async () => {
    const { dir, base, git } = repository();
    rmSync(path.join(dir, '.github/workflows/old.yml'));
    const warnings: string[] = [];
    // A rule that reads every workflow (to find who calls whom), as well as the per-file ones.
    const checkLogged = () =>
      runCheck({
        root: dir,
        onlyRules: [...RULES, 'workflow-template-injection'],
        failOnGap: false,
        change: { scope: 'new', baseline: base },
        logger: { ...silentLogger, warning: (m) => warnings.push(m) },
      });
    const changed = await checkLogged();
    expect(changed.summary.files).toBe(5);
    expect(where(changed).filter((w) => w.includes('old.yml'))).toEqual([]);
    expect(warnings).toEqual([
      '1 file git tracks is missing from the working tree and not read: .github/workflows/old.yml (deleted after checkout? stage the deletion, or run controlgate before the step that deletes it)',
    ]);
    // Staged, the deletion is the change's, and nothing is missing.
    git('rm', '-q', '--cached', '.github/workflows/old.yml');
    warnings.length = 0;
    const staged = await checkLogged();
    expect(staged.summary.files).toBe(4);
    expect(warnings).toEqual([]);
  });

  it('takes the changed files from the diff when the base commit is not in the checkout', async () => {
    const { dir } = repository();
    const diff = new DiffIndex({
      source: 'api',
      truncated: false,
      files: [{ path: 'new/settings.py', status: 'added', added: [{ start: 1, end: 1 }] }],
    });
    const report = await check(dir, undefined, undefined, diff);
    expect(where(report).filter((w) => w.startsWith('api-token'))).toEqual([
      'api-token-committed new/settings.py:1 new',
    ]);
    expect(report.summary.changedFiles).toBe(1);
  });

  it('scans every file when neither the base nor the diff is known', async () => {
    const { dir } = repository();
    const report = await check(dir, undefined);
    expect(report.summary.changedFiles).toBeUndefined();
    expect(where(report).filter((w) => w.startsWith('api-token'))).toHaveLength(2);
  });

  it('gate all scans every file by default', async () => {
    const { dir, base } = repository();
    const baseline = await resolveBaseline(dir, base, base);
    const report = await runCheck({
      root: dir,
      onlyRules: RULES,
      change: { scope: 'all', ...(baseline ? { baseline: base } : {}) },
    });
    expect(report.summary.changedFiles).toBeUndefined();
    expect(where(report).filter((w) => w.startsWith('api-token'))).toHaveLength(2);
  });
});

describe('dockerfile-root-user on a pull request (scan: changed)', () => {
  // The published stage sets a user; the last only exports files. The workflow builds the release.
  const DOCKERFILE = (releaseUser: string) =>
    `FROM node:22-slim AS release\nCOPY app /app\n${releaseUser}CMD ["node", "/app/server.js"]\n` +
    'FROM scratch AS export\nCOPY --from=release /app /app\n';
  const WORKFLOW = (args: string) =>
    `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker build ${args} -t acme/app --push .\n`;
  const judge = (dir: string, baseline: string) =>
    runCheck({
      root: dir,
      onlyRules: ['dockerfile-root-user'],
      failOnGap: false,
      persona: 'auditor',
      change: { scope: 'new', baseline },
    });

  it('reports the published stage that a change makes run as root as new', async () => {
    const repo = scratchRepo();
    const base = repo.commit({
      Dockerfile: DOCKERFILE('USER node\n'),
      '.github/workflows/image.yml': WORKFLOW('--target release'),
    });
    repo.commit({ Dockerfile: DOCKERFILE('') });
    expect(where(await judge(repo.dir, base))).toEqual(['dockerfile-root-user Dockerfile:1 new']);
  });

  it('keeps judging the last stage when the change builds a target it cannot know', async () => {
    const repo = scratchRepo();
    const base = repo.commit({
      Dockerfile: DOCKERFILE('USER node\n').replace('FROM scratch AS export', 'FROM node:22 AS export'),
      '.github/workflows/image.yml': WORKFLOW(''),
    });
    repo.commit({
      Dockerfile: DOCKERFILE('USER node\n').replace(
        'FROM scratch AS export',
        'FROM node:22 AS export\nCMD ["node"]',
      ),
      '.github/workflows/image.yml': WORKFLOW('--target $TARGET'),
    });
    expect(where(await judge(repo.dir, base))).toEqual(['dockerfile-root-user Dockerfile:5 existing']);
  });
});
