/**
 * Phase 2, the scope: the tree the rules see (the file index, the repository's inherited top-level
 * files, include and exclude) and, on a change, the base tree and the changed files the per-file
 * rules look at. The index and the diff start before the policy loads ({@link startListing}): git
 * lists the tree while the rules load.
 */
import {
  BaseWorkspace,
  buildBaseWorkspace,
  diffAgainstHead,
  fetchedBaseWorkspace,
  parseRawAgainstHead,
} from '../base-tree.js';
import type { Config } from '../config.js';
import type { CheckOptions } from '../engine.js';
import { GitRepository, repositoryFiles, untrackedFiles } from '../git.js';
import { heapForCheck } from '../heap.js';
import type { ChangeOptions } from '../pr.js';
import type { Logger } from '../types.js';
import { type FileIndexResult, listFilesAsync } from '../workspace/files.js';
import { FocusedWorkspace } from '../workspace/focus.js';
import { Workspace } from '../workspace/workspace.js';

/** The tree's I/O started ahead, before the policy is known. */
export interface Listing {
  /** Whether the per-file rules look at the changed files only (`scan: changed`). */
  changedOnly: boolean;
  /** `git diff --raw` of the baseline against the index or the working tree, on a changed-files scan. */
  diff?: Promise<Buffer | undefined>;
  /** Untracked files that are part of the change (a local check with --base). */
  untracked?: Promise<string[]>;
  /** The file index, unless the caller gave the file list. */
  index?: Promise<FileIndexResult>;
}

/** What a change's run scans: the base tree, when read, and the changed-files view of the head. */
export interface ScanPlan {
  /** The base tree built ahead (null: the baseline could not be read); undefined: not built. */
  base?: BaseWorkspace | null;
  /** The head's changed files, for the per-file rules; undefined: they see every file. */
  head?: FocusedWorkspace;
}

/** The tree under evaluation. */
export interface Scope {
  /** The git repository the checked root is in, if any. */
  repo: GitRepository | undefined;
  workspace: Workspace;
  scan: ScanPlan;
  /** Untracked files that belong to the change (see `ChangeOptions.worktree`). */
  untracked: readonly string[] | undefined;
  /** Each tracked file's blob and the modified files, when the results cache asked for them. */
  blobs?: FileIndexResult['blobs'];
}

/** Starts listing the tree (and, on a changed-files scan, diffing it against the baseline). */
export function startListing(root: string, options: CheckOptions): Listing {
  const changedOnly = scanChanged(options.change);
  // The change's diff runs alongside the index (against the working tree, it is another pass over
  // the tree).
  const worktree = options.change?.worktree === true;
  const diff =
    changedOnly && options.change?.baseline
      ? diffAgainstHead(root, options.change.baseline, worktree)
      : undefined;
  // Untracked files that are part of the change (a local check with --base): listed once, for the
  // index and to leave them out of the base.
  const untracked = worktree && !options.files ? untrackedFiles(root) : undefined;
  // The results cache is for a full check: it needs each file's blob, from the same pass.
  const blobs = options.fileCache !== undefined && !comparesWithBase(options.change) && !options.overlay;
  const index = options.files ? undefined : changeIndex(root, changedOnly, diff, untracked, blobs);
  // Awaited later; a usage error thrown before then must not leave it an unhandled rejection.
  index?.catch(() => {});
  return {
    changedOnly,
    ...(diff ? { diff } : {}),
    ...(untracked ? { untracked } : {}),
    ...(index ? { index } : {}),
  };
}

/** Builds the workspace the rules read, and on a change the base tree and the changed-files view. */
export async function defineScope(
  root: string,
  options: CheckOptions,
  listing: Listing,
  config: Config,
  log: Logger,
): Promise<Scope> {
  const repo = GitRepository.open(root);
  // A folder of a repository is checked with the repository's own files (CODEOWNERS, SECURITY.md,
  // .github/, .gitignore), which GitHub and git read from the top.
  const inherited = repo?.prefix && !options.files ? await repositoryFiles(root, repo.prefix) : undefined;
  const workspace = new Workspace(root, {
    ...(listing.index ? { index: await listing.index } : {}),
    include: config.include,
    exclude: config.exclude,
    ...(options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {}),
    ...(options.files ? { files: options.files } : {}),
    ...(options.overlay ? { overlay: options.overlay } : {}),
    ...(inherited ? { inherited } : {}),
  });
  log.debug(`indexed ${workspace.files.length} files (${workspace.indexSource})`);
  const untracked = await listing.untracked;
  const scan = await scanScope(workspace, options.change, config, listing.diff, log, untracked);
  const blobs = (await listing.index)?.blobs;
  return { repo, workspace, scan, untracked, ...(blobs ? { blobs } : {}) };
}

/**
 * The file index. On a changed-files scan: what git tracks (as `git diff` sees it: files that earlier
 * steps left untracked, such as build output, are not part of a pull request, and not worth a walk
 * of the tree). Against the working tree, the diff (which stats every file anyway) tells which
 * tracked files the working tree has lost, instead of a second pass; against the index nothing is
 * asked of the file system, and a tracked file an earlier step deleted without staging stays listed:
 * a rule that reads it finds it missing, and the run names it in a warning (`Workspace.missingFiles`).
 * (So does a file added after the base and deleted without committing, which is in neither diff.)
 */
async function changeIndex(
  root: string,
  changedOnly: boolean,
  diff: Promise<Buffer | undefined> | undefined,
  untracked: Promise<string[]> | undefined,
  blobs: boolean,
): Promise<FileIndexResult> {
  // Untracked files that belong to the change come from their own list: git walks the tree for them once.
  const withUntracked = async (index: FileIndexResult): Promise<FileIndexResult> => {
    const extra = (await untracked) ?? [];
    if (extra.length === 0 || index.source !== 'git') return index;
    const files = [...new Set([...index.files, ...extra])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { ...index, files };
  };
  if (!changedOnly) {
    return withUntracked(
      await listFilesAsync(root, { ...(untracked ? { untracked: false } : {}), ...(blobs ? { blobs } : {}) }),
    );
  }
  const [index, raw] = await Promise.all([listFilesAsync(root, { untracked: false, deleted: !diff }), diff]);
  if (!diff) return withUntracked(index);
  if (raw === undefined) return withUntracked(await listFilesAsync(root, { untracked: false }));
  const gone = new Set(parseRawAgainstHead(raw.toString('utf8')).deleted);
  return withUntracked(
    gone.size === 0 ? index : { ...index, files: index.files.filter((f) => !gone.has(f)) },
  );
}

/** Whether the run judges a change against its base (its base commit or its diff is known). */
export function comparesWithBase(change: ChangeOptions | undefined): boolean {
  return change !== undefined && (change.baseline !== undefined || change.diff !== undefined);
}

/** Whether the per-file rules look at the changed files only: `scan`, by default changed under gate new. */
export function scanChanged(change: ChangeOptions | undefined): change is ChangeOptions {
  return change !== undefined && (change.scan ?? (change.scope === 'new' ? 'changed' : 'all')) === 'changed';
}

/**
 * Decides which files the per-file rules see. Under `scan: changed` the changed files come from the
 * base tree's diff against the index (with `worktree`, against the working tree, so that edits not
 * yet staged count), else from the pull request's diff; when neither is known, every file is
 * scanned, and the log says why.
 */
async function scanScope(
  workspace: Workspace,
  change: ChangeOptions | undefined,
  selection: { include: string[]; exclude: string[] },
  diff: Promise<Buffer | undefined> | undefined,
  log: Logger,
  untracked: readonly string[] | undefined,
): Promise<ScanPlan> {
  if (!scanChanged(change)) return {};
  const base = change.baseline
    ? ((await buildBaseWorkspace(workspace, change.baseline, {
        include: selection.include,
        exclude: selection.exclude,
        ...(diff ? { diff } : {}),
        ...(untracked ? { untracked } : {}),
      })) ?? null)
    : change.fetchedBase
      ? fetchedBaseWorkspace(workspace, change.fetchedBase, selection)
      : undefined;
  // A partial list of the changed files (the API's) leaves unlisted changes unknown: every file is scanned.
  const paths =
    base && !change.fetchedBase?.partial
      ? base.changed.head
      : change.diff?.diff.truncated
        ? undefined
        : change.diff?.paths();
  if (!paths) {
    heapForCheck('tree');
    log.info(
      change.diff?.diff.truncated && (!base || change.fetchedBase)
        ? 'scanning every file: the list of the files the change touches is partial'
        : 'scanning every file: the files the change touches are unknown',
    );
    return base === undefined ? {} : { base };
  }
  const head = FocusedWorkspace.ofChange(workspace, paths);
  const changed = head.changedFiles;
  log.info(
    `scanning the ${changed} changed file${changed === 1 ? '' : 's'} of ${workspace.files.length} with the per-file rules (scan: changed)`,
  );
  return { ...(base !== undefined ? { base } : {}), head };
}

/**
 * The base side of the change for the per-file rules: the base tree's changed files, and the files
 * the change grades differently without touching them (`shifted`, see context-shift.ts).
 */
export function focusedBase(
  scope: Scope,
  base: Workspace,
  shifted: readonly string[] = [],
): FocusedWorkspace | undefined {
  return scope.scan.head && base instanceof BaseWorkspace
    ? FocusedWorkspace.ofChange(base, [...base.changed.base, ...shifted])
    : undefined;
}
