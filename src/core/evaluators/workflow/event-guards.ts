import type { ExprNode } from '../../parsers/expression.js';
import type { Job, Step, Workflow } from '../../parsers/workflow.js';
import { conditionTree } from './conditions.js';

/**
 * What a job's or step's `if:` says about the event that runs it: a check of `github.event.action`
 * narrows the run to one activity type as `types:` would (a job on `if: github.event.action ==
 * 'opened'` runs on opened pull requests only), and `github.event.pull_request.merged` to pull
 * requests a maintainer merged. Read from the parsed condition and only where it must hold: a guard
 * joined with `&&` holds, one joined with `||` to anything else does not, and a condition that is text
 * around `${{ }}` (always true) guards nothing.
 */
export interface EventGuards {
  /** The activity type (lower case) every run has; undefined when any may. */
  action?: string;
  /** Whether every run is on a merged pull request. */
  merged: boolean;
}

/** The guards a condition imposes (read as true when `positive`, as false otherwise). */
export function conditionGuards(node: ExprNode | undefined): EventGuards {
  if (!node) return { merged: false };
  const action = requiredAction(node, true);
  return { ...(action ? { action } : {}), merged: requiresMerged(node, true) };
}

/**
 * The guards under which a job runs: its own `if:` and those of the jobs it needs (a skipped job
 * skips the jobs that need it, unless they ask for `always()`, `failure()` or `cancelled()`), and,
 * when given, a step's `if:`.
 */
export function jobGuards(workflow: Workflow, job: Job | undefined, step?: Step): EventGuards {
  const own = job ? jobChain(workflow, job, new Set()) : { merged: false };
  if (!step) return own;
  const inner = conditionGuards(conditionTree(step.if));
  const action = inner.action ?? own.action;
  return { ...(action ? { action } : {}), merged: own.merged || inner.merged };
}

function jobChain(workflow: Workflow, job: Job, seen: Set<string>): EventGuards {
  if (seen.has(job.id)) return { merged: false };
  seen.add(job.id);
  let guards = conditionGuards(conditionTree(job.if));
  if (typeof job.if?.value === 'string' && /\b(?:always|failure|cancelled)\s*\(/.test(job.if.value))
    return guards;
  const needs = job.needs?.value;
  for (const id of Array.isArray(needs) ? needs : typeof needs === 'string' ? [needs] : []) {
    const upstream = workflow.jobs.find((j) => j.id === id);
    if (!upstream) continue;
    const up = jobChain(workflow, upstream, seen);
    const action = guards.action ?? up.action;
    guards = { ...(action ? { action } : {}), merged: guards.merged || up.merged };
  }
  return guards;
}

const ACTION = 'github.event.action';
const MERGED = 'github.event.pull_request.merged';

const refTo = (n: ExprNode, path: string) => n.kind === 'ref' && n.path.join('.') === path;

/**
 * The activity type a condition requires `github.event.action` to be, compared as GitHub does
 * (strings case-insensitively). `a && b` requires what either side requires; `a || b` only what both
 * sides require; `!` flips the reading.
 */
function requiredAction(node: ExprNode, positive: boolean): string | undefined {
  switch (node.kind) {
    case 'not':
      return requiredAction(node.arg, !positive);
    case 'and':
    case 'or': {
      // Read as true, `&&` is a conjunction; read as false, `||` is one (De Morgan).
      const found = node.args.map((a) => requiredAction(a, positive));
      if ((node.kind === 'and') === positive) return found.find((a) => a !== undefined);
      const [first] = found;
      return first !== undefined && found.every((a) => a === first) ? first : undefined;
    }
    case 'compare': {
      const equal = (node.op === '==' && positive) || (node.op === '!=' && !positive);
      if (!equal) return undefined;
      const other = refTo(node.left, ACTION) ? node.right : refTo(node.right, ACTION) ? node.left : undefined;
      return other?.kind === 'literal' && typeof other.value === 'string' && other.value.trim() !== ''
        ? other.value.toLowerCase()
        : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Whether a condition holds only when `github.event.pull_request.merged` is true: the bare reference
 * or `== true` (GitHub compares `true == 'true'` as numbers, 1 and NaN: never equal, so the string
 * form is not a guard but a condition that never holds, left to other rules).
 */
function requiresMerged(node: ExprNode, positive: boolean): boolean {
  return requiredBy(node, positive, (leaf, holds) => {
    if (leaf.kind === 'ref') return holds && refTo(leaf, MERGED);
    if (leaf.kind !== 'compare') return false;
    const equal = (leaf.op === '==' && holds) || (leaf.op === '!=' && !holds);
    const other = refTo(leaf.left, MERGED) ? leaf.right : refTo(leaf.right, MERGED) ? leaf.left : undefined;
    return equal && other?.kind === 'literal' && other.value === true;
  });
}

/**
 * Whether a condition holds (`positive`) or fails only when `leaf` says a part of it requires what it
 * tests: `!` turns the sense, `&&` requires what either side requires, `||` what both do.
 */
export function requiredBy(
  node: ExprNode,
  positive: boolean,
  leaf: (node: ExprNode, positive: boolean) => boolean,
): boolean {
  switch (node.kind) {
    case 'not':
      return requiredBy(node.arg, !positive, leaf);
    case 'and':
    case 'or': {
      const found = node.args.map((a) => requiredBy(a, positive, leaf));
      return (node.kind === 'and') === positive ? found.some(Boolean) : found.every(Boolean);
    }
    default:
      return leaf(node, positive);
  }
}
