/**
 * Each file's position in a tree's list, as a read-only map. A map of 100,000 paths costs 15-30 ms
 * to build (every path hashed, the table grown several times), a binary search about 1.5 us, while a
 * pull-request check that takes most rules' results from the base commit asks about a few hundred
 * to a few thousand paths: a strictly sorted list answers by binary search until enough lookups have
 * been asked to pay for the map (about one per 8 files), which is then built once. Files are mostly
 * asked for in the list's order (a slice of a tree read file after file): the path after the last one
 * found is tried first, so a reader that goes through the list costs neither searches nor the map. A
 * list that is not strictly sorted (a caller's own order, repeats) gets its map at once, with the
 * map's answer for a repeated path (its last position).
 */
import { compareStrings } from './files.js';

/** Lookups answered by search before the map is built: at least this many, or 1 in 8 of the files. */
const MIN_SEARCHES = 1024;

export class Positions implements ReadonlyMap<string, number> {
  private map: Map<string, number> | undefined;
  /** Lookups left to answer by search; the map is built on the next one. */
  private searches: number;
  /** The position after the last one found, tried first. */
  private next = 0;
  /** Whether the list is strictly sorted ({@link compareStrings}): each path once, in code-unit order. */
  readonly sorted: boolean;

  constructor(private readonly files: readonly string[]) {
    this.searches = Math.max(MIN_SEARCHES, files.length >>> 3);
    this.sorted = strictlySorted(files);
    if (!this.sorted) this.map = build(files);
  }

  get(file: string): number | undefined {
    if (this.map) return this.map.get(file);
    const next = this.next;
    if (this.files[next] === file) {
      this.next = next + 1;
      return next;
    }
    if (this.searches-- > 0) {
      const at = search(this.files, file);
      if (at !== undefined) this.next = at + 1;
      return at;
    }
    return this.built().get(file);
  }

  has(file: string): boolean {
    return this.get(file) !== undefined;
  }

  get size(): number {
    return this.built().size;
  }

  forEach(
    each: (value: number, key: string, map: ReadonlyMap<string, number>) => void,
    self?: unknown,
  ): void {
    for (const [key, value] of this.built()) each.call(self, value, key, this);
  }

  entries(): MapIterator<[string, number]> {
    return this.built().entries();
  }

  keys(): MapIterator<string> {
    return this.built().keys();
  }

  values(): MapIterator<number> {
    return this.built().values();
  }

  [Symbol.iterator](): MapIterator<[string, number]> {
    return this.built().entries();
  }

  private built(): Map<string, number> {
    this.map ??= build(this.files);
    return this.map;
  }
}

/** The map, set one by one (no pair array per file on the way). */
function build(files: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (let i = 0; i < files.length; i++) map.set(files[i]!, i);
  return map;
}

function strictlySorted(files: readonly string[]): boolean {
  for (let i = 1; i < files.length; i++) if (compareStrings(files[i - 1]!, files[i]!) >= 0) return false;
  return true;
}

/** The position of `file` in a strictly sorted list, by binary search. */
function search(files: readonly string[], file: string): number | undefined {
  const at = lowerBound(files, file);
  return files[at] === file ? at : undefined;
}

/** The first position in a sorted list ({@link compareStrings}, or numbers ascending) whose entry is not before `key`. */
export function lowerBound<T extends string | number>(files: readonly T[], key: T): number {
  let lo = 0;
  let hi = files.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (files[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
