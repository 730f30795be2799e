/**
 * Checksums that issuers build into their tokens, so a value of the right shape can be told from a
 * typed-in look-alike (`ghp_` followed by 36 letters someone made up for a test). Each check returns
 * false for anything malformed; none of them throws.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `n` in base 62 (digits, upper, lower), left-padded with `0` to `width`. */
export function base62(n: number, width: number): string {
  let out = '';
  let rest = n >>> 0;
  do {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  return out.padStart(width, '0');
}

/**
 * zlib's CRC32, with zlib loaded on the first call: most runs meet no token to check, and loading
 * zlib at start-up cost every run about 1% of its instructions (docs/performance.md).
 */
export function crc32(data: string): number {
  return process.getBuiltinModule('node:zlib').crc32(data);
}

/**
 * GitHub's and npm's token format (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `npm_` followed by 36
 * characters): 30 random base62 characters, then the CRC32 of those 30 characters in base62, padded
 * to 6. `body` is the part after the prefix.
 */
export function validCrc32Base62(body: string): boolean {
  if (body.length !== 36) return false;
  const random = body.slice(0, 30);
  return base62(crc32(random), 6) === body.slice(30);
}

/** Appends the checksum of {@link validCrc32Base62} to 30 random characters (for synthetic examples). */
export function signCrc32Base62(random30: string): string {
  return random30 + base62(crc32(random30), 6);
}

// ---------------------------------------------------------------------------------------------------
// Bech32 (BIP 173), the encoding of age's secret keys: `AGE-SECRET-KEY-1` + data + 6-character checksum.

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GENERATORS[i]!;
  }
  return chk >>> 0;
}

function expandHrp(hrp: string): number[] {
  const out: number[] = [];
  for (const c of hrp) out.push(c.charCodeAt(0) >> 5);
  out.push(0);
  for (const c of hrp) out.push(c.charCodeAt(0) & 31);
  return out;
}

/** True when `value` (`hrp1data`, one case) is a Bech32 string with a valid checksum. */
export function validBech32(value: string): boolean {
  const lower = value.toLowerCase();
  if (value !== lower && value !== value.toUpperCase()) return false;
  const sep = lower.lastIndexOf('1');
  if (sep < 1 || lower.length - sep - 1 < 6) return false;
  const data: number[] = [];
  for (const c of lower.slice(sep + 1)) {
    const d = BECH32.indexOf(c);
    if (d === -1) return false;
    data.push(d);
  }
  return polymod([...expandHrp(lower.slice(0, sep)), ...data]) === 1;
}

/** Appends a Bech32 checksum to `hrp1` + data characters (for synthetic examples). */
export function signBech32(value: string): string {
  const lower = value.toLowerCase();
  const sep = lower.lastIndexOf('1');
  const data = [...lower.slice(sep + 1)].map((c) => BECH32.indexOf(c));
  const mod = polymod([...expandHrp(lower.slice(0, sep)), ...data, 0, 0, 0, 0, 0, 0]) ^ 1;
  let sum = '';
  for (let i = 0; i < 6; i++) sum += BECH32[(mod >>> (5 * (5 - i))) & 31];
  const out = lower + sum;
  return value === value.toUpperCase() ? out.toUpperCase() : out;
}

// ---------------------------------------------------------------------------------------------------
// OpenPGP ASCII armour checksum (RFC 4880, 6.1): CRC-24 of the decoded data, base64 after an `=`.

/** CRC-24 of `bytes` as OpenPGP computes it. */
export function crc24(bytes: Uint8Array): number {
  let crc = 0xb704ce;
  for (const b of bytes) {
    crc ^= b << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

// ---------------------------------------------------------------------------------------------------
// Base64 helpers shared by structure checks.

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;
const B64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** Decodes standard or URL-safe base64; undefined when `text` is not base64. */
export function decodeBase64(text: string): Buffer | undefined {
  if (B64.test(text)) return Buffer.from(text, 'base64');
  if (B64URL.test(text)) return Buffer.from(text, 'base64url');
  return undefined;
}

/** Decodes base64 to a JSON object, or undefined. */
export function base64Json(text: string): Record<string, unknown> | undefined {
  const bytes = decodeBase64(text);
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** True when decoded base64 is printable text of `user:password` shape with both parts non-empty. */
export function base64UserPassword(text: string): { user: string; password: string } | undefined {
  const bytes = decodeBase64(text);
  if (!bytes || bytes.length < 3) return undefined;
  const s = bytes.toString('utf8');
  if (/[\u0000-\u001f\u007f\ufffd]/.test(s)) return undefined;
  const colon = s.indexOf(':');
  if (colon <= 0 || colon === s.length - 1) return undefined;
  return { user: s.slice(0, colon), password: s.slice(colon + 1) };
}
