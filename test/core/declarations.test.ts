import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDeclarations } from '../../src/core/declarations/parse.js';
import { runCheck } from '../../src/core/engine.js';
import { packagePath } from '../../src/core/paths.js';
import type { Finding, Report } from '../../src/core/types.js';
import { FIXTURES, REPO_ROOT } from '../helpers/fixtures.js';
import { strictAjv } from '../reporters/helpers.js';

const REPO = path.join(FIXTURES, 'declarations', 'repo');
const NOW = new Date('2026-06-01T12:00:00Z');

/**
 * The fixture repository with its own rules (in .controlgate/rules) and the built-in policy rules
 * only, so its findings do not change when built-in rules are added.
 */
function check(extra: Partial<Parameters<typeof runCheck>[0]> = {}): Promise<Report> {
  return runCheck({
    root: REPO,
    builtinRules: false,
    ruleDirs: [packagePath('rules', 'policy')],
    now: NOW,
    // Explicit, so the result does not depend on the clone this suite runs in (origin/HEAD).
    defaultBranch: 'main',
    ...extra,
  });
}

const at = (f: Finding) => `${f.ruleId} ${f.location ? `${f.location.path}:${f.location.startLine}` : '-'}`;
const control = (r: Report, id: string) => r.controls.find((c) => c.id === id)!;

/** A database whose storage is encrypted: what an encryption rule of 8.24 examines and passes. */
const DB_ENCRYPTED =
  'resource "aws_db_instance" "main" {\n  engine = "postgres"\n  storage_encrypted = true\n  backup_retention_period = 7\n  multi_az = true\n}\n';

describe('verdicts', async () => {
  const report = await check();

  it('satisfied: implemented, evidence present, its rule passes', () => {
    expect(control(report, '8.4')).toMatchObject({
      verdict: 'satisfied',
      reasons: [],
      declared: { status: 'implemented', location: { path: '.github/controls.yml', startLine: 8 } },
      evidence: [{ ref: 'CODEOWNERS', kind: 'path', status: 'present', detail: null }],
      rules: [{ id: 'codeowners', result: 'pass', findings: 0 }],
    });
  });

  it('satisfied says which of its rules examined nothing: met as far as they looked', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'controlgate-idle-'));
    try {
      writeFileSync(path.join(root, 'README.md'), '# A service\n');
      writeFileSync(path.join(root, 'db.tf'), DB_ENCRYPTED);
      mkdirSync(path.join(root, '.github'));
      writeFileSync(
        path.join(root, '.github', 'controls.yml'),
        'version: 1\nscope: x\ncontrols:\n  "8.24":\n    status: implemented\n    justification: TLS everywhere.\n',
      );
      const idle = await runCheck({ root, now: NOW, defaultBranch: 'main' });
      const c = control(idle, '8.24');
      expect(c.verdict).toBe('satisfied');
      const assessed = c.rules.filter((r) => (r.examined ?? 0) > 0).map((r) => r.id);
      const unexamined = c.rules.filter((r) => r.result === 'pass' && !r.examined).map((r) => r.id);
      expect(assessed).toContain('terraform-rds-unencrypted');
      expect(unexamined).toContain('tls-verification-disabled');
      // The secret rules read the files too, but only detect problems of 8.24: named, not relied on.
      const detecting = c.rules.filter((r) => r.role === 'detects' && (r.examined ?? 0) > 0);
      expect(detecting.map((r) => r.id)).toContain('private-key-committed');
      expect(c.reasons).toEqual([
        expect.stringMatching(
          new RegExp(
            `^rules ${detecting.map((r) => `${r.id} \\(\\d files?\\)`).join(', ')} found nothing against 8\\.24, but they only detect problems of it`,
          ),
        ),
        `${unexamined.length} of its ${c.rules.length} rules examined nothing, finding no files of the kinds they check in this repository: ${unexamined.join(', ')}`,
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('gap: implemented but a mapped rule has an open finding, which then blocks', () => {
    expect(control(report, '8.28')).toMatchObject({
      verdict: 'gap',
      reasons: ['rule no-debug has 1 open finding'],
    });
    const open = report.findings.find((f) => f.ruleId === 'no-debug' && f.status === 'open')!;
    expect(at(open)).toBe('no-debug src/app.js:2');
    expect(open.blocking).toBe(true);
  });

  it('gap: a workflow cited as evidence does not run on pull requests', () => {
    expect(control(report, '8.29')).toMatchObject({
      verdict: 'gap',
      evidence: [
        {
          ref: '.github/workflows/nightly.yml',
          kind: 'workflow',
          status: 'missing',
          detail: 'the workflow does not run on pull requests or on pushes to main',
        },
      ],
    });
    const f = report.findings.filter((x) => x.ruleId === 'control-evidence-missing');
    expect(f.map(at)).toEqual(['control-evidence-missing .github/controls.yml:17']);
    expect(f[0]!.controls).toEqual(['8.29']);
  });

  it('planned, and gap once the plan is overdue', () => {
    expect(control(report, '8.31')).toMatchObject({ verdict: 'planned', reasons: ['due 2999-01-31'] });
    expect(control(report, '8.16')).toMatchObject({
      verdict: 'gap',
      reasons: ['planned for 2026-03-31, which has passed'],
    });
    const overdue = report.findings.find((f) => f.ruleId === 'control-plan-overdue')!;
    expect(at(overdue)).toBe('control-plan-overdue .github/controls.yml:23');
    expect(overdue.message).toContain('today is 2026-06-01');
  });

  it('not-applicable: justified, its rules are skipped and listed', () => {
    expect(control(report, '8.30')).toMatchObject({
      verdict: 'not-applicable',
      reasons: ['rules skipped: supplier-register'],
      rules: [{ id: 'supplier-register', result: 'not-applicable', findings: 0 }],
    });
    expect(report.policy.notices).toContain(
      'rules skipped because every control they map to is declared not-applicable: supplier-register (8.30)',
    );
  });

  it('not-applicable without a justification is a finding and a gap', () => {
    expect(control(report, '8.33').verdict).toBe('gap');
    expect(report.findings.filter((f) => f.ruleId === 'control-justification-missing').map(at)).toEqual([
      'control-justification-missing .github/controls.yml:27',
    ]);
  });

  it('undeclared: findings are still reported, nothing is judged', () => {
    expect(control(report, '8.20')).toMatchObject({
      verdict: 'undeclared',
      declared: null,
      reasons: [expect.stringMatching(/^rule no-plain-http has 2 open findings/)],
    });
  });

  it('not assessed when nothing can verify the declaration; unverifiable when the entry is invalid', () => {
    expect(control(report, '8.5')).toMatchObject({
      verdict: 'not-assessed',
      reasons: ['no rule checks 8.5 and no evidence is cited'],
      hint: 'If 8.5 does not apply to what this repository holds, declare it not-applicable with a justification; otherwise cite evidence (a file, a workflow or a URL with an owner and a review date) under its "evidence" in .github/controls.yml.',
    });
    expect(control(report, '8.6')).toMatchObject({
      verdict: 'unverifiable',
      reasons: [
        'its declaration is invalid (/controls/8.6/status: must be one of: "implemented", "partial", "planned", "not-applicable")',
      ],
    });
    const invalid = report.findings.filter((f) => f.ruleId === 'controls-file-invalid');
    expect(invalid.map(at)).toEqual(['controls-file-invalid .github/controls.yml:32']);
  });

  it('attested by a URL: says that none of its rules examined anything', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'controlgate-attested-'));
    try {
      writeFileSync(path.join(root, 'README.md'), '# A service\n');
      mkdirSync(path.join(root, '.github'));
      writeFileSync(
        path.join(root, '.github', 'controls.yml'),
        'version: 1\nscope: x\nowner: "@acme/ops"\nreviewed: 2026-05-01\ncontrols:\n  "8.15":\n    status: implemented\n    justification: Logs kept by the platform.\n    evidence: ["https://wiki.example.com/logging"]\n',
      );
      const c = control(await runCheck({ root, now: NOW, defaultBranch: 'main' }), '8.15');
      expect(c.verdict).toBe('satisfied');
      expect(c.reasons).toEqual([
        'attested: its evidence is a URL (recorded, not fetched), owned by @acme/ops and reviewed on 2026-05-01',
        expect.stringMatching(
          /^(\d+) of its \1 rules examined nothing, finding no files of the kinds they check in this repository: .*terraform-cloudtrail-logging-disabled/,
        ),
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('satisfied by evidence says when its evidence rule found none of what it looks for', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'controlgate-absent-'));
    try {
      mkdirSync(path.join(root, 'docs'));
      writeFileSync(
        path.join(root, 'docs', 'requirements.md'),
        '# Requirements\n\nThe service must be compatible with the official clients, which define how vault data is encrypted before it reaches the server.\n',
      );
      mkdirSync(path.join(root, '.github'));
      writeFileSync(
        path.join(root, '.github', 'controls.yml'),
        'version: 1\nscope: x\ncontrols:\n  "8.26":\n    status: implemented\n    justification: Client compatibility defines the requirements.\n    evidence: [docs/requirements.md]\n',
      );
      const c = control(await runCheck({ root, now: NOW, defaultBranch: 'main' }), '8.26');
      expect(c.verdict).toBe('satisfied');
      expect(c.reasons).toEqual([
        expect.stringMatching(
          /^rule security-design-documented found none of what it looks for \(an informational finding, which makes no gap\): The repository has no threat model or security requirements document \(looked for .*\)\.$/,
        ),
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('satisfied says which of its rules the configuration turned off', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'controlgate-off-'));
    try {
      writeFileSync(path.join(root, 'README.md'), '# A service\n');
      writeFileSync(path.join(root, 'db.tf'), DB_ENCRYPTED);
      writeFileSync(
        path.join(root, '.controlgate.yml'),
        'version: 1\nrules:\n  tls-verification-disabled: off\n',
      );
      mkdirSync(path.join(root, '.github'));
      writeFileSync(
        path.join(root, '.github', 'controls.yml'),
        'version: 1\nscope: x\ncontrols:\n  "8.24":\n    status: implemented\n    justification: TLS everywhere.\n',
      );
      const c = control(await runCheck({ root, now: NOW, defaultBranch: 'main' }), '8.24');
      expect(c.verdict).toBe('satisfied');
      expect(c.reasons).toContain(
        'rule tls-verification-disabled is turned off in the configuration, so it assessed nothing',
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('not-applicable with a justification that only restates the status ("N/A") is a gap', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'controlgate-na-'));
    try {
      writeFileSync(path.join(root, 'README.md'), '# A service\n');
      mkdirSync(path.join(root, '.github'));
      writeFileSync(
        path.join(root, '.github', 'controls.yml'),
        'version: 1\nscope: x\ncontrols:\n  "8.10": { status: not-applicable, justification: N/A }\n  "8.13": { status: not-applicable, justification: "Not applicable." }\n  "8.14": { status: not-applicable, justification: Nothing here runs in production. }\n',
      );
      const r = await runCheck({ root, now: NOW, defaultBranch: 'main' });
      expect(
        ['8.10', '8.13', '8.14'].map((id) => [id, control(r, id).verdict, control(r, id).reasons[0]]),
      ).toEqual([
        [
          '8.10',
          'gap',
          'declared not-applicable without a justification ("N/A" says that it does not apply, not why), so its rules still run',
        ],
        [
          '8.13',
          'gap',
          'declared not-applicable without a justification ("Not applicable." says that it does not apply, not why), so its rules still run',
        ],
        ['8.14', 'not-applicable', 'rules skipped: k8s-single-replica, terraform-db-single-az'],
      ]);
      expect(r.findings.filter((f) => f.ruleId === 'control-justification-missing').map(at)).toEqual([
        'control-justification-missing .github/controls.yml:4',
        'control-justification-missing .github/controls.yml:5',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('counts every verdict in the summary', () => {
    expect(report.summary.byVerdict).toEqual({
      gap: 4,
      unverifiable: 1,
      'not-assessed': 2,
      undeclared: 81,
      planned: 2,
      satisfied: 2,
      'not-applicable': 1,
    });
  });

  it('translates ISO/IEC 27001:2013 ids of every theme, with a notice', () => {
    expect(control(report, '8.2')).toMatchObject({
      verdict: 'satisfied',
      declared: { status: 'implemented', from2013: 'A.9.2.3', location: { startLine: 33 } },
    });
    expect(control(report, '8.15')).toMatchObject({ verdict: 'planned', declared: { from2013: 'A.12.4.1' } });
    expect(report.policy.notices).toEqual(
      expect.arrayContaining([
        '.github/controls.yml:33: A.9.2.3 (ISO/IEC 27001:2013) is declared as 8.2 (ISO/IEC 27002:2022); consider writing "8.2"',
        '.github/controls.yml:38: A.5.1.1 (ISO/IEC 27001:2013) is declared as 5.1 (ISO/IEC 27002:2022); consider writing "5.1"',
      ]),
    );
    // An organisational control with no rule and no evidence: not assessed, never satisfied.
    expect(control(report, '5.1')).toMatchObject({
      theme: 'Organizational',
      verdict: 'not-assessed',
      declared: { status: 'implemented', from2013: 'A.5.1.1' },
      reasons: ['no rule checks 5.1 and no evidence is cited'],
    });
  });

  it('gates on the gaps and on the invalid file, and says why', () => {
    expect(report.summary.gate).toEqual({
      result: 'fail',
      failOn: 'high',
      failOnConfidence: 'medium',
      failOnGap: true,
      reasons: [
        '1 problem with the policy files (.github/controls.yml), which always fail the gate',
        '3 open findings at or above "high" (3 high)',
        'control 8.16 (Monitoring activities) has a gap: planned for 2026-03-31, which has passed',
        'control 8.28 (Secure coding) has a gap: rule no-debug has 1 open finding',
        'control 8.29 (Security testing in development and acceptance) has a gap: evidence .github/workflows/nightly.yml is missing: the workflow does not run on pull requests or on pushes to main',
        'control 8.33 (Test information) has a gap: declared not-applicable without a justification, so its rules still run',
      ],
    });
    // The located causes of a gap block, whatever their severity.
    const overdue = report.findings.find((f) => f.ruleId === 'control-plan-overdue')!;
    expect(overdue.severity).toBe('medium');
    expect(overdue.blocking).toBe(true);
  });
});

describe('exceptions', async () => {
  const report = await check();
  const byPath = (p: string, rule: string) =>
    report.findings.find((f) => f.location?.path === p && f.ruleId === rule)!;

  it('an active exception excepts the finding, keeps it visible and counts it', () => {
    const f = byPath('legacy/Dockerfile', 'no-root-image');
    expect(f.status).toBe('excepted');
    expect(f.blocking).toBe(false);
    expect(f.exception).toEqual({
      kind: 'exception',
      id: 'EXC-ROOT',
      reason: 'Legacy build image, removal tracked in OPS-12.',
      approvedBy: '@acme/ciso',
      expires: '2026-12-31',
      location: { path: '.github/controls.yml', startLine: 41 },
    });
    expect(control(report, '8.2').exceptions).toEqual([
      { id: 'EXC-ROOT', state: 'active', expires: '2026-12-31', findings: 1 },
    ]);
    expect(report.summary.byStatus).toEqual({ open: 9, excepted: 1, ignored: 1 });
  });

  it('an expired exception re-opens its findings and says when it expired', () => {
    const f = byPath('docs/mirrors.md', 'no-plain-http');
    expect(f.status).toBe('open');
    expect(f.message).toBe(
      'Plain HTTP URL. (exception EXC-OLD expired on 2026-01-31; the finding is open again)',
    );
    expect(f.exception).toMatchObject({ id: 'EXC-OLD', expired: true });
  });

  it('a satisfied control says which of its findings an exception accepted as a risk', () => {
    expect(control(report, '8.2')).toMatchObject({
      verdict: 'satisfied',
      reasons: [
        'rule no-root-image: 1 finding accepted as a risk by exception EXC-ROOT (approved by @acme/ciso, until 2026-12-31: Legacy build image, removal tracked in OPS-12.)',
      ],
    });
  });

  it("a control's open findings say which were re-opened by an expired exception", () => {
    expect(control(report, '8.20').reasons).toEqual([
      'rule no-plain-http has 2 open findings (1 of them was re-opened: exception EXC-OLD expired on 2026-01-31)',
    ]);
  });

  it('an exception without reason, approver or expiry is a finding and does not apply', () => {
    expect(
      report.findings.filter((f) => f.ruleId === 'exception-invalid').map((f) => [at(f), f.message]),
    ).toEqual([
      [
        'exception-invalid .github/controls.yml:53',
        'Exception EXC-BAD does not apply: it lacks a reason, an approver (approved-by) and an expiry date (expires).',
      ],
    ]);
    expect(byPath('src/app.js', 'no-debug').status).toBe('open');
  });

  it('an exception beyond the allowed horizon does not apply', async () => {
    const later = await check({ exceptionMaxDays: 30 });
    expect(later.findings.filter((f) => f.ruleId === 'exception-invalid').map((f) => f.message)).toContain(
      'Exception EXC-ROOT does not apply: it expires on 2026-12-31, more than 30 days ahead (the latest allowed today is 2026-07-01); shorten it, or raise exception-max-days in the configuration.',
    );
    expect(later.findings.find((f) => f.ruleId === 'no-root-image')!.status).toBe('open');
  });
});

describe('inline ignores', async () => {
  const report = await check();

  it('with a reason: the finding is ignored, stays visible and names the comment', () => {
    const f = report.findings.find((x) => x.location?.path === 'src/legacy.js')!;
    expect(f.status).toBe('ignored');
    expect(f.exception).toEqual({
      kind: 'inline-ignore',
      reason: 'only read by the local emulator, never deployed',
      location: { path: 'src/legacy.js', startLine: 1 },
    });
  });

  it('a satisfied control says which of its findings were ignored inline, and why', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'controlgate-ignored-'));
    try {
      writeFileSync(
        path.join(root, 'Dockerfile'),
        '# controlgate: ignore[dockerfile-root-user] the entrypoint drops to the volume owner\nFROM alpine:3.20\nCMD ["true"]\n',
      );
      mkdirSync(path.join(root, '.github'));
      writeFileSync(
        path.join(root, '.github', 'controls.yml'),
        'version: 1\nscope: x\ncontrols:\n  "8.18":\n    status: implemented\n    justification: No privileged utilities.\n',
      );
      const c = control(await runCheck({ root, now: NOW, defaultBranch: 'main' }), '8.18');
      expect(c.verdict).toBe('satisfied');
      expect(c.reasons).toContain(
        'rule dockerfile-root-user: 1 finding ignored inline, with the reason: the entrypoint drops to the volume owner',
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('without a reason: it does not apply and is itself reported', () => {
    const open = report.findings.filter((x) => x.location?.path === 'scripts/fetch.sh');
    expect(open.map((f) => [at(f), f.status])).toEqual([
      ['inline-ignore-invalid scripts/fetch.sh:2', 'open'],
      ['no-plain-http scripts/fetch.sh:3', 'open'],
    ]);
  });
});

describe('gate settings', () => {
  it('fail-on-gap off: gaps are reported but only fail-on and the invalid file fail the gate', async () => {
    const report = await check({ failOnGap: false, failOn: 'never' });
    expect(report.summary.byVerdict.gap).toBe(4);
    expect(report.summary.gate).toEqual({
      result: 'fail',
      failOn: 'never',
      failOnConfidence: 'medium',
      failOnGap: false,
      reasons: ['1 problem with the policy files (.github/controls.yml), which always fail the gate'],
    });
    expect(report.findings.filter((f) => f.blocking).map((f) => f.ruleId)).toEqual(['controls-file-invalid']);
  });

  it('require-declarations technological: each undeclared control is a finding', async () => {
    const report = await check({ requireDeclarations: 'technological' });
    const undeclared = report.findings.filter((f) => f.ruleId === 'control-undeclared');
    expect(undeclared).toHaveLength(23);
    expect(undeclared.every((f) => f.location?.startLine === 7 && f.controls.length === 1)).toBe(true);
  });
});

describe('parseDeclarations', () => {
  it('locates YAML syntax errors and makes every control unverifiable', () => {
    const d = parseDeclarations('version: 1\ncontrols:\n  "8.28": [implemented\n', 'c.yml');
    expect(d.unreadable).toMatch(/^not valid YAML at line 4: /);
    expect(d.problems).toEqual([
      expect.objectContaining({
        kind: 'declarations-file',
        location: { path: 'c.yml', startLine: 4, startColumn: 1 },
      }),
    ]);
  });

  it('asks for quotes around ids that YAML reads as numbers, and rejects unknown ids', () => {
    const d = parseDeclarations(
      'version: 1\ncontrols:\n  8.10: { status: planned }\n  "8.35": { status: planned }\n  "5.38": { status: planned }\n  "5.37": { status: planned }\n  "7.14": { status: planned }\n',
      'c.yml',
    );
    const hint =
      '(use an ISO/IEC 27002:2022 id: 5.1-5.37, 6.1-6.8, 7.1-7.14 or 8.1-8.34; or an ISO/IEC 27001:2013 id such as A.9.2.3)';
    expect(d.problems.map((p) => [p.location?.startLine, p.message])).toEqual([
      [3, 'c.yml: control id 8.10 must be quoted ("8.10"): YAML reads it as the number 8.1'],
      [4, `c.yml: unknown control id "8.35" ${hint}`],
      [5, `c.yml: unknown control id "5.38" ${hint}`],
    ]);
    expect([...d.controls.keys()]).toEqual(['5.37', '7.14']);
    expect(d.invalid.has('8.10')).toBe(true);
  });

  it('merges several 2013 ids of one control to the weakest claim, and a direct id wins', () => {
    const d = parseDeclarations(
      [
        'version: 1',
        'controls:',
        '  A.12.4.1: { status: implemented, evidence: [a.md] }',
        '  A.12.4.3: { status: planned, evidence: [b.md] }',
        '  A.9.4.5: { status: planned }',
        '  "8.4": { status: implemented }',
        '',
      ].join('\n'),
      'c.yml',
    );
    expect(d.controls.get('8.15')).toMatchObject({
      status: 'planned',
      from2013: 'A.12.4.1, A.12.4.3',
      evidence: ['a.md', 'b.md'],
    });
    expect(d.controls.get('8.4')).toMatchObject({ status: 'implemented', from2013: null });
    expect(d.notices).toEqual(
      expect.arrayContaining([
        'c.yml:5: A.9.4.5 (ISO/IEC 27001:2013) is 8.4, which is declared directly; the direct declaration is used',
        expect.stringContaining(
          '8.15 is declared through several ISO/IEC 27001:2013 ids with different statuses',
        ),
      ]),
    );
  });

  it('locates schema errors at the offending value and rejects duplicate exception ids', () => {
    const d = parseDeclarations(
      [
        'version: 1',
        'owner: 42',
        'exceptions:',
        '  - { id: E0, rules: [a-rule], expires: 31/01/2027 }',
        '  - { id: E1, rules: [a-rule] }',
        '  - { id: E1, rules: [b-rule] }',
        '',
      ].join('\n'),
      'c.yml',
    );
    expect(d.problems.map((p) => [p.location?.startLine, p.message])).toEqual([
      [2, 'c.yml: /owner: must be of type string'],
      [4, 'c.yml: /exceptions/0/expires: must be a date written YYYY-MM-DD'],
      [6, 'c.yml: exception id "E1" is also used by exception 2; ids must be unique'],
    ]);
    expect(d.exceptions.map((e) => e.id)).toEqual(['E1']);
  });
});

describe('schemas/controls.schema.json', () => {
  const schema = JSON.parse(readFileSync(packagePath('schemas', 'controls.schema.json'), 'utf8'));

  it('compiles under a strict ajv and is draft-07', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(() => strictAjv().compile(schema)).not.toThrow();
  });

  it('accepts the demo repository declarations and the example in the README', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const example = /```yaml\n(# yaml-language-server: \$schema=\S+controls\.schema\.json\n[\s\S]*?)```/.exec(
      readme,
    )?.[1];
    expect(example).toBeDefined();
    for (const text of [
      readFileSync(path.join(REPO_ROOT, 'examples/demo-repo/.github/controls.yml'), 'utf8'),
      example!,
    ]) {
      const d = parseDeclarations(text, 'c.yml');
      expect(d.problems).toEqual([]);
    }
  });
});
