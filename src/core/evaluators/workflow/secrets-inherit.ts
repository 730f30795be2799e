import { locationFromSpan } from '../../location.js';
import { WORKFLOW_GLOBS, type Workflow, walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import { calledWorkflow } from './callers.js';

/**
 * `secrets: inherit` hands every secret the caller can read (repository, environment and organisation
 * secrets) to the called workflow, whatever it needs. Reported at the value, per calling job; low
 * severity when the called workflow is this repository's own and its text names no secret at all
 * (no `secrets` context, no `secrets:` passed on): it receives them but reads none today.
 */
export const workflowSecretsInherit = defineEvaluator<Record<string, never>>({
  kind: 'workflow.secrets-inherit',
  scope: 'file',
  summary: 'Reusable workflow calls that pass every secret with `secrets: inherit`.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  // The called workflow of this repository, for whether it reads any secret.
  readsOtherFiles: WORKFLOW_GLOBS,
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    // Its subjects are calls of reusable workflows: a workflow that makes none had nothing to judge.
    const subjects = new Set<string>();
    walkWorkflows(workflowSources(workspace), {
      job(job, workflow) {
        if (job.uses) subjects.add(workflow.path);
        if (!job.uses || typeof job.secrets?.value !== 'string' || job.secrets.value.trim() !== 'inherit')
          return;
        const called = calledWorkflow(workspace, job);
        const unused = called !== undefined && !namesAnySecret(workspace, called);
        findings.push({
          message:
            `Job "${job.id}" passes every secret of the repository and organisation to "${job.uses.value}" ` +
            '("secrets: inherit"). ' +
            (unused
              ? 'That workflow of this repository names no secret today (no "secrets" context, no secrets passed on), ' +
                'so none is exposed yet; any secret it is later made to read comes without review of what it needs. ' +
                'Pass "secrets:" explicitly, or none at all.'
              : 'List only the secrets it uses under "secrets:".'),
          location: locationFromSpan(workflow.path, job.secrets.span),
          key: job.id,
          ...(unused ? { severity: 'low' as const } : {}),
        });
      },
    });
    workspace.examineOnly(subjects);
    return findings;
  },
});

/**
 * Whether a workflow's text says `secrets` anywhere (`secrets.NAME`, `toJSON(secrets)`, a
 * `secrets:` of its own calls or of `workflow_call`), comments included: only a workflow that never
 * does is known to read none of what it inherits. A composite action it runs has no `secrets` context.
 */
function namesAnySecret(workspace: Workspace, workflow: Workflow): boolean {
  const text = workspace.text(workflow.path);
  return text === undefined || /\bsecrets\b/i.test(text);
}
