import path from 'node:path/posix';
import type { CommandView } from '../../parsers/shell-commands.js';
import {
  type Job,
  readWorkflowSource,
  type Step,
  WORKFLOW_GLOBS,
  type Workflow,
} from '../../parsers/workflow.js';
import { defineScreen } from '../../workspace/screens.js';
import type { Workspace } from '../../workspace/workspace.js';
import { cargoWorkspaceRoots, npmWorkspaceRoots, pubWorkspaceRoots } from '../repo/deps-lockfile.js';
import { followCalls } from '../workflow/pr-evidence-follow.js';
import { actionPathOf, eventsOf, input } from '../workflow/shared.js';
import { firstRealCommand } from '../workflow/shell.js';
import type { Manifest } from './ecosystems.js';
import {
  placedCommands,
  type RunDir,
  resolveDir,
  type UpdateCommand,
  updateCommands,
} from './update-commands.js';

/**
 * Update workflows: GitHub workflows that keep dependencies current by themselves, as a bot would. A
 * workflow is one when there is evidence that it is an updater and not a CI build: it runs on a
 * `schedule` or on `workflow_dispatch`, a job runs an update command (see update-commands.ts), and
 * that job, in the same step or a later one, takes the result out of the runner: it opens a pull
 * request (peter-evans/create-pull-request, `gh pr create`) or pushes a commit (`git push`, an
 * auto-commit action). The commands are read in `run:` scripts and, for a step at the checkout's
 * root, in the Makefile targets and repository scripts they call (`make update-deps`, `ci/relock`,
 * `./hack/update.sh`); a job that calls a local reusable workflow runs its jobs on the caller's
 * triggers. A command whose directory is computed when it runs (`cd "$dir"` in a loop over modules,
 * `working-directory: ${{ matrix.dir }}` without a literal list) is taken to reach every manifest
 * of its ecosystem under the literal part of that directory (the root for `cd "$ROOT/$module"`).
 */

/** An update command of an update workflow. */
export interface WorkflowUpdate extends UpdateCommand {
  /** The workflow that runs it (the caller, for a command of a reusable workflow it calls). */
  workflow: string;
}

/** The repository's update workflows and their update commands. */
export interface UpdateWorkflows {
  /** Workflows with at least one update whose result leaves the job, in index order. */
  files: string[];
  updates: WorkflowUpdate[];
}

/** Triggers of an updater: a timetable, or a maintainer's hand. */
const UPDATE_TRIGGERS = ['schedule', 'workflow_dispatch'];
/** Workflows that may be updaters: a trigger of theirs is named (read before being parsed). */
const MAY_UPDATE = defineScreen('update-workflow-triggers', (_file, text) =>
  /\b(?:schedule|workflow_dispatch)\b/.test(text),
);

/** Actions that open a pull request or push a commit with the job's changes (`owner/repo`, lower case). */
const OUTLET_ACTIONS = new Set([
  'peter-evans/create-pull-request',
  'stefanzweifel/git-auto-commit-action',
  'endbug/add-and-commit',
  'ad-m/github-push-action',
  'planetscale/ghcommit-action',
  'devops-infra/action-pull-request',
  'repo-sync/pull-request',
  'gr2m/create-or-update-pull-request-action',
  'technote-space/create-pr-action',
  'suzuki-shunsuke/commit-action',
  'iarekylew00t/verified-bot-commit',
  'actions-js/push',
]);
/** Commands that open a pull request or push a branch. */
const OUTLET_COMMAND =
  /(?<![\w-])(?:gh\s+pr\s+create|hub\s+pull-request|git\s+(?:-[cC]\s+\S+\s+){0,4}push)(?![\w-])/;
/** A github-script step that opens a pull request or writes commits through the API. */
const OUTLET_SCRIPT = /\.(?:pulls\.create|git\.createCommit|repos\.createOrUpdateFileContents)\s*\(/;

const ROOT: RunDir = { path: '', exact: true };

/** The update workflows of the workspace (cached per tree), or undefined when there is none. */
export function readUpdateWorkflows(ws: Workspace): UpdateWorkflows | undefined {
  return ws.memo('deps.update-workflows', '', () => {
    const files: string[] = [];
    const updates: WorkflowUpdate[] = [];
    for (const file of ws.screenedGlob(WORKFLOW_GLOBS, MAY_UPDATE)) {
      const workflow = readWorkflowSource(ws, file);
      if (workflow?.kind !== 'workflow') continue;
      const events = eventsOf(workflow);
      if (!UPDATE_TRIGGERS.some((e) => events.has(e))) continue;
      const found = workflow.jobs.flatMap((job) => [
        ...jobUpdates(ws, workflow, job),
        ...calledUpdates(ws, workflow, job),
      ]);
      if (found.length === 0) continue;
      files.push(file);
      updates.push(...found);
    }
    return files.length > 0 ? { files, updates } : undefined;
  });
}

/**
 * A home-grown update workflow: one on `schedule` with a step, named for updating (the workflow,
 * job or step name, or a script it runs: `update.sh`, `make bump-versions`), whose script or the
 * repository scripts it calls look up the latest upstream versions (`git ls-remote --tags`, a
 * releases or tags URL, `gh release view`, a registry's list of versions), and a step at or after it
 * that opens a pull request or pushes a commit. It updates what its script regenerates (pinned
 * versions in Dockerfiles, a versions file), which is not known by ecosystem: it is an update tool,
 * but covers no manifest for dependency-update-coverage.
 */
export interface ScriptedUpdate {
  workflow: string;
  /** The step that updates: its name, else its first line. */
  step: string;
}

/** Commands and URLs that ask upstream for its latest versions. */
const VERSION_LOOKUP = new RegExp(
  [
    String.raw`\bgit\s+ls-remote\b[^\n]*(?:--tags|refs/tags)`,
    // A listing of releases or tags (`.../releases`, `.../releases/latest`, `.../tags`), not a download.
    String.raw`https?://[^\s'"]*/(?:releases|tags)(?:/latest)?/?(?=[\s'"?)|\\]|$)`,
    String.raw`\bgh\s+(?:release\s+(?:view|list)|api\s+\S*(?:releases|tags))`,
    String.raw`\bnpm\s+(?:view|show|info)\s+\S+\s+(?:version|versions|dist-tags)\b`,
    String.raw`\bpip3?\s+index\s+versions\b`,
    String.raw`\bskopeo\s+list-tags\b`,
    String.raw`\bcrane\s+ls\b`,
    String.raw`\bregctl\s+tag\s+ls\b`,
  ].join('|'),
  'm',
);
/** A name that says it updates: `update.sh`, `Bump versions`, `upgrade-deps`. */
const UPDATE_NAME = /(?:^|[^a-z])(?:update|upgrade|bump|refresh|regenerate)/i;
/** Scripts and make targets a `run:` names (`./update.sh`, `make bump-versions`). */
const RUN_NAMES = /[\w./-]+\.(?:sh|bash|py|m?js|ts|rb|pl)\b|(?<![\w-])g?make(?:\s+-\S+)*\s+([\w-]+)/g;

/** The repository's home-grown update workflows (cached per tree); see {@link ScriptedUpdate}. */
export function readScriptedUpdates(ws: Workspace): ScriptedUpdate[] {
  return ws.memo('deps.scripted-updates', '', () => {
    const out: ScriptedUpdate[] = [];
    for (const file of ws.screenedGlob(WORKFLOW_GLOBS, MAY_UPDATE)) {
      const workflow = readWorkflowSource(ws, file);
      if (workflow?.kind !== 'workflow' || !eventsOf(workflow).has('schedule')) continue;
      for (const job of workflow.jobs) {
        const found = scriptedStep(ws, workflow, job);
        if (found) {
          out.push({ workflow: file, step: found });
          break;
        }
      }
    }
    return out;
  });
}

/** The step of a job that updates by a script of its own, with an outlet at or after it. */
function scriptedStep(ws: Workspace, workflow: Workflow, job: Job): string | undefined {
  const named = [workflow.name?.value, job.id, job.name?.value].some(
    (n) => typeof n === 'string' && UPDATE_NAME.test(n),
  );
  let updating: { index: number; label: string } | undefined;
  for (const step of job.steps) {
    const run = typeof step.run?.value === 'string' ? step.run.value : '';
    const texts = run ? [run, ...followCalls(ws, run).map((f) => f.text)] : [];
    if (!updating && run) {
      const names = [
        step.name?.value,
        step.id?.value,
        ...[...run.matchAll(RUN_NAMES)].map((m) => m[1] ?? m[0]),
      ];
      const says = named || names.some((n) => typeof n === 'string' && UPDATE_NAME.test(n));
      if (says && texts.some((t) => VERSION_LOOKUP.test(t))) {
        const label = typeof step.name?.value === 'string' ? step.name.value : run.trim().split('\n')[0]!;
        updating = { index: step.index, label };
      }
    }
    if (updating && isOutlet(step, texts)) return updating.label;
  }
  return undefined;
}

/** The updates of the jobs of a local reusable workflow that `job` calls (one level). */
function calledUpdates(ws: Workspace, caller: Workflow, job: Job): WorkflowUpdate[] {
  const uses = job.uses?.value;
  if (!uses?.startsWith('./.github/workflows/')) return [];
  const called = readWorkflowSource(ws, uses.slice(2).replace(/@.*$/, ''));
  if (called?.kind !== 'workflow' || called.path === caller.path) return [];
  return called.jobs.flatMap((j) => jobUpdates(ws, called, j).map((u) => ({ ...u, workflow: caller.path })));
}

/** The update commands of a job that a step at or after theirs takes out of the runner. */
function jobUpdates(ws: Workspace, workflow: Workflow, job: Job): WorkflowUpdate[] {
  const found: { step: number; update: UpdateCommand }[] = [];
  let lastOutlet = -1;
  for (const step of job.steps) {
    const run = typeof step.run?.value === 'string' ? step.run.value : '';
    const texts = [run];
    for (const start of run ? stepDirs(workflow, job, step) : []) {
      for (const update of updateCommands(run, start)) found.push({ step: step.index, update });
      for (const called of calledTexts(ws, run, start)) {
        texts.push(called.text);
        for (const update of updateCommands(called.text, called.start, called.recipe))
          found.push({ step: step.index, update });
      }
    }
    if (isOutlet(step, texts)) lastOutlet = step.index;
  }
  return found.filter((f) => f.step <= lastOutlet).map((f) => ({ ...f.update, workflow: workflow.path }));
}

/** Whether a step opens a pull request or pushes commits (in its script or the texts it calls). */
function isOutlet(step: Step, texts: readonly string[]): boolean {
  const action = actionPathOf(step.uses);
  if (action) {
    const repo = action.split('/').slice(0, 2).join('/');
    if (OUTLET_ACTIONS.has(repo)) return true;
    const script = input(step, 'script')?.value;
    return repo === 'actions/github-script' && typeof script === 'string' && OUTLET_SCRIPT.test(script);
  }
  return texts.some((t) => firstRealCommand(t, OUTLET_COMMAND) !== undefined);
}

/**
 * The directories a step's script starts in: its `working-directory`, else the job's or the
 * workflow's `defaults.run.working-directory`, else the root; one per value of a matrix variable
 * that it is made of, when the matrix lists them.
 */
function stepDirs(workflow: Workflow, job: Job, step: Step): RunDir[] {
  const value =
    step.value['working-directory'] ??
    job.defaults?.workingDirectory?.value ??
    workflow.defaults?.workingDirectory?.value;
  if (value === undefined || value === null) return [ROOT];
  if (typeof value !== 'string') return [];
  const m = /^\$\{\{\s*matrix\.([\w-]+)\s*\}\}(.*)$/.exec(value.trim());
  const listed = m ? matrixValues(job, m[1]!) : undefined;
  const dirs = listed ? listed.map((v) => resolveDir(ROOT, `${v}${m![2]}`)) : [resolveDir(ROOT, value)];
  return dirs.filter((d): d is RunDir => d !== null);
}

/** The values a matrix gives a variable, when all are literal (its list and its `include` entries). */
function matrixValues(job: Job, name: string): string[] | undefined {
  const matrix = job.matrix?.value;
  if (!matrix || typeof matrix !== 'object' || Array.isArray(matrix)) return undefined;
  const { [name]: list, include } = matrix as Record<string, unknown>;
  const values = [
    ...(Array.isArray(list) ? list : list === undefined ? [] : [list]),
    ...(Array.isArray(include) ? include.flatMap((e) => (e && typeof e === 'object' ? [e[name]] : [])) : []),
  ].filter((v) => v !== undefined);
  return values.length > 0 && values.every((v) => typeof v === 'string') ? (values as string[]) : undefined;
}

/** Names of the programs whose callee texts are read: make, and scripts run by path or by a shell. */
const CALLERS = /^(?:g?make|(?:ba|z|da)?sh|.+\.(?:sh|bash))$/;

/**
 * Whether a command runs a file of the repository by its path (`ci/relock`, `./hack/update`): an
 * executable script without an extension too (followCalls reads it when it has a shebang).
 */
const runsByPath = (view: CommandView) => (view.command.words[view.nameIndex]?.value ?? '').includes('/');

/**
 * The Makefile recipes and repository scripts a script calls from the root (their paths are looked
 * up from the root), each with the directory it starts in (`make -C dir` runs there).
 */
function calledTexts(
  ws: Workspace,
  script: string,
  start: RunDir,
): { text: string; start: RunDir; recipe: boolean }[] {
  const out: { text: string; start: RunDir; recipe: boolean }[] = [];
  for (const { view, dir } of placedCommands(script, start)) {
    if (!dir?.exact || dir.path !== '' || !(CALLERS.test(view.name) || runsByPath(view))) continue;
    const words = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
    const c = words.findIndex((w) => w === '-C' || w === '--directory');
    const from = view.name.endsWith('make') && c >= 0 ? resolveDir(ROOT, words[c + 1] ?? '') : ROOT;
    if (!from) continue;
    for (const called of followCalls(ws, script.slice(view.command.start, view.command.end))) {
      out.push({ text: called.text, start: from, recipe: called.target !== undefined });
    }
  }
  return out;
}

/**
 * Whether an update workflow updates the manifest: an update of its ecosystem (and, for tools that
 * update some manifests only, of its kind) reaches its directory (see {@link UpdateCommand}).
 */
export function workflowCovers(ws: Workspace, config: UpdateWorkflows, m: Manifest): boolean {
  const name = m.file.slice(m.file.lastIndexOf('/') + 1);
  return config.updates.some(
    (u) =>
      u.ecosystem === m.ecosystem &&
      (!u.names || u.names.test(name)) &&
      u.dirs.some((d) => reaches(ws, u, d, m)),
  );
}

function reaches(ws: Workspace, u: UpdateCommand, d: RunDir, m: Manifest): boolean {
  const under = d.path === '' || m.dir === d.path || m.dir.startsWith(`${d.path}/`);
  if (!d.exact || u.reach === 'tree') return under;
  if (u.reach === 'module') return m.file === goModuleOf(ws, d.path);
  if (m.dir === d.path) return true;
  if (m.ecosystem === 'npm') return npmWorkspaceRoots(ws, m.dir).includes(d.path);
  if (m.ecosystem === 'pub') return pubWorkspaceRoots(ws, m.dir).includes(d.path);
  return m.ecosystem === 'cargo' && cargoWorkspaceRoots(ws, m.dir).includes(d.path);
}

/** The go.mod of the module that holds a directory: the nearest at or above it. */
function goModuleOf(ws: Workspace, dir: string): string | undefined {
  for (let d = dir; ; d = d.includes('/') ? path.dirname(d) : '') {
    const file = d === '' ? 'go.mod' : `${d}/go.mod`;
    if (ws.has(file)) return file;
    if (d === '') return undefined;
  }
}
