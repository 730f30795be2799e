import { locationFromSpan } from '../../location.js';
import { findExpressions, parseExpression } from '../../parsers/expression.js';
import {
  type Job,
  type Step,
  type Workflow,
  type WorkflowSource,
  walkWorkflows,
  workflowSources,
} from '../../parsers/workflow.js';
import { expressionsAt, locatedText } from '../../parsers/workflow-expressions.js';
import type { Location, RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import { classifyHeadRef } from './contexts.js';
import { Dataflow } from './dataflow.js';
import { actionOf, conditionOf, eventsOf, input, PR_EVENTS, stepLabel } from './shared.js';
import { headCheckouts, joinContinuations } from './shell.js';

/**
 * `pull_request_target` and `workflow_run` run in the base repository with its secrets and a
 * writable token, on events an outsider can cause. Checking out and building the pull request's
 * code there ("pwn request") hands those privileges to the pull request: critical, reported at the
 * ref that names the head (`actions/checkout` `ref:`/`repository:`, `gh pr checkout`, `git fetch
 * .../pull/N/head`, followed through `env:` and outputs). `issue_comment` workflows that check out
 * the pull request are reported the same way. A job whose `if:` admits only same-repository pull
 * requests (or, for comments, only members) is not. A privileged trigger without such a checkout is
 * informational, at the trigger.
 */
export const workflowDangerousTriggers = defineEvaluator<Record<string, never>>({
  kind: 'workflow.dangerous-triggers',
  summary:
    'pull_request_target / workflow_run (and issue_comment) workflows that check out or run the pull request head (critical); such triggers without a checkout (info).',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    const sources = workflowSources(workspace);
    const flow = new Dataflow(workspace, classifyHeadRef, { heads: true });
    walkWorkflows(sources, {
      workflow(workflow) {
        const events = eventsOf(workflow);
        const privileged = ['pull_request_target', 'workflow_run', 'issue_comment'].filter((e) =>
          events.has(e),
        );
        if (privileged.length === 0) return;
        const untrustedRun = privileged.filter(
          (e) => e !== 'workflow_run' || upstreamRunsOnPullRequests(workflow, sources),
        );
        let critical = 0;
        if (untrustedRun.length > 0) {
          for (const job of workflow.jobs) {
            if (guarded(job, events)) continue;
            for (const step of job.steps) {
              for (const hit of headCheckoutsOf(workspace, flow, workflow, job, step)) {
                critical += 1;
                findings.push({
                  message:
                    `Job "${job.id}" runs on ${untrustedRun.join(', ')} with the base repository's secrets and a ` +
                    `writable token, and checks out the pull request's code (${hit.what}); any build script, ` +
                    'test or action in that code runs with those privileges.',
                  location: hit.location,
                  key: `${job.id}/${stepLabel(step)}/${hit.what}`,
                });
              }
            }
          }
        }
        if (critical > 0) return;
        for (const trigger of workflow.on?.events ?? []) {
          if (trigger.event !== 'pull_request_target' && trigger.event !== 'workflow_run') continue;
          findings.push({
            message:
              `"${trigger.event}" runs with the base repository's secrets and a writable token on events that ` +
              'outsiders can cause. No job here runs untrusted pull request code (no unguarded checkout of ' +
              'its head); keep it that way, and treat every value from the event (titles, branch names, artifacts) as untrusted.',
            location: locationFromSpan(workflow.path, trigger.span),
            key: `trigger:${trigger.event}`,
            severity: 'info',
          });
        }
      },
    });
    return findings;
  },
});

/** A job condition that admits only pull requests from this repository, or only trusted commenters. */
function guarded(job: Job, events: Set<string>): boolean {
  const cond = conditionOf(job).replace(/\s+/g, ' ');
  if (
    /head\.repo\.full_name ?== ?github\.repository\b|github\.repository ?== ?github\.event\.pull_request\.head\.repo\.full_name/.test(
      cond,
    )
  )
    return true;
  if (
    /head_repository\.full_name ?== ?github\.repository\b|github\.repository ?== ?github\.event\.workflow_run\.head_repository\.full_name/.test(
      cond,
    )
  )
    return true;
  if (/head\.repo\.fork ?== ?false|!\s?github\.event\.pull_request\.head\.repo\.fork\b/.test(cond))
    return true;
  return events.has('issue_comment') && !events.has('pull_request_target') && /author_association/.test(cond);
}

interface Hit {
  what: string;
  location: Location;
}

function headCheckoutsOf(
  workspace: Workspace,
  flow: Dataflow,
  workflow: Workflow,
  job: Job,
  step: Step,
): Hit[] {
  const scope = { source: workflow as WorkflowSource, job, stepIndex: step.index, level: 'step' as const };
  const hits: Hit[] = [];
  if (actionOf(step.uses) === 'actions/checkout') {
    for (const name of ['ref', 'repository']) {
      const node = input(step, name);
      if (!node || typeof node.value !== 'string') continue;
      for (const e of expressionsAt(workspace, workflow, node.pointer)) {
        if (!e.parsed.ok) continue;
        const f = flow.flows(e.parsed.node, e.inner, scope).find((x) => !x.collection);
        if (f) hits.push({ what: `${name}: ${e.raw}`, location: e.locate(f.ref.start, f.ref.end) });
      }
      if (hits.length === 0 && /(?:^|\/)pull\/[^/]+\/(?:head|merge)$/.test(node.value.trim())) {
        hits.push({
          what: `${name}: ${node.value.trim()}`,
          location: locationFromSpan(workflow.path, node.span),
        });
      }
    }
    return hits.slice(0, 1);
  }
  if (!step.run) return hits;
  const text = locatedText(workspace, workflow.path, step.run);
  for (const c of headCheckouts(step.run.value))
    hits.push({ what: c.text, location: text.locate(c.start, c.end) });
  if (hits.length > 0) return hits;
  // `git checkout ${{ github.event.pull_request.head.sha }}` and friends, line by line.
  const script = joinContinuations(step.run.value);
  let at = 0;
  for (const line of script.split('\n')) {
    if (/\bgit\s+(?:-c\s+\S+\s+)*(?:checkout|switch|fetch|reset|pull|clone|worktree)\b/.test(line)) {
      for (const span of findExpressions(line)) {
        const parsed = parseExpression(span.inner);
        if (!parsed.ok) continue;
        const f = flow.flows(parsed.node, span.inner, scope).find((x) => !x.collection);
        if (!f) continue;
        const from = at + span.innerStart + f.ref.start;
        hits.push({
          what: line.trim().replace(/\s+/g, ' '),
          location: text.locate(from, at + span.innerStart + f.ref.end),
        });
        break;
      }
    }
    at += line.length + 1;
  }
  return hits;
}

/**
 * Whether a `workflow_run` workflow can be triggered by a run of pull request code: true unless every
 * workflow it names is found in the repository and none of them runs on pull requests.
 */
function upstreamRunsOnPullRequests(workflow: Workflow, sources: readonly WorkflowSource[]): boolean {
  const config = workflow.on?.events.find((e) => e.event === 'workflow_run')?.config?.value as
    | { workflows?: unknown }
    | null
    | undefined;
  const names = Array.isArray(config?.workflows) ? config.workflows.filter((n) => typeof n === 'string') : [];
  if (names.length === 0) return true;
  return names.some((name) => {
    const upstream = sources.find(
      (s): s is Workflow =>
        s.kind === 'workflow' &&
        (s.name?.value === name || (s.name === undefined && s.path.replace(/^.*\//, '') === name)),
    );
    return !upstream || [...eventsOf(upstream)].some((e) => PR_EVENTS.has(e));
  });
}
