/**
 * Maps offsets inside a decoded YAML string scalar back to the source text, so that something found
 * inside a value (a `${{ }}` expression in a `run: |` block, a `curl | sh` in a folded script) is
 * reported at its own line and column rather than at the start of the value.
 *
 * The position index (workspace/yaml.ts) gives each scalar's source range but not its style, and
 * decoding differs per style (indentation, line folding, quote and backslash escapes). So the style is
 * read from the source around the range, the scalar is re-decoded here while recording where each
 * character came from, and the result is only trusted when it equals the value js-yaml decoded. When it
 * does not (an unusual indentation indicator, a value reached through an alias or merge key), every
 * offset maps to the scalar's start and `exact` is false: still the right value, at a coarser place.
 */

export interface ScalarMap {
  /** True when every decoded offset maps to the source character it came from. */
  exact: boolean;
  /** Source offset of decoded offset `i` (an offset past the end maps to the scalar's end). */
  offset(i: number): number;
}

interface Decoded {
  text: string;
  map: number[];
}

/**
 * Maps the decoded `value` of the scalar whose source range is [start, end) in `source` (the range
 * the YAML parser reports: the text between quotes, or the lines of a block scalar).
 */
export function mapScalar(source: string, start: number, end: number, value: string): ScalarMap {
  for (const decoded of decode(source, start, end)) {
    if (!sameContent(decoded.text, value)) continue;
    const { map } = decoded;
    return { exact: true, offset: (i) => (i >= 0 && i < map.length ? map[i]! : end) };
  }
  return { exact: false, offset: () => start };
}

/** Candidate decodings of the range, by the style its surroundings show. */
function decode(source: string, start: number, end: number): Decoded[] {
  if (start < 0 || end > source.length || start > end) return [];
  const before = source[start - 1];
  if (before === '"') return [decodeFlow(source, start, end, 'double')];
  if (before === "'") return [decodeFlow(source, start, end, 'single')];
  if (start === 0 || before === '\n') {
    const header = blockHeader(source, start);
    if (header) return decodeBlock(source, start, end, header);
  }
  return [decodeFlow(source, start, end, 'plain')];
}

/** Block scalars keep or drop trailing line breaks by their chomping indicator; content is the rest. */
function sameContent(a: string, b: string): boolean {
  return a.replace(/\n+$/, '') === b.replace(/\n+$/, '');
}

interface Header {
  folded: boolean;
  explicitIndent: boolean;
}

/** The `|` / `>` header on the last non-blank line before a block scalar's content. */
function blockHeader(source: string, start: number): Header | undefined {
  let lineEnd = start - 1;
  while (lineEnd > 0) {
    const lineStart = source.lastIndexOf('\n', lineEnd - 1) + 1;
    const line = source.slice(lineStart, lineEnd).replace(/\r$/, '');
    if (line.trim() !== '') {
      const m = /(?:^|[\s:?-])([|>])([1-9][+-]?|[+-][1-9]?)?[ \t]*(?:#.*)?$/.exec(line);
      if (!m) return undefined;
      return { folded: m[1] === '>', explicitIndent: /[1-9]/.test(m[2] ?? '') };
    }
    lineEnd = lineStart - 1;
  }
  return undefined;
}

interface Line {
  /** Offset of the first character and of the line break (or the range end). */
  start: number;
  end: number;
}

function splitLines(source: string, start: number, end: number): Line[] {
  const lines: Line[] = [];
  let at = start;
  while (at < end) {
    let nl = source.indexOf('\n', at);
    if (nl === -1 || nl >= end) nl = end;
    const stop = nl > at && source[nl - 1] === '\r' ? nl - 1 : nl;
    lines.push({ start: at, end: stop });
    at = nl + 1;
  }
  return lines;
}

function decodeBlock(source: string, start: number, end: number, header: Header): Decoded[] {
  const lines = splitLines(source, start, end);
  const first = lines.find((l) => source.slice(l.start, l.end).trim() !== '');
  if (!first) return [{ text: '', map: [] }];
  const auto = indentOf(source, first);
  // An explicit indentation indicator counts from the parent's indentation, which is not known here:
  // try every indentation up to the detected one; the caller keeps the decoding that matches.
  const candidates = header.explicitIndent ? Array.from({ length: auto + 1 }, (_, i) => auto - i) : [auto];
  return candidates.map((indent) =>
    header.folded ? folded(source, lines, indent) : literal(source, lines, indent),
  );
}

function indentOf(source: string, line: Line): number {
  let i = line.start;
  while (i < line.end && source[i] === ' ') i++;
  return i - line.start;
}

function literal(source: string, lines: Line[], indent: number): Decoded {
  const text: string[] = [];
  const map: number[] = [];
  for (const line of lines) {
    for (let i = Math.min(line.start + indent, line.end); i < line.end; i++) {
      text.push(source[i]!);
      map.push(i);
    }
    text.push('\n');
    map.push(line.end);
  }
  return { text: text.join(''), map };
}

/** Folded block: single breaks between normal lines become spaces; more-indented lines keep theirs. */
function folded(source: string, lines: Line[], indent: number): Decoded {
  const text: string[] = [];
  const map: number[] = [];
  const content = lines.map((l) => ({ ...l, from: Math.min(l.start + indent, l.end) }));
  const isEmpty = (l: (typeof content)[number]) => l.from >= l.end;
  const moreIndented = (l: (typeof content)[number]) => source[l.from] === ' ' || source[l.from] === '\t';
  let i = 0;
  // Leading empty lines are kept as line breaks.
  while (i < content.length && isEmpty(content[i]!)) {
    text.push('\n');
    map.push(content[i]!.end);
    i++;
  }
  while (i < content.length) {
    const line = content[i]!;
    for (let k = line.from; k < line.end; k++) {
      text.push(source[k]!);
      map.push(k);
    }
    let j = i + 1;
    while (j < content.length && isEmpty(content[j]!)) j++;
    const breaks = [line.end, ...content.slice(i + 1, j).map((l) => l.end)];
    if (j >= content.length) {
      text.push('\n');
      map.push(line.end);
      break;
    }
    const keep = moreIndented(line) || moreIndented(content[j]!);
    if (breaks.length === 1 && !keep) {
      text.push(' ');
      map.push(line.end);
    } else {
      for (const b of keep ? breaks : breaks.slice(1)) {
        text.push('\n');
        map.push(b);
      }
    }
    i = j;
  }
  return { text: text.join(''), map };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};
const HEX_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

/**
 * Plain and quoted scalars: line breaks fold to a space (or to n-1 newlines for n breaks), leading and
 * trailing blanks around a break are dropped, `''` is a quote in single-quoted scalars, and
 * double-quoted scalars have backslash escapes (an escaped line break joins the lines).
 */
function decodeFlow(
  source: string,
  start: number,
  end: number,
  style: 'plain' | 'single' | 'double',
): Decoded {
  const text: string[] = [];
  const map: number[] = [];
  // Blanks emitted after this output index may be trimmed before a break (escaped blanks may not).
  let keepUpTo = 0;
  let i = start;
  while (i < end) {
    const ch = source[i]!;
    if (ch === '\n' || (ch === '\r' && source[i + 1] === '\n')) {
      while (text.length > keepUpTo && (text[text.length - 1] === ' ' || text[text.length - 1] === '\t')) {
        text.pop();
        map.pop();
      }
      const breaks: number[] = [];
      let j = i;
      for (;;) {
        breaks.push(j);
        j = source[j] === '\r' ? j + 2 : j + 1;
        while (j < end && (source[j] === ' ' || source[j] === '\t')) j++;
        if (j < end && (source[j] === '\n' || (source[j] === '\r' && source[j + 1] === '\n'))) continue;
        break;
      }
      if (breaks.length === 1) {
        text.push(' ');
        map.push(i);
      } else {
        for (const b of breaks.slice(1)) {
          text.push('\n');
          map.push(b);
        }
      }
      keepUpTo = text.length;
      i = j;
      continue;
    }
    if (style === 'single' && ch === "'" && source[i + 1] === "'") {
      text.push("'");
      map.push(i);
      i += 2;
      continue;
    }
    if (style === 'double' && ch === '\\') {
      const next = source[i + 1] ?? '';
      if (next === '\n' || (next === '\r' && source[i + 2] === '\n')) {
        // An escaped line break: the lines join with nothing between them.
        let j = i + (next === '\r' ? 3 : 2);
        while (j < end && (source[j] === ' ' || source[j] === '\t')) j++;
        keepUpTo = text.length;
        i = j;
        continue;
      }
      const simple = SIMPLE_ESCAPES[next];
      if (simple !== undefined) {
        text.push(simple);
        map.push(i);
        keepUpTo = text.length;
        i += 2;
        continue;
      }
      const width = HEX_LENGTH[next];
      if (width) {
        const code = Number.parseInt(source.slice(i + 2, i + 2 + width), 16);
        if (Number.isNaN(code)) return { text: '', map: [] };
        for (const unit of String.fromCodePoint(code)) {
          for (let k = 0; k < unit.length; k++) {
            text.push(unit[k]!);
            map.push(i);
          }
        }
        keepUpTo = text.length;
        i += 2 + width;
        continue;
      }
    }
    text.push(ch);
    map.push(i);
    i++;
  }
  return { text: text.join(''), map };
}
