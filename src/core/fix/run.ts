/**
 * `controlgate fix`: checks, applies the mechanical fixes the evaluators computed, and checks again
 * until nothing more applies. Edits are staged in memory (the workspace reads them instead of the
 * disk), so a dry run sees exactly what a real one would write, and a fix that another fix of the
 * same lines made stale is simply recomputed by the next pass.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type CheckOptions, runCheck } from '../engine.js';
import type { Finding, FindingFix, FixResolve, Report } from '../types.js';
import { applyEdits, fixesConflict, sameFix } from './edits.js';
import { withCommit } from './resolve.js';

/** How many check-and-apply rounds at most (fixes of one step's lines apply one per round). */
export const MAX_FIX_PASSES = 12;

/** The commit of a tag, or why it is not known. */
export type FixResolution = { sha: string } | { reason: string };

/** Resolves what a fix needs from outside the tree (see {@link FixResolve}). */
export type FixResolver = (need: FixResolve) => Promise<FixResolution>;

/** One fix that was applied (or, in a dry run, would be). */
export interface AppliedFix {
  ruleId: string;
  path: string;
  line: number;
  description: string;
  /** Other findings the same edits fixed (one fix shared by several occurrences). */
  also: number;
}

/** A finding whose fix was not applied, and why. */
export interface SkippedFix {
  ruleId: string;
  path: string;
  line: number;
  reason: string;
}

/** One file's text before and after the fixes. */
export interface FixedFile {
  path: string;
  before: string;
  after: string;
}

export interface FixOutcome {
  files: FixedFile[];
  applied: AppliedFix[];
  skipped: SkippedFix[];
  /** The check of the fixed tree. */
  report: Report;
  passes: number;
}

export interface FixOptions extends CheckOptions {
  /** Resolves the commits of tags for pinning; absent: offline, such fixes are reported, not applied. */
  resolve?: FixResolver;
}

/**
 * Applies every fix it can to the staged texts and returns them with the check of the result. Files
 * are not written here: the caller writes `files` (or prints their diff).
 */
export async function runFix(options: FixOptions): Promise<FixOutcome> {
  const root = path.resolve(options.root);
  const overlay = new Map<string, string>();
  const original = new Map<string, string>();
  const applied: AppliedFix[] = [];
  const skipped = new Map<string, SkippedFix>();
  const resolved = new Map<string, Promise<FixResolution>>();
  const refused = new Set<string>();
  let report: Report | undefined;
  let passes = 0;
  while (passes < MAX_FIX_PASSES) {
    passes += 1;
    report = await runCheck({ ...options, overlay });
    const chosen = await choose(report.findings, refused, skipped, async (need) => {
      const key = `${need.repository}@${need.ref}`;
      let answer = resolved.get(key);
      if (!answer) {
        answer = options.resolve
          ? options.resolve(need).catch((err: unknown) => ({ reason: String(err) }))
          : Promise.resolve({
              reason: `offline: which commit ${key} names is not known (set GITHUB_TOKEN to ask the GitHub API)`,
            });
        resolved.set(key, answer);
      }
      return answer;
    });
    if (chosen.length === 0) break;
    const byPath = new Map<string, Chosen[]>();
    for (const c of chosen) byPath.set(c.path, [...(byPath.get(c.path) ?? []), c]);
    let changed = false;
    for (const [file, fixes] of byPath) {
      const text = overlay.get(file) ?? readText(root, file);
      if (text === undefined) continue;
      if (!original.has(file)) original.set(file, text);
      const usable = fixes.filter((c) => regionMatches(text, c.fix));
      const edits = usable.flatMap((c) => c.fix.edits).sort((a, b) => a.start - b.start);
      if (edits.length === 0) continue;
      overlay.set(file, applyEdits(text, edits));
      changed = true;
      for (const c of usable) {
        applied.push({
          ruleId: c.finding.ruleId,
          path: file,
          line: c.finding.location?.startLine ?? 1,
          description: c.fix.description,
          also: c.also,
        });
      }
    }
    if (!changed) break;
  }
  // Findings that are gone were fixed after all (by another fix of the same lines).
  const open = new Set(report!.findings.map((f) => skipKey(f)));
  const files = [...overlay].flatMap(([file, after]) => {
    const before = original.get(file)!;
    return before === after ? [] : [{ path: file, before, after }];
  });
  return {
    files,
    applied,
    skipped: [...skipped.entries()].filter(([k]) => open.has(k)).map(([, s]) => s),
    report: report!,
    passes,
  };
}

interface Chosen {
  finding: Finding;
  fix: FindingFix;
  path: string;
  also: number;
}

/**
 * The fixes to apply in this pass: at most one of any set that touches the same text (the others
 * are recomputed on the next pass), identical fixes once, pins only once their commit is known.
 */
async function choose(
  findings: readonly Finding[],
  refused: Set<string>,
  skipped: Map<string, SkippedFix>,
  resolve: (need: FixResolve) => Promise<FixResolution>,
): Promise<Chosen[]> {
  const chosen: Chosen[] = [];
  for (const f of findings) {
    if (f.status !== 'open' || !f.location) continue;
    const where = { ruleId: f.ruleId, path: f.location.path, line: f.location.startLine };
    if (!f.fix) {
      if (f.unfixable) skipped.set(skipKey(f), { ...where, reason: f.unfixable });
      continue;
    }
    const key = skipKey(f);
    if (refused.has(key)) continue;
    let fix = f.fix;
    const same = chosen.find((c) => c.path === f.location!.path && sameFix(c.fix, fix));
    if (same) {
      same.also += 1;
      continue;
    }
    if (chosen.some((c) => c.path === f.location!.path && fixesConflict(c.fix, fix))) continue;
    if (fix.resolve) {
      const answer = await resolve(fix.resolve);
      if ('reason' in answer) {
        refused.add(key);
        skipped.set(key, { ...where, reason: answer.reason });
        continue;
      }
      fix = withCommit(fix, answer.sha);
    }
    chosen.push({ finding: f, fix, path: f.location.path, also: 0 });
  }
  return chosen;
}

function skipKey(f: Finding): string {
  return `${f.ruleId}\u0000${f.fingerprint}`;
}

/** Whether the file still reads as the fix expects (it was computed from this very text). */
function regionMatches(text: string, fix: FindingFix): boolean {
  const { offset, text: lines } = fix.region;
  return text.slice(offset, offset + lines.length) === lines;
}

/** A file's text as the workspace reads it (a byte-order mark is not part of it). */
function readText(root: string, file: string): string | undefined {
  try {
    const text = readFileSync(path.join(root, file), 'utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined;
  }
}
