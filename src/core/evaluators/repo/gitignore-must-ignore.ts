import { inTestPaths } from '../../confidence.js';
import type { RawFinding } from '../../types.js';
import { vendored } from '../../vendored.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';

/** Options of `gitignore.must-ignore`. */
export interface GitignoreMustIgnoreOptions {
  entries: string[];
  message?: string;
  conventions?: Convention[];
  committed?: Committed[];
}

/**
 * Entries a framework commits by design (Symfony's `.env`, which holds non-secret defaults while the
 * secrets go to `.env.local`): in a repository that shows the framework and ignores its secrets file,
 * leaving them unignored follows the framework, so the finding has low confidence and says so.
 */
interface Committed {
  entries: string[];
  /** The framework, after "this repository follows": `Symfony, which commits .env with defaults`. */
  by: string;
  /** Globs of files that show the repository uses the framework (`symfony.lock`). */
  signs: string[];
  /** Where the framework keeps the secrets instead; each must be ignored. */
  secretsIn: string[];
}

/**
 * An entry only some projects use (`.env.local`, the local override file of a few frameworks): left
 * unignored alone, in a repository that shows no sign of its users, it is reported at low confidence.
 */
interface Convention {
  entry: string;
  /** Who uses it, after "the file of": `Next.js, Vite, Nuxt and Symfony`. */
  usedBy: string;
  /** Globs of files that show the repository uses it (a framework's configuration file). */
  signs: string[];
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
      conventions: {
        type: 'array',
        description:
          'Entries only some projects use: when they are the only ones left unignored and no file of ' +
          '`signs` exists, the finding has low confidence and names who uses them.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['entry', 'usedBy', 'signs'],
          properties: {
            entry: { type: 'string', minLength: 1, description: 'One of `entries`.' },
            usedBy: { type: 'string', minLength: 1, description: 'Who uses it: `Next.js and Vite`.' },
            signs: {
              type: 'array',
              minItems: 1,
              items: { type: 'string', minLength: 1 },
              description: 'Globs of files that show the repository uses it (`**/next.config.*`).',
            },
          },
        },
      },
      committed: {
        type: 'array',
        description:
          'Entries a framework commits by design: when they are the only ones left unignored, a file of ' +
          '`signs` exists and every entry of `secretsIn` is ignored, the finding has low confidence and ' +
          'names the convention.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['entries', 'by', 'signs', 'secretsIn'],
          properties: {
            entries: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
            by: {
              type: 'string',
              minLength: 1,
              description: 'The framework: `Symfony, which commits .env with non-secret defaults`.',
            },
            signs: {
              type: 'array',
              minItems: 1,
              items: { type: 'string', minLength: 1 },
              description: 'Globs of files that show the framework (`symfony.lock`).',
            },
            secretsIn: {
              type: 'array',
              minItems: 1,
              items: { type: 'string', minLength: 1 },
              description: 'Where the framework keeps secrets instead (`.env.local`); each must be ignored.',
            },
          },
        },
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
    if (unmatched.length > 0) {
      const found: RawFinding = {
        message: `${GITIGNORE} does not ignore ${list(unmatched)}: add ${unmatched.length === 1 ? 'a pattern that matches it' : 'patterns that match them'}.${why}`,
        location: { path: GITIGNORE, startLine: 1 },
        key: 'not-ignored',
      };
      const unused = conventionsUnused(unmatched, options.conventions ?? [], workspace);
      if (unused) {
        found.message = `${GITIGNORE} does not ignore ${list(unmatched)}, the file${unmatched.length === 1 ? '' : 's'} of ${unused}, which this repository shows no sign of using: add a pattern if it does.${why}`;
        found.confidence = 'low';
      }
      const design = unused
        ? undefined
        : committedByDesign(unmatched, options.committed ?? [], workspace, ig);
      if (design) {
        found.message = `${GITIGNORE} does not ignore ${list(unmatched)}: this repository follows ${design.by}, and ignores ${list(design.secretsIn)}, where the secrets go; keep them out of the committed file${unmatched.length === 1 ? '' : 's'}.${why}`;
        found.confidence = 'low';
      }
      findings.unshift(found);
    }
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

/**
 * Who uses the unignored entries, when every one of them is a convention (see {@link Convention}) of
 * which no sign exists in the tree; undefined otherwise (an entry everyone uses is unignored, or the
 * tree shows a user of the convention).
 */
function conventionsUnused(
  unmatched: readonly string[],
  conventions: readonly Convention[],
  workspace: Workspace,
): string | undefined {
  const of = unmatched.map((e) => conventions.find((c) => c.entry === e));
  if (of.some((c) => c === undefined)) return undefined;
  const known = of as Convention[];
  if (known.some((c) => workspace.glob(c.signs).length > 0)) return undefined;
  return [...new Set(known.map((c) => c.usedBy))].join('; ');
}

/**
 * The framework convention the unignored entries follow (see {@link Committed}): every entry is one it
 * commits, the tree shows the framework and its secrets file is ignored; undefined otherwise. A
 * framework seen in the project itself is named before one seen only in its examples or tests (a
 * Vite app with a Next.js example is a Vite project).
 */
function committedByDesign(
  unmatched: readonly string[],
  committed: readonly Committed[],
  workspace: Workspace,
  ig: { ignores(path: string): boolean },
): Committed | undefined {
  const seen = committed
    .filter((c) => unmatched.every((e) => c.entries.includes(e)) && c.secretsIn.every((e) => ig.ignores(e)))
    .map((c) => ({ c, signs: workspace.glob(c.signs) }))
    .filter(({ signs }) => signs.length > 0);
  return (seen.find(({ signs }) => signs.some((p) => !inTestPaths(p))) ?? seen[0])?.c;
}

function list(entries: readonly string[]): string {
  return entries.map((e) => `\`${e}\``).join(', ');
}
