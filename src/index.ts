import { run } from './action/main.js';
import { tuneHeap } from './core/heap.js';
import { isSliceWorker, serveSlices, sliceThreads } from './core/slices.js';

tuneHeap();
// The bundle is also the slice workers' script: started as one, it serves slices instead of running.
if (isSliceWorker()) serveSlices();
else {
  await run({ threads: sliceThreads(import.meta.url) });
  // The gate is decided and written. A request the run gave up on (a rate-limit wait past the run's
  // time on the API) must not keep the step alive: whatever is still pending gets a second, then the
  // process ends with the code the run set.
  setTimeout(() => process.exit(), 1000).unref();
}
