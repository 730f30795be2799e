import { FixBatches } from '../../fix/yaml-fix.js';
import { locationFromSpan } from '../../location.js';
import type { Job, Located, Step, Workflow, WorkflowSource } from '../../parsers/workflow.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding, Severity } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import { outsiderEvents } from './activity.js';
import { persistCredentialsFix } from './fix-checkout.js';
import { actionOf, aliasNote, input, isFalse, isTrue, refOf, stepLabel } from './shared.js';

/**
 * `actions/checkout` keeps the job's token on disk unless `persist-credentials: false` (before v6 in
 * `.git/config` of the checkout, from v6 in a file under `$RUNNER_TEMP` that `.git/config` includes),
 * where every later step — every dependency install script, test and action — can read it. Each such
 * checkout is reported at its `uses:`, graded by what can reach the token:
 * - high: the same job uploads the checkout directory with its hidden files (upload-artifact before
 *   v4.4, or `include-hidden-files: true`) and the token sits in `.git/config` (checkout before v6):
 *   the token is in the artifact, downloadable by anyone who can see the run;
 * - medium: the token can write (the job's permissions grant a write scope or `write-all`), the
 *   checkout persists another credential (`token:`), the workflow runs on an event outsiders cause
 *   with a writable token (`pull_request_target`, `workflow_run`, issues, comments, ...) on an
 *   activity type of theirs (activity.ts), where their input is handled, or the workflow uploads
 *   artifacts;
 * - low otherwise: the token is still readable by every later step.
 * An explicit `persist-credentials: true` is a deliberate choice (a later step pushes with it) and is
 * reported, at that value, only when the token ends up in an artifact or the job is privileged.
 */
export const workflowCheckoutCredentials = defineEvaluator<Record<string, never>>({
  kind: 'workflow.checkout-credentials',
  scope: 'file',
  fix: 'adds persist-credentials: false to the checkout, unless a later step of the job pushes or fetches with git',
  summary:
    'actions/checkout keeping the token on disk (no persist-credentials: false), graded by uploads, write scopes and privileged triggers.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    const fixes = new FixBatches(workspace);
    walkWorkflows(workflowSources(workspace), {
      step(step, source, job) {
        if (actionOf(step.uses) !== 'actions/checkout' || isFalse(input(step, 'persist-credentials'))) return;
        const found = finding(workspace, fixes, source, job, step);
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
): RawFinding | undefined {
  const explicit = input(step, 'persist-credentials');
  const deliberate = isTrue(explicit);
  const steps = job?.steps ?? (source.kind === 'action' ? source.steps : []);
  const dir = typeof input(step, 'path')?.value === 'string' ? String(input(step, 'path')!.value) : '.';
  const inGitConfig = (majorVersion(workspace, source.path, step.uses!) ?? 0) < 6;
  const leaking = inGitConfig
    ? steps.find((s) => s.index > step.index && uploadsWithGitDir(workspace, source.path, s, dir))
    : undefined;
  const workflow = source.kind === 'workflow' ? source : undefined;
  const facts = workflow ? workflowFacts(workflow) : undefined;
  const privileged = facts?.outsiders ?? [];
  const reasons: string[] = [];
  if (privileged.length > 0)
    reasons.push(`the workflow runs on ${privileged.join(', ')}, where it handles outsiders' input`);
  if (!deliberate) {
    if (workflow && job && writes(workflow, job)) reasons.push('the token can write to the repository');
    if (input(step, 'token')) reasons.push('it persists the credential given in "token:", not the job token');
    if (facts?.uploads) reasons.push('the workflow uploads artifacts');
  }
  if (deliberate && !leaking && privileged.length === 0) return undefined;
  const severity: Severity = leaking ? 'high' : reasons.length > 0 ? 'medium' : 'low';
  const where = inGitConfig ? '.git/config' : 'a credentials file that .git/config includes';
  const who = `${job ? `in job "${job.id}"` : 'in this action'}${aliasNote(step.uses)}`;
  const head = deliberate
    ? `actions/checkout ${who} persists the token on purpose ("persist-credentials: true")`
    : `actions/checkout ${who} leaves the job's token in ${where} (no "persist-credentials: false"), where every later step can read it`;
  const why = leaking
    ? `, and step "${stepLabel(leaking)}" uploads the checkout directory including hidden files, so the token ends up in the artifact`
    : reasons.length > 0
      ? `; ${reasons.join('; ')}`
      : '';
  const fix = deliberate
    ? 'Push from a separate job that uploads nothing and runs no untrusted code, or pass the token only to the step that pushes.'
    : 'Set "persist-credentials: false" unless a later step pushes with git; then pass the token to that step explicitly.';
  const at = deliberate ? explicit! : step.uses!;
  const found: RawFinding = {
    message: `${head}${why}. ${fix}`,
    location: locationFromSpan(source.path, at.span),
    key: `${job?.id ?? ''}/${stepLabel(step)}`,
    severity,
  };
  if (deliberate) found.unfixable = 'persist-credentials: true is set on purpose';
  else persistCredentialsFix(fixes, found, source, steps, step);
  return found;
}

/** Whether the job's token can write: a write scope or `write-all`, its own or the workflow's. */
function writes(workflow: Workflow, job: Job): boolean {
  const perms = job.permissions ?? workflow.permissions;
  if (!perms) return false;
  if (perms.shorthand) return perms.shorthand.value.trim() === 'write-all';
  // What git pushes with: `contents: write`. Other write scopes (security-events, pull-requests, ...)
  // let the token call the API, not change the repository's code.
  return perms.scopes.some(
    (s) =>
      s.scope.toLowerCase() === 'contents' &&
      typeof s.level.value === 'string' &&
      s.level.value.trim() === 'write',
  );
}

/** What every checkout of a workflow shares: its events from outsiders, and whether it uploads artifacts. */
const FACTS = new WeakMap<Workflow, { outsiders: string[]; uploads: boolean }>();
function workflowFacts(workflow: Workflow): { outsiders: string[]; uploads: boolean } {
  let facts = FACTS.get(workflow);
  if (!facts) {
    facts = {
      outsiders: outsiderEvents(workflow),
      uploads: workflow.jobs.some((j) => j.steps.some((s) => actionOf(s.uses) === 'actions/upload-artifact')),
    };
    FACTS.set(workflow, facts);
  }
  return facts;
}

/** An upload whose paths cover the checkout directory and that keeps hidden files (such as .git). */
function uploadsWithGitDir(workspace: Workspace, path: string, step: Step, dir: string): boolean {
  if (actionOf(step.uses) !== 'actions/upload-artifact') return false;
  const paths = input(step, 'path');
  if (typeof paths?.value !== 'string') return false;
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
  if (!covers) return false;
  if (isTrue(input(step, 'include-hidden-files'))) return true;
  // upload-artifact excludes hidden files by default since v4.4.0; earlier versions include them.
  const version = actionVersion(workspace, path, step.uses!);
  if (!version) return false;
  return version[0] < 4 || (version[0] === 4 && version[1] !== undefined && version[1] < 4);
}

function majorVersion(workspace: Workspace, path: string, uses: Located<string>): number | undefined {
  return actionVersion(workspace, path, uses)?.[0];
}

/**
 * The version of a `uses:` reference: its tag (`v4`, `v4.3.1`), or for a commit SHA the version in
 * the comment after it on the same line (`@<sha> # v4.2.2`), as pinning tools write it.
 */
export function actionVersion(
  workspace: Workspace,
  path: string,
  uses: Located<string>,
): [number, number | undefined] | undefined {
  const parse = (text: string | undefined) => {
    const m = /^v?(\d+)(?:\.(\d+))?/.exec(text ?? '');
    return m
      ? ([Number(m[1]), m[2] === undefined ? undefined : Number(m[2])] as [number, number | undefined])
      : undefined;
  };
  const ref = refOf(uses);
  if (ref && !/^[0-9a-f]{40}$/i.test(ref)) return parse(ref);
  const content = workspace.read(path);
  if (content.kind !== 'text' || uses.origin) return undefined;
  const at = content.lines.lineStart(uses.span.end.line) + uses.span.end.column;
  const eol = content.text.indexOf('\n', at);
  const rest = content.text.slice(at, eol === -1 ? undefined : eol);
  return parse(/^\s*#\s*(v?\d+(?:\.\d+)*)/.exec(rest)?.[1]);
}
