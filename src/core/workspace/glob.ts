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
  // One expression for the whole list: a tree of 100,000 paths is tested once per path, not once
  // per path and pattern. Every compiled pattern is anchored, so the alternation is exact.
  const sources = list.map((p) => `(?:${picomatch.makeRe(p, { dot: true, flags }).source})`);
  const re = new RegExp(sources.join('|'), flags);
  return (path) => path !== '' && re.test(path);
}

/** Whether a glob is a plain path (no wildcard, brace, class or negation): it matches itself only. */
export function isLiteralPath(glob: string): boolean {
  return !picomatch.scan(glob).isGlob && !glob.includes('\\');
}
