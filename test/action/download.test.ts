/**
 * The client's download from storage (where an artifact download redirects to): no credential is
 * sent, the size is bounded before and while the body arrives, no redirect is followed, and no
 * message repeats the URL's query (a signature that grants access).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/action/github.js';
import { createApiClient } from '../../src/action/github-client.js';

const SIGNATURE = 'sig=secret-signature-value';
let server: Server;
let base: string;
const seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/ok') {
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': '5' });
      res.end('hello');
    } else if (url.pathname === '/declared-large') {
      res.writeHead(200, { 'content-length': String(1024 * 1024) });
      res.end(Buffer.alloc(1024 * 1024));
    } else if (url.pathname === '/chunked-large') {
      res.writeHead(200, { 'content-type': 'application/zip' });
      for (let i = 0; i < 64; i++) res.write(Buffer.alloc(1024));
      res.end();
    } else if (url.pathname === '/redirect') {
      res.writeHead(302, { location: `${base}/ok?${SIGNATURE}` });
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = () => createApiClient({ token: 'ghs_secret_token', owner: 'acme', repo: 'payments-api' });

async function failure(url: string, max = 1000): Promise<ApiError> {
  try {
    await client().download(url, max);
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as Error).message).not.toContain(SIGNATURE);
    return err as ApiError;
  }
  throw new Error('expected a failure');
}

describe('ApiClient.download', () => {
  it('reads the body without sending the token or any credential', async () => {
    seen.length = 0;
    const c = client();
    expect((await c.download(`${base}/ok?${SIGNATURE}`, 5)).toString()).toBe('hello');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.authorization).toBeUndefined();
    expect(seen[0]!.cookie).toBeUndefined();
    expect(c.calls.total).toBe(1);
  });

  it('refuses a body over the bound, declared or not', async () => {
    const host = base.replace('http://', '');
    expect((await failure(`${base}/declared-large?${SIGNATURE}`)).message).toBe(
      `${host} offers 1048576 bytes, over the bound of 1000`,
    );
    expect((await failure(`${base}/chunked-large?${SIGNATURE}`, 10_000)).message).toBe(
      `${host} sent more than the bound of 10000 bytes`,
    );
  });

  it('follows no redirect, and names only the host of what failed', async () => {
    const host = base.replace('http://', '');
    expect((await failure(`${base}/redirect?${SIGNATURE}`)).message).toMatch(
      new RegExp(`^the download from ${host.replace(/\./g, '\\.')} failed \\(`),
    );
    const missing = await failure(`${base}/missing?${SIGNATURE}`);
    expect([missing.message, missing.status]).toEqual([`${host} answered HTTP 404`, 404]);
    expect((await failure('file:///etc/passwd')).message).toBe(
      'the download location is not an http(s) URL (file:)',
    );
    expect((await failure('not a url')).message).toBe('the download location is not a URL');
  });
});
