/**
 * The policy rules' evaluators. The engine checks the declarations, the exceptions and the policy
 * changes once per run (they need the whole run: the base commit, the calendar, other rules'
 * findings); each evaluator hands over the problems of its kind, so the policy rules are configured,
 * counted, documented and reported like every other rule. Inline ignore comments are scanned here
 * (inline-ignores.ts). Kept in one file because each evaluator is a one-line adapter.
 */
import type { PolicyProblemKind } from '../../declarations/model.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator, type Evaluator, type EvaluatorContext } from '../types.js';
import { addedIgnores, reasonlessIgnores } from './inline-ignores.js';

const NO_OPTIONS = { type: 'object', additionalProperties: false, properties: {} };

type Context = EvaluatorContext<Record<string, never>>;

function policyEvaluator(
  problem: PolicyProblemKind,
  summary: string,
  more?: (ctx: Context) => RawFinding[],
  /** `more` reads the base tree, which only the engine's thread has. */
  readsBase?: boolean,
): Evaluator<Record<string, never>> {
  return defineEvaluator<Record<string, never>>({
    kind: `policy.${problem}`,
    summary,
    schema: NO_OPTIONS,
    // The engine's problems do not depend on the files given; the comment scan is per file.
    ...(more ? { scope: 'file' as const } : {}),
    ...(readsBase ? { mainThread: true as const } : {}),
    evaluate: (ctx) => [...(ctx.policy?.of(problem) ?? []), ...(more?.(ctx) ?? [])],
  });
}

/** Every policy evaluator, for the registry. */
export const policyEvaluators = [
  policyEvaluator(
    'declarations-file',
    'The declarations file parses and matches schemas/controls.schema.json.',
  ),
  policyEvaluator(
    'evidence',
    'Evidence of controls declared implemented or partial exists (workflows run on pull requests).',
  ),
  policyEvaluator('justification', 'Controls declared not-applicable carry a justification.'),
  policyEvaluator(
    'undeclared',
    'Every control asked for is declared (require-declarations: technological, or all).',
  ),
  policyEvaluator('plan-due', 'Controls declared planned are not past their due date.'),
  policyEvaluator(
    'review-overdue',
    'Review dates of the declarations and of controls declared implemented or partial are not stale.',
  ),
  policyEvaluator(
    'exceptions',
    'Exceptions have a reason, an approver and an expiry within the allowed horizon.',
  ),
  policyEvaluator('inline-ignores', 'Inline ignore comments give a reason.', (ctx) =>
    reasonlessIgnores(ctx.workspace),
  ),
  policyEvaluator(
    'changes',
    'Changes to the policy (config, declarations, exceptions, custom rules, inline ignores) made by the change under review.',
    (ctx) => (ctx.policy?.base ? addedIgnores(ctx.workspace, ctx.policy.base) : []),
    true,
  ),
  policyEvaluator(
    'rule-files',
    'Custom rule files that the change under review adds or edits load (schema, evaluator options, unique ids).',
  ),
];

/** The problem kind a `policy.*` check kind reports, or undefined for other kinds. */
export function policyKind(kind: string): PolicyProblemKind | undefined {
  return kind.startsWith('policy.') ? (kind.slice('policy.'.length) as PolicyProblemKind) : undefined;
}
