import picomatch from 'picomatch';
import { isWorkflowPath, readWorkflowSource } from '../parsers/workflow.js';
import type { Trigger, Workflow } from '../parsers/workflow-model.js';
import type { EvidenceFile, EvidenceResult } from '../types.js';
import type { Inspection } from '../workspace/inspect.js';
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
  if (/[*?[\]{}!]/.test(rel)) {
    const match = ctx.workspace.matcher([rel]);
    matched = indexed.filter((f) => match(f));
  } else {
    const dir = rel.endsWith('/') ? rel : `${rel}/`;
    matched = indexed.filter((f) => f === rel || f.startsWith(dir));
  }
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
    return { ref, kind: 'path', status: 'missing', detail: 'no such file or directory in the repository' };
  }
  const listed = matched.slice(0, MAX_EVIDENCE_FILES);
  const files: EvidenceFile[] = [];
  let why: string | undefined;
  let substantial = false;
  for (const f of listed) {
    const seen = inspectThroughLink(ctx, f);
    files.push({ path: f, sha256: seen.ok ? seen.sha256 : null, bytes: seen.ok ? seen.bytes : 0 });
    if (substantial) continue;
    const judged = seen.ok ? substance(f, seen) : { ok: false, why: `${f}: ${seen.reason}` };
    if (judged.ok) substantial = true;
    else why ??= judged.why;
  }
  const more = matched.length > listed.length ? { matched: matched.length } : {};
  if (substantial) return { ref, kind: 'path', status: 'present', detail: null, files, ...more };
  const scope =
    matched.length === 1
      ? ''
      : ` (none of the ${listed.length === matched.length ? matched.length : `first ${listed.length} of ${matched.length}`} files it matches holds more; the first: ${why})`;
  return {
    ref,
    kind: 'path',
    status: 'missing',
    detail: matched.length === 1 ? why! : `it holds no more than placeholders${scope}`,
    files,
    ...more,
  };
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
