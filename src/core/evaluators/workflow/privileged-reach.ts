import { references } from '../../parsers/expression.js';
import { parseUses } from '../../parsers/uses.js';
import {
  type Job,
  localAction,
  readWorkflowSource,
  type Step,
  type Workflow,
} from '../../parsers/workflow.js';
import { expressionsUnder } from '../../parsers/workflow-expressions.js';
import type { Location } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { escapePointerToken } from '../../workspace/yaml.js';
import { commandsOf } from './commands.js';
import { jobExcludesOutsiders } from './conditions.js';
import type { Dataflow, Flow, Scope } from './dataflow.js';
import { scriptRunsCode } from './script-head.js';
import { actionOf, input } from './shared.js';
import { headCheckouts } from './shell.js';
import { inertShell, loadsCode } from './token-use.js';

/**
 * What the author of a pull request can make the jobs of a privileged workflow (`pull_request_target`,
 * `workflow_run`) do once no job checks out their code: hand that code to another system (its fork
 * and commit, passed with a credential: a build elsewhere, unseen here), or nothing but what the
 * workflow's own steps do with the event as data (labelling, commenting), the shape the rule asks for.
 */

/** A step that passes the pull request's code (where to fetch it) to another system, with a credential. */
export interface HandOff {
  /** The references that name the code, as written (`github.event.pull_request.head.repo.full_name`, ...). */
  what: string[];
  /** The secret the step can use (`secrets.CI_TOKEN`). */
  secret: string;
  location: Location;
}

/** A reference to the head's repository (a fork), and to a URL to clone it from. */
const HEAD_REPOSITORY = /\.(?:head\.repo|head_repository)\./;
const CLONE_URL = /\.(?:clone_url|ssh_url|git_url)$/;
/** A reference to the head's commit or branch. */
const HEAD_COMMIT =
  /(?:\.head\.(?:sha|ref)|\.head_sha|\.head_branch|\.head_commit\.id|\.merge_commit_sha|^github\.head_ref)$/;

/**
 * The hand-off a step makes, if any: a step other than a checkout whose inputs, environment or script
 * receive both the repository and the commit (or branch) of the pull request's head, or a URL to clone
 * it, in a job that holds a secret other than its own token (what another system's API or build would
 * need). A head SHA alone names a commit to comment on or to look a pull request up by: data.
 */
export function headHandOff(
  workspace: Workspace,
  heads: Dataflow,
  workflow: Workflow,
  job: Job,
  step: Step,
): HandOff | undefined {
  if (actionOf(step.uses) === 'actions/checkout') return undefined;
  const scope: Scope = { source: workflow, job, stepIndex: step.index, level: 'step' };
  const flows: { flow: Flow; locate: (from: number, to: number) => Location }[] = [];
  for (const e of stepValues(workspace, workflow, step)) {
    if (!e.parsed.ok) continue;
    for (const f of heads.flows(e.parsed.node, e.inner, scope))
      if (!f.collection) flows.push({ flow: f, locate: e.locate });
  }
  const named = flows.map((f) => f.flow.origin.text);
  const repository = flows.find((f) => HEAD_REPOSITORY.test(f.flow.origin.text));
  const url = flows.find((f) => CLONE_URL.test(f.flow.origin.text));
  const code = url ?? (repository && named.some((t) => HEAD_COMMIT.test(t)) ? repository : undefined);
  if (!code) return undefined;
  const secret = secretInReach(workspace, workflow, job, step);
  if (!secret) return undefined;
  return {
    what: [...new Set(named)],
    secret,
    location: code.locate(code.flow.ref.start, code.flow.ref.end),
  };
}

/** The expressions a step is given: its inputs, environment and script (not its condition or name). */
function stepValues(workspace: Workspace, workflow: Workflow, step: Step) {
  return ['with', 'env', 'run'].flatMap((field) =>
    expressionsUnder(workspace, workflow, `${step.pointer}/${field}`),
  );
}

/** A secret other than the job's own token that the step is given or sees in its job's or workflow's `env:`. */
function secretInReach(workspace: Workspace, workflow: Workflow, job: Job, step: Step): string | undefined {
  const values = [
    ...stepValues(workspace, workflow, step),
    ...expressionsUnder(workspace, workflow, `${job.pointer}/env`),
    ...expressionsUnder(workspace, workflow, '/env'),
  ];
  for (const e of values) {
    if (!e.parsed.ok) continue;
    for (const ref of references(e.parsed.node)) {
      const [context, name] = ref.path;
      if (context === 'secrets' && name && name !== 'github_token' && name !== '*')
        return e.inner.slice(ref.start, ref.end);
    }
  }
  return undefined;
}

/** Actions that download the artifacts of another workflow run (`owner/repo`, lower case). */
const RUN_ARTIFACT_ACTIONS = new Set(['dawidd6/action-download-artifact']);

/** An expression of the event's values, the raw event file, or a head ref, in an action's text. */
const EVENT_TEXT =
  /\$\{\{[^}]*\bgithub\s*\.\s*(?:event|head_ref)\b|\bGITHUB_EVENT_PATH\b|\bGITHUB_HEAD_REF\b/;

/**
 * Whether a composite action of this repository keeps to the event as data: its file names no value
 * of the event (no `github.event`, `github.head_ref` expression, nor the raw event file), no script
 * of its fetches or checks out the head, its steps use no github-script, checkout or artifact download,
 * and the composite actions it uses in turn (a few levels) do the same. A Docker or JavaScript action
 * of the repository runs code not read here: not data.
 */
function compositeAsData(workspace: Workspace, step: Step, depth: number): boolean {
  const action = depth < 3 ? localAction(workspace, step) : undefined;
  if (action?.using?.value !== 'composite') return false;
  const text = workspace.text(action.path);
  if (text === undefined || EVENT_TEXT.test(text)) return false;
  return action.steps.every((s) => {
    if (s.run) return headCheckouts(s.run.value).length === 0;
    if (!s.uses) return true;
    const ref = parseUses(s.uses.value);
    if (ref.kind === 'local') return compositeAsData(workspace, s, depth + 1);
    const name = actionOf(s.uses);
    return (
      ref.kind === 'repository' &&
      name !== undefined &&
      !['actions/github-script', 'actions/checkout', 'actions/download-artifact'].includes(name) &&
      !RUN_ARTIFACT_ACTIONS.has(name)
    );
  });
}

/** Programs that only upload the files they are given (a directory of artifacts), as data. */
const UPLOADER =
  /^(?:smokeshow\s+upload|aws\s+s3\s+(?:cp|sync)|gsutil\s+(?:-m\s+)?(?:cp|rsync)|az\s+storage\s+blob\s+(?:upload|upload-batch)|gh\s+release\s+upload)(?:\s|$)/;

/**
 * Whether a script after a download of the triggering run's artifacts only uploads files: each of its
 * commands is an uploader ({@link UPLOADER}) run by a shell that reads it as such, with no
 * variable that makes a program load files (`PATH`, `BASH_ENV`) set for it.
 */
function uploadsOnly(step: Step, job: Job, workflow: Workflow): boolean {
  if (!step.run || !inertShell(step, job, workflow)) return false;
  if ([workflow.env, job.env, step.env].some(loadsCode)) return false;
  const commands = commandsOf(step.run.value);
  return (
    commands.length > 0 &&
    commands.every(
      (c) => c.words.length === c.program.length && UPLOADER.test(c.program.map((w) => w.text).join(' ')),
    )
  );
}

/**
 * Whether every job of the workflow that outsiders can start reads the event only as data: none
 * checks out, fetches or hands on the pull request's code (even under a condition that keeps it to
 * trusted runs),
 * no script (`run:`, github-script) has a value an outsider chose written into it, reads the raw event
 * file, or runs commands from github-script; a github-script names the head's commit, branch or
 * repository only to look metadata up or post a status or comment (script-head.ts); no action
 * other than a checkout is given the head, but for an action known to only post a check run or
 * status on the commit it is given ({@link POSTS_ON_COMMIT}); no job
 * calls a reusable workflow of another repository (unseen); a `workflow_run` job that downloads the
 * triggering run's artifacts runs no script after it but one that only uploads files
 * ({@link uploadsOnly}: what the artifacts hold reaches only actions and uploaders, as files to post).
 * Local reusable workflows are followed, and so are composite actions of the repository
 * ({@link compositeAsData}) given no value of the event. A script brings the head in when
 * `bringsHead` says so (the caller's judgement: it checks out, clones, downloads or installs the
 * head; a fetch whose commits are only read does not); by default, when it fetches or checks out a
 * pull request's ref by git or `gh pr checkout`.
 */
export function eventAsData(
  workspace: Workspace,
  text: Dataflow,
  heads: Dataflow,
  workflow: Workflow,
  repository: string | undefined,
  bringsHead: (job: Job, step: Step) => boolean = (_, step) => headCheckouts(step.run!.value).length > 0,
  seen = new Set<string>(),
): boolean {
  if (seen.has(workflow.path)) return true;
  seen.add(workflow.path);
  return workflow.jobs.every((job) => {
    if (jobExcludesOutsiders(workflow, job, repository)) return true;
    if (job.uses) {
      const ref = parseUses(job.uses.value);
      if (ref.kind !== 'local') return false;
      const called = readWorkflowSource(workspace, ref.path.replace(/^\.\//, '').replace(/@.*$/, ''));
      return (
        called?.kind === 'workflow' &&
        eventAsData(workspace, text, heads, called, repository, bringsHead, seen)
      );
    }
    let downloaded = false;
    for (const step of job.steps) {
      const scope: Scope = { source: workflow, job, stepIndex: step.index, level: 'step' };
      const tainted = (field: string, classify: Dataflow) =>
        expressionsUnder(workspace, workflow, `${step.pointer}/${field}`).some(
          (e) => e.parsed.ok && classify.flows(e.parsed.node, e.inner, scope).length > 0,
        );
      if (headHandOff(workspace, heads, workflow, job, step)) return false;
      const action = actionOf(step.uses);
      if (step.run) {
        if (
          (downloaded && !uploadsOnly(step, job, workflow)) ||
          /\bGITHUB_EVENT_PATH\b/.test(step.run.value) ||
          bringsHead(job, step) ||
          tainted('run', text)
        )
          return false;
        if (/(?<![\w-])gh\s+run\s+download(?![\w-])/.test(step.run.value)) downloaded = true;
        continue;
      }
      if (action === 'actions/github-script') {
        const script = input(step, 'script');
        if (script && (tainted('with/script', text) || scriptRunsCode(String(script.value)))) return false;
        if (/\bdownloadArtifact\s*\(/.test(String(script?.value ?? ''))) downloaded = true;
        continue;
      }
      // A composite action of this repository: its steps are read, and it is given no event value.
      if (step.uses && parseUses(step.uses.value).kind === 'local') {
        if (
          downloaded ||
          tainted('with', text) ||
          tainted('with', heads) ||
          !compositeAsData(workspace, step, 0)
        )
          return false;
        continue;
      }
      // A checkout of the head that a condition keeps to trusted runs (or a reusable workflow whose
      // callers' checkouts are judged in it) still puts the pull request's code in the job.
      if (action === 'actions/checkout' && tainted('with', heads)) return false;
      if (
        action !== 'actions/checkout' &&
        !(action && POSTS_ON_COMMIT.has(action)) &&
        // The head's commit or branch picks the run whose artifacts it downloads: files, judged below.
        !(action && RUN_ARTIFACT_ACTIONS.has(action)) &&
        givenTheHead(step, (name) => tainted(`with/${name}`, heads))
      )
        return false;
      if (
        (action === 'actions/download-artifact' && input(step, 'run-id')) ||
        (action && RUN_ARTIFACT_ACTIONS.has(action))
      )
        downloaded = true;
    }
    return true;
  });
}

/**
 * Actions (`owner/repo`, lower case) that only create or update a check run or a commit status on the
 * commit they are given (`sha:`): the head's commit there says where to post, and no code is fetched.
 */
const POSTS_ON_COMMIT = new Set([
  'louisbrunner/checks-action',
  'int128/checks-action',
  'myrotvorets/set-commit-status-action',
  'ouzi-dev/commit-status-updater',
]);

/**
 * Whether an action is given the head's commit, branch or repository in an input named for one (`ref`,
 * `sha`, `repository`): what it fetches with it is not seen here. A pull request number, or a file
 * derived from the run, is data.
 */
function givenTheHead(step: Step, tainted: (name: string) => boolean): boolean {
  for (const name of step.with?.entries.keys() ?? [])
    if (/ref|sha|commit|branch|repo/i.test(name) && tainted(escapePointerToken(name))) return true;
  return false;
}
