import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  allControls,
  compareControlIds,
  controlsFrom2013,
  controlsOfTheme,
  getControl,
  THEMES,
} from '../../src/core/catalog.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

/** Every ISO/IEC 27001:2013 Annex A control id (114), from its clause structure: clause -> controls. */
const ANNEX_A_2013: [string, number][] = [
  ['5.1', 2],
  ['6.1', 5],
  ['6.2', 2],
  ['7.1', 2],
  ['7.2', 3],
  ['7.3', 1],
  ['8.1', 4],
  ['8.2', 3],
  ['8.3', 3],
  ['9.1', 2],
  ['9.2', 6],
  ['9.3', 1],
  ['9.4', 5],
  ['10.1', 2],
  ['11.1', 6],
  ['11.2', 9],
  ['12.1', 4],
  ['12.2', 1],
  ['12.3', 1],
  ['12.4', 4],
  ['12.5', 1],
  ['12.6', 2],
  ['12.7', 1],
  ['13.1', 3],
  ['13.2', 4],
  ['14.1', 3],
  ['14.2', 9],
  ['14.3', 1],
  ['15.1', 3],
  ['15.2', 2],
  ['16.1', 7],
  ['17.1', 3],
  ['17.2', 1],
  ['18.1', 5],
  ['18.2', 3],
];
const IDS_2013 = ANNEX_A_2013.flatMap(([clause, n]) =>
  Array.from({ length: n }, (_, i) => `A.${clause}.${i + 1}`),
);

describe('control catalog', () => {
  it('holds the 93 controls in order, in four themes, each with an original description', () => {
    const ids = allControls().map((c) => c.id);
    const expected = [
      ...Array.from({ length: 37 }, (_, i) => `5.${i + 1}`),
      ...Array.from({ length: 8 }, (_, i) => `6.${i + 1}`),
      ...Array.from({ length: 14 }, (_, i) => `7.${i + 1}`),
      ...Array.from({ length: 34 }, (_, i) => `8.${i + 1}`),
    ];
    expect(ids).toEqual(expected);
    expect(THEMES.map((t) => controlsOfTheme(t).length)).toEqual([37, 8, 14, 34]);
    expect(controlsOfTheme('Technological').map((c) => c.id)).toEqual(expected.slice(59));
    const seen = new Set<string>();
    for (const c of allControls()) {
      expect(c.id.split('.')[0]).toBe(String(THEMES.indexOf(c.theme) + 5));
      expect(c.description.length).toBeGreaterThan(20);
      expect(c.description).not.toBe(c.title);
      expect(seen.has(c.description)).toBe(false);
      seen.add(c.description);
      // Attributes are kept where they were checked against the shared facts: the technological theme.
      expect(c.attributes !== undefined).toBe(c.theme === 'Technological');
    }
  });

  it('agrees with the shared catalog facts (ids, titles, themes, new in 2022, technological 2013 mapping)', () => {
    const dir = path.join(REPO_ROOT, '..', 'shared', 'data');
    let all: { controls: { id: string; title: string; theme: string; new_in_2022: boolean }[] };
    let tech: { controls: { id: string; title: string; iso27001_2013: string[] }[] };
    try {
      all = JSON.parse(readFileSync(path.join(dir, 'iso27002-2022-all-controls.json'), 'utf8'));
      tech = JSON.parse(readFileSync(path.join(dir, 'iso27002-2022-technological.json'), 'utf8'));
    } catch {
      return; // The shared folder is beside the repository in development and CI only.
    }
    expect(all.controls.map((c) => c.id)).toEqual(allControls().map((c) => c.id));
    for (const s of all.controls) {
      expect(getControl(s.id)).toMatchObject({ title: s.title, theme: s.theme, newIn2022: s.new_in_2022 });
    }
    for (const s of tech.controls) {
      expect(getControl(s.id)).toMatchObject({ title: s.title, iso27001_2013: s.iso27001_2013 });
    }
  });

  it('maps every one of the 114 ISO/IEC 27001:2013 Annex A controls, and only those, to a 2022 control', () => {
    expect(IDS_2013).toHaveLength(114);
    for (const id of IDS_2013) expect(controlsFrom2013(id).length, id).toBeGreaterThan(0);
    const cited = new Set(allControls().flatMap((c) => c.iso27001_2013));
    expect([...cited].filter((id) => !IDS_2013.includes(id))).toEqual([]);
    // A control with no predecessor is exactly a control new in 2022 (11 of them).
    const fresh = allControls().filter((c) => c.newIn2022);
    expect(fresh.map((c) => c.id)).toEqual(
      allControls()
        .filter((c) => c.iso27001_2013.length === 0)
        .map((c) => c.id),
    );
    expect(fresh.map((c) => c.id)).toEqual([
      '5.7',
      '5.23',
      '5.30',
      '7.4',
      '8.9',
      '8.10',
      '8.11',
      '8.12',
      '8.16',
      '8.23',
      '8.28',
    ]);
  });

  it('translates ISO/IEC 27001:2013 ids of every theme', () => {
    const to = (id: string) => controlsFrom2013(id).map((c) => c.id);
    expect(to('A.9.2.3')).toEqual(['8.2']);
    expect(to('a.12.4.1')).toEqual(['8.15']);
    expect(to('A.14.2.5')).toEqual(['8.27']);
    expect(to('A.5.1.1')).toEqual(['5.1']);
    expect(to('A.5.1.2')).toEqual(['5.1']);
    expect(to('A.6.2.2')).toEqual(['6.7']);
    expect(to('A.7.2.1')).toEqual(['5.4']);
    expect(to('A.12.1.1')).toEqual(['5.37']);
    expect(to('A.13.2.1')).toEqual(['5.14']);
    expect(to('A.13.2.4')).toEqual(['6.6']);
    expect(to('A.16.1.3')).toEqual(['6.8']);
    expect(to('A.11.2.5')).toEqual(['7.10']);
    expect(to('A.11.2.8')).toEqual(['8.1']);
    expect(to('9.4.3')).toEqual(['5.17']);
    // One 2013 control split across themes.
    expect(to('A.18.2.3')).toEqual(['5.36', '8.8']);
    expect(to('A.19.1.1')).toEqual([]);
  });

  it('sorts control ids numerically', () => {
    expect(['8.10', '8.2', '8.1', '5.37', '7.4'].sort(compareControlIds)).toEqual([
      '5.37',
      '7.4',
      '8.1',
      '8.2',
      '8.10',
    ]);
  });
});
