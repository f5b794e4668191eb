/**
 * XᵀWX and XᵀWz for the fused passes of `fused_irls.ts`, with the logit's row kernel: the
 * cross-product kernel of `crossprod.ts` instantiated on the row kernel's memory. The row kernel
 * writes each chunk's √W and z√W where the cross-product kernel reads them (no copies between two
 * memories); the chunk of X is copied in (first, so that the pass's η reads the copy) and summed as
 * `crossprod.ts` does, with its chunks (so that the result equals `weightedCrossprod`'s to the bit).
 *
 * @module
 */

import type { Matrix } from "../core/matrix.ts";
import {
  type Crossprod,
  crossprodKernelModule,
  crossprodResult,
  type RowWeights,
} from "./crossprod.ts";
import type { LogitRowsKernel } from "./logit_rows_wasm.ts";

/** A source of the normal equations, as `glm/normal_equations.ts` describes them. */
export interface SharedCrossprod {
  /** A and b at the weights `fill` writes (into the row kernel's chunk buffers). */
  computeRows(fill: RowWeights): Crossprod;
}

/** `crossprod.ts`'s rows per chunk for K columns, made even (the row kernel works in pairs). */
function rowsPerChunk(k: number): number {
  return Math.max(4, Math.floor(32768 / Math.max(1, k))) & ~1;
}

/**
 * The bytes of memory {@linkcode sharedCrossprod} needs after the row kernel's for K columns: the
 * kp × kp accumulator, Vᵀ√w and Vᵀz√w (2 kp), a chunk of X and 64 bytes of scratch (kp = K
 * rounded up to a multiple of 4). The row kernel's chunk must hold the chunk's rows as well.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sharedCrossprodBytes } from "./fused_crossprod.ts";
 * assert.ok(sharedCrossprodBytes(10).bytes >= 3276 * 10 * 8 && sharedCrossprodBytes(10).chunk === 3276);
 * ```
 */
export function sharedCrossprodBytes(k: number): { bytes: number; chunk: number } {
  const kp = (k + 3) & ~3, chunk = rowsPerChunk(k);
  return { bytes: (kp * kp + 2 * kp + chunk * k) * 8 + 64, chunk };
}

/**
 * The normal equations of X (with a leading column of ones when `intercept`) on the row kernel's
 * memory, which must have {@linkcode sharedCrossprodBytes} at its `extraAt` and a chunk at least
 * that large; null where the cross-product kernel is not available. Each chunk of X is copied in
 * before `fill` runs; a `reader` is pointed at that copy (`xRows`, its first row `xFirst`) while it
 * does, so that η = Xβ reads the chunk once from memory and again from cache.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sharedCrossprod, sharedCrossprodBytes } from "./fused_crossprod.ts";
 * import { logitRowsKernel } from "./logit_rows_wasm.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const X = fromRows([[1, 2], [3, 4], [5, 6]]);
 * const { bytes, chunk } = sharedCrossprodBytes(2);
 * const kernel = logitRowsKernel(3, chunk, bytes);
 * const cp = kernel === null ? null : sharedCrossprod(X, true, kernel);
 * if (cp !== null) {
 *   // Weights w = (1, 4, 9), working response z = (1, 0, 1): the fill writes √w and √w·z.
 *   const { A, b } = cp.computeRows((_s, _n, sw, zw) => { sw.set([1, 2, 3]); zw.set([1, 0, 3]); });
 *   assert.ok(A[0] === 14 && A[1] === 1 + 12 + 45 && A[4] === 1 + 36 + 225);
 *   assert.ok(b[0] === 10 && b[2] === 2 + 54);
 * }
 * ```
 */
export function sharedCrossprod(
  X: Matrix,
  intercept: boolean,
  kernel: LogitRowsKernel,
  reader?: { xRows: Float64Array | null; xFirst: number },
): SharedCrossprod | null {
  const mod = crossprodKernelModule();
  if (mod === null) return null;
  const chunkFn = new WebAssembly.Instance(mod, { m: { mem: kernel.memory } }).exports
    .chunk as (...args: number[]) => void;
  const n = X.rows, k = X.cols, Xd = X.data;
  const off = intercept ? 1 : 0, p = k + off, kp = (k + 3) & ~3;
  const perChunk = Math.min(rowsPerChunk(k), kernel.chunk & ~1);
  const accOff = kernel.extraAt, gOff = accOff + kp * kp * 8, vOff = gOff + 2 * kp * 8;
  const heap = new Float64Array(kernel.memory.buffer);
  const acc = heap.subarray(accOff / 8, gOff / 8), g = heap.subarray(gOff / 8, vOff / 8);
  const { sw, zw } = kernel.buffers;
  const xView = heap.subarray(vOff / 8, vOff / 8 + perChunk * k);
  const A = new Float64Array(p * p), b = new Float64Array(p);
  const result: Crossprod = { A, b, p };
  return {
    computeRows(fill: RowWeights): Crossprod {
      acc.fill(0);
      g.fill(0);
      let sww = 0, swz = 0;
      for (let i0 = 0; i0 < n; i0 += perChunk) {
        const m = Math.min(perChunk, n - i0);
        // The chunk of X first: `fill` may read it there, from cache (the kernel then scales it).
        heap.set(Xd.subarray(i0 * k, (i0 + m) * k), vOff / 8);
        if (reader !== undefined) {
          reader.xRows = xView;
          reader.xFirst = i0;
        }
        fill(i0, m, sw, zw);
        if (intercept) {
          for (let r = 0; r < m; r++) {
            sww += sw[r] * sw[r];
            swz += sw[r] * zw[r];
          }
        }
        chunkFn(vOff, sw.byteOffset, zw.byteOffset, accOff, gOff, k, kp, m, vOff);
      }
      if (reader !== undefined) reader.xRows = null;
      // VᵀV (upper kp × kp blocks) and g into A and b, with the intercept's terms (crossprod.ts).
      crossprodResult(result, acc, g, sww, swz, k, intercept);
      return result;
    },
  };
}
