/**
 * The Kubernetes rules judge what the kustomizations build (kustomize-build.ts), and read every
 * kustomization and patch file to do it: a pull request that edits only an overlay's kustomization or
 * a patch file evaluates them again instead of taking the base commit's stored results, and what the
 * patch introduces is new, at its line. The results cache's case is the same inputs (cache-run.ts).
 */
import { describe, expect, it } from 'vitest';
import type { BaseResults } from '../../src/core/base-results.js';
import { runCheck } from '../../src/core/engine.js';
import type { Report } from '../../src/core/types.js';
import { scratchRepo } from '../helpers/git-repo.js';
import { recordingLogger as logger } from '../helpers/logger.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const RULES = ['k8s-privileged-container', 'k8s-host-namespaces'];

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          image: app:1.2.3
`;
const PATCH = (extra: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      terminationGracePeriodSeconds: 10\n${extra}`;
const FILES = {
  'base/web.yaml': DEPLOYMENT,
  'base/kustomization.yaml': 'resources: [web.yaml]\n',
  'prod/kustomization.yaml': 'resources: [../base]\npatches:\n  - path: pod.yaml\n',
  'prod/pod.yaml': PATCH(''),
};

function judged(report: Report): string[] {
  return report.findings
    .filter((f) => RULES.includes(f.ruleId))
    .map((f) => `${f.ruleId} ${f.location?.path}:${f.location?.startLine} ${f.isNew ? 'new' : 'existing'}`);
}

describe('a pull request that edits only how kustomize builds a workload, with base results', () => {
  it.each([
    [
      'the patch file shares the host PID namespace',
      { 'prod/pod.yaml': PATCH('      hostPID: true\n') },
      ['k8s-host-namespaces prod/pod.yaml:9 new'],
    ],
    [
      'the kustomization adds an inline patch that makes the container privileged',
      {
        'prod/kustomization.yaml':
          'resources: [../base]\npatches:\n  - path: pod.yaml\n  - target: {kind: Deployment, name: web}\n    patch: |-\n      - op: add\n        path: /spec/template/spec/containers/0/securityContext\n        value: {privileged: true}\n',
      },
      ['k8s-privileged-container prod/kustomization.yaml:8 new'],
    ],
    [
      'the patch file changes another field only (the control)',
      { 'prod/pod.yaml': PATCH('      priorityClassName: high\n') },
      [],
    ],
  ] as const)('%s', async (_what, change, expected) => {
    const repo = scratchRepo();
    const base = repo.commit({ ...FILES, 'README.md': 'x\n' }, 'base');
    let results: BaseResults | undefined;
    const before = await runCheck({
      root: repo.dir,
      now: NOW,
      onlyRules: RULES,
      collectBaseResults: (r) => (results = r),
    });
    expect(judged(before)).toEqual([]);
    repo.commit(change, 'change');
    const report = await runCheck({
      root: repo.dir,
      base,
      now: NOW,
      onlyRules: RULES,
      logger: logger(),
      change: { scope: 'new', baseline: base, scan: 'changed' },
      baseResults: { results: results!, source: 'the test' },
    });
    expect(judged(report)).toEqual(expected);
  });
});
