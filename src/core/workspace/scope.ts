/**
 * What a rule looked at. A verdict must never rest on a rule that examined nothing (a Terraform rule
 * passes trivially in a repository without Terraform), so every rule run reports its scope, and the
 * workspace records it as the rule reads: a file read or parsed through the workspace, a cached parse
 * of it handed out again, or a file an evaluator names as judged by its presence (`examine`). Cached
 * computations remember the files they read, so a rule that gets a parse another rule paid for is
 * credited with the same files. Nothing here depends on an evaluator remembering to report.
 *
 * Files are recorded by their position in the tree's file list: a position costs no string, posts to
 * a slice worker as a number (a worker's tree lists the same files in the same order), and a stamp per
 * file tells a repeated read of the same rule without a set per evaluation.
 */

import type { LeftOut, LeftOutKind } from '../types.js';
import { selectorNamed } from './screens.js';

/**
 * An open cached computation: where its reads start in the recorder's trail of reads (a shared list,
 * so opening one allocates nothing; emptied whenever no computation is open).
 */
type Frame = number;

/** What a computation read: nothing, one file (the usual parse of a file), or several. */
export type Deps = number | readonly number[];

const NO_DEPS: readonly number[] = Object.freeze([]);

/**
 * Files of one kind a rule left out on purpose (see `RuleScope.leftOut`), by position: plain data, so
 * a slice worker posts it with the rest of what a rule examined.
 */
export interface LeftOutPart extends LeftOutKind {
  files: number[];
}

/**
 * Records the files read through one tree (and every view of it: the changed-files view and slices
 * share their whole tree's recorder). Rules are evaluated one at a time on a thread, so one rule is
 * recorded at a time.
 */
export class ScopeRecorder {
  private stamps: Uint32Array | undefined;
  private epoch = 0;
  private rule: number[] | null = null;
  private readonly trail: number[] = [];
  private open = 0;
  /** Kinds of left-out files met so far, each once: the recorder names one by its index. */
  private readonly kinds: LeftOutKind[] = [];
  private readonly kindIndex = new Map<string, number>();
  /** What the running rule left out: positions by kind index; null until it leaves something out. */
  private left: Map<number, Set<number>> | null = null;
  /**
   * Files left out while a cached computation is open, as pairs (kind index, position): the trail
   * holds `-1 - n` for the n-th pair, so a computation's reads and what it left out stay in order.
   */
  private readonly leftTrail: number[] = [];
  /** What the computation closed last left out (pairs), until {@link takeLeft}. */
  private closedLeft: number[] | undefined;
  /** What the rule ended last left out (see {@link leftOut}). */
  private ended: LeftOutPart[] | undefined;
  /** Whether a read must be recorded: a rule is being recorded or a cached computation is open. */
  active = false;

  /**
   * `files`: the tree's files, whose positions are recorded, and `positions`, each file's position;
   * `enabled: false` records nothing.
   */
  constructor(
    readonly files: readonly string[],
    private readonly positions: ReadonlyMap<string, number>,
    private readonly enabled = true,
  ) {}

  /** The position of a file of the tree, or undefined. */
  position(file: string): number | undefined {
    return this.positions.get(file);
  }

  /** Records that `file` was read or judged. */
  touch(file: string): void {
    const i = this.position(file);
    if (i !== undefined) this.touchAt(i);
  }

  /** Records the file at a position. */
  touchAt(i: number): void {
    const rule = this.rule;
    if (rule !== null && this.stamps![i] !== this.epoch) {
      this.stamps![i] = this.epoch;
      rule.push(i);
    }
    if (this.open > 0) this.trail.push(i);
  }

  /**
   * Records that the running rule left `file` out on purpose, as a file of this kind: it is said in
   * the rule's scope, never skipped silently. Each file counts once per rule and kind.
   */
  leaveOut(file: string, kind: LeftOutKind): void {
    const i = this.position(file);
    if (i === undefined || !this.active) return;
    const key = `${kind.kind}\u0000${kind.reason}`;
    let k = this.kindIndex.get(key);
    if (k === undefined) {
      k = this.kinds.length;
      this.kinds.push({ kind: kind.kind, reason: kind.reason });
      this.kindIndex.set(key, k);
    }
    this.leaveOutAt(k, i);
  }

  private leaveOutAt(k: number, i: number): void {
    if (this.rule !== null) {
      this.left ??= new Map();
      let set = this.left.get(k);
      if (!set) {
        set = new Set();
        this.left.set(k, set);
      }
      set.add(i);
    }
    if (this.open > 0) {
      this.trail.push(-1 - this.leftTrail.length / 2);
      this.leftTrail.push(k, i);
    }
  }

  /** Credits the running rule (and open computations) with what a cached computation left out. */
  replayLeft(pairs: readonly number[]): void {
    for (let j = 0; j < pairs.length; j += 2) this.leaveOutAt(pairs[j]!, pairs[j + 1]!);
  }

  /** What the computation closed last left out (pairs for {@link replayLeft}), once; usually nothing. */
  takeLeft(): number[] | undefined {
    const left = this.closedLeft;
    this.closedLeft = undefined;
    return left;
  }

  /** What the rule ended last left out, by kind; undefined when nothing. */
  leftOut(): LeftOutPart[] | undefined {
    return this.ended;
  }

  /**
   * Keeps, of what the running rule examined so far, only the files at these positions: a rule that
   * read a family's files (every `.tf` file) but found its subjects in a few of them (the resources
   * of its types) examined those few. A file dropped here counts again if the rule reads it later.
   */
  narrow(keep: ReadonlySet<number>): void {
    const rule = this.rule;
    if (rule === null) return;
    const kept = rule.filter((i) => keep.has(i));
    for (const i of rule) if (!keep.has(i)) this.stamps![i] = 0;
    this.rule = kept;
  }

  /** Starts recording a rule's run, until {@link end}. */
  begin(): void {
    if (!this.enabled) return;
    this.stamps ??= new Uint32Array(this.files.length);
    this.epoch += 1;
    this.rule = [];
    this.left = null;
    this.ended = undefined;
    this.active = true;
  }

  /** Ends a rule's run: the positions of the files it examined, each once. */
  end(): number[] {
    const examined = this.rule ?? [];
    this.rule = null;
    const left = this.left;
    this.left = null;
    this.ended = left ? [...left].map(([k, files]) => ({ ...this.kinds[k]!, files: [...files] })) : undefined;
    this.active = this.open > 0;
    return examined;
  }

  /** Opens a cached computation; every read until {@link close} is one of its dependencies. */
  openFrame(): Frame {
    if (!this.enabled) return -1;
    this.open += 1;
    this.active = true;
    return this.trail.length;
  }

  /**
   * Closes a computation (in any order: an asynchronous one closes when it settles) and returns what
   * it read. A computation that was still open when another opened also gets the other's reads,
   * which it depends on through it.
   */
  closeFrame(frame: Frame): Deps {
    if (frame < 0) return NO_DEPS;
    const trail = this.trail;
    let deps: Deps = NO_DEPS;
    this.closedLeft = undefined;
    if (trail.length > frame) {
      const first = trail[frame]!;
      let same = first >= 0;
      for (let i = frame + 1; i < trail.length && same; i++) same = trail[i] === first;
      if (same) deps = first;
      else {
        // Something was left out (or several files read): positions apart from left-out pairs.
        const read = new Set<number>();
        let left: number[] | undefined;
        for (let i = frame; i < trail.length; i++) {
          const t = trail[i]!;
          if (t >= 0) read.add(t);
          else {
            const n = (-1 - t) * 2;
            left ??= [];
            left.push(this.leftTrail[n]!, this.leftTrail[n + 1]!);
          }
        }
        deps = read.size > 0 ? [...read] : NO_DEPS;
        this.closedLeft = left;
      }
    }
    this.open -= 1;
    if (this.open === 0) {
      trail.length = 0;
      this.leftTrail.length = 0;
    }
    this.active = this.rule !== null || this.open > 0;
    return deps;
  }
}

/**
 * What a rule's report says of an input file it could not read: one that does not parse, holds a NUL
 * byte or is larger than a file is read up to (the `unparsable-file` finding locates the cause). The
 * rule did not check it, so no verdict may rest on the rule as if it had (see verdicts.ts).
 */
export const UNREADABLE_INPUT: LeftOutKind = {
  kind: 'unreadable',
  reason: 'it does not parse, or is not read as text, so nothing in it was checked: see unparsable-file',
};

/**
 * What a rule's report says of the files the configuration excludes from it (`exclude` under the
 * rule in `.controlgate.yml`): the rule may have read them, but what it found there is dropped, so
 * they are not examined, and no verdict may rest on them (an excluded file is said, not skipped
 * silently).
 */
export const EXCLUDED_FROM_RULE: LeftOutKind = {
  kind: 'excluded',
  reason:
    'the configuration excludes it from this rule (its `exclude` in .controlgate.yml), so nothing in it counts',
};

/** Paths listed per rule in the report; the count covers the rest. */
export const SCOPE_EXAMPLES = 20;

/** Paths listed per kind of file a rule left out; the count covers the rest. */
export const LEFT_OUT_EXAMPLES = 5;

/**
 * The files one rule examined, gathered over its runs (one over the tree, or one per slice of a large
 * tree): a bit per file of the tree, so the count is exact however the runs overlap, and a tally
 * per rule costs 25 KB at 200,000 files.
 */
export class ScopeTally {
  private bits: Uint32Array | undefined;
  private counted = 0;
  /** What the rule left out, by kind (see {@link addLeftOut}). */
  private left: Map<string, { kind: LeftOutKind; files: Set<number> }> | undefined;
  /** Paths the configuration excludes from the rule (see {@link excludeFrom}). */
  private excluded: ((path: string) => boolean) | undefined;

  /**
   * `files`: the tree's files, which positions index; `discount`: positions of files that are never
   * the subject of an assessment (controlgate's own configuration and declarations).
   */
  constructor(
    private readonly files: readonly string[],
    private readonly discount: readonly number[] = [],
  ) {}

  add(positions: readonly number[]): void {
    if (positions.length === 0) return;
    this.bits ??= new Uint32Array((this.files.length + 31) >>> 5);
    const bits = this.bits;
    for (const i of positions) {
      const word = i >>> 5;
      const bit = 1 << (i & 31);
      if ((bits[word]! & bit) === 0) {
        bits[word]! |= bit;
        this.counted += 1;
      }
    }
  }

  /**
   * Files the configuration excludes from the rule: whatever the rule read of them is not counted as
   * examined, and they are reported as left out ({@link EXCLUDED_FROM_RULE}).
   */
  excludeFrom(matches: (path: string) => boolean): void {
    this.excluded = matches;
  }

  /** Adds files a run of the rule left out (see `ScopeRecorder.leaveOut`). */
  addLeftOut(parts: readonly LeftOutPart[] | undefined): void {
    if (!parts) return;
    for (const part of parts) {
      if (part.files.length === 0) continue;
      const key = `${part.kind}\u0000${part.reason}`;
      this.left ??= new Map();
      let entry = this.left.get(key);
      if (!entry) {
        entry = { kind: { kind: part.kind, reason: part.reason }, files: new Set() };
        this.left.set(key, entry);
      }
      for (const i of part.files) entry.files.add(i);
    }
  }

  /** What the rule left out, by kind (in the order of their names), each with its first files in the tree's order. */
  private leftOut(): LeftOut[] {
    if (!this.left) return [];
    return [...this.left.values()]
      .map(({ kind, files }) => {
        const sorted = [...files].sort((a, b) => a - b);
        return {
          kind: kind.kind,
          reason: kind.reason,
          files: sorted.length,
          examples: sorted.slice(0, LEFT_OUT_EXAMPLES).map((i) => this.files[i]!),
        };
      })
      .sort((a, b) => compareText(a.kind, b.kind) || compareText(a.reason, b.reason));
  }

  /**
   * How many distinct files, and the first {@link SCOPE_EXAMPLES} in the tree's order; with what the
   * rule left out, when it left something out.
   */
  result(): { files: number; examples: string[]; leftOut?: LeftOut[] } {
    const examined = this.examined();
    const leftOut = this.leftOut();
    return leftOut.length > 0 ? { ...examined, leftOut } : examined;
  }

  private examined(): { files: number; examples: string[] } {
    const bits = this.bits;
    if (!bits) return { files: 0, examples: [] };
    if (this.excluded) {
      const out: number[] = [];
      for (let w = 0; w < bits.length; w++) {
        if (bits[w] === 0) continue;
        for (let b = 0; b < 32; b++) {
          const i = (w << 5) + b;
          if ((bits[w]! & (1 << b)) !== 0 && this.excluded(this.files[i]!)) out.push(i);
        }
      }
      for (const i of out) {
        bits[i >>> 5]! &= ~(1 << (i & 31));
        this.counted -= 1;
      }
      this.excluded = undefined;
      this.addLeftOut([{ ...EXCLUDED_FROM_RULE, files: out }]);
    }
    for (const i of this.discount) {
      const word = i >>> 5;
      const bit = 1 << (i & 31);
      if ((bits[word]! & bit) !== 0) {
        bits[word]! &= ~bit;
        this.counted -= 1;
      }
    }
    const examples: string[] = [];
    const wanted = Math.min(SCOPE_EXAMPLES, this.counted);
    for (let w = 0; w < bits.length && examples.length < wanted; w++) {
      if (bits[w] === 0) continue;
      for (let b = 0; b < 32 && examples.length < wanted; b++) {
        if ((bits[w]! & (1 << b)) !== 0) examples.push(this.files[(w << 5) + b]!);
      }
    }
    return { files: this.counted, examples };
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * What one rule (or one cached computation) asked of a tree besides the positions {@link ScopeRecorder}
 * records: every path it read, parsed or looked up (whatever the answer, a missing file included), the
 * globs it listed, whether it enumerated the whole file list, and why its inputs cannot be known at
 * all (`opaque`). A change that touches none of these cannot change what the rule finds.
 */
export interface RuleInputs {
  paths: Set<string>;
  globs: Map<string, readonly string[]>;
  /** Globs listed through a screen (see screens.ts), by key: only files that pass it were seen. */
  screened: Map<string, ScreenedGlob>;
  /** Selectors the tree was listed through (see screens.ts), by name. */
  selected: Set<string>;
  listed: boolean;
  opaque: string | undefined;
}

/**
 * Inputs as they are read (compared with a change, replayed, stored): recorded ones, or stored ones
 * as the base results hold them (lists), which are read without being copied into sets and maps.
 */
export interface InputsView {
  readonly paths: Iterable<string>;
  readonly globs: { values(): Iterable<readonly string[]> };
  readonly screened: { values(): Iterable<ScreenedGlob> };
  readonly selected: Iterable<string>;
  readonly listed: boolean;
  readonly opaque?: string | undefined;
}

/** A cached computation's inputs, and whether it has settled (an asynchronous one settles later). */
export interface CapturedInputs {
  inputs: RuleInputs;
  settled: boolean;
}

export function emptyInputs(): RuleInputs {
  return {
    paths: new Set(),
    globs: new Map(),
    screened: new Map(),
    selected: new Set(),
    listed: false,
    opaque: undefined,
  };
}

/**
 * Records {@link RuleInputs} for the rule being evaluated and for every cached computation open
 * meanwhile, so that a rule handed a value another rule computed is credited with its inputs too.
 * Rules are evaluated one at a time on a thread, so one rule is recorded at a time.
 */
export class InputLog {
  private rule: RuleInputs | undefined;
  /** Cached computations' inputs already credited to {@link rule} (a rule may get a value often). */
  private readonly replayed = new Set<InputsView>();
  private readonly frames = new Set<RuleInputs>();
  /** Cached computations by memo kind and key, with what they asked. */
  readonly captured = new Map<string, CapturedInputs>();

  begin(): void {
    this.rule = emptyInputs();
    this.replayed.clear();
  }

  end(): RuleInputs {
    const inputs = this.rule ?? emptyInputs();
    this.rule = undefined;
    this.replayed.clear();
    return inputs;
  }

  path(file: string): void {
    this.rule?.paths.add(file);
    for (const f of this.frames) f.paths.add(file);
  }

  glob(patterns: readonly string[]): void {
    const key = patterns.join('\u0000');
    this.rule?.globs.set(key, patterns);
    for (const f of this.frames) f.globs.set(key, patterns);
  }

  screened(patterns: readonly string[], screen: string): void {
    const key = `${screen}\u0000${patterns.join('\u0000')}`;
    const glob = { patterns, screen };
    this.rule?.screened.set(key, glob);
    for (const f of this.frames) f.screened.set(key, glob);
  }

  selected(name: string): void {
    this.rule?.selected.add(name);
    for (const f of this.frames) f.selected.add(name);
  }

  listed(): void {
    if (this.rule) this.rule.listed = true;
    for (const f of this.frames) f.listed = true;
  }

  opaque(reason: string): void {
    if (this.rule) this.rule.opaque ??= reason;
    for (const f of this.frames) f.opaque ??= reason;
  }

  /** Opens a cached computation: until {@link closeFrame}, everything asked is also its input. */
  openFrame(): RuleInputs {
    const frame = emptyInputs();
    this.frames.add(frame);
    return frame;
  }

  closeFrame(frame: RuleInputs): void {
    this.frames.delete(frame);
  }

  /** Credits the rule being recorded (and open computations) with a cached computation's inputs. */
  replay(inputs: InputsView): void {
    // Settled inputs do not change: credited once to the rule, they need crediting again only to
    // computations opened since.
    if (this.frames.size === 0 && this.replayed.has(inputs)) return;
    if (this.rule) this.replayed.add(inputs);
    for (const p of inputs.paths) this.path(p);
    for (const g of inputs.globs.values()) this.glob(g);
    for (const g of inputs.screened.values()) this.screened(g.patterns, g.screen);
    for (const name of inputs.selected) this.selected(name);
    if (inputs.listed) this.listed();
    if (inputs.opaque) this.opaque(inputs.opaque);
  }
}

/** How a change alters a tree, for {@link touchedBy}. */
export interface TreeChange {
  /** Every path whose content differs between the trees, or that only one of them has. */
  paths: ReadonlySet<string>;
  /** Whether the file list differs (a path added or deleted; a rename keeps its new name). */
  listing: boolean;
  /** The paths of {@link paths} that only one tree has (added or deleted); absent: all of them. */
  presence?: ReadonlySet<string>;
  /**
   * Whether a path of {@link paths} passes the named screen on either tree; absent: assumed to (a
   * screened glob is then a plain glob).
   */
  screened?: (path: string, screen: string) => boolean;
}

/** A glob listed through a screen: the files it matches that pass the screen. */
export interface ScreenedGlob {
  patterns: readonly string[];
  screen: string;
}

/**
 * Per change and matcher, whether a glob list (by its JSON) matches a path of the change. The rules
 * and their subjects ask about the same few lists again and again (every workflow rule about the
 * workflows' globs): a change of 500 paths is tested against each list once.
 */
const GLOB_HITS = new WeakMap<TreeChange, WeakMap<GlobMatcher, Map<string, boolean>>>();

type GlobMatcher = (patterns: readonly string[]) => (p: string) => boolean;

function changeMatches(change: TreeChange, patterns: readonly string[], matcher: GlobMatcher): boolean {
  let byMatcher = GLOB_HITS.get(change);
  if (!byMatcher) {
    byMatcher = new WeakMap();
    GLOB_HITS.set(change, byMatcher);
  }
  let hits = byMatcher.get(matcher);
  if (!hits) {
    hits = new Map();
    byMatcher.set(matcher, hits);
  }
  const key = JSON.stringify(patterns);
  let hit = hits.get(key);
  if (hit === undefined) {
    const match = matcher(patterns);
    hit = false;
    for (const p of change.paths) {
      if (match(p)) {
        hit = true;
        break;
      }
    }
    hits.set(key, hit);
  }
  return hit;
}

/**
 * Whether a change touches anything a rule asked for: then the rule may find something else on the
 * other tree and must be evaluated there. `matcher` compiles globs as the tree does; the answers
 * are kept per change and matcher, so neither may change between calls.
 */
export function touchedBy(inputs: InputsView, change: TreeChange, matcher: GlobMatcher): boolean {
  if (inputs.opaque !== undefined) return true;
  if (inputs.listed && change.listing) return true;
  if (change.paths.size === 0) return false;
  for (const p of inputs.paths) if (change.paths.has(p)) return true;
  for (const patterns of inputs.globs.values()) if (changeMatches(change, patterns, matcher)) return true;
  const presence = change.presence ?? change.paths;
  // A list through a selector changes only by a path it takes, added or deleted (an edit is a read).
  for (const name of inputs.selected) {
    const selector = selectorNamed(name);
    for (const p of presence) if (!selector || selector.test(p)) return true;
  }
  // An edited file that is no subject of the screen on either side was read for the screen alone,
  // the same on both trees; one added or deleted changes what the rule read.
  for (const { patterns, screen } of inputs.screened.values()) {
    const match = matcher(patterns);
    for (const p of change.paths) {
      if (match(p) && (presence.has(p) || (change.screened?.(p, screen) ?? true))) return true;
    }
  }
  return false;
}
