/**
 * Fixtures for the pull-request end-to-end tests: a git repository with a base and a head commit,
 * the `pull_request` event payload GitHub would send, and the API's view of the same diff for the
 * fake server (which checks review-comment lines against it, as GitHub does).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FakePrFile } from '../helpers/fake-github.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { scratchRepo } from '../helpers/git-repo.js';
import { fixtureRule, makeTree } from '../helpers/run-action.js';

export const OWNER = 'acme';
export const REPO = 'payments-api';
export const PR_NUMBER = 7;

/** Ids of every built-in rule that can be turned off (the declarations-file rule cannot). */
function builtinRuleIds(dir = path.join(REPO_ROOT, 'rules')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return builtinRuleIds(path.join(dir, e.name));
    if (!/\.ya?ml$/.test(e.name)) return [];
    if (readFileSync(path.join(dir, e.name), 'utf8').includes('kind: policy.declarations-file')) return [];
    return [e.name.replace(/\.ya?ml$/, '')];
  });
}

/** A config turning off every built-in rule except `keep`, so findings are exactly the fixture's. */
export function onlyRulesConfig(keep: string[] = []): string {
  const off = builtinRuleIds()
    .filter((id) => !keep.includes(id))
    .sort()
    .map((id) => `  ${id}: off`);
  return `version: 1\nrules:\n${off.join('\n')}\n`;
}

const rule = fixtureRule;

/** A high, a medium and a low custom rule, matched line by line in src/. */
export const POLICY: Record<string, string> = {
  'policy/debug-backdoor.yml': rule(
    'debug-backdoor',
    'high',
    'No debug backdoors ship',
    'DEBUG_BACKDOOR\\w*',
    'Debug backdoor switch found.',
  ),
  'policy/security-todo.yml': rule(
    'security-todo',
    'medium',
    'No open security TODOs',
    'TODO\\(security\\)[^\\n]*',
    'Unresolved security TODO.',
  ),
  'policy/plain-http.yml': rule(
    'plain-http',
    'low',
    'No plain HTTP URLs',
    'http://[a-z.]+',
    'Plain HTTP URL.',
  ),
};

/** A repository at its base commit, then a feature branch with `head` applied; the head is checked out. */
export function prRepo(base: Record<string, string>, head: Record<string, string | null>) {
  const dir = makeTree({});
  const repo = scratchRepo(dir);
  const baseSha = repo.commit({ '.controlgate.yml': onlyRulesConfig(), ...POLICY, ...base }, 'base');
  repo.git('checkout', '-q', '-b', 'feature');
  const headSha = repo.commit(head, 'head');
  return { ...repo, baseSha, headSha };
}

/** The `pull_request` payload, written to a file; returns the env that points the Action at it. */
export function pullRequestEvent(
  info: { base: string; head: string; fork?: boolean; number?: number },
  apiUrl: string,
): Record<string, string> {
  const payload = {
    action: 'synchronize',
    number: info.number ?? PR_NUMBER,
    pull_request: {
      number: info.number ?? PR_NUMBER,
      draft: false,
      base: { sha: info.base, ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } },
      head: {
        sha: info.head,
        ref: 'feature',
        repo: { full_name: info.fork ? `contributor/${REPO}` : `${OWNER}/${REPO}`, fork: Boolean(info.fork) },
      },
    },
    repository: { full_name: `${OWNER}/${REPO}`, default_branch: 'main' },
  };
  const dir = makeTree({});
  const file = path.join(dir, 'event.json');
  writeFileSync(file, JSON.stringify(payload));
  return {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: file,
    GITHUB_API_URL: apiUrl,
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_SHA: 'f'.repeat(40), // the test merge commit: never where a check run belongs
    GITHUB_RUN_ID: '4242',
    GITHUB_SERVER_URL: 'https://github.example',
  };
}

/** The API's list of pull-request files for `base...head`, patches with 3 lines of context as GitHub shows. */
export function apiFiles(repo: ReturnType<typeof prRepo>): FakePrFile[] {
  const names = repo.git('diff', '--name-status', '-z', `${repo.baseSha}...${repo.headSha}`).split('\0');
  const files: FakePrFile[] = [];
  for (let i = 0; i + 1 < names.length; i += 2) {
    const status = names[i]!;
    const filename = names[i + 1]!;
    const diff = repo.git('diff', '--no-color', `${repo.baseSha}...${repo.headSha}`, '--', filename);
    const at = diff.indexOf('\n@@');
    files.push({
      filename,
      status: status === 'A' ? 'added' : status === 'D' ? 'removed' : 'modified',
      ...(at >= 0 ? { patch: diff.slice(at + 1) } : {}),
    });
  }
  return files;
}

/** The runner inputs that turn every pull-request feature on. */
export const ALL_FEATURES = {
  token: 'ghs_fake_token_for_tests',
  rules: 'policy',
  'fail-on': 'high',
  'check-run': 'true',
  'review-comments': 'true',
  comment: 'true',
};
