import { locationFromSpan } from '../../location.js';
import {
  type ExprNode,
  findExpressions,
  parseExpression,
  type RefNode,
  references,
} from '../../parsers/expression.js';
import { type ShellCommand, type ShellFrameAt, shellStructure } from '../../parsers/shell.js';
import { type CommandView, scriptCommands } from '../../parsers/shell-commands.js';
import { parseUses, refPinning } from '../../parsers/uses.js';
import {
  type Job,
  localAction,
  type Step,
  type Trigger,
  type Workflow,
  type WorkflowSource,
  walkWorkflows,
  workflowFiles,
  workflowSources,
} from '../../parsers/workflow.js';
import { neverRuns } from '../../parsers/workflow-conditions.js';
import { expressionsAt, locatedText } from '../../parsers/workflow-expressions.js';
import type { Location, RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import { followsUntrustedRuns, outsiderCaused, workflowsByName } from './activity.js';
import { localCallers, triggeringEvents } from './callers.js';
import { conditionTree, excludesOutsiders, jobExcludesOutsiders, runsPastFailures } from './conditions.js';
import { classifyContext, classifyHeadRef } from './contexts.js';
import { Dataflow, type Scope } from './dataflow.js';
import { jobGuards, runEvents } from './event-guards.js';
import { fetchedIntoTree } from './fetched-head.js';
import { apiMetadata, type CodeRoute, codeFetchOf, pullDiffFetchOf } from './head-code.js';
import { headLookupIn } from './head-lookup.js';
import { eventAsData, headHandOff } from './privileged-reach.js';
import { stringProducesPullRef } from './pull-ref.js';
import { actionOf, actionPathOf, eventsOf, input, namesSecret, stepLabel, stepsAfter } from './shared.js';
import { headCheckouts, joinContinuations } from './shell.js';
import { sideFolderAsData } from './side-folder.js';
import { inertShell, loadsCode, relativePath, runsOnlyReads } from './token-use.js';

/**
 * `pull_request_target` and `workflow_run` run in the base repository with its secrets and a
 * writable token, on events an outsider can cause: each is a finding in itself (medium, or low for a
 * `workflow_run` whose upstream workflows are all known and never run on pull requests, or a
 * `pull_request_target` whose every job runs only on merged pull requests, on activity that needs
 * triage or write access, such as `labeled`, or for owners', members' and collaborators' pull
 * requests (their `author_association`), or one whose every job keeps to the event as data: no
 * checkout of the head, no event value written into a script, see privileged-reach.ts; info when
 * such a workflow also names no secret, calls no reusable workflow and grants no write scope), at the
 * trigger; low confidence for the info, for a `workflow_run` no outsider can start, and for a workflow
 * whose jobs only call reusable workflows of other repositories pinned to a commit (not read here). Checking out and building the pull request's code there ("pwn request") hands those
 * privileges to the pull request: critical, reported instead at the ref that names the head
 * (`actions/checkout` `ref:`/`repository:`, merge and head refs, written out or computed by
 * `format()` (pull-ref.ts), `gh pr checkout`, `git fetch .../pull/N/head`, a download, clone or install
 * given the head (head-code.ts), followed through `env:` and outputs; in the job's steps and in those
 * of the composite actions of the repository they run, see {@link headHits}) unless nothing runs the tree afterwards ({@link treeNeverRun}; an install runs
 * the package's build hooks itself), or, for a fetch, nothing puts the fetched commits into the work tree
 * ({@link fetchNeverRun}: the base's programs that run later run the base's code); so does a step
 * that hands the head's
 * repository and commit to another system with a secret, at medium confidence (what that system does
 * is not seen here). `issue_comment` workflows that check out
 * the pull request are reported the same way, and so are reusable workflows called from such
 * workflows (they run in their caller's event). A checkout behind an environment, a check job or a
 * membership check of who started the run ({@link membershipGate}) stays critical at medium
 * confidence. A job or step whose condition admits only
 * same-repository pull requests, push-triggered runs, or owners, members and collaborators is not
 * (conditions.ts).
 */
export const workflowDangerousTriggers = defineEvaluator<Record<string, never>>({
  kind: 'workflow.dangerous-triggers',
  summary:
    'pull_request_target and workflow_run triggers (medium; low when the jobs keep to the event as data, info when they also hold no secret or write scope); workflows on them, on issue_comment or called from them that check out, run or hand on the pull request head (critical).',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  subjects: workflowFiles,
  evaluate({ workspace, subjects, repository }) {
    const findings: RawFinding[] = [];
    // Every workflow, for the names a workflow_run trigger follows: read only when one does.
    const sources = workflowsByName(workspace);
    const flow = new Dataflow(workspace, classifyHeadRef, { heads: true });
    // Values an outsider chose (titles, bodies, branch names), for whether scripts read them as data.
    const values = new Dataflow(workspace, classifyContext);
    walkWorkflows(workflowSources(workspace, subjects), {
      workflow(workflow) {
        const own = eventsOf(workflow);
        // A reusable workflow runs in the events of its callers, except those of a calling job whose
        // condition (or that of a job it needs) keeps outsiders out: the call never happens for them.
        const events = triggeringEvents(
          workspace,
          workflow,
          (caller) => !jobExcludesOutsiders(caller.source, caller.job, repository),
        );
        const privileged = ['pull_request_target', 'workflow_run', 'issue_comment'].filter((e) =>
          events.has(e),
        );
        const untrustedRun = privileged.filter(
          (e) => e !== 'workflow_run' || followsUntrustedRuns(workflow, sources),
        );
        const via = privileged.some((e) => !own.has(e)) ? ' (through the workflows that call it)' : '';
        let critical = 0;
        if (untrustedRun.length > 0) {
          for (const job of workflow.jobs) {
            if (jobExcludesOutsiders(workflow, job, repository)) continue;
            for (const step of job.steps) {
              // A step that never runs (its `if:` needs an event the workflow lacks) hands on nothing.
              if (excludesOutsiders(step.if, repository) || neverRuns(workflow, job, step)) continue;
              const ownGate = environmentGate(workflow, job);
              // A reusable workflow whose every privileged caller waits for an environment.
              const gate = ownGate ?? (via !== '' ? callerEnvironmentGate(workspace, workflow) : undefined);
              const gateWhere = gate && !ownGate ? ' (its caller does)' : '';
              const check = gate ? undefined : checkGate(workspace, workflow, job, via !== '');
              const member = gate || check ? undefined : membershipGate(workflow, job, step);
              const token = jobTokenWrites(workflow, job)
                ? 'and a writable token'
                : '(its token here can only read, but the cache and anything the job is given are within reach)';
              const handOff = headHandOff(workspace, flow, workflow, job, step);
              if (handOff) {
                critical += 1;
                findings.push({
                  message:
                    `Job "${job.id}" runs on ${untrustedRun.join(', ')}${via} with the base repository's secrets ${token}, and ` +
                    `hands the pull request's code to another system: ${typeof step.name?.value === 'string' ? `step "${step.name.value}"` : 'a step'} is given where to fetch it ` +
                    `(${handOff.what.join(', ')}) and ${handOff.secret}. What that system does with it is not seen here; if ` +
                    "it builds or runs it, the pull request's author runs code there with that system's privileges, whatever " +
                    'label or other act of a maintainer started this run.',
                  location: handOff.location,
                  key: `${job.id}/${stepLabel(step)}/hand-off`,
                  // The build itself happens out of sight.
                  confidence: 'medium',
                });
              }
              for (const { hit, site } of headHits(
                workspace,
                flow,
                { source: workflow, settings: workflow, job, step },
                repository,
              )) {
                // A tree nothing runs (its commit read, and no step after), or a fetch whose commits
                // nothing puts into the work tree: no code of the pull request runs. An install runs
                // the package's build hooks itself.
                if (hit.route !== 'install' && !hit.runs && neverRunAt(workspace, flow, site, hit)) continue;
                // A branch switched to in a clone of another repository is a name there, not the head.
                if (inOtherRepository(site.settings, site.job, site.step, hit, repository)) continue;
                critical += 1;
                // A folder beside the base's tree that later steps only hand to the base's tools as data.
                const side =
                  gate || check || member || site.outer
                    ? undefined
                    : sideFolderAsData(workflow, job, step, savesCache);
                if (side) {
                  findings.push({
                    message:
                      `Job "${job.id}" runs on ${untrustedRun.join(', ')}${via} with the base repository's secrets ${token}, and ` +
                      `checks out the pull request's code (${hit.what}) into the folder "${side}", which the later steps only ` +
                      "hand as data to tools that are not the pull request's (as an argument, to git reading it): none runs, " +
                      'builds or installs it there. What those tools do with its files is not read here: a generator or ' +
                      'renderer that runs what it finds would run it with those privileges. Keep the folder out of every ' +
                      'working directory, script path and build, or move the job to "pull_request".',
                    location: hit.location,
                    key: `${job.id}/${stepLabel(step)}/${hit.what}`,
                    severity: 'medium',
                    confidence: 'medium',
                  });
                  continue;
                }
                findings.push({
                  message:
                    `Job "${job.id}" runs on ${untrustedRun.join(', ')}${via} with the base repository's secrets ${token}, and ` +
                    (hit.route === 'install'
                      ? `installs the pull request's code (${hit.what}), which runs its build and install ` +
                        "hooks (a package's setup script, install scripts or build script, a Dockerfile's RUN) " +
                        'with those privileges.'
                      : hit.route
                        ? `${hit.route === 'clone' ? 'clones' : 'downloads'} the pull request's code (${hit.what}); ` +
                          'any build script, test or action in that code that a later command runs, runs with those privileges.'
                        : FETCH_ONLY.test(hit.what)
                          ? `fetches the pull request's code (${hit.what}); whatever then checks it out, ` +
                            'merges or runs it (a build script, a test, an action) runs with those privileges.'
                          : `checks out the pull request's code (${hit.what}); any build script, ` +
                            'test or action in that code runs with those privileges.') +
                    (gate
                      ? ` It waits for the "${gate}" environment${gateWhere}: if that environment requires a reviewer, each run is approved by a maintainer, who must read the code first.`
                      : check
                        ? ` It waits for job "${check.job}"${check.where}, which by its name checks who may run it; ${check.seen}: if it lets only maintainers' pull requests through, outsiders cannot run their code here.`
                        : member?.sound
                          ? ` It runs only when step "${member.step}"${member.job === job.id ? '' : ` of job "${member.job}"`} (${member.action}), ${member.how}.`
                          : member
                            ? ` It runs only when step "${member.step}"${member.job === job.id ? '' : ` of job "${member.job}"`} (${member.action}), ${member.how}: if it lets only maintainers through, outsiders cannot start this run, though the code checked out is whatever the pull request holds when the job runs, not what a maintainer read.`
                            : ''),
                  location: hit.location,
                  key: `${job.id}/${stepLabel(step)}/${hit.what}`,
                  // An environment may require a reviewer's approval, a check job or a membership
                  // check may stop outsiders (what neither this file nor, for a check of another
                  // repository, this tree shows).
                  // A check read in full that admits only people with write access, to the run and
                  // to the branch it checks out: low, shown to auditors.
                  ...(member?.sound
                    ? { confidence: 'low' as const }
                    : gate || check || member
                      ? { confidence: 'medium' as const }
                      : {}),
                });
              }
            }
          }
        }
        if (critical > 0) return;
        const ownTriggers = (workflow.on?.events ?? []).filter(
          (t) => t.event === 'pull_request_target' || t.event === 'workflow_run',
        );
        if (ownTriggers.length === 0) return;
        // Jobs that call a reusable workflow of another repository: what it checks out is not seen here.
        const unseen = workflow.jobs
          .map((j) => (j.uses ? parseUses(j.uses.value) : undefined))
          .filter((r) => r?.kind === 'repository')
          .map((r) => r!.raw);
        // Every job calls a reusable workflow of another repository by a full commit SHA.
        const pinnedCallsOnly =
          workflow.jobs.length > 0 &&
          workflow.jobs.every((j) => {
            const ref = j.uses ? parseUses(j.uses.value) : undefined;
            return ref?.kind === 'repository' && refPinning(ref.ref) === 'sha';
          });
        const many = unseen.length > 1;
        // Jobs that check out the head only under a condition that keeps outsiders out (a bot's
        // branches of this repository, maintainers): said, so the message does not deny the checkout.
        const gated = workflow.jobs
          .filter((job) =>
            job.steps.some(
              (step) =>
                (jobExcludesOutsiders(workflow, job, repository) || excludesOutsiders(step.if, repository)) &&
                headHits(workspace, flow, { source: workflow, settings: workflow, job, step }, repository)
                  .length > 0,
            ),
          )
          .map((job) => `"${job.id}"`);
        const gatedNote =
          gated.length === 0
            ? ''
            : ` (job${gated.length > 1 ? 's' : ''} ${gated.join(', ')} ${gated.length > 1 ? 'check' : 'checks'} it out only under a condition that keeps outsiders out)`;
        const noJob = gated.length === 0 ? 'No job here' : 'No job outsiders can start';
        const checked =
          unseen.length === 0
            ? `${noJob} checks out pull request code${gatedNote}, but every`
            : `${gated.length === 0 ? 'No job in this file' : 'No job in this file that outsiders can start'} checks out pull request code${gatedNote}; ${many ? `the ${unseen.length} reusable workflows` : 'the reusable workflow'} it calls from another repository (${unseen.slice(0, 2).join(', ')}${unseen.length > 2 ? ', ...' : ''}) ${many ? 'are' : 'is'} not examined here and may. Every`;
        // Whether the jobs keep to the event as data, what the remediation asks for: asked once.
        let data: boolean | undefined;
        // A step brings the head's code in: it checks out, clones, downloads or installs it. A fetch
        // of the head whose commits nothing runs (see fetchNeverRun) brings in none of its code.
        const bringsHead = (job: Job, step: Step) =>
          headHits(workspace, flow, { source: workflow, settings: workflow, job, step }, repository).some(
            ({ hit, site }) =>
              hit.route ||
              !FETCH_ONLY.test(hit.what) ||
              (site.outer ? true : !fetchNeverRun(workspace, flow, workflow, job, step, hit)),
          );
        const asData = () =>
          (data ??=
            unseen.length === 0 && eventAsData(workspace, values, flow, workflow, repository, bringsHead));
        // Keeping to the event as data with no secret and a read-only token leaves the run nothing
        // privileged to expose: the trigger is then only a note (info).
        const bare =
          !writableToken(workflow) &&
          workflow.jobs.every((j) => !j.uses) &&
          !namesSecrets(workflow) &&
          asData();
        for (const trigger of ownTriggers) {
          const fromPullRequests =
            trigger.event === 'pull_request_target' || followsUntrustedRuns(workflow, sources);
          const mergedOnly = trigger.event === 'pull_request_target' && afterMergeOnly(workflow, trigger);
          const maintainersOnly =
            !mergedOnly &&
            trigger.event === 'pull_request_target' &&
            maintainerActivityOnly(workflow, trigger);
          const dataOnly = fromPullRequests && !mergedOnly && !maintainersOnly && asData();
          const token = writableToken(workflow)
            ? 'and a writable token'
            : bare
              ? '(none of which a job here is given; its token here can only read)'
              : '(its token here can only read: no job is granted a write scope)';
          findings.push({
            message:
              `"${trigger.event}" runs with the base repository's secrets ${token} on events that ` +
              (mergedOnly
                ? 'a maintainer causes: every job here runs only on pull requests that were merged. '
                : maintainersOnly
                  ? workflow.jobs.some((job) => jobGuards(workflow, job).insiders?.has(trigger.event))
                    ? 'a maintainer causes: every job here runs only on activity that needs triage or write access, or for pull requests whose author is an owner, member or collaborator (author_association). '
                    : 'a maintainer causes: every job here runs only on activity that needs triage or write access (labels, assignees, milestones, locks, the merge queue). '
                  : fromPullRequests
                    ? 'outsiders can cause. '
                    : 'follow the workflows it names, none of which runs on pull requests today. ') +
              (dataOnly || bare
                ? `${noJob} checks out or hands on pull request code${gatedNote}, and the event reaches scripts and actions ` +
                  'only as data (environment variables, inputs, artifacts posted as files; no value of it is written ' +
                  'into a script): the shape this trigger is for (labelling, commenting). ' +
                  (bare
                    ? 'No job is given a secret or a token that can write: nothing privileged is left for the run to expose. ' +
                      'Keep it so: once a job is given either, a checkout of the head or an event value written into a ' +
                      "script would hand it to the pull request's author."
                    : 'Keep it so: a checkout of the head, or an event value written into a script, would hand these ' +
                      "privileges to the pull request's author.")
                : `${checked} value from the event (titles, branch names, ` +
                  'artifacts of the triggering run) is untrusted and must be read as data. Prefer "pull_request" ' +
                  '(read-only token, no secrets for forks), or keep this workflow to labelling and commenting.'),
            location: locationFromSpan(workflow.path, trigger.span),
            key: `trigger:${trigger.event}`,
            severity: bare
              ? 'info'
              : fromPullRequests && !mergedOnly && !maintainersOnly && !dataOnly
                ? 'medium'
                : 'low',
            // Nothing privileged to expose; upstream runs no outsider causes; or all that could reach
            // the head is a reusable workflow of another repository pinned to a commit, not read here:
            // a note, or a guess about what was not examined.
            ...(bare || !fromPullRequests || pinnedCallsOnly ? { confidence: 'low' as const } : {}),
          });
        }
      },
    });
    return findings;
  },
});

/**
 * Whether a job of the workflow can get a token that writes: one without permissions of its own or
 * the workflow's (the repository's default may be read and write), or with `write-all` or a write
 * scope. `permissions: {}` or read scopes everywhere leave a read-only token; the secrets remain.
 */
function writableToken(workflow: Workflow): boolean {
  if (workflow.jobs.length === 0) return workflow.permissions === undefined;
  return workflow.jobs.some((job) => {
    const perms = job.permissions ?? workflow.permissions;
    if (!perms) return true;
    if (perms.shorthand) return perms.shorthand.value.trim() !== 'read-all';
    if (perms.value !== null && typeof perms.value === 'object' && !Array.isArray(perms.value))
      return perms.scopes.some((s) => typeof s.level.value !== 'string' || s.level.value.trim() === 'write');
    // An expression or another value GitHub would reject: not known to be read-only.
    return perms.value !== null;
  });
}

/**
 * Whether the workflow names a secret in an expression (`secrets.NAME`, `secrets[...]`, `toJSON(secrets)`),
 * read from the parsed file (comments are not read): a job given none holds none of the base
 * repository's secrets but its own token. `secrets.GITHUB_TOKEN` is that token, whose power its
 * `permissions:` decide ({@link writableToken}): no secret.
 */
function namesSecrets(workflow: Workflow): boolean {
  return namesSecret(workflow.document.value);
}

/**
 * Whether every job of the workflow runs only on merged pull requests (`github.event.pull_request.merged`
 * in its `if:` or that of a job it needs) and on no activity an outsider can cause once a maintainer
 * has merged (activity.ts): the run is then the maintainer's doing, though the event's values are
 * still the author's.
 */
function afterMergeOnly(workflow: Workflow, trigger: Trigger): boolean {
  return (
    workflow.jobs.length > 0 &&
    workflow.jobs.every((job) => {
      const guards = jobGuards(workflow, job);
      return guards.merged && !outsiderCaused(trigger, guards);
    })
  );
}

/**
 * Whether no job of the workflow runs on activity an outsider can cause (activity.ts): the trigger's
 * types (`labeled`, `assigned`, ...) or a job's `github.event.action` check leave only maintainers'
 * acts. The event's values (title, branch) are still the author's, which the other rules judge.
 */
function maintainerActivityOnly(workflow: Workflow, trigger: Trigger): boolean {
  return (
    workflow.jobs.length > 0 &&
    workflow.jobs.every((job) => !outsiderCaused(trigger, jobGuards(workflow, job)))
  );
}

/** The environment a job waits for, its own or one of the jobs it needs (an approval gate if reviewed). */
function environmentGate(workflow: Workflow, job: Job, seen = new Set<string>()): string | undefined {
  if (seen.has(job.id)) return undefined;
  seen.add(job.id);
  const env = job.environment?.value;
  const name = typeof env === 'string' ? env : (env as { name?: unknown } | null)?.name;
  if (typeof name === 'string' && name.trim() !== '') return name.trim();
  // A job that runs whatever became of the jobs it needs (`always()`) does not wait for their approval.
  if (runsPastFailures(job.if)) return undefined;
  const needs = job.needs?.value;
  for (const id of Array.isArray(needs) ? needs : typeof needs === 'string' ? [needs] : []) {
    const upstream = workflow.jobs.find((j) => j.id === id);
    const found = upstream && environmentGate(workflow, upstream, seen);
    if (found) return found;
  }
  return undefined;
}

/**
 * Whether the job's token can write: its own permissions or its workflow's (a called workflow's are
 * capped by its caller's, so read-only here is read-only); unknown (the repository default, an
 * expression) counts as writable.
 */
function jobTokenWrites(workflow: Workflow, job: Job): boolean {
  const perms = job.permissions ?? workflow.permissions;
  if (!perms) return true;
  if (perms.shorthand) return perms.shorthand.value.trim() !== 'read-all';
  if (perms.value !== null && typeof perms.value === 'object' && !Array.isArray(perms.value))
    return perms.scopes.some(
      (s) =>
        s.scope.toLowerCase() !== 'id-token' &&
        (typeof s.level.value !== 'string' || s.level.value.trim() === 'write'),
    );
  return perms.value !== null;
}

/** Events whose runs have the base repository's secrets while outsiders can cause them. */
const PRIVILEGED_RUNS = new Set(['pull_request_target', 'workflow_run', 'issue_comment']);

/**
 * A job whose id or name says it checks who may run the rest (`check-run`, `authorize`,
 * `check-permissions`, `approve`), not any check (`check-format`, `verify-build` are not gates).
 */
const CHECK_JOB =
  /check[-_ ]?(?:run|perm|permissions?|users?|actor|author|access|membership|collaborator|org)\b|permission|authori[sz]|approv|allow(?:ed|list)|trust|gate/i;

/**
 * A job the privileged job waits for (its `needs:`, or those of the job of every calling workflow
 * when it runs through `workflow_call`) whose name says it checks who may run: a check that may
 * stop outsiders, which a reusable workflow of another repository does out of sight.
 */
function checkGate(
  workspace: Workspace,
  workflow: Workflow,
  job: Job,
  throughCallers: boolean,
): { job: string; where: string; seen: string } | undefined {
  const gateIn = (source: Workflow, waiting: Job) => {
    if (runsPastFailures(waiting.if)) return undefined;
    const needs = waiting.needs?.value;
    for (const id of Array.isArray(needs) ? needs : typeof needs === 'string' ? [needs] : []) {
      const upstream = source.jobs.find((j) => j.id === id);
      if (
        !upstream ||
        ![upstream.id, upstream.name?.value].some((n) => typeof n === 'string' && CHECK_JOB.test(n))
      )
        continue;
      const remote = upstream.uses ? parseUses(upstream.uses.value) : undefined;
      return {
        job: upstream.id,
        where: source === workflow ? '' : ` of ${source.path}`,
        seen:
          remote?.kind === 'repository'
            ? `it calls ${remote.raw}, which is not examined here`
            : 'what it checks is not judged here',
      };
    }
    return undefined;
  };
  const own = gateIn(workflow, job);
  if (own || !throughCallers) return own;
  const callers = privilegedCallers(workspace, workflow);
  if (callers.length === 0) return undefined;
  const gates = callers.map((c) => gateIn(c.source, c.job));
  return gates.every((g) => g !== undefined) ? gates[0] : undefined;
}

/** The calling jobs through which outsiders reach a reusable workflow: on a privileged event, or called in turn. */
function privilegedCallers(workspace: Workspace, workflow: Workflow): { source: Workflow; job: Job }[] {
  return localCallers(workspace, workflow.path)
    .filter(
      (c) =>
        c.source.kind === 'workflow' &&
        c.job &&
        (c.source.on?.events ?? []).some((e) => PRIVILEGED_RUNS.has(e.event) || e.event === 'workflow_call'),
    )
    .map((c) => ({ source: c.source as Workflow, job: c.job! }));
}

/**
 * The environment every calling job through which outsiders reach a reusable workflow waits for
 * (its own, or that of a job it needs): the call, and so every job of the called workflow, starts
 * only once that environment lets it.
 */
function callerEnvironmentGate(workspace: Workspace, workflow: Workflow): string | undefined {
  const callers = privilegedCallers(workspace, workflow);
  if (callers.length === 0) return undefined;
  const gates = callers.map((c) => environmentGate(c.source, c.job));
  return gates.every((g) => g !== undefined) ? gates[0] : undefined;
}

/**
 * An action (`owner/repo[/path]`) whose name says it checks a user's team or organisation membership,
 * or their permission on the repository.
 */
const MEMBERSHIP_ACTION =
  /membership|(?:team|org|organi[sz]ation)s?[-_]?members?\b|(?:user|actor|author|collaborator|repo|repository)[-_]?(?:permissions?|access|role)\b|check[-_]?(?:permissions?|collaborator|user|actor|members?)\b|is[-_]?(?:member|collaborator|maintainer)\b|permissions?[-_]?check/i;

/**
 * Who checks that the run may go on: the step, the job that holds it, its action, and how the run
 * depends on it (for the message: "... step "x" (action), <how>").
 */
interface MembershipGate {
  step: string;
  job: string;
  action: string;
  how: string;
  /**
   * The check is read in full and excludes outsiders: the commenter and the pull request's author
   * have push permission, and the head is a branch of this repository, which only they can push to.
   */
  sound?: boolean;
}

const NAMED_CHECK =
  'which by its name checks the team membership or permission of who started the run, says so; what it checks is not judged here';

/**
 * A check of who started the run that the step must pass: a step of a membership or permission
 * action ({@link MEMBERSHIP_ACTION}) whose output a condition requires, where no other part of the
 * condition can let the run through without it (a conjunct of the `if:`, read from the parsed
 * expression): the step's own `if:` on an earlier step's output (`steps.member.outputs.ok ==
 * 'true'`), the job's on a job output it needs (`needs.triage.outputs.allowed == 'true'`) that is in
 * turn such a conjunct of the output's expression, or a job it needs that is gated so (a skipped job
 * skips the jobs that need it, unless they ask for `always()` or another status).
 */
function membershipGate(workflow: Workflow, job: Job, step?: Step): MembershipGate | undefined {
  if (step) {
    const own = conjuncts(conditionTree(step.if))
      .map((c) => stepOutputGate(c, job, step.index))
      .find(Boolean);
    if (own) return own;
    const failing =
      associationCheck(job, step) ?? permissionCheck(job, step) ?? scriptPermissionCheck(job, step);
    if (failing) return failing;
  }
  return jobMembershipGate(workflow, job, new Set());
}

/**
 * An earlier step of the job that fails it unless the `author_association` of whoever acted is one
 * it allows: a github-script that reads the association (in its script or its `env:`) and calls
 * `core.setFailed` (or throws), or a `run:` script that reads it and exits with an error. A failed step skips the steps after it, unless
 * they or the job ask for `always()` or another status.
 */
function associationCheck(job: Job, step: Step): MembershipGate | undefined {
  if (runsPastFailures(step.if) || runsPastFailures(job.if)) return undefined;
  for (const earlier of job.steps) {
    if (earlier.index >= step.index) break;
    if (earlier.if !== undefined || earlier.value['continue-on-error'] !== undefined) continue;
    const action = actionPathOf(earlier.uses);
    const script =
      action?.toLowerCase() === 'actions/github-script'
        ? earlier.with?.entries.get('script')?.value
        : earlier.run?.value;
    const reads = (text: unknown) => typeof text === 'string' && /\bauthor_association\b/.test(text);
    if (typeof script !== 'string') continue;
    // A shell script is read as commands: its comments say nothing it does.
    const code = earlier.run ? commandText(script) : script;
    if (!reads(code) && ![...(earlier.env?.entries.values() ?? [])].some((v) => reads(v.value))) continue;
    const fails = earlier.run
      ? failingExits(script).length > 0
      : /\bcore\.setFailed\s*\(|\bthrow\b/.test(script);
    if (!fails) continue;
    return {
      step: stepLabel(earlier),
      job: job.id,
      action: earlier.run ? 'a run: script' : 'actions/github-script',
      how: 'which fails the job unless the author_association of who acted is one it allows, passes; what it allows is not judged here',
    };
  }
  return undefined;
}

/** A REST call for a user's permission on the repository; group 1 or 2 names whose. */
const PERMISSION_CALL = /\/collaborators\/"?(?:\$\{?(\w+)\}?|\$\{\{\s*([\w.]+)\s*\}\})"?\/permission\b/g;
/** The permission that call's answer is tested for: push (write), maintain or admin. */
const WRITE_TEST = /permissions\.push\b|["'](?:write|admin|maintain)["']/;
/** Whom the login names: who commented (or started the run) or who opened the pull request. */
const COMMENTER = new Set(['github.event.comment.user.login', 'github.actor', 'github.triggering_actor']);
const AUTHOR = new Set(['github.event.issue.user.login', 'github.event.pull_request.user.login']);
/** Programs that call the REST API. */
const API_CLIENTS = new Set(['gh', 'curl', 'wget', 'http', 'xh']);
/** Programs that read or test the API's answer (what is tested is read from them, not from printers). */
const ANSWER_READERS = new Set([...API_CLIENTS, 'jq', 'yq', '[', '[[', 'test', 'grep']);

/** The text of a script's commands (comments, heredoc bodies and the spaces between them left out). */
function commandText(script: string, programs?: ReadonlySet<string>): string {
  return scriptCommands(script)
    .filter((v) => !programs || programs.has(v.name.toLowerCase()))
    .map((v) => script.slice(v.command.start, v.command.end))
    .join('\n');
}

/**
 * The commands of a script that certainly end it with an error when they are reached, and are reached
 * on the answer of a check, with their offsets: an `exit N` (N other than 0), or a call of a function
 * whose body ends so (`die() { echo "$1"; exit 1; }`), at the top level of the script, in a branch of
 * an `if` whose condition tests something (a variable, an API call or a reader of its answer; not
 * `false`, `true` or `:`), in a branch of a `case` on a variable, in a `{ }` group, or after `&&` or `||` of such a test (`... | grep -q true
 * || exit 1`). Never one in a function's body that is not called, in a loop, a subshell, a
 * substitution, a pipeline, a background job (`exit 1 &`) or after a command that tests nothing
 * (`false && exit 1`): when in doubt, no exit.
 */
function failingExits(script: string): CommandView[] {
  const frames = shellStructure(script);
  const byStart = new Map([...frames].map(([c, f]) => [c.start, { command: c, frames: f }]));
  const order = [...frames.keys()];
  const exits = (v: CommandView) =>
    v.name === 'exit' && /^[1-9]\d*$/.test(v.command.words[v.nameIndex + 1]?.value ?? '');
  // The command before `command` in the same compound command, when an operator ties them.
  const before = (command: ShellCommand, around: readonly ShellFrameAt[]) => {
    const prev = order[order.indexOf(command) - 1];
    const theirs = prev ? frames.get(prev)! : [];
    const same = theirs.length === around.length && theirs.every((f, i) => f.frame === around[i]!.frame);
    return prev && same && prev.next ? { op: prev.next, previous: prev } : undefined;
  };
  const tied = (op: string | undefined, previous: ShellCommand | undefined) =>
    op === undefined ||
    !/^(?:&&|\|\||\||\|&)$/.test(op) ||
    (op !== '|' && op !== '|&' && testsSomething(previous));
  // Whether a command is reached on a check, within its frames from `from` on.
  const reached = (command: ShellCommand, from: number) => {
    const around = frames.get(command)!;
    if (command.next === '&' || command.next === '|' || command.next === '|&') return false;
    const prev = before(command, around);
    if (prev && !tied(prev.op, prev.previous)) return false;
    return around.slice(from).every(({ frame, phase }) => {
      if (frame.after === '&' || frame.after === '|' || frame.after === '|&') return false;
      if (!tied(frame.before, frame.previous)) return false;
      if (frame.kind === 'group') return true;
      // A branch of a `case` on a variable's value (`case "$ASSOC" in OWNER) ;; *) exit 1 ;; esac`).
      if (frame.kind === 'case') return /[$`]/.test(frame.subject ?? '');
      return frame.kind === 'if' && phase !== 'condition' && frame.condition.some(testsSomething);
    });
  };
  const views = scriptCommands(script).filter((v) => byStart.has(v.command.start));
  // Functions whose body ends the script with an error wherever they are called.
  const dying = new Set<string>();
  for (const v of views) {
    if (!exits(v)) continue;
    const { command, frames: around } = byStart.get(v.command.start)!;
    const at = around.findIndex((f) => f.frame.kind === 'function');
    if (at >= 0 && around.slice(0, at).every((f) => f.frame.kind === 'group') && reached(command, at + 1))
      dying.add(around[at]!.frame.name!);
  }
  return views.filter((v) => {
    if (!exits(v) && !dying.has(v.name)) return false;
    const { command } = byStart.get(v.command.start)!;
    return reached(command, 0);
  });
}

/**
 * Whether a command tests something a check answers: a test of a variable or a substitution
 * (`[ "$PERM" != write ]`), an API client, or a reader of its answer (`jq`, `grep`). `false`, `true`,
 * `:` and tests of literal words test nothing.
 */
function testsSomething(command: ShellCommand | undefined): boolean {
  const words = command?.words.map((w) => w.value) ?? [];
  const program = (words[0] ?? '').toLowerCase();
  if (!ANSWER_READERS.has(program)) return false;
  if (program === '[' || program === '[[' || program === 'test') return words.some((w) => /[$`]/.test(w));
  return true;
}

/**
 * An earlier `run:` step of the job that fails it (`exit 1`) unless the REST API says who commented
 * has push permission on the repository (`gh api /repos/.../collaborators/$USER/permission`). Sound
 * when it also checks the pull request's author and that the head is a branch of this repository
 * (`head.repo.full_name`): then only people with write access can start the run or change the code it
 * checks out. A failed step skips the steps after it, unless they or the job ask for `always()` or
 * another status. The script is read as commands: the call is one of an API client (`gh`, `curl`),
 * the permission and the head's repository are read from the answer by it (or by `jq`, a test,
 * `grep`), and an `exit` with an error comes after the call; words of comments, of strings printed
 * (`echo`) and of heredocs prove nothing.
 */
function permissionCheck(job: Job, step: Step): MembershipGate | undefined {
  if (runsPastFailures(step.if) || runsPastFailures(job.if)) return undefined;
  for (const earlier of job.steps) {
    if (earlier.index >= step.index) break;
    if (earlier.if !== undefined || earlier.value['continue-on-error'] !== undefined || !earlier.run)
      continue;
    const script = earlier.run.value;
    const answers = commandText(script, ANSWER_READERS);
    if (!WRITE_TEST.test(answers)) continue;
    const exits = failingExits(script);
    const whose = new Set<string>();
    for (const view of scriptCommands(script)) {
      if (!API_CLIENTS.has(view.name.toLowerCase())) continue;
      // The call must be able to fail the step: an error exit follows it.
      if (!exits.some((e) => e.command.start > view.command.start)) continue;
      for (const m of script.slice(view.command.start, view.command.end).matchAll(PERMISSION_CALL)) {
        const named = m[1] ? earlier.env?.entries.get(m[1])?.value : `\${{ ${m[2]} }}`;
        const expr =
          typeof named === 'string' ? /^\s*\$\{\{\s*([\w.]+)\s*\}\}\s*$/.exec(named)?.[1] : undefined;
        if (!expr) continue;
        const path = expr.toLowerCase();
        if (COMMENTER.has(path)) whose.add('commenter');
        if (AUTHOR.has(path)) whose.add('author');
      }
    }
    if (!whose.has('commenter')) continue;
    const sound = whose.has('author') && /\bhead\.repo\.full_name\b/.test(answers);
    return {
      step: stepLabel(earlier),
      job: job.id,
      action: 'a run: script',
      how: sound
        ? "which checks through the API that who commented and the pull request's author have push permission and that the head is a branch of this repository, and fails the job otherwise, passes: only people with write access can start this run or push the code it checks out"
        : "which checks through the API that who commented has push permission, and fails the job otherwise, passes; the pull request's author and where its head lives are not checked",
      ...(sound ? { sound: true } : {}),
    };
  }
  return undefined;
}

/** An `if:` that only repeats the default (`success()`): the step runs whenever no earlier one failed. */
const DEFAULT_CONDITION = /^\s*(?:\$\{\{\s*)?success\(\s*\)\s*(?:\}\}\s*)?$/i;

/** Octokit's call for a user's permission on the repository, in a github-script. */
const PERMISSION_METHOD = /\bgetCollaboratorPermissionLevel\s*\(/;

/**
 * An earlier github-script step of the job that fails it (`core.setFailed`, or a `throw`) unless
 * Octokit says who commented has write permission (`github.rest.repos.getCollaboratorPermissionLevel`
 * with `context.payload.comment.user.login` or `context.actor`, the answer tested for `write` or
 * `admin`), as GitHub's own guidance for comment commands does. A failed step skips the steps after
 * it, unless they or the job ask for `always()` or another status. Comments in the script are left
 * out. The pull request's author and where its head lives are not checked here: medium confidence.
 */
function scriptPermissionCheck(job: Job, step: Step): MembershipGate | undefined {
  if (runsPastFailures(step.if) || runsPastFailures(job.if)) return undefined;
  for (const earlier of job.steps) {
    if (earlier.index >= step.index) break;
    const condition = earlier.if?.value;
    if (condition !== undefined && !(typeof condition === 'string' && DEFAULT_CONDITION.test(condition)))
      continue;
    if (earlier.value['continue-on-error'] !== undefined) continue;
    if (actionPathOf(earlier.uses)?.toLowerCase() !== 'actions/github-script') continue;
    const written = earlier.with?.entries.get('script')?.value;
    if (typeof written !== 'string') continue;
    // Comments say nothing the script does.
    const script = written.replace(/\/\*[\s\S]*?\*\/|(^|[^:\\])\/\/[^\n]*/g, '$1');
    if (!PERMISSION_METHOD.test(script) || !WRITE_TEST.test(script)) continue;
    if (!/\bcore\.setFailed\s*\(|\bthrow\b/.test(script)) continue;
    if (!/\bcontext\.payload\.comment\.user\.login\b|\bcontext\.actor\b/.test(script)) continue;
    return {
      step: stepLabel(earlier),
      job: job.id,
      action: 'actions/github-script',
      how: "which asks the API whether who commented has write permission and fails the job otherwise, passes; the pull request's author and where its head lives are not checked",
    };
  }
  return undefined;
}

function jobMembershipGate(workflow: Workflow, job: Job, seen: Set<string>): MembershipGate | undefined {
  if (seen.has(job.id)) return undefined;
  seen.add(job.id);
  const needs = job.needs?.value;
  const needed = (Array.isArray(needs) ? needs : typeof needs === 'string' ? [needs] : []).filter(
    (n): n is string => typeof n === 'string',
  );
  const upstream = (id: string) =>
    needed.some((n) => n.toLowerCase() === id)
      ? workflow.jobs.find((j) => j.id.toLowerCase() === id)
      : undefined;
  for (const c of conjuncts(conditionTree(job.if))) {
    const ref = trueComparison(c);
    if (ref?.path[0] !== 'needs' || ref.path[2] !== 'outputs' || ref.path.length !== 4) continue;
    const from = upstream(ref.path[1]!);
    const output = [...(from?.outputs?.entries ?? [])].find(([k]) => k.toLowerCase() === ref.path[3])?.[1];
    if (!from || !output) continue;
    const value = conditionTree(output);
    // The output is the step's output itself, or a conjunct of it that such a step's output decides.
    const direct = value?.kind === 'ref' ? stepOutput(value, from, from.steps.length) : undefined;
    const found =
      direct ??
      conjuncts(value)
        .map((v) => stepOutputGate(v, from, from.steps.length))
        .find(Boolean);
    if (found) return found;
  }
  // A job that must have succeeded (`needs.x.result == 'success'`, required by the condition even
  // beside `always()`), or one of several that must, each gated or never run on these events.
  for (const c of conjuncts(conditionTree(job.if))) {
    const alternatives = c.kind === 'or' ? c.args : [c];
    const ids = alternatives.map((a) => succeededJob(a));
    if (ids.some((id) => id === undefined || !needed.some((n) => n.toLowerCase() === id))) continue;
    const gates = ids.map((id) => {
      const up = upstream(id!);
      if (!up) return undefined;
      const events = runEvents(workflow, up);
      if (events && !events.some((e) => PRIVILEGED_RUNS.has(e))) return 'idle' as const;
      return failingCheck(up) ?? jobMembershipGate(workflow, up, new Set(seen));
    });
    const found = gates.find((g) => g !== undefined && g !== 'idle');
    if (found && gates.every((g) => g !== undefined) && typeof found === 'object') return found;
  }
  if (runsPastFailures(job.if)) return undefined;
  for (const id of needed) {
    const up = workflow.jobs.find((j) => j.id === id);
    const found = up && (failingCheck(up) ?? jobMembershipGate(workflow, up, seen));
    if (found) return found;
  }
  return undefined;
}

/** The job a part requires to have succeeded (`needs.x.result == 'success'`), lower-cased. */
function succeededJob(node: ExprNode): string | undefined {
  const ref = comparedRef(node, (v) => String(v).toLowerCase() === 'success');
  return ref && ref.path.length === 3 && ref.path[0] === 'needs' && ref.path[2] === 'result'
    ? ref.path[1]
    : undefined;
}

/** The reference an equality compares, in either order, with a literal that passes `literal`. */
function comparedRef(node: ExprNode, literal: (value: unknown) => boolean): RefNode | undefined {
  if (node.kind !== 'compare' || node.op !== '==') return undefined;
  for (const [a, b] of [
    [node.left, node.right],
    [node.right, node.left],
  ] as const) {
    if (a.kind === 'ref' && b.kind === 'literal' && literal(b.value)) return a;
  }
  return undefined;
}

/**
 * Actions that fail their step unless who acted has a permission on the repository, and the input
 * that sets it (with its default): `xt0rted/slash-command-action` checks the commenter's
 * `permission-level` (write by default).
 */
const PERMISSION_FAILING_ACTIONS: Record<string, { input: string; fallback: string }> = {
  'xt0rted/slash-command-action': { input: 'permission-level', fallback: 'write' },
};

/**
 * A step of the job, run whatever came before (no `if:`, no `continue-on-error`), of an action that
 * fails unless who acted has write, maintain or admin permission: the job fails without it.
 */
function failingCheck(job: Job): MembershipGate | undefined {
  if (runsPastFailures(job.if)) return undefined;
  for (const step of job.steps) {
    if (step.if !== undefined) continue;
    const coe = step.value['continue-on-error'];
    if (coe !== undefined && coe !== false && String(coe).trim() !== 'false') continue;
    const action = actionOf(step.uses)?.toLowerCase();
    const known = action ? PERMISSION_FAILING_ACTIONS[action] : undefined;
    if (!known) continue;
    const level = input(step, known.input)?.value ?? known.fallback;
    if (typeof level !== 'string' || !/^\s*(?:write|maintain|admin)\s*$/i.test(level)) continue;
    return {
      step: typeof step.id?.value === 'string' ? step.id.value : stepLabel(step),
      job: job.id,
      action: step.uses!.value.replace(/@.*$/, ''),
      how: `which fails the job unless who commented has ${level.trim()} permission, passes`,
    };
  }
  return undefined;
}

/** The parts of a condition that must all hold (`a && (b && c)`: a, b, c); the whole otherwise. */
function conjuncts(node: ExprNode | undefined): ExprNode[] {
  if (!node) return [];
  return node.kind === 'and' ? node.args.flatMap(conjuncts) : [node];
}

/** The reference a part requires to be true (`x == 'true'`, `'true' == x`, `x == true`), if it does. */
function trueComparison(node: ExprNode): RefNode | undefined {
  return comparedRef(node, (v) => v === true || String(v).toLowerCase() === 'true');
}

/**
 * A part that requires the output of a membership step of the job, before `before`, to be true
 * (`steps.member.outputs.isTeamMember == 'true'`) or to hold a value (`contains(steps.member.outputs.teams, 'x')`).
 */
function stepOutputGate(node: ExprNode, job: Job, before: number): MembershipGate | undefined {
  const ref =
    trueComparison(node) ??
    (node.kind === 'call' && node.name === 'contains' && node.args[0]?.kind === 'ref'
      ? node.args[0]
      : undefined);
  return ref ? stepOutput(ref, job, before) : undefined;
}

function stepOutput(ref: RefNode, job: Job, before: number): MembershipGate | undefined {
  if (ref.path[0] !== 'steps' || ref.path[2] !== 'outputs' || ref.path.length !== 4) return undefined;
  const step = job.steps.find(
    (s) => s.index < before && typeof s.id?.value === 'string' && s.id.value.toLowerCase() === ref.path[1],
  );
  if (step?.run && membershipScript(step.run.value, ref.path[3]!)) {
    return { step: String(step.id!.value), job: job.id, action: 'a run: script', how: SCRIPTED_CHECK };
  }
  const action = actionPathOf(step?.uses);
  if (!step || !action || !MEMBERSHIP_ACTION.test(action)) return undefined;
  return {
    step: String(step.id!.value),
    job: job.id,
    action: step.uses!.value.replace(/@.*$/, ''),
    how: NAMED_CHECK,
  };
}

/**
 * A REST call for a user's permission on a repository or membership of an organisation or team
 * (`/repos/o/r/collaborators/$U/permission`, `/orgs/o/memberships/$U`, `/orgs/o/members/$U`,
 * `/orgs/o/teams/t/memberships/$U`).
 */
const MEMBERSHIP_CALL =
  /\/collaborators\/[^\s/]{1,256}\/permission\b|\/orgs\/[^\s/]{1,256}\/(?:teams\/[^\s/]{1,256}\/)?(?:memberships|members)\/[^\s/]{1,256}/;

const SCRIPTED_CHECK =
  "which asks GitHub's API for the membership or permission of who acted or opened the pull request before it writes that output, says so; what it checks is not judged here";

/**
 * Whether a `run:` script decides the step output `output` after asking the REST API, through an API
 * client, for a user's permission or membership ({@link MEMBERSHIP_CALL}): it writes the output to
 * `$GITHUB_OUTPUT` and the call is one of its commands (not a comment or a printed string).
 */
function membershipScript(script: string, output: string): boolean {
  const escaped = output.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (!/GITHUB_OUTPUT/.test(script) || !new RegExp(`(?:^|[\\s"'{])${escaped}=`, 'im').test(script))
    return false;
  return MEMBERSHIP_CALL.test(commandText(script, API_CLIENTS));
}

/** git commands that only move between what the clone already holds (they bring no commits in). */
const LOCAL_SWITCH = /^git\s+(?:checkout|switch)\b/;
/** git subcommands that bring commits in from elsewhere, or name where to fetch them from. */
const GIT_FETCHES = new Set(['fetch', 'pull', 'remote', 'clone', 'submodule']);

/** A `git fetch`/`pull`/`remote`/`clone`/`submodule` (any options before it) or `gh pr checkout`. */
function fetchesCommits(view: CommandView): boolean {
  const words = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
  if (view.name === 'gh') return words[0] === 'pr' && words[1] === 'checkout';
  if (view.name !== 'git') return false;
  return words.some((w) => GIT_FETCHES.has(w));
}

/**
 * Whether a script's `git checkout`/`git switch` of a head name runs in the work tree of a clone of
 * another repository: the last `actions/checkout` of the job into the step's directory (its
 * `working-directory:` and the literal `cd`s before the command) names a fixed repository, written
 * out, that is not this one (so the run's repository must be known), and nothing in the job from
 * that checkout to the command fetches, pulls or adds a remote, so the clone holds only that
 * repository's commits: a branch of the pull request's name there is that repository's (or a new
 * one), none of the pull request's code.
 */
function inOtherRepository(
  workflow: Workflow,
  job: Job,
  step: Step,
  hit: Hit,
  repository: string | undefined,
): boolean {
  if (!repository || !step.run || !hit.command || !LOCAL_SWITCH.test(hit.what)) return false;
  const dir = [
    step.value['working-directory'],
    job.defaults?.workingDirectory?.value,
    workflow.defaults?.workingDirectory?.value,
  ].find((d) => d !== undefined);
  let cwd = dir === undefined ? '' : typeof dir === 'string' ? relativePath('', dir) : undefined;
  const views = scriptCommands(step.run.value);
  for (const view of views) {
    if (view.command.start >= hit.command[0] || cwd === undefined) break;
    if (fetchesCommits(view)) return false;
    if (view.name === 'popd') cwd = undefined;
    if (view.name !== 'cd' && view.name !== 'pushd') continue;
    const args = view.command.words.slice(view.nameIndex + 1).filter((w) => !w.value.startsWith('-'));
    cwd =
      args.length === 1 && !/[$`*?~]/.test(args[0]!.value)
        ? relativePath(cwd ?? '', args[0]!.value)
        : undefined;
  }
  if (cwd === undefined) return false;
  for (let i = step.index - 1; i >= 0; i--) {
    const earlier = job.steps[i]!;
    if (earlier.run) {
      if (
        /\bgit\b[^\n]*\b(?:fetch|pull|remote|clone|submodule)\b|\bgh\s+pr\s+checkout\b/.test(
          earlier.run.value,
        )
      )
        return false;
      continue;
    }
    if (actionOf(earlier.uses) !== 'actions/checkout') {
      if (earlier.uses) return false;
      continue;
    }
    const path = input(earlier, 'path')?.value;
    const into = path === undefined ? '' : typeof path === 'string' ? relativePath('', path) : undefined;
    if (into === undefined) return false;
    if (into !== cwd) continue;
    const repo = input(earlier, 'repository')?.value;
    return (
      typeof repo === 'string' &&
      /^[\w.-]+\/[\w.-]+$/.test(repo.trim()) &&
      repo.trim().toLowerCase() !== repository.toLowerCase()
    );
  }
  return false;
}

/**
 * A hit that fetches the head (`git fetch origin pull/N/head:pr-N`), or configures a remote to fetch
 * pull requests' refs (`git config remote.origin.fetch …`): it brings the commits into the repository
 * without putting them in the work tree, so what runs them is what comes after.
 */
const FETCH_ONLY = /^git\s+(?:-c\s+\S+\s+)*(?:fetch|config)\b/;

interface Hit {
  what: string;
  location: Location;
  /** For a hit in a script: the offsets of the command that checks out or fetches the head. */
  command?: [number, number];
  /** A command other than git's that downloads, clones or installs the head (head-code.ts). */
  route?: CodeRoute;
  /** The step itself runs the code the hit names (an action of the triggering run's artifact). */
  runs?: boolean;
}

/** The offsets of the command of a script that holds an offset, if one does. */
function commandAt(script: string, at: number): [number, number] | undefined {
  const views = scriptCommands(script).filter((v) => v.command.start <= at && at < v.command.end);
  // The innermost one (a checkout inside `$(...)` is that command, not the one around it).
  const inner = views.sort((a, b) => b.command.depth - a.command.depth)[0];
  return inner ? [inner.command.start, inner.command.end] : undefined;
}

/**
 * Whether nothing runs the tree a checkout of the head leaves: the rest of the step's script after
 * the command that checks it out, and every later step of the job, run only commands that print,
 * test, edit text or read git's objects (`git log`, `git rev-parse`: the commit to report, token-use.ts),
 * with a shell that reads them as such, no value of the run written into them and nothing that makes
 * a later step run a file (`$GITHUB_ENV`, `BASH_ENV`, `PATH`); no action runs after it but one that
 * only reads files ({@link READS_FILES_ONLY}: an upload of the tree as an artifact), and no action
 * before it saves a cache when the job ends (its post step would store the tree for later runs).
 * Jobs do not share a work tree: what another job checks out is judged there. After a fetch of the
 * head (`fetchOnly`), which leaves the base's tree in place, the GitHub CLI's commands on pull
 * requests, issues and the API (`gh pr comment`, `gh api`; not `gh pr checkout`) count as reads too:
 * they call the API and run nothing of the fetched commits.
 */
function treeNeverRun(
  workflow: Workflow,
  job: Job,
  step: Step,
  command: [number, number] | undefined,
  fetchOnly = false,
): boolean {
  const later = stepsAfter(job.steps, step);
  if ([workflow.env, job.env, step.env, ...later.map((s) => s.env)].some(loadsCode)) return false;
  if (job.steps.some((s) => s.index < step.index && savesCache(s))) return false;
  const allow = fetchOnly ? githubCliCall : undefined;
  if (
    step.run &&
    (!command ||
      !inertShell(step, job, workflow) ||
      !runsOnlyReads(withoutFixedValues(step.run.value), command, allow))
  )
    return false;
  return later.every((s) =>
    s.uses
      ? READS_FILES_ONLY.has(actionOf(s.uses) ?? '')
      : s.run &&
        inertShell(s, job, workflow) &&
        runsOnlyReads(withoutFixedValues(s.run.value), undefined, allow),
  );
}

/** Contexts of the run whose values no one outside chooses the text of, besides event fields. */
const RUN_VALUES = new Set(['github', 'runner', 'job', 'strategy']);

/**
 * A script with the expressions that can only yield values the run fixes (`${{ github.sha }}`,
 * `${{ github.event.pull_request.base.ref }}`, `${{ runner.temp }}`: no source of injected text, see
 * contexts.ts) written over with letters of the same length, so that offsets stay put: such a value
 * is a word of the command, not code. An expression that reads anything else (env, outputs, inputs,
 * matrices, which may carry text from elsewhere) is kept, and the script counts as running it.
 */
function withoutFixedValues(script: string): string {
  if (!script.includes('${{')) return script;
  let out = script;
  for (const span of findExpressions(script)) {
    const parsed = parseExpression(span.inner);
    if (!parsed.ok) continue;
    const refs = references(parsed.node);
    const fixed = refs.every(
      (r) =>
        RUN_VALUES.has(r.path[0] ?? '') && r.computed.length === 0 && classifyContext(r.path) === undefined,
    );
    if (!fixed) continue;
    out = out.slice(0, span.start) + 'x'.repeat(span.end - span.start) + out.slice(span.end);
  }
  return out;
}

/**
 * Actions that only read the work tree's files and run none of them: actions/upload-artifact packs
 * the files it is given into an artifact (whatever later uses it judges them there).
 */
const READS_FILES_ONLY: ReadonlySet<string> = new Set(['actions/upload-artifact']);

/**
 * Whether a fetch of the head runs none of its code: nothing after it puts the fetched commits into
 * the work tree or runs their content (fetched-head.ts), so every program that runs later is the
 * base's; or, if something may, nothing after the fetch runs anything but reads ({@link treeNeverRun}).
 */
function fetchNeverRun(
  workspace: Workspace,
  flow: Dataflow,
  workflow: Workflow,
  job: Job,
  step: Step,
  hit: Hit,
): boolean {
  return (
    !fetchedIntoTree(workspace, flow, workflow, job, step, hit.command) ||
    treeNeverRun(workflow, job, step, hit.command, true)
  );
}

/** A GitHub CLI call on pull requests, issues or the API, other than one that checks a branch out. */
function githubCliCall(view: CommandView): boolean {
  if (view.name.toLowerCase() !== 'gh') return false;
  const [group, verb] = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
  return (group === 'pr' && verb !== 'checkout') || group === 'issue' || group === 'api';
}

/**
 * An action that may save a cache in its post step, when the job ends: a cache action (not one that
 * only restores), or one given a cache setting (`cache: npm`, `enable-cache: true`).
 */
function savesCache(step: Step): boolean {
  if (!step.uses) return false;
  const path = actionPathOf(step.uses);
  // An action of this repository or a container: what it does when the job ends is not read here.
  if (!path || (/cache/i.test(path) && !/\/restore$/.test(path))) return true;
  // `cache: false` turns the setup action's cache off, whatever else says where it would be.
  const cache = step.with?.entries.get('cache');
  if (cache && (cache.value === false || /^\s*false\s*$/i.test(String(cache.value)))) return false;
  return [...(step.with?.entries ?? [])].some(
    ([k, v]) => /cache/i.test(k) && !(v.value === false || /^\s*(?:false)?\s*$/i.test(String(v.value))),
  );
}

/**
 * Where a step runs: a step of a workflow's job, or of a composite action of the repository that such
 * a step runs (`uses: ./path`), judged as a step of that job: its `inputs.*` are what the calling step
 * passes, and the steps after it in the action, then in the caller, are what runs after it.
 */
interface Site {
  source: WorkflowSource;
  /** The workflow's settings a step sees (its `env:`, `defaults:`); none of them for an action's step. */
  settings: Workflow;
  /** The job; for an action's step, the caller's job with the action's steps. */
  job: Job;
  step: Step;
  /** For an action's step: the site of the step that runs the action. */
  outer?: Site;
}

/** How deep composite actions that run composite actions are followed. */
const COMPOSITE_DEPTH = 3;

function siteScope(site: Site): Scope {
  return {
    source: site.source,
    ...(site.outer ? {} : { job: site.job }),
    stepIndex: site.step.index,
    level: 'step',
    ...(site.outer ? { call: { step: site.outer.step, scope: siteScope(site.outer) } } : {}),
  };
}

/**
 * The head checkouts of a step ({@link headCheckoutsOf}) and, for a step that runs a composite action
 * of the repository, those of the action's steps (and of the composite actions they run, a few
 * levels down), with where each is. A step the action runs only for trusted pull requests is left out.
 */
function headHits(
  workspace: Workspace,
  flow: Dataflow,
  site: Site,
  repository: string | undefined,
  depth = 0,
): { hit: Hit; site: Site }[] {
  const out = headCheckoutsOf(workspace, flow, site).map((hit) => ({ hit, site }));
  const action = depth < COMPOSITE_DEPTH ? localAction(workspace, site.step) : undefined;
  if (action?.using?.value !== 'composite') return out;
  const job: Job = { ...site.job, steps: action.steps, env: undefined };
  const settings: Workflow = { ...site.settings, path: action.path, env: undefined, defaults: undefined };
  for (const step of action.steps) {
    if (excludesOutsiders(step.if, repository)) continue;
    const inner: Site = { source: action, settings, job, step, outer: site };
    for (const found of headHits(workspace, flow, inner, repository, depth + 1))
      out.push(
        found.site === inner
          ? { hit: { ...found.hit, what: `${found.hit.what}, in ${action.path}` }, site: inner }
          : found,
      );
  }
  return out;
}

/**
 * Whether no code of the head a hit brings in runs: for a step of the job, {@link treeNeverRun} or
 * {@link fetchNeverRun}; for a step of a composite action, nothing after it in the action and nothing
 * after the calling step (at every level) runs anything but reads.
 */
function neverRunAt(workspace: Workspace, flow: Dataflow, site: Site, hit: Hit): boolean {
  const fetch = FETCH_ONLY.test(hit.what);
  if (!site.outer)
    return fetch
      ? fetchNeverRun(workspace, flow, site.settings, site.job, site.step, hit)
      : treeNeverRun(site.settings, site.job, site.step, hit.command);
  if (!treeNeverRun(site.settings, site.job, site.step, hit.command, fetch)) return false;
  for (let o: Site | undefined = site.outer; o; o = o.outer)
    if (!treeNeverRun(o.settings, o.job, o.step, undefined, fetch)) return false;
  return true;
}

function headCheckoutsOf(workspace: Workspace, flow: Dataflow, site: Site): Hit[] {
  const { source: workflow, job, step } = site;
  const scope = siteScope(site);
  const hits: Hit[] = [];
  if (actionOf(step.uses) === 'actions/checkout') {
    for (const name of ['ref', 'repository']) {
      const node = input(step, name);
      if (!node || typeof node.value !== 'string') continue;
      for (const e of expressionsAt(workspace, workflow, node.pointer)) {
        if (!e.parsed.ok) continue;
        const f = flow.flows(e.parsed.node, e.inner, scope).find((x) => !x.collection);
        if (f) hits.push({ what: `${name}: ${e.raw}`, location: e.locate(f.ref.start, f.ref.end) });
      }
      // `refs/pull/${{ github.event.number }}/merge`, also with parts of the text in expressions
      // (`refs/${{ 'pull' }}/...`): what the runner computes is the pull request's ref.
      if (
        hits.length === 0 &&
        (/(?:^|\/)pull\/[^/]+\/(?:head|merge)$/.test(node.value.trim()) || stringProducesPullRef(node.value))
      ) {
        hits.push({
          what: `${name}: ${node.value.trim()}`,
          location: locationFromSpan(workflow.path, node.span),
        });
      }
    }
    return hits.slice(0, 1);
  }
  // An action of the repository's tree (`uses: ./path`) that the triggering run's artifact unpacked.
  if (step.uses && !step.run) {
    const ran = artifactAction(workspace, site.settings, job, step);
    if (ran)
      hits.push({
        what: ran,
        location: locationFromSpan(workflow.path, step.uses.span),
        route: 'download',
        runs: true,
      });
    return hits;
  }
  if (!step.run) return hits;
  const text = locatedText(workspace, workflow.path, step.run);
  // A file of the triggering run's artifact run here: that run built the pull request's code.
  const ran = artifactRuns(workspace, site.settings, job, step);
  if (ran) {
    // The command itself runs the artifact's file: what follows the hit is judged from its start.
    const { start, end } = ran.view.command;
    hits.push({
      what: ran.what,
      location: text.locate(start, end),
      command: [start, start],
      route: 'download',
    });
    return hits;
  }
  // Downloads, clones and installs of the head (no git command), whatever else the script does.
  const found = headVariables(flow, scope, step.run.value, site.settings, job, step);
  const routes = found
    .filter((h) => h.route)
    .map((h) => ({
      what: h.what,
      location: text.locate(h.at[0], h.at[1]),
      command: [h.view.command.start, h.view.command.end] as [number, number],
      route: h.route,
    }));
  for (const c of headCheckouts(step.run.value)) {
    const command = commandAt(step.run.value, c.start);
    hits.push({ what: c.text, location: text.locate(c.start, c.end), ...(command ? { command } : {}) });
  }
  if (hits.length > 0) return [...hits, ...routes];
  // `git checkout ${{ github.event.pull_request.head.sha }}` and friends, line by line.
  const script = joinContinuations(step.run.value);
  let at = 0;
  for (const line of script.split('\n')) {
    if (/\bgit\s+(?:-c\s+\S+\s+)*(?:checkout|switch|fetch|reset|pull|clone|worktree)\b/.test(line)) {
      for (const span of findExpressions(line)) {
        const parsed = parseExpression(span.inner);
        if (!parsed.ok) continue;
        const f = flow.flows(parsed.node, span.inner, scope).find((x) => !x.collection);
        if (!f) continue;
        const from = at + span.innerStart + f.ref.start;
        const command = commandAt(step.run.value, from);
        hits.push({
          what: line.trim().replace(/\s+/g, ' '),
          location: text.locate(from, at + span.innerStart + f.ref.end),
          ...(command ? { command } : {}),
        });
        break;
      }
    }
    at += line.length + 1;
  }
  if (hits.length > 0) return [...hits, ...routes];
  // `git fetch origin "$SHA"` with `SHA: ${{ github.event.pull_request.head.sha }}` in an `env:`.
  for (const hit of found) {
    if (hit.route) continue;
    hits.push({
      what: hit.what,
      location: text.locate(hit.at[0], hit.at[1]),
      command: [hit.view.command.start, hit.view.command.end],
    });
  }
  return [...hits, ...routes];
}

/** Interpreters whose first operand is the script they run (`bash ./build.sh`, `node dist/run.js`). */
const SCRIPT_INTERPRETERS = new Set([
  'bash',
  'sh',
  'zsh',
  'dash',
  'source',
  '.',
  'node',
  'python',
  'python3',
  'ruby',
  'perl',
  'pwsh',
  'deno',
  'bun',
]);

/** Build and install commands that run the project of the folder they are started in. */
const PROJECT_RUNNERS =
  /^(?:npm|yarn|pnpm|make|cargo|go|mvn|gradle|\.\/gradlew|pip3?|poetry|uv|bundle|rake|composer)$/;

/** A folder a triggering run's artifact is unpacked in, and whether that happens over a checkout. */
interface ArtifactFolder {
  /** Relative to the workspace; `''` is its root. */
  folder: string;
  /**
   * The job checked the repository out before the artifact was unpacked there: its files replace the
   * repository's (a checkout after it would have emptied the folder first).
   */
  overCheckout: boolean;
}

/**
 * The folders an earlier step of the job unpacks the triggering workflow run's artifacts in, in a
 * workflow that `workflow_run` starts: `actions/download-artifact` (or a fork of it) given the run's
 * id, `gh run download` of it (`-D <folder>`), or a github-script that downloads an artifact of the
 * run through the API (`downloadArtifact` with the run's id, then unpacked by `unzip`, `-d <folder>`
 * or the root). That run built or tested the pull request's code, so what its artifacts hold is the
 * pull request's to choose.
 */
function triggeringArtifacts(workflow: Workflow, job: Job, step: Step): ArtifactFolder[] {
  if (!eventsOf(workflow).has('workflow_run')) return [];
  const folders: ArtifactFolder[] = [];
  // The workspace named by the run (`${{ github.workspace }}/site`, `$GITHUB_WORKSPACE`) is the root.
  const folder = (written: unknown) =>
    relativePath(
      '',
      typeof written === 'string'
        ? written
            .trim()
            .replace(/^(?:\$\{\{\s*github\.workspace\s*\}\}|\$\{?GITHUB_WORKSPACE\}?)(?:\/|$)/i, './')
        : '.',
    );
  let checkedOut = false;
  const add = (at: string | undefined) => {
    if (at !== undefined) folders.push({ folder: at, overCheckout: checkedOut });
  };
  for (const s of job.steps) {
    if (s.index > step.index) break;
    const action = actionOf(s.uses) ?? '';
    if (s.uses && /download-artifact/.test(action)) {
      const id = input(s, 'run-id') ?? input(s, 'run_id');
      if (typeof id?.value !== 'string' || !/workflow_run\.id\b/.test(id.value)) continue;
      add(folder(input(s, 'path')?.value ?? '.'));
    } else if (action === 'actions/github-script' && s.index < step.index) {
      const script = input(s, 'script')?.value;
      if (
        typeof script !== 'string' ||
        !/\bdownloadArtifact\b/.test(script) ||
        !/workflow_run\b/.test(script)
      )
        continue;
      // The archive is written as a file; the first `unzip` after it says where it is unpacked.
      const unzip = job.steps
        .filter((t) => t.index > s.index && t.index <= step.index && t.run)
        .map((t) => /\bunzip\b[^\n;|&]*/.exec(t.run!.value)?.[0])
        .find((u) => u !== undefined);
      if (unzip === undefined) continue;
      const dir = /\s-d\s*("[^"]*"|'[^']*'|\S+)/.exec(unzip)?.[1]?.replace(/^["']|["']$/g, '');
      add(folder(dir ?? '.'));
    } else if (s.run && /\bgh\s+run\s+download\b/.test(s.run.value)) {
      const env = [s.env, job.env, workflow.env].flatMap((e) => [...(e?.entries.values() ?? [])]);
      const fromRun = [s.run.value, ...env.map((v) => String(v.value ?? ''))].some((t) =>
        /workflow_run\.id\b/.test(t),
      );
      if (!fromRun) continue;
      const dir = /\s(?:-D|--dir)[ =]("[^"]*"|'[^']*'|\S+)/
        .exec(s.run.value)?.[1]
        ?.replace(/^["']|["']$/g, '');
      add(folder(dir ?? '.'));
    }
    if (action === 'actions/checkout') checkedOut = true;
  }
  return folders;
}

/**
 * A command of the step that runs a file of the triggering run's artifact ({@link triggeringArtifacts}):
 * an interpreter given a file there, a program named by a path there, or a build or install command
 * of the project it unpacked (at the root of a job that checks nothing out, or over its checkout, or
 * in the folder the command runs in). A file the repository holds, in a job that checks the repository
 * out, is the base's own unless the artifact was unpacked over it.
 */
function artifactRuns(
  workspace: Workspace,
  workflow: Workflow,
  job: Job,
  step: Step,
): { what: string; view: CommandView } | undefined {
  if (!step.run) return undefined;
  const folders = triggeringArtifacts(workflow, job, step);
  if (folders.length === 0) return undefined;
  const checksOut = job.steps.some((s) => actionOf(s.uses) === 'actions/checkout');
  const written = step.value['working-directory'] ?? job.defaults?.workingDirectory?.value;
  const dir = relativePath('', typeof written === 'string' ? written : '.') ?? '';
  const within = (file: string | undefined) =>
    file !== undefined &&
    folders.some(({ folder: f, overCheckout }) =>
      f === '' ? overCheckout || !(checksOut && workspace.has(file)) : file === f || file.startsWith(`${f}/`),
    );
  const script = step.run.value;
  for (const view of scriptCommands(script)) {
    const words = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
    const name = view.command.words[view.nameIndex]?.value ?? view.name;
    const operand =
      SCRIPT_INTERPRETERS.has(view.name) && !words.includes('-c')
        ? words.find((w) => !w.startsWith('-'))
        : undefined;
    const file = operand ?? (/^\.{0,2}\/|\//.test(name) && !name.startsWith('/') ? name : undefined);
    const runsFile = file !== undefined && within(relativePath(dir, file));
    const runsProject =
      PROJECT_RUNNERS.test(view.name) &&
      folders.some(({ folder: f, overCheckout }) =>
        f === '' ? overCheckout || !checksOut : dir === f || dir.startsWith(`${f}/`),
      );
    if (runsFile || runsProject) {
      const what = script.slice(view.command.start, view.command.end).trim().replace(/\s+/g, ' ');
      return { what: `${what}, of the triggering run's artifact`, view };
    }
  }
  return undefined;
}

/**
 * `uses: ./path` of a step whose action the triggering run's artifact unpacked ({@link
 * triggeringArtifacts}): in its folder, or at the root over the checkout, or at the root of a job
 * that checks nothing out (the action is then the artifact's alone).
 */
function artifactAction(workspace: Workspace, workflow: Workflow, job: Job, step: Step): string | undefined {
  const uses = step.uses?.value.trim() ?? '';
  if (!uses.startsWith('./')) return undefined;
  const path = relativePath('', uses);
  if (path === undefined) return undefined;
  const folders = triggeringArtifacts(workflow, job, step);
  const checksOut = job.steps.some((s) => actionOf(s.uses) === 'actions/checkout');
  const unpacked = folders.some(({ folder: f, overCheckout }) =>
    f === ''
      ? overCheckout || !(checksOut && workspace.has(`${path}/action.yml`))
      : path === f || path.startsWith(`${f}/`),
  );
  return unpacked ? `uses: ${uses}, of the triggering run's artifact` : undefined;
}

/** git subcommands that write a patch into the work tree. */
const GIT_APPLIES = new Set(['apply', 'am']);

/**
 * Whether a patch is applied to the work tree at or after offset `from` of the step's script, or in a
 * later step of the job: `git apply`, `git am` (after any global options) or `patch`.
 */
function appliesPatch(script: string, from: number, job: Job, step: Step): boolean {
  const applies = (view: CommandView) => {
    if (view.name === 'patch') return true;
    if (view.name !== 'git') return false;
    const args = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
    let k = 0;
    while (k < args.length && args[k]!.startsWith('-')) k += /^-[cC]$/.test(args[k]!) ? 2 : 1;
    return GIT_APPLIES.has(args[k] ?? '');
  };
  if (scriptCommands(script).some((v) => v.command.start >= from && applies(v))) return true;
  return stepsAfter(job.steps, step).some((s) => s.run && scriptCommands(s.run.value).some(applies));
}

/** git subcommands that fetch, check out or reset to what they are given. */
const GIT_TAKES_REF = new Set(['checkout', 'switch', 'fetch', 'reset', 'pull', 'clone', 'worktree']);
/** A shell variable read in a word: `$NAME`, `${NAME}`, `${NAME:-x}` (not `${{`). */
const SHELL_VAR = /\$(?:\{([A-Za-z_]\w*)|([A-Za-z_]\w*))/g;
/** Options of `git checkout`, `git switch` and `git worktree add` whose value names a branch to create. */
const NEW_BRANCH_OPTION = /^(?:-[bBcC]|--orphan)$/;
/** The runner's own variables that name the head: `GITHUB_HEAD_REF` is `github.head_ref`. */
const HEAD_VARIABLES = new Set(['GITHUB_HEAD_REF']);

/** A variable read in a word: `$NAME`, `${NAME}`, and PowerShell's `$env:NAME`. */
const ANY_VAR = /\$(?:env:([A-Za-z_]\w*)|\{([A-Za-z_]\w*)|([A-Za-z_]\w*))/gi;
/** A pull request's head or merge ref, by its number (`pull/123/head`, `refs/pull/$PR/merge`). */
const PULL_REF = /(?:^|\/)pull\/(?:\$\{\{[^}]{1,200}\}\}|[^/\s]{1,200})\/(?:head|merge)\b/;

/**
 * The git commands of a script (parsed: comments and strings are not commands) that fetch, check out
 * or reset to a shell variable naming the pull request's head: one set in the step's, job's or
 * workflow's `env:` (or written to `$GITHUB_ENV` by an earlier step) from an expression of the head
 * (its SHA, branch, repository or clone URL, followed as the dataflow follows `env.NAME`), the
 * runner's `GITHUB_HEAD_REF`, or a variable the script assigned from one of those (or from an
 * expression of the head written in the script) before the command;
 * or the head looked up through the API in the command's word or in such a variable's assignment
 * (`git fetch origin "$(gh pr view $N --json headRefOid -q .headRefOid)"`, head-lookup.ts). Also,
 * with their `route`, the other commands that download, clone or install what they are given
 * (head-code.ts) when a word that names what they fetch holds such a variable, an expression of the
 * head, a lookup, or a `pull/N/head` ref.
 */
function headVariables(
  flow: Dataflow,
  scope: Scope,
  script: string,
  workflow: Workflow,
  job: Job,
  step: Step,
): { what: string; at: [number, number]; view: CommandView; route?: CodeRoute }[] {
  const views = scriptCommands(script);
  // Whether text of the script holds an expression of the head (`${{ github.event.pull_request.head.sha }}`).
  const inline = (from: number, to: number) =>
    findExpressions(script.slice(from, to)).some((span) => {
      const parsed = parseExpression(span.inner);
      return parsed.ok && flow.flows(parsed.node, span.inner, scope).some((f) => !f.collection);
    });
  // Variables the script assigns (`REF="$SHA"`, `export REF=$SHA`): where, what they read, their text.
  const assigned = new Map<string, { start: number; reads: string[]; lookup: boolean; text: string }[]>();
  for (const v of views) {
    const words =
      v.command.words.length === 0
        ? v.command.assignments
        : ['export', 'local', 'declare', 'readonly', 'typeset'].includes(v.name)
          ? v.command.words.slice(v.nameIndex + 1)
          : [];
    for (const w of words) {
      const m = /^([A-Za-z_]\w*)=(.*)$/s.exec(w.value);
      if (!m) continue;
      const reads = [...m[2]!.matchAll(SHELL_VAR)].map((r) => (r[1] ?? r[2])!);
      const list = assigned.get(m[1]!) ?? [];
      // `SHA=$(gh api repos/$R/pulls/$N --jq .head.sha)`: the head, looked up at run time.
      const lookup = headLookupIn(script, w.start, w.end) || inline(w.start, w.end);
      list.push({ start: v.command.start, reads, lookup, text: m[2]! });
      assigned.set(m[1]!, list);
    }
  }
  const names = (name: string, before: number, depth: number): boolean => {
    if (HEAD_VARIABLES.has(name)) return true;
    if (depth > 4) return false;
    const own = assigned.get(name)?.filter((a) => a.start < before);
    if (own && own.length > 0)
      return own.some((a) => a.lookup || a.reads.some((r) => names(r, a.start, depth + 1)));
    const parsed = parseExpression(`env.${name}`);
    return parsed.ok && flow.flows(parsed.node, `env.${name}`, scope).some((f) => !f.collection);
  };
  // A word's text with the variables whose value is written out (an `env:`, an assignment) put in.
  const expand = (text: string, before: number, depth = 0): string =>
    depth > 3
      ? text
      : text.replace(ANY_VAR, (whole, a?: string, b?: string, c?: string) => {
          const name = (a ?? b ?? c)!;
          const own = assigned.get(name)?.filter((x) => x.start < before);
          const value = own?.length
            ? own[own.length - 1]!.text
            : [step.env, job.env, workflow.env]
                .map((e) => e?.entries.get(name)?.value)
                .find((v) => v !== undefined);
          return typeof value === 'string' ? expand(value, before, depth + 1) : whole;
        });
  const out: { what: string; at: [number, number]; view: CommandView; route?: CodeRoute }[] = [];
  for (const view of views) {
    const what = script.slice(view.command.start, view.command.end).trim().replace(/\s+/g, ' ');
    if (view.name !== 'git') {
      // The pull request's diff or patch, applied to the base's tree here or later: the head's code.
      const diff = pullDiffFetchOf(view, (t) => expand(t, view.command.start));
      if (diff && appliesPatch(script, view.command.start, job, step)) {
        out.push({ what, at: [diff.start, diff.end], view, route: 'download' });
        continue;
      }
      const fetch = codeFetchOf(view, (w, endpoint) =>
        apiMetadata(expand(w.value, view.command.start), endpoint),
      );
      const word = fetch?.words.find((w) => {
        // A URL's path: what follows `?` is its query, which names a commit to a service.
        const query = fetch.pathOnly ? script.slice(w.start, w.end).indexOf('?') : -1;
        const [value, end] = query < 0 ? [w.value, w.end] : [w.value.split('?', 1)[0]!, w.start + query];
        return (
          [...value.matchAll(ANY_VAR)].some((m) => names((m[1] ?? m[2] ?? m[3])!, view.command.start, 0)) ||
          PULL_REF.test(value) ||
          headLookupIn(script, w.start, end) ||
          inline(w.start, end)
        );
      });
      if (fetch && word) out.push({ what, at: [word.start, word.end], view, route: fetch.route });
      continue;
    }
    const args = view.command.words.slice(view.nameIndex + 1);
    // The subcommand, after `-c key=value` and `-C dir`.
    let k = 0;
    while (k < args.length && args[k]!.value.startsWith('-')) k += /^-[cC]$/.test(args[k]!.value) ? 2 : 1;
    if (!GIT_TAKES_REF.has(args[k]?.value ?? '')) continue;
    const rest = args.slice(k + 1);
    const word = rest.find(
      (w, i) =>
        // `git checkout -b "$HEAD_REF"` names a new branch made from what is checked out already.
        !(i > 0 && NEW_BRANCH_OPTION.test(rest[i - 1]!.value)) &&
        ([...w.value.matchAll(SHELL_VAR)].some((m) => names((m[1] ?? m[2])!, view.command.start, 0)) ||
          headLookupIn(script, w.start, w.end)),
    );
    if (!word) continue;
    out.push({ what, at: [word.start, word.end], view });
  }
  return out;
}
