/**
 * Inline review comments on the lines a pull request changes: at most 30 standing comments per pull
 * request (a run adds what the earlier ones leave room for, in one review), each placed on an added
 * line of the diff (a single line outside the diff fails the whole review with 422). Earlier comments
 * are recognised by their fingerprint marker and author and never repeated; those whose finding is
 * gone are marked resolved, which frees their place. Findings without an inline comment are listed
 * in the sticky comment.
 */
import { fixedRegionText } from '../core/fix/edits.js';
import { apiResolver, withCommit } from '../core/fix/resolve.js';
import type { GitHubApi } from '../core/github-api.js';
import type { Finding, FindingFix, Report } from '../core/index.js';
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
/**
 * Most requests a run makes to learn the commits of tags for pin suggestions (one per action
 * repository, cached): the comments of a large pull request cannot spend the run's API budget.
 */
const PIN_REQUEST_BUDGET = 10;
/** Longest suggestion offered (GitHub takes comments up to 65,536 characters); longer: the comment alone. */
export const MAX_SUGGESTION_CHARS = 20_000;

/** A finding placed on a line of the diff. */
export interface PlacedFinding {
  finding: Finding;
  /** Repository-relative path. */
  path: string;
  line: number;
  /** With a suggestion over several lines: the first (`line` is the last). */
  startLine?: number;
  /** The commented lines as the finding's fix leaves them, when the pull request adds them all. */
  suggestion?: string;
  /** A pin on lines the pull request adds: its suggestion once the commit of its tag is known. */
  pending?: FindingFix;
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
    if (line === undefined) continue;
    const placed: PlacedFinding = { finding: f, path: pr.prefix + path, line };
    // GitHub applies a suggestion to the commented lines only: offered when the fix stays within
    // lines the pull request adds.
    const fix = f.fix;
    if (fix) {
      const { startLine: first, endLine: last } = fix.region;
      let added = true;
      for (let l = first; l <= last && added; l++) added = pr.index.firstAddedLine(path, l, l) === l;
      if (added && fix.resolve && fixedRegionText(fix) === undefined) placed.pending = fix;
      else if (added) suggest(placed, fix);
    }
    out.push(placed);
  }
  return out;
}

/** Puts the fix's lines on the comment as a suggestion (the comment then covers exactly them). */
function suggest(placed: PlacedFinding, fix: FindingFix): void {
  const after = fixedRegionText(fix);
  if (after === undefined || after.length > MAX_SUGGESTION_CHARS) return;
  if (after.includes('controlgate:fingerprint')) return;
  const { startLine: first, endLine: last } = fix.region;
  placed.line = last;
  if (first < last) placed.startLine = first;
  placed.suggestion = after;
}

/**
 * Pins in the batch get their suggestion when the API says which commit their tag names (tags of
 * each action repository, within {@link PIN_REQUEST_BUDGET}); the others are posted without one.
 */
async function suggestPins(batch: readonly PlacedFinding[], api: GitHubApi): Promise<void> {
  const pending = batch.filter((p) => p.pending?.resolve);
  if (pending.length === 0) return;
  const resolve = apiResolver(api, PIN_REQUEST_BUDGET);
  for (const p of pending) {
    const fix = p.pending!;
    const answer = await resolve(fix.resolve!).catch(() => undefined);
    if (answer && 'sha' in answer) suggest(p, withCommit(fix, answer.sha));
  }
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
  await suggestPins(batch, client.api);
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
            ...(p.startLine ? { start_line: p.startLine, start_side: 'RIGHT' } : {}),
            line: p.line,
            side: 'RIGHT',
            body: renderReviewComment(p.finding, p.suggestion),
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
