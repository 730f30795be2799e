import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import type { Finding } from '../../src/core/types.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');

/** One rule fixture: a failing and a passing tree with the findings expected in each. */
export interface RuleFixture {
  /** Rule id the fixture exercises. */
  ruleId: string;
  dir: string;
  /** Extra rule directory (kind fixtures ship their own rule file), or undefined for built-ins. */
  rulesDir?: string;
  expected: { fail: string[]; pass: string[] };
}

/**
 * Fixtures live in `test/fixtures/rules/<rule-id>/` (built-in rules) and
 * `test/fixtures/kinds/<kind>/` (a custom rule in `rules/` exercising one evaluator kind). Each has
 * `fail/` and `pass/` trees and `expected.yml`:
 *
 * ```yaml
 * fail: ["Dockerfile:1", "-"]   # path:line of each finding; "-" for a repository-level finding
 * pass: []
 * ```
 */
export function listRuleFixtures(): RuleFixture[] {
  const out: RuleFixture[] = [];
  const rulesRoot = path.join(FIXTURES, 'rules');
  for (const id of existsSync(rulesRoot) ? readdirSync(rulesRoot).sort() : []) {
    const dir = path.join(rulesRoot, id);
    out.push({ ruleId: id, dir, expected: readExpected(dir) });
  }
  const kindsRoot = path.join(FIXTURES, 'kinds');
  for (const kind of existsSync(kindsRoot) ? readdirSync(kindsRoot).sort() : []) {
    const dir = path.join(kindsRoot, kind);
    const rulesDir = path.join(dir, 'rules');
    const [ruleFile] = readdirSync(rulesDir).filter((f) => f.endsWith('.yml'));
    if (!ruleFile) throw new Error(`${dir}/rules has no rule file`);
    out.push({ ruleId: ruleFile.replace(/\.yml$/, ''), dir, rulesDir, expected: readExpected(dir) });
  }
  return out;
}

function readExpected(dir: string): { fail: string[]; pass: string[] } {
  const raw = load(readFileSync(path.join(dir, 'expected.yml'), 'utf8')) as {
    fail?: string[];
    pass?: string[];
  };
  return { fail: raw.fail ?? [], pass: raw.pass ?? [] };
}

/** `path:line` of a finding, or `-` when it is repository-level; the format of expected.yml. */
export function findingPosition(f: Finding): string {
  return f.location ? `${f.location.path}:${f.location.startLine}` : '-';
}
