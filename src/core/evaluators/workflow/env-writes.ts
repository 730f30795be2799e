import { type ShellCommand, shellStructure } from '../../parsers/shell.js';
import { joinContinuations } from './shell.js';

/**
 * Writes to the runner's environment files in a script: `>> $GITHUB_ENV`, `tee -a "$GITHUB_PATH"`,
 * PowerShell's `Out-File`/`Add-Content` on `$env:GITHUB_ENV`, cmd's `%GITHUB_ENV%`, and lines inside
 * a `{ ...; } >> "$GITHUB_ENV"` group or a heredoc piped into one. Each write carries the script
 * ranges its value comes from: the writing line, plus the assignments of shell variables it reads.
 */

/** One write to `$GITHUB_ENV` or `$GITHUB_PATH`. */
export interface EnvWrite {
  file: 'env' | 'path';
  /** The writing line [start, end) in the script. */
  start: number;
  end: number;
  text: string;
  /** Ranges whose text makes the value: the line and the assignments of the variables it reads. */
  ranges: [number, number][];
  /** Variables the value reads that the script does not assign (environment variables). */
  envVars: string[];
  /** The value goes through `NAME<<$DELIMITER` with a delimiter made at random in the script. */
  randomDelimiter: boolean;
  /**
   * The variables the line writes, when each is checked after its last assignment against an
   * anchored pattern that admits no line break, the script exiting otherwise (see {@link guardedBy});
   * undefined when any is not (or the line also holds a `${{ }}` expression, or reads no variable).
   */
  checked?: string[];
  /**
   * Of {@link checked}, the variables whose last assignment strips every line break from the value
   * instead (`NAME=$(... | tr '\n' ' ')`, `| tr -d '\n'`: see {@link stripsLineBreaks}).
   */
  stripped?: string[];
}

const TARGET =
  /(?:>>?|\btee\s+(?:-a\s+|--append\s+)?|-(?:File)?Path\s+|\bAdd-Content\s+)\s*["']?(?:\$\{?GITHUB_(ENV|PATH)\b\}?|\$env:GITHUB_(ENV|PATH)\b|%GITHUB_(ENV|PATH)%)/i;
const GROUP_END = /^\s*\}\s*>>?\s*["']?(?:\$\{?GITHUB_(ENV|PATH)\b|\$env:GITHUB_(ENV|PATH)\b)/i;
const ASSIGNMENT = /^\s*(?:export\s+|local\s+|readonly\s+|declare(?:\s+-\w+)*\s+|\$)?([A-Za-z_]\w*)\s*=(.*)$/;
const VAR_REF = /\$env:([A-Za-z_]\w*)|\$\{?([A-Za-z_]\w*)|%([A-Za-z_]\w*)%/g;
const RANDOM =
  /openssl\s+rand|uuidgen|\/dev\/urandom|\$RANDOM|\bmktemp\b|New-Guid|\[guid\]::NewGuid|randomUUID|secrets\.token_hex/i;
/** Variables the runner sets: never attacker data (and the targets themselves). */
const RUNNER_VAR =
  /^(GITHUB_(ENV|PATH|OUTPUT|STEP_SUMMARY|WORKSPACE|SHA|REF|REF_NAME|RUN_ID|RUN_NUMBER|REPOSITORY|SERVER_URL|API_URL|ACTION_PATH)|RUNNER_\w+|HOME|PATH|PWD|env|GITHUB_EVENT_PATH)$/i;

/** Every write to the environment files, in script order. */
export function envWrites(script: string): EnvWrite[] {
  const joined = joinContinuations(script);
  const lines: { start: number; end: number; text: string }[] = [];
  let at = 0;
  for (const text of joined.split('\n')) {
    lines.push({ start: at, end: at + text.length, text });
    at += text.length + 1;
  }
  // The closing line of a group writes nothing of its own.
  const target: ('env' | 'path' | undefined)[] = lines.map((l) =>
    GROUP_END.test(l.text) ? undefined : fileOf(TARGET.exec(l.text)),
  );
  // Lines of a `{ ... } >> file` group, and heredoc bodies whose command writes to a file.
  const open: number[] = [];
  for (const [i, l] of lines.entries()) {
    if (/^\s*\{\s*(?:#.*)?$/.test(l.text)) open.push(i);
    const close = GROUP_END.exec(l.text);
    if (close) {
      const from = open.pop();
      if (from !== undefined) for (let k = from + 1; k < i; k++) target[k] ??= fileOf(close);
    }
    const heredoc =
      target[i] && /<<-?\s*['"]?([A-Za-z_]\w*)['"]?/.exec(l.text.replace(/\w+<<[$"'\w{}]+/, ''));
    if (heredoc) {
      for (let k = i + 1; k < lines.length && lines[k]!.text.trim() !== heredoc[1]; k++)
        target[k] = target[i];
    }
  }
  const random = RANDOM.test(joined) && /<<\s*["']?\$\{?\w/.test(joined);
  const assigned = new Map<string, Sources>();
  // The line of each variable's last assignment, for the checks made after it.
  const assignedAt = new Map<string, number>();
  const out: EnvWrite[] = [];
  if (!target.some(Boolean)) return out;
  const values = valueLines(joined, lines);
  for (const [i, l] of lines.entries()) {
    const sources = sourcesOf(l, assigned);
    const file = target[i];
    if (file) {
      const checked = checkedVariables(lines, i, assignedAt, values);
      const stripped = checked?.filter((name) => strippedEverywhere(lines, name, values));
      out.push({
        file,
        start: l.start,
        end: l.end,
        text: l.text.trim(),
        ...sources,
        randomDelimiter: random,
        ...(checked ? { checked } : {}),
        ...(stripped?.length ? { stripped } : {}),
      });
      continue;
    }
    // What the line gives each variable a value from. A plain assignment that always runs replaces
    // the value; one in a branch, loop or function, an append, a `read` and the like may or may not
    // have run, or adds to it: the value is made of what every one of them gave it.
    const a = ASSIGNMENT.exec(l.text)?.[1];
    for (const name of new Set([...(a ? [a] : []), ...(values.byLine.get(i) ?? [])])) {
      const before = assigned.get(name);
      // A function's assignment runs where it is called: never replaced by one written after it.
      const replaces =
        name === a && !values.conditional.has(i) && !values.inFunction.has(name) && !/\+=/.test(l.text);
      assigned.set(
        name,
        replaces || !before
          ? sources
          : {
              ranges: [...before.ranges, ...sources.ranges].slice(0, 64),
              envVars: [...new Set([...before.envVars, ...sources.envVars])],
            },
      );
      assignedAt.set(name, i);
    }
  }
  return out;
}

/**
 * The variables the write on line `at` reads, when every one is checked (see {@link guardedBy})
 * between its last assignment and the write; undefined otherwise.
 */
function checkedVariables(
  lines: { text: string }[],
  at: number,
  assignedAt: Map<string, number>,
  values: ValueLines,
): string[] | undefined {
  const line = lines[at]!.text;
  if (line.includes('${{')) return undefined;
  const names = [...line.matchAll(VAR_REF)]
    .map((m) => m[1] ?? m[2] ?? m[3]!)
    .filter((n) => !RUNNER_VAR.test(n));
  if (names.length === 0) return undefined;
  const unique = [...new Set(names)];
  const all = unique.every((name) => {
    const from = assignedAt.get(name);
    if (from === undefined) return false;
    if (strippedEverywhere(lines, name, values)) return true;
    // The check holds for the value written only when no command can give the variable another
    // value after it: every way of setting it stands before the check, none in a function (called
    // later), and the check itself is no branch of an `if`, `case` or loop that may be skipped.
    const set = values.lines.get(name);
    if (!set || values.inFunction.has(name)) return false;
    const last = Math.max(from, ...set);
    for (let k = last + 1; k < at; k++)
      if (!values.conditional.has(k) && guardedBy(lines, k, name)) return true;
    return inMatchingBranch(lines, at, name, last);
  });
  return all ? unique : undefined;
}

/**
 * Whether line `k` ends the script unless `$name` matches, in full, a pattern that admits no line
 * break: `if [[ ... || ! "$NAME" =~ ^[A-Za-z0-9._-]+$ ]]; then ... exit 1 ... fi`, or
 * `[[ "$NAME" =~ ^...$ ]] || exit 1`. The pattern must be anchored at both ends (bash matches `^`
 * and `$` at the ends of the whole string) and hold nothing that matches a line break: no `.`, no
 * negated bracket, no class of spaces, no alternative outside parentheses.
 */
function guardedBy(lines: { text: string }[], k: number, name: string): boolean {
  const text = lines[k]!.text;
  const v = `"?\\$\\{?${name}\\}?"?`;
  const negated = new RegExp(
    `^\\s*if\\s+\\[\\[(.*?)!\\s*${v}\\s*=~\\s*(\\S+)\\s*\\]\\]\\s*;\\s*then\\b`,
  ).exec(text);
  if (negated) {
    // Only `||` may join the check to the rest of the condition: any of them true exits.
    if (/&&|\]\]\s*(?:&&|\|\|)/.test(negated[1]!) || !strictPattern(negated[2]!)) return false;
    for (let j = k + 1; j < lines.length; j++) {
      const body = lines[j]!.text.trim();
      if (/^(?:fi|else|elif)\b/.test(body)) return false;
      if (/^exit\s+[1-9]\d*\b/.test(body)) return true;
    }
    return false;
  }
  const inline = new RegExp(`^\\s*\\[\\[\\s*${v}\\s*=~\\s*(\\S+)\\s*\\]\\]\\s*\\|\\|\\s*exit\\s+[1-9]`).exec(
    text,
  );
  return inline !== null && strictPattern(inline[1]!);
}

/**
 * Whether the write on line `at` is in the branch an `if [[ "$NAME" =~ ^...$ ]]; then` opens on a
 * line after `after` (the variable's last assignment), with a pattern that admits no line break (as
 * {@link guardedBy} requires): the line is written only when the value matches. Only straight lines
 * may stand between the `if` and the write: an `else`, `elif`, `fi` or another compound command
 * there may put the write in another branch, and is not followed.
 */
function inMatchingBranch(lines: { text: string }[], at: number, name: string, after: number): boolean {
  const v = `"?\\$\\{?${name}\\}?"?`;
  const opens = new RegExp(`^if\\s+\\[\\[\\s*${v}\\s*=~\\s*(\\S+)\\s*\\]\\]\\s*;\\s*then\\s*(?:#.*)?$`);
  for (let j = at - 1; j > after; j--) {
    const text = lines[j]!.text.trim();
    const guard = opens.exec(text);
    if (guard) return strictPattern(guard[1]!);
    if (/^(?:fi|else|elif|done|esac|if|while|until|for|case|select)\b/.test(text)) return false;
  }
  return false;
}

/**
 * Where a script gives each variable a value, by line: an assignment (`NAME=`, `NAME+=`, `NAME[i]=`,
 * also after `export`, `local`, `declare` and the like), `read`, `mapfile`/`readarray`, `printf -v`,
 * `getopts`, a `for`/`select` loop variable, `${NAME:=...}`, and `eval` of text that assigns it; in
 * any branch, function or subshell. With the variables set inside a function's body, and the lines
 * of commands that run only on a condition (a branch of `if` or `case`, a loop's body).
 */
interface ValueLines {
  lines: Map<string, Set<number>>;
  byLine: Map<number, string[]>;
  inFunction: Set<string>;
  conditional: Set<number>;
}

const DECLARES = new Set(['export', 'local', 'readonly', 'declare', 'typeset']);
const ASSIGNED_NAME = /^([A-Za-z_]\w*)(?:\[[^\]]*\])?\+?=/;

function valueLines(joined: string, lines: { start: number; end: number }[]): ValueLines {
  const out: ValueLines = {
    lines: new Map(),
    byLine: new Map(),
    inFunction: new Set(),
    conditional: new Set(),
  };
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lines[mid]!.start <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const structure = shellStructure(joined);
  const add = (name: string, offset: number, command: ShellCommand | undefined) => {
    const line = lineOf(offset);
    const set = out.lines.get(name) ?? new Set<number>();
    out.lines.set(name, set);
    set.add(line);
    out.byLine.set(line, [...(out.byLine.get(line) ?? []), name]);
    let top = command;
    while (top?.parent) top = top.parent.command;
    if (top && structure.get(top)?.some((f) => f.frame.kind === 'function')) out.inFunction.add(name);
  };
  // Top-level commands only: an assignment inside a substitution sets the variable of its subshell.
  for (const command of structure.keys()) {
    for (const a of command.assignments) {
      const m = ASSIGNED_NAME.exec(a.value);
      if (m) add(m[1]!, a.start, command);
    }
    const words = command.words;
    let k = 0;
    while (k < words.length && (words[k]!.value === 'builtin' || words[k]!.value === 'command')) k++;
    const program = words[k]?.value ?? '';
    const rest = words.slice(k + 1);
    if (DECLARES.has(program)) {
      for (const w of rest) {
        const m = ASSIGNED_NAME.exec(w.value);
        if (m) add(m[1]!, w.start, command);
      }
    } else if (['read', 'mapfile', 'readarray', 'getopts'].includes(program)) {
      for (const w of rest) if (/^[A-Za-z_]\w*$/.test(w.value)) add(w.value, w.start, command);
    } else if (program === 'printf') {
      for (const [j, w] of rest.entries()) {
        const name = w.value === '-v' ? rest[j + 1]?.value : /^-v([A-Za-z_]\w*)$/.exec(w.value)?.[1];
        if (name) add(name, w.start, command);
      }
    } else if (program === 'eval') {
      for (const w of rest)
        for (const m of w.value.matchAll(/(?:^|[^\w$])([A-Za-z_]\w*)(?:\[[^\]]*\])?\+?=/g))
          add(m[1]!, w.start, command);
    }
  }
  // The lexer reads no loop variable and no assigning expansion as a command: read them in the text.
  for (const m of joined.matchAll(/(?:^|[\s;&|({])(?:for|select)\s+([A-Za-z_]\w*)\b/g))
    add(m[1]!, m.index + m[0].length - m[1]!.length, undefined);
  for (const m of joined.matchAll(/\$\{([A-Za-z_]\w*):?=/g)) add(m[1]!, m.index, undefined);
  // A check ends the script only when it runs whenever the write does: not in a branch, a loop, a
  // function or a subshell (whose `exit` ends only the subshell); the condition of an `if` of its own
  // is the check's own (`if [[ ! ... ]]; then exit 1; fi`).
  for (const [command, frames] of structure) {
    if (!Number.isFinite(command.start)) continue;
    const around = frames.filter((f) => f.frame.kind !== 'group');
    const own = around.at(-1)?.frame.kind === 'if' && around.at(-1)?.phase === 'condition' ? 1 : 0;
    if (around.length > own) out.conditional.add(lineOf(command.start));
  }
  return out;
}

/**
 * Whether every way the script gives `name` a value (see {@link valueLines}) is a line that strips
 * every line break ({@link stripsLineBreaks}): a later `NAME+="$BODY"`, a `read` into it or a branch
 * that assigns the raw value leaves line feeds in what is written.
 */
function strippedEverywhere(lines: { text: string }[], name: string, values: ValueLines): boolean {
  const set = values.lines.get(name);
  if (!set || set.size === 0) return false;
  for (const k of set) if (!stripsLineBreaks(lines[k]!.text, name)) return false;
  return true;
}

/**
 * Whether an assignment line sets `name` to one command substitution whose last command deletes or
 * translates every line feed: `NAME=$(... | tr '\n' ' ')`, `NAME=$(... | tr -d '\n')` (also
 * `'\r\n'`). The runner splits the file at line feeds only (a lone carriage return ends no line), so
 * such a value defines no further variable. Only `tr` given fixed sets, as the pipeline's last
 * command, with nothing after the substitution's closing parenthesis.
 */
export function stripsLineBreaks(line: string, name: string): boolean {
  const m = new RegExp(`^\\s*(?:export\\s+|local\\s+)?${name}=["']?\\$\\((.*)\\)["']?\\s*(?:;\\s*)?$`).exec(
    line,
  );
  const inner = m?.[1];
  // One pipeline: no list (`||`, `&&`, `;`, `&`), no backquote, and no parenthesis closed at the
  // top level (`$(a) $(b | tr ...)` is two substitutions, the first not stripped).
  if (inner === undefined || /\|\||&|;|`|\n/.test(inner)) return false;
  let depth = 0;
  for (const c of inner) {
    if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return false;
  }
  const last = inner.split('|').at(-1)!.trim();
  return TR_DELETE.test(last) || TR_TRANSLATE.test(last);
}
/** `tr -d` of a set that holds the line feed. */
const TR_DELETE = /^tr\s+-d\s+(['"])(?:\\r)?\\n(?:\\r)?\1$/;
/** `tr` of the line feed alone into one character that is none. */
const TR_TRANSLATE = /^tr\s+(['"])\\n\1\s+(['"])(?:[^\\'"\n]|\\t)\2$/;

/** POSIX character classes that hold no line break. */
const SAFE_CLASSES = new Set(['alnum', 'alpha', 'digit', 'lower', 'upper', 'xdigit', 'word']);

/** An unquoted bash ERE anchored at both ends whose every part matches no line break. */
function strictPattern(pattern: string): boolean {
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$')) return false;
  const body = pattern.slice(1, -1);
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      // An escaped character is itself, except classes that hold a line break (`\s`, `\W`, `\D`).
      if (/[sWDn]/.test(body[i + 1] ?? '')) return false;
      i++;
      continue;
    }
    if (c === '[') {
      // A bracket expression ends at the first `]` after its first character that closes no
      // `[:class:]`; it must not be negated, nor hold a class or escape of spaces or controls.
      let end = i + 1;
      if (body[end] === '^') end++;
      if (body[end] === ']') end++;
      while (end < body.length && body[end] !== ']') {
        if (body.startsWith('[:', end)) {
          const close = body.indexOf(':]', end + 2);
          if (close === -1) return false;
          if (!SAFE_CLASSES.has(body.slice(end + 2, close))) return false;
          end = close + 2;
        } else end++;
      }
      if (end >= body.length) return false;
      const inner = body.slice(i + 1, end);
      if (inner.startsWith('^') || /\\[sSnWD]/.test(inner)) return false;
      i = end;
      continue;
    }
    if (c === '.' || c === '$' || c === '^' || c === '"' || c === "'") return false;
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === '|' && depth === 0) return false;
  }
  return depth === 0;
}

interface Sources {
  ranges: [number, number][];
  envVars: string[];
}

/** The line, plus what the script variables it reads were assigned from. */
function sourcesOf(
  line: { start: number; end: number; text: string },
  assigned: Map<string, Sources>,
): Sources {
  const out: Sources = { ranges: [[line.start, line.end]], envVars: [] };
  for (const m of line.text.matchAll(VAR_REF)) {
    const name = m[1] ?? m[2] ?? m[3]!;
    if (RUNNER_VAR.test(name)) continue;
    const known = assigned.get(name);
    if (known) {
      out.ranges.push(...known.ranges);
      out.envVars.push(...known.envVars);
    } else out.envVars.push(name);
  }
  return out;
}

function fileOf(m: RegExpExecArray | null): 'env' | 'path' | undefined {
  if (!m) return undefined;
  const name = (m[1] ?? m[2] ?? m[3] ?? '').toUpperCase();
  return name === 'ENV' ? 'env' : name === 'PATH' ? 'path' : undefined;
}
