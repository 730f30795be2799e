import { lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BaseResults, BaseResultsInput } from '../core/base-results.js';
import type { FetchedBase, FetchedBlob, FetchedChange } from '../core/base-tree.js';
import { type Config, readConfig } from '../core/config.js';
import { withGitSession } from '../core/git.js';
import { cachedGitHubApi } from '../core/github-api.js';
import { identityFromEnv } from '../core/identity.js';
import {
  type CheckOptions,
  type Logger,
  type RawFinding,
  type Report,
  type RunIdentity,
  runCheck,
  UsageError,
} from '../core/index.js';
import type { PolicyApproval } from '../core/policy/suppressions.js';
import type { TreeReader } from '../core/policy/tree.js';
import type { GateScope } from '../core/pr.js';
import type { SliceThreads } from '../core/slices.js';
import { findApproval } from './approval.js';
import { type BaseCommit, readBaseCommit } from './base-commit.js';
import { producesBaseResults, readBaseResults, writeBaseResults } from './base-results.js';
import * as runner from './commands.js';
import { type ActionEvent, readEvent } from './event.js';
import { gateInputChanges, runningStep } from './gate-inputs.js';
import type { ApiClient } from './github.js';
import { createActionsLogger, infoVerbatim } from './logger.js';
import { type PullRequestRun, preparePullRequest } from './pull-request.js';
import { resultsCacheOption } from './results-cache.js';
import { envInput, readSettings, type Settings } from './settings.js';
import { defaultSinks, type Sink, type SinkContext, writeSinks } from './sinks.js';

/** What {@link run} can be given instead of its defaults. */
export interface RunOptions {
  /** The sinks to write, in order (default {@link defaultSinks}). */
  sinks?: Sink[];
  /** Worker threads for the per-file rules over a large tree (the bundle passes its own entry). */
  threads?: SliceThreads;
}

/**
 * One Action run: inputs -> settings -> event (pull request, diff) -> report -> sinks -> gate. The
 * gate is the step's exit status: `runner.setFailed` (exit code 1) when it fails, and for any error.
 * Reporting (annotations, comments, the check run) happens before and apart from the gate, and can
 * never change it. User errors (bad input, config or rule file) are reported by their message alone;
 * an unexpected error also leaves its stack in the debug log. Never throws.
 */
export function run(options: RunOptions = {}): Promise<void> {
  // One git session for the whole run: the base commit's and the checkout's questions are asked once.
  return withGitSession(() => runInSession(options));
}

async function runInSession(options: RunOptions): Promise<void> {
  // The runner's file commands (src/action/commands.ts) read process.env too: one environment only.
  const env = process.env;
  try {
    const settings = readSettings(envInput(env), env);
    const logger = createActionsLogger();
    const event = readEvent(env);
    if (event.problem) logger.warning(`controlgate: ${event.problem}; the run goes on as for a push`);
    const scope: GateScope = settings.gate ?? (event.pullRequest ? 'new' : 'all');
    const client = await apiClient(settings, event);
    const pr = event.pullRequest
      ? await preparePullRequest({
          info: event.pullRequest,
          root: settings.root,
          workspace: settings.workspace,
          ...(client ? { client } : {}),
        })
      : undefined;
    const integrity = pr ? await gateIntegrity(settings, env, pr, client, event.name) : undefined;
    for (const note of pr?.notes ?? []) runner.info(`controlgate: ${note}`);
    const baseResults = await readBaseResults(settings, event, pr, client);
    // Collected only where a pull request cannot run: a push to the default branch.
    let collected: BaseResults | undefined;
    const produce = producesBaseResults(settings, event, env);
    const fileCache = resultsCacheOption(settings, event, env);
    const report = await check(settings, logger, {
      event,
      scope,
      pr,
      client,
      threads: options.threads,
      ...(integrity ? { integrity } : {}),
      identity: identityFromEnv(env),
      ...(baseResults ? { baseResults } : {}),
      ...(fileCache ? { fileCache } : {}),
      ...(produce
        ? {
            collectBaseResults: (r: BaseResults) => {
              collected = r;
            },
          }
        : {}),
    });
    if (produce) writeBaseResults(collected, settings, env);
    const context: SinkContext = {
      settings,
      env,
      files: {},
      reservedAnnotations: {
        error: logger.issued.error + (report.summary.gate.result === 'fail' ? 1 : 0),
        // The rule-error warning, and the one warning about anything the API refused.
        warning: logger.issued.warning + (report.errors.length > 0 ? 1 : 0) + (wantsApi(settings) ? 1 : 0),
        notice: logger.issued.notice,
      },
      scope,
      refusals: [],
      inline: new Set(),
      ...(pr ? { pr } : {}),
      ...(client ? { client } : {}),
      ...((pr?.info.head.sha ?? env.GITHUB_SHA) ? { sha: pr?.info.head.sha ?? env.GITHUB_SHA } : {}),
      ...(runUrl(env) ? { runUrl: runUrl(env) } : {}),
    };
    if (!client && apiFeatures(settings, Boolean(pr))) {
      runner.warning(
        `controlgate did not write ${apiFeatures(settings, Boolean(pr))}: ${!settings.token ? 'no token was given (input `token`)' : !event.repository ? 'GITHUB_REPOSITORY is not set' : 'the GitHub API client could not start (the debug log says why)'}. The findings are in the annotations and the job summary.`,
      );
    }
    const outcomes = await writeSinks(options.sinks ?? defaultSinks(), report, context);
    runner.debug(`sinks: ${outcomes.map((o) => `${o.name}=${o.status}`).join(', ')}`);
    reportRuleErrors(report);
    gate(report, scope);
  } catch (err) {
    if (err instanceof UsageError) {
      runner.setFailed(err.message);
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof Error && err.stack) runner.debug(err.stack);
    runner.setFailed(`controlgate failed unexpectedly: ${message}`);
  }
}

/** Extra inputs of the engine that come from the event rather than the settings. */
interface CheckContext {
  event: ActionEvent;
  scope: GateScope;
  pr: PullRequestRun | undefined;
  client: ApiClient | undefined;
  threads: SliceThreads | undefined;
  integrity?: GateIntegrity;
  identity: RunIdentity;
  /** The base commit's results, from a trusted artifact (pull requests). */
  baseResults?: BaseResultsInput;
  fileCache?: CheckOptions['fileCache'];
  /** Receives this run's results (a push to the default branch). */
  collectBaseResults?: (results: BaseResults) => void;
}

/** What keeps a pull request from weakening its own gate: the base commit, the workflow, approvals. */
interface GateIntegrity {
  /** The base commit read through the API, when the checkout does not have it. */
  baseTree?: TreeReader;
  /** With it, the base versions of the changed files, for the base tree that judges new findings. */
  fetchedBase?: FetchedBase;
  gateChanges: RawFinding[];
  approval?: () => Promise<PolicyApproval | undefined>;
}

/**
 * Reads what the engine needs to judge the pull request by its base: the base commit's policy files
 * (through the API in a shallow checkout), the inputs of the workflow step that runs this Action in
 * the base's workflow, and (only if asked) who approved the change's policy changes. Every problem is
 * a note; an unreadable base makes the engine fail the gate.
 */
async function gateIntegrity(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  pr: PullRequestRun,
  client: ApiClient | undefined,
  eventName: string,
): Promise<GateIntegrity> {
  // On pull_request_target the runner takes the workflow from the base branch: the change cannot
  // edit the step (and the checkout may hold a version that did not run).
  const step = eventName === 'pull_request_target' ? undefined : runningStep(env);
  const inRoot = (p: string | undefined) => (p && !path.isAbsolute(p) ? p : undefined);
  const ruleDirs = settings.ruleDirs
    .map((d) => path.relative(settings.root, d).split(path.sep).join('/'))
    .filter((d) => d !== '' && !d.startsWith('..') && !path.isAbsolute(d));
  const configPath = inRoot(settings.configPath);
  const controlsPath = inRoot(settings.controlsPath);
  const { base, problem } = await readBaseCommit({
    workspace: settings.workspace,
    root: settings.root,
    commit: pr.info.base.sha,
    ...(client ? { client } : {}),
    needs: {
      prefix: pr.prefix,
      ...(configPath ? { configPath } : {}),
      ...(controlsPath ? { controlsPath } : {}),
      ruleDirs,
      topFiles: step ? [step.workflow] : [],
      rootFiles: () => filesWithIgnores(settings.root, pr),
    },
  });
  if (problem)
    pr.notes.push(`the base commit ${pr.info.base.sha.slice(0, 12)} could not be read: ${problem}`);
  else if (base?.source === 'api')
    pr.notes.push("the base commit's policy was read through the GitHub API (the checkout does not have it)");
  const out: GateIntegrity = { gateChanges: [] };
  if (base?.source === 'api') out.baseTree = base.root;
  if (base?.readChanged && !pr.baseline && pr.diff) out.fetchedBase = await readChangedBase(pr, base);
  if (base && step) {
    let baseConfig: Config | undefined;
    try {
      baseConfig = readConfig(base.root, configPath, { required: false });
    } catch {
      baseConfig = undefined; // the engine reports a broken base config
    }
    const { changes, note } = gateInputChanges({
      step,
      head: readText(path.join(settings.workspace, step.workflow)),
      base: base.top,
      baseConfig,
      prefix: pr.prefix,
    });
    if (note) pr.notes.push(note);
    out.gateChanges = changes;
  }
  if (client) {
    out.approval = async () => {
      const { approval, why } = await findApproval(client, pr.info);
      if (why) pr.notes.push(`approvals of the policy changes could not be checked: ${why}`);
      if (approval) runner.info(`controlgate: policy changes approved (${approval.detail})`);
      return approval;
    };
  }
  return out;
}

/**
 * The base versions of the pull request's changed files under the checked root, read through the API
 * (a request each, within its bounds; deleted files first, since a deletion not read leaves every
 * finding unknown), so that a shallow checkout judges new findings by the base tree as git would.
 */
async function readChangedBase(pr: PullRequestRun, base: BaseCommit): Promise<FetchedBase> {
  const { prefix } = pr;
  const files: FetchedChange[] = [];
  for (const f of pr.diff?.files ?? []) {
    if (!f.path.startsWith(prefix)) continue;
    const previous = f.previousPath?.startsWith(prefix) ? f.previousPath.slice(prefix.length) : undefined;
    files.push({
      path: f.path.slice(prefix.length),
      status: f.status,
      ...(f.status === 'renamed' && previous !== undefined ? { previousPath: previous } : {}),
    });
  }
  const order = (s: FetchedChange['status']) => (s === 'deleted' ? 0 : s === 'renamed' ? 1 : 2);
  const wanted = files
    .filter((f) => f.status !== 'added' && f.status !== 'copied')
    .sort((a, b) => order(a.status) - order(b.status))
    .map((f) => (f.status === 'renamed' ? f.previousPath : f.path))
    .filter((p): p is string => p !== undefined);
  const read = await base.readChanged!(wanted.map((p) => prefix + p));
  const blobs = new Map<string, FetchedBlob>();
  for (const [p, blob] of read.blobs) blobs.set(p.slice(prefix.length), blob);
  const unread = new Set([...read.unread].map((p) => p.slice(prefix.length)));
  pr.notes.push(
    `the base versions of ${read.blobs.size} changed file${read.blobs.size === 1 ? '' : 's'} were read through the GitHub API (${read.requests} request${read.requests === 1 ? '' : 's'}): new findings are judged by the base tree${unread.size > 0 ? `; ${unread.size} could not be read (${read.reason ?? 'unknown'}), and findings they may affect count as new` : ''}`,
  );
  return {
    commit: base.commit,
    files,
    blobs,
    unread,
    ...(read.reason ? { unreadReason: read.reason } : {}),
    partial: pr.diff?.truncated === true,
  };
}

/** Changed files (root-relative) whose head version holds an inline ignore: their base is needed. */
function filesWithIgnores(root: string, pr: PullRequestRun): string[] {
  const out: string[] = [];
  for (const f of pr.diff?.files ?? []) {
    if (f.status === 'deleted' || f.status === 'added' || !f.path.startsWith(pr.prefix)) continue;
    const rel = f.path.slice(pr.prefix.length);
    const before = (
      f.status === 'renamed' && f.previousPath?.startsWith(pr.prefix) ? f.previousPath : f.path
    ).slice(pr.prefix.length);
    // Searched in the bytes, not decoded: the marker is ASCII, which UTF-8 never forms otherwise.
    if (readSmallFile(path.join(root, rel))?.includes('controlgate:')) out.push(before);
    if (out.length >= 50) break;
  }
  return out;
}

/** A small text file of the checkout (a workflow), or undefined; never through a symbolic link. */
function readText(file: string): string | undefined {
  return readSmallFile(file)?.toString('utf8');
}

/** A small file of the checkout, or undefined; never through a symbolic link. */
function readSmallFile(file: string): Buffer | undefined {
  try {
    const st = lstatSync(file);
    if (!st.isFile() || st.size > 1024 * 1024) return undefined;
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function check(
  settings: Settings,
  logger: Logger,
  {
    event,
    scope,
    pr,
    client,
    threads,
    integrity,
    identity,
    baseResults,
    collectBaseResults,
    fileCache,
  }: CheckContext,
): Promise<Report> {
  return runCheck({
    root: settings.root,
    identity,
    ...(threads ? { threads } : {}),
    ruleDirs: settings.ruleDirs,
    logger,
    ...(settings.configPath ? { configPath: settings.configPath } : {}),
    ...(settings.failOn ? { failOn: settings.failOn } : {}),
    ...(settings.failOnConfidence ? { failOnConfidence: settings.failOnConfidence } : {}),
    ...(settings.persona ? { persona: settings.persona } : {}),
    ...(settings.controlsPath ? { controlsPath: settings.controlsPath } : {}),
    ...(settings.failOnGap !== undefined ? { failOnGap: settings.failOnGap } : {}),
    ...(settings.requireDeclarations ? { requireDeclarations: settings.requireDeclarations } : {}),
    ...(event.defaultBranch ? { defaultBranch: event.defaultBranch } : {}),
    ...(pr ? { base: pr.info.base.sha } : {}),
    change: {
      scope,
      ...(settings.scan ? { scan: settings.scan } : {}),
      ...(pr?.baseline ? { baseline: pr.baseline } : {}),
      ...(pr?.index ? { diff: pr.index } : {}),
      ...(integrity?.fetchedBase ? { fetchedBase: integrity.fetchedBase } : {}),
    },
    // One answer per endpoint per run, shared by the rules that read it (the API budget relies on it).
    ...(client ? { github: cachedGitHubApi(client.api) } : {}),
    ...(integrity?.baseTree ? { baseTree: () => integrity.baseTree } : {}),
    ...(integrity?.gateChanges.length ? { gateChanges: integrity.gateChanges } : {}),
    ...(integrity?.approval ? { approval: integrity.approval } : {}),
    ...(baseResults ? { baseResults } : {}),
    ...(collectBaseResults ? { collectBaseResults } : {}),
    ...(fileCache ? { fileCache } : {}),
  });
}

/**
 * A client when there is a token and a repository to talk about; the token is masked in the log.
 * Octokit is a chunk of its own in the bundle, loaded here only: runs without a token never read it.
 * Should the chunk fail to load, the run goes on without the API and says so.
 */
async function apiClient(settings: Settings, event: ActionEvent): Promise<ApiClient | undefined> {
  if (!settings.token || !event.repository) return undefined;
  runner.setSecret(settings.token);
  try {
    const { createApiClient } = await import('./github-client.js');
    return createApiClient({
      token: settings.token,
      ...event.repository,
      requestTimeoutMs: settings.apiTimeoutMs,
    });
  } catch (err) {
    runner.debug(`GitHub API client unavailable: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

function wantsApi(settings: Settings): boolean {
  return settings.checkRun || settings.reviewComments || settings.comment;
}

/** The API features asked for that apply to this event, in words; empty when none. */
function apiFeatures(settings: Settings, onPullRequest: boolean): string {
  const features = [
    settings.checkRun ? 'the check run' : '',
    settings.reviewComments && onPullRequest ? 'review comments' : '',
    settings.comment && onPullRequest ? 'the sticky comment' : '',
  ].filter(Boolean);
  return features.length > 1
    ? `${features.slice(0, -1).join(', ')} and ${features.at(-1)}`
    : features.join('');
}

function runUrl(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = env;
  return server && repo && id && /^\d+$/.test(id) ? `${server}/${repo}/actions/runs/${id}` : undefined;
}

/**
 * A rule that crashed is not a finding and does not fail the gate (the run goes on without it), but
 * its control is then unverified, which deserves one visible warning rather than a log line.
 */
function reportRuleErrors(report: Report): void {
  const { errors } = report;
  if (errors.length === 0) return;
  const ids = errors.map((e) => e.ruleId);
  const shown = ids.length > 5 ? `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more` : ids.join(', ');
  runner.warning(
    `${errors.length} rule${errors.length === 1 ? '' : 's'} could not be evaluated (${shown}); their controls are unverified in this run. See the log for each error.`,
  );
  infoVerbatim(errors.map((e) => `rule ${e.ruleId}: ${e.message}`).join('\n'));
}

function gate(report: Report, scope: GateScope): void {
  const { gate: result, findings } = report.summary;
  if (result.result === 'fail') {
    runner.setFailed(`controlgate gate failed: ${result.reasons.join('; ')}`);
    return;
  }
  const existing =
    scope === 'new' ? report.findings.filter((f) => f.isNew === false && f.status === 'open').length : 0;
  const counts = `${findings} finding${findings === 1 ? '' : 's'}${existing > 0 ? ` (${existing} existing, not counted under gate: new)` : ''}`;
  runner.info(
    result.failOn === 'never'
      ? `controlgate gate passed (fail-on never disables it): ${counts}`
      : `controlgate gate passed (fail-on ${result.failOn}): ${counts}, none blocking`,
  );
}
