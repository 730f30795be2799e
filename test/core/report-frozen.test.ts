/**
 * The report handed to the reporters is frozen all the way down (reporters are pure functions of one
 * Report): a reporter that tried to change a finding, a location or a verdict's reasons would throw.
 */
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import { makeTree } from '../helpers/run-action.js';

describe('the report', () => {
  it('is frozen all the way down: findings, their locations, controls and their reasons', async () => {
    const root = makeTree({
      '.github/workflows/ci.yml':
        'on: push\npermissions: {}\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: some/action@v1\n',
    });
    const report = await runCheck({ root, now: new Date('2026-12-06T00:00:00Z'), defaultBranch: 'main' });
    const finding = report.findings.find((f) => f.location)!;
    const control = report.controls.find((c) => c.reasons.length > 0)!;
    for (const value of [
      report,
      report.summary,
      report.findings,
      finding,
      finding.location,
      finding.controls,
      report.controls,
      control,
      control.reasons,
      report.rules[0],
    ]) {
      expect(Object.isFrozen(value)).toBe(true);
    }
    expect(() => {
      (finding as { message: string }).message = 'changed';
    }).toThrow(TypeError);
  });
});
