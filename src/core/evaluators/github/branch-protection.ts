/**
 * `github.branch-protection`: the default branch (or a named one) cannot be changed without review.
 * Either mechanism counts: repository or organisation rulesets (read through "rules for a branch",
 * which any reader may see, so it is asked first) or classic branch protection (which needs
 * administration access, so it is asked only for what the rulesets leave unmet).
 */
import { ADMINISTRATION_READ, type GitHubApi, segment, UnverifiableError } from '../../github-api.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { asRecord, readOrUnverifiable, repoPath, requireApi, targetBranch } from './shared.js';

/** Options of `github.branch-protection`; each requirement can be turned off. */
export interface BranchProtectionOptions {
  branch?: string;
  minApprovals: number;
  dismissStaleReviews: boolean;
  codeOwnerReview: boolean;
  blockForcePushes: boolean;
  blockDeletion: boolean;
  statusChecks: boolean;
}

type Requirement = 'reviews' | 'dismiss-stale' | 'code-owners' | 'force-push' | 'deletion' | 'status-checks';

/** What one mechanism enforces on the branch. */
interface Enforced {
  approvals: number;
  dismissStale: boolean;
  codeOwners: boolean;
  forcePushBlocked: boolean;
  deletionBlocked: boolean;
  statusChecks: number;
}

export const githubBranchProtection = defineEvaluator<BranchProtectionOptions>({
  kind: 'github.branch-protection',
  summary:
    'The default branch requires reviews (fresh, code-owner), passing status checks, and blocks force pushes and deletion, by rulesets or classic protection.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      branch: {
        type: 'string',
        minLength: 1,
        description: 'Branch to check; default the repository default branch.',
      },
      minApprovals: { type: 'integer', minimum: 0, maximum: 10, default: 1 },
      dismissStaleReviews: { type: 'boolean', default: true },
      codeOwnerReview: { type: 'boolean', default: true },
      blockForcePushes: { type: 'boolean', default: true },
      blockDeletion: { type: 'boolean', default: true },
      statusChecks: { type: 'boolean', default: true },
    },
  },
  async evaluate({ options, github }) {
    const api = requireApi(github);
    const branch = await targetBranch(api, options.branch);
    const wanted = requirements(options);
    const rules = await fromRulesets(api, branch);
    let unmet = wanted.filter((r) => !meets(rules, r, options));
    if (unmet.length > 0) {
      const classic = await fromClassicProtection(api, branch);
      unmet = unmet.filter((r) => !meets(classic, r, options));
    }
    return unmet.map((r): RawFinding => ({ message: message(r, branch, options), location: null, key: r }));
  },
});

function requirements(o: BranchProtectionOptions): Requirement[] {
  const out: Requirement[] = [];
  if (o.minApprovals > 0) out.push('reviews');
  if (o.dismissStaleReviews) out.push('dismiss-stale');
  if (o.codeOwnerReview) out.push('code-owners');
  if (o.blockForcePushes) out.push('force-push');
  if (o.blockDeletion) out.push('deletion');
  if (o.statusChecks) out.push('status-checks');
  return out;
}

function meets(e: Enforced, r: Requirement, o: BranchProtectionOptions): boolean {
  switch (r) {
    case 'reviews':
      return e.approvals >= o.minApprovals;
    case 'dismiss-stale':
      return e.dismissStale;
    case 'code-owners':
      return e.codeOwners;
    case 'force-push':
      return e.forcePushBlocked;
    case 'deletion':
      return e.deletionBlocked;
    case 'status-checks':
      return e.statusChecks > 0;
  }
}

/** Active ruleset rules that apply to the branch (all sources merged: the strictest wins). */
async function fromRulesets(api: GitHubApi, branch: string): Promise<Enforced> {
  const response = await readOrUnverifiable(
    api,
    repoPath(api, `/rules/branches/${segment(branch)}?per_page=100`),
    `the rulesets of branch ${branch}`,
    '"Metadata: read"',
  );
  const e = none();
  for (const item of Array.isArray(response.data) ? response.data : []) {
    const rule = asRecord(item);
    const params = asRecord(rule?.parameters) ?? {};
    switch (rule?.type) {
      case 'pull_request':
        e.approvals = Math.max(e.approvals, Number(params.required_approving_review_count ?? 0));
        e.dismissStale ||= params.dismiss_stale_reviews_on_push === true;
        e.codeOwners ||= params.require_code_owner_review === true;
        break;
      case 'non_fast_forward':
        e.forcePushBlocked = true;
        break;
      case 'deletion':
        e.deletionBlocked = true;
        break;
      case 'required_status_checks':
        e.statusChecks += Array.isArray(params.required_status_checks)
          ? params.required_status_checks.length
          : 0;
        break;
    }
  }
  return e;
}

/** Classic branch protection; "Branch not protected" (404 with that message) is an answer, not a refusal. */
async function fromClassicProtection(api: GitHubApi, branch: string): Promise<Enforced> {
  const path = repoPath(api, `/branches/${segment(branch)}/protection`);
  const response = await api.get(path);
  const msg = String(asRecord(response.data)?.message ?? '');
  if (response.status === 404 && /branch not protected/i.test(msg)) return none();
  if (response.status !== 200) {
    throw new UnverifiableError(
      `rulesets do not protect branch ${branch} fully, and the GitHub API refused to show its classic branch protection (HTTP ${response.status}); it needs ${ADMINISTRATION_READ}`,
      ADMINISTRATION_READ,
    );
  }
  const p = asRecord(response.data) ?? {};
  const reviews = asRecord(p.required_pull_request_reviews);
  const checks = asRecord(p.required_status_checks);
  const contexts = Array.isArray(checks?.checks)
    ? checks.checks.length
    : Array.isArray(checks?.contexts)
      ? checks.contexts.length
      : 0;
  return {
    approvals: reviews ? Number(reviews.required_approving_review_count ?? 0) : 0,
    dismissStale: reviews?.dismiss_stale_reviews === true,
    codeOwners: reviews?.require_code_owner_reviews === true,
    forcePushBlocked: asRecord(p.allow_force_pushes)?.enabled !== true,
    deletionBlocked: asRecord(p.allow_deletions)?.enabled !== true,
    statusChecks: contexts,
  };
}

function none(): Enforced {
  return {
    approvals: 0,
    dismissStale: false,
    codeOwners: false,
    forcePushBlocked: false,
    deletionBlocked: false,
    statusChecks: 0,
  };
}

function message(r: Requirement, branch: string, o: BranchProtectionOptions): string {
  const by = 'by neither a ruleset nor classic branch protection';
  switch (r) {
    case 'reviews':
      return `Branch ${branch} does not require ${o.minApprovals === 1 ? 'an approving review' : `${o.minApprovals} approving reviews`} before merging (${by}).`;
    case 'dismiss-stale':
      return `Branch ${branch} keeps approvals after new commits are pushed: stale approvals are not dismissed (${by}).`;
    case 'code-owners':
      return `Branch ${branch} does not require a review from the code owners (${by}).`;
    case 'force-push':
      return `Branch ${branch} allows force pushes, which rewrite reviewed history (${by}).`;
    case 'deletion':
      return `Branch ${branch} can be deleted (${by}).`;
    case 'status-checks':
      return `Branch ${branch} requires no status check to pass before merging, so a failing controlgate gate does not block (${by}).`;
  }
}
