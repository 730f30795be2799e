import { algoliaConfig, CODE_FILE, COMMENTED } from './context.js';
import { codeLike, decodedText, nonAscii, regexLike, standIn } from './judge.js';
import type { Confidence, Detector, LineHit } from './types.js';
import { characterClasses, isCiphertext, shannonEntropy } from './values.js';

/**
 * Values assigned to secret-looking names (`password = "..."`, `apiKey: '...'`, `DB_PASSWORD=...`).
 * Such a value has no issuer prefix to verify, so it is reported only when everything says it is a
 * literal secret: a name that ends in a secret word and is not a public identifier, a value that is
 * long, random-looking and not a placeholder, reference, ciphertext, word, number or path, on a line
 * that is not commented out in a configuration file, in a file that is not encrypted as a whole.
 */

/**
 * A secret-looking name must END with one of these words (`db_password`, `clientSecret`, `x-api-key`),
 * so `password_file`, `token_url` and `secretName` are not assignments of a secret. There is no left
 * boundary on purpose: names are compounds (`dbPassword`, `db_password`, `clientsecret`, `accesstoken`),
 * and no boundary tells `OnePassword` from `dbPassword`; what is assigned decides (see {@link UUID}).
 */
export const SECRET_NAME_SOURCE =
  'passw(?:or)?d|passphrase|pwd|secret[_-]?key|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|auth[_-]?key';
const SECRET_NAME = new RegExp(`(?:${SECRET_NAME_SOURCE})(?![A-Za-z0-9_])`, 'gi');
const NAME_CHAR = /[A-Za-z0-9_.-]/;

/**
 * Names that end in a secret word but hold public or non-secret values: .NET assembly
 * `publicKeyToken`, anti-forgery (`csrf_token`), pagination and cancellation tokens, publishable and
 * public client keys, and request tokens: the idempotency token a client makes up for an API call
 * (AWS `ClientRequestToken`, the `RequestToken` of a Cloud Control progress event) and OAuth 1's
 * request token, which travels in the redirect URL (its secret is the `...TokenSecret`, still judged).
 * Not `client_token`: Vault's is the session credential itself.
 */
const PUBLIC_NAME =
  /(?:public|publishable|csrf|xsrf|anti[_-]?forgery|request[_-]?verification|page|next|continuation|cancellation|sync|idempotency|pagination|cursor|resume|device|push|fcm|apns|site|recaptcha|hcaptcha|turnstile|client[_-]?side|browser|frontend|search[_-]?only|public[_-]?api)[_.-]?(?:key[_.-]?)?(?:token|key|api[_-]?key)$|request[_.-]?token$/i;

const ASSIGN = /["'`]?\]?[ \t]*(?:=>|:=|===?|!==?|[=:])[ \t]*/y;
const QUOTED = /"([^"\\\r\n]{1,512})"|'([^'\\\r\n]{1,512})'|`([^`\\$\r\n]{1,512})`/y;
const UNQUOTED = /([^\s"'`,;)\]}]{1,512})/y;

/** Files whose `name: value` and `NAME=value` lines hold literal values, not expressions. */
const CONFIG_FILE =
  /(?:^|\/)(?:\.env(?:\.[^/]*)?|[^/]*\.(?:env|ya?ml|toml|ini|cfg|conf|properties|tfvars|npmrc|netrc)|\.npmrc|\.pypirc|\.netrc|Dockerfile[^/]*)$/i;

/** Translation catalogs: `wifi_password: "WLAN-Passwort"` is a label, not a secret. */
const TRANSLATIONS = /(?:^|\/)(?:i18n|l10n|locales?|translations?|lang|langs)\//i;

/**
 * Values that are public by design although assigned to a secret-looking name: Cloudflare Web
 * Analytics beacon tokens, Algolia DocSearch (search-only) keys beside their index name.
 */
const PUBLIC_CONTEXT = /cf-beacon|beacon\.min\.js|indexName|docsearch/i;

/** Files that are ciphertext as a whole or by design (SOPS, sealed secrets, Ansible Vault, git-crypt). */
const ENCRYPTED_PATH = /\.(?:enc|sops|age|gpg|asc|vault)(?:\.[a-z]+)?$|(?:^|\/)[^/]*\.sops\.[a-z]+$/i;
const ENCRYPTED_TEXT =
  /^kind:[ \t]*SealedSecret\b|^sops:[ \t]*$|^\$ANSIBLE_VAULT;|^[ \t]+encryptedData:[ \t]*$/m;

let lastText: string | undefined;
let lastPath: string | undefined;
let lastEncrypted = false;

/** Whether a file is encrypted as a whole; cached for the text being scanned (one file at a time). */
export function encryptedFile(path: string, text: string): boolean {
  if (text !== lastText || path !== lastPath) {
    lastText = text;
    lastPath = path;
    // The literals first: searching for them is much cheaper than the multi-line pattern.
    lastEncrypted =
      ENCRYPTED_PATH.test(path) ||
      ((text.includes('SealedSecret') ||
        text.includes('sops:') ||
        text.includes('$ANSIBLE_VAULT') ||
        text.includes('encryptedData:')) &&
        ENCRYPTED_TEXT.test(text));
  }
  return lastEncrypted;
}

/** What the generic detector needs to know of a path, worked out once per file. */
interface PathFacts {
  config: boolean;
  code: boolean;
  translations: boolean;
}
let factsPath: string | undefined;
let facts: PathFacts = { config: false, code: false, translations: false };

function pathFacts(path: string): PathFacts {
  if (path !== factsPath) {
    factsPath = path;
    const config = CONFIG_FILE.test(path);
    facts = { config, code: !config && CODE_FILE.test(path), translations: TRANSLATIONS.test(path) };
  }
  return facts;
}

/**
 * Hosts that reach only the machine the configuration runs on: the loopback names and addresses, and
 * the public names that resolve to the loopback address for everyone (`*.localtest.me`, `*.lvh.me`).
 */
const LOOPBACK_HOST =
  /^(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|0\.0\.0\.0|\[::1?\])$|(?:^|\.)(?:localhost|localtest\.me|lvh\.me)$/i;
/**
 * Hosts that name a service beside the configuration, not a place: a Compose or cluster service
 * (`http://httpbin`, `x.default.svc.cluster.local`), Docker's name for its host. They say neither
 * that the environment is local nor that it is not.
 */
const NEIGHBOUR_HOST =
  /^[A-Za-z0-9_-]+$|(?:^|\.)(?:svc|svc\.cluster\.local|cluster\.local)$|^host\.docker\.internal$/i;
/** An address with a host, in a line: the scheme, then the host (a name or an IPv6 literal). */
const URL_HOST = /\b[a-z][a-z0-9+.-]*:\/\/(?:[^\s/@'"]*@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)/gi;

/** The last configuration file judged by {@link localEnvironment}, and the answer. */
let localPath: string | undefined;
let localText: string | undefined;
let localAnswer = false;

/**
 * Whether a configuration file names the services it talks to and every one of them is on the
 * machine it runs on: at least one address (outside comments) is a loopback host, and the others are
 * loopback hosts or the names of neighbouring services (see {@link NEIGHBOUR_HOST}). The secrets of
 * such a file (a local demonstration stack's cookie secret, the client secret of the identity
 * provider the stack brings up itself) open nothing outside that machine. A file that names any
 * other host (`https://auth.example.org`, an IP address) is not one.
 */
export function localEnvironment(path: string, text: string): boolean {
  if (path === localPath && text === localText) return localAnswer;
  let loopback = false;
  let other = false;
  for (const line of text.split('\n')) {
    if (COMMENTED.test(line)) continue;
    URL_HOST.lastIndex = 0;
    for (let m = URL_HOST.exec(line); m; m = URL_HOST.exec(line)) {
      const host = m[1]!;
      if (LOOPBACK_HOST.test(host)) loopback = true;
      else if (!NEIGHBOUR_HOST.test(host)) other = true;
    }
    if (other) break;
  }
  localPath = path;
  localText = text;
  localAnswer = loopback && !other;
  return localAnswer;
}

/** Why a secret of a configuration for the local machine only has low confidence; part of the message. */
export const LOCAL_ENVIRONMENT_NOTE =
  "every address its configuration file names is on the local machine (loopback hosts and neighbouring services): a local environment's secret, which opens nothing elsewhere";

/** Values that name or fetch a secret rather than being one. */
const REFERENCE =
  /^#\/|^\$[A-Za-z_{(]|^%[A-Za-z_]\w*%$|^@\w+@$|^[&*][A-Za-z_][\w-]*$|^![A-Za-z]|\$\{|process\.env|os\.environ|getenv|secrets\.|vault:|^arn:|^ref\+|^sm:\/\/|^projects\/|:\/\/|^[A-Za-z_][\w.-]*\(/;
/** A name in the expressions of configuration languages (HCL, JavaScript, Python). */
const IDENTIFIER = String.raw`[A-Za-z_$][\w$]*`;
/** An index or a splat: `[0]`, `[*]`, `["key"]`, `['key']`, `[count.index]`. */
const INDEX = String.raw`\[(?:\d{1,9}|\*|"[^"\\\r\n]{0,128}"|'[^'\\\r\n]{0,128}'|${IDENTIFIER}(?:\.${IDENTIFIER})*)\]`;
/**
 * A reference to a value held elsewhere: a name, then members, indexes and splats, with at least one
 * member (`var.token`, `data.x.cluster[0].token`, `module.m.outputs["token"]`, `data.x[*].token`,
 * `aws_instance.x.*.id`). Before the first member come only indexes and `.*` splats, which cannot be
 * read as a member (a name does not start with `*`): a value is read one way, in linear time.
 */
const TRAVERSAL = String.raw`${IDENTIFIER}(?:${INDEX})*(?:\.\*(?:${INDEX})*)*\.${IDENTIFIER}(?:\.${IDENTIFIER}|\.\*|${INDEX})*`;
/**
 * A reference where an unquoted value starts, up to where the value ends. Read whole here: the value
 * pattern stops at `]` and at quotes, which would leave `data.x.cluster[0` of `data.x.cluster[0].token`.
 */
const TRAVERSAL_VALUE = new RegExp(String.raw`${TRAVERSAL}(?=[\s,;)\]}]|$)`, 'y');
/**
 * An unquoted value with a call, a member access, an index or a splat is an expression, not a literal;
 * so is a reference cut inside an index that has spaces (`data.x[count.index` of `[count.index + 1]`).
 */
const EXPRESSION = new RegExp(String.raw`\(|\[$|^${TRAVERSAL}(?:\[[\w$.]*)?$`);
const NUMBERLIKE = /^[0-9.,:_-]+$/;
/**
 * A path, or a path after `<` or `@`, which configuration languages read as "the contents of this
 * file" (Dovecot `ssl_key = </etc/ssl/x.pem`, curl and CLI arguments `@./token.txt`): absolute, from
 * `./`, `../` or `~/`, or relative with a directory or a file extension and nothing but path characters.
 */
const PATHLIKE =
  /^(?:[<@]?(?:\/|\.{1,2}\/|~\/|[A-Za-z]:\\)|[<@](?:[\w.-]+\/)+[\w.-]+$|[<@][\w-]+(?:\.[\w-]+)*\.[a-z]{2,5}$)/;
/**
 * Keys that issuers define as not secret: publishable and public client keys (Stripe `pk_live_`,
 * PostHog `phc_`, Mapbox `pk.`, Flutterwave `FLWPUBK`, Supabase `sb_publishable_`), and test-mode or
 * sandbox keys (`sk_test_`, `FLWSECK_TEST-`, EasyPost `EZTK`, `shippo_test_`, `access-sandbox-`).
 */
export const NOT_SECRET_KEY =
  /^(?:sk|rk|pk)_test_|^pk_live_|^phc_|^pk\.eyJ|^FLWPUBK|^sb_publishable_|^EZTK|^FLWSECK_TEST|^[a-z]+_test_|^access-sandbox-|^sandbox_/;
/**
 * A UUID (also in braces, as .NET writes GUIDs). Under a password-type name it is far more often an
 * identifier (`OnePassword = "<uuid>"` in an enum of providers, a credential's id) than a password,
 * which people choose or generate as random text; it stays reported, with low confidence and why.
 * Under a token or key name it may be a key (Heroku, Snyk, Codecov and Splunk issue UUID-shaped
 * keys): medium at most, as the detectors of those issuers report them.
 */
const UUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;
/** The secret words of {@link SECRET_NAME_SOURCE} that name a password. */
const PASSWORD_WORD = /^(?:passw|passphrase|pwd)/i;
/** Why a UUID under a password-type name has low confidence; part of the finding's message. */
export const UUID_UNDER_PASSWORD_NOTE =
  'a UUID under a password name is usually an identifier, not a password';

/** Hash digests and identifiers of a known form: not secrets even under a secret-looking name. */
const DIGEST = /^(?:sha(?:1|256|384|512)[:-]|md5:)/i;

/**
 * A GitHub GraphQL global node ID: the public identifier of a repository, issue, label, project field
 * and so on, which anyone who can see the object reads through the API (a label map in an issue-triage
 * action's configuration, `"Secret": "LA_kw..."`, names the label of a category). Two formats:
 * - the current one, a type prefix in capitals and `_` before base64url of a MessagePack array that
 *   starts with the format's version 0 and holds only integers and strings (`LA_kwDO...` is
 *   [0, repository, label], `PVTSSF_lADO...` [0, owner, project, field]);
 * - the legacy one, base64 of `0<length of the type name>:<type name><database id>` (`MDQ6VXNlcjE=`
 *   is `04:User1`, `MDExOlB1bGxSZXF1ZXN0...` is `011:PullRequest...`).
 * The value is decoded and checked whole: random text, as a token is, neither decodes to such an
 * array nor to such a string, and GitHub's own tokens carry lower-case prefixes (`ghp_`, `ghs_`,
 * `github_pat_`) that no node ID has.
 */
export function githubNodeId(value: string): boolean {
  const typed = /^[A-Z]{1,8}_([A-Za-z0-9_-]{6,})$/.exec(value);
  if (typed) {
    const payload = typed[1]!;
    const bytes = Buffer.from(payload, 'base64url');
    // Only the canonical encoding: what decodes leniently (stray characters, extra bits) is not one.
    return bytes.toString('base64url') === payload && messagePackIdArray(bytes);
  }
  if (value.length < 8 || value.length % 4 !== 0 || !/^MD[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  const legacy = /^0(\d{1,2}):([A-Z][A-Za-z]+?)(\d[\x21-\x7e]*)$/.exec(
    Buffer.from(value, 'base64').toString('latin1'),
  );
  return legacy !== null && Number(legacy[1]) === legacy[2]!.length;
}

/**
 * A MessagePack array of two to fifteen items, the first the integer 0, the others integers or
 * strings, that fills `bytes` exactly.
 */
function messagePackIdArray(bytes: Buffer): boolean {
  const count = bytes[0]! - 0x90;
  if (bytes.length < 3 || count < 2 || count > 15 || bytes[1] !== 0x00) return false;
  let at = 2;
  for (let item = 1; item < count; item++) {
    const tag = bytes[at];
    if (tag === undefined) return false;
    if (tag <= 0x7f) at += 1;
    else if (tag >= 0xcc && tag <= 0xcf) at += 1 + 2 ** (tag - 0xcc);
    else if (tag >= 0xa0 && tag <= 0xbf) at += 1 + (tag - 0xa0);
    else if (tag === 0xd9 && at + 1 < bytes.length) at += 2 + bytes[at + 1]!;
    else return false;
  }
  return at === bytes.length;
}

/**
 * A stored password hash, the verifier a login compares against, not the password: crypt's modular
 * format and PHC strings (md5-crypt, bcrypt, sha256/512-crypt, yescrypt, scrypt, Argon2, PBKDF2;
 * Spring's `{bcrypt}` before one), the schemes of LDAP's userPassword and Dovecot (`{SSHA}`,
 * `{SSHA512}`, `{CRYPT}`, ...; not `{PLAIN}`, `{CLEARTEXT}` or Spring's `{noop}`, which are the
 * password) and Django's `<algorithm>$...` form. A user database of a test suite holds these.
 */
const PASSWORD_HASH = new RegExp(
  '^(?:' +
    String.raw`(?:\{bcrypt\})?\$(?:1|2[abxy]?|5|6|7|y|gy|apr1|argon2(?:id|i|d)|pbkdf2(?:-sha(?:1|256|512))?|scrypt)\$` +
    '|' +
    String.raw`\{(?:S?SHA(?:256|384|512)?|S?MD5|CRYPT|BLF-CRYPT|SHA(?:256|512)-CRYPT|ARGON2I|ARGON2ID|PBKDF2(?:-SHA(?:1|256|512))?|SCRYPT)\}` +
    '|' +
    String.raw`(?:pbkdf2_sha(?:1|256)|argon2|bcrypt(?:_sha256)?|scrypt)\$` +
    ')[./A-Za-z0-9$=,+-]{8,}$',
  'i',
);

/** Minimum length of a generic secret value; shorter strings are rarely credentials worth the noise. */
export const GENERIC_MIN_LENGTH = 8;

/**
 * True when a value assigned to a secret-looking name could be a real secret (before the entropy
 * threshold, which the rule sets): long enough, mixing character classes, and not a reference,
 * word, number, path, ciphertext or placeholder.
 */
export function plausibleSecretValue(value: string, quoted = true): boolean {
  if (value.length < GENERIC_MIN_LENGTH || value.length > 256 || /\s/.test(value) || nonAscii(value))
    return false;
  if (!quoted && EXPRESSION.test(value)) return false;
  if (REFERENCE.test(value) || NUMBERLIKE.test(value) || PATHLIKE.test(value) || standIn(value)) return false;
  if (NOT_SECRET_KEY.test(value) || characterClasses(value) < 2) return false;
  if (isCiphertext(value) || DIGEST.test(value) || PASSWORD_HASH.test(value) || codeLike(value)) return false;
  if (regexLike(value)) return false;
  if (githubNodeId(value)) return false;
  // Kubernetes Secret data and similar: judge what the base64 says (`UGFzc3dvcmQkMTIz` is `Password$123`).
  const decoded = decodedText(value);
  return (
    decoded === undefined ||
    (decoded.length >= GENERIC_MIN_LENGTH && !standIn(decoded) && !/\s/.test(decoded))
  );
}

/** How sure a guess about a value is: long, mixed and random is likelier a real secret. */
export function valueConfidence(value: string, entropy = shannonEntropy(value)): Confidence {
  if (value.length >= 20 && entropy >= 4 && characterClasses(value) >= 3) return 'high';
  if ((value.length >= 12 && entropy >= 3.5) || (value.length >= 16 && entropy >= 3.2)) return 'medium';
  return 'low';
}

/**
 * A secret-looking name followed by an assignment: the same test as {@link SECRET_NAME} and
 * {@link ASSIGN}, confirmed where one of {@link SECRET_NAME_KEYWORDS} starts, so only lines that
 * assign to such a name are looked at.
 */
export const SECRET_ASSIGNMENT = new RegExp(
  String.raw`(?:${SECRET_NAME_SOURCE})(?![a-z0-9_])["'\x60]?\]?[ \t]*(?:=>|:=|===?|!==?|[=:])`,
  'iy',
);

/** Where the alternatives of {@link SECRET_NAME_SOURCE} can start. */
export const SECRET_NAME_KEYWORDS = [
  'passw',
  'passphrase',
  'pwd',
  'secret',
  'token',
  'api_key',
  'api-key',
  'apikey',
  'access_key',
  'access-key',
  'accesskey',
  'private_key',
  'private-key',
  'privatekey',
  'auth_key',
  'auth-key',
  'authkey',
];

/** An unquoted value in angle brackets, spaces allowed: `<your api key>`. */
const ANGLED = /<[^<>\r\n]{1,64}>(?=[ \t]*(?:$|[#;,]))/y;

/** The literal value assigned to a secret-looking name ending at `nameEnd`, with where it starts. */
export function assignedValue(
  line: string,
  nameStart: number,
  nameEnd: number,
  path: string,
): { value: string; start: number; quoted: boolean } | undefined {
  if (line.slice(nameStart - 2, nameStart) === '${') return expansionDefault(line, nameEnd, path);
  ASSIGN.lastIndex = nameEnd;
  const assign = ASSIGN.exec(line);
  if (!assign || !/[=:]/.test(assign[0])) return undefined;
  // `when: password == '...'`, `if (token !== "...")`: a comparison, not an assignment. A guard that
  // checks a placeholder was changed repeats the placeholder; a real token compared in code is still
  // found by its issuer's detector.
  if (/[=!]=/.test(assign[0])) return undefined;
  const valueAt = nameEnd + assign[0].length;
  QUOTED.lastIndex = valueAt;
  const quoted = QUOTED.exec(line);
  if (quoted) return { value: (quoted[1] ?? quoted[2] ?? quoted[3])!, start: valueAt + 1, quoted: true };
  const { config: configFile, code: codeFile } = pathFacts(path);
  if (codeFile) return undefined;
  if (!configFile && !isConfigStyle(line, nameStart) && line.slice(nameStart - 2, nameStart) !== '--') {
    return undefined;
  }
  // `sasl.password=<CONFLUENT CLOUD API SECRET>`: a placeholder in angle brackets, read whole although
  // it has spaces (cut at the first one, `<CONFLUENT` would not read as one).
  ANGLED.lastIndex = valueAt;
  const angled = ANGLED.exec(line)?.[0];
  if (angled) return { value: angled, start: valueAt, quoted: false };
  TRAVERSAL_VALUE.lastIndex = valueAt;
  UNQUOTED.lastIndex = valueAt;
  const value = TRAVERSAL_VALUE.exec(line)?.[0] ?? UNQUOTED.exec(line)?.[1];
  return value === undefined ? undefined : { value, start: valueAt, quoted: false };
}

/**
 * The operator of a parameter expansion after its name: `:-`, `-`, `:=`, `=`, `:?`, `?`, `:+`, `+`,
 * or a lone `:`, the default of Spring, Quarkus and Micronaut placeholders (`${DB_PASSWORD:value}`).
 */
const EXPANSION_OPERATOR = /:?([-=?+])|:/y;

/**
 * The default of a shell or Compose parameter expansion (`${DB_PASSWORD:-airflow}`, `${TOKEN=x}`) or of
 * a Spring-style placeholder (`${DB_PASSWORD:airflow}`), the literal used when the variable is unset,
 * in a configuration file (where the name's own line is read as written); `${NAME:?message}` and
 * `${NAME:+alternative}` hold no default. Read after the operator, so the value judged is `airflow`,
 * a stand-in, not `-airflow`.
 */
function expansionDefault(
  line: string,
  nameEnd: number,
  path: string,
): { value: string; start: number; quoted: boolean } | undefined {
  if (!pathFacts(path).config) return undefined;
  EXPANSION_OPERATOR.lastIndex = nameEnd;
  const operator = EXPANSION_OPERATOR.exec(line);
  if (!operator || operator[1] === '?' || operator[1] === '+') return undefined;
  const start = nameEnd + operator[0].length;
  UNQUOTED.lastIndex = start;
  const value = UNQUOTED.exec(line)?.[1];
  return value === undefined ? undefined : { value, start, quoted: false };
}

/**
 * An apostrophe in a word (`don't`, `user's`, `I'm`), not a quote that opens a literal: a letter on
 * both sides, unless what comes before is a string prefix (Python `f'`, `rb'`, `u'`).
 */
function apostrophe(line: string, at: number): boolean {
  return (
    /[A-Za-z]/.test(line[at - 1] ?? '') &&
    /[A-Za-z]/.test(line[at + 1] ?? '') &&
    !/(?:^|[^\w])[fFrRbBuU]{1,2}$/.test(line.slice(Math.max(0, at - 3), at))
  );
}

/**
 * Which string literal is open where, on one line read once from its start: `quoteAt(i)` is the
 * quote of the literal open at column i, or '' outside literals. Asked at columns in increasing
 * order (the detector's candidates), it reads each character once; an earlier column reads again.
 */
function quoteReader(line: string): (to: number) => string {
  let at = 0;
  let open = '';
  return (to) => {
    if (to < at) {
      at = 0;
      open = '';
    }
    for (; at < to; at++) {
      const c = line[at];
      if (open) {
        if (c === '\\') at += 1;
        else if (c === open) open = '';
      } else if (c === '"' || c === '`' || (c === "'" && !apostrophe(line, at))) open = c;
    }
    return open;
  };
}

/**
 * True when `name:` or `name =` sits inside a string literal that closes right after it
 * (`"Password:"),e?r().createElement("code"` in a bundle, `"Enter your password: "`): a label or a
 * prefix, not an assignment; what follows the literal is code. A value inside the same literal
 * (`"DB_PASSWORD=kX9…"`) is still an assignment. Known only when the line is read from its start.
 */
function labelInLiteral(
  line: string,
  valueAt: number,
  quoteAt: ((to: number) => string) | undefined,
): boolean {
  if (!quoteAt) return false;
  const open = quoteAt(valueAt);
  return open !== '' && line[valueAt] === open;
}

/** Literal, random-looking values assigned to secret-looking names (the rule sets the entropy floor). */
export const genericAssignmentDetector: Detector = {
  id: 'generic-secret-assignment',
  family: 'generic',
  keywords: SECRET_NAME_KEYWORDS,
  confirm: SECRET_ASSIGNMENT,
  identity: 'context',
  describes:
    'Literal values assigned to names that end in password, passphrase, secret, token, api_key, ' +
    'access_key, private_key or auth_key, whose value is random enough (the entropy threshold is the ' +
    "rule's `minEntropy`) and is not a placeholder, reference, ciphertext, word, number, path or file " +
    'reference (`<file`, `@file`); public identifiers (`publicKeyToken`, CSRF, pagination and request tokens, ' +
    'publishable keys, GitHub GraphQL node IDs), labels inside string literals (`"Password:"`), lines commented out in ' +
    'configuration files and encrypted files (SOPS, sealed secrets, Ansible Vault) are left alone; the ' +
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell syntax this text describes.
    "default of a parameter expansion in a configuration file (`${DB_PASSWORD:-value}`, or Spring's " +
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder syntax this text describes.
    '`${DB_PASSWORD:value}`) is judged as the value. A ' +
    'UUID under a password name is reported with low confidence: it is usually an identifier; so is a ' +
    'value in a configuration file whose every address is on the local machine (a local stack).',
  find(line, ctx) {
    const hits: LineHit[] = [];
    const { config, translations } = pathFacts(ctx.path);
    if (config && COMMENTED.test(line)) return hits;
    if (translations || PUBLIC_CONTEXT.test(line)) return hits;
    let quoteAt: ((to: number) => string) | undefined;
    SECRET_NAME.lastIndex = 0;
    for (let m = SECRET_NAME.exec(line); m; m = SECRET_NAME.exec(line)) {
      const end = m.index + m[0].length;
      let start = m.index;
      while (start > 0 && m.index - start < 64 && NAME_CHAR.test(line[start - 1]!)) start -= 1;
      const name = line.slice(start, end).replace(/^[-.]+/, '');
      if (PUBLIC_NAME.test(name)) continue;
      if (/^api[_-]?key$/i.test(name) && algoliaConfig(ctx.text)) continue;
      const assigned = assignedValue(line, start, end, ctx.path);
      if (!assigned || !plausibleSecretValue(assigned.value, assigned.quoted)) continue;
      if (repeatsName(name, assigned.value)) continue;
      if (assigned.quoted) {
        // In a window of a long line, which literals are open where it starts is unknown.
        if (ctx.lineStart) quoteAt ??= quoteReader(line);
        if (labelInLiteral(line, assigned.start - 1, quoteAt)) continue;
      }
      // Asked only of a file with a candidate (most files have none): it reads the whole text.
      if (encryptedFile(ctx.path, ctx.text)) return hits;
      const decoded = decodedText(assigned.value);
      const entropy = shannonEntropy(decoded ?? assigned.value);
      let confidence = valueConfidence(decoded ?? assigned.value, entropy);
      let note: string | undefined;
      if (UUID.test(assigned.value)) {
        if (PASSWORD_WORD.test(m[0])) {
          confidence = 'low';
          note = UUID_UNDER_PASSWORD_NOTE;
        } else if (confidence === 'high') confidence = 'medium';
      }
      // Read only for a configuration file with a candidate, once per file.
      if (confidence !== 'low' && config && localEnvironment(ctx.path, ctx.text)) {
        confidence = 'low';
        note = LOCAL_ENVIRONMENT_NOTE;
      }

      hits.push({
        start: assigned.start,
        end: assigned.start + assigned.value.length,
        value: assigned.value,
        label: 'secret',
        context: name,
        entropy,
        confidence,
        ...(note ? { note } : {}),
      });
    }
    return hits;
  },
};

/**
 * A value that spells its own name (`DeviceAuthKey = "pm-27581-device-auth-key"`, a feature flag's
 * key; `API_TOKEN: api-token-for-staging`): a label or an identifier, as a value that names itself
 * a secret is (judge.ts). Compared on letters alone, for a name of six letters or more.
 */
function repeatsName(name: string, value: string): boolean {
  const letters = name.replace(/[^A-Za-z]/g, '').toLowerCase();
  return (
    letters.length >= 6 &&
    value
      .replace(/[^A-Za-z]/g, '')
      .toLowerCase()
      .includes(letters)
  );
}

/** `NAME=value`, `export NAME=value`, `name: value` and `- name: value` at the start of a line. */
export function isConfigStyle(line: string, nameStart: number): boolean {
  return /^[ \t]*(?:export[ \t]+|-[ \t]+)?["']?$/.test(line.slice(0, nameStart));
}
