import { expandVariables, UNRESOLVED } from '../../parsers/dockerfile-words.js';
import type { ShellCommand, ShellFrame, ShellFrameAt, ShellWord } from '../../parsers/shell.js';
import type { CommandView } from '../../parsers/shell-commands.js';

/**
 * Downloads that shell scripts run one after another (a Dockerfile stage's RUNs, the `run:` steps of
 * a workflow job) install or run without checking them: a file fetched with curl or wget from an
 * http(s) URL, then unpacked (`tar -xf`, `| tar -xz`, `unzip`), made executable (`chmod +x`,
 * `install`), installed as a package (`dpkg -i`, `rpm -i`, `apk add`, `pip install`) or run, with no
 * checksum or signature check between the download and that use. The scripts share their files
 * (an image's layers, a job's workspace), each runs in a shell of its own.
 */

/** A download a script uses with no check: where the downloader's name stands, and what it fetched. */
export interface UnverifiedDownload {
  /** The script (its index in the sequence) and the offset in its text of the downloader's name. */
  run: number;
  offset: number;
  /** The file as the script names it (or the URL's last segment for a download unpacked from a pipe). */
  file: string;
  /** How it is used: `unpacked`, `made executable`, `installed`, `run`. */
  use: string;
  /** The script of the use and the offset in its text of the using command (the pipe's reader, for `curl | tar`). */
  useRun: number;
  useOffset: number;
  /** The URL as written (expansions kept). */
  url: string;
  /** The URL with the variables in force substituted (`http://` added to one with no scheme). */
  resolved: string;
  /** Whether it is fetched over plain HTTP (or FTP, or with no scheme). */
  plain: boolean;
}

const DOWNLOADERS = new Set(['curl', 'wget']);
/** Programs that print a file's digest: a check only with `-c`/`--check`, or when a comparison reads it. */
const DIGESTS = /^(?:sha(?:1|224|256|384|512)sum|shasum|md5sum|b2sum|cksum)$/;
/** Programs that read a digest and answer by their status whether it matches. */
const COMPARERS = new Set(['grep', 'cmp', 'diff']);
/** Programs a digest may pass through on its way to a comparison (`| cut -d' ' -f1 | grep -qx ...`). */
const FILTERS = new Set(['cut', 'awk', 'gawk', 'mawk', 'sed', 'tr', 'head', 'tail', 'xxd', 'base64']);
/** Test commands that compare two strings. */
const TESTS = new Set(['[', '[[', 'test']);
const COMPARISON = new Set(['=', '==', '!=']);
/** Key, signature and checksum material: what a verification reads, not what it installs. */
const VERIFICATION_MATERIAL =
  /(?:\.(?:asc|gpg|sig|sign|pub|key|pem|crt|cer|sha1|sha256|sha512|md5|sha256sum|sha512sum|minisig|sigstore|intoto\.jsonl)|\/(?:KEYS|SHA\d*SUMS(?:\.txt)?|[\w.-]*checksums?[\w.-]*))$/i;
/** Archive extractors that take the download from a pipe or as a file. */
const EXTRACTORS = new Set(['tar', 'bsdtar', 'unzip', '7z', '7za']);
/** Package installers that take a file. */
const PACKAGE_INSTALLERS = new Set([
  'dpkg',
  'rpm',
  'apk',
  'apt',
  'apt-get',
  'yum',
  'dnf',
  'zypper',
  'pip',
  'pip3',
  'gem',
]);
/** Interpreters that run a script file they are given. */
const INTERPRETERS = /^(?:(?:ba|da|z|k|mk|a)?sh|python[0-9.]*|perl|ruby|node|php|java)$/;

/** Programs a download may pass through, from a pipe, on its way to an extractor or a file. */
const DECOMPRESSORS = new Set([
  'gzip',
  'gunzip',
  'zcat',
  'xz',
  'unxz',
  'xzcat',
  'zstd',
  'unzstd',
  'zstdcat',
  'bzip2',
  'bunzip2',
  'bzcat',
  'lz4',
  'lz4cat',
  'lzma',
  'unlzma',
  'lzcat',
  'brotli',
  'pigz',
  'unpigz',
  'pv',
  'cat',
  'tee',
  'dd',
]);

/** A URL with a scheme; `http` and `ftp` are plain. */
const URL_WORD = /^(?:https?|ftp):\/\//i;
/** A URL with no scheme, which curl and wget fetch over plain HTTP: a host name with a dot, then a path. */
const BARE_URL =
  /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?::\d+)?(?:\/\S*)?$/;
/** curl's and wget's short options that take a value, and their long options that do. */
const VALUE_OPTIONS: Record<string, { short: string; long: Set<string> }> = {
  curl: {
    short: 'AbcCdDeEFHKmoPQrTtuUwxXyYz',
    long: new Set(
      (
        'output header data data-binary data-raw data-urlencode data-ascii user user-agent referer proxy ' +
        'request retry retry-delay retry-max-time max-time connect-timeout cacert capath cert key config ' +
        'cookie cookie-jar continue-at dump-header form form-string write-out range upload-file resolve ' +
        'connect-to limit-rate max-filesize output-dir proto proto-redir proto-default netrc-file interface ' +
        'dns-servers ciphers pinnedpubkey oauth2-bearer variable json time-cond speed-limit speed-time ' +
        'max-redirs unix-socket abstract-unix-socket local-port noproxy preproxy proxy-user socks4 socks4a ' +
        'socks5 socks5-hostname cert-type key-type pass proxy-header expect100-timeout keepalive-time tls-max ' +
        'aws-sigv4 url-query trace trace-ascii stderr crlfile mail-from mail-rcpt quote ftp-port ftp-method'
      )
        .split(' ')
        .map((o) => `--${o}`),
    ),
  },
  wget: {
    short: 'aABDeIilOoPQRtTUwX',
    long: new Set(
      (
        'output-document output-file append-output directory-prefix execute input-file base tries timeout ' +
        'wait quota user-agent user password header post-data post-file load-cookies save-cookies ' +
        'ca-certificate ca-directory certificate private-key level accept reject domains exclude-domains ' +
        'include-directories exclude-directories limit-rate referer method body-data body-file bind-address ' +
        'dns-timeout connect-timeout read-timeout waitretry http-user http-password ftp-user ftp-password ' +
        'proxy-user proxy-password cut-dirs config default-page max-redirect secure-protocol backups'
      )
        .split(' ')
        .map((o) => `--${o}`),
    ),
  },
};
/** Commands after a download looked at for its use: a bound on the work per download. */
const LOOK_AHEAD = 400;

function args(view: CommandView): ShellWord[] {
  return view.command.words.slice(view.nameIndex + 1);
}

/** The words of a curl or wget command that are URLs to fetch: no option, nor an option's value. */
function urlOperands(view: CommandView): ShellWord[] {
  const options = VALUE_OPTIONS[view.name]!;
  const words = args(view);
  const out: ShellWord[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!.value;
    if (w === '--') {
      out.push(...words.slice(i + 1));
      break;
    }
    if (w === '--url') {
      if (words[i + 1]) out.push(words[i + 1]!);
      i++;
    } else if (w.startsWith('--')) {
      if (!w.includes('=') && options.long.has(w)) i++;
    } else if (w.startsWith('-') && w.length > 1) {
      for (let k = 1; k < w.length; k++) {
        if (!options.short.includes(w[k]!)) continue;
        if (k === w.length - 1) i++;
        break;
      }
    } else out.push(words[i]!);
  }
  return out;
}

/** What a curl or wget command fetches: the URL as written, as resolved, and whether it is plain. */
interface Fetched {
  written: string;
  resolved: string;
  plain: boolean;
}

/**
 * The URL a curl or wget command fetches, with the variables in force substituted (the stage's ARG
 * and ENV values, and what the RUN assigned before it): one with a scheme, else a host and path with
 * none, which both programs fetch over plain HTTP. Undefined when no URL is known (a variable with no
 * known value).
 */
function fetched(view: CommandView, vars: ReadonlyMap<string, string | null>): Fetched | undefined {
  const resolve = (w: ShellWord) => ({
    written: w.value,
    resolved: w.value.includes('$') ? expandVariables(w.value, vars).text : w.value,
  });
  const operands = urlOperands(view).map(resolve);
  // A URL with a scheme: an operand, else any word (`--url=...`, an option the table does not know).
  const url =
    operands.find((o) => URL_WORD.test(o.resolved)) ??
    args(view)
      .map(resolve)
      .find((o) => URL_WORD.test(o.resolved));
  if (url) return { ...url, plain: /^(?:http|ftp):/i.test(url.resolved) };
  const bare = operands.find((o) => !o.resolved.includes(UNRESOLVED) && BARE_URL.test(o.resolved));
  return bare ? { written: bare.written, resolved: `http://${bare.resolved}`, plain: true } : undefined;
}

/** The last path segment of a URL, without its query or fragment. */
function urlName(url: string): string {
  return (
    url
      .replace(/[?#].*$/, '')
      .split('/')
      .filter(Boolean)
      .pop() ?? ''
  );
}

/** The file a curl or wget command writes its download to, `-` for standard output, undefined if unknown. */
function outputOf(view: CommandView, url: string): string | undefined {
  const words = args(view).map((w) => w.value);
  const redirect = view.command.redirects.find((r) => (r.op === '>' || r.op === '>|') && r.target);
  if (view.name === 'curl') {
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      if (w === '--output' || w === '-o') return words[i + 1];
      if (w.startsWith('--output=')) return w.slice('--output='.length);
      // Short options together: `-fsSLo file`, `-ofile`.
      const short = /^-([A-Za-z]*)o(.*)$/.exec(w);
      if (short && !w.startsWith('--')) return short[2] !== '' ? short[2] : words[i + 1];
    }
    if (
      words.some(
        (w) => w === '--remote-name' || w === '--remote-name-all' || /^-[A-Za-z]*O[A-Za-z]*$/.test(w),
      )
    )
      return urlName(url);
    return redirect?.target?.value ?? '-';
  }
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-O' || w === '--output-document') return words[i + 1];
    if (w.startsWith('--output-document=')) return w.slice('--output-document='.length);
    const short = /^-([A-Za-z]*)O(.*)$/.exec(w);
    if (short && !w.startsWith('--')) return short[2] !== '' ? short[2] : words[i + 1];
  }
  const prefix = words.findIndex((w) => w === '-P' || w === '--directory-prefix');
  const dir = prefix >= 0 ? words[prefix + 1] : undefined;
  return dir ? `${dir.replace(/\/+$/, '')}/${urlName(url)}` : urlName(url);
}

/** The index of the command a pipeline stage feeds, at its own depth. */
function pipeReader(views: readonly CommandView[], index: number): number | undefined {
  const c = views[index]!.command;
  if (c.next !== '|' && c.next !== '|&') return undefined;
  for (let j = index + 1; j < views.length && j < index + 64; j++) {
    const next = views[j]!;
    if (next.command.depth !== c.depth || next.command.parent !== c.parent) continue;
    return j;
  }
  return undefined;
}

/** The indexes of the commands that feed a pipeline stage, nearest first. */
function pipeFeeders(views: readonly CommandView[], index: number): number[] {
  const out: number[] = [];
  let at = index;
  for (let j = index - 1; j >= 0 && j > index - 64; j--) {
    const c = views[j]!.command;
    if (c.depth !== views[at]!.command.depth || c.parent !== views[at]!.command.parent) continue;
    if (c.next !== '|' && c.next !== '|&') break;
    out.push(j);
    at = j;
  }
  return out;
}

/**
 * Whether the command at `index` checks a file: a digest with `-c`/`--check` or one a comparison
 * reads (see {@link compared}), `gpg --verify`, `gpgv`, `cosign verify*`, `slsa-verifier verify*`,
 * `sigstore verify*`, `minisign -V`, `signify -V`, `gh attestation verify`, `openssl dgst` with
 * `-verify` or compared. A digest only printed, `gpg --version` or `gpg --import` checks nothing.
 * `digestVars` are the variables a digest was assigned to; a test that compares one of them checks.
 */
function checks(
  views: readonly CommandView[],
  index: number,
  byCommand: () => Map<ShellCommand, CommandView>,
  digestVars: Set<string>,
): boolean | string {
  const view = views[index]!;
  const words = args(view).map((w) => w.value);
  const subcommand = words.find((w) => !w.startsWith('-')) ?? '';
  switch (view.name) {
    case 'gpg':
    case 'gpg2':
      return words.some((w) => w === '--verify' || w === '--verify-files');
    case 'gpgv':
      return true;
    case 'cosign':
    case 'slsa-verifier':
    case 'sigstore':
      return subcommand.startsWith('verify');
    case 'minisign':
    case 'signify':
      return words.some((w) => /^-[A-Za-z]*V/.test(w));
    case 'gh':
      return words[0] === 'attestation' && words[1] === 'verify';
    case 'openssl':
      if (subcommand !== 'dgst' && !/^(?:sha\d+|md5)$/.test(subcommand)) return false;
      if (words.some((w) => w === '-verify' || w === '-prverify' || w === '-signature')) return true;
      return compared(views, index, byCommand);
  }
  if (TESTS.has(view.name) && words.some((w) => COMPARISON.has(w)))
    return words.some((w) => [...digestVars].some((v) => w.includes(`$${v}`) || w.includes(`\${${v}}`)));
  if (!DIGESTS.test(view.name)) return false;
  if (words.some((w) => w === '--check' || (/^-[A-Za-z]*c/.test(w) && !w.startsWith('--')))) return true;
  return compared(views, index, byCommand);
}

/**
 * Whether a digest's output is compared: piped (through `cut`, `awk` and the like) into `grep`,
 * `cmp` or `diff`, or substituted into a test that compares strings (`[ "$(sha256sum f | cut -c1-64)"
 * = "$SUM" ]`). A digest substituted into an assignment answers the variable's name, for a test after.
 */
function compared(
  views: readonly CommandView[],
  index: number,
  byCommand: () => Map<ShellCommand, CommandView>,
): boolean | string {
  for (let at: number | undefined = index, n = 0; at !== undefined && n < 16; n++) {
    const view = views[at]!;
    if (at !== index && COMPARERS.has(view.name)) return true;
    if (at !== index && !FILTERS.has(view.name)) break;
    at = pipeReader(views, at);
  }
  const parent = views[index]!.command.parent;
  if (!parent) return false;
  const holder = byCommand().get(parent.command);
  if (!holder) return false;
  if (TESTS.has(holder.name) && args(holder).some((w) => COMPARISON.has(w.value))) return true;
  const assigned =
    parent.command.assignments.includes(parent.word) ||
    (/^(?:export|local|readonly|declare|typeset)$/.test(holder.name) &&
      parent.word !== holder.command.words[holder.nameIndex]);
  return assigned ? (/^([A-Za-z_]\w*)\+?=/.exec(parent.word.value)?.[1] ?? false) : false;
}

/**
 * Whether a check (the command at `index`, with the commands feeding it in its pipeline) is about
 * `paths`: it names one of them, or names no other file (a checksum list, a signature, variables).
 * `echo "$SUM  /dev/null" | sha256sum -c -` checks another file, not the download.
 */
function checksPaths(views: readonly CommandView[], index: number, paths: readonly string[]): boolean {
  const stages = [index, ...pipeFeeders(views, index)];
  const tokens: string[] = [];
  for (const j of stages) {
    const words = args(views[j]!).map((w) => w.value);
    for (const [k, w] of words.entries()) {
      // The value of an option (`--homedir /root/.gnupg`) is not a file the check reads.
      const before = words[k - 1] ?? '';
      if (/^--[\w-]+$/.test(before) && !CHECK_FLAGS.has(before)) continue;
      tokens.push(...w.split(/\s+/));
    }
  }
  const bases = paths.map((p) => p.split('/').pop()!).filter((b) => b.length > 2);
  if (tokens.some((t) => bases.some((b) => t.includes(b)))) return true;
  return !tokens.some(
    (t) =>
      /[./]/.test(t) &&
      !t.includes('$') &&
      !t.startsWith('-') &&
      !VERIFICATION_MATERIAL.test(`/${t.replace(/^.*\//, '')}`) &&
      !/^\d+(?:\.\d+)*$/.test(t),
  );
}

/** Long options of checking programs that take no value. */
const CHECK_FLAGS = new Set([
  '--verify',
  '--check',
  '--ignore-missing',
  '--status',
  '--strict',
  '--quiet',
  '--warn',
  '--batch',
]);

/** Whether `glob` (`*`, `?`, `[...]`) matches all of `path`. */
function globMatches(glob: string, path: string): boolean {
  let source = '';
  for (let i = 0; i < glob.length && i < 400; i++) {
    const c = glob[i]!;
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) source += '\\[';
      else {
        source += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  try {
    return new RegExp(`^${source}$`).test(path);
  } catch {
    return false;
  }
}

/** Whether a `chmod` mode sets an execute bit: `+x`, `u+x`, `a+rx`, `755`, `0755`. */
function executableMode(mode: string): boolean {
  if (/^[0-7]{3,4}$/.test(mode)) return /[1357]/.test(mode.slice(-3));
  return /^[ugoa]*[+=][rwXxst]*x/.test(mode);
}

/** Whether `word` names the file `file` (the same path, or the same name in the current folder). */
function names(word: string, file: string): boolean {
  const w = word.replace(/^\.\//, '');
  const f = file.replace(/^\.\//, '');
  if (w === f) return true;
  // A glob (`chmod +x /usr/local/bin/*`, `dpkg -i ./*.deb`): the same path, or the same name in the folder.
  if (/[*?[]/.test(w) && !w.includes('$')) {
    if (globMatches(w, f)) return true;
    const tail = f.split('/').slice(-w.split('/').length).join('/');
    return !w.startsWith('/') && globMatches(w, tail);
  }
  // `cd /tmp && curl -o x ... && chmod +x /tmp/x`, or a download named bare and used by its path.
  const base = f.split('/').pop()!;
  return base.length > 2 && (w.endsWith(`/${base}`) || f.endsWith(`/${w}`));
}

/**
 * How a command uses `file` as an installed or run program, or undefined: unpacked, made executable,
 * installed as a package, copied into place by `install`, or run. `moved` names where `mv`/`cp`/
 * `install` put it, so later uses of that path count.
 */
function useOf(view: CommandView, file: string): { use?: string; moved?: string } {
  const words = args(view).map((w) => w.value);
  const operands = words.filter((w) => !w.startsWith('-'));
  // `chmod -R +x dir` covers every file under the folder.
  const recursive = view.name === 'chmod' && words.some((w) => w === '--recursive' || /^-[A-Za-z]*R/.test(w));
  const under = (w: string) => recursive && file.startsWith(`${w.replace(/\/+$/, '')}/`);
  const named =
    operands.some((w) => names(w, file) || under(w)) ||
    words.some((w) => names(w.replace(/^-[A-Za-z]*f/, ''), file));
  const program = view.command.words[view.nameIndex]?.value ?? '';
  if (program !== '' && names(program, file) && program.includes('/')) return { use: 'run' };
  if (!named) return {};
  switch (view.name) {
    case 'chmod':
      return operands.length > 1 && executableMode(operands[0]!) ? { use: 'made executable' } : {};
    case 'install':
      return { use: 'installed', moved: operands.at(-1) };
    case 'mv':
    case 'cp':
      return operands.length === 2 && names(operands[0]!, file)
        ? { moved: operands[1]!.endsWith('/') ? `${operands[1]}${file.split('/').pop()}` : operands[1] }
        : {};
  }
  if (EXTRACTORS.has(view.name)) return { use: 'unpacked' };
  if (PACKAGE_INSTALLERS.has(view.name)) return { use: 'installed' };
  if (INTERPRETERS.test(view.name)) return { use: 'run' };
  return {};
}

/** How the scripts given to {@link unverifiedDownloads} run, each one, when it is not as a RUN does. */
export interface ScriptRuns {
  /** The scripts' compound commands (see {@link RunFrames}), asked only for a script with a check. */
  frames?: (run: number) => RunFrames;
  /**
   * Whether the script's shell starts with `set -e` on (a workflow's `bash -e {0}`); a `set -e` or
   * `set +e` of the script changes it from there. Off when not given, as for a RUN.
   */
  errexit?: (run: number) => boolean;
  /**
   * Whether the script's failure stops the scripts after it (a RUN's fails the build); not given,
   * it does. False for a workflow step that may fail (`continue-on-error`): a check there guards
   * only the rest of its own script.
   */
  failureStops?: (run: number) => boolean;
}

/**
 * The downloads in a sequence of scripts (`runs`, each script's commands; `vars`, the values of the
 * variables in force when each starts: a stage's ARG and ENV values, a step's `env:`) that are
 * unpacked, made executable, installed or run with no check of them after the download and before
 * that use (see {@link checks}). Keys, signatures and checksum files are verification material, not
 * reported; a download piped into a shell is for the audits of such pipes.
 */
export function unverifiedDownloads(
  runs: readonly (readonly CommandView[])[],
  vars: readonly (ReadonlyMap<string, string | null> | undefined)[] = [],
  how: ScriptRuns = {},
): UnverifiedDownload[] {
  const all: { run: number; view: CommandView; index: number; text: string }[] = [];
  runs.forEach((views, run) => {
    views.forEach((view, index) => {
      const text = view.command.words.map((w) => w.value).join('\n');
      all.push({ run, view, index, text });
    });
  });
  const commandMaps = new Map<number, Map<ShellCommand, CommandView>>();
  const byCommand = (run: number) => () => {
    let map = commandMaps.get(run);
    if (!map) {
      map = new Map(runs[run]!.map((v) => [v.command, v]));
      commandMaps.set(run, map);
    }
    return map;
  };
  const out: UnverifiedDownload[] = [];
  // The variables in force at each command: the RUN's own assignments (`URL=...; curl "$URL"`) over
  // the stage's ARG and ENV values.
  let scope = new Map<string, string | null>();
  let scopeRun = -1;
  for (let i = 0; i < all.length; i++) {
    const { run, view, index } = all[i]!;
    if (run !== scopeRun) {
      scope = new Map(vars[run] ?? []);
      scopeRun = run;
    }
    if (view.command.depth === 0) assignIn(view, scope);
    if (!DOWNLOADERS.has(view.name)) continue;
    const got = fetched(view, scope);
    if (!got || VERIFICATION_MATERIAL.test(got.resolved.replace(/[?#].*$/, ''))) continue;
    const url = got.written;
    const offset = view.command.words[view.nameIndex]!.start;
    let output = outputOf(view, url);
    if (output === undefined) continue;
    if (output === '-' || output === '/dev/stdout') {
      // Through decompressors (`| gzip -d | tar -x`) to an extractor, or to a file they write.
      const views = runs[run]!;
      let at = pipeReader(views, index);
      for (let n = 0; at !== undefined && n < 16 && DECOMPRESSORS.has(views[at]!.name); n++) {
        const next = pipeReader(views, at);
        if (next === undefined) break;
        at = next;
      }
      const reader = at === undefined ? undefined : views[at];
      if (reader && EXTRACTORS.has(reader.name)) {
        out.push({
          run,
          offset,
          file: urlName(url),
          use: 'unpacked',
          useRun: run,
          useOffset: reader.command.start,
          url,
          plain: got.plain,
          resolved: got.resolved,
        });
        continue;
      }
      const written =
        reader && DECOMPRESSORS.has(reader.name)
          ? (reader.command.redirects.find((r) => (r.op === '>' || r.op === '>|') && r.target)?.target
              ?.value ??
            (reader.name === 'tee' ? args(reader).find((w) => !w.value.startsWith('-'))?.value : undefined))
          : undefined;
      if (!written) continue;
      output = written;
    }
    if (VERIFICATION_MATERIAL.test(output)) continue;
    let paths = [output];
    const digestVars = new Set<string>();
    // A check whose failure stops only the commands chained to it (`sha256sum -c f && tar xf f;`):
    // the last command of its RUN it guards.
    let guarded: { run: number; index: number } | undefined;
    for (let j = i + 1; j < all.length && j <= i + LOOK_AHEAD; j++) {
      const later = all[j]!;
      const check = checks(runs[later.run]!, later.index, byCommand(later.run), digestVars);
      if (check !== false && checksPaths(runs[later.run]!, later.index, paths)) {
        if (check === true) {
          const views = runs[later.run]!;
          const until = guardedUntil(views, later.index, how.frames?.(later.run), how.errexit?.(later.run));
          // Its failure fails the script, and so the build: whatever comes after it is checked.
          if (until === 'all' && how.failureStops?.(later.run) !== false) break;
          // A script that may fail without stopping the others: its failure stops only its own rest.
          if (until === 'all') guarded = { run: later.run, index: views.length - 1 };
          else if (until !== undefined) guarded = { run: later.run, index: until };
          continue;
        }
        digestVars.add(check);
        continue;
      }
      // Most commands name none of the paths: a text test before the word-by-word reading (a glob,
      // or a recursive chmod, may name a path without its name).
      if (
        !paths.some((p) => later.text.includes(p.split('/').pop()!)) &&
        !/[*?[]/.test(later.text) &&
        !(later.view.name === 'chmod' && /(?:^|\n)(?:-[A-Za-z]*R|--recursive)/.test(later.text))
      )
        continue;
      // Downloaded again to the same path: that download replaces this one and is judged itself.
      if (DOWNLOADERS.has(later.view.name)) {
        const again = fetched(later.view, scope)?.written;
        if (again && paths.includes(outputOf(later.view, again) ?? '')) break;
      }
      const found = paths.map((p) => useOf(later.view, p)).find((u) => u.use || u.moved);
      if (!found) continue;
      if (found.moved && paths.length < 8) paths = [...paths, found.moved];
      if (found.use) {
        if (guarded && later.run === guarded.run && later.index <= guarded.index) break;
        out.push({
          run,
          offset,
          file: output,
          use: found.use,
          useRun: later.run,
          useOffset: later.view.command.start,
          url,
          plain: got.plain,
          resolved: got.resolved,
        });
        break;
      }
    }
  }
  return out;
}

/**
 * The compound commands around each top-level command of a RUN, by the command's offset (see
 * `runFrames`): what tells `check || { echo bad; exit 1; }` from `check || echo bad; exit 1`.
 */
export type RunFrames = ReadonlyMap<number, readonly ShellFrameAt[]>;

/**
 * How far a check's failure stops the script's commands: `all` when it fails the script (it runs
 * under `set -e`, `errexit` or set by the script, and is not followed by `&&` or `||`, which `set -e`
 * lets fail; or every command after it is chained with `&&`, or `|| exit`, or an alternative that
 * fails in turn ends the script or, under `set -e`, fails), else the index of the last command only a
 * success reaches (`check && use; other`), or undefined when nothing after it depends on it (`check;
 * use`: sh goes on after a failed check).
 */
function guardedUntil(
  views: readonly CommandView[],
  index: number,
  frames: RunFrames | undefined,
  errexit = false,
): 'all' | number | undefined {
  const depth = views[index]!.command.depth;
  let exits = errexit;
  for (let k = 0; k < index; k++) {
    const v = views[k]!;
    if (v.command.depth !== 0 || v.name !== 'set') continue;
    const words = args(v).map((w) => w.value);
    const line = words.join(' ');
    if (words.some((w) => /^-[A-Za-z]*e/.test(w)) || line.includes('-o errexit')) exits = true;
    else if (words.some((w) => /^\+[A-Za-z]*e/.test(w)) || line.includes('+o errexit')) exits = false;
  }
  if (exits) {
    let end = index;
    for (let k = index; k < views.length && k < index + 64; k++) {
      const c = views[k]!.command;
      if (c.depth > depth) continue;
      if (c.depth < depth) break;
      end = k;
      if (c.next !== '|' && c.next !== '|&') break;
    }
    const after = views[end]!.command.next;
    if (after !== '&&' && after !== '||') return 'all';
  }
  let last: number | undefined;
  for (let k = index; k < views.length; k++) {
    const c = views[k]!.command;
    if (c.depth > depth) continue;
    if (c.depth < depth) return last;
    let next = c.next;
    if (next === '||') {
      const alternative = alternativeAfter(views, k, frames);
      if (alternative === 'exits') return 'all';
      if (!alternative) return last;
      // The alternative fails as the check did: under `set -e` that ends the script; else the list
      // goes on past it as it would past the check.
      if (exits && alternative.after !== '&&' && alternative.after !== '||') return 'all';
      k = alternative.end;
      next = alternative.after;
      if ((next === ';' || next === '\n') && nextAt(views, k, depth) === undefined) return 'all';
    }
    if (next === '|' || next === '|&') continue;
    if (next === undefined) return 'all';
    if (next === '&&') {
      last = nextAt(views, k, depth) ?? k + 1;
      continue;
    }
    return last;
  }
  return 'all';
}

/** The index of the first command after `k` at `depth` (a command's substitutions come before it). */
function nextAt(views: readonly CommandView[], k: number, depth: number): number | undefined {
  for (let i = k + 1; i < views.length; i++) {
    const d = views[i]!.command.depth;
    if (d === depth) return i;
    if (d < depth) return undefined;
  }
  return undefined;
}

/**
 * What runs after `check ||` (the command at `k`) when the check fails: `exits` when it ends the
 * RUN's shell with a failure (`exit 1`, a bare `exit` with the check's status, `{ echo bad; exit 1; }`);
 * else, when it fails in turn (`false`, a subshell that exits with a failure, `( echo bad; exit 1 )`),
 * the index of its last command and the operator after it, where the list goes on; undefined when
 * it may succeed (`|| echo bad`, a group that only says so).
 */
function alternativeAfter(
  views: readonly CommandView[],
  k: number,
  frames: RunFrames | undefined,
): 'exits' | { end: number; after: string | undefined } | undefined {
  const depth = views[k]!.command.depth;
  const at = nextAt(views, k, depth);
  if (at === undefined) return undefined;
  const first = views[at]!;
  const group = depth === 0 && frames ? groupAfter(frames, views[k]!.command, first.command) : undefined;
  if (!group) {
    if (exitsFailing(first, true)) return 'exits';
    return first.name === 'false' ? { end: at, after: first.command.next } : undefined;
  }
  // The group's commands, in order; those directly in it (not in a compound command inside it) can
  // end it. A command is reached for sure after `;`, a newline, or `&&` after one that cannot fail
  // (`echo bad && exit 1`); not after `||`, nor in a pipeline or the background (a process of its own).
  const inner = (i: number) => frames!.get(views[i]!.command.start) ?? [];
  const level = inner(at).findIndex((f) => f.frame === group);
  let reached = true;
  let end = at;
  let fails = false;
  // A subshell's exit ends it with a failure: what follows in it never runs.
  let exited = false;
  for (let i = at; i < views.length; i = nextAt(views, i, depth) ?? views.length) {
    const around = inner(i);
    if (around[level]?.frame !== group) break;
    end = i;
    if (exited) continue;
    const v = views[i]!;
    const direct = around.length === level + 1;
    if (direct && reached && exitsFailing(v, i === at)) {
      if (group.kind === 'group') return 'exits';
      fails = exited = true;
      continue;
    }
    fails = direct && reached && v.name === 'false';
    // What decides whether the next command is reached: this command's operator, or, at the end of
    // a compound command inside the group, the operator after that.
    const op = direct ? v.command.next : nextLeaves(inner, i, views, depth, level + 1);
    reached =
      op === ';' || op === '\n' || op === ')'
        ? true
        : op === '&&'
          ? reached && direct && SUCCEEDS.has(v.name)
          : op === undefined
            ? reached
            : false;
  }
  return fails ? { end, after: group.after } : undefined;
}

/** Commands that always succeed: `echo bad && exit 1` reaches the exit. */
const SUCCEEDS = new Set(['echo', 'printf', 'true', ':']);

/**
 * The `{ ...; }` group or `( ... )` subshell that `command` opens right after `check ||`, when it
 * does: the outermost frame around it that is not around the check, written after the check's `||`.
 */
function groupAfter(frames: RunFrames, check: ShellCommand, command: ShellCommand): ShellFrame | undefined {
  const outer = new Set((frames.get(check.start) ?? []).map((f) => f.frame));
  const opened = (frames.get(command.start) ?? []).find((f) => !outer.has(f.frame))?.frame;
  if (opened?.before !== '||' || opened.previous?.start !== check.start) return undefined;
  return opened.kind === 'group' || opened.kind === 'subshell' ? opened : undefined;
}

/**
 * The operator after the compound command (at `level`) that the command at `i` ends, when it is the
 * last of it; the command's own operator inside it otherwise.
 */
function nextLeaves(
  inner: (i: number) => readonly ShellFrameAt[],
  i: number,
  views: readonly CommandView[],
  depth: number,
  level: number,
): string | undefined {
  const frame = inner(i)[level]?.frame;
  const following = nextAt(views, i, depth);
  if (following !== undefined && inner(following)[level]?.frame === frame) return views[i]!.command.next;
  return frame?.after;
}

/**
 * Whether a command ends the shell with a failure: `exit` or `return` with a status that is not 0, or
 * (`bare`, right after the failed check) with none, which is the check's own.
 */
function exitsFailing(view: CommandView, bare: boolean): boolean {
  if (view.name !== 'exit' && view.name !== 'return') return false;
  const status = args(view)[0]?.value;
  if (status !== undefined && /^\d+$/.test(status)) return Number(status) !== 0;
  return bare && (status === undefined || status === '$?');
}

/** Records in `scope` what a command assigns: `NAME=value` alone, or after `export`. */
function assignIn(view: CommandView, scope: Map<string, string | null>): void {
  const c = view.command;
  const words = c.words.length === 0 ? c.assignments : view.name === 'export' ? args(view) : [];
  for (const w of words) {
    const m = /^([A-Za-z_]\w*)=(.*)$/s.exec(w.value);
    if (m) scope.set(m[1]!, expandVariables(m[2]!, scope).text);
  }
}
