import { FixBatches } from '../../fix/yaml-fix.js';
import { locationFromSpan } from '../../location.js';
import {
  type Job,
  type Permissions,
  WORKFLOW_GLOBS,
  type Workflow,
  type WorkflowSource,
  walkWorkflows,
  workflowSources,
} from '../../parsers/workflow.js';
import type { RawFinding, Severity } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import { outsiderEvents, workflowsByName } from './activity.js';
import { calledWorkflow, eventsHere, linkedWorkflows } from './callers.js';
import { jobEvents } from './event-guards.js';
import { lowerScopeFix, missingPermissionsFix, shorthandFix, workflowWriteFix } from './fix-permissions.js';
import { fixedPrograms } from './fixed-commands.js';
import { jobNeeds } from './scopes.js';
import { actionPathOf, eventsOf, PR_EVENTS } from './shared.js';
import { inertJob, tokenWithheld, tokenWriter, type Withheld } from './token-use.js';
import { type UnusedWrite, unusedWrite } from './unused-token.js';

/**
 * Least privilege for the `GITHUB_TOKEN`:
 * - no top-level `permissions:` while some job declares none either: those jobs get the repository's
 *   default token permissions, which may be read/write on every scope. One finding per workflow on the
 *   `jobs:` key (where the top-level block belongs), graded by trigger: high on events outsiders cause
 *   with a writable token (`pull_request_target`, `workflow_run`, issues and comments, ...) on an
 *   activity type of theirs (not `issues: types: [labeled]`, a triager's act: activity.ts) that can
 *   run one of those jobs (not a job that runs only on merged pull requests, after a maintainer's
 *   merge: event-guards.ts), medium there when those jobs treat the event's data as data only
 *   ({@link eventAsData}),
 *   low when every trigger is a pull request event (a fork's run gets a read-only token), medium
 *   otherwise; low on any trigger when those jobs run nothing that could use the token: they only
 *   check out, print, test, fetch and compare text, or build an image from a context without `.git`
 *   (token-use.ts), or when no step is handed the token: every step that takes one is given a secret
 *   of its own instead, and none can read the job's from disk (token-use.ts, tokenWithheld); low
 *   too when no outsider's event runs them and they run only GitHub's own actions that run no code
 *   of the repository (actions/stale: {@link GITHUB_FIXED_ACTIONS}).
 *   Workflows run only by `workflow_call` are exempt: they can never hold more than their caller grants.
 *   A job that calls a reusable workflow of this repository whose jobs all get a block (their own or
 *   the called workflow's) counts as declaring one: the called jobs can only narrow the caller's token.
 * - `write-all` (high) and `read-all` (medium), at job level, or at workflow level unless every job
 *   declares its own (then the top-level block reaches nothing); low when no job it reaches runs
 *   anything that could use the token, or hands the token to any step; `read-all` also when the jobs'
 *   steps take no token at all and only maintainers' events run them ({@link readOnly});
 * - a workflow-level write scope that two or more jobs inherit while some of them are not seen to use
 *   it (scopes.ts; granted per job it would reach fewer jobs), or that the only inheriting job cannot
 *   use;
 * - a job-level write scope the job cannot use: every step a script that never uses the token or an
 *   action known to only read (token-use.ts), on any trigger; or that no step uses, though the job
 *   may run anything: no step is handed the job's token, each one acting on GitHub being given a
 *   token of its own (unused-token.ts; low confidence when such an action is not known). So too a
 *   write scope a call grants to a reusable workflow of this repository whose jobs do not use it,
 *   and a workflow-level one its jobs do not use that way.
 * Write scopes are graded low too when every trigger is a pull request event: a fork's run gets them
 * as read scopes. Not `security-events` (reading it shows code scanning alerts before they are fixed),
 * nor `write-all` and `read-all`, which give a fork's run read access to every scope.
 */
export const workflowPermissions = defineEvaluator<Record<string, never>>({
  kind: 'workflow.permissions',
  scope: 'file',
  // The workflows a workflow_run trigger names tell whether outsiders can cause a run; the reusable
  // workflows a job calls, whether it runs anything with the default token; the ignore files of an
  // image build, whether its context holds the token a checkout left in .git.
  readsOtherFiles: [...WORKFLOW_GLOBS, '**/.dockerignore', '**/*.dockerignore'],
  affectedBy: linkedWorkflows,
  fix: 'writes permissions: blocks with the scopes the jobs use (known actions, gh and API calls, git pushes, OIDC); stands down when a step may need a write scope it cannot tell',
  summary:
    'Workflows that leave GITHUB_TOKEN permissions at the repository default (graded by trigger), grant write-all or read-all, or grant write scopes to jobs that do not use them.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    const fixes = new FixBatches(workspace);
    const upstream = workflowsByName(workspace);
    walkWorkflows(workflowSources(workspace), {
      // Permissions are judged for the workflow as a whole, jobs that never run included.
      everyStep: true,
      workflow(workflow) {
        const inheriting = workflow.jobs.filter((j) => !j.permissions);
        if (inheriting.length > 0) {
          const top = shorthand(
            workflow.path,
            workflow.permissions,
            'the workflow (every job without its own)',
            '',
            inertNote(
              workspace,
              workflow,
              inheriting,
              readOnly(workflow, workflow.permissions, inheriting, upstream),
            ),
          );
          if (top) {
            shorthandFix(fixes, top, workflow, workflow.permissions!.shorthand!, undefined, inheriting);
            findings.push(top);
          }
          findings.push(...workflowWrites(workspace, fixes, workflow, inheriting));
        }
        // A call of a workflow of this repository whose jobs all declare permissions runs nothing
        // with the default token; the fix still weighs it, since a top-level block would reach it.
        const bare = inheriting.filter((j) => !declaredThroughCall(workspace, j));
        const missing = missingPermissions(workspace, workflow, bare, upstream);
        if (missing) {
          missingPermissionsFix(fixes, missing, workflow, inheriting);
          findings.push(missing);
        }
      },
      job(job, workflow) {
        const own = shorthand(
          workflow.path,
          job.permissions,
          `job "${job.id}"`,
          job.id,
          inertNote(workspace, workflow, [job], readOnly(workflow, job.permissions, [job], upstream)),
        );
        if (own) {
          shorthandFix(fixes, own, workflow, job.permissions!.shorthand!, job, []);
          findings.push(own);
        }
        findings.push(...jobWrites(workspace, fixes, workflow, job));
      },
    });
    fixes.finish();
    return findings;
  },
});

/**
 * `write-all` (high) or `read-all` (medium); low, with `inert` said, when no job it reaches runs
 * anything that could use the token ({@link inertNote}).
 */
function shorthand(
  path: string,
  permissions: Permissions | undefined,
  scope: string,
  jobId: string,
  inert: string | undefined,
): RawFinding | undefined {
  const value = permissions?.shorthand?.value.trim();
  if (value !== 'write-all' && value !== 'read-all') return undefined;
  const write = value === 'write-all';
  return {
    message:
      (write
        ? `"permissions: write-all" gives the GITHUB_TOKEN of ${scope} write access to every scope; ` +
          'list only the scopes it needs (for example "contents: read").'
        : `"permissions: read-all" gives the GITHUB_TOKEN of ${scope} read access to every scope, security ` +
          'events, deployments and packages included; list only the scopes it needs (for example "contents: read").') +
      (inert ?? ''),
    location: locationFromSpan(path, permissions!.shorthand!.span),
    key: `${value}:${jobId}`,
    severity: inert ? 'low' : write ? 'high' : 'medium',
  };
}

/** Workflow-level write scopes reaching jobs that do not need them. */
function workflowWrites(
  workspace: Workspace,
  fixes: FixBatches,
  workflow: Workflow,
  inheriting: Job[],
): RawFinding[] {
  const scopes = (workflow.permissions?.scopes ?? []).filter((s) => isWrite(s.level.value));
  if (scopes.length === 0) return [];
  const names = inheriting.map((j) => `"${j.id}"`).join(', ');
  // A job uses `id-token: write` by asking for an OIDC token (a cloud login, npm provenance), not
  // through the token's other scopes: what it needs says so (scopes.ts).
  const needs = (j: Job, scope: string) =>
    tokenWriter(j, workflow) !== undefined ||
    (scope.toLowerCase() === 'id-token' && jobNeeds(j, workflow).scopes.get('id-token') === 'write');
  const whyFor = (scope: string): { why: string; guess?: true } | undefined => {
    if (inheriting.length > 1) {
      // Granted on each job instead, the scope would go to the jobs that use it: when that is every
      // inheriting job, the top-level grant gives no job more than it would get anyway.
      const users = inheriting.filter((j) => seenToUse(j, workflow, scope));
      if (users.length === inheriting.length) return undefined;
      // Name the jobs that surely do not need it: the others may (a comment, a push), or may not.
      const readers = inheriting.filter((j) => !needs(j, scope));
      const which =
        readers.length === inheriting.length
          ? 'none of whose steps can use the token for more than reading'
          : readers.length > 0
            ? `including ${readers.map((j) => `"${j.id}"`).join(', ')}, whose steps cannot use the token for more than reading`
            : 'whether it needs it or not';
      const why = `is inherited by every job without permissions of its own (${names}), ${which}`;
      // The jobs not seen to use it all may, through a use not read here: an over-grant is a guess.
      const unsure = inheriting
        .filter((j) => !users.includes(j))
        .map((j) => [j, unsureWrite(j, workflow)] as const);
      // A job seen to leave it unused (every step given a token of its own) is no guess.
      if (unsure.every(([j, u]) => u !== undefined && !seenUnused(workspace, j, workflow, scope)))
        return {
          why: `${why}; ${unsure.map(([j, u]) => `"${j.id}" may use it (${u})`).join(', ')}`,
          guess: true,
        };
      return { why };
    }
    if (!needs(inheriting[0]!, scope))
      return {
        why: `is inherited by job ${names}, none of whose steps can use the token for more than reading`,
      };
    const unused = unusedWrite(workspace, inheriting[0]!, workflow, scope);
    if (!unused) return undefined;
    return {
      why: `is inherited by job ${names}, none of whose steps uses it: ${unused.how}${unused.unsure ? ` (it may be used after all: ${unused.unsure})` : ''}`,
      ...(unused.unsure ? { guess: true as const } : {}),
    };
  };
  return scopes.flatMap(({ scope, level }) => {
    const reason = whyFor(scope);
    if (!reason) return [];
    const grade =
      pullRequestGrade(workspace, workflow, scope) ??
      pullRequestJobs(workflow, inheriting, scope) ??
      githubActionsJobs(workflow, inheriting, scope);
    const found: RawFinding = {
      message:
        `"${scope}: write" at the top of the workflow ${reason.why}.${grade?.note ?? ''} Set "permissions: {}" (or read scopes) at the top ` +
        'and grant the write scope on the job that needs it.',
      location: locationFromSpan(workflow.path, level.span),
      key: `workflow-write:${scope}`,
      ...(grade ? { severity: grade.severity } : {}),
      ...(reason.guess ? { confidence: 'low' as const } : {}),
    };
    workflowWriteFix(fixes, found, workflow, scope, level, inheriting);
    return found;
  });
}

/**
 * Whether a job's steps are seen to write with a scope (scopes.ts). The issue endpoints that comment
 * on or label a pull request take `issues` or `pull-requests` alike, so a write with one counts for
 * the other.
 */
function seenToUse(job: Job, workflow: Workflow, scope: string): boolean {
  const needs = jobNeeds(job, workflow);
  const name = scope.toLowerCase();
  const alike = name === 'issues' || name === 'pull-requests' ? ['issues', 'pull-requests'] : [name];
  return alike.some((s) => needs.scopes.get(s) === 'write');
}

/** Whether a job is seen to leave a write scope unused, with no doubt (unused-token.ts). */
function seenUnused(workspace: Workspace, job: Job, workflow: Workflow, scope: string): boolean {
  const unused = unusedWrite(workspace, job, workflow, scope);
  return unused !== undefined && unused.unsure === undefined;
}

/** Why a job may write with its token in a way not read here (an unknown action, an API call), if it may. */
function unsureWrite(job: Job, workflow: Workflow): string | undefined {
  return jobNeeds(job, workflow).unsure.find((u) => u.level === 'write')?.why;
}

/**
 * The grade of a workflow that runs on pull requests only (not `pull_request_target`): a fork's run
 * gets a read-only token whatever the workflow asks for, so the write access it grants (or leaves to
 * the default) reaches only the runs of branches of this repository, whose authors can push already.
 * A granted `security-events: write` still lets a fork's run read code scanning alerts. A reusable
 * workflow (`workflow_call`) is judged by the events that run it here, its callers' in this repository
 * (callers.ts): one that callers elsewhere run gets their token, not this repository's.
 */
function pullRequestGrade(
  workspace: Workspace,
  workflow: Workflow,
  scope?: string,
): { severity: Severity; note: string } | undefined {
  if (scope?.toLowerCase() === 'security-events') return undefined;
  const own = eventsOf(workflow);
  const events = own.has('workflow_call') ? eventsHere(workspace, workflow) : [...own];
  const prOnly = events.length > 0 && events.every((e) => PR_EVENTS.has(e) && e !== 'pull_request_target');
  return prOnly
    ? {
        severity: 'low',
        note: ' It runs on pull requests only, where a fork gets a read-only token, but branches of this repository do not.',
      }
    : undefined;
}

/**
 * The grade of a workflow-level write scope whose inheriting jobs that are not seen to use it all
 * run, by their own `if:`, on pull requests only (not `pull_request_target`): there, as on a workflow
 * of pull requests only ({@link pullRequestGrade}), a fork's run gets it as a read scope. Not
 * `security-events`.
 */
function pullRequestJobs(
  workflow: Workflow,
  inheriting: readonly Job[],
  scope: string,
): { severity: Severity; note: string } | undefined {
  if (scope.toLowerCase() === 'security-events') return undefined;
  const idle = inheriting.filter((j) => !seenToUse(j, workflow, scope));
  const prOnly = (j: Job) => {
    const events = jobEvents(workflow, j);
    return events.length > 0 && events.every((e) => PR_EVENTS.has(e) && e !== 'pull_request_target');
  };
  if (idle.length === 0 || !idle.every(prOnly)) return undefined;
  const names = idle.map((j) => `"${j.id}"`).join(', ');
  return {
    severity: 'low',
    note: ` ${idle.length > 1 ? 'Jobs' : 'Job'} ${names} ${idle.length > 1 ? 'run' : 'runs'} on pull requests only (${idle.length > 1 ? 'their' : 'its'} "if:"), where a fork gets a read-only token, but branches of this repository do not.`,
  };
}

/**
 * GitHub's own actions that run no code of the repository or the workflow (no script input, no
 * package manager): what they do with the token is GitHub's, who runs the runner that holds it.
 */
const GITHUB_FIXED_ACTIONS = new Set([
  'actions/stale',
  'actions/labeler',
  'actions/first-interaction',
  'actions/add-to-project',
  'actions/checkout',
  'actions/cache',
  'actions/cache/restore',
  'actions/cache/save',
  'actions/upload-artifact',
  'actions/download-artifact',
  'actions/upload-pages-artifact',
  'actions/configure-pages',
  'actions/deploy-pages',
  'actions/dependency-review-action',
]);

/**
 * The grade of a workflow-level write scope whose inheriting jobs that are not seen to use it run
 * only GitHub's own actions of {@link GITHUB_FIXED_ACTIONS}: no `run:`, no other action, no container
 * or service, no reusable workflow. Nothing there but GitHub's code holds the extra scope; a step
 * added later would.
 */
function githubActionsJobs(
  workflow: Workflow,
  inheriting: readonly Job[],
  scope: string,
): { severity: Severity; note: string } | undefined {
  const idle = inheriting.filter((j) => !seenToUse(j, workflow, scope));
  if (idle.length === 0 || !idle.every(githubFixedJob)) return undefined;
  return { severity: 'low', note: githubFixedNote(idle, 'the extra scope') };
}

/**
 * A job that runs only GitHub's own actions of {@link GITHUB_FIXED_ACTIONS}: no `run:`, no other
 * action, no container or service, no reusable workflow.
 */
function githubFixedJob(j: Job): boolean {
  return (
    !j.uses &&
    !j.container &&
    j.services.length === 0 &&
    j.steps.length > 0 &&
    j.steps.every((s) => !s.run && GITHUB_FIXED_ACTIONS.has(actionPathOf(s.uses) ?? ''))
  );
}

/** Programs a script over an outsider's event data may run besides the fixed ones: GitHub's CLI. */
const DATA_PROGRAMS: ReadonlySet<string> = new Set(['gh']);

/**
 * Expressions a `run:` script or a github-script `script:` of such a job may hold: values of the run
 * and the repository no outsider writes (`github.repository`, `github.run_id`, `github.sha`).
 */
const FIXED_EXPRESSION =
  /^\$\{\{\s*github\.(?:repository|repository_owner|repository_id|run_id|run_number|run_attempt|server_url|api_url|sha|workflow|job)\s*\}\}$/;

/**
 * Whether a job over an outsider's event handles its data as data only: no container, service or
 * reusable workflow, no checkout, and every step either one of GitHub's own actions (`actions/*`,
 * `github/*`) whose `script:` (actions/github-script) holds no expression but {@link FIXED_EXPRESSION},
 * or a `run:` in the default shell of fixed commands and `gh` ({@link fixedPrograms}) with no
 * expression but those: the event's text reaches the steps only through `env:` variables.
 */
function eventAsData(job: Job): boolean {
  if (job.uses || job.container || job.services.length > 0 || job.steps.length === 0) return false;
  const fixedText = (text: string) =>
    [...text.matchAll(/\$\{\{[^}]*\}\}/g)].every((m) => FIXED_EXPRESSION.test(m[0]));
  return job.steps.every((step) => {
    if (step.run) {
      const shell = typeof step.shell?.value === 'string' ? step.shell.value.trim() : undefined;
      if (shell !== undefined && !/^(?:bash|sh)$/.test(shell)) return false;
      return (
        !step.uses && fixedText(step.run.value) && fixedPrograms(step.run.value, DATA_PROGRAMS) !== undefined
      );
    }
    const path = actionPathOf(step.uses) ?? '';
    if (!/^(?:actions|github)\//.test(path) || path === 'actions/checkout') return false;
    const script = step.with?.entries.get('script')?.value;
    return script === undefined || (typeof script === 'string' && fixedText(script));
  });
}

/** The note of a finding graded low because `jobs` run only GitHub's own fixed actions. */
function githubFixedNote(jobs: readonly Job[], what: string): string {
  const names = jobs.map((j) => `"${j.id}"`).join(', ');
  const actions = [...new Set(jobs.flatMap((j) => j.steps.map((s) => actionPathOf(s.uses)!)))].join(', ');
  return ` ${jobs.length > 1 ? 'Jobs' : 'Job'} ${names} ${jobs.length > 1 ? 'run' : 'runs'} only GitHub's own ${actions}, which run${actions.includes(',') ? '' : 's'} no code of this repository, so nothing but GitHub's code holds ${what} there today; a step added later would.`;
}

/**
 * Job-level write scopes of a job whose steps only read, or that no step uses: the job's token is
 * handed to no step that could write with it, every step that acts on GitHub being given a token of
 * its own (unused-token.ts); for a call of a reusable workflow of this repository, the scopes it
 * grants that no called job uses.
 */
function jobWrites(workspace: Workspace, fixes: FixBatches, workflow: Workflow, job: Job): RawFinding[] {
  const scopes = (job.permissions?.scopes ?? []).filter((s) => isWrite(s.level.value));
  if (scopes.length === 0) return [];
  const writer = tokenWriter(job, workflow);
  return scopes.flatMap(({ scope, level }) => {
    const unused = !writer
      ? undefined
      : job.uses
        ? calledUnused(workspace, job, scope)
        : unusedWrite(workspace, job, workflow, scope);
    if (writer && !unused) return [];
    const grade = pullRequestGrade(workspace, workflow, scope);
    const why = !unused
      ? 'none of its steps can use the token for more than reading (only scripts without token use and read-only actions)'
      : `${job.uses ? 'no job of the workflow it calls uses it' : 'none of its steps uses it'}: ${unused.how}`;
    const found: RawFinding = {
      message:
        `"${scope}: write" is granted to job "${job.id}", but ${why}.${grade?.note ?? ''} ` +
        `Grant "${scope}: read" (or remove the scope) so a compromised step cannot write.` +
        (unused?.unsure ? ` It may be used after all: ${unused.unsure}.` : ''),
      location: locationFromSpan(workflow.path, level.span),
      key: `unneeded-write:${job.id}:${scope}`,
      ...(grade ? { severity: grade.severity } : {}),
      ...(unused?.unsure ? { confidence: 'low' as const } : {}),
    };
    lowerScopeFix(fixes, found, workflow, scope, level);
    return found;
  });
}

/**
 * Whether no job of the reusable workflow of this repository that `job` calls uses the write `scope`
 * the call grants: each called job that gets it (no block of its own or of its workflow that leaves
 * it out) only reads or is seen not to use it (unused-token.ts), through nested calls; undefined when
 * one may use it, or the workflow is not found.
 */
function calledUnused(
  workspace: Workspace,
  job: Job,
  scope: string,
  callers: readonly string[] = [],
): UnusedWrite | undefined {
  const called = calledWorkflow(workspace, job);
  if (!called || callers.includes(called.path)) return undefined;
  const within = [...callers, called.path];
  const hows: string[] = [];
  const unsure: string[] = [];
  for (const j of called.jobs) {
    const block = j.permissions ?? called.permissions;
    if (block && !grantsWrite(block, scope)) continue;
    const found = j.uses
      ? calledUnused(workspace, j, scope, within)
      : tokenWriter(j, called)
        ? unusedWrite(workspace, j, called, scope)
        : { how: 'its steps only read' };
    if (!found) return undefined;
    hows.push(`in ${called.path}, job "${j.id}": ${found.how}`);
    if (found.unsure) unsure.push(found.unsure);
  }
  return {
    how: hows.length > 0 ? hows.join('; ') : `no job of ${called.path} gets it`,
    ...(unsure.length > 0 ? { unsure: unsure.join('; ') } : {}),
  };
}

/** Whether a block grants `scope` write (`write-all`, or the scope itself). */
function grantsWrite(block: Permissions, scope: string): boolean {
  if (block.shorthand) return block.shorthand.value.trim() === 'write-all';
  return block.scopes.some((s) => s.scope.toLowerCase() === scope.toLowerCase() && isWrite(s.level.value));
}

function isWrite(value: unknown): boolean {
  return typeof value === 'string' && value.trim() === 'write';
}

/**
 * Whether a job without permissions of its own calls a reusable workflow of this repository in which
 * every job gets a block: its own, or the called workflow's top-level one (followed through nested
 * calls). GitHub lets a called workflow only narrow the token its caller passes, never widen it (a
 * called job that asks for more than the caller grants fails to start), and a called job with a block
 * gets no scope beyond it; the caller's default token is never handed to a step. A reusable workflow of
 * another repository is not seen here, so its caller counts as declaring none.
 */
function declaredThroughCall(workspace: Workspace, job: Job, callers: readonly string[] = []): boolean {
  const called = calledWorkflow(workspace, job);
  // A call back into a workflow on the way here: GitHub rejects the loop.
  if (!called || callers.includes(called.path)) return false;
  if (called.permissions) return true;
  const within = [...callers, called.path];
  return called.jobs.every((j) => j.permissions !== undefined || declaredThroughCall(workspace, j, within));
}

/**
 * What the steps of `jobs` do when none of them can use the token, or none is handed it
 * (token-use.ts), said as a note of a finding graded low; undefined when some job can.
 */
function inertNote(
  workspace: Workspace,
  workflow: Workflow,
  jobs: readonly Job[],
  readOnly = false,
): string | undefined {
  if (jobs.length === 0) return undefined;
  const found = jobs.map((j) => inertJob(j, workflow, workspace));
  if (found.some((f) => f === undefined)) return withheldNote(workspace, workflow, jobs, readOnly);
  const checkout = found.some((f) => f!.checkout);
  const does = [
    ...(checkout ? ['check out the repository with actions/checkout'] : []),
    ...(found.some((f) => f!.commands)
      ? [
          'run shell commands that print, test, or fetch and edit text, and no other program (echo, test, curl, sed, ...)',
        ]
      : []),
    ...(found.some((f) => f!.image)
      ? ['build a container image from a context that leaves out .git, where the checkout keeps the token']
      : []),
  ];
  return ` ${jobs.length > 1 ? 'Their' : 'Its'} steps only ${does.join(' and ')}, and are given no token or secret, so nothing there can use it${checkout ? " but the checkout's fetch" : ''} today; a step added later would.`;
}

/**
 * Whether `permissions` are the `read-all` shorthand (a token that reads every scope and writes none)
 * on jobs that run only maintainers' code: no pull request or merge queue event, no event outsiders
 * cause that can run them. A program of those jobs that read the token from the runner's memory
 * could only read, and none is proposed by someone else: jobs whose steps take no token at all then
 * hand it to nothing ({@link withheldNote}). A pull request's code could lift it and read what is
 * not public (open code scanning alerts).
 */
function readOnly(
  workflow: Workflow,
  permissions: Permissions | undefined,
  jobs: readonly Job[],
  upstream: () => readonly WorkflowSource[],
): boolean {
  if (permissions?.shorthand?.value.trim() !== 'read-all') return false;
  if ([...eventsOf(workflow)].some((e) => PR_EVENTS.has(e) || e === 'merge_group')) return false;
  return outsiderEvents(workflow, jobs, undefined, upstream).length === 0;
}

/**
 * Jobs whose steps that take a token are all given a secret of their own instead, and that leave
 * the job's token with no other step (token-use.ts), said as a note; undefined when some job does not.
 * For a token that can only read (`read-all`), jobs none of whose steps take a token count too.
 */
function withheldNote(
  workspace: Workspace,
  workflow: Workflow,
  jobs: readonly Job[],
  readOnly = false,
): string | undefined {
  // An inert job beside withheld ones hands the token to nothing either.
  const found = jobs.map(
    (j) => inertJob(j, workflow, workspace) ?? tokenWithheld(workspace, j, workflow, { readOnly }),
  );
  if (found.some((f) => f === undefined)) return undefined;
  const withheld = found.filter((f): f is Withheld => f !== undefined && 'replaced' in f);
  const names = (pick: (w: Withheld) => string[]) => [...new Set(withheld.flatMap(pick))];
  const replaced = names((w) => w.replaced).join(', ');
  const readers = names((w) => w.readers);
  const many = names((w) => w.replaced).length > 1;
  const instead =
    replaced === ''
      ? ": no other step takes a token, no checkout leaves it on disk, and no pull request or outsider's event runs the job, so its read access reaches no code of theirs today"
      : `: ${replaced} ${many ? 'are' : 'is'} given a secret of ${many ? 'their' : 'its'} own as a token instead, so the default permissions reach nothing that could write with them today`;
  return (
    ` No step of ${jobs.length > 1 ? 'these jobs' : 'the job'} is handed its token` +
    (readers.length > 0
      ? ` but GitHub's own ${readers.join(', ')}, which only ${readers.length > 1 ? 'download' : 'downloads'} a toolchain with it`
      : '') +
    instead +
    (withheld.some((w) => w.runs)
      ? ", though a program the job runs could still read the token from the runner's memory (hosted runners give steps sudo)"
      : '') +
    '; a step added later would get them.'
  );
}

function missingPermissions(
  workspace: Workspace,
  workflow: Workflow,
  bare: Job[],
  upstream: () => readonly WorkflowSource[],
): RawFinding | undefined {
  if (workflow.permissions || bare.length === 0) return undefined;
  const events = [...eventsOf(workflow)];
  if (events.length > 0 && events.every((e) => e === 'workflow_call')) return undefined;
  const outsiders = outsiderEvents(workflow, bare, undefined, upstream);
  // Jobs that only print or test (placeholders for a required check), check out or fetch and compare
  // text run nothing that could use the token, on any trigger: the block is missing, but only a step
  // added later would get the default.
  // Jobs that run only GitHub's own actions that run no code of the repository (actions/stale),
  // where no outsider's event reaches them: nothing but GitHub's code holds the default scopes.
  const inert =
    inertNote(workspace, workflow, bare) ??
    (outsiders.length === 0 && bare.every(githubFixedJob)
      ? githubFixedNote(bare, 'the default scopes')
      : undefined);
  // Outsiders' events where their input reaches no code that could use the token: medium.
  const dataOnly = !inert && outsiders.length > 0 && bare.every(eventAsData);
  const severity: Severity = inert
    ? 'low'
    : outsiders.length > 0 && !dataOnly
      ? 'high'
      : (pullRequestGrade(workspace, workflow)?.severity ?? 'medium');
  const names = bare.map((job) => `"${job.id}"`).join(', ');
  const which =
    bare.length === workflow.jobs.length
      ? 'no job declares any'
      : `job${bare.length > 1 ? 's' : ''} ${names} declare${bare.length > 1 ? '' : 's'} none`;
  const grade =
    inert ??
    (severity === 'high'
      ? ` It runs on ${outsiders.join(', ')}, which outsiders can cause, so a writable token is exposed to their input.`
      : dataOnly
        ? ` It runs on ${outsiders.join(', ')}, which outsiders can cause, but ${bare.length > 1 ? 'its jobs run' : 'the job runs'} only GitHub's own actions with fixed scripts and shell commands that run no code of the repository or of another party (gh, echo, jq, ...), the event's data reaching them only through variables, so their input reaches no code that could use the token today; a step added later would.`
        : (pullRequestGrade(workspace, workflow)?.note ?? ''));
  return {
    message:
      `No top-level "permissions:" and ${which}, so ${bare.length > 1 ? 'they run' : 'it runs'} with the ` +
      `repository's default GITHUB_TOKEN permissions, which can include write access to every scope.${grade} ` +
      'Add "permissions: { contents: read }" above "jobs:" and grant more per job where needed.',
    location: locationFromSpan(workflow.path, workflow.jobsNode.span, true),
    key: 'missing-permissions',
    severity,
    // The default may be read-only (the repository or organisation setting, which the
    // github-workflow-token rule reads through the API); the workflow cannot tell.
    confidence: 'medium',
  };
}
