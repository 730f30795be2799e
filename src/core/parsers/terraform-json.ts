import type { LineIndex } from '../workspace/lines.js';
import type { NodeSpan } from '../workspace/yaml.js';
import type {
  HclAttribute,
  HclBlock,
  HclBody,
  HclObjectEntry,
  HclResult,
  HclSyntaxError,
  HclValue,
} from './terraform-syntax.js';

/**
 * Terraform's JSON syntax (`*.tf.json`, OpenTofu's `*.tofu.json`) read into the same model as the
 * native syntax (terraform-syntax.ts), with the positions of the JSON text, so every Terraform rule
 * judges it alike.
 *
 * The mapping follows HCL's JSON specification as Terraform uses it. The root object's properties
 * are the top-level block types; a block type's labels are levels of nested objects
 * (`{"resource": {"aws_security_group": {"ssh": {…body…}}}}`), and at any level an array of objects
 * stands for several blocks. A `"//"` property is a comment. In a body, a string is a template: one
 * with an interpolation (`"${var.cidr}"`) is an expression, any other a literal (`$${` is a literal
 * `${`).
 *
 * Which properties of a body are nested blocks and which are attributes only the provider's schema
 * says (`"ingress": [{…}]` is a block of an `aws_security_group`, `"tags": {…}` an attribute): a
 * property whose value is an object, or a non-empty array of objects, is read as both, an attribute
 * with that value and the nested blocks it stands for, so a rule finds it whichever it asks for. The
 * bodies of `locals` and `module` blocks have no nested blocks. `dynamic`, `provisioner` and `backend`
 * are the nested block types with a label.
 */

/** How many labels each top-level block type has; another type is not Terraform's (it is an error there). */
const TOP_LEVEL_LABELS: Record<string, number> = {
  resource: 2,
  data: 2,
  ephemeral: 2,
  module: 1,
  provider: 1,
  variable: 1,
  output: 1,
  check: 1,
  locals: 0,
  terraform: 0,
  moved: 0,
  import: 0,
  removed: 0,
};
/** Nested block types that take one label. */
const NESTED_LABELS: Record<string, number> = { dynamic: 1, provisioner: 1, backend: 1 };
/** Block types whose bodies hold only attributes. */
const ATTRIBUTES_ONLY = new Set(['locals', 'module']);

/** Objects and arrays nested deeper than this make the file unreadable (real files nest a handful). */
const MAX_DEPTH = 128;

type JsonNode =
  | { kind: 'object'; start: number; end: number; entries: JsonEntry[] }
  | { kind: 'array'; start: number; end: number; items: JsonNode[] }
  | { kind: 'string'; start: number; end: number; value: string }
  | { kind: 'number'; start: number; end: number; value: number }
  | { kind: 'bool'; start: number; end: number; value: boolean }
  | { kind: 'null'; start: number; end: number };

interface JsonEntry {
  key: Extract<JsonNode, { kind: 'string' }>;
  value: JsonNode;
}

class JsonError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * Parses a Terraform JSON file into the plain model. Never throws: text that is not JSON, or whose
 * root is not an object, is returned as a located error.
 */
export function parseTerraformJson(text: string, lines: LineIndex): HclResult {
  let root: JsonNode;
  try {
    root = new JsonReader(text).document();
  } catch (err) {
    if (!(err instanceof JsonError)) throw err;
    return { ok: false, error: located(err.message, err.offset, lines) };
  }
  if (root.kind !== 'object') {
    return {
      ok: false,
      error: located('a Terraform JSON file must hold one object', root.start, lines),
    };
  }
  return { ok: true, body: new Mapper(text, lines).root(root) };
}

function located(message: string, offset: number, lines: LineIndex): HclSyntaxError {
  const at = lines.position(offset);
  return { message, line: at.line, column: at.column };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** A strict JSON reader (RFC 8259) that keeps every value's offsets and every duplicate key. */
class JsonReader {
  private i = 0;

  constructor(private readonly text: string) {}

  document(): JsonNode {
    // A byte-order mark is not JSON, but editors write one; it carries nothing.
    if (this.text.charCodeAt(0) === 0xfeff) this.i = 1;
    const value = this.value(0);
    this.space();
    if (this.i < this.text.length) throw new JsonError('invalid JSON: text after the value', this.i);
    return value;
  }

  private space(): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      this.i++;
    }
  }

  private value(depth: number): JsonNode {
    this.space();
    const t = this.text;
    const start = this.i;
    if (start >= t.length) throw new JsonError('invalid JSON: unexpected end of the file', start);
    const c = t[start]!;
    if (c === '{' || c === '[') {
      if (depth >= MAX_DEPTH) throw new JsonError('invalid JSON: nested too deeply', start);
      return c === '{' ? this.object(depth) : this.array(depth);
    }
    if (c === '"') return this.string();
    for (const [word, node] of [
      ['true', { kind: 'bool', value: true }],
      ['false', { kind: 'bool', value: false }],
      ['null', { kind: 'null' }],
    ] as const) {
      if (t.startsWith(word, start)) {
        this.i += word.length;
        return { ...node, start, end: this.i } as JsonNode;
      }
    }
    NUMBER.lastIndex = start;
    const m = NUMBER.exec(t);
    if (m) {
      this.i += m[0].length;
      return { kind: 'number', value: Number(m[0]), start, end: this.i };
    }
    throw new JsonError(`invalid JSON: unexpected ${JSON.stringify(c)}`, start);
  }

  private object(depth: number): JsonNode {
    const start = this.i++;
    const entries: JsonEntry[] = [];
    this.space();
    if (this.text[this.i] === '}') {
      this.i++;
      return { kind: 'object', start, end: this.i, entries };
    }
    for (;;) {
      this.space();
      if (this.text[this.i] !== '"')
        throw new JsonError('invalid JSON: expected a quoted property name', this.i);
      const key = this.string();
      this.space();
      if (this.text[this.i] !== ':') throw new JsonError('invalid JSON: expected ":"', this.i);
      this.i++;
      entries.push({ key, value: this.value(depth + 1) });
      this.space();
      const next = this.next();
      if (next === '}') return { kind: 'object', start, end: this.i, entries };
      if (next !== ',') throw new JsonError('invalid JSON: expected "," or "}"', this.i - 1);
    }
  }

  private array(depth: number): JsonNode {
    const start = this.i++;
    const items: JsonNode[] = [];
    this.space();
    if (this.text[this.i] === ']') {
      this.i++;
      return { kind: 'array', start, end: this.i, items };
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.space();
      const next = this.next();
      if (next === ']') return { kind: 'array', start, end: this.i, items };
      if (next !== ',') throw new JsonError('invalid JSON: expected "," or "]"', this.i - 1);
    }
  }

  /** The character at the reader, which it passes; the end of the text is an error. */
  private next(): string {
    if (this.i >= this.text.length) throw new JsonError('invalid JSON: unexpected end of the file', this.i);
    return this.text[this.i++]!;
  }

  private string(): Extract<JsonNode, { kind: 'string' }> {
    const t = this.text;
    const start = this.i;
    let j = start + 1;
    for (;;) {
      if (j >= t.length) throw new JsonError('invalid JSON: unterminated string', start);
      const c = t.charCodeAt(j);
      if (c === 0x22) break;
      if (c === 0x5c) j += 2;
      else if (c < 0x20) throw new JsonError('invalid JSON: a control character in a string', j);
      else j++;
    }
    this.i = j + 1;
    let value: string;
    try {
      value = JSON.parse(t.slice(start, this.i)) as string;
    } catch {
      throw new JsonError('invalid JSON: a bad escape in a string', start);
    }
    return { kind: 'string', value, start, end: this.i };
  }
}

/** An interpolation or a template directive that `$${` / `%%{` does not escape. */
const INTERPOLATION = /(?<![$%])(?:\$\$)*[$%]\{/;

class Mapper {
  constructor(
    private readonly text: string,
    private readonly lines: LineIndex,
  ) {}

  span(start: number, end: number): NodeSpan {
    return { start: this.lines.position(start), end: this.lines.position(Math.max(start, end - 1)) };
  }

  root(node: Extract<JsonNode, { kind: 'object' }>): HclBody {
    const body: HclBody = { attributes: [], blocks: [] };
    for (const { key, value } of node.entries) {
      const labels = TOP_LEVEL_LABELS[key.value];
      if (labels === undefined) continue;
      this.blocks(body.blocks, key.value, [], labels, key, value, 0);
    }
    return body;
  }

  /**
   * The blocks of a type that a property's value stands for: `remaining` more levels of labels, each
   * an object keyed by the label (or an array of such objects), then a body (or an array of bodies).
   */
  blocks(
    out: HclBlock[],
    type: string,
    labels: string[],
    remaining: number,
    key: JsonEntry['key'],
    value: JsonNode,
    depth: number,
  ): void {
    if (value.kind === 'array') {
      for (const item of value.items) this.blocks(out, type, labels, remaining, key, item, depth);
      return;
    }
    if (value.kind !== 'object') return;
    if (remaining > 0) {
      for (const entry of value.entries) {
        if (entry.key.value === '//') continue;
        this.blocks(out, type, [...labels, entry.key.value], remaining - 1, entry.key, entry.value, depth);
      }
      return;
    }
    out.push({
      type,
      labels,
      // The innermost label (or the type's key): on the block's own line in a pretty-printed file.
      typeSpan: this.span(key.start, key.end),
      span: this.span(key.start, value.end),
      body: this.body(value, ATTRIBUTES_ONLY.has(type), depth + 1),
    });
  }

  body(node: Extract<JsonNode, { kind: 'object' }>, attributesOnly: boolean, depth: number): HclBody {
    const body: HclBody = { attributes: [], blocks: [] };
    for (const { key, value } of node.entries) {
      const name = key.value;
      if (name === '//') continue;
      const labels = attributesOnly ? undefined : NESTED_LABELS[name];
      if (labels !== undefined) {
        this.blocks(body.blocks, name, [], labels, key, value, depth);
        continue;
      }
      body.attributes.push(this.attribute(key, value));
      if (attributesOnly) continue;
      const objects = value.kind === 'array' ? value.items : [value];
      if (objects.length > 0 && objects.every((o) => o.kind === 'object'))
        this.blocks(body.blocks, name, [], 0, key, value, depth);
    }
    return body;
  }

  attribute(key: JsonEntry['key'], value: JsonNode): HclAttribute {
    return {
      name: key.value,
      nameSpan: this.span(key.start, key.end),
      span: this.span(key.start, value.end),
      value: this.value(value),
    };
  }

  value(node: JsonNode): HclValue {
    const span = this.span(node.start, node.end);
    const text = this.text.slice(node.start, node.end);
    switch (node.kind) {
      case 'string':
        if (INTERPOLATION.test(node.value)) return { kind: 'template', span, text };
        return {
          kind: 'string',
          value: node.value.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{'),
          span,
          text,
        };
      case 'number':
        return { kind: 'number', value: node.value, span, text };
      case 'bool':
        return { kind: 'bool', value: node.value, span, text };
      case 'null':
        return { kind: 'null', span, text };
      case 'array':
        return { kind: 'tuple', items: node.items.map((i) => this.value(i)), span, text };
      case 'object':
        return {
          kind: 'object',
          entries: node.entries.map(
            ({ key, value }): HclObjectEntry => ({
              key: INTERPOLATION.test(key.value) ? undefined : key.value,
              keySpan: this.span(key.start, key.end),
              value: this.value(value),
            }),
          ),
          span,
          text,
        };
    }
  }
}
