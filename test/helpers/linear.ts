/**
 * Linear-time checks that do not depend on how busy the machine is: they compare the CPU time this
 * process spends (not wall time, which other processes inflate) on an input and on one four times
 * larger. Linear work grows about 4x, quadratic work 16x; the bound sits between them.
 */
import { expect } from 'vitest';

/** CPU time (user + system) of one call of `fn`, in ms. */
function cpuOnce(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** CPU time (user + system) of `fn`, in ms: the best of three runs. */
export function cpuMs(fn: () => void): number {
  return Math.min(cpuOnce(fn), cpuOnce(fn), cpuOnce(fn));
}

/**
 * Asserts that `work(scale)` grows linearly: four times the input costs less than eight times the CPU
 * (plus a few milliseconds, below which timer resolution and garbage collection dominate). The two
 * sizes are run alternately, five times each, and the best of each compared, so a collection or a
 * busy moment of the machine that lands on one run does not decide.
 */
export function expectLinear(work: (scale: number) => void): void {
  let small = Number.POSITIVE_INFINITY;
  let large = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    small = Math.min(
      small,
      cpuOnce(() => work(1)),
    );
    large = Math.min(
      large,
      cpuOnce(() => work(4)),
    );
  }
  expect(large, `CPU ${large.toFixed(1)} ms on 4x the input vs ${small.toFixed(1)} ms`).toBeLessThan(
    8 * small + 20,
  );
}
