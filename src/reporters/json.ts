/**
 * The JSON report: controlgate's public, frozen v1 format (schemas/report.schema.json). Keys are
 * written in a fixed order, spelled out below rather than inherited from whichever code built the
 * Report, so the output is byte-stable and diffable across versions. A field added to the Report
 * type does not leak into v1 by accident: it must be added here and to the schema (a test compares
 * the round trip with the Report to catch a forgotten field).
 */
import {
  type ControlDeclaration,
  type ControlResult,
  type Finding,
  type FindingException,
  type FindingFix,
  type Location,
  type PolicyInfo,
  type Report,
  type ReportSummary,
  type RuleError,
  type RuleSummary,
  VERDICTS,
} from '../core/types.js';
import { SEVERITY_ORDER } from './shared.js';

/** Pretty-printed JSON report (two-space indent, stable key order, trailing newline). */
export function renderJson(report: Report): string {
  return `${JSON.stringify(canonicalReport(report), null, 2)}\n`;
}

/** About how many characters of findings each piece of {@link renderJsonPieces} holds. */
const PIECE_CHARS = 1 << 16;

/**
 * {@link renderJson}'s text, the same characters, in pieces as they are made, for writing to a file:
 * the findings are rendered a batch at a time, so that the report of a large tree is never one
 * string (13 MB at 200,000 files) nor copied whole into a buffer for the write.
 */
export function* renderJsonPieces(report: Report): Generator<string> {
  // Everything but the findings, with an empty list in their place: a top-level key is the only one
  // indented by two spaces, and no JSON string holds a raw line break, so the marker is unique.
  const text = JSON.stringify(canonicalReport({ ...report, findings: [] }), null, 2);
  const marker = '\n  "findings": []';
  const at = text.indexOf(marker);
  if (at < 0 || report.findings.length === 0) {
    yield `${JSON.stringify(canonicalReport(report), null, 2)}\n`;
    return;
  }
  const last = report.findings.length - 1;
  let piece = `${text.slice(0, at + marker.length - 2)}[\n`;
  for (let i = 0; i <= last; i++) {
    piece += `    ${JSON.stringify(finding(report.findings[i]!), null, 2).replaceAll('\n', '\n    ')}`;
    piece += i < last ? ',\n' : '\n  ]';
    if (piece.length >= PIECE_CHARS) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}${text.slice(at + marker.length)}\n`;
}

/** The Report as a plain object with keys in the documented order; exported for sinks and tests. */
export function canonicalReport(report: Report): Report {
  return {
    version: report.version,
    tool: {
      name: report.tool.name,
      version: report.tool.version,
      informationUri: report.tool.informationUri,
    },
    repository: {
      root: report.repository.root,
      head: report.repository.head,
      base: report.repository.base,
      ...(report.repository.name !== undefined ? { name: report.repository.name } : {}),
      ...(report.repository.url !== undefined ? { url: report.repository.url } : {}),
      ...(report.repository.ref !== undefined ? { ref: report.repository.ref } : {}),
    },
    ...(report.run ? { run: { time: report.run.time, url: report.run.url } } : {}),
    ...(report.declarations
      ? {
          declarations: {
            file: report.declarations.file,
            scope: report.declarations.scope,
            owner: report.declarations.owner,
            approvedBy: report.declarations.approvedBy,
            reviewed: report.declarations.reviewed,
          },
        }
      : {}),
    settings: {
      failOn: report.settings.failOn,
      failOnConfidence: report.settings.failOnConfidence,
      persona: report.settings.persona,
      testPaths: [...report.settings.testPaths],
      failOnGap: report.settings.failOnGap,
      requireDeclarations: report.settings.requireDeclarations,
      exceptionMaxDays: report.settings.exceptionMaxDays,
      ...(report.settings.reviewMaxDays !== undefined
        ? { reviewMaxDays: report.settings.reviewMaxDays }
        : {}),
      config: report.settings.config,
      controls: report.settings.controls,
      ruleDirs: [...report.settings.ruleDirs],
      include: [...report.settings.include],
      exclude: [...report.settings.exclude],
    },
    policy: policy(report.policy),
    rules: report.rules.map(rule),
    controls: report.controls.map(control),
    findings: report.findings.map(finding),
    errors: report.errors.map(error),
    summary: summary(report.summary),
  };
}

function rule(r: RuleSummary): RuleSummary {
  return {
    id: r.id,
    title: r.title,
    severity: r.severity,
    controls: [...r.controls],
    rationale: r.rationale,
    remediation: r.remediation,
    helpUri: r.helpUri,
    source: r.source,
    result: r.result,
    findings: r.findings,
    ...(r.detail !== undefined ? { detail: r.detail } : {}),
    ...(r.scope
      ? {
          scope: {
            files: r.scope.files,
            examples: [...r.scope.examples],
            settings: [...r.scope.settings],
            basis: r.scope.basis,
            ...(r.scope.leftOut?.length
              ? {
                  leftOut: r.scope.leftOut.map((l) => ({
                    kind: l.kind,
                    reason: l.reason,
                    files: l.files,
                    examples: [...l.examples],
                  })),
                }
              : {}),
          },
        }
      : {}),
  };
}

function policy(p: PolicyInfo): PolicyInfo {
  return {
    source: p.source,
    base: p.base,
    controls: p.controls,
    warnings: [...p.warnings],
    notices: [...p.notices],
  };
}

function control(c: ControlResult): ControlResult {
  return {
    id: c.id,
    title: c.title,
    ...(c.theme !== undefined ? { theme: c.theme } : {}),
    declared: c.declared ? declared(c.declared) : null,
    verdict: c.verdict,
    reasons: [...c.reasons],
    evidence: c.evidence.map((e) => ({
      ref: e.ref,
      kind: e.kind,
      status: e.status,
      detail: e.detail,
      ...(e.files ? { files: e.files.map((f) => ({ path: f.path, sha256: f.sha256, bytes: f.bytes })) } : {}),
      ...(e.matched !== undefined ? { matched: e.matched } : {}),
    })),
    exceptions: c.exceptions.map((e) => ({
      id: e.id,
      state: e.state,
      expires: e.expires,
      findings: e.findings,
    })),
    rules: c.rules.map((r) => ({
      id: r.id,
      result: r.result,
      findings: r.findings,
      ...(r.examined !== undefined ? { examined: r.examined } : {}),
      ...(r.role ? { role: r.role } : {}),
    })),
    findings: c.findings,
    open: c.open,
    ...(c.hint !== undefined ? { hint: c.hint } : {}),
    ...(c.basis !== undefined ? { basis: c.basis } : {}),
  };
}

function declared(d: ControlDeclaration): ControlDeclaration {
  return {
    status: d.status,
    justification: d.justification,
    owner: d.owner,
    due: d.due,
    ...(d.reviewed ? { reviewed: d.reviewed } : {}),
    location: d.location ? location(d.location) : null,
    from2013: d.from2013,
  };
}

function exception(e: FindingException): FindingException {
  // Spread in the documented key order; absent optional keys stay absent.
  return {
    kind: e.kind,
    ...(e.id !== undefined ? { id: e.id } : {}),
    reason: e.reason,
    ...(e.approvedBy !== undefined ? { approvedBy: e.approvedBy } : {}),
    ...(e.expires !== undefined ? { expires: e.expires } : {}),
    ...(e.expired !== undefined ? { expired: e.expired } : {}),
    location: location(e.location),
  };
}

function finding(f: Finding): Finding {
  const out: Finding = {
    ruleId: f.ruleId,
    title: f.title,
    controls: [...f.controls],
    severity: f.severity,
    confidence: f.confidence,
    ...(f.confidenceReason !== undefined ? { confidenceReason: f.confidenceReason } : {}),
    ...(f.persona !== undefined ? { persona: f.persona } : {}),
    message: f.message,
    remediation: f.remediation,
    helpUri: f.helpUri,
    location: f.location ? location(f.location) : null,
    fingerprint: f.fingerprint,
    status: f.status,
    blocking: f.blocking,
  };
  if (f.isNew !== undefined) out.isNew = f.isNew;
  if (f.raisedFrom) out.raisedFrom = { severity: f.raisedFrom.severity, confidence: f.raisedFrom.confidence };
  if (f.exception) out.exception = exception(f.exception);
  if (f.fix) out.fix = fix(f.fix);
  if (f.unfixable !== undefined) out.unfixable = f.unfixable;
  return out;
}

function fix(x: FindingFix): FindingFix {
  const r = x.region;
  return {
    description: x.description,
    edits: x.edits.map((e) => ({ start: e.start, end: e.end, text: e.text })),
    region: { startLine: r.startLine, endLine: r.endLine, offset: r.offset, text: r.text },
    ...(x.resolve
      ? {
          resolve: {
            kind: x.resolve.kind,
            repository: x.resolve.repository,
            ref: x.resolve.ref,
            edit: x.resolve.edit,
          },
        }
      : {}),
  };
}

function location(l: Location): Location {
  const out: Location = { path: l.path, startLine: l.startLine };
  if (l.endLine !== undefined) out.endLine = l.endLine;
  if (l.startColumn !== undefined) out.startColumn = l.startColumn;
  if (l.endColumn !== undefined) out.endColumn = l.endColumn;
  return out;
}

function error(e: RuleError): RuleError {
  return { ruleId: e.ruleId, message: e.message };
}

function summary(s: ReportSummary): ReportSummary {
  // Severities most severe first, the order people read counts in.
  const bySeverity = Object.fromEntries(
    SEVERITY_ORDER.map((sev) => [sev, s.bySeverity[sev]]),
  ) as ReportSummary['bySeverity'];
  return {
    files: s.files,
    ...(s.changedFiles !== undefined ? { changedFiles: s.changedFiles } : {}),
    ...(s.reused ? { reused: { rules: s.reused.rules, source: s.reused.source } } : {}),
    ...(s.cached
      ? {
          cached: {
            files: s.cached.files,
            rules: s.cached.rules,
            across: s.cached.across,
            source: s.cached.source,
          },
        }
      : {}),
    rules: s.rules,
    findings: s.findings,
    open: s.open,
    blocking: s.blocking,
    bySeverity,
    byStatus: { open: s.byStatus.open, excepted: s.byStatus.excepted, ignored: s.byStatus.ignored },
    byVerdict: Object.fromEntries(VERDICTS.map((v) => [v, s.byVerdict[v]])) as ReportSummary['byVerdict'],
    errors: s.errors,
    ...(s.hidden
      ? {
          hidden: {
            findings: s.hidden.findings,
            bySeverity: Object.fromEntries(
              SEVERITY_ORDER.map((sev) => [sev, s.hidden!.bySeverity[sev]]),
            ) as ReportSummary['bySeverity'],
            lowConfidence: s.hidden.lowConfidence,
            pedantic: s.hidden.pedantic,
            auditor: s.hidden.auditor,
            persona: s.hidden.persona,
          },
        }
      : {}),
    gate: {
      result: s.gate.result,
      failOn: s.gate.failOn,
      failOnConfidence: s.gate.failOnConfidence,
      failOnGap: s.gate.failOnGap,
      reasons: [...s.gate.reasons],
    },
  };
}
