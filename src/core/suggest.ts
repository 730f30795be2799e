/**
 * "Did you mean" for names a person typed: rule ids, control ids, options, commands and values.
 * Candidates within a small edit distance (adjacent swaps count as one edit) are offered, closest
 * first; a candidate that starts with what was typed counts as close too (`--fail` -> `--fail-on`).
 */

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        d[(i - 1) * cols + j]! + 1,
        d[i * cols + j - 1]! + 1,
        d[(i - 1) * cols + j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

/**
 * The candidates close to `typed`, closest first (at most `max`): within one to three edits (by
 * length), or starting with it, and at most one edit further than the closest. Case is ignored.
 */
export function closest(typed: string, candidates: Iterable<string>, max = 3): string[] {
  const t = typed.toLowerCase();
  if (t === '') return [];
  // One edit in a short name, up to three in a long one: more would suggest unrelated names.
  const limit = t.length <= 4 ? 1 : t.length <= 8 ? 2 : 3;
  const scored: { name: string; score: number; shared: number; lengths: number; order: number }[] = [];
  let order = 0;
  for (const name of new Set(candidates)) {
    const n = name.toLowerCase();
    order += 1;
    if (n === t) continue;
    const distance = editDistance(t, n);
    const prefix = t.length >= 3 && n.startsWith(t);
    if (distance > limit && !prefix) continue;
    let shared = 0;
    while (shared < t.length && t[shared] === n[shared]) shared++;
    scored.push({
      name,
      score: prefix ? Math.min(distance, limit) : distance,
      shared,
      lengths: Math.abs(n.length - t.length),
      order,
    });
  }
  // Fewest edits first; among equals, the one that keeps more of the start (a typo is more often
  // near the end), then the one of the same length, then the caller's order.
  const best = Math.min(...scored.map((s) => s.score));
  return scored
    .filter((s) => s.score <= best + 1)
    .sort((a, b) => a.score - b.score || b.shared - a.shared || a.lengths - b.lengths || a.order - b.order)
    .slice(0, max)
    .map((s) => s.name);
}

/** ` (did you mean X?)`, ` (did you mean X or Y?)`, or '' when nothing is close. */
export function didYouMean(typed: string, candidates: Iterable<string>, max = 3): string {
  const found = closest(typed, candidates, max);
  if (found.length === 0) return '';
  const list = found.length === 1 ? found[0]! : `${found.slice(0, -1).join(', ')} or ${found.at(-1)!}`;
  return ` (did you mean ${list}?)`;
}
