import { describe, expect, it } from 'vitest';
import { producesBaseResults } from '../../src/action/base-results.js';
import type { ActionEvent } from '../../src/action/event.js';
import type { Settings } from '../../src/action/settings.js';

const ON = { baseResults: 'controlgate-base-results' } as Settings;
const PUSH: ActionEvent = { name: 'push', defaultBranch: 'main' };

describe('producesBaseResults', () => {
  it('is true only for a push to the default branch with the input set', () => {
    expect(producesBaseResults(ON, PUSH, { GITHUB_REF: 'refs/heads/main' })).toBe(true);
  });

  it.each<[string, Settings, ActionEvent, string | undefined]>([
    ['without the input', {} as Settings, PUSH, 'refs/heads/main'],
    ['on a push to another branch', ON, PUSH, 'refs/heads/feature'],
    ['on a branch named like the default one elsewhere', ON, PUSH, 'refs/heads/x/main'],
    ['on a tag of the same name', ON, PUSH, 'refs/tags/main'],
    ['without GITHUB_REF', ON, PUSH, undefined],
    ['when the payload does not name the default branch', ON, { name: 'push' }, 'refs/heads/main'],
    ['on a pull request', ON, { ...PUSH, name: 'pull_request' }, 'refs/heads/main'],
    [
      'on pull_request_target (which runs on the default branch)',
      ON,
      { ...PUSH, name: 'pull_request_target' },
      'refs/heads/main',
    ],
    ['on workflow_run', ON, { ...PUSH, name: 'workflow_run' }, 'refs/heads/main'],
    ['on workflow_dispatch', ON, { ...PUSH, name: 'workflow_dispatch' }, 'refs/heads/main'],
  ])('is false %s', (_what, settings, event, ref) => {
    expect(producesBaseResults(settings, event, ref === undefined ? {} : { GITHUB_REF: ref })).toBe(false);
  });
});
