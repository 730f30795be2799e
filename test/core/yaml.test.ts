import { describe, expect, it } from 'vitest';
import { parseYaml, parseYamlValues } from '../../src/core/workspace/yaml.js';

function doc(text: string, index = 0) {
  const r = parseYaml(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.documents[index]!;
}

describe('parseYaml positions', () => {
  const text = [
    'name: ci', //              1
    'on: [push, pull_request]', // 2
    'jobs:', //                  3
    '  build:', //               4
    '    steps:', //             5
    '      - uses: actions/checkout@v4', // 6
    '      - run: |', //         7
    '          echo "hi"', //    8
    '        env: { A: "x/y" }', // 9
  ].join('\n');

  it('maps a JSON pointer to the value and its key', () => {
    const d = doc(text);
    expect(d.span('/jobs/build/steps/0/uses')).toEqual({
      start: { line: 6, column: 15 },
      end: { line: 6, column: 33 },
      key: { line: 6, column: 9 },
    });
    expect(d.span('/on/1')?.start).toEqual({ line: 2, column: 12 });
    expect(d.span('/jobs/build/steps/1/env/A')?.start).toEqual({ line: 9, column: 20 });
  });

  it('spans collections over their children', () => {
    const d = doc(text);
    const steps = d.span('/jobs/build/steps')!;
    expect(steps.start).toEqual({ line: 6, column: 7 });
    expect(steps.end.line).toBe(9);
    expect(steps.key).toEqual({ line: 5, column: 5 });
  });

  it('escapes ~ and / in keys', () => {
    const d = doc('a/b:\n  c~d: 1\n');
    expect(d.span('/a~1b/c~0d')?.start).toEqual({ line: 2, column: 8 });
  });

  it('finds the nearest ancestor for pointers that do not exist', () => {
    const d = doc(text);
    expect(d.nearestSpan('/jobs/build/missing/deeper')?.key).toEqual({ line: 4, column: 3 });
  });

  it('indexes every document of a stream', () => {
    const r = parseYaml('a: 1\n---\nb: 2\n');
    expect(r.ok && r.documents.map((d) => d.value)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(r.ok && r.documents[1]!.span('/b')?.start).toEqual({ line: 3, column: 4 });
  });

  it('returns a located error instead of throwing', () => {
    const r = parseYaml('a: 1\nb: [1, 2\nc: 3\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.line).toBeGreaterThanOrEqual(2);
  });

  it('reports duplicate keys at the duplicate', () => {
    const r = parseYaml('a: 1\nb: 2\na: 3\n');
    expect(r).toMatchObject({ ok: false, error: { line: 3 } });
  });

  it('bounds alias expansion (billion laughs)', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 30; i++) {
      const prev = String.fromCharCode(97 + (i % 26)) + (i >= 26 ? i : '');
      const next = String.fromCharCode(97 + ((i + 1) % 26)) + (i + 1 >= 26 ? i + 1 : '');
      lines.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const r = parseYaml(lines.join('\n'));
    // Either parsed with shared references (no expansion) or refused; never a hang or a crash.
    if (r.ok) expect(r.documents).toHaveLength(1);
    else expect(r.error.message).toMatch(/alias|limit/i);
  });

  it('refuses nesting beyond the depth bound with a location', () => {
    const r = parseYaml(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    expect(r.ok).toBe(false);
  });
});

describe('parseYaml plainScalar (what a YAML 1.1 reader resolves by style)', () => {
  const [doc] = (() => {
    const r = parseYaml(
      'a: yes\nb: "yes"\nc: \'on\'\nd: !!str yes\ne: &x on\nf: *x\ng: |\n  yes\nh: [on, "y"]\ni: {k: v}\n',
    );
    if (!r.ok) throw new Error(r.error.message);
    return r.documents;
  })();
  it.each([
    ['/a', true],
    ['/b', false],
    ['/c', false],
    ['/d', false],
    ['/e', true],
    ['/f', true],
    ['/g', false],
    ['/h/0', true],
    ['/h/1', false],
    ['/h', undefined],
    ['/i', undefined],
    ['/missing', undefined],
  ])('%s: %s', (pointer, plain) => {
    expect(doc!.plainScalar(pointer)).toBe(plain);
  });
});

describe('parseYamlValues', () => {
  // Each text once as parseYaml reads it: the same values, or the same located error.
  const texts = [
    ['two documents', 'a: 1\n---\nb: [x, y]\n'],
    ['anchors, aliases and a merge key', 'base: &b {x: 1}\nuse: *b\nmerged: {<<: *b, y: 2}\n'],
    ['a flow sequence GitHub accepts, mended', 'on:\n  push:\n    branches: [\n    main\n  ]\n'],
    ['a syntax error', 'a: 1\nb: [1, 2\nc: 3\n'],
    ['a duplicate key', 'a: 1\nb: 2\na: 3\n'],
    ['nesting beyond the bound', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
    ['an empty text', ''],
  ] as const;

  it.each(texts)('reads %s as parseYaml does', (_name, text) => {
    const full = parseYaml(text);
    const values = parseYamlValues(text);
    if (full.ok) expect(values).toEqual({ ok: true, values: full.documents.map((d) => d.value) });
    else expect(values).toEqual({ ok: false, error: full.error });
  });
});

describe('parseYaml accepts what GitHub accepts', () => {
  it('reads a flow sequence closed at its key’s indentation, with exact positions', () => {
    const text = [
      'jobs:', //                 1
      '  report:', //             2
      '    needs: [', //          3
      '      lint,', //           4
      '      # the tests', //     5
      '      test # slow', //     6
      '    ]', //                 7
      '    runs-on: ubuntu-latest', // 8
    ].join('\n');
    const d = doc(text);
    expect(d.value).toEqual({ jobs: { report: { needs: ['lint', 'test'], 'runs-on': 'ubuntu-latest' } } });
    expect(d.span('/jobs/report/needs/1')?.start).toEqual({ line: 6, column: 7 });
    expect(d.span('/jobs/report/runs-on')?.start).toEqual({ line: 8, column: 14 });
  });

  it('reads flow items and mappings indented less than their key, at the top level and with CRLF', () => {
    const d = doc('on: {\r\npush: {\r\n  branches: [\r\nmain ]\r\n}\r\n}\r\nname: x\r\n');
    expect(d.value).toEqual({ on: { push: { branches: ['main'] } }, name: 'x' });
    expect(d.span('/on/push/branches/0')?.start).toEqual({ line: 4, column: 1 });
    expect(d.span('/name')?.start).toEqual({ line: 7, column: 7 });
  });

  it('mends a bounded number of lines: past that, the first error stands', () => {
    const lists = (n: number) => Array.from({ length: n }, (_, i) => `k${i}: [\n  a\n]`).join('\n');
    expect(parseYaml(lists(16)).ok).toBe(true);
    expect(parseYaml(lists(17))).toMatchObject({
      ok: false,
      error: { line: 3, message: 'deficient indentation' },
    });
  });

  it('keeps reporting other errors where they are', () => {
    const r = parseYaml('a:\n  b: [1,\n  2\n  c: 3\n');
    expect(r.ok).toBe(false);
    const bad = parseYaml('a: 1\n b: 2\n');
    expect(bad).toMatchObject({ ok: false, error: { line: 2 } });
  });
});
