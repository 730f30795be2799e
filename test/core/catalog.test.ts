import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allControls, compareControlIds, controlsFrom2013, getControl } from '../../src/core/catalog.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

describe('control catalog', () => {
  it('holds the 34 technological controls in order, each with an original description', () => {
    const ids = allControls().map((c) => c.id);
    expect(ids).toEqual(Array.from({ length: 34 }, (_, i) => `8.${i + 1}`));
    for (const c of allControls()) {
      expect(c.description.length).toBeGreaterThan(20);
      expect(c.description).not.toBe(c.title);
    }
  });

  it('agrees with the shared catalog facts', () => {
    const sharedFile = path.join(REPO_ROOT, '..', 'shared', 'data', 'iso27002-2022-technological.json');
    let shared: { controls: { id: string; title: string; iso27001_2013: string[] }[] };
    try {
      shared = JSON.parse(readFileSync(sharedFile, 'utf8'));
    } catch {
      return; // The shared folder is beside the repository in development and CI only.
    }
    for (const s of shared.controls) {
      expect(getControl(s.id)).toMatchObject({ title: s.title, iso27001_2013: s.iso27001_2013 });
    }
  });

  it('translates ISO/IEC 27001:2013 ids', () => {
    expect(controlsFrom2013('A.9.2.3').map((c) => c.id)).toEqual(['8.2']);
    expect(controlsFrom2013('a.12.4.1').map((c) => c.id)).toEqual(['8.15']);
    expect(controlsFrom2013('A.14.2.5').map((c) => c.id)).toEqual(['8.27']);
    expect(controlsFrom2013('A.5.1.1')).toEqual([]);
  });

  it('sorts control ids numerically', () => {
    expect(['8.10', '8.2', '8.1'].sort(compareControlIds)).toEqual(['8.1', '8.2', '8.10']);
  });
});
