import type { ShellWord } from '../../parsers/shell.js';
import type { CommandView } from '../../parsers/shell-commands.js';

/**
 * Downloads a Dockerfile's RUN steps install or run without checking them: a file fetched with curl or
 * wget from an http(s) URL, then unpacked (`tar -xf`, `| tar -xz`, `unzip`), made executable
 * (`chmod +x`, `install`), installed as a package (`dpkg -i`, `rpm -i`, `apk add`, `pip install`) or
 * run, with no checksum or signature check between the download and that use.
 */

/** A download a RUN uses with no check: where the downloader's name stands, and what it fetched. */
export interface UnverifiedDownload {
  /** The RUN (its index among the stage's RUNs) and the offset in its value of the downloader's name. */
  run: number;
  offset: number;
  /** The file as the RUN names it (or the URL's last segment for a download unpacked from a pipe). */
  file: string;
  /** How the RUN uses it: `unpacked`, `made executable`, `installed`, `run`. */
  use: string;
  /** The URL as written (expansions kept). */
  url: string;
}

const DOWNLOADERS = new Set(['curl', 'wget']);
/** Programs that check a file against a digest or a signature. */
const VERIFIERS = new Set([
  'sha1sum',
  'sha224sum',
  'sha256sum',
  'sha384sum',
  'sha512sum',
  'shasum',
  'md5sum',
  'b2sum',
  'cksum',
  'gpg',
  'gpgv',
  'gpg2',
  'cosign',
  'minisign',
  'signify',
  'slsa-verifier',
  'sigstore',
]);
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

const URL_WORD = /^https?:\/\//i;
/** Commands after a download looked at for its use: a bound on the work per download. */
const LOOK_AHEAD = 400;

function args(view: CommandView): ShellWord[] {
  return view.command.words.slice(view.nameIndex + 1);
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

/** The command a pipeline stage feeds, at its own depth. */
function pipeReader(views: readonly CommandView[], index: number): CommandView | undefined {
  const c = views[index]!.command;
  if (c.next !== '|' && c.next !== '|&') return undefined;
  for (let j = index + 1; j < views.length && j < index + 64; j++) {
    const next = views[j]!;
    if (next.command.depth !== c.depth || next.command.parent !== c.parent) continue;
    return next;
  }
  return undefined;
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
  const named =
    operands.some((w) => names(w, file)) || words.some((w) => names(w.replace(/^-[A-Za-z]*f/, ''), file));
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

/**
 * The downloads in a stage's RUNs (`runs`, each RUN's commands) that are unpacked, made executable,
 * installed or run with no checksum or signature check after the download and before that use.
 * Keys, signatures and checksum files are verification material, not reported; a download piped into
 * a shell is `pipe-to-shell`'s.
 */
export function unverifiedDownloads(runs: readonly (readonly CommandView[])[]): UnverifiedDownload[] {
  const all: { run: number; view: CommandView; index: number; text: string }[] = [];
  runs.forEach((views, run) => {
    views.forEach((view, index) => {
      const text = view.command.words.map((w) => w.value).join('\n');
      all.push({ run, view, index, text });
    });
  });
  const out: UnverifiedDownload[] = [];
  for (let i = 0; i < all.length; i++) {
    const { run, view, index } = all[i]!;
    if (!DOWNLOADERS.has(view.name)) continue;
    const url = args(view).find((w) => URL_WORD.test(w.value))?.value;
    if (!url || VERIFICATION_MATERIAL.test(url.replace(/[?#].*$/, ''))) continue;
    const offset = view.command.words[view.nameIndex]!.start;
    const output = outputOf(view, url);
    if (output === undefined) continue;
    if (output === '-' || output === '/dev/stdout') {
      const reader = pipeReader(runs[run]!, index);
      if (reader && EXTRACTORS.has(reader.name)) {
        out.push({ run, offset, file: urlName(url), use: 'unpacked', url });
      }
      continue;
    }
    if (VERIFICATION_MATERIAL.test(output)) continue;
    let paths = [output];
    for (let j = i + 1; j < all.length && j <= i + LOOK_AHEAD; j++) {
      const later = all[j]!.view;
      if (VERIFIERS.has(later.name)) break;
      // Most commands name none of the paths: a text test before the word-by-word reading.
      if (!paths.some((p) => all[j]!.text.includes(p.split('/').pop()!))) continue;
      // Downloaded again to the same path: that download replaces this one and is judged itself.
      if (DOWNLOADERS.has(later.name)) {
        const again = args(later).find((w) => URL_WORD.test(w.value))?.value;
        if (again && paths.includes(outputOf(later, again) ?? '')) break;
      }
      if (later.name === 'openssl' && args(later).some((w) => w.value === 'dgst')) break;
      if (later.name === 'gh' && args(later).some((w) => w.value === 'attestation')) break;
      const found = paths.map((p) => useOf(later, p)).find((u) => u.use || u.moved);
      if (!found) continue;
      if (found.moved && paths.length < 8) paths = [...paths, found.moved];
      if (found.use) {
        out.push({ run, offset, file: output, use: found.use, url });
        break;
      }
    }
  }
  return out;
}
