/**
 * Public data model of controlgate: rules, findings, the report. Everything an output sees is a
 * {@link Report}; everything a rule produces passes through `createFinding` (see finding.ts).
 */

/** Ordered from least to most severe. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** `never` disables the severity gate. */
export type FailOn = Severity | 'never';

/** 1-based lines and columns; `endLine`/`endColumn` inclusive. */
export interface Location {
  path: string;
  startLine: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

export type FindingStatus = 'open' | 'excepted' | 'ignored';

export interface Finding {
  ruleId: string;
  title: string;
  controls: string[];
  severity: Severity;
  message: string;
  remediation: string;
  helpUri: string;
  /** null for repository-level findings (e.g. a missing file). */
  location: Location | null;
  /** Stable across line shifts: derived from rule, path and the matched content, never the line number. */
  fingerprint: string;
  status: FindingStatus;
  /** Whether the finding counts against the gate (open and at or above `fail-on`). Set by the gate. */
  blocking: boolean;
  isNew?: boolean;
}

/** What an evaluator returns; `createFinding` turns it into a {@link Finding}. */
export interface RawFinding {
  message: string;
  location: Location | null;
  /**
   * Content that identifies this occurrence independently of its line (e.g. the offending line's
   * text, an image name). Defaults to the path alone. Must never contain a secret value.
   */
  key?: string;
  /** Overrides the rule's severity for this occurrence (e.g. a graded audit). */
  severity?: Severity;
}

export interface RuleCheck {
  kind: string;
  with?: Record<string, unknown>;
}

/** A failing file and its fixed version, shown in the rule's documentation. */
export interface RuleExample {
  path: string;
  fail: string;
  pass: string;
  note?: string;
}

/** A validated rule, as loaded from `rules/<domain>/<id>.yml` or a user rule directory. */
export interface Rule {
  id: string;
  title: string;
  severity: Severity;
  controls: string[];
  rationale: string;
  remediation: string;
  references: string[];
  tags: string[];
  /** Documentation examples; the test suite checks that `fail` fails and `pass` passes. */
  examples: RuleExample[];
  check: RuleCheck;
  /** Where the rule came from: `builtin` or the user rule file path. */
  source: string;
  /** Path of the rule file relative to its rule directory. */
  file: string;
}

/** The outcome of one rule in one run. */
export type RuleResult = 'pass' | 'fail' | 'error' | 'disabled';

export interface RuleSummary {
  id: string;
  title: string;
  severity: Severity;
  controls: string[];
  /** Carried from the rule so outputs (SARIF rule help, docs) can explain rules that produced no finding. */
  rationale: string;
  remediation: string;
  helpUri: string;
  source: string;
  result: RuleResult;
  findings: number;
}

export interface RuleError {
  ruleId: string;
  message: string;
}

/** Coverage of one technological control by this run's rules. */
export interface ControlResult {
  id: string;
  title: string;
  /**
   * `fail` when a mapped rule has findings; `error` when none does but a mapped rule could not be
   * evaluated (the control is not verified); `not-covered` when no enabled rule maps to it.
   */
  result: 'pass' | 'fail' | 'error' | 'not-covered';
  rules: { id: string; result: RuleResult; findings: number }[];
  findings: number;
}

export interface GateResult {
  result: 'pass' | 'fail';
  failOn: FailOn;
  /** Human-readable reasons the gate failed (empty on pass). */
  reasons: string[];
}

export interface ReportSummary {
  files: number;
  rules: number;
  findings: number;
  open: number;
  blocking: number;
  bySeverity: Record<Severity, number>;
  byStatus: Record<FindingStatus, number>;
  errors: number;
  gate: GateResult;
}

/** The JSON report (`"version": 1`) is a public format: see schemas/report.schema.json. */
export interface Report {
  version: 1;
  tool: { name: 'controlgate'; version: string; informationUri: string };
  repository: { root: string; head: string | null; base: string | null };
  settings: {
    failOn: FailOn;
    config: string | null;
    ruleDirs: string[];
    include: string[];
    exclude: string[];
  };
  rules: RuleSummary[];
  controls: ControlResult[];
  findings: Finding[];
  errors: RuleError[];
  summary: ReportSummary;
}

/** Where messages go: backed by `@actions/core` in the Action and by stderr in the CLI. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warning() {},
  error() {},
};

/** Raised for problems the user must fix (bad config, bad rule file, missing path). Exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
