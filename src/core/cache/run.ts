/**
 * The cache between runs (`cache-dir`), as one run uses it: the per-file rules' outcomes of each
 * unmodified tracked file, keyed by the file's path and content id (see blobs.ts) and by the run key
 * (this version, the cached rules' definitions, the settings that shape raw findings). A file whose
 * content id and path match an entry is not read for those rules; every other file is evaluated one
 * file at a time through a {@link FileView}, and its outcome is kept for the next run only when the
 * rule asked nothing of the tree but that file (and the API and the clock not at all).
 *
 * What is never cached: the policy rules (inline ignores, suppressions, exceptions, declarations),
 * the rules that read across files, and the per-file rules that need the engine's thread. Triage
 * runs on restored findings exactly as on fresh ones.
 */
import { createHash } from 'node:crypto';
import { clockReads } from '../clock.js';
import { type RuleOutcome, runEvaluator } from '../evaluate-rule.js';
import type { GitHubApi } from '../github-api.js';
import { SLICE_POLICY } from '../slices.js';
import type { Logger, RawFinding, Rule } from '../types.js';
import { VERSION } from '../version.js';
import type { InputProblem, Workspace } from '../workspace/workspace.js';
import { type BlobIds, blobIds } from './blobs.js';
import { encodeMask, inMask } from './mask.js';
import {
  CACHE_FORMAT,
  type CacheData,
  type CachedFile,
  type CachedOutcome,
  CacheRefused,
  readCache,
  writeCache,
} from './store.js';
import { FileView } from './view.js';

/** What a run did with its cache, for the debug log and the tests. */
export interface CacheStats {
  /** Rule outcomes taken from the cache. */
  hits: number;
  /** Rule outcomes evaluated (one per rule and file). */
  evaluated: number;
  /** Of those, how many may be kept for the next run. */
  kept: number;
}

/** A rule's evaluation on the files of a view. */
interface Fresh {
  outcome: RuleOutcome;
  /** Its findings by file (of the view), and those about no file of it. */
  raw: Map<string, RawFinding[]>;
  unlocated: RawFinding[];
  problems: Map<string, InputProblem[]>;
  /** Whether it asked nothing but the files of the view: its outcomes may be kept. */
  alone: boolean;
  /** Why not. */
  why?: string;
}

export class RunCache {
  readonly stats: CacheStats = { hits: 0, evaluated: 0, kept: 0 };
  /** The previous run's entries, once {@link use} found them made under the same key. */
  private previous: CacheData | undefined;
  private key = '';
  private rules: string[] = [];
  /** This run's entries, written by {@link save}. */
  private readonly next = new Map<string, CachedFile>();
  /** Whether the per-file rules went through the cache over the whole tree (else nothing is saved). */
  private complete = false;
  /** Whether any file's entry differs from the previous run's. */
  private changed = false;
  /** Rules said to be evaluated on every run (said once). */
  private readonly uncached = new Set<string>();

  private constructor(
    readonly dir: string,
    private readonly blobs: BlobIds,
    private stored: CacheData | undefined,
    private readonly log: Logger,
  ) {}

  /**
   * Reads the cache of `dir` and the content ids of `root`'s files (side by side). A cache that is
   * refused costs one warning and nothing else: every file is evaluated.
   */
  static async open(root: string, dir: string, log: Logger): Promise<RunCache> {
    const ids = blobIds(root);
    let stored: CacheData | undefined;
    try {
      stored = readCache(dir);
    } catch (err) {
      if (!(err instanceof CacheRefused)) throw err;
      log.warning(`cache-dir: the cache is ignored, every file is evaluated: ${err.message}`);
    }
    return new RunCache(dir, await ids, stored, log);
  }

  /**
   * Fixes the rules whose outcomes are cached, in order, and the settings their raw findings depend
   * on; the stored entries apply only when they were made under the same key.
   */
  use(rules: readonly Rule[], settings: { maxFileBytes: number; api: boolean }): void {
    this.rules = rules.map((r) => r.id);
    this.key = createHash('sha256')
      .update(JSON.stringify({ version: VERSION, format: CACHE_FORMAT, ...settings, rules }))
      .digest('hex');
    const stored = this.stored;
    this.stored = undefined;
    if (stored && stored.key === this.key && stored.rules.join('\n') === this.rules.join('\n')) {
      this.previous = stored;
    } else if (stored) {
      this.log.debug('cache-dir: the cache was made by another version, rule set or settings; not used');
    }
    this.complete = true;
  }

  /**
   * The outcomes of `rules` (those given to {@link use}, in that order) on `files` (a slice): each
   * rule restored on the files the cache has its outcome for (same path, same content id), and
   * evaluated on the others, all at once through a {@link FileView} of them.
   */
  async evaluate(
    workspace: Workspace,
    files: readonly string[],
    rules: readonly Rule[],
    github: GitHubApi | undefined,
  ): Promise<RuleOutcome[]> {
    const n = rules.length;
    const state = files.map((file) => {
      const blob = this.blobs.get(file);
      const prev = blob !== undefined ? this.previous?.files.get(file) : undefined;
      const hit = prev?.blob === blob ? prev : undefined;
      // A file every rule is restored on keeps its entry as it is; the others get one made anew.
      const restoredWhole = hit !== undefined && hit.cached === undefined;
      const keep =
        blob === undefined || restoredWhole
          ? undefined
          : {
              cached: new Uint8Array(n),
              examined: new Uint8Array(n),
              outcomes: new Map<number, CachedOutcome>(),
              // Whether an outcome evaluated in this run is kept (else the entry is the previous one).
              fresh: false,
            };
      return { file, blob, at: workspace.scope.position(file), hit, keep };
    });
    // Files restored on every rule (the bulk of a run after the first) take the short way below.
    const whole = state.filter((s) => s.keep === undefined && s.hit !== undefined);
    const wholeFound = whole.filter((s) => s.hit!.outcomes !== undefined);
    const rest = state.filter((s) => s.keep !== undefined || s.hit === undefined);
    // Rules that miss the same files share one view, and so its parses.
    const views = new Map<string, FileView>();
    const outcomes: RuleOutcome[] = [];
    for (const [k, rule] of rules.entries()) {
      const misses = rest.filter((s) => !(s.hit && inMask(s.hit.cached, k)));
      let fresh: Fresh | undefined;
      if (misses.length > 0) {
        const key = misses.length === state.length ? '' : misses.map((s) => s.file).join('\u0000');
        let view = views.get(key);
        if (!view) {
          view = new FileView(
            workspace,
            misses.map((s) => s.file),
          );
          views.set(key, view);
        }
        fresh = await this.evaluateOn(view, rule, github);
        this.stats.evaluated += misses.length;
        if (fresh.why && !this.uncached.has(rule.id)) {
          this.uncached.add(rule.id);
          this.log.debug(`cache-dir: ${rule.id} is evaluated on every run: ${fresh.why}`);
        }
        if (fresh.alone) this.stats.kept += misses.filter((s) => s.blob !== undefined).length;
      }
      const raw: RawFinding[] = [];
      const examined: number[] = fresh ? [...fresh.outcome.examined.files] : [];
      const freshExamined = new Set(examined);
      this.stats.hits += whole.length;
      for (const s of whole) {
        if (inMask(s.hit!.examined, k) && s.at !== undefined) examined.push(s.at);
      }
      for (const s of wholeFound) {
        const c = s.hit!.outcomes!.get(k);
        if (!c) continue;
        for (const p of c.problems) workspace.reportProblem(p);
        for (const r of c.raw) raw.push(r);
      }
      for (const s of rest) {
        const restored = s.hit && inMask(s.hit.cached, k) ? s.hit : undefined;
        if (restored) {
          this.stats.hits += 1;
          const c = restored.outcomes?.get(k);
          if (c) {
            for (const p of c.problems) workspace.reportProblem(p);
            for (const r of c.raw) raw.push(r);
            s.keep?.outcomes.set(k, c);
          }
          const seen = inMask(restored.examined, k);
          if (seen && s.at !== undefined) examined.push(s.at);
          if (s.keep) {
            s.keep.cached[k] = 1;
            if (seen) s.keep.examined[k] = 1;
          }
          continue;
        }
        const found = fresh?.raw.get(s.file);
        if (found) for (const r of found) raw.push(r);
        if (fresh?.alone && s.keep) {
          s.keep.fresh = true;
          s.keep.cached[k] = 1;
          if (s.at !== undefined && freshExamined.has(s.at)) s.keep.examined[k] = 1;
          const problems = fresh.problems.get(s.file) ?? [];
          if (found || problems.length > 0) s.keep.outcomes.set(k, { raw: found ?? [], problems });
        }
      }
      if (fresh) raw.push(...fresh.unlocated);
      const settings = fresh?.outcome.examined.settings ?? [];
      outcomes.push(
        fresh && 'error' in fresh.outcome
          ? { ...fresh.outcome, examined: { files: examined, settings } }
          : { raw, examined: { files: examined, settings } },
      );
    }
    for (const s of state) {
      if (!s.keep || (s.hit && !s.keep.fresh)) {
        // Restored, and nothing new kept: the entry stays as it was.
        if (s.hit) this.next.set(s.file, s.hit);
        continue;
      }
      this.changed = true;
      if (!s.keep.cached.includes(1)) continue;
      const entry: CachedFile = { blob: s.blob!, examined: encodeMask(s.keep.examined) };
      if (s.keep.cached.includes(0)) entry.cached = encodeMask(s.keep.cached);
      if (s.keep.outcomes.size > 0) entry.outcomes = s.keep.outcomes;
      this.next.set(s.file, entry);
    }
    workspace.release(files);
    return outcomes;
  }

  /**
   * One rule on the files of a view, its findings and input problems by file, and whether they are
   * functions of those files alone (then they are kept for the next run).
   */
  private async evaluateOn(view: FileView, rule: Rule, github: GitHubApi | undefined): Promise<Fresh> {
    const clock = clockReads();
    view.begin();
    const outcome = await runEvaluator(rule, view, SLICE_POLICY, github);
    const record = view.end();
    const raw = new Map<string, RawFinding[]>();
    const unlocated: RawFinding[] = [];
    const listed = new Set(view.files);
    for (const r of 'raw' in outcome ? outcome.raw : []) {
      if (r.location && listed.has(r.location.path)) {
        const list = raw.get(r.location.path);
        if (list) list.push(r);
        else raw.set(r.location.path, [r]);
      } else unlocated.push(r);
    }
    const problems = new Map<string, InputProblem[]>();
    for (const p of record.problems) {
      const list = problems.get(p.path);
      if (list) list.push(p);
      else problems.set(p.path, [p]);
    }
    const positions = new Set(view.files.map((f) => view.whole.scope.position(f)));
    const why =
      'error' in outcome
        ? 'it failed'
        : (record.foreign ??
          (clockReads() !== clock
            ? 'it reads the clock'
            : unlocated.length > 0
              ? 'it reports findings about no file it was given'
              : outcome.examined.settings.length > 0
                ? 'it reads the API'
                : outcome.examined.files.every((p) => positions.has(p))
                  ? undefined
                  : 'it examines files it was not given'));
    return { outcome, raw, unlocated, problems, alone: why === undefined, ...(why ? { why } : {}) };
  }

  /**
   * Writes this run's entries (only the files of this tree, so the cache never outgrows it), when
   * the per-file rules went through the cache; a failure to write is a warning.
   */
  save(): void {
    if (!this.complete) return;
    // Every entry restored as it was and none dropped: the file on disk is this run's already.
    const same = !this.changed && this.previous !== undefined && this.previous.files.size === this.next.size;
    if (same) {
      this.log.debug(
        `cache-dir: ${this.stats.hits} rule outcomes restored, ${this.stats.evaluated} evaluated; the cache is unchanged`,
      );
      return;
    }
    try {
      writeCache(this.dir, { key: this.key, rules: this.rules, files: this.next });
    } catch (err) {
      this.log.warning(`cache-dir: the cache could not be written: ${(err as Error).message}`);
    }
    this.log.debug(
      `cache-dir: ${this.stats.hits} rule outcomes restored, ${this.stats.evaluated} evaluated (${this.stats.kept} kept for the next run), ${this.next.size} files written`,
    );
  }
}
