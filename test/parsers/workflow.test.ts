// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub expressions (${{ }}) are the subject of these tests.
import { afterAll, describe, expect, it } from 'vitest';
import { parseUses, refPinning } from '../../src/core/parsers/uses.js';
import {
  buildWorkflow,
  readWorkflowSource,
  type Step,
  type Workflow,
  walkWorkflows,
  workflowSources,
} from '../../src/core/parsers/workflow.js';
import { parseYaml } from '../../src/core/workspace/yaml.js';
import { removeTrees, tree } from './tree.js';

afterAll(removeTrees);

function workflow(text: string): Workflow {
  const parsed = parseYaml(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const wf = buildWorkflow('.github/workflows/ci.yml', parsed.documents[0]!);
  if (!wf) throw new Error('not a workflow');
  return wf;
}

const pos = (span: { start: { line: number; column: number } }) => `${span.start.line}:${span.start.column}`;

describe('workflow model', () => {
  const wf = workflow(`name: CI
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
  pull-requests: write
jobs:
  build:
    runs-on: [self-hosted, linux]
    container: node:20
    services:
      db:
        image: postgres:16
    steps:
      - id: co
        uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - name: Test
        run: |
          npm ci
          npm test
        env:
          CI: "true"
  deploy:
    needs: build
    permissions: write-all
    uses: octo/wf/.github/workflows/deploy.yml@main
    with: { env: prod }
`);

  it('reads jobs, steps and their exact positions', () => {
    expect(wf.jobs.map((j) => j.id)).toEqual(['build', 'deploy']);
    const [build, deploy] = wf.jobs;
    expect(pos({ start: build!.span.key! })).toBe('10:3');
    const [checkout, test] = build!.steps as [Step, Step];
    expect(checkout.uses?.value).toBe('actions/checkout@v4');
    expect(pos(checkout.uses!.span)).toBe('18:15');
    expect(checkout.uses!.span.end).toEqual({ line: 18, column: 33 });
    expect(checkout.uses!.pointer).toBe('/jobs/build/steps/0/uses');
    expect(checkout.id?.value).toBe('co');
    expect(checkout.with?.entries.get('fetch-depth')?.value).toBe(0);
    expect(test.run?.value).toBe('npm ci\nnpm test\n');
    expect(test.run!.span.key).toEqual({ line: 22, column: 9 });
    expect(test.env?.entries.get('CI')?.value).toBe('true');
    expect(build!.runsOn?.value).toEqual(['self-hosted', 'linux']);
    expect(build!.container?.image?.value).toBe('node:20');
    expect(build!.services.map((s) => [s.id, s.image?.value, pos(s.image!.span)])).toEqual([
      ['db', 'postgres:16', '15:16'],
    ]);
    expect(deploy!.uses?.value).toBe('octo/wf/.github/workflows/deploy.yml@main');
    expect(pos(deploy!.uses!.span)).toBe('30:11');
    expect(deploy!.with?.entries.get('env')?.value).toBe('prod');
    expect(deploy!.steps).toEqual([]);
  });

  it('reads top-level and job-level permissions', () => {
    expect(wf.permissions?.shorthand).toBeUndefined();
    expect(wf.permissions?.scopes.map((s) => [s.scope, s.level.value, pos(s.level.span)])).toEqual([
      ['contents', 'read', '7:13'],
      ['pull-requests', 'write', '8:18'],
    ]);
    const deploy = wf.jobs[1]!;
    expect(deploy.permissions?.shorthand?.value).toBe('write-all');
    expect(pos(deploy.permissions!.shorthand!.span)).toBe('29:18');
    expect(wf.jobs[0]!.permissions).toBeUndefined();
    expect(wf.jobsNode.span.key).toEqual({ line: 9, column: 1 });
  });

  it('reads `on` as a map, with empty events positioned at their key', () => {
    expect(wf.on?.form).toBe('map');
    expect(wf.on?.events.map((e) => [e.event, pos(e.span)])).toEqual([
      ['push', '3:3'],
      ['pull_request', '5:3'],
    ]);
    expect(wf.on?.events[0]?.config?.value).toEqual({ branches: ['main'] });
    expect(wf.on?.events[1]?.config?.value).toBeNull();
  });

  it('reads `on` as a string and as a list', () => {
    const single = workflow('on: push\njobs: {}\n');
    expect(single.on?.form).toBe('string');
    expect(single.on?.events.map((e) => [e.event, pos(e.span)])).toEqual([['push', '1:5']]);
    const list = workflow('on: [push, "workflow_dispatch"]\njobs: {}\n');
    expect(list.on?.form).toBe('list');
    expect(list.on?.events.map((e) => [e.event, pos(e.span)])).toEqual([
      ['push', '1:6'],
      ['workflow_dispatch', '1:13'],
    ]);
    const invalid = workflow('on: 42\njobs: {}\n');
    expect(invalid.on?.form).toBe('invalid');
    expect(workflow('jobs: {}\n').on).toBeUndefined();
  });

  it('positions a step reached through an alias at the alias', () => {
    const wf = workflow(`on: push
jobs:
  a:
    steps:
      - &co
        uses: actions/checkout@v4
      - *co
`);
    const steps = wf.jobs[0]!.steps;
    expect(steps.map((s) => s.uses?.value)).toEqual(['actions/checkout@v4', 'actions/checkout@v4']);
    expect(pos(steps[0]!.uses!.span)).toBe('6:15');
    expect(pos(steps[1]!.uses!.span)).toBe('7:9');
  });

  it('remembers where a value reached through an alias is written; merge keys stay keys, as on GitHub', () => {
    const wf = workflow(`on: push
jobs:
  a:
    env: &env
      TITLE: x
    steps: &steps
      - run: make
  b:
    env:
      <<: *env
      MODE: fast
    steps: *steps
`);
    const [a, b] = wf.jobs;
    expect(a!.steps[0]!.run!.origin).toBeUndefined();
    const run = b!.steps[0]!.run!;
    expect(pos(run.span)).toBe('12:12');
    expect(run.origin && { at: pos(run.origin.span), anchor: run.origin.anchor }).toEqual({
      at: '7:14',
      anchor: 'steps',
    });
    const merged = b!.env!.entries.get('<<')!;
    expect([pos(merged.span), merged.origin && pos(merged.origin.span)]).toEqual(['10:11', '5:7']);
    expect([...b!.env!.entries.keys()]).toEqual(['<<', 'MODE']);
    expect(b!.env!.entries.get('MODE')!.origin).toBeUndefined();
  });

  it('reads the steps of parallel groups as steps of the job, in document order', () => {
    const ws = tree({
      '.github/workflows/p.yml': `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    defaults:
      run:
        shell: bash
    needs: [lint]
    steps:
      - uses: actions/checkout@v4
      - parallel:
          - run: echo "\${{ github.event.head_commit.message }}"
          - id: two
            run: make two
      - run: make test
`,
    });
    const wf = workflowSources(ws)[0] as Workflow;
    const job = wf.jobs[0]!;
    expect(job.steps.map((s) => [s.index, s.group, s.uses?.value ?? s.run?.value])).toEqual([
      [0, undefined, 'actions/checkout@v4'],
      [1, 1, 'echo "${{ github.event.head_commit.message }}"'],
      [2, 1, 'make two'],
      [3, undefined, 'make test'],
    ]);
    expect(job.steps[2]!.pointer).toBe('/jobs/build/steps/1/parallel/1');
    expect(job.defaults?.shell?.value).toBe('bash');
    expect(job.needs?.value).toEqual(['lint']);
    const held: string[] = [];
    walkWorkflows(
      [wf],
      {
        expression: (e, _s, j, step) =>
          held.push(
            `${j?.id}/${step?.index}/${e.field.join('.')}:${pos({ start: { line: e.location.startLine, column: e.location.startColumn! } })}`,
          ),
      },
      ws,
    );
    expect(held).toEqual(['build/1/run:12:24']);
  });

  it('locates an expression reached through an alias at the alias, and where it is written', () => {
    const ws = tree({
      '.github/workflows/a.yml': `on: issues
jobs:
  a:
    steps: &s
      - run: echo "\${{ github.event.issue.title }}"
  b:
    steps: *s
`,
    });
    const wf = workflowSources(ws)[0]!;
    const found: string[] = [];
    walkWorkflows(
      [wf],
      {
        expression: (e, _s, j) =>
          found.push(
            `${j?.id} ${e.location.startLine}:${e.location.startColumn} ${e.exact} ${e.definedAt ? `${e.definedAt.startLine}:${e.definedAt.startColumn}` : '-'}`,
          ),
      },
      ws,
    );
    expect(found).toEqual(['a 5:20 true -', 'b 7:12 false 5:20']);
  });

  it('skips YAML that is not a workflow or an action, and ignores malformed entries', () => {
    const ws = tree({
      '.github/workflows/labels.yml': '- name: bug\n',
      '.github/workflows/config.yml': 'jobs: [a, b]\n',
      '.github/workflows/odd.yml': 'on: push\njobs:\n  a: 1\n  b:\n    steps: [1, {run: x}]\n',
      'tools/action.yml': 'name: x\nruns: node20\n',
    });
    const sources = workflowSources(ws);
    expect(sources.map((s) => s.path)).toEqual(['.github/workflows/odd.yml']);
    const odd = sources[0] as Workflow;
    expect(odd.jobs.map((j) => j.id)).toEqual(['b']);
    expect(odd.jobs[0]!.steps.map((s) => [s.index, s.run?.value])).toEqual([[0, 'x']]);
    expect(ws.inputProblems()).toEqual([]);
  });

  it('reads composite action steps and Docker action images', () => {
    const ws = tree({
      'actions/setup/action.yaml':
        'name: s\nruns:\n  using: composite\n  steps:\n    - uses: actions/setup-python@v5\n',
      'action.yml': 'name: d\nruns:\n  using: docker\n  image: docker://alpine:3\n',
    });
    const sources = workflowSources(ws);
    const seen: string[] = [];
    walkWorkflows(sources, {
      action: (a) => seen.push(`action ${a.path} ${String(a.using?.value)} ${a.image?.value ?? ''}`),
      step: (s, source, job) => seen.push(`step ${source.path} ${s.uses?.value} ${job === undefined}`),
    });
    // Index order: the tree lists the files in the order given.
    expect(seen).toEqual([
      'action actions/setup/action.yaml composite ',
      'step actions/setup/action.yaml actions/setup-python@v5 true',
      'action action.yml docker docker://alpine:3',
    ]);
  });

  it('records a broken workflow as a located input problem and builds nothing', () => {
    const ws = tree({
      '.github/workflows/broken.yml': 'on: push\njobs:\n  a:\n    steps:\n      - run: a\n     - run: b\n',
    });
    expect(readWorkflowSource(ws, '.github/workflows/broken.yml')).toBeUndefined();
    expect(ws.inputProblems()).toEqual([
      {
        path: '.github/workflows/broken.yml',
        message: 'bad indentation of a mapping entry',
        line: 6,
        column: 6,
      },
    ]);
  });

  it('parses once per file and shares the result', () => {
    const ws = tree({ '.github/workflows/a.yml': 'on: push\njobs: {}\n' });
    expect(readWorkflowSource(ws, '.github/workflows/a.yml')).toBe(
      readWorkflowSource(ws, '.github/workflows/a.yml'),
    );
  });
});

describe('uses references', () => {
  it.each([
    ['./.github/actions/x', { kind: 'local' }],
    ['docker://alpine:3@sha256:abc', { kind: 'docker' }],
    ['actions/checkout@v4', { kind: 'repository', owner: 'actions', repo: 'checkout', ref: 'v4' }],
    ['github/codeql-action/init@v3', { kind: 'repository', repo: 'codeql-action', path: 'init', ref: 'v3' }],
    [
      'o/r/.github/workflows/w.yml@main',
      { kind: 'repository', path: '.github/workflows/w.yml', ref: 'main' },
    ],
    [
      'o/r@v1@0123456789012345678901234567890123456789',
      { kind: 'repository', ref: 'v1@0123456789012345678901234567890123456789' },
    ],
    ['checkout@v4', { kind: 'invalid' }],
  ])('%s', (text, expected) => {
    expect(parseUses(text)).toMatchObject(expected);
  });

  it('classifies refs', () => {
    expect(refPinning('b4ffde65f46336ab88eb53be808477a3936bae11')).toBe('sha');
    expect(refPinning('B4FFDE65F46336AB88EB53BE808477A3936BAE11')).toBe('sha');
    expect(refPinning('b4ffde6')).toBe('short-sha');
    expect(refPinning('v4')).toBe('mutable');
    expect(refPinning('b4ffde65f46336ab88eb53be808477a3936bae11x')).toBe('mutable');
    expect(refPinning(undefined)).toBe('missing');
  });
});
