import { afterAll, describe, expect, it } from 'vitest';
import { workflowPermissions } from '../../src/core/evaluators/workflow/permissions.js';
import { at, evaluate, removeTrees } from '../parsers/tree.js';

afterAll(removeTrees);

const run = (text: string) => evaluate(workflowPermissions, { '.github/workflows/w.yml': text }, {});

describe('workflow.permissions', () => {
  it('reports missing permissions at the jobs key, naming the jobs without any', async () => {
    const findings = await run(`name: t
on: push
jobs:
  a:
    permissions:
      contents: read
    steps: [{run: x}]
  b:
    steps: [{run: x}]
  c:
    uses: o/r/.github/workflows/w.yml@${'a'.repeat(40)}
`);
    expect(findings.map(at)).toEqual(['.github/workflows/w.yml:3:1']);
    expect(findings[0]!.message).toContain('jobs "b", "c" declare none');
    expect(findings[0]!.key).toBe('missing-permissions');
  });

  it('reports write-all at the value, at workflow and job level', async () => {
    const findings = await run(`on: push
permissions: write-all
jobs:
  a:
    permissions: write-all
    steps: [{run: x}]
  b:
    permissions: read-all
    steps: [{run: x}]
`);
    expect(findings.map(at)).toEqual(['.github/workflows/w.yml:2:14', '.github/workflows/w.yml:5:18']);
    expect(findings[0]!.location).toMatchObject({ endLine: 2, endColumn: 22 });
    expect(findings.map((f) => f.key)).toEqual(['write-all:', 'write-all:a']);
    expect(findings[1]!.message).toContain('job "a"');
  });

  it.each([
    ['permissions: {}', 'on: push\npermissions: {}\njobs:\n  a:\n    steps: [{run: x}]\n'],
    ['read-all', 'on: push\npermissions: read-all\njobs:\n  a:\n    steps: [{run: x}]\n'],
    ['scopes', 'on: push\npermissions:\n  contents: write\njobs:\n  a:\n    steps: [{run: x}]\n'],
    ['every job declares', 'on: push\njobs:\n  a:\n    permissions: {}\n    steps: [{run: x}]\n'],
    ['workflow_call only', 'on:\n  workflow_call:\njobs:\n  a:\n    steps: [{run: x}]\n'],
    ['workflow_call as a string', 'on: workflow_call\njobs:\n  a:\n    steps: [{run: x}]\n'],
    ['no jobs', 'on: push\njobs: {}\n'],
    ['not a workflow', 'name: x\n'],
  ])('passes: %s', async (_name, text) => {
    expect(await run(text)).toEqual([]);
  });

  it('still checks a workflow that is also triggered by other events', async () => {
    const findings = await run('on: [workflow_call, push]\njobs:\n  a:\n    steps: [{run: x}]\n');
    expect(findings.map(at)).toEqual(['.github/workflows/w.yml:2:1']);
  });

  it('does not judge composite actions', async () => {
    const findings = await evaluate(
      workflowPermissions,
      { 'action.yml': 'runs:\n  using: composite\n  steps: [{run: x, shell: bash}]\n' },
      {},
    );
    expect(findings).toEqual([]);
  });
});
