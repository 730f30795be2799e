import type { GitHubApi } from '../github-api.js';
import type { TreeReader } from '../policy/tree.js';
import type { RawFinding, Rule } from '../types.js';
import type { Screen } from '../workspace/screens.js';
import type { Workspace } from '../workspace/workspace.js';

/** What an evaluator gets for one rule: the rule, its validated `check.with`, and the tree. */
export interface EvaluatorContext<Options> {
  rule: Rule;
  options: Options;
  workspace: Workspace;
  /**
   * Problems the engine found in the policy (declarations, exceptions, policy changes), by the
   * `policy.*` kind that reports them. Only the policy evaluators read it.
   */
  policy?: PolicyProblems;
  /**
   * Read access to the repository's settings through the GitHub API, when the run has a token. Only
   * the `github.*` evaluators use it; without it they report their controls as unverifiable.
   */
  github?: GitHubApi;
  /**
   * The repository the run checks, `owner/repo` in lower case, as the CI environment
   * (`GITHUB_REPOSITORY`) or the git remote names it; absent when neither does. Never read from the
   * tree, which a change controls: a rule may trust it to tell this repository's own references.
   */
  repository?: string;
  /**
   * With {@link Evaluator.subjects}: report the findings located in these files only (the engine
   * evaluates the others' elsewhere, or takes them from the base commit's stored results). Absent:
   * every subject.
   */
  subjects?: readonly string[];
}

/** See {@link EvaluatorContext.policy}. */
export interface PolicyProblems {
  of(kind: string): RawFinding[];
  /** The base tree when the policy is read from a base commit (to tell what the change adds). */
  base?: TreeReader;
}

/**
 * Code behind a rule's `check.kind`. Evaluators are pure with respect to the workspace: they read
 * through it (cached, bounded) and return raw findings; they never print, never throw on bad input
 * files (they skip them; the workspace records the located problem), and never import `@actions/*`.
 */
export interface Evaluator<Options = Record<string, unknown>> {
  /** The `check.kind` this evaluator implements, e.g. `file.exists`, `workflow.unpinned-uses`. */
  kind: string;
  /** One line for `controlgate rules` and the docs. */
  summary: string;
  /**
   * What `controlgate fix` does for its findings, in a few words (its findings carry `fix` edits, or
   * `unfixable` with the reason); absent: no mechanical fix. Shown in the rule's documentation.
   */
  fix?: string;
  /** JSON Schema of `check.with`; validated when rules load. Defaults are applied by ajv. */
  schema: Record<string, unknown>;
  /**
   * `file`: each finding is about one file and depends only on that file's content (and on which
   * other files exist), so on a pull request the rule can look at the changed files alone. Absent:
   * the rule reads across files (callers of a reusable workflow, kustomize patches, Terraform
   * modules, what the repository as a whole has) and always sees the whole tree.
   */
  scope?: 'file';
  /**
   * With `scope: 'file'`: the evaluator reads what only the engine's thread holds (every other
   * rule's input problems, the base tree), so its passes over slices of a large tree never move to
   * a slice worker (see slices.ts).
   */
  mainThread?: true;
  /**
   * With `scope: 'file'`: a finding in one file also depends on the content of another (a
   * Dockerfile's user on the `action.yml` that names it as a container action's image). A per-file
   * rule that reads another file's content must say so here (a test checks it on every rule's
   * fixtures): with the globs those other files match, the results cache keeps the rule's results
   * file by file while no file matching them was added, deleted or modified since (see
   * cache-run.ts); with `true` (it cannot say which), the rule is never taken from the cache.
   */
  readsOtherFiles?: true | readonly string[];
  /**
   * With {@link readsOtherFiles}, on a change that touches some of those other files (`changed`:
   * their paths on either tree, added, modified, deleted or renamed): the files whose findings the
   * change may alter through them (the reusable workflows a changed caller calls; the Dockerfiles a
   * changed build names), with `head` and `base` the trees after and before it. The per-file rule
   * then judges these on both trees besides the changed files (see reads-shift.ts). Absent, or
   * undefined returned: it cannot tell, and the rule judges every file on both. Asked only when the
   * change touches such a file: it may read what it needs.
   */
  affectedBy?(
    changed: readonly string[],
    head: Workspace,
    base: Workspace,
  ): readonly string[] | undefined | Promise<readonly string[] | undefined>;
  /**
   * With {@link readsOtherFiles} globs: whether the rule also reads this file whatever its name, as
   * its content or name on any of `trees` tells (a program a step calls by path, which starts with
   * `#!`): on a pull request, a change to such a file counts as a change to the rule's other files
   * (the results cache knows them from what the rule examined and asked). A file none of the trees
   * holds counts.
   */
  readsAlso?(file: string, trees: readonly Workspace[]): boolean;
  /**
   * With {@link readsOtherFiles} globs: those of them whose files the rule reads only through a
   * screen (`Workspace.screenedGlob`: a workflow read for its image commands only when it names a
   * container engine), and the screen. A changed file that these globs match, and no other glob of
   * `readsOtherFiles`, and that passes the screen on neither side tells the rule nothing it did not
   * tell it before: a pull request does not widen the rule for it, and the results cache keeps the
   * rule (see `quietChange`).
   */
  screenedReads?: { globs: readonly string[]; screen: Screen };
  /**
   * With {@link readsOtherFiles}: the rule examines every file on its own account (a content scan),
   * so the other files it reads for one are examined anyway. Otherwise what it examined of other
   * files depends on the files it judged (a Dockerfile with an unpinned base reads the build scripts
   * to tell whether the repository builds that image itself): the results cache evaluates it again
   * when a file it examined changes, so that its scope does not keep what a changed file read.
   */
  examinesEveryFile?: true;
  /**
   * The rule judges test data itself (real personal data in fixtures): its findings in test, fixture
   * and example paths keep their confidence instead of being lowered like everyone else's there.
   */
  testData?: true;
  /**
   * For a rule that reads across files but reports each finding in one file of a family (a workflow's
   * findings depend on it and on its local callers): the files its findings can lie in, in the order
   * it reports them. The evaluator then answers for any of them alone (`EvaluatorContext.subjects`),
   * and the findings of all of them, one after another (combined by {@link combine} when it has it),
   * are exactly what it finds over the tree. A change to one workflow then evaluates that one again,
   * not the family (see rule-run.ts).
   */
  subjects?(workspace: Workspace): string[];
  /**
   * With {@link subjects}, for a rule whose verdict is about the repository as a whole (some workflow
   * runs the activity on pull requests): a subject's part is what it contributes (candidates, each in
   * its file), and this turns the parts of all subjects, one after another, into the rule's findings.
   * Evaluated without `subjects`, the evaluator returns exactly this of its own parts. It runs on every
   * evaluation, so only the parts of the subjects a change touches are evaluated again.
   */
  combine?(ctx: EvaluatorContext<Options>, parts: readonly RawFinding[]): RawFinding[];
  /**
   * Whether, with these options, the evaluator reads the GitHub API when the run has one (a
   * `file.exists` with `ownerDefaults`): its results then rest on more than the tree, so they are
   * never stored for another run to reuse, whether this run had an API or not.
   */
  mayReadApi?(options: Options): boolean;
  /**
   * Raised by one (from 1 when absent) whenever a change to the evaluator gives a problem it already
   * found another key (so another fingerprint), or gives two problems it told apart the same one. It
   * is part of the results key (see `resultsKey`), so base results and a results cache written with
   * the old keys are not taken: compared with a head keyed the new way, every stored finding would
   * be new, or a new one would pass for a stored one.
   */
  revision?: number;
  evaluate(ctx: EvaluatorContext<Options>): RawFinding[] | Promise<RawFinding[]>;
}

/** Identity helper that keeps an evaluator's option type checked. */
export function defineEvaluator<Options>(evaluator: Evaluator<Options>): Evaluator<Options> {
  return evaluator;
}
