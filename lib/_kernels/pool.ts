/**
 * A small pool of threads for the kernels: jobs made of independent blocks, run by the calling
 * thread and the pool's workers together on one shared `WebAssembly.Memory`.
 *
 * A job is a block function, its WebAssembly modules, a shared memory and a number of blocks.
 * Every thread instantiates the modules on that memory and takes blocks from a shared counter
 * (`Atomics.add`) until none is left; the block function writes each block's result to the
 * block's own place in the memory. Which thread runs which block depends on timing, but a block's
 * result does not, and the caller combines the blocks' results in their fixed order afterwards:
 * the outcome is the same, to the bit, whatever the number of threads (one included: the calling
 * thread alone runs every block, through the same function).
 *
 * The block function is a plain, self-contained function (no references outside its body), so
 * that the workers can make it from its source text; it is type-checked and tested like any
 * other. The workers are Node's `worker_threads` (Deno has them), started once, on the first job,
 * and reused; they are `unref`-ed, so an idle pool never keeps a program from exiting. Where they
 * are missing (a browser) or fail, the calling thread runs every block itself. The calling
 * thread waits for the workers with `Atomics.wait`, which is allowed in Deno's main thread.
 *
 * Internal: only kernels use it (`crossprod_parallel.ts`).
 *
 * @module
 */

/**
 * One block of a job: `exports` are the instances of the job's modules on the job's memory,
 * `params` the job's integers, `block` the block's index and `thread` the running thread's
 * (0 for the calling thread, 1.. for the workers; each thread may own scratch memory by it).
 */
export type BlockFunction = (
  exports: WebAssembly.Exports[],
  buffer: ArrayBuffer | SharedArrayBuffer,
  params: Float64Array,
  block: number,
  thread: number,
  extra: SharedArrayBuffer | null,
) => void;

/** A job of {@linkcode runBlocks}. */
export interface BlockJob {
  /** The block function: self-contained, as the module's text says. */
  readonly run: BlockFunction;
  /** Its modules, instantiated on `memory` (imported as `m.mem`) in every thread. */
  readonly modules: readonly WebAssembly.Module[];
  /** The memory: shared (`shared: true`) for the workers to take part. */
  readonly memory: WebAssembly.Memory;
  /** The job's numbers (copied to the workers once per job). */
  readonly params: Float64Array;
  /** The number of blocks. */
  readonly blocks: number;
  /** The byte address of 16 bytes of the memory that the threads count in (4-aligned). */
  readonly control: number;
  /** Another shared buffer the block function gets (for results outside the memory), or none. */
  readonly extra?: SharedArrayBuffer | null;
}

// The control words: the next block to take, the number of workers that have finished, a failure.
const NEXT = 0, ACKS = 1, FAILED = 2;

/** The workers' program: run the blocks of each job posted to it (see {@linkcode runBlocks}). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
Atomics.store(new Int32Array(workerData.alive), workerData.thread, 1);
const made = new Map();
parentPort.on("message", (job) => {
  const c = new Int32Array(job.memory.buffer, job.control, 4);
  try {
    let run = made.get(job.source);
    if (run === undefined) made.set(job.source, run = (0, eval)("(" + job.source + ")"));
    const exports = job.modules.map((m) => new WebAssembly.Instance(m, { m: { mem: job.memory } }).exports);
    for (let b = Atomics.add(c, ${NEXT}, 1); b < job.blocks; b = Atomics.add(c, ${NEXT}, 1)) {
      run(exports, job.memory.buffer, job.params, b, workerData.thread, job.extra);
    }
  } catch (e) {
    Atomics.store(c, ${FAILED}, 1);
  }
  Atomics.add(c, ${ACKS}, 1);
  Atomics.notify(c, ${ACKS});
});
`;

/** Node's `worker_threads` Worker, as much of it as the pool uses. */
interface NodeWorker {
  postMessage(value: unknown): void;
  unref(): void;
  terminate(): Promise<number>;
  on(event: "error" | "exit", listener: () => void): void;
}
type NodeWorkerConstructor = new (
  source: string,
  options: { eval: true; workerData: { thread: number; alive: SharedArrayBuffer } },
) => NodeWorker;

/** The worker constructor, where there is one (Deno, Node), else null (a browser). */
function workerConstructor(): NodeWorkerConstructor | null {
  try {
    const proc = (globalThis as {
      process?: { getBuiltinModule?: (name: string) => { Worker?: NodeWorkerConstructor } };
    }).process;
    const Worker = proc?.getBuiltinModule?.("node:worker_threads")?.Worker;
    return typeof Worker === "function" && typeof SharedArrayBuffer === "function" ? Worker : null;
  } catch {
    return null;
  }
}

/** The default number of threads: the machine's (up to 8), counting the calling thread. */
function defaultThreads(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  return Number.isInteger(n) && n! > 0 ? Math.min(8, n!) : 1;
}

let threads = defaultThreads();
const workers: NodeWorker[] = [];
let broken = false;
/** Word t is set to 1 by worker t once it runs (so that a ready pool is known without waiting). */
let alive: Int32Array | null = null;

/**
 * The number of threads jobs run on (the calling thread included), and, given `n`, sets it:
 * 1 runs every block in the calling thread. Workers beyond the new number are stopped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { poolThreads } from "./pool.ts";
 * const before = poolThreads();
 * assert.equal(poolThreads(1), 1);
 * poolThreads(before);
 * ```
 */
export function poolThreads(n?: number): number {
  if (n !== undefined) {
    if (!Number.isInteger(n) || n < 1 || n > 64) {
      throw new RangeError(`threads must be a whole number from 1 to 64, got ${n}`);
    }
    threads = n;
    for (const w of workers.splice(n - 1)) void w.terminate();
  }
  return threads;
}

/** The workers for `threads` (started on first need), or none where they cannot be had. */
function pool(): NodeWorker[] {
  if (broken || threads <= 1) return [];
  if (workers.length < threads - 1) {
    const Worker = workerConstructor();
    if (Worker === null) return [];
    try {
      alive ??= new Int32Array(new SharedArrayBuffer(4 * 65));
      while (workers.length < threads - 1) {
        Atomics.store(alive, workers.length + 1, 0); // (a worker stopped earlier had this index)
        const w = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { thread: workers.length + 1, alive: alive.buffer as SharedArrayBuffer },
        });
        w.unref();
        w.on("error", () => {
          broken = true;
        });
        workers.push(w);
      }
    } catch {
      broken = true;
      return [];
    }
  }
  return workers;
}

/**
 * The pool's state: the number of threads, the workers started, and whether a worker has failed
 * (then every job runs in the calling thread). A block function that is not self-contained fails
 * in the workers only: the tests check that the pool is not broken after the kernels' jobs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { poolState } from "./pool.ts";
 * assert.equal(typeof poolState().broken, "boolean");
 * ```
 */
export function poolState(): { threads: number; workers: number; broken: boolean } {
  return { threads, workers: workers.length, broken };
}

/**
 * Starts the pool's workers now (they start on the first job otherwise) and waits until each has
 * run a job; returns how many answered (0 where there are none to start).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { poolThreads, startPool } from "./pool.ts";
 * assert.ok(startPool() <= poolThreads() - 1);
 * ```
 */
export function startPool(): number {
  if (typeof SharedArrayBuffer !== "function") return 0;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return 0;
  }
  const run: BlockFunction = () => {};
  return runBlocks({
    run,
    modules: [],
    memory,
    params: new Float64Array(0),
    blocks: 0,
    control: 0,
  });
}

/**
 * Whether the pool's workers have all started and can take a job at once. Until they have, a job
 * waits for them (tens of milliseconds, once per process; {@linkcode startPool} starts them).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { poolReady, poolState, poolThreads, startPool } from "./pool.ts";
 * startPool();
 * assert.equal(poolReady(), poolThreads() > 1 && poolState().workers > 0);
 * ```
 */
export function poolReady(): boolean {
  if (broken || threads <= 1 || workers.length < threads - 1 || alive === null) return false;
  for (let t = 1; t < threads; t++) if (Atomics.load(alive, t) === 0) return false;
  return true;
}

/** How long the calling thread waits for a worker before giving up on the pool (ms). */
const PATIENCE = 60_000;

/**
 * Runs every block of `job` once, on the pool's threads and the calling thread, and returns when
 * all are done (the number of workers that took part, 0 when the calling thread ran them alone).
 * A worker that fails or does not answer takes the pool out of use; the calling thread then runs
 * every block itself (blocks must be safe to run again).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runBlocks } from "./pool.ts";
 * // Block b writes b² into word 4 + b of a shared memory (the first four words are the control).
 * const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
 * const run = (_e: WebAssembly.Exports[], buf: ArrayBuffer | SharedArrayBuffer, _p: Float64Array, b: number) => {
 *   new Int32Array(buf)[4 + b] = b * b;
 * };
 * runBlocks({ run, modules: [], memory, params: new Float64Array(0), blocks: 10, control: 0 });
 * assert.deepEqual(Array.from(new Int32Array(memory.buffer, 16, 10)), [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
 * ```
 */
export function runBlocks(job: BlockJob): number {
  return startBlocks(job)();
}

/**
 * {@linkcode runBlocks} in two halves: posts `job` to the pool's workers, which start on its
 * blocks at once, and returns `join`, which runs the blocks left in the calling thread, waits for
 * the workers and returns how many took part. Between the two the calling thread is free for
 * other work (not another job). Where the workers have not started yet, `join` waits for them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startBlocks } from "./pool.ts";
 * const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
 * const run = (_e: WebAssembly.Exports[], buf: ArrayBuffer | SharedArrayBuffer, _p: Float64Array, b: number) => {
 *   new Int32Array(buf)[4 + b] = b + 1;
 * };
 * const join = startBlocks({ run, modules: [], memory, params: new Float64Array(0), blocks: 3, control: 0 });
 * join();
 * assert.deepEqual(Array.from(new Int32Array(memory.buffer, 16, 3)), [1, 2, 3]);
 * ```
 */
export function startBlocks(job: BlockJob): () => number {
  const shared = typeof SharedArrayBuffer === "function" &&
    job.memory.buffer instanceof SharedArrayBuffer;
  const helpers = shared ? pool() : [];
  const c = new Int32Array(job.memory.buffer, job.control, 4);
  c[NEXT] = c[ACKS] = c[FAILED] = 0;
  const extra = job.extra ?? null;
  const instances = () =>
    job.modules.map((m) => new WebAssembly.Instance(m, { m: { mem: job.memory } }).exports);
  if (helpers.length === 0) {
    return () => {
      const exports = instances();
      for (let b = 0; b < job.blocks; b++) {
        job.run(exports, job.memory.buffer, job.params, b, 0, extra);
      }
      return 0;
    };
  }
  const message = {
    source: job.run.toString(),
    modules: job.modules,
    memory: job.memory,
    params: job.params,
    blocks: job.blocks,
    control: job.control,
    extra,
  };
  for (const w of helpers) w.postMessage(message);
  return () => {
    const exports = instances();
    for (let b = Atomics.add(c, NEXT, 1); b < job.blocks; b = Atomics.add(c, NEXT, 1)) {
      job.run(exports, job.memory.buffer, job.params, b, 0, extra);
    }
    const started = Date.now();
    for (let acks = Atomics.load(c, ACKS); acks < helpers.length; acks = Atomics.load(c, ACKS)) {
      if (Date.now() - started > PATIENCE || broken) {
        c[FAILED] = 1;
        break;
      }
      Atomics.wait(c, ACKS, acks, 100);
    }
    if (c[FAILED] !== 0) {
      // Out of use from now on; this job's blocks, all of them, in this thread.
      broken = true;
      for (const w of workers.splice(0)) void w.terminate();
      for (let b = 0; b < job.blocks; b++) {
        job.run(exports, job.memory.buffer, job.params, b, 0, extra);
      }
      return 0;
    }
    return helpers.length;
  };
}

/**
 * The memory of the last released source, kept a few seconds for the next fit to reuse (and then
 * left to the garbage collector, so that an idle program does not hold it).
 */
let spare: WebAssembly.Memory | null = null;
let spareTimer: ReturnType<typeof setTimeout> | undefined;
const SPARE_MS = 5000;

/**
 * A shared memory of at least `bytes`: the spare one if large enough, else a new one (which
 * throws where shared memory is not available or not that large). Its contents are not cleared.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recycleMemory, sharedMemory } from "./pool.ts";
 * const m = sharedMemory(100_000);
 * recycleMemory(m);
 * assert.equal(sharedMemory(70_000), m); // the spare, reused
 * ```
 */
export function sharedMemory(bytes: number): WebAssembly.Memory {
  if (spare !== null && spare.buffer.byteLength >= bytes) {
    const m = spare;
    spare = null;
    return m;
  }
  const pages = Math.ceil(bytes / 65536);
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}

/**
 * Keeps `m` as the spare memory for the next {@linkcode sharedMemory} (for `SPARE_MS`, unless a
 * larger one is kept): a fit's first touch of a fresh memory costs about as much as a pass over
 * it. The caller must not use `m` afterwards.
 */
export function recycleMemory(m: WebAssembly.Memory): void {
  if (spare !== null && spare.buffer.byteLength > m.buffer.byteLength) return;
  spare = m;
  clearTimeout(spareTimer);
  spareTimer = setTimeout(() => {
    spare = null;
  }, SPARE_MS);
  // An unreferenced timer does not keep Deno (or Node) running.
  const deno = (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno;
  if (deno?.unrefTimer !== undefined) deno.unrefTimer(spareTimer as unknown as number);
  else (spareTimer as unknown as { unref?: () => void }).unref?.();
}
