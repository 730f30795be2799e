import type { ExprNode } from '../../parsers/expression.js';
import type { Job, Step, Workflow } from '../../parsers/workflow.js';
import { eventNameTest, requiredBy } from '../../parsers/workflow-conditions.js';
import { conditionTree, runsPastFailures, trustedAssociation } from './conditions.js';

export { requiredBy };

/**
 * What a job's or step's `if:` says about the event that runs it: a check of `github.event.action`
 * narrows the run to one activity type as `types:` would (a job on `if: github.event.action ==
 * 'opened'` runs on opened pull requests only), and `github.event.pull_request.merged` to pull
 * requests a maintainer merged, and a check that the `author_association` of whoever acts is an
 * owner's, member's or collaborator's (`contains(fromJSON('["OWNER","MEMBER"]'),
 * github.event.comment.author_association)` on a comment) to runs no outsider causes. Read from the
 * parsed condition and only where it must hold: a guard joined with `&&` holds, one joined with `||`
 * to anything else does not (a branch that cannot hold on the event, `github.event_name ==
 * 'workflow_dispatch'` on a comment, is no other way in), and a condition that is text around `${{ }}`
 * (always true) guards nothing.
 */
export interface EventGuards {
  /** The activity type (lower case) every run has; undefined when any may. */
  action?: string;
  /** Whether every run is on a merged pull request. */
  merged: boolean;
  /** The events on which every run is caused by an owner, member or collaborator. */
  insiders?: ReadonlySet<string>;
}

/** The guards a condition imposes (read as true when `positive`, as false otherwise). */
export function conditionGuards(node: ExprNode | undefined): EventGuards {
  if (!node) return { merged: false };
  const action = requiredAction(node, true);
  const insiders = new Set(Object.keys(ACTOR_ASSOCIATION).filter((event) => requiresInsider(node, event)));
  return {
    ...(action ? { action } : {}),
    merged: requiresMerged(node, true),
    ...(insiders.size > 0 ? { insiders } : {}),
  };
}

/** Guards that both hold: `inner`'s activity type first (a step's, over its job's). */
function both(outer: EventGuards, inner: EventGuards): EventGuards {
  const action = inner.action ?? outer.action;
  const insiders = new Set([...(outer.insiders ?? []), ...(inner.insiders ?? [])]);
  return {
    ...(action ? { action } : {}),
    merged: outer.merged || inner.merged,
    ...(insiders.size > 0 ? { insiders } : {}),
  };
}

/**
 * The guards under which a job runs: its own `if:` and those of the jobs it needs (a skipped job
 * skips the jobs that need it, unless they ask for `always()`, `failure()` or `cancelled()`), and,
 * when given, a step's `if:`.
 */
export function jobGuards(workflow: Workflow, job: Job | undefined, step?: Step): EventGuards {
  const own = job ? jobChain(workflow, job, new Set()) : { merged: false };
  if (!step) return own;
  return both(own, conditionGuards(conditionTree(step.if)));
}

function jobChain(workflow: Workflow, job: Job, seen: Set<string>): EventGuards {
  if (seen.has(job.id)) return { merged: false };
  seen.add(job.id);
  let guards = conditionGuards(conditionTree(job.if));
  if (runsPastFailures(job.if)) return guards;
  const needs = job.needs?.value;
  for (const id of Array.isArray(needs) ? needs : typeof needs === 'string' ? [needs] : []) {
    const upstream = workflow.jobs.find((j) => j.id === id);
    if (!upstream) continue;
    guards = both(jobChain(workflow, upstream, seen), guards);
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
 * Per event outsiders can cause, the `author_association` of the account that acts there: the
 * commenter, the author of the issue, discussion or pull request (who pushes to it). On a comment,
 * the issue's association is someone else's: an outsider can comment on a maintainer's issue.
 */
const ACTOR_ASSOCIATION: Readonly<Record<string, string>> = {
  issue_comment: 'github.event.comment.author_association',
  discussion_comment: 'github.event.comment.author_association',
  issues: 'github.event.issue.author_association',
  discussion: 'github.event.discussion.author_association',
  pull_request_target: 'github.event.pull_request.author_association',
};

/**
 * Whether a condition holds on `event` only for an owner, member or collaborator: it requires their
 * association, or a comparison of `github.event_name` that cannot hold on this event stands in for
 * the rest of its branch (`github.event_name == 'workflow_dispatch' || <association check>`).
 */
function requiresInsider(node: ExprNode, event: string): boolean {
  const association = ACTOR_ASSOCIATION[event];
  return requiredBy(
    node,
    true,
    (leaf, holds) => (holds && trustedAssociation(leaf) === association) || rulesOutEvent(leaf, holds, event),
  );
}

/**
 * Whether a leaf of a condition, holding (`holds`) or failing, rules out `event`: a test of
 * `github.event_name` that fails on it (`== 'push'` on a pull request, `contains(github.event_name,
 * 'pull_request')` on a push: {@link eventNameTest}), or a test that needs a context this event
 * leaves unset (see {@link needsUnsetContext}).
 */
function rulesOutEvent(leaf: ExprNode, holds: boolean, event: string): boolean {
  return needsUnsetContext(leaf, holds, event) || eventNameTest(leaf, event.toLowerCase()) === !holds;
}

/** Functions that are false when their first argument is empty and their second a non-empty string. */
const SUBSTRING_TESTS = new Set(['contains', 'startswith', 'endswith']);

/**
 * Contexts every run has a non-empty value of, whatever its event (lower case): the repository, its
 * owner, the commit, the actor, the workflow and the run. Not `github.ref`, which an event without a
 * branch or tag leaves empty.
 */
const ALWAYS_SET = new Set([
  'github.repository',
  'github.repository_id',
  'github.repository_owner',
  'github.repository_owner_id',
  'github.sha',
  'github.actor',
  'github.actor_id',
  'github.triggering_actor',
  'github.event_name',
  'github.workflow',
  'github.run_id',
  'github.run_number',
  'github.server_url',
  'github.api_url',
]);

/**
 * Whether a leaf, holding (`holds`) or failing, needs a value of a context that `event` leaves empty
 * (`github.base_ref` is set on pull requests only, see {@link contextEvents}): the bare context as
 * true, its equality (`==`, or `!=` failing) with a non-empty string or with a context every run
 * sets ({@link ALWAYS_SET}: `github.event.pull_request.head.repo.full_name == github.repository`,
 * a pull request from a branch of this repository, cannot hold on a push), or `contains`,
 * `startsWith` or `endsWith` of it with one (`github.base_ref == 'main'` cannot hold on a push). A
 * reusable workflow (`workflow_call`) runs in its caller's context, where any may be set: never
 * ruled out so.
 */
function needsUnsetContext(leaf: ExprNode, holds: boolean, event: string): boolean {
  if (event === 'workflow_call') return false;
  const unset = (n: ExprNode | undefined) => {
    if (n?.kind !== 'ref' || n.computed.length > 0) return false;
    const events = contextEvents(n.path.join('.'));
    return events !== undefined && !events.includes(event);
  };
  const text = (n: ExprNode | undefined) =>
    (n?.kind === 'literal' && typeof n.value === 'string' && n.value !== '') ||
    (n?.kind === 'ref' && n.computed.length === 0 && ALWAYS_SET.has(n.path.join('.').toLowerCase()));
  if (leaf.kind === 'ref') return holds && unset(leaf);
  if (leaf.kind === 'compare' && (leaf.op === '==' || leaf.op === '!=') && (leaf.op === '==') === holds)
    return (unset(leaf.left) && text(leaf.right)) || (unset(leaf.right) && text(leaf.left));
  if (leaf.kind === 'call' && holds && SUBSTRING_TESTS.has(leaf.name.toLowerCase()))
    return unset(leaf.args[0]) && text(leaf.args[1]);
  return false;
}

/**
 * The events of a workflow on which a job's own `if:` can hold: a comparison of `github.event_name`
 * it requires rules out the others (`github.event_name == 'pull_request' && ...` runs on pull
 * requests only). The jobs it needs are not read: they could only narrow it further.
 */
export function jobEvents(workflow: Workflow, job: Job): string[] {
  const tree = conditionTree(job.if);
  if (!tree) return [...new Set(workflow.on?.events.map((t) => t.event) ?? [])];
  return conditionEvents(workflow, tree);
}

/**
 * The events of a workflow on which a condition can hold: those no comparison of `github.event_name`
 * it requires rules out (`github.event_name == 'pull_request'` holds on pull requests only).
 */
export function conditionEvents(workflow: Workflow, tree: ExprNode): string[] {
  const events = workflow.on?.events.map((t) => t.event) ?? [];
  return [...new Set(events)].filter(
    (event) => !requiredBy(tree, true, (leaf, holds) => rulesOutEvent(leaf, holds, event)),
  );
}

/**
 * The events of a workflow on which a step (or, without one, a job) can run: its job's (see
 * {@link jobEvents}) that the step's own `if:` does not rule out. Undefined when the event is not
 * known from the workflow's triggers: a reusable workflow (`workflow_call`) runs on its caller's
 * event, whatever its name.
 */
export function runEvents(workflow: Workflow, job: Job, step?: Step): string[] | undefined {
  const triggers = workflow.on?.events.map((t) => t.event.toLowerCase()) ?? [];
  if (triggers.length === 0 || triggers.includes('workflow_call')) return undefined;
  const events = jobEvents(workflow, job);
  const tree = step ? conditionTree(step.if) : undefined;
  if (!tree) return events;
  return events.filter(
    (event) => !requiredBy(tree, true, (leaf, holds) => rulesOutEvent(leaf, holds, event)),
  );
}

/**
 * The events whose payload sets a context (lower-case path prefixes; a context not listed may be set
 * on any event). `github.event.pull_request` is also the pull request of a review and of a review
 * comment; `github.head_ref` only of a pull request's own events.
 */
const CONTEXT_EVENTS: [string, readonly string[]][] = [
  ['github.head_ref', ['pull_request', 'pull_request_target']],
  ['github.base_ref', ['pull_request', 'pull_request_target']],
  [
    'github.event.pull_request.',
    ['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment'],
  ],
  ['github.event.issue.', ['issues', 'issue_comment']],
  [
    'github.event.comment.',
    ['issue_comment', 'pull_request_review_comment', 'commit_comment', 'discussion_comment'],
  ],
  ['github.event.review.', ['pull_request_review']],
  ['github.event.discussion.', ['discussion', 'discussion_comment']],
  ['github.event.head_commit.', ['push']],
  ['github.event.commits.', ['push']],
  ['github.event.workflow_run.', ['workflow_run']],
  ['github.event.merge_group.', ['merge_group']],
  ['github.event.check_suite.', ['check_suite']],
  ['github.event.check_run.', ['check_run']],
  ['github.event.pages.', ['gollum']],
  ['github.event.client_payload.', ['repository_dispatch']],
];

/**
 * The events on which a context (as written, `github.event.pull_request.title`) has a value; undefined
 * when it may have one on any.
 */
export function contextEvents(context: string): readonly string[] | undefined {
  const text = context
    .trim()
    .toLowerCase()
    .replace(/\[\s*['"]([\w-]+)['"]\s*\]/g, '.$1');
  for (const [prefix, events] of CONTEXT_EVENTS) {
    if (prefix.endsWith('.') ? text.startsWith(prefix) : text === prefix || text.startsWith(`${prefix}.`))
      return events;
  }
  return undefined;
}
