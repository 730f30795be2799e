import { type ExprNode, findExpressions, parseExpression, someNode } from './expression.js';
import type { Job, Located, Step, Workflow } from './workflow-model.js';

/**
 * Whether a job or step of a workflow can run at all. An `if:` is an expression GitHub evaluates
 * (with or without `${{ }}` around all of it) and coerces as it coerces any condition: `false`, `0`,
 * `-0`, `''` and `null` fail, anything else holds (`'false'` is a non-empty string: it holds). Read
 * here: literals (`if: false`, `if: 0`, `if: ${{ false }}`), the status function `always()`, tests of
 * `github.event_name` against the events the workflow is triggered by (`==`, `!=`, `contains`,
 * `startsWith`, `endsWith`, `contains(fromJSON('[...]'), ...)` of a literal list), joined by `&&`,
 * `||` and `!`; any other part of a condition may hold or fail. A job none of whose runs the
 * condition allows never runs, and neither do the jobs that need it unless their `if:` lets them run
 * past a skipped job (`always()`, `failure()`, `cancelled()`, see {@link runsPastFailures}): GitHub
 * skips every job after a skipped one in a chain of `needs:`.
 */

/**
 * An `if:` condition as one expression tree; undefined when absent, not parsable, or anything around
 * `${{ }}` (see unsound-condition.ts). A YAML boolean or number (`if: false`, `if: 0`) is the literal
 * it reads as.
 */
export function conditionTree(condition: Located | undefined): ExprNode | undefined {
  if (!condition) return undefined;
  const value = condition.value;
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))
    return { kind: 'literal', value, start: 0, end: String(value).length };
  if (typeof value !== 'string') return undefined;
  let inner = value.trim();
  if (value.includes('${{')) {
    const found = findExpressions(value);
    // Only a value that is exactly one `${{ }}` is evaluated as a condition: anything around it, white
    // space and the line break of a `|` block too, makes it a string, which is true.
    if (found.length !== 1 || found[0]!.start !== 0 || found[0]!.end !== value.length) return undefined;
    inner = found[0]!.inner;
  }
  const parsed = parseExpression(inner);
  return parsed.ok ? parsed.node : undefined;
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

const isEventName = (n: ExprNode | undefined) =>
  n?.kind === 'ref' &&
  n.computed.length === 0 &&
  n.path.length === 2 &&
  n.path[0] === 'github' &&
  n.path[1] === 'event_name';

const text = (n: ExprNode | undefined): string | undefined =>
  n?.kind === 'literal' && typeof n.value === 'string' ? n.value.toLowerCase() : undefined;

/** The strings of `fromJSON('["push", "pull_request"]')` (lower case), if it is such a literal list. */
function literalList(n: ExprNode | undefined): string[] | undefined {
  if (n?.kind !== 'call' || n.name !== 'fromjson' || n.args.length !== 1) return undefined;
  const json = n.args[0]?.kind === 'literal' ? n.args[0].value : undefined;
  if (typeof json !== 'string') return undefined;
  try {
    const list: unknown = JSON.parse(json);
    return Array.isArray(list) && list.every((v) => typeof v === 'string')
      ? list.map((v: string) => v.toLowerCase())
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a test of `github.event_name` yields when the event is `event` (lower case): true or false, or
 * undefined for a part of a condition that is no such test. Strings compare as GitHub compares them,
 * ignoring case and nothing else.
 */
export function eventNameTest(leaf: ExprNode, event: string): boolean | undefined {
  if (leaf.kind === 'compare' && (leaf.op === '==' || leaf.op === '!=')) {
    const other = isEventName(leaf.left)
      ? text(leaf.right)
      : isEventName(leaf.right)
        ? text(leaf.left)
        : undefined;
    if (other === undefined) return undefined;
    return (other === event) === (leaf.op === '==');
  }
  if (leaf.kind !== 'call' || leaf.args.length !== 2) return undefined;
  const [a, b] = leaf.args;
  const test = (s: string, part: string) =>
    leaf.name === 'contains'
      ? s.includes(part)
      : leaf.name === 'startswith'
        ? s.startsWith(part)
        : leaf.name === 'endswith'
          ? s.endsWith(part)
          : undefined;
  if (isEventName(a) && text(b) !== undefined) return test(event, text(b)!);
  if (isEventName(b) && text(a) !== undefined) return test(text(a)!, event);
  const list = isEventName(b) && leaf.name === 'contains' ? literalList(a) : undefined;
  return list ? list.includes(event) : undefined;
}

/**
 * Whether a literal, or `always()`, is true or false in a condition: GitHub's falsy values are
 * `false`, `0`, `-0`, `''` and `null`. Undefined for any other part of a condition.
 */
function constantTest(leaf: ExprNode): boolean | undefined {
  if (leaf.kind === 'literal')
    return leaf.value !== false && leaf.value !== 0 && leaf.value !== '' && leaf.value !== null;
  if (leaf.kind === 'call' && leaf.name === 'always' && leaf.args.length === 0) return true;
  return undefined;
}

/**
 * The workflow's own events (lower case); `[undefined]`, one run on an event not known, when
 * `github.event_name` is not known from them: a reusable workflow (`workflow_call`) runs on its
 * caller's event, whatever its name.
 */
function ownEvents(workflow: Workflow): (string | undefined)[] {
  const events = [...new Set(workflow.on?.events.map((t) => t.event.toLowerCase()) ?? [])];
  return events.length === 0 || events.includes('workflow_call') ? [undefined] : events;
}

/**
 * Whether a condition cannot hold on `event` (undefined: an event not known): a literal or a test of
 * the event's name it requires fails there.
 */
function failsOn(tree: ExprNode | undefined, event: string | undefined): boolean {
  return (
    tree !== undefined &&
    requiredBy(
      tree,
      true,
      (leaf, holds) =>
        (constantTest(leaf) ?? (event === undefined ? undefined : eventNameTest(leaf, event))) === !holds,
    )
  );
}

/** The status functions, by their lower-cased name (GitHub's function names ignore case). */
const STATUS_FUNCTIONS = new Set(['always', 'failure', 'cancelled', 'success']);
/** A status function named in text that does not parse as one condition (names compared without case). */
const STATUS_TEXT = /\b(?:always|failure|cancelled|success)\s*\(/i;

/**
 * Whether a job's or step's `if:` can let it run although a job it needs was skipped or failed (or an
 * earlier step of the job failed): it calls `always()`, `failure()` or `cancelled()`, in any case
 * (GitHub's function names ignore case: `Always()` is `always()`), or `success()` anywhere but as a
 * part the whole condition requires (`success() && x` is the default; `!success()`, `success() || x`
 * are not). A condition without a status function is run as `success() && (...)`, which a skipped
 * or failed job it needs makes false. Read from the parsed condition; a condition that does not parse
 * as one expression counts when its text names a status function at all.
 */
export function runsPastFailures(condition: Located | undefined): boolean {
  if (typeof condition?.value !== 'string') return false;
  const tree = conditionTree(condition);
  if (!tree) return STATUS_TEXT.test(condition.value);
  const required = new Set<ExprNode>();
  const require = (n: ExprNode): void => {
    if (n.kind === 'and') n.args.forEach(require);
    else required.add(n);
  };
  require(tree);
  return someNode(
    tree,
    (n) => n.kind === 'call' && STATUS_FUNCTIONS.has(n.name) && (n.name !== 'success' || !required.has(n)),
  );
}

/** The ids a job's `needs:` names (a string or a list of strings). */
function needed(job: Job): string[] {
  const needs = job.needs?.value;
  if (typeof needs === 'string') return [needs];
  return Array.isArray(needs) ? needs.filter((n): n is string => typeof n === 'string') : [];
}

/**
 * Per event of the workflow (see {@link ownEvents}), whether the job is skipped there: its own `if:`
 * fails, or a job it needs is skipped and its `if:` does not run past that. `seen` holds the jobs
 * on the way (GitHub rejects a cycle of `needs:`; one is read as running).
 */
function skippedOn(workflow: Workflow, job: Job, seen: Set<Job>): boolean[] {
  const known = SKIPPED.get(job);
  if (known) return known;
  const events = ownEvents(workflow);
  if (seen.has(job)) return events.map(() => false);
  seen.add(job);
  const tree = conditionTree(job.if);
  const skipped = events.map((event) => failsOn(tree, event));
  if (!runsPastFailures(job.if)) {
    for (const id of needed(job)) {
      // Matched ignoring case: a `needs:` that names no job stops the whole workflow, so either way it is skipped.
      const upstream = workflow.jobs.find((j) => j.id.toLowerCase() === id.toLowerCase());
      if (!upstream) continue;
      skippedOn(workflow, upstream, seen).forEach((s, i) => {
        if (s) skipped[i] = true;
      });
    }
  }
  seen.delete(job);
  SKIPPED.set(job, skipped);
  return skipped;
}

/** Per job (the model's objects are read once per file), computed once for every audit. */
const SKIPPED = new WeakMap<Job, boolean[]>();

/**
 * Whether a job (or, given one, a step of it) never runs: on every event of the workflow's `on:`,
 * the job is skipped (its `if:` cannot hold, or a job it needs is skipped, see {@link skippedOn}) or
 * the step's `if:` cannot hold. A workflow that can be called (`workflow_call`) or whose triggers are
 * not read runs on an event not known, where only literals and `always()` are read.
 */
export function neverRuns(workflow: Workflow, job: Job, step?: Step): boolean {
  const holder: object = step ?? job;
  let known = NEVER_RUNS.get(holder);
  if (known === undefined) {
    const skipped = skippedOn(workflow, job, new Set());
    const stepTree = step ? conditionTree(step.if) : undefined;
    known = ownEvents(workflow).every((event, i) => skipped[i] || failsOn(stepTree, event));
    NEVER_RUNS.set(holder, known);
  }
  return known;
}

/** Per job and step (the model's objects are read once per file), computed once for every audit. */
const NEVER_RUNS = new WeakMap<object, boolean>();
