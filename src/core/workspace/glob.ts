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
  const fold = ignoreCase ? (s: string) => s.toLowerCase() : (s: string) => s;
  const source = (glob: string) => `(?:${picomatch.makeRe(glob, { dot: true, flags }).source})`;
  // Picomatch's expression for a leading `**/` (a lazy, look-ahead-guarded `.*?`) cannot fail early,
  // and every path of a 100,000-file tree is tested against lists of such globs. `**/<one segment>`
  // is judged on the file's name instead (when plainPath holds, picomatch's `**/` is any number of
  // whole folders): `**/name` (a lockfile, a manifest) is a name lookup, the others (`**/*.tf`,
  // `**/*threat[-_ ]model*`) one expression over the name. The rest stays one expression for the
  // list, where a glob starting with a literal fails at once and `**/dir/**` is as fast as any
  // lookup measured. Every compiled pattern is anchored, so the alternations are exact.
  const names = new Set<string>();
  const fileSources: string[] = [];
  const sources: string[] = [];
  for (const p of list) {
    const name = p.startsWith('**/') ? p.slice(3) : undefined;
    if (name === undefined || !oneSegment(name)) sources.push(source(p));
    else if (isLiteralPath(name)) names.add(fold(name));
    else fileSources.push(source(name));
  }
  const file = fileSources.length > 0 ? new RegExp(fileSources.join('|'), flags) : undefined;
  const re = sources.length > 0 ? new RegExp(sources.join('|'), flags) : undefined;
  if (!file && names.size === 0) return re ? (path) => re.test(path) : () => false;
  // For paths the name alone does not judge as picomatch does (see plainPath).
  let whole: RegExp | undefined;
  return (path) => {
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (names.size > 0 && names.has(fold(base))) return true;
    if (file) {
      const hit = file.test(base);
      // Picomatch's `**/<segment>` can match where the name does not only when the path ends in a
      // separator or its name is `.` or `..`; where the name matches, the path must be plain. Most
      // paths are neither, and are not examined further.
      if (hit || base === '' || base === '.' || base === '..') {
        if (!plainPath(path)) {
          whole ??= new RegExp(list.map(source).join('|'), flags);
          return whole.test(path);
        }
        if (hit) return true;
      }
    }
    return re?.test(path) ?? false;
  };
}

/**
 * Whether a glob is one path segment that picomatch compiles alone as it does after `**` + `/`: no
 * separator, escape, negation or `**`, and not empty, `.` or `..`.
 */
function oneSegment(glob: string): boolean {
  if (glob === '' || glob === '.' || glob === '..' || glob.startsWith('!')) return false;
  return !glob.includes('/') && !glob.includes('\\') && !glob.includes('**') && !glob.includes('!(');
}

/**
 * Whether a path has no empty, `.` or `..` segment, which picomatch's `**` does not cross (git never
 * lists one; a given list might).
 */
function plainPath(path: string): boolean {
  if (path.charCodeAt(0) === SLASH || path.charCodeAt(path.length - 1) === SLASH || path.includes('//'))
    return false;
  if (path.charCodeAt(0) !== DOT && !path.includes('/.')) return true;
  return !DOT_SEGMENT.test(path);
}

const SLASH = 0x2f;
const DOT = 0x2e;
const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)/;

/** Whether a glob is a plain path (no wildcard, brace, class or negation): it matches itself only. */
export function isLiteralPath(glob: string): boolean {
  const scanned = picomatch.scan(glob);
  return !scanned.isGlob && !scanned.negated && !glob.includes('\\');
}
