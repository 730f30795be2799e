import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../../src/core/types.js';
import { annotationLevel, planAnnotations } from '../../src/reporters/annotations.js';
import type { Annotation } from '../../src/reporters/types.js';
import {
  assembleReport,
  HOSTILE_PATH,
  sampleReport,
  syntheticFinding,
} from '../fixtures/report/sample-report.js';

let next = 0;
function make(n: number, severity: Severity, extra: Partial<Finding> = {}): Finding[] {
  return Array.from({ length: n }, () => syntheticFinding(next++, severity, extra));
}

function levels(plan: Annotation[]): Record<Annotation['level'], number> {
  const out = { error: 0, warning: 0, notice: 0 };
  for (const a of plan) out[a.level] += 1;
  return out;
}

describe('planAnnotations', () => {
  it('matches the snapshot', async () => {
    const plan = planAnnotations(sampleReport());
    await expect(`${JSON.stringify(plan, null, 2)}\n`).toMatchFileSnapshot('__snapshots__/annotations.json');
  });

  it('annotates open findings only, with title, message and remediation', () => {
    const plan = planAnnotations(sampleReport());
    expect(plan).toHaveLength(8);
    expect(plan.map((a) => a.file)).not.toContain('legacy/Dockerfile');
    expect(plan.map((a) => a.file)).not.toContain('tools/package.json');
    expect(plan[0]).toEqual({
      level: 'error',
      title: '[critical] No credentials in the repository (controls 8.24, 8.12)',
      message:
        'A credential-like value is assigned to API_TOKEN (value redacted).\n\nFix: Follow docs/rules/secrets-hardcoded.md to fix this.',
      file: 'config/app.env',
      startLine: 3,
      endLine: 3,
      startColumn: 11,
      endColumn: 42,
    });
  });

  it('levels: blocking -> error, other medium and above -> warning, low/info -> notice', () => {
    const [critical, high, medium, low, info] = (['critical', 'high', 'medium', 'low', 'info'] as const).map(
      (s) => syntheticFinding(0, s),
    );
    expect([critical, high, medium, low, info].map((f) => annotationLevel(f!))).toEqual([
      'warning',
      'warning',
      'warning',
      'notice',
      'notice',
    ]);
    expect(annotationLevel({ ...low!, blocking: true })).toBe('error');
  });

  it('puts repository-level findings on the run and drops columns across lines', () => {
    const plan = planAnnotations(sampleReport());
    const repo = plan.find((a) => a.title?.includes('CODEOWNERS'))!;
    expect(repo).not.toHaveProperty('file');
    expect(repo).not.toHaveProperty('startLine');
    const multi = plan.find((a) => a.file === '.github/workflows/release.yml')!;
    expect(multi).toMatchObject({ startLine: 5, endLine: 9 });
    expect(multi).not.toHaveProperty('startColumn');
    expect(multi).not.toHaveProperty('endColumn');
  });

  it('keeps the hostile path exact for the sink to escape, and makes control characters in text visible', () => {
    const hostile = planAnnotations(sampleReport()).find((a) => a.file === HOSTILE_PATH)!;
    expect(hostile.title).toBe('[medium] No `internal` URLs in <docs> | public *files* (control 8.12)');
    expect(hostile.message).not.toContain('\u001b');
    expect(hostile.message).not.toContain('\u202e');
    expect(hostile.message).toContain('\\x1B[31mred');
  });

  it('emits everything and no overflow notice when each level fits exactly', () => {
    const findings = [...make(10, 'high', { blocking: true }), ...make(10, 'medium'), ...make(10, 'low')];
    const plan = planAnnotations(assembleReport(findings));
    expect(levels(plan)).toEqual({ error: 10, warning: 10, notice: 10 });
    expect(plan.some((a) => a.message.includes('not shown'))).toBe(false);
  });

  it('25 blocking + 15 warnings + 12 notices -> 10 errors, 10 warnings, 9 notices and one overflow notice', () => {
    const findings = [...make(25, 'high', { blocking: true }), ...make(15, 'medium'), ...make(12, 'low')];
    const plan = planAnnotations(assembleReport(findings));
    expect(plan).toHaveLength(30);
    expect(levels(plan)).toEqual({ error: 10, warning: 10, notice: 10 });
    expect(plan.slice(0, 10).every((a) => a.level === 'error')).toBe(true);
    expect(plan.at(-1)).toEqual({
      level: 'notice',
      title: 'controlgate: more findings',
      message:
        '23 more findings not shown as annotations (15 errors, 5 warnings, 3 notices); see the job summary',
    });
  });

  it('25 blocking + 15 warnings and no notices -> the overflow notice is the only notice', () => {
    const findings = [...make(25, 'critical', { blocking: true }), ...make(15, 'high')];
    const plan = planAnnotations(assembleReport(findings), { fullReportHint: 'the controlgate check run' });
    expect(levels(plan)).toEqual({ error: 10, warning: 10, notice: 1 });
    expect(plan.at(-1)!.message).toBe(
      '20 more findings not shown as annotations (15 errors, 5 warnings, 0 notices); see the controlgate check run',
    );
  });

  it('reserves the notice slot when only notices overflow', () => {
    const plan = planAnnotations(assembleReport(make(11, 'info')));
    expect(levels(plan)).toEqual({ error: 0, warning: 0, notice: 10 });
    expect(plan.at(-1)!.message).toBe(
      '2 more findings not shown as annotations (0 errors, 0 warnings, 2 notices); see the job summary',
    );
  });

  it('says "1 more finding" in the singular', () => {
    const plan = planAnnotations(assembleReport(make(11, 'high', { blocking: true })));
    expect(plan.at(-1)!.message).toBe(
      '1 more finding not shown as annotations (1 error, 0 warnings, 0 notices); see the job summary',
    );
  });

  it('puts blocking findings first even when a more severe finding does not block', () => {
    const findings = [...make(1, 'critical'), ...make(1, 'high', { blocking: true })];
    expect(planAnnotations(assembleReport(findings, [], 'never')).map((a) => a.level)).toEqual([
      'error',
      'warning',
    ]);
  });

  it('honours maxPerLevel and never exceeds it for any mix of findings', () => {
    fc.assert(
      fc.property(
        fc.nat(30),
        fc.nat(30),
        fc.nat(30),
        fc.nat(5),
        fc.integer({ min: 1, max: 12 }),
        (blocking, warnings, notices, excepted, max) => {
          const findings = [
            ...make(blocking, 'high', { blocking: true }),
            ...make(warnings, 'medium'),
            ...make(notices, 'info'),
            ...make(excepted, 'critical', { status: 'excepted' }),
          ];
          const plan = planAnnotations(assembleReport(findings), { maxPerLevel: max });
          const count = levels(plan);
          expect(count.error).toBeLessThanOrEqual(max);
          expect(count.warning).toBeLessThanOrEqual(max);
          expect(count.notice).toBeLessThanOrEqual(max);
          const overflow = plan.find((a) => a.title === 'controlgate: more findings');
          const shown = plan.length - (overflow ? 1 : 0);
          const left = overflow ? Number(overflow.message.split(' ')[0]) : 0;
          expect(shown + left).toBe(blocking + warnings + notices);
          expect(Boolean(overflow)).toBe(blocking > max || warnings > max || notices > max);
        },
      ),
      { numRuns: 200 },
    );
  });
});
