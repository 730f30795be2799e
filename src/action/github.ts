/**
 * The Action's GitHub API client as the rest of the Action sees it: its interface and its error. The
 * client itself (Octokit, in github-client.ts) is loaded only when a run has a token to use it.
 */
import type { GitHubApi } from '../core/github-api.js';

/** HTTP requests made, by what they were for; retries count, as the server sees them. */
export interface ApiCallCount {
  /** Every request. */
  total: number;
  /** Writes that post or edit comments (review, review comments, the sticky comment). */
  commentWrites: number;
  /** Retried requests among them. */
  retries: number;
}

/** A failed call, classified for the fallback logic. */
export class ApiError extends Error {
  override name = 'ApiError';
  /** The body of the error answer, if any (rules read the message of a 403, for instance). */
  data?: unknown;

  constructor(
    message: string,
    /** HTTP status, or 0 when no answer came. */
    readonly status: number,
    /** `retry-after` or rate-limit exhaustion, when the server said so. */
    readonly rateLimited = false,
  ) {
    super(message);
  }

  /** A refusal that a permission would lift: 403 (not a rate limit). */
  get forbidden(): boolean {
    return this.status === 403 && !this.rateLimited;
  }
}

/** The Action's client: raw requests for the sinks, and the read-only {@link GitHubApi} for rules. */
export interface ApiClient {
  readonly owner: string;
  readonly repo: string;
  readonly calls: ApiCallCount;
  /** Set once the API stopped answering; later calls fail at once. */
  readonly unreachable: boolean;
  /** One REST call (`GET /repos/{owner}/{repo}/...` with parameters); throws {@link ApiError}. */
  request<T = unknown>(
    route: string,
    params?: Record<string, unknown>,
  ): Promise<{ status: number; data: T; headers: Record<string, string | number | undefined> }>;
  /** GET the pages of a list endpoint (100 items each) while the `link` header names a next one, up to `maxPages`. */
  paginate<T = unknown>(route: string, params: Record<string, unknown>, maxPages: number): Promise<T[]>;
  /** The read-only interface the engine's `github.*` rules use. */
  readonly api: GitHubApi;
}

/** Options of `createApiClient` (github-client.ts). */
export interface ApiClientOptions {
  token: string;
  owner: string;
  repo: string;
}
