/**
 * The steps after a step: by binary search in a job's list (document order), and by a filter for a
 * list out of order, with the same answer either way.
 */
import { describe, expect, it } from 'vitest';
import { stepsAfter } from '../../src/core/evaluators/workflow/shared.js';
import type { Step } from '../../src/core/parsers/workflow.js';

const step = (index: number): Step =>
  ({ index, value: {}, pointer: `/jobs/a/steps/${index}`, span: {} }) as unknown as Step;

describe('stepsAfter', () => {
  const job = [0, 1, 2, 3, 5, 8].map(step);
  it.each([
    ['the first step', 0, [1, 2, 3, 5, 8]],
    ['a middle step', 3, [5, 8]],
    ['the last step', 8, []],
    ['an index between two steps (a step of a parallel group)', 4, [5, 8]],
  ])('in document order: %s', (_name, index, expected) => {
    expect(stepsAfter(job, step(index)).map((s) => s.index)).toEqual(expected);
  });

  it('in a list out of order, every later step, in the list’s order', () => {
    const shuffled = [5, 0, 8, 2, 1, 3].map(step);
    expect(stepsAfter(shuffled, step(2)).map((s) => s.index)).toEqual([5, 8, 3]);
  });
});
