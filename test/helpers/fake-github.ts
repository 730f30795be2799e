/**
 * A fake GitHub REST API for the end-to-end tests: a real HTTP server on 127.0.0.1 (random port) that
 * implements the endpoints controlgate uses, keeps their state (comments, reviews, check runs) across
 * runs, records every request, checks what GitHub checks (50 annotations per request, review lines
 * inside the diff, body sizes), and can inject 403, 404, 422, 429 with `retry-after`, 500 and dropped
 * connections. Nothing here reaches the internet.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** Milliseconds since the server started. */
  at: number;
}

/** A file of the pull request as `GET .../pulls/{n}/files` returns it. */
export interface FakePrFile {
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  patch?: string;
  previous_filename?: string;
  changes?: number;
}

/** A failure to inject: the first matching requests (`times`, default 1) get it instead of an answer. */
export interface Fault {
  method?: string;
  path: RegExp;
  status: number | 'drop';
  headers?: Record<string, string>;
  body?: unknown;
  times?: number;
}

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: 'Bot' | 'User' };
  path?: string;
  line?: number;
  commit_id?: string;
}

export interface FakeCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion?: string;
  output: { title?: string; summary?: string; text?: string };
  annotations: unknown[];
}

/** Mutable state the tests arrange and inspect. */
export interface FakeState {
  files: FakePrFile[];
  issueComments: FakeComment[];
  reviewComments: FakeComment[];
  reviews: { id: number; commit_id: string; body: string; comments: unknown[] }[];
  checkRuns: FakeCheckRun[];
  /** Answers of settings endpoints, by path (`/repos/acme/payments-api/environments`): status and body. */
  responses: Map<string, { status: number; body?: unknown }>;
}

const BOT = { login: 'github-actions[bot]', type: 'Bot' as const };

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly state: FakeState = {
    files: [],
    issueComments: [],
    reviewComments: [],
    reviews: [],
    checkRuns: [],
    responses: new Map(),
  };
  /** Every write answers 403 "Resource not accessible by integration" (a fork's read-only token). */
  readOnly = false;
  private readonly faults: Fault[] = [];
  private nextId = 1000;
  private readonly started = Date.now();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeGitHub> {
    let fake: FakeGitHub | undefined;
    const server = createServer((req, res) => {
      fake!.handle(req, res).catch((err) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `fake server error: ${(err as Error).message}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeGitHub(server, `http://127.0.0.1:${port}`);
    return fake;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Queues a failure for matching requests. */
  inject(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** Forgets the recorded requests (state stays): for asserting on one run at a time. */
  clearRequests(): void {
    this.requests.length = 0;
  }

  /** `METHOD /path?query` of every recorded request, in order. */
  log(): string[] {
    return this.requests.map((r) => {
      const q = new URLSearchParams(r.query).toString();
      return `${r.method} ${r.path}${q ? `?${q}` : ''}`;
    });
  }

  /** Adds a comment as if an earlier run (or a person) wrote it. */
  addComment(
    kind: 'issue' | 'review',
    comment: Omit<FakeComment, 'id' | 'user'> & { user?: FakeComment['user'] },
  ): FakeComment {
    const c: FakeComment = { id: this.nextId++, user: BOT, ...comment };
    (kind === 'issue' ? this.state.issueComments : this.state.reviewComments).push(c);
    return c;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    const url = new URL(req.url ?? '/', 'http://fake.test');
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const method = req.method ?? 'GET';
    this.requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      headers: { ...req.headers },
      at: Date.now() - this.started,
    });

    const fault = this.faults.find((f) => (!f.method || f.method === method) && f.path.test(url.pathname));
    if (fault) {
      fault.times! -= 1;
      if (fault.times! <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
      if (fault.status === 'drop') {
        req.socket.destroy();
        return;
      }
      return send(res, fault.status, fault.body ?? { message: `injected ${fault.status}` }, fault.headers);
    }
    if (this.readOnly && method !== 'GET') {
      return send(res, 403, { message: 'Resource not accessible by integration' });
    }
    return route(this, method, url, body, res);
  }

  /** @internal */ id(): number {
    return this.nextId++;
  }
}

function route(fake: FakeGitHub, method: string, url: URL, body: unknown, res: ServerResponse): true {
  const p = url.pathname;
  const s = fake.state;
  const b = (body ?? {}) as Record<string, unknown>;

  const canned = s.responses.get(p);
  if (method === 'GET' && canned) return send(res, canned.status, canned.body);

  if (method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/pulls\/\d+\/files$/.test(p))
    return page(res, url, s.files);
  if (method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/pulls\/\d+\/comments$/.test(p))
    return page(res, url, s.reviewComments);
  if (method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/.test(p))
    return page(res, url, s.issueComments);

  if (method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/.test(p)) {
    const text = String(b.body ?? '');
    if (text.length > 65_536)
      return send(res, 422, { message: 'Body is too long (maximum is 65536 characters)' });
    const c: FakeComment = { id: fake.id(), body: text, user: BOT };
    s.issueComments.push(c);
    return send(res, 201, c);
  }
  const commentEdit = /^\/repos\/[^/]+\/[^/]+\/(issues|pulls)\/comments\/(\d+)$/.exec(p);
  if (commentEdit && method === 'PATCH') {
    const list = commentEdit[1] === 'issues' ? s.issueComments : s.reviewComments;
    const c = list.find((x) => x.id === Number(commentEdit[2]));
    if (!c) return send(res, 404, { message: 'Not Found' });
    const text = String(b.body ?? '');
    if (text.length > 65_536)
      return send(res, 422, { message: 'Body is too long (maximum is 65536 characters)' });
    c.body = text;
    return send(res, 200, c);
  }
  if (method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/pulls\/\d+\/reviews$/.test(p)) {
    const comments = (b.comments ?? []) as { path: string; line: number; side?: string; body: string }[];
    for (const c of comments) {
      if (c.side !== 'RIGHT' || !rightSideLines(s.files, c.path).has(c.line)) {
        return send(res, 422, {
          message: 'Unprocessable Entity',
          errors: [`Line could not be resolved: ${c.path}:${c.line}`],
        });
      }
    }
    const review = { id: fake.id(), commit_id: String(b.commit_id), body: String(b.body ?? ''), comments };
    s.reviews.push(review);
    for (const c of comments) {
      s.reviewComments.push({
        id: fake.id(),
        body: c.body,
        user: BOT,
        path: c.path,
        line: c.line,
        commit_id: review.commit_id,
      });
    }
    return send(res, 200, { id: review.id, state: 'COMMENTED' });
  }
  if (method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/check-runs$/.test(p)) {
    const problem = checkOutput(b.output);
    if (problem) return send(res, 422, { message: problem });
    const output = (b.output ?? {}) as FakeCheckRun['output'] & { annotations?: unknown[] };
    const run: FakeCheckRun = {
      id: fake.id(),
      name: String(b.name),
      head_sha: String(b.head_sha),
      status: String(b.status ?? 'queued'),
      output: { title: output.title, summary: output.summary, text: output.text },
      annotations: [...(output.annotations ?? [])],
    };
    if (b.conclusion) run.conclusion = String(b.conclusion);
    s.checkRuns.push(run);
    return send(res, 201, { id: run.id });
  }
  const checkRunEdit = /^\/repos\/[^/]+\/[^/]+\/check-runs\/(\d+)$/.exec(p);
  if (checkRunEdit && method === 'PATCH') {
    const run = s.checkRuns.find((r) => r.id === Number(checkRunEdit[1]));
    if (!run) return send(res, 404, { message: 'Not Found' });
    const problem = checkOutput(b.output);
    if (problem) return send(res, 422, { message: problem });
    const output = (b.output ?? {}) as FakeCheckRun['output'] & { annotations?: unknown[] };
    run.annotations.push(...(output.annotations ?? []));
    if (b.status) run.status = String(b.status);
    if (b.conclusion) run.conclusion = String(b.conclusion);
    return send(res, 200, { id: run.id });
  }
  return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
}

/** What GitHub enforces on a check run's output. */
function checkOutput(output: unknown): string | undefined {
  if (!output) return undefined;
  const o = output as { summary?: string; text?: string; annotations?: unknown[]; title?: string };
  if (!o.title || o.summary === undefined) return 'output needs a title and a summary';
  if (o.summary.length > 65_535 || (o.text?.length ?? 0) > 65_535) return 'output summary or text too long';
  if ((o.annotations?.length ?? 0) > 50) return 'at most 50 annotations per request';
  return undefined;
}

/** Lines a review comment may target: the new side of every hunk (added and context lines). */
export function rightSideLines(files: FakePrFile[], path: string): Set<number> {
  const lines = new Set<number>();
  const file = files.find((f) => f.filename === path);
  if (!file?.patch) return lines;
  let line = 0;
  for (const text of file.patch.split('\n')) {
    const h = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (h) {
      line = Number(h[1]);
      continue;
    }
    if (text.startsWith('+') || text.startsWith(' ')) lines.add(line++);
  }
  return lines;
}

/** One page of a list, with GitHub's `link` header when there is a next page. */
function page(res: ServerResponse, url: URL, items: unknown[]): true {
  const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
  const n = Math.max(1, Number(url.searchParams.get('page') ?? 1));
  const headers: Record<string, string> = {};
  if (n * perPage < items.length) {
    const next = new URL(url.href);
    next.searchParams.set('page', String(n + 1));
    headers.link = `<http://${res.req.headers.host}${next.pathname}${next.search}>; rel="next"`;
  }
  return send(res, 200, items.slice((n - 1) * perPage, n * perPage), headers);
}

function send(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): true {
  const text = status === 204 || body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'x-ratelimit-limit': '1000',
    'x-ratelimit-remaining': '999',
    ...headers,
  });
  res.end(text);
  return true;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A unified patch adding `lines` at the top of a new file, as the API shows an added file. */
export function addedFilePatch(lines: string[]): string {
  return [`@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`)].join('\n');
}
