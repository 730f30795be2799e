import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { REPO_ROOT } from './helpers/fixtures.js';

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    isTTY: false,
  });
  return { code, stdout, stderr };
}

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cg-cli-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const BROKEN_WORKFLOW = 'on: push\njobs:\n  build:\n    runs-on: [ubuntu-latest\n    steps: []\n';

describe('controlgate CLI', () => {
  it('prints usage and exits 2 without a command, 0 with --help', async () => {
    expect(await cli()).toMatchObject({ code: 2, stdout: expect.stringContaining('Usage:') });
    expect(await cli('--help')).toMatchObject({ code: 0 });
  });

  it('exits 2 with a one-line error for a missing path', async () => {
    const r = await cli('check', '/nonexistent/repo');
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: 'controlgate: path not found or not a directory: /nonexistent/repo\n',
    });
  });

  it('exits 2 for an unknown option or format', async () => {
    expect((await cli('check', '--frmat', 'json')).code).toBe(2);
    const r = await cli('check', '.', '--format', 'xml');
    expect(r.stderr).toBe('controlgate: --format must be one of text, json, sarif, markdown; got "xml"\n');
  });

  it('exits 2 naming file, pointer and expectation for a broken user rule', async () => {
    const rules = repo({
      'bad-rule.yml':
        'id: bad-rule\ntitle: t\nseverity: severe\ncontrols: ["8.9"]\nrationale: r\nremediation: r\ncheck: { kind: file.exists, with: { paths: ["x"] } }\n',
    });
    const r = await cli('check', repo({ 'a.txt': 'a' }), '--rules', rules);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(rules, 'bad-rule.yml')}:3:11: /severity: must be one of:`);
  });

  it('reports broken YAML as a located finding while the other rules still run', async () => {
    const root = repo({ '.github/workflows/ci.yml': BROKEN_WORKFLOW });
    const r = await cli('check', root, '--format', 'json', '--fail-on', 'never');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const broken = report.findings.filter((f: { ruleId: string }) => f.ruleId === 'unparsable-file');
    expect(broken).toEqual([
      expect.objectContaining({
        location: expect.objectContaining({ path: '.github/workflows/ci.yml', startLine: 5 }),
      }),
    ]);
    expect(report.rules.filter((x: { result: string }) => x.result !== 'disabled').length).toBeGreaterThan(5);
    expect(report.findings.some((f: { ruleId: string }) => f.ruleId === 'security-policy')).toBe(true);
  });

  it('gates on --fail-on: exit 1 when a finding is at or above it, 0 otherwise', async () => {
    const root = repo({ '.github/workflows/ci.yml': BROKEN_WORKFLOW });
    expect((await cli('check', root, '--fail-on', 'high')).code).toBe(1);
    expect((await cli('check', root, '--fail-on', 'critical')).code).toBe(0);
    expect((await cli('check', root, '--fail-on', 'never')).code).toBe(0);
  });

  it('writes a report file with --output and a one-line summary on stderr', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'cg-out-')), 'sub', 'report.sarif');
    const r = await cli(
      'check',
      repo({ 'a.txt': 'a' }),
      '--format',
      'sarif',
      '--output',
      out,
      '--fail-on',
      'never',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^controlgate: \d+ findings, 0 blocking; gate pass; sarif report written to .*report\.sarif\n$/,
    );
    expect(JSON.parse(readFileSync(out, 'utf8')).version).toBe('2.1.0');
  });

  it('lists rules and controls, and explains a rule, a control and a 2013 id', async () => {
    const rules = await cli('rules');
    expect(rules.stdout).toContain('workflow-unpinned-action');
    expect((await cli('controls')).stdout).toMatch(/8\.28\s+Secure coding/);
    expect((await cli('explain', 'dockerfile-root-user')).stdout).toContain(
      '8.18  Use of privileged utility programs',
    );
    expect((await cli('explain', '8.24')).stdout).toContain('tls-verification-disabled');
    expect((await cli('explain', 'A.9.2.3')).stdout).toContain('A.9.2.3 (ISO/IEC 27001:2013) is now 8.2.');
    expect(await cli('explain', 'nope')).toMatchObject({ code: 2 });
  });

  it('lists the check kinds for custom rules', async () => {
    const r = await cli('rules', '--kinds');
    for (const kind of [
      'file.exists',
      'file.absent',
      'content.forbidden',
      'content.required',
      'structured.schema',
    ]) {
      expect(r.stdout).toContain(kind);
    }
  });

  it('checks the demo repository', async () => {
    const r = await cli('check', path.join(REPO_ROOT, 'examples', 'demo-repo'), '--format', 'json');
    const report = JSON.parse(r.stdout);
    expect(r.code).toBe(report.summary.gate.result === 'fail' ? 1 : 0);
    expect(report.findings.length).toBeGreaterThan(5);
  });
});
