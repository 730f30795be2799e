/**
 * New versus existing findings on a pull request. A finding is new when the base version of the tree
 * does not have it: fingerprints are content-based, so a finding keeps its identity when lines move.
 * A finding the base has at a lower severity or confidence is new too: the change raised it (a
 * trigger that now hands outsiders a writable token turns an injection that was harmless on
 * `pull_request` into a critical one), and a gate that judged it existing would let the change
 * through on the strength of what the base did not risk.
 * In a shallow checkout (no base commit in git), the base tree is built the same way from the base
 * versions of the changed files read through the API (`ChangeOptions.fetchedBase`); where they were
 * not all read, findings that may differ on the real base count as new (`BaseWorkspace.unknown`).
 * Only without either does the diff decide: a finding on a line the pull request adds is new, one
 * elsewhere is existing, and one the diff cannot place (about the repository as a whole, or in a
 * binary file) counts as new.
 */
import {
  type BaseWorkspace,
  buildBaseWorkspace,
  type FetchedBase,
  fetchedBaseWorkspace,
} from './base-tree.js';
import { confidenceRank } from './confidence.js';
import type { DiffIndex } from './diff.js';
import { severityRank } from './gate.js';
import type { Confidence, Finding, Severity } from './types.js';
import type { Workspace } from './workspace/workspace.js';

/** Which findings the gate counts: those the change introduces, or all of them. */
export type GateScope = 'new' | 'all';

/** The pull request under review, as the CI event describes it. */
export interface PullRequestInfo {
  number: number;
  /** The base branch's commit when the event fired, and its branch name. */
  base: { sha: string; ref: string; repo: string };
  /** The pull request's last commit (where check runs belong), its branch and repository. */
  head: { sha: string; ref: string; repo: string };
  /** The head lives in another repository: the token is read-only and secrets are absent. */
  fork: boolean;
  draft: boolean;
  /** Who opened the pull request (`user.login`), when the event says. */
  author?: string;
  /** How many files the pull request changes, as the event counts them (`changed_files`). */
  changedFiles?: number;
}

/** How new and existing findings were told apart in a run. */
export type NewnessMethod =
  /**
   * Compared with the findings of the base tree (`commit`), read from git or (`source: 'api'`) from
   * the changed files' base versions read through the API; `incomplete`: where it was not read.
   */
  | { method: 'base-tree'; commit: string; source?: 'api'; incomplete?: string }
  /** Judged from the changed lines only: the base commit was not in the checkout. */
  | { method: 'diff'; reason: string }
  /** Not judged (not a pull request). */
  | { method: 'none' };

/** Counts that explain a newness judgement in the report and the log. */
export interface NewnessSummary {
  new: number;
  existing: number;
  /** Findings the diff could not place, counted as new (diff method only). */
  unplaced: number;
  /** Of the new ones, findings the base has at a lower severity or confidence (base method only). */
  raised: number;
}

/** A finding's grade on the base commit. */
export interface BaseGrade {
  severity: Severity;
  confidence: Confidence;
}

/**
 * What the base tree finds, by fingerprint: each finding's grade there. Always graded in the base's
 * context, also for a rule not evaluated there again: a grade taken from the head would hide a raise.
 */
export type BaseFindings = ReadonlyMap<string, BaseGrade>;

/** Whether a finding is graded above what the base had: a higher severity, or a higher confidence. */
export function raisedSince(base: BaseGrade, f: Pick<Finding, 'severity' | 'confidence'>): boolean {
  return (
    severityRank(f.severity) > severityRank(base.severity) ||
    confidenceRank(f.confidence) > confidenceRank(base.confidence)
  );
}

/**
 * Marks each finding new or existing by fingerprint: new when the base has no finding of that
 * fingerprint, or has it at a lower grade ({@link raisedSince}; `raisedFrom` then keeps the base's
 * grade). `exempt` rule ids (repository settings read through the API) are never new: no change to
 * the tree can introduce them.
 */
export function markNewByBase(
  findings: readonly Finding[],
  base: BaseFindings,
  exempt: ReadonlySet<string> = new Set(),
): NewnessSummary {
  const summary: NewnessSummary = { new: 0, existing: 0, unplaced: 0, raised: 0 };
  for (const f of findings) {
    const was = base.get(f.fingerprint);
    if (exempt.has(f.ruleId)) f.isNew = false;
    else if (was === undefined) f.isNew = true;
    else if (raisedSince(was, f)) {
      f.isNew = true;
      f.raisedFrom = { severity: was.severity, confidence: was.confidence };
      summary.raised += 1;
    } else f.isNew = false;
    summary[f.isNew ? 'new' : 'existing'] += 1;
  }
  return summary;
}

/**
 * Marks each finding from the diff alone: new when it touches an added line, sits in an added file or
 * in a changed file whose lines are unknown, or cannot be placed in a file at all. When the diff is
 * partial (the API lists at most 3,000 files), a file it does not list may be changed too: its
 * findings count as new.
 */
export function markNewByDiff(
  findings: readonly Finding[],
  diff: DiffIndex,
  exempt: ReadonlySet<string> = new Set(),
): NewnessSummary {
  const summary: NewnessSummary = { new: 0, existing: 0, unplaced: 0, raised: 0 };
  for (const f of findings) {
    if (exempt.has(f.ruleId)) {
      f.isNew = false;
    } else if (!f.location) {
      f.isNew = true;
      summary.unplaced += 1;
    } else {
      const { path, startLine, endLine } = f.location;
      const file = diff.file(path);
      f.isNew =
        file === undefined
          ? diff.diff.truncated
          : file.status === 'added' || file.linesUnknown === true || diff.touches(path, startLine, endLine);
    }
    summary[f.isNew ? 'new' : 'existing'] += 1;
  }
  return summary;
}

/**
 * Fails closed where the base tree is not known to be the base (see `BaseWorkspace.unknown`): a
 * finding there that the base comparison called existing counts as new (about no file: unplaced).
 */
export function markUnknownNew(
  findings: readonly Finding[],
  unknown: { covers(path: string | undefined): boolean },
  exempt: ReadonlySet<string>,
  counts: NewnessSummary,
): NewnessSummary {
  const out = { ...counts };
  for (const f of findings) {
    if (f.isNew !== false || exempt.has(f.ruleId) || !unknown.covers(f.location?.path)) continue;
    f.isNew = true;
    out.new += 1;
    out.existing -= 1;
    if (!f.location) out.unplaced += 1;
  }
  return out;
}

/** Whether a finding counts against a gate of this scope (unjudged findings always count). */
export function inGateScope(f: Finding, scope: GateScope): boolean {
  return scope === 'all' || f.isNew !== false;
}

/** What the engine is told about the change under review. */
export interface ChangeOptions {
  /** Which findings the gate counts. */
  scope: GateScope;
  /** The commit whose tree is the base (see `resolveBaseline`); absent in a shallow checkout. */
  baseline?: string;
  /** The changed lines, for the fallback judgement without a base tree. */
  diff?: DiffIndex;
  /**
   * Without `baseline` (a shallow checkout): the base versions of the changed files, read through the
   * API, from which the base tree is built (see `fetchedBaseWorkspace`).
   */
  fetchedBase?: FetchedBase;
  /**
   * Which files the per-file rules look at: only those the change touches, or all. Default: changed
   * under gate `new` (findings elsewhere cannot be new), all under gate `all`.
   */
  scan?: ScanScope;
  /**
   * The working tree is the change's head (a local check with `--base`): edits not yet staged,
   * files deleted from it and its untracked, non-ignored files are the change's, found by a pass
   * over every file's status and a walk of the tree. Default false, for CI: the change is what git
   * tracks, the index (the commit checked out, and whatever an earlier step staged) against the
   * baseline; what earlier steps left in the working tree without staging it (build output) is not
   * the pull request's, and no file's status is asked (see `diffAgainstHead`).
   */
  worktree?: boolean;
  /**
   * Whether the base tree may reuse the head's findings of a rule that reads across files when the
   * change touches nothing the rule asked for (see `RecordingWorkspace`). Default true; false
   * evaluates every rule on the base (the reference the differential test compares with).
   */
  incremental?: boolean;
}

/** Which files the per-file rules look at on a change. */
export type ScanScope = 'changed' | 'all';

/** How a run judged new versus existing, for the report and the log. */
export interface ChangeResult {
  scope: GateScope;
  judged: NewnessMethod;
  counts: NewnessSummary;
}

/** What {@link judgeChange} needs from the engine's run. */
export interface ChangeRun {
  head: Workspace;
  /** The base tree when the caller built it already (null: it could not be read). */
  base?: BaseWorkspace | null;
  include: string[];
  exclude: string[];
  /**
   * What the same rules, with the same settings, find in the base tree: fingerprints made unique as
   * the head's are, each with its grade there (see {@link BaseFindings}).
   */
  evaluateBase(base: Workspace): Promise<BaseFindings>;
  /** Rules the tree cannot introduce (repository settings): never new, not run on the base. */
  exempt: ReadonlySet<string>;
  /** Rules whose findings are the change itself (policy changes): always new, not run on the base. */
  alwaysNew: ReadonlySet<string>;
  /** Untracked files that belong to the change (see {@link ChangeOptions.worktree}). */
  untracked?: readonly string[];
}

/**
 * Marks every finding new or existing: by evaluating the base tree when the baseline commit is in
 * the checkout, else from the diff, else not at all (a push, or no way to know).
 */
export async function judgeChange(
  findings: readonly Finding[],
  options: ChangeOptions,
  run: ChangeRun,
): Promise<ChangeResult> {
  const empty: NewnessSummary = { new: 0, existing: 0, unplaced: 0, raised: 0 };
  let judged: NewnessMethod = { method: 'none' };
  let counts = empty;
  const base =
    run.base !== undefined
      ? (run.base ?? undefined)
      : options.baseline
        ? await buildBaseWorkspace(run.head, options.baseline, {
            include: run.include,
            exclude: run.exclude,
            ...(run.untracked ? { untracked: run.untracked } : {}),
            worktree: options.worktree === true,
          })
        : options.fetchedBase
          ? fetchedBaseWorkspace(run.head, options.fetchedBase, {
              include: run.include,
              exclude: run.exclude,
            })
          : undefined;
  const commit = options.baseline ?? options.fetchedBase?.commit;
  if (base && commit) {
    counts = markNewByBase(findings, await run.evaluateBase(base), run.exempt);
    judged = { method: 'base-tree', commit, ...(options.baseline ? {} : { source: 'api' as const }) };
    if (base.unknown) {
      counts = markUnknownNew(findings, base.unknown, run.exempt, counts);
      judged = { ...judged, incomplete: base.unknown.reason };
    }
  } else if (options.diff) {
    counts = markNewByDiff(findings, options.diff, run.exempt);
    judged = {
      method: 'diff',
      reason: options.baseline
        ? `the base tree of ${options.baseline.slice(0, 12)} could not be read`
        : 'the base commit is not in the checkout',
    };
  }
  if (judged.method !== 'none') {
    for (const f of findings) {
      if (!run.alwaysNew.has(f.ruleId) || f.isNew) continue;
      f.isNew = true;
      counts = { ...counts, new: counts.new + 1, existing: counts.existing - 1 };
    }
  }
  return { scope: options.scope, judged, counts };
}
