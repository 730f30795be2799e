// What a control's verdict rests on, from the auditor's side: a verdict never claims more than was
// examined. Cases from the labelled corpus in bench/soa-corpus.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import type { Report } from '../../src/core/types.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const PROSE =
  'When an incident is suspected, the on-call engineer opens a ticket, pages the security lead and ' +
  'keeps a timeline; affected credentials are rotated before the service is restored.';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cg-soa-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const control = (r: Report, id: string) => r.controls.find((c) => c.id === id)!;
const declare = (...lines: string[]) =>
  ['version: 1', 'owner: "@acme/security"', 'controls:', ...lines.map((l) => `  ${l}`), ''].join('\n');

const DB_GOOD = 'resource "aws_db_instance" "a" {\n  engine = "postgres"\n  backup_retention_period = 7\n}\n';
const DB_BROKEN = 'resource "aws_db_instance" "b" {\n  engine = "postgres"\n  backup_retention_period = 0\n';
const UNREAD =
  '(it does not parse, or is not read as text, so nothing in it was checked: see unparsable-file)';
const WORKFLOW_BROKEN = 'on: pull_request\njobs:\n  test:\n    runs-on: [ubuntu-latest\n    steps: []\n';

describe('a rule that could not read its input files does not make its control satisfied', () => {
  const db = declare('"8.13": { status: implemented, justification: Databases are backed up. }');
  it.each<{
    name: string;
    files: Record<string, string>;
    id: string;
    decl?: string;
    rules: string[];
    reasons: string[];
    maxFileBytes?: number;
  }>([
    {
      name: 'the only Terraform file does not parse',
      files: { 'db.tf': DB_BROKEN },
      id: '8.13',
      rules: ['terraform-backup-retention-zero'],
      reasons: [`rule terraform-backup-retention-zero could not read a file it checks: db.tf ${UNREAD}`],
    },
    {
      // Before: satisfied on a.tf alone, as if b.tf (which sets no backups) had been checked.
      name: 'one of two Terraform files does not parse',
      files: { 'a.tf': DB_GOOD, 'b.tf': DB_BROKEN },
      id: '8.13',
      rules: ['terraform-backup-retention-zero'],
      reasons: [`rule terraform-backup-retention-zero could not read a file it checks: b.tf ${UNREAD}`],
    },
    {
      name: 'the only Terraform file is larger than Terraform is read up to (8 times the size read)',
      files: { 'db.tf': `${DB_GOOD}${'# padding\n'.repeat(1000)}` },
      id: '8.13',
      rules: ['terraform-backup-retention-zero'],
      maxFileBytes: 1000,
      reasons: [`rule terraform-backup-retention-zero could not read a file it checks: db.tf ${UNREAD}`],
    },
    {
      name: 'the only Kubernetes manifest does not parse',
      files: {
        'k8s/web.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: [nginx:1.25\n',
      },
      id: '8.6',
      decl: '"8.6": { status: implemented, justification: Limits are set. }',
      rules: ['k8s-resource-limits'],
      reasons: [`rule k8s-resource-limits could not read a file it checks: k8s/web.yaml ${UNREAD}`],
    },
    {
      // Before: read (a NUL byte and all) and counted as examined, so 8.18 was satisfied.
      name: 'the only Dockerfile holds a NUL byte',
      files: { Dockerfile: 'FROM alpine:3.19\nUSER app\u0000\n' },
      id: '8.18',
      decl: '"8.18": { status: implemented, justification: No privileged utilities. }',
      rules: ['dockerfile-root-user', 'dockerfile-sudo'],
      reasons: [
        `rule dockerfile-root-user could not read a file it checks: Dockerfile ${UNREAD}`,
        `rule dockerfile-sudo could not read a file it checks: Dockerfile ${UNREAD}`,
      ],
    },
    {
      // The workflow is parsed once: the rules after the first get the failed parse from the cache.
      name: 'the only workflow does not parse (every rule that reads it says so)',
      files: { '.github/workflows/ci.yml': WORKFLOW_BROKEN },
      id: '8.29',
      decl: '"8.29": { status: implemented, justification: Tests on every change. }',
      rules: ['workflow-sast-on-pull-requests', 'workflow-tests-on-pull-requests'],
      reasons: [
        `rule workflow-sast-on-pull-requests could not read a file it checks: .github/workflows/ci.yml ${UNREAD}`,
        `rule workflow-tests-on-pull-requests could not read a file it checks: .github/workflows/ci.yml ${UNREAD}`,
      ],
    },
  ])('$name: unverifiable, naming the files', async ({ files, id, decl, rules, reasons, maxFileBytes }) => {
    const root = tree({ ...files, '.github/controls.yml': decl ? declare(decl) : db });
    const r = await runCheck({ root, now: NOW, onlyRules: rules, ...(maxFileBytes ? { maxFileBytes } : {}) });
    expect(control(r, id)).toMatchObject({ verdict: 'unverifiable', reasons });
    // The rules' scope says it too: the files are left out as unreadable, never counted as examined.
    for (const ruleId of rules) {
      const scope = r.rules.find((x) => x.id === ruleId)!.scope!;
      expect(scope.leftOut).toEqual([expect.objectContaining({ kind: 'unreadable', files: 1 })]);
    }
  });

  it('a finding against the control still makes a gap, which the unreadable file does not hide', async () => {
    const bad = 'resource "aws_db_instance" "a" {\n  engine = "postgres"\n  backup_retention_period = 0\n}\n';
    const root = tree({ 'a.tf': bad, 'b.tf': DB_BROKEN, '.github/controls.yml': db });
    const r = await runCheck({ root, now: NOW, onlyRules: ['terraform-backup-retention-zero'] });
    expect(control(r, '8.13')).toMatchObject({
      verdict: 'gap',
      reasons: ['rule terraform-backup-retention-zero has 1 open finding'],
    });
  });

  it('a broken test fixture (its unparsable-file finding a guess) is named, and makes the control no less met', async () => {
    const root = tree({
      'a.tf': DB_GOOD,
      'tests/fixtures/bad/main.tf': DB_BROKEN,
      '.github/controls.yml': db,
    });
    const rules = ['terraform-backup-retention-zero', 'unparsable-file'];
    const r = await runCheck({ root, now: NOW, onlyRules: rules, persona: 'auditor' });
    expect(r.findings.find((f) => f.ruleId === 'unparsable-file')).toMatchObject({ confidence: 'low' });
    expect(control(r, '8.13')).toMatchObject({
      verdict: 'satisfied',
      reasons: [`rule terraform-backup-retention-zero left out 1 unreadable file ${UNREAD}`],
    });
    // Sure about the fixture (fail-on-confidence low), the answer for it is missing again.
    const strict = await runCheck({ root, now: NOW, onlyRules: rules, failOnConfidence: 'low' });
    expect(control(strict, '8.13')).toMatchObject({
      verdict: 'unverifiable',
      reasons: [
        `rule terraform-backup-retention-zero could not read a file it checks: tests/fixtures/bad/main.tf ${UNREAD}`,
      ],
    });
  });

  it('files every rule reads cleanly keep the control satisfied', async () => {
    const root = tree({ 'a.tf': DB_GOOD, '.github/controls.yml': db });
    const r = await runCheck({ root, now: NOW, onlyRules: ['terraform-backup-retention-zero'] });
    expect(control(r, '8.13')).toMatchObject({ verdict: 'satisfied', reasons: [] });
  });
});

describe('a control nothing examined says what its rules look for', () => {
  it('names Docker Compose files for the compose rules', async () => {
    const root = tree({
      'README.md': '# App\n',
      '.github/controls.yml': declare('"8.9": { status: implemented, justification: Config as code. }'),
    });
    const r = await runCheck({
      root,
      now: NOW,
      onlyRules: ['compose-image-unpinned', 'dockerfile-base-image-digest'],
    });
    expect(control(r, '8.9')).toMatchObject({
      verdict: 'not-assessed',
      reasons: [
        'rule compose-image-unpinned examined nothing: no Docker Compose files in this repository',
        'rule dockerfile-base-image-digest examined nothing: no Dockerfiles with instructions in this repository',
      ],
    });
  });
});

describe('a satisfied control says what its rules found and set aside', () => {
  it('names the open informational findings of the rules it rests on (a rule set to info in the configuration)', async () => {
    const bad = 'resource "aws_db_instance" "a" {\n  engine = "postgres"\n  backup_retention_period = 0\n}\n';
    const root = tree({
      'db.tf': bad,
      '.controlgate.yml': 'version: 1\nrules:\n  terraform-backup-retention-zero: info\n',
      '.github/controls.yml': declare('"8.13": { status: implemented, justification: Backups. }'),
    });
    const r = await runCheck({ root, now: NOW, onlyRules: ['terraform-backup-retention-zero'] });
    expect(control(r, '8.13')).toMatchObject({
      verdict: 'satisfied',
      reasons: [
        'rule terraform-backup-retention-zero has 1 open informational finding, which makes no gap: aws_db_instance "a" sets backup_retention_period = 0: automated backups and point-in-time recovery are off.',
      ],
      open: 1,
    });
  });
});

describe("controlgate's own configuration and declarations are no evidence", () => {
  it.each([
    {
      ref: '.github/controls.yml',
      detail:
        ".github/controls.yml is controlgate's own configuration or declarations, which are no evidence of a control: cite the document, workflow or URL that shows it",
    },
    {
      ref: '.controlgate.yml',
      detail:
        ".controlgate.yml is controlgate's own configuration or declarations, which are no evidence of a control: cite the document, workflow or URL that shows it",
    },
    {
      ref: '{.controlgate.yml,.github/controls.yml}',
      detail:
        "the files it matches are controlgate's own configuration or declarations, which are no evidence of a control: cite the document, workflow or URL that shows it",
    },
  ])('$ref cited as evidence is a gap', async ({ ref, detail }) => {
    const root = tree({
      '.controlgate.yml': `version: 1\n# ${PROSE}\n# ${PROSE}\n`,
      '.github/controls.yml': declare(
        `"5.3": { status: implemented, justification: Duties are segregated., evidence: ["${ref}"] }`,
        `"5.1": { status: implemented, justification: Policy., evidence: [docs/policy.md] }`,
        `# ${PROSE}`,
      ),
      'docs/policy.md': `# Policy\n\n${PROSE}\n`,
    });
    const r = await runCheck({ root, now: NOW, builtinRules: false });
    expect(control(r, '5.3')).toMatchObject({
      verdict: 'gap',
      reasons: [`evidence ${ref} is missing: ${detail}`],
      evidence: [{ ref, status: 'missing', detail }],
    });
    // A real document beside it still counts.
    expect(control(r, '5.1')).toMatchObject({ verdict: 'satisfied' });
  });

  it('a directory that holds the declarations and a real document counts by the document', async () => {
    const root = tree({
      '.github/controls.yml': declare(
        '"5.3": { status: implemented, justification: Duties are segregated., evidence: [.github/] }',
      ),
      '.github/SEGREGATION.md': `# Segregation of duties\n\n${PROSE}\n`,
    });
    const r = await runCheck({ root, now: NOW, builtinRules: false });
    expect(control(r, '5.3')).toMatchObject({
      verdict: 'satisfied',
      evidence: [{ ref: '.github/', status: 'present', files: [{ path: '.github/SEGREGATION.md' }] }],
    });
  });
});

describe('files the configuration excludes from a rule are not examined by it', () => {
  const bad = 'resource "aws_db_instance" "a" {\n  engine = "postgres"\n  backup_retention_period = 0\n}\n';
  const config = 'version: 1\nrules:\n  terraform-backup-retention-zero: { exclude: ["infra/**"] }\n';
  const db = declare('"8.13": { status: implemented, justification: Databases are backed up. }');
  const EXCLUDED =
    '1 excluded file (the configuration excludes it from this rule (its `exclude` in .controlgate.yml), so nothing in it counts)';

  it('the only Terraform file, excluded from the only rule: not assessed, naming the file left out', async () => {
    // Before: satisfied, with no reason, on a file whose findings the configuration drops.
    const root = tree({ 'infra/db.tf': bad, '.controlgate.yml': config, '.github/controls.yml': db });
    const r = await runCheck({ root, now: NOW, onlyRules: ['terraform-backup-retention-zero'] });
    expect(control(r, '8.13')).toMatchObject({
      verdict: 'not-assessed',
      reasons: [
        `rule terraform-backup-retention-zero examined nothing: no Terraform resources of the types the rule checks (*.tf, *.tofu and their JSON forms) in this repository besides what it left out: ${EXCLUDED}`,
      ],
    });
    expect(r.rules.find((x) => x.id === 'terraform-backup-retention-zero')!.scope).toMatchObject({
      files: 0,
      examples: [],
      leftOut: [{ kind: 'excluded', files: 1, examples: ['infra/db.tf'] }],
    });
  });

  it('a file the exclusion does not cover still assesses the control, and the excluded one is named', async () => {
    const root = tree({
      'infra/db.tf': bad,
      'app/db.tf': DB_GOOD,
      '.controlgate.yml': config,
      '.github/controls.yml': db,
    });
    const r = await runCheck({ root, now: NOW, onlyRules: ['terraform-backup-retention-zero'] });
    expect(control(r, '8.13')).toMatchObject({
      verdict: 'satisfied',
      reasons: [`rule terraform-backup-retention-zero left out ${EXCLUDED}`],
    });
    expect(r.rules.find((x) => x.id === 'terraform-backup-retention-zero')!.scope).toMatchObject({
      files: 1,
      examples: ['app/db.tf'],
    });
  });
});

describe('an empty input file is no assessment', () => {
  const decl = declare('"8.18": { status: implemented, justification: No privileged utilities. }');
  const rules = ['dockerfile-root-user', 'dockerfile-sudo', 'k8s-privileged-container'];
  it.each<{ name: string; files: Record<string, string> }>([
    { name: 'an empty Dockerfile', files: { Dockerfile: '' } },
    {
      name: 'a Dockerfile of blank lines and an empty manifest',
      files: { Dockerfile: '\n  \n', 'k8s/app.yaml': '' },
    },
  ])('$name: not assessed, not satisfied', async ({ files }) => {
    // Before: satisfied, resting on the Dockerfile rules that "examined" a file with nothing in it.
    const root = tree({ ...files, '.github/controls.yml': decl });
    const r = await runCheck({ root, now: NOW, onlyRules: rules });
    expect(control(r, '8.18')).toMatchObject({
      verdict: 'not-assessed',
      reasons: expect.arrayContaining([
        'rule dockerfile-root-user examined nothing: no Dockerfiles with instructions in this repository',
      ]),
    });
    for (const id of rules) expect(r.rules.find((x) => x.id === id)!.scope).toMatchObject({ files: 0 });
  });

  it('a Dockerfile with an instruction beside an empty one is examined alone', async () => {
    const root = tree({
      Dockerfile: 'FROM alpine:3.19\nUSER app\n',
      'legacy/Dockerfile': '',
      '.github/controls.yml': decl,
    });
    const r = await runCheck({ root, now: NOW, onlyRules: rules });
    expect(control(r, '8.18').verdict).toBe('satisfied');
    expect(r.rules.find((x) => x.id === 'dockerfile-root-user')!.scope).toMatchObject({
      files: 1,
      examples: ['Dockerfile'],
    });
  });
});

describe('rules a check was not asked to run (--rule) are named, never taken as having looked', () => {
  const bad = 'resource "aws_db_instance" "a" {\n  engine = "postgres"\n  backup_retention_period = 0\n}\n';
  const decl = declare(
    '"8.13": { status: implemented, justification: Databases are backed up. }',
    '"8.18": { status: implemented, justification: No privileged utilities. }',
  );
  const NOT_RUN = 'this check ran only the rules it was asked for (--rule)';

  it('a control whose only rule was not run: not assessed, and a rule does check it', async () => {
    // Before: "no rule checks 8.13 and no evidence is cited", beside a Terraform file it would fail.
    const root = tree({
      'db.tf': bad,
      Dockerfile: 'FROM alpine:3.19\nUSER app\n',
      '.github/controls.yml': decl,
    });
    const r = await runCheck({
      root,
      now: NOW,
      onlyRules: ['dockerfile-root-user'],
      discloseUnselected: true,
    });
    expect(control(r, '8.13')).toMatchObject({
      verdict: 'not-assessed',
      reasons: [
        `rule terraform-backup-retention-zero was not run: ${NOT_RUN}, so it assessed nothing`,
        'no evidence is cited',
      ],
    });
    // Satisfied on the rule that ran, naming the others it did not run.
    expect(control(r, '8.18')).toMatchObject({
      verdict: 'satisfied',
      reasons: [
        `rules compose-dangerous-capabilities, compose-docker-socket, compose-host-devices, compose-privileged-container, dockerfile-sudo, k8s-dangerous-capabilities, k8s-privilege-escalation, k8s-privileged-container were not run: ${NOT_RUN}, so they assessed nothing`,
      ],
    });
  });

  it('run alone to be tested, a rule still never makes its control one that no rule checks', async () => {
    const root = tree({ 'db.tf': bad, '.github/controls.yml': decl });
    const r = await runCheck({ root, now: NOW, onlyRules: ['dockerfile-root-user'] });
    expect(control(r, '8.13')).toMatchObject({ verdict: 'not-assessed', reasons: ['no evidence is cited'] });
  });
});

describe('an exception limited to one control accepts the risk for that control only', () => {
  const db = 'resource "aws_db_instance" "a" {\n  engine = "postgres"\n  publicly_accessible = true\n}\n';
  const decl = (limit: string) =>
    [
      declare(
        '"8.20": { status: implemented, justification: Networks are secured. }',
        '"8.22": { status: implemented, justification: Networks are segregated. }',
      ),
      'exceptions:',
      '  - id: EXC-7',
      '    rules: [terraform-db-publicly-accessible]',
      ...(limit ? [`    control: "${limit}"`] : []),
      '    reason: Reporting replica behind a firewall.',
      '    approved-by: "@acme/ciso"',
      '    expires: 2026-12-31',
      '',
    ].join('\n');
  const ACCEPTED =
    'rule terraform-db-publicly-accessible: 1 finding accepted as a risk by exception EXC-7 (approved by @acme/ciso, until 2026-12-31: Reporting replica behind a firewall.)';

  it('the other control the finding maps to has a gap, which fails the gate', async () => {
    // Before: 8.20 satisfied, resting on a risk the approver accepted for 8.22 alone.
    const root = tree({ 'db.tf': db, '.github/controls.yml': decl('8.22') });
    const r = await runCheck({ root, now: NOW, onlyRules: ['terraform-db-publicly-accessible'] });
    expect(r.findings.find((f) => f.ruleId === 'terraform-db-publicly-accessible')).toMatchObject({
      status: 'excepted',
    });
    expect(control(r, '8.22')).toMatchObject({ verdict: 'satisfied', reasons: [ACCEPTED] });
    const gap =
      'rule terraform-db-publicly-accessible has 1 open finding against this control: exception EXC-7 accepts it as a risk for control 8.22 only';
    expect(control(r, '8.20')).toMatchObject({ verdict: 'gap', reasons: [gap] });
    expect(r.summary.gate).toMatchObject({
      result: 'fail',
      reasons: [`control 8.20 (Networks security) has a gap: ${gap}`],
    });
  });

  it('without a control, it accepts the risk for every control the finding maps to', async () => {
    const root = tree({ 'db.tf': db, '.github/controls.yml': decl('') });
    const r = await runCheck({ root, now: NOW, onlyRules: ['terraform-db-publicly-accessible'] });
    expect(control(r, '8.20')).toMatchObject({ verdict: 'satisfied', reasons: [ACCEPTED] });
    expect(control(r, '8.22')).toMatchObject({ verdict: 'satisfied', reasons: [ACCEPTED] });
    expect(r.summary.gate.result).toBe('pass');
  });
});

describe('a control declared twice is unverifiable; the rest of the declarations still count', () => {
  const policy = `# Policy\n\n${PROSE}\n`;
  it('the duplicated control is unverifiable, located, and fails the gate', async () => {
    // Before: the whole file was unreadable, every control unverifiable.
    const root = tree({
      'docs/policy.md': policy,
      '.github/controls.yml': declare(
        '"5.1": { status: implemented, justification: Policy., evidence: [docs/policy.md] }',
        '"5.2":',
        '    status: implemented',
        '    justification: Roles.',
        '    evidence: [docs/policy.md]',
        '"5.1": { status: not-applicable, justification: Not ours. }',
        '"5.3": { status: implemented, justification: Segregation., evidence: [docs/policy.md] }',
      ),
    });
    const r = await runCheck({ root, now: NOW, onlyRules: ['controls-file-invalid'] });
    expect(control(r, '5.1')).toMatchObject({
      verdict: 'unverifiable',
      reasons: [
        'it is declared more than once in .github/controls.yml (lines 4 and 9), so which declaration holds is not known',
      ],
    });
    expect(control(r, '5.2')).toMatchObject({ verdict: 'satisfied' });
    expect(control(r, '5.3')).toMatchObject({ verdict: 'satisfied' });
    expect(r.findings.filter((f) => f.ruleId === 'controls-file-invalid')).toMatchObject([
      {
        message:
          '.github/controls.yml: control id "5.1" is declared more than once (lines 4 and 9): keep one declaration',
        location: { path: '.github/controls.yml', startLine: 9, startColumn: 3 },
      },
    ]);
    expect(r.summary.gate.result).toBe('fail');
  });

  it('a key written twice elsewhere still makes the file unreadable', async () => {
    const root = tree({
      'docs/policy.md': policy,
      '.github/controls.yml': declare(
        '"5.1":',
        '    status: implemented',
        '    status: planned',
        '    evidence: [docs/policy.md]',
      ),
    });
    const r = await runCheck({ root, now: NOW, onlyRules: ['controls-file-invalid'] });
    expect(control(r, '5.1').verdict).toBe('unverifiable');
    expect(control(r, '5.1').reasons[0]).toMatch(
      /^the declarations file \.github\/controls\.yml could not be read/,
    );
  });
});

describe('a cited file that is a link within the repository is the file it leads to', () => {
  const roles = `# Roles\n\n${PROSE}\n`;
  const sha = createHash('sha256').update(roles).digest('hex');
  it.each([
    { name: 'a link to a document', link: 'docs/current.md', to: 'real/roles.md', ref: 'docs/current.md' },
  ])('$name: satisfied, hashed as sha256sum reads it', async ({ link, to, ref }) => {
    // Before: a gap, "it is a symbolic link", though the document is in the repository.
    const root = tree({
      'docs/real/roles.md': roles,
      '.github/controls.yml': declare(
        `"5.2": { status: implemented, justification: Roles., evidence: [${ref}] }`,
      ),
    });
    symlinkSync(to, path.join(root, link));
    const r = await runCheck({ root, now: NOW, builtinRules: false });
    expect(control(r, '5.2')).toMatchObject({
      verdict: 'satisfied',
      evidence: [{ ref, status: 'present', files: [{ path: ref, sha256: sha }] }],
    });
  });

  it('a link out of the repository is not followed: a gap', async () => {
    const outside = tree({ 'policy.md': roles });
    const root = tree({
      '.github/controls.yml': declare(
        '"5.2": { status: implemented, justification: Roles., evidence: [docs/isms.md] }',
      ),
    });
    mkdirSync(path.join(root, 'docs'));
    symlinkSync(path.join(outside, 'policy.md'), path.join(root, 'docs/isms.md'));
    const r = await runCheck({ root, now: NOW, builtinRules: false });
    expect(control(r, '5.2')).toMatchObject({
      verdict: 'gap',
      reasons: [
        'evidence docs/isms.md is missing: docs/isms.md is a symbolic link that was not read (not followed: its target is outside the checked tree)',
      ],
    });
  });
});

describe('a cited folder reached through a link: what was examined is named', () => {
  const doc = (title: string) => `# ${title}\n\n${PROSE}\n`;
  const sha = (title: string) => createHash('sha256').update(doc(title)).digest('hex');
  const VIA = 'docs/policies is a symbolic link to the folder docs/real, whose files were read';
  const OUT =
    'docs/external is a symbolic link that was not read (not followed: its target is outside the checked tree)';
  // Before: `docs/policies` was a gap ("it is a symbolic link"), a file or glob under it "no such
  // file", and a link out of the tree inside a cited folder was left out without a word.
  it.each<{ name: string; ref: string; verdict: string; files: string[]; reasons: string[] }>([
    {
      name: 'the link itself',
      ref: 'docs/policies',
      verdict: 'satisfied',
      files: ['docs/policies/access.md', 'docs/policies/screening.md'],
      reasons: [`evidence docs/policies: ${VIA}`],
    },
    {
      name: 'a file under the link',
      ref: 'docs/policies/access.md',
      verdict: 'satisfied',
      files: ['docs/policies/access.md'],
      reasons: [`evidence docs/policies/access.md: ${VIA}`],
    },
    {
      name: 'a glob under the link',
      ref: 'docs/policies/*.md',
      verdict: 'satisfied',
      files: ['docs/policies/access.md', 'docs/policies/screening.md'],
      reasons: [`evidence docs/policies/*.md: ${VIA}`],
    },
    {
      name: 'a link out of the repository',
      ref: 'docs/external',
      verdict: 'gap',
      files: ['docs/external'],
      reasons: [`evidence docs/external is missing: ${OUT}`],
    },
    {
      name: 'a folder holding both links and documents',
      ref: 'docs',
      verdict: 'satisfied',
      files: [
        'docs/external',
        'docs/policies/access.md',
        'docs/policies/screening.md',
        'docs/real/access.md',
        'docs/real/screening.md',
      ],
      reasons: [`evidence docs: ${OUT}; ${VIA}`],
    },
  ])('$name: $verdict, naming the files and links', async ({ ref, verdict, files, reasons }) => {
    const outside = tree({ 'policy.md': doc('Outside') });
    const root = tree({
      'docs/real/access.md': doc('Access'),
      'docs/real/screening.md': doc('Screening'),
      '.github/controls.yml': declare(`"5.15": { status: implemented, evidence: ["${ref}"] }`),
    });
    symlinkSync('real', path.join(root, 'docs/policies'));
    symlinkSync(outside, path.join(root, 'docs/external'));
    const r = await runCheck({ root, now: NOW, builtinRules: false });
    const c = control(r, '5.15');
    expect(c).toMatchObject({ verdict, reasons });
    expect((c.evidence[0]!.files ?? []).map((f) => f.path)).toEqual(files);
    // Each file is hashed as the document it is (what sha256sum prints for the cited path).
    // The link not followed is listed unread.
    for (const f of c.evidence[0]!.files ?? [])
      expect(f.sha256).toBe(
        f.path === 'docs/external' ? null : sha(f.path.endsWith('access.md') ? 'Access' : 'Screening'),
      );
  });
});

describe('a rule that only detects problems of a control never makes it satisfied', () => {
  // Each rule passed on files it read; none of them looks for the practice itself, so a repository
  // without the practice would look the same. Before: each control was satisfied on that silence.
  it.each<{
    name: string;
    files: Record<string, string>;
    id: string;
    rules: string[];
    reasons: string[];
  }>([
    {
      name: 'security testing, on a workflow that runs no security test (8.29)',
      files: {
        '.github/workflows/ci.yml':
          'name: ci\non: pull_request\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make build\n',
      },
      id: '8.29',
      rules: ['workflow-misfeature'],
      reasons: [
        'rule workflow-misfeature (1 file) found nothing against 8.29, but it only detects problems of it: it would be silent on a repository without its practice, so that shows nothing about whether it is met',
      ],
    },
    {
      name: 'clock synchronisation, on a script that does not turn it off (8.17)',
      files: { 'scripts/provision.sh': '#!/bin/sh\nset -eu\napt-get install -y nginx\n' },
      id: '8.17',
      rules: ['clock-sync-disabled'],
      reasons: [
        'rule clock-sync-disabled (1 file) found nothing against 8.17, but it only detects problems of it: it would be silent on a repository without its practice, so that shows nothing about whether it is met',
      ],
    },
    {
      name: 'cryptography, on files that hold no key or token (8.24)',
      files: { 'src/app.py': 'print("hello")\n' },
      id: '8.24',
      rules: ['private-key-committed', 'tls-verification-disabled'],
      reasons: [
        'rule private-key-committed (1 file) found nothing against 8.24, but it only detects problems of it: it would be silent on a repository without its practice, so that shows nothing about whether it is met',
        'rule tls-verification-disabled examined nothing: no files matching its paths in this repository',
      ],
    },
  ])('$name: not-assessed, naming the rules', async ({ files, id, rules, reasons }) => {
    const decl = declare(`"${id}": { status: implemented, justification: In place. }`);
    const root = tree({ ...files, '.github/controls.yml': decl });
    const r = await runCheck({ root, now: NOW, onlyRules: rules });
    expect(control(r, id)).toMatchObject({ verdict: 'not-assessed', reasons });
    expect(control(r, id).rules.find((x) => x.id === rules[0])).toMatchObject({ role: 'detects' });
  });

  it('their findings still make a gap', async () => {
    const root = tree({
      'scripts/provision.sh': '#!/bin/sh\ntimedatectl set-ntp false\n',
      '.github/controls.yml': declare('"8.17": { status: implemented, justification: NTP. }'),
    });
    const r = await runCheck({ root, now: NOW, onlyRules: ['clock-sync-disabled'] });
    expect(control(r, '8.17')).toMatchObject({
      verdict: 'gap',
      reasons: ['rule clock-sync-disabled has 1 open finding'],
    });
  });

  it('a control met by a rule that is evidence of it names those that only detect', async () => {
    const root = tree({
      Dockerfile: 'FROM alpine:3.19\nRUN apk add --no-cache curl\nUSER app\n',
      '.github/controls.yml': declare('"8.18": { status: implemented, justification: No root. }'),
    });
    const r = await runCheck({ root, now: NOW, onlyRules: ['dockerfile-root-user', 'dockerfile-sudo'] });
    expect(control(r, '8.18')).toMatchObject({
      verdict: 'satisfied',
      reasons: [
        'rule dockerfile-sudo (1 file) found nothing against 8.18, but it only detects problems of it: it would be silent on a repository without its practice, so the verdict does not rest on them',
      ],
      rules: [
        { id: 'dockerfile-root-user', result: 'pass', findings: 0, examined: 1 },
        { id: 'dockerfile-sudo', result: 'pass', findings: 0, examined: 1, role: 'detects' },
      ],
    });
  });
});
