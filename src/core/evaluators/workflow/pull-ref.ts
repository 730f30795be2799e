import { type ExprNode, findExpressions, parseExpression } from '../../parsers/expression.js';

/**
 * Whether an expression, or a string with expressions, can produce a pull request's head or merge
 * ref (`refs/pull/<n>/head`, `pull/<n>/merge`): the ref that names the pull request's code, whoever
 * chose `<n>`. A literal `refs/pull/${{ github.event.number }}/merge` is read as text elsewhere; here
 * the text is what the runner computes: `format()` with its format string and arguments put in,
 * `join()` of a literal list, `fromJSON()` of a literal, and either side of `||` / `&&`. A value not
 * known here (a context, another function) is a hole that may hold anything but a `/`.
 */

/** A part of the text whose value is not known here. */
const HOLE = '\u0000';
/** At most this many alternative texts per expression: `a || b || c` in a format argument multiplies. */
const MAX_TEXTS = 16;
const MAX_DEPTH = 16;
/** A pull request's ref by its number, in text where a hole stands for an unknown value. */
const PULL_REF_TEXT = /(?:^|\/)pull\/[^/\s]{1,200}\/(?:head|merge)(?![\w-])/;

/** Whether a parsed expression can evaluate to text holding a pull request's ref. */
export function producesPullRef(node: ExprNode | undefined): boolean {
  if (!node || !someCall(node)) return false;
  return texts(node, 0).some((t) => PULL_REF_TEXT.test(t));
}

/**
 * Whether a string value (an `env:` entry, an output, an input) with expressions in it evaluates to
 * text holding a pull request's ref: `refs/pull/${{ github.event.number }}/merge`.
 */
export function stringProducesPullRef(value: string): boolean {
  const spans = findExpressions(value);
  if (spans.length === 0) return PULL_REF_TEXT.test(value);
  let out = [''];
  let at = 0;
  for (const span of spans) {
    const parsed = parseExpression(span.inner);
    const parts = parsed.ok && parsed.node ? texts(parsed.node, 0) : [HOLE];
    out = combine(combine(out, [value.slice(at, span.start)]), parts);
    at = span.end;
  }
  out = combine(out, [value.slice(at)]);
  return out.some((t) => PULL_REF_TEXT.test(t));
}

/** A function call somewhere in the tree: only computed text needs the evaluation. */
function someCall(node: ExprNode): boolean {
  switch (node.kind) {
    case 'call':
      return true;
    case 'and':
    case 'or':
      return node.args.some(someCall);
    default:
      return false;
  }
}

function combine(left: string[], right: string[]): string[] {
  const out: string[] = [];
  for (const a of left) for (const b of right) if (out.length < MAX_TEXTS) out.push(a + b);
  return out;
}

/** The texts an expression can evaluate to, with {@link HOLE} for what is not known here. */
function texts(node: ExprNode, depth: number): string[] {
  if (depth > MAX_DEPTH) return [HOLE];
  switch (node.kind) {
    case 'literal':
      return [node.value === null ? '' : String(node.value)];
    case 'or':
      return node.args.flatMap((a) => texts(a, depth + 1)).slice(0, MAX_TEXTS);
    case 'and': {
      // `a && b` is `b` unless `a` is falsy, which holds no ref.
      const last = node.args[node.args.length - 1];
      return last ? texts(last, depth + 1) : [HOLE];
    }
    case 'call':
      return callTexts(node, depth);
    default:
      return [HOLE];
  }
}

function callTexts(node: Extract<ExprNode, { kind: 'call' }>, depth: number): string[] {
  const args = node.args;
  switch (node.name) {
    case 'format': {
      const formats = args[0] ? texts(args[0], depth + 1) : [];
      const values = args.slice(1).map((a) => texts(a, depth + 1));
      const out: string[] = [];
      for (const f of formats) out.push(...formatTexts(f, values));
      return out.length > 0 ? out.slice(0, MAX_TEXTS) : [HOLE];
    }
    case 'join': {
      // A string joins to itself; a literal list (`fromJSON('["a","b"]')`) to its items with the separator.
      const lists =
        args[0]?.kind === 'call' && args[0].name === 'fromjson'
          ? jsonOf(args[0].args[0], depth).filter((v): v is unknown[] => Array.isArray(v))
          : [];
      if (lists.length === 0) return args[0] ? texts(args[0], depth + 1) : [HOLE];
      const separators = args[1] ? texts(args[1], depth + 1) : [','];
      const out: string[] = [];
      for (const list of lists)
        for (const s of separators) out.push(list.map((v) => (v === null ? '' : String(v))).join(s));
      return out.slice(0, MAX_TEXTS);
    }
    case 'fromjson': {
      const parsed = args[0] ? jsonOf(args[0], depth) : [];
      const strings = parsed.filter((v): v is string => typeof v === 'string');
      return strings.length > 0 ? strings : [HOLE];
    }
    case 'case': {
      // case(pred1, value1, ..., default): any of the values.
      const values = args.filter((_, i) => i % 2 === 1 || i === args.length - 1);
      return values.flatMap((a) => texts(a, depth + 1)).slice(0, MAX_TEXTS);
    }
    default:
      return [HOLE];
  }
}

/** A format string with its `{i}` placeholders put in (`{{` and `}}` are literal braces). */
function formatTexts(format: string, values: string[][]): string[] {
  let out = [''];
  let i = 0;
  while (i < format.length) {
    const ch = format[i]!;
    if ((ch === '{' || ch === '}') && format[i + 1] === ch) {
      out = combine(out, [ch]);
      i += 2;
      continue;
    }
    const m = ch === '{' ? /^\{(\d+)\}/.exec(format.slice(i)) : null;
    if (m) {
      out = combine(out, values[Number(m[1])] ?? [HOLE]);
      i += m[0].length;
      continue;
    }
    out = combine(out, [ch]);
    i++;
  }
  return out;
}

/** A character JSON takes inside a string, standing for a hole while the text is parsed. */
const JSON_HOLE = '\uE000';

/**
 * The values the JSON text an expression computes parses to (`fromJSON('["refs/pull", "1"]')`,
 * or a `format()` of such text), holes kept in their strings.
 */
function jsonOf(node: ExprNode | undefined, depth: number): unknown[] {
  if (!node) return [];
  const back = (v: unknown): unknown =>
    typeof v === 'string' ? v.split(JSON_HOLE).join(HOLE) : Array.isArray(v) ? v.map(back) : v;
  const out: unknown[] = [];
  for (const text of texts(node, depth + 1)) {
    try {
      out.push(back(JSON.parse(text.split(HOLE).join(JSON_HOLE))));
    } catch {
      // Not JSON (or a hole outside a string): nothing known.
    }
  }
  return out;
}
