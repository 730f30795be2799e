// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the message quotes a GitHub expression (${{ }}).
import { afterAll, describe, expect, it } from 'vitest';
import { workflowConcurrencyLimits } from '../../src/core/evaluators/workflow/concurrency-limits.js';
import { at, evaluate, removeTrees } from '../parsers/tree.js';

afterAll(removeTrees);

const message = (events: string) =>
  `This workflow runs on every ${events} and sets no concurrency group, so a new run does not ` +
  'stop the one it supersedes. Add `concurrency: { group: ${{ github.workflow }}-${{ github.ref }}, ' +
  'cancel-in-progress: true }` (keep cancel-in-progress false for deployments, which should queue).';

describe('workflow.concurrency-limits', () => {
  // A run is superseded only by a later run of the same branch or pull request: activity types that
  // happen once per pull request (opened, closed, reopened) start no such later run.
  it.each([
    ['pull_request_target: types: [opened]', 'pull_request_target:\n    types: [opened]', []],
    ['pull_request: types: [opened, reopened]', 'pull_request:\n    types: [opened, reopened]', []],
    ['pull_request_target: types: [closed]', 'pull_request_target:\n    types: [closed]', []],
    ['pull_request_target: types: opened (one name)', 'pull_request_target:\n    types: opened', []],
    ['pull_request with no types', 'pull_request:', [message('pull_request')]],
    ['pull_request: types: []', 'pull_request:\n    types: []', [message('pull_request')]],
    [
      'pull_request_target: types: [opened, synchronize]',
      'pull_request_target:\n    types: [opened, synchronize]',
      [message('pull_request_target')],
    ],
    [
      'pull_request_target: types: [labeled]',
      'pull_request_target:\n    types: [labeled]',
      [message('pull_request_target')],
    ],
    ['pull_request: types: [edited]', 'pull_request:\n    types: [edited]', [message('pull_request')]],
    [
      'pull_request: a type GitHub may add later',
      'pull_request:\n    types: [renamed]',
      [message('pull_request')],
    ],
    [
      'push, and pull requests on opened only',
      'push:\n    branches: [main]\n  pull_request:\n    types: [opened]',
      [message('push')],
    ],
    [
      'push of tags only, pull requests on opened only',
      'push:\n    tags: [v*]\n  pull_request:\n    types: [opened]',
      [],
    ],
  ])('reads activity types: %s', async (_name, on, expected) => {
    const findings = await evaluate(
      workflowConcurrencyLimits,
      { '.github/workflows/w.yml': `on:\n  ${on}\njobs:\n  a:\n    runs-on: x\n    steps: [{run: x}]\n` },
      {},
    );
    expect(findings.map((f) => f.message)).toEqual(expected);
    expect(findings.map(at)).toEqual(expected.map(() => '.github/workflows/w.yml:1:1'));
  });
});
