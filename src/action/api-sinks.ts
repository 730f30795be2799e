/**
 * The sinks that write through the GitHub API: the check run, inline review comments and the sticky
 * comment. Each is optional and permission-aware: a 403 records the permission that would lift it
 * (one warning for all of them comes at the end, from {@link refusalsSink}); an API that stopped
 * answering is recorded once and the later API sinks are skipped. None of this can change the gate.
 */
import * as core from '@actions/core';
import type { Report } from '../core/index.js';
import { CHECK_RUN_BATCH, planCheckRunAnnotations, renderCheckRunOutput } from '../reporters/check-run.js';
import { renderPrComment } from '../reporters/pr-comment.js';
import { ApiError } from './github.js';
import { onChangedLine, workspacePrefix } from './pull-request.js';
import type { Sink, SinkContext } from './sinks.js';

/** Most pages of issue comments read when looking for the sticky comment (100 per page). */
const MAX_COMMENT_PAGES = 10;

/** The check run, on the pull request's head commit (or `GITHUB_SHA`), with every annotation. */
export const checkRunSink: Sink = {
  name: 'check run',
  enabled: ({ settings, client, sha }) => settings.checkRun && Boolean(client) && Boolean(sha),
  async write(report, context) {
    await guarded(context, 'the check run', 'checks: write', () => writeCheckRun(report, context));
  },
};

async function writeCheckRun(report: Report, context: SinkContext): Promise<void> {
  const client = context.client!;
  const index = context.pr?.index;
  const annotations = planCheckRunAnnotations(report, {
    prefix: context.pr?.prefix ?? workspacePrefix(context.settings.workspace, context.settings.root),
    ...(index ? { onChangedLine: (f) => onChangedLine(f, index) } : {}),
  });
  const output = renderCheckRunOutput(report, { annotations: annotations.length, scope: context.scope });
  const conclusion = report.summary.gate.result === 'pass' ? 'success' : 'failure';
  const batches: (typeof annotations)[] = [];
  for (let i = 0; i < annotations.length; i += CHECK_RUN_BATCH) {
    batches.push(annotations.slice(i, i + CHECK_RUN_BATCH));
  }
  if (batches.length === 0) batches.push([]);
  const single = batches.length === 1;
  // Annotations are appended by each update; the run is completed with the last batch.
  const created = await client.request<{ id: number }>('POST /repos/{owner}/{repo}/check-runs', {
    name: checkRunName(context),
    head_sha: context.sha,
    ...(single ? { status: 'completed', conclusion } : { status: 'in_progress' }),
    output: { ...output, annotations: batches[0] },
  });
  const id = created.data.id;
  for (let i = 1; i < batches.length; i++) {
    const last = i === batches.length - 1;
    await client.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      check_run_id: id,
      ...(last ? { status: 'completed', conclusion } : {}),
      output: { title: output.title, summary: output.summary, annotations: batches[i] },
    });
  }
  core.info(`controlgate: check run ${id} created on ${context.sha} with ${annotations.length} annotations`);
}

/** One check per checked tree: `controlgate`, or `controlgate (services/api)`. */
function checkRunName(context: SinkContext): string {
  const prefix = (
    context.pr?.prefix ?? workspacePrefix(context.settings.workspace, context.settings.root)
  ).replace(/\/$/, '');
  return prefix ? `controlgate (${prefix})` : 'controlgate';
}

/** The sticky comment: one per pull request (and checked tree), found by its marker, edited in place. */
export const stickyCommentSink: Sink = {
  name: 'sticky comment',
  enabled: ({ settings, client, pr }) => settings.comment && Boolean(client) && Boolean(pr),
  async write(report, context) {
    await guarded(context, 'the sticky comment', 'pull-requests: write', () => writeSticky(report, context));
  },
};

/** The hidden first line the sticky comment is found by; one per checked tree. */
export function stickyMarker(prefix: string): string {
  const key =
    prefix
      .replace(/\/$/, '')
      .replace(/[^A-Za-z0-9._/-]/g, '_')
      .replace(/-{2,}/g, '-') || '.';
  return `<!-- controlgate:sticky path=${key} -->`;
}

async function writeSticky(report: Report, context: SinkContext): Promise<void> {
  const client = context.client!;
  const pr = context.pr!;
  const marker = stickyMarker(pr.prefix);
  const comments = await client.paginate<IssueComment>(
    'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
    { issue_number: pr.info.number },
    MAX_COMMENT_PAGES,
  );
  // Only a bot's comment counts: a contributor pasting the marker must not capture the updates.
  const existing = comments.find((c) => c.user?.type === 'Bot' && c.body?.startsWith(marker));
  const notes = [...pr.notes, ...context.refusals.map(describeRefusal)];
  const body = renderPrComment(report, {
    marker,
    scope: context.scope,
    headSha: pr.info.head.sha,
    inline: context.inline,
    notes,
    ...(context.runUrl ? { runUrl: context.runUrl } : {}),
  });
  if (existing?.body === body) {
    core.info(`controlgate: sticky comment ${existing.id} is up to date`);
    return;
  }
  if (existing) {
    await client.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      comment_id: existing.id,
      body,
    });
    core.info(`controlgate: sticky comment ${existing.id} updated`);
  } else {
    const created = await client.request<{ id: number }>(
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      {
        issue_number: pr.info.number,
        body,
      },
    );
    core.info(`controlgate: sticky comment ${created.data.id} created`);
  }
}

/** The fields of an issue or review comment that controlgate reads. */
export interface IssueComment {
  id: number;
  body?: string;
  user?: { login?: string; type?: string } | null;
}

/**
 * Runs one API feature: a 403 is recorded as a refusal naming `permission` (and the feature skipped
 * without a warning of its own), an API that stopped answering is recorded once; other errors reach
 * `writeSinks`, which warns. An earlier refusal of the same permission skips the feature outright.
 */
export async function guarded(
  context: SinkContext,
  feature: string,
  permission: string,
  write: () => Promise<void>,
): Promise<void> {
  if (context.client?.unreachable) {
    context.refusals.push({ feature, reason: 'the GitHub API did not answer' });
    return;
  }
  if (context.refusals.some((r) => r.permission === permission)) {
    context.refusals.push({ feature, permission });
    return;
  }
  try {
    await write();
  } catch (err) {
    if (err instanceof ApiError && err.forbidden) {
      core.debug(`${feature}: HTTP 403: ${err.message}`);
      context.refusals.push({ feature, permission });
      return;
    }
    if (err instanceof ApiError && (err.status === 0 || err.status >= 500 || err.rateLimited)) {
      context.refusals.push({ feature, reason: err.message });
      return;
    }
    throw err;
  }
}

/** One sentence for a refusal, for the warning and the sticky comment's notes. */
export function describeRefusal(r: { feature: string; permission?: string; reason?: string }): string {
  return r.permission
    ? `${r.feature} could not be written: the token lacks \`${r.permission}\``
    : `${r.feature} could not be written: ${r.reason ?? 'unknown error'}`;
}

/**
 * The one warning about everything the API refused, naming each missing permission, and where the
 * findings are instead. On a fork pull request the token is read-only by design, which it says.
 */
export const refusalsSink: Sink = {
  name: 'API summary',
  enabled: () => true,
  async write(_report, context) {
    const { refusals, client } = context;
    if (client)
      core.info(
        `controlgate: ${client.calls.total} GitHub API requests (${client.calls.commentWrites} comment writes, ${client.calls.retries} retries)`,
      );
    if (refusals.length === 0) return;
    const permissions = new Map<string, string[]>();
    const other: string[] = [];
    for (const r of refusals) {
      if (r.permission) permissions.set(r.permission, [...(permissions.get(r.permission) ?? []), r.feature]);
      else other.push(`${r.feature} (${r.reason})`);
    }
    const parts = [...permissions].map(([perm, features]) => `${features.join(' and ')} (needs \`${perm}\`)`);
    const fork = context.pr?.info.fork ? ' This is a fork pull request: its token is read-only.' : '';
    const what = [...parts, ...other].join('; ');
    core.warning(
      `controlgate could not write ${what}.${fork} The findings are in the annotations and the job summary; the gate result is unaffected.`,
    );
  },
};
