/**
 * The workflow run's event, read from the runner's files: which repository, whether a pull request
 * is under review and which commits it compares. Read directly (not through `@actions/github`'s
 * context, which reads the file at import time) so tests can give any payload.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseRepository } from '../core/github-api.js';
import type { PullRequestInfo } from '../core/pr.js';

/**
 * Events whose payload carries a `pull_request`. A submitted or dismissed review re-runs the gate of
 * the same head commit, so an approval of its policy changes takes effect (see approval.ts).
 */
export const PULL_REQUEST_EVENTS: readonly string[] = [
  'pull_request',
  'pull_request_target',
  'pull_request_review',
];

/** GitHub caps webhook payloads at 25 MB; a larger file is not an event payload. */
const MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;

/** What the run knows about its trigger. */
export interface ActionEvent {
  /** `GITHUB_EVENT_NAME` (`pull_request`, `push`, `workflow_dispatch`, ...), or empty outside a runner. */
  name: string;
  /** `GITHUB_REPOSITORY`, split. */
  repository?: { owner: string; repo: string };
  /** The default branch, from the payload's repository. */
  defaultBranch?: string;
  /** The pull request under review, on pull-request events. */
  pullRequest?: PullRequestInfo;
  /** Why the payload could not be used, for one warning. */
  problem?: string;
}

/** Reads the event from `GITHUB_EVENT_NAME`, `GITHUB_EVENT_PATH` and `GITHUB_REPOSITORY`. */
export function readEvent(env: NodeJS.ProcessEnv): ActionEvent {
  const event: ActionEvent = { name: env.GITHUB_EVENT_NAME ?? '' };
  const repository = parseRepository(env.GITHUB_REPOSITORY);
  if (repository) event.repository = repository;
  const file = env.GITHUB_EVENT_PATH;
  if (!file) return event;
  let payload: unknown;
  try {
    payload = JSON.parse(readBounded(file));
  } catch (err) {
    event.problem = `the event payload ${file} could not be read: ${(err as Error).message}`;
    return event;
  }
  const p = record(payload);
  const defaultBranch = str(record(p.repository).default_branch);
  if (defaultBranch) event.defaultBranch = defaultBranch;
  if (PULL_REQUEST_EVENTS.includes(event.name)) {
    const pr = pullRequestInfo(record(p.pull_request));
    if (pr) event.pullRequest = pr;
    else
      event.problem = `the ${event.name} payload has no usable pull_request (number, base and head commits)`;
  }
  return event;
}

/** The fields controlgate needs from a payload's `pull_request`, validated; undefined if any is off. */
export function pullRequestInfo(pr: Record<string, unknown>): PullRequestInfo | undefined {
  const number = pr.number;
  const base = record(pr.base);
  const head = record(pr.head);
  const baseSha = str(base.sha);
  const headSha = str(head.sha);
  if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0) return undefined;
  if (!baseSha || !headSha || !/^[0-9a-f]{40,64}$/.test(baseSha) || !/^[0-9a-f]{40,64}$/.test(headSha)) {
    return undefined;
  }
  const baseRepo = str(record(base.repo).full_name) ?? '';
  // A head repository that is gone (deleted fork) is treated as a fork: nothing about it is trusted.
  const headRepo = str(record(head.repo).full_name) ?? '';
  const info: PullRequestInfo = {
    number,
    base: { sha: baseSha, ref: str(base.ref) ?? '', repo: baseRepo },
    head: { sha: headSha, ref: str(head.ref) ?? '', repo: headRepo },
    fork: headRepo === '' || headRepo.toLowerCase() !== baseRepo.toLowerCase(),
    draft: pr.draft === true,
  };
  const author = str(record(pr.user).login);
  if (author) info.author = author;
  const changed = pr.changed_files;
  if (typeof changed === 'number' && Number.isInteger(changed) && changed >= 0) info.changedFiles = changed;
  return info;
}

function readBounded(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_PAYLOAD_BYTES) throw new Error(`larger than ${MAX_PAYLOAD_BYTES} bytes`);
    const buf = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buf, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buf.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** A JSON object's fields, or none for anything else (an answer or payload read as hostile). */
export function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
