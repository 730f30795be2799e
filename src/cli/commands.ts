import {
  allControls,
  compareControlIds,
  controlsFrom2013,
  controlsOfTheme,
  getControl,
  THEMES,
} from '../core/catalog.js';
import { type Draft, decisions } from '../core/declarations/init.js';
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

/**
 * `controlgate controls`: the 93 controls with their coverage: the rules that check each, or, for a
 * control no rule checks, that only declared evidence can verify it.
 */
export function controlsCommand(options: ListOptions): string {
  const rules = loadRules(options.ruleDirs);
  const byControl = rulesByControl(rules);
  const coverageOf = (id: string) => (byControl.has(id) ? 'rules' : 'evidence');
  if (options.json) {
    return `${JSON.stringify(
      allControls().map((c) => ({
        ...c,
        coverage: coverageOf(c.id),
        rules: (byControl.get(c.id) ?? []).map((r) => r.id),
      })),
      null,
      2,
    )}\n`;
  }
  const rows = allControls().map((c) => {
    const n = (byControl.get(c.id) ?? []).length;
    return [c.id, c.theme, clean(c.title), n > 0 ? `${n} rule${n === 1 ? '' : 's'}` : 'evidence only'];
  });
  const coverage = THEMES.map((theme) => {
    const of = controlsOfTheme(theme);
    return `${theme.toLowerCase()} ${of.filter((c) => byControl.has(c.id)).length} of ${of.length}`;
  });
  return [
    table([['CONTROL', 'THEME', 'TITLE', 'VERIFIED BY'], ...rows]),
    '',
    `Controls checked by at least one rule: ${coverage.join(', ')}.`,
    'The others are verified by the evidence declared for them in .github/controls.yml: a file that must',
    'exist and hold more than a placeholder, a workflow that must run on changes, or a URL with an owner',
    'and a review date that is not stale. `controlgate explain <id>` shows one control.',
    '',
  ].join('\n');
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
      mapped.length
        ? 'Rules:'
        : 'No rule checks this control: its declared evidence verifies it (a file, a workflow, or a URL with an owner and a review date).',
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

/**
 * What `init` says after writing the draft: what it claimed and why the next check will agree, what
 * it proposes for the user to confirm, and what only the user can decide.
 */
export function initSummary(draft: Draft, file: string, offline?: string): string {
  const { implemented, notApplicable, planned } = decisions(draft);
  const techPlanned = planned.filter((id) => id.startsWith('8.'));
  const otherPlanned = planned.filter((id) => !id.startsWith('8.'));
  const branch = draft.defaultBranch;
  const lines = [
    `wrote ${clean(file)}: the 93 controls of ISO/IEC 27002:2022, each as the next \`controlgate check\` confirms it.`,
    `  implemented (${implemented.length}), with the evidence controlgate verified: ${implemented.join(', ') || 'none'}`,
    `  not-applicable (${notApplicable.length}), proposed because the repository holds nothing their rules check; confirm each justification: ${notApplicable.join(', ') || 'none'}`,
    `  planned (${planned.length}), each with a TODO to decide: ${techPlanned.length} technological (${techPlanned.join(', ') || 'none'}) and ${otherPlanned.length} organizational, people and physical controls`,
    '',
    'Still yours to decide:',
    '  - every TODO: declare implemented (citing evidence: a file, a workflow, or a URL with an owner and a',
    '    review date), partial, planned (with a due date) or not-applicable (with the reason);',
    '  - the header: owner, approved-by, and reviewed once the declarations are approved.',
    branch.source === 'assumed'
      ? `  - the default branch: git has no origin/HEAD, so main or master was assumed, as check assumes it${branch.checkedOut && !['main', 'master'].includes(branch.checkedOut) ? `; if ${clean(branch.checkedOut)} (checked out) is the default branch, run init and check with --default-branch ${clean(branch.checkedOut)}, or \`git remote set-head origin --auto\`` : ''}.`
      : `  - the default branch: ${clean(branch.name ?? '')} (${branch.source === 'option' ? 'from --default-branch: pass it to check too' : 'from origin/HEAD'}).`,
    ...(offline
      ? [
          `  - repository settings (branch protection, secret scanning) were not read (${clean(offline)}): controls that rest on them are drafted as planned; set GITHUB_TOKEN and GITHUB_REPOSITORY to verify them.`,
        ]
      : []),
    '',
  ];
  return lines.join('\n');
}
