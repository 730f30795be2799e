/**
 * Evaluation of rules, one at a time: each rule's effective settings (disabled, severity, excluded
 * paths), the skip of rules whose controls are all declared not applicable, the evaluator call, and
 * the conversion of what it returns into findings. A rule that throws becomes that rule's error; a
 * rule that cannot get the answer it needs (an API permission) becomes unverifiable.
 */
import picomatch from 'picomatch';
import type { Config } from './config.js';
import { getEvaluator } from './evaluators/registry.js';
import type { PolicyProblems } from './evaluators/types.js';
import { createFinding, helpUri } from './finding.js';
import { type GitHubApi, UnverifiableError } from './github-api.js';
import type { Finding, Logger, RawFinding, Rule, RuleError, RuleSummary } from './types.js';
import type { Workspace } from './workspace/workspace.js';

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
  ) {}

  async evaluate(rule: Rule, notApplicable: boolean): Promise<void> {
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
      return;
    }
    if (notApplicable) {
      summary.result = 'not-applicable';
      return;
    }
    const evaluator = getEvaluator(rule.check.kind);
    try {
      if (!evaluator) throw new Error(`no evaluator for kind "${rule.check.kind}"`);
      const raw = await evaluator.evaluate({
        rule,
        options: rule.check.with ?? {},
        workspace: this.workspace,
        policy: this.policy,
        ...(this.github ? { github: this.github } : {}),
      });
      this.append(rule, summary, raw);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // A refused API answer is not a bug: the rule's controls are unverifiable, and the detail says
      // which permission would help. It is no rule error and raises no warning of its own.
      if (err instanceof UnverifiableError) {
        summary.result = 'unverifiable';
        summary.detail = message;
        return;
      }
      summary.result = 'error';
      this.errors.push({ ruleId: rule.id, message: `internal error while evaluating: ${message}` });
    }
  }

  private append(rule: Rule, summary: RuleSummary, raw: readonly RawFinding[]): void {
    const exclude = this.config.rules[rule.id]?.exclude;
    const skip = exclude?.length ? picomatch(exclude, { dot: true }) : undefined;
    for (const r of raw) {
      if (skip && r.location && skip(r.location.path)) continue;
      this.findings.push(createFinding(rule, r, summary.severity));
      summary.findings += 1;
    }
    if (summary.result !== 'error') summary.result = summary.findings > 0 ? 'fail' : 'pass';
  }
}
