import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../src/core/engine.js';
import { allEvaluators } from '../src/core/evaluators/registry.js';
import { loadRules } from '../src/core/rules/load.js';
import { findingPosition, fixtureApi, fixtureRoot, listRuleFixtures } from './helpers/fixtures.js';

const fixtures = listRuleFixtures();
const builtin = loadRules();

describe('rule fixtures', () => {
  it.each(
    fixtures.flatMap((fx) =>
      (['fail', 'pass'] as const).map((side) => [`${fx.ruleId} ${side}`, fx, side] as const),
    ),
  )('%s', async (_name, fx, side) => {
    const report = await runCheck({
      root: fixtureRoot(fx, side),
      onlyRules: [fx.ruleId],
      ...(fx.rulesDir ? { ruleDirs: [fx.rulesDir] } : {}),
      ...(fx.base ? { base: 'HEAD' } : {}),
      ...(fx.api ? { github: fixtureApi(fx.api[side]) } : {}),
      failOn: 'never',
      // Fixtures assert what a rule detects, whatever its confidence (e.g. a token in test/).
      persona: 'auditor',
      // A fixture is a tree of its own: not judged by the declarations of the repository that holds
      // it (which a folder checked on its own would use), whose not-applicable controls skip rules.
      controlsPath: '.github/controls.yml',
      controlsMayBeMissing: true,
    });
    expect(report.errors).toEqual([]);
    // A rule that could not read what it needs passes vacuously: that must not count as a pass.
    expect(report.rules.find((r) => r.id === fx.ruleId)?.detail).toBeUndefined();
    const got = report.findings.map(findingPosition).sort();
    expect(got).toEqual([...fx.expected[side]].sort());
    if (side === 'fail') expect(got.length).toBeGreaterThan(0);
  });
});

describe('rule coverage', () => {
  it('every built-in rule has a fixture', () => {
    const withFixtures = new Set(fixtures.filter((f) => !f.rulesDir).map((f) => f.ruleId));
    expect(builtin.map((r) => r.id).filter((id) => !withFixtures.has(id))).toEqual([]);
  });

  it('every fixture names an existing rule', () => {
    const ids = new Set(builtin.map((r) => r.id));
    expect(fixtures.filter((f) => !f.rulesDir && !ids.has(f.ruleId)).map((f) => f.ruleId)).toEqual([]);
  });

  it('every evaluator kind is exercised by a fixture', () => {
    const kindOf = new Map(builtin.map((r) => [r.id, r.check.kind]));
    const covered = new Set<string>();
    for (const fx of fixtures) {
      if (fx.rulesDir) covered.add(path.basename(fx.dir));
      else covered.add(kindOf.get(fx.ruleId) ?? '');
    }
    expect(
      allEvaluators()
        .map((e) => e.kind)
        .filter((k) => !covered.has(k)),
    ).toEqual([]);
  });
});
