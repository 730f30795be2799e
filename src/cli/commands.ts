import {
  allControls,
  compareControlIds,
  controlsFrom2013,
  controlsOfTheme,
  getControl,
  THEMES,
} from '../core/catalog.js';
import { allEvaluators } from '../core/evaluators/registry.js';
import { helpUri } from '../core/finding.js';
import { loadRules } from '../core/rules/load.js';
import { didYouMean } from '../core/suggest.js';
import { type Rule, UsageError } from '../core/types.js';

interface ListOptions {
  json: boolean;
  ruleDirs: string[];
}

/** Terminal text from repository-free data still goes through this, to keep every line printable. */
function clean(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `controlgate rules`: every rule with severity and controls, or (`kinds`) the check kinds. */
export function rulesCommand(options: ListOptions & { kinds: boolean }): string {
  if (options.kinds) {
    const kinds = allEvaluators()
      .filter((e) => !e.kind.startsWith('policy.')) // reserved for the built-in policy rules
      .map((e) => ({ kind: e.kind, summary: e.summary, options: e.schema }));
    if (options.json) return `${JSON.stringify(kinds, null, 2)}\n`;
    return `${table([['KIND', 'WHAT IT CHECKS'], ...kinds.map((k) => [k.kind, k.summary])])}\n`;
  }
  const rules = loadRules(options.ruleDirs);
  if (options.json) return `${JSON.stringify(rules.map(ruleJson), null, 2)}\n`;
  const rows = rules
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((r) => [r.id, r.severity, r.controls.join(','), clean(r.title)]);
  return `${table([['RULE', 'SEVERITY', 'CONTROLS', 'TITLE'], ...rows])}\n\n${rules.length} rules. \`controlgate explain <rule>\` shows one.\n`;
}

/** `controlgate controls`: the catalog with the rules that cover each control. */
export function controlsCommand(options: ListOptions): string {
  const rules = loadRules(options.ruleDirs);
  const byControl = rulesByControl(rules);
  if (options.json) {
    return `${JSON.stringify(
      allControls().map((c) => ({ ...c, rules: (byControl.get(c.id) ?? []).map((r) => r.id) })),
      null,
      2,
    )}\n`;
  }
  const rows = allControls().map((c) => [
    c.id,
    c.theme,
    clean(c.title),
    String((byControl.get(c.id) ?? []).length),
  ]);
  const coverage = THEMES.map((theme) => {
    const of = controlsOfTheme(theme);
    return `${theme.toLowerCase()} ${of.filter((c) => byControl.has(c.id)).length} of ${of.length}`;
  });
  return `${table([['CONTROL', 'THEME', 'TITLE', 'RULES'], ...rows])}\n\nControls covered by at least one rule: ${coverage.join(', ')}.\n`;
}

/** `controlgate explain <id>`: a rule (what, why, fix, controls) or a control (what, rules, 2013 ids). */
export function explainCommand(id: string, options: ListOptions): string {
  const rules = loadRules(options.ruleDirs);
  const rule = rules.find((r) => r.id === id);
  if (rule) {
    if (options.json) return `${JSON.stringify(ruleJson(rule), null, 2)}\n`;
    const controls = rule.controls.map((c) => `  ${c}  ${getControl(c)?.title ?? ''}`).join('\n');
    return [
      `${rule.id} (${rule.severity})`,
      clean(rule.title),
      '',
      `Why: ${clean(rule.rationale)}`,
      `Fix: ${clean(rule.remediation)}`,
      '',
      'Controls:',
      controls,
      '',
      `Check: ${rule.check.kind}${rule.source === 'builtin' ? '' : ` (from ${rule.source})`}`,
      `Docs: ${helpUri(rule.id)}`,
      '',
    ].join('\n');
  }
  const control = resolveControl(id);
  if (control) {
    const { control: c, note } = control;
    const mapped = rulesByControl(rules).get(c.id) ?? [];
    if (options.json) return `${JSON.stringify({ ...c, rules: mapped.map((r) => r.id), note }, null, 2)}\n`;
    return [
      `${c.id} ${c.title}${c.newIn2022 ? ' (new in 2022)' : ''}`,
      c.description,
      ...(note ? ['', note] : []),
      '',
      `Theme: ${c.theme}`,
      `ISO/IEC 27001:2013 predecessors: ${c.iso27001_2013.join(', ') || 'none (new control)'}`,
      ...(c.attributes
        ? [
            `Control type: ${c.attributes.controlType.join(', ')}; properties: ${c.attributes.securityProperties.join(', ')}`,
          ]
        : []),
      '',
      mapped.length ? 'Rules:' : 'No rule covers this control yet.',
      ...mapped.map((r) => `  ${r.id.padEnd(36)} ${r.severity.padEnd(8)} ${clean(r.title)}`),
      '',
    ].join('\n');
  }
  const known = [...rules.map((r) => r.id), ...allControls().map((c) => c.id)];
  throw new UsageError(
    `no rule or control with id "${id}"${didYouMean(id, known)} (see \`controlgate rules\` and \`controlgate controls\`)`,
  );
}

function resolveControl(id: string) {
  const direct = getControl(id);
  if (direct) return { control: direct, note: undefined };
  const old = controlsFrom2013(id);
  const first = old[0];
  if (!first) return undefined;
  const note =
    old.length === 1
      ? `${id} (ISO/IEC 27001:2013) is now ${first.id}.`
      : `${id} (ISO/IEC 27001:2013) maps to ${old.map((c) => c.id).join(', ')}; showing ${first.id}.`;
  return { control: first, note };
}

function rulesByControl(rules: Rule[]): Map<string, Rule[]> {
  const map = new Map<string, Rule[]>();
  for (const r of rules) {
    for (const c of r.controls) map.set(c, [...(map.get(c) ?? []), r]);
  }
  for (const list of map.values()) list.sort((a, b) => (a.id < b.id ? -1 : 1));
  return new Map([...map.entries()].sort((a, b) => compareControlIds(a[0], b[0])));
}

function ruleJson(r: Rule) {
  return {
    id: r.id,
    title: r.title,
    severity: r.severity,
    controls: r.controls,
    rationale: r.rationale,
    remediation: r.remediation,
    references: r.references,
    tags: r.tags,
    check: r.check,
    source: r.source,
    helpUri: helpUri(r.id),
  };
}
