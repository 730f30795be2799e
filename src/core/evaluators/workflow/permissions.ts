import { locationFromSpan } from '../../location.js';
import { type Permissions, type Workflow, walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { eventsOf, PR_EVENTS } from './shared.js';
import { tokenWriter } from './token-use.js';

/**
 * Least privilege for the `GITHUB_TOKEN`:
 * - a workflow without top-level `permissions:` in which some job declares none either runs those
 *   jobs with the repository's default token permissions, which may be read/write on every scope.
 *   The finding is placed on the `jobs:` key, the line above which the top-level block belongs
 *   (one finding per workflow, naming the jobs, rather than one per job);
 * - `permissions: write-all`, at workflow or job level, is reported at that value;
 * - a `<scope>: write` that a pull-request-triggered job cannot use, because every step only reads
 *   (token-use.ts), is reported at that value: at the job's declaration, or at the workflow's when
 *   every job inheriting it is read-only.
 * Any other explicit declaration (`{}`, `read-all`, a scope map) passes; a workflow triggered only by
 * `workflow_call` is exempt from the first check, because a called workflow can never hold more than
 * its caller grants.
 */
export const workflowPermissions = defineEvaluator<Record<string, never>>({
  kind: 'workflow.permissions',
  scope: 'file',
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
        findings.push(...unneededWrites(workflow));
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

/** Write scopes on pull request jobs whose steps only read. */
function unneededWrites(workflow: Workflow): RawFinding[] {
  const triggers = [...eventsOf(workflow)].filter((e) => PR_EVENTS.has(e));
  if (triggers.length === 0) return [];
  const out: RawFinding[] = [];
  const on = triggers.join(', ');
  const report = (perms: Permissions, who: string, jobs: string) => {
    for (const { scope, level } of perms.scopes) {
      if (level.value !== 'write') continue;
      out.push({
        message:
          `"${scope}: write" is granted to ${who}, which runs on ${on}, but none of its steps can use the ` +
          `token for more than reading (only scripts without token use and read-only actions). ` +
          `Grant "${scope}: read" (or remove the scope) so a compromised step cannot write.`,
        location: locationFromSpan(workflow.path, level.span),
        key: `unneeded-write:${jobs}:${scope}`,
      });
    }
  };
  const inheriting = workflow.jobs.filter((j) => !j.permissions);
  for (const job of workflow.jobs) {
    if (job.permissions && !tokenWriter(job, workflow)) report(job.permissions, `job "${job.id}"`, job.id);
  }
  if (workflow.permissions && inheriting.length > 0 && inheriting.every((j) => !tokenWriter(j, workflow))) {
    const names = inheriting.map((j) => `"${j.id}"`).join(', ');
    report(workflow.permissions, `every job (${names})`, '*');
  }
  return out;
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
