/**
 * What the `github.*` evaluators share: getting the API (or saying why the rule cannot be verified),
 * reading an endpoint with refusals turned into {@link UnverifiableError}, and the repository and its
 * default branch (one cached request shared by every rule).
 */
import { type GitHubApi, type GitHubResponse, segment, UnverifiableError } from '../../github-api.js';

/** The evaluator context's API, or an error that makes the rule's controls unverifiable. */
export function requireApi(api: GitHubApi | undefined): GitHubApi {
  if (!api) {
    throw new UnverifiableError(
      'repository settings were not read: no GitHub API in this run (the Action needs its `token` input; the CLI reads GITHUB_TOKEN and GITHUB_REPOSITORY)',
    );
  }
  return api;
}

/** `/repos/{owner}/{repo}` plus a suffix. */
export function repoPath(api: GitHubApi, suffix = ''): string {
  return `/repos/${segment(api.owner)}/${segment(api.repo)}${suffix}`;
}

/**
 * A GET whose refusal means "cannot verify": 401, 403, and 404 (GitHub answers 404 rather than 403
 * where a token may not even know the resource exists). `what` and `permission` make the message.
 */
export async function readOrUnverifiable(
  api: GitHubApi,
  path: string,
  what: string,
  permission: string,
): Promise<GitHubResponse> {
  const response = await api.get(path);
  if (response.status === 401 || response.status === 403 || response.status === 404) {
    throw new UnverifiableError(
      `the GitHub API refused to show ${what} (HTTP ${response.status}); it needs ${permission}`,
      permission,
    );
  }
  if (response.status >= 400) {
    throw new UnverifiableError(`the GitHub API could not show ${what} (HTTP ${response.status})`);
  }
  return response;
}

/** The fields of `GET /repos/{owner}/{repo}` these rules read. */
export interface RepositoryInfo {
  default_branch?: string;
  private?: boolean;
  archived?: boolean;
  /** Present only for tokens with admin access to the repository. */
  security_and_analysis?: Record<string, { status?: string } | undefined> | null;
}

/** The repository (needs only metadata access). */
export async function repository(api: GitHubApi): Promise<RepositoryInfo> {
  const response = await readOrUnverifiable(api, repoPath(api), 'the repository', '"Metadata: read"');
  return (asRecord(response.data) ?? {}) as RepositoryInfo;
}

/** The branch to check: the rule's `branch` option, else the repository's default branch. */
export async function targetBranch(api: GitHubApi, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const repo = await repository(api);
  if (!repo.default_branch) throw new UnverifiableError('the GitHub API did not name the default branch');
  return repo.default_branch;
}

/** Whether GitHub reports a security feature as enabled in `security_and_analysis`. */
export function featureStatus(repo: RepositoryInfo, feature: string): 'enabled' | 'disabled' | 'unknown' {
  const status = repo.security_and_analysis?.[feature]?.status;
  return status === 'enabled' ? 'enabled' : status === 'disabled' ? 'disabled' : 'unknown';
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
