import { fileLocation } from '../../location.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';

/**
 * A workflow without `name:` is listed in the Actions tab, in required status checks and in audit
 * logs under its file path; an action without one under its repository path. Naming them makes runs
 * and checks recognisable to the people who approve and audit them. A code smell: info, for the
 * pedantic. Reported at the top of the file.
 */
export const workflowAnonymousDefinition = defineEvaluator<Record<string, never>>({
  kind: 'workflow.anonymous-definition',
  scope: 'file',
  summary: 'Workflows and actions without a name:, shown in the UI, checks and logs by file path only.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    const check = (path: string, kind: string, name: unknown) => {
      if (typeof name === 'string' && name.trim() !== '') return;
      findings.push({
        message: `This ${kind} has no name:, so runs, checks and logs show it by its path; add a name that says what it does.`,
        location: fileLocation(path),
        key: 'name',
      });
    };
    walkWorkflows(workflowSources(workspace), {
      workflow(workflow) {
        check(workflow.path, 'workflow', workflow.name?.value);
      },
      action(action) {
        check(action.path, 'action', action.name?.value);
      },
    });
    return findings;
  },
});
