import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderRuleDoc, renderRuleIndex } from '../src/core/docs.js';
import { runCheck } from '../src/core/engine.js';
import { loadRules } from '../src/core/rules/load.js';
import { REPO_ROOT } from './helpers/fixtures.js';

const rules = loadRules();
const docsDir = path.join(REPO_ROOT, 'docs', 'rules');

describe('rule documentation', () => {
  it.each(rules.map((r) => [r.id, r] as const))('docs/rules/%s.md matches the rule file', (id, rule) => {
    const file = path.join(docsDir, `${id}.md`);
    expect(existsSync(file), `missing ${file}: run npm run docs`).toBe(true);
    expect(readFileSync(file, 'utf8'), 'stale page: run npm run docs').toBe(renderRuleDoc(rule));
  });

  it('has no page for a rule that does not exist', () => {
    const ids = new Set(rules.map((r) => `${r.id}.md`));
    const stale = readdirSync(docsDir).filter((f) => f !== 'README.md' && !ids.has(f));
    expect(stale).toEqual([]);
  });

  it('docs/rules/README.md indexes every rule', () => {
    expect(readFileSync(path.join(docsDir, 'README.md'), 'utf8')).toBe(renderRuleIndex(rules));
  });
});

describe('documentation examples', () => {
  const withExamples = rules.flatMap((r) => r.examples.map((e, i) => [`${r.id} #${i + 1}`, r, e] as const));

  it.each(withExamples)(
    '%s: the failing example fails and the fixed one passes',
    async (_name, rule, example) => {
      for (const side of ['fail', 'pass'] as const) {
        const root = mkdtempSync(path.join(tmpdir(), 'cg-example-'));
        const file = side === 'pass' ? (example.passPath ?? example.path) : example.path;
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        writeFileSync(path.join(root, file), example[side]);
        for (const [other, content] of Object.entries(side === 'pass' ? (example.passFiles ?? {}) : {})) {
          mkdirSync(path.dirname(path.join(root, other)), { recursive: true });
          writeFileSync(path.join(root, other), content);
        }
        // Examples show what a rule detects, whatever persona would display it (code smells: pedantic).
        const report = await runCheck({ root, onlyRules: [rule.id], failOn: 'never', persona: 'auditor' });
        expect(report.errors).toEqual([]);
        const located = report.findings.filter((f) => f.location?.path === file);
        if (side === 'fail')
          expect(located.length, `${rule.id}: failing example has no finding`).toBeGreaterThan(0);
        else expect(located, `${rule.id}: fixed example still has findings`).toEqual([]);
      }
    },
  );
});
