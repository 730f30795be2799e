/**
 * The findings as CSV, for spreadsheets and data tools: one header row, one row per finding shown in
 * the report (hidden findings are counted in the JSON report, not listed), in the report's order.
 *
 * RFC 4180: records end with CRLF; a field holding a comma, a double quote or a line break is
 * enclosed in double quotes, with its quotes doubled. Line breaks inside a message are kept (as LF,
 * inside the quotes); other control characters are shown as visible escapes.
 *
 * Spreadsheet formula injection: a cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage
 * return is read as a formula by Excel, LibreOffice and Google Sheets. Messages and paths come from
 * the repository under check, so every such cell is prefixed with an apostrophe, which spreadsheets
 * show as text and other tools keep as a visible character.
 */
import type { Finding, Report } from '../core/types.js';
import { escapeControls } from './escape.js';

/** The columns, in order: the header row of every file. */
export const CSV_COLUMNS = [
  'rule',
  'title',
  'severity',
  'confidence',
  'status',
  'blocking',
  'new',
  'controls',
  'path',
  'start_line',
  'start_column',
  'end_line',
  'end_column',
  'message',
  'remediation',
  'help',
  'fingerprint',
  'exception',
] as const;

/** The findings of a report as RFC 4180 CSV (CRLF line ends, header first). */
export function renderCsv(report: Report): string {
  const rows = [[...CSV_COLUMNS], ...report.findings.map(row)];
  return rows.map((cells) => `${cells.map(csvField).join(',')}\r\n`).join('');
}

function row(f: Finding): string[] {
  const l = f.location;
  const num = (n: number | undefined) => (n === undefined ? '' : String(n));
  return [
    f.ruleId,
    f.title,
    f.severity,
    f.confidence,
    f.status,
    String(f.blocking),
    f.isNew === undefined ? '' : String(f.isNew),
    f.controls.join(' '),
    l?.path ?? '',
    num(l?.startLine),
    num(l?.startColumn),
    num(l?.endLine),
    num(l?.endColumn),
    f.message,
    f.remediation,
    f.helpUri,
    f.fingerprint,
    f.exception?.id ?? (f.exception ? f.exception.kind : ''),
  ];
}

/** Starts that make a spreadsheet evaluate the cell (OWASP's list for CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field: formula starts neutralised, controls made visible, quoted when RFC 4180 requires it. */
export function csvField(value: string): string {
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  const visible = guarded.replace(/\r\n?/g, '\n').split('\n').map(escapeControls).join('\n');
  return /[",\n]/.test(visible) ? `"${visible.replace(/"/g, '""')}"` : visible;
}
