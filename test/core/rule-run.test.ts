import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CheckOptions, runCheck } from '../../src/core/engine.js';
import type { FileCache } from '../../src/core/file-cache.js';
import {
  CHUNK_FILES,
  type SliceJob,
  SliceQueue,
  type SliceWorker,
  serveJob,
  type WorkerMessage,
} from '../../src/core/slices.js';
import type { Logger, Report } from '../../src/core/types.js';
import { scratchRepo } from '../helpers/git-repo.js';

const TOKEN = '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';
const TOTAL = CHUNK_FILES * 2 + 100;

/** A tree larger than two slices: findings in the first slice, a later slice and the last, partial one. */
function largeTree(root = mkdtempSync(path.join(tmpdir(), 'cg-slices-'))): string {
  mkdirSync(path.join(root, 'f'));
  for (let i = 0; i < TOTAL; i++) {
    const secret = i === 0 || i === TOTAL - 1 ? `TOKEN = "${TOKEN}"\n` : '';
    // One reasonless inline ignore in the middle slice.
    const ignore = i === CHUNK_FILES + 7 ? '# controlgate: ignore[api-token-committed]\n' : '';
    writeFileSync(path.join(root, 'f', `${String(i).padStart(5, '0')}.py`), `x = ${i}\n${secret}${ignore}`);
  }
  // `.github/` sorts before `f/`; `g/` after it, in the last slice.
  mkdirSync(path.join(root, '.github', 'workflows'), { recursive: true });
  writeFileSync(path.join(root, '.github/workflows/broken.yml'), 'on: push\njobs: [unclosed\n');
  mkdirSync(path.join(root, 'g', 'tool'), { recursive: true });
  writeFileSync(path.join(root, 'g/tool/action.yml'), 'runs:\n  using: [x\n');
  return root;
}

const RULES = ['api-token-committed', 'unparsable-file', 'inline-ignore-invalid'];
const EXPECTED = [
  'api-token-committed f/00000.py:2',
  `api-token-committed f/0${TOTAL - 1}.py:2`,
  `inline-ignore-invalid f/0${CHUNK_FILES + 7}.py:2`,
  'unparsable-file .github/workflows/broken.yml:3',
  'unparsable-file g/tool/action.yml:3',
];

const located = (report: Report) =>
  report.findings.map((f) => `${f.ruleId} ${f.location?.path}:${f.location?.startLine}`).sort();

function debugLog(lines: string[]): Logger {
  return { debug: (m) => lines.push(m), info() {}, warning() {}, error() {} };
}

/**
 * A slice worker in this thread: on its job it takes the last slice at once (so it always takes
 * one), then serves slices like a real worker; `fail` makes it fail after taking that slice instead.
 */
function inThreadWorker(fail?: string): SliceWorker {
  const events = new EventEmitter();
  return {
    postMessage(job: SliceJob) {
      if (fail) {
        new SliceQueue(job.queue).takeBack();
        setImmediate(() => events.emit('error', new Error(fail)));
        return;
      }
      void serveJob(job, (m: WorkerMessage) => events.emit('message', structuredClone(m)));
    },
    on(event: string, listener: (...args: unknown[]) => void) {
      events.on(event, listener);
      return this;
    },
    terminate() {},
  } as SliceWorker;
}

describe('SliceQueue', () => {
  it('hands out every slice once: this thread from the front, workers from the end', () => {
    const queue = new SliceQueue(undefined, 5);
    const worker = new SliceQueue(queue.buffer);
    const taken = [
      queue.takeFront(),
      worker.takeBack(),
      queue.takeFront(),
      worker.takeBack(),
      worker.takeBack(),
    ];
    expect(taken).toEqual([0, 4, 1, 3, 2]);
    expect([queue.takeFront(), worker.takeBack()]).toEqual([-1, -1]);
    expect(new SliceQueue(undefined, 0).takeFront()).toBe(-1);
  });
});

describe('per-file rules over a large tree, slice by slice', () => {
  const root = largeTree();
  const check = (more: Partial<CheckOptions> = {}) =>
    runCheck({ root, onlyRules: RULES, failOnGap: false, ...more });

  it('reports every file of every slice, the unparsable ones included', async () => {
    const report = await check();
    expect(report.summary.files).toBe(TOTAL + 2);
    expect(located(report)).toEqual(EXPECTED);
    expect(report.rules.map((r) => `${r.id} ${r.result} ${r.findings}`)).toEqual([
      'api-token-committed fail 2',
      'inline-ignore-invalid fail 1',
      'unparsable-file fail 2',
    ]);
    // Every text file of every slice, counted once, though the slices read them separately.
    const scan = report.rules.find((r) => r.id === 'api-token-committed')!;
    expect(scan.scope).toMatchObject({ files: TOTAL + 2, settings: [], basis: 'tree' });
    expect(scan.scope!.examples.slice(0, 2)).toEqual(['.github/workflows/broken.yml', 'f/00000.py']);
    expect(scan.scope!.examples).toHaveLength(20);
  }, 60_000);

  it('gives the same report when a worker thread takes slices', async () => {
    const alone = await check();
    const log: string[] = [];
    const shared = await check({
      threads: { spawn: () => inThreadWorker(), count: 1 },
      logger: debugLog(log),
    });
    expect(JSON.stringify(shared.findings)).toBe(JSON.stringify(alone.findings));
    expect(shared.rules).toEqual(alone.rules);
    const line = log.find((l) => l.startsWith('per-file rules:'));
    expect(line).toMatch(/^per-file rules: 3 slices, [123] on 1 worker thread\(s\)$/);
  }, 60_000);

  it('evaluates the slices a failed worker took', async () => {
    const log: string[] = [];
    const report = await check({
      threads: { spawn: () => inThreadWorker('worker ran out of memory'), count: 1 },
      logger: debugLog(log),
    });
    expect(located(report)).toEqual(EXPECTED);
    expect(log).toContain(
      'per-file rules: 3 slices, 0 on 1 worker thread(s); worker failed: worker ran out of memory',
    );
  }, 60_000);

  it("gives the run's repository to the rules of every thread, and keeps results cached apart by it", async () => {
    const repo = scratchRepo();
    largeTree(repo.dir);
    // One reference in the first slice (this thread's), one in the last (the worker's).
    const own = 'acme/builder/setup@main';
    mkdirSync(path.join(repo.dir, 'g', 'own'));
    writeFileSync(
      path.join(repo.dir, 'g/own/action.yml'),
      `runs:\n  using: composite\n  steps:\n    - uses: ${own}\n`,
    );
    writeFileSync(
      path.join(repo.dir, '.github/workflows/ci.yml'),
      `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: ${own}\n`,
    );
    repo.commit({}, 'first');
    const threads = { spawn: () => inThreadWorker(), count: 1 };
    const graded = (report: Report) =>
      report.findings.map((f) => `${f.location?.path} ${f.severity} ${f.persona ?? '-'}`);
    const ownRun = (repository: string, more: Partial<CheckOptions> = {}) =>
      runCheck({
        root: repo.dir,
        onlyRules: ['workflow-unpinned-action'],
        failOnGap: false,
        threads,
        identity: { repository },
        persona: 'pedantic',
        ...more,
      });
    let cache: FileCache | undefined;
    const named = await ownRun('Acme/Builder', { fileCache: { collect: (c) => (cache = c) } });
    expect(graded(named)).toEqual(['.github/workflows/ci.yml low pedantic', 'g/own/action.yml low pedantic']);
    // Another repository's run neither lowers them nor takes the results cached under that name.
    const log: string[] = [];
    const other = await ownRun('umbrella/api', {
      fileCache: { previous: cache! },
      logger: { ...debugLog(log), info: (m) => log.push(m) },
    });
    expect(graded(other)).toEqual(['.github/workflows/ci.yml high -', 'g/own/action.yml high -']);
    expect(log).toContain(
      'results cache: not taken: it was written with other rules or settings than the policy in force',
    );
  }, 60_000);

  it("fills the results cache from the workers' slices, and takes it for the unchanged files", async () => {
    const repo = scratchRepo();
    largeTree(repo.dir);
    repo.commit({}, 'first');
    const threads = { spawn: () => inThreadWorker(), count: 1 };
    let cache: FileCache | undefined;
    const first = await check({ root: repo.dir, threads, fileCache: { collect: (c) => (cache = c) } });
    expect(located(first)).toEqual(EXPECTED);
    // Every tracked file, with what each rule the cache holds found and read there.
    expect(cache!.paths).toHaveLength(TOTAL + 2);
    expect(cache!.rules.map((r) => r.id)).toEqual(['api-token-committed', 'inline-ignore-invalid']);
    const last = cache!.paths.indexOf(`f/0${TOTAL - 1}.py`);
    expect(Object.keys(cache!.found[last] ?? {})).toEqual(['0']);
    expect(cache!.readers[cache!.read[last]!]).toEqual([0, 1]);
    repo.commit({ 'f/00001.py': `x = 1\nTOKEN = "${TOKEN}"\n` }, 'second');
    const log: string[] = [];
    const cached = await check({
      root: repo.dir,
      threads,
      fileCache: { previous: cache! },
      logger: { ...debugLog(log), info: (m) => log.push(m) },
    });
    expect(log).toContain(
      `results cache: ${TOTAL + 1} of ${TOTAL + 2} files unchanged; 2 of 2 per-file rules taken from it for them, and 0 rules that read across files and asked nothing that changed`,
    );
    const alone = await check({ root: repo.dir });
    expect(JSON.stringify(cached.findings)).toBe(JSON.stringify(alone.findings));
    expect(cached.rules).toEqual(alone.rules);
  }, 60_000);

  it('reports a policy change once, not once per slice', async () => {
    const repo = scratchRepo();
    largeTree(repo.dir);
    const files: Record<string, string> = { '.controlgate.yml': 'fail-on: high\n' };
    const base = repo.commit(files, 'base');
    repo.commit({ '.controlgate.yml': 'fail-on: critical\n' }, 'raise fail-on');
    const report = await runCheck({ root: repo.dir, base, onlyRules: ['policy-change'], failOnGap: false });
    expect(report.findings.map((f) => `${f.location?.path}:${f.location?.startLine} ${f.message}`)).toEqual([
      '.controlgate.yml:1 Policy change: fail-on is raised from high to critical.',
    ]);
  }, 60_000);
});
