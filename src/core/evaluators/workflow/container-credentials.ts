import { locationFromSpan } from '../../location.js';
import {
  type ContainerSpec,
  type Job,
  type Located,
  walkWorkflows,
  workflowSources,
} from '../../parsers/workflow.js';
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
        if (job.container || job.services.length > 0) subjects.add(workflow.path);
        for (const { what, spec, password, value } of containerPasswords(job)) {
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

/** A registry password written in a job's container or service credentials. */
export interface ContainerPassword {
  /** `the container of job "build"`, `service "db" of job "test"`. */
  what: string;
  spec: ContainerSpec;
  password: Located;
  value: unknown;
}

/**
 * The literal registry passwords of a job's `container:` and `services:` credentials: any value that
 * is not empty and no expression. The one judgement of this rule, shared with the guard that keeps
 * other rules' fixes from copying such a value (see fix/secret-lines.ts).
 */
export function containerPasswords(job: Job): ContainerPassword[] {
  const specs: [ContainerSpec, string][] = [];
  if (job.container) specs.push([job.container, `the container of job "${job.id}"`]);
  for (const s of job.services) specs.push([s, `service "${s.id}" of job "${job.id}"`]);
  const out: ContainerPassword[] = [];
  for (const [spec, what] of specs) {
    const password = [...(spec.credentials?.entries ?? [])].find(
      ([k]) => k.toLowerCase() === 'password',
    )?.[1];
    const value = password?.value;
    if (!password || value === null || value === undefined || value === '') continue;
    if (typeof value === 'string' && value.includes('${{')) continue;
    out.push({ what, spec, password, value });
  }
  return out;
}
