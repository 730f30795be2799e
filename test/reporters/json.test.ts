import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import type { Report } from '../../src/core/types.js';
import { schemaValidator, validate } from '../../src/core/validate.js';
import { planAnnotations } from '../../src/reporters/annotations.js';
import { canonicalReport, renderJson, renderJsonPieces } from '../../src/reporters/json.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { renderSarifString } from '../../src/reporters/sarif.js';
import { renderText } from '../../src/reporters/text.js';
import { sampleReport, syntheticFinding } from '../fixtures/report/sample-report.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { strictAjv } from './helpers.js';

const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas', 'report.schema.json'), 'utf8'));

function problems(value: unknown) {
  return validate(schemaValidator('report.schema.json'), value);
}

describe('renderJson', () => {
  it('matches the snapshot', async () => {
    await expect(renderJson(sampleReport())).toMatchFileSnapshot('__snapshots__/report.json');
  });

  it('in pieces, writes the same characters: a few for a small report, batches of findings for a large one', () => {
    const report = sampleReport();
    const pieces = [...renderJsonPieces(report)];
    expect(pieces.join('')).toBe(renderJson(report));
    // Thousands of findings (hostile text among them): the same text, in several pieces none of
    // which is the whole.
    const large: Report = {
      ...report,
      findings: Array.from({ length: 3000 }, (_, i) =>
        i % 100 === 7 ? { ...report.findings[0]!, id: `hostile-${i}` } : syntheticFinding(i, 'medium'),
      ),
    };
    const largePieces = [...renderJsonPieces(large)];
    expect(largePieces.length).toBeGreaterThan(10);
    expect(largePieces.join('')).toBe(renderJson(large));
    // No finding: one piece, the same text.
    const none: Report = { ...report, findings: [] };
    expect([...renderJsonPieces(none)]).toEqual([renderJson(none)]);
  });

  it('validates against schemas/report.schema.json', () => {
    expect(problems(JSON.parse(renderJson(sampleReport())))).toEqual([]);
  });

  it('round-trips to the Report exactly, so no field is dropped from the v1 format', () => {
    const report = sampleReport();
    expect(JSON.parse(renderJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('writes keys in a fixed order whatever order the Report was built in', () => {
    const report = sampleReport();
    const shuffled = reverseKeys(report) as Report;
    expect(Object.keys(shuffled)[0]).toBe('summary');
    expect(renderJson(shuffled)).toBe(renderJson(report));
    expect(Object.keys(JSON.parse(renderJson(report)))).toEqual([
      'version',
      'tool',
      'repository',
      'settings',
      'policy',
      'rules',
      'controls',
      'findings',
      'errors',
      'summary',
    ]);
  });

  it('ends with exactly one newline and indents with two spaces', () => {
    const out = renderJson(sampleReport());
    expect(out.endsWith('}\n')).toBe(true);
    expect(out.split('\n')[1]).toBe('  "version": 1,');
  });

  it('omits optional fields that are absent instead of writing null', () => {
    const out = canonicalReport(sampleReport());
    const legacy = out.findings.find((f) => f.location?.path === 'legacy/Dockerfile')!;
    expect(Object.keys(legacy.location!)).toEqual(['path', 'startLine']);
    expect('isNew' in legacy).toBe(false);
  });
});

describe('schemas/report.schema.json', () => {
  it('compiles under a strict ajv (no unknown keywords, no schema mistakes)', () => {
    expect(() => strictAjv().compile(schema)).not.toThrow();
  });

  it('is draft-07 and pins the format version', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.properties.version).toEqual(expect.objectContaining({ const: 1 }));
  });

  it('closes every object it describes', () => {
    const open: string[] = [];
    walk(schema, '#', (node, at) => {
      if (node.type === 'object' && node.additionalProperties !== false) open.push(at);
    });
    expect(open).toEqual([]);
  });

  it.each<[string, (r: Report) => void]>([
    ['an unknown top-level field', (r) => Object.assign(r, { extra: true })],
    ['an unknown finding field', (r) => Object.assign(r.findings[0]!, { suppressed: true })],
    [
      'an exception without a reason',
      (r) => Object.assign(r.findings[0]!, { exception: { kind: 'exception' } }),
    ],
    ['an unknown verdict', (r) => Object.assign(r.controls[0]!, { verdict: 'ok' })],
    ['a control without a declared field', (r) => Reflect.deleteProperty(r.controls[0]!, 'declared')],
    ['another format version', (r) => Object.assign(r, { version: 2 })],
    ['an unknown severity', (r) => Object.assign(r.findings[0]!, { severity: 'severe' })],
    ['a line 0', (r) => Object.assign(r.findings[0]!.location!, { startLine: 0 })],
    ['a missing gate', (r) => Reflect.deleteProperty(r.summary, 'gate')],
    ['a control id outside clause 8', (r) => Object.assign(r.controls[0]!, { id: 'A.9.2.3' })],
    ['a severity count missing', (r) => Reflect.deleteProperty(r.summary.bySeverity, 'info')],
  ])('rejects %s', (_name, mutate) => {
    const value = JSON.parse(renderJson(sampleReport())) as Report;
    mutate(value);
    expect(problems(value)).not.toEqual([]);
  });
});

describe('a report built by the engine', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('validates against the schema and renders in every format', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'controlgate-report-'));
    dirs.push(root);
    mkdirSync(path.join(root, '.github', 'workflows'), { recursive: true });
    writeFileSync(
      path.join(root, '.github', 'workflows', 'ci.yml'),
      'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: some-org/deploy@v2\n',
    );
    writeFileSync(path.join(root, '.github', 'workflows', 'broken.yml'), 'jobs: [unclosed\n');
    writeFileSync(path.join(root, 'Dockerfile'), 'FROM node:latest\nRUN npm ci\n');
    writeFileSync(path.join(root, 'package.json'), '{"dependencies": {"left-pad": "1.0.0"}}\n');

    const report = await runCheck({ root });
    expect(report.rules.length).toBeGreaterThan(0);
    expect(problems(JSON.parse(renderJson(report)))).toEqual([]);
    expect(JSON.parse(renderJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
    // The other formats accept whatever the engine produces.
    expect(() => JSON.parse(renderSarifString(report))).not.toThrow();
    expect(renderMarkdown(report)).toContain('controlgate');
    expect(renderText(report)).toContain('Gate:');
    expect(Array.isArray(planAnnotations(report))).toBe(true);
  });
});

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    );
  }
  return value;
}

function walk(node: unknown, at: string, visit: (node: Record<string, unknown>, at: string) => void): void {
  if (!node || typeof node !== 'object') return;
  if (!Array.isArray(node)) visit(node as Record<string, unknown>, at);
  for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`, visit);
}
