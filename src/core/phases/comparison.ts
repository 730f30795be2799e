/**
 * Phase 4, base comparison: on a change, each finding is marked new or existing, by running the same
 * rules with the same settings over the base tree (or, without the base's history, from the diff).
 * Repository settings are never new and not run on the base; policy changes are always new. A rule
 * that reads across files and asked the head nothing the change touches is not evaluated on the base
 * again: its findings there are its findings on the head. With the base commit's stored results, a
 * rule the change touches is not either: its findings there are the stored ones.
 */

import { BaseWorkspace } from '../base-tree.js';
import type { CheckOptions } from '../engine.js';
import { createFinding } from '../finding.js';
import { reusedIgnores } from '../policy/suppressions.js';
import { type BaseGrade, type ChangeResult, judgeChange } from '../pr.js';
import { RuleRun } from '../rule-run.js';
import { type Logger, silentLogger } from '../types.js';
import { touchedBy } from '../workspace/scope.js';
import {
  dedupeFingerprints,
  type Evaluation,
  LAST_KIND,
  runAccess,
  uniqueFingerprint,
} from './evaluation.js';
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
        focusedBase(scope, base),
      );
      if (base instanceof BaseWorkspace) baseRun.contextPaths = base.renamed;
      baseRun.reuseResults(new Map([...stored].filter(([id]) => !reused.has(id))));
      await baseRun.evaluateAll(
        judged.filter(({ rule }) => !reused.has(rule.id)),
        LAST_KIND,
      );
      dedupeFingerprints(baseRun.findings);
      // What the base said at a link only by its target's findings was there all the same: a change
      // that replaces the link with a copy of the file does not make it new.
      dedupeFingerprints(baseRun.aliased);
      const found = new Map<string, BaseGrade | undefined>(
        [...baseRun.aliased, ...baseRun.findings].map((f) => [
          f.fingerprint,
          { severity: f.severity, confidence: f.confidence },
        ]),
      );
      // Each rule's fingerprints are its own (the rule id is part of them): ordinals per rule. A rule
      // not evaluated again found on the base what it found on the head, at the same grades.
      for (const { rule } of judged) {
        const seen = new Map<string, number>();
        for (const f of reused.get(rule.id) ?? []) found.set(uniqueFingerprint(f, seen), undefined);
      }
      return found;
    },
  });
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
 * The rules whose recorded inputs the change does not touch, with the fingerprints they found on the
 * head: the same rule over a tree that answers every one of its questions the same way finds the same.
 */
function untouchedRules(head: RuleRun, base: BaseWorkspace): Map<string, readonly string[]> {
  const reused = new Map<string, readonly string[]>();
  const matcher = (patterns: readonly string[]) => base.matcher(patterns);
  for (const [id, { inputs, fingerprints }] of head.recorded) {
    if (!touchedBy(inputs, base.differs, matcher)) reused.set(id, fingerprints);
  }
  return reused;
}
