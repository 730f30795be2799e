import { pathMatcher } from '../../workspace/glob.js';
import type { Workspace } from '../../workspace/workspace.js';

/**
 * Content patterns see at most this many characters of a line: a bound on the work one regular
 * expression can do on one line of an attacker-controlled file (minified bundles, crafted input).
 */
export const MAX_LINE_CHARS = 20_000;

/** Flags a content pattern may use; `g`/`y` are excluded because the evaluators drive the scanning. */
const ALLOWED_FLAGS = 'imsu';

/** JSON Schema of a non-empty list of globs. */
export function globList(description: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'array',
    items: { type: 'string', minLength: 1 },
    description,
    ...extra,
  };
}

/** JSON Schema of a regular expression source (JavaScript syntax). */
export function regexSource(description: string): Record<string, unknown> {
  return { type: 'string', minLength: 1, format: 'regex', description };
}

/** JSON Schema of the `flags` of a pattern. */
export const FLAGS_SCHEMA = {
  type: 'string',
  pattern: `^[${ALLOWED_FLAGS}]*$`,
  default: '',
  description:
    'JavaScript regular-expression flags: any of "i" (ignore case), "u" (Unicode), "s" and "m" (rarely ' +
    'useful, since patterns see one line at a time).',
};

/** JSON Schema of the shared `ignoreCase` option of path-selecting kinds. */
export const IGNORE_CASE_SCHEMA = {
  type: 'boolean',
  default: false,
  description: 'Match `paths` and `except` without regard to case (e.g. SECURITY.md and security.md).',
};

/**
 * Compiles a pattern once per evaluation. Patterns are matched against single lines, so the flags that
 * change scanning (`g`, `y`) are never added. Throws an error naming the pattern when it is invalid
 * (the options schema catches most syntax errors at load time; a flag combination can still fail).
 */
export function compilePattern(source: string, flags = ''): RegExp {
  const unique = [...new Set(flags)].filter((f) => ALLOWED_FLAGS.includes(f)).join('');
  try {
    return new RegExp(source, unique);
  } catch (err) {
    throw new Error(
      `invalid pattern /${source}/${unique}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** `/source/flags`, the way patterns are shown in messages. */
export function showPattern(re: RegExp): string {
  return `/${re.source}/${re.flags}`;
}

/**
 * Calls `visit` for each line of `text` (1-based numbers, without the line terminator, truncated to
 * {@link MAX_LINE_CHARS}). Returning `false` stops the walk. A trailing newline does not add a line.
 */
export function forEachLine(
  text: string,
  visit: (line: string, lineNo: number) => boolean | undefined,
): void {
  let start = 0;
  let lineNo = 1;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    let stop = end;
    if (stop > start && text.charCodeAt(stop - 1) === 13) stop -= 1;
    const line = text.slice(start, Math.min(stop, start + MAX_LINE_CHARS));
    if (visit(line, lineNo) === false) return;
    start = end + 1;
    lineNo += 1;
  }
}

/** The first line of `text` that matches `re`, as `{ lineNo, match }`, or undefined. */
export function firstMatchingLine(
  text: string,
  re: RegExp,
): { lineNo: number; match: RegExpExecArray } | undefined {
  let found: { lineNo: number; match: RegExpExecArray } | undefined;
  forEachLine(text, (line, lineNo) => {
    const match = re.exec(line);
    if (!match) return true;
    found = { lineNo, match };
    return false;
  });
  return found;
}

/** Options shared by every kind that selects files with globs. */
export interface PathSelection {
  paths: string[];
  except?: string[];
  ignoreCase?: boolean;
}

/**
 * Files matching any of `paths` and none of `except`, in index order. Case-insensitive selection
 * compiles its own matchers; the case-sensitive path reuses the workspace's cached ones.
 */
export function selectFiles(workspace: Workspace, selection: PathSelection): string[] {
  const except = selection.except ?? [];
  if (workspace.files.length === 0) return [];
  if (selection.ignoreCase) {
    const include = pathMatcher(selection.paths, { ignoreCase: true });
    const exclude = except.length > 0 ? pathMatcher(except, { ignoreCase: true }) : undefined;
    return workspace.files.filter((f) => include(f) && !exclude?.(f));
  }
  const files = workspace.glob(selection.paths);
  if (except.length === 0) return files;
  const exclude = workspace.matcher(except);
  return files.filter((f) => !exclude(f));
}

/** A single glob matcher honouring `ignoreCase`. */
export function globMatcher(workspace: Workspace, glob: string, ignoreCase = false): (p: string) => boolean {
  return ignoreCase ? pathMatcher(glob, { ignoreCase: true }) : workspace.matcher([glob]);
}

/** Collapses whitespace and caps length, so a finding key is stable and small. */
export function keyText(text: string, max = 200): string {
  const collapsed = text.trim().replace(/\s+/g, ' ');
  return collapsed.length > max ? collapsed.slice(0, max) : collapsed;
}

/** "a, b or c" for messages. */
export function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
