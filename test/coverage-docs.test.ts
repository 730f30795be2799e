import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allControls } from '../src/core/catalog.js';
import { renderCoverageMatrix } from '../src/core/coverage.js';
import { loadRules } from '../src/core/rules/load.js';
import { REPO_ROOT } from './helpers/fixtures.js';

const rules = loadRules();

describe('docs/coverage.md', () => {
  it('matches the rules (run npm run docs)', () => {
    expect(readFileSync(path.join(REPO_ROOT, 'docs', 'coverage.md'), 'utf8')).toBe(
      renderCoverageMatrix(rules),
    );
  });

  it('has one row per control of the catalog', () => {
    const page = renderCoverageMatrix(rules);
    for (const c of allControls()) expect(page, c.id).toContain(`| ${c.id} | ${c.title} |`);
  });

  it('every technological control has at least one rule', () => {
    const uncovered = allControls()
      .filter((c) => c.theme === 'Technological')
      .filter((c) => !rules.some((r) => r.controls.includes(c.id)))
      .map((c) => c.id);
    expect(uncovered).toEqual([]);
  });

  it('tells checks from evidence rules', () => {
    const page = renderCoverageMatrix(rules);
    expect(page).toContain(
      '| 8.26 | Application security requirements | — | [security-design-documented](rules/security-design-documented.md) |',
    );
    expect(page).toMatch(
      /\| 8\.33 \| [^|]+ \| \[test-data-personal\]\(rules\/test-data-personal\.md\) \| — \|/,
    );
  });
});
