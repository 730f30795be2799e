/**
 * Linear-time checks that do not depend on how busy the machine is: they compare the CPU time this
 * process spends (not wall time, which other processes inflate) on an input and on one four times
 * larger. Linear work grows about 4x, quadratic work 16x; the bound sits between them.
 */
import { expect } from 'vitest';

/** CPU time (user + system) of `fn`, in ms: the best of three runs. */
export function cpuMs(fn: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

/**
 * Asserts that `work(scale)` grows linearly: four times the input costs less than eight times the CPU
 * (plus a few milliseconds, below which timer resolution and garbage collection dominate).
 */
export function expectLinear(work: (scale: number) => void): void {
  const small = cpuMs(() => work(1));
  const large = cpuMs(() => work(4));
  expect(large, `CPU ${large.toFixed(1)} ms on 4x the input vs ${small.toFixed(1)} ms`).toBeLessThan(
    8 * small + 20,
  );
}
