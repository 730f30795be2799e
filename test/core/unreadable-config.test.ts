import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import type { Report } from '../../src/core/types.js';
import { cli } from '../helpers/cli.js';
import { scratchRepo } from '../helpers/git-repo.js';

/**
 * A configuration file that is not text (a NUL byte) or larger than what is read as text is not
 * parsed, so no rule can check it: that is said as an `unparsable-file` finding, never passed over.
 * Otherwise a change could hide a privileged container or a root user behind one byte or some padding.
 */

/** Text padded with comment lines past 1 MiB (what a file is read up to as text). */
const padded = (text: string) =>
  `${text}${'# padding that only makes the file large ...........\n'.repeat(22_000)}`;

const POD =
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n    - name: a\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n';

const CRD =
  'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names:\n    kind: Widget\n    plural: widgets\n';

const unparsable = (r: Report) =>
  r.findings
    .filter((f) => f.ruleId === 'unparsable-file')
    .map(
      (f) => `${f.severity} ${f.location?.path}: ${f.message.replace(/^.* no rule could check it: /, '')}`,
    );

describe('configuration files that are not text', () => {
  it('are reported unreadable, graded by whether such a file can be ordinary', async () => {
    const repo = scratchRepo();
    repo.commit({
      'app/Dockerfile': Buffer.from('FROM node:22\n# \u0000\nUSER root\n', 'latin1'),
      'big/Dockerfile': padded('FROM node:latest\nUSER root\n'),
      'compose.yaml': padded('services:\n  a:\n    privileged: true\n'),
      '.github/workflows/ci.yml': Buffer.from('on: push\n# \u0000\njobs: {}\n', 'latin1'),
      'deploy/pod.yaml': Buffer.from(`${POD}# \u0000\n`, 'latin1'),
      // A workload padded past the size read in its own document cannot be judged: it blocks.
      'deploy/bundle.yaml': padded(POD),
      // A bundle of CRDs holds no object the rules judge: nothing to miss, nothing reported...
      'deploy/crds.yaml': padded(CRD),
      // ...and one that holds one, however late, is judged by that document.
      'deploy/crds-and-more.yaml': `${padded(CRD)}---\n${POD}`,
      // A large Terraform file is parsed whole (up to eight times the size read).
      'infra/main.tf': padded('resource "aws_s3_bucket" "a" {\n  bucket = "a"\n}\n'),
      // Large YAML that starts like no manifest (an API description): not one of the family's files.
      'api/openapi.yaml': padded('openapi: 3.1.0\ninfo:\n  title: x\n'),
    });
    const report = await runCheck({ root: repo.dir, defaultBranch: 'main' });
    expect(unparsable(report)).toEqual([
      'high .github/workflows/ci.yml: it holds a NUL byte, so it is not read as text',
      'high app/Dockerfile: it holds a NUL byte, so it is not read as text',
      'high big/Dockerfile: it is 1.1 MiB, more than the 1 MiB a file is read up to as text',
      'high compose.yaml: it is 1.1 MiB, more than the 1 MiB a file is read up to as text',
      'high deploy/bundle.yaml: it is 1.1 MiB, more than the 1 MiB a file is read up to as text',
      'high deploy/pod.yaml: it holds a NUL byte, so it is not read as text',
    ]);
    expect(
      report.findings
        .filter((f) => f.ruleId === 'k8s-privileged-container')
        .map((f) => `${f.location?.path}:${f.location?.startLine}`),
    ).toEqual(['deploy/crds-and-more.yaml:22020']);
  });

  it('fail the gate of a change that pads a Dockerfile past what is read', async () => {
    const repo = scratchRepo();
    const base = repo.commit({ Dockerfile: 'FROM node:22.1.0\nUSER node\n', 'README.md': 'x\n' });
    repo.commit({ Dockerfile: padded('FROM node:22.1.0\nUSER root\n') });
    const run = await cli('check', repo.dir, '--format', 'json', '--base', base);
    const report = JSON.parse(run.stdout) as Report;
    expect(run.code).toBe(1);
    expect(
      report.findings
        .filter((f) => f.blocking)
        .map((f) => `${f.ruleId} ${f.location?.path} ${f.isNew ? 'new' : 'existing'}`),
    ).toEqual(['unparsable-file Dockerfile new']);
  });
});
