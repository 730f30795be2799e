// Regenerates docs/rules/*.md from the built-in rule files, and docs/secrets.md from the secret detectors (run through `npm run docs`, which compiles
// src/ to lib/ first). test/docs.test.ts fails when the pages and the rules disagree.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { renderCoverageMatrix } from '../lib/core/coverage.js';
import { renderRuleDoc, renderRuleIndex } from '../lib/core/docs.js';
import { renderSecretDetectors } from '../lib/core/evaluators/secrets/docs.js';
import { loadRules } from '../lib/core/rules/load.js';

const rules = loadRules();
mkdirSync('docs/rules', { recursive: true });
const keep = new Set(['README.md', ...rules.map((r) => `${r.id}.md`)]);
for (const file of readdirSync('docs/rules')) if (!keep.has(file)) rmSync(`docs/rules/${file}`);
for (const rule of rules) writeFileSync(`docs/rules/${rule.id}.md`, renderRuleDoc(rule));
writeFileSync('docs/rules/README.md', renderRuleIndex(rules));
writeFileSync('docs/coverage.md', renderCoverageMatrix(rules));
console.log(`wrote ${rules.length} rule pages to docs/rules/`);
writeFileSync('docs/secrets.md', renderSecretDetectors());
console.log('wrote docs/secrets.md');
