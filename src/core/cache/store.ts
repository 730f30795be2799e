/**
 * The cache file: one JSON document in the directory the user names (`cache-dir`), read at the start
 * of a run and replaced atomically at its end. It is untrusted input: whoever could write the
 * directory (a careless `actions/cache` key restoring a pull request's cache) wrote it. So it is
 * bounded in bytes and entries, never read or written through a symbolic link, and checked entry by
 * entry; anything wrong makes the whole file ignored, and the run evaluates every file.
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { fingerprint } from '../finding.js';
import { CONFIDENCES, PERSONAS, type RawFinding, SEVERITIES } from '../types.js';
import type { InputProblem } from '../workspace/workspace.js';

/** The file's name in the cache directory. */
export const CACHE_FILE = 'controlgate-cache.json';
/** Bumped whenever the shape below changes: a file of another version is ignored, silently. */
export const CACHE_FORMAT = 1;
/** Larger files are refused unread (100,000 files with findings take about 15 MB). */
export const MAX_CACHE_BYTES = 256 * 1024 * 1024;
/** At most this many files, findings per entry and characters per string. */
const MAX_FILES = 1_000_000;
const MAX_FINDINGS = 10_000;
const MAX_STRING = 100_000;

/** What one rule found on one file, when it found anything. */
export interface CachedOutcome {
  raw: RawFinding[];
  problems: InputProblem[];
}

/**
 * A file's cached outcomes, by rule position in {@link CacheData.rules}. Sets of rules are masks: one
 * hexadecimal digit per four rules, the lowest bit first (`mask.ts`).
 */
export interface CachedFile {
  /** `<mode> <blob id>` of the content the outcomes are about. */
  blob: string;
  /** The rules whose outcome on the file is cached; undefined: every rule. */
  cached?: string;
  /** The rules that examined the file (their scope, for the verdicts). */
  examined: string;
  /** The findings and input problems of the cached rules that have any. */
  outcomes?: Map<number, CachedOutcome>;
}

export interface CacheData {
  /** The run key (see run.ts): version, rule set, settings. */
  key: string;
  /** The rule ids, by position. */
  rules: string[];
  files: Map<string, CachedFile>;
}

/**
 * On disk, by column (parsed several times faster than an object per file): the files' paths, blob
 * ids and the index of their examined mask among the distinct `masks`; the cached mask of the files
 * some rule is not cached for, and the outcomes that found anything, by file index.
 */
interface Stored {
  masks: string[];
  paths: string[];
  blobs: string[];
  examined: number[];
  cached: Record<string, number>;
  outcomes: Record<string, [number, RawFinding[], InputProblem[]?][]>;
}

/**
 * The fingerprints of restored findings. The cache keeps a finding's fingerprint, which the report
 * prints, instead of its occurrence key, which it does not (a secret's key is a hash of the value).
 */
const fingerprints = new WeakMap<RawFinding, string>();

/** The fingerprint a finding restored from the cache had; undefined for a fresh one. */
export function cachedFingerprint(raw: RawFinding): string | undefined {
  return fingerprints.get(raw);
}

function restore(stored: RawFinding & { fp: string }): RawFinding {
  const { fp, ...raw } = stored;
  fingerprints.set(raw, fp);
  return raw;
}

/** A finding as stored: its fingerprint (as the report prints it) instead of its key. */
function stash(ruleId: string, raw: RawFinding): RawFinding & { fp: string } {
  const { key, ...rest } = raw;
  return { ...rest, fp: fingerprints.get(raw) ?? fingerprint(ruleId, raw.location?.path ?? '', key ?? '') };
}

/** Why a cache file is refused. */
export class CacheRefused extends Error {}

/** Reads the cache of `dir`; undefined when there is none yet; throws {@link CacheRefused}. */
export function readCache(dir: string): CacheData | undefined {
  const file = path.join(dir, CACHE_FILE);
  const dirStat = lstatOrUndefined(dir);
  if (!dirStat) return undefined;
  if (!dirStat.isDirectory())
    throw new CacheRefused(`${dir} is not a directory (a symbolic link is refused)`);
  const stat = lstatOrUndefined(file);
  if (!stat) return undefined;
  if (!stat.isFile()) throw new CacheRefused(`${file} is not a regular file (a symbolic link is refused)`);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    throw new CacheRefused(`${file} cannot be opened: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  let text: string;
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_CACHE_BYTES) throw new CacheRefused(`${file} is ${size} bytes, over ${MAX_CACHE_BYTES}`);
    const buf = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buf, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    text = buf.toString('utf8', 0, read);
  } finally {
    closeSync(fd);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new CacheRefused(`${file} is not JSON: ${(err as Error).message}`);
  }
  return decode(doc, file);
}

/** Checks the document's shape entry by entry. */
function decode(doc: unknown, file: string): CacheData | undefined {
  const fail = (where: string, what: string): never => {
    throw new CacheRefused(`${file}: ${where}: ${what}`);
  };
  if (!isObject(doc) || doc.format !== 'controlgate-cache') fail('/format', 'not a controlgate cache');
  const d = doc as Record<string, unknown>;
  // Another version's file is not an attack: it is simply not used (and replaced at the end).
  if (d.version !== CACHE_FORMAT) return undefined;
  if (!isString(d.key)) fail('/key', 'expected a string');
  const rules = d.rules;
  if (!Array.isArray(rules) || !rules.every(isString)) fail('/rules', 'expected an array of rule ids');
  const count = (rules as string[]).length;
  const maskShape = new RegExp(`^[0-9a-f]{${Math.ceil(count / 4)}}$`);
  const masks = d.masks;
  if (
    !Array.isArray(masks) ||
    masks.length > MAX_FILES ||
    !masks.every((m) => isString(m) && maskShape.test(m))
  ) {
    fail('/masks', `expected masks of ${count} rules`);
  }
  const { paths, blobs, examined } = d;
  if (!Array.isArray(paths) || paths.length > MAX_FILES)
    fail('/paths', `expected at most ${MAX_FILES} paths`);
  const n = (paths as unknown[]).length;
  if (!Array.isArray(blobs) || blobs.length !== n) fail('/blobs', `expected ${n} blob ids`);
  if (!Array.isArray(examined) || examined.length !== n) fail('/examined', `expected ${n} mask indexes`);
  const maskAt = (v: unknown, where: string): string =>
    Number.isInteger(v) && (v as number) >= 0 && (v as number) < (masks as string[]).length
      ? (masks as string[])[v as number]!
      : fail(where, 'expected the index of a mask');
  const files = new Map<string, CachedFile>();
  const entries: CachedFile[] = [];
  for (let i = 0; i < n; i++) {
    const name = (paths as unknown[])[i];
    if (!isString(name) || files.has(name)) fail(`/paths/${i}`, 'expected a path given once');
    const blob = (blobs as unknown[])[i];
    if (!isString(blob) || !/^\d{6} [0-9a-f]{40,64}$/.test(blob))
      fail(`/blobs/${i}`, 'expected "<mode> <blob id>"');
    const entry: CachedFile = {
      blob: blob as string,
      examined: maskAt((examined as unknown[])[i], `/examined/${i}`),
    };
    files.set(name as string, entry);
    entries.push(entry);
  }
  const at = (key: string, where: string): number => {
    const i = /^(0|[1-9]\d*)$/.test(key) ? Number(key) : -1;
    return i >= 0 && i < n ? i : fail(where, 'not a file index');
  };
  if (!isObject(d.cached)) fail('/cached', 'expected an object');
  for (const [key, v] of Object.entries(d.cached as object)) {
    entries[at(key, `/cached/${key}`)]!.cached = maskAt(v, `/cached/${key}`);
  }
  if (!isObject(d.outcomes)) fail('/outcomes', 'expected an object');
  for (const [key, list] of Object.entries(d.outcomes as object)) {
    const i = at(key, `/outcomes/${key}`);
    const name = (paths as string[])[i]!;
    if (!Array.isArray(list) || list.length > count) fail(`/outcomes/${key}`, 'expected an array');
    const outcomes = new Map<number, CachedOutcome>();
    for (const [j, o] of (list as unknown[]).entries()) {
      const where = `/outcomes/${key}/${j}`;
      if (!Array.isArray(o) || o.length < 2 || o.length > 3) fail(where, 'expected [rule, raw, problems?]');
      const [rule, raw, problems = []] = o as unknown[];
      if (!Number.isInteger(rule) || (rule as number) < 0 || (rule as number) >= count) {
        fail(`${where}/0`, 'not a rule position');
      }
      if (outcomes.has(rule as number)) fail(`${where}/0`, 'a rule given twice');
      if (!Array.isArray(raw) || raw.length > MAX_FINDINGS || !raw.every((r) => isRaw(r, name))) {
        fail(`${where}/1`, `expected findings located in ${name}`);
      }
      if (
        !Array.isArray(problems) ||
        problems.length > MAX_FINDINGS ||
        !problems.every((p) => isProblem(p, name))
      ) {
        fail(`${where}/2`, `expected input problems of ${name}`);
      }
      outcomes.set(rule as number, {
        raw: (raw as (RawFinding & { fp: string })[]).map(restore),
        problems: problems as InputProblem[],
      });
    }
    entries[i]!.outcomes = outcomes;
  }
  return { key: d.key as string, rules: rules as string[], files };
}

/**
 * Writes the cache into `dir` (created if missing): a temporary file beside the final one, renamed
 * over it, so a reader never sees half a file. Refuses a directory that is a symbolic link.
 */
export function writeCache(dir: string, data: CacheData): void {
  mkdirSync(dir, { recursive: true });
  if (!lstatSync(dir).isDirectory())
    throw new CacheRefused(`${dir} is not a directory (a symbolic link is refused)`);
  const stored: Stored = { masks: [], paths: [], blobs: [], examined: [], cached: {}, outcomes: {} };
  const maskIndex = new Map<string, number>();
  const mask = (m: string) => {
    let i = maskIndex.get(m);
    if (i === undefined) {
      i = stored.masks.push(m) - 1;
      maskIndex.set(m, i);
    }
    return i;
  };
  for (const [name, f] of data.files) {
    const i = stored.paths.push(name) - 1;
    stored.blobs.push(f.blob);
    stored.examined.push(mask(f.examined));
    if (f.cached !== undefined) stored.cached[i] = mask(f.cached);
    if (f.outcomes && f.outcomes.size > 0) {
      stored.outcomes[i] = [...f.outcomes].map(([rule, c]) => {
        const raw = c.raw.map((r) => stash(data.rules[rule]!, r));
        return c.problems.length > 0 ? [rule, raw, c.problems] : [rule, raw];
      });
    }
  }
  const text = JSON.stringify({
    format: 'controlgate-cache',
    version: CACHE_FORMAT,
    key: data.key,
    rules: data.rules,
    ...stored,
  });
  const temp = path.join(dir, `.${CACHE_FILE}.${process.pid}.tmp`);
  rmSync(temp, { force: true });
  // Exclusive and without following a link: a planted file of that name is never written through.
  const fd = openSync(
    temp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
    0o644,
  );
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path.join(dir, CACHE_FILE));
}

function lstatOrUndefined(p: string): import('node:fs').Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isString(v: unknown): v is string {
  return typeof v === 'string' && v.length <= MAX_STRING;
}

function isLine(v: unknown): boolean {
  return Number.isInteger(v) && (v as number) >= 0;
}

const LOCATION_KEYS = new Set(['path', 'startLine', 'endLine', 'startColumn', 'endColumn']);
const RAW_KEYS = new Set([
  'message',
  'location',
  'fp',
  'severity',
  'confidence',
  'persona',
  'controls',
  'fix',
  'unfixable',
]);

/** A raw finding about `file` (or about no place), with nothing but the fields a finding has. */
function isRaw(v: unknown, file: string): boolean {
  if (!isObject(v) || !Object.keys(v).every((k) => RAW_KEYS.has(k)) || !isString(v.message)) return false;
  const loc = v.location;
  if (loc !== null) {
    if (!isObject(loc) || !Object.keys(loc).every((k) => LOCATION_KEYS.has(k))) return false;
    if (loc.path !== file || !isLine(loc.startLine)) return false;
    for (const k of ['endLine', 'startColumn', 'endColumn']) if (k in loc && !isLine(loc[k])) return false;
  }
  if (typeof v.fp !== 'string' || !/^[0-9a-f]{32}$/.test(v.fp)) return false;
  if ('severity' in v && !(SEVERITIES as readonly unknown[]).includes(v.severity)) return false;
  if ('confidence' in v && !(CONFIDENCES as readonly unknown[]).includes(v.confidence)) return false;
  if ('persona' in v && (v.persona === 'regular' || !(PERSONAS as readonly unknown[]).includes(v.persona)))
    return false;
  if (
    'controls' in v &&
    !(Array.isArray(v.controls) && v.controls.every((c) => isString(c) && /^\d+\.\d+$/.test(c)))
  ) {
    return false;
  }
  if ('unfixable' in v && !isString(v.unfixable)) return false;
  return !('fix' in v) || isFix(v.fix);
}

function isFix(v: unknown): boolean {
  if (!isObject(v) || !isString(v.description) || !Array.isArray(v.edits)) return false;
  const edit = (e: unknown) => isObject(e) && isLine(e.start) && isLine(e.end) && isString(e.text);
  if (!v.edits.every(edit)) return false;
  const r = v.region;
  if (!isObject(r) || !isLine(r.startLine) || !isLine(r.endLine) || !isLine(r.offset) || !isString(r.text)) {
    return false;
  }
  if (!('resolve' in v)) return true;
  const s = v.resolve;
  return (
    isObject(s) && s.kind === 'tag-commit' && isString(s.repository) && isString(s.ref) && isLine(s.edit)
  );
}

function isProblem(v: unknown, file: string): boolean {
  return (
    isObject(v) &&
    Object.keys(v).length === 4 &&
    v.path === file &&
    isString(v.message) &&
    isLine(v.line) &&
    isLine(v.column)
  );
}
