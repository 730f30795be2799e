import { prng } from '../../bench/prng.mjs';
import { signCrc32Base62 } from '../../src/core/evaluators/secrets/checksums.js';
import { expandExample, syntheticKey } from '../../src/core/evaluators/secrets/examples.js';
import { scanText } from '../../src/core/evaluators/secrets/scan.js';

/**
 * Synthetic secrets for the secret-scanner tests: fresh random bodies with the issuers' structure
 * (checksums, key structures), so no test file holds a token-shaped literal and none is a credential.
 */

const rnd = prng(20_260_101);

/** A random string over an alphabet (default: letters and digits). */
export function rand(
  n: number,
  alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
  return s;
}

/** A GitHub token of a kind (`ghp`, `gho`, ...) with a valid checksum. */
export const githubToken = (kind = 'ghp') => `${kind}_${signCrc32Base62(rand(30))}`;

/** A line expanded from a detector-data template (see examples.ts). */
export const example = (template: string) => expandExample(template, rnd);

/** The base64 body of a synthetic private key (`rsa`, `pkcs8`, `ec`, `openssh`, `pgp`). */
export const keyBody = (kind: string) =>
  syntheticKey(kind, (n) => Buffer.from(rand(n * 2, '0123456789abcdef'), 'hex'));

/** A PEM block: header, body wrapped at 64 characters, footer; `indent` before every line. */
export function pem(label: string, body: string, indent = ''): string {
  const lines = body.match(/.{1,64}/g) ?? [];
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`].map((l) => indent + l).join('\n');
}

/** `line:column:detector` for every hit in a text. */
export const hits = (text: string, path = 'src/x.txt') =>
  scanText(path, text).map((h) => `${h.line}:${h.start + 1}:${h.detector}`);
