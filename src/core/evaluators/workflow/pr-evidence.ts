import { inTestPaths } from '../../confidence.js';
import { locationFromSpan } from '../../location.js';
import { parseUses } from '../../parsers/uses.js';
import type { Job, LocatedMap, Step, Workflow } from '../../parsers/workflow.js';
import {
  localActionSteps,
  readWorkflowSource,
  workflowFiles,
  workflowSources,
} from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator, type EvaluatorContext } from '../types.js';
import { localCallers, triggeringEvents } from './callers.js';
import {
  cloudCredentials,
  onPullRequestComments,
  otherCi,
  pushesOfEveryBranch,
} from './pr-evidence-events.js';
import {
  customGolangciCommand,
  dockerBuild,
  dockerfileRuns,
  followCalls,
  golangciEnables,
} from './pr-evidence-follow.js';
import { opaqueStep } from './pr-evidence-names.js';
import {
  PRE_COMMIT_ACTION,
  PRE_COMMIT_CONFIGS,
  preCommitCiRuns,
  preCommitCommands,
  preCommitConfig,
  preCommitRuns,
  skippedHooks,
} from './pr-evidence-precommit.js';
import { actionPathOf, eventsOf, globMatcher, input } from './shared.js';
import { rejectedByGitHub } from './syntax-checks.js';

export interface PrEvidenceOptions {
  /** What the evidence is, for messages ("static analysis", "tests"). */
  evidence: string;
  /** Globs on `owner/repo[/path]` of actions that produce the evidence. */
  actions: string[];
  /**
   * Actions that produce it only with some inputs (a scanner whose `scan-type` decides what it
   * scans): a glob on `owner/repo[/path]`, and for each input a regular expression (case-insensitive)
   * its value must match.
   */
  actionsWith?: { uses: string; with: Record<string, string> }[];
  /** Regular expressions (case-insensitive) on `run:` scripts. */
  commands: string[];
  /** Regular expression (case-insensitive) on job ids, job names and step names; empty: not used. */
  names: string;
  /** Events that run before a change is merged. */
  events: string[];
  /** golangci-lint counts when the root configuration enables one of these linters (e.g. gosec). */
  golangciLinters?: string[];
  /** Whether `make` targets, repository scripts and built Dockerfiles called from `run:` are read too. */
  followCalls?: boolean;
  /** super-linter counts when one of these linters is set to run (`VALIDATE_<NAME>: true`, e.g. GITHUB_ACTIONS_ZIZMOR). */
  superLinter?: string[];
  /** pre-commit (a step's `pre-commit run`, pre-commit/action, pre-commit.ci) counts when it runs a hook of these ids. */
  preCommitHooks?: string[];
  /**
   * Configuration files of services that perform the activity outside GitHub Actions (an app that
   * analyses every pull request), with the service's name: like another CI system, a sign it may.
   */
  elsewhere?: { path: string; system: string }[];
}

/** The key of a candidate that satisfies the rule: the workflow performs the activity on pull requests. */
const PERFORMED = 'on-pull-requests';
/** A workflow that calls reusable workflows of other repositories on pull requests (not a finding by itself). */
const UNSEEN = 'unseen-calls';
/**
 * A workflow that performs it only on other events, with a cloud's credentials: no evidence, and no
 * place for "pull_request" (not a finding by itself; see combineEvidence).
 */
const CLOUD = 'with-cloud-credentials';

/** The action that builds an image from a Dockerfile (`file:`, `context:`, `target:`). */
const DOCKER_BUILD_ACTION = 'docker/build-push-action';

/** golangci-lint run from an action or a script. */
const GOLANGCI_ACTION = 'golangci/golangci-lint-action';
const GOLANGCI_COMMAND = /(?<![\w-])golangci-lint(?:\s+[^\n]{0,80}?)?\s+run(?![\w-])/i;

/**
 * Process evidence at repository level: some workflow that runs on pull requests (before a change
 * is merged) performs the activity — a static analysis tool, a test suite. When workflows perform it
 * only on other events (push, schedule), each is reported at its `on:` so the fix is one line (unless
 * it logs in to a cloud, which a fork's pull request cannot: no place for that line); when none
 * performs it at all, one repository-level finding (no location) says so. What counts is data
 * in the rule (`actions`, `commands`, `names`), so a team can add its own tools.
 */
export const workflowPrEvidence = defineEvaluator<PrEvidenceOptions>({
  kind: 'workflow.pr-evidence',
  summary: 'A workflow triggered by pull requests runs the activity (e.g. SAST, tests) named by the rule.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['evidence'],
    properties: {
      evidence: { type: 'string', minLength: 1, description: 'What the activity is, for messages.' },
      actions: {
        type: 'array',
        default: [],
        items: { type: 'string', minLength: 1 },
        description: 'Globs on owner/repo[/path] of actions that perform the activity.',
      },
      actionsWith: {
        type: 'array',
        default: [],
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['uses', 'with'],
          properties: {
            uses: { type: 'string', minLength: 1 },
            with: {
              type: 'object',
              minProperties: 1,
              additionalProperties: { type: 'string', minLength: 1, format: 'regex' },
            },
          },
        },
        description:
          'Actions (globs on owner/repo[/path]) that perform the activity only when each named input matches its regular expression (case-insensitive).',
      },
      commands: {
        type: 'array',
        default: [],
        items: { type: 'string', minLength: 1, format: 'regex' },
        description: 'Regular expressions (case-insensitive) matched against run: scripts.',
      },
      names: {
        type: 'string',
        default: '',
        format: 'regex',
        description: 'Regular expression (case-insensitive) on job ids, job names and step names.',
      },
      events: {
        type: 'array',
        default: ['pull_request', 'pull_request_target', 'merge_group'],
        items: { type: 'string', minLength: 1 },
        description: 'Events that run before a change is merged.',
      },
      golangciLinters: {
        type: 'array',
        default: [],
        items: { type: 'string', minLength: 1 },
        description:
          'golangci-lint (action or command) counts when the root .golangci.yml enables one of these linters.',
      },
      superLinter: {
        type: 'array',
        default: [],
        items: { type: 'string', minLength: 1, pattern: '^[A-Z0-9_]+$' },
        description:
          'super-linter counts when one of these linters is set to run (VALIDATE_<NAME>: true in env).',
      },
      preCommitHooks: {
        type: 'array',
        default: [],
        items: { type: 'string', minLength: 1 },
        description:
          'pre-commit (pre-commit run, pre-commit/action, pre-commit.ci) counts when the root .pre-commit-config.yaml has a hook of one of these ids that it runs.',
      },
      elsewhere: {
        type: 'array',
        default: [],
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['path', 'system'],
          properties: { path: { type: 'string', minLength: 1 }, system: { type: 'string', minLength: 1 } },
        },
        description:
          'Configuration files (paths from the root) of services that perform the activity outside GitHub Actions, with their names.',
      },
      followCalls: {
        type: 'boolean',
        default: true,
        description:
          'Also match commands in the Makefile targets, repository scripts and built Dockerfiles a step calls (two levels).',
      },
    },
  },
  subjects: workflowFiles,
  evaluate(ctx) {
    const { options, workspace, subjects } = ctx;
    const action = globMatcher(options.actions ?? []);
    const withInputs = (options.actionsWith ?? []).map((a) => ({
      uses: globMatcher([a.uses]),
      inputs: Object.entries(a.with).map(([name, re]) => [name.toLowerCase(), new RegExp(re, 'i')] as const),
    }));
    // An input given as an expression (`${{ matrix.scan }}`) is not known, so it matches nothing.
    const actionPerforms = (path: string, step: Step): boolean =>
      action(path) ||
      withInputs.some(
        (a) =>
          a.uses(path) &&
          a.inputs.every(([name, re]) => {
            const value = input(step, name)?.value;
            return typeof value === 'string' && !value.includes('${{') && re.test(value.trim());
          }),
      );
    const commands = (options.commands ?? []).map((c) => new RegExp(c, 'i'));
    const names = options.names ? new RegExp(options.names, 'i') : undefined;
    const events = new Set(options.events ?? []);
    // Asked at most once, and only when golangci-lint runs somewhere.
    let golangci: boolean | undefined;
    const golangciCounts = () => (golangci ??= golangciEnables(workspace, options.golangciLinters ?? []));
    const usesGolangci = (options.golangciLinters ?? []).length > 0;
    // The golangci-lint built by `golangci-lint custom` (.custom-gcl.yml), looked up once.
    let custom: RegExp | null | undefined;
    const customCommand = () => (custom ??= customGolangciCommand(workspace) ?? null);
    const runsGolangci = (text: string): boolean =>
      GOLANGCI_COMMAND.test(text) || (/\srun(?![\w-])/.test(text) && customCommand()?.test(text) === true);
    const ownPerforms = (text: string): boolean =>
      commands.some((re) => re.test(text)) || (usesGolangci && runsGolangci(text) && golangciCounts());
    // pre-commit runs the hooks of the root configuration: those the rule counts, by id or by what
    // a local hook's entry runs (followed like a step's script, but not into pre-commit again).
    const hookIds = options.preCommitHooks ?? [];
    const usesPreCommit = hookIds.length > 0;
    // Read only when a step runs pre-commit, so the configuration is an input of those workflows alone.
    const preCommitPerforms = (args: string, skip: ReadonlySet<string>): boolean => {
      const config = preCommitConfig(workspace);
      return (
        config !== undefined && preCommitRuns(config, args, skip, hookIds, (e) => followed(e, ownPerforms))
      );
    };
    const textPerforms = (text: string, skip: ReadonlySet<string> = NO_SKIP): boolean =>
      ownPerforms(text) ||
      (usesPreCommit && preCommitCommands(text).some((args) => preCommitPerforms(args, skip)));
    const followed = (script: string, matches: (text: string) => boolean): boolean =>
      matches(script) ||
      (options.followCalls !== false &&
        followCalls(workspace, script, true).some(
          (f) => matches(f.text) || (names !== undefined && f.target !== undefined && names.test(f.target)),
        ));
    const runPerforms = (script: string, skip: ReadonlySet<string> = NO_SKIP): boolean =>
      followed(script, (text) => textPerforms(text, skip));
    const superLinters = options.superLinter ?? [];
    const stepPerforms = (step: Step, job: Job, source: Workflow, depth = 0): boolean => {
      const path = actionPathOf(step.uses);
      if (
        path &&
        (actionPerforms(path, step) || (usesGolangci && path === GOLANGCI_ACTION && golangciCounts()))
      )
        return true;
      if (path && superLinters.length > 0 && SUPER_LINTER.test(path)) {
        if (superLinterRuns(superLinters, [source.env, job.env, step.env])) return true;
      }
      // pre-commit leaves out the hooks `SKIP` names (the step's env, else the job's, else the workflow's).
      const skip = () =>
        skippedHooks(
          [step.env, job.env, source.env].find((e) => e?.entries.has('SKIP'))?.entries.get('SKIP')?.value,
        );
      if (step.run && runPerforms(step.run.value, usesPreCommit ? skip() : NO_SKIP)) return true;
      if (usesPreCommit && path && PRE_COMMIT_ACTION.test(path)) {
        const args = input(step, 'extra_args')?.value;
        if (preCommitPerforms(typeof args === 'string' ? args : '--all-files', skip())) return true;
      }
      // An image build runs the RUN instructions of its Dockerfile: a test stage there runs on the
      // pull request as a step's script would.
      if (path === DOCKER_BUILD_ACTION && options.followCalls !== false) {
        const text = (name: string) => {
          const value = input(step, name)?.value;
          return typeof value === 'string' ? value : undefined;
        };
        const build = dockerBuild(text('file'), text('context'), text('target'));
        if (dockerfileRuns(workspace, build, new Set()).some((f) => runPerforms(f.text))) return true;
      }
      // A step's name is evidence of what it runs only where what it runs cannot be read: a checkout
      // named "checkout tests passed" checks out, a step named "Test" that runs `terraform destroy`
      // tears down (see pr-evidence-names.ts).
      if (
        names !== undefined &&
        typeof step.name?.value === 'string' &&
        names.test(step.name.value) &&
        opaqueStep(workspace, step, job, source)
      )
        return true;
      // A composite action of this repository (`uses: ./.github/actions/test`) runs its steps in the
      // job: what they run, the job runs. Followed a few levels deep (a local action can use another).
      if (depth >= LOCAL_ACTION_DEPTH) return false;
      return (localActionSteps(workspace, step) ?? []).some((s) => stepPerforms(s, job, source, depth + 1));
    };
    // A job calling a reusable workflow of another repository is matched by its path like an action
    // (its steps are not in this tree): `org/.github/.github/workflows/codeql.yml`.
    const callsPerforming = (job: Job): boolean => {
      const called = job.uses ? actionPathOf(job.uses) : undefined;
      return called !== undefined && action(called);
    };
    // What the steps run decides; a job's name ("Run e2e test") only stands for steps whose work
    // cannot be read (a repository script, a reusable workflow), never for steps that are all
    // understood and perform nothing (a teardown job whose name was copied from the test job).
    const namedFor = (job: Job, source: Workflow): boolean =>
      names !== undefined &&
      [job.id, job.name?.value].some((n) => typeof n === 'string' && names.test(n)) &&
      (job.uses !== undefined || job.steps.some((step) => opaqueStep(workspace, step, job, source)));
    const performs = (job: Job, source: Workflow): boolean =>
      callsPerforming(job) ||
      job.steps.some((step) => stepPerforms(step, job, source)) ||
      namedFor(job, source);
    // How every job of a workflow that performs the activity logs in to a cloud; undefined when one
    // does not.
    const credentialsOf = (source: Workflow): string | undefined => {
      const how = source.jobs
        .filter((job) => performs(job, source))
        .map((job) => cloudCredentials(workspace, job, source));
      return how.length > 0 && how.every((h) => h !== undefined) ? how[0] : undefined;
    };
    // A workflow GitHub refuses never runs, so it is no evidence (workflow-syntax reports it). Each
    // workflow that performs the activity is a candidate, in its file: run on pull requests (a
    // reusable workflow runs on its callers' events) or only on other events.
    const candidates: RawFinding[] = [];
    for (const s of workflowSources(workspace, subjects)) {
      if (s.kind !== 'workflow' || rejectedByGitHub(workspace, s)) continue;
      if (!s.jobs.some((job) => performs(job, s))) {
        // A reusable workflow of another repository called on the events asked for: its steps are not
        // in this tree, so it may do what is looked for (kept apart; see combineEvidence).
        const unseen = s.jobs.filter((j) => j.uses && parseUses(j.uses.value).kind === 'repository');
        if (unseen.length > 0 && [...triggeringEvents(workspace, s)].some((e) => events.has(e))) {
          candidates.push({
            message: `${unseen.map((j) => j.uses!.value.trim()).join(', ')} (called by ${s.path})`,
            location: { path: s.path, startLine: 1 },
            key: UNSEEN,
          });
        }
        continue;
      }
      const on = [...triggeringEvents(workspace, s)];
      const location = s.on ? locationFromSpan(s.path, s.on.span, true) : { path: s.path, startLine: 1 };
      const login = on.some((e) => events.has(e)) ? undefined : credentialsOf(s);
      candidates.push(
        on.some((e) => events.has(e))
          ? {
              message: `This workflow runs ${options.evidence} on pull requests.`,
              location,
              key: PERFORMED,
            }
          : pushesOfEveryBranch(workspace, s)
            ? {
                // A branch of this repository is tested by its pushes before it is merged; a fork's
                // pushes run in the fork, so its pull request is merged untested.
                message:
                  `This workflow runs ${options.evidence} on pushes to every branch but not on pull requests: a pull ` +
                  "request from a branch of this repository gets it through its pushes, one from a fork does not (a fork's " +
                  'pushes run in the fork). Add "pull_request" to its triggers.',
                location,
                key: 'not-on-pull-requests',
                confidence: 'medium',
              }
            : s.jobs.some((job) => performs(job, s) && onPullRequestComments(s, job))
              ? {
                  // A command in a comment (`/test`) runs it on the pull request before it is merged,
                  // when someone asks: often for checks that need secrets a fork's run does not get.
                  message:
                    `This workflow runs ${options.evidence} on a pull request when a comment asks for it (issue_comment, ` +
                    'on comments on pull requests only), not on every pull request: one nobody asks for is merged ' +
                    'without it. Add "pull_request" to the triggers of a workflow that runs it, or make the check it ' +
                    'reports a required status check so that it must be asked for.',
                  location,
                  key: 'on-request',
                  confidence: 'low',
                }
              : login !== undefined
                ? {
                    // A run that needs the repository's cloud credentials cannot be a fork's pull
                    // request's: it is no place for "pull_request" (see combineEvidence).
                    message: `${s.path} (on ${on.join(', ') || 'no trigger'}, logging in with ${login})`,
                    location,
                    key: CLOUD,
                  }
                : {
                    message:
                      `This workflow runs ${options.evidence}, but only on ${on.join(', ') || 'no trigger'}, not on pull ` +
                      'requests, so changes are merged before it runs. Add "pull_request" to its triggers.',
                    location,
                    key: 'not-on-pull-requests',
                  },
      );
    }
    return subjects ? candidates : combineEvidence(ctx, candidates);
  },
  combine: combineEvidence,
});

const NO_SKIP: ReadonlySet<string> = new Set();

/**
 * The root pre-commit configuration when it configures pre-commit.ci (`ci:`) and holds a hook the
 * rule counts that pre-commit.ci does not skip: an app that runs it on pull requests without a
 * workflow, whose runs are not visible here.
 */
function preCommitCi(workspace: Workspace, options: PrEvidenceOptions): string[] {
  const ids = options.preCommitHooks ?? [];
  const config = ids.length > 0 ? preCommitConfig(workspace) : undefined;
  const commands = (options.commands ?? []).map((c) => new RegExp(c, 'i'));
  if (!config || !preCommitCiRuns(config, ids, (e) => commands.some((re) => re.test(e)))) return [];
  const file = PRE_COMMIT_CONFIGS.find((f) => workspace.has(f))!;
  return [`${file} (pre-commit.ci)`];
}

/** How many composite actions of the repository deep a step is followed (`./a` using `./b` ...). */
const LOCAL_ACTION_DEPTH = 3;

/** super-linter, under its current and its former owner, whole or as the `slim` image. */
const SUPER_LINTER = /^(?:super-linter|github)\/super-linter(?:\/slim)?$/;

/**
 * Whether super-linter is set to run one of `linters`: its `VALIDATE_<NAME>` is true in the workflow's,
 * the job's or the step's `env:` (the later winning). super-linter's defaults run every linter its
 * version has, but older versions have no zizmor, and which version a pinned commit is cannot be
 * told here: a linter left to the defaults does not count. A value from an expression is not known.
 */
function superLinterRuns(linters: readonly string[], envs: readonly (LocatedMap | undefined)[]): boolean {
  const settings = new Map<string, boolean>();
  for (const env of envs) {
    for (const [name, node] of env?.entries ?? []) {
      if (!name.startsWith('VALIDATE_')) continue;
      const value = String(node.value).trim().toLowerCase();
      if (value === 'true' || value === 'false')
        settings.set(name.slice('VALIDATE_'.length), value === 'true');
    }
  }
  return linters.some((l) => settings.get(l) === true);
}

/**
 * One workflow that performs the activity on pull requests satisfies the rule; else each that
 * performs it on other events is a finding at its `on:`; else one repository-level finding.
 */
function combineEvidence(
  { options, workspace }: EvaluatorContext<PrEvidenceOptions>,
  candidates: readonly RawFinding[],
): RawFinding[] {
  if (candidates.some((c) => c.key === PERFORMED)) return [];
  const seen = candidates.filter((c) => c.key !== UNSEEN && c.key !== CLOUD);
  if (seen.length > 0) return placed(workspace, options.evidence, seen);
  const unseen = candidates.filter((c) => c.key === UNSEEN).map((c) => c.message);
  // Runs that reach a cloud with the repository's credentials, on other events only: a fork's pull
  // request is given no secrets and no OIDC token, so adding "pull_request" to them is no fix.
  const cloud = candidates.filter((c) => c.key === CLOUD).map((c) => c.message);
  const credentialed =
    cloud.length > 0
      ? ` ${cloud.slice(0, 3).join('; ')}${cloud.length > 3 ? `; and ${cloud.length - 3} more` : ''} ${cloud.length === 1 ? 'runs' : 'run'} ${options.evidence} against a cloud with this ` +
        "repository's credentials, and not on pull requests: a pull request from a fork is given no secrets and no " +
        `OIDC token, so ${cloud.length === 1 ? 'that workflow is' : 'those workflows are'} no place for "pull_request". ` +
        `Run ${options.evidence} that need no credentials on pull requests.`
      : '';
  const other = [
    ...otherCi(workspace),
    ...(options.elsewhere ?? []).filter((e) => workspace.has(e.path)).map((e) => `${e.path} (${e.system})`),
    ...preCommitCi(workspace, options),
  ];
  const elsewhere =
    other.length > 0
      ? ` This repository also has ${other.join(', ')}, whose runs are not visible here: if it runs ` +
        `${options.evidence} on pull requests, declare that in .github/controls.yml with its evidence.`
      : '';
  // Reusable workflows of other repositories run on pull requests here: they may do it, unseen.
  const called =
    unseen.length > 0
      ? ` On pull requests, workflows here call reusable workflows of other repositories, which are not examined: ` +
        `${unseen.slice(0, 3).join('; ')}${unseen.length > 3 ? `; and ${unseen.length - 3} more` : ''}. If one of them ` +
        `runs ${options.evidence}, declare that in .github/controls.yml with its evidence.`
      : '';
  // A repository of configuration and documentation alone (a compose file, settings, a README) holds
  // nothing the activity could be run on: said, at low confidence.
  const codeless = !holdsSourceCode(workspace);
  const nothing = codeless
    ? ` The repository holds no source code of a programming language, nor infrastructure code (only configuration, ` +
      `data and documentation), so there may be nothing to run ${options.evidence} on: if so, declare the control ` +
      `not applicable in .github/controls.yml.`
    : '';
  return [
    {
      message:
        `No workflow${unseen.length > 0 ? ' in this repository' : ''} runs ${options.evidence} on pull requests, so changes are merged without it. ` +
        `Add a workflow triggered by pull_request that runs it (or declare where it happens outside GitHub Actions).` +
        credentialed +
        called +
        elsewhere +
        nothing,
      location: null,
      key: 'missing',
      // What the called workflows, or another CI system, do is not known, and a repository without code
      // may need neither: a guess, which neither blocks nor makes a gap.
      ...(unseen.length > 0 || other.length > 0 || codeless ? { confidence: 'low' as const } : {}),
    },
  ];
}

/**
 * The endings of source files that static analysis and tests are run on: programming languages,
 * shell scripts and infrastructure code (Terraform, Bicep, Nix), whose scanners and test frameworks
 * exist. Not configuration (YAML, JSON, TOML, XML, `.env`), Dockerfiles alone, documents or data.
 */
const SOURCE_FILE =
  /\.(?:[cm]?[jt]sx?|py|pyi|go|rb|java|kts?|scala|groovy|cs|fs|vb|php|rs|c|h|cc|cpp|cxx|hpp|hh|m|mm|swift|dart|exs?|erl|hrl|hs|clj[sc]?|lua|pl|pm|r|jl|sh|bash|zsh|ps1|psm1|sol|vue|svelte|elm|mli?|nim|zig|cr|tf|tofu|bicep|nix)$/i;

/** Whether the tree holds a source file (see {@link SOURCE_FILE}) outside the test and documentation paths. */
function holdsSourceCode(workspace: Workspace): boolean {
  return workspace.files.some((f) => SOURCE_FILE.test(f) && !inTestPaths(f) && !/(?:^|\/)docs?\//.test(f));
}

/**
 * The workflows that run the activity on other events than pull requests, each reported where its fix
 * goes. A reusable workflow that runs only through callers of this repository that are reported
 * themselves is theirs to fix (its events are theirs): not reported twice. A workflow that runs it
 * only on a schedule, by hand or on a release (a coverage report, a flakiness run), beside one that
 * runs it on pushes, is no gate to add pull_request to: low, the push workflow's finding says where
 * pull_request belongs.
 */
function placed(workspace: Workspace, evidence: string, seen: readonly RawFinding[]): RawFinding[] {
  const workflowOf = (c: RawFinding) => {
    const source = c.location ? readWorkflowSource(workspace, c.location.path) : undefined;
    return source?.kind === 'workflow' ? source : undefined;
  };
  const reported = new Set(seen.map((c) => c.location?.path));
  const kept = seen.filter((c) => {
    const workflow = workflowOf(c);
    const own = workflow ? eventsOf(workflow) : undefined;
    if (!workflow || own?.size !== 1 || !own.has('workflow_call')) return true;
    const callers = localCallers(workspace, workflow.path).filter(
      (k) => k.job && k.source.kind === 'workflow',
    );
    return !(
      callers.length > 0 &&
      callers.every((k) => k.source.path !== workflow.path && reported.has(k.source.path))
    );
  });
  // The workflows that run it on pushes of their own: where "pull_request" is added.
  const onPushes = kept
    .filter((c) => c.key === 'not-on-pull-requests')
    .map(workflowOf)
    .filter((w): w is Workflow => w !== undefined && eventsOf(w).has('push'))
    .map((w) => w.path);
  return kept.flatMap((c) => {
    const workflow = workflowOf(c);
    if (!workflow) return [c];
    if (c.key !== 'not-on-pull-requests') return [c];
    const events = triggeringEvents(workspace, workflow);
    const beside = onPushes.find((p) => p !== workflow.path);
    if (events.has('push') || !beside) return [c];
    return [
      {
        ...c,
        message:
          `This workflow runs ${evidence} only on ${[...events].join(', ')}, not on pull requests; ${beside} runs it on ` +
          'pushes, and is where "pull_request" belongs (reported there): a scheduled, manual or release run (a coverage ' +
          'report, a flakiness run) is no gate for changes.',
        confidence: 'low' as const,
      },
    ];
  });
}
