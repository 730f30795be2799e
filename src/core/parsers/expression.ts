import { Lexer, Parser } from '@actions/expressions';
import {
  Binary,
  ContextAccess,
  type Expr,
  FunctionCall,
  Grouping,
  IndexAccess,
  Literal,
  Logical,
  Star,
  Unary,
} from '@actions/expressions/ast';
import type { Token } from '@actions/expressions/lexer';

/**
 * GitHub Actions expressions (`${{ ... }}`): where they sit in a string, and their syntax tree.
 *
 * The grammar is GitHub's own (`@actions/expressions`, the parser behind the Actions language
 * server), so what parses here is what the runner accepts. Its tree is converted into the small
 * {@link ExprNode} union below, with offsets into the expression text, so that audits never depend on
 * the library's classes and every context reference can be reported at its exact column.
 */

/** One `${{ ... }}` in a string, as offsets into that string (end exclusive). */
export interface ExpressionSpan {
  start: number;
  end: number;
  /** The text between `${{` and `}}`. */
  inner: string;
  innerStart: number;
}

/** Context names the runner knows; any other leading name is a syntax error on GitHub too. */
const CONTEXTS = [
  'github',
  'env',
  'vars',
  'job',
  'jobs',
  'steps',
  'runner',
  'secrets',
  'strategy',
  'matrix',
  'needs',
  'inputs',
];

/** Functions the runner adds on top of the library's built-ins (status checks, hashFiles). */
const EXTRA_FUNCTIONS = [
  { name: 'success', minArgs: 0, maxArgs: 0 },
  { name: 'always', minArgs: 0, maxArgs: 0 },
  { name: 'cancelled', minArgs: 0, maxArgs: 0 },
  { name: 'failure', minArgs: 0, maxArgs: 0 },
  { name: 'hashFiles', minArgs: 1, maxArgs: 255 },
];

/**
 * Finds every `${{ ... }}` in `text` the way the runner does: an expression ends at the first `}}`
 * outside a single-quoted string literal. An unclosed `${{` ends the scan (GitHub rejects the value).
 * Linear in the length of the text.
 */
export function findExpressions(text: string): ExpressionSpan[] {
  const out: ExpressionSpan[] = [];
  let start = text.indexOf('${{');
  while (start !== -1) {
    let inString = false;
    let end = -1;
    for (let i = start + 3; i < text.length; i++) {
      const ch = text[i];
      if (ch === "'") inString = !inString;
      else if (!inString && ch === '}' && text[i - 1] === '}' && i - 1 >= start + 3) {
        end = i + 1;
        break;
      }
    }
    if (end === -1) break;
    out.push({ start, end, inner: text.slice(start + 3, end - 2), innerStart: start + 3 });
    start = text.indexOf('${{', end);
  }
  return out;
}

interface Base {
  /** Offsets into the expression text (between `${{` and `}}`), end exclusive. */
  start: number;
  end: number;
}

/** A context reference such as `github.event.pull_request.title` or `secrets[inputs.name]`. */
export interface RefNode extends Base {
  kind: 'ref';
  /**
   * Lower-cased segments; `*` for a filter (`.*`, `[*]`: the result is an array), `#` for a numeric
   * index (one element) and `?` for a computed index (any key).
   */
  path: string[];
  /** Computed indexes (`secrets[format(...)]`), evaluated on their own. */
  computed: ExprNode[];
}

export type ExprNode =
  | (Base & { kind: 'literal'; value: string | number | boolean | null })
  | RefNode
  | (Base & { kind: 'call'; name: string; args: ExprNode[] })
  | (Base & { kind: 'and' | 'or'; args: ExprNode[] })
  | (Base & { kind: 'not'; arg: ExprNode })
  /** `op` is the operator as written: `==`, `!=`, `<`, `<=`, `>`, `>=`. */
  | (Base & { kind: 'compare'; op: string; left: ExprNode; right: ExprNode })
  /** An index into a value that is not a context (e.g. `fromJSON(x).title`). */
  | (Base & { kind: 'index'; target: ExprNode; key: string; computed: ExprNode[] });

export type ParseResult = { ok: true; node: ExprNode | undefined } | { ok: false; error: string };

/**
 * Parsed trees by expression text. Workflows repeat the same expressions (`${{ github.sha }}`,
 * `${{ matrix.os }}`) across files, and the trees are immutable data, so they are shared; the cache is
 * bounded so that hostile input cannot grow it without limit.
 */
const CACHE = new Map<string, ParseResult>();
const CACHE_LIMIT = 20_000;

/** Parses the text of one expression; never throws. An empty expression parses to undefined. */
export function parseExpression(inner: string): ParseResult {
  const cached = CACHE.get(inner);
  if (cached) return cached;
  const result = parseUncached(inner);
  if (CACHE.size >= CACHE_LIMIT) CACHE.clear();
  CACHE.set(inner, result);
  return result;
}

function parseUncached(inner: string): ParseResult {
  try {
    const tokens = new Lexer(inner).lex().tokens;
    const ast = new Parser(tokens, CONTEXTS, EXTRA_FUNCTIONS).parse();
    if (!ast) return { ok: true, node: undefined };
    return { ok: true, node: new Converter(inner).convert(ast) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Calls `visit` on every node of a tree, each before its children (computed indexes included), until
 * it answers true.
 */
export function someNode(node: ExprNode | undefined, visit: (n: ExprNode) => boolean): boolean {
  if (!node) return false;
  if (visit(node)) return true;
  switch (node.kind) {
    case 'ref':
      return node.computed.some((n) => someNode(n, visit));
    case 'call':
    case 'and':
    case 'or':
      return node.args.some((n) => someNode(n, visit));
    case 'not':
      return someNode(node.arg, visit);
    case 'compare':
      return someNode(node.left, visit) || someNode(node.right, visit);
    case 'index':
      return someNode(node.target, visit) || node.computed.some((n) => someNode(n, visit));
    case 'literal':
      return false;
  }
}

/** Every context reference in a tree, outermost first (computed indexes included). */
export function references(node: ExprNode | undefined): RefNode[] {
  const out: RefNode[] = [];
  someNode(node, (n) => {
    if (n.kind === 'ref') out.push(n);
    return false;
  });
  return out;
}

/** Dotted form of a path (`github.event.pull_request.labels.*.name`). */
export function pathText(path: readonly string[]): string {
  return path.join('.');
}

/** Converts the library's tree, turning its line/column token ranges into offsets. */
class Converter {
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  convert(e: Expr): ExprNode {
    if (e instanceof Literal) {
      const value = e.literal.primitive ? (e.literal as { value?: unknown }).value : null;
      return {
        kind: 'literal',
        value: value === undefined ? null : (value as string | number | boolean | null),
        ...this.tokenSpan(e.token),
      };
    }
    if (e instanceof Grouping) return this.convert(e.group);
    if (e instanceof Unary) {
      const arg = this.convert(e.expr);
      return { kind: 'not', arg, start: this.offset(e.operator.range.start), end: arg.end };
    }
    if (e instanceof Binary) {
      const left = this.convert(e.left);
      const right = this.convert(e.right);
      return { kind: 'compare', op: e.operator.lexeme, left, right, start: left.start, end: right.end };
    }
    if (e instanceof Logical) {
      const args = e.args.map((a) => this.convert(a));
      const kind = e.operator.lexeme === '&&' ? 'and' : 'or';
      return { kind, args, start: args[0]?.start ?? 0, end: args[args.length - 1]?.end ?? 0 };
    }
    if (e instanceof FunctionCall) {
      const args = e.args.map((a) => this.convert(a));
      const span = this.tokenSpan(e.functionName);
      const close = this.text.indexOf(')', args[args.length - 1]?.end ?? span.end);
      return {
        kind: 'call',
        name: e.functionName.lexeme.toLowerCase(),
        args,
        start: span.start,
        end: close === -1 ? span.end : close + 1,
      };
    }
    if (e instanceof ContextAccess) {
      return { kind: 'ref', path: [e.name.lexeme.toLowerCase()], computed: [], ...this.tokenSpan(e.name) };
    }
    if (e instanceof IndexAccess) return this.index(e);
    // Star only appears as an index, handled there.
    return { kind: 'literal', value: null, start: 0, end: 0 };
  }

  private index(e: IndexAccess): ExprNode {
    const target = this.convert(e.expr);
    let key = '*';
    const computed: ExprNode[] = [];
    // A numeric index picks one element and a computed one any key: both are classified as "some
    // element", but unlike a filter they yield a single value.
    let end: number;
    if (e.index instanceof Star) {
      end = this.after(target.end, '*');
    } else if (e.index instanceof Literal) {
      const v = (e.index.literal as { value?: unknown }).value;
      key = typeof v === 'string' ? v.toLowerCase() : '#';
      end = this.tokenSpan(e.index.token).end;
      if (this.text[this.skipSpace(end)] === ']') end = this.skipSpace(end) + 1;
    } else {
      const idx = this.convert(e.index);
      computed.push(idx);
      key = '?';
      const close = this.text.indexOf(']', idx.end);
      end = close === -1 ? idx.end : close + 1;
    }
    if (target.kind === 'ref') {
      return { ...target, path: [...target.path, key], computed: [...target.computed, ...computed], end };
    }
    return { kind: 'index', target, key, computed, start: target.start, end };
  }

  /** The offset just past `ch` (and a closing `]`) after `from`, for indexes that have no token. */
  private after(from: number, ch: string): number {
    const at = this.text.indexOf(ch, from);
    if (at === -1) return from;
    const next = this.skipSpace(at + 1);
    return this.text[next] === ']' ? next + 1 : at + 1;
  }

  private skipSpace(i: number): number {
    while (i < this.text.length && /\s/.test(this.text[i]!)) i++;
    return i;
  }

  private tokenSpan(token: Token): Base {
    return { start: this.offset(token.range.start), end: this.offset(token.range.end) };
  }

  private offset(pos: { line: number; column: number }): number {
    const base = this.lineStarts[pos.line] ?? 0;
    return Math.min(this.text.length, base + pos.column);
  }
}
