import { defineEvaluator } from '../types.js';
import type { ActionApi } from './action-api.js';
import type { ActionRef } from './action-refs.js';
import { onlineAudit, type RefOutcome } from './online.js';

/**
 * GitHub serves a commit of any fork through every repository of the fork network, so
 * `owner/action@<sha>` can name code that the owner never wrote and that no branch of theirs holds:
 * an "impostor" commit, indistinguishable from a genuine pin in review. A pinned commit is accepted
 * when a tag among the repository's newest 100 points at it, when it is in the default branch's
 * history, or when it is in the history of the tag its comment names (`# v4.2.2`). Otherwise it is
 * reported at the `uses:` (high). Online: it needs the GitHub API (the tag list, the repository and
 * one comparison per commit not at a tag).
 */
export const workflowImpostorCommit = defineEvaluator<Record<string, never>>({
  kind: 'workflow.impostor-commit',
  scope: 'file',
  mainThread: true,
  summary:
    "Commits pinned in uses: that are not in the action repository's history (fork-network impostors; GitHub API).",
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace, github }) {
    return onlineAudit(
      workspace,
      github,
      "whether their pinned commits are in the action repository's history",
      (ref) => ref.pinning === 'sha',
      check,
    );
  },
});

const IN_HISTORY = new Set(['identical', 'behind']);

async function check(ref: ActionRef, api: ActionApi): Promise<RefOutcome> {
  const sha = ref.ref!.toLowerCase();
  const tags = await api.tags(ref.slug);
  if (tags?.tags.some((t) => t.sha === sha)) return { findings: [] };
  const repo = await api.repository(ref.slug);
  if (repo === undefined) return { unchecked: 'no answer about the repository' };
  if (repo === null) return { unchecked: 'repository not found' };
  const places: string[] = [];
  let unknown = false;
  if (repo.defaultBranch) {
    const status = await api.compare(ref.slug, repo.defaultBranch, sha);
    if (status === undefined) return { unchecked: 'no answer to the comparison with the default branch' };
    if (status !== null && IN_HISTORY.has(status)) return { findings: [] };
    unknown = status === null;
    places.push(`the history of ${repo.defaultBranch}`);
  }
  if (ref.commentVersion) {
    const tag = await api.tagCommit(ref.slug, ref.commentVersion);
    if (tag === undefined) return { unchecked: `no answer about tag ${ref.commentVersion}` };
    if (tag !== null) {
      const status = await api.compare(ref.slug, ref.commentVersion, sha);
      if (status === undefined)
        return { unchecked: `no answer to the comparison with ${ref.commentVersion}` };
      if (status !== null && IN_HISTORY.has(status)) return { findings: [] };
      places.push(`the history of tag ${ref.commentVersion}`);
    }
  }
  places.push(tags ? `the newest ${tags.tags.length} tags` : 'its tags (not read)');
  return {
    findings: [
      {
        message:
          `Commit ${sha} pinned by "${ref.uses.value.trim()}" is not in ${places.join(', nor in ')} of ${ref.owner}/${ref.repo}: ` +
          "it may come from a fork (GitHub serves fork commits under the parent's name). Check where the commit comes from, " +
          'and pin a commit of a release of the action itself.',
        location: ref.location,
        key: `uses/${ref.name.toLowerCase()}@${sha}`,
        // A commit GitHub cannot relate to the repository at all is certain; one on an untagged side
        // branch of the repository itself would be a false alarm, hence medium otherwise.
        ...(unknown ? { confidence: 'high' as const } : {}),
      },
    ],
  };
}
