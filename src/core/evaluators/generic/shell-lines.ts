import {
  type CommandView,
  contextAt,
  programName,
  scriptCommands,
  TEXT_COMMANDS,
  writesToFile,
} from '../../parsers/shell-commands.js';
import { MAX_LINE_CHARS } from './shared.js';
import { aboutProxy, type RequestFacts, requestFacts } from './shell-requests.js';

/**
 * Shell-aware matching for `content.forbidden`: files whose lines are shell commands, or hold them
 * (scripts, Dockerfiles, CI configurations, Makefiles), are read as logical lines (backslash
 * continuations joined) and a match counts only where a command acts on it: not in a comment, not in
 * the arguments of a command that only prints or searches text (`echo`, `grep`, ...) unless that text
 * is written to a file, and, for a pattern limited to `commands`, only as an argument of one of them.
 */

/** One logical line: physical lines joined at `\` continuations. */
export interface LogicalLine {
  text: string;
  /** 1-based number of the first physical line. */
  lineNo: number;
  /** Where each later physical line starts in `text`, and its number (comment lines skipped). */
  breaks: { offset: number; line: number }[];
}

/**
 * Calls `visit` for each logical line of `text`. A line ending in an odd number of backslashes
 * continues on the next; comment lines inside a continuation are dropped (as Docker does) and the
 * joined text is capped at MAX_LINE_CHARS, so the work per line stays bounded.
 */
export function forEachLogicalLine(text: string, visit: (line: LogicalLine) => void): void {
  const lines = text.split('\n');
  // A trailing newline does not add a line (as in forEachLine).
  const count = text === '' ? 0 : text.endsWith('\n') ? lines.length - 1 : lines.length;
  let i = 0;
  while (i < count) {
    const lineNo = i + 1;
    let joined = '';
    const breaks: { offset: number; line: number }[] = [];
    for (;;) {
      const raw = (lines[i] ?? '').replace(/\r$/, '');
      i++;
      const body = raw.replace(/[ \t]+$/, '');
      const slashes = body.length - body.replace(/\\+$/, '').length;
      const continues = slashes % 2 === 1 && i < count && joined.length + body.length < MAX_LINE_CHARS;
      joined += continues ? body.slice(0, -1) : raw;
      if (!continues) break;
      while (i < count - 1 && /^[ \t]*#/.test(lines[i]!)) i++;
      breaks.push({ offset: joined.length, line: i + 1 });
    }
    visit({ text: joined.slice(0, MAX_LINE_CHARS), lineNo, breaks });
  }
}

/** The physical line and 1-based column of an offset of a logical line. */
export function physicalPosition(line: LogicalLine, offset: number): { line: number; column: number } {
  let k = 0;
  while (k < line.breaks.length && line.breaks[k]!.offset <= offset) k++;
  const at = k === 0 ? { offset: 0, line: line.lineNo } : line.breaks[k - 1]!;
  return { line: at.line, column: offset - at.offset + 1 };
}

/** How a pattern is limited in shell files. */
export interface ShellLimits {
  /** The match counts only as an argument of one of these programs. */
  commands?: ReadonlySet<string>;
  /** The match does not count when an argument of its command matches this (e.g. a loopback URL). */
  exceptArgument?: RegExp;
}

/** The commands of a logical line, lexed once and only when a pattern matched. */
export class LineCommands {
  private views: CommandView[] | undefined;
  private readonly text: string;
  /** Request facts by command, kind of flag and clients: a line may repeat a flag many times. */
  private readonly requests = new Map<string, RequestFacts>();

  constructor(text: string) {
    this.text = text;
  }

  private all(): CommandView[] {
    this.views ??= scriptCommands(this.text, 0, this.text.length, true);
    return this.views;
  }

  /** Whether a match at `offset` is something a command acts on, under `limits`. */
  counts(offset: number, limits: ShellLimits): boolean {
    const views = this.all();
    const ctx = contextAt(views, offset);
    if (!ctx) return false;
    const { view } = ctx;
    const words = view.command.words;
    const index = views.indexOf(view);
    if (TEXT_COMMANDS.has(view.name) && ctx.role !== 'prefix' && !writesToFile(views, index)) return false;
    if (limits.exceptArgument) {
      const except = limits.exceptArgument;
      if (words.some((w, i) => i > view.nameIndex && except.test(w.value))) return false;
    }
    if (!limits.commands) return true;
    if (ctx.role !== 'argument') return false;
    if (limits.commands.has(view.name)) return true;
    // A program run by another one: `docker run img curl -k ...`, `kubectl exec p -- wget ...`.
    return (
      !TEXT_COMMANDS.has(view.name) &&
      words.slice(view.nameIndex + 1, ctx.wordIndex).some((w) => limits.commands!.has(programName(w.value)))
    );
  }

  /**
   * Whether every operand of the command holding `offset` (its arguments that are not options, as
   * `/tmp/app.apk` in `apk add --allow-untrusted /tmp/app.apk`) matches `operand`, and there is one
   * at least. A first operand among `subcommands` (`add`) is the command's verb, not an operand. The
   * value of an option (`--repository URL`) is an operand here, so it must match too.
   */
  everyOperand(offset: number, operand: RegExp, subcommands: ReadonlySet<string>): boolean {
    const ctx = contextAt(this.all(), offset);
    if (!ctx) return false;
    const { view } = ctx;
    const operands = view.command.words.slice(view.nameIndex + 1).filter((w) => !w.value.startsWith('-'));
    if (operands.length > 0 && subcommands.has(operands[0]!.value)) operands.shift();
    return operands.length > 0 && operands.every((w) => operand.test(w.value));
  }

  /**
   * The facts of the request made by the command holding the flag `flag` at `offset`, a client among
   * `clients` (see {@link requestFacts}); undefined when no command holds the offset.
   */
  request(offset: number, flag: string, clients: ReadonlySet<string>): RequestFacts | undefined {
    const views = this.all();
    const ctx = contextAt(views, offset);
    if (!ctx) return undefined;
    const index = views.indexOf(ctx.view);
    const key = `${index}\u0000${aboutProxy(flag)}\u0000${[...clients].join(' ')}`;
    let facts = this.requests.get(key);
    if (!facts) {
      facts = requestFacts(this.text, views, index, clients, flag);
      this.requests.set(key, facts);
    }
    return facts;
  }
}
