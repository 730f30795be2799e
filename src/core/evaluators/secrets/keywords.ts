import type { Detector } from './types.js';

/**
 * The scanner's prefilter: an Aho-Corasick automaton over every keyword of the detectors that apply
 * to a file, case-folded, run once over the text with one table lookup per character. A keyword
 * found there counts for its detectors when their `confirm` pattern (if any) matches where the
 * keyword starts. With some 300 keywords this is several times faster than one regular expression
 * of all of them, whose engine can skip no position; the work is linear in the text whatever the
 * keywords, and keywords that overlap or contain one another are all found.
 */

/** A compiled automaton. */
export interface KeywordMatcher {
  /**
   * Next state for (state, class), flattened; the failure links are folded in. States are numbered
   * premultiplied by the number of classes (the scan adds the class to them directly), and a state
   * where keywords end is stored complemented (negative), so the scan tests one sign per character.
   */
  delta: Int32Array;
  /** The class of every UTF-16 code unit: each character of a keyword (case-folded) has its own, the rest share 0. */
  classOf: Uint8Array;
  /** The number of classes (the width of a row of {@link delta}). */
  width: number;
  /** For each state, the index into `outputs` of the keywords ending there, or -1. */
  outputAt: Int32Array;
  /** Keyword ids ending at each output state (their own and their suffixes'). */
  outputs: number[][];
  /** By keyword id: its length and the detectors it triggers, each with its confirmation pattern. */
  keywords: { length: number; triggers: { detectors: Detector[]; confirm: RegExp | undefined }[] }[];
}

/** ASCII folded to lower case; every other character is 0 (no keyword has one). */
const fold = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c < 128 ? c : 0);

/** Builds the matcher of a set of detectors (their keywords, lower case, ASCII). */
export function buildMatcher(detectors: readonly Detector[]): KeywordMatcher {
  const ids = new Map<string, number>();
  const keywords: KeywordMatcher['keywords'] = [];
  const add = (k: string, d: Detector, confirm: RegExp | undefined) => {
    let id = ids.get(k);
    if (id === undefined) {
      id = keywords.length;
      ids.set(k, id);
      keywords.push({ length: k.length, triggers: [] });
    }
    const triggers = keywords[id]!.triggers;
    const same = triggers.find((t) => t.confirm === confirm);
    if (same) same.detectors.push(d);
    else triggers.push({ detectors: [d], confirm });
  };
  for (const d of detectors) {
    for (const k of d.keywords) add(k, d, d.confirm);
    for (const a of d.anchored ?? []) add(a.keyword, d, a.confirm);
  }
  // Classes: one per character the keywords use (at most the 95 printable ASCII characters).
  const classOf = new Uint8Array(0x10000);
  let width = 1;
  for (const word of ids.keys()) {
    for (let i = 0; i < word.length; i++) {
      const c = fold(word.charCodeAt(i));
      if (c !== 0 && classOf[c] === 0) classOf[c] = width++;
    }
  }
  for (let c = 65; c <= 90; c++) classOf[c] = classOf[c + 32]!;
  // The trie.
  const children: Map<number, number>[] = [new Map()];
  const ends: number[][] = [[]];
  for (const [word, id] of ids) {
    let s = 0;
    for (let i = 0; i < word.length; i++) {
      const c = classOf[word.charCodeAt(i)]!;
      let next = children[s]!.get(c);
      if (next === undefined) {
        next = children.length;
        children.push(new Map());
        ends.push([]);
        children[s]!.set(c, next);
      }
      s = next;
    }
    ends[s]!.push(id);
  }
  // Failure links, breadth first, folded into a full transition table.
  const states = children.length;
  const delta = new Int32Array(states * width);
  const failure = new Int32Array(states);
  const queue: number[] = [];
  for (let c = 0; c < width; c++) {
    const next = children[0]!.get(c);
    delta[c] = next ?? 0;
    if (next !== undefined) queue.push(next);
  }
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q]!;
    ends[s]!.push(...ends[failure[s]!]!);
    for (let c = 0; c < width; c++) {
      const next = children[s]!.get(c);
      if (next === undefined) delta[s * width + c] = delta[failure[s]! * width + c]!;
      else {
        failure[next] = delta[failure[s]! * width + c]!;
        delta[s * width + c] = next;
        queue.push(next);
      }
    }
  }
  const outputAt = new Int32Array(states).fill(-1);
  const outputs: number[][] = [];
  for (let s = 0; s < states; s++) {
    if (ends[s]!.length === 0) continue;
    outputAt[s] = outputs.length;
    outputs.push([...new Set(ends[s])]);
  }
  for (let i = 0; i < delta.length; i++) {
    const next = delta[i]!;
    delta[i] = outputAt[next] === -1 ? next * width : ~(next * width);
  }
  return { delta, classOf, width, outputAt, outputs, keywords };
}

/** A confirmed keyword: where it starts, and the detectors it brings. */
export interface Mark {
  at: number;
  detectors: Detector[];
}

/**
 * Calls `line(start, end, marks, from, to)` for each line of `text` with at least one of `marks`
 * (what {@link findMarks} found in it), in order: its offsets (the end excludes the line break) and
 * its marks, which are `marks[from..to)` in order of their start. The marks are found first so that
 * a caller can stop at a text without any (most of a tree's) before setting up anything for its lines.
 */
export function eachMarkedLine(
  text: string,
  marks: Mark[],
  line: (start: number, end: number, marks: Mark[], from: number, to: number) => void,
): void {
  // Lines are found around the marks only (most of a text has none), with the native searches.
  let i = 0;
  while (i < marks.length) {
    const at = marks[i]!.at;
    const start = text.lastIndexOf('\n', at - 1) + 1;
    let end = text.indexOf('\n', at);
    if (end === -1) end = text.length;
    let j = i + 1;
    while (j < marks.length && marks[j]!.at < end) j += 1;
    if (j - i > 1) sortRange(marks, i, j);
    line(start, end, marks, i, j);
    i = j;
  }
}

/**
 * The 0-based number of the line starting at an offset, for offsets asked in increasing order:
 * lines are counted only as far as asked (most lines with a keyword yield no finding).
 */
export function lineCounter(text: string): (start: number) => number {
  let lineNo = 0;
  let counted = 0;
  return (start) => {
    for (let nl = text.indexOf('\n', counted); nl !== -1 && nl < start; nl = text.indexOf('\n', nl + 1))
      lineNo += 1;
    counted = Math.max(counted, start);
    return lineNo;
  };
}

/** Sorts `marks[from..to)` by start (the automaton finds them by their end). */
function sortRange(marks: Mark[], from: number, to: number): void {
  const part = marks.slice(from, to).sort((a, b) => a.at - b.at);
  for (let k = 0; k < part.length; k++) marks[from + k] = part[k]!;
}

/** Every confirmed keyword of a text, in the order the automaton finds them (by their end). */
export function findMarks(matcher: KeywordMatcher, text: string): Mark[] {
  const { delta, classOf, width, outputAt, outputs, keywords } = matcher;
  const marks: Mark[] = [];
  let state = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    state = delta[state + classOf[text.charCodeAt(i)]!]!;
    if (state >= 0) continue;
    state = ~state;
    for (const id of outputs[outputAt[(state / width) | 0]!]!) {
      const k = keywords[id]!;
      const at = i - k.length + 1;
      for (const t of k.triggers) {
        if (t.confirm) {
          t.confirm.lastIndex = at;
          if (!t.confirm.test(text)) continue;
        }
        marks.push({ at, detectors: t.detectors });
      }
    }
  }
  return marks;
}

/**
 * The literal text a pattern starts with (`sg\.[a-z]` gives `sg.`), for the keyword that finds where
 * to confirm it. A literal followed by a quantifier is not certain and ends the prefix before it.
 */
export function literalPrefix(source: string): string {
  const chars: string[] = [];
  let i = 0;
  for (; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined || !/[.\-/_:~!@#%&=]/.test(next)) break;
      chars.push(next);
      i += 1;
      continue;
    }
    if (/[[\](){}?*+|^$.]/.test(c)) break;
    chars.push(c);
  }
  if (/[?*{]/.test(source[i] ?? '')) chars.pop();
  return chars.join('');
}
