/**
 * One evaluator call, the single place where a rule meets the tree: a rule that throws becomes its
 * error, and a rule that cannot get the answer it needs (an API permission) becomes unverifiable.
 * The call also records the rule's scope: the files it read through the workspace and the repository
 * settings it read through the API, so no verdict can rest on a rule that looked at nothing. A fix
 * whose lines hold a secret is withheld here, for every rule (see fix/secret-lines.ts).
 * The outcome is plain data, so a slice worker can send it to the engine's thread.
 */
import { getEvaluator } from './evaluators/registry.js';
import type { Evaluator, EvaluatorContext, PolicyProblems } from './evaluators/types.js';
import { withholdSecretFixes } from './fix/secret-lines.js';
import { type GitHubApi, UnverifiableError } from './github-api.js';
import type { RawFinding, Rule } from './types.js';
import type { LeftOutPart } from './workspace/scope.js';
import type { Workspace } from './workspace/workspace.js';

/**
 * What one evaluation looked at: the files, by position in the tree's file list (the whole tree's,
 * also when the rule saw a changed-files view or a slice), and the API reads (`GET <path> -> <status>`).
 */
export interface Examined {
  files: number[];
  settings: string[];
  /** Files it left out on purpose, by kind (see `Workspace.leaveOut`); absent: none. */
  leftOut?: LeftOutPart[];
}

/** What one rule made of a workspace: its raw findings, or why it failed; and what it examined. */
export type RuleOutcome = ({ raw: RawFinding[] } | { error: string; unverifiable: boolean }) & {
  examined: Examined;
  /** For the results cache: the existence questions the rule asked, with their answers (see file-cache.ts). */
  asked?: [string, boolean][];
};

/**
 * What a run gives every rule besides the tree: the API client when it has a token, and the
 * repository's name from the run's environment (see `EvaluatorContext.repository`).
 */
export interface RunAccess {
  github?: GitHubApi;
  repository?: string;
}

export function runEvaluator(
  rule: Rule,
  workspace: Workspace,
  policy: PolicyProblems,
  run: RunAccess = {},
  /** The subjects to report on (see `Evaluator.subjects`); absent: all of them. */
  subjects?: readonly string[],
): Promise<RuleOutcome> {
  return guarded(rule, workspace, policy, run, (evaluator, ctx) =>
    evaluator.evaluate(subjects ? { ...ctx, subjects } : ctx),
  );
}

/**
 * The rule's findings from its subjects' parts, one after another (see `Evaluator.combine`), with
 * what combining them examined; an evaluator without `combine` reports the parts as they are.
 */
export function combineParts(
  rule: Rule,
  workspace: Workspace,
  policy: PolicyProblems,
  parts: readonly RawFinding[],
): Promise<RuleOutcome> {
  // The parts' fixes were judged when each was found (here, or in the run that stored it): only a fix
  // the combining makes is judged again, so a change does not read every subject's file for them.
  const judged = new Set(parts.flatMap((p) => (p.fix ? [p.fix] : [])));
  return guarded(
    rule,
    workspace,
    policy,
    {},
    (evaluator, ctx) => (evaluator.combine ? evaluator.combine(ctx, parts) : [...parts]),
    (fix) => !judged.has(fix),
  );
}

/** Calls the rule's evaluator, turning a throw into the rule's error and recording what it examined. */
async function guarded(
  rule: Rule,
  workspace: Workspace,
  policy: PolicyProblems,
  { github, repository }: RunAccess,
  call: (
    evaluator: Evaluator<unknown>,
    ctx: EvaluatorContext<unknown>,
  ) => RawFinding[] | Promise<RawFinding[]>,
  /** Which fixes to judge for secrets (see secret-lines.ts); all of them by default. */
  judge?: (fix: NonNullable<RawFinding['fix']>) => boolean,
): Promise<RuleOutcome> {
  const evaluator = getEvaluator(rule.check.kind);
  const settings: string[] = [];
  const api = github ? recordingApi(github) : undefined;
  workspace.scope.begin();
  if (api) api.settings = settings;
  const examined = (): Examined => {
    if (api) api.settings = undefined;
    const files = workspace.scope.end();
    const leftOut = workspace.scope.leftOut();
    return leftOut ? { files, settings, leftOut } : { files, settings };
  };
  try {
    if (!evaluator) throw new Error(`no evaluator for kind "${rule.check.kind}"`);
    const raw = await call(evaluator, {
      rule,
      options: rule.check.with ?? {},
      workspace,
      policy,
      ...(api ? { github: api.client } : {}),
      ...(repository ? { repository } : {}),
    });
    return { raw: await withholdSecretFixes(workspace, raw, judge), examined: examined() };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { error: message, unverifiable: err instanceof UnverifiableError, examined: examined() };
  }
}

/** The client the rules of a run see, and the list of the rule being evaluated. */
export interface RecordingApi {
  client: GitHubApi;
  /** Where the rule being evaluated records what it reads; rules run one at a time on a thread. */
  settings: string[] | undefined;
}

const recorders = new WeakMap<GitHubApi, RecordingApi>();

/**
 * The API as the rules see it: every answer a rule gets is a setting it examined, recorded in the
 * list of the rule that asked (taken when it asks, so a late answer is never credited to the next
 * rule). One client per underlying client, so what the rules build on it (a cache, a shared request
 * budget keyed by the client) stays shared; whatever else the client offers is inherited unchanged.
 */
export function recordingApi(api: GitHubApi): RecordingApi {
  let rec = recorders.get(api);
  if (!rec) {
    const state: RecordingApi = { client: api, settings: undefined };
    const get: GitHubApi['get'] = async (path) => {
      const list = state.settings;
      const answer = await api.get(path);
      const line = `GET ${path} -> ${answer.status}`;
      if (list && !list.includes(line)) list.push(line);
      return answer;
    };
    state.client = Object.create(api, { get: { value: get } }) as GitHubApi;
    recorders.set(api, state);
    rec = state;
  }
  return rec;
}
