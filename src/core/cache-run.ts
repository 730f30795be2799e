/**
 * The results cache in a run (see file-cache.ts): which per-file rules a full check takes from an
 * earlier run's cache for the files whose blob is unchanged ({@link CachePlan}), and what this run
 * leaves for the next one ({@link CacheCollector}).
 */

import { findingPaths, type StoredInputs, type StoredRule } from './base-results.js';
import type { RuleOutcome } from './evaluate-rule.js';
import { getEvaluator } from './evaluators/registry.js';
import { type CachedRule, FILE_CACHE_FORMAT, type FileCache, type ScreenRecord } from './file-cache.js';
import { quietChange } from './quiet-change.js';
import type { RawFinding, Rule } from './types.js';
import { VERSION } from './version.js';
import { pathMatcher } from './workspace/glob.js';
import { lowerBound } from './workspace/positions.js';
import type { TreeChange } from './workspace/scope.js';
import { screenNamed } from './workspace/screens.js';
import type { InputProblem, Workspace } from './workspace/workspace.js';

/** The results cache as a run uses it. */
export interface FileCacheRun {
  /** An earlier run's cache; the caller answers for where it came from. */
  previous?: FileCache;
  /** The run's key (see `resultsKey`): a cache with another was written by other rules or settings. */
  key: string;
  /** Each tracked file's blob in git's index, and the files the working tree modified. */
  blobs: { ids: ReadonlyMap<string, string>; modified: ReadonlySet<string> };
  /** Whether to gather this run's results for the next run (see `RuleRun.cacheResult`). */
  collect: boolean;
}

/** What the run took from the cache, for the log. */
export interface CacheUse {
  /** Files whose results came from the cache (unchanged blobs), and files in all. */
  unchanged: number;
  files: number;
  /** Rules taken from the cache for those files, and rules the cache can hold. */
  kept: number;
  cacheable: number;
  /** Why nothing was taken, when nothing was. */
  reason?: string;
}

/**
 * Whether the cache may hold a rule's findings file by file: they depend on that file alone, or also
 * on other files the rule names by globs (`readsOtherFiles`), which the plan checks for changes.
 */
export function cacheable(rule: Rule): boolean {
  const evaluator = getEvaluator(rule.check.kind);
  return evaluator?.scope === 'file' && !evaluator.mainThread && evaluator.readsOtherFiles !== true;
}

/**
 * Whether a change touches the other files a rule's findings depend on (`readsOtherFiles` globs):
 * then its cached results may be stale for files that did not change, and it is evaluated again.
 */
function readsChanged(rule: Rule, changed: ReadonlySet<string>, quiet: (file: string) => boolean): boolean {
  if (changed.size === 0) return false;
  const globs = getEvaluator(rule.check.kind)?.readsOtherFiles;
  if (!globs || globs === true) return false;
  // Files read whatever their name (`readsAlso`) need no test of their content here: one the rule
  // read when the cache was written is among what it examined (`judgedChanged`), and one it looked
  // for and did not find is among what it asked (the plan's existence questions).
  const match = pathMatcher(globs);
  for (const p of changed) if (match(p) && !quiet(p)) return true;
  return false;
}

/**
 * Whether a rule that reads other files (and does not examine every file on its own account)
 * examined, when the cache was written, a file the change touches: the other files it read then
 * were read for the files it judged, so what it examined of them is known again only by evaluating
 * it again (a Dockerfile that now names a pinned base no longer reads the build scripts).
 */
function judgedChanged(
  rule: Rule,
  changed: ReadonlySet<string>,
  prev: FileCache,
  ruleIndex: ReadonlyMap<string, number>,
  quiet: (file: string) => boolean,
): boolean {
  if (changed.size === 0) return false;
  const evaluator = getEvaluator(rule.check.kind);
  if (!Array.isArray(evaluator?.readsOtherFiles) || evaluator.examinesEveryFile) return false;
  const i = ruleIndex.get(rule.id)!;
  for (const p of changed) {
    if (readBy(prev, p, i) && !quiet(p)) return true;
  }
  return false;
}

/**
 * The mode of a symbolic link in git's index, as a blob's entry begins (see `parseGitIndex`). A link's
 * blob is the path it holds, and the rules read the file it leads to: an edit of that file leaves the
 * link's blob as it was, so a link is read again at every run.
 */
const SYMLINK_MODE = '120000 ';

/** A kept rule's part of the unchanged files: its findings by position in the tree, and the positions it read. */
interface RulePart {
  found: [number, RawFinding[]][];
  examined: number[];
}

/** A cache taken up by a run: those of the cacheable rules whose answers still hold, on the unchanged files. */
export class CachePlan {
  /** Rules taken from the cache on the unchanged files (evaluated on {@link todo} only). */
  readonly kept = new Set<string>();
  /** Files the kept rules read again: new, modified, untracked, or of another blob than cached. */
  readonly todo: string[] = [];
  /** By kept rule: the positions of the quiet changes it read when the cache was written (see `quietFor`). */
  private readonly quietRead = new Map<string, number[]>();
  readonly use: CacheUse;
  private readonly ruleIndex = new Map<string, number>();
  /** The earlier run's cache, when it fits the run. */
  previous: FileCache | undefined;
  /** For each file of the tree, its position in the cache when its blob is unchanged, else -1. */
  private at: Int32Array = new Int32Array(0);
  private split: { parts: RulePart[]; problems: InputProblem[] } | undefined;
  /** How the tree differs from the cached one, when the cache fits (for the rules that read across files). */
  change: TreeChange | undefined;

  constructor(
    run: FileCacheRun,
    private readonly workspace: Workspace,
    rules: readonly Rule[],
  ) {
    const files = workspace.files;
    const reason = this.unfit(run);
    const prev = run.previous;
    if (reason || !prev) {
      this.use = {
        unchanged: 0,
        files: files.length,
        kept: 0,
        cacheable: rules.length,
        reason: reason ?? 'none',
      };
      return;
    }
    this.previous = prev;
    for (const [i, r] of prev.rules.entries()) {
      // A rule whose existence questions get another answer now is evaluated over every file.
      if (r.asked.every(([p, exists]) => workspace.has(p) === exists)) this.ruleIndex.set(r.id, i);
    }
    // Both lists are sorted: one walk pairs each file with its entry.
    const { ids, modified } = run.blobs;
    this.at = new Int32Array(files.length).fill(-1);
    const paths = prev.paths;
    // A file with a finding judged by the clock (see `RawFinding.until`) that has run out is read again.
    const now = Date.now();
    const expired = new Set<number>();
    for (const [at, byRule] of Object.entries(prev.found)) {
      for (const list of Object.values(byRule)) {
        if (list.some((f) => f.until !== undefined && f.until <= now)) expired.add(Number(at));
      }
    }
    const presence = new Set<string>();
    let j = 0;
    for (let pos = 0; pos < files.length; pos++) {
      const f = files[pos]!;
      while (j < paths.length && paths[j]! < f) presence.add(paths[j++]!);
      const blob = ids.get(f);
      if (paths[j] !== f) presence.add(f);
      else if (
        blob !== undefined &&
        prev.blobs[j] === blob &&
        !blob.startsWith(SYMLINK_MODE) &&
        !modified.has(f) &&
        !expired.has(j)
      )
        this.at[pos] = j++;
      else j++;
      if (this.at[pos]! < 0) this.todo.push(f);
    }
    while (j < paths.length) presence.add(paths[j++]!);
    // Added, deleted, modified or untracked: a file not cached as it is now (the cache holds no
    // untracked file, so each is new to it).
    const changed = new Set<string>([...this.todo, ...presence]);
    this.change = {
      paths: changed,
      listing: presence.size > 0,
      presence,
      screened: (file, name) => this.screenedEither(file, name),
    };
    let why: string | undefined;
    // The kept rules read the changed files on this thread alone: past half the tree, the slices
    // (on every thread) are faster.
    if (this.todo.length * 2 > files.length) why = `${this.todo.length} of ${files.length} files changed`;
    else {
      for (const r of rules) {
        if (!this.ruleIndex.has(r.id)) continue;
        const quiet = this.quietFor(r, prev);
        if (readsChanged(r, changed, quiet) || judgedChanged(r, changed, prev, this.ruleIndex, quiet))
          continue;
        this.kept.add(r.id);
        // A quiet change the rule read for its screen then, it reads again now: still examined.
        const i = this.ruleIndex.get(r.id)!;
        const read = [...changed].filter((p) => quiet(p) && readBy(prev, p, i));
        const positions = read.flatMap((p) => workspace.scope.position(p) ?? []);
        if (positions.length > 0) this.quietRead.set(r.id, positions);
      }
    }
    this.use = {
      unchanged: why ? 0 : files.length - this.todo.length,
      files: files.length,
      kept: this.kept.size,
      cacheable: rules.length,
      ...(why ? { reason: why } : {}),
    };
  }

  /**
   * The rule's quiet changes (see quiet-change.ts): a file the cache holds and the tree has now (an
   * edit: what the rule examined of it stays), read by the rule only through a screen it passes
   * neither now nor when the cache was written. An added or deleted file is no quiet change.
   */
  private quietFor(rule: Rule, prev: FileCache): (file: string) => boolean {
    // Looked up when first asked: a plan whose change touches nothing the rule reads never asks.
    let test: ReturnType<typeof quietChange> | null | undefined;
    return (file) => {
      if (test === undefined) {
        const evaluator = getEvaluator(rule.check.kind);
        test = (evaluator && quietChange(evaluator)) ?? null;
      }
      return (
        test !== null &&
        this.workspace.has(file) &&
        sortedIndex(prev.paths, file) >= 0 &&
        test(file, (f, screen) => this.screenedEither(f, screen.name))
      );
    };
  }

  /**
   * Whether a changed file the cache holds passes the named screen now, or passed it when the cache
   * was written (its record; a screen without one, or a file none of its globs matched then: yes).
   */
  private screenedEither(file: string, name: string): boolean {
    const screen = screenNamed(name);
    if (!screen) return true;
    if (this.workspace.has(file) && this.workspace.passesScreen(file, screen)) return true;
    const prev = this.previous;
    const record = prev?.screens?.[name];
    if (!prev || !record) return true;
    const at = sortedIndex(prev.paths, file);
    if (at < 0 || !record.patterns.some((globs) => this.workspace.matcher(globs)(file))) return true;
    return sortedIndex(record.passed, at) >= 0;
  }

  private unfit(run: FileCacheRun): string | undefined {
    const prev = run.previous;
    if (!prev) return undefined;
    if (prev.version !== VERSION) return `it was written by controlgate ${prev.version}, this is ${VERSION}`;
    if (prev.key !== run.key) return 'it was written with other rules or settings than the policy in force';
    return undefined;
  }

  /** The position in the cache of the file at `pos` in the tree, when its blob is unchanged; else -1. */
  unchangedAt(pos: number): number {
    return this.at[pos] ?? -1;
  }

  /** The input problems recorded in the unchanged files (they are not parsed again). */
  problems(): InputProblem[] {
    return this.kept.size === 0 ? [] : this.splitByRule().problems;
  }

  /** A kept rule's findings on the unchanged files, by position in the tree, and the positions it read. */
  cached(id: string): RulePart {
    const part = this.splitByRule().parts[this.ruleIndex.get(id)!] ?? { found: [], examined: [] };
    const quiet = this.quietRead.get(id);
    return quiet ? { ...part, examined: [...part.examined, ...quiet].sort((a, b) => a - b) } : part;
  }

  /**
   * Files known to hold no inline-ignore comment: unchanged since the cache, where they held
   * findings and no comment (triage need not read them).
   */
  quiet(): Set<string> {
    const quiet = new Set<string>();
    const prev = this.previous;
    if (!prev) return quiet;
    const loud = new Set(prev.inlineIgnores);
    const unchanged = (p: string) => {
      const pos = this.workspace.scope.position(p);
      return pos !== undefined && this.at[pos]! >= 0;
    };
    const stored = [
      ...Object.keys(prev.found).map((at) => prev.paths[Number(at)]!),
      ...findingPaths({ rules: prev.across }),
    ];
    for (const p of stored) if (!loud.has(p) && unchanged(p)) quiet.add(p);
    return quiet;
  }

  /** The existence questions a kept rule asked on the unchanged files (kept for the next run). */
  asked(id: string): [string, boolean][] {
    const i = this.ruleIndex.get(id);
    return i === undefined ? [] : (this.previous?.rules[i]?.asked ?? []);
  }

  /** Every rule's part of the unchanged files, and their problems, in one pass over the tree. */
  private splitByRule(): { parts: RulePart[]; problems: InputProblem[] } {
    if (this.split) return this.split;
    const prev = this.previous!;
    const parts: RulePart[] = prev.rules.map(() => ({ found: [], examined: [] }));
    const problems: InputProblem[] = [];
    for (let pos = 0; pos < this.at.length; pos++) {
      const j = this.at[pos]!;
      if (j < 0) continue;
      for (const i of prev.readers[prev.read[j]!]!) parts[i]!.examined.push(pos);
      const found = prev.found[j];
      if (found) for (const [k, raw] of Object.entries(found)) parts[Number(k)]!.found.push([pos, raw]);
      const x = prev.problems[j];
      if (x) problems.push(x);
    }
    this.split = { parts, problems };
    return this.split;
  }
}

/** Whether the rule at `i` of the cache read `file` when the cache was written. */
function readBy(prev: FileCache, file: string, i: number): boolean {
  const at = sortedIndex(prev.paths, file);
  return at >= 0 && prev.readers[prev.read[at]!]!.includes(i);
}

/** The position of `item` in the ascending list, or -1. */
function sortedIndex<T extends string | number>(list: readonly T[], item: T): number {
  const at = lowerBound(list, item);
  return list[at] === item ? at : -1;
}

/** Each screen the stored rules list files through, with the glob lists they ask it under. */
function screensAsked(
  across: Record<string, StoredRule>,
  perFile: readonly Rule[],
): Map<string, Map<string, string[]>> {
  const asked = new Map<string, Map<string, string[]>>();
  const add = (inputs: StoredInputs['screened']) => {
    for (const { patterns, screen } of inputs) {
      const lists = asked.get(screen) ?? new Map<string, string[]>();
      asked.set(screen, lists);
      lists.set(JSON.stringify(patterns), patterns);
    }
  };
  for (const rule of Object.values(across)) {
    add(rule.inputs.screened);
    for (const subject of rule.subjects ?? []) add(subject.inputs.screened);
  }
  // The screens of the per-file rules' other files (their quiet changes, see quiet-change.ts).
  for (const rule of perFile) {
    const reads = getEvaluator(rule.check.kind)?.screenedReads;
    if (reads) add([{ patterns: [...reads.globs], screen: reads.screen.name }]);
  }
  return asked;
}

/**
 * The screen records of the next cache (see `FileCache.screens`): for each screen its rules ask
 * (the rules that read across files, and the `screenedReads` of the per-file rules in `perFile`),
 * which of the cached files its globs match pass it. A file unchanged since the previous cache
 * keeps the answer recorded there (its rules may not have run this time); the others are tested.
 */
export function recordScreens(
  cache: FileCache,
  workspace: Workspace,
  plan: CachePlan | undefined,
  perFile: readonly Rule[] = [],
): Record<string, ScreenRecord> {
  const records: Record<string, ScreenRecord> = {};
  for (const [name, lists] of screensAsked(cache.across, perFile)) {
    const screen = screenNamed(name);
    if (!screen) continue;
    const patterns = [...lists.keys()].sort().map((key) => lists.get(key)!);
    const before = plan?.previous?.screens?.[name];
    const carried =
      before && JSON.stringify(before.patterns) === JSON.stringify(patterns)
        ? new Set(before.passed)
        : undefined;
    const files = new Set<string>();
    for (const globs of patterns) for (const f of workspace.glob(globs)) files.add(f);
    const passed: number[] = [];
    for (const f of files) {
      const at = sortedIndex(cache.paths, f);
      if (at < 0) continue;
      const j = carried ? plan!.unchangedAt(workspace.scope.position(f) ?? -1) : -1;
      if (j >= 0 ? carried!.has(j) : workspace.passesScreen(f, screen)) passed.push(at);
    }
    records[name] = { patterns, passed: passed.sort((a, b) => a - b) };
  }
  return records;
}

/**
 * Every file's set of readers among the kept rules, built rule by rule over the files each read
 * (the sets form a trie: a file read by rules 2 and 5 goes from the empty set to {2}, then to {2,5}),
 * instead of asking every rule about every file. `of[pos]` is the file's set in `sets`.
 */
function readerTrie(
  kept: readonly [string, Gathered][],
  files: number,
): { of: Int32Array; sets: number[][] } {
  const of = new Int32Array(files);
  const sets: number[][] = [[]];
  const next = new Map<number, number>();
  for (const [i, [, g]] of kept.entries()) {
    const bits = g.examined;
    for (let w = 0; w < bits.length; w++) {
      let word = bits[w]!;
      while (word !== 0) {
        const low = word & -word;
        word ^= low;
        const pos = (w << 5) + 31 - Math.clz32(low);
        const from = of[pos]!;
        const key = from * kept.length + i;
        let to = next.get(key);
        if (to === undefined) {
          to = sets.length;
          sets.push([...sets[from]!, i]);
          next.set(key, to);
        }
        of[pos] = to;
      }
    }
  }
  return { of, sets };
}

/** What one rule found, read and asked, file by file, for the next cache. */
interface Gathered {
  found: Map<string, RawFinding[]>;
  /** One bit per file of the tree: whether the rule read it. */
  examined: Uint32Array;
  asked: Map<string, boolean>;
  dropped: boolean;
}

/** Gathers what the cacheable rules found, read and asked, file by file, and writes the next cache. */
export class CacheCollector {
  private readonly rules = new Map<string, Gathered>();
  /** The kept rules' parts taken from the cache, by rule (applied only when they cannot be carried over whole). */
  private readonly parts = new Map<string, RulePart>();

  constructor(
    private readonly workspace: Workspace,
    private readonly run: FileCacheRun,
    private readonly plan?: CachePlan,
  ) {}

  private gathered(id: string): Gathered {
    let g = this.rules.get(id);
    if (!g) {
      g = {
        found: new Map(),
        examined: new Uint32Array(Math.ceil(this.workspace.files.length / 32)),
        asked: new Map(),
        dropped: false,
      };
      this.rules.set(id, g);
    }
    return g;
  }

  /** Adds one evaluation of a rule (a slice, or the changed files) to what it found and read. */
  add(id: string, outcome: RuleOutcome): void {
    const g = this.gathered(id);
    if (g.dropped) return;
    // A rule that failed, read the API, or left files out (the cache keeps no record of those) is
    // not kept.
    if (!('raw' in outcome) || outcome.examined.settings.length > 0 || outcome.examined.leftOut) {
      g.dropped = true;
      return;
    }
    for (const pos of outcome.examined.files) g.examined[pos >>> 5]! |= 1 << (pos & 31);
    for (const [p, a] of outcome.asked ?? []) g.asked.set(p, a);
    for (const raw of outcome.raw) {
      const at = raw.location?.path;
      // A finding that lies in no file of the tree belongs to no file's entry: the rule is not kept.
      if (at === undefined || !this.workspace.has(at)) {
        g.dropped = true;
        return;
      }
      const list = g.found.get(at);
      if (list) list.push(raw);
      else g.found.set(at, [raw]);
    }
  }

  /** Adds a kept rule's results on the unchanged files, and what it asked there. */
  addCached(id: string, part: RulePart, asked: [string, boolean][]): void {
    const g = this.gathered(id);
    for (const [p, a] of asked) g.asked.set(p, a);
    this.parts.set(id, part);
  }

  /**
   * Whether the unchanged files' entries carry over as they are: the rules kept are the cache's
   * own, in its order, each taken from it (the common case: a push with the same rules).
   */
  private carries(kept: readonly string[]): FileCache | undefined {
    const prev = this.plan?.previous;
    if (!prev || prev.rules.length !== kept.length) return undefined;
    return kept.every((id, i) => prev.rules[i]!.id === id && this.parts.has(id)) ? prev : undefined;
  }

  /** The next cache: every unmodified tracked file with its blob and what each kept rule made of it. */
  result(): FileCache {
    const ordered = () =>
      [...this.rules.entries()]
        .filter(([, g]) => !g.dropped)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const prev = this.carries(ordered().map(([id]) => id));
    if (!prev) {
      for (const [id, part] of this.parts) {
        const raw = part.found.flatMap(([, list]) => list);
        this.add(id, { raw, examined: { files: part.examined, settings: [] } });
      }
    }
    const kept = ordered();
    const rules: CachedRule[] = kept.map(([id, g]) => ({ id, asked: [...g.asked] }));
    const { ids, modified } = this.run.blobs;
    const cache: FileCache = {
      format: FILE_CACHE_FORMAT,
      version: VERSION,
      key: this.run.key,
      rules,
      paths: [],
      blobs: [],
      readers: [],
      read: [],
      found: {},
      problems: {},
      across: {},
      inlineIgnores: [],
    };
    const readerSets = new Map<string, number>();
    const positions = new Map<string, number>();
    if (prev) {
      for (const readers of prev.readers) {
        readerSets.set(readers.join(','), cache.readers.length);
        cache.readers.push(readers);
      }
    }
    // Each file's set of reading rules, by one step per file a rule read (the carried files' sets are
    // the previous cache's), and each set's entry in `cache.readers`, found once.
    const trie = readerTrie(kept, this.workspace.files.length);
    const nodeSets = new Map<number, number>();
    for (const [pos, p] of this.workspace.files.entries()) {
      const b = ids.get(p);
      if (b === undefined || modified.has(p)) continue;
      const j = prev ? this.plan!.unchangedAt(pos) : -1;
      if (j >= 0) {
        // Carried over: the same rules read it and found the same in it.
        const found = prev!.found[j];
        if (found) cache.found[cache.paths.length] = found;
        positions.set(p, cache.paths.length);
        cache.paths.push(p);
        cache.blobs.push(b);
        cache.read.push(prev!.read[j]!);
        continue;
      }
      const node = trie.of[pos]!;
      let set = nodeSets.get(node);
      if (set === undefined) {
        const readers = trie.sets[node]!;
        const key = readers.join(',');
        set = readerSets.get(key);
        if (set === undefined) {
          set = cache.readers.length;
          cache.readers.push(readers);
          readerSets.set(key, set);
        }
        nodeSets.set(node, set);
      }
      positions.set(p, cache.paths.length);
      cache.paths.push(p);
      cache.blobs.push(b);
      cache.read.push(set);
    }
    for (const [i, [, g]] of kept.entries()) {
      for (const [p, list] of g.found) {
        const at = positions.get(p);
        if (at === undefined) continue;
        const byRule = cache.found[at] ?? {};
        byRule[i] = list;
        cache.found[at] = byRule;
      }
    }
    for (const problem of this.workspace.inputProblems()) {
      const at = positions.get(problem.path);
      if (at !== undefined) cache.problems[at] = problem;
    }
    return cache;
  }
}
