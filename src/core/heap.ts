import { setFlagsFromString } from 'node:v8';

/**
 * How far the old generation may grow past what the last full collection kept, in percent, in a
 * check of the whole tree. V8's own factor goes up to 4x when collections are cheap relative to the
 * run (they are for a large check), and so the engine's heap of the 200,000-file check grew to
 * 170-220 MB for 55-85 MB live. At 25% it stays near 90 MB and the worker's near 57 MB: peak RSS
 * 286-290 MB (352-445 MB before), for about 40 full collections instead of 25 (docs/performance.md).
 * Read at every full collection, so setting it at run time takes effect; process-wide, so worker
 * threads follow it too. 0 is V8's own, dynamic factor.
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

/** V8's default growth of the young generation (it doubles when a scavenge keeps much alive). */
const V8_SEMI_SPACE_GROWTH_FACTOR = 2;

/**
 * The entry points' setting of the JavaScript heap, before anything runs: the slice workers' young
 * generation (read when an isolate is made, so it applies to the workers started later, not to this
 * thread). How the heap grows is decided per check, by {@link heapForCheck}.
 */
export function tuneHeap(): void {
  setFlagsFromString(`--min-semi-space-size=${WORKER_SEMI_SPACE_MB}`);
}

/**
 * How the heap grows during one check, set when it starts (the flags are read when the young
 * generation would grow and at every full collection, so they take effect at once, for every thread).
 *
 * A check of the whole tree reads every file: the young generation keeps its first size instead of
 * doubling (most of its garbage is file texts that die within their slice, and a new space grown to
 * its maximum only adds to peak memory: 390 MB peak RSS with growth, 270 MB without, the same run
 * time) and the old generation grows by {@link HEAP_GROWING_PERCENT}. A check of a change reads the
 * changed files and the inputs of the rules that read across files, a heap of some 20-40 MB at
 * 100,000 files, where these bounds only cost time: a young generation of V8's first size scavenges
 * every megabyte, and a full collection comes every time the heap grows by a quarter (the Action's
 * pull request spent 0.08-0.1 s of its 0.8 s of CPU more with them; docs/performance.md). It keeps
 * V8's own growth.
 */
export function heapForCheck(reads: 'tree' | 'change'): void {
  const tree = reads === 'tree';
  setFlagsFromString(`--semi-space-growth-factor=${tree ? 1 : V8_SEMI_SPACE_GROWTH_FACTOR}`);
  setFlagsFromString(`--heap-growing-percent=${tree ? HEAP_GROWING_PERCENT : 0}`);
}

/**
 * Which of V8's optimizing compilers a check uses, set when it starts (read whenever a function gets
 * hot, so it takes effect at once, for every thread). A check of a change runs for well under a
 * second of CPU, too short for most of what Maglev compiles on V8's helper threads to pay back: the
 * Action's 50-file pull request spent about a sixth of its CPU compiling (Maglev and TurboFan) on
 * them, and without Maglev, its hottest functions still reaching TurboFan, it takes about 7% less
 * CPU (docs/performance.md, twenty-eighth round). A check of the whole tree keeps both: there the
 * optimized code runs long enough to pay, and turning Maglev off did not save CPU.
 */
export function compilersForCheck(reads: 'tree' | 'change'): void {
  setFlagsFromString(reads === 'tree' ? '--maglev' : '--no-maglev');
}
