/**
 * What a change does to the policy it is judged by: every control whose declared status changes,
 * every exception added, extended or widened, every rule disabled, downgraded or narrowed, and every
 * setting that weakens the gate. Each is a `policy-change` finding (control 8.32) that asks for review,
 * located on the head's line.
 */
import type { DeclarationProblem, DeclaredException } from '../declarations/model.js';
import { severityRank } from '../gate.js';
import { locationFromSpan } from '../location.js';
import type { FailOn, Location, Rule, Severity } from '../types.js';
import { escapePointerToken } from '../workspace/yaml.js';
import type { PolicySnapshot } from './load.js';

const FAIL_ON_RANK: Record<FailOn, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4, never: 5 };

/** The policy changes from `base` to `head`; `rules` gives each rule's built-in severity. */
export function policyChanges(
  base: PolicySnapshot,
  head: PolicySnapshot,
  rules: readonly Rule[],
): DeclarationProblem[] {
  const out: DeclarationProblem[] = [];
  const add = (message: string, location: Location | null, key: string) =>
    out.push({ kind: 'changes', message: `Policy change: ${message}`, location, key });
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
  return out;
}

type Add = (message: string, location: Location | null, key: string) => void;

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
    if (!old) {
      add(`exception ${e.id} is added (${describe(e)}).`, where, `exception-added:${e.id}`);
      continue;
    }
    if (e.expires && (!old.expires || e.expires > old.expires)) {
      add(
        `exception ${e.id} is extended from ${old.expires ?? 'no expiry'} to ${e.expires}.`,
        at(`${e.pointer}/expires`),
        `exception-extended:${e.id}:${e.expires}`,
      );
    }
    const widened = widening(old, e);
    if (widened.length > 0) {
      add(
        `exception ${e.id} is widened: ${widened.join('; ')}.`,
        where,
        `exception-widened:${e.id}:${widened.join(';')}`,
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
    if (now.enabled === false && was.enabled !== false) {
      add(`rule ${id} is disabled.`, where, `rule-off:${id}`);
      continue;
    }
    const def = builtin.get(id);
    const sevWas: Severity | undefined = was.severity ?? def;
    const sevNow: Severity | undefined = now.severity ?? def;
    if (sevWas && sevNow && severityRank(sevNow) < severityRank(sevWas)) {
      add(`rule ${id} is downgraded from ${sevWas} to ${sevNow}.`, where, `rule-down:${id}:${sevNow}`);
    }
    const excluded = (now.exclude ?? []).filter((g) => !(was.exclude ?? []).includes(g));
    if (excluded.length > 0)
      add(
        `rule ${id} no longer checks ${excluded.join(', ')}.`,
        where,
        `rule-exclude:${id}:${excluded.join(',')}`,
      );
  }
  const failWas = b.failOn ?? 'high';
  const failNow = h.failOn ?? 'high';
  if (FAIL_ON_RANK[failNow] > FAIL_ON_RANK[failWas]) {
    add(`fail-on is raised from ${failWas} to ${failNow}.`, at('/fail-on'), `fail-on:${failNow}`);
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
  if (excluded.length > 0)
    add(
      `the check no longer covers ${excluded.join(', ')}.`,
      at('/exclude'),
      `exclude:${excluded.join(',')}`,
    );
  if (h.include.join('\0') !== b.include.join('\0') && h.include.length > 0) {
    add(`the check is limited to ${h.include.join(', ')}.`, at('/include'), `include:${h.include.join(',')}`);
  }
  if (h.ruleDirs.join('\0') !== b.ruleDirs.join('\0')) {
    add(
      `custom rule directories change to ${h.ruleDirs.join(', ') || 'none'}.`,
      at('/rule-dirs'),
      `rule-dirs:${h.ruleDirs.join(',')}`,
    );
  }
}
