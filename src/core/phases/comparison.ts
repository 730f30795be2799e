/**
 * Phase 4, base comparison: on a change, each finding is marked new or existing, by running the same
 * rules with the same settings over the base tree (or, without the base's history, from the diff).
 * Repository settings are never new and not run on the base; policy changes are always new.
 */
import type { CheckOptions } from '../engine.js';
import { type ChangeResult, judgeChange } from '../pr.js';
import { RuleRun } from '../rule-run.js';
import { type Logger, silentLogger } from '../types.js';
import { dedupeFingerprints, type Evaluation, LAST_KIND } from './evaluation.js';
import { type PolicyInForce, policyRulesOf } from './policy.js';
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
      // The API too: the online workflow audits judge the base's action references the same way
      // (answers are cached per run), so a pin that was already there is not the change's finding.
      const baseRun = new RuleRun(
        config,
        base,
        evaluation.context,
        silentLogger,
        options.github,
        focusedBase(scope, base),
      );
      await baseRun.evaluateAll(
        evaluation.entries.filter(({ rule }) => !exempt.has(rule.id) && !changeRules.has(rule.id)),
        LAST_KIND,
      );
      dedupeFingerprints(baseRun.findings);
      return baseRun.findings;
    },
  });
  if (change.judged.method !== 'none') {
    log.info(
      `new versus existing (${change.judged.method === 'base-tree' ? `base tree ${change.judged.commit.slice(0, 12)}` : `changed lines: ${change.judged.reason}`}): ${change.counts.new} new, ${change.counts.existing} existing`,
    );
  }
  return change;
}
