import type { Workspace } from '../workspace/workspace.js';
import { escapePointerToken, type NodeSpan, type YamlDocument } from '../workspace/yaml.js';
import { parseUses } from './uses.js';
import { neverRuns } from './workflow-conditions.js';
import { workflowExpressions } from './workflow-expressions.js';
import type {
  ActionMetadata,
  ContainerSpec,
  Job,
  Located,
  LocatedMap,
  Permissions,
  RunDefaults,
  Step,
  Trigger,
  Triggers,
  Workflow,
  WorkflowExpression,
  WorkflowSource,
  WorkflowVisitor,
} from './workflow-model.js';

export type * from './workflow-model.js';

/**
 * A typed model of GitHub Actions workflows (`.github/workflows/*.yml`) and local action metadata
 * (`action.yml` of a composite, Docker or JavaScript action). Every value keeps its JSON pointer and
 * exact source span, so an audit reports the line and column a user must change. Audits hook in
 * through {@link walkWorkflows} (workflow -> job -> step) rather than re-reading the YAML.
 */

/** GitHub only loads workflows directly inside `.github/workflows/`, not from sub-directories. */
export const WORKFLOW_GLOBS = ['.github/workflows/*.yml', '.github/workflows/*.yaml'];
/** Action metadata can live anywhere in a repository (`uses: ./path/to/action`). */
export const ACTION_GLOBS = ['**/action.yml', '**/action.yaml'];

/**
 * The model of one workflow or action file, or undefined when it is not one (unreadable, broken
 * YAML — recorded by the workspace as an input problem — or not a mapping with `jobs`/`runs`).
 * Parsed once per run and shared by every rule.
 */
export function readWorkflowSource(workspace: Workspace, file: string): WorkflowSource | undefined {
  return workspace.memo('workflow', file, () => {
    // Not text (a NUL byte, too large): said as an input problem, not passed over.
    if (workspace.configText(file) === undefined) return undefined;
    const parsed = workspace.yaml(file);
    // GitHub reads the first document only.
    const doc = parsed?.ok ? parsed.documents[0] : undefined;
    if (!doc) return undefined;
    return isWorkflowPath(file) ? buildWorkflow(file, doc) : buildAction(file, doc);
  });
}

/**
 * The metadata of the action a step runs from this repository (`uses: ./path/to/action`, its
 * action.yml or action.yaml), or undefined for any other step (a remote action, a Docker image, a
 * local action that is not in the tree).
 */
export function localAction(workspace: Workspace, step: Step): ActionMetadata | undefined {
  const ref = step.uses && parseUses(step.uses.value);
  if (ref?.kind !== 'local') return undefined;
  const dir = ref.path
    .split('/')
    .filter((s) => s !== '.' && s !== '')
    .join('/');
  for (const name of ['action.yml', 'action.yaml']) {
    const file = dir === '' ? name : `${dir}/${name}`;
    const source = workspace.has(file) ? readWorkflowSource(workspace, file) : undefined;
    if (source?.kind === 'action') return source;
  }
  return undefined;
}

/**
 * The steps of the composite action a step runs from this repository ({@link localAction}), or
 * undefined for any other step (a remote action, a Docker image, a local action that is no composite
 * one or is not in the tree).
 */
export function localActionSteps(workspace: Workspace, step: Step): readonly Step[] | undefined {
  return localAction(workspace, step)?.steps;
}

/** The workflows, then the actions outside them: the files {@link workflowSources} reads, in its order. */
export function workflowFiles(workspace: Workspace): string[] {
  return [
    ...workspace.glob(WORKFLOW_GLOBS),
    ...workspace.glob(ACTION_GLOBS).filter((f) => !isWorkflowPath(f)),
  ];
}

/** Every workflow, then every action metadata file, in index order; `only`: of these files. */
export function workflowSources(workspace: Workspace, only?: readonly string[]): WorkflowSource[] {
  const files = only ?? workflowFiles(workspace);
  const out: WorkflowSource[] = [];
  for (const f of files) {
    const source = readWorkflowSource(workspace, f);
    if (source) out.push(source);
  }
  return out;
}

/**
 * The one traversal every audit shares: workflows, their jobs and steps, and actions and their
 * composite steps, in source order. An audit implements only the callbacks of the level it needs;
 * `expression` is called for every `${{ }}` right after the job or step that holds it (expressions
 * outside jobs first), which needs `workspace` to read and locate them (cached per file). Jobs and
 * steps of a workflow that never run ({@link neverRuns}: their `if:` requires an event the workflow
 * is not triggered by) are left out, with their expressions, unless the visitor asks for `everyStep`.
 */
export function walkWorkflows(
  sources: readonly WorkflowSource[],
  visitor: WorkflowVisitor,
  workspace?: Workspace,
): void {
  for (const source of sources) {
    const exprs =
      visitor.expression && workspace
        ? workspace.memo('workflow-expressions-by-holder', source.path, () =>
            groupExpressions(workflowExpressions(workspace, source)),
          )
        : undefined;
    // Most audits take no expressions: their walk builds no holder keys.
    const emit = exprs
      ? (key: string, job: Job | undefined, step: Step | undefined) => {
          for (const e of exprs.get(key) ?? []) visitor.expression?.(e, source, job, step);
        }
      : undefined;
    if (source.kind === 'workflow') {
      visitor.workflow?.(source);
      emit?.('', undefined, undefined);
      for (const job of source.jobs) {
        if (!visitor.everyStep && neverRuns(source, job)) continue;
        visitor.job?.(job, source);
        emit?.(job.id, job, undefined);
        if (!visitor.step && !emit) continue;
        for (const step of job.steps) {
          if (!visitor.everyStep && neverRuns(source, job, step)) continue;
          visitor.step?.(step, source, job);
          emit?.(`${job.id}\u0000${step.index}`, job, step);
        }
      }
    } else {
      visitor.action?.(source);
      emit?.('', undefined, undefined);
      for (const step of source.steps) {
        visitor.step?.(step, source, undefined);
        emit?.(`\u0000${step.index}`, undefined, step);
      }
    }
  }
}

/** Expressions keyed by their holder: '' (file level), job id, or job id + NUL + step index. */
function groupExpressions(list: readonly WorkflowExpression[]): Map<string, WorkflowExpression[]> {
  const out = new Map<string, WorkflowExpression[]>();
  for (const e of list) {
    const key =
      e.stepIndex !== undefined
        ? `${e.jobId ?? ''}\u0000${e.stepIndex}`
        : e.jobId !== undefined
          ? e.jobId
          : '';
    const bucket = out.get(key);
    if (bucket) bucket.push(e);
    else out.set(key, [e]);
  }
  return out;
}

/** Whether a path is a workflow (as opposed to action metadata). */
export function isWorkflowPath(file: string): boolean {
  return /^\.github\/workflows\/[^/]+\.ya?ml$/.test(file);
}

/** Builds the model of a workflow document; undefined unless it is a mapping with a `jobs` mapping. */
export function buildWorkflow(path: string, document: YamlDocument): Workflow | undefined {
  const r = new Reader(document);
  const root = r.node('', document.value);
  if (!isMap(root.value) || !isMap(root.value.jobs)) return undefined;
  const jobsNode = r.child(root, 'jobs') as Located<Record<string, unknown>>;
  const workflow: Workflow = {
    kind: 'workflow',
    path,
    document,
    jobsNode,
    jobs: Object.keys(jobsNode.value).flatMap((id) => {
      const job = r.child(jobsNode, id);
      return isMap(job.value) ? [readJob(r, id, job as Located<Record<string, unknown>>)] : [];
    }),
  };
  assign(workflow, 'name', r.optional(root, 'name'));
  const on = r.optional(root, 'on');
  if (on) workflow.on = readTriggers(r, on);
  const permissions = r.optional(root, 'permissions');
  if (permissions) workflow.permissions = readPermissions(r, permissions);
  assign(workflow, 'env', r.map(root, 'env'));
  assign(workflow, 'defaults', readDefaults(r, root));
  return workflow;
}

/** Builds the model of an action metadata document; undefined unless it has a `runs` mapping. */
export function buildAction(path: string, document: YamlDocument): ActionMetadata | undefined {
  const r = new Reader(document);
  const root = r.node('', document.value);
  if (!isMap(root.value) || !isMap(root.value.runs)) return undefined;
  const runs = r.child(root, 'runs') as Located<Record<string, unknown>>;
  const action: ActionMetadata = { kind: 'action', path, document, runs, steps: readSteps(r, runs) };
  assign(action, 'name', r.optional(root, 'name'));
  assign(action, 'using', r.optional(runs, 'using'));
  assign(action, 'image', r.string(runs, 'image'));
  assign(action, 'inputs', r.map(root, 'inputs'));
  return action;
}

function readJob(r: Reader, id: string, node: Located<Record<string, unknown>>): Job {
  const job: Job = { ...node, id, services: [], steps: readSteps(r, node) };
  assign(job, 'name', r.optional(node, 'name'));
  assign(job, 'if', r.optional(node, 'if'));
  assign(job, 'uses', r.string(node, 'uses'));
  assign(job, 'with', r.map(node, 'with'));
  assign(job, 'secrets', r.optional(node, 'secrets'));
  assign(job, 'runsOn', r.optional(node, 'runs-on'));
  assign(job, 'env', r.map(node, 'env'));
  assign(job, 'environment', r.optional(node, 'environment'));
  assign(job, 'outputs', r.map(node, 'outputs'));
  assign(job, 'needs', r.optional(node, 'needs'));
  assign(job, 'defaults', readDefaults(r, node));
  const strategy = r.optional(node, 'strategy');
  if (strategy) assign(job, 'matrix', r.optional(strategy, 'matrix'));
  const container = r.optional(node, 'container');
  if (container) job.container = readContainer(r, container);
  const services = r.optional(node, 'services');
  if (services && isMap(services.value)) {
    for (const sid of Object.keys(services.value)) {
      job.services.push({ ...readContainer(r, r.child(services, sid)), id: sid });
    }
  }
  const permissions = r.optional(node, 'permissions');
  if (permissions) job.permissions = readPermissions(r, permissions);
  return job;
}

function readSteps(r: Reader, parent: Located<Record<string, unknown>>): Step[] {
  const list = r.optional(parent, 'steps');
  if (!list || !Array.isArray(list.value)) return [];
  const steps: Step[] = [];
  list.value.forEach((value, position) => {
    const node = r.child(list, position);
    if (!isMap(value)) return;
    // `- parallel: [steps...]` runs its steps side by side; they are steps of the job all the same.
    const group = r.optional(node, 'parallel');
    if (group && Array.isArray(group.value) && !('run' in value) && !('uses' in value)) {
      group.value.forEach((inner, i) => {
        if (isMap(inner)) steps.push(readStep(r, r.child(group, i), steps.length, position));
      });
      return;
    }
    steps.push(readStep(r, node, steps.length));
  });
  return steps;
}

function readStep(r: Reader, node: Located, index: number, group?: number): Step {
  const step: Step = { ...(node as Located<Record<string, unknown>>), index };
  if (group !== undefined) step.group = group;
  assign(step, 'id', r.optional(node, 'id'));
  assign(step, 'name', r.optional(node, 'name'));
  assign(step, 'if', r.optional(node, 'if'));
  assign(step, 'uses', r.string(node, 'uses'));
  assign(step, 'run', r.string(node, 'run'));
  assign(step, 'shell', r.optional(node, 'shell'));
  assign(step, 'with', r.map(node, 'with'));
  assign(step, 'env', r.map(node, 'env'));
  return step;
}

function readDefaults(r: Reader, parent: Located): RunDefaults | undefined {
  const defaults = r.optional(parent, 'defaults');
  const run = defaults && r.optional(defaults, 'run');
  if (!run) return undefined;
  const out: RunDefaults = {};
  assign(out, 'shell', r.optional(run, 'shell'));
  assign(out, 'workingDirectory', r.optional(run, 'working-directory'));
  return out;
}

function readTriggers(r: Reader, on: Located): Triggers {
  const v = on.value;
  if (typeof v === 'string') return { ...on, form: 'string', events: [{ event: v, span: on.span }] };
  if (Array.isArray(v)) {
    const events = v.flatMap((item, i) =>
      typeof item === 'string' ? [{ event: item, span: r.child(on, i).span }] : [],
    );
    return { ...on, form: 'list', events };
  }
  if (isMap(v)) {
    const events = Object.keys(v).map((event): Trigger => {
      const config = r.child(on, event);
      return { event, span: keySpan(config.span, event), config };
    });
    return { ...on, form: 'map', events };
  }
  return { ...on, form: 'invalid', events: [] };
}

function readPermissions(r: Reader, node: Located): Permissions {
  const out: Permissions = { ...node, scopes: [] };
  if (typeof node.value === 'string') out.shorthand = node as Located<string>;
  else if (isMap(node.value)) {
    for (const scope of Object.keys(node.value)) out.scopes.push({ scope, level: r.child(node, scope) });
  }
  return out;
}

function readContainer(r: Reader, node: Located): ContainerSpec {
  const spec: ContainerSpec = { ...node };
  if (typeof node.value === 'string') spec.image = node as Located<string>;
  else {
    assign(spec, 'image', r.string(node, 'image'));
    assign(spec, 'credentials', r.map(node, 'credentials'));
    assign(spec, 'env', r.map(node, 'env'));
  }
  return spec;
}

/** The span of a mapping key, as a span of its own (for findings that point at the key). */
function keySpan(valueSpan: NodeSpan, key: string): NodeSpan {
  const at = valueSpan.key ?? valueSpan.start;
  return { start: at, end: { line: at.line, column: at.column + Math.max(0, key.length - 1) } };
}

/** Creates located nodes; spans come from the document's pointer index (never re-parsing). */
class Reader {
  constructor(private readonly doc: YamlDocument) {}

  node(pointer: string, value: unknown): Located {
    // A value reached through an alias is shown at the alias that brings it here, and
    // remembers where it is written; any other value without a span of its own at the nearest one.
    const origin = this.doc.origin(pointer);
    if (origin) return { value, pointer, span: origin.alias, origin };
    const span = this.doc.span(pointer) ?? this.doc.nearestSpan(pointer) ?? ORIGIN;
    return { value, pointer, span };
  }

  child(parent: Located, token: string | number): Located {
    const value = (parent.value as Record<string | number, unknown>)[token];
    return this.node(`${parent.pointer}/${escapePointerToken(token)}`, value);
  }

  /** The child when the parent is a mapping that has the key. */
  optional(parent: Located, key: string): Located | undefined {
    return isMap(parent.value) && Object.hasOwn(parent.value, key) ? this.child(parent, key) : undefined;
  }

  /** The child when it is a string (GitHub rejects other types for these keys). */
  string(parent: Located, key: string): Located<string> | undefined {
    const node = this.optional(parent, key);
    return node && typeof node.value === 'string' ? (node as Located<string>) : undefined;
  }

  map(parent: Located, key: string): LocatedMap | undefined {
    const node = this.optional(parent, key);
    if (!node) return undefined;
    const entries = new Map<string, Located>();
    if (isMap(node.value)) for (const k of Object.keys(node.value)) entries.set(k, this.child(node, k));
    return { ...node, entries };
  }
}

const ORIGIN: NodeSpan = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets an optional property only when there is a value (keeps the model free of `undefined` keys). */
function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
