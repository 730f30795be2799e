import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderRuleDoc, renderRuleIndex } from '../src/core/docs.js';
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
