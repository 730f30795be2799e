import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import { GitRepository } from '../../src/core/git.js';
import { packagePath } from '../../src/core/paths.js';
import type { Report } from '../../src/core/types.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
}

function git(root: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'ignore'],
  })
    .toString()
    .trim();
}

function repository(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cg-policy-'));
  dirs.push(root);
  git(root, 'init', '-q', '-b', 'main');
  write(root, files);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'base');
  return root;
}

const NO_EVAL_RULE = [
  'id: no-eval',
  'title: No eval of dynamic code',
  'severity: medium',
  'controls: ["8.28"]',
  'rationale: eval runs whatever string reaches it.',
  'remediation: Parse the data instead of evaluating it.',
  'check:',
  '  kind: content.forbidden',
  '  with:',
  '    paths: ["src/**"]',
  '    patterns: ["\\\\beval\\\\("]',
  '',
].join('\n');

const BASE_DECLARATIONS = [
  'version: 1',
  'controls:',
  '  "8.28":',
  '    status: implemented',
  '    evidence: ["https://wiki.example.com/secure-coding"]',
  '',
].join('\n');

/** The pull request: it evaluates input, and flips 8.28 and excepts its own finding to get through. */
const TAMPERED_DECLARATIONS = [
  'version: 1',
  'controls:',
  '  "8.28":',
  '    status: not-applicable',
  '    justification: Nothing in this repository is code.',
  'exceptions:',
  '  - id: EXC-SELF',
  '    rules: [no-eval]',
  '    paths: ["src/**"]',
  '    reason: Needed for the plugin loader.',
  '    approved-by: "@me"',
  '    expires: 2026-12-31',
  '',
].join('\n');

const NOW = new Date('2026-06-01T00:00:00Z');

function check(root: string, base?: string): Promise<Report> {
  return runCheck({
    root,
    builtinRules: false,
    ruleDirs: [packagePath('rules', 'policy')],
    now: NOW,
    ...(base ? { base } : {}),
  });
}

describe('policy from the base commit (tamper test)', async () => {
  const root = repository({
    '.controlgate.yml': 'version: 1\nrule-dirs: [policy/rules]\n',
    'policy/rules/no-eval.yml': NO_EVAL_RULE,
    '.github/controls.yml': BASE_DECLARATIONS,
    'src/app.js': 'export const run = (s) => JSON.parse(s);\n',
  });
  const base = git(root, 'rev-parse', 'HEAD');
  git(root, 'checkout', '-q', '-b', 'pr');
  write(root, {
    '.github/controls.yml': TAMPERED_DECLARATIONS,
    'src/app.js': 'export const run = (s) => eval(s);\n',
  });
  // The PR also deletes the custom rule that would catch it.
  unlinkSync(path.join(root, 'policy/rules/no-eval.yml'));
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'pr');

  const judged = await check(root, 'main');

  it('without the base, the tampered head would pass', async () => {
    const naive = await check(root);
    expect(naive.policy.source).toBe('head');
    expect(naive.controls.find((c) => c.id === '8.28')!.verdict).toBe('not-applicable');
    expect(naive.summary.gate.result).toBe('pass');
  });

  it('reads config, declarations, exceptions and custom rules from the base commit', () => {
    expect(judged.policy).toMatchObject({
      source: 'base',
      base,
      controls: '.github/controls.yml',
      warnings: [],
    });
    expect(judged.repository.base).toBe(base);
    expect(judged.rules.find((r) => r.id === 'no-eval')).toMatchObject({ result: 'fail', findings: 1 });
  });

  it('keeps the finding open and the control a gap, so the gate fails', () => {
    const f = judged.findings.find((x) => x.ruleId === 'no-eval')!;
    expect(f).toMatchObject({
      status: 'open',
      blocking: true,
      location: { path: 'src/app.js', startLine: 1 },
    });
    expect(f.exception).toBeUndefined();
    const c = judged.controls.find((x) => x.id === '8.28')!;
    expect(c).toMatchObject({
      verdict: 'gap',
      declared: { status: 'implemented', location: { path: '.github/controls.yml', startLine: 3 } },
      reasons: ['rule no-eval has 1 open finding'],
    });
    expect(judged.summary.gate.result).toBe('fail');
    expect(judged.summary.gate.reasons).toContain(
      'control 8.28 (Secure coding) has a gap: rule no-eval has 1 open finding',
    );
  });

  it('reports each policy change, located in the head, mapped to 8.32', () => {
    const changes = judged.findings.filter((x) => x.ruleId === 'policy-change');
    expect(changes.map((x) => [x.location?.path ?? '-', x.location?.startLine ?? 0, x.message])).toEqual([
      ['-', 0, 'Policy change: custom rule file policy/rules/no-eval.yml is removed.'],
      [
        '.github/controls.yml',
        4,
        'Policy change: 8.28 changes from implemented to not-applicable ("Nothing in this repository is code.").',
      ],
      [
        '.github/controls.yml',
        7,
        'Policy change: exception EXC-SELF is added (no-eval in src/**, expires 2026-12-31).',
      ],
    ]);
    for (const c of changes)
      expect(c).toMatchObject({ controls: ['8.32'], severity: 'medium', status: 'open' });
  });

  it('fails closed, with a loud warning, when the base commit is not available', async () => {
    const missing = await check(root, '0123456789abcdef0123456789abcdef01234567');
    expect(missing.policy.source).toBe('head');
    expect(missing.summary.gate.result).toBe('fail');
    expect(missing.summary.gate.reasons[0]).toBe(
      'the policy could not be read from the base commit 0123456789ab',
    );
    expect(missing.policy.warnings).toEqual([
      expect.stringMatching(
        /^The policy could not be read from the base commit 0123456789abcdef0123456789abcdef01234567 \(the commit is not in the local repository\)/,
      ),
    ]);
  });

  it('uses a fallback reader for the base when git does not have it', async () => {
    const baseTree = (await import('../../src/core/policy/tree.js')).fsTree;
    const other = repository({ '.github/controls.yml': BASE_DECLARATIONS });
    const report = await runCheck({
      root,
      builtinRules: false,
      ruleDirs: [packagePath('rules', 'policy')],
      now: NOW,
      base: 'feedfacefeedfacefeedfacefeedfacefeedface',
      baseTree: () => baseTree(other),
    });
    expect(report.policy.source).toBe('base');
    expect(report.controls.find((c) => c.id === '8.28')!.declared?.status).toBe('implemented');
  });
});

describe('GitRepository', () => {
  const root = repository({ 'a.txt': 'a\n', 'dir/b.txt': 'b\n', 'big.txt': 'x'.repeat(2048) });
  symlinkSync('/etc/passwd', path.join(root, 'link'));
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'more');
  const repo = GitRepository.open(root)!;
  const head = repo.head()!;

  it('resolves commits and refuses refs that git could read as options', () => {
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    expect(repo.resolveCommit('main')).toBe(head);
    expect(repo.resolveCommit('--output=/tmp/x')).toBeUndefined();
    expect(repo.resolveCommit('main;rm -rf /')).toBeUndefined();
    expect(repo.resolveCommit('no-such-branch')).toBeUndefined();
  });

  it('reads files with a size bound, never through a symbolic link, never outside the tree', () => {
    expect(repo.readFile(head, 'dir/b.txt')).toEqual({ kind: 'text', text: 'b\n' });
    expect(repo.readFile(head, 'big.txt', 1024)).toEqual({ kind: 'too-large', size: 2048 });
    expect(repo.readFile(head, 'link')).toEqual({ kind: 'not-a-file' });
    expect(repo.readFile(head, '../etc/passwd')).toEqual({ kind: 'missing' });
    expect(repo.readFile(head, 'nope.txt')).toEqual({ kind: 'missing' });
    expect(repo.listFiles(head, '')).toEqual(['a.txt', 'big.txt', 'dir/b.txt']);
    expect(repo.listFiles(head, 'dir')).toEqual(['dir/b.txt']);
  });

  it('works from a directory inside the work tree, with paths relative to it', () => {
    const sub = GitRepository.open(path.join(root, 'dir'))!;
    expect(sub.prefix).toBe('dir/');
    expect(sub.readFile(head, 'b.txt')).toEqual({ kind: 'text', text: 'b\n' });
    expect(sub.listFiles(head, '')).toEqual(['b.txt']);
  });

  it('opens a repository without a commit yet: no head', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'cg-empty-'));
    dirs.push(empty);
    git(empty, 'init', '-q');
    mkdirSync(path.join(empty, 'sub'));
    const opened = GitRepository.open(path.join(empty, 'sub'));
    expect(opened?.prefix).toBe('sub/');
    expect(opened?.head()).toBeUndefined();
  });

  it('is undefined outside a repository', () => {
    const plain = mkdtempSync(path.join(tmpdir(), 'cg-plain-'));
    dirs.push(plain);
    expect(GitRepository.open(plain)).toBeUndefined();
  });

  it('finds the repository named by GIT_DIR, as git does, from a directory without .git', () => {
    const plain = mkdtempSync(path.join(tmpdir(), 'cg-plain-'));
    dirs.push(plain);
    const saved = process.env.GIT_DIR;
    process.env.GIT_DIR = path.join(root, '.git');
    try {
      expect(GitRepository.open(plain)?.head()).toBe(head);
    } finally {
      if (saved === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved;
    }
  });
});
