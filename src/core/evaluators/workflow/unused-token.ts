/**
 * Whether a job that may run anything still uses none of its token's write scopes: every step that
 * acts on GitHub does so with a token of its own (a secret, a GitHub App's token), and no step is
 * handed the job's token. What the steps do is seen whole, or nothing is said:
 * - no `env:` (workflow, job or step), `with:` or script names the job's token
 *   (`github.token`, `secrets.GITHUB_TOKEN`);
 * - each action of another repository is given a token of its own (token-use.ts, ownToken), or is one
 *   whose use of the job's token is known (scopes.ts: none, or reading only: the setup, cache and
 *   artifact actions, a checkout); an action of this repository or a reusable workflow is not read
 *   here, so a job with one is left alone;
 * - a script can then reach the job's token only where a checkout left it in `.git/config`, and what a
 *   legitimate script does with that is push (`contents`); any other scope would need the token given
 *   to it (`gh`, `curl` to the API read GH_TOKEN / GITHUB_TOKEN from the environment).
 * `id-token: write` is not used through the token but by asking for an OIDC token, which any program
 * of the job can do: it counts as unused only when no step runs a program nor an action not known.
 */
import type { Job, LocatedMap, Step, Workflow } from '../../parsers/workflow.js';
import { escapeRegExp } from '../../workspace/glob.js';
import type { Workspace } from '../../workspace/workspace.js';
import { localCallers } from './callers.js';
import { jobNeeds, knownActionScopes, requestsOidc } from './scopes.js';
import { actionOf, actionPathOf, input, isFalse, JOB_TOKEN } from './shared.js';
import { ownToken } from './token-use.js';

/** GitHub's command-line clients and release tools, which read their token from {@link GH_VARS}. */
const GH_CLI =
  /(?:^|[\s;&|(`$])(?:gh|hub)\s|goreleaser|semantic-release|changeset|release-it|release-please|pkg-pr-new|ghr\s/;
const GH_VARS = /^(?:GH_TOKEN|GITHUB_TOKEN|GH_ENTERPRISE_TOKEN|GITHUB_ENTERPRISE_TOKEN)$/i;
/** Tools that publish a package or sign an artifact (trusted publishing, keyless signing). */
const PUBLISH =
  /\b(?:npm|yarn|pnpm|uv|pdm|hatch|poetry|flit|cargo)\s+publish\b|\btwine\s+upload\b|\bgem\s+push\b|\bcosign\s+(?:sign|attest)|\bgh\s+attestation\b/;

/** Pushes (git's, and tools that push a site). */
const PUSH = /\bgit\s+(?:-[cC]\s+\S+\s+)*push\b|\bgh-deploy\b|\bghp-import\b|\bmike\s+deploy\b/;

/**
 * Whether a script step's environment (its own `env:`, the job's, the workflow's, nearest first) sets a
 * variable named like `names` to a token of its own: a secret that is not the job's token, or the
 * token an App step of the job made.
 */
function givenOwn(step: Step, job: Job, workflow: Workflow, token: RegExp, names: RegExp): boolean {
  const set = new Map<string, unknown>();
  for (const map of [workflow.env, job.env, step.env])
    for (const [name, v] of map?.entries ?? []) set.set(name, v.value);
  return [...set].some(([name, value]) => {
    if (!names.test(name) || typeof value !== 'string' || token.test(value)) return false;
    if (/\bsecrets\s*[.[]/i.test(value)) return true;
    const made = /^\s*\$\{\{\s*steps\.([\w-]+)\.outputs\.token\s*\}\}\s*$/.exec(value)?.[1];
    return (
      made !== undefined &&
      job.steps.some((s) => s.id?.value === made && actionOf(s.uses) === 'actions/create-github-app-token')
    );
  });
}

/** Commands that write to a container registry, such as GitHub's (`packages`). */
const REGISTRY_WRITE =
  /\b(?:docker|podman|buildah)\s+(?:push|manifest\s+push|buildx\s+imagetools\s+create)\b|\bcosign\s+(?:sign|attest|copy)\b|\bcrane\s+(?:push|copy|cp|tag|mutate|append)\b|\boras\s+(?:push|attach|copy|tag)\b|\bhelm\s+push\b|\bskopeo\s+copy\b/;

/** How a job keeps its own token from every step (see {@link jobTokenUnused}). */
export interface TokenUnused {
  /** The actions given a token of their own in the job's token's place (owner/repo). */
  replaced: string[];
  /** Of those, the ones whose token needs are not known: they may use the job's token as well. */
  unknown: string[];
  /** A checkout leaves the job's token in `.git/config` and a program or action runs after it. */
  mayPush: boolean;
  /** A step runs a program (a script) or an action that is not known: it may ask for an OIDC token. */
  programs: boolean;
  /** A step asks for an OIDC token (a known action, a script seen doing so). */
  oidc: boolean;
  /** A script writes to a container registry (a push, a signature), with credentials it may find unseen. */
  registry?: boolean;
}

/**
 * What a job does with its token when no step is handed it (the rules above), or undefined when a
 * step is, or may be.
 */
export function jobTokenUnused(workspace: Workspace, job: Job, workflow: Workflow): TokenUnused | undefined {
  if (job.uses || job.steps.length === 0) return undefined;
  const token = jobToken(workspace, workflow);
  const mentions = (map: LocatedMap | undefined) =>
    [...(map?.entries.values() ?? [])].some((v) => typeof v.value === 'string' && token.test(v.value));
  const maps = [workflow.env, job.env, job.container?.credentials, ...job.services.map((s) => s.credentials)];
  if (maps.some(mentions)) return undefined;
  const found: TokenUnused = { replaced: [], unknown: [], mayPush: false, programs: false, oidc: false };
  // The job's own token left in .git/config by a checkout.
  let onDisk = false;
  // A token of its own left there by a checkout given one.
  let ownOnDisk = false;
  for (const step of job.steps) {
    if (mentions(step.env) || mentions(step.with)) return undefined;
    if (step.run) {
      const text = String(step.run.value);
      if (token.test(text)) return undefined;
      // `gh`, the API and pushes take the token from the environment: one of its own must be there.
      if (GH_CLI.test(text) && !givenOwn(step, job, workflow, token, GH_VARS)) return undefined;
      if (/api\.github\.com/.test(text) && !givenOwn(step, job, workflow, token, /./)) return undefined;
      // A push uses what a checkout left in .git/config (the job's token: mayPush), else a variable.
      if (PUSH.test(text) && !onDisk && !ownOnDisk && !givenOwn(step, job, workflow, token, /./))
        return undefined;
      // Publishing and signing tools may use the job's token or its OIDC token in ways not read here.
      if (PUBLISH.test(text)) return undefined;
      if (requestsOidc(text)) found.oidc = true;
      if (REGISTRY_WRITE.test(text)) found.registry = true;
      found.programs = true;
      if (onDisk) found.mayPush = true;
      continue;
    }
    const path = actionPathOf(step.uses);
    const repo = actionOf(step.uses);
    if (!path || !repo) {
      // A container action (`docker://`) is a program given no token; an action of this repository
      // is not read here.
      if (!/^\s*docker:\/\//.test(String(step.uses?.value ?? ''))) return undefined;
      found.programs = true;
      if (onDisk) found.mayPush = true;
      continue;
    }
    const known = knownActionScopes(step);
    if (ownToken(step, job, workflow)) {
      found.replaced.push(repo);
      if (repo === 'actions/checkout' && !isFalse(input(step, 'persist-credentials'))) ownOnDisk = true;
      // actions/github-script makes its client with the token it is given.
      if (!known && repo !== 'actions/github-script') {
        found.unknown.push(repo);
        found.programs = true;
      }
      if (known?.['id-token']) found.oidc = true;
      // An action not known may run git, and push with the credentials a checkout left.
      if (onDisk && !known) found.mayPush = true;
      continue;
    }
    if (!known) return undefined;
    if (repo === 'actions/checkout') {
      if (!isFalse(input(step, 'persist-credentials'))) onDisk = true;
      continue;
    }
    if (known['id-token']) found.oidc = true;
    // Given the job's token by default: only an action known to read with it (a toolchain's download,
    // another run's artifacts) or not to use it.
    if (Object.entries(known).some(([scope, level]) => scope !== 'id-token' && level === 'write'))
      return undefined;
  }
  return found;
}

/** Whether `scope` (granted write) is left unused by a job whose steps are all seen (see above). */
export interface UnusedWrite {
  /** What the steps do instead, for the message. */
  how: string;
  /** Why the job may use the scope after all in a way not read here, when it may. */
  unsure?: string;
}

/**
 * Whether a job with steps that may run anything still leaves its token's `scope: write` unused
 * ({@link jobTokenUnused}); undefined when a step uses it or may.
 */
export function unusedWrite(
  workspace: Workspace,
  job: Job,
  workflow: Workflow,
  scope: string,
): UnusedWrite | undefined {
  const found = jobTokenUnused(workspace, job, workflow);
  if (!found) return undefined;
  const name = scope.toLowerCase();
  const needs = jobNeeds(job, workflow);
  const alike = name === 'issues' || name === 'pull-requests' ? ['issues', 'pull-requests'] : [name];
  if (alike.some((s) => needs.scopes.get(s) === 'write')) return undefined;
  if (name === 'contents' && found.mayPush) return undefined;
  if (name === 'id-token' && found.oidc) return undefined;
  // GitHub's App token action is given a private key to make a token from, not a token in place of the job's.
  const replaced = [...new Set(found.replaced)].filter((r) => r !== 'actions/create-github-app-token');
  const how =
    replaced.length > 0
      ? `${replaced.join(', ')} ${replaced.length > 1 ? 'are' : 'is'} given a token of ${replaced.length > 1 ? 'their' : 'its'} own, and no step is handed the job's token (scripts and other actions get none)`
      : "no step is handed the job's token (scripts get none; the actions are known not to use it for writing)";
  const unknown = [...new Set(found.unknown)];
  if (name === 'id-token') {
    // Any program of the job, or an action not known, can ask for an OIDC token unseen; so can the
    // runner of a container job pulling its image from a registry that takes one.
    const unsure =
      found.programs || job.container || job.services.length > 0
        ? 'a program or action the job runs may ask for an OIDC token in a way not read here'
        : undefined;
    return { how: 'no step is seen to ask for an OIDC token', ...(unsure ? { unsure } : {}) };
  }
  // A registry client may find credentials for GitHub's registry set up in a way not read here (a
  // self-hosted runner's Docker configuration).
  if (name === 'packages' && found.registry)
    return {
      how,
      unsure:
        "a script writes to a container registry, which may be GitHub's, with credentials not read here",
    };
  if (unknown.length > 0)
    return {
      how,
      unsure: `${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not known here and may use the job's token beside ${unknown.length > 1 ? 'their' : 'its'} own`,
    };
  return { how };
}

/**
 * What names the job's token: `github.token`, `secrets.GITHUB_TOKEN`; in a reusable workflow also
 * its inputs named for a token and the secrets it declares under `on.workflow_call.secrets` that a
 * caller may fill with its own job's token (`token: ${{ secrets.GITHUB_TOKEN }}`): a caller of this
 * repository does so, or none is found here (the callers are elsewhere, unseen).
 */
function jobToken(workspace: Workspace, workflow: Workflow): RegExp {
  const call = workflow.on?.events.find((t) => t.event === 'workflow_call');
  if (!call) return JOB_TOKEN;
  const config = call.config?.value;
  const declared = isRecord(config) && isRecord(config.secrets) ? Object.keys(config.secrets) : [];
  const callers = localCallers(workspace, workflow.path).filter((c) => c.job?.uses);
  const passesToken = (name: string) =>
    callers.length === 0 ||
    callers.some(({ job }) => {
      const passed = job!.secrets?.value;
      if (!isRecord(passed)) return false;
      return Object.entries(passed).some(
        ([k, v]) => k.toLowerCase() === name.toLowerCase() && typeof v === 'string' && JOB_TOKEN.test(v),
      );
    });
  const names = declared.filter(passesToken).map(escapeRegExp).join('|');
  return new RegExp(
    `${JOB_TOKEN.source}|\\binputs\\.[\\w-]*token[\\w-]*${names ? `|\\bsecrets\\.(?:${names})(?![\\w-])` : ''}`,
    'i',
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
