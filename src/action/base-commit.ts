/**
 * The pull request's base commit as files, for what must be judged by the base rather than by the
 * change: the policy (config, declarations, custom rules), the workflow that runs the gate, and the
 * base version of files whose inline ignores may be new. From git objects when the checkout has the
 * commit; else (a shallow checkout) from the GitHub API's git database: one request for the commit's
 * tree, then one per file actually needed. Either way a synchronous {@link TreeReader}, as the engine
 * reads policy, over files fetched ahead.
 */
import type { FetchedBlob } from '../core/base-tree.js';
import { DEFAULT_CONFIG_FILES, readConfig } from '../core/config.js';
import { DEFAULT_CONTROLS_FILE } from '../core/declarations/model.js';
import { GitRepository, MAX_BLOB_BYTES } from '../core/git.js';
import { gitTree, isRelative, type TreeFile, type TreeReader } from '../core/policy/tree.js';
import { type ApiClient, ApiError } from './github.js';

/** Most files read through the API for one run (policy files, rule files, files with ignores). */
const MAX_API_FILES = 200;
/**
 * Most changed files whose base version is read through the API to tell new findings from existing
 * ones, a request each, apart from the policy's cap: a workflow's GITHUB_TOKEN may make 1,000
 * requests an hour in a repository, shared with every other run and the rest of this one. A change
 * beyond it is judged with the rest unread, which fails closed (see `fetchedBaseWorkspace`).
 */
export const MAX_BASE_FILES = 300;
/** Most bytes of those base versions in all (each comes base64-encoded in one answer, a third larger). */
export const MAX_BASE_BYTES = 32 * 1024 * 1024;
/** Base versions read at once. */
const BASE_READS_AT_ONCE = 4;

/** The base commit, readable from the repository's top and from the checked root. */
export interface BaseCommit {
  /** `git` when the checkout has the commit, `api` when it was read through the API. */
  source: 'git' | 'api';
  commit: string;
  /** Paths from the top of the repository. */
  top: TreeReader;
  /** Paths from the checked root (what the engine's policy reader expects). */
  root: TreeReader;
  /** Read through the API: reads the base versions of a change's files (see {@link ApiTree.readChanged}). */
  readChanged?: ApiTree['readChanged'];
}

/** What to read ahead from the API: the checked root's prefix and the files the run needs. */
export interface BaseCommitNeeds {
  /** The checked root's path from the top of the repository (`services/api/`, or empty). */
  prefix: string;
  /** The config file (input `config`), root-relative; undefined: the default locations. */
  configPath?: string;
  /** The declarations file (input `controls`), root-relative. */
  controlsPath?: string;
  /** Extra rule directories, root-relative (those outside the root are not the repository's). */
  ruleDirs: string[];
  /** Further files by their path from the top (the workflow that runs the gate). */
  topFiles: string[];
  /**
   * Further files by their path from the root (changed files that hold an inline ignore). Asked only
   * when the base is read through the API: finding them reads every changed file, which git needs not.
   */
  rootFiles: () => readonly string[];
}

/**
 * The base commit through git when the checkout has it, else through the API (when there is a
 * client); undefined when neither can read it. An API failure other than "no such commit" is
 * reported in `problem`, for the run's notes.
 */
export async function readBaseCommit(options: {
  workspace: string;
  root: string;
  commit: string;
  client?: ApiClient;
  needs: BaseCommitNeeds;
}): Promise<{ base?: BaseCommit; problem?: string }> {
  const repo = GitRepository.open(options.workspace);
  const resolved = repo?.resolveCommit(options.commit);
  if (repo && resolved) {
    const top = gitTree(repo, resolved);
    const rootRepo = GitRepository.open(options.root);
    return {
      base: { source: 'git', commit: resolved, top, root: rootRepo ? gitTree(rootRepo, resolved) : top },
    };
  }
  if (!options.client) return { problem: 'no token was given to read it through the API' };
  try {
    const tree = await ApiTree.open(options.client, options.commit);
    if (!tree) return { problem: `the API does not know the commit ${options.commit}` };
    await tree.preload(options.needs);
    return {
      base: {
        source: 'api',
        commit: options.commit,
        top: tree.view(''),
        root: tree.view(options.needs.prefix),
        readChanged: (paths, bounds) => tree.readChanged(paths, bounds),
      },
    };
  } catch (err) {
    const status = err instanceof ApiError && err.status > 0 ? `HTTP ${err.status}: ` : '';
    return { problem: `the API did not give it (${status}${(err as Error).message})` };
  }
}

interface TreeEntry {
  mode: string;
  type: string;
  sha: string;
  size: number;
}

/** The base versions of a change's files, read through the API (paths from the top). */
export interface ChangedBase {
  /** Each file read: its bytes, or a symbolic link's target. */
  blobs: Map<string, FetchedBlob>;
  /** Files the commit has that were not read. */
  unread: Set<string>;
  /** Why some were not read. */
  reason?: string;
  /** Requests made. */
  requests: number;
}

/** A commit's tree listed once through the API, and the blobs read so far. */
class ApiTree {
  private readonly blobs = new Map<string, TreeFile>();
  /** Every blob's bytes read so far, by path: a file the policy and the change both need is read once. */
  private readonly raw = new Map<string, Buffer>();
  private fetched = 0;

  private constructor(
    private readonly client: ApiClient,
    private readonly commit: string,
    private readonly entries: ReadonlyMap<string, TreeEntry>,
  ) {}

  /** Lists the commit's tree (`git/trees/{sha}?recursive=1`); undefined when the API has no such commit. */
  static async open(client: ApiClient, commit: string): Promise<ApiTree | undefined> {
    let data: { tree?: unknown; truncated?: unknown };
    try {
      ({ data } = await client.request<{ tree?: unknown; truncated?: unknown }>(
        'GET /repos/{owner}/{repo}/git/trees/{tree_sha}',
        { tree_sha: commit, recursive: '1' },
      ));
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 422)) return undefined;
      throw err;
    }
    // A listing GitHub cut short could hide a policy file: reading it as absent would be reading
    // the base wrong, so such a base is not read at all (the run then fails closed).
    if (data.truncated === true) throw new ApiError('the commit tree is too large to list', 0);
    const entries = new Map<string, TreeEntry>();
    for (const e of Array.isArray(data.tree) ? data.tree : []) {
      const x = e as Record<string, unknown>;
      if (typeof x.path !== 'string' || typeof x.sha !== 'string') continue;
      entries.set(x.path, {
        mode: String(x.mode ?? ''),
        type: String(x.type ?? ''),
        sha: x.sha,
        size: Number(x.size ?? 0),
      });
    }
    return new ApiTree(client, commit, entries);
  }

  /** Reads ahead what the run needs: config, then (from it) declarations and rule files, then the rest. */
  async preload(needs: BaseCommitNeeds): Promise<void> {
    const root = this.view(needs.prefix);
    const configs = needs.configPath ? [needs.configPath] : DEFAULT_CONFIG_FILES;
    for (const f of configs) await this.fetch(needs.prefix + f.replace(/^\.\//, ''));
    // The base config names the declarations file and the rule directories; a broken one is the
    // engine's to report, from the same files.
    let config: ReturnType<typeof readConfig> | undefined;
    try {
      config = readConfig(root, needs.configPath, { required: false });
    } catch {
      config = undefined;
    }
    const controls = needs.controlsPath ?? config?.controls ?? DEFAULT_CONTROLS_FILE;
    await this.fetch(needs.prefix + controls.replace(/^\.\//, ''));
    for (const dir of [...(config?.ruleDirs ?? []), ...needs.ruleDirs]) {
      for (const f of root.list(dir)) if (/\.ya?ml$/.test(f)) await this.fetch(needs.prefix + f);
    }
    for (const f of needs.topFiles) {
      if (this.entries.has(f)) await this.fetch(f);
      else {
        // Not in the base: its siblings tell what the change replaces (a renamed workflow).
        const dir = f.includes('/') ? f.slice(0, f.lastIndexOf('/') + 1) : '';
        for (const p of this.entries.keys()) {
          if (p.startsWith(dir) && !p.slice(dir.length).includes('/') && /\.ya?ml$/.test(p))
            await this.fetch(p);
        }
      }
    }
    for (const f of needs.rootFiles()) await this.fetch(needs.prefix + f);
  }

  /** A reader of the paths under `prefix`, relative to it. */
  view(prefix: string): TreeReader {
    return {
      label: `base commit ${this.commit.slice(0, 12)} (read through the GitHub API)`,
      read: (file, maxBytes = MAX_BLOB_BYTES) => {
        if (!isRelative(file)) return { kind: 'missing' };
        const entry = this.entries.get(prefix + file);
        if (!entry) return { kind: 'missing' };
        if (entry.type !== 'blob' || entry.mode === '120000') return { kind: 'not-a-file' };
        if (entry.size > maxBytes) return { kind: 'too-large', size: entry.size };
        // Not read ahead: treated as absent, which errs towards "the change adds it".
        return this.blobs.get(prefix + file) ?? { kind: 'missing' };
      },
      list: (dir) => {
        const base = dir.replace(/^\.\/?/, '').replace(/\/+$/, '');
        if (base !== '' && !isRelative(base)) return [];
        const start = `${prefix}${base ? `${base}/` : ''}`;
        const out: string[] = [];
        for (const [p, e] of this.entries) {
          if (p.startsWith(start) && e.type === 'blob' && e.mode !== '120000')
            out.push(p.slice(prefix.length));
        }
        return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      },
    };
  }

  private async fetch(path: string): Promise<void> {
    const entry = this.entries.get(path);
    if (entry?.type !== 'blob' || entry.mode === '120000' || this.blobs.has(path)) return;
    if (entry.size > MAX_BLOB_BYTES) return;
    if (!this.raw.has(path) && ++this.fetched > MAX_API_FILES)
      throw new ApiError(`more than ${MAX_API_FILES} policy files to read`, 0);
    const bytes = await this.bytes(path, entry);
    let text = bytes.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    this.blobs.set(path, { kind: 'text', text });
  }

  /** A blob's bytes (`git/blobs/{sha}`), read once per path. */
  private async bytes(path: string, entry: TreeEntry): Promise<Buffer> {
    const known = this.raw.get(path);
    if (known) return known;
    const { data } = await this.client.request<{ content?: unknown; encoding?: unknown }>(
      'GET /repos/{owner}/{repo}/git/blobs/{file_sha}',
      { file_sha: entry.sha },
    );
    const bytes = base64Bytes(data);
    if (bytes === undefined) throw new ApiError(`the blob of ${path} came without its content`, 0);
    this.raw.set(path, bytes);
    return bytes;
  }

  /**
   * Reads the base versions of a change's files (paths from the top), for the base tree that tells
   * new findings from existing ones: one request per file, within `maxFiles` files and `maxBytes`
   * bytes (the tree listing gives each size), `first` files first. A path the commit lacks is left
   * out (the change adds it); one it has but that was not read (over a bound, larger than a file is
   * read, or the API refused) is in `unread`, and the judgement fails closed for it. Never throws.
   */
  async readChanged(
    paths: readonly string[],
    bounds: { maxFiles?: number; maxBytes?: number; maxFileBytes?: number } = {},
  ): Promise<ChangedBase> {
    const maxFiles = bounds.maxFiles ?? MAX_BASE_FILES;
    const maxBytes = bounds.maxBytes ?? MAX_BASE_BYTES;
    const maxFileBytes = bounds.maxFileBytes ?? MAX_BLOB_BYTES;
    const out: ChangedBase = { blobs: new Map(), unread: new Set(), requests: 0 };
    const reasons = new Set<string>();
    const queue: { path: string; entry: TreeEntry }[] = [];
    let files = 0;
    let bytes = 0;
    for (const p of new Set(paths)) {
      const entry = this.entries.get(p);
      // Not a file of the commit (absent, a directory, a submodule): nothing to read.
      if (entry?.type !== 'blob') continue;
      if (entry.mode !== '120000' && entry.size > maxFileBytes) {
        out.unread.add(p);
        reasons.add(`larger than ${mebibytes(maxFileBytes)}`);
      } else if (!this.raw.has(p) && (files + 1 > maxFiles || bytes + entry.size > maxBytes)) {
        out.unread.add(p);
        reasons.add(`over the bound of ${maxFiles} files and ${mebibytes(maxBytes)} read through the API`);
      } else {
        if (!this.raw.has(p)) {
          files += 1;
          bytes += entry.size;
        }
        queue.push({ path: p, entry });
      }
    }
    const work = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const { path, entry } = next;
        try {
          if (!this.raw.has(path)) out.requests += 1;
          const content = await this.bytes(path, entry);
          out.blobs.set(
            path,
            entry.mode === '120000'
              ? { kind: 'symlink', target: content.toString('utf8') }
              : { kind: 'file', bytes: content },
          );
        } catch (err) {
          out.unread.add(path);
          const status = err instanceof ApiError && err.status > 0 ? `HTTP ${err.status}: ` : '';
          reasons.add(`the API did not give it (${status}${(err as Error).message})`);
        }
      }
    };
    await Promise.all(Array.from({ length: BASE_READS_AT_ONCE }, work));
    if (reasons.size > 0) out.reason = [...reasons].join('; ');
    return out;
  }
}

/** The bytes of a blob answer (`content` in base64), or undefined. */
function base64Bytes(data: unknown): Buffer | undefined {
  const d = data as { content?: unknown; encoding?: unknown } | null | undefined;
  if (!d || typeof d.content !== 'string' || d.encoding !== 'base64') return undefined;
  return Buffer.from(d.content, 'base64');
}

function mebibytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
}
