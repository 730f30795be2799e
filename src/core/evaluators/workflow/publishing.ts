import picomatch from 'picomatch';
import { parseUses } from '../../parsers/uses.js';
import type { Job, Step, Workflow } from '../../parsers/workflow.js';
import type { Workspace } from '../../workspace/workspace.js';
import { calledHere, callingJobs } from './callers.js';
import { commandsOf } from './commands.js';
import { jobEvents } from './event-guards.js';
import { makeRecipes } from './pr-evidence-follow.js';
import { actionPathOf, anyText, input, isFalse, isTrue } from './shared.js';
import { firstRealCommand } from './shell.js';

/**
 * What makes a workflow a release: its trigger (a release, a pushed tag) or a step that publishes
 * (a package registry, a GitHub release, a container registry). Shared by the audits that judge
 * release workflows (cache-poisoning) and publishing credentials (use-trusted-publishing).
 */

/** Actions that publish what the job built (`owner/repo[/path]`, lower case). */
const PUBLISH_ACTIONS = [
  'pypa/gh-action-pypi-publish',
  'softprops/action-gh-release',
  'ncipollo/release-action',
  'svenstaro/upload-release-action',
  'actions/create-release',
  'actions/upload-release-asset',
  'js-devtools/npm-publish',
  'rubygems/release-gem',
  'cadwallion/publish-rubygems-action',
  'katyo/publish-crates',
  'cycjimmy/semantic-release-action',
  'marvinpinto/action-automatic-releases',
  // Build an image and push it, with the registry credentials they are given.
  'elgohr/publish-docker-github-action',
  'jerray/publish-docker-action',
];

/**
 * Commands that publish (package registries, releases, images; a signature or attestation cosign
 * pushes beside an image in its registry, not `sign-blob`, which writes a file; an image ko builds
 * and pushes to `KO_DOCKER_REPO`; Bundler's `rake release`, which builds, tags and pushes the gem, and
 * a namespaced `release:<gem>` task of a repository of several gems). Not Gradle's `publishToMavenLocal` (`publish<Name>PublicationToMavenLocal`),
 * which writes to the Maven repository of the runner's home, for a later step of the job to build against.
 */
export const PUBLISH_COMMAND =
  /(?<![\w-])(?:(?:npm|pnpm|lerna|changeset|vsce|ovsx)\s+publish|maturin\s+(?:publish|upload)|ko\s+(?:build|publish|resolve|apply|create)|yarn\s+(?:npm\s+)?publish|twine\s+upload|(?:uv|poetry|hatch|flit|pdm)\s+publish|cargo\s+publish|gem\s+push|rake\s+release(?:\[[^\]\s]*\]|:(?!guard_clean\b|source_control_push\b)[\w-]+)?(?![\w:[-])|(?:dotnet\s+)?nuget\s+push|(?:docker|podman)\s+(?:image\s+|manifest\s+)?push|docker\s+buildx\s+imagetools\s+create|docker\s+(?:buildx\s+)?build\s[^\n;&|]{0,500}?(?:\s--push|push=true|type=registry)|gh\s+release\s+(?:create|upload)|cosign\s+(?:sign|attest)|goreleaser\s+release|(?:npx\s+)?semantic-release(?!-)|mvn\b[^\n]{0,200}\bdeploy\b|(?:gradle|gradlew)\b[^\n]{0,200}\bpublish(?!\w*ToMavenLocal\b)\w*)(?![\w-])/;

/**
 * Whether a step publishes. Given its job (and workflow), their `env:` is read too, for a registry
 * that is evidently a throwaway one ({@link localPush}).
 */
export function publishes(step: Step, job?: Job, workflow?: Workflow): boolean {
  const action = actionPathOf(step.uses);
  if (action) {
    if (PUBLISH_ACTIONS.some((a) => action === a || action.startsWith(`${a}/`))) return true;
    // docker/build-push-action publishes only with `push: true`; goreleaser only runs `release` (and
    // not a snapshot, or with publishing skipped).
    if (action === 'docker/build-push-action') return isTrue(input(step, 'push'));
    // changesets/action publishes (runs the command given as `publish`, from v2 `publish-script`)
    // when that input is set; without it, it only opens the version pull request. maturin-action
    // uploads with `command: upload` (or `publish`).
    if (action === 'changesets/action')
      return nonEmpty(input(step, 'publish')?.value) || nonEmpty(input(step, 'publish-script')?.value);
    if (action === 'pyo3/maturin-action')
      return /^\s*(?:upload|publish)\b/.test(String(input(step, 'command')?.value ?? ''));
    if (action === 'goreleaser/goreleaser-action') {
      const args = input(step, 'args')?.value;
      // goreleaser without a command (no args, or only flags: `--debug`, `--clean`) runs `release`;
      // `install-only` only installs it.
      if (isTrue(input(step, 'install-only'))) return false;
      const text = typeof args === 'string' ? args : '';
      const command = text.split(/\s+/).find((w) => w !== '' && !w.startsWith('-'));
      return (
        (command === undefined || /(^|\s)release(\s|$)/.test(text)) &&
        !/--snapshot|--skip[= ][^\n]*publish|--skip-publish/.test(text)
      );
    }
    return pushesWithLogin(step);
  }
  if (typeof step.run?.value !== 'string') return false;
  return publishesIn(step.run.value, envOf(step, job, workflow));
}

/** A value that is a non-empty string (an expression counts: it may well be set). */
function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

/** A variable of the environment a step's script starts with: the step's `env:`, its job's, its workflow's. */
function envOf(step: Step, job?: Job, workflow?: Workflow): (name: string) => unknown {
  return (name) =>
    [step.env, job?.env, workflow?.env].map((m) => m?.entries.get(name)?.value).find((v) => v !== undefined);
}

/** A `run:` that calls make (`make image`, `gmake -C dir push`). */
const MAKE_RUN = /(?<![\w-])g?make(?:[ \t]|$)/m;

/**
 * Whether a step publishes ({@link publishes}) or runs a make target whose recipe does, or the
 * recipe of a target it depends on or calls (`make image`, where `image: ko` and `ko:` runs `ko
 * build`): read from the repository's Makefile through the workspace, bounded and never run
 * (pr-evidence-follow.ts). The job's and workflow's `env:` reach the recipes as make's environment.
 */
export function publishesThroughMake(
  workspace: Workspace,
  step: Step,
  job?: Job,
  workflow?: Workflow,
): boolean {
  if (publishes(step, job, workflow)) return true;
  const run = step.run?.value;
  if (typeof run !== 'string' || !MAKE_RUN.test(run)) return false;
  const env = envOf(step, job, workflow);
  return makeRecipes(workspace, run).some((r) => publishesIn(r.text, env));
}

/**
 * Whether a script (a `run:`, a Makefile recipe) runs a publishing command ({@link PUBLISH_COMMAND})
 * that is no rehearsal and pushes somewhere other than a throwaway registry ({@link localPush});
 * `env` gives the environment the script starts with.
 */
export function publishesIn(script: string, env: (name: string) => unknown = () => undefined): boolean {
  return (
    firstRealCommand(script, PUBLISH_COMMAND, (m, rest, joined) => localPush(m, rest, joined, env)) !==
    undefined
  );
}

/**
 * A registry that lives on the runner or in a throwaway cluster (`localhost:5000`, `127.0.0.1`,
 * `registry.local:5000`, `kind-registry:5000`), or ko's names for the local Docker daemon and a kind
 * cluster's nodes (`ko.local`, `kind.local`).
 */
const LOCAL_REGISTRY =
  /^["']?(?:localhost|127\.0\.0\.1|\[::1\]|kind-registry|[\w-]+(?:\.[\w-]+)*\.local)(?::\d+)?(?:[/"'\s]|$)/i;
/** The same, as a word of a command's arguments (an image reference, `--registry=...`). */
const LOCAL_REGISTRY_ARG =
  /(?:^|[\s=@"'])(?:localhost|127\.0\.0\.1|\[::1\]|kind-registry|[\w-]+(?:\.[\w-]+)*\.local)(?::\d+)?(?:[/"'\s]|$)/i;
/** Flags that let a push speak plain HTTP: a registry of the run's own, never a public one. */
const HTTP_REGISTRY =
  /(?:^|\s)--(?:allow-http-registry|insecure-registry|allow-insecure-registry)(?:[=\s]|$)/;
/** ko's flags that keep the image in the local Docker daemon or do not push it. */
const KO_NO_PUSH = /(?:^|\s)(?:--local(?:=true)?|-L|--push=false)(?=\s|$)/;
/** `KO_DOCKER_REPO=value` as a shell assignment (`export`, an inline prefix of the command). */
const KO_REPO_ASSIGNMENT = /(?:^|[\s;&|(])KO_DOCKER_REPO=("[^"\n]*"|'[^'\n]*'|[^\s;&|)]*)/g;

/**
 * Whether a publishing command (`match`, with `rest` its words up to the end of the command, in the
 * `joined` script) evidently pushes to a throwaway registry: it is told to speak plain HTTP
 * (`cosign sign --allow-http-registry`, `ko publish --insecure-registry`), an argument names a local
 * registry (`docker push localhost:5000/app`), or ko keeps the image local (`--local`, `--push=false`)
 * or pushes to a `KO_DOCKER_REPO` that is local (its last assignment in the script before the
 * command, else the environment's). A run of the project's end-to-end tests, not a release.
 */
function localPush(
  match: RegExpExecArray,
  rest: string,
  joined: string,
  env: (name: string) => unknown,
): boolean {
  if (HTTP_REGISTRY.test(rest) || LOCAL_REGISTRY_ARG.test(rest)) return true;
  if (!/^ko\s/.test(match[0])) return false;
  if (KO_NO_PUSH.test(rest)) return true;
  let repo: unknown = env('KO_DOCKER_REPO');
  for (const m of joined.slice(0, match.index).matchAll(KO_REPO_ASSIGNMENT)) repo = m[1];
  return typeof repo === 'string' && LOCAL_REGISTRY.test(repo.trim());
}

/** An action whose repository is named for pushing or publishing (`docker-build-push`, `publish-image`). */
const PUSH_NAME = /(?:^|[-_.])(?:push|publish)(?:$|[-_.])/;

/**
 * Whether a step runs an action not listed above that is named for pushing or publishing and is given
 * a registry login (a `password` input, beside a `username` or `registry` one), the way image
 * build-and-push actions take the credentials they push with: it publishes, unless an input that
 * turns the push off (`push`, `pushImage`, `push-image`) is false. A git push action takes a token,
 * not a login, and is not counted.
 */
function pushesWithLogin(step: Step): boolean {
  const repo = parseUses(step.uses!.value);
  if (repo.kind !== 'repository' || !PUSH_NAME.test(repo.repo.toLowerCase())) return false;
  const names = [...(step.with?.entries.keys() ?? [])].map((k) => k.toLowerCase());
  if (!names.some((k) => /password/.test(k)) || !names.some((k) => /username|registry/.test(k))) return false;
  return !names.some((k) => /^push(?:[-_]?image)?s?$/.test(k) && isFalse(input(step, k)));
}

/** Actions that push a built site to the repository's pages branch or deploy it to GitHub Pages. */
const SITE_ACTIONS = new Set([
  'peaceiris/actions-gh-pages',
  'jamesives/github-pages-deploy-action',
  'actions/deploy-pages',
]);

/**
 * Commands that push a documentation site to the pages branch: `mkdocs gh-deploy`, and `mike` or
 * `ghp-import` told to push (`--push`, `-p`); without it they only commit in the local clone.
 */
const SITE_COMMAND =
  /(?<![\w-])(?:mkdocs\s+gh-deploy|(?:ghp-import|mike\s+(?:deploy|alias|set-default))\b[^\n;&|]*?\s(?:--push\b|-[A-Za-z]*p[A-Za-z]*(?![\w-])))/;

/**
 * Whether a step deploys a site (a documentation site pushed to the pages branch, a Pages
 * deployment): it publishes what the job built, though to no package registry.
 */
export function deploysSite(step: Step): boolean {
  const action = actionPathOf(step.uses);
  if (action) return SITE_ACTIONS.has(action);
  return typeof step.run?.value === 'string' && firstRealCommand(step.run.value, SITE_COMMAND) !== undefined;
}

/**
 * A step whose publishing an expression decides per run (`push: ${{ github.event_name != 'pull_request' }}`,
 * goreleaser's `args: ${{ inputs.args }}`): it publishes on the runs the expression allows.
 */
export function mayPublish(step: Step): boolean {
  const action = actionPathOf(step.uses);
  if (action !== 'docker/build-push-action' && action !== 'goreleaser/goreleaser-action') return false;
  const value = input(step, action === 'goreleaser/goreleaser-action' ? 'args' : 'push');
  return typeof value?.value === 'string' && value.value.includes('${{');
}

/** Events that run a change before it is merged: a pull request's, or the merge queue's. */
const CHANGE_EVENTS = new Set(['pull_request', 'pull_request_target', 'merge_group']);

/**
 * A release trigger: `release`, or `push` of tags only; not in a workflow that also runs on pull
 * requests (a CI workflow that happens to run on tags too).
 */
export function releaseTrigger(workflow: Workflow): string | undefined {
  const events = workflow.on?.events ?? [];
  if (events.some((t) => CHANGE_EVENTS.has(t.event))) return undefined;
  for (const t of events) {
    if (t.event === 'release') return 'release';
    if (t.event !== 'push') continue;
    const config = t.config?.value;
    if (!config || typeof config !== 'object') continue;
    const c = config as Record<string, unknown>;
    if ((c.tags || c['tags-ignore']) && !c.branches && !c['branches-ignore']) return 'push of tags';
  }
  return undefined;
}

/**
 * The jobs that publish, and the jobs they need that hand them something (an uploaded artifact, job
 * outputs): those build what is published. A job needed only to pass first (tests) hands nothing over.
 * So does a job further up the chain of `needs:` whose artifact such a job downloads by name (or
 * downloads all artifacts): an artifact reaches the jobs that run after its upload, needed directly
 * or not.
 */
export function publishingJobs(
  workflow: Workflow,
  publishing: (step: Step, job: Job) => boolean = (step, job) => publishes(step, job, workflow),
  alsoPublishes?: (job: Job) => boolean,
): Set<Job> {
  const byId = new Map(workflow.jobs.map((j) => [j.id, j]));
  const needsOf = (job: Job): Job[] => {
    const needs = job.value.needs;
    return (Array.isArray(needs) ? needs : typeof needs === 'string' ? [needs] : []).flatMap((id) => {
      const dep = typeof id === 'string' ? byId.get(id) : undefined;
      return dep ? [dep] : [];
    });
  };
  const out = new Set<Job>();
  const add = (job: Job, neededBy?: Job) => {
    if (out.has(job) || (neededBy && !handsOver(job, neededBy))) return;
    out.add(job);
    for (const dep of needsOf(job)) add(dep, job);
    // Artifacts downloaded from jobs further up the chain of needs.
    const downloads = job.steps.flatMap(downloadOf);
    if (downloads.length === 0) return;
    const seen = new Set<Job>();
    const queue = needsOf(job).flatMap(needsOf);
    for (let up = queue.shift(); up; up = queue.shift()) {
      if (seen.has(up)) continue;
      seen.add(up);
      queue.push(...needsOf(up));
      const fed = uploadsOf(up).some((name) => downloads.some((d) => d(name)));
      if (!out.has(up) && fed) add(up);
    }
  };
  for (const job of workflow.jobs)
    if (job.steps.some((s) => publishing(s, job)) || alsoPublishes?.(job)) add(job);
  return out;
}

/** How a rule tells a publishing step, in any workflow of the repository. */
export type PublishingStep = (step: Step, job: Job, workflow: Workflow) => boolean;

/**
 * {@link publishingJobs} across the workflows of the repository: also the jobs that call a reusable
 * workflow of this repository that publishes (`uses: ./.github/workflows/publish.yml`, or this
 * repository's own by a ref, as the run names it: see {@link calledHere}) and the jobs that hand
 * them their outputs; and, in a reusable workflow, the jobs that build what a publishing job of a
 * workflow calling it ships: those its `workflow_call` outputs come from (and the jobs they need
 * that hand them something), when the calling job hands those outputs on to a job that publishes
 * or builds for one (a cache key the caller passes to a job that calls a publishing workflow).
 * Followed through chains of calls, each workflow once. Reads only workflows a job of the chain
 * calls or that call it; given `memo`, each workflow's answer is kept there for the next question.
 */
export function publishingJobsAcross(
  workspace: Workspace,
  workflow: Workflow,
  publishing: PublishingStep,
  repository?: string,
  memo: Map<string, ReadonlySet<Job>> = new Map(),
): ReadonlySet<Job> {
  return across(workspace, workflow, publishing, repository, memo, new Set());
}

function across(
  workspace: Workspace,
  workflow: Workflow,
  publishing: PublishingStep,
  repository: string | undefined,
  memo: Map<string, ReadonlySet<Job>>,
  seen: Set<string>,
): ReadonlySet<Job> {
  const known = memo.get(workflow.path);
  if (known) return known;
  // A cycle of calls (GitHub rejects one) ends here, with what this file shows by itself.
  if (seen.has(workflow.path)) return publishingJobs(workflow, (s, j) => publishing(s, j, workflow));
  seen.add(workflow.path);
  const fed = fedToCallers(workspace, workflow, publishing, repository, memo, seen);
  const out = publishingJobs(
    workflow,
    (s, j) => publishing(s, j, workflow),
    (job) => fed.has(job) || calledPublishes(workspace, job, publishing, repository, new Set(seen)),
  );
  // An answer found inside another workflow's question leaves that workflow out: kept only when whole.
  if (seen.size === 1) memo.set(workflow.path, out);
  seen.delete(workflow.path);
  return out;
}

/**
 * Whether a job calls a reusable workflow of this repository in which a job publishes, directly or
 * through the workflows it calls in turn.
 */
function calledPublishes(
  workspace: Workspace,
  job: Job,
  publishing: PublishingStep,
  repository: string | undefined,
  seen: Set<string>,
): boolean {
  const called = calledHere(workspace, job, repository);
  if (!called || seen.has(called.path)) return false;
  seen.add(called.path);
  return called.jobs.some(
    (j) =>
      j.steps.some((s) => publishing(s, j, called)) ||
      calledPublishes(workspace, j, publishing, repository, seen),
  );
}

/**
 * The jobs of a reusable workflow whose outputs reach a publishing job of a workflow that calls it:
 * for each calling job of this repository that is among its workflow's publishing jobs (it publishes
 * through what it calls, or hands its outputs to a job that does), the jobs the `workflow_call`
 * outputs are taken from. A workflow that publishes itself is judged by its own jobs.
 */
function fedToCallers(
  workspace: Workspace,
  workflow: Workflow,
  publishing: PublishingStep,
  repository: string | undefined,
  memo: Map<string, ReadonlySet<Job>>,
  seen: Set<string>,
): Set<Job> {
  const out = new Set<Job>();
  const sources = callOutputSources(workflow);
  if (sources.size === 0) return out;
  if (
    workflow.jobs.some(
      (j) =>
        j.steps.some((s) => publishing(s, j, workflow)) ||
        calledPublishes(workspace, j, publishing, repository, new Set([workflow.path])),
    )
  )
    return out;
  for (const { source, job } of callingJobs(workspace, workflow.path, repository)) {
    if (!across(workspace, source, publishing, repository, memo, seen).has(job)) continue;
    for (const id of sources) {
      const from = workflow.jobs.find((j) => j.id === id);
      if (from) out.add(from);
    }
    break;
  }
  return out;
}

/** `jobs.<id>.outputs` in an expression: the job a `workflow_call` output is taken from. */
const JOB_OUTPUT = /\bjobs\s*\.\s*([\w-]+)\s*\.\s*outputs\b/g;

/** The ids of the jobs a reusable workflow's `workflow_call` outputs are taken from. */
function callOutputSources(workflow: Workflow): Set<string> {
  const ids = new Set<string>();
  const call = workflow.on?.events.find((t) => t.event === 'workflow_call');
  const outputs = record(record(call?.config?.value)?.outputs);
  for (const output of Object.values(outputs ?? {})) {
    const value = record(output)?.value;
    if (typeof value !== 'string') continue;
    for (const m of value.matchAll(JOB_OUTPUT)) ids.add(m[1]!);
  }
  return ids;
}

/** Whether a job's expressions read the outputs of the job `id` (`needs.build.outputs.key`). */
function readsOutputsOf(job: Job, id: string): boolean {
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return anyText(job.value, new RegExp(`\\bneeds\\s*\\.\\s*${escaped}\\s*\\.\\s*outputs\\b`));
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The names of the artifacts a job uploads (`actions/upload-artifact`, `artifact` when unnamed); a
 * name with an expression (a matrix's) may be any.
 */
function uploadsOf(job: Job): string[] {
  return job.steps.flatMap((s) => {
    if (!(actionPathOf(s.uses) ?? '').endsWith('/upload-artifact')) return [];
    const name = input(s, 'name')?.value;
    return [typeof name === 'string' ? name : 'artifact'];
  });
}

/**
 * What a step downloads, as a test of an artifact's name: a name, a `pattern` glob, or every artifact
 * of the run (neither given); a name or pattern with an expression may be any.
 */
function downloadOf(step: Step): ((name: string) => boolean)[] {
  if (!(actionPathOf(step.uses) ?? '').endsWith('/download-artifact')) return [];
  const name = input(step, 'name')?.value;
  const pattern = input(step, 'pattern')?.value;
  const any = (v: unknown) => typeof v !== 'string' || v.includes('${{');
  if (name !== undefined) {
    if (any(name)) return [() => true];
    const wanted = String(name);
    return [(n) => (n.includes('${{') ? mayBe(n, wanted, wanted) : n === wanted)];
  }
  if (pattern !== undefined) {
    if (any(pattern)) return [() => true];
    const glob = String(pattern);
    const test = picomatch(glob, { dot: true });
    const [head, tail] = literalEnds(glob, /[*?[\]{}!()]/);
    return [(n) => (n.includes('${{') ? mayBe(n, head, tail) : test(n))];
  }
  return [() => true];
}

/** The literal start and end of a text, before the first and after the last match of `special`. */
function literalEnds(text: string, special: RegExp): [string, string] {
  const global = new RegExp(special.source, 'g');
  const at = [...text.matchAll(global)].map((m) => m.index);
  if (at.length === 0) return [text, text];
  const last = at.at(-1)!;
  return [text.slice(0, at[0]), text.slice(last + 1)];
}

/**
 * Whether an artifact name written with expressions (`coverage-${{ matrix.os }}`) may be one whose
 * literal start is `head` and end is `tail`: the name's own literal start and end must agree with them
 * (one a prefix of the other, one a suffix of the other). Whatever the expressions give, a name
 * starting `coverage-` never matches `dist-*`.
 */
function mayBe(template: string, head: string, tail: string): boolean {
  const start = template.slice(0, template.indexOf('${{'));
  const end = template.slice(template.lastIndexOf('}}') + 2);
  const agrees = (a: string, b: string, f: (x: string, y: string) => boolean) => f(a, b) || f(b, a);
  return agrees(start, head, (x, y) => x.startsWith(y)) && agrees(end, tail, (x, y) => x.endsWith(y));
}

/**
 * A job whose results the job that needs it can use: outputs it declares, or artifacts it uploads
 * when that job downloads artifacts (an upload of documentation beside a release job that downloads
 * nothing feeds no release).
 */
function handsOver(job: Job, neededBy: Job): boolean {
  if ((job.outputs?.entries.size ?? 0) > 0) return true;
  // A job that calls a reusable workflow declares no outputs of its own: the workflow's outputs are
  // its, and what the job that needs it reads of them is handed over (`needs.build.outputs.key`).
  if (job.uses) return readsOutputsOf(neededBy, job.id);
  const uses = (j: Job, action: string) => j.steps.some((s) => (actionPathOf(s.uses) ?? '').includes(action));
  return uses(job, 'upload-artifact') && uses(neededBy, 'download-artifact');
}

/**
 * Whether every event that runs the workflow (given a job, the job: the workflow's triggers its own
 * `if:` can hold on, {@link jobEvents}) is a pull request's (or the merge queue's): what it pushes is
 * a build of a change under review (a preview image, a test package), not a release.
 */
export function pullRequestsOnly(workflow: Workflow, job?: Job): boolean {
  const events = job ? jobEvents(workflow, job) : (workflow.on?.events ?? []).map((t) => t.event);
  return events.length > 0 && events.every((e) => CHANGE_EVENTS.has(e));
}

/** Actions that open a pull request with the job's changes (`owner/repo`, lower case). */
export const PULL_REQUEST_ACTIONS: ReadonlySet<string> = new Set([
  'peter-evans/create-pull-request',
  'gr2m/create-or-update-pull-request-action',
  'repo-sync/pull-request',
  'devops-infra/action-pull-request',
  'technote-space/create-pr-action',
]);
/** Commands that open a pull request. */
const PULL_REQUEST_COMMAND = /(?<![\w-])(?:gh\s+pr\s+create|hub\s+pull-request)(?![\w-])/;

/** Whether a step of the job opens a pull request with the job's changes (an action or a command). */
export function opensPullRequest(job: Job): boolean {
  return job.steps.some((s) => {
    const action = actionPathOf(s.uses);
    if (action) return PULL_REQUEST_ACTIONS.has(action);
    return typeof s.run?.value === 'string' && PULL_REQUEST_COMMAND.test(s.run.value);
  });
}

/** Commands that run a test suite (`go test`, `make test.e2e`, `npm test`, `pytest`, ...). */
export const TEST_COMMAND =
  /(?<![\w-])(?:(?:go|cargo|dotnet|swift|mix|flutter|dart|deno|bazel|sbt|composer|just|task)\s+test|cargo\s+nextest|gotestsum|(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?test|pytest|tox|nox|phpunit|rspec|ctest|jest|vitest|mocha|ginkgo|playwright\s+test|cypress\s+run|python[\d.]*\s+-m\s+(?:pytest|unittest)|make\s+(?:[^\n;&|#]*\s)?[\w.:-]*(?:test|e2e)[\w.:-]*)(?![\w-])/;
/** Commands that only print, set shell options or move around: they publish nothing. */
const INERT_COMMAND = /^(?:echo|printf|cat|tee|set|export|cd|mkdir|ls|pwd|true|test|\[|sleep|:)$/;
/** A job named for its tests ("test", "Unit tests", "flake-test"), and for nothing it would ship. */
const TEST_JOB = /(?<![a-z])(?:tests?|specs?)(?![a-z])/i;
const SHIPPING_JOB = /build|release|publish|deploy|package|dist|upload|sign|push|image/i;

/**
 * What a job in which no step publishes evidently produces instead: a pull request (reviewed before
 * its changes land) or test results (the job is named for its tests and for nothing it would ship,
 * or its scripts run a test suite and otherwise only print); undefined when that is not evident (a
 * script of its own may publish).
 */
export function unpublishedOutput(job: Job): string | undefined {
  if (opensPullRequest(job)) return 'opens a pull request';
  const names = [job.id, job.name?.value].filter((n): n is string => typeof n === 'string');
  if (names.some((n) => SHIPPING_JOB.test(n))) return undefined;
  if (names.some((n) => TEST_JOB.test(n))) return 'runs tests';
  const commands = job.steps.flatMap((s) =>
    typeof s.run?.value === 'string'
      ? commandsOf(s.run.value).map((c) => c.program.map((w) => w.text).join(' '))
      : [],
  );
  const tests = commands.filter((c) => TEST_COMMAND.test(c));
  return tests.length > 0 &&
    commands.every((c) => TEST_COMMAND.test(c) || INERT_COMMAND.test(c.split(' ')[0]!))
    ? 'runs tests'
    : undefined;
}
