import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../src/core/engine.js';
import type { Report } from '../src/core/types.js';
import {
  planAnnotations,
  renderJson,
  renderMarkdown,
  renderSarifString,
  renderText,
} from '../src/reporters/index.js';
import { scratchRepo } from './helpers/git-repo.js';

/**
 * Hostile input: what a pull request can put in the tree. Each run must end (the test timeout is the
 * bound), read nothing outside the workspace, keep every output well-formed, and turn unparsable files
 * into located findings.
 */

function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cg-hostile-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return root;
}

function allOutputs(report: Report): string[] {
  return [
    renderText(report, { color: false }),
    renderText(report, { color: true }),
    renderJson(report),
    renderSarifString(report),
    renderMarkdown(report),
    JSON.stringify(planAnnotations(report)),
  ];
}

const FAKE_KEY =
  '-----BEGIN RSA PRIVATE KEY-----\nOUTSIDEWORKSPACEKEYMATERIAL\n-----END RSA PRIVATE KEY-----\n';

describe('hostile input', () => {
  it('never reads through symlinks to /etc/passwd or to a folder outside the repository', async () => {
    const outside = tree({ id_rsa: FAKE_KEY, 'creds/.env': 'TOKEN=outside' });
    const root = tree({ 'README.md': '# repo\n' });
    symlinkSync('/etc/passwd', path.join(root, 'passwd.yml'));
    symlinkSync(outside, path.join(root, 'linked'));
    symlinkSync(path.join(outside, 'id_rsa'), path.join(root, 'key.pem'));
    const report = await runCheck({ root, failOn: 'never' });
    const text = allOutputs(report).join('\n');
    expect(text).not.toContain('OUTSIDEWORKSPACEKEYMATERIAL');
    expect(text).not.toContain('root:x:0:0');
    expect(report.findings.filter((f) => f.ruleId === 'private-key-committed')).toEqual([]);
    expect(report.errors).toEqual([]);
  });

  it('in a git repository too: a tracked folder swapped for a symlink after checkout, an untracked one', async () => {
    const outside = tree({ 'keys/id_rsa': FAKE_KEY, 'creds/.env': 'TOKEN=outside' });
    const repo = scratchRepo();
    repo.commit({ 'README.md': '# repo\n', 'keys/id_rsa': 'placeholder\n', 'creds/.env': 'placeholder\n' });
    // What an earlier step of the job could do to the checkout.
    rmSync(path.join(repo.dir, 'keys'), { recursive: true });
    symlinkSync(path.join(outside, 'keys'), path.join(repo.dir, 'keys'));
    symlinkSync(path.join(outside, 'creds'), path.join(repo.dir, 'linked-creds'));
    const report = await runCheck({ root: repo.dir, failOn: 'never' });
    const text = allOutputs(report).join('\n');
    expect(text).not.toContain('OUTSIDEWORKSPACEKEYMATERIAL');
    expect(text).not.toContain('TOKEN=outside');
    expect(report.findings.filter((f) => f.location?.path.startsWith('keys/'))).toEqual([]);
    expect(report.findings.filter((f) => f.location?.path.startsWith('linked-creds/'))).toEqual([]);
    expect(report.errors).toEqual([]);
  });

  it('judges a link to a file of the tree at the link (deploy/pod.yaml -> ../test/e2e/pod.yaml); a link out of it is reported, not read', async () => {
    const outside = tree({ 'pod.yaml': 'OUTSIDEWORKSPACEKEYMATERIAL\n' });
    const repo = scratchRepo();
    const base = repo.commit({ 'README.md': '# repo\n' });
    repo.git('checkout', '-q', '-b', 'pr');
    const pod = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  containers:\n    - name: c\n      image: nginx@sha256:${'0'.repeat(64)}\n      securityContext: {privileged: true}\n`;
    repo.commit({ 'test/e2e/pod.yaml': pod });
    mkdirSync(path.join(repo.dir, 'deploy'));
    symlinkSync('../test/e2e/pod.yaml', path.join(repo.dir, 'deploy/pod.yaml'));
    symlinkSync(path.join(outside, 'pod.yaml'), path.join(repo.dir, 'deploy/out.yaml'));
    symlinkSync('../../pod.yaml', path.join(repo.dir, 'deploy/up.yaml'));
    repo.commit({});
    const report = await runCheck({
      root: repo.dir,
      base,
      failOn: 'high',
      change: { scope: 'new', baseline: base, scan: 'changed' },
    });
    expect(allOutputs(report).join('\n')).not.toContain('OUTSIDEWORKSPACEKEYMATERIAL');
    const privileged = report.findings.filter((f) => f.ruleId === 'k8s-privileged-container');
    expect(privileged.map((f) => [f.location?.path, f.severity, f.confidence, f.blocking, f.isNew])).toEqual([
      ['deploy/pod.yaml', 'high', 'high', true, true],
    ]);
    expect(report.summary.gate.result).toBe('fail');
    // The links out of the tree are said in the report of the rules that met them.
    const left = report.rules
      .flatMap((r) => r.scope?.leftOut ?? [])
      .filter((l) => l.kind === 'symbolic link');
    expect(left.length).toBeGreaterThan(0);
    expect(new Set(left.flatMap((l) => l.examples))).toEqual(new Set(['deploy/out.yaml', 'deploy/up.yaml']));
    expect(new Set(left.map((l) => l.reason))).toEqual(
      new Set(['not followed: its target is outside the checked tree']),
    );
    expect(report.errors).toEqual([]);
  });

  it('reads a 101 MiB file only as far as the secret scan goes, and says where it stopped', async () => {
    const root = tree({ 'ok.txt': 'fine\n' });
    const fd = openSync(path.join(root, 'huge.sh'), 'w');
    const chunk = Buffer.alloc(1024 * 1024, 'curl -k https://example.test\n');
    for (let i = 0; i < 101; i++) writeSync(fd, chunk);
    closeSync(fd);
    const report = await runCheck({ root, failOn: 'never' });
    expect(report.summary.files).toBe(2);
    // The content rules do not read it (over the size cap); the secret scan streams 100 MiB of it
    // (the largest file GitHub takes): 100 times 36,157 line breaks (a MiB holds 36,157 of the
    // 29-byte lines and part of one more). The rest may hold anything: high.
    expect(
      report.findings
        .filter((f) => f.location?.path === 'huge.sh')
        .map((f) => [f.ruleId, f.severity, f.location?.startLine, f.message]),
    ).toEqual([
      [
        'hardcoded-secret',
        'high',
        3_615_701,
        'Part of this file was not scanned for secrets: the file has 105,906,176 bytes and only the first 104,857,600 were read (from line 3615701, column 1); nothing after it was looked at, so split the file or remove it.',
      ],
    ]);
    expect(report.errors).toEqual([]);
  });

  it('skips binary and invalid UTF-8 files without errors', async () => {
    const root = tree({
      'image.bin': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]),
      'latin1.sh': Buffer.from([0x63, 0x75, 0x72, 0x6c, 0x20, 0x2d, 0x6b, 0x20, 0xff, 0xfe, 0x0a]),
      '.github/workflows/bad-utf8.yml': Buffer.concat([
        Buffer.from('on: push\njobs: {}\nname: "'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('"\n'),
      ]),
    });
    const report = await runCheck({ root, failOn: 'never' });
    expect(report.errors).toEqual([]);
    for (const out of allOutputs(report))
      expect(() => Buffer.from(out, 'utf8').toString('utf8')).not.toThrow();
  });

  it('turns a YAML alias bomb and 10,000 levels of nesting into located findings or bounded parses', async () => {
    const bomb = ['on: push', 'x0: &x0 ["a","a","a","a","a","a","a","a","a","a"]'];
    for (let i = 1; i < 40; i++)
      bomb.push(
        `x${i}: &x${i} [${Array(10)
          .fill(`*x${i - 1}`)
          .join(', ')}]`,
      );
    bomb.push('jobs: {}');
    const root = tree({
      '.github/workflows/bomb.yml': `${bomb.join('\n')}\n`,
      '.github/workflows/deep.yml': `on: push\njobs: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
    });
    const report = await runCheck({ root, failOn: 'never' });
    expect(report.errors).toEqual([]);
    const unparsable = report.findings.filter((f) => f.ruleId === 'unparsable-file').map((f) => f.location);
    expect(unparsable).toContainEqual(
      expect.objectContaining({ path: '.github/workflows/deep.yml', startLine: 2 }),
    );
  });

  it('handles a workflow with 10,000 steps', async () => {
    const steps = Array.from({ length: 10_000 }, (_, i) => `      - run: echo ${i}`).join('\n');
    const root = tree({
      '.github/workflows/many.yml': `on: push\npermissions: {}\njobs:\n  big:\n    runs-on: ubuntu-latest\n    steps:\n${steps}\n`,
    });
    const report = await runCheck({ root, failOn: 'never' });
    expect(report.errors).toEqual([]);
    expect(report.findings.filter((f) => f.location?.path === '.github/workflows/many.yml')).toEqual([]);
  });

  it('runs every content pattern against lines built to make regular expressions backtrack', async () => {
    const attacks = [
      'a'.repeat(50_000),
      ' '.repeat(50_000),
      `curl ${'-'.repeat(20_000)}`,
      `curl${' -'.repeat(20_000)}k`,
      `password = "${'a'.repeat(30_000)}`,
      `-----BEGIN ${'A '.repeat(20_000)}`,
      `https://${'a:'.repeat(20_000)}@`,
      `${'x'.repeat(10_000)}=${'y'.repeat(10_000)}`,
      `NODE_TLS_REJECT_UNAUTHORIZED${' '.repeat(30_000)}=`,
      `eyJ${'a'.repeat(20_000)}.`,
    ].join('\n');
    const files: Record<string, string> = {};
    for (const name of [
      'run.sh',
      'Dockerfile',
      '.github/workflows/ci.yml',
      'config.yml',
      'app.js',
      '.env.example',
      'main.tf',
    ]) {
      files[name] = `${attacks}\n`;
    }
    const report = await runCheck({ root: tree(files), failOn: 'never' });
    expect(report.errors).toEqual([]);
  });

  it('keeps every output well-formed for hostile file names', async () => {
    const names = [
      'a\nb.sh',
      'x::error::pwned.sh',
      'p%0A%25.sh',
      'c,o,m,m,a.sh',
      '<img src=x onerror=alert(1)>.sh',
      '| *bold* [l](javascript:x) `t`.sh',
    ];
    const files: Record<string, string> = {};
    for (const n of names) files[`deploy/${n}`] = 'curl -k https://example.test/install\n';
    const report = await runCheck({ root: tree(files), failOn: 'never' });
    const located = report.findings
      .filter((f) => f.ruleId === 'tls-verification-disabled')
      .map((f) => f.location?.path);
    expect(located.sort()).toEqual(names.map((n) => `deploy/${n}`).sort());
    const md = renderMarkdown(report);
    expect(md).not.toContain('<img src=x');
    expect(md).not.toMatch(/[^\\]\]\(javascript:/);
    const text = renderText(report, { color: false });
    expect(text).not.toMatch(/\n::error::pwned/);
    expect(() => JSON.parse(renderSarifString(report))).not.toThrow();
    expect(JSON.parse(renderJson(report)).findings.length).toBe(report.findings.length);
  });
});
