import { setAt } from '../../fix/yaml-edit.js';
import type { FixBatches, FixTarget } from '../../fix/yaml-fix.js';
import { localActionSteps, type Step, type WorkflowSource } from '../../parsers/workflow.js';
import type { Workspace } from '../../workspace/workspace.js';
import { commandsOf } from './commands.js';
import { followCalls } from './pr-evidence-follow.js';
import { memoByScript } from './script-memo.js';
import { actionOf, input, isTrue, stepLabel } from './shared.js';

/**
 * Script text that uses the credentials a checkout leaves behind: git commands that talk to the
 * remote (a push, and in a private repository a fetch too), and tools that push with git. ghp-import
 * and mike commit to the pages branch and push it only when told to (`-p`, `--push`): `mike deploy
 * dev` alone leaves the commit in the local clone.
 */
const GIT_FETCH = /\bgit\s+(?:-[cC]\s+\S+\s+)*(?:fetch|pull|ls-remote|submodule|remote\s+update)\b/;
const GIT_PUSH =
  /\bgit\s+(?:-[cC]\s+\S+\s+)*push\b|\bgh-deploy\b|\b(?:ghp-import|mike\s+(?:deploy|delete|alias|set-default|retitle))\b[^\n;&|]*?\s(?:--push\b|-[A-Za-z]*p[A-Za-z]*(?![\w-]))|semantic-release|\bchangeset\s+(?:publish|version)\b|\blerna\s+(?:publish|version)\b|\bnpm\s+version\b|standard-version|release-it/;

/**
 * A repository script whose name says it releases, or cherry-picks or backports changes onto another
 * branch: what it does with git is not visible here.
 */
const RELEASE_SCRIPT =
  /(?:^|[\s/])[\w.-]*(?:release|publish|deploy|push|bump|tag|backport|cherry[-_]?pick)[\w.-]*\.(?:sh|bash|py|rb|js|mjs|ts|ps1)\b/i;

/**
 * A step whose work is not visible here: a repository script run by path or through an interpreter,
 * or a task runner's target (`make release`, `mage helm:update`, `npm run deploy`, `go run ./cmd/x`).
 * It may push with what a checkout persisted, which no command of the workflow shows.
 */
const OPAQUE_RUN =
  /(?:^|[\s;&|(])(?:\.{1,2}\/[\w./-]+|(?:bash|sh|zsh|python3?|node|ruby|perl|pwsh)\s+[\w./-]+\.\w+|[\w./-]+\.(?:sh|bash|py|rb|js|mjs|cjs|ts|ps1)(?![\w.-])|(?:make|gmake|mage|just|task|rake|mvn|gradle|nox|tox|invoke|earthly)(?=\s|$)|(?:npm|yarn|pnpm|bun|uv|poetry|pdm|hatch)\s+run\s|go\s+run\s|cargo\s+(?:make|xtask|run)(?![\w-])|bundle\s+exec\s)/m;

/**
 * Actions that commit and push with the credentials checkout persisted. korthout/backport-action
 * pushes the branch it cherry-picked with them (its README runs it after a plain checkout); other
 * cherry-pick and backport actions are known by their name ({@link PUSHING_NAME}).
 */
const PUSHING_ACTIONS = new Set([
  'korthout/backport-action',
  'stefanzweifel/git-auto-commit-action',
  'endbug/add-and-commit',
  'ad-m/github-push-action',
  'changesets/action',
  'cycjimmy/semantic-release-action',
  'actions-js/push',
  'devops-infra/action-commit-push',
  'github-actions-x/commit',
]);

/**
 * Actions that push over the remote's own protocol: with an SSH remote (a checkout given `ssh-key:`)
 * they push with the SSH key checkout persisted, as create-pull-request's documentation sets up a
 * deploy key; over HTTPS they bring their own token.
 */
const SSH_PUSHING_ACTIONS = new Set(['peter-evans/create-pull-request']);

/** Whether a checkout step persists an SSH key (`ssh-key:`), which makes `origin` an SSH remote. */
export function persistsSshKey(step: Step): boolean {
  const key = input(step, 'ssh-key')?.value;
  return typeof key === 'string' && key.trim() !== '';
}

/**
 * The fix of a checkout that leaves the token on disk: `persist-credentials: false` in its `with:`
 * (created after `uses:` when missing). Not when a later step of the job may use the credentials:
 * a git command that talks to the remote, a tool or action that pushes, a release script.
 */
export function persistCredentialsFix(
  workspace: Workspace,
  fixes: FixBatches,
  finding: FixTarget,
  source: WorkflowSource,
  steps: readonly Step[],
  step: Step,
): void {
  const user = laterCredentialUser(workspace, steps, step);
  if (user) {
    finding.unfixable = `step "${stepLabel(user)}" may push or fetch with the persisted credentials; pass it the token explicitly, then set persist-credentials: false`;
    return;
  }
  const target = `${step.pointer}/with/persist-credentials`;
  fixes.add(
    finding,
    source.path,
    source.document,
    'Add persist-credentials: false to the checkout',
    (editor) => {
      const entry = { key: 'persist-credentials', value: false };
      if (step.with && (step.with.value === null || typeof step.with.value !== 'object'))
        return 'its with: is not a mapping';
      const edit = step.with
        ? editor.insertEntry(step.with.pointer, entry)
        : editor.insertEntry(step.pointer, { key: 'with', value: [entry] }, { after: 'uses' });
      return edit ? [edit] : 'the step is written through an alias or in a form that cannot be edited safely';
    },
    (doc) => setAt(doc, target, false),
  );
}

/**
 * The first step after `step` that may use the credentials it persists: a git command that talks to
 * the remote (a fetch too: a private repository needs them for it), a tool or action that pushes, a
 * release script.
 */
export function laterCredentialUser(
  workspace: Workspace,
  steps: readonly Step[],
  step: Step,
): Step | undefined {
  const test = persistsSshKey(step) ? usesSshCredentials : usesCredentials;
  return firstAfter(
    step,
    credentialUsers(steps, test),
    localUsers(workspace, steps, test),
    scriptUsers(workspace, steps, talksToRemote),
  );
}

/** Whether a step after `step` runs work not visible here (a repository script, a task runner). */
export function laterOpaqueRun(steps: readonly Step[], step: Step): boolean {
  return steps.some((s) => s.index > step.index && s.run !== undefined && OPAQUE_RUN.test(s.run.value));
}

/**
 * The first step after `step` that may push with the credentials it persists (a git push, a tool or
 * action that pushes, a release script; not a fetch, which a public repository needs no token for):
 * the job relies on them, as an explicit `persist-credentials: true` says.
 */
export function laterPusher(
  workspace: Workspace,
  steps: readonly Step[],
  step: Step,
  /** Whether a push inside a repository script counts (see {@link scriptUsers}). */
  scripts = true,
): Step | undefined {
  const test = persistsSshKey(step) ? pushesOverSsh : pushesWithCredentials;
  return firstAfter(
    step,
    credentialUsers(steps, test),
    localUsers(workspace, steps, test),
    scripts ? scriptUsers(workspace, steps, pushes) : [],
  );
}

/**
 * The steps of a job whose `run:` hands work to a repository script, a Makefile target or a
 * package.json script (pr-evidence-follow.ts) whose text passes a test: `scripts/publish` that runs
 * `mkdocs gh-deploy` may push with the persisted credentials, or not, as its arguments decide (the
 * rule takes it for a guess). Found once per job, test and workspace (the texts are read from it).
 */
const SCRIPT_USERS: JobMemo<(text: string) => boolean> = new WeakMap();
function scriptUsers(workspace: Workspace, steps: readonly Step[], test: (text: string) => boolean): Step[] {
  return memoByJob(SCRIPT_USERS, workspace, steps, test, () =>
    steps.filter((s) => s.run !== undefined && followCalls(workspace, s.run.value).some((f) => test(f.text))),
  );
}

/** Script text that pushes with the persisted credentials. */
export function pushes(text: string): boolean {
  return GIT_PUSH.test(text) && !pushesOnlyOwnClones(text);
}

/** Script text that pushes or fetches with the persisted credentials. */
function talksToRemote(text: string): boolean {
  return pushes(text) || GIT_FETCH.test(text);
}

/** A `git push` command (global options first), as {@link GIT_PUSH} finds it. */
const GIT_PUSH_COMMAND = /\bgit\s+(?:-[cC]\s+\S+\s+)*push\b/g;

/** `git clone` options whose value is the next word. */
const CLONE_VALUES = new Set([
  '-b',
  '--branch',
  '-o',
  '--origin',
  '-c',
  '--config',
  '--depth',
  '--reference',
  '--filter',
  '-j',
  '--jobs',
  '-u',
  '--upload-pack',
  '--template',
  '--separate-git-dir',
  '--shallow-since',
  '--shallow-exclude',
]);

/**
 * Whether every push of a script happens in a repository the script cloned itself (`git clone URL
 * dir && cd dir && git push`, `git -C dir push`): checkout keeps its credentials in its own
 * repository's configuration, which a new clone does not share, so such a push authenticates with
 * what the clone was given (an SSH key, a token in its URL), not with them. Only `git push` counts:
 * a tool that pushes (gh-deploy, semantic-release, ...) pushes the checkout. A `cd` anywhere but into
 * a clone, or a push whose directory is not seen, is taken as a push of the checkout. Read once per
 * script text.
 */
const pushesOnlyOwnClones: (text: string) => boolean = memoByScript(ownClonesOnly);

function ownClonesOnly(text: string): boolean {
  if (GIT_PUSH.test(text.replace(GIT_PUSH_COMMAND, ''))) return false;
  const clones = new Set<string>();
  const dir = (path: string) => path.replace(/^\.\//, '').replace(/\/+$/, '');
  let inClone = false;
  let pushed = false;
  for (const command of commandsOf(text)) {
    const words = command.program.map((w) => w.text);
    if (words[0] === 'cd' || words[0] === 'pushd') {
      inClone = words[1] !== undefined && clones.has(dir(words[1]));
      continue;
    }
    if (words[0] !== 'git') continue;
    let i = 1;
    let at: string | undefined;
    while (i < words.length && words[i]!.startsWith('-')) {
      if (words[i] === '-C') at = words[i + 1];
      i += words[i] === '-c' || words[i] === '-C' ? 2 : 1;
    }
    if (words[i] === 'clone') {
      const operands: string[] = [];
      for (let j = i + 1; j < words.length; j++) {
        const w = words[j]!;
        if (w === '--') continue;
        if (w.startsWith('-')) {
          if (CLONE_VALUES.has(w)) j++;
          continue;
        }
        operands.push(w);
      }
      const name =
        operands[1] ??
        operands[0]
          ?.replace(/\/+$/, '')
          .split(/[/:]/)
          .pop()
          ?.replace(/\.git$/, '');
      if (name && !name.includes('$')) clones.add(dir(at ? `${dir(at)}/${name}` : name));
    } else if (words[i] === 'push') {
      pushed = true;
      if (!(at === undefined ? inClone : clones.has(dir(at)))) return false;
    }
  }
  return pushed;
}

/**
 * The steps of a job that run a composite action of this repository with a step that passes the
 * test, found once per job, test and workspace (asked for every checkout of the job, not once per
 * checkout; per workspace, because the action's file is read from it and a base tree may hold
 * another version of it).
 */
const LOCAL_USERS: JobMemo<(step: Step) => boolean> = new WeakMap();
function localUsers(workspace: Workspace, steps: readonly Step[], test: (step: Step) => boolean): Step[] {
  // A local composite action's `run:` steps run in the same job, with the same checkout and the
  // credentials it persisted: a `git push` there pushes with them. One level: an action it runs in
  // turn is not followed.
  return memoByJob(LOCAL_USERS, workspace, steps, test, () =>
    steps.filter((s) => localActionSteps(workspace, s)?.some(test)),
  );
}

/** Steps found per workspace, test and job (a job's steps are one array for the run). */
type JobMemo<T> = WeakMap<Workspace, Map<T, WeakMap<readonly Step[], Step[]>>>;

/** The steps `find` picks, once per workspace, test and job. */
function memoByJob<T>(
  memo: JobMemo<T>,
  workspace: Workspace,
  steps: readonly Step[],
  test: T,
  find: () => Step[],
): Step[] {
  let byTest = memo.get(workspace);
  if (!byTest) {
    byTest = new Map();
    memo.set(workspace, byTest);
  }
  let byJob = byTest.get(test);
  if (!byJob) {
    byJob = new WeakMap();
    byTest.set(test, byJob);
  }
  let found = byJob.get(steps);
  if (!found) {
    found = find();
    byJob.set(steps, found);
  }
  return found;
}

/** The first step of the lists that runs after `step`. */
function firstAfter(step: Step, ...lists: Step[][]): Step | undefined {
  return lists
    .flat()
    .filter((s) => s.index > step.index)
    .sort((a, b) => a.index - b.index)[0];
}

/** The steps of a job that pass a test, read once per job and test. */
const USERS = new WeakMap<(step: Step) => boolean, WeakMap<readonly Step[], Step[]>>();
function credentialUsers(steps: readonly Step[], test: (step: Step) => boolean): Step[] {
  let byJob = USERS.get(test);
  if (!byJob) {
    byJob = new WeakMap();
    USERS.set(test, byJob);
  }
  let users = byJob.get(steps);
  if (!users) {
    users = steps.filter(test);
    byJob.set(steps, users);
  }
  return users;
}

/**
 * An action not listed whose name says it pushes or commits (`helpers/version-push`), or cherry-picks
 * or backports commits onto another branch (`<owner>/github-cherry-pick-action`,
 * `<owner>/backport`), which it then pushes: it may push with the persisted credentials.
 * "pre-commit" (`pre-commit/action`, `pre-commit-ci/lite-action`) names the hook framework, whose
 * actions run the hooks and push nothing with the checkout's token; nor does an action about commit
 * messages (`conventional_commit_config`, `commit-lint`). An action that opens a pull request
 * (peter-evans/create-pull-request) pushes over HTTPS with a token of its own, not with these.
 */
const PUSHING_NAME =
  /(?:^|(?<!(?:^|[-_/])(?:pre|post))[-_/])(?:push|commit|cherry[-_]?pick|backport)(?:$|[-_/](?!(?:config|lint|msg|message|check|title|convention)))/i;

/**
 * An action whose name says what it pushes is an image, a chart or a package, to a registry
 * (`docker/build-push-action`, `<owner>/docker-build-push`, `redhat-actions/push-to-registry`): it
 * pushes with registry credentials, not with git and the checkout's token.
 */
const REGISTRY_PUSH =
  /(?:^|[-_/])(?:docker|image|images|container|containers|oci|registry|ecr|gcr|acr|ghcr|quay|podman|buildah|buildx|helm|chart|charts|npm|pypi|nuget|maven|gem|cargo)(?:$|[-_/])/i;

function usesCredentials(step: Step): boolean {
  return pushesWithCredentials(step) || (step.run !== undefined && GIT_FETCH.test(step.run.value));
}

function usesSshCredentials(step: Step): boolean {
  return usesCredentials(step) || pushesOverSsh(step);
}

/** A step that pushes with what a checkout given `ssh-key:` persisted. */
function pushesOverSsh(step: Step): boolean {
  const action = actionOf(step.uses);
  return pushesWithCredentials(step) || (action !== undefined && SSH_PUSHING_ACTIONS.has(action));
}

/**
 * An action input that tells it to push its changes with git (`git-push: true`, as actions that
 * regenerate docs or schemas in a pull request's branch take): set true, the action pushes with what
 * the checkout persisted.
 */
const GIT_PUSH_INPUT = /^git[-_]?push$/i;

function pushesWithCredentials(step: Step): boolean {
  if (step.run) return pushes(step.run.value) || RELEASE_SCRIPT.test(step.run.value);
  const action = actionOf(step.uses);
  if (action === undefined) return false;
  if (PUSHING_ACTIONS.has(action)) return true;
  for (const [key, value] of step.with?.entries ?? [])
    if (GIT_PUSH_INPUT.test(key) && isTrue(value)) return true;
  const path = (step.uses?.value ?? '').split('@')[0]!.toLowerCase();
  return !path.startsWith('./') && !REGISTRY_PUSH.test(path) && PUSHING_NAME.test(path);
}
