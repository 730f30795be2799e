/**
 * SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer), built from the Report alone.
 * The subset of SARIF that controlgate emits is typed in sarif-types.ts; no SARIF library is needed.
 */
import { leftOutPhrase } from '../core/declarations/not-assessed.js';
import type { Finding, Report, RuleSummary, Severity } from '../core/types.js';
import {
  escapeControls,
  escapeMarkdown,
  escapeSarifText,
  markdownLink,
  multiLine,
  plural,
  singleLine,
} from './escape.js';
import type {
  SarifLevel,
  SarifLocation,
  SarifLog,
  SarifNotification,
  SarifRegion,
  SarifReportingDescriptor,
  SarifResult,
} from './sarif-types.js';
import { controlTitles, repositoryPath } from './shared.js';

/** The OASIS schema of SARIF 2.1.0 (errata 01), named in every log. */
export const SARIF_SCHEMA =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** Key of controlgate's fingerprint in `partialFingerprints`; versioned so it can change safely. */
export const FINGERPRINT_KEY = 'controlgate/v1';

/** security-severity drives GitHub's critical/high/medium/low badge (>= 9 / 7 / 4 / > 0). */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

/** SARIF level of a severity: error for critical/high, warning for medium, note for low/info. */
export function sarifLevel(severity: Severity): SarifLevel {
  return severity === 'critical' || severity === 'high'
    ? 'error'
    : severity === 'medium'
      ? 'warning'
      : 'note';
}

export interface SarifOptions {
  /**
   * Put before every file path: where the checked directory lies in the repository (`services/api/`
   * when the check ran on that folder), because code scanning resolves `%SRCROOT%` to the
   * repository's root. Default: none (the checked directory is the repository).
   */
  pathPrefix?: string;
  /**
   * The file repository-level findings (no location of their own) point at, as a path from the
   * repository's root: code scanning needs a file for every result, and one that does not exist is
   * shown as missing. Choose it with `sarifRepositoryFile` (sarif-anchor.ts); default: the declarations
   * file. Results there are on line 1 and carry `repositoryLevel: true`.
   */
  repositoryFile?: string;
}

/**
 * Most notes on left-out files in one log: one per rule and kind of file is a few dozen in a tree of
 * Helm charts and kustomize overlays; past this the rest is counted in one last note.
 */
export const MAX_LEFT_OUT_NOTES = 50;

/**
 * One run with every rule of the report, one result per finding, rule errors as error notifications
 * and the files each rule left out on purpose (Helm chart templates) as note notifications.
 */
export function renderSarif(report: Report, options: SarifOptions = {}): SarifLog {
  const prefix = options.pathPrefix ?? '';
  const anchor = options.repositoryFile ?? prefix + (report.policy.controls ?? report.settings.controls);
  const titles = controlTitles(report);
  const rules = report.rules.map((r) => descriptor(r, titles));
  const index = new Map(report.rules.map((r, i) => [r.id, i]));
  // A finding whose rule is missing from report.rules should not happen; keep it reportable anyway.
  for (const f of report.findings) {
    if (!index.has(f.ruleId)) {
      index.set(f.ruleId, rules.length);
      rules.push(descriptor(ruleFromFinding(f), titles));
    }
  }
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: report.tool.informationUri,
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            toolExecutionNotifications: [
              ...report.errors.map((e): SarifNotification => {
                const i = index.get(e.ruleId);
                return {
                  level: 'error',
                  message: { text: escapeSarifText(multiLine(`${e.ruleId}: ${e.message}`)) },
                  associatedRule: i === undefined ? { id: e.ruleId } : { id: e.ruleId, index: i },
                };
              }),
              ...leftOutNotes(report, index, prefix),
            ],
          },
        ],
        columnKind: 'utf16CodeUnits',
        results: report.findings.map((f) => result(f, index.get(f.ruleId)!, prefix, anchor)),
      },
    ],
  };
}

/** {@link renderSarif} as pretty-printed JSON text with a trailing newline. */
export function renderSarifString(report: Report, options: SarifOptions = {}): string {
  return `${JSON.stringify(renderSarif(report, options), null, 2)}\n`;
}

/**
 * The files rules left out on purpose, so that code scanning does not take the run as having examined
 * them: one note per rule and kind of file, naming the rule, the kind, why, and the files the report
 * lists (at most five, with how many more), which are also its locations.
 */
function leftOutNotes(report: Report, index: Map<string, number>, prefix: string): SarifNotification[] {
  const all = report.rules.flatMap((r) => (r.scope?.leftOut ?? []).map((l) => ({ rule: r.id, l })));
  const notes = all.slice(0, MAX_LEFT_OUT_NOTES).map(({ rule, l }): SarifNotification => {
    const more = l.files - l.examples.length;
    const files = l.examples.map(escapeControls).join(', ') + (more > 0 ? `, and ${more} more` : '');
    const i = index.get(rule);
    return {
      level: 'note',
      message: {
        text: escapeSarifText(
          `${singleLine(`${rule} left out ${leftOutPhrase(l)}`)}, not examined: ${files}`,
        ),
      },
      locations: l.examples.map((p) => ({
        physicalLocation: {
          artifactLocation: { uri: encodePath(repositoryPath(prefix, p)), uriBaseId: '%SRCROOT%' },
        },
      })),
      associatedRule: i === undefined ? { id: rule } : { id: rule, index: i },
    };
  });
  const rest = all.slice(MAX_LEFT_OUT_NOTES);
  if (rest.length > 0) {
    const rules = new Set(rest.map((n) => n.rule)).size;
    notes.push({
      level: 'note',
      message: {
        text: `and ${plural(rest.length, 'more note')} on files left out by ${plural(rules, 'rule')}, not listed here: the JSON report has them all (rules[].scope.leftOut)`,
      },
    });
  }
  return notes;
}

function descriptor(r: RuleSummary, titles: Map<string, string>): SarifReportingDescriptor {
  const controls = r.controls.map((c) => `${c} ${titles.get(c) ?? ''}`.trim());
  const text = [
    r.rationale,
    r.remediation && `Remediation: ${r.remediation}`,
    `ISO/IEC 27002:2022 controls: ${controls.join('; ')}`,
    `Documentation: ${r.helpUri}`,
  ].filter(Boolean);
  const markdown = [
    r.rationale && escapeMarkdown(r.rationale),
    r.remediation && `**Remediation:** ${escapeMarkdown(r.remediation)}`,
    `**ISO/IEC 27002:2022 controls:** ${controls.map(escapeMarkdown).join('; ')}`,
    `**Documentation:** ${markdownLink(r.id, r.helpUri)}`,
  ].filter(Boolean);
  return {
    id: r.id,
    name: pascalCase(r.id),
    shortDescription: { text: singleLine(r.title) },
    fullDescription: { text: multiLine(r.rationale || r.title) },
    help: { text: multiLine(text.join('\n\n')), markdown: markdown.join('\n\n') },
    helpUri: r.helpUri,
    defaultConfiguration: { level: sarifLevel(r.severity) },
    properties: {
      // GitHub only shows security-severity for rules tagged "security".
      tags: ['security', 'iso27002', ...r.controls.map((c) => `iso27002:${c}`)],
      'security-severity': SECURITY_SEVERITY[r.severity],
    },
  };
}

function result(f: Finding, ruleIndex: number, prefix: string, anchor: string): SarifResult {
  const out: SarifResult = {
    ruleId: f.ruleId,
    ruleIndex,
    level: sarifLevel(f.severity),
    message: { text: escapeSarifText(multiLine(f.message)) },
    locations: [location(f, prefix, anchor)],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties: {
      controls: [...f.controls],
      status: f.status,
      severity: f.severity,
      confidence: f.confidence,
      blocking: f.blocking,
    },
  };
  if (f.isNew !== undefined) out.properties.isNew = f.isNew;
  if (f.raisedFrom) out.properties.raisedFrom = `${f.raisedFrom.severity}/${f.raisedFrom.confidence}`;
  if (!f.location) out.properties.repositoryLevel = true;
  if (f.status === 'excepted' || f.status === 'ignored') {
    out.suppressions = [
      {
        kind: f.status === 'excepted' ? 'external' : 'inSource',
        status: 'accepted',
        justification: justification(f),
      },
    ];
  }
  return out;
}

/** Why a finding is suppressed, from the exception or the inline ignore that did it. */
function justification(f: Finding): string {
  const e = f.exception;
  if (!e) return f.status === 'excepted' ? 'Covered by an approved exception.' : 'Ignored inline.';
  const where = `${e.location.path}:${e.location.startLine}`;
  if (e.kind === 'inline-ignore') return singleLine(`Ignored inline at ${where}: ${e.reason}`);
  const approved = e.approvedBy ? `; approved by ${e.approvedBy}` : '';
  return singleLine(
    `Exception ${e.id ?? ''} (${where}${approved}; expires ${e.expires ?? '?'}): ${e.reason}`,
  );
}

function location(f: Finding, prefix: string, anchor: string): SarifLocation {
  const loc = f.location;
  if (!loc) {
    return {
      physicalLocation: {
        artifactLocation: { uri: encodePath(anchor), uriBaseId: '%SRCROOT%' },
        region: { startLine: 1 },
      },
    };
  }
  const region: SarifRegion = { startLine: loc.startLine };
  if (loc.startColumn !== undefined) region.startColumn = loc.startColumn;
  if (loc.endLine !== undefined) region.endLine = loc.endLine;
  // controlgate's endColumn is inclusive; SARIF's is the column after the region.
  if (loc.endColumn !== undefined) region.endColumn = loc.endColumn + 1;
  return {
    physicalLocation: {
      artifactLocation: { uri: encodePath(repositoryPath(prefix, loc.path)), uriBaseId: '%SRCROOT%' },
      region,
    },
  };
}

/** A repository path as a relative URI reference: each segment percent-encoded, `/` kept. */
export function encodePath(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function ruleFromFinding(f: Finding): RuleSummary {
  return {
    id: f.ruleId,
    title: f.title,
    severity: f.severity,
    controls: [...f.controls],
    rationale: '',
    remediation: f.remediation,
    helpUri: f.helpUri,
    source: 'unknown',
    result: 'fail',
    findings: 0,
  };
}

function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}
