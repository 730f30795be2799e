import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { combineParts, runEvaluator } from '../../src/core/evaluate-rule.js';
import { getEvaluator } from '../../src/core/evaluators/registry.js';
import type { PolicyProblems } from '../../src/core/evaluators/types.js';
import { loadRules } from '../../src/core/rules/load.js';
import type { RawFinding } from '../../src/core/types.js';
import { Workspace } from '../../src/core/workspace/workspace.js';
import { listRuleFixtures } from '../helpers/fixtures.js';

/**
 * A rule whose evaluator names its subjects is evaluated one subject at a time when results are kept
 * for later changes, and a change re-evaluates only the subjects it touches. That is only sound if
 * the subjects' findings, one after another (combined, for a verdict about the repository as a
 * whole), are exactly the rule's over the whole tree, and what each examined adds up to what the
 * whole examined. Checked over every fixture tree of the project
 * that holds workflows or actions (written for other rules too: callers, reusable workflows, local
 * actions, broken files).
 */

const NO_POLICY: PolicyProblems = { of: () => [] };

const split = loadRules().filter((r) => getEvaluator(r.check.kind)?.subjects);
const trees = listRuleFixtures()
  .flatMap((fx) => [path.join(fx.dir, 'fail'), path.join(fx.dir, 'pass')])
  .filter((dir) => existsSync(path.join(dir, '.github')));

describe('rules evaluated subject by subject', () => {
  it('are the workflow rules that read across files', () => {
    expect(split.map((r) => r.id).sort()).toEqual([
      'workflow-dangerous-trigger',
      'workflow-github-env',
      'workflow-sast-on-pull-requests',
      'workflow-template-injection',
      'workflow-tests-on-pull-requests',
    ]);
    expect(trees.length).toBeGreaterThan(50);
  });

  it.each(split.map((r) => [r.id, r] as const))(
    '%s finds subject by subject what it finds over the tree',
    async (_id, rule) => {
      let subjects = 0;
      let findings = 0;
      // Trees where combining the parts changed them: satisfied by one part, or a finding of no part.
      let recast = 0;
      for (const dir of trees) {
        const whole = new Workspace(dir);
        const all = await runEvaluator(rule, whole, NO_POLICY);
        if ('error' in all) throw new Error(`${dir}: ${all.error}`);
        const names = getEvaluator(rule.check.kind)!.subjects!(whole);
        const raw: RawFinding[] = [];
        const examined = new Set<string>();
        for (const subject of names) {
          // A fresh workspace: a subject's answer may not lean on what evaluating another one cached.
          const alone = new Workspace(dir);
          const part = await runEvaluator(rule, alone, NO_POLICY, undefined, [subject]);
          if ('error' in part) throw new Error(`${dir} ${subject}: ${part.error}`);
          for (const f of part.raw) expect(f.location?.path, `${dir}: ${subject}`).toBe(subject);
          raw.push(...part.raw);
          for (const i of part.examined.files) examined.add(alone.scope.files[i]!);
        }
        const combined = await combineParts(rule, whole, NO_POLICY, raw);
        if ('error' in combined) throw new Error(`${dir}: ${combined.error}`);
        expect(combined.raw, dir).toEqual(all.raw);
        if (JSON.stringify(combined.raw) !== JSON.stringify(raw)) recast += 1;
        for (const i of combined.examined.files) examined.add(whole.scope.files[i]!);
        expect([...examined].sort(), dir).toEqual(
          all.examined.files.map((i) => whole.scope.files[i]!).sort(),
        );
        subjects += names.length;
        findings += all.raw.length;
      }
      // The comparison ran on material: many subjects, and findings to compare.
      expect(subjects).toBeGreaterThan(100);
      expect(findings).toBeGreaterThan(5);
      if (getEvaluator(rule.check.kind)!.combine) expect(recast).toBeGreaterThan(10);
      else expect(recast).toBe(0);
    },
  );
});
