/**
 * Shared shapes of the secret scanner. A detector recognises one kind of secret on one line; the
 * scanner (scan.ts) decides which lines a detector sees, and the evaluator (evaluator.ts) turns hits
 * into findings that never carry the value.
 */

/** Which rule reports a detector's hits; also the order in which overlapping hits are resolved. */
export type SecretFamily = 'private-key' | 'cloud' | 'token' | 'jwt' | 'connection-string' | 'generic';

/**
 * How a finding's identity (its fingerprint key) is derived. `value`: a salted hash of the secret,
 * for random tokens. `context`: the non-secret context (variable name, `scheme://user@host`), for
 * values a person may have chosen, whose hash could be reversed by guessing. `position`: the kind of
 * secret only (the engine adds an ordinal), for private keys, whose body is on other lines.
 */
export type IdentityMode = 'value' | 'context' | 'position';

/** One secret found on one line, before it becomes a finding. */
export interface SecretHit {
  /** Detector id, e.g. `github-token`. */
  detector: string;
  /** 1-based line. */
  line: number;
  /** 0-based UTF-16 column where the value starts, and where it ends (exclusive). */
  start: number;
  end: number;
  /** The secret itself. It must never leave the evaluator: messages and keys use redact/identity. */
  value: string;
  /** What kind of secret, for the message (`GitHub personal access token`). */
  label: string;
  /** Non-secret context: the assigned name, or `scheme://user@host`. */
  context?: string;
  /** Shannon entropy of the value, bits per character. */
  entropy: number;
}

/** What a detector returns for one line: a hit without its line number. */
export type LineHit = Omit<SecretHit, 'line' | 'detector' | 'entropy'> & { entropy?: number };

/** What a detector may consult besides the line: the file's path and whole text (read only). */
export interface ScanContext {
  path: string;
  text: string;
}

/** One kind of secret. */
export interface Detector {
  id: string;
  family: SecretFamily;
  /** Lower-case literals, one of which every line with such a secret contains (the prefilter). */
  keywords: readonly string[];
  /**
   * Instead of (or besides) keywords: a regular expression over the lower-cased text that every line
   * with such a secret matches, for secrets whose only literal (`://`, `token`) is too common to be a
   * useful prefilter. Bounded and anchored on a literal, like every pattern here.
   */
  anchor?: string;
  identity: IdentityMode;
  /** Finds this detector's secrets on one line (at most the first 20,000 characters of it). */
  find(line: string, ctx: ScanContext): LineHit[];
  /** One sentence for the docs: what is recognised. */
  describes: string;
}

/**
 * Families in priority order: when two hits overlap on a line, the earlier family keeps it. Cloud
 * comes first so that a service-account key file is reported as such, not as a bare PEM key.
 */
export const FAMILY_PRIORITY: readonly SecretFamily[] = [
  'cloud',
  'private-key',
  'token',
  'jwt',
  'connection-string',
  'generic',
];
