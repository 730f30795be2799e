import { locationFromSpan } from '../../location.js';
import { type ContainerSpec, walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import { contextIdentity } from '../secrets/values.js';
import { defineEvaluator } from '../types.js';

/**
 * A registry password written into a job's `container:` or `services:` credentials is a secret in
 * the repository, readable by everyone who can read the code and kept in its history. Reported at the
 * value, which never appears in the message; identified by the job, the container and a keyed hash of
 * the value, so replacing the password is a new finding.
 */
export const workflowContainerCredentials = defineEvaluator<Record<string, never>>({
  kind: 'workflow.container-credentials',
  scope: 'file',
  // 2: the key holds the value's keyed hash.
  revision: 2,
  summary: 'Hard-coded registry passwords in job container or service credentials.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    // Its subjects are job containers and services: a workflow without one had nothing to judge.
    const subjects = new Set<string>();
    walkWorkflows(workflowSources(workspace), {
      // A credential written in the file is exposed whether its job runs or not.
      everyStep: true,
      job(job, workflow) {
        const specs: [ContainerSpec, string][] = [];
        if (job.container) specs.push([job.container, `the container of job "${job.id}"`]);
        for (const s of job.services) specs.push([s, `service "${s.id}" of job "${job.id}"`]);
        if (specs.length > 0) subjects.add(workflow.path);
        for (const [spec, what] of specs) {
          const password = [...(spec.credentials?.entries ?? [])].find(
            ([k]) => k.toLowerCase() === 'password',
          )?.[1];
          const value = password?.value;
          if (!password || value === null || value === undefined || value === '') continue;
          if (typeof value === 'string' && value.includes('${{')) continue;
          findings.push({
            message:
              `The registry password for ${what} is written in the workflow (value redacted). Store it as a secret ` +
              'and reference it (secrets.REGISTRY_PASSWORD in an expression); rotate the exposed one.',
            location: locationFromSpan(workflow.path, password.span),
            key: contextIdentity(
              `${job.id}/${spec.id ?? 'container'}`,
              'password',
              typeof value === 'string' ? value : JSON.stringify(value),
            ),
          });
        }
      },
    });
    workspace.examineOnly(subjects);
    return findings;
  },
});
