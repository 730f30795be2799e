import { certificatesIn, hasJudgeableKey, judgeByCertificates } from './certificates.js';
import { enclosingTestFunction, sourceContext, testOnlyBuild } from './context.js';
import { DETECTORS, findAwsSecrets, ISSUER_FORMAT, VERIFIED } from './detectors.js';
import { unclaimedJwt } from './jwt.js';
import {
  buildMatcher,
  eachMarkedLine,
  findMarks,
  type KeywordMatcher,
  lineCounter,
  type Mark,
} from './keywords.js';
import { type Detector, FAMILY_PRIORITY, type LineHit, type ScanContext, type SecretHit } from './types.js';
import { shannonEntropy } from './values.js';

/**
 * The secret scanner: one pass per text for every detector. An automaton of the keywords of the
 * detectors that apply to the file (keywords.ts) walks the text; only lines that contain one (and
 * pass its confirmation, for short keywords) are shown to the detectors it belongs to. Most lines
 * contain none and cost one table lookup per character. Lines up to {@link MAX_PIECE_CHARS} are shown whole; a longer line (minified
 * code, a binary file read as bytes) is shown as windows around its keyword hits, so a secret at any
 * column is found while the work per line stays bounded by {@link MAX_LINE_WORK}; past that budget,
 * the detectors of an issuer's format still read the windows of their own keywords (each character
 * about once per detector), so that padding a line cannot hide a key past the budget.
 */

/** Longest piece of a line a detector is shown at once. */
export const MAX_PIECE_CHARS = 20_000;
/** Around a keyword hit in a long line: characters before it and after it that a window covers. */
const WINDOW_BEFORE = 1024;
const WINDOW_AFTER = 8192;
/** Characters of windows looked at per line; the rest of a pathological line is reported as unread. */
export const MAX_LINE_WORK = 256 * 1024;
/** Lines around an AWS access key ID that are searched for its secret access key. */
const AWS_PAIR_WINDOW = 3;

/** A part of a text that was not looked at, to be reported rather than skipped silently. */
export interface Unread {
  line: number;
  /** 1-based column from which the rest of the line was not read. */
  column: number;
  reason: string;
  /**
   * What the unread rest of the line plainly is, when it is encoded binary data (see
   * {@link encodedBinary}): `base64-encoded binary data (a data: URI)`.
   */
  encoded?: string;
  /** Keys and tokens of an issuer's format were still looked for in the rest of the line (guesses were not). */
  issuersRead?: boolean;
  /** Nothing from here to the end of the file was read: it may hold any secret. */
  unscanned?: boolean;
}

/** What a scan found. */
export interface ScanResult {
  hits: SecretHit[];
  unread: Unread[];
}

/** Where a text sits in its file, when it is a chunk of a file read in parts. */
export interface ScanOptions {
  /** Line number of the text's first line (default 1). */
  firstLine?: number;
  /** Column offset of the text's first line, when a chunk starts in the middle of a line. */
  firstColumn?: number;
  /** The text is a binary file read as bytes: only detectors with `binary` run. */
  binary?: boolean;
  /**
   * Only the detectors of an issuer's format run ({@link ISSUER_FORMAT}): for a file skipped by name
   * (a lockfile, a minified bundle), whose random data the guesses would take for secrets.
   */
  issuersOnly?: boolean;
}

/** Detectors restricted to some files, in table order (few), and the rest. */
const PATH_BOUND = DETECTORS.filter((d) => d.paths);
const matchers = new Map<string, KeywordMatcher | undefined>();

/**
 * The keyword matcher of the detectors that apply to a file, compiled once per combination (a
 * handful: ordinary files, `.env` files, `.pypirc`, ..., and binary content).
 */
function matcherFor(path: string, binary: boolean, issuersOnly: boolean): KeywordMatcher | undefined {
  let key = `${binary ? 'b' : 't'}${issuersOnly ? 'i' : ''}`;
  for (let i = 0; i < PATH_BOUND.length; i++) if (PATH_BOUND[i]!.paths!.test(path)) key += `.${i}`;
  if (!matchers.has(key)) {
    const detectors = DETECTORS.filter(
      (d) =>
        (!d.paths || d.paths.test(path)) &&
        (!binary || d.binary === true) &&
        (!issuersOnly || ISSUER_FORMAT.has(d.id)),
    );
    matchers.set(key, detectors.length ? buildMatcher(detectors) : undefined);
  }
  return matchers.get(key);
}

/** Scans one text with every detector that applies to its path. Exposed for tests and the benchmark. */
export function scanText(path: string, text: string, options: ScanOptions = {}): SecretHit[] {
  return scanTextFull(path, text, options).hits;
}

/** {@link scanText}, with the parts of pathological lines that were not read. */
export function scanTextFull(path: string, text: string, options: ScanOptions = {}): ScanResult {
  const matcher = matcherFor(path, options.binary ?? false, options.issuersOnly ?? false);
  const hits: SecretHit[] = [];
  const unread: Unread[] = [];
  if (!matcher) return { hits, unread };
  // Every hit stands on a marked line: a text without a mark (most of a tree) is done here, before
  // the closures and lists of the line pass are made for it.
  const marks = findMarks(matcher, text);
  if (marks.length === 0) return { hits, unread };
  const firstLine = options.firstLine ?? 1;
  const firstColumn = options.firstColumn ?? 0;
  // Binary content has no lines to speak of: its "lines" are read whole (binary-safe detectors only).
  const budget = options.binary ? Number.POSITIVE_INFINITY : MAX_LINE_WORK;
  const awsLines: number[] = [];
  const lineOf = lineCounter(text);
  eachMarkedLine(text, marks, (lineStart, lineEnd, marks, from, to) => {
    let lineNo = -1;
    const number = () => {
      if (lineNo === -1) lineNo = firstLine + lineOf(lineStart);
      return lineNo;
    };
    let stop = lineEnd;
    if (stop > lineStart && text.charCodeAt(stop - 1) === 13) stop -= 1;
    const column0 = lineStart === 0 ? firstColumn : 0;
    const skipped = (column: number) => {
      const encoded = encodedBinary(text, lineStart + column, stop);
      unread.push({
        line: number(),
        column: column0 + column + 1,
        reason: 'line too long',
        ...(encoded ? { encoded } : {}),
        ...(budget !== Number.POSITIVE_INFINITY ? { issuersRead: true } : {}),
      });
    };
    for (const piece of pieces(lineStart, stop, marks, from, to, budget, skipped)) {
      const line = text.slice(piece.start, piece.end);
      const ctx: ScanContext = {
        path,
        text,
        offset: piece.start,
        lineStart: piece.start === lineStart && column0 === 0,
      };
      const shift = piece.start - lineStart + column0;
      for (const d of piece.detectors) {
        for (const hit of d.find(line, ctx)) {
          // Near the end of a piece that the next one overlaps, a value may be cut short: the next
          // piece sees it whole.
          if (piece.cut && hit.end > line.length - WINDOW_BEFORE / 2) continue;
          if (!hit.rejected && !VERIFIED.has(d.id))
            lowerInContext(hit, d.family, line, path, text, piece.start);
          else if (!hit.rejected && d.family === 'private-key')
            lowerTestNamed(hit, line, path, text, piece.start);
          if (!hit.rejected && !GUESSES.has(d.family)) markedAllowed(hit, line);
          hits.push(toHit(d.id, number(), hit, shift));
          if (d.id === 'aws-access-key-id' && !hit.rejected) awsLines.push(number());
        }
      }
    }
  });
  if (awsLines.length > 0) hits.push(...awsSecretsNear(text, awsLines, firstLine));
  const kept = inContext(path, resolveOverlaps(hits));
  // A key and its certificate in one file (a PEM bundle, a demo server's key and certificate in code).
  if (hasJudgeableKey(kept) && text.includes('-----BEGIN CERTIFICATE-----'))
    judgeByCertificates(kept, text, certificatesIn(text));
  return { hits: kept, unread };
}

/** A base64 character (standard or URL-safe alphabet). */
const BASE64_CHAR = /[A-Za-z0-9+/_-]/;
/** Runs of base64 long enough to be an encoded file, with their padding. */
const BASE64_RUN = /[A-Za-z0-9+/_-]{1024,}={0,2}/g;
/** Characters of the unread rest of a line that may stand outside its base64 runs (quotes, `) format(...)`). */
const MAX_UNENCODED = 256;
/** Characters of a run decoded to judge whether it encodes binary data. */
const SAMPLE = 4096;

/**
 * What the rest of a line, from `from` to `to`, is when it is plainly encoded binary data: base64
 * runs (a font in an SVG's `data:` URI, a wasm module in a source file) that cover all of it but a
 * few characters, each decoding to bytes of which many are control codes, as no text (a secret, a
 * configuration, UTF-8 of any language) has. The run that `from` falls in is taken from its start,
 * so that it decodes as written. Undefined for anything else.
 */
export function encodedBinary(text: string, from: number, to: number): string | undefined {
  let start = from;
  while (start > 0 && BASE64_CHAR.test(text[start - 1]!)) start--;
  let covered = 0;
  let dataUri = false;
  for (const m of text.slice(start, to).matchAll(BASE64_RUN)) {
    if (!binaryBase64(m[0])) return undefined;
    const at = start + m.index;
    covered += Math.min(at + m[0].length, to) - Math.max(at, from);
    if (/;base64,$/i.test(text.slice(Math.max(0, at - 8), at))) dataUri = true;
  }
  if (covered === 0 || to - from - covered > MAX_UNENCODED) return undefined;
  return `base64-encoded binary data${dataUri ? ' (a data: URI)' : ''}`;
}

/** Whether a base64 run decodes (its first {@link SAMPLE} characters) to binary bytes. */
function binaryBase64(run: string): boolean {
  const sample = run
    .slice(0, SAMPLE - (SAMPLE % 4))
    .replace(/-/g, '+')
    .replace(/_/g, '/');
  const bytes = Buffer.from(sample, 'base64');
  let control = 0;
  for (const b of bytes) if (b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f) control++;
  return bytes.length > 0 && control / bytes.length >= 0.05;
}

/**
 * Another scanner's inline allowance on the line (`gitleaks:allow`, `pragma: allowlist secret`,
 * `trufflehog:ignore`, `secretlint-disable-line`, `nosec`): someone reviewed the value as not a
 * secret. For a guess (a password-like assignment, a header, a URL password) it lowers the
 * confidence: the marker is the reviewer's word that the value is none. A value of an issuer's
 * format (a cloud key, a service token, a private key, a JWT) is a credential whatever a comment
 * beside it says, and anyone can append the comment: it keeps its confidence, and its message says
 * that the marker was there (see {@link markedAllowed}). controlgate's own ignores work as everywhere.
 */
const ALLOW_MARKER =
  /\b(gitleaks:allow|pragma: ?allowlist secret|trufflehog:ignore|secretlint-disable(?:-next)?-line|detect-secrets:? ?allow|nosec\b|kics-scan ignore-line)/i;

/**
 * Lowers the confidence of a hit that another scanner's marker allows, or that stands in a comment
 * (guesses only: a token in a comment is still a token), a list of strings or a multi-line string
 * of source code.
 */
function lowerInContext(
  hit: LineHit,
  family: string,
  line: string,
  path: string,
  text: string,
  offset: number,
): void {
  const allowed = GUESSES.has(family) ? ALLOW_MARKER.exec(line) : null;
  let note = allowed ? `marked as allowed for ${markerTool(allowed[1]!)}` : undefined;
  if (!note) {
    const where = sourceContext(path, text, line, offset, hit.start);
    // A token whose shape its issuer verifies is still a token in a comment or a documentation sample.
    if (where && (!GUESS_ONLY_CONTEXTS.has(where) || GUESSES.has(family))) note = where;
  }
  if (note) {
    hit.confidence = 'low';
    hit.note ??= note;
  }
}

/** The scanner an allow marker is for (`gitleaks`, `pragma`, `nosec`). */
const markerTool = (marker: string) => marker.replace(/[:-].*$/, '');

/**
 * A value of an issuer's format with another scanner's allow marker on its line: the marker does not
 * lower it (see {@link ALLOW_MARKER}), and the message says it is there, so that a reviewer sees the
 * ignore that was asked for.
 */
function markedAllowed(hit: LineHit, line: string): void {
  const allowed = ALLOW_MARKER.exec(line);
  if (allowed) hit.allowMarker = markerTool(allowed[1]!);
}

/** Words that name test material, as a whole part of an identifier (`TEST_FAKE_RSA_KEY_0`, `dummyKey`). */
const TEST_MATERIAL_WORDS = new Set([
  'test',
  'tests',
  'fake',
  'dummy',
  'example',
  'sample',
  'mock',
  'fixture',
]);

/**
 * A key in source code assigned to a name for test material (`const TEST_FAKE_RSA_KEY_0: &str =
 * "-----BEGIN PRIVATE KEY-----`, or the name on the line above the armour): a verified key all the
 * same, but one its author labelled as a fixture. Reported with low confidence, naming the name.
 */
function lowerTestNamed(hit: LineHit, line: string, path: string, text: string, offset: number): void {
  const testBuild = testOnlyBuild(path, text);
  if (testBuild) {
    hit.confidence = 'low';
    hit.note ??= testBuild;
    return;
  }
  const testFunction = enclosingTestFunction(path, text, offset);
  if (testFunction) {
    hit.confidence = 'low';
    hit.note ??= `inside \`${testFunction}\`, a unit-test function`;
    return;
  }
  let before = line.slice(0, hit.start);
  if (/^[\s"'`]*$/.test(before)) {
    const end = text.lastIndexOf('\n', offset - 1);
    if (end <= 0) return;
    before = text.slice(text.lastIndexOf('\n', end - 1) + 1, end);
  }
  for (const name of before.match(/[A-Za-z_$][\w$]*/g) ?? []) {
    const words = name
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toLowerCase()
      .split(/[_$]+/);
    if (words.some((w) => TEST_MATERIAL_WORDS.has(w))) {
      hit.confidence = 'low';
      hit.note ??= `assigned to \`${name}\`, a name for test material`;
      return;
    }
  }
}

/** Families that are guesses about a value, not a verified format. */
const GUESSES = new Set(['generic', 'http', 'connection-string']);
/** The contexts that lower guesses only (see {@link lowerInContext}). */
const GUESS_ONLY_CONTEXTS = new Set([
  'in a comment',
  'in a code sample of documentation text held in a string',
]);
/**
 * Documentation: Markdown and reStructuredText, and the sources of documentation sites
 * (`docs_src/`, `documentation/`): their passwords and headers are examples for the reader. So are
 * the templates a README is generated from (helm-docs `README.md.gotmpl`, `README.md.j2`,
 * `index.rst.jinja`, autoconf `README.md.in`): a documentation extension, then a template's. So are
 * manual pages: roff sources named by their section (`tool.1`, `api.3`, not a rotated `app.log.1`
 * nor a library's `libx.so.1`) and their ronn sources (`tool.1.ronn`, `tool.ronn`).
 */
const DOCUMENTATION =
  /\.(?:md|mdx|markdown|rst|adoc|asciidoc)(?:\.(?:gotmpl|tmpl|tpl|template|j2|jinja2?|njk|erb|ejs|hbs|mustache|liquid|in))?$|(?:^|\/)(?:docs?[_-][^/]+|documentation)\/|\.ronn$|(?:^|\/)[^/.][^/]*(?<!\.(?:log|so|out|txt|gz|bak))\.[1-9]$/i;
/**
 * A file named as an example of another (`.env.example`, `terraform.tfvars.example`,
 * `config.sample.yml`): its guesses (passwords, headers) are for the reader to replace. A token of a
 * known format is still judged at full confidence: real ones get pasted into example files.
 */
const EXAMPLE_FILE = /\.(?:example|sample)(?:\.(?:ya?ml|json|toml|ini|env|conf|cfg|properties|xml))?$/i;

/** Tokens of one kind that a file must hold before it reads as a list of samples. */
const SAMPLE_LIST = 4;
/** The same for guesses: a configuration may well hold four passwords, seldom six of one kind. */
const SAMPLE_LIST_GUESSES = 6;

/**
 * Confidence from the file as a whole: guesses in documentation are examples, and so is a JWT there
 * that names no issuer, subject, audience or time (a library's usage example signs made-up data); a
 * file holding many values of the same kind is a list of samples, not a configuration that uses
 * them (a scanner's allowlist of published example keys, a table of sample tokens). All stay
 * reported, with low confidence. Never for an AWS key beside its pair: an access key ID with its
 * secret key is a usable credential, not a sample of a format, however many look-alikes surround it.
 * (A change could pad a file with look-alikes of another token it commits; what it would hide is a
 * secret it already publishes by pushing it, and leaks by mistake come one at a time, not in lists.)
 * Test material is lowered by its path (`test-paths`).
 */
function inContext(path: string, hits: SecretHit[]): SecretHit[] {
  const perDetector = new Map<string, number>();
  for (const h of hits) perDetector.set(h.detector, (perDetector.get(h.detector) ?? 0) + 1);
  const doc = DOCUMENTATION.test(path);
  const example = !doc && EXAMPLE_FILE.test(path);
  const paired = awsPaired(hits);
  for (const h of hits) {
    const family = FAMILY.get(h.detector);
    if (VERIFIED.has(h.detector)) continue;
    if ((doc || example) && family !== undefined && GUESSES.has(family)) {
      h.confidence = 'low';
      h.note ??= doc ? 'in documentation' : 'in an example file';
    } else if (doc && family === 'jwt' && unclaimedJwt(h.value)) {
      h.confidence = 'low';
      h.note ??= 'in documentation, with no issuer, subject, audience or time';
    } else if (
      family !== undefined &&
      (GUESSES.has(family)
        ? perDetector.get(h.detector)! >= SAMPLE_LIST_GUESSES
        : perDetector.get(h.detector)! >= SAMPLE_LIST && !paired.has(h))
    ) {
      h.confidence = 'low';
      h.note ??= `one of ${perDetector.get(h.detector)} of this kind in the file, a list of samples`;
    }
  }
  return hits;
}

/** AWS access key IDs and secret access keys with their counterpart within {@link AWS_PAIR_WINDOW} lines. */
function awsPaired(hits: readonly SecretHit[]): Set<SecretHit> {
  const lines = { 'aws-access-key-id': new Set<number>(), 'aws-secret-access-key': new Set<number>() };
  type Aws = keyof typeof lines;
  for (const h of hits) if (h.detector in lines) lines[h.detector as Aws].add(h.line);
  const paired = new Set<SecretHit>();
  if (lines['aws-access-key-id'].size === 0 || lines['aws-secret-access-key'].size === 0) return paired;
  for (const h of hits) {
    if (!(h.detector in lines)) continue;
    const other = lines[h.detector === 'aws-access-key-id' ? 'aws-secret-access-key' : 'aws-access-key-id'];
    for (let l = h.line - AWS_PAIR_WINDOW; l <= h.line + AWS_PAIR_WINDOW; l++) {
      if (!other.has(l)) continue;
      paired.add(h);
      break;
    }
  }
  return paired;
}

/** A part of a line shown to detectors; `cut` when the next piece overlaps its end. */
interface Piece {
  start: number;
  end: number;
  detectors: Set<Detector>;
  cut: boolean;
}

/**
 * The pieces of one line that detectors see: the whole line when it is short, else windows around
 * its keyword hits, merged and cut to {@link MAX_PIECE_CHARS} with an overlap, within the line's
 * work budget (the first column past it is passed to `skipped`).
 */
function pieces(
  start: number,
  end: number,
  marks: Mark[],
  from: number,
  to: number,
  budgetChars: number,
  skipped: (column: number) => void,
): Piece[] {
  if (end - start <= MAX_PIECE_CHARS) {
    const all = new Set<Detector>();
    for (let i = from; i < to; i++) for (const d of marks[i]!.detectors) all.add(d);
    return [{ start, end, detectors: all, cut: false }];
  }
  const out: Piece[] = [];
  let budget = budgetChars;
  let current: { start: number; end: number; detectors: Set<Detector> } | undefined;
  const flush = () => {
    if (!current) return;
    for (let s = current.start; s < current.end; s += MAX_PIECE_CHARS - WINDOW_BEFORE) {
      const e = Math.min(current.end, s + MAX_PIECE_CHARS);
      out.push({ start: s, end: e, detectors: current.detectors, cut: e < current.end });
      budget -= e - s;
      if (e === current.end) break;
    }
    current = undefined;
  };
  for (let i = from; i < to; i++) {
    const mark = marks[i]!;
    if (budget <= 0) {
      out.push(...issuerTail(start, end, marks, i, to, skipped));
      return out;
    }
    const s = Math.max(start, mark.at - WINDOW_BEFORE);
    const e = Math.min(end, mark.at + WINDOW_AFTER);
    if (current && s <= current.end) {
      current.end = Math.max(current.end, e);
      for (const d of mark.detectors) current.detectors.add(d);
    } else {
      flush();
      current = { start: s, end: e, detectors: new Set(mark.detectors) };
    }
    if (current.end - current.start >= MAX_LINE_WORK) flush();
  }
  flush();
  return out;
}

/**
 * The rest of a long line past its work budget, for the detectors of an issuer's format only (cloud
 * keys, service tokens, private keys): each is shown the windows around its own keywords, merged, so
 * that it reads every character at most about once whatever keywords the line repeats. Their
 * patterns are literal prefixes and bounded runs, so the work stays linear in the line. The guesses
 * (assignments, headers, URL passwords) are not read there: the first column of theirs is passed to
 * `skipped`, to be reported.
 */
function issuerTail(
  start: number,
  end: number,
  marks: Mark[],
  from: number,
  to: number,
  skipped: (column: number) => void,
): Piece[] {
  const windows = new Map<Detector, { start: number; end: number }[]>();
  let guessAt = -1;
  for (let i = from; i < to; i++) {
    const mark = marks[i]!;
    for (const d of mark.detectors) {
      if (!ISSUER.has(d.id)) {
        if (guessAt === -1) guessAt = mark.at;
        continue;
      }
      const s = Math.max(start, mark.at - WINDOW_BEFORE);
      const e = Math.min(end, mark.at + WINDOW_AFTER);
      let list = windows.get(d);
      if (!list) {
        list = [];
        windows.set(d, list);
      }
      const last = list[list.length - 1];
      if (last && s <= last.end) last.end = Math.max(last.end, e);
      else list.push({ start: s, end: e });
    }
  }
  if (guessAt !== -1) skipped(guessAt - start);
  const out: Piece[] = [];
  for (const [d, list] of windows) {
    for (const w of list) {
      for (let s = w.start; s < w.end; s += MAX_PIECE_CHARS - WINDOW_BEFORE) {
        const e = Math.min(w.end, s + MAX_PIECE_CHARS);
        out.push({ start: s, end: e, detectors: new Set([d]), cut: e < w.end });
        if (e === w.end) break;
      }
    }
  }
  return out;
}

function toHit(detector: string, line: number, hit: LineHit, shift = 0): SecretHit {
  return {
    detector,
    line,
    ...hit,
    start: hit.start + shift,
    end: hit.end + shift,
    entropy: hit.entropy ?? shannonEntropy(hit.value),
    confidence: hit.confidence ?? 'high',
  };
}

/** Unnamed 40-character secrets within {@link AWS_PAIR_WINDOW} lines of an AWS access key ID. */
function awsSecretsNear(text: string, keyLines: number[], firstLine: number): SecretHit[] {
  const wanted = new Set<number>();
  for (const l of keyLines) {
    for (let i = Math.max(firstLine, l - AWS_PAIR_WINDOW); i <= l + AWS_PAIR_WINDOW; i++) wanted.add(i);
  }
  const hits: SecretHit[] = [];
  let lineNo = firstLine;
  let start = 0;
  const last = Math.max(...wanted);
  while (start <= text.length && lineNo <= last) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (wanted.has(lineNo)) {
      const line = text.slice(start, Math.min(end, start + MAX_PIECE_CHARS));
      for (const hit of findAwsSecrets(line)) hits.push(toHit('aws-secret-access-key', lineNo, hit));
    }
    start = end + 1;
    lineNo += 1;
  }
  return hits;
}

const FAMILY = new Map(DETECTORS.map((d) => [d.id, d.family]));
const RANK = new Map<string, number>();
/** Detectors that know an issuer's format: a look-alike rejected by one does not silence another. */
const ISSUER = new Set<string>();
for (const d of DETECTORS) {
  RANK.set(d.id, d.rank ?? FAMILY_PRIORITY.indexOf(d.family));
  if (d.family === 'cloud' || d.family === 'private-key' || d.family === 'token') ISSUER.add(d.id);
}

/**
 * One secret, one hit: where spans on a line overlap (a GitHub token inside a connection string, an
 * AWS key assigned to `secret_key = ...`), the most specific family keeps it and the others drop it.
 * A look-alike that an issuer detector rejected keeps its span from the generic detectors, then goes.
 */
export function resolveOverlaps(hits: SecretHit[]): SecretHit[] {
  hits.sort(
    (a, b) =>
      a.line - b.line ||
      RANK.get(a.detector)! - RANK.get(b.detector)! ||
      Number(a.rejected ?? false) - Number(b.rejected ?? false) ||
      a.start - b.start,
  );
  const kept: SecretHit[] = [];
  let lineStart = 0;
  for (const h of hits) {
    if (kept.length > 0 && kept[kept.length - 1]!.line !== h.line) lineStart = kept.length;
    let clash = false;
    for (let i = lineStart; i < kept.length && !clash; i++) {
      const k = kept[i]!;
      // The same value twice on a line (`"Raw": "X", "Redacted": "X"`) is one finding.
      if (k.line === h.line && k.detector === h.detector && k.value === h.value) {
        clash = true;
        break;
      }
      clash =
        k.line === h.line && k.start < h.end && h.start < k.end && !(k.rejected && ISSUER.has(h.detector));
    }
    if (!clash) kept.push(h);
  }
  return kept.filter((h) => !h.rejected).sort((a, b) => a.line - b.line || a.start - b.start);
}
