/**
 * `github.workflow-token`: the repository's default GITHUB_TOKEN is read-only (workflows must ask for
 * each write they need) and GitHub Actions may not create or approve pull requests (or a workflow
 * could approve its own change, bypassing review).
 */
import { ADMINISTRATION_READ } from '../../github-api.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { asRecord, readOrUnverifiable, repoPath, requireApi } from './shared.js';

/** Options of `github.workflow-token`. */
export interface WorkflowTokenOptions {
  readOnly: boolean;
  noPullRequestApproval: boolean;
}

export const githubWorkflowToken = defineEvaluator<WorkflowTokenOptions>({
  kind: 'github.workflow-token',
  summary: 'The default workflow token is read-only and GitHub Actions cannot approve pull requests.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      readOnly: { type: 'boolean', default: true },
      noPullRequestApproval: { type: 'boolean', default: true },
    },
  },
  async evaluate({ options, github }) {
    const api = requireApi(github);
    const response = await readOrUnverifiable(
      api,
      repoPath(api, '/actions/permissions/workflow'),
      'the default workflow permissions',
      ADMINISTRATION_READ,
    );
    const data = asRecord(response.data) ?? {};
    const findings: RawFinding[] = [];
    if (options.readOnly && data.default_workflow_permissions !== 'read') {
      findings.push({
        message: `The default GITHUB_TOKEN has ${String(data.default_workflow_permissions ?? 'unknown')} permissions: every workflow that does not declare \`permissions:\` can write to the repository.`,
        location: null,
        key: 'default-write',
      });
    }
    if (options.noPullRequestApproval && data.can_approve_pull_request_reviews === true) {
      findings.push({
        message:
          'GitHub Actions may create and approve pull requests, so a workflow can approve a change without a person reviewing it.',
        location: null,
        key: 'actions-approve',
      });
    }
    return findings;
  },
});
