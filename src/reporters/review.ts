/**
 * Inline review comments: one per finding, on the line the pull request changed. Each body ends with
 * a hidden marker holding the finding's fingerprint, so a later run recognises its own comments (no
 * repeats across pushes) and can mark those whose finding is gone as fixed.
 */
import type { Finding } from '../core/types.js';
import { codeSpan, escapeMarkdown, markdownLink, multiLine, plural, truncate } from './escape.js';

/** GitHub starts rejecting large reviews; one review carries at most this many comments. */
export const MAX_REVIEW_COMMENTS = 30;

const MAX_MESSAGE = 2000;
const MAX_REMEDIATION = 2000;
const MARKER = /<!-- controlgate:fingerprint=([0-9a-f:]{8,80})( fixed)? -->/;

/** The hidden marker of a finding's comment; `fixed` once its finding is gone. */
export function reviewMarker(fingerprint: string, fixed = false): string {
  return `<!-- controlgate:fingerprint=${fingerprint}${fixed ? ' fixed' : ''} -->`;
}

/** The fingerprint a comment body was written for, and whether it was marked fixed; else undefined. */
export function parseReviewMarker(body: string): { fingerprint: string; fixed: boolean } | undefined {
  const m = MARKER.exec(body);
  return m ? { fingerprint: m[1]!, fixed: m[2] !== undefined } : undefined;
}

/**
 * A GitHub suggestion block: the lines the comment covers, as the fix leaves them. The fence is
 * longer than any run of backticks in the lines, so repository text cannot close it.
 */
export function suggestionBlock(text: string): string {
  // GitHub shows and replaces lines without their carriage returns.
  const lines = text.replace(/\r\n/g, '\n');
  const longest = Math.max(2, ...[...lines.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}suggestion\n${lines}${lines === '' ? '' : '\n'}${fence}`;
}

/**
 * The body of one inline comment: what is wrong, how to fix it, which controls, then the marker.
 * `suggestion` (the commented lines as the rule's fix leaves them) adds a block a reviewer applies
 * with one click.
 */
export function renderReviewComment(f: Finding, suggestion?: string): string {
  const controls =
    f.controls.length > 0 ? ` · ISO/IEC 27002:2022 ${escapeMarkdown(f.controls.join(', '))}` : '';
  const blocking = f.blocking ? ' · **blocks the merge**' : '';
  const lines = [
    `**[${f.severity}] ${escapeMarkdown(f.title)}**${controls}${blocking}`,
    '',
    paragraph(truncate(f.message, MAX_MESSAGE)),
  ];
  if (f.remediation) lines.push('', `**Fix:** ${paragraph(truncate(f.remediation, MAX_REMEDIATION))}`);
  if (suggestion !== undefined && f.fix) {
    lines.push(
      '',
      `**Suggested change** (\`controlgate fix\` makes it): ${escapeMarkdown(f.fix.description)}`,
      '',
    );
    lines.push(suggestionBlock(suggestion));
  }
  lines.push('', `<sub>${markdownLink('controlgate', f.helpUri)} rule ${codeSpan(f.ruleId)}</sub>`);
  lines.push(reviewMarker(f.fingerprint));
  return lines.join('\n');
}

/**
 * An earlier comment whose finding is no longer reported: kept (the conversation stays), its text
 * struck through under a note, and its marker flagged so it is neither edited again nor counted as
 * the comment of a finding that comes back.
 */
export function renderFixedComment(body: string, headSha: string): string {
  const marker = parseReviewMarker(body);
  const original = body.replace(MARKER, '').trimEnd();
  const quoted = original
    .split('\n')
    .map((l) => (l.trim() === '' ? '>' : `> ${l}`))
    .join('\n');
  return [
    `✅ **Resolved** as of ${codeSpan(headSha.slice(0, 12))}: controlgate no longer reports this finding.`,
    '',
    quoted,
    reviewMarker(marker?.fingerprint ?? 'unknown', true),
  ].join('\n');
}

/** The review's own body: how many comments, and where the rest are. */
export function renderReviewBody(posted: number, left: number): string {
  const rest =
    left > 0
      ? ` ${plural(left, 'more finding')} on changed lines ${left === 1 ? 'is' : 'are'} listed in the controlgate summary comment and the job summary.`
      : '';
  return `controlgate: ${plural(posted, 'finding')} on lines this pull request changes.${rest}`;
}

/** Markdown paragraph text that keeps line breaks but cannot open a block or markup. */
function paragraph(s: string): string {
  return multiLine(s)
    .split('\n')
    .map((l) => escapeMarkdown(l))
    .join('  \n');
}
