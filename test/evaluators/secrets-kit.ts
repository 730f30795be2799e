import { createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
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

/** DER: a tag, its length, its content. */
function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}
const oid = (dotted: string) => {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [a * 40 + b];
  for (const n of rest) {
    const base128 = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) base128.unshift((v & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return der(0x06, Buffer.from(bytes));
};
const utcTime = (d: Date) => der(0x17, Buffer.from(`${d.toISOString().slice(2, 19).replace(/[-:T]/g, '')}Z`));
const name = (fields: Record<string, string>) =>
  der(
    0x30,
    ...Object.entries(fields).map(([k, v]) =>
      der(
        0x31,
        der(0x30, oid({ CN: '2.5.4.3', O: '2.5.4.10', OU: '2.5.4.11' }[k]!), der(0x0c, Buffer.from(v))),
      ),
    ),
  );

/** A fresh EC P-256 key pair; its private key as a PEM (SEC 1 or PKCS#8). */
export function ecKeyPair(format: 'sec1' | 'pkcs8' = 'sec1'): { pem: string; key: KeyObject } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { pem: privateKey.export({ type: format, format: 'pem' }).toString().trimEnd(), key: privateKey };
}

/** The key of the CA that issues the tests' certificates, unless they are self-signed. */
const TEST_CA = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;

/**
 * A certificate for `key` (made here, so no test file holds one): its subject and issuer fields,
 * subject alternative names (`DNS:host`, `IP:127.0.0.1`) and expiry; as PEM. Signed by a CA key of
 * the tests' own, or by `key` itself when `selfSigned` (then no issuer vouches for what it says).
 */
export function certificate(options: {
  key: KeyObject;
  subject: Record<string, string>;
  issuer?: Record<string, string>;
  san?: string[];
  notAfter?: Date;
  selfSigned?: boolean;
}): string {
  const notAfter = options.notAfter ?? new Date(Date.now() + 365 * 86_400_000);
  const notBefore = new Date(notAfter.getTime() - 2 * 365 * 86_400_000);
  const algorithm = der(0x30, oid('1.2.840.10045.4.3.2'));
  const spki = createPublicKey(options.key).export({ type: 'spki', format: 'der' });
  const names = (options.san ?? []).map((n) =>
    n.startsWith('IP:')
      ? der(0x87, Buffer.from(n.slice(3).split('.').map(Number)))
      : der(0x82, Buffer.from(n.replace(/^DNS:/, ''))),
  );
  const extensions = names.length
    ? [der(0xa3, der(0x30, der(0x30, oid('2.5.29.17'), der(0x04, der(0x30, ...names)))))]
    : [];
  const tbs = der(
    0x30,
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, Buffer.from([1])),
    algorithm,
    name(options.issuer ?? options.subject),
    der(0x30, utcTime(notBefore), utcTime(notAfter)),
    name(options.subject),
    spki,
    ...extensions,
  );
  const signature = sign('sha256', tbs, options.selfSigned ? options.key : TEST_CA);
  const cert = der(0x30, tbs, algorithm, der(0x03, Buffer.from([0]), signature));
  return pem('CERTIFICATE', cert.toString('base64'));
}
