/**
 * The CLI's base results files: `--write-base-results <file>` keeps what a check of a clean checkout
 * found with the rules that read across files; `--base-results <file>` hands them to a later check
 * with `--base` of that commit. A local file is trusted because the user names it; in CI the Action
 * takes them only from an artifact of a push run on the default branch (see docs/base-results.md).
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  BASE_RESULTS_MAX_BYTES,
  type BaseResults,
  type BaseResultsInput,
  parseBaseResults,
  serializeBaseResults,
} from '../core/base-results.js';
import { UsageError } from '../core/types.js';

/** Reads `--base-results <file>`; a missing, oversized or malformed file is the user's to fix. */
export function readBaseResultsFile(file: string): BaseResultsInput {
  const flag = `--base-results ${file}`;
  const text = readBoundedFile(file, BASE_RESULTS_MAX_BYTES, flag);
  try {
    return { results: parseBaseResults(text), source: `the file ${file}` };
  } catch (err) {
    throw new UsageError(
      `${flag}: not base results (${(err as Error).message}); write them with check --write-base-results`,
    );
  }
}

/** A file's text, at most `max` bytes; a usage error naming `flag` when it cannot be read. */
export function readBoundedFile(file: string, max: number, flag: string): string {
  let text: string;
  try {
    const fd = openSync(path.resolve(file), 'r');
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile()) throw new UsageError(`${flag}: not a file`);
      if (stat.size > max) throw new UsageError(`${flag}: larger than ${max} bytes`);
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${flag}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return text;
}

/** The text `--write-base-results` writes. */
export function baseResultsText(results: BaseResults): string {
  return `${serializeBaseResults(results)}\n`;
}
