import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HEAP = fileURLToPath(new URL('../src/core/heap.ts', import.meta.url));

/**
 * The young generation's size that a worker started after `tuneHeap` reports, or (`tune` false)
 * after only the young generation's growth is turned off, as `tuneHeap` does (a worker's young
 * generation grows while it loads otherwise). In a process of its own: the flags are process-wide
 * and would tune the test runner's heap too.
 */
function workerNewSpace(tune: boolean): number {
  const script = `
    import { Worker } from 'node:worker_threads';
    import { setFlagsFromString } from 'node:v8';
    const { tuneHeap } = await import(${JSON.stringify(HEAP)});
    if (${tune}) tuneHeap();
    else setFlagsFromString('--semi-space-growth-factor=1');
    const code = "Promise.all([import('node:worker_threads'), import('node:v8')]).then(([w, v8]) =>" +
      "w.parentPort.postMessage(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));";
    const worker = new Worker(code, { eval: true });
    worker.once('message', (size) => { console.log(size); worker.terminate(); });
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return Number(out.trim());
}

describe('tuneHeap', () => {
  it('gives the threads started after it (the slice workers) a young generation of 3 MB, more than V8’s 2 MB', () => {
    expect(workerNewSpace(false)).toBeLessThan(3 * 1024 * 1024);
    expect(workerNewSpace(true)).toBeGreaterThanOrEqual(3 * 1024 * 1024);
  });
});

/**
 * The main thread's young generation after a check's heap setting and an allocation that keeps much
 * alive (as listing and parsing do), in a process of its own.
 */
function mainNewSpaceAfter(reads: 'tree' | 'change'): number {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    const { heapForCheck } = await import(${JSON.stringify(HEAP)});
    heapForCheck(${JSON.stringify(reads)});
    const kept = [];
    for (let i = 0; i < 400000; i++) kept.push({ i, s: 'x' + i });
    console.log(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return Number(out.trim());
}

describe('heapForCheck', () => {
  it('keeps the young generation at its first size for a check of the whole tree, and lets it grow for a check of a change', () => {
    const tree = mainNewSpaceAfter('tree');
    const change = mainNewSpaceAfter('change');
    expect(change).toBeGreaterThanOrEqual(2 * tree);
  });
});

/**
 * The tiers V8 compiled a hot function to after a check's compiler setting, from `--trace-opt`, in a
 * process of its own.
 */
function tiersAfter(reads: 'tree' | 'change'): string[] {
  const script = `
    const { compilersForCheck } = await import(${JSON.stringify(HEAP)});
    compilersForCheck(${JSON.stringify(reads)});
    function hot(x) { let s = 0; for (let i = 0; i < 50; i++) s += (x * i) % 7; return s; }
    let total = 0;
    for (let i = 0; i < 300000; i++) total += hot(i);
    console.log(total);
  `;
  // Compiled on the main thread: a busy machine's helper threads could finish after the process ends.
  const flags = ['--trace-opt', '--no-concurrent-recompilation', '--no-concurrent-osr'];
  const out = execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  const tiers = [...out.matchAll(/completed compiling .*<JSFunction hot\b.*\(target (\w+)\)/g)].map(
    (m) => m[1]!,
  );
  return [...new Set(tiers)].sort();
}

describe('compilersForCheck', () => {
  it('compiles hot code without Maglev for a check of a change, and with it for a check of the whole tree', () => {
    expect(tiersAfter('change')).toEqual(['TURBOFAN_JS']);
    expect(tiersAfter('tree')).toContain('MAGLEV');
  });
});
