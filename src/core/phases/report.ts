/**
 * Phase 6, the report: the notices and warnings of the run, said in the log too, what the persona
 * shows, and the one immutable Report every reporter and sink reads.
 */
import { applyPersona, DEFAULT_TEST_PATHS, hiddenReasons } from '../confidence.js';
import type { CheckOptions } from '../engine.js';
import { buildReport } from '../report.js';
import type { Logger, Report } from '../types.js';
import type { Evaluation } from './evaluation.js';
import type { PolicyInForce } from './policy.js';
import type { Scope } from './scope.js';
import type { Verdicts } from './verdicts.js';

/** Everything the run decided, as a Report; notices and warnings are logged on the way. */
export function writeReport(
  options: CheckOptions,
  started: Date,
  policy: PolicyInForce,
  scope: Scope,
  evaluation: Evaluation,
  verdicts: Verdicts,
  log: Logger,
): Report {
  const { policy: loaded, config, settings } = policy;
  const baseSnapshot = policy.review.base;
  const { check, skipped } = evaluation;
  const { approved } = verdicts;
  const notices = [...(loaded.active.declarations?.notices ?? []), ...check.notices];
  if (approved) {
    notices.push(
      `The change's policy changes are approved (${approved.detail})${loaded.active === loaded.head && baseSnapshot ? ", so the change's own policy is in force" : ''}.`,
    );
  }
  if (skipped.length > 0) {
    notices.push(
      `rules skipped because every control they map to is declared not-applicable: ${skipped.join(', ')}`,
    );
  }
  const warnings = [...loaded.warnings];
  const broken = loaded.head.declarations?.problems ?? [];
  if (broken.length > 0) {
    // Also a blocking finding; said here too so the reason the gate fails is the first thing read.
    const first = broken[0]!;
    const where = first.location
      ? `${first.location.path}:${first.location.startLine}`
      : loaded.head.controlsFile;
    warnings.push(
      `The declarations file is invalid (${broken.length} problem${broken.length === 1 ? '' : 's'}; first at ${where}), so the gate fails until it is fixed.`,
    );
  }
  if (loaded.source === 'base' && (loaded.active.declarations?.problems.length ?? 0) > 0) {
    warnings.push(
      `The base commit's declarations file ${loaded.active.controlsFile} has problems; the controls it cannot declare are unverifiable until a fixed version is merged.`,
    );
  }
  // loadPolicy has logged its own warnings already.
  for (const w of warnings.slice(loaded.warnings.length)) log.warning(w);
  for (const n of notices) log.info(n);
  // What the reader sees: every blocking finding, and the others the persona asks for.
  const { persona } = settings;
  const { shown, hidden } = applyPersona(verdicts.findings, persona);
  if (hidden) {
    log.info(
      `${hidden.findings} finding${hidden.findings === 1 ? '' : 's'} not shown (persona ${persona}: ${hiddenReasons(hidden)}; persona ${hidden.persona} shows ${hidden.findings === 1 ? 'it' : 'them'})`,
    );
  }
  const declared = loaded.active.declarations;
  const changed = scope.scan.head ? { changedFiles: scope.scan.head.changedFiles } : {};
  const reused = evaluation.run.reused.size;
  const source = options.baseResults?.source;
  if (reused > 0 && source) {
    log.info(
      `${reused} rule${reused === 1 ? '' : 's'} that read across files not evaluated again: the change touches nothing ${reused === 1 ? 'it reads' : 'they read'}, and the results of the base commit come from ${source}`,
    );
  }
  const subjects = evaluation.run.subjectCounts;
  if (subjects.reused > 0 && source) {
    log.info(
      `of the files the other rules that read across files report on, ${subjects.reused} of ${subjects.total} kept their results of the base commit: the change touches nothing their findings depend on`,
    );
  }
  const use = evaluation.cacheUse;
  const cached =
    use && !use.reason && use.unchanged > 0 && use.kept > 0
      ? {
          files: use.unchanged,
          rules: use.kept,
          across: evaluation.run.reused.size,
          source: options.fileCache?.source ?? 'a results cache',
        }
      : undefined;
  return buildReport({
    root: options.root,
    head: scope.repo?.head() ?? null,
    base: loaded.base ?? options.base ?? null,
    ...(options.identity ? { identity: options.identity } : {}),
    time: options.now ?? started,
    ...(declared ? { declarations: { file: declared.file, ...declared.meta } } : {}),
    reviewMaxDays: settings.reviewMaxDays,
    config,
    failOn: settings.failOn,
    failOnConfidence: settings.failOnConfidence,
    persona,
    testPaths: config.testPaths ?? [...DEFAULT_TEST_PATHS],
    failOnGap: settings.failOnGap,
    requireDeclarations: settings.requireDeclarations,
    exceptionMaxDays: settings.exceptionMaxDays,
    controlsFile: loaded.active.controlsFile,
    ruleDirs: loaded.active.ruleDirs.map((d) => (typeof d === 'string' ? d : d.dir)),
    rules: verdicts.summaries,
    controls: verdicts.controls,
    policy: {
      // Approved: the change's own policy was in force.
      source: baseSnapshot && loaded.active === loaded.head ? 'head' : loaded.source,
      base: loaded.base,
      controls: loaded.active.declarations ? loaded.active.controlsFile : null,
      warnings,
      notices,
    },
    findings: shown,
    ...(hidden ? { hidden } : {}),
    errors: evaluation.run.errors,
    gate: verdicts.gate,
    files: scope.workspace.files.length,
    ...changed,
    ...(reused > 0 && source ? { reused: { rules: reused, source } } : {}),
    ...(cached ? { cached } : {}),
  });
}
