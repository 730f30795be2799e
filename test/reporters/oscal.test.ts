import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import type { Report } from '../../src/core/types.js';
import { OSCAL_NS, renderOscal, renderOscalString } from '../../src/reporters/oscal.js';
import { HOSTILE_PATH, sampleReport } from '../fixtures/report/sample-report.js';
import { scratchRepo } from '../helpers/git-repo.js';
import { oscalValidator } from './helpers.js';

const validate = oscalValidator();

function expectValid(doc: unknown): void {
  const ok = validate(doc);
  expect(validate.errors?.slice(0, 5) ?? []).toEqual([]);
  expect(ok).toBe(true);
}

/** The sample with what a real run adds: identity, time, declarations header, scopes, evidence files. */
function auditedSample(): Report {
  const report = sampleReport();
  report.repository = {
    ...report.repository,
    name: 'acme/payments',
    url: 'https://github.com/acme/payments',
    ref: 'refs/heads/main',
  };
  report.run = { time: '2026-06-01T12:00:00.000Z', url: 'https://github.com/acme/payments/actions/runs/42' };
  report.declarations = {
    file: '.github/controls.yml',
    scope: 'Payments API\nrepository ',
    owner: '@acme/security',
    approvedBy: '@acme/ciso',
    reviewed: '2026-05-01',
  };
  for (const r of report.rules) {
    if (r.result === 'disabled') continue;
    r.scope = { files: 3, examples: ['a.yml', HOSTILE_PATH, 'dir/b c.yml'], settings: [], basis: 'tree' };
  }
  const c = report.controls.find((x) => x.id === '8.28')!;
  c.evidence = [
    {
      ref: 'docs/secure-coding.md',
      kind: 'path',
      status: 'present',
      detail: null,
      files: [{ path: 'docs/secure-coding.md', sha256: 'a'.repeat(64), bytes: 1200 }],
    },
    { ref: 'https://wiki.example.com/secure coding', kind: 'url', status: 'not-verified', detail: null },
  ];
  return report;
}

interface Prop {
  name: string;
  ns: string;
  value: string;
}
interface Observation {
  uuid: string;
  title: string;
  methods: string[];
  'relevant-evidence'?: { href?: string; description: string; props?: Prop[] }[];
}
interface OscalFinding {
  uuid: string;
  description: string;
  remarks?: string;
  target: { 'target-id': string; status: { state: string; reason?: string } };
  'related-observations'?: { 'observation-uuid': string }[];
}
interface Result {
  props: Prop[];
  links: { href: string; rel: string; text?: string }[];
  start: string;
  'local-definitions': { components: { title: string; type: string }[] };
  'reviewed-controls': { 'control-selections': { 'include-controls': unknown[] }[] };
  observations: Observation[];
  findings: OscalFinding[];
}
interface Doc {
  'assessment-results': {
    uuid: string;
    metadata: Record<string, unknown> & { props: Prop[] };
    results: Result[];
  };
}

describe('renderOscal', () => {
  const report = auditedSample();
  const doc = renderOscal(report) as unknown as Doc;
  const ar = doc['assessment-results'];
  const result = ar.results[0]!;

  it('validates against the OSCAL 1.0.6 Assessment Results schema', () => {
    expectValid(doc);
    // The bare sample (no identity, no time, no scopes) too.
    expectValid(renderOscal(sampleReport()));
  });

  it('records the time, the tool and version, the repository, commit, ref and run', () => {
    expect(ar.metadata).toMatchObject({
      'last-modified': '2026-06-01T12:00:00.000Z',
      version: '0123456789abcdef0123456789abcdef01234567',
      'oscal-version': '1.0.6',
      links: [{ href: 'https://github.com/acme/payments', rel: 'repository' }],
    });
    const prop = (props: Prop[], name: string) => props.filter((p) => p.name === name).map((p) => p.value);
    expect(prop(ar.metadata.props, 'tool-version')).toEqual(['0.1.0']);
    expect(prop(ar.metadata.props, 'scope')).toEqual(['Payments API repository']);
    expect(prop(ar.metadata.props, 'approved-by')).toEqual(['@acme/ciso']);
    expect(prop(result.props, 'commit')).toEqual(['0123456789abcdef0123456789abcdef01234567']);
    expect(prop(result.props, 'ref')).toEqual(['refs/heads/main']);
    expect(prop(result.props, 'repository')).toEqual(['acme/payments']);
    expect(result.links).toEqual([
      { href: 'https://github.com/acme/payments/actions/runs/42', rel: 'ci-run', text: 'The CI run' },
    ]);
    expect(result.start).toBe('2026-06-01T12:00:00.000Z');
    expect(result['local-definitions'].components[0]).toMatchObject({
      title: 'controlgate',
      type: 'software',
    });
    for (const p of [...ar.metadata.props, ...result.props]) expect(p.ns).toBe(OSCAL_NS);
  });

  it('has one observation per rule run, per finding and per piece of evidence', () => {
    const evaluated = report.rules.filter((r) => r.scope);
    const evidence = report.controls.flatMap((c) => c.evidence);
    expect(result.observations).toHaveLength(evaluated.length + report.findings.length + evidence.length);
    const titles = result.observations.map((o) => o.title);
    expect(titles).toContain('Rule codeowners-present: fail');
    const rule = result.observations.find((o) => o.title === 'Rule codeowners-present: fail')!;
    expect(rule['relevant-evidence']!.map((e) => e.href)).toEqual([
      'https://github.com/acme/payments/blob/0123456789abcdef0123456789abcdef01234567/a.yml',
      `https://github.com/acme/payments/blob/0123456789abcdef0123456789abcdef01234567/${HOSTILE_PATH.split('/').map(encodeURIComponent).join('/')}`,
      'https://github.com/acme/payments/blob/0123456789abcdef0123456789abcdef01234567/dir/b%20c.yml',
    ]);
    const hashed = result.observations.find((o) => o.title === 'Evidence of 8.28: docs/secure-coding.md')!;
    expect(hashed).toMatchObject({ methods: ['EXAMINE'] });
    expect(hashed['relevant-evidence']![0]!.props).toEqual([
      { name: 'sha256', ns: OSCAL_NS, value: 'a'.repeat(64) },
    ]);
    const url = result.observations.find((o) => o.title.endsWith('secure coding'))!;
    expect(url['relevant-evidence']).toEqual([
      { href: 'https://wiki.example.com/secure%20coding', description: 'Recorded, not fetched' },
    ]);
  });

  it('has one finding per control, satisfied only when the verdict is, naming what it rests on', () => {
    expect(result.findings).toHaveLength(report.controls.length);
    expect(result['reviewed-controls']['control-selections'][0]!['include-controls']).toHaveLength(34);
    const byId = new Map(result.findings.map((f) => [f.target['target-id'], f]));
    const satisfied = byId.get('A.8.28')!;
    expect(satisfied.target.status).toEqual({ state: 'satisfied', reason: 'satisfied' });
    const gap = byId.get('A.8.4')!;
    expect(gap.target.status).toEqual({ state: 'not-satisfied', reason: 'gap' });
    expect(gap.description).toContain(
      'Verdict: gap. Declared implemented. rule codeowners-present has 1 open finding',
    );
    const assessed = byId.get('A.8.13')!;
    expect(assessed.target.status).toEqual({ state: 'not-satisfied', reason: 'not-assessed' });
    expect(assessed.remarks).toMatch(/^If 8.13 does not apply/);
    const uuids = new Set(result.observations.map((o) => o.uuid));
    for (const f of result.findings) {
      for (const r of f['related-observations'] ?? []) expect(uuids.has(r['observation-uuid'])).toBe(true);
    }
    // 8.4: its two rules' runs, its finding, its evidence.
    expect(gap['related-observations']!).toHaveLength(
      report.controls.find((c) => c.id === '8.4')!.rules.length + 1 + 1,
    );
  });

  it('renders the same report to the same document, and a different run to different ids', () => {
    expect(renderOscalString(auditedSample())).toBe(renderOscalString(auditedSample()));
    const later = auditedSample();
    later.run = { time: '2026-06-02T12:00:00.000Z', url: null };
    expect((renderOscal(later) as unknown as Doc)['assessment-results'].uuid).not.toBe(ar.uuid);
  });
});

describe('the OSCAL document of a real run', () => {
  it('validates, and traces every verdict to what was examined', async () => {
    const repo = scratchRepo();
    repo.commit({
      'infra/db.tf': 'resource "aws_db_instance" "main" {\n  backup_retention_period = 7\n}\n',
      'SECURITY.md': 'Report vulnerabilities to security@example.com.\n',
      '.github/controls.yml': [
        'version: 1',
        'scope: "Payments API"',
        'owner: "@acme/security"',
        'reviewed: 2026-05-20',
        'controls:',
        '  "8.13": { status: implemented, justification: "Seven days of backups." }',
        '  "8.15": { status: implemented, justification: "Load balancer logs." }',
        '  "5.24": { status: implemented, evidence: ["https://wiki.example.com/ir"] }',
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
    const doc = renderOscal(report) as unknown as Doc;
    expectValid(doc);
    const findings = doc['assessment-results'].results[0]!.findings;
    expect(findings).toHaveLength(93);
    const state = (id: string) => findings.find((f) => f.target['target-id'] === id)!.target.status;
    expect(state('A.8.13')).toEqual({ state: 'satisfied', reason: 'satisfied' });
    // A URL with the file's owner and a fresh review date is an attestation.
    expect(state('A.5.24')).toEqual({ state: 'satisfied', reason: 'satisfied' });
    expect(state('A.7.1')).toEqual({ state: 'not-satisfied', reason: 'undeclared' });
  });
});

describe('a hostile tree', () => {
  it('still renders a valid document', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cg-oscal-'));
    const odd = 'docs/we|rd <b> "x" #1 %zz.md';
    mkdirSync(path.join(root, 'docs'));
    writeFileSync(path.join(root, odd), `password = "hunter2hunter2"\n`);
    writeFileSync(
      path.join(root, 'controls.yml'),
      `version: 1\nscope: "  \\u0007 weird\\n scope "\ncontrols:\n  "8.12": { status: implemented, evidence: ["${odd}", "javascript:alert(1)", "https://x.example/a b"] }\n`,
    );
    const report = await runCheck({ root, controlsPath: 'controls.yml', failOn: 'never' });
    expectValid(renderOscal(report));
  });
});
