import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { substance } from '../../src/core/declarations/substance.js';
import { runCheck } from '../../src/core/engine.js';
import { packagePath } from '../../src/core/paths.js';
import type { Report } from '../../src/core/types.js';
import { scratchRepo } from '../helpers/git-repo.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const PROSE =
  'When an incident is suspected, the on-call engineer opens a ticket, pages the security lead and ' +
  'keeps a timeline; affected credentials are rotated before the service is restored.';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cg-evidence-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const control = (r: Report, id: string) => r.controls.find((c) => c.id === id)!;

describe('evidence that holds more than a placeholder', () => {
  it('asks a paragraph of prose of a document, one meaningful line of anything else', () => {
    const doc = (text: string) => substance('docs/ir.md', { bytes: text.length, binary: false, text });
    expect(doc(`# Incident response\n\n${PROSE}\n`)).toEqual({ ok: true });
    expect(doc('# Incident response\n\n## Contacts\n\nTODO\n\n<!-- write this -->\n')).toEqual({
      ok: false,
      why: 'docs/ir.md holds no more than a placeholder (0 characters of text besides headings, comments, markup and placeholders such as TODO; a document cited as evidence needs at least 100)',
    });
    expect(doc('')).toEqual({ ok: false, why: 'docs/ir.md is empty' });
    const other = (file: string, text: string) =>
      substance(file, { bytes: text.length, binary: false, text });
    expect(other('CODEOWNERS', '* @acme/security\n')).toEqual({ ok: true });
    expect(other('.github/CODEOWNERS', '* @acme/security\n')).toEqual({ ok: true });
    // A file without an extension whose name is no configuration file's is a document.
    expect(other('docs/incident-response', 'x\n')).toEqual({
      ok: false,
      why: 'docs/incident-response holds no more than a placeholder (1 character of text besides headings, comments, markup and placeholders such as TODO; a document cited as evidence needs at least 100)',
    });
    expect(other('docs/incident-response', `${PROSE}\n`)).toEqual({ ok: true });
    expect(other('CODEOWNERS', '# owners go here\n\n')).toEqual({
      ok: false,
      why: 'CODEOWNERS holds nothing but comments, whitespace or placeholders',
    });
    expect(substance('policy.pdf', { bytes: 2048, binary: true })).toEqual({ ok: true });
  });
});

describe('declarations of every theme, verified by their evidence', async () => {
  const runbooks = Object.fromEntries(
    Array.from({ length: 25 }, (_, i) => [
      `docs/runbooks/r${String(i).padStart(2, '0')}.md`,
      `# Runbook ${i}\n\n${PROSE}\n`,
    ]),
  );
  const ir = `# Incident response\n\n${PROSE}\n`;
  const root = tree({
    'docs/incident-response.md': ir,
    'docs/response.md': '# Response\n\nTODO\n',
    ...runbooks,
    '.github/controls.yml': [
      'version: 1',
      'owner: "@acme/security"',
      'controls:',
      '  "5.24": { status: implemented, evidence: [docs/incident-response.md] }',
      '  "5.26": { status: implemented, evidence: [docs/response.md] }',
      '  "5.37": { status: implemented, evidence: [docs/runbooks/] }',
      '  "6.8": { status: implemented, evidence: ["https://intranet.example.com/report"], reviewed: 2026-05-01 }',
      '  "6.3": { status: implemented, evidence: ["https://lms.example.com/security"] }',
      '  "5.35": { status: implemented, evidence: ["https://audit.example.com/2024"], reviewed: 2024-01-15 }',
      '  "7.1": { status: not-applicable, justification: "A remote-only company: no premises of its own." }',
      '',
    ].join('\n'),
  });
  const report = await runCheck({
    root,
    now: NOW,
    defaultBranch: 'main',
    builtinRules: false,
    ruleDirs: [packagePath('rules', 'policy')],
  });

  it('satisfies a control by a document that exists and says something, and hashes what it cited', () => {
    expect(control(report, '5.24')).toMatchObject({
      theme: 'Organizational',
      verdict: 'satisfied',
      reasons: [],
      evidence: [
        {
          ref: 'docs/incident-response.md',
          kind: 'path',
          status: 'present',
          detail: null,
          files: [{ path: 'docs/incident-response.md', sha256: sha256(ir), bytes: ir.length }],
        },
      ],
    });
  });

  it('finds a gap where the cited document is a placeholder', () => {
    expect(control(report, '5.26')).toMatchObject({
      verdict: 'gap',
      reasons: [
        'evidence docs/response.md is missing: docs/response.md holds no more than a placeholder (0 characters of text besides headings, comments, markup and placeholders such as TODO; a document cited as evidence needs at least 100)',
      ],
    });
    const finding = report.findings.find((f) => f.ruleId === 'control-evidence-missing')!;
    expect(finding).toMatchObject({
      controls: ['5.26'],
      location: { path: '.github/controls.yml', startLine: 5 },
    });
  });

  it('lists the first 20 files of a directory, and how many it holds', () => {
    const e = control(report, '5.37').evidence[0]!;
    expect(control(report, '5.37').verdict).toBe('satisfied');
    expect(e.files).toHaveLength(20);
    expect(e.matched).toBe(25);
    expect(e.files![0]).toEqual({
      path: 'docs/runbooks/r00.md',
      sha256: sha256(runbooks['docs/runbooks/r00.md']!),
      bytes: runbooks['docs/runbooks/r00.md']!.length,
    });
  });

  it('accepts a URL as an attestation only with an owner and a review date that is not stale', () => {
    expect(control(report, '6.8')).toMatchObject({
      theme: 'People',
      verdict: 'satisfied',
      reasons: [
        'attested: its evidence is a URL (recorded, not fetched), owned by @acme/security and reviewed on 2026-05-01',
      ],
      declared: { reviewed: '2026-05-01' },
    });
    expect(control(report, '6.3')).toMatchObject({
      verdict: 'not-assessed',
      reasons: [
        'its evidence is URLs only, which controlgate records but does not fetch; with a review date (reviewed) they would count as an attestation',
      ],
    });
    expect(control(report, '5.35')).toMatchObject({
      verdict: 'gap',
      reasons: [
        'its review is stale: it was last reviewed on 2024-01-15, more than 365 days ago (review-max-days)',
      ],
    });
    const stale = report.findings.find((f) => f.ruleId === 'control-review-overdue')!;
    expect(stale).toMatchObject({ controls: ['5.35'], blocking: true, location: { startLine: 9 } });
  });

  it('takes a physical control as not applicable with its reason', () => {
    expect(control(report, '7.1')).toMatchObject({ theme: 'Physical', verdict: 'not-applicable' });
  });

  it('never reads evidence through a symbolic link', async () => {
    const outside = tree({ 'secret.md': `# Outside\n\n${PROSE}\n` });
    const linked = tree({
      '.github/controls.yml':
        'version: 1\ncontrols:\n  "5.24": { status: implemented, evidence: [docs/ir.md] }\n',
    });
    mkdirSync(path.join(linked, 'docs'));
    symlinkSync(path.join(outside, 'secret.md'), path.join(linked, 'docs', 'ir.md'));
    const r = await runCheck({ root: linked, now: NOW, builtinRules: false });
    expect(control(r, '5.24')).toMatchObject({
      verdict: 'gap',
      evidence: [
        {
          status: 'missing',
          detail:
            'docs/ir.md is a symbolic link that was not read (not followed: its target is outside the checked tree)',
          files: [{ path: 'docs/ir.md', sha256: null, bytes: 0 }],
        },
      ],
    });
  });
});

describe('policy changes to the declaration requirements', () => {
  it('reports require-declarations lowered and review-max-days raised by the change', async () => {
    const repo = scratchRepo();
    const base = repo.commit(
      { '.controlgate.yml': 'require-declarations: all\nreview-max-days: 100\n' },
      'base',
    );
    repo.commit(
      { '.controlgate.yml': 'require-declarations: technological\nreview-max-days: 400\n' },
      'weaken',
    );
    const report = await runCheck({ root: repo.dir, base, onlyRules: ['policy-change'], failOnGap: false });
    expect(report.findings.map((f) => `${f.location?.startLine} ${f.message}`)).toEqual([
      '1 Policy change: require-declarations is lowered from all to technological.',
      '2 Policy change: review-max-days is raised to 400.',
    ]);
  });
});

describe("evidence that is controlgate's own files, or a document in name only", async () => {
  const ir = `# Incident response\n\n${PROSE}\n`;
  const root = tree({
    'README.md': '# app\n',
    '.controlgate.yml': 'fail-on: high\n',
    'docs/incident-response.md': ir,
    'docs/incident-response.pdf': 'x\n',
    'docs/continuity.pdf': '%PDF-1.7\n% a text-only PDF\n',
    'docs/backup.docx': 'backup\n',
    '.github/controls.yml': [
      'version: 1',
      'owner: "@acme/security"',
      'controls:',
      '  "5.24": { status: implemented, evidence: [.github/controls.yml] }',
      '  "5.25": { status: implemented, evidence: [.controlgate.yml] }',
      '  "5.26": { status: implemented, evidence: ["**/*.yml"] }',
      '  "5.27": { status: implemented, evidence: ["**/incident-response.*"] }',
      '  "5.28": { status: implemented, evidence: [docs/incident-response.pdf] }',
      '  "5.29": { status: implemented, evidence: [docs/continuity.pdf] }',
      '  "5.30": { status: implemented, evidence: [docs/backup.docx] }',
      '',
    ].join('\n'),
  });
  const report = await runCheck({
    root,
    now: NOW,
    defaultBranch: 'main',
    builtinRules: false,
    ruleDirs: [packagePath('rules', 'policy')],
  });
  const own = (f: string) =>
    `${f} controlgate's own configuration or declarations, which are no evidence of a control: cite the document, workflow or URL that shows it`;

  it.each([
    [
      '5.24',
      'the declarations file itself',
      'gap',
      [`evidence .github/controls.yml is missing: ${own('.github/controls.yml is')}`],
    ],
    [
      '5.25',
      'the configuration file',
      'gap',
      [`evidence .controlgate.yml is missing: ${own('.controlgate.yml is')}`],
    ],
    [
      '5.26',
      'a glob that matches only those two',
      'gap',
      [`evidence **/*.yml is missing: ${own('the files it matches are')}`],
    ],
    ['5.27', 'a glob that matches a real document beside a placeholder (the control)', 'satisfied', []],
    [
      '5.28',
      'one character of text named .pdf',
      'gap',
      [
        'evidence docs/incident-response.pdf is missing: docs/incident-response.pdf is named as a PDF but does not start as one, so it holds no document',
      ],
    ],
    ['5.29', 'a text-only PDF that starts as one (the control)', 'satisfied', []],
    [
      '5.30',
      'a word of text named .docx',
      'gap',
      [
        'evidence docs/backup.docx is missing: docs/backup.docx is named as an Office Open XML or OpenDocument file but does not start as one, so it holds no document',
      ],
    ],
  ])('%s cites %s: %s', (id, _what, verdict, reasons) => {
    expect(control(report, id)).toMatchObject({ verdict, reasons });
  });

  it('a binary file named as a document format needs its signature', () => {
    const seen = (head: number[]) => ({ bytes: 4096, binary: true, head: Uint8Array.from(head) });
    expect(substance('a.docx', seen([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 6, 0]))).toEqual({ ok: true });
    expect(substance('a.doc', seen([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))).toEqual({ ok: true });
    expect(substance('a.pdf', seen([0, 0, 0, 0]))).toEqual({
      ok: false,
      why: 'a.pdf is named as a PDF but does not start as one, so it holds no document',
    });
  });
});
