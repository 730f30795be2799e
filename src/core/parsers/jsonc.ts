/**
 * JSON with comments, as VS Code reads its configuration files (`devcontainer.json`,
 * `tsconfig.json`): JSON plus `//` and `/* *\/` comments and trailing commas, outside strings.
 */

/**
 * The value of a JSON-with-comments text, or undefined when it is not one (an unterminated string or
 * comment, anything else JSON does not allow). One pass drops the comments and the commas before a
 * closing bracket, then `JSON.parse` reads the rest; never throws.
 */
export function parseJsonc(text: string): unknown {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: string[] = [];
  /** Where in `out` a comma sits that only white space and comments follow so far; else -1. */
  let comma = -1;
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"' && s[j] !== '\n') j += s[j] === '\\' ? 2 : 1;
      if (s[j] !== '"') return undefined;
      out.push(s.slice(i, j + 1));
      comma = -1;
      i = j + 1;
    } else if (c === '/' && s[i + 1] === '/') {
      const end = s.indexOf('\n', i);
      i = end === -1 ? s.length : end;
      out.push(' ');
    } else if (c === '/' && s[i + 1] === '*') {
      const end = s.indexOf('*/', i + 2);
      if (end === -1) return undefined;
      i = end + 2;
      // A comment stands for white space: `1/**/2` stays two values, which JSON refuses.
      out.push(' ');
    } else {
      if ((c === '}' || c === ']') && comma !== -1) out[comma] = ' ';
      if (c === ',') comma = out.length;
      else if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') comma = -1;
      out.push(c);
      i += 1;
    }
  }
  try {
    return JSON.parse(out.join(''));
  } catch {
    return undefined;
  }
}
