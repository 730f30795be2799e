/**
 * A suppression a change adds for itself (an inline ignore, an exception, a rule disabled, a raised
 * `fail-on`, a weakened input of the step that runs the gate) is a policy change that blocks at the
 * severity of what it suppresses, until someone entitled approves it:
 *
 * - inline ignores are in the tree, so they take effect: the policy change reporting one is raised to
 *   the severity of the findings it silences (a critical private key makes a critical policy change);
 * - exceptions and configuration come from the base commit, so what they would suppress still blocks
 *   by itself; their policy change carries the same severity, so it reads as blocking too;
 * - the gate's own inputs are the caller's (the workflow step): a weakening always blocks.
 *
 * An approval (the caller decides what counts, see src/action/approval.ts) puts the change's own
 * policy in force and leaves each policy change at its rule's severity, reported and approved.
 */

import { confidenceRank } from '../confidence.js';
import type { DeclarationProblem } from '../declarations/model.js';
import { fingerprint } from '../finding.js';
import { severityRank } from '../gate.js';
import { type GateScope, inGateScope } from '../pr.js';
import type { Confidence, Finding, RawFinding, Severity } from '../types.js';
import type { Suppresses } from './changes.js';

/** An approval of the change's policy changes, as the caller verified it. */
export interface PolicyApproval {
  /** Who approved (a login). */
  by: string;
  /** What the approval is, in words: `approving review of 1a2b3c4d5e6f by alice (write access)`. */
  detail: string;
}

/** A policy-change finding and the severity of what it suppresses, when that is higher. */
export interface Escalation {
  change: Finding;
  severity: Severity;
  /** The findings it suppresses, most severe first. */
  suppressed: Finding[];
}

/** What {@link planEscalations} needs from the run. */
export interface EscalationInput {
  findings: readonly Finding[];
  /** Ids of the rules that report policy changes (`policy.changes`). */
  changeRules: ReadonlySet<string>;
  /** Policy changes of the configuration and declarations, with what each would suppress. */
  effects: ReadonlyMap<DeclarationProblem, Suppresses>;
  scope: GateScope;
  /** Findings less sure than this cannot block: suppressing them changes nothing. */
  minConfidence: Confidence;
}

/**
 * The policy changes that suppress findings counting against the gate, each with the severity of the
 * worst of them. Inline ignores are matched by place: an added ignore's policy change is located at
 * the comment, and an ignored finding names the comment that ignored it.
 */
export function planEscalations(input: EscalationInput): Escalation[] {
  const { findings, changeRules, scope } = input;
  const changes = findings.filter((f) => changeRules.has(f.ruleId));
  if (changes.length === 0) return [];
  const sure = confidenceRank(input.minConfidence);
  const subjects = findings.filter(
    (f) => !changeRules.has(f.ruleId) && inGateScope(f, scope) && confidenceRank(f.confidence) >= sure,
  );
  const byFingerprint = new Map(changes.map((f) => [f.fingerprint, f]));
  const out: Escalation[] = [];
  const consider = (change: Finding | undefined, suppressed: Finding[]) => {
    if (!change || suppressed.length === 0) return;
    suppressed.sort(
      (a, b) =>
        severityRank(b.severity) - severityRank(a.severity) ||
        confidenceRank(b.confidence) - confidenceRank(a.confidence),
    );
    const worst = suppressed[0]!;
    const stronger =
      severityRank(worst.severity) > severityRank(change.severity) ||
      confidenceRank(worst.confidence) > confidenceRank(change.confidence);
    if (stronger) out.push({ change, severity: worst.severity, suppressed });
  };

  for (const [problem, suppresses] of input.effects) {
    for (const rule of changeRules) {
      const change = byFingerprint.get(fingerprint(rule, problem.location?.path ?? '', problem.key ?? ''));
      consider(change, subjects.filter(suppresses));
    }
  }
  for (const change of changes) {
    const at = change.location;
    if (!at) continue;
    consider(
      change,
      subjects.filter(
        (f) =>
          f.status === 'ignored' &&
          f.exception?.kind === 'inline-ignore' &&
          f.exception.location.path === at.path &&
          f.exception.location.startLine === at.startLine,
      ),
    );
  }
  return out;
}

/**
 * Inline ignores reported as added are located at their comment; an ignore whose text the base
 * commit's file already holds is not. When such a comment silences a finding the change adds, the
 * comment was copied or moved onto it, or what it covered was replaced: the ignore is old, but the
 * suppression is the change's own. One policy change per comment, located at it, so that
 * {@link planEscalations} raises it to the severity of what it silences. Needs findings already
 * marked new or existing.
 */
export function reusedIgnores(findings: readonly Finding[], changeRules: ReadonlySet<string>): RawFinding[] {
  const place = (path: string, line: number) => `${path}\u0000${line}`;
  const reported = new Set<string>();
  for (const f of findings) {
    if (changeRules.has(f.ruleId) && f.location) reported.add(place(f.location.path, f.location.startLine));
  }
  const byComment = new Map<string, Finding[]>();
  for (const f of findings) {
    const by = f.exception;
    if (f.status !== 'ignored' || f.isNew !== true || by?.kind !== 'inline-ignore' || !by.location) continue;
    const at = place(by.location.path, by.location.startLine);
    if (reported.has(at)) continue;
    const list = byComment.get(at);
    if (list) list.push(f);
    else byComment.set(at, [f]);
  }
  return [...byComment.values()].map((silenced) => {
    const { path, startLine } = silenced[0]!.exception!.location!;
    const ids = [...new Set(silenced.map((f) => f.ruleId))].join(', ');
    const what = silenced.length === 1 ? 'a finding' : `${silenced.length} findings`;
    return {
      message: `Policy change: the inline ignore at ${path}:${startLine}, written as in the base commit, silences ${what} this change adds (${ids}): the comment was copied or moved onto ${silenced.length === 1 ? 'it' : 'them'}, or what it covered was replaced.`,
      location: { path, startLine },
      key: `ignore-reused:${silenced
        .map((f) => f.fingerprint)
        .sort()
        .join(',')}`,
    };
  });
}

/** Raises each policy change to the severity of what it suppresses, and says so in its message. */
export function applyEscalations(escalations: readonly Escalation[]): void {
  for (const { change, severity, suppressed } of escalations) {
    const worst = suppressed[0]!;
    // It blocks as the finding it suppresses would: that severity, and at least that confidence.
    if (severityRank(severity) > severityRank(change.severity)) change.severity = severity;
    if (confidenceRank(worst.confidence) > confidenceRank(change.confidence)) {
      change.confidence = worst.confidence;
      delete change.confidenceReason;
    }
    const where = worst.location ? ` at ${worst.location.path}:${worst.location.startLine}` : '';
    const others = suppressed.length > 1 ? ` and ${suppressed.length - 1} more` : '';
    change.message = `${change.message} It suppresses ${worst.ruleId}${where} (${worst.severity})${others}, so it blocks as that finding would until someone with write access approves the head commit.`;
  }
}

/** Fingerprints of policy-change findings made from `problems`, for rules of `changeRules`. */
export function changeFingerprints(
  problems: readonly DeclarationProblem[],
  changeRules: ReadonlySet<string>,
): Set<string> {
  const out = new Set<string>();
  for (const p of problems) {
    for (const rule of changeRules) out.add(fingerprint(rule, p.location?.path ?? '', p.key ?? ''));
  }
  return out;
}
