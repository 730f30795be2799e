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
import { type BareJob, bareJob } from './bare-job.js';
import { savesCache } from './cache-poisoning.js';
import { calledFrom } from './callers.js';
import { mayPublish, type PublishingStep, publishes, publishingJobsAcross } from './publishing.js';
import { aliasNote, globMatcher, onlyPullRequest } from './shared.js';

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
 * reported at low severity: a moved tag can change the job's results, not reach a credential. So is
 * the container of a job that holds nothing privileged and whose token can write nothing at all (a
 * linter's image in a job with `permissions: {}`).
 */
export const workflowUnpinnedImages = defineEvaluator<UnpinnedImagesOptions>({
  kind: 'workflow.unpinned-images',
  scope: 'file',
  summary: 'Job container, service and Docker action images referenced by tag instead of a sha256 digest.',
  // A reusable workflow's jobs are judged by the grants of the jobs that call it.
  readsOtherFiles: WORKFLOW_GLOBS,
  // A changed workflow changes the grants of the ones it calls, and of those they call in turn.
  affectedBy: (changed, head, base) => [...calledFrom(head, changed), ...calledFrom(base, changed)],
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
  evaluate({ options, workspace, repository }) {
    const allowed = globMatcher(options.allow ?? []);
    const findings: RawFinding[] = [];
    // Its subjects are the images jobs and Docker actions pull: a file that names none had nothing to judge.
    const subjects = new Set<string>();
    const check = (
      path: string,
      image: Located<string> | undefined,
      what: string,
      key: string,
      // Why the job can reach nothing privileged, asked only of an image that is reported.
      harmless: () => string | undefined = () => undefined,
      // The image is the code a step runs, as a `docker://` step's is: graded as that step would be.
      runsAsStep = false,
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
      const note = harmless();
      // Of a third party: in this repository owner's namespace of GitHub's registry only the owner pushes.
      const owners = repository?.split('/')[0]?.toLowerCase();
      const own =
        (ref.registry?.toLowerCase() === 'ghcr.io' ||
          ref.registry?.toLowerCase() === 'docker.pkg.github.com') &&
        owners !== undefined &&
        ref.repository.toLowerCase().split('/')[0] === owners;
      const step = runsAsStep && !own;
      findings.push({
        message:
          `Image "${ref.raw}" (${what})${aliasNote(image)} is pulled by ${by}; a tag can be moved to a different image at any time. ` +
          (step
            ? "The image is the code every step using this action runs, with that job's token and secrets, as a `uses: docker://` step's image is (high there too). "
            : '') +
          'Pin it by digest (image@sha256:<digest>) and let Dependabot or Renovate update it.' +
          (note ? ` ${note}` : ''),
        location: locationFromSpan(path, image.span),
        key: `${key}:${ref.raw}`,
        ...(note ? { severity: 'low' as const } : step ? { severity: 'high' as const } : {}),
      });
    };
    // The jobs of each workflow that publish, computed once a workflow has an image to judge: for a
    // service, those with a publishing step; for a container, which runs the steps, also those whose
    // push an expression decides.
    // A job of a reusable workflow that builds what a workflow calling it publishes counts too.
    const publishing = new Map<string, ReadonlySet<Job>>();
    const mayPublishing = new Map<string, ReadonlySet<Job>>();
    const memo = (map: Map<string, ReadonlySet<Job>>, workflow: Workflow, step: PublishingStep) => () =>
      publishingJobsAcross(workspace, workflow, step, repository, map);
    walkWorkflows(workflowSources(workspace), {
      job(job, workflow) {
        const container = memo(mayPublishing, workflow, (s, j, w) => publishes(s, j, w) || mayPublish(s));
        check(
          workflow.path,
          job.container?.image,
          `the container of job "${job.id}"`,
          `${job.id}/container`,
          () => harmlessContainer(job, workflow, container, workspace),
        );
        if (job.services.length === 0) return;
        // One judgement for all the job's services.
        let note: string | undefined | null = null;
        const services = memo(publishing, workflow, (s, j, w) => publishes(s, j, w));
        for (const service of job.services) {
          check(
            workflow.path,
            service.image,
            `service "${service.id}" of job "${job.id}"`,
            `${job.id}/service/${service.id}`,
            () => {
              if (note === null) note = harmlessServices(job, workflow, services, workspace);
              return note;
            },
          );
        }
      },
      action(action) {
        if (action.image?.value.trim().startsWith('docker://')) {
          // The image runs only for `using: docker` (other kinds ignore the key).
          const docker =
            String(action.using?.value ?? '')
              .trim()
              .toLowerCase() === 'docker';
          check(
            action.path,
            action.image,
            'the image of this Docker action',
            'runs.image',
            undefined,
            docker,
          );
        }
      },
    });
    workspace.examineOnly(subjects);
    return findings;
  },
});

/** What a finding on a service of a job that can reach no credential says, by why it can reach none. */
const SERVICE_NOTE: Record<BareJob, string> = {
  written:
    'The job holds only a read-only token, names no secret and publishes nothing: a moved tag can change its test results, not reach a credential or what the project ships.',
  // A workflow that runs only on pull requests, whose token a service never holds.
  'pull-request':
    "The workflow runs only on pull requests, the job names no secret and publishes nothing, and a service never holds the job's token: a moved tag can change its test results, not reach a credential or what the project ships.",
  // A reusable workflow run on pull requests and called only by read-only jobs here.
  callers:
    "The workflow runs only on pull requests and for jobs of this repository that grant it a read-only token, the job names no secret and publishes nothing, and a service never holds the job's token: a moved tag can change its test results, not reach a credential or what the project ships.",
};

/** The same, for the job's container, which runs the steps: its token must write nothing at all. */
const CONTAINER_NOTE = {
  written:
    "The job's token can write nothing (its permissions grant no write scope nor an OIDC token), and the job names no secret, has no deployment environment or self-hosted runner and publishes nothing: a moved tag can change what its steps do and their results, not reach a credential or what the project ships.",
  callers:
    'Every job of this repository that calls this workflow grants it a token that can write nothing (no write scope nor an OIDC token; callers elsewhere run it with their own), and the job names no secret, has no deployment environment or self-hosted runner and publishes nothing: a moved tag can change what its steps do and their results, not reach a credential or what the project ships.',
} as const;

/**
 * The write scopes a service cannot use: `id-token: write` lets a step ask for an OIDC token through
 * the request variables the runner hands the steps (ACTIONS_ID_TOKEN_REQUEST_*), which a service
 * container never receives.
 */
const SERVICE_UNREACHABLE_WRITES: ReadonlySet<string> = new Set(['id-token']);

const PULL_REQUEST: ReadonlySet<string> = new Set(['pull_request']);

/**
 * Why a job's services can reach nothing privileged, or undefined when they may: the job holds nothing
 * privileged (bare-job.ts: no deployment environment, no self-hosted runner, no secret named, nothing
 * published nor built for a publishing job) and either its token can only read (its `permissions:`,
 * or the workflow's, grant no write scope; without any the repository's default may write) or the
 * workflow runs only on `pull_request`. A service runs beside the job's steps on the same network,
 * without the runner's workspace or its token: what it serves can change the tests' results, not what
 * the job may do. Its token's scopes matter only to the steps; on `pull_request` alone a fork's run
 * holds a read-only token whatever `permissions:` says, and a write scope there is the steps' to
 * answer for (workflow-permissions), not the service's. `id-token: write` counts as no write here: the
 * OIDC request variables go to the steps only. A reusable workflow whose other triggers are all
 * `pull_request` and whose every caller in this repository grants a read-only token (the caller's
 * grant bounds the called workflow's token) is judged as one run on pull requests only; a caller that
 * grants nothing (the default may write) or a write scope keeps the grade.
 */
function harmlessServices(
  job: Job,
  workflow: Workflow,
  publishers: () => ReadonlySet<Job>,
  workspace: Workspace,
): string | undefined {
  const bare = bareJob(workspace, workflow, job, {
    writable: SERVICE_UNREACHABLE_WRITES,
    alsoOn: PULL_REQUEST,
    pullRequest: () => onlyPullRequest(workflow),
    publishers,
  });
  return bare && SERVICE_NOTE[bare];
}

/**
 * Why a job's `container:` can reach nothing privileged, or undefined when it may: the job holds
 * nothing privileged (bare-job.ts) and its token can write nothing at all, `id-token` included, by its
 * `permissions:` (or the workflow's), or, for a reusable workflow run only by `workflow_call`, by the
 * grant of every job of this repository that calls it. The container runs the steps, so they run
 * with whatever the job holds; with nothing, a moved tag can change what the steps do and their
 * results, as a service can. Unlike a service, a job that runs only on pull requests is not let off
 * whatever its token: a branch of this repository gets the default token, and the container runs the
 * steps that hold it. Publishing counts a step whose push an expression decides, and a job that saves a
 * cache on other runs than pull requests' keeps the grade: the branch's later runs restore the entry.
 */
function harmlessContainer(
  job: Job,
  workflow: Workflow,
  publishers: () => ReadonlySet<Job>,
  workspace: Workspace,
) {
  // A job that saves a cache outside pull requests writes what the branch's next runs restore (a
  // release's among them): the container's code can poison it.
  if (!onlyPullRequest(workflow) && job.steps.some(savesCache)) return undefined;
  const bare = bareJob(workspace, workflow, job, { writable: NONE, alsoOn: NONE, publishers });
  return bare === 'written' || bare === 'callers' ? CONTAINER_NOTE[bare] : undefined;
}

/** No write scope, no other event. */
const NONE: ReadonlySet<string> = new Set();
