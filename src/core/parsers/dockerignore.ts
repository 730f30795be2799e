import { escapeRegExp } from '../workspace/glob.js';

/**
 * `.dockerignore` files as Docker reads them (moby's patternmatcher): one pattern a line, `#` lines
 * and blank lines skipped, a leading `!` making an exception, paths cleaned and taken from the build
 * context's root; the last pattern that matches a path decides, and an exception can bring back a
 * path under an excluded folder.
 */

interface Pattern {
  exception: boolean;
  /** The cleaned pattern (`/a/./b/` is `a/b`). */
  text: string;
  regex: RegExp;
}

function parse(text: string): Pattern[] {
  const out: Pattern[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const exception = line.startsWith('!');
    if (exception) line = line.slice(1).trim();
    const cleaned = clean(line);
    if (cleaned === '') continue;
    out.push({ exception, text: cleaned, regex: globRegex(cleaned) });
  }
  return out;
}

/** Go's filepath.Clean, relative to the context root: `./`, `//`, trailing `/` and `..` at the top go. */
function clean(pattern: string): string {
  const parts: string[] = [];
  for (const part of pattern.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

/** A pattern as a regular expression over `/`-separated paths: `*`, `?`, `[...]`, `**` and `\` escapes. */
function globRegex(pattern: string): RegExp {
  const parts = pattern.split('/');
  let source = '';
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (part === '**') {
      source += last ? '.*' : '(?:.*/)?';
      return;
    }
    source += segment(part) + (last ? '' : '/');
  });
  return new RegExp(`^${source}$`);
}

function segment(part: string): string {
  let out = '';
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\' && i + 1 < part.length) out += escapeRegExp(part[++i]!);
    else if (c === '[') {
      const end = part.indexOf(']', i + 2);
      if (end === -1) return '(?!)';
      let body = part.slice(i + 1, end);
      if (body.startsWith('!') || body.startsWith('^')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/[\\\]]/g, (m) => `\\${m}`)}]`;
      i = end;
    } else out += escapeRegExp(c);
  }
  return out;
}

/**
 * Whether an ignore file keeps a folder at the context's root (`.git`) and everything under it out
 * of the build context: the last pattern that matches it excludes it, and no exception can match a
 * path inside it (one whose first part could be that folder, or that starts with `**`).
 */
export function excludesFolder(text: string, folder: string): boolean {
  const patterns = parse(text);
  let excluded = false;
  for (const p of patterns) if (p.regex.test(folder)) excluded = !p.exception;
  if (!excluded) return false;
  return !patterns.some((p) => {
    if (!p.exception) return false;
    const first = p.text.split('/')[0]!;
    return first === '**' || globRegex(first).test(folder);
  });
}
