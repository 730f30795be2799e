import { allControls } from './catalog.js';
import type { Config } from './config.js';
import {
  type ControlResult,
  type FailOn,
  type Finding,
  type FindingStatus,
  type GateResult,
  type Report,
  type RuleError,
  type RuleSummary,
  SEVERITIES,
  type Severity,
} from './types.js';
import { VERSION } from './version.js';

export interface ReportInput {
  root: string;
  head: string | null;
  base: string | null;
  config: Config;
  failOn: FailOn;
  ruleDirs: string[];
  rules: RuleSummary[];
  findings: Finding[];
  errors: RuleError[];
  gate: GateResult;
  files: number;
}

/** Assembles the one immutable Report that every reporter and sink reads. */
export function buildReport(input: ReportInput): Report {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byStatus: Record<FindingStatus, number> = { open: 0, excepted: 0, ignored: 0 };
  for (const f of input.findings) {
    bySeverity[f.severity] += 1;
    byStatus[f.status] += 1;
  }
  const report: Report = {
    version: 1,
    tool: {
      name: 'controlgate',
      version: VERSION,
      informationUri: 'https://github.com/controlgate/controlgate',
    },
    repository: { root: input.root, head: input.head, base: input.base },
    settings: {
      failOn: input.failOn,
      config: input.config.file,
      ruleDirs: input.ruleDirs,
      include: input.config.include,
      exclude: input.config.exclude,
    },
    rules: input.rules,
    controls: controlResults(input.rules),
    findings: input.findings,
    errors: input.errors,
    summary: {
      files: input.files,
      rules: input.rules.filter((r) => r.result !== 'disabled').length,
      findings: input.findings.length,
      open: byStatus.open,
      blocking: input.findings.filter((f) => f.blocking).length,
      bySeverity,
      byStatus,
      errors: input.errors.length,
      gate: input.gate,
    },
  };
  return deepFreeze(report);
}

function controlResults(rules: RuleSummary[]): ControlResult[] {
  return allControls().map((c) => {
    const mapped = rules.filter((r) => r.controls.includes(c.id) && r.result !== 'disabled');
    const findings = mapped.reduce((n, r) => n + r.findings, 0);
    const result: ControlResult['result'] =
      mapped.length === 0
        ? 'not-covered'
        : mapped.some((r) => r.result === 'fail')
          ? 'fail'
          : mapped.some((r) => r.result === 'error')
            ? 'error'
            : 'pass';
    return {
      id: c.id,
      title: c.title,
      result,
      rules: mapped.map((r) => ({ id: r.id, result: r.result, findings: r.findings })),
      findings,
    };
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
