/**
 * Escaping for every output format. Every string that came from the repository or a rule (paths,
 * messages, titles, rule ids of user rules) is data: it must render as the characters it holds and
 * never as markup, a terminal escape sequence, a mention or a workflow command.
 */

/**
 * Characters that can change how surrounding text is displayed without being visible themselves:
 * C0 controls (including newline and tab), DEL, C1 controls, and the Unicode format characters
 * behind "Trojan Source" tricks (bidirectional overrides/isolates, zero-width characters, BOM).
 */
const INVISIBLE =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Makes invisible and control characters visible as escapes (`\n`, `\x1B`, `\u202E`), so that a file
 * name cannot move the cursor, recolour a terminal or reorder the text around it.
 */
export function escapeControls(s: string): string {
  return s.replace(INVISIBLE, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`
      : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  });
}

/**
 * Prose on one line: runs of whitespace (newlines included) become one space, then any remaining
 * control character is made visible. For messages and titles, where a line break carries no meaning
 * but would break a table row or a list item.
 */
export function singleLine(s: string): string {
  if (!NOT_SINGLE_LINE.test(s)) return s;
  return escapeControls(s.replace(/[\s\u0085]+/g, ' ').trim());
}

/**
 * What {@link singleLine} changes: whitespace other than one space between words (which includes
 * every line break), a space at either end, or a character {@link escapeControls} makes visible.
 * Most messages have none, and a report renders thousands of them.
 */
const NOT_SINGLE_LINE = new RegExp(`[^\\S ]|\u0085| {2}|^ | $|${INVISIBLE.source}`);

/** Like {@link singleLine} but keeps line breaks (annotation messages render them). */
export function multiLine(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => escapeControls(line.replace(/[^\S\n]+/g, ' ').trimEnd()))
    .join('\n')
    .trim();
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML text and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML[c]!);
}

/**
 * Markdown (GitHub Flavored) inline text, safe in a paragraph, a list item and a table cell:
 * one line; HTML made inert with entities; every character that opens emphasis, code, links,
 * strikethrough, math or a table cell backslash-escaped; a leading character that would start a
 * block (list, heading, quote) escaped; `@name` broken with a zero-width space so a PR comment
 * never notifies someone named in repository content.
 */
export function escapeMarkdown(s: string): string {
  const out = escapeInline(singleLine(s));
  // List markers and setext underlines only have meaning at the start of a line, and an ordered-list
  // marker only before a space, so "8.9" stays unescaped while "1. item" does not.
  return out.replace(/^([-+=])/, '\\$1').replace(/^(\d+)([.)])(?= |$)/, '$1\\$2');
}

function escapeInline(s: string): string {
  return (
    s
      .replace(/[\\`*_{}[\]#|~$!]/g, (c) => `\\${c}`)
      .replace(/[&<>]/g, (c) => HTML[c]!)
      // Only an @ that starts a word mentions someone ("user@host" does not). A backtick before it is
      // escaped above, so it is a plain character there and the @ after it still mentions. An
      // underscore is escaped above too: `\_` after the @ renders as `_`, a name's character.
      .replace(/(?<![A-Za-z0-9_])@(?=[A-Za-z0-9-]|\\_)/g, '@&#8203;')
  );
}

/**
 * Repository data (a path, an id) as inline code that nothing in it can end or turn into markup:
 * an HTML `<code>` element whose content is escaped Markdown text, so `<`, backticks and pipes are
 * plain characters and no raw `<` from the data reaches the output. Control characters are shown as
 * escapes and spacing is kept (a path keeps its exact spelling). Safe in table cells.
 */
export function markdownCode(s: string): string {
  return `<code>${escapeInline(escapeControls(s))}</code>`;
}

/**
 * A Markdown code span that its content cannot close: the fence is one backtick longer than the
 * longest backtick run inside, padded when the content touches a backtick. Control characters are
 * made visible (a path keeps its exact spelling). In a table cell `|` must still be escaped: GFM
 * splits cells before it parses code spans, and turns `\|` back into `|` inside the span.
 */
export function codeSpan(s: string, options: { table?: boolean } = {}): string {
  let content = escapeControls(s);
  if (content === '') return '""';
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const allSpaces = /^ +$/.test(content);
  const pad = content.startsWith('`') || content.endsWith('`') || (!allSpaces && /^ .* $/s.test(content));
  if (options.table) content = content.replace(/\|/g, '\\|');
  return pad ? `${fence} ${content} ${fence}` : `${fence}${content}${fence}`;
}

/** The URL if it is an absolute http(s) URL, percent-encoded where Markdown would end it; else undefined. */
export function safeHttpUrl(url: string): string | undefined {
  // A report links every finding to its rule's page: a few dozen URLs, thousands of times.
  if (safeUrls.has(url)) return safeUrls.get(url);
  let safe: string | undefined;
  try {
    const parsed = new URL(url);
    // URL.href already percent-encodes spaces, quotes and angle brackets; parentheses and pipes would
    // still end a Markdown link destination or a table cell.
    if (parsed.protocol === 'https:' || parsed.protocol === 'http:') {
      safe = parsed.href.replace(/[()|\\`]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    }
  } catch {
    // Not a URL.
  }
  if (safeUrls.size >= MAX_SAFE_URLS) safeUrls.clear();
  safeUrls.set(url, safe);
  return safe;
}

/** {@link safeHttpUrl}'s answers, by URL (bounded: cleared when full). */
const safeUrls = new Map<string, string | undefined>();
const MAX_SAFE_URLS = 1024;

/** `[text](url)` with escaped text, or the escaped text alone when the URL is not http(s). */
export function markdownLink(text: string, url: string): string {
  const safe = safeHttpUrl(url);
  return safe ? `[${escapeMarkdown(text)}](${safe})` : escapeMarkdown(text);
}

/**
 * Shortens to at most `max` code points (never splitting a surrogate pair), marking the cut with
 * `…`. `middle` keeps both ends, for paths whose file name matters as much as their root.
 */
export function truncate(s: string, max: number, where: 'end' | 'middle' = 'end'): string {
  // UTF-16 length bounds the code-point count from above: the common case needs no scan.
  if (s.length <= max) return s;
  const head = codePointsFrom(s, max + 1);
  if (head.length <= max) return s;
  if (max <= 1) return '…';
  if (where === 'middle') {
    const keepHead = Math.ceil((max - 1) / 2);
    const keepTail = max - 1 - keepHead;
    return `${head.slice(0, keepHead).join('')}…${codePointsBack(s, keepTail).join('')}`;
  }
  return `${head.slice(0, max - 1).join('')}…`;
}

/** The first `n` code points of `s`, without materialising the rest of a long string. */
function codePointsFrom(s: string, n: number): string[] {
  const out: string[] = [];
  for (const c of s) {
    if (out.length === n) break;
    out.push(c);
  }
  return out;
}

/** The last `n` code points of `s`, in order. */
function codePointsBack(s: string, n: number): string[] {
  const out: string[] = [];
  let i = s.length;
  while (out.length < n && i > 0) {
    const low = s.charCodeAt(i - 1);
    const pair =
      i >= 2 &&
      low >= 0xdc00 &&
      low <= 0xdfff &&
      s.charCodeAt(i - 2) >= 0xd800 &&
      s.charCodeAt(i - 2) <= 0xdbff;
    const start = pair ? i - 2 : i - 1;
    out.push(s.slice(start, i));
    i = start;
  }
  return out.reverse();
}

/** UTF-8 size of a string, the unit GitHub's job summary limit is measured in. */
export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * SARIF plain-text messages interpret `[text](target)` as embedded links (SARIF 2.1.0 §3.11.6); a
 * backslash before `\`, `[` or `]` makes them literal.
 */
export function escapeSarifText(s: string): string {
  return s.replace(/[\\[\]]/g, (c) => `\\${c}`);
}

/** "1 finding", "2 findings". */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}
