import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  BaseWorkspace,
  buildBaseWorkspace,
  diffAgainstWorktree,
  parseRawAgainstWorktree,
} from './base-tree.js';
import {
  applyPersona,
  DEFAULT_FAIL_ON_CONFIDENCE,
  DEFAULT_PERSONA,
  DEFAULT_TEST_PATHS,
  hiddenReasons,
} from './confidence.js';
import { checkDeclarations, utcDay } from './declarations/check.js';
import type { DeclarationProblem, PolicyProblemKind } from './declarations/model.js';
import { assessControls } from './declarations/verdicts.js';
import { policyKind } from './evaluators/policy/policy.js';
import type { PolicyProblems } from './evaluators/types.js';
import { applyGate, severityRank } from './gate.js';
import { GitRepository, repositoryFiles, untrackedFiles } from './git.js';
import type { GitHubApi } from './github-api.js';
import { loadPolicy } from './policy/load.js';
import { renamedTree, reviewPolicy, settlePolicyChanges } from './policy/review.js';
import type { PolicyApproval } from './policy/suppressions.js';
import type { TreeReader } from './policy/tree.js';
import { type ChangeOptions, judgeChange } from './pr.js';
import { buildReport } from './report.js';
import { RuleRun } from './rule-run.js';
import type { SliceThreads } from './slices.js';
import { didYouMean } from './suggest.js';
import { triage } from './triage.js';
import {
  type Confidence,
  type FailOn,
  type Finding,
  type Logger,
  type Persona,
  type RawFinding,
  type Report,
  type RequireDeclarations,
  type RunIdentity,
  silentLogger,
  UsageError,
} from './types.js';
import { type FileIndexResult, listFilesAsync } from './workspace/files.js';
import { FocusedWorkspace } from './workspace/focus.js';
import { Workspace } from './workspace/workspace.js';

/** Everything that shapes one run; the Action's inputs and the CLI's flags both map onto this. */
export interface CheckOptions {
  /** Root of the repository to check. */
  root: string;
  /** Config file, relative to `root` (or absolute). Default: the first of DEFAULT_CONFIG_FILES. */
  configPath?: string;
  /** Declarations file, relative to `root` (or absolute). Default: the config's `controls`, else `.github/controls.yml`. */
  controlsPath?: string;
  /** Extra rule directories (absolute, or relative to the current directory). */
  ruleDirs?: string[];
  /**
   * A declarations file named by `controlsPath` or the config may be absent (`init`, which is about to
   * write it). Otherwise a named file that does not exist is an error: read as "nothing declared",
   * gaps would stop failing the gate.
   */
  controlsMayBeMissing?: boolean;
  /** Overrides the config's `fail-on`. Default `high`. */
  failOn?: FailOn;
  /** Overrides the config's `fail-on-confidence`. Default `medium`. */
  failOnConfidence?: Confidence;
  /** Overrides the config's `persona`. Default `regular`. */
  persona?: Persona;
  /** Overrides the config's `fail-on-gap`. Default true. */
  failOnGap?: boolean;
  /** Overrides the config's `require-declarations`. Default `none`. */
  requireDeclarations?: RequireDeclarations;
  /** Overrides the config's `exception-max-days`. Default 365. */
  exceptionMaxDays?: number;
  /**
   * The base commit of the change (a pull request's base, or `--base REF`): the policy is read from
   * it and the head's changes to the policy are reported.
   */
  base?: string;
  /** Reads the base commit when git objects are unavailable (the seam for an API-backed reader). */
  baseTree?: (commit: string) => TreeReader | undefined;
  /** The repository's default branch (workflows cited as evidence must run on pushes to it). */
  defaultBranch?: string;
  /** The moment of the run, for expiry and due dates (tests inject it). */
  now?: Date;
  /** Evaluate only these rule ids (tests, `--rule`). */
  onlyRules?: string[];
  /** Load the built-in rules (default true). */
  builtinRules?: boolean;
  /** Use this file list instead of indexing the tree. */
  files?: string[];
  maxFileBytes?: number;
  logger?: Logger;
  /**
   * The change under review (a pull request): findings are marked new or existing against its base
   * tree (or its diff), and `scope: new` lets only new ones block. See pr.ts.
   */
  change?: ChangeOptions;
  /** Read access to repository settings for the `github.*` rules; without it they are unverifiable. */
  github?: GitHubApi;
  /** Worker threads for the per-file rules over a large tree (see slices.ts); default: none. */
  threads?: SliceThreads;
  /** Texts read instead of these files' (see WorkspaceOptions.overlay); no worker threads then. */
  overlay?: ReadonlyMap<string, string>;
  /**
   * Weakenings of the gate's own definition that the caller found outside the policy files (the
   * inputs of the workflow step that runs the check, against the base commit's workflow): policy
   * changes that fail the gate until approved.
   */
  gateChanges?: RawFinding[];
  /**
   * Whether someone entitled approved the change's policy changes. Asked at most once, and only when
   * the change alters the policy it is judged by; an approval puts the change's own policy in force.
   */
  approval?: () => Promise<PolicyApproval | undefined>;
  /** The repository and CI run, recorded in the report for evidence (see RunIdentity). */
  identity?: RunIdentity;
}

/** The kind evaluated after all others, because it reports what they could not parse. */
const LAST_KIND = 'core.input-problems';

export const DEFAULT_FAIL_ON: FailOn = 'high';
export const DEFAULT_EXCEPTION_MAX_DAYS = 365;
export const DEFAULT_REVIEW_MAX_DAYS = 365;

/**
 * Runs the pipeline up to the Report: settings -> policy -> rules -> workspace -> evaluate -> triage
 * -> assess -> gate. Throws {@link UsageError} for problems the user must fix (missing path, invalid
 * config or rules). A broken declarations file is a blocking finding, not an error, so the Action
 * reports it where it is. A rule that throws is recorded as that rule's error and the run goes on.
 */
export async function runCheck(options: CheckOptions): Promise<Report> {
  const started = new Date();
  const log = options.logger ?? silentLogger;
  const root = path.resolve(options.root);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new UsageError(`path not found or not a directory: ${options.root}`);
  }
  // The index does not depend on the policy: git lists the tree while the policy and rules load.
  const changedOnly = scanChanged(options.change);
  // The change's diff against the working tree is another pass over the tree: it runs alongside
  // the index.
  const diff =
    changedOnly && options.change?.baseline ? diffAgainstWorktree(root, options.change.baseline) : undefined;
  // Untracked files that are part of the change (a local check with --base): listed once, for the
  // index and to leave them out of the base.
  const untracked = options.change?.untracked && !options.files ? untrackedFiles(root) : undefined;
  const index = options.files ? undefined : changeIndex(root, changedOnly, diff, untracked);
  // Awaited below; a usage error thrown before then must not leave it an unhandled rejection.
  index?.catch(() => {});
  // What the change does to the policy it is judged by, and whether someone entitled approved it;
  // an approval puts the change's own policy in force (see policy/review.ts).
  const review = await reviewPolicy(loadPolicy({ ...pick(options), root, logger: log }), {
    builtin: options.builtinRules !== false,
    root,
    ...(options.gateChanges ? { gateChanges: options.gateChanges } : {}),
    ...(options.approval ? { approval: options.approval } : {}),
  });
  const { policy, rules: allRules, base: baseSnapshot } = review;
  const config = policy.active.config;
  let rules = allRules;
  if (options.onlyRules) {
    const wanted = new Set(options.onlyRules);
    const unknown = options.onlyRules.filter((id) => !rules.some((r) => r.id === id));
    if (unknown.length > 0) {
      const ids = rules.map((r) => r.id);
      const named = unknown.map((id) => `${id}${didYouMean(id, ids)}`);
      throw new UsageError(`unknown rule id: ${named.join(', ')} (\`controlgate rules\` lists them)`);
    }
    rules = rules.filter((r) => wanted.has(r.id));
  }
  for (const id of Object.keys(config.rules)) {
    if (!rules.some((r) => r.id === id) && !options.onlyRules) {
      const hint = didYouMean(
        id,
        rules.map((r) => r.id),
      );
      log.warning(`${config.file}: /rules/${id}: no rule has this id${hint}; the setting is ignored`);
    }
  }
  const failOn = options.failOn ?? config.failOn ?? DEFAULT_FAIL_ON;
  const failOnConfidence = options.failOnConfidence ?? config.failOnConfidence ?? DEFAULT_FAIL_ON_CONFIDENCE;
  const persona = options.persona ?? config.persona ?? DEFAULT_PERSONA;
  const failOnGap = options.failOnGap ?? config.failOnGap ?? true;
  const requireDeclarations = options.requireDeclarations ?? config.requireDeclarations ?? 'none';
  const exceptionMaxDays = options.exceptionMaxDays ?? config.exceptionMaxDays ?? DEFAULT_EXCEPTION_MAX_DAYS;
  const repo = GitRepository.open(root);
  // A folder of a repository is checked with the repository's own files (CODEOWNERS, SECURITY.md,
  // .github/, .gitignore), which GitHub and git read from the top.
  const inherited = repo?.prefix && !options.files ? await repositoryFiles(root, repo.prefix) : undefined;
  const reviewMaxDays = config.reviewMaxDays ?? DEFAULT_REVIEW_MAX_DAYS;
  const workspace = new Workspace(root, {
    ...(index ? { index: await index } : {}),
    include: config.include,
    exclude: config.exclude,
    ...(options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {}),
    ...(options.files ? { files: options.files } : {}),
    ...(options.overlay ? { overlay: options.overlay } : {}),
    ...(inherited ? { inherited } : {}),
  });
  log.debug(`indexed ${workspace.files.length} files (${workspace.indexSource})`);

  const defaultBranch = options.defaultBranch ?? repo?.defaultBranch();
  const check = checkDeclarations(policy.active.declarations, policy.active.controlsFile, {
    workspace,
    today: utcDay(options.now ?? new Date()),
    requireDeclarations,
    exceptionMaxDays,
    reviewMaxDays,
    defaultBranches: defaultBranch ? [defaultBranch] : ['main', 'master'],
    ruleIds: new Set(allRules.map((r) => r.id)),
  });
  const problems: DeclarationProblem[] = [
    ...(policy.head.declarations?.problems ?? []),
    ...check.problems,
    ...review.changes,
    ...review.gateChanges,
    ...review.ruleFiles,
  ];
  // Renamed files are read from the base under their old name (inline ignores moved with them are
  // not new); the base tree's own renames are known once it is built, before any rule runs.
  const renamed = new Map<string, string>();
  const context: PolicyProblems = {
    of: (kind) => problems.filter((p) => p.kind === kind).map(toRaw),
    ...(baseSnapshot ? { base: renamedTree(baseSnapshot.tree, renamed, options.change?.diff) } : {}),
  };
  const policyRules = new Map<string, PolicyProblemKind>();
  for (const r of rules) {
    const kind = policyKind(r.check.kind);
    if (kind) policyRules.set(r.id, kind);
  }

  const scan = await scanScope(workspace, options.change, config, diff, log, await untracked);
  for (const [to, from] of scan.base?.renamed ?? []) renamed.set(to, from);
  // Slice workers read the disk, so a run with staged texts keeps every rule on this thread.
  const threads = options.overlay ? undefined : options.threads;
  const run = new RuleRun(config, workspace, context, log, options.github, scan.head, threads);
  for (const f of [config.file, policy.active.controlsFile, policy.head.controlsFile]) {
    if (f) run.policyFiles.add(f);
  }
  const skipped: string[] = [];
  const entries = rules.map((rule) => {
    const notApplicable = !policyRules.has(rule.id) && rule.controls.every((c) => check.notApplicable.has(c));
    if (notApplicable) skipped.push(`${rule.id} (${rule.controls.join(', ')})`);
    return { rule, notApplicable };
  });
  await run.evaluateAll(entries, LAST_KIND);

  triage({
    findings: run.findings,
    exceptions: check.exceptions,
    workspace,
    protectedRules: new Set(policyRules.keys()),
  });
  const findings = run.findings;
  dedupeFingerprints(findings);
  const change = options.change
    ? await judgeChange(findings, options.change, {
        head: workspace,
        include: config.include,
        exclude: config.exclude,
        ...(scan.base !== undefined ? { base: scan.base } : {}),
        exempt: new Set(rules.filter((r) => r.check.kind.startsWith('github.')).map((r) => r.id)),
        ...((await untracked) ? { untracked: await untracked } : {}),
        alwaysNew: new Set([...policyRules].filter(([, k]) => k === 'changes').map(([id]) => id)),
        // The same rules and settings over the base tree, minus the ones judged without it.
        async evaluateBase(base) {
          // The base side of the change, for the per-file rules.
          const focused =
            scan.head && base instanceof BaseWorkspace
              ? new FocusedWorkspace(base, base.changed.base)
              : undefined;
          // The API too: the online workflow audits judge the base's action references the same way
          // (answers are cached per run), so a pin that was already there is not the change's finding.
          const baseRun = new RuleRun(config, base, context, silentLogger, options.github, focused);
          await baseRun.evaluateAll(
            entries.filter(
              ({ rule }) => !rule.check.kind.startsWith('github.') && policyRules.get(rule.id) !== 'changes',
            ),
            LAST_KIND,
          );
          dedupeFingerprints(baseRun.findings);
          return baseRun.findings;
        },
      })
    : undefined;
  if (change && change.judged.method !== 'none') {
    log.info(
      `new versus existing (${change.judged.method === 'base-tree' ? `base tree ${change.judged.commit.slice(0, 12)}` : `changed lines: ${change.judged.reason}`}): ${change.counts.new} new, ${change.counts.existing} existing`,
    );
  }
  // A finding in a file inherited from the repository's top is located there, from the checked folder.
  if (workspace.inheritance && repo?.prefix) {
    const up = '../'.repeat(repo.prefix.split('/').filter(Boolean).length);
    for (const f of findings) {
      if (f.location && workspace.isInherited(f.location.path))
        f.location = { ...f.location, path: up + f.location.path };
    }
  }
  // Suppressions the change adds for itself block at the severity of what they suppress, and the
  // gate's own settings weakened in the workflow block outright, until approved.
  const scope = options.change?.scope ?? 'all';
  const changeRules = new Set([...policyRules].filter(([, k]) => k === 'changes').map(([id]) => id));
  const { forced, approved } = await settlePolicyChanges(
    review,
    findings,
    changeRules,
    scope,
    failOnConfidence,
  );
  findings.sort(compareFindings);
  const summaries = run.summaries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const controls = assessControls({
    rules: summaries,
    findings,
    errors: run.errors,
    check,
    policyRules,
    kinds: new Map(rules.map((r) => [r.id, r.check.kind])),
    run: {
      ...(scan.head ? { changedFiles: scan.head.files.length } : {}),
      narrowed: config.include.length > 0 || config.exclude.length > 0,
    },
    minConfidence: failOnConfidence,
  });
  const alwaysBlocking = new Set(
    [...policyRules].filter(([, k]) => k === 'declarations-file' || k === 'rule-files').map(([id]) => id),
  );
  const gate = applyGate(findings, failOn, {
    failOnGap,
    failOnConfidence,
    controls,
    policyRules,
    alwaysBlocking,
    scope,
    forced,
    ...(policy.failClosed ? { failures: [policy.failClosed] } : {}),
  });

  const notices = [...(policy.active.declarations?.notices ?? []), ...check.notices];
  if (approved) {
    notices.push(
      `The change's policy changes are approved (${approved.detail})${policy.active === policy.head && baseSnapshot ? ", so the change's own policy is in force" : ''}.`,
    );
  }
  if (skipped.length > 0) {
    notices.push(
      `rules skipped because every control they map to is declared not-applicable: ${skipped.join(', ')}`,
    );
  }
  const warnings = [...policy.warnings];
  const broken = policy.head.declarations?.problems ?? [];
  if (broken.length > 0) {
    // Also a blocking finding; said here too so the reason the gate fails is the first thing read.
    const first = broken[0]!;
    const where = first.location
      ? `${first.location.path}:${first.location.startLine}`
      : policy.head.controlsFile;
    warnings.push(
      `The declarations file is invalid (${broken.length} problem${broken.length === 1 ? '' : 's'}; first at ${where}), so the gate fails until it is fixed.`,
    );
  }
  if (policy.source === 'base' && (policy.active.declarations?.problems.length ?? 0) > 0) {
    warnings.push(
      `The base commit's declarations file ${policy.active.controlsFile} has problems; the controls it cannot declare are unverifiable until a fixed version is merged.`,
    );
  }
  // loadPolicy has logged its own warnings already.
  for (const w of warnings.slice(policy.warnings.length)) log.warning(w);
  for (const n of notices) log.info(n);
  // What the reader sees: every blocking finding, and the others the persona asks for.
  const { shown, hidden } = applyPersona(findings, persona);
  if (hidden) {
    log.info(
      `${hidden.findings} finding${hidden.findings === 1 ? '' : 's'} not shown (persona ${persona}: ${hiddenReasons(hidden)}; persona ${hidden.persona} shows ${hidden.findings === 1 ? 'it' : 'them'})`,
    );
  }
  const declared = policy.active.declarations;
  return buildReport({
    root: options.root,
    head: repo?.head() ?? null,
    base: policy.base ?? options.base ?? null,
    ...(options.identity ? { identity: options.identity } : {}),
    time: options.now ?? started,
    ...(declared ? { declarations: { file: declared.file, ...declared.meta } } : {}),
    reviewMaxDays,
    config,
    failOn,
    failOnConfidence,
    persona,
    testPaths: config.testPaths ?? [...DEFAULT_TEST_PATHS],
    failOnGap,
    requireDeclarations,
    exceptionMaxDays,
    controlsFile: policy.active.controlsFile,
    ruleDirs: policy.active.ruleDirs.map((d) => (typeof d === 'string' ? d : d.dir)),
    rules: summaries,
    controls,
    policy: {
      // Approved: the change's own policy was in force.
      source: baseSnapshot && policy.active === policy.head ? 'head' : policy.source,
      base: policy.base,
      controls: policy.active.declarations ? policy.active.controlsFile : null,
      warnings,
      notices,
    },
    findings: shown,
    ...(hidden ? { hidden } : {}),
    errors: run.errors,
    gate,
    files: workspace.files.length,
    ...(scan.head ? { changedFiles: scan.head.files.length } : {}),
  });
}

/** What a change's run scans: the base tree, when read, and the changed-files view of the head. */
interface ScanPlan {
  /** The base tree built ahead (null: the baseline could not be read); undefined: not built. */
  base?: BaseWorkspace | null;
  /** The head's changed files, for the per-file rules; undefined: they see every file. */
  head?: FocusedWorkspace;
}

/**
 * The file index. On a changed-files scan: what git tracks (as `git diff` sees it: files that earlier
 * steps left untracked, such as build output, are not part of a pull request, and not worth a walk
 * of the tree), and the diff against the working tree (which stats every file anyway) tells which
 * tracked files the working tree has lost, instead of a second pass. (A file added after the base
 * and deleted without committing is not in that diff; it stays listed, and reads as unreadable.)
 */
async function changeIndex(
  root: string,
  changedOnly: boolean,
  diff: Promise<Buffer | undefined> | undefined,
  untracked: Promise<string[]> | undefined,
): Promise<FileIndexResult> {
  // Untracked files that belong to the change come from their own list: git walks the tree for them once.
  const withUntracked = async (index: FileIndexResult): Promise<FileIndexResult> => {
    const extra = (await untracked) ?? [];
    if (extra.length === 0 || index.source !== 'git') return index;
    const files = [...new Set([...index.files, ...extra])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { ...index, files };
  };
  if (!changedOnly) return withUntracked(await listFilesAsync(root, untracked ? { untracked: false } : {}));
  const [index, raw] = await Promise.all([listFilesAsync(root, { untracked: false, deleted: !diff }), diff]);
  if (!diff) return withUntracked(index);
  if (raw === undefined) return withUntracked(await listFilesAsync(root, { untracked: false }));
  const gone = new Set(parseRawAgainstWorktree(raw.toString('utf8')).deleted);
  return withUntracked(
    gone.size === 0 ? index : { ...index, files: index.files.filter((f) => !gone.has(f)) },
  );
}

/** Whether the per-file rules look at the changed files only: `scan`, by default changed under gate new. */
function scanChanged(change: ChangeOptions | undefined): change is ChangeOptions {
  return change !== undefined && (change.scan ?? (change.scope === 'new' ? 'changed' : 'all')) === 'changed';
}

/**
 * Decides which files the per-file rules see. Under `scan: changed` the changed files come from the
 * base tree's diff against the working tree (so uncommitted changes to tracked files count), else
 * from the pull request's diff; when neither is known, every file is scanned, and the log says why.
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
    : undefined;
  const paths = base ? base.changed.head : change.diff?.diff.truncated ? undefined : change.diff?.paths();
  if (!paths) {
    log.info(
      change.diff?.diff.truncated && !base
        ? 'scanning every file: the list of the files the change touches is partial'
        : 'scanning every file: the files the change touches are unknown',
    );
    return base === undefined ? {} : { base };
  }
  const head = new FocusedWorkspace(workspace, paths);
  log.info(
    `scanning the ${head.files.length} changed file${head.files.length === 1 ? '' : 's'} of ${workspace.files.length} with the per-file rules (scan: changed)`,
  );
  return { ...(base !== undefined ? { base } : {}), head };
}

function toRaw(p: DeclarationProblem): RawFinding {
  const { kind: _kind, ...raw } = p;
  return raw;
}

function pick(o: CheckOptions) {
  return {
    ...(o.configPath ? { configPath: o.configPath } : {}),
    ...(o.controlsPath ? { controlsPath: o.controlsPath } : {}),
    ...(o.ruleDirs ? { ruleDirs: o.ruleDirs } : {}),
    ...(o.base ? { base: o.base } : {}),
    ...(o.baseTree ? { baseTree: o.baseTree } : {}),
    ...(o.controlsMayBeMissing ? { controlsMayBeMissing: true } : {}),
  };
}

/** Two occurrences with the same identity get an ordinal, so every fingerprint is unique. */
function dedupeFingerprints(findings: Finding[]): void {
  const seen = new Map<string, number>();
  for (const f of findings) {
    const n = seen.get(f.fingerprint) ?? 0;
    seen.set(f.fingerprint, n + 1);
    if (n > 0) f.fingerprint = `${f.fingerprint}:${n}`;
  }
}

/** Most severe first; then repository-level before located; then path, line, column, rule. */
export function compareFindings(a: Finding, b: Finding): number {
  const bySeverity = severityRank(b.severity) - severityRank(a.severity);
  if (bySeverity !== 0) return bySeverity;
  const pa = a.location?.path ?? '';
  const pb = b.location?.path ?? '';
  if (pa !== pb) return pa < pb ? -1 : 1;
  const la = a.location?.startLine ?? 0;
  const lb = b.location?.startLine ?? 0;
  if (la !== lb) return la - lb;
  const ca = a.location?.startColumn ?? 0;
  const cb = b.location?.startColumn ?? 0;
  if (ca !== cb) return ca - cb;
  return a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0;
}
