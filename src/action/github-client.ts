/**
 * The Action's GitHub API client: Octokit's core (at `GITHUB_API_URL`) with the throttling and retry
 * plugins, a count of every HTTP request, a timeout on every attempt and on the run's whole time on
 * the API, and a circuit breaker so that an unreachable API costs one failed request sequence, not
 * one per feature. Requests go through Node's own HTTP modules ({@link directFetch}), or, where the
 * runner's proxy settings apply to the URL, through undici and `@actions/http-client`'s proxy agent.
 */

import { getProxyUrl } from '@actions/http-client/lib/proxy';
import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { GitHubResponse } from '../core/github-api.js';
import * as runner from './commands.js';
import {
  API_PHASE_FACTOR,
  type ApiCallCount,
  type ApiClient,
  type ApiClientOptions,
  ApiError,
  type ApiIdentity,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DOWNLOAD_TIMEOUT_FACTOR,
  type RequestOptions,
} from './github.js';
import { directFetch, type Fetch, type FetchInit, type FetchResponse } from './http.js';

/** The API's address: the runner's `GITHUB_API_URL` (GitHub Enterprise Server), else github.com's. */
export function apiBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.GITHUB_API_URL || 'https://api.github.com';
}

/**
 * The fetch for one URL: Node's own HTTP modules, unless the runner's proxy variables apply to it
 * (then undici through the proxy, loaded only then: proxy-fetch.ts).
 */
export const transport: Fetch = async (url: string, init?: FetchInit): Promise<FetchResponse> => {
  // Not a URL: directFetch says so.
  if (!URL.canParse(url) || getProxyUrl(new URL(url)) === undefined) return directFetch(url, init);
  const { proxyFetch } = await import('./proxy-fetch.js');
  return proxyFetch(url, init);
};

/** Longest wait for a rate limit; a longer `retry-after` fails the request instead of stalling the job. */
export const MAX_RETRY_AFTER_SECONDS = 60;
/** Retries after a rate limit (plugin-throttling) and after a server error or dropped connection. */
const RATE_LIMIT_RETRIES = 2;
const SERVER_ERROR_RETRIES = 2;

/** A comment write: a review, a review comment or an issue comment, created or edited. */
const COMMENT_WRITE = /\/(reviews|comments)(\/\{[a-z_]+\})?$/;

export function createApiClient(options: ApiClientOptions): ApiClient {
  const calls: ApiCallCount = { total: 0, commentWrites: 0, retries: 0 };
  const attemptMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const phaseMs = options.phaseMs ?? attemptMs * API_PHASE_FACTOR;
  let unreachable: string | undefined;
  /** Time spent waiting on the API so far (requests in flight, retries and rate-limit waits). */
  let spentMs = 0;

  // Registered first, so it sits innermost: every attempt of a retried request is counted and gets
  // its own timeout. Both plugins retry with the same options object, which is how a retry is told
  // from a new request; the caller's signal (the run's remaining API time) is kept beside it.
  const attempted = new WeakMap<object, AbortSignal | undefined>();
  const counter = (octokit: { hook: Octokit['hook'] }) => {
    octokit.hook.wrap('request', async (request, opts) => {
      calls.total += 1;
      if (opts.method !== 'GET' && COMMENT_WRITE.test(String(opts.url))) calls.commentWrites += 1;
      const req = (opts.request ?? {}) as { signal?: AbortSignal };
      if (attempted.has(opts)) calls.retries += 1;
      else attempted.set(opts, req.signal);
      const outer = attempted.get(opts);
      const timeout = AbortSignal.timeout(attemptMs);
      opts.request = { ...req, signal: outer ? AbortSignal.any([outer, timeout]) : timeout } as never;
      return request(opts);
    });
  };

  const limitHandler =
    (kind: string) =>
    (retryAfter: number, opts: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const retrying = retryCount < RATE_LIMIT_RETRIES && retryAfter <= MAX_RETRY_AFTER_SECONDS;
      runner.info(
        `GitHub API ${kind} on ${opts.method} ${opts.url}: ${retrying ? `retrying after ${retryAfter}s` : 'giving up'}`,
      );
      return retrying;
    };

  const Client = Octokit.plugin(counter as never, retry as never, throttling as never);
  const agent = userAgent();
  const octokit: Octokit = new Client({
    auth: options.token,
    baseUrl: apiBaseUrl().replace(/\/+$/, ''),
    ...(agent ? { userAgent: agent } : {}),
    request: { fetch: transport },
    throttle: {
      onRateLimit: limitHandler('rate limit'),
      onSecondaryRateLimit: limitHandler('secondary rate limit'),
    },
    retry: {
      retries: SERVER_ERROR_RETRIES,
      // Rate limits (403/429) are plugin-throttling's, which reads `retry-after`; the rest are final.
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
    },
    log: {
      debug: (m: string) => runner.debug(m),
      info: (m: string) => runner.debug(m),
      warn: (m: string) => runner.debug(m),
      error: (m: string) => runner.debug(m),
    },
  } as never);

  const request = async <T>(
    route: string,
    params: Record<string, unknown> = {},
    opts: RequestOptions = {},
  ) => {
    if (unreachable) throw new ApiError(unreachable, 0);
    const remaining = phaseMs - spentMs;
    if (remaining <= 0) {
      unreachable = `the run's time on the GitHub API (${seconds(phaseMs)}) is used up`;
      throw new ApiError(unreachable, 0);
    }
    // The run's remaining API time bounds everything below: attempts, retries and rate-limit waits.
    const phase = new AbortController();
    const timer = setTimeout(() => phase.abort(), remaining);
    const started = Date.now();
    try {
      // Only templated routes take the repository; on a literal path Octokit would send it as a query.
      const repository = route.includes('{owner}') ? { owner: options.owner, repo: options.repo } : {};
      const sent = octokit.request(route, {
        ...repository,
        ...params,
        request: {
          signal: phase.signal,
          ...(opts.retry === false ? { retries: 0 } : {}),
          ...(opts.redirect ? { redirect: opts.redirect } : {}),
        },
      });
      sent.catch(() => {});
      const expired = new Promise<never>((_, reject) => {
        phase.signal.addEventListener('abort', () => reject(new Error('phase')), { once: true });
      });
      const response = await Promise.race([sent, expired]);
      return { status: response.status, data: response.data as T, headers: response.headers };
    } catch (err) {
      if (phase.signal.aborted) {
        unreachable = `the run's time on the GitHub API (${seconds(phaseMs)}) ran out during ${route.replace(/^(\w+) .*\/(\w[\w-]*)(\/\{\w+\})?$/, '$1 …/$2')}`;
        throw new ApiError(unreachable, 0);
      }
      const e = toApiError(err);
      // A write that is not retried may have been processed: its caller looks before giving up.
      if ((e.status === 0 || e.status >= 500) && opts.retry !== false) unreachable = e.message;
      throw e;
    } finally {
      clearTimeout(timer);
      spentMs += Date.now() - started;
    }
  };

  let identity: Promise<ApiIdentity | undefined> | undefined;
  const client: ApiClient = {
    owner: options.owner,
    repo: options.repo,
    calls,
    get unreachable() {
      return unreachable !== undefined;
    },
    get unreachableReason() {
      return unreachable;
    },
    request,
    identity() {
      identity ??= request<{ login?: unknown; type?: unknown }>('GET /user').then(
        ({ data }) =>
          typeof data.login === 'string'
            ? { login: data.login, type: String(data.type ?? 'User') }
            : undefined,
        (err) => {
          // An installation token cannot read /user (403): its writes are a bot's.
          if (err instanceof ApiError && err.status > 0 && err.status < 500) return undefined;
          throw err;
        },
      );
      return identity;
    },
    learnIdentity(user) {
      if (!identity && user && typeof user.login === 'string' && user.type !== 'Bot') {
        identity = Promise.resolve({ login: user.login, type: String(user.type) });
      }
    },
    download(url: string, maxBytes: number) {
      calls.total += 1;
      return downloadBytes(url, maxBytes, attemptMs * DOWNLOAD_TIMEOUT_FACTOR);
    },
    async paginate<T>(route: string, params: Record<string, unknown>, maxPages: number) {
      const items: T[] = [];
      for (let page = 1; page <= maxPages; page++) {
        const { data, headers } = await request<T[]>(route, { ...params, per_page: 100, page });
        if (!Array.isArray(data)) break;
        items.push(...data);
        // GitHub says when there is more; a full last page then costs no extra request.
        if (!/\brel="next"/.test(String(headers.link ?? ''))) break;
      }
      return items;
    },
    api: {
      owner: options.owner,
      repo: options.repo,
      async get(path: string): Promise<GitHubResponse> {
        try {
          const { status, data } = await request(`GET ${path}`);
          return { status, data };
        } catch (err) {
          // Refusals and absences are answers the rules interpret; silence is not.
          if (err instanceof ApiError && err.status >= 400 && err.status < 500 && !err.rateLimited) {
            return { status: err.status, data: err.data };
          }
          throw err;
        }
      },
    },
  };
  return client;
}

/**
 * The runner's orchestration id in the user agent, as `@actions/github` sends it (GitHub relates the
 * requests to the job by it); undefined without one: Octokit's own user agent then.
 */
function userAgent(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const id = env.ACTIONS_ORCHESTRATION_ID?.trim();
  return id ? `actions_orchestration_id/${id.replace(/[^a-z0-9_.-]/gi, '_')}` : undefined;
}

async function downloadBytes(url: string, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ApiError('the download location is not a URL', 0);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ApiError(`the download location is not an http(s) URL (${parsed.protocol})`, 0);
  }
  // Only the host is ever named: the query of a storage URL is a signature that grants access.
  const where = parsed.host;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    // No headers at all: the token is the API's, never the storage's.
    const response = await transport(url, { method: 'GET', redirect: 'error', signal });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new ApiError(`${where} answered HTTP ${response.status}`, response.status);
    }
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw new ApiError(`${where} offers ${declared} bytes, over the bound of ${maxBytes}`, 0);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const value of response.body) {
      size += value.byteLength;
      if (size > maxBytes) {
        await response.body.cancel().catch(() => {});
        throw new ApiError(`${where} sent more than the bound of ${maxBytes} bytes`, 0);
      }
      chunks.push(Buffer.from(value));
    }
    return Buffer.concat(chunks, size);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const e = err as Error & { cause?: { message?: unknown } };
    const said = typeof e.cause?.message === 'string' ? e.cause.message : e.message;
    // Whatever the error says, the URL's query (its signature) is not repeated.
    const cause = signal.aborted
      ? `no answer within ${seconds(timeoutMs)}`
      : said
          .split(url)
          .join(where)
          .split(parsed.search || '\u0000')
          .join('');
    throw new ApiError(`the download from ${where} failed (${cause})`, 0);
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** Octokit's RequestError (or anything else) as an {@link ApiError} with a one-line message. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as {
    name?: string;
    status?: number;
    message?: string;
    response?: { headers?: Record<string, string>; data?: unknown };
  };
  const status = typeof e.status === 'number' && e.response ? e.status : 0;
  const headers = e.response?.headers ?? {};
  const rateLimited =
    status === 429 ||
    (status === 403 && (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(e.message ?? '')));
  const cause =
    e.name === 'TimeoutError' || e.name === 'AbortError' ? 'no answer in time' : (e.message ?? String(err));
  const message = status === 0 ? `no answer from the GitHub API (${cause})` : e.message;
  const out = new ApiError(`${message ?? 'request failed'}`.split('\n')[0]!, status, rateLimited);
  out.data = e.response?.data;
  return out;
}
