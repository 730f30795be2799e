/**
 * Triage: the one step, after detection, where findings are excepted (approved exceptions from the
 * declarations in force) or ignored (inline `controlgate: ignore[rule-id] reason` comments). Nothing
 * is dropped: a suppressed finding keeps its place in every report with its new status and the
 * exception or comment that suppressed it, and the summary counts it.
 */

import type { ExceptionState } from './declarations/check.js';
import type { DeclaredException } from './declarations/model.js';
import type { Finding, FindingException } from './types.js';
import { pathMatcher } from './workspace/glob.js';
import type { Workspace } from './workspace/workspace.js';

/**
 * `# controlgate: ignore[rule-a, rule-b] reason` (also after `//`, for JSON5 and JavaScript-like
 * files). The reason is everything after the bracket, minus a leading `:` or `-` and a closing
 * comment marker.
 */
const DIRECTIVE = /(?:#|\/\/)\s*controlgate:\s*ignore\[([^\]]*)\](.*)$/;

export interface TriageInput {
  findings: Finding[];
  exceptions: readonly ExceptionState[];
  workspace: Workspace;
  /** Rules whose findings nothing may suppress (the policy rules). */
  protectedRules: ReadonlySet<string>;
  /**
   * Files known to hold no inline-ignore comment, not read for one: those the base commit's stored
   * findings lie in, said to hold none there, and untouched by the change (see `BaseResults`).
   */
  quiet?: ReadonlySet<string>;
}

interface Directive {
  line: number;
  rules: string[];
  reason: string;
  /** The directive as written, from the comment marker on. */
  text: string;
  /** Alone on its line (so it may apply to the line below). */
  ownLine: boolean;
}

/** Applies exceptions, then inline ignores, to the open findings; mutates their status. */
export function triage(input: TriageInput): void {
  const matchers = new Map<string, (p: string) => boolean>();
  const byPaths = (paths: string[]) => {
    const key = paths.join('\0');
    let m = matchers.get(key);
    if (!m) {
      m = pathMatcher(paths);
      matchers.set(key, m);
    }
    return m;
  };
  const covers = (s: ExceptionState, f: Finding): boolean => exceptionCovers(s.exception, f, byPaths);

  for (const f of input.findings) {
    if (f.status !== 'open' || input.protectedRules.has(f.ruleId)) continue;
    const matching = input.exceptions.filter((s) => s.state !== 'invalid' && covers(s, f));
    const active = matching.find((s) => s.state === 'active');
    const expired = matching.find((s) => s.state === 'expired');
    if (active) {
      f.status = 'excepted';
      f.exception = describe(active);
    } else if (expired) {
      f.exception = { ...describe(expired), expired: true };
      f.message = `${f.message} (exception ${expired.exception.id} expired on ${expired.exception.expires}; the finding is open again)`;
    }
  }

  const directives = new Map<string, Directive[]>();
  for (const f of input.findings) {
    if (f.status !== 'open' || !f.location || input.protectedRules.has(f.ruleId)) continue;
    const path = f.location.path;
    let list = directives.get(path);
    if (!list) {
      list = input.quiet?.has(path) ? [] : readDirectives(input.workspace.text(path));
      directives.set(path, list);
    }
    const line = f.location.startLine;
    const d = list.find(
      (x) => x.rules.includes(f.ruleId) && (x.line === line || (x.line === line - 1 && x.ownLine)),
    );
    if (!d) continue;
    // A comment without a reason does not apply; the inline-ignore-invalid rule reports it.
    if (!d.reason) continue;
    f.status = 'ignored';
    f.exception = { kind: 'inline-ignore', reason: d.reason, location: { path, startLine: d.line } };
  }
}

/**
 * Whether an exception's scope takes in a finding: one of its rules, its control (when it names one)
 * and, when it lists paths, a located finding in one of them (no paths: everywhere, repository-level
 * findings included). `byPaths` compiles the globs; callers cache it.
 */
export function exceptionCovers(
  e: DeclaredException,
  f: Finding,
  byPaths: (paths: string[]) => (p: string) => boolean = pathMatcher,
): boolean {
  if (!e.rules.includes(f.ruleId)) return false;
  if (e.control && !f.controls.includes(e.control)) return false;
  if (e.paths.length === 0) return true;
  return f.location !== null && byPaths(e.paths)(f.location.path);
}

function describe(s: ExceptionState): FindingException {
  const e = s.exception;
  const out: FindingException = { kind: 'exception', id: e.id, reason: e.reason ?? '', location: e.location };
  if (e.approvedBy) out.approvedBy = e.approvedBy;
  if (e.expires) out.expires = e.expires;
  return out;
}

/** The ignore directives of a file, by 1-based line. */
export function readDirectives(text: string | undefined): Directive[] {
  if (text === undefined || !text.includes('controlgate:')) return [];
  const out: Directive[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const m = DIRECTIVE.exec(raw);
    if (!m) return;
    const rules = m[1]!
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    const reason = m[2]!
      .replace(/(-->|\*\/)\s*$/, '')
      .trim()
      .replace(/^[:\-–—]\s*/, '')
      .trim();
    const before = raw.slice(0, m.index).trim();
    out.push({ line: i + 1, rules, reason, text: m[0].trim(), ownLine: before === '' });
  });
  return out;
}
