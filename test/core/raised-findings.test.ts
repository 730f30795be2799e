/**
 * A finding the base commit has at a lower grade is the change's own: a pull request that turns a
 * workflow's `pull_request` trigger into `pull_request_target` makes the injection of the title that
 * was harmless in a fork's read-only run a critical one, with the same fingerprint. Judged existing,
 * it would pass a gate that counts new findings only.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import { type BaseFindings, markNewByBase } from '../../src/core/pr.js';
import type { Finding, Report } from '../../src/core/types.js';
import { scratchRepo } from '../helpers/git-repo.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const workflow = (on: string, extra = '') => `name: ci
on: ${on}
permissions:
  contents: read
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.event.pull_request.title }}"${extra}
`;

async function change(base: string, head: string): Promise<Report> {
  const repo = scratchRepo();
  dirs.push(repo.dir);
  const baseline = repo.commit({ '.github/workflows/ci.yml': base });
  repo.commit({ '.github/workflows/ci.yml': head });
  return runCheck({
    root: repo.dir,
    base: baseline,
    change: { scope: 'new', worktree: true, baseline },
    onlyRules: ['workflow-template-injection'],
  });
}

const shown = (r: Report) =>
  r.findings.map(
    (f) =>
      `${f.severity}/${f.confidence} line ${f.location?.startLine} new=${f.isNew}${f.raisedFrom ? ` from ${f.raisedFrom.severity}/${f.raisedFrom.confidence}` : ''}`,
  );

describe('a finding the change grades higher than the base did', () => {
  it.each([
    {
      name: 'pull_request becomes pull_request_target: raised, new, and the gate fails',
      base: workflow('pull_request'),
      head: workflow('pull_request_target'),
      findings: ['high/high line 9 new=true from low/high'],
      gate: 'fail',
    },
    {
      name: 'the same trigger, a step edited elsewhere: the same grade, existing',
      base: workflow('pull_request_target'),
      head: workflow('pull_request_target', '\n      - run: echo done'),
      findings: ['high/high line 9 new=false'],
      gate: 'pass',
    },
    {
      name: 'pull_request_target becomes pull_request: lowered, existing',
      base: workflow('pull_request_target'),
      head: workflow('pull_request'),
      findings: ['low/high line 9 new=false'],
      gate: 'pass',
    },
  ])('$name', async ({ base, head, findings, gate }) => {
    const r = await change(base, head);
    expect(shown(r)).toEqual(findings);
    expect(r.summary.gate.result).toBe(gate);
  });
});

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: probe
spec:
  containers:
    - name: probe
      image: registry.example/probe@sha256:${'0'.repeat(64)}
      securityContext:
        privileged: true
`;

/** A commit with the pod at `from`, then the same file moved to `to` (git finds the rename). */
async function move(from: string, to: string): Promise<Report> {
  const repo = scratchRepo();
  dirs.push(repo.dir);
  const baseline = repo.commit({ [from]: POD });
  repo.commit({ [from]: null, [to]: POD });
  return runCheck({
    root: repo.dir,
    base: baseline,
    change: { scope: 'new', worktree: true, baseline },
    onlyRules: ['k8s-privileged-container'],
    persona: 'auditor',
  });
}

describe('a file the change moves, judged by the path it had on the base', () => {
  it.each([
    {
      name: 'a fixture moved out of the test folder: raised, new, and the gate fails',
      from: 'test/e2e/pod.yaml',
      to: 'deploy/pod.yaml',
      findings: ['high/high line 10 new=true from high/low'],
      gate: 'fail',
    },
    {
      name: 'a manifest moved between ordinary folders: the same grade, existing',
      from: 'deploy/pod.yaml',
      to: 'manifests/pod.yaml',
      findings: ['high/high line 10 new=false'],
      gate: 'pass',
    },
    {
      name: 'a manifest moved into the test folder: lowered, existing',
      from: 'deploy/pod.yaml',
      to: 'test/e2e/pod.yaml',
      findings: ['high/low line 10 new=false'],
      gate: 'pass',
    },
  ])('$name', async ({ from, to, findings, gate }) => {
    const r = await move(from, to);
    expect(shown(r)).toEqual(findings);
    expect(r.summary.gate.result).toBe(gate);
  });
});

describe('markNewByBase', () => {
  const finding = (fingerprint: string, severity: Finding['severity'], confidence: Finding['confidence']) =>
    ({ ruleId: 'r', fingerprint, severity, confidence }) as Finding;

  it.each([
    { name: 'absent from the base', base: [], isNew: true, raised: undefined },
    {
      name: 'the same grade',
      base: [['f', { severity: 'high', confidence: 'medium' }]],
      isNew: false,
      raised: undefined,
    },
    {
      name: 'a lower severity',
      base: [['f', { severity: 'low', confidence: 'medium' }]],
      isNew: true,
      raised: 'low/medium',
    },
    {
      name: 'a lower confidence only',
      base: [['f', { severity: 'high', confidence: 'low' }]],
      isNew: true,
      raised: 'high/low',
    },
    {
      name: 'a higher grade',
      base: [['f', { severity: 'critical', confidence: 'high' }]],
      isNew: false,
      raised: undefined,
    },
  ] as {
    name: string;
    base: [string, BaseFindings extends ReadonlyMap<string, infer G> ? G : never][];
    isNew: boolean;
    raised?: string;
  }[])('$name', ({ base, isNew, raised }) => {
    const f = finding('f', 'high', 'medium');
    const counts = markNewByBase([f], new Map(base));
    expect(f.isNew).toBe(isNew);
    expect(f.raisedFrom && `${f.raisedFrom.severity}/${f.raisedFrom.confidence}`).toBe(raised);
    expect(counts.raised).toBe(raised ? 1 : 0);
  });
});
