/**
 * The fetch behind a proxy: undici's, with the proxy agent `@actions/http-client` builds for the URL
 * from the runner's proxy variables (`HTTPS_PROXY`/`HTTP_PROXY`, their credentials, `NO_PROXY`), as
 * `@actions/github` sends its requests. Loaded only when a proxy applies (see `transport` in
 * github-client.ts): undici is most of the bundle's client code.
 */
import { HttpClient } from '@actions/http-client';
import { fetch } from 'undici';
import type { FetchInit, FetchResponse } from './http.js';

const proxies = new HttpClient();

export function proxyFetch(url: string, init: FetchInit = {}): Promise<FetchResponse> {
  const dispatcher = proxies.getAgentDispatcher(url);
  return fetch(url, {
    ...init,
    ...(dispatcher ? { dispatcher } : {}),
  } as never) as unknown as Promise<FetchResponse>;
}
