/**
 * Small, format-independent views of a Report that several reporters need. Nothing here escapes:
 * each reporter escapes for its own format at the point of output.
 */
import { hiddenReasons } from '../core/confidence.js';
import { leftOutPhrase } from '../core/declarations/not-assessed.js';
import type { ControlResult, Finding, Location, Report, Severity } from '../core/types.js';

/** Most severe first: the order every reporter lists severities in. */
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** Control id -> title, from the report's own control list (the reporters never read the catalog). */
export function controlTitles(report: Report): Map<string, string> {
  return new Map(report.controls.map((c) => [c.id, c.title]));
}

/**
 * The findings in the order people should see them: blocking first, then other open findings, then
 * excepted and ignored ones; the report's own order (most severe first) is kept within each group.
 */
export function byPriority(findings: readonly Finding[]): Finding[] {
  const rank = (f: Finding): number => (f.blocking ? 0 : f.status === 'open' ? 1 : 2);
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .map(({ f }) => f);
}

/** `path:line` or `path:line:column`; null for a repository-level finding. */
export function position(location: Location | null, withColumn: boolean): string | null {
  if (!location) return null;
  const col = withColumn && location.startColumn !== undefined ? `:${location.startColumn}` : '';
  return `${location.path}:${location.startLine}${col}`;
}

/** What stands in for a file in every human-readable output when a finding is about the repository. */
export const REPOSITORY_LABEL = '(repository)';

/** The gate's threshold in words: `fail-on high`, or that the gate is off. */
export function gateThreshold(report: Report): string {
  const { failOn, failOnConfidence } = report.summary.gate;
  if (failOn === 'never') return 'fail-on never: the gate is disabled';
  // The default (medium) goes without saying; a departure from it is part of the threshold.
  return failOnConfidence === 'medium'
    ? `fail-on ${failOn}`
    : `fail-on ${failOn} at ${failOnConfidence} confidence or above`;
}

/**
 * What the persona left out, in words (none of it blocks), or undefined: e.g. `3 findings not shown
 * (persona regular: 3 of low confidence; persona pedantic shows them)`.
 */
export function hiddenNote(report: Report): string | undefined {
  const h = report.summary.hidden;
  if (!h) return undefined;
  const them = h.findings === 1 ? 'it' : 'them';
  return `${h.findings} finding${h.findings === 1 ? '' : 's'} not shown (persona ${report.settings.persona}: ${hiddenReasons(h)}; persona ${h.persona} shows ${them})`;
}

/** `low confidence` or `medium confidence` for a finding that is not of high confidence, else ''. */
export function confidenceLabel(f: Finding): string {
  return f.confidence === 'high' ? '' : `${f.confidence} confidence`;
}

/** The rule whose findings are changes to the policy, shown in their own section. */
export const POLICY_CHANGE_RULE = 'policy-change';

/** Which control a finding is listed under, first to last: declared controls before undeclared ones. */
const HOME_ORDER: readonly ControlResult['verdict'][] = [
  'gap',
  'unverifiable',
  'not-assessed',
  'planned',
  'undeclared',
  'satisfied',
  'not-applicable',
];

/**
 * Controls in the order people should read them: gaps first, then unverifiable and planned
 * declarations, undeclared controls, and finally the satisfied and not-applicable ones; by id within
 * each verdict (the report's own order).
 */
export function controlsByVerdict(report: Report): ControlResult[] {
  return [...report.controls].sort((a, b) => HOME_ORDER.indexOf(a.verdict) - HOME_ORDER.indexOf(b.verdict));
}

/**
 * Whether a control deserves a row or a section of its own: it is declared, or something about it
 * needs attention (findings, a gap, an unverifiable answer). Undeclared controls with nothing to
 * report are only listed by id.
 */
export function isNotable(c: ControlResult): boolean {
  return c.declared !== null || c.findings > 0 || c.verdict !== 'undeclared';
}

/**
 * The control a finding is listed under in grouped outputs: of the controls it maps to, the one that
 * needs the most attention (a gap first, then an unverifiable or planned declaration), else its rule's
 * first control.
 */
export function homeControl(f: Finding, verdicts: ReadonlyMap<string, ControlResult['verdict']>): string {
  let best = f.controls[0] ?? '';
  let rank = HOME_ORDER.indexOf(verdicts.get(best) ?? 'undeclared');
  for (const c of f.controls.slice(1)) {
    const r = HOME_ORDER.indexOf(verdicts.get(c) ?? 'undeclared');
    if (r < rank) {
      best = c;
      rank = r;
    }
  }
  return best;
}

/** The declared status in words: `implemented`, `not declared`, with the 2013 id it came from. */
export function declaredLabel(c: ControlResult): string {
  if (!c.declared) return 'not declared';
  return c.declared.from2013 ? `${c.declared.status} (as ${c.declared.from2013})` : c.declared.status;
}

/** The gate's settings in words: `fail-on high, fail-on-gap`, or that a part is off. */
export function gateSettings(report: Report): string {
  const gap = report.summary.gate.failOnGap ? 'fail-on-gap' : 'fail-on-gap off';
  return `${gateThreshold(report)}; ${gap}`;
}

/** `N files`, or `N changed files of M` when the per-file rules looked at the change alone. */
export function filesScanned(report: Report): string {
  const { files, changedFiles } = report.summary;
  if (changedFiles === undefined) return `${files} file${files === 1 ? '' : 's'}`;
  return `${changedFiles} changed file${changedFiles === 1 ? '' : 's'} of ${files}`;
}

/** Files some rules left out on purpose (see `RuleScope.leftOut`), as one account of them. */
export interface LeftOutGroup {
  /** `3 Helm chart template files (rendered at install time: check the output of helm template)`. */
  what: string;
  /** The rules that left exactly these files out. */
  rules: string[];
  /** The first of the files (at most 5), and how many more there are. */
  examples: string[];
  more: number;
}

/**
 * What the rules left out, one group per identical account (every Kubernetes rule leaves the same
 * Helm chart templates out), in the order of the rules that first give it.
 */
export function leftOutGroups(report: Pick<Report, 'rules'>): LeftOutGroup[] {
  const groups = new Map<string, LeftOutGroup>();
  for (const r of report.rules) {
    for (const l of r.scope?.leftOut ?? []) {
      const key = JSON.stringify([l.kind, l.reason, l.files, l.examples]);
      const group = groups.get(key);
      if (group) group.rules.push(r.id);
      else
        groups.set(key, {
          what: leftOutPhrase(l),
          rules: [r.id],
          examples: [...l.examples],
          more: l.files - l.examples.length,
        });
    }
  }
  return [...groups.values()];
}

/** `by rule a`, `by rules a, b, c`, or `by 16 rules` when they are more than three. */
export function leftOutBy(group: LeftOutGroup): string {
  const { rules } = group;
  if (rules.length === 1) return `by rule ${rules[0]}`;
  return rules.length <= 3 ? `by rules ${rules.join(', ')}` : `by ${rules.length} rules`;
}

/**
 * A finding's path from the top of the repository: the checked folder's `prefix` joined with the
 * path, which climbs out of the folder (`../../.github/CODEOWNERS`) for a repository-level file the
 * folder inherits.
 */
export function repositoryPath(prefix: string, file: string): string {
  if (!file.startsWith('../')) return prefix + file;
  const parts = prefix.split('/').filter(Boolean);
  let rest = file;
  while (rest.startsWith('../') && parts.length > 0) {
    parts.pop();
    rest = rest.slice(3);
  }
  return parts.length > 0 ? `${parts.join('/')}/${rest}` : rest;
}

/**
 * What the verdicts rest on, when not simply on every file read by this run: the changed files of a
 * pull request (see {@link changeBasisLine}), or a results cache for the unchanged files of a full check.
 */
export function basisLine(report: Report): string | undefined {
  const change = changeBasisLine(report);
  const cached = report.summary.cached;
  if (change || !cached) return change;
  const files = `${cached.files} file${cached.files === 1 ? '' : 's'}`;
  const across =
    cached.across > 0
      ? `, and those of ${cached.across} rule${cached.across === 1 ? '' : 's'} that read across files and asked nothing that changed,`
      : '';
  return `The results of ${cached.rules} per-file rule${cached.rules === 1 ? '' : 's'} on ${files} whose content is unchanged${across} come from the results cache (${cached.source}), written by an earlier run of the same rules and settings; every other file was read.`;
}

/**
 * On a pull request whose per-file rules looked at the changed files only: which declared controls'
 * verdicts rest on the change, the others resting on the whole tree. Undefined on a full check.
 */
export function changeBasisLine(report: Report): string | undefined {
  const { changedFiles } = report.summary;
  if (changedFiles === undefined) return undefined;
  const onChange = report.controls
    .filter((c) => c.declared !== null && c.basis === 'change')
    .map((c) => c.id);
  const files = `${changedFiles} changed file${changedFiles === 1 ? '' : 's'}`;
  const line =
    onChange.length === 0
      ? `Every verdict rests on the whole tree (the per-file rules looked at the ${files} only).`
      : `Verdicts resting on the ${files} only (per-file rules): ${onChange.join(', ')}; the others rest on the whole tree. The full check on the default branch covers every file.`;
  const reused = report.summary.reused;
  if (!reused) return line;
  return `${line} ${reused.rules} rule${reused.rules === 1 ? '' : 's'} that read across files ${reused.rules === 1 ? 'was' : 'were'} not evaluated again: the change touches nothing ${reused.rules === 1 ? 'it reads' : 'they read'}, and ${reused.rules === 1 ? 'its' : 'their'} results on the base commit come from ${reused.source}.`;
}
