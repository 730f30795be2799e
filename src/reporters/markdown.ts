/**
 * Markdown for the GitHub job summary (and the sticky PR comment): the gate result, counts, control
 * coverage, the most important findings and how to fix them. Everything from the repository or a rule
 * is escaped (escape.ts), lists are capped, and the whole output is kept under a byte budget.
 */
import type { ControlResult, Finding, Report, Verdict } from '../core/types.js';
import {
  codeSpan,
  escapeMarkdown,
  markdownCode,
  markdownLink,
  plural,
  truncate,
  utf8Bytes,
} from './escape.js';
import {
  basisLine,
  byPriority,
  confidenceLabel,
  controlsByVerdict,
  declaredLabel,
  filesScanned,
  gateSettings,
  hiddenNote,
  isNotable,
  leftOutBy,
  leftOutGroups,
  POLICY_CHANGE_RULE,
  REPOSITORY_LABEL,
  SEVERITY_ORDER,
} from './shared.js';
import type { MarkdownOptions } from './types.js';

/** GitHub accepts 1 MiB of job summary per step; keep 1 KiB for whatever the sink adds around it. */
export const MAX_SUMMARY_BYTES = 1024 * 1024 - 1024;
/** Findings listed before the rest are only counted. */
export const DEFAULT_MAX_FINDINGS = 200;
const DEFAULT_HINT = 'the JSON report or the SARIF results in code scanning';

// Per-item caps, in code points before escaping, so one hostile string cannot fill the budget.
const MAX_MESSAGE = 300;
const MAX_PATH = 200;
const MAX_REMEDIATION = 600;
const MAX_REASON = 300;
const MAX_ERRORS = 50;
const MAX_POLICY_CHANGES = 50;
const MAX_LEFT_OUT = 20;

const VERDICT_LABEL: Record<Verdict, string> = {
  gap: '❌ gap',
  unverifiable: '⚠️ unverifiable',
  'not-assessed': '🔍 not assessed',
  undeclared: '❔ undeclared',
  planned: '🗓️ planned',
  satisfied: '✅ satisfied',
  'not-applicable': '➖ not applicable',
};

/** Renders the report as GitHub Flavored Markdown, at most `maxBytes` UTF-8 bytes. */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const maxFindings = Math.max(0, Math.floor(options.maxFindings ?? DEFAULT_MAX_FINDINGS));
  const maxBytes = options.maxBytes ?? MAX_SUMMARY_BYTES;
  const hint = escapeMarkdown(options.fullReportHint ?? DEFAULT_HINT);

  const head = [...resultSection(report), ...controlsSection(report), ...policySection(report)]
    .join('\n')
    .trimEnd();
  const errors = errorsSection(report).join('\n');
  // Room kept for the "not shown" note, the section headings and the truncation fallback.
  const reserve = 1024 + utf8Bytes(hint);
  let budget = maxBytes - utf8Bytes(head) - utf8Bytes(errors) - reserve;

  const rows: string[] = [];
  const fixes: string[] = [];
  const fixed = new Set<string>();
  const candidates = byPriority(report.findings);
  let sizeLimited = false;
  for (const f of candidates.slice(0, maxFindings)) {
    const row = findingRow(f);
    // Excepted and ignored findings need no fix; list each rule's remediation once.
    const fix = f.status !== 'open' || fixed.has(f.ruleId) ? '' : fixLine(f);
    const cost = utf8Bytes(row) + 1 + (fix ? utf8Bytes(fix) + 1 : 0);
    if (cost > budget) {
      sizeLimited = true;
      break;
    }
    budget -= cost;
    rows.push(row);
    if (fix) {
      fixes.push(fix);
      fixed.add(f.ruleId);
    }
  }

  const body: string[] = [head, ''];
  if (report.findings.length > 0) {
    const shown =
      rows.length === report.findings.length ? '' : ` (${rows.length} of ${report.findings.length} shown)`;
    body.push(`### Findings${shown}`, '');
    if (rows.length > 0) {
      body.push(
        '| Severity | Location | Rule | Message | Controls |',
        '| --- | --- | --- | --- | --- |',
        ...rows,
        '',
      );
    }
    const hidden = candidates.slice(rows.length);
    if (hidden.length > 0) {
      const blocking = hidden.filter((f) => f.blocking).length;
      const why = sizeLimited
        ? 'this summary reached its size limit'
        : `this summary lists at most ${maxFindings}`;
      const ofThem = blocking > 0 ? `; ${blocking} of them blocking` : '';
      body.push(
        `**${plural(hidden.length, 'more finding')} not shown** (${why}${ofThem}). Every finding is in ${hint}.`,
        '',
      );
    }
    if (fixes.length > 0) body.push('### How to fix', '', ...fixes, '');
  }
  if (errors) body.push(errors, '');
  return fitBytes(`${body.join('\n').trimEnd()}\n`, maxBytes);
}

function resultSection(report: Report): string[] {
  const s = report.summary;
  const pass = s.gate.result === 'pass';
  const out = [`## ${pass ? '✅' : '❌'} controlgate: gate ${pass ? 'passed' : 'failed'}`, ''];
  out.push(`${pass ? 'Passed' : '**Failed**'} (${escapeMarkdown(gateSettings(report))}).`);
  for (const reason of s.gate.reasons) out.push(`- ${escapeMarkdown(reason)}`);
  out.push('');
  out.push(`| ${SEVERITY_ORDER.join(' | ')} | total | open | excepted | ignored | blocking |`);
  out.push(`|${' ---: |'.repeat(SEVERITY_ORDER.length + 5)}`);
  const counts = [...SEVERITY_ORDER.map((sev) => s.bySeverity[sev]), s.findings, s.byStatus.open];
  counts.push(s.byStatus.excepted, s.byStatus.ignored, s.blocking);
  out.push(`| ${counts.join(' | ')} |`);
  out.push('');
  const head = report.repository.head ? ` at ${codeSpan(report.repository.head.slice(0, 12))}` : '';
  out.push(`Checked ${filesScanned(report)} with ${plural(s.rules, 'rule')}${head}.`);
  const hidden = hiddenNote(report);
  if (hidden) out.push(`${escapeMarkdown(hidden)}.`);
  if (s.errors > 0) out.push(`**${plural(s.errors, 'rule')} failed to run**; see the rule errors below.`);
  out.push('');
  out.push(...leftOutSection(report));
  return out;
}

/** Files rules left out on purpose (Helm chart templates), which no verdict rests on. */
function leftOutSection(report: Report): string[] {
  const groups = leftOutGroups(report);
  if (groups.length === 0) return [];
  const out = ['Left out, not examined:', ''];
  for (const g of groups.slice(0, MAX_LEFT_OUT)) {
    const files =
      g.examples.map((p) => markdownCode(truncate(p, MAX_PATH))).join(', ') +
      (g.more > 0 ? `, and ${g.more} more` : '');
    out.push(`- ${escapeMarkdown(truncate(g.what, MAX_REASON))}, ${escapeMarkdown(leftOutBy(g))}: ${files}`);
  }
  if (groups.length > MAX_LEFT_OUT)
    out.push(`- ${plural(groups.length - MAX_LEFT_OUT, 'more')} in the JSON report.`);
  out.push('');
  return out;
}

/** The control table leads: gaps first, with the reason; quiet undeclared controls are collapsed. */
function controlsSection(report: Report): string[] {
  const ordered = controlsByVerdict(report);
  const rows = ordered.filter(isNotable);
  const quiet = ordered.filter((c) => !isNotable(c));
  const out = ['### ISO/IEC 27002:2022 controls', ''];
  const counts = Object.entries(report.summary.byVerdict)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${n} ${v}`)
    .join(' · ');
  out.push(`${counts}.`, '');
  if (!report.policy.controls) {
    out.push(
      `No declarations file (${markdownCode(report.settings.controls)}): every control is undeclared. \`controlgate init\` drafts one.`,
      '',
    );
  }
  if (rows.length > 0) {
    out.push(
      '| Control | Title | Declared | Verdict | Findings | Why |',
      '| --- | --- | --- | --- | ---: | --- |',
    );
    for (const c of rows) out.push(controlRow(c));
    out.push('');
  }
  const basis = basisLine(report);
  if (basis) out.push(escapeMarkdown(basis), '');
  if (quiet.length > 0) {
    const list = quiet.map((c) => `${escapeMarkdown(c.id)} ${escapeMarkdown(c.title)}`).join(' · ');
    out.push(
      `<details><summary>${plural(quiet.length, 'undeclared control')} with no findings</summary>`,
      '',
      list,
      '',
      '</details>',
      '',
    );
  }
  for (const w of report.policy.warnings) out.push(`> [!WARNING]`, `> ${escapeMarkdown(w)}`, '');
  return out;
}

function controlRow(c: ControlResult): string {
  const findings = c.open === c.findings ? `${c.findings}` : `${c.findings} (${c.open} open)`;
  const why =
    [...c.reasons, ...(c.hint ? [c.hint] : [])]
      .map((r) => escapeMarkdown(truncate(r, MAX_REASON)))
      .join('; ') || '—';
  return `| ${escapeMarkdown(c.id)} | ${escapeMarkdown(c.title)} | ${escapeMarkdown(declaredLabel(c))} | ${VERDICT_LABEL[c.verdict]} | ${findings} | ${why} |`;
}

/** Changes to the policy made by the change under review, each needing a reviewer's eye. */
function policySection(report: Report): string[] {
  const changes = report.findings.filter((f) => f.ruleId === POLICY_CHANGE_RULE);
  const out: string[] = [];
  if (changes.length > 0) {
    out.push('### Policy changes (need review)', '');
    for (const f of changes.slice(0, MAX_POLICY_CHANGES)) {
      const where = f.location ? `${locationCell(f)}: ` : '';
      out.push(`- ${where}${escapeMarkdown(truncate(f.message, MAX_MESSAGE))}`);
    }
    const more = changes.length - MAX_POLICY_CHANGES;
    if (more > 0) out.push(`- ${plural(more, 'more policy change')} in the findings below.`);
    out.push('');
  }
  if (report.policy.notices.length > 0) {
    out.push(
      `<details><summary>${plural(report.policy.notices.length, 'notice')}</summary>`,
      '',
      ...report.policy.notices
        .slice(0, MAX_ERRORS)
        .map((n) => `- ${escapeMarkdown(truncate(n, MAX_MESSAGE))}`),
      '',
      '</details>',
      '',
    );
  }
  return out;
}

function findingRow(f: Finding): string {
  const status =
    f.status === 'open'
      ? f.exception?.expired
        ? `exception ${truncate(f.exception.id ?? '', 100)} expired`
        : ''
      : f.exception?.kind === 'exception'
        ? `excepted (${truncate(f.exception.id ?? '', 100)})`
        : f.status;
  const tags = [f.blocking ? 'blocking' : '', status, confidenceLabel(f)].filter(Boolean).map(escapeMarkdown);
  const severity =
    (f.blocking ? `**${f.severity}**` : f.severity) + (tags.length ? ` · ${tags.join(' · ')}` : '');
  const where = f.location ? locationCell(f) : REPOSITORY_LABEL;
  const message = escapeMarkdown(truncate(f.message, MAX_MESSAGE));
  const controls = f.controls.map(escapeMarkdown).join(', ');
  return `| ${severity} | ${where} | ${markdownLink(f.ruleId, f.helpUri)} | ${message} | ${controls} |`;
}

function locationCell(f: Finding): string {
  const loc = f.location!;
  const lines =
    loc.endLine !== undefined && loc.endLine !== loc.startLine
      ? `${loc.startLine}-${loc.endLine}`
      : `${loc.startLine}`;
  return markdownCode(`${truncate(loc.path, MAX_PATH, 'middle')}:${lines}`);
}

function fixLine(f: Finding): string {
  const remediation = f.remediation ? `: ${escapeMarkdown(truncate(f.remediation, MAX_REMEDIATION))}` : '';
  return `- ${markdownLink(truncate(f.title, MAX_MESSAGE), f.helpUri)} (${codeSpan(f.ruleId)})${remediation}`;
}

function errorsSection(report: Report): string[] {
  if (report.errors.length === 0) return [];
  const out = ['### Rule errors', ''];
  for (const e of report.errors.slice(0, MAX_ERRORS)) {
    out.push(
      `- ${markdownCode(truncate(e.ruleId, 100))}: ${escapeMarkdown(truncate(e.message, MAX_MESSAGE))}`,
    );
  }
  const more = report.errors.length - MAX_ERRORS;
  if (more > 0) out.push(`- ${plural(more, 'more rule error')} not shown.`);
  return out;
}

/**
 * Last line of defence for budgets too small for the sections themselves: cut at a line boundary
 * and say so. Never splits a UTF-8 sequence.
 */
function fitBytes(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  const note = '\n\n_Summary truncated to fit its size limit._\n';
  const room = maxBytes - utf8Bytes(note);
  if (room <= 0) return '';
  // Cutting the bytes may split a character (decoded as U+FFFD); the partial last line goes anyway.
  const cut = Buffer.from(text, 'utf8').subarray(0, room).toString('utf8');
  const lastNewline = cut.lastIndexOf('\n');
  return `${lastNewline > 0 ? cut.slice(0, lastNewline) : ''}${note}`;
}
