/**
 * Changed files that tell a per-file rule nothing through the other files it reads: those it reads
 * only through a screen (`Evaluator.screenedReads`) that pass it on neither side. A workflow that
 * runs the tests, edited, gives the Dockerfile rules that read the repository's image builds nothing
 * to read before or after: a pull request judges no Dockerfile again for it (reads-shift.ts), and
 * the results cache keeps those rules (cache-run.ts).
 */
import type { Evaluator } from './evaluators/types.js';
import { pathMatcher } from './workspace/glob.js';
import type { Screen } from './workspace/screens.js';

/** Whether a file passes the screen on a side of the change (the caller says which sides count). */
export type PassesOnEither = (file: string, screen: Screen) => boolean;

const tests = new WeakMap<object, (file: string, passes: PassesOnEither) => boolean>();

/**
 * The test of the evaluator's quiet changes: whether a changed file matches its screened globs and
 * no other glob it reads other files by, and passes the screen on neither side. Undefined for an
 * evaluator that declares no screened reads.
 */
export function quietChange(
  evaluator: Evaluator<unknown>,
): ((file: string, passes: PassesOnEither) => boolean) | undefined {
  const declared = evaluator.screenedReads;
  const globs = evaluator.readsOtherFiles;
  if (!declared || !Array.isArray(globs)) return undefined;
  // By evaluator: rules share a declaration, each with its own other globs.
  let test = tests.get(evaluator);
  if (!test) {
    const screened = pathMatcher(declared.globs);
    const rest = globs.filter((g) => !declared.globs.includes(g));
    const otherwise = rest.length > 0 ? pathMatcher(rest) : () => false;
    test = (file, passes) => screened(file) && !otherwise(file) && !passes(file, declared.screen);
    tests.set(evaluator, test);
  }
  return test;
}
