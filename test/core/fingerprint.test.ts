import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/finding.js';

describe('fingerprint', () => {
  it('is the first 32 hex digits of the SHA-256 of rule, path and key joined by NUL (as sha256sum prints it)', () => {
    // printf 'workflow-template-injection\0.github/workflows/ci.yml\0jobs.build.steps[1].run' | sha256sum
    expect(
      fingerprint('workflow-template-injection', '.github/workflows/ci.yml', 'jobs.build.steps[1].run'),
    ).toBe('cc2126c6dd7d3551eabcb81e432298dc');
  });

  it('hashes the UTF-8 bytes of non-ASCII paths and keys', () => {
    // printf 'r\0caf\xc3\xa9/\xe6\x97\xa5.yml\0k\xe2\x80\x94y' | sha256sum
    expect(fingerprint('r', 'caf\u00e9/\u65e5.yml', 'k\u2014y')).toBe('49062d6e7aec79fc27da09eff1637755');
  });
});
