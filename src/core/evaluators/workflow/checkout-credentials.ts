import { FixBatches } from '../../fix/yaml-fix.js';
import { locationFromSpan } from '../../location.js';
import { parseUses } from '../../parsers/uses.js';
import type {
  Job,
  Located,
  LocatedMap,
  Permissions,
  Step,
  Workflow,
  WorkflowSource,
} from '../../parsers/workflow.js';
import { ACTION_GLOBS, WORKFLOW_GLOBS, walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding, Severity } from '../../types.js';
import { pathMatcher } from '../../workspace/glob.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import { outsiderEvents, workflowsByName } from './activity.js';
import { everyWorkflow, linkedWorkflows } from './callers.js';
import { commandsOf, programName, type Word } from './commands.js';
import { classifyContext } from './contexts.js';
import { jobEvents } from './event-guards.js';
import {
  laterCredentialUser,
  laterOpaqueRun,
  laterPusher,
  persistCredentialsFix,
  persistsSshKey,
  pushes,
} from './fix-checkout.js';
import { fixedPrograms } from './fixed-commands.js';
import { FOLLOWED_FILES, followedAnyName, followedChange } from './pr-evidence-follow.js';
import { givenJobToken, jobNeeds } from './scopes.js';
import {
  actionOf,
  actionPathOf,
  actionVersion,
  aliasNote,
  eventsOf,
  input,
  isFalse,
  isTrue,
  JOB_TOKEN_VALUE,
  PR_EVENTS,
  refOf,
  stepLabel,
  stepsAfter,
  writesOnly,
} from './shared.js';

/**
 * `actions/checkout` keeps the job's token on disk unless `persist-credentials: false` (before v6 in
 * `.git/config` of the checkout, from v6 in a file under `$RUNNER_TEMP` that `.git/config` includes),
 * where every later step — every dependency install script, test and action — can read it. Each such
 * checkout is reported at its `uses:`, graded by what can reach the token:
 * - high: the same job uploads the checkout directory with its hidden files (upload-artifact before
 *   v4.4, or `include-hidden-files: true`) and the token sits in `.git/config` (checkout before v6):
 *   the token is in the artifact, downloadable by anyone who can see the run;
 * - medium: the token can write (the job's permissions grant a write scope or `write-all`), the
 *   checkout persists another credential (`token:`, an SSH key in `ssh-key:`), the workflow runs on an event outsiders cause
 *   with a writable token (`pull_request_target`, issues, comments, a `workflow_run` that can follow
 *   their runs, ...) on an activity type of theirs that can run the step (activity.ts: not a job that
 *   runs only on merged pull requests), where their input is handled, or a later step of the same
 *   job uploads the checkout directory and whether it keeps hidden files cannot be decided from the
 *   workflow (the upload-artifact version is unknown, or `include-hidden-files` is an expression);
 * - low otherwise: the token is still readable by every later step. An upload in another job runs on
 *   another runner and cannot hold this job's token; an upload of build outputs (`dist/`, a report)
 *   or of the workspace without hidden files does not hold `.git`. Write scopes and outsiders' events
 *   leave the grade low when every later step is given the job's token anyway (scopes.ts), and so
 *   does a credential given in `token:` when every later step is given that credential too; a step
 *   that can make no use of the copy (GitHub's artifact and cache actions, a fixed `git config`, a
 *   run of fixed commands that run no code of the repository or of another party) is not counted. A
 *   job on pull requests only whose token only reads is reported at low confidence. Such a copy reaches no step that lacks it: the finding, at any grade the job would
 *   otherwise get, is low and of low confidence, unless an upload may carry the copy off.
 * Write scopes do not raise the grade of a job that runs on pull requests only (its workflow's
 * triggers, or its own `if:`; not `pull_request_target`), where a fork's run gets them as read scopes;
 * not `write-all` nor `security-events` ({@link pullRequestsOnly}).
 * A job of a reusable workflow without permissions of its own gets what the jobs of this repository
 * that call it grant. A checkout whose token has no scope, given no other credential, is not
 * reported; nor is the last step of a job, after which no step runs to read what it keeps.
 * An explicit `persist-credentials: true` that a later step is seen to use (a push, a fetch) is a
 * deliberate choice and is reported, at that value, only when the token ends up in an artifact or the
 * job is privileged; so is a checkout without it that a later step of the job pushes with (`git push`,
 * `mkdocs gh-deploy`, a pushing, cherry-pick or backport action, a repository script, Makefile target
 * or package.json script of the step that does so; after `ssh-key:`,
 * create-pull-request, which pushes over SSH with the persisted key: fix-checkout.ts), where "set
 * persist-credentials: false" would break the job. An explicit `true` that no later step is seen to
 * use keeps the token for nothing the job shows: it is graded like a checkout without the setting, at
 * its value. A later repository script or task runner's target may be what it is for (what it does
 * with git is not visible here): the value is then taken as deliberate.
 */
export const workflowCheckoutCredentials = defineEvaluator<Record<string, never>>({
  kind: 'workflow.checkout-credentials',
  scope: 'file',
  // A local composite action or a repository script that a later step runs may push with the
  // persisted credentials; the workflows a workflow_run trigger names tell whether outsiders can
  // cause a run.
  readsOtherFiles: [...ACTION_GLOBS, ...WORKFLOW_GLOBS, ...FOLLOWED_FILES],
  readsAlso: followedAnyName,
  // A script a step may run changes any workflow's judgement; a workflow or action, its linked ones.
  affectedBy(changed, head, base) {
    const byName = pathMatcher(FOLLOWED_FILES);
    const scripts: string[] = [];
    const rest: string[] = [];
    for (const f of changed) (byName(f) || followedAnyName(f, [head, base]) ? scripts : rest).push(f);
    if (followedChange(scripts, head, base)) return everyWorkflow(changed, head, base);
    return rest.length > 0 ? linkedWorkflows(rest, head, base) : [];
  },
  fix: 'adds persist-credentials: false to the checkout, unless a later step of the job pushes or fetches with git',
  summary:
    'actions/checkout keeping the token on disk (no persist-credentials: false), graded by uploads, write scopes and privileged triggers.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    const fixes = new FixBatches(workspace);
    const upstream = workflowsByName(workspace);
    walkWorkflows(workflowSources(workspace), {
      step(step, source, job) {
        if (actionOf(step.uses) !== 'actions/checkout' || isFalse(input(step, 'persist-credentials'))) return;
        const found = finding(workspace, fixes, source, job, step, upstream);
        if (found) findings.push(found);
      },
    });
    fixes.finish();
    return findings;
  },
});

function finding(
  workspace: Workspace,
  fixes: FixBatches,
  source: WorkflowSource,
  job: Job | undefined,
  step: Step,
  upstream: () => readonly WorkflowSource[],
): RawFinding | undefined {
  const explicit = input(step, 'persist-credentials');
  const steps = job?.steps ?? (source.kind === 'action' ? source.steps : []);
  // The last step of a job: no step runs after it to read what it keeps. Post steps run in reverse
  // order, so its own, which removes the credentials, runs before those of the steps before it; then
  // the job ends. Not in a composite action, whose caller may run steps after it.
  const later = stepsAfter(steps, step);
  if (job && later.length === 0) return undefined;
  // A later step that pushes with the persisted token makes keeping it as deliberate as saying so.
  const found = isTrue(explicit) ? undefined : laterPusher(workspace, steps, step);
  // A push seen only inside a repository script may hang on the script's arguments (`release
  // --local` builds without pushing): the checkout is judged as if nothing pushed, as a guess.
  const scriptPusher =
    found !== undefined && laterPusher(workspace, steps, step, false) === undefined ? found : undefined;
  const pusher = scriptPusher ? undefined : found;
  // Saying so is deliberate when a later step is seen to use what the checkout keeps (a push, a
  // fetch), or may use it in a way not seen here (a repository script, a task runner's target); with
  // neither, the explicit value keeps the token for no step of the job, and the checkout is graded
  // like one that does not say.
  const unused =
    isTrue(explicit) &&
    laterCredentialUser(workspace, steps, step) === undefined &&
    !laterOpaqueRun(steps, step);
  const deliberate = (isTrue(explicit) && !unused) || pusher !== undefined;
  const dir = typeof input(step, 'path')?.value === 'string' ? String(input(step, 'path')!.value) : '.';
  const major = majorVersion(workspace, source.path, step.uses!);
  // An unknown version may keep the token in .git/config: uploads are judged as if it did.
  const inGitConfig = (major ?? 0) < 6;
  // From checkout v6 the token is outside the checkout directory: no upload of it can hold the token.
  const uploads = inGitConfig
    ? later.flatMap((s) => {
        const kept = hiddenFilesUploaded(workspace, source.path, s, dir);
        return kept ? [{ step: s, kept }] : [];
      })
    : [];
  const leaking = uploads.find((u) => u.kept === true)?.step;
  const undecided = uploads.flatMap((u) =>
    u.kept === true ? [] : [{ step: u.step, why: u.kept.undecided }],
  )[0];
  const workflow = source.kind === 'workflow' ? source : undefined;
  const token = otherCredential(step);
  // A token without scopes reads no more than anyone can: nothing worth taking is on disk.
  if (
    !token &&
    !persistsSshKey(step) &&
    workflow &&
    job &&
    scopeless(job.permissions ?? workflow.permissions)
  )
    return undefined;
  const outsiders = workflow ? outsiderEvents(workflow, job ? [job] : undefined, step, upstream) : [];
  const writable = workflow && job && !deliberate ? writes(upstream, workflow, job) : undefined;
  // A job that runs on pull requests only (its workflow's triggers, or its own `if:`): a fork's run
  // gets the write scopes as read scopes, and a branch of this repository is pushed by someone who
  // can push already. Not `write-all` nor `security-events`, whose read access shows a fork's run
  // the open code scanning alerts.
  const forkRead =
    writable &&
    writable.scopes !== 'write-all' &&
    !writable.via &&
    !writable.scopes.split(', ').some((s) => s.toLowerCase() === 'security-events') &&
    pullRequestsOnly(workflow!, job!);
  const written = forkRead ? undefined : writable;
  // A later step that is given the job's token anyway (in its env or input, or an action that uses it
  // by default) gains nothing from the copy on disk: when every later step is, and no other credential
  // is persisted with it, neither what the token can write nor outsiders' input reaching those steps
  // makes the copy worth more. So for a credential given in `token:` (a PAT, an App token) that every
  // later step is given as well, as when a checkout hands the action after it a token to push with.
  // A step that can make no use of the copy (GitHub's own artifact and cache actions, a fixed `git
  // config`) does not count against that either.
  // Each step asked as `every` reaches it: the first that lacks the credential ends the question (a
  // job of many checkouts is not read once per checkout).
  // Asked whatever the grade would be: a copy that reaches no step lacking the token widens nothing,
  // and is then reported at low confidence (below).
  const held =
    job !== undefined &&
    !persistsSshKey(step) &&
    later.length > 0 &&
    (token
      ? later.every(
          (s) =>
            idleStep(s, job, workflow) !== undefined || givenCredential(s, token, job.env, workflow?.env),
        )
      : later.every(
          (s) =>
            idleStep(s, job, workflow) !== undefined ||
            givenJobToken(workspace, source.path, s, job.env, workflow?.env),
        ));
  const idle = held
    ? later.flatMap((s) => {
        const why = idleStep(s, job, workflow);
        return why ? [{ step: s, why }] : [];
      })
    : [];
  const privileged = held ? [] : outsiders;
  // A job that runs on pull requests only, whose token's permissions (every grant of them) say it
  // only reads, with no other credential beside it: whoever can make code run there (a fork's author,
  // a pusher of a branch of this repository) can already read all the token reads. Still reported,
  // as a guess: a dependency the job runs could read it too.
  const readOnly =
    !token &&
    !persistsSshKey(step) &&
    outsiders.length === 0 &&
    workflow !== undefined &&
    job !== undefined &&
    pullRequestsOnly(workflow, job) &&
    onlyReads(upstream, workflow, job);
  const grounds: string[] = [];
  if (outsiders.length > 0)
    grounds.push(`the workflow runs on ${outsiders.join(', ')}, where it handles outsiders' input`);
  if (written) {
    const via = written.via
      ? ` (as ${written.via} grants it)`
      : written.seen
        ? " (no permissions are set, and the job's own steps write with the token, so the repository's default grants it)"
        : '';
    grounds.push(
      written.scopes === 'write-all' || written.scopes.split(', ').some((w) => w.toLowerCase() === 'contents')
        ? `the token can write to the repository${via}`
        : `the token can write (${written.scopes})${via}`,
    );
  }
  const reasons = held ? [] : grounds;
  if (!deliberate) {
    if (token && !held) reasons.push('it persists the credential given in "token:", not the job token');
    if (persistsSshKey(step)) reasons.push('it persists the SSH key given in "ssh-key:" too');
    if (undecided)
      reasons.push(
        `step "${stepLabel(undecided.step)}" uploads the checkout directory, and whether the artifact keeps hidden files (.git/config with the token) cannot be decided: ${undecided.why}`,
      );
  }
  if (deliberate && !leaking && privileged.length === 0) return undefined;
  const severity: Severity = leaking ? 'high' : reasons.length > 0 ? 'medium' : 'low';
  const where =
    major === undefined
      ? '.git/config (or, from checkout v6, a credentials file that .git/config includes)'
      : inGitConfig
        ? '.git/config'
        : 'a credentials file that .git/config includes';
  const who = `${job ? `in job "${job.id}"` : 'in this action'}${aliasNote(step.uses)}`;
  const head = pusher
    ? persistsSshKey(step)
      ? `actions/checkout ${who} leaves the SSH key given in "ssh-key:" (and the job's token in ${where}) for step "${stepLabel(pusher)}", which pushes with it`
      : `actions/checkout ${who} leaves the job's token in ${where} for step "${stepLabel(pusher)}", which pushes with it`
    : deliberate
      ? `actions/checkout ${who} persists the token on purpose ("persist-credentials: true")`
      : unused
        ? `actions/checkout ${who} keeps the job's token in ${where} ("persist-credentials: true"), but no later step of the job pushes or fetches with it or runs a repository script, and every later step can read it`
        : `actions/checkout ${who} leaves the job's token in ${where} (no "persist-credentials: false"), where every later step can read it`;
  const idleNote =
    idle.length === 0
      ? ''
      : ` or has no use for it (${idle.map((i) => `step "${stepLabel(i.step)}" ${i.why}`).join('; ')})`;
  const heldNote = !held
    ? ''
    : token
      ? `; it persists the credential given in "token:", not the job token${grounds.length > 0 ? `, and ${grounds.join(' and ')}` : ''}, but every later step is given that credential anyway${idleNote}, so the copy on disk reaches none that lacks it`
      : `; ${grounds.length > 0 ? `${grounds.join(' and ')}, but ` : ''}every later step is given the job's token anyway${idleNote}, so the copy on disk reaches none that lacks it`;
  // Write scopes of a calling job on pull requests only, left out of `writable` ({@link writes}).
  const callerPr =
    !forkRead && !held && workflow && job && !deliberate
      ? pullRequestCaller(upstream, workflow, job)
      : undefined;
  const prNote = callerPr
    ? `; ${callerPr} grants write scopes, but runs on pull requests only, where a fork's run gets a read-only token and branches of this repository are pushed by those who can push already`
    : forkRead && !held
      ? `; the token can write (${writable!.scopes}), but the job runs on pull requests only${job!.if ? ' (its "if:")' : ''}, where a fork's run gets a read-only token and branches of this repository are pushed by those who can push already`
      : '';
  const readNote =
    readOnly && !held && !leaking && !undecided
      ? '; the job runs on pull requests only and its permissions grant the token no write scope, so the copy on disk reads nothing that those who can run code there cannot read already'
      : '';
  const why = leaking
    ? `, and step "${stepLabel(leaking)}" uploads the checkout directory including hidden files, so the token ends up in the artifact`
    : `${reasons.length > 0 ? `; ${reasons.join('; ')}` : ''}${prNote}${heldNote}${readNote}`;
  const fix = deliberate
    ? 'Push from a separate job that uploads nothing and runs no untrusted code, or pass the token only to the step that pushes.'
    : unused
      ? 'Set "persist-credentials: false" unless a later action pushes with git; then pass the token to that step explicitly.'
      : 'Set "persist-credentials: false" unless a later step pushes with git; then pass the token to that step explicitly.';
  const at = isTrue(explicit) ? explicit! : step.uses!;
  const guess = scriptPusher
    ? `; step "${stepLabel(scriptPusher)}" runs a repository script that pushes with git, which may need it`
    : '';
  const reported: RawFinding = {
    message: `${head}${why}${guess}. ${fix}`,
    location: locationFromSpan(source.path, at.span),
    key: `${job?.id ?? ''}/${stepLabel(step)}`,
    severity,
    // A guess unless outsiders' input reaches the job: then the token on disk matters either way.
    // When every later step holds the credential anyway (and no upload may carry it off), the copy
    // on disk widens nothing: still kept where it need not be, but no exposure to show by default.
    ...((scriptPusher && !leaking && outsiders.length === 0) || ((held || readOnly) && !leaking && !undecided)
      ? { confidence: 'low' as const }
      : {}),
  };
  if (isTrue(explicit)) reported.unfixable = 'persist-credentials: true is set on purpose';
  else persistCredentialsFix(workspace, fixes, reported, source, steps, step);
  return reported;
}

/**
 * Whether every event on which a job can run is a pull request event but `pull_request_target`: its
 * workflow's triggers, narrowed by a comparison of `github.event_name` its own `if:` requires
 * (event-guards.ts).
 */
function pullRequestsOnly(workflow: Workflow, job: Job): boolean {
  const events = jobEvents(workflow, job);
  return events.length > 0 && events.every((e) => PR_EVENTS.has(e) && e !== 'pull_request_target');
}

/** Write scopes that reach no code, check, package or release (see {@link writes}). */
const NO_CODE_SCOPES = new Set(['id-token', 'issues', 'discussions', 'repository-projects']);

/**
 * What the job's token can write, by the permissions that set it ({@link grants}): `write-all`, or
 * its write scopes, with the calling job that grants them when that is where they come from;
 * undefined when it can only read (or the permissions are the repository's default, which the files
 * cannot show). Not only `contents`: whoever reads the persisted token can publish packages
 * (`packages`), mark a commit's required checks as passed (`statuses`, `checks`), deploy (`pages`,
 * `deployments`), dismiss code scanning alerts (`security-events`) or approve a pull request
 * (`pull-requests`, where the repository lets Actions approve). Writing issues, discussions and
 * projects changes no code, check or release, so those scopes leave the grade alone; `id-token` is no
 * scope of the token (it lets the job ask for an OIDC token, which the checkout does not keep).
 */
function writes(
  sources: () => readonly WorkflowSource[],
  workflow: Workflow,
  job: Job,
): { scopes: string; via?: string; seen?: true } | undefined {
  // Every scope some run's token may hold: a reusable workflow's callers may grant different ones.
  const scopes = new Set<string>();
  let via: string | undefined;
  let byDefault = false;
  for (const grant of grants(sources, workflow, job, new Set())) {
    const perms = grant.permissions;
    if (!perms) {
      byDefault = true;
      continue;
    }
    if (perms.shorthand) {
      if (perms.shorthand.value.trim() !== 'write-all') continue;
      return { scopes: 'write-all', ...(grant.via ? { via: grant.via } : {}) };
    }
    for (const s of perms.scopes) {
      if (NO_CODE_SCOPES.has(s.scope.toLowerCase()) || scopes.has(s.scope)) continue;
      // A calling job that runs on pull requests only: a fork's run gets the scope as a read scope,
      // and a branch of this repository is pushed by someone who can push already (as for a job's
      // own grant, {@link pullRequestsOnly}); not `security-events`.
      if (grant.pullRequests && s.scope.toLowerCase() !== 'security-events') continue;
      if (typeof s.level.value !== 'string' || s.level.value.trim() !== 'write') continue;
      scopes.add(s.scope);
      via ??= grant.via;
    }
  }
  if (scopes.size > 0) return { scopes: [...scopes].join(', '), ...(via ? { via } : {}) };
  // The repository's default token, which no file shows: the job's own steps that write with it
  // (an action of known needs given the token, a `gh` command, a push) show that it can.
  if (!byDefault) return undefined;
  const seen = defaultWrites(job, workflow);
  return seen.length > 0 ? { scopes: seen.join(', '), seen: true } : undefined;
}

/**
 * The write scopes (those {@link writes} counts) that a job's own steps use the job's token for
 * (scopes.ts), once per job: with no `permissions:`, they show the repository's default token can
 * write them, or the steps would fail. Not a step that may write without needing to
 * ({@link mayWriteOnly}).
 */
function defaultWrites(job: Job, workflow: Workflow): string[] {
  let found = DEFAULT_WRITES.get(job);
  if (!found) {
    const writing = job.steps.filter((s) => !mayWriteOnly(s));
    const steps = writing.length === job.steps.length ? job : { ...job, steps: writing };
    found = [...jobNeeds(steps, workflow).scopes]
      .filter(([scope, level]) => level === 'write' && !NO_CODE_SCOPES.has(scope.toLowerCase()))
      .map(([scope]) => scope);
    DEFAULT_WRITES.set(job, found);
  }
  return found;
}
const DEFAULT_WRITES = new WeakMap<Job, string[]>();

/**
 * A step whose use of a write scope does not show the token has it: a registry login, which a
 * read-only token passes too (to pull), actions/configure-pages, which reads the site's settings
 * unless asked to enable it, GoReleaser told not to publish (`--snapshot`, `--skip=publish`,
 * `build`) or given no arguments this can read, and a `run:` that pushes nothing with git
 * (`mike deploy` without `--push`; its `gh` and REST calls are not taken as proof either).
 */
function mayWriteOnly(step: Step): boolean {
  // A run that scopes.ts takes for a push (`mike deploy`) but that pushes only when told to.
  if (step.run) return !pushes(step.run.value);
  const action = actionOf(step.uses);
  if (action === 'docker/login-action' || action === 'actions/configure-pages') return true;
  if (action !== 'goreleaser/goreleaser-action') return false;
  const args = input(step, 'args')?.value;
  return (
    typeof args !== 'string' ||
    /(?:^|\s)(?:--snapshot|--skip-publish|--skip[= ][\w,]*publish|build)(?:\s|$)/.test(args)
  );
}

/** The calling job on pull requests only (its `via`) whose grant has a write scope, if any. */
function pullRequestCaller(
  sources: () => readonly WorkflowSource[],
  workflow: Workflow,
  job: Job,
): string | undefined {
  return grants(sources, workflow, job, new Set()).find(
    (g) =>
      g.pullRequests &&
      g.permissions?.scopes.some(
        (s) =>
          !NO_CODE_SCOPES.has(s.scope.toLowerCase()) &&
          typeof s.level.value === 'string' &&
          s.level.value.trim() === 'write',
      ),
  )?.via;
}

/**
 * Whether every `permissions:` that sets the job's token ({@link grants}) is written down and grants
 * no write scope (`read-all`, or scopes at `read` or `none`; `id-token` is no scope of the token).
 * False when one of them is the repository's default, which may be read-write.
 */
function onlyReads(sources: () => readonly WorkflowSource[], workflow: Workflow, job: Job): boolean {
  return grants(sources, workflow, job, new Set()).every(({ permissions }) =>
    writesOnly(permissions, ID_TOKEN),
  );
}

/** `id-token` writes no scope of the token a checkout keeps. */
const ID_TOKEN: ReadonlySet<string> = new Set(['id-token']);

/**
 * The `permissions:` that set a job's token: its own, else its workflow's. A reusable workflow's job
 * with neither gets what each calling job grants (its own, else its workflow's, followed up through
 * calls), named in `via`; undefined stands for the repository's default, which no file shows (a run
 * of another event, a call from elsewhere is not seen).
 */
function grants(
  sources: () => readonly WorkflowSource[],
  workflow: Workflow,
  job: Job,
  seen: ReadonlySet<string>,
  via?: string,
): { permissions: Permissions | undefined; via?: string; pullRequests?: true }[] {
  const own = job.permissions ?? workflow.permissions;
  if (own)
    return [
      {
        permissions: own,
        ...(via ? { via } : {}),
        ...(via && pullRequestsOnly(workflow, job) ? { pullRequests: true as const } : {}),
      },
    ];
  const events = eventsOf(workflow);
  if (!events.has('workflow_call') || seen.has(workflow.path)) return [{ permissions: undefined }];
  const chain = new Set(seen).add(workflow.path);
  const out: { permissions: Permissions | undefined; via?: string; pullRequests?: true }[] = [];
  for (const caller of sources()) {
    if (caller.kind !== 'workflow') continue;
    for (const j of caller.jobs) {
      const ref = j.uses && parseUses(j.uses.value);
      if (ref?.kind !== 'local' || localPath(ref.path) !== workflow.path) continue;
      const name = via ?? `job "${j.id}" of ${caller.path}, which calls this workflow,`;
      out.push(...grants(sources, caller, j, chain, name));
    }
  }
  if (out.length === 0 || events.size > 1) out.push({ permissions: undefined });
  return out;
}

/** `./.github/workflows/x.yml` -> `.github/workflows/x.yml`, as the workspace lists files. */
function localPath(path: string): string {
  return path
    .split('/')
    .filter((s) => s !== '.' && s !== '')
    .join('/');
}

/**
 * A `permissions:` mapping that grants no scope (`{}`, or every scope `none`); `id-token` is no scope
 * of the token. Undefined (the default) and the shorthands are not.
 */
function scopeless(permissions: Permissions | undefined): boolean {
  if (!permissions || permissions.shorthand) return false;
  if (typeof permissions.value !== 'object' || permissions.value === null) return false;
  return permissions.scopes.every(
    (s) =>
      s.scope.toLowerCase() === 'id-token' ||
      (typeof s.level.value === 'string' && s.level.value.trim() === 'none'),
  );
}

/**
 * GitHub's own actions that move the run's artifacts and caches: they run no code of the repository
 * and talk to no git remote, and come from the same owner as the runner that holds the token. The
 * copy on disk gains them nothing. (Whether an upload puts the copy into its artifact is judged
 * apart, {@link hiddenFilesUploaded}.)
 */
const IDLE_ACTIONS = new Set([
  'actions/upload-artifact',
  'actions/download-artifact',
  'actions/upload-pages-artifact',
  'actions/cache',
  'actions/cache/restore',
  'actions/cache/save',
]);

/**
 * A `run:` of fixed `git config` commands only (`git config --global --add safe.directory
 * "$GITHUB_WORKSPACE"`): it sets options and talks to no remote. No expression, command substitution,
 * pipe, list or redirection: plain words and `$VARIABLE`s only.
 */
const GIT_CONFIG_LINE = /^git[ \t]+config(?:[ \t]+[^\s;&|<>`\\()]+)*$/;

/**
 * {@link noUseOfCredentials}, once per step (a job's checkouts ask about the same later steps). The
 * job and workflow tell where a `${{ env.NAME }}` in its script gets its value ({@link fixedValue}).
 */
function idleStep(step: Step, job?: Job, workflow?: Workflow): string | undefined {
  let why = IDLE.get(step);
  if (why === undefined) {
    why = noUseOfCredentials(step, job, workflow) ?? null;
    IDLE.set(step, why);
  }
  return why ?? undefined;
}
const IDLE = new WeakMap<Step, string | null>();

/**
 * Why a step can make no use of the credentials a checkout leaves on disk, or undefined: one of
 * GitHub's artifact and cache actions ({@link IDLE_ACTIONS}), or a `run:` of fixed `git config`
 * commands or of fixed programs in the default shell. An expression in the script is substituted
 * into it before it runs: only one whose value no outsider and no code of the repository chooses
 * ({@link fixedValue}: a secret, a variable, a value GitHub sets) leaves the script fixed.
 */
function noUseOfCredentials(step: Step, job?: Job, workflow?: Workflow): string | undefined {
  const action = actionPathOf(step.uses);
  if (action && IDLE_ACTIONS.has(action))
    return `is GitHub's ${action}, which runs no code of the repository and talks to no git remote`;
  // `${{ github.workspace }}` is the checkout's root, as `$GITHUB_WORKSPACE` is: no outsider writes it.
  const run =
    typeof step.run?.value === 'string'
      ? step.run.value
          .replace(WORKSPACE_EXPRESSION, '$GITHUB_WORKSPACE')
          .replace(EXPRESSION, (whole, inner: string) =>
            fixedValue(inner, step, job, workflow) ? '$FIXED_VALUE' : whole,
          )
      : undefined;
  const shell = typeof step.shell?.value === 'string' ? step.shell.value.trim() : undefined;
  if (typeof run !== 'string' || run.includes('${{') || (shell !== undefined && !/^(?:bash|sh)$/.test(shell)))
    return undefined;
  const lines = run
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length > 0 && lines.every((l) => GIT_CONFIG_LINE.test(l)))
    return 'only sets git options, which talk to no remote';
  const programs = fixedPrograms(run);
  if (programs && programs.size > 0)
    return `runs only fixed commands (${[...programs].join(', ')}) that run no code of the repository, of a dependency or of another party`;
  // `docker run` of a container that sees no more of the runner than a subfolder of the checkout.
  const docker = fixedPrograms(run, DOCKER);
  if (!docker?.has('docker')) return undefined;
  const runs = commandsOf(run).filter((c) => programName(c) === 'docker');
  return runs.every((c) => confinedContainer(c.program))
    ? `runs only fixed commands and containers that mount no more than a subfolder of the checkout (${runs.map((c) => `"${c.program[imageIndex(c.program)]!.text}"`).join(', ')}), which neither hold the token's file nor .git`
    : undefined;
}

const EXPRESSION = /\$\{\{([^}]*)\}\}/g;

/**
 * Whether the value of an expression (its text inside `${{ }}`) is chosen by no outsider and by no
 * code of the repository, so that substituting it into a script leaves the script as fixed as its
 * text: a secret or a variable (`secrets.NAME`, `vars.NAME`: set by maintainers), a value of the
 * `github` context that no outsider can choose (contexts.ts: SHAs, numbers, refs of this repository,
 * a release's tag; not an event's text, a head branch, nor a manual run's inputs), or
 * `env.NAME` whose every source is such a value: the `env:` entries the step sees, and the writes to
 * `$GITHUB_ENV` of earlier steps of the job, which are read only when every earlier step is
 * `actions/checkout`, one of GitHub's artifact and cache actions, or itself a fixed run
 * ({@link idleStep}); an action may export anything.
 */
function fixedValue(inner: string, step: Step, job?: Job, workflow?: Workflow, depth = 0): boolean {
  const text = inner.trim();
  if (/^(?:secrets|vars)\.[A-Za-z_][\w-]*$/.test(text)) return true;
  if (/^github\.[A-Za-z_][\w.-]*$/.test(text)) {
    const path = text.split('.');
    if (/^(?:inputs|client_payload)$/.test(path[2] ?? '') || path[1] === 'head_ref') return false;
    return classifyContext(path) === undefined;
  }
  const name = /^env\.([A-Za-z_][\w-]*)$/.exec(text)?.[1];
  if (!name || !job || depth > 3) return false;
  const defined = [step.env, job.env, workflow?.env].find((map) => map?.entries.has(name));
  const value = defined?.entries.get(name)?.value;
  if (defined) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return false;
    const ok = [...String(value).matchAll(EXPRESSION)].every((m) =>
      fixedValue(m[1]!, step, job, workflow, depth + 1),
    );
    if (!ok) return false;
  }
  const earlier = job.steps.slice(0, job.steps.indexOf(step));
  if (job.steps.indexOf(step) === -1) return false;
  return earlier.every(
    (s) =>
      actionOf(s.uses) === 'actions/checkout' ||
      (s.uses !== undefined && IDLE_ACTIONS.has(actionPathOf(s.uses) ?? '')) ||
      (s.run !== undefined && idleStep(s, job, workflow) !== undefined),
  );
}

const WORKSPACE_EXPRESSION = /\$\{\{\s*github\.workspace\s*\}\}/g;
const DOCKER: ReadonlySet<string> = new Set(['docker']);

/** `docker run` options that take a value and widen nothing the container sees of the runner. */
const DOCKER_VALUE_OPTIONS = new Set([
  '-w',
  '--workdir',
  '-e',
  '--env',
  '--name',
  '-u',
  '--user',
  '--entrypoint',
]);
/** `docker run` flags that widen nothing the container sees of the runner. */
const DOCKER_FLAGS = /^-(?:-rm|-interactive|-tty|-init|[it]+)$/;
/**
 * A mount source that is a subfolder of the checkout, by its root (`$GITHUB_WORKSPACE/docs`,
 * `${GITHUB_WORKSPACE}/docs`, `$(pwd)/docs`, `$PWD/docs`, `./docs`): not the root itself, not `.git`
 * nor anything under it, no `..`.
 */
const SUBFOLDER =
  /^(?:\$GITHUB_WORKSPACE|\$\{GITHUB_WORKSPACE\}|\$\(pwd\)|\$PWD|\$\{PWD\}|\.)\/(?!\.git(?:\/|$))(?![^:]*(?:^|\/)\.\.(?:\/|:|$))[\w.-]+(?:\/[\w.-]+)*\/?$/;

/** The index of the image in `docker run [options] image [command...]`, or -1. */
function imageIndex(words: readonly Word[]): number {
  for (let i = 2; i < words.length; i++) {
    const w = words[i]!.text;
    if (!w.startsWith('-')) return i;
    if (w.includes('=')) continue;
    if (DOCKER_VALUE_OPTIONS.has(w) || w === '-v' || w === '--volume') i++;
  }
  return -1;
}

/**
 * `docker run` whose options let the container see nothing of the runner but the subfolders of the
 * checkout it mounts ({@link SUBFOLDER}): no mount of the checkout's root, its `.git`, `$RUNNER_TEMP`
 * (where checkout v6 keeps the token's file), the home folder or the Docker socket; no
 * `--privileged`, `--mount`, `--volumes-from`, host namespaces or added capabilities (only the
 * options {@link DOCKER_VALUE_OPTIONS} and {@link DOCKER_FLAGS}). Whatever the image runs, it cannot
 * read the token's copy.
 */
function confinedContainer(words: readonly Word[]): boolean {
  if (words[1]?.text !== 'run') return false;
  const image = imageIndex(words);
  if (image === -1) return false;
  for (let i = 2; i < image; i++) {
    const w = words[i]!.text;
    const [name, inline] =
      w.includes('=') && w.startsWith('--')
        ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]
        : [w, undefined];
    if (name === '-v' || name === '--volume') {
      const spec = inline ?? words[++i]?.text;
      const source = spec?.split(':')[0];
      if (!source || !SUBFOLDER.test(source)) return false;
    } else if (DOCKER_VALUE_OPTIONS.has(name)) {
      if (inline === undefined) i++;
    } else if (!DOCKER_FLAGS.test(w)) return false;
  }
  return true;
}

/** The credential a checkout is given in `token:` when it is not the job's own token. */
function otherCredential(step: Step): Located | undefined {
  const token = input(step, 'token');
  if (!token) return undefined;
  return typeof token.value === 'string' && JOB_TOKEN_VALUE.test(token.value) ? undefined : token;
}

/**
 * Whether a step is given the credential a checkout was given in `token:` (one `${{ }}` expression,
 * such as `${{ secrets.BOT_PAT }}` or `${{ steps.app.outputs.token }}`): a value of its `env:` or
 * `with:`, or of an `env:` it inherits, holds the same expression; or the expression reads a
 * variable of an `env:` it inherits (`${{ env.BOT_TOKEN }}`), which the step's environment holds.
 */
function givenCredential(step: Step, token: Located, ...inherited: (LocatedMap | undefined)[]): boolean {
  const own =
    typeof token.value === 'string' ? /^\s*\$\{\{([^}]*)\}\}\s*$/.exec(token.value)?.[1] : undefined;
  if (own === undefined) return false;
  const expression = own.trim().replace(/\s+/g, ' ');
  // `${{ env.NAME }}` of the job's or workflow's env: every step of the job holds NAME in its
  // environment already, unless the step sets NAME to something else.
  const variable = /^env\.([A-Za-z_][\w-]*)$/.exec(expression)?.[1];
  if (variable && !step.env?.entries.has(variable) && inherited.some((map) => map?.entries.has(variable)))
    return true;
  return [step.env, step.with, ...inherited].some((map) =>
    [...(map?.entries.values() ?? [])].some(
      (v) =>
        typeof v.value === 'string' &&
        [...v.value.matchAll(/\$\{\{([^}]*)\}\}/g)].some(
          (m) => m[1]!.trim().replace(/\s+/g, ' ') === expression,
        ),
    ),
  );
}

/**
 * Whether an upload step puts the checkout directory's hidden files (such as `.git`) into its
 * artifact: `true` when it does, `undefined` when it does not (another action, paths that do not cover
 * the checkout directory, a version that leaves hidden files out), or what keeps it from being decided.
 */
function hiddenFilesUploaded(
  workspace: Workspace,
  path: string,
  step: Step,
  dir: string,
): true | { undecided: string } | undefined {
  if (actionOf(step.uses) !== 'actions/upload-artifact') return undefined;
  const paths = input(step, 'path');
  if (typeof paths?.value !== 'string') return undefined;
  const root = dir.replace(/^\.\/?/, '').replace(/\/$/, '');
  const covers = paths.value.split('\n').some((line) => {
    // A block scalar's last line break leaves an empty line, which names no path (`.` names the root).
    if (line.trim() === '') return false;
    const p = line
      .trim()
      .replace(/^\.\/?/, '')
      .replace(/\/$/, '');
    if (p.startsWith('!')) return false;
    return (
      p === '' ||
      p === '*' ||
      p === '**' ||
      /^\$\{\{\s*github\.workspace\s*\}\}$/.test(p) ||
      (root !== '' && p === root)
    );
  });
  if (!covers) return undefined;
  const hidden = input(step, 'include-hidden-files');
  if (isTrue(hidden)) return true;
  // upload-artifact leaves hidden files out by default since v4.4.0 (a bare `v4` tag is the newest
  // v4, so after it); earlier versions take them and ignore `include-hidden-files`.
  const version = actionVersion(workspace, path, step.uses!);
  if (!version) {
    const ref = refOf(step.uses);
    const pin =
      ref && /^[0-9a-f]{40}$/i.test(ref)
        ? 'it is pinned to a commit without a version comment'
        : `its ref ${JSON.stringify(ref ?? '')} names no version`;
    return {
      undecided: `${pin}, and upload-artifact before v4.4 keeps hidden files whatever "include-hidden-files" says`,
    };
  }
  if (version[0] < 4 || (version[0] === 4 && version[1] !== undefined && version[1] < 4)) return true;
  if (!hidden || isFalse(hidden)) return undefined;
  return {
    undecided: `"include-hidden-files" is ${JSON.stringify(String(hidden.value))}, known only when the workflow runs`,
  };
}

function majorVersion(workspace: Workspace, path: string, uses: Located<string>): number | undefined {
  return actionVersion(workspace, path, uses)?.[0];
}
