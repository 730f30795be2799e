/**
 * Properties of the declarations parser (src/core/declarations/parse.ts) on hostile input: on any
 * text, and on YAML documents built from random structures that resemble `.github/controls.yml`
 * (real keys and control ids mixed with wrong ones, values of every type, unquoted ids, aliases), it
 * never throws, and every problem, control and exception it returns is located inside the file.
 */
import fc from 'fast-check';
import { dump } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseDeclarations } from '../../src/core/declarations/parse.js';
import type { Location } from '../../src/core/types.js';
import { LineIndex } from '../../src/core/workspace/lines.js';

const FILE = '.github/controls.yml';

function expectLocated(location: Location | null, text: string, lines: LineIndex, where: string): void {
  expect(location, where).not.toBeNull();
  const l = location!;
  expect(l.path, where).toBe(FILE);
  expect(Number.isInteger(l.startLine), where).toBe(true);
  expect(l.startLine, where).toBeGreaterThanOrEqual(1);
  expect(l.startLine, where).toBeLessThanOrEqual(lines.lineCount);
  if (l.startColumn !== undefined) {
    expect(l.startColumn, where).toBeGreaterThanOrEqual(1);
    const start = lines.lineStart(l.startLine);
    const nl = text.indexOf('\n', start);
    expect(l.startColumn, where).toBeLessThanOrEqual((nl === -1 ? text.length : nl) - start + 1);
  }
  if (l.endLine !== undefined) {
    expect(l.endLine, where).toBeGreaterThanOrEqual(l.startLine);
    expect(l.endLine, where).toBeLessThanOrEqual(lines.lineCount);
  }
}

/** Runs the parser and checks everything it returns is located in the file; returns the result. */
function parseLocated(text: string) {
  const where = JSON.stringify(text);
  let out: ReturnType<typeof parseDeclarations> | undefined;
  expect(() => {
    out = parseDeclarations(text, FILE);
  }, where).not.toThrow();
  const d = out!;
  const lines = new LineIndex(text);
  for (const p of d.problems) {
    expect(p.kind, where).toBe('declarations-file');
    expect(p.message.startsWith(`${FILE}: `), where).toBe(true);
    expectLocated(p.location, text, lines, `${p.message} in ${where}`);
  }
  for (const [id, c] of d.controls) expectLocated(c.location, text, lines, `control ${id} in ${where}`);
  for (const e of d.exceptions) expectLocated(e.location, text, lines, `exception ${e.id} in ${where}`);
  for (const n of d.notices) {
    // Notices start with `file:line` (or the file alone).
    const m = /^\.github\/controls\.yml(?::(\d+))?/.exec(n);
    expect(m, `${n} in ${where}`).not.toBeNull();
    if (m?.[1]) expect(Number(m[1])).toBeLessThanOrEqual(lines.lineCount);
  }
  // A file that is not usable says so with a problem.
  if (d.unreadable) expect(d.problems.length, where).toBeGreaterThan(0);
  return d;
}

/** Fragments of the format, valid and broken, for text-level soup. */
const fragment = fc.constantFrom(
  'version: 1\n',
  'version: 2\n',
  'controls:\n',
  'exceptions:\n',
  '  "8.28":\n',
  '  8.10:\n',
  "  'A.9.2.3':\n",
  '  A.5.1.1:\n',
  '    status: implemented\n',
  '    status: [x]\n',
  '    evidence: [.github/workflows/ci.yml, 1]\n',
  '    due: 2026-13-45\n',
  '  - id: EXC-1\n',
  '    rules: [a-b]\n',
  '    expires: 2026-01-01\n',
  '- ',
  ': ',
  '&a ',
  '*a',
  '<<: *a\n',
  '? ',
  '{',
  '}',
  '[',
  ']',
  "'",
  '"',
  '\t',
  '\n',
  '---\n',
  '#',
  '~',
  '\u0000',
  '\ufeff',
  '😀',
);
const soup = fc.array(fragment, { maxLength: 25 }).map((p) => p.join(''));

describe('parseDeclarations on any text', () => {
  it('never throws, and every problem is located inside the file', () => {
    let problems = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          soup,
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('utf8')),
        ),
        (text) => {
          problems += parseLocated(text).problems.length;
        },
      ),
      { numRuns: 500, seed: 2026 },
    );
    expect(problems).toBeGreaterThan(350);
  });
});

/** Any JSON-ish value, for the places where the schema wants something specific. */
const junk = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);
const maybe = <T>(a: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 8, arbitrary: a }, { weight: 1, arbitrary: junk });
/** A key the format does not have, now and then (dump skips it when undefined). */
const stray = fc.option(junk, { freq: 8, nil: undefined });
const date = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('2026-01-01', '2026-12-31') },
  { weight: 1, arbitrary: fc.constantFrom('2026-02-30', 'tomorrow', '2026-1-1') },
  { weight: 1, arbitrary: junk },
);
const controlId = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 36 }).map((n) => `8.${n}`) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'A.9.2.3',
      'A.14.2.1',
      'A.12.4.1',
      'A.5.1.1',
      'A.7.2.2',
      'A.18.1.3',
      'a.9.2.3',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('8.1.0', '8', '08.1', ' 8.1', '__proto__', 'constructor', '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);
const control = maybe(
  fc.record(
    {
      status: maybe(fc.constantFrom('implemented', 'partial', 'planned', 'not-applicable', 'done')),
      justification: maybe(fc.string({ maxLength: 20 })),
      owner: maybe(fc.constantFrom('@acme/security', '@acme/platform')),
      evidence: maybe(
        fc.array(fc.constantFrom('.github/workflows/ci.yml', 'docs/**', 'https://x.test', ''), {
          maxLength: 3,
        }),
      ),
      due: date,
      extra: stray,
    },
    { requiredKeys: ['status'] },
  ),
);
const exception = maybe(
  fc.record(
    {
      id: maybe(fc.constantFrom('EXC-1', 'EXC-2', 'EXC-3')),
      rules: maybe(
        fc.array(
          fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom('debug-backdoor', 'a-b') },
            { weight: 1, arbitrary: fc.constantFrom('Bad Rule', '') },
          ),
          { minLength: 1, maxLength: 3 },
        ),
      ),
      paths: maybe(fc.array(fc.constantFrom('src/**', '!x', 'a b'), { maxLength: 2 })),
      control: maybe(fc.integer({ min: 1, max: 34 }).map((n) => `8.${n}`)),
      reason: maybe(fc.string({ maxLength: 10 })),
      'approved-by': maybe(fc.constantFrom('@lead', '')),
      expires: date,
      other: stray,
    },
    { requiredKeys: ['id', 'rules'] },
  ),
);
const declarations = fc.record(
  {
    version: maybe(fc.constantFrom(1, 2, '1')),
    scope: maybe(fc.string({ maxLength: 10 })),
    owner: maybe(fc.constantFrom('@acme/security', '')),
    'approved-by': maybe(fc.constantFrom('@ciso', '')),
    reviewed: date,
    controls: maybe(fc.dictionary(controlId, control, { maxKeys: 8, noNullPrototype: true })),
    exceptions: maybe(fc.array(exception, { maxLength: 4 })),
    unknown: stray,
  },
  { requiredKeys: [] },
);

/** How the structure is written: dump options, unquoted numeric ids, shared entries (YAML aliases). */
const document = fc
  .tuple(
    declarations,
    fc.record({
      flowLevel: fc.constantFrom(-1, -1, 1, 2),
      indent: fc.constantFrom(2, 4),
      quotingType: fc.constantFrom("'" as const, '"' as const),
      forceQuotes: fc.boolean(),
    }),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([value, options, unquote, share]) => {
    const v = value as Record<string, unknown>;
    const controls = v.controls;
    if (share && controls && typeof controls === 'object' && !Array.isArray(controls)) {
      // The same entry under two ids: js-yaml writes an anchor and an alias.
      const entries = Object.keys(controls as object);
      const first = (controls as Record<string, unknown>)[entries[0] ?? ''];
      if (first && typeof first === 'object') (controls as Record<string, unknown>)['8.34'] = first;
    }
    let text = dump(v, { ...options, skipInvalid: true });
    // Users write `8.10:`, which YAML reads as the number 8.1; dump quotes it, so undo that.
    if (unquote) text = text.replace(/(^|[{,\s])['"](8\.\d+)['"]:/gm, '$1$2:');
    return text;
  });

describe('parseDeclarations on declaration-shaped documents', () => {
  it('never throws, and every problem, control and exception is located inside the file', () => {
    const seen = { problems: 0, controls: 0, exceptions: 0, quote: 0 };
    fc.assert(
      fc.property(document, (text) => {
        const d = parseLocated(text);
        // Valid YAML by construction, except where unquoting made two keys equal (`8` and `8.0`).
        if (d.unreadable) expect(d.unreadable, text).toMatch(/duplicated mapping key/);
        seen.problems += d.problems.length;
        seen.controls += d.controls.size;
        seen.exceptions += d.exceptions.length;
        const lines = text.split('\n');
        for (const p of d.problems) {
          // An unquoted id is reported at the key as written.
          const quote = /^quote:(.*)$/.exec(p.key ?? '');
          if (!quote) continue;
          seen.quote += 1;
          expect(lines[p.location!.startLine - 1], `${p.message} in ${text}`).toContain(quote[1]);
        }
      }),
      { numRuns: 600, seed: 27002 },
    );
    // The generator reaches valid entries and each kind of problem, not only one of them.
    expect(seen.controls).toBeGreaterThan(80);
    expect(seen.exceptions).toBeGreaterThan(15);
    expect(seen.problems).toBeGreaterThan(500);
    expect(seen.quote).toBeGreaterThan(15);
  });
});
