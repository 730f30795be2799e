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
import type { Workspace } from '../workspace/workspace.js';
import { type BlobIds, blobIds } from './blobs.js';
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
   * The outcomes of `rules` (those given to {@link use}, in that order) on `files`: restored where
   * the cache has the file's content under its path, else evaluated file by file.
   */
  async evaluate(
    workspace: Workspace,
    files: readonly string[],
    rules: readonly Rule[],
    github: GitHubApi | undefined,
  ): Promise<RuleOutcome[]> {
    const outcomes: RuleOutcome[] = rules.map(() => ({ raw: [], examined: { files: [], settings: [] } }));
    for (const file of files) {
      const blob = this.blobs.get(file);
      const prev = blob !== undefined ? this.previous?.files.get(file) : undefined;
      const hit = prev?.blob === blob ? prev : undefined;
      const keep: CachedFile | undefined = blob !== undefined ? { blob, outcomes: new Map() } : undefined;
      const at = workspace.scope.position(file);
      let view: FileView | undefined;
      for (const [k, rule] of rules.entries()) {
        const out = outcomes[k]!;
        let cached = hit?.outcomes.get(k);
        if (cached) {
          this.stats.hits += 1;
          for (const p of cached.problems) workspace.reportProblem(p);
          if (cached.examined && at !== undefined) out.examined.files.push(at);
        } else {
          view ??= new FileView(workspace, file);
          const fresh = await this.evaluateOne(view, rule, file, at, github);
          if ('error' in fresh.outcome && !('error' in out)) outcomes[k] = fresh.outcome;
          out.examined.files.push(...fresh.outcome.examined.files);
          out.examined.settings.push(...fresh.outcome.examined.settings);
          cached = fresh.cached;
          if (!cached) {
            if ('raw' in out && 'raw' in fresh.outcome) out.raw.push(...fresh.outcome.raw);
            continue;
          }
        }
        keep?.outcomes.set(k, cached);
        const target = outcomes[k]!;
        if ('raw' in target) target.raw.push(...cached.raw);
      }
      if (keep && keep.outcomes.size > 0) this.next.set(file, keep);
      workspace.release([file]);
    }
    return outcomes;
  }

  /** One rule on one file, and its outcome as a cache entry when it is a function of the file alone. */
  private async evaluateOne(
    view: FileView,
    rule: Rule,
    file: string,
    at: number | undefined,
    github: GitHubApi | undefined,
  ): Promise<{ outcome: RuleOutcome; cached?: CachedOutcome }> {
    this.stats.evaluated += 1;
    const clock = clockReads();
    view.begin();
    const outcome = await runEvaluator(rule, view, SLICE_POLICY, github);
    const record = view.end();
    const alone =
      'raw' in outcome &&
      record.foreign === undefined &&
      clockReads() === clock &&
      outcome.examined.settings.length === 0 &&
      outcome.examined.files.every((p) => p === at) &&
      outcome.raw.every((r: RawFinding) => r.location === null || r.location.path === file);
    if (!alone) return { outcome };
    this.stats.kept += 1;
    return {
      outcome,
      cached: { examined: outcome.examined.files.length > 0, raw: outcome.raw, problems: record.problems },
    };
  }

  /**
   * Writes this run's entries (only the files of this tree, so the cache never outgrows it), when
   * the per-file rules went through the cache; a failure to write is a warning.
   */
  save(): void {
    if (!this.complete) return;
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
