import { describe, expect, it } from 'vitest';
import { detectorSource, withFixedLookbehinds } from '../../bench/secret-patterns.mjs';
import { DETECTORS } from '../../src/core/evaluators/secrets/detectors.js';
import { PROVIDERS } from '../../src/core/evaluators/secrets/providers/index.js';
import { loadRules } from '../../src/core/rules/load.js';

/**
 * `npm run bench:secrets` times the secret and content rules against ripgrep running the same
 * patterns. It stops when a detector has no ripgrep pattern, or when PCRE2 cannot compile one: these
 * tests say so in CI, when the detector or rule is added, not when someone next runs the bench.
 */
describe('the secrets bench: ripgrep patterns', () => {
  const providers = new Set(PROVIDERS.map((p) => p.id));
  const coded = DETECTORS.filter((d) => !providers.has(d.id));

  it.each(coded.map((d) => [d.id]))('detector %s has one', (id) => {
    expect(() => detectorSource({ id })).not.toThrow();
    expect(detectorSource({ id }).length).toBeGreaterThan(0);
  });

  it('fails loudly for a detector it does not know', () => {
    expect(() => detectorSource({ id: 'no-such-detector' })).toThrow(/no-such-detector/);
  });

  // PCRE2 rejects a look-behind whose length varies; a bounded repeat is the one form the content
  // rules use.
  const VARIABLE_LOOKBEHIND = /\(\?<[!=][^()]*(?:\{\d*,\d*\}|[*+?])[^()]*\)/;
  const contentPatterns = loadRules()
    .filter((r) => r.check.kind === 'content.forbidden')
    .flatMap((r) =>
      (r.check.with as { patterns: (string | { pattern: string })[] }).patterns.map(
        (p) => [r.id, typeof p === 'string' ? p : p.pattern] as const,
      ),
    );

  it('reads the content rules', () => {
    expect(contentPatterns.length).toBeGreaterThan(10);
  });

  it.each(contentPatterns)('rule %s: %s has fixed-length look-behinds', (_id, pattern) => {
    expect(withFixedLookbehinds(pattern)).not.toMatch(VARIABLE_LOOKBEHIND);
  });

  it('drops a variable-length negative guard and keeps the rest', () => {
    expect(withFixedLookbehinds(String.raw`(?<!http\.\S{0,300})sslverify\s*=\s*false`)).toBe(
      String.raw`sslverify\s*=\s*false`,
    );
    expect(withFixedLookbehinds(String.raw`(?<![\w-])--trusted-host`)).toBe(
      String.raw`(?<![\w-])--trusted-host`,
    );
  });
});
