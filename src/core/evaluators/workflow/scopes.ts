/**
 * Which `GITHUB_TOKEN` scopes a job uses, read from what its steps do: actions whose needs are known
 * (a table, some of it depending on inputs), `gh` commands and REST paths in scripts that are given
 * the token, git pushes with the credentials a checkout persisted, and OIDC publishing. What cannot
 * be told is said: an unknown action or a token use it cannot map is "unsure" at the write level
 * (a fix never takes away a write scope a step may need); an API read it cannot map is unsure at
 * the read level.
 */
import { parseUses } from '../../parsers/uses.js';
import {
  type ActionMetadata,
  type Job,
  type LocatedMap,
  localAction,
  type Step,
  type Workflow,
} from '../../parsers/workflow.js';
import { escapeRegExp } from '../../workspace/glob.js';
import type { Workspace } from '../../workspace/workspace.js';
import { actionOf, actionPathOf, actionVersion, input, isFalse, JOB_TOKEN } from './shared.js';

export type Level = 'read' | 'write';

export interface JobNeeds {
  /** Scope -> the highest level some step needs. */
  scopes: Map<string, Level>;
  /** What could not be told, and whether it might need writing. */
  unsure: { level: Level; why: string }[];
}

export type Scopes = Record<string, Level>;

const R: Level = 'read';
const W: Level = 'write';
const NONE: Scopes = {};
const CODE_SCANNING: Scopes = { 'security-events': W, actions: R, contents: R };

/** Actions (lower-case owner/repo or owner/repo/path) and the scopes they use with the job's token. */
const ACTIONS: Record<string, Scopes | ((step: Step) => Scopes)> = {
  'actions/checkout': { contents: R },
  'actions/download-artifact': (s) => (input(s, 'run-id') ? { actions: R } : NONE),
  'actions/labeler': { contents: R, 'pull-requests': W },
  'actions/stale': { issues: W, 'pull-requests': W },
  'actions/first-interaction': { issues: W, 'pull-requests': W },
  'actions/dependency-review-action': (s): Scopes =>
    input(s, 'comment-summary-in-pr') ? { contents: R, 'pull-requests': W } : { contents: R },
  // It reads the site's settings; it creates the site (a write) only when told to (`enablement`).
  'actions/configure-pages': (s) =>
    input(s, 'enablement') && !isFalse(input(s, 'enablement')) ? { pages: W } : { pages: R },
  'actions/upload-pages-artifact': NONE,
  'actions/deploy-pages': { pages: W, 'id-token': W },
  'actions/attest-build-provenance': { 'id-token': W, attestations: W, contents: R },
  'actions/attest-sbom': { 'id-token': W, attestations: W, contents: R },
  'actions/attest': { 'id-token': W, attestations: W, contents: R },
  'actions/create-release': { contents: W },
  'actions/upload-release-asset': { contents: W },
  'actions/delete-package-versions': { packages: W },
  'github/codeql-action/init': { actions: R, contents: R },
  'github/codeql-action/autobuild': NONE,
  'github/codeql-action/analyze': CODE_SCANNING,
  'github/codeql-action/upload-sarif': CODE_SCANNING,
  'ossf/scorecard-action': { 'security-events': W, 'id-token': W, contents: R, actions: R },
  'softprops/action-gh-release': { contents: W },
  'ncipollo/release-action': { contents: W },
  'goreleaser/goreleaser-action': { contents: W },
  'peter-evans/create-pull-request': { contents: W, 'pull-requests': W },
  'peter-evans/create-or-update-comment': { issues: W, 'pull-requests': W },
  'peter-evans/find-comment': { issues: R, 'pull-requests': R },
  'marocchino/sticky-pull-request-comment': { 'pull-requests': W },
  'thollander/actions-comment-pull-request': { 'pull-requests': W },
  'release-drafter/release-drafter': { contents: W, 'pull-requests': W },
  'googleapis/release-please-action': { contents: W, 'pull-requests': W, issues: W },
  'changesets/action': { contents: W, 'pull-requests': W },
  'stefanzweifel/git-auto-commit-action': { contents: W },
  'endbug/add-and-commit': { contents: W },
  'peaceiris/actions-gh-pages': { contents: W },
  'jamesives/github-pages-deploy-action': { contents: W },
  'dependabot/fetch-metadata': { 'pull-requests': R },
  'dessant/lock-threads': { issues: W, 'pull-requests': W, discussions: W },
  'jasonetco/create-an-issue': { issues: W },
  'geekyeggo/delete-artifact': { actions: W },
  'enricomi/publish-unit-test-result-action': { checks: W, 'pull-requests': W, contents: R, issues: R },
  'cycjimmy/semantic-release-action': { contents: W, issues: W, 'pull-requests': W },
  'amannn/action-semantic-pull-request': { 'pull-requests': R },
  'super-linter/super-linter': { contents: R, statuses: W, packages: R },
  'github/super-linter': { contents: R, statuses: W, packages: R },
  'docker/login-action': (s) => (mentionsToken(s.with) ? { packages: W } : NONE),
  // ko's setup logs in to GitHub's registry with the job's token, for `ko build` to push there.
  'ko-build/setup-ko': { packages: W },
  // crane's setup logs in to GitHub's registry with the job's token, for `crane cp` and `crane push`.
  'imjasonh/setup-crane': { packages: W },
  'aws-actions/configure-aws-credentials': (s) =>
    input(s, 'role-to-assume') && !input(s, 'aws-access-key-id') ? { 'id-token': W } : NONE,
  'google-github-actions/auth': (s) => (input(s, 'workload_identity_provider') ? { 'id-token': W } : NONE),
  'azure/login': (s) => (input(s, 'client-id') && !input(s, 'creds') ? { 'id-token': W } : NONE),
  'pypa/gh-action-pypi-publish': (s) => (input(s, 'password') ? NONE : { 'id-token': W }),
  'codecov/codecov-action': (s) =>
    input(s, 'use_oidc') && !isFalse(input(s, 'use_oidc')) ? { 'id-token': W } : NONE,
};

/** Actions that never use the token (toolchains, caches, artifacts of the same run, Docker setup). */
const NO_TOKEN =
  /^(?:actions\/(?:setup-[\w-]+|cache(?:\/(?:restore|save))?|upload-artifact)|[\w-]+\/setup-[\w-]+|[\w-]+\/[\w-]*-installer|docker\/(?:setup-[\w-]+|build-push-action|metadata-action|bake-action)|ruby\/setup-ruby|pnpm\/action-setup|dtolnay\/rust-toolchain|swatinem\/rust-cache|taiki-e\/install-action|gradle\/actions\/setup-gradle|slackapi\/slack-github-action|sigstore\/cosign-installer|step-security\/harden-runner|actions\/create-github-app-token|jlumbroso\/free-disk-space|crate-ci\/typos|helm\/kind-action)$/;

/**
 * The scopes an action of another repository uses with the job's token when it is given no token of
 * its own: its entry in the table (empty for the actions that never use the token), or undefined for
 * an action whose needs are not known (actions/github-script, whose script may call anything).
 */
export function knownActionScopes(step: Step): Scopes | undefined {
  const path = actionPathOf(step.uses);
  const repo = actionOf(step.uses);
  if (!path || !repo) return undefined;
  const known = ACTIONS[path] ?? ACTIONS[repo];
  if (known) return typeof known === 'function' ? known(step) : known;
  return NO_TOKEN.test(path) || NO_TOKEN.test(repo) ? NONE : undefined;
}

/** Whether a script asks for an OIDC token in a way read here (the request variables, provenance, keyless signing). */
export function requestsOidc(text: string): boolean {
  return OIDC.test(text);
}

/** `gh <group> <command>` and what it needs. */
const GH: Record<string, { read: string[]; write: string[]; scope: string }> = {
  pr: {
    scope: 'pull-requests',
    read: ['view', 'list', 'diff', 'checks', 'status'],
    write: ['comment', 'create', 'edit', 'merge', 'review', 'close', 'reopen', 'ready', 'lock', 'unlock'],
  },
  issue: {
    scope: 'issues',
    read: ['view', 'list', 'status'],
    write: [
      'comment',
      'create',
      'edit',
      'close',
      'reopen',
      'lock',
      'unlock',
      'pin',
      'unpin',
      'delete',
      'transfer',
    ],
  },
  release: {
    scope: 'contents',
    read: ['view', 'list', 'download'],
    write: ['create', 'upload', 'edit', 'delete', 'delete-asset'],
  },
  run: {
    scope: 'actions',
    read: ['list', 'view', 'download', 'watch'],
    write: ['rerun', 'cancel', 'delete'],
  },
  workflow: { scope: 'actions', read: ['list', 'view'], write: ['run', 'enable', 'disable'] },
  cache: { scope: 'actions', read: ['list'], write: ['delete'] },
  label: { scope: 'issues', read: ['list'], write: ['create', 'edit', 'delete', 'clone'] },
  repo: { scope: 'contents', read: ['view', 'clone'], write: [] },
};

/** REST path prefixes (after /repos/{owner}/{repo}/) and their scope. */
const REST: [RegExp, string][] = [
  [/^pulls\b/, 'pull-requests'],
  [/^issues\/\d+\/comments\b|^issues\b|^labels\b|^milestones\b/, 'issues'],
  [/^(?:contents|git|commits|releases|tags|branches|compare)\b/, 'contents'],
  [/^actions\b/, 'actions'],
  [/^deployments\b/, 'deployments'],
  [/^statuses\b|^commits\/[^/]+\/statuses\b/, 'statuses'],
  [/^check-(?:runs|suites)\b/, 'checks'],
  [/^pages\b/, 'pages'],
  [/^code-scanning\b/, 'security-events'],
];

const GIT_PUSH = /\bgit\s+(?:-[cC]\s+\S+\s+)*push\b|\bgh-deploy\b|\bghp-import\b|\bmike\s+deploy\b/;
const OIDC = /ACTIONS_ID_TOKEN_REQUEST|--provenance\b|\bcosign\s+(?:sign|attest)\b/;
const RELEASE_SCRIPT =
  /(?:^|[\s/])[\w.-]*(?:release|publish|deploy|push|bump)[\w.-]*\.(?:sh|bash|py|rb|js|mjs|ts|ps1)\b/i;

/** What the job's steps use its token for. */
export function jobNeeds(job: Job, workflow: Workflow): JobNeeds {
  const needs: JobNeeds = { scopes: new Map(), unsure: [] };
  const add = (scopes: Scopes) => {
    for (const [scope, level] of Object.entries(scopes)) {
      if (needs.scopes.get(scope) !== 'write') needs.scopes.set(scope, level);
    }
  };
  if (job.uses) {
    needs.unsure.push({
      level: W,
      why: `it calls the reusable workflow ${job.uses.value}, which may need any scope`,
    });
    return needs;
  }
  const inherited = mentionsToken(workflow.env) || mentionsToken(job.env);
  // npm publishes with provenance when NPM_CONFIG_PROVENANCE is set, whatever script runs it: the
  // provenance statement is signed with the job's OIDC token.
  if ([workflow.env, job.env, ...job.steps.map((s) => s.env)].some(npmProvenance)) add({ 'id-token': W });
  for (const c of [job.container, ...job.services]) if (mentionsToken(c?.credentials)) add({ packages: R });
  // Whose credentials the checkouts so far left in .git/config: the job's token, or only another
  // token (`token: ${{ secrets.BOT_TOKEN }}`), whose pushes need no scope of the job's token.
  let persisted: 'job' | 'other' | undefined;
  for (const step of job.steps) {
    if (step.uses) {
      const repo = actionOf(step.uses);
      if (!(repo && PUSH_ACTIONS.has(repo) && persisted === 'other')) stepUses(step, needs, add);
      if (repo === 'actions/checkout' && !isFalse(input(step, 'persist-credentials'))) {
        const token = input(step, 'token')?.value;
        const other = typeof token === 'string' && token.trim() !== '' && !JOB_TOKEN.test(token);
        persisted = !other || persisted === 'job' ? 'job' : 'other';
      }
    } else if (step.run) {
      stepRun(step, inherited || mentionsToken(step.env), persisted === 'job', needs, add);
    }
  }
  return needs;
}

/**
 * Actions whose token input defaults to the job's token, from the version that added it (their
 * action.yml: `${{ github.token }}`; the setup actions, `${{ github.server_url ==
 * 'https://github.com' && github.token || '' }}`, to fetch toolchain manifests on github.com): they
 * hold the token whether or not they need one of its scopes. actions/setup-dotnet has no such input.
 */
const TOKEN_BY_DEFAULT: Record<string, [major: number, minor: number]> = {
  'actions/setup-go': [2, 0],
  'actions/setup-node': [2, 0],
  'actions/setup-python': [2, 0],
  // Added in v3.5.1: a v3.5 tag may be older.
  'actions/setup-java': [3, 6],
  'github/codeql-action/init': [1, 0],
  'github/codeql-action/analyze': [1, 0],
  'github/codeql-action/autobuild': [1, 0],
  'github/codeql-action/upload-sarif': [1, 0],
  'github/codeql-action/resolve-environment': [1, 0],
  'github/codeql-action/setup-codeql': [1, 0],
  'github/codeql-action/start-proxy': [1, 0],
  // Its `github-token` input, from v0.0.2 (the first pre-release had no default; minor versions are
  // the finest this table tells apart).
  'actions/publish-immutable-action': [0, 0],
  // Its `token` input (`${{ github.token }}`), with which it builds a GitHub Pages site, from v1.
  'actions/jekyll-build-pages': [1, 0],
  // Widely used actions of other owners whose token input has defaulted to the job's token from
  // their first major version (`token`, `github-token`): they list or annotate a pull request's files.
  'tj-actions/changed-files': [1, 0],
  'golangci/golangci-lint-action': [1, 0],
  // Its `token` input (`${{ github.token }}`), with which it lists a pull request's files; v2 is the
  // oldest major version whose default this table vouches for.
  'dorny/paths-filter': [2, 0],
};

/** The inputs through which an action is handed a token of the caller's choosing. */
const TOKEN_INPUTS = ['token', 'github-token', 'github_token', 'repo-token'];

/**
 * Whether a step holds the job's token whatever a checkout left on disk: its `env:` (or an `env:` it
 * inherits, the job's or the workflow's) passes it, its `with:` does to an action not of this
 * repository (a composite action of this repository passes it on only to the steps that take the
 * input, {@link localGiven}), or it is an action that uses it by
 * default and is not given a token of its own instead: an action of the table that uses the token,
 * actions/github-script, an action whose token input defaults to it ({@link TOKEN_BY_DEFAULT}, at a
 * version that has the default; an unknown version is taken as a recent one), or an action of this
 * repository whose action.yml says so ({@link localGiven}). `path` is the file that holds the step,
 * for the version a commit pin's comment names.
 */
export function givenJobToken(
  workspace: Workspace,
  path: string,
  step: Step,
  ...inherited: (LocatedMap | undefined)[]
): boolean {
  if ([step.env, ...inherited].some(mentionsToken)) return true;
  // A composite action of this repository handed the token as an input gives it only to those of its
  // steps that take that input: its action.yml tells whether every one does.
  const local = localAction(workspace, step);
  if (local) return localGiven(workspace, local, step);
  if (mentionsToken(step.with)) return true;
  const action = actionPathOf(step.uses);
  const repo = actionOf(step.uses);
  if (!action || !repo) return false;
  const own = TOKEN_INPUTS.map((k) => input(step, k)).find(Boolean);
  if (own) return false;
  if (action === 'actions/github-script' || repo === 'actions/github-script') return true;
  const since = TOKEN_BY_DEFAULT[action];
  if (since) {
    const version = actionVersion(workspace, path, step.uses!);
    return (
      !version ||
      version[0] > since[0] ||
      (version[0] === since[0] && (version[1] === undefined || version[1] >= since[1]))
    );
  }
  const known = ACTIONS[action] ?? ACTIONS[repo];
  const scopes = typeof known === 'function' ? known(step) : known;
  // An OIDC token is asked for with another credential than the job's token.
  return Object.keys(scopes ?? {}).some((scope) => scope !== 'id-token');
}

/**
 * Whether an action of this repository holds the job's token, as its action.yml in the tree says:
 * an input whose value (its `default:`, unless the step's `with:` sets it) is the token; for a
 * composite action, every one of its steps is given it (through such an input, or as
 * {@link givenJobToken} tells; an action of this repository that one runs in turn is not followed).
 */
function localGiven(workspace: Workspace, action: ActionMetadata, step: Step): boolean {
  const names: string[] = [];
  for (const [name, spec] of action.inputs?.entries ?? []) {
    const set = input(step, name.toLowerCase());
    const value = set ? set.value : isRecord(spec.value) ? spec.value.default : undefined;
    if (typeof value === 'string' && JOB_TOKEN.test(value)) names.push(name);
  }
  if (typeof action.using?.value !== 'string' || action.using.value.trim().toLowerCase() !== 'composite')
    return names.length > 0;
  if (action.steps.length === 0) return false;
  // `${{ inputs.token }}` in a step of the action: the input's value, the job's token.
  const via =
    names.length > 0
      ? new RegExp(`\\binputs\\.(?:${names.map(escapeRegExp).join('|')})(?![\\w-])`, 'i')
      : /(?!)/;
  const passes = (map: LocatedMap | undefined) =>
    [...(map?.entries.values() ?? [])].some((v) => typeof v.value === 'string' && via.test(v.value));
  return action.steps.every(
    (s) =>
      passes(s.env) ||
      passes(s.with) ||
      (s.run !== undefined && via.test(s.run.value)) ||
      (localAction(workspace, s) === undefined && givenJobToken(workspace, action.path, s)),
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Actions that commit and push with the credentials a checkout persisted (no token of their own). */
const PUSH_ACTIONS = new Set(['stefanzweifel/git-auto-commit-action']);

function stepUses(step: Step, needs: JobNeeds, add: (s: Scopes) => void): void {
  const path = actionPathOf(step.uses);
  const repo = actionOf(step.uses);
  const label = stepName(step);
  if (!path || !repo) {
    if (parseUses(step.uses!.value).kind === 'local')
      needs.unsure.push({ level: W, why: `${label} runs a local action` });
    else if (mentionsToken(step.env) || mentionsToken(step.with))
      needs.unsure.push({ level: W, why: `${label} passes the token to a container` });
    return;
  }
  // A token of its own (a secret other than GITHUB_TOKEN) replaces the job's.
  const own = TOKEN_INPUTS.map((k) => input(step, k)).find(Boolean);
  if (own && typeof own.value === 'string' && !JOB_TOKEN.test(own.value) && repo !== 'docker/login-action')
    return;
  const known = ACTIONS[path] ?? ACTIONS[repo];
  if (known) add(typeof known === 'function' ? known(step) : known);
  else if (path === 'actions/github-script' || repo === 'actions/github-script') script(step, needs, add);
  else if (!NO_TOKEN.test(path) && !NO_TOKEN.test(repo))
    needs.unsure.push({ level: W, why: `${label} uses ${repo}, whose token needs are not known` });
}

/** GitHub's GraphQL mutations on discussions and their comments, which take the discussions scope. */
const DISCUSSION_MUTATIONS = new Set([
  'addDiscussionComment',
  'addDiscussionPollVote',
  'closeDiscussion',
  'createDiscussion',
  'deleteDiscussion',
  'deleteDiscussionComment',
  'markDiscussionCommentAsAnswer',
  'reopenDiscussion',
  'unmarkDiscussionCommentAsAnswer',
  'updateDiscussion',
  'updateDiscussionComment',
]);

/** actions/github-script: the REST calls its script makes, and GraphQL mutations on discussions. */
function script(step: Step, needs: JobNeeds, add: (s: Scopes) => void): void {
  const text = input(step, 'script')?.value;
  const label = stepName(step);
  if (typeof text !== 'string') return;
  const calls = [...text.matchAll(/\bgithub\.(?:rest\.)?(\w+)\.(\w+)\s*\(/g)];
  // GraphQL mutations that all act on discussions (each field given an `input:`, as GitHub's
  // mutations are): discussions write.
  const mutations = [...text.matchAll(/\b(\w+)\s*\(\s*input\s*:/g)].map((m) => m[1]!);
  if (
    /\bgithub\.graphql\b/.test(text) &&
    !/\bgithub\.(?:request|paginate)\b/.test(text) &&
    /\bmutation\b/.test(text) &&
    mutations.length > 0 &&
    mutations.every((m) => DISCUSSION_MUTATIONS.has(m))
  ) {
    add({ discussions: W });
    if (calls.length === 0) return;
  }
  if (/\bgithub\.(?:request|graphql|paginate)\b/.test(text) && calls.length === 0) {
    needs.unsure.push({ level: W, why: `${label} calls the API in a way that is not read here` });
    return;
  }
  const namespaces: Record<string, string> = {
    issues: 'issues',
    pulls: 'pull-requests',
    repos: 'contents',
    git: 'contents',
    actions: 'actions',
    checks: 'checks',
    reactions: 'issues',
  };
  for (const [, ns, method] of calls) {
    const scope = namespaces[ns!];
    if (!scope) {
      needs.unsure.push({
        level: W,
        why: `${label} calls github.rest.${ns}, which is not mapped to a scope`,
      });
      continue;
    }
    add({ [scope]: /^(?:get|list|check|compare|download)/.test(method!) ? R : W });
  }
}

function stepRun(
  step: Step,
  tokenInEnv: boolean,
  persisted: boolean,
  needs: JobNeeds,
  add: (s: Scopes) => void,
): void {
  const text = step.run!.value;
  const label = stepName(step);
  if (OIDC.test(text)) add({ 'id-token': W });
  if (persisted && GIT_PUSH.test(text)) add({ contents: W });
  if (persisted && RELEASE_SCRIPT.test(text))
    needs.unsure.push({
      level: W,
      why: `${label} runs a release script, which may push with the checkout's credentials`,
    });
  if (!tokenInEnv && !JOB_TOKEN.test(text)) return;
  let mapped = false;
  for (const m of text.matchAll(/\bgh\s+([a-z-]+)(?:\s+([a-z-]+))?/g)) {
    const [, group, command] = m;
    if (group === 'api') continue;
    const known = GH[group!];
    if (!known || !command) {
      if (group !== 'auth' && group !== 'extension' && group !== 'search') {
        needs.unsure.push({ level: W, why: `${label} runs "gh ${group}", which is not mapped to a scope` });
      }
      continue;
    }
    if (known.write.includes(command)) add({ [known.scope]: W });
    else if (known.read.includes(command)) add({ [known.scope]: R });
    else needs.unsure.push({ level: W, why: `${label} runs "gh ${group} ${command}", which is not mapped` });
    mapped = true;
  }
  for (const m of text.matchAll(/\bgh\s+api\s+([^\n;|&]*)/g)) {
    mapped = true;
    rest(m[1]!, label, needs, add);
  }
  for (const m of text.matchAll(
    /\bcurl\b[^\n]*api\.github\.com\/repos\/[^/\s]+\/[^/\s]+\/([^\s"'?]*)([^\n]*)/g,
  )) {
    mapped = true;
    const args = m[0];
    const write =
      /\s-X\s*(?:POST|PUT|PATCH|DELETE)|--request\s+(?:POST|PUT|PATCH|DELETE)|\s(?:-d|--data\S*)\s/.test(
        args,
      );
    restPath(m[1]!, write, label, needs, add);
  }
  if (!mapped)
    needs.unsure.push({ level: W, why: `${label} is given the token for a use that is not read here` });
}

/** `gh api <path> [-X METHOD] [-f ...]`. */
function rest(args: string, label: string, needs: JobNeeds, add: (s: Scopes) => void): void {
  const path = /(?:^|\s)['"]?\/?repos\/[^/\s]+\/[^/\s]+\/([^\s'"?]*)/.exec(args)?.[1];
  const write = /(?:-X|--method)\s*['"]?(?:POST|PUT|PATCH|DELETE)|\s-[fF]\s|--field|--raw-field|--input/.test(
    ` ${args}`,
  );
  if (path === undefined) {
    needs.unsure.push({ level: write ? W : R, why: `${label} calls "gh api ${args.trim().slice(0, 60)}"` });
    return;
  }
  restPath(path, write, label, needs, add);
}

function restPath(
  path: string,
  write: boolean,
  label: string,
  needs: JobNeeds,
  add: (s: Scopes) => void,
): void {
  const hit = REST.find(([re]) => re.test(path));
  if (!hit) {
    needs.unsure.push({ level: write ? W : R, why: `${label} calls the API at ${path || 'the repository'}` });
    return;
  }
  add({ [hit[1]]: write ? W : R });
}

/** Whether an `env:` map sets npm's `NPM_CONFIG_PROVENANCE` (any case) to true. */
function npmProvenance(map: LocatedMap | undefined): boolean {
  if (!map) return false;
  for (const [name, v] of map.entries) {
    if (name.toUpperCase() === 'NPM_CONFIG_PROVENANCE' && /^\s*true\s*$/i.test(String(v.value))) return true;
  }
  return false;
}

function mentionsToken(map: LocatedMap | undefined): boolean {
  if (!map) return false;
  for (const v of map.entries.values())
    if (typeof v.value === 'string' && JOB_TOKEN.test(v.value)) return true;
  return false;
}

/** `step "Build"`, `step "actions/checkout@v4"`, or `step #2` for an unnamed script. */
function stepName(step: Step): string {
  for (const v of [step.name?.value, step.id?.value, step.uses?.value])
    if (typeof v === 'string' && v) return `step "${v}"`;
  return `step #${step.index + 1}`;
}
