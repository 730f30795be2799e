import { parseUses } from '../../parsers/uses.js';
import {
  type Step,
  type WorkflowExpression,
  walkWorkflows,
  workflowSources,
} from '../../parsers/workflow.js';
import type { Location, RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { classifyContext } from './contexts.js';
import { Dataflow, type Flow, type Hop } from './dataflow.js';
import { stepLabel } from './shared.js';

export interface TemplateInjectionOptions {
  /** Extra action inputs that run their value as code: `{ uses: "owner/repo", inputs: ["script"] }`. */
  sinks: { uses: string; inputs: string[] }[];
}

/**
 * Action inputs whose value is executed as code (a script, an inline command), keyed by `owner/repo`
 * (lower case). `run:` is always a sink.
 */
const CODE_INPUTS: Record<string, string[]> = {
  'actions/github-script': ['script'],
  'azure/cli': ['inlinescript'],
  'azure/powershell': ['inlinescript'],
  'appleboy/ssh-action': ['script'],
  'nick-fields/retry': ['command'],
  'addnab/docker-run-action': ['run'],
  'jannekem/run-python-script-action': ['script'],
  'amadevus/pwsh-script': ['script'],
  'cardinalby/js-eval-action': ['expression'],
  'mathiasvr/command-output': ['run'],
};

/**
 * Template injection: a `${{ }}` expression in code (a `run:` script, or an action input that is run as
 * a script) is substituted into the code before it runs, so a value an outsider chooses becomes code.
 * Reported at the context reference that brings the value in, graded by what the value can hold (see
 * contexts.ts): free text is high, validated syntax is medium; numbers, SHAs, booleans, static matrix
 * values and conditions (`if:` is never code) are not reported. Values are followed through `env:`,
 * step and job outputs, matrices and local `inputs.*` (dataflow.ts). An input with no caller in the
 * repository (manual dispatch, a workflow called from elsewhere) is not reported: its value is not
 * derivable here, and flagging every `inputs.*` would bury the real findings.
 */
export const workflowTemplateInjection = defineEvaluator<TemplateInjectionOptions>({
  kind: 'workflow.template-injection',
  summary:
    'Attacker-controllable expressions (pull request, issue and comment text, branch names, commit messages) expanded into run: scripts or script inputs, followed through env, outputs, matrices and inputs.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      sinks: {
        type: 'array',
        default: [],
        description: 'Extra action inputs that execute their value as code.',
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
  evaluate({ options, workspace }) {
    const sinks = new Map(Object.entries(CODE_INPUTS));
    for (const s of options.sinks ?? []) {
      const key = s.uses.toLowerCase();
      sinks.set(key, [...(sinks.get(key) ?? []), ...s.inputs.map((i) => i.toLowerCase())]);
    }
    const flow = new Dataflow(workspace, classifyContext);
    const findings: RawFinding[] = [];
    walkWorkflows(
      workflowSources(workspace),
      {
        expression(expr, source, job, step) {
          if (!step || !expr.parsed.ok) return;
          const sink = sinkName(step, expr.field, sinks);
          if (!sink) return;
          const scope = { source, ...(job ? { job } : {}), stepIndex: step.index, level: 'step' as const };
          const flows = flow.flows(expr.parsed.node, expr.inner, scope).filter((f) => !f.collection);
          for (const group of byReference(flows)) {
            findings.push(finding(expr, group, sink, `${job?.id ?? ''}/${stepLabel(step)}`));
          }
        },
      },
      workspace,
    );
    return findings;
  },
});

/** `run:` or `with.<input>` when the field is code, else undefined. */
function sinkName(step: Step, field: string[], sinks: Map<string, string[]>): string | undefined {
  if (field.length === 1 && field[0] === 'run' && step.run) return 'run:';
  if (field.length !== 2 || field[0] !== 'with' || !step.uses) return undefined;
  const ref = parseUses(step.uses.value);
  if (ref.kind !== 'repository') return undefined;
  const inputs = sinks.get(`${ref.owner}/${ref.repo}`.toLowerCase());
  const input = field[1]!;
  return inputs?.includes(input.toLowerCase())
    ? `the "${input}" input of ${ref.owner}/${ref.repo}`
    : undefined;
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

function finding(expr: WorkflowExpression, flows: Flow[], sink: string, owner: string): RawFinding {
  const first = flows[0]!;
  const ref = expr.inner.slice(first.ref.start, first.ref.end);
  const arbitrary = flows.some((f) => f.origin.capability === 'arbitrary');
  const origins = [...new Set(flows.map((f) => describe(f, ref, expr.location)))];
  const shown = origins.slice(0, 3).join('; ');
  const more = origins.length > 3 ? ` (and ${origins.length - 3} more)` : '';
  const what = arbitrary ? 'attacker-controlled text' : 'an attacker-influenced value';
  return {
    message:
      `"${ref}" in ${sink} is substituted into the code before it runs and can carry ${what}: ${shown}${more}. ` +
      'Bind the expression to a variable in the step\'s env: and read the variable in the script ("$NAME").',
    location: expr.locate(first.ref.start, first.ref.end),
    key: `${owner}/${sink}/${ref}`,
    severity: arbitrary ? 'high' : 'medium',
  };
}

/** `github.event.issue.title`, or `env.TITLE <- github.event.issue.title (env.TITLE, line 9)`. */
function describe(flow: Flow, ref: string, at: Location): string {
  const origin = flow.origin;
  if (origin.text === ref && origin.via.length === 0) return origin.text;
  const hops = origin.via.map((h) => hopText(h, at)).join(' <- ');
  return `${origin.text} via ${hops}`;
}

function hopText(hop: Hop, at: Location): string {
  const where =
    hop.location.path === at.path
      ? `line ${hop.location.startLine}`
      : `${hop.location.path}:${hop.location.startLine}`;
  return `${hop.text} (${where})`;
}
