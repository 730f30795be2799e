import type { RawFinding } from '../../types.js';
import { forEachLine, globList, selectFiles } from '../generic/shared.js';
import { contextIdentity } from '../secrets/values.js';
import { defineEvaluator } from '../types.js';
import {
  creditsReader,
  detectPersonalData,
  type PersonalDataKind,
  type PersonalDatum,
} from './personal-detectors.js';

const KINDS: readonly PersonalDataKind[] = ['card', 'iban', 'ssn', 'email'];

/** Personal mail providers: an address there belongs to a person, not to an organisation's test domain. */
export const PERSONAL_MAIL_DOMAINS = [
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.fr',
  'yahoo.de',
  'ymail.com',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'hotmail.de',
  'outlook.com',
  'outlook.de',
  'live.com',
  'live.fr',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'gmx.de',
  'gmx.net',
  'gmx.com',
  'web.de',
  't-online.de',
  'freenet.de',
  'orange.fr',
  'wanadoo.fr',
  'free.fr',
  'laposte.net',
  'sfr.fr',
  'libero.it',
  'virgilio.it',
  'mail.ru',
  'yandex.ru',
  'yandex.com',
  'rambler.ru',
  'protonmail.com',
  'proton.me',
  'pm.me',
  'tutanota.com',
  'zoho.com',
  'qq.com',
  '163.com',
  '126.com',
  'sina.com',
  'naver.com',
  'hanmail.net',
  'comcast.net',
  'verizon.net',
  'att.net',
  'sbcglobal.net',
  'btinternet.com',
  'seznam.cz',
  'wp.pl',
  'o2.pl',
  'interia.pl',
  'bol.com.br',
  'uol.com.br',
  'rediffmail.com',
];

const NOUNS: Record<PersonalDataKind, string> = {
  card: 'a payment card number that passes the Luhn check',
  iban: 'an IBAN with a valid checksum',
  ssn: 'a US social security number',
  email: 'a personal e-mail address',
};

/**
 * Files whose addresses are authorship metadata (package, chart and project maintainers, git
 * reflogs and patches, JSON Schemas' credits), not records about people: among them the package
 * metadata a registry publishes (Maven's `<artifact>-<version>.pom`, Python's `PKG-INFO` and a
 * wheel's `METADATA`, a NuGet `.nuspec`, Debian's `copyright`).
 */
const AUTHORSHIP_FILES =
  /(?:^|\/)(?:Chart\.ya?ml|package\.json|composer\.json|pom\.xml|setup\.(?:py|cfg)|pyproject\.toml|Cargo\.toml|PKG-INFO|[^/]+\.dist-info\/METADATA|copyright|\.mailmap|CODEOWNERS|(?:AUTHORS|CONTRIBUTORS|MAINTAINERS|OWNERS)[^/]*|[^/]+\.(?:gemspec|nuspec|pom|pom\.xml|patch|diff|schema\.json)|logs\/(?:HEAD|refs\/.+))$/;
/** Package registry documents (packuments, search results, installed manifests) credit their authors. */
const REGISTRY_METADATA = /"_npmUser"|"dist-tags"|"_resolved"|"_shasum"|^\s*"?maintainers"?\s*:/m;

/**
 * A keyless signing identity: the certificate subject a signature verifier (cosign, a Sigstore
 * policy, an admission controller's attestor) requires of a signed artifact, as cosign's
 * `--certificate-identity` flag or a `subject:`/`identity:`/`san:` key in a file about keyless
 * signing. The address is public in the transparency log with every signature it made and must be
 * written to verify them: not a record about a person, but still an address, so it stays reported
 * at low confidence.
 */
const SIGNING_IDENTITY_FLAG = /--certificate-identity(?:-regexp)?[= ]/;
const SIGNING_IDENTITY_KEY =
  /^[ \t]*(?:-[ \t]+)?["']?(?:subject|subjectRegExp|identity|certificateIdentity|certificate-identity|san)["']?[ \t]*[:=]/i;
const KEYLESS_SIGNING = /\bkeyless\b|\bsigstore\b|\bcosign\b|\bfulcio\b/i;
const SIGNING_IDENTITY_NOTE =
  'a keyless signing identity a signature verifier requires: public in the transparency log with the ' +
  'signatures it made, and needed to verify them, so it is reported at low confidence';

const COMMIT_IDENTITY_NOTE =
  "a commit author's address in a field that records who made a commit, copied from a " +
  'version-control history where it is public with the commit: reported at low confidence';

/**
 * Words of lorem ipsum, the placeholder text that generators and people fill made-up records with
 * (`"Vivamus ultrices tortor vel semper lacinia."`). Two different ones in a file of records
 * ({@link RECORD_FILE}) say its rows were made up, not exported: a value among them was generated
 * too, checksum and all. Not in code, a test's source or a JSON or YAML document, where lorem ipsum
 * fills one text field of a request beside a real account the test logs in with.
 */
const LOREM =
  /\b(lorem|ipsum|consectetur|adipiscing|vivamus|nullam|donec|pellentesque|maecenas|curabitur|suspendisse|vestibulum|aliquam|phasellus|aenean)\b/gi;
/**
 * A file whose name says it holds made-up records: `demo-import.csv`, `accounts.example.csv`. Not
 * `sample`: a sample of production data is real.
 */
const MADE_UP_FILE = /(?:^|[-_.])(?:demo|example|dummy|fake|synthetic)s?[-_.][^/]*$/i;

/** Files of rows, one record a line: tables, JSON Lines and SQL dumps. */
const RECORD_FILE = /\.(?:csv|tsv|psv|jsonl|ndjson|sql)$/i;

/** Why a file's records are made up, for the message, or undefined when nothing says so. */
function madeUpRecords(file: string, text: string): string | undefined {
  const lorem = new Set<string>();
  for (const m of RECORD_FILE.test(file) ? text.matchAll(LOREM) : []) {
    lorem.add(m[1]!.toLowerCase());
    if (lorem.size >= 2) return 'its records are filled with lorem ipsum placeholder text';
  }
  const name = file.slice(file.lastIndexOf('/') + 1);
  return MADE_UP_FILE.test(name)
    ? `its name, ${name}, says it holds demonstration or example data`
    : undefined;
}

/**
 * The credit fields of an image's metadata (EXIF `Artist` and `Copyright`, XMP `dc:creator` and
 * `rights`, IPTC `By-line`), as a key before the address: who made the photo, published with it like
 * a copyright notice, in a file about image metadata ({@link IMAGE_METADATA}), such as a test of a
 * metadata reader expecting `ExifArtist: <address>`.
 */
const IMAGE_CREDIT = /(?:artist|creator|by-?line|copyright|rights|photographer)["']?[ \t]*[:=]/i;
const IMAGE_METADATA = /\b(?:exif|xmp|iptc)/i;

interface Options {
  paths: string[];
  except: string[];
  kinds: PersonalDataKind[];
  emailDomains: string[];
  /** Findings per file; the last one says how many more the file holds. */
  maxPerFile: number;
  /** Where the data was found, for the message: "test data", "a data export". */
  where: string;
}

/**
 * `data.personal-data`: real-looking personal data (card numbers, IBANs, social security numbers,
 * personal e-mail addresses) in the selected files. Values are never printed: a finding names the
 * kind and the last characters, and its key holds 20 bits of a keyed hash of the value
 * (`contextIdentity`): another value is another finding (but one time in a million), while a report
 * cannot confirm a guessed address or number: about a million candidates share those bits.
 */
export const dataPersonalData = defineEvaluator<Options>({
  kind: 'data.personal-data',
  scope: 'file',
  testData: true,
  // 2: the key holds 20 bits of a keyed hash of the value, not 64 of its SHA-256.
  revision: 2,
  summary:
    'Real-looking personal data (valid card numbers, IBANs, SSNs, personal e-mail addresses) in the selected files.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['paths'],
    properties: {
      paths: globList('Globs of the files to scan.', { minItems: 1 }),
      except: globList('Globs of files not to scan.', { default: [] }),
      kinds: {
        type: 'array',
        uniqueItems: true,
        minItems: 1,
        items: { enum: [...KINDS] },
        default: [...KINDS],
        description: 'What to look for: card, iban, ssn, email.',
      },
      emailDomains: {
        type: 'array',
        items: { type: 'string', pattern: '^[a-z0-9.-]+\\.[a-z]{2,}$' },
        default: PERSONAL_MAIL_DOMAINS,
        description: 'Mail domains whose addresses belong to people (setting it replaces the default list).',
      },
      maxPerFile: { type: 'integer', minimum: 1, maximum: 100, default: 3 },
      where: { type: 'string', minLength: 1, default: 'this file' },
    },
  },
  evaluate({ options, workspace }) {
    const kinds = new Set(options.kinds);
    const withoutEmail = new Set(options.kinds.filter((k) => k !== 'email'));
    const domains = new Set(options.emailDomains.map((d) => d.toLowerCase()));
    const findings: RawFinding[] = [];
    for (const file of selectFiles(workspace, options)) {
      const text = workspace.text(file);
      if (text === undefined) continue;
      const found: { datum: PersonalDatum; line: number; signing: boolean }[] = [];
      let keyless: boolean | undefined;
      const signingIdentity = (line: string): boolean => {
        if (SIGNING_IDENTITY_FLAG.test(line)) return true;
        if (!SIGNING_IDENTITY_KEY.test(line)) return false;
        keyless ??= KEYLESS_SIGNING.test(text);
        return keyless;
      };
      const authorship = AUTHORSHIP_FILES.test(file) || REGISTRY_METADATA.test(text);
      const wanted = authorship ? withoutEmail : kinds;
      if (wanted.size === 0) continue;
      const credits = creditsReader();
      let imageMetadata: boolean | undefined;
      const imageCredit = (line: string): boolean => {
        if (!IMAGE_CREDIT.test(line)) return false;
        imageMetadata ??= IMAGE_METADATA.test(text);
        return imageMetadata;
      };
      forEachLine(text, (line, lineNo) => {
        const of = credits(line) || (line.includes('@') && imageCredit(line)) ? withoutEmail : wanted;
        if (of.size === 0) return;
        for (const datum of detectPersonalData(line, of, domains)) {
          const signing = datum.kind === 'email' && signingIdentity(line);
          found.push({ datum, line: lineNo, signing });
        }
      });
      if (found.length === 0) continue;
      // Read only where something was found: most files hold nothing to judge.
      const madeUp = madeUpRecords(file, text);
      const shown = found.slice(0, options.maxPerFile);
      shown.forEach(({ datum, line, signing }, i) => {
        const more = i === shown.length - 1 ? found.length - shown.length : 0;
        const also = more > 0 ? ` (and ${more} more in this file)` : '';
        findings.push({
          message: datum.joined
            ? `${file} holds ${NOUNS[datum.kind]} (${datum.masked}) in ${options.where}, joined to another address ` +
              `in one value: an address-list or injection test vector, often copied from a published report, ` +
              `yet a real-looking address all the same${also}.`
            : signing
              ? `${file} holds ${NOUNS[datum.kind]} (${datum.masked}) in ${options.where} as ` +
                `${SIGNING_IDENTITY_NOTE}${also}.`
              : datum.commitIdentity
                ? `${file} holds ${NOUNS[datum.kind]} (${datum.masked}) in ${options.where} as ` +
                  `${COMMIT_IDENTITY_NOTE}${also}.`
                : madeUp
                  ? `${file} holds ${NOUNS[datum.kind]} (${datum.masked}) in ${options.where} whose records look ` +
                    `made up (${madeUp}): real-looking personal data all the same, reported at low confidence${also}.`
                  : `${file} holds ${NOUNS[datum.kind]} (${datum.masked}) in ${options.where}: real-looking personal ` +
                    `data${also}.`,
          location: { path: file, startLine: line, startColumn: datum.start + 1, endColumn: datum.end },
          key: contextIdentity('personal', datum.kind, datum.value),
          ...(datum.joined ? { severity: 'low' as const } : {}),
          ...(signing || datum.commitIdentity || madeUp ? { confidence: 'low' as const } : {}),
        });
      });
    }
    return findings;
  },
});
