/**
 * The Action's side of base results (input `base-results`): a push to the default branch writes the
 * results of the commit it checked to a file for actions/upload-artifact; a pull request reads them
 * back from that artifact, checked through the API (base-artifact.ts, loaded only then). Nothing
 * here fails a run: a problem is one log line, and the run evaluates every rule.
 */
import { closeSync, constants, lstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { type BaseResults, type BaseResultsInput, serializeBaseResults } from '../core/base-results.js';
import { singleLine } from '../reporters/escape.js';
import * as runner from './commands.js';
import type { ActionEvent } from './event.js';
import type { ApiClient } from './github.js';
import type { PullRequestRun } from './pull-request.js';
import type { Settings } from './settings.js';

/** Where a push run writes the results, under `RUNNER_TEMP`. */
export const BASE_RESULTS_DIR = 'controlgate';
export const BASE_RESULTS_FILE = 'base-results.json';

/**
 * Whether this run writes base results: the input is set and the event is a push to the default
 * branch. A push anywhere else (a feature branch) is what a pull request could have made, so its
 * results are never offered as base results.
 */
export function producesBaseResults(settings: Settings, event: ActionEvent, env: NodeJS.ProcessEnv): boolean {
  return (
    settings.baseResults !== undefined &&
    event.name === 'push' &&
    event.defaultBranch !== undefined &&
    env.GITHUB_REF === `refs/heads/${event.defaultBranch}`
  );
}

/**
 * Writes the results to `$RUNNER_TEMP/controlgate/base-results.json` and sets the output
 * `base-results-file`; one log line says what happened.
 */
export function writeBaseResults(
  results: BaseResults | undefined,
  settings: Settings,
  env: NodeJS.ProcessEnv,
): void {
  if (!results) {
    runner.info('controlgate: no base results were written: the check gave none');
    return;
  }
  const temp = env.RUNNER_TEMP;
  if (!temp || !path.isAbsolute(temp)) {
    runner.info('controlgate: no base results were written: RUNNER_TEMP is not set (not on a runner)');
    return;
  }
  const file = path.join(temp, BASE_RESULTS_DIR, BASE_RESULTS_FILE);
  try {
    writeNoFollow(file, serializeBaseResults(results));
  } catch (err) {
    runner.info(`controlgate: no base results were written to ${file}: ${(err as Error).message}`);
    return;
  }
  runner.setOutput('base-results-file', file);
  runner.info(
    `controlgate: base results of commit ${results.commit.slice(0, 12)} (${Object.keys(results.rules).length} rules) written to ${file}; upload it with actions/upload-artifact as the artifact ${settings.baseResults}`,
  );
}

/**
 * Creates the folder (or accepts it when it is a real folder) and writes the file without following
 * a symbolic link at either place: an earlier step could have put one there.
 */
export function writeNoFollow(file: string, text: string | Iterable<string>): void {
  const dir = path.dirname(file);
  try {
    mkdirSync(dir, { mode: 0o755 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (!lstatSync(dir).isDirectory()) throw new Error(`${dir} is not a folder (a symbolic link?)`);
  const fd = openSync(
    file,
    constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0),
    0o644,
  );
  try {
    for (const piece of typeof text === 'string' ? [text] : text) {
      const bytes = Buffer.from(piece, 'utf8');
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The base commit's results for a pull-request run, from the artifact named by the input; undefined
 * (with one log line saying why and what to do) when there are none to trust. Makes no request and
 * loads nothing unless the input is set.
 */
export async function readBaseResults(
  settings: Settings,
  event: ActionEvent,
  pr: PullRequestRun | undefined,
  client: ApiClient | undefined,
): Promise<BaseResultsInput | undefined> {
  const name = settings.baseResults;
  if (name === undefined || !pr) return undefined;
  const skip = (why: string) => {
    runner.info(`controlgate: base results not used, every rule is evaluated: ${singleLine(why)}`);
    return undefined;
  };
  if (!client || !event.repository) return skip('no token was given (input token) to find the artifact');
  if (!pr.baseline)
    return skip('the base commit is not in the checkout (use actions/checkout with fetch-depth: 0)');
  if (!event.defaultBranch) return skip('the event does not name the default branch');
  const { fetchBaseResults } = await import('./base-artifact.js');
  const outcome = await fetchBaseResults(client, {
    name,
    commit: pr.baseline,
    defaultBranch: event.defaultBranch,
    repository: `${event.repository.owner}/${event.repository.repo}`,
  });
  if ('why' in outcome) return skip(outcome.why);
  const { results, source } = outcome.input;
  runner.info(
    singleLine(
      `controlgate: base results from ${source} (commit ${results.commit.slice(0, 12)}, ${Object.keys(results.rules).length} rules)`,
    ),
  );
  return outcome.input;
}
