import { memoByScript } from './script-memo.js';
import { joinContinuations } from './shell.js';

/**
 * Simple commands of a `run:` script, split the way a reader sees them: logical lines (backslash
 * continuations joined), comments dropped, heredoc bodies skipped (they are data), and each line cut
 * at `;`, `&&`, `||`, `|` and `&` outside quotes. Words keep their offsets in the script, so an audit
 * can report the exact column. It is not a shell parser: substitutions (`$(...)`) stay inside the word
 * that holds them (in a double-quoted word, with the quotes of their own), and what it cannot see it
 * does not report. Linear in the length of the script.
 */

/** A word of a command; `text` has its quotes removed. */
export interface Word {
  text: string;
  start: number;
  end: number;
}

/** One simple command: its words and where it sits in the script [start, end). */
export interface Command {
  words: Word[];
  start: number;
  end: number;
  /** The words from the program on: `sudo`, `env`, `VAR=value` prefixes and `time` are skipped. */
  program: Word[];
  /** The operator that joins it to the next command (`|` for a pipe), or '' at the end of a line. */
  next: string;
}

const PREFIXES = new Set(['sudo', 'env', 'time', 'exec', 'command', 'nohup']);

/** The simple commands of a script, in order (shared between audits: read-only). */
export const commandsOf: (script: string) => readonly Command[] = memoByScript(scanCommands);

function scanCommands(script: string): Command[] {
  const text = joinContinuations(script);
  const out: Command[] = [];
  let heredoc: string | undefined;
  let at = 0;
  for (const line of text.split('\n')) {
    const lineStart = at;
    at += line.length + 1;
    if (heredoc !== undefined) {
      if (line.trim() === heredoc) heredoc = undefined;
      continue;
    }
    const commands = splitLine(line, lineStart);
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

function splitLine(line: string, offset: number): Command[] {
  const out: Command[] = [];
  let words: Word[] = [];
  let word: Word | undefined;
  let quote: string | undefined;
  let start = -1;
  const endWord = () => {
    if (word) words.push(word);
    word = undefined;
  };
  const endCommand = (end: number, next: string) => {
    endWord();
    if (words.length > 0) out.push(build(words, start, end, next));
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
    const op = /^(?:&&|\|\||;|\||&)/.exec(line.slice(i, i + 2))?.[0];
    if (op && !(op === '&' && (line[i - 1] === '>' || line[i + 1] === '>'))) {
      endCommand(offset + i, op);
      i += op.length - 1;
      continue;
    }
    if (start === -1) start = offset + i;
    if (!word) word = { text: '', start: offset + i, end: offset + i + 1 };
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
    else word.text += ch;
    word.end = offset + i + 1;
  }
  endCommand(offset + line.length, '');
  return out;
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

function build(words: Word[], start: number, end: number, next: string): Command {
  let i = 0;
  while (i < words.length) {
    const w = words[i]!.text;
    if (PREFIXES.has(w)) {
      i++;
      // Options of the prefix (`sudo -E`, `env -i`).
      while (i < words.length && words[i]!.text.startsWith('-')) i++;
    } else if (/^[A-Za-z_]\w*=/.test(w)) i++;
    else break;
  }
  return { words, start, end: Math.max(start, end), program: words.slice(i), next };
}

/** The program's name without a directory (`/usr/bin/pip3` -> `pip3`), lower case. */
export function programName(command: Command): string | undefined {
  const first = command.program[0]?.text;
  return first?.replace(/^.*\//, '').toLowerCase();
}
