import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { syntheticKey } from '../../src/core/evaluators/secrets/examples.js';
import { rand } from '../evaluators/secrets-kit.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import { scratchRepo } from '../helpers/git-repo.js';
import { commandLines, runAction, useBuiltBundle } from '../helpers/run-action.js';
import { apiFiles, onlyRulesConfig, prRepo, pullRequestEvent } from './pr-helpers.js';

/**
 * Issue 15, item 2: replacing one secret by another is a new finding, so `gate: new` fails. Before,
 * a finding's identity was the URL's `scheme://user@host`, the variable name or the key's position,
 * so the replacement counted as existing debt and passed. Checked end to end with the CLI (`--base`)
 * and with the Action's bundle on a pull_request event against the fake GitHub server.
 */

const RULES = ['connection-string-password', 'hardcoded-secret', 'private-key-committed'];

const url = (password: string) =>
  `database:\n  url: postgres://billing:${password}@db.prod.internal:5432/billing\n`;
const assignment = (password: string) => `DB_USER = "billing"\nDB_PASSWORD = "${password}"\n`;
const key = () => {
  const body = syntheticKey('ec', (n) => Buffer.from(rand(n * 2, '0123456789abcdef'), 'hex'));
  return `-----BEGIN EC PRIVATE KEY-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END EC PRIVATE KEY-----\n`;
};

/** The three kinds of identity the issue names, each with its file before and after the change. */
const CASES = [
  {
    name: 'a URL password (scheme://user@host)',
    rule: 'connection-string-password',
    path: 'config/database.yml',
    before: url(rand(20)),
    after: url(rand(20)),
    line: 2,
  },
  {
    name: 'a value assigned to a variable name',
    rule: 'hardcoded-secret',
    path: 'src/settings.py',
    before: assignment(rand(18)),
    after: assignment(rand(18)),
    line: 2,
  },
  {
    name: 'a private key at the same position',
    rule: 'private-key-committed',
    path: 'deploy/server.key',
    before: key(),
    after: key(),
    line: 1,
  },
] as const;

async function cli(...argv: string[]) {
  let stdout = '';
  const code = await main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: () => {},
    isTTY: false,
  });
  return { code, report: JSON.parse(stdout || '{}') };
}

describe('a replaced secret is a new finding: CLI with --base', () => {
  it.each(CASES)('$name', async (c) => {
    const { dir, commit, git } = scratchRepo();
    commit({ '.controlgate.yml': onlyRulesConfig(RULES), [c.path]: c.before, 'README.md': 'x\n' });
    git('checkout', '-q', '-b', 'topic');
    // `hardcoded-secret` is medium: the gate is set to block from medium, as for the other two.
    const check = () => cli('check', dir, '--base', 'main', '--fail-on', 'medium', '--format', 'json');

    // The secret left as it is: existing debt, the gate on new findings passes.
    commit({ 'README.md': 'y\n' });
    const kept = await check();
    expect(kept.code).toBe(0);

    // Another secret in its place: a new finding, and the gate fails.
    commit({ [c.path]: c.after });
    const replaced = await check();
    expect(replaced.code).toBe(1);
    expect(
      replaced.report.findings.map(
        (f: { ruleId: string; isNew: boolean; location: { path: string; startLine: number } }) => [
          f.ruleId,
          `${f.location.path}:${f.location.startLine}`,
          f.isNew,
        ],
      ),
    ).toEqual([[c.rule, `${c.path}:${c.line}`, true]]);
  });
});

/**
 * The rules that report a literal credential by the name it is given (red-team pass 5, hole 3): the
 * finding is identified by the name and a keyed hash of the value, as the secret scanner identifies a
 * password. Before, the name alone: another credential under the same name passed as existing debt.
 * Each case's file puts `pad` comment lines above the credential, so moving it moves its line.
 */
const comments = (pad: number) => '# moved down\n'.repeat(pad);
const LITERAL_CASES = [
  {
    rule: 'dockerfile-secret-env',
    path: 'app/Dockerfile',
    name: 'SERVICE_TOKEN',
    renamed: 'API_TOKEN',
    line: 2,
    file: (name: string, value: string, pad: number) =>
      `${comments(pad)}FROM alpine@sha256:${'0'.repeat(64)}\nENV ${name}=${value}\nUSER 1000\nCMD ["/app"]\n`,
  },
  {
    rule: 'k8s-env-secret-literal',
    path: 'deploy/api.yaml',
    name: 'DB_PASSWORD',
    renamed: 'ADMIN_PASSWORD',
    line: 17,
    file: (name: string, value: string, pad: number) =>
      `${comments(pad)}apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: { app: api }
  template:
    metadata:
      labels: { app: api }
    spec:
      containers:
        - name: api
          image: registry.example.com/api@sha256:${'1'.repeat(64)}
          env:
            - name: ${name}
              value: ${value}
`,
  },
  {
    rule: 'terraform-provider-credentials',
    path: 'infra/main.tf',
    name: 'secret_key',
    renamed: 'token',
    line: 3,
    file: (name: string, value: string, pad: number) =>
      `${comments(pad)}provider "aws" {\n  region = "eu-west-1"\n  ${name} = "${value}"\n}\n`,
  },
  {
    rule: 'workflow-hardcoded-container-credentials',
    path: '.github/workflows/ci.yml',
    // The password has one name; what names it is the service.
    name: 'db',
    renamed: 'cache',
    line: 10,
    file: (name: string, value: string, pad: number) =>
      `${comments(pad)}on: push
jobs:
  test:
    runs-on: ubuntu-latest
    services:
      ${name}:
        image: registry.example.com/db:16
        credentials:
          username: ci
          password: ${value}
    steps:
      - run: make test
`,
  },
] as const;

describe('a literal credential replaced under the same name is a new finding: CLI with --base', () => {
  // Both ways of judging the base: the rules evaluated on its tree, and its stored results.
  it.each(LITERAL_CASES.flatMap((c) => [false, true].map((stored) => ({ ...c, stored }))))(
    '$rule (stored base results: $stored)',
    async (c) => {
      const { dir, commit, git } = scratchRepo();
      const [a, b] = [rand(24), rand(24)];
      commit({ '.controlgate.yml': onlyRulesConfig([c.rule]), [c.path]: c.file(c.name, a, 0) });
      const results = `${dir}-base-results.json`;
      if (c.stored)
        expect((await cli('check', dir, '--format', 'json', '--write-base-results', results)).code).toBe(1);
      git('checkout', '-q', '-b', 'topic');
      const check = async () => {
        const r = await cli(
          'check',
          dir,
          '--base',
          'main',
          '--format',
          'json',
          ...(c.stored ? ['--base-results', results] : []),
        );
        const found = r.report.findings.map(
          (f: { ruleId: string; isNew: boolean; location: { path: string; startLine: number } }) => [
            f.ruleId,
            `${f.location.path}:${f.location.startLine}`,
            f.isNew,
          ],
        );
        // The report never holds the credential, nor any part of it longer than the redacted prefix.
        const text = JSON.stringify(r.report);
        for (const v of [a, b])
          for (let i = 0; i + 8 <= v.length; i++) expect(text).not.toContain(v.slice(i, i + 8));
        return { code: r.code, found };
      };
      const moved = c.line + 2;

      // The same credential, its lines moved: existing debt, the gate on new findings passes.
      commit({ [c.path]: c.file(c.name, a, 2) });
      expect(await check()).toEqual({ code: 0, found: [[c.rule, `${c.path}:${moved}`, false]] });

      // Another credential under the same name: a new finding, and the gate fails.
      commit({ [c.path]: c.file(c.name, b, 2) });
      expect(await check()).toEqual({ code: 1, found: [[c.rule, `${c.path}:${moved}`, true]] });

      // The same credential under another name: new as well. The name is part of the identity, as
      // for the secret scanner's passwords: a credential given to another variable (another service,
      // another provider setting) is another exposure to review.
      commit({ [c.path]: c.file(c.renamed, a, 2) });
      expect(await check()).toEqual({ code: 1, found: [[c.rule, `${c.path}:${moved}`, true]] });
    },
  );
});

describe('a replaced secret is a new finding: the Action on a pull request', () => {
  useBuiltBundle();

  let fake: FakeGitHub;
  beforeEach(async () => {
    fake = await FakeGitHub.start();
  });
  afterEach(async () => {
    await fake.close();
  });

  const run = (head: Record<string, string>) => {
    const base = Object.fromEntries(CASES.map((c) => [c.path, c.before]));
    const repo = prRepo({ ...base, '.controlgate.yml': onlyRulesConfig(RULES), 'README.md': 'x\n' }, head);
    fake.state.files = apiFiles(repo);
    return runAction({
      workspace: repo.dir,
      inputs: {
        token: 'ghs_fake_token_for_tests',
        'fail-on': 'medium',
        'check-run': 'false',
        'review-comments': 'false',
        comment: 'false',
      },
      env: pullRequestEvent({ base: repo.baseSha, head: repo.headSha }, fake.url),
    });
  };

  it('passes when the pull request leaves the secrets as they were', async () => {
    const r = await run({ 'README.md': 'y\n' });
    expect(r.code).toBe(0);
    expect(r.outputs.blocking).toBe('0');
  });

  it('fails on each secret replaced by another, with an error annotation on its line', async () => {
    const r = await run(Object.fromEntries(CASES.map((c) => [c.path, c.after])));
    expect(r.code).toBe(1);
    const errors = commandLines(r).filter((l) => l.startsWith('::error '));
    for (const c of CASES) {
      expect(
        errors.some((l) => l.includes(`file=${c.path},line=${c.line},`)),
        c.name,
      ).toBe(true);
    }
    expect(r.outputs.blocking).toBe('3');
  });
});
