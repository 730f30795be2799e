import { describe, expect, it } from 'vitest';
import { getEvaluator } from '../../src/core/evaluators/registry.js';
import { quietChange } from '../../src/core/quiet-change.js';

describe('quietChange', () => {
  const tell = (kind: string) => {
    const evaluator = getEvaluator(kind);
    if (!evaluator) throw new Error(kind);
    return quietChange(evaluator);
  };
  const nowhere = () => false;
  const everywhere = () => true;

  it("is each rule's own: a file that matches another glob the rule reads is no quiet change of it", () => {
    // The digest rule reads compose files for nothing; the other two read a compose file whole (the
    // stage its build names), whatever engine it names. Asked in this order, each must still answer
    // by its own globs.
    const compose = '.github/workflows/docker-compose.yml';
    expect(tell('dockerfile.base-image-digest')?.(compose, nowhere)).toBe(true);
    expect(tell('dockerfile.base-image')?.(compose, nowhere)).toBe(false);
    expect(tell('dockerfile.root-user')?.(compose, nowhere)).toBe(false);
  });

  it('takes a build source that names no container engine on either side, and no other', () => {
    const test = tell('dockerfile.base-image')!;
    for (const file of [
      '.github/workflows/ci.yml',
      'Makefile',
      'packages/a/package.json',
      'cloudbuild.yaml',
    ]) {
      expect(test(file, nowhere), file).toBe(true);
      expect(test(file, everywhere), file).toBe(false);
    }
    // A shell script is read for its variables by the scripts that source it, whatever it names.
    expect(test('scripts/env.sh', nowhere)).toBe(false);
  });

  it('is undefined for a rule that declares no screened reads', () => {
    expect(tell('workflow.permissions')).toBeUndefined();
  });
});
