import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readlinkSync,
  readSync,
  realpathSync,
} from 'node:fs';
import path from 'node:path';
import type { LeftOutKind, Severity } from '../types.js';
import { type FileIndexResult, listFiles } from './files.js';
import { literalBases, nameEndings, nameKey, pathMatcher } from './glob.js';
import { type Inspection, inspectFile } from './inspect.js';
import { LineIndex } from './lines.js';
import {
  directoryLinkTarget,
  hasUnder,
  LINK_NOT_READ,
  type LinkResolution,
  resolveInTree,
  type TreeNode,
} from './links.js';
import { lowerBound, Positions } from './positions.js';
import { type Deps, ScopeRecorder, UNREADABLE_INPUT } from './scope.js';
import type { Screen, Selector } from './screens.js';
import {
  bomBelied,
  type ChunkReader,
  decodeText,
  decodeUtf32,
  fdChunks,
  type TextEncoding,
  utf16Encoding,
  utf32Encoding,
} from './stream.js';
import { parseYaml, type YamlDialect, type YamlResult } from './yaml.js';

/** O_NOFOLLOW where the platform has it (not on Windows): opening a symlink then fails with ELOOP. */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/** The read buffer, shared by every read (reads are synchronous); grows to the largest file read. */
let scratch = Buffer.allocUnsafe(64 * 1024);

/** Default cap on bytes read from one file; larger files are listed but not scanned. */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

/**
 * Memo kinds whose value depends on nothing but one file's content, so another view of the same
 * file (the base tree's untouched files, the changed-files view of a pull request) may share it.
 * Aggregates (keyed by '') and anything reading other files are deliberately absent.
 */
export const PER_FILE_MEMOS: ReadonlySet<string> = new Set([
  'workflow',
  'dockerfile',
  'terraform',
  'k8s',
  'deps.json',
  'secrets',
]);

/**
 * {@link PER_FILE_MEMOS}, and the values computed from one file's parse and text only (its syntax
 * checks, expressions, lines): a view may take them from another that read the same file, and a rule
 * that takes one read that file and nothing else.
 */
export const FILE_DERIVED_MEMOS: ReadonlySet<string> = new Set([
  ...PER_FILE_MEMOS,
  'workflow-syntax',
  'workflow-expressions',
  'workflow-expressions-by-holder',
  'workflow-expressions-by-pointer',
  'source-lines',
  'deps.toml',
  'docker-image-commands',
  // The lines of a file that hold a secret (fix/secret-lines.ts): its scan and its parses.
  'secret-lines',
]);

/** Git's heuristic: a NUL byte in the first 8,000 bytes means binary. */
const BINARY_SNIFF_BYTES = 8000;

/**
 * What a read found. Text is UTF-8, or UTF-16 or UTF-32 decoded (by its byte-order mark or its zero bytes).
 * Binary files and files over the size cap are not held in memory; where the reader can, it offers
 * `chunks`, a bounded streaming read for the rules that must still look inside them (secrets).
 */
/** Any character but whitespace: a text file without one holds nothing to check. */
/** A JSON file, read by the YAML reader (JSON is YAML). */
const JSON_FILE = /\.json$/i;
/**
 * How JSON's readers read a repeated key: the last value wins (`JSON.parse`, PHP's `json_decode`,
 * Go's and Python's decoders), where YAML calls it an error. Composer files repeat a key on purpose
 * to hold a comment (`"php": "A NOTE", "php": ">=7.2.5"`).
 */
const JSON_DIALECT: YamlDialect = { duplicateKeys: 'last' };
const NOT_BLANK = /\S/;

export type FileContent =
  // `at`: the file's position in the tree that read it, for recording a rule's scope without a lookup.
  | { kind: 'text'; text: string; lines: LineIndex; at?: number }
  | { kind: 'binary'; size: number; head: Buffer; chunks?: ChunkReader; at?: number }
  | {
      kind: 'too-large';
      size: number;
      encoding?: TextEncoding;
      head?: Buffer;
      chunks?: ChunkReader;
      at?: number;
    }
  /**
   * A symbolic link not read (see links.ts): `reason` says why. `target`: the link's own text, where
   * it is known and the link is still to be resolved (a link of a base tree, read from git).
   */
  | { kind: 'symlink'; reason?: string; target?: string }
  | { kind: 'unreadable'; reason: string };

/** A located problem with an input file (broken YAML, unreadable file) found while evaluating. */
export interface InputProblem {
  path: string;
  message: string;
  line: number;
  column: number;
  /** The grade of the `unparsable-file` finding, when not the rule's own (see {@link Workspace.configText}). */
  severity?: Severity;
}

export interface WorkspaceOptions {
  include?: string[];
  exclude?: string[];
  maxFileBytes?: number;
  /** Use this file list instead of indexing the tree (tests, base trees). */
  files?: readonly string[];
  /**
   * A workspace whose index is `files` itself (the same array), selected by the same include and
   * exclude: its lists and positions are shared instead of built again (a base tree that has the
   * head's files, when the change adds and deletes none). Ignored when either differs.
   */
  sameIndexAs?: Workspace;
  /** The index, listed already (`listFilesAsync`); default: listed here. */
  index?: FileIndexResult;
  /**
   * Texts that stand in for files of the index (`controlgate fix` checks its edits before writing
   * them): read instead of the disk, within the same size cap.
   */
  overlay?: ReadonlyMap<string, string>;
  /** Where reads are recorded; a view of another tree shares that tree's (default: its own). */
  scope?: ScopeRecorder;
  /**
   * Files of another tree that apply to this one, listed (and read) under their own names when this
   * tree has no file of that name: the repository's top-level files (CODEOWNERS, SECURITY.md,
   * `.github/`, `.gitignore`) when the tree checked is a folder of the repository.
   */
  inherited?: Inheritance;
}

/** See {@link WorkspaceOptions.inherited}: the other tree's root, and its files that apply. */
export interface Inheritance {
  root: string;
  files: readonly string[];
}

/**
 * Grouping the files by name ending costs about what testing one or two glob lists or selectors path
 * by path costs (a sorted list's runs of one ending share their key): a tree groups its files at its
 * second search that could use the groups (a slice of the per-file rules is asked by a few dozen; a
 * pull request's whole tree by four to eight), and a short list never does.
 */
const NAME_GROUPS_AFTER = 1;
const NAME_GROUPS_FROM = 256;
const DOT = 0x2e;
const SLASH = 0x2f;

/**
 * What is found once per list of files, for every tree whose list it is (a base tree built beside
 * its head shares the head's list, see `sameIndexAs`): the files each selector passes, and the
 * positions of the files by {@link nameKey}.
 */
interface ListCache {
  /** Files by selector name (see `Workspace.filesWhere`). */
  readonly selected: Map<string, readonly string[]>;
  /** Positions of the files by {@link nameKey}, ascending (see {@link NAME_GROUPS_AFTER}). */
  byNameKey?: Map<string, number[]>;
  /** Searches that could have used {@link byNameKey}, made path by path before it was made. */
  ungroupedLists: number;
}

const LIST_CACHES = new WeakMap<readonly string[], ListCache>();

/** The cache of one list of files (see {@link ListCache}). */
function listCache(files: readonly string[]): ListCache {
  let cache = LIST_CACHES.get(files);
  if (!cache) {
    cache = { selected: new Map(), ungroupedLists: 0 };
    LIST_CACHES.set(files, cache);
  }
  return cache;
}

/**
 * Each file's position under its {@link nameKey}, ascending. A sorted list holds runs of one key (the
 * files of a folder): a path that ends with the key before it, after a `.` or `/`, has that key (the
 * key holds neither), and takes no string of its own.
 */
function groupByNameKey(files: readonly string[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  let lastKey = '';
  let last: number[] | undefined;
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    const before = f.length - lastKey.length - 1;
    if (last && before >= 0 && f.endsWith(lastKey)) {
      const c = f.charCodeAt(before);
      if (c === DOT || c === SLASH) {
        last.push(i);
        continue;
      }
    }
    const key = nameKey(f);
    let group = groups.get(key);
    if (!group) {
      group = [];
      groups.set(key, group);
    }
    group.push(i);
    // A key '' (a name ending with `.`) or '/' (a folder) is not one a later path is known by this way.
    last = key === '' || key === '/' ? undefined : group;
    lastKey = key;
  }
  return groups;
}

/** What a rule's report says of a symbolic link it could not read (see links.ts). */
function linkLeftOut(reason: string | undefined): LeftOutKind {
  return { kind: 'symbolic link', reason: reason ?? LINK_NOT_READ.outside };
}

/**
 * The tree under evaluation. One file index per run; each file read at most once and shared by every
 * rule; parsers run once per file. Never reads outside `root`: a symbolic link is read only when it
 * resolves, step by step within the tree, to a regular file of the index (see links.ts), and is then
 * that file's content at the link's path.
 */
export class Workspace {
  readonly root: string;
  readonly files: readonly string[];
  /**
   * Every file of the index, before `include`/`exclude`: what exists in the repository (evidence
   * for a declared control may sit in a path no rule scans).
   */
  readonly indexed: readonly string[];
  readonly indexSource: 'git' | 'walk' | 'given';
  readonly maxFileBytes: number;
  /** The symbolic links of {@link indexed}, when the listing said (see {@link symbolicLinks}). */
  private readonly indexLinks: readonly string[] | undefined;
  /** Each file's position in {@link files}. */
  protected readonly fileIndex: Positions;
  private readonly contents = new Map<string, FileContent>();
  private readonly yamlCache = new Map<string, YamlResult>();
  /** Files of {@link yamlCache} that are empty or whitespace only: no input of a rule (see `read`). */
  private readonly blank = new Set<string>();
  private readonly problems = new Map<string, InputProblem>();
  /** Files of the index that were not in the working tree when read (see {@link missingFiles}). */
  private readonly missing = new Set<string>();
  private readonly matchers = new Map<string, (p: string) => boolean>();
  private readonly globs = new Map<string, readonly string[]>();
  /** By kind, then by file (no key string built per lookup: the secrets memo alone is asked per rule and file). */
  private readonly memos = new Map<string, MemoStore>();
  /**
   * What computing a memo's value left out (see {@link leaveOut}), handed to every rule that gets the
   * value; apart from the entries, since nearly none leaves anything out.
   */
  private memoLeft: WeakMap<MemoEntry, readonly number[]> | undefined;
  /** Directories known to be real (true) or a symlink or missing (false) on the way to a file. */
  private readonly directories = new Map<string, boolean>();
  /** The directory of the last file opened, and its answer (see {@link realDirectoryOf}). */
  private lastDirectory: { name: string; real: boolean } | undefined;
  /** The symbolic links met when opening files, by path: how each resolved (see {@link linkOf}). */
  private links: Map<string, LinkResolution> | undefined;
  /** {@link indexed} sorted, for resolving links (made when a link is first met, if the index is not). */
  private sortedIndex: readonly string[] | undefined;
  /** The real path of the root and a separator, made when a link is first met. */
  private realRoot: string | undefined;
  /** The root and a separator, which a relative path of the index completes. */
  private readonly rootPrefix: string;
  private readonly overlay: ReadonlyMap<string, string> | undefined;
  /** What the rule being evaluated reads (see scope.ts). */
  readonly scope: ScopeRecorder;
  private indexedFiles: Set<string> | undefined;
  /** The inherited files this tree lacks, with the workspace that reads them (see {@link Inheritance}). */
  readonly inheritance?: Inheritance;
  private readonly inheritedFrom?: Workspace;
  /** The include and exclude globs that selected {@link files} from {@link indexed}, as one key. */
  private readonly selection: string;

  constructor(root: string, options: WorkspaceOptions = {}) {
    this.root = path.resolve(root);
    this.rootPrefix = this.root.endsWith(path.sep) ? this.root : this.root + path.sep;
    this.overlay = options.overlay;
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.selection = JSON.stringify([options.include ?? [], options.exclude ?? []]);
    const same = options.sameIndexAs;
    if (same && options.files === same.indexed && this.selection === same.selection && !options.inherited) {
      // The same files, selected alike: the other tree's lists and its map of 100,000 positions
      // serve as they are.
      this.indexSource = 'given';
      this.indexed = same.indexed;
      this.indexLinks = same.indexLinks;
      this.files = same.files;
      this.fileIndex = same.fileIndex;
      this.scope = options.scope ?? new ScopeRecorder(this.files, this.fileIndex);
      return;
    }
    let files: string[];
    if (options.files) {
      files = [...options.files];
      this.indexSource = 'given';
    } else {
      const listed = options.index ?? listFiles(this.root);
      files = listed.files;
      this.indexSource = listed.source;
      this.indexLinks = listed.links;
    }
    if (options.inherited) {
      const own = new Set(files);
      const lacking = options.inherited.files.filter((f) => !own.has(f));
      if (lacking.length > 0) {
        this.inheritance = { root: path.resolve(options.inherited.root), files: lacking };
        this.inheritedFrom = new Workspace(options.inherited.root, {
          files: lacking,
          maxFileBytes: this.maxFileBytes,
        });
        files = [...files, ...lacking].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      }
    }
    const include = options.include?.length ? pathMatcher(options.include) : undefined;
    const exclude = options.exclude?.length ? pathMatcher(options.exclude) : undefined;
    this.indexed = files;
    // Without include or exclude, one list serves both (a copy is 1.6 MB at 200,000 files).
    this.files = include || exclude ? files.filter((f) => (!include || include(f)) && !exclude?.(f)) : files;
    this.fileIndex = new Positions(this.files);
    this.scope = options.scope ?? new ScopeRecorder(this.files, this.fileIndex);
  }

  has(file: string): boolean {
    return this.fileIndex.has(file);
  }

  /**
   * The paths of the index that are symbolic links, sorted, as the listing found them (git's modes,
   * the walk's entry types: nothing is stat'ed for it); none when it did not say (a given list).
   */
  symbolicLinks(): readonly string[] {
    return this.indexLinks ?? [];
  }

  /**
   * The directory of the tree a symbolic link of the index stands for (`deploy/debug -> ../examples`:
   * `examples`), resolved within the tree once (see links.ts); undefined for any other path or link.
   * Its files are judged at their own paths: what uses the link's path uses them too (confidence.ts).
   */
  directoryLink(link: string): string | undefined {
    return this.memo('directory-link', link, () => directoryLinkTarget(link, (p) => this.node(p)));
  }

  /**
   * The symbolic links a tool given the path `to` reads through: a link `to` lies in (`rest`: the
   * path below it), or one that lies in `to` (`''` covers every link). Binary searches in
   * {@link symbolicLinks}.
   */
  linksAlong(to: string): { link: string; rest: string }[] {
    const links = this.symbolicLinks();
    if (links.length === 0) return [];
    const found: { link: string; rest: string }[] = [];
    for (let p = to; p !== ''; p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '') {
      if (links[lowerBound(links, p)] === p) found.push({ link: p, rest: to.slice(p.length + 1) });
    }
    const prefix = to === '' ? '' : `${to}/`;
    for (let i = lowerBound(links, prefix); i < links.length && links[i]!.startsWith(prefix); i++) {
      found.push({ link: links[i]!, rest: '' });
    }
    return found;
  }

  /**
   * The whole tree this workspace is a view of: itself, or for the changed files' view of a pull
   * request and a slice's view, the tree they are cut from. For a per-file rule whose finding in one
   * file rests on other files it finds by glob (the scripts that build a Dockerfile's image), as `has`
   * and `read` answer for the whole tree already; such a rule names their globs in `readsOtherFiles`.
   */
  tree(): Workspace {
    return this;
  }

  /**
   * Whether both trees' lists are strictly sorted in code-unit order (an index is; a given list may
   * not be) and selected from their indexes by the same include and exclude: then they differ only
   * where the indexes do. For trees built side by side (a base tree and its head); static, so that
   * it is no question a view of a tree (a rule's recording view) would have to answer.
   */
  static selectedAlike(a: Workspace, b: Workspace): boolean {
    const sorted = (w: Workspace) => w.fileIndex instanceof Positions && w.fileIndex.sorted;
    return a.selection === b.selection && sorted(a) && sorted(b);
  }

  /** Files matching any of the globs (picomatch syntax, dotfiles included), in index order. */
  glob(patterns: string | readonly string[]): string[] {
    const list = typeof patterns === 'string' ? [patterns] : patterns;
    // Nothing to match: no matcher is compiled.
    if (list.length === 0 || this.files.length === 0) return [];
    // Rules of a family ask for the same files (every workflow audit lists the workflows).
    const key = JSON.stringify(list);
    let found = this.globs.get(key);
    if (!found) {
      found = this.matchFiles(list);
      this.globs.set(key, found);
    }
    return [...found];
  }

  /**
   * The files matching the globs whose text passes the screen, in index order: the rule never sees
   * the others' content, so an edit of one that passes on neither side is no input of its (see
   * screens.ts). Each file is tested once per run.
   */
  screenedGlob(patterns: readonly string[], screen: Screen): string[] {
    return this.glob(patterns).filter((f) => this.passesScreen(f, screen));
  }

  /** {@link passes}, tested once per file and screen in a run (the answer {@link screenedGlob} used). */
  passesScreen(file: string, screen: Screen): boolean {
    return this.memo(`screen:${screen.name}`, file, (f) => this.passes(f, screen));
  }

  /** The files whose path passes the selector, in index order (see screens.ts). */
  filesWhere(selector: Selector): string[] {
    const { selected } = listCache(this.files);
    let found = selected.get(selector.name);
    if (!found) {
      found = this.filesOfKeys(selector.keys, selector.test);
      selected.set(selector.name, found);
    }
    return [...found];
  }

  /**
   * Whether the file's text passes the screen (false for a file that is skipped, or not text). A
   * screen that asks for it (`nonText`) also tests the first bytes of a file that is not text (a NUL
   * byte, more than `maxFileBytes`): one that starts like the family's files passes, so the rules
   * that read it reach it and say it could not be read ({@link configText}) instead of passing over it.
   */
  passes(file: string, screen: Screen): boolean {
    if (screen.skip.length > 0 && this.matcher(screen.skip)(file)) return false;
    const content = this.read(file);
    if (content.kind === 'text') return screen.test(file, content.text);
    const head = screen.nonText ? headText(content) : undefined;
    return head !== undefined && screen.test(file, head);
  }

  /**
   * The text of a configuration file a rule family parses (a workflow, a Dockerfile, a manifest).
   * When it is not text (it holds a NUL byte, or is larger than `maxFileBytes`), no rule can check it,
   * which must not pass unseen: an input problem says so, and the `unparsable-file` rule reports it
   * (high; `large` grades an oversized file of a family where large files are ordinary, and says what
   * such a file must hold to matter).
   */
  configText(file: string, large?: LargeConfig): string | undefined {
    const content = this.read(file);
    if (content.kind === 'text') return content.text;
    if (content.kind === 'binary') {
      this.reportProblem({
        path: file,
        line: 1,
        column: 1,
        message: 'it holds a NUL byte, so it is not read as text',
      });
    } else if (content.kind === 'symlink') {
      // Tools read through a link: one that cannot be followed within the tree is not checked.
      this.reportProblem({
        path: file,
        line: 1,
        column: 1,
        message: `it is a symbolic link, ${content.reason ?? LINK_NOT_READ.outside}, so it is not read`,
      });
    } else if (content.kind === 'too-large') {
      // A large file of a family where large files are ordinary (a bundle of CRDs) is searched whole
      // for what its rules judge; one that holds none of it has nothing for them to miss. One that
      // does is judged by that part (`large.part`) when it is small enough to read: padding a
      // manifest past the size read must not turn what it holds into a note.
      let severity = large?.severity ?? 'high';
      if (large && content.chunks && content.size <= MAX_SEARCH_BYTES) {
        const whole = wholeText(content);
        if (!large.holds(whole)) return undefined;
        if (large.part) {
          const part = large.part(whole, this.maxFileBytes);
          if (part !== undefined) return part;
          severity = 'high';
        }
      }
      this.reportProblem({
        path: file,
        line: 1,
        column: 1,
        message: `it is ${mebibytes(content.size)}, more than the ${mebibytes(this.maxFileBytes)} a file is read up to as text`,
        severity,
      });
    }
    return undefined;
  }

  /** The files matching the globs, in index order (uncached: see {@link glob}). */
  protected matchFiles(patterns: readonly string[]): string[] {
    const match = this.matcher(patterns);
    // Globs under literal directories (`.github/workflows/*.yml`) match only paths that start with
    // them (`a/**` matches `a` itself): in a sorted list a run each, found by binary search, not
    // 100,000 tests.
    const prefixes = this.fileIndex.sorted ? literalBases(patterns) : undefined;
    if (!prefixes) return this.matchByName(patterns, match);
    const found: string[] = [];
    for (const prefix of prefixes) {
      for (let i = lowerBound(this.files, prefix); i < this.files.length; i++) {
        const f = this.files[i]!;
        if (!f.startsWith(prefix)) break;
        if (match(f)) found.push(f);
      }
    }
    return found;
  }

  /**
   * Globs whose names end with literal text (`**` + `/*.tf`, `**` + `/{Dockerfile,Containerfile}`) match
   * only paths of a few {@link nameKey}s (see {@link filesOfKeys}). The rest is tested path by path.
   */
  private matchByName(patterns: readonly string[], match: (path: string) => boolean): string[] {
    return this.filesOfKeys(this.files.length > NAME_GROUPS_FROM ? nameEndings(patterns) : undefined, match);
  }

  /**
   * The files that `match` passes, in index order, when every one it passes has a {@link nameKey}
   * that `keys` passes: once the list has been searched so a few times, its files are grouped by key
   * (for every tree that shares the list), and each later search tests only its groups' files
   * instead of every path. Without `keys`, or on a small list, every path is tested.
   */
  private filesOfKeys(
    keys: ((key: string) => boolean) | undefined,
    match: (path: string) => boolean,
  ): string[] {
    if (!keys || this.files.length <= NAME_GROUPS_FROM) return this.files.filter((f) => match(f));
    const cache = listCache(this.files);
    if (!cache.byNameKey) {
      if (cache.ungroupedLists < NAME_GROUPS_AFTER) {
        cache.ungroupedLists += 1;
        return this.files.filter((f) => match(f));
      }
      cache.byNameKey = groupByNameKey(this.files);
    }
    const positions: number[] = [];
    for (const [key, group] of cache.byNameKey) if (keys(key)) for (const at of group) positions.push(at);
    // In index order: the groups' positions are each ascending, merged by one sort of the few.
    positions.sort((a, b) => a - b);
    const found: string[] = [];
    for (const at of positions) {
      const f = this.files[at]!;
      if (match(f)) found.push(f);
    }
    return found;
  }

  /** A compiled, cached matcher for a set of globs. */
  matcher(patterns: readonly string[]): (p: string) => boolean {
    const key = JSON.stringify(patterns);
    let m = this.matchers.get(key);
    if (!m) {
      m = pathMatcher(patterns);
      this.matchers.set(key, m);
    }
    return m;
  }

  /** Reads a file once (cached): text, or the reason it is not scanned as text. */
  read(file: string): FileContent {
    let content = this.contents.get(file);
    if (!content) {
      content = this.load(file);
      this.contents.set(file, content);
    }
    // A rule examined what it could read: a symlink or an unreadable file is not an input. A link
    // not read is said in the rule's report, never skipped silently.
    if (content.kind === 'symlink') {
      if (this.scope.active) this.leaveOut(file, linkLeftOut(content.reason));
    } else if (
      this.scope.active &&
      (content.kind === 'text' || content.kind === 'binary') &&
      content.at !== undefined &&
      // An empty file (or one of whitespace only) holds nothing a rule could check: reading it is
      // no assessment, so no verdict may rest on it. A file judged by its name is (see `examine`).
      !(content.kind === 'text' && !NOT_BLANK.test(content.text))
    ) {
      this.scope.touchAt(content.at);
      // A link's content is its target's: the target (and every link on the way) is an input too.
      const link = this.links === undefined ? undefined : this.linkOf(file);
      if (link) {
        for (const p of link.chain) this.scope.touch(p);
        if (link.ok) this.scope.touch(link.target);
      }
    }
    return content;
  }

  /**
   * Records files a rule judged without reading them (a required file found by its name): they count
   * in the rule's scope like the files it reads.
   */
  examine(files: string | readonly string[]): void {
    if (!this.scope.active) return;
    for (const f of typeof files === 'string' ? [files] : files) if (this.has(f)) this.scope.touch(f);
  }

  /**
   * Records a file the running rule leaves out on purpose (a Helm chart template, which is no
   * manifest until rendered), with what kind of file it is and why: the report says so, instead of
   * the file being skipped silently. Counted once per rule and kind, apart from what it examined.
   */
  leaveOut(file: string, kind: LeftOutKind): void {
    if (this.scope.active) this.scope.leaveOut(file, kind);
  }

  /**
   * Narrows what the running rule examined to these files, of those it read: a rule that read a
   * family's files but found none of its subjects in most of them (a database rule among `.tf` files
   * without databases) examined only the files that hold its subjects, so a verdict never rests on a
   * file that had nothing the rule judges. Narrowing can only remove, never add.
   */
  examineOnly(files: Iterable<string>): void {
    if (!this.scope.active) return;
    const keep = new Set<number>();
    for (const f of files) {
      const i = this.scope.position(f);
      if (i !== undefined) keep.add(i);
    }
    this.scope.narrow(keep);
  }

  /** The file's text, or undefined when it is binary, too large, a symlink or unreadable. */
  text(file: string): string | undefined {
    const c = this.read(file);
    return c.kind === 'text' ? c.text : undefined;
  }

  /**
   * Forgets the read content of these files (their parses and memos stay): a later read goes to the
   * disk again. For passes over every file that need each text once.
   */
  release(files: readonly string[]): void {
    for (const f of files) this.contents.delete(f);
  }

  /**
   * Forgets these files' parses and per-file memos too (aggregates, keyed by '', stay): for a
   * thread whose files no later rule asks about again, so that what it keeps does not grow with the
   * tree (a slice worker's memos held an entry per file it scanned).
   */
  forget(files: readonly string[]): void {
    this.release(files);
    for (const f of files) {
      this.yamlCache.delete(f);
      this.blank.delete(f);
      for (const store of this.memos.values()) store.values.delete(f);
    }
  }

  /** Parsed YAML (cached). A parse failure is also recorded as an input problem of the file. */
  yaml(file: string): YamlResult | undefined {
    const cached = this.yamlCache.get(file);
    if (cached) {
      // Credited as reading it is: an empty file is no input (see `read`).
      if (this.scope.active && !this.blank.has(file)) this.scope.touch(file);
      // The problem was recorded by the rule that parsed it first; this one could not check it either.
      if (!cached.ok) this.leaveOut(file, UNREADABLE_INPUT);
      return cached;
    }
    const text = this.text(file);
    if (text === undefined) return undefined;
    const result = parseYaml(text, undefined, JSON_FILE.test(file) ? JSON_DIALECT : undefined);
    this.yamlCache.set(file, result);
    if (!NOT_BLANK.test(text)) this.blank.add(file);
    if (!result.ok) this.reportProblem({ path: file, ...result.error });
    return result;
  }

  /**
   * Caches the result of a parser (or any per-file computation) so that every rule shares it:
   * `workspace.memo('dockerfile', file, () => parseDockerfile(text))`. `compute` is given the file,
   * so that a hot caller can pass one function for every file instead of a closure per call.
   */
  memo<T>(kind: string, file: string, compute: (file: string) => T): T {
    let store = this.memos.get(kind);
    if (!store) {
      store = { values: new Map() };
      this.memos.set(kind, store);
    }
    const values = store.values;
    const entry = values.get(file);
    if (entry !== undefined) {
      if (this.scope.active) {
        const deps = entry.deps;
        if (typeof deps === 'number') this.scope.touchAt(deps);
        // Indexed: most lists are the shared frozen empty one, which a for-of iterated with an object.
        else for (let i = 0; i < deps.length; i++) this.scope.touchAt(deps[i]!);
        const left = this.memoLeft?.get(entry);
        if (left) this.scope.replayLeft(left);
      }
      return entry.value as T;
    }
    // The files the computation reads are remembered with its value (an asynchronous one's when it
    // settles), so the rules that reuse the value are credited with them.
    const frame = this.scope.openFrame();
    let value: T;
    try {
      value = compute(file);
    } catch (err) {
      this.scope.closeFrame(frame);
      this.scope.takeLeft();
      throw err;
    }
    const stored: MemoEntry = { value, deps: NO_DEPS };
    values.set(file, stored);
    if (value instanceof Promise) {
      const settle = () => this.settleMemo(stored, frame);
      value.then(settle, settle);
    } else this.settleMemo(stored, frame);
    return value;
  }

  /** Closes a memo's computation: what it read, and what it left out, go with its value. */
  private settleMemo(stored: MemoEntry, frame: number): void {
    stored.deps = this.scope.closeFrame(frame);
    const left = this.scope.takeLeft();
    if (!left) return;
    this.memoLeft ??= new WeakMap();
    this.memoLeft.set(stored, left);
  }

  /**
   * A file of the index (include and exclude do not apply: evidence may sit where no rule looks),
   * hashed over its exact bytes, with its text when small: for evidence cited in the declarations.
   * Not cached, and no rule's scope: it is read for the declarations, not by a rule.
   */
  inspect(file: string): Inspection {
    if (!this.indexedSet.has(file)) return { ok: false, reason: 'it is not in the repository' };
    return inspectFile(this.root, file, (dir) => this.realDirectory(dir));
  }

  private get indexedSet(): ReadonlySet<string> {
    this.indexedFiles ??= new Set(this.indexed);
    return this.indexedFiles;
  }

  /**
   * Records a located problem with an input file; the first problem per file wins. The rule that met
   * it (each rule that does) could not check the file, which its scope says: never as examined.
   */
  reportProblem(problem: InputProblem): void {
    if (!this.problems.has(problem.path)) this.problems.set(problem.path, problem);
    this.leaveOut(problem.path, UNREADABLE_INPUT);
  }

  /**
   * Files of the index this thread found missing from the working tree when it read them, sorted:
   * a change judged from git's index (see `ChangeOptions.worktree`) does not stat the tree, so a
   * tracked file an earlier step deleted without staging is still listed. Said in the log, not
   * skipped silently.
   */
  missingFiles(): string[] {
    return [...this.missing].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Problems recorded so far, sorted by path. */
  inputProblems(): InputProblem[] {
    return [...this.problems.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /**
   * Whether the rules plan fixes for their findings: true, except on a change's base tree, whose
   * findings only tell the head's new ones from the existing (their fingerprints are all it keeps).
   */
  get plansFixes(): boolean {
    return true;
  }

  /** Whether a file is another tree's (see {@link Inheritance}). */
  isInherited(file: string): boolean {
    return this.inheritedFrom?.has(file) ?? false;
  }

  private load(file: string): FileContent {
    const opened = this.open(file);
    if (!('fd' in opened)) return opened;
    const { fd, size, at } = opened;
    try {
      // A file over the cap is only sniffed. The bytes land in one reused buffer (the text is a
      // copy), so reading a large tree leaves no buffer per file behind for the collector.
      const want = size > this.maxFileBytes ? Math.min(size, BINARY_SNIFF_BYTES) : size;
      if (scratch.length < want) scratch = Buffer.allocUnsafe(Math.max(want, scratch.length * 2));
      const buf = scratch;
      let read = 0;
      while (read < want) {
        const n = readSync(fd, buf, read, want - read, read);
        if (n === 0) break;
        read += n;
      }
      // One view of the buffer per file: the text is decoded from the buffer's range, not a view.
      const head = buf.subarray(0, Math.min(read, BINARY_SNIFF_BYTES));
      // UTF-32 (its byte-order mark starts like UTF-16LE's) is decoded when the file is within the
      // cap; past it, it is read as bytes, as binary content is.
      // A byte-order mark is believed only when the content agrees (see bomBelied): past the cap, as
      // far as the head tells.
      const belied = bomBelied(size > this.maxFileBytes ? head : buf.subarray(0, read));
      const utf32 = belied ? undefined : utf32Encoding(head);
      const utf16 = utf32 || belied ? undefined : utf16Encoding(head);
      const nul = head.indexOf(0) !== -1;
      const chunks = () =>
        fdChunks(() => {
          const again = this.open(file);
          return 'fd' in again ? again.fd : undefined;
        });
      if (size > this.maxFileBytes) {
        const encoding: TextEncoding = utf16 ?? (nul ? 'latin1' : 'utf-8');
        return encoding === 'latin1'
          ? { kind: 'binary', size, head: Buffer.from(head), chunks: chunks(), at }
          : { kind: 'too-large', size, encoding, head: Buffer.from(head), chunks: chunks(), at };
      }
      if (utf32) {
        const text = decodeUtf32(buf.subarray(0, read), utf32);
        return { kind: 'text', text, lines: new LineIndex(text), at };
      }
      if (utf16) {
        const text = decodeText(buf.subarray(0, read), utf16);
        return { kind: 'text', text, lines: new LineIndex(text), at };
      }
      if (nul) return { kind: 'binary', size, head: Buffer.from(head), chunks: chunks(), at };
      let text = buf.toString('utf8', 0, read);
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      return { kind: 'text', text, lines: new LineIndex(text), at };
    } catch (err) {
      return { kind: 'unreadable', reason: (err as NodeJS.ErrnoException).code ?? String(err) };
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Opens a file of the index for reading, or says why not: never through a symbolic link (the file
   * or a directory on the way), never outside the root, never a FIFO or device.
   */
  private open(file: string): { fd: number; size: number; at: number } | FileContent {
    const at = this.fileIndex.get(file);
    if (at === undefined || !isSafeRelative(file)) {
      return { kind: 'unreadable', reason: 'not in the workspace index' };
    }
    const staged = this.overlay?.get(file);
    if (staged !== undefined) {
      if (staged.length > this.maxFileBytes) return { kind: 'too-large', size: staged.length };
      return { kind: 'text', text: staged, lines: new LineIndex(staged) };
    }
    if (this.inheritedFrom?.has(file)) {
      const content = this.inheritedFrom.read(file);
      this.inheritedFrom.release([file]);
      return content;
    }
    // The file is safe and relative: the kernel resolves it under the root as path.join would
    // (which normalised it through several strings per file).
    const abs = this.rootPrefix + file;
    let fd: number | undefined;
    try {
      // A directory on the way may be a symlink pointing out of the tree: each directory is checked
      // once per run. The file itself is opened without following a final symlink, and without
      // blocking on a FIFO; where the platform has no O_NOFOLLOW, lstat tells first.
      if (!this.realDirectoryOf(file)) return this.openLink(file, at);
      if (!NO_FOLLOW && lstatSync(abs).isSymbolicLink()) return this.openLink(file, at);
      try {
        fd = openSync(abs, constants.O_RDONLY | NO_FOLLOW | (constants.O_NONBLOCK ?? 0));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // Only a path already known to be a link costs the resolution's system calls.
        if (code === 'ELOOP' || code === 'EMLINK') return this.openLink(file, at);
        if (code === 'ENOENT') this.missing.add(file);
        throw err;
      }
      const st = fstatSync(fd);
      if (!st.isFile()) {
        closeSync(fd);
        return { kind: 'unreadable', reason: 'not a regular file' };
      }
      return { fd, size: st.size, at };
    } catch (err) {
      if (fd !== undefined) closeSync(fd);
      return { kind: 'unreadable', reason: (err as NodeJS.ErrnoException).code ?? String(err) };
    }
  }

  /**
   * Opens a file of the index that is a symbolic link, or lies under one: resolved step by step
   * within the tree (see links.ts), the real path checked to lie under the root's, the file opened
   * without following a final link. Anything else is a link not read, with the reason.
   */
  private openLink(file: string, at: number): { fd: number; size: number; at: number } | FileContent {
    const resolved = this.resolveLink(file);
    if (!resolved.ok) {
      if (resolved.chain.length === 0) {
        // No link on the way: the path is missing (an earlier step deleted it), not a link.
        this.missing.add(file);
        return { kind: 'unreadable', reason: 'ENOENT' };
      }
      return { kind: 'symlink', reason: resolved.reason };
    }
    let fd: number | undefined;
    try {
      this.realRoot ??= withSep(realpathSync(this.root));
      const abs = this.rootPrefix + resolved.target;
      // Belt and braces: the kernel's answer must be the path resolved here, under the root.
      if (realpathSync(abs) !== this.realRoot + resolved.target.split('/').join(path.sep))
        return { kind: 'symlink', reason: LINK_NOT_READ.outside };
      fd = openSync(abs, constants.O_RDONLY | NO_FOLLOW | (constants.O_NONBLOCK ?? 0));
      const st = fstatSync(fd);
      if (!st.isFile()) {
        closeSync(fd);
        return { kind: 'symlink', reason: LINK_NOT_READ.special };
      }
      return { fd, size: st.size, at };
    } catch (err) {
      if (fd !== undefined) closeSync(fd);
      const code = (err as NodeJS.ErrnoException).code;
      return code === 'ELOOP' || code === 'ENOENT'
        ? { kind: 'symlink', reason: code === 'ELOOP' ? LINK_NOT_READ.loop : LINK_NOT_READ.dangling }
        : { kind: 'unreadable', reason: code ?? String(err) };
    }
  }

  /** Resolves a path of the index within the tree (recorded: see {@link linkOf}). */
  protected resolveLink(file: string): LinkResolution {
    const known = this.links?.get(file);
    if (known) return known;
    const resolved = resolveInTree(file, (p) => this.node(p));
    this.links ??= new Map();
    this.links.set(file, resolved);
    return resolved;
  }

  /**
   * The file of this tree that `file` is another name for: the target of a symbolic link (or of a
   * path under one) that resolves within the tree to another file this tree lists. Undefined for a
   * regular file, a link not read, and a link to a file the index lacks or include and exclude leave
   * out: such a link is the only name its content is judged under. A rule's finding at an alias that
   * repeats its finding at the target adds nothing (see `RuleRun`).
   */
  aliasOf(file: string): string | undefined {
    if (!this.has(file) || !isSafeRelative(file) || this.listedAsRegular(file)) return undefined;
    const resolved = this.resolveLink(file);
    return resolved.ok && resolved.chain.length > 0 && resolved.target !== file && this.has(resolved.target)
      ? resolved.target
      : undefined;
  }

  /**
   * Whether the listing says what `file` is, a regular file under real directories (git's modes and
   * the walk's entry types name no symbolic link at it or above it), and this tree met no link on
   * the way when it opened it: then it is no other file's name, and {@link aliasOf} asks the file
   * system nothing (a pull request asked it about every finding a reused rule repeated word for word
   * at other paths). A file that became a link after the listing is still caught where it is read:
   * opening it resolves the link, and records it. (A directory that became one is never followed.)
   */
  protected listedAsRegular(file: string): boolean {
    return this.indexLinks !== undefined && !this.links?.has(file) && this.linksAlong(file).length === 0;
  }

  /**
   * How a path met while opening a file resolved, when it is a symbolic link or lies under one:
   * undefined for a path this tree opened as a regular file, or has not opened.
   */
  linkOf(file: string): LinkResolution | undefined {
    const r = this.links?.get(file);
    return r && r.chain.length > 0 ? r : undefined;
  }

  /**
   * What a path is, for resolving a link (see links.ts): a path of the index is a link (its text
   * read), a regular file or something else as the disk says; a path with files of the index
   * under it is a directory, if it is a real one; anything else is missing.
   */
  node(p: string): TreeNode {
    this.sortedIndex ??= isSorted(this.indexed) ? this.indexed : [...this.indexed].sort(compareCodeUnits);
    const list = this.sortedIndex;
    if (list[lowerBound(list, p)] === p) {
      try {
        const abs = this.rootPrefix + p;
        if (!this.realDirectoryOf(p)) return { kind: 'missing' };
        const st = lstatSync(abs);
        if (st.isSymbolicLink()) return { kind: 'link', target: readlinkSync(abs, 'utf8') };
        return st.isFile() ? { kind: 'file' } : { kind: 'other' };
      } catch {
        return { kind: 'missing' };
      }
    }
    if (hasUnder(list, p) && this.realDirectory(p)) return { kind: 'dir' };
    return { kind: 'missing' };
  }

  /**
   * {@link realDirectory} of a file's directory. Files are read in index order, so most share the
   * directory of the file before: that answer is reused without cutting the directory's name out.
   */
  private realDirectoryOf(file: string): boolean {
    const slash = file.lastIndexOf('/');
    if (slash <= 0) return this.realDirectory(slash === 0 ? '/' : '.');
    const last = this.lastDirectory;
    if (last && last.name.length === slash && file.startsWith(last.name)) return last.real;
    const name = file.slice(0, slash);
    const real = this.realDirectory(name);
    this.lastDirectory = { name, real };
    return real;
  }

  /** Whether a directory (relative, POSIX) and every directory above it is a real one, not a symlink. */
  private realDirectory(dir: string): boolean {
    if (dir === '.' || dir === '') return true;
    let real = this.directories.get(dir);
    if (real === undefined) {
      real = this.realDirectory(path.posix.dirname(dir));
      if (real) {
        try {
          real = lstatSync(path.join(this.root, dir)).isDirectory();
        } catch {
          real = false;
        }
      }
      this.directories.set(dir, real);
    }
    return real;
  }
}

/** One kind of memo, by file. */
interface MemoStore {
  values: Map<string, MemoEntry>;
}

/**
 * A memo's value and the positions of the files computing it read (one number for the usual parse of
 * one file), handed to the scope of every rule that gets the value.
 */
interface MemoEntry {
  value: unknown;
  deps: Deps;
}

const NO_DEPS: Deps = Object.freeze([]);

function withSep(p: string): string {
  return p.endsWith(path.sep) ? p : p + path.sep;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a list is strictly sorted in code-unit order. */
function isSorted(list: readonly string[]): boolean {
  for (let i = 1; i < list.length; i++) if (list[i - 1]! >= list[i]!) return false;
  return true;
}

/** Rejects absolute paths and any `..` segment. */
function isSafeRelative(file: string): boolean {
  if (path.isAbsolute(file) || file.includes('\0')) return false;
  // Split only a path that has `..` somewhere (one array per read of 100,000 files otherwise).
  return !file.includes('..') || !file.split(/[\\/]/).includes('..');
}

/** How {@link Workspace.configText} treats a file over the size read, for a family where such files are ordinary. */
export interface LargeConfig {
  /** The grade of the problem when it is reported. */
  severity: Severity;
  /** Whether the whole text holds something the family's rules judge; when not, nothing is reported. */
  holds(text: string): boolean;
  /**
   * The text the family's rules judge, with every line kept in its place (what they do not judge
   * blanked), when it is no larger than `max` characters; undefined when what they judge is larger
   * itself, which is then reported high.
   */
  part?(text: string, max: number): string | undefined;
}

/** The most of a large configuration file searched whole (see {@link LargeConfig}); larger ones are reported. */
const MAX_SEARCH_BYTES = 64 * 1024 * 1024;

/** The whole text of a file over the size read, from its chunks (see {@link LargeConfig}). */
function wholeText(content: Extract<FileContent, { kind: 'too-large' }>): string {
  const parts: Buffer[] = [];
  for (const chunk of content.chunks!(MAX_SEARCH_BYTES)) parts.push(Buffer.from(chunk));
  const bytes = Buffer.concat(parts);
  return content.encoding && content.encoding !== 'utf-8' && content.encoding !== 'latin1'
    ? decodeText(bytes, content.encoding)
    : bytes.toString('utf8');
}

/** The first bytes of a file that is not text, decoded for a screen's test (see `Workspace.passes`). */
function headText(content: FileContent): string | undefined {
  if (content.kind === 'binary') return content.head.toString('latin1');
  if (content.kind === 'too-large' && content.head) {
    return content.encoding && content.encoding !== 'utf-8' && content.encoding !== 'latin1'
      ? decodeText(content.head, content.encoding)
      : content.head.toString('utf8');
  }
  return undefined;
}

/** A size in MiB, to one decimal: `2.3 MiB`. */
function mebibytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
}
