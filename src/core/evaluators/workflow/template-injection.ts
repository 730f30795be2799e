import { FixBatches } from '../../fix/yaml-fix.js';
import { parseExpression } from '../../parsers/expression.js';
import { programName } from '../../parsers/shell-commands.js';
import {
  type Job,
  readWorkflowSource,
  type Step,
  WORKFLOW_GLOBS,
  type WorkflowExpression,
  type WorkflowSource,
  walkWorkflows,
  workflowFiles,
  workflowSources,
} from '../../parsers/workflow.js';
import { locatedText } from '../../parsers/workflow-expressions.js';
import type { Location, RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import { outsiderEvents } from './activity.js';
import { excludesOutsiders, jobExcludesOutsiders } from './conditions.js';
import { classifyContext, heldSources } from './contexts.js';
import { Dataflow, type Flow, type Hop, type Scope } from './dataflow.js';
import { contextEvents, runEvents } from './event-guards.js';
import { injectionFix } from './fix-injection.js';
import { assignedBefore, type ReparsedVariable, reparsedVariables } from './reparsed-variables.js';
import { scriptCodeValues } from './script-code.js';
import {
  type ActionInputs,
  actionInputMap,
  actionOf,
  eventsOf,
  input,
  listedInputs,
  stepLabel,
} from './shared.js';
import { shellWrites } from './shell.js';

export interface TemplateInjectionOptions {
  /**
   * Action inputs that run their value as code: `{ uses: "owner/repo", inputs: ["script"] }`. The
   * built-in rule lists the known ones; a custom rule of this kind can list more.
   */
  sinks: ActionInputs[];
}

/**
 * Template injection: a `${{ }}` expression in code is substituted into the code before it runs, so a
 * value an outsider chooses becomes code. Code is a `run:` script (whatever its `shell:`), a `shell:`
 * value itself (step or `defaults.run`), and the inputs of actions that run their value (the rule's
 * `sinks`). Reported at the context reference that brings the value in, graded by what the value can
 * hold (contexts.ts): free text is high, validated syntax medium; numbers, SHAs, booleans, static
 * matrix values and conditions are not reported. Values are followed through `env:`, step and job
 * outputs, matrices and local callers (dataflow.ts). A free-text input of a manual or reusable
 * workflow or of an action is a source in itself: whoever dispatches or calls it chooses the value
 * (graded by what this repository's own callers pass when it runs here, see `finding`);
 * so is a `repository_dispatch` payload, whose sender can write to the repository unless a workflow
 * here relays outsiders' events into dispatches. In a workflow that runs on `pull_request` only, an
 * injection gains its author nothing (severity low), nor does a value only the workflow's
 * `pull_request` runs carry (`github.head_ref` in a workflow on pull requests and a schedule). A
 * value is a source only on the events whose payload holds it, and a step that runs on none of the
 * workflow's events (event-guards.ts) is dead code.
 */
export const workflowTemplateInjection = defineEvaluator<TemplateInjectionOptions>({
  kind: 'workflow.template-injection',
  fix: "moves the expressions of a run: script into the step's env: and reads them as quoted variables (bash, sh, pwsh)",
  summary:
    'Attacker-controllable expressions (pull request, issue and comment text, branch names, commit messages, free-text inputs) expanded into run: scripts, shell: values or code inputs of actions, followed through env, outputs, matrices and inputs.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      sinks: {
        type: 'array',
        default: [],
        description: 'Action inputs that execute their value as code.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['uses', 'inputs'],
          properties: {
            uses: {
              type: 'string',
              pattern: '^[^/@\\s]+/[^@\\s]+$',
              description: 'owner/repo of the action.',
            },
            inputs: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
          },
        },
      },
    },
  },
  subjects: workflowFiles,
  evaluate({ options, workspace, subjects, repository }) {
    const sinks = actionInputMap(options.sinks);
    const flow = new Dataflow(workspace, classifyContext, { inputs: true });
    // Read (every workflow) only for an injection of a dispatch's payload.
    const relay = () => dispatchRelay(workspace);
    const findings: RawFinding[] = [];
    // Per step: every expression of its script, and the reported ones with their findings; one fix
    // per step covers them all.
    const scripts = new Map<Step, ScriptFindings>();
    walkWorkflows(
      workflowSources(workspace, subjects),
      {
        step(step, source, job) {
          if (actionOf(step.uses) === 'actions/github-script') {
            findings.push(...scriptCodeFindings(workspace, flow, source, job, step, relay, repository));
            return;
          }
          // A variable of the step's environment that the script splices into another program's code.
          if (!step.run) return;
          const shell = shellOf(step, job, source);
          if (shell !== '' && !/^(?:ba)?sh(?:\s|$)/.test(shell)) return;
          const script = step.run.value;
          const refs = workspace.memo('reparsed-variables', script, () => reparsedVariables(script));
          if (refs.length === 0) return;
          const events = source.kind === 'workflow' && job ? runEvents(source, job, step) : undefined;
          if (events?.length === 0) return;
          const scope: Scope = { source, ...(job ? { job } : {}), stepIndex: step.index, level: 'step' };
          const text = locatedText(workspace, source.path, step.run);
          const insiders =
            source.kind === 'workflow' && job !== undefined
              ? jobExcludesOutsiders(source, job, repository) || excludesOutsiders(step.if, repository)
              : false;
          for (const r of refs) {
            if (assignedBefore(script, r.name, r.start)) continue;
            const inner = `env.${r.name}`;
            const parsed = parseExpression(inner);
            if (!parsed.ok || !parsed.node) continue;
            const flows = flow
              .flows(parsed.node, inner, scope)
              .filter((f) => !f.collection && liveEvents(f, source, events)?.length !== 0);
            if (flows.length === 0) continue;
            const at = text.locate(r.start, r.end);
            const f = reparsedFinding(r, script.slice(r.start, r.end), flows, at, job, step, relay);
            judgeReach(workspace, f, flows, source, events, insiders);
            findings.push(f);
          }
        },
        expression(expr, source, job, step) {
          const script = step?.run && expr.field.length === 1 && expr.field[0] === 'run' ? step : undefined;
          let entry = script && scripts.get(script);
          if (script && !entry) {
            entry = { source, job, step: script, all: [], tainted: [], findings: [] };
            scripts.set(script, entry);
          }
          entry?.all.push(expr);
          if (!expr.parsed.ok) return;
          const sink = step
            ? stepSink(step, expr.field, sinks)
            : (defaultsSink(expr.field) ?? dockerArgsSink(source, expr.field));
          if (!sink) return;
          if (step && sink === GITHUB_SCRIPT_SINK && jsonLiteralInScript(expr, step)) return;
          const scope: Scope = step
            ? { source, ...(job ? { job } : {}), stepIndex: step.index, level: 'step' }
            : { source, ...(job ? { job } : {}), level: job ? 'job' : 'workflow' };
          // The events the sink runs on: none, and it is dead code (a step for an event the workflow
          // is not triggered by).
          const events = source.kind === 'workflow' && job ? runEvents(source, job, step) : undefined;
          if (events?.length === 0) return;
          const flows = flow
            .flows(expr.parsed.node, expr.inner, scope)
            .filter((f) => !f.collection && liveEvents(f, source, events)?.length !== 0);
          const owner = `${job?.id ?? ''}/${step ? stepLabel(step) : 'defaults'}`;
          const file = sink === 'run:' && step?.run ? writtenFile(workspace, source, step, expr) : undefined;
          const insiders =
            source.kind === 'workflow' && job !== undefined
              ? jobExcludesOutsiders(source, job, repository) || excludesOutsiders(step?.if, repository)
              : false;
          for (const group of byReference(flows)) {
            const f = finding(expr, group, sink, owner, shellOf(step, job, source), file, relay);
            judgeReach(workspace, f, group, source, events, insiders);
            if (entry && sink === 'run:') {
              if (!entry.tainted.includes(expr)) entry.tainted.push(expr);
              entry.findings.push(f);
            } else f.unfixable = 'only run: scripts are rewritten mechanically';
            findings.push(f);
          }
        },
      },
      workspace,
    );
    const fixes = new FixBatches(workspace);
    for (const s of scripts.values()) {
      if (s.findings.length > 0)
        injectionFix(fixes, s.findings, workspace, s.source, s.job, s.step, s.tainted, s.all);
    }
    fixes.finish();
    return findings;
  },
});

interface ScriptFindings {
  source: WorkflowSource;
  job: Job | undefined;
  step: Step;
  all: WorkflowExpression[];
  tainted: WorkflowExpression[];
  findings: RawFinding[];
}

/**
 * Lowers a finding by who can reach it: a job only insiders can start (low confidence), a value set
 * only on the workflow's pull_request runs, or a workflow on pull_request only (low severity).
 */
function judgeReach(
  workspace: Workspace,
  f: RawFinding,
  group: Flow[],
  source: WorkflowSource,
  events: readonly string[] | undefined,
  insiders: boolean,
): void {
  if (insiders) {
    f.message +=
      ' The job only runs for pull requests from this repository, named authors or trusted members, so only they could exploit it.';
    f.confidence = 'low';
  }
  if (!pullRequestOnly(source) && carriedOnPullRequestOnly(group, source, events)) {
    f.message +=
      " The value is set only on the workflow's pull_request runs (its other triggers do not carry it): a fork's run gets a read-only token and no secrets, and runs the workflow as the pull request has it, so whoever writes the text could run code there anyway.";
    f.severity = 'low';
  }
  const callers = callersOnPullRequestOnly(workspace, group, source);
  if (callers) {
    f.message += ` The value is set only on the pull_request runs of the workflow that passes it (${callers}; its other triggers do not carry it), and a called workflow runs in its caller's run: a fork's run gets a read-only token and no secrets, and runs the workflow as the pull request has it, so whoever writes the text could run code there anyway.`;
    f.severity = 'low';
  }
  if (pullRequestOnly(source)) {
    f.message +=
      " The workflow runs on pull_request only: a fork's run gets a read-only token and no secrets, and runs the workflow as the pull request has it, so whoever writes the text could run code there anyway (under pull_request_target it would run with this repository's token and secrets).";
    f.severity = 'low';
  }
}

/**
 * A variable of the step's environment that carries outsider text, expanded by the script into the
 * code of another program (reparsed-variables.ts): the text becomes that program's code.
 */
function reparsedFinding(
  r: ReparsedVariable,
  written: string,
  flows: Flow[],
  at: Location,
  job: Job | undefined,
  step: Step,
  relays: () => string | undefined,
): RawFinding {
  const relay = flows.some((f) => f.origin.input === 'repository_dispatch') ? relays() : undefined;
  const ref = `env.${r.name}`;
  const arbitrary = flows.some((f) => f.origin.capability === 'arbitrary');
  const origins = [...new Set(flows.map((f) => describe(f, ref, at, relay)))];
  const shown = origins.slice(0, 3).join('; ');
  const more = origins.length > 3 ? ` (and ${origins.length - 3} more)` : '';
  const what = arbitrary ? 'attacker-controlled text' : 'an attacker-influenced value';
  const chooser = chosenBy(flows, relay);
  return {
    message:
      `"${written}" in run: is expanded by the shell into the code that ${r.program} runs, so the ${what} it holds becomes code there: ${shown}${more}.${chooser.note} ` +
      `Pass the value to that program as data: an argument (bash -c '... "$1"' _ "$${r.name}"), or read from the environment by the program itself ("$${r.name}" inside single quotes for a shell, os.environ["${r.name}"], process.env.${r.name}).`,
    location: at,
    key: `${job?.id ?? ''}/${stepLabel(step)}/reparsed/${r.name}`,
    severity: arbitrary ? 'high' : 'medium',
    unfixable: 'the program that parses the value has to be given it as data by hand',
    ...(chooser.confidence ? { confidence: chooser.confidence } : {}),
  };
}

/**
 * Payload text (or an environment variable carrying it) that a github-script passes to a shell,
 * `eval` or `new Function` as JavaScript values (script-code.ts): that program runs it as code.
 */
function scriptCodeFindings(
  workspace: Workspace,
  flow: Dataflow,
  source: WorkflowSource,
  job: Job | undefined,
  step: Step,
  relays: () => string | undefined,
  repository: string | undefined,
): RawFinding[] {
  const node = input(step, 'script');
  if (typeof node?.value !== 'string') return [];
  const script = node.value;
  const values = workspace.memo('script-code', script, () => scriptCodeValues(script));
  if (values.length === 0) return [];
  const events = source.kind === 'workflow' && job ? runEvents(source, job, step) : undefined;
  if (events?.length === 0) return [];
  const scope: Scope = { source, ...(job ? { job } : {}), stepIndex: step.index, level: 'step' };
  const text = locatedText(workspace, source.path, { ...node, value: script });
  const insiders =
    source.kind === 'workflow' && job !== undefined
      ? jobExcludesOutsiders(source, job, repository) || excludesOutsiders(step.if, repository)
      : false;
  const out: RawFinding[] = [];
  for (const v of values) {
    const parsed = parseExpression(v.expression);
    if (!parsed.ok || !parsed.node) continue;
    const flows = flow
      .flows(parsed.node, v.expression, scope)
      .filter((f) => !f.collection && liveEvents(f, source, events)?.length !== 0);
    if (flows.length === 0) continue;
    const at = text.locate(v.start, v.end);
    const relay = flows.some((f) => f.origin.input === 'repository_dispatch') ? relays() : undefined;
    const arbitrary = flows.some((f) => f.origin.capability === 'arbitrary');
    const origins = [...new Set(flows.map((f) => describe(f, v.expression, at, relay)))];
    const shown = origins.slice(0, 3).join('; ');
    const more = origins.length > 3 ? ` (and ${origins.length - 3} more)` : '';
    const what = arbitrary ? 'attacker-controlled text' : 'an attacker-influenced value';
    const chooser = chosenBy(flows, relay);
    const f: RawFinding = {
      message:
        `"${v.text}" in ${GITHUB_SCRIPT_SINK} is passed to ${v.program}, which parses it as code, so the ${what} it holds runs there: ${shown}${more}.${chooser.note} ` +
        'Give the value to the program as data: an argument list without a shell (exec.exec(\'git\', [..., value])), or an environment variable the program reads itself (env: { VALUE: ... } in exec options, read as "$VALUE" inside single quotes).',
      location: at,
      key: `${job?.id ?? ''}/${stepLabel(step)}/script-code/${v.text}`,
      severity: arbitrary ? 'high' : 'medium',
      unfixable: 'the program that parses the value has to be given it as data by hand',
      ...(chooser.confidence ? { confidence: chooser.confidence } : {}),
    };
    judgeReach(workspace, f, flows, source, events, insiders);
    out.push(f);
  }
  return out;
}

/** `run:`, `shell:` or `with.<input>` when the field is code, else undefined. */
function stepSink(step: Step, field: string[], sinks: Map<string, string[]>): string | undefined {
  if (field.length === 1 && field[0] === 'run' && step.run) return 'run:';
  if (field.length === 1 && field[0] === 'shell') return 'shell:';
  if (field.length !== 2 || field[0] !== 'with') return undefined;
  if (field[1]!.toLowerCase() === 'args' && step.uses?.value.trim().startsWith('docker://')) {
    const entrypoint = input(step, 'entrypoint')?.value;
    const args = input(step, 'args')?.value;
    return argsRunCode(
      typeof entrypoint === 'string' ? entrypoint : undefined,
      typeof args === 'string' ? [args] : [],
    )
      ? 'the args of a Docker action run by a shell or interpreter'
      : undefined;
  }
  const listed = listedInputs(step, sinks);
  const name = field[1]!;
  return listed?.inputs.includes(name.toLowerCase()) ? `the "${name}" input of ${listed.action}` : undefined;
}

/** The sink that {@link stepSink} names for the code input of actions/github-script. */
const GITHUB_SCRIPT_SINK = 'the "script" input of actions/github-script';

/**
 * Whether an expression in a github-script `script` is a JSON literal there: the expression is a
 * `toJSON(...)` call as a whole and stands where JavaScript reads a value, not inside a string, a
 * template literal or a comment. JSON text is a JavaScript literal (strings escape their quotes and
 * backslashes, and JavaScript accepts every other character in them), so nothing in the value can
 * end it early: `const event = ${{ toJSON(github.event) }};`. In a shell script, or inside a quoted
 * string of the script, the same text is injectable. The script before the expression is read with
 * a small lexer that gives up (the expression stays reported) at a `/` that may start a regular
 * expression literal, and at another expression outside a string, whose value is not known.
 */
function jsonLiteralInScript(expr: WorkflowExpression, step: Step): boolean {
  const node = expr.parsed.ok ? expr.parsed.node : undefined;
  if (node?.kind !== 'call' || node.name !== 'tojson') return false;
  const script = input(step, 'script')?.value;
  if (typeof script !== 'string' || script.slice(expr.start, expr.start + expr.raw.length) !== expr.raw)
    return false;
  let state: 'code' | "'" | '"' | '`' | 'line' | 'block' = 'code';
  for (let i = 0; i < expr.start; i++) {
    const c = script[i]!;
    const next = script[i + 1];
    if (state === 'line') {
      if (c === '\n') state = 'code';
    } else if (state === 'block') {
      if (c === '*' && next === '/') {
        state = 'code';
        i++;
      }
    } else if (state !== 'code') {
      if (c === '\\') i++;
      else if (c === state) state = 'code';
    } else if (c === '$' && next === '{' && script[i + 2] === '{') {
      // Another expression where code is read: its value may open a string or a comment.
      return false;
    } else if (c === '/') {
      if (next === '/') state = 'line';
      else if (next === '*') state = 'block';
      else return false;
      i++;
    } else if (c === "'" || c === '"' || c === '`') state = c;
  }
  return state === 'code';
}

/**
 * `runs.args` of a Docker action of the repository whose entrypoint (`runs.entrypoint`, or the first
 * of its args) is a shell or an interpreter given its program in them (`entrypoint: sh`, `args: [-c,
 * 'echo ${{ inputs.title }}']`): the expression is spliced into that program.
 */
function dockerArgsSink(source: WorkflowSource, field: string[]): string | undefined {
  if (
    source.kind !== 'action' ||
    field[0] !== 'args' ||
    String(source.using?.value ?? '').trim() !== 'docker'
  )
    return undefined;
  const runs = source.runs.value;
  const entrypoint = typeof runs.entrypoint === 'string' ? runs.entrypoint : undefined;
  const args = Array.isArray(runs.args) ? runs.args.map((a) => String(a ?? '')) : [];
  return argsRunCode(entrypoint, args)
    ? 'the args of a Docker action run by a shell or interpreter'
    : undefined;
}

/** Programs whose `-c`/`-e` argument (or, as an entrypoint, whose arguments) hold the code they run. */
const ARG_PROGRAMS =
  /^(?:(?:ba|da|z|k|a)?sh|busybox|python[0-9.]*|node|nodejs|ruby|perl|php|pwsh|powershell)$/;

/**
 * Whether a container's arguments are code: its entrypoint is a shell or an interpreter (its first
 * word, `/bin/sh`), or, with none given, the arguments start with one given `-c` / `-e` (`sh -c "..."`).
 * The args of `docker://` steps are one string the runner splits into words; an action's are a list.
 */
function argsRunCode(entrypoint: string | undefined, args: readonly string[]): boolean {
  const program = (word: string | undefined) => (word ? programName(word.replace(/^["']|["']$/g, '')) : '');
  if (entrypoint !== undefined && entrypoint.trim() !== '')
    return ARG_PROGRAMS.test(program(entrypoint.trim().split(/\s+/)[0]));
  const words = args.flatMap((a) => a.trim().split(/\s+/));
  return (
    ARG_PROGRAMS.test(program(words[0])) &&
    words.slice(1).some((w) => /^-[a-zA-Z]*[ceE]$|^-command$/i.test(w))
  );
}

/** `defaults.run.shell` of a job or the workflow: the command line every `run:` is started with. */
function defaultsSink(field: string[]): string | undefined {
  return field.join('/') === 'defaults/run/shell' ? 'defaults.run.shell' : undefined;
}

/**
 * Whether every trigger of a workflow is `pull_request`: a fork's run gets a read-only token and no
 * secrets, and GitHub runs the workflow file of the pull request's merge commit, which its author
 * can change; an author of a branch here can push already. What the event carries is chosen by the
 * author (title, body, branch) or by a maintainer (an edit). Not the review and comment events, whose
 * text others write into the runs of this repository's branches.
 */
function pullRequestOnly(source: WorkflowSource): boolean {
  if (source.kind !== 'workflow') return false;
  const events = eventsOf(source);
  return events.size > 0 && [...events].every((e) => e === 'pull_request');
}

/**
 * The workflows of this repository that pass every flow's value in from another file, when each
 * sets it only on its pull_request runs: the flow's farthest hop is in a workflow (not a reusable
 * one, whose own callers decide) whose triggers carry the context it comes from on `pull_request`
 * alone (`github.head_ref` in a workflow on pull_request, push and schedule). A called workflow runs
 * in its caller's run, with its token and secrets; the free text of a caller elsewhere (the input
 * itself) runs in that caller's run, not here. Undefined when a flow stays in the sink's file, comes
 * from another input, or its caller's triggers are not known.
 */
function callersOnPullRequestOnly(
  workspace: Workspace,
  flows: Flow[],
  source: WorkflowSource,
): string | undefined {
  const callers = new Set<string>();
  for (const flow of flows) {
    // What a caller elsewhere passes runs in its own run, with its own token and secrets.
    if (flow.origin.input === 'workflow_call') continue;
    if (flow.origin.input !== undefined) return undefined;
    const far = flow.origin.via[flow.origin.via.length - 1]?.location.path;
    if (far === undefined || far === source.path) return undefined;
    const caller = readWorkflowSource(workspace, far);
    if (caller?.kind !== 'workflow') return undefined;
    const triggers = [...eventsOf(caller)];
    const carried = contextEvents(flow.origin.text) ?? heldEvents(flow.origin.text);
    if (triggers.length === 0 || triggers.includes('workflow_call') || !carried) return undefined;
    const live = triggers.filter((e) => carried.includes(e));
    if (live.length === 0 || live.some((e) => e !== 'pull_request')) return undefined;
    callers.add(far);
  }
  return callers.size > 0 ? [...callers].sort().join(', ') : undefined;
}

/**
 * The events of a run on which a flow's value can reach the sink: those the sink runs on (`events`)
 * whose payload sets the context it comes from (`github.head_ref` only on pull requests). Undefined
 * when not known: a value of an input, of an action's output, or passed from another file (a caller,
 * whose event is its own).
 */
function liveEvents(
  flow: Flow,
  source: WorkflowSource,
  events: readonly string[] | undefined,
): readonly string[] | undefined {
  if (!events || flow.origin.input !== undefined) return undefined;
  if (flow.origin.via.some((h) => h.location.path !== source.path)) return undefined;
  const carried = contextEvents(flow.origin.text) ?? heldEvents(flow.origin.text);
  return carried ? events.filter((e) => carried.includes(e)) : undefined;
}

/**
 * The events of sources whose payload event-guards.ts does not name, on which an outsider writes
 * them: the previous text in `changes` of an edited issue, pull request, review, comment or
 * discussion (a release's or a label's `changes` are its maintainers'), a discussion's answer, the
 * pusher of a push.
 */
const HELD_SOURCE_EVENTS: [string, readonly string[]][] = [
  [
    'github.event.changes.',
    [
      'issues',
      'issue_comment',
      'pull_request',
      'pull_request_target',
      'pull_request_review',
      'pull_request_review_comment',
      'discussion',
      'discussion_comment',
    ],
  ],
  ['github.event.answer.', ['discussion']],
  ['github.event.pusher.', ['push']],
];

/**
 * The events on which an object that holds sources (`github.event` passed whole, as in
 * `toJSON(github.event)`) holds one: those of the sources it holds, together. A `release` payload
 * holds no pull request, issue or comment text, so the whole event there carries nothing an
 * outsider wrote. Undefined (any event) when one of them may be set on any event.
 */
function heldEvents(text: string): readonly string[] | undefined {
  const path = text
    .trim()
    .toLowerCase()
    .replace(/\[\s*['"]([\w-]+)['"]\s*\]/g, '.$1')
    .split('.');
  const held = heldSources(path);
  if (held.length === 0) return undefined;
  const events = new Set<string>();
  for (const source of held) {
    const on = contextEvents(source) ?? HELD_SOURCE_EVENTS.find(([prefix]) => source.startsWith(prefix))?.[1];
    if (!on) return undefined;
    for (const event of on) events.add(event);
  }
  return [...events];
}

/**
 * Whether every flow of a reference carries a value only on the workflow's `pull_request` runs (a
 * workflow on pull requests and a schedule that expands `github.head_ref`): what its author writes
 * there gains them nothing, as in a workflow that runs on pull requests only.
 */
function carriedOnPullRequestOnly(
  flows: Flow[],
  source: WorkflowSource,
  events: readonly string[] | undefined,
): boolean {
  return flows.every((f) => {
    const live = liveEvents(f, source, events);
    return live !== undefined && live.length > 0 && live.every((e) => e === 'pull_request');
  });
}

/** Actions that send a `repository_dispatch` event, the second one with the comment that asked for it. */
const DISPATCH_ACTIONS = new Set(['peter-evans/repository-dispatch', 'peter-evans/slash-command-dispatch']);
/** A REST call that sends a `repository_dispatch` event, in a script or a github-script. */
const DISPATCH_CALL = /\/dispatches\b|\bcreateDispatchEvent\b/;

/**
 * A workflow of this repository that sends `repository_dispatch` events from a job outsiders can
 * start (a comment command, an issue): the payload it sends may carry their text. Without one, the
 * events come from elsewhere, sent with a token that can write to the repository (an insider's).
 */
function dispatchRelay(workspace: Workspace): string | undefined {
  return workspace.memo('template-injection-dispatch-relay', '', () => {
    let found: string | undefined;
    walkWorkflows(workflowSources(workspace, workspace.glob(WORKFLOW_GLOBS)), {
      step(step, source, job) {
        if (found || source.kind !== 'workflow' || !job) return;
        const action = actionOf(step.uses);
        const script = step.run?.value ?? input(step, 'script')?.value;
        const sends =
          (action !== undefined && DISPATCH_ACTIONS.has(action)) ||
          (typeof script === 'string' && DISPATCH_CALL.test(script));
        if (sends && outsiderEvents(source, [job], step).length > 0) found = source.path;
      },
    });
    return found;
  });
}

/**
 * The job file (`$GITHUB_ENV`, `$GITHUB_PATH`) the script line holding the expression writes to: then
 * the value also becomes an environment variable or a PATH entry of every later step.
 */
function writtenFile(
  workspace: Workspace,
  source: WorkflowSource,
  step: Step,
  expr: WorkflowExpression,
): 'env' | 'path' | undefined {
  const run = step.run!;
  const writes = workspace.memo('shell-writes', `${source.path}\u0000${run.pointer}`, () =>
    shellWrites(run.value),
  );
  const end = expr.start + expr.raw.length;
  for (const w of writes) {
    if (w.file === 'output') continue;
    const [from, to] = w.ranges[0]!;
    if (expr.start < to && from < end) return w.file;
  }
  return undefined;
}

/** The shell a step's script runs in (its own, the job's or the workflow's default), lower case. */
function shellOf(step: Step | undefined, job: Job | undefined, source: WorkflowSource): string {
  const pick = [
    step?.shell,
    job?.defaults?.shell,
    source.kind === 'workflow' ? source.defaults?.shell : undefined,
  ];
  for (const s of pick) if (typeof s?.value === 'string') return s.value.trim().toLowerCase();
  return '';
}

/** Flows grouped by the reference they enter through (one finding per reference). */
function byReference(flows: Flow[]): Flow[][] {
  const groups = new Map<number, Flow[]>();
  for (const f of flows) {
    const list = groups.get(f.ref.start);
    if (list) list.push(f);
    else groups.set(f.ref.start, [f]);
  }
  return [...groups.values()];
}

function finding(
  expr: WorkflowExpression,
  flows: Flow[],
  sink: string,
  owner: string,
  shell: string,
  file: 'env' | 'path' | undefined,
  relays: () => string | undefined,
): RawFinding {
  const first = flows[0]!;
  const relay = flows.some((f) => f.origin.input === 'repository_dispatch') ? relays() : undefined;
  const ref = expr.inner.slice(first.ref.start, first.ref.end);
  const arbitrary = flows.some((f) => f.origin.capability === 'arbitrary');
  const origins = [...new Set(flows.map((f) => describe(f, ref, expr.location, relay)))];
  const shown = origins.slice(0, 3).join('; ');
  const more = origins.length > 3 ? ` (and ${origins.length - 3} more)` : '';
  const what = arbitrary ? 'attacker-controlled text' : 'an attacker-influenced value';
  const alias = expr.definedAt
    ? ` (written at line ${expr.definedAt.startLine} and expanded here through a YAML alias)`
    : '';
  const chooser = chosenBy(flows, relay);
  const written =
    file === 'env'
      ? ' The line writes it to $GITHUB_ENV, so a line break in it also sets variables (LD_PRELOAD, NODE_OPTIONS, ...) for every later step.'
      : file === 'path'
        ? ' The line writes it to $GITHUB_PATH, so it also decides where every later step finds its commands.'
        : '';
  return {
    message:
      `"${ref}" in ${sink}${alias} is substituted into the code before it runs and can carry ${what}: ${shown}${more}.${written}${chooser.note} ` +
      remediation(sink, shell),
    location: expr.locate(first.ref.start, first.ref.end),
    key: `${owner}/${sink}/${ref}`,
    severity: arbitrary ? 'high' : 'medium',
    ...(chooser.confidence ? { confidence: chooser.confidence } : {}),
  };
}

/**
 * How sure a finding is by who chooses the values its flows carry, and the note that says so (empty
 * unless its callers here are what lowers it). Only the free text of an input that nothing in this
 * repository passes: a reusable workflow or action that runs here only for callers elsewhere, a real
 * risk to them whenever one passes untrusted text, which cannot be known from this repository
 * (medium). Text typed into a manual run, or sent in a repository_dispatch event, comes from someone
 * with write access, who could change the workflow anyway (low: out of the regular view, like
 * injections in jobs only insiders can start); unless a workflow here relays outsiders' events into
 * dispatches (`relay`), whose payload is then taken for their text. An input run in this repository
 * by its own callers (followed through chains of calls), or by hand, that no caller here passes
 * untrusted text (what they pass is followed as flows of its own) is fixed or an insider's here, and
 * only a caller elsewhere, running it in its own context with its own secrets, could pass text (low,
 * as a manual run's). Not dropped: the expression still splices whatever a caller passes into code,
 * which a fixed value reaching the sink directly does not.
 */
function chosenBy(flows: Flow[], relay: string | undefined): { confidence?: 'low' | 'medium'; note: string } {
  const chosen = (f: Flow) =>
    f.origin.input === 'repository_dispatch' && relay !== undefined ? undefined : f.origin.input;
  const dispatched = (f: Flow) => chosen(f) === 'workflow_dispatch' || chosen(f) === 'repository_dispatch';
  const onlyInputs = flows.every((f) => chosen(f) !== undefined);
  const onlyDispatch = flows.every(dispatched);
  const ranHere = (f: Flow) => (f.origin.callers?.length ?? 0) > 0 || f.origin.manual === true;
  const calledHere = onlyInputs && !onlyDispatch && flows.every((f) => dispatched(f) || ranHere(f));
  const note = calledHere ? calledHereNote(flows) : '';
  if (onlyDispatch || calledHere) return { confidence: 'low', note };
  return onlyInputs ? { confidence: 'medium', note } : { note };
}

/** Callers named in a note before the rest are counted. */
const NAMED_CALLERS = 3;

/**
 * Why an input that only callers here and manual runs fill is low: the callers followed, by the
 * line of their `uses:`, and whether it is also run by hand.
 */
function calledHereNote(flows: Flow[]): string {
  const callers = [
    ...new Set(flows.flatMap((f) => (f.origin.callers ?? []).map((l) => `${l.path}:${l.startLine}`))),
  ];
  const manual = flows.some((f) => f.origin.manual === true || f.origin.input === 'workflow_dispatch');
  const named =
    callers.slice(0, NAMED_CALLERS).join(', ') +
    (callers.length > NAMED_CALLERS ? ` and ${callers.length - NAMED_CALLERS} more` : '');
  const byHand = manual
    ? ', or text typed into a manual run (workflow_dispatch) by someone with write access'
    : '';
  const who =
    callers.length > 0
      ? ` Every job or step of this repository that calls it, followed through chains of calls (${named}), passes a fixed or trusted value${byHand};`
      : ' No job or step of this repository calls it, and here it runs only by hand (workflow_dispatch), with text typed by someone with write access;';
  return `${who} the risk is a caller elsewhere passing untrusted text, which runs it in its own context, with its own token and secrets.`;
}

/** How to read the value as data where it is used. */
function remediation(sink: string, shell: string): string {
  if (sink === 'shell:' || sink === 'defaults.run.shell')
    return 'Choose the shell from a fixed list (a matrix or a condition), never from an input or event text.';
  const bind = "Bind the expression to a variable in the step's env: and read the variable";
  if (sink.includes('actions/github-script')) return `${bind} as process.env.NAME (or read context.payload).`;
  if (sink !== 'run:')
    return `${bind} in the code as an environment variable, never as text spliced into it.`;
  const word = shell.split(/\s/)[0] ?? '';
  if (word === 'pwsh' || word === 'powershell') return `${bind} as $env:NAME.`;
  if (word.startsWith('python')) return `${bind} as os.environ["NAME"].`;
  if (word === 'node') return `${bind} as process.env.NAME.`;
  if (word === 'cmd') return `${bind} as %NAME%.`;
  return `${bind} in the script, quoted ("$NAME").`;
}

/** `github.event.issue.title`, or `env.TITLE <- github.event.issue.title (env.TITLE, line 9)`. */
function describe(flow: Flow, ref: string, at: Location, relay: string | undefined): string {
  const origin = flow.origin;
  const source = origin.input
    ? `${origin.text} (${chooser(origin.input, relay, origin.manual === true)})`
    : origin.text;
  if (origin.via.length === 0) return origin.text.startsWith(ref) ? source : `${ref}, that is ${source}`;
  const hops = origin.via.map((h) => hopText(h, at)).join(' <- ');
  return `${source} via ${hops}`;
}

function chooser(
  input: NonNullable<Flow['origin']['input']>,
  relay: string | undefined,
  manual: boolean,
): string {
  switch (input) {
    case 'workflow_dispatch':
      return 'free text typed by whoever runs the workflow';
    case 'repository_dispatch':
      return relay
        ? `the payload of a repository_dispatch event, which ${relay} sends from events outsiders cause`
        : 'the payload of a repository_dispatch event, chosen by whoever sends it with a token that can write to this repository';
    case 'workflow_call':
      return manual
        ? 'free text typed by whoever runs the workflow, or passed by any workflow that calls it'
        : 'free text passed by any workflow that calls this one';
    case 'action':
      return 'free text passed by any workflow that uses this action';
  }
}

function hopText(hop: Hop, at: Location): string {
  const where =
    hop.location.path === at.path
      ? `line ${hop.location.startLine}`
      : `${hop.location.path}:${hop.location.startLine}`;
  return `${hop.text} (${where})`;
}
