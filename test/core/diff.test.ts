import { describe, expect, it } from 'vitest';
import { DiffIndex, gitDiff, mergeRanges, parseGitDiff, parsePatch } from '../../src/core/diff.js';
import { scratchRepo } from '../helpers/git-repo.js';

describe('parsePatch (API patches with context)', () => {
  it('counts new-side lines through context, additions, deletions and no-newline markers', () => {
    const patch = [
      '@@ -1,4 +1,5 @@',
      ' a',
      '-b',
      '+B',
      '+B2',
      ' c',
      '\\ No newline at end of file',
      '@@ -20,2 +21,3 @@ function x() {',
      ' y',
      '+z',
      ' w',
    ].join('\n');
    expect(parsePatch(patch)).toEqual([
      { start: 2, end: 3 },
      { start: 22, end: 22 },
    ]);
  });

  it('reads an added file as one range', () => {
    expect(parsePatch('@@ -0,0 +1,3 @@\n+a\n+b\n+c')).toEqual([{ start: 1, end: 3 }]);
  });
});

describe('mergeRanges', () => {
  it('joins overlapping and adjacent ranges and sorts them', () => {
    expect(
      mergeRanges([
        { start: 10, end: 12 },
        { start: 1, end: 2 },
        { start: 3, end: 3 },
        { start: 11, end: 20 },
      ]),
    ).toEqual([
      { start: 1, end: 3 },
      { start: 10, end: 20 },
    ]);
  });
});

describe('gitDiff (base...head)', () => {
  it('lists statuses with exact paths and the added lines of each file', async () => {
    const repo = scratchRepo();
    const weird = 'we"ird\tname.txt';
    const base = repo.commit({
      'x y.txt': 'a\nb\nc\n',
      [weird]: 'q\n',
      'r.txt': `${Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n')}\n`,
      'keep.txt': 'same\n',
    });
    repo.git('checkout', '-q', '-b', 'feature');
    const head = repo.commit({
      'x y.txt': 'a\nB\nc\nd\n',
      [weird]: null,
      'r.txt': null,
      'r2.txt': `${Array.from({ length: 11 }, (_, i) => `line ${i + 1}`).join('\n')}\n`,
      'bin.dat': Buffer.from([0, 1, 2, 3]),
      'new/added.txt': 'one\ntwo\n',
    });
    const files = await gitDiff(repo.dir, base, head);
    expect(files).toEqual([
      { path: 'bin.dat', status: 'added', added: [], linesUnknown: true },
      { path: 'new/added.txt', status: 'added', added: [{ start: 1, end: 2 }] },
      { path: 'r2.txt', previousPath: 'r.txt', status: 'renamed', added: [{ start: 11, end: 11 }] },
      { path: weird, status: 'deleted', added: [] },
      {
        path: 'x y.txt',
        status: 'modified',
        added: [
          { start: 2, end: 2 },
          { start: 4, end: 4 },
        ],
      },
    ]);
  });

  it('diffs against the merge base: changes on the base branch since are not the change', async () => {
    const repo = scratchRepo();
    const start = repo.commit({ 'a.txt': '1\n', 'b.txt': '1\n' });
    repo.git('checkout', '-q', '-b', 'feature');
    const head = repo.commit({ 'a.txt': '1\n2\n' });
    repo.git('checkout', '-q', 'main');
    const base = repo.commit({ 'b.txt': '1\nmain\n' });
    expect(start).not.toBe(base);
    const files = await gitDiff(repo.dir, base, head);
    expect(files?.map((f) => f.path)).toEqual(['a.txt']);
  });

  it('is undefined for a commit the checkout does not have, or a ref that is not a commit id', async () => {
    const repo = scratchRepo();
    const head = repo.commit({ 'a.txt': '1\n' });
    expect(await gitDiff(repo.dir, 'f'.repeat(40), head)).toBeUndefined();
    expect(await gitDiff(repo.dir, '--output=/tmp/x', head)).toBeUndefined();
  });

  it('parses an empty diff', () => {
    expect(parseGitDiff('')).toEqual([]);
  });
});

describe('DiffIndex', () => {
  const index = new DiffIndex(
    {
      source: 'api',
      truncated: false,
      files: [
        { path: 'services/api/app.js', status: 'modified', added: [{ start: 5, end: 7 }] },
        { path: 'services/api/gone.js', status: 'deleted', added: [] },
        { path: 'other/x.js', status: 'added', added: [{ start: 1, end: 3 }] },
      ],
    },
    'services/api/',
  );

  it('answers in the checked root terms and ignores files outside it', () => {
    expect(index.isChanged('app.js')).toBe(true);
    expect(index.isChanged('gone.js')).toBe(false);
    expect(index.isChanged('other/x.js')).toBe(false);
  });

  it('places a range on its first added line', () => {
    expect(index.firstAddedLine('app.js', 3, 6)).toBe(5);
    expect(index.firstAddedLine('app.js', 6)).toBe(6);
    expect(index.firstAddedLine('app.js', 8, 9)).toBeUndefined();
    expect(index.touches('app.js', 1, 4)).toBe(false);
  });
});
