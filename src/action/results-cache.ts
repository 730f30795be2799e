/**
 * The Action's side of the results cache (input `results-cache`, see core/file-cache.ts): a check of
 * the default branch that is no pull request's (a push, a schedule, a manual run) takes the per-file
 * rules' results of the files whose blob is unchanged from the file that actions/cache restored, and
 * writes this run's back for actions/cache to save. A pull request's run never reads it: a file in
 * the job's file system can be written by an earlier step running the pull request's code, and would
 * let the change hide its own findings. Nothing here fails a run: a problem is one log line.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import type { CheckOptions } from '../core/engine.js';
import { FILE_CACHE_MAX_BYTES, type FileCache, fileCacheText, parseFileCache } from '../core/file-cache.js';
import { writeNoFollow } from './base-results.js';
import * as runner from './commands.js';
import type { ActionEvent } from './event.js';
import type { Settings } from './settings.js';

/** The events whose runs check a branch as pushed, never a pull request's code. */
const BRANCH_EVENTS = new Set(['push', 'schedule', 'workflow_dispatch']);

/** Why this run does not use the cache, or undefined when it does. */
export function resultsCacheRefusal(event: ActionEvent, env: NodeJS.ProcessEnv): string | undefined {
  if (event.pullRequest || !BRANCH_EVENTS.has(event.name)) {
    return `a ${event.name} run is not given one: only runs of the default branch (push, schedule, workflow_dispatch) read and write it`;
  }
  if (!event.defaultBranch || env.GITHUB_REF !== `refs/heads/${event.defaultBranch}`) {
    return `the run is not on the default branch${event.defaultBranch ? ` (${event.defaultBranch})` : ''}`;
  }
  return undefined;
}

/** The engine's `fileCache` for this run, or undefined (and one log line) when the input is off or refused. */
export function resultsCacheOption(
  settings: Settings,
  event: ActionEvent,
  env: NodeJS.ProcessEnv,
): CheckOptions['fileCache'] {
  const file = settings.resultsCache;
  if (!file) return undefined;
  const refusal = resultsCacheRefusal(event, env);
  if (refusal) {
    runner.info(`controlgate: results cache not used: ${refusal}`);
    return undefined;
  }
  const previous = readCache(file);
  return {
    ...(previous ? { previous } : {}),
    source: file,
    collect: (cache) => {
      try {
        writeNoFollow(file, fileCacheText(cache));
        runner.info(`controlgate: results cache of ${cache.paths.length} files written to ${file}`);
      } catch (err) {
        runner.info(`controlgate: results cache not written to ${file}: ${(err as Error).message}`);
      }
    },
  };
}

/** The cache restored at `file`, or undefined (said when it is there and unreadable). */
function readCache(file: string): FileCache | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT')
      runner.info(`controlgate: results cache ${file} not read (${code ?? String(err)})`);
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error('not a file');
    if (stat.size > FILE_CACHE_MAX_BYTES) throw new Error(`larger than ${FILE_CACHE_MAX_BYTES} bytes`);
    return parseFileCache(readFileSync(fd, 'utf8'));
  } catch (err) {
    runner.info(`controlgate: results cache ${file} not taken: ${(err as Error).message}`);
    return undefined;
  } finally {
    closeSync(fd);
  }
}
