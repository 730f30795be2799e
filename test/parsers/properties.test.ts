import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../../src/core/parsers/dockerfile.js';
import { expandVariables, splitWords } from '../../src/core/parsers/dockerfile-words.js';
import { parseUses } from '../../src/core/parsers/uses.js';
import {
  buildAction,
  buildWorkflow,
  type WorkflowSource,
  walkWorkflows,
} from '../../src/core/parsers/workflow.js';
import { LineIndex } from '../../src/core/workspace/lines.js';
import type { NodeSpan } from '../../src/core/workspace/yaml.js';
import { parseYaml } from '../../src/core/workspace/yaml.js';

/** Fragments that exercise Dockerfile lexing: keywords, continuations, heredocs, quotes, variables. */
const dockerfileText = fc
  .array(
    fc.constantFrom(
      'FROM ',
      'ARG ',
      'USER ',
      'RUN ',
      'ONBUILD ',
      'AS ',
      '--platform=x ',
      '\\',
      '`',
      '\n',
      '\r\n',
      '\r',
      '#',
      '# escape=`\n',
      ' ',
      '\t',
      '$',
      '${',
      '}',
      ':-',
      ':',
      '@',
      '/',
      '=',
      '"',
      "'",
      '<<EOF',
      'EOF',
      'node',
      'root',
      '0',
      'é',
      '😀',
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

function inside(span: NodeSpan, lines: LineIndex): boolean {
  const ok = (p: { line: number; column: number }) =>
    p.line >= 1 && p.column >= 1 && p.line <= lines.lineCount;
  const ordered =
    span.start.line < span.end.line ||
    (span.start.line === span.end.line && span.start.column <= span.end.column);
  return ok(span.start) && ok(span.end) && ordered;
}

describe('parser properties', () => {
  it('parseDockerfile never throws and every span lies inside the file', () => {
    fc.assert(
      fc.property(dockerfileText, (text) => {
        const lines = new LineIndex(text);
        const model = parseDockerfile('Dockerfile', text, lines);
        const spans: NodeSpan[] = model.globalArgs.map((a) => a.span);
        for (const s of model.stages) {
          spans.push(
            s.from.span,
            ...s.args.map((a) => a.span),
            ...s.users.map((u) => u.span),
            ...s.runs.map((r) => r.span),
          );
          if (s.from.imageSpan) spans.push(s.from.imageSpan);
        }
        for (const span of spans) expect(inside(span, lines)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('expandVariables and splitWords are total', () => {
    const vars = new Map<string, string | null>([
      ['A', '1'],
      ['B', null],
    ]);
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('$', '{', '}', 'A', 'B', ':', '-', '+', '\\', '"', "'", ' ', 'x'),
        }),
        (text) => {
          expect(typeof expandVariables(text, vars).text).toBe('string');
          expect(Array.isArray(splitWords(text))).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('parseUses round-trips owner/repo[/path]@ref', () => {
    const segment = fc.string({
      unit: fc.constantFrom('a', 'B', '-', '_', '.', '1'),
      minLength: 1,
      maxLength: 8,
    });
    const ref = fc.string({ unit: fc.constantFrom('v', '1', '.', 'f', '/', '@'), maxLength: 12 });
    fc.assert(
      fc.property(segment, segment, fc.option(segment, { nil: undefined }), ref, (owner, repo, sub, r) => {
        fc.pre(!owner.startsWith('.'));
        const text = `${owner}/${repo}${sub ? `/${sub}` : ''}@${r}`;
        expect(parseUses(text)).toEqual({
          kind: 'repository',
          raw: text,
          owner,
          repo,
          ...(sub ? { path: sub } : {}),
          ref: r,
        });
      }),
    );
  });

  it('buildWorkflow and buildAction accept any YAML value and keep spans inside the file', () => {
    const value = fc.record(
      { on: fc.jsonValue(), jobs: fc.dictionary(fc.string(), fc.jsonValue()), runs: fc.jsonValue() },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(value, (v) => {
        const text = JSON.stringify(v, null, 1);
        const parsed = parseYaml(text);
        if (!parsed.ok) return;
        const doc = parsed.documents[0]!;
        const lines = new LineIndex(text);
        const sources = [buildWorkflow('w.yml', doc), buildAction('action.yml', doc)].filter(
          (s): s is WorkflowSource => s !== undefined,
        );
        walkWorkflows(sources, {
          job: (job) => expect(inside(job.span, lines)).toBe(true),
          step: (step) => expect(inside(step.span, lines)).toBe(true),
        });
      }),
      { numRuns: 300 },
    );
  });
});
