/**
 * Base results in the evaluation phase: which stored results of the base commit a change's head may
 * take instead of evaluating a rule (they fit the run, and the change touches nothing the rule
 * asked), and the results of this run's rules that read across files, for later changes to reuse.
 */

import {
  BASE_RESULTS_FORMAT,
  type BaseResults,
  findingPaths,
  resultsKey,
  type StoredRule,
  type StoredSubject,
  storedInputs,
} from '../base-results.js';
import { BaseWorkspace } from '../base-tree.js';
import type { CheckOptions } from '../engine.js';
import { worktreeChange } from '../git.js';
import type { RuleRun, SubjectResults } from '../rule-run.js';
import { readDirectives } from '../triage.js';
import type { Logger } from '../types.js';
import { VERSION } from '../version.js';
import { type TreeChange, touchedBy } from '../workspace/scope.js';
import type { PolicyInForce } from './policy.js';
import type { Scope } from './scope.js';

/** The digest of what shapes this run's findings besides the tree (see `resultsKey`). */
export function runKey(policy: PolicyInForce, scope: Scope, options: CheckOptions): string {
  const repository = runRepository(options);
  return resultsKey({
    rules: policy.rules,
    config: policy.config,
    maxFileBytes: scope.workspace.maxFileBytes,
    prefix: scope.repo?.prefix ?? '',
    ...(repository ? { repository } : {}),
  });
}

/** The run's repository as its identity names it, in lower case (see `EvaluatorContext.repository`). */
export function runRepository(options: CheckOptions): string | undefined {
  return options.identity?.repository?.toLowerCase();
}

/** Base results that fit the run: all of them, and those the head may take as they are. */
export interface FittingResults {
  /** Every stored rule: its findings on the base commit. */
  stored: ReadonlyMap<string, StoredRule>;
  /** The stored rules whose inputs the change does not touch: the head finds the same. */
  rules: Map<string, StoredRule>;
  /**
   * Of the other rules that name their subjects, the subjects whose inputs the change does not
   * touch, by rule, with their inputs as the engine compares them: the head evaluates only the rest.
   */
  subjects: Map<string, Map<string, SubjectResults>>;
  /** Files known to hold no inline-ignore comment: stored findings lie in them, untouched by the change. */
  quiet: ReadonlySet<string>;
}

/**
 * The stored rules that fit the run, or why none: results of another commit, version, rule set or
 * settings never fit; without the base tree's diff (a checkout without the base commit, `scan: all`)
 * what the change touches is unknown.
 */
export function reusableResults(
  options: CheckOptions,
  policy: PolicyInForce,
  scope: Scope,
): FittingResults | { reason: string } {
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
  if (results.key !== runKey(policy, scope, options)) {
    return { reason: 'they were written with other rules or settings than the policy in force' };
  }
  const base = scope.scan.base;
  if (!(base instanceof BaseWorkspace)) {
    return { reason: 'what the change touches is not known without the base tree (scan: changed)' };
  }
  const change = commitChange(base);
  const stored = new Map(Object.entries(results.rules));
  const { rules, subjects } = untouchedResults(stored, change, (patterns) => base.matcher(patterns));
  const quiet = new Set<string>();
  if (results.inlineIgnores) {
    const loud = new Set(results.inlineIgnores);
    for (const path of findingPaths(results)) {
      if (!loud.has(path) && !change.paths.has(path)) quiet.add(path);
    }
  }
  return { stored, rules, subjects, quiet };
}

/**
 * Of stored rules, those whose inputs `change` does not touch (taken whole), and, of the others that
 * name their subjects, the subjects it does not touch (the rest are evaluated again).
 */
export function untouchedResults(
  stored: ReadonlyMap<string, StoredRule>,
  change: TreeChange,
  matcher: (patterns: readonly string[]) => (p: string) => boolean,
): { rules: Map<string, StoredRule>; subjects: Map<string, Map<string, SubjectResults>> } {
  const rules = new Map<string, StoredRule>();
  const subjects = new Map<string, Map<string, SubjectResults>>();
  // The stored inputs are compared as they are (lists): a rule of 500 workflows has 500 subjects.
  for (const [id, rule] of stored) {
    if (!touchedBy(rule.inputs, change, matcher)) rules.set(id, rule);
    else if (rule.subjects) {
      const kept = new Map<string, SubjectResults>();
      for (const part of rule.subjects)
        if (!touchedBy(part.inputs, change, matcher)) kept.set(part.path, part);
      subjects.set(id, kept);
    }
  }
  return { rules, subjects };
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

/**
 * Hands the fitting base results to the head's run, and logs what was taken or why nothing was.
 * Returns them when they fit: the base comparison takes every stored rule as the base's findings, and
 * triage reads no file known to hold no inline-ignore comment.
 */
export function reuseBaseResults(
  options: CheckOptions,
  policy: PolicyInForce,
  scope: Scope,
  run: RuleRun,
  log: Logger,
): FittingResults | undefined {
  if (!options.baseResults) return undefined;
  const fit = reusableResults(options, policy, scope);
  if ('reason' in fit) {
    log.info(`base results from ${options.baseResults.source} not used: ${fit.reason}`);
    return undefined;
  }
  run.reuseResults(fit.rules, fit.subjects);
  return fit;
}

/**
 * The stored rules the base comparison may take as the base tree's findings, instead of evaluating
 * them there: all of them when the base tree is the base commit's. A renamed file is shown in the
 * base tree under its new name (so its findings keep their identity), where the stored results have
 * it under its old one: then every rule is evaluated on the base tree as before.
 */
export function baseTreeResults(
  stored: ReadonlyMap<string, StoredRule> | undefined,
  base: BaseWorkspace,
): ReadonlyMap<string, StoredRule> {
  return stored && base.renamed.size === 0 ? stored : new Map();
}

/**
 * A subject that read more files than this is not stored: one that reads every workflow (to find its
 * callers) is touched by any change that touches its rule, so its part would never be taken, and
 * keeping it would make the results grow with the square of the number of workflows. The change
 * evaluates it again instead.
 */
export const MAX_SUBJECT_PATHS = 64;

/** The rules that read across files, as this run recorded them, in their stored form (those whose inputs are known). */
export function storedRules(run: RuleRun): Record<string, StoredRule> {
  const rules: Record<string, StoredRule> = {};
  for (const [id, recorded] of run.recorded) {
    const inputs = storedInputs(recorded.inputs);
    if (!inputs) continue;
    rules[id] = { inputs, raw: [...recorded.raw], scope: recorded.scope };
    const subjects = recorded.subjects?.map((s) => ({ ...s, inputs: storedInputs(s.inputs) }));
    if (subjects?.every((s): s is StoredSubject => s.inputs !== undefined)) {
      rules[id].subjects = subjects.filter((s) => s.inputs.paths.length <= MAX_SUBJECT_PATHS);
    }
  }
  return rules;
}

/** This run's results of the rules that read across files (those whose inputs are known). */
export async function collectResults(
  options: CheckOptions,
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
  const rules = storedRules(run);
  const results: BaseResults = {
    format: BASE_RESULTS_FORMAT,
    version: VERSION,
    commit,
    key: runKey(policy, scope, options),
    rules,
  };
  results.inlineIgnores = [...findingPaths(results)].filter(
    (path) => readDirectives(scope.workspace.text(path)).length > 0,
  );
  return results;
}
