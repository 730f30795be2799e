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

/** How one request may be sent. */
export interface RequestOptions {
  /**
   * False for a write that must not be sent twice (creating a comment, a review or a check run): it is
   * not retried after a server error or a dropped connection, since the first attempt may have been
   * processed, and such a failure does not stop later requests: the caller looks for what the first
   * attempt created before it tries again. Default true.
   */
  retry?: boolean;
  /**
   * `manual`: a redirect is answered as it came (status 3xx, `location` in the headers) rather than
   * followed with the token attached; the caller follows it with {@link ApiClient.download}.
   */
  redirect?: 'manual';
}

/** The account a token acts as, as the API names it. */
export interface ApiIdentity {
  login: string;
  type: string;
}

/** The Action's client: raw requests for the sinks, and the read-only {@link GitHubApi} for rules. */
export interface ApiClient {
  readonly owner: string;
  readonly repo: string;
  readonly calls: ApiCallCount;
  /** Set once the API stopped answering (or the run's API time ran out); later calls fail at once. */
  readonly unreachable: boolean;
  /** Why the API is unreachable, on one line. */
  readonly unreachableReason: string | undefined;
  /** One REST call (`GET /repos/{owner}/{repo}/...` with parameters); throws {@link ApiError}. */
  request<T = unknown>(
    route: string,
    params?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<{ status: number; data: T; headers: Record<string, string | number | undefined> }>;
  /**
   * The account the token acts as, asked once (`GET /user`): a person's token names its user; an
   * installation token (the workflow's GITHUB_TOKEN, a GitHub App) cannot ask and gets undefined,
   * and its writes are authored by a bot.
   */
  identity(): Promise<ApiIdentity | undefined>;
  /** Tells the client who authored a write it made (the answer to a created comment names it). */
  learnIdentity(user: { login?: string; type?: string } | null | undefined): void;
  /**
   * GETs a URL outside the API (the storage URL an artifact download redirects to) without the
   * token or any other credential, through the runner's proxy settings; no redirect is followed.
   * At most `maxBytes` are read (a longer body is an error before it is all received), within the
   * request timeout times {@link DOWNLOAD_TIMEOUT_FACTOR}. Throws {@link ApiError}, whose message
   * names the host, never the URL's query (a signature).
   */
  download(url: string, maxBytes: number): Promise<Buffer>;
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
  /** Longest wait for one HTTP request (each attempt), in milliseconds; default {@link DEFAULT_REQUEST_TIMEOUT_MS}. */
  requestTimeoutMs?: number;
  /**
   * Longest time the run spends waiting on the API in all, in milliseconds (rate-limit waits
   * included); default {@link API_PHASE_FACTOR} times the request timeout. Past it, every call fails.
   */
  phaseMs?: number;
}

/** Each request (each attempt of it) is given up after this long: what the CLI allows too. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
/** A download from storage may take this many request timeouts (1 minute by default). */
export const DOWNLOAD_TIMEOUT_FACTOR = 4;
/** The run's whole time on the API is this many request timeouts (3 minutes by default). */
export const API_PHASE_FACTOR = 12;
