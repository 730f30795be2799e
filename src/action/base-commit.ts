/**
 * The pull request's base commit as files, for what must be judged by the base rather than by the
 * change: the policy (config, declarations, custom rules), the workflow that runs the gate, and the
 * base version of files whose inline ignores may be new. From git objects when the checkout has the
 * commit; else (a shallow checkout) from the GitHub API's git database: one request for the commit's
 * tree, then one per file actually needed. Either way a synchronous {@link TreeReader}, as the engine
 * reads policy, over files fetched ahead.
 */
import { DEFAULT_CONFIG_FILES, readConfig } from '../core/config.js';
import { DEFAULT_CONTROLS_FILE } from '../core/declarations/model.js';
import { GitRepository, MAX_BLOB_BYTES } from '../core/git.js';
import { base64Content } from '../core/github-api.js';
import { gitTree, isRelative, type TreeFile, type TreeReader } from '../core/policy/tree.js';
import { type ApiClient, ApiError } from './github.js';

/** Most files read through the API for one run (policy files, rule files, files with ignores). */
const MAX_API_FILES = 200;

/** The base commit, readable from the repository's top and from the checked root. */
export interface BaseCommit {
  /** `git` when the checkout has the commit, `api` when it was read through the API. */
  source: 'git' | 'api';
  commit: string;
  /** Paths from the top of the repository. */
  top: TreeReader;
  /** Paths from the checked root (what the engine's policy reader expects). */
  root: TreeReader;
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

/** A commit's tree listed once through the API, and the blobs read so far. */
class ApiTree {
  private readonly blobs = new Map<string, TreeFile>();
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
    if (++this.fetched > MAX_API_FILES)
      throw new ApiError(`more than ${MAX_API_FILES} policy files to read`, 0);
    const { data } = await this.client.request<{ content?: unknown; encoding?: unknown }>(
      'GET /repos/{owner}/{repo}/git/blobs/{file_sha}',
      { file_sha: entry.sha },
    );
    const text = base64Content(data);
    if (text === undefined) throw new ApiError(`the blob of ${path} came without its content`, 0);
    this.blobs.set(path, { kind: 'text', text });
  }
}
