import { locationFromSpan } from '../../location.js';
import { findExpressions } from '../../parsers/expression.js';
import { parseUses } from '../../parsers/uses.js';
import type { Job, Located, Step, Workflow, WorkflowSource } from '../../parsers/workflow.js';
import { workflowExpressions } from '../../parsers/workflow-expressions.js';
import type { Location } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { escapePointerToken, type NodeSpan } from '../../workspace/yaml.js';
import { unknownActivityTypes } from './activity-types.js';

/**
 * What GitHub refuses in a workflow or an action, found on the model: GitHub validates a workflow
 * file before it runs anything, so one of these means the workflow never runs (and nothing it does
 * counts as evidence). Written from GitHub's workflow syntax reference; keys and events GitHub added
 * after that reading would be reported too, which is why those two checks are less sure.
 */
export interface SyntaxProblem {
  message: string;
  location: Location;
  /** Identifies the problem independently of its line. */
  key: string;
  /** False for checks that depend on GitHub's list of keys and events, which can grow. */
  sure: boolean;
}

const EVENTS = new Set(
  (
    'branch_protection_rule check_run check_suite create delete deployment deployment_status discussion ' +
    'discussion_comment fork gollum image_version issue_comment issues label merge_group milestone ' +
    'page_build project project_card project_column public pull_request pull_request_review ' +
    'pull_request_review_comment pull_request_target push registry_package release repository_dispatch ' +
    'schedule status watch workflow_call workflow_dispatch workflow_run'
  ).split(' '),
);
const WORKFLOW_KEYS = new Set([
  'name',
  'run-name',
  'on',
  'permissions',
  'env',
  'defaults',
  'concurrency',
  'jobs',
]);
const JOB_KEYS = new Set(
  (
    'name permissions needs if runs-on snapshot environment concurrency outputs env defaults steps ' +
    'timeout-minutes strategy continue-on-error container services uses with secrets'
  ).split(' '),
);
const STEP_KEYS = new Set(
  (
    'id if name uses run shell with env continue-on-error timeout-minutes working-directory background ' +
    'parallel wait wait-all cancel'
  ).split(' '),
);
const SCOPES = new Set(
  (
    'actions artifact-metadata attestations checks code-quality contents deployments discussions id-token ' +
    'issues models packages pages pull-requests repository-projects security-events statuses'
  ).split(' '),
);
const ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const OPEN = '$' + '{{';

/** Every problem of one file, in document order of the checks (computed once per file). */
export function syntaxProblems(workspace: Workspace, source: WorkflowSource): SyntaxProblem[] {
  return workspace.memo('workflow-syntax', source.path, () => collect(workspace, source));
}

/** Whether GitHub refuses the file outright (a sure problem). */
export function rejectedByGitHub(workspace: Workspace, source: WorkflowSource): boolean {
  return syntaxProblems(workspace, source).some((p) => p.sure);
}

function collect(workspace: Workspace, source: WorkflowSource): SyntaxProblem[] {
  const out: SyntaxProblem[] = [];
  const add = (span: NodeSpan, key: string, message: string, sure = true) =>
    out.push({ message, location: locationFromSpan(source.path, span), key, sure });
  const keyOf = (node: Located): NodeSpan => ({ ...node.span, start: node.span.key ?? node.span.start });
  walkStrings(source, source.document.value, [], add, 0);
  if (source.kind === 'workflow') checkWorkflow(source, add, keyOf);
  else
    for (const step of source.steps) {
      checkStep(source, step, '', add, keyOf);
      if (source.using?.value === 'composite' && step.run && !step.shell)
        add(
          keyOf(step.run),
          `shell/${step.index}`,
          `Step ${step.index + 1} of this composite action runs a script without "shell:", which composite actions require; add "shell: bash" (or the shell it is written for).`,
          false,
        );
    }
  for (const e of workflowExpressions(workspace, source)) {
    if (!e.parsed.ok)
      out.push({
        message: `"${e.raw}" is not a valid expression (${e.parsed.error}); GitHub refuses the file. Fix the expression.`,
        location: e.location,
        key: `expression/${e.raw}`,
        sure: true,
      });
  }
  return out;
}

type Add = (span: NodeSpan, key: string, message: string, sure?: boolean) => void;
type KeyOf = (node: Located) => NodeSpan;

function checkWorkflow(workflow: Workflow, add: Add, keyOf: KeyOf): void {
  const root = workflow.document.value as Record<string, unknown>;
  const rootSpan = workflow.document.span('') ?? workflow.jobsNode.span;
  if (!workflow.on)
    add(
      rootSpan,
      'on',
      'The workflow has no "on:" (the events that run it), so GitHub refuses it. Add one, e.g. "on: pull_request".',
    );
  for (const e of workflow.on?.events ?? []) {
    if (!EVENTS.has(e.event))
      add(
        e.span,
        `event/${e.event}`,
        `"${e.event}" is not an event GitHub knows, so it refuses the workflow; check its spelling (events use underscores: "pull_request").`,
        false,
      );
  }
  for (const t of unknownActivityTypes(workflow)) add(t.span, `types/${t.event}/${t.type}`, t.message, false);
  unknownKeys(workflow, root, '', WORKFLOW_KEYS, 'the workflow', add, keyOf);
  const ids = new Set(workflow.jobs.map((j) => j.id));
  if (workflow.permissions) checkPermissions(workflow.permissions, 'workflow', add);
  for (const job of workflow.jobs) checkJob(workflow, job, ids, add, keyOf);
}

function checkJob(workflow: Workflow, job: Job, ids: Set<string>, add: Add, keyOf: KeyOf): void {
  const where = `Job "${job.id}"`;
  const jobKey = { ...job.span, start: job.span.key ?? job.span.start };
  if (!ID.test(job.id))
    add(
      jobKey,
      `job-id/${job.id}`,
      `${where} has an id GitHub refuses: it must start with a letter or "_" and hold only letters, digits, "-" and "_".`,
    );
  unknownKeys(workflow, job.value, job.pointer, JOB_KEYS, where, add, keyOf);
  const hasSteps = Object.hasOwn(job.value, 'steps');
  if (job.uses && hasSteps)
    add(
      keyOf(job.uses),
      `uses-steps/${job.id}`,
      `${where} has both "uses:" (a reusable workflow) and "steps:"; GitHub refuses it. Keep one.`,
    );
  if (!job.uses && !hasSteps)
    add(
      jobKey,
      `no-steps/${job.id}`,
      `${where} has neither "steps:" nor "uses:", so GitHub refuses the workflow. Add its steps.`,
    );
  if (!job.uses && hasSteps && !job.runsOn)
    add(
      jobKey,
      `runs-on/${job.id}`,
      `${where} has no "runs-on:", so GitHub refuses the workflow. Name the runner, e.g. "runs-on: ubuntu-latest".`,
    );
  if (job.uses && parseUses(job.uses.value).kind === 'invalid')
    add(
      job.uses.span,
      `uses/${job.id}`,
      `${where} calls "${job.uses.value}", which is not a reusable workflow reference ("owner/repo/.github/workflows/file.yml@ref" or "./.github/workflows/file.yml").`,
    );
  if (!job.uses && job.secrets)
    add(
      keyOf(job.secrets),
      `secrets/${job.id}`,
      `${where} has "secrets:" but calls no reusable workflow; GitHub refuses it. Use "env:" to give steps a secret.`,
    );
  const needs = job.needs;
  const list = Array.isArray(needs?.value)
    ? needs.value
    : typeof needs?.value === 'string'
      ? [needs.value]
      : [];
  list.forEach((name, i) => {
    if (typeof name !== 'string' || (ids.has(name) && name !== job.id)) return;
    const span =
      (Array.isArray(needs!.value) && workflow.document.span(`${needs!.pointer}/${i}`)) || needs!.span;
    add(
      span,
      `needs/${job.id}/${name}`,
      name === job.id
        ? `${where} needs itself; GitHub refuses the workflow.`
        : `${where} needs "${name}", which is not a job of this workflow; GitHub refuses it. Name an existing job.`,
    );
  });
  if (job.permissions) checkPermissions(job.permissions, `job "${job.id}"`, add);
  const stepIds = new Map<string, number>();
  for (const step of job.steps) {
    checkStep(workflow, step, job.id, add, keyOf);
    const id = typeof step.id?.value === 'string' ? step.id.value : undefined;
    if (id === undefined) continue;
    if (stepIds.has(id.toLowerCase()))
      add(
        step.id!.span,
        `step-id/${job.id}/${id}`,
        `Step id "${id}" is used twice in ${where.toLowerCase()}; GitHub refuses the workflow. Give each step its own id.`,
      );
    stepIds.set(id.toLowerCase(), step.index);
  }
}

function checkStep(source: WorkflowSource, step: Step, jobId: string, add: Add, keyOf: KeyOf): void {
  const where = `Step ${step.index + 1}${jobId ? ` of job "${jobId}"` : ''}`;
  const value = step.value;
  const kinds = ['uses', 'run', 'wait', 'wait-all', 'cancel'].filter((k) => Object.hasOwn(value, k));
  if (step.uses && step.run)
    add(
      keyOf(step.run),
      `uses-run/${jobId}/${step.index}`,
      `${where} has both "uses:" and "run:"; GitHub refuses the workflow. Split it into two steps.`,
    );
  else if (kinds.length === 0)
    add(
      { ...step.span },
      `empty/${jobId}/${step.index}`,
      `${where} has neither "uses:" nor "run:", so GitHub refuses the workflow.`,
    );
  if (step.uses && parseUses(step.uses.value).kind === 'invalid')
    add(
      step.uses.span,
      `uses/${jobId}/${step.index}`,
      `${where} uses "${step.uses.value}", which is not an action reference ("owner/repo@ref", "./path" or "docker://image").`,
    );
  if (typeof step.id?.value === 'string' && !ID.test(step.id.value))
    add(
      step.id.span,
      `id/${jobId}/${step.index}`,
      `${where} has the id "${step.id.value}", which GitHub refuses: it must start with a letter or "_" and hold only letters, digits, "-" and "_".`,
    );
  for (const k of Object.keys(value)) {
    if (STEP_KEYS.has(k) || k === '<<') continue;
    const span = source.document.span(`${step.pointer}/${escapePointerToken(k)}`) ?? step.span;
    add(
      { ...span, start: span.key ?? span.start },
      `key/${jobId}/${step.index}/${k}`,
      `${where} has the key "${k}", which GitHub does not know, so it refuses the workflow; check its spelling.`,
      false,
    );
  }
}

function unknownKeys(
  workflow: Workflow,
  value: unknown,
  pointer: string,
  known: Set<string>,
  where: string,
  add: Add,
  keyOf: KeyOf,
): void {
  if (!value || typeof value !== 'object') return;
  for (const k of Object.keys(value)) {
    if (known.has(k) || k === '<<') continue;
    const p = `${pointer}/${escapePointerToken(k)}`;
    const span = workflow.document.span(p) ?? workflow.document.nearestSpan(p);
    if (span)
      add(
        keyOf({ value: null, pointer: p, span }),
        `key${p}`,
        `${where} has the key "${k}", which GitHub does not know, so it refuses the workflow; check its spelling.`,
        false,
      );
  }
}

function checkPermissions(perms: Workflow['permissions'] & object, where: string, add: Add): void {
  const short = perms.shorthand;
  if (short && !['read-all', 'write-all'].includes(short.value.trim()))
    add(
      short.span,
      `permissions/${where}`,
      `"permissions: ${short.value}" (${where}) is not valid: use "read-all", "write-all", "{}" or a map of scopes.`,
    );
  for (const { scope, level } of perms.scopes) {
    const v = typeof level.value === 'string' ? level.value.trim() : level.value;
    if (!SCOPES.has(scope))
      add(
        { ...level.span, start: level.span.key ?? level.span.start },
        `scope/${where}/${scope}`,
        `"${scope}" (${where}) is not a permission scope GitHub knows, so it refuses the workflow; check its spelling.`,
        false,
      );
    else if (!['read', 'write', 'none'].includes(String(v)))
      add(
        level.span,
        `level/${where}/${scope}`,
        `"${scope}: ${String(v)}" (${where}) is not valid: a scope is "read", "write" or "none".`,
      );
  }
}

/**
 * YAML merge keys (`<<: *defaults`), which GitHub's reader does not support, and strings with a `${{`
 * that is never closed, which GitHub refuses as a broken expression.
 */
function walkStrings(source: WorkflowSource, value: unknown, path: string[], add: Add, depth: number): void {
  // Pointers are built only for what is reported: this walk visits every value of the file.
  const at = () => path.map((t) => `/${escapePointerToken(t)}`).join('');
  if (typeof value === 'string') {
    if (!value.includes(OPEN)) return;
    // A "${{" inside a string literal of a closed expression (`hashFiles('${{ runner.temp }}/x')`) is
    // text GitHub accepts, so only an opening left outside every closed expression is unclosed.
    let outside = '';
    let from = 0;
    for (const e of findExpressions(value)) {
      outside += `${value.slice(from, e.start)} `;
      from = e.end;
    }
    outside += value.slice(from);
    const pointer = at();
    if (outside.includes(OPEN) && !source.document.origin(pointer)) {
      const span = source.document.span(pointer);
      if (span)
        add(
          span,
          `unclosed${pointer}`,
          `This value opens an expression with "${OPEN}" that is never closed with "}}"; GitHub refuses the file. Close it.`,
        );
    }
    return;
  }
  if (depth > 32 || !value || typeof value !== 'object') return;
  const isArray = Array.isArray(value);
  for (const k of Object.keys(value)) {
    path.push(k);
    if (k === '<<' && !isArray) {
      const p = at();
      const span = source.document.span(p);
      if (span && !source.document.origin(p))
        add(
          { ...span, start: span.key ?? span.start },
          `merge${p}`,
          'GitHub does not support YAML merge keys ("<<"), so it refuses the file; repeat the keys, or use an alias for the whole value.',
        );
    } else walkStrings(source, (value as Record<string, unknown>)[k], path, add, depth + 1);
    path.pop();
  }
}
