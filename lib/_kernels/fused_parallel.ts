/**
 * The fused passes of `fused_irls.ts` for the logit on all cores: each pass over X — η = Xβ, the
 * row kernel's μ, unit deviances and working weights (`logit_rows_wasm.ts`), and the next XᵀWX
 * and XᵀWz (`crossprod.ts`) — is cut into fixed blocks of rows that the threads of `pool.ts` take
 * in turn, on one shared `WebAssembly.Memory` holding a copy of X and the rows.
 *
 * A block goes through its chunks of rows (a chunk being `crossprod.ts`'s: about 256 KiB of X)
 * as the single-thread passes do: the chunk of X is copied into the block's scratch, η computed
 * from it (each row's terms added in column order after β₀, then the offset: the same sums as
 * `fused_rows.ts`), the row kernel run on the chunk's rows, its sums added with compensation to
 * the block's, and the chunk's √W X summed into the block's XᵀWX. Afterwards the calling thread
 * adds the blocks' sums in block order. The blocks depend on N and K only, so a fit is the same
 * to the bit whatever the number of threads (tested); it differs from the single-thread passes by
 * rounding only (the order of the sums).
 *
 * The row kernel works on pairs of rows: an odd N gets one more row of zeros with weight 0 and
 * η = 0, which adds nothing (its unit deviance is 0·log 2, its √W 0, its μ ½) and is not in the
 * results. The memory is handed back for the next fit when the fit ends (`pool.ts`'s
 * `recycleMemory`), so the fit's rows are copied out of it first.
 *
 * Internal: only `fused_irls.ts` uses it.
 *
 * @module
 */

import {
  type Crossprod,
  crossprodSharedModule,
  type RowWeights,
  sharedAccRows,
} from "./crossprod.ts";
import { logitRowsSharedModule, RUN } from "./logit_rows_wasm.ts";
import { type BlockFunction, recycleMemory, runBlocks, sharedMemory } from "./pool.ts";
import { BLOCK_CHUNKS, foldBlocks } from "./crossprod_parallel.ts";
import { addCompensated, copyResponse, entropies } from "./fused_rows.ts";
import { newPass, startChunk } from "./fused_start.ts";
import { etaModules } from "./eta_wasm.ts";
import type { FusedInput, Pass } from "./fused_types.ts";

// The job's numbers (`params`) after the first eleven (n, k, kp, rows per chunk, chunks per block,
// the addresses of X and η, the rows' stride, the blocks' place and size, the chunk's stride).
const INTERCEPT = 11, ETA = 12, BETA_AT = 13, OFFSET = 14, SYSTEM = 15, STORE = 16, NULL_TOO = 17;
const NPAD = 18, COPY_Y = 19, ACC_SIZE = 20;

/**
 * One block of a pass (see the module's text). A block's place holds, in doubles: XᵀWX (kp²),
 * Vᵀ√w and Vᵀz√w (2 kp), its sums (12: Σw, Σ√w·z√w, the deviance and its compensation, the null
 * deviance and its compensation, the log-likelihood and its compensation, the exceptions, the
 * least and the greatest μ), the row kernel's 10 accumulators, √W and z√W of a chunk (`zStride`
 * bytes each), and the chunk of X. Self-contained, as `pool.ts` requires.
 */
const fusedBlock: BlockFunction = (exports, buffer, q, block, _thread, out) => {
  const chunkFn = exports[0].chunk as (...args: number[]) => void;
  const rows = exports[1].rows as (p: number, q: number, end: number, acc: number) => void;
  const rowsAtOffset = exports[2].rows as (p: number, q: number, end: number, acc: number) => void;
  const etaFn = exports[3].eta as (...args: number[]) => void;
  const sumsFn = exports[4].sums as (...args: number[]) => void;
  const h = new Float64Array(buffer);
  // The job's numbers, in the order of the indices above (which this function cannot see).
  const [n, k, kp, chunkRows, blockChunks, xAt, etaAt, stride, slotAt, slotBytes, zStride] = q;
  const [off, etaToo, betaAt, hasOffset, system, store, nullToo, npad, copyY, accSize] = q
    .subarray(11);
  const aAt = slotAt + block * slotBytes, gAt = aAt + accSize * 8;
  const S = (gAt + 2 * kp * 8) / 8, R = S + 12;
  const swAt = (R + 10) * 8, zwAt = swAt + zStride, vAt = swAt + 2 * zStride;
  if (system) h.fill(0, aAt / 8, S);
  h.fill(0, S, S + 9);
  h[S + 9] = Infinity;
  h[S + 10] = -Infinity;
  /** Neumaier's compensated addition of d to h[at] (sum) and h[at + 1] (compensation). */
  const add = (at: number, d: number) => {
    const s = h[at], t = s + d;
    h[at + 1] += Math.abs(s) >= Math.abs(d) ? (s - t) + d : (d - t) + s;
    h[at] = t;
  };
  const reset = () => {
    h.fill(0, R, R + 6);
    h[R + 6] = h[R + 7] = Infinity;
    h[R + 8] = h[R + 9] = -Infinity;
  };
  const eta = etaAt / 8, offsetAt = etaAt + 3 * stride;
  const first = block * blockChunks * chunkRows;
  const last = Math.min(npad, first + blockChunks * chunkRows);
  for (let i0 = first; i0 < last; i0 += chunkRows) {
    const m = Math.min(chunkRows, last - i0);
    if (etaToo) {
      // η = Xβ (+ offset) from the copy; the padding row keeps η = 0.
      etaFn(xAt + 8 * i0 * k, betaAt, etaAt + 8 * i0, offsetAt + 8 * i0, k, m, off, hasOffset);
      if (i0 + m > n) h[eta + n] = 0;
    }
    const p = etaAt + 8 * i0, pEnd = p + 8 * m;
    if (nullToo) {
      reset();
      rowsAtOffset(p, swAt, pEnd, R * 8);
      add(S + 4, h[R] + h[R + 1]);
    }
    reset();
    rows(p, swAt, pEnd, R * 8);
    add(S + 2, h[R] + h[R + 1]);
    // The fit's rows into `out` (η, μ, the residuals, y; N each): y in the start pass, the others
    // in every pass that stores them (the fit's last pass is one).
    const real = Math.min(n, i0 + m) - i0, o = out === null ? null : new Float64Array(out);
    if (o !== null && copyY) {
      o.set(h.subarray(eta + stride / 8 + i0, eta + stride / 8 + i0 + real), 3 * n + i0);
    }
    if (store && o !== null) {
      for (const [b, to] of [[0, 0], [5, n], [6, 2 * n]]) {
        o.set(h.subarray(eta + b * (stride / 8) + i0, eta + b * (stride / 8) + i0 + real), to + i0);
      }
    }
    if (store) {
      add(S + 6, h[R + 2] + h[R + 3]);
      h[S + 8] += h[R + 4] + h[R + 5];
      h[S + 9] = Math.min(h[S + 9], h[R + 6], h[R + 7]);
      h[S + 10] = Math.max(h[S + 10], h[R + 8], h[R + 9]);
    }
    if (system) {
      if (off) {
        sumsFn(swAt, zwAt, m, R * 8); // into the row kernel's accumulators, used by now
        h[S] += h[R] + h[R + 1];
        h[S + 1] += h[R + 2] + h[R + 3];
      }
      chunkFn(vAt, swAt, zwAt, aAt, gAt, k, kp, m, xAt + 8 * i0 * k);
    }
  }
};

/** The parallel passes of one fit: its pass state, the source of its systems, and the rest. */
export interface ParallelFused {
  /** The pass state the loop reads (its rows are views of the shared memory until `release`). */
  readonly pass: Pass;
  /** Whether some |w·y − round(w·y)| > 0.001 (R's "non-integer" warning). */
  readonly nonInteger: boolean;
  /**
   * The normal equations of a pass: `computeRows(fill)` runs a pass over all rows (the start
   * with `pass.beta` null, else η = Xβ) that also sums the deviance; given `stored` as the fill,
   * the system at the stored η instead (the deviance sums untouched).
   */
  readonly source: { computeRows(fill: RowWeights): Crossprod };
  /** The fill that asks `source` for a pass. */
  readonly fill: RowWeights;
  /** The fill that asks `source` for the system at the stored η. */
  readonly stored: RowWeights;
  /** A pass without a system that stores μ and the deviance residuals and sums R's log-likelihood. */
  updateOnly(): void;
  /** The fit's rows and prior weights and offset, copied out of the shared memory. */
  rows(): {
    y: Float64Array;
    eta: Float64Array;
    mu: Float64Array;
    dev: Float64Array;
    weights: Float64Array | null;
    offset: Float64Array | null;
  };
  /** Hands the shared memory back (nothing may be read from `pass` afterwards). */
  release(): void;
}

/**
 * The shared memory's layout for N × K (byte addresses): the copy of X (N rounded up to even
 * rows), the seven row buffers (η, y, w, offset, H(y), μ, the deviances; `nb` doubles apart), β,
 * and the blocks' places.
 */
function layout(n: number, k: number) {
  const npad = n + (n & 1), kp = (k + 3) & ~3;
  const chunkRows = Math.max(4, Math.floor(32768 / Math.max(1, k))) & ~1;
  const c = chunkRows + 2, nb = npad + 2, stride = 8 * nb, zStride = 8 * c;
  const blocks = Math.ceil(npad / (BLOCK_CHUNKS * chunkRows));
  const accSize = sharedAccRows(k) * kp; // the accumulator's doubles
  const slotBytes = (accSize + 2 * kp + 12 + 10 + 2 * c + chunkRows * k) * 8 + 64;
  const xAt = 64, etaAt = xAt + npad * k * 8, betaAt = etaAt + 7 * stride;
  const slotAt = betaAt + Math.ceil(((k + 1) * 8) / 64) * 64;
  const bytes = slotAt + blocks * slotBytes;
  return {
    npad,
    kp,
    accSize,
    chunkRows,
    c,
    nb,
    stride,
    zStride,
    blocks,
    slotBytes,
    xAt,
    etaAt,
    betaAt,
    slotAt,
    bytes,
  };
}

/**
 * The bytes of shared memory the parallel passes of an N × K fit take (kept for the next fit when
 * it ends): a copy of X, seven buffers of N doubles, and per block its sums and a chunk of
 * scratch.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parallelFusedBytes } from "./fused_parallel.ts";
 * assert.ok(parallelFusedBytes(1_000_000, 10) > 136e6); // X: 80 MB, the rows: 56 MB
 * ```
 */
export function parallelFusedBytes(n: number, k: number): number {
  return layout(n, k).bytes;
}

/** The largest shared memory asked for (bytes): wasm32's 4 GiB less a page. */
const MAX_BYTES = 65535 * 65536;

/**
 * The parallel passes for a logit fit on the normal equations, or null where they cannot run
 * (another link, no row kernel asked for, no shared WebAssembly memory or SIMD, too large).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parallelFused } from "./fused_parallel.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const link = { name: "logit", linkfun: (m: number) => Math.log(m / (1 - m)),
 *   linkinv: (e: number) => 1 / (1 + Math.exp(-e)), muEta: (e: number) => Math.exp(e) / (1 + Math.exp(e)) ** 2 };
 * const par = parallelFused({ X: fromRows([[1], [2], [3]]), intercept: false, link, y: [1, 0, 1],
 *   weights: null, offset: null, maxit: 25, epsilon: 1e-8, nullAtOffset: false });
 * if (par !== null) {
 *   par.pass.beta = Float64Array.of(0); // η = 0: μ = ½, √w = ½, z√w = ±1
 *   const { A, b } = par.source.computeRows(par.fill);
 *   assert.ok(A[0] === (1 + 4 + 9) / 4 && b[0] === (1 - 2 + 3) / 2);
 *   assert.ok(Math.abs(par.pass.acc[0] + par.pass.acc[1] - 6 * Math.LN2) < 1e-15);
 *   par.release();
 * }
 * ```
 */
export function parallelFused(inp: FusedInput): ParallelFused | null {
  if (inp.link.name !== "logit" || inp.rowKernel === false) return null;
  const X = inp.X, n = X.rows, k = X.cols;
  const L = layout(n, k);
  const { npad, kp, chunkRows, c, nb, stride, zStride, blocks, slotBytes, xAt, etaAt } = L;
  const { betaAt, slotAt, bytes } = L;
  const cross = crossprodSharedModule(), etaMods = etaModules();
  if (cross === null || etaMods === null || logitRowsSharedModule(nb, c, RUN.SYSTEM) === null) {
    return null;
  }
  if (bytes > MAX_BYTES) return null;
  let memory: WebAssembly.Memory;
  try {
    memory = sharedMemory(bytes);
  } catch {
    return null;
  }
  const heap = new Float64Array(memory.buffer);
  const buffer = (b: number, length = n) =>
    heap.subarray(etaAt / 8 + b * nb, etaAt / 8 + b * nb + length);
  const [eta, y, w, offset, hy, mu, dev] = [0, 1, 2, 3, 4, 5, 6].map((b) => buffer(b));
  // The rows: X (and a row of zeros for an odd N), R's y, the weights, the offset, H(y).
  heap.set(X.data, xAt / 8);
  heap.fill(0, xAt / 8 + n * k, xAt / 8 + npad * k);
  const flags = copyResponse(
    inp.y instanceof Float64Array ? inp.y : Float64Array.from(inp.y),
    inp.weights,
    y,
  );
  if (inp.weights === null) w.fill(1);
  else w.set(inp.weights);
  if (inp.offset === null) offset.fill(0);
  else offset.set(inp.offset);
  const fractional = (flags & 2) !== 0;
  if (fractional) entropies(y, hy);
  for (let b = 0; b < 7; b++) heap.fill(0, etaAt / 8 + b * nb + n, etaAt / 8 + (b + 1) * nb);
  const hy_ = fractional ? RUN.HY : 0;
  const moduleOf = (f: number) => logitRowsSharedModule(nb, c, f | hy_)!;
  const pass = newPass(inp, null, { y, eta, mu, dev }, fractional);
  // The fit's rows, written by the blocks: a buffer of the fit's own (the memory is reused).
  const out = new SharedArrayBuffer(4 * n * 8);
  const params = new Float64Array(21);
  params.set([n, k, kp, chunkRows, BLOCK_CHUNKS, xAt, etaAt, stride, slotAt, slotBytes, zStride]);
  params[INTERCEPT] = inp.intercept ? 1 : 0;
  params[BETA_AT] = betaAt;
  params[OFFSET] = inp.offset === null ? 0 : 1;
  params[NPAD] = npad;
  params[ACC_SIZE] = L.accSize;
  const S = L.accSize + 2 * kp; // the sums' place in a block's
  /** Runs a pass: with or without η, system, stored rows, null deviance; sums into pass.acc. */
  const run = (
    etaToo: boolean,
    system: boolean,
    store: boolean,
    nullToo: boolean,
    sums: boolean,
  ) => {
    if (etaToo) heap.set(pass.beta!, betaAt / 8);
    params[ETA] = etaToo ? 1 : 0;
    params[SYSTEM] = system ? 1 : 0;
    params[STORE] = store ? 1 : 0;
    params[NULL_TOO] = nullToo ? 1 : 0;
    params[COPY_Y] = pass.beta === null ? 1 : 0;
    const main = moduleOf(system ? RUN.SYSTEM : RUN.ROWS);
    runBlocks({
      run: fusedBlock,
      modules: [cross, main, nullToo ? moduleOf(RUN.AT_OFFSET) : main, ...etaMods],
      memory,
      params,
      blocks,
      control: 0,
      extra: out,
    });
    if (!sums) return;
    const acc = pass.acc;
    for (let blk = 0; blk < blocks; blk++) {
      const at = (slotAt + blk * slotBytes) / 8 + S;
      addCompensated(acc, 0, heap[at + 2]);
      addCompensated(acc, 0, heap[at + 3]);
      if (nullToo) {
        addCompensated(acc, 2, heap[at + 4]);
        addCompensated(acc, 2, heap[at + 5]);
      }
      if (store) {
        addCompensated(acc, 4, heap[at + 6]);
        addCompensated(acc, 4, heap[at + 7]);
        acc[6] += heap[at + 8];
        acc[7] = Math.min(acc[7], heap[at + 9]);
        acc[8] = Math.max(acc[8], heap[at + 10]);
      }
    }
  };
  const p = k + (inp.intercept ? 1 : 0);
  const result: Crossprod = { A: new Float64Array(p * p), b: new Float64Array(p), p };
  const accA = new Float64Array(kp * kp), g = new Float64Array(2 * kp);
  // R's null deviance without an intercept is at η = offset; with no offset, no weights and y in
  // {0, 1}, every row's unit deviance there is 2 log 2: the sum needs no pass.
  const nullClosed = inp.offset === null && inp.weights === null && !fractional;
  const fill: RowWeights = () => {};
  const stored: RowWeights = () => {};
  let released = false;
  return {
    pass,
    nonInteger: (flags & 1) !== 0,
    fill,
    stored,
    source: {
      computeRows(f: RowWeights): Crossprod {
        if (released) throw new Error("parallelFused: used after release()");
        if (f === stored) {
          run(false, true, false, false, false);
        } else {
          const start = pass.beta === null;
          if (start) startChunk(pass, 0, n);
          run(!start, true, false, start && inp.nullAtOffset && !nullClosed, true);
          if (start && nullClosed) {
            pass.acc[2] = 2 * n * Math.LN2; // n unit deviances 2 log 2, at μ = ½
            pass.acc[3] = 0;
          }
        }
        foldBlocks(heap, slotAt, slotBytes, blocks, k, inp.intercept, accA, g, result);
        return result;
      },
    },
    updateOnly: () => {
      if (pass.beta === null) startChunk(pass, 0, n); // (no step taken: the rows at the start)
      run(pass.beta !== null, false, true, false, true);
    },
    rows: () => ({
      y: new Float64Array(out, 3 * n * 8, n),
      eta: new Float64Array(out, 0, n),
      mu: new Float64Array(out, n * 8, n),
      dev: new Float64Array(out, 2 * n * 8, n),
      weights: inp.weights === null ? null : w.slice(),
      offset: inp.offset === null ? null : offset.slice(),
    }),
    release() {
      if (released) return;
      released = true;
      recycleMemory(memory);
    },
  };
}
