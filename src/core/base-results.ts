/**
 * Base results: what the rules that read across files found on one commit, with what each asked of
 * the tree, kept so that a later check of a change to that commit need not evaluate them on the head
 * again when the change touches nothing they asked (see `RuleInputs` and `touchedBy`). A push run on
 * the default branch writes them; a pull request to that commit reads them.
 *
 * The engine only checks that results fit the run (same commit, same controlgate, same rules and
 * settings). Whether they can be trusted is the caller's question: in a pull request they must come
 * from somewhere the pull request cannot write (the Action reads them from an artifact of a `push`
 * run on the default branch, checked through the API); a file restored into the workspace could be
 * planted by the change itself, and would let it hide its own findings.
 */
import { createHash } from 'node:crypto';
import type { Config } from './config.js';
import { getEvaluator } from './evaluators/registry.js';
import type { LeftOutKind, RawFinding, Rule, RuleScope } from './types.js';
import { VERSION } from './version.js';
import type { InputsView } from './workspace/scope.js';

export const BASE_RESULTS_FORMAT = 'controlgate-base-results/1';

/** Larger results are not read (the bench's 100,000-file tree writes about 1 MB). */
export const BASE_RESULTS_MAX_BYTES = 64 * 1024 * 1024;

/** What a rule (or one subject of it) asked of the tree (see `RuleInputs`). */
export interface StoredInputs {
  paths: string[];
  globs: string[][];
  /** Globs listed through a named screen (see workspace/screens.ts). */
  screened: { patterns: string[]; screen: string }[];
  /** Selectors the tree was listed through (see workspace/screens.ts). */
  selected: string[];
  listed: boolean;
}

/** One rule's results on the base commit. */
export interface StoredRule {
  /** What the rule asked of the tree; rules with opaque inputs are not stored. */
  inputs: StoredInputs;
  /** The findings as the rule reported them, before settings, context and triage. */
  raw: RawFinding[];
  /** What it examined, as its summary in the report says. */
  scope: RuleScope;
  /**
   * For a rule that names its subjects (see `Evaluator.subjects`): each subject's part, in order
   * (`raw` is their findings one after another, or what `Evaluator.combine` makes of them), so that a
   * change evaluates again only the subjects whose inputs it touches.
   */
  subjects?: StoredSubject[];
}

/** One subject's part of a rule's results: what evaluating it alone asked, found and examined. */
export interface StoredSubject {
  path: string;
  inputs: StoredInputs;
  raw: RawFinding[];
  /** The files it examined. */
  files: string[];
  /** The files it left out on purpose, by kind; absent: none. */
  leftOut?: StoredLeftOut[];
}

/** Files of one kind that a subject's evaluation left out on purpose (see `RuleScope.leftOut`). */
export interface StoredLeftOut extends LeftOutKind {
  files: string[];
}

export interface BaseResults {
  format: typeof BASE_RESULTS_FORMAT;
  /** The controlgate version that wrote them. */
  version: string;
  /** The commit whose tree was checked. */
  commit: string;
  /** Digest of everything besides the tree that shapes what the rules find (see {@link resultsKey}). */
  key: string;
  rules: Record<string, StoredRule>;
  /**
   * Of the files the stored findings lie in, those that hold an inline-ignore comment: a change's run
   * reads only these for comments, and the files the change touches (absent: it reads them all).
   */
  inlineIgnores?: string[];
}

/** Base results handed to a run, with where they came from (for the log and the report). */
export interface BaseResultsInput {
  results: BaseResults;
  /** Where they came from, in words: "artifact 12 of run 34 (push to main)", a file name. */
  source: string;
}

/** What shapes the rules' findings besides the tree: a run with another key cannot reuse them. */
export interface ResultsKeyParts {
  rules: readonly Rule[];
  config: Config;
  maxFileBytes: number;
  /** The checked folder inside its repository ('' at the top). */
  prefix: string;
  /** The run's repository, which rules may judge references by (see `EvaluatorContext.repository`). */
  repository?: string;
}

/**
 * A digest of the version, the rules (definitions, options and their evaluators' `revision`) and the
 * settings that shape findings. Where a rule file lies is left out: a push run names a custom rule folder as given to it (an
 * absolute path on the runner), a pull request's run as read from the base commit (relative), and
 * the same definition finds the same either way.
 */
export function resultsKey(parts: ResultsKeyParts): string {
  const { rules, config, ...rest } = parts;
  const shaping = {
    version: VERSION,
    ...rest,
    rules: rules.map(({ source, file: _file, ...rule }) => {
      // Within one version, an evaluator that changed how it keys its findings says so here.
      const revision = getEvaluator(rule.check.kind)?.revision;
      return {
        ...rule,
        source: source === 'builtin' ? 'builtin' : 'custom',
        ...(revision ? { revision } : {}),
      };
    }),
    config: {
      include: config.include,
      exclude: config.exclude,
      rules: config.rules,
      testPaths: config.testPaths,
    },
  };
  const canonical = JSON.stringify(shaping, (_k, v: unknown) => {
    if (v instanceof Map) return [...v.entries()];
    if (v instanceof Set) return [...v];
    if (v instanceof RegExp) return v.toString();
    return v;
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/** The files the stored findings lie in (of the rules and of their subjects' parts). */
export function findingPaths(results: { rules: Record<string, StoredRule> }): Set<string> {
  const paths = new Set<string>();
  for (const rule of Object.values(results.rules)) {
    for (const raw of [rule.raw, ...(rule.subjects ?? []).map((s) => s.raw)]) {
      for (const f of raw) if (f.location) paths.add(f.location.path);
    }
  }
  return paths;
}

/** The stored form of recorded inputs; undefined when they are opaque (never reusable). */
export function storedInputs(inputs: InputsView): StoredInputs | undefined {
  if (inputs.opaque !== undefined) return undefined;
  return {
    paths: [...inputs.paths].sort(),
    globs: [...inputs.globs.values()].map((g) => [...g]),
    screened: [...inputs.screened.values()].map((g) => ({ patterns: [...g.patterns], screen: g.screen })),
    selected: [...inputs.selected].sort(),
    listed: inputs.listed,
  };
}

export function serializeBaseResults(results: BaseResults): string {
  // A rule whose findings are its subjects' one after another is written without them: its parts
  // hold them (`rawFromSubjects`, restored by parseBaseResults), so the file does not repeat them.
  const rules: Record<string, StoredRule | (StoredRule & { rawFromSubjects: true })> = {};
  for (const [id, rule] of Object.entries(results.rules)) {
    rules[id] = rawIsSubjects(rule) ? { ...rule, raw: [], rawFromSubjects: true } : rule;
  }
  return JSON.stringify({ ...results, rules });
}

/** Whether the rule's findings are exactly its stored subjects' findings, one after another. */
function rawIsSubjects(rule: StoredRule): boolean {
  if (!rule.subjects) return false;
  let i = 0;
  for (const subject of rule.subjects) {
    for (const finding of subject.raw) if (rule.raw[i++] !== finding) return false;
  }
  return i === rule.raw.length;
}

/**
 * Reads base results; throws an Error whose message says what is wrong (the caller logs it and goes
 * on without them). Checks the shape the engine relies on, not where the text came from.
 */
export function parseBaseResults(text: string): BaseResults {
  const data = storedJson(text, BASE_RESULTS_FORMAT, BASE_RESULTS_MAX_BYTES);
  if (typeof data.commit !== 'string' || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(data.commit)) {
    throw new Error('commit is not a full commit id');
  }
  if (!isObject(data.rules)) throw new Error('rules is not an object');
  if (data.inlineIgnores !== undefined && !isStrings(data.inlineIgnores)) {
    throw new Error('inlineIgnores is not a list of paths');
  }
  for (const [id, rule] of Object.entries(data.rules)) {
    const problem = storedRuleProblem(rule);
    if (problem) throw new Error(`rules.${id}: ${problem}`);
  }
  for (const rule of Object.values(data.rules) as Record<string, unknown>[]) {
    if (rule.rawFromSubjects === undefined) continue;
    delete rule.rawFromSubjects;
    rule.raw = (rule.subjects as StoredSubject[]).flatMap((s) => s.raw);
  }
  return data as unknown as BaseResults;
}

/**
 * A JSON object that an earlier run stored in `format` (base results, the results cache), with its
 * version and key checked for shape; throws an Error saying what is wrong.
 */
export function storedJson(text: string, format: string, maxBytes: number): Record<string, unknown> {
  if (text.length > maxBytes) throw new Error(`larger than ${maxBytes} bytes`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isObject(data)) throw new Error('not a JSON object');
  if (data.format !== format) throw new Error(`format is ${JSON.stringify(data.format)}, expected ${format}`);
  if (typeof data.version !== 'string') throw new Error('version is missing');
  if (typeof data.key !== 'string' || !/^[0-9a-f]{64}$/.test(data.key))
    throw new Error('key is not a digest');
  return data;
}

/**
 * What is wrong with one stored rule, or undefined. Plain loops: a pull request checks every stored
 * finding and path of the base results (tens of thousands at 100,000 files) before it starts.
 */
export function storedRuleProblem(rule: unknown): string | undefined {
  if (!isObject(rule)) return 'not an object';
  const problem = inputsProblem(rule.inputs) ?? rawProblem(rule.raw);
  if (problem) return problem;
  const scope = rule.scope;
  if (!isObject(scope) || !Number.isInteger(scope.files) || !isStrings(scope.examples)) {
    return 'scope is not a rule scope';
  }
  if (!isStrings(scope.settings)) return 'scope.settings is not a list';
  if (scope.leftOut !== undefined && !leftOutList(scope.leftOut, true)) {
    return 'scope.leftOut is not a list of left-out files';
  }
  if (rule.rawFromSubjects !== undefined) {
    if (rule.rawFromSubjects !== true || rule.subjects === undefined || (rule.raw as unknown[]).length > 0) {
      return 'rawFromSubjects is not true beside subjects and no findings of its own';
    }
  }
  if (rule.subjects === undefined) return undefined;
  const subjects = rule.subjects;
  if (!Array.isArray(subjects)) return 'subjects is not a list';
  for (let i = 0; i < subjects.length; i++) {
    const subject: unknown = subjects[i];
    if (!isObject(subject) || typeof subject.path !== 'string') return `subjects[${i}] has no path`;
    const inner = inputsProblem(subject.inputs) ?? rawProblem(subject.raw);
    if (inner) return `subjects[${i}].${inner}`;
    if (!isStrings(subject.files)) return `subjects[${i}].files is not a list of paths`;
    if (subject.leftOut !== undefined && !leftOutList(subject.leftOut, false)) {
      return `subjects[${i}].leftOut is not a list of left-out files`;
    }
  }
  return undefined;
}

/** A list of left-out kinds, each with its files counted (`counted`: a scope's) or listed (a subject's). */
function leftOutList(list: unknown, counted: boolean): boolean {
  if (!Array.isArray(list)) return false;
  for (const l of list) {
    if (!isLeftOutKind(l)) return false;
    if (counted ? !(Number.isInteger(l.files) && isStrings(l.examples)) : !isStrings(l.files)) return false;
  }
  return true;
}

function inputsProblem(inputs: unknown): string | undefined {
  if (!isObject(inputs)) return 'inputs is not an object';
  if (!isStrings(inputs.paths)) return 'inputs.paths is not a list of paths';
  const globs = inputs.globs;
  if (!Array.isArray(globs)) return 'inputs.globs is not a list of globs';
  for (const g of globs) if (!isStrings(g)) return 'inputs.globs is not a list of globs';
  const screened = inputs.screened;
  if (!Array.isArray(screened)) return 'inputs.screened is not a list of screened globs';
  for (const g of screened) {
    if (!isObject(g) || !isStrings(g.patterns) || typeof g.screen !== 'string') {
      return 'inputs.screened is not a list of screened globs';
    }
  }
  if (!isStrings(inputs.selected)) return 'inputs.selected is not a list of selectors';
  if (typeof inputs.listed !== 'boolean') return 'inputs.listed is not a boolean';
  return undefined;
}

const LOCATION_NUMBERS = ['startLine', 'endLine', 'startColumn', 'endColumn'] as const;

/** What is wrong with a stored list of raw findings, or undefined. */
export function rawProblem(list: unknown): string | undefined {
  if (!Array.isArray(list)) return 'raw is not a list';
  for (let i = 0; i < list.length; i++) {
    const raw: unknown = list[i];
    if (!isObject(raw) || typeof raw.message !== 'string') return `raw[${i}] has no message`;
    if (raw.about !== undefined && typeof raw.about !== 'string') return `raw[${i}].about is not a path`;
    const location = raw.location;
    if (location !== undefined && location !== null) {
      if (!isObject(location) || typeof location.path !== 'string') return `raw[${i}].location has no path`;
      for (const k of LOCATION_NUMBERS) {
        const n = location[k];
        if (n !== undefined && !(Number.isInteger(n) && (n as number) >= 0)) {
          return `raw[${i}].location.${k} is not a line or column`;
        }
      }
    }
  }
  return undefined;
}

/** An object with a left-out kind's `kind` and `reason`. */
function isLeftOutKind(v: unknown): v is Record<string, unknown> {
  return isObject(v) && typeof v.kind === 'string' && typeof v.reason === 'string';
}

/** A JSON object (not an array, not null). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON list of strings. */
export function isStrings(v: unknown): v is string[] {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
  return true;
}
