import { locationFromSpan } from '../../location.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';

/**
 * `secrets: inherit` hands every secret the caller can read (repository, environment and organisation
 * secrets) to the called workflow, whatever it needs. Reported at the value, per calling job.
 */
export const workflowSecretsInherit = defineEvaluator<Record<string, never>>({
  kind: 'workflow.secrets-inherit',
  scope: 'file',
  summary: 'Reusable workflow calls that pass every secret with `secrets: inherit`.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    // Its subjects are calls of reusable workflows: a workflow that makes none had nothing to judge.
    const subjects = new Set<string>();
    walkWorkflows(workflowSources(workspace), {
      job(job, workflow) {
        if (job.uses) subjects.add(workflow.path);
        if (!job.uses || typeof job.secrets?.value !== 'string' || job.secrets.value.trim() !== 'inherit')
          return;
        findings.push({
          message:
            `Job "${job.id}" passes every secret of the repository and organisation to "${job.uses.value}" ` +
            '("secrets: inherit"). List only the secrets it uses under "secrets:".',
          location: locationFromSpan(workflow.path, job.secrets.span),
          key: job.id,
        });
      },
    });
    workspace.examineOnly(subjects);
    return findings;
  },
});
