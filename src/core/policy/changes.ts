/**
 * What a change does to the policy it is judged by: every control whose declared status changes,
 * every exception added, extended or widened, every rule disabled, downgraded or narrowed, and every
 * setting that weakens the gate. Each is a `policy-change` finding (control 8.32) that asks for review,
 * located on the head's line.
 */

import { confidenceRank, DEFAULT_FAIL_ON_CONFIDENCE, DEFAULT_TEST_PATHS } from '../confidence.js';
import type { DeclarationProblem, DeclaredException } from '../declarations/model.js';
import { meetsThreshold, severityRank } from '../gate.js';
import { locationFromSpan } from '../location.js';
import { exceptionCovers } from '../triage.js';
import type { FailOn, Finding, Location, Rule, Severity } from '../types.js';
import { pathMatcher } from '../workspace/glob.js';
import { escapePointerToken } from '../workspace/yaml.js';
import type { PolicySnapshot } from './load.js';

const FAIL_ON_RANK: Record<FailOn, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4, never: 5 };

/**
 * Which findings a policy change would suppress once in force: an exception added or widened covers
 * them, a rule disabled drops them, a raised `fail-on` lets them through. See suppressions.ts.
 */
export type Suppresses = (f: Finding) => boolean;

/**
 * The policy changes from `base` to `head`; `rules` gives each rule's built-in severity. For changes
 * that would suppress findings, `effects` receives which (the change then blocks at their severity
 * until approved).
 */
export function policyChanges(
  base: PolicySnapshot,
  head: PolicySnapshot,
  rules: readonly Rule[],
  effects?: Map<DeclarationProblem, Suppresses>,
): DeclarationProblem[] {
  const out: DeclarationProblem[] = [];
  const add = (message: string, location: Location | null, key: string, suppresses?: Suppresses) => {
    const problem: DeclarationProblem = {
      kind: 'changes',
      message: `Policy change: ${message}`,
      location,
      key,
    };
    out.push(problem);
    if (suppresses) effects?.set(problem, suppresses);
  };
  declarationChanges(base, head, add);
  configChanges(base, head, rules, add);
  for (const [file, hash] of base.ruleFiles) {
    const now = head.ruleFiles.get(file);
    if (now === hash) continue;
    add(
      now === undefined ? `custom rule file ${file} is removed.` : `custom rule file ${file} is edited.`,
      now === undefined ? null : { path: file, startLine: 1 },
      `rule-file:${file}:${now ?? 'removed'}`,
    );
  }
  // A rule the change adds can weaken the gate too: a check that always passes, mapped to a control,
  // makes a gap satisfied.
  for (const [file, hash] of head.ruleFiles) {
    if (base.ruleFiles.has(file)) continue;
    add(`custom rule file ${file} is added.`, { path: file, startLine: 1 }, `rule-file:${file}:${hash}`);
  }
  return out;
}

type Add = (message: string, location: Location | null, key: string, suppresses?: Suppresses) => void;

const isOpen = (f: Finding) => f.status === 'open';

function declarationChanges(base: PolicySnapshot, head: PolicySnapshot, add: Add): void {
  const b = base.declarations;
  const h = head.declarations;
  const file = h?.file ?? head.controlsFile;
  const at = (pointer: string, onKey = false): Location | null => (h ? h.locate(pointer, onKey) : null);
  if (base.controlsFile !== head.controlsFile) {
    add(
      `the declarations file moves from ${base.controlsFile} to ${head.controlsFile}.`,
      at(''),
      `controls-file:${head.controlsFile}`,
    );
  }
  if (b && !h) {
    add(`the declarations file ${file} is removed.`, null, 'controls-removed');
    return;
  }
  const ids = new Set([...(b?.controls.keys() ?? []), ...(h?.controls.keys() ?? [])]);
  for (const id of [...ids].sort()) {
    const was = b?.controls.get(id);
    const now = h?.controls.get(id);
    const from = was?.status ?? 'undeclared';
    const to = now?.status ?? 'undeclared';
    if (from !== to) {
      add(
        `${id} changes from ${from} to ${to}${now?.justification ? ` ("${now.justification}")` : ''}.`,
        now ? at(`${now.pointer}/status`) : at('/controls', true),
        `status:${id}:${from}:${to}`,
        // Its rules would be skipped once the control is not applicable.
        to === 'not-applicable' ? (f) => isOpen(f) && f.controls.includes(id) : undefined,
      );
    } else if (was?.status === 'planned' && now?.due && (!was.due || now.due > was.due)) {
      add(
        `${id} is re-planned from ${was.due ?? 'no due date'} to ${now.due}.`,
        at(`${now.pointer}/due`),
        `due:${id}:${now.due}`,
      );
    }
    const dropped = (was?.evidence ?? []).filter((e) => !now?.evidence.includes(e));
    if (now && dropped.length > 0 && (now.status === 'implemented' || now.status === 'partial')) {
      add(
        `${id} no longer cites ${dropped.join(', ')} as evidence.`,
        at(now.pointer, true),
        `evidence:${id}:${dropped.join(',')}`,
      );
    }
  }
  const before = new Map((b?.exceptions ?? []).map((e) => [e.id, e]));
  for (const e of h?.exceptions ?? []) {
    const where = at(e.pointer);
    const old = before.get(e.id);
    const covered = (f: Finding) => isOpen(f) && exceptionCovers(e, f);
    if (!old) {
      add(`exception ${e.id} is added (${describe(e)}).`, where, `exception-added:${e.id}`, covered);
      continue;
    }
    if (e.expires && (!old.expires || e.expires > old.expires)) {
      add(
        `exception ${e.id} is extended from ${old.expires ?? 'no expiry'} to ${e.expires}.`,
        at(`${e.pointer}/expires`),
        `exception-extended:${e.id}:${e.expires}`,
        covered,
      );
    }
    const widened = widening(old, e);
    if (widened.length > 0) {
      add(
        `exception ${e.id} is widened: ${widened.join('; ')}.`,
        where,
        `exception-widened:${e.id}:${widened.join(';')}`,
        covered,
      );
    }
  }
}

function widening(old: DeclaredException, now: DeclaredException): string[] {
  const out: string[] = [];
  const rules = now.rules.filter((r) => !old.rules.includes(r));
  if (rules.length > 0) out.push(`now also covers ${rules.join(', ')}`);
  if (old.paths.length > 0 && now.paths.length === 0) out.push('now covers every path');
  else {
    const paths = now.paths.filter((p) => !old.paths.includes(p));
    if (paths.length > 0) out.push(`now also covers ${paths.join(', ')}`);
  }
  if (old.control && !now.control) out.push(`no longer limited to control ${old.control}`);
  return out;
}

function describe(e: DeclaredException): string {
  const where = e.paths.length > 0 ? ` in ${e.paths.join(', ')}` : ' everywhere';
  return `${e.rules.join(', ')}${where}, expires ${e.expires ?? 'never'}`;
}

function configChanges(base: PolicySnapshot, head: PolicySnapshot, rules: readonly Rule[], add: Add): void {
  const b = base.config;
  const h = head.config;
  const doc = head.configDocument;
  const file = h.file;
  const at = (pointer: string): Location | null => {
    const span = doc?.nearestSpan(pointer);
    return file && span ? locationFromSpan(file, span, true) : file ? { path: file, startLine: 1 } : null;
  };
  const builtin = new Map(rules.map((r) => [r.id, r.severity]));
  const ids = new Set([...Object.keys(b.rules), ...Object.keys(h.rules)]);
  for (const id of [...ids].sort()) {
    const was = b.rules[id] ?? {};
    const now = h.rules[id] ?? {};
    const where = at(`/rules/${escapePointerToken(id)}`);
    const ofRule = (f: Finding) => isOpen(f) && f.ruleId === id;
    if (now.enabled === false && was.enabled !== false) {
      add(`rule ${id} is disabled.`, where, `rule-off:${id}`, ofRule);
      continue;
    }
    const def = builtin.get(id);
    const sevWas: Severity | undefined = was.severity ?? def;
    const sevNow: Severity | undefined = now.severity ?? def;
    if (sevWas && sevNow && severityRank(sevNow) < severityRank(sevWas)) {
      add(
        `rule ${id} is downgraded from ${sevWas} to ${sevNow}.`,
        where,
        `rule-down:${id}:${sevNow}`,
        ofRule,
      );
    }
    const excluded = (now.exclude ?? []).filter((g) => !(was.exclude ?? []).includes(g));
    if (excluded.length > 0) {
      const inExcluded = pathMatcher(excluded);
      add(
        `rule ${id} no longer checks ${excluded.join(', ')}.`,
        where,
        `rule-exclude:${id}:${excluded.join(',')}`,
        (f) => ofRule(f) && f.location !== null && inExcluded(f.location.path),
      );
    }
  }
  const failWas = b.failOn ?? 'high';
  const failNow = h.failOn ?? 'high';
  if (FAIL_ON_RANK[failNow] > FAIL_ON_RANK[failWas]) {
    add(
      `fail-on is raised from ${failWas} to ${failNow}.`,
      at('/fail-on'),
      `fail-on:${failNow}`,
      (f) => isOpen(f) && meetsThreshold(f.severity, failWas) && !meetsThreshold(f.severity, failNow),
    );
  }
  const confidenceWas = b.failOnConfidence ?? DEFAULT_FAIL_ON_CONFIDENCE;
  const confidenceNow = h.failOnConfidence ?? DEFAULT_FAIL_ON_CONFIDENCE;
  if (confidenceRank(confidenceNow) > confidenceRank(confidenceWas)) {
    add(
      `fail-on-confidence is raised from ${confidenceWas} to ${confidenceNow}.`,
      at('/fail-on-confidence'),
      `fail-on-confidence:${confidenceNow}`,
      (f) => isOpen(f) && confidenceRank(f.confidence) < confidenceRank(confidenceNow),
    );
  }
  // More test paths: findings there become low confidence, which does not block by default.
  const testWas = b.testPaths ?? DEFAULT_TEST_PATHS;
  const testNow = (h.testPaths ?? DEFAULT_TEST_PATHS).filter((g) => !testWas.includes(g));
  if (testNow.length > 0) {
    const inTests = pathMatcher(testNow);
    add(
      `findings in ${testNow.join(', ')} are treated as test code (low confidence).`,
      at('/test-paths'),
      `test-paths:${testNow.join(',')}`,
      (f) => isOpen(f) && f.location !== null && inTests(f.location.path),
    );
  }
  if ((b.failOnGap ?? true) && h.failOnGap === false)
    add('fail-on-gap is turned off.', at('/fail-on-gap'), 'fail-on-gap');
  const required = { none: 0, technological: 1, all: 2 } as const;
  const requiredWas = b.requireDeclarations ?? 'none';
  const requiredNow = h.requireDeclarations ?? 'none';
  if (required[requiredNow] < required[requiredWas]) {
    add(
      `require-declarations is lowered from ${requiredWas} to ${requiredNow}.`,
      at('/require-declarations'),
      'require-declarations',
    );
  }
  if ((h.reviewMaxDays ?? 365) > (b.reviewMaxDays ?? 365)) {
    add(
      `review-max-days is raised to ${h.reviewMaxDays}.`,
      at('/review-max-days'),
      `review-days:${h.reviewMaxDays}`,
    );
  }
  if ((h.exceptionMaxDays ?? 365) > (b.exceptionMaxDays ?? 365)) {
    add(
      `exception-max-days is raised to ${h.exceptionMaxDays}.`,
      at('/exception-max-days'),
      `max-days:${h.exceptionMaxDays}`,
    );
  }
  const excluded = h.exclude.filter((g) => !b.exclude.includes(g));
  if (excluded.length > 0) {
    const inExcluded = pathMatcher(excluded);
    add(
      `the check no longer covers ${excluded.join(', ')}.`,
      at('/exclude'),
      `exclude:${excluded.join(',')}`,
      (f) => isOpen(f) && f.location !== null && inExcluded(f.location.path),
    );
  }
  if (h.include.join('\0') !== b.include.join('\0') && h.include.length > 0) {
    const included = pathMatcher(h.include);
    add(
      `the check is limited to ${h.include.join(', ')}.`,
      at('/include'),
      `include:${h.include.join(',')}`,
      (f) => isOpen(f) && f.location !== null && !included(f.location.path),
    );
  }
  if (h.ruleDirs.join('\0') !== b.ruleDirs.join('\0')) {
    add(
      `custom rule directories change to ${h.ruleDirs.join(', ') || 'none'}.`,
      at('/rule-dirs'),
      `rule-dirs:${h.ruleDirs.join(',')}`,
    );
  }
}
