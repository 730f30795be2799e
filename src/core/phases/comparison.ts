/**
 * Phase 4, base comparison: on a change, each finding is marked new or existing, by running the same
 * rules with the same settings over the base tree (or, without the base's history, from the diff).
 * Repository settings are never new and not run on the base; policy changes are always new. A rule
 * that reads across files and asked the head nothing the change touches is not evaluated on the base
 * again: its findings there are its findings on the head. With the base commit's stored results, a
 * rule the change touches is not either: its findings there are the stored ones. Either way they are
 * graded in the base tree's context, as what the base evaluates is: how sure a finding is depends on
 * files the rule did not ask about (a workflow that now deploys an example raises the example's
 * findings). Only a change that alters nothing the context reads (see context-shift.ts) leaves the
 * head's grades the base's.
 */

import { BaseWorkspace } from '../base-tree.js';
import type { CheckOptions } from '../engine.js';
import { createFinding } from '../finding.js';
import { reusedIgnores } from '../policy/suppressions.js';
import { type BaseGrade, type ChangeResult, judgeChange, type NewnessSummary } from '../pr.js';
import { type ReusableRule, RuleRun } from '../rule-run.js';
import { type Logger, silentLogger } from '../types.js';
import { touchedBy } from '../workspace/scope.js';
import { dedupeFingerprints, type Evaluation, LAST_KIND, runAccess } from './evaluation.js';
import { type PolicyInForce, policyRulesOf } from './policy.js';
import { baseTreeResults } from './reuse.js';
import { focusedBase, type Scope } from './scope.js';

/** Marks the head's findings new or existing; undefined when the run is not about a change. */
export async function compareWithBase(
  options: CheckOptions,
  policy: PolicyInForce,
  scope: Scope,
  evaluation: Evaluation,
  log: Logger,
): Promise<ChangeResult | undefined> {
  if (!options.change) return undefined;
  const { config } = policy;
  const changeRules = policyRulesOf(policy, 'changes');
  const exempt = new Set(policy.rules.filter((r) => r.check.kind.startsWith('github.')).map((r) => r.id));
  const change = await judgeChange(evaluation.run.findings, options.change, {
    head: scope.workspace,
    include: config.include,
    exclude: config.exclude,
    ...(scope.scan.base !== undefined ? { base: scope.scan.base } : {}),
    exempt,
    ...(scope.untracked ? { untracked: scope.untracked } : {}),
    alwaysNew: changeRules,
    // The same rules and settings over the base tree, minus the ones judged without it.
    async evaluateBase(base) {
      const judged = evaluation.entries.filter(
        ({ rule }) => !exempt.has(rule.id) && !changeRules.has(rule.id),
      );
      // A rule the change does not touch finds on the base what it found on the head.
      const reused = base instanceof BaseWorkspace ? untouchedRules(evaluation.run, base) : new Map();
      // A rule it touches found on the base commit what the stored results say, if given.
      const stored = base instanceof BaseWorkspace ? baseTreeResults(evaluation.stored, base) : new Map();
      // The API too: the online workflow audits judge the base's action references the same way
      // (answers are cached per run), so a pin that was already there is not the change's finding.
      const baseRun = new RuleRun(
        config,
        base,
        evaluation.context,
        silentLogger,
        runAccess(options),
        focusedBase(scope, base, evaluation.shifted),
      );
      if (base instanceof BaseWorkspace) baseRun.contextPaths = base.renamed;
      for (const [id, shift] of evaluation.readShifts ?? []) baseRun.widenRule(id, shift.files);
      baseRun.reuseResults(new Map([...stored].filter(([id]) => !reused.has(id))));
      await baseRun.evaluateAll(
        judged.filter(({ rule }) => !reused.has(rule.id)),
        LAST_KIND,
      );
      // Graded in the base's context: the change may raise them (a workflow that now deploys an
      // example). One that grades no file it does not touch differently, and none of theirs, grades
      // them alike on both trees: the head's grades are the base's.
      const alike = base instanceof BaseWorkspace && gradedAlike(evaluation.shifted, base, reused);
      if (!alike) baseRun.takeResults(judged, reused);
      dedupeFingerprints(baseRun.findings);
      // What the base said at a link only by its target's findings was there all the same: a change
      // that replaces the link with a copy of the file does not make it new.
      dedupeFingerprints(baseRun.aliased);
      const found = new Map<string, BaseGrade>(
        [...baseRun.aliased, ...baseRun.findings].map((f) => [
          f.fingerprint,
          { severity: f.severity, confidence: f.confidence },
        ]),
      );
      if (alike) {
        for (const f of evaluation.run.findings) {
          if (reused.has(f.ruleId))
            found.set(f.fingerprint, { severity: f.severity, confidence: f.confidence });
        }
      }
      return found;
    },
  });
  change.counts = dropUntouchedExisting(scope, evaluation, change.counts);
  addReusedIgnores(policy, evaluation, changeRules);
  if (change.judged.method !== 'none') {
    log.info(
      `new versus existing (${change.judged.method === 'base-tree' ? `base tree ${change.judged.commit.slice(0, 12)}${change.judged.source === 'api' ? ', its changed files read through the GitHub API' : ''}${change.judged.incomplete ? `; ${change.judged.incomplete}` : ''}` : `changed lines: ${change.judged.reason}`}): ${change.counts.new} new${change.counts.raised > 0 ? ` (${change.counts.raised} of them graded higher than on the base)` : ''}, ${change.counts.existing} existing`,
    );
  }
  return change;
}

/**
 * A new finding silenced by an inline ignore the base commit already had is a suppression the change
 * adds all the same: each such comment becomes a policy change (new, like every policy change), found
 * only now that findings are marked new or existing.
 */
function addReusedIgnores(
  policy: PolicyInForce,
  evaluation: Evaluation,
  changeRules: ReadonlySet<string>,
): void {
  const raws = reusedIgnores(evaluation.run.findings, changeRules);
  if (raws.length === 0) return;
  for (const id of changeRules) {
    const rule = policy.rules.find((r) => r.id === id);
    const summary = evaluation.run.summaries.find((s) => s.id === id);
    if (!rule || !summary || summary.result === 'disabled' || summary.result === 'not-applicable') continue;
    for (const raw of raws) {
      const finding = createFinding(rule, raw, summary.severity);
      finding.isNew = true;
      evaluation.run.findings.push(finding);
      summary.findings += 1;
    }
    if (summary.result !== 'error') summary.result = 'fail';
  }
}

/**
 * The existing findings of files the change does not touch that a rule judged only because the change
 * touches other files it reads (see reads-shift.ts): they are dropped, as a changed-files scan never
 * reads those files for them; what the change created there stays, new. Returns the counts without them.
 */
function dropUntouchedExisting(scope: Scope, evaluation: Evaluation, counts: NewnessSummary): NewnessSummary {
  const shifts = evaluation.readShifts;
  if (!shifts || shifts.size === 0) return counts;
  const own = new Set([...(scope.scan.head?.files ?? []), ...(evaluation.shifted ?? [])]);
  const run = evaluation.run;
  const dropped = new Map<string, number>();
  const kept = run.findings.filter((f) => {
    const at = f.location?.path;
    if (f.isNew !== false || at === undefined || own.has(at) || !shifts.has(f.ruleId)) return true;
    dropped.set(f.ruleId, (dropped.get(f.ruleId) ?? 0) + 1);
    return false;
  });
  if (dropped.size === 0) return counts;
  run.findings.splice(0, run.findings.length, ...kept);
  for (const summary of run.summaries) {
    const n = dropped.get(summary.id);
    if (n === undefined) continue;
    summary.findings -= n;
    if (summary.result === 'fail' && summary.findings === 0) summary.result = 'pass';
  }
  const n = [...dropped.values()].reduce((a, b) => a + b, 0);
  return { ...counts, existing: counts.existing - n };
}

/**
 * The rules whose recorded inputs the change does not touch, with what they found on the head: the
 * same rule over a tree that answers every one of its questions the same way finds the same (how
 * sure each finding is depends on other files too: see confidence.ts).
 */
function untouchedRules(head: RuleRun, base: BaseWorkspace): Map<string, ReusableRule> {
  const reused = new Map<string, ReusableRule>();
  const matcher = (patterns: readonly string[]) => base.matcher(patterns);
  for (const [id, recorded] of head.recorded) {
    if (!touchedBy(recorded.inputs, base.differs, matcher)) reused.set(id, recorded);
  }
  return reused;
}

/**
 * Whether the base tree's context grades the findings of these rules as the head's does: the change
 * shifts no file it does not touch (see context-shift.ts), renames none, and touches none of the
 * paths the findings lie in or are about.
 */
function gradedAlike(
  shifted: readonly string[] | undefined,
  base: BaseWorkspace,
  rules: ReadonlyMap<string, ReusableRule>,
): boolean {
  if (shifted === undefined || shifted.length > 0 || base.renamed.size > 0) return false;
  const touched = base.differs.paths;
  for (const { raw } of rules.values()) {
    for (const r of raw) {
      if ((r.location && touched.has(r.location.path)) || (r.about !== undefined && touched.has(r.about)))
        return false;
    }
  }
  return true;
}
