import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { FakeGitHub } from './helpers/fake-github.js';
import { oscalValidator } from './reporters/helpers.js';

const OFFLINE: NodeJS.ProcessEnv = { PATH: process.env.PATH };

async function cli(argv: string[], env: NodeJS.ProcessEnv = OFFLINE) {
  let stdout = '';
  let stderr = '';
  const code = await main(
    argv,
    {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      isTTY: false,
    },
    { env },
  );
  return { code, stdout, stderr };
}

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cg-cli-evidence-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const DECLARED = {
  'SECURITY.md': 'Report vulnerabilities to security@example.com; we answer within two days.\n',
  'src/app.js': 'const password = "hunter2hunter2hunter2";\n',
  '.github/controls.yml': [
    'version: 1',
    'scope: "Payments API"',
    'owner: "@acme/security"',
    'controls:',
    '  "8.8": { status: implemented, justification: "Security policy and Dependabot." }',
    '  "8.12": { status: implemented, justification: "No secrets in the repository." }',
    '',
  ].join('\n'),
};

describe('evidence from one CLI run', () => {
  it('writes the OSCAL document, the SoA (Markdown and CSV) and the JSON report of the same run', async () => {
    const root = tree(DECLARED);
    const out = mkdtempSync(path.join(tmpdir(), 'cg-out-'));
    const r = await cli([
      'check',
      root,
      '--format',
      'json',
      '--output',
      path.join(out, 'report.json'),
      '--oscal-file',
      path.join(out, 'oscal.json'),
      '--soa-file',
      path.join(out, 'soa.md'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const { summary } = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(r.stderr).toBe(
      `controlgate: ${summary.findings} findings, ${summary.blocking} blocking; gate fail; json report written to ${path.join(out, 'report.json')}; OSCAL assessment results written to ${path.join(out, 'oscal.json')}; Statement of Applicability written to ${path.join(out, 'soa.md')} and ${path.join(out, 'soa.csv')}\n`,
    );
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    const oscal = JSON.parse(readFileSync(path.join(out, 'oscal.json'), 'utf8'));
    const validate = oscalValidator();
    expect(validate(oscal)).toBe(true);
    // One run: the same time everywhere.
    expect(oscal['assessment-results'].metadata['last-modified']).toBe(report.run.time);
    expect(report.declarations).toEqual({
      file: '.github/controls.yml',
      scope: 'Payments API',
      owner: '@acme/security',
      approvedBy: null,
      reviewed: null,
    });
    expect(readFileSync(path.join(out, 'soa.md'), 'utf8')).toContain(
      '# Statement of Applicability: Payments API',
    );
    const csv = readFileSync(path.join(out, 'soa.csv'), 'utf8');
    // An owner starts with @, which a spreadsheet would take for a formula: it stays text.
    expect(csv.split('\r\n').find((l) => l.startsWith('8.12,'))).toMatch(
      /^8\.12,Data leakage prevention,Technological,yes,No secrets in the repository\.,implemented,'@acme\/security,,,unverifiable,rule github-secret-scanning could not be verified: .*,"api-token-committed \(pass; 2 files, detects problems only\);/,
    );
  });

  it('prints OSCAL with --format oscal', async () => {
    const r = await cli([
      'check',
      tree(DECLARED),
      '--format',
      'oscal',
      '--fail-on',
      'never',
      '--no-fail-on-gap',
    ]);
    expect(r.code).toBe(0);
    expect(oscalValidator()(JSON.parse(r.stdout))).toBe(true);
  });

  it('soa prints the Statement of Applicability, and exits 0 whatever the gate says', async () => {
    const root = tree(DECLARED);
    const md = await cli(['soa', root]);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# Statement of Applicability: Payments API\n/);
    const csv = await cli(['soa', root, '--format', 'csv']);
    expect(csv.stdout.split('\r\n')[0]).toBe(
      'control,title,theme,applicable,justification,status,owner,reviewed,evidence,verdict,reasons,assessed_by,last_assessed,commit',
    );
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'cg-soa-')), 'soa.csv');
    expect((await cli(['soa', root, '--output', file])).code).toBe(0);
    expect(readFileSync(file, 'utf8').startsWith('control,title,')).toBe(true);
    expect(await cli(['soa', root, '--format', 'json'])).toMatchObject({ code: 2 });
  });
});

describe("the CLI's online mode", () => {
  let fake: FakeGitHub;
  beforeAll(async () => {
    fake = await FakeGitHub.start();
  });
  afterAll(() => fake.close());

  const R = '/repos/acme/payments-api';
  const TOKEN = 'ghs_fakeTokenForTheFakeServer0000000000';
  const online = () => ({
    ...OFFLINE,
    GITHUB_TOKEN: TOKEN,
    GITHUB_REPOSITORY: 'acme/payments-api',
    GITHUB_API_URL: fake.url,
  });

  it('reads repository settings like the Action when GITHUB_TOKEN and GITHUB_REPOSITORY are set', async () => {
    fake.clearRequests();
    fake.state.responses = new Map([
      [
        R,
        {
          status: 200,
          body: {
            default_branch: 'main',
            security_and_analysis: {
              secret_scanning: { status: 'enabled' },
              secret_scanning_push_protection: { status: 'disabled' },
            },
          },
        },
      ],
    ]);
    const root = tree(DECLARED);
    const r = await cli(
      [
        'check',
        root,
        '--rule',
        'github-secret-scanning',
        '--format',
        'json',
        '--fail-on',
        'never',
        '--no-fail-on-gap',
        '--verbose',
      ],
      online(),
    );
    expect(r.code).toBe(0);
    expect(fake.log()).toEqual([`GET ${R}`]);
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const report = JSON.parse(r.stdout);
    expect(report.rules[0]).toMatchObject({
      id: 'github-secret-scanning',
      result: 'fail',
      scope: { files: 0, settings: [`GET ${R} -> 200`], basis: 'tree' },
    });
    expect(report.findings.map((f: { message: string }) => f.message)).toEqual([
      'Secret scanning push protection is not enabled for this repository.',
    ]);
    expect(r.stderr).toContain(
      `debug: reading the repository settings of acme/payments-api through the GitHub API (${new URL(fake.url).host})`,
    );
    expect(r.stderr + r.stdout).not.toContain(TOKEN);
  });

  it('says why settings are unverifiable without a token, and never asks with --offline', async () => {
    fake.clearRequests();
    const root = tree(DECLARED);
    const without = await cli(
      ['check', root, '--rule', 'github-secret-scanning', '--format', 'json', '--verbose'],
      {
        ...online(),
        GITHUB_TOKEN: '',
      },
    );
    expect(JSON.parse(without.stdout).rules[0]).toMatchObject({
      result: 'unverifiable',
      detail: expect.stringContaining('the CLI reads GITHUB_TOKEN and GITHUB_REPOSITORY'),
    });
    expect(without.stderr).toContain('debug: repository settings are not read: GITHUB_TOKEN is not set');
    const offline = await cli(
      ['check', root, '--rule', 'github-secret-scanning', '--offline', '--format', 'json'],
      online(),
    );
    expect(JSON.parse(offline.stdout).rules[0].result).toBe('unverifiable');
    expect(fake.requests).toEqual([]);
  });

  it('never sends the token in the clear to another machine', async () => {
    const r = await cli(['check', tree(DECLARED), '--rule', 'github-secret-scanning'], {
      ...online(),
      GITHUB_API_URL: 'http://api.example.com',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'controlgate: GITHUB_API_URL must be an https:// address (plain http only to this machine), so that GITHUB_TOKEN is never sent in the clear; got http://api.example.com\n',
    );
  });
});

describe('init online', () => {
  let fake: FakeGitHub;
  beforeAll(async () => {
    fake = await FakeGitHub.start();
  });
  afterAll(() => fake.close());

  it('drafts implemented what the repository settings confirm, and the next check agrees', async () => {
    const R = '/repos/acme/payments-api';
    fake.state.responses = new Map<string, { status: number; body?: unknown }>([
      [R, { status: 200, body: { default_branch: 'main', security_and_analysis: {} } }],
      [
        `${R}/rules/branches/main`,
        {
          status: 200,
          body: [
            {
              type: 'pull_request',
              parameters: { required_approving_review_count: 1, dismiss_stale_reviews_on_push: true },
            },
            { type: 'non_fast_forward' },
            { type: 'deletion' },
          ],
        },
      ],
      [
        `${R}/branches/main/protection`,
        {
          status: 200,
          body: {
            required_pull_request_reviews: {
              required_approving_review_count: 1,
              require_code_owner_reviews: true,
            },
            required_status_checks: { contexts: ['controlgate / gate'] },
          },
        },
      ],
    ]);
    const env = {
      ...OFFLINE,
      GITHUB_TOKEN: 'ghs_fakeTokenForTheFakeServer0000000000',
      GITHUB_REPOSITORY: 'acme/payments-api',
      GITHUB_API_URL: fake.url,
    };
    const root = tree({ '.github/CODEOWNERS': '* @acme/security\n', 'src/app.js': 'export const x = 1;\n' });
    const r = await cli(['init', root, '--default-branch', 'main'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}implemented \(\d+\), with the evidence controlgate verified: .*\b8\.4\b/m);
    expect(r.stdout).not.toContain('were not read');
    const checked = JSON.parse(
      (await cli(['check', root, '--default-branch', 'main', '--format', 'json', '--fail-on', 'never'], env))
        .stdout,
    );
    expect(checked.controls.find((c: { id: string }) => c.id === '8.4')).toMatchObject({
      declared: { status: 'implemented' },
      verdict: 'satisfied',
    });
    for (const c of checked.controls) {
      if (c.declared?.status === 'implemented') expect(c.verdict, c.id).toBe('satisfied');
      expect(['gap', 'not-assessed', 'unverifiable']).not.toContain(c.verdict);
    }
  });
});
