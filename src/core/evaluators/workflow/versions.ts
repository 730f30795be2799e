/**
 * Release versions of actions as their tags write them (`v4`, `v4.2.2`, `1.0.0-beta.1`), compared by
 * number, and the advisory database's version ranges (`>= 1.0.0, < 1.2.3`, `<= 35.7.6`, `= 2.0.0`).
 */

/** Numeric parts of a version (`v4.2.2` -> [4, 2, 2]), or undefined when it is not one. */
export function versionParts(text: string): number[] | undefined {
  const m = /^v?(\d+(?:\.\d+){0,3})(?:[-+].*)?$/i.exec(text.trim());
  return m ? m[1]!.split('.').map(Number) : undefined;
}

/** A full release version (`1.2.3`): what the advisory database's ranges are written in. */
export function isFullVersion(text: string): boolean {
  return (versionParts(text)?.length ?? 0) >= 3;
}

export function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Whether `version` is inside `range`; undefined when the range cannot be read (then the advisory
 * database's own answer stands).
 */
export function inRange(version: string, range: string): boolean | undefined {
  const v = versionParts(version);
  if (!v) return undefined;
  const clauses = range
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  if (clauses.length === 0) return undefined;
  for (const clause of clauses) {
    const m = /^(>=|<=|>|<|=)?\s*(\S+)$/.exec(clause);
    const bound = m && versionParts(m[2]!);
    if (!m || !bound) return undefined;
    const c = compareVersions(v, bound);
    const ok =
      m[1] === '>=' ? c >= 0 : m[1] === '<=' ? c <= 0 : m[1] === '>' ? c > 0 : m[1] === '<' ? c < 0 : c === 0;
    if (!ok) return false;
  }
  return true;
}

/** The most specific version among tag names (`v4.2.2` over `v4`), or undefined. */
export function mostSpecific(names: string[]): string | undefined {
  let best: { name: string; parts: number[] } | undefined;
  for (const name of names) {
    const parts = versionParts(name);
    if (!parts) continue;
    if (!best || parts.length > best.parts.length) best = { name, parts };
  }
  return best?.name;
}
