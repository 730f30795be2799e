export const id = 291;
export const ids = [291];
export const modules = {

/***/ 7291:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   proxyFetch: () => (/* binding */ proxyFetch)
/* harmony export */ });
/* harmony import */ var _actions_http_client__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2779);
/* harmony import */ var undici__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6752);
/**
 * The fetch behind a proxy: undici's, with the proxy agent `@actions/http-client` builds for the URL
 * from the runner's proxy variables (`HTTPS_PROXY`/`HTTP_PROXY`, their credentials, `NO_PROXY`), as
 * `@actions/github` sends its requests. Loaded only when a proxy applies (see `transport` in
 * github-client.ts): undici is most of the bundle's client code.
 */


const proxies = new _actions_http_client__WEBPACK_IMPORTED_MODULE_0__/* .HttpClient */ .Qq();
function proxyFetch(url, init = {}) {
    const dispatcher = proxies.getAgentDispatcher(url);
    return (0,undici__WEBPACK_IMPORTED_MODULE_1__/* .fetch */ .hd)(url, {
        ...init,
        ...(dispatcher ? { dispatcher } : {}),
    });
}


/***/ })

};
