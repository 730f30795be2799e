/**
 * Inline review comments on the lines a pull request changes: at most 30 standing comments per pull
 * request (a run adds what the earlier ones leave room for, in one review), each placed on an added
 * line of the diff (a single line outside the diff fails the whole review with 422). Earlier comments
 * are recognised by their fingerprint marker and author and never repeated; those whose finding is
 * gone are marked resolved, which frees their place. Findings without an inline comment are listed
 * in the sticky comment.
 */

import type { Finding, Report } from '../core/index.js';
import {
  MAX_REVIEW_COMMENTS,
  parseReviewMarker,
  renderFixedComment,
  renderReviewBody,
  renderReviewComment,
} from '../reporters/review.js';
import { byPriority } from '../reporters/shared.js';
import { guarded, type IssueComment, ownComments, writeOnce } from './api-sinks.js';
import * as runner from './commands.js';
import { ApiError, type ApiIdentity } from './github.js';
import type { Sink, SinkContext } from './sinks.js';

/** Most pages of review comments read (100 per page). */
const MAX_REVIEW_COMMENT_PAGES = 10;
/** Most earlier comments marked resolved per run, so a large cleanup cannot exhaust the budget. */
const MAX_RESOLVED_PER_RUN = 30;

/** A finding placed on a line of the diff. */
export interface PlacedFinding {
  finding: Finding;
  /** Repository-relative path. */
  path: string;
  line: number;
}

export const reviewCommentsSink: Sink = {
  name: 'review comments',
  enabled: ({ settings, client, pr }) => settings.reviewComments && Boolean(client) && Boolean(pr?.index),
  async write(report, context) {
    await guarded(context, 'review comments', 'pull-requests: write', () => writeReview(report, context));
  },
};

/**
 * The open findings the pull request introduces that sit on one of its added lines, most important
 * first; each placed on the first added line of its range.
 */
export function placeFindings(report: Report, context: Pick<SinkContext, 'pr'>): PlacedFinding[] {
  const pr = context.pr;
  if (!pr?.index) return [];
  const out: PlacedFinding[] = [];
  for (const f of byPriority(report.findings)) {
    if (f.status !== 'open' || f.isNew === false || !f.location) continue;
    const { path, startLine, endLine } = f.location;
    const line = pr.index.firstAddedLine(path, startLine, endLine ?? startLine);
    if (line !== undefined) out.push({ finding: f, path: pr.prefix + path, line });
  }
  return out;
}

async function writeReview(report: Report, context: SinkContext): Promise<void> {
  const client = context.client!;
  const pr = context.pr!;
  const list = async () => {
    const comments = await client.paginate<ReviewComment>(
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/comments',
      { pull_number: pr.info.number },
      MAX_REVIEW_COMMENT_PAGES,
    );
    // Ours: carrying a marker, and written by this token (see ownComments); a pasted marker is ignored.
    const marked = comments.flatMap((c) => {
      const marker = c.body ? parseReviewMarker(c.body) : undefined;
      return marker ? [{ ...c, marker }] : [];
    });
    return (await ownComments(client, marked)).map((c) => ({ comment: c, ...c.marker }));
  };
  const ours = await list();
  const active = new Set(ours.filter((c) => !c.fixed).map((c) => c.fingerprint));
  for (const fp of active) context.inline.add(fp);

  const open = new Set(report.findings.filter((f) => f.status === 'open').map((f) => f.fingerprint));
  const gone = ours.filter((c) => !c.fixed && !open.has(c.fingerprint)).slice(0, MAX_RESOLVED_PER_RUN);

  const placed = placeFindings(report, context).filter((p) => !active.has(p.finding.fingerprint));
  // The cap is per pull request: comments of earlier runs that still stand count against it (those
  // resolved now make room), so a re-run never adds another batch to a pull request that has more
  // findings than the cap.
  const room = Math.max(0, MAX_REVIEW_COMMENTS - (active.size - gone.length));
  const batch = placed.slice(0, room);
  if (batch.length > 0) {
    const send = async () => {
      const created = await client.request<{ user?: ApiIdentity | null }>(
        'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
        {
          pull_number: pr.info.number,
          commit_id: pr.info.head.sha,
          event: 'COMMENT',
          body: renderReviewBody(batch.length, placed.length - batch.length),
          comments: batch.map((p) => ({
            path: p.path,
            line: p.line,
            side: 'RIGHT',
            body: renderReviewComment(p.finding),
          })),
        },
        { retry: false },
      );
      client.learnIdentity(created.data.user);
      return true;
    };
    // A review whose answer was lost may exist: its comments carry the batch's fingerprints.
    const find = async () => {
      const now = new Set((await list()).map((c) => c.fingerprint));
      return batch.some((p) => now.has(p.finding.fingerprint)) ? true : undefined;
    };
    try {
      await writeOnce(send, find);
      for (const p of batch) context.inline.add(p.finding.fingerprint);
      runner.info(`controlgate: review posted with ${batch.length} inline comments`);
    } catch (err) {
      // 422: a line is not in the diff GitHub has (a newer push moved it). The findings stay in the
      // sticky comment; nothing is retried one by one, which would spend the budget on guesses.
      if (!(err instanceof ApiError) || err.status !== 422) throw err;
      context.refusals.push({
        feature: 'review comments',
        reason: `GitHub refused the review (HTTP 422: ${err.message})`,
      });
    }
  } else if (placed.length > 0) {
    runner.info(
      `controlgate: ${placed.length} more findings on changed lines; ${active.size - gone.length} inline comments of earlier runs stand (at most ${MAX_REVIEW_COMMENTS} per pull request), so they are in the sticky comment`,
    );
  }

  for (const c of gone) {
    await client.request('PATCH /repos/{owner}/{repo}/pulls/comments/{comment_id}', {
      comment_id: c.comment.id,
      body: renderFixedComment(c.comment.body ?? '', pr.info.head.sha),
    });
    context.inline.delete(c.fingerprint);
  }
  if (gone.length > 0) runner.info(`controlgate: ${gone.length} earlier inline comments marked resolved`);
}

/** A pull-request review comment, as far as controlgate reads it. */
type ReviewComment = IssueComment;
