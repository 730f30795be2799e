import { locationFromSpan } from '../../location.js';
import type { Job, Step, Workflow } from '../../parsers/workflow.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { actionOf, input, isFalse, isTrue, refOf, stepLabel } from './shared.js';

/**
 * `actions/checkout` writes the job's token into `.git/config` unless `persist-credentials: false`,
 * where every later step (and every file upload of the checkout directory) can read it. In a workflow
 * that uploads artifacts, each persisting checkout is reported at its `uses:` (or at an explicit
 * `persist-credentials: true`). It is high when the same job uploads the checkout directory itself
 * with hidden files included (upload-artifact before v4.4, or `include-hidden-files: true`): then the
 * token is in the artifact for anyone who can download it.
 */
export const workflowCheckoutCredentials = defineEvaluator<Record<string, never>>({
  kind: 'workflow.checkout-credentials',
  scope: 'file',
  summary: 'actions/checkout persisting the token in .git/config in workflows that upload artifacts.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    walkWorkflows(workflowSources(workspace), {
      workflow(workflow) {
        const uploads = workflow.jobs.flatMap((j) =>
          j.steps.filter((s) => actionOf(s.uses) === 'actions/upload-artifact'),
        );
        if (uploads.length === 0) return;
        for (const job of workflow.jobs) {
          for (const step of job.steps) {
            if (actionOf(step.uses) !== 'actions/checkout' || isFalse(input(step, 'persist-credentials')))
              continue;
            findings.push(finding(workflow, job, step));
          }
        }
      },
    });
    return findings;
  },
});

function finding(workflow: Workflow, job: Job, step: Step): RawFinding {
  const explicit = input(step, 'persist-credentials');
  const at = isTrue(explicit) ? explicit! : step.uses!;
  const dir = typeof input(step, 'path')?.value === 'string' ? String(input(step, 'path')!.value) : '.';
  const leaking = job.steps.find((s) => s.index > step.index && uploadsWithGitDir(s, dir));
  const base =
    `actions/checkout in job "${job.id}" leaves the job's token in .git/config (no "persist-credentials: false") ` +
    'in a workflow that uploads artifacts';
  return {
    message: leaking
      ? `${base}, and step "${stepLabel(leaking)}" uploads the checkout directory including hidden files, so the ` +
        'token ends up in the artifact. Set "persist-credentials: false" and upload only the build output.'
      : `${base}; any later step or a broadened upload path can read or publish it. Set "persist-credentials: false" ` +
        'unless a later step pushes with it.',
    location: locationFromSpan(workflow.path, at.span),
    key: `${job.id}/${stepLabel(step)}`,
    ...(leaking ? { severity: 'high' as const } : {}),
  };
}

/** An upload whose paths cover the checkout directory and that keeps hidden files (such as .git). */
function uploadsWithGitDir(step: Step, dir: string): boolean {
  if (actionOf(step.uses) !== 'actions/upload-artifact') return false;
  const path = input(step, 'path');
  if (typeof path?.value !== 'string') return false;
  const root = dir.replace(/^\.\/?/, '').replace(/\/$/, '');
  const covers = path.value.split('\n').some((line) => {
    const p = line
      .trim()
      .replace(/^\.\/?/, '')
      .replace(/\/$/, '');
    if (p.startsWith('!')) return false;
    return (
      p === '' ||
      p === '*' ||
      p === '**' ||
      /^\$\{\{\s*github\.workspace\s*\}\}$/.test(p) ||
      (root !== '' && p === root)
    );
  });
  if (!covers) return false;
  if (isTrue(input(step, 'include-hidden-files'))) return true;
  // upload-artifact excludes hidden files by default since v4.4.0; earlier versions include them.
  const m = /^v(\d+)(?:\.(\d+))?/.exec(refOf(step.uses) ?? '');
  if (!m) return false;
  const major = Number(m[1]);
  return major < 4 || (major === 4 && m[2] !== undefined && Number(m[2]) < 4);
}
