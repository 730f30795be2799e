import { main } from './cli/main.js';
import { tuneHeap } from './core/heap.js';
import { isSliceWorker, serveSlices } from './core/slices.js';

tuneHeap();
// The bundle is also the slice workers' script: started as one, it serves slices instead of running.
if (isSliceWorker()) serveSlices();
else process.exitCode = await main(process.argv.slice(2), undefined, { workerScript: import.meta.url });
