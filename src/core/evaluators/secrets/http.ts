import { base64UserPassword } from './checksums.js';
import { algoliaConfig } from './context.js';
import { nonAscii, standIn } from './judge.js';
import { isSampleJwt } from './jwt.js';
import type { Confidence, Detector, LineHit } from './types.js';
import { defaultPassword, looksRandom } from './url.js';
import { characterClasses, isCiphertext, isPlaceholder, shannonEntropy } from './values.js';

/**
 * Credentials handed to HTTP clients and command-line tools: `curl -u user:password`, an
 * `Authorization:` header (Basic credentials are decoded and must hold a password; Bearer and token
 * values must look random), API-key headers, and password flags (`--password`, `docker login -p`,
 * `sshpass -p`, `mysql -p...`). Values read from variables, templates or prompts are not secrets.
 */

/** A value taken from elsewhere at run time, or one that documentation uses. */
function notLiteral(value: string): boolean {
  return /^[$%{<[]|^@\w|\$\{|\$\(|`/.test(value) || isPlaceholder(value) || isCiphertext(value);
}

/** A password given literally: not a variable, placeholder, default, word or prose. */
function literalPassword(p: string): boolean {
  return p.length >= 4 && !notLiteral(p) && !defaultPassword(p) && !standIn(p) && !nonAscii(p);
}

/** A token given literally: long and random-looking, not a URL (an OAuth `authorization:` endpoint). */
function literalToken(t: string): boolean {
  if (/\(|^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(t)) return false; // `process.env.X`, `f(x)`
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(t)) return false;
  if (!/^[A-Za-z0-9._~+/=:-]+$/.test(t) || standIn(t) || isSampleJwt(t)) return false;
  return t.length >= 16 && !notLiteral(t) && shannonEntropy(t) >= 3.3 && looksRandom(t);
}

/**
 * How sure an explicit credential is: the syntax says it is one (`-p`, `-u user:`, `Authorization:`),
 * so only a short or word-like value is in doubt.
 */
function explicitConfidence(value: string): Confidence {
  return value.length >= 8 && characterClasses(value) >= 2 ? 'high' : 'medium';
}

const CURL_USER =
  /(?:^|[\s;(|&])(?:-u|--user|--proxy-user|-U)(?:[ \t]+|=)?(["']?)([^\s"':]{0,128}):([^\s"']{0,256})\1/g;

/** Whether the line starting at `offset` continues (`\\` at line ends) a command that runs curl. */
function continuesCurl(text: string, offset: number): boolean {
  let end = offset - 1;
  for (let i = 0; i < 10 && end > 0; i++) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const prev = text.slice(start, end).replace(/\r$/, '');
    if (!prev.trimEnd().endsWith('\\')) return false;
    if (/\bcurl\b/.test(prev)) return true;
    end = start - 1;
  }
  return false;
}

/** `curl -u user:password` (also on a continuation line of a curl command). */
export const curlUserDetector: Detector = {
  id: 'curl-user-password',
  family: 'http',
  keywords: ['-u ', '-u"', "-u'", '--user', '-u=', '--proxy-user'],
  identity: 'context',
  describes:
    '`curl -u user:password` and `--user` with a literal password, or a token as the user name ' +
    '(`-u sk_...:`), on the command line or a continuation line of a curl command.',
  find(line, ctx) {
    if (!/\bcurl\b/.test(line) && !continuesCurl(ctx.text, ctx.offset)) return [];
    const hits: LineHit[] = [];
    CURL_USER.lastIndex = 0;
    for (let m = CURL_USER.exec(line); m; m = CURL_USER.exec(line)) {
      const [, quote = '', user = '', password = ''] = m;
      const userStart = m.index + m[0].length - quote.length - password.length - 1 - user.length;
      const shown = /^[A-Za-z][\w.@-]{0,40}$/.test(user) && !looksRandom(user) ? user : undefined;
      if (password === '' && literalToken(user)) {
        hits.push({
          start: userStart,
          end: userStart + user.length,
          value: user,
          label: 'token passed to curl -u',
          confidence: 'high',
        });
      } else if (literalPassword(password) && password !== user) {
        const start = userStart + user.length + 1;
        hits.push({
          start,
          end: start + password.length,
          value: password,
          label: 'password passed to curl -u',
          context: shown ? `curl -u ${shown}` : 'curl -u',
          confidence: explicitConfidence(password),
        });
      }
    }
    return hits;
  },
};

/** Header names whose value is a credential. */
const HEADER =
  /(?<![\w-])(proxy-authorization|authorization|x-api-key|api-key|apikey|x-apikey|x-auth-token|x-access-token|private-token|x-functions-key|ocp-apim-subscription-key)["']?[ \t]*:[ \t]*["']?(?:(basic|bearer|token|apikey|api-key|sso-key|key)[ \t]+)?([A-Za-z0-9._~+/=:-]{8,4096})/gi;

/** What stands before an API-key header name when it is one: `-H "`, `--header`, a request's header call. */
const HEADER_CONTEXT = /(?:-H|--header)[ \t=]*["']?$|(?:header|headers|setRequestHeader|set)\b[^\n]{0,40}$/i;

/** A declaration keyword, or the opening parenthesis of a parameter list, before a name. */
const DECLARES =
  /(?:^|[\s(])(?:let|var|val|const|readonly|private|public|protected|internal|fileprivate|static|lateinit|override|final)[ \t]+$|\([ \t]*$/;
/** What follows a type annotation's type: an assignment, an optional or generic mark, a body or the list's end. */
const AFTER_TYPE = /^[ \t]*(?:=(?!=)|[?!<{)])/;

/**
 * Whether a header-like match is a typed name in code: `let authorization: CLAccuracyAuthorization =
 * manager.accuracyAuthorization` (Swift, Kotlin, TypeScript, Python annotations), where the "value"
 * is an unquoted type name that a declaration keyword or a parameter list precedes, or an
 * assignment, an optional or generic mark follows. A header's value is never followed by them.
 */
function typeAnnotation(line: string, nameAt: number, value: string, valueAt: number): boolean {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value) || /["']/.test(line[valueAt - 1] ?? '')) return false;
  return DECLARES.test(line.slice(0, nameAt)) || AFTER_TYPE.test(line.slice(valueAt + value.length));
}

/** `Authorization:` and API-key headers with a literal credential. */
export const authorizationHeaderDetector: Detector = {
  id: 'authorization-header',
  family: 'http',
  // A header with a value after it, not `Get("Authorization")`.
  confirm:
    /(?:proxy-authorization|authorization|x-api-key|api-key|apikey|x-apikey|x-auth-token|x-access-token|private-token|x-functions-key|ocp-apim-subscription-key)["']?[ \t]*:[ \t]*["']?[a-z0-9._~+/=-]/iy,
  keywords: [
    'authorization',
    'x-api-key',
    'api-key',
    'apikey',
    'x-auth-token',
    'x-access-token',
    'private-token',
    'x-functions-key',
    'ocp-apim-subscription-key',
  ],
  identity: 'value',
  describes:
    '`Authorization:` headers with literal Basic credentials (decoded: a user and a password) or a ' +
    'random-looking Bearer or token value, and API-key headers (`X-API-Key`, `PRIVATE-TOKEN`, ...), in ' +
    'scripts, HTTP request files, configuration and code.',
  find(line, ctx) {
    const hits: LineHit[] = [];
    HEADER.lastIndex = 0;
    for (let m = HEADER.exec(line); m; m = HEADER.exec(line)) {
      const [whole, header = '', scheme = '', value = ''] = m;
      // `apiKey: '...'` in code or configuration is an assignment (the generic detector's); as a
      // header it is sent with `-H`, set on a request, or written as an HTTP message line.
      if (/^api-?key$/i.test(header) && !HEADER_CONTEXT.test(line.slice(0, m.index))) continue;
      // Algolia's search-only key beside its application id and index: public by design.
      if (/^(?:x-)?api-?key$/i.test(header) && algoliaConfig(ctx.text)) continue;
      const start = m.index + whole.length - value.length;
      if (!scheme && typeAnnotation(line, m.index, value, start)) continue;
      const kind = scheme.toLowerCase();
      if (kind === 'basic') {
        const decoded = base64UserPassword(value);
        if (!decoded || !literalPassword(decoded.password)) continue;
        hits.push({
          start,
          end: start + value.length,
          value,
          label: 'Basic credentials in an Authorization header',
          confidence: 'high',
        });
      } else if (literalToken(value) && !/^(?:basic|bearer|token)$/i.test(value)) {
        // An unknown scheme word (`Authorization: Bearer`) without a value is not a credential.
        const label = header.toLowerCase().endsWith('authorization')
          ? `${kind || 'credential'} in an Authorization header`
          : `credential in a ${header} header`;
        hits.push({ start, end: start + value.length, value, label, confidence: explicitConfidence(value) });
      }
    }
    return hits;
  },
};

const PASSWORD_FLAG =
  /(?<![\w-])(--password|--passwd|--http-password|--proxy-password|--api-key|--apikey|--client-secret|--secret-key|--access-token|--auth-token|--token)(?:[ \t]+|=)(["']?)([^\s"'`]{1,256})\2/g;
/** A value that begins a concatenation or an interpolation (`.$c['pw']`, `+pw`, `${pw}`, `~$pw`) is code. */
const EXPRESSION_START = /^[.+$%{~]/;

/**
 * Whether the quote after `--password=` closes a string literal the flag sits in rather than opening
 * the value: `'--password='.$c['pw']`, `'--password=',pw,'--host='`. The flag is inside a literal of
 * that kind when an odd number of unescaped quotes of the kind come before it on the line, not
 * counting an apostrophe between two letters (`# don't: mysql --password='...'` still gives its value).
 */
function closesLiteral(line: string, flagAt: number, quote: string): boolean {
  let n = 0;
  for (let i = 0; i < flagAt; i++) {
    const c = line[i];
    const apostrophe = c === "'" && /[A-Za-z]/.test(line[i - 1] ?? '') && /[A-Za-z]/.test(line[i + 1] ?? '');
    if (c === '\\') i += 1;
    else if (c === quote && !apostrophe) n += 1;
  }
  return n % 2 === 1;
}

/**
 * `docker login -p secret`, `sshpass -p secret`: the value follows `-p` after a space. The flag is a
 * word of its own (a space before it), not the `:-p` of a default value (`${DB:-planetscale}`).
 */
const SPACED_P =
  /\b(docker[ \t]+login|podman[ \t]+login|helm[ \t]+registry[ \t]+login|sshpass)\b[^\n|;&]{0,200}?(?<=[ \t])-p[ \t]+(["']?)([^\s"'`-][^\s"'`]{0,255})\2/g;
/**
 * `mysql -psecret`: attached to the flag (`-p name` prompts for the password and names a database).
 * The client is a command, not a URL's scheme (`mysql://u:$P@db/${DB:-planetscale}`), and the flag a
 * word of its own.
 */
const ATTACHED_P =
  /\b(mysql|mysqladmin|mysqldump)\b(?!:\/\/)[^\n|;&]{0,200}?(?<=[ \t])-p(["']?)([^\s"'`-][^\s"'`]{0,255})\2/g;

/** Passwords and tokens given as command-line flags. */
export const passwordFlagDetector: Detector = {
  id: 'password-flag',
  family: 'http',
  keywords: [
    '--password',
    '--passwd',
    '--http-password',
    '--proxy-password',
    '--api-key',
    '--apikey',
    '--client-secret',
    '--secret-key',
    '--access-token',
    '--auth-token',
    '--token',
    'sshpass',
    ' login',
    'mysql',
  ],
  identity: 'context',
  describes:
    'Literal passwords and tokens given as command-line flags: `--password`, `--token`, `--api-key`, ' +
    '`--client-secret` (and similar), `docker login -p`, `sshpass -p`, `mysql -p...`.',
  find(line) {
    const hits: LineHit[] = [];
    PASSWORD_FLAG.lastIndex = 0;
    for (let m = PASSWORD_FLAG.exec(line); m; m = PASSWORD_FLAG.exec(line)) {
      const [whole, flag = '', quote = '', value = ''] = m;
      if (quote && closesLiteral(line, m.index, quote)) continue;
      if (EXPRESSION_START.test(value)) continue;
      const start = m.index + whole.length - quote.length - value.length;
      const ok = flag.includes('pass') ? literalPassword(value) : literalToken(value);
      if (!ok || value.startsWith('-')) continue;
      hits.push({
        start,
        end: start + value.length,
        value,
        label: `secret passed as ${flag}`,
        context: flag,
        confidence: explicitConfidence(value),
      });
    }
    for (const re of [SPACED_P, ATTACHED_P]) {
      re.lastIndex = 0;
      for (let m = re.exec(line); m; m = re.exec(line)) {
        const tool = (m[1] ?? '').replace(/\s+/g, ' ');
        const [whole, , quote = '', value = ''] = m;
        const start = m.index + whole.length - quote.length - value.length;
        if (!literalPassword(value)) continue;
        hits.push({
          start,
          end: start + value.length,
          value,
          label: `password passed to ${tool} -p`,
          context: `${tool} -p`,
          confidence: explicitConfidence(value),
        });
      }
    }
    return hits;
  },
};
