/**
 * Everything a pull-request run needs before the engine runs: the changed files and lines (git when
 * the checkout has the history, else the API, paginated) and the baseline commit for telling new
 * findings from existing ones. Every degradation is explained in `notes`, never thrown.
 */
import path from 'node:path';
import { resolveBaseline } from '../core/base-tree.js';
import {
  apiStatus,
  type ChangedFile,
  DiffIndex,
  gitDiff,
  type PullRequestDiff,
  parsePatch,
} from '../core/diff.js';
import { GitRepository } from '../core/git.js';
import type { PullRequestInfo } from '../core/pr.js';
import type { Finding } from '../core/types.js';
import { type ApiClient, ApiError } from './github.js';

/** The API lists at most 3,000 files of a pull request, 100 per page. */
const MAX_FILE_PAGES = 30;

/** A pull request, ready for the engine and the sinks. */
export interface PullRequestRun {
  info: PullRequestInfo;
  /** The changed files, or undefined when neither git nor the API could list them. */
  diff?: PullRequestDiff;
  /** The diff in the checked root's terms; empty when the diff is unknown. */
  index?: DiffIndex;
  /** The commit to evaluate as the base tree, when the checkout has it. */
  baseline?: string;
  /** The checked root's path from the top of the repository (`services/api/`, or empty). */
  prefix: string;
  /** Why something was less exact than it could be (one line each, for the log). */
  notes: string[];
}

/** Options of {@link preparePullRequest}. */
export interface PrepareOptions {
  info: PullRequestInfo;
  /** The checked root (input `path`), absolute. */
  root: string;
  /** `GITHUB_WORKSPACE`, absolute: the repository's top when git cannot say. */
  workspace: string;
  /** Absent without a token: the API fallback is then unavailable. */
  client?: ApiClient;
}

/** Gathers the diff and the baseline; never throws. */
export async function preparePullRequest(options: PrepareOptions): Promise<PullRequestRun> {
  const { info, root, client } = options;
  const notes: string[] = [];
  const prefix = (await gitPrefix(root)) ?? workspacePrefix(options.workspace, root);
  const run: PullRequestRun = { info, prefix, notes };

  const files = await gitDiff(root, info.base.sha, info.head.sha);
  if (files) {
    run.diff = { source: 'git', files, truncated: false };
  } else if (client) {
    try {
      run.diff = await apiDiff(client, info.number, info.changedFiles);
      if (run.diff.truncated) {
        notes.push(
          `the API lists ${run.diff.files.length.toLocaleString('en-US')} of the ${info.changedFiles && info.changedFiles > run.diff.files.length ? info.changedFiles.toLocaleString('en-US') : 'more than 3,000'} files this pull request changes (its limit is 3,000): every file is scanned, and a finding in a file the API did not list counts as new`,
        );
      }
    } catch (err) {
      const status = err instanceof ApiError ? ` (HTTP ${err.status || 'no answer'})` : '';
      notes.push(`changed files unknown: git has no history and the API did not list them${status}`);
    }
  } else {
    notes.push(
      'changed files unknown: git has no history of the base and head commits, and no token was given',
    );
  }
  if (run.diff) run.index = new DiffIndex(run.diff, prefix);

  run.baseline = await resolveBaseline(root, info.base.sha, info.head.sha);
  if (!run.baseline) {
    notes.push(
      'the base commit is not in the checkout (use actions/checkout with fetch-depth: 0): the base versions of the changed files are read through the GitHub API to judge new findings; without them (no token, or the API refused), new findings are judged from the changed lines, and findings about the repository as a whole count as new',
    );
  }
  return run;
}

/**
 * `GET /repos/{owner}/{repo}/pulls/{n}/files`, every page, each file's patch parsed. GitHub lists at
 * most 3,000 files: the diff is partial when it stops there, or lists fewer than `changedFiles` (the
 * event's count).
 */
export async function apiDiff(
  client: ApiClient,
  pullNumber: number,
  changedFiles?: number,
): Promise<PullRequestDiff> {
  const items = await client.paginate<Record<string, unknown>>(
    'GET /repos/{owner}/{repo}/pulls/{pull_number}/files',
    { pull_number: pullNumber },
    MAX_FILE_PAGES,
  );
  const files: ChangedFile[] = [];
  for (const item of items) {
    const status = apiStatus(String(item.status));
    const filename = item.filename;
    if (!status || typeof filename !== 'string') continue;
    const file: ChangedFile = { path: filename, status, added: [] };
    if (typeof item.previous_filename === 'string') file.previousPath = item.previous_filename;
    if (status !== 'deleted') {
      if (typeof item.patch === 'string') file.added = parsePatch(item.patch);
      // No patch: binary, or too large for the API; an empty change (pure rename) has no lines.
      else if (Number(item.changes ?? 0) > 0 || status === 'added') file.linesUnknown = true;
    }
    files.push(file);
  }
  const truncated = items.length >= MAX_FILE_PAGES * 100 || (changedFiles ?? 0) > items.length;
  return { source: 'api', files, truncated };
}

/** The checked root's path from the top of its work tree (the run's repository, opened once). */
async function gitPrefix(root: string): Promise<string | undefined> {
  return GitRepository.open(root)?.prefix;
}

/**
 * Finding paths are relative to the checked tree (input `path`); GitHub wants paths relative to the
 * repository, i.e. the workspace. Empty when the tree is the workspace or outside it.
 */
export function workspacePrefix(workspace: string, root: string): string {
  const rel = path.relative(workspace, root);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return '';
  return `${rel.split(path.sep).join('/')}/`;
}

/** Whether a finding touches a line the pull request adds. */
export function onChangedLine(f: Finding, index: DiffIndex): boolean {
  const loc = f.location;
  return loc !== null && index.touches(loc.path, loc.startLine, loc.endLine ?? loc.startLine);
}
