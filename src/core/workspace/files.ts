import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Directories never indexed: VCS metadata only. Everything else follows .gitignore. */
const ALWAYS_SKIPPED = new Set(['.git']);

/** Hard stop for non-git walks, so a hostile tree cannot make the index unbounded. */
const MAX_WALK_ENTRIES = 500_000;

export interface FileIndexResult {
  files: string[];
  source: 'git' | 'walk';
}

/** What to list besides git's index in a git work tree. */
export interface ListOptions {
  /** Untracked, non-ignored files too (default true); false lists what git tracks only. */
  untracked?: boolean;
}

/**
 * Lists the files of a tree as sorted POSIX paths relative to `root`: git's index plus untracked,
 * non-ignored files when `root` is the top of a git work tree, else a walk honouring every
 * `.gitignore` on the way. Symbolic links are listed but never followed.
 */
export function listFiles(root: string, options: ListOptions = {}): FileIndexResult {
  const fromGit = gitListFiles(root, options.untracked ?? true);
  if (fromGit) return { files: fromGit, source: 'git' };
  return { files: walk(root), source: 'walk' };
}

function gitListFiles(root: string, untracked: boolean): string[] | undefined {
  if (!existsSync(path.join(root, '.git'))) return undefined;
  try {
    // The index, tagged and staged (`<tag> <mode> <oid> <stage>\t<path>`), then the entries deleted
    // from the work tree (tag R). Submodules (mode 160000) are directories, and skip-worktree entries
    // (tag S, a sparse checkout) are not in the tree.
    const files = new Set<string>();
    const deleted: string[] = [];
    for (const entry of lsFiles(root, ['-t', '--stage', '--deleted'])) {
      const tab = entry.indexOf('\t');
      if (tab < 0 || entry.startsWith('S ') || entry.slice(2, 8) === '160000') continue;
      if (entry.startsWith('R ')) deleted.push(entry.slice(tab + 1));
      else files.add(entry.slice(tab + 1));
    }
    for (const name of deleted) files.delete(name);
    // A nested repository is listed as `dir/`, and is no file.
    if (untracked) {
      for (const name of lsFiles(root, ['--others', '--exclude-standard'])) {
        if (!name.endsWith('/')) files.add(name);
      }
    }
    return [...files].sort(compareStrings);
  } catch {
    return undefined;
  }
}

/** `git ls-files -z` with these options, as NUL-separated entries. */
function lsFiles(root: string, options: string[]): string[] {
  const out = execFileSync('git', ['-c', 'core.quotepath=off', 'ls-files', '-z', ...options], {
    cwd: root,
    maxBuffer: 1024 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return out.toString('utf8').split('\0').filter(Boolean);
}

function walk(root: string): string[] {
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
      else if (entry.isFile() || entry.isSymbolicLink()) files.push(rel);
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
    return ignore().add(readFileSync(file, 'utf8'));
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
