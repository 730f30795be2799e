import type { Config } from './config.js';
import {
  type Confidence,
  type ControlResult,
  type DeclarationsHeader,
  type FailOn,
  type Finding,
  type FindingStatus,
  type GateResult,
  type Persona,
  type PolicyInfo,
  type Report,
  type ReportSummary,
  type RequireDeclarations,
  type RuleError,
  type RuleSummary,
  type RunIdentity,
  SEVERITIES,
  type Severity,
  VERDICTS,
  type Verdict,
} from './types.js';
import { VERSION } from './version.js';

export interface ReportInput {
  root: string;
  head: string | null;
  base: string | null;
  /** The repository and CI run, when the front end knows them. */
  identity?: RunIdentity;
  /** The moment of the run. */
  time?: Date;
  declarations?: DeclarationsHeader;
  reviewMaxDays?: number;
  config: Config;
  failOn: FailOn;
  failOnConfidence: Confidence;
  persona: Persona;
  testPaths: string[];
  failOnGap: boolean;
  requireDeclarations: RequireDeclarations;
  exceptionMaxDays: number;
  controlsFile: string;
  ruleDirs: string[];
  rules: RuleSummary[];
  controls: ControlResult[];
  policy: PolicyInfo;
  findings: Finding[];
  /** Findings the persona left out (none blocks). */
  hidden?: ReportSummary['hidden'];
  errors: RuleError[];
  gate: GateResult;
  files: number;
  changedFiles?: number;
  reused?: { rules: number; source: string };
  cached?: { files: number; rules: number; across: number; source: string };
}

/** Assembles the one immutable Report that every reporter and sink reads. */
export function buildReport(input: ReportInput): Report {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byStatus: Record<FindingStatus, number> = { open: 0, excepted: 0, ignored: 0 };
  for (const f of input.findings) {
    bySeverity[f.severity] += 1;
    byStatus[f.status] += 1;
  }
  const byVerdict = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const c of input.controls) byVerdict[c.verdict] += 1;
  const report: Report = {
    version: 1,
    tool: {
      name: 'controlgate',
      version: VERSION,
      informationUri: 'https://github.com/controlgate/controlgate',
    },
    repository: {
      root: input.root,
      head: input.head,
      base: input.base,
      ...(input.identity?.repository ? { name: input.identity.repository } : {}),
      ...(input.identity?.url ? { url: input.identity.url } : {}),
      ...(input.identity?.ref ? { ref: input.identity.ref } : {}),
    },
    ...(input.time ? { run: { time: input.time.toISOString(), url: input.identity?.runUrl ?? null } } : {}),
    ...(input.declarations ? { declarations: input.declarations } : {}),
    settings: {
      failOn: input.failOn,
      failOnConfidence: input.failOnConfidence,
      persona: input.persona,
      testPaths: input.testPaths,
      failOnGap: input.failOnGap,
      requireDeclarations: input.requireDeclarations,
      exceptionMaxDays: input.exceptionMaxDays,
      ...(input.reviewMaxDays !== undefined ? { reviewMaxDays: input.reviewMaxDays } : {}),
      config: input.config.file,
      controls: input.controlsFile,
      ruleDirs: input.ruleDirs,
      include: input.config.include,
      exclude: input.config.exclude,
    },
    policy: input.policy,
    rules: input.rules,
    controls: input.controls,
    findings: input.findings,
    errors: input.errors,
    summary: {
      files: input.files,
      ...(input.changedFiles !== undefined ? { changedFiles: input.changedFiles } : {}),
      ...(input.reused ? { reused: input.reused } : {}),
      ...(input.cached ? { cached: input.cached } : {}),
      rules: input.rules.filter((r) => r.result !== 'disabled' && r.result !== 'not-applicable').length,
      findings: input.findings.length,
      open: byStatus.open,
      blocking: input.findings.filter((f) => f.blocking).length,
      bySeverity,
      byStatus,
      byVerdict,
      errors: input.errors.length,
      ...(input.hidden ? { hidden: input.hidden } : {}),
      gate: input.gate,
    },
  };
  return deepFreeze(report);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    // No array of values per object: a report holds thousands of findings, each a few objects.
    if (Array.isArray(value)) for (const v of value) deepFreeze(v);
    else for (const k in value) deepFreeze((value as Record<string, unknown>)[k]);
  }
  return value;
}
