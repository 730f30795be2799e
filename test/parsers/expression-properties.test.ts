// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub expressions (${{ }}) are the subject of these tests.
/**
 * What test/parsers/workflow-expressions.test.ts does not cover yet: `parseExpression` on arbitrary
 * and grammar-shaped input (no exception escapes; a tree's offsets lie inside the text, nested; an
 * error says where), `findExpressions` beyond "positions inside" (each span is exactly one `${{ }}`,
 * in order, ending at the first `}}` outside a string), and workflows whose expressions do not parse
 * (each still located, at its `${{`).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type ExprNode, findExpressions, parseExpression } from '../../src/core/parsers/expression.js';
import { workflowSources } from '../../src/core/parsers/workflow.js';
import { workflowExpressions } from '../../src/core/parsers/workflow-expressions.js';
import { LineIndex } from '../../src/core/workspace/lines.js';
import { removeTrees, tree } from './tree.js';

afterAll(removeTrees);

/** Tokens of the expression grammar, valid and not, glued without separators as often as with. */
const token = fc.constantFrom(
  'github',
  'GitHub',
  'env',
  'secrets',
  'matrix',
  'steps',
  'inputs',
  'nosuch',
  'event',
  'pull_request',
  'head_ref',
  'title',
  '.',
  '.*',
  '*',
  '[',
  ']',
  '[*]',
  '[0]',
  "['x']",
  '(',
  ')',
  ',',
  "'",
  "''",
  "'a'",
  "'it''s'",
  '==',
  '!=',
  '<',
  '>=',
  '&&',
  '||',
  '!',
  '1',
  '-1.5',
  '0x1F',
  '1e3',
  'true',
  'null',
  'NaN',
  'Infinity',
  'format',
  'contains',
  'fromJSON',
  'toJSON',
  'startsWith',
  'hashFiles',
  'success',
  'always',
  ' ',
  '\n',
  '\t',
  '\r\n',
  '$',
  '{',
  '}',
  '}}',
  'é',
  '😀',
  '\u0000',
  '\u2028',
);
const grammarSoup = fc.array(token, { maxLength: 16 }).map((t) => t.join(''));
/** A well-formed expression more often than soup would be: context paths, calls, operators. */
const wellFormed = fc
  .tuple(
    fc.constantFrom(
      'github.event.pull_request.title',
      'env.A',
      "secrets['X']",
      'matrix.os',
      'steps.a.outputs.b',
    ),
    fc.constantFrom('==', '!=', '&&', '||'),
    fc.constantFrom(
      "'a'",
      '1',
      'true',
      'null',
      'github.sha',
      "format('{0}', github.head_ref)",
      'fromJSON(env.J).x[0]',
    ),
    fc.boolean(),
  )
  .map(([a, op, b, not]) => `${not ? '!' : ''}(${a} ${op} ${b})`);
const anyExpression = fc.oneof(grammarSoup, wellFormed, fc.string({ unit: 'binary', maxLength: 60 }));

/** Every node of a tree with its parent's range, depth first. */
function nodes(node: ExprNode | undefined, parent?: ExprNode): { n: ExprNode; parent?: ExprNode }[] {
  if (!node) return [];
  const children: ExprNode[] = [];
  switch (node.kind) {
    case 'ref':
      children.push(...node.computed);
      break;
    case 'call':
    case 'and':
    case 'or':
      children.push(...node.args);
      break;
    case 'not':
      children.push(node.arg);
      break;
    case 'compare':
      children.push(node.left, node.right);
      break;
    case 'index':
      children.push(node.target, ...node.computed);
      break;
    case 'literal':
      break;
  }
  return [{ n: node, ...(parent ? { parent } : {}) }, ...children.flatMap((c) => nodes(c, node))];
}

const LOCATED = /^Unexpected symbol: '(.*)'\. Located at position (\d+) within expression: (.*)$/s;

describe('parseExpression on any input', () => {
  it('never throws; a tree lies inside the text, nested; an error names the input that failed', () => {
    const seen = { ok: 0, failed: 0, located: 0 };
    fc.assert(
      fc.property(anyExpression, (text) => {
        let result: ReturnType<typeof parseExpression>;
        expect(() => {
          result = parseExpression(text);
        }, JSON.stringify(text)).not.toThrow();
        const r = result!;
        if (r.ok) {
          seen.ok += 1;
          for (const { n, parent } of nodes(r.node)) {
            const where = `${n.kind} ${n.start}-${n.end} in ${JSON.stringify(text)}`;
            expect(n.start, where).toBeGreaterThanOrEqual(0);
            expect(n.start, where).toBeLessThanOrEqual(n.end);
            expect(n.end, where).toBeLessThanOrEqual(text.length);
            if (parent) {
              expect(n.start, where).toBeGreaterThanOrEqual(parent.start);
              expect(n.end, where).toBeLessThanOrEqual(parent.end);
            }
            // A context reference starts at the context's name, whatever its case.
            if (n.kind === 'ref')
              expect(text.slice(n.start).toLowerCase().startsWith(n.path[0]!), where).toBe(true);
            if (n.kind === 'call')
              expect(text.slice(n.start).toLowerCase().startsWith(n.name), where).toBe(true);
          }
          return;
        }
        seen.failed += 1;
        expect(typeof r.error).toBe('string');
        expect(r.error.length).toBeGreaterThan(0);
        const m = LOCATED.exec(r.error);
        if (m) {
          // The position is 1-based, in the whole expression text, at the symbol it names.
          seen.located += 1;
          const [, symbol, at, expression] = m;
          expect(expression).toBe(text);
          const offset = Number(at) - 1;
          expect(offset).toBeGreaterThanOrEqual(0);
          expect(offset).toBeLessThan(text.length);
          expect(text.startsWith(symbol!, offset), `${r.error}`).toBe(true);
        }
      }),
      { numRuns: 3000, seed: 7 },
    );
    expect(seen.ok).toBeGreaterThan(300);
    expect(seen.failed).toBeGreaterThan(300);
    expect(seen.located).toBeGreaterThan(100);
  });
});

/** Text with many `${{`, `}}` and quotes, so that expressions open, close and nest in strings. */
const expressionText = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: token },
      { weight: 2, arbitrary: fc.constantFrom('${{', '${{ ', ' }}', '}}', '${', '$${{', "'}}'", 'echo ') },
    ),
    { maxLength: 30 },
  )
  .map((t) => t.join(''));

describe('findExpressions', () => {
  it('returns each ${{ }} exactly, in order, ending at the first }} outside a string literal', () => {
    let found = 0;
    fc.assert(
      fc.property(expressionText, (text) => {
        let previousEnd = 0;
        for (const e of findExpressions(text)) {
          found += 1;
          const where = `${e.start}-${e.end} in ${JSON.stringify(text)}`;
          expect(e.start, where).toBeGreaterThanOrEqual(previousEnd);
          expect(text.startsWith('${{', e.start), where).toBe(true);
          expect(text.slice(e.end - 2, e.end), where).toBe('}}');
          expect(e.innerStart, where).toBe(e.start + 3);
          expect(e.inner, where).toBe(text.slice(e.start + 3, e.end - 2));
          // No `}}` ends earlier: every `}}` inside lies within a single-quoted string literal.
          for (let i = e.inner.indexOf('}}'); i !== -1; i = e.inner.indexOf('}}', i + 1)) {
            const quotes = (e.inner.slice(0, i + 1).match(/'/g) ?? []).length;
            expect(quotes % 2, where).toBe(1);
          }
          // The first `${{` after the previous expression is where this one starts.
          expect(text.indexOf('${{', previousEnd), where).toBe(e.start);
          previousEnd = e.end;
          expect(() => parseExpression(e.inner)).not.toThrow();
        }
      }),
      { numRuns: 3000, seed: 11 },
    );
    // Stray quotes leave many `${{` unclosed (the scan then stops, as on the runner); enough close.
    expect(found).toBeGreaterThan(300);
  });
});

const FILE = '.github/workflows/ci.yml';

/** A workflow whose run scripts hold grammar soup as expressions, in plain, quoted and block scalars. */
const workflowText = fc
  .array(fc.tuple(fc.constantFrom('plain', 'double', 'single', 'literal'), grammarSoup, fc.boolean()), {
    minLength: 1,
    maxLength: 4,
  })
  .map((steps) => {
    const values = steps.map(([style, raw, wellFormedToo]) => {
      // Soup that would end the YAML scalar early is made harmless for that style; the expression
      // text itself stays arbitrary.
      const inner = raw.replace(/[\r\n\u2028\u0000]/g, ' ');
      const body = `echo \${{ ${inner} }}${wellFormedToo ? ' ${{ github.sha }}' : ''}`;
      switch (style) {
        case 'double':
          return `"${body.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\t/g, '\\t')}"`;
        case 'single':
          return `'${body.replace(/'/g, "''")}'`;
        case 'literal':
          return `|\n          ${body}`;
        default:
          return `>-\n          ${body}`;
      }
    });
    return `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n${values.map((v) => `      - run: ${v}\n`).join('')}`;
  });

describe('workflow expressions that do not parse', () => {
  it('are located at their ${{ like any other, and carry the parse error', () => {
    const seen = { failed: 0, exactFailed: 0 };
    fc.assert(
      fc.property(workflowText, (text) => {
        const ws = tree({ [FILE]: text });
        const sources = workflowSources(ws);
        expect(sources, text).toHaveLength(1);
        const index = new LineIndex(text);
        for (const e of workflowExpressions(ws, sources[0]!)) {
          const where = `${e.raw} in ${JSON.stringify(text)}`;
          const { startLine, startColumn = 1 } = e.location;
          expect(e.location.path, where).toBe(FILE);
          expect(startLine, where).toBeGreaterThanOrEqual(1);
          expect(startLine, where).toBeLessThanOrEqual(index.lineCount);
          expect(startColumn, where).toBeGreaterThanOrEqual(1);
          const offset = index.lineStart(startLine) + startColumn - 1;
          expect(offset, where).toBeLessThan(text.length);
          if (e.parsed.ok) continue;
          seen.failed += 1;
          expect(e.parsed.error.length, where).toBeGreaterThan(0);
          if (e.exact) {
            seen.exactFailed += 1;
            expect(text.slice(offset, offset + 3), where).toBe('${{');
          }
        }
      }),
      { numRuns: 200, seed: 5 },
    );
    expect(seen.failed).toBeGreaterThan(100);
    expect(seen.exactFailed).toBeGreaterThan(100);
  });

  it('arbitrary text as a workflow file never throws', () => {
    fc.assert(
      fc.property(fc.oneof(expressionText, fc.string({ unit: 'binary', maxLength: 120 })), (body) => {
        const ws = tree({ [FILE]: `on: push\njobs:\n  a:\n    steps:\n      - run: ${body}\n` });
        for (const source of workflowSources(ws)) workflowExpressions(ws, source);
        ws.inputProblems();
      }),
      { numRuns: 200, seed: 3 },
    );
  });
});
