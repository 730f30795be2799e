/**
 * The copy a fix describes its intended document with: deep, independent of the parse it came from,
 * equal to it by the verifier's comparison, and with a `__proto__` key kept as data.
 */
import { describe, expect, it } from 'vitest';
import { cloneYaml, deepEqual } from '../../src/core/fix/yaml-edit.js';
import { parseYaml } from '../../src/core/workspace/yaml.js';

describe('cloneYaml', () => {
  it('copies mappings and sequences all the way down, and keeps scalars and timestamps', () => {
    const doc = {
      on: { push: { branches: ['main'] } },
      jobs: {
        build: { steps: [{ uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } }, null, true, 1.5] },
      },
      when: new Date('2026-12-06T00:00:00Z'),
    };
    const copy = cloneYaml(doc);
    expect(copy).toEqual(doc);
    expect(deepEqual(copy, doc)).toBe(true);
    (copy.jobs.build.steps as unknown[]).push('more');
    (copy.on.push.branches as string[])[0] = 'dev';
    expect(doc.jobs.build.steps).toHaveLength(4);
    expect(doc.on.push.branches).toEqual(['main']);
    expect(copy.when).not.toBe(doc.when);
    expect(copy.when.getTime()).toBe(doc.when.getTime());
  });

  it('keeps a node reached through an alias one node, as the parse has it', () => {
    const parsed = parseYaml('base: &b\n  image: x\na: *b\nb: *b\n');
    const value = (parsed as { documents: { value: unknown }[] }).documents[0]!.value as Record<
      string,
      object
    >;
    expect(value.a).toBe(value.b);
    const copy = cloneYaml(value);
    expect(copy.a).toBe(copy.b);
    expect(copy.a).toBe(copy.base);
    expect(copy.a).not.toBe(value.a);
  });

  it('keeps a `__proto__` key of a parsed document as data, not as the copy’s prototype', () => {
    const parsed = parseYaml('jobs:\n  __proto__:\n    polluted: true\n  build:\n    runs-on: x\n');
    expect(parsed.ok).toBe(true);
    const value = (parsed as { documents: { value: unknown }[] }).documents[0]!.value;
    const copy = cloneYaml(value) as { jobs: Record<string, unknown> };
    expect(Object.keys(copy.jobs)).toEqual(Object.keys((value as { jobs: object }).jobs));
    expect(Object.getPrototypeOf(copy.jobs)).toBe(Object.prototype);
    expect(deepEqual(copy, value)).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
