import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules, RuleLoadError } from '../../src/core/rules/load.js';

const VALID = `id: my-rule
title: A custom rule
severity: low
controls: ["8.9"]
rationale: Because.
remediation: Do it.
check:
  kind: core.input-problems
  with: { paths: ["*.yml"] }
`;

function ruleDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cg-rules-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

function loadError(dir: string): string {
  try {
    loadRules([dir], { builtin: false });
  } catch (err) {
    expect(err).toBeInstanceOf(RuleLoadError);
    return (err as Error).message.replaceAll(dir, '<dir>');
  }
  throw new Error('expected a RuleLoadError');
}

describe('loadRules', () => {
  it('loads the built-in rules with unique ids named after their files', () => {
    const rules = loadRules();
    expect(rules.length).toBeGreaterThanOrEqual(12);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const r of rules) expect(path.basename(r.file, '.yml')).toBe(r.id);
  });

  it('loads a valid user rule and applies defaults', () => {
    const [rule] = loadRules([ruleDir({ 'nested/my-rule.yml': VALID })], { builtin: false });
    expect(rule).toMatchObject({ id: 'my-rule', references: [], tags: [], file: 'nested/my-rule.yml' });
  });

  it('names the file, line, JSON pointer and expectation of a schema error', () => {
    const dir = ruleDir({ 'my-rule.yml': VALID.replace('severity: low', 'severity: urgent') });
    expect(loadError(dir)).toBe(
      'invalid rule file:\n  <dir>/my-rule.yml:3:11: /severity: must be one of: "info", "low", "medium", "high", "critical"',
    );
  });

  it('reports a missing property and an unknown one', () => {
    const dir = ruleDir({ 'my-rule.yml': VALID.replace('remediation: Do it.\n', 'remedy: Do it.\n') });
    const message = loadError(dir);
    expect(message).toContain('<dir>/my-rule.yml:1:1: /: missing required property "remediation"');
    expect(message).toContain(
      '<dir>/my-rule.yml:6:1: /remedy: unknown property; remove it or check its spelling',
    );
  });

  it('rejects unknown controls, kinds, bad options and a file name that differs from the id', () => {
    expect(loadError(ruleDir({ 'my-rule.yml': VALID.replace('"8.9"', '"8.99"') }))).toContain(
      '<dir>/my-rule.yml:4:13: /controls/0: unknown control "8.99"',
    );
    expect(
      loadError(ruleDir({ 'my-rule.yml': VALID.replace('core.input-problems', 'core.nope') })),
    ).toContain('/check/kind: unknown check kind "core.nope"');
    expect(
      loadError(ruleDir({ 'my-rule.yml': VALID.replace('paths: ["*.yml"]', 'paths: "*.yml"') })),
    ).toContain('<dir>/my-rule.yml:9:19: /check/with/paths: must be of type array');
    expect(loadError(ruleDir({ 'other.yml': VALID }))).toContain('/id: must equal the file name "other"');
  });

  it('rejects duplicate ids across directories and broken YAML', () => {
    const a = ruleDir({ 'my-rule.yml': VALID });
    expect(() => loadRules([a, ruleDir({ 'x/my-rule.yml': VALID })], { builtin: false })).toThrow(
      /duplicate rule id "my-rule"/,
    );
    expect(loadError(ruleDir({ 'my-rule.yml': 'id: [\n' }))).toMatch(
      /my-rule\.yml:\d+:\d+: \/: not valid YAML/,
    );
  });

  it('reports a missing rule directory as a usage error', () => {
    expect(() => loadRules(['/nonexistent/rules'], { builtin: false })).toThrow(/rule directory not found/);
  });
});

describe('reserved policy kinds', () => {
  it('refuses a custom rule that uses a policy.* kind', () => {
    const dir = ruleDir({
      'my-policy.yml': VALID.replace('id: my-rule', 'id: my-policy').replace(
        /check:[\s\S]*$/,
        'check:\n  kind: policy.changes\n',
      ),
    });
    expect(() => loadRules([dir], { builtin: false })).toThrow(
      /check kind "policy\.changes" is reserved for controlgate's built-in policy rules/,
    );
  });
});
