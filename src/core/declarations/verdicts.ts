import { allControls } from '../catalog.js';
import { confidenceRank } from '../confidence.js';
import type {
  Confidence,
  ControlExceptionRef,
  ControlResult,
  Finding,
  RuleError,
  RuleSummary,
  Verdict,
} from '../types.js';
import { UNREADABLE_INPUT } from '../workspace/scope.js';
import { type DeclarationCheck, restates } from './check.js';
import type { PolicyProblemKind } from './model.js';
import {
  examinedAnything,
  examinedCount,
  examinedNothing,
  leftOutOf,
  notAssessedHint,
  type RunScope,
  unreadableOf,
} from './not-assessed.js';

/** Policy problems that are the located cause of a gap in the control they name. */
const GAP_PROBLEMS: ReadonlySet<PolicyProblemKind> = new Set([
  'evidence',
  'justification',
  'plan-due',
  'review-overdue',
]);

export interface AssessInput {
  rules: readonly RuleSummary[];
  findings: readonly Finding[];
  errors: readonly RuleError[];
  check: DeclarationCheck;
  /** The policy rules of this run (check kind `policy.*`) and what each reports. */
  policyRules: ReadonlyMap<string, PolicyProblemKind>;
  /** Each rule's check kind, to say what a rule that examined nothing looks for. */
  kinds: ReadonlyMap<string, string>;
  /**
   * Per rule, the controls it only detects problems of (the rule's `detects`): its findings count
   * against them, but its pass is no evidence that they are met. Absent: every rule is evidence.
   */
  detects?: ReadonlyMap<string, readonly string[]>;
  /** Where the run looked (the whole tree, or a pull request's changed files). */
  run: RunScope;
  /** Findings less sure than this are reported but are no evidence against a control (default low). */
  minConfidence?: Confidence;
  /**
   * Rules of the policy this check did not run because it was asked for others only (`--rule`):
   * they assessed nothing, which the verdicts of their controls say.
   */
  unselected?: readonly { readonly id: string; readonly controls: readonly string[] }[];
  /** Whether the reasons name the {@link unselected} rules (not when a test runs one rule alone). */
  discloseUnselected?: boolean;
}

/**
 * Whether a finding is evidence against the control it maps to: open, above `info`, at least as sure
 * as `minConfidence` (a guess never makes a gap), and from a rule that checks the repository (not a
 * policy rule, whose problems are assessed from the declarations).
 */
export function countsAgainstControl(
  f: Finding,
  policyRules: ReadonlyMap<string, PolicyProblemKind>,
  minConfidence: Confidence = 'low',
): boolean {
  return (
    f.status === 'open' &&
    f.severity !== 'info' &&
    confidenceRank(f.confidence) >= confidenceRank(minConfidence) &&
    !policyRules.has(f.ruleId)
  );
}

/**
 * The findings that make a gap of `controlId`: open findings of its rules above `info`, and the
 * located declaration problems of that control (missing evidence, missing justification, overdue
 * plan). Under `fail-on-gap` they are what the gate blocks on.
 */
export function gapCauses(
  controlId: string,
  findings: readonly Finding[],
  policyRules: ReadonlyMap<string, PolicyProblemKind>,
  minConfidence: Confidence = 'low',
): Finding[] {
  return findings.filter((f) => {
    if (f.status !== 'open' || !f.controls.includes(controlId)) return false;
    const kind = policyRules.get(f.ruleId);
    return kind ? GAP_PROBLEMS.has(kind) : countsAgainstControl(f, policyRules, minConfidence);
  });
}

/** Items grouped by each control they map to, in their original order. */
function byControl<T extends { readonly controls: readonly string[] }>(
  items: readonly T[],
): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const controls = item.controls;
    for (let i = 0; i < controls.length; i++) {
      const id = controls[i]!;
      // Each control once, without a set per item (a report holds thousands of findings).
      if (controls.indexOf(id) !== i) continue;
      const list = out.get(id);
      if (list) list.push(item);
      else out.set(id, [item]);
    }
  }
  return out;
}

/**
 * One verdict per control of the catalog (all 93), with the reasons in words:
 * - unverifiable: the declaration could not be read, or a rule needed to verify it failed to run;
 * - not-assessed: declared implemented or partial, nothing contradicts it, but nothing assessed it
 *   either: none of its rules examined anything (no Terraform for a Terraform rule) and no evidence
 *   was verified (see not-assessed.ts);
 * - undeclared: no declaration (findings are still reported);
 * - not-applicable: declared so with a justification (its rules are skipped);
 * - planned: declared planned and not overdue (findings reported, not blocking);
 * - gap: declared implemented or partial but a mapped rule has an open finding or evidence is
 *   missing; or planned past its due date; or not-applicable without a justification;
 * - satisfied: declared implemented or partial, nothing above applies, and at least one of its rules
 *   examined something and passed (a rule whose open findings are all below `fail-on-confidence`
 *   makes no gap but does not count: a guess neither fails nor shows a control met, and the reasons
 *   name it), or a cited evidence file or workflow was verified, or (an attestation) its evidence is
 *   URLs recorded for a control with an owner and a fresh review date.
 * A stale review of an implemented or partial control is a gap, like missing evidence.
 */
export function assessControls(input: AssessInput): ControlResult[] {
  const { check, policyRules } = input;
  const decls = check.declarations;
  const errorsByRule = new Map(input.errors.map((e) => [e.ruleId, e.message]));
  // Indexed once: a run can hold tens of thousands of findings and there are 93 controls.
  const rulesOf = byControl(input.rules.filter((r) => r.result !== 'disabled' && !policyRules.has(r.id)));
  const findingsOf = byControl(input.findings);
  const disabledOf = byControl(input.rules.filter((r) => r.result === 'disabled' && !policyRules.has(r.id)));
  const unselectedOf = byControl(input.unselected ?? []);
  const unreadable = unreadableJudge(input);
  // Exceptions limited to one control (`control:`): the risk was accepted for that control only.
  const limitedTo = new Map<string, string>();
  for (const { exception: e, state } of check.exceptions)
    if (state === 'active' && e.control) limitedTo.set(e.id, e.control);
  return allControls().map((c): ControlResult => {
    const rules = rulesOf.get(c.id) ?? [];
    const turnedOff = [
      ...disabledReasons(disabledOf.get(c.id) ?? []),
      ...(input.discloseUnselected ? unselectedReasons(unselectedOf.get(c.id) ?? []) : []),
    ];
    const mapped = findingsOf.get(c.id) ?? [];
    // Rules that only detect problems of this control: silent on a repository without its practice.
    const detecting = (r: RuleSummary) => input.detects?.get(r.id)?.includes(c.id) === true;
    const declared = decls?.controls.get(c.id) ?? null;
    const evidence = check.evidence.get(c.id) ?? [];
    const reasons: string[] = [];
    let verdict: Verdict;
    let hint: string | undefined;

    // A finding excepted by an exception limited to another control still stands against this one.
    const acceptedElsewhere =
      limitedTo.size === 0
        ? []
        : mapped.filter((f) => {
            const only = f.exception?.kind === 'exception' ? limitedTo.get(f.exception.id ?? '') : undefined;
            return (
              only !== undefined &&
              only !== c.id &&
              f.status === 'excepted' &&
              countsAgainstControl({ ...f, status: 'open' }, policyRules, input.minConfidence)
            );
          });
    const against = mapped
      .filter((f) => countsAgainstControl(f, policyRules, input.minConfidence))
      .concat(acceptedElsewhere);
    const failing = rules.flatMap((r) => {
      const open = against.filter((f) => f.ruleId === r.id && f.status === 'open');
      const elsewhere = acceptedElsewhere.filter((f) => f.ruleId === r.id);
      return [
        ...(open.length > 0
          ? [`rule ${r.id} has ${open.length} open finding${open.length === 1 ? '' : 's'}${reopened(open)}`]
          : []),
        ...(elsewhere.length > 0 ? [acceptedForOthers(r.id, elsewhere, limitedTo)] : []),
      ];
    });
    const errored = rules
      .filter((r) => r.result === 'error' || r.result === 'unverifiable')
      .map((r) =>
        r.result === 'unverifiable'
          ? `rule ${r.id} could not be verified: ${r.detail ?? 'the answer it needs was not available'}`
          : `rule ${r.id} could not be evaluated (${errorsByRule.get(r.id) ?? 'error'})`,
      )
      // A rule that met files it could not read did not check them: whatever it found elsewhere,
      // the answer for those files is not available (unless their problems were set aside).
      .concat(
        rules.flatMap((r) =>
          (r.result === 'pass' || r.result === 'fail') && !unreadable.setAside(r)
            ? (unreadableOf(r) ?? [])
            : [],
        ),
      );

    if (decls?.unreadable) {
      verdict = 'unverifiable';
      reasons.push(`the declarations file ${decls.file} could not be read: ${decls.unreadable}`);
    } else if (decls?.invalid.has(c.id)) {
      verdict = 'unverifiable';
      reasons.push(`${decls.invalid.get(c.id)}`);
    } else if (!declared) {
      verdict = 'undeclared';
      reasons.push(...failing);
    } else if (declared.status === 'not-applicable') {
      if (!check.notApplicable.has(c.id)) {
        verdict = 'gap';
        reasons.push(
          `declared not-applicable without a justification${restates(declared.justification)}, so its rules still run`,
        );
      } else {
        verdict = 'not-applicable';
        const skipped = rules.filter((r) => r.result === 'not-applicable').map((r) => r.id);
        if (skipped.length > 0) reasons.push(`rules skipped: ${skipped.join(', ')}`);
      }
    } else if (declared.status === 'planned') {
      if (declared.due && declared.due < check.today) {
        verdict = 'gap';
        reasons.push(`planned for ${declared.due}, which has passed`);
      } else {
        verdict = 'planned';
        if (declared.due) reasons.push(`due ${declared.due}`);
        if (failing.length > 0) reasons.push(...failing.map((r) => `${r} (not blocking while planned)`));
      }
    } else {
      const missing = evidence
        .filter((e) => e.status === 'missing')
        .map((e) => `evidence ${e.ref} is missing: ${e.detail}`);
      const review = check.reviews.get(c.id);
      reasons.push(
        ...failing,
        ...missing,
        ...(review?.stale ? [`its review is stale: ${review.stale}`] : []),
      );
      // Open findings below `fail-on-confidence`: guesses make no gap, but a rule that raised them did
      // not find the control met either, so it does not count towards satisfied.
      const unsure = new Map<string, number>();
      for (const f of mapped)
        if (
          countsAgainstControl(f, policyRules) &&
          !countsAgainstControl(f, policyRules, input.minConfidence)
        )
          unsure.set(f.ruleId, (unsure.get(f.ruleId) ?? 0) + 1);
      // A rule assesses the control when it examined something and found nothing against it, or only
      // what someone decided (excepted, ignored) or what is informational; and it is evidence of the
      // control's practice: a rule that only detects problems of it would pass without the practice.
      const passed = rules.filter(
        (r) =>
          (r.result === 'pass' || r.result === 'fail') &&
          examinedAnything(r) &&
          !against.some((f) => f.ruleId === r.id) &&
          !unsure.has(r.id),
      );
      const assessedBy = passed.filter((r) => !detecting(r));
      const detectedNothing = passed.filter(detecting);
      const verified = evidence.filter((e) => e.status === 'present');
      const urls = evidence.filter((e) => e.status === 'not-verified');
      const owner = declared.owner ?? decls?.meta.owner ?? null;
      if (reasons.length > 0) verdict = 'gap';
      else if (errored.length > 0) {
        verdict = 'unverifiable';
        reasons.push(...errored);
      } else if (assessedBy.length > 0 || verified.length > 0) {
        verdict = 'satisfied';
        // Met by what the other rules and the evidence show; the guesses stay in the open findings
        // count, so the verdict says why they do not count against it.
        for (const [id, n] of unsure)
          reasons.push(
            `${unsureFindings(id, n, input.minConfidence)}: ${n === 1 ? 'it makes' : 'they make'} no gap`,
          );
        // Met as far as its rules looked: what they left out (Helm chart templates) was not examined,
        // and the rules that found nothing of their kind assessed nothing.
        reasons.push(
          // What the evidence examined, where it took a link or left one out (see evidence.ts).
          ...verified.flatMap((e) => (e.detail ? [`evidence ${e.ref}: ${e.detail}`] : [])),
          ...suppressedReasons(mapped, policyRules),
          ...informationalReasons(assessedBy, mapped),
          ...detectorReasons(detectedNothing, c.id, true),
          ...turnedOff,
          ...leftOutReasons(rules),
          ...idleReasons(rules, rulesAssessing(rules), input.run, mapped),
        );
      } else if (urls.length > 0 && owner && review) {
        // What lives outside the repository (a policy in a wiki) is attested by someone accountable.
        verdict = 'satisfied';
        reasons.push(
          `attested: its evidence is ${urls.length === 1 ? 'a URL' : `${urls.length} URLs`} (recorded, not fetched), owned by ${owner} and reviewed on ${review.date}`,
          ...[...unsure].map(
            ([id, n]) =>
              `${unsureFindings(id, n, input.minConfidence)}: ${n === 1 ? 'it makes' : 'they make'} no gap`,
          ),
          ...detectorReasons(detectedNothing, c.id, true),
          ...turnedOff,
          // The attestation is all there is: none of its rules assessed the repository.
          ...leftOutReasons(rules),
          ...idleReasons(rules, rulesAssessing(rules), input.run, mapped),
        );
      } else {
        // Nothing contradicts the declaration, and nothing supports it: never a pass.
        verdict = 'not-assessed';
        hint = notAssessedHint(c.id, check.file);
        reasons.push(...detectorReasons(detectedNothing, c.id, false));
        for (const r of rules) {
          if (detectedNothing.includes(r)) continue;
          const n = unsure.get(r.id);
          reasons.push(
            n
              ? `${unsureFindings(r.id, n, input.minConfidence)}: ${n === 1 ? 'it makes' : 'they make'} no gap, and ${n === 1 ? 'does' : 'do'} not show the control met`
              : examinedNothing(r, input.kinds.get(r.id) ?? '', input.run),
          );
        }
        reasons.push(...turnedOff);
        if (urls.length > 0) {
          const lacking = [owner ? '' : 'an owner', review ? '' : 'a review date (reviewed)'].filter(Boolean);
          reasons.push(
            `its evidence is URLs only, which controlgate records but does not fetch; with ${lacking.join(' and ')} they would count as an attestation`,
          );
        } else if (rules.length === 0) {
          // Its rules turned off or not run are said above: they check it, but did not this time.
          reasons.push(
            turnedOff.length > 0 || unselectedOf.has(c.id)
              ? 'no evidence is cited'
              : `no rule checks ${c.id} and no evidence is cited`,
          );
        }
      }
    }

    return {
      id: c.id,
      title: c.title,
      theme: c.theme,
      declared: declared
        ? {
            status: declared.status,
            justification: declared.justification,
            owner: declared.owner,
            due: declared.due,
            ...(declared.reviewed ? { reviewed: declared.reviewed } : {}),
            location: declared.location,
            from2013: declared.from2013,
          }
        : null,
      verdict,
      reasons,
      evidence,
      exceptions: exceptionsOf(c.id, mapped, check),
      rules: rules.map((r) => ({
        id: r.id,
        result: r.result,
        findings: r.findings,
        ...(r.scope ? { examined: examinedCount(r) } : {}),
        ...(detecting(r) ? { role: 'detects' as const } : {}),
      })),
      findings: mapped.length,
      open: mapped.filter((f) => f.status === 'open').length,
      ...(hint ? { hint } : {}),
      ...(input.run.changedFiles !== undefined
        ? { basis: rules.some((r) => r.scope?.basis === 'change') ? ('change' as const) : ('tree' as const) }
        : {}),
    };
  });
}

function exceptionsOf(
  id: string,
  mapped: readonly Finding[],
  check: DeclarationCheck,
): ControlExceptionRef[] {
  const out: ControlExceptionRef[] = [];
  for (const { exception: e, state } of check.exceptions) {
    const covered = mapped.filter((f) => f.exception?.kind === 'exception' && f.exception.id === e.id).length;
    if (covered === 0 && e.control !== id) continue;
    out.push({ id: e.id, state, expires: e.expires, findings: covered });
  }
  return out;
}

/**
 * `rules a, b left out 2 Helm chart template files (…)`: one reason per distinct account of what
 * the rules left out, naming the rules that left it out.
 */
/** The rules that ran and could have assessed the control (not disabled, skipped or failed). */
function rulesAssessing(rules: readonly RuleSummary[]): RuleSummary[] {
  return rules.filter((r) => r.result === 'pass' || r.result === 'fail');
}

/**
 * For a satisfied control: which of its rules examined nothing, so that the verdict says how far it
 * was assessed (`3 of its 12 rules examined nothing: no files of the kinds they check in this
 * repository: a, b, c`). On a pull request, the per-file rules looked at the changed files only.
 */
function idleReasons(
  all: readonly RuleSummary[],
  ran: readonly RuleSummary[],
  run: RunScope,
  mapped: readonly Finding[],
): string[] {
  const quiet = ran.filter((r) => !examinedAnything(r) && !leftOutOf(r));
  // A rule that looks for something (a threat model) and found none examined nothing too, but it
  // did not find the repository without files of its kind: it reported an informational finding.
  const absent: string[] = [];
  const idle = quiet.filter((r) => {
    const f = mapped.find((x) => x.ruleId === r.id && x.status === 'open' && x.severity === 'info');
    if (!f) return true;
    absent.push(
      `rule ${r.id} found none of what it looks for (an informational finding, which makes no gap): ${firstSentence(f.message)}`,
    );
    return false;
  });
  if (idle.length === 0) return absent;
  const where = (r: RuleSummary) =>
    r.scope?.basis === 'change' && run.changedFiles !== undefined
      ? 'in the changed files'
      : run.narrowed
        ? 'in the checked paths (include/exclude)'
        : 'in this repository';
  const byWhere = new Map<string, string[]>();
  for (const r of idle) {
    const ids = byWhere.get(where(r));
    if (ids) ids.push(r.id);
    else byWhere.set(where(r), [r.id]);
  }
  return [
    ...absent,
    ...[...byWhere].map(
      ([at, ids]) =>
        `${ids.length} of its ${all.length} rules examined nothing, finding no files of the kinds they check ${at}: ${ids.join(', ')}`,
    ),
  ];
}

/**
 * The rules of a control that examined files and found nothing against it, but only detect problems
 * of it (see `Rule.detects`): their silence is what a repository without the practice looks like, so
 * the verdict says they are no evidence of it: `rule a (12 files) found nothing against 8.29, but it
 * only detects problems of it: ...`.
 */
function detectorReasons(rules: readonly RuleSummary[], id: string, met: boolean): string[] {
  if (rules.length === 0) return [];
  const what = (r: RuleSummary) => {
    const files = r.scope?.files ?? 0;
    const settings = r.scope?.settings.length ?? 0;
    return [
      files > 0 ? `${files} file${files === 1 ? '' : 's'}` : '',
      settings > 0 ? `${settings} repository setting${settings === 1 ? '' : 's'}` : '',
    ]
      .filter(Boolean)
      .join(' and ');
  };
  const one = rules.length === 1;
  return [
    `${one ? 'rule' : 'rules'} ${rules.map((r) => `${r.id} (${what(r)})`).join(', ')} found nothing against ${id}, but ${one ? 'it only detects' : 'they only detect'} problems of it: ${one ? 'it' : 'they'} would be silent on a repository without its practice, so ${met ? 'the verdict does not rest on them' : 'that shows nothing about whether it is met'}`,
  ];
}

/** A finding's first sentence (up to a full stop followed by a space), for a reason. */
function firstSentence(message: string): string {
  const end = message.search(/\.\s/);
  return end < 0 ? message : message.slice(0, end + 1);
}

function leftOutReasons(rules: readonly RuleSummary[]): string[] {
  const byText = new Map<string, string[]>();
  for (const r of rules) {
    const left = leftOutOf(r);
    if (!left) continue;
    const ids = byText.get(left);
    if (ids) ids.push(r.id);
    else byText.set(left, [r.id]);
  }
  return [...byText].map(
    ([left, ids]) => `${ids.length === 1 ? 'rule' : 'rules'} ${ids.join(', ')} left out ${left}`,
  );
}

/**
 * For a satisfied control: the findings of its rules that someone set aside, so that the verdict
 * never reads as if they had not been found. `rule a: 17 findings accepted as a risk by exception
 * EXC-1 (approved by @x, until 2027-03-31: reason)`; `rule b: 3 findings ignored inline, with the reason: …`. Informational findings are left out, as they never count against a control.
 */
function suppressedReasons(
  mapped: readonly Finding[],
  policyRules: ReadonlyMap<string, PolicyProblemKind>,
): string[] {
  const groups = new Map<string, { rule: string; n: number; how: string }>();
  for (const f of mapped) {
    const e = f.exception;
    if (f.status === 'open' || !e || f.severity === 'info' || policyRules.has(f.ruleId)) continue;
    const how =
      e.kind === 'exception'
        ? `accepted as a risk by exception ${e.id} (approved by ${e.approvedBy}, until ${e.expires}: ${e.reason})`
        : `ignored inline, with the reason: ${e.reason}`;
    const key = `${f.ruleId}\0${how}`;
    const g = groups.get(key);
    if (g) g.n++;
    else groups.set(key, { rule: f.ruleId, n: 1, how });
  }
  return [...groups.values()].map((g) => `rule ${g.rule}: ${g.n} finding${g.n === 1 ? '' : 's'} ${g.how}`);
}

/**
 * For a satisfied control: the open informational findings of the rules it rests on (a rule graded
 * info, or set to info in the configuration), so that a finding never reads as if there were none.
 * `rule a has 2 open informational findings, which make no gap` (one: with its first sentence).
 */
function informationalReasons(assessedBy: readonly RuleSummary[], mapped: readonly Finding[]): string[] {
  const out: string[] = [];
  // One pass over the control's findings (thousands, in a large repository), not one per rule.
  const byRule = new Map<string, Finding[]>();
  for (const f of mapped) {
    if (f.status !== 'open' || f.severity !== 'info') continue;
    const list = byRule.get(f.ruleId);
    if (list) list.push(f);
    else byRule.set(f.ruleId, [f]);
  }
  for (const r of assessedBy) {
    const info = byRule.get(r.id) ?? [];
    if (info.length === 1)
      out.push(
        `rule ${r.id} has 1 open informational finding, which makes no gap: ${firstSentence(info[0]!.message)}`,
      );
    else if (info.length > 1)
      out.push(`rule ${r.id} has ${info.length} open informational findings, which make no gap`);
  }
  return out;
}

/**
 * `rules a, b are turned off in the configuration, so they assessed nothing`: a rule switched off
 * must not read as one that looked and found nothing.
 */
function disabledReasons(rules: readonly RuleSummary[]): string[] {
  if (rules.length === 0) return [];
  const ids = rules.map((r) => r.id).join(', ');
  return [
    rules.length === 1
      ? `rule ${ids} is turned off in the configuration, so it assessed nothing`
      : `rules ${ids} are turned off in the configuration, so they assessed nothing`,
  ];
}

/**
 * `rules a, b were not run: ...`: a rule this check was not asked to run (`--rule`) must not read as
 * one that looked and found nothing, nor its control as one no rule checks.
 */
function unselectedReasons(rules: readonly { readonly id: string }[]): string[] {
  if (rules.length === 0) return [];
  const ids = rules.map((r) => r.id).join(', ');
  return [
    rules.length === 1
      ? `rule ${ids} was not run: this check ran only the rules it was asked for (--rule), so it assessed nothing`
      : `rules ${ids} were not run: this check ran only the rules it was asked for (--rule), so they assessed nothing`,
  ];
}

/**
 * `rule a has 1 open finding against this control: exception EXC-1 accepts it as a risk for control
 * 8.22 only`: the approver limited the exception to another control.
 */
function acceptedForOthers(
  ruleId: string,
  findings: readonly Finding[],
  limitedTo: ReadonlyMap<string, string>,
): string {
  const by = new Map<string, string>();
  for (const f of findings) {
    const id = f.exception?.id ?? '';
    by.set(id, limitedTo.get(id) ?? '');
  }
  const which = [...by].map(
    ([id, control]) => `exception ${id} accepts it as a risk for control ${control} only`,
  );
  const n = findings.length;
  return `rule ${ruleId} has ${n} open finding${n === 1 ? '' : 's'} against this control: ${which.join('; ')}`;
}

/** ` (2 of them re-opened: exception EXC-1 expired on 2026-09-30)`, or nothing. */
function reopened(open: readonly Finding[]): string {
  const byId = new Map<string, { n: number; expires: string | undefined }>();
  for (const f of open) {
    if (!f.exception?.expired || !f.exception.id) continue;
    const g = byId.get(f.exception.id);
    if (g) g.n++;
    else byId.set(f.exception.id, { n: 1, expires: f.exception.expires });
  }
  if (byId.size === 0) return '';
  const parts = [...byId].map(([id, g]) => `exception ${id} expired on ${g.expires}`);
  const n = [...byId.values()].reduce((a, g) => a + g.n, 0);
  const which =
    n === open.length ? (n === 1 ? 'it was' : 'they were') : `${n} of them ${n === 1 ? 'was' : 'were'}`;
  return ` (${which} re-opened: ${parts.join(', ')})`;
}

/** The start of a reason about a rule's open findings below `fail-on-confidence` (guesses). */
function unsureFindings(ruleId: string, n: number, minConfidence: Confidence | undefined): string {
  return `rule ${ruleId} has ${n} open finding${n === 1 ? '' : 's'} of lower confidence than ${minConfidence ?? 'low'} (fail-on-confidence)`;
}

/**
 * Whether the files a rule could not read (see `UNREADABLE_INPUT`) were all set aside: each one's
 * input problem is reported by a rule of kind `core.input-problems` (unparsable-file) below
 * `fail-on-confidence` (a broken test fixture, where such files are ordinary), or excepted or ignored.
 * Such files make no control unverifiable; the reasons still say they were left out. A rule's scope
 * names its first few unreadable files only: beyond those, the rest are known to be set aside only
 * when no input problem of the run is reported as sure. Without the problems rule, none is set aside.
 */
function unreadableJudge(input: AssessInput): { setAside(rule: RuleSummary): boolean } {
  const problemRules = new Set<string>();
  for (const [id, kind] of input.kinds) if (kind === 'core.input-problems') problemRules.add(id);
  const aside = new Set<string>();
  let sure = false;
  for (const f of input.findings) {
    if (!problemRules.has(f.ruleId) || !f.location) continue;
    if (f.status === 'open' && confidenceRank(f.confidence) >= confidenceRank(input.minConfidence ?? 'low'))
      sure = true;
    else aside.add(f.location.path);
  }
  return {
    setAside(rule) {
      const l = rule.scope?.leftOut?.find((x) => x.kind === UNREADABLE_INPUT.kind);
      if (!l) return true;
      return (
        aside.size > 0 && l.examples.every((p) => aside.has(p)) && (l.files <= l.examples.length || !sure)
      );
    },
  };
}
