/**
 * Properties of the YAML reader with positions (src/core/workspace/yaml.ts): it never throws on any
 * text, its errors are located inside the text, and for documents js-yaml's `dump` writes it returns
 * the dumped value with a span for every node that points at exactly the source of that node.
 */
import fc from 'fast-check';
import { dump, load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { LineIndex } from '../../src/core/workspace/lines.js';
import { type NodeSpan, parseYaml, pointer } from '../../src/core/workspace/yaml.js';

/** Fragments that make YAML parsers work: indicators, anchors, tags, quotes, block headers, breaks. */
const yamlSoup = fc
  .array(
    fc.constantFrom(
      '- ',
      '-',
      ': ',
      ':',
      '? ',
      '{',
      '}',
      '[',
      ']',
      ',',
      '&a ',
      '*a',
      '*b',
      '!!str ',
      '!!map',
      '!x ',
      '<<: ',
      '|',
      '|-',
      '>+',
      '|2',
      "'",
      "''",
      '"',
      '\\',
      '\\u',
      '#',
      ' #c',
      '\n',
      '\r\n',
      '\r',
      '  ',
      '    ',
      '\t',
      '---',
      '---\n',
      '...\n',
      '%YAML 1.2\n',
      '%TAG ! x\n',
      'key',
      '8.10',
      '~',
      'null',
      'true',
      '0x1F',
      '@',
      '`',
      '\ufeff',
      '\u0000',
      '\u2028',
      'é',
      '😀',
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

/** Any text: YAML-like soup, arbitrary Unicode (lone surrogates included) and decoded byte soup. */
const anyText = fc.oneof(
  yamlSoup,
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('utf8')),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
);

/** Offsets [start, end] (end inclusive) of a span in `lines`, and whether it lies inside the text. */
function offsets(span: NodeSpan, lines: LineIndex): [number, number] {
  return [
    lines.lineStart(span.start.line) + span.start.column - 1,
    lines.lineStart(span.end.line) + span.end.column - 1,
  ];
}

function expectInside(span: NodeSpan, text: string, lines: LineIndex, where: string): void {
  for (const p of [span.start, span.end, ...(span.key ? [span.key] : [])]) {
    expect(p.line, where).toBeGreaterThanOrEqual(1);
    expect(p.line, where).toBeLessThanOrEqual(lines.lineCount);
    expect(p.column, where).toBeGreaterThanOrEqual(1);
  }
  const [a, b] = offsets(span, lines);
  expect(a, where).toBeLessThanOrEqual(b);
  // At most one past the end: an empty block scalar at the end of the text (`key: |`) sits there.
  expect(b, where).toBeLessThanOrEqual(text.length);
  if (span.key) expect(lines.lineStart(span.key.line) + span.key.column - 1, where).toBeLessThanOrEqual(a);
}

/** Every JSON pointer of a value, parents before children, at most `max` (aliases share nodes). */
function pointers(value: unknown, max = 2000): { p: string; v: unknown }[] {
  const out: { p: string; v: unknown }[] = [];
  const queue: { tokens: (string | number)[]; v: unknown }[] = [{ tokens: [], v: value }];
  while (queue.length > 0 && out.length < max) {
    const { tokens, v } = queue.shift()!;
    out.push({ p: pointer(...tokens), v });
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) queue.push({ tokens: [...tokens, i], v: v[i] });
    } else if (v && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array))
      for (const [k, x] of Object.entries(v)) queue.push({ tokens: [...tokens, k], v: x });
  }
  return out;
}

const isContainer = (v: unknown) => v !== null && typeof v === 'object';

describe('parseYaml on any text', () => {
  it('never throws; an error is located on a line and column of the text', () => {
    let errors = 0;
    fc.assert(
      fc.property(anyText, (text) => {
        const lines = new LineIndex(text);
        const result = parseYaml(text, 'x.yml');
        if (result.ok) {
          for (const doc of result.documents) {
            for (const { p } of pointers(doc.value)) {
              const span = doc.span(p);
              if (span) expectInside(span, text, lines, `${p} in ${JSON.stringify(text)}`);
            }
          }
          return;
        }
        errors += 1;
        const { line, column, message } = result.error;
        const where = JSON.stringify(text);
        expect(typeof message, where).toBe('string');
        expect(message.length, where).toBeGreaterThan(0);
        expect(Number.isInteger(line) && Number.isInteger(column), where).toBe(true);
        expect(line, where).toBeGreaterThanOrEqual(1);
        expect(line, where).toBeLessThanOrEqual(lines.lineCount);
        expect(column, where).toBeGreaterThanOrEqual(1);
        // At most one past the end of its line (an error at the end of a line or of the text).
        const start = lines.lineStart(line);
        const nl = text.indexOf('\n', start);
        expect(column, where).toBeLessThanOrEqual((nl === -1 ? text.length : nl) - start + 1);
      }),
      { numRuns: 3000, seed: 20260101 },
    );
    // The generators reach the error path often (not a property that holds vacuously).
    expect(errors).toBeGreaterThan(300);
  });
});

/** Strings that need quoting, escapes or block styles when dumped. */
const trickyString = fc.string({
  unit: fc.oneof(
    {
      weight: 5,
      arbitrary: fc.constantFrom('a', 'b', ' ', '-', ':', '#', "'", '"', '\\', '|', '>', '&', '*'),
    },
    { weight: 2, arbitrary: fc.constantFrom('\n', '\t', '\r', '\u0085', '\u2028', '\ufeff', '\u0000') },
    {
      weight: 1,
      arbitrary: fc.constantFrom('é', '😀', '~', '!', '%', '@', '`', '{', '}', '[', ']', ',', '?'),
    },
    { weight: 1, arbitrary: fc.constantFrom('true', 'null', '8.10', '0x1F', '1e3', '.inf', 'yes', '~') },
  ),
  maxLength: 30,
});
const leaf = fc.oneof(
  { weight: 4, arbitrary: trickyString },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null)),
  },
);
// U+0000 is left out of keys: yaml.ts marks the pointers below a complex key with it, so a key that
// holds one has no span (nor has anything under it); `nearestSpan` falls back to the parent.
const key = fc
  .oneof(trickyString, fc.string({ unit: 'grapheme', maxLength: 8 }))
  .map((k) => k.replace(/\u0000/g, '0'));
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { maxLength: 5 }),
    fc.dictionary(key, tie('node'), { maxKeys: 5, noNullPrototype: true }),
  ),
})).node;
const dumpOptions = fc.record(
  {
    indent: fc.constantFrom(2, 4),
    flowLevel: fc.constantFrom(-1, 0, 1, 2),
    lineWidth: fc.constantFrom(80, 20, -1),
    noArrayIndent: fc.boolean(),
    quotingType: fc.constantFrom("'" as const, '"' as const),
    forceQuotes: fc.boolean(),
  },
  { requiredKeys: [] },
);

/**
 * The source of a scalar from its span: the span covers the characters of the value (inside the
 * quotes of a quoted scalar, the lines after the header of a block scalar). Returns YAML text that
 * must load as exactly that scalar.
 */
function scalarSources(text: string, a: number, b: number): { yaml: string; wrapped: boolean }[] {
  const slice = text.slice(a, b + 1);
  const out = [{ yaml: slice, wrapped: false }];
  const q = text[a - 1];
  if (q === "'" || q === '"') {
    // Non-empty: the span is the content and the quotes surround it; empty: it is the closing quote.
    if (text[b + 1] === q) out.push({ yaml: text.slice(a - 1, b + 2), wrapped: false });
    if (text[a] === q) out.push({ yaml: text.slice(a - 1, a + 1), wrapped: false });
  }
  if (a > 0 && text[a - 1] === '\n') {
    // A block scalar: its header (`key: |-`, `- >2`) is the line before. The header line and the
    // span, with their original indentation, hold the scalar and nothing else.
    const header = text.slice(text.lastIndexOf('\n', a - 2) + 1, a - 1);
    if (/[|>][0-9+-]*$/.test(header)) out.push({ yaml: `${header}\n${slice}`, wrapped: true });
  }
  return out;
}

/** The quoted scalar whose content starts at `k` (or that is empty, `k` being its closing quote). */
function quotedAt(text: string, k: number): string | undefined {
  const q = text[k - 1];
  if (q !== "'" && q !== '"') return undefined;
  for (let i = k; i < text.length; i++) {
    if (q === '"' && text[i] === '\\') i++;
    else if (q === "'" && text[i] === "'" && text[i + 1] === "'") i++;
    else if (text[i] === q) return text.slice(k - 1, i + 1);
  }
  return undefined;
}

function scalarLeaves(v: unknown): unknown[] {
  if (Array.isArray(v)) return v.flatMap(scalarLeaves);
  if (v && typeof v === 'object') return Object.values(v).flatMap(scalarLeaves);
  return [v];
}

function loadsAs(yaml: string, expected: unknown, wrapped: boolean): boolean {
  let v: unknown;
  try {
    v = load(yaml);
  } catch {
    return false;
  }
  if (wrapped) {
    const found = scalarLeaves(v);
    return found.length === 1 && Object.is(found[0], expected);
  }
  return Object.is(v, expected) || (typeof v === 'number' && Number.isNaN(v) && Number.isNaN(expected));
}

describe('parseYaml on what js-yaml dumps', () => {
  it('returns the value, and a span for every node that points at its source', () => {
    let blockScalars = 0;
    let quoted = 0;
    fc.assert(
      fc.property(value, dumpOptions, (v, options) => {
        const text = dump(v, options);
        const result = parseYaml(text);
        if (!result.ok) throw new Error(`${result.error.message} at ${result.error.line} in ${text}`);
        expect(result.documents).toHaveLength(1);
        const doc = result.documents[0]!;
        expect(doc.value).toEqual(v);
        const lines = new LineIndex(text);
        const nodes = pointers(v);
        const byPointer = new Map(nodes.map((n) => [n.p, n.v]));
        for (const { p, v: node } of nodes) {
          const where = `${p} in ${JSON.stringify(text)}`;
          const span = doc.span(p);
          if (!span) throw new Error(`no span for ${where}`);
          expectInside(span, text, lines, where);
          const [a, b] = offsets(span, lines);
          const parent = p.slice(0, p.lastIndexOf('/'));
          if (p !== '') {
            // Inside the parent's span. Spans of quoted scalars cover the content, not the quotes, and
            // so do the ends of their parents; an empty quoted scalar is shown at its closing quote,
            // one past where its parent's span ends.
            const [pa, pb] = offsets(doc.span(parent)!, lines);
            expect(a, where).toBeGreaterThanOrEqual(pa);
            expect(b, where).toBeLessThanOrEqual(node === '' && a === b ? pb + 1 : pb);
          }
          if (!isContainer(node)) {
            const sources = scalarSources(text, a, b);
            const ok = sources.find((s) => loadsAs(s.yaml, node, s.wrapped));
            expect(ok, `${where}: ${JSON.stringify(sources)} is not ${JSON.stringify(node)}`).toBeDefined();
            if (ok?.wrapped) blockScalars += 1;
            else if (ok && ok.yaml !== text.slice(a, b + 1)) quoted += 1;
          }
          const parentValue = p === '' ? undefined : byPointer.get(parent);
          if (isContainer(parentValue) && !Array.isArray(parentValue)) {
            // A mapping entry: its key position starts the key's source (the content, for a quoted
            // key, as for values), which loads as exactly the key.
            expect(span.key, where).toBeDefined();
            const k = lines.lineStart(span.key!.line) + span.key!.column - 1;
            const token = p
              .slice(p.lastIndexOf('/') + 1)
              .replace(/~1/g, '/')
              .replace(/~0/g, '~');
            const keySource = quotedAt(text, k) ?? text.slice(k, k + token.length);
            expect(load(keySource), `key of ${where}: ${JSON.stringify(keySource)}`).toBe(token);
          }
        }
      }),
      { numRuns: 1000, seed: 42 },
    );
    // Both indirect forms were exercised, not only plain scalars.
    expect(blockScalars).toBeGreaterThan(30);
    expect(quoted).toBeGreaterThan(30);
  });
});
