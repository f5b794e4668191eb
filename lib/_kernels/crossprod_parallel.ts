/**
 * The normal equations `A = XᵀWX`, `b = XᵀWz` of a large fit on all the machine's cores: the
 * cross-product kernel of `crossprod.ts` run over fixed blocks of rows by the threads of
 * `pool.ts`, on one shared `WebAssembly.Memory` that holds a copy of X (made once per fit) and the
 * rows' √w and √w·z.
 *
 * The rows are cut into blocks of `BLOCK_CHUNKS` chunks (a chunk being `crossprod.ts`'s: about
 * 256 KiB of X). Each block is summed on its own, chunk after chunk, into its own place in the
 * memory, by whichever thread takes it; then the calling thread adds the blocks' sums in block
 * order. The blocks depend on N and K only, so `A` and `b` are the same to the bit whatever the
 * number of threads, one included, and from run to run (tested). They differ from the
 * single-block order of `crossprod.ts` by rounding only.
 *
 * Internal: only `glm/engine.ts` and the fused passes (`fused_irls.ts`) use it.
 *
 * @module
 */

import {
  type Crossprod,
  crossprodResult,
  crossprodSharedModule,
  type RowWeights,
  sharedAccRows,
} from "./crossprod.ts";
import { type BlockFunction, recycleMemory, runBlocks, sharedMemory } from "./pool.ts";

/**
 * Chunks per block (here and in `fused_parallel.ts`): enough blocks for the threads to share, few
 * enough to add up quickly.
 */
export const BLOCK_CHUNKS = 8;

/** A source of the normal equations, as `glm/normal_equations.ts` describes them. */
export interface ParallelCrossprod {
  /** A and b at the weights `fill` writes (called once, for all rows: `fill(0, N, sw, zw)`). */
  computeRows(fill: RowWeights): Crossprod;
  /**
   * Hands its memory back for the next fit (the source must not be used after): a fit's first
   * touch of a fresh memory of this size costs about as much as a pass over it.
   */
  release(): void;
}

/**
 * One block: rows `block · BLOCK_CHUNKS · chunkRows` onward, chunk by chunk (the kernel writes
 * each chunk of X times √w into the block's scratch), summed into the block's place:
 * VᵀV (kp × kp), Vᵀ√w and Vᵀz√w (2 kp), Σw and Σ√w·z√w (for an intercept). Self-contained, as
 * `pool.ts` requires.
 */
const crossprodBlock: BlockFunction = (exports, buffer, params, block) => {
  const [n, k, kp, chunkRows, blockChunks, xAt, swAt, zwAt, slotAt, slotBytes, intercept] = params;
  const accSize = params[11]; // the accumulator's doubles (sharedAccRows(k) rows of kp)
  const chunk = exports[0].chunk as (...args: number[]) => void;
  const heap = new Float64Array(buffer);
  const accAt = slotAt + block * slotBytes, gAt = accAt + accSize * 8;
  const sumsAt = gAt + 2 * kp * 8, vAt = sumsAt + 16;
  heap.fill(0, accAt / 8, vAt / 8);
  const first = block * blockChunks * chunkRows;
  const last = Math.min(n, first + blockChunks * chunkRows);
  let sww = 0, swz = 0;
  for (let i0 = first; i0 < last; i0 += chunkRows) {
    const m = Math.min(chunkRows, last - i0);
    if (intercept) {
      for (let i = swAt / 8 + i0, j = zwAt / 8 + i0, e = i + m; i < e; i++, j++) {
        sww += heap[i] * heap[i];
        swz += heap[i] * heap[j];
      }
    }
    chunk(vAt, swAt + i0 * 8, zwAt + i0 * 8, accAt, gAt, k, kp, m, xAt + i0 * k * 8);
  }
  heap[sumsAt / 8] = sww;
  heap[sumsAt / 8 + 1] = swz;
};

/**
 * The layout of the shared memory for N × K (byte addresses): the copy of X, √w, z√w, the blocks'
 * places (sums and scratch), and the total.
 */
function layout(n: number, k: number) {
  const kp = (k + 3) & ~3, accSize = sharedAccRows(k) * kp;
  const chunkRows = Math.max(4, Math.min(n, Math.floor(32768 / k)));
  const blocks = Math.ceil(n / (BLOCK_CHUNKS * chunkRows));
  const slotBytes = (accSize + 2 * kp + 2 + chunkRows * k) * 8 + 64;
  const xAt = 64, swAt = xAt + n * k * 8, zwAt = swAt + n * 8, slotAt = zwAt + n * 8;
  return {
    kp,
    accSize,
    chunkRows,
    blocks,
    slotBytes,
    xAt,
    swAt,
    zwAt,
    slotAt,
    bytes: slotAt + blocks * slotBytes,
  };
}

/**
 * The bytes of shared memory {@linkcode parallelCrossprod} takes for N × K: a copy of X, N √w and
 * N z√w, and per block its sums and a chunk of scratch.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parallelCrossprodBytes } from "./crossprod_parallel.ts";
 * assert.ok(parallelCrossprodBytes(1_000_000, 10) > 96e6); // X: 80 MB, the weights: 16 MB
 * ```
 */
export function parallelCrossprodBytes(n: number, k: number): number {
  return layout(n, k).bytes;
}

/**
 * Adds up the blocks' sums in block order — each block's place starting with its VᵀV
 * (`sharedAccRows(k)` rows of kp),
 * Vᵀ√w and Vᵀz√w (2 kp), Σw and Σ√w·z√w — into `acc` and `g` (scratch of kp² and 2 kp), and
 * writes A and b into `out` (`crossprodResult`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { foldBlocks } from "./crossprod_parallel.ts";
 * // Two blocks of one column: places of 24 (6 rows of kp = 4) + 8 + 2 doubles, 34 apart.
 * const heap = new Float64Array(68);
 * heap.set([2], 0); heap.set([3], 24); heap.set([5], 28); heap.set([1, 4], 32); // Σx², Σx, Σxz, Σw, Σz
 * heap.set([1], 34); heap.set([1], 58); heap.set([2], 62); heap.set([1, 1], 66);
 * const out = { A: new Float64Array(4), b: new Float64Array(2), p: 2 };
 * foldBlocks(heap, 0, 34 * 8, 2, 1, true, new Float64Array(16), new Float64Array(8), out);
 * assert.deepEqual(Array.from(out.A), [2, 4, 4, 3]);
 * assert.deepEqual(Array.from(out.b), [5, 7]);
 * ```
 */
export function foldBlocks(
  heap: Float64Array,
  slotAt: number,
  slotBytes: number,
  blocks: number,
  k: number,
  intercept: boolean,
  acc: Float64Array,
  g: Float64Array,
  out: Crossprod,
): void {
  const kp = (k + 3) & ~3, gAt = sharedAccRows(k) * kp; // (rows beyond kp are scratch)
  acc.fill(0);
  g.fill(0);
  let sww = 0, swz = 0;
  for (let blk = 0; blk < blocks; blk++) {
    const at = (slotAt + blk * slotBytes) / 8;
    for (let i = 0; i < kp * kp; i++) acc[i] += heap[at + i];
    for (let i = 0; i < 2 * kp; i++) g[i] += heap[at + gAt + i];
    sww += heap[at + gAt + 2 * kp];
    swz += heap[at + gAt + 2 * kp + 1];
  }
  crossprodResult(out, acc, g, sww, swz, k, intercept);
}

/** The largest shared memory asked for (bytes): wasm32's 4 GiB less a page. */
const MAX_BYTES = 65535 * 65536;

/**
 * The parallel normal equations of X (with a leading column of ones when `intercept`), or
 * `undefined` where shared WebAssembly memory or the kernel is not available, or X does not fit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parallelCrossprod } from "./crossprod_parallel.ts";
 * const X = { rows: 3, cols: 2, data: Float64Array.of(1, 2, 3, 4, 5, 6) };
 * const cp = parallelCrossprod(X, true);
 * if (cp) {
 *   // Weights w = (1, 4, 9), working response z = (1, 0, 1): the fill writes √w and √w·z.
 *   const { A, b } = cp.computeRows((_s, _n, sw, zw) => { sw.set([1, 2, 3]); zw.set([1, 0, 3]); });
 *   assert.ok(A[0] === 14 && A[1] === 1 + 12 + 45 && A[4] === 1 + 36 + 225);
 *   assert.ok(b[0] === 10 && b[2] === 2 + 54);
 * }
 * ```
 */
export function parallelCrossprod(
  X: { rows: number; cols: number; data: Float64Array },
  intercept: boolean,
): ParallelCrossprod | undefined {
  const mod = crossprodSharedModule();
  if (mod === null) return undefined;
  const n = X.rows, k = X.cols, off = intercept ? 1 : 0, p = k + off;
  const L = layout(n, k);
  const { kp, accSize, chunkRows, blocks, slotBytes, xAt, swAt, zwAt, slotAt, bytes } = L;
  if (bytes > MAX_BYTES) return undefined;
  let memory: WebAssembly.Memory;
  try {
    memory = sharedMemory(bytes);
  } catch {
    return undefined; // no shared memory here, or not that much
  }
  const heap = new Float64Array(memory.buffer);
  heap.set(X.data, xAt / 8);
  const sw = heap.subarray(swAt / 8, swAt / 8 + n), zw = heap.subarray(zwAt / 8, zwAt / 8 + n);
  const params = Float64Array.of(
    n,
    k,
    kp,
    chunkRows,
    BLOCK_CHUNKS,
    xAt,
    swAt,
    zwAt,
    slotAt,
    slotBytes,
    off,
    accSize,
  );
  const job = { run: crossprodBlock, modules: [mod], memory, params, blocks, control: 0 };
  const A = new Float64Array(p * p), b = new Float64Array(p);
  const acc = new Float64Array(kp * kp), g = new Float64Array(2 * kp);
  const result: Crossprod = { A, b, p };
  let released = false;
  return {
    computeRows(fill: RowWeights): Crossprod {
      if (released) throw new Error("parallelCrossprod: used after release()");
      fill(0, n, sw, zw);
      runBlocks(job);
      foldBlocks(heap, slotAt, slotBytes, blocks, k, intercept, acc, g, result);
      return result;
    },
    release() {
      if (released) return;
      released = true;
      recycleMemory(memory);
    },
  };
}
