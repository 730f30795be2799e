// biome-ignore-all lint/suspicious/noTemplateCurlyInString: workflow `${{ }}` expressions are test data here.
/**
 * Adopting controlgate in one pull request: a repository with a workflow, a Dockerfile and a
 * Kubernetes manifest fails the fixable rules; `controlgate fix` (tags resolved through the fake
 * GitHub API) rewrites all three, several fixes of the same job and step interacting, and the check
 * of the result passes with none of their findings left.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import { cleanupTrees, tree } from './round-trip.js';

afterAll(cleanupTrees);

const SHA = {
  checkout: '11bd71901bbe5b1630ceea73d27597364c9af683',
  node: '39370e3970a6d050c480ffad4ff0ed4d3fdee5af',
};
const RULES = [
  'workflow-permissions',
  'workflow-checkout-persisted-credentials',
  'workflow-template-injection',
  'workflow-unpinned-action',
  'dockerfile-root-user',
  'k8s-privilege-escalation',
];
const only = RULES.flatMap((r) => ['--rule', r]);

const WORKFLOW = [
  'name: CI',
  'on: [push, pull_request]',
  '',
  'jobs:',
  '  test:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: actions/checkout@v4',
  '      - uses: actions/setup-node@v4 # the toolchain',
  '        with:',
  '          node-version: 22',
  '      - name: Test',
  '        run: |',
  '          echo "Testing ${{ github.event.pull_request.title }}"',
  '          npm ci && npm test',
  '  release:',
  "    if: github.ref == 'refs/heads/main'",
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: actions/checkout@v4',
  '      - run: npm ci && npm run build',
  '      - run: gh release create "$GITHUB_REF_NAME" --generate-notes',
  '        env:',
  '          GH_TOKEN: ${{ github.token }}',
  '',
].join('\n');
const DOCKERFILE = 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n';
const DEPLOYMENT = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  'spec:',
  '  selector: { matchLabels: { app: web } }',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: web # the server',
  '          image: ghcr.io/acme/web:1.0.0',
  '',
].join('\n');

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTTY: false });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('adopting controlgate with controlgate fix', () => {
  let fake: FakeGitHub;
  const saved = { ...process.env };
  beforeEach(async () => {
    fake = await FakeGitHub.start();
  });
  afterEach(async () => {
    process.env = { ...saved };
    await fake.close();
  });

  it('fails the fixable rules, is fixed in one run, then passes', async () => {
    const root = tree({
      '.github/workflows/ci.yml': WORKFLOW,
      Dockerfile: DOCKERFILE,
      'deploy/web.yaml': DEPLOYMENT,
    });
    const where = (stdout: string) =>
      (JSON.parse(stdout).findings as { ruleId: string; location: { path: string; startLine: number } }[])
        .map((f) => `${f.location.path}:${f.location.startLine} ${f.ruleId}`)
        .sort();
    const before = await cli(['check', root, ...only, '--fail-on', 'low', '--offline', '--format', 'json']);
    expect(before.code).toBe(1);
    expect(where(before.stdout)).toEqual([
      '.github/workflows/ci.yml:14 workflow-template-injection',
      '.github/workflows/ci.yml:20 workflow-checkout-persisted-credentials',
      '.github/workflows/ci.yml:20 workflow-unpinned-action',
      '.github/workflows/ci.yml:4 workflow-permissions',
      '.github/workflows/ci.yml:8 workflow-checkout-persisted-credentials',
      '.github/workflows/ci.yml:8 workflow-unpinned-action',
      '.github/workflows/ci.yml:9 workflow-unpinned-action',
      'Dockerfile:1 dockerfile-root-user',
      'deploy/web.yaml:10 k8s-privilege-escalation',
    ]);

    fake.state.responses.set('/repos/actions/checkout/tags', {
      status: 200,
      body: [{ name: 'v4', commit: { sha: SHA.checkout } }],
    });
    fake.state.responses.set('/repos/actions/setup-node/tags', {
      status: 200,
      body: [{ name: 'v4', commit: { sha: SHA.node } }],
    });
    process.env.GITHUB_TOKEN = 'ghs_test';
    process.env.GITHUB_API_URL = fake.url;
    const fixed = await cli(['fix', root, ...only, '--fail-on', 'low']);
    expect(fixed.code).toBe(0);
    expect(fixed.stderr.split('\n')[0]).toBe('controlgate fix: applied 9 fixes in 3 files');
    const read = (f: string) => readFileSync(path.join(root, f), 'utf8');
    expect(read('.github/workflows/ci.yml')).toBe(
      [
        'name: CI',
        'on: [push, pull_request]',
        '',
        'permissions:',
        '  contents: read',
        '',
        'jobs:',
        '  test:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: actions/checkout@${SHA.checkout} # v4`,
        '        with:',
        '          persist-credentials: false',
        `      - uses: actions/setup-node@${SHA.node} # v4 # the toolchain`,
        '        with:',
        '          node-version: 22',
        '      - name: Test',
        '        env:',
        '          PULL_REQUEST_TITLE: ${{ github.event.pull_request.title }}',
        '        run: |',
        '          echo "Testing ${PULL_REQUEST_TITLE}"',
        '          npm ci && npm test',
        '  release:',
        "    if: github.ref == 'refs/heads/main'",
        '    runs-on: ubuntu-latest',
        '    permissions:',
        '      contents: write',
        '    steps:',
        `      - uses: actions/checkout@${SHA.checkout} # v4`,
        '        with:',
        '          persist-credentials: false',
        '      - run: npm ci && npm run build',
        '      - run: gh release create "$GITHUB_REF_NAME" --generate-notes',
        '        env:',
        '          GH_TOKEN: ${{ github.token }}',
        '',
      ].join('\n'),
    );
    expect(read('Dockerfile')).toBe(
      'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nUSER 10001\nCMD ["node", "server.js"]\n',
    );
    expect(read('deploy/web.yaml')).toBe(
      `${DEPLOYMENT}          securityContext:\n            allowPrivilegeEscalation: false\n`,
    );

    delete process.env.GITHUB_TOKEN;
    const after = await cli([
      'check',
      root,
      ...only,
      '--fail-on',
      'low',
      '--offline',
      '--persona',
      'auditor',
      '--format',
      'json',
    ]);
    expect(where(after.stdout)).toEqual([]);
    expect(after.code).toBe(0);
  });
});
