import type { ExprNode } from '../../parsers/expression.js';
import type { Job, Step, WorkflowSource } from '../../parsers/workflow.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { type ConditionPart, nodes, readCondition } from './condition-parts.js';

/**
 * `contains('refs/heads/main refs/heads/release', github.ref)` searches a string, not a list: it is
 * true for every substring, so a branch named `mai` or `release` passes a check meant for two exact
 * refs. Reported at the `contains(` of every such call whose first argument is a string (a literal,
 * `format()` or `join()`) and whose second is a value someone can choose (a ref, a branch, a login,
 * an input, an output). Values from a fixed vocabulary (event names, the runner's OS, the repository)
 * cannot be made into a surprising substring and are left alone, and so is a closed vocabulary
 * (`author_association`) searched in a literal where no value of it but the listed ones is a part of the
 * string: `contains('["OWNER", "MEMBER"]', github.event.comment.author_association)` admits exactly
 * those two (`contains` ignores case, and so does the test).
 */
export const workflowUnsoundContains = defineEvaluator<Record<string, never>>({
  kind: 'workflow.unsound-contains',
  scope: 'file',
  summary: "contains('a b', value) on a string where a list was meant: any substring of it passes.",
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    const check = (part: ConditionPart, owner: string) => {
      for (const n of nodes(part.node)) {
        if (n.kind !== 'call' || n.name !== 'contains' || n.args.length !== 2) continue;
        const [haystack, needle] = n.args as [ExprNode, ExprNode];
        if (!isString(haystack) || !choosable(needle) || onlyListedMatch(haystack, needle)) continue;
        const searched = part.inner.slice(haystack.start, haystack.end);
        const value = part.inner.slice(needle.start, needle.end);
        findings.push({
          message:
            `contains(${searched}, ${value}) looks for ${value} inside a string, so any part of it matches (a ref such as ` +
            '"refs/heads/mai" passes a check for "refs/heads/main"). Compare against a list: ' +
            `contains(fromJSON('["a", "b"]'), ${value}), or use == for each value.`,
          location: part.locate(n.start, n.start + 'contains'.length),
          key: `${owner}/${part.inner.slice(n.start, n.end)}`,
          // Values set by the workflow's own author (inputs, env, outputs) may never hold a surprising substring.
          ...(needle.kind !== 'ref' || /^(inputs|env|steps|needs|vars)$/.test(needle.path[0] ?? '')
            ? { confidence: 'medium' as const }
            : {}),
        });
      }
    };
    const condition = (source: WorkflowSource, holder: Job | Step, owner: string) => {
      const c = readCondition(workspace, source, holder, CONTAINS_TEXT);
      // Fenced conditions are expressions too: the expression callback sees them.
      if (c && !c.fenced) for (const part of c.parts) check(part, owner);
    };
    walkWorkflows(
      workflowSources(workspace),
      {
        job(job, workflow) {
          condition(workflow, job, job.id);
        },
        step(step, source, job) {
          condition(source, step, `${job?.id ?? ''}/${step.index}`);
        },
        expression(expr) {
          if (!CONTAINS_TEXT.test(expr.inner) || !expr.parsed.ok || !expr.parsed.node) return;
          check(
            { node: expr.parsed.node, inner: expr.inner, locate: expr.locate },
            `${expr.jobId ?? ''}/${expr.stepIndex ?? ''}/${expr.field.join('.')}`,
          );
        },
      },
      workspace,
    );
    return findings;
  },
});

/** A quick test before walking the tree. */
const CONTAINS_TEXT = /contains/i;

/** A value that is a string whatever happens: a string literal, `format(...)` or `join(...)`. */
function isString(node: ExprNode): boolean {
  if (node.kind === 'literal') return typeof node.value === 'string';
  return node.kind === 'call' && (node.name === 'format' || node.name === 'join');
}

/** Contexts whose values come from a small fixed set that no one can extend with a substring. */
const FIXED = [
  /^github\.(event_name|event\.action|repository|repository_owner|repository_id|workflow|job|run_attempt|run_number|run_id|ref_type|server_url|api_url|graphql_url)$/,
  /^runner\./,
  /^matrix\./,
  /^strategy\./,
  /^job\.(status|container)/,
  /^steps\.[^.]+\.(outcome|conclusion)$/,
  /^needs\.[^.]+\.result$/,
];

/**
 * Contexts whose values come from a closed list GitHub defines, which nobody can extend: every value a
 * search of a string can admit is known.
 */
const CLOSED: { path: RegExp; values: readonly string[] }[] = [
  {
    path: /^github\.event\.(?:comment|issue|pull_request|review|discussion|answer)\.author_association$/,
    values: [
      'COLLABORATOR',
      'CONTRIBUTOR',
      'FIRST_TIMER',
      'FIRST_TIME_CONTRIBUTOR',
      'MANNEQUIN',
      'MEMBER',
      'NONE',
      'OWNER',
    ],
  },
];

/**
 * Whether a literal string searched for a value of a closed vocabulary admits only the values it lists
 * as words of their own: no other value of the vocabulary is a part of it (case ignored, as `contains`
 * does), so the search is as sound as a list.
 */
function onlyListedMatch(haystack: ExprNode, needle: ExprNode): boolean {
  if (haystack.kind !== 'literal' || typeof haystack.value !== 'string' || needle.kind !== 'ref')
    return false;
  const path = needle.path.join('.').toLowerCase();
  const closed = CLOSED.find((c) => c.path.test(path));
  if (!closed) return false;
  const text = haystack.value.toUpperCase();
  const words = new Set(text.split(/[^A-Z_]+/));
  return closed.values.every((v) => !text.includes(v) || words.has(v));
}

/** A value (not a constant, not from a fixed vocabulary) that a contributor or an outsider picks. */
function choosable(node: ExprNode): boolean {
  if (node.kind === 'literal') return false;
  if (node.kind !== 'ref') return true;
  const path = node.path.join('.');
  return !FIXED.some((re) => re.test(path));
}
