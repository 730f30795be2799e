// biome-ignore-all lint/suspicious/noTemplateCurlyInString: messages quote GitHub expressions (${{ }}).
import { locationFromSpan } from '../../location.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { repeatsPerPullRequest } from './activity.js';

/**
 * A workflow that runs on every push or pull request update starts a new run for each, and without a
 * `concurrency` group the superseded runs keep going: runner minutes (and, on self-hosted or billed
 * runners, capacity) spent on results nobody reads, and artifacts and deployments from an older run
 * that can finish after a newer one. A code smell rather than a vulnerability: info, for the pedantic.
 * Reported at `on:` of such workflows when neither the workflow nor every job sets `concurrency`;
 * pushes of tags only (a release) do not count, nor pull request triggers whose activity types each
 * happen once per pull request (`types: [opened]`, `[closed]`, `[opened, reopened]`): no later run of
 * the same pull request supersedes theirs (activity.ts).
 */
export const workflowConcurrencyLimits = defineEvaluator<Record<string, never>>({
  kind: 'workflow.concurrency-limits',
  scope: 'file',
  summary: 'Push and pull request workflows without a concurrency group, so superseded runs keep running.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    walkWorkflows(workflowSources(workspace), {
      workflow(workflow) {
        const events = (workflow.on?.events ?? [])
          .filter((t) => REPEATED.has(t.event) && !tagsOnly(t.config?.value))
          .filter((t) => t.event === 'push' || repeatsPerPullRequest(t))
          .map((t) => t.event);
        if (events.length === 0 || !workflow.on) return;
        const root = workflow.document.value as Record<string, unknown>;
        if (root.concurrency !== undefined) return;
        if (workflow.jobs.length > 0 && workflow.jobs.every((j) => j.value.concurrency !== undefined)) return;
        findings.push({
          message:
            `This workflow runs on every ${events.join(' and ')} and sets no concurrency group, so a new run does not ` +
            'stop the one it supersedes. Add `concurrency: { group: ${{ github.workflow }}-${{ github.ref }}, ' +
            'cancel-in-progress: true }` (keep cancel-in-progress false for deployments, which should queue).',
          location: locationFromSpan(workflow.path, workflow.on.span, true),
          key: 'concurrency',
        });
      },
    });
    return findings;
  },
});

/** Events that fire again for each update of the same branch or pull request. */
const REPEATED = new Set(['push', 'pull_request', 'pull_request_target']);

/** A push filtered to tags only: each tag is pushed once, so no run supersedes another. */
function tagsOnly(config: unknown): boolean {
  if (!config || typeof config !== 'object') return false;
  const c = config as Record<string, unknown>;
  return (c.tags !== undefined || c['tags-ignore'] !== undefined) && !c.branches && !c['branches-ignore'];
}
