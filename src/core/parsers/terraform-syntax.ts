import type { LineIndex } from '../workspace/lines.js';
import type { NodeSpan } from '../workspace/yaml.js';
import type { HclParser, HclSyntaxError, SyntaxNode } from './terraform-hcl.js';

export type { HclSyntaxError };

/**
 * Where a node is written. `file` is set on the nodes of an override file merged into a block of
 * another file (see terraform-overrides.ts): a finding at such a value lies in the override file.
 */
export interface HclSpan extends NodeSpan {
  file?: string;
}

/**
 * A plain model of an HCL file (bodies, attributes, blocks, and the values that can be known without
 * evaluating Terraform), built from the tree-sitter syntax tree. Expressions that depend on variables,
 * resources or functions are kept as `expression` with their source text: audits treat them as
 * unknown rather than guess.
 */

/** A value as written. Literals are decoded; anything that needs evaluation is `template`/`expression`. */
export type HclValue =
  | { kind: 'string'; value: string; span: HclSpan; text: string }
  | { kind: 'number'; value: number; span: HclSpan; text: string }
  | { kind: 'bool'; value: boolean; span: HclSpan; text: string }
  | { kind: 'null'; span: HclSpan; text: string }
  | { kind: 'tuple'; items: HclValue[]; span: HclSpan; text: string }
  | { kind: 'object'; entries: HclObjectEntry[]; span: HclSpan; text: string }
  | { kind: 'template' | 'expression'; span: HclSpan; text: string };

export interface HclObjectEntry {
  /** The key when it is a name or a literal string; undefined for a computed key. */
  key: string | undefined;
  keySpan: HclSpan;
  value: HclValue;
}

export interface HclAttribute {
  name: string;
  nameSpan: HclSpan;
  /** From the name to the end of the value. */
  span: HclSpan;
  value: HclValue;
}

export interface HclBlock {
  type: string;
  labels: string[];
  /** The block type keyword, where a finding about the whole block points. */
  typeSpan: HclSpan;
  span: HclSpan;
  body: HclBody;
}

export interface HclBody {
  attributes: HclAttribute[];
  blocks: HclBlock[];
}

export type HclResult = { ok: true; body: HclBody } | { ok: false; error: HclSyntaxError };

/** Expressions (and blocks) nested deeper than this are kept as unknown (empty) instead of walked. */
const MAX_DEPTH = 64;

/**
 * Parses HCL text into the plain model. Never throws: a syntax error (the first one in source order)
 * or a parse that ran out of time is returned as a located error.
 */
export function parseHcl(parser: HclParser, text: string, lines: LineIndex): HclResult {
  const parsed = parser.parse(text, lines);
  if (!parsed.ok) return parsed;
  const body = parsed.root.children.find((c) => c.type === 'body');
  return { ok: true, body: body ? new Builder(text, lines).body(body) : { attributes: [], blocks: [] } };
}

class Builder {
  constructor(
    private readonly text: string,
    private readonly lines: LineIndex,
  ) {}

  src(node: SyntaxNode): string {
    return this.text.slice(node.start, node.end);
  }

  span(node: SyntaxNode): NodeSpan {
    return {
      start: this.lines.position(node.start),
      end: this.lines.position(Math.max(node.start, node.end - 1)),
    };
  }

  body(node: SyntaxNode, depth = 0): HclBody {
    const body: HclBody = { attributes: [], blocks: [] };
    // Real configurations nest a handful of blocks; a pathological file must not exhaust the stack.
    if (depth > MAX_DEPTH) return body;
    for (const child of node.children) {
      if (child.type === 'attribute') {
        const [name, value] = child.children;
        if (!name || !value) continue;
        body.attributes.push({
          name: this.src(name),
          nameSpan: this.span(name),
          span: this.span(child),
          value: this.value(value, 0),
        });
      } else if (child.type === 'block') {
        body.blocks.push(this.block(child, depth));
      }
    }
    return body;
  }

  block(node: SyntaxNode, depth: number): HclBlock {
    const [type, ...rest] = node.children;
    const labels = rest
      .filter((c) => c.type === 'string_lit' || c.type === 'identifier')
      .map((c) => (c.type === 'string_lit' ? unescapeQuoted(this.literalChunks(c)) : this.src(c)));
    const inner = rest.find((c) => c.type === 'body');
    return {
      type: type ? this.src(type) : '',
      labels,
      typeSpan: this.span(type ?? node),
      span: this.span(node),
      body: inner ? this.body(inner, depth + 1) : { attributes: [], blocks: [] },
    };
  }

  value(node: SyntaxNode, depth: number): HclValue {
    const span = this.span(node);
    const text = this.src(node);
    const unknown: HclValue = { kind: 'expression', span, text };
    if (depth > MAX_DEPTH) return unknown;
    const named = node.children;
    // A traversal (`a.b[0]`) has several children; a parenthesised value has one named child.
    if (node.type === 'expression') return named.length === 1 ? this.value(named[0]!, depth + 1) : unknown;
    switch (node.type) {
      case 'literal_value':
      case 'collection_value':
        return named[0] ? this.value(named[0], depth + 1) : unknown;
      case 'numeric_lit':
        return Number.isFinite(Number(text)) ? { kind: 'number', value: Number(text), span, text } : unknown;
      case 'bool_lit':
        return { kind: 'bool', value: text === 'true', span, text };
      case 'null_lit':
        return { kind: 'null', span, text };
      case 'string_lit':
        return { kind: 'string', value: unescapeQuoted(this.literalChunks(node)), span, text };
      case 'template_expr':
        return named[0] ? this.template(named[0], span, text) : unknown;
      case 'tuple':
        return {
          kind: 'tuple',
          items: named.filter((c) => c.type === 'expression').map((c) => this.value(c, depth + 1)),
          span,
          text,
        };
      case 'object':
        return { kind: 'object', entries: this.entries(named, depth), span, text };
      case 'operation': {
        // `-1` is an operation in the grammar, but a literal to a reader.
        const unary = named[0];
        const operand = unary?.type === 'unary_operation' ? unary.children[0] : undefined;
        if (unary && this.src(unary).startsWith('-') && operand?.type === 'literal_value') {
          const inner = this.value(operand, depth + 1);
          if (inner.kind === 'number') return { kind: 'number', value: -inner.value, span, text };
        }
        return unknown;
      }
      default:
        return unknown;
    }
  }

  entries(named: SyntaxNode[], depth: number): HclObjectEntry[] {
    const out: HclObjectEntry[] = [];
    for (const elem of named) {
      if (elem.type !== 'object_elem') continue;
      const [keyNode, valueNode] = elem.children;
      if (!keyNode || !valueNode) continue;
      const key = this.value(keyNode, depth + 1);
      // A bare name is the key itself, not a reference to a variable of that name.
      const name =
        key.kind === 'string'
          ? key.value
          : key.kind === 'expression' && /^[A-Za-z_][\w-]*$/.test(key.text)
            ? key.text
            : undefined;
      out.push({ key: name, keySpan: key.span, value: this.value(valueNode, depth + 1) });
    }
    return out;
  }

  template(node: SyntaxNode, span: NodeSpan, text: string): HclValue {
    const dynamic = node.children.some(
      (c) => c.type === 'template_interpolation' || c.type === 'template_directive',
    );
    if (dynamic) return { kind: 'template', span, text };
    if (node.type === 'quoted_template') {
      return { kind: 'string', value: unescapeQuoted(this.literalChunks(node)), span, text };
    }
    if (node.type === 'heredoc_template')
      return { kind: 'string', value: this.heredoc(node, text), span, text };
    return { kind: 'template', span, text };
  }

  /** The literal content of a heredoc without interpolation; `<<-` strips the common indentation. */
  heredoc(node: SyntaxNode, text: string): string {
    const ids = node.children.filter((c) => c.type === 'heredoc_identifier');
    const open = ids[0];
    const close = ids[ids.length - 1];
    if (!open || !close || open === close) return '';
    const from = this.text.indexOf('\n', open.end) + 1;
    const to = this.text.lastIndexOf('\n', close.start) + 1;
    const body = from > 0 && to > from ? this.text.slice(from, to) : '';
    const unescaped = body.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
    if (!text.startsWith('<<-')) return unescaped;
    const rows = unescaped.split('\n');
    const indents = rows.filter((r) => r.trim() !== '').map((r) => /^[ \t]*/.exec(r)![0].length);
    const strip = indents.length > 0 ? Math.min(...indents) : 0;
    return rows.map((r) => r.slice(strip)).join('\n');
  }

  /** The raw literal text of a quoted string (escapes still in place). */
  literalChunks(node: SyntaxNode): string {
    return node.children
      .filter((c) => c.type === 'template_literal')
      .map((c) => this.src(c))
      .join('');
  }
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/** Decodes HCL's quoted-string escapes: `\n`, `\"`, `\uXXXX`, `\UXXXXXXXX`, `$${` and `%%{`. */
export function unescapeQuoted(raw: string): string {
  return raw.replace(
    /\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)|\$\$\{|%%\{/g,
    (match, esc: string | undefined) => {
      if (esc === undefined) return match.slice(1);
      if (esc.length > 1) {
        const code = Number.parseInt(esc.slice(1), 16);
        return code <= 0x10ffff ? String.fromCodePoint(code) : match;
      }
      return ESCAPES[esc] ?? match;
    },
  );
}
