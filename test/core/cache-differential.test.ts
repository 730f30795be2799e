/**
 * The differential test of the cache between runs: over generated repositories and random edits
 * between runs (commits, working-tree edits git has not staged, untracked files, deletions, a
 * changed config), a run that restores from the cache must report exactly what a run without it
 * reports, with every built-in rule.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import type { Report } from '../../src/core/types.js';
import { scratchRepo } from '../helpers/git-repo.js';

/** mulberry32: a seeded generator, so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SHA = 'b4ffde65f46336ab88eb53be808477a3936bae11';
const expr = (e: string) => `\${{ ${e} }}`;

/** Contents by kind: debt, its absence, broken input, and references to other files. */
const KINDS: Record<string, { path: (n: number) => string; variants: ((n: number) => string)[] }> = {
  workflow: {
    path: (n) => `.github/workflows/w${n}.yml`,
    variants: [
      () =>
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n',
      () =>
        `on: pull_request_target\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${expr('github.event.pull_request.head.sha')}\n      - run: echo "${expr('github.event.pull_request.title')}"\n`,
      () =>
        `on: pull_request\npermissions:\n  contents: read\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@${SHA}\n      - run: curl -k https://x.example/i.sh | sh\n`,
      (n) => `on: push\njobs:\n  call:\n    uses: ./.github/workflows/w${n + 1}.yml\n    secrets: inherit\n`,
      () => 'on: push\njobs:\n  a: [unclosed\n',
    ],
  },
  dockerfile: {
    path: (n) => `svc/s${n}/Dockerfile`,
    variants: [
      () => 'FROM node:latest\nRUN curl -fsSL https://example.com/i.sh | sh\n',
      () => `FROM node:20@sha256:${'a'.repeat(64)}\nUSER app\nCMD ["node", "x.js"]\n`,
      () => 'FROM python:3.12\nADD http://example.com/x.tar.gz /opt/\nENV API_KEY=abcd1234efgh5678\n',
    ],
  },
  k8s: {
    path: (n) => `deploy/app-${n}.yaml`,
    variants: [
      (n) =>
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a${n}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: nginx:latest\n          securityContext:\n            privileged: true\n`,
      (n) => `resources:\n  - app-${n + 1}.yaml\n`,
      () => 'kind: Pod\nspec: {containers: [\n',
    ],
  },
  terraform: {
    path: (n) => `infra/m${n}/main.tf`,
    variants: [
      (n) =>
        `resource "aws_security_group_rule" "ssh${n}" {\n  type        = "ingress"\n  from_port   = 22\n  to_port     = 22\n  cidr_blocks = ["0.0.0.0/0"]\n}\n`,
      (n) => `module "m${n}" {\n  source = "../m${n + 1}"\n}\n`,
      () => 'provider "aws" {\n  access_key = "AKIAIOSFODNN7EXAMPLF"\n',
    ],
  },
  manifest: {
    path: (n) => `pkg/p${n}/package.json`,
    variants: [
      (n) => `{"name":"p${n}","dependencies":{"left-pad":"1.3.0"}}\n`,
      (n) => `{"name":"p${n}","dependencies":{"x":"git+https://example.com/x.git#main"}}\n`,
      () => '{"name": \n',
    ],
  },
  secret: {
    path: (n) => `src/m${n}/settings.py`,
    variants: [
      () => 'TOKEN = "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"\n',
      () => 'SLACK = "xoxb-401557977779-0824565800040-U4U8Fufx6DmLY35hXGeVaMnz"\n',
      () => 'DEBUG = True\n# controlgate: ignore[api-token-committed]\n',
      () => '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n',
    ],
  },
  source: {
    path: (n) => [`src/m${n}/code.js`, `test/fixtures/t${n}.js`, `vendor/v${n}/index.js`][n % 3]!,
    variants: [
      (n) => `export const v${n} = ${n};\n`,
      () => 'process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";\n',
      () =>
        '// controlgate: ignore[tls-verification-disabled] test server\nprocess.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";\n',
      () => `const email = "jane.doe@example.org"; const iban = "DE89370400440532013000";\n`,
    ],
  },
  binary: {
    path: (n) => `bin/tool${n}`,
    variants: [() => '\u007fELF\u0002\u0001\u0001\u0000\u0000\u0000', () => '#!/bin/sh\necho hi\n'],
  },
  config: {
    path: () => '.controlgate.yml',
    variants: [
      () => 'version: 1\n',
      () => 'version: 1\nrules:\n  workflow-unpinned-action:\n    severity: low\n',
      () => 'version: 1\nexclude: ["vendor/**"]\nrules:\n  api-token-committed:\n    enabled: false\n',
    ],
  },
};
const NAMES = Object.keys(KINDS);

function randomFile(rand: () => number): [string, string] {
  const kind = KINDS[NAMES[Math.floor(rand() * NAMES.length)]!]!;
  const n = Math.floor(rand() * 4);
  return [kind.path(n), kind.variants[Math.floor(rand() * kind.variants.length)]!(n)];
}

function judgement(report: Report): unknown {
  const { run: _run, ...rest } = report as Report & { run?: unknown };
  return JSON.parse(JSON.stringify(rest));
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('cache between runs (differential)', () => {
  it('reports exactly what an uncached run reports, over random edits between runs', async () => {
    const now = new Date('2026-06-01T00:00:00Z');
    let restored = 0;
    for (const seed of [1, 2, 3]) {
      const rand = rng(seed);
      const repo = scratchRepo();
      dirs.push(repo.dir);
      const cacheDir = path.join(mkdtempSync(path.join(tmpdir(), 'cg-cache-')), 'c');
      dirs.push(path.dirname(cacheDir));
      const files: Record<string, string> = {};
      while (Object.keys(files).length < 30) {
        const [p, c] = randomFile(rand);
        files[p] = c;
      }
      repo.commit(files);
      for (let round = 0; round < 4; round++) {
        const debug: string[] = [];
        const logger = { debug: (m: string) => debug.push(m), info() {}, warning() {}, error() {} };
        const cached = await runCheck({ root: repo.dir, cacheDir, now, logger });
        const plain = await runCheck({ root: repo.dir, now });
        expect(judgement(cached), `seed ${seed}, round ${round}`).toEqual(judgement(plain));
        for (const m of debug)
          restored += Number(/^cache-dir: (\d+) rule outcomes restored/.exec(m)?.[1] ?? 0);
        // Between runs: commits, deletions, working-tree edits git has not staged, untracked files.
        const commit: Record<string, string | null> = {};
        for (let i = 0; i < 1 + Math.floor(rand() * 4); i++) {
          const op = rand();
          const paths = Object.keys(files);
          const pick = paths[Math.floor(rand() * paths.length)]!;
          if (op < 0.4) {
            const [p, c] = randomFile(rand);
            commit[p] = c;
            files[p] = c;
          } else if (op < 0.55) {
            commit[pick] = null;
            delete files[pick];
          } else if (op < 0.8) {
            const [, c] = randomFile(rand);
            writeFileSync(path.join(repo.dir, pick), c);
          } else {
            const [p, c] = randomFile(rand);
            const untracked = path.join(repo.dir, p.replace(/(\.\w+)?$/, '-new$1'));
            mkdirSync(path.dirname(untracked), { recursive: true });
            writeFileSync(untracked, c);
          }
        }
        if (Object.keys(commit).length > 0) repo.commit(commit);
      }
    }
    // The cache was used, not merely written: a test that never restores proves nothing.
    expect(restored).toBeGreaterThan(1000);
  }, 120_000);
});
