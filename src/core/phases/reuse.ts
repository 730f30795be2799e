/**
 * Base results in the evaluation phase: which stored results of the base commit a change's head may
 * take instead of evaluating a rule (they fit the run, and the change touches nothing the rule
 * asked), and the results of this run's rules that read across files, for later changes to reuse.
 */

import {
  BASE_RESULTS_FORMAT,
  type BaseResults,
  recordedInputs,
  resultsKey,
  type StoredRule,
  storedInputs,
} from '../base-results.js';
import { BaseWorkspace } from '../base-tree.js';
import type { CheckOptions } from '../engine.js';
import { worktreeChange } from '../git.js';
import type { RuleRun } from '../rule-run.js';
import type { Logger } from '../types.js';
import { VERSION } from '../version.js';
import { type TreeChange, touchedBy } from '../workspace/scope.js';
import type { PolicyInForce } from './policy.js';
import type { Scope } from './scope.js';

/** The digest of what shapes this run's findings besides the tree (see `resultsKey`). */
export function runKey(policy: PolicyInForce, scope: Scope): string {
  return resultsKey({
    rules: policy.rules,
    config: policy.config,
    maxFileBytes: scope.workspace.maxFileBytes,
    prefix: scope.repo?.prefix ?? '',
  });
}

/**
 * The stored rules the head may take as they are, or why none: results of another commit, version,
 * rule set or settings never fit; without the base tree's diff (a checkout without the base commit,
 * `scan: all`) what the change touches is unknown.
 */
export function reusableResults(
  options: CheckOptions,
  policy: PolicyInForce,
  scope: Scope,
): { rules: Map<string, StoredRule> } | { reason: string } {
  const given = options.baseResults;
  if (!given) return { reason: 'none given' };
  const { results } = given;
  const baseline = options.change?.baseline;
  if (!baseline) return { reason: 'the run has no base commit' };
  if (results.commit !== baseline) {
    return {
      reason: `they are of commit ${results.commit.slice(0, 12)}, the base is ${baseline.slice(0, 12)}`,
    };
  }
  if (results.version !== VERSION) {
    return { reason: `they were written by controlgate ${results.version}, this is ${VERSION}` };
  }
  if (results.key !== runKey(policy, scope)) {
    return { reason: 'they were written with other rules or settings than the policy in force' };
  }
  const base = scope.scan.base;
  if (!(base instanceof BaseWorkspace)) {
    return { reason: 'what the change touches is not known without the base tree (scan: changed)' };
  }
  const change = commitChange(base);
  const rules = new Map<string, StoredRule>();
  for (const [id, stored] of Object.entries(results.rules)) {
    if (!touchedBy(recordedInputs(stored.inputs), change, (p) => base.matcher(p))) rules.set(id, stored);
  }
  return { rules };
}

/**
 * How the head differs from the base commit itself. The base tree shows a renamed file's base content
 * under its new name (so that its findings follow it), but the stored results are of the commit,
 * where it had its old name: a rename changes both paths and the file list.
 */
function commitChange(base: BaseWorkspace): TreeChange {
  if (base.renamed.size === 0) return base.differs;
  const paths = new Set(base.differs.paths);
  const presence = new Set(base.differs.presence ?? base.differs.paths);
  for (const [to, from] of base.renamed) {
    for (const p of [to, from]) {
      paths.add(p);
      presence.add(p);
    }
  }
  return { paths, listing: true, presence };
}

/** Hands the fitting base results to the head's run, and logs what was taken or why nothing was. */
export function reuseBaseResults(
  options: CheckOptions,
  policy: PolicyInForce,
  scope: Scope,
  run: RuleRun,
  log: Logger,
): void {
  if (!options.baseResults) return;
  const fit = reusableResults(options, policy, scope);
  if ('reason' in fit) {
    log.info(`base results from ${options.baseResults.source} not used: ${fit.reason}`);
    return;
  }
  run.reuseResults(fit.rules);
}

/** This run's results of the rules that read across files (those whose inputs are known). */
export async function collectResults(
  policy: PolicyInForce,
  scope: Scope,
  run: RuleRun,
  log: Logger,
): Promise<BaseResults | undefined> {
  const commit = scope.repo?.head();
  if (!commit) {
    log.warning('base results not written: the checked tree is not a commit of a git repository');
    return undefined;
  }
  // They stand for the commit: a tree with other content would lend its findings to every change.
  const changed = await worktreeChange(scope.workspace.root);
  if (changed !== undefined) {
    log.warning(
      `base results not written: ${changed === null ? `git could not tell whether the work tree matches commit ${commit.slice(0, 12)}` : `the work tree differs from commit ${commit.slice(0, 12)} (${changed})`}; check a clean checkout`,
    );
    return undefined;
  }
  const rules: Record<string, StoredRule> = {};
  for (const [id, recorded] of run.recorded) {
    const inputs = storedInputs(recorded.inputs);
    if (inputs) rules[id] = { inputs, raw: [...recorded.raw], scope: recorded.scope };
  }
  return {
    format: BASE_RESULTS_FORMAT,
    version: VERSION,
    commit,
    key: runKey(policy, scope),
    rules,
  };
}
