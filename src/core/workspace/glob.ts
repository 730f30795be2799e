/**
 * The one way paths are matched against globs (picomatch syntax): dotfiles included, and `.` in the
 * compiled expression matching any character, so that `**` also crosses a path segment whose name
 * holds a line break (a hostile file name must not slip past a rule's scope).
 */
import picomatch from 'picomatch';

/**
 * A test of paths against one glob or a list of globs. The globs are compiled on the first test, not
 * here: many rules build matchers that a run never calls (a tree without the files they look at, an
 * empty check), and picomatch's compiling was a good part of a cold start (docs/performance.md).
 */
export function pathMatcher(
  patterns: string | readonly string[],
  options: { ignoreCase?: boolean } = {},
): (path: string) => boolean {
  const list = typeof patterns === 'string' ? [patterns] : [...patterns];
  let test: ((path: string) => boolean) | undefined;
  return (path) => {
    if (path === '') return false;
    test ??= compileMatcher(list, options.ignoreCase === true);
    return test(path);
  };
}

function compileMatcher(list: readonly string[], ignoreCase: boolean): (path: string) => boolean {
  const flags = ignoreCase ? 'is' : 's';
  const fold = ignoreCase ? (s: string) => s.toLowerCase() : (s: string) => s;
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
    (names.size > 0 && names.has(fold(path.slice(path.lastIndexOf('/') + 1)))) || (re?.test(path) ?? false);
}

/** Whether a glob is a plain path (no wildcard, brace, class or negation): it matches itself only. */
export function isLiteralPath(glob: string): boolean {
  const scanned = picomatch.scan(glob);
  return !scanned.isGlob && !scanned.negated && !glob.includes('\\');
}
