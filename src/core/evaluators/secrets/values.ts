import { createHash, createHmac } from 'node:crypto';

/**
 * Judgements about a candidate secret value that every detector shares: how random it looks, whether
 * it is a placeholder, and how it may be shown. Nothing here returns or logs the value itself except
 * {@link redact}, whose output is at most four leading characters and the length.
 */

/** Shannon entropy of the characters of `value`, in bits per character (0 for an empty string). */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** How many of lower case, upper case, digits and other characters `value` mixes (0-4). */
export function characterClasses(value: string): number {
  let lower = 0;
  let upper = 0;
  let digit = 0;
  let other = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 97 && c <= 122) lower = 1;
    else if (c >= 65 && c <= 90) upper = 1;
    else if (c >= 48 && c <= 57) digit = 1;
    else other = 1;
  }
  return lower + upper + digit + other;
}

/**
 * Words that documentation, templates and tests put where a secret goes. Matched anywhere in the
 * value, case-insensitively, so `sk_live_EXAMPLEKEY...` and `<your-token-here>` are both placeholders.
 * "here" counts only as the last word, after a separator (`ACCESS_KEY_HERE`, `token-goes-here`): the
 * text that says where the real value goes, and at the end of a random token a one-in-a-billion event.
 */
const PLACEHOLDER_WORDS =
  /example|sample|placeholder|changeme|change[_-]me|dummy|redacted|replace[_-]?me|your[_-]|\*\*\*|###|\.\.\.|…|<[^>]{0,64}>|insert[_-]|IOSFODNN7|K7MDENG|notreal|not[_ -](?:a|my|the)?[_ -]?real|lorem|foobar|masked|(?:^|[-_. ])here$/i;

/**
 * Short stand-ins that a random string contains by chance (`xXx`, `tbD`, `FaKe` appear in one random
 * 50-character token in a few hundred): only as a whole word, or as a run in one case.
 */
const PLACEHOLDER_SHORT =
  /x{4}|X{4}|(?<![A-Za-z0-9])(?:xxx|XXX|tbd|TBD|todo|TODO|fake|FAKE|Fake)(?![A-Za-z0-9])|fake[_-]|FAKE[_-]/;

/** Template and interpolation syntaxes: the value is read from elsewhere at run time. */
const INTERPOLATION =
  /\$\{|\{\{|\$\(|%\(|#\{|^\$[A-Za-z_]|^%[A-Za-z_]+%$|%[sdv]|^@[A-Za-z_]+@$|^\{[A-Za-z_]+\}$|^__[A-Z_]+__$/;

/**
 * Ciphertext that is meant to be committed: SOPS (`ENC[AES256_GCM,...]`), Jasypt (`ENC(...)`), Spring
 * Cloud Config (`{cipher}`), Ansible Vault, HashiCorp Vault transit (`vault:v1:`), AWS KMS blobs
 * (`AQICAH...`), ejson (`EJ[1:...]`), dotenvx (`encrypted:`), armoured PGP and age messages.
 */
const CIPHERTEXT =
  /^(?:ENC\[(?:AES256_GCM|PKCS7|GPG|KMS)|ENC\(|\{cipher\}|\$ANSIBLE_VAULT;|vault:v\d+:|AQICAH|EJ\[\d:|encrypted:|-----BEGIN (?:PGP MESSAGE|AGE ENCRYPTED FILE)-----)/;

/** True when a value is ciphertext produced by a secrets-encryption tool (see {@link CIPHERTEXT}). */
export function isCiphertext(value: string): boolean {
  return CIPHERTEXT.test(value.replace(/^["'`]/, ''));
}

/**
 * Well-known published values that look like secrets but are not (the account keys of Azure's local
 * emulators, which every installation shares; a vendor's published test keys). Kept as SHA-256 digests so that no scanner mistakes
 * this file for a leak.
 */
const PUBLIC_VALUES = new Set([
  // Azurite / Azure Storage Emulator account key (documented by Microsoft for local development).
  '0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059',
  // Azure Cosmos DB emulator account key (documented by Microsoft; the same in every emulator).
  'aa6547439583c3a275d4542a0df6c1ad6a863971be9f2a2220f027cc02aef615',
  // Google reCAPTCHA v2 test secret key (published in the reCAPTCHA FAQ for automated tests: every
  // verification with it succeeds, so it protects nothing and grants nothing).
  'f5e95c9954635b65acab57e6d5ea663eb900f06dc8794a90358f5abb1c77d4e0',
]);

/** SHA-256 hex digest of a value; used for identities and the public-value list, never shown whole. */
export function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** True when a value is published sample material (see {@link PUBLIC_VALUES}). */
export function isPublicValue(value: string): boolean {
  return PUBLIC_VALUES.has(digest(value));
}

/** True when the value says in words that it is a stand-in (`changeme`, `example`, `your-`). */
export function namesPlaceholder(value: string): boolean {
  return PLACEHOLDER_WORDS.test(value);
}

/**
 * True when the value (or the random part of a token, after its fixed prefix) is evidently not a real
 * secret: a placeholder word, an interpolation, one repeated character, a run such as `123456789` or
 * `abcdefgh`, or too few distinct characters to be random.
 */
export function isPlaceholder(value: string): boolean {
  if (value.length === 0) return true;
  if (PLACEHOLDER_WORDS.test(value) || PLACEHOLDER_SHORT.test(value) || INTERPOLATION.test(value))
    return true;
  if (isPublicValue(value)) return true;
  const distinct = new Set(value).size;
  if (distinct <= 2 || (value.length >= 12 && distinct <= 4)) return true;
  return isSequential(value) || hasRun(value);
}

/**
 * True when six characters in a row step up by one (`123456`, `abcdef`, `klmnop`): typed by a
 * person, and in a random token about once in a billion.
 */
function hasRun(value: string): boolean {
  let run = 1;
  for (let i = 1; i < value.length; i++) {
    run = value.charCodeAt(i) - value.charCodeAt(i - 1) === 1 ? run + 1 : 1;
    if (run >= 6) return true;
  }
  return false;
}

/** True when at least 80% of neighbouring characters step by +1 or -1 (`0123456789`, `abcdef`, `zyx`). */
function isSequential(value: string): boolean {
  if (value.length < 6) return false;
  let steps = 0;
  for (let i = 1; i < value.length; i++) {
    const d = value.charCodeAt(i) - value.charCodeAt(i - 1);
    if (d === 1 || d === -1) steps += 1;
  }
  return steps / (value.length - 1) >= 0.8;
}

/**
 * The only form in which a secret is ever shown: up to four leading characters (fewer for short
 * values, none below eight characters) and the length, e.g. `ghp_… (40 chars)`. For tokens the
 * leading characters are the issuer's fixed prefix, which says what the secret is without revealing it.
 */
export function redact(value: string): string {
  const shown = value.length < 8 ? 0 : Math.min(4, Math.floor(value.length / 5));
  return `${value.slice(0, shown)}… (${value.length} chars)`;
}

/**
 * The key of the fingerprint hash. It is not a secret (the code is public): it makes the digests
 * controlgate's own, so a table computed for another tool's fingerprints does not apply to them.
 */
const FINGERPRINT_KEY = 'controlgate/secret-fingerprint/v1';

/** HMAC-SHA256 of `value` under the fingerprint key, hex. */
function keyedDigest(value: string): string {
  return createHmac('sha256', FINGERPRINT_KEY).update(value).digest('hex');
}

/**
 * A finding identity derived from a random secret without containing it: 96 bits of a keyed hash,
 * so the same leaked token keeps its fingerprint wherever it moves in a file and a different token
 * is a different finding. Only for values too random to be guessed from their hash.
 */
export function secretIdentity(detectorId: string, value: string): string {
  return `${detectorId}:${keyedDigest(`${detectorId}\u0000${value}`).slice(0, 24)}`;
}

/**
 * The identity of a value a person may have chosen (a password): its non-secret context and 20 bits
 * of the keyed hash. Replacing the password changes the identity (but one time in a million), while
 * the 20 bits cannot confirm a guessed password: about a million candidates share them.
 */
export function contextIdentity(detectorId: string, context: string, value: string): string {
  return `${detectorId}:${context}:${keyedDigest(`${detectorId}\u0000${value}`).slice(0, 5)}`;
}
