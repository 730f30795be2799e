/**
 * The repository as a project people depend on: its own gate passes on itself, its workflows pass its
 * own workflow rules, and the files adopters rely on (licence, pre-commit hooks, schema URLs) are right.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../src/core/engine.js';
import type { Finding, Report } from '../src/core/types.js';
import { cli } from './helpers/cli.js';
import { REPO_ROOT } from './helpers/fixtures.js';
import { scratchRepo } from './helpers/git-repo.js';

const where = (f: Finding) => (f.location ? `${f.location.path}:${f.location.startLine}` : '(repository)');

describe('controlgate on its own repository', () => {
  it('passes its own gate with its own .github/controls.yml and .controlgate.yml', async () => {
    const r = await cli('check', REPO_ROOT, '--format', 'json');
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as Report;
    expect(report.policy.controls).toBe('.github/controls.yml');
    expect(report.settings.config).toBe('.controlgate.yml');
    // New rules may find new things here: the message names every blocking finding and gap to fix
    // (fix the repository, not the rules).
    const blocking = report.findings
      .filter((f) => f.blocking)
      .map((f) => `${f.ruleId} at ${where(f)}: ${f.message}`);
    const explanation = [...report.summary.gate.reasons, ...blocking].join('\n');
    expect(report.summary.gate.result, explanation).toBe('pass');
    expect(r.code).toBe(0);
    // What the declarations claim is verified, not assumed.
    const verdict = (id: string) => report.controls.find((c) => c.id === id)?.verdict;
    expect(['8.25', '8.28', '8.29'].map(verdict), explanation).toEqual([
      'satisfied',
      'satisfied',
      'satisfied',
    ]);
  }, 120_000);
});

/** Findings of every built-in rule, for every persona, located in `file` of a tree holding only it. */
async function findingsIn(file: string, text: string): Promise<Finding[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'cg-wf-'));
  mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
  const report = await runCheck({ root, persona: 'auditor', failOnGap: false });
  return report.findings.filter((f) => f.location?.path === file);
}

describe('the reusable org-check workflow and its example caller', () => {
  const orgCheck = readFileSync(path.join(REPO_ROOT, '.github', 'workflows', 'org-check.yml'), 'utf8');

  it('passes every rule of controlgate, for every persona', async () => {
    // Repository-level findings of a tree holding one file (no tests or SAST on pull requests, no
    // CODEOWNERS) are about that tree, not the workflow: only findings located in the file count.
    const own = await findingsIn('.github/workflows/org-check.yml', orgCheck);
    expect(own.map((f) => `${f.ruleId} ${where(f)}: ${f.message}`)).toEqual([]);
    const example = readFileSync(
      path.join(REPO_ROOT, 'examples', 'workflows', 'controlgate-org.yml'),
      'utf8',
    );
    const caller = await findingsIn('.github/workflows/controlgate-org.yml', example);
    expect(caller.map((f) => `${f.ruleId} ${where(f)}: ${f.message}`)).toEqual([]);
  }, 60_000);

  it('is read by those rules: the same workflow with credentials kept and every permission is reported', async () => {
    const loosened = orgCheck
      .replace(/^ +persist-credentials: false\n/gm, '')
      .replace(/^permissions: \{\}$/m, 'permissions: write-all')
      // A workflow-level block is harmless when every job sets its own: loosen a job's too.
      .replace(/^ {4}permissions:\n {6}contents: read\n/m, '    permissions: write-all\n');
    expect(loosened).not.toBe(orgCheck);
    const found = await findingsIn('.github/workflows/org-check.yml', loosened);
    expect(found.map((f) => f.ruleId)).toEqual(
      expect.arrayContaining(['workflow-checkout-persisted-credentials', 'workflow-permissions']),
    );
  }, 60_000);

  it('takes the inputs it documents and runs the commands the CLI has', () => {
    const wf = load(orgCheck) as {
      on: { workflow_call: { inputs: Record<string, unknown>; secrets: Record<string, unknown> } };
      jobs: Record<string, { steps: { run?: string }[] }>;
    };
    expect(Object.keys(wf.on.workflow_call.inputs).sort()).toEqual([
      'controlgate-ref',
      'controlgate-repository',
      'fail-on',
      'fail-on-gate',
      'max-parallel',
      'persona',
      'repositories',
    ]);
    expect(Object.keys(wf.on.workflow_call.secrets)).toEqual(['token']);
    const scripts = Object.values(wf.jobs)
      .flatMap((j) => j.steps)
      .map((s) => s.run ?? '')
      .join('\n');
    expect(scripts).toContain(
      'controlgate/dist/cli.js check target --format json --output "reports/$REPOSITORY.json"',
    );
    expect(scripts).toContain('aggregate reports --format markdown --output summary/controlgate-org.md');
  });
});

describe('files adopters rely on', () => {
  it('LICENSE is the Apache License 2.0 that package.json names', () => {
    const text = readFileSync(path.join(REPO_ROOT, 'LICENSE'), 'utf8');
    expect(text).toMatch(
      /^\s+Apache License\n\s+Version 2\.0, January 2004\n\s+http:\/\/www\.apache\.org\/licenses\/\n/,
    );
    expect(text).toContain('END OF TERMS AND CONDITIONS');
    expect(text.split('\n').length).toBeGreaterThan(190);
    expect(JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).license).toBe('Apache-2.0');
  });

  it('each schema keeps its $id, and every $schema URL in the documentation names a file in the repository', () => {
    for (const file of readdirSync(path.join(REPO_ROOT, 'schemas'))) {
      const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas', file), 'utf8'));
      expect(schema.$id).toBe(`https://github.com/controlgate/controlgate/schemas/${file}`);
    }
    const docs = ['README.md', '.controlgate.yml', '.github/controls.yml'].map((f) =>
      readFileSync(path.join(REPO_ROOT, f), 'utf8'),
    );
    const urls = docs.join('\n').match(/\$schema=https:\/\/raw\.githubusercontent\.com\/[^\s)"'`]+/g) ?? [];
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const url of urls) {
      const rel = url.replace('$schema=https://raw.githubusercontent.com/controlgate/controlgate/main/', '');
      expect(rel, url).toMatch(/^schemas\/[a-z]+\.schema\.json$/);
      expect(existsSync(path.join(REPO_ROOT, rel)), url).toBe(true);
    }
  });

  it('.pre-commit-hooks.yaml runs the package command with arguments the CLI accepts', async () => {
    const hooks = load(readFileSync(path.join(REPO_ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Record<
      string,
      unknown
    >[];
    expect(hooks.map((h) => h.id)).toEqual(['controlgate', 'controlgate-all']);
    const bin = Object.keys(JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).bin);
    // A committed repository with one new problem in the working tree, as at `git commit`.
    const repo = scratchRepo();
    repo.commit({ 'README.md': 'hello\n' }, 'init');
    cpSync(
      path.join(REPO_ROOT, 'examples', 'demo-repo', '.github', 'workflows'),
      path.join(repo.dir, '.github', 'workflows'),
      {
        recursive: true,
      },
    );
    // pre-commit runs hooks on what is staged.
    repo.git('add', '-A');
    for (const hook of hooks) {
      expect(hook).toMatchObject({ language: 'node', pass_filenames: false, always_run: true });
      expect(typeof hook.name).toBe('string');
      const [command, ...args] = String(hook.entry).split(' ');
      expect(bin).toContain(command);
      const r = await cli(...args, repo.dir);
      // 1: the new workflows fail the gate; 2 would be a command line the CLI refuses.
      expect([r.code, r.stderr], String(hook.id)).toEqual([1, '']);
    }
  }, 60_000);
});

it('the CI scripts the workflows run exist', () => {
  expect(existsSync(path.join(REPO_ROOT, '.ci', 'run'))).toBe(true);
  const ci = readFileSync(path.join(REPO_ROOT, '.github', 'workflows', 'ci.yml'), 'utf8');
  expect(ci).toContain('run: .ci/run');
  expect(execFileSync('bash', ['-n', path.join(REPO_ROOT, '.ci', 'run')], { encoding: 'utf8' })).toBe('');
});
