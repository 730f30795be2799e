/**
 * The results cache: what the per-file rules found in each tracked file, keyed by the file's path
 * and its blob (mode and object id in git's index), kept between runs so that a later full check
 * reads again only the files whose blob changed. A rule qualifies when its findings on a file depend
 * on that file alone: `scope: 'file'`, not on the engine's thread (`mainThread`), no `reads` of other
 * files declared. What it asked about the existence of other files (`Workspace.has`) is kept with the
 * answers; when one answer changed, the rule is evaluated over every file again.
 *
 * The engine checks that a cache fits the run (same controlgate, rules and settings); whether the
 * file can be trusted is the caller's question. A pull request's run never reads one: a file in its
 * workspace is the pull request's to write (see the Action's `results-cache` input).
 */

import { rawProblem } from './base-results.js';
import type { RawFinding } from './types.js';
import type { InputProblem } from './workspace/workspace.js';

export const FILE_CACHE_FORMAT = 'controlgate-results-cache/1';

/** Larger caches are not read (the bench's 100,000-file tree writes about 10 MB). */
export const FILE_CACHE_MAX_BYTES = 256 * 1024 * 1024;

/** A rule whose results the cache holds, and what it asked about other files. */
export interface CachedRule {
  id: string;
  /** `[path, exists]`: every existence question the rule asked while evaluating, with its answer. */
  asked: [string, boolean][];
}

/** One file's results. */
export interface CachedFile {
  /** Path, relative to the checked root. */
  p: string;
  /** `<mode> <object id>` of the file in git's index when it was read. */
  b: string;
  /** The rules (by index in `FileCache.rules`) that read the file. */
  e: number[];
  /** The findings in the file, by rule index, as the rule reported them (before settings and triage). */
  r?: Record<string, RawFinding[]>;
  /** The first problem recorded while parsing the file, if any. */
  x?: InputProblem;
}

export interface FileCache {
  format: typeof FILE_CACHE_FORMAT;
  version: string;
  /** Digest of the rules and settings that shape findings (see `resultsKey`). */
  key: string;
  rules: CachedRule[];
  /** Sorted by path. */
  files: CachedFile[];
}

export function serializeFileCache(cache: FileCache): string {
  return JSON.stringify(cache);
}

/**
 * Reads a cache; throws an Error whose message says what is wrong (the caller logs it and goes on
 * without). Checks the shape the engine relies on.
 */
export function parseFileCache(text: string): FileCache {
  if (text.length > FILE_CACHE_MAX_BYTES) throw new Error(`larger than ${FILE_CACHE_MAX_BYTES} bytes`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isObject(data)) throw new Error('not a JSON object');
  if (data.format !== FILE_CACHE_FORMAT) {
    throw new Error(`format is ${JSON.stringify(data.format)}, expected ${FILE_CACHE_FORMAT}`);
  }
  if (typeof data.version !== 'string') throw new Error('version is missing');
  if (typeof data.key !== 'string' || !/^[0-9a-f]{64}$/.test(data.key))
    throw new Error('key is not a digest');
  if (!Array.isArray(data.rules)) throw new Error('rules is not a list');
  for (const [i, rule] of data.rules.entries()) {
    const asked = isObject(rule) ? rule.asked : undefined;
    if (!isObject(rule) || typeof rule.id !== 'string') throw new Error(`rules[${i}] has no id`);
    if (
      !Array.isArray(asked) ||
      !asked.every((a) => Array.isArray(a) && typeof a[0] === 'string' && typeof a[1] === 'boolean')
    ) {
      throw new Error(`rules[${i}].asked is not a list of [path, exists]`);
    }
  }
  if (!Array.isArray(data.files)) throw new Error('files is not a list');
  const count = data.rules.length;
  let last = '';
  for (const [i, file] of data.files.entries()) {
    const problem = fileProblem(file, count);
    if (problem) throw new Error(`files[${i}]: ${problem}`);
    const p = (file as CachedFile).p;
    if (i > 0 && !(last < p)) throw new Error(`files[${i}]: not sorted by path`);
    last = p;
  }
  return data as unknown as FileCache;
}

function fileProblem(file: unknown, rules: number): string | undefined {
  if (!isObject(file) || typeof file.p !== 'string' || typeof file.b !== 'string') return 'no path or blob';
  const isRule = (n: unknown) => Number.isInteger(n) && (n as number) >= 0 && (n as number) < rules;
  if (!Array.isArray(file.e) || !file.e.every(isRule)) return 'e is not a list of rule indices';
  if (file.r !== undefined) {
    if (!isObject(file.r)) return 'r is not an object';
    for (const [k, raw] of Object.entries(file.r)) {
      if (!/^\d+$/.test(k) || !isRule(Number(k))) return `r.${k} is not a rule index`;
      const problem = rawProblem(raw);
      if (problem) return `r.${k}: ${problem}`;
      if ((raw as RawFinding[]).some((f) => f.location?.path !== file.p))
        return `r.${k}: a finding lies in another file`;
    }
  }
  if (file.x !== undefined) {
    const x = file.x;
    if (
      !isObject(x) ||
      x.path !== file.p ||
      typeof x.message !== 'string' ||
      !Number.isInteger(x.line) ||
      !Number.isInteger(x.column)
    ) {
      return 'x is not an input problem of the file';
    }
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
