/**
 * Plans the workflow-command annotations of one step. GitHub shows only the first 10 errors, 10
 * warnings and 10 notices of a step, so the plan picks the most important findings for those slots
 * and ends with one notice that says how many were left out and where to read them.
 *
 * Titles and messages have control characters made visible; `file` is the exact path. Nothing is
 * escaped for the workflow-command syntax: the sink must emit the plan through the Action's
 * command writer (src/action/commands.ts), whose escaping handles `%`, line breaks, `:` and `,`.
 */
import type { Finding, Report } from '../core/types.js';
import { multiLine, plural, singleLine, truncate } from './escape.js';
import { byPriority } from './shared.js';
import type { Annotation, AnnotationOptions } from './types.js';

/** GitHub shows 10 annotations of each level per step. */
export const DEFAULT_MAX_PER_LEVEL = 10;
const DEFAULT_HINT = 'the job summary';
/** Annotation text beyond this is not useful in the diff view; the full text is in the summary. */
const MAX_MESSAGE = 4000;
/** Check-run annotations reject longer titles; workflow commands are kept to the same bound. */
const MAX_TITLE = 255;

type Level = Annotation['level'];
const LEVELS: readonly Level[] = ['error', 'warning', 'notice'];

/**
 * The level a finding is annotated with: error when it blocks the gate, warning for other
 * medium-or-worse findings, notice for low and info.
 */
export function annotationLevel(f: Finding): Level {
  if (f.blocking) return 'error';
  return f.severity === 'low' || f.severity === 'info' ? 'notice' : 'warning';
}

/**
 * One annotation per open finding (excepted and ignored findings are not annotated), blocking ones
 * first and then most severe first, at most `maxPerLevel` of each level. When any finding is left
 * out, one notice slot is reserved for a final notice that counts them by level.
 */
export function planAnnotations(report: Report, options: AnnotationOptions = {}): Annotation[] {
  const maxPerLevel = Math.max(1, Math.floor(options.maxPerLevel ?? DEFAULT_MAX_PER_LEVEL));
  const hint = options.fullReportHint ?? DEFAULT_HINT;
  const open = changedFirst(
    byPriority(report.findings.filter((f) => f.status === 'open')),
    options.onChangedLine,
  );

  const total: Record<Level, number> = { error: 0, warning: 0, notice: 0 };
  for (const f of open) total[annotationLevel(f)] += 1;
  const overflow = LEVELS.some((l) => total[l] > maxPerLevel);
  const capacity: Record<Level, number> = {
    error: maxPerLevel,
    warning: maxPerLevel,
    // The overflow notice needs a notice slot of its own.
    notice: overflow ? maxPerLevel - 1 : maxPerLevel,
  };

  const plan: Annotation[] = [];
  const used: Record<Level, number> = { error: 0, warning: 0, notice: 0 };
  for (const f of open) {
    const level = annotationLevel(f);
    if (used[level] >= capacity[level]) continue;
    used[level] += 1;
    plan.push(annotation(f, level));
  }
  if (overflow) {
    const left = {
      error: total.error - used.error,
      warning: total.warning - used.warning,
      notice: total.notice - used.notice,
    };
    const count = left.error + left.warning + left.notice;
    plan.push({
      level: 'notice',
      title: 'controlgate: more findings',
      message:
        `${plural(count, 'more finding')} not shown as annotations ` +
        `(${plural(left.error, 'error')}, ${plural(left.warning, 'warning')}, ${plural(left.notice, 'notice')}); ` +
        `see ${singleLine(hint)}`,
    });
  }
  return plan;
}

/** Within each priority group (blocking, other open), findings on changed lines first; stable. */
function changedFirst(findings: Finding[], changed?: (f: Finding) => boolean): Finding[] {
  if (!changed) return findings;
  const rank = (f: Finding) => (f.blocking ? 0 : 2) + (changed(f) ? 0 : 1);
  return findings
    .map((f, i) => ({ f, i, r: rank(f) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map(({ f }) => f);
}

function annotation(f: Finding, level: Level): Annotation {
  const controls =
    f.controls.length > 0
      ? ` (${f.controls.length === 1 ? 'control' : 'controls'} ${f.controls.join(', ')})`
      : '';
  const message = truncate(
    multiLine(f.remediation ? `${f.message}\n\nFix: ${f.remediation}` : f.message),
    MAX_MESSAGE,
  );
  const out: Annotation = {
    level,
    title: truncate(singleLine(`[${f.severity}] ${f.title}${controls}`), MAX_TITLE),
    message,
  };
  const loc = f.location;
  if (!loc) return out; // repository-level: an annotation on the run, not on a file
  // Kept exact so GitHub can match it to the file; the sink's command escaping makes it inert.
  out.file = loc.path;
  out.startLine = loc.startLine;
  out.endLine = loc.endLine ?? loc.startLine;
  // GitHub ignores columns on an annotation that spans lines.
  if (out.endLine === loc.startLine && loc.startColumn !== undefined) {
    out.startColumn = loc.startColumn;
    if (loc.endColumn !== undefined) out.endColumn = loc.endColumn;
  }
  return out;
}
