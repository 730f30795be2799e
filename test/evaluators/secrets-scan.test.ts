// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` placeholders are test data here.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCorpus } from '../../bench/secrets-corpus.mjs';
import { DETECTORS } from '../../src/core/evaluators/secrets/detectors.js';
import { leaks, secretsScan, toFinding } from '../../src/core/evaluators/secrets/evaluator.js';
import { scanText } from '../../src/core/evaluators/secrets/scan.js';
import { createFinding } from '../../src/core/finding.js';
import { expectLinear } from '../helpers/linear.js';
import { cleanup, run, testRule } from './kit.js';

afterAll(cleanup);

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const body = (n: number, alphabet = ALNUM) =>
  fc.array(fc.constantFrom(...alphabet), { minLength: n, maxLength: n }).map((a) => a.join(''));

// Fixed random bodies (generated once; not real credentials).
const GHP = 'ghp_9YxtcUTovhPeP5PNg6mshfDyVr6dQKCU689Z';
const AKIA = 'AKIAEYOC3VM7QPH7U3KX';
const AWS_SECRET = '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';

const hits = (text: string, path = 'src/x.txt') =>
  scanText(path, text).map((h) => `${h.line}:${h.start + 1}:${h.detector}`);

describe('secret scanner', () => {
  it('reports each detector at the exact columns of the value', () => {
    const text = [
      `export GH_TOKEN=${GHP}`,
      `aws_access_key_id = ${AKIA}`,
      `url: postgres://billing:Wg5OG5f40WblYJZNg3Zp@db.prod.internal/billing`,
      'DB_PASSWORD = "RjFKIjFpTE0w4Tbb"',
    ].join('\n');
    expect(hits(text)).toEqual([
      '1:17:github-token',
      '2:21:aws-access-key-id',
      '3:25:connection-string-password',
      '4:16:generic-secret-assignment',
    ]);
  });

  it('gives a value to the most specific detector only', () => {
    const token = 'ghs_2RPo9wLtzdvxN7TuxldSnY7UEdtwsWnvqgaz';
    expect(hits(`url = "https://x-access-token:${token}@github.com/o/r"`)).toEqual(['1:31:github-token']);
    expect(hits(`GITHUB_TOKEN = "${GHP}"`)).toEqual(['1:17:github-token']);
    expect(hits(`aws_secret_access_key = "${AWS_SECRET}"`)).toEqual(['1:26:aws-secret-access-key']);
  });

  it('pairs an unnamed AWS secret key with an access key ID up to three lines away', () => {
    const near = `const c = {\n  id: '${AKIA}',\n  // note\n  s: '${AWS_SECRET}',\n};`;
    expect(hits(near)).toEqual(['2:8:aws-access-key-id', '4:7:aws-secret-access-key']);
    const far = `id: '${AKIA}'\n\n\n\n\ns: '${AWS_SECRET}'`;
    expect(hits(far)).toEqual(['1:6:aws-access-key-id']);
  });

  it('reports a GCP private key only in a service-account key file', () => {
    const key = `"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC\\n-----END PRIVATE KEY-----\\n"`;
    expect(hits(`{\n  "type": "service_account",\n  ${key}\n}`)).toEqual(['3:19:gcp-service-account-key']);
    // Without the service-account marker, the PEM header is still a private key.
    expect(hits(`{\n  ${key}\n}`)).toEqual(['2:19:private-key']);
  });

  it('ignores placeholders, references and look-alikes', () => {
    const text = [
      'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
      'GH_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      'password: ${{ secrets.DB_PASSWORD }}',
      'token = os.environ["TOKEN"]',
      'url: postgres://app:app@localhost/app',
      'secretName: db-credentials',
      "if (line === '-----BEGIN RSA PRIVATE KEY-----') return;",
    ].join('\n');
    expect(hits(text)).toEqual([]);
  });

  it('sees only the first 20,000 characters of a line, as the content rules do', () => {
    expect(hits(`${' '.repeat(19_980)}x = 1; GH=${GHP}`)).toEqual([]);
    expect(hits(`${' '.repeat(19_900)}GH=${GHP}`)).toHaveLength(1);
  });

  it('stays fast on hostile lines full of keywords', () => {
    expectLinear((scale) => {
      scanText(
        'hostile.txt',
        `${'token=token:password://@'.repeat(10_000 * scale)}\n${'a'.repeat(125_000 * scale)}`,
      );
    });
  });

  it('finds every labelled secret of the corpus, and nothing else', () => {
    for (const file of buildCorpus()) {
      const got = new Set(
        scanText(file.path, file.text)
          .filter((h) => h.detector !== 'generic-secret-assignment' || h.entropy >= 3)
          .map((h) => h.line),
      );
      expect([...got].sort(), file.path).toEqual([...file.labels.keys()].sort());
    }
  });
});

describe('secrets.scan evaluator', () => {
  it('reports only the rule’s detectors, honours minEntropy, and redacts', async () => {
    const files = { 'a.env': `GH=${GHP}\nAPI_KEY=aaaabbbbccccdddd1\nDB_PASSWORD=RjFKIjFpTE0w4Tbb\n` };
    const tokens = await run(secretsScan, { detectors: ['github-token'] }, files);
    expect(tokens.map((f) => f.message)).toEqual([
      'GitHub personal access token (classic) is committed: ghp_… (40 chars).',
    ]);
    const generic = await run(
      secretsScan,
      { detectors: ['generic-secret-assignment'], minEntropy: 3.5 },
      files,
    );
    expect(generic.map((f) => f.message)).toEqual([
      'A literal secret is assigned to `DB_PASSWORD`: RjF… (16 chars).',
    ]);
    expect(generic[0]!.key).toBe('generic-secret-assignment:DB_PASSWORD');
  });

  it('keys random tokens by a salted hash, so a moved token keeps its fingerprint', async () => {
    const a = await run(secretsScan, { detectors: ['github-token'] }, { 'x.sh': `A=${GHP}\n` });
    const b = await run(secretsScan, { detectors: ['github-token'] }, { 'x.sh': `\n\n  B=${GHP}\n` });
    expect(a[0]!.key).toBe(b[0]!.key);
    expect(a[0]!.key).not.toContain(GHP.slice(4, 12));
  });

  it('drops a context that would repeat part of the value', () => {
    expect(leaks('DB_PASSWORD', 'RjFKIjFpTE0w4Tbb')).toBe(false);
    expect(leaks('prefix-RjFKIjFp', 'RjFKIjFpTE0w4Tbb')).toBe(true);
  });
});

/** Realistic shapes with random bodies, each embedded in a realistic line. */
const secrets = fc.oneof(
  body(36).map((b) => ({ secret: `ghp_${b}`, random: b })),
  body(59).map((b) => ({ secret: `github_pat_${b.slice(0, 22)}_${b}`, random: b })),
  body(20, `${ALNUM}_-`).map((b) => ({ secret: `glpat-${b}`, random: b })),
  body(24).map((b) => ({ secret: `sk_live_${b}`, random: b })),
  body(36).map((b) => ({ secret: `npm_${b}`, random: b })),
  body(24).map((b) => ({ secret: `xoxb-123456789012-1234567890123-${b}`, random: b })),
  body(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567').map((b) => ({ secret: `AKIA${b}`, random: b })),
  body(40, `${ALNUM}/+`).map((b) => ({ secret: b, random: b, aws: true })),
  body(20).map((b) => ({ secret: b, random: b, password: true })),
);
const templates = [
  (s: string) => `export TOKEN=${s}`,
  (s: string) => `const apiKey = '${s}';`,
  (s: string) => `  "password": "${s}",`,
  (s: string) => `DB_URL=postgres://app:${s}@db.prod.internal:5432/app`,
  (s: string) => `Authorization: Bearer ${s}`,
  (s: string) => `aws_secret_access_key = ${s}`,
  (s: string) => `secret_key: ${s} # rotate me`,
];

describe('no secret finding leaks its secret', () => {
  it('message, key and fingerprint never contain the value or 8 characters of its random part', () => {
    const rule = testRule('secrets.scan', {});
    fc.assert(
      fc.property(
        secrets,
        fc.constantFrom(...templates),
        fc.string({ maxLength: 20 }),
        (s, template, noise) => {
          const text = `${noise.replace(/[\r\n]/g, ' ')}\n${template(s.secret)}\nAKIAEYOC3VM7QPH7U3KX\n`;
          for (const hit of scanText('config/app.env', text)) {
            const finding = createFinding(rule, toFinding('config/app.env', hit));
            for (const out of [
              finding.message,
              finding.fingerprint,
              toFinding('config/app.env', hit).key ?? '',
            ]) {
              expect(out).not.toContain(s.secret);
              expect(leaks(out, s.random)).toBe(false);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('covers every detector', () => {
    expect(DETECTORS.map((d) => d.id)).toContain('generic-secret-assignment');
  });
});
