/**
 * One evaluator call, the single place where a rule meets the tree: a rule that throws becomes its
 * error, and a rule that cannot get the answer it needs (an API permission) becomes unverifiable.
 * The outcome is plain data, so a slice worker can send it to the engine's thread.
 */
import { getEvaluator } from './evaluators/registry.js';
import type { PolicyProblems } from './evaluators/types.js';
import { type GitHubApi, UnverifiableError } from './github-api.js';
import type { RawFinding, Rule } from './types.js';
import type { Workspace } from './workspace/workspace.js';

/** What one rule made of a workspace: its raw findings, or why it failed. */
export type RuleOutcome = { raw: RawFinding[] } | { error: string; unverifiable: boolean };

export async function runEvaluator(
  rule: Rule,
  workspace: Workspace,
  policy: PolicyProblems,
  github?: GitHubApi,
): Promise<RuleOutcome> {
  const evaluator = getEvaluator(rule.check.kind);
  try {
    if (!evaluator) throw new Error(`no evaluator for kind "${rule.check.kind}"`);
    const raw = await evaluator.evaluate({
      rule,
      options: rule.check.with ?? {},
      workspace,
      policy,
      ...(github ? { github } : {}),
    });
    return { raw };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { error: message, unverifiable: err instanceof UnverifiableError };
  }
}
