/**
 * The sinks that write through the GitHub API: the check run, inline review comments and the sticky
 * comment. Each is optional and permission-aware: a refusal or an API failure is recorded (one warning
 * for all of them comes at the end, from {@link refusalsSink}); an API that stopped answering is
 * recorded once and the later API sinks are skipped. A write that may have been processed although
 * no answer came is never blindly sent again: what the first attempt created is looked for first.
 * None of this can change the gate.
 */
import { randomUUID } from 'node:crypto';
import type { Report } from '../core/index.js';
import { CHECK_RUN_BATCH, planCheckRunAnnotations, renderCheckRunOutput } from '../reporters/check-run.js';
import { renderPrComment } from '../reporters/pr-comment.js';
import * as runner from './commands.js';
import { type ApiClient, ApiError, type ApiIdentity } from './github.js';
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
  const name = checkRunName(context);
  // This run's mark on its check run, to find it again when the create's answer is lost.
  const externalId = `controlgate-${context.env.GITHUB_RUN_ID ?? 'local'}-${randomUUID()}`;
  const find = async (): Promise<number | undefined> => {
    const { data } = await client.request<{ check_runs?: { id?: unknown; external_id?: unknown }[] }>(
      'GET /repos/{owner}/{repo}/commits/{ref}/check-runs',
      { ref: context.sha, check_name: name, filter: 'all', per_page: 100 },
    );
    const run = (data.check_runs ?? []).find((r) => r.external_id === externalId);
    return typeof run?.id === 'number' ? run.id : undefined;
  };
  // Annotations are appended by each update; the run is completed with the last batch.
  const id = await writeOnce(async () => {
    const created = await client.request<{ id?: unknown }>(
      'POST /repos/{owner}/{repo}/check-runs',
      {
        name,
        head_sha: context.sha,
        external_id: externalId,
        ...(single ? { status: 'completed', conclusion } : { status: 'in_progress' }),
        output: { ...output, annotations: batches[0] },
      },
      { retry: false },
    );
    if (typeof created.data.id === 'number') return created.data.id;
    // Created, but the answer does not say which: the mark does.
    const found = await find();
    if (found === undefined)
      throw new ApiError('GitHub answered the check run without its id', created.status);
    return found;
  }, find);
  let sent = batches[0]!.length;
  for (let i = 1; i < batches.length; i++) {
    const last = i === batches.length - 1;
    const expected = sent + batches[i]!.length;
    // An update appends its annotations: resent only when the first attempt did not arrive.
    await writeOnce<unknown>(
      () =>
        client.request(
          'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
          {
            check_run_id: id,
            ...(last ? { status: 'completed', conclusion } : {}),
            output: { title: output.title, summary: output.summary, annotations: batches[i] },
          },
          { retry: false },
        ),
      async () => {
        const { data } = await client.request<{ output?: { annotations_count?: unknown } }>(
          'GET /repos/{owner}/{repo}/check-runs/{check_run_id}',
          { check_run_id: id },
        );
        return Number(data.output?.annotations_count ?? 0) >= expected ? true : undefined;
      },
    );
    sent = expected;
  }
  runner.info(
    `controlgate: check run ${id} created on ${context.sha} with ${annotations.length} annotations`,
  );
}

/**
 * Sends a write that must not happen twice. When no answer came (a dropped connection, a timeout) or
 * the server failed after perhaps doing the work, `find` looks for what the first attempt created;
 * only when it is not there is the write sent once more.
 */
export async function writeOnce<T>(send: () => Promise<T>, find: () => Promise<T | undefined>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (!(err instanceof ApiError) || (err.status !== 0 && err.status < 500) || err.rateLimited) throw err;
    runner.debug(`write failed (${err.message}); looking for what it created before trying again`);
    const found = await find();
    if (found !== undefined) return found;
    return send();
  }
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
  const list = async (): Promise<IssueComment[]> => {
    const comments = await client.paginate<IssueComment>(
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
      { issue_number: pr.info.number },
      MAX_COMMENT_PAGES,
    );
    return ownComments(
      client,
      comments.filter((c) => c.body?.startsWith(marker)),
    );
  };
  const notes = [...pr.notes, ...context.refusals.map(describeRefusal)];
  const body = renderPrComment(report, {
    marker,
    scope: context.scope,
    headSha: pr.info.head.sha,
    inline: context.inline,
    notes,
    ...(context.runUrl ? { runUrl: context.runUrl } : {}),
  });
  const [existing] = await list();
  if (existing?.body === body) {
    runner.info(`controlgate: sticky comment ${existing.id} is up to date`);
    return;
  }
  if (existing) {
    await client.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      comment_id: existing.id,
      body,
    });
    runner.info(`controlgate: sticky comment ${existing.id} updated`);
    return;
  }
  const create = async () => {
    const created = await client.request<IssueComment>(
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      { issue_number: pr.info.number, body },
      { retry: false },
    );
    client.learnIdentity(created.data.user);
    return created.data.id;
  };
  const created = await writeOnce(create, async () => (await list()).find((c) => c.body === body)?.id);
  // Another run may have created its own meanwhile (two pushes in a row): look again, keep the oldest
  // and delete the younger ones, so every run converges on one comment holding the latest body.
  const ours = await list();
  const [keep, ...younger] = ours;
  for (const c of younger) {
    try {
      await client.request('DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}', { comment_id: c.id });
    } catch (err) {
      // Already deleted by the other run.
      if (!(err instanceof ApiError) || err.status !== 404) throw err;
    }
  }
  if (keep && keep.id !== created && keep.body !== body) {
    await client.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      comment_id: keep.id,
      body,
    });
  }
  const id = keep?.id ?? created;
  runner.info(
    `controlgate: sticky comment ${id} ${id === created ? 'created' : 'updated'}${younger.length > 0 ? ` (${younger.length} duplicate${younger.length === 1 ? '' : 's'} from a concurrent run deleted)` : ''}`,
  );
}

/** The fields of an issue or review comment that controlgate reads. */
export interface IssueComment {
  id: number;
  body?: string;
  user?: { login?: string; type?: string } | null;
}

/**
 * The comments among `comments` (each carrying one of controlgate's markers) that this token wrote,
 * oldest first. A bot's comment is a workflow's (a contributor cannot write as one); a person's comment
 * counts only when the token acts as that person, which is asked once, and only when such a comment
 * exists. So a marker pasted by a contributor neither suppresses a comment nor captures the updates,
 * and a run with a person's token still finds its own comments.
 */
export async function ownComments<C extends IssueComment>(client: ApiClient, comments: C[]): Promise<C[]> {
  const people = comments.filter((c) => c.user?.type !== 'Bot');
  const me: ApiIdentity | undefined = people.length > 0 ? await client.identity() : undefined;
  return comments
    .filter((c) => c.user?.type === 'Bot' || (me !== undefined && c.user?.login === me.login))
    .sort((a, b) => a.id - b.id);
}

/**
 * Runs one API feature: a 403 is recorded as a refusal naming `permission`, any other API failure as a
 * refusal with its reason, so that all of them end in one warning; an earlier refusal of the same
 * permission skips the feature outright, and so does an API that stopped answering. Only an error
 * that is not the API's (a bug) reaches `writeSinks`, which warns on its own.
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
      runner.debug(`${feature}: HTTP 403: ${err.message}`);
      context.refusals.push({ feature, permission });
      return;
    }
    if (err instanceof ApiError) {
      const status = err.status > 0 ? `HTTP ${err.status}: ` : '';
      context.refusals.push({ feature, reason: `${status}${err.message}` });
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
      runner.info(
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
    runner.warning(
      `controlgate could not write ${what}.${fork} The findings are in the annotations and the job summary; the gate result is unaffected.`,
    );
  },
};
