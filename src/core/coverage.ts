import { controlsOfTheme, THEMES } from './catalog.js';
import type { Rule } from './types.js';

/**
 * The coverage matrix (docs/coverage.md): for every ISO/IEC 27002:2022 control, the rules that check
 * the repository for problems and the rules that look for evidence (tag `evidence`: a document or
 * configuration that shows the practice exists). Generated from the rule files by `npm run docs`; a
 * test fails when the page and the rules disagree.
 */
export function renderCoverageMatrix(rules: readonly Rule[]): string {
  const sorted = [...rules].sort((a, b) => (a.id < b.id ? -1 : 1));
  const isEvidence = (r: Rule) => r.tags.includes('evidence');
  const link = (r: Rule) => `[${r.id}](rules/${r.id}.md)`;
  const lines = [
    '# Coverage of ISO/IEC 27002:2022 by the built-in rules',
    '',
    'Generated from `rules/` by `npm run docs`; do not edit by hand.',
    '',
    'A **check** looks for something wrong in the repository (a setting, a line, a file) and reports it',
    'where it is. An **evidence** rule looks for a document or configuration that shows a practice is in',
    'place (a threat model, runbooks, device management profiles) and reports when it finds none or only',
    'a stub; it cannot judge the practice itself. A control with neither is verified only by the',
    'evidence declared for it in `.github/controls.yml` (a file that must exist, a URL that is recorded).',
    '',
    '| theme | controls | with a check | with an evidence rule only | declared evidence only |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  const sections: string[] = [];
  for (const theme of THEMES) {
    const controls = controlsOfTheme(theme);
    let checked = 0;
    let evidenced = 0;
    sections.push(
      `## ${theme} controls`,
      '',
      '| control | title | checks | evidence rules |',
      '| --- | --- | --- | --- |',
    );
    for (const c of controls) {
      const mapped = sorted.filter((r) => r.controls.includes(c.id));
      const checks = mapped.filter((r) => !isEvidence(r));
      const evidence = mapped.filter(isEvidence);
      if (checks.length > 0) checked += 1;
      else if (evidence.length > 0) evidenced += 1;
      sections.push(
        `| ${c.id} | ${c.title} | ${checks.map(link).join(', ') || '—'} | ${evidence.map(link).join(', ') || '—'} |`,
      );
    }
    sections.push('');
    lines.push(
      `| ${theme} | ${controls.length} | ${checked} | ${evidenced} | ${controls.length - checked - evidenced} |`,
    );
  }
  return `${[...lines, '', ...sections].join('\n').trimEnd()}\n`;
}
