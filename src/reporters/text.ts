/**
 * The CLI's terminal report. Plain text, optionally coloured; every repository or rule string is
 * passed through {@link escapeControls} / {@link singleLine}, so a crafted file name cannot emit its
 * own escape sequences, clear the screen or fake a "pass" line.
 */
import { styleText } from 'node:util';
import {
  type Finding,
  type FindingException,
  type Report,
  type Severity,
  VERDICTS,
  type Verdict,
} from '../core/types.js';
import { escapeControls, plural, singleLine } from './escape.js';
import {
  basisLine,
  confidenceLabel,
  controlsByVerdict,
  controlTitles,
  declaredLabel,
  filesScanned,
  gateSettings,
  hiddenNote,
  homeControl,
  leftOutBy,
  leftOutGroups,
  POLICY_CHANGE_RULE,
  position,
  REPOSITORY_LABEL,
  SEVERITY_ORDER,
} from './shared.js';
import type { TextOptions } from './types.js';

type Style = 'bold' | 'dim' | 'red' | 'yellow' | 'cyan' | 'green' | 'magenta' | 'gray';

const SEVERITY_STYLE: Record<Severity, Style> = {
  critical: 'magenta',
  high: 'red',
  medium: 'yellow',
  low: 'cyan',
  info: 'gray',
};

const VERDICT_STYLE: Record<Verdict, Style> = {
  gap: 'red',
  unverifiable: 'yellow',
  'not-assessed': 'yellow',
  undeclared: 'gray',
  planned: 'cyan',
  satisfied: 'green',
  'not-applicable': 'gray',
};

/**
 * Renders the terminal report: header, then one section per control that has something to say
 * (gaps first: verdict, declared status, why, its findings), the other controls by verdict, policy
 * changes, notices, the summary with the gate decision, and rule errors. Colour (ANSI SGR, from
 * `node:util`'s styleText) only when `options.color` is true: the caller has decided for its stream.
 * `compact` gives one line per finding; `blockingOnly` lists only the findings that fail the gate;
 * either way each rule's fix is said once, in a list after the findings, not under every finding.
 */
export function renderText(report: Report, options: TextOptions = {}): string {
  const paint = (style: Style, s: string): string =>
    options.color ? styleText(style, s, { validateStream: false }) : s;
  const layout: Layout = {
    compact: options.compact === true,
    blockingOnly: options.blockingOnly === true,
    fixesOnce: options.compact === true || options.blockingOnly === true,
  };
  const titles = controlTitles(report);
  const out: string[] = [];

  out.push(paint('bold', `${report.tool.name} ${escapeControls(report.tool.version)}`));
  const head = report.repository.head
    ? `  (head ${escapeControls(report.repository.head.slice(0, 12))})`
    : '';
  out.push(`root   ${escapeControls(report.repository.root)}${head}`);
  out.push(
    `scope  ${filesScanned(report)}, ${plural(report.summary.rules, 'rule')}, ${gateSettings(report)}`,
  );
  if (report.settings.config) out.push(`config ${escapeControls(report.settings.config)}`);
  out.push(`policy ${policyLine(report)}`);
  for (const w of report.policy.warnings) out.push(paint('red', `warning: ${singleLine(w)}`));
  out.push('');

  out.push(...controlSections(report, titles, paint, layout));
  if (layout.fixesOnce) out.push(...fixesSection(report, paint, layout));
  out.push(...otherControls(report, paint));
  out.push(...leftOutSection(report, paint));
  out.push(...policyChangesSection(report, paint, layout));
  if (report.policy.notices.length > 0) {
    out.push(paint('bold', 'Notices'), ...report.policy.notices.map((n) => `  - ${singleLine(n)}`), '');
  }
  out.push(...summarySection(report, paint));
  if (report.errors.length > 0) {
    out.push('', paint('bold', `Rule errors (${report.errors.length})`));
    for (const e of report.errors) {
      out.push(`  ${paint('red', escapeControls(e.ruleId))}: ${singleLine(e.message)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

type Paint = (style: Style, s: string) => string;

interface Layout {
  compact: boolean;
  blockingOnly: boolean;
  /** Each rule's fix once, after the findings, instead of under each finding. */
  fixesOnce: boolean;
}

/** The findings a layout lists in the control sections (policy changes have their own). */
function listed(report: Report, layout: Layout): Finding[] {
  return report.findings.filter(
    (f) => f.ruleId !== POLICY_CHANGE_RULE && (!layout.blockingOnly || f.blocking),
  );
}

function policyLine(report: Report): string {
  const file = report.policy.controls
    ? escapeControls(report.policy.controls)
    : `no declarations (${escapeControls(report.settings.controls)} not found)`;
  const from =
    report.policy.source === 'base' && report.policy.base
      ? `read from base ${escapeControls(report.policy.base.slice(0, 12))}`
      : 'read from the working tree';
  return `${file}, ${from}`;
}

/**
 * One section per control with findings, a gap or an unverifiable verdict. A finding is listed once,
 * under the control where it matters most (see homeControl); its other controls are named under it.
 * Policy changes have their own section.
 */
function controlSections(
  report: Report,
  titles: Map<string, string>,
  paint: Paint,
  layout: Layout,
): string[] {
  const verdicts = new Map(report.controls.map((c) => [c.id, c.verdict]));
  const groups = new Map<string, Finding[]>();
  /** Each listed finding's control, the one it is listed under. */
  const homes = new Map<Finding, string>();
  for (const f of listed(report, layout)) {
    const key = homeControl(f, verdicts);
    homes.set(f, key);
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  const shown = controlsByVerdict(report).filter(
    (c) =>
      groups.has(c.id) ||
      (c.verdict === 'gap' && (!layout.blockingOnly || report.summary.gate.failOnGap)) ||
      ((c.verdict === 'unverifiable' || c.verdict === 'not-assessed') && !layout.blockingOnly),
  );
  if (shown.length === 0 && report.findings.length === 0) return [paint('green', 'No findings.'), ''];
  const out: string[] = [paint('dim', '! marks a finding that fails the gate'), ''];
  if (layout.blockingOnly) {
    const left = report.findings.filter((f) => !f.blocking).length;
    const note = left === 1 ? '1 finding that does not block is' : `${left} findings that do not block are`;
    if (left > 0) out.push(paint('dim', `${note} not listed`), '');
    if (shown.length === 0) out.push(paint('green', 'No finding fails the gate.'), '');
  }
  const sevWidth = Math.max(...SEVERITY_ORDER.map((s) => s.length));
  const indent = ' '.repeat(sevWidth + 4);
  // Each control's findings that are listed under another control (or nowhere), in report order:
  // one pass, not one per control (a report of thousands of findings under dozens of controls).
  const listedElsewhere = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const home = homes.get(f);
    for (let i = 0; i < f.controls.length; i++) {
      const id = f.controls[i]!;
      if (id === home || f.controls.indexOf(id) !== i) continue;
      const list = listedElsewhere.get(id);
      if (list) list.push(f);
      else listedElsewhere.set(id, [f]);
    }
  }
  for (const c of shown) {
    const list = groups.get(c.id) ?? [];
    const verdict = paint(VERDICT_STYLE[c.verdict], c.verdict.toUpperCase());
    const count = c.findings > 0 ? `, ${plural(c.findings, 'finding')}` : '';
    const basis = c.basis === 'change' ? '; on the change only' : '';
    out.push(
      `${paint('bold', `${escapeControls(c.id)}  ${singleLine(c.title)}`)}  ${verdict}  ${paint('dim', `(${singleLine(declaredLabel(c))}${count}${basis})`)}`,
    );
    for (const r of c.reasons) out.push(`    ${paint('dim', '-')} ${singleLine(r)}`);
    if (c.hint && !layout.blockingOnly) out.push(`    ${paint('dim', 'hint:')} ${singleLine(c.hint)}`);
    const elsewhere = listedElsewhere.get(c.id) ?? [];
    // Hidden findings count in c.findings but are listed nowhere: say only where listed ones are.
    if (elsewhere.length > 0 && !layout.blockingOnly) {
      const where = [...new Set(elsewhere.map((f) => homeControl(f, verdicts)))].map(escapeControls);
      out.push(
        `    ${paint('dim', `(${plural(elsewhere.length, 'more finding')} listed under ${where.join(', ')})`)}`,
      );
    }
    for (const f of list) {
      const mark = f.blocking ? paint('red', '!') : ' ';
      const sev = paint(SEVERITY_STYLE[f.severity], f.severity.padEnd(sevWidth));
      const where = escapeControls(position(f.location, true) ?? REPOSITORY_LABEL);
      const unsure = confidenceLabel(f);
      const status =
        (f.status === 'open' ? '' : paint('dim', ` (${f.status})`)) +
        (unsure ? paint('dim', ` (${unsure})`) : '');
      const rule = paint('dim', `[${escapeControls(f.ruleId)}]`);
      out.push(`${mark} ${sev}  ${where}  ${singleLine(f.message)}  ${rule}${status}`);
      if (layout.compact) continue;
      if (f.location?.endLine !== undefined && f.location.endLine !== f.location.startLine) {
        out.push(`${indent}${paint('dim', `lines ${f.location.startLine}-${f.location.endLine}`)}`);
      }
      const others = f.controls.filter((o) => o !== c.id);
      if (others.length > 0) {
        const named = others.map((o) => `${escapeControls(o)} ${singleLine(titles.get(o) ?? '')}`.trim());
        out.push(`${indent}also: ${named.join('; ')}`);
      }
      if (f.exception) out.push(`${indent}${paint('dim', `${exceptionLine(f.exception)}`)}`);
      if (layout.fixesOnce) continue;
      if (f.status === 'open' && f.remediation) out.push(`${indent}fix:  ${singleLine(f.remediation)}`);
      out.push(`${indent}${paint('dim', `help: ${escapeControls(f.helpUri)}`)}`);
    }
    out.push('');
  }
  return out;
}

function exceptionLine(e: FindingException): string {
  const where = `${escapeControls(e.location.path)}:${e.location.startLine}`;
  if (e.kind === 'inline-ignore') return `ignored at ${where}: ${singleLine(e.reason)}`;
  const who = e.approvedBy ? `, approved by ${singleLine(e.approvedBy)}` : '';
  const state = e.expired ? `expired on ${e.expires}` : `expires ${e.expires ?? '?'}`;
  return `exception ${singleLine(e.id ?? '')} (${where}${who}, ${state}): ${singleLine(e.reason)}`;
}

/** Controls without a section of their own, one line per verdict. */
function otherControls(report: Report, paint: Paint): string[] {
  const counts = VERDICTS.filter((v) => report.summary.byVerdict[v] > 0)
    .map((v) => paint(VERDICT_STYLE[v], `${report.summary.byVerdict[v]} ${v}`))
    .join(', ');
  const out = [`${paint('bold', `Controls (${report.controls.length})`)}  ${counts}`];
  const width = Math.max(...VERDICTS.map((v) => v.length));
  for (const v of VERDICTS) {
    const ids = report.controls.filter((c) => c.verdict === v).map((c) => escapeControls(c.id));
    if (ids.length > 0) out.push(`  ${paint(VERDICT_STYLE[v], v.padEnd(width))}  ${ids.join(', ')}`);
  }
  const line = basisLine(report);
  if (line) out.push(`  ${singleLine(line)}`);
  out.push('');
  return out;
}

/**
 * Files rules left out on purpose (Helm chart templates): no verdict above rests on them, and the
 * line says what to check instead.
 */
function leftOutSection(report: Report, paint: Paint): string[] {
  const groups = leftOutGroups(report);
  if (groups.length === 0) return [];
  const out = [paint('bold', 'Left out (not examined)')];
  for (const g of groups) {
    const files = g.examples.map(escapeControls).join(', ') + (g.more > 0 ? `, and ${g.more} more` : '');
    out.push(`  - ${singleLine(g.what)}, ${escapeControls(leftOutBy(g))}: ${files}`);
  }
  out.push('');
  return out;
}

/** Each rule with open findings listed above, once: how many, its fix and its documentation. */
function fixesSection(report: Report, paint: Paint, layout: Layout): string[] {
  const byRule = new Map<string, Finding[]>();
  for (const f of listed(report, layout)) {
    if (f.status !== 'open') continue;
    const list = byRule.get(f.ruleId);
    if (list) list.push(f);
    else byRule.set(f.ruleId, [f]);
  }
  if (byRule.size === 0) return [];
  const out = [paint('bold', `Fixes (${plural(byRule.size, 'rule')})`)];
  for (const [ruleId, list] of byRule) {
    const first = list[0]!;
    out.push(
      `  ${paint('bold', escapeControls(ruleId))}  ${paint('dim', `(${plural(list.length, 'finding')})`)}`,
    );
    if (first.remediation) out.push(`    fix:  ${singleLine(first.remediation)}`);
    out.push(`    ${paint('dim', `help: ${escapeControls(first.helpUri)}`)}`);
  }
  out.push('');
  return out;
}

function policyChangesSection(report: Report, paint: Paint, layout: Layout): string[] {
  const changes = report.findings.filter(
    (f) => f.ruleId === POLICY_CHANGE_RULE && (!layout.blockingOnly || f.blocking),
  );
  if (changes.length === 0) return [];
  const out = [paint('bold', `Policy changes (${changes.length}, need review)`)];
  for (const f of changes) {
    const mark = f.blocking ? paint('red', '!') : ' ';
    const where = escapeControls(position(f.location, false) ?? REPOSITORY_LABEL);
    out.push(`${mark} ${paint(SEVERITY_STYLE[f.severity], f.severity)}  ${where}  ${singleLine(f.message)}`);
  }
  out.push('');
  return out;
}

function summarySection(report: Report, paint: Paint): string[] {
  const s = report.summary;
  const bySeverity = SEVERITY_ORDER.filter((sev) => s.bySeverity[sev] > 0)
    .map((sev) => paint(SEVERITY_STYLE[sev], `${s.bySeverity[sev]} ${sev}`))
    .join(', ');
  const out = [paint('bold', 'Summary')];
  out.push(`  ${plural(s.findings, 'finding')}${bySeverity ? `: ${bySeverity}` : ''}`);
  out.push(
    `  ${s.byStatus.open} open, ${s.byStatus.excepted} excepted, ${s.byStatus.ignored} ignored; ${s.blocking} blocking`,
  );
  const hidden = hiddenNote(report);
  if (hidden) out.push(`  ${paint('dim', singleLine(hidden))}`);
  const fixable = report.findings.filter((f) => f.status === 'open' && f.fix).length;
  if (fixable > 0) {
    out.push(
      `  ${plural(fixable, 'finding')} with a mechanical fix: \`controlgate fix\` applies ${fixable === 1 ? 'it' : 'them'} (--dry-run shows the diff)`,
    );
  }
  if (s.errors > 0) out.push(`  ${paint('red', plural(s.errors, 'rule error'))}`);
  const gate = s.gate.result === 'pass' ? paint('green', 'PASS') : paint('red', 'FAIL');
  out.push(`Gate: ${gate} ${paint('dim', `(${gateSettings(report)})`)}`);
  for (const reason of s.gate.reasons) out.push(`  - ${singleLine(reason)}`);
  return out;
}
