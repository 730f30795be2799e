import { escapeRegExp } from '../../workspace/glob.js';
import { memoByScript } from './script-memo.js';
/**
 * Light reading of `run:` scripts: which step outputs and environment variables a script writes (and
 * from what), and commands that download and execute code. It is not a shell parser: it reads
 * logical lines (backslash continuations joined) with linear-time patterns, which is how these
 * commands are written in practice; what it cannot see it does not report.
 */

/** A value a script writes to `$GITHUB_OUTPUT`, `$GITHUB_ENV` or `$GITHUB_PATH`, and what it is made of. */
export interface ShellWrite {
  file: 'output' | 'env' | 'path';
  /** Output or variable name (as written); empty for `$GITHUB_PATH`, whose lines are directories. */
  name: string;
  /** Ranges of the script [start, end) the value comes from (the writing line, or an assignment). */
  ranges: [number, number][];
  /** Environment variables the value reads (`$NAME`, `${NAME}`) that the script did not assign. */
  envVars: string[];
}

/** Replaces `\` + line break with blanks of the same length, so offsets stay valid. */
export function joinContinuations(script: string): string {
  return script.replace(/\\\r?\n/g, (m) => ' '.repeat(m.length));
}

/** A command's flag that makes it only rehearse (npm, yarn, pnpm, cargo, helm, kubectl, semantic-release). */
const DRY_RUN = /(?:^|\s)--dry-run(?:[=\s]|$)/;

/**
 * The first match of `command` in a script that is no rehearsal: its command, up to the end of its
 * line (continuations joined), `;`, `&&` or `||`, has no `--dry-run`, and `skip` (given that rest of
 * the command and the joined script) does not set it aside. Offsets are the script's.
 */
export function firstRealCommand(
  script: string,
  command: RegExp,
  skip?: (match: RegExpExecArray, rest: string, joined: string) => boolean,
): RegExpExecArray | undefined {
  const joined = joinContinuations(script);
  const re = globalOf(command);
  re.lastIndex = 0;
  for (let m = re.exec(joined); m; m = re.exec(joined)) {
    const rest = joined.slice(m.index).split(/\n|;|&&|\|\|/, 1)[0]!;
    if (!DRY_RUN.test(rest) && !skip?.(m, rest, joined)) return m;
    if (m[0].length === 0) re.lastIndex += 1;
  }
  return undefined;
}

/** The `g` form of each pattern, made once (asked per step and pattern of every workflow). */
const GLOBAL = new WeakMap<RegExp, RegExp>();
function globalOf(command: RegExp): RegExp {
  let re = GLOBAL.get(command);
  if (!re) {
    re = new RegExp(command.source, command.flags.includes('g') ? command.flags : `${command.flags}g`);
    GLOBAL.set(command, re);
  }
  return re;
}

interface Line {
  start: number;
  end: number;
  text: string;
}

function lines(script: string): Line[] {
  const out: Line[] = [];
  const joined = joinContinuations(script);
  let at = 0;
  for (const text of joined.split('\n')) {
    out.push({ start: at, end: at + text.length, text });
    at += text.length + 1;
  }
  return out;
}

const ASSIGNMENT = /^\s*(?:export\s+|local\s+|readonly\s+|declare(?:\s+-\w+)*\s+)?([A-Za-z_]\w*)=(.*)$/;
const VAR_REF = /\$\{?([A-Za-z_]\w*)/g;
const OUTPUT_NAME = /(?:^|[\s"'(])([A-Za-z_][\w.-]*)(=|<<)/;

/**
 * The values a script writes to step outputs or the job environment. A line that mentions
 * `GITHUB_OUTPUT` (or `GITHUB_ENV`), or sits inside a `{ ... } >> "$GITHUB_OUTPUT"` group, writes each
 * `name=` or `name<<DELIMITER` it starts (one per `;`/`&&`-separated command); the lines of a heredoc
 * value that follow are attributed to the same name. Shell variables assigned earlier in the script
 * are followed to their assignment.
 */
export const shellWrites: (script: string) => readonly ShellWrite[] = memoByScript(scanShellWrites);

function scanShellWrites(script: string): ShellWrite[] {
  const out: ShellWrite[] = [];
  const assigned = new Map<string, { ranges: [number, number][]; envVars: string[] }>();
  let heredoc: { write: ShellWrite; delimiter: string } | undefined;
  const all = lines(script);
  const files = writtenFiles(all);
  for (const [i, line] of all.entries()) {
    if (heredoc && heredocEnd(line.text) === heredoc.delimiter) {
      heredoc = undefined;
      continue;
    }
    const sources = sourcesOf(line, assigned);
    const file = files[i];
    if (file === 'path') {
      // The written text is what precedes the redirection, less the command that prints it.
      if (/\S/.test(line.text.replace(/>>?.*$/, '').replace(/^\s*(?:\}|echo\b|printf\b)/, '')))
        out.push({ file, name: '', ...sources });
      continue;
    }
    if (file) {
      const writes = commands(line).flatMap((command) => {
        const m = OUTPUT_NAME.exec(command.text.replace(/>>.*$/, ''));
        if (!m) return [];
        const write: ShellWrite = { file, name: m[1]!, ...sourcesOf(command, assigned) };
        if (m[2] === '<<') {
          const delimiter = /<<\s*['"]?([\w-]+)/.exec(command.text.slice(m.index))?.[1] ?? 'EOF';
          heredoc = { write, delimiter };
        }
        return [write];
      });
      out.push(...writes);
      if (writes.length > 0) continue;
      if (heredoc) {
        heredoc.write.ranges.push(...sources.ranges);
        heredoc.write.envVars.push(...sources.envVars);
        continue;
      }
    }
    const a = ASSIGNMENT.exec(line.text);
    if (a) assigned.set(a[1]!, sources);
  }
  return out;
}

/** The `;`- and `&&`-separated commands of a line, with their offsets. */
function commands(line: Line): Line[] {
  const out: Line[] = [];
  let from = 0;
  for (const m of line.text.matchAll(/;|&&/g)) {
    out.push({ start: line.start + from, end: line.start + m.index, text: line.text.slice(from, m.index) });
    from = m.index + m[0].length;
  }
  out.push({ start: line.start + from, end: line.end, text: line.text.slice(from) });
  return out;
}

/** Which file each line writes to: by naming it, or as part of a `{ ... } >> file` group. */
function writtenFiles(all: Line[]): (ShellWrite['file'] | undefined)[] {
  const files = all.map((l) =>
    /GITHUB_OUTPUT/.test(l.text)
      ? 'output'
      : /GITHUB_ENV/.test(l.text)
        ? 'env'
        : /GITHUB_PATH/.test(l.text)
          ? ('path' as const)
          : undefined,
  );
  const open: number[] = [];
  for (const [i, l] of all.entries()) {
    if (/^\s*\{\s*(?:#.*)?$/.test(l.text)) open.push(i);
    const close = /^\s*\}\s*>>?\s*["']?\$\{?GITHUB_(OUTPUT|ENV|PATH)\b/.exec(l.text);
    if (!close) continue;
    const start = open.pop();
    if (start === undefined) continue;
    const file = close[1] === 'OUTPUT' ? 'output' : close[1] === 'ENV' ? 'env' : 'path';
    for (let k = start + 1; k < i; k++) files[k] ??= file;
  }
  return files;
}

/** The word a heredoc delimiter line starts with (`EOF`, `echo "EOF" >> ...`). */
function heredocEnd(text: string): string | undefined {
  return text
    .trim()
    .replace(/^echo\s+|["']/g, '')
    .split(/\s/)[0];
}

function sourcesOf(
  line: Line,
  assigned: Map<string, { ranges: [number, number][]; envVars: string[] }>,
): { ranges: [number, number][]; envVars: string[] } {
  const ranges: [number, number][] = [[line.start, line.end]];
  const envVars: string[] = [];
  for (const m of line.text.matchAll(VAR_REF)) {
    const name = m[1]!;
    const known = assigned.get(name);
    if (known) {
      ranges.push(...known.ranges);
      envVars.push(...known.envVars);
    } else envVars.push(name);
  }
  return { ranges, envVars };
}

/** A command that downloads code and runs it in the same step, without a chance to verify it. */
export interface RemoteExecution {
  start: number;
  end: number;
  /** The matched command, whitespace collapsed. */
  text: string;
  /** When the download happened in an earlier command: that command, whitespace collapsed. */
  download?: string;
}

const FETCH = '(?:curl|wget|iwr|irm|Invoke-WebRequest|Invoke-RestMethod)';
const RUNNER = String.raw`(?:sudo\s+(?:-\S+\s+){0,4})?(?:ba|z|da|k|fi)?sh|python[23]?|node|perl|ruby|php|pwsh|powershell|iex|Invoke-Expression`;
/** Each pattern is linear-time: bounded, negated character classes and no nested quantifiers. */
const REMOTE_EXECUTION = [
  // curl ... | sh, wget -O- ... | sudo bash, iwr ... | iex
  new RegExp(String.raw`(?<![\w-])${FETCH}(?![\w-])[^|;&\n]{0,2000}\|\s*(?:${RUNNER})(?![\w.-])`, 'gi'),
  // bash <(curl ...), sh -c "$(curl ...)", eval "$(wget -qO- ...)", iex (iwr ...)
  new RegExp(
    String.raw`(?<![\w-])(?:(?:ba|z)?sh\s+(?:-\w+\s+){0,3}<\(|(?:(?:ba|z)?sh\s+-c|eval|source|\.)\s+["']?\$\(|(?:iex|Invoke-Expression)\s*\(\s*)\s*${FETCH}(?![\w-])[^)\n]{0,500}`,
    'gi',
  ),
  // iex ((New-Object Net.WebClient).DownloadString('...'))
  /(?<![\w-])(?:iex|Invoke-Expression)\s*\(?\s*\(?\s*New-Object\s+(?:System\.)?Net\.WebClient\s*\)?\s*\.DownloadString/gi,
];

/** `curl | sh` and its relatives in a script, at their offsets. */
export const remoteExecutions: (script: string) => readonly RemoteExecution[] =
  memoByScript(scanRemoteExecutions);

function scanRemoteExecutions(script: string): RemoteExecution[] {
  const joined = joinContinuations(script);
  const out: RemoteExecution[] = [];
  for (const re of REMOTE_EXECUTION) {
    re.lastIndex = 0;
    for (const m of joined.matchAll(re)) {
      const start = m.index;
      if (out.some((o) => start < o.end && o.start < start + m[0].length)) continue;
      out.push({ start, end: start + m[0].length, text: m[0].replace(/\s+/g, ' ') });
    }
  }
  for (const hit of downloadedThenRun(joined)) {
    if (!out.some((o) => hit.start < o.end && o.start < hit.end)) out.push(hit);
  }
  return out.sort((a, b) => a.start - b.start);
}

/** A download from the web: `curl`/`wget`/`iwr` with an http(s) URL, on one logical line. */
const DOWNLOAD = new RegExp(String.raw`(?<![\w-])${FETCH}(?![\w-])[^|;&\n]{0,2000}`, 'gi');
const URL_IN = /\bhttps?:\/\/[^\s'"`)]{1,500}/i;
/** Where a download is written: `-o F`, `-fsSLo F`, `--output F`, `-O F` (wget), `-OutFile F`. */
const OUTPUT_FILE =
  /(?:^|\s)(?:-[A-Za-z]*o|--output(?:-document)?|-O|-[A-Za-z]*O|-OutFile)(?:\s+|=)?(['"]?)([^\s'"|;&<>]{1,300})\1/;
/** `curl -O URL`, `curl --remote-name URL`, `wget URL`: the file is named after the URL's path. */
const REMOTE_NAME = /(?:^|\s)(?:-[A-Za-z]*O(?=\s|$)|--remote-name(?:-all)?)(?:\s|$)/;
/** `NAME=$(curl ...)`: the download kept in a variable. */
const CAPTURE = new RegExp(
  String.raw`(?<![\w-])([A-Za-z_][A-Za-z0-9_]{0,60})=(?:["']?\$\(|\x60)\s*${FETCH}(?![\w-])[^)\x60\n]{0,2000}`,
  'g',
);
/** Anything that checks a file against a pinned digest or a signature. */
const VERIFIES =
  /(?<![\w-])(?:sha(?:1|224|256|384|512)sum|shasum|b2sum|md5sum|gpgv?|cosign|minisign|signify|slsa-verifier|Get-FileHash|certutil|openssl\s+dgst|gh\s+attestation\s+verify)(?![\w-])/i;
/** Script files: running a downloaded binary is a different, weaker claim than running its script. */
const SCRIPT_FILE = /\.(?:sh|bash|zsh|py|pl|rb|ps1|js|mjs|php)$/i;

/**
 * A script downloaded to a file, or into a variable, then executed later in the same script with no
 * checksum or signature check in between: `curl -o tool.sh URL` ... `bash tool.sh`, or
 * `s=$(curl URL)` ... `eval "$s"`. The same as `curl | sh`, in two commands. Reported at the run.
 */
function downloadedThenRun(joined: string): RemoteExecution[] {
  if (!/curl|wget|iwr|Invoke-WebRequest/i.test(joined)) return [];
  const out: RemoteExecution[] = [];
  const run = (name: RegExp, from: number, download: string) => {
    const tail = joined.slice(from);
    const m = name.exec(tail);
    if (!m) return;
    const start = from + m.index + (m[1]?.length ?? 0);
    // A check of the download between fetching and running it makes it a verified install.
    if (VERIFIES.test(joined.slice(from, start))) return;
    const end = from + m.index + m[0].length;
    const text = joined.slice(start, end).trim().replace(/\s+/g, ' ');
    out.push({ start, end, text, download: download.trim().replace(/\s+/g, ' ') });
  };
  DOWNLOAD.lastIndex = 0;
  for (const m of joined.matchAll(DOWNLOAD)) {
    const command = m[0];
    const url = URL_IN.exec(command)?.[0];
    if (!url) continue;
    let file = OUTPUT_FILE.exec(command)?.[2];
    if (file === '-' || file?.startsWith('/dev/')) continue;
    // `curl -O URL`: -O takes no argument there, the URL names the file.
    if (file?.includes('://')) file = undefined;
    if (!file && (REMOTE_NAME.test(command) || /^wget\b/i.test(command))) {
      file = url
        .replace(/[?#].*$/, '')
        .split('/')
        .pop();
    }
    if (!file || !SCRIPT_FILE.test(file)) continue;
    const name = escapeRegExp(file.replace(/^\.[\\/]/, ''));
    // `bash tool.sh`, `sudo sh ./tool.sh`, `source tool.sh`, `. tool.sh`, `python3 tool.py`, `./tool.sh`.
    const runs = new RegExp(
      String.raw`(^|[\s;&|({])(?:(?:sudo\s+(?:-\S+\s+){0,4})?(?:${RUNNER}|source|\.)\s+(?:-\S+\s+){0,4}["']?(?:\.[\\/])?${name}|["']?\.[\\/]${name})(?=["']?(?:\s|$|[;&|)]))`,
      'm',
    );
    run(runs, m.index + command.length, command);
  }
  CAPTURE.lastIndex = 0;
  for (const m of joined.matchAll(CAPTURE)) {
    if (!URL_IN.test(m[0])) continue;
    const v = escapeRegExp(m[1]!);
    const ref = String.raw`["']?\$(?:\{${v}\}|${v}(?![\w]))["']?`;
    // `eval "$s"`, `bash -c "$s"`, `echo "$s" | bash`, `bash <<< "$s"`.
    const runs = new RegExp(
      String.raw`(^|[\s;&|({])(?:eval\s+${ref}|(?:ba|z)?sh\s+-c\s+${ref}|(?:echo|printf)\s+(?:-\S+\s+)?${ref}\s*\|\s*(?:${RUNNER})(?![\w.-])|(?:ba|z)?sh\s+<<<\s*${ref})`,
      'm',
    );
    run(runs, m.index + m[0].length, `${m[0]})`);
  }
  return out;
}

/**
 * Commands in a script that fetch or check out a pull request's head: `gh pr checkout`, a `git fetch`
 * or `pull` of `pull/N/head` (or `merge`), or of every pull request's refs at once (a wildcard
 * refspec over `refs/pull/`, which holds this one's), and a refspec of `refs/pull/` configured for a
 * remote (`git config --add remote.origin.fetch` given one), which the next plain `git fetch` of that
 * remote fetches. The pull request's diff applied to the work tree (`gh pr diff N | git apply`, a
 * downloaded `.diff`/`.patch`, `git am`, `patch`) is read by the rule with the job's other routes to
 * the head's code (see `pullDiffFetchOf` in head-code.ts).
 */
export const headCheckouts: (script: string) => readonly RemoteExecution[] = memoByScript(scanHeadCheckouts);

function scanHeadCheckouts(script: string): RemoteExecution[] {
  const joined = joinContinuations(script);
  const out: RemoteExecution[] = [];
  const re =
    /(?<![\w-])(?:gh\s+pr\s+checkout|git\s+(?:-c\s+\S+\s+){0,4}(?:fetch|pull)\s[^\n;&|]{0,500}?(?:refs\/)?pull\/(?:\$\{\{[^}\n]{1,200}\}\}|[^\s/]{1,200})\/(?:head|merge))(?![\w-])/g;
  for (const m of joined.matchAll(re)) {
    out.push({ start: m.index, end: m.index + m[0].length, text: m[0].replace(/\s+/g, ' ') });
  }
  for (const m of joined.matchAll(EVERY_PULL_REF)) {
    if (out.some((o) => o.start <= m.index && m.index < o.end)) continue;
    out.push({ start: m.index, end: m.index + m[0].length, text: m[0].replace(/\s+/g, ' ') });
  }
  return out;
}

/**
 * A `git fetch` or `pull` of a wildcard refspec over `refs/pull/` (`+refs/pull/<*>:refs/pr/<*>`), or a
 * refspec of `refs/pull/` set as what a remote fetches (`git config remote.origin.fetch …`, also as
 * `git -c remote.origin.fetch=… fetch`).
 */
const EVERY_PULL_REF =
  /(?<![\w-])git\s+(?:-c\s+\S+\s+){0,4}(?:(?:fetch|pull)\s[^\n;&|]{0,500}?(?:refs\/)?pull\/\*[^\s'"]{0,200}|config\s[^\n;&|]{0,500}?remote\.[^\s.]{1,200}\.fetch\s[^\n;&|]{0,500}?(?:refs\/)?pull\/[^\s'"]{0,200})|(?<![\w-])git\s+(?:-c\s+\S+\s+){0,4}-c\s+["']?remote\.[^\s.=]{1,200}\.fetch=[^\s]{0,200}?pull\/[^\s'"]{0,200}["']?\s+(?:-c\s+\S+\s+){0,4}(?:fetch|pull)\b/g;
