import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { syntaxProblems } from './syntax-checks.js';

/**
 * Workflows and actions GitHub would refuse: a step with both `uses:` and `run:`, `needs:` naming no
 * job, a job without steps or runner, an invalid expression, id or permission, a YAML merge key, an
 * unknown event or key (syntax-checks.ts). Such a workflow never runs, so whatever it was meant to
 * enforce silently does not happen; each problem is reported where it is written. Unknown events and
 * keys are reported with medium confidence: GitHub adds new ones from time to time; so are activity
 * types an event does not have (activity-types.ts), which GitHub accepts but never matches.
 */
export const workflowSyntax = defineEvaluator<Record<string, never>>({
  kind: 'workflow.syntax',
  scope: 'file',
  summary:
    'Workflow and action files GitHub refuses (uses and run in one step, needs naming no job, invalid expressions, ids, permissions, merge keys, unknown events, keys and activity types).',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    const visit = (source: Parameters<typeof syntaxProblems>[1]) => {
      for (const p of syntaxProblems(workspace, source))
        findings.push({
          message: p.message,
          location: p.location,
          key: p.key,
          ...(p.sure ? {} : { confidence: 'medium' as const }),
        });
    };
    walkWorkflows(workflowSources(workspace), { workflow: visit, action: visit });
    return findings;
  },
});
