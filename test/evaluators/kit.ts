import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { type CheckOptions, runCheck } from '../../src/core/engine.js';
import { runEvaluator } from '../../src/core/evaluate-rule.js';
import type { Evaluator } from '../../src/core/evaluators/types.js';
import { loadRules } from '../../src/core/rules/load.js';
import type { Finding, RawFinding, Rule } from '../../src/core/types.js';
import { ajv } from '../../src/core/validate.js';
import { Workspace } from '../../src/core/workspace/workspace.js';

/**
 * Test kit for the generic and repository evaluators: temporary trees holding text or bytes, options
 * completed with the evaluator's schema defaults (as the rule loader does), and rule directories.
 */

const roots: string[] = [];

/** Writes `files` (path -> text or bytes) into a fresh temporary directory and returns its path. */
export function makeTree(files: Record<string, string | Uint8Array>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'controlgate-eval-'));
  roots.push(root);
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return root;
}

/** A workspace over exactly `files`. */
export function workspaceOf(files: Record<string, string | Uint8Array>): Workspace {
  return new Workspace(makeTree(files), { files: Object.keys(files) });
}

/** Removes every tree created so far (call from afterAll). */
export function cleanup(): void {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
}

/** `options` validated against the evaluator's schema, with its defaults applied; throws if invalid. */
export function withDefaults<O>(evaluator: Evaluator<O>, options: Record<string, unknown>): O {
  const copy = structuredClone(options);
  const validate = ajv().compile(evaluator.schema);
  if (!validate(copy)) throw new Error(`invalid options: ${JSON.stringify(validate.errors)}`);
  return copy as O;
}

/** A rule object for direct evaluator calls. */
export function testRule(kind: string, options: Record<string, unknown>): Rule {
  return {
    id: 'test-rule',
    title: 'test rule',
    severity: 'medium',
    confidence: 'high',
    controls: ['8.9'],
    rationale: 'test',
    remediation: 'test',
    references: [],
    tags: [],
    examples: [],
    check: { kind, with: options },
    source: 'test',
    file: 'test-rule.yml',
  };
}

/** Runs one evaluator over a workspace (or files) with schema-completed options. */
export async function run<O>(
  evaluator: Evaluator<O>,
  options: Record<string, unknown>,
  files: Record<string, string | Uint8Array> | Workspace,
): Promise<RawFinding[]> {
  const full = withDefaults(evaluator, options);
  const workspace = files instanceof Workspace ? files : workspaceOf(files);
  return evaluator.evaluate({
    rule: testRule(evaluator.kind, full as Record<string, unknown>),
    options: full,
    workspace,
  });
}

/** Runs one built-in rule over `files` through the whole engine. */
export async function runBuiltin(
  ruleId: string,
  files: Record<string, string | Uint8Array>,
  options: Partial<CheckOptions> = {},
): Promise<Finding[]> {
  const report = await runCheck({ root: makeTree(files), onlyRules: [ruleId], failOn: 'never', ...options });
  if (report.errors.length > 0) throw new Error(JSON.stringify(report.errors));
  return report.findings;
}

/** Writes rule files (id -> rule object) into a fresh directory, for loader tests. */
export function ruleDir(rules: Record<string, Record<string, unknown>>): string {
  const files: Record<string, string> = {};
  for (const [id, rule] of Object.entries(rules)) {
    files[`custom/${id}.yml`] = dump({
      id,
      title: 'A custom rule',
      severity: 'low',
      controls: ['8.9'],
      rationale: 'Because.',
      remediation: 'Fix it.',
      ...rule,
    });
  }
  return makeTree(files);
}

/** `path:line:column` of a finding (`-` for repository-level), the compact form tests assert on. */
export function at(f: RawFinding | Finding): string {
  return f.location ? `${f.location.path}:${f.location.startLine}:${f.location.startColumn ?? '-'}` : '-';
}

/**
 * Runs one built-in rule over `files` as the engine does and returns its raw findings and the files
 * it examined, by path: what a pass of the rule rests on.
 */
export async function examinedBy(
  ruleId: string,
  files: Record<string, string>,
): Promise<{ found: number; files: string[] }> {
  const rule = loadRules().find((r) => r.id === ruleId);
  if (!rule) throw new Error(`no built-in rule ${ruleId}`);
  const whole = workspaceOf(files);
  const o = await runEvaluator(rule, whole, { of: () => [] });
  if (!('raw' in o)) throw new Error(o.error);
  return { found: o.raw.length, files: o.examined.files.map((i) => whole.files[i]!) };
}
