import { locationFromSpan } from '../../location.js';
import type { Job, Step, WorkflowSource } from '../../parsers/workflow.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { actionPathOf, globMatcher } from './shared.js';
import { firstRealCommand } from './shell.js';

export interface DeployEnvironmentOptions {
  /** Regular expression (case-insensitive) for names that mean production. */
  production: string;
  /** Globs on `owner/repo[/path]` of actions that deploy somewhere. */
  deployActions: string[];
  /** Regular expressions on `run:` scripts that deploy somewhere. */
  deployCommands: string[];
  /** Globs of actions that always release to production (GitHub Pages, package registries). */
  releaseActions: string[];
  /** Regular expressions on `run:` scripts that always release to production (`npm publish`, `--prod`). */
  releaseCommands: string[];
}

/**
 * Jobs that deploy to production should name a GitHub `environment:`: it is what lets required
 * reviewers, wait timers, branch restrictions and environment-scoped secrets gate the change, and
 * it records each deployment. A job is taken to deploy to production when it releases to a public
 * target (GitHub Pages, a package registry, a `--prod` deploy), or when it deploys (by action, command
 * or its id/name) and its id, name, steps, inputs or env name production. Reported at the job's key.
 * A workflow that runs only to check changes (`pull_request` without the `closed` type, `merge_group`)
 * does not deploy to production, whatever its scripts name: a chart installed into a throw-away
 * cluster from a repository's `production/` folder is a test.
 */
export const workflowDeployEnvironment = defineEvaluator<DeployEnvironmentOptions>({
  kind: 'workflow.deploy-environment',
  scope: 'file',
  summary: 'Jobs that deploy to production (or publish a release) without a GitHub environment.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      production: {
        type: 'string',
        format: 'regex',
        default: '(?<![a-z])(?:prod|production|prd|live)(?![a-z])',
      },
      deployActions: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
      deployCommands: {
        type: 'array',
        items: { type: 'string', minLength: 1, format: 'regex' },
        default: [],
      },
      releaseActions: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
      releaseCommands: {
        type: 'array',
        items: { type: 'string', minLength: 1, format: 'regex' },
        default: [],
      },
    },
  },
  evaluate({ options, workspace }) {
    const production = new RegExp(options.production ?? '(?<![a-z])(?:prod|production)(?![a-z])', 'i');
    const deployAction = globMatcher(options.deployActions ?? []);
    const releaseAction = globMatcher(options.releaseActions ?? []);
    const deployCommands = (options.deployCommands ?? []).map((c) => new RegExp(c, 'i'));
    const releaseCommands = (options.releaseCommands ?? []).map((c) => new RegExp(c, 'i'));
    const findings: RawFinding[] = [];
    // Its subjects are deployments: jobs gated by an environment, and jobs found to deploy or release.
    // A workflow that only builds and tests had nothing to judge.
    const subjects = new Set<string>();
    walkWorkflows(workflowSources(workspace), {
      job(job, workflow) {
        if (job.environment) subjects.add(workflow.path);
        if (job.environment || job.uses || checksChangesOnly(workflow)) return;
        const release = job.steps.map((s) => matches(s, releaseAction, releaseCommands)).find(Boolean);
        let why = release ? `it ${release}` : undefined;
        if (!why) {
          const deploy =
            job.steps.map((s) => matches(s, deployAction, deployCommands)).find(Boolean) ??
            (/deploy/i.test(`${job.id} ${String(job.name?.value ?? '')}`)
              ? 'is named as a deployment'
              : undefined);
          const prod = deploy ? productionMention(job, production) : undefined;
          if (deploy && prod) why = `it ${deploy} and ${prod}`;
          else if (deploy) subjects.add(workflow.path);
        }
        if (!why) return;
        subjects.add(workflow.path);
        findings.push({
          message:
            `Job "${job.id}" deploys to production (${why}) without "environment:", so no required reviewer, ` +
            'wait timer or branch rule can gate it and it is not recorded as a deployment. Add "environment: production" ' +
            'and configure its protection rules.',
          location: locationFromSpan(workflow.path, job.span, true),
          key: job.id,
        });
      },
    });
    workspace.examineOnly(subjects);
    return findings;
  },
});

function matches(step: Step, action: (v: string) => boolean, commands: RegExp[]): string | undefined {
  const path = actionPathOf(step.uses);
  if (path && action(path)) return `uses ${step.uses!.value.replace(/@.*$/, '')}`;
  const m = step.run && commands.map((re) => firstRealCommand(step.run!.value, re)).find(Boolean);
  return m ? `runs "${m[0].trim()}"` : undefined;
}

/**
 * Whether a workflow runs only on proposed changes: every event is `merge_group`, or `pull_request`
 * without the `closed` type (a merged pull request's `closed` event is a common deployment trigger).
 */
function checksChangesOnly(workflow: WorkflowSource): boolean {
  if (workflow.kind !== 'workflow' || !workflow.on || workflow.on.events.length === 0) return false;
  return workflow.on.events.every(({ event, config }) => {
    if (event === 'merge_group') return true;
    if (event !== 'pull_request') return false;
    const settings = config?.value;
    const types =
      settings && typeof settings === 'object' && !Array.isArray(settings)
        ? (settings as Record<string, unknown>).types
        : undefined;
    if (types === undefined || types === null) return true;
    const list = Array.isArray(types) ? types : [types];
    return list.every((t) => typeof t === 'string' && t !== 'closed');
  });
}

/** Where the job names production, if it does. */
function productionMention(job: Job, production: RegExp): string | undefined {
  const texts: [string, unknown][] = [
    ['its id', job.id],
    ['its name', job.name?.value],
    ...[...(job.env?.entries ?? [])].map(([k, v]): [string, unknown] => [`env ${k}`, v.value]),
  ];
  for (const s of job.steps) {
    texts.push(['a step name', s.name?.value], ['a script', s.run?.value]);
    for (const [k, v] of s.with?.entries ?? []) texts.push([`input ${k}`, v.value]);
    for (const [k, v] of s.env?.entries ?? []) texts.push([`env ${k}`, v.value]);
  }
  const hit = texts.find(([, v]) => typeof v === 'string' && production.test(v));
  return hit ? `${hit[0]} names production` : undefined;
}
