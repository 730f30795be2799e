import { run } from './action/main.js';
import { isSliceWorker, serveSlices, sliceThreads } from './core/slices.js';
import { tuneHeap } from './heap.js';

tuneHeap();
// The bundle is also the slice workers' script: started as one, it serves slices instead of running.
if (isSliceWorker()) serveSlices();
else await run({ threads: sliceThreads(import.meta.url) });
