import { locationFromSpan } from '../../location.js';
import type { Job, Located, LocatedMap, Step, WorkflowSource } from '../../parsers/workflow.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import { locatedText } from '../../parsers/workflow-expressions.js';
import type { Location, RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import { type Command, commandsOf } from './commands.js';
import { actionOf, input, stepLabel } from './shared.js';

/**
 * npm, PyPI, RubyGems, crates.io and nuget.org accept a short-lived token that GitHub's OIDC issues to
 * the publishing job ("trusted publishing"): nothing to store, nothing that outlives the job. A
 * long-lived registry token in a repository secret can be read by any workflow run that gets secrets
 * and keeps working after it leaks. Reported at the secret that carries the token to a publish step:
 * the action input, the `env:` entry (step, job or workflow), or the command's token flag. Publishing
 * to another registry (GitHub Packages, a private index) is not reported, and neither is a token minted
 * by an OIDC exchange (a step output such as rust-lang/crates-io-auth-action's).
 */
export const workflowUseTrustedPublishing = defineEvaluator<Record<string, never>>({
  kind: 'workflow.use-trusted-publishing',
  scope: 'file',
  summary:
    'Long-lived registry tokens used to publish where OIDC trusted publishing exists (npm, PyPI, RubyGems, crates.io, NuGet).',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    // Its subjects are publish steps to these registries: a repository that publishes nothing there
    // had nothing to judge, whatever its workflows build.
    const subjects = new Set<string>();
    walkWorkflows(workflowSources(workspace), {
      step(step, source, job) {
        for (const hit of tokensOf(workspace, source, job, step, () => subjects.add(source.path))) {
          findings.push({
            message:
              `${hit.registry} is published with a long-lived token (${hit.what}). ${hit.registry} accepts a short-lived ` +
              `OIDC token instead: configure this repository and workflow as a trusted publisher on ${hit.registry}, ` +
              'give the job `id-token: write`, remove the token and delete the secret.',
            location: hit.location,
            key: `${job?.id ?? ''}/${stepLabel(step)}/${hit.registry}/${hit.what}`,
          });
        }
      },
    });
    workspace.examineOnly(subjects);
    return findings;
  },
});

interface Hit {
  registry: string;
  what: string;
  location: Location;
}

/**
 * Publishing actions and the input that carries a token; for those that read it from the environment
 * instead, `env` names the variables, and `when` the inputs one of which must match for the step to
 * publish.
 */
const ACTIONS: Record<
  string,
  {
    registry: string;
    input: string;
    registryInput?: [string, RegExp];
    env?: string[];
    when?: [string[], RegExp];
  }
> = {
  'pypa/gh-action-pypi-publish': {
    registry: 'PyPI',
    input: 'password',
    registryInput: ['repository-url', /pypi\.org/],
  },
  'js-devtools/npm-publish': {
    registry: 'npm',
    input: 'token',
    registryInput: ['registry', /registry\.npmjs\.org/],
  },
  'katyo/publish-crates': { registry: 'crates.io', input: 'registry-token' },
  'cadwallion/publish-rubygems-action': {
    registry: 'RubyGems',
    input: '',
    env: ['RUBYGEMS_API_KEY', 'GEM_HOST_API_KEY'],
  },
  // Runs the `publish` command (`publish-script` from v2: `changeset publish`, which runs npm
  // publish) with the npm token.
  'changesets/action': {
    registry: 'npm',
    input: '',
    env: ['NPM_TOKEN', 'NODE_AUTH_TOKEN'],
    when: [['publish', 'publish-script'], /\S/],
  },
  // semantic-release publishes to npm (its npm plugin) with the token in NPM_TOKEN.
  'cycjimmy/semantic-release-action': { registry: 'npm', input: '', env: ['NPM_TOKEN', 'NODE_AUTH_TOKEN'] },
  'pyo3/maturin-action': {
    registry: 'PyPI',
    input: '',
    env: ['MATURIN_PYPI_TOKEN', 'MATURIN_PASSWORD'],
    when: [['command'], /^\s*(?:upload|publish)\b/],
  },
};

interface Ecosystem {
  registry: string;
  command: RegExp;
  env: string[];
  flags: string[];
  /** A flag naming another registry, and what the default registry's value looks like. */
  elsewhere?: [RegExp, RegExp];
}

/** A quick test before splitting a script into commands. */
const PUBLISH_TEXT = /publish|upload|push|release|pypi-token/;

const ECOSYSTEMS: Ecosystem[] = [
  {
    registry: 'npm',
    // semantic-release publishes through its npm plugin, which reads NPM_TOKEN.
    command:
      /^(?:npm|pnpm|lerna)\s+publish\b|^yarn\s+(?:npm\s+)?publish\b|^(?:npx\s+)?changeset\s+publish\b|^(?:npx\s+(?:-\S+\s+)*)?semantic-release(?:@\S*)?(?:\s|$)/,
    env: ['NODE_AUTH_TOKEN', 'NPM_TOKEN', 'NPM_AUTH_TOKEN', 'YARN_NPM_AUTH_TOKEN', 'NPM_CONFIG__AUTH_TOKEN'],
    flags: [],
    elsewhere: [/^--registry(=|$)/, /registry\.npmjs\.org/],
  },
  {
    registry: 'PyPI',
    command:
      /^(?:python3?\s+-m\s+)?twine\s+upload\b|^(?:uv|poetry|hatch|flit|pdm)\s+publish\b|^poetry\s+config\s+pypi-token\.|^maturin\s+(?:publish|upload)\b/,
    env: [
      'TWINE_PASSWORD',
      'UV_PUBLISH_TOKEN',
      'UV_PUBLISH_PASSWORD',
      'POETRY_PYPI_TOKEN_PYPI',
      'HATCH_INDEX_AUTH',
      'FLIT_PASSWORD',
      'PDM_PUBLISH_PASSWORD',
      'MATURIN_PYPI_TOKEN',
      'MATURIN_PASSWORD',
    ],
    flags: ['-p', '--password', '--token', '-t', '-a', '--auth', '-P', 'pypi-token.pypi'],
    elsewhere: [/^--repository-url(=|$)|^--publish-url(=|$)/, /pypi\.org/],
  },
  {
    registry: 'crates.io',
    command: /^cargo\s+publish\b/,
    env: ['CARGO_REGISTRY_TOKEN'],
    flags: ['--token'],
    elsewhere: [/^--registry(=|$)/, /^crates-io$/],
  },
  {
    registry: 'RubyGems',
    command: /^gem\s+push\b|^(?:bundle\s+exec\s+)?rake\s+release\b/,
    env: ['GEM_HOST_API_KEY', 'RUBYGEMS_API_KEY'],
    flags: ['--key', '-k'],
    elsewhere: [/^--host(=|$)/, /rubygems\.org/],
  },
  {
    registry: 'nuget.org',
    command: /^(?:dotnet\s+)?nuget\s+push\b/,
    env: ['NUGET_API_KEY', 'NUGET_AUTH_TOKEN'],
    flags: ['--api-key', '-k', '-apikey'],
    elsewhere: [/^(?:--source|-s|-source)(=|$)/i, /nuget\.org/],
  },
];

/** The long-lived tokens a step publishes with; `publishes` is called when it publishes at all. */
function tokensOf(
  workspace: Workspace,
  source: WorkflowSource,
  job: Job | undefined,
  step: Step,
  publishes: () => void,
): Hit[] {
  const envs = [step.env, job?.env, source.kind === 'workflow' ? source.env : undefined];
  const action = actionOf(step.uses);
  const spec = action ? ACTIONS[action] : undefined;
  if (spec) {
    const other = spec.registryInput && input(step, spec.registryInput[0]);
    if (other && typeof other.value === 'string' && !spec.registryInput![1].test(other.value)) return [];
    const when = spec.when;
    if (when && !when[0].some((name) => when[1].test(String(input(step, name)?.value ?? '')))) return [];
    publishes();
    const token = spec.input ? input(step, spec.input) : undefined;
    if (token && fromSecret(token))
      return [
        {
          registry: spec.registry,
          what: `input "${spec.input}"`,
          location: locationFromSpan(source.path, token.span),
        },
      ];
    const env = spec.env && secretEnv(envs, spec.env);
    return !spec.input && env ? [{ registry: spec.registry, ...envHit(source, env) }] : [];
  }
  if (!step.run || !PUBLISH_TEXT.test(step.run.value)) return [];
  const out: Hit[] = [];
  const text = locatedText(workspace, source.path, step.run);
  for (const command of commandsOf(step.run.value)) {
    const line = command.program.map((w) => w.text).join(' ');
    const eco = ECOSYSTEMS.find((e) => e.command.test(line));
    if (!eco || elsewhere(command, eco) || (eco.registry === 'npm' && npmElsewhere(job))) continue;
    publishes();
    const flag = tokenFlag(command, eco);
    if (flag) {
      out.push({
        registry: eco.registry,
        what: `"${flag.text}"`,
        location: text.locate(flag.start, flag.end),
      });
      continue;
    }
    const env = secretEnv(envs, eco.env);
    if (env) out.push({ registry: eco.registry, ...envHit(source, env) });
  }
  return out;
}

/** A value that reads a repository, organisation or environment secret (not the job's own token). */
function fromSecret(node: Located): boolean {
  return typeof node.value === 'string' && /\bsecrets\.(?!github_token\b)\w+/i.test(node.value);
}

/** The innermost `env:` entry among `names` whose value is a secret. */
function secretEnv(envs: (LocatedMap | undefined)[], names: string[]): [string, Located] | undefined {
  for (const env of envs) {
    for (const [k, v] of env?.entries ?? []) {
      if (names.includes(k.toUpperCase())) return fromSecret(v) ? [k, v] : undefined;
    }
  }
  return undefined;
}

function envHit(
  source: WorkflowSource,
  [name, node]: [string, Located],
): { what: string; location: Location } {
  return {
    what: `env ${name}: ${String(node.value).trim()}`,
    location: locationFromSpan(source.path, node.span),
  };
}

/** The value of a token flag (`--token ${{ secrets.X }}`, `-p "$PYPI_PASSWORD"`) on the command. */
function tokenFlag(
  command: Command,
  eco: Ecosystem,
): { text: string; start: number; end: number } | undefined {
  const words = command.program;
  for (const [i, w] of words.entries()) {
    const [flag, inline] = w.text.split(/=(.*)/s, 2);
    if (!eco.flags.includes(flag!.toLowerCase()) && !eco.flags.includes(flag!)) continue;
    const value = inline !== undefined ? { ...w, text: inline } : words[i + 1];
    if (value && /secrets\.|^\$\{?\w|^\$env:/i.test(value.text) && !/secrets\.github_token/i.test(value.text))
      return { text: value.text, start: value.start, end: value.end };
  }
  return undefined;
}

/** The command publishes to another registry than the public one. */
function elsewhere(command: Command, eco: Ecosystem): boolean {
  if (!eco.elsewhere) return false;
  const [flag, official] = eco.elsewhere;
  const words = command.program;
  for (const [i, w] of words.entries()) {
    if (!flag.test(w.text)) continue;
    const value = w.text.includes('=') ? w.text.slice(w.text.indexOf('=') + 1) : (words[i + 1]?.text ?? '');
    if (!official.test(value)) return true;
  }
  return false;
}

/** The job's setup-node points npm at another registry (GitHub Packages, a private one). */
function npmElsewhere(job: Job | undefined): boolean {
  return (job?.steps ?? []).some((s) => {
    if (actionOf(s.uses) !== 'actions/setup-node') return false;
    const url = input(s, 'registry-url');
    return typeof url?.value === 'string' && !/registry\.npmjs\.org/.test(url.value);
  });
}
