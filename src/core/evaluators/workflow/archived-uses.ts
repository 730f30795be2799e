import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { onlineAudit } from './online.js';

/**
 * An archived repository is read-only: whatever vulnerability its action (or its bundled dependencies)
 * has will never be fixed there, and it still runs with the job's token. Reported at each `uses:` of
 * an action or reusable workflow whose repository GitHub reports as archived. Online: it needs the
 * GitHub API (one cached request per repository, within the run's budget for these audits).
 */
export const workflowArchivedUses = defineEvaluator<Record<string, never>>({
  kind: 'workflow.archived-uses',
  scope: 'file',
  mainThread: true,
  summary: 'Actions and reusable workflows from archived repositories (GitHub API).',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace, github }) {
    return onlineAudit(
      workspace,
      github,
      'whether their repositories are archived',
      () => true,
      async (ref, api) => {
        const repo = await api.repository(ref.slug);
        if (repo === undefined) return { unchecked: 'no answer from the GitHub API' };
        if (repo === null) return { unchecked: 'repository not found' };
        if (!repo.archived) return { findings: [] };
        const finding: RawFinding = {
          message:
            `"${ref.uses.value.trim()}" comes from ${ref.owner}/${ref.repo}, which is archived: it is no longer ` +
            'maintained, so its vulnerabilities will not be fixed. Replace it with a maintained action or a few lines of script.',
          location: ref.location,
          key: `uses/${ref.name.toLowerCase()}@${ref.ref ?? ''}`,
        };
        return { findings: [finding] };
      },
    );
  },
});
