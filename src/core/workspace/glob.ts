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
  // `**/name` (the commonest glob: a lockfile, a manifest) is a name lookup, `**/*.ext` a test of the
  // name's end; the rest is one expression for the whole list, so a tree of 100,000 paths is tested
  // once per path, not once per path and pattern. Every compiled pattern is anchored, so the
  // alternation is exact.
  const names = new Set<string>();
  const endings: string[] = [];
  const sources: string[] = [];
  const byNameGlobs: string[] = [];
  const compile = (globs: readonly string[]) =>
    new RegExp(globs.map((p) => `(?:${picomatch.makeRe(p, { dot: true, flags }).source})`).join('|'), flags);
  for (const p of list) {
    const name = p.startsWith('**/') ? p.slice(3) : undefined;
    if (name && !name.includes('/') && isLiteralPath(name)) names.add(fold(name));
    else if (!ignoreCase && EXTENSION.test(p)) endings.push(p.slice(4));
    else {
      sources.push(p);
      continue;
    }
    byNameGlobs.push(p);
  }
  const re = sources.length > 0 ? compile(sources) : undefined;
  if (byNameGlobs.length === 0) return (path) => re?.test(path) ?? false;
  // picomatch's `**` does not cross a `.` or `..` segment, and lets a trailing `/` match: such paths
  // (no index lists them) are left to the compiled expression of the globs tested by name.
  let slowRe: RegExp | undefined;
  const slow = {
    test(path: string): boolean {
      slowRe ??= compile(byNameGlobs);
      return slowRe.test(path);
    },
  };
  const byName = (path: string) => {
    if (path.endsWith('/')) return slow.test(path);
    const base = path.slice(path.lastIndexOf('/') + 1);
    const hit = (names.size > 0 && names.has(fold(base))) || endings.some((e) => base.endsWith(e));
    return hit && (!DOT_SEGMENT.test(path) || slow.test(path));
  };
  return (path) => byName(path) || (re?.test(path) ?? false);
}

/** `**` + `/*.` + a literal extension: a test of the file name's end (case-sensitive globs only). */
const EXTENSION = /^\*\*\/\*\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;
/** A `.` or `..` segment, which picomatch's `**` does not cross. */
const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)/;

/** Whether a glob is a plain path (no wildcard, brace, class or negation): it matches itself only. */
export function isLiteralPath(glob: string): boolean {
  const scanned = picomatch.scan(glob);
  return !scanned.isGlob && !scanned.negated && !glob.includes('\\');
}
