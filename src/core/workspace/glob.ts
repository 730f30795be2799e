/**
 * The one way paths are matched against globs (picomatch syntax): dotfiles included, and `.` in the
 * compiled expression matching any character, so that `**` also crosses a path segment whose name
 * holds a line break (a hostile file name must not slip past a rule's scope).
 */
import picomatch from 'picomatch';

export function pathMatcher(
  patterns: string | readonly string[],
  options: { ignoreCase?: boolean } = {},
): (path: string) => boolean {
  const list = typeof patterns === 'string' ? [patterns] : [...patterns];
  const flags = options.ignoreCase ? 'is' : 's';
  const fold = options.ignoreCase ? (s: string) => s.toLowerCase() : (s: string) => s;
  // `**/name` (the commonest glob: a lockfile, a manifest) is a name lookup; the rest is one
  // expression for the whole list, so a tree of 100,000 paths is tested once per path, not once per
  // path and pattern. Every compiled pattern is anchored, so the alternation is exact.
  const names = new Set<string>();
  const sources: string[] = [];
  for (const p of list) {
    const name = p.startsWith('**/') ? p.slice(3) : undefined;
    if (name && !name.includes('/') && isLiteralPath(name)) names.add(fold(name));
    else sources.push(`(?:${picomatch.makeRe(p, { dot: true, flags }).source})`);
  }
  const re = sources.length > 0 ? new RegExp(sources.join('|'), flags) : undefined;
  return (path) =>
    path !== '' &&
    ((names.size > 0 && names.has(fold(path.slice(path.lastIndexOf('/') + 1)))) || (re?.test(path) ?? false));
}

/** Whether a glob is a plain path (no wildcard, brace, class or negation): it matches itself only. */
export function isLiteralPath(glob: string): boolean {
  const scanned = picomatch.scan(glob);
  return !scanned.isGlob && !scanned.negated && !glob.includes('\\');
}
