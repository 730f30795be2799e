/**
 * Evaluation of rules, one at a time: each rule's effective settings (disabled, severity, excluded
 * paths), the skip of rules whose controls are all declared not applicable, the evaluator call, and
 * the conversion of what it returns into findings. A rule that throws becomes that rule's error; a
 * rule that cannot get the answer it needs (an API permission) becomes unverifiable.
 */
import type { Config } from './config.js';
import { getEvaluator } from './evaluators/registry.js';
import type { PolicyProblems } from './evaluators/types.js';
import { createFinding, helpUri } from './finding.js';
import { type GitHubApi, UnverifiableError } from './github-api.js';
import type { Finding, Logger, RawFinding, Rule, RuleError, RuleSummary } from './types.js';
import { FocusedWorkspace } from './workspace/focus.js';
import { pathMatcher } from './workspace/glob.js';
import type { Workspace } from './workspace/workspace.js';

/** Files per slice when per-file rules run slice by slice (see {@link RuleRun.evaluateAll}). */
export const CHUNK_FILES = 2000;

/** A rule to evaluate, and whether every control it maps to is declared not applicable. */
export interface RuleEntry {
  rule: Rule;
  notApplicable: boolean;
}

/** Evaluates rules one by one, collecting their summaries, findings and errors. */
export class RuleRun {
  readonly findings: Finding[] = [];
  readonly errors: RuleError[] = [];
  readonly summaries: RuleSummary[] = [];

  constructor(
    private readonly config: Config,
    private readonly workspace: Workspace,
    private readonly policy: PolicyProblems,
    private readonly log: Logger,
    private readonly github?: GitHubApi,
    /** The changed-files view given to per-file rules on a pull request (see `Evaluator.scope`). */
    private readonly focused?: Workspace,
  ) {}

  /**
   * Evaluates rules in order, with one exception that changes nothing in the results: over a large
   * tree, the per-file rules run slice by slice of the files (every such rule on one slice, then the
   * slice's texts are released), after the other rules, so memory follows the slice and not the
   * repository. `last` runs after everything else within its slice (it reports what the others could
   * not parse).
   */
  async evaluateAll(entries: readonly RuleEntry[], last?: string): Promise<void> {
    const chunked = !this.focused && this.workspace.files.length > CHUNK_FILES;
    const perFile = (e: RuleEntry) => chunked && getEvaluator(e.rule.check.kind)?.scope === 'file';
    const isLast = (e: RuleEntry) => e.rule.check.kind === last;
    const whole = entries.filter((e) => !perFile(e));
    for (const e of [...whole.filter((e) => !isLast(e)), ...whole.filter(isLast)]) {
      await this.evaluate(e.rule, e.notApplicable);
    }
    const sliced = entries.filter(perFile);
    if (sliced.length === 0) return;
    const active = [...sliced.filter((e) => !isLast(e)), ...sliced.filter(isLast)].flatMap((e) => {
      const summary = this.begin(e.rule, e.notApplicable);
      return summary ? [{ rule: e.rule, summary, raw: [] as RawFinding[], failed: false }] : [];
    });
    const files = this.workspace.files;
    for (let i = 0; i < files.length; i += CHUNK_FILES) {
      const slice = files.slice(i, i + CHUNK_FILES);
      const view = new FocusedWorkspace(this.workspace, slice);
      for (const a of active) {
        if (a.failed) continue;
        const raw = await this.call(a.rule, a.summary, view);
        if (raw) a.raw.push(...raw);
        else a.failed = true;
      }
      this.workspace.release(slice);
    }
    for (const a of active) if (!a.failed) this.append(a.rule, a.summary, a.raw);
  }

  async evaluate(rule: Rule, notApplicable: boolean): Promise<void> {
    const summary = this.begin(rule, notApplicable);
    if (!summary) return;
    const scoped = this.focused && getEvaluator(rule.check.kind)?.scope === 'file';
    const raw = await this.call(rule, summary, scoped ? this.focused! : this.workspace);
    if (raw) this.append(rule, summary, raw);
  }

  /** Records the rule's summary; undefined when it is not evaluated (disabled, not applicable). */
  private begin(rule: Rule, notApplicable: boolean): RuleSummary | undefined {
    const settings = this.config.rules[rule.id] ?? {};
    const summary: RuleSummary = {
      id: rule.id,
      title: rule.title,
      severity: settings.severity ?? rule.severity,
      controls: rule.controls,
      rationale: rule.rationale,
      remediation: rule.remediation,
      helpUri: helpUri(rule.id),
      source: rule.source,
      result: 'pass',
      findings: 0,
    };
    this.summaries.push(summary);
    if (settings.enabled === false && rule.check.kind === 'policy.declarations-file') {
      // Never disabled: a broken declarations file must fail the gate. Said only when it matters.
      if (this.policy.of('declarations-file').length > 0) {
        this.log.warning(
          `${this.config.file}: /rules/${rule.id}: this rule cannot be disabled; the setting is ignored`,
        );
      }
    } else if (settings.enabled === false) {
      summary.result = 'disabled';
      return undefined;
    }
    if (notApplicable) {
      summary.result = 'not-applicable';
      return undefined;
    }
    return summary;
  }

  /** Runs the evaluator over `workspace`; undefined when it failed (recorded in the summary). */
  private async call(
    rule: Rule,
    summary: RuleSummary,
    workspace: Workspace,
  ): Promise<readonly RawFinding[] | undefined> {
    const evaluator = getEvaluator(rule.check.kind);
    try {
      if (!evaluator) throw new Error(`no evaluator for kind "${rule.check.kind}"`);
      return await evaluator.evaluate({
        rule,
        options: rule.check.with ?? {},
        workspace,
        policy: this.policy,
        ...(this.github ? { github: this.github } : {}),
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // A refused API answer is not a bug: the rule's controls are unverifiable, and the detail says
      // which permission would help. It is no rule error and raises no warning of its own.
      if (err instanceof UnverifiableError) {
        summary.result = 'unverifiable';
        summary.detail = message;
        return undefined;
      }
      summary.result = 'error';
      this.errors.push({ ruleId: rule.id, message: `internal error while evaluating: ${message}` });
      return undefined;
    }
  }

  private append(rule: Rule, summary: RuleSummary, raw: readonly RawFinding[]): void {
    const exclude = this.config.rules[rule.id]?.exclude;
    const skip = exclude?.length ? pathMatcher(exclude) : undefined;
    for (const r of raw) {
      if (skip && r.location && skip(r.location.path)) continue;
      this.findings.push(createFinding(rule, r, summary.severity));
      summary.findings += 1;
    }
    if (summary.result !== 'error') summary.result = summary.findings > 0 ? 'fail' : 'pass';
  }
}
