import {
  type Job,
  type Step,
  type Trigger,
  WORKFLOW_GLOBS,
  type Workflow,
  type WorkflowSource,
  workflowSources,
} from '../../parsers/workflow.js';
import type { Workspace } from '../../workspace/workspace.js';
import { type EventGuards, jobGuards } from './event-guards.js';
import { eventsOf, OUTSIDER_EVENTS, PR_EVENTS } from './shared.js';

/**
 * Activity types: `on: <event>: types: [...]` narrows an event to some of its actions, and who can
 * cause a run then depends on them. What GitHub documents for the events outsiders may cause, and who
 * can perform each action (an outsider here: someone with read access only, who can open issues and
 * pull requests, comment, fork and star):
 *
 * - `issues` (every type when `types` is absent): `opened`, `edited`, `closed` and `reopened` are
 *   done by the author on their own issue. `labeled`, `unlabeled`, `assigned`, `milestoned`,
 *   `demilestoned`, `typed` and `untyped` need triage access, `locked`, `unlocked`, `pinned`,
 *   `unpinned` and `transferred` write access, `deleted` admin access. `unassigned` is left to
 *   outsiders: an assignee need not be a collaborator.
 * - `pull_request_target` (`opened`, `synchronize` and `reopened` when `types` is absent): the
 *   author opens, pushes to (`synchronize`), edits, closes, reopens and drafts (`converted_to_draft`,
 *   `ready_for_review`) their own pull request; a push of theirs takes it out of the merge queue
 *   (`dequeued`) and turns auto-merge off (`auto_merge_disabled`); opening it requests the reviews
 *   that CODEOWNERS names (`review_requested`). `labeled`, `unlabeled`, `assigned`, `milestoned`,
 *   `demilestoned`, `locked`, `unlocked`, `auto_merge_enabled` and `enqueued` are maintainers' acts;
 *   `unassigned` and `review_request_removed` are left to outsiders, as for issues.
 * - `discussion` (every type when absent): the author creates, edits, deletes, recategorises and
 *   answers their own; `labeled`, `unlabeled`, `locked`, `unlocked`, `pinned`, `unpinned` and
 *   `transferred` need triage or write access.
 * - `issue_comment`, `discussion_comment` (`created`, `edited`, `deleted`), `watch` (`started`),
 *   `fork` (no types) and `workflow_run` (it follows the triggering run, whoever caused that): every
 *   type is an outsider's.
 *
 * An issue template (or a discussion category form) can attach labels, assignees and an issue type
 * to what an outsider opens with it, which GitHub reports as `labeled`, `assigned` and `typed` events
 * as well, with the outsider's title and body in the payload. That is not read here: the rules that
 * grade by these types judge one workflow file at a time (scope `file`), and the templates are other
 * files. What it costs is bounded: only the grade of `workflow-permissions`' missing block (medium
 * instead of high) and a reason of `workflow-checkout-persisted-credentials` use it; template
 * injection grades by what the expanded value can hold, whatever the activity type. A type not listed
 * here (one GitHub adds later, or a typo) counts as an outsider's.
 */
const MAINTAINER_TYPES: Readonly<Record<string, ReadonlySet<string>>> = {
  issues: new Set([
    'labeled',
    'unlabeled',
    'assigned',
    'milestoned',
    'demilestoned',
    'typed',
    'untyped',
    'locked',
    'unlocked',
    'pinned',
    'unpinned',
    'transferred',
    'deleted',
  ]),
  pull_request_target: new Set([
    'labeled',
    'unlabeled',
    'assigned',
    'milestoned',
    'demilestoned',
    'locked',
    'unlocked',
    'auto_merge_enabled',
    'enqueued',
  ]),
  discussion: new Set(['labeled', 'unlabeled', 'locked', 'unlocked', 'pinned', 'unpinned', 'transferred']),
};

/** The types an event runs on when `types` is absent, for the events where that is not every type. */
const DEFAULT_TYPES: Readonly<Record<string, readonly string[]>> = {
  pull_request: ['opened', 'synchronize', 'reopened'],
  pull_request_target: ['opened', 'synchronize', 'reopened'],
};

/** The activity types a trigger lists in `types:` (a list or one name); undefined when it lists none. */
export function activityTypes(trigger: Trigger): string[] | undefined {
  const config = trigger.config?.value;
  if (!config || typeof config !== 'object' || Array.isArray(config)) return undefined;
  const types = (config as Record<string, unknown>).types;
  const list = (Array.isArray(types) ? types : [types]).filter((t): t is string => typeof t === 'string');
  // `types: []` or a value GitHub would refuse: the event's defaults, the reading that hides nothing.
  return list.length > 0 ? list.map((t) => t.trim()) : undefined;
}

/**
 * The types a trigger runs on: its `types:`, or GitHub's defaults for the event; undefined for every
 * type (or an event without types).
 */
export function effectiveTypes(trigger: Trigger): readonly string[] | undefined {
  return activityTypes(trigger) ?? DEFAULT_TYPES[trigger.event];
}

/**
 * Whether someone without triage or write access can cause a run through this trigger: one of the
 * events outsiders cause with a writable token (OUTSIDER_EVENTS), on an activity type of theirs.
 * With the guards of a job's `if:` (event-guards.ts): a check of `github.event.action` leaves the one
 * type it names (of the events whose types are graded here), and a run only on merged pull requests
 * leaves `pull_request_target` alone (no other outsider event has `github.event.pull_request`), on the
 * types an outsider can still cause once a maintainer has merged (not the merge, `closed`, nor what
 * cannot happen to a merged pull request: opening, pushes, reopening, drafts). A check that whoever
 * acts on the event is an owner, member or collaborator (their `author_association`) leaves none.
 */
export function outsiderCaused(trigger: Trigger, guards?: EventGuards): boolean {
  if (!OUTSIDER_EVENTS.has(trigger.event)) return false;
  if (guards?.insiders?.has(trigger.event)) return false;
  if (guards?.merged && trigger.event !== 'pull_request_target') return false;
  const maintainers = MAINTAINER_TYPES[trigger.event];
  let types = effectiveTypes(trigger);
  if (guards?.action && maintainers) {
    if (types && !types.includes(guards.action)) return false;
    types = [guards.action];
  }
  if (guards?.merged && types) types = types.filter((t) => !AFTER_MERGE.has(t));
  if (types?.length === 0) return false;
  return !maintainers || !types || types.some((t) => !maintainers.has(t));
}

/** `pull_request_target` types that are not an outsider's act on a merged pull request. */
const AFTER_MERGE = new Set([
  'opened',
  'synchronize',
  'reopened',
  'closed',
  'converted_to_draft',
  'ready_for_review',
  'dequeued',
  'auto_merge_disabled',
]);

/**
 * The events of a workflow that outsiders can cause with a writable token, each once, in `on:` order;
 * with `jobs`, those that can run one of these jobs (and, with `step`, that step of the one job), by
 * the guards of their conditions.
 */
export function outsiderEvents(
  workflow: Workflow,
  jobs?: readonly Job[],
  step?: Step,
  sources?: () => readonly WorkflowSource[],
): string[] {
  const scopes = jobs?.map((job) => jobGuards(workflow, job, step));
  const events = (workflow.on?.events ?? [])
    .filter((t) => (scopes ? scopes.some((g) => outsiderCaused(t, g)) : outsiderCaused(t)))
    .filter((t) => t.event !== 'workflow_run' || !sources || followsUntrustedRuns(workflow, sources))
    .map((t) => t.event);
  return [...new Set(events)];
}

/**
 * The repository's workflows, for the names a `workflow_run` trigger follows; read when first asked
 * (by {@link followsUntrustedRuns}, for a workflow with such a trigger).
 */
export function workflowsByName(workspace: Workspace): () => readonly WorkflowSource[] {
  let all: WorkflowSource[] | undefined;
  return () => (all ??= workflowSources(workspace, workspace.glob(WORKFLOW_GLOBS)));
}

/**
 * Whether a `workflow_run` workflow can follow a run that outsiders caused: true unless every
 * workflow it names (`workflow_run: workflows:`) is found among `sources` and none of them runs on a
 * pull request event or another event outsiders cause (a run of maintainers' pushes, schedules and
 * dispatches hands on nothing of theirs). Without names, or with one not found here, it may.
 */
export function followsUntrustedRuns(workflow: Workflow, sources: () => readonly WorkflowSource[]): boolean {
  const config = workflow.on?.events.find((e) => e.event === 'workflow_run')?.config?.value as
    | { workflows?: unknown }
    | null
    | undefined;
  const names = Array.isArray(config?.workflows) ? config.workflows.filter((n) => typeof n === 'string') : [];
  if (names.length === 0) return true;
  return names.some((name) => {
    const upstream = sources().find(
      (s): s is Workflow =>
        s.kind === 'workflow' &&
        (s.name?.value === name || (s.name === undefined && s.path.replace(/^.*\//, '') === name)),
    );
    return !upstream || [...eventsOf(upstream)].some((e) => PR_EVENTS.has(e) || OUTSIDER_EVENTS.has(e));
  });
}

/**
 * Pull request activity that happens once per pull request, or so seldom that no run of it is
 * superseded by the next: opening, closing (merging), reopening. Every other type (a push, an edit,
 * a label, a review request, ...) can follow another within minutes.
 */
const ONCE_PER_PULL_REQUEST = new Set(['opened', 'reopened', 'closed']);

/**
 * Whether a pull request trigger can start a run of a pull request while an earlier run of the same
 * pull request may still be going: one of its types (its defaults included) can repeat. An event
 * without types, or a trigger listing a type not known here, can.
 */
export function repeatsPerPullRequest(trigger: Trigger): boolean {
  const types = effectiveTypes(trigger);
  return !types || types.some((t) => !ONCE_PER_PULL_REQUEST.has(t));
}
