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
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Redirects followed for one request, as fetch's limit. */
export const MAX_REDIRECTS = 20;

export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | null;
  redirect?: 'follow' | 'manual' | 'error';
  signal?: AbortSignal | null;
}

/** The response headers: read by name (lower case) and iterated, as a fetch `Headers`. */
export interface ResponseHeaders extends Iterable<[string, string]> {
  get(name: string): string | null;
}

/** The part of a fetch `Response` the API client reads. */
export interface FetchResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly url: string;
  readonly headers: ResponseHeaders;
  /** The body as it arrives; `cancel` stops reading it and closes the connection. */
  readonly body: AsyncIterable<Uint8Array> & { cancel(): Promise<void> };
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export type Fetch = (url: string, init?: FetchInit) => Promise<FetchResponse>;

/** `fetch` over Node's `http`/`https`, for URLs no proxy applies to. */
export async function directFetch(url: string, init: FetchInit = {}): Promise<FetchResponse> {
  let target = url;
  let method = (init.method ?? 'GET').toUpperCase();
  let body = init.body ?? undefined;
  let headers = { ...(init.headers ?? {}) };
  for (let redirects = 0; ; redirects++) {
    const res = await send(target, method, headers, body, init.signal ?? undefined);
    const location = res.headers.location;
    if (res.statusCode === undefined || !isRedirect(res.statusCode) || typeof location !== 'string') {
      return response(res, target, init.signal ?? undefined);
    }
    if (init.redirect === 'manual') return response(res, target, init.signal ?? undefined);
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
    if (next.origin !== new URL(target).origin) headers = withoutHeader(headers, 'authorization');
    if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')) {
      if (method !== 'HEAD') method = 'GET';
      body = undefined;
      headers = withoutHeader(withoutHeader(headers, 'content-type'), 'content-length');
    }
    target = next.href;
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function withoutHeader(headers: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== name));
}

/** One request; resolves with the response once its headers arrived. */
function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | Uint8Array | undefined,
  signal: AbortSignal | undefined,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (err) {
      return reject(new TypeError('fetch failed', { cause: err }));
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return reject(
        new TypeError('fetch failed', { cause: new Error(`not an http(s) URL (${parsed.protocol})`) }),
      );
    }
    const outgoing = { ...headers };
    if (body !== undefined) outgoing['content-length'] = String(Buffer.byteLength(body));
    const req = (parsed.protocol === 'https:' ? httpsRequest : httpRequest)(parsed, {
      method,
      headers: outgoing,
      ...(signal ? { signal } : {}),
    });
    req.on('response', resolve);
    req.on('error', (err) =>
      reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: err })),
    );
    req.end(body);
  });
}

/** The response as fetch's, its body read on demand. */
function response(res: IncomingMessage, url: string, signal: AbortSignal | undefined): FetchResponse {
  const status = res.statusCode ?? 0;
  const headers = responseHeaders(res);
  let used = false;
  const chunks = async function* (): AsyncGenerator<Uint8Array> {
    if (used) throw new TypeError('the body was already read');
    used = true;
    try {
      for await (const chunk of res) yield chunk as Buffer;
    } catch (err) {
      throw signal?.aborted ? signal.reason : new TypeError('the body could not be read', { cause: err });
    }
  };
  const bytes = async (): Promise<Buffer> => {
    const parts: Buffer[] = [];
    for await (const chunk of chunks()) parts.push(chunk as Buffer);
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
    json: async () => JSON.parse((await bytes()).toString('utf8')) as unknown,
    arrayBuffer: async () => {
      const b = await bytes();
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    },
  };
}

/** Node's header object (names in lower case; repeated headers joined) as fetch's `Headers`. */
function responseHeaders(res: IncomingMessage): ResponseHeaders {
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    map.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return {
    get: (name) => map.get(name.toLowerCase()) ?? null,
    [Symbol.iterator]: () => map.entries(),
  };
}
