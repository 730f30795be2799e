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
    expect(findings[0]!.confidence).toBe('medium');
  });

  it('reports write-all and read-all at the value, at job level and at a workflow level some job inherits', async () => {
    const findings = await run(`on: push
permissions: write-all
jobs:
  a:
    permissions: write-all
    steps: [{run: x}]
  b:
    permissions: read-all
    steps: [{run: x}]
  c:
    steps: [{run: git push}]
`);
    expect(findings.map(at)).toEqual([
      '.github/workflows/w.yml:2:14',
      '.github/workflows/w.yml:5:18',
      '.github/workflows/w.yml:8:18',
    ]);
    expect(findings[0]!.location).toMatchObject({ endLine: 2, endColumn: 22 });
    expect(findings.map((f) => [f.key, f.severity])).toEqual([
      ['write-all:', 'high'],
      ['write-all:a', 'high'],
      ['read-all:b', 'medium'],
    ]);
    expect(findings[1]!.message).toContain('job "a"');
  });

  it('grades missing permissions by trigger', async () => {
    const severity = async (on: string) =>
      (await run(`on: ${on}\njobs:\n  a:\n    steps: [{run: x}]\n`)).map((f) => f.severity);
    expect(await severity('pull_request')).toEqual(['low']);
    expect(await severity('[pull_request, pull_request_review]')).toEqual(['low']);
    expect(await severity('[push, pull_request]')).toEqual(['medium']);
    expect(await severity('schedule')).toEqual(['medium']);
    expect(await severity('issue_comment')).toEqual(['high']);
    expect(await severity('[pull_request_target]')).toEqual(['high']);
    const [high] = await run('on: [issues, push]\njobs:\n  a:\n    steps: [{run: x}]\n');
    expect(high!.message).toContain('It runs on issues, which outsiders can cause');
  });

  it('reports workflow-level write scopes that several jobs, or a job that only reads, inherit', async () => {
    const findings = await run(`on: push
permissions:
  contents: write
  packages: read
jobs:
  test:
    steps: [{run: make test}]
  push:
    steps: [{run: git push}]
  own:
    permissions: {}
    steps: [{run: x}]
`);
    expect(findings.map(at)).toEqual(['.github/workflows/w.yml:3:13']);
    expect(findings[0]!.message).toContain(
      'inherited by every job without permissions of its own ("test", "push")',
    );
    const one = await run(`on: push
permissions:
  contents: write
jobs:
  test:
    steps: [{run: make test}]
`);
    expect(one.map((f) => f.message)).toEqual([
      expect.stringContaining('inherited by job "test", none of whose steps can use the token'),
    ]);
    const writer = await run(
      'on: push\npermissions:\n  contents: write\njobs:\n  a:\n    steps: [{run: git push}]\n',
    );
    expect(writer).toEqual([]);
  });

  it('reports job-level write scopes the job cannot use, on any trigger', async () => {
    const findings = await run(`on: schedule
permissions: {}
jobs:
  test:
    permissions:
      contents: write
      issues: read
    steps: [{uses: actions/checkout@v4}, {run: make test}]
  report:
    permissions:
      issues: write
    steps: [{run: gh issue create --title x}]
`);
    expect(findings.map(at)).toEqual(['.github/workflows/w.yml:6:17']);
    expect(findings[0]!.key).toBe('unneeded-write:test:contents');
  });

  it.each([
    ['permissions: {}', 'on: push\npermissions: {}\njobs:\n  a:\n    steps: [{run: x}]\n'],
    [
      'read-all that every job overrides',
      'on: push\npermissions: read-all\njobs:\n  a:\n    permissions: {}\n    steps: [{run: x}]\n',
    ],
    [
      'a write scope its one job uses',
      'on: push\npermissions:\n  contents: write\njobs:\n  a:\n    steps: [{run: git push}]\n',
    ],
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
