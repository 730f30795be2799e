/**
 * The API client's transport: Node's HTTP modules behave as the fetch Octokit expects (status,
 * headers, body, redirects, aborts, connection errors), and a URL the runner's proxy settings apply
 * to goes through the proxy.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { transport } from '../../src/action/github-client.js';
import { directFetch, MAX_REDIRECTS } from '../../src/action/http.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let other: Server;
let base: string;
let otherBase: string;
const seen: Seen[] = [];

function record(req: import('node:http').IncomingMessage, done: (s: Seen) => void): void {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
    seen.push(s);
    done(s);
  });
}

const listen = async (s: Server) => {
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  server = createServer((req, res) => {
    record(req, ({ url }) => {
      const path = new URL(url, 'http://x').pathname;
      if (path === '/json') {
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.writeHead(200, 'Fine', { 'content-type': 'application/json', 'x-ratelimit-remaining': '41' });
        res.end('{"ok":true}');
      } else if (path === '/same-origin') {
        res.writeHead(302, { location: '/json' });
        res.end();
      } else if (path === '/cross-origin') {
        res.writeHead(307, { location: `${otherBase}/landing?sig=1` });
        res.end();
      } else if (path === '/see-other') {
        res.writeHead(303, { location: '/json' });
        res.end();
      } else if (path === '/loop') {
        res.writeHead(302, { location: '/loop' });
        res.end();
      } else if (path === '/slow') {
        setTimeout(() => res.end('late'), 2_000);
      } else if (path === '/stalled-body') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"partial":');
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  other = createServer((req, res) => record(req, () => res.end('landed')));
  base = await listen(server);
  otherBase = await listen(other);
});
afterAll(async () => {
  server.closeAllConnections();
  await Promise.all([server, other].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});
afterEach(() => {
  seen.length = 0;
});

describe('directFetch', () => {
  it('answers with the status, the headers (lower case, repeats joined) and the body, once', async () => {
    const res = await directFetch(`${base}/json`, {
      method: 'POST',
      headers: { authorization: 'token t', 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect([res.status, res.statusText, res.ok, res.url]).toEqual([200, 'Fine', true, `${base}/json`]);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.headers.get('x-missing')).toBeNull();
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'set-cookie': 'a=1, b=2',
      'x-ratelimit-remaining': '41',
    });
    expect(await res.json()).toEqual({ ok: true });
    await expect(res.text()).rejects.toThrow('already read');
    expect(seen.map((s) => [s.method, s.url, s.body, s.headers['content-length']])).toEqual([
      ['POST', '/json', '{"a":1}', '7'],
    ]);
  });

  it('follows a redirect with the credentials only to the same origin', async () => {
    const headers = { authorization: 'token secret' };
    expect(await (await directFetch(`${base}/same-origin`, { headers })).text()).toBe('{"ok":true}');
    const res = await directFetch(`${base}/cross-origin`, { headers });
    expect([res.status, res.url, await res.text()]).toEqual([200, `${otherBase}/landing?sig=1`, 'landed']);
    expect(seen.map((s) => [s.url, s.headers.authorization])).toEqual([
      ['/same-origin', 'token secret'],
      ['/json', 'token secret'],
      ['/cross-origin', 'token secret'],
      ['/landing?sig=1', undefined],
    ]);
  });

  it('follows a 303 with a GET and no body', async () => {
    const res = await directFetch(`${base}/see-other`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(seen.map((s) => [s.method, s.url, s.body, s.headers['content-type']])).toEqual([
      ['POST', '/see-other', '{}', 'application/json'],
      ['GET', '/json', '', undefined],
    ]);
  });

  it('answers a redirect as it came when asked, refuses it when asked, and stops a loop', async () => {
    const manual = await directFetch(`${base}/same-origin`, { redirect: 'manual' });
    expect([manual.status, manual.headers.get('location')]).toEqual([302, '/json']);
    const refused = await directFetch(`${base}/same-origin`, { redirect: 'error' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as Error & { cause: Error }).cause.message).toBe('unexpected redirect');
    const loop = await directFetch(`${base}/loop`).catch((e: unknown) => e);
    expect((loop as Error & { cause: Error }).cause.message).toBe('redirect count exceeded');
    expect(seen.filter((s) => s.url === '/loop')).toHaveLength(MAX_REDIRECTS + 1);
  });

  it('rejects with the signal’s reason when aborted, before or during the body, and with a TypeError naming the cause when no one answers', async () => {
    const timeout = await directFetch(`${base}/slow`, { signal: AbortSignal.timeout(50) }).catch(
      (e: unknown) => e,
    );
    expect((timeout as Error).name).toBe('TimeoutError');
    // A body that stops half-way is given up on too: a hung API never holds the job.
    const stalled = await directFetch(`${base}/stalled-body`, { signal: AbortSignal.timeout(100) });
    expect(stalled.status).toBe(200);
    expect(((await stalled.text().catch((e: unknown) => e)) as Error).name).toBe('TimeoutError');
    const closed = `http://127.0.0.1:${(other.address() as AddressInfo).port + 0}`;
    const refused = await directFetch(closed.replace(/:\d+$/, ':1')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as Error & { cause: { code: string } }).cause.code).toBe('ECONNREFUSED');
    const notHttp = await directFetch('file:///etc/passwd').catch((e: unknown) => e);
    expect((notHttp as Error & { cause: Error }).cause.message).toBe('not an http(s) URL (file:)');
  });
});

describe('transport', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of ['HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('sends a request through the runner’s proxy when one applies to the URL, and a loopback one directly', async () => {
    // A proxy that answers for any host: absolute-form requests, or a CONNECT tunnel to this test's server.
    const proxied: string[] = [];
    const proxy = createServer((req, res) => {
      proxied.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"via":"proxy"}');
    });
    proxy.on('connect', (req, socket: Socket) => {
      proxied.push(`CONNECT ${req.url}`);
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      proxy.emit('connection', socket);
    });
    const proxyUrl = await listen(proxy);
    try {
      process.env.HTTP_PROXY = proxyUrl;
      delete process.env.http_proxy;
      delete process.env.NO_PROXY;
      delete process.env.no_proxy;
      const res = await transport('http://api.github.example/repos/acme/app', { method: 'GET' });
      expect(await res.json()).toEqual({ via: 'proxy' });
      expect(proxied.length).toBeGreaterThan(0);
      expect(proxied.some((p) => p.includes('api.github.example') || p.includes('/repos/acme/app'))).toBe(
        true,
      );
      // Loopback addresses never go through the proxy, as @actions/http-client decides.
      proxied.length = 0;
      expect(await (await transport(`${base}/json`)).json()).toEqual({ ok: true });
      expect(proxied).toEqual([]);
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});
