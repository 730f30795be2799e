import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  buildRuleSnapshot,
  builtinRulesDir,
  loadRules,
  RuleLoadError,
  type RuleSnapshot,
} from '../../src/core/rules/load.js';

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

  it('accepts in detects only controls the rule maps to', () => {
    const detecting = VALID.replace('controls: ["8.9"]\n', 'controls: ["8.9", "8.32"]\ndetects: ["8.32"]\n');
    expect(loadRules([ruleDir({ 'my-rule.yml': detecting })], { builtin: false })[0]).toMatchObject({
      controls: ['8.9', '8.32'],
      detects: ['8.32'],
    });
    expect(
      loadError(
        ruleDir({
          'my-rule.yml': VALID.replace('controls: ["8.9"]\n', 'controls: ["8.9"]\ndetects: ["8.12"]\n'),
        }),
      ),
    ).toContain(
      '<dir>/my-rule.yml:5:12: /detects/0: control "8.12" is not one of the rule\'s controls: list in detects only controls of "controls" for which the rule only finds problems',
    );
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

describe('the snapshot of the built-in rules', () => {
  const validated = loadRules([], { snapshot: null });

  /** A snapshot whose entry for `file` carries a title no rule file has, to see where a rule came from. */
  function marked(file: string, change: (entry: RuleSnapshot['rules'][string]) => void = () => {}) {
    const snapshot = buildRuleSnapshot();
    const entry = snapshot.rules[file]!;
    entry.rule.title = 'from the snapshot';
    change(entry);
    return snapshot;
  }

  it('holds exactly the rules loadRules builds from the files, and survives JSON', () => {
    const snapshot = buildRuleSnapshot();
    expect(Object.keys(snapshot.rules).sort()).toEqual(validated.map((r) => r.file).sort());
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(loadRules([], { snapshot })).toEqual(validated);
    expect(loadRules([path.join(builtinRulesDir(), 'policy')], { builtin: false, snapshot })).toEqual(
      loadRules([path.join(builtinRulesDir(), 'policy')], { builtin: false, snapshot: null }),
    );
  });

  it('is used for a file whose text hashes to its entry, and gives each call its own copy', () => {
    const snapshot = marked('secrets/jwt-committed.yml');
    const rules = loadRules([], { snapshot });
    expect(rules.find((r) => r.id === 'jwt-committed')).toMatchObject({
      title: 'from the snapshot',
      source: 'builtin',
      file: 'secrets/jwt-committed.yml',
    });
    rules.find((r) => r.id === 'jwt-committed')!.controls.push('8.1');
    expect(loadRules([], { snapshot }).find((r) => r.id === 'jwt-committed')?.controls).toEqual(
      validated.find((r) => r.id === 'jwt-committed')?.controls,
    );
    const policy = loadRules([path.join(builtinRulesDir(), 'policy')], {
      builtin: false,
      snapshot: marked('policy/policy-change.yml'),
    });
    expect(policy.find((r) => r.id === 'policy-change')?.title).toBe('from the snapshot');
  });

  it('is not used for a file whose size changed: it is parsed and validated again', () => {
    const snapshot = marked('secrets/jwt-committed.yml', (entry) => {
      entry.size += 1;
    });
    expect(loadRules([], { snapshot })).toEqual(validated);
  });

  it('compares contents by sha256 only with CONTROLGATE_VERIFY_RULES=1', () => {
    // An edit that keeps the size: the snapshot's hash no longer matches the file.
    const snapshot = marked('secrets/jwt-committed.yml', (entry) => {
      entry.sha256 = '0'.repeat(64);
    });
    const title = () => loadRules([], { snapshot }).find((r) => r.id === 'jwt-committed')?.title;
    expect(title()).toBe('from the snapshot');
    vi.stubEnv('CONTROLGATE_VERIFY_RULES', '1');
    try {
      expect(loadRules([], { snapshot })).toEqual(validated);
      // Verified and unchanged: still taken from the snapshot.
      expect(
        loadRules([], { snapshot: marked('secrets/jwt-committed.yml') }).find((r) => r.id === 'jwt-committed')
          ?.title,
      ).toBe('from the snapshot');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('is ignored as a whole when the rule schema or the control catalog differ', () => {
    const snapshot = { ...marked('secrets/jwt-committed.yml'), inputs: '0'.repeat(64) };
    expect(loadRules([], { snapshot })).toEqual(validated);
  });

  it('never applies to a custom rule directory, even for a copy of a built-in rule file', () => {
    const dir = ruleDir({});
    copyFileSync(
      path.join(builtinRulesDir(), 'secrets/jwt-committed.yml'),
      path.join(dir, 'jwt-committed.yml'),
    );
    const [rule] = loadRules([dir], { builtin: false, snapshot: marked('secrets/jwt-committed.yml') });
    expect(rule?.title).toBe(validated.find((r) => r.id === 'jwt-committed')?.title);
  });

  it('is not found beside the sources: unbundled code validates every file', () => {
    expect(loadRules()).toEqual(validated);
  });
});
