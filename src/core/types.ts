/**
 * Public data model of controlgate: rules, findings, the report. Everything an output sees is a
 * {@link Report}; everything a rule produces passes through `createFinding` (see finding.ts).
 */

/** Ordered from least to most severe. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** `never` disables the severity gate. */
export type FailOn = Severity | 'never';

/**
 * How sure a finding is, from least to most: `high` when the evaluator verified what it reports (a
 * token whose checksum holds, an expression that reaches a shell), `medium` when it is a strong
 * pattern, `low` for a guess or a finding in a test, fixture, example, documentation, archived or vendored path.
 * By default only medium and high findings can block (`fail-on-confidence`).
 */
export const CONFIDENCES = ['low', 'medium', 'high'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

/**
 * Who is reading, as zizmor's users know it: `regular` sees the findings worth acting on, `pedantic`
 * also low-confidence findings and code smells, `auditor` everything, including occurrences that are
 * only of interest in a review of the whole configuration. Blocking findings are always shown.
 */
export const PERSONAS = ['regular', 'pedantic', 'auditor'] as const;
export type Persona = (typeof PERSONAS)[number];

/** 1-based lines and columns; `endLine`/`endColumn` inclusive. */
export interface Location {
  path: string;
  startLine: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

export type FindingStatus = 'open' | 'excepted' | 'ignored';

/**
 * What suppressed a finding (or, with `expired`, what no longer does): an approved exception from the
 * declarations file, or an inline `controlgate: ignore[rule-id] reason` comment.
 */
export interface FindingException {
  kind: 'exception' | 'inline-ignore';
  /** The exception's id; absent for inline ignores. */
  id?: string;
  reason: string;
  approvedBy?: string;
  /** `YYYY-MM-DD`, the last day the exception applies. */
  expires?: string;
  /** Set on an open finding whose exception has expired: the finding is open again. */
  expired?: boolean;
  /** Where the exception or the ignore comment is written. */
  location: Location;
}

export interface Finding {
  ruleId: string;
  title: string;
  controls: string[];
  severity: Severity;
  /** How sure the finding is; see {@link Confidence}. */
  confidence: Confidence;
  /** Why the confidence is lower than the rule's (e.g. the file is under a test path), when it is. */
  confidenceReason?: string;
  /** The least persona that sees it when it does not block; absent: every persona. */
  persona?: Exclude<Persona, 'regular'>;
  message: string;
  remediation: string;
  helpUri: string;
  /** null for repository-level findings (e.g. a missing file). */
  location: Location | null;
  /** Stable across line shifts: derived from rule, path and the matched content, never the line number. */
  fingerprint: string;
  status: FindingStatus;
  /**
   * Whether the finding counts against the gate: open and at or above `fail-on`, or the cause of a gap
   * in a declared control under `fail-on-gap`, or a rule that always blocks. Set by the gate.
   */
  blocking: boolean;
  isNew?: boolean;
  /**
   * On a pull request, a finding the base commit has at a lower grade: that grade (the change raised
   * it, so it counts as new).
   */
  raisedFrom?: { severity: Severity; confidence: Confidence };
  /** The exception or inline ignore that suppressed it (or that expired and re-opened it). */
  exception?: FindingException;
  /** The mechanical fix of this occurrence, applied by `controlgate fix` and offered as a suggestion. */
  fix?: FindingFix;
  /** Why this occurrence of a rule that has fixes gets none (a step whose needs cannot be told). */
  unfixable?: string;
}

/**
 * One replacement in a file's text: the range [start, end) of UTF-16 offsets into the text as the
 * workspace read it (without a byte-order mark) becomes `text`. `start === end` inserts.
 */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * The whole lines a fix touches, as they were: a suggestion replaces exactly these lines, and the
 * fix is applied only where the file still reads like this.
 */
export interface FixRegion {
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** Offset of the first character of `startLine`. */
  offset: number;
  /** The lines' text, with the line break after `endLine` when there is one. */
  text: string;
}

/**
 * A value the fix needs from outside the tree: the commit a tag of an action's repository names. The
 * edit at `edit` receives the full commit SHA as its text once it is resolved (`controlgate fix` asks
 * the GitHub API); unresolved, the fix is not applied.
 */
export interface FixResolve {
  kind: 'tag-commit';
  /** `owner/repo`. */
  repository: string;
  ref: string;
  edit: number;
}

/**
 * A mechanical fix computed by the evaluator where it found the problem: minimal text edits of the
 * finding's file (sorted, non-overlapping) that keep formatting and comments everywhere else.
 */
export interface FindingFix {
  /** One line: what the fix does ("Add persist-credentials: false to the checkout"). */
  description: string;
  edits: TextEdit[];
  region: FixRegion;
  resolve?: FixResolve;
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
  /**
   * The path the finding is about when that is not where it lies (a vendored directory, reported at
   * the CODEOWNERS rule that leaves it unowned or at the repository): the test paths and templates
   * are judged by it instead of by the location.
   */
  about?: string;
  /** Overrides the rule's severity for this occurrence (e.g. a graded audit). */
  severity?: Severity;
  /** Overrides the rule's confidence for this occurrence (e.g. a verified token: high). */
  confidence?: Confidence;
  /**
   * The least persona that sees this occurrence when it does not block (a code smell: `pedantic`);
   * absent: the rule's, else every persona.
   */
  persona?: Exclude<Persona, 'regular'>;
  /**
   * Overrides the rule's controls for this occurrence: a finding about one declared control (missing
   * evidence for 8.28) belongs to that control. Each must be a catalog id.
   */
  controls?: string[];
  /** The mechanical fix of this occurrence (see {@link FindingFix}); edits of `location.path`. */
  fix?: FindingFix;
  /** Why the occurrence gets no fix although its rule has them (said by `controlgate fix`). */
  unfixable?: string;
  /**
   * When (epoch milliseconds) the occurrence would be judged otherwise with nothing changed in its
   * file (a token found unexpired, judged expired after it): the results cache does not keep the
   * file's results past it. Not part of the report.
   */
  until?: number;
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
  /** Where the fixed file sits when the fix renames it (a committed `.env` becomes `.env.example`). */
  passPath?: string;
  /** Other files that only the passing repository has (path -> content), e.g. a committed lockfile. */
  passFiles?: Record<string, string>;
}

/** A validated rule, as loaded from `rules/<domain>/<id>.yml` or a user rule directory. */
export interface Rule {
  id: string;
  title: string;
  severity: Severity;
  /** The confidence of its findings unless an occurrence says otherwise (default `high`). */
  confidence: Confidence;
  /** The least persona that sees its non-blocking findings (code smells: `pedantic`); absent: all. */
  persona?: Exclude<Persona, 'regular'>;
  controls: string[];
  /**
   * Those of {@link controls} for which the rule only detects problems: its findings make a gap, but
   * its silence is what a repository without the control's practice looks like, so a pass never
   * makes the control satisfied. Absent: the rule is evidence for all its controls.
   */
  detects?: string[];
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

/**
 * The outcome of one rule in one run. `not-applicable`: skipped because every control it maps to is
 * declared not applicable (with a justification). `unverifiable`: the answer it needs (a repository
 * setting read through the GitHub API) was not available; see {@link RuleSummary.detail}.
 */
export type RuleResult = 'pass' | 'fail' | 'error' | 'disabled' | 'not-applicable' | 'unverifiable';

/**
 * What one rule examined in a run, recorded by the workspace as the rule read (see
 * workspace/scope.ts): a rule that examined nothing proves nothing, whatever its result.
 */
export interface RuleScope {
  /** Distinct files of the tree it read, parsed or judged by name. */
  files: number;
  /** The first of them (at most 20), in path order. */
  examples: string[];
  /** Repository settings it read through the GitHub API: `GET <path> -> <status>`. */
  settings: string[];
  /**
   * `change`: a per-file rule that looked only at the files the change under review touches (a pull
   * request scanned with `scan: changed`); `tree`: the whole tree.
   */
  basis: 'tree' | 'change';
  /**
   * Files the rule left out on purpose, by kind (Helm chart templates, kustomize patches): they are
   * not what it checks as they stand, and are said here, not skipped silently. Absent: none.
   */
  leftOut?: LeftOut[];
}

/** A kind of file a rule leaves out on purpose, and why (see {@link RuleScope.leftOut}). */
export interface LeftOutKind {
  /** What the files are, as a noun before "file(s)": `Helm chart template`. */
  kind: string;
  /** Why they are left out, and what to do instead: `rendered at install time: check the output of helm template`. */
  reason: string;
}

/** Files of one kind a rule left out (see {@link RuleScope.leftOut}). */
export interface LeftOut extends LeftOutKind {
  /** Distinct files of the tree. */
  files: number;
  /** The first of them (at most 5), in path order. */
  examples: string[];
}

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
  /**
   * Why the rule is `unverifiable`: the answer it needs was not available (no GitHub API in the run,
   * or the API refused), naming the permission that would make it verifiable.
   */
  detail?: string;
  /** What it examined; absent when it was not evaluated (disabled, not applicable). */
  scope?: RuleScope;
}

export interface RuleError {
  ruleId: string;
  message: string;
}

/** Implementation status declared in the Statement of Applicability (`.github/controls.yml`). */
export const DECLARED_STATUSES = ['implemented', 'partial', 'planned', 'not-applicable'] as const;
export type DeclaredStatus = (typeof DECLARED_STATUSES)[number];

/** controlgate's judgement of one control; the order is the order people should read them in. */
export const VERDICTS = [
  'gap',
  'unverifiable',
  'not-assessed',
  'undeclared',
  'planned',
  'satisfied',
  'not-applicable',
] as const;
export type Verdict = (typeof VERDICTS)[number];

/**
 * `require-declarations`: `technological` makes every undeclared technological control (8.x) a
 * finding, `all` every one of the 93 controls.
 */
export type RequireDeclarations = 'none' | 'technological' | 'all';

/** A control's declaration, as read from the declarations file. */
export interface ControlDeclaration {
  status: DeclaredStatus;
  justification: string | null;
  owner: string | null;
  /** `YYYY-MM-DD`, for planned controls. */
  due: string | null;
  /** `YYYY-MM-DD`: when the declaration and its evidence were last reviewed (a stale review is a gap). */
  reviewed?: string | null;
  /** Where the declaration is written. */
  location: Location | null;
  /** The ISO/IEC 27001:2013 id it was declared under (translated), or null. */
  from2013: string | null;
}

/** One evidence item of a declaration and whether the repository backs it. */
export interface EvidenceResult {
  ref: string;
  kind: 'path' | 'workflow' | 'url';
  /**
   * URLs are recorded but not fetched: `not-verified`. A path is `missing` when nothing matches or
   * what matches holds no more than a placeholder.
   */
  status: 'present' | 'missing' | 'not-verified';
  /**
   * Why it is missing (e.g. the workflow does not run on pull requests); for a path that is present,
   * the symbolic links it was read through or that were not followed; else null.
   */
  detail: string | null;
  /** The files a path or workflow matched (the first 20), with a hash of their exact bytes. */
  files?: EvidenceFile[];
  /** How many files it matched, when more are matched than listed. */
  matched?: number;
}

/** A file cited as evidence, as it was when the run read it. */
export interface EvidenceFile {
  path: string;
  /** SHA-256 of the file's bytes (hex); null when it could not be read (a symbolic link, too large). */
  sha256: string | null;
  bytes: number;
}

/** An exception that concerns a control (by its `control` field or the findings it covers). */
export interface ControlExceptionRef {
  id: string;
  state: 'active' | 'expired' | 'invalid';
  expires: string | null;
  /** Findings of this control it covers (excepted, or re-opened when expired). */
  findings: number;
}

/** One technological control: its declaration, controlgate's verdict and why, and the evidence. */
export interface ControlResult {
  id: string;
  title: string;
  /** Organizational (5.x), People (6.x), Physical (7.x) or Technological (8.x). */
  theme?: 'Organizational' | 'People' | 'Physical' | 'Technological';
  declared: ControlDeclaration | null;
  verdict: Verdict;
  /** Why the verdict is what it is, one sentence each (empty for a plain satisfied or undeclared). */
  reasons: string[];
  evidence: EvidenceResult[];
  exceptions: ControlExceptionRef[];
  /**
   * The enabled rules mapped to it and their results; `examined`: how many files and settings each
   * looked at (a pass that examined nothing assesses nothing); `role: detects` for a rule that only
   * detects problems of this control (its pass is no evidence that the control is met).
   */
  rules: { id: string; result: RuleResult; findings: number; examined?: number; role?: 'detects' }[];
  /** Findings mapped to it, of any status; `open` of them are open. */
  findings: number;
  open: number;
  /** For `not-assessed`: what the reader can do (declare it not applicable, or cite evidence). */
  hint?: string;
  /**
   * Set when the per-file rules of the run looked at the changed files only: `change` when a rule
   * mapped to the control did (its verdict rests on the change), `tree` when all of them read the
   * whole tree.
   */
  basis?: 'tree' | 'change';
}

export interface GateResult {
  result: 'pass' | 'fail';
  failOn: FailOn;
  /** The lowest confidence of a finding that can block. */
  failOnConfidence: Confidence;
  /** Whether a control with the verdict `gap` fails the gate. */
  failOnGap: boolean;
  /** Human-readable reasons the gate failed (empty on pass). */
  reasons: string[];
}

/** What the persona left out of a report: counts only, none of it blocks. */
export interface HiddenFindings {
  findings: number;
  bySeverity: Record<Severity, number>;
  /** Of them: low confidence (and not marked for a persona). */
  lowConfidence: number;
  /** Of them: code smells, marked for the pedantic persona. */
  pedantic: number;
  /** Of them: only of interest in a full review, marked for the auditor persona. */
  auditor: number;
  /** The persona that shows them all. */
  persona: Persona;
}

export interface ReportSummary {
  files: number;
  /**
   * Set when the per-file rules looked only at the files the change touches (a pull request with
   * gate new): how many of {@link files} they are.
   */
  changedFiles?: number;
  /**
   * Set when rules that read across files were not evaluated on the head because results of the base
   * commit from an earlier run fit and the change touches nothing they read: how many, and where the
   * results came from.
   */
  reused?: { rules: number; source: string };
  /**
   * Set when a full check took the per-file rules' results of files whose blob is unchanged from a
   * results cache written by an earlier run (same controlgate, rules and settings): how many files
   * were not read again, for how many rules, how many rules that read across files were taken whole
   * (they asked nothing that changed), and where the cache came from.
   */
  cached?: { files: number; rules: number; across: number; source: string };
  rules: number;
  findings: number;
  open: number;
  blocking: number;
  bySeverity: Record<Severity, number>;
  byStatus: Record<FindingStatus, number>;
  byVerdict: Record<Verdict, number>;
  errors: number;
  /**
   * Findings left out of the report's findings by the persona (none blocks): how many, by severity,
   * and the persona that would show them all. Absent when nothing was hidden.
   */
  hidden?: HiddenFindings;
  gate: GateResult;
}

/** Where the policy (config, declarations, exceptions, custom rules) of the run came from. */
export interface PolicyInfo {
  /** `base`: read from the base commit, so the change under review cannot weaken its own policy. */
  source: 'base' | 'head';
  /** The base commit the policy was read from, or null. */
  base: string | null;
  /** The declarations file (relative to the root) when one was found, else null. */
  controls: string | null;
  /** Problems the reader must see (e.g. the base commit could not be read). */
  warnings: string[];
  /** Explanations (2013 ids translated, rules skipped as not applicable). */
  notices: string[];
}

/** The JSON report (`"version": 1`) is a public format: see schemas/report.schema.json. */
/**
 * Who and what the run was about, for evidence kept beyond the run: given by the front end (the
 * Action reads GitHub's environment, the CLI the same variables or git).
 */
export interface RunIdentity {
  /** `owner/name`. */
  repository?: string;
  /** The repository's web address, e.g. https://github.com/acme/api. */
  url?: string;
  /** The ref checked out: `refs/heads/main`, `refs/pull/12/merge`. */
  ref?: string;
  /** The CI run that produced the report (a GitHub Actions run's address). */
  runUrl?: string;
}

/** The declarations file's header, as the run read it. */
export interface DeclarationsHeader {
  /** The file, relative to the root. */
  file: string;
  scope: string | null;
  owner: string | null;
  approvedBy: string | null;
  /** `YYYY-MM-DD`. */
  reviewed: string | null;
}

export interface Report {
  version: 1;
  tool: { name: 'controlgate'; version: string; informationUri: string };
  repository: {
    root: string;
    /** The commit checked, when known. */
    head: string | null;
    base: string | null;
    /** `owner/name`, when known. */
    name?: string;
    url?: string;
    /** The ref checked out, when known. */
    ref?: string;
  };
  /** When the run happened (ISO 8601, UTC) and the CI run that made it. */
  run?: { time: string; url: string | null };
  /** The header of the declarations in force; absent without a declarations file. */
  declarations?: DeclarationsHeader;
  settings: {
    failOn: FailOn;
    /** The lowest confidence of a finding that can block. */
    failOnConfidence: Confidence;
    /** Which non-blocking findings the report shows. */
    persona: Persona;
    /** Paths where findings get low confidence (tests, fixtures, examples, docs, vendored code). */
    testPaths: string[];
    failOnGap: boolean;
    requireDeclarations: RequireDeclarations;
    /** Longest an exception may run, in days from the day of the run. */
    exceptionMaxDays: number;
    /** Oldest a review date may be, in days before the day of the run. */
    reviewMaxDays?: number;
    config: string | null;
    /** The declarations file looked for (relative to the root). */
    controls: string;
    ruleDirs: string[];
    include: string[];
    exclude: string[];
  };
  policy: PolicyInfo;
  rules: RuleSummary[];
  controls: ControlResult[];
  findings: Finding[];
  errors: RuleError[];
  summary: ReportSummary;
}

/** Where messages go: backed by workflow commands (src/action/commands.ts) in the Action and by stderr in the CLI. */
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
