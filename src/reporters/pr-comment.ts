/**
 * The sticky pull-request comment: one comment per pull request, found again by its hidden marker and
 * updated in place. It answers, in order: did the gate pass and why; which controls are affected;
 * what this pull request introduces (with the fix, and whether it was commented inline); what it
 * changes in the policy; and, collapsed, the debt it inherits. It fits GitHub's 65,536-character
 * limit and says so when it had to leave findings out.
 */
import type { ControlResult, Finding, Report } from '../core/types.js';
import {
  codeSpan,
  escapeMarkdown,
  markdownCode,
  markdownLink,
  plural,
  safeHttpUrl,
  truncate,
} from './escape.js';
import { byPriority, gateThreshold, hiddenNote } from './shared.js';

/** GitHub rejects a comment body above 65,536 characters. */
export const MAX_COMMENT_CHARS = 65_536;

/** What the comment knows beyond the report. */
export interface PrCommentContext {
  /** The hidden marker the comment is found by (an HTML comment, first line of the body). */
  marker: string;
  /** Which findings the gate counted: `new` (introduced here) or `all`. */
  scope: 'new' | 'all';
  /** The pull request's head commit. */
  headSha?: string;
  /** Fingerprints of findings that have an inline review comment (this run or an earlier one). */
  inline?: ReadonlySet<string>;
  /** Link to the workflow run, for everything the comment leaves out. */
  runUrl?: string;
  /** Why the run was less exact than it could be (shallow checkout, missing permission). */
  notes?: readonly string[];
  /** Whether a finding is a policy change (listed in its own section). */
  isPolicyChange?: (f: Finding) => boolean;
  /** Upper bound in UTF-16 code units (default {@link MAX_COMMENT_CHARS}). */
  maxChars?: number;
}

const MAX_MESSAGE = 300;
const MAX_PATH = 160;
const MAX_REMEDIATION = 500;
const MAX_CONTROL_ROWS = 34;
/** Kept for the footer, the truncation notice and closing a `<details>`. */
const RESERVE = 1500;

const VERDICT_LABEL: Record<string, string> = {
  gap: '❌ gap',
  unverifiable: '❔ unverifiable',
  'not-assessed': '🔍 not assessed',
  undeclared: '◻️ undeclared',
  planned: '🗓️ planned',
  satisfied: '✅ satisfied',
  'not-applicable': '➖ not applicable',
};

/** Renders the comment body (Markdown), at most `maxChars` long, starting with the marker. */
export function renderPrComment(report: Report, context: PrCommentContext): string {
  const max = context.maxChars ?? MAX_COMMENT_CHARS;
  const runUrl = context.runUrl ? safeHttpUrl(context.runUrl) : undefined;
  const isPolicy = context.isPolicyChange ?? defaultIsPolicyChange;
  const open = byPriority(report.findings.filter((f) => f.status === 'open'));
  const policy = open.filter(isPolicy);
  const rest = open.filter((f) => !isPolicy(f));
  const fresh = rest.filter((f) => f.isNew !== false);
  const debt = rest.filter((f) => f.isNew === false);

  const head = [context.marker, ...gateSection(report, context, open), ...controlSection(report)];
  let budget = max - RESERVE - length(head);
  let cut = 0;
  const add = (out: string[], lines: string[]): boolean => {
    const cost = length(lines);
    if (cost > budget) return false;
    budget -= cost;
    out.push(...lines);
    return true;
  };

  const body: string[] = [];
  if (policy.length > 0) {
    const section: string[] = [];
    add(section, [
      '### Policy changes',
      '',
      'These change the policy this pull request is judged by; they need a reviewer who owns it.',
      '',
    ]);
    for (const f of policy) if (!add(section, [`- ${findingLine(f)}`])) cut += 1;
    body.push(...section, '');
  }

  if (fresh.length > 0) {
    const title = context.scope === 'new' ? 'Introduced by this pull request' : 'New in this pull request';
    add(body, [
      `### ${title} (${fresh.length})`,
      '',
      '| | Severity | Location | Rule | Message |',
      '| --- | --- | --- | --- | --- |',
    ]);
    let shown = 0;
    for (const f of fresh) {
      if (!add(body, [row(f, context.inline)])) break;
      shown += 1;
    }
    cut += fresh.length - shown;
    body.push('');
    const inline = fresh.filter((f) => context.inline?.has(f.fingerprint)).length;
    if (inline > 0) add(body, [`💬 ${plural(inline, 'finding')} also commented on the changed line.`, '']);
    const fixes = fixLines(fresh.slice(0, shown));
    if (fixes.length > 0) {
      const section = ['#### How to fix', ''];
      for (const fix of fixes) if (!add(section, [fix])) break;
      if (section.length > 2) body.push(...section, '');
    }
  } else {
    add(body, ['This pull request introduces no finding. 🎉', '']);
  }

  if (debt.length > 0) {
    const blocking = debt.filter((f) => f.blocking).length;
    const why =
      context.scope === 'new'
        ? 'already on the base branch; reported, not blocking'
        : `already on the base branch; ${blocking} blocking under gate: all`;
    const open = [`<details><summary>${plural(debt.length, 'existing finding')} (${why})</summary>`, ''];
    if (
      add(body, [...open, '| | Severity | Location | Rule | Message |', '| --- | --- | --- | --- | --- |'])
    ) {
      let shown = 0;
      for (const f of debt) {
        if (!add(body, [row(f)])) break;
        shown += 1;
      }
      cut += debt.length - shown;
      body.push('', '</details>', '');
    } else {
      cut += debt.length;
    }
  }

  const tail: string[] = [];
  if (cut > 0) {
    tail.push(
      `_This comment was cut to fit GitHub's ${MAX_COMMENT_CHARS.toLocaleString('en-US')}-character limit: ${plural(cut, 'finding')} not listed. Every finding is in the job summary${runUrl ? ` of the [workflow run](${runUrl})` : ''} and the JSON report._`,
      '',
    );
  }
  for (const note of context.notes ?? []) tail.push(`> ${escapeMarkdown(note)}`, '>');
  if (tail.at(-1) === '>') tail.pop();
  tail.push('', footer(report, context.headSha, runUrl));
  return fitChars([...head, ...body, ...tail].join('\n').replace(/\n{3,}/g, '\n\n'), max);
}

/** The default: findings of the policy-change rule (issue 3's `declarations.changes` kind). */
function defaultIsPolicyChange(f: Finding): boolean {
  return f.ruleId === 'policy-change' || f.ruleId.endsWith('-policy-change');
}

function gateSection(report: Report, context: PrCommentContext, open: Finding[]): string[] {
  const gate = report.summary.gate;
  const pass = gate.result === 'pass';
  const out = [`## ${pass ? '✅' : '❌'} controlgate: gate ${pass ? 'passed' : 'failed'}`, ''];
  const changed = report.summary.changedFiles;
  const reused = report.summary.reused;
  const scope =
    context.scope === 'new'
      ? `only what this pull request introduces can block${changed === undefined ? '' : `; per-file rules checked its ${changed} changed file${changed === 1 ? '' : 's'}`}${reused ? `; ${reused.rules} rule${reused.rules === 1 ? '' : 's'} reading across files, untouched by it, took the base commit's results` : ''}`
      : 'every open finding counts';
  out.push(
    `${pass ? 'Passed' : '**Failed**'} (${escapeMarkdown(gateThreshold(report))}; gate: ${context.scope}, ${scope}).`,
  );
  for (const reason of gate.reasons) out.push(`- ${escapeMarkdown(reason)}`);
  // Counted like the control table below: every open finding, policy changes included.
  const fresh = open.filter((f) => f.isNew !== false).length;
  const blocking = open.filter((f) => f.blocking).length;
  out.push(
    '',
    `**${fresh}** new · **${open.length - fresh}** existing · **${blocking}** blocking · ${report.summary.byStatus.excepted} excepted · ${report.summary.byStatus.ignored} ignored`,
    '',
  );
  const hidden = hiddenNote(report);
  if (hidden) out.push(`${escapeMarkdown(hidden)}.`, '');
  return out;
}

/** Controls that need attention or have open findings; the rest are counted in one line. */
function controlSection(report: Report): string[] {
  const counts = new Map<string, { fresh: number; debt: number }>();
  for (const f of report.findings) {
    if (f.status !== 'open') continue;
    for (const id of f.controls) {
      const c = counts.get(id) ?? { fresh: 0, debt: 0 };
      if (f.isNew === false) c.debt += 1;
      else c.fresh += 1;
      counts.set(id, c);
    }
  }
  const notable = (c: ControlResult) =>
    counts.has(c.id) || c.verdict === 'gap' || c.verdict === 'unverifiable' || c.verdict === 'planned';
  const rows = report.controls.filter(notable);
  if (rows.length === 0) return ['No ISO/IEC 27002:2022 control has an open finding.', ''];
  const out = [
    '### ISO/IEC 27002:2022 controls',
    '',
    '| Control | Verdict | New | Existing | Why |',
    '| --- | --- | ---: | ---: | --- |',
  ];
  for (const c of rows.slice(0, MAX_CONTROL_ROWS)) {
    const n = counts.get(c.id) ?? { fresh: 0, debt: 0 };
    const why = c.reasons.length > 0 ? escapeMarkdown(truncate(c.reasons[0]!, 200)) : '';
    out.push(
      `| ${escapeMarkdown(c.id)} ${escapeMarkdown(c.title)} | ${VERDICT_LABEL[c.verdict] ?? escapeMarkdown(c.verdict)} | ${n.fresh} | ${n.debt} | ${why} |`,
    );
  }
  const quiet = report.controls.length - rows.length;
  if (quiet > 0) out.push('', `${plural(quiet, 'other control')}: no open finding and nothing to declare.`);
  // Not a problem of the change (its rules examined nothing here), so listed, not tabled.
  const unassessed = report.controls.filter((c) => c.verdict === 'not-assessed' && !counts.has(c.id));
  if (unassessed.length > 0) {
    out.push(
      '',
      `Not assessed (their rules examined nothing${report.summary.changedFiles !== undefined ? ' in the changed files' : ''}): ${unassessed.map((c) => escapeMarkdown(c.id)).join(', ')}.`,
    );
  }
  out.push('');
  return out;
}

function row(f: Finding, inline?: ReadonlySet<string>): string {
  const mark = inline?.has(f.fingerprint) ? '💬' : '';
  const severity = f.blocking ? `**${f.severity}** · blocking` : f.severity;
  return `| ${mark} | ${severity} | ${where(f)} | ${markdownLink(f.ruleId, f.helpUri)} | ${raised(f)}${escapeMarkdown(truncate(f.message, MAX_MESSAGE))} |`;
}

/** For a finding the change raised, the grade the base had. */
function raised(f: Finding): string {
  return f.raisedFrom ? `(raised from ${f.raisedFrom.severity}/${f.raisedFrom.confidence} on the base) ` : '';
}

function findingLine(f: Finding): string {
  return `${where(f)}: ${escapeMarkdown(truncate(f.message, MAX_MESSAGE))}`;
}

function where(f: Finding): string {
  const loc = f.location;
  if (!loc) return '(repository)';
  const lines =
    loc.endLine && loc.endLine !== loc.startLine ? `${loc.startLine}-${loc.endLine}` : `${loc.startLine}`;
  return markdownCode(`${truncate(loc.path, MAX_PATH, 'middle')}:${lines}`);
}

/** One line per rule: its title, id, controls and remediation. */
function fixLines(findings: Finding[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of findings) {
    if (seen.has(f.ruleId)) continue;
    seen.add(f.ruleId);
    const fix = f.remediation ? `: ${escapeMarkdown(truncate(f.remediation, MAX_REMEDIATION))}` : '';
    out.push(
      `- ${markdownLink(truncate(f.title, MAX_MESSAGE), f.helpUri)} (${codeSpan(f.ruleId)}; ${escapeMarkdown(f.controls.join(', '))})${fix}`,
    );
  }
  return out;
}

function footer(report: Report, headSha?: string, runUrl?: string): string {
  const parts = [`controlgate ${escapeMarkdown(report.tool.version)}`];
  if (headSha) parts.push(`commit ${codeSpan(headSha.slice(0, 12))}`);
  if (runUrl) parts.push(`[workflow run](${runUrl})`);
  return `<sub>${parts.join(' · ')}</sub>`;
}

function length(lines: string[]): number {
  return lines.reduce((n, l) => n + l.length + 1, 0);
}

/** Last resort when even the fixed sections overflow: cut at a line and say so. */
function fitChars(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = '\n\n_Comment truncated to fit its size limit._';
  const cut = text.slice(0, Math.max(0, max - note.length));
  const nl = cut.lastIndexOf('\n');
  return `${nl > 0 ? cut.slice(0, nl) : cut}${note}`;
}
