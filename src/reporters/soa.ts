/**
 * The Statement of Applicability an auditor reads, as Markdown and as CSV: every control of ISO/IEC
 * 27002:2022 with its theme, whether it applies and why, its declared status and owner, its evidence
 * (each file with the SHA-256 of its bytes), controlgate's verdict with the reasons, what assessed
 * it (the rules that examined something, and how much), and when. Both come from one Report, so they
 * say exactly what the JSON report and the OSCAL document of the same run say.
 */
import path from 'node:path';
import type { EvidenceResult, Report } from '../core/types.js';
import { escapeMarkdown, markdownLink, plural } from './escape.js';

const THEMES = ['Organizational', 'People', 'Physical', 'Technological'] as const;

/** One control as the SoA states it, before any format's escaping. */
export interface SoaRow {
  control: string;
  title: string;
  theme: string;
  /** `yes`, `no` (declared not applicable), or `not declared`. */
  applicable: string;
  justification: string;
  status: string;
  owner: string;
  reviewed: string;
  /** Each item: a path with its files and hashes, a workflow, or a URL; why it is missing. */
  evidence: string[];
  verdict: string;
  reasons: string[];
  /** Rules that examined something: `id (result; N files, M settings)`. */
  assessedBy: string[];
  lastAssessed: string;
  /** The commit assessed. */
  commit: string;
}

/** The rows of the SoA, in catalog order. */
export function soaRows(report: Report): SoaRow[] {
  const header = report.declarations;
  const examined = new Map(report.rules.map((r) => [r.id, r.scope]));
  return report.controls.map((c) => {
    const d = c.declared;
    return {
      control: c.id,
      title: c.title,
      theme: c.theme ?? '',
      applicable: !d ? 'not declared' : d.status === 'not-applicable' ? 'no' : 'yes',
      justification: d?.justification ?? '',
      status: d?.status ?? 'not declared',
      owner: d?.owner ?? (d ? (header?.owner ?? '') : ''),
      reviewed: d?.reviewed ?? (d ? (header?.reviewed ?? '') : ''),
      evidence: c.evidence.map(evidenceText),
      verdict: c.verdict,
      reasons: [...c.reasons, ...(c.hint ? [c.hint] : [])],
      assessedBy: c.rules.flatMap((r) => {
        const scope = examined.get(r.id);
        if (!scope || (scope.files === 0 && scope.settings.length === 0)) return [];
        const parts = [
          ...(scope.files > 0 ? [plural(scope.files, 'file')] : []),
          ...(scope.settings.length > 0 ? [plural(scope.settings.length, 'setting')] : []),
          // Not examined, so never counted above; the reasons say why and what to check instead.
          ...(scope.leftOut ?? []).map((l) => `left out ${plural(l.files, `${l.kind} file`)}`),
        ];
        const basis = scope.basis === 'change' ? ', changed files only' : '';
        // A rule that only detects problems of the control is listed as such: its pass shows nothing.
        const role = r.role === 'detects' ? ', detects problems only' : '';
        return [`${r.id} (${r.result}; ${parts.join(', ')}${basis}${role})`];
      }),
      lastAssessed: report.run?.time ?? '',
      commit: report.repository.head ?? '',
    };
  });
}

/** `docs/ir.md [docs/ir.md sha256:…]`, `https://… (URL, recorded, not fetched)`, `x.md (missing: …)`. */
function evidenceText(e: EvidenceResult): string {
  const state =
    e.status === 'present'
      ? e.detail
        ? ` (${e.detail})`
        : ''
      : e.status === 'not-verified'
        ? ' (URL, recorded, not fetched)'
        : ` (missing: ${e.detail})`;
  const files = (e.files ?? []).map((f) => `${f.path} sha256:${f.sha256 ?? 'unreadable'}`);
  const more = e.matched !== undefined ? `, and ${e.matched - files.length} more files` : '';
  return files.length > 0 ? `${e.ref}${state} [${files.join(', ')}${more}]` : `${e.ref}${state}`;
}

const CSV_COLUMNS: [keyof SoaRow, string][] = [
  ['control', 'control'],
  ['title', 'title'],
  ['theme', 'theme'],
  ['applicable', 'applicable'],
  ['justification', 'justification'],
  ['status', 'status'],
  ['owner', 'owner'],
  ['reviewed', 'reviewed'],
  ['evidence', 'evidence'],
  ['verdict', 'verdict'],
  ['reasons', 'reasons'],
  ['assessedBy', 'assessed_by'],
  ['lastAssessed', 'last_assessed'],
  ['commit', 'commit'],
];

/**
 * The SoA as CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted when needed), a header
 * row and one row per control; the run's identity is in the columns `last_assessed` and `commit`. A
 * cell that a spreadsheet would read as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
 * carriage return) is prefixed with an apostrophe: the text comes from the repository, and an
 * auditor opens this file.
 */
export function renderSoaCsv(report: Report): string {
  const lines = [CSV_COLUMNS.map(([, name]) => name).join(',')];
  for (const row of soaRows(report)) {
    lines.push(
      CSV_COLUMNS.map(([key]) => {
        const value = row[key];
        return csvCell(Array.isArray(value) ? value.join('; ') : value);
      }).join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

function csvCell(value: string): string {
  const flat = value.replace(/\r\n?|\n/g, ' ');
  const safe = /^[=+\-@\t\r]/.test(flat) ? `'${flat}` : flat;
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The SoA as GitHub Flavored Markdown: the run's identity, then one table per theme, then the evidence files. */
export function renderSoaMarkdown(report: Report): string {
  const rows = soaRows(report);
  const d = report.declarations;
  const r = report.repository;
  const out: string[] = [`# Statement of Applicability${d?.scope ? `: ${escapeMarkdown(d.scope)}` : ''}`, ''];
  const facts: [string, string][] = [
    [
      'Repository',
      r.name
        ? r.url
          ? markdownLink(r.name, r.url)
          : escapeMarkdown(r.name)
        : // An auditor cannot tell which repository "." was: say why no name is known.
          `${escapeMarkdown(r.root)} (a local path: no GITHUB_REPOSITORY and no origin remote named the repository)`,
    ],
    ['Commit', r.head ? `\`${r.head}\`` : 'not a git checkout'],
    ['Ref', r.ref ? escapeMarkdown(r.ref) : 'unknown'],
    ['Assessed', report.run ? escapeMarkdown(report.run.time) : 'unknown'],
    ['CI run', report.run?.url ? markdownLink(report.run.url, report.run.url) : 'none (a local run)'],
    [
      'Declarations',
      d ? escapeMarkdown(d.file) : `none (${escapeMarkdown(report.settings.controls)} not found)`,
    ],
    ['Owner', escapeMarkdown(d?.owner ?? '—')],
    ['Approved by', escapeMarkdown(d?.approvedBy ?? '—')],
    ['Reviewed', escapeMarkdown(d?.reviewed ?? '—')],
    ['Tool', `controlgate ${escapeMarkdown(report.tool.version)}`],
  ];
  out.push('| | |', '| --- | --- |', ...facts.map(([k, v]) => `| ${k} | ${v} |`), '');
  const applicable = rows.filter((x) => x.applicable === 'yes').length;
  const excluded = rows.filter((x) => x.applicable === 'no').length;
  const verdicts = Object.entries(report.summary.byVerdict)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${n} ${v}`)
    .join(', ');
  out.push(
    `${rows.length} controls: ${applicable} applicable, ${excluded} not applicable, ${rows.length - applicable - excluded} not declared. Verdicts: ${verdicts}.`,
    '',
    'A verdict is `satisfied` only when a rule examined something in the repository and passed, a cited file or workflow was verified, or a URL is attested by an owner with a review date that is not stale; a rule that only detects problems of a control (it would pass on a repository without the practice) can make a gap, never `satisfied`. `not-assessed` says nothing was examined. "Assessed by" lists the rules that examined something, with how much.',
    '',
  );
  for (const theme of THEMES) {
    const of = rows.filter((x) => x.theme === theme);
    if (of.length === 0) continue;
    out.push(
      `## ${theme} controls`,
      '',
      '| Control | Title | Applicable | Status | Justification | Owner | Evidence | Verdict | Why | Assessed by |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const x of of) {
      const cells = [
        x.control,
        x.title,
        x.applicable,
        x.status,
        x.justification,
        x.owner,
        x.evidence.map(shortHashes).join('; '),
        x.verdict,
        x.reasons.join('; '),
        x.assessedBy.join('; '),
      ].map((v) => (v === '' ? '—' : escapeMarkdown(v)));
      out.push(`| ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  const files = report.controls.flatMap((c) =>
    c.evidence.flatMap((e) => (e.files ?? []).map((f) => ({ control: c.id, ...f }))),
  );
  if (files.length > 0) {
    out.push('## Evidence files', '', '| Control | File | SHA-256 | Bytes |', '| --- | --- | --- | ---: |');
    for (const f of files) {
      out.push(
        `| ${f.control} | ${escapeMarkdown(f.path)} | ${f.sha256 ? `\`${f.sha256}\`` : 'not readable'} | ${f.bytes} |`,
      );
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

/** In the tables, hashes shortened to 12 digits; the evidence files section has them whole. */
function shortHashes(text: string): string {
  return text.replace(/sha256:([0-9a-f]{12})[0-9a-f]{52}/g, 'sha256:$1…');
}

/**
 * The Statement of Applicability's two files for one path: the Markdown there and the CSV beside it
 * (`soa.md` and `soa.csv`); a path ending in `.csv` names the CSV, and the Markdown goes beside it.
 */
export function soaPaths(file: string): { markdown: string; csv: string } {
  const ext = path.extname(file);
  const stem = ext ? file.slice(0, -ext.length) : file;
  return ext.toLowerCase() === '.csv'
    ? { markdown: `${stem}.md`, csv: file }
    : { markdown: ext ? file : `${file}.md`, csv: `${stem}.csv` };
}
