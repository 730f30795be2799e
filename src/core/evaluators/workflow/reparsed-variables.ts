import type { ShellWord } from '../../parsers/shell.js';
import { type CommandView, programName, SHELLS, scriptCommands } from '../../parsers/shell-commands.js';

/**
 * Shell variables a script expands into program text that another parser reads: the script of
 * `eval`, of `sh -c`, of `python -c`, `node -e`, `ruby -e`, `perl -e`, `php -r`, `pwsh -c`, a
 * here-string given to a shell, or an unquoted here-document fed to a shell or an interpreter that
 * reads its program from its input (`python3 - <<EOF`). Reading a value as `"$TITLE"` keeps it data;
 * `bash -c "echo $TITLE"` splices it into the inner shell's code first, as a `${{ }}` expression in
 * `run:` is spliced into the outer one's. A variable in single quotes (`bash -c 'echo "$TITLE"'`), or
 * escaped (`eval echo \$TITLE`), is expanded by the inner program as a variable: data.
 */
export interface ReparsedVariable {
  name: string;
  /** Offsets of the reference (`$NAME`, `${NAME}`) in the script. */
  start: number;
  end: number;
  /** The program that parses it as code (`eval`, `bash -c`, `python3 -c`, `python3 (here-document)`). */
  program: string;
}

/** Interpreters and the options whose value is the program they run. */
const CODE_OPTIONS: [RegExp, RegExp][] = [
  [/^python[0-9.]*$/, /^-[BEIOSsuv]*c$/],
  [/^(?:node|nodejs|bun)$/, /^(?:-e|--eval|-p|--print)$/],
  [/^ruby$/, /^-[a-zA-Z]*e$/],
  [/^perl$/, /^-[a-zA-Z]*[eE]$/],
  [/^php$/, /^-r$/],
  [/^(?:pwsh|powershell)$/, /^-(?:c|command)$/i],
];

/** Interpreters that read their program from their input when given no script (or `-`). */
const STDIN_PROGRAMS = /^(?:python[0-9.]*|node|nodejs|ruby|perl|php|pwsh|powershell)$/;

export function reparsedVariables(script: string): ReparsedVariable[] {
  const out: ReparsedVariable[] = [];
  for (const view of scriptCommands(script)) {
    const name = view.name;
    for (const { word, program } of codeWords(view)) {
      for (const ref of expandedIn(script, word.start, word.end, false)) out.push({ ...ref, program });
    }
    for (const r of view.command.redirects) {
      if (!readsProgramFromInput(view)) continue;
      if (r.op === '<<<' && r.target) {
        for (const ref of expandedIn(script, r.target.start, r.target.end, false))
          out.push({ ...ref, program: `${name} (here-string)` });
      } else if (r.op.startsWith('<<') && r.body && r.target && !r.target.quoted) {
        for (const ref of expandedIn(script, r.body[0], r.body[1], true))
          out.push({ ...ref, program: `${name} (here-document)` });
      }
    }
  }
  // A reference is reported once, at its innermost program.
  const seen = new Set<number>();
  return out.filter((r) => !seen.has(r.start) && seen.add(r.start));
}

/**
 * Programs that run a command line they are given in a container, a pod or another host (`docker
 * run img sh -c "..."`, `kubectl exec pod -- bash -c "..."`): the shell there parses it.
 */
const RUNS_ELSEWHERE = new Set(['docker', 'podman', 'nerdctl', 'kubectl', 'oc', 'ssh', 'nsenter', 'flatpak']);

/** The words of a command that are a program's text, with that program named. */
function codeWords(view: CommandView): { word: ShellWord; program: string }[] {
  const words = view.command.words;
  if (view.name === 'eval') return words.slice(view.nameIndex + 1).map((word) => ({ word, program: 'eval' }));
  // The program itself, or a shell or interpreter that a container or remote runner is told to start.
  const last = RUNS_ELSEWHERE.has(view.name) ? words.length - 1 : Math.min(view.nameIndex, words.length - 1);
  for (let at = view.nameIndex; at <= last; at++) {
    const name = programName(words[at]!.value);
    const args = words.slice(at + 1);
    if (SHELLS.has(name)) {
      for (let k = 0; k < args.length && args[k]!.value.startsWith('-'); k++) {
        if (/^-[a-z]*c[a-z]*$/.test(args[k]!.value) && args[k + 1])
          return [{ word: args[k + 1]!, program: `${name} ${args[k]!.value}` }];
        if (/^-o$/.test(args[k]!.value)) k++;
      }
      continue;
    }
    const options = CODE_OPTIONS.find(([program]) => program.test(name))?.[1];
    if (!options) continue;
    for (let k = 0; k < args.length && args[k]!.value.startsWith('-'); k++) {
      if (options.test(args[k]!.value) && args[k + 1])
        return [{ word: args[k + 1]!, program: `${name} ${args[k]!.value}` }];
    }
  }
  return [];
}

/** A shell or interpreter given no script to run (`bash`, `bash -s`, `python3 -`): it runs its input. */
function readsProgramFromInput(view: CommandView): boolean {
  if (!SHELLS.has(view.name) && !STDIN_PROGRAMS.test(view.name)) return false;
  const args = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
  if (args.some((a) => /^-[a-z]*c[a-z]*$/.test(a) && SHELLS.has(view.name))) return false;
  return args.every((a) => a === '-' || a.startsWith('-'));
}

/**
 * References to variables that the shell expands in `script[from, to)`: outside single quotes and
 * not escaped; in a here-document's body (`heredoc`) quotes are text and only `\$` keeps one.
 */
function expandedIn(
  script: string,
  from: number,
  to: number,
  heredoc: boolean,
): { name: string; start: number; end: number }[] {
  const out: { name: string; start: number; end: number }[] = [];
  let single = false;
  let double = false;
  for (let i = from; i < to; i++) {
    const c = script[i]!;
    if (single) {
      if (c === "'") single = false;
      continue;
    }
    if (c === '\\') {
      i++;
      continue;
    }
    if (!heredoc && c === "'" && !double) {
      single = true;
      continue;
    }
    if (!heredoc && c === '"') {
      double = !double;
      continue;
    }
    if (c !== '$') continue;
    const m = /^\$(?:\{([A-Za-z_]\w*)[^}]{0,200}\}|([A-Za-z_]\w*))/.exec(
      script.slice(i, Math.min(to, i + 256)),
    );
    if (!m) continue;
    out.push({ name: (m[1] ?? m[2])!, start: i, end: i + m[0].length });
    i += m[0].length - 1;
  }
  return out;
}

/**
 * Whether the script sets a variable of that name itself before an offset (`NAME=...`, `export
 * NAME=`, `read NAME`, `for NAME in`): then what it holds there is the script's, not the step's
 * environment's.
 */
export function assignedBefore(script: string, name: string, before: number): boolean {
  const text = script.slice(0, before);
  const n = name.replace(/[^\w]/g, '');
  return new RegExp(
    String.raw`(?:^|[\s;&|(])(?:(?:export|local|declare|typeset|readonly)\s+(?:-\w+\s+)*)?${n}\+?=|\bread\b[^\n;|&]*\s${n}\b|\bfor\s+${n}\s+in\b`,
  ).test(text);
}
