/**
 * The organisation view: many repositories' reports folded into one summary. Per repository: the
 * gate, its counts and its verdict for every control; per control: how many repositories satisfy it
 * (and how the others stand); per rule: how many repositories it fails in. Rendered as Markdown (for
 * a job summary), as JSON (`schemas/aggregate.schema.json`) and as one SARIF log with a run per
 * repository. Pure: the reports come in, text comes out; reading the files is the CLI's job.
 */
import type { Report, Severity, Verdict } from '../core/types.js';
import { VERDICTS } from '../core/types.js';
import { escapeMarkdown, markdownCode, plural, truncate, utf8Bytes } from './escape.js';
import { renderSarif, SARIF_SCHEMA, type SarifOptions } from './sarif.js';
import type { SarifLog } from './sarif-types.js';
import { SEVERITY_ORDER } from './shared.js';

/** One repository's report, with the name the organisation knows it by. */
export interface NamedReport {
  name: string;
  report: Report;
}

/** One repository in the organisation summary. */
export interface OrgRepository {
  name: string;
  head: string | null;
  toolVersion: string;
  gate: 'pass' | 'fail';
  reasons: string[];
  findings: number;
  open: number;
  blocking: number;
  bySeverity: Record<Severity, number>;
  errors: number;
  /** Control id -> verdict in this repository. */
  verdicts: Record<string, Verdict>;
}

/** One control across the organisation. */
export interface OrgControl {
  id: string;
  title: string;
  /** Repositories whose verdict is satisfied. */
  satisfied: number;
  /** Repositories by verdict (every verdict present, zeros included). */
  byVerdict: Record<Verdict, number>;
  /** Repositories with a gap in this control, by name. */
  gaps: string[];
}

/** One rule that fails somewhere. */
export interface OrgRule {
  id: string;
  title: string;
  /** Repositories where it has findings. */
  repositories: number;
  findings: number;
}

/** The organisation summary (`"kind": "controlgate-aggregate"`, version 1). */
export interface OrgSummary {
  kind: 'controlgate-aggregate';
  version: 1;
  tool: { name: 'controlgate'; versions: string[] };
  summary: {
    repositories: number;
    passed: number;
    failed: number;
    findings: number;
    blocking: number;
    bySeverity: Record<Severity, number>;
  };
  repositories: OrgRepository[];
  controls: OrgControl[];
  rules: OrgRule[];
}

/** Folds the reports (in the order given, sorted by name) into the organisation summary. */
export function aggregateReports(reports: readonly NamedReport[]): OrgSummary {
  const sorted = [...reports].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const repositories = sorted.map(({ name, report }) => repository(name, report));
  const titles = new Map<string, string>();
  for (const { report } of sorted)
    for (const c of report.controls) if (!titles.has(c.id)) titles.set(c.id, c.title);
  const controls: OrgControl[] = [...titles].map(([id, title]) => {
    const byVerdict = zeros(VERDICTS);
    const gaps: string[] = [];
    for (const r of repositories) {
      const v = r.verdicts[id];
      if (!v) continue;
      byVerdict[v] += 1;
      if (v === 'gap') gaps.push(r.name);
    }
    return { id, title, satisfied: byVerdict.satisfied, byVerdict, gaps };
  });
  const rules = new Map<string, OrgRule>();
  for (const { report } of sorted) {
    for (const r of report.rules) {
      if (r.findings === 0) continue;
      const entry = rules.get(r.id) ?? { id: r.id, title: r.title, repositories: 0, findings: 0 };
      entry.repositories += 1;
      entry.findings += r.findings;
      rules.set(r.id, entry);
    }
  }
  const bySeverity = zeros(SEVERITY_ORDER);
  for (const r of repositories) for (const s of SEVERITY_ORDER) bySeverity[s] += r.bySeverity[s];
  return {
    kind: 'controlgate-aggregate',
    version: 1,
    tool: { name: 'controlgate', versions: [...new Set(repositories.map((r) => r.toolVersion))].sort() },
    summary: {
      repositories: repositories.length,
      passed: repositories.filter((r) => r.gate === 'pass').length,
      failed: repositories.filter((r) => r.gate === 'fail').length,
      findings: repositories.reduce((n, r) => n + r.findings, 0),
      blocking: repositories.reduce((n, r) => n + r.blocking, 0),
      bySeverity,
    },
    repositories,
    controls,
    rules: [...rules.values()].sort(
      (a, b) => b.repositories - a.repositories || b.findings - a.findings || (a.id < b.id ? -1 : 1),
    ),
  };
}

function repository(name: string, report: Report): OrgRepository {
  const s = report.summary;
  return {
    name,
    head: report.repository.head,
    toolVersion: report.tool.version,
    gate: s.gate.result,
    reasons: [...s.gate.reasons],
    findings: s.findings,
    open: s.open,
    blocking: s.blocking,
    bySeverity: Object.fromEntries(SEVERITY_ORDER.map((sev) => [sev, s.bySeverity[sev] ?? 0])) as Record<
      Severity,
      number
    >,
    errors: s.errors,
    verdicts: Object.fromEntries(report.controls.map((c) => [c.id, c.verdict])),
  };
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/** The organisation summary as pretty-printed JSON with a trailing newline. */
export function renderAggregateJson(summary: OrgSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

const VERDICT_MARK: Record<Verdict, string> = {
  gap: '❌',
  unverifiable: '⚠️',
  'not-assessed': '🔍',
  undeclared: '❔',
  planned: '🗓️',
  satisfied: '✅',
  'not-applicable': '➖',
};

/** Options of {@link renderAggregateMarkdown}. */
export interface AggregateMarkdownOptions {
  /** Upper bound in UTF-8 bytes (default just under GitHub's 1 MiB job-summary limit). */
  maxBytes?: number;
}

/**
 * The organisation summary as GitHub Flavored Markdown: the totals, one row per repository (gate,
 * blocking findings, gaps and satisfied controls), one row per control (how many repositories
 * satisfy it, and the other verdicts), the rules failing in most repositories, and each failing
 * repository's gate reasons. Names and reasons are escaped; the output stays within `maxBytes`.
 */
export function renderAggregateMarkdown(summary: OrgSummary, options: AggregateMarkdownOptions = {}): string {
  const maxBytes = options.maxBytes ?? 1024 * 1024 - 1024;
  const s = summary.summary;
  const n = s.repositories;
  const head = [
    '## controlgate: organisation summary',
    '',
    `**${plural(n, 'repository', 'repositories')}**: ${s.passed} passed, ${s.failed} failed the gate; ${plural(s.findings, 'finding')}, ${s.blocking} blocking.`,
    '',
  ];
  const repos = [
    '### Repositories',
    '',
    '| repository | gate | blocking | findings | gaps | satisfied |',
    '| --- | --- | ---: | ---: | --- | ---: |',
    ...summary.repositories.map((r) => {
      const gaps = Object.entries(r.verdicts)
        .filter(([, v]) => v === 'gap')
        .map(([id]) => id);
      const satisfied = Object.values(r.verdicts).filter((v) => v === 'satisfied').length;
      const gate = r.gate === 'pass' ? '✅ pass' : '❌ fail';
      return `| ${markdownCode(truncate(r.name, 100, 'middle'))} | ${gate} | ${r.blocking} | ${r.findings} | ${gaps.map(escapeMarkdown).join(', ') || '—'} | ${satisfied} |`;
    }),
    '',
  ];
  const shown = VERDICTS.filter((v) => v !== 'satisfied');
  const controls = [
    '### Controls',
    '',
    `| control | satisfied | ${shown.map((v) => `${VERDICT_MARK[v]} ${v}`).join(' | ')} |`,
    `| --- | ---: | ${shown.map(() => '---:').join(' | ')} |`,
    ...summary.controls.map(
      (c) =>
        `| ${escapeMarkdown(`${c.id} ${c.title}`)} | ${c.satisfied} of ${n} | ${shown.map((v) => c.byVerdict[v]).join(' | ')} |`,
    ),
    '',
  ];
  const rules =
    summary.rules.length === 0
      ? []
      : [
          '### Rules with findings',
          '',
          '| rule | repositories | findings |',
          '| --- | ---: | ---: |',
          ...summary.rules
            .slice(0, 50)
            .map(
              (r) =>
                `| ${markdownCode(r.id)} ${escapeMarkdown(truncate(r.title, 120))} | ${r.repositories} | ${r.findings} |`,
            ),
          ...(summary.rules.length > 50
            ? ['', `${summary.rules.length - 50} more rules have findings.`]
            : []),
          '',
        ];
  const out = [...head, ...repos, ...controls, ...rules].join('\n');
  const failing = summary.repositories.filter((r) => r.gate === 'fail');
  const details: string[] = failing.length === 0 ? [] : ['### Why gates failed', ''];
  let budget = maxBytes - utf8Bytes(out) - 512;
  let left = failing.length;
  for (const r of failing) {
    const block = [
      `<details><summary>${markdownCode(truncate(r.name, 100, 'middle'))}: ${plural(r.blocking, 'blocking finding')}</summary>`,
      '',
      ...r.reasons.slice(0, 20).map((reason) => `- ${escapeMarkdown(truncate(reason, 300))}`),
      '',
      '</details>',
      '',
    ].join('\n');
    if (utf8Bytes(block) > budget) break;
    budget -= utf8Bytes(block);
    details.push(block);
    left -= 1;
  }
  if (left > 0)
    details.push(
      `${plural(left, 'more failing repository', 'more failing repositories')}: see the JSON summary.`,
    );
  if (utf8Bytes(out) > maxBytes) return `${out.slice(0, Math.max(0, maxBytes - 64))}\n\n(cut to fit)\n`;
  return `${[out, ...details].join('\n').trimEnd()}\n`;
}

/**
 * One SARIF log with a run per repository, each the repository's own SARIF run, told apart by
 * `automationDetails.id` (`controlgate/<repository>/`), for tools that take a whole organisation's
 * results at once. (Code scanning takes one repository's results per upload: upload each
 * repository's own SARIF there.)
 */
export function renderAggregateSarif(reports: readonly NamedReport[], options: SarifOptions = {}): SarifLog {
  const sorted = [...reports].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const runs = sorted.map(({ name, report }) => ({
    ...renderSarif(report, options).runs[0]!,
    automationDetails: { id: `controlgate/${name}/` },
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs,
  };
}
