import picomatch from 'picomatch';
import { FixBatches } from '../../fix/yaml-fix.js';
import { locationFromSpan } from '../../location.js';
import { hasSha256Digest, type ImageRef } from '../../parsers/image-ref.js';
import { parseUses, refPinning } from '../../parsers/uses.js';
import {
  type Job,
  type Located,
  type Step,
  WORKFLOW_GLOBS,
  type Workflow,
  type WorkflowSource,
  walkWorkflows,
  workflowSources,
} from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import { type BareJob, bareJob } from './bare-job.js';
import { eventsHere, linkedWorkflows } from './callers.js';
import { jobEvents } from './event-guards.js';
import { pinFix } from './fix-pin.js';
import { mayPublish, publishes, publishingJobsAcross } from './publishing.js';
import { knownActionScopes } from './scopes.js';
import {
  actionOf,
  aliasNote,
  anyText,
  input,
  namesSecret,
  onlyPullRequest,
  sameOwner,
  writesOnly,
} from './shared.js';

export interface UnpinnedUsesOptions {
  /** Globs on `owner/repo` (case-insensitive) whose actions may be referenced by tag or branch. */
  allow: string[];
}

/**
 * Flags every `uses:` that runs code from another repository or a registry without an immutable
 * pin: steps of workflows and of local composite actions, and jobs that call a reusable workflow.
 * Local `./` references are part of the reviewed tree and need no pin.
 */
export const workflowUnpinnedUses = defineEvaluator<UnpinnedUsesOptions>({
  kind: 'workflow.unpinned-uses',
  scope: 'file',
  // An action of this very repository (package.json's `repository`, with the action in this tree);
  // the workflows that call a reusable workflow, whose triggers say when it runs here.
  readsOtherFiles: ['package.json', '**/action.yml', '**/action.yaml', ...WORKFLOW_GLOBS],
  affectedBy: linkedWorkflows,
  fix: 'pins the reference to the commit its tag names (resolved through the GitHub API) and keeps the tag in a comment',
  summary:
    'Actions and reusable workflows referenced by tag or branch instead of a full commit SHA; docker:// images without a digest.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      allow: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        default: [],
        description: 'Globs on owner/repo (e.g. "actions/*") that may use tags.',
      },
    },
  },
  evaluate({ options, workspace, repository }) {
    const allow = options.allow ?? [];
    const allowed = allow.length > 0 ? picomatch(allow, { nocase: true, dot: true }) : () => false;
    const findings: RawFinding[] = [];
    const fixes = new FixBatches(workspace);
    let self: string | null | undefined;
    const ownAction = (text: string) => {
      self ??= ownRepository(workspace) ?? null;
      return self !== null && isOwnAction(workspace, self, text);
    };
    // The jobs of each workflow that publish (or build what is published, for a job of this workflow
    // or of a workflow that calls it), computed once it is asked, and whether each job holds nothing
    // privileged, judged once per job (not once per step).
    const publishing = new Map<string, ReadonlySet<Job>>();
    const publishersOf = (workflow: Workflow) =>
      publishingJobsAcross(
        workspace,
        workflow,
        (s, j, w) => publishes(s, j, w) || mayPublish(s),
        repository,
        publishing,
      );
    const bareJobs = new Map<Job, BareJob | undefined>();
    const bareOf = (workflow: Workflow, job: Job): BareJob | undefined => {
      if (!bareJobs.has(job))
        bareJobs.set(
          job,
          bareJobOf(workspace, workflow, job, () => publishersOf(workflow)),
        );
      return bareJobs.get(job);
    };
    const check = (
      source: WorkflowSource,
      uses: Located<string>,
      what: 'Action' | 'Reusable workflow',
      job?: Job,
    ) => {
      const message = problem(uses.value, what, allowed);
      if (!message) return;
      const location = locationFromSpan(source.path, uses.span);
      const key = uses.value.trim();
      // This repository's own code by one of its branches or tags, as the run's environment names the
      // repository (a reusable workflow must name its own actions so: `./` is the caller's tree). No
      // third party can move that ref: whoever can is trusted with this workflow already. A smell
      // (a workflow following a branch runs other code than the commit under review), not a supply
      // chain: low, for the pedantic. The name comes from the run, never from the tree a change edits.
      if (repository !== undefined && namesRepository(uses.value, repository)) {
        findings.push({
          message: `${message} It names this repository (${repository}) itself: only those who can move that ref can change what runs, and they can change this workflow as well.${aliasNote(uses)}`,
          location,
          key,
          severity: 'low',
          persona: 'pedantic',
          unfixable: "it names this repository's own code, which pinning would freeze at one of its commits",
        });
        return;
      }
      // This repository's own action by one of its tags or branches (an action repository testing
      // its release candidate), as its files say: whoever can move that ref can change this workflow
      // too. Said, not lowered: package.json and action.yml are files a pull request can change, and
      // a third party's action named as this repository's would otherwise quiet its own finding.
      const own = what === 'Action' && ownAction(uses.value);
      // Another repository of this repository's owner (the same organisation's shared workflows and
      // actions), as the run's environment names the owner: not a third party's, whose maintainers
      // are strangers, but a ref that moves still changes what runs here without a change to this
      // repository, and that owner's other repositories have maintainers and risks of their own.
      // Medium, still shown; the owner comes from the run, never from the tree a change edits.
      const owner = repository !== undefined ? sameOwner(uses.value, repository) : undefined;
      // An image of the owner's own namespace on GitHub's registry (`docker://ghcr.io/<owner>/...`),
      // which only that owner can push to: graded as another repository of the owner is.
      const image = !owner && repository !== undefined ? sameOwnerImage(uses.value, repository) : undefined;
      // An action of GitHub itself (`actions/*`, `github/*`), whose maintainers run the platform the
      // workflow runs on, by a version tag in a job that holds nothing to steal: no secret, no OIDC
      // token, no write scope but report-only ones, no deployment, nothing published. A moved tag still
      // runs other code, but with nothing privileged to reach: medium. Release, publish and deploy jobs,
      // and any job holding a secret or a writable token, keep high; so does a third party's action.
      const bare =
        !owner && !image && job !== undefined
          ? githubActionInBareJob(source, job, uses.value, bareOf)
          : undefined;
      const finding: RawFinding = {
        message: `${message}${own ? ownActionNote(self!) : ''}${owner ? sameOwnerNote(owner) : ''}${image ? sameOwnerImageNote(image) : ''}${bare ? ` ${BARE_JOB_NOTE[bare]}` : ''}${aliasNote(uses)}`,
        location,
        key,
        ...(owner || image || bare ? { severity: 'medium' as const } : {}),
      };
      pinFix(fixes, finding, workspace, source, uses);
      findings.push(finding);
    };
    walkWorkflows(workflowSources(workspace), {
      job(job, workflow) {
        if (job.uses) check(workflow, job.uses, 'Reusable workflow');
      },
      step(step, source, job) {
        if (!step.uses) return;
        check(source, step.uses, 'Action', job);
        // `./path` where an earlier step checked out another repository: that repository's action.
        const fetched = checkedOutAction(step, job?.steps ?? (source.kind === 'action' ? source.steps : []));
        if (!fetched) return;
        const { repo, ref, checkout, node } = fetched;
        const text = `${repo}${ref === undefined ? '' : `@${ref}`}`;
        const message = problem(text, 'Action', allowed);
        if (!message) return;
        if (repository !== undefined && namesRepository(text, repository)) return;
        const owner = repository !== undefined ? sameOwner(text, repository) : undefined;
        findings.push({
          message:
            `"${step.uses.value.trim()}" (line ${locationFromSpan(source.path, step.uses.span).startLine}) runs an action of ${fetched.from}, which the checkout at line ${locationFromSpan(source.path, checkout.span).startLine} fetched` +
            `${ref === undefined ? ' at its default branch' : ` at "${ref}"`}: the same as \`uses: ${text}\`. ${message.replace(/[;.] [Pp]in .*$/, '.')}` +
            ` Pin the checkout's ref: to a full 40-character commit SHA.${owner ? sameOwnerNote(owner) : ''}`,
          location: locationFromSpan(source.path, node.span),
          key: `${text} ${step.uses.value.trim()}`,
          ...(owner ? { severity: 'medium' as const } : {}),
          unfixable: 'the checkout names no tag for the fix to resolve to a commit',
        });
      },
    });
    fixes.finish();
    return findings;
  },
});

/**
 * The owner of this repository when a `docker://` image lives in that owner's namespace of GitHub's
 * container registry (`ghcr.io/<owner>/...`), where only the owner can push; undefined otherwise (a
 * Docker Hub namespace of the same name may belong to anyone).
 */
function sameOwnerImage(text: string, repository: string): string | undefined {
  const ref = parseUses(text);
  if (ref.kind !== 'docker') return undefined;
  const registry = ref.image.registry?.toLowerCase();
  if (registry !== 'ghcr.io' && registry !== 'docker.pkg.github.com') return undefined;
  const owner = repository.split('/')[0];
  return owner && ref.image.repository.toLowerCase().split('/')[0] === owner ? owner : undefined;
}

function sameOwnerImageNote(owner: string): string {
  return (
    ` The image is in the GitHub container registry namespace of this repository's own owner (${owner}), not a third party's: only ` +
    'that owner can push to it, but a moved tag still changes what runs here without a change to this repository.'
  );
}

/**
 * Write scopes of a job's token that only report on the run (code scanning results, check runs,
 * commit statuses): they cannot change the repository's code, releases, packages or deployments.
 */
const REPORT_SCOPES: ReadonlySet<string> = new Set(['security-events', 'checks', 'statuses']);

/** A version tag (`v4`, `v4.2.1`, `1.2.3-beta.1`), not a branch (`main`, `releases/v1`). */
const VERSION_TAG = /^v?\d+(?:\.\d+){0,3}(?:[-+][\w.-]+)?$/i;

/** Why a GitHub action by a tag is graded medium, by what makes the job's token harmless. */
const BARE_JOB_NOTE: Record<BareJob, string> = {
  written:
    "It is an action of GitHub itself by a version tag, in a job that names no secret, has no OIDC token, deployment environment or self-hosted runner, publishes nothing and whose token's permissions grant no write scope but report-only ones (security-events, checks, statuses): a moved tag runs other code with nothing privileged to reach.",
  'pull-request':
    "It is an action of GitHub itself by a version tag, in a job that names no secret, has no deployment environment or self-hosted runner and publishes nothing, of a job that runs only on pull requests and writes no `permissions:` (a fork's run gets a read-only token; a branch of this repository gets the default one): a moved tag runs other code with nothing privileged to reach.",
  callers:
    'It is an action of GitHub itself by a version tag, in a job that names no secret, has no OIDC token, deployment environment or self-hosted runner and publishes nothing, of a reusable workflow whose every calling job in this repository grants its token no write scope but report-only ones (security-events, checks, statuses; a caller elsewhere runs it with its own token): a moved tag runs other code with nothing privileged to reach.',
};

/**
 * Why a step's action is GitHub's own (`actions/*`, `github/*`) by a version tag (never a branch) in
 * a job with nothing privileged to reach, or undefined: the job names no secret (its steps, its `env:`
 * and the workflow's; `github.token` and `secrets.GITHUB_TOKEN` are the job's token, judged by its
 * permissions), has no deployment environment (whose secrets and protection rules it would hold), runs
 * on no self-hosted runner (a machine later jobs reuse), publishes nothing nor builds what a publishing
 * job of the workflow ships (see publishing.ts), and its token can write nothing but report-only
 * scopes: its `permissions:` (or the workflow's) say so (`id-token: write` is a write scope), or, in a
 * reusable workflow run only by `workflow_call` that writes none, every job of this repository that
 * calls it grants no more (bare-job.ts), or none are written in a workflow that runs only on
 * `pull_request`, where a fork's run is given a read-only token. Without `permissions:` on any other trigger the repository's default token may write
 * (repositories made before 2023 and many organisations default to it): kept high.
 */
function githubActionInBareJob(
  source: WorkflowSource,
  job: Job,
  text: string,
  bareOf: (workflow: Workflow, job: Job) => BareJob | undefined,
): BareJob | undefined {
  if (source.kind !== 'workflow') return undefined;
  const ref = parseUses(text);
  if (ref.kind === 'docker') return githubImage(ref.image) ? bareOf(source, job) : undefined;
  if (ref.kind !== 'repository') return undefined;
  const owner = ref.owner.toLowerCase();
  if ((owner !== 'actions' && owner !== 'github') || !VERSION_TAG.test(ref.ref ?? '')) return undefined;
  return bareOf(source, job);
}

/** Docker Hub's host names: an image without a registry is pulled from there. */
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * Whether a `docker://` image is GitHub's own by a version tag: in the `github` namespace of Docker
 * Hub (GitHub's verified publisher account) or of GitHub's container registry (`ghcr.io/github/`,
 * `ghcr.io/actions/`), where only GitHub can push. A digest is a pin already; a tag like `latest`
 * or `slim` is a branch in all but name.
 */
function githubImage(image: ImageRef): boolean {
  if (!VERSION_TAG.test(image.tag ?? '')) return false;
  const registry = image.registry?.toLowerCase();
  const owner = image.repository.toLowerCase().split('/')[0];
  if (registry === undefined || DOCKER_HUB.has(registry)) return owner === 'github';
  return (
    (registry === 'ghcr.io' || registry === 'docker.pkg.github.com') &&
    (owner === 'github' || owner === 'actions')
  );
}

/** No other event: a reusable workflow judged by its callers' grants runs on `workflow_call` alone. */
const NO_EVENT: ReadonlySet<string> = new Set();

/**
 * Why a job holds nothing privileged (see {@link githubActionInBareJob}), or undefined; once per job.
 * Without `permissions:` in a reusable workflow run only by `workflow_call`, the token is what the
 * jobs of this repository that call it grant (readOnlyCallers: a caller elsewhere runs it with its
 * own token): bounded to report-only scopes by all of them, it is as harmless as a written one,
 * whether or not the job hands it to a step.
 */
function bareJobOf(
  workspace: Workspace,
  workflow: Workflow,
  job: Job,
  publishers: () => ReadonlySet<Job>,
): BareJob | undefined {
  return bareJob(workspace, workflow, job, {
    writable: REPORT_SCOPES,
    alsoOn: NO_EVENT,
    pullRequest: (perms) => !perms && onlyPullRequestJob(workspace, workflow, job) && !handsOverToken(job),
    publishers,
  });
}

/**
 * Whether a job runs only on `pull_request`: the workflow's only trigger, or the only one its `if:`
 * can hold on (`github.event_name == 'pull_request'`, or a test of `github.base_ref`, which other
 * events leave empty), or, for a reusable workflow, the only trigger of the workflows of this
 * repository that call it (followed through chains of calls; a caller elsewhere runs it with its own
 * token, not this repository's). A calling job that grants write scopes (its `permissions:` or its
 * workflow's) or hands the called workflow the token or a secret makes the called jobs hold them:
 * not counted as bare.
 */
function onlyPullRequestJob(workspace: Workspace, workflow: Workflow, job: Job): boolean {
  if (onlyPullRequest(workflow)) return true;
  const events = jobEvents(workflow, job);
  if (events.length > 0 && events.every((e) => e === 'pull_request')) return true;
  if (!(workflow.on?.events ?? []).some((e) => e.event === 'workflow_call')) return false;
  let privileged = false;
  const here = eventsHere(workspace, workflow, ({ source, job: caller }) => {
    const perms = caller.permissions ?? source.permissions;
    if ((perms && !writesOnly(perms, REPORT_SCOPES)) || namesSecret(caller.value) || handsOverToken(caller))
      privileged = true;
    return true;
  });
  return !privileged && here.length > 0 && here.every((e) => e === 'pull_request');
}

/** The job's token named in an expression (`github.token`, `secrets.GITHUB_TOKEN`). */
const JOB_TOKEN = /\bgithub\.token\b|\bsecrets\s*\.\s*GITHUB_TOKEN\b/i;

/**
 * Whether a job hands its token to a step that calls the API with it: the token named in an
 * expression, actions/github-script (which is given it by default), or an action known to write with
 * the job's token when given none of its own (scopes.ts: uploading SARIF to code scanning, commenting). Without `permissions:` such a
 * job relies on the default token's scopes, which may write on a branch of this repository.
 */
function handsOverToken(job: Job): boolean {
  return (
    anyText(job.value, JOB_TOKEN) ||
    job.steps.some(
      (s) =>
        actionOf(s.uses) === 'actions/github-script' ||
        Object.values(knownActionScopes(s) ?? {}).includes('write'),
    )
  );
}

function sameOwnerNote(owner: string): string {
  return (
    ` It names another repository of this repository's own owner (${owner}), not a third party's: only ` +
    "that owner's maintainers can move the ref, but a moved ref still changes what runs here without a change to this repository."
  );
}

/** Whether a repository reference names `repository` (`owner/repo`, lower case). */
function namesRepository(text: string, repository: string): boolean {
  const ref = parseUses(text);
  return ref.kind === 'repository' && `${ref.owner}/${ref.repo}`.toLowerCase() === repository;
}

function ownActionNote(repository: string): string {
  return (
    ` package.json's \`repository\` names this repository as ${repository} and the action's action.yml is in this tree: ` +
    "if it is this repository's own action, whoever can move its tags or branches can change this workflow as well."
  );
}

/**
 * `owner/repo` (lower case) of this repository as its root package.json's `repository` names it on
 * GitHub (`https://github.com/o/r.git`, `git+https://...`, `git@github.com:o/r`, `github:o/r`, `o/r`).
 */
function ownRepository(workspace: Workspace): string | undefined {
  if (!workspace.has('package.json')) return undefined;
  const text = workspace.configText('package.json');
  if (text === undefined) return undefined;
  let repository: unknown;
  try {
    repository = (JSON.parse(text) as { repository?: unknown }).repository;
  } catch {
    return undefined;
  }
  const url =
    typeof repository === 'string'
      ? repository
      : typeof repository === 'object' && repository !== null
        ? (repository as { url?: unknown }).url
        : undefined;
  if (typeof url !== 'string') return undefined;
  const m =
    /^(?:git\+)?(?:https?|ssh|git):\/\/(?:[^@/]+@)?github\.com\/([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/i.exec(
      url.trim(),
    ) ?? /^(?:git@github\.com:|github:)?([\w.-]+)\/([\w.-]+?)(?:\.git)?$/i.exec(url.trim());
  return m ? `${m[1]}/${m[2]}`.toLowerCase() : undefined;
}

/** Whether `uses` names an action of the repository `self` whose action.yml is in this tree. */
function isOwnAction(workspace: Workspace, self: string, text: string): boolean {
  const ref = parseUses(text);
  if (ref.kind !== 'repository' || `${ref.owner}/${ref.repo}`.toLowerCase() !== self) return false;
  const dir = ref.path ? `${ref.path.replace(/\/+$/, '')}/` : '';
  return workspace.has(`${dir}action.yml`) || workspace.has(`${dir}action.yaml`);
}

/**
 * SLSA's generators are reusable workflows that must be called by a release tag (`@vX.Y.Z`): they
 * verify the ref they are called with to attest which builder made the provenance, and a commit SHA
 * fails that check. Their tags are protected from being moved; a branch or any other ref still counts.
 */
function tagOnlyWorkflow(
  owner: string,
  repo: string,
  path: string | undefined,
  ref: string | undefined,
): boolean {
  return (
    `${owner}/${repo}`.toLowerCase() === 'slsa-framework/slsa-github-generator' &&
    /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path ?? '') &&
    /^v\d+\.\d+\.\d+$/.test(ref ?? '')
  );
}

/**
 * For a step that runs a local action (`uses: ./tools/deploy`), the repository an earlier step of the
 * same job (or composite action) checked out at that folder with actions/checkout, when that is
 * another repository named literally (`repository: owner/repo`): its ref (undefined when none is
 * given: the default branch), the checkout's `uses:` and the node to report at (`ref:`, else
 * `repository:`). The last checkout that writes the folder decides; a checkout of this repository
 * (no `repository:`) there makes it this repository's code again. Refs or repositories computed by
 * an expression are not judged.
 */
function checkedOutAction(
  step: Step,
  steps: readonly Step[],
):
  | { repo: string; from: string; ref: string | undefined; checkout: Located<string>; node: Located }
  | undefined {
  const uses = parseUses(step.uses!.value);
  if (uses.kind !== 'local') return undefined;
  const folder = normalFolder(step.uses!.value.trim());
  for (let i = steps.length - 1; i >= 0; i--) {
    const earlier = steps[i]!;
    if (earlier.index >= step.index || actionOf(earlier.uses) !== 'actions/checkout') continue;
    const pathNode = input(earlier, 'path');
    const into = typeof pathNode?.value === 'string' ? normalFolder(pathNode.value) : '';
    if (into.includes('${{')) continue;
    if (into !== '' && folder !== into && !folder.startsWith(`${into}/`)) continue;
    const repoNode = input(earlier, 'repository');
    if (!repoNode) return undefined;
    const repo = typeof repoNode.value === 'string' ? repoNode.value.trim() : '';
    if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) return undefined;
    const refNode = input(earlier, 'ref');
    const ref = refNode === undefined ? undefined : String(refNode.value ?? '').trim();
    if (ref?.includes('${{')) return undefined;
    const sub = into === '' ? folder : folder.slice(into.length).replace(/^\//, '');
    return {
      repo: `${repo}${sub ? `/${sub}` : ''}`,
      from: repo,
      ref: ref === '' ? undefined : ref,
      checkout: earlier.uses!,
      node: refNode ?? repoNode,
    };
  }
  return undefined;
}

/** A folder of the workspace as written in a workflow (`./a/b/`, `a/b`): `a/b`; the root is ''. */
function normalFolder(text: string): string {
  return text
    .replace(/^(?:\.\/)+/, '')
    .replace(/\/+$/, '')
    .replace(/^\.$/, '');
}

/** Why a reference is not pinned, or undefined when it is (or needs no pin). */
function problem(text: string, what: string, allowed: (ownerRepo: string) => boolean): string | undefined {
  const ref = parseUses(text);
  switch (ref.kind) {
    case 'local':
    case 'invalid':
      // A malformed reference fails the workflow before anything runs; nothing to pin.
      return undefined;
    case 'docker':
      if (hasSha256Digest(ref.image)) return undefined;
      return (
        `Container action "${ref.raw}" pulls its image by ${ref.image.tag ? `tag "${ref.image.tag}"` : 'name only (the "latest" tag)'}; ` +
        'a tag can be moved to a different image at any time. Pin it with @sha256:<digest>.'
      );
    case 'repository': {
      if (allowed(`${ref.owner}/${ref.repo}`)) return undefined;
      if (tagOnlyWorkflow(ref.owner, ref.repo, ref.path, ref.ref)) return undefined;
      switch (refPinning(ref.ref)) {
        case 'sha':
          return undefined;
        case 'missing':
          return `${what} "${ref.raw}" names no version; pin it to a full 40-character commit SHA.`;
        case 'short-sha':
          return (
            `${what} "${ref.raw}" uses the abbreviated commit SHA "${ref.ref}", which another commit can ` +
            'come to match; pin the full 40-character commit SHA.'
          );
        default:
          return (
            `${what} "${ref.raw}" runs whatever the ref "${ref.ref}" points to; a tag or branch can be moved ` +
            'to different code at any time. Pin the full 40-character commit SHA (keep the version in a comment).'
          );
      }
    }
  }
}
