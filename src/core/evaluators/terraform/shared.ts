import type { Location } from '../../types.js';
import type { NodeSpan } from '../../workspace/yaml.js';

/**
 * Helpers shared by the Terraform evaluators.
 */

/** A literal that a rule option can compare against (Terraform converts between these freely). */
export const LITERAL_SCHEMA = { type: ['string', 'number', 'boolean'] } as const;

/** A location at a span; `point` keeps only its start (a block that lacks a setting, not its whole body). */
export function spanLocation(path: string, span: NodeSpan, point = false): Location {
  if (point) return { path, startLine: span.start.line, startColumn: span.start.column };
  return {
    path,
    startLine: span.start.line,
    startColumn: span.start.column,
    endLine: span.end.line,
    endColumn: span.end.column,
  };
}

/** Source text for a message: one line, bounded, so a heredoc does not flood the output. */
export function shortText(text: string, max = 40): string {
  const first = text.split('\n')[0]!.trim();
  return first.length > max || text.includes('\n') ? `${first.slice(0, max)}…` : first;
}
