import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prng } from '../../bench/prng.mjs';
import {
  signCrc32Base62,
  validBech32,
  validCrc32Base62,
} from '../../src/core/evaluators/secrets/checksums.js';
import { DETECTORS } from '../../src/core/evaluators/secrets/detectors.js';
import { renderSecretDetectors } from '../../src/core/evaluators/secrets/docs.js';
import { expandExample } from '../../src/core/evaluators/secrets/examples.js';
import { PROVIDERS } from '../../src/core/evaluators/secrets/providers/index.js';
import { scanText } from '../../src/core/evaluators/secrets/scan.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

/**
 * Every entry of the detector data is tested by its own synthetic example (found, exactly, by that
 * detector) and counter-example (not reported by it). Examples are expanded from templates with a
 * seeded generator, several times each, so a pattern that only matches one lucky draw fails.
 */

const DRAWS = 5;

describe('issuer detectors (providers/*.ts)', () => {
  it('cover at least 100 kinds of credential, with unique ids', () => {
    expect(PROVIDERS.length).toBeGreaterThanOrEqual(100);
    const ids = DETECTORS.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of PROVIDERS) expect(p.id, p.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it.each(PROVIDERS.map((p) => [p.id, p] as const))(
    '%s: its example is found and its counter-example is not',
    (_id, spec) => {
      const rnd = prng(spec.id.length * 7919);
      for (let i = 0; i < DRAWS; i++) {
        const ex = expandExample(spec.example, rnd);
        const hits = scanText('config/settings.conf', `${ex.line}\n`).filter((h) => h.detector === spec.id);
        expect(
          hits.map((h) => [h.line, h.start, h.value]),
          ex.line,
        ).toEqual([[1, ex.start, ex.secret]]);
        const counter = expandExample(spec.counterExample, rnd);
        const decoys = scanText('config/settings.conf', `${counter.line}\n`).filter(
          (h) => h.detector === spec.id,
        );
        expect(decoys, counter.line).toEqual([]);
      }
    },
  );

  it('keyword prefilters are lower-case literals that each example contains', () => {
    for (const spec of PROVIDERS) {
      for (const k of spec.keywords) expect(k, spec.id).toBe(k.toLowerCase());
      const line = expandExample(spec.example, prng(1)).line.toLowerCase();
      const keyed = spec.keywords.some((k) => line.includes(k));
      const anchored = spec.anchor !== undefined && new RegExp(spec.anchor).test(line);
      expect(keyed || anchored, spec.id).toBe(true);
    }
  });
});

describe('a key known only by its suffix', () => {
  it('finds a MaxMind license key by its `_mmk` end, whatever the variable is called', () => {
    const rnd = prng(27);
    for (const template of [
      '      GEOIPUPDATE_LICENSE_KEY: [[{alnum:6}_{alnum:29}_mmk]]',
      'geoip_key = "[[{alnum:6}_{alnum:29}_mmk]]"',
    ]) {
      const ex = expandExample(template, rnd);
      for (const file of ['docker-compose.yml', 'README.md']) {
        const hits = scanText(file, `${ex.line}\n`).filter((h) => h.detector === 'maxmind-license-key');
        expect(
          hits.map((h) => h.value),
          `${file}: ${ex.line}`,
        ).toEqual([ex.secret]);
      }
    }
    // One character short of the issuer's shape, or a longer word before the suffix: not a key.
    const near = expandExample('K={alnum:6}_{alnum:28}_mmk L=x{alnum:6}_{alnum:29}_mmk', rnd);
    expect(scanText('a.env', `${near.line}\n`).filter((h) => h.detector === 'maxmind-license-key')).toEqual(
      [],
    );
  });
});

describe("an issuer's abbreviation in a variable's name", () => {
  // `dd`, `co`, `cf`, `iam` name an issuer only as a part of the name of their own (`DD_API_KEY`): inside
  // another word (`add_api_key`, `disco_api_key`) they name nothing, and the value is whatever that
  // word's key holds (an i18n lock's checksum, say).
  const rnd = prng(47);
  it.each([
    ['datadog-api-key', '    workspace/api_keys/add_api_key: [[{hex:32}]]', false],
    ['datadog-api-key', 'settings.hidden_app_key = "[[{hex:40}]]"', false],
    ['datadog-api-key', 'DD_API_KEY=[[{hex:32}]]', true],
    ['datadog-api-key', '  dd-app-key: "[[{hex:40}]]"', true],
    ['datadog-api-key', 'export MY_DD_APPLICATION_KEY=[[{hex:32}]]', true],
    ['cohere-api-key', 'disco_api_key = "[[{alnum:40}]]"', false],
    ['cohere-api-key', 'CO_API_KEY=[[{alnum:40}]]', true],
    ['ibm-cloud-api-key', 'william_api_key: [[{b64url:44}]]', false],
    ['ibm-cloud-api-key', 'IAM_API_KEY=[[{b64url:44}]]', true],
    ['cloudflare-api-token', 'pdf_api_token: [[{b64url:40}]]', false],
    ['cloudflare-api-token', 'CF_API_TOKEN=[[{b64url:40}]]', true],
    ['cloudflare-global-api-key', 'leaf_api_key: [[{hex:37}]]', false],
    ['cloudflare-global-api-key', 'CF_API_KEY=[[{hex:37}]]', true],
  ] as const)('%s: %s (found: %s)', (id, template, found) => {
    const ex = expandExample(template, rnd);
    const hits = scanText('apps/web/i18n.lock', `${ex.line}\n`).filter((h) => h.detector === id);
    expect(
      hits.map((h) => h.value),
      ex.line,
    ).toEqual(found ? [ex.secret] : []);
  });
});

describe('docs/secrets.md', () => {
  it('lists every detector, as generated from the data (npm run docs)', () => {
    const page = readFileSync(path.join(REPO_ROOT, 'docs', 'secrets.md'), 'utf8');
    expect(page, 'stale page: run npm run docs').toBe(renderSecretDetectors());
    for (const d of DETECTORS) expect(page).toContain(`| \`${d.id}\` |`);
  });
});

describe('checksums', () => {
  it('accepts a GitHub/npm token body only with its CRC32', () => {
    const body = signCrc32Base62('aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0');
    expect(body).toHaveLength(36);
    expect(validCrc32Base62(body)).toBe(true);
    expect(validCrc32Base62(`${body.slice(0, 35)}${body.endsWith('A') ? 'B' : 'A'}`)).toBe(false);
    expect(validCrc32Base62(body.slice(1))).toBe(false);
  });

  it('checks Bech32 strings as BIP 173 does', () => {
    // BIP 173's own valid and invalid test vectors.
    expect(validBech32('A12UEL5L')).toBe(true);
    expect(validBech32('abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw')).toBe(true);
    expect(validBech32('A12UEL5M')).toBe(false);
    expect(validBech32('A12uEL5L')).toBe(false);
  });
});
