/**
 * The wall clock as the rules see it. A rule whose result depends on the time (a token past its
 * expiry) is no pure function of the file it reads, so every read is counted: the cache between runs
 * (cache/) keeps no result computed while the clock was read.
 */

let reads = 0;

/** Milliseconds since the epoch, as `Date.now()`, counted. */
export function now(): number {
  reads += 1;
  return Date.now();
}

/** How many times {@link now} was called on this thread so far. */
export function clockReads(): number {
  return reads;
}

/**
 * Counts as a read of the clock: for work bounded by a deadline (a parse cancelled after a time
 * limit) whose result then depends on the machine's speed, not only on its input.
 */
export function dependedOnClock(): void {
  reads += 1;
}
