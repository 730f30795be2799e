import { commandsOf, programName } from './commands.js';

/**
 * Scripts of fixed commands: every program a `run:` script starts is a shell builtin or a tool that
 * runs no code of the repository, of a dependency or of another party, whatever it is given.
 */

const NONE: ReadonlySet<string> = new Set();

/**
 * Programs that run no code of the repository, of a dependency or of another party, whatever their
 * arguments: shell builtins and text and file tools. `git` and `go` count only for the subcommands in
 * {@link FIXED_SUBCOMMANDS}.
 */
const FIXED_PROGRAMS = new Set(
  (
    'echo printf test [ [[ true false : exit set unset export cd pushd popd shift return read local declare ' +
    'cat tee head tail grep egrep fgrep sed tr cut sort uniq wc basename dirname date ls mkdir rm cp mv ' +
    'touch ln diff cmp sha256sum sha1sum md5sum jq base64 git go'
  ).split(' '),
);
/**
 * What `git` and `go` may do in such a run: read the checkout's history and set options (no fetch, push,
 * clone or submodule, which use the credentials; no hook-running commit), and tidy or check the module
 * list (`go mod`, which builds and runs nothing).
 */
const FIXED_SUBCOMMANDS: Record<string, RegExp> = {
  git: /^(?:config|diff|diff-tree|diff-index|merge-base|log|rev-parse|rev-list|status|show|describe|ls-files|ls-tree|cat-file|name-rev)$/,
  go: /^mod$/,
};
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
    }
    out.add(sub ? `${program} ${words.slice(1).find((w) => !w.text.startsWith('-'))!.text}` : program);
    // A command substitution in its words runs a command of its own.
    const text = script.slice(command.start, command.end);
    for (let i = text.indexOf('$('); i !== -1; i = text.indexOf('$(', i + 2)) {
      const inner = substitution(text, i + 1);
      if (inner === undefined) return undefined;
      const nested = fixedPrograms(inner, extra, depth + 1);
      if (!nested) return undefined;
      for (const p of nested) out.add(p);
    }
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
