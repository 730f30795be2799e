import { connectionStringDetector, genericAssignmentDetector, SECRET_ASSIGNMENT_ANCHOR } from './generic.js';
import type { Detector, LineHit, ScanContext, SecretFamily } from './types.js';
import { characterClasses, isPlaceholder, shannonEntropy } from './values.js';

/**
 * The library of secret detectors. Every pattern is linear on hostile input: literal prefixes, one
 * bounded character class per run, and look-arounds of one character. A token's random part (after
 * its issuer's fixed prefix) must not be a placeholder and must look random enough.
 */

interface TokenSpec {
  id: string;
  family: SecretFamily;
  keywords: string[];
  /** Global regex; group 1 is the secret when present, else the whole match. */
  pattern: RegExp;
  /** Length of the fixed prefix that is not part of the random body. */
  prefix: number;
  label: string | ((value: string) => string);
  describes: string;
  /** Minimum entropy of the random body, bits per character. */
  minEntropy?: number;
  accept?: (value: string, ctx: ScanContext) => boolean;
}

function tokenDetector(spec: TokenSpec): Detector {
  return {
    id: spec.id,
    family: spec.family,
    keywords: spec.keywords,
    identity: 'value',
    describes: spec.describes,
    find(line, ctx) {
      const hits: LineHit[] = [];
      spec.pattern.lastIndex = 0;
      for (let m = spec.pattern.exec(line); m; m = spec.pattern.exec(line)) {
        const value = m[1] ?? m[0];
        const start = m.index + m[0].indexOf(value);
        const body = value.slice(spec.prefix);
        if (isPlaceholder(body) || shannonEntropy(body) < (spec.minEntropy ?? 3)) continue;
        if (spec.accept && !spec.accept(value, ctx)) continue;
        const label = typeof spec.label === 'string' ? spec.label : spec.label(value);
        hits.push({ start, end: start + value.length, value, label });
      }
      return hits;
    },
  };
}

const GITHUB_KINDS: Record<string, string> = {
  ghp: 'GitHub personal access token (classic)',
  gho: 'GitHub OAuth access token',
  ghu: 'GitHub App user access token',
  ghs: 'GitHub App installation token',
  ghr: 'GitHub refresh token',
};

/** Decodes one base64url JWT segment as a JSON object, or undefined. */
function jwtPart(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Private key armour headers, as in the original `private-key-committed` content rule. */
const PRIVATE_KEY_HEADERS: [RegExp, string][] = [
  [
    /-----BEGIN OPENSSH PRIVATE KEY-----(?=[ \t]*$|(?:\\r)?\\n|[ \t]*[A-Za-z0-9+/]{8})/g,
    'OpenSSH private key',
  ],
  [/-----BEGIN PGP PRIVATE KEY BLOCK-----(?=[ \t]*$|(?:\\r)?\\n)/g, 'PGP private key block'],
  [
    /-----BEGIN (?!OPENSSH )(?:[A-Z0-9]{1,20} ){0,2}PRIVATE KEY-----(?=[ \t]*$|(?:\\r)?\\n|[ \t]*[A-Za-z0-9+/]{8})/g,
    'PEM private key',
  ],
  [/---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----(?=[ \t]*$|(?:\\r)?\\n)/g, 'SSH2 private key'],
  [/^PuTTY-User-Key-File-[0-9]{1,2}: /g, 'PuTTY private key'],
];

/** A GCP service-account key file: JSON with `"type": "service_account"` and a `private_key`. */
const GCP_PRIVATE_KEY =
  /"private_key"[ \t]*:[ \t]*"(-----BEGIN [A-Z ]{0,24}PRIVATE KEY-----[^"]{16,10000})"/g;

const privateKey: Detector = {
  id: 'private-key',
  family: 'private-key',
  keywords: ['-----begin ', '---- begin ssh2', 'putty-user-key-file-'],
  identity: 'position',
  describes:
    'PEM (PKCS#1, PKCS#8, SEC1, DSA), OpenSSH, PGP, SSH2 and PuTTY private keys, by their armour header ' +
    'where key material follows (a quoted header constant in a parser is not a key).',
  find(line) {
    const hits: LineHit[] = [];
    for (const [re, label] of PRIVATE_KEY_HEADERS) {
      re.lastIndex = 0;
      for (let m = re.exec(line); m; m = re.exec(line)) {
        hits.push({ start: m.index, end: m.index + m[0].length, value: m[0], label, context: m[0] });
        if (m[0].length === 0) break;
      }
    }
    return hits;
  },
};

/** The detectors that recognise a token by its issuer's fixed prefix or structure. */
const TOKENS: Detector[] = [
  tokenDetector({
    id: 'aws-access-key-id',
    family: 'cloud',
    keywords: ['akia', 'asia', 'abia', 'acca'],
    pattern: /(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9])/g,
    prefix: 4,
    minEntropy: 2.5,
    label: (v) => (v.startsWith('ASIA') ? 'AWS temporary access key ID' : 'AWS access key ID'),
    describes: 'AWS access key IDs (AKIA, ASIA, ABIA, ACCA).',
  }),
  tokenDetector({
    id: 'gcp-service-account-key',
    family: 'cloud',
    // The value starts with the PEM header, which is the rarer literal of the line.
    keywords: ['-----begin '],
    pattern: GCP_PRIVATE_KEY,
    prefix: 0,
    label: 'GCP service account private key',
    describes:
      'The `private_key` of a Google Cloud service-account key file (JSON with "type": "service_account").',
    accept: (_v, ctx) => /"type"[ \t]*:[ \t]*"service_account"/.test(ctx.text),
  }),
  tokenDetector({
    id: 'azure-storage-key',
    family: 'cloud',
    keywords: ['accountkey=', 'sharedaccesskey='],
    pattern:
      /(?<![A-Za-z0-9])(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{40,100}={0,2})(?![A-Za-z0-9+/=])/gi,
    prefix: 0,
    minEntropy: 4,
    label: 'Azure storage or shared access key',
    describes:
      'Azure Storage account keys and Service Bus / Event Hubs shared access keys in connection strings ' +
      '(`AccountKey=`, `SharedAccessKey=`); the public storage-emulator key is not reported.',
  }),
  tokenDetector({
    id: 'github-token',
    family: 'token',
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    pattern: /(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36,251})(?![A-Za-z0-9_])/g,
    prefix: 4,
    label: (v) => GITHUB_KINDS[v.slice(0, 3)] ?? 'GitHub token',
    describes: 'GitHub tokens: ghp_ (classic PAT), gho_, ghu_, ghs_, ghr_.',
  }),
  tokenDetector({
    id: 'github-fine-grained-token',
    family: 'token',
    keywords: ['github_pat_'],
    pattern: /(?<![A-Za-z0-9_])(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9_])/g,
    prefix: 11,
    label: 'GitHub fine-grained personal access token',
    describes: 'GitHub fine-grained personal access tokens (github_pat_).',
  }),
  tokenDetector({
    id: 'gitlab-token',
    family: 'token',
    keywords: ['glpat-'],
    pattern: /(?<![A-Za-z0-9_-])(glpat-[A-Za-z0-9_-]{20,100})(?![A-Za-z0-9_-])/g,
    prefix: 6,
    label: 'GitLab personal access token',
    describes: 'GitLab personal access tokens (glpat-).',
  }),
  tokenDetector({
    id: 'slack-token',
    family: 'token',
    keywords: ['xoxb-', 'xoxa-', 'xoxp-', 'xoxr-', 'xoxs-'],
    pattern: /(?<![A-Za-z0-9_-])(xox[abprs]-[0-9]{6,16}-[A-Za-z0-9-]{8,200})(?![A-Za-z0-9_-])/g,
    prefix: 5,
    label: 'Slack token',
    describes: 'Slack bot, user, app, refresh and legacy tokens (xoxb-, xoxp-, xoxa-, xoxr-, xoxs-).',
  }),
  tokenDetector({
    id: 'slack-webhook',
    family: 'token',
    keywords: ['hooks.slack.com/'],
    pattern:
      /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9]{6,16}\/[A-Za-z0-9]{6,16}\/[A-Za-z0-9]{16,64})(?![A-Za-z0-9])/g,
    prefix: 0,
    label: 'Slack incoming webhook URL',
    describes: 'Slack incoming webhook and workflow trigger URLs (hooks.slack.com/services/...).',
  }),
  tokenDetector({
    id: 'stripe-live-key',
    family: 'token',
    keywords: ['sk_live_', 'rk_live_'],
    pattern: /(?<![A-Za-z0-9_])((?:sk|rk)_live_[A-Za-z0-9]{20,247})(?![A-Za-z0-9_])/g,
    prefix: 8,
    label: (v) => (v.startsWith('rk') ? 'Stripe live restricted key' : 'Stripe live secret key'),
    describes: 'Stripe live secret and restricted keys (sk_live_, rk_live_); test-mode keys are not secrets.',
  }),
  tokenDetector({
    id: 'npm-token',
    family: 'token',
    keywords: ['npm_'],
    pattern: /(?<![A-Za-z0-9_])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_])/g,
    prefix: 4,
    label: 'npm access token',
    describes: 'npm access tokens (npm_).',
  }),
  tokenDetector({
    id: 'jwt',
    family: 'jwt',
    keywords: ['eyj'],
    pattern:
      /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{8,2000}\.eyJ[A-Za-z0-9_-]{8,8000}\.[A-Za-z0-9_-]{16,2000})(?![A-Za-z0-9_-])/g,
    prefix: 0,
    label: 'JSON Web Token',
    describes: 'Signed JSON Web Tokens whose header and payload decode to JSON objects (header with `alg`).',
    accept: (value) => {
      const [header, payload] = value.split('.');
      const h = jwtPart(header ?? '');
      const p = jwtPart(payload ?? '');
      if (!h || !p || typeof h.alg !== 'string' || h.alg.toLowerCase() === 'none') return false;
      // jwt.io's demonstration token, reproduced in countless tutorials.
      return !(p.sub === '1234567890' && p.name === 'John Doe');
    },
  }),
];

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
  // Named AWS secrets are assignments to a secret-looking name: the generic anchor finds the lines.
  keywords: [],
  anchor: SECRET_ASSIGNMENT_ANCHOR,
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

/** Every detector, in family priority order. */
export const DETECTORS: readonly Detector[] = [
  privateKey,
  ...TOKENS.filter((d) => d.family === 'cloud'),
  awsSecretKey,
  ...TOKENS.filter((d) => d.family !== 'cloud'),
  connectionStringDetector,
  genericAssignmentDetector,
];

/** Detector ids, for option schemas. */
export const DETECTOR_IDS: readonly string[] = DETECTORS.map((d) => d.id);

const BY_ID = new Map(DETECTORS.map((d) => [d.id, d]));

/** The detector with this id, or undefined. */
export function getDetector(id: string): Detector | undefined {
  return BY_ID.get(id);
}
