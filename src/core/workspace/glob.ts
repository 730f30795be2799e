/**
 * The one way paths are matched against globs (picomatch syntax): dotfiles included, and `.` in the
 * compiled expression matching any character, so that `**` also crosses a path segment whose name
 * holds a line break (a hostile file name must not slip past a rule's scope).
 */
import picomatch from 'picomatch';
import { compareStrings } from './files.js';

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
    test ??= compiled(list, options.ignoreCase === true);
    return test(path);
  };
}

/**
 * Compiled tests by glob list, for the whole process: each slice of a large tree is a view of its
 * own, and the rules of every slice built the same matchers again (picomatch's parsing was a tenth
 * of a second of the 100,000-file check). A compiled test keeps no state that depends on the paths
 * it sees. A few hundred lists at most: the rules' and the configuration's.
 */
const COMPILED = new Map<string, (path: string) => boolean>();

function compiled(list: readonly string[], ignoreCase: boolean): (path: string) => boolean {
  // JSON, not a join: a configured glob may hold any character, and a list must not pass for another.
  const key = JSON.stringify([ignoreCase, ...list]);
  let test = COMPILED.get(key);
  if (!test) {
    test = compileMatcher(list, ignoreCase);
    COMPILED.set(key, test);
  }
  return test;
}

function compileMatcher(list: readonly string[], ignoreCase: boolean): (path: string) => boolean {
  const flags = ignoreCase ? 'is' : 's';
  // `**/name` (the commonest glob: a lockfile, a manifest) and `**/*.ext` are tests of the path's end,
  // all of them one expression anchored there (`(?:^|/)(?:name|...)$|(?:.ext|...)$`): the regular
  // expression engine tests 100,000 paths in 2-4 ms even cold, where comparing each name in place
  // from JavaScript took 10-20 ms until the code was optimised (docs/performance.md). Any other
  // `**/<one segment>` (`**/Dockerfile.*`, `**/*threat[-_ ]model*`) is one expression over the name:
  // picomatch's expression for a leading `**/` (a lazy `.*?` guarded by a look-ahead at every
  // character) cannot fail early. The rest is one expression for the whole list, so a tree of
  // 100,000 paths is tested once per path, not once per path and pattern; a glob starting with a
  // literal fails there at once. Every compiled pattern is anchored, so the alternations are exact.
  const names: string[] = [];
  const endings: string[] = [];
  const directories: string[] = [];
  const folderSources: string[] = [];
  const nameSources: string[] = [];
  const sources: string[] = [];
  const byNameGlobs: string[] = [];
  const compile = (globs: readonly string[]) =>
    new RegExp(globs.map((p) => `(?:${picomatch.makeRe(p, { dot: true, flags }).source})`).join('|'), flags);
  for (const p of list) {
    const name = p.startsWith('**/') ? p.slice(3) : undefined;
    if (name && !name.includes('/') && isLiteralPath(name)) names.push(name);
    else if (!ignoreCase && EXTENSION.test(p)) endings.push(p.slice(4));
    else if (name !== undefined && oneSegment(name)) nameSources.push(name);
    else if (name !== undefined && literalDirectory(name)) directories.push(name.slice(0, -3));
    else if (name !== undefined && folderPattern(name)) folderSources.push(name.slice(0, -3));
    else {
      sources.push(p);
      continue;
    }
    byNameGlobs.push(p);
  }
  const re = sources.length > 0 ? compile(sources) : undefined;
  const nameRe = nameSources.length > 0 ? compile(nameSources) : undefined;
  const nameAt = nameSources.length > 0 ? stickyNames(nameSources, flags) : undefined;
  const folderRe = folderSources.length > 0 ? compile(folderSources) : undefined;
  if (byNameGlobs.length === 0) return re ? (path) => re.test(path) : () => false;
  // An ending holds no `/` (see EXTENSION), so the path ends with it exactly when its name does. A
  // directory anywhere (`**/node_modules/**`) is its segments between a `/` or the start and a `/`
  // or the end (`a/**` matches `a` too).
  const ends = [
    ...(names.length > 0 ? [`(?:^|/)(?:${names.map(escapeRegExp).join('|')})$`] : []),
    ...(endings.length > 0 ? [`(?:${endings.map(escapeRegExp).join('|')})$`] : []),
    ...(directories.length > 0 ? [`(?:^|/)(?:${directories.map(escapeRegExp).join('|')})(?:/|$)`] : []),
  ];
  const endRe = ends.length > 0 ? new RegExp(ends.join('|'), flags) : undefined;
  // picomatch's `**` does not cross a `.` or `..` segment, and lets a trailing `/` match: such paths
  // (no index lists them) are left to the compiled expression of the globs tested by name.
  let slowRe: RegExp | undefined;
  const slow = {
    test(path: string): boolean {
      slowRe ??= compile(byNameGlobs);
      return slowRe.test(path);
    },
  };
  const nameTest = (path: string, start: number): boolean => {
    if (!nameAt) return nameRe!.test(path.slice(start));
    nameAt.lastIndex = start;
    return nameAt.test(path);
  };
  const byName = (path: string) => {
    if (path.endsWith('/')) return slow.test(path);
    let hit = false;
    if (nameRe) {
      const start = path.lastIndexOf('/') + 1;
      // A name expression refuses a name `.` or `..` that picomatch's `**/<segment>` may accept.
      if (isDotName(path, start)) return slow.test(path);
      hit = nameTest(path, start);
    }
    hit ||= endRe?.test(path) === true;
    if (!hit && folderRe) {
      // A folder anywhere whose name is a pattern (`**/*testdata/**`): some segment (the name too:
      // `a/**` matches `a`) is one the segment's own expression matches. A `//` goes to picomatch.
      if (path.includes('//')) return slow.test(path);
      hit = someSegment(path, folderRe);
    }
    return hit && (!DOT_SEGMENT.test(path) || slow.test(path));
  };
  return (path) => byName(path) || (re?.test(path) ?? false);
}

/** The text as a regular expression's literal. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The one-segment globs as one sticky expression that tests a path's name where it stands (from
 * `lastIndex`), so that no name is sliced out of its path per test; undefined when an expression
 * looks behind or anchors at the start other than where the match begins (tested on the slice then).
 * Without those, a match from the name's first character to the end of the path is exactly a match
 * of the name alone: a look-ahead and `$` see the same characters either way.
 */
function stickyNames(globs: readonly string[], flags: string): RegExp | undefined {
  const parts: string[] = [];
  for (const glob of globs) {
    let source = picomatch.makeRe(glob, { dot: true, flags }).source;
    if (!source.startsWith('^')) return undefined;
    // The leading anchors (`^(?:^(?:...` for `Dockerfile.*`): the match starts there anyway.
    for (let before = ''; before !== source; ) {
      before = source;
      source = source.replace(/^((?:\(\?:)*)\^/, '$1');
    }
    // Any other `^` but a class's negation (`[^/]`, not an escaped `\[` before an anchor) declines.
    if (source.includes('(?<') || /(?:^|[^[]|\\\[)\^/.test(source)) return undefined;
    parts.push(`(?:${source})`);
  }
  return new RegExp(parts.join('|'), `${flags}y`);
}

/** Whether a segment of the path, between `/`s or the ends, passes the expression. */
function someSegment(path: string, re: RegExp): boolean {
  for (let start = 0; ; ) {
    const slash = path.indexOf('/', start);
    if (re.test(path.slice(start, slash === -1 ? path.length : slash))) return true;
    if (slash === -1) return false;
    start = slash + 1;
  }
}

/** Whether the name starting at `start` is `.` or `..`. */
function isDotName(path: string, start: number): boolean {
  const len = path.length - start;
  return (
    (len === 1 || len === 2) &&
    path.charCodeAt(start) === 46 &&
    (len === 1 || path.charCodeAt(start + 1) === 46)
  );
}

/** `**` + `/*.` + a literal extension: a test of the file name's end (case-sensitive globs only). */
const EXTENSION = /^\*\*\/\*\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;
/** A `.` or `..` segment, which picomatch's `**` does not cross. */
const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)/;

/**
 * Whether a glob is one path segment that picomatch compiles alone as it does after `**` + `/`: no
 * separator, escape, negation or `**`, and not empty, `.` or `..`.
 */
function oneSegment(glob: string): boolean {
  if (glob === '' || glob === '.' || glob === '..' || glob.startsWith('!')) return false;
  return !glob.includes('/') && !glob.includes('\\') && !glob.includes('**') && !glob.includes('!(');
}

/** Whether a glob after `**` + `/` is literal directories and `/**` (`node_modules/**`, `.yarn/x/**`). */
function literalDirectory(glob: string): boolean {
  return glob.endsWith('/**') && isLiteralDirectory(glob.slice(0, -3));
}

/**
 * Whether a glob after `**` + `/` is one segment that is a pattern and `/**` (`*testdata/**`,
 * `test{-,_,}fixtures/**`): a folder anywhere, tested segment by segment with the segment's own
 * expression instead of picomatch's for the whole glob (a lazy scan guarded by a look-ahead at every
 * character: 51 such globs of the default test paths cost a 6 KB expression). No class that may
 * negate (it could match a `/`), and no group (an extglob's expression may span segments).
 */
function folderPattern(glob: string): boolean {
  if (!glob.endsWith('/**')) return false;
  const segment = glob.slice(0, -3);
  // After a final star picomatch wants the `/` (`**` + `/te*/**` does not match `a/test`, where
  // `**` + `/test/**` does): such a folder, or a final brace holding one, stays with picomatch.
  const brace = segment.endsWith('}') ? segment.slice(segment.lastIndexOf('{')) : '';
  return oneSegment(segment) && !/[()!^]/.test(segment) && !segment.endsWith('*') && !/[*?]/.test(brace);
}

/**
 * Whether a path is directories picomatch matches as written: no empty, `.` or `..` segment, no
 * escape, nothing it reads as a pattern.
 */
function isLiteralDirectory(dir: string): boolean {
  return (
    dir !== '' &&
    !dir.includes('\\') &&
    isLiteralPath(dir) &&
    dir.split('/').every((s) => s !== '' && s !== '.' && s !== '..')
  );
}

/**
 * The literal directories the globs start under (`.github/workflows` of `.github/workflows/*.yml`),
 * none a prefix of another, in order; undefined when a glob has none (`**` first, a brace, a
 * negation, a leading `./` or `/`). Every path a glob matches starts with one of them (`a/**` matches
 * `a` itself, so the prefix holds no trailing `/`).
 */
export function literalBases(patterns: readonly string[]): string[] | undefined {
  const bases: string[] = [];
  for (const p of patterns) {
    // The literal part ends at the first character picomatch may read as a pattern.
    const magic = p.search(/[*?[\]{}()!+@\\]/);
    const slash = p.lastIndexOf('/', magic === -1 ? p.length : magic);
    if (slash <= 0 || !isLiteralDirectory(p.slice(0, slash))) return undefined;
    bases.push(p.slice(0, slash));
  }
  bases.sort(compareStrings);
  // A base that starts with another is in the other's run of paths: each run once, disjoint, in order.
  return bases.filter((b, i) => !bases.slice(0, i).some((a) => b.startsWith(a)));
}

/** Whether a glob is a plain path (no wildcard, brace, class or negation): it matches itself only. */
export function isLiteralPath(glob: string): boolean {
  const scanned = picomatch.scan(glob);
  return !scanned.isGlob && !scanned.negated && !glob.includes('\\');
}

/**
 * What a path's name ends with, as {@link nameEndings} tests it: the text after the name's last `.`
 * (`tf` of `infra/main.tf`), the whole name when it has none (`Dockerfile`), and `/` (no name's) for
 * a path ending with `/`.
 */
export function nameKey(path: string): string {
  if (path.endsWith('/')) return '/';
  return path.slice(Math.max(path.lastIndexOf('.'), path.lastIndexOf('/')) + 1);
}

/** Characters picomatch may read as a pattern (a superset: the text after the last is literal). */
const MAGIC = /[*?[\]{}()!+@|\\]/;
/**
 * A brace alternative kept whole: no pattern or separator in it, and no `..` (picomatch reads a brace
 * holding one as a range, or as a class of characters: `*.{1..3,tf}` matches `x.c`, not `x.tf`).
 */
const PLAIN_ALTERNATIVE = /^[A-Za-z0-9_.-]*$/;

/**
 * A test of {@link nameKey}s that every path any of the globs matches passes (`**` + `/*.{yml,yaml}`
 * matches only names ending `.yml` or `.yaml`, so keys `yml` and `yaml`), so that a list of 100,000
 * paths can be grouped by key once and a glob list tested on the groups it may match; undefined when
 * a glob's name may end with anything (`**`, `Dockerfile.*`, a class or a group last, a negation, an
 * escape). Each glob's literal ending is the text after the last character picomatch may read as a
 * pattern in its last segment, or after a final brace, each alternative of it.
 */
export function nameEndings(patterns: readonly string[]): ((key: string) => boolean) | undefined {
  const exact = new Set<string>(['/']);
  const ends: string[] = [];
  for (const glob of patterns) {
    if (glob.startsWith('!') || glob.includes('\\')) return undefined;
    const last = glob.slice(glob.lastIndexOf('/') + 1);
    let endings: string[];
    if (last.endsWith('}')) {
      const open = last.lastIndexOf('{');
      const alternatives = last.slice(open + 1, -1).split(',');
      // A brace without a comma is read literally (`{a}`) or as a range (`{1..3}`); nested braces fail the test.
      if (open < 0 || alternatives.length < 2) return undefined;
      if (alternatives.some((a) => !PLAIN_ALTERNATIVE.test(a) || a.includes('..'))) return undefined;
      const head = literalTail(last.slice(0, open));
      endings = alternatives.map((a) => head + a);
    } else endings = [literalTail(last)];
    for (const ending of endings) {
      if (ending === '') return undefined;
      const dot = ending.lastIndexOf('.');
      // With a `.`, the name's last `.` is the ending's: the key is what follows it. Without one, the
      // key (the part after the name's last `.`, or the name) ends with the whole ending.
      if (dot >= 0) exact.add(ending.slice(dot + 1));
      else ends.push(ending);
    }
  }
  return (key) => exact.has(key) || ends.some((e) => key.endsWith(e));
}

/** The literal text a glob segment ends with: after its last character that may be a pattern. */
function literalTail(segment: string): string {
  for (let i = segment.length - 1; i >= 0; i--) if (MAGIC.test(segment[i]!)) return segment.slice(i + 1);
  return segment;
}
