/**
 * The base version of the checked tree, for telling the findings a pull request introduces from the
 * ones it inherits. No second checkout: the base is the head workspace with the change undone (a
 * renamed file keeps its new name, with its old content). Files
 * the change did not touch are the head's own cached reads (same content, same findings, no extra
 * I/O); files it touched are read from git objects of the baseline commit in one `git cat-file
 * --batch` process. The cost is proportional to the diff, not to the repository.
 */
import { spawn } from 'node:child_process';
import { type ChangeStatus, gitOutput, isCommitId } from './diff.js';
import { GitRepository } from './git.js';
import { compareStrings } from './workspace/files.js';
import { indexTree } from './workspace/git-index.js';
import { LineIndex } from './workspace/lines.js';
import { hasUnder, type LinkResolution, resolveInTree, type TreeNode } from './workspace/links.js';
import { lowerBound } from './workspace/positions.js';
import { ScopeRecorder, type TreeChange } from './workspace/scope.js';
import { screenNamed } from './workspace/screens.js';
import { FILE_DERIVED_MEMOS, type FileContent, type InputProblem, Workspace } from './workspace/workspace.js';
import type { YamlResult } from './workspace/yaml.js';

/** Git's heuristic, as the workspace applies it: a NUL byte in the first 8,000 bytes means binary. */
const BINARY_SNIFF_BYTES = 8000;
/** Most bytes streamed from `cat-file` in one run; files beyond the per-file cap are only sniffed. */
const MAX_BATCH_BYTES = 1024 * 1024 * 1024;

/** A file whose base version differs from the head's, as listed by `git diff --raw`. */
interface BaseEntry {
  /** Path in the base, relative to the checked root. */
  path: string;
  mode: string;
  oid: string;
  /**
   * The head's file at `path` has the same object id and is a regular file on both sides (a
   * rename without edits, a mode change): the base shows the head's content, read and parsed once.
   */
  same?: true;
}

/**
 * A {@link Workspace} over the base version: its own file list, its own findings' input problems,
 * and content that is either a blob of the baseline commit or, for an untouched file, the head
 * workspace's cached read. Subclassing keeps the workspace's bounds (safe paths, size caps) in one
 * place and leaves its file-system reads untouched for the head.
 */
export class BaseWorkspace extends Workspace {
  private readonly blobs: ReadonlyMap<string, FileContent>;
  /** The base's own contents of the files this tree lists (the blobs its include and exclude keep). */
  private readonly listedBlobs: ReadonlyMap<string, FileContent>;
  /**
   * The paths the change touches, tracked by git: in the head (added, modified, renamed to) and in
   * the base (modified, deleted, renamed from). Paths may lie outside include/exclude.
   */
  readonly changed: { head: readonly string[]; base: readonly string[] };
  /** Files git found renamed: new path (where the base content is shown) -> path in the base. */
  readonly renamed: ReadonlyMap<string, string>;
  /**
   * How the base differs from the head as the rules see it: the paths whose content differs or that
   * one side lacks, and whether the file lists differ (see `touchedBy`).
   */
  readonly differs: TreeChange;
  /** The files of this tree that the head lacks (deleted or renamed by the change), in order. */
  private onlyHere: string[] | undefined;
  /**
   * When both lists are sorted and selected alike, they differ by the change's paths only: the
   * files only the head has, and (in {@link onlyHere}) those only this tree has. Null: they may
   * differ elsewhere.
   */
  private headOnly: ReadonlySet<string> | null | undefined;
  /** The links of this tree resolved here, and the content each shows (see {@link readLink}). */
  private readonly linkContents = new Map<string, FileContent>();
  /**
   * Where this tree may not be the base (some base versions were not read): findings there cannot be
   * told existing, and count as new (see `judgeChange`). Undefined: the base is complete, as from git.
   */
  readonly unknown: BaseUnknown | undefined;

  constructor(
    readonly head: Workspace,
    files: readonly string[],
    blobs: ReadonlyMap<string, FileContent>,
    options: {
      include?: string[];
      exclude?: string[];
      changed?: { head: readonly string[]; base: readonly string[] };
      renamed?: ReadonlyMap<string, string>;
      differs?: TreeChange;
      unknown?: BaseUnknown;
    } = {},
  ) {
    const { changed, renamed, differs, unknown, ...selection } = options;
    // Its rules' scope is never reported (the base run only tells new findings from old): no recording.
    super(head.root, {
      ...selection,
      files,
      // The head's list itself (see baseList): its positions are shared, not built again.
      sameIndexAs: head,
      maxFileBytes: head.maxFileBytes,
      scope: new ScopeRecorder([], new Map(), false),
    });
    this.blobs = blobs;
    this.listedBlobs = new Map([...blobs].filter(([file]) => this.has(file)));
    this.changed = changed ?? { head: [], base: [...blobs.keys()] };
    this.renamed = renamed ?? new Map();
    this.unknown = unknown;
    this.differs = {
      ...(differs ?? { paths: new Set([...this.changed.head, ...this.changed.base]), listing: true }),
      screened: (file, name) => this.screenedOnEitherSide(file, name),
    };
  }

  /** Whether the file passes the named screen here or on the head (an unknown screen: yes). */
  private screenedOnEitherSide(file: string, name: string): boolean {
    const screen = screenNamed(name);
    if (!screen) return true;
    return (
      (this.has(file) && this.passes(file, screen)) || (this.head.has(file) && this.head.passes(file, screen))
    );
  }

  /** Only the fingerprints of the base's findings are kept: planning and verifying fixes is waste. */
  override get plansFixes(): boolean {
    return false;
  }

  override read(file: string): FileContent {
    // The changed files first, by a map: the base's rules read little else.
    const own = this.listedBlobs.get(file);
    if (own !== undefined) return own.kind === 'symlink' ? this.readLink(file) : own;
    if (!this.has(file)) return super.read(file);
    const content = this.head.read(file);
    return this.linkChanged(file) ? this.readLink(file) : content;
  }

  /**
   * Whether the file is a link of the head whose resolution passes through a path the change
   * touched (the link's target was edited): then the base resolves it in its own tree.
   */
  private linkChanged(file: string): boolean {
    const link = this.head.linkOf(file);
    if (!link) return false;
    const paths = this.differs.paths;
    if (link.ok && paths.has(link.target)) return true;
    return link.chain.some((p) => paths.has(p)) || this.differs.listing;
  }

  /**
   * A link of this tree (its text from git, or the head's for an untouched link), resolved within
   * this tree as the head resolves its own (see links.ts): the content of the file it leads to, or
   * a link not read, with the reason.
   */
  private readLink(file: string): FileContent {
    let content = this.linkContents.get(file);
    if (!content) {
      const resolved = this.resolveLink(file);
      content = resolved.ok
        ? this.targetContent(file, resolved.target)
        : { kind: 'symlink', reason: resolved.reason };
      this.linkContents.set(file, content);
    }
    return content;
  }

  /**
   * The base's content of a link's target (a file of this tree's index, which include and exclude
   * may leave out of the list): its blob when the change touched it, else the head's.
   */
  private targetContent(link: string, target: string): FileContent {
    const own = this.blobs.get(target);
    if (own !== undefined) return own;
    if (this.head.has(target)) return this.head.read(target);
    // Untouched and not selected: the head's link to the same file shows it.
    const head = this.head.linkOf(link);
    if (head?.ok && head.target === target) return this.head.read(link);
    return { kind: 'symlink', reason: 'not followed: its target is not among the files checked' };
  }

  protected override resolveLink(file: string): LinkResolution {
    return resolveInTree(file, (p) => this.node(p));
  }

  /**
   * What a path is in this tree: a changed path by its blob (a link's text is its content), an
   * untouched one as the head finds it, a directory by the files under it.
   */
  override node(p: string): TreeNode {
    const own = this.blobs.get(p);
    if (own !== undefined && this.indexedHas(p)) {
      if (own.kind === 'symlink')
        return own.target !== undefined ? { kind: 'link', target: own.target } : { kind: 'other' };
      return own.kind === 'unreadable' ? { kind: 'missing' } : { kind: 'file' };
    }
    if (this.indexedHas(p)) return this.head.node(p);
    return hasUnder(this.indexed, p) ? { kind: 'dir' } : { kind: 'missing' };
  }

  /** A base tree's links are resolved from its blobs and the head's: its list shares the head's. */
  protected override listedAsRegular(): boolean {
    return false;
  }

  /** This tree's links: the head's the change left as they are, and the links among its own blobs. */
  override symbolicLinks(): readonly string[] {
    this.baseLinks ??= [
      ...this.head.symbolicLinks().filter((p) => !this.blobs.has(p) && this.indexedHas(p)),
      ...[...this.blobs].filter(([p, c]) => c.kind === 'symlink' && this.indexedHas(p)).map(([p]) => p),
    ].sort(compareStrings);
    return this.baseLinks;
  }
  private baseLinks: readonly string[] | undefined;

  private indexedHas(p: string): boolean {
    return sortedHas(this.indexed, p);
  }

  /** Untouched files were read by the head: their content is released there. */
  override release(files: readonly string[]): void {
    super.release(files);
    this.head.release(files.filter((f) => this.untouched(f)));
  }

  /** Untouched files share the head's parse; the problem, if any, is recorded here too. */
  override yaml(file: string): YamlResult | undefined {
    if (!this.untouched(file)) return super.yaml(file);
    const result = this.head.yaml(file);
    if (result && !result.ok) this.reportProblem({ path: file, ...result.error });
    return result;
  }

  /**
   * Untouched files share the head's per-file values (see {@link FILE_DERIVED_MEMOS}): a workflow audit
   * the change touches runs again over every workflow of the base, and the parses, syntax checks and
   * expressions of the untouched ones are the head's.
   */
  override memo<T>(kind: string, file: string, compute: (file: string) => T): T {
    if (FILE_DERIVED_MEMOS.has(kind) && this.untouched(file)) return this.head.memo(kind, file, compute);
    return super.memo(kind, file, compute);
  }

  /**
   * The head's answer for the files both trees list (a glob is a test of the path alone, and the head
   * has usually answered it already, for the same rule): only the files the head lacks are matched,
   * instead of every path of the tree again.
   */
  protected override matchFiles(patterns: readonly string[]): string[] {
    // The same list as the head's (nothing added or deleted): the head's answer is this tree's.
    if (this.files === this.head.files) return this.head.glob(patterns);
    const headOnly = this.differenceFromHead();
    if (headOnly) {
      // Both in code-unit order: the head's answer without its own files, merged with this tree's.
      const fromHead = this.head.glob(patterns);
      const kept = headOnly.size > 0 ? fromHead.filter((f) => !headOnly.has(f)) : fromHead;
      const extra = this.onlyHere!.filter(this.matcher(patterns));
      return extra.length === 0 ? kept : mergeSorted(kept, extra);
    }
    this.onlyHere ??= this.files.filter((f) => !this.head.has(f));
    const match = this.matcher(patterns);
    const fromHead = this.head.glob(patterns).filter((f) => this.has(f));
    const extra = this.onlyHere.filter(match);
    // In this tree's order (the head's list may have been given unsorted); the head's answer usually
    // is in it already, and then a pass checks it instead of a sort.
    const at = (f: string) => this.fileIndex.get(f)!;
    if (extra.length === 0 && inOrder(fromHead, at)) return fromHead;
    return [...fromHead, ...extra].sort((a, b) => at(a) - at(b));
  }

  /**
   * The head's files this tree lacks, with {@link onlyHere} set, when the two lists are sorted and
   * selected alike: then they differ by the change's paths alone (this list is the head's index
   * without the paths the change added, with those it deleted or renamed), and a glob needs no pass
   * over every path to tell which of the head's answers are here. Null otherwise.
   */
  private differenceFromHead(): ReadonlySet<string> | null {
    if (this.headOnly === undefined) {
      const alike = Workspace.selectedAlike(this, this.head);
      this.headOnly = alike
        ? new Set(this.changed.head.filter((f) => this.head.has(f) && !this.has(f)))
        : null;
      if (alike) {
        const here = this.changed.base.filter((f) => this.has(f) && !this.head.has(f));
        this.onlyHere = [...new Set(here)].sort(compareStrings);
      }
    }
    return this.headOnly;
  }

  /** Its own problems, plus the head's for untouched files (a shared parse recorded them there). */
  override inputProblems(): InputProblem[] {
    const own = super.inputProblems();
    const seen = new Set(own.map((p) => p.path));
    const inherited = this.head.inputProblems().filter((p) => !seen.has(p.path) && this.untouched(p.path));
    return [...own, ...inherited].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /**
   * In both trees with the same content: read, parsed and judged once, by the head. A file of the
   * base's own (a changed one) is told first, by a map: the rules that compare a change with its base
   * ask this of every changed file, many times, and two lookups in lists of 100,000 paths each time
   * made the base build a map of all its positions (20 ms at 500 changed files).
   */
  private untouched(file: string): boolean {
    return (
      file !== '' &&
      !this.blobs.has(file) &&
      this.has(file) &&
      this.head.has(file) &&
      !(this.head.linkOf(file) !== undefined && this.linkChanged(file))
    );
  }
}

/** Two lists sorted in code-unit order, with no path in both, as one. */
function mergeSorted(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(compareStrings(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/** Whether the files' positions increase along the list. */
function inOrder(files: readonly string[], at: (f: string) => number): boolean {
  let last = -1;
  for (const f of files) {
    const i = at(f);
    if (i < last) return false;
    last = i;
  }
  return true;
}

/**
 * Builds the base workspace of `head` against `baseline` (a commit id), or undefined when git cannot
 * answer (no such commit in a shallow checkout, not a repository, output over its bounds). The diff
 * is taken against the index, or with `worktree` against the working tree, so that whatever the
 * checkout holds beyond the baseline commit counts as the change (see `ChangeOptions.worktree`).
 */
export async function buildBaseWorkspace(
  head: Workspace,
  baseline: string,
  options: {
    include?: string[];
    exclude?: string[];
    /** The output of {@link diffAgainstHead}, started earlier by the caller. */
    diff?: Promise<Buffer | undefined>;
    /** Without `diff`: compare with the working tree, not the index. */
    worktree?: boolean;
    /** Files of the working tree that git does not track: added by the change. */
    untracked?: readonly string[];
  } = {},
): Promise<BaseWorkspace | undefined> {
  const { diff, untracked, worktree, ...selection } = options;
  if (!isCommitId(baseline)) return undefined;
  const out = await (diff ?? diffAgainstHead(head.root, baseline, worktree === true));
  if (out === undefined) return undefined;
  const { removed, entries, renamed, deleted } = parseRawAgainstHead(out.toString('utf8'));
  // Files the index does not know (the CLI's untracked files) are the change's own: not in the base.
  for (const p of untracked ?? []) removed.push(p);

  const wanted = entries.filter((e) => e.mode !== '160000'); // submodules are not files
  const blobs = await readBlobs(
    head.root,
    wanted.filter((e) => !e.same),
    head.maxFileBytes,
  );
  if (!blobs) return undefined;
  const sorted = baseList(head.indexed, removed, wanted);
  const changed = {
    head: [...new Set([...removed, ...wanted.map((e) => e.path)])],
    base: wanted.map((e) => e.path),
  };
  // A rename keeps its new name in the base: only additions and deletions change the file list. A
  // renamed file differs even with the same content: its findings are judged by the path it had in
  // the base (a fixture moved out of a test folder is no fixture any more; see RuleRun.contextPaths).
  const differs: TreeChange = {
    paths: new Set([...removed, ...wanted.filter((e) => !e.same || renamed.has(e.path)).map((e) => e.path)]),
    listing: removed.length > 0 || deleted.length > 0,
    presence: new Set([...removed, ...deleted]),
  };
  return new BaseWorkspace(head, sorted, blobs, { ...selection, changed, renamed, differs });
}

/** Where a base tree built from files read ahead is not known to be the base, and why. */
export interface BaseUnknown {
  /** Whether a finding at this path (undefined: a finding about no file) may differ on the real base. */
  covers(path: string | undefined): boolean;
  /** Why, in words, for the log. */
  reason: string;
}

/** A base file read other than from git: its bytes, or a symbolic link's target. */
export type FetchedBlob = { kind: 'file'; bytes: Buffer } | { kind: 'symlink'; target: string };

/** A file of the change, as a pull request's file list gives it (root-relative paths). */
export interface FetchedChange {
  path: string;
  status: ChangeStatus;
  /** A renamed file's path in the base (undefined: it came from outside the checked root). */
  previousPath?: string;
}

/**
 * The base commit's versions of the files a change touches, read other than from git (through the
 * GitHub API, when the checkout lacks the base commit): what {@link fetchedBaseWorkspace} builds the
 * base tree from. Paths are root-relative.
 */
export interface FetchedBase {
  /** The base commit. */
  commit: string;
  /** The change's files. */
  files: readonly FetchedChange[];
  /**
   * The base version of each base path read (modified, deleted, renamed from). A path in neither
   * `blobs` nor `unread` is not in the base commit.
   */
  blobs: ReadonlyMap<string, FetchedBlob>;
  /** Base paths the base commit has but that were not read (over the bound, or the API refused). */
  unread: ReadonlySet<string>;
  /** Why some were not read, in words. */
  unreadReason?: string;
  /** The file list is partial (the API lists at most 3,000 files): unlisted files may be changed. */
  partial: boolean;
}

/**
 * The base tree of `head` from the change's file list and the base versions read ahead, as
 * {@link buildBaseWorkspace} builds it from git: the head with the change undone. What was not read
 * is not guessed: a changed file whose base was not read is left out of the base (its findings are
 * new), and {@link BaseWorkspace.unknown} says where findings cannot be told existing: in such a
 * file, in a file a partial list does not name, about no file when anything is unknown, and
 * anywhere when a deleted file's base was not read (what it held could have guarded any file).
 */
export function fetchedBaseWorkspace(
  head: Workspace,
  fetched: FetchedBase,
  selection: { include?: string[]; exclude?: string[] } = {},
): BaseWorkspace {
  const removed: string[] = [];
  const deleted: string[] = [];
  const renamed = new Map<string, string>();
  const blobs = new Map<string, FileContent>();
  const wanted: BaseEntry[] = [];
  const unreadHere = new Set<string>();
  let unreadDeletion = false;
  for (const f of fetched.files) {
    // A copy leaves its source in place: like git's, it is new (see parseRawAgainstHead).
    const from =
      f.status === 'added' || f.status === 'copied'
        ? undefined
        : f.status === 'renamed'
          ? f.previousPath
          : f.path;
    if (from !== undefined && fetched.unread.has(from)) {
      if (f.status === 'deleted') unreadDeletion = true;
      else {
        unreadHere.add(f.path);
        removed.push(f.path);
      }
      continue;
    }
    const blob = from === undefined ? undefined : fetched.blobs.get(from);
    if (!blob) {
      // Not in the base commit: the change adds it.
      if (f.status !== 'deleted') removed.push(f.path);
      continue;
    }
    wanted.push({ path: f.path, mode: blob.kind === 'symlink' ? '120000' : '100644', oid: '' });
    blobs.set(
      f.path,
      blob.kind === 'symlink'
        ? { kind: 'symlink', target: blob.target }
        : blobContent(blob.bytes, blob.bytes.length, head.maxFileBytes),
    );
    if (f.status === 'deleted') deleted.push(f.path);
    if (f.status === 'renamed' && from !== f.path) renamed.set(f.path, from!);
  }
  const sorted = baseList(head.indexed, removed, wanted);
  const changed = {
    head: [...new Set([...removed, ...wanted.map((e) => e.path)])],
    base: wanted.map((e) => e.path),
  };
  const differs: TreeChange = {
    paths: new Set([...removed, ...wanted.map((e) => e.path)]),
    listing: removed.length > 0 || deleted.length > 0,
    presence: new Set([...removed, ...deleted]),
  };
  const partial = fetched.partial;
  // A file whose base was not read, or a changed file the partial list does not name, may change
  // what the rules find in any other file (a Makefile that makes a manifest test material, a
  // workflow that deploys a folder): the base tree differs from the real base somewhere unknown, so
  // no finding can be told existing.
  const unread = unreadHere.size + (unreadDeletion ? 1 : 0);
  const unknown: BaseUnknown | undefined =
    unread > 0 || partial
      ? {
          covers: () => true,
          reason: `${[
            unread > 0
              ? `the base of ${fetched.unread.size} changed file${fetched.unread.size === 1 ? ' was' : 's were'} not read${fetched.unreadReason ? ` (${fetched.unreadReason})` : ''}`
              : '',
            partial ? 'the list of changed files is partial' : '',
          ]
            .filter(Boolean)
            .join(
              ', and ',
            )}: what the base holds there could change what the rules find anywhere, so every finding counts as new`,
        }
      : undefined;
  return new BaseWorkspace(head, sorted, blobs, {
    ...selection,
    changed,
    renamed,
    differs,
    ...(unknown ? { unknown } : {}),
  });
}

/**
 * The base's file list: the head's (sorted already) without the files the change added, with the
 * ones it deleted. A pass over the list, not a sort of it: the list may hold a few hundred thousand
 * paths and the change a handful. A change that adds and deletes nothing (edits, renames) leaves
 * the head's list: that array itself is returned, so the base shares its positions too.
 */
function baseList(
  head: readonly string[],
  removed: readonly string[],
  wanted: readonly BaseEntry[],
): readonly string[] {
  const gone = new Set(removed);
  // A list given by the caller may be in any order: then it is sorted, as before.
  for (let i = 1; i < head.length; i++) {
    if (compareStrings(head[i - 1]!, head[i]!) > 0) {
      head = [...head].sort(compareStrings);
      break;
    }
  }
  const back = [...new Set(wanted.map((e) => e.path))].sort(compareStrings);
  if (gone.size === 0 && back.every((p) => sortedHas(head, p))) return head;
  const out: string[] = [];
  let j = 0;
  let last: string | undefined;
  const push = (p: string) => {
    if (p !== last) out.push(p);
    last = p;
  };
  for (const p of head) {
    while (j < back.length && compareStrings(back[j]!, p) <= 0) push(back[j++]!);
    if (!gone.has(p)) push(p);
  }
  while (j < back.length) push(back[j++]!);
  return out;
}

/** Whether a sorted list holds the path (a binary search). */
function sortedHas(list: readonly string[], p: string): boolean {
  return list[lowerBound(list, p)] === p;
}

/**
 * `git diff --raw` of the baseline commit against the change's head: the working tree (`worktree`, a
 * pass over every tracked file's status: at 100,000 files, 0.2 s of git's CPU, nearly all of it
 * `lstat`), or the index (`--cached`: git compares trees and the index's object ids, and asks the
 * file system nothing). A caller may start it early, alongside the file index, and hand it to
 * {@link buildBaseWorkspace}.
 */
export function diffAgainstHead(
  root: string,
  baseline: string,
  worktree: boolean,
): Promise<Buffer | undefined> {
  if (!isCommitId(baseline)) return Promise.resolve(undefined);
  const diff = (against: string[]) =>
    gitOutput(root, [
      'diff',
      '--raw',
      '-z',
      '--no-abbrev',
      '--find-renames',
      '--relative',
      '--no-ext-diff',
      ...against,
    ]);
  if (worktree) return diff([baseline, '--']);
  // Against the tree git recorded as the index's whole content, git compares two trees and skips
  // every subtree they share (a checkout's index at 100,000 files: 20-30 ms of git's CPU -> ~1 ms);
  // against the index itself (--cached) when there is no such tree, or git cannot read it.
  const tree = indexTree(root);
  if (!tree) return diff(['--cached', baseline, '--']);
  return diff([baseline, tree, '--']).then((out) => out ?? diff(['--cached', baseline, '--']));
}

/**
 * From `git diff --raw -z [--cached] <commit>` (commit on the left, the working tree or the index on
 * the right): the paths that exist only on the right, and the base's version of every path whose
 * content differs. A file
 * git finds renamed is given its base content under its new name (`renamed` maps new to old), so its
 * findings keep their identity (the path is part of a fingerprint) and stay existing.
 */
export function parseRawAgainstHead(raw: string): {
  removed: string[];
  entries: BaseEntry[];
  deleted: string[];
  renamed: Map<string, string>;
} {
  const fields = raw.split('\0');
  const removed: string[] = [];
  const entries: BaseEntry[] = [];
  /** Paths the head no longer has (the base's version is among the entries). */
  const deleted: string[] = [];
  const renamed = new Map<string, string>();
  for (let i = 0; i < fields.length; ) {
    const m = /^:(\d+) (\d+) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])\d*$/.exec(fields[i++]!);
    if (!m) continue;
    const [, mode, headMode, oid, headOid, letter] = m as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    // The working tree's side is all zeros when git did not hash it: then the content may differ.
    // (The index's side is always an object id.)
    const same =
      oid === headOid && !/^0+$/.test(oid) && regularFile(mode) && regularFile(headMode)
        ? { same: true as const }
        : {};
    const first = fields[i++] ?? '';
    if (letter === 'R') {
      const second = fields[i++] ?? '';
      entries.push({ path: second, mode, oid, ...same });
      renamed.set(second, first);
      continue;
    }
    if (letter === 'C') {
      // A copy leaves its source in place, unchanged unless listed again on its own; the copy is new.
      removed.push(fields[i++] ?? '');
      continue;
    }
    if (letter === 'A') removed.push(first);
    else entries.push({ path: first, mode, oid, ...(letter === 'D' ? {} : same) });
    if (letter === 'D') deleted.push(first);
  }
  return { removed, entries, deleted, renamed };
}

/** A blob git stores as a file's content (not a symlink, not a submodule). */
function regularFile(mode: string): boolean {
  return mode === '100644' || mode === '100755';
}

/**
 * Reads the blobs in one `git cat-file --batch` process, streaming: a blob above `maxBytes` keeps only
 * its first bytes (enough to tell binary from too large), so memory stays bounded whatever the diff.
 */
function readBlobs(
  cwd: string,
  entries: BaseEntry[],
  maxBytes: number,
): Promise<Map<string, FileContent> | undefined> {
  const result = new Map<string, FileContent>();
  const queue: BaseEntry[] = [];
  for (const e of entries) queue.push(e);
  if (queue.length === 0) return Promise.resolve(result);
  return new Promise((resolve) => {
    const child = spawn('git', ['cat-file', '--batch'], {
      cwd,
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
    });
    let buffer: Buffer = Buffer.alloc(0);
    let index = 0;
    let streamed = 0;
    let failed = false;
    // The blob being read: its declared size, what is kept of it, how much remains.
    let current: { size: number; kept: Buffer[]; keptBytes: number; remaining: number } | undefined;
    const keepLimit = Math.max(maxBytes, BINARY_SNIFF_BYTES);

    const finish = (entry: BaseEntry, content: FileContent) => {
      result.set(entry.path, content);
      index += 1;
    };
    child.stdout.on('data', (chunk: Buffer) => {
      streamed += chunk.length;
      if (streamed > MAX_BATCH_BYTES) {
        failed = true;
        child.kill();
        return;
      }
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      while (buffer.length > 0 && index < queue.length) {
        if (!current) {
          const nl = buffer.indexOf(10);
          if (nl < 0) return;
          const header = buffer.subarray(0, nl).toString('utf8');
          buffer = buffer.subarray(nl + 1);
          const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
          if (!m) {
            finish(queue[index]!, { kind: 'unreadable', reason: 'missing from the base commit' });
            continue;
          }
          current = { size: Number(m[2]), kept: [], keptBytes: 0, remaining: Number(m[2]) + 1 };
        }
        const take = Math.min(current.remaining, buffer.length);
        const part = buffer.subarray(0, take);
        buffer = buffer.subarray(take);
        current.remaining -= take;
        const room = keepLimit - current.keptBytes;
        if (room > 0) {
          const kept = part.subarray(0, room);
          current.kept.push(kept);
          current.keptBytes += kept.length;
        }
        if (current.remaining > 0) return;
        const bytes = Buffer.concat(current.kept).subarray(0, current.size);
        const entry = queue[index]!;
        // A link's blob is its target's path, resolved in the base tree when read (see links.ts).
        finish(
          entry,
          entry.mode === '120000'
            ? { kind: 'symlink', target: current.size <= 4096 ? bytes.toString('utf8') : undefined }
            : blobContent(bytes, current.size, maxBytes),
        );
        current = undefined;
      }
    });
    child.on('error', () => {
      failed = true;
    });
    child.on('close', (code) => resolve(failed || code !== 0 || index < queue.length ? undefined : result));
    child.stdin.on('error', () => {
      failed = true;
    });
    child.stdin.end(queue.map((e) => `${e.oid}\n`).join(''));
  });
}

/** The same classification the workspace applies to a file on disk. */
function blobContent(bytes: Buffer, size: number, maxBytes: number): FileContent {
  const head = bytes.subarray(0, Math.min(bytes.length, BINARY_SNIFF_BYTES));
  if (head.includes(0)) return { kind: 'binary', size, head: Buffer.from(head) };
  if (size > maxBytes) return { kind: 'too-large', size };
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { kind: 'text', text, lines: new LineIndex(text) };
}

/**
 * The commit to compare the working tree with. A checkout of the pull request's head compares with
 * the merge base (what the branch started from); GitHub's default checkout, the test merge commit,
 * compares with its first parent (the base branch it was merged into), so that changes on the base
 * branch since the branch point never count as the pull request's. Undefined when the history is
 * not in the checkout (fetch-depth 1). `base` and `head` are commit ids (an event's, or resolved).
 */
export async function resolveBaseline(dir: string, base: string, head: string): Promise<string | undefined> {
  if (!isCommitId(base) || !isCommitId(head)) return undefined;
  const rev = async (args: string[]) => (await gitOutput(dir, args))?.toString('utf8').trim() || undefined;
  // The repository opened already in this run knows the commit checked out (see withGitSession).
  const checkedOut =
    GitRepository.open(dir)?.head() ?? (await rev(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']));
  if (!checkedOut) return undefined;
  if (checkedOut !== head) {
    const parents = (await rev(['rev-list', '--parents', '-n', '1', checkedOut]))?.split(' ').slice(1) ?? [];
    if (parents.length === 2 && parents[1] === head) {
      const first = await rev(['rev-parse', '--verify', '--quiet', `${parents[0]}^{commit}`]);
      if (first) return first;
    }
  }
  const found = await rev(['merge-base', base, head]);
  // Both commits, and their merge base, are in the checkout: the base's policy reader asks no more.
  if (found) GitRepository.open(dir)?.knowCommits([base, head, found]);
  return found;
}
