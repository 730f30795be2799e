/**
 * Small, format-independent views of a Report that several reporters need. Nothing here escapes:
 * each reporter escapes for its own format at the point of output.
 */
import type { ControlResult, Finding, Location, Report, Severity } from '../core/types.js';

/** Most severe first: the order every reporter lists severities in. */
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** Control id -> title, from the report's own control list (the reporters never read the catalog). */
export function controlTitles(report: Report): Map<string, string> {
  return new Map(report.controls.map((c) => [c.id, c.title]));
}

/**
 * The findings in the order people should see them: blocking first, then other open findings, then
 * excepted and ignored ones; the report's own order (most severe first) is kept within each group.
 */
export function byPriority(findings: readonly Finding[]): Finding[] {
  const rank = (f: Finding): number => (f.blocking ? 0 : f.status === 'open' ? 1 : 2);
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .map(({ f }) => f);
}

/** `path:line` or `path:line:column`; null for a repository-level finding. */
export function position(location: Location | null, withColumn: boolean): string | null {
  if (!location) return null;
  const col = withColumn && location.startColumn !== undefined ? `:${location.startColumn}` : '';
  return `${location.path}:${location.startLine}${col}`;
}

/** What stands in for a file in every human-readable output when a finding is about the repository. */
export const REPOSITORY_LABEL = '(repository)';

/** The gate's threshold in words: `fail-on high`, or that the gate is off. */
export function gateThreshold(report: Report): string {
  const { failOn } = report.summary.gate;
  return failOn === 'never' ? 'fail-on never: the gate is disabled' : `fail-on ${failOn}`;
}

/**
 * A control's result as shown to people: `error` (a mapped rule could not run, so nothing is proven)
 * reads as `incomplete`.
 */
export function shownControlResult(
  c: ControlResult,
): Exclude<ControlResult['result'], 'error'> | 'incomplete' {
  return c.result === 'error' ? 'incomplete' : c.result;
}
