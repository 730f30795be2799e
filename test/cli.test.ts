import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaValidator, validate } from '../src/core/validate.js';
import { parseYaml } from '../src/core/workspace/yaml.js';
import { cli } from './helpers/cli.js';
import { REPO_ROOT } from './helpers/fixtures.js';
import { scratchRepo } from './helpers/git-repo.js';

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
    expect(r.stderr).toBe(
      'controlgate: --format must be one of text, json, sarif, markdown, junit, csv, cyclonedx, oscal; got "xml"\n',
    );
  });

  it.each(['0', '65', '1.5', 'two', ''])('exits 2 for --jobs %j', async (jobs) => {
    expect(await cli('check', '.', '--jobs', jobs)).toEqual({
      code: 2,
      stdout: '',
      stderr: `controlgate: --jobs must be a whole number from 1 to 64; got "${jobs}"\n`,
    });
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
    expect(report.findings.some((f: { ruleId: string }) => f.ruleId === 'codeowners-present')).toBe(true);
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

  it('gives SARIF paths from the repository root when checking a folder of a git repository', async () => {
    const repo = scratchRepo();
    repo.commit({ 'services/api/config.py': 'TOKEN = "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"\n' });
    const r = await cli(
      'check',
      path.join(repo.dir, 'services', 'api'),
      '--format',
      'sarif',
      '--rule',
      'api-token-committed',
    );
    const results = JSON.parse(r.stdout).runs[0].results;
    expect(
      results.map(
        (x: { locations: { physicalLocation: { artifactLocation: unknown } }[] }) =>
          x.locations[0]!.physicalLocation.artifactLocation,
      ),
    ).toEqual([{ uri: 'services/api/config.py', uriBaseId: '%SRCROOT%' }]);
  });

  it('lists rules and controls, and explains a rule, a control and a 2013 id', async () => {
    const rules = await cli('rules');
    expect(rules.stdout).toContain('workflow-unpinned-action');
    const controls = (await cli('controls')).stdout;
    expect(controls).toMatch(/\n8\.28\s+Technological\s+Secure coding\s+\d+ rules\n/);
    expect(controls).toMatch(/\n7\.12\s+Physical\s+Cabling security\s+evidence only\n/);
    expect(controls).toContain('Controls checked by at least one rule: organizational ');
    const listed = JSON.parse((await cli('controls', '--json')).stdout);
    expect(listed).toHaveLength(93);
    expect(listed.find((c: { id: string }) => c.id === '8.4')).toMatchObject({
      theme: 'Technological',
      coverage: 'rules',
      rules: expect.arrayContaining(['codeowners-present', 'github-branch-protection']),
    });
    expect(controls.match(/^[5-8]\.\d+ /gm)).toHaveLength(93);
    expect((await cli('explain', 'dockerfile-root-user')).stdout).toContain(
      '8.18  Use of privileged utility programs',
    );
    expect((await cli('explain', '8.24')).stdout).toContain('tls-verification-disabled');
    expect((await cli('explain', 'A.9.2.3')).stdout).toContain('A.9.2.3 (ISO/IEC 27001:2013) is now 8.2.');
    const policy = (await cli('explain', 'A.5.1.2')).stdout;
    expect(policy).toContain('A.5.1.2 (ISO/IEC 27001:2013) is now 5.1.');
    expect(policy).toContain('Theme: Organizational');
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

  it('reports a malformed declarations file as a located finding that fails the gate', async () => {
    const root = repo({ '.github/controls.yml': 'version: 1\ncontrols:\n  "8.28":\n    status: done\n' });
    const r = await cli('check', root, '--format', 'json', '--fail-on', 'never', '--no-fail-on-gap');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.findings.filter((f: { ruleId: string }) => f.ruleId === 'controls-file-invalid')).toEqual([
      expect.objectContaining({
        location: { path: '.github/controls.yml', startLine: 4, startColumn: 13 },
        message: expect.stringContaining('/controls/8.28/status: must be one of'),
        blocking: true,
      }),
    ]);
    expect(report.summary.gate.reasons[0]).toMatch(/which always fail the gate/);
    expect(r.stderr).toContain(
      'warning: The declarations file is invalid (1 problem; first at .github/controls.yml:4)',
    );
  });

  it('reads declarations from --controls and gates on gaps unless --no-fail-on-gap', async () => {
    const root = repo({
      'docs/soa.yml': 'version: 1\ncontrols:\n  "8.4":\n    status: implemented\n',
    });
    const gap = await cli('check', root, '--controls', 'docs/soa.yml', '--fail-on', 'never');
    expect(gap.code).toBe(1);
    expect(gap.stdout).toContain('8.4  Access to source code  GAP  (implemented, 1 finding)');
    expect(gap.stdout).toContain(
      'control 8.4 (Access to source code) has a gap: rule codeowners-present has 1 open finding',
    );
    const off = await cli(
      'check',
      root,
      '--controls',
      'docs/soa.yml',
      '--fail-on',
      'never',
      '--no-fail-on-gap',
    );
    expect(off.code).toBe(0);
  });

  it('makes undeclared controls findings with --require-declarations technological', async () => {
    const r = await cli(
      'check',
      repo({ 'a.txt': 'a' }),
      '--require-declarations',
      'technological',
      '--format',
      'json',
    );
    const undeclared = JSON.parse(r.stdout).findings.filter(
      (f: { ruleId: string }) => f.ruleId === 'control-undeclared',
    );
    expect(undeclared).toEqual([expect.objectContaining({ location: null })]);
    const root = repo({ '.github/controls.yml': 'version: 1\ncontrols:\n  "8.4": { status: planned }\n' });
    const all = JSON.parse(
      (await cli('check', root, '--require-declarations', 'all', '--format', 'json', '--fail-on', 'never'))
        .stdout,
    );
    const missing = all.findings.filter((f: { ruleId: string }) => f.ruleId === 'control-undeclared');
    expect(missing).toHaveLength(92);
    expect(missing[0].message).toMatch(
      /^5\.1 \(Policies for information security\) is not declared: require-declarations is "all"/,
    );
    expect((await cli('check', '.', '--require-declarations', 'every')).code).toBe(2);
  });

  it('init drafts declarations for the demo repository that validate, and the next check confirms every entry', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cg-init-'));
    cpSync(path.join(REPO_ROOT, 'examples', 'demo-repo'), root, { recursive: true });
    rmSync(path.join(root, '.github', 'controls.yml'));
    const r = await cli('init', root);
    expect(r.code).toBe(0);
    // Without the API, the controls resting on repository settings (branch protection, environments)
    // cannot be confirmed, so nothing is claimed implemented; controls whose rules found nothing to
    // examine (Terraform-only ones: the demo holds no Terraform; 8.14, whose Kubernetes rule finds no
    // Deployment among the demo's YAML) are proposed not applicable.
    expect(r.stdout.split('\n').slice(0, 4)).toEqual([
      `wrote ${path.join(root, '.github', 'controls.yml')}: the 93 controls of ISO/IEC 27002:2022, each as the next \`controlgate check\` confirms it.`,
      '  implemented (0), with the evidence controlgate verified: none',
      '  not-applicable (8), proposed because the repository holds nothing their rules check; confirm each justification: 8.10, 8.13, 8.14, 8.15, 8.16, 8.23, 8.30, 8.34',
      expect.stringMatching(
        /^ {2}planned \(85\), each with a TODO to decide: 26 technological \(8\.1, .*\) and 59 organizational, people and physical controls$/,
      ),
    ]);
    expect(r.stdout).toContain(
      '  - the header: owner, approved-by, and reviewed once the declarations are approved.',
    );
    expect(r.stdout).toContain(
      'repository settings (branch protection, secret scanning) were not read (GITHUB_TOKEN is not set)',
    );
    const text = readFileSync(path.join(root, '.github', 'controls.yml'), 'utf8');
    expect(text.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=https://raw.githubusercontent.com/controlgate/controlgate/main/schemas/controls.schema.json',
    );
    const parsed = parseYaml(text);
    if (!parsed.ok) throw new Error(`the draft is not YAML: ${parsed.error.message}`);
    const doc = parsed.documents[0]!;
    expect(validate(schemaValidator('controls.schema.json'), doc.value, doc)).toEqual([]);
    const entries = (doc.value as { controls: Record<string, { status: string; justification: string }> })
      .controls;
    expect(Object.keys(entries)).toHaveLength(93);
    expect(entries['8.13']).toEqual({
      status: 'not-applicable',
      justification:
        'This repository holds no Terraform resources of the types the rule checks (*.tf, *.tofu and their JSON forms): nothing for the rule that checks 8.13 here. Proposed by controlgate init from that alone; not applicable only if nothing else 8.13 covers is kept here.',
    });
    expect(entries['8.14']).toEqual({
      status: 'not-applicable',
      justification:
        'This repository holds no Kubernetes Deployments, StatefulSets or ReplicaSets, no Terraform resources of the types the rule checks (*.tf, *.tofu and their JSON forms): nothing for the 2 rules that check 8.14 here. Proposed by controlgate init from that alone; not applicable only if nothing else 8.14 covers is kept here.',
    });
    expect(entries['8.4']!.justification).toMatch(
      /^TODO: evidence found \(\.github\/CODEOWNERS\), but the check calls it unverifiable: rule github-branch-protection could not be verified/,
    );

    const checked = JSON.parse((await cli('check', root, '--format', 'json', '--fail-on', 'never')).stdout);
    expect(checked.findings.filter((f: { ruleId: string }) => f.ruleId.startsWith('control'))).toEqual([]);
    const expected: Record<string, string> = {
      planned: 'planned',
      'not-applicable': 'not-applicable',
      implemented: 'satisfied',
    };
    for (const c of checked.controls) expect(c.verdict, c.id).toBe(expected[entries[c.id]!.status]);

    const again = await cli('init', root);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists; init never overwrites it');
    expect(readFileSync(path.join(root, '.github', 'controls.yml'), 'utf8')).toBe(text);
  });

  it('init takes the default branch from --default-branch, and never drafts what the next check calls a gap', async () => {
    const git = scratchRepo();
    git.git('checkout', '-q', '-b', 'trunk');
    git.commit({
      'app.py': 'print("hello")\n',
      '.github/workflows/codeql.yml': [
        'on:',
        '  pull_request:',
        '    branches: [trunk]',
        'permissions:',
        '  contents: read',
        'jobs:',
        '  analyze:',
        '    runs-on: ubuntu-latest',
        '    permissions:',
        '      security-events: write',
        '    steps:',
        '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683',
        '        with:',
        '          persist-credentials: false',
        '      - uses: github/codeql-action/init@df409f7d9260372bd5f19e5b04e83cb3c43714ae',
        '      - uses: github/codeql-action/analyze@df409f7d9260372bd5f19e5b04e83cb3c43714ae',
        '',
      ].join('\n'),
    });
    // Without origin/HEAD main or master is assumed, as check assumes it: the SAST evidence is not claimed.
    const assumed = await cli('init', git.dir, '--controls', 'assumed.yml');
    expect(assumed.stdout).toContain('  implemented (0), with the evidence controlgate verified: none');
    expect(assumed.stdout).toContain(
      'if trunk (checked out) is the default branch, run init and check with --default-branch trunk',
    );
    const r = await cli('init', git.dir, '--default-branch', 'trunk');
    expect(r.stdout).toContain('  implemented (1), with the evidence controlgate verified: 8.28');
    expect(r.stdout).toContain(
      '  - the default branch: trunk (from --default-branch: pass it to check too).',
    );
    const text = readFileSync(path.join(git.dir, '.github', 'controls.yml'), 'utf8');
    expect(text).toContain(
      '  "8.28": # Secure coding\n    status: implemented\n    justification: "controlgate found: Static analysis (SAST) runs on every pull request."\n    evidence: [".github/workflows/codeql.yml"]\n',
    );
    const checked = JSON.parse(
      (await cli('check', git.dir, '--default-branch', 'trunk', '--format', 'json', '--fail-on', 'never'))
        .stdout,
    );
    const verdicts = checked.controls.map((c: { verdict: string }) => c.verdict);
    expect(verdicts).not.toContain('gap');
    expect(verdicts).not.toContain('not-assessed');
    expect(verdicts).not.toContain('unverifiable');
    expect(checked.controls.find((c: { id: string }) => c.id === '8.28').verdict).toBe('satisfied');
    // Without --default-branch the evidence asks git for origin/HEAD: main or master until it names trunk.
    const sast = async () =>
      JSON.parse(
        (await cli('check', git.dir, '--format', 'json', '--fail-on', 'never')).stdout,
      ).controls.find((c: { id: string }) => c.id === '8.28').verdict;
    expect(await sast()).not.toBe('satisfied');
    git.git('update-ref', 'refs/remotes/origin/trunk', 'HEAD');
    git.git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/trunk');
    expect(await sast()).toBe('satisfied');
  });

  it('init writes where --controls says, and only there', async () => {
    const root = repo({ 'a.txt': 'a' });
    const r = await cli('init', root, '--controls', 'compliance/soa.yml');
    expect(r.code).toBe(0);
    expect(existsSync(path.join(root, 'compliance', 'soa.yml'))).toBe(true);
    expect(existsSync(path.join(root, '.github', 'controls.yml'))).toBe(false);
  });
  it('checks a change with --base: only new findings block, and per-file rules read the changed files', async () => {
    const { dir, commit, git } = scratchRepo();
    const step = (ref: string) =>
      `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/cache@${ref}\n`;
    commit({ '.github/workflows/old.yml': step('v4'), 'README.md': 'x\n' });
    git('checkout', '-q', '-b', 'topic');
    commit({ 'README.md': 'y\n' });
    const rule = ['--rule', 'workflow-unpinned-action', '--format', 'json'];
    const unchanged = await cli('check', dir, '--base', 'main', ...rule);
    expect(unchanged.code).toBe(0);
    expect(JSON.parse(unchanged.stdout).summary).toMatchObject({ files: 2, changedFiles: 1, findings: 0 });
    const all = await cli('check', dir, '--base', 'main', '--scan', 'all', ...rule);
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout).findings.map((f: { isNew: boolean }) => f.isNew)).toEqual([false]);
    expect((await cli('check', dir, '--base', 'main', '--gate', 'all', ...rule)).code).toBe(1);

    commit({ '.github/workflows/new.yml': step('v3') });
    const added = await cli('check', dir, '--base', 'main', ...rule);
    expect(added.code).toBe(1);
    expect(
      JSON.parse(added.stdout).findings.map((f: { location: { path: string } }) => f.location.path),
    ).toEqual(['.github/workflows/new.yml']);
    const text = await cli('check', dir, '--base', 'main', '--rule', 'workflow-unpinned-action');
    expect(text.stdout).toContain('scope  2 changed files of 3, 1 rule,');

    expect(await cli('check', dir, '--scan', 'changed')).toMatchObject({
      code: 2,
      stderr: 'controlgate: --gate new and --scan need --base <ref>\n',
    });
    expect(await cli('check', dir, '--base', 'main', '--gate', 'some')).toMatchObject({
      code: 2,
      stderr: 'controlgate: --gate must be one of new, all; got "some"\n',
    });
    expect(await cli('check', dir, '--base', 'no-such-ref')).toMatchObject({
      code: 2,
      stderr: `controlgate: --base no-such-ref: no such commit in the repository at ${dir}\n`,
    });
  });
});
