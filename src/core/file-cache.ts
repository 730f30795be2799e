/**
 * The results cache: what the per-file rules found in each tracked file, keyed by the file's path
 * and its blob (mode and object id in git's index), kept between runs so that a later full check
 * reads again only the files whose blob changed. A rule qualifies when its findings on a file depend
 * on that file alone, or also on other files it names by globs: `scope: 'file'`, not on the engine's
 * thread (`mainThread`), `readsOtherFiles` absent or globs (a change to a file they match has the rule
 * evaluated over every file again; see cache-run.ts). What it asked about the existence of other files
 * (`Workspace.has`) is kept with the answers; when one answer changed, the rule is evaluated over
 * every file again. The rules that read across files are kept as base results keep them (with what
 * each asked of the tree); the next check takes those the change since does not touch.
 *
 * The engine checks that a cache fits the run (same controlgate, rules and settings); whether the
 * file can be trusted is the caller's question. A pull request's run never reads one: a file in its
 * workspace is the pull request's to write (see the Action's `results-cache` input).
 */

import {
  isObject,
  isStrings,
  rawProblem,
  type StoredRule,
  storedJson,
  storedRuleProblem,
} from './base-results.js';
import { type RawFinding, SEVERITIES } from './types.js';
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

/**
 * The cache, in columns (a 100,000-file tree makes three lists, not 100,000 objects): `paths`,
 * `blobs` and `read` are one entry per file, in the same order; `found` and `problems` are keyed by
 * a file's position in them.
 */
export interface FileCache {
  format: typeof FILE_CACHE_FORMAT;
  version: string;
  /** Digest of the rules and settings that shape findings (see `resultsKey`). */
  key: string;
  rules: CachedRule[];
  /** Sorted, each once: the files, relative to the checked root. */
  paths: string[];
  /** Each file's `<mode> <object id>` in git's index when it was read. */
  blobs: string[];
  /** Sets of rules (indices in `rules`) that read a file; files share a few. */
  readers: number[][];
  /** Each file's set in `readers`. */
  read: number[];
  /** The findings in a file (by position), by rule index, as the rule reported them (before settings and triage). */
  found: Record<string, Record<string, RawFinding[]>>;
  /** The first problem recorded while parsing a file (by position). */
  problems: Record<string, InputProblem>;
  /**
   * The rules that read across files, as base results keep them (what each asked of the tree, its
   * findings, by subject where it names them): the next run takes those the change since does not
   * touch.
   */
  across: Record<string, StoredRule>;
  /** Of the files that hold findings, those with an inline-ignore comment (the others are not read for one). */
  inlineIgnores: string[];
  /**
   * For each screen the rules of {@link across} list files through (see screens.ts): the globs its
   * files were tested under, and the positions of those that passed. An edit of a file that passed
   * neither then nor now changes nothing those rules read (a workflow is no Kubernetes manifest);
   * without the screen's entry every edit of a matching file counts.
   */
  screens?: Record<string, ScreenRecord>;
}

/** The files that passed one screen, among those its globs matched, when the cache was written. */
export interface ScreenRecord {
  /** The glob lists the screen was asked under; every cached file one of them matches was tested. */
  patterns: string[][];
  /** Positions (in `paths`), ascending, of the files that passed. */
  passed: number[];
}

export function serializeFileCache(cache: FileCache): string {
  return [...fileCacheText(cache)].join('');
}

/**
 * The cache's JSON text in pieces of at most `step` list entries or one object entry each (the text
 * of `JSON.stringify(cache)`), so that it is written without holding the whole of it: 20 MB at
 * 200,000 files, at the end of the run, when the heap is fullest.
 */
export function* fileCacheText(cache: FileCache, step = 10_000): Generator<string> {
  const {
    format,
    version,
    key,
    rules,
    paths,
    blobs,
    readers,
    read,
    found,
    problems,
    across,
    inlineIgnores,
    screens,
  } = cache;
  yield `{"format":${JSON.stringify(format)},"version":${JSON.stringify(version)},"key":${JSON.stringify(key)},"rules":${JSON.stringify(rules)}`;
  const list = function* (name: string, items: readonly unknown[]): Generator<string> {
    yield `,"${name}":[`;
    for (let at = 0; at < items.length; at += step) {
      yield `${at > 0 ? ',' : ''}${JSON.stringify(items.slice(at, at + step)).slice(1, -1)}`;
    }
    yield ']';
  };
  const object = function* (name: string, entries: Record<string, unknown>): Generator<string> {
    yield `,"${name}":{`;
    let first = true;
    for (const [k, v] of Object.entries(entries)) {
      yield `${first ? '' : ','}${JSON.stringify(k)}:${JSON.stringify(v)}`;
      first = false;
    }
    yield '}';
  };
  yield* list('paths', paths);
  yield* list('blobs', blobs);
  yield* list('readers', readers);
  yield* list('read', read);
  yield* object('found', found);
  yield* object('problems', problems);
  yield* object('across', across);
  yield* list('inlineIgnores', inlineIgnores);
  if (screens) yield* object('screens', screens as Record<string, unknown>);
  yield '}';
}

/**
 * Reads a cache; throws an Error whose message says what is wrong (the caller logs it and goes on
 * without). Checks the shape the engine relies on.
 */
export function parseFileCache(text: string): FileCache {
  const data = storedJson(text, FILE_CACHE_FORMAT, FILE_CACHE_MAX_BYTES);
  const problem = shapeProblem(data);
  if (problem) throw new Error(problem);
  return data as unknown as FileCache;
}

function shapeProblem(data: Record<string, unknown>): string | undefined {
  const { rules, paths, blobs, readers, read, found, problems } = data;
  if (!Array.isArray(rules)) return 'rules is not a list';
  for (const [i, rule] of rules.entries()) {
    if (!isObject(rule) || typeof rule.id !== 'string') return `rules[${i}] has no id`;
    const asked = rule.asked;
    if (
      !Array.isArray(asked) ||
      !asked.every((a) => Array.isArray(a) && typeof a[0] === 'string' && typeof a[1] === 'boolean')
    ) {
      return `rules[${i}].asked is not a list of [path, exists]`;
    }
  }
  if (!isStrings(paths) || !isStrings(blobs)) return 'paths or blobs is not a list of strings';
  for (let i = 1; i < paths.length; i++) if (!(paths[i - 1]! < paths[i]!)) return `paths[${i}] is not sorted`;
  const isIndex = (n: unknown, length: number) =>
    Number.isInteger(n) && (n as number) >= 0 && (n as number) < length;
  if (
    !Array.isArray(readers) ||
    !readers.every((r) => Array.isArray(r) && r.every((n) => isIndex(n, rules.length)))
  ) {
    return 'readers is not a list of sets of rule indices';
  }
  if (!Array.isArray(read) || !read.every((n) => isIndex(n, readers.length)))
    return 'read is not a list of reader sets';
  if (blobs.length !== paths.length || read.length !== paths.length)
    return 'paths, blobs and read differ in length';
  if (!isObject(found)) return 'found is not an object';
  for (const [at, byRule] of Object.entries(found)) {
    const path = /^\d+$/.test(at) && isIndex(Number(at), paths.length) ? paths[Number(at)] : undefined;
    if (path === undefined || !isObject(byRule)) return `found.${at} is not a file's findings`;
    for (const [k, raw] of Object.entries(byRule)) {
      if (!/^\d+$/.test(k) || !isIndex(Number(k), rules.length))
        return `found.${at}.${k} is not a rule index`;
      const wrong = rawProblem(raw);
      if (wrong) return `found.${at}.${k}: ${wrong}`;
      if ((raw as RawFinding[]).some((f) => f.location?.path !== path))
        return `found.${at}.${k}: a finding lies in another file`;
    }
  }
  if (!isObject(data.across)) return 'across is not an object';
  for (const [id, rule] of Object.entries(data.across)) {
    const wrong = storedRuleProblem(rule);
    if (wrong) return `across.${id}: ${wrong}`;
  }
  if (!isStrings(data.inlineIgnores)) return 'inlineIgnores is not a list of paths';
  if (data.screens !== undefined) {
    if (!isObject(data.screens)) return 'screens is not an object';
    for (const [name, record] of Object.entries(data.screens)) {
      if (
        !isObject(record) ||
        !Array.isArray(record.patterns) ||
        !record.patterns.every(isStrings) ||
        !Array.isArray(record.passed) ||
        !record.passed.every(
          (n, i, all) => isIndex(n, paths.length) && (i === 0 || (all[i - 1] as number) < n),
        )
      ) {
        return `screens.${name} is not a screen's globs and the ascending positions of the files that passed`;
      }
    }
  }
  if (!isObject(problems)) return 'problems is not an object';
  for (const [at, x] of Object.entries(problems)) {
    const path = /^\d+$/.test(at) ? paths[Number(at)] : undefined;
    if (
      !isObject(x) ||
      path === undefined ||
      x.path !== path ||
      typeof x.message !== 'string' ||
      !Number.isInteger(x.line) ||
      !Number.isInteger(x.column) ||
      (x.severity !== undefined && !(SEVERITIES as readonly unknown[]).includes(x.severity))
    ) {
      return `problems.${at} is not an input problem of the file`;
    }
  }
  return undefined;
}
