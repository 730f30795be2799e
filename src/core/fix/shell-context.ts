/**
 * Where a position of a script sits as its shell reads it (unquoted, in double or single quotes, in a
 * heredoc, in a comment), so a fix can put a variable there in a form the shell expands as one word
 * and never re-reads as code. A linear scan, not a parser: command and process substitutions start a
 * new context, and spans the caller marks as opaque (the `${{ }}` expressions) are skipped whole.
 */

export type ShellFamily = 'posix' | 'pwsh';

export type QuoteContext =
  | 'none'
  | 'double'
  | 'single'
  /** `$'...'` (bash), or a PowerShell here-string whose quotes are single. */
  | 'literal'
  | 'heredoc'
  | 'quoted-heredoc'
  | 'comment';

interface Heredoc {
  delimiter: string;
  quoted: boolean;
  strip: boolean;
}

/**
 * The context of each of `offsets` (ascending) in `script`; `opaque` are [start, end) spans read as
 * ordinary word characters.
 */
export function quoteContexts(
  script: string,
  family: ShellFamily,
  offsets: readonly number[],
  opaque: readonly [number, number][] = [],
): QuoteContext[] {
  return family === 'pwsh' ? scanPwsh(script, offsets, opaque) : scanPosix(script, offsets, opaque);
}

function recorder(offsets: readonly number[]) {
  const out: QuoteContext[] = [];
  return {
    out,
    at(i: number, state: QuoteContext) {
      while (out.length < offsets.length && offsets[out.length]! <= i) out.push(state);
    },
    done(state: QuoteContext) {
      while (out.length < offsets.length) out.push(state);
    },
  };
}

function skipOpaque(i: number, opaque: readonly [number, number][]): number {
  for (const [s, e] of opaque) if (i >= s && i < e) return e;
  return i;
}

function scanPosix(script: string, offsets: readonly number[], opaque: readonly [number, number][]) {
  const rec = recorder(offsets);
  // The contexts that substitutions left open: each `$(` or backquote starts a fresh unquoted one.
  const stack: { state: QuoteContext; depth: number; close: string }[] = [];
  let state: QuoteContext = 'none';
  let depth = 0;
  let close = '';
  const pending: Heredoc[] = [];
  let i = 0;
  while (i < script.length) {
    const skipped = skipOpaque(i, opaque);
    if (skipped !== i) {
      rec.at(i, state);
      i = skipped;
      continue;
    }
    rec.at(i, state);
    const ch = script[i]!;
    const next = script[i + 1];
    if (state === 'single') {
      if (ch === "'") state = 'none';
    } else if (state === 'literal') {
      if (ch === '\\') i++;
      else if (ch === "'") state = 'none';
    } else if (state === 'comment') {
      if (ch === '\n') {
        state = 'none';
        i = heredocBodies(script, i, pending, rec);
        continue;
      }
    } else if (state === 'double') {
      if (ch === '\\') i++;
      else if (ch === '"') state = 'none';
      else if ((ch === '$' && next === '(') || ch === '`') {
        stack.push({ state, depth, close });
        state = 'none';
        depth = 0;
        close = ch === '`' ? '`' : ')';
        if (ch === '$') i++;
      }
    } else {
      // Unquoted.
      if (ch === '\\') i++;
      else if (ch === "'") state = 'single';
      else if (ch === '$' && next === "'") {
        state = 'literal';
        i++;
      } else if (ch === '"') state = 'double';
      else if (ch === '#' && (i === 0 || /[\s;&|(]/.test(script[i - 1]!))) state = 'comment';
      else if ((ch === '$' && next === '(') || (ch === '`' && close !== '`')) {
        stack.push({ state, depth, close });
        depth = 0;
        close = ch === '`' ? '`' : ')';
        if (ch === '$') i++;
      } else if (close === '`' && ch === '`') {
        ({ state, depth, close } = stack.pop()!);
      } else if (close === ')' && ch === '(') depth++;
      else if (close === ')' && ch === ')') {
        if (depth === 0) ({ state, depth, close } = stack.pop()!);
        else depth--;
      } else if (ch === '<' && next === '<' && script[i + 2] !== '<') {
        const m = /^<<(-?)[ \t]*(?:'([^'\n]+)'|"([^"\n]+)"|\\?([A-Za-z_][\w-]*))/.exec(script.slice(i));
        if (m) {
          pending.push({
            delimiter: m[2] ?? m[3] ?? m[4]!,
            quoted: m[2] !== undefined || m[3] !== undefined || m[0].includes('\\'),
            strip: m[1] === '-',
          });
          i += m[0].length;
          continue;
        }
      } else if (ch === '\n' && pending.length > 0) {
        i = heredocBodies(script, i, pending, rec);
        continue;
      }
    }
    i++;
  }
  rec.done(state);
  return rec.out;
}

/** Skips the bodies of the heredocs opened on the line that ends at `newline`; returns where to go on. */
function heredocBodies(
  script: string,
  newline: number,
  pending: Heredoc[],
  rec: ReturnType<typeof recorder>,
): number {
  let at = newline + 1;
  while (pending.length > 0) {
    const doc = pending.shift()!;
    for (;;) {
      if (at >= script.length) return script.length;
      const end = script.indexOf('\n', at);
      const lineEnd = end === -1 ? script.length : end;
      const line = script.slice(at, lineEnd).replace(/\r$/, '');
      if ((doc.strip ? line.replace(/^\t+/, '') : line) === doc.delimiter) {
        at = lineEnd + 1;
        break;
      }
      rec.at(lineEnd, doc.quoted ? 'quoted-heredoc' : 'heredoc');
      at = lineEnd + 1;
    }
  }
  return at;
}

function scanPwsh(script: string, offsets: readonly number[], opaque: readonly [number, number][]) {
  const rec = recorder(offsets);
  const stack: { state: QuoteContext; depth: number }[] = [];
  let state: QuoteContext = 'none';
  let depth = 0;
  let blockComment = false;
  let i = 0;
  while (i < script.length) {
    const skipped = skipOpaque(i, opaque);
    if (skipped !== i) {
      rec.at(i, state);
      i = skipped;
      continue;
    }
    rec.at(i, state);
    const ch = script[i]!;
    const next = script[i + 1];
    if (blockComment) {
      if (ch === '#' && next === '>') {
        blockComment = false;
        state = 'none';
        i++;
      }
    } else if (state === 'comment') {
      if (ch === '\n') state = 'none';
    } else if (state === 'single') {
      if (ch === "'" && next === "'") i++;
      else if (ch === "'") state = 'none';
    } else if (state === 'literal' || state === 'heredoc') {
      // Here-strings end with `'@` or `"@` at the start of a line.
      const end = state === 'literal' ? "'@" : '"@';
      if (
        ch === '\n' &&
        script
          .slice(i + 1)
          .trimStart()
          .startsWith(end)
      ) {
        i = script.indexOf(end, i) + 2;
        state = 'none';
        continue;
      }
    } else if (state === 'double') {
      if (ch === '`') i++;
      else if (ch === '"' && next === '"') i++;
      else if (ch === '"') state = 'none';
      else if (ch === '$' && next === '(') {
        stack.push({ state, depth });
        state = 'none';
        depth = 0;
        i++;
      }
    } else {
      if (ch === '`') i++;
      else if (ch === '@' && (next === '"' || next === "'") && /^\s*\r?\n/.test(script.slice(i + 2))) {
        state = next === '"' ? 'heredoc' : 'literal';
        i++;
      } else if (ch === "'") state = 'single';
      else if (ch === '"') state = 'double';
      else if (ch === '<' && next === '#') {
        blockComment = true;
        state = 'comment';
        i++;
      } else if (ch === '#') state = 'comment';
      else if (stack.length > 0 && ch === '(') depth++;
      else if (stack.length > 0 && ch === ')') {
        if (depth === 0) ({ state, depth } = stack.pop()!);
        else depth--;
      }
    }
    i++;
  }
  rec.done(state);
  return rec.out;
}
