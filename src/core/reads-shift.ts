/**
 * The files a change leaves as they are but whose findings it may alter through the other files a
 * per-file rule reads (`Evaluator.readsOtherFiles`): a reusable workflow is judged by the grants of
 * the jobs that call it, a Dockerfile's stage by the builds that name it as their target. A pull
 * request that edits only the caller, or only the build, changes the findings of a file it does not
 * touch; those findings are the change's own. So, for each per-file rule whose other files the change
 * touches, the files it may judge differently are judged on both trees, head and base, and the base
 * comparison tells what the change created from what was there already. Nothing is computed for a
 * rule whose other files the change does not touch: a pull request that touches none costs nothing
 * more.
 */

import type { BaseWorkspace } from './base-tree.js';
import { getEvaluator } from './evaluators/registry.js';
import { type PassesOnEither, quietChange } from './quiet-change.js';
import type { Rule } from './types.js';
import { pathMatcher } from './workspace/glob.js';
import type { Workspace } from './workspace/workspace.js';

/** What a change makes one per-file rule judge besides the files it touches. */
export interface ReadShift {
  /** The files it judges besides the change's own, on both trees; `all`: every file. */
  files: readonly string[] | 'all';
  /** The other files it reads that the change touches, sorted. */
  because: readonly string[];
}

/**
 * For each enabled per-file rule of `rules` that reads other files the change touches (on either
 * tree: added, modified, deleted, renamed), the files it must judge on both trees besides `own` (the
 * files the per-file rules read already): those its evaluator names (`Evaluator.affectedBy`, asked
 * once per kind), or every file when it cannot tell. Rules left out have nothing more to judge.
 */
export async function readsShift(
  rules: readonly Rule[],
  head: Workspace,
  base: BaseWorkspace,
  own: ReadonlySet<string>,
): Promise<Map<string, ReadShift>> {
  const shifts = new Map<string, ReadShift>();
  // A file whose parsed YAML is the same on both trees (an edit of comments or layout) tells every
  // rule what it told before: no other file is judged differently through it.
  const changed = changedPaths(base).filter((p) => !sameYamlValues(p, head, base));
  if (changed.length === 0) return shifts;
  const byKind = new Map<string, ReadShift | undefined>();
  for (const rule of rules) {
    const kind = rule.check.kind;
    if (!byKind.has(kind)) byKind.set(kind, await shiftOf(kind, changed, head, base, own));
    const shift = byKind.get(kind);
    if (shift) shifts.set(rule.id, shift);
  }
  return shifts;
}

/** One kind's shift, or undefined when the change touches none of its other files or alters no other file. */
async function shiftOf(
  kind: string,
  changed: readonly string[],
  head: Workspace,
  base: BaseWorkspace,
  own: ReadonlySet<string>,
): Promise<ReadShift | undefined> {
  const evaluator = getEvaluator(kind);
  const globs = evaluator?.readsOtherFiles;
  if (evaluator?.scope !== 'file' || !globs) return undefined;
  const match = globs === true ? () => true : pathMatcher(globs);
  const also = evaluator.readsAlso;
  const quiet = quietChange(evaluator);
  const either: PassesOnEither = (p, screen) =>
    [head, base].some((tree) => tree.has(p) && tree.passesScreen(p, screen));
  const because = changed.filter(
    (p) => (match(p) && quiet?.(p, either) !== true) || also?.(p, [head, base]) === true,
  );
  if (because.length === 0) return undefined;
  const named = await evaluator.affectedBy?.(because, head, base);
  if (!named) return { files: 'all', because };
  const files = [...new Set(named)].filter((f) => !own.has(f) && (head.has(f) || base.has(f))).sort();
  return files.length > 0 ? { files, because } : undefined;
}

/** YAML files, whose parsed values the rules read (comments and layout are no part of them). */
const YAML_FILE = /\.ya?ml$/i;

/**
 * Whether a YAML file both trees hold parses to the same documents on each (by value: keys, scalars,
 * anchors resolved), so that an edit of its comments, quoting or indentation alone changes nothing a
 * rule reads from it. Any other file, or one that does not parse on a tree, counts as changed.
 */
function sameYamlValues(file: string, head: Workspace, base: BaseWorkspace): boolean {
  if (!YAML_FILE.test(file) || !head.has(file) || !base.has(file)) return false;
  const now = head.yaml(file);
  const before = base.yaml(file);
  if (!now?.ok || !before?.ok) return false;
  const values = (r: typeof now) => JSON.stringify(r.ok ? r.documents.map((d) => d.value) : null);
  return values(now) === values(before);
}

/** Every path the change touches on either tree, sorted: added, modified, deleted, renamed to and from. */
function changedPaths(base: BaseWorkspace): string[] {
  const paths = new Set([...base.changed.head, ...base.changed.base, ...base.differs.paths]);
  for (const from of base.renamed.values()) paths.add(from);
  return [...paths].sort();
}

/** The log line for what the shifts add, or undefined when they add nothing. */
export function describeShifts(
  shifts: ReadonlyMap<string, ReadShift>,
  treeFiles: number,
): string | undefined {
  if (shifts.size === 0) return undefined;
  const files = new Set<string>();
  let whole = false;
  const parts: string[] = [];
  for (const [id, shift] of shifts) {
    if (shift.files === 'all') whole = true;
    else for (const f of shift.files) files.add(f);
    const what = shift.files === 'all' ? 'every file' : list(shift.files);
    parts.push(`${id} (${what}; it reads ${list(shift.because)})`);
  }
  const n = whole ? treeFiles : files.size;
  const count = whole ? `up to ${n} more file${n === 1 ? '' : 's'}` : `${n} more file${n === 1 ? '' : 's'}`;
  return `scanning ${count} the change does not touch but may judge differently through other files it changes, on both trees: ${parts.join(', ')}`;
}

function list(paths: readonly string[]): string {
  return `${paths.slice(0, 3).join(', ')}${paths.length > 3 ? `, ... (${paths.length})` : ''}`;
}
