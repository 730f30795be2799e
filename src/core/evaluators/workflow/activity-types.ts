import type { Workflow } from '../../parsers/workflow.js';
import type { NodeSpan } from '../../workspace/yaml.js';

/**
 * The activity types each event accepts in `on.<event>.types`, as GitHub's reference of the events
 * that trigger workflows lists them. GitHub matches the listed names against the event's action and
 * does not refuse a name it does not know: a misspelt type, a type of another event (`created` under
 * `issues`), an event's name (`pull_request_review` under `pull_request_target`) or a conclusion
 * (`success` under `workflow_run`) simply never matches, so the workflow silently does not run when
 * its author meant it to. `check_suite` runs on `completed` only (the webhook's other actions do not
 * start workflows). Events missing here (`repository_dispatch`, whose types the sender chooses, and
 * events without types) are not judged.
 */
const PULL_REQUEST =
  'assigned unassigned labeled unlabeled opened edited closed reopened synchronize converted_to_draft ' +
  'locked unlocked enqueued dequeued milestoned demilestoned ready_for_review review_requested ' +
  'review_request_removed auto_merge_enabled auto_merge_disabled';
const TYPES: Readonly<Record<string, ReadonlySet<string>>> = Object.fromEntries(
  Object.entries({
    branch_protection_rule: 'created edited deleted',
    check_run: 'created rerequested completed requested_action',
    check_suite: 'completed',
    discussion:
      'created edited deleted transferred pinned unpinned labeled unlabeled locked unlocked category_changed answered unanswered',
    discussion_comment: 'created edited deleted',
    issue_comment: 'created edited deleted',
    issues:
      'opened edited deleted transferred pinned unpinned closed reopened assigned unassigned labeled unlabeled locked unlocked milestoned demilestoned typed untyped',
    label: 'created edited deleted',
    merge_group: 'checks_requested',
    milestone: 'created closed opened edited deleted',
    project: 'created closed reopened edited deleted',
    project_card: 'created moved converted edited deleted',
    project_column: 'created updated moved deleted',
    pull_request: PULL_REQUEST,
    pull_request_target: PULL_REQUEST,
    pull_request_review: 'submitted edited dismissed',
    pull_request_review_comment: 'created edited deleted',
    registry_package: 'published updated',
    release: 'published unpublished created edited deleted prereleased released',
    watch: 'started',
    workflow_run: 'completed requested in_progress',
  }).map(([event, types]) => [event, new Set(types.split(' '))]),
);

/** An entry of `types:` that the event never has. */
export interface UnknownActivityType {
  event: string;
  type: string;
  span: NodeSpan;
  message: string;
}

/** The entries of `on.<event>.types` (list or single name) that are not activity types of the event. */
export function unknownActivityTypes(workflow: Workflow): UnknownActivityType[] {
  const out: UnknownActivityType[] = [];
  for (const trigger of workflow.on?.events ?? []) {
    const known = TYPES[trigger.event];
    const config = trigger.config;
    if (!known || !config?.value || typeof config.value !== 'object' || Array.isArray(config.value)) continue;
    const types = (config.value as Record<string, unknown>).types;
    const pointer = `${config.pointer}/types`;
    const entries = Array.isArray(types)
      ? types.map((t, i) => [t, `${pointer}/${i}`] as const)
      : [[types, pointer] as const];
    for (const [type, at] of entries) {
      if (typeof type !== 'string' || known.has(type)) continue;
      const span = workflow.document.span(at) ?? trigger.span;
      out.push({ event: trigger.event, type, span, message: messageFor(trigger.event, type, known) });
    }
  }
  return out;
}

function messageFor(event: string, type: string, known: ReadonlySet<string>): string {
  const hint = Object.hasOwn(TYPES, type)
    ? ` "${type}" is an event of its own: list it under "on:" instead.`
    : event === 'workflow_run' && /^(?:success|failure|cancelled|skipped|timed_out|neutral)$/.test(type)
      ? ` A run's result is not a type: keep "completed" and test github.event.workflow_run.conclusion in "if:".`
      : '';
  return (
    `"${type}" is not an activity type of "${event}", so it never matches and GitHub never starts the workflow for it ` +
    `(it does not warn).${hint} The types of "${event}" are ${[...known].join(', ')}.`
  );
}
