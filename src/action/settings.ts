import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  CONFIDENCES,
  type Confidence,
  type FailOn,
  PERSONAS,
  type Persona,
  type RequireDeclarations,
  SEVERITIES,
  UsageError,
} from '../core/index.js';
import type { GateScope, ScanScope } from '../core/pr.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './github.js';

/** The Action's inputs after validation: absolute paths, typed values, defaults applied. */
export interface Settings {
  /** The directory that workflow paths are relative to (`GITHUB_WORKSPACE`, else the cwd). */
  workspace: string;
  /** Absolute path of the tree to check (input `path`). */
  root: string;
  /**
   * Config file (input `config`): relative to `root` when it lies inside it (so messages and the report
   * show a repository path), else absolute. Undefined means auto-detection.
   */
  configPath?: string;
  /** Extra rule directories, absolute (input `rules`). */
  ruleDirs: string[];
  /** Undefined means the config file's `fail-on`, else the engine default (`high`). */
  failOn?: FailOn;
  /** Input `fail-on-confidence`; undefined means the config file's, else medium. */
  failOnConfidence?: Confidence;
  /** Input `persona`; undefined means the config file's, else regular. */
  persona?: Persona;
  /** Declarations file (input `controls`), relative to `root` when inside it; undefined: config, else default. */
  controlsPath?: string;
  /** Input `fail-on-gap`; undefined means the config file's, else true. */
  failOnGap?: boolean;
  /** Input `require-declarations`; undefined means the config file's, else none. */
  requireDeclarations?: RequireDeclarations;
  /** Absolute path of the SARIF file to write, or undefined (input `sarif-file`). */
  sarifFile?: string;
  /** Absolute path of the JSON report to write, or undefined (input `json-file`). */
  jsonFile?: string;
  /** Absolute path of the OSCAL Assessment Results document to write (input `oscal-file`). */
  oscalFile?: string;
  /** Absolute path of the Statement of Applicability in Markdown; the CSV goes beside it (input `soa-file`). */
  soaFile?: string;
  annotations: boolean;
  jobSummary: boolean;
  /** Input `token`; empty means no API use (write-free outputs only). Never logged. */
  token: string;
  /** Input `gate`; undefined means `new` on pull requests, `all` elsewhere. */
  gate?: GateScope;
  /** Input `scan`; undefined means `changed` under gate `new`, `all` under gate `all`. */
  scan?: ScanScope;
  /** Input `check-run`: a check run with every annotation (needs `checks: write`). */
  checkRun: boolean;
  /** Input `review-comments`: inline comments on changed lines (needs `pull-requests: write`). */
  reviewComments: boolean;
  /** Input `comment`: the sticky pull-request comment (needs `pull-requests: write`). */
  comment: boolean;
  /** Input `api-timeout`, in milliseconds: the longest wait for one GitHub API request. */
  apiTimeoutMs: number;
  /**
   * Input `base-results`: the name of the artifact that carries the base commit's results (written
   * on a push to the default branch, read on pull requests); undefined means off.
   */
  baseResults?: string;
  /**
   * Input `results-cache`: the file of the per-file rules' results cache (absolute), read before and
   * written after a check of the default branch (see results-cache.ts); undefined means off.
   */
  resultsCache?: string;
}

/** The allowed values of `gate`. */
export const GATE_VALUES: readonly GateScope[] = ['new', 'all'];

/** The allowed values of `scan`. */
export const SCAN_VALUES: readonly ScanScope[] = ['changed', 'all'];

/** Reads one input by its action.yml name; injectable so tests need no environment. */
export type InputReader = (name: string) => string;

/** The allowed values of `fail-on`, in the order the error message lists them. */
export const FAIL_ON_VALUES: readonly FailOn[] = [...SEVERITIES, 'never'];

/**
 * GitHub passes input `foo-bar` as `INPUT_FOO-BAR` (spaces become `_`, hyphens stay). Read
 * directly from the environment, so settings stay testable without a runner.
 */
export function envInput(env: NodeJS.ProcessEnv = process.env): InputReader {
  return (name) => env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '';
}

/**
 * Turns the Action's inputs into {@link Settings}. Every problem is a {@link UsageError} whose message
 * names the input, the value and what is allowed, on one line.
 */
export function readSettings(
  input: InputReader = envInput(),
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Settings {
  const workspace = path.resolve(cwd, env.GITHUB_WORKSPACE || '.');
  const resolve = (p: string) => path.resolve(workspace, p);

  const rawPath = input('path').trim() || '.';
  const root = resolve(rawPath);
  // The workspace is the checkout: anything above it is the runner's, not the repository's.
  const fromWorkspace = path.relative(workspace, root);
  if (fromWorkspace.startsWith('..') || path.isAbsolute(fromWorkspace)) {
    throw new UsageError(
      `Input "path": ${rawPath} is outside the workspace (${workspace}); give a directory of the checkout, relative to it`,
    );
  }
  if (!isDirectory(root)) {
    throw new UsageError(`Input "path": directory not found: ${rawPath} (resolved to ${root})`);
  }

  const settings: Settings = {
    workspace,
    root,
    ruleDirs: splitList(input('rules')).map(resolve),
    annotations: readBoolean(input, 'annotations', true),
    jobSummary: readBoolean(input, 'job-summary', true),
    token: input('token').trim(),
    checkRun: readBoolean(input, 'check-run', false),
    reviewComments: readBoolean(input, 'review-comments', false),
    comment: readBoolean(input, 'comment', false),
    apiTimeoutMs: readSeconds(input, 'api-timeout', DEFAULT_REQUEST_TIMEOUT_MS / 1000) * 1000,
  };

  const gate = input('gate').trim().toLowerCase();
  if (gate) {
    if (!(GATE_VALUES as readonly string[]).includes(gate)) {
      throw new UsageError(
        `Input "gate" has an invalid value "${input('gate').trim()}": use new (only findings the pull request introduces block) or all (or leave it empty: new on pull requests, all elsewhere)`,
      );
    }
    settings.gate = gate as GateScope;
  }

  const scan = input('scan').trim().toLowerCase();
  if (scan) {
    if (!(SCAN_VALUES as readonly string[]).includes(scan)) {
      throw new UsageError(
        `Input "scan" has an invalid value "${input('scan').trim()}": use changed (on pull requests, per-file rules look at the changed files only) or all (or leave it empty: changed under gate new, all otherwise)`,
      );
    }
    settings.scan = scan as ScanScope;
  }

  const config = input('config').trim();
  if (config) settings.configPath = relativeIfInside(root, resolve(config));

  const failOn = input('fail-on').trim().toLowerCase();
  if (failOn) {
    if (!(FAIL_ON_VALUES as readonly string[]).includes(failOn)) {
      throw new UsageError(
        `Input "fail-on" has an invalid value "${input('fail-on').trim()}": use one of ${FAIL_ON_VALUES.join(', ')} (or leave it empty to use the config file's fail-on, else high)`,
      );
    }
    settings.failOn = failOn as FailOn;
  }

  const confidence = input('fail-on-confidence').trim().toLowerCase();
  if (confidence) {
    if (!(CONFIDENCES as readonly string[]).includes(confidence)) {
      throw new UsageError(
        `Input "fail-on-confidence" has an invalid value "${input('fail-on-confidence').trim()}": use one of ${CONFIDENCES.join(', ')} (or leave it empty to use the config file's, else medium)`,
      );
    }
    settings.failOnConfidence = confidence as Confidence;
  }
  const persona = input('persona').trim().toLowerCase();
  if (persona) {
    if (!(PERSONAS as readonly string[]).includes(persona)) {
      throw new UsageError(
        `Input "persona" has an invalid value "${input('persona').trim()}": use one of ${PERSONAS.join(', ')} (or leave it empty to use the config file's, else regular)`,
      );
    }
    settings.persona = persona as Persona;
  }

  const controls = input('controls').trim();
  if (controls) settings.controlsPath = relativeIfInside(root, resolve(controls));
  if (input('fail-on-gap').trim()) settings.failOnGap = readBoolean(input, 'fail-on-gap', true);
  const required = input('require-declarations').trim().toLowerCase();
  if (required) {
    if (required !== 'none' && required !== 'technological' && required !== 'all') {
      throw new UsageError(
        `Input "require-declarations" has an invalid value "${input('require-declarations').trim()}": use none, technological or all (or leave it empty to use the config file's, else none)`,
      );
    }
    settings.requireDeclarations = required;
  }

  const sarif = input('sarif-file').trim();
  if (sarif) settings.sarifFile = resolve(sarif);
  const json = input('json-file').trim();
  if (json) settings.jsonFile = resolve(json);
  const oscal = input('oscal-file').trim();
  if (oscal) settings.oscalFile = resolve(oscal);
  const soa = input('soa-file').trim();
  if (soa) settings.soaFile = resolve(soa);
  const baseResults = input('base-results').trim();
  if (baseResults) settings.baseResults = artifactName(baseResults);
  const cache = input('results-cache').trim();
  if (cache) {
    const file = resolve(cache);
    const inside = path.relative(settings.root, file);
    if (!inside.startsWith('..') && !path.isAbsolute(inside)) {
      throw new UsageError(
        `Input "results-cache": ${cache} lies inside the checked folder, where the check would read it as a file of the repository; give a path outside it, e.g. \${{ runner.temp }}/controlgate/results-cache.json`,
      );
    }
    settings.resultsCache = file;
  }
  return settings;
}

/** The longest artifact name accepted (upload-artifact's own limit is about this). */
const MAX_ARTIFACT_NAME = 256;

/**
 * An artifact name as upload-artifact accepts it: no path separators, none of `" : < > | * ?`, no
 * control characters. It is sent as a query parameter and printed in the log, never used as a path.
 */
function artifactName(raw: string): string {
  if (raw.length > MAX_ARTIFACT_NAME || /[/\\":<>|*?\u0000-\u001f\u007f]/.test(raw)) {
    throw new UsageError(
      `Input "base-results" has an invalid value ${JSON.stringify(raw.slice(0, 100))}: give the name of the artifact that carries the base results (e.g. controlgate-base-results), at most ${MAX_ARTIFACT_NAME} characters, without / \\ " : < > | * ? or control characters (or leave it empty: off)`,
    );
  }
  return raw;
}

/** Splits a list input written one per line, comma-separated, or both; blanks are dropped. */
export function splitList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** YAML 1.2 core-schema booleans, like `core.getBooleanInput`, but with an error that fits one line. */
function readBoolean(input: InputReader, name: string, fallback: boolean): boolean {
  const raw = input(name).trim();
  if (raw === '') return fallback;
  if (/^(true|True|TRUE)$/.test(raw)) return true;
  if (/^(false|False|FALSE)$/.test(raw)) return false;
  throw new UsageError(`Input "${name}" has an invalid value "${raw}": use true or false`);
}

/** A number of seconds from 1 to 600 (whole seconds). */
function readSeconds(input: InputReader, name: string, fallback: number): number {
  const raw = input(name).trim();
  if (raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 600) {
    throw new UsageError(
      `Input "${name}" has an invalid value "${raw}": use a whole number of seconds from 1 to 600`,
    );
  }
  return Number(raw);
}

function relativeIfInside(root: string, abs: string): string {
  const rel = path.relative(root, abs);
  const inside = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  return inside ? rel.split(path.sep).join('/') : abs;
}

function isDirectory(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isDirectory();
  } catch {
    return false;
  }
}
