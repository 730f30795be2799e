/**
 * Read-only access to a git repository: resolve a commit, list and read files of its tree. The one
 * place controlgate runs git, so every call goes through the same guards: `execFile` with an
 * argument array (never a shell), refs refused when they could be read as options, bounded output,
 * and no command that writes to the repository. Policy-from-base uses it today; evaluating the base
 * tree (new versus existing findings) will reuse it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { gitOutput } from './diff.js';
import { RENOVATE_FILES } from './evaluators/deps/update-config.js';
import type { Inheritance } from './workspace/workspace.js';

/** Most bytes read from one blob; policy files are small, and rule files are refused above 256 KiB. */
export const MAX_BLOB_BYTES = 1024 * 1024;
/** Most bytes of a listing (ls-tree, ls-files); a tree with more is refused rather than truncated. */
const MAX_LIST_BYTES = 64 * 1024 * 1024;
const TIMEOUT_MS = 30_000;
/** Most bytes of one directory's listing kept for later lookups; a larger one is asked path by path. */
const MAX_DIRECTORY_BYTES = 1024 * 1024;

/**
 * The repositories opened during one run (see {@link withGitSession}), by resolved directory: a run
 * asks the same questions (is this a work tree, which commit is checked out, which commit does a
 * ref name) from several phases, and the answers cannot change while it runs.
 */
const session = new AsyncLocalStorage<Map<string, GitRepository | undefined>>();

/**
 * Runs `fn` with one answer per directory to {@link GitRepository.open} and per ref to
 * {@link GitRepository.resolveCommit}, each asked of git once. Outside a session every call asks
 * again (a long-lived process, such as a test suite, may change the repository between runs).
 * Nested sessions share the outer one.
 */
export function withGitSession<T>(fn: () => Promise<T>): Promise<T> {
  return session.getStore() ? fn() : session.run(new Map(), fn);
}

/** An entry of a commit's tree, as `ls-tree -l` prints it. */
interface TreeEntry {
  mode: string;
  type: string;
  object: string;
  size: number;
}

/** A blob read from a commit: its text, or why it was not read. */
export type BlobResult =
  | { kind: 'text'; text: string }
  | { kind: 'missing' }
  | { kind: 'too-large'; size: number }
  | { kind: 'not-a-file' };

/** A git work tree (or a directory inside one) at `dir`. */
export class GitRepository {
  /** The directory's path from the top of the work tree, with a trailing `/` (or empty). */
  readonly prefix: string;

  /** Commits resolved in this session, by ref; undefined outside a session (nothing is kept). */
  private readonly commits: Map<string, string | undefined> | undefined;
  /**
   * Directories of commits listed once, by `commit:directory`: the entries by full path, or
   * undefined when the listing was over its bound. Object ids name immutable trees, so the answers
   * hold for the life of the object.
   */
  private readonly directories = new Map<string, ReadonlyMap<string, TreeEntry> | undefined>();
  /** Blob texts by object id, and recursive listings by `commit:path`: read once (the policy reads its files twice). */
  private readonly blobs = new Map<string, string>();
  private readonly listings = new Map<string, readonly string[]>();

  private constructor(
    readonly dir: string,
    prefix: string,
    /** The commit checked out when the repository was opened; undefined: no commit yet. */
    private readonly checkedOut: string | undefined,
    inSession: boolean,
  ) {
    this.prefix = prefix;
    this.commits = inSession ? new Map() : undefined;
  }

  /**
   * The repository that contains `dir`, or undefined when git is unavailable or `dir` is not in one.
   * Within {@link withGitSession}, the same object for the same directory.
   */
  static open(dir: string): GitRepository | undefined {
    const opened = session.getStore();
    if (!opened) return GitRepository.openNow(dir, false);
    const key = path.resolve(dir);
    if (!opened.has(key)) opened.set(key, GitRepository.openNow(dir, true));
    return opened.get(key);
  }

  private static openNow(dir: string, inSession: boolean): GitRepository | undefined {
    // git finds a repository through GIT_DIR or a `.git` (directory or file) in `dir` or an ancestor;
    // without either it would only say no, so it is not started.
    if (process.env.GIT_DIR === undefined && !hasGitAncestor(dir)) return undefined;
    // One process: "true" (or "false" inside .git), the prefix (empty at the top), then the commit
    // checked out; without a commit yet git prints the first two and exits 1.
    const out = run(
      dir,
      ['rev-parse', '--is-inside-work-tree', '--show-prefix', '--verify', '--quiet', 'HEAD^{commit}'],
      {
        acceptStatus: 1,
      },
    );
    const [inside, prefix = '', head = ''] = (out ?? '').toString().split('\n');
    if (inside?.trim() !== 'true') return undefined;
    return new GitRepository(
      dir,
      prefix.trim(),
      isFullCommitId(head.trim()) ? head.trim() : undefined,
      inSession,
    );
  }

  /** The full commit id a ref (sha, branch, tag, `HEAD~1`) names, or undefined. */
  resolveCommit(ref: string): string | undefined {
    if (!isSafeRef(ref)) return undefined;
    if (this.commits?.has(ref)) return this.commits.get(ref);
    const out = run(this.dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
    const text = out?.toString().trim();
    const sha = text && isFullCommitId(text) ? text : undefined;
    this.commits?.set(ref, sha);
    return sha;
  }

  /**
   * Records full commit ids git has just shown to be commits of this repository (the arguments and
   * the answer of a `merge-base`), so that {@link resolveCommit} need not ask again in this session.
   */
  knowCommits(ids: readonly string[]): void {
    for (const id of ids) if (isFullCommitId(id)) this.commits?.set(id, id);
  }

  /** The commit checked out when the repository was opened, or undefined (no commit yet). */
  head(): string | undefined {
    return this.checkedOut;
  }

  /**
   * The default branch as the remote reports it (`origin/HEAD`), else undefined. CI checkouts often
   * lack it; callers that know the branch (the Action reads it from the event) pass it instead.
   */
  defaultBranch(): string | undefined {
    const out = run(this.dir, ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']);
    const name = out?.toString().trim();
    return name ? name.replace(/^origin\//, '') : undefined;
  }

  /** The ref checked out (`refs/heads/main`), or undefined on a detached HEAD. */
  symbolicHead(): string | undefined {
    return run(this.dir, ['symbolic-ref', '--quiet', 'HEAD'])?.toString().trim() || undefined;
  }

  /** A remote's fetch URL as configured, or undefined. */
  remoteUrl(name: string): string | undefined {
    if (!/^[A-Za-z0-9._-]+$/.test(name)) return undefined;
    return (
      run(this.dir, ['config', '--get', `remote.${name}.url`])
        ?.toString()
        .trim() || undefined
    );
  }

  /**
   * Reads a file of a commit; `file` is relative to this directory (POSIX separators). Symbolic
   * links and submodules are reported as `not-a-file`: their target is never followed.
   */
  readFile(commit: string, file: string, maxBytes = MAX_BLOB_BYTES): BlobResult {
    if (!isSafePath(file)) return { kind: 'missing' };
    const entry = this.entry(commit, file);
    if (!entry) return { kind: 'missing' };
    if (entry.type !== 'blob' || entry.mode === '120000') return { kind: 'not-a-file' };
    if (entry.size > maxBytes) return { kind: 'too-large', size: entry.size };
    const known = this.blobs.get(entry.object);
    if (known !== undefined) return { kind: 'text', text: known };
    const out = run(this.dir, ['cat-file', 'blob', entry.object], { maxBuffer: maxBytes + 1 });
    if (!out) return { kind: 'missing' };
    let text = out.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    this.blobs.set(entry.object, text);
    return { kind: 'text', text };
  }

  /** Regular files under `dir` (relative to this directory) in a commit, recursively, sorted. */
  listFiles(commit: string, dir: string): string[] {
    const base = dir.replace(/^\.\/?/, '').replace(/\/+$/, '');
    if (base !== '' && !isSafePath(base)) return [];
    const spec = `${commit}:${this.prefix}${base}`;
    const listed = this.listings.get(spec);
    if (listed) return [...listed];
    const out = run(this.dir, ['ls-tree', '-r', '-z', '--full-tree', '--end-of-options', spec], {
      maxBuffer: MAX_LIST_BYTES,
    });
    if (!out) return [];
    const files: string[] = [];
    for (const record of out.toString('utf8').split('\0')) {
      const m = /^(\d+) (\w+) [0-9a-f]+\t(.+)$/s.exec(record);
      if (m?.[2] !== 'blob' || m[1] === '120000') continue;
      files.push(base ? `${base}/${m[3]}` : m[3]!);
    }
    files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // A full commit id names one tree forever; another ref may move.
    if (isFullCommitId(commit)) this.listings.set(spec, [...files]);
    return files;
  }

  /**
   * The tree entry at `file` in a commit. A commit named by its full id has its directory listed
   * once (one `ls-tree` answers every lookup in it: the policy tries several candidate names side
   * by side); a directory whose listing is over its bound, or another ref, is asked path by path.
   */
  private entry(commit: string, file: string): TreeEntry | undefined {
    const full = `${this.prefix}${file}`;
    if (isFullCommitId(commit)) {
      const slash = full.lastIndexOf('/');
      const entries = this.directory(commit, slash < 0 ? '' : full.slice(0, slash));
      if (entries) return entries.get(full);
    }
    const out = run(this.dir, ['ls-tree', '-l', '-z', '--full-tree', '--end-of-options', commit, '--', full]);
    const record = out?.toString('utf8').split('\0')[0];
    const m = record ? TREE_ENTRY.exec(record) : null;
    if (!m || m[5] !== full) return undefined;
    return treeEntry(m);
  }

  /**
   * The entries directly under `dir` (from the top; empty: the top) of a commit, by full path. A
   * folder's policy is at its top and in its `.github` folder (configuration, declarations), so one
   * `ls-tree` lists both: each record is kept in the listing of the folder it sits in (`-t` also
   * names the trees on the way down, which sit higher).
   */
  private directory(commit: string, dir: string): ReadonlyMap<string, TreeEntry> | undefined {
    const key = `${commit}:${dir}`;
    if (this.directories.has(key)) return this.directories.get(key);
    const beside = dir === '' ? '.github' : `${dir}/.github`;
    const dirs = this.directories.has(`${commit}:${beside}`) ? [dir] : [dir, beside];
    // Literal pathspecs: a directory named with `*` or `[` lists itself, never what the pattern matches;
    // from the top of the tree (`--full-tree`), `./` is the top.
    const out = run(
      this.dir,
      [
        '--literal-pathspecs',
        'ls-tree',
        '-t',
        '-l',
        '-z',
        '--full-tree',
        '--end-of-options',
        commit,
        '--',
        ...dirs.map((d) => (d === '' ? './' : `${d}/`)),
      ],
      { maxBuffer: MAX_DIRECTORY_BYTES },
    );
    const listings = new Map(dirs.map((d) => [d, out ? new Map<string, TreeEntry>() : undefined]));
    if (out) {
      for (const record of out.toString('utf8').split('\0')) {
        const m = TREE_ENTRY.exec(record);
        if (!m) continue;
        const slash = m[5]!.lastIndexOf('/');
        listings.get(slash < 0 ? '' : m[5]!.slice(0, slash))?.set(m[5]!, treeEntry(m));
      }
    }
    for (const [d, entries] of listings) this.directories.set(`${commit}:${d}`, entries);
    return listings.get(dir);
  }
}

/** `<mode> <type> <object> <size>\t<path>`, one record of `ls-tree -l -z`. */
const TREE_ENTRY = /^(\d+) (\w+) ([0-9a-f]+) +(-|\d+)\t(.+)$/s;

function treeEntry(m: RegExpExecArray): TreeEntry {
  return { mode: m[1]!, type: m[2]!, object: m[3]!, size: m[4] === '-' ? 0 : Number(m[4]) };
}

function isDirectory(p: string): boolean {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

function hasGitAncestor(dir: string): boolean {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) return true;
    if (path.dirname(d) === d) return false;
  }
}

/** A ref that git cannot mistake for an option or a path with special syntax. */
function isSafeRef(ref: string): boolean {
  return /^[A-Za-z0-9._/~^@{}-]+$/.test(ref) && !ref.startsWith('-') && ref.length <= 256;
}

/** A relative path inside the tree: no absolute path, no `..`, no NUL. */
function isSafePath(file: string): boolean {
  return file !== '' && !file.startsWith('/') && !file.includes('\0') && !file.split('/').includes('..');
}

/** A full commit id (SHA-1 or SHA-256), as `rev-parse --verify` prints it. */
function isFullCommitId(text: string): boolean {
  return /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(text);
}

/**
 * Runs git read-only; undefined when it fails, times out or exceeds the output bound, except for an
 * exit status of `acceptStatus`, whose output is still wanted.
 */
function run(
  cwd: string,
  args: string[],
  { maxBuffer = 1024 * 1024, acceptStatus }: { maxBuffer?: number; acceptStatus?: number } = {},
): Buffer | undefined {
  try {
    return execFileSync('git', ['-c', 'core.quotepath=off', ...args], {
      cwd,
      maxBuffer,
      timeout: TIMEOUT_MS,
      stdio: ['ignore', 'pipe', 'ignore'],
      // Reads only: never prompt for credentials, never take the index lock another git may need.
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
    });
  } catch (err) {
    const failed = err as { status?: number | null; stdout?: Buffer };
    return acceptStatus !== undefined && failed.status === acceptStatus ? failed.stdout : undefined;
  }
}

/**
 * Where GitHub and git look for repository-level files, from the top of the repository: code owners,
 * the security policy, workflows and Dependabot (all of `.github/`), Renovate, the top `.gitignore`.
 */
const REPOSITORY_LEVEL = [
  '.github',
  'CODEOWNERS',
  'docs/CODEOWNERS',
  ':(icase)SECURITY',
  ':(icase)SECURITY.*',
  ':(icase)docs/SECURITY',
  ':(icase)docs/SECURITY.*',
  '.gitignore',
  // Renovate's own list, less the files in `.github/` (listed above as a whole).
  ...RENOVATE_FILES.filter((f) => !f.startsWith('.github/')),
];

/**
 * The repository-level files that a folder of the repository (`prefix` from the top, as
 * {@link GitRepository.prefix}) inherits: tracked, and outside the folder. A folder with a `.github/`
 * of its own is laid out as a repository of its own (an example, a fixture, a template, a project
 * to be split off; GitHub itself only reads the top one): it inherits nothing.
 */
export async function repositoryFiles(root: string, prefix: string): Promise<Inheritance | undefined> {
  if (isDirectory(path.join(root, '.github'))) return undefined;
  const up = prefix
    .split('/')
    .filter(Boolean)
    .map(() => '..');
  const top = path.resolve(root, ...up);
  const out = await gitOutput(top, ['ls-files', '-z', '--', ...REPOSITORY_LEVEL]);
  const files = (out?.toString('utf8').split('\0') ?? []).filter((f) => f !== '' && !f.startsWith(prefix));
  return files.length > 0 ? { root: top, files } : undefined;
}

/** The untracked, non-ignored files of a work tree (what `git status` shows as `??`). */
export async function untrackedFiles(root: string): Promise<string[]> {
  const out = await gitOutput(root, ['ls-files', '-z', '--others', '--exclude-standard']);
  return (out?.toString('utf8').split('\0') ?? []).filter((f) => f !== '' && !f.endsWith('/'));
}

/**
 * A path under `root` where the work tree is not the commit checked out (modified, staged, deleted or
 * untracked and not ignored), or undefined when it is; null when git cannot tell.
 */
export async function worktreeChange(root: string): Promise<string | undefined | null> {
  const out = await gitOutput(root, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', '.']);
  if (out === undefined) return null;
  const first = out.toString('utf8').split('\0')[0] ?? '';
  return first === '' ? undefined : first.slice(3);
}
