import picomatch from 'picomatch';
import { isWorkflowPath, readWorkflowSource } from '../parsers/workflow.js';
import type { Trigger, Workflow } from '../parsers/workflow-model.js';
import type { EvidenceFile, EvidenceResult } from '../types.js';
import type { Inspection } from '../workspace/inspect.js';
import { resolveInTree } from '../workspace/links.js';
import type { Workspace } from '../workspace/workspace.js';
import { substance } from './substance.js';

/** Files listed (and hashed) per evidence item; a directory or glob may match many more. */
const MAX_EVIDENCE_FILES = 20;

/** Events that run a workflow on the change under review, before it merges. */
const CHANGE_EVENTS = new Set(['pull_request', 'pull_request_target', 'merge_group']);

export interface EvidenceContext {
  workspace: Workspace;
  /**
   * The default branch; a workflow that runs on pushes to it counts as evidence. When unknown, `main`
   * and `master` are assumed.
   */
  defaultBranches: readonly string[];
  /**
   * controlgate's own configuration and declarations files: cited as evidence, they show nothing
   * about a control (the declarations would vouch for themselves).
   */
  ownFiles?: ReadonlySet<string>;
}

/**
 * Checks one evidence item: a URL is recorded but never fetched; a workflow file must exist and run on
 * pull requests (or merge queues) or on pushes to the default branch; any other path or glob must
 * match at least one file of the repository that holds more than a placeholder, other than
 * controlgate's own configuration and declarations (`ownFiles`). The files matched are
 * listed with the SHA-256 of their bytes, so an auditor can tell later what the evidence was.
 */
export function checkEvidence(ref: string, ctx: EvidenceContext): EvidenceResult {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) {
    return { ref, kind: 'url', status: 'not-verified', detail: 'a URL is recorded, not fetched' };
  }
  const rel = ref.replace(/^\.\//, '').replace(/^\/+/, '');
  if (rel === '' || rel.split('/').includes('..')) {
    return { ref, kind: 'path', status: 'missing', detail: 'must be a path inside the repository' };
  }
  if (isWorkflowPath(rel)) return checkWorkflow(ref, rel, ctx);
  const indexed = ctx.workspace.indexed;
  let matched: string[];
  let select: (f: string) => boolean;
  if (/[*?[\]{}!]/.test(rel)) {
    select = ctx.workspace.matcher([rel]);
  } else {
    const dir = rel.endsWith('/') ? rel : `${rel}/`;
    select = (f) => f === rel || f.startsWith(dir);
  }
  matched = indexed.filter(select);
  // Folders reached through a symbolic link: their files, named as cited; links not followed, said.
  const links = throughLinks(ctx, rel, select);
  const notes = links.notes;
  if (links.files.length > 0 || links.dropped.size > 0) {
    matched = [...new Set([...matched.filter((f) => !links.dropped.has(f)), ...links.files])].sort();
  }
  const note = notes.length > 0 ? notes.join('; ') : null;
  const own = ctx.ownFiles;
  const cited = own && own.size > 0 ? matched.filter((f) => !own.has(f)) : matched;
  if (cited.length === 0 && matched.length > 0) {
    return {
      ref,
      kind: 'path',
      status: 'missing',
      detail: `${matched.length === 1 ? `${matched[0]} is` : `the files it matches are`} controlgate's own configuration or declarations, which are no evidence of a control: cite the document, workflow or URL that shows it`,
    };
  }
  matched = cited;
  if (matched.length === 0) {
    return {
      ref,
      kind: 'path',
      status: 'missing',
      detail: note ?? 'no such file or directory in the repository',
    };
  }
  const listed = matched.slice(0, MAX_EVIDENCE_FILES);
  const files: EvidenceFile[] = [];
  let why: string | undefined;
  let substantial = false;
  for (const f of listed) {
    const seen = inspectThroughLink(ctx, links.real.get(f) ?? f);
    files.push({ path: f, sha256: seen.ok ? seen.sha256 : null, bytes: seen.ok ? seen.bytes : 0 });
    if (substantial) continue;
    const skipped = links.notRead.get(f);
    const judged = skipped
      ? { ok: false, why: skipped }
      : seen.ok
        ? substance(f, seen)
        : { ok: false, why: `${f}: ${seen.reason}` };
    if (judged.ok) substantial = true;
    else why ??= judged.why;
  }
  const more = matched.length > listed.length ? { matched: matched.length } : {};
  if (substantial) return { ref, kind: 'path', status: 'present', detail: note, files, ...more };
  const scope =
    matched.length === 1
      ? ''
      : ` (none of the ${listed.length === matched.length ? matched.length : `first ${listed.length} of ${matched.length}`} files it matches holds more; the first: ${why})`;
  const said = matched.length === 1 ? why! : `it holds no more than placeholders${scope}`;
  const besides = notes.filter((n) => n !== said);
  return {
    ref,
    kind: 'path',
    status: 'missing',
    detail: besides.length > 0 ? `${said}; ${besides.join('; ')}` : said,
    files,
    ...more,
  };
}

/**
 * The evidence files a cited path or glob reaches through symbolic links to folders (`docs/policies ->
 * real`): each file of the folder, named under the link as `ls docs/policies/` names it (read as the
 * file it is, `real`). A link that leads out of the repository, dangles or
 * loops is never followed: it stays listed, unread (`notRead`), and is named in `notes`, as is each
 * followed link (what was examined is named). Only links of the index are looked at: a few per tree.
 */
function throughLinks(
  ctx: EvidenceContext,
  rel: string,
  select: (f: string) => boolean,
): {
  files: string[];
  real: Map<string, string>;
  dropped: Set<string>;
  notRead: Map<string, string>;
  notes: string[];
} {
  const ws = ctx.workspace;
  const out = {
    files: [] as string[],
    real: new Map<string, string>(),
    dropped: new Set<string>(),
    notRead: new Map<string, string>(),
    notes: [] as string[],
  };
  const links = ws.symbolicLinks();
  if (links.length === 0) return out;
  // The part of the path before any glob character: a link there or under it can matter.
  const base = rel.replace(/[*?[\]{}!].*$/, '').replace(/\/+$/, '');
  for (const link of links) {
    const related =
      base === '' || link === base || link.startsWith(`${base}/`) || base.startsWith(`${link}/`);
    if (!related) continue;
    const lookup = (p: string) => ws.node(p);
    if (resolveInTree(link, lookup).ok) continue; // a link to a file: read as that file
    const dir = resolveInTree(link, lookup, true);
    if (dir.ok && dir.chain.length > 0) {
      const prefix = `${dir.target}/`;
      out.dropped.add(link);
      let reached = 0;
      for (const f of ws.indexed) {
        if (!f.startsWith(prefix)) continue;
        const named = `${link}/${f.slice(prefix.length)}`;
        if (!select(named)) continue;
        out.files.push(named);
        out.real.set(named, f);
        reached++;
      }
      if (reached === 0) continue;
      out.notes.push(`${link} is a symbolic link to the folder ${dir.target}, whose files were read`);
    } else if (select(link) || base.startsWith(`${link}/`)) {
      // Listed as what it is, unread (no hash), and said.
      const why = `${link} is a symbolic link that was not read (${dir.ok ? 'not followed' : dir.reason})`;
      if (select(link)) out.notRead.set(link, why);
      out.notes.push(why);
    }
  }
  return out;
}

/**
 * A cited file as `sha256sum` reads it: a symbolic link (or a path under one) that resolves, step by
 * step within the tree, to another file of the repository is that file's content (see
 * `Workspace.aliasOf`); a link out of the tree, or one that does not resolve, is never followed.
 */
function inspectThroughLink(ctx: EvidenceContext, file: string): Inspection {
  const seen = ctx.workspace.inspect(file);
  if (seen.ok || !LINKED.has(seen.reason)) return seen;
  const target = ctx.workspace.aliasOf(file);
  return target === undefined ? seen : ctx.workspace.inspect(target);
}

/** What {@link inspectFile} says of a path it does not follow. */
const LINKED: ReadonlySet<string> = new Set(['it is a symbolic link', 'it is behind a symbolic link']);

function checkWorkflow(ref: string, rel: string, ctx: EvidenceContext): EvidenceResult {
  const missing = (detail: string): EvidenceResult => ({ ref, kind: 'workflow', status: 'missing', detail });
  if (!ctx.workspace.indexed.includes(rel)) return missing('no such workflow in the repository');
  if (!ctx.workspace.has(rel)) {
    return missing(
      'the workflow is excluded from the check by the configuration, so its triggers cannot be read',
    );
  }
  const source = readWorkflowSource(ctx.workspace, rel);
  if (source?.kind !== 'workflow') return missing('the file is not a valid workflow');
  const seen = ctx.workspace.inspect(rel);
  const files: EvidenceFile[] = [
    { path: rel, sha256: seen.ok ? seen.sha256 : null, bytes: seen.ok ? seen.bytes : 0 },
  ];
  const runs = runsOnChanges(source, ctx.defaultBranches);
  return runs
    ? { ref, kind: 'workflow', status: 'present', detail: null, files }
    : {
        ...missing(
          `the workflow does not run on pull requests or on pushes to ${ctx.defaultBranches.join(' or ')}`,
        ),
        files,
      };
}

/**
 * Whether a workflow runs on the change under review: on `pull_request`, `pull_request_target` or
 * `merge_group` targeting the default branch, or on pushes to it. Branch filters use GitHub's glob
 * syntax, with `!` negations evaluated in order.
 */
export function runsOnChanges(workflow: Workflow, defaultBranches: readonly string[]): boolean {
  for (const trigger of workflow.on?.events ?? []) {
    if (CHANGE_EVENTS.has(trigger.event)) {
      if (trigger.event === 'merge_group' || branchesAllow(trigger, defaultBranches)) return true;
    } else if (trigger.event === 'push') {
      const config = settings(trigger);
      // A push trigger with only tag filters does not run on branch pushes.
      const onlyTags =
        (config.tags || config['tags-ignore']) && !config.branches && !config['branches-ignore'];
      if (!onlyTags && branchesAllow(trigger, defaultBranches)) return true;
    }
  }
  return false;
}

function branchesAllow(trigger: Trigger, branches: readonly string[]): boolean {
  const config = settings(trigger);
  const only = list(config.branches);
  const ignored = list(config['branches-ignore']);
  return branches.some((branch) => {
    if (only) return filterMatches(only, branch);
    if (ignored) return !filterMatches(ignored, branch);
    return true;
  });
}

/** GitHub's filter semantics: patterns in order, a later `!pattern` can exclude what matched before. */
function filterMatches(patterns: string[], branch: string): boolean {
  let matched = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    if (picomatch.isMatch(branch, negated ? p.slice(1) : p)) matched = !negated;
  }
  return matched;
}

function settings(trigger: Trigger): Record<string, unknown> {
  const v = trigger.config?.value;
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function list(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}
