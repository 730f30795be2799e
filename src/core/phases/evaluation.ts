/**
 * Phase 3, evaluation: the declarations checked against the tree and the calendar, then every rule
 * over the scope (rules whose controls are all declared not applicable are skipped), then triage
 * (exceptions and inline ignores). The findings leave this phase with unique fingerprints.
 */

import type { StoredRule } from '../base-results.js';
import { BaseWorkspace } from '../base-tree.js';
import { CachePlan, type CacheUse, cacheable, type FileCacheRun, recordScreens } from '../cache-run.js';
import { DEFAULT_TEST_PATHS } from '../confidence.js';
import type { Config } from '../config.js';
import { contextShift } from '../context-shift.js';
import { checkDeclarations, type DeclarationCheck, utcDay } from '../declarations/check.js';
import { DEFAULT_CONTROLS_FILE, type DeclarationProblem } from '../declarations/model.js';
import type { CheckOptions } from '../engine.js';
import type { RunAccess } from '../evaluate-rule.js';
import type { PolicyProblems } from '../evaluators/types.js';
import { renamedTree } from '../policy/review.js';
import { describeShifts, type ReadShift, readsShift } from '../reads-shift.js';
import { type RuleEntry, RuleRun } from '../rule-run.js';
import { readDirectives, triage } from '../triage.js';
import type { Finding, Logger, RawFinding, Rule } from '../types.js';
import { Workspace } from '../workspace/workspace.js';
import type { PolicyInForce } from './policy.js';
import {
  collectResults,
  reuseBaseResults,
  runKey,
  runRepository,
  storedRules,
  untouchedResults,
} from './reuse.js';
import { comparesWithBase, type Scope } from './scope.js';

/** The kind evaluated after all others, because it reports what they could not parse. */
export const LAST_KIND = 'core.input-problems';

/** What the rules made of the head. */
export interface Evaluation {
  /** The declarations in force, checked: evidence, exceptions, controls declared not applicable. */
  check: DeclarationCheck;
  /** The engine's policy problems, handed to the policy rules, and the base tree they compare with. */
  context: PolicyProblems;
  /** The rules of the run, each with whether its controls are all declared not applicable. */
  entries: readonly RuleEntry[];
  /** Rules skipped as not applicable, with their controls, for the notice. */
  skipped: string[];
  /** The head's run: summaries, errors and the triaged findings (fingerprints unique). */
  run: RuleRun;
  /** The base commit's stored results, when given and fitting the run (see phases/reuse.ts). */
  stored?: ReadonlyMap<string, StoredRule>;
  /** What the run took from the results cache (see cache-run.ts), when it was given one. */
  cacheUse?: CacheUse;
  /**
   * On a change whose per-file rules read the changed files only, with the base tree: the files it
   * does not touch whose findings it may grade differently, which the per-file rules read too, on
   * the head and on the base (see context-shift.ts). None: it grades every other file alike.
   */
  shifted?: readonly string[];
  /**
   * On such a change, the per-file rules that judge more files than the change's own, because it
   * touches other files they read, with those files (see reads-shift.ts): they do on the base too.
   */
  readShifts?: ReadonlyMap<string, ReadShift>;
}

/** Checks the declarations, evaluates every rule over the scope and triages the findings. */
export async function evaluateHead(
  options: CheckOptions,
  policy: PolicyInForce,
  scope: Scope,
  log: Logger,
): Promise<Evaluation> {
  const { review, config, settings } = policy;
  const { workspace, repo, scan } = scope;
  // Asked of git only when a declaration's evidence needs it (a process less in most runs).
  let defaultBranches: readonly string[] | undefined;
  // Declarations read from a folder above the checked one (a monorepo's top) cite evidence from
  // there: that folder's files are listed when a path is first looked up, not before.
  const declaredAt = policy.policy.active.declarationsRoot;
  let evidenceTree: Workspace | undefined;
  const check = checkDeclarations(policy.policy.active.declarations, policy.policy.active.controlsFile, {
    get workspace() {
      if (!declaredAt) return workspace;
      evidenceTree ??= new Workspace(declaredAt);
      return evidenceTree;
    },
    today: utcDay(options.now ?? new Date()),
    requireDeclarations: settings.requireDeclarations,
    exceptionMaxDays: settings.exceptionMaxDays,
    reviewMaxDays: settings.reviewMaxDays,
    get defaultBranches() {
      if (!defaultBranches) {
        const named = options.defaultBranch ?? repo?.defaultBranch();
        defaultBranches = named ? [named] : ['main', 'master'];
      }
      return defaultBranches;
    },
    ruleIds: new Set(policy.allRules.map((r) => r.id)),
    ownFiles: new Set(
      declaredAt
        ? [DEFAULT_CONTROLS_FILE, '.controlgate.yml']
        : [config.file, policy.policy.active.controlsFile, policy.policy.head.controlsFile].filter(
            (f): f is string => typeof f === 'string' && f !== '',
          ),
    ),
  });
  const problems: DeclarationProblem[] = [
    ...(policy.policy.head.declarations?.problems ?? []),
    ...check.problems,
    ...review.changes,
    ...review.gateChanges,
    ...review.ruleFiles,
  ];
  // Renamed files are read from the base under their old name (inline ignores moved with them are
  // not new).
  const context: PolicyProblems = {
    of: (kind) => problems.filter((p) => p.kind === kind).map(toRaw),
    ...(review.base
      ? { base: renamedTree(review.base.tree, scan.base?.renamed ?? new Map(), options.change?.diff) }
      : {}),
  };

  // Slice workers read the disk, so a run with staged texts keeps every rule on this thread.
  const threads = options.overlay ? undefined : options.threads;
  const run = new RuleRun(config, workspace, context, log, runAccess(options), scan.head, threads);
  // On a change with a base tree, what the rules ask is recorded: the base need not evaluate again a
  // rule the change does not touch (see phases/comparison.ts).
  if (
    ((options.change?.baseline || options.change?.fetchedBase) && options.change.incremental !== false) ||
    options.collectBaseResults
  ) {
    run.recordInputs();
  }
  // Results kept for later changes are kept by subject where a rule names its subjects.
  if (options.collectBaseResults) run.recordSubjects();
  const shifted = shiftedFiles(scope, config, run, log);
  const readShifts = await widenedRules(scope, policy, shifted, run, log);
  // Results of the base commit from an earlier run, for the rules the change does not touch.
  const fit = reuseBaseResults(options, policy, scope, run, log);
  const cache = useFileCache(options, policy, scope, run, log);
  for (const f of [config.file, policy.policy.active.controlsFile, policy.policy.head.controlsFile]) {
    if (f) run.policyFiles.add(f);
  }
  const skipped: string[] = [];
  const entries = policy.rules.map((rule) => {
    const notApplicable =
      !policy.policyRules.has(rule.id) && rule.controls.every((c) => check.notApplicable.has(c));
    if (notApplicable) skipped.push(`${rule.id} (${rule.controls.join(', ')})`);
    return { rule, notApplicable };
  });
  await run.evaluateAll(entries, LAST_KIND);
  // Files known to hold no ignore comment: triage does not read them, nor does the next cache.
  const quiet = cache?.quiet();
  if (cache) {
    logCacheUse(cache.use, options.fileCache?.source, log, run.reused.size);
    keepFileCache(options, run, quiet!, scope, cache, policy.rules.filter(cacheable));
  }
  if (options.collectBaseResults) {
    const results = await collectResults(options, policy, scope, run, log);
    if (results) options.collectBaseResults(results);
  }

  triage({
    findings: run.findings,
    exceptions: check.exceptions,
    workspace,
    protectedRules: new Set(policy.policyRules.keys()),
    ...(fit ? { quiet: fit.quiet } : quiet ? { quiet } : {}),
  });
  dedupeFingerprints(run.findings);
  return {
    check,
    context,
    entries,
    skipped,
    run,
    ...(fit ? { stored: fit.stored } : {}),
    ...(cache ? { cacheUse: cache.use } : {}),
    ...(shifted ? { shifted } : {}),
    ...(readShifts ? { readShifts } : {}),
  };
}

/**
 * On a change whose per-file rules read the changed files only, the rules that must judge more: a
 * change to another file they read may alter the findings of files it does not touch (see
 * reads-shift.ts). Each is given its own wider view.
 */
async function widenedRules(
  scope: Scope,
  policy: PolicyInForce,
  shifted: readonly string[] | undefined,
  run: RuleRun,
  log: Logger,
): Promise<Map<string, ReadShift> | undefined> {
  const base = scope.scan.base;
  const focus = scope.scan.head;
  if (!focus || !(base instanceof BaseWorkspace)) return undefined;
  const own = new Set([...focus.files, ...(shifted ?? [])]);
  const enabled = policy.rules.filter((r) => policy.config.rules[r.id]?.enabled !== false);
  const shifts = await readsShift(enabled, scope.workspace, base, own);
  for (const [id, shift] of shifts) run.widenRule(id, shift.files);
  const said = describeShifts(shifts, scope.workspace.files.length);
  if (said) log.info(said);
  return shifts;
}

/**
 * On a change whose per-file rules read the changed files only, the files it does not touch whose
 * findings it may grade differently: the per-file rules read them too (see context-shift.ts).
 */
function shiftedFiles(scope: Scope, config: Config, run: RuleRun, log: Logger): string[] | undefined {
  const base = scope.scan.base;
  if (!scope.scan.head || !(base instanceof BaseWorkspace)) return undefined;
  const shifted = contextShift(config.testPaths ?? DEFAULT_TEST_PATHS, run.tree, base);
  const n = shifted.length;
  if (n === 0) return shifted;
  run.widenFocus(shifted);
  log.info(
    `scanning ${n} more file${n === 1 ? '' : 's'} the change does not touch but grades differently (what deploys, builds or runs ${n === 1 ? 'it' : 'them'} changed): ${shifted.slice(0, 5).join(', ')}${n > 5 ? ', ...' : ''}`,
  );
  return shifted;
}

/**
 * The results cache of a full check (see cache-run.ts): what it takes from the earlier run's (the
 * per-file rules on the unchanged files, and the rules that read across files whose inputs the
 * change since does not touch), and whether this run's is gathered.
 */
function useFileCache(
  options: CheckOptions,
  policy: PolicyInForce,
  scope: Scope,
  run: RuleRun,
  log: Logger,
): CachePlan | undefined {
  if (!options.fileCache) return undefined;
  if (!scope.blobs) {
    log.info(
      `results cache: not used (${comparesWithBase(options.change) ? 'a change is checked against its base, not against a cache' : 'the checked folder is not the top of a git work tree'})`,
    );
    return undefined;
  }
  const fileCache: FileCacheRun = {
    ...(options.fileCache.previous ? { previous: options.fileCache.previous } : {}),
    collect: options.fileCache.collect !== undefined,
    key: runKey(policy, scope, options),
    blobs: scope.blobs,
  };
  const plan = new CachePlan(fileCache, scope.workspace, policy.rules.filter(cacheable));
  // What the rules that read across files ask is recorded, to be kept, by subject where they name them.
  if (fileCache.collect || plan.kept.size > 0) run.recordInputs();
  if (fileCache.collect) run.recordSubjects();
  const across = options.fileCache.previous?.across;
  if (plan.kept.size > 0 && plan.change && across) {
    const { rules, subjects } = untouchedResults(new Map(Object.entries(across)), plan.change, (patterns) =>
      scope.workspace.matcher(patterns),
    );
    run.reuseResults(rules, subjects);
    log.debug(
      `results cache: ${plan.change.paths.size} files changed since it was written (${plan.change.presence?.size ?? 0} added or deleted); ${rules.size} of ${Object.keys(across).length} rules that read across files untouched`,
    );
  }
  run.useFileCache(fileCache, plan);
  return plan;
}

/** Hands this run's cache to the caller: the per-file part, the rules that read across files, the files with ignore comments. */
function keepFileCache(
  options: CheckOptions,
  run: RuleRun,
  quiet: ReadonlySet<string>,
  scope: Scope,
  plan: CachePlan,
  cached: readonly Rule[],
): void {
  const cache = run.cacheResult;
  const collect = options.fileCache?.collect;
  if (!cache || !collect) return;
  cache.across = storedRules(run);
  cache.screens = recordScreens(cache, scope.workspace, plan, cached);
  const stored = new Set(cache.paths);
  const withFindings = new Set(run.findings.flatMap((f) => (f.location ? [f.location.path] : [])));
  cache.inlineIgnores = [...withFindings]
    .filter((p) => stored.has(p) && !quiet.has(p) && readDirectives(scope.workspace.text(p)).length > 0)
    .sort();
  collect(cache);
}

/** Says what the run took from the results cache, or why nothing. */
function logCacheUse(use: CacheUse, source: string | undefined, log: Logger, across: number): void {
  const from = source ? ` (${source})` : '';
  if (use.reason === 'none') log.info(`results cache: none yet; this run's is kept for the next`);
  else if (use.reason) log.info(`results cache${from}: not taken: ${use.reason}`);
  else {
    log.info(
      `results cache${from}: ${use.unchanged} of ${use.files} files unchanged; ${use.kept} of ${use.cacheable} per-file rules taken from it for them, and ${across} rule${across === 1 ? '' : 's'} that read across files and asked nothing that changed`,
    );
  }
}

/** What the run gives every rule besides the tree: the API, and the repository's name. */
export function runAccess(options: CheckOptions): RunAccess {
  const repository = runRepository(options);
  return { ...(options.github ? { github: options.github } : {}), ...(repository ? { repository } : {}) };
}

/** Two occurrences with the same identity get an ordinal, so every fingerprint is unique. */
export function dedupeFingerprints(findings: Finding[]): void {
  const seen = new Map<string, number>();
  for (const f of findings) f.fingerprint = uniqueFingerprint(f.fingerprint, seen);
}

/** The fingerprint with its ordinal among those `seen` so far (none for the first). */
export function uniqueFingerprint(fingerprint: string, seen: Map<string, number>): string {
  const n = seen.get(fingerprint) ?? 0;
  seen.set(fingerprint, n + 1);
  return n > 0 ? `${fingerprint}:${n}` : fingerprint;
}

function toRaw(p: DeclarationProblem): RawFinding {
  const { kind: _kind, ...raw } = p;
  return raw;
}
