import { lexShell, type ShellCommand, type ShellWord } from './shell.js';

/**
 * What a shell command runs, as audits need it: the program's name once wrappers (`sudo`, `env`,
 * `timeout 60`, `xargs -n1`, ...) are set aside, which words are its arguments, and the commands of
 * scripts handed to another shell (`sh -c '...'`, `eval "..."`) lexed as commands of their own.
 * With `embedded`, the prefixes of the languages that hold shell lines are set aside too: a YAML key
 * or list marker (`- run:`, `script:`), a Dockerfile instruction (`RUN --mount=... `), a Makefile
 * recipe prefix (`@`, `-`, `+`), and a quoted script given whole to a step (Jenkins' `sh '...'`).
 */

/**
 * The repository's files of shell commands that build, run and bring up what it ships: the workflows,
 * the Makefiles, the shell scripts and the GitLab CI files.
 */
export const SCRIPT_FILES = [
  '.github/workflows/*.yml',
  '.github/workflows/*.yaml',
  '**/Makefile',
  '**/makefile',
  '**/GNUmakefile',
  '**/*.mk',
  '**/*.sh',
  '**/*.bash',
  '**/.gitlab-ci.yml',
  '**/*.gitlab-ci.yml',
];

/** A command with the program it runs. */
export interface CommandView {
  command: ShellCommand;
  /** The program's base name (`/usr/bin/curl` and `curl.exe` are `curl`); empty when none. */
  name: string;
  /** Index in `command.words` of the program's name; words after it are its arguments. */
  nameIndex: number;
  /** Index in `command.words` of the first word that is not a host-language prefix. */
  bodyIndex: number;
}

/** Programs that run the command given after their own options and positional arguments. */
const WRAPPERS = new Map<string, { valueOptions: string; positional: number }>([
  ['sudo', { valueOptions: 'ugCDhprtUT', positional: 0 }],
  ['doas', { valueOptions: 'uC', positional: 0 }],
  ['env', { valueOptions: 'uCS', positional: 0 }],
  ['exec', { valueOptions: 'a', positional: 0 }],
  ['command', { valueOptions: '', positional: 0 }],
  ['builtin', { valueOptions: '', positional: 0 }],
  ['nohup', { valueOptions: '', positional: 0 }],
  ['time', { valueOptions: 'fo', positional: 0 }],
  ['nice', { valueOptions: 'n', positional: 0 }],
  ['ionice', { valueOptions: 'cnp', positional: 0 }],
  ['timeout', { valueOptions: 'ks', positional: 1 }],
  ['stdbuf', { valueOptions: 'ioe', positional: 0 }],
  ['xargs', { valueOptions: 'IinPdLaEs', positional: 0 }],
  ['chroot', { valueOptions: '', positional: 1 }],
  ['gosu', { valueOptions: '', positional: 1 }],
  ['su-exec', { valueOptions: '', positional: 1 }],
  ['eatmydata', { valueOptions: '', positional: 0 }],
  ['chronic', { valueOptions: '', positional: 0 }],
  ['unbuffer', { valueOptions: '', positional: 0 }],
]);

/** Shells whose `-c` argument (or, in CI steps, whose single quoted argument) is a script. */
export const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ash', 'ksh', 'mksh', 'busybox']);

/** Dockerfile instructions whose arguments are a shell command line. */
const DOCKER_INSTRUCTIONS = /^(?:RUN|CMD|ENTRYPOINT|HEALTHCHECK)$/i;

/** Programs are named by their base name, without a Windows `.exe`. */
export function programName(word: string): string {
  const base = word.slice(word.lastIndexOf('/') + 1);
  return base.toLowerCase().endsWith('.exe') ? base.slice(0, -4) : base;
}

/** The view of one command (see {@link CommandView}). */
export function viewOf(command: ShellCommand, embedded = false): CommandView {
  const words = command.words;
  let k = embedded ? hostPrefixEnd(words) : 0;
  const bodyIndex = k;
  for (let guard = 0; guard < 8 && k < words.length; guard++) {
    const name = embeddedName(words[k]!.value, embedded && k === bodyIndex);
    if (
      name.startsWith('python') &&
      /^python[0-9.]*$/.test(name) &&
      words[k + 1]?.value === '-m' &&
      words[k + 2]
    ) {
      return { command, name: programName(words[k + 2]!.value), nameIndex: k + 2, bodyIndex };
    }
    const wrapper = WRAPPERS.get(name);
    if (!wrapper) return { command, name, nameIndex: k, bodyIndex };
    k = skipWrapper(words, k + 1, wrapper);
  }
  return { command, name: '', nameIndex: words.length, bodyIndex };
}

function embeddedName(value: string, first: boolean): string {
  // Make runs `@cmd` silently, `-cmd` ignoring errors, `+cmd` even under -n.
  return programName(first ? value.replace(/^[@+-]+(?=[A-Za-z./])/, '') : value);
}

/** Index of the first word after a host language's prefix (`- run:`, `RUN --mount=x`). */
function hostPrefixEnd(words: readonly ShellWord[]): number {
  let k = 0;
  while (k < words.length) {
    const w = words[k]!;
    if (w.quoted) break;
    if (w.value === '-' || /^[A-Za-z_][\w.-]*:$/.test(w.value)) k++;
    else if (DOCKER_INSTRUCTIONS.test(w.value) && k === 0) {
      k++;
      while (words[k] && /^--[a-z]/.test(words[k]!.value)) k++;
    } else break;
  }
  return k;
}

function skipWrapper(
  words: readonly ShellWord[],
  k: number,
  wrapper: { valueOptions: string; positional: number },
): number {
  while (k < words.length) {
    const v = words[k]!.value;
    if (v === '--') return k + 1 + wrapper.positional;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(v)) {
      k++;
    } else if (/^-[A-Za-z]/.test(v)) {
      // `-u root` takes the next word; `-uroot` and `--user=root` do not.
      k += v.length === 2 && wrapper.valueOptions.includes(v[1]!) ? 2 : 1;
    } else if (/^--[a-z]/.test(v)) {
      k++;
    } else {
      break;
    }
  }
  return k + wrapper.positional;
}

/** A script handed to another program as one word: `sh -c '<script>'`, `eval "<script>"`. */
function scriptWords(view: CommandView, source: string, embedded: boolean): ShellWord[] {
  const words = view.command.words;
  const out: ShellWord[] = [];
  // A whole quoted command line given to a CI step (`sh 'curl ...'`, `run: "curl ..."`).
  const body = words[view.bodyIndex];
  if (embedded && body?.quoted && /\s/.test(body.value) && isWhollyQuoted(source, body)) out.push(body);
  if (view.name === 'eval') out.push(...words.slice(view.nameIndex + 1));
  for (let k = view.nameIndex; k < words.length; k++) {
    const v = words[k]!.value;
    if (!SHELLS.has(v) && !(v.includes('/') && SHELLS.has(programName(v)))) continue;
    const flag = words[k + 1]?.value ?? '';
    if (/^-[a-z]*c[a-z]*$/.test(flag) && words[k + 2]) out.push(words[k + 2]!);
    else if (embedded && k === view.nameIndex && words.length === k + 2 && words[k + 1]!.quoted)
      out.push(words[k + 1]!);
  }
  return out;
}

function isWhollyQuoted(source: string, word: ShellWord): boolean {
  const first = source[word.start];
  return (first === '"' || first === "'") && source[word.end - 1] === first && word.end - word.start >= 2;
}

/** Scripts handed to shells are lexed this many levels deep at most. */
const MAX_SCRIPT_DEPTH = 4;

/**
 * Every command of `source[from, to)` with its view: nested substitutions and the commands of scripts
 * passed to shells (`sh -c '...'`, `eval`) included, each command once.
 */
export function scriptCommands(
  source: string,
  from = 0,
  to = source.length,
  embedded = false,
): CommandView[] {
  const out: CommandView[] = [];
  // A re-lexed script finds again the substitutions inside it, which the first pass lexed already:
  // commands are known by their offsets, collected only once a script is re-lexed.
  let seen: Set<number> | undefined;
  const key = (c: ShellCommand) => c.start * 4_194_304 + c.end;
  const visit = (start: number, end: number, level: number, hosted: boolean) => {
    for (const command of lexShell(source, start, end)) {
      if (level > 0) {
        seen ??= new Set(out.map((v) => key(v.command)));
        if (seen.has(key(command))) continue;
        seen.add(key(command));
      }
      const view = viewOf(command, hosted);
      out.push(view);
      if (level >= MAX_SCRIPT_DEPTH) continue;
      for (const w of scriptWords(view, source, hosted)) {
        const quoted = isWhollyQuoted(source, w);
        visit(quoted ? w.start + 1 : w.start, quoted ? w.end - 1 : w.end, level + 1, false);
      }
    }
  };
  visit(from, to, 0, embedded);
  return out;
}

/** What an offset of a script is part of: a word of a command (and which), or a heredoc body. */
export interface ShellContext {
  view: CommandView;
  /** Index in `view.command.words`, or -1 for an assignment, a redirection or a heredoc body. */
  wordIndex: number;
  role: 'prefix' | 'name' | 'argument' | 'assignment' | 'redirect' | 'heredoc';
}

/**
 * The innermost command part that holds `offset`, or undefined when the offset is in a comment, an
 * operator or blank space.
 */
export function contextAt(views: readonly CommandView[], offset: number): ShellContext | undefined {
  let best: { ctx: ShellContext; size: number } | undefined;
  const consider = (ctx: ShellContext, start: number, end: number) => {
    if (offset < start || offset >= end) return;
    if (!best || end - start <= best.size) best = { ctx, size: end - start };
  };
  for (const view of views) {
    const c = view.command;
    if (offset < c.start || (offset >= c.end && !c.redirects.some((r) => r.body))) continue;
    c.words.forEach((w, i) => {
      const role =
        i < view.bodyIndex
          ? 'prefix'
          : i < view.nameIndex
            ? 'prefix'
            : i === view.nameIndex
              ? 'name'
              : 'argument';
      consider({ view, wordIndex: i, role }, w.start, w.end);
    });
    for (const a of c.assignments) consider({ view, wordIndex: -1, role: 'assignment' }, a.start, a.end);
    for (const r of c.redirects) {
      if (r.target) consider({ view, wordIndex: -1, role: 'redirect' }, r.target.start, r.target.end);
      if (r.body) consider({ view, wordIndex: -1, role: 'heredoc' }, r.body[0], r.body[1]);
    }
  }
  return best?.ctx;
}

/** Programs that only print or search text: a flag in their arguments configures nothing. */
export const TEXT_COMMANDS = new Set([
  'echo',
  'printf',
  'print',
  'grep',
  'egrep',
  'fgrep',
  'zgrep',
  'rg',
  'ag',
  'ack',
  'sed',
  'awk',
  'gawk',
  'test',
  '[',
  '[[',
  ':',
  'true',
  'false',
  'logger',
  'log',
  'info',
  'warn',
  'error',
  'die',
  'fail',
  'debug',
]);

/** Targets that discard or show output rather than store it. */
const NOT_A_FILE = /^(?:\/dev\/(?:null|stdout|stderr|tty)|&?-|&?\d+)$/;

/**
 * True when the command's output is stored in a file: redirected (`> f`, `>> f`) or piped into
 * `tee f`. Text written to a file is configuration (`echo insecure >> ~/.curlrc`).
 */
export function writesToFile(views: readonly CommandView[], index: number): boolean {
  const view = views[index]!;
  const c = view.command;
  const redirected = c.redirects.some(
    (r) => /^(?:>|>>|>\||&>|&>>)$/.test(r.op) && r.target !== undefined && !NOT_A_FILE.test(r.target.value),
  );
  if (redirected) return true;
  if (c.next !== '|' && c.next !== '|&') return false;
  for (let j = index + 1; j < views.length && j < index + 64; j++) {
    const next = views[j]!;
    if (next.command.depth > c.depth) continue;
    if (next.command.depth < c.depth) return false;
    const args = next.command.words.slice(next.nameIndex + 1);
    return next.name === 'tee' && args.some((w) => !w.value.startsWith('-') && !NOT_A_FILE.test(w.value));
  }
  return false;
}
