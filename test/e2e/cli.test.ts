/**
 * The CLI as a process (issue 15): the bundle built from the current sources runs with real pipes, so
 * what a user sees — exit codes, stderr, a reader that closes the pipe early — is what is asserted.
 * Covers `--base` with untracked files, errors that must be errors, checking a folder of a repository,
 * and EPIPE.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchRepo } from '../helpers/git-repo.js';
import { buildPrivateCli, makeTree, removeTempDirs } from '../helpers/run-action.js';
import { onlyRulesConfig } from './pr-helpers.js';

let cli = '';
beforeAll(() => {
  cli = buildPrivateCli();
}, 240_000);
afterAll(removeTempDirs);

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in `cwd`; with `closeStdout`, the reader of its stdout goes away before it writes. */
function run(cwd: string, args: string[], closeStdout = false): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, LANG: 'C.UTF-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    if (closeStdout) child.stdout.destroy();
    else child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      }),
    );
  });
}

/** A repository with one commit on main, checked out. */
function repository(files: Record<string, string>) {
  const repo = scratchRepo(makeTree({}));
  repo.commit(files, 'base');
  return repo;
}

const PWN_REQUEST = [
  'on: pull_request_target',
  'jobs:',
  '  build:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683',
  '        with:',
  `          ref: \${{ github.event.pull_request.head.sha }}`,
  '      - run: npm install',
  '',
].join('\n');

describe('7. --base and files not yet added to git', () => {
  it('checks an untracked workflow as part of the change: a pwn request fails the gate', async () => {
    const repo = repository({
      '.controlgate.yml': onlyRulesConfig(['workflow-dangerous-trigger']),
      'README.md': 'x\n',
    });
    mkdirSync(path.join(repo.dir, '.github', 'workflows'), { recursive: true });
    writeFileSync(path.join(repo.dir, '.github', 'workflows', 'pwn.yml'), PWN_REQUEST);
    const r = await run(repo.dir, ['check', '.', '--base', 'main', '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(
      report.findings.map(
        (f: { ruleId: string; location: { path: string; startLine: number }; isNew: boolean }) => [
          f.ruleId,
          `${f.location.path}:${f.location.startLine}`,
          f.isNew,
        ],
      ),
    ).toEqual([['workflow-dangerous-trigger', '.github/workflows/pwn.yml:8', true]]);
  });
});

describe('13. errors are errors', () => {
  it('exits 2 with one line for a missing --controls file, --rules directory, or an --output that is a directory', async () => {
    const repo = repository({ '.controlgate.yml': onlyRulesConfig(), 'README.md': 'x\n' });
    expect(await run(repo.dir, ['check', '.', '--controls', 'compliance/soa.yml'])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'controlgate: declarations file not found: compliance/soa.yml (named by the `controls` input or --controls)\n',
    });
    expect(await run(repo.dir, ['check', '.', '--rules', 'nope', '--base', 'HEAD'])).toEqual({
      code: 2,
      stdout: '',
      stderr: `controlgate: rule directory not found: ${path.join(repo.dir, 'nope')} (check "rule-dirs" in .controlgate.yml or --rules)\n`,
    });
    expect(await run(repo.dir, ['check', '.', '--output', '/'])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'controlgate: --output /: cannot write the report there (it is a directory); give a file path\n',
    });
  });

  it('says that a broken configuration comes from the base commit the change is judged by', async () => {
    const repo = repository({ '.controlgate.yml': 'version: 1\nfail-on: sometimes\n', 'README.md': 'x\n' });
    const base = repo.git('rev-parse', 'HEAD');
    writeFileSync(path.join(repo.dir, '.controlgate.yml'), 'version: 1\n');
    const r = await run(repo.dir, ['check', '.', '--base', 'main']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `controlgate: the policy from the base commit ${base.slice(0, 12)}, which this change is judged by, is invalid: invalid configuration:\n  .controlgate.yml:2:10: /fail-on: must be one of: "info", "low", "medium", "high", "critical", "never"\n`,
    );
  });
});

describe('15. a folder of a repository', () => {
  it("uses the repository's CODEOWNERS at the top and locates its problems from the folder", async () => {
    const repo = repository({
      '.github/CODEOWNERS': '# Owners are listed in the wiki.\n',
      'SECURITY.md': 'Report vulnerabilities to security@acme.example, never in a public issue.\n',
      'services/api/.controlgate.yml': onlyRulesConfig(['codeowners-present', 'security-policy']),
      'services/api/src/app.js': 'ok();\n',
    });
    const json = await run(repo.dir, ['check', 'services/api', '--format', 'json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(
      report.findings.map((f: { ruleId: string; location: { path: string; startLine: number } | null }) => [
        f.ruleId,
        f.location ? `${f.location.path}:${f.location.startLine}` : '-',
      ]),
    ).toEqual([['codeowners-present', '../../.github/CODEOWNERS:1']]);
    const sarif = await run(repo.dir, ['check', 'services/api', '--format', 'sarif']);
    const result = JSON.parse(sarif.stdout).runs[0].results[0];
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe('.github/CODEOWNERS');
  });
});

describe('16. a reader that closes the pipe', () => {
  it('ends `rules --json` and `check` quietly, with their own exit codes', async () => {
    const repo = repository({ '.controlgate.yml': onlyRulesConfig(), 'README.md': 'x\n' });
    expect(await run(repo.dir, ['rules', '--json'], true)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await run(repo.dir, ['check', '.', '--format', 'json'], true)).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
  });

  it('still prints everything to a reader that stays', async () => {
    const repo = repository({ '.controlgate.yml': onlyRulesConfig(), 'README.md': 'x\n' });
    const r = await run(repo.dir, ['rules', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).length).toBeGreaterThan(70);
  });
});
