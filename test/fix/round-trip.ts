/**
 * The round trip every fix must survive, for table-driven tests: check a tree, apply each fix of one
 * rule on its own, then check that the fixed file parses, that the finding is gone when checked
 * again, and that everything outside the edited lines is byte-identical. Then `runFix` over the tree
 * must leave no fixable finding of the rule.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import { applyEdits } from '../../src/core/fix/edits.js';
import { type FixResolver, runFix } from '../../src/core/fix/run.js';
import type { Finding } from '../../src/core/types.js';
import { parseYaml } from '../../src/core/workspace/yaml.js';

const roots: string[] = [];

export function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'controlgate-fix-'));
  roots.push(root);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return root;
}

export function cleanupTrees(): void {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
}

export async function findingsOf(
  root: string,
  rule: string,
  overlay?: Map<string, string>,
): Promise<Finding[]> {
  const report = await runCheck({
    root,
    onlyRules: [rule],
    persona: 'auditor',
    ...(overlay ? { overlay } : {}),
  });
  return report.findings.filter((f) => f.ruleId === rule);
}

/** Whether a fixed file still reads: YAML parses; other files are taken as they are. */
export function parses(file: string, text: string): boolean {
  if (/\.(ya?ml|json)$/.test(file)) return parseYaml(text).ok;
  return true;
}

/**
 * Applies each fixed finding's fix on its own and checks the round trip; returns the fixed texts by
 * finding (in report order). `expectFixes` is how many findings must carry a fix.
 */
export async function roundTrip(
  files: Record<string, string>,
  rule: string,
  options: { fixes?: number; resolve?: FixResolver } = {},
): Promise<{ fixed: string[]; findings: Finding[]; final: Record<string, string> }> {
  const root = tree(files);
  const findings = await findingsOf(root, rule);
  const withFix = findings.filter((f) => f.fix);
  if (options.fixes !== undefined) expect(withFix.length).toBe(options.fixes);
  const fixed: string[] = [];
  for (const f of withFix) {
    const file = f.location!.path;
    const before = files[file]!.replace(/^\uFEFF/, '');
    const fix = f.fix!;
    let edits = fix.edits;
    if (fix.resolve)
      edits = edits.map((e, i) => (i === fix.resolve!.edit ? { ...e, text: 'a'.repeat(40) } : e));
    const after = applyEdits(before, edits);
    fixed.push(after);
    expect(parses(file, after), `${file} parses after the fix:\n${after}`).toBe(true);
    // Outside the edited lines, byte for byte the same.
    const { offset, text } = fix.region;
    expect(after.slice(0, offset)).toBe(before.slice(0, offset));
    const tail = before.length - (offset + text.length);
    expect(after.slice(after.length - tail)).toBe(before.slice(before.length - tail));
    const again = await findingsOf(root, rule, new Map([[file, after]]));
    expect(
      again.some((g) => g.fingerprint === f.fingerprint),
      `the finding is gone after the fix:\n${after}`,
    ).toBe(false);
  }
  const outcome = await runFix({
    root,
    onlyRules: [rule],
    persona: 'auditor',
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
  const final: Record<string, string> = {};
  for (const f of outcome.files) {
    expect(parses(f.path, f.after)).toBe(true);
    final[f.path] = f.after;
  }
  const left = outcome.report.findings.filter((f) => f.ruleId === rule && f.fix);
  expect(left, 'no fixable finding is left').toEqual([]);
  return { fixed, findings, final };
}
