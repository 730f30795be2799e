import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { prng } from '../bench/prng.mjs';
import { runCheck } from '../src/core/engine.js';
import { signCrc32Base62 } from '../src/core/evaluators/secrets/checksums.js';
import { toFinding } from '../src/core/evaluators/secrets/evaluator.js';
import { expandExample, syntheticKey } from '../src/core/evaluators/secrets/examples.js';
import { PROVIDERS } from '../src/core/evaluators/secrets/providers/index.js';
import { scanText } from '../src/core/evaluators/secrets/scan.js';
import { createFinding } from '../src/core/finding.js';
import type { Report } from '../src/core/types.js';
import {
  planAnnotations,
  renderJson,
  renderMarkdown,
  renderSarifString,
  renderText,
} from '../src/reporters/index.js';
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

let root: string | undefined;
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('no output leaks a secret', () => {
  let report: Report;

  it('finds the planted secrets', async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'controlgate-no-leak-'));
    for (const [rel, text] of Object.entries(repository())) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), text);
    }
    report = await runCheck({ root, failOn: 'never' });
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
