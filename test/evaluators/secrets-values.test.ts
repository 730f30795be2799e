// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` placeholders are test data here.
import { describe, expect, it } from 'vitest';
import { assignedValue, plausibleSecretValue } from '../../src/core/evaluators/secrets/generic.js';
import {
  characterClasses,
  isPlaceholder,
  redact,
  secretIdentity,
  shannonEntropy,
} from '../../src/core/evaluators/secrets/values.js';
import { expectLinear } from '../helpers/linear.js';
import { hits } from './secrets-kit.js';

describe('shannonEntropy', () => {
  it('is 0 for one repeated character and log2(n) for n distinct characters', () => {
    expect(shannonEntropy('')).toBe(0);
    expect(shannonEntropy('aaaaaaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBeCloseTo(2);
    expect(shannonEntropy('0123456789abcdef')).toBeCloseTo(4);
  });

  it('separates random tokens from words', () => {
    expect(shannonEntropy('Wg5OG5f40WblYJZNg3Zp')).toBeGreaterThan(3.5);
    expect(shannonEntropy('password')).toBeLessThan(3);
  });
});

describe('characterClasses', () => {
  it('counts lower, upper, digits and others', () => {
    expect(characterClasses('abc')).toBe(1);
    expect(characterClasses('aB3')).toBe(3);
    expect(characterClasses('aB3!')).toBe(4);
  });
});

describe('isPlaceholder', () => {
  it.each([
    'AKIAIOSFODNN7EXAMPLE',
    '<your-token>',
    '${GITHUB_TOKEN}',
    '{{ .Values.password }}',
    '$(cat /run/secrets/x)',
    '%(password)s',
    '$DB_PASSWORD',
    'changeme',
    'change-me-please',
    'dummy-key-for-tests',
    'xxxxxxxxxxxxxxxx',
    '****************',
    'aaaaaaaaaaaaaaaaaa',
    'abababababababab',
    '1234567890',
    'abcdefghijklmnop',
    'sk_live_EXAMPLEKEY123',
    'your_api_key_here',
    'REDACTED',
    // The text that says where the value goes: "here" as the last word.
    'ACCESS_KEY_HERE',
    'SECRET-KEY-HERE',
    'token goes here',
    'api.key.here',
  ])('%s is a placeholder', (value) => {
    expect(isPlaceholder(value)).toBe(true);
  });

  it.each([
    'Wg5OG5f40WblYJZNg3Zp',
    'h3wOA21kJSUR73loIrpKHrOeiSMEIrGpUmmKNuFV',
    'RjFKIjFpTE0w4Tbb',
    // "here" inside a word, or not at the end, is no stand-in.
    'Wg5OG5f40WblYJZNthere',
    'Wg5OG5f4_here_0WblYJZN',
  ])('%s is not a placeholder', (value) => {
    expect(isPlaceholder(value)).toBe(false);
  });

  it("treats Azure's published storage-emulator key as public", () => {
    const azurite =
      'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
    expect(isPlaceholder(azurite)).toBe(true);
  });

  it("treats the Cosmos DB emulator's published key as public, and no other key of its shape", () => {
    const emulator =
      'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';
    expect(isPlaceholder(emulator)).toBe(true);
    expect(isPlaceholder(`${emulator.slice(0, 40)}Q${emulator.slice(41)}`)).toBe(false);
  });
});

describe("reCAPTCHA's published test secret key", () => {
  const published = '6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe';
  it.each([
    ['the published test key', published, []],
    [
      'a key of its shape that differs in one character',
      `${published.slice(0, 20)}Q${published.slice(21)}`,
      ['1:22:generic-secret-assignment'],
    ],
  ])('%s', (_case, value, expected) => {
    expect(isPlaceholder(value)).toBe(expected.length === 0);
    expect(hits(`RECAPTCHA_SECRET_KEY=${value}\n`, 'dev/environment')).toEqual(expected);
  });
});

describe('plausibleSecretValue (generic assignments)', () => {
  it.each([
    'production',
    'my-app-secret-name',
    'db-credentials',
    'DB_PASSWORD',
    'camelCaseName',
    '86400',
    '1.2.3',
    '/run/secrets/db',
    './secret.txt',
    'https://auth.example/token',
    'arn:aws:secretsmanager:eu-west-1:123:secret:x',
    'password123',
    'Enter your password',
    'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
    'pk_live_51HqLyjWDarjtT1zdp7dc',
  ])('%s is not a plausible secret', (value) => {
    expect(plausibleSecretValue(value)).toBe(false);
  });

  it.each(['RjFKIjFpTE0w4Tbb', 'eXGh%itmPfNt3^Ho', '3f2504e0-4f89-11d3-9a0c-0305e82c3301'])(
    '%s is a plausible secret',
    (value) => {
      expect(plausibleSecretValue(value)).toBe(true);
    },
  );
});

describe('plausibleSecretValue (unquoted values)', () => {
  it.each([
    'data.vault_kv2.ci[0].data',
    'data.vault_kv2.ci["deploy"].data',
    "data.vault_kv2.ci['deploy'].data",
    'data.vault_kv2.ci[*].data',
    'data.vault_kv2.ci.*.data',
    'data.vault_kv2.ci[count.index].data',
    'local.kv2[each.key]',
    // cut by the value pattern at a space inside the index (`[count.index + 1]`)
    'data.vault_kv2.ci[count.index',
  ])('%s is a reference, not a literal', (value) => {
    expect(plausibleSecretValue(value, false)).toBe(false);
  });

  it.each(['base64decode(data.vault_kv2.ci[0].data)', 'var.database_master_password'])(
    '%s is an expression, not a literal (as before)',
    (value) => {
      expect(plausibleSecretValue(value, false)).toBe(false);
    },
  );

  it.each(['RjFKIjFpTE0w4Tbb', 'RjFKIjFpTE0w4Tbb[0]', 'RjFKIjFp[TE0w4Tbb]', 'cluster["RjFKIjFp.TE0w4Tbb"]'])(
    '%s is still a plausible secret',
    (value) => {
      expect(plausibleSecretValue(value, false)).toBe(true);
    },
  );

  it('judges a quoted value shaped like a reference as a literal', () => {
    expect(plausibleSecretValue('data.RjFKIjFp.TE0w4Tbb[0]', true)).toBe(true);
  });

  it('reads a reference whole, in linear time on lines that almost are one', () => {
    const line = 'token = data.x.cluster[0].token, other';
    expect(assignedValue(line, 0, 5, 'infra/main.tf')?.value).toBe('data.x.cluster[0].token');
    for (const piece of ['[0].y["k"][*]', '.y[a.b', '[a.b.c.d', '.*']) {
      expectLinear((scale) => {
        assignedValue(`token = data.x${piece.repeat(20_000 * scale)}!`, 0, 5, 'infra/main.tf');
      });
    }
  });
});

describe('redact', () => {
  it('shows at most four leading characters and the length', () => {
    expect(redact('ghp_9YxtcUTovhPeP5PNg6mshfDyVr6dQKCU689Z')).toBe('ghp_… (40 chars)');
    expect(redact('RjFKIjFpTE0w4Tbb')).toBe('RjF… (16 chars)');
    expect(redact('short')).toBe('… (5 chars)');
  });

  it('never shows more than four characters of any value', () => {
    for (let n = 0; n < 200; n++) {
      const value = 'x'.repeat(n);
      const shown = redact(value).split('…')[0]!;
      expect(shown.length).toBeLessThanOrEqual(4);
    }
  });
});

describe('secretIdentity', () => {
  it('is stable, specific to the detector and contains no part of the value', () => {
    const value = 'ghp_9YxtcUTovhPeP5PNg6mshfDyVr6dQKCU689Z';
    const id = secretIdentity('github-token', value);
    expect(id).toBe(secretIdentity('github-token', value));
    expect(id).not.toBe(secretIdentity('npm-token', value));
    expect(id).not.toContain(value.slice(4, 12));
  });
});
