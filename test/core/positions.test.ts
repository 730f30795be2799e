import { afterEach, describe, expect, it, vi } from 'vitest';
import { Positions } from '../../src/core/workspace/positions.js';

/** 5,000 sorted paths over a few directories, as an index lists them. */
function sortedPaths(): string[] {
  const files: string[] = [];
  for (let d = 0; d < 50; d++) for (let f = 0; f < 100; f++) files.push(`src/d${d}/f${f}.ts`);
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Every file, a path between two of them, one before all, one after all, a prefix of one. */
function probes(files: readonly string[]): string[] {
  return [...files, 'src/d1/f10.tsx', '', 'zzz', 'src/d1', 'src/d1/f1', 'SRC/d1/f1.ts'];
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Positions', () => {
  it('answers as a map of each file to its position, by search and then by map', () => {
    const files = sortedPaths();
    const map = new Map(files.map((f, i) => [f, i]));
    const positions = new Positions(files);
    // More lookups than the searches allowed (1,024 here): the later ones are the map's.
    for (const p of probes(files)) {
      expect(positions.get(p)).toBe(map.get(p));
      expect(positions.has(p)).toBe(map.has(p));
    }
    expect(positions.size).toBe(map.size);
    expect([...positions]).toEqual([...map]);
  });

  it('builds no map while few paths are asked, and one once many are', () => {
    const files = sortedPaths();
    const set = vi.spyOn(Map.prototype, 'set');
    const positions = new Positions(files);
    for (let i = 0; i < 1000; i++)
      expect(positions.get(files[(i * 7) % files.length]!)).toBe((i * 7) % files.length);
    expect(set).not.toHaveBeenCalled();
    for (let i = 0; i < 100; i++)
      expect(positions.get(files[(i * 13) % files.length]!)).toBe((i * 13) % files.length);
    expect(set).toHaveBeenCalledTimes(files.length);
  });

  it('answers lookups in the order of the list without searching or building the map', () => {
    const files = sortedPaths();
    const set = vi.spyOn(Map.prototype, 'set');
    const positions = new Positions(files);
    // Twice through the list in order, each round started by one search (five times the searches
    // allowed before the map), with misses between: the file after the last found is tried first.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < files.length; i++) {
        expect(positions.get(files[i]!)).toBe(i);
        if (i % 500 === 0) expect(positions.get(`${files[i]!}x`)).toBeUndefined();
      }
    }
    expect(set).not.toHaveBeenCalled();
  });

  it('maps a list that is not strictly sorted at once, a repeated path at its last position', () => {
    const files = ['b.txt', 'a.txt', 'c.txt', 'a.txt'];
    const set = vi.spyOn(Map.prototype, 'set');
    const positions = new Positions(files);
    expect(set).toHaveBeenCalledTimes(4);
    // In the list's order too: the repeated path is at its last position.
    expect(positions.get('b.txt')).toBe(0);
    expect(positions.get('a.txt')).toBe(3);
    expect(positions.get('a.txt')).toBe(3);
    expect(positions.get('d.txt')).toBeUndefined();
    expect(positions.size).toBe(3);
  });

  it('orders by code unit, as the index sorts, beyond U+FFFF too', () => {
    const files = ['a.txt', '\u{10000}.txt', '\ue000.txt'];
    const positions = new Positions(files);
    expect(files.map((f) => positions.get(f))).toEqual([0, 1, 2]);
    expect(positions.get('\uffff.txt')).toBeUndefined();
  });

  it('answers nothing for an empty list', () => {
    const positions = new Positions([]);
    expect(positions.get('a')).toBeUndefined();
    expect(positions.size).toBe(0);
  });
});
