import path from 'node:path';
import { inTestPaths } from '../../confidence.js';
import { readComposeServices } from '../../parsers/compose.js';
import type { RawFinding } from '../../types.js';
import { vendored } from '../../vendored.js';
import type { Workspace } from '../../workspace/workspace.js';
import {
  compilePattern,
  FLAGS_SCHEMA,
  firstMatchingLine,
  forEachLine,
  globList,
  regexSource,
} from '../generic/shared.js';
import { defineEvaluator } from '../types.js';

/** Options of `gitignore.must-ignore`. */
export interface GitignoreMustIgnoreOptions {
  entries: string[];
  message?: string;
  conventions?: Convention[];
  committed?: Committed[];
  kept?: Kept;
}

/**
 * Where the project keeps files of some entries (`.env` files, found by their templates and copies):
 * when each folder that holds them has the entries ignored by the `.gitignore` files that apply there
 * (a nested one: `tests/.gitignore` ignoring `.env` beside `tests/integration/.env.sample`), leaving
 * them out of the root `.gitignore` is reported at low confidence, naming where they are kept.
 */
interface Kept {
  /** Entries (of `entries`) whose files the project keeps in its folders; their names are tested there. */
  entries: string[];
  /** Globs of the files that show where they are kept (`**\/.env`, `**\/.env.*`). */
  files: string[];
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
  signs?: string[];
  /**
   * Files that show the framework too when a line of them matches (`"react-scripts":` in a
   * package.json, for a framework with no configuration file of its own); outside the test paths.
   */
  mentions?: Mention[];
  /**
   * Where the framework keeps the secrets instead; each must be ignored, by the root .gitignore or by
   * those that apply in every folder of a sign (a nested one beside the framework's configuration).
   */
  secretsIn?: string[];
  /**
   * A pattern every line of the sign files must match, comments and blank lines aside: the
   * committed files hold only settings of that kind (Compose's own `COMPOSE_*` variables).
   */
  holdOnly?: string;
  /**
   * Where the repository names the file its users' values go to, over the committed defaults: scripts
   * that pass it with `--env-file` (a variable's value assigned in them is followed), Compose files
   * whose services name it in `env_file:`. The convention holds only when such a file, other than the
   * committed entries, is ignored (where it lives) and not in the tree; the finding names it.
   */
  overriddenBy?: { scripts?: string[]; compose?: string[] };
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
  /** Files that show it too when a line of them matches (a dotenv library among the dependencies). */
  mentions?: Mention[];
}

/** Files that show a convention in use when a line of them matches `pattern`. */
interface Mention {
  paths: string[];
  pattern: string;
  flags?: string;
  /**
   * Lists of a TOML file (`docs = [` in pyproject.toml's dependency groups or optional
   * dependencies) whose lines do not count: a library used to build the documentation or to check
   * types is no sign that the project loads what it reads.
   */
  exceptLists?: string[];
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
/** The schema of a list of files whose lines, one matching the pattern, show something (`mentions`). */
function mentionsSchema(description: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'array',
    description,
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['paths', 'pattern'],
      properties: {
        paths: globList('Globs of the files to read.', { minItems: 1 }),
        pattern: regexSource('Regular expression (JavaScript syntax) a line must match.'),
        flags: FLAGS_SCHEMA,
        ...extra,
      },
    },
  };
}

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
            mentions: mentionsSchema(
              'Files that show the repository uses it when one of their lines matches the pattern ' +
                '(a dotenv library in a dependency manifest, `env_file` in a Compose file).',
              {
                exceptLists: {
                  type: 'array',
                  items: { type: 'string', minLength: 1 },
                  description:
                    'Keys of TOML lists (`docs = [`, in dependency groups or optional dependencies) ' +
                    'whose lines do not count.',
                },
              },
            ),
          },
        },
      },
      kept: {
        type: 'object',
        additionalProperties: false,
        required: ['entries', 'files'],
        description:
          'Entries whose files the project keeps in folders of its own: when every folder that holds one of ' +
          '`files` has those entries ignored by the .gitignore files that apply there (a nested one), ' +
          'leaving them out of the root .gitignore has low confidence and names the folders.',
        properties: {
          entries: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
          files: globList('Globs of the files that show where they are kept (`**/.env.*`).', { minItems: 1 }),
        },
      },
      committed: {
        type: 'array',
        description:
          'Entries a framework commits by design: when they are the only ones left unignored (besides ' +
          'entries of `secretsIn` ignored where the framework lives, and conventions the tree shows no ' +
          'sign of), a file of `signs` exists, every entry of `secretsIn` is ignored (by the root ' +
          '.gitignore, or by those that apply in the folder of each sign) and every line of the signs ' +
          'matches `holdOnly`, the finding has low confidence and names the convention.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['entries', 'by'],
          anyOf: [{ required: ['signs'] }, { required: ['mentions'] }],
          properties: {
            entries: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
            mentions: {
              ...mentionsSchema(
                'Files that show the framework when one of their lines matches the pattern (outside the ' +
                  'test paths): `"react-scripts":` in a package.json.',
              ),
              minItems: 1,
            },
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
            holdOnly: regexSource(
              'A pattern every line of the sign files must match, comments and blank lines aside.',
            ),
            overriddenBy: {
              type: 'object',
              additionalProperties: false,
              description:
                'Where the repository names the file its users override the committed ones in: scripts ' +
                'passing it with `--env-file`, Compose files naming it in `env_file:`. One of them must be ' +
                'ignored and not in the tree; the finding names it.',
              properties: {
                scripts: globList('Globs of the scripts whose `--env-file` options are read.'),
                compose: globList('Globs of the Compose files whose `env_file:` entries are read.'),
              },
            },
          },
        },
      },
    },
  },
  evaluate({ options, workspace }): RawFinding[] {
    const why = options.message ? ` ${options.message}` : '';
    if (!workspace.has(GITIGNORE)) {
      // Without a root file, the entries are ignored by no pattern of it: the tree may still show no use of them.
      const unused = conventionsUnused(
        options.entries,
        options.conventions ?? [],
        workspace,
        vendored('ignore')({ ignorecase: false }),
      );
      return [
        unused
          ? {
              message: `The repository has no root ${GITIGNORE}, so ${list(options.entries)}, the file${options.entries.length === 1 ? '' : 's'} of ${unused}, which this repository shows no sign of using, could be committed by accident: add one if it does.${why}`,
              location: null,
              key: 'missing',
              confidence: 'low',
            }
          : {
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
      const unused = conventionsUnused(unmatched, options.conventions ?? [], workspace, ig);
      const kept = unused ? undefined : keptIgnored(unmatched, options, workspace, ig);
      if (unused) {
        found.message = `${GITIGNORE} does not ignore ${list(unmatched)}, the file${unmatched.length === 1 ? '' : 's'} of ${unused}, which this repository shows no sign of using: add a pattern if it does.${why}`;
        found.confidence = 'low';
      } else if (kept) {
        const rest = kept.unused
          ? `; it does not ignore ${list(kept.unused.entries)} either, the file${kept.unused.entries.length === 1 ? '' : 's'} of ${kept.unused.by}, which this repository shows no sign of using`
          : '';
        found.message =
          `${GITIGNORE} does not ignore ${list(kept.entries)}, but the project keeps such files only in ` +
          `${kept.where}${rest}: add ${kept.entries.length === 1 ? 'a pattern' : 'patterns'} to the root ${GITIGNORE} if they may be kept elsewhere.${why}`;
        found.confidence = 'low';
      }
      const design = unused || kept ? undefined : committedByDesign(unmatched, options, workspace, ig);
      if (design) {
        const { c, committed, unused, overrides } = design;
        const secrets = overrides
          ? `, and ignores ${overrides.map((o) => `\`${o.file}\` (${o.how})`).join(', ')}, which hold${overrides.length === 1 ? 's' : ''} the user's values`
          : c.secretsIn?.length
            ? `, and ignores ${list(c.secretsIn)}${design.nested ? ` where it lives (${design.nested})` : ''}, where the secrets go`
            : '';
        const rest = unused
          ? `; it does not ignore ${list(unused.entries)} either, the file${unused.entries.length === 1 ? '' : 's'} of ${unused.by}, which this repository shows no sign of using`
          : '';
        found.message = `${GITIGNORE} does not ignore ${list(unmatched)}: this repository follows ${c.by}${secrets}${rest}; keep them out of the committed file${committed.length === 1 ? '' : 's'}.${why}`;
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
  root: IgnoreTester,
): string | undefined {
  const of = unmatched.map((e) => conventions.find((c) => c.entry === e));
  if (of.some((c) => c === undefined)) return undefined;
  const known = of as Convention[];
  const credited = new Set<string>();
  if (known.some((c) => conventionSeen(c, workspace, root, credited))) return undefined;
  const where =
    credited.size > 0
      ? ` outside the folders whose own .gitignore ignores ${unmatched.length === 1 ? 'it' : 'them'} (${[...credited].sort().join(', ')})`
      : '';
  return [...new Set(known.map((c) => c.usedBy))].join('; ') + where;
}

/**
 * Whether the tree shows a convention in use: a file of its signs, or a line its mentions name. A sign
 * counts only where the project itself works: the files of the convention (`.env`, `.env.example`)
 * count anywhere, but a framework's configuration, a lockfile or a dependency manifest under the test,
 * fixture, example or documentation paths (a parser's fixture `bun.lock`, the harness of end-to-end
 * tests) shows the tests' inputs or tools, not the project's own use. Nor does a sign in a folder where
 * the `.gitignore` files that apply there already ignore the entry (a Vite app in a subfolder whose own
 * .gitignore has `*.local`): its user keeps that file ignored.
 */
function conventionSeen(
  c: Convention,
  workspace: Workspace,
  root: IgnoreTester,
  credited: Set<string>,
): boolean {
  const counts = (file: string) => {
    // The convention's own files (where they are kept is for `kept` to judge).
    if (path.posix.basename(file).startsWith('.env')) return true;
    if (inTestPaths(file)) return false;
    const dir = path.posix.dirname(file);
    const by = ignoredBy(workspace, root, dir === '.' ? c.entry : `${dir}/${c.entry}`);
    if (by) credited.add(by);
    return by === undefined;
  };
  if (workspace.glob(c.signs).some(counts)) return true;
  return (c.mentions ?? []).some((m) => mentionFiles(workspace, m).some(counts));
}

/** The files of a mention with a line that matches its pattern (outside its excepted TOML lists). */
function mentionFiles(workspace: Workspace, m: Mention): string[] {
  const re = compilePattern(m.pattern, m.flags);
  return workspace.glob(m.paths).filter((file) => {
    const text = workspace.text(file);
    if (text === undefined) return false;
    return m.exceptLists?.length
      ? mentionedOutside(text, re, m.exceptLists)
      : firstMatchingLine(text, re) !== undefined;
  });
}

/** A TOML line that opens a list under a key (`docs = [`, `"type-checking" = [`), and the key. */
const TOML_LIST = /^[ \t]*["']?([\w.-]{1,100})["']?[ \t]*=[ \t]*\[/;

/**
 * Whether a line of a TOML file matches `re` outside the lists named `except` (a dependency group or
 * extra for the documentation or type checking), each from its `key = [` line to the `]` that closes
 * it at the start of a line (or on its own line, for a list written on one line).
 */
function mentionedOutside(text: string, re: RegExp, except: readonly string[]): boolean {
  const skipped = new Set(except.map((k) => k.toLowerCase()));
  let list: string | undefined;
  let found = false;
  forEachLine(text, (line) => {
    const open = TOML_LIST.exec(line);
    if (open) list = open[1]!.toLowerCase();
    const inside = list !== undefined && skipped.has(list);
    if (re.test(line) && !inside) {
      found = true;
      return false;
    }
    // The list ends at a `]` that closes it: on the line that opened it, or on a line of its own.
    if (list !== undefined && (open ? /\][ \t]*(?:#.*)?$/.test(line) : /^[ \t]*\]/.test(line)))
      list = undefined;
    else if (!open && /^[ \t]*\[/.test(line)) list = undefined;
    return true;
  });
  return found;
}

/**
 * The unignored entries the project keeps only where nested `.gitignore` files ignore them (see
 * {@link Kept}): every unignored entry is one of `kept.entries` or a convention the tree shows no
 * sign of, at least one is kept, and in each folder that holds one of `kept.files` the kept entries'
 * names are ignored by the `.gitignore` files from the root down to it. Undefined otherwise.
 */
function keptIgnored(
  unmatched: readonly string[],
  options: GitignoreMustIgnoreOptions,
  workspace: Workspace,
  root: IgnoreTester,
): { entries: string[]; where: string; unused?: { entries: string[]; by: string } } | undefined {
  const spec = options.kept;
  if (!spec) return undefined;
  const entries = unmatched.filter((e) => spec.entries.includes(e));
  const others = unmatched.filter((e) => !spec.entries.includes(e));
  if (entries.length === 0) return undefined;
  const by =
    others.length > 0 ? conventionsUnused(others, options.conventions ?? [], workspace, root) : undefined;
  if (others.length > 0 && !by) return undefined;
  const folders = [...new Set(workspace.glob(spec.files).map((f) => path.posix.dirname(f)))].sort();
  if (folders.length === 0) return undefined;
  const names = [...new Set(entries.map((e) => path.posix.basename(e)))];
  const deciding = new Set<string>();
  for (const folder of folders) {
    for (const name of names) {
      const file = folder === '.' ? name : `${folder}/${name}`;
      const by = ignoredBy(workspace, root, file);
      if (!by) return undefined;
      deciding.add(by);
    }
  }
  const shown =
    folders.slice(0, 3).join(', ') + (folders.length > 3 ? ` and ${folders.length - 3} more` : '');
  return {
    entries,
    where: `${shown}, where ${[...deciding].sort().join(', ')} ignore${deciding.size === 1 ? 's' : ''} them`,
    ...(by ? { unused: { entries: others, by } } : {}),
  };
}

interface IgnoreTester {
  test(path: string): { ignored: boolean; unignored: boolean };
}

/**
 * The `.gitignore` that decides `file` is ignored, as git reads them: the root one, then each nested
 * one from the top down to the file's folder, a deeper one's verdict (ignored, or re-included by a
 * negation) overriding a shallower one's. Undefined when the file is not ignored.
 */
function ignoredBy(workspace: Workspace, root: IgnoreTester, file: string): string | undefined {
  let decided: string | undefined = root.test(file).ignored ? GITIGNORE : undefined;
  const parts = file.split('/');
  for (let i = 1; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    const gitignore = `${dir}/${GITIGNORE}`;
    if (!workspace.has(gitignore)) continue;
    const text = workspace.text(gitignore);
    if (text === undefined) continue;
    const verdict = nestedIgnore(workspace, gitignore, text).test(parts.slice(i).join('/'));
    if (verdict.ignored) decided = gitignore;
    else if (verdict.unignored) decided = undefined;
  }
  return decided;
}

function nestedIgnore(workspace: Workspace, file: string, text: string): IgnoreTester {
  return workspace.memo('gitignore-nested', file, () =>
    vendored('ignore')({ ignorecase: false }).add(text.split(/\r?\n/)),
  );
}

/**
 * The framework convention the unignored entries follow (see {@link Committed}): every entry is one it
 * commits, or one of its secrets files ignored where it lives, or a convention the tree shows no sign
 * of; the tree shows the framework, each of its secrets files is ignored (by the root .gitignore, or in
 * the folder of every sign by the .gitignore files that apply there: a nested one beside a Vite app's
 * configuration), and the sign files hold only what `holdOnly` allows. Undefined otherwise. A framework
 * seen in the project itself is named before one seen only in its examples or tests (a Vite app with a
 * Next.js example is a Vite project).
 */
function committedByDesign(
  unmatched: readonly string[],
  options: GitignoreMustIgnoreOptions,
  workspace: Workspace,
  root: IgnoreTester & { ignores(path: string): boolean },
):
  | {
      c: Committed;
      committed: string[];
      nested?: string;
      unused?: { entries: string[]; by: string };
      overrides?: Override[];
    }
  | undefined {
  const found = [];
  for (const c of options.committed ?? []) {
    const committed = unmatched.filter((e) => c.entries.includes(e));
    if (committed.length === 0) continue;
    const signs = [
      ...workspace.glob(c.signs ?? []),
      ...(c.mentions ?? []).flatMap((m) => mentionFiles(workspace, m).filter((f) => !inTestPaths(f))),
    ];
    if (signs.length === 0 || (c.holdOnly && !signs.every((f) => holdsOnly(workspace, f, c.holdOnly!))))
      continue;
    const overrides = c.overriddenBy ? overrideFiles(workspace, c, root) : undefined;
    if (overrides && overrides.length === 0) continue;
    // Each secrets file ignored by the root .gitignore, or else in the folder of every sign.
    const secrets = c.secretsIn ?? [];
    const nested = new Set<string>();
    const ignored = secrets.every((e) => {
      if (root.ignores(e)) return true;
      return signs.every((sign) => {
        const dir = path.posix.dirname(sign);
        const by = ignoredBy(workspace, root, dir === '.' ? e : `${dir}/${e}`);
        if (by) nested.add(by);
        return by !== undefined;
      });
    });
    if (!ignored) continue;
    const others = unmatched.filter(
      (e) => !c.entries.includes(e) && !(secrets.includes(e) && nested.size > 0),
    );
    const by =
      others.length > 0 ? conventionsUnused(others, options.conventions ?? [], workspace, root) : undefined;
    if (others.length > 0 && !by) continue;
    found.push({
      c,
      signs,
      committed,
      ...(overrides ? { overrides } : {}),
      ...(nested.size > 0 ? { nested: [...nested].sort().join(', ') } : {}),
      ...(by ? { unused: { entries: others, by } } : {}),
    });
  }
  const chosen = found.find(({ signs }) => signs.some((p) => !inTestPaths(p))) ?? found[0];
  if (!chosen) return undefined;
  const { signs: _signs, ...out } = chosen;
  return out;
}

/** A file the repository's users keep their own values in, and where the repository names it. */
interface Override {
  file: string;
  how: string;
}

/** `--env-file <file>` (or `--env-file=<file>`) in a script: the file as written. */
const ENV_FILE_OPTION = /--env-file(?:=|[ \t]+)("[^"\n]*"|'[^'\n]*'|[^\s;&|)]+)/g;
/** A word that is only a variable, with its default (`$ENV`, `${ENV}`, `${ENV:-.env.custom}`). */
const VARIABLE_WORD = /^\$(?:(\w+)|\{(\w+)(?::?-([^}]*))?\})$/;

/**
 * The override files of a convention (see {@link Committed.overriddenBy}) that are ignored where they
 * live and not in the tree: passed with `--env-file` by a script (a variable's default, or a value
 * assigned to it in that script or another of the scripts read), or named by a Compose service's
 * `env_file:` (from the Compose file's folder). The committed entries themselves are no override.
 */
function overrideFiles(workspace: Workspace, c: Committed, root: IgnoreTester): Override[] {
  const out: Override[] = [];
  const add = (written: string, base: string, how: string) => {
    const file = path.posix.normalize(path.posix.join(base, written));
    if (file.startsWith('..') || path.posix.isAbsolute(written) || /[$`{}*]/.test(file)) return;
    if (c.entries.includes(file) || workspace.has(file) || out.some((o) => o.file === file)) return;
    if (ignoredBy(workspace, root, file)) out.push({ file, how });
  };
  const scripts = workspace.glob(c.overriddenBy?.scripts ?? []).flatMap((f) => {
    const text = workspace.text(f);
    return text === undefined ? [] : [{ file: f, text }];
  });
  for (const { file, text } of scripts) {
    if (!text.includes('--env-file')) continue;
    for (const m of text.matchAll(ENV_FILE_OPTION)) {
      const word = m[1]!.replace(/^["']|["']$/g, '');
      for (const value of wordValues(word, text, scripts)) {
        add(value, '', `passed with \`--env-file\` in ${file}`);
      }
    }
  }
  for (const file of workspace.glob(c.overriddenBy?.compose ?? [])) {
    const dir = path.posix.dirname(file);
    for (const service of readComposeServices(workspace, file)) {
      const envFile = service.node.value.env_file;
      const entries = Array.isArray(envFile) ? envFile : [envFile];
      for (const entry of entries) {
        const written =
          typeof entry === 'string' ? entry : typeof entry?.path === 'string' ? entry.path : undefined;
        if (written) add(written, dir === '.' ? '' : dir, `named in \`env_file:\` by ${file}`);
      }
    }
  }
  return out;
}

/**
 * What a word of a script may be: itself, when literal; a variable's default and the literal values
 * the script (or else another of the scripts) assigns it.
 */
function wordValues(word: string, text: string, scripts: readonly { text: string }[]): string[] {
  const v = VARIABLE_WORD.exec(word);
  if (!v) return /[$`]/.test(word) ? [] : [word];
  const name = v[1] ?? v[2]!;
  const values = v[3] ? [v[3]] : [];
  const assignment = new RegExp(
    `(?:^|[\\s;&|(])(?:(?:export|local|readonly|declare)[ \\t]+)?${name}=("[^"\\n]*"|'[^'\\n]*'|[^\\s;&|)]*)`,
    'gm',
  );
  const assigned = (t: string) =>
    [...t.matchAll(assignment)].map((m) => m[1]!.replace(/^["']|["']$/g, '')).filter((x) => !/[$`]/.test(x));
  const own = assigned(text);
  return [...values, ...(own.length > 0 ? own : scripts.flatMap((s) => assigned(s.text)))];
}

/**
 * Whether every line of a file, comments and blank lines aside, matches `pattern`, and one does at
 * least (an empty file shows nothing of what it holds).
 */
function holdsOnly(workspace: Workspace, file: string, pattern: string): boolean {
  const text = workspace.text(file);
  if (text === undefined) return false;
  const re = compilePattern(pattern);
  const lines = text.split(/\r?\n/).filter((line) => !/^\s*(?:#|$)/.test(line));
  return lines.length > 0 && lines.every((line) => re.test(line));
}

function list(entries: readonly string[]): string {
  return entries.map((e) => `\`${e}\``).join(', ');
}
