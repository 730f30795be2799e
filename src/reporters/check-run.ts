/**
 * The check run: unlike workflow-command annotations (10 per level per step), a check run takes
 * every annotation, 50 per request. The output's summary and text are Markdown bounded by GitHub's
 * 65,535 characters each.
 */
import type { Finding, Report } from '../core/types.js';
import { annotationLevel } from './annotations.js';
import { escapeMarkdown, multiLine, plural, singleLine, truncate } from './escape.js';
import { renderMarkdown } from './markdown.js';
import { byPriority, repositoryPath } from './shared.js';

/** GitHub accepts 50 annotations per create or update request. */
export const CHECK_RUN_BATCH = 50;
/** Summary and text are each limited to 65,535 characters. */
export const MAX_CHECK_RUN_TEXT = 65_535;

/** One annotation as the checks API takes it. */
export interface CheckRunAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'failure' | 'warning' | 'notice';
  title: string;
  message: string;
}

/** Options of {@link planCheckRunAnnotations}. */
export interface CheckRunAnnotationOptions {
  /** Prepended to each path: the checked root's path in the repository. */
  prefix?: string;
  /** Findings for which this is true come first (they sit on lines the pull request changed). */
  onChangedLine?: (f: Finding) => boolean;
  /** Most annotations in all; default 1,000 (20 requests). */
  max?: number;
}

/**
 * One annotation per open finding that has a location (repository-level findings are in the
 * summary): blocking first, then those on changed lines, then by severity.
 */
export function planCheckRunAnnotations(
  report: Report,
  options: CheckRunAnnotationOptions = {},
): CheckRunAnnotation[] {
  const prefix = options.prefix ?? '';
  const changed = options.onChangedLine ?? (() => false);
  const open = byPriority(report.findings.filter((f) => f.status === 'open' && f.location));
  const ranked = open
    .map((f, i) => ({ f, i, rank: (f.blocking ? 0 : 2) + (changed(f) ? 0 : 1) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map(({ f }) => f);
  return ranked.slice(0, options.max ?? 1000).map((f) => annotation(f, prefix));
}

function annotation(f: Finding, prefix: string): CheckRunAnnotation {
  const loc = f.location!;
  const level = annotationLevel(f);
  const controls =
    f.controls.length > 0
      ? ` (${f.controls.length === 1 ? 'control' : 'controls'} ${f.controls.join(', ')})`
      : '';
  const out: CheckRunAnnotation = {
    path: repositoryPath(prefix, loc.path),
    start_line: loc.startLine,
    end_line: loc.endLine ?? loc.startLine,
    annotation_level: level === 'error' ? 'failure' : level,
    title: truncate(singleLine(`[${f.severity}] ${f.title}${controls}`), 255),
    message: truncate(multiLine(f.remediation ? `${f.message}\n\nFix: ${f.remediation}` : f.message), 4000),
  };
  // The API rejects columns on an annotation that spans lines.
  if (out.start_line === out.end_line && loc.startColumn !== undefined) {
    out.start_column = loc.startColumn;
    if (loc.endColumn !== undefined) out.end_column = loc.endColumn;
  }
  return out;
}

/** The check run's title, summary and text. */
export function renderCheckRunOutput(
  report: Report,
  options: { annotations: number; scope: 'new' | 'all'; fullReportHint?: string },
): { title: string; summary: string; text: string } {
  const s = report.summary;
  const fresh = report.findings.filter((f) => f.status === 'open' && f.isNew !== false).length;
  const title =
    s.gate.result === 'pass'
      ? `Gate passed: ${plural(s.findings, 'finding')}, none blocking`
      : `Gate failed: ${plural(s.blocking, 'blocking finding')}`;
  const summary = [
    `**${s.gate.result === 'pass' ? 'Passed' : 'Failed'}** (fail-on ${s.gate.failOn}, gate: ${options.scope}).`,
    ...s.gate.reasons.map((r) => `- ${escapeMarkdown(r)}`),
    '',
    `${plural(s.open, 'open finding')}, ${fresh} new; ${plural(options.annotations, 'annotation')} on files.`,
  ].join('\n');
  const text = renderMarkdown(report, {
    maxBytes: MAX_CHECK_RUN_TEXT,
    ...(options.fullReportHint ? { fullReportHint: options.fullReportHint } : {}),
  });
  return { title, summary: truncate(summary, MAX_CHECK_RUN_TEXT), text };
}
