import { afterAll, describe, expect, it } from 'vitest';
import type { Evaluator } from '../../src/core/evaluators/types.js';
import { workflowCheckoutCredentials } from '../../src/core/evaluators/workflow/checkout-credentials.js';
import { workflowTemplateInjection } from '../../src/core/evaluators/workflow/template-injection.js';
import { workflowUnpinnedUses } from '../../src/core/evaluators/workflow/unpinned-uses.js';
import type { RawFinding } from '../../src/core/types.js';
import { Workspace } from '../../src/core/workspace/workspace.js';
import { testRule } from '../evaluators/kit.js';
import { expectLinear } from '../helpers/linear.js';
import { cleanupTrees, tree } from './round-trip.js';

afterAll(cleanupTrees);

const FILE = '.github/workflows/big.yml';

/** A workflow of `n` checkouts by tag, each followed by a script that expands an issue title. */
function bigWorkflow(n: number): string {
  const steps: string[] = [];
  for (let i = 0; i < n; i++) {
    steps.push(
      `      - uses: actions/checkout@v${i}\n      - run: echo "\${{ github.event.issue.title }} ${i}"`,
    );
  }
  return `on: issues\npermissions: { contents: read }\njobs:\n  big:\n    runs-on: ubuntu-latest\n    steps:\n${steps.join('\n')}\n`;
}

function evaluate(
  evaluator: Evaluator<never>,
  root: string,
  options: Record<string, unknown> = {},
): RawFinding[] {
  const workspace = new Workspace(root, { files: [FILE] });
  const out = evaluator.evaluate({
    rule: testRule(evaluator.kind, options),
    options: options as never,
    workspace,
  });
  if (!Array.isArray(out)) throw new Error('expected a synchronous evaluator');
  return out;
}

/**
 * Fixes are verified per file in batches (one parse for all the fixes that touch different text),
 * so a file with many findings costs time in proportion to its size, not to its size times its
 * findings.
 */
describe('fixes of many findings in one file', () => {
  const roots = new Map([1, 4].map((scale) => [scale, tree({ [FILE]: bigWorkflow(250 * scale) })]));
  const cases: [string, Evaluator<never>, Record<string, unknown>][] = [
    ['persist-credentials', workflowCheckoutCredentials as Evaluator<never>, {}],
    ['pins', workflowUnpinnedUses as Evaluator<never>, { allow: [] }],
    ['template injection', workflowTemplateInjection as Evaluator<never>, { sinks: [] }],
  ];
  for (const [name, evaluator, options] of cases) {
    it(`${name}: every finding fixed, in linear time`, () => {
      const findings = evaluate(evaluator, roots.get(4)!, options);
      expect(findings.length).toBe(1000);
      expect(findings.every((f) => f.fix)).toBe(true);
      expectLinear((scale) => evaluate(evaluator, roots.get(scale)!, options));
    }, 120_000);
  }
});
