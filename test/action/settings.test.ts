import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envInput, readSettings, splitList } from '../../src/action/settings.js';
import { UsageError } from '../../src/core/types.js';

function workspace(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cg-settings-'));
  mkdirSync(path.join(root, 'services', 'api'), { recursive: true });
  return root;
}

function settings(inputs: Record<string, string>, ws = workspace()) {
  const env: NodeJS.ProcessEnv = { GITHUB_WORKSPACE: ws };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  return readSettings(envInput(env), env, '/');
}

describe('action settings', () => {
  it('applies the defaults of action.yml', () => {
    const ws = workspace();
    expect(settings({}, ws)).toEqual({
      workspace: ws,
      root: ws,
      ruleDirs: [],
      annotations: true,
      jobSummary: true,
      token: '',
      checkRun: false,
      reviewComments: false,
      comment: false,
      apiTimeoutMs: 15_000,
    });
  });

  it('reads api-timeout in whole seconds and rejects anything else naming the input', () => {
    expect(settings({ 'api-timeout': '3' }).apiTimeoutMs).toBe(3000);
    for (const bad of ['0', '601', '1.5', 'soon']) {
      expect(() => settings({ 'api-timeout': bad })).toThrow(
        new UsageError(
          `Input "api-timeout" has an invalid value "${bad}": use a whole number of seconds from 1 to 600`,
        ),
      );
    }
  });

  it('reads base-results as an artifact name and refuses a path, a separator or a control character', () => {
    expect(settings({}).baseResults).toBeUndefined();
    expect(settings({ 'base-results': '  controlgate-base-results ' }).baseResults).toBe(
      'controlgate-base-results',
    );
    expect(settings({ 'base-results': 'results v2.json' }).baseResults).toBe('results v2.json');
    for (const bad of [
      '../base',
      'a/b',
      'a\\b',
      'a:b',
      'a*',
      'a?',
      'a|b',
      'a"b',
      'a\u0007b',
      'x'.repeat(257),
    ]) {
      expect(() => settings({ 'base-results': bad })).toThrow(
        new UsageError(
          `Input "base-results" has an invalid value ${JSON.stringify(bad.slice(0, 100))}: give the name of the artifact that carries the base results (e.g. controlgate-base-results), at most 256 characters, without / \\ " : < > | * ? or control characters (or leave it empty: off)`,
        ),
      );
    }
  });

  it('refuses a path outside the workspace', () => {
    const ws = workspace();
    for (const outside of ['../..', '..', '/etc']) {
      expect(() => settings({ path: outside }, path.join(ws, 'services'))).toThrow(
        new UsageError(
          `Input "path": ${outside} is outside the workspace (${path.join(ws, 'services')}); give a directory of the checkout, relative to it`,
        ),
      );
    }
  });

  it('reads the pull-request inputs and rejects an unknown gate scope naming the input', () => {
    const s = settings({
      token: ' t0k3n ',
      gate: 'NEW',
      'check-run': 'true',
      'review-comments': 'true',
      comment: 'True',
    });
    expect(s).toMatchObject({
      token: 't0k3n',
      gate: 'new',
      checkRun: true,
      reviewComments: true,
      comment: true,
    });
    expect(settings({ gate: 'all' }).gate).toBe('all');
    expect(settings({}).gate).toBeUndefined();
    expect(() => settings({ gate: 'changed' })).toThrow(
      new UsageError(
        'Input "gate" has an invalid value "changed": use new (only findings the pull request introduces block) or all (or leave it empty: new on pull requests, all elsewhere)',
      ),
    );
  });

  it('reads the scan scope and rejects an unknown one naming the input', () => {
    expect(settings({ scan: ' Changed ' }).scan).toBe('changed');
    expect(settings({ scan: 'all' }).scan).toBe('all');
    expect(settings({}).scan).toBeUndefined();
    expect(() => settings({ scan: 'new' })).toThrow(
      new UsageError(
        'Input "scan" has an invalid value "new": use changed (on pull requests, per-file rules look at the changed files only) or all (or leave it empty: changed under gate new, all otherwise)',
      ),
    );
  });

  it('resolves paths against GITHUB_WORKSPACE and keeps the config relative to the checked tree', () => {
    const ws = workspace();
    const s = settings(
      {
        path: 'services/api',
        config: 'services/api/.github/controlgate.yml',
        rules: 'policy/a, policy/b\n\n  policy/c  ',
        'sarif-file': 'out/cg.sarif',
        'json-file': '/abs/cg.json',
      },
      ws,
    );
    expect(s.root).toBe(path.join(ws, 'services/api'));
    expect(s.configPath).toBe('.github/controlgate.yml');
    expect(s.ruleDirs).toEqual(['policy/a', 'policy/b', 'policy/c'].map((d) => path.join(ws, d)));
    expect(s.sarifFile).toBe(path.join(ws, 'out/cg.sarif'));
    expect(s.jsonFile).toBe('/abs/cg.json');
  });

  it('keeps a config outside the checked tree absolute', () => {
    const ws = workspace();
    expect(settings({ path: 'services/api', config: 'shared/cg.yml' }, ws).configPath).toBe(
      path.join(ws, 'shared/cg.yml'),
    );
  });

  it('accepts fail-on in any case and rejects unknown values naming the input', () => {
    expect(settings({ 'fail-on': ' Critical ' }).failOn).toBe('critical');
    expect(settings({ 'fail-on': 'never' }).failOn).toBe('never');
    expect(() => settings({ 'fail-on': 'severe' })).toThrow(UsageError);
    expect(() => settings({ 'fail-on': 'severe' })).toThrow(
      /^Input "fail-on" has an invalid value "severe": use one of info, low, medium, high, critical, never /,
    );
  });

  it('reads fail-on-confidence and persona, and rejects unknown values naming the input', () => {
    expect(settings({ 'fail-on-confidence': 'Low', persona: ' pedantic ' })).toMatchObject({
      failOnConfidence: 'low',
      persona: 'pedantic',
    });
    expect(settings({}).persona).toBeUndefined();
    expect(() => settings({ persona: 'boss' })).toThrow(
      'Input "persona" has an invalid value "boss": use one of regular, pedantic, auditor (or leave it empty to use the config file\'s, else regular)',
    );
    expect(() => settings({ 'fail-on-confidence': 'sure' })).toThrow(
      /^Input "fail-on-confidence" has an invalid value "sure": use one of low, medium, high /,
    );
  });

  it('reads booleans like the runner and names the input when one is wrong', () => {
    expect(settings({ annotations: 'FALSE', 'job-summary': 'False' })).toMatchObject({
      annotations: false,
      jobSummary: false,
    });
    expect(() => settings({ annotations: 'yes' })).toThrow(
      'Input "annotations" has an invalid value "yes": use true or false',
    );
  });

  it('rejects a path that is not a directory', () => {
    expect(() => settings({ path: 'nope' })).toThrow(
      /^Input "path": directory not found: nope \(resolved to /,
    );
  });

  it('splits list inputs on newlines and commas', () => {
    expect(splitList(' a ,b\n\nc,, ')).toEqual(['a', 'b', 'c']);
  });

  it('reads the declarations inputs and rejects an unknown require-declarations value', () => {
    const ws = workspace();
    expect(
      settings(
        {
          controls: 'services/api/controls.yml',
          'fail-on-gap': 'false',
          'require-declarations': 'Technological',
        },
        ws,
      ),
    ).toMatchObject({
      controlsPath: 'services/api/controls.yml',
      failOnGap: false,
      requireDeclarations: 'technological',
    });
    expect(settings({}, ws)).not.toHaveProperty('failOnGap');
    expect(settings({ 'require-declarations': 'all' }, ws)).toMatchObject({ requireDeclarations: 'all' });
    expect(() => settings({ 'require-declarations': 'every' }, ws)).toThrow(
      new UsageError(
        'Input "require-declarations" has an invalid value "every": use none, technological or all (or leave it empty to use the config file\'s, else none)',
      ),
    );
  });
});
