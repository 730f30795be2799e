import { memoByScript } from './script-memo.js';
import { joinContinuations } from './shell.js';

/**
 * Simple commands of a `run:` script, split the way a reader sees them: logical lines (backslash
 * continuations joined), comments dropped, heredoc bodies skipped (they are data), and each line cut
 * at `;`, `&&`, `||`, `|` and `&` outside quotes. Words keep their offsets in the script, so an audit
 * can report the exact column. It is not a shell parser: substitutions (`$(...)`) stay inside the word
 * that holds them (in a double-quoted word, with the quotes of their own), and what it cannot see it
 * does not report. Control structures are known well enough to find the program: reserved words
 * (`if`, `then`, `elif`, `while`, `do`, `!`, `{`, ...) are not programs, `[[ ... ]]` is one command
 * whatever `&&` it holds, `for`/`select`/`case ... in` lists and `case` patterns (`a|b)`) are no
 * command. Linear in the length of the script.
 */

/** A word of a command; `text` has its quotes removed. */
export interface Word {
  text: string;
  start: number;
  end: number;
  /**
   * Whether a `<` or `>` of `text` stood outside quotes: a redirection (`>log`, `2>&1`), where a
   * quoted one is data (`"pkg>=1,<2"`).
   */
  redirects?: boolean;
}

/** One simple command: its words and where it sits in the script [start, end). */
export interface Command {
  words: Word[];
  start: number;
  end: number;
  /**
   * The words from the program on: reserved words (`if`, `then`, `!`, ...), `VAR=value` prefixes and
   * the wrappers that run the program they are given (`sudo`, `env`, `timeout 300`, `xargs -n1`) with
   * their options are skipped. Empty when the command runs no program (`fi`, `for x in a b`, a `case`
   * pattern).
   */
  program: Word[];
  /** The operator that joins it to the next command (`|` for a pipe), or '' at the end of a line. */
  next: string;
}

/**
 * Commands that run the command that follows them (with their own options first): the program is
 * that command. `values` are the options whose value is the next word (`sudo -u user`, `timeout -s
 * KILL`), `operands` the words the wrapper itself takes before the command (`timeout`'s duration).
 */
const WRAPPERS: ReadonlyMap<string, { values?: string; operands?: number }> = new Map([
  ['sudo', { values: 'u g C D h p r t U T R' }],
  ['doas', { values: 'u C' }],
  ['env', { values: 'u C' }],
  ['time', { values: 'f o' }],
  ['exec', { values: 'a' }],
  ['command', {}],
  ['nohup', {}],
  ['nice', { values: 'n' }],
  ['ionice', { values: 'c n' }],
  ['stdbuf', { values: 'i o e' }],
  ['timeout', { values: 's k', operands: 1 }],
  // `... | xargs pip install`: xargs runs the program with the words it reads added to its arguments.
  ['xargs', { values: 'I n P L s d a E' }],
]);

/** Reserved words of the shell that open, continue or close a compound command: never a program. */
const RESERVED = new Set([
  'if',
  'then',
  'elif',
  'else',
  'fi',
  'while',
  'until',
  'do',
  'done',
  '!',
  '{',
  '}',
  'esac',
]);

/**
 * Where a script stands in `case` statements, carried from command to command: reading the subject
 * (`case "$x"` up to `in`), a pattern (up to the word that ends in `)`: after `in` and after each
 * `;;`), or the commands of a branch.
 */
interface CaseState {
  depth: number;
  reading?: 'subject' | 'pattern';
}

/** The simple commands of a script, in order (shared between audits: read-only). */
export const commandsOf: (script: string) => readonly Command[] = memoByScript(scanCommands);

function scanCommands(script: string): Command[] {
  const text = joinContinuations(script);
  const out: Command[] = [];
  let heredoc: string | undefined;
  let at = 0;
  const cases: CaseState = { depth: 0 };
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    const lineStart = at;
    at += line.length + 1;
    if (heredoc !== undefined) {
      if (line.trim() === heredoc) heredoc = undefined;
      continue;
    }
    // A quoted word that goes on over the next lines (`curl -d '{` ... `}'`) is one word of one
    // command, as the shell reads it. A quote never closed before the end is read line by line.
    let quote = openQuote(line, undefined);
    if (quote) {
      let last = n;
      while (quote && last + 1 < lines.length) quote = openQuote(lines[++last]!, quote);
      if (!quote) {
        line = lines.slice(n, last + 1).join('\n');
        at = lineStart + line.length + 1;
        n = last;
      }
    }
    const commands = splitLine(line, lineStart, cases);
    out.push(...commands);
    for (const c of commands) {
      // `<<<` is a here-string: its word is on the line, no body follows.
      const marker = c.words.find((w) => /^<<-?(?!<)\S/.test(w.text) || w.text === '<<' || w.text === '<<-');
      if (!marker) continue;
      const inline = marker.text.replace(/^<<-?/, '');
      const word = inline || c.words[c.words.indexOf(marker) + 1]?.text;
      if (word) heredoc = word.replace(/['"]/g, '');
    }
  }
  return out;
}

/**
 * The quote (`'` or `"`) still open at the end of `line` when it starts inside `quote`, read the way
 * splitLine reads it: a comment ends the line, a `${{ }}` expression and a `$( )` substitution in
 * double quotes are skipped whole, a backslash escapes outside single quotes.
 */
function openQuote(line: string, quote: string | undefined): string | undefined {
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (quote === '"' && ch === '$' && line[i + 1] === '(') i = substitutionEnd(line, i + 1) - 1;
      else if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"') i++;
    } else if (ch === '#' && (i === 0 || /[\s;&|]/.test(line[i - 1]!))) return undefined;
    else if (ch === '$' && line.startsWith('{{', i + 1)) {
      const close = line.indexOf('}}', i + 3);
      i = close === -1 ? line.length : close + 1;
    } else if (ch === '\\') i++;
    else if (ch === '"' || ch === "'") quote = ch;
  }
  return quote;
}

function splitLine(line: string, offset: number, cases: CaseState): Command[] {
  const out: Command[] = [];
  let words: Word[] = [];
  let word: Word | undefined;
  let quote: string | undefined;
  let start = -1;
  // Inside `[[ ... ]]`, `&&` and `||` join conditions of the one command.
  let condition = false;
  const endWord = () => {
    if (word) {
      // `[[` opens a condition where it stands as the command (`if [[`, `! [[`), not as an argument.
      if (word.text === '[[' && words.every((w) => RESERVED.has(w.text))) condition = true;
      else if (word.text === ']]') condition = false;
      words.push(word);
    }
    word = undefined;
  };
  const endCommand = (end: number, next: string) => {
    endWord();
    condition = false;
    if (words.length > 0) out.push(build(words, start, end, next, cases));
    // `;;` (or `;&`, `;;&`) ends a branch of a `case`, on its own line too: a pattern follows.
    if (cases.depth > 0 && next.startsWith(';') && next !== ';') cases.reading = 'pattern';
    words = [];
    start = -1;
  };
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (quote === '"' && ch === '$' && line[i + 1] === '(') {
        // `"$(ruby -e"puts ENV['HOME']")"`: the quotes inside a substitution are its own, not the end
        // of the word's.
        const end = substitutionEnd(line, i + 1);
        word!.text += line.slice(i, end);
        word!.end = offset + end;
        i = end - 1;
        continue;
      }
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) word!.text += line[++i];
      else word!.text += ch;
      word!.end = offset + i + 1;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      endWord();
      continue;
    }
    if (ch === '#' && !word) {
      break;
    }
    const op = /^(?:;;&?|;&|&&|\|\||;|\||&)/.exec(line.slice(i, i + 3))?.[0];
    if (op === '&&' || op === '||') {
      endWord();
      if (condition) {
        words.push({ text: op, start: offset + i, end: offset + i + 2 });
        i++;
        continue;
      }
    }
    if (op && !(op === '&' && (line[i - 1] === '>' || line[i + 1] === '>'))) {
      endCommand(offset + i, op);
      i += op.length - 1;
      continue;
    }
    if (start === -1) start = offset + i;
    if (!word) word = { text: '', start: offset + i, end: offset + i + 1 };
    if (ch === '$' && line[i + 1] === '(' && line[i + 2] !== '(' && isArgument(words, word)) {
      // `bencher run --token $(echo "$T" | sed 's/x//')`: a substitution among a program's arguments
      // is one word of that command, its `|` and `;` its own (the command's program and the words
      // after it stay the command's). Only an assignment's `out=$(curl ...)` is split with its line.
      const end = substitutionEnd(line, i + 1);
      word.text += line.slice(i, end);
      word.end = offset + end;
      i = end - 1;
      continue;
    }
    if (ch === '$' && line.startsWith('{{', i + 1)) {
      // A `${{ }}` expression is substituted before the shell sees the script: one word.
      const close = line.indexOf('}}', i + 3);
      const end = close === -1 ? line.length : close + 2;
      word.text += line.slice(i, end);
      word.end = offset + end;
      i = end - 1;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '\\' && i + 1 < line.length) word.text += line[++i];
    else {
      if (ch === '<' || ch === '>') word.redirects = true;
      word.text += ch;
    }
    word.end = offset + i + 1;
  }
  endCommand(offset + line.length, '');
  return out;
}

/**
 * Whether a word being read stands among a program's arguments: some word before it in the command
 * is neither a reserved word nor a `VAR=value` assignment, and the word is no assignment itself.
 */
function isArgument(words: readonly Word[], word: Word): boolean {
  if (/^[A-Za-z_]\w*=/.test(word.text)) return false;
  return words.some((w) => !RESERVED.has(w.text) && !/^[A-Za-z_]\w*=/.test(w.text));
}

/**
 * The index after the `)` that closes the `(` at `open`, with quotes and nested parentheses inside
 * respected; the line's end when it is not closed there.
 */
function substitutionEnd(line: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let j = open; j < line.length; j++) {
    const ch = line[j]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"') j++;
    } else if (ch === '\\') j++;
    else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return j + 1;
  }
  return line.length;
}

function build(words: Word[], start: number, end: number, next: string, cases: CaseState): Command {
  return { words, start, end: Math.max(start, end), program: programWords(words, cases, next), next };
}

/** The words of a command from its program on (see {@link Command.program}); updates `cases`. */
function programWords(words: Word[], cases: CaseState, next: string): Word[] {
  let i = 0;
  while (i < words.length) {
    const w = words[i]!.text;
    if (cases.reading === 'subject') {
      if (w === 'in') cases.reading = 'pattern';
      i++;
    } else if (cases.reading === 'pattern') {
      if (w === 'esac') {
        cases.depth--;
        cases.reading = undefined;
        i++;
        continue;
      }
      // `a|b)` is split at the `|`: pattern words with no `)` before a `|` continue the pattern.
      const close = words.findIndex((x, j) => j >= i && x.text.endsWith(')'));
      if (close < 0 && next === '|') return [];
      // Without a `)`, this was no pattern after all: read it as a command.
      cases.reading = undefined;
      if (close >= 0) i = close + 1;
    } else if (w === 'case') {
      cases.depth++;
      cases.reading = 'subject';
      i++;
    } else if (RESERVED.has(w)) {
      if (w === 'esac' && cases.depth > 0) cases.depth--;
      i++;
    } else if (w === 'for' || w === 'select') {
      // `for x in a b`: a list of words, not a program.
      return [];
    } else if (w === 'function' || /^[\w.:-]+\(\)$/.test(w)) {
      // `function name {` or `name() {`: a definition; the body's first command may follow.
      i += w === 'function' ? 2 : 1;
      if (words[i]?.text === '()') i++;
    } else if (WRAPPERS.has(w)) {
      const { values = '', operands = 0 } = WRAPPERS.get(w)!;
      i++;
      // Options of the wrapper (`sudo -E -u ci`, `env -i`, `timeout -s KILL`), then its operands.
      while (i < words.length && words[i]!.text.startsWith('-')) {
        const option = words[i++]!.text;
        if (option.length === 2 && values.split(' ').includes(option[1]!)) i++;
      }
      i += operands;
    } else if (/^[A-Za-z_]\w*=/.test(w)) {
      // `out=$(curl -H ...)` unquoted: the substitution's words are split with the command's, and its
      // program is the word after `$(` (not `-H`).
      const sub = /^[A-Za-z_]\w*=\$\(([^\s()]+)$/.exec(w);
      if (sub) {
        const first = words[i]!;
        const start = first.end - sub[1]!.length;
        return programWords([{ text: sub[1]!, start, end: first.end }, ...words.slice(i + 1)], cases, next);
      }
      i++;
    } else if (w.startsWith('(') && !w.startsWith('((')) {
      // A subshell, `(cd dir && make)`: its first command's program follows the parenthesis.
      const first = words[i]!;
      if (w === '(') {
        i++;
        continue;
      }
      return programWords(
        [{ text: w.slice(1), start: first.start + 1, end: first.end }, ...words.slice(i + 1)],
        cases,
        next,
      );
    } else break;
  }
  return words.slice(i);
}

/** The program's name without a directory (`/usr/bin/pip3` -> `pip3`), lower case. */
export function programName(command: Command): string | undefined {
  const first = command.program[0]?.text;
  return first?.replace(/^.*\//, '').toLowerCase();
}
