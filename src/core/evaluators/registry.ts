import { inputProblems } from './core/input-problems.js';
import { dockerfileBaseImage } from './dockerfile/base-image.js';
import { dockerfileRootUser } from './dockerfile/root-user.js';
import { contentForbidden } from './generic/content-forbidden.js';
import { contentRequired } from './generic/content-required.js';
import { fileAbsent } from './generic/file-absent.js';
import { fileExists } from './generic/file-exists.js';
import { structuredSchema } from './generic/structured-schema.js';
import { binaryExecutables } from './repo/binary-executables.js';
import { depsLockfile } from './repo/deps-lockfile.js';
import { gitignoreMustIgnore } from './repo/gitignore-must-ignore.js';
import type { Evaluator } from './types.js';
import { workflowPermissions } from './workflow/permissions.js';
import { workflowUnpinnedUses } from './workflow/unpinned-uses.js';

/**
 * Every evaluator, keyed by `check.kind`. Explicit on purpose: the bundle cannot discover code at run
 * time, and a test checks that every rule's kind is here and every evaluator has fixtures.
 */
const EVALUATORS: readonly Evaluator<never>[] = [
  fileExists,
  fileAbsent,
  contentForbidden,
  contentRequired,
  structuredSchema,
  depsLockfile,
  binaryExecutables,
  gitignoreMustIgnore,
  workflowUnpinnedUses,
  workflowPermissions,
  dockerfileBaseImage,
  dockerfileRootUser,
  inputProblems,
] as readonly Evaluator<never>[];

const BY_KIND = new Map<string, Evaluator<unknown>>(
  EVALUATORS.map((e) => [e.kind, e as unknown as Evaluator<unknown>]),
);

/** The evaluator for a `check.kind`, or undefined. */
export function getEvaluator(kind: string): Evaluator<unknown> | undefined {
  return BY_KIND.get(kind);
}

/** All registered evaluators, in registration order. */
export function allEvaluators(): readonly Evaluator<unknown>[] {
  return [...BY_KIND.values()];
}
