import { afterAll, describe, expect, it } from 'vitest';
import { loadRules, RuleLoadError } from '../../src/core/rules/load.js';
import { cleanup, ruleDir } from './kit.js';

afterAll(cleanup);

/** The loader's message for one rule with the given check, or '' when it loads. */
function loadError(check: Record<string, unknown>): string {
  try {
    loadRules([ruleDir({ 'custom-rule': { check } })], { builtin: false });
    return '';
  } catch (err) {
    expect(err).toBeInstanceOf(RuleLoadError);
    return (err as Error).message;
  }
}

describe('options schemas of the generic and repository kinds', () => {
  it.each([
    [
      'file.exists without paths',
      { kind: 'file.exists', with: {} },
      '/check/with: missing required property "paths"',
    ],
    [
      'file.exists with a misspelt contains option',
      { kind: 'file.exists', with: { paths: ['x'], contains: { patern: 'a' } } },
      '/check/with/contains/patern: unknown property',
    ],
    [
      'file.absent with an empty glob',
      { kind: 'file.absent', with: { paths: [''] } },
      '/check/with/paths/0: must NOT have fewer than 1 characters',
    ],
    [
      'file.absent with an unknown key in a glob entry',
      { kind: 'file.absent', with: { paths: [{ glob: 'x', why: 'y' }] } },
      '/check/with/paths/0/why: unknown property',
    ],
    [
      'content.forbidden with an invalid regex',
      { kind: 'content.forbidden', with: { paths: ['**'], patterns: ['(unclosed'] } },
      '/check/with/patterns/0: must be a valid regex',
    ],
    [
      'content.forbidden with the g flag',
      { kind: 'content.forbidden', with: { paths: ['**'], patterns: [{ pattern: 'x', flags: 'g' }] } },
      '/check/with/patterns/0/flags: must match the pattern',
    ],
    [
      'content.required without a pattern',
      { kind: 'content.required', with: { paths: ['**'] } },
      'missing required property "pattern"',
    ],
    [
      'deps.lockfile with an unknown ecosystem',
      { kind: 'deps.lockfile', with: { ecosystems: ['maven'] } },
      '/check/with/ecosystems/0: must be one of',
    ],
    [
      'files.binary-executables with a typo',
      { kind: 'files.binary-executables', with: { alow: ['x'] } },
      '/check/with/alow: unknown property',
    ],
    [
      'gitignore.must-ignore with no entries',
      { kind: 'gitignore.must-ignore', with: { entries: [] } },
      '/check/with/entries: must NOT have fewer than 1 items',
    ],
  ])('rejects %s', (_name, check, expected) => {
    const message = loadError(check);
    expect(message).toContain('custom-rule.yml:');
    expect(message).toContain(expected);
  });

  it('applies defaults to the options of a valid rule', () => {
    const [rule] = loadRules(
      [
        ruleDir({
          'custom-rule': { check: { kind: 'content.forbidden', with: { paths: ['**'], patterns: ['x'] } } },
        }),
      ],
      {
        builtin: false,
      },
    );
    expect(rule!.check.with).toEqual({
      paths: ['**'],
      patterns: ['x'],
      except: [],
      ignoreCase: false,
      commentPrefixes: [],
      shellPaths: [],
    });
  });
});
