import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { type Config, loadConfig } from './config.js';
import { getEvaluator } from './evaluators/registry.js';
import { createFinding, helpUri } from './finding.js';
import { applyGate, severityRank } from './gate.js';
import { buildReport } from './report.js';
import { loadRules } from './rules/load.js';
import {
  type FailOn,
  type Finding,
  type Logger,
  type Report,
  type Rule,
  type RuleError,
  type RuleSummary,
  silentLogger,
  UsageError,
} from './types.js';
import { Workspace } from './workspace/workspace.js';

/** Everything that shapes one run; the Action's inputs and the CLI's flags both map onto this. */
export interface CheckOptions {
  /** Root of the repository to check. */
  root: string;
  /** Config file, relative to `root` (or absolute). Default: the first of DEFAULT_CONFIG_FILES. */
  configPath?: string;
  /** Extra rule directories (absolute, or relative to the current directory). */
  ruleDirs?: string[];
  /** Overrides the config's `fail-on`. Default `high`. */
  failOn?: FailOn;
  /** Evaluate only these rule ids (tests, `--rule`). */
  onlyRules?: string[];
  /** Load the built-in rules (default true). */
  builtinRules?: boolean;
  /** Use this file list instead of indexing the tree. */
  files?: string[];
  maxFileBytes?: number;
  logger?: Logger;
}

/** The kind evaluated after all others, because it reports what they could not parse. */
const LAST_KIND = 'core.input-problems';

export const DEFAULT_FAIL_ON: FailOn = 'high';

/**
 * Runs the pipeline up to the Report: settings -> config -> rules -> workspace -> evaluate -> gate.
 * Throws {@link UsageError} for problems the user must fix (missing path, invalid config or rules).
 * A rule that throws is recorded as that rule's error and the run goes on.
 */
export async function runCheck(options: CheckOptions): Promise<Report> {
  const log = options.logger ?? silentLogger;
  const root = path.resolve(options.root);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new UsageError(`path not found or not a directory: ${options.root}`);
  }
  const config = loadConfig(root, options.configPath);
  const ruleDirs = [
    ...config.ruleDirs.map((d) => path.resolve(root, d)),
    ...(options.ruleDirs ?? []).map((d) => path.resolve(d)),
  ];
  let rules = loadRules(ruleDirs, { builtin: options.builtinRules !== false });
  if (options.onlyRules) {
    const wanted = new Set(options.onlyRules);
    const unknown = options.onlyRules.filter((id) => !rules.some((r) => r.id === id));
    if (unknown.length > 0) throw new UsageError(`unknown rule id: ${unknown.join(', ')}`);
    rules = rules.filter((r) => wanted.has(r.id));
  }
  for (const id of Object.keys(config.rules)) {
    if (!rules.some((r) => r.id === id) && !options.onlyRules) {
      log.warning(`${config.file}: /rules/${id}: no rule has this id; the setting is ignored`);
    }
  }
  const failOn = options.failOn ?? config.failOn ?? DEFAULT_FAIL_ON;
  const workspace = new Workspace(root, {
    include: config.include,
    exclude: config.exclude,
    ...(options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {}),
    ...(options.files ? { files: options.files } : {}),
  });
  log.debug(`indexed ${workspace.files.length} files (${workspace.indexSource})`);

  const findings: Finding[] = [];
  const errors: RuleError[] = [];
  const summaries: RuleSummary[] = [];
  const ordered = [...rules].sort(
    (a, b) => Number(a.check.kind === LAST_KIND) - Number(b.check.kind === LAST_KIND),
  );
  for (const rule of ordered) {
    const summary = await evaluateRule(rule, config, workspace, findings, errors);
    summaries.push(summary);
  }
  dedupeFingerprints(findings);
  findings.sort(compareFindings);
  const gate = applyGate(findings, failOn);
  summaries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return buildReport({
    root: options.root,
    head: gitHead(root),
    base: null,
    config,
    failOn,
    ruleDirs,
    rules: summaries,
    findings,
    errors,
    gate,
    files: workspace.files.length,
  });
}

async function evaluateRule(
  rule: Rule,
  config: Config,
  workspace: Workspace,
  findings: Finding[],
  errors: RuleError[],
): Promise<RuleSummary> {
  const settings = config.rules[rule.id] ?? {};
  const severity = settings.severity ?? rule.severity;
  const summary: RuleSummary = {
    id: rule.id,
    title: rule.title,
    severity,
    controls: rule.controls,
    rationale: rule.rationale,
    remediation: rule.remediation,
    helpUri: helpUri(rule.id),
    source: rule.source,
    result: 'pass',
    findings: 0,
  };
  if (settings.enabled === false) {
    summary.result = 'disabled';
    return summary;
  }
  const evaluator = getEvaluator(rule.check.kind);
  try {
    if (!evaluator) throw new Error(`no evaluator for kind "${rule.check.kind}"`);
    const raw = await evaluator.evaluate({ rule, options: rule.check.with ?? {}, workspace });
    const skip = settings.exclude?.length ? picomatch(settings.exclude, { dot: true }) : undefined;
    for (const r of raw) {
      if (skip && r.location && skip(r.location.path)) continue;
      findings.push(createFinding(rule, r, severity));
      summary.findings += 1;
    }
    summary.result = summary.findings > 0 ? 'fail' : 'pass';
  } catch (err) {
    summary.result = 'error';
    const message = err instanceof Error ? err.message : String(err);
    errors.push({ ruleId: rule.id, message: `internal error while evaluating: ${message}` });
  }
  return summary;
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

function gitHead(root: string): string | null {
  if (!existsSync(path.join(root, '.git'))) return null;
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}
