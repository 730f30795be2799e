import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/reporters/text.js';
import { assembleReport, sampleReport } from '../fixtures/report/sample-report.js';

const ESC = '\u001b';

describe('renderText', () => {
  it('matches the snapshot without colour', async () => {
    await expect(renderText(sampleReport())).toMatchFileSnapshot('__snapshots__/text.txt');
  });

  it('matches the snapshot with colour', async () => {
    await expect(renderText(sampleReport(), { color: true })).toMatchFileSnapshot(
      '__snapshots__/text-color.txt',
    );
  });

  it('has no escape byte without colour, even though the report contains one', () => {
    const out = renderText(sampleReport());
    expect(JSON.stringify(sampleReport())).toContain('\\u001b');
    expect(out).not.toContain(ESC);
    expect(out).not.toContain('\u202e');
  });

  it('uses ANSI colours only when asked, and never the ones from repository strings', () => {
    const out = renderText(sampleReport(), { color: true });
    expect(out).toContain(`${ESC}[`);
    // The only escape sequences are the reporter's own SGR codes.
    expect(out.match(/\u001b\[[0-9;]*m/g)?.length).toBe(out.split(ESC).length - 1);
    expect(out).not.toContain(`${ESC}[31mred`);
  });

  it('keeps a hostile path on one line, with its control characters visible', () => {
    const out = renderText(sampleReport());
    const line = out.split('\n').find((l) => l.includes('we|rd'));
    expect(line).toContain('`x`\\n::error::owned%0A,a,b.md:7:1');
    expect(out.split('\n').some((l) => l.startsWith('::'))).toBe(false);
  });

  it('lists a finding under its first control and names the others', () => {
    const out = renderText(sampleReport());
    const at = out.indexOf('8.24  Use of cryptography');
    expect(at).toBeGreaterThan(-1);
    expect(out.slice(at)).toMatch(/config\/app\.env:3:11[^\n]*\n[^\n]*also: 8\.12 Data leakage prevention/);
  });

  it('says so when there is nothing to report', () => {
    const out = renderText(assembleReport([], [], 'high'));
    expect(out).toContain('No findings.');
    expect(out).toContain('Gate: PASS (fail-on high; fail-on-gap)');
  });
});

describe('renderText layouts', () => {
  const report = sampleReport();
  const findingLines = (out: string) =>
    out.split('\n').filter((l) => /^[! ] (critical|high|medium|low|info) /.test(l));

  it('compact: one line per finding, and each rule with open findings gets its fix once, after them', () => {
    const out = renderText(report, { compact: true });
    // Policy changes included: they have their own section, one line each as ever.
    expect(findingLines(out)).toHaveLength(report.findings.length);
    expect(out).not.toMatch(/^ {12}(also|fix|help):/m);
    const fixes = out.slice(out.indexOf('Fixes ('));
    const open = [
      ...new Set(
        report.findings
          .filter((f) => f.status === 'open' && f.ruleId !== 'policy-change')
          .map((f) => f.ruleId),
      ),
    ];
    expect(out).toContain(`Fixes (${open.length} rules)`);
    for (const id of open) {
      expect(fixes).toContain(`  ${id}  (`);
      const rule = report.findings.find((f) => f.ruleId === id)!;
      expect(out.split(`fix:  ${rule.remediation}`).length - 1).toBe(1);
    }
    // Excepted and ignored findings need no fix.
    expect(fixes).not.toContain('dockerfile-root-user');
    expect(out.length).toBeLessThan(renderText(report).length);
  });

  it('blocking only: lists the blocking findings, counts the rest, and keeps the gate and its reasons', () => {
    const out = renderText(report, { blockingOnly: true });
    const blocking = report.findings.filter((f) => f.blocking);
    expect(findingLines(out)).toHaveLength(blocking.length);
    expect(findingLines(out).every((l) => l.startsWith('! '))).toBe(true);
    expect(out).toContain(
      `${report.findings.length - blocking.length} findings that do not block are not listed`,
    );
    expect(out).toContain('Fixes (3 rules)');
    expect(out).not.toContain('Policy changes (');
    expect(out).toContain('Gate: FAIL (fail-on high; fail-on-gap)');
    expect(out).toContain('  - control 8.4 (Access to source code) has a gap');
    // The full layout says each fix under each finding instead.
    expect(renderText(report)).not.toContain('Fixes (');
  });

  it('blocking only, nothing blocks: says so', () => {
    const out = renderText(
      assembleReport(
        sampleReport()
          .findings.filter((f) => !f.blocking)
          .map((f) => ({ ...f })),
      ),
      {
        blockingOnly: true,
      },
    );
    expect(out).toContain('No finding fails the gate.');
    expect(findingLines(out)).toEqual([]);
  });
});
