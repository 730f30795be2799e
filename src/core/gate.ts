import { confidenceRank, DEFAULT_FAIL_ON_CONFIDENCE } from './confidence.js';
import type { PolicyProblemKind } from './declarations/model.js';
import { gapCauses } from './declarations/verdicts.js';
import { type GateScope, inGateScope } from './pr.js';
import {
  type Confidence,
  type ControlResult,
  type FailOn,
  type Finding,
  type GateResult,
  SEVERITIES,
  type Severity,
} from './types.js';

/** Numeric rank of a severity: info 0 .. critical 4. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Whether a severity is at or above the threshold (`never` blocks nothing). */
export function meetsThreshold(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'never' && severityRank(severity) >= severityRank(failOn);
}

/** What the gate needs beyond the findings and `fail-on`. */
export interface GateOptions {
  /** Fail on any control whose verdict is `gap` (default true). */
  failOnGap?: boolean;
  /** Findings less sure than this never block by severity or as a gap's cause (default medium). */
  failOnConfidence?: Confidence;
  controls?: readonly ControlResult[];
  /** The policy rules of the run and their kinds (see declarations/verdicts.ts). */
  policyRules?: ReadonlyMap<string, PolicyProblemKind>;
  /**
   * Rules whose open findings block whatever `fail-on` says: a broken declarations file must never
   * let a run pass silently.
   */
  alwaysBlocking?: ReadonlySet<string>;
  /**
   * `new` (pull requests): only findings the change introduces count against `fail-on`; existing ones
   * are reported as debt. Gaps and always-blocking rules count either way. Default `all`.
   */
  scope?: GateScope;
  /**
   * Findings that block whatever `fail-on` and the scope say: weakenings of the gate's own definition
   * (the inputs of the step that runs it) that nobody entitled approved.
   */
  forced?: ReadonlySet<Finding>;
  /** Reasons that fail the gate by themselves (the base commit's policy could not be read). */
  failures?: readonly string[];
}

/** Gap reasons listed one per control up to this many; the rest are counted. */
const MAX_GAP_REASONS = 10;

/**
 * Decides the gate and marks each finding that counts against it as blocking. A finding blocks when
 * it is open, at or above `failOn` and at least as sure as `failOnConfidence`, when its rule always
 * blocks, or (under `fail-on-gap`) when it causes a gap in a declared control. Excepted and ignored findings never block. The reasons say
 * which findings and which controls failed the gate, in words.
 */
export function applyGate(findings: Finding[], failOn: FailOn, options: GateOptions = {}): GateResult {
  const failOnGap = options.failOnGap ?? true;
  const failOnConfidence = options.failOnConfidence ?? DEFAULT_FAIL_ON_CONFIDENCE;
  const sure = (f: Finding) => confidenceRank(f.confidence) >= confidenceRank(failOnConfidence);
  const scope = options.scope ?? 'all';
  const always = options.alwaysBlocking ?? new Set<string>();
  const policyRules = options.policyRules ?? new Map<string, PolicyProblemKind>();
  const forced = options.forced ?? new Set<Finding>();
  const reasons: string[] = [...(options.failures ?? [])];

  const counts = new Map<Severity, number>();
  const unconditional: Finding[] = [];
  const weakened: Finding[] = [];
  for (const f of findings) {
    f.blocking = false;
    if (f.status !== 'open') continue;
    if (always.has(f.ruleId)) {
      f.blocking = true;
      unconditional.push(f);
    } else if (forced.has(f)) {
      f.blocking = true;
      weakened.push(f);
    } else if (meetsThreshold(f.severity, failOn) && sure(f) && inGateScope(f, scope)) {
      f.blocking = true;
      counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
    }
  }
  if (unconditional.length > 0) {
    const files = [...new Set(unconditional.map((f) => f.location?.path).filter(Boolean))].join(', ');
    reasons.push(
      `${unconditional.length} problem${unconditional.length === 1 ? '' : 's'} with the policy files${files ? ` (${files})` : ''}, which always fail the gate`,
    );
  }
  if (weakened.length > 0) {
    reasons.push(
      `${weakened.length} change${weakened.length === 1 ? '' : 's'} to the gate's own settings in the workflow that runs it, not approved`,
    );
  }
  const thresholdCount = [...counts.values()].reduce((a, b) => a + b, 0);
  if (thresholdCount > 0) {
    const detail = [...SEVERITIES]
      .reverse()
      .filter((s) => counts.has(s))
      .map((s) => `${counts.get(s)} ${s}`)
      .join(', ');
    const fresh = scope === 'new' ? 'new ' : '';
    reasons.push(
      `${thresholdCount} ${fresh}open finding${thresholdCount === 1 ? '' : 's'} at or above "${failOn}" (${detail})`,
    );
  }

  const gaps = (options.controls ?? []).filter((c) => c.verdict === 'gap');
  if (failOnGap && gaps.length > 0) {
    for (const c of gaps) {
      for (const f of gapCauses(c.id, findings, policyRules, failOnConfidence)) f.blocking = true;
    }
    for (const c of gaps.slice(0, MAX_GAP_REASONS)) {
      reasons.push(`control ${c.id} (${c.title}) has a gap: ${c.reasons.join('; ')}`);
    }
    if (gaps.length > MAX_GAP_REASONS) {
      reasons.push(`${gaps.length - MAX_GAP_REASONS} more controls have a gap`);
    }
  }
  return { result: reasons.length > 0 ? 'fail' : 'pass', failOn, failOnConfidence, failOnGap, reasons };
}
