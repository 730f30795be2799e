import type { Workspace } from '../../workspace/workspace.js';
import { type Command, commandsOf, programName } from './commands.js';

/**
 * Shell functions a `run:` script calls: defined in the script itself (`name() {`, `function name {`)
 * or in a repository file it sources first (`source tools/release/utils.sh`, `. ./ci/lib.sh`). A call
 * of one starts no process: its arguments become the function's positional parameters, and what the
 * function does with them is in its body. Only literal paths of shell files are followed (a sourced
 * path with a variable is not known), one file deep, and only what is read through the workspace.
 */

/** A function definition: its name and its body's text. */
export interface ShellFunction {
  name: string;
  body: string;
  /** The repository file that defines it; undefined for the script itself. */
  file?: string;
}

/** A function definition's head: `name() {`, `name ()`, `function name {`, `function name() {`. */
const HEAD =
  /^[ \t]*(?:function[ \t]+([A-Za-z_][\w.:-]*)[ \t]*(?:\([ \t]*\))?|([A-Za-z_][\w.:-]*)[ \t]*\([ \t]*\))[ \t]*(\{)?[ \t]*$/;
/** A `{` or `}` that stands as a word: it opens or closes a group (not `${var}`). */
const BRACE = /(?:^|[\s;&|])([{}])(?=$|[\s;&|])/g;
/** At most this many lines are read as one function's body. */
const MAX_BODY_LINES = 2000;

/** The functions a text defines, by name (the last definition of a name wins, as in the shell). */
export function definedFunctions(text: string, file?: string): Map<string, ShellFunction> {
  const out = new Map<string, ShellFunction>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const head = HEAD.exec(lines[i]!);
    if (!head) continue;
    const name = (head[1] ?? head[2])!;
    // The opening brace on the head's line or alone on the next.
    let from = i + 1;
    if (!head[3]) {
      if (lines[from]?.trim() !== '{') continue;
      from += 1;
    }
    let depth = 1;
    let end = from;
    for (; end < lines.length && end - from < MAX_BODY_LINES; end++) {
      for (const m of lines[end]!.replace(/#.*$/, '').matchAll(BRACE)) depth += m[1] === '{' ? 1 : -1;
      if (depth <= 0) break;
    }
    // A body whose end is not found is not read: what it does is not known.
    if (depth > 0) continue;
    out.set(name, { name, body: lines.slice(from, end).join('\n'), ...(file ? { file } : {}) });
    i = end;
  }
  return out;
}

/**
 * The functions `script` can call at the command that starts at `at`: those it defines and those of
 * the files it sources before that command.
 */
export function functionsBefore(
  workspace: Workspace,
  script: string,
  at: number,
): Map<string, ShellFunction> {
  const out = new Map<string, ShellFunction>();
  for (const command of commandsOf(script)) {
    if (command.start >= at) break;
    const file = sourcedFile(workspace, command);
    if (!file) continue;
    const defined = workspace.memo('shell-functions', file, (f) =>
      definedFunctions(workspace.text(f) ?? '', f),
    );
    for (const [name, fn] of defined) out.set(name, fn);
  }
  for (const [name, fn] of definedFunctions(script)) out.set(name, fn);
  return out;
}

/** The files whose functions are read (what a rule that reads them declares it reads). */
export const SHELL_FILE_GLOBS = ['**/*.sh', '**/*.bash'];
const SHELL_FILE = /\.(?:sh|bash)$/;

/** The repository file (`.sh`, `.bash`) a `source` or `.` command reads, when its path is literal and found. */
function sourcedFile(workspace: Workspace, command: Command): string | undefined {
  const program = programName(command);
  if (program !== 'source' && program !== '.') return undefined;
  const path = command.program[1]?.text;
  if (!path || /[$`*?]/.test(path) || path.startsWith('/')) return undefined;
  const rel = path.replace(/^(?:\.\/)+/, '');
  return SHELL_FILE.test(rel) && !rel.startsWith('../') && workspace.has(rel) ? rel : undefined;
}
