/**
 * Minimal, style-preserving edits of YAML text: add an entry to a mapping (block or flow, JSON
 * included), replace a scalar. Positions come from the parsed document's pointer index, so nothing is
 * re-serialised: comments, quoting, anchors and indentation outside the edited lines stay as written.
 * Every fix built with these is checked by {@link verifyYaml}: the edited text must parse to exactly
 * the intended value, or there is no fix.
 */
import type { TextEdit } from '../types.js';
import type { LineIndex, Position } from '../workspace/lines.js';
import { escapePointerToken, parseYamlValues, type YamlDocument } from '../workspace/yaml.js';
import { applyEdits, lineBreak } from './edits.js';

/** A value to write: a scalar, or a mapping as ordered entries. */
export type YamlValue = string | boolean | number | YamlEntry[];

/** One entry to write; `comment` is written after a scalar in block style only. */
export interface YamlEntry {
  key: string;
  value: YamlValue;
  comment?: string;
}

/** Where a new entry goes in a block mapping: before the first of `before` present, else after `after`, else last. */
export interface Placement {
  before?: readonly string[];
  after?: string;
}

/** Edits of one YAML document of one file's text. */
export class YamlEditor {
  readonly eol: '\n' | '\r\n';

  constructor(
    readonly text: string,
    readonly lines: LineIndex,
    readonly doc: YamlDocument,
  ) {
    this.eol = lineBreak(text);
  }

  offset(pos: Position): number {
    return this.lines.lineStart(pos.line) + pos.column - 1;
  }

  /** Whether the node at `pointer` is written where it is (not reached through an alias). */
  editable(pointer: string): boolean {
    return this.doc.span(pointer) !== undefined && this.doc.origin(pointer) === undefined;
  }

  /** Whether the collection at `pointer` is written in flow style (`{...}`, `[...]`). */
  isFlow(pointer: string): boolean {
    const span = this.doc.span(pointer);
    if (!span) return false;
    const ch = this.text[this.offset(span.start)];
    return ch === '{' || ch === '[';
  }

  /** Replaces the scalar at `pointer` with `value`, written in the style its context needs. */
  replaceScalar(pointer: string, value: YamlValue): TextEdit | undefined {
    const span = this.doc.span(pointer);
    if (!span || !this.editable(pointer) || typeof value === 'object') return undefined;
    const start = this.offset(span.start);
    const end = this.offset(span.end) + 1;
    const flow = this.insideFlow(pointer);
    return { start, end, text: this.scalar(value, flow, this.jsonKeys(pointer)) };
  }

  /**
   * Replaces the scalar at `pointer` (a mapping's value) with a mapping: block entries on the lines
   * below its key, or `{ ... }` in flow context or when empty.
   */
  replaceWithMapping(pointer: string, entries: YamlEntry[]): TextEdit | undefined {
    const span = this.doc.span(pointer);
    if (!span?.key || !this.editable(pointer)) return undefined;
    const start = this.offset(span.start);
    const end = this.offset(span.end) + 1;
    if (entries.length === 0) return { start, end, text: '{}' };
    if (this.insideFlow(pointer)) {
      const json = this.jsonKeys(pointer.slice(0, pointer.lastIndexOf('/')));
      return { start, end, text: `{ ${entries.map((e) => this.flowEntry(e, json)).join(', ')} }` };
    }
    const colon = this.text.indexOf(':', this.offset(span.key));
    if (colon < 0 || colon >= start || !/^[ \t]*$/.test(this.text.slice(colon + 1, start))) return undefined;
    const indent = span.key.column - 1 + this.indentUnit();
    const lines = entries.flatMap((e) => this.blockLines(e, indent));
    return { start: colon + 1, end, text: `${this.eol}${lines.join(this.eol)}` };
  }

  /** Adds entries to the mapping at `pointer`; undefined when the mapping cannot be edited safely. */
  insertEntry(pointer: string, entry: YamlEntry | YamlEntry[], where: Placement = {}): TextEdit | undefined {
    const span = this.doc.span(pointer);
    const value = this.valueAt(pointer);
    const list = Array.isArray(entry) ? entry : [entry];
    if (!span || !this.editable(pointer) || !isMap(value) || list.length === 0) return undefined;
    return this.isFlow(pointer) ? this.insertFlow(pointer, list) : this.insertBlock(pointer, list, where);
  }

  /** The keys of the mapping at `pointer` in source order, with their child pointers. */
  entries(pointer: string): { key: string; pointer: string }[] {
    // From the value's keys and the span index (not YamlDocument.sourceKeys, which scans every
    // position of the document): cheap enough to ask once per fix in a file of thousands of fixes.
    const value = this.valueAt(pointer);
    if (!isMap(value)) return [];
    const out = Object.keys(value).map((key) => {
      const child = `${pointer}/${escapePointerToken(key)}`;
      const at = this.doc.span(child)?.key;
      return { key, pointer: child, at: at ? this.offset(at) : -1 };
    });
    return out.sort((a, b) => a.at - b.at).map(({ key, pointer: p }) => ({ key, pointer: p }));
  }

  /** The 0-based column of a block mapping's keys. */
  indentOf(pointer: string): number {
    const first = this.entries(pointer)[0];
    const at = first && this.doc.span(first.pointer)?.key;
    return (at ?? this.doc.span(pointer)?.start ?? { column: 1 }).column - 1;
  }

  private unit: number | undefined;

  /** How far a nested block mapping is indented in this file: the first example found, else 2. */
  indentUnit(): number {
    this.unit ??= this.findUnit();
    return this.unit;
  }

  private findUnit(): number {
    const m = /^([ ]*)[^\s#-][^\n]*:[ \t]*(?:#[^\n]*)?\r?\n\1([ ]+)[^\s#]/m.exec(this.text);
    const unit = m?.[2]?.length ?? 2;
    return unit >= 1 && unit <= 8 ? unit : 2;
  }

  private insertBlock(pointer: string, list: YamlEntry[], where: Placement): TextEdit | undefined {
    const keys = this.entries(pointer);
    if (keys.length === 0) return undefined;
    const indent = this.indentOf(pointer);
    const body = list.flatMap((e) => this.blockLines(e, indent)).join(this.eol) + this.eol;
    for (const name of where.before ?? []) {
      const hit = keys.find((k) => k.key === name);
      const at = hit && this.doc.span(hit.pointer)?.key;
      if (!at) continue;
      const lineStart = this.lines.lineStart(at.line);
      // The first key of a sequence item shares its line with `- `: nothing can go before it.
      if (this.text.slice(lineStart, this.offset(at)).trim() !== '') continue;
      const start = this.aboveComments(at.line);
      return { start, end: start, text: body };
    }
    const anchor = (where.after && keys.find((k) => k.key === where.after)) || keys[keys.length - 1]!;
    const end = this.valueEndLine(anchor.pointer);
    if (end === undefined) return undefined;
    return this.insertAfterLine(end, body);
  }

  private insertFlow(pointer: string, list: YamlEntry[]): TextEdit | undefined {
    const span = this.doc.span(pointer)!;
    const close = matchingClose(this.text, this.offset(span.start));
    if (close === undefined || this.text[close] !== '}') return undefined;
    const json = this.jsonKeys(pointer);
    const item = list.map((e) => this.flowEntry(e, json)).join(', ');
    let p = close - 1;
    while (p >= 0 && /\s/.test(this.text[p]!)) p--;
    if (this.text[p] === '{') return { start: p + 1, end: close, text: json ? item : ` ${item} ` };
    const comma = this.text[p] === ',';
    const lastLine = this.lines.position(p).line;
    if (lastLine !== this.lines.position(close).line) {
      // One entry per line (pretty JSON): the new one on a line of its own, indented like the last.
      const keys = this.entries(pointer);
      const lastKey = keys.length > 0 ? this.doc.span(keys[keys.length - 1]!.pointer)?.key : undefined;
      const indent = lastKey ? (/^[ \t]*/.exec(this.lineText(lastKey.line))?.[0] ?? '') : '';
      return { start: p + 1, end: p + 1, text: `${comma ? '' : ','}${this.eol}${indent}${item}` };
    }
    return { start: p + 1, end: p + 1, text: `${comma ? '' : ','} ${item}` };
  }

  /** The line after which text is inserted: the last non-blank line of the value at `pointer`. */
  valueEndLine(pointer: string): number | undefined {
    const span = this.doc.span(pointer);
    if (!span) return undefined;
    let line = span.end.line;
    const start = this.offset(span.start);
    if (this.text[start] === '{' || this.text[start] === '[') {
      const close = matchingClose(this.text, start);
      if (close === undefined) return undefined;
      line = this.lines.position(close).line;
    }
    const first = span.key?.line ?? span.start.line;
    while (line > first && this.lineText(line).trim() === '') line--;
    return line;
  }

  /** An insertion of whole lines after line `line`. */
  insertAfterLine(line: number, body: string): TextEdit {
    if (line >= this.lines.lineCount) {
      const end = this.text.length;
      const text =
        this.text.endsWith('\n') || end === 0 ? body : `${this.eol}${body.slice(0, -this.eol.length)}`;
      return { start: end, end, text };
    }
    const start = this.lines.lineStart(line + 1);
    return { start, end: start, text: body };
  }

  /** The start of the comment lines directly above `line` (comments belong to what follows them). */
  aboveComments(line: number): number {
    let first = line;
    while (first > 1 && /^\s*#/.test(this.lineText(first - 1))) first--;
    return this.lines.lineStart(first);
  }

  lineText(line: number): string {
    const start = this.lines.lineStart(line);
    const next = line < this.lines.lineCount ? this.lines.lineStart(line + 1) : this.text.length;
    return this.text.slice(start, next).replace(/\r?\n$/, '');
  }

  /** The lines of an entry in block style at `indent` columns. */
  blockLines(entry: YamlEntry, indent: number): string[] {
    const pad = ' '.repeat(indent);
    const key = this.scalar(entry.key, false, false);
    if (Array.isArray(entry.value)) {
      if (entry.value.length === 0) return [`${pad}${key}: {}`];
      const unit = this.indentUnit();
      return [`${pad}${key}:`, ...entry.value.flatMap((e) => this.blockLines(e, indent + unit))];
    }
    const comment = entry.comment ? ` # ${entry.comment.replace(/[\r\n]+/g, ' ')}` : '';
    return [`${pad}${key}: ${this.scalar(entry.value, false, false)}${comment}`];
  }

  /** An entry in flow style (`key: value`, `"key": value` in JSON). */
  flowEntry(entry: YamlEntry, json: boolean): string {
    const key = this.scalar(entry.key, true, json);
    if (Array.isArray(entry.value)) {
      const inner = entry.value.map((e) => this.flowEntry(e, json)).join(', ');
      return `${key}: ${inner ? (json ? `{${inner}}` : `{ ${inner} }`) : '{}'}`;
    }
    return `${key}: ${this.scalar(entry.value, true, json)}`;
  }

  /** A scalar written so that it reads back as `value` (plain when that is safe). */
  scalar(value: string | boolean | number, flow: boolean, json: boolean): string {
    if (typeof value !== 'string') return String(value);
    if (json) return JSON.stringify(value);
    if (isPlainSafe(value, flow)) return value;
    return /[\n\r\t\\]/.test(value) ? JSON.stringify(value) : `'${value.replace(/'/g, "''")}'`;
  }

  /** Whether the mapping at `pointer` (or holding it) writes its keys as JSON strings. */
  private jsonKeys(pointer: string): boolean {
    const keys = this.entries(pointer);
    const first = keys[0] && this.doc.span(keys[0].pointer)?.key;
    if (!first || !this.isFlow(pointer)) return false;
    // A quoted key's position may be its first character or its quote.
    const at = this.offset(first);
    return this.text[at] === '"' || this.text[at - 1] === '"';
  }

  private insideFlow(pointer: string): boolean {
    const parent = pointer.slice(0, pointer.lastIndexOf('/'));
    return this.isFlow(parent);
  }

  private valueAt(pointer: string): unknown {
    let value: unknown = this.doc.value;
    for (const raw of pointer.split('/').slice(1)) {
      const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (value === null || typeof value !== 'object') return undefined;
      value = (value as Record<string, unknown>)[token];
    }
    return value;
  }
}

/**
 * The offset of the bracket that closes the flow collection opened at `open`: quoted scalars and
 * comments are skipped, and plain scalars cannot hold brackets in flow context.
 */
export function matchingClose(text: string, open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (ch === "'") {
      for (i++; i < text.length; i++) {
        if (text[i] === "'" && text[i + 1] === "'") i++;
        else if (text[i] === "'") break;
      }
    } else if (ch === '#' && /\s/.test(text[i - 1] ?? '')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return undefined;
}

/** Words YAML reads as something other than a string. */
const NON_STRING =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|[-+]?(?:\.inf|\.Inf|\.INF)|\.nan|\.NaN|\.NAN|[-+]?[0-9][0-9_.:eExXoObB+-]*)$/;

function isPlainSafe(value: string, flow: boolean): boolean {
  if (value === '' || value !== value.trim() || NON_STRING.test(value)) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(value) || /[\r\n\t]/.test(value)) return false;
  if (value.includes(': ') || value.includes(' #') || value.endsWith(':')) return false;
  return !(flow && /[,[\]{}]/.test(value));
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether `edits` turn `text` into YAML whose documents equal `expected` (order of mapping keys
 * aside): the edit must do exactly what it intends and nothing else.
 */
export function verifyYaml(text: string, edits: readonly TextEdit[], expected: readonly unknown[]): boolean {
  const after = parseYamlValues(applyEdits(text, edits));
  if (!after.ok || after.values.length !== expected.length) return false;
  return after.values.every((value, i) => deepEqual(value, expected[i]));
}

/** Structural equality of parsed YAML values; mapping key order does not matter. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && deepEqual((a as Record<string, unknown>)[k], rb[k]));
}

/**
 * A deep copy of parsed YAML values, to describe what an edit should produce. A node reached twice
 * (an alias) is one node in the copy too, as in the parse: an edit meant for one place then shows
 * in the other, and the verification refuses it. Mappings, sequences and scalars are copied here
 * (`structuredClone` costs a module load of its own on first use, a few milliseconds of a pull
 * request's run); anything else (a timestamp) is left to `structuredClone`.
 */
export function cloneYaml<T>(value: T, seen = new Map<object, unknown>()): T {
  if (typeof value !== 'object' || value === null) return value;
  const known = seen.get(value);
  if (known !== undefined) return known as T;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const v of value) copy.push(cloneYaml(v, seen));
    return copy as T;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) {
    const copy = structuredClone(value);
    seen.set(value, copy);
    return copy;
  }
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const [k, v] of Object.entries(value)) {
    // A `__proto__` key is data: assigned, it would set the copy's prototype instead.
    if (k === '__proto__') {
      Object.defineProperty(copy, k, {
        value: cloneYaml(v, seen),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else copy[k] = cloneYaml(v, seen);
  }
  return copy as T;
}

/** Sets `value` at a JSON pointer inside a cloned document (creating mappings on the way). */
export function setAt(root: unknown, pointer: string, value: unknown): void {
  const tokens = pointer
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = root as Record<string, unknown>;
  for (const t of tokens.slice(0, -1)) {
    const next = node[t];
    if (next === null || typeof next !== 'object') node[t] = {};
    node = node[t] as Record<string, unknown>;
  }
  const last = tokens[tokens.length - 1];
  if (last !== undefined) node[last] = value;
}
