import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { UsageError } from '../../src/core/types.js';

describe('parseConfig', () => {
  it('normalises rule shorthands', () => {
    const c = parseConfig(
      'version: 1\nfail-on: medium\nexclude: ["vendor/**"]\nrules:\n  a-rule: off\n  b-rule: low\n  c-rule: { exclude: ["x/**"] }\n',
      '.controlgate.yml',
    );
    expect(c).toEqual({
      file: '.controlgate.yml',
      failOn: 'medium',
      include: [],
      exclude: ['vendor/**'],
      ruleDirs: [],
      rules: { 'a-rule': { enabled: false }, 'b-rule': { severity: 'low' }, 'c-rule': { exclude: ['x/**'] } },
    });
  });

  it('treats an empty file as defaults', () => {
    expect(parseConfig('', '.controlgate.yml').rules).toEqual({});
  });

  it('explains schema errors with file, line and pointer', () => {
    expect(() => parseConfig('fail-on: severe\n', '.controlgate.yml')).toThrow(
      new UsageError(
        'invalid configuration:\n  .controlgate.yml:1:10: /fail-on: must be one of: "info", "low", "medium", "high", "critical", "never"',
      ),
    );
  });

  it('explains YAML syntax errors with file and line', () => {
    expect(() => parseConfig('rules:\n  a: [\n', '.controlgate.yml')).toThrow(
      /^\.controlgate\.yml:\d+:\d+: not valid YAML/,
    );
  });
});
