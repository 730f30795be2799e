/**
 * The CLI's terminal report. Plain text, optionally coloured; every repository or rule string is
 * passed through {@link escapeControls} / {@link singleLine}, so a crafted file name cannot emit its
 * own escape sequences, clear the screen or fake a "pass" line.
 */
import { compareControlIds } from '../core/catalog.js';
import type { Finding, Report, Severity } from '../core/types.js';
import { escapeControls, plural, singleLine, truncate } from './escape.js';
import {
  controlTitles,
  gateThreshold,
  position,
  REPOSITORY_LABEL,
  SEVERITY_ORDER,
  shownControlResult,
} from './shared.js';
import type { TextOptions } from './types.js';

type Style = 'bold' | 'dim' | 'red' | 'yellow' | 'cyan' | 'green' | 'magenta' | 'gray';

const SGR: Record<Style, string> = {
  bold: '1',
  dim: '2',
  red: '31',
  green: '32',
  yellow: '33',
  magenta: '35',
  cyan: '36',
  gray: '90',
};

const SEVERITY_STYLE: Record<Severity, Style> = {
  critical: 'magenta',
  high: 'red',
  medium: 'yellow',
  low: 'cyan',
  info: 'gray',
};

/** Longest title printed in the coverage table before it is shortened. */
const TITLE_WIDTH = 48;

/**
 * Renders the terminal report: header, findings grouped by control, control coverage, summary with
 * the gate decision, and rule errors. Colour (ANSI SGR) only when `options.color` is true.
 */
export function renderText(report: Report, options: TextOptions = {}): string {
  const paint = (style: Style, s: string): string =>
    options.color ? `\u001b[${SGR[style]}m${s}\u001b[0m` : s;
  const titles = controlTitles(report);
  const out: string[] = [];

  out.push(paint('bold', `${report.tool.name} ${escapeControls(report.tool.version)}`));
  const head = report.repository.head
    ? `  (head ${escapeControls(report.repository.head.slice(0, 12))})`
    : '';
  out.push(`root   ${escapeControls(report.repository.root)}${head}`);
  const failOn = `fail-on ${report.settings.failOn}`;
  out.push(
    `scope  ${plural(report.summary.files, 'file')}, ${plural(report.summary.rules, 'rule')}, ${failOn}`,
  );
  if (report.settings.config) out.push(`config ${escapeControls(report.settings.config)}`);
  out.push('');

  out.push(...findingsSection(report, titles, paint));
  out.push(...coverageSection(report, paint));
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

function findingsSection(report: Report, titles: Map<string, string>, paint: Paint): string[] {
  if (report.findings.length === 0) return [paint('green', 'No findings.'), ''];
  // A finding belongs to its rule's first (primary) control; the others are named under it.
  const groups = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const key = f.controls[0] ?? '';
    const list = groups.get(key) ?? [];
    list.push(f);
    groups.set(key, list);
  }
  const out: string[] = [paint('dim', '! marks a finding that fails the gate'), ''];
  const sevWidth = Math.max(...SEVERITY_ORDER.map((s) => s.length));
  for (const id of [...groups.keys()].sort(compareControlIds)) {
    const list = groups.get(id)!;
    const heading = id ? `${escapeControls(id)}  ${singleLine(titles.get(id) ?? '')}` : '(no control)';
    out.push(`${paint('bold', heading)}  ${paint('dim', `(${plural(list.length, 'finding')})`)}`);
    for (const f of list) {
      const mark = f.blocking ? paint('red', '!') : ' ';
      const sev = paint(SEVERITY_STYLE[f.severity], f.severity.padEnd(sevWidth));
      const where = escapeControls(position(f.location, true) ?? REPOSITORY_LABEL);
      const status = f.status === 'open' ? '' : paint('dim', ` (${f.status})`);
      const rule = paint('dim', `[${escapeControls(f.ruleId)}]`);
      out.push(`${mark} ${sev}  ${where}  ${singleLine(f.message)}  ${rule}${status}`);
      const indent = ' '.repeat(sevWidth + 4);
      if (f.location?.endLine !== undefined && f.location.endLine !== f.location.startLine) {
        out.push(`${indent}${paint('dim', `lines ${f.location.startLine}-${f.location.endLine}`)}`);
      }
      const others = f.controls.slice(1);
      if (others.length > 0) {
        const named = others.map((c) => `${escapeControls(c)} ${singleLine(titles.get(c) ?? '')}`.trim());
        out.push(`${indent}also: ${named.join('; ')}`);
      }
      if (f.remediation) out.push(`${indent}fix:  ${singleLine(f.remediation)}`);
      out.push(`${indent}${paint('dim', `help: ${escapeControls(f.helpUri)}`)}`);
    }
    out.push('');
  }
  return out;
}

function coverageSection(report: Report, paint: Paint): string[] {
  const covered = report.controls.filter((c) => c.result !== 'not-covered');
  const out = [
    paint('bold', `Controls (${covered.length} of ${report.controls.length} covered by enabled rules)`),
  ];
  const idWidth = Math.max(4, ...covered.map((c) => escapeControls(c.id).length));
  const titleWidth = Math.min(TITLE_WIDTH, Math.max(0, ...covered.map((c) => singleLine(c.title).length)));
  const resultWidth = Math.max(0, ...covered.map((c) => shownControlResult(c).length));
  for (const c of covered) {
    const title = truncate(singleLine(c.title), TITLE_WIDTH).padEnd(titleWidth);
    const shown = shownControlResult(c);
    const result = paint(
      shown === 'fail' ? 'red' : shown === 'pass' ? 'green' : 'yellow',
      shown.padEnd(resultWidth),
    );
    const findings = plural(c.findings, 'finding').padStart(11);
    out.push(
      `  ${escapeControls(c.id).padEnd(idWidth)}  ${title}  ${result}  ${findings}  ${plural(c.rules.length, 'rule')}`,
    );
  }
  const uncovered = report.controls.filter((c) => c.result === 'not-covered');
  if (uncovered.length > 0) {
    const ids = uncovered.map((c) => escapeControls(c.id)).join(', ');
    out.push(paint('dim', `  not covered (${uncovered.length}): ${ids}`));
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
  if (s.errors > 0) out.push(`  ${paint('red', plural(s.errors, 'rule error'))}`);
  const gate = s.gate.result === 'pass' ? paint('green', 'PASS') : paint('red', 'FAIL');
  out.push(`Gate: ${gate} ${paint('dim', `(${gateThreshold(report)})`)}`);
  for (const reason of s.gate.reasons) out.push(`  - ${singleLine(reason)}`);
  return out;
}
