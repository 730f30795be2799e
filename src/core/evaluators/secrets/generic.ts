import type { Detector, LineHit } from './types.js';
import { characterClasses, isPlaceholder, shannonEntropy } from './values.js';

/**
 * Detectors for secrets that have no issuer prefix: passwords in connection strings and values
 * assigned to secret-looking names. Both are located procedurally from a literal anchor (`://`, the
 * name) with sticky, bounded patterns, so the work per line stays linear.
 */

// ---------------------------------------------------------------------------------------------------
// Connection strings: scheme://user:password@host

const URL_CREDENTIALS =
  /([^\s:/?#@"'`<>[\]{}\\]{0,128}):([^\s/?#@"'`<>\\]{1,256})@([A-Za-z0-9._-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])/y;
const SCHEME_CHAR = /[A-Za-z0-9+.-]/;

/** Hosts that only the developer's own machine or documentation can reach. */
const HARMLESS_HOST =
  /^(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|0\.0\.0\.0|\[::1?\]|host\.docker\.internal)$|(?:^|\.)(?:example\.(?:com|org|net)|localhost|test|invalid|example|local)$/i;

/** Passwords that documentation and local development setups use; they protect nothing real. */
const DEFAULT_PASSWORDS = new Set([
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
]);

/**
 * `://user:password@`, on lower-cased text: a URL with a password, not every URL. The user
 * information is only looked ahead at, so a token inside it is still seen by its own detector.
 */
const URL_CREDENTIALS_ANCHOR = String.raw`:\/\/(?=[^\s/?#@"'\x60<>[\]{}\\:]{0,128}:[^\s/?#@"'\x60<>\\]{1,256}@)`;

/** Passwords in the user information of URLs and connection strings. */
export const connectionStringDetector: Detector = {
  id: 'connection-string-password',
  family: 'connection-string',
  keywords: [],
  anchor: URL_CREDENTIALS_ANCHOR,
  identity: 'context',
  describes:
    'Passwords in URLs and connection strings (`scheme://user:password@host`), except interpolated, ' +
    'placeholder and default passwords, passwords equal to the user name, and loopback or example hosts.',
  find(line) {
    const hits: LineHit[] = [];
    for (let at = line.indexOf('://'); at !== -1; at = line.indexOf('://', at + 3)) {
      let s = at;
      while (s > 0 && at - s < 32 && SCHEME_CHAR.test(line[s - 1]!)) s -= 1;
      const scheme = line.slice(s, at).toLowerCase();
      if (!/^[a-z]/.test(scheme)) continue;
      URL_CREDENTIALS.lastIndex = at + 3;
      const m = URL_CREDENTIALS.exec(line);
      if (!m) continue;
      const [, user = '', password = '', host = ''] = m;
      if (HARMLESS_HOST.test(host) || password === user || DEFAULT_PASSWORDS.has(password.toLowerCase())) {
        continue;
      }
      if (password.length < 4 || isPlaceholder(password) || /^[$%]/.test(password)) continue;
      const start = at + 3 + user.length + 1;
      hits.push({
        start,
        end: start + password.length,
        value: password,
        label: `password in a ${scheme} URL`,
        context: `${scheme}://${user}@${host}`,
      });
    }
    return hits;
  },
};

// ---------------------------------------------------------------------------------------------------
// Assignments to secret-looking names: password = "...", apiKey: '...', DB_PASSWORD=...

/**
 * A secret-looking name must END with one of these words (`db_password`, `clientSecret`, `x-api-key`),
 * so `password_file`, `token_url` and `secretName` are not assignments of a secret.
 */
const SECRET_NAME =
  /(?:passw(?:or)?d|passphrase|pwd|secret[_-]?key|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|auth[_-]?key)(?![A-Za-z0-9_])/gi;
const NAME_CHAR = /[A-Za-z0-9_.-]/;
const ASSIGN = /["'`]?\]?[ \t]*(?:=>|:=|===?|!==?|[=:])[ \t]*/y;
const QUOTED = /"([^"\\\r\n]{1,512})"|'([^'\\\r\n]{1,512})'|`([^`\\$\r\n]{1,512})`/y;
const UNQUOTED = /([^\s"'`,;)\]}]{1,512})/y;

/** Files whose `name: value` and `NAME=value` lines hold literal values, not expressions. */
const CONFIG_FILE =
  /(?:^|\/)(?:\.env(?:\.[^/]*)?|[^/]*\.(?:env|ya?ml|toml|ini|cfg|conf|properties|tfvars|npmrc|netrc)|\.npmrc|\.pypirc|\.netrc|Dockerfile[^/]*)$/i;

/**
 * Source files of programming languages: a literal there is always quoted, so an unquoted value after
 * `=` is an expression (`token = get_token()`, `token := r.Header.Get(...)`), never a secret.
 */
const CODE_FILE =
  /\.(?:[cm]?[jt]sx?|py|go|java|kt|kts|scala|groovy|rb|php|cs|fs|vb|rs|swift|m|mm|c|cc|cpp|h|hpp|dart|lua|ex|exs|erl|clj|r|jl|pl|pm)$/i;

/** Values that name or fetch a secret rather than being one. */
const REFERENCE =
  /^\$[A-Za-z_{(]|^%[A-Za-z_]\w*%$|^@\w+@$|^[&*][A-Za-z_][\w-]*$|^![A-Za-z]|\$\{|process\.env|os\.environ|getenv|secrets\.|vault:|^arn:|^ref\+|^sm:\/\/|^projects\/|:\/\//;
/** An unquoted value with a call or a member access is an expression, not a literal. */
const EXPRESSION = /\(|^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
/** Words and identifiers: a secret has digits, mixed case or symbols. */
const WORDLIKE =
  /^(?:[a-z]+(?:[-_. ][a-z]+)*|[A-Z]+(?:[-_. ][A-Z]+)*|[a-z]+(?:[A-Z][a-z]+)+|(?:[A-Z][a-z]+)+)$/;
const NUMBERLIKE = /^[0-9.,:_-]+$/;
const PATHLIKE = /^(?:\/|\.{1,2}\/|~\/|[A-Za-z]:\\)/;
/** Stripe test-mode and publishable keys: not secrets by the issuer's own definition. */
const NOT_SECRET_KEY = /^(?:sk|rk|pk)_test_|^pk_live_/;
/** A value that repeats the kind of thing it is ("my-secret", "password123") is a stand-in. */
const SELF_NAMED = /secret|passw|token|api[_-]?key/i;

/** Minimum length of a generic secret value; shorter strings are rarely credentials worth the noise. */
export const GENERIC_MIN_LENGTH = 8;

/**
 * True when a value assigned to a secret-looking name could be a real secret (before the entropy
 * threshold, which the rule sets): long enough, mixing character classes, and not a reference,
 * word, number, path or placeholder.
 */
export function plausibleSecretValue(value: string, quoted = true): boolean {
  if (value.length < GENERIC_MIN_LENGTH || value.length > 256 || /\s/.test(value)) return false;
  if (!quoted && EXPRESSION.test(value)) return false;
  if (REFERENCE.test(value) || WORDLIKE.test(value) || NUMBERLIKE.test(value) || PATHLIKE.test(value)) {
    return false;
  }
  if (SELF_NAMED.test(value) || NOT_SECRET_KEY.test(value) || characterClasses(value) < 2) return false;
  return !isPlaceholder(value);
}

/**
 * A secret-looking name followed by an assignment, on lower-cased text: the same test as
 * {@link SECRET_NAME} and {@link ASSIGN}, so only lines that assign to such a name are looked at.
 */
export const SECRET_ASSIGNMENT_ANCHOR = String.raw`(?:passw(?:or)?d|passphrase|pwd|secret[_-]?key|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|auth[_-]?key)(?![a-z0-9_])["'\x60]?\]?[ \t]*(?:=>|:=|===?|!==?|[=:])`;

/** Literal, random-looking values assigned to secret-looking names (the rule sets the entropy floor). */
export const genericAssignmentDetector: Detector = {
  id: 'generic-secret-assignment',
  family: 'generic',
  keywords: [],
  anchor: SECRET_ASSIGNMENT_ANCHOR,
  identity: 'context',
  describes:
    'Literal values assigned to names that end in password, passphrase, secret, token, api_key, ' +
    'access_key, private_key or auth_key, whose value is random enough (the entropy threshold is the ' +
    "rule's `minEntropy`) and is not a placeholder, reference, word, number or path.",
  find(line, ctx) {
    const hits: LineHit[] = [];
    const configFile = CONFIG_FILE.test(ctx.path);
    const codeFile = !configFile && CODE_FILE.test(ctx.path);
    SECRET_NAME.lastIndex = 0;
    for (let m = SECRET_NAME.exec(line); m; m = SECRET_NAME.exec(line)) {
      const end = m.index + m[0].length;
      let start = m.index;
      while (start > 0 && m.index - start < 64 && NAME_CHAR.test(line[start - 1]!)) start -= 1;
      ASSIGN.lastIndex = end;
      const assign = ASSIGN.exec(line);
      if (!assign || !/[=:]/.test(assign[0])) continue;
      const valueAt = end + assign[0].length;
      QUOTED.lastIndex = valueAt;
      const quoted = QUOTED.exec(line);
      let value: string | undefined;
      let valueStart = valueAt;
      if (quoted) {
        value = quoted[1] ?? quoted[2] ?? quoted[3];
        valueStart += 1;
      } else if (
        !codeFile &&
        (configFile || isConfigStyle(line, start) || line.slice(start - 2, start) === '--')
      ) {
        UNQUOTED.lastIndex = valueAt;
        value = UNQUOTED.exec(line)?.[1];
      }
      if (value === undefined || !plausibleSecretValue(value, quoted !== null)) continue;
      hits.push({
        start: valueStart,
        end: valueStart + value.length,
        value,
        label: 'secret',
        context: line.slice(start, end).replace(/^[-.]+/, ''),
        entropy: shannonEntropy(value),
      });
    }
    return hits;
  },
};

/** `NAME=value`, `export NAME=value`, `name: value` and `- name: value` at the start of a line. */
function isConfigStyle(line: string, nameStart: number): boolean {
  return /^[ \t]*(?:export[ \t]+|-[ \t]+)?["']?$/.test(line.slice(0, nameStart));
}
