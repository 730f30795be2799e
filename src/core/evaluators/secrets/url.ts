import { defaultPassword, standIn } from './judge.js';
import type { Confidence, Detector, LineHit } from './types.js';
import { characterClasses, isPlaceholder, shannonEntropy } from './values.js';

/**
 * Credentials in the user information of URLs (`scheme://user:password@host`), parsed from the
 * right: the host is what follows the LAST `@` of the authority, so a password holding `@` or `:` is
 * taken whole (`postgres://app:p@ss:w0rd@db`), and a token standing in the user position
 * (`https://TOKEN:x-oauth-basic@github.com`, `https://TOKEN@github.com`) is the secret, never shown.
 * Messages show the scheme, the host, and the user only when it is a plain name.
 */

/** A URL's authority and what follows it, up to whitespace, quotes or brackets that never belong to it. */
const AUTHORITY = /[^\s"'`<>\\{}|^]{0,512}/y;
/**
 * A host after the `@`: a name or an IPv6 literal, an optional numeric port, then the end of the
 * authority (path, query, fragment, a delimiter). `ss:w0rd` is not a host, so the `@` before it was
 * part of a password.
 */
const HOST_AT =
  /^([A-Za-z0-9_](?:[A-Za-z0-9._-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?(?=$|[/?#;,)\]])/;
const SCHEME_CHAR = /[A-Za-z0-9+.-]/;

/** Hosts that only the developer's own machine or documentation can reach. */
export const HARMLESS_HOST =
  /^(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|0\.0\.0\.0|\[::1?\]|host\.docker\.internal)$|(?:^|\.)(?:example\.(?:com|org|net)|localhost|test|invalid|example|local)$/i;

export { DEFAULT_PASSWORDS, defaultPassword } from './judge.js';

/** Passwords that say "the token is the user name" (GitHub's OAuth convention). */
const TOKEN_IN_USER_PASSWORDS = new Set(['x-oauth-basic', 'x-access-token', 'oauth2', '']);

/** The parts of one URL's user information. */
export interface UrlCredential {
  scheme: string;
  user: string;
  /** undefined when the authority has no `:` after the user. */
  password: string | undefined;
  host: string;
  /** Offsets in the line of the user and of the password. */
  userStart: number;
  passwordStart: number;
  /** More than one `@` could end the user information: the host is not shown. */
  ambiguous: boolean;
  /** What follows the host in the authority's text (port and path), e.g. `/42`. */
  rest: string;
}

/**
 * Parses the credential of the URL whose `://` is at `at`, or undefined. The authority runs to the
 * first character that cannot be in it; the user information ends at the LAST `@` followed by a
 * host, so a password holding `@`, `:` or `/` is taken whole. When several `@` are followed by
 * something host-like (`u:p@ss/x@db`, `u:t@github.com/o/r@v1`), which part is the password cannot be
 * known: the longest reading is the secret, and nothing after the scheme is shown (`ambiguous`).
 */
export function parseUrlCredential(line: string, at: number): UrlCredential | undefined {
  let s = at;
  while (s > 0 && at - s < 32 && SCHEME_CHAR.test(line[s - 1]!)) s -= 1;
  const scheme = line.slice(s, at).toLowerCase();
  if (!/^[a-z]/.test(scheme)) return undefined;
  const from = at + 3;
  AUTHORITY.lastIndex = from;
  const candidate = AUTHORITY.exec(line)![0];
  const ats: number[] = [];
  for (let i = candidate.indexOf('@'); i !== -1 && ats.length < 16; i = candidate.indexOf('@', i + 1)) {
    if (i > 0 && HOST_AT.test(candidate.slice(i + 1))) ats.push(i);
  }
  // Readings from the longest: user information is `user` or `user:password`, with no path in the
  // user (`github.com/org/repo@v1`) and no port for a password (`host:8080/path@x`).
  const readings = ats.filter((end) => {
    const info = candidate.slice(0, end);
    const colon = info.indexOf(':');
    if (/[/?#]/.test(colon === -1 ? info : info.slice(0, colon))) return false;
    return colon === -1 || !/^[0-9]{1,5}(?:[/?#]|$)/.test(info.slice(colon + 1));
  });
  const userEnd = readings[readings.length - 1];
  if (userEnd === undefined) return undefined;
  const info = candidate.slice(0, userEnd);
  const colon = info.indexOf(':');
  const user = colon === -1 ? info : info.slice(0, colon);
  const password = colon === -1 ? undefined : info.slice(colon + 1);
  const afterUser = candidate.slice(userEnd + 1);
  const host = HOST_AT.exec(afterUser)![1]!;
  return {
    scheme,
    user,
    password,
    host,
    userStart: from,
    passwordStart: from + colon + 1,
    ambiguous: readings.length > 1,
    rest: afterUser.slice(host.length),
  };
}

/**
 * A Sentry DSN (`https://<32 hex>@<host>/<project number>`, `…@o<N>.ingest.sentry.io/<project>`):
 * its key is public by design, meant to be shipped in the clients that report errors (Sentry's own
 * documentation says so). Project numbers of sentry.io have 16 digits since 2022 (`/4504056043470848`).
 */
function isSentryDsn(c: UrlCredential): boolean {
  return (
    /^https?$/.test(c.scheme) &&
    /^[0-9a-f]{32}$/.test(c.user) &&
    /^(?::\d{1,5})?\/(?:[\w.-]+\/)*\d{1,20}\/?$/.test(c.rest)
  );
}

/**
 * A DSN that also carries the old secret key (`https://<key>:<32 hex>@sentry.io/<project>`), as
 * clients written before Sentry 9 were given: that key too only authenticates sending events to the
 * project, and Sentry no longer asks for it. It is still a password in a URL, so it is reported, with
 * low confidence and the reason.
 */
function isSentryDsnWithSecret(c: UrlCredential): boolean {
  return isSentryDsn(c) && c.password !== undefined && /^[0-9a-f]{32}$/.test(c.password);
}

/** A user name that can be shown: a short plain identifier, not something random enough to be a token. */
export function showableUser(user: string): boolean {
  return /^[A-Za-z][A-Za-z0-9._-]{0,31}$/.test(user) && !looksRandom(user);
}

/** Long, mixed and high in entropy: a generated token rather than a name or a chosen word. */
export function looksRandom(value: string): boolean {
  return value.length >= 16 && characterClasses(value) >= 2 && shannonEntropy(value) >= 3.5;
}

/** `scheme://user@host`, or `scheme://host` when the user may itself be a credential. */
function context(c: UrlCredential): string {
  if (c.ambiguous) return `${c.scheme}://…`;
  return showableUser(c.user) ? `${c.scheme}://${c.user}@${c.host}` : `${c.scheme}://${c.host}`;
}

/**
 * The secret in a URL's user information, or undefined: the password, or the user when it is a
 * token. `strict` (a credential store) reports every entry; otherwise local hosts, default and
 * placeholder passwords, and passwords equal to the user are left alone.
 */
export function urlSecret(c: UrlCredential, strict: boolean): LineHit | undefined {
  const tokenInUser = looksRandom(c.user) && !isPlaceholder(c.user) && !/^[$%{<]/.test(c.user);
  if (c.password === undefined || TOKEN_IN_USER_PASSWORDS.has(c.password.toLowerCase())) {
    if (!tokenInUser || (!strict && HARMLESS_HOST.test(c.host))) return undefined;
    if (c.password === undefined && isSentryDsn(c)) return undefined;
    return {
      start: c.userStart,
      end: c.userStart + c.user.length,
      value: c.user,
      label: `token in the user name of a ${c.scheme} URL`,
      context: context(c),
      confidence: 'high',
    };
  }
  const p = c.password;
  if (p.length < (strict ? 1 : 4) || isPlaceholder(p) || /^[$%]/.test(p)) return undefined;
  if (!strict && (HARMLESS_HOST.test(c.host) || p === c.user || defaultPassword(p))) {
    return undefined;
  }
  // Documentation's passwords are words (`supersecret`, `redis`, `key_1234`, `password123`).
  if (!strict && standIn(p)) return undefined;
  const dsn = !strict && isSentryDsnWithSecret(c);
  const confidence: Confidence = dsn ? 'low' : looksRandom(p) || p.length >= 12 ? 'high' : 'medium';
  return {
    start: c.passwordStart,
    end: c.passwordStart + p.length,
    value: p,
    label: `password in a ${c.scheme} URL`,
    context: context(c),
    confidence,
    ...(dsn
      ? {
          note: "a Sentry DSN's legacy secret key, which only authenticates sending events and Sentry no longer requires",
        }
      : {}),
  };
}

/**
 * `://user:password@`: a URL with user information, not every URL. The user information is only
 * looked ahead at, so a token inside it is still seen by its own detector.
 */
const URL_CREDENTIALS = /:\/\/(?=[^\s"'\x60<>]{1,256}@)/y;

/** Passwords (and tokens in the user position) in URLs and connection strings. */
export const connectionStringDetector: Detector = {
  id: 'connection-string-password',
  family: 'connection-string',
  keywords: ['://'],
  confirm: URL_CREDENTIALS,
  identity: 'context',
  describes:
    'Passwords in URLs and connection strings (`scheme://user:password@host`, also when the password ' +
    'holds `@` or `:`), and tokens in the user position (`https://TOKEN@host`), except interpolated, ' +
    'placeholder and default passwords (also in leetspeak: `P@ssw0rd`), passwords equal to the user name, ' +
    'loopback or example hosts, and ' +
    "the public key of a Sentry DSN (a DSN's legacy secret key is reported with low confidence).",
  find(line) {
    const hits: LineHit[] = [];
    for (let at = line.indexOf('://'); at !== -1; at = line.indexOf('://', at + 3)) {
      const c = parseUrlCredential(line, at);
      const hit = c && urlSecret(c, false);
      if (hit) hits.push(hit);
    }
    return hits;
  },
};

/**
 * A password key of a key-value connection string (ADO.NET, ODBC, Npgsql, MySQL Connector, JDBC for
 * SQL Server: `Server=db;User ID=app;Password=...`), its value up to the next `;`, quote or tag.
 */
const KV_PASSWORD_AT = /(?<![A-Za-z0-9_])(?:password|pwd)[ \t]*=/gi;
/** Keys naming the server and the user of a key-value connection string. */
const KV_HOST = /^(?:server|data source|datasource|host|hostname|address|addr|network address)$/i;
const KV_USER = /^(?:user id|userid|uid|user|username|user name)$/i;
/** Where a connection string written in a string, an attribute or a line of configuration ends. */
const KV_BOUNDARY = /["'`<>\\]/;
/**
 * A value a build or a release fills in (`${DB_PASS}`, `%DB_PASS%`, `{0}`, Maven's `@db.password@`,
 * Octopus's and Azure DevOps' `#{DbPassword}`), not a password. A password may still start with `@`
 * or `#` (`@x9Kq!...`).
 */
const KV_TOKEN = /^(?:[$%{]|@[\w.-]*@|@\{|#\{|#[\w.-]+#)/;
/** Hosts of the developer's own machine that SQL Server's clients name (`.`, `(local)`, `(localdb)\\x`). */
const KV_LOCAL_HOST = /^(?:\.|\(local\)|\(localdb\)|tcp:(?:localhost|127\.0\.0\.1)|np:|lpc:)/i;

/**
 * Passwords in key-value connection strings: a `Password` (or `Pwd`) key among `;`-separated pairs
 * that also name a server and a user, as .NET's `appsettings.json` and `Web.config`, ODBC DSNs and
 * JDBC URLs for SQL Server write them, or among space-separated pairs naming a `host` (or `hostaddr`)
 * and a `user`, as PostgreSQL's libpq reads them (a DSN without a host goes to the local socket). Judged as a URL's password is: placeholders, interpolations,
 * default passwords, a password equal to the user, and servers on the developer's own machine are
 * left alone.
 */
export const keyValueConnectionStringDetector: Detector = {
  id: 'key-value-connection-string',
  family: 'connection-string',
  keywords: ['password', 'pwd'],
  confirm: /(?:password|pwd)[ \t]*=/iy,
  identity: 'context',
  describes:
    'Passwords in key-value connection strings (`Server=db;User ID=app;Password=...`: ADO.NET, ODBC, ' +
    "Npgsql, JDBC for SQL Server; libpq's `host=db user=app password=...`) that name a server and a " +
    'user, except interpolated, placeholder and ' +
    'default passwords (also in leetspeak: `P@ssw0rd`), passwords equal to the user name, and servers on ' +
    "the developer's own machine.",
  find(line) {
    const hits: LineHit[] = [];
    KV_PASSWORD_AT.lastIndex = 0;
    for (let m = KV_PASSWORD_AT.exec(line); m; m = KV_PASSWORD_AT.exec(line)) {
      // The connection string is the run of the line between quotes or tags around the key.
      let from = m.index;
      while (from > 0 && !KV_BOUNDARY.test(line[from - 1]!)) from -= 1;
      let to = m.index + m[0].length;
      while (to < line.length && !KV_BOUNDARY.test(line[to]!)) to += 1;
      const run = line.slice(from, to);
      let pairs = kvPairs(run.split(';'));
      // JDBC for SQL Server names the server in a URL before the pairs (`jdbc:sqlserver://db:1433;user=...`).
      let host =
        [...pairs].find(([k]) => KV_HOST.test(k))?.[1] ??
        /:\/\/([A-Za-z0-9_][A-Za-z0-9._-]{0,252})/.exec(run.split(';')[0]!)?.[1];
      let user = [...pairs].find(([k]) => KV_USER.test(k))?.[1];
      // libpq's form (PostgreSQL's clients, Go's lib/pq and pgx, psycopg): pairs apart by spaces.
      let separator: RegExp = /;/g;
      if ((!host || user === undefined) && !run.includes(';')) {
        pairs = kvPairs(run.trim().split(/\s+/));
        host = pairs.get('host') ?? pairs.get('hostaddr');
        user = pairs.get('user');
        separator = /\s/g;
      }
      if (!host || user === undefined) continue;
      separator.lastIndex = m.index + m[0].length;
      const end = separator.exec(line)?.index ?? -1;
      const raw = line.slice(m.index + m[0].length, end === -1 || end > to ? to : end);
      const password = raw.trim();
      const start = m.index + m[0].length + raw.indexOf(password);
      const hostName = host.replace(/^tcp:/i, '').replace(/[,:\\].*$/, '');
      if (
        password.length < 4 ||
        isPlaceholder(password) ||
        KV_TOKEN.test(password) ||
        password === user ||
        defaultPassword(password) ||
        standIn(password) ||
        HARMLESS_HOST.test(hostName) ||
        KV_LOCAL_HOST.test(host) ||
        /^[$%{]/.test(host)
      )
        continue;
      hits.push({
        start,
        end: start + password.length,
        value: password,
        label: 'password in a connection string',
        context: showableUser(user) ? `${user}@${hostName}` : hostName,
        confidence: looksRandom(password) || password.length >= 12 ? 'high' : 'medium',
      });
    }
    return hits;
  },
};

/** The `key=value` parts of a connection string, keys in lower case. */
function kvPairs(parts: readonly string[]): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq > 0) pairs.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return pairs;
}

/** `.git-credentials`: git's plain-text credential store, one URL with its credential per line. */
export const gitCredentialsDetector: Detector = {
  id: 'git-credentials',
  family: 'credential',
  keywords: ['://'],
  paths: /(?:^|\/)\.git-credentials$/,
  identity: 'context',
  describes: "Entries of git's plain-text credential store (`.git-credentials`), whatever the host.",
  find(line) {
    const at = line.indexOf('://');
    const c = at === -1 ? undefined : parseUrlCredential(line, at);
    const hit = c && urlSecret(c, true);
    return hit ? [{ ...hit, label: `credential in git's credential store (${hit.label})` }] : [];
  },
};
