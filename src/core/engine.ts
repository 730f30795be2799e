import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { escapeControls } from '../reporters/escape.js';
import type { BaseResults, BaseResultsInput } from './base-results.js';
import type { FileCache } from './file-cache.js';
import { withGitSession } from './git.js';
import type { GitHubApi } from './github-api.js';
import { compilersForCheck, heapForCheck } from './heap.js';
import { compareWithBase } from './phases/comparison.js';
import { evaluateHead } from './phases/evaluation.js';
import { readPolicy } from './phases/policy.js';
import { writeReport } from './phases/report.js';
import { defineScope, scanChanged, startListing } from './phases/scope.js';
import { decideVerdicts } from './phases/verdicts.js';
import type { PolicyApproval } from './policy/suppressions.js';
import type { TreeReader } from './policy/tree.js';
import type { ChangeOptions } from './pr.js';
import type { SliceThreads } from './slices.js';
import {
  type Confidence,
  type FailOn,
  type Logger,
  type Persona,
  type RawFinding,
  type Report,
  type RequireDeclarations,
  type RunIdentity,
  silentLogger,
  UsageError,
} from './types.js';

export {
  DEFAULT_EXCEPTION_MAX_DAYS,
  DEFAULT_FAIL_ON,
  DEFAULT_REVIEW_MAX_DAYS,
} from './phases/policy.js';
export { compareFindings } from './phases/verdicts.js';

/** Everything that shapes one run; the Action's inputs and the CLI's flags both map onto this. */
export interface CheckOptions {
  /** Root of the repository to check. */
  root: string;
  /** Config file, relative to `root` (or absolute). Default: the first of DEFAULT_CONFIG_FILES. */
  configPath?: string;
  /** Declarations file, relative to `root` (or absolute). Default: the config's `controls`, else `.github/controls.yml`. */
  controlsPath?: string;
  /** Extra rule directories (absolute, or relative to the current directory). */
  ruleDirs?: string[];
  /**
   * A declarations file named by `controlsPath` or the config may be absent (`init`, which is about to
   * write it). Otherwise a named file that does not exist is an error: read as "nothing declared",
   * gaps would stop failing the gate.
   */
  controlsMayBeMissing?: boolean;
  /** Overrides the config's `fail-on`. Default `high`. */
  failOn?: FailOn;
  /** Overrides the config's `fail-on-confidence`. Default `medium`. */
  failOnConfidence?: Confidence;
  /** Overrides the config's `persona`. Default `regular`. */
  persona?: Persona;
  /** Overrides the config's `fail-on-gap`. Default true. */
  failOnGap?: boolean;
  /** Overrides the config's `require-declarations`. Default `none`. */
  requireDeclarations?: RequireDeclarations;
  /** Overrides the config's `exception-max-days`. Default 365. */
  exceptionMaxDays?: number;
  /**
   * The base commit of the change (a pull request's base, or `--base REF`): the policy is read from
   * it and the head's changes to the policy are reported.
   */
  base?: string;
  /** Reads the base commit when git objects are unavailable (the seam for an API-backed reader). */
  baseTree?: (commit: string) => TreeReader | undefined;
  /** The repository's default branch (workflows cited as evidence must run on pushes to it). */
  defaultBranch?: string;
  /** The moment of the run, for expiry and due dates (tests inject it). */
  now?: Date;
  /** Evaluate only these rule ids (tests, `--rule`). */
  onlyRules?: string[];
  /**
   * With `onlyRules`: the verdict of each control names its rules that were not run (the CLI's
   * `--rule`), so that a verdict never reads as if they had looked and found nothing. Off for a
   * caller that runs one rule alone to test it.
   */
  discloseUnselected?: boolean;
  /** Load the built-in rules (default true). */
  builtinRules?: boolean;
  /** Use this file list instead of indexing the tree. */
  files?: string[];
  maxFileBytes?: number;
  logger?: Logger;
  /**
   * The change under review (a pull request): findings are marked new or existing against its base
   * tree (or its diff), and `scope: new` lets only new ones block. See pr.ts.
   */
  change?: ChangeOptions;
  /** Read access to repository settings for the `github.*` rules; without it they are unverifiable. */
  github?: GitHubApi;
  /** Worker threads for the per-file rules over a large tree (see slices.ts); default: none. */
  threads?: SliceThreads;
  /** Texts read instead of these files' (see WorkspaceOptions.overlay); no worker threads then. */
  overlay?: ReadonlyMap<string, string>;
  /**
   * Weakenings of the gate's own definition that the caller found outside the policy files (the
   * inputs of the workflow step that runs the check, against the base commit's workflow): policy
   * changes that fail the gate until approved.
   */
  gateChanges?: RawFinding[];
  /**
   * Whether someone entitled approved the change's policy changes. Asked at most once, and only when
   * the change alters the policy it is judged by; an approval puts the change's own policy in force.
   */
  approval?: () => Promise<PolicyApproval | undefined>;
  /** The repository and CI run, recorded in the report for evidence (see RunIdentity). */
  identity?: RunIdentity;
  /**
   * Results of the change's base commit from an earlier run (see base-results.ts): a rule that reads
   * across files and asked nothing the change touches is not evaluated on the head again. Used only
   * when they fit the run (commit, version, rules, settings); the caller answers for where they came
   * from.
   */
  baseResults?: BaseResultsInput;
  /** Receives the results of this run's rules that read across files, for later changes to reuse. */
  collectBaseResults?: (results: BaseResults) => void;
  /**
   * The results cache (see file-cache.ts), for a full check of a git work tree: an earlier run's
   * per-file results are taken for the files whose blob is unchanged, and its results of the rules
   * that read across files for those the change since does not touch; this run's are handed to
   * `collect`. Not used on a change: the caller answers for where `previous` came from.
   */
  fileCache?: { previous?: FileCache; source?: string; collect?: (cache: FileCache) => void };
}

/**
 * Runs the pipeline up to the Report, one phase after the other (each in `phases/`, each a function
 * from typed input to typed output): the policy in force, the scope of the tree, the evaluation of
 * the head, the comparison with the base, the verdicts and the gate, the report. Throws
 * {@link UsageError} for problems the user must fix (missing path, invalid config or rules). A broken
 * declarations file is a blocking finding, not an error, so the Action reports it where it is. A rule
 * that throws is recorded as that rule's error and the run goes on.
 */
export function runCheck(options: CheckOptions): Promise<Report> {
  // Git's answers about the repository (work tree, commit checked out, refs) are asked once per run.
  return withGitSession(() => runPhases(options));
}

/** Says which tracked files the rules wanted to read and the working tree no longer had. */
function reportMissing(missing: readonly string[], log: Logger): void {
  if (missing.length === 0) return;
  const one = missing.length === 1;
  const more = missing.length > 5 ? `, and ${missing.length - 5} more` : '';
  const shown = missing.slice(0, 5).map(escapeControls).join(', ') + more;
  log.warning(
    `${one ? '1 file git tracks is' : `${missing.length} files git tracks are`} missing from the working tree and not read: ${shown} (deleted after checkout? stage the deletion, or run controlgate before the step that deletes ${one ? 'it' : 'them'})`,
  );
}

async function runPhases(options: CheckOptions): Promise<Report> {
  const started = new Date();
  const log = options.logger ?? silentLogger;
  const root = path.resolve(options.root);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new UsageError(`path not found or not a directory: ${options.root}`);
  }
  const reads = scanChanged(options.change) ? 'change' : 'tree';
  heapForCheck(reads);
  compilersForCheck(reads);
  // The index does not depend on the policy: git lists the tree while the policy and rules load.
  const listing = startListing(root, options);
  const policy = await readPolicy(options, root, log);
  const scope = await defineScope(root, options, listing, policy.config, log);
  const evaluation = await evaluateHead(options, policy, scope, log);
  // Marks each finding new or existing: the gate of a change counts the new ones.
  await compareWithBase(options, policy, scope, evaluation, log);
  reportMissing(scope.workspace.missingFiles(), log);
  const verdicts = await decideVerdicts(options, policy, scope, evaluation);
  return writeReport(options, started, policy, scope, evaluation, verdicts, log);
}
