import { allControls, controlsOfTheme } from '../catalog.js';
import type { EvidenceResult, RequireDeclarations } from '../types.js';
import type { Workspace } from '../workspace/workspace.js';
import { checkEvidence } from './evidence.js';
import type { DeclarationProblem, Declarations, DeclaredException } from './model.js';

/** An exception and whether it applies on the day of the run. */
export interface ExceptionState {
  exception: DeclaredException;
  state: 'active' | 'expired' | 'invalid';
  /** Why an invalid exception does not apply. */
  why?: string;
}

export interface DeclarationCheckOptions {
  workspace: Workspace;
  /** The day of the run, `YYYY-MM-DD` (UTC); injected by tests. */
  today: string;
  requireDeclarations: RequireDeclarations;
  exceptionMaxDays: number;
  /** Oldest a review date may be, in days before `today`. */
  reviewMaxDays: number;
  defaultBranches: readonly string[];
  /** Every rule id known to this run, to catch exceptions that name a rule that does not exist. */
  ruleIds: ReadonlySet<string>;
  /** controlgate's own configuration and declarations files, which are never evidence (see evidence.ts). */
  ownFiles?: ReadonlySet<string>;
}

/** What the declarations say once checked against the repository and the calendar. */
export interface DeclarationCheck {
  /** The declarations in force (from the base commit on a pull request), or null when absent. */
  declarations: Declarations | null;
  /** The file looked for, relative to the root. */
  file: string;
  today: string;
  problems: DeclarationProblem[];
  evidence: Map<string, EvidenceResult[]>;
  exceptions: ExceptionState[];
  /** Controls declared not applicable with a justification: their rules are skipped. */
  notApplicable: Set<string>;
  /**
   * Each declared control's review: the date it was last reviewed (its own, else the file's) and
   * whether that review is stale (older than review-max-days) or not a past date.
   */
  reviews: Map<string, { date: string; stale: string | null }>;
  notices: string[];
}

/**
 * Checks the declarations in force: evidence of implemented and partial controls must exist, a
 * not-applicable control needs a justification, a planned control must not be past its due date,
 * exceptions need a reason, an approver and an expiry within the allowed horizon, a review date must
 * not be stale, and (with `require-declarations: technological` or `all`) every control of the
 * catalog asked for must be declared.
 */
export function checkDeclarations(
  declarations: Declarations | null,
  file: string,
  options: DeclarationCheckOptions,
): DeclarationCheck {
  const out: DeclarationCheck = {
    declarations,
    file,
    today: options.today,
    problems: [],
    evidence: new Map(),
    exceptions: [],
    notApplicable: new Set(),
    reviews: new Map(),
    notices: [],
  };
  const required = requiredControls(options.requireDeclarations);
  if (required.length > 0 && !declarations) {
    out.problems.push({
      kind: 'undeclared',
      message: `No declarations file (${file}): require-declarations is "${options.requireDeclarations}", so each of the ${required.length} ${options.requireDeclarations === 'all' ? '' : 'technological '}controls must be declared. Run \`controlgate init\` for a draft.`,
      location: null,
      key: 'no-file',
    });
  }
  if (!declarations || declarations.unreadable) return out;
  const at = declarations.locate;
  checkReviews(declarations, options, out);

  for (const c of declarations.controls.values()) {
    const results = c.evidence.map((ref) => checkEvidence(ref, options));
    out.evidence.set(c.id, results);
    if (c.status === 'implemented' || c.status === 'partial') {
      results.forEach((r, i) => {
        if (r.status !== 'missing') return;
        out.problems.push({
          kind: 'evidence',
          message: `${c.id} is declared ${c.status}, but its evidence ${r.ref} is missing: ${r.detail}.`,
          location: at(`${c.pointer}/evidence/${i}`),
          key: `${c.id}:${r.ref}`,
          controls: [c.id],
        });
      });
    } else if (c.status === 'not-applicable') {
      if (isMissingJustification(c.justification)) {
        out.problems.push({
          kind: 'justification',
          message: `${c.id} is declared not-applicable without a justification${restates(c.justification)}; until one is written, its rules still run and the control is a gap.`,
          location: at(
            c.justification === null ? c.pointer : `${c.pointer}/justification`,
            c.justification === null,
          ),
          key: c.id,
          controls: [c.id],
        });
      } else out.notApplicable.add(c.id);
    } else if (c.status === 'planned' && c.due && c.due < options.today) {
      out.problems.push({
        kind: 'plan-due',
        message: `${c.id} was planned for ${c.due}, which has passed (today is ${options.today}): implement it, or re-plan it with a new due date.`,
        location: at(`${c.pointer}/due`),
        key: `${c.id}:${c.due}`,
        controls: [c.id],
      });
    }
  }

  for (const c of required) {
    if (declarations.controls.has(c.id) || declarations.invalid.has(c.id)) continue;
    out.problems.push({
      kind: 'undeclared',
      message: `${c.id} (${c.title}) is not declared: require-declarations is "${options.requireDeclarations}". Declare its status in ${file}.`,
      location: at('/controls', true),
      key: c.id,
      controls: [c.id],
    });
  }

  const horizon = addDays(options.today, options.exceptionMaxDays);
  for (const e of declarations.exceptions) {
    const missing = [
      e.reason ? '' : 'a reason',
      e.approvedBy ? '' : 'an approver (approved-by)',
      e.expires ? '' : 'an expiry date (expires)',
    ].filter(Boolean);
    let why: string | undefined;
    if (missing.length > 0) {
      const list =
        missing.length > 1 ? `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}` : missing[0];
      why = `it lacks ${list}`;
    } else if (e.expires! > horizon) {
      why = `it expires on ${e.expires}, more than ${options.exceptionMaxDays} days ahead (the latest allowed today is ${horizon}); shorten it, or raise exception-max-days in the configuration`;
    }
    if (why) {
      out.exceptions.push({ exception: e, state: 'invalid', why });
      out.problems.push({
        kind: 'exceptions',
        message: `Exception ${e.id} does not apply: ${why}.`,
        location: at(e.pointer),
        key: `${e.id}:${why}`,
      });
      continue;
    }
    const expired = e.expires! < options.today;
    out.exceptions.push({ exception: e, state: expired ? 'expired' : 'active' });
    if (expired) {
      out.notices.push(
        `${e.location.path}:${e.location.startLine}: exception ${e.id} expired on ${e.expires}; its findings are open again`,
      );
    }
    const unknown = e.rules.filter((r) => !options.ruleIds.has(r));
    if (unknown.length > 0) {
      out.notices.push(
        `${e.location.path}:${e.location.startLine}: exception ${e.id} names ${unknown.length === 1 ? 'a rule that does not exist' : 'rules that do not exist'}: ${unknown.join(', ')}`,
      );
    }
  }
  return out;
}

/** ` ("N/A" says that it does not apply, not why)` for a justification that is only a word. */
export function restates(text: string | null): string {
  const t = text?.trim() ?? '';
  return t === '' || /^TODO\b/i.test(t) ? '' : ` (${JSON.stringify(t)} says that it does not apply, not why)`;
}

/** The controls `require-declarations` asks to be declared. */
function requiredControls(required: RequireDeclarations) {
  if (required === 'all') return allControls();
  return required === 'technological' ? controlsOfTheme('Technological') : [];
}

/**
 * The review date in force for each control declared implemented or partial (its own `reviewed`,
 * else the file's), and a `review-overdue` problem where it is stale or not a past date: one at the
 * control's own date, one at the file's date for every control that relies on it.
 */
function checkReviews(
  declarations: Declarations,
  options: DeclarationCheckOptions,
  out: DeclarationCheck,
): void {
  const oldest = addDays(options.today, -options.reviewMaxDays);
  const staleness = (date: string): string | null => {
    if (date > options.today) return `its review date ${date} is after today (${options.today})`;
    if (date < oldest) {
      return `it was last reviewed on ${date}, more than ${options.reviewMaxDays} days ago (review-max-days)`;
    }
    return null;
  };
  const header = declarations.meta.reviewed;
  const relying: string[] = [];
  for (const c of declarations.controls.values()) {
    const date = c.reviewed ?? header;
    if (!date) continue;
    const stale = staleness(date);
    out.reviews.set(c.id, { date, stale });
    if (!stale || (c.status !== 'implemented' && c.status !== 'partial')) continue;
    if (c.reviewed === null) {
      relying.push(c.id);
      continue;
    }
    out.problems.push({
      kind: 'review-overdue',
      message: `${c.id} is declared ${c.status}, but ${stale}: review the control and its evidence, then update its reviewed date.`,
      location: declarations.locate(`${c.pointer}/reviewed`),
      key: `${c.id}:${c.reviewed}`,
      controls: [c.id],
    });
  }
  const headerStale = header ? staleness(header) : null;
  if (header && headerStale) {
    out.problems.push({
      kind: 'review-overdue',
      message: `The declarations file's review is stale: ${headerStale.replace(/^its/, 'the')}${relying.length > 0 ? `; ${relying.length} implemented or partial control${relying.length === 1 ? ' relies' : 's rely'} on it (${relying.join(', ')})` : ''}. Review the declarations, then update reviewed.`,
      location: declarations.locate('/reviewed'),
      key: `file:${header}`,
      ...(relying.length > 0 ? { controls: relying } : {}),
    });
  }
}

/**
 * Words that only restate the status or stand for an answer to come: "N/A" says that a control does
 * not apply, not why, so an exclusion resting on it is not justified.
 */
const NO_REASON =
  /^(?:n\/?a|none|nil|null|-+|\?+|\.+|tbd|tbc|todo|not[ -]applicable|not[ -]relevant|not[ -]needed|not[ -]required|no|yes|x)$/i;

/**
 * Empty, still the `TODO` that `controlgate init` writes, or a word that only restates the status
 * (`N/A`, `not applicable`, `none`, `-`).
 */
export function isMissingJustification(text: string | null): boolean {
  if (text === null || /^\s*TODO\b/i.test(text)) return true;
  const words = text.trim().replace(/[.!]+$/, '');
  return words === '' || NO_REASON.test(words);
}

/** `YYYY-MM-DD` plus `days` (UTC calendar days). */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The UTC calendar day of a moment, `YYYY-MM-DD`. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}
