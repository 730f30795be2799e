import { commandsOf, programName } from './commands.js';

/**
 * Scripts of fixed commands: every program a `run:` script starts is a shell builtin or a tool that
 * runs no code of the repository, of a dependency or of another party, whatever it is given.
 */

const NONE: ReadonlySet<string> = new Set();

/**
 * Programs that run no code of the repository, of a dependency or of another party, whatever their
 * arguments: shell builtins and text and file tools (`file` reads a file's type; `curl` fetches a
 * URL's text, as `wget` does, which a fixed command can only read, and has no use for git's credentials). `git` and
 * `go` count only for the subcommands in {@link FIXED_SUBCOMMANDS}; `sed` and `awk` only with their
 * program in the command line ({@link SCRIPT_FILE}).
 */
const FIXED_PROGRAMS = new Set(
  (
    'echo printf test [ [[ true false : exit set unset export cd pushd popd shift return read local declare ' +
    'cat tee head tail grep egrep fgrep sed awk gawk mawk tr cut sort uniq wc basename dirname date ls mkdir rm cp mv ' +
    'touch ln diff cmp sha256sum sha1sum sha224sum sha384sum sha512sum b2sum md5sum shasum jq base64 file ' +
    'curl wget git go'
  ).split(' '),
);
/**
 * `sed -f script`, `awk -f prog.awk`: the program is a file, of the repository as checked out, not
 * the fixed text of the workflow (GNU sed's `e` and awk's `system()` run commands).
 */
const SCRIPT_FILE: Record<string, RegExp> = {
  sed: /^(?:-[a-zA-Z]*f.*|--file(?:=.*)?)$/,
  awk: /^(?:-[a-zA-Z]*f.*|--file(?:=.*)?|-E|--exec(?:=.*)?)$/,
  gawk: /^(?:-[a-zA-Z]*f.*|--file(?:=.*)?|-E|--exec(?:=.*)?)$/,
  mawk: /^(?:-[a-zA-Z]*f.*|--file(?:=.*)?)$/,
};
/**
 * What `git` and `go` may do in such a run: read the checkout's history, list or set local branches
 * (`branch`: it runs no hook and talks to no remote) and set options (no fetch, push,
 * clone or submodule, which write to the checkout or the remote; no hook-running commit), list a
 * remote's refs (`ls-remote`: it reads refs only, writes nothing and runs nothing, and the
 * credentials git may send with it go only to the host that issued them; not with
 * `--upload-pack`, which names a program to run), and tidy or check the module list (`go mod`,
 * which builds and runs nothing).
 */
const FIXED_SUBCOMMANDS: Record<string, RegExp> = {
  git: /^(?:config|branch|diff|diff-tree|diff-index|merge-base|log|rev-parse|rev-list|status|show|describe|ls-files|ls-tree|cat-file|name-rev|ls-remote)$/,
  go: /^mod$/,
};
/** Options that make git run a program of their naming. */
const GIT_RUNS = /^(?:--upload-pack|-u$|--exec)/;
const GO_MOD = /^(?:tidy|download|verify|graph|why)$/;

/**
 * The programs a `run:` script starts when each is one of {@link FIXED_PROGRAMS} or `extra` (and
 * command substitutions inside its words too), or undefined when one is not, or cannot be told.
 */
export function fixedPrograms(
  script: string,
  extra: ReadonlySet<string> = NONE,
  depth = 0,
): Set<string> | undefined {
  // A backquoted substitution, or a here-document whose body may expand one, is not read here.
  if (depth > 3 || script.includes('`') || /<<(?!<)/.test(script)) return undefined;
  const out = new Set<string>();
  // A command substitution runs commands of its own: each is read in full here, once, as a script
  // (the commands below are cut at a `|` inside one too, `v=$(echo "$x" | cut -d. -f1)`, and their
  // pieces are read as well).
  for (let i = script.indexOf('$('); i !== -1; i = script.indexOf('$(', i + 2)) {
    const inner = substitution(script, i + 1);
    if (inner === undefined) return undefined;
    const nested = fixedPrograms(inner, extra, depth + 1);
    if (!nested) return undefined;
    for (const p of nested) out.add(p);
  }
  for (const command of commandsOf(script)) {
    const words = command.program;
    if (words.length === 0) continue;
    const first = words[0]!.text;
    // A redirection on its own (`} >> "$GITHUB_OUTPUT"`) starts nothing.
    if (/^\d*[<>]/.test(first)) continue;
    const program = programName(command);
    if (!program || !(FIXED_PROGRAMS.has(program) || extra.has(program))) return undefined;
    const sub = FIXED_SUBCOMMANDS[program];
    if (sub) {
      const rest = words.slice(1).filter((w) => !w.text.startsWith('-'));
      if (!rest[0] || !sub.test(rest[0].text)) return undefined;
      if (program === 'go' && !GO_MOD.test(rest[1]?.text ?? '')) return undefined;
      if (program === 'git' && words.some((w) => GIT_RUNS.test(w.text))) return undefined;
    }
    const file = SCRIPT_FILE[program];
    if (file && words.slice(1).some((w) => file.test(w.text))) return undefined;
    out.add(sub ? `${program} ${words.slice(1).find((w) => !w.text.startsWith('-'))!.text}` : program);
  }
  return out;
}

/** The text inside the `(` at `open` up to its closing `)`, or undefined when it is not closed. */
function substitution(text: string, open: number): string | undefined {
  let level = 0;
  for (let j = open; j < text.length; j++) {
    if (text[j] === '(') level++;
    else if (text[j] === ')' && --level === 0) return text.slice(open + 1, j);
  }
  return undefined;
}
