import { BINARY_DETECTORS } from './binary-files.js';
import { base64Json } from './checksums.js';
import {
  dockerConfigDetector,
  dotenvDetector,
  kubeconfigDetector,
  netrcDetector,
  netrcEntryDetector,
  npmrcDetector,
  pypircDetector,
  registryConfigDetector,
  terraformStateDetector,
} from './credential-files.js';
import { genericAssignmentDetector } from './generic.js';
import { authorizationHeaderDetector, curlUserDetector, passwordFlagDetector } from './http.js';
import { sampleIssuer } from './jwt.js';
import { verifyPemKey, verifyPgpKey, verifyPuttyKey, verifySsh2Key } from './pem.js';
import { providerDetector } from './provider.js';
import { PROVIDERS } from './providers/index.js';
import type { Confidence, Detector, LineHit, SecretFamily } from './types.js';
import { connectionStringDetector, gitCredentialsDetector, keyValueConnectionStringDetector } from './url.js';
import { characterClasses, isPlaceholder, shannonEntropy } from './values.js';

/**
 * The library of secret detectors: issuer tokens from the data in providers/, private keys verified
 * by structure, cloud keys that need their context, JWTs, credential files, HTTP credentials, URL
 * passwords and generic assignments. Every pattern is linear on hostile input: literal prefixes, one
 * bounded character class per run, and look-arounds of one character.
 */

/** Private key armour headers; the body after each is verified by pem.ts before anything is reported. */
const PRIVATE_KEY_HEADERS: [
  RegExp,
  string,
  (label: string, text: string, from: number) => ReturnType<typeof verifyPemKey>,
][] = [
  [/-----BEGIN ((?:[A-Z0-9]{1,20} ){0,2})PRIVATE KEY-----/g, 'PEM private key', verifyPemKey],
  [/-----BEGIN PGP PRIVATE KEY BLOCK-----/g, 'PGP private key block', (_l, t, f) => verifyPgpKey(t, f)],
  [/---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----/g, 'SSH2 private key', (_l, t, f) => verifySsh2Key(t, f)],
  [
    /^PuTTY-User-Key-File-[0-9]{1,2}: [a-z0-9@.-]{3,40}/g,
    'PuTTY private key',
    (_l, t, f) => verifyPuttyKey(t, f),
  ],
];

const privateKey: Detector = {
  id: 'private-key',
  family: 'private-key',
  keywords: ['-----begin ', '---- begin ssh2', 'putty-user-key-file-'],
  identity: 'value',
  binary: true,
  describes:
    'PEM (PKCS#1, PKCS#8, SEC1, DSA, encrypted), OpenSSH, PGP, SSH2 and PuTTY private keys whose body ' +
    'decodes to the structure of a key (a DER SEQUENCE with its version, the OpenSSH or SSH2 magic, an ' +
    'OpenPGP secret-key packet with its checksum) of the declared length: placeholder bodies, bodies cut ' +
    'short and header constants in parsers are not keys.',
  find(line, ctx) {
    const hits: LineHit[] = [];
    for (const [re, label, verify] of PRIVATE_KEY_HEADERS) {
      re.lastIndex = 0;
      for (let m = re.exec(line); m; m = re.exec(line)) {
        const verdict = verify(m[1] ?? '', ctx.text, ctx.offset + m.index + m[0].length);
        if (!verdict) continue;
        const kind = verdict.encrypted ? `${label} (encrypted)` : label;
        hits.push({
          start: m.index,
          end: m.index + m[0].length,
          value: verdict.body,
          shown: m[0],
          label: kind,
          confidence: verdict.confidence,
        });
      }
    }
    return hits;
  },
};

/**
 * `PRIVATE KEY-----` (the end of every PEM key's armour header, OpenSSH's too) as base64 writes it at
 * each of the three alignments a byte can have in its group of three: the characters that do not
 * depend on the bytes around it. A key written as base64 of its PEM text (a CI variable, a `.env`
 * value, a Helm value, a service-account key file encoded whole) holds one of them.
 */
const BASE64_KEY_ANCHORS = ['UFJJVkFURSBLRVktLS0t', 'BSSVZBVEUgS0VZLS0tLS', 'QUklWQVRFIEtFWS0tLS0t'];
const BASE64_KEY_ANCHOR = new RegExp(BASE64_KEY_ANCHORS.join('|'), 'g');
/** How far a base64 run is read back from an anchor and forward from its start (a 8192-bit key's PEM, encoded). */
const MAX_BASE64_RUN = 24_576;
/**
 * How far back from an anchor its run's start is looked for: the armour header is within the first
 * bytes of a PEM text, and within a few hundred of a service-account key file.
 */
const MAX_BASE64_BACK = 1024;
/** Whether the UTF-16 code unit is a base64 character (a test per character, without a regex). */
function isB64(code: number): boolean {
  return (
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    (code >= 48 && code <= 57) ||
    code === 43 ||
    code === 47
  );
}
/** A line of a wrapped base64 run: nothing but base64 (padding at its end), indentation aside. */
const B64_LINE = /^[ \t]*[A-Za-z0-9+/]+={0,2}[ \t]*\r?$/;

/**
 * The start of the base64 run an anchor at `pos` belongs to, and how many base64 characters lie
 * between it and the anchor: back over the run, and over line breaks of a run wrapped across lines
 * (a YAML block scalar, `base64 -w 76` output) when the line above ends in a long base64 run.
 */
function base64RunStart(text: string, pos: number): { start: number; count: number; tooLong: boolean } {
  const floor = Math.max(0, pos - MAX_BASE64_BACK);
  let i = pos;
  let count = 0;
  while (i > floor) {
    if (isB64(text.charCodeAt(i - 1))) {
      i -= 1;
      count += 1;
      continue;
    }
    // At the start of a wrapped line: the line above must end in base64 (20 characters at least).
    const lineStart = text.lastIndexOf('\n', i - 1) + 1;
    if (lineStart === 0 || text.slice(lineStart, i).trim() !== '') break;
    const above = text
      .slice(text.lastIndexOf('\n', lineStart - 2) + 1, lineStart - 1)
      .replace(/[ \t\r]+$/, '');
    if (above.length < 20 || !/^[A-Za-z0-9+/]{20}$/.test(above.slice(-20))) break;
    i = lineStart - 1 - (text[lineStart - 2] === '\r' ? 1 : 0);
    while (i > lineStart - 1 - above.length && /[ \t\r]/.test(text[i - 1]!)) i -= 1;
  }
  // Still base64 at the bound: the run is longer than any key's.
  return { start: i, count, tooLong: i === floor && i > 0 && isB64(text.charCodeAt(i - 1)) };
}

/**
 * The base64 characters of a run from `start`, across the lines of a wrapped run, to its padding,
 * and the offset in `text` where reading stopped.
 */
function base64RunFrom(
  text: string,
  start: number,
  limit = MAX_BASE64_RUN,
  collect = true,
): { run: string; end: number } {
  const end = Math.min(text.length, start + limit);
  let out = '';
  let i = start;
  while (i < end) {
    const c = text[i]!;
    if (isB64(text.charCodeAt(i))) {
      if (collect) out += c;
      i += 1;
      continue;
    }
    if (c === '=') break;
    // The run goes on on the next line only when that line holds nothing but base64.
    const eol = /^[ \t]*\r?\n/.exec(text.slice(i, i + 200));
    if (!eol) break;
    const next = i + eol[0].length;
    const nextEnd = text.indexOf('\n', next);
    if (!B64_LINE.test(text.slice(next, nextEnd < 0 ? text.length : nextEnd))) break;
    i = next;
    while (i < end && (text[i] === ' ' || text[i] === '\t')) i += 1;
  }
  return { run: out, end: i };
}

const PEM_KEY_HEADER = /-----BEGIN ((?:[A-Z0-9]{1,20} ){0,2})PRIVATE KEY-----/g;

/**
 * A private key written as base64 of its PEM text, or of a file that holds one (a service-account key
 * file), as CI variables, `.env` files and chart values carry keys: the run is decoded from its
 * start and the key inside verified as the same key in PEM would be. Its identity is the key's, so the
 * same key encoded or not is one finding. A run that does not decode to a verified key is nothing.
 */
const base64PrivateKey: Detector = {
  id: 'base64-private-key',
  family: 'private-key',
  // Below the credential files that decode their own fields (a kubeconfig's `client-key-data`).
  rank: 3.5,
  keywords: BASE64_KEY_ANCHORS.map((a) => a.toLowerCase()),
  identity: 'value',
  describes:
    'Private keys written as base64 of their PEM text, or of a file that holds one (a service-account ' +
    'key file encoded whole, as CI variables and chart values carry it), verified as the key itself.',
  find(line, ctx) {
    const hits: LineHit[] = [];
    let until = 0;
    BASE64_KEY_ANCHOR.lastIndex = 0;
    for (let m = BASE64_KEY_ANCHOR.exec(line); m; m = BASE64_KEY_ANCHOR.exec(line)) {
      const pos = ctx.offset + m.index;
      if (pos < until) continue;
      const { start, count, tooLong } = base64RunStart(ctx.text, pos);
      // A key's header is near its run's start: an anchor farther in is part of something else.
      if (tooLong) continue;
      const { run, end } = base64RunFrom(ctx.text, start);
      until = Math.max(end, pos + m[0].length);
      // A run begun a few characters early (a word glued to it) decodes misaligned: try each alignment.
      for (let skip = 0; skip < 4; skip++) {
        const decoded = Buffer.from(run.slice(skip), 'base64').toString('latin1');
        const at = Math.floor(((count - skip) * 3) / 4);
        let found: LineHit | undefined;
        PEM_KEY_HEADER.lastIndex = 0;
        for (let h = PEM_KEY_HEADER.exec(decoded); h; h = PEM_KEY_HEADER.exec(decoded)) {
          // Only the anchor of this header's own `PRIVATE KEY-----` reports it (not its END line's).
          if (Math.abs(h.index + h[0].length - 16 - at) > 2) continue;
          const verdict = verifyPemKey(h[1] ?? '', decoded, h.index + h[0].length);
          if (!verdict) continue;
          const kind = /"type"[ \t]*:[ \t]*"service_account"/.test(decoded)
            ? 'GCP service account key file'
            : 'PEM private key';
          const from = Math.max(0, start - ctx.offset);
          let to = m.index + m[0].length;
          while (to < line.length && isB64(line.charCodeAt(to))) to += 1;
          found = {
            start: from,
            end: to,
            value: verdict.body,
            shown: `base64 of ${h[0]}`,
            label: `${kind}${verdict.encrypted ? ' (encrypted)' : ''}, base64-encoded`,
            confidence: verdict.confidence,
          };
          break;
        }
        if (found) {
          hits.push(found);
          break;
        }
      }
    }
    return hits;
  },
};

/** A GCP service-account key file: JSON with `"type": "service_account"` and a `private_key`. */
const GCP_PRIVATE_KEY = /"private_key"[ \t]*:[ \t]*"-----BEGIN ((?:[A-Z]{1,20} ){0,2})PRIVATE KEY-----/g;

const gcpServiceAccountKey: Detector = {
  id: 'gcp-service-account-key',
  family: 'cloud',
  keywords: ['"private_key"'],
  identity: 'value',
  binary: false,
  describes:
    'The `private_key` of a Google Cloud service-account key file (JSON with "type": "service_account"), ' +
    'verified as a key like any PEM key.',
  find(line, ctx) {
    const hits: LineHit[] = [];
    GCP_PRIVATE_KEY.lastIndex = 0;
    for (let m = GCP_PRIVATE_KEY.exec(line); m; m = GCP_PRIVATE_KEY.exec(line)) {
      if (!/"type"[ \t]*:[ \t]*"service_account"/.test(ctx.text)) break;
      const verdict = verifyPemKey(m[1] ?? '', ctx.text, ctx.offset + m.index + m[0].length);
      if (!verdict) continue;
      const start = m.index + m[0].indexOf('-----');
      hits.push({
        start,
        end: m.index + m[0].length,
        value: verdict.body,
        shown: '"private_key"',
        label: 'GCP service account private key',
        confidence: verdict.confidence,
      });
    }
    return hits;
  },
};

/** AWS secret access keys: 40 base64 characters, named as such or next to an access key ID. */
export const AWS_SECRET_KEY = /(?<![A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/g;
const AWS_SECRET_NAME = /secret_?access_?key|aws_?secret|secretkey/i;

/** True when a 40-character candidate looks like a random AWS secret access key. */
export function looksLikeAwsSecret(value: string): boolean {
  return characterClasses(value) >= 3 && shannonEntropy(value) >= 4 && !isPlaceholder(value);
}

const awsSecretKey: Detector = {
  id: 'aws-secret-access-key',
  family: 'cloud',
  keywords: ['secretaccess', 'secret_access', 'secret-access', 'aws_secret', 'awssecret', 'secretkey'],
  identity: 'value',
  describes:
    'AWS secret access keys: 40 random base64 characters assigned to a name such as ' +
    '`aws_secret_access_key`, or within three lines of an AWS access key ID.',
  find(line) {
    if (!AWS_SECRET_NAME.test(line)) return [];
    return findAwsSecrets(line);
  },
};

/** Every AWS-secret-shaped value on a line (the scanner also calls this near access key IDs). */
export function findAwsSecrets(line: string): LineHit[] {
  const hits: LineHit[] = [];
  AWS_SECRET_KEY.lastIndex = 0;
  for (let m = AWS_SECRET_KEY.exec(line); m; m = AWS_SECRET_KEY.exec(line)) {
    if (!looksLikeAwsSecret(m[1]!)) continue;
    hits.push({ start: m.index, end: m.index + 40, value: m[1]!, label: 'AWS secret access key' });
  }
  return hits;
}

/** jwt.io's demonstration token, reproduced in countless tutorials. */
const DEMO_SUBJECT = '1234567890';

const jwt: Detector = {
  id: 'jwt',
  family: 'jwt',
  keywords: ['eyj'],
  identity: 'value',
  binary: true,
  describes:
    'Signed JSON Web Tokens whose header and payload decode to JSON objects (header with `alg` other than ' +
    '`none`); a token past its `exp` is reported with low confidence, and one issued by (or, without an ' +
    'issuer, for) a documentation or loopback host (`example.com`, `.test`, `localhost`) is sample data. ' +
    'In documentation, a token without any registered claim (issuer, subject, audience or time) is a usage ' +
    'example, reported with low confidence.',
  find(line) {
    const hits: LineHit[] = [];
    const re =
      /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{8,2000}\.eyJ[A-Za-z0-9_-]{8,8000}\.[A-Za-z0-9_-]{16,2000})(?![A-Za-z0-9_-])/g;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      const value = m[1]!;
      const [header = '', payload = ''] = value.split('.');
      const h = base64Json(header);
      const p = base64Json(payload);
      if (!h || !p || typeof h.alg !== 'string' || h.alg.toLowerCase() === 'none') continue;
      if ((p.sub === DEMO_SUBJECT && p.name === 'John Doe') || sampleIssuer(p)) continue;
      const expires = typeof p.exp === 'number' ? p.exp * 1000 : undefined;
      const expired = expires !== undefined && expires < Date.now();
      const confidence: Confidence = expired ? 'low' : 'medium';
      hits.push({
        start: m.index,
        end: m.index + value.length,
        value,
        label: 'JSON Web Token',
        confidence,
        // Past its expiry the same token is judged otherwise: a cached result must not outlive it.
        ...(expires !== undefined && !expired ? { until: expires } : {}),
      });
    }
    return hits;
  },
};

/** Every detector, in family priority order within the table the scanner builds. */
export const DETECTORS: readonly Detector[] = [
  privateKey,
  base64PrivateKey,
  gcpServiceAccountKey,
  awsSecretKey,
  ...PROVIDERS.map(providerDetector),
  jwt,
  npmrcDetector,
  pypircDetector,
  registryConfigDetector,
  netrcDetector,
  netrcEntryDetector,
  gitCredentialsDetector,
  dockerConfigDetector,
  kubeconfigDetector,
  dotenvDetector,
  terraformStateDetector,
  curlUserDetector,
  authorizationHeaderDetector,
  passwordFlagDetector,
  connectionStringDetector,
  keyValueConnectionStringDetector,
  genericAssignmentDetector,
];

/**
 * Detectors whose hits are verified beyond their shape (a checksum, a key structure): context such as
 * an example or a list of samples does not make them less certain.
 */
export const VERIFIED: ReadonlySet<string> = new Set([
  'private-key',
  'base64-private-key',
  'gcp-service-account-key',
  ...PROVIDERS.filter((p) => p.validate?.some((v) => v === 'crc32-base62' || v === 'bech32')).map(
    (p) => p.id,
  ),
]);

/**
 * Detectors whose hit carries its issuer's format in the value itself: a private key whose body
 * decodes to a key, a checksummed token, a fixed issuer prefix and length (the cloud, private-key and
 * token families). Not those that judge a value by the name it is assigned to or by a shape other
 * strings share (a spec of `medium` confidence: a UUID after `heroku_api_key =`, 32 hex characters
 * after `SK`), nor the AWS secret access key (40 base64 characters named so). They are the ones that
 * read files skipped by name (see `except` in evaluator.ts), where random data abounds.
 */
export const ISSUER_FORMAT: ReadonlySet<string> = new Set([
  ...DETECTORS.filter((d) => d.family === 'private-key' || d.id === 'gcp-service-account-key').map(
    (d) => d.id,
  ),
  ...PROVIDERS.filter((p) => (p.confidence ?? 'high') === 'high').map((p) => p.id),
]);

/** Detector ids (line detectors and binary-file detectors), for option schemas. */
export const DETECTOR_IDS: readonly string[] = [
  ...DETECTORS.map((d) => d.id),
  ...BINARY_DETECTORS.map((d) => d.id),
];

const FAMILIES = new Map<string, SecretFamily>([
  ...DETECTORS.map((d): [string, SecretFamily] => [d.id, d.family]),
  ...BINARY_DETECTORS.map((d): [string, SecretFamily] => [d.id, d.family]),
]);

/** The family of a detector id (line or binary). */
export function familyOf(id: string): SecretFamily | undefined {
  return FAMILIES.get(id);
}

const BY_ID = new Map(DETECTORS.map((d) => [d.id, d]));

/** The detector with this id, or undefined. */
export function getDetector(id: string): Detector | undefined {
  return BY_ID.get(id);
}
