export const id = 169;
export const ids = [169];
export const modules = {

/***/ 169:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createApiClient: () => (/* binding */ createApiClient)
});

// UNUSED EXPORTS: MAX_RETRY_AFTER_SECONDS, apiBaseUrl, toApiError, transport

// EXTERNAL MODULE: ./node_modules/@actions/http-client/lib/proxy.js
var proxy = __webpack_require__(9783);
// EXTERNAL MODULE: ./node_modules/@octokit/core/dist-src/index.js + 12 modules
var dist_src = __webpack_require__(4730);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-retry/dist-bundle/index.js
var dist_bundle = __webpack_require__(9735);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-throttling/dist-bundle/index.js
var plugin_throttling_dist_bundle = __webpack_require__(6856);
// EXTERNAL MODULE: ./lib/action/commands.js
var commands = __webpack_require__(934);
// EXTERNAL MODULE: ./lib/action/github.js
var github = __webpack_require__(6859);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
;// CONCATENATED MODULE: ./lib/action/http.js
/**
 * The API client's HTTP transport without a proxy: the `fetch` subset Octokit calls, made with
 * Node's own `http` and `https` modules. The bundled undici (0.9 MB, which `@actions/github` sends
 * every request through) costs some 45 ms of CPU to compile and start, a tenth of a pull request's
 * whole run; Node's global `fetch` loads its internal copy of undici and costs more still
 * (docs/performance.md). Where a proxy applies to a URL (the runner's `HTTPS_PROXY`, `HTTP_PROXY`
 * and `NO_PROXY`, read by `@actions/http-client`), the client sends it through undici with that
 * library's proxy agent instead (proxy-fetch.ts), as `@actions/github` does.
 *
 * What it does as `fetch` does: redirects are followed (at most {@link MAX_REDIRECTS}; the
 * `authorization` header is dropped when one leads to another origin; a 303, or a 301/302 answering
 * a POST, is followed with a GET and no body), or answered as they came (`manual`), or refused
 * (`error`); an aborted signal rejects with its reason; a failed connection rejects with a
 * `TypeError` whose `cause` is the system's error, as Octokit expects. No body is decompressed: no
 * `accept-encoding` is sent.
 */


/** Redirects followed for one request, as fetch's limit. */
const MAX_REDIRECTS = 20;
/** `fetch` over Node's `http`/`https`, for URLs no proxy applies to. */
async function directFetch(url, init = {}) {
    let target = url;
    let method = (init.method ?? 'GET').toUpperCase();
    let body = init.body ?? undefined;
    let headers = { ...(init.headers ?? {}) };
    for (let redirects = 0;; redirects++) {
        const res = await send(target, method, headers, body, init.signal ?? undefined);
        const location = res.headers.location;
        if (res.statusCode === undefined || !isRedirect(res.statusCode) || typeof location !== 'string') {
            return response(res, target, init.signal ?? undefined);
        }
        if (init.redirect === 'manual')
            return response(res, target, init.signal ?? undefined);
        res.resume();
        if (init.redirect === 'error')
            throw new TypeError('fetch failed', { cause: new Error('unexpected redirect') });
        if (redirects >= MAX_REDIRECTS)
            throw new TypeError('fetch failed', { cause: new Error('redirect count exceeded') });
        const next = new URL(location, target);
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
            throw new TypeError('fetch failed', { cause: new Error(`redirect to a ${next.protocol} URL`) });
        }
        // The credentials are the origin's: a redirect elsewhere (a storage host) does not get them.
        if (next.origin !== new URL(target).origin)
            headers = withoutHeader(headers, 'authorization');
        if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')) {
            if (method !== 'HEAD')
                method = 'GET';
            body = undefined;
            headers = withoutHeader(withoutHeader(headers, 'content-type'), 'content-length');
        }
        target = next.href;
    }
}
function isRedirect(status) {
    return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}
function withoutHeader(headers, name) {
    return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== name));
}
/** One request; resolves with the response once its headers arrived. */
function send(url, method, headers, body, signal) {
    return new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(signal.reason);
        let parsed;
        try {
            parsed = new URL(url);
        }
        catch (err) {
            return reject(new TypeError('fetch failed', { cause: err }));
        }
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
            return reject(new TypeError('fetch failed', { cause: new Error(`not an http(s) URL (${parsed.protocol})`) }));
        }
        const outgoing = { ...headers };
        if (body !== undefined)
            outgoing['content-length'] = String(Buffer.byteLength(body));
        const req = (parsed.protocol === 'https:' ? external_node_https_.request : external_node_http_.request)(parsed, {
            method,
            headers: outgoing,
            ...(signal ? { signal } : {}),
        });
        req.on('response', resolve);
        req.on('error', (err) => reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: err })));
        req.end(body);
    });
}
/** The response as fetch's, its body read on demand. */
function response(res, url, signal) {
    const status = res.statusCode ?? 0;
    const headers = responseHeaders(res);
    let used = false;
    const chunks = async function* () {
        if (used)
            throw new TypeError('the body was already read');
        used = true;
        try {
            for await (const chunk of res)
                yield chunk;
        }
        catch (err) {
            throw signal?.aborted ? signal.reason : new TypeError('the body could not be read', { cause: err });
        }
    };
    const bytes = async () => {
        const parts = [];
        for await (const chunk of chunks())
            parts.push(chunk);
        return Buffer.concat(parts);
    };
    return {
        status,
        statusText: res.statusMessage ?? '',
        ok: status >= 200 && status < 300,
        url,
        headers,
        body: Object.assign(chunks(), {
            cancel: async () => {
                used = true;
                res.destroy();
            },
        }),
        text: async () => (await bytes()).toString('utf8'),
        json: async () => JSON.parse((await bytes()).toString('utf8')),
        arrayBuffer: async () => {
            const b = await bytes();
            return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
        },
    };
}
/** Node's header object (names in lower case; repeated headers joined) as fetch's `Headers`. */
function responseHeaders(res) {
    const map = new Map();
    for (const [name, value] of Object.entries(res.headers)) {
        if (value === undefined)
            continue;
        map.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    return {
        get: (name) => map.get(name.toLowerCase()) ?? null,
        [Symbol.iterator]: () => map.entries(),
    };
}

;// CONCATENATED MODULE: ./lib/action/github-client.js
/**
 * The Action's GitHub API client: Octokit's core (at `GITHUB_API_URL`) with the throttling and retry
 * plugins, a count of every HTTP request, a timeout on every attempt and on the run's whole time on
 * the API, and a circuit breaker so that an unreachable API costs one failed request sequence, not
 * one per feature. Requests go through Node's own HTTP modules ({@link directFetch}), or, where the
 * runner's proxy settings apply to the URL, through undici and `@actions/http-client`'s proxy agent.
 */







/** The API's address: the runner's `GITHUB_API_URL` (GitHub Enterprise Server), else github.com's. */
function apiBaseUrl(env = process.env) {
    return env.GITHUB_API_URL || 'https://api.github.com';
}
/**
 * The fetch for one URL: Node's own HTTP modules, unless the runner's proxy variables apply to it
 * (then undici through the proxy, loaded only then: proxy-fetch.ts).
 */
const transport = async (url, init) => {
    // Not a URL: directFetch says so.
    if (!URL.canParse(url) || (0,proxy/* getProxyUrl */.s)(new URL(url)) === undefined)
        return directFetch(url, init);
    const { proxyFetch } = await Promise.all(/* import() */[__webpack_require__.e(779), __webpack_require__.e(291)]).then(__webpack_require__.bind(__webpack_require__, 7291));
    return proxyFetch(url, init);
};
/** Longest wait for a rate limit; a longer `retry-after` fails the request instead of stalling the job. */
const MAX_RETRY_AFTER_SECONDS = 60;
/** Retries after a rate limit (plugin-throttling) and after a server error or dropped connection. */
const RATE_LIMIT_RETRIES = 2;
const SERVER_ERROR_RETRIES = 2;
/** A comment write: a review, a review comment or an issue comment, created or edited. */
const COMMENT_WRITE = /\/(reviews|comments)(\/\{[a-z_]+\})?$/;
function createApiClient(options) {
    const calls = { total: 0, commentWrites: 0, retries: 0 };
    const attemptMs = options.requestTimeoutMs ?? github/* DEFAULT_REQUEST_TIMEOUT_MS */.Zc;
    const phaseMs = options.phaseMs ?? attemptMs * github/* API_PHASE_FACTOR */.l9;
    let unreachable;
    /** Time spent waiting on the API so far (requests in flight, retries and rate-limit waits). */
    let spentMs = 0;
    // Registered first, so it sits innermost: every attempt of a retried request is counted and gets
    // its own timeout. Both plugins retry with the same options object, which is how a retry is told
    // from a new request; the caller's signal (the run's remaining API time) is kept beside it.
    const attempted = new WeakMap();
    const counter = (octokit) => {
        octokit.hook.wrap('request', async (request, opts) => {
            calls.total += 1;
            if (opts.method !== 'GET' && COMMENT_WRITE.test(String(opts.url)))
                calls.commentWrites += 1;
            const req = (opts.request ?? {});
            if (attempted.has(opts))
                calls.retries += 1;
            else
                attempted.set(opts, req.signal);
            const outer = attempted.get(opts);
            const timeout = AbortSignal.timeout(attemptMs);
            opts.request = { ...req, signal: outer ? AbortSignal.any([outer, timeout]) : timeout };
            return request(opts);
        });
    };
    const limitHandler = (kind) => (retryAfter, opts, _octokit, retryCount) => {
        const retrying = retryCount < RATE_LIMIT_RETRIES && retryAfter <= MAX_RETRY_AFTER_SECONDS;
        commands/* info */.pq(`GitHub API ${kind} on ${opts.method} ${opts.url}: ${retrying ? `retrying after ${retryAfter}s` : 'giving up'}`);
        return retrying;
    };
    const Client = dist_src/* Octokit */.E.plugin(counter, dist_bundle/* retry */.L, plugin_throttling_dist_bundle/* throttling */.A);
    const agent = userAgent();
    const octokit = new Client({
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
            debug: (m) => commands/* debug */.Yz(m),
            info: (m) => commands/* debug */.Yz(m),
            warn: (m) => commands/* debug */.Yz(m),
            error: (m) => commands/* debug */.Yz(m),
        },
    });
    const request = async (route, params = {}, opts = {}) => {
        if (unreachable)
            throw new github/* ApiError */.hD(unreachable, 0);
        const remaining = phaseMs - spentMs;
        if (remaining <= 0) {
            unreachable = `the run's time on the GitHub API (${seconds(phaseMs)}) is used up`;
            throw new github/* ApiError */.hD(unreachable, 0);
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
            sent.catch(() => { });
            const expired = new Promise((_, reject) => {
                phase.signal.addEventListener('abort', () => reject(new Error('phase')), { once: true });
            });
            const response = await Promise.race([sent, expired]);
            return { status: response.status, data: response.data, headers: response.headers };
        }
        catch (err) {
            if (phase.signal.aborted) {
                unreachable = `the run's time on the GitHub API (${seconds(phaseMs)}) ran out during ${route.replace(/^(\w+) .*\/(\w[\w-]*)(\/\{\w+\})?$/, '$1 …/$2')}`;
                throw new github/* ApiError */.hD(unreachable, 0);
            }
            const e = toApiError(err);
            // A write that is not retried may have been processed: its caller looks before giving up.
            if ((e.status === 0 || e.status >= 500) && opts.retry !== false)
                unreachable = e.message;
            throw e;
        }
        finally {
            clearTimeout(timer);
            spentMs += Date.now() - started;
        }
    };
    let identity;
    const client = {
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
            identity ??= request('GET /user').then(({ data }) => typeof data.login === 'string'
                ? { login: data.login, type: String(data.type ?? 'User') }
                : undefined, (err) => {
                // An installation token cannot read /user (403): its writes are a bot's.
                if (err instanceof github/* ApiError */.hD && err.status > 0 && err.status < 500)
                    return undefined;
                throw err;
            });
            return identity;
        },
        learnIdentity(user) {
            if (!identity && user && typeof user.login === 'string' && user.type !== 'Bot') {
                identity = Promise.resolve({ login: user.login, type: String(user.type) });
            }
        },
        download(url, maxBytes) {
            calls.total += 1;
            return downloadBytes(url, maxBytes, attemptMs * github/* DOWNLOAD_TIMEOUT_FACTOR */.FQ);
        },
        async paginate(route, params, maxPages) {
            const items = [];
            for (let page = 1; page <= maxPages; page++) {
                const { data, headers } = await request(route, { ...params, per_page: 100, page });
                if (!Array.isArray(data))
                    break;
                items.push(...data);
                // GitHub says when there is more; a full last page then costs no extra request.
                if (!/\brel="next"/.test(String(headers.link ?? '')))
                    break;
            }
            return items;
        },
        api: {
            owner: options.owner,
            repo: options.repo,
            async get(path) {
                try {
                    const { status, data } = await request(`GET ${path}`);
                    return { status, data };
                }
                catch (err) {
                    // Refusals and absences are answers the rules interpret; silence is not.
                    if (err instanceof github/* ApiError */.hD && err.status >= 400 && err.status < 500 && !err.rateLimited) {
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
function userAgent(env = process.env) {
    const id = env.ACTIONS_ORCHESTRATION_ID?.trim();
    return id ? `actions_orchestration_id/${id.replace(/[^a-z0-9_.-]/gi, '_')}` : undefined;
}
async function downloadBytes(url, maxBytes, timeoutMs) {
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        throw new github/* ApiError */.hD('the download location is not a URL', 0);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
        throw new github/* ApiError */.hD(`the download location is not an http(s) URL (${parsed.protocol})`, 0);
    }
    // Only the host is ever named: the query of a storage URL is a signature that grants access.
    const where = parsed.host;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
        // No headers at all: the token is the API's, never the storage's.
        const response = await transport(url, { method: 'GET', redirect: 'error', signal });
        if (!response.ok) {
            await response.body?.cancel().catch(() => { });
            throw new github/* ApiError */.hD(`${where} answered HTTP ${response.status}`, response.status);
        }
        const declared = Number(response.headers.get('content-length') ?? Number.NaN);
        if (declared > maxBytes) {
            await response.body?.cancel().catch(() => { });
            throw new github/* ApiError */.hD(`${where} offers ${declared} bytes, over the bound of ${maxBytes}`, 0);
        }
        const chunks = [];
        let size = 0;
        for await (const value of response.body) {
            size += value.byteLength;
            if (size > maxBytes) {
                await response.body.cancel().catch(() => { });
                throw new github/* ApiError */.hD(`${where} sent more than the bound of ${maxBytes} bytes`, 0);
            }
            chunks.push(Buffer.from(value));
        }
        return Buffer.concat(chunks, size);
    }
    catch (err) {
        if (err instanceof github/* ApiError */.hD)
            throw err;
        const e = err;
        const said = typeof e.cause?.message === 'string' ? e.cause.message : e.message;
        // Whatever the error says, the URL's query (its signature) is not repeated.
        const cause = signal.aborted
            ? `no answer within ${seconds(timeoutMs)}`
            : said
                .split(url)
                .join(where)
                .split(parsed.search || '\u0000')
                .join('');
        throw new github/* ApiError */.hD(`the download from ${where} failed (${cause})`, 0);
    }
}
function seconds(ms) {
    return `${Math.round(ms / 100) / 10} s`;
}
/** Octokit's RequestError (or anything else) as an {@link ApiError} with a one-line message. */
function toApiError(err) {
    if (err instanceof github/* ApiError */.hD)
        return err;
    const e = err;
    const status = typeof e.status === 'number' && e.response ? e.status : 0;
    const headers = e.response?.headers ?? {};
    const rateLimited = status === 429 ||
        (status === 403 && (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(e.message ?? '')));
    const cause = e.name === 'TimeoutError' || e.name === 'AbortError' ? 'no answer in time' : (e.message ?? String(err));
    const message = status === 0 ? `no answer from the GitHub API (${cause})` : e.message;
    const out = new github/* ApiError */.hD(`${message ?? 'request failed'}`.split('\n')[0], status, rateLimited);
    out.data = e.response?.data;
    return out;
}


/***/ })

};
