import { type ExprNode, findExpressions, parseExpression } from './expression.js';
import type { Job, Located, Step, Workflow } from './workflow-model.js';

/**
 * Whether a job or step of a workflow can run at all, as far as its `if:` says which event runs it:
 * `if: github.event_name == 'pull_request'` in a workflow triggered only by `workflow_dispatch` never
 * holds, so the step exposes nothing and does nothing. Only tests of `github.event_name` are read
 * (`==`, `!=`, `contains`, `startsWith`, `endsWith`, `contains(fromJSON('[...]'), ...)` of a literal
 * list), joined by `&&`, `||` and `!`; any other part of a condition may hold or fail.
 */

/** An `if:` condition as one expression tree; undefined when absent, not parsable, or text around `${{ }}`. */
export function conditionTree(condition: Located | undefined): ExprNode | undefined {
  if (!condition) return undefined;
  const value = condition.value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  let inner = text;
  if (text.includes('${{')) {
    const found = findExpressions(text);
    // Only a value that is exactly one `${{ }}` is evaluated as a condition.
    if (found.length !== 1 || found[0]!.start !== 0 || found[0]!.end !== text.length) return undefined;
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

/** The workflow's own events (lower case); undefined when `github.event_name` is not known from them. */
function ownEvents(workflow: Workflow): string[] | undefined {
  const events = [...new Set(workflow.on?.events.map((t) => t.event.toLowerCase()) ?? [])];
  // A reusable workflow runs on its caller's event, whatever its name.
  return events.length === 0 || events.includes('workflow_call') ? undefined : events;
}

/** Whether a condition can hold on none of `events`: on each, a test of the event's name it requires fails. */
function holdsOnNone(tree: ExprNode | undefined, events: readonly string[]): boolean {
  return (
    tree !== undefined &&
    events.every((event) => requiredBy(tree, true, (leaf, holds) => eventNameTest(leaf, event) === !holds))
  );
}

/**
 * Whether a job (or, given one, a step of it) never runs: on every event of the workflow's `on:`,
 * the job's `if:` or the step's requires a test of `github.event_name` that fails there. A workflow
 * that can be called (`workflow_call`) or whose triggers are not read runs any of them.
 */
export function neverRuns(workflow: Workflow, job: Job, step?: Step): boolean {
  const holder: object = step ?? job;
  let known = NEVER_RUNS.get(holder);
  if (known === undefined) {
    const events = ownEvents(workflow);
    const jobTree = conditionTree(job.if);
    const stepTree = step ? conditionTree(step.if) : undefined;
    known =
      events !== undefined &&
      (jobTree !== undefined || stepTree !== undefined) &&
      events.every((event) => holdsOnNone(jobTree, [event]) || holdsOnNone(stepTree, [event]));
    NEVER_RUNS.set(holder, known);
  }
  return known;
}

/** Per job and step (the model's objects are read once per file), computed once for every audit. */
const NEVER_RUNS = new WeakMap<object, boolean>();
