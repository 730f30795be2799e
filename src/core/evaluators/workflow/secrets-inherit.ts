import { locationFromSpan } from '../../location.js';
import { WORKFLOW_GLOBS, type Workflow, walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import { calledWorkflow, linkedWorkflows } from './callers.js';

/**
 * `secrets: inherit` hands every secret the caller can read (repository, environment and organisation
 * secrets) to the called workflow, whatever it needs. Reported at the value, per calling job; low
 * severity when the called workflow is this repository's own and its text names no secret at all
 * (no `secrets` context, no `secrets:` passed on) but the job's own token (`secrets.GITHUB_TOKEN`,
 * given to a called workflow without any secret passed): it receives them but reads none today.
 */
export const workflowSecretsInherit = defineEvaluator<Record<string, never>>({
  kind: 'workflow.secrets-inherit',
  scope: 'file',
  summary: 'Reusable workflow calls that pass every secret with `secrets: inherit`.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  // The called workflow of this repository, for whether it reads any secret.
  readsOtherFiles: WORKFLOW_GLOBS,
  affectedBy: linkedWorkflows,
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    // Its subjects are calls of reusable workflows: a workflow that makes none had nothing to judge.
    const subjects = new Set<string>();
    walkWorkflows(workflowSources(workspace), {
      job(job, workflow) {
        if (job.uses) subjects.add(workflow.path);
        if (!job.uses || typeof job.secrets?.value !== 'string' || job.secrets.value.trim() !== 'inherit')
          return;
        const called = calledWorkflow(workspace, job);
        const unused = called !== undefined && !namesAnySecret(workspace, called);
        findings.push({
          message:
            `Job "${job.id}" passes every secret of the repository and organisation to "${job.uses.value}" ` +
            '("secrets: inherit"). ' +
            (unused
              ? 'That workflow of this repository names no secret today (no "secrets" context, none passed on to a workflow that reads one' +
                (namesJobToken(workspace, called)
                  ? "; secrets.GITHUB_TOKEN is the job's own token, which it gets without any secret passed"
                  : '') +
                '), ' +
                'so none is exposed yet; any secret it is later made to read comes without review of what it needs. ' +
                'Pass "secrets:" explicitly, or none at all.'
              : 'List only the secrets it uses under "secrets:".'),
          location: locationFromSpan(workflow.path, job.secrets.span),
          key: job.id,
          ...(unused ? { severity: 'low' as const } : {}),
        });
      },
    });
    workspace.examineOnly(subjects);
    return findings;
  },
});

/**
 * The job's own token as a secret (`secrets.GITHUB_TOKEN`, `secrets['GITHUB_TOKEN']`): a called
 * workflow is given it whatever secrets its caller passes, so naming it reads nothing inherited.
 */
const JOB_TOKEN_SECRET = /\bsecrets\s*(?:\.\s*GITHUB_TOKEN\b|\[\s*(['"])GITHUB_TOKEN\1\s*\])/gi;

function namesJobToken(workspace: Workspace, workflow: Workflow): boolean {
  return new RegExp(JOB_TOKEN_SECRET.source, 'i').test(workspace.text(workflow.path) ?? '');
}

/** `secrets: inherit` of a job that calls a reusable workflow. */
const INHERIT = /^(\s*)secrets\s*:\s*inherit\s*(?:#.*)?$/gm;

/**
 * Whether a workflow's text says `secrets` anywhere (`secrets.NAME`, `toJSON(secrets)`, a
 * `secrets:` of its own calls or of `workflow_call`), comments included, but for the job's own token
 * (`secrets.GITHUB_TOKEN`, which a called workflow gets without any secret passed) and for its own
 * `secrets: inherit` to workflows of this repository that (the same way, followed through chains of
 * calls) name none: only a workflow that never does is known to read none of what it inherits. A
 * composite action it runs has no `secrets` context.
 */
function namesAnySecret(workspace: Workspace, workflow: Workflow, seen = new Set<string>()): boolean {
  const text = workspace.text(workflow.path);
  if (text === undefined) return true;
  seen.add(workflow.path);
  if (/\bsecrets\b/i.test(text.replace(JOB_TOKEN_SECRET, '').replace(INHERIT, ''))) return true;
  for (const job of workflow.jobs) {
    if (!job.uses || typeof job.secrets?.value !== 'string' || job.secrets.value.trim() !== 'inherit')
      continue;
    const called = calledWorkflow(workspace, job);
    if (!called) return true;
    if (!seen.has(called.path) && namesAnySecret(workspace, called, seen)) return true;
  }
  return false;
}
