import type { Job, Permissions, Workflow } from '../../parsers/workflow.js';
import type { Workspace } from '../../workspace/workspace.js';
import { localCallers } from './callers.js';
import { selfHostedLabel } from './self-hosted-runner.js';
import { namesSecret, writesOnly } from './shared.js';

/**
 * Whether a job holds nothing privileged, so that code a moved tag brings into it (a GitHub action, a
 * job container, a service) can change what the job does, not reach a credential or what the
 * project ships. Shared by workflow-unpinned-action and workflow-unpinned-image, which differ only in
 * which write scopes their subject can use and in what a run on pull requests alone is worth to it.
 */

/**
 * Why a job's token is harmless: `written`, its `permissions:` (or the workflow's) say so; `callers`,
 * every job of this repository that calls the reusable workflow bounds it; `pull-request`, the rule
 * lets a job that runs only on pull requests pass (see {@link BareJobRule.pullRequest}).
 */
export type BareJob = 'written' | 'callers' | 'pull-request';

/** How a rule weighs a job's token. */
export interface BareJobRule {
  /**
   * Write scopes (lower case) that count as none for the rule's subject: those that only report on
   * the run, or `id-token` for a service, which never receives the OIDC request variables.
   */
  writable: ReadonlySet<string>;
  /**
   * Events besides `workflow_call` a reusable workflow may run on and still be judged by the grants
   * of its callers (each such run must pass the rule by itself, through {@link pullRequest}).
   */
  alsoOn: ReadonlySet<string>;
  /**
   * Whether the job passes on the strength of running only on pull requests when its token is not
   * bounded (`perms` is what the job or the workflow writes, if anything); without it, never.
   */
  pullRequest?: (perms: Permissions | undefined) => boolean;
  /** The jobs of the workflow that publish or build what is published (computed only when asked). */
  publishers: () => ReadonlySet<Job>;
}

/**
 * Why a job holds nothing privileged, or undefined: it calls no reusable workflow, has no deployment
 * environment (whose secrets and protection rules it would hold), runs on no self-hosted runner (a
 * machine on a private network, reused by later jobs), names no secret in an expression (its own
 * `env:`, steps and container, or the workflow's `env:`; `secrets.GITHUB_TOKEN` and `github.token`
 * are the job's token, judged by its permissions), is not one of the rule's publishing jobs, and its
 * token is bounded (its `permissions:`, else the workflow's, grant no write scope but the rule's
 * `writable`; or the grants of the jobs that call the reusable workflow, see {@link readOnlyCallers}),
 * or the rule lets it pass as a job run on pull requests only.
 */
export function bareJob(
  workspace: Workspace,
  workflow: Workflow,
  job: Job,
  rule: BareJobRule,
): BareJob | undefined {
  if (job.uses || job.environment || (job.runsOn && selfHostedLabel(workflow, job, job.runsOn)))
    return undefined;
  if (namesSecret(job.value) || namesSecret(workflow.env?.value)) return undefined;
  const perms = job.permissions ?? workflow.permissions;
  const token: BareJob | undefined = writesOnly(perms, rule.writable)
    ? 'written'
    : readOnlyCallers(workspace, workflow, rule.writable, rule.alsoOn)
      ? 'callers'
      : rule.pullRequest?.(perms)
        ? 'pull-request'
        : undefined;
  if (!token || rule.publishers().has(job)) return undefined;
  return token;
}

/**
 * Whether a reusable workflow (`workflow_call`) runs otherwise only on `alsoOn`, and every job of this
 * repository that calls it grants a token with no write scope but `writable` (its `permissions:` or
 * its workflow's; a caller that writes none lends the repository's default, which may write). A
 * called workflow's token is its caller's, and its own `permissions:` can only narrow it. Callers in
 * other repositories run it with their own token and secrets, never this repository's, so they are
 * not this repository's risk; a workflow no job here calls is not bounded.
 */
export function readOnlyCallers(
  workspace: Workspace,
  workflow: Workflow,
  writable: ReadonlySet<string>,
  alsoOn: ReadonlySet<string>,
): boolean {
  const events = workflow.on?.events ?? [];
  if (!events.some((e) => e.event === 'workflow_call')) return false;
  if (!events.every((e) => e.event === 'workflow_call' || alsoOn.has(e.event))) return false;
  const callers = localCallers(workspace, workflow.path);
  return (
    callers.length > 0 &&
    callers.every(
      (c) =>
        c.source.kind === 'workflow' &&
        c.job !== undefined &&
        writesOnly(c.job.permissions ?? c.source.permissions, writable),
    )
  );
}
