import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Evaluator, EvaluatorContext } from '../../src/core/evaluators/types.js';
import type { RawFinding } from '../../src/core/types.js';
import { Workspace } from '../../src/core/workspace/workspace.js';
import { testRule } from '../evaluators/kit.js';

const roots: string[] = [];

/** A workspace over a temporary directory holding exactly `files` (path -> text). */
export function tree(files: Record<string, string>): Workspace {
  const root = mkdtempSync(path.join(os.tmpdir(), 'controlgate-test-'));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
  return new Workspace(root, { files: Object.keys(files) });
}

/** Removes every tree created so far (call from afterAll). */
export function removeTrees(): void {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
}

/** Runs one evaluator over `files` with explicit options, as the engine would for a rule. */
export async function evaluate<O>(
  evaluator: Evaluator<O>,
  files: Record<string, string>,
  options: O,
  /** What the run gives besides the tree (the API, the repository's name). */
  run: Pick<EvaluatorContext<O>, 'github' | 'repository'> = {},
): Promise<RawFinding[]> {
  const rule = testRule(evaluator.kind, options as Record<string, unknown>);
  return evaluator.evaluate({ rule, options, workspace: tree(files), ...run });
}

/** `path:line:column` of a finding, the compact form unit tests assert on. */
export function at(f: RawFinding): string {
  return f.location ? `${f.location.path}:${f.location.startLine}:${f.location.startColumn ?? '-'}` : '-';
}
