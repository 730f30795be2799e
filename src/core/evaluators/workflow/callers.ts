import { parseUses } from '../../parsers/uses.js';
import type { Job, LocatedMap, Step, Workflow, WorkflowSource } from '../../parsers/workflow.js';
import {
  localAction,
  readWorkflowSource,
  walkWorkflows,
  workflowFiles,
  workflowSources,
} from '../../parsers/workflow.js';
import type { Workspace } from '../../workspace/workspace.js';

/** A job that calls a local reusable workflow, or a step that uses a local action. */
export interface LocalCaller {
  source: WorkflowSource;
  job?: Job;
  step?: Step;
  with?: LocatedMap;
}

/**
 * The jobs and steps of the repository that call the reusable workflow or local action in `file`
 * (`uses: ./.github/workflows/x.yml`, `uses: ./path/to/action`, or the same with `$/`), so that
 * `inputs.*` can be followed back to the values passed in. Indexed once per run.
 */
export function localCallers(workspace: Workspace, file: string): LocalCaller[] {
  const index = workspace.memo('workflow-local-callers', '', () => {
    const map = new Map<string, LocalCaller[]>();
    const add = (target: string, caller: LocalCaller) => {
      const list = map.get(target);
      if (list) list.push(caller);
      else map.set(target, [caller]);
    };
    walkWorkflows(workflowSources(workspace), {
      // Every calling job, as GitHub reads them: which events reach a reusable workflow.
      everyStep: true,
      job(job, workflow) {
        const ref = job.uses && parseUses(job.uses.value);
        if (ref && ref.kind === 'local')
          add(normalize(ref.path), { source: workflow, job, ...withOf(job.with) });
      },
      step(step, source, job) {
        const ref = step.uses && parseUses(step.uses.value);
        if (ref?.kind !== 'local') return;
        const dir = normalize(ref.path).replace(/\/$/, '');
        const caller: LocalCaller = { source, step, ...(job ? { job } : {}), ...withOf(step.with) };
        for (const name of ['action.yml', 'action.yaml']) add(dir === '' ? name : `${dir}/${name}`, caller);
      },
    });
    return map;
  });
  return index.get(file) ?? [];
}

/**
 * The reusable workflow of this repository a job calls (`uses: ./.github/workflows/x.yml`), when it is
 * found here; undefined for a step job, a workflow of another repository (its content is not seen
 * here) or a path that holds no workflow.
 */
export function calledWorkflow(workspace: Workspace, job: Job): Workflow | undefined {
  const ref = job.uses && parseUses(job.uses.value);
  if (ref?.kind !== 'local') return undefined;
  const called = readWorkflowSource(workspace, normalize(ref.path.replace(/@.*$/, '')));
  return called?.kind === 'workflow' ? called : undefined;
}

/**
 * The reusable workflow of this repository a job calls: by a local path ({@link calledWorkflow}) or,
 * given the run's repository (`owner/repo`, lower case), by this repository's own name at a ref
 * (`owner/repo/.github/workflows/x.yml@main`), which runs that ref's version of the same file: the
 * tree's is taken for it.
 */
export function calledHere(workspace: Workspace, job: Job, repository?: string): Workflow | undefined {
  const local = calledWorkflow(workspace, job);
  if (local || repository === undefined || !job.uses) return local;
  const path = ownWorkflowPath(job.uses.value, repository);
  const called = path === undefined ? undefined : readWorkflowSource(workspace, path);
  return called?.kind === 'workflow' ? called : undefined;
}

/**
 * The jobs of this repository that call the reusable workflow in `file`: by a local path
 * ({@link localCallers}) or, given the run's repository, by this repository's own name at a ref (see
 * {@link calledHere}). Indexed once per run.
 */
export function callingJobs(
  workspace: Workspace,
  file: string,
  repository?: string,
): { source: Workflow; job: Job }[] {
  const local = localCallers(workspace, file).flatMap((c) =>
    c.source.kind === 'workflow' && c.job?.uses ? [{ source: c.source, job: c.job }] : [],
  );
  if (repository === undefined) return local;
  const index = workspace.memo('workflow-own-name-callers', repository, () => {
    const map = new Map<string, { source: Workflow; job: Job }[]>();
    walkWorkflows(workflowSources(workspace), {
      job(job, workflow) {
        const path = job.uses && ownWorkflowPath(job.uses.value, repository);
        if (path === undefined) return;
        const list = map.get(path);
        if (list) list.push({ source: workflow, job });
        else map.set(path, [{ source: workflow, job }]);
      },
    });
    return map;
  });
  return [...local, ...(index.get(file) ?? [])];
}

/** The path of a reusable workflow `uses` names in `repository` itself (`owner/repo/.github/workflows/x.yml@ref`). */
function ownWorkflowPath(uses: string, repository: string): string | undefined {
  const ref = parseUses(uses);
  if (ref.kind !== 'repository' || `${ref.owner}/${ref.repo}`.toLowerCase() !== repository) return undefined;
  return ref.path && /^\.github\/workflows\/[^/]+\.ya?ml$/.test(ref.path) ? ref.path : undefined;
}

function withOf(map: LocatedMap | undefined): { with?: LocatedMap } {
  return map ? { with: map } : {};
}

/**
 * The reusable workflows and local actions of this repository that the workflows and actions in
 * `files` call or use, directly or through the ones they call in turn: those whose runs the callers'
 * triggers and grants decide (a rule's `affectedBy` when it judges a called workflow by its callers).
 */
export function calledFrom(workspace: Workspace, files: readonly string[]): string[] {
  const seen = new Set<string>();
  const queue = files.filter((f) => workspace.has(f));
  const reach = (file: string | undefined) => {
    if (file === undefined || seen.has(file)) return;
    seen.add(file);
    queue.push(file);
  };
  for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
    const source = readWorkflowSource(workspace, f);
    if (!source) continue;
    // A job kept from running on some events still calls on others: every one counts.
    walkWorkflows([source], {
      everyStep: true,
      job: (job) => reach(calledWorkflow(workspace, job)?.path),
      step: (step) => reach(localAction(workspace, step)?.path),
    });
  }
  return [...seen];
}

/**
 * Every workflow and action file of either tree: a rule's `affectedBy` when a changed workflow may
 * alter its findings in any other (the workflows a `workflow_run` trigger names, every workflow's
 * triggers), which are all the files such a rule judges.
 */
export function everyWorkflow(_changed: readonly string[], head: Workspace, base: Workspace): string[] {
  return [...workflowFiles(head.tree()), ...workflowFiles(base.tree())];
}

/**
 * The workflow and action files whose findings a change of `changed` may alter, for a rule that
 * reads across workflows only through the links between them: the changed files and every file
 * linked to them, on either tree, through chains of links in any direction. Two files are linked
 * when one calls the other (a job's `uses:` of a reusable workflow, a step's of a local action, by a
 * local path or by any repository's path to a file here, as this repository's own name at a ref
 * reads), or when one's `workflow_run` trigger names the other (by its `name:`, or by its file name,
 * which a workflow without a name goes by). Whole linked groups are taken, not only callers and
 * callees: a called workflow is judged by its callers' triggers, and a caller by what its other
 * called workflows do with what it hands them. A changed file that is no workflow or action (a
 * script, a package.json, an ignore file: what a step runs or builds) is read in ways not followed
 * here: then every workflow and action of either tree ({@link everyWorkflow}).
 */
export function linkedWorkflows(changed: readonly string[], head: Workspace, base: Workspace): string[] {
  const every = everyWorkflow(changed, head, base);
  const known = new Set(every);
  if (changed.some((f) => !known.has(f))) return every;
  const trees = [treeLinks(head.tree()), treeLinks(base.tree())];
  const seen = new Set(changed);
  const queue = [...changed];
  for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
    for (const links of trees) {
      for (const next of links.of(f)) {
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return [...seen].filter((f) => known.has(f));
}

/** The links of {@link linkedWorkflows} of one tree, found as the walk asks for them (one per tree). */
function treeLinks(workspace: Workspace): TreeLinks {
  return workspace.memo('workflow-links', '', () => new TreeLinks(workspace));
}

/** A file's name in a path: the part after its last slash. */
const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** Action metadata, whose directory a step's `uses:` names. */
const ACTION_FILE = /(?:^|\/)action\.ya?ml$/;

/**
 * The links between the workflow and action files of one tree, both ways: a file to the paths it
 * calls or names and to the files that call or name it. A pull request asks about the few files it
 * changes and those linked to them, so a file is parsed only when it may be linked to what is asked:
 * a file's links are found in its text, and a file whose text cannot hold a `uses:` reaching the path
 * asked about, nor a `workflow_run` trigger, is not parsed (see {@link mayName}).
 */
class TreeLinks {
  private readonly files: string[];
  private readonly listed: Set<string>;
  private readonly outgoing = new Map<string, Set<string>>();
  private readonly asked = new Map<string, Set<string>>();

  constructor(private readonly workspace: Workspace) {
    this.files = workflowFiles(workspace);
    this.listed = new Set(this.files);
  }

  /** The paths linked to `node` (a file, or a directory a `uses:` names), either way. */
  of(node: string): Set<string> {
    let links = this.asked.get(node);
    if (links) return links;
    links = new Set(this.from(node));
    const names = this.namesOf(node);
    for (const file of this.files) {
      if (file === node || links.has(file)) continue;
      const text = this.workspace.text(file);
      if (text === undefined) continue;
      const follows = names.length > 0 && (text.includes('workflow_run') || escapes(text));
      if ((follows || mayName(text, node)) && this.from(file).has(node)) links.add(file);
    }
    this.asked.set(node, links);
    return links;
  }

  /**
   * The paths a file calls or names: for each `uses:` of its jobs and steps, the path it names and
   * the action metadata there; for each name its `workflow_run` triggers follow, the workflows that go
   * by it (their `name:`, or their file name). Empty for a path that is no file of this tree.
   */
  private from(file: string): Set<string> {
    let out = this.outgoing.get(file);
    if (out) return out;
    out = new Set();
    this.outgoing.set(file, out);
    const source = this.listed.has(file) ? readWorkflowSource(this.workspace, file) : undefined;
    if (!source) return out;
    const add = (target: string) => {
      if (target !== file) out.add(target);
    };
    const called = (uses: string) => {
      const ref = parseUses(uses);
      const path =
        ref.kind === 'local'
          ? normalize(ref.path.replace(/@.*$/, ''))
          : ref.kind === 'repository'
            ? ref.path
            : undefined;
      if (path === undefined) return;
      const dir = path.replace(/\/$/, '');
      add(dir);
      for (const name of ['action.yml', 'action.yaml']) add(dir === '' ? name : `${dir}/${name}`);
    };
    walkWorkflows([source], {
      everyStep: true,
      job(job) {
        if (job.uses) called(job.uses.value);
      },
      step(step) {
        if (step.uses) called(step.uses.value);
      },
    });
    if (source.kind !== 'workflow') return out;
    for (const trigger of source.on?.events ?? []) {
      if (trigger.event !== 'workflow_run') continue;
      const config = trigger.config?.value as { workflows?: unknown } | null | undefined;
      const list = config?.workflows;
      const names = Array.isArray(list) ? list.map(String) : typeof list === 'string' ? [list] : [];
      for (const name of names) for (const named of this.named(name)) add(named);
    }
    return out;
  }

  /** The names a `workflow_run` trigger may follow a workflow of this tree by: its `name:`, its file name. */
  private namesOf(file: string): string[] {
    if (!this.listed.has(file)) return [];
    const source = readWorkflowSource(this.workspace, file);
    if (source?.kind !== 'workflow') return [];
    const name = source.name?.value;
    return typeof name === 'string' ? [name, baseName(file)] : [baseName(file)];
  }

  /** The workflows of this tree that go by `name`: its text holds the name's words, then its parse says so. */
  private named(name: string): string[] {
    const words = name.split(/\s+/).filter((w) => w !== '');
    return this.files.filter((file) => {
      if (baseName(file) !== name) {
        const text = this.workspace.text(file);
        if (text === undefined) return false;
        const spelled = words.some((w) => /['"\\]/.test(w)) || escapes(text);
        if (!spelled && !words.every((w) => text.includes(w))) return false;
      }
      return this.namesOf(file).includes(name);
    });
  }
}

/**
 * Whether YAML text may spell a value other than as its characters: an escape of a double-quoted
 * scalar (`\x2e`), or a binary scalar. Such a file is parsed whatever it seems to name.
 */
function escapes(text: string): boolean {
  return text.includes('\\') || text.includes('binary');
}

/**
 * Whether a workflow or action text may hold a `uses:` whose path is `node`, or the directory of the
 * action metadata `node`: the path's last part, word by word (YAML folds a long scalar at spaces, and
 * writes a quote in a single-quoted one twice), is in the text, unless the text escapes characters
 * (see {@link escapes}). A path at the root (`uses: ./`) may be named by any text.
 */
function mayName(text: string, node: string): boolean {
  if (escapes(text)) return true;
  const paths = ACTION_FILE.test(node) ? [node, node.slice(0, Math.max(0, node.lastIndexOf('/')))] : [node];
  return paths.some((p) => {
    const last = baseName(p);
    if (last === '' || /['"\\]/.test(last)) return true;
    return last.split(/\s+/).every((w) => w === '' || text.includes(w));
  });
}

/** `./a/./b/` -> `a/b/`: the path relative to the repository root, as the index lists files. */
function normalize(path: string): string {
  return path
    .split('/')
    .filter((s) => s !== '.' && s !== '')
    .join('/')
    .concat(path.endsWith('/') ? '/' : '');
}

/**
 * The events that can run a workflow: its own triggers and, for a reusable workflow
 * (`workflow_call`), the triggers of the workflows in this repository that call it, followed through
 * chains of calls. A reusable workflow runs in its caller's event context (`github.event` is the
 * caller's), so one called from a `pull_request_target` workflow is as privileged as its caller.
 * `workflow_call` itself stays in the set: callers outside the repository are not visible here.
 * `follow`, when given, says which calling jobs count (a rule leaves out those whose condition keeps
 * the call from happening on the events it judges).
 */
export function triggeringEvents(
  workspace: Workspace,
  workflow: Workflow,
  follow: (caller: LocalCaller & { source: Workflow; job: Job }) => boolean = () => true,
): Set<string> {
  const events = new Set((workflow.on?.events ?? []).map((e) => e.event));
  if (!events.has('workflow_call')) return events;
  const seen = new Set([workflow.path]);
  const queue = [workflow.path];
  while (queue.length > 0) {
    for (const caller of localCallers(workspace, queue.shift()!)) {
      if (caller.source.kind !== 'workflow' || !caller.job || seen.has(caller.source.path)) continue;
      if (!follow({ ...caller, source: caller.source, job: caller.job })) continue;
      seen.add(caller.source.path);
      for (const e of caller.source.on?.events ?? []) events.add(e.event);
      queue.push(caller.source.path);
    }
  }
  return events;
}

/**
 * The events that run a workflow in this repository: {@link triggeringEvents} without `workflow_call`.
 * A caller in another repository runs a reusable workflow in its own context, with its own token and
 * secrets, never this repository's; so a workflow run only by `workflow_call` from callers of this
 * repository that all run on pull requests runs here on pull requests only. Empty for a workflow that
 * only callers elsewhere run. `follow` is as for {@link triggeringEvents}.
 */
export function eventsHere(
  workspace: Workspace,
  workflow: Workflow,
  follow?: (caller: LocalCaller & { source: Workflow; job: Job }) => boolean,
): string[] {
  return [...triggeringEvents(workspace, workflow, follow)].filter((e) => e !== 'workflow_call');
}

/**
 * Whether a workflow or local action runs in this repository at all: a workflow that has a trigger
 * of its own besides `workflow_call`, or that a job of such a workflow calls, followed through chains
 * of calls (each file once, so a cycle of workflows that only call each other ends, and does not run);
 * an action that a step of such a workflow uses, directly or through other local actions. A reusable
 * workflow or action that does not run here runs only for callers elsewhere, in their context.
 */
export function runsHere(workspace: Workspace, source: WorkflowSource): boolean {
  return workspace.memo('workflow-runs-here', source.path, () => {
    const seen = new Set<string>();
    const queue = [source];
    for (let s = queue.shift(); s; s = queue.shift()) {
      if (seen.has(s.path)) continue;
      seen.add(s.path);
      if (s.kind === 'workflow' && (s.on?.events ?? []).some((e) => e.event !== 'workflow_call')) return true;
      for (const caller of localCallers(workspace, s.path)) queue.push(caller.source);
    }
    return false;
  });
}
