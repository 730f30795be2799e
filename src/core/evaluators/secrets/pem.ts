import { crc24 } from './checksums.js';
import type { Confidence } from './types.js';
import { shannonEntropy } from './values.js';

/**
 * Whether the text after a private key's armour header is a key, judged by its structure: the body
 * must decode from base64 to what that kind of key starts with (a DER SEQUENCE holding a version
 * INTEGER, OpenSSH's `openssh-key-v1` magic, an OpenPGP secret-key packet, the SSH2 magic number)
 * and be as long as the structure says. Placeholder bodies (`<client private key>`, `...`, `xxx`,
 * `REDACTED`) and bodies cut short in documentation decode to nothing of the kind, so they are never
 * keys. Bodies are read where keys are written: PEM lines, YAML block scalars, JSON strings with
 * escaped newlines, string concatenations in code.
 */

/** How far after a header the body is looked for: an 8192-bit RSA key in PEM is about 6,400 characters. */
const MAX_BODY_CHARS = 16_384;

/** What a verified key body is. */
export interface KeyVerdict {
  /** The normalised base64 body (the secret; only ever hashed, never shown). */
  body: string;
  /** Encrypted with a passphrase: still a finding, with less confidence. */
  encrypted: boolean;
  confidence: Confidence;
}

/** The body text between a header ending at `from` and the END line (or the bound). */
function region(text: string, from: number, endMarker: string): string {
  let r = text.slice(from, from + MAX_BODY_CHARS);
  const end = r.indexOf(endMarker);
  if (end >= 0) r = r.slice(0, end);
  // Escaped line breaks of JSON, YAML double-quoted scalars and code strings (`\n`, `\\n`, `\r\n`),
  // and a lone carriage return (old Mac line endings, which key parsers accept) as a line break; an
  // escaped solidus of JSON (`\/`, as PHP's json_encode writes every `/`) is the base64 character.
  return r.replace(/\\{1,2}[rn]|\r\n?/g, '\n').replace(/\\{1,2}\//g, '/');
}

/** Armour headers (`Proc-Type: 4,ENCRYPTED`, `Version: GnuPG`) before the base64 lines. */
const ARMOUR_HEADER = /^[\s"'`#/*]*[A-Za-z][A-Za-z0-9-]{1,30}:[ \t]/;

/** Quotes, comment markers and concatenation around a body line written inside code or comments. */
const LINE_PREFIX = /^[\s"'`]*(?:(?:#|\/\/|\*|;|\+)[ \t]*["'`]?)?/;
/**
 * The same, where the body's bytes matter (to read the key itself): `+` and `//` are also base64
 * characters that may start a line of the body, so they are taken for concatenation or a comment
 * only before a space or a quote.
 */
const EXACT_LINE_PREFIX = /^[\s"'`]*(?:(?:#|\*|;|(?:\/\/|\+)(?=[ \t"'`]))[ \t]*["'`]?)?/;
const BASE64_RUN = /^[A-Za-z0-9+/]+=*$/;

/**
 * Splits a region into armour header lines and the base64 body. The body is the run of lines that
 * hold nothing but base64 (once quotes, comment markers and concatenation are taken off); the first
 * line that holds anything else ends it, so prose after a key cut short is never counted as key.
 */
function splitBody(r: string, prefix = LINE_PREFIX): { headers: string[]; body: string } {
  const headers: string[] = [];
  let body = '';
  let inHeaders = true;
  for (const line of r.split('\n')) {
    if (inHeaders && ARMOUR_HEADER.test(line)) {
      headers.push(line.trim());
      continue;
    }
    const t = trimSuffix(line.replace(prefix, ''));
    if (t === '') {
      // A blank line ends the body (or the armour headers); a line of quotes and `+` between the
      // pieces of a concatenated string does not.
      if (inHeaders || line.trim() !== '') continue;
      break;
    }
    inHeaders = false;
    const runs = t.split(/[ \t]+/);
    if (!runs.every((run) => BASE64_RUN.test(run))) break;
    body += runs.join('');
  }
  return { headers, body };
}

/**
 * The base64 body of a PEM block whose header ends at `from`, up to `endMarker`, read as keys are
 * (PEM lines, YAML blocks, escaped newlines in strings, concatenations in code). `exact`: its bytes
 * as they are, to decode it (the verified keys' bodies, which identify findings, are read as they
 * always were: a line starting with `+` loses it there).
 */
export function pemBody(text: string, from: number, endMarker: string, exact = false): string {
  return splitBody(region(text, from, endMarker), exact ? EXACT_LINE_PREFIX : LINE_PREFIX).body;
}

/** Takes off trailing space, and a closing quote with the punctuation after it (`" +`, `",`). */
function trimSuffix(line: string): string {
  const bare = line.trimEnd();
  let end = bare.length;
  while (end > 0 && ' \t+,;)]'.includes(bare[end - 1]!)) end -= 1;
  return end > 0 && '"\'`'.includes(bare[end - 1]!) ? bare.slice(0, end - 1) : bare;
}

/** The first `n` bytes the body decodes to (base64 stops at padding). */
function head(body: string, n: number): Buffer {
  const chars = Math.ceil(n / 3) * 4;
  return Buffer.from(body.slice(0, chars).replace(/=+$/, ''), 'base64');
}

/** The length of the DER element at `at` (tag + length + content), or undefined. */
function derLength(b: Buffer, at: number): { header: number; total: number } | undefined {
  const first = b[at + 1];
  if (first === undefined) return undefined;
  if (first < 0x80) return { header: 2, total: 2 + first };
  const n = first & 0x7f;
  if (n < 1 || n > 3 || at + 2 + n > b.length) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[at + 2 + i]!;
  return { header: 2 + n, total: 2 + n + len };
}

/** Base64 characters needed for `bytes` bytes, less a little for line-ending slack. */
const enough = (body: string, bytes: number) =>
  body.replace(/=+$/, '').length >= Math.floor((bytes * 4) / 3) - 4;

/** What each PEM label's DER starts with after the outer SEQUENCE header. */
const DER_STARTS: [RegExp, number[][]][] = [
  [/^RSA $/, [[0x02, 0x01, 0x00, 0x02]]],
  [/^DSA $/, [[0x02, 0x01, 0x00, 0x02]]],
  [/^EC $/, [[0x02, 0x01, 0x01, 0x04]]],
  [
    /^$/,
    [
      [0x02, 0x01, 0x00, 0x30],
      [0x02, 0x01, 0x01, 0x30],
    ],
  ],
  [/^ENCRYPTED $/, [[0x30]]],
];

/**
 * Verifies the body of a PEM key whose header `-----BEGIN <label>PRIVATE KEY-----` ends at `from`.
 * `label` is what stands between BEGIN and PRIVATE KEY (`RSA `, `EC `, `OPENSSH `, `` for PKCS#8).
 */
export function verifyPemKey(label: string, text: string, from: number): KeyVerdict | undefined {
  const { headers, body } = splitBody(region(text, from, '-----END'));
  if (label === 'OPENSSH ') return verifyOpenSsh(body);
  const legacyEncrypted = headers.some((h) => /^Proc-Type:\s*4,\s*ENCRYPTED/i.test(h));
  if (legacyEncrypted) {
    // The body is ciphertext: no structure to check, but it must be long and random like one.
    if (body.length < 64 || shannonEntropy(body) < 5) return undefined;
    return { body, encrypted: true, confidence: 'medium' };
  }
  const b = head(body, 24);
  if (b[0] !== 0x30) return undefined;
  const outer = derLength(b, 0);
  if (!outer || outer.total < 40 || !enough(body, outer.total)) return undefined;
  const starts = DER_STARTS.find(([re]) => re.test(label))?.[1];
  // Another label (X25519, ED25519, a vendor's): a DER SEQUENCE of the declared length is enough.
  if (starts && !starts.some((s) => s.every((byte, i) => b[outer.header + i] === byte))) return undefined;
  const encrypted = label === 'ENCRYPTED ';
  return { body, encrypted, confidence: encrypted ? 'medium' : 'high' };
}

const OPENSSH_MAGIC = 'openssh-key-v1\0';

/** An OpenSSH key: the magic, a cipher name (`none` when unencrypted), and a plausible length. */
function verifyOpenSsh(body: string): KeyVerdict | undefined {
  const b = head(body, 64);
  if (b.subarray(0, OPENSSH_MAGIC.length).toString('latin1') !== OPENSSH_MAGIC) return undefined;
  const at = OPENSSH_MAGIC.length;
  if (b.length < at + 4) return undefined;
  const n = b.readUInt32BE(at);
  if (n < 1 || n > 32 || b.length < at + 4 + n) return undefined;
  const cipher = b.subarray(at + 4, at + 4 + n).toString('latin1');
  if (!/^[a-z0-9@.-]+$/.test(cipher)) return undefined;
  // The smallest key (Ed25519, unencrypted) is about 400 base64 characters.
  if (body.length < 300) return undefined;
  const encrypted = cipher !== 'none';
  return { body, encrypted, confidence: encrypted ? 'medium' : 'high' };
}

/**
 * An OpenPGP secret key block: armour headers, a blank line, base64 whose first packet is a secret
 * key (tag 5) or secret subkey (tag 7), and, when present, a matching CRC-24 armour checksum.
 */
export function verifyPgpKey(text: string, from: number): KeyVerdict | undefined {
  const r = region(text, from, '-----END PGP');
  // Read exactly: the checksum is over the bytes, and a line of base64 may start with `+` or `//`.
  const { body: data } = splitBody(r, EXACT_LINE_PREFIX);
  const sum = /\n[\s"'`]*=([A-Za-z0-9+/]{4})\s*$/.exec(r.trimEnd());
  if (data.length < 100) return undefined;
  const first = head(data, 3)[0];
  if (first === undefined || (first & 0x80) === 0) return undefined;
  const tag = first & 0x40 ? first & 0x3f : (first >> 2) & 0x0f;
  if (tag !== 5 && tag !== 7) return undefined;
  if (sum) {
    const want = Buffer.from(sum[1]!, 'base64');
    const got = crc24(Buffer.from(data, 'base64'));
    if (want.length !== 3 || want.readUIntBE(0, 3) !== got) return undefined;
  }
  return { body: data, encrypted: false, confidence: 'high' };
}

/** An SSH.com (SSH2) private key: headers, then base64 starting with the format's magic number. */
export function verifySsh2Key(text: string, from: number): KeyVerdict | undefined {
  const r = region(text, from, '---- END SSH2').replace(/\\\n/g, ' ');
  const { body } = splitBody(r);
  const b = head(body, 4);
  if (b.length < 4 || b.readUInt32BE(0) !== 0x3f6ff9eb || body.length < 200) return undefined;
  return { body, encrypted: true, confidence: 'medium' };
}

/**
 * A PuTTY key file from its first line on: `Private-Lines: N` followed by N base64 lines of random
 * data and a hex `Private-MAC`. `Encryption: none` keys are usable as they are.
 */
export function verifyPuttyKey(text: string, from: number): KeyVerdict | undefined {
  const r = text.slice(from, from + MAX_BODY_CHARS).replace(/\r/g, '');
  const lines = /\nPrivate-Lines:[ \t]*(\d{1,3})\n/.exec(r);
  if (!lines) return undefined;
  const after = r.slice(lines.index + lines[0].length).split('\n');
  const n = Number(lines[1]);
  const body = after.slice(0, n).join('');
  if (!/^[A-Za-z0-9+/=]{40,}$/.test(body) || shannonEntropy(body) < 4.5) return undefined;
  if (!/^Private-MAC:[ \t]*[0-9a-f]{40,64}$/.test(after[n] ?? '')) return undefined;
  const encrypted = !/\nEncryption:[ \t]*none\n/.test(r.slice(0, lines.index + 1));
  return { body, encrypted, confidence: encrypted ? 'medium' : 'high' };
}
