import type { Location } from '../types.js';
import type { NodeSpan, YamlDocument, YamlOrigin } from '../workspace/yaml.js';
import type { ParseResult } from './expression.js';

/**
 * Types of the workflow model built by workflow.ts. Kept apart from the builder so that audits can
 * depend on the shapes alone; every node keeps its JSON pointer and source span.
 */

/** A value read from the YAML, with where it sits. */
export interface Located<T = unknown> {
  value: T;
  /** RFC 6901 pointer of the value in its document. */
  pointer: string;
  /** Span of the value (`span.key`: its mapping key). A value reached through an alias: the alias. */
  span: NodeSpan;
  /** Set for a value reached through a YAML alias: where it is written (see YamlDocument.origin). */
  origin?: YamlOrigin;
}

/** A mapping such as `with:` or `env:`; `entries` is empty when the value is not a mapping. */
export interface LocatedMap extends Located {
  entries: Map<string, Located>;
}

/** One event of `on:`. */
export interface Trigger {
  event: string;
  /** Where the event is named: the scalar (string and list forms) or the mapping key (map form). */
  span: NodeSpan;
  /** The event's settings in the map form (`branches`, `types`, `inputs`, ...); null when empty. */
  config?: Located;
}

/** `on:` in any of its forms: `on: push`, `on: [push, pull_request]`, `on: { push: {...} }`. */
export interface Triggers extends Located {
  form: 'string' | 'list' | 'map' | 'invalid';
  events: Trigger[];
}

/** A `permissions:` block at workflow or job level. */
export interface Permissions extends Located {
  /** The shorthand form (`read-all`, `write-all`; any other string is invalid for GitHub). */
  shorthand?: Located<string>;
  /** The per-scope form (`contents: read`); empty for the shorthand and for `permissions: {}`. */
  scopes: { scope: string; level: Located }[];
}

/** A step of a job or of a composite action. */
export interface Step extends Located<Record<string, unknown>> {
  /**
   * Position among the job's steps in document order (0-based): the position in the `steps` list,
   * with the steps of a `parallel:` group counted one by one where the group stands.
   */
  index: number;
  /** For a step inside a `parallel:` group: the group's position in the `steps` list. */
  group?: number;
  id?: Located;
  name?: Located;
  if?: Located;
  uses?: Located<string>;
  run?: Located<string>;
  shell?: Located;
  with?: LocatedMap;
  env?: LocatedMap;
}

/** A `container:` or a `services.<id>:` entry; `image` is set for both the string and map forms. */
export interface ContainerSpec extends Located {
  id?: string;
  image?: Located<string>;
  /** `credentials: { username, password }` for a private registry. */
  credentials?: LocatedMap;
  env?: LocatedMap;
}

/** `defaults: { run: { shell, working-directory } }` of a workflow or a job. */
export interface RunDefaults {
  shell?: Located;
  workingDirectory?: Located;
}

export interface Job extends Located<Record<string, unknown>> {
  /** The key under `jobs:`; `span.key` is its position. */
  id: string;
  name?: Located;
  if?: Located;
  /** Set when the job calls a reusable workflow instead of running steps. */
  uses?: Located<string>;
  with?: LocatedMap;
  secrets?: Located;
  runsOn?: Located;
  container?: ContainerSpec;
  services: ContainerSpec[];
  permissions?: Permissions;
  env?: LocatedMap;
  /** `environment: name` or `environment: { name, url }`. */
  environment?: Located;
  /** `strategy.matrix`: a mapping, or a string expression such as `${{ fromJSON(...) }}`. */
  matrix?: Located;
  /** `outputs:`, read by later jobs as `needs.<id>.outputs.<name>`. */
  outputs?: LocatedMap;
  /** `needs:` as a string or a list. */
  needs?: Located;
  /** `defaults.run` of the job. */
  defaults?: RunDefaults;
  steps: Step[];
}

interface SourceBase {
  path: string;
  document: YamlDocument;
  name?: Located;
}

export interface Workflow extends SourceBase {
  kind: 'workflow';
  /** Undefined when the file has no `on:` (GitHub rejects it; the jobs are still audited). */
  on?: Triggers;
  permissions?: Permissions;
  env?: LocatedMap;
  /** `defaults.run` of the workflow. */
  defaults?: RunDefaults;
  /** The `jobs:` mapping; `span.key` is the `jobs:` key. */
  jobsNode: Located<Record<string, unknown>>;
  jobs: Job[];
}

/** `action.yml`: `runs.steps` for composite actions, `runs.image` for Docker actions. */
export interface ActionMetadata extends SourceBase {
  kind: 'action';
  runs: Located<Record<string, unknown>>;
  using?: Located;
  image?: Located<string>;
  /** `inputs:` with their `default:` values, read in steps as `inputs.<name>`. */
  inputs?: LocatedMap;
  steps: Step[];
}

export type WorkflowSource = Workflow | ActionMetadata;

/**
 * Callbacks of {@link walkWorkflows}; `job` is undefined for steps of a composite action and `step`
 * for expressions outside steps (workflow `env:`, a job's `if:`).
 */
export interface WorkflowVisitor {
  /**
   * Visit too the jobs and steps that never run (their `if:` requires an event the workflow is not
   * triggered by, see workflow-conditions.ts), with their expressions: for audits of the workflow as a
   * whole (its triggers, its permissions, who calls it) and of text that is exposed whether it runs
   * or not (a credential written in the file). Step and job audits leave it unset: a step that never
   * runs exposes nothing.
   */
  everyStep?: boolean;
  workflow?(workflow: Workflow): void;
  action?(action: ActionMetadata): void;
  job?(job: Job, workflow: Workflow): void;
  step?(step: Step, source: WorkflowSource, job: Job | undefined): void;
  /** Every `${{ }}` in a string value, in document order (the walk needs the workspace for these). */
  expression?(
    expr: WorkflowExpression,
    source: WorkflowSource,
    job: Job | undefined,
    step: Step | undefined,
  ): void;
}

/** One `${{ ... }}` of a workflow or action file, located in the source (see workflow-expressions.ts). */
export interface WorkflowExpression {
  /** Pointer of the string value that holds it. */
  pointer: string;
  /** The pointer's tokens below the job or step that holds it (`['run']`, `['with', 'script']`). */
  field: string[];
  /** The job (workflows) and the step index (in that job, or in `runs.steps`), if inside one. */
  jobId?: string;
  stepIndex?: number;
  /** The whole `${{ ... }}` and the text between the braces. */
  raw: string;
  inner: string;
  /** Offsets in the decoded string value. */
  start: number;
  innerStart: number;
  /** Parsed with GitHub's expression grammar. */
  parsed: ParseResult;
  /** Where the `${{ ... }}` is in the file. */
  location: Location;
  /** False when the value's source could not be mapped and positions fall back to its start. */
  exact: boolean;
  /**
   * For an expression reached through a YAML alias: where it is written. `location` and
   * `locate` then point at the alias (where the expansion is used).
   */
  definedAt?: Location;
  /** The file location of [from, to) inside `inner` (e.g. one context reference). */
  locate(from: number, to: number): Location;
}
