import { afterAll, describe, expect, it } from 'vitest';
import { workflowSyntax } from '../../src/core/evaluators/workflow/syntax.js';
import { at, evaluate, removeTrees } from '../parsers/tree.js';

afterAll(removeTrees);

const W = '.github/workflows/w.yml';
const run = (on: string) =>
  evaluate(
    workflowSyntax,
    {
      [W]: `${on}\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./a.sh\n`,
    },
    {},
  );

describe('workflow.syntax: activity types', () => {
  it('reports each type the event never has, at the entry, with medium confidence and what to write instead', async () => {
    const findings = await run(
      [
        'on:',
        '  pull_request_target:',
        '    types:',
        '      - opened',
        '      - review_submitted',
        '      - pull_request_review',
        '  issues:',
        '    types: [opened, created]',
        '  workflow_run:',
        '    workflows: [CI]',
        '    types: success',
      ].join('\n'),
    );
    expect(findings.map((f) => [at(f), f.key, f.confidence])).toEqual([
      [`${W}:5:9`, 'types/pull_request_target/review_submitted', 'medium'],
      [`${W}:6:9`, 'types/pull_request_target/pull_request_review', 'medium'],
      [`${W}:8:21`, 'types/issues/created', 'medium'],
      [`${W}:11:12`, 'types/workflow_run/success', 'medium'],
    ]);
    expect(findings[0]!.message).toMatch(
      /^"review_submitted" is not an activity type of "pull_request_target", so it never matches and GitHub never starts the workflow for it \(it does not warn\)\. The types of "pull_request_target" are assigned, .*auto_merge_disabled\.$/,
    );
    expect(findings[1]!.message).toContain(
      '"pull_request_review" is an event of its own: list it under "on:" instead.',
    );
    expect(findings[3]!.message).toContain(
      'keep "completed" and test github.event.workflow_run.conclusion in "if:"',
    );
  });

  it('accepts every documented type, repository_dispatch types and events without types', async () => {
    const findings = await run(
      [
        'on:',
        '  pull_request:',
        '    types: [opened, ready_for_review, auto_merge_enabled, dequeued, review_request_removed]',
        '  discussion:',
        '    types: [answered, category_changed]',
        '  issues:',
        '    types: [typed, untyped, transferred]',
        '  merge_group:',
        '    types: checks_requested',
        '  repository_dispatch:',
        '    types: [deploy-preview]',
        '  workflow_run:',
        '    workflows: [CI]',
        '    types: [completed, in_progress]',
        '  push:',
      ].join('\n'),
    );
    expect(findings.map(at)).toEqual([]);
  });
});
