import { locationFromSpan } from '../../location.js';
import {
  type Job,
  type Located,
  type Workflow,
  walkWorkflows,
  workflowSources,
} from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import { escapePointerToken } from '../../workspace/yaml.js';
import { defineEvaluator } from '../types.js';
import { eventsOf, PR_EVENTS } from './shared.js';

/**
 * A self-hosted runner that takes jobs triggered by pull requests runs code from forks on a machine
 * that persists between jobs and sits on the organisation's network: one pull request can install a
 * backdoor that later jobs (with secrets) run on. Reported at the `self-hosted` label, including labels
 * that come from a static matrix (`runs-on: ${{ matrix.runner }}`).
 */
export const workflowSelfHostedRunner = defineEvaluator<Record<string, never>>({
  kind: 'workflow.self-hosted-runner',
  scope: 'file',
  summary: 'Self-hosted runners used by jobs of pull-request-triggered workflows.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    // Its subjects are the jobs of pull-request-triggered workflows: a push or release workflow runs
    // no fork's code, so a repository with no such workflow had nothing to judge.
    const subjects = new Set<string>();
    walkWorkflows(workflowSources(workspace), {
      job(job, workflow) {
        const triggers = [...eventsOf(workflow)].filter((e) => PR_EVENTS.has(e));
        if (triggers.length === 0 || !job.runsOn) return;
        subjects.add(workflow.path);
        const label = selfHostedLabel(workflow, job, job.runsOn);
        if (!label) return;
        findings.push({
          message:
            `Job "${job.id}" runs on a self-hosted runner and the workflow is triggered by ${triggers.join(', ')}: ` +
            "code from a fork's pull request runs on a machine that outlives the job and can reach your network. " +
            'Use GitHub-hosted runners for pull requests, or ephemeral, isolated self-hosted runners that only accept trusted events.',
          location: locationFromSpan(workflow.path, label.span),
          key: job.id,
        });
      },
    });
    workspace.examineOnly(subjects);
    return findings;
  },
});

/** The `self-hosted` label among a `runs-on` value (string, list, `{ labels }` or static matrix). */
export function selfHostedLabel(workflow: Workflow, job: Job, node: Located): Located | undefined {
  const doc = workflow.document;
  const at = (pointer: string, value: unknown): Located => ({
    value,
    pointer,
    span: doc.span(pointer) ?? doc.nearestSpan(pointer) ?? node.span,
  });
  const scan = (value: unknown, pointer: string, depth: number): Located | undefined => {
    if (depth > 4) return undefined;
    if (typeof value === 'string') {
      if (value.trim().toLowerCase() === 'self-hosted') return at(pointer, value);
      const m = /^\s*\$\{\{\s*matrix\.([\w-]+)\s*\}\}\s*$/.exec(value);
      return m ? fromMatrix(m[1]!.toLowerCase(), depth) : undefined;
    }
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) {
        const hit = scan(v, `${pointer}/${i}`, depth + 1);
        if (hit) return hit;
      }
      return undefined;
    }
    if (value && typeof value === 'object' && 'labels' in value) {
      return scan((value as { labels: unknown }).labels, `${pointer}/labels`, depth + 1);
    }
    return undefined;
  };
  const fromMatrix = (key: string, depth: number): Located | undefined => {
    const m = job.matrix;
    if (!m?.value || typeof m.value !== 'object' || Array.isArray(m.value)) return undefined;
    const entries = m.value as Record<string, unknown>;
    for (const [k, v] of Object.entries(entries)) {
      if (k.toLowerCase() === key) {
        const hit = scan(v, `${m.pointer}/${escapePointerToken(k)}`, depth + 1);
        if (hit) return hit;
      }
    }
    const include = Array.isArray(entries.include) ? entries.include : [];
    for (const [i, item] of include.entries()) {
      if (!item || typeof item !== 'object') continue;
      for (const [k, v] of Object.entries(item)) {
        if (k.toLowerCase() !== key) continue;
        const hit = scan(v, `${m.pointer}/include/${i}/${escapePointerToken(k)}`, depth + 1);
        if (hit) return hit;
      }
    }
    return undefined;
  };
  return scan(node.value, node.pointer, 0);
}
