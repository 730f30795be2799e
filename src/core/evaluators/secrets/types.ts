import type { Confidence } from '../../types.js';

/**
 * Shared shapes of the secret scanner. A detector recognises one kind of secret on one line; the
 * scanner (scan.ts) decides which lines a detector sees, and the evaluator (evaluator.ts) turns hits
 * into findings that never carry the value.
 */

/** Which rule reports a detector's hits; also the order in which overlapping hits are resolved. */
export type SecretFamily =
  | 'private-key'
  | 'cloud'
  | 'token'
  | 'credential'
  | 'jwt'
  | 'http'
  | 'connection-string'
  | 'generic';

/** How sure a detector is that a hit is a live secret (verified structure: high; a guess: low). */
export type { Confidence };

/**
 * How a finding's identity (its fingerprint key) is derived; both depend on the value, so replacing
 * one secret by another is a new finding. `value`: a keyed hash of the secret alone, for random
 * tokens, so a token keeps its identity wherever it moves. `context`: the non-secret context
 * (variable name, `scheme://host`) plus 20 bits of the keyed hash, for values a person may have
 * chosen: enough to tell a replacement, too few to confirm a guess of the password.
 */
export type IdentityMode = 'value' | 'context';

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
  /** Non-secret context: the assigned name, or `scheme://host`. */
  context?: string;
  /** What the message shows instead of the redacted value (a PEM header), never part of the secret. */
  shown?: string;
  /** Shannon entropy of the value, bits per character. */
  entropy: number;
  confidence: Confidence;
  /** Why the confidence is what it is, when lowered by context (`shown as an example`); for the message. */
  note?: string;
  /**
   * Another scanner's allow marker on the value's line (`gitleaks`, `nosec`) that did not lower it, a
   * value of an issuer's format: the message names it, as an ignore that was asked for and not granted.
   */
  allowMarker?: string;
  /** When the judgement changes by the clock alone (an unexpired token's expiry), in epoch milliseconds. */
  until?: number;
  /**
   * The value has an issuer's format but fails its checks (checksum, structure, placeholder): it is
   * not reported, and no less specific detector may report the same span. Never leaves the scanner.
   */
  rejected?: boolean;
}

/** What a detector returns for one line: a hit without its line number. */
export type LineHit = Omit<SecretHit, 'line' | 'detector' | 'entropy' | 'confidence'> & {
  entropy?: number;
  confidence?: Confidence;
};

/**
 * What a detector may consult besides the line: the file's path, the text being scanned (the whole
 * file, or the chunk of a large file) and where the line starts in it, for secrets that span lines.
 */
export interface ScanContext {
  path: string;
  text: string;
  /** Offset in `text` of the first character of the line (or line window) given to `find`. */
  offset: number;
  /**
   * What `find` is given starts where its line starts: false for a window of a long line and for a
   * chunk of a file that starts in the middle of a line, where what came before (an open string
   * literal) is unknown.
   */
  lineStart: boolean;
}

/** One kind of secret. */
export interface Detector {
  id: string;
  family: SecretFamily;
  /** Lower-case ASCII literals, one of which every line with such a secret contains (the prefilter). */
  keywords: readonly string[];
  /**
   * For keywords too common to be a prefilter on their own (`://`, `token`, `sk`): a sticky,
   * case-insensitive pattern that must match where the keyword starts (`://user:password@`, an
   * assignment to a secret-looking name). Bounded, like every pattern here.
   */
  confirm?: RegExp;
  /** More keywords, each with its own confirmation (a short issuer prefix and the token's shape). */
  anchored?: readonly { keyword: string; confirm: RegExp }[];
  identity: IdentityMode;
  /** Only files whose path matches are shown to this detector (credential files by their format). */
  paths?: RegExp;
  /**
   * Also run on binary content (read as bytes): true for secrets with an unmistakable shape (issuer
   * prefixes, verified keys); false for judgements about assignments, which bytes do not have.
   */
  binary?: boolean;
  /** Overrides the family's place when overlapping hits are resolved (lower wins). */
  rank?: number;
  /** Finds this detector's secrets on one line or line window (at most 20,000 characters). */
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
  'credential',
  'jwt',
  'http',
  'connection-string',
  'generic',
];
