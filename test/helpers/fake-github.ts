/**
 * A fake GitHub REST API for the end-to-end tests: a real HTTP server on 127.0.0.1 (random port) that
 * implements the endpoints controlgate uses, keeps their state (comments, reviews, check runs) across
 * runs, records every request, and checks what GitHub checks (50 annotations per request, review lines
 * inside the diff, body sizes, at most 3,000 files listed per pull request). Faults can be injected
 * before a request is processed (403, 404, 422, 429 with `retry-after`, 500, a dropped connection, no
 * answer at all) or after it was processed (a reset or a 502 once the write is done), and requests can
 * be held until several have arrived, to make concurrent runs race. Nothing here reaches the internet.
 */
import { createHash } from 'node:crypto';
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

/**
 * A failure to inject: the first matching requests (`times`, default 1) get it instead of an answer.
 * `drop` closes the connection, `hang` never answers. With `after`, the request is processed first
 * (a write is done) and the failure replaces the answer.
 */
export interface Fault {
  method?: string;
  path: RegExp;
  status: number | 'drop' | 'hang';
  headers?: Record<string, string>;
  body?: unknown;
  times?: number;
  after?: boolean;
}

/** An account as the API shows it. */
export interface FakeUser {
  login: string;
  type: 'Bot' | 'User';
}

export interface FakeComment {
  id: number;
  body: string;
  user: FakeUser;
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
  external_id?: string;
  output: { title?: string; summary?: string; text?: string };
  annotations: unknown[];
}

export interface FakeReview {
  id: number;
  commit_id: string;
  body: string;
  comments: unknown[];
  user: FakeUser;
  state: 'COMMENTED' | 'APPROVED' | 'CHANGES_REQUESTED' | 'DISMISSED';
}

/** Mutable state the tests arrange and inspect. */
export interface FakeState {
  files: FakePrFile[];
  issueComments: FakeComment[];
  reviewComments: FakeComment[];
  reviews: FakeReview[];
  checkRuns: FakeCheckRun[];
  /** Answers of settings endpoints, by path (`/repos/acme/payments-api/environments`): status and body. */
  responses: Map<string, { status: number; body?: unknown }>;
  /** Who the token authenticates as: the author of every write; `GET /user` answers only for a User. */
  tokenUser: FakeUser;
  /** Repository roles by login (admin, maintain, write, triage, read), for the permission endpoint. */
  roles: Map<string, string>;
  /** Trees of commits the git database API serves (commit id -> path -> content). */
  commits: Map<string, Record<string, string>>;
  /** Workflow artifacts (`actions/artifacts`), each with the zip its download redirects to. */
  artifacts: FakeArtifact[];
  /** Workflow runs by id (`actions/runs/{id}`), as the API describes them. */
  runs: Map<number, Record<string, unknown>>;
}

/** A workflow artifact as the list endpoint shows it, and its archive. */
export interface FakeArtifact {
  id: number;
  name: string;
  size_in_bytes: number;
  expired: boolean;
  created_at: string;
  workflow_run: {
    id: number;
    repository_id: number;
    head_repository_id: number;
    head_branch: string;
    head_sha: string;
  };
  zip: Buffer;
}

/** The query parameter of the storage URL an artifact download redirects to: never to be logged. */
export const STORAGE_SIGNATURE = 'sig=fake-storage-signature-0123456789';

export const GITHUB_ACTIONS_BOT: FakeUser = { login: 'github-actions[bot]', type: 'Bot' };

/** GitHub lists at most this many files of a pull request, whatever the pages asked for. */
export const MAX_LISTED_FILES = 3000;

/** What a route answers. */
interface Answer {
  status: number;
  body?: unknown;
  /** Bytes sent as they are (an archive), instead of `body` as JSON. */
  raw?: Buffer;
  headers?: Record<string, string>;
}

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly state: FakeState = {
    files: [],
    issueComments: [],
    reviewComments: [],
    reviews: [],
    checkRuns: [],
    responses: new Map(),
    tokenUser: GITHUB_ACTIONS_BOT,
    roles: new Map(),
    commits: new Map(),
    artifacts: [],
    runs: new Map(),
  };
  /** Every write answers 403 "Resource not accessible by integration" (a fork's read-only token). */
  readOnly = false;
  private readonly faults: Fault[] = [];
  private readonly holds: { method: string; path: RegExp; count: number; waiting: (() => void)[] }[] = [];
  private readonly hanging = new Set<ServerResponse>();
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
        if (res.headersSent || res.destroyed) return;
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
    for (const h of this.holds) for (const release of h.waiting.splice(0)) release();
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Queues a failure for matching requests. */
  inject(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /**
   * Holds the first `count` matching requests until all of them have arrived, then answers them: two
   * runs started together both read before either writes.
   */
  hold(method: string, path: RegExp, count: number): void {
    this.holds.push({ method, path, count, waiting: [] });
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
    comment: Omit<FakeComment, 'id' | 'user'> & { user?: FakeUser },
  ): FakeComment {
    const c: FakeComment = { id: this.nextId++, user: GITHUB_ACTIONS_BOT, ...comment };
    (kind === 'issue' ? this.state.issueComments : this.state.reviewComments).push(c);
    return c;
  }

  /** Adds a review as if a person submitted it. */
  addReview(review: Omit<FakeReview, 'id' | 'comments' | 'body'> & { body?: string }): FakeReview {
    const r: FakeReview = { id: this.nextId++, body: '', comments: [], ...review };
    this.state.reviews.push(r);
    return r;
  }

  /**
   * Adds an artifact holding `zip`, made by the workflow run `run` (whose fields default to a push to
   * main of `run.head_sha` in acme/payments-api); returns the artifact.
   */
  addArtifact(
    name: string,
    zip: Buffer,
    run: Record<string, unknown> & { id: number; head_sha: string },
    artifact: Partial<Omit<FakeArtifact, 'zip'>> = {},
  ): FakeArtifact {
    const fullRun = {
      event: 'push',
      head_branch: 'main',
      repository: { id: 1, full_name: 'acme/payments-api' },
      head_repository: { id: 1, full_name: 'acme/payments-api' },
      ...run,
    };
    this.state.runs.set(run.id, fullRun);
    const a: FakeArtifact = {
      id: this.nextId++,
      name,
      size_in_bytes: zip.length,
      expired: false,
      created_at: new Date(Date.UTC(2026, 0, 1) + this.nextId * 1000).toISOString(),
      workflow_run: {
        id: run.id,
        repository_id: (fullRun.repository as { id: number }).id,
        head_repository_id: (fullRun.head_repository as { id: number }).id,
        head_branch: String(fullRun.head_branch),
        head_sha: run.head_sha,
      },
      ...artifact,
      zip,
    };
    this.state.artifacts.push(a);
    return a;
  }

  /** Serves a commit's tree through the git database API (trees and blobs). */
  addCommit(sha: string, files: Record<string, string>): void {
    this.state.commits.set(sha, files);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
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

    const hold = this.holds.find((h) => h.method === method && h.path.test(url.pathname) && h.count > 0);
    if (hold) {
      hold.count -= 1;
      await new Promise<void>((resolve) => {
        hold.waiting.push(resolve);
        if (hold.count === 0) for (const release of hold.waiting.splice(0)) release();
      });
    }

    const fault = this.faults.find((f) => (!f.method || f.method === method) && f.path.test(url.pathname));
    if (fault) {
      fault.times! -= 1;
      if (fault.times! <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
      if (fault.after) this.answer(method, url, body, req);
      if (fault.status === 'drop') {
        req.socket.destroy();
        return;
      }
      if (fault.status === 'hang') {
        this.hanging.add(res);
        return;
      }
      send(res, {
        status: fault.status,
        body: fault.body ?? { message: `injected ${fault.status}` },
        headers: fault.headers,
      });
      return;
    }
    if (this.readOnly && method !== 'GET') {
      send(res, { status: 403, body: { message: 'Resource not accessible by integration' } });
      return;
    }
    send(res, this.answer(method, url, body, req));
  }

  private answer(method: string, url: URL, body: unknown, req: IncomingMessage): Answer {
    return route(this, method, url, body, `http://${req.headers.host}`);
  }

  /** @internal */ id(): number {
    return this.nextId++;
  }
}

function route(fake: FakeGitHub, method: string, url: URL, body: unknown, origin: string): Answer {
  const p = url.pathname;
  const s = fake.state;
  const b = (body ?? {}) as Record<string, unknown>;
  const R = '^/repos/[^/]+/[^/]+';
  const match = (re: string) => new RegExp(`${R}${re}$`).exec(p);

  const canned = s.responses.get(p);
  if (method === 'GET' && canned) return { status: canned.status, body: canned.body };

  if (method === 'GET' && p === '/user') {
    return s.tokenUser.type === 'User'
      ? { status: 200, body: { login: s.tokenUser.login, type: 'User' } }
      : { status: 403, body: { message: 'Resource not accessible by integration' } };
  }
  if (method === 'GET' && match('/pulls/\\d+/files'))
    return page(url, s.files.slice(0, MAX_LISTED_FILES), origin);
  if (method === 'GET' && match('/pulls/\\d+/comments')) return page(url, s.reviewComments, origin);
  if (method === 'GET' && match('/issues/\\d+/comments')) return page(url, s.issueComments, origin);
  if (method === 'GET' && match('/pulls/\\d+/reviews')) {
    return page(
      url,
      s.reviews.map((r) => ({
        id: r.id,
        user: r.user,
        state: r.state,
        commit_id: r.commit_id,
        body: r.body,
      })),
      origin,
    );
  }
  const permission = match('/collaborators/([^/]+)/permission');
  if (method === 'GET' && permission) {
    const login = decodeURIComponent(permission[1]!);
    const role = s.roles.get(login);
    if (!role) return { status: 404, body: { message: `${login} is not a user` } };
    const legacy = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
    return { status: 200, body: { permission: legacy, role_name: role, user: { login, type: 'User' } } };
  }
  if (method === 'GET' && match('/actions/artifacts')) {
    const name = url.searchParams.get('name');
    const listed = s.artifacts
      .filter((a) => !name || a.name === name)
      .sort((a, b) => b.created_at.localeCompare(a.created_at))
      .map(({ zip: _zip, ...a }) => a);
    return { status: 200, body: { total_count: listed.length, artifacts: listed.slice(0, 100) } };
  }
  const runById = match('/actions/runs/(\\d+)');
  if (method === 'GET' && runById) {
    const run = s.runs.get(Number(runById[1]));
    return run ? { status: 200, body: run } : { status: 404, body: { message: 'Not Found' } };
  }
  const archive = match('/actions/artifacts/(\\d+)/zip');
  if (method === 'GET' && archive) {
    const a = s.artifacts.find((x) => x.id === Number(archive[1]));
    if (!a) return { status: 404, body: { message: 'Not Found' } };
    if (a.expired) return { status: 410, body: { message: 'Artifact has expired' } };
    // As GitHub: a redirect to a signed URL of another host's storage.
    return {
      status: 302,
      headers: { location: `${origin}/storage/artifacts/${a.id}.zip?${STORAGE_SIGNATURE}` },
    };
  }
  const stored = /^\/storage\/artifacts\/(\d+)\.zip$/.exec(p);
  if (method === 'GET' && stored) {
    const a = s.artifacts.find((x) => x.id === Number(stored[1]));
    if (!a || url.search !== `?${STORAGE_SIGNATURE}`)
      return { status: 403, body: { message: 'bad signature' } };
    return { status: 200, raw: a.zip, headers: { 'content-type': 'application/zip' } };
  }
  const tree = match('/git/trees/([0-9a-f]+)');
  if (method === 'GET' && tree) {
    const files = s.commits.get(tree[1]!);
    if (!files) return { status: 404, body: { message: 'Not Found' } };
    return { status: 200, body: { sha: tree[1], tree: treeEntries(files), truncated: false } };
  }
  const blob = match('/git/blobs/([0-9a-f]+)');
  if (method === 'GET' && blob) {
    for (const files of s.commits.values()) {
      for (const content of Object.values(files)) {
        if (blobSha(content) !== blob[1]) continue;
        const size = Buffer.byteLength(content);
        return {
          status: 200,
          body: { sha: blob[1], size, encoding: 'base64', content: Buffer.from(content).toString('base64') },
        };
      }
    }
    return { status: 404, body: { message: 'Not Found' } };
  }

  if (method === 'POST' && match('/issues/\\d+/comments')) {
    const text = String(b.body ?? '');
    if (text.length > 65_536)
      return { status: 422, body: { message: 'Body is too long (maximum is 65536 characters)' } };
    const c: FakeComment = { id: fake.id(), body: text, user: s.tokenUser };
    s.issueComments.push(c);
    return { status: 201, body: c };
  }
  const commentEdit = match('/(issues|pulls)/comments/(\\d+)');
  if (commentEdit && (method === 'PATCH' || method === 'DELETE')) {
    const list = commentEdit[1] === 'issues' ? s.issueComments : s.reviewComments;
    const c = list.find((x) => x.id === Number(commentEdit[2]));
    if (!c) return { status: 404, body: { message: 'Not Found' } };
    if (method === 'DELETE') {
      list.splice(list.indexOf(c), 1);
      return { status: 204 };
    }
    const text = String(b.body ?? '');
    if (text.length > 65_536)
      return { status: 422, body: { message: 'Body is too long (maximum is 65536 characters)' } };
    c.body = text;
    return { status: 200, body: c };
  }
  if (method === 'POST' && match('/pulls/\\d+/reviews')) {
    const comments = (b.comments ?? []) as { path: string; line: number; side?: string; body: string }[];
    for (const c of comments) {
      if (c.side !== 'RIGHT' || !rightSideLines(s.files, c.path).has(c.line)) {
        return {
          status: 422,
          body: {
            message: 'Unprocessable Entity',
            errors: [`Line could not be resolved: ${c.path}:${c.line}`],
          },
        };
      }
    }
    const review: FakeReview = {
      id: fake.id(),
      commit_id: String(b.commit_id),
      body: String(b.body ?? ''),
      comments,
      user: s.tokenUser,
      state: 'COMMENTED',
    };
    s.reviews.push(review);
    for (const c of comments) {
      s.reviewComments.push({
        id: fake.id(),
        body: c.body,
        user: s.tokenUser,
        path: c.path,
        line: c.line,
        commit_id: review.commit_id,
      });
    }
    return { status: 200, body: { id: review.id, state: 'COMMENTED' } };
  }
  if (method === 'POST' && match('/check-runs')) {
    const problem = checkOutput(b.output);
    if (problem) return { status: 422, body: { message: problem } };
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
    if (typeof b.external_id === 'string') run.external_id = b.external_id;
    s.checkRuns.push(run);
    return { status: 201, body: { id: run.id } };
  }
  const commitRuns = match('/commits/([0-9a-f]+)/check-runs');
  if (method === 'GET' && commitRuns) {
    const name = url.searchParams.get('check_name');
    const runs = s.checkRuns.filter((r) => r.head_sha === commitRuns[1] && (!name || r.name === name));
    return { status: 200, body: { total_count: runs.length, check_runs: runs.map(publicCheckRun) } };
  }
  const checkRunEdit = match('/check-runs/(\\d+)');
  if (checkRunEdit && (method === 'PATCH' || method === 'GET')) {
    const run = s.checkRuns.find((r) => r.id === Number(checkRunEdit[1]));
    if (!run) return { status: 404, body: { message: 'Not Found' } };
    if (method === 'GET') return { status: 200, body: publicCheckRun(run) };
    const problem = checkOutput(b.output);
    if (problem) return { status: 422, body: { message: problem } };
    const output = (b.output ?? {}) as FakeCheckRun['output'] & { annotations?: unknown[] };
    run.annotations.push(...(output.annotations ?? []));
    if (b.status) run.status = String(b.status);
    if (b.conclusion) run.conclusion = String(b.conclusion);
    return { status: 200, body: { id: run.id } };
  }
  return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
}

/** A check run as the API returns it: the annotations only counted. */
function publicCheckRun(run: FakeCheckRun) {
  return {
    id: run.id,
    name: run.name,
    head_sha: run.head_sha,
    status: run.status,
    conclusion: run.conclusion ?? null,
    external_id: run.external_id ?? '',
    output: {
      title: run.output.title,
      summary: run.output.summary,
      annotations_count: run.annotations.length,
    },
  };
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

/** Git's object id of a blob with this content. */
export function blobSha(content: string): string {
  const bytes = Buffer.from(content);
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** A recursive tree listing: every directory and every file, sorted, as `git/trees?recursive=1`. */
function treeEntries(files: Record<string, string>) {
  const dirs = new Set<string>();
  for (const file of Object.keys(files)) {
    const parts = file.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const entries: { path: string; mode: string; type: string; sha: string; size?: number }[] = [];
  for (const dir of dirs) entries.push({ path: dir, mode: '040000', type: 'tree', sha: '0'.repeat(40) });
  for (const [file, content] of Object.entries(files)) {
    entries.push({
      path: file,
      mode: '100644',
      type: 'blob',
      sha: blobSha(content),
      size: Buffer.byteLength(content),
    });
  }
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
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
function page(url: URL, items: unknown[], origin: string): Answer {
  const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
  const n = Math.max(1, Number(url.searchParams.get('page') ?? 1));
  const headers: Record<string, string> = {};
  if (n * perPage < items.length) {
    const next = new URL(url.href);
    next.searchParams.set('page', String(n + 1));
    headers.link = `<${origin}${next.pathname}${next.search}>; rel="next"`;
  }
  return { status: 200, body: items.slice((n - 1) * perPage, n * perPage), headers };
}

function send(res: ServerResponse, answer: Answer): void {
  const { status, body, headers = {} } = answer;
  if (answer.raw) {
    res.writeHead(status, { 'content-length': String(answer.raw.length), ...headers });
    res.end(answer.raw);
    return;
  }
  const text = status === 204 || body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'x-ratelimit-limit': '1000',
    'x-ratelimit-remaining': '999',
    ...headers,
  });
  res.end(text);
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
