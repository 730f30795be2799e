import type { ShellCommand, ShellRedirect, ShellWord } from '../../parsers/shell.js';
import { type CommandView, programName, SHELLS } from '../../parsers/shell-commands.js';

/**
 * What a request of an HTTP client (curl, wget) is for, as far as one command line tells: where it
 * goes (its URLs) and where its response goes (a file, a shell, or back to the script). A flag that
 * turns certificate checks off matters only for `https://`, and a response that is stored or run
 * feeds whatever is being built, where a response read by the script only is one service talking to
 * another (see request-grading.ts).
 */

/** What a request command does, for grading a certificate flag on it. */
export interface RequestFacts {
  /** Every URL the flag is about is `http://`: the flag has no certificate to skip. */
  plainHttp: boolean;
  /** Sent through a local socket (`--unix-socket`): no network path to intercept. */
  localSocket: boolean;
  /** The response is stored in a file or run as code. */
  feeds: 'saved' | 'executed' | undefined;
  /** The URLs the flag is about (the proxies' for `--proxy-insecure`); none when they are unknown. */
  urls: string[];
  /**
   * The request may send a credential: a user or password, a header or cookie, a client certificate,
   * a netrc file, a body, a config file (`curl -K`, which may hold any of those), or a URL with user
   * information, a credential in its query string or a secret's value.
   */
  credential: boolean;
  /**
   * A HEAD request (`curl -I`/`--head`, `wget --spider`): the server answers with a status and
   * headers only, no body.
   */
  head: boolean;
  /**
   * The response is only shown in the log or thrown away: it is not stored in a file (`-o file`,
   * `> file`), captured (`$(curl ...)`), piped on or run (`curl -k https://app.example/health`,
   * `curl -k -o /dev/null ...`).
   */
  shownOnly: boolean;
}

interface Client {
  /** Short options that take a value (the rest of the cluster or the next word). */
  shortValues: string;
  /** Short option letter -> its long name, for the options that matter here. */
  shortNames: Record<string, string>;
  /** Long options whose next word is always their value. */
  longValues: ReadonlySet<string>;
  /** The response goes to a file unless the output is `-` (wget), or to stdout (curl). */
  savesByDefault: boolean;
}

const CURL: Client = {
  shortValues: 'AbcCdDeEFHKmoPQrtTuUwxXYyz',
  shortNames: {
    o: 'output',
    O: 'remote-name',
    x: 'proxy',
    K: 'config',
    u: 'user',
    H: 'header',
    b: 'cookie',
    d: 'data',
    F: 'form',
    E: 'cert',
    n: 'netrc',
    T: 'upload-file',
    I: 'head',
  },
  longValues: new Set([
    'url',
    'output',
    'proxy',
    'preproxy',
    'config',
    'unix-socket',
    'abstract-unix-socket',
  ]),
  savesByDefault: false,
};

const WGET: Client = {
  shortValues: 'oaeiBtOTwQPUlARDIX',
  shortNames: { O: 'output-document', i: 'input-file' },
  longValues: new Set(['output-document', 'input-file']),
  savesByDefault: true,
};

/** Clients known by their options; other downloaders (yt-dlp) are taken to store what they fetch. */
const CLIENTS = new Map<string, Client>([
  ['curl', CURL],
  ['wget', WGET],
  ['wget2', WGET],
]);

const OTHER: Client = { shortValues: '', shortNames: {}, longValues: new Set(), savesByDefault: true };

/**
 * Options of curl and wget that send a credential or something that may hold one (a header, a
 * cookie, a body); curl's `--data-*` and `--form-*` too.
 */
const CREDENTIAL_OPTIONS = new Set([
  'user',
  'password',
  'http-user',
  'http-password',
  'ask-password',
  'use-askpass',
  'header',
  'cookie',
  'load-cookies',
  'oauth2-bearer',
  'aws-sigv4',
  'cert',
  'key',
  'certificate',
  'private-key',
  'netrc',
  'netrc-file',
  'netrc-optional',
  'data',
  'form',
  'json',
  'post-data',
  'post-file',
  'body-data',
  'body-file',
  'upload-file',
]);

/** Long options known to take no value (the next word is an operand). */
const NO_VALUE = new Set(['head', 'spider']);

/** A URL with user information (`https://user:secret@host/`). */
const USER_INFO = /^["']?[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/[^\s/?#@]{1,256}@/;

/**
 * A URL that carries a credential past its user information: a query parameter named for one
 * (`?token=`, `&api_key=`, `access_token=`, `key=`, `sig=`, `X-Amz-Signature=`), a secret of the
 * workflow (`${{ secrets.API_TOKEN }}`, `${{ github.token }}`), or a variable named like a secret
 * (`$API_TOKEN`, `${DEPLOY_PASSWORD}`) anywhere in it.
 */
const URL_CREDENTIAL = [
  /[?&;#][^=&#;\s]*(?:token|key|secret|passw|pwd|pass|sig|auth|credential|session|jwt|bearer)[^=&#;\s]*=/i,
  /\$\{\{[^}]*\b(?:secrets\.|github\.token\b)/,
  /\$\{?[A-Za-z_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|PASS|API_?KEY|ACCESS_KEY|PRIVATE_KEY|AUTH|CREDENTIALS?|SIG(?:NATURE)?)(?:_[A-Za-z0-9_]*)?\b/i,
];

/** Whether a URL carries a credential in its user information, query string or a secret's value. */
function urlCredential(url: string): boolean {
  return USER_INFO.test(url) || URL_CREDENTIAL.some((re) => re.test(url));
}

/** Outputs that show or discard the response instead of storing it. */
const NOT_A_FILE = /^(?:-|\/dev\/(?:null|stdout|stderr|tty))$/;

/** Programs that run the script they read on standard input, or one given to them whole. */
const INTERPRETERS = new Set(['python', 'python2', 'python3', 'perl', 'ruby', 'node', 'php', 'pwsh', 'iex']);
/** Programs that run their argument (`eval "$(curl ...)"`, `source <(curl ...)`). */
const EVALUATORS = new Set(['eval', 'source', '.']);
/** Programs that unpack or install what they read: the response ends up in files. */
const UNPACKERS = new Set(['tar', 'bsdtar', 'unzip', 'cpio', 'apt-key', 'dpkg', 'rpm', 'install']);

/**
 * The facts of the request made by the command `views[index]` of `source`, whose client is the first
 * word from its program on that is one of `clients` (`docker run img curl ...`: curl), for the
 * certificate flag `flag`: `--proxy-insecure` is about the proxy's certificate, not the server's.
 */
export function requestFacts(
  source: string,
  views: readonly CommandView[],
  index: number,
  clients: ReadonlySet<string>,
  flag: string,
): RequestFacts {
  const view = views[index]!;
  const words = view.command.words;
  let at = view.nameIndex;
  while (clients.size > 0 && at < words.length && !clients.has(programName(words[at]!.value))) at++;
  const client = CLIENTS.get(programName(words[at]?.value ?? '')) ?? OTHER;
  const args = parseArguments(words, at + 1, client);
  // URLs from a file (`curl -K`, `wget -i`) or from the environment (a proxy) are unknown.
  const urls = aboutProxy(flag) ? args.proxies : args.config || args.inputFile ? [] : args.targets;
  const plainHttp = urls.length > 0 && urls.every((u) => /^http:\/\//i.test(u));
  let feeds: RequestFacts['feeds'] = args.saved ? 'saved' : undefined;
  if (!feeds && args.toStdout) feeds = whereOutputGoes(source, views, index);
  // A config file (`curl -K file`) may hold headers, a user and a password, as it may hold URLs.
  const credential = args.credential || args.config || args.targets.some(urlCredential);
  const shownOnly = !args.saved && (!args.toStdout || printedOnly(source, view.command));
  return { plainHttp, localSocket: args.localSocket, feeds, urls, credential, head: args.head, shownOnly };
}

/**
 * Whether what a command prints goes to the log as far as its line shows: it is no command of a
 * substitution (`$(...)`, `<(...)`), nothing reads it through a pipe, no redirection stores it, and
 * no subshell it ends is piped on. A block whose output the file pipes or stores as a whole
 * (`done | sh`) is for the caller to see (see `groupsOutput`).
 */
function printedOnly(source: string, command: ShellCommand): boolean {
  return (
    command.parent === undefined &&
    command.next !== '|' &&
    command.next !== '|&' &&
    command.next !== ')' &&
    !command.redirects.some((r) => storesOutput(source, r))
  );
}

/** Whether a certificate flag is about the proxy's certificate (`--proxy-insecure`), not the server's. */
export function aboutProxy(flag: string): boolean {
  return flag.startsWith('--proxy-');
}

interface Arguments {
  targets: string[];
  proxies: string[];
  config: boolean;
  inputFile: boolean;
  localSocket: boolean;
  saved: boolean;
  toStdout: boolean;
  credential: boolean;
  head: boolean;
}

function parseArguments(words: readonly ShellWord[], from: number, client: Client): Arguments {
  const out: Arguments = {
    targets: [],
    proxies: [],
    config: false,
    inputFile: false,
    localSocket: false,
    saved: client.savesByDefault,
    toStdout: !client.savesByDefault,
    credential: false,
    head: false,
  };
  const option = (name: string, value: string | undefined) => {
    if (CREDENTIAL_OPTIONS.has(name) || /^(?:data|form)-/.test(name)) out.credential = true;
    switch (name) {
      case 'url':
        if (value !== undefined) out.targets.push(value);
        break;
      case 'proxy':
      case 'preproxy':
        if (value !== undefined) out.proxies.push(value);
        break;
      case 'config':
        out.config = true;
        break;
      case 'input-file':
        out.inputFile = true;
        break;
      case 'unix-socket':
      case 'abstract-unix-socket':
        out.localSocket = true;
        break;
      case 'output':
      case 'output-document':
        if (value !== undefined && NOT_A_FILE.test(value)) {
          out.saved = false;
          out.toStdout = value === '-';
        } else {
          out.saved = true;
          out.toStdout = false;
        }
        break;
      case 'remote-name':
      case 'remote-name-all':
        out.saved = true;
        out.toStdout = false;
        break;
      case 'head':
        out.head = true;
        break;
      case 'spider':
        out.head = true;
        out.saved = false;
        out.toStdout = false;
        break;
      case 'delete-after':
        out.saved = false;
        out.toStdout = false;
        break;
    }
  };
  let operands = false;
  for (let i = from; i < words.length; i++) {
    const v = words[i]!.value;
    if (operands || !v.startsWith('-') || v === '-') {
      out.targets.push(v);
    } else if (v === '--') {
      operands = true;
    } else if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const name = v.slice(2, eq < 0 ? undefined : eq);
      let value = eq < 0 ? undefined : v.slice(eq + 1);
      const next = words[i + 1]?.value;
      // An unknown long option takes the next word unless that word looks like a URL (or may be one).
      if (value === undefined && next !== undefined && !NO_VALUE.has(name)) {
        if (client.longValues.has(name) || !/^[-$`]|:\/\//.test(next)) {
          value = next;
          i++;
        }
      }
      option(name, value);
    } else {
      for (let k = 1; k < v.length; k++) {
        const c = v[k]!;
        if (client.shortValues.includes(c)) {
          const value = k + 1 < v.length ? v.slice(k + 1) : words[++i]?.value;
          option(client.shortNames[c] ?? '', value);
          break;
        }
        option(client.shortNames[c] ?? '', undefined);
      }
    }
  }
  return out;
}

/** Whether what a command prints is stored (redirected, piped into tee or an unpacker) or run. */
function whereOutputGoes(
  source: string,
  views: readonly CommandView[],
  index: number,
): RequestFacts['feeds'] {
  const first = views[index]!.command;
  // `bash <(curl ...)`, `sh -c "$(curl ...)"`, `eval "$(curl ...)"`: the holder runs the response.
  const holder = first.parent && views.find((v) => v.command === first.parent!.command);
  if (holder && runs(holder, true)) return 'executed';
  for (let j = index, steps = 0; steps < 64; steps++) {
    const view = views[j]!;
    const c = view.command;
    if (j !== index) {
      if (runs(view, false)) return 'executed';
      if (UNPACKERS.has(view.name)) return 'saved';
      if (view.name === 'tee' && c.words.slice(view.nameIndex + 1).some(isFileArgument)) return 'saved';
    }
    if (c.redirects.some((r) => storesOutput(source, r))) return 'saved';
    if (c.next !== '|' && c.next !== '|&') return undefined;
    // The next command of the pipeline: the next one at the same depth.
    let k = j + 1;
    while (k < views.length && k < j + 64 && views[k]!.command.depth > c.depth) k++;
    if (k >= views.length || views[k]!.command.depth !== c.depth) return undefined;
    j = k;
  }
  return undefined;
}

/** `> file`, `>> file`, `&> file` (not `2> file`, `> /dev/null`, `>&2`). */
function storesOutput(source: string, r: ShellRedirect): boolean {
  if (!/^(?:>|>>|>\||&>|&>>)$/.test(r.op) || !r.target || isNotFile(r.target.value)) return false;
  // The lexer keeps no file descriptor: it is the digit just before the operator, if any.
  let i = r.target.start - 1;
  while (i >= 0 && (source[i] === ' ' || source[i] === '\t')) i--;
  const fd = source[i - r.op.length];
  return fd === undefined || !/\d/.test(fd) || fd === '1';
}

function isNotFile(target: string): boolean {
  return NOT_A_FILE.test(target) || /^&?\d+$/.test(target);
}

function isFileArgument(w: ShellWord): boolean {
  return !w.value.startsWith('-') && !isNotFile(w.value);
}

/**
 * Whether a command runs the script it reads (`| sh`, `| python3 -`) or, holding a substitution,
 * the text of it (`eval "$(...)"`, `bash <(...)`). `| sh -c '...'` and `| python3 -c '...'` run
 * their own script and read the response as data.
 */
function runs(view: CommandView, holding: boolean): boolean {
  const name = view.name;
  if (holding && EVALUATORS.has(name)) return true;
  const shell = SHELLS.has(name);
  if (!shell && !INTERPRETERS.has(name) && !/^python[0-9.]*$/.test(name)) return false;
  const args = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
  const inline = shell ? /^-[a-zA-Z]*c[a-zA-Z]*$/ : /^-[a-zA-Z]*[cepr]$|^--?(?:eval|print|command)$/i;
  // `sh -c "$(curl ...)"` runs the response; `curl ... | sh -c 'jq ...'` does not.
  if (args.some((a) => inline.test(a))) return holding;
  if (holding || shell) return true;
  const operand = args.find((a) => !a.startsWith('-') || a === '-');
  return operand === undefined || operand === '-';
}
