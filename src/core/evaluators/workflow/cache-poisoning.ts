import { locationFromSpan } from '../../location.js';
import type { ExprNode } from '../../parsers/expression.js';
import type { Job, Located, Step, Workflow } from '../../parsers/workflow.js';
import {
  readWorkflowSource,
  WORKFLOW_GLOBS,
  walkWorkflows,
  workflowSources,
} from '../../parsers/workflow.js';
import { neverRuns } from '../../parsers/workflow-conditions.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import { everyWorkflow } from './callers.js';
import { conditionTree } from './conditions.js';
import { entry } from './dataflow-scopes.js';
import { conditionEvents, requiredBy } from './event-guards.js';
import {
  mayPublish,
  publishes,
  publishingJobs,
  pullRequestsOnly,
  releaseTrigger,
  unpublishedOutput,
} from './publishing.js';
import { actionPathOf, input, isFalse, isTrue, refOf, stepLabel } from './shared.js';

/**
 * GitHub's cache is shared by every workflow run on a branch: code that runs in any workflow of the
 * default branch (a compromised dependency, an injection in an issue-triggered workflow) can write an
 * entry that a later release job restores and builds from. Reported at each step that restores a
 * cache (actions/cache, and setup actions with their cache on) in the jobs of a release workflow that
 * publish or build what is published; when the workflow is a release (a release event, a pushed tag)
 * but no publishing step is recognised, in every job (low confidence for a job that evidently runs
 * tests or opens a pull request instead). What a job that only pull requests run (its workflow's
 * triggers, or its own `if:`) publishes is
 * a preview of the change, not a release: low confidence. A step or input that turns the cache off
 * for releases (an `if:` on the ref or event, an expression as the cache input; not one that only
 * fills in the scope of a `cache-from: type=gha`) is not reported, nor
 * is a cache restored after the last step of its job that publishes, nor a setup action whose cache
 * is keyed on a dependency file of the workspace that runs before anything puts files there (see
 * {@link keyedOnEmptyWorkspace}). A job whose image push or
 * goreleaser run an expression decides (`push: ${{ github.event_name != 'pull_request' }}`) publishes on
 * the runs it allows, which are not read: medium confidence. Low confidence when no workflow of the
 * repository runs on the default branch (a tag's run restores only its own entries and the default
 * branch's, which nothing writes), and for a cache step gated on an `env:` flag that holds only on
 * pull request runs.
 */
export const workflowCachePoisoning = defineEvaluator<Record<string, never>>({
  kind: 'workflow.cache-poisoning',
  scope: 'file',
  summary:
    'Caches restored in release and publishing jobs, where a poisoned entry ends up in what is published.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  // Every workflow's triggers, for whether any run writes the default branch's cache.
  readsOtherFiles: WORKFLOW_GLOBS,
  // That is all it reads from another workflow: a change that leaves some run on the default branch
  // on both trees, or none on either, judges every file it does not touch alike on both.
  affectedBy: (changed, head, base) =>
    (defaultBranchRun(head) === undefined) === (defaultBranchRun(base) === undefined)
      ? []
      : everyWorkflow(changed, head, base),
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    // Read (every workflow's triggers) only when a release run restores a cache.
    const writer = () => defaultBranchRun(workspace);
    // Its subjects are release and publishing workflows: one that only builds and tests ships nothing
    // a poisoned cache could reach, so a repository without them had nothing to judge.
    const subjects = new Set<string>();
    walkWorkflows(workflowSources(workspace), {
      workflow(workflow) {
        const trigger = releaseTrigger(workflow);
        const publishing = publishingJobs(workflow);
        // Jobs whose publishing step an expression decides (`push: ${{ github.event_name != 'pull_request' }}`)
        // publish on the runs it allows (a pushed tag among them, as a rule), and the jobs that build for them.
        const mayPublishing = publishingJobs(workflow, (s, j) => publishes(s, j, workflow) || mayPublish(s));
        if (!trigger && mayPublishing.size === 0) return;
        subjects.add(workflow.path);
        // A job that only pull requests run (by the workflow's triggers, or its own `if:`) publishes
        // builds of the change under review (a preview image): built from unreviewed code by design,
        // no release.
        const previewOnly = (job: Job) => mayPublishing.size > 0 && pullRequestsOnly(workflow, job);
        const jobs =
          publishing.size > 0 || !trigger ? workflow.jobs.filter((j) => mayPublishing.has(j)) : workflow.jobs;
        for (const job of jobs) {
          const preview = previewOnly(job);
          const maybe = !publishing.has(job) && mayPublishing.has(job);
          // Without a publishing step anywhere, what the job evidently produces instead (tests, a
          // pull request) says it is no part of the release.
          const output = publishing.size === 0 && !maybe ? unpublishedOutput(job) : undefined;
          // The job's last step that publishes, or may (`push: ${{ inputs.push }}`): a cache restored
          // after it reaches nothing this job publishes (a job that saves its build for a later one is
          // judged where that one restores it).
          const lastPublish = job.steps.findLastIndex(
            (s) => publishes(s, job, workflow) || decidesPublishing(s),
          );
          for (const [i, step] of job.steps.entries()) {
            // A step that never runs restores nothing.
            if (neverRuns(workflow, job, step)) continue;
            const restore = restoresCache(step);
            if (!restore || conditionalOnRelease(step)) continue;
            // Nothing in the workspace yet to key the cache on: it restores (and saves) nothing.
            if (keyedOnEmptyWorkspace(job, step)) continue;
            if (lastPublish !== -1 && i > lastPublish) continue;
            // Restored only on the runs of a change under review, by a flag the step reads from env.
            const flag = changesOnlyFlag(workflow, job, step);
            // A release run (a tag's) restores its own ref's entries and the default branch's: when
            // nothing runs on the default branch, no other run can plant one.
            const noWriter = !flag && !preview && writer() === undefined;
            const why =
              maybe && lastPublish !== -1
                ? `job "${job.id}" publishes on the runs an expression allows`
                : lastPublish !== -1
                  ? `job "${job.id}" publishes`
                  : mayPublishing.has(job)
                    ? `job "${job.id}" builds for a job that publishes`
                    : output
                      ? `the workflow runs on a ${trigger}, though job "${job.id}" ${output} and no step here publishes`
                      : `the workflow runs on a ${trigger}`;
            const what = preview
              ? 'what it publishes, a build of the pull request (the workflow runs only on pull requests), not a release'
              : output
                ? 'the release, if the job contributes to it after all'
                : 'the release';
            const note = flag
              ? ` The step runs only when env.${flag} is true, which its expression allows only on the runs of a pull request under review, never on a release.`
              : noWriter
                ? " No workflow of this repository runs on the default branch (every trigger is a pull request, a pushed tag or a release), and a tag's run restores only its own entries and the default branch's: no other run can plant an entry today, though a workflow later added on the default branch could."
                : '';
            findings.push({
              message:
                `"${step.uses?.value.trim()}" restores a cache ${restore.how}, and ${why}: an entry written by any ` +
                `workflow run on the branch (the cache's scope) becomes part of ${what}. Turn the cache off in ` +
                `release jobs (or restore only in jobs whose output is not published).${note}`,
              location: locationFromSpan(workflow.path, restore.at.span),
              key: `${job.id}/${stepLabel(step)}`,
              // Without a publishing step we recognise, a pushed tag is often a workflow that only
              // prepares a release (opens a release pull request, runs checks on tags): a guess, shown to
              // pedantic readers; a release event is a release, but what it ships is unseen (medium),
              // unless the job evidently produces something else. A preview of a pull request is no
              // release either. A cache default we infer (setup-go's version unknown) is less certain too.
              // A job that publishes when an expression allows: which runs those are is not read
              // (most often every run but a pull request's, tags included), medium.
              // A flag that keeps the cache to pull request runs, or no run that could write an entry
              // the release restores: low, shown to auditors.
              ...(preview || flag || noWriter
                ? { confidence: 'low' as const }
                : maybe
                  ? { confidence: 'medium' as const }
                  : publishing.size === 0
                    ? {
                        confidence: trigger === 'release' && !output ? ('medium' as const) : ('low' as const),
                      }
                    : restore.inferred
                      ? { confidence: 'medium' as const }
                      : {}),
            });
          }
        }
      },
    });
    workspace.examineOnly(subjects);
    return findings;
  },
});

/**
 * Events whose runs write no cache entry a release's run restores: a pull request's and the merge
 * queue's runs write to their own refs, and a tag's or a release's to the tag's. A reusable
 * workflow runs with its callers' events, which are read where they are.
 */
const OFF_DEFAULT_BRANCH = new Set(['pull_request', 'merge_group', 'release', 'workflow_call']);

/**
 * The first workflow of the repository with a run on its default branch (a push to a branch, a
 * schedule, a manual run, a comment, ...), whose cache entries every release run can restore;
 * undefined when there is none. A workflow whose triggers cannot be read counts as one.
 */
function defaultBranchRun(workspace: Workspace): string | undefined {
  const tree = workspace.tree();
  return tree.memo('cache-poisoning-default-branch-run', '', () => {
    // One workflow at a time: most repositories' first workflow runs on pushes to a branch, and a
    // pull request asks this of both trees (see `affectedBy`).
    for (const file of tree.glob(WORKFLOW_GLOBS)) {
      const source = readWorkflowSource(tree, file);
      if (source?.kind !== 'workflow') continue;
      const events = source.on?.events ?? [];
      if (events.length === 0) return source.path;
      for (const t of events) {
        if (OFF_DEFAULT_BRANCH.has(t.event)) continue;
        if (t.event === 'push' && tagsOnly(t.config?.value)) continue;
        return source.path;
      }
    }
    return undefined;
  });
}

/** A `push` trigger's configuration that names tags and no branches: it runs on pushed tags only. */
function tagsOnly(config: unknown): boolean {
  if (!config || typeof config !== 'object') return false;
  const c = config as Record<string, unknown>;
  return Boolean(c.tags || c['tags-ignore']) && !c.branches && !c['branches-ignore'];
}

/**
 * The name of the job's or workflow's `env:` flag the step's `if:` requires to be true
 * (`if: env.USE_CACHE == 'true'`) when its expression holds only on the runs of a change under review
 * (`USE_CACHE: ${{ github.event_name == 'pull_request' }}`): the cache is not restored on a release.
 */
function changesOnlyFlag(workflow: Workflow, job: Job, step: Step): string | undefined {
  const tree = conditionTree(step.if);
  if (!tree) return undefined;
  for (const name of new Set(envFlags(tree))) {
    const required = requiredBy(tree, true, (leaf, holds) => holds && isFlagTrue(leaf, name));
    if (!required) continue;
    const defined = entry(job.env, name) ?? entry(workflow.env, name);
    const flag = defined && conditionTree(defined[1]);
    if (!flag) continue;
    const events = conditionEvents(workflow, flag);
    if (events.length > 0 && events.every((e) => CHANGE_ONLY.has(e))) return defined[0];
  }
  return undefined;
}

/** Events that run a change before it is merged, with a read-only token for a fork's. */
const CHANGE_ONLY = new Set(['pull_request', 'merge_group']);

/** The `env.NAME` references of a condition (lower case). */
function envFlags(node: ExprNode): string[] {
  switch (node.kind) {
    case 'ref':
      return node.path[0] === 'env' && node.path.length === 2 ? [node.path[1]!] : [];
    case 'not':
      return envFlags(node.arg);
    case 'and':
    case 'or':
      return node.args.flatMap(envFlags);
    case 'compare':
      return [...envFlags(node.left), ...envFlags(node.right)];
    default:
      return [];
  }
}

/** `env.NAME == 'true'` (or `'true' == env.NAME`). */
function isFlagTrue(leaf: ExprNode, name: string): boolean {
  if (leaf.kind !== 'compare' || leaf.op !== '==') return false;
  const isRef = (n: ExprNode) =>
    n.kind === 'ref' && n.path.length === 2 && n.path[0] === 'env' && n.path[1] === name;
  // GitHub compares the string 'true' with the boolean true as numbers: never equal.
  const isTrueText = (n: ExprNode) =>
    n.kind === 'literal' && typeof n.value === 'string' && n.value.toLowerCase() === 'true';
  return (isRef(leaf.left) && isTrueText(leaf.right)) || (isRef(leaf.right) && isTrueText(leaf.left));
}

/** A step of any action whose publishing an expression may decide (`push: ${{ inputs.authenticated }}`). */
function decidesPublishing(step: Step): boolean {
  const action = actionPathOf(step.uses);
  const decides = action === 'goreleaser/goreleaser-action' ? 'args' : 'push';
  const value = input(step, decides);
  return value !== undefined && dynamic(value);
}

/** Inputs that switch a setup action's cache on (`cache: npm`, `bundler-cache: true`). */
const CACHE_INPUTS: Record<string, { input: string; kind: 'name' | 'flag' }> = {
  'actions/setup-node': { input: 'cache', kind: 'name' },
  'actions/setup-python': { input: 'cache', kind: 'name' },
  'actions/setup-java': { input: 'cache', kind: 'name' },
  'actions/setup-dotnet': { input: 'cache', kind: 'flag' },
  'ruby/setup-ruby': { input: 'bundler-cache', kind: 'flag' },
  'astral-sh/setup-uv': { input: 'enable-cache', kind: 'flag' },
  'docker/build-push-action': { input: 'cache-from', kind: 'name' },
  'docker/bake-action': { input: 'cache-from', kind: 'name' },
};

/** Actions that restore a cache unless an input turns it off (`lookup-only: true`, `cache: false`). */
const CACHE_BY_DEFAULT: Record<string, { off: string; when: 'true' | 'false' }> = {
  'actions/cache': { off: 'lookup-only', when: 'true' },
  'actions/cache/restore': { off: 'lookup-only', when: 'true' },
  'swatinem/rust-cache': { off: 'lookup-only', when: 'true' },
  'gradle/actions/setup-gradle': { off: 'cache-disabled', when: 'true' },
  'gradle/gradle-build-action': { off: 'cache-disabled', when: 'true' },
  'jdx/mise-action': { off: 'cache', when: 'false' },
  'hendrikmuhs/ccache-action': { off: 'restore', when: 'false' },
  'actions/setup-go': { off: 'cache', when: 'false' },
};

/** How a step restores a cache, and the node to report; undefined when it does not. */
function restoresCache(step: Step): { how: string; at: Located; inferred?: boolean } | undefined {
  const action = actionPathOf(step.uses);
  if (!action || !step.uses) return undefined;
  const spec = CACHE_INPUTS[action];
  if (spec) {
    const value = input(step, spec.input);
    if (!value) return undefined;
    const text = String(value.value ?? '').trim();
    if (spec.input === 'cache-from') {
      // An expression that only fills in the scope or another parameter (`type=gha,scope=${{
      // github.ref_name }}`) leaves GitHub's cache on; one that decides the type, or the whole entry,
      // is the author's choice per run.
      return GHA_CACHE_ENTRY.test(text.replace(EXPRESSION, '\u0000'))
        ? { how: `(${spec.input}: ${text.split('\n')[0]})`, at: value }
        : undefined;
    }
    if (dynamic(value)) return undefined;
    if (spec.kind === 'flag' ? !isTrue(value) : text === '' || isFalse(value)) return undefined;
    return { how: `(${spec.input}: ${text.split('\n')[0]})`, at: value };
  }
  const byDefault = CACHE_BY_DEFAULT[action];
  if (!byDefault) return undefined;
  const off = input(step, byDefault.off);
  if (off && (dynamic(off) || (byDefault.when === 'true' ? isTrue(off) : isFalse(off)))) return undefined;
  // actions/setup-go caches by default since v4; older majors only when asked.
  if (action === 'actions/setup-go' && !off && /^v[1-3](\.|$)/.test(refOf(step.uses) ?? '')) return undefined;
  const inferred = action === 'actions/setup-go' && !off && !/^v\d/.test(refOf(step.uses) ?? '');
  return {
    how: off ? `(${byDefault.off}: ${String(off.value)})` : 'by default',
    at: off ?? step.uses,
    inferred,
  };
}

/**
 * Whether a step writes a cache entry at the end of its job (actions/cache and the setup actions with
 * their cache on save what they restored; `actions/cache/save` only saves): code that runs in the job
 * can put what it likes into the entry, and the next run on the branch restores it.
 */
export function savesCache(step: Step): boolean {
  const action = actionPathOf(step.uses);
  if (action === 'actions/cache/save') return true;
  if (!action || action === 'actions/cache/restore' || action.startsWith('docker/')) return false;
  if (restoresCache(step) !== undefined) return true;
  // Another action given a cache setting (`cache_key_suffix: race`, `enable-cache: true`) is taken
  // to keep one, unless the setting turns it off.
  if (CACHE_INPUTS[action] || CACHE_BY_DEFAULT[action]) return false;
  for (const [name, value] of step.with?.entries ?? []) {
    if (/cache/i.test(name) && !/lookup|restore|read/i.test(name) && !isFalse(value)) return true;
  }
  return false;
}

/** An expression of a workflow (`${{ ... }}`). */
const EXPRESSION = /\$\{\{[^}]*(?:\}(?!\})[^}]*)*\}\}/g;
/**
 * An entry of BuildKit's `cache-from` (one per line, or `,`-separated in one) whose literal `type=` is
 * GitHub's cache (`type=gha,scope=main`).
 */
const GHA_CACHE_ENTRY = /(?:^|[\s,"'])type=gha(?=$|[\s,"'])/m;

/** An input whose value is an expression: the author decides per run (e.g. off for tags). */
function dynamic(node: Located): boolean {
  return typeof node.value === 'string' && node.value.includes('${{');
}

/**
 * Setup actions whose cache key hashes a dependency file of the workspace (`go.sum`, a lockfile, or
 * what `cache-dependency-path` names): when none is there, actions/setup-go warns ("Restore cache
 * failed") and restores nothing, nor saves at the end of the job (no key was made); the others fail the
 * step.
 */
const KEYED_ON_WORKSPACE = new Set([
  'actions/setup-go',
  'actions/setup-node',
  'actions/setup-python',
  'actions/setup-java',
]);

/**
 * Actions that put nothing in the workspace: setting up tools, logging in, hardening the runner.
 * actions/github-script is one only when its script reads no file module, runs nothing and downloads
 * nothing.
 */
const LEAVES_WORKSPACE =
  /^(?:actions\/setup-[\w-]+|docker\/setup-[\w-]+|docker\/login-action|step-security\/harden-runner)$/;
const SCRIPT_WRITES = /\b(?:require|import|fs|exec|io|glob|fetch|download\w*|write\w*)\b/;

/** A GitHub-hosted runner's image label: its workspace is empty when the job starts. */
const HOSTED_RUNNER = /^(?:ubuntu|windows|macos)-[\w.-]+$/i;

/**
 * Whether a setup action's cache is keyed on a file of a workspace that is still empty when it runs:
 * the job runs on a GitHub-hosted runner (a self-hosted runner keeps the last job's workspace), every
 * step before it is an action known to put nothing there (no checkout, no script, no download, no
 * action of the repository), and `cache-dependency-path`, if given, is a path in the workspace.
 */
function keyedOnEmptyWorkspace(job: Job, step: Step): boolean {
  const action = actionPathOf(step.uses);
  if (!action || !KEYED_ON_WORKSPACE.has(action)) return false;
  const runsOn = job.runsOn?.value;
  const label = Array.isArray(runsOn) && runsOn.length === 1 ? runsOn[0] : runsOn;
  if (typeof label !== 'string' || !HOSTED_RUNNER.test(label.trim())) return false;
  const path = input(step, 'cache-dependency-path');
  if (path && (typeof path.value !== 'string' || /^\s*(?:[/~]|[A-Za-z]:)|\.\.|\$\{\{/.test(path.value))) {
    return false;
  }
  return job.steps.every((s) => {
    if (s.index >= step.index) return true;
    if (s.run) return false;
    const uses = actionPathOf(s.uses);
    if (!uses) return false;
    if (LEAVES_WORKSPACE.test(uses)) return true;
    if (uses !== 'actions/github-script') return false;
    const script = input(s, 'script')?.value;
    return typeof script === 'string' && !SCRIPT_WRITES.test(script);
  });
}

/** A step that only runs when the ref or event says it is not a release. */
function conditionalOnRelease(step: Step): boolean {
  const c = step.if?.value;
  return typeof c === 'string' && /github\.(ref|ref_name|ref_type|event_name)\b|startsWith\s*\(/i.test(c);
}
