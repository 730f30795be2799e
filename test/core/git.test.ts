import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { GitRepository, withGitSession } from '../../src/core/git.js';
import { scratchRepo } from '../helpers/git-repo.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * The git processes `fn` starts, as GIT_TRACE names them (`rev-parse --verify ...`), in order:
 * every process of controlgate's git calls inherits the environment.
 */
async function gitCommands(fn: () => unknown): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cg-trace-'));
  dirs.push(dir);
  const file = path.join(dir, 'trace');
  const saved = process.env.GIT_TRACE;
  process.env.GIT_TRACE = file;
  try {
    await fn();
  } finally {
    if (saved === undefined) delete process.env.GIT_TRACE;
    else process.env.GIT_TRACE = saved;
  }
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // No git process at all.
  }
  return text
    .split('\n')
    .map((line) => /trace: built-in: git (.*)$/.exec(line)?.[1])
    .filter((c): c is string => c !== undefined)
    .map((c) => c.replace(/'/g, ''));
}

describe('git session', () => {
  it('opens a repository and resolves each ref once per session, and asks again outside one', async () => {
    const { dir, commit } = scratchRepo();
    dirs.push(dir);
    const first = commit({ 'a.txt': 'a\n' });
    const inside = await gitCommands(() =>
      withGitSession(async () => {
        const repo = GitRepository.open(dir)!;
        expect(GitRepository.open(path.join(dir, '.'))).toBe(repo);
        expect(repo.resolveCommit('main')).toBe(first);
        // The run's answers hold while it runs, even if the branch moves meanwhile.
        const second = commit({ 'a.txt': 'b\n' });
        expect(GitRepository.open(dir)!.resolveCommit('main')).toBe(first);
        expect(GitRepository.open(dir)!.resolveCommit('main~0')).toBe(second);
      }),
    );
    // (`rev-parse HEAD` is the test's own, after each commit.)
    expect(inside.filter((c) => c.startsWith('rev-parse') && c !== 'rev-parse HEAD')).toEqual([
      'rev-parse --is-inside-work-tree --show-prefix --verify --quiet HEAD^{commit}',
      'rev-parse --verify --quiet --end-of-options main^{commit}',
      'rev-parse --verify --quiet --end-of-options main~0^{commit}',
    ]);

    // Outside a session nothing is kept: a later commit is seen.
    const third = commit({ 'a.txt': 'c\n' });
    const repo = GitRepository.open(dir)!;
    expect(repo.head()).toBe(third);
    expect(GitRepository.open(dir)).not.toBe(repo);
    expect(repo.resolveCommit('main')).toBe(third);
    const fourth = commit({ 'a.txt': 'd\n' });
    expect(repo.resolveCommit('main')).toBe(fourth);
  });

  it('answers every lookup in a directory of a commit from one listing, with the same answers', async () => {
    const { dir, commit, git } = scratchRepo();
    dirs.push(dir);
    commit({ 'inner/x.txt': 'inner\n' });
    const inner = git('rev-parse', 'HEAD');
    const head = commit({
      '.controlgate.yml': 'failOn: high\n',
      'big.txt': 'x'.repeat(2048),
      '.github/controls.yml': 'controls: {}\n',
      '[ab]/x.yml': 'literal\n',
      'a/x.yml': 'globbed\n',
      'sub/deep/file.txt': 'deep\n',
    });
    symlinkSync('/etc/passwd', path.join(dir, 'link'));
    // A submodule's gitlink: an entry of mode 160000 that is not a file.
    git('update-index', '--add', '--cacheinfo', `160000,${inner},vendored`);
    git('add', 'link');
    git('commit', '-q', '-m', 'link and gitlink');
    const top = git('rev-parse', 'HEAD');
    expect(head).not.toBe(top);

    const repo = GitRepository.open(dir)!;
    const commands = await gitCommands(() => {
      expect(repo.readFile(top, '.controlgate.yml')).toEqual({ kind: 'text', text: 'failOn: high\n' });
      expect(repo.readFile(top, '.controlgate.yaml')).toEqual({ kind: 'missing' });
      expect(repo.readFile(top, 'big.txt', 1024)).toEqual({ kind: 'too-large', size: 2048 });
      expect(repo.readFile(top, 'link')).toEqual({ kind: 'not-a-file' });
      expect(repo.readFile(top, 'vendored')).toEqual({ kind: 'not-a-file' });
      expect(repo.readFile(top, 'sub')).toEqual({ kind: 'not-a-file' });
      // Listed with its contents, .github is still a folder of the top, not a missing file.
      expect(repo.readFile(top, '.github')).toEqual({ kind: 'not-a-file' });
      expect(repo.readFile(top, '.github/controlgate.yml')).toEqual({ kind: 'missing' });
      expect(repo.readFile(top, '.github/controls.yml')).toEqual({ kind: 'text', text: 'controls: {}\n' });
      expect(repo.readFile(top, '[ab]/x.yml')).toEqual({ kind: 'text', text: 'literal\n' });
      expect(repo.readFile(top, 'a/x.yml')).toEqual({ kind: 'text', text: 'globbed\n' });
      expect(repo.readFile(top, 'nothere/x.yml')).toEqual({ kind: 'missing' });
      expect(repo.readFile(top, 'link/x')).toEqual({ kind: 'missing' });
      // Another ref than a full commit id is asked path by path.
      expect(repo.readFile('HEAD', '.controlgate.yml')).toEqual({ kind: 'text', text: 'failOn: high\n' });
    });
    // Each folder with its .github folder (where a policy sits), in one listing.
    const listing = `ls-tree -t -l -z --full-tree --end-of-options ${top} --`;
    expect(commands.filter((c) => c.startsWith('ls-tree'))).toEqual([
      `${listing} ./ .github/`,
      `${listing} [ab]/ [ab]/.github/`,
      `${listing} a/ a/.github/`,
      `${listing} nothere/ nothere/.github/`,
      `${listing} link/ link/.github/`,
      'ls-tree -l -z --full-tree --end-of-options HEAD -- .controlgate.yml',
    ]);

    // From a folder of the repository, paths are the folder's and the listing the folder's.
    const sub = GitRepository.open(path.join(dir, 'sub'))!;
    expect(sub.readFile(top, 'deep/file.txt')).toEqual({ kind: 'text', text: 'deep\n' });
    expect(sub.readFile(top, 'file.txt')).toEqual({ kind: 'missing' });
  });

  it('runs a pull-request check of the CLI with each git question asked once', async () => {
    const { dir, commit, git } = scratchRepo();
    dirs.push(dir);
    const base = commit({ 'README.md': 'x\n', '.github/CODEOWNERS': '* @a\n' });
    git('checkout', '-q', '-b', 'topic');
    const head = commit({ 'README.md': 'y\n' });
    let code = -1;
    const commands = await gitCommands(async () => {
      code = await main(['check', dir, '--base', 'main', '--format', 'json', '--offline'], {
        stdout() {},
        stderr() {},
        isTTY: false,
      });
    });
    expect(code).toBe(0);
    const counted = (prefix: string) => commands.filter((c) => c.startsWith(prefix));
    expect(counted('rev-parse')).toEqual([
      'rev-parse --is-inside-work-tree --show-prefix --verify --quiet HEAD^{commit}',
      'rev-parse --verify --quiet --end-of-options main^{commit}',
    ]);
    expect(counted('merge-base')).toEqual([`merge-base ${base} ${head}`]);
    // The config candidates and the declarations file: the top directory and .github, in one listing.
    expect(counted('ls-tree')).toEqual([
      `ls-tree -t -l -z --full-tree --end-of-options ${base} -- ./ .github/`,
    ]);
    // The default branch is asked only for a declaration's evidence, and this tree declares nothing.
    expect(counted('symbolic-ref')).toEqual(['symbolic-ref --quiet HEAD']);
    expect(new Set(commands).size).toBe(commands.length);
  });
});
