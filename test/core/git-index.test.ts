/**
 * Reading `.git/index` directly lists what `git ls-files -z -t --stage` lists (the same paths, in
 * the same order, with the same `<mode> <object id>`), in every index version git writes, and leaves
 * to git every index it does not read (split, sparse, SHA-256, named by the environment, damaged).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diffAgainstHead } from '../../src/core/base-tree.js';
import { listFiles } from '../../src/core/workspace/files.js';
import { gitIndex, indexTree, parseGitIndex } from '../../src/core/workspace/git-index.js';
import { scratchRepo } from '../helpers/git-repo.js';

/** git's own listing, parsed here: tagged entries, without submodules and skip-worktree entries. */
function gitListing(dir: string): { files: string[]; ids: Map<string, string> } {
  const out = execFileSync('git', ['ls-files', '-z', '-t', '--stage'], { cwd: dir }).toString('utf8');
  const files: string[] = [];
  const ids = new Map<string, string>();
  for (const entry of out.split('\0').filter(Boolean)) {
    const [meta, name] = [entry.slice(0, entry.indexOf('\t')), entry.slice(entry.indexOf('\t') + 1)];
    const [tag, mode, oid] = meta.split(' ');
    if (tag === 'S' || mode === '160000') continue;
    if (files.at(-1) === name) {
      ids.delete(name);
      continue;
    }
    files.push(name);
    ids.set(name, `${mode} ${oid}`);
  }
  return { files, ids };
}

function expectSameAsGit(dir: string): void {
  const index = gitIndex(dir, true);
  const git = gitListing(dir);
  expect(index?.files).toEqual(git.files);
  expect(index?.ids).toEqual(git.ids);
}

/**
 * A repository of ordinary, executable, symlinked, nested and non-ASCII files, and an index entry
 * whose path is over 4095 bytes (its length does not fit the entry's flags; no file system holds it).
 */
function richRepo() {
  const repo = scratchRepo();
  repo.commit({
    'README.md': '# r\n',
    'src/app.js': 'a\n',
    'src/ünïcödé/ファイル.ts': 'x\n',
    'src/a b/c\td.txt': 'tab\n',
    'bin/run.sh': '#!/bin/sh\n',
    '.github/workflows/ci.yml': 'on: push\n',
  });
  execFileSync('chmod', ['+x', path.join(repo.dir, 'bin/run.sh')]);
  symlinkSync('app.js', path.join(repo.dir, 'src/link.js'));
  repo.git('add', '-A');
  const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: repo.dir, input: 'deep\n' })
    .toString()
    .trim();
  const deep = `${Array.from({ length: 18 }, (_, i) => `${String(i).padStart(2, '0')}${'d'.repeat(240)}`).join('/')}/deep.txt`;
  repo.git('update-index', '--add', '--cacheinfo', `100644,${blob},${deep}`);
  return repo;
}

const saved = { ...process.env };
afterEach(() => {
  for (const k of ['GIT_INDEX_FILE', 'GIT_DIR']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('gitIndex', () => {
  it('lists what git lists, in index versions 2, 3 and 4', () => {
    const repo = richRepo();
    expect(gitIndex(repo.dir)?.files.some((f) => f.length > 4095)).toBe(true);
    for (const version of ['2', '3', '4']) {
      repo.git('update-index', '--index-version', version);
      // git writes version 3 only when an entry needs its extended flags (see the next test).
      expect(readFileSync(path.join(repo.dir, '.git/index')).readUInt32BE(4)).toBe(
        version === '3' ? 2 : Number(version),
      );
      expectSameAsGit(repo.dir);
    }
  });

  it('leaves out submodules and skip-worktree entries, keeps an intent to add, and lists a conflicted path once without an id', () => {
    const repo = richRepo();
    repo.git('commit', '-q', '-m', 'rich');
    // A conflict: both sides change src/app.js.
    repo.git('checkout', '-q', '-b', 'other');
    repo.commit({ 'src/app.js': 'other\n' });
    repo.git('checkout', '-q', 'main');
    repo.commit({ 'src/app.js': 'main\n' });
    expect(() => repo.git('merge', '-q', 'other')).toThrow();
    repo.git('update-index', '--add', '--cacheinfo', `160000,${repo.git('rev-parse', 'HEAD')},vendor/sub`);
    repo.git('update-index', '--skip-worktree', 'README.md');
    writeFileSync(path.join(repo.dir, 'new.txt'), 'n\n');
    repo.git('add', '-N', 'new.txt');
    expect(readFileSync(path.join(repo.dir, '.git/index')).readUInt32BE(4)).toBe(3);
    for (const version of ['3', '4']) {
      repo.git('update-index', '--index-version', version);
      const { files, ids } = gitIndex(repo.dir, true)!;
      expect(files).not.toContain('vendor/sub');
      expect(files).not.toContain('README.md');
      expect(files).toContain('new.txt');
      expect(files.filter((f) => f === 'src/app.js')).toHaveLength(1);
      expect(ids?.has('src/app.js')).toBe(false);
      expectSameAsGit(repo.dir);
    }
  });

  it('leaves a split index, a sparse index and a SHA-256 repository to git', () => {
    const split = richRepo();
    split.git('update-index', '--split-index');
    split.commit({ 'later.txt': 'l\n' });
    expect(gitIndex(split.dir)).toBeUndefined();

    const sparse = richRepo();
    sparse.git('sparse-checkout', 'init', '--cone', '--sparse-index');
    sparse.git('sparse-checkout', 'set', 'src');
    expect(gitIndex(sparse.dir)).toBeUndefined();

    const sha256 = scratchRepo();
    execFileSync('rm', ['-rf', path.join(sha256.dir, '.git')]);
    sha256.git('init', '-q', '--object-format=sha256');
    writeFileSync(path.join(sha256.dir, 'a.txt'), 'a\n');
    sha256.git('add', '-A');
    expect(gitIndex(sha256.dir)).toBeUndefined();
  });

  it('reads the index of a linked work tree and of a .git file naming its directory', () => {
    const repo = scratchRepo();
    repo.commit({ 'README.md': '# r\n', 'src/ünïcödé/ファイル.ts': 'x\n', 'src/a b/c\td.txt': 'tab\n' });
    // A linked work tree: its index sits in the main repository's .git/worktrees/<name>.
    const linked = path.join(mkdtempSync(path.join(tmpdir(), 'cg-wt-')), 'linked');
    repo.git('worktree', 'add', '-q', '-b', 'side', linked);
    writeFileSync(path.join(linked, 'only-here.txt'), 'w\n');
    execFileSync('git', ['add', 'only-here.txt'], { cwd: linked });
    expect(readFileSync(path.join(linked, '.git'), 'utf8')).toMatch(/^gitdir: /);
    expect(gitIndex(linked)?.files).toContain('only-here.txt');
    expectSameAsGit(linked);
    expect(gitIndex(repo.dir)?.files).not.toContain('only-here.txt');
    // A separate git directory named by a relative path (as a submodule's .git file names it).
    const separate = richRepo();
    const moved = path.join(separate.dir, '..', `${path.basename(separate.dir)}-gitdir`);
    renameSync(path.join(separate.dir, '.git'), moved);
    writeFileSync(path.join(separate.dir, '.git'), `gitdir: ../${path.basename(moved)}\n`);
    expectSameAsGit(separate.dir);
  });

  it('leaves a .git file it cannot follow, and a SHA-256 linked work tree, to git', () => {
    const repo = richRepo();
    rmSync(path.join(repo.dir, '.git'), { recursive: true, force: true });
    for (const text of ['gitdir:\n', 'gitdir: /nonexistent/git/dir\n', `${'x'.repeat(5000)}\n`]) {
      writeFileSync(path.join(repo.dir, '.git'), text);
      expect(gitIndex(repo.dir)).toBeUndefined();
    }
    const sha256 = scratchRepo();
    execFileSync('rm', ['-rf', path.join(sha256.dir, '.git')]);
    sha256.git('init', '-q', '--object-format=sha256');
    sha256.commit({ 'a.txt': 'a\n' });
    const linked = path.join(mkdtempSync(path.join(tmpdir(), 'cg-wt-')), 'linked');
    sha256.git('worktree', 'add', '-q', '-b', 'side', linked);
    expect(readFileSync(path.join(linked, '.git'), 'utf8')).toMatch(/^gitdir: /);
    expect(gitIndex(linked)).toBeUndefined();
  });

  it('leaves an index named by the environment, or damaged, to git', () => {
    const repo = richRepo();
    process.env.GIT_INDEX_FILE = path.join(repo.dir, '.git/index');
    expect(gitIndex(repo.dir)).toBeUndefined();
    delete process.env.GIT_INDEX_FILE;
    const index = readFileSync(path.join(repo.dir, '.git/index'));
    expect(parseGitIndex(index)?.files).toEqual(gitListing(repo.dir).files);
    for (const cut of [10, 100, index.length - 30])
      expect(parseGitIndex(index.subarray(0, cut))).toBeUndefined();
    const bad = Buffer.from(index);
    bad.writeUInt32BE(9, 4);
    expect(parseGitIndex(bad)).toBeUndefined();
  });

  it('serves the file index, with each file’s blob, as git’s listing did', () => {
    const repo = richRepo();
    writeFileSync(path.join(repo.dir, 'untracked.txt'), 'u\n');
    const listed = listFiles(repo.dir, { blobs: true });
    const git = gitListing(repo.dir);
    expect(listed.source).toBe('git');
    expect(listed.files).toEqual(
      [...git.files, 'untracked.txt'].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    expect(listed.blobs?.ids).toEqual(git.ids);
  });

  it('gives the tree of the index’s whole content while git keeps it, and the change’s diff is the same against it', async () => {
    const repo = richRepo();
    const base = repo.commit({ 'src/old.js': 'old\n' }, 'base');
    repo.commit({
      'src/app.js': 'changed\n',
      'src/old.js': null,
      'src/renamed.js': 'old\n',
      'added.txt': 'a\n',
    });
    const cached = () =>
      execFileSync(
        'git',
        [
          'diff',
          '--raw',
          '-z',
          '--no-abbrev',
          '--find-renames',
          '--relative',
          '--no-ext-diff',
          '--cached',
          base,
          '--',
        ],
        {
          cwd: repo.dir,
        },
      ).toString();
    // A checkout's index: its tree is HEAD's, and the diff against it is the diff against the index.
    expect(indexTree(repo.dir)).toBe(repo.git('rev-parse', 'HEAD^{tree}'));
    expect((await diffAgainstHead(repo.dir, base, false))?.toString()).toBe(cached());
    // A staged change invalidates the recorded tree: the diff is asked of the index itself.
    writeFileSync(path.join(repo.dir, 'src/app.js'), 'staged\n');
    repo.git('add', 'src/app.js');
    expect(indexTree(repo.dir)).toBeUndefined();
    expect((await diffAgainstHead(repo.dir, base, false))?.toString()).toBe(cached());
    expect(cached()).toContain('src/app.js');
  });

  it('hands the index read for its tree to the next listing once, never to two', () => {
    const repo = richRepo();
    repo.git('commit', '-q', '-m', 'rich');
    indexTree(repo.dir);
    const first = gitIndex(repo.dir)!;
    const second = gitIndex(repo.dir)!;
    expect(second.files).toEqual(first.files);
    expect(second.files).not.toBe(first.files);
  });
});
