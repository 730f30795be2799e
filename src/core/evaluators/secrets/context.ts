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

/** Parts of a build tag that name a test build (`e2e`, `integration`, `e2e_test`, `unittest`). */
const TEST_TAG_PART = /^(?:e2e|integration|unit|functional|acceptance|system|smoke)?(?:tests?)?$/;

/** Whether a build tag names a test build: every `_`/`-` part a test word, and one at least. */
function testTag(tag: string): boolean {
  const parts = tag.toLowerCase().split(/[_-]+/);
  return parts.every((p) => TEST_TAG_PART.test(p)) && parts.some((p) => p !== '');
}

/** A build constraint expression: a tag, its negation, or an and/or of two. */
type BuildExpr =
  | { tag: string }
  | { not: BuildExpr }
  | { and: [BuildExpr, BuildExpr] }
  | { or: [BuildExpr, BuildExpr] };

/** A `//go:build` expression (`e2e && (linux || !race)`), or undefined when it does not parse. */
function parseGoBuild(expr: string): BuildExpr | undefined {
  const tokens = expr.match(/\|\||&&|[!()]|[\w.]+|\S/g) ?? [];
  let at = 0;
  const or = (): BuildExpr | undefined => {
    let left = and();
    while (left && tokens[at] === '||') {
      at++;
      const right = and();
      left = right && { or: [left, right] };
    }
    return left;
  };
  const and = (): BuildExpr | undefined => {
    let left = not();
    while (left && tokens[at] === '&&') {
      at++;
      const right = not();
      left = right && { and: [left, right] };
    }
    return left;
  };
  const not = (): BuildExpr | undefined => {
    const t = tokens[at++];
    if (t === '!') {
      const inner = not();
      return inner && { not: inner };
    }
    if (t === '(') {
      const inner = or();
      return tokens[at++] === ')' ? inner : undefined;
    }
    return t !== undefined && /^[\w.]+$/.test(t) ? { tag: t } : undefined;
  };
  const parsed = or();
  return at === tokens.length ? parsed : undefined;
}

/** A legacy `// +build` line's expression: options separated by spaces (or), terms by commas (and). */
function parsePlusBuild(line: string): BuildExpr | undefined {
  let out: BuildExpr | undefined;
  for (const option of line.trim().split(/\s+/)) {
    let term: BuildExpr | undefined;
    for (const word of option.split(',')) {
      const m = /^(!?)([\w.]+)$/.exec(word);
      if (!m) return undefined;
      const tag: BuildExpr = m[1] ? { not: { tag: m[2]! } } : { tag: m[2]! };
      term = term ? { and: [term, tag] } : tag;
    }
    if (!term) return undefined;
    out = out ? { or: [out, term] } : term;
  }
  return out;
}

function tagsOf(e: BuildExpr, out: Set<string>): Set<string> {
  if ('tag' in e) out.add(e.tag);
  else if ('not' in e) tagsOf(e.not, out);
  else for (const x of 'and' in e ? e.and : e.or) tagsOf(x, out);
  return out;
}

function holds(e: BuildExpr, set: ReadonlySet<string>): boolean {
  if ('tag' in e) return set.has(e.tag);
  if ('not' in e) return !holds(e.not, set);
  if ('and' in e) return holds(e.and[0], set) && holds(e.and[1], set);
  return holds(e.or[0], set) || holds(e.or[1], set);
}

/** Past this many tags other than test tags, a constraint is not solved. */
const MAX_BUILD_TAGS = 12;

/** Whether no build without a test tag satisfies the constraint (every assignment of the other tags tried). */
function needsTestTag(e: BuildExpr): boolean {
  const tags = tagsOf(e, new Set());
  const others = [...tags].filter((t) => !testTag(t));
  if (others.length === tags.size || others.length > MAX_BUILD_TAGS) return false;
  for (let mask = 0; mask < 1 << others.length; mask++) {
    const set = new Set(others.filter((_, i) => mask & (1 << i)));
    if (holds(e, set)) return false;
  }
  return true;
}

/**
 * The build constraint of a Go file as Go reads it: `//go:build` (or, without one, the legacy
 * `// +build` lines that a blank line separates from what follows) among the line comments at the
 * top of the file, before the package clause, preceded only by blank lines and other line comments.
 * A constraint inside a block comment (`/* ... *\/`) or after one, or after the package clause, is
 * no constraint: the file is built whatever it says. The text of the constraint and its expression.
 */
function goBuildConstraint(text: string): { text: string; expr: BuildExpr | undefined } | undefined {
  let goBuild: string | undefined;
  const plus: string[] = [];
  let pending: string[] = [];
  for (const raw of text.split('\n', 4000)) {
    const line = raw.trim();
    if (line === '') {
      plus.push(...pending);
      pending = [];
      continue;
    }
    if (!line.startsWith('//')) break;
    const go = /^\/\/go:build(?:[ \t]+(.*))?$/.exec(line);
    if (go) {
      goBuild ??= (go[1] ?? '').trim();
      continue;
    }
    const legacy = /^\/\/[ \t]*\+build(?:[ \t]+(.*))?$/.exec(line);
    if (legacy) pending.push((legacy[1] ?? '').trim());
  }
  if (goBuild !== undefined) return { text: `//go:build ${goBuild}`, expr: parseGoBuild(goBuild) };
  if (plus.length === 0) return undefined;
  let expr: BuildExpr | undefined;
  for (const line of plus) {
    const e = parsePlusBuild(line);
    if (!e) return { text: `// +build ${plus.join(' / ')}`, expr: undefined };
    expr = expr ? { and: [expr, e] } : e;
  }
  return { text: plus.map((l) => `// +build ${l}`).join(', '), expr };
}

/**
 * Why a Go source file is compiled only into test builds, or undefined: its build constraint (read
 * as Go reads it, see {@link goBuildConstraint}) holds in no build without a tag that names a test
 * build (`//go:build e2e`, `integration && linux`, `// +build e2e`), so no release binary holds what
 * it declares. A negated tag (`!e2e`) is the opposite and does not count.
 */
export function testOnlyBuild(path: string, text: string): string | undefined {
  if (!/\.go$/i.test(path)) return undefined;
  const constraint = goBuildConstraint(text);
  if (!constraint?.expr || !needsTestTag(constraint.expr)) return undefined;
  return `compiled only into test builds (\`${constraint.text}\`)`;
}

/** C and C++ sources, whose function definitions start at the beginning of a line. */
const C_FAMILY = /\.(?:c|cc|cpp|cxx|h|hh|hpp)$/i;
/**
 * A function definition's head at the start of a line: perhaps its return type (which may stand on
 * the line above instead), the name, a parameter list, and no `;` after it (a declaration); the `{`
 * may follow on the line or the next one.
 */
const C_FUNCTION_HEAD =
  /^((?:[A-Za-z_][\w \t*]{0,120}?[ \t*])?)([A-Za-z_]\w{0,127})[ \t]*\(([^;{}]{0,400})\)[ \t]*(\{?)[ \t]*$/;
/** Words that start a statement, not a return type. */
const C_STATEMENT_WORDS = /^(?:if|for|while|switch|return|else|do|sizeof|case|goto|break|continue)\b/;
/** A return type alone on its line, above the function's name (GNU style: `static int`). */
const C_RETURN_TYPE_LINE = /^[A-Za-z_][\w \t*]{0,120}$/;
/**
 * Test-framework macros that define a test function with no return type written
 * (`TEST(Suite, Name) {`, `TEST_F`, Catch2's `TEST_CASE`, Boost's `BOOST_AUTO_TEST_CASE`).
 */
const C_TEST_MACROS = new Set([
  'TEST',
  'TEST_F',
  'TEST_P',
  'TYPED_TEST',
  'TYPED_TEST_P',
  'TEST_CASE',
  'BOOST_AUTO_TEST_CASE',
  'BOOST_FIXTURE_TEST_CASE',
]);

/**
 * Whether a parameter list is one of a definition: empty, `void`, or parameters that each declare a
 * type and perhaps a name (`struct ctx *c`, `const char *`, `int n`, `...`), not a call's arguments
 * (`mock_reset(0)`, `f(x, "a")`).
 */
function declaresParameters(params: string): boolean {
  const trimmed = params.trim();
  if (trimmed === '' || trimmed === 'void') return true;
  return trimmed.split(',').every((p) => {
    const param = p.trim();
    if (param === '...') return true;
    if (!/^[A-Za-z_][\w \t*&[\]]*$/.test(param)) return false;
    const words = param.match(/[A-Za-z_]\w*/g) ?? [];
    return words.length >= 2 || /[*&]/.test(param);
  });
}

/**
 * Whether a line that looks like a function's head (`m`, of {@link C_FUNCTION_HEAD}; the line runs
 * from `start` to `end`) is one: a return type before the name or alone on the line above (or a test
 * framework's macro, which has none), parameters that declare, and the body's `{` at the end of the
 * line or first on the next. A call at column 0 (`mock_reset(0)`, its `;` on the next line) is none.
 */
function definitionHead(text: string, start: number, end: number, m: RegExpExecArray): boolean {
  const [, type, name, params, brace] = m;
  const nextEnd = text.indexOf('\n', end);
  const next = text.slice(end, nextEnd === -1 ? undefined : nextEnd).trim();
  if (brace === '' && !next.startsWith('{')) return false;
  if (C_TEST_MACROS.has(name!)) return true;
  if (!declaresParameters(params!)) return false;
  if (type!.trim() !== '') return true;
  const above = start > 0 ? text.slice(text.lastIndexOf('\n', start - 2) + 1, start - 1) : '';
  const typeLine = above.replace(/\r$/, '').trimEnd();
  return C_RETURN_TYPE_LINE.test(typeLine) && !C_STATEMENT_WORDS.test(typeLine);
}

/** Words of a function name that make it a test: a test framework's prefix or a test word. */
const TEST_FUNCTION_WORDS = new Set(['test', 'tests', 'unittest', 'fake', 'dummy', 'mock', 'fixture']);
/** Lines looked back over for the function a value stands in. */
const FUNCTION_LOOKBACK = 400;

/** Whether a C function's name is a unit test's: `ut_` first, or a test word (`test_parse`, `TestServer`). */
function testFunctionName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split('_')
    .filter(Boolean);
  return words[0] === 'ut' || words.some((w) => TEST_FUNCTION_WORDS.has(w));
}

/**
 * The C or C++ function definition the line at `offset` stands in, by its head (a return type, the
 * name, a parameter list that declares, the body's `{`; see {@link definitionHead}), or undefined when
 * a closing `}` at column 0 lies between (file scope) or none is found within the look-back.
 */
function enclosingFunction(text: string, offset: number): { name: string; head: number } | undefined {
  let end = offset;
  for (let i = 0; i < FUNCTION_LOOKBACK && end > 0; i++) {
    const start = text.lastIndexOf('\n', end - 2) + 1;
    const line = text.slice(start, end).replace(/\r?\n$/, '');
    if (line.startsWith('}')) return undefined;
    const m = C_FUNCTION_HEAD.exec(line);
    if (m && !C_STATEMENT_WORDS.test(line) && definitionHead(text, start, end, m)) {
      return { name: m[2]!, head: start };
    }
    end = start;
  }
  return undefined;
}

/** A function's head and the body's `{` on the line of a call in it (`int main(void) { return f(); }`). */
const ONE_LINE_HEAD =
  /^(?:[A-Za-z_][\w \t*]{0,120}?[ \t*])?([A-Za-z_]\w{0,127})[ \t]*\([^;{}]{0,400}\)[ \t]*\{/;
/** Characters after which a call stands as a statement of its own, its value unused. */
const STATEMENT_START = new Set([';', '{', '}', ')', ':']);

/**
 * Whether the file's code outside test functions uses the value of a call of `name` (`serve(name())`,
 * `k = name();`, `return name();`): the function then hands its data to code that is no test, and its
 * name says nothing of where that data goes. A call standing as a statement of its own (`name();`, as
 * a test runner's `main` runs its tests), a reference without a call (`RUN_TEST(name)`, a table of
 * tests) and a call inside another test function are a test's.
 */
function valueUsedOutsideTests(text: string, name: string, head: number): boolean {
  const call = new RegExp(`\\b${name}[ \\t]*\\(`, 'g');
  for (let m = call.exec(text); m; m = call.exec(text)) {
    const lineStart = text.lastIndexOf('\n', m.index - 1) + 1;
    if (lineStart === head) continue;
    const before = text.slice(Math.max(0, m.index - 200), m.index).replace(/\s+$/, '');
    const last = before.at(-1);
    if (last === undefined || STATEMENT_START.has(last) || /\belse$/.test(before)) continue;
    const oneLine = ONE_LINE_HEAD.exec(text.slice(lineStart, m.index));
    const caller =
      oneLine && !C_STATEMENT_WORDS.test(oneLine[1]!) ? oneLine[1] : enclosingFunction(text, lineStart)?.name;
    if (caller && !testFunctionName(caller)) return true;
  }
  return false;
}

/**
 * The test function of a C or C++ source that the line at `offset` stands in, or undefined: the
 * nearest function definition before it (see {@link enclosingFunction}), if its name is a unit
 * test's (`ut_` first, as unit-test frameworks of C libraries prefix them, or a test word:
 * `test_parse`, `TestServer`) and no code of the file outside test functions uses the value it
 * returns (see {@link valueUsedOutsideTests}).
 */
export function enclosingTestFunction(path: string, text: string, offset: number): string | undefined {
  if (!C_FAMILY.test(path)) return undefined;
  const fn = enclosingFunction(text, offset);
  if (!fn || !testFunctionName(fn.name)) return undefined;
  if (!C_TEST_MACROS.has(fn.name) && valueUsedOutsideTests(text, fn.name, fn.head)) return undefined;
  return fn.name;
}
