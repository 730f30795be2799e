import { defineEvaluator } from '../types.js';
import { onlineAudit } from './online.js';

/**
 * A `uses:` by tag or branch name (`@v1`) runs whatever that name resolves to, and when the action's
 * repository has both a tag and a branch of that name, which one wins is not what a reader assumes:
 * whoever can push a branch can shadow the release. Reported at each `uses:` whose ref exists as both.
 * Online: it needs the GitHub API (the tag list and, for names that are tags, one branch lookup).
 */
export const workflowRefConfusion = defineEvaluator<Record<string, never>>({
  kind: 'workflow.ref-confusion',
  scope: 'file',
  mainThread: true,
  summary: 'Actions referenced by a name that is both a tag and a branch of their repository (GitHub API).',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace, github }) {
    return onlineAudit(
      workspace,
      github,
      'whether their refs are both a tag and a branch',
      (ref) => ref.pinning === 'mutable',
      async (ref, api) => {
        const name = ref.ref!;
        const tag = await api.tagExists(ref.slug, name);
        if (tag === undefined) return { unchecked: 'no answer about its tags' };
        if (!tag) return { findings: [] };
        const branch = await api.branchExists(ref.slug, name);
        if (branch === undefined) return { unchecked: 'no answer about its branches' };
        if (!branch) return { findings: [] };
        return {
          findings: [
            {
              message:
                `"${name}" is both a tag and a branch of ${ref.owner}/${ref.repo}, so "${ref.uses.value.trim()}" may run ` +
                'the branch (which anyone with push access moves) instead of the release. Pin the full commit SHA of the release.',
              location: ref.location,
              key: `uses/${ref.name.toLowerCase()}@${name}`,
            },
          ],
        };
      },
    );
  },
});
