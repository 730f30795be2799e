export const id = 875;
export const ids = [875];
export const modules = {

/***/ 9875:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createApiClient: () => (/* binding */ createApiClient)
/* harmony export */ });
/* unused harmony exports MAX_RETRY_AFTER_SECONDS, toApiError */
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1351);
/* harmony import */ var _actions_github_lib_utils__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5555);
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9735);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6856);
/* harmony import */ var _commands_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(934);
/* harmony import */ var _github_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6859);
/**
 * The Action's GitHub API client: Octokit from `@actions/github` (which honours `GITHUB_API_URL`
 * and the runner's proxy settings) with the throttling and retry plugins, a count of every HTTP
 * request, a timeout on every attempt and on the run's whole time on the API, and a circuit breaker
 * so that an unreachable API costs one failed request sequence, not one per feature.
 */






/** Longest wait for a rate limit; a longer `retry-after` fails the request instead of stalling the job. */
const MAX_RETRY_AFTER_SECONDS = 60;
/** Retries after a rate limit (plugin-throttling) and after a server error or dropped connection. */
const RATE_LIMIT_RETRIES = 2;
const SERVER_ERROR_RETRIES = 2;
/** A comment write: a review, a review comment or an issue comment, created or edited. */
const COMMENT_WRITE = /\/(reviews|comments)(\/\{[a-z_]+\})?$/;
function createApiClient(options) {
    const calls = { total: 0, commentWrites: 0, retries: 0 };
    const attemptMs = options.requestTimeoutMs ?? _github_js__WEBPACK_IMPORTED_MODULE_3__/* .DEFAULT_REQUEST_TIMEOUT_MS */ .Zc;
    const phaseMs = options.phaseMs ?? attemptMs * _github_js__WEBPACK_IMPORTED_MODULE_3__/* .API_PHASE_FACTOR */ .l9;
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
        _commands_js__WEBPACK_IMPORTED_MODULE_2__/* .info */ .pq(`GitHub API ${kind} on ${opts.method} ${opts.url}: ${retrying ? `retrying after ${retryAfter}s` : 'giving up'}`);
        return retrying;
    };
    const octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(options.token, {
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
            debug: (m) => _commands_js__WEBPACK_IMPORTED_MODULE_2__/* .debug */ .Yz(m),
            info: (m) => _commands_js__WEBPACK_IMPORTED_MODULE_2__/* .debug */ .Yz(m),
            warn: (m) => _commands_js__WEBPACK_IMPORTED_MODULE_2__/* .debug */ .Yz(m),
            error: (m) => _commands_js__WEBPACK_IMPORTED_MODULE_2__/* .debug */ .Yz(m),
        },
    }, counter, _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_4__/* .retry */ .L, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_5__/* .throttling */ .A);
    const request = async (route, params = {}, opts = {}) => {
        if (unreachable)
            throw new _github_js__WEBPACK_IMPORTED_MODULE_3__/* .ApiError */ .hD(unreachable, 0);
        const remaining = phaseMs - spentMs;
        if (remaining <= 0) {
            unreachable = `the run's time on the GitHub API (${seconds(phaseMs)}) is used up`;
            throw new _github_js__WEBPACK_IMPORTED_MODULE_3__/* .ApiError */ .hD(unreachable, 0);
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
                throw new _github_js__WEBPACK_IMPORTED_MODULE_3__/* .ApiError */ .hD(unreachable, 0);
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
                if (err instanceof _github_js__WEBPACK_IMPORTED_MODULE_3__/* .ApiError */ .hD && err.status > 0 && err.status < 500)
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
            return downloadBytes(url, maxBytes, attemptMs * _github_js__WEBPACK_IMPORTED_MODULE_3__/* .DOWNLOAD_TIMEOUT_FACTOR */ .FQ);
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
                    if (err instanceof _github_js__WEBPACK_IMPORTED_MODULE_3__/* .ApiError */ .hD && err.status >= 400 && err.status < 500 && !err.rateLimited) {
                        return { status: err.status, data: err.data };
                    }
                    throw err;
                }
            },
        },
    };
    return client;
}
async function downloadBytes(url, maxBytes, timeoutMs) {
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        throw new _github_js__WEBPACK_IMPORTED_MODULE_3__/* .ApiError */ .hD('the download location is not a URL', 0);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
        throw new _github_js__WEBPACK_IMPORTED_MODULE_3__/* .ApiError */ .hD(`the download location is not an http(s) URL (${parsed.protocol})`, 0);
    }
    // Only the host is ever named: the query of a storage URL is a signature that grants access.
    const where = parsed.host;
    const fetchFn = (_actions_github_lib_utils__WEBPACK_IMPORTED_MODULE_1__/* .defaults */ .NT.request?.fetch ?? fetch);
    const signal = AbortSignal.timeout(timeoutMs);
    try {
        // No headers at all: the token is the API's, never the storage's.
        const response = await fetchFn(url, { method: 'GET', redirect: 'error', signal });
        if (!response.ok) {
            await response.body?.cancel().catch(() => { });
            throw new _github_js__WEBPACK_IMPORTED_MODULE_3__/* .ApiError */ .hD(`${where} answered HTTP ${response.status}`, response.status);
        }
        const declared = Number(response.headers.get('content-length') ?? Number.NaN);
        if (declared > maxBytes) {
            await response.body?.cancel().catch(() => { });
            throw new _github_js__WEBPACK_IMPORTED_MODULE_3__/* .ApiError */ .hD(`${where} offers ${declared} bytes, over the bound of ${maxBytes}`, 0);
        }
        const chunks = [];
        let size = 0;
        const reader = response.body?.getReader();
        while (reader) {
            const { done, value } = await reader.read();
            if (done)
                break;
            size += value.byteLength;
            if (size > maxBytes) {
                await reader.cancel().catch(() => { });
                throw new _github_js__WEBPACK_IMPORTED_MODULE_3__/* .ApiError */ .hD(`${where} sent more than the bound of ${maxBytes} bytes`, 0);
            }
            chunks.push(Buffer.from(value));
        }
        return Buffer.concat(chunks, size);
    }
    catch (err) {
        if (err instanceof _github_js__WEBPACK_IMPORTED_MODULE_3__/* .ApiError */ .hD)
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
        throw new _github_js__WEBPACK_IMPORTED_MODULE_3__/* .ApiError */ .hD(`the download from ${where} failed (${cause})`, 0);
    }
}
function seconds(ms) {
    return `${Math.round(ms / 100) / 10} s`;
}
/** Octokit's RequestError (or anything else) as an {@link ApiError} with a one-line message. */
function toApiError(err) {
    if (err instanceof _github_js__WEBPACK_IMPORTED_MODULE_3__/* .ApiError */ .hD)
        return err;
    const e = err;
    const status = typeof e.status === 'number' && e.response ? e.status : 0;
    const headers = e.response?.headers ?? {};
    const rateLimited = status === 429 ||
        (status === 403 && (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(e.message ?? '')));
    const cause = e.name === 'TimeoutError' || e.name === 'AbortError' ? 'no answer in time' : (e.message ?? String(err));
    const message = status === 0 ? `no answer from the GitHub API (${cause})` : e.message;
    const out = new _github_js__WEBPACK_IMPORTED_MODULE_3__/* .ApiError */ .hD(`${message ?? 'request failed'}`.split('\n')[0], status, rateLimited);
    out.data = e.response?.data;
    return out;
}


/***/ })

};
