import { isPlaceholder, namesPlaceholder } from './values.js';

/**
 * Judgements of a candidate value that has no issuer format to verify (a password, a token in a
 * header, a value assigned to a secret-looking name): is it a stand-in (a word, a phrase of words, a
 * value that names itself, code), and what does it say once decoded from base64 (Kubernetes Secret
 * data, `Authorization: Basic`)? Real credentials are random; what people type as examples is words.
 */

/** Words and identifiers: a secret has digits, mixed case or symbols (`password123` is a word too). */
export const WORDLIKE =
  /^(?:[a-z]+(?:[-_. ][a-z]+)*|[A-Z]+(?:[-_. ][A-Z]+)*|[a-z]+(?:[A-Z][a-z]+)+|(?:[A-Z][a-z]+)+|[A-Za-z]+(?:[-_.][A-Za-z]+)*[-_.]?[0-9]{1,4})$/;

/**
 * A value that repeats the kind of thing it is (`my-secret`, `Password$123456`), or says what a
 * password policy asked of it (`@someThingComplicated1234`, `VeryStrong!2024`: a symbol and digits
 * added to words to pass SQL Server's or a sample's complexity check), is a stand-in.
 */
const SELF_NAMED = /secret|passw|token|api[_-]?key|credential|complicated|complex|strong|secure/i;

/** Upper-case letters that follow a lower-case one: `WiFi` has one, a random `kXbqTzPw` several. */
function caseTransitions(s: string): number {
  let n = 0;
  for (let i = 1; i < s.length; i++) {
    const a = s.charCodeAt(i - 1);
    const b = s.charCodeAt(i);
    if (a >= 97 && a <= 122 && b >= 65 && b <= 90) n += 1;
  }
  return n;
}

/** A word segment: a short word or a small number. */
function wordSegment(s: string): boolean {
  return (
    /^[0-9]{1,4}$/.test(s) ||
    (/^[A-Za-z]{1,16}$/.test(s) && caseTransitions(s) <= 2) ||
    /^[A-Za-z]?[a-z]+(?:[A-Z][a-z]+)+$/.test(s) ||
    /^[A-Z]*(?:[A-Z][a-z]+)+$/.test(s)
  );
}

/**
 * A technical term spelled with one number inside a word (`k8s`, `K8S`, `s3`, `oauth2`, `i18n`,
 * `x509`, `Win32`): letters, one run of digits, at most two letters after it, in one case. Random
 * text has several runs of digits in a group (`ab12cd`, `7a8b`) or mixed case (`kX9q`).
 */
const NUMBERED_TERM = /^(?:[A-Za-z][a-z]*[0-9]{1,3}[a-z]{0,2}|[A-Z]+[0-9]{1,3}[A-Z]{0,2})$/;

/**
 * Words joined by separators (`cert-manager/cert-manager-webhook-ca`, `WiFi-adgangskode`,
 * `foo/restricted-psp-users`, a dotted module path, `if_you_see_this_please_use_k8s`): every segment
 * a short word or a small number, or a numbered term among at least twice as many words. A group of
 * random characters passes the numbered-term shape now and then (`ab1c`), so such terms count only
 * in text that is mostly words already, and whose segments vary in length as words do: a generated
 * key comes in groups of one length (`abcd-ef1g-hijk-lmno`).
 */
export function wordy(value: string): boolean {
  const segments = value.split(/[-_./:,=@+ ]+/).filter(Boolean);
  if (segments.length < 2) return false;
  let words = 0;
  let terms = 0;
  for (const s of segments) {
    if (wordSegment(s)) words += 1;
    else if (s.length <= 8 && NUMBERED_TERM.test(s)) terms += 1;
    else return false;
  }
  if (terms === 0) return true;
  return terms * 2 <= words && new Set(segments.map((s) => s.length)).size > 1;
}

/**
 * Words written together in camel or Pascal case around one small number
 * (`SomeRandomStringOf32CharsExactly`, `myDatabaseKey2024Rotated`): a phrase typed into a template,
 * as {@link WORDLIKE} takes words with the number at their end. Each word a letter then small
 * letters, at least three words, four letters long on average as words are: random mixed-case text
 * changes case every second character or so, and puts capitals side by side.
 */
function camelPhrase(value: string): boolean {
  const m = /^([A-Za-z]+)[0-9]{1,4}([A-Za-z]+)$/.exec(value);
  if (!m?.slice(1).every((part) => /^[A-Za-z][a-z]+(?:[A-Z][a-z]+)*$/.test(part))) return false;
  const words = `${m[1]}${m[2]}`.match(/[A-Za-z][a-z]+/g) ?? [];
  const letters = words.reduce((n, w) => n + w.length, 0);
  return words.length >= 3 && letters >= 4 * words.length;
}

/** True when the value names itself as a secret (`secret123`, `my_api_token`). */
export function selfNamed(value: string): boolean {
  return SELF_NAMED.test(value);
}

/**
 * Code caught between two string literals (`"),E=n.limitMessage;!S;)n.limit=h,"` in a minified
 * bundle): a member access followed by code punctuation, or statements. The member access may be of
 * a call's result (`r().createElement(`, `).then(`).
 */
export function codeLike(value: string): boolean {
  // `"+resMatch+"`: the inside of a concatenation, between two string literals.
  if (/^\+[A-Za-z_$][\w$]*\+?$|^\+?[A-Za-z_$][\w$]*\+$/.test(value)) return true;
  return /(?:[A-Za-z_$][\w$]*|\))\.[A-Za-z_$][\w$]*[;,=()]/.test(value) || /;.*=|=.*;/.test(value);
}

/**
 * The source of a regular expression: a bracket class with a range (`[a-zA-Z0-9-]`, `[^0-9]`) or an
 * escape class (`\d`, `\w`), repeated by a quantifier (`+`, `*`, `?`, `{8}`), or a group of a
 * regular expression's own syntax (`(?=`, `(?!`, `(?:`, `(?<name>`). A grammar assigned to
 * a constant named for what it matches (`TOKEN = "([a-zA-Z0-9-!#$%&'*+.^_]+)"`, the HTTP token rule),
 * not a credential: no issuer or generator writes a class and a quantifier into a secret.
 */
export function regexLike(value: string): boolean {
  return /\[\^?[^\]\s]*[A-Za-z0-9]-[A-Za-z0-9][^\]\s]*\](?:[+*?]|\{\d)|\\[dwsDWS](?:[+*?]|\{\d)|\(\?(?:[=!:]|<[=!A-Za-z])/.test(
    value,
  );
}

/** Passwords that documentation and local development setups use; they protect nothing real. */
export const DEFAULT_PASSWORDS = new Set([
  'pass',
  'password',
  'passwd',
  'pwd',
  'secret',
  'root',
  'admin',
  'guest',
  'test',
  'postgres',
  'mysql',
  'user',
  'token',
  'changeme',
  'letmein',
  // MinIO's documented root user and password.
  'minioadmin',
]);

/**
 * A default password, also when spelled in leetspeak (`P@ssw0rd`, `r00t`, `adm1n`): every guess
 * tries those spellings first, and samples write them to pass a password policy that wants a digit
 * or a symbol. Only the whole value counts: a leetspeak word with more to it (`Tr0ub4dor`,
 * `P@ssw0rd!x9`) is how people spell real passwords.
 */
export function defaultPassword(password: string): boolean {
  const lower = password.toLowerCase();
  return DEFAULT_PASSWORDS.has(lower) || leetReadings(lower).some((plain) => DEFAULT_PASSWORDS.has(plain));
}

/** Leetspeak substitutions, undone: `1` is tried as both `i` and `l`. */
const LEET: Record<string, string> = { '0': 'o', '3': 'e', '4': 'a', '5': 's', $: 's', '@': 'a', '7': 't' };

/**
 * A stand-in spelled in leetspeak (`SetR00tPa$$wordH3r3`, `Chang3Me`): once the substitutions are
 * undone it names itself or says it is a placeholder. Only those word tests are asked of the undone
 * text: undoing them turns the digits of a random value into letters, and a run of letters passes
 * the shape tests ({@link WORDLIKE}, {@link wordy}), so `kX0bq1Tz` must not become the word `kXobqiTz`.
 * A default password spelled so (`P@ssw0rd`, `r00t`) is that default. A leetspeak word alone
 * (`Tr0ub4dor`, `S3cr3t!x9`) is how people spell real passwords and stays reported: a value that names
 * itself in leetspeak is a stand-in only when long enough to be a phrase.
 */
function leetStandIn(value: string): boolean {
  return leetReadings(value).some(
    (plain) =>
      namesPlaceholder(plain) ||
      DEFAULT_PASSWORDS.has(plain.toLowerCase()) ||
      (value.length >= 16 && selfNamed(plain)),
  );
}

/**
 * What a value spelled in leetspeak says once the substitutions are undone (`P@ssw0rd` is
 * `Password`), one reading per meaning of `1` (`i`, `l`); none when it has no substitution or no
 * letter, since a value of digits alone is a number, not a word.
 */
function leetReadings(value: string): string[] {
  if (!/[013457$@]/.test(value) || !/[A-Za-z]/.test(value)) return [];
  const readings = ['i', 'l'].map((one) =>
    value.replace(/[013457$@]/g, (c) => (c === '1' ? one : (LEET[c] ?? c))),
  );
  return readings[0] === readings[1] ? [readings[0]!] : readings;
}

/** Why a secret's value of words has low confidence, in a finding's message (see {@link standIn}). */
export const WORDS_NOTE =
  "the value is a word, a phrase of words or names itself, as stand-ins and default passwords do: likely a default that the build or the deployment replaces, and no one's secret";

/**
 * A value someone typed in place of a secret: a placeholder, a word or words, or its own name, also
 * spelled in leetspeak.
 */
export function standIn(value: string): boolean {
  return (
    isPlaceholder(value) ||
    WORDLIKE.test(value) ||
    wordy(value) ||
    camelPhrase(value) ||
    selfNamed(value) ||
    leetStandIn(value)
  );
}

/**
 * The text a base64 value decodes to, when it is printable ASCII (a Kubernetes Secret's `data`, a
 * Basic credential), else undefined: binary keys stay as they are. One line end after the text is
 * dropped: `echo x | base64` encodes the newline `echo` adds, and the text is still `x`.
 */
export function decodedText(value: string): string | undefined {
  if (value.length < 8 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const text = Buffer.from(value, 'base64')
    .toString('latin1')
    .replace(/\r?\n$/, '');
  return /^[\x20-\x7e]+$/.test(text) ? text : undefined;
}

/** Letters of scripts other than Latin: translations and prose, never generated credentials. */
export function nonAscii(value: string): boolean {
  return /[^\x20-\x7e]/.test(value);
}
