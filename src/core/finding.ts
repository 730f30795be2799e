import { hash } from 'node:crypto';
import type { Finding, Location, RawFinding, Rule, Severity } from './types.js';

/** Where controlgate's documentation lives; rule help URLs are derived from it, never typed. */
export const HOMEPAGE = 'https://github.com/controlgate/controlgate';

/** The documentation page of a rule: docs/rules/<id>.md. */
export function helpUri(ruleId: string): string {
  return `${HOMEPAGE}/blob/main/docs/rules/${ruleId}.md`;
}

/**
 * The one constructor of {@link Finding}: stamps the rule's id, title, controls, severity, remediation
 * and help URL onto what an evaluator reported. `severity` is the rule's effective severity (after
 * configuration overrides); an evaluator's per-occurrence severity wins over it.
 */
export function createFinding(rule: Rule, raw: RawFinding, severity: Severity = rule.severity): Finding {
  const location = raw.location ? normalizeLocation(raw.location) : null;
  return {
    ruleId: rule.id,
    title: rule.title,
    controls: [...(raw.controls ?? rule.controls)],
    severity: raw.severity ?? severity,
    confidence: raw.confidence ?? rule.confidence,
    ...((raw.persona ?? rule.persona) ? { persona: raw.persona ?? rule.persona } : {}),
    message: raw.message,
    remediation: rule.remediation,
    helpUri: helpUri(rule.id),
    location,
    fingerprint: fingerprint(rule.id, location?.path ?? '', raw.key ?? ''),
    status: 'open',
    blocking: false,
    ...(raw.fix && location ? { fix: raw.fix } : {}),
    ...(raw.unfixable && !raw.fix ? { unfixable: raw.unfixable } : {}),
  };
}

/**
 * A stable identity for a finding: rule, file and the evaluator's occurrence key (content, not line
 * numbers), so the same problem keeps its fingerprint when lines above it move.
 */
export function fingerprint(ruleId: string, path: string, key: string): string {
  // One call, no Hash object per finding (a report may hold thousands): the same SHA-256.
  return hash('sha256', `${ruleId}\u0000${path}\u0000${key}`, 'hex').slice(0, 32);
}

function normalizeLocation(loc: Location): Location {
  const out: Location = { path: loc.path, startLine: Math.max(1, Math.trunc(loc.startLine)) };
  if (loc.endLine !== undefined && loc.endLine >= out.startLine) out.endLine = loc.endLine;
  if (loc.startColumn !== undefined && loc.startColumn >= 1) out.startColumn = loc.startColumn;
  if (loc.endColumn !== undefined && loc.startColumn !== undefined) {
    const sameLine = (out.endLine ?? out.startLine) === out.startLine;
    if (!sameLine || loc.endColumn >= loc.startColumn) out.endColumn = loc.endColumn;
  }
  return out;
}
