import { existsSync, lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type FailOn, type Severity, UsageError } from './types.js';
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
  let rel: string | undefined;
  if (configPath) {
    rel = configPath;
    if (!existsSync(path.resolve(root, rel))) throw new UsageError(`config file not found: ${configPath}`);
  } else {
    rel = DEFAULT_CONFIG_FILES.find((f) => existsSync(path.join(root, f)));
  }
  if (!rel) return { file: null, include: [], exclude: [], ruleDirs: [], rules: {} };
  const abs = path.resolve(root, rel);
  const stat = lstatSync(abs);
  if (!stat.isFile()) throw new UsageError(`config file is not a regular file: ${rel}`);
  if (stat.size > MAX_CONFIG_BYTES)
    throw new UsageError(`config file is larger than ${MAX_CONFIG_BYTES} bytes: ${rel}`);
  return parseConfig(readFileSync(abs, 'utf8'), rel);
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
  return config;
}
