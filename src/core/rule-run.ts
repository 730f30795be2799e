/**
 * Evaluation of rules, one at a time: each rule's effective settings (disabled, severity, excluded
 * paths), the skip of rules whose controls are all declared not applicable, the evaluator call, and
 * the conversion of what it returns into findings. A rule that throws becomes that rule's error; a
 * rule that cannot get the answer it needs (an API permission) becomes unverifiable.
 */

import type { StoredLeftOut } from './base-results.js';
import { CacheCollector, type CachePlan, cacheable, type FileCacheRun } from './cache-run.js';
import { DEFAULT_TEST_PATHS, testPathContext } from './confidence.js';
import type { Config } from './config.js';
import {
  combineParts,
  type Examined,
  type RuleOutcome,
  type RunAccess,
  runEvaluator,
} from './evaluate-rule.js';
import { policyKind } from './evaluators/policy/policy.js';
import { getEvaluator } from './evaluators/registry.js';
import type { PolicyProblems } from './evaluators/types.js';
import type { FileCache } from './file-cache.js';
import { createFinding, helpUri } from './finding.js';
import {
  CHUNK_FILES,
  evaluateSlice,
  SLICE_POLICY,
  SlicePool,
  SliceQueue,
  type SliceThreads,
  sliceCount,
  sliceFiles,
} from './slices.js';
import type { Finding, Logger, RawFinding, Rule, RuleError, RuleScope, RuleSummary } from './types.js';
import { FocusedWorkspace } from './workspace/focus.js';
import { pathMatcher } from './workspace/glob.js';
import { RecordingWorkspace } from './workspace/recording.js';
import {
  InputLog,
  type InputsView,
  type LeftOutPart,
  type RuleInputs,
  ScopeTally,
} from './workspace/scope.js';
import type { Workspace } from './workspace/workspace.js';

/** What a slice's outcome examined once folded into its rule's tally. */
const NOTHING_EXAMINED: Examined = Object.freeze({ files: [], settings: [] }) as unknown as Examined;

/** What a rule that reads across files asked and found, recorded on a change or for base results. */
export interface RecordedRule {
  inputs: InputsView;
  /** Its findings as it reported them (see `StoredRule.raw`). */
  raw: readonly RawFinding[];
  scope: RuleScope;
  /** For a rule evaluated subject by subject (see `Evaluator.subjects`): each subject's part, in order. */
  subjects?: SubjectResults[];
}

/** What evaluating one subject of a rule alone asked, found and examined. */
export interface SubjectResults {
  path: string;
  inputs: InputsView;
  raw: RawFinding[];
  /** The files it examined. */
  files: string[];
  /** The files it left out on purpose, by kind (see `Workspace.leaveOut`); absent: none. */
  leftOut?: StoredLeftOut[];
}

/**
 * Results a run may take for a rule instead of evaluating it: the base commit's stored ones, or on
 * the base tree the head's own (see phases/comparison.ts). Its findings as the rule reported them,
 * before settings and context: the run grades them on its own tree.
 */
export type ReusableRule = RecordedRule;

/** A rule to evaluate, and whether every control it maps to is declared not applicable. */
export interface RuleEntry {
  rule: Rule;
  notApplicable: boolean;
}

/** Evaluates rules one by one, collecting their summaries, findings and errors. */
export class RuleRun {
  readonly findings: Finding[] = [];
  /**
   * Findings left out because they repeat, at a symbolic link, the same rule's finding at the file it
   * leads to (see {@link aliasTwins}). A base tree's count as found there: a change that replaces the
   * link with a copy of the file does not make them new.
   */
  readonly aliased: Finding[] = [];
  readonly errors: RuleError[] = [];
  readonly summaries: RuleSummary[] = [];
  /**
   * Files no rule assesses the repository by: controlgate's own configuration and declarations. A
   * content rule that read only them has examined nothing of what the controls are about.
   */
  readonly policyFiles = new Set<string>();
  /**
   * Lowers the confidence of findings in test, fixture, example, docs and vendored paths, in
   * project-scaffolding templates, and in manifests that kustomize builds only for kustomizations
   * there. Made at the first finding, through the recording view when there is one: the
   * kustomizations it reads are computed once for the tree, and a rule that reads them afterwards
   * must be credited with their inputs.
   */
  private context: ((f: Finding, about?: string) => void) | undefined;
  /**
   * On the base tree, the files the change renamed, by their new path (where the base shows their old
   * content) to their path in the base: their findings are judged in context by the path they had
   * there. A change that moves a fixture out of a test folder raises its findings (see `raisedSince`).
   */
  contextPaths: ReadonlyMap<string, string> | undefined;
  /** The view that records what the rules reading across files ask (see {@link recordInputs}). */
  private recorder: RecordingWorkspace | undefined;
  /**
   * With {@link recordInputs}: each rule that reads across files and ran to the end, with what it
   * asked of the tree and what it found.
   */
  readonly recorded = new Map<string, RecordedRule>();
  /**
   * Results of the base commit from an earlier run, for the rules the change does not touch (see
   * {@link reuseResults}): such a rule is not evaluated, its stored findings are.
   */
  private reusable: ReadonlyMap<string, ReusableRule> = new Map();
  /** Rules whose results came from {@link reusable} in this run. */
  readonly reused = new Set<string>();
  /**
   * Of the rules that name their subjects and that the change touches, the subjects it does not
   * touch, with their stored results (see {@link reuseResults}): only the others are evaluated.
   */
  private reusableSubjects: ReadonlyMap<string, ReadonlyMap<string, SubjectResults>> = new Map();
  /** Subjects whose results came from {@link reusableSubjects}, and all subjects, in this run. */
  readonly subjectCounts = { reused: 0, total: 0 };
  /** Whether rules that name their subjects are evaluated and recorded subject by subject. */
  private splitting = false;
  /** The results cache of a full check (see cache-run.ts), when the run uses one, and what it takes from it. */
  private fileCache: { run: FileCacheRun; plan: CachePlan } | undefined;
  /** This run's per-file results for the next run (with `FileCacheRun.collect`), after {@link evaluateAll}. */
  cacheResult: FileCache | undefined;

  constructor(
    private readonly config: Config,
    private readonly workspace: Workspace,
    private readonly policy: PolicyProblems,
    private readonly log: Logger,
    private readonly run: RunAccess = {},
    /** The changed-files view given to per-file rules on a pull request (see `Evaluator.scope`). */
    private focused?: Workspace,
    /** Workers for the per-file rules over a large tree; none: the engine's thread does them all. */
    private readonly threads?: SliceThreads,
  ) {}

  /** Per-file rules given a wider view than {@link focused} (see {@link widenRule}). */
  private readonly ruleFocus = new Map<string, Workspace>();
  /** The wider views made, by their added files, so that rules widened alike share parses. */
  private readonly ruleViews = new Map<string, FocusedWorkspace>();

  /**
   * The tree as the rules that read across files see it: through the recording view once inputs are
   * recorded, so that what is computed through it before the rules run is credited to those that use it.
   */
  get tree(): Workspace {
    return this.recorder ?? this.workspace;
  }

  /**
   * Adds files to the changed-files view of the per-file rules, before they run: files the change
   * does not touch whose findings it grades differently (see context-shift.ts).
   */
  widenFocus(files: readonly string[]): void {
    if (!this.focused || files.length === 0) return;
    this.focused = this.widened(this.focused, files);
  }

  /**
   * Gives one per-file rule a wider view than the changed files, before it runs: files the change does
   * not touch whose findings it may alter through other files the rule reads (see reads-shift.ts);
   * `all`: the whole tree. Call after {@link widenFocus}. Rules given the same files share one view.
   */
  widenRule(id: string, files: readonly string[] | 'all'): void {
    if (!this.focused) return;
    if (files === 'all') {
      this.ruleFocus.set(id, this.workspace);
      return;
    }
    const key = files.join('\u0000');
    let view = this.ruleViews.get(key);
    if (!view) {
      view = this.widened(this.focused, files);
      this.ruleViews.set(key, view);
    }
    this.ruleFocus.set(id, view);
  }

  /** The changed-files view with `files` added: the change's files stay its own, a link's target it brings in a reference. */
  private widened(focused: Workspace, files: readonly string[]): FocusedWorkspace {
    const references = focused instanceof FocusedWorkspace ? focused.references : new Set<string>();
    const own = focused.files.filter((f) => !references.has(f));
    return FocusedWorkspace.ofChange(this.workspace, [...own, ...files]);
  }

  /**
   * Records, from now on, what each rule that reads across files asks of the tree, and what it
   * finds, so that another tree differing in paths it never asked about need not evaluate it again
   * (see {@link recorded}). Per-file rules are not recorded: on a change they look at its files.
   */
  recordInputs(): void {
    this.recorder ??= new RecordingWorkspace(this.workspace, new InputLog());
  }

  /**
   * Takes these rules' results of the base commit instead of evaluating them: the caller answers for
   * their origin and for the change touching none of their inputs. Their inputs are recorded as the
   * base's, so the base comparison reuses them too.
   */
  reuseResults(
    rules: ReadonlyMap<string, ReusableRule>,
    subjects: ReadonlyMap<string, ReadonlyMap<string, SubjectResults>> = new Map(),
  ): void {
    this.reusable = rules;
    this.reusableSubjects = subjects;
  }

  /**
   * Takes, for the rules of `entries` that `rules` holds, those results instead of evaluating them,
   * graded in this run's context (see {@link reuse}): on the base tree, the head's findings of the
   * rules the change does not touch, which the change may grade differently all the same.
   */
  takeResults(entries: readonly RuleEntry[], rules: ReadonlyMap<string, ReusableRule>): void {
    for (const { rule, notApplicable } of entries) {
      const results = rules.get(rule.id);
      if (!results) continue;
      const summary = this.begin(rule, notApplicable);
      if (summary) this.reuse(rule, summary, results);
    }
  }

  /**
   * With {@link recordInputs}: evaluates each rule that names its subjects one subject at a time,
   * recording each subject's part, so that results kept for later changes can be reused by subject.
   * The findings are the same as one evaluation over the tree.
   */
  recordSubjects(): void {
    this.splitting = true;
  }

  /**
   * Takes the per-file rules' results on the files whose blob is unchanged from an earlier run's
   * cache (`plan`), and with `run.collect` keeps this run's in {@link cacheResult} (see
   * file-cache.ts). For a full check of the whole tree.
   */
  useFileCache(run: FileCacheRun, plan: CachePlan): void {
    this.fileCache = { run, plan };
  }

  /**
   * Evaluates rules in order, with one exception that changes nothing in the results: over a large
   * tree, the per-file rules run slice by slice of the files (every such rule on one slice, then the
   * slice's texts are released), after the other rules, so memory follows the slice and not the
   * repository; slice workers, when given, take slices alongside this thread. `last` runs after
   * everything else within its slice (it reports what the others could not parse).
   */
  async evaluateAll(entries: readonly RuleEntry[], last?: string): Promise<void> {
    const cache = this.focused ? undefined : this.fileCache;
    // With the results cache every per-file rule goes by slices, which the cache is kept alongside.
    const chunked = !this.focused && (this.workspace.files.length > CHUNK_FILES || cache !== undefined);
    const perFile = (e: RuleEntry) => chunked && getEvaluator(e.rule.check.kind)?.scope === 'file';
    const isLast = (e: RuleEntry) => e.rule.check.kind === last;
    const whole = entries.filter((e) => !perFile(e));
    const sliced = entries.filter(perFile);
    const active = [...sliced.filter((e) => !isLast(e)), ...sliced.filter(isLast)].flatMap((e) => {
      const summary = this.begin(e.rule, e.notApplicable);
      return summary ? [{ rule: e.rule, summary, slices: [] as RuleOutcome[] }] : [];
    });
    const plan = cache?.plan;
    const collector = cache?.run.collect
      ? new CacheCollector(this.workspace, cache.run, cache.plan)
      : undefined;
    // The unchanged files are not parsed again: the problems found in them last time stand.
    for (const p of plan?.problems() ?? []) this.workspace.reportProblem(p);
    const kept = active.filter((a) => plan?.kept.has(a.rule.id));
    const shared = active.filter(
      (a) => !getEvaluator(a.rule.check.kind)?.mainThread && !plan?.kept.has(a.rule.id),
    );
    const own = active.filter((a) => getEvaluator(a.rule.check.kind)?.mainThread);
    const sharedRules = shared.map((a) => a.rule);
    const asking = collector ? sharedRules.map(cacheable) : undefined;
    const count = sliceCount(this.workspace.files.length);
    const queue = new SliceQueue(undefined, count);
    // What each rule examined is folded into its tally as each slice's outcome arrives, and the
    // positions are dropped: kept per slice until the end, they were the largest thing the engine's
    // heap held at 200,000 files (a number per file and rule that reads every file).
    const ordered = [...shared, ...own];
    const tallies = ordered.map((a) => this.tally(a.rule));
    const settings = ordered.map(() => new Set<string>());
    const fold = (outcomes: RuleOutcome[], from: number) => {
      for (const [i, o] of outcomes.entries()) {
        if (from === 0 && asking?.[i]) collector!.add(sharedRules[i]!.id, o);
        tallies[from + i]!.add(o.examined.files);
        tallies[from + i]!.addLeftOut(o.examined.leftOut);
        for (const s of o.examined.settings) settings[from + i]!.add(s);
        o.examined = NOTHING_EXAMINED;
      }
    };
    // Workers start first: they load while this thread evaluates the rules that read across files.
    // Not when the cache holds the per-file rules: the few it cannot hold read few files, and a
    // worker costs more to start (its own copy of the bundle) than it would take from this thread.
    const pool =
      plan && plan.kept.size > 0
        ? undefined
        : this.startWorkers(sharedRules, queue, count, (outcomes) => fold(outcomes, 0), asking);
    let fresh: RuleOutcome[] = [];
    try {
      for (const e of [...whole.filter((e) => !isLast(e)), ...whole.filter(isLast)]) {
        await this.evaluate(e.rule, e.notApplicable);
      }
      if (active.length === 0) {
        this.collectCache(collector);
        return;
      }
      const byslice = await this.sharedSlices(sharedRules, queue, count, pool, (o) => fold(o, 0), asking);
      // The rules taken from the cache read the changed files only, before the engine's thread's
      // own rules (the last of which reports what the others could not parse).
      if (plan && kept.length > 0)
        fresh = await this.evaluateChanged(
          kept.map((a) => a.rule),
          plan.todo,
        );
      const policy: PolicyProblems = {
        ...SLICE_POLICY,
        ...(this.policy.base ? { base: this.policy.base } : {}),
      };
      const ownRules = own.map((a) => a.rule);
      for (let slice = 0; slice < count; slice++) {
        const outcomes = byslice.get(slice) ?? [];
        if (own.length > 0) {
          const files = sliceFiles(this.workspace.files, slice);
          const mine = await evaluateSlice(this.workspace, files, ownRules, policy, this.run);
          fold(mine, shared.length);
          outcomes.push(...mine);
        }
        for (const [i, a] of ordered.entries()) a.slices.push(outcomes[i]!);
      }
    } finally {
      pool?.stop();
    }
    for (const [i, a] of ordered.entries()) {
      // The engine's problems of a policy rule belong to the rule once, not to each slice.
      const kind = policyKind(a.rule.check.kind);
      const raw: RawFinding[] = kind ? this.policy.of(kind) : [];
      const failed = a.slices.find((o) => 'error' in o);
      a.summary.scope = { ...tallies[i]!.result(), settings: [...settings[i]!], basis: 'tree' };
      if (failed) this.fail(a.rule, a.summary, failed);
      else this.append(a.rule, a.summary, [...raw, ...a.slices.flatMap((o) => ('raw' in o ? o.raw : []))]);
    }
    for (const [i, a] of kept.entries()) this.takeCached(a.rule, a.summary, plan!, fresh[i]!, collector);
    this.collectCache(collector);
  }

  /** Keeps this run's per-file results for the next run, when asked for them. */
  private collectCache(collector: CacheCollector | undefined): void {
    if (collector) this.cacheResult = collector.result();
  }

  /**
   * The rules taken from the cache over the files it does not hold, in slices on this thread: one
   * outcome per rule, the slices' findings one after another.
   */
  private async evaluateChanged(rules: Rule[], todo: readonly string[]): Promise<RuleOutcome[]> {
    const out: RuleOutcome[] = rules.map(() => ({
      raw: [],
      examined: { files: [], settings: [] },
      asked: [],
    }));
    const asking = rules.map(() => true);
    for (let at = 0; at < todo.length; at += CHUNK_FILES) {
      const files = todo.slice(at, at + CHUNK_FILES);
      const outcomes = await evaluateSlice(this.workspace, files, rules, SLICE_POLICY, this.run, asking);
      for (const [i, o] of outcomes.entries()) {
        const sum = out[i]!;
        if ('error' in o) {
          if ('raw' in sum) out[i] = { ...o, examined: sum.examined };
          continue;
        }
        if ('raw' in sum) sum.raw.push(...o.raw);
        sum.examined.files.push(...o.examined.files);
        sum.examined.settings.push(...o.examined.settings);
        if (o.examined.leftOut)
          sum.examined.leftOut = [...(sum.examined.leftOut ?? []), ...o.examined.leftOut];
        sum.asked!.push(...(o.asked ?? []));
      }
    }
    return out;
  }

  /**
   * A rule taken from the cache: its cached findings on the unchanged files and its fresh ones on the
   * others, in the tree's order (as one evaluation over the tree reports them, file by file).
   */
  private takeCached(
    rule: Rule,
    summary: RuleSummary,
    plan: CachePlan,
    fresh: RuleOutcome,
    collector: CacheCollector | undefined,
  ): void {
    const part = plan.cached(rule.id);
    const { found, examined } = part;
    const tally = this.tally(rule);
    tally.add(examined);
    tally.add(fresh.examined.files);
    tally.addLeftOut(fresh.examined.leftOut);
    summary.scope = { ...tally.result(), settings: [...new Set(fresh.examined.settings)], basis: 'tree' };
    if ('error' in fresh) {
      this.fail(rule, summary, fresh);
      return;
    }
    const byPosition: [number, RawFinding[]][] = [...found];
    const unplaced: RawFinding[] = [];
    const scope = this.workspace.scope;
    let last: { pos: number; list: RawFinding[] } | undefined;
    for (const raw of fresh.raw) {
      const pos = raw.location ? scope.position(raw.location.path) : undefined;
      if (pos === undefined) unplaced.push(raw);
      else if (last?.pos === pos) last.list.push(raw);
      else {
        last = { pos, list: [raw] };
        byPosition.push([pos, last.list]);
      }
    }
    // Stable: a file's findings keep their order; a file appears once in either list.
    byPosition.sort((a, b) => a[0] - b[0]);
    const kind = policyKind(rule.check.kind);
    const engine: RawFinding[] = kind ? this.policy.of(kind) : [];
    this.append(rule, summary, [...engine, ...byPosition.flatMap(([, raw]) => raw), ...unplaced]);
    collector?.addCached(rule.id, part, plan.asked(rule.id));
    collector?.add(rule.id, fresh);
  }

  /**
   * A tally of one rule's examined files over this run's tree; the files the configuration excludes
   * from the rule are left out of it, as its findings there are (see `append`).
   */
  private tally(rule: Rule): ScopeTally {
    const discount = [...this.policyFiles].flatMap((f) => this.workspace.scope.position(f) ?? []);
    const tally = new ScopeTally(this.workspace.files, discount);
    const exclude = this.config.rules[rule.id]?.exclude;
    if (exclude?.length) tally.excludeFrom(pathMatcher(exclude));
    return tally;
  }

  /** Stored left-out files (by path) as positions of this run's tree. */
  private leftOutParts(stored: readonly StoredLeftOut[] | undefined): LeftOutPart[] | undefined {
    return stored?.map((l) => ({
      kind: l.kind,
      reason: l.reason,
      files: l.files.flatMap((f) => this.workspace.scope.position(f) ?? []),
    }));
  }

  private scopeOf(rule: Rule, examined: Examined, basis: RuleScope['basis']): RuleScope {
    const tally = this.tally(rule);
    tally.add(examined.files);
    tally.addLeftOut(examined.leftOut);
    return { ...tally.result(), settings: examined.settings, basis };
  }

  private startWorkers(
    rules: Rule[],
    queue: SliceQueue,
    count: number,
    fold: (outcomes: RuleOutcome[]) => void,
    asking: boolean[] | undefined,
  ): SlicePool | undefined {
    if (!this.threads || this.threads.count < 1 || rules.length === 0 || count < 2) return undefined;
    return new SlicePool(this.threads.spawn, this.threads.count, fold, {
      root: this.workspace.root,
      maxFileBytes: this.workspace.maxFileBytes,
      files: this.workspace.files,
      ...(this.workspace.inheritance ? { inherited: this.workspace.inheritance } : {}),
      rules,
      ...(asking ? { asking } : {}),
      ...(this.run.repository ? { repository: this.run.repository } : {}),
      queue: queue.buffer,
    });
  }

  /**
   * The outcomes of `rules` on every slice, by slice: this thread takes slices until none is left,
   * then gathers the workers' and evaluates any slice a worker took but never delivered.
   */
  private async sharedSlices(
    rules: Rule[],
    queue: SliceQueue,
    count: number,
    pool: SlicePool | undefined,
    fold: (outcomes: RuleOutcome[]) => void,
    asking: boolean[] | undefined,
  ): Promise<Map<number, RuleOutcome[]>> {
    const byslice = new Map<number, RuleOutcome[]>();
    if (rules.length === 0) return byslice;
    const files = this.workspace.files;
    const evaluate = async (slice: number) => {
      const outcomes = await evaluateSlice(
        this.workspace,
        sliceFiles(files, slice),
        rules,
        SLICE_POLICY,
        this.run,
        asking,
      );
      fold(outcomes);
      return outcomes;
    };
    for (let slice = queue.takeFront(); slice >= 0; slice = queue.takeFront()) {
      byslice.set(slice, await evaluate(slice));
    }
    if (pool) {
      const delivered = await pool.collect(count, new Set(byslice.keys()));
      // In slice order, after this thread's own: the first problem recorded per file wins, and every
      // file belongs to one slice, so which thread took which slice changes nothing.
      for (const r of [...delivered.values()].sort((a, b) => a.slice - b.slice)) {
        byslice.set(r.slice, r.outcomes);
        for (const p of r.problems) this.workspace.reportProblem(p);
      }
      this.log.debug(
        `per-file rules: ${count} slices, ${delivered.size} on ${this.threads?.count} worker thread(s)` +
          (pool.failures.length > 0 ? `; worker failed: ${pool.failures.join('; ')}` : ''),
      );
    }
    for (let slice = 0; slice < count; slice++) {
      if (!byslice.has(slice)) byslice.set(slice, await evaluate(slice));
    }
    return byslice;
  }

  async evaluate(rule: Rule, notApplicable: boolean): Promise<void> {
    const summary = this.begin(rule, notApplicable);
    if (!summary) return;
    const stored = this.reusable.get(rule.id);
    if (stored) return this.reuse(rule, summary, stored);
    const evaluator = getEvaluator(rule.check.kind);
    const kept = this.reusableSubjects.get(rule.id);
    if (evaluator?.subjects && this.recorder && (this.splitting || kept)) {
      this.recorder.log.begin();
      const subjects = evaluator.subjects(this.recorder);
      const listing = this.recorder.log.end();
      // One at a time, subjects cost more than together: worth it to keep their parts for later
      // changes, or when at least half of them are taken from the stored results.
      if (this.splitting || (kept?.size ?? 0) * 2 >= subjects.length) {
        return this.evaluateSubjects(rule, summary, subjects, listing, this.recorder, kept);
      }
    }
    const perFile = evaluator?.scope === 'file';
    const view = this.focused && perFile ? (this.ruleFocus.get(rule.id) ?? this.focused) : undefined;
    const scoped = view !== undefined && view !== this.workspace;
    // The policy rules read the policy and what the engine found in it: never recorded.
    const recorder = perFile || policyKind(rule.check.kind) ? undefined : this.recorder;
    recorder?.log.begin();
    const outcome = await runEvaluator(rule, view ?? recorder ?? this.workspace, this.policy, this.run);
    const inputs = recorder?.log.end();
    summary.scope = this.scopeOf(rule, outcome.examined, scoped ? 'change' : 'tree');
    if ('error' in outcome) return this.fail(rule, summary, outcome);
    const references = scoped && view instanceof FocusedWorkspace ? view.references : undefined;
    this.append(rule, summary, outcome.raw, references);
    if (inputs) {
      // An answer of the API is no input a tree can be compared on.
      if (outcome.examined.settings.length > 0 || readsApi(rule)) inputs.opaque ??= 'it reads the API';
      this.recorded.set(rule.id, { inputs, raw: outcome.raw, scope: summary.scope });
    }
  }

  /**
   * Evaluates a rule one subject at a time, recording what each asked, and takes the stored part of
   * each subject in `kept` instead; `listing` is what listing the subjects asked. The findings are
   * the subjects' one after another, as one evaluation over the tree reports them; the inputs and
   * the scope are the union of the subjects'.
   */
  private async evaluateSubjects(
    rule: Rule,
    summary: RuleSummary,
    subjects: readonly string[],
    listing: RuleInputs,
    recorder: RecordingWorkspace,
    kept: ReadonlyMap<string, SubjectResults> | undefined,
  ): Promise<void> {
    const tally = this.tally(rule);
    const settings = new Set<string>();
    const parts: SubjectResults[] = [];
    const files = this.workspace.scope.files;
    for (const path of subjects) {
      const stored = kept?.get(path);
      if (stored) {
        tally.add(stored.files.flatMap((f) => this.workspace.scope.position(f) ?? []));
        tally.addLeftOut(this.leftOutParts(stored.leftOut));
        parts.push(stored);
        this.subjectCounts.reused += 1;
        continue;
      }
      recorder.log.begin();
      const outcome = await runEvaluator(rule, recorder, this.policy, this.run, [path]);
      const inputs = recorder.log.end();
      tally.add(outcome.examined.files);
      tally.addLeftOut(outcome.examined.leftOut);
      for (const s of outcome.examined.settings) settings.add(s);
      if ('error' in outcome) {
        summary.scope = { ...tally.result(), settings: [...settings], basis: 'tree' };
        return this.fail(rule, summary, outcome);
      }
      const leftOut = outcome.examined.leftOut?.map((p) => ({ ...p, files: p.files.map((i) => files[i]!) }));
      parts.push({
        path,
        inputs,
        raw: outcome.raw,
        files: outcome.examined.files.map((i) => files[i]!),
        ...(leftOut ? { leftOut } : {}),
      });
    }
    this.subjectCounts.total += subjects.length;
    // The parts made into the rule's findings (a verdict about the repository as a whole), each time:
    // what that asks is an input of the rule, not of any part.
    recorder.log.begin();
    const combined = await combineParts(
      rule,
      recorder,
      this.policy,
      parts.flatMap((p) => p.raw),
    );
    const combining = recorder.log.end();
    tally.add(combined.examined.files);
    tally.addLeftOut(combined.examined.leftOut);
    summary.scope = { ...tally.result(), settings: [...settings], basis: 'tree' };
    if ('error' in combined) return this.fail(rule, summary, combined);
    const raw = combined.raw;
    this.append(rule, summary, raw);
    const union = new InputLog();
    union.begin();
    for (const part of [listing, ...parts.map((p) => p.inputs), combining]) union.replay(part);
    const inputs = union.end();
    if (settings.size > 0 || readsApi(rule)) inputs.opaque ??= 'it reads the API';
    this.recorded.set(rule.id, { inputs, raw, scope: summary.scope, subjects: parts });
  }

  /** A rule's stored results as if it had just found them: same settings, context and fingerprints. */
  private reuse(rule: Rule, summary: RuleSummary, stored: ReusableRule): void {
    summary.scope = {
      ...stored.scope,
      examples: [...stored.scope.examples],
      settings: [...stored.scope.settings],
    };
    if (stored.scope.leftOut) {
      summary.scope.leftOut = stored.scope.leftOut.map((l) => ({ ...l, examples: [...l.examples] }));
    }
    this.append(rule, summary, stored.raw);
    // Its inputs as stored, and its parts by subject, so that results kept again can still be taken
    // by subject.
    this.recorded.set(rule.id, {
      inputs: stored.inputs,
      raw: stored.raw,
      scope: summary.scope,
      ...(stored.subjects ? { subjects: stored.subjects } : {}),
    });
    this.reused.add(rule.id);
  }

  /** Records the rule's summary; undefined when it is not evaluated (disabled, not applicable). */
  private begin(rule: Rule, notApplicable: boolean): RuleSummary | undefined {
    const settings = this.config.rules[rule.id] ?? {};
    const summary: RuleSummary = {
      id: rule.id,
      title: rule.title,
      severity: settings.severity ?? rule.severity,
      controls: rule.controls,
      rationale: rule.rationale,
      remediation: rule.remediation,
      helpUri: helpUri(rule.id),
      source: rule.source,
      result: 'pass',
      findings: 0,
    };
    this.summaries.push(summary);
    if (settings.enabled === false && rule.check.kind === 'policy.declarations-file') {
      // Never disabled: a broken declarations file must fail the gate. Said only when it matters.
      if (this.policy.of('declarations-file').length > 0) {
        this.log.warning(
          `${this.config.file}: /rules/${rule.id}: this rule cannot be disabled; the setting is ignored`,
        );
      }
    } else if (settings.enabled === false) {
      summary.result = 'disabled';
      return undefined;
    }
    if (notApplicable) {
      summary.result = 'not-applicable';
      return undefined;
    }
    return summary;
  }

  private fail(rule: Rule, summary: RuleSummary, outcome: { error: string; unverifiable: boolean }): void {
    // A refused API answer is not a bug: the rule's controls are unverifiable, and the detail says
    // which permission would help. It is no rule error and raises no warning of its own.
    if (outcome.unverifiable) {
      summary.result = 'unverifiable';
      summary.detail = outcome.error;
      return;
    }
    summary.result = 'error';
    this.errors.push({ ruleId: rule.id, message: `internal error while evaluating: ${outcome.error}` });
  }

  /**
   * Turns what a rule reported into findings. `references`: files a changed-files view lists only so
   * that the findings at links to them can be told apart (see `FocusedWorkspace.references`), whose
   * own findings are not the change's.
   */
  private append(
    rule: Rule,
    summary: RuleSummary,
    raw: readonly RawFinding[],
    references?: ReadonlySet<string>,
  ): void {
    const exclude = this.config.rules[rule.id]?.exclude;
    const skip = exclude?.length ? pathMatcher(exclude) : undefined;
    // Policy findings are about the policy files themselves, wherever they are; test-data rules are
    // about what test paths hold.
    const exempt = policyKind(rule.check.kind) || getEvaluator(rule.check.kind)?.testData === true;
    this.context ??= testPathContext(
      this.config.testPaths ?? DEFAULT_TEST_PATHS,
      this.recorder ?? this.workspace,
    );
    const context = exempt ? undefined : this.context;
    const made: Made[] = [];
    for (const r of raw) {
      if (skip && r.location && skip(r.location.path)) continue;
      const finding = createFinding(rule, r, summary.severity);
      const judged = r.about ?? r.location?.path;
      context?.(finding, (judged !== undefined && this.contextPaths?.get(judged)) || r.about);
      made.push({ finding, raw: r });
    }
    const twins = this.aliasTwins(made);
    for (const [i, { finding }] of made.entries()) {
      if (twins.has(i)) {
        this.aliased.push(finding);
        continue;
      }
      if (references?.has(finding.location?.path ?? '')) continue;
      this.findings.push(finding);
      summary.findings += 1;
    }
    if (summary.result !== 'error') summary.result = summary.findings > 0 ? 'fail' : 'pass';
  }

  /**
   * The findings (by position in `made`) at a symbolic link that say exactly what the same rule says
   * at the file the link leads to (see `Workspace.aliasOf`): same lines, message, grade and key. The
   * content is the target's, and so is any fix; the finding is reported once, at the target. A
   * finding the link's own path changes (a test path's lower confidence, a deployable path's context)
   * has no such twin and stays.
   */
  private aliasTwins(made: readonly Made[]): Set<number> {
    const twins = new Set<number>();
    if (made.length < 2) return twins;
    // Only paths whose finding says, word for word, what a finding at another path says can be a link
    // and its target: the file system is asked about those alone.
    const where = new Map<string, Set<string>>();
    for (const m of made) {
      const p = m.finding.location?.path;
      if (p === undefined) continue;
      const key = twinKey('', m);
      const at = where.get(key);
      if (at) at.add(p);
      else where.set(key, new Set([p]));
    }
    const paths = new Set<string>();
    for (const at of where.values()) if (at.size > 1) for (const p of at) paths.add(p);
    if (paths.size < 2) return twins;
    const targets = new Map<string, string>();
    for (const p of paths) {
      const target = this.workspace.aliasOf(p);
      if (target !== undefined && paths.has(target)) targets.set(p, target);
    }
    if (targets.size === 0) return twins;
    const atTargets = new Set(targets.values());
    const said = new Set<string>();
    for (const m of made) {
      const p = m.finding.location?.path;
      if (p !== undefined && atTargets.has(p)) said.add(twinKey(p, m));
    }
    for (const [i, m] of made.entries()) {
      const target = m.finding.location ? targets.get(m.finding.location.path) : undefined;
      if (target !== undefined && said.has(twinKey(target, m))) twins.add(i);
    }
    return twins;
  }
}

/** A finding as made from what its rule reported. */
interface Made {
  finding: Finding;
  raw: RawFinding;
}

/** What a finding says, at `path` instead of its own path (see `RuleRun.aliasTwins`). */
function twinKey(path: string, { finding, raw }: Made): string {
  const { path: _own, ...at } = finding.location!;
  const about = raw.about === finding.location!.path ? undefined : raw.about;
  return JSON.stringify([
    path,
    at,
    finding.severity,
    finding.confidence,
    finding.persona ?? null,
    finding.message,
    finding.controls,
    raw.key ?? null,
    about ?? null,
    finding.unfixable ?? null,
  ]);
}

/** Whether the rule reads the API when a run has one, whether or not this run did (see Evaluator). */
function readsApi(rule: Rule): boolean {
  const evaluator = getEvaluator(rule.check.kind);
  return evaluator?.mayReadApi?.(rule.check.with ?? {}) === true;
}
