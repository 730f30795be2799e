// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub expressions (${{ }}) are the subject of these tests.
import fc from 'fast-check';
import { dump } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { allEvaluators } from '../../src/core/evaluators/registry.js';
import { UnverifiableError } from '../../src/core/github-api.js';
import { LineIndex } from '../../src/core/workspace/lines.js';
import { Workspace } from '../../src/core/workspace/workspace.js';
import { cleanup, makeTree, testRule, withDefaults } from './kit.js';

afterAll(cleanup);

/** Workflow-shaped documents: the real keys, with values of any shape (including wrong ones). */
const KEYS = [
  'on',
  'jobs',
  'steps',
  'run',
  'uses',
  'with',
  'env',
  'if',
  'id',
  'name',
  'runs-on',
  'container',
  'services',
  'image',
  'credentials',
  'password',
  'permissions',
  'contents',
  'secrets',
  'outputs',
  'strategy',
  'matrix',
  'include',
  'needs',
  'environment',
  'script',
  'ref',
  'inputs',
  'workflow_call',
  'pull_request_target',
  'persist-credentials',
  'ACTIONS_ALLOW_UNSECURE_COMMANDS',
  'runs',
  'using',
  'default',
  'type',
];
const SCALARS = fc.oneof(
  fc.constantFrom(
    '${{ github.event.pull_request.title }}',
    '${{ env.A }}',
    '${{ steps.a.outputs.b }}',
    '${{ needs.j.outputs.o }}',
    '${{ inputs.x }}',
    '${{ matrix.k }}',
    '${{ toJSON(secrets) }}',
    '${{ secrets[inputs.x] }}',
    '${{',
    'actions/checkout@v4',
    'actions/github-script@v7',
    './local',
    'docker://alpine',
    'self-hosted',
    'write',
    'inherit',
    'curl https://x | sh',
    'echo "a=${{ github.head_ref }}" >> $GITHUB_OUTPUT',
    'pull_request',
    'node:20',
  ),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    SCALARS,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 5 }),
  ),
})).node;
const workflow = fc.record({
  on: fc.oneof(fc.constantFrom('pull_request_target', 'pull_request', 'workflow_run'), value),
  jobs: fc.dictionary(fc.constantFrom('a', 'b', 'j'), value, { maxKeys: 3 }),
});

describe('workflow audits on arbitrary workflow-shaped input', () => {
  const evaluators = allEvaluators().filter((e) => e.kind.startsWith('workflow.'));

  it('never throw and only report positions inside the file', async () => {
    await fc.assert(
      fc.asyncProperty(workflow, value, async (wf, action) => {
        const files = {
          '.github/workflows/w.yml': dump(wf, { lineWidth: -1 }),
          'a/action.yml': dump({ runs: { using: 'composite', steps: [action] } }, { lineWidth: -1 }),
        };
        const ws = new Workspace(makeTree(files), { files: Object.keys(files) });
        for (const evaluator of evaluators) {
          const options = withDefaults(
            evaluator,
            evaluator.kind === 'workflow.pr-evidence' ? { evidence: 'x' } : {},
          );
          let findings: Awaited<ReturnType<typeof evaluator.evaluate>>;
          try {
            findings = await evaluator.evaluate({
              rule: testRule(evaluator.kind, {}),
              options,
              workspace: ws,
            });
          } catch (err) {
            // The online audits answer "unverifiable" without an API: the documented outcome, no crash.
            if (err instanceof UnverifiableError) continue;
            throw err;
          }
          for (const f of findings) {
            if (!f.location) continue;
            const text = files[f.location.path as keyof typeof files];
            expect(text, f.location.path).toBeDefined();
            const lines = new LineIndex(text!);
            expect(f.location.startLine).toBeGreaterThanOrEqual(1);
            expect(f.location.startLine).toBeLessThanOrEqual(lines.lineCount);
            expect(f.location.startColumn ?? 1).toBeGreaterThanOrEqual(1);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
