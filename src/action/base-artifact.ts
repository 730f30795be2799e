/**
 * The base commit's results for a pull-request run, from an artifact of a `push` run on the default
 * branch, found and checked through the REST API with the job's token (see docs/base-results.md).
 *
 * What is trusted is the run that made the artifact, not the artifact's content: a pull request
 * cannot start a `push` run on the default branch, so such a run executed the default branch's
 * workflow on the base commit. Every other run can be steered by a pull request or its author: a
 * `pull_request` run executes the change's own workflow, and `pull_request_target`, `workflow_run`,
 * `issue_comment` (and the rest) run on the default branch's commit while acting on a pull request's
 * code or data, so what they upload may be the change's. Those runs never qualify, whatever they
 * upload, whatever the artifact is called. Nor does a file restored by actions/cache: an earlier step
 * of the same job, running the change's code, could have planted it.
 *
 * Loaded only when the input `base-results` is set; nothing here fails the run: every problem is a
 * `why` for one log line, and the run then evaluates every rule.
 */
import { BASE_RESULTS_MAX_BYTES, type BaseResultsInput, parseBaseResults } from '../core/base-results.js';
import { record } from './event.js';
import { type ApiClient, ApiError } from './github.js';
import { readSingleJsonFile } from './zip.js';

/** An artifact larger than this (compressed) is not downloaded. */
export const MAX_ARTIFACT_BYTES = BASE_RESULTS_MAX_BYTES;
/** Candidates whose run is asked about, newest first; the first that qualifies is used. */
const MAX_CANDIDATES = 3;

/** What to look for. */
export interface BaseArtifactQuery {
  /** The artifact's name (input `base-results`). */
  name: string;
  /** The commit the engine compares the change with (the pull request's baseline). */
  commit: string;
  /** The repository's default branch, from the event. */
  defaultBranch: string;
  /** `owner/repo`, this run's repository. */
  repository: string;
}

/** The results and a line saying where they came from, or why there are none. */
export type BaseArtifactOutcome = { input: BaseResultsInput } | { why: string };

/** An artifact as the list endpoint shows it, after {@link artifactProblem} found nothing wrong. */
export interface Artifact {
  id: number;
  name: string;
  size_in_bytes: number;
  created_at?: string;
  workflow_run: { id: number; head_sha: string };
}

/**
 * Finds the newest artifact named `query.name` made by a push run on the default branch at the base
 * commit, downloads it and reads its results. Never throws.
 */
export async function fetchBaseResults(
  client: ApiClient,
  query: BaseArtifactQuery,
): Promise<BaseArtifactOutcome> {
  let listed: unknown;
  try {
    ({ data: listed } = await client.request('GET /repos/{owner}/{repo}/actions/artifacts', {
      name: query.name,
      per_page: 100,
    }));
  } catch (err) {
    return { why: `the artifacts could not be listed (${apiProblem(err)})` };
  }
  // Newest first, whatever order the API gave: the reason given for none fitting is the newest's.
  const all = (
    Array.isArray((listed as { artifacts?: unknown })?.artifacts)
      ? [...(listed as { artifacts: unknown[] }).artifacts]
      : []
  ).sort(newestFirst);
  const rejected: string[] = [];
  const candidates: Artifact[] = [];
  for (const a of all) {
    const problem = artifactProblem(a, query);
    if (problem) rejected.push(`${label(a, query.name)} ${problem}`);
    else candidates.push(a as Artifact);
  }
  if (candidates.length === 0) {
    const none = `no artifact named ${query.name} was made for the base commit ${short(query.commit)}`;
    return {
      why: `${none}${rejected.length > 0 ? ` (newest: ${rejected[0]})` : ''}; run controlgate with base-results on every push to ${query.defaultBranch} and upload its base-results-file under that name`,
    };
  }
  const refusals: string[] = [];
  for (const artifact of candidates.slice(0, MAX_CANDIDATES)) {
    let run: unknown;
    try {
      ({ data: run } = await client.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', {
        run_id: artifact.workflow_run.id,
      }));
    } catch (err) {
      return { why: `the run of ${label(artifact, query.name)} could not be read (${apiProblem(err)})` };
    }
    const problem = runProblem(run, artifact.workflow_run.id, query);
    if (problem) {
      refusals.push(`${label(artifact, query.name)} ${problem}`);
      continue;
    }
    return read(client, artifact, query);
  }
  return {
    why: `${refusals[0]}${refusals.length > 1 ? ` (and ${refusals.length - 1} more such)` : ''}; only an artifact of a push run on ${query.defaultBranch} is trusted`,
  };
}

async function read(
  client: ApiClient,
  artifact: Artifact,
  query: BaseArtifactQuery,
): Promise<BaseArtifactOutcome> {
  const source = `artifact ${query.name} (id ${artifact.id}) of run ${artifact.workflow_run.id}, push to ${query.defaultBranch}`;
  let zip: Buffer;
  try {
    zip = await download(client, artifact);
  } catch (err) {
    return { why: `${source} could not be downloaded (${apiProblem(err)})` };
  }
  try {
    const file = readSingleJsonFile(zip, BASE_RESULTS_MAX_BYTES);
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(file.data);
    const results = parseBaseResults(text);
    return { input: { results, source } };
  } catch (err) {
    return { why: `${source} is not readable base results: ${(err as Error).message}` };
  }
}

/**
 * `.../artifacts/{id}/zip` answers with a redirect to a signed storage URL: it is followed here,
 * without the token (the storage needs none, and must not see it), rather than by the client.
 */
async function download(client: ApiClient, artifact: Artifact): Promise<Buffer> {
  const { status, data, headers } = await client.request<unknown>(
    'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
    { artifact_id: artifact.id, archive_format: 'zip' },
    { redirect: 'manual' },
  );
  const location = headers.location;
  if (status >= 300 && status < 400) {
    if (typeof location !== 'string') throw new ApiError(`HTTP ${status} without a location`, status);
    return client.download(location, MAX_ARTIFACT_BYTES);
  }
  // A server may answer with the archive itself (bounded by the size the listing gave).
  if (data instanceof ArrayBuffer && data.byteLength <= MAX_ARTIFACT_BYTES) return Buffer.from(data);
  throw new ApiError(`HTTP ${status} with no archive`, status);
}

/** Why an entry of the artifact list is not a candidate, or undefined. */
export function artifactProblem(
  a: unknown,
  query: Pick<BaseArtifactQuery, 'name' | 'commit'>,
): string | undefined {
  const x = record(a);
  if (!Number.isSafeInteger(x.id)) return 'has no id';
  if (x.name !== query.name)
    return `is named ${JSON.stringify(String(x.name).slice(0, 100))}, not ${query.name}`;
  if (x.expired !== false) return 'has expired';
  const size = x.size_in_bytes;
  if (!Number.isSafeInteger(size) || (size as number) < 0) return 'has no size';
  if ((size as number) > MAX_ARTIFACT_BYTES)
    return `is ${size} bytes, over the bound of ${MAX_ARTIFACT_BYTES}`;
  const run = record(x.workflow_run);
  if (!Number.isSafeInteger(run.id)) return 'names no workflow run';
  if (run.head_sha !== query.commit) {
    return `was made on commit ${short(String(run.head_sha))}, not on the base commit ${short(query.commit)}`;
  }
  // A run on a fork's code has another head repository than the one it ran in.
  if (!Number.isSafeInteger(run.repository_id) || run.repository_id !== run.head_repository_id) {
    return "was made by a run on a fork's code";
  }
  return undefined;
}

/**
 * Why the workflow run behind a candidate does not vouch for it, or undefined. Only a `push` to the
 * default branch qualifies: every other event (`pull_request`, `pull_request_target`, `workflow_run`,
 * `issue_comment`, `workflow_dispatch` on another ref, ...) can run, or be fed, a pull request's code.
 */
export function runProblem(run: unknown, runId: number, query: BaseArtifactQuery): string | undefined {
  const x = record(run);
  if (x.id !== runId) return 'comes from a run the API does not describe';
  if (typeof x.event !== 'string')
    return `was made by a run of no known event, not by a push to ${query.defaultBranch}`;
  if (x.event !== 'push') {
    return `was made by a ${JSON.stringify(String(x.event).slice(0, 50))} run, not by a push to ${query.defaultBranch}`;
  }
  if (x.head_branch !== query.defaultBranch) {
    return `was made by a push to ${JSON.stringify(String(x.head_branch).slice(0, 100))}, not to ${query.defaultBranch}`;
  }
  if (x.head_sha !== query.commit) {
    return `was made by a run on commit ${short(String(x.head_sha))}, not on the base commit ${short(query.commit)}`;
  }
  const repo = record(x.repository).full_name;
  if (typeof repo !== 'string' || repo.toLowerCase() !== query.repository.toLowerCase()) {
    return `was made by a run of ${JSON.stringify(String(repo).slice(0, 100))}, not of ${query.repository}`;
  }
  const headRepo = record(x.head_repository).full_name;
  if (
    headRepo !== undefined &&
    (typeof headRepo !== 'string' || headRepo.toLowerCase() !== repo.toLowerCase())
  ) {
    return `was made by a run on the code of ${JSON.stringify(String(headRepo).slice(0, 100))}`;
  }
  return undefined;
}

function newestFirst(a: unknown, b: unknown): number {
  const [x, y] = [record(a), record(b)];
  const time = (r: Record<string, unknown>) => Date.parse(String(r.created_at ?? '')) || 0;
  const id = (r: Record<string, unknown>) => (Number.isSafeInteger(r.id) ? (r.id as number) : 0);
  return time(y) - time(x) || id(y) - id(x);
}

/** `artifact NAME (id N) of run M`, naming only what the listing gave as it should be. */
function label(a: unknown, name: string): string {
  const x = record(a);
  const run = record(x.workflow_run).id;
  const id = Number.isSafeInteger(x.id) ? `id ${x.id}` : 'no id';
  return `artifact ${x.name === name ? `${name} ` : ''}(${id})${Number.isSafeInteger(run) ? ` of run ${run}` : ''}`;
}

/** An API failure in words, with what would fix the common one. */
function apiProblem(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.forbidden) return `HTTP 403: give the job the permission actions: read`;
    if (err.status === 410) return 'HTTP 410: the artifact has expired';
    return err.status > 0 ? `HTTP ${err.status}: ${err.message}` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

function short(sha: string): string {
  return sha.slice(0, 12);
}
