import { controlsOfTheme, getControl, THEMES } from './catalog.js';
import { getEvaluator } from './evaluators/registry.js';
import type { Rule } from './types.js';

const GENERATED = '<!-- Generated from the rule file by `npm run docs`; edit the rule, not this page. -->';

/** The documentation page of one rule (docs/rules/<id>.md); a test keeps the files equal to this. */
export function renderRuleDoc(rule: Rule): string {
  const evaluator = getEvaluator(rule.check.kind);
  const lines = [
    GENERATED,
    '',
    `# ${rule.id}`,
    '',
    `**${rule.title}**`,
    '',
    '| severity | controls (ISO/IEC 27002:2022) | check |',
    '| --- | --- | --- |',
    `| ${rule.severity} | ${rule.controls.map((c) => `${c} ${getControl(c)?.title ?? ''}${rule.detects?.includes(c) ? ' (detects problems only)' : ''}`).join('<br>')} | \`${rule.check.kind}\` |`,
    '',
    ...(rule.detects?.length
      ? [
          `For ${rule.detects.join(', ')} this rule only detects problems: its findings make the control a gap in the Statement of Applicability, but its pass is no evidence that the control is met, as it would pass on a repository without the practice too ([the SoA](../soa.md#verdicts-and-what-they-rest-on)).`,
          '',
        ]
      : []),
    '## Why',
    '',
    rule.rationale.trim(),
    '',
    '## How to fix',
    '',
    rule.remediation.trim(),
    '',
  ];
  if (evaluator) {
    lines.push('## What is checked', '', `${evaluator.summary}`, '');
  }
  if (evaluator?.fix) {
    lines.push(
      '## Mechanical fix',
      '',
      `\`controlgate fix\` ${evaluator.fix}; a review comment on lines a pull request adds carries the same change as a suggestion.`,
      '',
    );
  }
  for (const example of rule.examples) {
    const lang = codeLanguage(example.path);
    lines.push(
      '## Example',
      '',
      ...(example.note ? [example.note.trim(), ''] : []),
      `Fails (\`${example.path}\`):`,
      '',
      `\`\`\`${lang}`,
      example.fail.trimEnd(),
      '```',
      '',
      example.passPath ? `Passes (\`${example.passPath}\`):` : 'Passes:',
      '',
      `\`\`\`${example.passPath ? codeLanguage(example.passPath) : lang}`,
      example.pass.trimEnd(),
      '```',
      '',
    );
    for (const [file, content] of Object.entries(example.passFiles ?? {})) {
      lines.push(
        `With \`${file}\` committed beside it:`,
        '',
        `\`\`\`${codeLanguage(file)}`,
        content.trimEnd(),
        '```',
        '',
      );
    }
  }
  const options = rule.check.with ?? {};
  if (Object.keys(options).length > 0) {
    lines.push('Options (`check.with`):', '', '```yaml', ...yamlish(options), '```', '');
  }
  lines.push(
    '## Configuration',
    '',
    'In `.controlgate.yml`:',
    '',
    '```yaml',
    'rules:',
    // A broken declarations file must always fail the gate, so that rule has no "off".
    ...(rule.check.kind === 'policy.declarations-file'
      ? [`  ${rule.id}: critical       # severity only: this rule cannot be disabled`]
      : [
          `  ${rule.id}: off            # disable`,
          `  # ${rule.id}: low          # or change the severity`,
          `  # ${rule.id}: { exclude: ["legacy/**"] }`,
        ]),
    '```',
    '',
    `Examples that fail and pass this rule: [test/fixtures/rules/${rule.id}](../../test/fixtures/rules/${rule.id}).`,
    '',
  );
  if (rule.references.length > 0) {
    lines.push('## References', '', ...rule.references.map((r) => `- <${r}>`), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** docs/rules/README.md: the index of rules and of controls they cover. */
export function renderRuleIndex(rules: Rule[]): string {
  const sorted = [...rules].sort((a, b) => (a.id < b.id ? -1 : 1));
  const lines = [
    GENERATED,
    '',
    '# Rules',
    '',
    `${sorted.length} built-in rules. Each page says why the rule matters, how to fix a finding and how to configure it.`,
    '',
    '| rule | severity | controls | title |',
    '| --- | --- | --- | --- |',
    ...sorted.map((r) => `| [${r.id}](${r.id}.md) | ${r.severity} | ${r.controls.join(', ')} | ${r.title} |`),
    '',
    '## Coverage by control',
    '',
    ...THEMES.flatMap((theme) => [
      `### ${theme} controls`,
      '',
      '| control | title | rules |',
      '| --- | --- | --- |',
      ...controlsOfTheme(theme).map((c) => {
        const ids = sorted.filter((r) => r.controls.includes(c.id)).map((r) => `[${r.id}](${r.id}.md)`);
        return `| ${c.id} | ${c.title} | ${ids.join(', ') || '—'} |`;
      }),
      '',
    ]),
  ];
  return lines.join('\n');
}

function codeLanguage(file: string): string {
  if (/\.ya?ml$/.test(file)) return 'yaml';
  if (/(^|\/)(Dockerfile|Containerfile)[^/]*$|\.dockerfile$/i.test(file)) return 'dockerfile';
  if (/\.json$/.test(file)) return 'json';
  if (/\.(sh|bash)$/.test(file)) return 'sh';
  if (/\.(?:tf|tofu)$/.test(file)) return 'hcl';
  return 'text';
}

function yamlish(value: Record<string, unknown>): string[] {
  return Object.entries(value).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
}
