import { controlsOfTheme } from '../catalog.js';
import { confidenceRank } from '../confidence.js';
import type {
  Confidence,
  ControlExceptionRef,
  ControlResult,
  Finding,
  RuleError,
  RuleSummary,
  Verdict,
} from '../types.js';
import type { DeclarationCheck } from './check.js';
import type { PolicyProblemKind } from './model.js';

/** Policy problems that are the located cause of a gap in the control they name. */
const GAP_PROBLEMS: ReadonlySet<PolicyProblemKind> = new Set(['evidence', 'justification', 'plan-due']);

export interface AssessInput {
  rules: readonly RuleSummary[];
  findings: readonly Finding[];
  errors: readonly RuleError[];
  check: DeclarationCheck;
  /** The policy rules of this run (check kind `policy.*`) and what each reports. */
  policyRules: ReadonlyMap<string, PolicyProblemKind>;
  /** Findings less sure than this are reported but are no evidence against a control (default low). */
  minConfidence?: Confidence;
}

/**
 * Whether a finding is evidence against the control it maps to: open, above `info`, at least as sure
 * as `minConfidence` (a guess never makes a gap), and from a rule that checks the repository (not a
 * policy rule, whose problems are assessed from the declarations).
 */
export function countsAgainstControl(
  f: Finding,
  policyRules: ReadonlyMap<string, PolicyProblemKind>,
  minConfidence: Confidence = 'low',
): boolean {
  return (
    f.status === 'open' &&
    f.severity !== 'info' &&
    confidenceRank(f.confidence) >= confidenceRank(minConfidence) &&
    !policyRules.has(f.ruleId)
  );
}

/**
 * The findings that make a gap of `controlId`: open findings of its rules above `info`, and the
 * located declaration problems of that control (missing evidence, missing justification, overdue
 * plan). Under `fail-on-gap` they are what the gate blocks on.
 */
export function gapCauses(
  controlId: string,
  findings: readonly Finding[],
  policyRules: ReadonlyMap<string, PolicyProblemKind>,
  minConfidence: Confidence = 'low',
): Finding[] {
  return findings.filter((f) => {
    if (f.status !== 'open' || !f.controls.includes(controlId)) return false;
    const kind = policyRules.get(f.ruleId);
    return kind ? GAP_PROBLEMS.has(kind) : countsAgainstControl(f, policyRules, minConfidence);
  });
}

/**
 * One verdict per technological control, with the reasons in words:
 * - unverifiable: the declaration could not be read, or a rule needed to verify it failed to run,
 *   or nothing (no evidence, no rule) can verify it;
 * - undeclared: no declaration (findings are still reported);
 * - not-applicable: declared so with a justification (its rules are skipped);
 * - planned: declared planned and not overdue (findings reported, not blocking);
 * - gap: declared implemented or partial but a mapped rule has an open finding or evidence is
 *   missing; or planned past its due date; or not-applicable without a justification;
 * - satisfied: declared implemented or partial and nothing above applies.
 */
export function assessControls(input: AssessInput): ControlResult[] {
  const { check, policyRules } = input;
  const decls = check.declarations;
  const errorsByRule = new Map(input.errors.map((e) => [e.ruleId, e.message]));
  return controlsOfTheme('Technological').map((c): ControlResult => {
    const rules = input.rules.filter(
      (r) => r.controls.includes(c.id) && r.result !== 'disabled' && !policyRules.has(r.id),
    );
    const mapped = input.findings.filter((f) => f.controls.includes(c.id));
    const declared = decls?.controls.get(c.id) ?? null;
    const evidence = check.evidence.get(c.id) ?? [];
    const reasons: string[] = [];
    let verdict: Verdict;

    const against = mapped.filter((f) => countsAgainstControl(f, policyRules, input.minConfidence));
    const failing = rules
      .map((r) => ({ id: r.id, open: against.filter((f) => f.ruleId === r.id).length }))
      .filter((r) => r.open > 0)
      .map((r) => `rule ${r.id} has ${r.open} open finding${r.open === 1 ? '' : 's'}`);
    const errored = rules
      .filter((r) => r.result === 'error' || r.result === 'unverifiable')
      .map((r) =>
        r.result === 'unverifiable'
          ? `rule ${r.id} could not be verified: ${r.detail ?? 'the answer it needs was not available'}`
          : `rule ${r.id} could not be evaluated (${errorsByRule.get(r.id) ?? 'error'})`,
      );

    if (decls?.unreadable) {
      verdict = 'unverifiable';
      reasons.push(`the declarations file ${decls.file} could not be read: ${decls.unreadable}`);
    } else if (decls?.invalid.has(c.id)) {
      verdict = 'unverifiable';
      reasons.push(`${decls.invalid.get(c.id)}`);
    } else if (!declared) {
      verdict = 'undeclared';
      reasons.push(...failing);
    } else if (declared.status === 'not-applicable') {
      if (!check.notApplicable.has(c.id)) {
        verdict = 'gap';
        reasons.push('declared not-applicable without a justification, so its rules still run');
      } else {
        verdict = 'not-applicable';
        const skipped = rules.filter((r) => r.result === 'not-applicable').map((r) => r.id);
        if (skipped.length > 0) reasons.push(`rules skipped: ${skipped.join(', ')}`);
      }
    } else if (declared.status === 'planned') {
      if (declared.due && declared.due < check.today) {
        verdict = 'gap';
        reasons.push(`planned for ${declared.due}, which has passed`);
      } else {
        verdict = 'planned';
        if (declared.due) reasons.push(`due ${declared.due}`);
        if (failing.length > 0) reasons.push(...failing.map((r) => `${r} (not blocking while planned)`));
      }
    } else {
      const missing = evidence
        .filter((e) => e.status === 'missing')
        .map((e) => `evidence ${e.ref} is missing: ${e.detail}`);
      reasons.push(...failing, ...missing);
      if (reasons.length > 0) verdict = 'gap';
      else if (errored.length > 0) {
        verdict = 'unverifiable';
        reasons.push(...errored);
      } else if (evidence.length === 0 && rules.length === 0) {
        verdict = 'unverifiable';
        reasons.push(
          `nothing verifies this declaration: cite evidence (a path, a workflow or a URL) or add a rule mapped to ${c.id}`,
        );
      } else {
        verdict = 'satisfied';
        if (evidence.length > 0 && evidence.every((e) => e.status === 'not-verified')) {
          reasons.push('its evidence is URLs only, which controlgate records but does not fetch');
        }
      }
    }

    return {
      id: c.id,
      title: c.title,
      declared: declared
        ? {
            status: declared.status,
            justification: declared.justification,
            owner: declared.owner,
            due: declared.due,
            location: declared.location,
            from2013: declared.from2013,
          }
        : null,
      verdict,
      reasons,
      evidence,
      exceptions: exceptionsOf(c.id, mapped, check),
      rules: rules.map((r) => ({ id: r.id, result: r.result, findings: r.findings })),
      findings: mapped.length,
      open: mapped.filter((f) => f.status === 'open').length,
    };
  });
}

function exceptionsOf(
  id: string,
  mapped: readonly Finding[],
  check: DeclarationCheck,
): ControlExceptionRef[] {
  const out: ControlExceptionRef[] = [];
  for (const { exception: e, state } of check.exceptions) {
    const covered = mapped.filter((f) => f.exception?.kind === 'exception' && f.exception.id === e.id).length;
    if (covered === 0 && e.control !== id) continue;
    out.push({ id: e.id, state, expires: e.expires, findings: covered });
  }
  return out;
}
