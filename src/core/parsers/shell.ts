/**
 * A tolerant, linear-time lexer of POSIX/bash command lines: it splits a script into simple commands
 * (words with their source offsets, assignments, redirections, heredoc bodies) and never throws, so it
 * also reads what is not a whole script: one logical line of a CI file, a Dockerfile RUN, a fragment
 * with an unclosed quote. It is not a parser: control structures are only recognised well enough to
 * know where commands start (`if`, `then`, `do`, `case ... in pat)` and the like are not commands).
 * Command substitutions (`$(...)`, backquotes, `<(...)`) are lexed as nested commands of their own.
 *
 * docs/architecture.md ("Shell commands") says why this is not one of npm's shell parsers.
 */

/** One word of a command, as the shell would pass it (quotes and escapes removed). */
export interface ShellWord {
  /** The value with quotes and escapes removed; expansions (`$VAR`, `$(...)`) are kept as written. */
  value: string;
  /** Offsets of the word in the source, `[start, end)`. */
  start: number;
  end: number;
  /** True when any part of the word was quoted or escaped. */
  quoted: boolean;
}

/** A redirection (`> file`, `2>&1`, `<<EOF`), with its target word when it has one. */
export interface ShellRedirect {
  op: string;
  target?: ShellWord;
  /** For a heredoc: the body's offsets `[start, end)` (the lines after the command, to the delimiter). */
  body?: [number, number];
}

/** One simple command. */
export interface ShellCommand {
  /** `NAME=value` words before the command name. */
  assignments: ShellWord[];
  /** The command name and its arguments (redirections excluded). */
  words: ShellWord[];
  redirects: ShellRedirect[];
  /** Offsets `[start, end)` from the first word or redirection to the last. */
  start: number;
  end: number;
  /** The operator that follows the command (`|`, `&&`, `;`, newline as `\n`, ...), if any. */
  next?: string;
  /** Nesting depth: 0 at top level, 1 inside a `$(...)` of a top-level command, ... */
  depth: number;
  /** For a nested command: the command and the word that hold its substitution. */
  parent?: { command: ShellCommand; word: ShellWord };
}

/** Characters with no meaning to the lexer inside a word. */
const PLAIN = /[^\s;&|()<>\\'"$`]+/y;

/** Substitutions nested deeper than this are kept as text, not lexed: a bound on recursion. */
const MAX_DEPTH = 24;

/** Words that open or close control structures and never name a command. */
const RESERVED = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'do',
  'done',
  'while',
  'until',
  '!',
  '{',
  '}',
  'esac',
]);

/** The operator at `i` (longest first), for a character `isMeta` accepted. */
function operatorAt(src: string, i: number): string | undefined {
  const c = src[i]!;
  const d = src[i + 1];
  switch (c) {
    case '&':
      return d === '&' ? '&&' : d === '>' ? (src[i + 2] === '>' ? '&>>' : '&>') : '&';
    case '|':
      return d === '|' ? '||' : d === '&' ? '|&' : '|';
    case ';':
      if (d !== ';') return d === '&' ? ';&' : ';';
      return src[i + 2] === '&' ? ';;&' : ';;';
    case '>':
      return d === '>' ? '>>' : d === '&' ? '>&' : d === '|' ? '>|' : '>';
    case '<':
      if (d === '<') return src[i + 2] === '<' ? '<<<' : src[i + 2] === '-' ? '<<-' : '<<';
      return d === '&' ? '<&' : d === '>' ? '<>' : '<';
    case '(':
    case ')':
      return c;
    default:
      return undefined;
  }
}

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r';
}

function isMeta(c: string | undefined): boolean {
  return c === undefined || isBlank(c) || c === '\n' || ';&|()<>'.includes(c);
}

/** Lexes `source[from, to)` into commands (nested ones included, each after the one holding it). */
export function lexShell(source: string, from = 0, to = source.length): ShellCommand[] {
  const out: ShellCommand[] = [];
  new Lexer(source, to, out).commands(from, 0, undefined, undefined);
  return out;
}

/**
 * The names of the functions `source[from, to)` defines, where a command could start (`name() {`,
 * `name () (`, `function name {`, `function name()`), in order, with their offsets; comments, quoted
 * text and heredoc bodies define none. A name is a plain word (unquoted, no expansion).
 */
export function shellFunctionDefinitions(source: string, from = 0, to = source.length): ShellWord[] {
  const defs: ShellWord[] = [];
  new Lexer(source, to, [], defs).commands(from, 0, undefined, undefined);
  return defs.filter((w) => !w.quoted && /^[A-Za-z_][\w.:-]*$/.test(w.value));
}

/**
 * The functions `source` defines that are certainly in force from their definition on, for the
 * script as a whole, in order: a definition at the top level of the script (not in a branch or loop
 * of `if`, `while`, `until`, `for`, `case`, a `{ }` group, a subshell `( )`, a substitution, a
 * pipeline, a background job, or after `&&` or `||`), of a name no `unset` removes anywhere in the
 * script (`unset -f name`, `unset name`). A script that may change functions or the meaning of words
 * in ways not read here (`eval`, `source`, `.`, aliases, an `unset` of a name not written out) has
 * none. Where a definition is not certain, a call of its name may run the program of that name.
 */
export function shellFunctionsInForce(source: string): ShellWord[] {
  const defs: ShellWord[] = [];
  const uncertain = new Set<ShellWord>();
  const commands: ShellCommand[] = [];
  new Lexer(source, source.length, commands, defs, uncertain).commands(0, 0, undefined, undefined);
  if (/\bexpand_aliases\b/.test(source)) return [];
  const unset = new Set<string>();
  for (const command of commands) {
    const words = command.words.map((w) => w.value);
    while (words[0] === 'builtin' || words[0] === 'command') words.shift();
    const name = words[0];
    if (name === 'eval' || name === 'source' || name === '.' || name === 'alias') return [];
    if (name !== 'unset') continue;
    const args = words.slice(1);
    if (args.some((a) => /[$`*?[]/.test(a))) return [];
    // `unset -v` removes variables only; `unset name` a function when no variable has the name.
    if (args.includes('-v') && !args.some((a) => /^-[a-z]*f/.test(a))) continue;
    for (const a of args) if (!a.startsWith('-')) unset.add(a);
  }
  return defs.filter(
    (w) => !uncertain.has(w) && !unset.has(w.value) && !w.quoted && /^[A-Za-z_][\w.:-]*$/.test(w.value),
  );
}

/**
 * A compound command around a command: a branch of `if`, a loop (`while`, `until`, `for`, `select`),
 * a `case`, a `{ }` group, a subshell `( )` or a function's body; with the operator and the command
 * before it (`check || { ...; }`) and the operator after its end (`{ ...; } &`).
 */
export interface ShellFrame {
  kind: 'if' | 'loop' | 'case' | 'group' | 'subshell' | 'function';
  /** For a function's body: its name. */
  name?: string;
  /** For `if`: the commands of its conditions (`if` and `elif`), as read so far. */
  condition: ShellCommand[];
  /** For `case`: the word it matches. */
  subject?: string;
  /** For `if`: the part being read. */
  phase?: 'condition' | 'then' | 'else';
  before?: string;
  previous?: ShellCommand;
  after?: string;
}

/** A frame around a command, with the part of an `if` the command is in. */
export interface ShellFrameAt {
  frame: ShellFrame;
  phase?: ShellFrame['phase'];
}

/**
 * The top-level commands of a script, `source[from, to)` (not those of substitutions), with the
 * compound commands around each, outermost first.
 */
export function shellStructure(
  source: string,
  from = 0,
  to = source.length,
): Map<ShellCommand, ShellFrameAt[]> {
  const frames = new Map<ShellCommand, ShellFrameAt[]>();
  new Lexer(source, to, [], undefined, undefined, frames).commands(from, 0, undefined, undefined);
  return frames;
}

/** Operators after which the next command runs only on a condition, or in a process of its own. */
const CONDITIONAL_BEFORE = new Set(['&&', '||', '|', '|&']);
/** Operators after a command that run it in a process of its own. */
const SEPARATE_AFTER = new Set(['|', '|&', '&']);
/** Reserved words that open (1) or close (-1) a compound command. */
const NESTING: ReadonlyMap<string, number> = new Map([
  ['if', 1],
  ['while', 1],
  ['until', 1],
  ['{', 1],
  ['fi', -1],
  ['done', -1],
  ['}', -1],
]);

class Lexer {
  private readonly src: string;
  private readonly limit: number;
  private readonly out: ShellCommand[];
  /** When given: the name word of each function definition met. */
  private readonly defs: ShellWord[] | undefined;
  /** When given: the definitions that may not be in force (see {@link shellFunctionsInForce}). */
  private readonly uncertain: Set<ShellWord> | undefined;
  /** When given: the compound commands around each top-level command (see {@link shellStructure}). */
  private readonly frames: Map<ShellCommand, ShellFrameAt[]> | undefined;

  constructor(
    src: string,
    limit: number,
    out: ShellCommand[],
    defs?: ShellWord[],
    uncertain?: Set<ShellWord>,
    frames?: Map<ShellCommand, ShellFrameAt[]>,
  ) {
    this.src = src;
    this.limit = limit;
    this.out = out;
    this.defs = defs;
    this.uncertain = uncertain;
    this.frames = frames;
  }

  /**
   * Reads commands from `i` until the end, or (with `close`) until an unmatched `)` or backquote,
   * whose offset is returned (the caller skips it).
   */
  commands(i: number, depth: number, close: ')' | '`' | undefined, parent: ShellCommand['parent']): number {
    const src = this.src;
    let cmd = newCommand(depth, parent);
    let heredocs: ShellRedirect[] = [];
    // `case WORD in`: 'subject' until `in`, then 'pattern' until `)`, then commands until `;;`.
    let caseState: 'subject' | 'pattern' | undefined;
    let caseDepth = 0;
    // `for x in a b; do`, `[[ a && b ]]`: words that are not a command.
    let skipUntil: 'separator' | ']]' | undefined;
    // `function name`: the name is not a command.
    let skipWords = 0;
    // Where a function definition stands: the depth of compound commands around it, the operator
    // before it, and a top-level definition whose body is open or closed, until the operator after it.
    let nest = 0;
    let lastOp: string | undefined;
    let pending: { word: ShellWord; opened: boolean } | undefined;
    // The compound commands around the command being read (top level only, with `frames`).
    const stack: ShellFrame[] = [];
    let previous: ShellCommand | undefined;
    let closed: ShellFrame | undefined;
    let body: string | undefined;
    const define = (word: ShellWord) => {
      body = word.value;
      this.defs?.push(word);
      if (depth > 0 || nest > 0 || (lastOp !== undefined && CONDITIONAL_BEFORE.has(lastOp)))
        this.uncertain?.add(word);
      else pending = { word, opened: false };
    };
    const enter = (delta: number, kind?: ShellFrame['kind']) => {
      nest = Math.max(0, nest + delta);
      if (delta > 0 && pending) pending.opened = true;
      if (delta > 0) {
        const frame: ShellFrame = {
          kind: body !== undefined ? 'function' : (kind ?? 'group'),
          condition: [],
        };
        if (body !== undefined) frame.name = body;
        if (lastOp !== undefined) frame.before = lastOp;
        if (previous) frame.previous = previous;
        if (frame.kind === 'if') frame.phase = 'condition';
        body = undefined;
        stack.push(frame);
      } else if (delta < 0) closed = stack.pop();
    };
    const finish = (op?: string) => {
      const empty = cmd.words.length === 0 && cmd.assignments.length === 0 && cmd.redirects.length === 0;
      if (!empty) {
        if (op !== undefined) cmd.next = op;
        this.out.push(cmd);
        if (this.frames && depth === 0) {
          this.frames.set(
            cmd,
            stack.map((f) => ({ frame: f, ...(f.phase ? { phase: f.phase } : {}) })),
          );
          const top = stack[stack.length - 1];
          if (top?.phase === 'condition') top.condition.push(cmd);
        }
        previous = cmd;
        closed = undefined;
      } else if (closed && op !== undefined) {
        closed.after = op;
        closed = undefined;
      }
      // `a &&` and a newline: the next command still runs on `a`'s status.
      if (op !== undefined && (!empty || op !== '\n')) lastOp = op;
      if (op !== undefined && pending?.opened && nest === 0) {
        if (SEPARATE_AFTER.has(op)) this.uncertain?.add(pending.word);
        pending = undefined;
      }
      cmd = newCommand(depth, parent);
    };
    while (i < this.limit) {
      const c = src[i]!;
      if (close === '`' && c === '`') break;
      if (isBlank(c)) {
        i++;
        continue;
      }
      if (c === '\\' && src[i + 1] === '\n') {
        i += 2;
        continue;
      }
      if (c === '#') {
        while (i < this.limit && src[i] !== '\n') i++;
        continue;
      }
      if (c === '\n') {
        i++;
        if (skipUntil === 'separator') skipUntil = undefined;
        if (heredocs.length > 0) i = this.heredocBodies(i, heredocs);
        heredocs = [];
        finish('\n');
        continue;
      }
      if (skipUntil === ']]') {
        // `]]` ends the test even with an operator right after it (`[[ -n $x ]]; then`, `]]&&`).
        if (src.startsWith(']]', i) && isMeta(src[i + 2])) {
          cmd.words.push({ value: ']]', start: i, end: i + 2, quoted: false });
          cmd.end = Math.max(cmd.end, i + 2);
          i += 2;
          skipUntil = undefined;
          continue;
        }
        const w = this.word(i, depth, cmd, true);
        i = w.end;
        if (w.value === ']]') skipUntil = undefined;
        cmd.words.push(w);
        continue;
      }
      const op = isMeta(c) ? operatorAt(src, i) : undefined;
      if (op !== undefined) {
        if (op === ')' && close === ')') {
          if (caseDepth > 0 && caseState === 'pattern') {
            caseState = undefined;
            i++;
            continue;
          }
          finish();
          return i;
        }
        if (op === ')' && caseState === 'pattern') {
          caseState = undefined;
          i++;
          continue;
        }
        if ((op === '<' || op === '>') && src[i + 1] === '(') {
          // Process substitution: a word whose commands are nested.
          const w = this.word(i, depth, cmd, false);
          cmd.words.push(w);
          i = w.end;
          continue;
        }
        if (op === '(' && cmd.words.length === 1 && /^\s*\)/.test(src.slice(i + 1, i + 40))) {
          // `name() { ...; }` defines a function; the body's commands follow.
          if (cmd.assignments.length === 0 && cmd.redirects.length === 0) define(cmd.words[0]!);
          cmd = newCommand(depth, parent);
          i = src.indexOf(')', i) + 1;
          continue;
        }
        if (op === '(' && src[i + 1] === '(' && cmd.words.length === 0) {
          i = skipBalanced(src, i, this.limit, '(', ')');
          continue;
        }
        if (op.startsWith('<') || op.startsWith('>') || op === '&>' || op === '&>>') {
          const opStart = i;
          i += op.length;
          const redirect: ShellRedirect = { op };
          while (isBlank(src[i])) i++;
          // `done < <(cmd)`: the target is a process substitution, whose commands are nested.
          const substitution = (src[i] === '<' || src[i] === '>') && src[i + 1] === '(';
          if (i < this.limit && (!isMeta(src[i]) || substitution)) {
            const target = this.word(i, depth, cmd, false);
            redirect.target = target;
            i = target.end;
            if (op === '<<' || op === '<<-') heredocs.push(redirect);
          }
          cmd.redirects.push(redirect);
          cmd.start = Math.min(cmd.start, opStart);
          cmd.end = Math.max(cmd.end, i);
          continue;
        }
        i += op.length;
        if (op === ';;' || op === ';&' || op === ';;&') {
          finish(op);
          if (caseDepth > 0) caseState = 'pattern';
          continue;
        }
        skipUntil = undefined;
        // A subshell `( ... )`: what it defines ends with it.
        if (op === ')') {
          // The command before `)` is the subshell's own.
          finish(op);
          enter(-1);
          continue;
        }
        if (op === '(') enter(1, 'subshell');
        finish(op);
        continue;
      }
      // A word.
      const w = this.word(i, depth, cmd, false, close === '`');
      i = w.end;
      // `2>&1`: the file descriptor belongs to the redirection.
      if (/^\d+$/.test(w.value) && !w.quoted && (src[i] === '<' || src[i] === '>')) continue;
      if (skipUntil === 'separator') continue;
      if (skipWords > 0) {
        skipWords--;
        // The word after `function` is the name it defines.
        define(w);
        continue;
      }
      const atStart = cmd.words.length === 0 && cmd.assignments.length === 0;
      if (caseState === 'subject') {
        if (w.value === 'in' && !w.quoted) caseState = 'pattern';
        else {
          const top = stack[stack.length - 1];
          if (top?.kind === 'case') top.subject = `${top.subject ?? ''}${w.value}`;
        }
        continue;
      }
      if (caseState === 'pattern') {
        if (w.value === 'esac' && !w.quoted) {
          caseState = undefined;
          caseDepth--;
          enter(-1);
        }
        continue;
      }
      if (atStart && !w.quoted) {
        if (w.value === 'esac' && caseDepth > 0) {
          caseDepth--;
          enter(-1);
          continue;
        }
        if (RESERVED.has(w.value)) {
          const top = stack[stack.length - 1];
          if (top?.kind === 'if' && (w.value === 'then' || w.value === 'else')) top.phase = w.value;
          if (top?.kind === 'if' && w.value === 'elif') top.phase = 'condition';
          enter(NESTING.get(w.value) ?? 0, w.value === 'if' ? 'if' : w.value === '{' ? 'group' : 'loop');
          continue;
        }
        if (w.value === 'case') {
          caseState = 'subject';
          caseDepth++;
          enter(1, 'case');
          continue;
        }
        if (w.value === 'for' || w.value === 'select') {
          skipUntil = 'separator';
          enter(1, 'loop');
          continue;
        }
        if (w.value === 'function') {
          skipWords = 1;
          continue;
        }
        if (w.value === '[[') skipUntil = ']]';
      }
      if (cmd.words.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=/.test(w.value)) {
        cmd.assignments.push(w);
      } else {
        cmd.words.push(w);
      }
      cmd.start = Math.min(cmd.start, w.start);
      cmd.end = Math.max(cmd.end, w.end);
    }
    if (heredocs.length > 0) this.heredocBodies(i, heredocs);
    finish();
    return i;
  }

  /** Lexes a substitution's commands from `at`; returns the offset of its closing `)` or backquote. */
  private nested(at: number, close: ')' | '`', depth: number, cmd: ShellCommand, word: ShellWord): number {
    if (depth >= MAX_DEPTH)
      return close === ')'
        ? skipBalanced(this.src, at - 1, this.limit, '(', ')') - 1
        : skipTo(this.src, at, this.limit, '`');
    return this.commands(at, depth + 1, close, { command: cmd, word });
  }

  /** `$(...)`, `$((...))`, `${...}` at `at`; returns the offset after the construct. */
  private dollar(at: number, depth: number, cmd: ShellCommand, word: ShellWord): number {
    const src = this.src;
    if (src[at + 1] === '(' && src[at + 2] === '(') return skipBalanced(src, at + 1, this.limit, '(', ')');
    if (src[at + 1] === '(') return Math.min(this.limit, this.nested(at + 2, ')', depth, cmd, word) + 1);
    if (src[at + 1] === '{') return skipBalanced(src, at + 1, this.limit, '{', '}');
    return at + 1;
  }

  /** Skips heredoc bodies that start at `i` (one per `<<` of the line); returns where commands resume. */
  private heredocBodies(i: number, heredocs: ShellRedirect[]): number {
    for (const h of heredocs) {
      const delimiter = h.target?.value ?? '';
      const start = i;
      let bodyEnd = this.limit;
      while (i < this.limit) {
        let eol = this.src.indexOf('\n', i);
        if (eol === -1 || eol > this.limit) eol = this.limit;
        let line = this.src.slice(i, eol).replace(/\r$/, '');
        if (h.op === '<<-') line = line.replace(/^\t+/, '');
        const lineStart = i;
        i = eol + 1;
        if (line === delimiter) {
          bodyEnd = lineStart;
          break;
        }
      }
      h.body = [start, Math.min(bodyEnd, this.limit)];
    }
    return Math.min(i, this.limit);
  }

  /**
   * Reads one word at `i`. Nested substitutions are lexed as commands whose parent is `cmd`; with
   * `operatorsAsText` (inside `[[ ]]`) `&&`, `<` and the like are read as words.
   */
  private word(
    i: number,
    depth: number,
    cmd: ShellCommand,
    operatorsAsText: boolean,
    inBackquotes = false,
  ): ShellWord {
    const src = this.src;
    const start = i;
    let value = '';
    let quoted = false;
    const word: ShellWord = { value: '', start, end: start, quoted: false };
    const nested = (at: number, close: ')' | '`') => this.nested(at, close, depth, cmd, word);
    const dollar = (at: number) => this.dollar(at, depth, cmd, word);
    while (i < this.limit) {
      const c = src[i]!;
      if (operatorsAsText ? isBlank(c) || c === '\n' : isMeta(c)) {
        if ((c === '<' || c === '>') && src[i + 1] === '(' && i === start && !operatorsAsText) {
          const end = Math.min(this.limit, nested(i + 2, ')') + 1);
          value += src.slice(i, end);
          i = end;
          continue;
        }
        if (c === '(' && value.endsWith('=') && /^[A-Za-z_]\w*\+?=$/.test(value)) {
          // `arr=(a b c)`: the array is part of the assignment word.
          const end = skipBalanced(src, i, this.limit, '(', ')');
          value += src.slice(i, end);
          i = end;
          continue;
        }
        break;
      }
      if (c === '\\') {
        quoted = true;
        if (src[i + 1] === '\n') i += 2;
        else {
          value += src[i + 1] ?? '';
          i += 2;
        }
        continue;
      }
      if (c === "'") {
        quoted = true;
        const end = skipTo(src, i + 1, this.limit, "'");
        value += src.slice(i + 1, end);
        i = end + 1;
        continue;
      }
      if (c === '$' && src[i + 1] === "'") {
        quoted = true;
        const { text, end } = ansiC(src, i + 2, this.limit);
        value += text;
        i = end;
        continue;
      }
      if (c === '"' || (c === '$' && src[i + 1] === '"')) {
        quoted = true;
        i += c === '$' ? 2 : 1;
        while (i < this.limit && src[i] !== '"') {
          const d = src[i]!;
          if (d === '\\' && '$`"\\\n'.includes(src[i + 1] ?? '')) {
            if (src[i + 1] !== '\n') value += src[i + 1];
            i += 2;
          } else if (d === '$' && (src[i + 1] === '(' || src[i + 1] === '{')) {
            const end = dollar(i);
            value += src.slice(i, end);
            i = end;
          } else if (d === '`') {
            const end = Math.min(this.limit, nested(i + 1, '`') + 1);
            value += src.slice(i, end);
            i = end;
          } else {
            value += d;
            i++;
          }
        }
        i++;
        continue;
      }
      if (c === '$') {
        const end = dollar(i);
        value += src.slice(i, end);
        i = end;
        continue;
      }
      if (c === '`') {
        if (inBackquotes) break;
        const end = Math.min(this.limit, nested(i + 1, '`') + 1);
        value += src.slice(i, end);
        i = end;
        continue;
      }
      // A run of ordinary characters, appended at once.
      PLAIN.lastIndex = i;
      const run = PLAIN.exec(src);
      const stop = run ? Math.min(i + run[0].length, this.limit) : i + 1;
      value += src.slice(i, stop);
      i = stop;
    }
    word.value = value;
    word.end = Math.min(Math.max(i, start + 1), this.limit);
    word.quoted = quoted;
    return word;
  }
}

function newCommand(depth: number, parent: ShellCommand['parent']): ShellCommand {
  const cmd: ShellCommand = {
    assignments: [],
    words: [],
    redirects: [],
    start: Number.POSITIVE_INFINITY,
    end: 0,
    depth,
  };
  if (parent) cmd.parent = parent;
  return cmd;
}

/** Offset of the next `close` at or after `i` (or `limit`), honouring backslash escapes for backquotes. */
function skipTo(src: string, i: number, limit: number, close: string): number {
  while (i < limit && src[i] !== close) i += close === '`' && src[i] === '\\' ? 2 : 1;
  return Math.min(i, limit);
}

/** Offset after the `close` that balances the `open` at `i` (quotes inside are skipped). */
function skipBalanced(src: string, i: number, limit: number, open: string, close: string): number {
  let depth = 0;
  while (i < limit) {
    const c = src[i]!;
    if (c === '\\') i += 2;
    else if (c === "'" && open !== '{') i = skipTo(src, i + 1, limit, "'") + 1;
    else {
      if (c === open) depth++;
      else if (c === close && --depth === 0) return i + 1;
      i++;
    }
  }
  return limit;
}

/** Decodes the body of `$'...'` from `i` (after the quote); returns the text and the offset after it. */
function ansiC(src: string, i: number, limit: number): { text: string; end: number } {
  const simple: Record<string, string> = {
    n: '\n',
    t: '\t',
    r: '\r',
    '\\': '\\',
    "'": "'",
    '"': '"',
    e: '\u001b',
    a: '\u0007',
  };
  let text = '';
  while (i < limit && src[i] !== "'") {
    if (src[i] === '\\' && i + 1 < limit) {
      const e = src[i + 1]!;
      text += simple[e] ?? `\\${e}`;
      i += 2;
    } else {
      text += src[i];
      i++;
    }
  }
  return { text, end: Math.min(i + 1, limit) };
}
