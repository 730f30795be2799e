/**
 * The files a change leaves as they are but whose findings it may grade differently. The test-path
 * context (confidence.ts) judges a file by others too: a manifest under `examples/` is test material
 * until a workflow deploys it, a kustomization lists it or a compose file builds from it, and a
 * composite action there is until a workflow runs it. A pull request that edits only such a file
 * raises the findings of a file it does not touch from low to high confidence; those findings are the
 * change's own, so these files count as changed for the judgement: the per-file rules read them on
 * both trees, and the base comparison grades them on each.
 */

import path from 'node:path';
import type { BaseWorkspace } from './base-tree.js';
import {
  contextMarks,
  contextUsesOf,
  contextVerdict,
  type PathUse,
  pathUses,
  readByContext,
} from './confidence.js';
import { COMPOSE_FILES } from './parsers/compose.js';
import { ACTION_GLOBS } from './parsers/workflow.js';
import { compareStrings } from './workspace/files.js';
import type { Workspace } from './workspace/workspace.js';

/**
 * The files both trees have, untouched by the change, that the context judges differently on the
 * base than on the head (see {@link contextVerdict}), sorted; none: it judges every path the change
 * does not touch alike on both trees. Nothing is computed unless the change alters what a file the
 * context reads tells it ({@link contextUsesOf}: each such file the change touches is read on both
 * trees, the cost of the diff) or adds or deletes one whose presence it asks about
 * ({@link contextMarks}). Then the paths the files of each tree use (what kustomizations list,
 * modules source, compose files build or include, workflows run and deploy) are compared, and the
 * files those that differ reach, the local actions, the compose files and the files the added or
 * deleted ones mark are judged on both trees: no other file's judgement can differ. `head` is the
 * view the head's rules read the tree through (what is computed here is theirs too).
 */
export function contextShift(testPaths: readonly string[], head: Workspace, base: BaseWorkspace): string[] {
  const change = base.differs;
  const told = [...change.paths].some(
    (file) => readByContext(file, head, base) && contextUsesOf(head, file) !== contextUsesOf(base, file),
  );
  const marked = contextMarks(change.presence ?? change.paths);
  if (!told && !marked) return [];
  const candidates = new Set<string>();
  const reached = told ? reachedByChangedUses(pathUses(head), pathUses(base)) : new Set<string>();
  if (told) {
    // Whether a workflow runs a local action, or a deploying job starts a compose stack, is no path
    // use: those few files are judged on both trees.
    for (const file of [...head.glob(ACTION_GLOBS), ...head.filesWhere(COMPOSE_FILES)]) candidates.add(file);
  }
  if (reached.size > 0 || marked) {
    for (const file of head.files) {
      if (covered(reached, file) || marked?.(file)) candidates.add(file);
    }
  }
  const touched = new Set([...base.changed.head, ...base.changed.base]);
  const now = contextVerdict(testPaths, head);
  const before = contextVerdict(testPaths, base);
  const shifted: string[] = [];
  for (const file of candidates) {
    if (touched.has(file) || !base.has(file)) continue;
    if (now(file) !== before(file)) shifted.push(file);
  }
  return shifted.sort(compareStrings);
}

/**
 * The paths (files and folders) whose use differs between the trees: each path a use names on one
 * tree only, and what a file there names in turn (a kustomization in a folder a root kustomization
 * now lists, a compose file an included one includes), on either tree.
 */
function reachedByChangedUses(head: readonly PathUse[], base: readonly PathUse[]): Set<string> {
  const key = (u: PathUse) => `${u.by}\u0000${u.from}\u0000${u.to}\u0000${u.dockerfile ?? ''}`;
  const headKeys = new Set(head.map(key));
  const baseKeys = new Set(base.map(key));
  const reached = new Set<string>();
  const reach = (u: PathUse): boolean => {
    const before = reached.size;
    for (const to of targets(u)) reached.add(to);
    return reached.size > before;
  };
  for (const u of head) if (!baseKeys.has(key(u))) reach(u);
  for (const u of base) if (!headKeys.has(key(u))) reach(u);
  if (reached.size === 0) return reached;
  const all = [...head, ...base];
  for (let grown = true; grown; ) {
    grown = false;
    for (const u of all) if (covered(reached, u.from) && reach(u)) grown = true;
  }
  return reached;
}

/** What a use names: its path, and for a compose build the Dockerfile, which may lie outside the context. */
function targets(u: PathUse): string[] {
  return u.dockerfile === undefined
    ? [u.to]
    : [u.to, path.posix.normalize(path.posix.join(u.to, u.dockerfile))];
}

/** Whether `file` is one of `paths` or lies in one. */
function covered(paths: ReadonlySet<string>, file: string): boolean {
  if (paths.size === 0) return false;
  for (let p = file; ; ) {
    if (paths.has(p)) return true;
    const slash = p.lastIndexOf('/');
    if (slash === -1) return false;
    p = p.slice(0, slash);
  }
}
