import type { ExprNode, RefNode } from '../../parsers/expression.js';
import type { Job, Step, Trigger, Workflow, WorkflowSource } from '../../parsers/workflow.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding, Severity } from '../../types.js';
import { escapeRegExp } from '../../workspace/glob.js';
import { defineEvaluator } from '../types.js';
import { effectiveTypes } from './activity.js';
import { type ConditionPart, compareOperator, readCondition } from './condition-parts.js';
import { conditionGuards, jobGuards } from './event-guards.js';

/**
 * `github.actor` is whoever caused the latest event, not who wrote the change: an outsider can open a
 * pull request whose last update was made by Dependabot (by letting it rebase their fork's branch),
 * and `github.actor == 'dependabot[bot]'` is then true for their code. Reported at the actor reference
 * of a check that, by itself, lets a bot name through, in workflows that pull requests trigger: high
 * where the run is privileged (pull_request_target, workflow_run: the base repository's secrets and a
 * writable token), medium on pull_request (the run gets Dependabot's secrets). A pull request event
 * whose `types:` are only `opened` does not count: its actor is the pull request's author; nor does
 * a check in a job or step that runs on opened events only (`github.event.action == 'opened'` in its
 * `if:`, that of its job or of a job it needs: event-guards.ts). A check combined with `&&` and the
 * pull request's author (`...pull_request.user.login`), a same-repository condition (of the pull
 * request's head or of the run a `workflow_run` follows), an opened event, or an event outsiders cannot
 * cause (`github.event_name == 'push'`) is sound and not reported; nor is one joined with `||` to a
 * condition every fork meets (`head.repo.fork == true`): the outsider is admitted without the bot.
 * A check that sets an `env:` value no `if:` of the workflow reads, on `pull_request` alone, is low
 * confidence: only scripts decide what it does, in a run without the repository's secrets.
 */
export const workflowBotConditions = defineEvaluator<Record<string, never>>({
  kind: 'workflow.bot-conditions',
  scope: 'file',
  summary: "Bot checks on github.actor (== 'dependabot[bot]') that a fork's pull request can satisfy.",
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    const check = (
      workflow: Workflow,
      part: ConditionPart,
      owner: string,
      job?: Job,
      step?: Step,
      value?: string,
    ) => {
      const severity = grade(workflow);
      // A check that sets an env value no `if:` reads, on pull_request alone: what it decides is
      // up to a script, in a run with no repository secrets and a read-only token.
      const unused = value !== undefined && severity === 'medium' && !conditionsRead(workflow, value);
      // Only opened pull requests reach it: their actor is the author.
      if (severity && job && jobGuards(workflow, job, step).action === 'opened') return;
      if (!severity) return;
      for (const ref of grants(part.node, true)) {
        const text = part.inner.slice(ref.start, ref.end);
        findings.push({
          message:
            `"${text}" names whoever triggered the latest event, which a fork's pull request can arrange to be a bot ` +
            "(by having Dependabot update its branch); this check then admits the outsider's code. Check the author " +
            'instead (github.event.pull_request.user.login), or require the pull request to come from this repository.' +
            (unused
              ? ` It sets env.${value}, which no job or step condition of the workflow reads: what it decides is up to the scripts that read it, in a pull_request run that gets no repository secrets and a read-only token whoever its actor is.`
              : ''),
          location: part.locate(ref.start, ref.end),
          key: `${owner}/${part.inner.trim()}/${text}`,
          ...(severity === 'high' ? {} : { severity }),
          ...(unused ? { confidence: 'low' as const } : {}),
        });
      }
    };
    const condition = (
      workflow: WorkflowSource,
      holder: Job | Step,
      owner: string,
      job: Job,
      step?: Step,
    ) => {
      if (workflow.kind !== 'workflow') return;
      const c = readCondition(workspace, workflow, holder, ACTOR_TEXT);
      if (c && !c.fenced) for (const part of c.parts) check(workflow, part, owner, job, step);
    };
    walkWorkflows(
      workflowSources(workspace),
      {
        job(job, workflow) {
          condition(workflow, job, job.id, job);
        },
        step(step, source, job) {
          if (job) condition(source, step, `${job.id}/${step.index}`, job, step);
        },
        expression(expr, source, job, step) {
          if (source.kind !== 'workflow' || !ACTOR_TEXT.test(expr.inner)) return;
          if (!expr.parsed.ok || !expr.parsed.node) return;
          check(
            source,
            { node: expr.parsed.node, inner: expr.inner, locate: expr.locate },
            `${expr.jobId ?? ''}/${expr.stepIndex ?? ''}/${expr.field.join('.')}`,
            job,
            step,
            expr.field.length === 2 && expr.field[0] === 'env' ? expr.field[1] : undefined,
          );
        },
      },
      workspace,
    );
    return findings;
  },
});

/** Whether a job's or step's `if:` of the workflow reads `env.<name>` (names compared without case). */
function conditionsRead(workflow: Workflow, name: string): boolean {
  const read = new RegExp(`\\benv\\s*(?:\\.\\s*${escapeRegExp(name)}\\b|\\[)`, 'i');
  const reads = (c: { value: unknown } | undefined) => typeof c?.value === 'string' && read.test(c.value);
  return workflow.jobs.some((j) => reads(j.if) || j.steps.some((s) => reads(s.if)));
}

/**
 * Events whose actor can be made a bot by someone outside: the latest push to a pull request's branch
 * (Dependabot updating a fork's branch), or the run that triggered a `workflow_run`. Privileged ones
 * run with the base repository's secrets and a writable token. Comments and reviews are made by their
 * author, whom a fork cannot replace with a bot.
 */
const PRIVILEGED = new Set(['pull_request_target', 'workflow_run']);
const SPOOFABLE = new Set([...PRIVILEGED, 'pull_request']);

function grade(workflow: Workflow): Severity | undefined {
  const events = (workflow.on?.events ?? []).filter(spoofable).map((t) => t.event);
  if (events.some((e) => PRIVILEGED.has(e))) return 'high';
  return events.includes('pull_request') ? 'medium' : undefined;
}

/**
 * Whether a run through this trigger can have a bot as its actor while running an outsider's code:
 * every `workflow_run`, and a pull request event on any activity type but `opened` (explicit, or the
 * defaults `opened`, `synchronize`, `reopened`). Whoever opens a pull request is its author; a later
 * push (`synchronize`), reopening, label or edit can be a bot's act on someone else's pull request.
 */
function spoofable(trigger: Trigger): boolean {
  if (!SPOOFABLE.has(trigger.event)) return false;
  if (trigger.event === 'workflow_run') return true;
  const types = effectiveTypes(trigger);
  return !types || types.some((t) => t !== 'opened');
}

/** Text that can hold an actor reference (a quick test before walking the tree). */
const ACTOR_TEXT = /actor|sender/i;
const ACTORS = new Set(['github.actor', 'github.triggering_actor', 'github.event.sender.login']);
/** Literals that name a bot account (`dependabot[bot]`, `renovate`, `[bot]`). */
const BOT = /\[bot\]|^(?:dependabot|renovate|github-actions)/i;

const isActor = (n: ExprNode | undefined): n is RefNode => n?.kind === 'ref' && ACTORS.has(n.path.join('.'));
const botLiteral = (n: ExprNode | undefined) =>
  n?.kind === 'literal' && typeof n.value === 'string' && BOT.test(n.value);

/**
 * The actor references through which `node` (read as true when `positive`, false otherwise) can be
 * satisfied by naming a bot alone. Conjunctions with a sound guard grant nothing.
 */
function grants(node: ExprNode, positive: boolean): RefNode[] {
  switch (node.kind) {
    case 'not':
      return grants(node.arg, !positive);
    case 'and':
    case 'or': {
      const conjunction = (node.kind === 'and') === positive;
      if (conjunction && node.args.some((a) => soundGuard(a, positive))) return [];
      // A sibling that every fork's run satisfies already admits the outsider: naming a bot adds nobody.
      if (!conjunction && node.args.some((a) => headRepository(a, positive) === 'fork')) return [];
      return node.args.flatMap((a) => grants(a, positive));
    }
    case 'compare': {
      const op = compareOperator(node);
      const actor = isActor(node.left) ? node.left : isActor(node.right) ? node.right : undefined;
      const other = actor === node.left ? node.right : node.left;
      if (!actor || !botLiteral(other)) return [];
      return (op === '==' && positive) || (op === '!=' && !positive) ? [actor] : [];
    }
    case 'call': {
      if (!positive || !['contains', 'startswith', 'endswith'].includes(node.name)) return [];
      const [a, b] = node.args;
      if (isActor(a) && botLiteral(b)) return [a];
      if (node.name === 'contains' && isActor(b) && (botLiteral(a) || botList(a))) return [b];
      return [];
    }
    default:
      return [];
  }
}

/** `fromJSON('["dependabot[bot]", ...]')`. */
function botList(node: ExprNode | undefined): boolean {
  if (node?.kind !== 'call' || node.name !== 'fromjson') return false;
  const arg = node.args[0];
  return arg?.kind === 'literal' && typeof arg.value === 'string' && /\[bot\]/i.test(arg.value);
}

/**
 * The pull request's author, a head in this repository, or an opened pull request (whose actor is its
 * author): conditions an outsider cannot meet with a bot as the actor (read as true when `positive`).
 */
function soundGuard(node: ExprNode, positive: boolean): boolean {
  if (headRepository(node, positive) === 'same') return true;
  if (!positive) return false;
  if (conditionGuards(node).action === 'opened') return true;
  if (node.kind !== 'compare' || compareOperator(node) !== '==') return false;
  const paths = [node.left, node.right].map(refPath);
  if (paths.some((p) => /^github\.event\.(pull_request|issue)\.user\.login$/.test(p))) return true;
  // Restricting the run to an event an outsider cannot cause with a bot as its actor (a push).
  if (paths.includes('github.event_name')) {
    const other = node.left.kind === 'literal' ? node.left : node.right;
    return other.kind === 'literal' && typeof other.value === 'string' && !SPOOFABLE.has(other.value);
  }
  return false;
}

const refPath = (n: ExprNode) => (n.kind === 'ref' ? n.path.join('.') : '');
/** The head repository's name, of a pull request event and of the run a `workflow_run` follows. */
const HEAD_NAMES = new Set([
  'github.event.pull_request.head.repo.full_name',
  'github.event.workflow_run.head_repository.full_name',
]);
const HEAD_FORKS = new Set([
  'github.event.pull_request.head.repo.fork',
  'github.event.workflow_run.head_repository.fork',
]);

/**
 * What a condition (read as true when `positive`) says of where the code comes from: 'same' when it
 * holds only for a head in this repository (`head.repo.full_name == github.repository`, `fork ==
 * false`, `!...fork`), 'fork' when it holds for every fork (`!=`, `fork == true`).
 */
function headRepository(node: ExprNode, positive: boolean): 'same' | 'fork' | undefined {
  const flip = (same: boolean) => (same === positive ? 'same' : 'fork');
  switch (node.kind) {
    case 'not':
      return headRepository(node.arg, !positive);
    case 'ref':
      return HEAD_FORKS.has(refPath(node)) ? flip(false) : undefined;
    case 'compare': {
      const op = compareOperator(node);
      if (op !== '==' && op !== '!=') return undefined;
      const paths = [node.left, node.right].map(refPath);
      if (paths.some((p) => HEAD_NAMES.has(p)) && paths.includes('github.repository'))
        return flip(op === '==');
      if (paths.some((p) => HEAD_FORKS.has(p))) {
        const other = node.left.kind === 'literal' ? node.left : node.right;
        if (other.kind !== 'literal' || typeof other.value !== 'boolean') return undefined;
        return flip((other.value === false) === (op === '=='));
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
