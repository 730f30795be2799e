import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { prng } from '../bench/prng.mjs';
import { placeFindings } from '../src/action/review-sink.js';
import { main } from '../src/cli/main.js';
import { runCheck } from '../src/core/engine.js';
import { signCrc32Base62 } from '../src/core/evaluators/secrets/checksums.js';
import { toFinding } from '../src/core/evaluators/secrets/evaluator.js';
import { expandExample, syntheticKey } from '../src/core/evaluators/secrets/examples.js';
import { PROVIDERS } from '../src/core/evaluators/secrets/providers/index.js';
import { scanText } from '../src/core/evaluators/secrets/scan.js';
import { createFinding } from '../src/core/finding.js';
import { HOLDS_SECRET } from '../src/core/fix/secret-lines.js';
import type { Report } from '../src/core/types.js';
import { planCheckRunAnnotations, renderCheckRunOutput } from '../src/reporters/check-run.js';
import {
  planAnnotations,
  renderJson,
  renderMarkdown,
  renderSarifString,
  renderText,
} from '../src/reporters/index.js';
import { renderPrComment } from '../src/reporters/pr-comment.js';
import { renderReviewComment } from '../src/reporters/review.js';
import { testRule } from './evaluators/kit.js';

/**
 * Builds a repository full of secrets whose random parts are generated here (the hand-written ones
 * drawn fresh on every run, the providers' examples from a seeded generator: nothing here is, or ever
 * was, a real credential), runs the whole engine over it, renders every reporter,
 * and checks that no output contains a secret or any 8-character piece of its random part. A
 * property test then throws generated URLs, headers and assignments at the scanner alone.
 */

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Every generated secret, with the part of it that is random. */
const planted: { secret: string; random: string }[] = [];
function rand(n: number, alphabet = ALNUM): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}
function secret(prefix: string, random: string, suffix = ''): string {
  const value = `${prefix}${random}${suffix}`;
  planted.push({ secret: value, random });
  return value;
}
/**
 * Draws for the providers' example templates: seeded, so every run plants the same examples. The
 * detectors rightly set aside about one random draw in a few thousand (`dummy` or `xxxx` inside the
 * random part, too few distinct characters, an AWS key naming no possible account), and the count of
 * provider lines below must not depend on luck: fresh draws failed it about one run in three hundred.
 */
const draw = prng(27_002);
const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A PEM block around a synthetic key body drawn from the system's random source. */
function pemKey(label: string, kind: string): string {
  const body = syntheticKey(kind, (n) => randomBytes(n));
  planted.push({ secret: body.slice(0, 64), random: body.slice(16, 64) });
  return [`-----BEGIN ${label}-----`, ...(body.match(/.{1,64}/g) ?? []), `-----END ${label}-----`].join('\n');
}

function repository(): Record<string, string> {
  const jwt = secret(
    `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: 'test-only' })}.`,
    rand(43, `${ALNUM}-_`),
  );
  const tokenUser = rand(40);
  const atPassword = `${rand(6)}@${rand(6)}:${rand(8)}`;
  const providers = PROVIDERS.map((spec) => {
    const ex = expandExample(spec.example, draw);
    planted.push({ secret: ex.secret, random: ex.secret.slice(spec.prefix) });
    return ex.line;
  });
  return {
    'test-only/aws.ini': `[default]\naws_access_key_id = ${secret('AKIA', rand(16, B32))}\naws_secret_access_key = ${secret('', rand(40))}\n`,
    'test-only/release.sh': `#!/bin/sh\nexport GH_TOKEN=${secret('ghp_', signCrc32Base62(rand(30)))}\nexport GL=${secret('glpat-', rand(20))}\n`,
    'test-only/notify.ts': `const slack = '${secret('xoxb-123456789012-1234567890123-', rand(24))}';\nconst hook = '${secret('https://hooks.slack.com/services/T0TESTONLY/B0TESTONLY/', rand(24))}';\n`,
    'test-only/billing.rb': `Stripe.api_key = "${secret('sk_live_', rand(24))}"\n`,
    'test-only/.npmrc': `//registry.npmjs.org/:_authToken=${secret('npm_', signCrc32Base62(rand(30)))}\n_auth=${secret('', b64(`ci:${rand(20)}`))}\n`,
    'test-only/api.http': `Authorization: Bearer ${jwt}\nX-API-Key: ${secret('', rand(32))}\nAuthorization: Basic ${secret('', b64(`deploy:${rand(18)}`))}\n`,
    'test-only/database.yml': `url: postgres://billing:${secret('', rand(20))}@db.prod.internal:5432/billing\nalt: postgres://app:${secret('', atPassword)}@db2.prod.internal/app\n`,
    'test-only/clone.sh': `git clone https://${secret('', tokenUser)}:x-oauth-basic@github.com/acme/app.git\ngit clone https://${secret('', rand(40))}@git.corp.internal/app.git\ncurl -u deploy:${secret('', rand(18))} https://files.corp.internal/\ndocker login -u ci -p ${secret('', rand(20))} registry.corp.internal\n`,
    'test-only/settings.py': `DB_PASSWORD = "${secret('', rand(18))}"\nAPI_KEY = '${secret('', rand(32))}'\n`,
    'test-only/appsettings.json': `{ "Blobs": "DefaultEndpointsProtocol=https;AccountName=t;AccountKey=${secret('', rand(86, `${ALNUM}+/`), '==')}" }\n`,
    'test-only/service-account.json': `{\n  "type": "service_account",\n  "private_key": "${pemKey('PRIVATE KEY', 'pkcs8').replace(/\n/g, '\\n')}\\n"\n}\n`,
    'test-only/server.key': `${pemKey('RSA PRIVATE KEY', 'rsa')}\n`,
    'test-only/Dockerfile': `FROM node:22-slim\nARG NPM_TOKEN=${secret('', rand(36))}\nENV DB_PASSWORD=${secret('', rand(16))}\nADD https://deploy:${secret('', rand(20))}@files.internal.example/a.tgz /opt/\n`,
    // The rules that report a credential by the name it is given, identified by its keyed hash.
    'test-only/main.tf': `provider "aws" {\n  region     = "eu-west-1"\n  secret_key = "${secret('', rand(40))}"\n}\n`,
    '.github/workflows/ci.yml': `on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    services:\n      db:\n        image: r.example.com/db:16\n        credentials: { username: ci, password: ${secret('', rand(20))} }\n    steps:\n      - run: make test\n`,
    'test-only/requirements.txt': `lib @ git+https://${secret('', rand(24))}@github.com/acme/lib.git@main\n`,
    'test-only/.env': `SESSION_SECRET=${secret('', rand(32))}\n`,
    'test-only/.pypirc': `[pypi]\nusername = ci\npassword = ${secret('', rand(20))}\n`,
    'test-only/.netrc': `machine files.corp.internal login ci password ${secret('', rand(20))}\n`,
    'test-only/.git-credentials': `https://ci:${secret('', rand(24))}@git.corp.internal\n`,
    'test-only/.docker/config.json': `{ "auths": { "r.corp.internal": { "auth": "${secret('', b64(`ci:${rand(20)}`))}" } } }\n`,
    'test-only/kubeconfig': `apiVersion: v1\nkind: Config\nusers:\n- name: ci\n  user:\n    token: ${secret('', rand(48))}\n`,
    'test-only/providers.env': `${providers.join('\n')}\n`,
    // A line longer than the old 20,000-character cap, with the secret near its end.
    'test-only/long.env': `${'A'.repeat(30_000)} TOKEN=${secret('ghp_', signCrc32Base62(rand(30)))}\n`,
  };
}

/** True when `text` contains the secret or any 8-character piece of its random part. */
function leaked(text: string, s: { secret: string; random: string }): boolean {
  if (s.secret.length >= 8 && text.includes(s.secret)) return true;
  for (let i = 0; i + 8 <= s.random.length; i++) if (text.includes(s.random.slice(i, i + 8))) return true;
  return false;
}

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** Writes the files into a fresh temporary directory and returns its path. */
function writeTree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'controlgate-no-leak-'));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe('no output leaks a secret', () => {
  let report: Report;

  it('finds the planted secrets', async () => {
    report = await runCheck({ root: writeTree(repository()), failOn: 'never' });
    const secretRules = new Set(report.findings.map((f) => f.ruleId));
    for (const id of [
      'cloud-key-committed',
      'api-token-committed',
      'jwt-committed',
      'connection-string-password',
      'hardcoded-secret',
      'private-key-committed',
      'credential-file-committed',
      'dockerfile-secret-env',
      'terraform-provider-credentials',
      'workflow-hardcoded-container-credentials',
    ]) {
      expect(secretRules, id).toContain(id);
    }
    const providerLines = report.findings.filter((f) => f.location?.path === 'test-only/providers.env');
    expect(new Set(providerLines.map((f) => f.location!.startLine)).size).toBe(PROVIDERS.length);
  });

  it.each([
    ['text', () => renderText(report)],
    ['text with colour', () => renderText(report, { color: true })],
    ['JSON', () => renderJson(report)],
    ['SARIF', () => renderSarifString(report)],
    ['Markdown', () => renderMarkdown(report)],
    ['annotation plan', () => JSON.stringify(planAnnotations(report))],
    ['report object', () => JSON.stringify(report)],
  ])('%s', (_name, render) => {
    const out = render();
    expect(out.length).toBeGreaterThan(0);
    const leaks = planted
      .filter((s) => leaked(out, s))
      .map((s) => `${s.secret.slice(0, 4)}… (${s.secret.length})`);
    expect(leaks).toEqual([]);
  });
});

/**
 * Literal credentials that only a rule reading the file's structure reports (the scanner sees a value
 * without its name on the line above, after a space instead of `=`, or of letters it takes for a word),
 * on the very lines another rule's fix changes: the fix is withheld, and no output carries the value,
 * neither a report nor a review comment's suggestion nor what `controlgate fix` prints.
 */
describe('no fix carries a literal credential that another rule reports', () => {
  const credentials: { secret: string; random: string }[] = [];
  const plant = (random: string) => {
    credentials.push({ secret: random, random });
    return random;
  };
  const letters = (n: number) => plant(rand(n, 'abcdefghijklmnopqrstuvwxyz'));
  const files = {
    // The fix adds a securityContext after the container's last line: the password's.
    'deploy/api.yaml': `apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: api\n      image: registry.example.com/api:1.4.2\n      env:\n        - name: DB_PASSWORD\n          value: ${plant(rand(24))}\n`,
    // A container on one line: the fix adds to it, on that line.
    'deploy/worker.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\nspec:\n  template:\n    spec:\n      containers:\n        - {name: worker, image: registry.example.com/worker:2.0.1, env: [{name: API_TOKEN, value: ${plant(rand(24))}}]}\n  selector: {matchLabels: {app: worker}}\n`,
    // The USER line goes above CMD: the change is the line before it.
    'svc/Dockerfile': `FROM node:22-slim\nWORKDIR /app\nCOPY . .\nENV SERVICE_TOKEN ${plant(rand(24))}\nCMD ["node", "server.js"]\n`,
    // The labelling job's permissions go above its steps, below the registry password.
    '.github/workflows/label.yml': `on: pull_request\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n  label:\n    runs-on: ubuntu-latest\n    container:\n      image: registry.example.com/ci:1\n      credentials:\n        username: ci\n        password: ${letters(20)}\n    steps:\n      - uses: actions/labeler@v5\n`,
    // No rule fixes a compose file today: here so that one that does is held to the same.
    'docker-compose.yml': `services:\n  db:\n    image: postgres:16.4\n    environment:\n      POSTGRES_PASSWORD: ${letters(20)}\n`,
  };
  let root: string;
  let report: Report;

  it('the fixes whose lines hold them are withheld, and said to be', async () => {
    root = writeTree(files);
    report = await runCheck({ root, failOn: 'never' });
    const at = (ruleId: string, file: string) =>
      report.findings
        .filter((f) => f.ruleId === ruleId && f.location?.path === file)
        .map((f) => ({ fix: f.fix, unfixable: f.unfixable }));
    // Each value is a credential by the project's own rules...
    const literal = new Set([
      'dockerfile-secret-env',
      'k8s-env-secret-literal',
      'workflow-hardcoded-container-credentials',
    ]);
    expect(
      report.findings
        .filter((f) => literal.has(f.ruleId))
        .map((f) => `${f.ruleId} ${f.location?.path}`)
        .sort(),
    ).toEqual([
      'dockerfile-secret-env svc/Dockerfile',
      'k8s-env-secret-literal deploy/api.yaml',
      'k8s-env-secret-literal deploy/worker.yaml',
      'workflow-hardcoded-container-credentials .github/workflows/label.yml',
    ]);
    // ...so the fixes of other rules that change its lines are withheld.
    const withheld = [{ fix: undefined, unfixable: HOLDS_SECRET }];
    expect(at('k8s-privilege-escalation', 'deploy/api.yaml')).toEqual(withheld);
    expect(at('k8s-privilege-escalation', 'deploy/worker.yaml')).toEqual(withheld);
    expect(at('dockerfile-root-user', 'svc/Dockerfile')).toEqual(withheld);
    expect(at('workflow-permissions', '.github/workflows/label.yml')).toEqual(withheld);
  });

  it('review comments carry the other fixes as suggestions, never these', () => {
    const placed = placeFindings(report, {
      pr: { prefix: '', index: { firstAddedLine: (_p: string, from: number) => from } },
    } as never);
    // The checkout's fix is on lines that hold no secret: its suggestion is made.
    expect(placed.filter((p) => p.suggestion !== undefined).map((p) => p.finding.ruleId)).toContain(
      'workflow-checkout-persisted-credentials',
    );
    const out = placed.map((p) => renderReviewComment(p.finding, p.suggestion)).join('\n');
    expect(credentials.filter((s) => leaked(out, s)).map((s) => s.secret.length)).toEqual([]);
  });

  it.each([
    ['text', () => renderText(report)],
    ['JSON', () => renderJson(report)],
    ['SARIF', () => renderSarifString(report)],
    ['Markdown (job summary)', () => renderMarkdown(report)],
    ['sticky comment', () => renderPrComment(report, { marker: '<!-- controlgate -->', scope: 'all' })],
    [
      'check run',
      () =>
        JSON.stringify([
          renderCheckRunOutput(report, { annotations: 0, scope: 'all' }),
          planCheckRunAnnotations(report),
        ]),
    ],
    ['annotation plan', () => JSON.stringify(planAnnotations(report))],
    ['report object', () => JSON.stringify(report)],
  ])('%s', (_name, render) => {
    const out = render();
    expect(out.length).toBeGreaterThan(0);
    expect(credentials.filter((s) => leaked(out, s)).map((s) => s.secret.length)).toEqual([]);
  });

  it('controlgate fix lists them as not fixed, with why, and prints none of the values', async () => {
    const out: string[] = [];
    const err: string[] = [];
    await main(['fix', root, '--dry-run'], {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      isTTY: false,
    });
    const printed = out.join('') + err.join('');
    // The checkout's fix is applied; the four that would copy a credential are listed with why.
    expect(printed).toContain('--- a/.github/workflows/label.yml');
    expect(
      err
        .join('')
        .split('\n')
        .filter((l) => l.endsWith(HOLDS_SECRET)),
    ).toEqual([
      `  .github/workflows/label.yml:2 workflow-permissions: ${HOLDS_SECRET}`,
      `  deploy/api.yaml:7 k8s-privilege-escalation: ${HOLDS_SECRET}`,
      `  deploy/worker.yaml:9 k8s-privilege-escalation: ${HOLDS_SECRET}`,
      `  svc/Dockerfile:1 dockerfile-root-user: ${HOLDS_SECRET}`,
    ]);
    expect(credentials.filter((s) => leaked(printed, s)).map((s) => s.secret.length)).toEqual([]);
  });
});

const word = (n: number) =>
  fc.array(fc.constantFrom(...ALNUM), { minLength: n, maxLength: n }).map((a) => a.join(''));
const userinfoChar = fc.constantFrom(...`${ALNUM}@:/!*~-._`);
const password = fc.array(userinfoChar, { minLength: 10, maxLength: 40 }).map((a) => a.join(''));

describe('no finding leaks its secret (property)', () => {
  it('URL credentials parsed from the right, tokens in the user position, headers and flags', () => {
    const rule = testRule('secrets.scan', {});
    fc.assert(
      fc.property(
        word(24),
        password,
        fc.constantFrom('postgres', 'https', 'redis', 'amqps', 'mongodb+srv'),
        (token, pw, scheme) => {
          const cases = [
            { line: `url: ${scheme}://${token}:x-oauth-basic@db.corp.internal/app`, secret: token },
            { line: `url: ${scheme}://${token}@git.corp.internal/app.git`, secret: token },
            { line: `url: ${scheme}://app:${pw}@db.corp.internal:5432/app`, secret: pw },
            { line: `curl -u ci:${token} https://files.corp.internal/`, secret: token },
            { line: `Authorization: Bearer ${token}`, secret: token },
            { line: `docker login -u ci -p ${token} registry.corp.internal`, secret: token },
          ];
          for (const { line, secret: value } of cases) {
            for (const hit of scanText('config/app.env', `${line}\n`)) {
              const raw = toFinding('config/app.env', hit);
              const finding = createFinding(rule, raw);
              for (const out of [finding.message, finding.fingerprint, raw.key ?? '']) {
                expect(leaked(out, { secret: value, random: value })).toBe(false);
              }
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
