/**
 * What pinning an action needs from outside the tree: the commit a tag names, asked of the GitHub
 * API through the same cached, budgeted client the online workflow audits use.
 */
import { ActionApi } from '../evaluators/workflow/action-api.js';
import type { GitHubApi } from '../github-api.js';
import type { FindingFix } from '../types.js';
import type { FixResolver } from './run.js';

/** Requests one `controlgate fix` may make to resolve tags (one or two per action repository). */
export const FIX_REQUEST_BUDGET = 200;

/** A resolver of tags to commits through the API. */
export function apiResolver(api: GitHubApi, budget = FIX_REQUEST_BUDGET): FixResolver {
  const actions = new ActionApi(api, budget);
  return async (need) => {
    const sha = await actions.tagCommit(need.repository, need.ref);
    if (typeof sha === 'string' && /^[0-9a-f]{40}$/.test(sha)) return { sha };
    if (sha === null) {
      return {
        reason: `"${need.ref}" is not a tag of ${need.repository} (a branch moves: pin a release by hand)`,
      };
    }
    return {
      reason: `the GitHub API did not say which commit ${need.repository}@${need.ref} names${actions.exhausted ? ` (${actions.exhausted})` : ''}`,
    };
  };
}

/** The fix with the commit its {@link FindingFix.resolve} asked for written into its edit. */
export function withCommit(fix: FindingFix, sha: string): FindingFix {
  const at = fix.resolve?.edit;
  return { ...fix, edits: fix.edits.map((e, i) => (i === at ? { ...e, text: sha } : e)) };
}
