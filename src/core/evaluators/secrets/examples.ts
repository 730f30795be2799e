import { base62, crc32, signBech32 } from './checksums.js';

/**
 * Expands the example templates of the detector data (providers/*.ts) into synthetic secrets, for
 * the tests and the labelled benchmark corpus. Templates keep credential-shaped strings out of the
 * repository: `ghp_{alnum:30}{crc32}` is not a token, its expansion is a fresh random one that passes
 * the issuer's checksum.
 *
 * Syntax: `{class:n}` is n random characters of a class (see {@link CLASSES}); `{uuid}`; `{crc32}` is
 * the base62 CRC32 of the previous placeholder's expansion (GitHub, npm); `{bech32sum}` completes a
 * Bech32 string begun since the last `[[`; `{base64:T}` / `{base64url:T}` encode the expansion of the
 * template T; `{json:a,b}` is a JSON object with those keys and random values; `{key:rsa}` (also
 * `pkcs8`, `ec`, `openssh`, `pgp`) is the base64 body of a private key of that kind: the structure a
 * key starts with, filled with random bytes to its declared length (no usable key). Any other `{...}` is
 * kept as written. `[[` and `]]` mark the secret within a line (without them the whole expansion is
 * the secret).
 */

const CLASSES: Record<string, string> = {
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  alpha: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  lower: 'abcdefghijklmnopqrstuvwxyz',
  upalnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  lowalnum: 'abcdefghijklmnopqrstuvwxyz0123456789',
  digits: '0123456789',
  hex: '0123456789abcdef',
  HEX: '0123456789ABCDEF',
  b32: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  b32lower: 'abcdefghijklmnopqrstuvwxyz234567',
  b64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  b64url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  bech32: 'qpzry9x8gf2tvdw0s3jn54khce6mua7l',
  BECH32: 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L',
};

/** A line expanded from a template, and where its secret is. */
export interface Expanded {
  line: string;
  secret: string;
  /** 0-based column of the secret in the line. */
  start: number;
}

/** Expands a template with random characters drawn from `rnd` (a function returning [0, 1)). */
export function expandExample(template: string, rnd: () => number): Expanded {
  const pick = (alphabet: string, n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    return s;
  };
  const expand = (t: string): { text: string; open: number; close: number } => {
    let out = '';
    let last = '';
    let open = -1;
    let close = -1;
    for (let i = 0; i < t.length; i++) {
      if (t.startsWith('[[', i)) {
        open = out.length;
        i += 1;
        continue;
      }
      if (t.startsWith(']]', i)) {
        close = out.length;
        i += 1;
        continue;
      }
      if (t[i] !== '{') {
        out += t[i];
        continue;
      }
      let depth = 0;
      let j = i;
      for (; j < t.length; j++) {
        if (t[j] === '{') depth += 1;
        else if (t[j] === '}' && --depth === 0) break;
      }
      const inner = t.slice(i + 1, j);
      const colon = inner.indexOf(':');
      const name = colon === -1 ? inner : inner.slice(0, colon);
      const arg = colon === -1 ? '' : inner.slice(colon + 1);
      let piece: string;
      if (name in CLASSES) piece = pick(CLASSES[name]!, Number(arg));
      else if (name === 'uuid') piece = [8, 4, 4, 4, 12].map((n) => pick(CLASSES.hex!, n)).join('-');
      else if (name === 'crc32') piece = base62(crc32(last), 6);
      else if (name === 'bech32sum') piece = signBech32(out.slice(Math.max(open, 0))).slice(-6);
      else if (name === 'base64' || name === 'base64url') {
        const encoded = Buffer.from(expand(arg).text).toString(name === 'base64' ? 'base64' : 'base64url');
        piece = encoded.replace(/=+$/, '');
      } else if (name === 'key') {
        piece = syntheticKey(arg, (n) => Buffer.from(pick(CLASSES.hex!, n * 2), 'hex'));
      } else if (name === 'json') {
        const o: Record<string, string | number> = {};
        for (const k of arg.split(','))
          o[k] = k === 'id' ? 1 + Math.floor(rnd() * 1000) : pick(CLASSES.alnum!, 16);
        piece = JSON.stringify(o);
      } else piece = `{${inner}}`; // Not a placeholder: `${VAR}`, `{{ secrets.X }}` stay as written.
      out += piece;
      last = piece;
      i = j;
    }
    return { text: out, open, close };
  };
  const { text, open, close } = expand(template);
  const start = open === -1 ? 0 : open;
  const end = close === -1 ? text.length : close;
  return { line: text, secret: text.slice(start, end), start };
}

/** DER length bytes for `n`. */
function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x100) return [0x81, n];
  return [0x82, n >> 8, n & 0xff];
}

/**
 * The base64 body of a synthetic private key of a kind: its leading structure (what the verifier in
 * pem.ts checks) and random bytes to the length it declares. Not a key: nothing in it is usable.
 */
export function syntheticKey(kind: string, random: (n: number) => Buffer): string {
  const der = (prefix: number[], length: number) => {
    const body = Buffer.concat([Buffer.from(prefix), random(length - prefix.length)]);
    return Buffer.concat([Buffer.from([0x30, ...derLength(length)]), body]).toString('base64');
  };
  switch (kind) {
    case 'rsa':
      return der([0x02, 0x01, 0x00, 0x02, 0x82, 0x01, 0x01, 0x00], 1188);
    case 'pkcs8':
      return der(
        [
          0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
          0x05, 0x00,
        ],
        1214,
      );
    case 'ec':
      return der([0x02, 0x01, 0x01, 0x04, 0x20], 119);
    case 'openssh': {
      const str = (t: string) => {
        const b = Buffer.alloc(4 + t.length);
        b.writeUInt32BE(t.length);
        b.write(t, 4, 'latin1');
        return b;
      };
      return Buffer.concat([
        Buffer.from('openssh-key-v1\0', 'latin1'),
        str('none'),
        str('none'),
        str(''),
        Buffer.from([0, 0, 0, 1]),
        random(360),
      ]).toString('base64');
    }
    case 'pgp':
      // A new-format secret-key packet (tag 5) header, then random bytes.
      return Buffer.concat([Buffer.from([0xc5, 0xc1, 0x58, 0x04]), random(400)]).toString('base64');
    default:
      throw new Error(`example template: unknown key kind ${kind}`);
  }
}
