// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub expressions (${{ }}) are the subject of these tests.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { findExpressions, parseExpression } from '../../src/core/parsers/expression.js';
import { type WorkflowExpression, walkWorkflows, workflowSources } from '../../src/core/parsers/workflow.js';
import { workflowExpressions } from '../../src/core/parsers/workflow-expressions.js';
import { LineIndex } from '../../src/core/workspace/lines.js';
import { removeTrees, tree } from './tree.js';

afterAll(removeTrees);

const FILE = '.github/workflows/ci.yml';

function expressions(text: string): WorkflowExpression[] {
  const ws = tree({ [FILE]: text });
  const [source] = workflowSources(ws);
  if (!source) throw new Error(`not a workflow: ${JSON.stringify(ws.inputProblems())}`);
  return workflowExpressions(ws, source);
}

const where = (e: WorkflowExpression) => {
  const l = e.location;
  return `${l.startLine}:${l.startColumn}-${l.endLine}:${l.endColumn} ${e.raw}`;
};

describe('workflow expressions', () => {
  it('locates every ${{ }} in every scalar style, exactly', () => {
    const list = expressions(`on: push
env:
  A: \${{ github.sha }}
jobs:
  build:
    if: \${{ github.event_name == 'push' }}
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo one
          echo "\${{ github.head_ref }}" \${{ github.sha }}
      - run: >-
          folded line
          \${{ github.event.issue.title }}
      - run: "a\\tb \${{ github.actor }}"
      - run: 'it''s \${{ github.job }}'
      - run: echo plain
          \${{ runner.os }}
      - uses: actions/github-script@v7
        with:
          script: |
            const x = \${{ toJSON(github.event) }};
`);
    expect(list.map(where)).toEqual([
      '3:6-3:22 ${{ github.sha }}',
      "6:9-6:42 ${{ github.event_name == 'push' }}",
      '11:17-11:38 ${{ github.head_ref }}',
      '11:41-11:57 ${{ github.sha }}',
      '14:11-14:41 ${{ github.event.issue.title }}',
      '15:20-15:38 ${{ github.actor }}',
      '16:21-16:37 ${{ github.job }}',
      '18:11-18:26 ${{ runner.os }}',
      '22:23-22:49 ${{ toJSON(github.event) }}',
    ]);
    expect(list.every((e) => e.exact)).toBe(true);
    expect(list.map((e) => [e.jobId, e.stepIndex, e.field.join('.')])).toEqual([
      [undefined, undefined, 'env.A'],
      ['build', undefined, 'if'],
      ['build', 0, 'run'],
      ['build', 0, 'run'],
      ['build', 1, 'run'],
      ['build', 2, 'run'],
      ['build', 3, 'run'],
      ['build', 4, 'run'],
      ['build', 5, 'with.script'],
    ]);
  });

  it('counts escapes between two expressions of a double-quoted scalar', () => {
    // GitHub's workflow-parser reports the second one at column 36 (it shifts all by the first offset).
    const list = expressions(
      'on: push\njobs:\n  a:\n    steps:\n      - run: "${{ github.sha }} \\u00e9\\t ${{ github.head_ref }}"\n',
    );
    expect(list.map(where)).toEqual(['5:15-5:31 ${{ github.sha }}', '5:42-5:63 ${{ github.head_ref }}']);
  });

  it('locates a reference inside an expression to its own columns', () => {
    const [e] = expressions(`on: push
jobs:
  a:
    steps:
      - run: echo "\${{ format('{0}', github.event.issue.title) }}"
`);
    const parsed = e!.parsed;
    if (!parsed.ok || parsed.node?.kind !== 'call') throw new Error('expected a call');
    const ref = parsed.node.args[1]!;
    expect(e!.locate(ref.start, ref.end)).toMatchObject({ startLine: 5, startColumn: 38, endColumn: 61 });
  });

  it('falls back to the value start when a value comes through an alias', () => {
    const list = expressions(`on: push
jobs:
  a:
    steps:
      - &s
        run: echo \${{ github.sha }}
      - *s
`);
    expect(list.map((e) => `${e.exact} ${e.location.startLine}:${e.location.startColumn}`)).toEqual([
      'true 6:19',
      'false 7:9',
    ]);
  });

  it('hands expressions to the shared walk, after the job or step that holds them', () => {
    const ws = tree({
      [FILE]:
        'on: push\njobs:\n  a:\n    if: ${{ always() }}\n    steps:\n      - run: echo ${{ github.sha }}\n',
    });
    const seen: string[] = [];
    walkWorkflows(
      workflowSources(ws),
      {
        job: (j) => seen.push(`job ${j.id}`),
        step: (s) => seen.push(`step ${s.index}`),
        expression: (e, _s, j, st) => seen.push(`expr ${e.raw} ${j?.id} ${st?.index}`),
      },
      ws,
    );
    expect(seen).toEqual([
      'job a',
      'expr ${{ always() }} a undefined',
      'step 0',
      'expr ${{ github.sha }} a 0',
    ]);
  });
});

/** Scalars in every style, holding expressions and text that exercises escapes and folding. */
const fragment = fc.constantFrom(
  'echo ',
  '${{ github.sha }}',
  "${{ format('{0}', github.head_ref) }}",
  '${{ a',
  '}}',
  ' ',
  'x',
  "'",
  '"',
  '\\',
  '\t',
  'é',
  '😀',
  '#',
  ':',
  '-',
);
const content = fc.array(fragment, { maxLength: 12 }).map((p) => p.join(''));
const lines = fc.array(content, { minLength: 1, maxLength: 4 });
const scalar = fc.oneof(
  lines.map((ls) => `|\n${ls.map((l) => `          ${l.replace(/\s+$/, '')}`).join('\n')}`),
  lines.map(
    (ls) => `>\n${ls.map((l, i) => `${i % 2 ? '            ' : '          '}${l.trim()}`).join('\n')}`,
  ),
  content.map((c) => `'${c.replace(/'/g, "''").replace(/\n/g, ' ')}'`),
  content.map((c) => `"${c.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\t/g, '\\t')}"`),
  content.map(
    (c) =>
      `"${c.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}\\\n          ${c.trim().replace(/[\\"]/g, '')}"`,
  ),
  content.map((c) => c.replace(/[#:'"\\\t]/g, 'z').trim() || 'z'),
);
const workflowText = fc
  .array(scalar, { minLength: 1, maxLength: 5 })
  .map((values) => `on: push\njobs:\n  a:\n    steps:\n${values.map((v) => `      - run: ${v}\n`).join('')}`);

describe('expression scanner properties', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        for (const e of findExpressions(s)) {
          expect(e.start).toBeGreaterThanOrEqual(0);
          expect(e.end).toBeLessThanOrEqual(s.length);
          parseExpression(e.inner);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('always returns positions inside the file, on the ${{ when the mapping is exact', () => {
    fc.assert(
      fc.property(workflowText, (text) => {
        const ws = tree({ [FILE]: text });
        const sources = workflowSources(ws);
        if (sources.length === 0) return; // Generated text that is not valid YAML: a located input problem.
        const index = new LineIndex(text);
        for (const e of workflowExpressions(ws, sources[0]!)) {
          const { startLine, startColumn = 1, endLine = startLine, endColumn = startColumn } = e.location;
          expect(startLine).toBeGreaterThanOrEqual(1);
          expect(endLine).toBeLessThanOrEqual(index.lineCount);
          expect(startColumn).toBeGreaterThanOrEqual(1);
          const offset = index.lineStart(startLine) + startColumn - 1;
          expect(offset).toBeLessThan(text.length);
          expect(index.lineStart(endLine) + endColumn - 1).toBeLessThanOrEqual(text.length);
          if (e.exact) {
            expect(text.slice(offset, offset + 3)).toBe('${{');
            expect(text[index.lineStart(endLine) + endColumn - 2]).toBe('}');
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
