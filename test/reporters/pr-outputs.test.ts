/**
 * The pull-request renderers (sticky comment, review comments, check run) over reports produced by
 * the real engine on a real git repository, so `isNew` comes from the base-tree comparison.
 */
import { describe, expect, it } from 'vitest';
import { DiffIndex, gitDiff } from '../../src/core/diff.js';
import { runCheck } from '../../src/core/engine.js';
import type { Report } from '../../src/core/types.js';
import {
  CHECK_RUN_BATCH,
  planCheckRunAnnotations,
  renderCheckRunOutput,
} from '../../src/reporters/check-run.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { MAX_COMMENT_CHARS, renderPrComment } from '../../src/reporters/pr-comment.js';
import {
  parseReviewMarker,
  renderFixedComment,
  renderReviewBody,
  renderReviewComment,
  reviewMarker,
} from '../../src/reporters/review.js';
import { onlyRulesConfig, POLICY } from '../e2e/pr-helpers.js';
import { scratchRepo } from '../helpers/git-repo.js';

/** A pull request whose head adds `head` files over a base with `base` files; returns the report. */
async function prReport(
  base: Record<string, string>,
  head: Record<string, string | null>,
  scan: 'changed' | 'all' = 'all',
): Promise<Report> {
  const repo = scratchRepo();
  const baseSha = repo.commit({ '.controlgate.yml': onlyRulesConfig(), ...POLICY, ...base });
  repo.git('checkout', '-q', '-b', 'feature');
  const headSha = repo.commit(head);
  const files = await gitDiff(repo.dir, baseSha, headSha);
  return runCheck({
    root: repo.dir,
    ruleDirs: [`${repo.dir}/policy`],
    failOn: 'high',
    change: {
      scope: 'new',
      // Every file by default, so that the debt in unchanged files is in the report too.
      scan,
      baseline: baseSha,
      diff: new DiffIndex({ source: 'git', files: files!, truncated: false }),
    },
  });
}

const MARKER = '<!-- controlgate:sticky path=. -->';

describe('renderPrComment', () => {
  it('starts with its marker, separates new findings from collapsed debt, and marks inline ones', async () => {
    const report = await prReport(
      { 'src/old.js': 'x = DEBUG_BACKDOOR;\n' },
      { 'src/new.js': 'y = DEBUG_BACKDOOR_NEW;\n// TODO(security): later\n' },
    );
    const fresh = report.findings.find(
      (f) => f.location?.path === 'src/new.js' && f.ruleId === 'debug-backdoor',
    )!;
    const body = renderPrComment(report, {
      marker: MARKER,
      scope: 'new',
      inline: new Set([fresh.fingerprint]),
    });
    expect(body.split('\n')[0]).toBe(MARKER);
    expect(body).toContain('## ❌ controlgate: gate failed');
    expect(body).toContain('**2** new · **1** existing · **1** blocking');
    expect(body).toContain('### Introduced by this pull request (2)');
    expect(body).toMatch(/^\| 💬 \| \*\*high\*\* · blocking \| <code>src\/new\.js:1<\/code> \|/m);
    expect(body).toContain(
      '<details><summary>1 existing finding (already on the base branch; reported, not blocking)</summary>',
    );
    expect(body).toMatch(/\| 8\.28 Secure coding \| ◻️ undeclared \| 2 \| 1 \|/);
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
  });

  it('says the pull request introduces nothing when that is so', async () => {
    const report = await prReport({ 'src/old.js': 'x = DEBUG_BACKDOOR;\n' }, { 'README.md': 'docs\n' });
    const body = renderPrComment(report, { marker: MARKER, scope: 'new' });
    expect(body).toContain('This pull request introduces no finding. 🎉');
    expect(body).toContain('## ✅ controlgate: gate passed');
  });

  it('keeps repository text inert: no raw HTML, no mention, no broken table', async () => {
    const hostile = 'src/<img src=x onerror=alert(1)>|@admin.js';
    const report = await prReport({}, { [hostile]: 'z = DEBUG_BACKDOOR;\n' });
    const body = renderPrComment(report, { marker: MARKER, scope: 'new', runUrl: 'javascript:alert(1)' });
    expect(body).not.toContain('<img');
    expect(body.replaceAll('@&#8203;', '')).not.toContain('@admin');
    expect(body).not.toContain('javascript:');
    const row = body.split('\n').find((l) => l.includes('onerror'))!;
    expect(row.split(/(?<!\\)\|/).length).toBe(
      '| | Severity | Location | Rule | Message |'.split('|').length,
    );
  });

  it('says when the per-file rules read only the changed files, and lists no debt from other files', async () => {
    const report = await prReport(
      { 'src/old.js': 'x = DEBUG_BACKDOOR;\n' },
      { 'src/new.js': 'y = DEBUG_BACKDOOR_NEW;\n' },
      'changed',
    );
    const body = renderPrComment(report, { marker: MARKER, scope: 'new' });
    expect(body).toContain(
      '**Failed** (fail-on high; gate: new, only what this pull request introduces can block; per-file rules checked its 1 changed file).',
    );
    expect(body).toContain('**1** new · **0** existing · **1** blocking');
    expect(body).not.toContain('src/old.js');
  });

  it("says how many rules took the base commit's stored results", async () => {
    const checked = await prReport({ 'src/old.js': 'x = 1;\n' }, { 'src/new.js': 'y = 2;\n' }, 'changed');
    const reused = { rules: 12, source: 'artifact controlgate-base-results (id 7) of run 9, push to main' };
    const report = { ...checked, summary: { ...checked.summary, reused } };
    const body = renderPrComment(report, { marker: MARKER, scope: 'new' });
    expect(body).toContain(
      "gate: new, only what this pull request introduces can block; per-file rules checked its 1 changed file; 12 rules reading across files, untouched by it, took the base commit's results).",
    );
    expect(renderMarkdown(report)).toContain(
      '12 rules that read across files were not evaluated again: the change touches nothing they read, and their results on the base commit come from artifact controlgate-base-results (id 7) of run 9, push to main.',
    );
  });

  it('fits 65,536 characters with thousands of findings and says what it left out', async () => {
    const many = Array.from({ length: 3000 }, (_, i) => `v${i} = DEBUG_BACKDOOR; // ${'x'.repeat(40)}`).join(
      '\n',
    );
    const report = await prReport({ 'src/old.js': `${many}\n` }, { 'src/new.js': `${many}\n` });
    const body = renderPrComment(report, {
      marker: MARKER,
      scope: 'new',
      runUrl: 'https://github.example/r/1',
    });
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(body).toMatch(
      /_This comment was cut to fit GitHub's 65,536-character limit: \d+ findings not listed\. Every finding is in the job summary of the \[workflow run\]\(https:\/\/github\.example\/r\/1\) and the JSON report\._/,
    );
    expect(body.trimEnd().endsWith('</sub>')).toBe(true);
  }, 60_000);
});

describe('review comments', () => {
  it('carry the message, the fix, the controls and a marker that round-trips', async () => {
    const report = await prReport({}, { 'src/new.js': 'y = DEBUG_BACKDOOR;\n' });
    const f = report.findings[0]!;
    const body = renderReviewComment(f);
    expect(body).toBe(
      [
        '**[high] No debug backdoors ship** · ISO/IEC 27002:2022 8.28 · **blocks the merge**',
        '',
        'Debug backdoor switch found.',
        '',
        '**Fix:** Remove the debug backdoor.',
        '',
        `<sub>[controlgate](${f.helpUri}) rule \`debug-backdoor\`</sub>`,
        reviewMarker(f.fingerprint),
      ].join('\n'),
    );
    expect(parseReviewMarker(body)).toEqual({ fingerprint: f.fingerprint, fixed: false });
    const fixed = renderFixedComment(body, 'a'.repeat(40));
    expect(parseReviewMarker(fixed)).toEqual({ fingerprint: f.fingerprint, fixed: true });
    expect(fixed).toContain('> Debug backdoor switch found.');
    expect(renderReviewBody(30, 1)).toBe(
      'controlgate: 30 findings on lines this pull request changes. 1 more finding on changed lines is listed in the controlgate summary comment and the job summary.',
    );
  });
});

describe('check run', () => {
  it('annotates every located open finding, blocking first, then those on changed lines', async () => {
    const report = await prReport(
      { 'src/a.js': 'TODO(security) one\n' },
      { 'src/b.js': 'TODO(security) two\n', 'src/c.js': 'z = DEBUG_BACKDOOR;\n' },
    );
    const changed = new Set(['src/b.js', 'src/c.js']);
    const annotations = planCheckRunAnnotations(report, {
      prefix: 'svc/',
      onChangedLine: (f) => changed.has(f.location!.path),
    });
    expect(annotations.map((a) => `${a.annotation_level} ${a.path}:${a.start_line}`)).toEqual([
      'failure svc/src/c.js:1',
      'warning svc/src/b.js:1',
      'warning svc/src/a.js:1',
    ]);
    const output = renderCheckRunOutput(report, { annotations: annotations.length, scope: 'new' });
    expect(output.title).toBe('Gate failed: 1 blocking finding');
    expect(output.summary.length).toBeLessThanOrEqual(65_535);
    expect(output.text.length).toBeLessThanOrEqual(65_535);
    expect(CHECK_RUN_BATCH).toBe(50);
  });
});
