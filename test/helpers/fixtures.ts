import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import type { GitHubApi } from '../../src/core/github-api.js';
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
  /**
   * A `base/` tree: the fixture is judged as a change against it (committed in a temporary git
   * repository, with the side's files as the working tree, and `base: 'HEAD'`).
   */
  base?: string;
  expected: { fail: string[]; pass: string[] };
  /**
   * GitHub API answers for rules of `github.*` kinds (`api.yml`: per side, REST path -> status and
   * body), served by {@link fixtureApi}; absent for rules that only read files.
   */
  api?: { fail: ApiAnswers; pass: ApiAnswers };
}

/** REST path (`/repos/acme/app/environments`, query ignored) -> the answer. */
export type ApiAnswers = Record<string, { status: number; data?: unknown }>;

/** A {@link GitHubApi} for repository `acme/app` that answers from a fixture; other paths are 404. */
export function fixtureApi(answers: ApiAnswers): GitHubApi {
  return {
    owner: 'acme',
    repo: 'app',
    async get(p) {
      const answer = answers[p.split('?')[0]!];
      return answer
        ? { status: answer.status, data: answer.data }
        : { status: 404, data: { message: 'Not Found' } };
    },
  };
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
    const api = path.join(dir, 'api.yml');
    const answers = existsSync(api)
      ? (load(readFileSync(api, 'utf8')) as { fail?: ApiAnswers; pass?: ApiAnswers })
      : undefined;
    out.push({
      ruleId: id,
      dir,
      expected: readExpected(dir),
      ...(existsSync(path.join(dir, 'base')) ? { base: path.join(dir, 'base') } : {}),
      ...(answers ? { api: { fail: answers.fail ?? {}, pass: answers.pass ?? {} } } : {}),
    });
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

/**
 * The root to check for one side of a fixture. With a `base/` tree: a temporary git repository whose
 * one commit is `base/` and whose working tree is the side's files, so `base: 'HEAD'` reads the base.
 */
export function fixtureRoot(fx: RuleFixture, side: 'fail' | 'pass'): string {
  const tree = path.join(fx.dir, side);
  if (!fx.base) return tree;
  const root = mkdtempSync(path.join(tmpdir(), `cg-fixture-${fx.ruleId}-`));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=fixture', '-c', 'user.email=fixture@example.com', ...args], {
      cwd: root,
      stdio: 'ignore',
    });
  git('init', '-q');
  cpSync(fx.base, root, { recursive: true });
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  for (const entry of readdirSync(root))
    if (entry !== '.git') rmSync(path.join(root, entry), { recursive: true });
  cpSync(tree, root, { recursive: true });
  return root;
}

/** `path:line` of a finding, or `-` when it is repository-level; the format of expected.yml. */
export function findingPosition(f: Finding): string {
  return f.location ? `${f.location.path}:${f.location.startLine}` : '-';
}
