import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/types.js';
import { DEFAULT_MAX_FINDINGS, MAX_SUMMARY_BYTES, renderMarkdown } from '../../src/reporters/markdown.js';
import {
  assembleReport,
  HOSTILE_MESSAGE,
  sampleReport,
  syntheticFinding,
} from '../fixtures/report/sample-report.js';
import { tableCells } from './helpers.js';

const MIB = 1024 * 1024;
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** Every table in the output, as [header cell count, row cell counts]. */
function tables(md: string): { header: number; rows: number[] }[] {
  const out: { header: number; rows: number[] }[] = [];
  let current: { header: number; rows: number[] } | undefined;
  for (const line of md.split('\n')) {
    const cells = tableCells(line);
    if (!cells) {
      current = undefined;
      continue;
    }
    if (!current) {
      current = { header: cells.length, rows: [] };
      out.push(current);
    } else current.rows.push(cells.length);
  }
  return out;
}

function manyFindings(n: number, make: (i: number) => Partial<Finding> = () => ({})): Finding[] {
  const sevs = ['critical', 'high', 'medium', 'low', 'info'] as const;
  return Array.from({ length: n }, (_, i) => {
    const severity = sevs[Math.floor((i * sevs.length) / n)]!;
    return syntheticFinding(i, severity, {
      blocking: severity === 'critical' || severity === 'high',
      ...make(i),
    });
  });
}

describe('renderMarkdown', () => {
  it('matches the snapshot', async () => {
    await expect(renderMarkdown(sampleReport())).toMatchFileSnapshot('__snapshots__/summary.md');
  });

  it('leaves no raw HTML, mention or terminal escape from the repository', () => {
    const md = renderMarkdown(sampleReport());
    expect(md).not.toMatch(/<script|<img|<\/script|<docs>/i);
    expect(md).not.toContain('@octocat');
    expect(md).not.toContain('\u001b');
    expect(md).not.toContain('\u202e');
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // The hostile path is inside one code span on one line.
    expect(md).toContain(
      '<code>docs/we\\|rd\\*&lt;script&gt;alert(1)&lt;/script&gt;\\`x\\`\\\\n::error::owned%0A,a,b.md:7</code>',
    );
  });

  it('keeps every table row at its header width (no pipe or newline breaks a cell)', () => {
    const found = tables(renderMarkdown(sampleReport()));
    expect(found.length).toBe(3);
    for (const t of found) for (const n of t.rows) expect(n).toBe(t.header);
  });

  it('neutralises Markdown syntax in messages', () => {
    const md = renderMarkdown(sampleReport());
    const row = md.split('\n').find((l) => l.includes('onerror'))!;
    expect(row).toContain('Found \\*\\*internal\\*\\* \\[link\\](javascript:alert(1))');
    expect(row).toContain('\\`code\\` \\| cell @&#8203;octocat \\#1 \\$x\\$ \\~\\~s\\~\\~');
    expect(row).not.toMatch(/(?<!\\)\]\(javascript:/);
    expect(HOSTILE_MESSAGE).toContain('](javascript:');
  });

  it('lists blocking findings first, then open ones, then excepted and ignored', () => {
    const md = renderMarkdown(sampleReport());
    const rows = md
      .slice(md.indexOf('### Findings'))
      .split('\n')
      .map(tableCells)
      .filter((cells): cells is string[] => cells !== null)
      .slice(2);
    expect(rows.map((cells) => cells[0])).toEqual([
      '**critical** · blocking',
      '**high** · blocking',
      '**high** · blocking',
      'medium',
      'medium',
      'medium',
      'low',
      'info · exception EXC-2025-010 expired',
      'high · excepted (EXC-2026-004)',
      'low · ignored',
    ]);
    expect(rows[1]![1]).toBe('(repository)');
  });

  it('says the gate passed when it did', () => {
    const md = renderMarkdown(assembleReport([]));
    expect(md.split('\n')[0]).toBe('## ✅ controlgate: gate passed');
    expect(md).not.toContain('### Findings');
  });

  it('caps the findings list and says how many more there are and where to read them', () => {
    const report = assembleReport(manyFindings(250));
    const md = renderMarkdown(report);
    expect(md).toContain(`### Findings (${DEFAULT_MAX_FINDINGS} of 250 shown)`);
    expect(md).toContain(
      '**50 more findings not shown** (this summary lists at most 200). Every finding is in',
    );
    const small = renderMarkdown(report, {
      maxFindings: 5,
      fullReportHint: 'the `controlgate-report` artifact',
    });
    expect(small).toContain(
      '**245 more findings not shown** (this summary lists at most 5; 95 of them blocking).',
    );
    expect(small).toContain('Every finding is in the \\`controlgate-report\\` artifact.');
    // The delimiter row counts as a row here.
    expect(tables(small)[2]!.rows).toHaveLength(5 + 1);
  });

  it('stays under 1 MiB for a report with 100,000 findings', () => {
    const report = assembleReport(manyFindings(100_000));
    const md = renderMarkdown(report);
    expect(bytes(md)).toBeLessThan(MIB);
    expect(md).toContain('**99800 more findings not shown**');
  });

  it('stays under 1 MiB even when every finding is listed and every string is huge and hostile', () => {
    const evil = `${'<@x|`$'.repeat(20_000)}\u202e`;
    const report = assembleReport(
      manyFindings(100_000, (i) => ({
        message: evil,
        remediation: evil,
        title: evil,
        location: { path: `${evil}/${i}`, startLine: 1 },
      })),
    );
    const md = renderMarkdown(report, { maxFindings: Number.POSITIVE_INFINITY });
    expect(bytes(md)).toBeLessThanOrEqual(MAX_SUMMARY_BYTES);
    expect(bytes(md)).toBeLessThan(MIB);
    expect(md).toMatch(
      /\*\*\d+ more findings not shown\*\* \(this summary reached its size limit; \d+ of them blocking\)/,
    );
    for (const t of tables(md)) for (const n of t.rows) expect(n).toBe(t.header);
  });

  it('honours a small byte budget (a sticky PR comment) and a tiny one', () => {
    const report = assembleReport(manyFindings(2_000));
    const comment = renderMarkdown(report, { maxBytes: 60_000, maxFindings: 2_000 });
    expect(bytes(comment)).toBeLessThanOrEqual(60_000);
    expect(comment).toContain('reached its size limit');
    const tiny = renderMarkdown(report, { maxBytes: 2_000 });
    expect(bytes(tiny)).toBeLessThanOrEqual(2_000);
    expect(tiny).toContain('_Summary truncated to fit its size limit._');
  });

  it('leads with the control table: declared, verdict, findings and why, gaps first', () => {
    const md = renderMarkdown(sampleReport());
    expect(md.indexOf('### ISO/IEC 27002:2022 controls')).toBeLessThan(md.indexOf('### Findings'));
    const table = md.slice(md.indexOf('| Control | Title | Declared |'));
    const rows = table
      .slice(0, table.indexOf('\n\n'))
      .split('\n')
      .map(tableCells)
      .filter((cells): cells is string[] => cells !== null)
      .slice(2);
    expect(rows.map((r) => `${r[0]} ${r[3]}`)).toEqual([
      '8.4 ❌ gap',
      '8.24 ❌ gap',
      '8.7 ⚠️ unverifiable',
      '8.13 🔍 not assessed',
      '8.2 🗓️ planned',
      '8.3 ❔ undeclared',
      '8.8 ❔ undeclared',
      '8.9 ❔ undeclared',
      '8.12 ❔ undeclared',
      '8.18 ❔ undeclared',
      '8.19 ❔ undeclared',
      '8.32 ❔ undeclared',
      '8.28 ✅ satisfied',
      '8.31 ➖ not applicable',
    ]);
    expect(rows[0]).toEqual([
      '8.4',
      'Access to source code',
      'implemented',
      '❌ gap',
      '1',
      'rule codeowners-present has 1 open finding; evidence .github/CODEOWNERS is missing: no such file or directory in the repository',
    ]);
    expect(rows[4]![2]).toBe('planned (as A.9.2.3)');
    expect(rows[3]!.slice(4)).toEqual([
      '0',
      'no rule checks 8.13 and no evidence is cited; If 8.13 does not apply to what this repository holds, declare it not-applicable with a justification; otherwise cite evidence (a file, a workflow or a URL with an owner and a review date) under its "evidence" in .github/controls.yml.',
    ]);
    expect(md).toContain('<details><summary>20 undeclared controls with no findings</summary>');
    expect(md).not.toMatch(/\| 8\.1 \| User end point devices/);
  });

  it('shows a control whose rule errored as unverifiable, with the error', () => {
    expect(renderMarkdown(sampleReport())).toContain(
      "| 8.7 | Protection against malware | implemented | ⚠️ unverifiable | 0 | rule binary-executables could not be evaluated (internal error while evaluating: cannot read 'bin/tool': EACCES &lt;permission denied&gt;) |",
    );
  });

  it('lists policy changes in their own section, for review', () => {
    const md = renderMarkdown(sampleReport());
    expect(md).toContain(
      '### Policy changes (need review)\n\n- <code>.github/controls.yml:12</code>: Policy change: 8.28 changes from implemented to not-applicable ("Nothing here is code.").',
    );
  });

  it('says when there is no declarations file, and shows a policy warning prominently', () => {
    const report = assembleReport([]);
    const md = renderMarkdown({
      ...report,
      policy: { ...report.policy, warnings: ['Base commit <unavailable>.'] },
    });
    expect(md).toContain(
      'No declarations file (<code>.github/controls.yml</code>): every control is undeclared.',
    );
    expect(md).toContain('> [!WARNING]\n> Base commit &lt;unavailable&gt;.');
  });
});
