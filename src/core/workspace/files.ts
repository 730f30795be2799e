import { execFile, execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Ignore } from 'ignore';
import { vendored } from '../vendored.js';
import { type GitIndex, gitIndex } from './git-index.js';

/** Directories never indexed: VCS metadata only. Everything else follows .gitignore. */
const ALWAYS_SKIPPED = new Set(['.git']);

/** Hard stop for non-git walks, so a hostile tree cannot make the index unbounded. */
const MAX_WALK_ENTRIES = 500_000;

export interface FileIndexResult {
  files: string[];
  source: 'git' | 'walk';
  /**
   * The listed paths that are symbolic links, sorted: from the index's modes (120000) or the walk's
   * entry types, no file stat'ed for it. Untracked links git lists are not among them.
   */
  links?: string[];
  /**
   * With {@link ListOptions.blobs}, from git: each tracked file's `<mode> <object id>` in the index,
   * and the tracked files whose working-tree content differs from it (git's stat check).
   */
  blobs?: { ids: Map<string, string>; modified: Set<string> };
}

/** What to list besides git's index in a git work tree. */
export interface ListOptions {
  /** Untracked, non-ignored files too (default true); false lists what git tracks only. */
  untracked?: boolean;
  /**
   * Leave out index entries deleted from the work tree (default true). A caller that learns the
   * deletions from its own diff against the work tree passes false and saves a pass over the tree.
   */
  deleted?: boolean;
  /** Keep each tracked file's mode and object id, and which files the working tree modified (see {@link FileIndexResult.blobs}). */
  blobs?: boolean;
}

/**
 * Lists the files of a tree as sorted POSIX paths relative to `root`: git's index plus untracked,
 * non-ignored files when `root` is the top of a git work tree, else a walk honouring every
 * `.gitignore` on the way. Symbolic links are listed but never followed.
 */
export function listFiles(root: string, options: ListOptions = {}): FileIndexResult {
  const index = gitIndex(root, options.blobs === true);
  const queries = gitQueries(root, options, index === undefined);
  let answers: [GitQuery, Buffer][] | undefined;
  try {
    answers = queries?.map(([kind, args]): [GitQuery, Buffer] => [kind, git(root, args)]);
  } catch {
    // Not a work tree git can read: walk it.
  }
  return indexed(root, answers, index);
}

/** {@link listFiles}, with git's queries run side by side (each is a pass over the tree). */
export async function listFilesAsync(root: string, options: ListOptions = {}): Promise<FileIndexResult> {
  const index = gitIndex(root, options.blobs === true);
  const queries = gitQueries(root, options, index === undefined);
  let answers: [GitQuery, Buffer][] | undefined;
  try {
    answers =
      queries &&
      (await Promise.all(
        queries.map(async ([kind, args]): Promise<[GitQuery, Buffer]> => [kind, await gitAsync(root, args)]),
      ));
  } catch {
    // Not a work tree git can read: walk it.
  }
  return indexed(root, answers, index);
}

/** The index from git's answers (and the index file read here), or from a walk when there are none. */
function indexed(
  root: string,
  answers: [GitQuery, Buffer][] | undefined,
  index: GitIndex | undefined,
): FileIndexResult {
  if (!answers) {
    const links: string[] = [];
    return { files: walk(root, links), source: 'walk', links: links.sort(compareStrings) };
  }
  const links = index?.links ?? [];
  const changed = answers.find(([k]) => k === 'changed')?.[1];
  if (!changed) return { files: fromGit(answers, index?.files, links), source: 'git', links };
  const ids = index?.ids ?? new Map<string, string>();
  const modified = new Set<string>();
  const files = fromGit(answers, index?.files, links, ids, modified);
  return { files, source: 'git', links, blobs: { ids, modified } };
}

type GitQuery = 'staged' | 'deleted' | 'changed' | 'others';

/**
 * What git is asked, when `root` has a `.git`: the index, tagged and staged (`<tag> <mode> <oid>
 * <stage>\t<path>`); the entries deleted from the work tree (diff-files stats them on several
 * threads; with `blobs`, the modified ones too); and the untracked, non-ignored files.
 */
function gitQueries(root: string, options: ListOptions, staged: boolean): [GitQuery, string[]][] | undefined {
  if (!existsSync(path.join(root, '.git'))) return undefined;
  const queries: [GitQuery, string[]][] = staged ? [['staged', ['ls-files', '-z', '-t', '--stage']]] : [];
  if (options.blobs) {
    // One stat pass tells the deleted files and the modified ones alike.
    queries.push(['changed', ['diff-files', '-z', '--name-status', '--no-renames']]);
  } else if (options.deleted ?? true) {
    queries.push(['deleted', ['diff-files', '-z', '--name-only', '--diff-filter=D', '--no-renames']]);
  }
  if (options.untracked ?? true)
    queries.push(['others', ['ls-files', '-z', '--others', '--exclude-standard']]);
  return queries;
}

/**
 * The file list from the answers to {@link gitQueries}. Submodules (mode 160000) are directories,
 * skip-worktree entries (tag S, a sparse checkout) are not in the tree, and a nested repository is
 * listed by `--others` as `dir/`: none of them is a file.
 */
function fromGit(
  answers: [GitQuery, Buffer][],
  index: string[] | undefined,
  links: string[],
  ids?: Map<string, string>,
  modified?: Set<string>,
): string[] {
  const answer = (kind: GitQuery) => answers.find(([k]) => k === kind)?.[1];
  const staged = answer('staged');
  let files = index ?? (staged ? stagedFiles(staged, links, ids) : []);
  const deleted = entries(answer('deleted'));
  // `--name-status -z`: a status, then its path; deleted entries leave the list, others are modified.
  const changed = entries(answer('changed'));
  for (let i = 0; i + 1 < changed.length; i += 2) {
    if (changed[i] === 'D') deleted.push(changed[i + 1]!);
    else modified?.add(changed[i + 1]!);
  }
  if (deleted.length > 0) {
    const gone = new Set(deleted);
    files = files.filter((f) => !gone.has(f));
  }
  const others = entries(answer('others')).filter((name) => !name.endsWith('/'));
  return others.length > 0 ? mergeSorted(files, others.sort(compareStrings)) : files;
}

const TAB = 0x09;
const S_TAG = 0x53;
/** Where the tab falls in `<tag> <mode> <oid> <stage>\t` with a SHA-1 object id (40 hex digits). */
const SHA1_TAB = 2 + 6 + 1 + 40 + 1 + 1;

/**
 * The paths of `ls-files -z -t --stage`, sorted, each once, in one pass over the bytes: no string
 * but the path is made per entry (the list is 100,000 entries and more). Git lists its index sorted
 * by the paths' bytes, the stages of a conflicted path one after the other: then the list is
 * already in {@link compareStrings} order and a repeat is the previous path. UTF-8 byte order and
 * UTF-16 code-unit order disagree only beyond U+FFFF; such a list is sorted here, as before.
 */
function stagedFiles(out: Buffer, links: string[], ids?: Map<string, string>): string[] {
  const files: string[] = [];
  let last = '';
  let sorted = true;
  let start = 0;
  while (start < out.length) {
    let end = out.indexOf(0, start);
    if (end < 0) end = out.length;
    // The tab is found where a SHA-1 repository puts it, else searched (SHA-256 object ids).
    const tab =
      start + SHA1_TAB < end && out[start + SHA1_TAB] === TAB ? start + SHA1_TAB : out.indexOf(TAB, start);
    if (end > start && tab >= 0 && tab < end && out[start] !== S_TAG && !isGitlink(out, start + 2)) {
      const name = out.toString('utf8', tab + 1, end);
      if (name !== last) {
        if (name < last) sorted = false;
        files.push(name);
        if (isSymlink(out, start + 2)) links.push(name);
        last = name;
        // `<mode> <oid>`, without the tag before it and the stage after it.
        ids?.set(name, out.toString('latin1', start + 2, tab - 2));
      } else ids?.delete(name); // A conflicted path: no one blob is its content.
    }
    start = end + 1;
  }
  if (!sorted) links.splice(0, links.length, ...[...new Set(links)].sort(compareStrings));
  return sorted ? files : [...new Set(files)].sort(compareStrings);
}

/** Whether the mode at `at` is 120000 (a symbolic link), read from the bytes. */
function isSymlink(out: Buffer, at: number): boolean {
  return out[at] === 0x31 && out[at + 1] === 0x32 && out[at + 2] === 0x30 && out[at + 3] === 0x30;
}

/** Whether the mode at `at` is 160000 (a submodule's commit), read from the bytes. */
function isGitlink(out: Buffer, at: number): boolean {
  return (
    out[at] === 0x31 &&
    out[at + 1] === 0x36 &&
    out[at + 2] === 0x30 &&
    out[at + 3] === 0x30 &&
    out[at + 4] === 0x30 &&
    out[at + 5] === 0x30
  );
}

/** Two sorted lists as one, sorted, each path once. */
function mergeSorted(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  let last: string | undefined;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && compareStrings(a[i]!, b[j]!) <= 0) ? a[i++]! : b[j++]!;
    if (next !== last) out.push(next);
    last = next;
  }
  return out;
}

/** Calls `each` with the bounds of every NUL-terminated entry of git's `-z` output. */
function eachEntry(out: Buffer, each: (start: number, end: number) => void): void {
  let start = 0;
  while (start < out.length) {
    let end = out.indexOf(0, start);
    if (end < 0) end = out.length;
    if (end > start) each(start, end);
    start = end + 1;
  }
}

function entries(out: Buffer | undefined): string[] {
  const list: string[] = [];
  if (out) eachEntry(out, (start, end) => list.push(out.toString('utf8', start, end)));
  return list;
}

const GIT_OPTIONS = { maxBuffer: 1024 * 1024 * 1024 } as const;

function git(root: string, args: string[]): Buffer {
  return execFileSync('git', ['-c', 'core.quotepath=off', ...args], {
    cwd: root,
    ...GIT_OPTIONS,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

function gitAsync(root: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-c', 'core.quotepath=off', ...args],
      { cwd: root, ...GIT_OPTIONS, encoding: 'buffer' },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
  });
}

function walk(root: string, links: string[]): string[] {
  const files: string[] = [];
  let budget = MAX_WALK_ENTRIES;
  const visit = (dir: string, rules: { base: string; ig: Ignore }[]) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(path.join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    const local = readGitignore(root, dir);
    const active = local ? [...rules, { base: dir, ig: local }] : rules;
    for (const entry of entries) {
      if (--budget < 0) return;
      if (ALWAYS_SKIPPED.has(entry.name)) continue;
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      const isDir = entry.isDirectory();
      if (isIgnored(active, rel, isDir)) continue;
      if (isDir) visit(rel, active);
      else if (entry.isFile()) files.push(rel);
      else if (entry.isSymbolicLink()) {
        files.push(rel);
        links.push(rel);
      }
    }
  };
  visit('', []);
  return files.sort(compareStrings);
}

function readGitignore(root: string, dir: string): Ignore | undefined {
  const file = path.join(root, dir, '.gitignore');
  try {
    const stat = lstatSync(file);
    if (!stat.isFile() || stat.size > 1024 * 1024) return undefined;
    return vendored('ignore')().add(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** As git does: the deepest .gitignore with an opinion (a match or a negation) decides. */
function isIgnored(rules: { base: string; ig: Ignore }[], rel: string, isDir: boolean): boolean {
  for (let i = rules.length - 1; i >= 0; i--) {
    const { base, ig } = rules[i]!;
    const sub = base ? rel.slice(base.length + 1) : rel;
    const verdict = ig.test(isDir ? `${sub}/` : sub);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

/** Code-unit order, so the index is identical across locales and machines. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
