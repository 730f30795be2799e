import { locationFromSpan } from '../../location.js';
import type { ExprNode, RefNode } from '../../parsers/expression.js';
import { parseUses } from '../../parsers/uses.js';
import type { Job, Located, Step, WorkflowSource } from '../../parsers/workflow.js';
import { neverRuns as skipped } from '../../parsers/workflow-conditions.js';
import { expressionsAt, expressionsUnder, locatedText } from '../../parsers/workflow-expressions.js';
import type { Location } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { escapePointerToken, unescapePointerToken } from '../../workspace/yaml.js';
import { calledWorkflow, localCallers, runsHere } from './callers.js';
import type { Capability, Classification } from './contexts.js';
import { callerScope, declaredInputs, entry, matrixPointers } from './dataflow-scopes.js';
import { runEvents } from './event-guards.js';
import { headLookupIn } from './head-lookup.js';
import { producesPullRef, stringProducesPullRef } from './pull-ref.js';
import { artifactPaths, readsArtifact } from './shared.js';
import { shellWrites } from './shell.js';

/** One hop of a value between its source and the sink (an `env:` entry, a step output, an input). */
export interface Hop {
  text: string;
  location: Location;
}

/** Where an attacker-controlled value comes from, and the hops it took. */
export interface Origin {
  /** The context as written at the source, e.g. `github.event.pull_request.title`. */
  text: string;
  capability: Capability;
  /** From the sink outwards: the first hop is the reference in the sink expression. */
  via: Hop[];
  /**
   * Set when the source is a free-text input of a manual workflow, a reusable workflow or a composite
   * action: whoever dispatches or calls it chooses the value, which is not visible here (unlike a
   * caller in this repository that passes pull request text, reported as that context). Also for the
   * payload of a `repository_dispatch` event (`github.event.client_payload`), which its sender chooses.
   */
  input?: 'workflow_dispatch' | 'workflow_call' | 'action' | 'repository_dispatch';
  /**
   * For an input of a reusable workflow or an action: where the jobs or steps of this repository that
   * call it are (their `uses:`), of those that run here (see {@link runsHere}: a caller that is itself
   * only called from elsewhere, or only by a cycle of calls, does not). What they pass is followed as
   * flows of its own; an input whose every caller here passes no untrusted text is only a risk for
   * callers elsewhere, which run it in their own context, with their own token and secrets.
   */
  callers?: Location[];
  /**
   * For an input of a reusable workflow that is also declared for manual runs: in this repository a
   * value comes from whoever dispatches it (or from the callers above), like a manual run's input.
   */
  manual?: boolean;
}

/** An attacker-controlled value entering an expression through one of its references. */
export interface Flow {
  ref: RefNode;
  origin: Origin;
  /** True for an object or array (rendered as `Object`/`Array` unless passed through toJSON or join). */
  collection: boolean;
}

/** Where an expression is evaluated: which `env`, `steps`, `matrix` and `inputs` it sees. */
export interface Scope {
  source: WorkflowSource;
  job?: Job;
  /** The step being run; steps after it have not produced outputs yet. */
  stepIndex?: number;
  /** Which `env:` levels are visible: a step's own `env:` sees the job's and the workflow's. */
  level: 'step' | 'job' | 'workflow';
  /**
   * For a step of a composite action of the repository judged as run by one calling step: that step
   * and where it runs. `inputs.*` are then what it passes (`with:`), as the runner substitutes them,
   * not what every caller of the action might.
   */
  call?: { step: Step; scope: Scope };
}

/** Who a scope's composite action is run by, outermost last, as text for a cache key. */
function callKey(scope: Scope): string {
  const call = scope.call;
  return call
    ? `${call.scope.source.path}#${call.scope.job?.id ?? ''}#${call.step.pointer}>${callKey(call.scope)}`
    : '';
}

type Resolved = Omit<Flow, 'ref'>;
type Classifier = (path: readonly string[]) => Classification | undefined;

/** Input types whose values cannot carry text. */
const SAFE_INPUT_TYPES = new Set(['boolean', 'number', 'choice', 'environment']);
const MAX_DEPTH = 8;

/**
 * Actions whose outputs carry what a pull request or its author chose: `text` outputs are free text
 * (template injection), `head` outputs name the pull request's code (head checkouts); patterns are on
 * the lower-cased output name, and `unless` rules a step out by its inputs.
 */
const TAINTED_OUTPUTS: Record<string, { text?: RegExp; head?: RegExp; unless?: (step: Step) => boolean }> = {
  // File names chosen by the pull request; counts and `any_`/`only_` flags are numbers and booleans.
  'tj-actions/changed-files': { text: /^(?!any_|only_)(?!.*_count$)/ },
  'tj-actions/branch-names': { text: /^(?!is_)/, head: /^(?:current_branch|head_ref_branch)$/ },
  // A comment found among the bot's own comments is text the bot wrote.
  'peter-evans/find-comment': {
    text: /^comment-body$/,
    unless: (step) => /\[bot\]$/.test(String(withInput(step, 'comment-author') ?? '').trim()),
  },
  'xt0rted/pull-request-comment-branch': { text: /^head_ref$/, head: /^head_(?:ref|sha)$/ },
  'octokit/request-action': { text: /^data$/ },
};

function isGithubScript(ref: { owner: string; repo: string }): boolean {
  return `${ref.owner}/${ref.repo}`.toLowerCase() === 'actions/github-script';
}

/**
 * Whether a github-script step sets the output `name` (lower case), or with `env` the environment
 * variable `name` (`core.exportVariable`), to a pull request's head: the value names a head's commit
 * or branch (`head.sha`, `head.ref`, `headRefOid`, ...), as a script that looks the pull request up
 * through the API and hands its head to a later checkout does. For `result`, a `return <value>` at
 * the script's top level is the value. Read from the call's own argument or the one variable it names.
 */
function scriptSetsHead(step: Step, name: string, target: 'output' | 'env' = 'output'): boolean {
  const script = withInput(step, 'script');
  if (typeof script !== 'string') return false;
  return scriptValues(script, name, target).some((v) => HEAD_VALUE.test(v));
}

/**
 * The texts a github-script gives to `core.setOutput('<name>', ...)` (or, for `env`, to
 * `core.exportVariable('<name>', ...)`), and for the output `result` its top-level `return <value>`s;
 * a value that is a variable assigned on its own line (`const t = ...`), with or without a literal
 * fallback (`t || '-'`), is read as what it was assigned.
 */
function scriptValues(script: string, name: string, target: 'output' | 'env'): string[] {
  const values: string[] = [];
  for (const m of script.matchAll(target === 'env' ? EXPORT_VARIABLE : SET_OUTPUT))
    if (m[2]!.toLowerCase() === name) values.push(m[3]!);
  if (target === 'output' && name === 'result')
    for (const m of script.matchAll(TOP_RETURN)) values.push(m[1]!);
  return values.map((raw) => {
    const value = raw.trim();
    // `t || '-'`: a literal fallback leaves the variable's text whenever it has any.
    const bare = /^([A-Za-z_$][\w$]*)(?:\s*(?:\|\||\?\?)\s*(?:'[^']*'|"[^"]*"|\d+))?\s*\)?$/.exec(value)?.[1];
    const assigned = bare
      ? new RegExp(`\\b(?:const|let|var)\\s+${bare.replace(/\$/g, '\\$')}\\s*=([^\\n;]*)`).exec(script)?.[1]
      : undefined;
    return assigned ?? value;
  });
}

/**
 * What a github-script step sets its output `name` (lower case) to (or, with `env`, its environment
 * variable `name` through `core.exportVariable`), when that is text of the event an outsider chose:
 * a value (see {@link scriptValues}) that reads `context.payload.<path>` of a source (the pull
 * request's title, a comment's body, ...). Undefined when it is not, or cannot be told.
 */
function scriptSetsText(
  step: Step,
  name: string,
  classify: Classifier,
  target: 'output' | 'env' = 'output',
): { text: string; capability: Capability } | undefined {
  const script = withInput(step, 'script');
  if (typeof script !== 'string') return undefined;
  for (const read of scriptValues(script, name, target)) {
    for (const m of read.matchAll(PAYLOAD_READ)) {
      const path = ['github', 'event', ...m[1]!.split('.')];
      // `context.payload.issue.title.trim()`: a string method returns the text.
      if (read[m.index + m[0].length] === '(') path.pop();
      const c = classify(path);
      if (c && !c.collection)
        return { text: `context.payload.${path.slice(2).join('.')}`, capability: c.capability };
    }
  }
  return undefined;
}

/** A `return <value>` at the top level of a script (not indented: inside no function). */
const TOP_RETURN = /^return\b([^\n;]*)/gm;
/** A read of the event payload in a script, `context.payload.pull_request.title`. */
const PAYLOAD_READ = /\bcontext\.payload\.((?:[A-Za-z_]\w*)(?:\.[A-Za-z_]\w*)*)/g;

/** `core.setOutput('<name>', <value>)`, the value up to the call's closing parenthesis on its line. */
const SET_OUTPUT = /\bcore\.setOutput\(\s*(['"`])([\w.-]+)\1\s*,([^\n;]*)/g;
/** `core.exportVariable('<name>', <value>)`, the value up to the call's closing parenthesis on its line. */
const EXPORT_VARIABLE = /\bcore\.exportVariable\(\s*(['"`])([\w.-]+)\1\s*,([^\n;]*)/g;
/** A value that names a pull request's head commit or branch. */
const HEAD_VALUE = /\bhead\s*\.\s*(?:sha|ref)\b|\bhead(?:RefOid|RefName|_sha|_ref)\b/;

/**
 * Whether a step of a workflow's job runs on none of the workflow's events: its `if:` (or its job's)
 * requires an event the workflow is not triggered by (`github.event_name == 'issue_comment'` in a
 * workflow that runs on pull requests), or it never runs at all (`if: false`, a job it needs is
 * skipped: see workflow-conditions.ts), so it writes no output and no variable.
 */
function neverRuns(scope: Scope, step: Step): boolean {
  if (scope.source.kind !== 'workflow' || !scope.job) return false;
  return runEvents(scope.source, scope.job, step)?.length === 0 || skipped(scope.source, scope.job, step);
}

/**
 * A git command that prints commit messages: `git log` or `git show` with a format that holds the
 * subject or body (`%s`, `%b`, `%B`), or `--oneline`.
 */
export const COMMIT_TEXT =
  /\bgit\s+(?:log|show)\b[^\n;|&]*?(?:--(?:pretty|format)[=\s]+["']?(?:t?format:)?["']?[^"'\s]*%[sbB]|--oneline)/;

/** The string at a JSON pointer of a document's value, if a string is there. */
function stringAt(root: unknown, pointer: string): string | undefined {
  let value = root;
  for (const token of pointer.split('/').slice(1)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[unescapePointerToken(token)];
  }
  return typeof value === 'string' ? value : undefined;
}

function withInput(step: Step, name: string): unknown {
  for (const [k, v] of step.with?.entries ?? []) if (k.toLowerCase() === name) return v.value;
  return undefined;
}

/**
 * Follows expression values through a repository's workflows: `env:` at every level (and values
 * written to `$GITHUB_ENV`; in a composite action, those its callers see), step outputs written by
 * scripts (with what they read: a commit message, a file of the triggering run's artifact) or by
 * actions known to echo pull request data (and github-script outputs set from the event payload),
 * job outputs (`needs.*.outputs`, also of a called reusable workflow), static and computed matrices,
 * and `inputs.*` of reusable workflows and local actions from the callers in the same repository.
 * `classify` decides which contexts are sources, so one engine serves template injection and
 * head-checkout detection.
 */
export class Dataflow {
  private readonly cache = new Map<string, Resolved[]>();
  private readonly active = new Set<string>();

  /**
   * `inputs: true` makes free-text inputs of manual and reusable workflows and of actions sources in
   * themselves (template injection); without it, inputs are only followed to the callers in the
   * repository. `heads: true` follows the outputs of actions that name a pull request's head rather
   * than those that carry its text (head-checkout detection).
   */
  constructor(
    private readonly workspace: Workspace,
    private readonly classify: Classifier,
    private readonly options: { inputs?: boolean; heads?: boolean } = {},
  ) {}

  /** Every source value an expression can expand to, with the reference it enters through. */
  flows(node: ExprNode | undefined, inner: string, scope: Scope, depth = 0): Flow[] {
    return node ? this.evaluate(node, inner, scope, depth) : [];
  }

  private evaluate(node: ExprNode, inner: string, scope: Scope, depth: number): Flow[] {
    switch (node.kind) {
      case 'literal':
      case 'not':
      case 'compare':
        // Literals, negations and comparisons produce constants and booleans.
        return [];
      case 'ref':
        return this.resolve(node, inner.slice(node.start, node.end), scope, depth).map((r) => ({
          ...r,
          ref: node,
        }));
      case 'and': {
        // `a && b` is `b` unless `a` is falsy ('', 0, false, null): only the last operand can be text.
        const last = node.args[node.args.length - 1];
        return last ? this.evaluate(last, inner, scope, depth) : [];
      }
      case 'or':
        return node.args.flatMap((a) => this.evaluate(a, inner, scope, depth));
      case 'index':
        return this.evaluate(node.target, inner, scope, depth).map((f) => ({ ...f, collection: false }));
      case 'call': {
        const args = node.args.map((a) => this.evaluate(a, inner, scope, depth));
        const scalar = (fs: Flow[] | undefined) => (fs ?? []).filter((f) => !f.collection);
        // `format('refs/pull/{0}/merge', github.event.number)`: the text it computes names the head.
        if (this.options.heads && producesPullRef(node)) {
          const text = inner.slice(node.start, node.end);
          const ref: RefNode = {
            kind: 'ref',
            path: [node.name],
            computed: [],
            start: node.start,
            end: node.end,
          };
          return [
            { ref, origin: { text, capability: 'arbitrary', via: [] }, collection: false },
            ...args.flat().filter((f) => !f.collection),
          ];
        }
        switch (node.name) {
          case 'tojson':
          case 'fromjson':
            return (args[0] ?? []).map((f) => ({ ...f, collection: false }));
          case 'join':
            return [...(args[0] ?? []).map((f) => ({ ...f, collection: false })), ...scalar(args[1])];
          case 'format':
            return args.flatMap(scalar);
          case 'case':
            return args.flatMap((fs, i) => (i % 2 === 1 || i === args.length - 1 ? fs : []));
          case 'contains':
          case 'startswith':
          case 'endswith':
          case 'hashfiles':
          case 'success':
          case 'always':
          case 'failure':
          case 'cancelled':
            return [];
          default:
            return args.flat();
        }
      }
    }
  }

  private resolve(ref: RefNode, text: string, scope: Scope, depth: number): Resolved[] {
    if (depth > MAX_DEPTH) return [];
    const key = `${scope.source.path}\u0000${scope.job?.id ?? ''}\u0000${scope.stepIndex ?? ''}\u0000${scope.level}\u0000${ref.path.join('.')}\u0000${callKey(scope)}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    if (this.active.has(key)) return [];
    this.active.add(key);
    const out = this.lookup(ref.path, text, scope, depth);
    this.active.delete(key);
    this.cache.set(key, out);
    return out;
  }

  private lookup(path: string[], text: string, scope: Scope, depth: number): Resolved[] {
    const [root, a, b, c] = path;
    switch (root) {
      case 'github':
        if (a === 'event' && b === 'inputs' && c !== undefined) return this.input(c, scope, depth);
        return this.source(path, text);
      case 'env':
        return a === undefined ? [] : this.env(a, scope, depth);
      case 'steps':
        return a !== undefined && b === 'outputs' && c !== undefined
          ? this.stepOutput(a, c, scope, depth)
          : [];
      case 'needs':
      case 'jobs':
        return a !== undefined && b === 'outputs' && c !== undefined
          ? this.jobOutput(a, c, scope, depth)
          : [];
      case 'inputs':
        return a === undefined ? [] : this.input(a, scope, depth);
      case 'matrix':
        return a === undefined ? [] : this.matrix(a, scope, depth);
      default:
        // secrets, vars, runner, job, strategy: not controlled by outsiders.
        return [];
    }
  }

  private source(path: string[], text: string): Resolved[] {
    const c = this.classify(path);
    if (!c) return [];
    const sent = path[1] === 'event' && path[2] === 'client_payload';
    const origin: Origin = {
      text,
      capability: c.capability,
      via: [],
      ...(sent ? { input: 'repository_dispatch' } : {}),
    };
    return [{ origin, collection: c.collection }];
  }

  /** Flows of every expression in one string value, through a hop. */
  private value(scope: Scope, pointer: string, hop: Hop, depth: number, under = false): Resolved[] {
    const list = under
      ? expressionsUnder(this.workspace, scope.source, pointer)
      : expressionsAt(this.workspace, scope.source, pointer);
    // `refs/pull/${{ github.event.number }}/merge` stored for later: the text names the head.
    const whole = this.options.heads && !under ? stringAt(scope.source.document.value, pointer) : undefined;
    const pullRef: Resolved[] =
      whole !== undefined && stringProducesPullRef(whole)
        ? [{ origin: { text: whole.trim(), capability: 'arbitrary', via: [hop] }, collection: false }]
        : [];
    return pullRef.concat(
      list.flatMap((e) =>
        (e.parsed.ok ? this.flows(e.parsed.node, e.inner, scope, depth) : []).map((f) => ({
          origin: { ...f.origin, via: [hop, ...f.origin.via] },
          // Values stored in env, outputs and inputs are strings.
          collection: false,
        })),
      ),
    );
  }

  private hop(text: string, source: WorkflowSource, node: Located): Hop {
    return { text, location: locationFromSpan(source.path, node.span) };
  }

  private env(name: string, scope: Scope, depth: number): Resolved[] {
    const { source, job } = scope;
    const step = scope.stepIndex !== undefined ? this.steps(scope)[scope.stepIndex] : undefined;
    const levels: [[string, Located] | undefined, Scope['level']][] = [];
    if (scope.level === 'step') levels.push([entry(step?.env, name), 'job']);
    if (scope.level !== 'workflow' && job) levels.push([entry(job.env, name), 'workflow']);
    if (scope.level !== 'workflow' && source.kind === 'workflow')
      levels.push([entry(source.env, name), 'workflow']);
    const out: Resolved[] = [];
    // The innermost definition wins; `env:` values see only the levels above their own.
    const found = levels.find(([e]) => e !== undefined);
    if (found?.[0] && typeof found[0][1].value === 'string') {
      const [[key, node], level] = found;
      const inner: Scope = { ...scope, level: level === 'job' && job ? 'job' : 'workflow' };
      out.push(...this.value(inner, node.pointer, this.hop(`env.${key}`, source, node), depth + 1));
    } else if (source.kind === 'action' && depth <= MAX_DEPTH) {
      // A composite action's steps see the `env:` of the step that runs it, of its job and workflow,
      // and what earlier steps of that job wrote to $GITHUB_ENV: the step judged as run by one caller
      // sees that caller's, an action judged on its own those of every step of this repository that
      // runs it.
      const callers: Scope[] = scope.call
        ? [scope.call.scope]
        : localCallers(this.workspace, source.path).flatMap((c) => (c.step ? [callerScope(c)] : []));
      for (const caller of callers) out.push(...this.env(name, caller, depth + 1));
    }
    // Values written to $GITHUB_ENV by earlier steps of the same job (a github-script's
    // `core.exportVariable` writes there too).
    for (const [i, s] of this.steps(scope).entries()) {
      if (scope.stepIndex === undefined || i >= scope.stepIndex || neverRuns(scope, s)) continue;
      if (s.uses) {
        out.push(...this.exported(s, name));
        continue;
      }
      if (!s.run) continue;
      for (const w of this.writes(source, s)) {
        if (w.file === 'env' && w.name.toLowerCase() === name)
          out.push(...this.written(w, s, i, scope, `env.${w.name}`, depth));
      }
    }
    return out;
  }

  /** What a github-script step exports as the environment variable `name` (lower case), if a source. */
  private exported(step: Step, name: string): Resolved[] {
    const ref = parseUses(step.uses!.value);
    if (ref.kind !== 'repository' || !isGithubScript(ref)) return [];
    const id = typeof step.id?.value === 'string' ? `step "${step.id.value}"` : 'a step';
    const text = `core.exportVariable in ${id} (${ref.owner}/${ref.repo})`;
    if (this.options.heads) {
      if (!scriptSetsHead(step, name, 'env')) return [];
      return [{ origin: { text, capability: 'arbitrary', via: [] }, collection: false }];
    }
    const set = scriptSetsText(step, name, this.classify, 'env');
    if (!set) return [];
    return [
      { origin: { text: `${text}: ${set.text}`, capability: set.capability, via: [] }, collection: false },
    ];
  }

  private steps(scope: Scope): Step[] {
    return scope.job?.steps ?? (scope.source.kind === 'action' ? scope.source.steps : []);
  }

  private writes(source: WorkflowSource, step: Step) {
    const run = step.run!;
    return this.workspace.memo('shell-writes', `${source.path}\u0000${run.pointer}`, () =>
      shellWrites(run.value),
    );
  }

  /** Flows into a value a script wrote: the expressions on its lines and the env vars it read. */
  private written(
    w: ReturnType<typeof shellWrites>[number],
    step: Step,
    index: number,
    scope: Scope,
    text: string,
    depth: number,
  ): Resolved[] {
    const run = step.run!;
    const first = w.ranges[0]!;
    const hop: Hop = {
      text,
      location: locatedText(this.workspace, scope.source.path, run).locate(first[0], first[1]),
    };
    const stepScope: Scope = { ...scope, stepIndex: index, level: 'step' };
    const out: Resolved[] = [];
    for (const e of expressionsAt(this.workspace, scope.source, run.pointer)) {
      const end = e.start + e.raw.length;
      if (!w.ranges.some(([s, t]) => e.start < t && s < end) || !e.parsed.ok) continue;
      for (const f of this.flows(e.parsed.node, e.inner, stepScope, depth + 1)) {
        if (!f.collection)
          out.push({ origin: { ...f.origin, via: [hop, ...f.origin.via] }, collection: false });
      }
    }
    for (const name of new Set(w.envVars)) {
      for (const r of this.env(name.toLowerCase(), stepScope, depth + 1))
        out.push({ ...r, origin: { ...r.origin, via: [hop, ...r.origin.via] } });
    }
    // `echo "ref=refs/pull/${{ github.event.number }}/merge" >> "$GITHUB_OUTPUT"`: a ref that names the head.
    if (this.options.heads) {
      const ref = w.ranges.map(([s, t]) => run.value.slice(s, t)).find(stringProducesPullRef);
      if (ref)
        out.push({ origin: { text: ref.trim(), capability: 'arbitrary', via: [hop] }, collection: false });
    }
    // The head looked up through the API and written for later steps
    // (`echo "sha=$(gh api repos/$R/pulls/$N --jq .head.sha)" >> "$GITHUB_OUTPUT"`).
    if (this.options.heads) {
      const found = w.ranges.find(([s, t]) => headLookupIn(run.value, s, t));
      if (found) {
        const looked = run.value.slice(found[0], found[1]).trim().replace(/\s+/g, ' ').slice(0, 80);
        const origin: Origin = {
          text: `the pull request's head looked up at run time ("${looked}")`,
          capability: 'arbitrary',
          via: [hop],
        };
        out.push({ origin, collection: false });
      }
    }
    // A file of an artifact read into the value (`$(cat pr-number.txt)`) in a workflow that runs with
    // privileges after another run (workflow_run, pull_request_target): the run that uploaded it ran
    // the pull request's code, which chose the file's content.
    if (!this.options.heads && scope.source.kind === 'workflow' && scope.job) {
      const paths = artifactPaths(scope.source, scope.job, step);
      const read =
        paths && w.ranges.map(([s, t]) => run.value.slice(s, t)).find((t) => readsArtifact(t, paths));
      if (read) {
        const origin: Origin = {
          text: `a file of an artifact from the triggering run ("${read.trim().replace(/\s+/g, ' ').slice(0, 60)}")`,
          capability: 'arbitrary',
          via: [hop],
        };
        out.push({ origin, collection: false });
      }
    }
    // Text of commits read with git (a message, a subject): written by whoever wrote the commits, as
    // `github.event.head_commit.message` is. Not a head (the commit is the one checked out).
    if (!this.options.heads) {
      const read = w.ranges.map(([s, t]) => run.value.slice(s, t)).find((t) => COMMIT_TEXT.test(t));
      if (read) {
        const origin: Origin = {
          text: `a commit message read with git ("${read.trim().slice(0, 60)}")`,
          capability: 'arbitrary',
          via: [hop],
        };
        out.push({ origin, collection: false });
      }
    }
    return out;
  }

  private stepOutput(id: string, name: string, scope: Scope, depth: number): Resolved[] {
    const steps = this.steps(scope);
    const index = steps.findIndex((s) => typeof s.id?.value === 'string' && s.id.value.toLowerCase() === id);
    const step = steps[index];
    if (!step || (scope.stepIndex !== undefined && index >= scope.stepIndex)) return [];
    if (neverRuns(scope, step)) return [];
    const text = `steps.${step.id!.value as string}.outputs.${name}`;
    if (step.uses) {
      const ref = parseUses(step.uses.value);
      if (ref.kind !== 'repository') return [];
      if (this.options.heads && isGithubScript(ref) && scriptSetsHead(step, name)) {
        const origin = {
          text: `${text} (${ref.owner}/${ref.repo})`,
          capability: 'arbitrary' as const,
          via: [],
        };
        return [{ origin, collection: false }];
      }
      if (!this.options.heads && isGithubScript(ref)) {
        const set = scriptSetsText(step, name, this.classify);
        if (set) {
          const origin = {
            text: `${text} (${set.text} in ${ref.owner}/${ref.repo})`,
            capability: set.capability,
            via: [],
          };
          return [{ origin, collection: false }];
        }
      }
      const tainted = TAINTED_OUTPUTS[`${ref.owner}/${ref.repo}`.toLowerCase()];
      const outputs = this.options.heads ? tainted?.head : tainted?.text;
      if (!outputs?.test(name) || tainted?.unless?.(step)) return [];
      const origin = {
        text: `${text} (${ref.owner}/${ref.repo})`,
        capability: 'arbitrary' as const,
        via: [],
      };
      return [{ origin, collection: false }];
    }
    if (!step.run) return [];
    return this.writes(scope.source, step)
      .filter((w) => w.file === 'output' && w.name.toLowerCase() === name)
      .flatMap((w) => this.written(w, step, index, scope, text, depth + 1));
  }

  private jobOutput(id: string, name: string, scope: Scope, depth: number): Resolved[] {
    if (scope.source.kind !== 'workflow') return [];
    const job = scope.source.jobs.find((j) => j.id.toLowerCase() === id);
    const entry = job && [...(job.outputs?.entries ?? [])].find(([k]) => k.toLowerCase() === name);
    if (job && !entry && job.uses) return this.calledOutput(job, name, depth);
    if (!job || !entry) return [];
    const hop = this.hop(`needs.${job.id}.outputs.${entry[0]}`, scope.source, entry[1]);
    // Outputs are evaluated once every step has run: `env.NAME` there reads what any step wrote to
    // `$GITHUB_ENV` (`outputs: { ref: ${{ env.REF }} }`), as a step after them all would.
    const after: Scope = { source: scope.source, job, stepIndex: job.steps.length, level: 'job' };
    return this.value(after, entry[1].pointer, hop, depth + 1);
  }

  /**
   * An output of a job that calls a reusable workflow of this repository: the `value` its
   * `on.workflow_call.outputs.<name>` gives, evaluated in the called workflow (`jobs.<id>.outputs.*`).
   */
  private calledOutput(job: Job, name: string, depth: number): Resolved[] {
    const called = calledWorkflow(this.workspace, job);
    const call = called?.on?.events.find((e) => e.event === 'workflow_call');
    const outputs = (call?.config?.value as Record<string, unknown> | null | undefined)?.outputs;
    if (!called || !call?.config || !outputs || typeof outputs !== 'object') return [];
    const key = Object.keys(outputs).find((k) => k.toLowerCase() === name);
    const spec = key === undefined ? undefined : (outputs as Record<string, unknown>)[key];
    if (key === undefined || !spec || typeof spec !== 'object') return [];
    const pointer = `${call.config.pointer}/outputs/${escapePointerToken(key)}/value`;
    const span = called.document.span(pointer);
    if (!span) return [];
    const hop = this.hop(`needs.${job.id}.outputs.${key}`, called, { value: undefined, pointer, span });
    return this.value({ source: called, level: 'workflow' }, pointer, hop, depth + 1);
  }

  private input(name: string, scope: Scope, depth: number): Resolved[] {
    const { source } = scope;
    const declared = declaredInputs(source, name);
    if (declared.types.length > 0 && declared.types.every((t) => SAFE_INPUT_TYPES.has(t))) return [];
    const out: Resolved[] = [];
    // A composite action run by one step: what that step passes, in its own scope.
    const call = source.kind === 'action' ? scope.call : undefined;
    if (call) {
      for (const d of declared.defaults)
        out.push(
          ...this.value(
            { source, level: 'workflow' },
            d.pointer,
            this.hop(`inputs.${name}`, source, d),
            depth + 1,
          ),
        );
      const entry = [...(call.step.with?.entries ?? [])].find(([k]) => k.toLowerCase() === name);
      if (entry)
        out.push(
          ...this.value(
            call.scope,
            entry[1].pointer,
            this.hop(`inputs.${entry[0]}`, call.scope.source, entry[1]),
            depth + 1,
          ),
        );
      return out;
    }
    const callers = localCallers(this.workspace, source.path);
    // A declared free-text input is chosen by whoever dispatches or calls this, from anywhere: a
    // source in itself, whatever the callers visible here pass (which are followed below).
    if (declared.via && this.options.inputs) {
      const text = `inputs.${declared.name ?? name}`;
      const here =
        declared.via === 'workflow_dispatch'
          ? {}
          : {
              callers: callers
                .filter((c) => runsHere(this.workspace, c.source))
                .map((c) => locationFromSpan(c.source.path, (c.step ?? c.job)!.uses!.span)),
              ...(declared.manual ? { manual: true } : {}),
            };
      out.push({
        origin: { text, capability: 'arbitrary', via: [], input: declared.via, ...here },
        collection: false,
      });
    }
    for (const d of declared.defaults) {
      out.push(
        ...this.value(
          { source, level: 'workflow' },
          d.pointer,
          this.hop(`inputs.${name}`, source, d),
          depth + 1,
        ),
      );
    }
    for (const caller of callers) {
      const entry = [...(caller.with?.entries ?? [])].find(([k]) => k.toLowerCase() === name);
      if (!entry) continue;
      const hop = this.hop(`inputs.${entry[0]}`, caller.source, entry[1]);
      out.push(...this.value(callerScope(caller), entry[1].pointer, hop, depth + 1));
    }
    return out;
  }

  private matrix(key: string, scope: Scope, depth: number): Resolved[] {
    const m = scope.job?.matrix;
    if (!m) return [];
    const jobScope: Scope = { source: scope.source, job: scope.job, level: 'job' };
    const hop = this.hop(`matrix.${key}`, scope.source, m);
    if (typeof m.value === 'string') return this.value(jobScope, m.pointer, hop, depth + 1);
    if (typeof m.value !== 'object' || m.value === null || Array.isArray(m.value)) return [];
    const pointers = matrixPointers(m.pointer, m.value as Record<string, unknown>, key);
    return pointers.flatMap((p) => this.value(jobScope, p, hop, depth + 1, true));
  }
}
