import { BINARY_DETECTORS } from './binary-files.js';
import { DETECTORS } from './detectors.js';
import { PROVIDERS } from './providers/index.js';
import { FAMILY_PRIORITY, type SecretFamily } from './types.js';

/**
 * docs/secrets.md: every secret detector, by the rule that reports it, generated from the detector
 * data (`npm run docs`; a test fails when the page and the data disagree).
 */

const RULE_OF: Record<SecretFamily, string> = {
  'private-key': 'private-key-committed',
  cloud: 'cloud-key-committed',
  token: 'api-token-committed',
  credential: 'credential-file-committed',
  jwt: 'jwt-committed',
  http: 'connection-string-password',
  'connection-string': 'connection-string-password',
  generic: 'hardcoded-secret',
};

const CHECKS: Record<string, string> = {
  'crc32-base62': 'CRC32 checksum',
  bech32: 'Bech32 checksum',
  'base64-json': 'payload decodes to JSON',
  'discord-id': 'first part decodes to a user id',
  'grafana-key': 'payload decodes to a key',
  intercom: 'payload decodes to a token',
  'azure-sas': 'signature decodes to an HMAC',
  mixed: 'mixed characters',
  'aws-account': 'not a documentation account',
  'not-public-google-key': 'not a public Firebase or Chat key',
};

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');

/** The Markdown of docs/secrets.md. */
export function renderSecretDetectors(): string {
  const specs = new Map(PROVIDERS.map((p) => [p.id, p]));
  const rows = [
    ...DETECTORS.map((d) => ({ id: d.id, family: d.family, describes: d.describes })),
    ...BINARY_DETECTORS,
  ];
  const out = [
    '# Secret detectors',
    '',
    '<!-- Generated from src/core/evaluators/secrets by `npm run docs`; do not edit. -->',
    '',
    `The secret rules share one scanner with ${rows.length} detectors, ${PROVIDERS.length} of them issuer`,
    'credentials kept as data (`src/core/evaluators/secrets/providers/`, each with a synthetic example',
    'and counter-example that the tests expand and check). A value is reported only when its shape is',
    "verified: the issuer's prefix, length and alphabet, a checksum where the issuer has one, a payload",
    'that decodes, a private key body that decodes to a key. Look-alikes (a made-up token whose checksum',
    'does not match, placeholders, ciphertext, public and test-mode keys) are not reported, and the',
    'generic detectors do not report them either.',
    '',
    'Every finding has a confidence: verified keys and checksummed tokens are `high`; a shape other',
    'strings can take, or a value that may be public, is `medium`; a token shown as an example, one of',
    'a list of samples (four or more of one kind in a file; never an AWS key beside its pair), a guess',
    'that another scanner marks as allowed (`gitleaks:allow`, `nosec`: a key keeps its confidence), a',
    'guess in documentation (or in a code sample of documentation',
    'text held in a string of source code, such as an OpenAPI description), an expired JWT are `low` (reported,',
    'never blocking by default). Findings under test, fixture, example, documentation and vendored',
    'paths are lowered by the engine (`test-paths`).',
    '',
    'A finding is identified by a keyed hash of its value (never the value): replacing a secret by',
    'another is a new finding. Values a person may have chosen (passwords) are identified by their',
    'context and 20 bits of the hash, too few to confirm a guessed password.',
    '',
    'Files are read whole: text, files over the size cap (streamed, up to 100 MiB, the largest file GitHub',
    'accepts; a rest past that is a `high` finding), UTF-16 and UTF-32, and binary',
    'files as bytes (for issuer tokens, private keys and JWTs). Long lines are read in windows around their',
    "keywords, to their end for keys and tokens of an issuer's format; what cannot be read (guesses past",
    "a long line's work budget) is reported by `hardcoded-secret` as an `info` finding.",
    '',
    'Files skipped by name (the `except` of the rules: lockfiles, minified bundles, source maps,',
    "`node_modules/`, package managers' bundles) are skipped for the guesses only, whose random data",
    "they are full of: keys and tokens of an issuer's format (private keys, checksummed tokens, fixed",
    'prefixes of a `high` confidence, and an AWS secret key beside its access key ID) are looked for',
    'there as everywhere, since whoever commits a file chooses its name.',
    "A Kubernetes Secret's `data` and `binaryData` values (YAML or JSON, any document of a stream, the",
    'kind however YAML spells it: `kind: &k Secret`, `kind: !!str Secret`, an escape, the next line) are',
    'decoded from base64 and scanned as the same value under `stringData` would be: a finding there is',
    "reported at the value's line with the decoded secret's detector, confidence and identity.",
    '',
  ];
  for (const family of FAMILY_PRIORITY) {
    const members = rows.filter((r) => r.family === family);
    if (members.length === 0) continue;
    out.push(`## ${family} — [${RULE_OF[family]}](rules/${RULE_OF[family]}.md)`, '');
    out.push('| detector | recognises | checks |', '| --- | --- | --- |');
    for (const r of members) {
      const spec = specs.get(r.id);
      const checks = [
        ...(spec?.validate ?? []).map((v) => CHECKS[v] ?? v),
        ...(spec?.confidence === 'medium' ? ['medium confidence'] : []),
      ].join(', ');
      out.push(`| \`${r.id}\` | ${cell(r.describes)} | ${cell(checks)} |`);
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
