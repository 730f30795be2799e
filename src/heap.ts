import { setFlagsFromString } from 'node:v8';

/**
 * How far the old generation may grow past what the last full collection kept, in percent. V8's
 * own factor goes up to 4x when collections are cheap relative to the run (they are for a large
 * check), and so the engine's heap of the 200,000-file check grew to 170-220 MB for 55-85 MB live.
 * At 25% it stays near 90 MB and the worker's near 57 MB: peak RSS 286-290 MB (352-445 MB before),
 * for about 40 full collections instead of 25 (docs/performance.md). Read at every full collection,
 * so setting it at run time takes effect; process-wide, so worker threads follow it too.
 */
const HEAP_GROWING_PERCENT = 25;

/**
 * The young generation's size, in MB per semi-space, of the threads started after {@link tuneHeap}
 * (the slice workers; V8 gives them 2 MB). A worker allocates some 11 KB per file it checks, most of
 * it dead within the file, and every scavenge also copies the live texts of its slice: a larger young
 * generation scavenges less often (docs/performance.md: 8% less CPU for the 100,000-file check at 4
 * MB). 3 MB, not 4: at 200,000 files 4 MB took peak RSS to 296-305 thousand KiB, 3 MB to 289-292
 * (alternated runs, no CPU difference above the noise). The main thread's young generation is sized
 * before any code runs: it keeps V8's.
 */
const WORKER_SEMI_SPACE_MB = 3;

/**
 * The entry points' settings of the JavaScript heap. The young generation keeps its first size
 * instead of doubling. Most of a large check's garbage is file texts that die within their slice;
 * a new space grown to its maximum only adds to peak memory (measured with `npm run bench`: 390 MB
 * peak RSS with growth, 270 MB without, the same run time). The flag is read when the new space
 * would grow, so setting it at run time takes effect; it applies to worker threads too.
 */
export function tuneHeap(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  // Read when an isolate is made: the slice workers started later, not this thread.
  setFlagsFromString(`--min-semi-space-size=${WORKER_SEMI_SPACE_MB}`);
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
