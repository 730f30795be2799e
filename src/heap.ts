import { setFlagsFromString } from 'node:v8';

/**
 * How far the old generation may grow past what the last full collection kept, in percent. V8's
 * own factor goes up to 4x when collections are cheap relative to the run (they are: 99% of a large
 * check's time is outside the collector), and so the engine's heap of the 200,000-file check grew to
 * 175-210 MB for 55-85 MB live; at 50% it stays near 100 MB (docs/performance.md), for a few more
 * full collections of a heap that small.
 */
const HEAP_GROWING_PERCENT = 50;

/**
 * The entry points' one setting of the JavaScript heap: the young generation keeps its first size
 * instead of doubling. Most of a large check's garbage is file texts that die within their slice;
 * a new space grown to its maximum only adds to peak memory (measured with `npm run bench`: 390 MB
 * peak RSS with growth, 270 MB without, the same run time). The flag is read when the new space
 * would grow, so setting it at run time takes effect; it applies to worker threads too.
 */
export function tuneHeap(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
