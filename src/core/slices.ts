/**
 * The per-file rules over a large tree, slice by slice, on more than one thread. The files are cut
 * into slices of CHUNK_FILES; the engine's thread and the slice workers take slices from one shared
 * queue (see {@link SliceQueue}), so whichever thread is free takes another. A worker reads the files itself (the
 * same bounded, symlink-refusing reads) and sends back, per slice, each rule's raw findings and the
 * input problems it recorded; the engine puts them back in slice order, so the report is the same
 * whichever thread evaluated which slice. A worker that fails costs time, not results: the engine
 * evaluates whatever slices it did not deliver.
 */
import { availableParallelism } from 'node:os';
import { type MessagePort, parentPort, Worker, workerData } from 'node:worker_threads';
import { type RuleOutcome, type RunAccess, runEvaluator } from './evaluate-rule.js';
import type { PolicyProblems } from './evaluators/types.js';
import type { Rule } from './types.js';
import { AskingView, FocusedWorkspace } from './workspace/focus.js';
import { type Inheritance, type InputProblem, Workspace } from './workspace/workspace.js';

/** Files per slice. */
export const CHUNK_FILES = 2000;

/** Everything a worker needs; structured-cloned, except `queue`, which the threads share. */
export interface SliceJob {
  root: string;
  maxFileBytes: number;
  /** The workspace's files (after include and exclude), in index order. */
  files: readonly string[];
  /** Files the workspace inherits from the repository's top (see `Inheritance`). */
  inherited?: Inheritance;
  rules: readonly Rule[];
  /** By rule: whether to record the existence questions it asks (for the results cache). */
  asking?: readonly boolean[];
  /** The run's repository (see `EvaluatorContext.repository`). */
  repository?: string;
  /** The {@link SliceQueue}'s shared memory. */
  queue: SharedArrayBuffer;
}

export interface SliceResult {
  slice: number;
  /**
   * One per rule of the job, in its order. What each examined is by position in the job's file list,
   * which is the engine's tree's, so positions mean the same file on every thread.
   */
  outcomes: RuleOutcome[];
  /** Input problems recorded while evaluating the slice, not sent before. */
  problems: InputProblem[];
}

export type WorkerMessage = SliceResult | { done: true };

/** The part of a `Worker` the engine uses (a test may hand it something else that behaves so). */
export interface SliceWorker {
  postMessage(job: SliceJob): void;
  on(event: 'message', listener: (message: WorkerMessage) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  terminate(): unknown;
}

/**
 * A worker's old space, in MB: a worker holds one slice's texts and the memos of the files it saw,
 * and a bounded heap is collected sooner (measured with `npm run bench`: peak RSS of a two-thread
 * full check 320 MB unbounded, 265-285 MB at 96 MB, same time). A slice whose texts do not fit ends
 * the worker, and the engine evaluates it itself.
 */
const WORKER_OLD_SPACE_MB = 96;

/** Marks a worker started to serve slices (see {@link isSliceWorker}). */
const WORKER_DATA = 'controlgate-slices';

/** Threads that share the per-file rules over a large tree. */
export interface SliceThreads {
  spawn: () => SliceWorker;
  /** Workers besides the engine's own thread. */
  count: number;
}

/** Threads used when none are asked for: one per CPU, at most four (reads contend beyond that). */
export function defaultJobs(): number {
  return Math.min(availableParallelism(), 4);
}

/**
 * `jobs` threads in all (the engine's own and `jobs - 1` workers), each worker started from
 * `script`: an entry that calls {@link serveSlices} when {@link isSliceWorker}. Undefined for one.
 */
export function sliceThreads(script: string | URL, jobs = defaultJobs()): SliceThreads | undefined {
  if (jobs <= 1) return undefined;
  return {
    spawn: () =>
      new Worker(new URL(script), {
        workerData: WORKER_DATA,
        resourceLimits: { maxOldGenerationSizeMb: WORKER_OLD_SPACE_MB },
      }) as SliceWorker,
    count: jobs - 1,
  };
}

/** Whether this thread was started as a slice worker (see {@link sliceThreads}). */
export function isSliceWorker(): boolean {
  return parentPort !== null && workerData === WORKER_DATA;
}

/** How many slices `files` files make. */
export function sliceCount(files: number): number {
  return Math.ceil(files / CHUNK_FILES);
}

/** The files of one slice. */
export function sliceFiles(files: readonly string[], slice: number): string[] {
  return files.slice(slice * CHUNK_FILES, (slice + 1) * CHUNK_FILES);
}

/**
 * The slices no thread has taken yet, `[front, end)`, in memory every thread shares. The engine's
 * thread takes from the front, where the configuration files it parsed already for the cross-file
 * rules sort (`.github/` first); workers take from the end.
 */
export class SliceQueue {
  private readonly state: BigInt64Array;

  /** A queue of `count` slices, or (`count` omitted) the view of a queue another thread made. */
  constructor(
    readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(8),
    count?: number,
  ) {
    this.state = new BigInt64Array(buffer);
    if (count !== undefined) Atomics.store(this.state, 0, BigInt(count) << 32n);
  }

  /** The first slice not taken, or -1 when none is left. */
  takeFront(): number {
    return this.take(true);
  }

  /** The last slice not taken, or -1 when none is left. */
  takeBack(): number {
    return this.take(false);
  }

  private take(front: boolean): number {
    for (;;) {
      const now = Atomics.load(this.state, 0);
      const first = Number(now & 0xffffffffn);
      const end = Number(now >> 32n);
      if (first >= end) return -1;
      const after = front
        ? (BigInt(end) << 32n) | BigInt(first + 1)
        : (BigInt(end - 1) << 32n) | BigInt(first);
      if (Atomics.compareExchange(this.state, 0, now, after) === now) return front ? first : end - 1;
    }
  }
}

/**
 * Every rule over one slice, then the slice's texts are released. `policy` must not hand out the
 * engine's problems: those belong to the rule once, not once per slice.
 */
export async function evaluateSlice(
  workspace: Workspace,
  files: readonly string[],
  rules: readonly Rule[],
  policy: PolicyProblems,
  run: RunAccess = {},
  /** By rule: whether to record the existence questions it asks (see `RuleOutcome.asked`). */
  asking?: readonly boolean[],
): Promise<RuleOutcome[]> {
  // The files of a slice are the workspace's own (sliceFiles, or those a results cache lacks).
  const view = asking?.some(Boolean)
    ? new AskingView(workspace, files, true)
    : new FocusedWorkspace(workspace, files, true);
  const outcomes: RuleOutcome[] = [];
  for (const [i, rule] of rules.entries()) {
    const asked = asking?.[i] ? new Map<string, boolean>() : undefined;
    if (view instanceof AskingView) view.asked = asked;
    const outcome = await runEvaluator(rule, view, policy, run);
    if (asked) outcome.asked = [...asked];
    outcomes.push(outcome);
  }
  workspace.release(files);
  return outcomes;
}

/** Policy problems for slices: none (the engine adds the rule's own once); no base tree. */
export const SLICE_POLICY: PolicyProblems = { of: () => [] };

/**
 * A worker's side: takes one job, then slices until none is left, posting each slice's result and
 * finally `{ done: true }`. `port` defaults to the worker's parent port.
 */
export function serveSlices(port: MessagePort | null = parentPort): void {
  if (!port) throw new Error('serveSlices: not in a worker');
  port.once('message', (job: SliceJob) => {
    void serveJob(job, (m) => port.postMessage(m)).catch((err: unknown) => {
      // Said on the worker's error channel: the engine evaluates the slices it lacks.
      queueMicrotask(() => {
        throw err;
      });
    });
  });
}

/** Takes slices of `job` until none is left, posting each slice's result, then `{ done: true }`. */
export async function serveJob(job: SliceJob, post: (message: WorkerMessage) => void): Promise<void> {
  const workspace = new Workspace(job.root, {
    files: job.inherited ? job.files.filter((f) => !job.inherited!.files.includes(f)) : job.files,
    maxFileBytes: job.maxFileBytes,
    ...(job.inherited ? { inherited: job.inherited } : {}),
  });
  const queue = new SliceQueue(job.queue);
  const sent = new Set<string>();
  for (let slice = queue.takeBack(); slice >= 0; slice = queue.takeBack()) {
    const files = sliceFiles(job.files, slice);
    const run = job.repository ? { repository: job.repository } : {};
    const outcomes = await evaluateSlice(workspace, files, job.rules, SLICE_POLICY, run, job.asking);
    // No later slice reads these files: their scans and parses go (an entry per file otherwise).
    workspace.forget(files);
    const problems = workspace.inputProblems().filter((p) => !sent.has(p.path));
    for (const p of problems) sent.add(p.path);
    post({ slice, outcomes, problems });
  }
  post({ done: true });
}

/**
 * Slice workers at work on a job. Once the engine's thread has found no slice left, `collect` waits
 * for the results of every slice it did not take itself, then stops the workers. A slice that a
 * worker took but never delivered (it failed) is missing from the answer.
 */
export class SlicePool {
  private readonly results = new Map<number, SliceResult>();
  private readonly workers: SliceWorker[] = [];
  private running = 0;
  private waiting?: () => void;
  private awaited = new Set<number>();
  /** Why workers stopped early, for the debug log. */
  readonly failures: string[] = [];

  /**
   * `fold` takes each delivered slice's outcomes as they arrive (before they are kept until
   * {@link collect}): the engine folds what they examined into its tallies there.
   */
  constructor(
    spawn: () => SliceWorker,
    count: number,
    private readonly fold: (outcomes: RuleOutcome[]) => void,
    job: SliceJob,
  ) {
    for (let i = 0; i < count; i++) {
      let worker: SliceWorker;
      try {
        worker = spawn();
      } catch (err) {
        this.failures.push(String(err));
        continue;
      }
      this.running += 1;
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        this.running -= 1;
        this.wake();
      };
      worker.on('message', (m) => {
        if ('done' in m) finish();
        else {
          this.fold(m.outcomes);
          this.results.set(m.slice, m);
          this.wake();
        }
      });
      worker.on('error', (err) => {
        this.failures.push(err.message);
        finish();
      });
      worker.on('exit', finish);
      worker.postMessage(job);
      this.workers.push(worker);
    }
  }

  async collect(count: number, taken: ReadonlySet<number>): Promise<Map<number, SliceResult>> {
    this.awaited = new Set([...Array(count).keys()].filter((i) => !taken.has(i)));
    await new Promise<void>((resolve) => {
      this.waiting = resolve;
      this.wake();
    });
    this.stop();
    return this.results;
  }

  /** Stops every worker (idempotent). */
  stop(): void {
    for (const w of this.workers.splice(0)) w.terminate();
  }

  private wake(): void {
    if (!this.waiting) return;
    const complete = [...this.awaited].every((i) => this.results.has(i));
    if (complete || this.running === 0) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve();
    }
  }
}
