import picomatch from 'picomatch';
import { FixBatches } from '../../fix/yaml-fix.js';
import { locationFromSpan } from '../../location.js';
import { hasSha256Digest } from '../../parsers/image-ref.js';
import { parseUses, refPinning } from '../../parsers/uses.js';
import { type Located, type WorkflowSource, walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import { pinFix } from './fix-pin.js';
import { aliasNote } from './shared.js';

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
    const check = (source: WorkflowSource, uses: Located<string>, what: 'Action' | 'Reusable workflow') => {
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
      const finding: RawFinding = {
        message: `${message}${own ? ownActionNote(self!) : ''}${owner ? sameOwnerNote(owner) : ''}${aliasNote(uses)}`,
        location,
        key,
        ...(owner ? { severity: 'medium' as const } : {}),
      };
      pinFix(fixes, finding, workspace, source, uses);
      findings.push(finding);
    };
    walkWorkflows(workflowSources(workspace), {
      job(job, workflow) {
        if (job.uses) check(workflow, job.uses, 'Reusable workflow');
      },
      step(step, source) {
        if (step.uses) check(source, step.uses, 'Action');
      },
    });
    fixes.finish();
    return findings;
  },
});

/**
 * The owner a repository reference shares with `repository` (`owner/repo`, lower case), when it names
 * another repository of that owner; undefined otherwise.
 */
function sameOwner(text: string, repository: string): string | undefined {
  const ref = parseUses(text);
  if (ref.kind !== 'repository') return undefined;
  const owner = repository.split('/')[0];
  return owner && ref.owner.toLowerCase() === owner ? owner : undefined;
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
