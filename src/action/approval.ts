/**
 * Who may approve a pull request's changes to its own gate. A policy change (an inline ignore, an
 * exception, a config change, a weakened input of the step that runs controlgate) blocks until it is
 * approved by an approving review that:
 *
 * - is of the head commit being judged (`commit_id`), so an approval never carries over to a later
 *   push;
 * - is the reviewer's latest review state (a later "changes requested" or a dismissal withdraws it);
 * - comes from a person other than the pull request's author, with write, maintain or admin access
 *   to the repository, as the API says (`GET /repos/{o}/{r}/collaborators/{user}/permission`).
 *
 * Requiring code-owner reviews on the policy files in the branch's ruleset narrows who can approve
 * further: GitHub then only lets the owners' approval count for the merge.
 */
import type { PolicyApproval } from '../core/policy/suppressions.js';
import type { PullRequestInfo } from '../core/pr.js';
import { type ApiClient, ApiError } from './github.js';

/** Pages of reviews read (100 each). */
const MAX_REVIEW_PAGES = 5;
/** Reviewers whose permission is asked, at most. */
const MAX_REVIEWERS = 10;
/** Roles that may approve a change to the gate. */
const APPROVING_ROLES = new Set(['admin', 'maintain', 'write']);

interface Review {
  id?: unknown;
  user?: { login?: unknown; type?: unknown } | null;
  state?: unknown;
  commit_id?: unknown;
}

/**
 * The approval of the head commit's policy changes, or undefined (with `why`, for the report, when
 * the API could not say). Asks the API only when called: runs whose change touches no policy never do.
 */
export async function findApproval(
  client: ApiClient,
  info: PullRequestInfo,
): Promise<{ approval?: PolicyApproval; why?: string }> {
  let reviews: Review[];
  try {
    reviews = await client.paginate<Review>(
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
      { pull_number: info.number },
      MAX_REVIEW_PAGES,
    );
  } catch (err) {
    return { why: `the reviews could not be read (${describe(err)})` };
  }
  // Each reviewer's latest decision (reviews come oldest first; comments do not change a decision).
  const latest = new Map<string, Review>();
  for (const r of reviews) {
    const login = typeof r.user?.login === 'string' ? r.user.login : undefined;
    if (!login || r.user?.type === 'Bot') continue;
    if (r.state === 'APPROVED' || r.state === 'CHANGES_REQUESTED' || r.state === 'DISMISSED')
      latest.set(login, r);
  }
  const candidates = [...latest]
    .filter(
      ([login, r]) =>
        r.state === 'APPROVED' &&
        r.commit_id === info.head.sha &&
        login.toLowerCase() !== (info.author ?? '').toLowerCase(),
    )
    .slice(0, MAX_REVIEWERS);
  for (const [login] of candidates) {
    let role: unknown;
    try {
      const { data } = await client.request<{ role_name?: unknown; permission?: unknown }>(
        'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
        { username: login },
      );
      role = data.role_name ?? data.permission;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) continue;
      return { why: `the permission of ${login} could not be read (${describe(err)})` };
    }
    if (typeof role === 'string' && APPROVING_ROLES.has(role)) {
      return {
        approval: {
          by: login,
          detail: `approving review of ${info.head.sha.slice(0, 12)} by ${login} (${role} access)`,
        },
      };
    }
  }
  return {};
}

function describe(err: unknown): string {
  if (err instanceof ApiError) return err.status > 0 ? `HTTP ${err.status}: ${err.message}` : err.message;
  return err instanceof Error ? err.message : String(err);
}
