import { locationFromSpan } from '../../location.js';
import { hasSha256Digest, parseImageRef } from '../../parsers/image-ref.js';
import {
  type Job,
  type Located,
  WORKFLOW_GLOBS,
  type Workflow,
  walkWorkflows,
  workflowSources,
} from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import { localCallers } from './callers.js';
import { publishingJobs } from './publishing.js';
import { aliasNote, globMatcher, namesSecret, onlyPullRequest, writesOnly } from './shared.js';

export interface UnpinnedImagesOptions {
  /** Globs on the image name without tag or digest (`postgres`, `ghcr.io/acme/*`) that may use tags. */
  allow: string[];
}

/**
 * Container images a workflow runs: a job's `container:` (every step runs inside it, with the job's
 * token), its `services:`, and a Docker action's `runs.image: docker://...`. A tag can be re-pointed
 * to a different image; only `@sha256:<digest>` names fixed content. Images computed by an expression
 * (`${{ matrix.image }}`) are not judged: their value is not known here. `docker://` steps are
 * references in `uses:` and are reported by workflow-unpinned-action. A service of a job that holds
 * only a read-only token, names no secret and publishes nothing (a test database beside the tests) is
 * reported at low severity: a moved tag can change the job's results, not reach a credential.
 */
export const workflowUnpinnedImages = defineEvaluator<UnpinnedImagesOptions>({
  kind: 'workflow.unpinned-images',
  scope: 'file',
  summary: 'Job container, service and Docker action images referenced by tag instead of a sha256 digest.',
  // A reusable workflow's services are judged by the grants of the jobs that call it.
  readsOtherFiles: WORKFLOW_GLOBS,
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      allow: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        default: [],
        description:
          'Globs on the image name without tag (e.g. "postgres", "ghcr.io/acme/*") that may use tags.',
      },
    },
  },
  evaluate({ options, workspace }) {
    const allowed = globMatcher(options.allow ?? []);
    const findings: RawFinding[] = [];
    // Its subjects are the images jobs and Docker actions pull: a file that names none had nothing to judge.
    const subjects = new Set<string>();
    const check = (
      path: string,
      image: Located<string> | undefined,
      what: string,
      key: string,
      note?: string,
    ) => {
      if (!image) return;
      subjects.add(path);
      if (image.value.includes('${{')) return;
      const raw = image.value.trim().replace(/^docker:\/\//, '');
      const ref = parseImageRef(raw);
      if (!ref || hasSha256Digest(ref)) return;
      const name = [ref.registry, ref.repository].filter(Boolean).join('/');
      if (allowed(name) || allowed(ref.repository)) return;
      const by = ref.digest
        ? `a malformed digest ("${ref.digest}")`
        : ref.tag
          ? `tag "${ref.tag}"`
          : 'name only (the "latest" tag)';
      findings.push({
        message:
          `Image "${ref.raw}" (${what})${aliasNote(image)} is pulled by ${by}; a tag can be moved to a different image at any time. ` +
          'Pin it by digest (image@sha256:<digest>) and let Dependabot or Renovate update it.' +
          (note ? ` ${note}` : ''),
        location: locationFromSpan(path, image.span),
        key: `${key}:${ref.raw}`,
        ...(note ? { severity: 'low' as const } : {}),
      });
    };
    // The jobs of each workflow that publish, computed once a workflow has a service to judge.
    const publishing = new Map<Workflow, Set<Job>>();
    walkWorkflows(workflowSources(workspace), {
      job(job, workflow) {
        check(workflow.path, job.container?.image, `the container of job "${job.id}"`, `${job.id}/container`);
        if (job.services.length === 0) return;
        const publishers = publishing.get(workflow) ?? publishingJobs(workflow);
        publishing.set(workflow, publishers);
        const note = harmlessServices(job, workflow, publishers, workspace);
        for (const service of job.services) {
          check(
            workflow.path,
            service.image,
            `service "${service.id}" of job "${job.id}"`,
            `${job.id}/service/${service.id}`,
            note,
          );
        }
      },
      action(action) {
        if (action.image?.value.trim().startsWith('docker://')) {
          check(action.path, action.image, 'the image of this Docker action', 'runs.image');
        }
      },
    });
    workspace.examineOnly(subjects);
    return findings;
  },
});

/** What a finding on a service of a job that can reach no credential says. */
const SERVICE_NOTE =
  'The job holds only a read-only token, names no secret and publishes nothing: a moved tag can change its test results, not reach a credential or what the project ships.';

/** The same, for a workflow that runs only on pull requests, whose token a service never holds. */
const PULL_REQUEST_SERVICE_NOTE =
  "The workflow runs only on pull requests, the job names no secret and publishes nothing, and a service never holds the job's token: a moved tag can change its test results, not reach a credential or what the project ships.";

/** The same, for a reusable workflow run on pull requests and called only by read-only jobs here. */
const READ_ONLY_CALLERS_NOTE =
  "The workflow runs only on pull requests and for jobs of this repository that grant it a read-only token, the job names no secret and publishes nothing, and a service never holds the job's token: a moved tag can change its test results, not reach a credential or what the project ships.";

/**
 * The write scopes a service cannot use: `id-token: write` lets a step ask for an OIDC token through
 * the request variables the runner hands the steps (ACTIONS_ID_TOKEN_REQUEST_*), which a service
 * container never receives.
 */
const SERVICE_UNREACHABLE_WRITES: ReadonlySet<string> = new Set(['id-token']);

/**
 * Why a job's services can reach nothing privileged, or undefined when they may: it has no deployment
 * environment (whose secrets it would hold), it is no publishing job nor one that builds what a
 * publishing job ships, the job and the workflow's `env:` name no secret (`secrets.NAME`,
 * `secrets[...]`, `toJSON(secrets)`; the job's own token, `secrets.GITHUB_TOKEN`, is its token), and
 * either its token can only read (its `permissions:`, or the workflow's, grant no write scope; without
 * any the repository's default may write) or the workflow runs only on `pull_request`. A service runs
 * beside the job's steps on the same network, without the runner's workspace or its token: what it
 * serves can change the tests' results, not what the job may do. Its token's scopes matter only to
 * the steps; on `pull_request` alone a fork's run holds a read-only token whatever `permissions:` says,
 * and a write scope there is the steps' to answer for (workflow-permissions), not the service's. A
 * job's `container:` runs the steps themselves and is not judged so. `id-token: write` counts as no
 * write here: the OIDC request variables go to the steps only. A reusable workflow whose other
 * triggers are all `pull_request` and whose every caller in this repository grants a read-only token
 * (the caller's grant bounds the called workflow's token) is judged as one run on pull requests only;
 * a caller that grants nothing (the default may write) or a write scope keeps the grade.
 */
function harmlessServices(
  job: Job,
  workflow: Workflow,
  publishers: ReadonlySet<Job>,
  workspace: Workspace,
): string | undefined {
  if (job.uses || job.environment || publishers.has(job)) return undefined;
  if (namesSecret(job.value) || namesSecret(workflow.env?.value)) return undefined;
  if (writesOnly(job.permissions ?? workflow.permissions, SERVICE_UNREACHABLE_WRITES)) return SERVICE_NOTE;
  if (onlyPullRequest(workflow)) return PULL_REQUEST_SERVICE_NOTE;
  return readOnlyCallers(workspace, workflow) ? READ_ONLY_CALLERS_NOTE : undefined;
}

/**
 * Whether a reusable workflow runs otherwise only on `pull_request`, and every job of this repository
 * that calls it grants a read-only token (its `permissions:` or its workflow's). Callers elsewhere run
 * it with their own token, not this repository's.
 */
function readOnlyCallers(workspace: Workspace, workflow: Workflow): boolean {
  const events = workflow.on?.events ?? [];
  if (!events.some((e) => e.event === 'workflow_call')) return false;
  if (!events.every((e) => e.event === 'workflow_call' || e.event === 'pull_request')) return false;
  const callers = localCallers(workspace, workflow.path);
  return (
    callers.length > 0 &&
    callers.every(
      (c) =>
        c.source.kind === 'workflow' &&
        c.job !== undefined &&
        writesOnly(c.job.permissions ?? c.source.permissions, SERVICE_UNREACHABLE_WRITES),
    )
  );
}
