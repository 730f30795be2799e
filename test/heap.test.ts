import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { tuneHeap } from '../src/heap.js';

/** The young generation's size of a worker started now, as the worker itself reports it. */
function workerNewSpace(): Promise<number> {
  const code = `
    const { parentPort } = require('node:worker_threads');
    const { getHeapSpaceStatistics } = require('node:v8');
    parentPort.postMessage(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true });
    worker.once('message', (size: number) => {
      resolve(size);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

describe('tuneHeap', () => {
  it('gives the threads started after it (the slice workers) a young generation of at least 4 MB', async () => {
    tuneHeap();
    expect(await workerNewSpace()).toBeGreaterThanOrEqual(4 * 1024 * 1024);
  });
});
