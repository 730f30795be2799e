import { locationFromSpan } from '../../location.js';
import { type Permissions, type Workflow, walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';

/**
 * Least privilege for the `GITHUB_TOKEN`:
 * - a workflow without top-level `permissions:` in which some job declares none either runs those
 *   jobs with the repository's default token permissions, which may be read/write on every scope.
 *   The finding is placed on the `jobs:` key, the line above which the top-level block belongs
 *   (one finding per workflow, naming the jobs, rather than one per job);
 * - `permissions: write-all`, at workflow or job level, is reported at that value.
 * Any explicit declaration other than `write-all` (`{}`, `read-all`, a scope map) passes here; a
 * workflow triggered only by `workflow_call` is exempt from the first check, because a called
 * workflow can never hold more than its caller grants.
 */
export const workflowPermissions = defineEvaluator<Record<string, never>>({
  kind: 'workflow.permissions',
  summary: 'Workflows that leave GITHUB_TOKEN permissions at the repository default, or grant write-all.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    walkWorkflows(workflowSources(workspace), {
      workflow(workflow) {
        const top = writeAll(workflow.path, workflow.permissions, 'the workflow');
        if (top) findings.push(top);
        const missing = missingPermissions(workflow);
        if (missing) findings.push(missing);
      },
      job(job, workflow) {
        const finding = writeAll(workflow.path, job.permissions, `job "${job.id}"`, job.id);
        if (finding) findings.push(finding);
      },
    });
    return findings;
  },
});

function writeAll(
  path: string,
  permissions: Permissions | undefined,
  scope: string,
  jobId = '',
): RawFinding | undefined {
  const shorthand = permissions?.shorthand;
  if (shorthand?.value.trim() !== 'write-all') return undefined;
  return {
    message:
      `"permissions: write-all" gives the GITHUB_TOKEN of ${scope} write access to every scope; ` +
      'list only the scopes it needs (for example "contents: read").',
    location: locationFromSpan(path, shorthand.span),
    key: `write-all:${jobId}`,
  };
}

function missingPermissions(workflow: Workflow): RawFinding | undefined {
  if (workflow.permissions) return undefined;
  const events = workflow.on?.events ?? [];
  if (events.length > 0 && events.every((e) => e.event === 'workflow_call')) return undefined;
  const bare = workflow.jobs.filter((job) => !job.permissions);
  if (bare.length === 0) return undefined;
  const names = bare.map((job) => `"${job.id}"`).join(', ');
  const which =
    bare.length === workflow.jobs.length
      ? 'no job declares any'
      : `job${bare.length > 1 ? 's' : ''} ${names} declare${bare.length > 1 ? '' : 's'} none`;
  return {
    message:
      `No top-level "permissions:" and ${which}, so ${bare.length > 1 ? 'they run' : 'it runs'} with the ` +
      "repository's default GITHUB_TOKEN permissions, which can include write access to every scope. " +
      'Add "permissions: { contents: read }" above "jobs:" and grant more per job where needed.',
    location: locationFromSpan(workflow.path, workflow.jobsNode.span, true),
    key: 'missing-permissions',
  };
}
