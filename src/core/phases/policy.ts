/**
 * Phase 1, the policy: which configuration, declarations and rules judge this run (the base commit's
 * on a change, unless the change's own policy changes are approved), which rules run, and the gate's
 * settings once the caller's overrides are applied.
 */
import { DEFAULT_FAIL_ON_CONFIDENCE, DEFAULT_PERSONA } from '../confidence.js';
import type { Config } from '../config.js';
import type { PolicyProblemKind } from '../declarations/model.js';
import type { CheckOptions } from '../engine.js';
import { policyKind } from '../evaluators/policy/policy.js';
import { loadPolicy, type Policy } from '../policy/load.js';
import { type PolicyReview, reviewPolicy } from '../policy/review.js';
import { didYouMean } from '../suggest.js';
import {
  type Confidence,
  type FailOn,
  type Logger,
  type Persona,
  type RequireDeclarations,
  type Rule,
  UsageError,
} from '../types.js';

export const DEFAULT_FAIL_ON: FailOn = 'high';
export const DEFAULT_EXCEPTION_MAX_DAYS = 365;
export const DEFAULT_REVIEW_MAX_DAYS = 365;

/** The gate's settings: the caller's overrides, else the configuration in force, else the defaults. */
export interface GateSettings {
  failOn: FailOn;
  failOnConfidence: Confidence;
  persona: Persona;
  failOnGap: boolean;
  requireDeclarations: RequireDeclarations;
  exceptionMaxDays: number;
  reviewMaxDays: number;
}

/** The policy a run is judged by, and what it selects. */
export interface PolicyInForce {
  /** What the change does to its policy (policy changes, broken rule files, the approval). */
  review: PolicyReview;
  /** The policy in force, and the head's beside it. */
  policy: Policy;
  config: Config;
  /** Every rule of the policy in force: the declarations may name any of them. */
  allRules: readonly Rule[];
  /** The rules this run evaluates (all of them, unless the caller asked for some). */
  rules: readonly Rule[];
  settings: GateSettings;
  /** The policy rules (check kind `policy.*`) among `rules`, by the kind of problem each reports. */
  policyRules: ReadonlyMap<string, PolicyProblemKind>;
}

/**
 * Loads the policy (from the base commit on a change) and reviews what the change does to it; throws
 * {@link UsageError} for an unknown rule id asked for, and warns about settings of unknown rules.
 */
export async function readPolicy(options: CheckOptions, root: string, log: Logger): Promise<PolicyInForce> {
  // What the change does to the policy it is judged by, and whether someone entitled approved it;
  // an approval puts the change's own policy in force (see policy/review.ts).
  const review = await reviewPolicy(loadPolicy({ ...policySources(options), root, logger: log }), {
    builtin: options.builtinRules !== false,
    root,
    ...(options.gateChanges ? { gateChanges: options.gateChanges } : {}),
    ...(options.approval ? { approval: options.approval } : {}),
  });
  const { policy, rules: allRules } = review;
  const config = policy.active.config;
  const rules = selectRules(allRules, options.onlyRules);
  for (const id of Object.keys(config.rules)) {
    if (!rules.some((r) => r.id === id) && !options.onlyRules) {
      const hint = didYouMean(
        id,
        rules.map((r) => r.id),
      );
      log.warning(`${config.file}: /rules/${id}: no rule has this id${hint}; the setting is ignored`);
    }
  }
  const settings: GateSettings = {
    failOn: options.failOn ?? config.failOn ?? DEFAULT_FAIL_ON,
    failOnConfidence: options.failOnConfidence ?? config.failOnConfidence ?? DEFAULT_FAIL_ON_CONFIDENCE,
    persona: options.persona ?? config.persona ?? DEFAULT_PERSONA,
    failOnGap: options.failOnGap ?? config.failOnGap ?? true,
    requireDeclarations: options.requireDeclarations ?? config.requireDeclarations ?? 'none',
    exceptionMaxDays: options.exceptionMaxDays ?? config.exceptionMaxDays ?? DEFAULT_EXCEPTION_MAX_DAYS,
    reviewMaxDays: config.reviewMaxDays ?? DEFAULT_REVIEW_MAX_DAYS,
  };
  const policyRules = new Map<string, PolicyProblemKind>();
  for (const r of rules) {
    const kind = policyKind(r.check.kind);
    if (kind) policyRules.set(r.id, kind);
  }
  return { review, policy, config, allRules, rules, settings, policyRules };
}

/** The policy rules that report problems of one kind (`changes`: policy changes, always new). */
export function policyRulesOf(policy: PolicyInForce, ...kinds: PolicyProblemKind[]): Set<string> {
  return new Set([...policy.policyRules].filter(([, k]) => kinds.includes(k)).map(([id]) => id));
}

/** The rules asked for (`--rule`), or all; an unknown id is a usage error with a suggestion. */
function selectRules(rules: readonly Rule[], only: readonly string[] | undefined): readonly Rule[] {
  if (!only) return rules;
  const unknown = only.filter((id) => !rules.some((r) => r.id === id));
  if (unknown.length > 0) {
    const ids = rules.map((r) => r.id);
    const named = unknown.map((id) => `${id}${didYouMean(id, ids)}`);
    throw new UsageError(`unknown rule id: ${named.join(', ')} (\`controlgate rules\` lists them)`);
  }
  const wanted = new Set(only);
  return rules.filter((r) => wanted.has(r.id));
}

/** Where the policy is read from: the caller's paths and the base commit, when given. */
function policySources(o: CheckOptions) {
  return {
    ...(o.configPath ? { configPath: o.configPath } : {}),
    ...(o.controlsPath ? { controlsPath: o.controlsPath } : {}),
    ...(o.ruleDirs ? { ruleDirs: o.ruleDirs } : {}),
    ...(o.base ? { base: o.base } : {}),
    ...(o.baseTree ? { baseTree: o.baseTree } : {}),
    ...(o.controlsMayBeMissing ? { controlsMayBeMissing: true } : {}),
  };
}
