import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles, listFilesAsync } from '../../src/core/workspace/files.js';
import { pathMatcher } from '../../src/core/workspace/glob.js';
import { Workspace } from '../../src/core/workspace/workspace.js';
import { scratchRepo } from '../helpers/git-repo.js';
import { rng } from '../helpers/random-tree.js';

function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cg-ws-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return root;
}

describe('Workspace index', () => {
  it('in a git work tree: the index without deleted, skip-worktree or submodule entries, plus untracked files', async () => {
    const { dir, git, commit } = scratchRepo();
    const sub = scratchRepo();
    sub.commit({ 'inner.txt': 'x\n' });
    commit({ '.gitignore': '*.log\n', 'a.txt': 'a\n', 'gone.txt': 'g\n', 'sparse/s.txt': 's\n' });
    git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'vendor/sub');
    git('commit', '-qm', 'submodule');
    git('update-index', '--skip-worktree', 'sparse/s.txt');
    rmSync(path.join(dir, 'gone.txt'));
    writeFileSync(path.join(dir, 'new.txt'), 'n\n');
    writeFileSync(path.join(dir, 'debug.log'), 'ignored\n');
    const all = ['.gitignore', '.gitmodules', 'a.txt', 'new.txt'];
    expect(listFiles(dir)).toEqual({ files: all, source: 'git', links: [] });
    expect(await listFilesAsync(dir)).toEqual({ files: all, source: 'git', links: [] });
    expect((await listFilesAsync(dir, { untracked: false })).files).toEqual([
      '.gitignore',
      '.gitmodules',
      'a.txt',
    ]);
  });

  it("lists names git would quote (non-ASCII, spaces, tabs) exactly (each decoded from its own bytes of git's answer)", () => {
    const { dir, commit } = scratchRepo();
    const names = ['caf\u00e9/men\u00fc.txt', 'sp ace.txt', 'tab\there.txt', '\u65e5\u672c/\u8a9e.md'];
    commit(Object.fromEntries(names.map((n) => [n, 'x\n'])));
    const { files } = listFiles(dir);
    expect(files).toEqual([...names].sort());
  });

  it('lists a conflicted path once, and untracked files in their place among the tracked ones', async () => {
    const { dir, git, commit } = scratchRepo();
    commit({ 'b.txt': 'base\n', 'd.txt': 'd\n' });
    git('checkout', '-q', '-b', 'other');
    commit({ 'b.txt': 'other\n' });
    git('checkout', '-q', 'main');
    commit({ 'b.txt': 'main\n' });
    expect(() => git('merge', '-q', 'other')).toThrow();
    // Stages 1, 2 and 3 of b.txt are three entries of git's index.
    expect(git('ls-files', '--stage', 'b.txt').split('\n')).toHaveLength(3);
    writeFileSync(path.join(dir, 'a.txt'), 'a\n');
    writeFileSync(path.join(dir, 'c.txt'), 'c\n');
    writeFileSync(path.join(dir, 'e.txt'), 'e\n');
    const all = ['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt'];
    expect(listFiles(dir).files).toEqual(all);
    expect((await listFilesAsync(dir)).files).toEqual(all);
  });

  it("sorts names beyond U+FFFF by code unit, where git's byte order differs", () => {
    const { dir, commit } = scratchRepo();
    // UTF-8 bytes put U+E000 (EE 80 80) before U+10000 (F0 90 80 80); UTF-16 code units the reverse.
    const names = ['\ue000.txt', '\u{10000}.txt', 'a.txt'];
    commit(Object.fromEntries(names.map((n) => [n, 'x\n'])));
    writeFileSync(path.join(dir, '\u{10001}.txt'), 'x\n');
    expect(listFiles(dir).files).toEqual(['a.txt', '\u{10000}.txt', '\u{10001}.txt', '\ue000.txt']);
  });

  it('reads the index of a repository with SHA-256 object ids', () => {
    const root = tree({ 'a.txt': 'a', 'dir/b.txt': 'b' });
    execFileSync('git', ['init', '-q', '--object-format=sha256'], { cwd: root });
    execFileSync('git', ['add', '-A'], { cwd: root });
    expect(listFiles(root, { untracked: false }).files).toEqual(['a.txt', 'dir/b.txt']);
  });

  it('walks a plain directory honouring nested .gitignore files', () => {
    const root = tree({
      '.gitignore': 'build/\n*.log\n',
      'src/a.ts': 'x',
      'src/.gitignore': 'generated.ts\n!keep.log\n',
      'src/generated.ts': 'x',
      'src/keep.log': 'x',
      'build/out.js': 'x',
      'debug.log': 'x',
      '.github/workflows/ci.yml': 'x',
    });
    const ws = new Workspace(root);
    expect(ws.indexSource).toBe('walk');
    expect(ws.files).toEqual([
      '.github/workflows/ci.yml',
      '.gitignore',
      'src/.gitignore',
      'src/a.ts',
      'src/keep.log',
    ]);
  });

  it("uses git's index (tracked plus untracked, not ignored) in a git work tree", () => {
    const root = tree({ '.gitignore': 'dist/\n', 'a.txt': 'a', 'dist/x.js': 'x', 'new.txt': 'n' });
    execFileSync('git', ['init', '-q'], { cwd: root });
    execFileSync('git', ['add', 'a.txt', '.gitignore'], { cwd: root });
    const ws = new Workspace(root);
    expect(ws.indexSource).toBe('git');
    expect(ws.files).toEqual(['.gitignore', 'a.txt', 'new.txt']);
  });

  it('applies include and exclude globs', () => {
    const root = tree({ 'a/x.yml': '', 'a/y.md': '', 'b/z.yml': '' });
    expect(new Workspace(root, { include: ['**/*.yml'], exclude: ['b/**'] }).files).toEqual(['a/x.yml']);
  });

  it('matches globs including dotfiles', () => {
    const root = tree({ '.github/dependabot.yml': '', 'x/.env': '' });
    const ws = new Workspace(root);
    expect(ws.glob(['**/.env', '.github/*.yml'])).toEqual(['.github/dependabot.yml', 'x/.env']);
  });
});

describe('Workspace reads', () => {
  it('never follows a symlink out of the tree; reads one that resolves within it to a file of the index', () => {
    const outside = tree({ 'secret.txt': 'TOP SECRET', 'pod.yaml': 'kind: Pod\n' });
    const root = tree({
      'real.txt': 'hello',
      'test/e2e/pod.yaml': 'kind: Pod\n',
      'dir/sub/m.yaml': 'm: 1\n',
    });
    const link = (target: string, at: string) => {
      mkdirSync(path.dirname(path.join(root, at)), { recursive: true });
      symlinkSync(target, path.join(root, at));
    };
    link('/etc/passwd', 'passwd');
    link(outside, 'outdir');
    link('real.txt', 'alias.txt');
    link('../test/e2e/pod.yaml', 'deploy/pod.yaml');
    link(`../${path.basename(outside)}/pod.yaml`, 'up.yaml');
    link('dir/../../x/secret.txt', 'mid.txt');
    link('dir', 'todir');
    link('nope.txt', 'dangling.txt');
    link('loop-b', 'loop-a');
    link('loop-a', 'loop-b');
    link('self', 'self');
    link('dir', 'vd');
    link('vd/sub/m.yaml', 'through.yaml');
    link('real.txt/x', 'notdir.txt');
    // A chain longer than the bound: c0 -> c1 -> ... -> c40 -> real.txt.
    for (let i = 0; i < 40; i++) link(`c${i + 1}`, `c${i}`);
    link('real.txt', 'c40');
    const ws = new Workspace(root);
    const rows: [string, unknown][] = [
      ['alias.txt', { text: 'hello', target: 'real.txt' }],
      ['deploy/pod.yaml', { text: 'kind: Pod\n', target: 'test/e2e/pod.yaml' }],
      ['through.yaml', { text: 'm: 1\n', target: 'dir/sub/m.yaml' }],
      ['c39', { text: 'hello', target: 'real.txt' }],
      ['passwd', { reason: 'not followed: its target is outside the checked tree' }],
      ['outdir', { reason: 'not followed: its target is outside the checked tree' }],
      ['up.yaml', { reason: 'not followed: its target is outside the checked tree' }],
      ['mid.txt', { reason: 'not followed: its target is outside the checked tree' }],
      ['todir', { reason: 'not followed: it points to a directory' }],
      ['vd', { reason: 'not followed: it points to a directory' }],
      ['dangling.txt', { reason: 'not followed: its target does not exist in the tree' }],
      ['notdir.txt', { reason: 'not followed: its target does not exist in the tree' }],
      ['loop-a', { reason: 'not followed: a loop, or a chain of more than 32 links' }],
      ['self', { reason: 'not followed: a loop, or a chain of more than 32 links' }],
      ['c0', { reason: 'not followed: a loop, or a chain of more than 32 links' }],
    ];
    const seen = rows.map(([file]): [string, unknown] => {
      const c = ws.read(file);
      if (c.kind === 'symlink') return [file, { reason: c.reason }];
      const r = ws.linkOf(file);
      return [file, { text: c.kind === 'text' ? c.text : c.kind, target: r?.ok ? r.target : r }];
    });
    expect(seen).toEqual(rows);
    // A link read is another name for its target (see aliasOf); a link not read is the only name of
    // what it holds, and so is a link to a file the checked files leave out.
    const alias = (w: Workspace, f: string) => [f, w.aliasOf(f)];
    expect(rows.map(([f]) => alias(ws, f))).toEqual(
      rows.map(([f, r]) => [f, (r as { target?: string }).target]),
    );
    expect(alias(ws, 'real.txt')).toEqual(['real.txt', undefined]);
    expect(alias(new Workspace(root, { exclude: ['real.txt'] }), 'alias.txt')).toEqual([
      'alias.txt',
      undefined,
    ]);
    // The content is the link's own, at the link's position in the tree.
    const pod = ws.read('deploy/pod.yaml');
    expect(pod.kind === 'text' && pod.at).toBe(ws.files.indexOf('deploy/pod.yaml'));
    expect(ws.read('outdir/secret.txt').kind).toBe('unreadable');
    expect(ws.text('real.txt')).toBe('hello');
    expect(ws.linkOf('real.txt')).toBeUndefined();
    // A configuration file behind a link not read is an input problem, not skipped silently.
    expect(ws.configText('passwd')).toBeUndefined();
    expect(ws.inputProblems().map((p) => [p.path, p.message])).toEqual([
      [
        'passwd',
        'it is a symbolic link, not followed: its target is outside the checked tree, so it is not read',
      ],
    ]);
  });

  it('reads no link whose target the kernel resolves elsewhere than the tree (a directory swapped after listing)', () => {
    const outside = tree({ 'pod.yaml': 'OUTSIDE\n' });
    const root = tree({ 'real/pod.yaml': 'inside\n' });
    symlinkSync('real/pod.yaml', path.join(root, 'link.yaml'));
    const ws = new Workspace(root);
    // After the index was taken, the directory becomes a link out of the tree.
    rmSync(path.join(root, 'real'), { recursive: true });
    symlinkSync(outside, path.join(root, 'real'));
    const c = ws.read('link.yaml');
    expect(c.kind).toBe('symlink');
    expect(JSON.stringify(c)).not.toContain('OUTSIDE');
  });

  it('tells a listed regular file is no alias without asking the file system, and still finds a file that became a link when it reads it', () => {
    const root = tree({ 'real/a.txt': 'A\n', 'b.txt': 'B\n', 'c.txt': 'C\n' });
    symlinkSync('b.txt', path.join(root, 'link.txt'));
    class Counting extends Workspace {
      asked: string[] = [];
      override node(p: string) {
        this.asked.push(p);
        return super.node(p);
      }
    }
    const ws = new Counting(root);
    expect([ws.aliasOf('b.txt'), ws.aliasOf('real/a.txt')]).toEqual([undefined, undefined]);
    expect(ws.asked).toEqual([]);
    // A link the listing names is resolved.
    expect(ws.aliasOf('link.txt')).toBe('b.txt');
    expect(ws.asked).toContain('link.txt');
    // After the listing, a file becomes a link within the tree: reading it resolves the link, and the
    // file is then another name for the one it leads to.
    rmSync(path.join(root, 'c.txt'));
    symlinkSync('real/a.txt', path.join(root, 'c.txt'));
    expect(ws.text('c.txt')).toBe('A\n');
    expect(ws.aliasOf('c.txt')).toBe('real/a.txt');
  });

  it('refuses paths that are not in the index or escape the root', () => {
    const root = tree({ 'a.txt': 'a' });
    const ws = new Workspace(root);
    expect(ws.read('../etc/passwd').kind).toBe('unreadable');
    expect(ws.read('/etc/passwd').kind).toBe('unreadable');
  });

  it('classifies binary, oversized and text files, stripping a BOM', () => {
    const root = tree({
      'bin.dat': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]),
      'big.txt': 'x'.repeat(2048),
      'bom.txt': '\ufeffhello',
    });
    const ws = new Workspace(root, { maxFileBytes: 1024 });
    expect(ws.read('bin.dat')).toMatchObject({ kind: 'binary', size: 7 });
    expect(ws.read('big.txt')).toMatchObject({ kind: 'too-large', size: 2048, encoding: 'utf-8' });
    expect(ws.text('bom.txt')).toBe('hello');
  });

  it('reads each file once and shares parses', () => {
    const root = tree({ 'a.yml': 'a: 1\n' });
    const ws = new Workspace(root);
    expect(ws.read('a.yml')).toBe(ws.read('a.yml'));
    expect(ws.yaml('a.yml')).toBe(ws.yaml('a.yml'));
  });

  it("forgets the given files' reads, parses and per-file memos, and keeps aggregates and other files'", () => {
    const root = tree({ 'a.yml': 'a: 1\n', 'b.yml': 'b: 2\n' });
    const ws = new Workspace(root);
    let computed = 0;
    const scan = (f: string) => ws.memo('secrets', f, () => ({ file: f, n: ++computed }));
    const total = () => ws.memo('total', '', () => ({ n: ++computed }));
    const [a, b, all, text, parsed] = [
      scan('a.yml'),
      scan('b.yml'),
      total(),
      ws.read('a.yml'),
      ws.yaml('a.yml'),
    ];
    ws.forget(['a.yml']);
    expect(scan('b.yml')).toBe(b);
    expect(total()).toBe(all);
    expect(computed).toBe(3);
    expect(scan('a.yml')).toEqual({ file: 'a.yml', n: 4 });
    expect(scan('a.yml')).not.toBe(a);
    expect(ws.read('a.yml')).not.toBe(text);
    expect(ws.yaml('a.yml')).not.toBe(parsed);
    expect(ws.yaml('a.yml')?.ok).toBe(true);
  });

  it('records a broken YAML file as a located input problem', () => {
    const root = tree({ 'bad.yml': 'a: 1\nb: [\nc: 2\n' });
    const ws = new Workspace(root);
    expect(ws.yaml('bad.yml')?.ok).toBe(false);
    expect(ws.inputProblems()).toEqual([
      expect.objectContaining({ path: 'bad.yml', line: expect.any(Number) }),
    ]);
  });
});

describe('Workspace globs', () => {
  it('never serves the files of one glob list for another', () => {
    const ws = new Workspace('/nonexistent', { files: ['a', 'b', 'c'] });
    expect(ws.glob(['a\u0000b'])).toEqual([]);
    expect(ws.glob(['a', 'b'])).toEqual(['a', 'b']);
    expect(ws.matcher(['c\u0000b'])('c')).toBe(false);
    expect(ws.matcher(['c', 'b'])('c')).toBe(true);
  });

  /** `count` random paths under at most `maxDepth` directories, repeats and all. */
  const randomPaths = (
    rand: () => number,
    count: number,
    maxDepth: number,
    dirs: readonly string[],
    names: readonly string[],
  ): string[] => {
    const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
    return Array.from({ length: count }, () => {
      const depth = Math.floor(rand() * (maxDepth + 1));
      return [...Array.from({ length: depth }, () => pick(dirs)), pick(names)].join('/');
    });
  };

  // Globs under literal directories are answered from the runs of paths that start with them.
  const SEGMENTS = ['.github', 'workflows', 'a', 'a.b', 'ab', 'b', '.x', 'x-y', 'é', 'a b', '..', '.', 'A'];
  const NAMES = ['ci.yml', 'ci.yaml', 'x.tf', 'README.md', 'action.yml', '.env', 'a', 'Ab'];
  const GLOBS = [
    '.github/workflows/*.yml',
    '.github/workflows/*.{yml,yaml}',
    '.github/**',
    'a/**',
    'a/b/*',
    'a.b/**/*.tf',
    'ab/*',
    'a/!(x)*',
    'a/*/ci.yml',
    '**/ci.yml',
    '*/ci.yml',
    '{a,b}/**',
    './a/*',
    'a/../b/*',
    'x-y/a',
    'é/**',
    'A/**',
    'a b/*',
    '.x/*',
    'a/[ab]*/**',
    'b/@(ci).yml',
  ];

  it('matches globs under literal directories as a test of every path does', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const rand = rng(seed);
      const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
      const files = new Set(randomPaths(rand, 80, 3, SEGMENTS, NAMES));
      const sorted = [...files].sort();
      const patterns = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(GLOBS));
      const expected = (list: string[]) => list.filter(pathMatcher(patterns));
      expect(new Workspace('/nonexistent', { files: sorted }).glob(patterns), `seed ${seed}`).toEqual(
        expected(sorted),
      );
      // A list in the caller's own order is tested path by path, in that order.
      const shuffled = [...sorted].reverse();
      expect(new Workspace('/nonexistent', { files: shuffled }).glob(patterns), `seed ${seed}`).toEqual(
        expected(shuffled),
      );
    }
  });

  // Globs whose names end with literal text are answered from the files grouped by name ending.
  const NAMED = [
    'Dockerfile',
    'x.Dockerfile',
    'Dockerfile.dev',
    'ci.yml',
    'ci.yaml',
    'main.tf',
    'a.min.js',
    'b.js',
    'SECURITY',
    'SECURITY.md',
    '.env',
    'Makefile',
    'file',
    'x.yml/',
    'a',
    'README.md',
    'noext.',
    'ymlfile',
    'x.2',
    '{a}',
    'x.c',
  ];
  const NAME_GLOBS = [
    '**/*.tf',
    '**/*.yml',
    '**/*.{yml,yaml}',
    '**/{Dockerfile,Containerfile}',
    '**/Dockerfile',
    '**/*file',
    '**/.env',
    '**/*.min.js',
    '**/SECURITY{,.md}',
    '*.md',
    '**/a',
    '**/*.y?ml',
    'src/**/*.{js,tf}',
    '**/noext.',
    '**/Dockerfile.*',
    '**',
    '**/*.[ty]*',
    '**/*.{1..3}',
    '**/*.{1..3,tf}',
    '**/*.[ct]',
    '**/*.@(tf|md)',
    '**/{a}',
  ];

  it('matches globs by name ending as a test of every path does', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const rand = rng(seed);
      const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
      // Enough paths to be grouped (a short list is tested path by path), some repeated.
      const files = randomPaths(rand, 400, 2, ['src', 'a', '.x', 'd.yml'], NAMED);
      const sorted = [...new Set(files)].sort();
      // A list in the caller's own order too, repeats and all: the matches in that order.
      const trees = [sorted, files].map((list) => ({
        list,
        ws: new Workspace('/nonexistent', { files: list }),
      }));
      // Several lists per tree: the first few are tested path by path, the later ones on the groups.
      for (let ask = 0; ask < 8; ask++) {
        const patterns = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(NAME_GLOBS));
        for (const { list, ws } of trees) {
          expect(ws.glob(patterns), `seed ${seed}, ${patterns}`).toEqual(list.filter(pathMatcher(patterns)));
        }
      }
    }
  });

  it('finds the paths under nested and sibling directories once, in index order', () => {
    const files = ['a/b/c.yml', 'a/b/d.yml', 'a/x.yml', 'ab/c.yml', 'b/c.yml'];
    const ws = new Workspace('/nonexistent', { files });
    expect(ws.glob(['a/b/*.yml', 'a/**/*.yml', 'b/*.yml'])).toEqual([
      'a/b/c.yml',
      'a/b/d.yml',
      'a/x.yml',
      'b/c.yml',
    ]);
    expect(ws.glob(['b/*.yml', 'a/b/c.yml'])).toEqual(['a/b/c.yml', 'b/c.yml']);
    expect(ws.glob(['a/*.yml'])).toEqual(['a/x.yml']);
  });
});
