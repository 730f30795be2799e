import picomatch from 'picomatch';
import { FixBatches } from '../../fix/yaml-fix.js';
import { locationFromSpan } from '../../location.js';
import { hasSha256Digest } from '../../parsers/image-ref.js';
import { parseUses, refPinning } from '../../parsers/uses.js';
import {
  type Job,
  type Located,
  type Workflow,
  type WorkflowSource,
  walkWorkflows,
  workflowSources,
} from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import { pinFix } from './fix-pin.js';
import { aliasNote, sameOwner } from './shared.js';

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
  // An action of this very repository (package.json's `repository`, with the action in this tree).
  readsOtherFiles: ['package.json', '**/action.yml', '**/action.yaml'],
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
      // An action of GitHub itself (`actions/*`), whose maintainers run the platform the workflow
      // runs on, by a tag in a job that holds nothing to steal: a manual run, a read-only token, no
      // secret. A moved tag still runs other code, but in a run a maintainer starts with nothing
      // privileged: medium. Release and publish jobs (a write scope, an OIDC token, a secret) keep high.
      const bare =
        !owner && !image && job !== undefined && githubActionInBareJob(workspace, source, job, uses.value);
      const finding: RawFinding = {
        message: `${message}${own ? ownActionNote(self!) : ''}${owner ? sameOwnerNote(owner) : ''}${image ? sameOwnerImageNote(image) : ''}${bare ? BARE_JOB_NOTE : ''}${aliasNote(uses)}`,
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
        if (step.uses) check(source, step.uses, 'Action', job);
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

const BARE_JOB_NOTE =
  ' It is an action of GitHub itself, in a job of a workflow that runs only when started by hand, names no secret ' +
  'and gives the job a read-only token: a moved tag runs other code with nothing privileged to reach.';

/**
 * Whether a step's action is GitHub's own (`actions/<name>` by a tag or branch) in a job of a workflow
 * that only runs by hand (`workflow_dispatch`), names no secret anywhere (`secrets` in its text,
 * comments included) and gives the job a token with no write scope (its `permissions:` or the
 * workflow's, said explicitly; `id-token: write` counts as one).
 */
function githubActionInBareJob(
  workspace: Workspace,
  source: WorkflowSource,
  job: Job,
  text: string,
): boolean {
  if (source.kind !== 'workflow') return false;
  const ref = parseUses(text);
  if (ref.kind !== 'repository' || ref.owner.toLowerCase() !== 'actions') return false;
  const events = source.on?.events ?? [];
  if (events.length === 0 || events.some((e) => e.event !== 'workflow_dispatch')) return false;
  if (!readOnlyToken(source, job)) return false;
  const all = workspace.text(source.path);
  return all !== undefined && !/\bsecrets\b/i.test(all);
}

/** Whether the job's permissions (or the workflow's) are written and grant no write scope. */
function readOnlyToken(workflow: Workflow, job: Job): boolean {
  const perms = job.permissions ?? workflow.permissions;
  if (!perms) return false;
  if (perms.shorthand) return perms.shorthand.value.trim() === 'read-all';
  if (perms.value === null || typeof perms.value !== 'object' || Array.isArray(perms.value)) return false;
  return perms.scopes.every(
    (s) => typeof s.level.value === 'string' && ['read', 'none'].includes(s.level.value.trim()),
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
