/**
 * The little of the GitHub REST API that rules about repository settings need, as an interface: the
 * engine stays free of `@actions/*` and of any HTTP client. The Action implements it with Octokit
 * (throttled, retried, counted); the CLI with `fetch` when a token is given; tests with a fake server.
 * Without an implementation, rules of `github.*` kinds report their controls as unverifiable.
 */

/** One answer: any HTTP status, so a caller can tell "refused" (403), "absent" (404) and "off". */
export interface GitHubResponse {
  status: number;
  /** The parsed JSON body, or undefined (204, empty or non-JSON body). */
  data: unknown;
}

/** Read access to one repository's settings. */
export interface GitHubApi {
  /** The repository the run is about. */
  readonly owner: string;
  readonly repo: string;
  /**
   * GETs a REST path relative to the API root (`/repos/acme/api/environments`). Resolves for every
   * HTTP status; rejects only when no answer came (network failure, server errors after retries).
   */
  get(path: string): Promise<GitHubResponse>;
}

/**
 * Memoizes GETs for one run, so rules that read the same endpoint (the repository, the default
 * branch's rules) share one request and the run stays within its API budget.
 */
export function cachedGitHubApi(api: GitHubApi): GitHubApi {
  const cache = new Map<string, Promise<GitHubResponse>>();
  return {
    owner: api.owner,
    repo: api.repo,
    get(path) {
      let answer = cache.get(path);
      if (!answer) {
        answer = api.get(path);
        cache.set(path, answer);
      }
      return answer;
    },
  };
}

/** Options of {@link fetchGitHubApi}. */
export interface FetchApiOptions {
  owner: string;
  repo: string;
  token: string;
  /** `GITHUB_API_URL`; default https://api.github.com. */
  baseUrl?: string;
  /** Injectable for tests; default the global fetch. */
  fetch?: typeof fetch;
  /** Per request; default 15 s. */
  timeoutMs?: number;
}

/**
 * A plain-`fetch` implementation for the CLI: no retries or throttling (a handful of GETs per run,
 * cached), bounded by a timeout, and the token sent only to the configured API host.
 */
export function fetchGitHubApi(options: FetchApiOptions): GitHubApi {
  const base = (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;
  return cachedGitHubApi({
    owner: options.owner,
    repo: options.repo,
    async get(path) {
      if (!path.startsWith('/') || path.includes('//')) throw new Error(`not an API path: ${path}`);
      const response = await doFetch(`${base}${path}`, {
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${options.token}`,
          'x-github-api-version': '2022-11-28',
          'user-agent': 'controlgate',
        },
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      let data: unknown;
      try {
        data = text ? JSON.parse(text) : undefined;
      } catch {
        data = undefined;
      }
      return { status: response.status, data };
    },
  });
}

/** `owner/repo` split, or undefined when it is not one. */
export function parseRepository(slug: string | undefined): { owner: string; repo: string } | undefined {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(slug?.trim() ?? '');
  return m ? { owner: m[1]!, repo: m[2]! } : undefined;
}

/**
 * The text of a file or blob as the REST API returns it (`content` in base64, with line breaks),
 * without a byte order mark; undefined when the answer carries no content (a file over 1 MB).
 */
export function base64Content(data: unknown): string | undefined {
  const d = data as { content?: unknown; encoding?: unknown } | null | undefined;
  if (!d || typeof d.content !== 'string' || d.encoding !== 'base64') return undefined;
  const text = Buffer.from(d.content, 'base64').toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A path segment for a REST URL (branch names may hold `/`, `#` or spaces). */
export function segment(value: string): string {
  return encodeURIComponent(value);
}

/**
 * Thrown by a `github.*` evaluator when the answer it needs is not available: no API in this run, or
 * the API refused (403, or 404 where GitHub hides what the token may not see). The rule's controls
 * are then unverifiable, and the message says which permission would make them verifiable.
 */
export class UnverifiableError extends Error {
  override name = 'UnverifiableError';
  constructor(
    message: string,
    /** The permission that would make the answer available, as a person would grant it. */
    readonly permission?: string,
  ) {
    super(message);
  }
}

/**
 * The repository permission that repository-settings endpoints need. The workflow's GITHUB_TOKEN can
 * never hold it; a GitHub App installation token or a fine-grained token can.
 */
export const ADMINISTRATION_READ =
  'the "Administration: read" repository permission (a GitHub App or fine-grained token; the workflow GITHUB_TOKEN cannot have it)';
