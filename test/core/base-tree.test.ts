import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBaseWorkspace, parseRawAgainstHead, resolveBaseline } from '../../src/core/base-tree.js';
import { workflowPermissions } from '../../src/core/evaluators/workflow/permissions.js';
import { syntaxProblems } from '../../src/core/evaluators/workflow/syntax-checks.js';
import { readWorkflowSource } from '../../src/core/parsers/workflow.js';
import { FocusedWorkspace } from '../../src/core/workspace/focus.js';
import { Workspace } from '../../src/core/workspace/workspace.js';
import { testRule } from '../evaluators/kit.js';
import { scratchRepo } from '../helpers/git-repo.js';

describe('buildBaseWorkspace', () => {
  it('undoes the change: added files gone, deleted files back, edited and renamed files as they were', async () => {
    const repo = scratchRepo();
    const base = repo.commit({
      'src/app.js': 'const a = 1;\n',
      'src/old-name.js': 'moved();\n'.repeat(20),
      'src/removed.js': 'bye();\n',
      'README.md': 'same\n',
      'bin.dat': Buffer.from([0, 1, 2]),
    });
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit({
      'src/app.js': 'const a = 2;\n',
      'src/old-name.js': null,
      'src/new-name.js': 'moved();\n'.repeat(20),
      'src/removed.js': null,
      'src/added.js': 'hello();\n',
    });
    // Compared with the working tree (a local check), uncommitted work in the checkout is part of
    // what is compared, too.
    writeFileSync(path.join(repo.dir, 'README.md'), 'edited in the checkout\n');

    const head = new Workspace(repo.dir);
    const ws = await buildBaseWorkspace(head, base, { worktree: true });
    expect(ws).toBeDefined();
    // The renamed file keeps its new name with its base content, so its findings keep their identity.
    expect(ws!.files).toEqual(['README.md', 'bin.dat', 'src/app.js', 'src/new-name.js', 'src/removed.js']);
    expect(ws!.renamed).toEqual(new Map([['src/new-name.js', 'src/old-name.js']]));
    expect(ws!.text('src/app.js')).toBe('const a = 1;\n');
    expect(ws!.text('src/removed.js')).toBe('bye();\n');
    expect(ws!.text('README.md')).toBe('same\n');
    expect(ws!.read('bin.dat').kind).toBe('binary');
    // Untouched files are the head's own cached reads, not a second copy.
    expect(ws!.read('bin.dat')).toBe(head.read('bin.dat'));
    // So is a file renamed without an edit (the same blob): no blob read, the head's read and parse.
    expect(ws!.read('src/new-name.js')).toBe(head.read('src/new-name.js'));
    // What the rules could see differently: the rename is among it (same content and name, but the
    // findings there are judged by the path the file had in the base).
    expect(ws!.differs).toEqual({
      paths: new Set(['README.md', 'src/added.js', 'src/app.js', 'src/new-name.js', 'src/removed.js']),
      listing: true,
      presence: new Set(['src/added.js', 'src/removed.js']),
      screened: expect.any(Function),
    });

    // Compared with the index (CI), the edit an earlier step left unstaged is no part of the change:
    // the base shows the head's file as it is.
    const committed = await buildBaseWorkspace(new Workspace(repo.dir), base);
    expect(committed!.files).toEqual(ws!.files);
    expect(committed!.text('README.md')).toBe('edited in the checkout\n');
    expect(committed!.text('src/app.js')).toBe('const a = 1;\n');
    expect(committed!.differs.paths).toEqual(
      new Set(['src/added.js', 'src/app.js', 'src/new-name.js', 'src/removed.js']),
    );
    // Staged, it is.
    repo.git('add', 'README.md');
    const staged = await buildBaseWorkspace(new Workspace(repo.dir), base);
    expect(staged!.text('README.md')).toBe('same\n');
    expect(staged!.differs.paths).toEqual(ws!.differs.paths);
  });

  it('applies the same include and exclude globs as the head', async () => {
    const repo = scratchRepo();
    const base = repo.commit({ 'src/a.js': 'a\n', 'vendor/v.js': 'v\n' });
    repo.commit({ 'vendor/v.js': null, 'src/a.js': null });
    const ws = await buildBaseWorkspace(new Workspace(repo.dir), base, { exclude: ['vendor/**'] });
    expect(ws!.files).toEqual(['src/a.js']);
  });

  it('lists by glob what a workspace over its own file list lists, with the head answering for the files both trees hold', async () => {
    const repo = scratchRepo();
    const base = repo.commit({
      'k8s/a.yaml': 'a: 1\n',
      'k8s/gone.yaml': 'g: 1\n',
      'k8s/old.yml': 'o: 1\n'.repeat(20),
      'vendor/v.yaml': 'v: 1\n',
      'src/x.js': 'x\n',
      'src/y.js': 'y\n',
    });
    repo.commit({
      'k8s/gone.yaml': null,
      'k8s/old.yml': null,
      'k8s/new.yml': 'o: 1\n'.repeat(20),
      'k8s/added.yaml': 'n: 1\n',
      'k8s/a.yaml': 'a: 2\n',
    });
    const patterns = ['**/*.yaml', '**/*.yml'];
    const listed = new Workspace(repo.dir).files;
    for (const [headFirst, given] of [
      [true, false],
      [false, false],
      [true, true],
    ]) {
      // A list given by the caller may be in any order; the base's is sorted.
      const head = new Workspace(repo.dir, {
        exclude: ['vendor/**'],
        ...(given ? { files: [...listed].reverse() } : {}),
      });
      if (headFirst)
        expect(new Set(head.glob(patterns))).toEqual(
          new Set(['k8s/a.yaml', 'k8s/added.yaml', 'k8s/new.yml']),
        );
      const ws = await buildBaseWorkspace(head, base, { exclude: ['vendor/**'] });
      const own = new Workspace(repo.dir, { files: [...ws!.files] });
      expect(ws!.glob(patterns)).toEqual(own.glob(patterns));
      // The deleted file is back, the added one gone, the renamed one under its new name.
      expect(ws!.glob(patterns)).toEqual(['k8s/a.yaml', 'k8s/gone.yaml', 'k8s/new.yml']);
      // Only files both trees hold: the head's answer, in the base's order even when the head's is not.
      expect(ws!.glob('**/*.js')).toEqual(['src/x.js', 'src/y.js']);
    }
  });

  it("shares the head's list and positions when the change adds and deletes no file, and answers as a list of its own", async () => {
    const repo = scratchRepo();
    const base = repo.commit({
      'k8s/a.yaml': 'a: 1\n',
      'k8s/old.yml': 'o: 1\n'.repeat(20),
      'src/x.js': 'x\n',
      'vendor/v.yaml': 'v: 1\n',
    });
    // An edit and a rename: the same paths on both sides (the renamed file keeps its new name).
    repo.commit({ 'k8s/a.yaml': 'a: 2\n', 'k8s/old.yml': null, 'k8s/new.yml': 'o: 1\n'.repeat(20) });
    const head = new Workspace(repo.dir, { exclude: ['vendor/**'] });
    const ws = await buildBaseWorkspace(head, base, { exclude: ['vendor/**'] });
    expect(ws!.files).toBe(head.files);
    expect(ws!.indexed).toBe(head.indexed);
    const own = new Workspace(repo.dir, { files: [...ws!.indexed], exclude: ['vendor/**'] });
    expect(ws!.files).toEqual(['k8s/a.yaml', 'k8s/new.yml', 'src/x.js']);
    for (const patterns of [['**/*.yaml', '**/*.yml'], ['**/*.js'], ['vendor/**']]) {
      expect(ws!.glob(patterns)).toEqual(own.glob(patterns));
    }
    expect(ws!.has('vendor/v.yaml')).toBe(false);
    expect(ws!.text('k8s/a.yaml')).toBe('a: 1\n');
    expect(ws!.text('k8s/new.yml')).toBe(head.text('k8s/new.yml'));

    // Other globs than the head's, or a file deleted: a list of its own, as before.
    const other = await buildBaseWorkspace(head, base);
    expect(other!.files).not.toBe(head.files);
    expect(other!.files).toEqual(['k8s/a.yaml', 'k8s/new.yml', 'src/x.js', 'vendor/v.yaml']);
    repo.commit({ 'src/x.js': null });
    const deleted = await buildBaseWorkspace(new Workspace(repo.dir, { exclude: ['vendor/**'] }), base, {
      exclude: ['vendor/**'],
    });
    expect(deleted!.files).toEqual(['k8s/a.yaml', 'k8s/new.yml', 'src/x.js']);
    expect(deleted!.text('src/x.js')).toBe('x\n');
  });

  it("with files added and deleted, answers a glob from the head's answer and the change's paths, as a list of its own would, and asks the head about no other path", async () => {
    const repo = scratchRepo();
    const base = repo.commit({
      'a/keep.yml': 'k: 1\n',
      'a/gone.yml': 'g: 1\n',
      'b/old.yml': 'o: 1\n'.repeat(20),
      'c/z.yml': 'z: 1\n',
      'src/x.js': 'x\n',
      'vendor/v.yml': 'v: 1\n',
    });
    repo.commit({
      'a/gone.yml': null,
      'b/old.yml': null,
      'b/new.yml': 'o: 1\n'.repeat(20),
      'a/added.yml': 'n: 1\n',
      'c/added.js': 'n\n',
    });
    // Uncommitted: an untracked file and one no longer tracked are the change's too (the CLI lists
    // them with ls-files --others and hands them over).
    writeFileSync(path.join(repo.dir, 'a/untracked.yml'), 'u: 1\n');
    repo.git('rm', '-q', '--cached', 'c/z.yml');
    const selection = { exclude: ['vendor/**'] };
    const head = new Workspace(repo.dir, selection);
    const untracked = ['a/untracked.yml', 'c/z.yml'];
    const ws = await buildBaseWorkspace(head, base, { ...selection, untracked });
    const own = new Workspace(repo.dir, { files: [...ws!.indexed], ...selection });
    expect(ws!.files).toEqual(own.files);
    expect(ws!.files).toEqual(['a/gone.yml', 'a/keep.yml', 'b/new.yml', 'c/z.yml', 'src/x.js']);
    const asked: string[] = [];
    const has = head.has.bind(head);
    head.has = (file: string) => {
      asked.push(file);
      return has(file);
    };
    for (const patterns of [['**/*.yml'], ['**/*.js'], ['a/**'], ['**/added*'], ['**'], ['vendor/**']]) {
      expect(ws!.glob(patterns)).toEqual(own.glob(patterns));
    }
    // Only the change's own paths were looked up in the head, not every path of this tree.
    expect(new Set(asked)).toEqual(
      new Set(['a/added.yml', 'a/untracked.yml', 'a/gone.yml', 'b/new.yml', 'c/added.js', 'c/z.yml']),
    );
  });

  it('plans no fixes: the base run keeps only its findings, which are the same without them', async () => {
    const workflow = 'on: push\npermissions: write-all\njobs:\n  a:\n    steps: [{run: x}]\n';
    const repo = scratchRepo();
    const base = repo.commit({ '.github/workflows/w.yml': workflow, 'a.txt': 'a\n' });
    repo.commit({ 'a.txt': 'b\n' });
    const head = new Workspace(repo.dir);
    const ws = await buildBaseWorkspace(head, base);
    const rule = testRule(workflowPermissions.kind, {});
    const onHead = await workflowPermissions.evaluate({ rule, options: {}, workspace: head });
    const onBase = await workflowPermissions.evaluate({ rule, options: {}, workspace: ws! });
    expect(onHead.map((f) => [f.key, f.fix !== undefined])).toEqual([['write-all:', true]]);
    expect(onBase.map((f) => [f.key, f.fix !== undefined, f.unfixable])).toEqual([
      ['write-all:', false, undefined],
    ]);
    expect([head.plansFixes, ws!.plansFixes, new FocusedWorkspace(ws!, ['a.txt']).plansFixes]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('reports symbolic links as links and bounds blob sizes like the workspace does', async () => {
    const repo = scratchRepo();
    symlinkSync('/etc/passwd', path.join(repo.dir, 'link'));
    const base = repo.commit({ 'big.txt': 'x'.repeat(3000) });
    repo.commit({ link: null, 'big.txt': null });
    const head = new Workspace(repo.dir, { maxFileBytes: 1000 });
    const ws = await buildBaseWorkspace(head, base);
    expect(ws!.read('link')).toEqual({
      kind: 'symlink',
      reason: 'not followed: its target is outside the checked tree',
    });
    expect(ws!.read('big.txt')).toEqual({ kind: 'too-large', size: 3000 });
  });

  it('resolves a link within the base tree as the head resolves its own', async () => {
    const repo = scratchRepo();
    repo.commit({
      'test/e2e/pod.yaml': 'base fixture\n',
      'test/other.yaml': 'other\n',
      'kept/target.yaml': 'kept in base\n',
      'shared/edited.yaml': 'before\n',
    });
    const ln = (target: string, at: string) => symlinkSync(target, path.join(repo.dir, at));
    ln('test/e2e/pod.yaml', 'moved.yaml');
    ln('shared/edited.yaml', 'unchanged-link.yaml');
    ln('kept/target.yaml', 'untouched-both.yaml');
    ln('/etc/passwd', 'out.yaml');
    ln('test', 'to-dir');
    const linked = repo.commit({});
    repo.git('checkout', '-q', '-b', 'feature');
    // The change retargets one link, edits the target of another, adds a third.
    repo.commit({ 'moved.yaml': null, 'shared/edited.yaml': 'after\n' });
    ln('test/other.yaml', 'moved.yaml');
    ln('test/e2e/pod.yaml', 'added.yaml');
    repo.commit({});
    const head = new Workspace(repo.dir);
    const rows: [string, string, string][] = [
      // path, head content, base content
      ['moved.yaml', 'other\n', 'base fixture\n'],
      ['unchanged-link.yaml', 'after\n', 'before\n'],
      ['untouched-both.yaml', 'kept in base\n', 'kept in base\n'],
      [
        'out.yaml',
        'not followed: its target is outside the checked tree',
        'not followed: its target is outside the checked tree',
      ],
      ['to-dir', 'not followed: it points to a directory', 'not followed: it points to a directory'],
    ];
    const shown = (c: ReturnType<Workspace['read']>) =>
      c.kind === 'text' ? c.text : c.kind === 'symlink' ? (c.reason ?? '') : c.kind;
    const ws = await buildBaseWorkspace(head, linked);
    expect(ws).toBeDefined();
    expect(rows.map(([f]) => [f, shown(head.read(f)), shown(ws!.read(f))])).toEqual(rows);
    expect(ws!.has('added.yaml')).toBe(false);
    expect(shown(head.read('added.yaml'))).toBe('base fixture\n');
    // A link whose target the change edited is not the head's parse in the base.
    expect(ws!.yaml('unchanged-link.yaml')?.ok && ws!.text('unchanged-link.yaml')).toBe('before\n');
  });

  it('shares the parse of untouched YAML files and records the base problems on its own', async () => {
    const repo = scratchRepo();
    const base = repo.commit({ 'ok.yml': 'a: 1\n', 'broken.yml': 'a: [\n' });
    repo.commit({ 'broken.yml': 'a: 1\n' });
    const head = new Workspace(repo.dir);
    const ws = await buildBaseWorkspace(head, base);
    expect(ws!.yaml('ok.yml')).toBe(head.yaml('ok.yml'));
    expect(ws!.yaml('broken.yml')?.ok).toBe(false);
    expect(ws!.inputProblems().map((p) => p.path)).toEqual(['broken.yml']);
    expect(head.inputProblems()).toEqual([]);
  });

  it('shares per-file parses of untouched files with the head, problems included', async () => {
    const repo = scratchRepo();
    const base = repo.commit({ 'k8s/bad.yaml': 'kind: Pod\nspec: [\n', 'k8s/edited.yaml': 'kind: Pod\n' });
    repo.commit({ 'k8s/edited.yaml': 'kind: Service\n' });
    const head = new Workspace(repo.dir);
    let computed = 0;
    head.memo('k8s', 'k8s/bad.yaml', () => ++computed);
    head.reportProblem({ path: 'k8s/bad.yaml', message: 'broken', line: 2, column: 7 });
    const ws = (await buildBaseWorkspace(head, base))!;
    expect(ws.memo('k8s', 'k8s/bad.yaml', () => ++computed)).toBe(1);
    expect(ws.memo('k8s', 'k8s/edited.yaml', () => ++computed)).toBe(2); // touched: its own parse
    expect(ws.memo('k8s-objects', '', () => ++computed)).toBe(3); // aggregates are never shared
    expect(ws.inputProblems()).toEqual([{ path: 'k8s/bad.yaml', message: 'broken', line: 2, column: 7 }]);
  });

  it("shares an untouched workflow's syntax checks with the head and checks a touched one anew", async () => {
    const repo = scratchRepo();
    const broken = (expr: string) =>
      `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \${{ ${expr} }}\n`;
    const base = repo.commit({
      '.github/workflows/same.yml': broken('github.sha ==='),
      '.github/workflows/edited.yml': broken('github.ref ==='),
      'Cargo.toml': '[package]\nname = "a"\n',
      'Cargo.lock': 'version = 3\n',
    });
    repo.commit({ '.github/workflows/edited.yml': broken('github.ref') });
    const head = new Workspace(repo.dir);
    const problems = (ws: Workspace, file: string) => syntaxProblems(ws, readWorkflowSource(ws, file)!);
    const headSame = problems(head, '.github/workflows/same.yml');
    expect(problems(head, '.github/workflows/edited.yml')).toEqual([]);
    const ws = (await buildBaseWorkspace(head, base))!;
    // The head's value itself, not a second computation.
    expect(problems(ws, '.github/workflows/same.yml')).toBe(headSame);
    expect(headSame.map((p) => p.location.path)).toEqual(['.github/workflows/same.yml']);
    // The touched workflow is the base's own: its broken expression is found there.
    expect(problems(ws, '.github/workflows/edited.yml').map((p) => [p.key, p.location.startLine])).toEqual([
      [`expression/${'$'}{{ github.ref === }}`, 6],
    ]);
    let computed = 0;
    head.memo('deps.toml', 'Cargo.toml', () => ++computed);
    expect(ws.memo('deps.toml', 'Cargo.toml', () => ++computed)).toBe(1);
    expect(ws.memo('deps.inventory', 'Cargo.lock', () => ++computed)).toBe(2); // may read other files
  });

  it('is undefined when the baseline is not in the repository', async () => {
    const repo = scratchRepo();
    repo.commit({ 'a.txt': 'a\n' });
    expect(await buildBaseWorkspace(new Workspace(repo.dir), 'a'.repeat(40))).toBeUndefined();
  });
});

describe('parseRawAgainstHead', () => {
  it('keeps a copy source in place and removes the copy', () => {
    const z = '0'.repeat(40);
    const raw = [`:100644 100644 ${'a'.repeat(40)} ${z} C100`, 'src.txt', 'copy.txt', ''].join('\0');
    expect(parseRawAgainstHead(raw)).toEqual({
      removed: ['copy.txt'],
      entries: [],
      deleted: [],
      renamed: new Map(),
    });
  });

  it('marks a rename or mode change that keeps the blob as the same content, unless a side is a link', () => {
    const a = 'a'.repeat(40);
    const raw = [
      `:100644 100644 ${a} ${a} R100`,
      'old.txt',
      'new.txt',
      `:100644 100755 ${a} ${a} M`,
      'script.sh',
      `:100644 120000 ${a} ${a} T`,
      'link',
      `:100644 100644 ${a} ${'0'.repeat(40)} M`,
      'dirty.txt',
      '',
    ].join('\0');
    expect(parseRawAgainstHead(raw).entries).toEqual([
      { path: 'new.txt', mode: '100644', oid: a, same: true },
      { path: 'script.sh', mode: '100644', oid: a, same: true },
      { path: 'link', mode: '100644', oid: a },
      { path: 'dirty.txt', mode: '100644', oid: a },
    ]);
  });

  it('lists what the working tree deleted, with the base version to read', () => {
    const z = '0'.repeat(40);
    const raw = [`:100644 000000 ${'b'.repeat(40)} ${z} D`, 'gone.txt', ''].join('\0');
    expect(parseRawAgainstHead(raw)).toEqual({
      removed: [],
      entries: [{ path: 'gone.txt', mode: '100644', oid: 'b'.repeat(40) }],
      deleted: ['gone.txt'],
      renamed: new Map(),
    });
  });
});

describe('resolveBaseline', () => {
  it('is the merge base for a checkout of the head commit', async () => {
    const repo = scratchRepo();
    const fork = repo.commit({ 'a.txt': '1\n' });
    repo.git('checkout', '-q', '-b', 'feature');
    const head = repo.commit({ 'a.txt': '2\n' });
    repo.git('checkout', '-q', 'main');
    const base = repo.commit({ 'b.txt': '1\n' });
    repo.git('checkout', '-q', 'feature');
    expect(await resolveBaseline(repo.dir, base, head)).toBe(fork);
  });

  it("is the merge commit's first parent for GitHub's test merge checkout", async () => {
    const repo = scratchRepo();
    repo.commit({ 'a.txt': '1\n' });
    repo.git('checkout', '-q', '-b', 'feature');
    const head = repo.commit({ 'a.txt': '2\n' });
    repo.git('checkout', '-q', 'main');
    const base = repo.commit({ 'b.txt': '1\n' });
    repo.git('merge', '-q', '--no-ff', '--no-edit', 'feature');
    expect(await resolveBaseline(repo.dir, base, head)).toBe(base);
  });

  it('is undefined when the commits are not in the checkout', async () => {
    const repo = scratchRepo();
    const head = repo.commit({ 'a.txt': '1\n' });
    expect(await resolveBaseline(repo.dir, 'b'.repeat(40), head)).toBeUndefined();
  });
});
