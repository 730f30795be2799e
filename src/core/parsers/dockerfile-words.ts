/**
 * Dockerfile word handling that dockerfile-ast leaves to its callers. Both functions are single
 * left-to-right passes (linear in the input), since the text comes from an untrusted repository.
 */

/**
 * Joins the lines of one instruction the way Docker does: a line ending in the escape character
 * (trailing blanks allowed) continues on the next; blank and comment lines inside a continuation are
 * dropped; the escape and the line break are removed without adding a space.
 */
export function joinContinuations(raw: string, escapeChar: string): string {
  return joinContinuationsWithOffsets(raw, escapeChar).text;
}

/**
 * {@link joinContinuations}, also returning for each character of the joined text its offset in
 * `raw`, so that a match in the joined command can be located on its physical line.
 */
export function joinContinuationsWithOffsets(
  raw: string,
  escapeChar: string,
): { text: string; offsets: number[] } {
  const lines = raw.split('\n');
  let text = '';
  const offsets: number[] = [];
  const append = (s: string, from: number) => {
    text += s;
    for (let k = 0; k < s.length; k++) offsets.push(from + k);
  };
  let lineStart = 0;
  for (let i = 0; i < lines.length; i++) {
    const start = lineStart;
    lineStart += lines[i]!.length + 1;
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (i > 0) {
      const trimmed = line.trimStart();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
    }
    const body = line.replace(/[ \t]+$/, '');
    if (body.endsWith(escapeChar)) {
      append(body.slice(0, -escapeChar.length), start);
    } else {
      append(line, start);
      break;
    }
  }
  return { text, offsets };
}

/**
 * Splits on unquoted blanks and removes quotes and escapes, as Docker does for ARG, USER and FROM
 * words: `a "b c" d\ e` -> [`a`, `b c`, `d e`]. Single quotes are literal; the escape character
 * escapes the next character outside them.
 */
export function splitWords(text: string, escapeChar = '\\'): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
      continue;
    }
    if (c === escapeChar && i + 1 < text.length) {
      word += text[i + 1];
      inWord = true;
      i++;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Stands in for a variable whose value is not known statically; contains none of `/ : @`. */
export const UNRESOLVED = '\u0000';

/** Nesting deeper than this (`${A:-${B:-...}}`) is treated as unresolvable rather than recursed into. */
const MAX_NESTING = 16;

/** The result of {@link expandVariables}: `text` holds {@link UNRESOLVED} where a value is unknown. */
export interface Expansion {
  text: string;
  /** Names of the variables that could not be resolved, in order of appearance. */
  unresolved: string[];
}

/**
 * Expands `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:+alternative}` as Docker does in FROM. A
 * variable that is not declared, or declared without a default (`null`), has no static value: it
 * becomes {@link UNRESOLVED}, except where `:-` supplies a default. Other modifiers are unresolvable.
 */
export function expandVariables(
  text: string,
  vars: ReadonlyMap<string, string | null>,
  escapeChar = '\\',
): Expansion {
  const unresolved: string[] = [];
  const out = expandAt(text, vars, escapeChar, unresolved, 0);
  return { text: out, unresolved };
}

function expandAt(
  text: string,
  vars: ReadonlyMap<string, string | null>,
  escapeChar: string,
  unresolved: string[],
  depth: number,
): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === escapeChar && text[i + 1] === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const plain = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1, i + 257));
    if (plain) {
      out += lookup(plain[0], vars, unresolved);
      i += 1 + plain[0].length;
      continue;
    }
    if (text[i + 1] !== '{') {
      out += c;
      i++;
      continue;
    }
    const close = matchingBrace(text, i + 1);
    if (close === -1) {
      // Docker rejects an unterminated `${`; nothing after it can be trusted.
      unresolved.push(text.slice(i));
      return out + UNRESOLVED;
    }
    const body = text.slice(i + 2, close);
    i = close + 1;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::([-+]))?/.exec(body);
    if (!m || (m[0].length < body.length && !m[2]) || depth >= MAX_NESTING) {
      unresolved.push(body);
      out += UNRESOLVED;
      continue;
    }
    const name = m[1]!;
    if (!m[2]) {
      out += lookup(name, vars, unresolved);
      continue;
    }
    const word = body.slice(m[0].length);
    const value = vars.get(name);
    if (m[2] === '-') {
      out += value ? value : expandAt(word, vars, escapeChar, unresolved, depth + 1);
    } else if (value === undefined || value === null) {
      unresolved.push(name);
      out += UNRESOLVED;
    } else {
      out += value === '' ? '' : expandAt(word, vars, escapeChar, unresolved, depth + 1);
    }
  }
  return out;
}

function lookup(name: string, vars: ReadonlyMap<string, string | null>, unresolved: string[]): string {
  const value = vars.get(name);
  if (value === undefined || value === null) {
    unresolved.push(name);
    return UNRESOLVED;
  }
  return value;
}

/** Index of the `}` that closes the `{` at `open`, or -1. */
function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}
