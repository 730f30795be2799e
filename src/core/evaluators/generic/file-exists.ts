import { base64Content, type GitHubApi, segment } from '../../github-api.js';
import { fileLocation } from '../../location.js';
import { mergifyRequiresApproval } from '../../parsers/mergify.js';
import type { RawFinding } from '../../types.js';
import { isLiteralPath, pathMatcher } from '../../workspace/glob.js';
import { globSelector } from '../../workspace/screens.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import {
  compilePattern,
  FLAGS_SCHEMA,
  firstMatchingLine,
  globList,
  IGNORE_CASE_SCHEMA,
  orList,
  regexSource,
  showPattern,
} from './shared.js';

/** Options of `file.exists`. */
export interface FileExistsOptions {
  paths: string[];
  ignoreCase: boolean;
  contains?: { pattern: string; flags: string; message?: string; followLinks?: boolean };
  message?: string;
  /** Literal paths that look like the file but are not read (legacy names), each with why. */
  notRead?: { path: string; why: string }[];
  /**
   * Other files that do the same job when they hold a line matching their pattern, or what a named
   * reader looks for (`holds`).
   */
  alternatives?: Alternative[];
  /**
   * Paths in the owner's `.github` repository whose file GitHub shows for every repository of the
   * owner without its own (community health files), read through the API when the run has one.
   */
  ownerDefaults?: string[];
}

/** An alternative file: by a line of it, or by what a reader of its format finds in it. */
export interface Alternative {
  paths: string[];
  pattern?: string;
  flags?: string;
  holds?: keyof typeof READERS;
}

/**
 * Readers of files whose structure, not a line, says they do the job: Mergify's configuration gates
 * every merge on the approval of named users or teams (see mergify.ts).
 */
const READERS = {
  'mergify-approval': mergifyRequiresApproval,
} satisfies Record<string, (document: unknown) => boolean>;

/**
 * `file.exists`: at least one file matches `paths`; with `contains`, at least one of those files also
 * has a line matching the pattern (a SECURITY.md that names a reporting channel, a CODEOWNERS with an
 * owner). A missing file is a repository-level finding; files that exist but lack the content are
 * reported at the first candidate, in the order of `paths`.
 */
export const fileExists = defineEvaluator<FileExistsOptions>({
  kind: 'file.exists',
  summary: 'At least one file matches the globs (and, optionally, contains a pattern).',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['paths'],
    properties: {
      paths: globList(
        'Globs (picomatch syntax, dotfiles included) of acceptable files; listed in order of preference, ' +
          'which decides where a "missing content" finding is shown.',
        { minItems: 1 },
      ),
      ignoreCase: IGNORE_CASE_SCHEMA,
      contains: {
        type: 'object',
        additionalProperties: false,
        required: ['pattern'],
        description: 'Also require at least one matched file to have a line matching this pattern.',
        properties: {
          pattern: regexSource('Regular expression (JavaScript syntax) applied to each line.'),
          flags: FLAGS_SCHEMA,
          message: {
            type: 'string',
            minLength: 1,
            description: 'Message when files exist but none contains the pattern.',
          },
          followLinks: {
            type: 'boolean',
            description:
              'Also read the files of the repository that the matched files link to by a relative link ' +
              '(`[policy](docs/security.md)`), one hop: a reader who follows the link finds the line there.',
          },
        },
      },
      message: { type: 'string', minLength: 1, description: 'Message when no file matches `paths`.' },
      alternatives: {
        type: 'array',
        description:
          "Files of another tool that do the same job (Prow's OWNERS for CODEOWNERS): one of them with a line " +
          'matching its pattern, or in which the reader named by `holds` finds what it looks for, satisfies ' +
          'the rule; otherwise it is not a candidate.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['paths'],
          oneOf: [{ required: ['pattern'] }, { required: ['holds'] }],
          properties: {
            paths: globList('Globs of the alternative files.', { minItems: 1 }),
            pattern: regexSource('Regular expression (JavaScript syntax) a line of the file must match.'),
            flags: FLAGS_SCHEMA,
            holds: {
              enum: Object.keys(READERS),
              description:
                "A reader of the files' format: `mergify-approval`, a Mergify configuration whose every " +
                'merge waits for the approval of named users or teams (`approved-reviews-by=@org/team`).',
            },
          },
        },
      },
      ownerDefaults: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        description:
          "Paths in the owner's `.github` repository (`SECURITY.md`, `.github/SECURITY.md`) whose file GitHub " +
          'shows for every repository of the owner without its own: with an API, such a file (with the ' +
          '`contains` line, if set) satisfies the rule when the tree has none.',
      },
      notRead: {
        type: 'array',
        description:
          'Files that look like an acceptable one but are not read (a legacy name): the "missing" finding names those present and why.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['path', 'why'],
          properties: {
            path: { type: 'string', minLength: 1, description: 'A literal path from the root.' },
            why: { type: 'string', minLength: 1, description: 'Why it does not count, for the message.' },
          },
        },
      },
    },
  },
  mayReadApi: (options) => (options.ownerDefaults ?? []).length > 0,
  async evaluate({ options, workspace, github }): Promise<RawFinding[]> {
    for (const alternative of options.alternatives ?? []) {
      const files = orderedCandidates(workspace, alternative.paths, options.ignoreCase);
      if (
        alternative.holds !== undefined
          ? holdsStructure(workspace, files, alternative.holds)
          : holdsLine(workspace, files, compilePattern(alternative.pattern ?? '', alternative.flags))
      )
        return [];
    }
    const candidates = orderedCandidates(workspace, options.paths, options.ignoreCase);
    if (candidates.length === 0) {
      const owner = options.ownerDefaults && github ? await ownerDefault(github, options) : undefined;
      if (owner?.kind === 'applies') return [];
      // A legacy file is why a team believes it is covered: say which one and why it does not count.
      const present = (options.notRead ?? []).filter((n) => workspace.has(n.path));
      // Files that share a reason are named together.
      const byWhy = new Map<string, string[]>();
      for (const n of present) byWhy.set(n.why, [...(byWhy.get(n.why) ?? []), n.path]);
      const why = [...byWhy]
        .map(([reason, paths]) =>
          paths.length === 1
            ? ` ${paths[0]} exists, but ${reason}.`
            : ` ${paths.slice(0, -1).join(', ')} and ${paths[paths.length - 1]} exist, but ${reason}.`,
        )
        .join('');
      // Without the API the owner's default, which GitHub shows in place of the missing file, was not
      // read: the absence is unverified, a guess (low), so a local run does not state it as fact.
      const unread = (options.ownerDefaults ?? []).length > 0 && !github;
      return [
        {
          message:
            (options.message ?? `No file matches ${orList(options.paths.map((p) => `\`${p}\``))}.`) +
            why +
            (owner ? ` ${owner.said}` : '') +
            (unread
              ? " This run had no GitHub API access, so the owner's .github repository was not read."
              : ''),
          location: null,
          key: 'missing',
          ...(unread ? { confidence: 'low' as const } : {}),
        },
      ];
    }
    if (!options.contains) {
      // Found by name: the files it judged are in its scope, though it reads none of them.
      workspace.examine(candidates);
      return [];
    }
    const re = compilePattern(options.contains.pattern, options.contains.flags);
    if (holdsLine(workspace, candidates, re)) return [];
    if (options.contains.followLinks && holdsLine(workspace, linkedFiles(workspace, candidates), re))
      return [];
    const [first] = candidates as [string, ...string[]];
    const others = candidates.length - 1;
    const which = others > 0 ? `${first} (and ${others} other candidate${others === 1 ? '' : 's'})` : first;
    return [
      {
        message: options.contains.message
          ? `${which}: ${options.contains.message}`
          : `${which} has no line matching ${showPattern(re)}.`,
        location: fileLocation(first),
        key: 'content',
      },
    ];
  },
});

/** A Markdown link's or an HTML anchor's target: `[text](target)`, `[label]: target`, `href="target"`. */
const LINK_TARGET =
  /\]\(\s*<?([^)\s>]{1,300})>?(?:\s+"[^"]*")?\s*\)|^\s{0,3}\[[^\]]{1,100}\]:\s*<?(\S{1,300}?)>?(?:\s|$)|href\s*=\s*["']([^"']{1,300})["']/gm;

/**
 * The files of the repository that `files` link to by a relative link (no scheme, no `//`), resolved
 * from each file's folder, without the `#fragment` or `?query`; those outside the root are left out.
 */
function linkedFiles(workspace: Workspace, files: readonly string[]): string[] {
  const out = new Set<string>();
  for (const file of files) {
    const text = workspace.text(file);
    if (text === undefined) continue;
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
    for (const m of text.matchAll(LINK_TARGET)) {
      const raw = (m[1] ?? m[2] ?? m[3] ?? '').replace(/[#?].*$/, '');
      if (raw === '' || /^[a-z][a-z0-9+.-]*:|^\/\//i.test(raw)) continue;
      const joined = raw.startsWith('/') ? raw.slice(1) : dir ? `${dir}/${raw}` : raw;
      const parts: string[] = [];
      let outside = false;
      for (const part of joined.split('/')) {
        if (part === '' || part === '.') continue;
        if (part === '..') {
          if (parts.pop() === undefined) outside = true;
        } else parts.push(part);
      }
      const target = parts.join('/');
      if (!outside && target !== file && workspace.has(target)) out.add(target);
    }
  }
  return [...out];
}

/** Whether one of `files` has a line matching `re`. */
function holdsLine(workspace: Workspace, files: readonly string[], re: RegExp): boolean {
  return files.some((file) => {
    const text = workspace.text(file);
    return text !== undefined && firstMatchingLine(text, re) !== undefined;
  });
}

/** Whether the reader finds what it looks for in one of `files` (read as YAML). */
function holdsStructure(
  workspace: Workspace,
  files: readonly string[],
  reader: keyof typeof READERS,
): boolean {
  return files.some((file) => {
    const parsed = workspace.yaml(file);
    return parsed?.ok === true && parsed.documents.length > 0 && READERS[reader](parsed.documents[0]!.value);
  });
}

/** What the owner's `.github` repository holds for a missing file. */
type OwnerDefault = { kind: 'applies' } | { kind: 'not'; said: string };

/**
 * Reads the owner's `.github` repository for a default of the missing file (`GET /repos/{owner}/
 * .github/contents/{path}`, the first path that exists). It applies when it exists and, with
 * `contains`, holds the line; otherwise the finding says what the API answered.
 */
async function ownerDefault(api: GitHubApi, options: FileExistsOptions): Promise<OwnerDefault | undefined> {
  if (api.repo === '.github') return undefined;
  const where = `${api.owner}/.github`;
  let refused: number | undefined;
  // Asked together (a round trip each, on the pull request's path), taken in their order.
  const files = options.ownerDefaults ?? [];
  const responses = await Promise.all(
    files.map((file) =>
      api.get(`/repos/${segment(api.owner)}/.github/contents/${file.split('/').map(segment).join('/')}`),
    ),
  );
  for (const [i, file] of files.entries()) {
    const response = responses[i]!;
    if (response.status === 404) continue;
    if (response.status !== 200) {
      refused = response.status;
      continue;
    }
    const text = base64Content(response.data);
    if (!options.contains) return { kind: 'applies' };
    const re = compilePattern(options.contains.pattern, options.contains.flags);
    if (text !== undefined && firstMatchingLine(text, re)) return { kind: 'applies' };
    return {
      kind: 'not',
      said: `The owner's default, ${where}/${file}, does not qualify either: ${options.contains.message ?? 'it lacks the required line.'}`,
    };
  }
  return refused !== undefined
    ? { kind: 'not', said: `Whether ${where} holds a default could not be read (HTTP ${refused}).` }
    : {
        kind: 'not',
        said: `The GitHub API shows this run no default in ${where} either (a private ${where} answers the same to a token that cannot read it).`,
      };
}

/**
 * Matched files, grouped by the first glob that matches them, in the order the globs are listed. A
 * plain path is looked up rather than matched against every file.
 */
function orderedCandidates(workspace: Workspace, globs: readonly string[], ignoreCase = false): string[] {
  // Without regard to case, one pass over the tree with every glob at once (one expression per path:
  // a pass per glob cost a pull request 30 ms at 100,000 files), then each glob picks its own from
  // the few that passed.
  const passed = ignoreCase ? workspace.filesWhere(globSelector(globs, { ignoreCase: true })) : [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const glob of globs) {
    const matches = ignoreCase
      ? passed.filter(pathMatcher(glob, { ignoreCase: true }))
      : isLiteralPath(glob)
        ? workspace.has(glob)
          ? [glob]
          : []
        : workspace.glob(glob);
    for (const file of matches) {
      if (seen.has(file)) continue;
      seen.add(file);
      out.push(file);
    }
  }
  return out;
}
