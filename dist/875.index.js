export const id = 875;
export const ids = [875];
export const modules = {

/***/ 9875:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createApiClient: () => (/* binding */ createApiClient)
/* harmony export */ });
/* unused harmony exports MAX_RETRY_AFTER_SECONDS, toApiError */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6257);
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1758);
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9735);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6856);
/* harmony import */ var _github_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6859);
/**
 * The Action's GitHub API client: Octokit from `@actions/github` (which honours `GITHUB_API_URL`
 * and the runner's proxy settings) with the throttling and retry plugins, a count of every HTTP
 * request, and a circuit breaker so that an unreachable API costs one failed request sequence,
 * not one per feature.
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
    let unreachable = false;
    // Registered first, so it sits innermost: every attempt of a retried request is counted. Both
    // plugins retry with the same options object, which is how a retry is told from a new request.
    const attempted = new WeakSet();
    const counter = (octokit) => {
        octokit.hook.wrap('request', async (request, opts) => {
            calls.total += 1;
            if (opts.method !== 'GET' && COMMENT_WRITE.test(String(opts.url)))
                calls.commentWrites += 1;
            if (attempted.has(opts))
                calls.retries += 1;
            else
                attempted.add(opts);
            return request(opts);
        });
    };
    const limitHandler = (kind) => (retryAfter, opts, _octokit, retryCount) => {
        const retrying = retryCount < RATE_LIMIT_RETRIES && retryAfter <= MAX_RETRY_AFTER_SECONDS;
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`GitHub API ${kind} on ${opts.method} ${opts.url}: ${retrying ? `retrying after ${retryAfter}s` : 'giving up'}`);
        return retrying;
    };
    const octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_1__/* .getOctokit */ .Q)(options.token, {
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
            debug: (m) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz(m),
            info: (m) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz(m),
            warn: (m) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz(m),
            error: (m) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz(m),
        },
    }, counter, _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_3__/* .retry */ .L, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_4__/* .throttling */ .A);
    const request = async (route, params = {}) => {
        if (unreachable)
            throw new _github_js__WEBPACK_IMPORTED_MODULE_2__/* .ApiError */ .h('the GitHub API did not answer earlier in this run', 0);
        try {
            // Only templated routes take the repository; on a literal path Octokit would send it as a query.
            const repository = route.includes('{owner}') ? { owner: options.owner, repo: options.repo } : {};
            const response = await octokit.request(route, { ...repository, ...params });
            return { status: response.status, data: response.data, headers: response.headers };
        }
        catch (err) {
            const e = toApiError(err);
            if (e.status === 0 || e.status >= 500)
                unreachable = true;
            throw e;
        }
    };
    const client = {
        owner: options.owner,
        repo: options.repo,
        calls,
        get unreachable() {
            return unreachable;
        },
        request,
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
                    if (err instanceof _github_js__WEBPACK_IMPORTED_MODULE_2__/* .ApiError */ .h && err.status >= 400 && err.status < 500 && !err.rateLimited) {
                        return { status: err.status, data: err.data };
                    }
                    throw err;
                }
            },
        },
    };
    return client;
}
/** Octokit's RequestError (or anything else) as an {@link ApiError} with a one-line message. */
function toApiError(err) {
    if (err instanceof _github_js__WEBPACK_IMPORTED_MODULE_2__/* .ApiError */ .h)
        return err;
    const e = err;
    const status = typeof e.status === 'number' && e.response ? e.status : 0;
    const headers = e.response?.headers ?? {};
    const rateLimited = status === 429 ||
        (status === 403 && (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(e.message ?? '')));
    const message = status === 0 ? `no answer from the GitHub API (${e.message ?? String(err)})` : e.message;
    const out = new _github_js__WEBPACK_IMPORTED_MODULE_2__/* .ApiError */ .h(`${message ?? 'request failed'}`.split('\n')[0], status, rateLimited);
    out.data = e.response?.data;
    return out;
}


/***/ })

};
