import type { Workspace } from '../../workspace/workspace.js';
import { MAX_LINE_CHARS } from '../generic/shared.js';
import { DETECTORS, findAwsSecrets } from './detectors.js';
import { type Detector, FAMILY_PRIORITY, type LineHit, type ScanContext, type SecretHit } from './types.js';
import { shannonEntropy } from './values.js';

/**
 * The secret scanner: one pass per file for every detector, shared by every secret rule through the
 * workspace memo. A single regex of all detectors' keywords and anchors walks the lower-cased file
 * text; only lines that contain one are split out and shown to the detectors it belongs to. Most
 * lines contain none and cost one step of one regex scan. Lines are capped at
 * {@link MAX_LINE_CHARS} as in the content rules.
 */

/** Lines around an AWS access key ID that are searched for its secret access key. */
const AWS_PAIR_WINDOW = 3;

interface Prefilter {
  /** For lower-cased text, and (when lower-casing changes the length) for the text itself. */
  lower: RegExp;
  ignoreCase: RegExp;
  byKeyword: Map<string, Detector[]>;
  /** Detectors of each anchor, by the index of its capture group. */
  byGroup: Detector[][];
}

let prefilter: Prefilter | undefined;

const escapeRegex = (k: string) => k.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * One regular expression for all detectors: their literal keywords as a trie (so the engine tests
 * one character and moves on), then each distinct anchor as a capture group.
 */
function buildPrefilter(): Prefilter {
  const byKeyword = new Map<string, Detector[]>();
  const anchors = new Map<string, Detector[]>();
  for (const d of DETECTORS) {
    for (const k of d.keywords) byKeyword.set(k, [...(byKeyword.get(k) ?? []), d]);
    if (d.anchor) anchors.set(d.anchor, [...(anchors.get(d.anchor) ?? []), d]);
  }
  const parts = [trie([...byKeyword.keys()]), ...[...anchors.keys()].map((a) => `(${a})`)];
  const source = parts.filter(Boolean).join('|');
  return {
    lower: new RegExp(source, 'g'),
    ignoreCase: new RegExp(source, 'gi'),
    byKeyword,
    byGroup: [...anchors.values()],
  };
}

/** `(?:a(?:kia|sia)|gh(?:p_|s_))`: a trie of literals as a regular expression source. */
function trie(words: string[]): string {
  interface Node {
    end?: boolean;
    next: Map<string, Node>;
  }
  const root: Node = { next: new Map() };
  for (const w of words) {
    let n = root;
    for (const c of w) {
      let child = n.next.get(c);
      if (!child) {
        child = { next: new Map() };
        n.next.set(c, child);
      }
      n = child;
    }
    n.end = true;
  }
  const emit = (n: Node): string => {
    const alts = [...n.next]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([c, child]) => escapeRegex(c) + emit(child));
    if (alts.length === 0) return '';
    const body = alts.length === 1 ? alts[0]! : `(?:${alts.join('|')})`;
    return n.end ? `(?:${body})?` : body;
  };
  return emit(root);
}

/** Secrets found in a file (cached per run); empty for files that are not readable text. */
export function scanFile(workspace: Workspace, file: string): readonly SecretHit[] {
  return workspace.memo('secrets', file, () => {
    const text = workspace.text(file);
    return text === undefined ? [] : scanText(file, text);
  });
}

/** Scans one text with every detector. Exposed for tests and the benchmark. */
export function scanText(path: string, text: string): SecretHit[] {
  prefilter ??= buildPrefilter();
  const { byKeyword, byGroup } = prefilter;
  // Matching lower-cased text without the `i` flag is much faster; offsets agree unless lower-casing
  // changed the length (a few Unicode letters), where the case-insensitive form is used instead.
  const lowered = text.toLowerCase();
  const sameLength = lowered.length === text.length;
  const re = sameLength ? prefilter.lower : prefilter.ignoreCase;
  const haystack = sameLength ? lowered : text;
  const ctx: ScanContext = { path, text };
  const hits: SecretHit[] = [];
  const awsLines: number[] = [];
  re.lastIndex = 0;
  let m = re.exec(haystack);
  // Line numbers are counted incrementally from the last line visited (matches come in order).
  let lineNo = 1;
  let counted = 0;
  while (m) {
    const lineStart = text.lastIndexOf('\n', m.index - 1) + 1;
    let lineEnd = text.indexOf('\n', m.index);
    if (lineEnd === -1) lineEnd = text.length;
    lineNo += countNewlines(text, counted, lineStart);
    counted = lineStart;
    const capEnd = Math.min(lineEnd, lineStart + MAX_LINE_CHARS);
    const wanted = new Set<Detector>();
    while (m && m.index < lineEnd) {
      if (m.index + m[0].length <= capEnd) {
        const group = m.findIndex((g, i) => i > 0 && g !== undefined);
        const detectors = group > 0 ? byGroup[group - 1] : byKeyword.get(m[0].toLowerCase());
        for (const d of detectors ?? []) wanted.add(d);
      }
      m = re.exec(haystack);
    }
    if (wanted.size > 0) {
      let stop = capEnd;
      if (stop === lineEnd && stop > lineStart && text.charCodeAt(stop - 1) === 13) stop -= 1;
      const line = text.slice(lineStart, stop);
      for (const d of wanted) {
        for (const hit of d.find(line, ctx)) {
          hits.push(toHit(d.id, lineNo, hit));
          if (d.id === 'aws-access-key-id') awsLines.push(lineNo);
        }
      }
    }
  }
  if (awsLines.length > 0) hits.push(...awsSecretsNear(text, awsLines));
  return resolveOverlaps(hits);
}

function toHit(detector: string, line: number, hit: LineHit): SecretHit {
  return { detector, line, ...hit, entropy: hit.entropy ?? shannonEntropy(hit.value) };
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}

/** Unnamed 40-character secrets within {@link AWS_PAIR_WINDOW} lines of an AWS access key ID. */
function awsSecretsNear(text: string, keyLines: number[]): SecretHit[] {
  const wanted = new Set<number>();
  for (const l of keyLines) {
    for (let i = Math.max(1, l - AWS_PAIR_WINDOW); i <= l + AWS_PAIR_WINDOW; i++) wanted.add(i);
  }
  const hits: SecretHit[] = [];
  let lineNo = 1;
  let start = 0;
  const last = Math.max(...wanted);
  while (start <= text.length && lineNo <= last) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (wanted.has(lineNo)) {
      const line = text.slice(start, Math.min(end, start + MAX_LINE_CHARS));
      for (const hit of findAwsSecrets(line)) hits.push(toHit('aws-secret-access-key', lineNo, hit));
    }
    start = end + 1;
    lineNo += 1;
  }
  return hits;
}

const RANK = new Map<string, number>();
for (const d of DETECTORS) RANK.set(d.id, FAMILY_PRIORITY.indexOf(d.family));

/**
 * One secret, one hit: where spans on a line overlap (a GitHub token inside a connection string, an
 * AWS key assigned to `secret_key = ...`), the most specific family keeps it and the others drop it.
 */
function resolveOverlaps(hits: SecretHit[]): SecretHit[] {
  hits.sort((a, b) => a.line - b.line || RANK.get(a.detector)! - RANK.get(b.detector)! || a.start - b.start);
  const kept: SecretHit[] = [];
  let lineStart = 0;
  for (const h of hits) {
    if (kept.length > 0 && kept[kept.length - 1]!.line !== h.line) lineStart = kept.length;
    let clash = false;
    for (let i = lineStart; i < kept.length && !clash; i++) {
      const k = kept[i]!;
      clash = k.line === h.line && k.start < h.end && h.start < k.end;
    }
    if (!clash) kept.push(h);
  }
  return kept.sort((a, b) => a.line - b.line || a.start - b.start);
}
