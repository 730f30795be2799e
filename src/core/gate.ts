import { type FailOn, type Finding, type GateResult, SEVERITIES, type Severity } from './types.js';

/** Numeric rank of a severity: info 0 .. critical 4. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Whether a severity is at or above the threshold (`never` blocks nothing). */
export function meetsThreshold(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'never' && severityRank(severity) >= severityRank(failOn);
}

/**
 * Marks each open finding at or above `failOn` as blocking and decides the gate. Excepted and ignored
 * findings never block. Returns the decision with one reason per blocking severity.
 */
export function applyGate(findings: Finding[], failOn: FailOn): GateResult {
  const counts = new Map<Severity, number>();
  for (const f of findings) {
    f.blocking = f.status === 'open' && meetsThreshold(f.severity, failOn);
    if (f.blocking) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  }
  const blocking = [...counts.values()].reduce((a, b) => a + b, 0);
  if (blocking === 0) return { result: 'pass', failOn, reasons: [] };
  const detail = [...SEVERITIES]
    .reverse()
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s}`)
    .join(', ');
  return {
    result: 'fail',
    failOn,
    reasons: [`${blocking} open finding${blocking === 1 ? '' : 's'} at or above "${failOn}" (${detail})`],
  };
}
