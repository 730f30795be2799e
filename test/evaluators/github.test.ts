import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import { cachedGitHubApi, type GitHubApi } from '../../src/core/github-api.js';
import { type ApiAnswers, fixtureApi } from '../helpers/fixtures.js';

/** An empty repository, optionally with a declarations file. */
function repo(controls?: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cg-github-'));
  writeFileSync(path.join(root, 'README.md'), 'x\n');
  if (controls) {
    mkdirSync(path.join(root, '.github'));
    writeFileSync(path.join(root, '.github', 'controls.yml'), controls);
  }
  return root;
}

/** Records the paths asked for, to check which endpoints a rule reads. */
function recording(answers: ApiAnswers): { api: GitHubApi; paths: string[] } {
  const inner = fixtureApi(answers);
  const paths: string[] = [];
  return {
    paths,
    api: {
      owner: inner.owner,
      repo: inner.repo,
      get: (p) => {
        paths.push(p);
        return inner.get(p);
      },
    },
  };
}

const REPO_ADMIN = {
  '/repos/acme/app': {
    status: 200,
    data: {
      default_branch: 'main',
      security_and_analysis: {
        secret_scanning: { status: 'enabled' },
        secret_scanning_push_protection: { status: 'enabled' },
        dependabot_security_updates: { status: 'enabled' },
      },
    },
  },
};

describe('github.* rules without an answer', () => {
  it('are unverifiable, not errors, when the run has no API; the detail says what would help', async () => {
    const report = await runCheck({
      root: repo(),
      onlyRules: ['github-secret-scanning', 'github-workflow-token'],
    });
    expect(report.errors).toEqual([]);
    expect(report.findings).toEqual([]);
    for (const r of report.rules) {
      expect(r.result).toBe('unverifiable');
      expect(r.detail).toMatch(/no GitHub API in this run/);
    }
  });

  it('name the missing permission when the API refuses, and make a declared control unverifiable', async () => {
    const declarations =
      'version: 1\ncontrols:\n  "8.12":\n    status: implemented\n    justification: Secret scanning with push protection on every repository.\n';
    const report = await runCheck({
      root: repo(declarations),
      onlyRules: ['github-secret-scanning'],
      // The workflow token sees the repository but not its security settings.
      github: fixtureApi({ '/repos/acme/app': { status: 200, data: { default_branch: 'main' } } }),
    });
    const rule = report.rules.find((r) => r.id === 'github-secret-scanning')!;
    expect(rule.result).toBe('unverifiable');
    expect(rule.detail).toContain('"Administration: read"');
    const control = report.controls.find((c) => c.id === '8.12')!;
    expect(control.verdict).toBe('unverifiable');
    expect(control.reasons.join(' ')).toContain('rule github-secret-scanning could not be verified');
    expect(control.reasons.join(' ')).toContain('"Administration: read"');
  });

  it('treat a 403 on the workflow settings as unverifiable', async () => {
    const report = await runCheck({
      root: repo(),
      onlyRules: ['github-workflow-token'],
      github: fixtureApi({
        '/repos/acme/app/actions/permissions/workflow': {
          status: 403,
          data: { message: 'Resource not accessible by integration' },
        },
      }),
    });
    expect(report.rules[0]).toMatchObject({
      result: 'unverifiable',
      detail: expect.stringContaining('HTTP 403'),
    });
  });
});

describe('github.branch-protection', () => {
  it('asks for classic protection only for what rulesets leave unmet, and accepts either', async () => {
    const { api, paths } = recording({
      ...REPO_ADMIN,
      '/repos/acme/app/rules/branches/main': {
        status: 200,
        data: [
          {
            type: 'pull_request',
            parameters: { required_approving_review_count: 2, dismiss_stale_reviews_on_push: true },
          },
          { type: 'deletion' },
        ],
      },
      '/repos/acme/app/branches/main/protection': {
        status: 200,
        data: {
          required_pull_request_reviews: {
            required_approving_review_count: 0,
            require_code_owner_reviews: true,
          },
          required_status_checks: { contexts: ['controlgate'] },
          allow_force_pushes: { enabled: false },
          allow_deletions: { enabled: true },
        },
      },
    });
    const report = await runCheck({ root: repo(), onlyRules: ['github-branch-protection'], github: api });
    expect(report.findings).toEqual([]);
    expect(paths).toEqual([
      '/repos/acme/app',
      '/repos/acme/app/rules/branches/main?per_page=100',
      '/repos/acme/app/branches/main/protection',
    ]);
  });

  it('is unverifiable when rulesets fall short and classic protection cannot be read', async () => {
    const report = await runCheck({
      root: repo(),
      onlyRules: ['github-branch-protection'],
      github: fixtureApi({
        ...REPO_ADMIN,
        '/repos/acme/app/rules/branches/main': { status: 200, data: [{ type: 'deletion' }] },
        '/repos/acme/app/branches/main/protection': {
          status: 403,
          data: { message: 'Resource not accessible by integration' },
        },
      }),
    });
    expect(report.rules[0]).toMatchObject({
      result: 'unverifiable',
      detail: expect.stringMatching(
        /^rulesets do not protect branch main fully, and the GitHub API refused .*HTTP 403/,
      ),
    });
  });

  it('encodes a branch name with slashes as one path segment', async () => {
    const { api, paths } = recording({});
    const root = repo();
    writeFileSync(path.join(root, '.controlgate.yml'), 'version: 1\nrule-dirs: [rules]\n');
    mkdirSync(path.join(root, 'rules'));
    writeFileSync(
      path.join(root, 'rules', 'release-branch.yml'),
      [
        'id: release-branch',
        'title: The release branch is protected',
        'severity: high',
        'controls: ["8.32"]',
        'rationale: Releases ship from it.',
        'remediation: Protect it.',
        'check:',
        '  kind: github.branch-protection',
        '  with: { branch: release/v2, codeOwnerReview: false }',
        '',
      ].join('\n'),
    );
    await runCheck({ root, onlyRules: ['release-branch'], github: api });
    expect(paths).toEqual(['/repos/acme/app/rules/branches/release%2Fv2?per_page=100']);
  });
});

describe('github.security-features', () => {
  it('trusts a 404 on vulnerability alerts only when the token sees security settings', async () => {
    const hidden = await runCheck({
      root: repo(),
      onlyRules: ['github-dependabot'],
      github: fixtureApi({ '/repos/acme/app': { status: 200, data: { default_branch: 'main' } } }),
    });
    expect(hidden.rules[0]!.result).toBe('unverifiable');
    const visible = await runCheck({
      root: repo(),
      onlyRules: ['github-dependabot'],
      github: fixtureApi(REPO_ADMIN),
    });
    expect(visible.findings.map((f) => f.message)).toEqual([
      'Dependabot alerts are not enabled for this repository.',
    ]);
  });

  it('shares one repository request between rules through the cache', async () => {
    const { api, paths } = recording({
      ...REPO_ADMIN,
      '/repos/acme/app/vulnerability-alerts': { status: 204 },
    });
    await runCheck({
      root: repo(),
      onlyRules: ['github-secret-scanning', 'github-dependabot'],
      github: cachedGitHubApi(api),
    });
    expect(paths).toEqual(['/repos/acme/app', '/repos/acme/app/vulnerability-alerts']);
  });
});
