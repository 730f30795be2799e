import { describe, expect, it } from 'vitest';
import { gateInputChanges, type RunningStep, runningStep } from '../../src/action/gate-inputs.js';
import type { TreeReader } from '../../src/core/policy/tree.js';

/** A base commit holding `files`. */
function tree(files: Record<string, string>): TreeReader {
  return {
    label: 'base commit test',
    read: (f) => (f in files ? { kind: 'text', text: files[f]! } : { kind: 'missing' }),
    list: (dir) => Object.keys(files).filter((f) => f.startsWith(`${dir}/`)),
  };
}

const WORKFLOW = '.github/workflows/gate.yml';
const STEP: RunningStep = {
  workflow: WORKFLOW,
  job: 'gate',
  action: '__controlgate_controlgate',
  actionRepository: 'controlgate/controlgate',
};

/** A workflow whose job `gate` runs controlgate with these `with` lines (and any step lines before). */
function workflow(inputs: string[], extra: string[] = []): string {
  return [
    'on: pull_request',
    'jobs:',
    '  gate:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: controlgate/controlgate@v1',
    ...extra,
    '        with:',
    ...inputs.map((i) => `          ${i}`),
    '',
  ].join('\n');
}

function changes(head: string, base: Record<string, string>, config = {}) {
  const out = gateInputChanges({
    step: STEP,
    head,
    base: tree(base),
    baseConfig: { file: null, include: [], exclude: [], ruleDirs: [], rules: {}, ...config },
    prefix: '',
  });
  return out.changes.map(
    (c) => `${c.location?.startLine ?? '-'}: ${c.message.replace(/ in \.github.*$/, '')}`,
  );
}

describe('the step that runs the gate, against the base', () => {
  it('finds the running step from the runner variables, in this repository only', () => {
    const env = {
      GITHUB_WORKFLOW_REF: 'acme/api/.github/workflows/gate.yml@refs/pull/7/merge',
      GITHUB_REPOSITORY: 'acme/api',
      GITHUB_JOB: 'gate',
      GITHUB_ACTION: 'cg',
      GITHUB_ACTION_REPOSITORY: 'controlgate/controlgate',
    };
    expect(runningStep(env)).toEqual({
      workflow: '.github/workflows/gate.yml',
      job: 'gate',
      action: 'cg',
      actionRepository: 'controlgate/controlgate',
    });
    expect(
      runningStep({ ...env, GITHUB_WORKFLOW_REF: 'other/repo/.github/workflows/gate.yml@main' }),
    ).toBeUndefined();
    expect(runningStep({ ...env, GITHUB_WORKFLOW_REF: 'acme/api/../x.yml@main' })).toBeUndefined();
  });

  it('reports what may weaken the gate, and nothing that tightens it', () => {
    const base = { [WORKFLOW]: workflow(['fail-on: high', 'rules: policy', 'comment: true']) };
    expect(changes(workflow(['fail-on: medium', 'rules: policy, more', 'comment: false']), base)).toEqual([]);
    expect(changes(workflow(['fail-on: critical', 'rules: more']), base)).toEqual([
      '8: Policy change: input fail-on changes from "high" to "critical"',
      '9: Policy change: input rules changes from "policy" to "more"',
    ]);
  });

  it('resolves an empty input through the base config, and cannot tell what an expression is', () => {
    const base = { [WORKFLOW]: workflow(['fail-on-gap: ""']) };
    // The base config turns fail-on-gap off already: an explicit false changes nothing.
    expect(changes(workflow(['fail-on-gap: false']), base, { failOnGap: false })).toEqual([]);
    expect(changes(workflow(['fail-on-gap: false']), base)).toEqual([
      '8: Policy change: input fail-on-gap changes from unset to "false"',
    ]);
    const expression = ['$', '{{ vars.LEVEL }}'].join('');
    expect(
      changes(workflow([`fail-on: ${expression}`]), { [WORKFLOW]: workflow(['fail-on: high']) }),
    ).toEqual([`8: Policy change: input fail-on changes from "high" to "${expression}"`]);
  });

  it('reports reading fewer files (scan: changed), and a token emptied where the default was in force', () => {
    // With scan: all, a finding in a file the change does not touch still makes a declared control a
    // gap; scan: changed no longer reads that file, so the gap, and the failure, go away.
    const all = { [WORKFLOW]: workflow(['scan: all']) };
    expect(changes(workflow(['scan: changed']), all)).toEqual([
      '8: Policy change: input scan changes from "all" to "changed"',
    ]);
    expect(changes(workflow(['fail-on: high']), all)).toEqual([
      '7: Policy change: input scan changes from "all" to unset',
    ]);
    // Under gate: all the default scan is all already; scan: changed there is a weakening too.
    expect(
      changes(workflow(['gate: all', 'scan: changed']), { [WORKFLOW]: workflow(['gate: all']) }),
    ).toEqual(['9: Policy change: input scan changes from unset to "changed"']);
    expect(changes(workflow(['scan: all']), { [WORKFLOW]: workflow(['scan: changed']) })).toEqual([]);
    // No token: the settings rules become unverifiable instead of failing, approvals unreadable.
    const token = ['$', '{{ github.token }}'].join('');
    expect(changes(workflow(['token: ""']), { [WORKFLOW]: workflow(['fail-on: high']) })).toEqual([
      `8: Policy change: input token changes from "${token}" to unset`,
    ]);
    expect(changes(workflow([`token: ${token}`]), { [WORKFLOW]: workflow(['fail-on: high']) })).toEqual([]);
  });

  it('reports a step that may fail quietly, and a renamed workflow when the base runs the gate elsewhere', () => {
    const base = { [WORKFLOW]: workflow(['fail-on: high']) };
    expect(changes(workflow(['fail-on: high'], ['        continue-on-error: true']), base)).toEqual([
      '7: Policy change: the step now continues on error ("true"), so a failed gate would not fail the job',
    ]);
    const renamed = { '.github/workflows/old.yml': workflow(['fail-on: high']) };
    expect(changes(workflow(['fail-on: never']), renamed)).toEqual([
      '6: Policy change: the step is new (the base commit runs controlgate from .github/workflows/old.yml)',
    ]);
    // First adoption: the base does not run the gate at all.
    expect(changes(workflow(['fail-on: never']), {})).toEqual([]);
  });
});
