import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { getControl } from '../catalog.js';
import { getEvaluator } from '../evaluators/registry.js';
import type { Evaluator } from '../evaluators/types.js';
import { packagePath } from '../paths.js';
import type { TreeReader } from '../policy/tree.js';
import { type Rule, UsageError } from '../types.js';
import { ajv, formatProblem, type SchemaProblem, schemaValidator, validate } from '../validate.js';
import { parseYaml } from '../workspace/yaml.js';

/** Rule files larger than this are refused (a rule is a few dozen lines). */
const MAX_RULE_FILE_BYTES = 256 * 1024;

/** A problem with one rule file: the file, the place in it, and what to fix. */
export interface RuleLoadProblem {
  file: string;
  problem: SchemaProblem;
}

/** Raised when rule files are invalid; the message lists every problem as `file:line:col: /ptr: msg`. */
export class RuleLoadError extends UsageError {
  constructor(readonly problems: RuleLoadProblem[]) {
    super(
      `invalid rule file${problems.length === 1 ? '' : 's'}:\n${problems
        .map((p) => `  ${formatProblem(p.file, p.problem)}`)
        .join('\n')}`,
    );
  }
}

/** The directory of controlgate's built-in rules. */
export function builtinRulesDir(): string {
  return packagePath('rules');
}

/**
 * A directory of rule files read from a tree (a base commit) instead of the file system: `dir` is
 * relative to the tree's root. A directory the tree does not have holds no rules.
 */
export interface TreeRuleDir {
  dir: string;
  tree: TreeReader;
}

/**
 * Loads and validates rules: the built-in set, then each extra directory (user rules). Every rule
 * file must match schemas/rule.schema.json, be named after its id, reference existing controls and
 * a registered evaluator whose own schema accepts `check.with`; ids must be unique across all
 * directories. All problems are collected, then raised together as a {@link RuleLoadError}.
 */
export function loadRules(
  extraDirs: readonly (string | TreeRuleDir)[] = [],
  options: {
    builtin?: boolean;
    /**
     * Pre-validated built-in rules (see {@link RuleSnapshot}); default: the snapshot the build wrote
     * beside the bundle, if any. `null` validates every file.
     */
    snapshot?: RuleSnapshot | null;
  } = {},
): Rule[] {
  // The bundled snapshot is parsed afresh for each call, so its rules are this call's own; one
  // given by the caller is cloned rule by rule instead.
  const bundled = options.snapshot === undefined;
  const snapshot = bundled ? bundledSnapshot() : options.snapshot;
  const validated = snapshot && snapshot.inputs === snapshotInputs() ? snapshot.rules : undefined;
  const verify = process.env.CONTROLGATE_VERIFY_RULES === '1';
  const problems: RuleLoadProblem[] = [];
  const rules: Rule[] = [];
  const seen = new Map<string, string>();
  const dirs: (string | TreeRuleDir)[] = [];
  if (options.builtin !== false) dirs.push(builtinRulesDir());
  dirs.push(...extraDirs);

  for (const d of dirs) {
    // A sub-directory of the built-in rules (e.g. rules/policy, loaded alone by tests) is built-in too.
    const builtinRel = typeof d === 'string' ? path.relative(builtinRulesDir(), d) : '..';
    const isBuiltin = !builtinRel.startsWith('..') && !path.isAbsolute(builtinRel);
    const source = isBuiltin ? 'builtin' : typeof d === 'string' ? d : d.dir;
    let files: string[];
    let read: (rel: string) => { size: number; text?: string };
    let size: (rel: string) => number | undefined = () => undefined;
    if (typeof d === 'string') {
      try {
        files = listRuleFiles(d);
      } catch {
        throw new UsageError(
          `rule directory not found: ${d} (check "rule-dirs" in .controlgate.yml or --rules)`,
        );
      }
      read = (rel) => readRuleFile(path.join(d, rel));
      size = (rel) => lstatSync(path.join(d, rel)).size;
    } else {
      const prefix = d.dir.replace(/^\.\//, '').replace(/\/+$/, '');
      files = d.tree
        .list(prefix)
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => f.slice(prefix.length + 1));
      read = (rel) => {
        const file = d.tree.read(`${prefix}/${rel}`, MAX_RULE_FILE_BYTES);
        if (file.kind === 'text') return { size: Buffer.byteLength(file.text), text: file.text };
        return { size: file.kind === 'too-large' ? file.size : 0 };
      };
    }
    /**
     * Whether a built-in rule file is the one the build validated: the same size, or with
     * CONTROLGATE_VERIFY_RULES=1 the same sha256. Sizes cost one lstat and no read; an edit that
     * keeps a file's size exactly is validated only when verifying (docs/performance.md).
     */
    const unchanged = (known: { sha256: string; size: number }, rel: string): boolean => {
      if (!verify) return size(rel) === known.size;
      const file = read(rel);
      return file.text !== undefined && sha256(file.text) === known.sha256;
    };
    for (const rel of files) {
      const display = isBuiltin
        ? path.posix.join('rules', builtinRel.split(path.sep).join('/'), rel)
        : path.join(source, rel);
      const key = isBuiltin ? path.posix.join(builtinRel.split(path.sep).join('/'), rel) : '';
      const known = validated?.[key];
      const rule =
        known && unchanged(known, rel)
          ? { ...(bundled ? known.rule : structuredClone(known.rule)), source, file: rel }
          : loadRuleFile(read(rel), display, rel, source, problems);
      if (!rule) continue;
      const previous = seen.get(rule.id);
      if (previous) {
        problems.push({
          file: display,
          problem: {
            pointer: '/id',
            message: `duplicate rule id "${rule.id}" (also defined in ${previous})`,
          },
        });
        continue;
      }
      seen.set(rule.id, display);
      rules.push(rule);
    }
  }
  if (problems.length > 0) throw new RuleLoadError(problems);
  return rules;
}

/**
 * The built-in rules as {@link loadRules} builds them from their files, validated once at build
 * time: a rule file of its entry's `size` (with CONTROLGATE_VERIFY_RULES=1: whose text hashes to
 * its `sha256`) is taken from here instead of being parsed and checked again; any other file
 * (edited, added) is loaded as usual. The snapshot is used
 * only when `inputs` matches the schema and control catalog beside it. Only built-in rules are kept
 * here: custom rule directories are always validated.
 */
export interface RuleSnapshot {
  /** sha256 of what each rule is checked against besides the code: the rule schema, the controls. */
  inputs: string;
  /** By path under rules/ (POSIX separators). */
  rules: Record<string, { sha256: string; size: number; rule: Omit<Rule, 'source' | 'file'> }>;
}

/** Name of the snapshot file the build writes beside each bundle (never present beside src/ or lib/). */
export const RULE_SNAPSHOT_FILE = 'builtin-rules.json';

/** Validates every built-in rule file (throwing a {@link RuleLoadError} if any is invalid) into a snapshot. */
export function buildRuleSnapshot(): RuleSnapshot {
  const rules: RuleSnapshot['rules'] = {};
  for (const rule of loadRules([], { snapshot: null })) {
    const { source: _source, file, ...rest } = rule;
    const text = readFileSync(path.join(builtinRulesDir(), file), 'utf8');
    rules[file] = { sha256: sha256(text), size: Buffer.byteLength(text), rule: rest };
  }
  return { inputs: snapshotInputs(), rules };
}

let bundledText: string | null | undefined;

/** The snapshot beside the bundle, parsed anew for each call (cheaper than cloning its rules). */
function bundledSnapshot(): RuleSnapshot | null {
  if (bundledText === undefined) {
    const file = path.join(path.dirname(fileURLToPath(import.meta.url)), RULE_SNAPSHOT_FILE);
    try {
      bundledText = readFileSync(file, 'utf8');
    } catch {
      bundledText = null;
    }
  }
  if (bundledText === null) return null;
  try {
    return JSON.parse(bundledText) as RuleSnapshot;
  } catch {
    return null;
  }
}

let inputs: string | undefined;

function snapshotInputs(): string {
  inputs ??= sha256(
    [packagePath('schemas', 'rule.schema.json'), packagePath('data', 'controls.json')]
      .map((f) => sha256(readFileSync(f, 'utf8')))
      .join('\n'),
  );
  return inputs;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function readRuleFile(abs: string): { size: number; text?: string } {
  const stat = lstatSync(abs);
  if (stat.size > MAX_RULE_FILE_BYTES) return { size: stat.size };
  return { size: stat.size, text: readFileSync(abs, 'utf8') };
}

function loadRuleFile(
  file: { size: number; text?: string },
  display: string,
  rel: string,
  source: string,
  problems: RuleLoadProblem[],
): Rule | undefined {
  const add = (problem: SchemaProblem) => problems.push({ file: display, problem });
  if (file.text === undefined) {
    add({ pointer: '/', message: `file is larger than ${MAX_RULE_FILE_BYTES} bytes or not readable` });
    return undefined;
  }
  const parsed = parseYaml(file.text);
  if (!parsed.ok) {
    add({ pointer: '/', message: `not valid YAML: ${parsed.error.message}`, ...lineCol(parsed.error) });
    return undefined;
  }
  const doc = parsed.documents[0];
  if (!doc || parsed.documents.length !== 1) {
    add({ pointer: '/', message: 'a rule file holds exactly one YAML document' });
    return undefined;
  }
  const shape = validate(schemaValidator('rule.schema.json'), doc.value, doc);
  if (shape.length > 0) {
    for (const p of shape) add(p);
    return undefined;
  }
  const raw = doc.value as Omit<Rule, 'source' | 'file'>;
  const before = problems.length;
  const expected = path.basename(rel).replace(/\.ya?ml$/, '');
  if (expected !== raw.id) {
    add({ pointer: '/id', message: `must equal the file name "${expected}"`, ...at(doc.span('/id')) });
  }
  raw.controls.forEach((id, i) => {
    if (!getControl(id)) {
      add({
        pointer: `/controls/${i}`,
        message: `unknown control "${id}": use an ISO/IEC 27002:2022 control id (5.1-5.37, 6.1-6.8, 7.1-7.14, 8.1-8.34)`,
        ...at(doc.span(`/controls/${i}`)),
      });
    }
  });
  (raw.detects ?? []).forEach((id, i) => {
    if (!raw.controls.includes(id)) {
      add({
        pointer: `/detects/${i}`,
        message: `control "${id}" is not one of the rule's controls: list in detects only controls of "controls" for which the rule only finds problems`,
        ...at(doc.span(`/detects/${i}`)),
      });
    }
  });
  const evaluator = getEvaluator(raw.check.kind);
  if (source !== 'builtin' && raw.check.kind.startsWith('policy.')) {
    // The policy kinds report what the engine found in the declarations; a second rule would repeat it.
    add({
      pointer: '/check/kind',
      message: `check kind "${raw.check.kind}" is reserved for controlgate's built-in policy rules`,
      ...at(doc.span('/check/kind')),
    });
  } else if (!evaluator) {
    add({
      pointer: '/check/kind',
      message: `unknown check kind "${raw.check.kind}" (run "controlgate rules --kinds" to list them)`,
      ...at(doc.span('/check/kind')),
    });
  } else {
    const options = raw.check.with ?? {};
    raw.check.with = options;
    for (const p of validate(optionsValidator(evaluator), options, doc, '/check/with')) add(p);
  }
  if (problems.length > before) return undefined;
  return {
    ...raw,
    confidence: raw.confidence ?? 'high',
    references: raw.references ?? [],
    tags: raw.tags ?? [],
    examples: raw.examples ?? [],
    source,
    file: rel,
  };
}

const optionValidators = new WeakMap<Evaluator<unknown>, ValidateFunction>();

function optionsValidator(evaluator: Evaluator<unknown>): ValidateFunction {
  let v = optionValidators.get(evaluator);
  if (!v) {
    v = ajv().compile(evaluator.schema);
    optionValidators.set(evaluator, v);
  }
  return v;
}

function listRuleFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (sub: string) => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) visit(rel);
      else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) out.push(rel);
    }
  };
  visit('');
  return out.sort();
}

function at(span: { start: { line: number; column: number } } | undefined): {
  line?: number;
  column?: number;
} {
  return span ? { line: span.start.line, column: span.start.column } : {};
}

function lineCol(e: { line: number; column: number }): { line: number; column: number } {
  return { line: e.line, column: e.column };
}
