// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub expressions (${{ }}) are the subject of these tests.
import { parseEvents } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import {
  type ExprNode,
  findExpressions,
  parseExpression,
  pathText,
  references,
} from '../../src/core/parsers/expression.js';
import { mapScalar } from '../../src/core/parsers/yaml-scalar.js';

const parse = (text: string): ExprNode | undefined => {
  const r = parseExpression(text);
  if (!r.ok) throw new Error(r.error);
  return r.node;
};

/** Each reference as `path@start-end` with the text it spans. */
const refs = (text: string) =>
  references(parse(text)).map((r) => `${pathText(r.path)}@${r.start}-${r.end}=${text.slice(r.start, r.end)}`);

describe('findExpressions', () => {
  it('finds every ${{ }} with its offsets, ending at the first }} outside a string', () => {
    const text = "a ${{ x }} b ${{ format('}}', y) }}${{z}}";
    expect(findExpressions(text).map((e) => [e.start, e.end, e.inner])).toEqual([
      [2, 10, ' x '],
      [13, 35, " format('}}', y) "],
      [35, 41, 'z'],
    ]);
  });

  it('stops at an unclosed expression, as the runner rejects it', () => {
    expect(findExpressions('${{ a }} ${{ b')).toHaveLength(1);
    expect(findExpressions('no expressions $ {{ }}')).toEqual([]);
  });

  it('handles doubled quotes inside string literals', () => {
    const [e] = findExpressions("${{ 'it''s }}' }}");
    expect(e?.inner).toBe(" 'it''s }}' ");
  });
});

describe('parseExpression', () => {
  it('locates context references, including index and filter forms', () => {
    expect(refs('github.event.pull_request.title')).toEqual([
      'github.event.pull_request.title@0-31=github.event.pull_request.title',
    ]);
    expect(refs(" github.event['pull_request'].head.ref ")).toEqual([
      "github.event.pull_request.head.ref@1-38=github.event['pull_request'].head.ref",
    ]);
    expect(refs('toJSON(github.event.pull_request.labels.*.name)')).toEqual([
      'github.event.pull_request.labels.*.name@7-46=github.event.pull_request.labels.*.name',
    ]);
    expect(refs('github.event.commits[0].message')).toEqual([
      'github.event.commits.#.message@0-31=github.event.commits[0].message',
    ]);
  });

  it('marks computed indexes and keeps the index expression', () => {
    const text = "secrets[format('{0}_KEY', inputs.env)]";
    expect(refs(text)).toEqual([`secrets.?@0-${text.length}=${text}`, 'inputs.env@26-36=inputs.env']);
  });

  it('positions references on later lines of a multi-line expression', () => {
    const text = "github.event_name == 'push'\n  && github.head_ref";
    expect(refs(text)).toEqual([
      'github.event_name@0-17=github.event_name',
      'github.head_ref@33-48=github.head_ref',
    ]);
  });

  it('builds logical, comparison and call nodes', () => {
    const node = parse("a.b == 'x' && format('{0}', github.head_ref) || !matrix.os".replace('a.b', 'env.b'));
    expect(node?.kind).toBe('or');
    if (node?.kind !== 'or') return;
    expect(node.args.map((a) => a.kind)).toEqual(['and', 'not']);
  });

  it('accepts the runner functions and rejects unknown names, never throwing', () => {
    expect(parseExpression("success() && hashFiles('**/x')").ok).toBe(true);
    expect(parseExpression('nosuch.context').ok).toBe(false);
    expect(parseExpression('github.head_ref &&').ok).toBe(false);
    expect(parseExpression('   ')).toEqual({ ok: true, node: undefined });
  });
});

/** The source range js-yaml reports for the first value scalar of a one-key document. */
function scalarRange(source: string): [number, number, string] {
  const scalars = parseEvents(source, {}).filter((e) => e.type === 4) as {
    valueStart: number;
    valueEnd: number;
  }[];
  const v = scalars[1]!;
  return [v.valueStart, v.valueEnd, ''];
}

describe('mapScalar', () => {
  const cases: [string, string, string, string][] = [
    // [style, source, decoded value, the decoded substring to locate]
    ['plain', 'k: echo ${{ a }}\n', 'echo ${{ a }}', '${{ a }}'],
    ['plain multi-line', 'k: echo\n  ${{ a }}\n', 'echo ${{ a }}', '${{ a }}'],
    ['single-quoted', "k: 'it''s ${{ a }}'\n", "it's ${{ a }}", '${{ a }}'],
    ['double-quoted escapes', 'k: "x\\t\\u00e9 ${{ a }}"\n', 'x\té ${{ a }}', '${{ a }}'],
    ['double-quoted line join', 'k: "a \\\n   ${{ a }}"\n', 'a ${{ a }}', '${{ a }}'],
    ['literal', 'k: |\n  one\n  two ${{ a }}\n', 'one\ntwo ${{ a }}\n', '${{ a }}'],
    ['literal strip', 'k: |-\n  one\n\n  ${{ a }}\n', 'one\n\n${{ a }}', '${{ a }}'],
    ['folded', 'k: >\n  one\n  two\n\n  ${{ a }}\n', 'one two\n${{ a }}\n', '${{ a }}'],
    ['folded more-indented', 'k: >\n  one\n    more\n  ${{ a }}\n', 'one\n  more\n${{ a }}\n', '${{ a }}'],
    ['CRLF literal', 'k: |\r\n  one\r\n  ${{ a }}\r\n', 'one\n${{ a }}\n', '${{ a }}'],
  ];

  it.each(cases)('%s maps every character back to the source', (_name, source, value, needle) => {
    const [start, end] = scalarRange(source);
    const map = mapScalar(source, start, end, value);
    expect(map.exact).toBe(true);
    const at = value.indexOf(needle);
    const from = map.offset(at);
    expect(source.slice(from, map.offset(at + needle.length - 1) + 1)).toBe(needle);
  });

  it('falls back to the scalar start when the decoding does not match the value', () => {
    const map = mapScalar('k: abc\n', 3, 6, 'something else');
    expect(map.exact).toBe(false);
    expect(map.offset(5)).toBe(3);
  });
});
