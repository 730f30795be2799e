import { afterAll, describe, expect, it } from 'vitest';
import { resolveBaseline } from '../../src/core/base-tree.js';
import { examinedNothing } from '../../src/core/declarations/not-assessed.js';
import { runCheck } from '../../src/core/engine.js';
import { recordingApi } from '../../src/core/evaluate-rule.js';
import { cachedGitHubApi, type GitHubApi } from '../../src/core/github-api.js';
import type { Report } from '../../src/core/types.js';
import { SCOPE_EXAMPLES, ScopeTally } from '../../src/core/workspace/scope.js';
import { Workspace } from '../../src/core/workspace/workspace.js';
import { renderText } from '../../src/reporters/text.js';
import { claimEverything } from '../helpers/claims.js';
import { scratchRepo } from '../helpers/git-repo.js';
import { makeTree, removeTempDirs } from '../helpers/run-action.js';

const NOW = new Date('2026-06-01T12:00:00Z');

afterAll(removeTempDirs);

const tree = (files: Record<string, string>) => makeTree(files, 'cg-scope-');

const control = (r: Report, id: string) => r.controls.find((c) => c.id === id)!;
const rule = (r: Report, id: string) => r.rules.find((x) => x.id === id)!;

describe('rule scope and verdicts that rest on it', () => {
  it('never calls a declared control satisfied when its rules examined nothing', async () => {
    // Nothing but the declarations: every rule passes or fails on an empty tree, none examines anything.
    const report = await runCheck({
      root: tree({ '.github/controls.yml': claimEverything() }),
      now: NOW,
      defaultBranch: 'main',
      failOnGap: false,
    });
    const declared = report.controls.filter((c) => c.declared !== null);
    expect(declared).toHaveLength(34);
    const verdicts = new Set(declared.map((c) => c.verdict));
    expect(verdicts.has('satisfied')).toBe(false);
    expect([...verdicts].sort()).toEqual(['gap', 'not-assessed', 'unverifiable']);
    expect(control(report, '8.13')).toMatchObject({
      verdict: 'not-assessed',
      reasons: [
        'rule terraform-backup-retention-zero examined nothing: no Terraform resources of the types the rule checks (*.tf, *.tofu and their JSON forms) in this repository',
      ],
      hint: 'If 8.13 does not apply to what this repository holds, declare it not-applicable with a justification; otherwise cite evidence (a file, a workflow or a URL with an owner and a review date) under its "evidence" in .github/controls.yml.',
      rules: [{ id: 'terraform-backup-retention-zero', result: 'pass', findings: 0, examined: 0 }],
    });
    // An evidence rule that found no document to judge assesses nothing either.
    expect(control(report, '8.1')).toMatchObject({
      verdict: 'not-assessed',
      reasons: [
        'rule endpoint-device-management examined nothing: no documents of the kind it looks for in this repository',
      ],
    });
    // The declarations file is read by content rules, but it is controlgate's, not the subject.
    expect(rule(report, 'tls-verification-disabled').scope).toEqual({
      files: 0,
      examples: [],
      settings: [],
      basis: 'tree',
    });
    expect(report.summary.byVerdict['not-assessed']).toBe(
      report.controls.filter((c) => c.verdict === 'not-assessed').length,
    );
  });

  it('credits every rule with the files it parsed, also when another rule paid for the parse', async () => {
    const report = await runCheck({
      root: tree({
        '.github/controls.yml': claimEverything(),
        'infra/db.tf': 'resource "aws_db_instance" "main" {\n  backup_retention_period = 7\n}\n',
        'infra/README.md': 'The database.\n',
      }),
      now: NOW,
      defaultBranch: 'main',
      failOnGap: false,
    });
    expect(control(report, '8.13')).toMatchObject({
      verdict: 'satisfied',
      reasons: [],
      rules: [{ id: 'terraform-backup-retention-zero', result: 'pass', findings: 0, examined: 1 }],
    });
    // All Terraform rules share one cached parse of the tree; the database rules are credited with
    // the file that declares the database, the others examined nothing (it holds none of their types).
    const credited = report.rules
      .filter((r) => r.id.startsWith('terraform-') && (r.scope?.files ?? 0) > 0)
      .map((r) => r.id)
      .sort();
    expect(credited).toEqual([
      'terraform-backup-retention-zero',
      'terraform-db-publicly-accessible',
      'terraform-db-single-az',
      'terraform-rds-unencrypted',
    ]);
    expect(rule(report, 'terraform-rds-unencrypted').scope).toEqual({
      files: 1,
      examples: ['infra/db.tf'],
      settings: [],
      basis: 'tree',
    });
    expect(rule(report, 'terraform-s3-bucket-unencrypted').scope?.files).toBe(0);
    // A required file found by its name counts, though the rule never reads it.
    expect(rule(report, 'security-policy').scope?.files).toBe(0);
    expect(rule(report, 'security-policy').result).toBe('fail');
  });

  it("does not assess a control on Terraform that declares none of its rules' resources", async () => {
    // A bucket, no database: the backup rule read the file but had nothing to judge in it.
    const report = await runCheck({
      root: tree({
        '.github/controls.yml': claimEverything(),
        'infra/bucket.tf': 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n',
      }),
      now: NOW,
      defaultBranch: 'main',
      failOnGap: false,
    });
    expect(control(report, '8.13')).toMatchObject({
      verdict: 'not-assessed',
      reasons: [
        'rule terraform-backup-retention-zero examined nothing: no Terraform resources of the types the rule checks (*.tf, *.tofu and their JSON forms) in this repository',
      ],
      rules: [{ id: 'terraform-backup-retention-zero', result: 'pass', findings: 0, examined: 0 }],
    });
    expect(rule(report, 'terraform-s3-bucket-unencrypted')).toMatchObject({
      result: 'fail',
      scope: { files: 1, examples: ['infra/bucket.tf'] },
    });
    // No provider or backend block: the credentials rule examined nothing either.
    expect(rule(report, 'terraform-provider-credentials').scope?.files).toBe(0);
  });

  it('counts a required file found by name', async () => {
    const report = await runCheck({
      root: tree({ 'SECURITY.md': 'Report vulnerabilities to security@example.com.\n' }),
      onlyRules: ['security-policy'],
    });
    expect(rule(report, 'security-policy')).toMatchObject({
      result: 'pass',
      scope: { files: 1, examples: ['SECURITY.md'], settings: [], basis: 'tree' },
    });
  });

  it('records the repository settings a rule read through the API', async () => {
    const requests: string[] = [];
    const api: GitHubApi = {
      owner: 'acme',
      repo: 'api',
      async get(p) {
        requests.push(p);
        if (p === '/repos/acme/api') {
          return {
            status: 200,
            data: {
              default_branch: 'main',
              security_and_analysis: {
                secret_scanning: { status: 'enabled' },
                secret_scanning_push_protection: { status: 'enabled' },
              },
            },
          };
        }
        return { status: 404, data: { message: 'Not Found' } };
      },
    };
    const report = await runCheck({
      root: tree({ 'a.txt': 'x\n' }),
      onlyRules: ['github-secret-scanning'],
      github: api,
    });
    expect(rule(report, 'github-secret-scanning')).toMatchObject({
      result: 'pass',
      scope: { files: 0, examples: [], settings: ['GET /repos/acme/api -> 200'], basis: 'tree' },
    });
    expect(requests).toEqual(['/repos/acme/api']);
  });
});

describe('Workspace scope recording', () => {
  it('remembers what a cached computation read and hands it to every later reader', async () => {
    const root = tree({ 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.bin': 'x\u0000y', 'd.txt': 'd\n' });
    const ws = new Workspace(root);
    const names = (positions: number[]) => positions.map((i) => ws.files[i]).sort();
    ws.scope.begin();
    const joined = ws.memo('joined', '', () => `${ws.text('a.txt')}${ws.text('b.txt')}`);
    ws.text('a.txt');
    const first = ws.scope.end();
    ws.scope.begin();
    expect(ws.memo('joined', '', () => 'never computed')).toBe(joined);
    ws.read('c.bin');
    ws.read('missing.txt');
    const second = ws.scope.end();
    // Each file once per rule, however often it was read.
    expect(names(first)).toEqual(['a.txt', 'b.txt']);
    expect(names(second)).toEqual(['a.txt', 'b.txt', 'c.bin']);
    // Asynchronous computations are credited with what they read after their first await.
    ws.scope.begin();
    await ws.memo('later', '', async () => {
      await Promise.resolve();
      return ws.text('d.txt');
    });
    const third = ws.scope.end();
    ws.scope.begin();
    await ws.memo('later', '', async () => 'never computed');
    // A per-file parse of its own file costs no dependency entry, and still credits the file.
    ws.memo('parse', 'b.txt', () => ws.text('b.txt'));
    const fourth = ws.scope.end();
    ws.scope.begin();
    ws.memo('parse', 'b.txt', () => 'never computed');
    const fifth = ws.scope.end();
    expect(names(third)).toEqual(['d.txt']);
    expect(names(fourth)).toEqual(['b.txt', 'd.txt']);
    expect(names(fifth)).toEqual(['b.txt']);
    // Reads outside a rule are not anyone's scope.
    ws.text('a.txt');
    ws.scope.begin();
    expect(ws.scope.end()).toEqual([]);
  });

  it('narrows a rule to the files that hold its subjects, and counts a dropped file read again', () => {
    const root = tree({ 'a.txt': 'a\n', 'b.txt': 'b\n', 'd.txt': 'd\n' });
    const ws = new Workspace(root);
    const names = (positions: number[]) => positions.map((i) => ws.files[i]).sort();
    ws.scope.begin();
    for (const f of ['a.txt', 'b.txt', 'd.txt']) ws.text(f);
    ws.examineOnly(['b.txt', 'missing.txt']);
    ws.text('d.txt');
    expect(names(ws.scope.end())).toEqual(['b.txt', 'd.txt']);
    // Outside a rule, narrowing is nothing.
    ws.examineOnly([]);
    ws.scope.begin();
    ws.text('a.txt');
    expect(names(ws.scope.end())).toEqual(['a.txt']);
  });
});

describe('ScopeTally', () => {
  it('counts each file once over overlapping runs, across word boundaries, less the discounted files', () => {
    const files = Array.from({ length: 100 }, (_, i) => `f${String(i).padStart(3, '0')}`);
    const tally = new ScopeTally(files, [33, 99]);
    tally.add([31, 32, 33, 63, 64, 99]);
    tally.add([0, 32, 64, 65, 98]);
    tally.add([]);
    expect(tally.result()).toEqual({
      files: 7,
      examples: ['f000', 'f031', 'f032', 'f063', 'f064', 'f065', 'f098'],
    });
    // Examples stop at SCOPE_EXAMPLES, in the tree's order; the count does not.
    const all = new ScopeTally(files);
    all.add([...files.keys()].reverse());
    const { files: n, examples } = all.result();
    expect(n).toBe(100);
    expect(examples).toEqual(files.slice(0, SCOPE_EXAMPLES));
    expect(new ScopeTally(files).result()).toEqual({ files: 0, examples: [] });
  });
});

describe('a pull request scanned on its changed files', () => {
  it('says which verdicts rest on the change, and why a per-file rule examined nothing there', async () => {
    const repo = scratchRepo();
    const declarations = [
      'version: 1',
      'controls:',
      '  "8.7": { status: implemented, justification: "No executables or remote scripts." }',
      '  "8.13": { status: implemented, justification: "Backups of the database." }',
      '',
    ].join('\n');
    const base = repo.commit({
      '.github/controls.yml': declarations,
      'infra/db.tf': 'resource "aws_db_instance" "main" {\n  backup_retention_period = 7\n}\n',
      'README.md': 'The service.\n',
    });
    repo.commit({ 'README.md': 'The service, documented.\n' });
    const baseline = await resolveBaseline(repo.dir, base, repo.git('rev-parse', 'HEAD'));
    const report = await runCheck({
      root: repo.dir,
      base,
      change: { scope: 'new', scan: 'changed', ...(baseline ? { baseline } : {}) },
      now: NOW,
      defaultBranch: 'main',
    });
    expect(report.summary.changedFiles).toBe(1);
    // 8.13's Terraform rule reads across files: the whole tree.
    expect(control(report, '8.13')).toMatchObject({ verdict: 'satisfied', basis: 'tree' });
    // 8.7's rules are per-file: on this pull request they looked at README.md only. They only detect
    // problems of 8.7 (no executable, no remote script), so what they found nothing in shows nothing.
    const malware = control(report, '8.7');
    expect(malware).toMatchObject({ verdict: 'not-assessed', basis: 'change' });
    expect(rule(report, 'binary-executable-committed').scope).toMatchObject({
      files: 1,
      examples: ['README.md'],
      basis: 'change',
    });
    expect(renderText(report)).toContain(
      'Verdicts resting on the 1 changed file only (per-file rules): 8.7; the others rest on the whole tree.',
    );
    const dockerfile = rule(report, 'dockerfile-add-url');
    expect(dockerfile.scope).toMatchObject({ files: 0, basis: 'change' });
    expect(examinedNothing(dockerfile, 'dockerfile.add-url', { changedFiles: 1, narrowed: false })).toBe(
      'rule dockerfile-add-url examined nothing: it looks at Dockerfiles with instructions, and the one changed file is none',
    );
  });
});

describe('the API client the rules see', () => {
  it('is one client per run, so what rules build on it (caches, a shared budget) stays shared', async () => {
    const answers: string[] = [];
    const api: GitHubApi = {
      owner: 'acme',
      repo: 'api',
      async get(p) {
        answers.push(p);
        return { status: 200, data: { default_branch: 'main', security_and_analysis: {} } };
      },
    };
    expect(recordingApi(api).client).toBe(recordingApi(api).client);
    // Two rules reading the same setting are each credited with it.
    const report = await runCheck({
      root: tree({ 'a.txt': 'x\n' }),
      onlyRules: ['github-secret-scanning', 'github-dependabot'],
      github: cachedGitHubApi(api),
    });
    for (const id of ['github-secret-scanning', 'github-dependabot']) {
      expect(rule(report, id).scope?.settings, id).toContain('GET /repos/acme/api -> 200');
    }
    expect(answers.filter((p) => p === '/repos/acme/api')).toHaveLength(1);
  });
});
