/**
 * Detectors of real-looking personal data in a line of text: payment card numbers, IBANs, US social
 * security numbers and e-mail addresses at personal mail providers. Precision comes first: each
 * candidate must pass its checksum or format rules, and the well-known example and test values
 * (Stripe's 4242..., the IBAN of every textbook, 123-45-6789, test@gmail.com) are not reported.
 * Every pattern is linear: bounded repetitions and literal anchors.
 */

import { EXAMPLE_IBANS, EXAMPLE_SSNS, IBAN_LENGTHS, TEST_CARDS } from './personal-examples.js';

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
  /**
   * The address is the value of a field that records a commit's author (`vcsCommitAuthorEmail`,
   * `git_last_modified_by`): git metadata a fixture copies, public with the commits it names.
   */
  commitIdentity?: boolean;
  /**
   * An address joined to another by a comma or semicolon with no space (`a@x.com,b@y.com`): one value
   * that crafts an address list, a test vector for how a parser splits it (header or recipient
   * injection), not a record about a person.
   */
  joined?: boolean;
}

const CARD = /(?<![\w.+/-])\d(?:[ -]?\d){12,18}(?![\w/-]|\.\d)/g;
const CARD_CONTEXT =
  /card|credit|debit|\bcc[-_ ]?(?:num|no)|\bpan\b|visa|master ?card|amex|american express|discover|payment/i;

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

/**
 * Runs of five equal digits, five consecutive ones (`45678`, `98765`), or a value made of one short
 * block repeated: made up by a person, not issued to one.
 */
function looksArtificial(d: string): boolean {
  if (/(\d)\1{4}/.test(d)) return true;
  if (/^(\d{1,4})\1+\d{0,3}$/.test(d)) return true;
  let up = 1;
  let down = 1;
  for (let i = 1; i < d.length; i++) {
    const step = d.charCodeAt(i) - d.charCodeAt(i - 1);
    up = step === 1 ? up + 1 : 1;
    down = step === -1 ? down + 1 : 1;
    if (up >= 5 || down >= 5) return true;
  }
  return false;
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

/**
 * Local parts that are placeholders, not people: exact names, and words that mark test data, and the
 * roles an address fills in a test of permissions (`member`, `owner`, `viewer`, `editor`). The
 * Jane and John Doe personas also go by a first name and the surname's initial (`janed`, `john.d`),
 * as by `jdoe`.
 */
const PLACEHOLDER_LOCAL =
  /^(?:me|you|him|her|user|username|name|email|mail|member|owner|viewer|editor|reader|writer|guest|customer|client|tenant|manager|operator|approver|reviewer|requester|assignee|recipient|sender|receiver|subscriber|participant|employee|staff|someone|somebody|anyone|nobody|person|admin|root|info|contact|hello|hi|support|sales|team|abc|xyz|asdf|qwerty|aaa|xxx|foo|bar|baz|qux|john|jane|joe|jdoe|alice|bob|carol|charlie|dave|eve|mallory|trent|x|y|z|a|b|c|(?:first|your|my)[._-]?(?:name|email|mail|last)|firstname[._-]?lastname|(?:john|jane|joe|richard|max|erika|jan|mario|john[._-]?q)[._-]?(?:doe|roe|public|mustermann|musterfrau|kowalski|rossi|smith)|(?:jane|john)doe|(?:jane|john|joe)[._-]?d)\d{0,4}$/i;
const PLACEHOLDER_WORD =
  /test|example|sample|demo|dummy|fake|bogus(?!l)|mock|fixture|placeholder|invalid|noreply|no-reply|donotreply|nobody|spam|foo|bar|lorem|ipsum|changeme|fabrikam|contoso|northwind|adventure-?works|tailspin|wingtip|litware|initech|globex|user\d*$|^\d+$|^[0-9a-f]{12,}$/i;
/**
 * A generic account word, a separator, then what a test of address syntax varies
 * (`user.period1234`, `user-with-dash`, `someone_else`), or what stands for an unnamed person
 * (`some.user`, `someone.else`, `someones.elses.name`): a test vector, not a person. Names
 * (`john.smith`, `alice.wong`) are no such words and stay judged.
 */
const PLACEHOLDER_PREFIX = /^(?:user|username|some|someones?|somebody|anyone|person|email)[._-]/i;

/**
 * Authorship, not a data record: git identities (`Name <address>`, reflogs, patch headers,
 * trailers), package and chart maintainers, "written by" credits, and copyright notices (the word,
 * then a year within a few characters: `Copyright (c) 2011-2015 Name (address)`, the licence header
 * of a source file). Public by nature, and part of what tools that read repositories are tested on.
 */
const AUTHORSHIP =
  /\b(?:authors?|committer|maintainers?|contributors?|_npmUser|publisher|tagger)\b|\b(?:signed-off-by|co-authored-by|reviewed-by|acked-by|tested-by|reported-by|from|commit)\s*:|author_email|\bmaintainer_email\b|committer_email|\b(?:developed|written|created|maintained) by\b|\bcopyright\b[^@\n]{0,12}?\b(?:19|20)\d{2}\b/i;

/**
 * A field that opens a list of credits in package metadata and what mirrors it: `authors:` (YAML,
 * composer.json, Cargo), `"maintainers": [` (package.json), `Authors: []pkg.Author{` (a test's
 * expected value), Debian's `Upstream-Contact:`, `Uploaders:` and `Copyright:` fields. The names that
 * follow on lines of their own are credits too.
 */
const CREDITS_KEY =
  /^([ \t]*)["']?(?:authors?|maintainers?|contributors?|developers?|committers?|uploaders?|upstream-contact|copyright)["']?[ \t]*[:=]/i;
/** Maven's `<developers>` and `<contributors>` (and the like), up to their closing tag. */
const CREDITS_TAG = /^[ \t]*<((?:developer|contributor|author|maintainer)s?)(?:[ \t][^>]*)?>[ \t]*$/i;

/**
 * A section of credits in a manual page: its heading (`AUTHOR`, `AUTHORS`, `MAINTAINERS`, ... in
 * capitals at the start of a line, as `man` prints it, or after `.SH` in its source), up to the next
 * heading. The names and addresses in it are the work's public credits, copied with the page into a
 * fixture (a syntax highlighter's sample of a man page).
 */
const CREDITS_SECTION = /^(?:\.SH[ \t]+)?"?(?:AUTHORS?|MAINTAINERS?|CONTRIBUTORS?|CREDITS)"?[ \t]*$/;
/** Select Graphic Rendition, the escape sequences of a terminal's colours and bold. */
const ANSI_SGR = /\x1b\[[0-9;]*m/g;
/** The heading of a man page's section: capitals at the start of a line, or `.SH` in its source. */
const SECTION_HEADING = /^(?:[A-Z][A-Z0-9 -]{1,40}|\.SH\b.*)$/;

/**
 * A reader of a file's lines, one after another, that says whether a line lies in a list of
 * credits (or a section of them, {@link CREDITS_SECTION}): the lines after a {@link CREDITS_KEY} indented deeper than it (Debian's continuation
 * lines, the entries of a JSON, YAML or code literal), YAML's `- ` entries at its own indentation,
 * and everything up to the closing tag of a {@link CREDITS_TAG}. Its addresses are the public
 * attributions a package's authors publish with it (a Maven POM's developers, a Debian `copyright`
 * file's authors, composer's `authors`), not records about people.
 */
export function creditsReader(): (line: string) => boolean {
  let indent = -1;
  let tag: string | undefined;
  let section = false;
  return (line) => {
    // A page captured from a terminal keeps its colours (`\x1b[1mAUTHOR\x1b[0m`): read without them.
    const plain = line.includes('\x1b') ? line.replace(ANSI_SGR, '') : line;
    if (SECTION_HEADING.test(plain)) section = CREDITS_SECTION.test(plain);
    if (section) return true;
    if (tag !== undefined) {
      if (line.toLowerCase().includes(`</${tag}>`)) tag = undefined;
      return true;
    }
    const open = CREDITS_TAG.exec(line);
    if (open) {
      tag = open[1]!.toLowerCase();
      return true;
    }
    const text = line.trimStart();
    const depth = line.length - text.length;
    if (indent >= 0 && text !== '' && (depth > indent || (depth === indent && /^-(?:\s|$)/.test(text))))
      return true;
    const key = CREDITS_KEY.exec(line);
    indent = key ? key[1]!.length : text === '' ? indent : -1;
    return key !== null;
  };
}

/**
 * Gmail's sign-up rules: a username of 6 to 30 letters and digits, with periods between them that
 * Gmail ignores (they count toward no length: `u.s.e.r` is the four-letter `user`), neither starting
 * nor ending with a period nor holding two in a row. An address outside them (`abc12@gmail.com`,
 * `first_last@gmail.com`, `u.s.e.r@gmail.com`) has no mailbox behind it, so it is made up, like a
 * card number that fails the Luhn check.
 */
const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);
const GMAIL_USERNAME = /^[a-z0-9](?:[a-z0-9]|\.(?!\.)){0,62}[a-z0-9]$/i;
const gmailUsername = (name: string) => {
  const letters = name.replaceAll('.', '').length;
  return GMAIL_USERNAME.test(name) && letters >= 6 && letters <= 30;
};

/** Another address right after this one, joined by `,` or `;` with no space: `a@x.com,b@y.com`. */
const JOINED_AFTER = /^[,;][A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}\./;
/** Another address right before this one, joined by `,` or `;` with no space. */
const JOINED_BEFORE = /[A-Za-z0-9._%+-]@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,3}[,;]$/;

/**
 * A field that records who made a commit, just before the address (`"vcsCommitAuthorEmail": "`,
 * `git_last_modified_by = "`, `committerEmail:`): the commit metadata of a version-control system or
 * of the tags a tool derives from it. A git identity `Name <address>` is authorship and not reported;
 * the same address in a field of a record copied from the history is reported at low confidence.
 */
const COMMIT_IDENTITY =
  /(?:commit[_-]?(?:author|committer)|committer|git[_-]?(?:author|last[_-]?modified[_-]?by|modifiers?))[_-]?(?:e?[_-]?mail|address)?["']?[ \t]*[:=][ \t]*["']?[^"'\s]{0,8}$/i;

/** Words just before an address that say it is made up: "test alias@gmail.com". */
const MADE_UP_BEFORE = /(?:test|example|fake|dummy|sample|placeholder)\W{0,3}\w{0,12}\W{0,3}$/i;

function detectEmails(line: string, domains: ReadonlySet<string>, out: PersonalDatum[]): void {
  if (!line.includes('@') || AUTHORSHIP.test(line)) return;
  for (const m of line.matchAll(EMAIL)) {
    const local = m[1]!;
    const domain = m[2]!.toLowerCase();
    if (!domains.has(domain)) continue;
    const name = local.replace(/\+.*$/, '');
    if (
      PLACEHOLDER_LOCAL.test(name) ||
      PLACEHOLDER_WORD.test(name) ||
      PLACEHOLDER_PREFIX.test(name) ||
      name.length < 3
    )
      continue;
    if (GMAIL_DOMAINS.has(domain) && !gmailUsername(name)) continue;
    // `Name <address>`: an identity as git and package metadata write it.
    if (line[m.index - 1] === '<' && line[m.index + m[0].length] === '>') continue;
    if (MADE_UP_BEFORE.test(line.slice(Math.max(0, m.index - 30), m.index))) continue;
    const end = m.index + m[0].length;
    const joined =
      JOINED_AFTER.test(line.slice(end, end + 70)) ||
      JOINED_BEFORE.test(line.slice(Math.max(0, m.index - 130), m.index));
    out.push({
      kind: 'email',
      masked: `${name[0]}…@${domain}`,
      value: `${local.toLowerCase()}@${domain}`,
      start: m.index,
      end,
      ...(joined ? { joined } : {}),
      ...(COMMIT_IDENTITY.test(line.slice(Math.max(0, m.index - 60), m.index))
        ? { commitIdentity: true }
        : {}),
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
