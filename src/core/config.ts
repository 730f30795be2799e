import path from 'node:path';
import { fsTree, type TreeReader } from './policy/tree.js';
import {
  type Confidence,
  type FailOn,
  type Persona,
  type RequireDeclarations,
  type Severity,
  UsageError,
} from './types.js';
import { formatProblem, schemaValidator, validate } from './validate.js';
import { parseYaml } from './workspace/yaml.js';

/** Per-rule settings after normalising the shorthand forms (`off`, `low`, ...). */
export interface RuleConfig {
  enabled?: boolean;
  severity?: Severity;
  exclude?: string[];
}

/** `.controlgate.yml`, validated against schemas/config.schema.json. */
export interface Config {
  /** Path of the file it came from (relative to the repository root), or null for defaults. */
  file: string | null;
  failOn?: FailOn;
  include: string[];
  exclude: string[];
  ruleDirs: string[];
  rules: Record<string, RuleConfig>;
  /** The declarations file, relative to the root (default `.github/controls.yml`). */
  controls?: string;
  failOnGap?: boolean;
  requireDeclarations?: RequireDeclarations;
  /** Longest an exception may run, in days from the day of the run (default 365). */
  exceptionMaxDays?: number;
  /** Oldest a declaration's review (`reviewed`) may be, in days before the day of the run (default 365). */
  reviewMaxDays?: number;
  /** The lowest confidence of a finding that can block (default medium). */
  failOnConfidence?: Confidence;
  /** Which non-blocking findings the report shows (default regular). */
  persona?: Persona;
  /** Paths where findings get low confidence; absent: the defaults (see confidence.ts). */
  testPaths?: string[];
}

/** Looked up in this order when no config path is given. */
export const DEFAULT_CONFIG_FILES = ['.controlgate.yml', '.controlgate.yaml', '.github/controlgate.yml'];

const MAX_CONFIG_BYTES = 512 * 1024;

/**
 * Loads the configuration of the repository at `root`. An explicit `configPath` must exist; without
 * one the default locations are tried and a missing file means defaults. Invalid files raise a
 * {@link UsageError} naming the file, line, JSON pointer and the expectation.
 */
export function loadConfig(root: string, configPath?: string): Config {
  if (configPath && path.isAbsolute(configPath)) {
    // A config outside the checked tree (e.g. shared by several checks) is read where it is.
    const dir = path.dirname(configPath);
    return readConfig(fsTree(dir), path.basename(configPath), { required: true, display: configPath });
  }
  return readConfig(fsTree(root), configPath, { required: true });
}

/**
 * Reads the configuration from a tree (the working tree, or a base commit). With `required`, an
 * explicit path that does not exist is an error; without it (a base commit that predates the file)
 * it means defaults.
 */
export function readConfig(
  tree: TreeReader,
  configPath: string | undefined,
  options: { required: boolean; display?: string },
): Config {
  const candidates = configPath ? [configPath.replace(/^\.\//, '')] : DEFAULT_CONFIG_FILES;
  for (const rel of candidates) {
    const file = tree.read(rel, MAX_CONFIG_BYTES);
    const display = options.display ?? rel;
    if (file.kind === 'missing') continue;
    if (file.kind === 'not-a-file') throw new UsageError(`config file is not a regular file: ${display}`);
    if (file.kind === 'too-large')
      throw new UsageError(`config file is larger than ${MAX_CONFIG_BYTES} bytes: ${display}`);
    return parseConfig(file.text, display);
  }
  if (configPath && options.required) throw new UsageError(`config file not found: ${configPath}`);
  return { file: null, include: [], exclude: [], ruleDirs: [], rules: {} };
}

/** Parses and validates config text; `file` is used in error messages and recorded in the report. */
export function parseConfig(text: string, file: string): Config {
  const parsed = parseYaml(text);
  if (!parsed.ok) {
    throw new UsageError(
      `${file}:${parsed.error.line}:${parsed.error.column}: not valid YAML: ${parsed.error.message}`,
    );
  }
  const doc = parsed.documents[0];
  const value = doc?.value ?? {};
  const problems = validate(schemaValidator('config.schema.json'), value, doc);
  if (problems.length > 0) {
    throw new UsageError(
      `invalid configuration:\n${problems.map((p) => `  ${formatProblem(file, p)}`).join('\n')}`,
    );
  }
  const raw = value as {
    'fail-on'?: FailOn;
    include?: string[];
    exclude?: string[];
    'rule-dirs'?: string[];
    rules?: Record<string, string | RuleConfig>;
    controls?: string;
    'fail-on-gap'?: boolean;
    'require-declarations'?: RequireDeclarations;
    'exception-max-days'?: number;
    'review-max-days'?: number;
    'fail-on-confidence'?: Confidence;
    persona?: Persona;
    'test-paths'?: string[];
  };
  const rules: Record<string, RuleConfig> = {};
  for (const [id, setting] of Object.entries(raw.rules ?? {})) {
    if (setting === 'off') rules[id] = { enabled: false };
    else if (setting === 'on') rules[id] = { enabled: true };
    else if (typeof setting === 'string') rules[id] = { severity: setting as Severity };
    else rules[id] = setting;
  }
  const config: Config = {
    file,
    include: raw.include ?? [],
    exclude: raw.exclude ?? [],
    ruleDirs: raw['rule-dirs'] ?? [],
    rules,
  };
  if (raw['fail-on']) config.failOn = raw['fail-on'];
  if (raw.controls) config.controls = raw.controls;
  if (raw['fail-on-gap'] !== undefined) config.failOnGap = raw['fail-on-gap'];
  if (raw['require-declarations']) config.requireDeclarations = raw['require-declarations'];
  if (raw['exception-max-days'] !== undefined) config.exceptionMaxDays = raw['exception-max-days'];
  if (raw['review-max-days'] !== undefined) config.reviewMaxDays = raw['review-max-days'];
  if (raw['fail-on-confidence']) config.failOnConfidence = raw['fail-on-confidence'];
  if (raw.persona) config.persona = raw.persona;
  if (raw['test-paths']) config.testPaths = raw['test-paths'];
  return config;
}
