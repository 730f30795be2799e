/**
 * Text edits, the currency of mechanical fixes: an evaluator computes them where it finds a problem
 * (so the engine stays the one source of truth), `controlgate fix` applies them, and a review comment
 * shows the lines they produce as a suggestion. Everything here is plain data and pure functions.
 */
import type { FindingFix, FixRegion, TextEdit } from '../types.js';
import type { LineIndex } from '../workspace/lines.js';

/** The line break a file uses (the first one found; `\n` for a file without any). */
export function lineBreak(text: string): '\n' | '\r\n' {
  const at = text.indexOf('\n');
  return at > 0 && text[at - 1] === '\r' ? '\r\n' : '\n';
}

/** Sorts edits and checks they are well-formed and disjoint; undefined when they are not. */
export function normalizeEdits(edits: readonly TextEdit[], length: number): TextEdit[] | undefined {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let last = -1;
  for (const e of sorted) {
    if (!Number.isInteger(e.start) || !Number.isInteger(e.end)) return undefined;
    if (e.start < 0 || e.end < e.start || e.end > length || e.start < last) return undefined;
    last = e.end;
  }
  return sorted;
}

/** Applies sorted, disjoint edits to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = '';
  let at = 0;
  for (const e of edits) {
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

/**
 * The whole lines the edits touch. An insertion at the start of a line belongs to the line before it
 * (lines are added after it: `uses:` and the `with:` added below it read as one change), so a
 * suggestion always replaces at least one existing line.
 */
export function regionOf(text: string, lines: LineIndex, edits: readonly TextEdit[]): FixRegion {
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const e of edits) {
    let start = e.start;
    let end = e.end > e.start ? e.end - 1 : e.start;
    if (e.start === e.end && e.start > 0 && text[e.start - 1] === '\n') {
      start = e.start - 1;
      end = start;
    }
    first = Math.min(first, lines.position(start).line);
    last = Math.max(last, lines.position(end).line);
  }
  if (!Number.isFinite(first)) first = last = 1;
  const offset = lines.lineStart(first);
  const after = last < lines.lineCount ? lines.lineStart(last + 1) : text.length;
  return { startLine: first, endLine: last, offset, text: text.slice(offset, after) };
}

/**
 * A fix of a file's text, or undefined when the edits are malformed or change nothing. `text` and
 * `lines` are the workspace's reading of the finding's file.
 */
export function makeFix(
  text: string,
  lines: LineIndex,
  description: string,
  edits: readonly TextEdit[],
): FindingFix | undefined {
  const sorted = normalizeEdits(edits, text.length);
  if (!sorted || sorted.length === 0) return undefined;
  if (sorted.every((e) => text.slice(e.start, e.end) === e.text)) return undefined;
  return { description, edits: sorted, region: regionOf(text, lines, sorted) };
}

/**
 * The lines of {@link FindingFix.region} after the fix, without the final line break: the body of a
 * suggestion. Undefined while the fix waits for a resolved value.
 */
export function fixedRegionText(fix: FindingFix): string | undefined {
  if (fix.resolve && fix.edits[fix.resolve.edit]?.text === '') return undefined;
  const shifted = fix.edits.map((e) => ({
    start: e.start - fix.region.offset,
    end: e.end - fix.region.offset,
    text: e.text,
  }));
  const after = applyEdits(fix.region.text, shifted);
  return after.replace(/\r?\n$/, '');
}

/** Whether two fixes touch the same text (ranges that overlap or meet), so only one may apply at a time. */
export function fixesConflict(a: FindingFix, b: FindingFix): boolean {
  for (const x of a.edits) {
    for (const y of b.edits) if (x.start <= y.end && y.start <= x.end) return true;
  }
  return false;
}

/** Whether two fixes make exactly the same edits (one finding's fix repeated by another's). */
export function sameFix(a: FindingFix, b: FindingFix): boolean {
  return (
    a.edits.length === b.edits.length &&
    a.edits.every((e, i) => {
      const o = b.edits[i]!;
      return e.start === o.start && e.end === o.end && e.text === o.text;
    })
  );
}
