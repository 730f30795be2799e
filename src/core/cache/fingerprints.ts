/**
 * The fingerprints of findings restored from the cache between runs. The cache keeps a finding's
 * fingerprint, which the report prints, instead of its occurrence key, which it does not (a secret's
 * key is a hash of the value). Apart from the rest of the cache, so that the rule run can ask without
 * loading the cache's modules into a run that has no cache.
 */
import type { RawFinding } from '../types.js';

const fingerprints = new WeakMap<RawFinding, string>();

/** The fingerprint a finding restored from the cache had; undefined for a fresh one. */
export function cachedFingerprint(raw: RawFinding): string | undefined {
  return fingerprints.get(raw);
}

/** Records the fingerprint of a finding restored from the cache. */
export function rememberFingerprint(raw: RawFinding, fingerprint: string): void {
  fingerprints.set(raw, fingerprint);
}
