import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../src/core/engine.js';
import type { Report } from '../src/core/types.js';
import {
  planAnnotations,
  renderJson,
  renderMarkdown,
  renderSarifString,
  renderText,
} from '../src/reporters/index.js';

/**
 * Builds a repository full of secrets whose random parts are drawn fresh on every run (so nothing
 * here is, or ever was, a real credential), runs the whole engine over it, renders every reporter,
 * and checks that no output contains a secret or any 8-character piece of its random part.
 */

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A random string over `alphabet`; every generated secret is recorded with its random part. */
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

const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

function repository(): Record<string, string> {
  const pem = randomBytes(600)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  planted.push({ secret: pem.split('\n')[1]!, random: pem.split('\n')[1]! });
  const jwtSig = rand(43, `${ALNUM}-_`);
  const jwt = secret(`${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: 'test-only' })}.`, jwtSig);
  return {
    'test-only/aws.ini': `[default]\naws_access_key_id = ${secret('AKIA', rand(16, B32))}\naws_secret_access_key = ${secret('', rand(40))}\n`,
    'test-only/release.sh': `#!/bin/sh\nexport GH_TOKEN=${secret('ghp_', rand(36))}\nexport GL=${secret('glpat-', rand(20))}\n`,
    'test-only/notify.ts': `const slack = '${secret('xoxb-123456789012-1234567890123-', rand(24))}';\nconst hook = '${secret('https://hooks.slack.com/services/T0TESTONLY/B0TESTONLY/', rand(24))}';\n`,
    'test-only/billing.rb': `Stripe.api_key = "${secret('sk_live_', rand(24))}"\n`,
    'test-only/.npmrc': `//registry.npmjs.org/:_authToken=${secret('npm_', rand(36))}\n`,
    'test-only/api.http': `Authorization: Bearer ${jwt}\n`,
    'test-only/database.yml': `url: postgres://billing:${secret('', rand(20))}@db.prod.internal:5432/billing\n`,
    'test-only/settings.py': `DB_PASSWORD = "${secret('', rand(18))}"\nAPI_KEY = '${secret('', rand(32))}'\n`,
    'test-only/appsettings.json': `{ "Blobs": "DefaultEndpointsProtocol=https;AccountName=t;AccountKey=${secret('', rand(86, `${ALNUM}+/`), '==')}" }\n`,
    'test-only/service-account.json': `{\n  "type": "service_account",\n  "private_key": "-----BEGIN PRIVATE KEY-----\\n${secret('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', rand(40))}\\n-----END PRIVATE KEY-----\\n"\n}\n`,
    'test-only/server.key': `-----BEGIN RSA PRIVATE KEY-----\n${pem}-----END RSA PRIVATE KEY-----\n`,
    'test-only/Dockerfile': `FROM node:22-slim\nARG NPM_TOKEN=${secret('', rand(36))}\nENV DB_PASSWORD=${secret('', rand(16))}\nADD https://deploy:${secret('', rand(20))}@files.internal.example/a.tgz /opt/\n`,
    'test-only/requirements.txt': `lib @ git+https://${secret('', rand(24))}@github.com/acme/lib.git@main\n`,
    'test-only/package.json': `{ "dependencies": { "ui": "git+https://x:${secret('', rand(24))}@github.com/acme/ui.git#main" } }\n`,
    // A line long enough to be truncated by the reporters, with the secret near the end of the cap.
    'test-only/long.env': `${'A'.repeat(19_900)} TOKEN=${secret('ghp_', rand(36))}\n`,
  };
}

/** True when `text` contains the secret or any 8-character piece of its random part. */
function leaked(text: string, s: { secret: string; random: string }): boolean {
  if (text.includes(s.secret)) return true;
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
      'dockerfile-secret-env',
    ]) {
      expect(secretRules, id).toContain(id);
    }
    expect(report.findings.length).toBeGreaterThanOrEqual(20);
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
