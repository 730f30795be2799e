/**
 * Where in a source file a value stands, for the confidence of a secret found there: a value that
 * makes up a whole line as a string in a list (`"ghp_...",`), text inside a multi-line string
 * literal (a raw string, a docstring, a template of another file), a commented-out line. Secrets in
 * such places are test vectors, documentation and examples far more often than credentials in use,
 * so they stay reported with low confidence rather than blocking.
 */

/** Source files of programming languages (where a literal is always quoted). */
export const CODE_FILE =
  /\.(?:[cm]?[jt]sx?|py|go|java|kt|kts|scala|groovy|rb|php|cs|fs|vb|rs|swift|m|mm|c|cc|cpp|h|hpp|dart|lua|ex|exs|erl|clj|r|jl|pl|pm)$/i;

/** A comment line in code or configuration. */
export const COMMENTED = /^[ \t]*(?:#|;|\/\/|\/?\*|<!--|--|REM\s)/i;

/** A line that is one string literal, an element of a list (`"value",`, `` `a line of text`, ``). */
const LIST_ELEMENT = /^[ \t]*(["'`])[^\n]*\1[ \t]*,?[ \t]*(?:(?:\/\/|#)[^\n]*)?$/;

/** Whether the line before or after the one at `offset` is a string element too (a list, not one value). */
function neighbourIsElement(text: string, offset: number, length: number): boolean {
  const prevEnd = offset - 1;
  const prevStart = prevEnd > 0 ? text.lastIndexOf('\n', prevEnd - 1) + 1 : -1;
  const prev = prevStart >= 0 ? text.slice(prevStart, prevEnd).replace(/\r$/, '') : '';
  const nextStart = text.indexOf('\n', offset + length);
  let nextEnd = nextStart === -1 ? -1 : text.indexOf('\n', nextStart + 1);
  if (nextEnd === -1) nextEnd = text.length;
  const next = nextStart === -1 ? '' : text.slice(nextStart + 1, nextEnd).replace(/\r$/, '');
  return LIST_ELEMENT.test(prev) || LIST_ELEMENT.test(next);
}

/**
 * Whether the code line before the one at `offset` (blank and comment lines aside) ends with `,`,
 * `(`, `[` or `{`: the line is an element of a list, an argument list or a composite literal, not a
 * value assigned to something.
 */
function afterListOpening(text: string, offset: number): boolean {
  let end = offset - 1;
  for (let i = 0; i < 20 && end > 0; i++) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const prev = text
      .slice(start, end)
      .replace(/[ \t]+\/\/.*$/, '')
      .trim();
    if (prev !== '' && !COMMENTED.test(prev)) return /[,([{]$/.test(prev);
    end = start - 1;
  }
  return false;
}

/** The delimiters of multi-line string literals, by language. */
function multilineDelimiter(path: string): RegExp | undefined {
  if (/\.(?:go|[cm]?[jt]sx?)$/i.test(path)) return /`/g;
  if (/\.(?:py|kt|kts|scala|groovy|java|swift|cs)$/i.test(path)) return /"""|'''/g;
  return undefined;
}

let cachedText: string | undefined;
let cachedPath: string | undefined;
let delimiters: number[] = [];

/** Offsets of the string delimiters in a text, computed once per text. */
function delimiterOffsets(path: string, text: string): number[] {
  if (text !== cachedText || path !== cachedPath) {
    cachedText = text;
    cachedPath = path;
    delimiters = [];
    const re = multilineDelimiter(path);
    if (re) for (let m = re.exec(text); m; m = re.exec(text)) delimiters.push(m.index);
  }
  return delimiters;
}

/**
 * Whether `offset` lies inside a string literal that spans lines (the delimiters before it are odd
 * in number, and a line break lies between the ones around it). Escaped and nested delimiters are
 * not parsed: the answer only lowers a confidence.
 */
function insideMultilineString(path: string, text: string, offset: number): boolean {
  const at = delimiterOffsets(path, text);
  if (at.length < 2) return false;
  let lo = 0;
  let hi = at.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (at[mid]! < offset) lo = mid + 1;
    else hi = mid;
  }
  // `lo` delimiters stand before the offset.
  if (lo % 2 === 0 || lo >= at.length) return false;
  return text.slice(at[lo - 1]!, at[lo]!).includes('\n');
}

/**
 * Algolia configuration (an application id and an index name, or a DocSearch widget's `docsearch({`
 * call with its index name, which needs no application id): its `apiKey` is the search-only key.
 */
const ALGOLIA_TEXT =
  /\bindexName\b[\s\S]{0,2000}?\bappId\b|\bappId\b[\s\S]{0,2000}?\bindexName\b|\bdocsearch\s*\(\s*\{[^}]{0,2000}?\bindexName\b/;
/**
 * The same spelled otherwise (`app_id: 'D1BPLZHGYQ'`, `index: 'docs'`, as a documentation site's own
 * search script has it): an application id of Algolia's shape (ten capital letters and digits) and an
 * index name given as a string.
 */
const ALGOLIA_APP_ID = /\b(?:app|application)_?id["']?[ \t]*[:=][ \t]*["'`]([A-Z0-9]{10})["'`]/gi;
const INDEX_NAME = /\b(?:index|index_?name)["']?[ \t]*[:=][ \t]*["'`]/i;

/**
 * Whether a file configures Algolia search (an application id and an index name beside the key): its
 * API key is then the search-only key, which every visitor's browser receives.
 */
export function algoliaConfig(text: string): boolean {
  if (ALGOLIA_TEXT.test(text)) return true;
  if (!INDEX_NAME.test(text)) return false;
  for (const m of text.matchAll(ALGOLIA_APP_ID))
    if (/^[A-Z0-9]{10}$/.test(m[1]!) && /\d/.test(m[1]!)) return true;
  return false;
}

/** Why a value in a source file is likely not a credential in use, or undefined. */
export function sourceContext(
  path: string,
  text: string,
  line: string,
  lineOffset: number,
  column: number,
): string | undefined {
  if (!CODE_FILE.test(path)) return undefined;
  if (COMMENTED.test(line)) return 'in a comment';
  if (
    LIST_ELEMENT.test(line) &&
    (afterListOpening(text, lineOffset) || neighbourIsElement(text, lineOffset, line.length))
  ) {
    return 'a string in a list of values';
  }
  if (insideMultilineString(path, text, lineOffset + column)) return 'inside a multi-line string';
  if (inEscapedCodeSample(line, column)) return 'in a code sample of documentation text held in a string';
  return undefined;
}

/**
 * Whether the value stands after a Markdown code fence and an escaped line break in the same line of
 * source (`"Include the key:\n```bash\n-H 'Authorization: Bearer ...'\n```"`): documentation text
 * (an OpenAPI description, a help text) kept in one string literal, whose samples show the form of a
 * credential rather than one in use.
 */
function inEscapedCodeSample(line: string, column: number): boolean {
  const before = line.slice(0, column);
  const fence = before.lastIndexOf('```');
  return fence !== -1 && before.lastIndexOf('\\n') > fence && /["'`]/.test(before.slice(0, fence));
}

/** A Go build constraint line (`//go:build e2e && !race`). */
const GO_BUILD = /^\/\/go:build[ \t]+([^\n\r]+)/m;
/** Parts of a build tag that name a test build (`e2e`, `integration`, `e2e_test`, `unittest`). */
const TEST_TAG_PART = /^(?:e2e|integration|unit|functional|acceptance|system|smoke)?(?:tests?)?$/;

/** Whether a build tag names a test build: every `_`/`-` part a test word, and one at least. */
function testTag(tag: string): boolean {
  const parts = tag.toLowerCase().split(/[_-]+/);
  return parts.every((p) => TEST_TAG_PART.test(p)) && parts.some((p) => p !== '');
}

/**
 * Why a Go source file is compiled only into test builds, or undefined: its build constraint (the
 * `//go:build` line before the package clause) requires, in every alternative, a tag that names a
 * test build (`//go:build e2e`, `integration && linux`), so no release binary holds what it
 * declares. A negated tag (`!e2e`) is the opposite and does not count.
 */
export function testOnlyBuild(path: string, text: string): string | undefined {
  if (!/\.go$/i.test(path)) return undefined;
  const m = GO_BUILD.exec(text);
  if (!m) return undefined;
  const pkg = /^package[ \t]/m.exec(text);
  if (pkg && pkg.index < m.index) return undefined;
  const alternatives = m[1]!
    .replace(/\/\/.*$/, '')
    .replace(/[()]/g, ' ')
    .split('||');
  for (const alternative of alternatives) {
    const tags = alternative.split('&&').map((t) => t.trim());
    if (!tags.some((t) => /^[\w.-]+$/.test(t) && testTag(t))) return undefined;
  }
  return `compiled only into test builds (\`//go:build ${m[1]!.trim()}\`)`;
}

/** C and C++ sources, whose function definitions start at the beginning of a line. */
const C_FAMILY = /\.(?:c|cc|cpp|cxx|h|hh|hpp)$/i;
/**
 * A function definition's head at the start of a line: a return type, the name, a parameter list,
 * and no `;` after it (a declaration); the `{` may follow on the line or the next one.
 */
const C_FUNCTION_HEAD =
  /^(?:[A-Za-z_][\w \t*]{0,120}?[ \t*])?([A-Za-z_]\w{0,127})[ \t]*\([^;{}]{0,400}\)[ \t]*\{?[ \t]*$/;
/** Words of a function name that make it a test: a test framework's prefix or a test word. */
const TEST_FUNCTION_WORDS = new Set(['test', 'tests', 'unittest', 'fake', 'dummy', 'mock', 'fixture']);
/** Lines looked back over for the function a value stands in. */
const FUNCTION_LOOKBACK = 400;

/**
 * The test function of a C or C++ source that the line at `offset` stands in, or undefined: the
 * nearest function definition before it (a line at column 0 with a name and a parameter list), if no
 * closing `}` at column 0 lies between, and its name is a unit test's (`ut_` first, as unit-test
 * frameworks of C libraries prefix them, or a test word: `test_parse`, `TestServer`).
 */
export function enclosingTestFunction(path: string, text: string, offset: number): string | undefined {
  if (!C_FAMILY.test(path)) return undefined;
  let end = offset;
  for (let i = 0; i < FUNCTION_LOOKBACK && end > 0; i++) {
    const start = text.lastIndexOf('\n', end - 2) + 1;
    const line = text.slice(start, end).replace(/\r?\n$/, '');
    if (line.startsWith('}')) return undefined;
    const m = C_FUNCTION_HEAD.exec(line);
    if (m && !/^(?:if|for|while|switch|return|else|do|sizeof)\b/.test(line)) {
      const name = m[1]!;
      const words = name
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .toLowerCase()
        .split('_')
        .filter(Boolean);
      return words[0] === 'ut' || words.some((w) => TEST_FUNCTION_WORDS.has(w)) ? name : undefined;
    }
    end = start;
  }
  return undefined;
}
