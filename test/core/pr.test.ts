import { describe, expect, it } from 'vitest';
import { pullRequestInfo, readEvent } from '../../src/action/event.js';
import type { FetchedBase } from '../../src/core/base-tree.js';
import { DiffIndex } from '../../src/core/diff.js';
import { createFinding } from '../../src/core/finding.js';
import { type BaseGrade, inGateScope, judgeChange, markNewByBase, markNewByDiff } from '../../src/core/pr.js';
import type { Finding, Rule } from '../../src/core/types.js';
import { Workspace } from '../../src/core/workspace/workspace.js';
import { makeTree } from '../helpers/run-action.js';

const rule = (id: string): Rule => ({
  id,
  title: id,
  severity: 'high',
  confidence: 'high',
  controls: ['8.28'],
  rationale: 'r',
  remediation: 'fix',
  references: [],
  tags: [],
  examples: [],
  check: { kind: 'x' },
  source: 'builtin',
  file: `${id}.yml`,
});

function finding(path: string | null, line = 1, key = `${path}:${line}`, id = 'r'): Finding {
  return createFinding(rule(id), { message: 'm', location: path ? { path, startLine: line } : null, key });
}

/** A finding's grade, as the base tree's run gives it. */
function grade(f: Finding): BaseGrade {
  return { severity: f.severity, confidence: f.confidence };
}

const index = new DiffIndex(
  {
    source: 'api',
    truncated: false,
    files: [
      { path: 'a.js', status: 'modified', added: [{ start: 3, end: 4 }] },
      { path: 'b.js', status: 'added', added: [{ start: 1, end: 9 }] },
      { path: 'c.bin', status: 'modified', added: [], linesUnknown: true },
    ],
  },
  '',
);

describe('markNewByDiff', () => {
  it('judges by added lines; unplaced findings count as new; exempt rules never', () => {
    const fs = [
      finding('a.js', 3),
      finding('a.js', 1),
      finding('b.js', 50),
      finding('c.bin', 1),
      finding('untouched.js', 3),
      finding(null),
      finding(null, 1, 'settings', 'github-x'),
    ];
    const summary = markNewByDiff(fs, index, new Set(['github-x']));
    expect(fs.map((f) => f.isNew)).toEqual([true, false, true, true, false, true, false]);
    expect(summary).toEqual({ new: 4, existing: 3, unplaced: 1, raised: 0 });
  });
});

describe('markNewByBase and the gate scope', () => {
  it('compares fingerprints, so a finding that moved lines stays existing', () => {
    const moved = finding('a.js', 40, 'same content');
    const base = finding('a.js', 2, 'same content');
    const fresh = finding('a.js', 41, 'other content');
    markNewByBase([moved, fresh], new Map([[base.fingerprint, grade(base)]]));
    expect([moved.isNew, fresh.isNew]).toEqual([false, true]);
    expect(inGateScope(moved, 'new')).toBe(false);
    expect(inGateScope(moved, 'all')).toBe(true);
    expect(inGateScope(finding('z.js'), 'new')).toBe(true); // not judged: counts
  });
});

describe('judgeChange with the base read through the API (a shallow checkout)', () => {
  // The head: a.js and b.js modified, n.js added, u.js untouched, d.js deleted (not in the head).
  const head = () =>
    new Workspace(makeTree({ 'a.js': 'a2\n', 'b.js': 'b2\n', 'n.js': 'n\n', 'u.js': 'u\n' }));
  const files: FetchedBase['files'] = [
    { path: 'a.js', status: 'modified' },
    { path: 'b.js', status: 'modified' },
    { path: 'n.js', status: 'added' },
    { path: 'd.js', status: 'deleted' },
  ];
  const blob = (text: string) => ({ kind: 'file' as const, bytes: Buffer.from(text) });
  const all = new Map([
    ['a.js', blob('a1\n')],
    ['b.js', blob('b1\n')],
    ['d.js', blob('guard\n')],
  ]);
  const without = (p: string) => new Map([...all].filter(([k]) => k !== p));
  // Findings at a.js, b.js, n.js, u.js and about no file; the base is said to have every one of them,
  // so only what was not read can make one new.
  const cases: {
    name: string;
    fetched: Partial<FetchedBase>;
    isNew: boolean[];
    inBase: Record<string, boolean>;
  }[] = [
    {
      name: 'every base version read: judged by the base alone',
      fetched: {},
      isNew: [false, false, false, false, false],
      inBase: { 'a.js': true, 'b.js': true, 'n.js': false, 'd.js': true, 'u.js': true },
    },
    {
      // What its base held may change the findings of any other file (a Makefile that makes a
      // manifest test material): no finding can be told existing.
      name: 'a modified file over the bound: every finding is new',
      fetched: { blobs: without('b.js'), unread: new Set(['b.js']), unreadReason: 'over the bound' },
      isNew: [true, true, true, true, true],
      inBase: { 'a.js': true, 'b.js': false, 'd.js': true },
    },
    {
      name: 'a deleted file not read: every finding is new',
      fetched: { blobs: without('d.js'), unread: new Set(['d.js']) },
      isNew: [true, true, true, true, true],
      inBase: { 'd.js': false },
    },
    {
      // A changed file the list does not name may change the findings of any other file.
      name: 'a partial file list: every finding is new',
      fetched: { partial: true },
      isNew: [true, true, true, true, true],
      inBase: { 'a.js': true },
    },
  ];
  it.each(cases)('$name', async ({ fetched, isNew, inBase }) => {
    const found = [finding('a.js'), finding('b.js'), finding('n.js'), finding('u.js'), finding(null)];
    const workspace = head();
    let seen: Workspace | undefined;
    const result = await judgeChange(
      found,
      {
        scope: 'new',
        fetchedBase: {
          commit: 'c'.repeat(40),
          files,
          blobs: all,
          unread: new Set(),
          partial: false,
          ...fetched,
        },
      },
      {
        head: workspace,
        include: [],
        exclude: [],
        exempt: new Set(),
        alwaysNew: new Set(),
        evaluateBase: async (base) => {
          seen = base;
          return new Map(found.map((f) => [f.fingerprint, grade(f)]));
        },
      },
    );
    expect(result.judged).toMatchObject({ method: 'base-tree', commit: 'c'.repeat(40), source: 'api' });
    expect(found.map((f) => f.isNew)).toEqual(isNew);
    expect(result.counts.new).toBe(isNew.filter(Boolean).length);
    for (const [p, has] of Object.entries(inBase)) expect([p, seen!.has(p)]).toEqual([p, has]);
    if (seen!.has('a.js')) expect(seen!.read('a.js')).toMatchObject({ kind: 'text', text: 'a1\n' });
    if (seen!.has('d.js')) expect(seen!.read('d.js')).toMatchObject({ kind: 'text', text: 'guard\n' });
  });
});

describe('the event payload', () => {
  const pr = (over: Record<string, unknown> = {}) => ({
    number: 12,
    draft: false,
    base: { sha: 'a'.repeat(40), ref: 'main', repo: { full_name: 'acme/api' } },
    head: { sha: 'b'.repeat(40), ref: 'feat', repo: { full_name: 'acme/api' } },
    ...over,
  });

  it('reads a pull request and tells a fork by its head repository', () => {
    expect(pullRequestInfo(pr())).toMatchObject({ number: 12, fork: false, head: { sha: 'b'.repeat(40) } });
    expect(
      pullRequestInfo(pr({ head: { sha: 'b'.repeat(40), ref: 'x', repo: { full_name: 'eve/api' } } }))?.fork,
    ).toBe(true);
    // A deleted fork has no head repository: treated as a fork.
    expect(pullRequestInfo(pr({ head: { sha: 'b'.repeat(40), ref: 'x', repo: null } }))?.fork).toBe(true);
  });

  it('refuses a payload whose commits are not commit ids', () => {
    expect(pullRequestInfo(pr({ base: { sha: '--upload-pack=x', ref: 'main' } }))).toBeUndefined();
    expect(pullRequestInfo(pr({ number: '12' }))).toBeUndefined();
  });

  it('reports an unreadable payload as a problem, not a crash', () => {
    const dir = makeTree({ 'event.json': '{not json' });
    const event = readEvent({
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: `${dir}/event.json`,
      GITHUB_REPOSITORY: 'acme/api',
    });
    expect(event.pullRequest).toBeUndefined();
    expect(event.repository).toEqual({ owner: 'acme', repo: 'api' });
    expect(event.problem).toMatch(/^the event payload .* could not be read: /);
  });
});
