/**
 * Detectors of real-looking personal data in a line of text: payment card numbers, IBANs, US social
 * security numbers and e-mail addresses at personal mail providers. Precision comes first: each
 * candidate must pass its checksum or format rules, and the well-known example and test values
 * (Stripe's 4242..., the IBAN of every textbook, 123-45-6789, test@gmail.com) are not reported.
 * Every pattern is linear: bounded repetitions and literal anchors.
 */

export type PersonalDataKind = 'card' | 'iban' | 'ssn' | 'email';

/** One detected value: its kind, a masked form safe to print, and where it sits in the line. */
export interface PersonalDatum {
  kind: PersonalDataKind;
  /** The value with all but a few characters masked; the finding never shows the whole value. */
  masked: string;
  /** The normalised value (for a stable, hashed occurrence key; never printed). */
  value: string;
  /** 0-based start and end (exclusive) in the line. */
  start: number;
  end: number;
}

const CARD = /(?<![\w.+/-])\d(?:[ -]?\d){12,18}(?![\w/-]|\.\d)/g;
const CARD_CONTEXT =
  /card|credit|debit|\bcc[-_ ]?(?:num|no)|\bpan\b|visa|master ?card|amex|american express|discover|payment/i;

/** Test card numbers published by payment providers, besides those {@link looksArtificial} catches. */
const TEST_CARDS = new Set([
  '4242424242424242',
  '4000056655665556',
  '5555555555554444',
  '2223003122003222',
  '5200828282828210',
  '5105105105105100',
  '378282246310005',
  '371449635398431',
  '6011111111111117',
  '6011000990139424',
  '3056930009020004',
  '36227206271667',
  '3566002020360505',
  '6200000000000005',
  '4111111111111111',
  '4012888888881881',
  '4222222222222',
  '4005519200000004',
  '4009348888881881',
  '4012000033330026',
  '4012000077777777',
  '4217651111111119',
  '4500600000000061',
  '3530111333300000',
  '30569309025904',
  '38520000023237',
  '5431111111111111',
  '4000000000000002',
  '4000000000009995',
  '4000002500003155',
  '4000000000000077',
  '4000000000003220',
  '4111111145551142',
  '5101180000000007',
  '370000000000002',
  '6011601160116611',
  '4988438843884305',
  '5454545454545454',
  '4917610000000000',
  '4462030000000000',
  '4000000000000010',
  '4000000000000028',
  '4000000000000036',
  '4000000000000101',
  '4000000000000341',
  '5200000000000007',
  '5123456789012346',
  '4444333322221111',
  '4263982640269299',
  '5425233430109903',
  '374245455400126',
  '6011000400000000',
  '3566000020000410',
  '36006666333344',
  '4035501000000008',
]);

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Card networks by prefix, with the lengths they issue. */
function cardNetworkLengths(d: string): number[] {
  if (d.startsWith('4')) return [13, 16, 19];
  const two = Number(d.slice(0, 2));
  const four = Number(d.slice(0, 4));
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return [16];
  if (two === 34 || two === 37) return [15];
  if (d.startsWith('6011') || two === 65 || (Number(d.slice(0, 3)) >= 644 && Number(d.slice(0, 3)) <= 649))
    return [16, 19];
  if (four >= 3528 && four <= 3589) return [16, 17, 18, 19];
  if (
    two === 36 ||
    two === 38 ||
    two === 39 ||
    (Number(d.slice(0, 3)) >= 300 && Number(d.slice(0, 3)) <= 305)
  )
    return [14, 16, 19];
  return [];
}

/** Runs of five equal digits, or a value made of one short block repeated: test data, not a person's. */
function looksArtificial(d: string): boolean {
  if (/(\d)\1{4}/.test(d)) return true;
  if (/^(\d{1,4})\1+\d{0,3}$/.test(d)) return true;
  return d.includes('12345678') || d.includes('98765432');
}

function cardGroupsValid(raw: string): boolean {
  const sep = /[ -]/.exec(raw)?.[0];
  if (!sep) return true;
  const groups = raw.split(sep);
  if (groups.some((g) => /[ -]/.test(g))) return false;
  const shape = groups.map((g) => g.length).join(',');
  return [
    '4,4,4,4',
    '4,4,4,4,3',
    '4,6,5',
    '4,6,4',
    '4,4,4,1',
    '4,4,4,2',
    '4,4,4,3',
    '4,4,4,4,1',
    '4,4,4,4,2',
  ].includes(shape);
}

function detectCards(line: string, out: PersonalDatum[]): void {
  let context: boolean | undefined;
  for (const m of line.matchAll(CARD)) {
    const raw = m[0];
    const digits = raw.replace(/[ -]/g, '');
    if (digits.length < 13 || digits.length > 19) continue;
    if (!cardNetworkLengths(digits).includes(digits.length) || !luhn(digits)) continue;
    if (TEST_CARDS.has(digits) || looksArtificial(digits) || !cardGroupsValid(raw)) continue;
    // An unseparated run of digits is also an id, a timestamp or a phone number: it needs a word
    // about cards on the same line.
    if (raw === digits) {
      context ??= CARD_CONTEXT.test(line);
      if (!context) continue;
    }
    out.push({
      kind: 'card',
      masked: `card number ending ${digits.slice(-4)}`,
      value: digits,
      start: m.index,
      end: m.index + raw.length,
    });
  }
}

/** IBAN lengths by country (ISO 13616 registry). */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SC: 31,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};

/** The examples printed in the IBAN standard, bank documentation and Wikipedia. */
const EXAMPLE_IBANS = new Set([
  'DE89370400440532013000',
  'GB82WEST12345698765432',
  'GB29NWBK60161331926819',
  'GB33BUKB20201555555555',
  'FR1420041010050500013M02606',
  'FR7630006000011234567890189',
  'NL91ABNA0417164300',
  'NL02ABNA0123456789',
  'BE68539007547034',
  'BE71096123456769',
  'CH9300762011623852957',
  'CH5604835012345678009',
  'ES9121000418450200051332',
  'IT60X0542811101000000123456',
  'AT611904300234573201',
  'PL61109010140000071219812874',
  'NO9386011117947',
  'DK5000400440116243',
  'FI2112345600000785',
  'SE4550000000058398257466',
  'IE29AIBK93115212345678',
  'PT50000201231234567890154',
  'LU280019400644750000',
  'GR1601101250000000012300695',
  'CZ6508000000192000145399',
  'HU42117730161111101800000000',
  'SK3112000000198742637541',
  'SI56263300012039086',
  'DE02120300000000202051',
  'DE75512108001245126199',
  'DE12500105170648489890',
  'GB94BARC10201530093459',
  'AD1200012030200359100100',
  'LI21088100002324013AA',
  'MT84MALT011000012345MTLCAST001S',
  'SA0380000000608010167519',
]);

const IBAN = /(?<![A-Za-z0-9])([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)(?![A-Za-z0-9])/g;

function ibanChecksumValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : ch;
    for (const d of digits) remainder = (remainder * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

function detectIbans(line: string, out: PersonalDatum[]): void {
  for (const m of line.matchAll(IBAN)) {
    const raw = m[1]!;
    const iban = raw.replace(/ /g, '');
    if (IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length || !ibanChecksumValid(iban)) continue;
    const bban = iban.slice(4);
    if (EXAMPLE_IBANS.has(iban) || /(\w)\1{5}/.test(bban) || looksArtificial(bban.replace(/\D/g, '')))
      continue;
    out.push({
      kind: 'iban',
      masked: `${iban.slice(0, 2)} IBAN ending ${iban.slice(-4)}`,
      value: iban,
      start: m.index,
      end: m.index + raw.length,
    });
  }
}

const SSN = /(?<![\w-])(\d{3})-(\d{2})-(\d{4})(?![\w-])/g;
const SSN_CONTEXT = /\bssn\b|social[ _-]?security|\btax[ _-]?id|taxpayer|\bitin\b/i;
/** Numbers printed on sample cards and in advertisements, and the well-known placeholder. */
const EXAMPLE_SSNS = new Set(['078-05-1120', '219-09-9999', '123-45-6789', '987-65-4321']);

function detectSsns(line: string, out: PersonalDatum[]): void {
  if (!SSN_CONTEXT.test(line)) return;
  for (const m of line.matchAll(SSN)) {
    const [all, area, group, serial] = m as unknown as [string, string, string, string];
    const a = Number(area);
    if (a === 0 || a === 666 || a >= 900 || group === '00' || serial === '0000') continue;
    if (
      EXAMPLE_SSNS.has(all) ||
      looksArtificial(area + group + serial) ||
      /^(\d)\1*$/.test(area + group + serial)
    )
      continue;
    out.push({
      kind: 'ssn',
      masked: `SSN ending ${serial}`,
      value: all,
      start: m.index,
      end: m.index + all.length,
    });
  }
}

const EMAIL =
  /(?<![\w.%+-])([A-Za-z0-9][A-Za-z0-9._%+-]{0,63})@([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,3})(?![\w-])/g;

/** Local parts that are placeholders, not people: exact names, and words that mark test data. */
const PLACEHOLDER_LOCAL =
  /^(?:me|you|him|her|user|username|name|email|mail|someone|somebody|anyone|nobody|person|admin|root|info|contact|hello|hi|support|sales|team|abc|xyz|asdf|qwerty|aaa|xxx|foo|bar|baz|qux|john|jane|joe|jdoe|alice|bob|carol|charlie|dave|eve|mallory|trent|x|y|z|a|b|c|(?:first|your|my)[._-]?(?:name|email|mail|last)|firstname[._-]?lastname|(?:john|jane|joe|richard|max|erika|jan|mario|john[._-]?q)[._-]?(?:doe|roe|public|mustermann|musterfrau|kowalski|rossi|smith)|(?:jane|john)doe)\d{0,4}$/i;
const PLACEHOLDER_WORD =
  /test|example|sample|demo|dummy|fake|mock|fixture|placeholder|invalid|noreply|no-reply|donotreply|nobody|spam|foo|bar|lorem|ipsum|changeme|user\d*$|^\d+$/i;

function detectEmails(line: string, domains: ReadonlySet<string>, out: PersonalDatum[]): void {
  if (!line.includes('@')) return;
  for (const m of line.matchAll(EMAIL)) {
    const local = m[1]!;
    const domain = m[2]!.toLowerCase();
    if (!domains.has(domain)) continue;
    const name = local.replace(/\+.*$/, '');
    if (PLACEHOLDER_LOCAL.test(name) || PLACEHOLDER_WORD.test(name) || name.length < 3) continue;
    out.push({
      kind: 'email',
      masked: `${name[0]}…@${domain}`,
      value: `${local.toLowerCase()}@${domain}`,
      start: m.index,
      end: m.index + m[0].length,
    });
  }
}

/** Every real-looking personal datum of the wanted kinds in one line, in line order. */
export function detectPersonalData(
  line: string,
  kinds: ReadonlySet<PersonalDataKind>,
  emailDomains: ReadonlySet<string>,
): PersonalDatum[] {
  const out: PersonalDatum[] = [];
  if (kinds.has('card') && /\d{4}/.test(line)) detectCards(line, out);
  if (kinds.has('iban') && /[A-Z]{2}\d{2}/.test(line)) detectIbans(line, out);
  if (kinds.has('ssn') && line.includes('-')) detectSsns(line, out);
  if (kinds.has('email')) detectEmails(line, emailDomains, out);
  return out.sort((a, b) => a.start - b.start);
}
