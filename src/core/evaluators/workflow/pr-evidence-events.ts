import type { ExprNode } from '../../parsers/expression.js';
import type { Job, LocatedMap, Step, Workflow } from '../../parsers/workflow.js';
import { localActionSteps } from '../../parsers/workflow.js';
import { CREDENTIAL_ACTIONS } from '../../parsers/workflow-deploys.js';
import type { Workspace } from '../../workspace/workspace.js';
import { localCallers } from './callers.js';
import { conditionTree, runsPastFailures } from './conditions.js';
import { requiredBy } from './event-guards.js';
import { actionPathOf } from './shared.js';

/**
 * When the activity the process-evidence rules look for (tests, static analysis) runs, relative to a
 * pull request: on pushes to every branch (a branch of this repository is checked before it is
 * merged), on a comment that asks for it, or in a CI system whose runs are not visible here; and
 * whether a run needs a cloud's credentials, which a fork's pull request is not given.
 */

/**
 * Other CI systems, by where their configuration sits: their pull request runs are invisible here,
 * so a finding in a repository that has one says so. Paths from the repository's root, or globs in a
 * directory of their own.
 */
export const OTHER_CI: ReadonlyArray<readonly [paths: readonly string[], system: string]> = [
  [['.circleci/config.yml', '.circleci/config.yaml'], 'CircleCI'],
  [['.travis.yml'], 'Travis CI'],
  [
    ['Jenkinsfile', 'ci/Jenkinsfile', '.ci/Jenkinsfile', 'jenkins/Jenkinsfile', '.jenkins/Jenkinsfile'],
    'Jenkins',
  ],
  [
    [
      'azure-pipelines.yml',
      'azure-pipelines.yaml',
      '.azure-pipelines/*.{yml,yaml}',
      '.pipelines/*.{yml,yaml}',
    ],
    'Azure Pipelines',
  ],
  [['.gitlab-ci.yml', '.gitlab-ci.yaml'], 'GitLab CI'],
  [['.buildkite/*.{yml,yaml,json,sh}'], 'Buildkite'],
  [['.prow.yaml', '.prow/*.yaml'], 'Prow'],
  // Kubernetes-style repositories: Prow presubmits are configured in another repository.
  [['OWNERS'], 'Prow'],
  // Google Cloud Build: `cloudbuild.yaml`, or named for what it builds (`int.cloudbuild.yaml`), at the
  // root or in a build folder of its own.
  [
    [
      'cloudbuild.yaml',
      'cloudbuild.yml',
      '*.cloudbuild.{yml,yaml}',
      'build/cloudbuild.{yml,yaml}',
      'build/*.cloudbuild.{yml,yaml}',
      '.cloudbuild/*.{yml,yaml}',
    ],
    'Cloud Build',
  ],
  [['.drone.yml', '.drone.yaml', '.drone.star', '.drone.jsonnet'], 'Drone'],
  [['.woodpecker.yml', '.woodpecker.yaml', '.woodpecker/*.{yml,yaml}'], 'Woodpecker CI'],
  [['.tekton/*.{yml,yaml}'], 'Tekton'],
  [['bitbucket-pipelines.yml'], 'Bitbucket Pipelines'],
  [['appveyor.yml', '.appveyor.yml'], 'AppVeyor'],
  [['.cirrus.yml', '.cirrus.star'], 'Cirrus CI'],
  [['.semaphore/semaphore.yml', '.semaphore/semaphore.yaml'], 'Semaphore'],
  [['.teamcity/settings.kts', '.teamcity/pom.xml'], 'TeamCity'],
  [['.zuul.yaml', 'zuul.yaml', '.zuul.d/*.{yml,yaml}', 'zuul.d/*.{yml,yaml}'], 'Zuul'],
  [['.build.yml', '.builds/*.yml'], 'SourceHut builds'],
  [['.forgejo/workflows/*.{yml,yaml}', '.gitea/workflows/*.{yml,yaml}'], 'Forgejo or Gitea Actions'],
];

/** The other CI systems of the repository, each as the first of its files found and its name. */
export function otherCi(workspace: Workspace): string[] {
  return OTHER_CI.flatMap(([paths, system]) => {
    const found = paths.find((p) => (p.includes('*') ? workspace.glob(p).length > 0 : workspace.has(p)));
    const first = found?.includes('*') ? workspace.glob(found)[0] : found;
    return first ? [`${first} (${system})`] : [];
  });
}

/**
 * Whether the workflow runs on pushes to every branch: a `push` trigger of its own without a
 * `branches` filter (tags and paths aside, `branches-ignore` leaving most branches in), or, for a
 * reusable workflow, one of the workflows of this repository that call it does (a called workflow
 * runs on its caller's events).
 */
export function pushesOfEveryBranch(
  workspace: Workspace,
  workflow: Workflow,
  seen = new Set<string>(),
): boolean {
  if (seen.has(workflow.path)) return false;
  seen.add(workflow.path);
  const push = workflow.on?.events.find((e) => e.event === 'push');
  if (push && everyBranch(push.config?.value)) return true;
  if (!workflow.on?.events.some((e) => e.event === 'workflow_call')) return false;
  return localCallers(workspace, workflow.path).some(
    (c) =>
      c.source.kind === 'workflow' && c.job !== undefined && pushesOfEveryBranch(workspace, c.source, seen),
  );
}

function everyBranch(config: unknown): boolean {
  if (config === null || config === undefined || typeof config !== 'object' || Array.isArray(config))
    return true;
  const branches = (config as Record<string, unknown>).branches;
  if (branches === undefined) return (config as Record<string, unknown>).tags === undefined;
  const list = Array.isArray(branches) ? branches : [branches];
  return list.some((b) => b === '**' || b === '*/**' || b === '**/*');
}

/**
 * Whether the job runs on comments on pull requests only, so that a comment (a `/test` command)
 * asks for it on a pull request: the workflow runs on `issue_comment` and the job's condition, or
 * that of a job it needs, holds only when `github.event.issue.pull_request` is set.
 */
export function onPullRequestComments(workflow: Workflow, job: Job, seen = new Set<string>()): boolean {
  if (!workflow.on?.events.some((e) => e.event === 'issue_comment')) return false;
  if (seen.has(job.id)) return false;
  seen.add(job.id);
  const tree = conditionTree(job.if);
  if (tree && requiresPullRequest(tree, true)) return true;
  if (runsPastFailures(job.if)) return false;
  const needs = job.needs?.value;
  return (Array.isArray(needs) ? needs : typeof needs === 'string' ? [needs] : []).some((id) => {
    const upstream = workflow.jobs.find((j) => j.id === id);
    return upstream !== undefined && onPullRequestComments(workflow, upstream, seen);
  });
}

const ISSUE_PULL_REQUEST = 'github.event.issue.pull_request';

/**
 * Whether a condition holds only when the commented issue is a pull request: the bare reference (an
 * object, truthy when set), or it compared unequal to null or ''; `&&` requires what either side
 * requires, `||` what both do.
 */
function requiresPullRequest(node: ExprNode, positive: boolean): boolean {
  const isRef = (n: ExprNode) => n.kind === 'ref' && n.path.join('.') === ISSUE_PULL_REQUEST;
  return requiredBy(node, positive, (leaf, holds) => {
    if (leaf.kind === 'ref') return holds && isRef(leaf);
    if (leaf.kind !== 'compare') return false;
    const unequal = (leaf.op === '!=' && holds) || (leaf.op === '==' && !holds);
    const other = isRef(leaf.left) ? leaf.right : isRef(leaf.right) ? leaf.left : undefined;
    return unequal && other?.kind === 'literal' && (other.value === null || other.value === '');
  });
}

/**
 * Environment variables that hand a job a cloud's credentials (the providers' SDKs, Terraform's
 * providers and the cloud command lines read them), when set from an expression (a secret).
 */
const CLOUD_CREDENTIAL_VARIABLES =
  /^(?:AWS_(?:ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|ROLE_ARN)|ARM_(?:CLIENT_SECRET|CLIENT_CERTIFICATE_PASSWORD|OIDC_TOKEN)|AZURE_(?:CREDENTIALS|CLIENT_SECRET)|GOOGLE_(?:CREDENTIALS|APPLICATION_CREDENTIALS|OAUTH_ACCESS_TOKEN)|CLOUDSDK_AUTH_ACCESS_TOKEN|DIGITALOCEAN_(?:ACCESS_)?TOKEN|HCLOUD_TOKEN|LINODE_TOKEN|OCI_CLI_KEY_CONTENT)$/;

/** How many composite actions of the repository deep a job's steps are read for a login. */
const LOCAL_ACTION_DEPTH = 3;

/**
 * How a job reaches a cloud or a cluster with credentials of the repository's: a step that logs in
 * (aws-actions/configure-aws-credentials, google-github-actions/auth, azure/login, ..., in a composite
 * action of the repository too), or a cloud's credential variable set from a secret in the workflow's,
 * the job's or a step's `env:`. Such a run cannot be a fork's pull request's: GitHub gives it no
 * secrets and no OIDC token. Undefined when the job takes none.
 */
export function cloudCredentials(workspace: Workspace, job: Job, workflow: Workflow): string | undefined {
  const fromEnv = (env: LocatedMap | undefined): string | undefined => {
    for (const [name, node] of env?.entries ?? []) {
      if (
        CLOUD_CREDENTIAL_VARIABLES.test(name) &&
        typeof node.value === 'string' &&
        node.value.includes('${{')
      )
        return `env ${name}`;
    }
    return undefined;
  };
  const inSteps = (steps: readonly Step[], depth: number): string | undefined => {
    for (const step of steps) {
      const path = actionPathOf(step.uses);
      if (path !== undefined && CREDENTIAL_ACTIONS.some((a) => path === a || path.startsWith(`${a}/`)))
        return path;
      const found = fromEnv(step.env);
      if (found) return found;
      const local = depth < LOCAL_ACTION_DEPTH && step.uses ? localActionSteps(workspace, step) : undefined;
      const nested = local && inSteps(local, depth + 1);
      if (nested) return nested;
    }
    return undefined;
  };
  return fromEnv(workflow.env) ?? fromEnv(job.env) ?? inSteps(job.steps, 0);
}
