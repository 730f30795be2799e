import type { RawFinding } from '../../types.js';
import { vendored } from '../../vendored.js';
import { defineEvaluator } from '../types.js';

/** Options of `gitignore.must-ignore`. */
export interface GitignoreMustIgnoreOptions {
  entries: string[];
  message?: string;
}

const GITIGNORE = '.gitignore';

/**
 * `gitignore.must-ignore`: the root `.gitignore` ignores each of `entries` (paths relative to the
 * repository root; a trailing `/` tests a directory). Matching uses the `ignore` package, which
 * implements git's semantics: globs, anchoring, negations and "a file in an excluded directory cannot
 * be re-included". Matching is case-sensitive, as git is on the Linux runners where CI executes.
 * The entries that no pattern matches are reported together, at the file; a negation that
 * re-includes an entry is reported at its line.
 */
export const gitignoreMustIgnore = defineEvaluator<GitignoreMustIgnoreOptions>({
  kind: 'gitignore.must-ignore',
  summary: 'The root .gitignore ignores the given paths (e.g. .env), with git semantics.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['entries'],
    properties: {
      entries: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        description:
          'Paths relative to the repository root that must be ignored, e.g. `.env`, `config/.env` (which ' +
          'fails a root-anchored `/.env`); end with `/` to test a directory.',
        items: {
          type: 'string',
          minLength: 1,
          // The ignore package (like git) only accepts relative paths without `.`/`..` segments.
          pattern: '^(?!/)(?!.*(?:^|/)\\.{1,2}(?:/|$))',
        },
      },
      message: {
        type: 'string',
        minLength: 1,
        description: 'Why these paths must be ignored; appended to each finding message.',
      },
    },
  },
  evaluate({ options, workspace }): RawFinding[] {
    const why = options.message ? ` ${options.message}` : '';
    if (!workspace.has(GITIGNORE)) {
      return [
        {
          message: `The repository has no root ${GITIGNORE}, so ${list(options.entries)} can be committed by accident.${why}`,
          location: null,
          key: 'missing',
        },
      ];
    }
    const text = workspace.text(GITIGNORE);
    if (text === undefined) {
      return [
        {
          message: `${GITIGNORE} cannot be read as a text file (symbolic link, binary or too large), so it does not ignore ${list(options.entries)}.${why}`,
          location: { path: GITIGNORE, startLine: 1 },
          key: 'unreadable',
        },
      ];
    }
    const lines = text.split(/\r?\n/);
    const ig = vendored('ignore')({ ignorecase: false }).add(lines);
    const findings: RawFinding[] = [];
    const unmatched: string[] = [];
    for (const entry of options.entries) {
      const result = ig.test(entry);
      if (result.ignored) continue;
      const negation = result.unignored ? decidingNegation(lines, entry) : undefined;
      if (!negation) {
        unmatched.push(entry);
        continue;
      }
      findings.push({
        message: `${GITIGNORE} re-includes \`${entry}\` with the negation \`${negation.text}\` on line ${negation.line}, so it can be committed.${why}`,
        location: { path: GITIGNORE, startLine: negation.line },
        key: entry,
      });
    }
    // The entries no pattern matches share one place (the file): one finding names them all.
    if (unmatched.length > 0)
      findings.unshift({
        message: `${GITIGNORE} does not ignore ${list(unmatched)}: add ${unmatched.length === 1 ? 'a pattern that matches it' : 'patterns that match them'}.${why}`,
        location: { path: GITIGNORE, startLine: 1 },
        key: 'not-ignored',
      });
    return findings;
  },
});

/**
 * The negation that decided `entry` is not ignored: as in git, the last pattern that matches wins, so
 * the lines are tried from the end, each on its own. (The ignore package reports the deciding rule
 * only for ignoring rules.)
 */
function decidingNegation(
  lines: readonly string[],
  entry: string,
): { line: number; text: string } | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (!/^\s*[^#\s]/.test(line)) continue;
    const verdict = vendored('ignore')({ ignorecase: false }).add(line).test(entry);
    if (verdict.unignored) return { line: i + 1, text: line.trim() };
    if (verdict.ignored) return undefined;
  }
  return undefined;
}

function list(entries: readonly string[]): string {
  return entries.map((e) => `\`${e}\``).join(', ');
}
