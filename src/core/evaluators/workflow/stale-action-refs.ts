import { defineEvaluator } from '../types.js';
import { onlineAudit } from './online.js';

/**
 * A commit pin that no tag points to is some state between releases: unreleased fixes or bugs, no
 * release notes, nothing Dependabot can compare with a newer release. Not a vulnerability, so info
 * and for the pedantic. Reported at each `uses:` pinned to a commit that none of the repository's
 * tags names (when it has more than 100, a pin older than the newest 100 whose comment names no tag
 * of it is listed as not checked). Online: one cached tag list per repository.
 */
export const workflowStaleActionRefs = defineEvaluator<Record<string, never>>({
  kind: 'workflow.stale-action-refs',
  scope: 'file',
  mainThread: true,
  summary: 'Actions pinned to a commit that is not a tagged release (GitHub API).',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace, github }) {
    return onlineAudit(
      workspace,
      github,
      'whether their pinned commits are tagged releases',
      (ref) => ref.pinning === 'sha',
      async (ref, api) => {
        const sha = ref.ref!.toLowerCase();
        const tags = await api.tags(ref.slug);
        if (!tags) return { unchecked: 'no answer about its tags' };
        if (tags.tags.some((t) => t.sha === sha)) return { findings: [] };
        if (!tags.complete) {
          const named = ref.commentVersion ? await api.tagCommit(ref.slug, ref.commentVersion) : null;
          if (named === sha) return { findings: [] };
          if (named === undefined || !ref.commentVersion)
            return { unchecked: 'more than 100 tags, and the pin is not at one of the newest' };
        }
        return {
          findings: [
            {
              message:
                `"${ref.uses.value.trim()}" pins commit ${sha.slice(0, 12)}, which no tag of ${ref.owner}/${ref.repo} points to: ` +
                'an unreleased state of the action. Pin the commit of a release (and name it in the comment).',
              location: ref.location,
              key: `uses/${ref.name.toLowerCase()}@${sha}`,
            },
          ],
        };
      },
    );
  },
});
