import { locationFromSpan } from '../../location.js';
import type { Job, Step, WorkflowSource } from '../../parsers/workflow.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import { neverRuns } from '../../parsers/workflow-conditions.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import { everyWorkflow } from './callers.js';
import {
  FOLLOWED_FILES,
  followCalls,
  followedAnyName,
  followedChange,
  makeRecipes,
} from './pr-evidence-follow.js';
import { actionPathOf, globMatcher, stepLabel } from './shared.js';
import { firstRealCommand, joinContinuations } from './shell.js';

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
 * or its id/name, not a name that says it notifies of or reports a deployment) and its id, name or
 * env, or the deploy itself (the deploying step and command), names production. Reported at the job's
 * key.
 * A workflow that runs only to check changes (`pull_request` without the `closed` type, `merge_group`)
 * does not deploy to production, whatever its scripts name: a chart installed into a throw-away
 * cluster from a repository's `production/` folder is a test.
 */
export const workflowDeployEnvironment = defineEvaluator<DeployEnvironmentOptions>({
  kind: 'workflow.deploy-environment',
  scope: 'file',
  // The scripts, make targets and package.json scripts a step that builds a Pages site calls, for
  // whether they build documentation.
  readsOtherFiles: FOLLOWED_FILES,
  readsAlso: followedAnyName,
  affectedBy: (changed, head, base) =>
    followedChange(changed, head, base) ? everyWorkflow(changed, head, base) : [],
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
        // A step that never runs deploys nothing.
        const steps = job.steps.filter((s) => !neverRuns(workflow, job, s));
        const release = steps.map((s) => matches(s, releaseAction, releaseCommands)).find(Boolean);
        let why = release ? `it ${release.what}` : undefined;
        if (!why) {
          const deploys = steps.flatMap((s) => matches(s, deployAction, deployCommands) ?? []);
          const named = `${job.id} ${String(job.name?.value ?? '')}`;
          const deploy =
            deploys[0]?.what ??
            (/deploy/i.test(named) && !ABOUT_A_DEPLOYMENT.test(named)
              ? 'is named as a deployment'
              : undefined);
          const prod = deploy ? productionMention(job, production, deploys) : undefined;
          if (deploy && prod) why = `it ${deploy} and ${prod}`;
          else if (deploy) subjects.add(workflow.path);
        }
        if (!why) return;
        subjects.add(workflow.path);
        // A GitHub Pages site that a documentation generator builds: the project's documentation.
        const docs =
          release && PAGES_ACTIONS.has(actionPathOf(release.step.uses) ?? '')
            ? docsBuild(workspace, workflow, job)
            : undefined;
        findings.push({
          message:
            `Job "${job.id}" deploys to production (${why}) without "environment:", so no required reviewer, ` +
            'wait timer or branch rule can gate it and it is not recorded as a deployment. Add "environment: production" ' +
            'and configure its protection rules.' +
            (docs
              ? ` The site is the project's documentation, built by step "${stepLabel(docs)}" with a documentation generator: whoever can change the documentation's sources can change the site already, and an environment's reviewers add little.`
              : ''),
          location: locationFromSpan(workflow.path, job.span, true),
          key: job.id,
          ...(docs ? { severity: 'low' as const } : {}),
        });
      },
    });
    workspace.examineOnly(subjects);
    return findings;
  },
});

/** Actions that publish a GitHub Pages site. */
const PAGES_ACTIONS = new Set([
  'actions/deploy-pages',
  'peaceiris/actions-gh-pages',
  'jamesives/github-pages-deploy-action',
]);

/**
 * A command that builds documentation: MkDocs (and mike), Sphinx, mdBook, Antora, Docusaurus,
 * TypeDoc, pdoc, `cargo doc`, or a Makefile's `docs`/`doc` target; or the image of one of those
 * generators run in a container to build (`docker run --rm -v ./:/docs squidfunk/mkdocs-material
 * build`, `sphinxdoc/sphinx make html`). Not a general site generator (Hugo, Jekyll, a web app's
 * build), whose site may be the product, in a container or not.
 */
const DOCS_BUILD =
  /(?<![\w-])(?:mkdocs\s+build|mike\s+deploy|sphinx-build|mdbook\s+build|antora|docusaurus\s+build|typedoc|pdoc|cargo\s+doc|make\s+(?:-C\s+\S+\s+)?(?:docs?|html)(?![\w-])|(?:docker|podman)\s+(?:container\s+)?run\s[^\n;&|]*?(?<=\s)[\w.:/@-]*\b(?:mkdocs|sphinx|mdbook|docusaurus)[\w.-]*(?::[\w.-]+)?(?:@sha256:[\da-f]+)?\s+(?:build|make\s+html)(?![\w-]))/;

/**
 * The step that builds documentation ({@link DOCS_BUILD}) in the publishing job or in a job it
 * needs directly (where actions/deploy-pages publishes what another job built), if any: by its own
 * script, or by a repository script or make target it calls (read, never run: pr-evidence-follow.ts).
 * The calls are followed only for a job that deploys a Pages site without an environment.
 */
function docsBuild(workspace: Workspace, workflow: WorkflowSource, job: Job): Step | undefined {
  const needs = job.needs?.value;
  const ids = new Set(typeof needs === 'string' ? [needs] : Array.isArray(needs) ? needs.map(String) : []);
  const jobs = workflow.kind === 'workflow' ? [job, ...workflow.jobs.filter((j) => ids.has(j.id))] : [job];
  const builds = (script: string) => firstRealCommand(script, DOCS_BUILD) !== undefined;
  const steps = jobs.flatMap((j) => j.steps.filter((s) => s.run !== undefined));
  return (
    steps.find((s) => builds(s.run!.value)) ??
    steps.find((s) =>
      [...followCalls(workspace, s.run!.value), ...makeRecipes(workspace, s.run!.value)].some((f) =>
        builds(f.text),
      ),
    )
  );
}

/**
 * A job named for telling others about a deployment rather than for doing one: `notify-sentry-deploy`
 * (a monitoring service's deploy marker), `deploy-notification`, "Report deployment status",
 * `post-deploy` checks. Such a name alone does not make the job a deployment.
 */
const ABOUT_A_DEPLOYMENT =
  /(?:^|[^a-z])(?:notif(?:y|ies|ication)|announce|report|track|record|mark|post[-_ ]?deploy)/i;

/** A step that deploys or releases: how, and for a script, the command that does it. */
interface Deploy {
  step: Step;
  what: string;
  command?: string;
}

function matches(step: Step, action: (v: string) => boolean, commands: RegExp[]): Deploy | undefined {
  const path = actionPathOf(step.uses);
  if (path && action(path)) return { step, what: `uses ${step.uses!.value.replace(/@.*$/, '')}` };
  if (!step.run) return undefined;
  for (const re of commands) {
    const m = firstRealCommand(step.run.value, re);
    if (!m) continue;
    // The command the match is in (firstRealCommand indexes the script with continuations joined).
    const joined = joinContinuations(step.run.value);
    const before = joined
      .slice(0, m.index)
      .split(/\n|;|&&|\|\|/)
      .pop()!;
    const command = before + joined.slice(m.index).split(/\n|;|&&|\|\|/, 1)[0]!;
    return { step, what: `runs "${m[0].trim()}"`, command };
  }
  return undefined;
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

/**
 * Where the job names production, if it does: its id, name or env, or the deploy itself (the deploying
 * step's name, inputs and env, and for a script the deploying command: `vercel deploy --prod`,
 * `helm upgrade ... -f values-production.yaml`). Another step's script (`npm run prod`, a build) says
 * nothing of where the deploy goes. A job taken for a deployment by its name alone has no deploying
 * step: all its steps count.
 */
function productionMention(job: Job, production: RegExp, deploys: readonly Deploy[]): string | undefined {
  const texts: [string, unknown][] = [
    ['its id', job.id],
    ['its name', job.name?.value],
    ...[...(job.env?.entries ?? [])].map(([k, v]): [string, unknown] => [`env ${k}`, v.value]),
  ];
  const steps: readonly Deploy[] =
    deploys.length > 0 ? deploys : job.steps.map((step) => ({ step, what: '', command: step.run?.value }));
  for (const { step: s, command } of steps) {
    texts.push(
      ['a step name', s.name?.value],
      [deploys.length > 0 ? 'the deploy command' : 'a script', command],
    );
    for (const [k, v] of s.with?.entries ?? []) texts.push([`input ${k}`, v.value]);
    for (const [k, v] of s.env?.entries ?? []) texts.push([`env ${k}`, v.value]);
  }
  const hit = texts.find(([, v]) => typeof v === 'string' && production.test(v));
  return hit ? `${hit[0]} names production` : undefined;
}
