import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import { escapeMarkdown } from '../../src/reporters/escape.js';
import { renderSoaCsv, renderSoaMarkdown, soaRows } from '../../src/reporters/soa.js';
import { scratchRepo } from '../helpers/git-repo.js';
import { tableCells } from './helpers.js';

/** RFC 4180 records: quoted fields may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

const PROSE =
  'Incidents are declared by the on-call engineer, who pages the security lead, keeps a timeline, ' +
  'and rotates any credential that may have leaked before the service is restored.';

describe('the Statement of Applicability of a run', async () => {
  const repo = scratchRepo();
  const ir = `# Incident response\n\n${PROSE}\n`;
  const head = repo.commit({
    'docs/incident-response.md': ir,
    '.github/CODEOWNERS': '* @acme/payments\n',
    '.github/controls.yml': [
      'version: 1',
      'scope: "Payments API"',
      'owner: "@acme/security"',
      'approved-by: "@acme/ciso"',
      'reviewed: 2026-05-20',
      'controls:',
      '  "5.24": { status: implemented, justification: "=HYPERLINK(\\"http://evil\\"), a formula", evidence: [docs/incident-response.md] }',
      '  "7.1": { status: not-applicable, justification: "No premises: a remote company | *all* of it." }',
      '  "8.4": { status: implemented, owner: "@acme/payments", evidence: [.github/CODEOWNERS] }',
      '  "8.13": { status: implemented, justification: "Backups." }',
      '',
    ].join('\n'),
  });
  const report = await runCheck({
    root: repo.dir,
    now: new Date('2026-06-01T12:00:00Z'),
    defaultBranch: 'main',
    failOn: 'never',
    identity: {
      repository: 'acme/payments',
      url: 'https://github.com/acme/payments',
      ref: 'refs/heads/main',
    },
  });
  const sha = createHash('sha256').update(ir).digest('hex');

  it('has a row per control with applicability, justification, status, owner, evidence and verdict', () => {
    const rows = soaRows(report);
    expect(rows).toHaveLength(93);
    expect(rows.find((r) => r.control === '5.24')).toEqual({
      control: '5.24',
      title: 'Information security incident management planning and preparation',
      theme: 'Organizational',
      applicable: 'yes',
      justification: '=HYPERLINK("http://evil"), a formula',
      status: 'implemented',
      owner: '@acme/security',
      reviewed: '2026-05-20',
      evidence: [`docs/incident-response.md [docs/incident-response.md sha256:${sha}]`],
      verdict: 'satisfied',
      reasons: [
        'rule incident-response-documented has 1 open informational finding, which makes no gap: docs/incident-response.md is an incident response procedure in name only: 164 characters, fewer than the 200 a real document has.',
      ],
      // Its evidence rule read the document; what it found is informational, not against 5.24.
      assessedBy: ['incident-response-documented (fail; 1 file)'],
      lastAssessed: '2026-06-01T12:00:00.000Z',
      commit: head,
    });
    expect(rows.find((r) => r.control === '7.1')).toMatchObject({
      applicable: 'no',
      verdict: 'not-applicable',
    });
    // Branch protection needs the API, which this run has not: what was examined is still listed.
    expect(rows.find((r) => r.control === '8.4')).toMatchObject({
      owner: '@acme/payments',
      verdict: 'unverifiable',
      assessedBy: ['codeowners-present (pass; 1 file)'],
    });
    expect(rows.find((r) => r.control === '8.13')).toMatchObject({
      verdict: 'not-assessed',
      reasons: [
        'rule terraform-backup-retention-zero examined nothing: no Terraform resources of the types the rule checks (*.tf, *.tofu and their JSON forms) in this repository',
        expect.stringMatching(/^If 8\.13 does not apply/),
      ],
    });
    expect(rows.find((r) => r.control === '6.1')).toMatchObject({
      applicable: 'not declared',
      status: 'not declared',
      owner: '',
      verdict: 'undeclared',
    });
  });

  it('writes CSV a spreadsheet reads as text, never as a formula', () => {
    const csv = renderSoaCsv(report);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([
      'control',
      'title',
      'theme',
      'applicable',
      'justification',
      'status',
      'owner',
      'reviewed',
      'evidence',
      'verdict',
      'reasons',
      'assessed_by',
      'last_assessed',
      'commit',
    ]);
    expect(rows).toHaveLength(94);
    expect(rows.every((r) => r.length === 14)).toBe(true);
    const ir = rows.find((r) => r[0] === '5.24')!;
    expect(ir[4]).toBe(`'=HYPERLINK("http://evil"), a formula`);
    expect(ir[8]).toBe(`docs/incident-response.md [docs/incident-response.md sha256:${sha}]`);
  });

  it('writes Markdown with the run identity, one table per theme and the evidence files', () => {
    const md = renderSoaMarkdown(report);
    expect(md.startsWith('# Statement of Applicability: Payments API\n')).toBe(true);
    expect(md).toContain('| Repository | [acme/payments](https://github.com/acme/payments) |');
    expect(md).toContain(`| Commit | \`${head}\` |`);
    expect(md).toContain('| Ref | refs/heads/main |');
    expect(md).toContain('| Assessed | 2026-06-01T12:00:00.000Z |');
    expect(md).toContain(`| Approved by | ${escapeMarkdown('@acme/ciso')} |`);
    expect(md).toContain('93 controls: 3 applicable, 1 not applicable, 89 not declared.');
    for (const theme of ['Organizational', 'People', 'Physical', 'Technological']) {
      expect(md).toContain(`## ${theme} controls`);
    }
    const row = md.split('\n').find((l) => l.startsWith('| 7.1 |'))!;
    expect(tableCells(row)).toEqual([
      '7.1',
      'Physical security perimeters',
      'no',
      'not-applicable',
      'No premises: a remote company \\| \\*all\\* of it.',
      escapeMarkdown('@acme/security'),
      '—',
      'not-applicable',
      '—',
      '—',
    ]);
    expect(md).toContain(`| 5.24 | docs/incident-response.md | \`${sha}\` | ${Buffer.byteLength(ir)} |`);
    // Without a name (no GITHUB_REPOSITORY, no origin remote) the path is said to be only a path.
    const local = renderSoaMarkdown({ ...report, repository: { root: '.', head: null, base: null } });
    expect(local).toContain(
      '| Repository | . (a local path: no GITHUB_REPOSITORY and no origin remote named the repository) |',
    );
    // The tables shorten hashes; the evidence section has them whole.
    expect(md).toContain(`sha256:${sha.slice(0, 12)}…`);
  });
});
