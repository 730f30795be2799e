import { base64Json, decodeBase64, validBech32, validCrc32Base62 } from './checksums.js';
import { literalPrefix } from './keywords.js';
import type { Confidence, Detector, LineHit, ScanContext } from './types.js';
import { isPlaceholder, shannonEntropy } from './values.js';

/**
 * Issuer tokens as data: one {@link ProviderSpec} per kind of credential (providers/*.ts), turned
 * into a detector here. A spec names its issuer's documented shape (a fixed prefix, a length, an
 * alphabet) as a pattern, the literals the prefilter looks for, and the structure checks that tell a
 * real token from a look-alike: a checksum where the issuer has one, a decodable payload where the
 * token carries one. Every spec carries a synthetic example that must be found and a counter-example
 * that must not (test/evaluators/secrets-providers.test.ts); examples are templates expanded with
 * random characters (examples.ts), so no credential-shaped string is ever committed here.
 */

/** Structure checks a spec may ask for; each gets the whole secret and the line it stands on. */
export type Validation =
  /** GitHub / npm: the last 6 characters are the base62 CRC32 of the 30 before them. */
  | 'crc32-base62'
  /** age: a Bech32 string with a valid checksum. */
  | 'bech32'
  /** The part after the prefix (up to a `_` or `.`) is base64 of a JSON object. */
  | 'base64-json'
  /** Discord: the first dot-separated segment is base64 of a numeric user id. */
  | 'discord-id'
  /** Grafana legacy API key: base64 JSON with `k`, `n` and `id`. */
  | 'grafana-key'
  /** Intercom: base64 of `tok:` followed by the token. */
  | 'intercom'
  /** Azure SAS: the signature decodes to a 32-byte HMAC and the line carries a SAS version or expiry. */
  | 'azure-sas'
  /** Mixed case or digits in the random part (a word in capitals is not a key). */
  | 'mixed'
  /**
   * AWS access key IDs encode their account: one of the account numbers AWS's documentation uses
   * (123456789012, 111122223333, ...) or a repeated digit marks a sample key.
   */
  | 'aws-account'
  /**
   * Not a Google API key that is public by design: Firebase web, Android and iOS configuration (also
   * a copy per build variant, `GoogleService-Info-Debug.plist`, `google-services-prod.json`, and one
   * known by its `GOOGLE_APP_ID`), the key in a Google Chat webhook URL (the token beside it is the
   * secret).
   */
  | 'not-public-google-key';

const VALIDATIONS: Record<
  Validation,
  (value: string, body: string, line: string, ctx: ScanContext) => boolean
> = {
  'crc32-base62': (_v, body) => validCrc32Base62(body),
  bech32: (v) => validBech32(v),
  'base64-json': (_v, body) => base64Json(body.split(/[_.]/)[0] ?? '') !== undefined,
  'discord-id': (v) => /^\d{17,20}$/.test(decodeBase64(v.split('.')[0] ?? '')?.toString('latin1') ?? ''),
  'grafana-key': (v) => {
    const o = base64Json(v);
    return o !== undefined && 'k' in o && 'n' in o && 'id' in o;
  },
  intercom: (v) =>
    /^tok:[0-9a-f_-]{32,40}(?::\d{1,3}:\d{1,3})?$/.test(decodeBase64(v)?.toString('latin1') ?? ''),
  'azure-sas': (_v, body, line) => {
    const sig = decodeBase64(decodeURIComponent(body.replace(/%(?![0-9A-Fa-f]{2})/g, '%25')));
    return sig?.length === 32 && /[?&;](?:sv=\d{4}-\d\d-\d\d|se=\d{4}-)/.test(line);
  },
  mixed: (_v, body) => /[a-z]/.test(body) && (/[A-Z]/.test(body) || /[0-9]/.test(body)),
  'aws-account': (v) => {
    const account = awsAccount(v);
    return account === undefined || !(SAMPLE_ACCOUNTS.has(account) || /^(\d)\1{11}$/.test(account));
  },
  'not-public-google-key': (_v, _b, line, ctx) =>
    !/chat\.googleapis\.com\/|"current_key"/.test(line) &&
    !/(?:^|\/)google-services\b[^/]*\.json$|(?:^|\/)GoogleService-Info\b[^/]*\.plist$/i.test(ctx.path) &&
    !/firebaseapp\.com|firebaseConfig|messagingSenderId|GOOGLE_APP_ID/.test(ctx.text),
};

/** Account numbers of AWS's documentation examples. */
const SAMPLE_ACCOUNTS = new Set([
  '123456789012',
  '111122223333',
  '444455556666',
  '777788889999',
  '123412341234',
]);

/**
 * The account an AWS access key ID belongs to: the base32 of its 16 characters after the prefix, of
 * which bits 7 to 46 of the first six bytes are the account number.
 */
export function awsAccount(keyId: string): string | undefined {
  const body = keyId.slice(4);
  if (!/^[A-Z2-7]{16}$/.test(body)) return undefined;
  let bits = 0n;
  for (const c of body.slice(0, 10))
    bits = (bits << 5n) | BigInt('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.indexOf(c));
  const first48 = bits >> 2n; // 10 characters are 50 bits: the first six bytes are the top 48
  return String((first48 & 0x7fffffffff80n) >> 7n).padStart(12, '0');
}

/**
 * Whether a match sits inside a longer run of base64 (an image or font in a data URI, a binary
 * blob): what surrounds it is base64 too and holds a `+`, which URLs and identifiers never do.
 */
function insideBase64(line: string, start: number, end: number): boolean {
  const b64 = (c: string | undefined) => c !== undefined && /[A-Za-z0-9+/=]/.test(c);
  let s = start;
  while (s > 0 && start - s < 256 && b64(line[s - 1])) s -= 1;
  let e = end;
  while (e < line.length && e - end < 256 && b64(line[e])) e += 1;
  const around = line.slice(s, start) + line.slice(end, e);
  return around.length >= 16 && around.includes('+');
}

/** Where a value is shown as an example: `e.g.`, `for example`, `Example:` on its line or just above. */
function shownAsExample(line: string, start: number, ctx: ScanContext): boolean {
  // `GenerateSampleSecrets("...")`, `example_token = "..."`: the word may be part of an identifier.
  if (/\be\.g\.|example|sample/i.test(line.slice(0, start))) return true;
  const before = ctx.text.slice(Math.max(0, ctx.offset - 400), ctx.offset);
  // The word ends a line above as a heading (`For example:`), not as the end of a host name or a
  // path (`https://api.internal.example`, RFC 2606's reserved domain, is common in configuration).
  return /(?:^|\n)[^\n]*(?<![\w./@-])(?:examples?|e\.g\.)[ \t]*:?[ \t]*(?:\r?\n[^\n]*){0,2}\r?\n?$/i.test(
    before,
  );
}

/** One kind of issuer credential. */
export interface ProviderSpec {
  /** Detector id, kebab-case: `<issuer>-<kind>`. */
  id: string;
  /** What the secret is, for messages: `GitHub personal access token (classic)`. */
  label: string;
  /** `cloud` credentials are reported by cloud-key-committed, `token` by api-token-committed. */
  family?: 'cloud' | 'token' | 'private-key';
  /** Lower-case literals; every line holding such a secret contains one (the prefilter). */
  keywords: string[];
  /**
   * For a prefix too short to be a keyword on its own (`sk`, `api-`): a pattern led by it, confirmed
   * where the prefix is found (case-insensitive), which becomes the keyword.
   */
  anchor?: string;
  /**
   * The secret's shape: a global regular expression, bounded and led by a literal. Group 1 is the
   * secret when the pattern also matches context (a variable name), else the whole match is.
   */
  pattern: RegExp;
  /** Characters of fixed prefix, not counted in the random part's entropy and placeholder checks. */
  prefix: number;
  /** Minimum Shannon entropy of the random part in bits per character (default 3). */
  minEntropy?: number;
  validate?: Validation[];
  /** Default `high`; `medium` for shapes that other strings can take or values that may be public. */
  confidence?: Confidence;
  /** A template of a line holding a synthetic secret that must be found (`[[...]]` marks the secret). */
  example: string;
  /** A template of a line that must not be reported by this detector: a decoy of the same shape. */
  counterExample: string;
}

/** A detector from a spec (see {@link ProviderSpec}). */
export function providerDetector(spec: ProviderSpec): Detector {
  const checks = (spec.validate ?? []).map((v) => VALIDATIONS[v]);
  const checksummed = spec.validate?.some((v) => v === 'crc32-base62' || v === 'bech32') ?? false;
  return {
    id: spec.id,
    family: spec.family ?? 'token',
    keywords: spec.keywords,
    ...(spec.anchor
      ? { anchored: [{ keyword: literalPrefix(spec.anchor), confirm: new RegExp(spec.anchor, 'iy') }] }
      : {}),
    identity: 'value',
    binary: true,
    describes: `${spec.label}.`,
    find(line, ctx) {
      const hits: LineHit[] = [];
      const re = spec.pattern;
      re.lastIndex = 0;
      for (let m = re.exec(line); m; m = re.exec(line)) {
        const value = m[1] ?? m[0];
        const start = m.index + m[0].lastIndexOf(value);
        const body = value.slice(spec.prefix);
        // A valid checksum proves the token was issued: no word in it makes it a placeholder.
        const rejected =
          (!checksummed && isPlaceholder(body)) ||
          shannonEntropy(body) < (spec.minEntropy ?? 3) ||
          !checks.every((check) => check(value, body, line, ctx)) ||
          insideBase64(line, m.index, m.index + m[0].length);
        // A token shown as an example is documentation unless its checksum proves it was issued.
        const example = !checksummed && shownAsExample(line, start, ctx);
        // A rejected value still claims its span: an issuer's format that fails its checks is a
        // look-alike (a made-up test token) that no less specific detector may report either.
        hits.push({
          start,
          end: start + value.length,
          value,
          label: spec.label,
          confidence: example ? 'low' : spec.confidence,
          ...(example ? { note: 'shown as an example' } : {}),
          rejected,
        });
      }
      return hits;
    },
  };
}
