import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { type FailOn, SEVERITIES, UsageError } from '../core/index.js';

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
  /** Absolute path of the SARIF file to write, or undefined (input `sarif-file`). */
  sarifFile?: string;
  /** Absolute path of the JSON report to write, or undefined (input `json-file`). */
  jsonFile?: string;
  annotations: boolean;
  jobSummary: boolean;
}

/** Reads one input by its action.yml name; injectable so tests need no environment. */
export type InputReader = (name: string) => string;

/** The allowed values of `fail-on`, in the order the error message lists them. */
export const FAIL_ON_VALUES: readonly FailOn[] = [...SEVERITIES, 'never'];

/**
 * GitHub passes input `foo-bar` as `INPUT_FOO-BAR` (spaces become `_`, hyphens stay). Read directly
 * rather than through `core.getInput` so settings stay testable without `@actions/core`.
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
  if (!isDirectory(root)) {
    throw new UsageError(`Input "path": directory not found: ${rawPath} (resolved to ${root})`);
  }

  const settings: Settings = {
    workspace,
    root,
    ruleDirs: splitList(input('rules')).map(resolve),
    annotations: readBoolean(input, 'annotations', true),
    jobSummary: readBoolean(input, 'job-summary', true),
  };

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

  const sarif = input('sarif-file').trim();
  if (sarif) settings.sarifFile = resolve(sarif);
  const json = input('json-file').trim();
  if (json) settings.jsonFile = resolve(json);
  return settings;
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
