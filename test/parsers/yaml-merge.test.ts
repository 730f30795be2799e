import { describe, expect, it } from 'vitest';
import { resolveMergeKeys } from '../../src/core/parsers/yaml-merge.js';
import { parseYaml } from '../../src/core/workspace/yaml.js';

const value = (text: string) => {
  const parsed = parseYaml(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.documents[0]!.value;
};

describe('resolveMergeKeys', () => {
  it('expands merges as go-yaml does: own keys first, then the merged mappings in order', () => {
    const v = value('a: &a { x: 1, y: 1 }\nb: &b { y: 2, z: 2 }\nc:\n  <<: [*a, *b]\n  x: 0\n');
    expect(resolveMergeKeys(v)).toEqual({ a: { x: 1, y: 1 }, b: { y: 2, z: 2 }, c: { x: 0, y: 1, z: 2 } });
  });

  it('leaves a value without merges as it is, and never changes the parse it is given', () => {
    const plain = value('a: { b: [1, 2] }\n');
    expect(resolveMergeKeys(plain)).toBe(plain);
    const merged = value('a: &a { x: 1 }\nb: { <<: *a }\n');
    resolveMergeKeys(merged);
    expect(merged).toEqual({ a: { x: 1 }, b: { '<<': { x: 1 } } });
  });

  it('keeps `__proto__` a key, and expands a node shared by many aliases once', () => {
    expect(
      Object.getPrototypeOf(resolveMergeKeys(value('x: &x { __proto__: { polluted: 1 } }\ny: { <<: *x }\n'))),
    ).toBe(Object.prototype);
    // Four levels of ten aliases each: 10,000 paths (within the reader's bound), 40 distinct nodes.
    const lines = ['l0: &l0 { <<: { k: v } }'];
    for (let i = 1; i <= 4; i++)
      lines.push(
        `l${i}: &l${i} [${Array(10)
          .fill(`*l${i - 1}`)
          .join(', ')}]`,
      );
    const started = performance.now();
    const out = resolveMergeKeys(value(`${lines.join('\n')}\n`)) as Record<string, unknown[]>;
    expect(performance.now() - started).toBeLessThan(1000);
    expect((out.l1 as unknown[])[0]).toEqual({ k: 'v' });
  });
});

describe('merge keys written with the merge tag', () => {
  const cases: [string, string, unknown][] = [
    ['`!!merge <<`', 'd: &d { x: 1 }\ns:\n  !!merge <<: *d\n  y: 2\n', { x: 1, y: 2 }],
    ['the full tag', 'd: &d { x: 1 }\ns:\n  !<tag:yaml.org,2002:merge> <<: *d\n', { x: 1 }],
    [
      'a merge sequence',
      'a: &a { x: 1 }\nb: &b { z: 3 }\ns: { !!merge <<: [*a, *b], y: 2 }\n',
      { x: 1, y: 2, z: 3 },
    ],
  ];
  it.each(cases)('reads %s as the plain merge key', (_name, text, merged) => {
    expect((resolveMergeKeys(value(text)) as Record<string, unknown>).s).toEqual(merged);
  });

  it.each([
    ['the tag on another key', 'd: &d { x: 1 }\ns:\n  !!merge other: *d\n'],
    ['an unknown tag on the merge key', 'd: &d { x: 1 }\ns:\n  !!mergex <<: *d\n'],
  ])('still rejects %s', (_name, text) => {
    expect(parseYaml(text).ok).toBe(false);
  });
});
