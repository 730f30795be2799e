import type {
  ConstructorOptions,
  Event,
  EVENT_ID as LIBRARY_EVENT_ID,
  SCALAR_STYLE as LIBRARY_SCALAR_STYLE,
} from 'js-yaml';
import { vendored } from '../vendored.js';
import { LineIndex, type Position } from './lines.js';

/**
 * js-yaml's event types. js-yaml itself is loaded on the first parse (src/core/vendored.ts); its
 * typings give each id as a literal, so the check below fails to compile if they ever change.
 */
const EVENT_ID = {
  DOCUMENT: 1,
  SEQUENCE: 2,
  MAPPING: 3,
  SCALAR: 4,
  ALIAS: 5,
  POP: 6,
} as const satisfies typeof LIBRARY_EVENT_ID;

/** Bounds applied to every YAML file read from the repository (untrusted input). */
const MAX_DEPTH = 100;
const MAX_ALIASES = 1000;
const MAX_MERGE_KEYS = 10_000;
/**
 * Bound on the number of nodes a document would have with every alias expanded. Aliases are shared,
 * not copied, when the value is built, but any consumer that walks the value (an audit, a schema
 * check, JSON.stringify) pays the expanded size: a "billion laughs" document of a few hundred bytes
 * expands to 10^40 nodes. Real configuration stays far below this.
 */
const MAX_EXPANDED_NODES = 200_000;

/** Where a node sits in the source; `key` is the position of the mapping key that holds it, if any. */
export interface NodeSpan {
  start: Position;
  end: Position;
  key?: Position;
}

/** One YAML document with its value and a JSON-pointer index of source positions. */
export interface YamlDocument {
  /** 0-based document index in the stream. */
  index: number;
  value: unknown;
  /** Position of the node at an RFC 6901 JSON pointer ("" is the root). */
  span(pointer: string): NodeSpan | undefined;
  /** The nearest ancestor (or self) of `pointer` that has a position. */
  nearestSpan(pointer: string): NodeSpan | undefined;
  /**
   * The keys of the mapping at `pointer` as written in the source (unescaped pointer tokens), in
   * source order. They can differ from the value's keys: YAML reads an unquoted `8.10` as the number
   * 8.1, so the value has the key "8.1" while the source has "8.10".
   */
  sourceKeys(pointer: string): string[];
  /**
   * For a value that is written elsewhere and reached through a YAML alias (`*name`): where it is
   * defined and the alias that brings it to `pointer`. Undefined for a value
   * written at its own place. GitHub expands aliases before it runs anything, so an audit reports the
   * expansion where it is used (the alias) and says where it is defined.
   */
  origin(pointer: string): YamlOrigin | undefined;
  /**
   * True when the value at `pointer` is written as a plain scalar without a tag (`privileged: yes`),
   * itself or at the anchor an alias names; false when it is written quoted, as a block scalar or
   * with a tag (`"yes"`, `!!str yes`). Undefined when no scalar is written for it (a collection, a
   * value a merge key brings). A YAML 1.1 reader (go-yaml v2: Kubernetes) resolves a plain `yes` or
   * `on` to a boolean, which this YAML 1.2 reader keeps as a string; only the style tells them apart.
   */
  plainScalar(pointer: string): boolean | undefined;
}

/** See {@link YamlDocument.origin}. */
export interface YamlOrigin {
  /** Pointer and span of the value where it is written (inside the anchored node). */
  pointer: string;
  span: NodeSpan;
  /** The alias through which the value is reached (the first one on the way). */
  alias: NodeSpan;
  /** The anchor's name, without `&`. */
  anchor: string;
}

export interface YamlError {
  message: string;
  line: number;
  column: number;
}

export type YamlResult = { ok: true; documents: YamlDocument[] } | { ok: false; error: YamlError };

/** Escapes one reference token of a JSON pointer. */
export function escapePointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Reverses {@link escapePointerToken}. */
export function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Joins tokens into a JSON pointer. */
export function pointer(...tokens: (string | number)[]): string {
  return tokens.map((t) => `/${escapePointerToken(t)}`).join('');
}

interface Frame {
  kind: 'map' | 'seq';
  pointer: string;
  start: number;
  end: number;
  /** For maps: the pending key (string) and its offset; `undefined` while reading a key. */
  pendingKey?: string;
  pendingKeyStart: number;
  /** For maps: true when the next event is a key. */
  expectKey: boolean;
  /** For sequences: the next item index. */
  nextIndex: number;
  /** Offset of the mapping key that holds this collection, or -1. */
  keyStart: number;
}

/** How one kind of file's reader reads YAML beyond the core schema. */
export interface YamlDialect {
  /**
   * Local tags (`!reset`) the file's own reader gives a meaning to, read here as if absent: the
   * tagged node keeps its value. Any other local tag is still an error.
   */
  ignoredTags?: readonly string[];
  /**
   * `last`: a key repeated in a mapping keeps its last value, as the file's reader does (Helm renders
   * a chart and client-go reads its output so), instead of being an error.
   */
  duplicateKeys?: 'last';
}

/**
 * Parses YAML text (one or more documents) into values plus exact positions. Never throws: a syntax
 * error, a duplicate key or an exceeded bound is returned as a located {@link YamlError}.
 */
export function parseYaml(text: string, filename?: string, dialect?: YamlDialect): YamlResult {
  const parsed = constructYaml(text, filename, dialect);
  if (!parsed.ok) return parsed;
  const { values, events, source, lines } = parsed;
  const indexes = indexPositions(events, source);
  const documents = values.map((value, index): YamlDocument => {
    const {
      spans: map,
      aliases,
      plain,
    } = indexes[index] ?? {
      spans: new Map(),
      aliases: new Map(),
      plain: new Map(),
    };
    const toSpan = (p: string): NodeSpan | undefined => {
      const raw = map.get(p);
      if (!raw) return undefined;
      const [start, end, key] = raw;
      const span: NodeSpan = { start: lines.position(start), end: lines.position(Math.max(start, end - 1)) };
      if (key >= 0) span.key = lines.position(key);
      return span;
    };
    return {
      index,
      value,
      span: toSpan,
      nearestSpan(p: string) {
        let current = p;
        for (;;) {
          const found = toSpan(current);
          if (found || current === '') return found;
          current = current.slice(0, current.lastIndexOf('/'));
        }
      },
      sourceKeys(p: string) {
        const prefix = `${p}/`;
        const keys: { key: string; at: number }[] = [];
        for (const [child, [, , keyStart]] of map) {
          if (keyStart < 0 || !child.startsWith(prefix) || child.indexOf('/', prefix.length) !== -1) continue;
          keys.push({ key: unescapePointerToken(child.slice(prefix.length)), at: keyStart });
        }
        return keys.sort((a, b) => a.at - b.at).map((k) => k.key);
      },
      origin(p: string) {
        if (aliases.size === 0 || (map.has(p) && !aliases.has(p))) return undefined;
        const found = resolveAlias(p, map, aliases);
        if (!found) return undefined;
        const span = toSpan(found.pointer);
        const alias = toSpan(found.alias);
        return span && alias ? { pointer: found.pointer, span, alias, anchor: found.anchor } : undefined;
      },
      plainScalar(p: string) {
        const own = plain.get(p);
        if (own !== undefined || aliases.size === 0) return own;
        const found = resolveAlias(p, map, aliases);
        return found ? plain.get(found.pointer) : undefined;
      },
    };
  });
  return { ok: true, documents };
}

/**
 * The values of YAML text's documents, parsed as {@link parseYaml} parses them, without the index of
 * their positions: what a check of an edit's outcome compares (see `verifyYaml`).
 */
export function parseYamlValues(
  text: string,
  filename?: string,
): { ok: true; values: unknown[] } | { ok: false; error: YamlError } {
  const parsed = constructYaml(text, filename);
  return parsed.ok ? { ok: true, values: parsed.values } : parsed;
}

/** The documents' values, the events and the text they were built from, or the located error. */
function constructYaml(
  text: string,
  filename?: string,
  dialect?: YamlDialect,
):
  | { ok: true; values: unknown[]; events: Event[]; source: string; lines: LineIndex }
  | { ok: false; error: YamlError } {
  const lines = new LineIndex(text);
  let events: Event[];
  // The text the events' offsets refer to: the file, or the file with deficient indentation mended
  // (same length, so every offset and position is the file's own).
  let source: string;
  try {
    ({ events, source } = lenientEvents(text, filename));
  } catch (err) {
    return { ok: false, error: toYamlError(err, lines) };
  }
  events = untagMergeKeys(events, source);
  if (dialect?.ignoredTags?.length) events = untagLocal(events, source, dialect.ignoredTags);
  const bomb = aliasExpansionError(events, source, lines);
  if (bomb) return { ok: false, error: bomb };
  let values: unknown[];
  try {
    const options: ConstructorOptions = {
      source,
      maxAliases: MAX_ALIASES,
      maxTotalMergeKeys: MAX_MERGE_KEYS,
      ...(filename ? { filename } : {}),
      ...(dialect?.duplicateKeys === 'last' ? { json: true } : {}),
    };
    values = vendored('js-yaml').constructFromEvents(events, options);
  } catch (err) {
    return { ok: false, error: toYamlError(err, lines) };
  }
  return { ok: true, values, events, source, lines };
}

/** The YAML 1.1 merge type's tag, as `!!merge` or in full; the only value it types is `<<`. */
const MERGE_TAG = /^(?:!!merge|!<tag:yaml\.org,2002:merge>)$/;

/**
 * The events with the tag dropped from each merge key written with it (`!!merge <<: *defaults`). YAML
 * 1.1 readers (go-yaml, PyYAML: Compose, kubectl, Helm) accept the tag, which only says what the plain
 * key `<<` already is; js-yaml's schema has no merge type and rejects the file. Untagged, the key is
 * the plain `<<` this reader keeps as an ordinary key (see `resolveMergeKeys` for the readers that
 * expand it). Any other use of the tag is left to fail as before. The events are not changed.
 */
function untagMergeKeys(events: Event[], source: string): Event[] {
  let out: Event[] | undefined;
  events.forEach((ev, i) => {
    if (ev.type !== EVENT_ID.SCALAR || ev.tagStart < 0) return;
    if (!MERGE_TAG.test(source.slice(ev.tagStart, ev.tagEnd))) return;
    if (source.slice(ev.valueStart, ev.valueEnd) !== '<<') return;
    out ??= events.slice();
    out[i] = { ...ev, tagStart: -1, tagEnd: -1 };
  });
  return out ?? events;
}

/**
 * The events with the given local tags dropped from every node that carries one (a scalar, a
 * mapping or a sequence), so the node is read as its untagged value. The events are not changed.
 */
function untagLocal(events: Event[], source: string, tags: readonly string[]): Event[] {
  let out: Event[] | undefined;
  events.forEach((ev, i) => {
    if (ev.type !== EVENT_ID.SCALAR && ev.type !== EVENT_ID.MAPPING && ev.type !== EVENT_ID.SEQUENCE) return;
    if (ev.tagStart < 0 || !tags.includes(source.slice(ev.tagStart, ev.tagEnd))) return;
    out ??= events.slice();
    out[i] = { ...ev, tagStart: -1, tagEnd: -1 };
  });
  return out ?? events;
}

/**
 * How many deficient lines one file may have mended before its error stands, and the largest text
 * that is mended at all: each mend parses the file again, so a hostile file could otherwise cost
 * many full parses. Real workflows have one or two such lines.
 */
const MAX_MENDED_LINES = 16;
const MAX_MENDED_TEXT = 256 * 1024;

/**
 * Parse events, accepting what GitHub's YAML reader accepts. The YAML spec requires every line of a
 * flow collection (and of a multi-line quoted scalar) to be indented more than the block that holds
 * it, and js-yaml 5 enforces it ("deficient indentation"); libyaml-style readers, GitHub's among them,
 * do not, so a workflow whose `needs: [` list closes with `]` at the key's indentation runs on GitHub.
 * Inside a flow collection a line break is only a separator, so the deficient line is joined to the
 * content before it: the break (and any comment-only lines and trailing comment between them) becomes
 * blanks of the same length. Offsets stay the file's own; any other error, or one the join does not
 * cure, is the original error.
 */
function lenientEvents(text: string, filename?: string): { events: Event[]; source: string } {
  const yaml = vendored('js-yaml');
  const options = { maxDepth: MAX_DEPTH, ...(filename ? { filename } : {}) };
  let source = text;
  let first: unknown;
  for (let mended = 0; ; mended++) {
    try {
      return { events: yaml.parseEvents(source, options), source };
    } catch (err) {
      first ??= err;
      const at = err instanceof yaml.YAMLException ? err.mark?.position : undefined;
      const next =
        mended < MAX_MENDED_LINES &&
        text.length <= MAX_MENDED_TEXT &&
        typeof at === 'number' &&
        /deficient indentation/.test(String(err))
          ? joinToPreviousContent(source, at)
          : undefined;
      if (next === undefined) throw first;
      source = next;
    }
  }
}

/**
 * Blanks the line break(s) before the line holding `at` (which must be the first character on its
 * line), the comment-only and blank lines above it and the trailing comment of the content line they
 * reach, so `at` continues that line. Undefined when `at` is not at the start of its line's content.
 */
function joinToPreviousContent(text: string, at: number): string | undefined {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  if (lineStart === 0 || !/^[ \t]*$/.test(text.slice(lineStart, at))) return undefined;
  const chars = text.split('');
  const blank = (from: number, to: number) => {
    for (let i = from; i < to; i++) chars[i] = ' ';
  };
  let end = lineStart - 1; // the line break before the deficient line
  for (;;) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    blank(end, end + 1);
    if (text[end - 1] === '\r') blank(end - 1, end);
    const line = text.slice(start, end).replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      if (start === 0) return chars.join('');
      blank(start, end);
      end = start - 1;
      continue;
    }
    const comment = trailingComment(line);
    if (comment >= 0) blank(start + comment, end);
    return chars.join('');
  }
}

/** Offset of a line's trailing comment (`#` after a blank, outside quotes), or -1. */
function trailingComment(line: string): number {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote === '"' && ch === '\\') i++;
    else if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) return i;
  }
  return -1;
}

/** Sizes every anchored node once and rejects a document whose aliases expand past the bound. */
function aliasExpansionError(events: Event[], text: string, lines: LineIndex): YamlError | undefined {
  if (!events.some((e) => e.type === EVENT_ID.ALIAS)) return undefined;
  const anchors = new Map<string, number>();
  // One counter per open collection: [expanded size so far, anchor name or '', start offset].
  const stack: [number, string, number][] = [];
  let total = 0;
  const add = (size: number, at: number): YamlError | undefined => {
    const top = stack[stack.length - 1];
    if (top) top[0] += size;
    else total += size;
    if (size > MAX_EXPANDED_NODES || total > MAX_EXPANDED_NODES || (top && top[0] > MAX_EXPANDED_NODES)) {
      const pos = lines.position(Math.max(0, at));
      return {
        message: `aliases expand to more than ${MAX_EXPANDED_NODES} nodes; refusing to expand it (a "billion laughs" document)`,
        line: pos.line,
        column: pos.column,
      };
    }
    return undefined;
  };
  const anchorOf = (start: number, end: number) => (start >= 0 ? text.slice(start, end) : '');
  for (const ev of events) {
    switch (ev.type) {
      case EVENT_ID.DOCUMENT:
        total = 0;
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE:
        stack.push([1, anchorOf(ev.anchorStart, ev.anchorEnd), ev.start]);
        break;
      case EVENT_ID.SCALAR: {
        const name = anchorOf(ev.anchorStart, ev.anchorEnd);
        if (name) anchors.set(name, 1);
        const err = add(1, ev.valueStart);
        if (err) return err;
        break;
      }
      case EVENT_ID.ALIAS: {
        const err = add(anchors.get(text.slice(ev.anchorStart, ev.anchorEnd)) ?? 1, ev.anchorStart);
        if (err) return err;
        break;
      }
      case EVENT_ID.POP: {
        const done = stack.pop();
        if (!done) break;
        if (done[1]) anchors.set(done[1], done[0]);
        const err = add(done[0], done[2]);
        if (err) return err;
        break;
      }
    }
  }
  return undefined;
}

function toYamlError(err: unknown, lines: LineIndex): YamlError {
  if (err instanceof vendored('js-yaml').YAMLException) {
    const mark = err.mark;
    if (mark && typeof mark.position === 'number' && mark.position >= 0) {
      const pos = lines.position(Math.min(mark.position, lines.length));
      return { message: err.reason || err.message, line: pos.line, column: pos.column };
    }
    return { message: err.reason || err.message, line: 1, column: 1 };
  }
  // js-yaml raises RangeError on pathological input before it can attach a mark.
  const message = err instanceof Error ? err.message : String(err);
  return { message, line: 1, column: 1 };
}

/** An alias's pointer -> the pointer of the anchored node it names, and the anchor's name. */
type AliasIndex = Map<string, { target: string; anchor: string }>;

/**
 * Follows `pointer` token by token through the source: a token that names a written child moves
 * there, and an alias moves to its anchored node. Undefined when the pointer is not reached through
 * an alias (or does not exist). Merge keys (`<<: *a`) are not expanded: GitHub's reader does not
 * support them, so `<<` stays an ordinary key in the value, as it is here.
 */
function resolveAlias(
  pointer: string,
  spans: Map<string, unknown>,
  aliases: AliasIndex,
): { pointer: string; alias: string; anchor: string } | undefined {
  let via: { alias: string; anchor: string } | undefined;
  let current = '';
  for (const token of pointer.split('/').slice(1)) {
    current = `${current}/${token}`;
    if (!spans.has(current)) return undefined;
    // Bounded: an alias names a node defined before it, so a chain cannot loop, but stay safe.
    for (let hops = 0; hops < 100; hops++) {
      const a = aliases.get(current);
      if (!a) break;
      via ??= { alias: current, anchor: a.anchor };
      current = a.target;
    }
  }
  return via && { pointer: current, ...via };
}

/** Per document: pointer -> [start, end, keyStart], the aliases, and which scalars are plain. */
interface PositionIndex {
  spans: Map<string, [number, number, number]>;
  aliases: AliasIndex;
  plain: Map<string, boolean>;
}

/** js-yaml's SCALAR_STYLE.PLAIN (a type-only import, like EVENT_ID). */
const PLAIN_STYLE = 1 satisfies typeof LIBRARY_SCALAR_STYLE.PLAIN;

/**
 * Walks the flat event stream once and records, per document, JSON pointer -> [start, end, keyStart]
 * as source offsets. Aliases are recorded at the alias itself (never expanded).
 */
function indexPositions(events: Event[], text: string): PositionIndex[] {
  const { getScalarValue } = vendored('js-yaml');
  const docs: PositionIndex[] = [];
  let map = new Map<string, [number, number, number]>();
  let aliases: AliasIndex = new Map();
  let plain = new Map<string, boolean>();
  // Anchor name -> pointer of the node that defines it (the latest definition wins, as in YAML).
  let anchors = new Map<string, string>();
  const stack: Frame[] = [];
  const anchorOf = (ev: { anchorStart: number; anchorEnd: number }, p: string) => {
    if (ev.anchorStart >= 0 && !p.includes('\u0000'))
      anchors.set(text.slice(ev.anchorStart, ev.anchorEnd), p);
  };

  /** Resolves where the node that starts now lives, and consumes the parent's slot. */
  const place = (): { p: string; key: number } | 'key' => {
    const parent = stack[stack.length - 1];
    if (!parent) return { p: '', key: -1 };
    if (parent.kind === 'seq') {
      const p = `${parent.pointer}/${parent.nextIndex}`;
      parent.nextIndex += 1;
      return { p, key: -1 };
    }
    if (parent.expectKey) return 'key';
    parent.expectKey = true;
    return {
      p: `${parent.pointer}/${escapePointerToken(parent.pendingKey ?? '')}`,
      key: parent.pendingKeyStart,
    };
  };
  const extend = (end: number) => {
    for (const frame of stack) if (end > frame.end) frame.end = end;
  };

  for (const ev of events) {
    switch (ev.type) {
      case EVENT_ID.DOCUMENT:
        map = new Map();
        aliases = new Map();
        anchors = new Map();
        plain = new Map();
        docs.push({ spans: map, aliases, plain });
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        const slot = place();
        if (slot === 'key') {
          // A complex (collection) key: positions below it are not addressable by pointer.
          const parent = stack[stack.length - 1]!;
          parent.expectKey = false;
          parent.pendingKey = '[complex key]';
          parent.pendingKeyStart = ev.start;
          stack.push(frame(ev.type === EVENT_ID.MAPPING ? 'map' : 'seq', '\u0000complex', ev.start));
          break;
        }
        extend(ev.start + 1);
        anchorOf(ev, slot.p);
        stack.push(frame(ev.type === EVENT_ID.MAPPING ? 'map' : 'seq', slot.p, ev.start, slot.key));
        break;
      }
      case EVENT_ID.SCALAR:
      case EVENT_ID.ALIAS: {
        let start = ev.type === EVENT_ID.SCALAR ? ev.valueStart : ev.anchorStart - 1;
        let end = ev.type === EVENT_ID.SCALAR ? ev.valueEnd : ev.anchorEnd;
        const slot = place();
        if (start < 0 && slot !== 'key') {
          // An empty value (`push:`) has no source range (-1); it is shown at its key, if it has one.
          if (slot.key < 0) break;
          start = slot.key;
          end = slot.key + 1;
        }
        if (slot === 'key') {
          const parent = stack[stack.length - 1]!;
          parent.expectKey = false;
          parent.pendingKey = ev.type === EVENT_ID.SCALAR ? getScalarValue(text, ev) : '[alias]';
          parent.pendingKeyStart = start;
          extend(end);
          break;
        }
        extend(end);
        if (slot.p.includes('\u0000')) break;
        map.set(slot.p, [start, end, slot.key]);
        if (ev.type === EVENT_ID.SCALAR) {
          anchorOf(ev, slot.p);
          plain.set(slot.p, ev.style === PLAIN_STYLE && ev.tagStart < 0);
        } else {
          const anchor = text.slice(ev.anchorStart, ev.anchorEnd);
          const target = anchors.get(anchor);
          if (target !== undefined) aliases.set(slot.p, { target, anchor });
        }
        break;
      }
      case EVENT_ID.POP: {
        const done = stack.pop();
        if (done && !done.pointer.includes('\u0000')) {
          map.set(done.pointer, [done.start, done.end, done.keyStart]);
        }
        break;
      }
    }
  }
  return docs;
}

function frame(kind: 'map' | 'seq', p: string, start: number, keyStart = -1): Frame {
  return {
    kind,
    pointer: p,
    start,
    end: start + 1,
    pendingKeyStart: -1,
    expectKey: true,
    nextIndex: 0,
    keyStart,
  };
}
