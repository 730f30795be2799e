/**
 * Phase 5, verdicts: the policy changes a change makes for itself settled (escalated until approved),
 * one verdict per control from the declarations and the open findings, and the gate.
 */
import { assessControls } from '../declarations/verdicts.js';
import type { CheckOptions } from '../engine.js';
import { policyKind } from '../evaluators/policy/policy.js';
import { applyGate, severityRank } from '../gate.js';
import { settlePolicyChanges } from '../policy/review.js';
import type { PolicyApproval } from '../policy/suppressions.js';
import type { ControlResult, Finding, GateResult, RuleSummary } from '../types.js';
import type { Evaluation } from './evaluation.js';
import { type PolicyInForce, policyRulesOf } from './policy.js';
import type { Scope } from './scope.js';

/** The decisions of a run. */
export interface Verdicts {
  /** Every finding, most severe first (see {@link compareFindings}). */
  findings: Finding[];
  /** Every rule's summary, by id. */
  summaries: RuleSummary[];
  controls: ControlResult[];
  gate: GateResult;
  /** Who approved the change's policy changes, when someone did. */
  approved?: PolicyApproval;
}

/** Settles the policy changes, assesses every control and decides the gate. */
export async function decideVerdicts(
  options: CheckOptions,
  policy: PolicyInForce,
  scope: Scope,
  evaluation: Evaluation,
): Promise<Verdicts> {
  const { workspace, repo } = scope;
  const { settings, policyRules } = policy;
  const findings = evaluation.run.findings;
  // A finding in a file inherited from the repository's top is located there, from the checked folder.
  if (workspace.inheritance && repo?.prefix) {
    const up = '../'.repeat(repo.prefix.split('/').filter(Boolean).length);
    for (const f of findings) {
      if (f.location && workspace.isInherited(f.location.path))
        f.location = { ...f.location, path: up + f.location.path };
    }
  }
  // Suppressions the change adds for itself block at the severity of what they suppress, and the
  // gate's own settings weakened in the workflow block outright, until approved.
  const gateScope = options.change?.scope ?? 'all';
  const { forced, approved } = await settlePolicyChanges(
    policy.review,
    findings,
    policyRulesOf(policy, 'changes'),
    gateScope,
    settings.failOnConfidence,
  );
  findings.sort(compareFindings);
  const summaries = evaluation.run.summaries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const controls = assessControls({
    rules: summaries,
    findings,
    errors: evaluation.run.errors,
    check: evaluation.check,
    policyRules,
    kinds: new Map(policy.rules.map((r) => [r.id, r.check.kind])),
    detects: new Map(policy.rules.flatMap((r) => (r.detects?.length ? [[r.id, r.detects] as const] : []))),
    run: {
      ...(scope.scan.head ? { changedFiles: scope.scan.head.changedFiles } : {}),
      narrowed: policy.config.include.length > 0 || policy.config.exclude.length > 0,
    },
    minConfidence: settings.failOnConfidence,
    ...(policy.rules.length < policy.allRules.length
      ? { unselected: unselected(policy), discloseUnselected: options.discloseUnselected === true }
      : {}),
  });
  const gate = applyGate(findings, settings.failOn, {
    failOnGap: settings.failOnGap,
    failOnConfidence: settings.failOnConfidence,
    controls,
    policyRules,
    alwaysBlocking: policyRulesOf(policy, 'declarations-file', 'rule-files'),
    scope: gateScope,
    forced,
    ...(policy.policy.failClosed ? { failures: [policy.policy.failClosed] } : {}),
  });
  return { findings, summaries, controls, gate, ...(approved ? { approved } : {}) };
}

/** Most severe first; then repository-level before located; then path, line, column, rule. */
export function compareFindings(a: Finding, b: Finding): number {
  const bySeverity = severityRank(b.severity) - severityRank(a.severity);
  if (bySeverity !== 0) return bySeverity;
  const pa = a.location?.path ?? '';
  const pb = b.location?.path ?? '';
  if (pa !== pb) return pa < pb ? -1 : 1;
  const la = a.location?.startLine ?? 0;
  const lb = b.location?.startLine ?? 0;
  if (la !== lb) return la - lb;
  const ca = a.location?.startColumn ?? 0;
  const cb = b.location?.startColumn ?? 0;
  if (ca !== cb) return ca - cb;
  return a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0;
}

/** The rules of the policy that the check was not asked to run (`--rule`), the policy rules aside. */
function unselected(policy: PolicyInForce): { id: string; controls: readonly string[] }[] {
  const ran = new Set(policy.rules.map((r) => r.id));
  return policy.allRules
    .filter((r) => !ran.has(r.id) && !policyKind(r.check.kind))
    .map((r) => ({ id: r.id, controls: r.controls }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
